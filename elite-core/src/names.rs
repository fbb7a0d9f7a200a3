//! The API server's own name and format rules (`k8s.io/apimachinery/pkg/util/validation`), so
//! that every name the generator writes is one Kubernetes accepts.

use std::fmt;

/// Why a name is not valid, in the API server's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameError {
    /// The name is empty.
    Empty,
    /// The name is longer than the format allows.
    TooLong {
        /// Its length.
        len: usize,
        /// The longest the format allows.
        max: usize,
    },
    /// A character the format does not allow.
    BadChar(char),
    /// The first character is not allowed there.
    BadStart(char),
    /// The last character is not allowed there.
    BadEnd(char),
    /// An IANA service name needs at least one letter.
    NoLetter,
    /// An IANA service name cannot contain `--`.
    DoubleHyphen,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::Empty => f.write_str("it is empty"),
            NameError::TooLong { len, max } => write!(f, "it has {len} characters; at most {max} are allowed"),
            NameError::BadChar(c) => write!(f, "it contains {}, which is not allowed", describe(*c)),
            NameError::BadStart(c) => write!(f, "it cannot start with {}", describe(*c)),
            NameError::BadEnd(c) => write!(f, "it cannot end with {}", describe(*c)),
            NameError::NoLetter => f.write_str("it must contain at least one letter"),
            NameError::DoubleHyphen => f.write_str("it cannot contain `--`"),
        }
    }
}

impl std::error::Error for NameError {}

fn describe(c: char) -> String {
    if c.is_control() || c.is_whitespace() { format!("{:?}", c) } else { format!("`{c}`") }
}

/// The formats the API server validates names and values against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// RFC 1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters (namespaces,
    /// container and volume names, label-like names).
    Dns1123Label,
    /// RFC 1123 subdomain: dot-separated labels, at most 253 characters (most object names, hosts).
    Dns1123Subdomain,
    /// RFC 1035 label: a DNS-1123 label that starts with a letter (Service names).
    Dns1035Label,
    /// IANA service name: 1–15 characters of `[a-z0-9-]`, at least one letter, no `--`, no `-` at
    /// either end (container and Service port names).
    IanaServiceName,
    /// A label value: empty, or at most 63 characters of `[A-Za-z0-9_.-]` starting and ending
    /// alphanumeric.
    LabelValue,
    /// An environment variable name: `[-._a-zA-Z][-._a-zA-Z0-9]*`.
    EnvVarName,
    /// A key of a ConfigMap or Secret: `[-._a-zA-Z0-9]+`, at most 253 characters.
    ConfigKey,
}

impl Format {
    /// What the format is called in messages.
    pub const fn describe(self) -> &'static str {
        match self {
            Format::Dns1123Label => "a DNS-1123 label (lowercase letters, digits and `-`, at most 63)",
            Format::Dns1123Subdomain => "a DNS-1123 subdomain (dot-separated DNS-1123 labels, at most 253)",
            Format::Dns1035Label => "a DNS-1035 label (a DNS-1123 label that starts with a letter)",
            Format::IanaServiceName => "an IANA service name (1–15 of `a-z`, `0-9`, `-`, with a letter)",
            Format::LabelValue => "a label value (at most 63 of `A-Za-z0-9_.-`, alphanumeric at both ends)",
            Format::EnvVarName => "an environment variable name (`[-._a-zA-Z][-._a-zA-Z0-9]*`)",
            Format::ConfigKey => "a ConfigMap or Secret key (`[-._a-zA-Z0-9]+`, at most 253)",
        }
    }

    /// Checks `s` against the format.
    pub fn check(self, s: &str) -> Result<(), NameError> {
        match self {
            Format::Dns1123Label => dns1123_label(s),
            Format::Dns1123Subdomain => dns1123_subdomain(s),
            Format::Dns1035Label => dns1035_label(s),
            Format::IanaServiceName => iana_service_name(s),
            Format::LabelValue => label_value(s),
            Format::EnvVarName => env_var_name(s),
            Format::ConfigKey => config_key(s),
        }
    }
}

fn max_len(s: &str, max: usize) -> Result<(), NameError> {
    let len = s.chars().count();
    if len > max { Err(NameError::TooLong { len, max }) } else { Ok(()) }
}

fn only(s: &str, allowed: impl Fn(char) -> bool) -> Result<(), NameError> {
    match s.chars().find(|c| !allowed(*c)) {
        Some(c) => Err(NameError::BadChar(c)),
        None => Ok(()),
    }
}

fn ends(s: &str, ok: impl Fn(char) -> bool) -> Result<(), NameError> {
    let (first, last) = (s.chars().next(), s.chars().next_back());
    if let Some(c) = first.filter(|c| !ok(*c)) {
        return Err(NameError::BadStart(c));
    }
    if let Some(c) = last.filter(|c| !ok(*c)) {
        return Err(NameError::BadEnd(c));
    }
    Ok(())
}

fn lower_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// RFC 1123 label.
pub fn dns1123_label(s: &str) -> Result<(), NameError> {
    if s.is_empty() {
        return Err(NameError::Empty);
    }
    max_len(s, 63)?;
    only(s, |c| lower_alnum(c) || c == '-')?;
    ends(s, lower_alnum)
}

/// RFC 1123 subdomain.
pub fn dns1123_subdomain(s: &str) -> Result<(), NameError> {
    if s.is_empty() {
        return Err(NameError::Empty);
    }
    max_len(s, 253)?;
    only(s, |c| lower_alnum(c) || c == '-' || c == '.')?;
    ends(s, lower_alnum)?;
    for label in s.split('.') {
        if label.is_empty() {
            return Err(NameError::BadChar('.'));
        }
        ends(label, lower_alnum)?;
    }
    Ok(())
}

/// RFC 1035 label.
pub fn dns1035_label(s: &str) -> Result<(), NameError> {
    dns1123_label(s)?;
    match s.chars().next() {
        Some(c) if c.is_ascii_lowercase() => Ok(()),
        Some(c) => Err(NameError::BadStart(c)),
        None => Err(NameError::Empty),
    }
}

/// IANA service name (port names).
pub fn iana_service_name(s: &str) -> Result<(), NameError> {
    if s.is_empty() {
        return Err(NameError::Empty);
    }
    max_len(s, 15)?;
    only(s, |c| lower_alnum(c) || c == '-')?;
    ends(s, lower_alnum)?;
    if s.contains("--") {
        return Err(NameError::DoubleHyphen);
    }
    if !s.chars().any(|c| c.is_ascii_lowercase()) {
        return Err(NameError::NoLetter);
    }
    Ok(())
}

/// A label value (may be empty).
pub fn label_value(s: &str) -> Result<(), NameError> {
    if s.is_empty() {
        return Ok(());
    }
    max_len(s, 63)?;
    only(s, |c| c.is_ascii_alphanumeric() || "-_.".contains(c))?;
    ends(s, |c| c.is_ascii_alphanumeric())
}

/// An environment variable name.
pub fn env_var_name(s: &str) -> Result<(), NameError> {
    if s.is_empty() {
        return Err(NameError::Empty);
    }
    only(s, |c| c.is_ascii_alphanumeric() || "-._".contains(c))?;
    match s.chars().next() {
        Some(c) if c.is_ascii_digit() => Err(NameError::BadStart(c)),
        _ => Ok(()),
    }
}

/// A ConfigMap or Secret key.
pub fn config_key(s: &str) -> Result<(), NameError> {
    if s.is_empty() {
        return Err(NameError::Empty);
    }
    max_len(s, 253)?;
    only(s, |c| c.is_ascii_alphanumeric() || "-._".contains(c))?;
    if s == "." || s == ".." {
        return Err(NameError::BadChar('.'));
    }
    Ok(())
}

/// Why `name` is not a DNS-1123 label, or `None` when it is one (the message names it).
pub fn dns1123_label_error(name: &str) -> Option<String> {
    dns1123_label(name).err().map(|e| format!("`{}` is not a DNS-1123 label: {e}", printable(name)))
}

/// `s` shortened and escaped for a message: control characters escaped, at most 80 characters.
pub fn printable(s: &str) -> String {
    printable_max(s, 80)
}

/// `s` escaped for a message, at most `max` characters (then `…`).
pub fn printable_max(s: &str, max: usize) -> String {
    let mut out: String = s
        .chars()
        .take(max)
        .flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] })
        .collect();
    if s.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

/// `s` escaped for a message, at most `max` characters, keeping its end (`…` then the last ones):
/// for paths, whose end names the file.
pub fn printable_tail(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return printable_max(s, max);
    }
    let tail: String = s.chars().skip(n - max).collect();
    format!("…{}", printable_max(&tail, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_paths_keep_their_end() {
        let path = format!("/{}/20-media/radarr/base/deployment.yaml", "x".repeat(100));
        let shown = printable_tail(&path, 40);
        assert!(shown.starts_with('…') && shown.ends_with("20-media/radarr/base/deployment.yaml"), "{shown}");
        assert_eq!(shown.chars().count(), 41);
        assert_eq!(printable_tail("/short.yaml", 40), "/short.yaml");
        assert_eq!(printable_tail("/a\nb", 40), "/a\\nb");
    }

    #[test]
    fn labels() {
        assert!(dns1123_label("sonarr").is_ok());
        assert!(dns1123_label("adguard-home").is_ok());
        assert!(dns1123_label("0day").is_ok());
        assert!(dns1123_label(&"a".repeat(63)).is_ok());
        assert_eq!(dns1123_label(&"a".repeat(64)), Err(NameError::TooLong { len: 64, max: 63 }));
        assert_eq!(dns1123_label("Sonarr"), Err(NameError::BadChar('S')));
        assert_eq!(dns1123_label("-x"), Err(NameError::BadStart('-')));
        assert_eq!(dns1123_label("x_y"), Err(NameError::BadChar('_')));
        assert_eq!(dns1123_label(""), Err(NameError::Empty));
        assert!(dns1035_label("0day").is_err());
        assert!(dns1035_label("day0").is_ok());
    }

    #[test]
    fn subdomains() {
        assert!(dns1123_subdomain("a.b-c.d").is_ok());
        assert!(dns1123_subdomain("a..b").is_err());
        assert!(dns1123_subdomain("a.-b").is_err());
        assert!(dns1123_subdomain("a-.b").is_err());
        assert!(dns1123_subdomain(".a").is_err());
    }

    #[test]
    fn port_names() {
        for ok in ["http", "metrics", "a1", "dns-tcp", "web-ui-2"] {
            assert!(iana_service_name(ok).is_ok(), "{ok}");
        }
        assert_eq!(iana_service_name("8080"), Err(NameError::NoLetter));
        assert_eq!(iana_service_name("a--b"), Err(NameError::DoubleHyphen));
        assert!(iana_service_name("sixteen-chars-xx").is_err());
        assert!(iana_service_name("HTTP").is_err());
        assert!(iana_service_name("-http").is_err());
    }

    #[test]
    fn values_and_keys() {
        assert!(label_value("").is_ok());
        assert!(label_value("Hello_World.1").is_ok());
        assert!(label_value("_x").is_err());
        assert!(env_var_name("TZ").is_ok());
        assert!(env_var_name("my.var-1").is_ok());
        assert!(env_var_name("1X").is_err());
        assert!(env_var_name("A B").is_err());
        assert!(config_key("API_KEY").is_ok());
        assert!(config_key("a/b").is_err());
        assert!(config_key("..").is_err());
    }
}
