//! Container image references, parsed by the grammar of the distribution project (what
//! containerd and the kubelet accept): `[registry[:port]/]path[:tag][@sha256:<64 hex>]`.

use std::fmt;

/// A parsed image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// `ghcr.io`, `registry.lan:5000`; `None` for Docker Hub shorthand (`minio/minio`).
    pub registry: Option<String>,
    /// The repository path: `linuxserver/sonarr`, `minio/minio`, `vaultwarden/server`.
    pub path: String,
    /// The tag: `version-4.0.16.2944`, `1.2.3`.
    pub tag: Option<String>,
    /// `sha256:<64 hex>`.
    pub digest: Option<String>,
}

/// Why a string is not an image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageError {
    /// The reference is empty.
    Empty,
    /// Leading or trailing whitespace, which the API server rejects.
    Whitespace,
    /// The repository path breaks the grammar (uppercase, a bad separator...).
    BadPath(String),
    /// The registry is not a host name with an optional port (`registry.example:5000`).
    BadRegistry(String),
    /// The tag is not 1 to 128 letters, digits, `_`, `.` or `-`, starting with neither of the last two.
    BadTag(String),
    /// A digest must be `sha256:` followed by 64 hexadecimal digits.
    BadDigest(String),
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageError::Empty => f.write_str("the image is empty"),
            ImageError::Whitespace => f.write_str("the image has leading or trailing whitespace"),
            ImageError::BadPath(p) => write!(
                f,
                "repository `{p}` is not valid: path components are lowercase letters and digits separated by `.`, `_`, `__` or `-`"
            ),
            ImageError::BadRegistry(r) => write!(f, "registry `{r}` is not a host name with an optional port"),
            ImageError::BadTag(t) => {
                write!(
                    f,
                    "tag `{t}` is not valid: up to 128 of letters, digits, `_`, `.`, `-`, not starting with `.` or `-`"
                )
            }
            ImageError::BadDigest(d) => write!(f, "digest `{d}` is not `sha256:` followed by 64 hexadecimal digits"),
        }
    }
}

impl std::error::Error for ImageError {}

fn path_component_ok(c: &str) -> bool {
    // alpha-numeric (separator alpha-numeric)*, separator := [_.] | __ | -+
    let b = c.as_bytes();
    if b.is_empty() || !is_lower_alnum(b[0]) || !is_lower_alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if is_lower_alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !is_lower_alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

fn registry_ok(r: &str) -> bool {
    let (host, port) = if let Some(rest) = r.strip_prefix('[') {
        let Some(i) = rest.find(']') else { return false };
        let (inside, after) = (&rest[..i], &rest[i + 1..]);
        if inside.is_empty() || !inside.chars().all(|c| c.is_ascii_hexdigit() || c == ':') {
            return false;
        }
        match after {
            "" => return true,
            a => match a.strip_prefix(':') {
                Some(p) => (None, Some(p)),
                None => return false,
            },
        }
    } else {
        match r.rsplit_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(r), None),
        }
    };
    if let Some(p) = port
        && (p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    host.is_none_or(|h| {
        !h.is_empty()
            && h.split('.').all(|c| {
                !c.is_empty()
                    && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !c.starts_with('-')
                    && !c.ends_with('-')
            })
    })
}

fn tag_ok(t: &str) -> bool {
    let b = t.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_alphanumeric() || b[0] == b'_')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(c))
}

fn digest_ok(d: &str) -> bool {
    d.strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

impl ImageRef {
    /// Parses `s`.
    pub fn parse(s: &str) -> Result<ImageRef, ImageError> {
        if s.is_empty() {
            return Err(ImageError::Empty);
        }
        if s.trim() != s {
            return Err(ImageError::Whitespace);
        }
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) => {
                if !digest_ok(d) {
                    return Err(ImageError::BadDigest(d.to_owned()));
                }
                (r, Some(d.to_owned()))
            }
            None => (s, None),
        };
        // A tag follows the last `:` after the last `/` (a registry port is not a tag).
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].find(':') {
            Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
            None => (rest, None),
        };
        if let Some(t) = tag
            && !tag_ok(t)
        {
            return Err(ImageError::BadTag(t.to_owned()));
        }
        let (registry, path) = match name.split_once('/') {
            Some((first, path)) if first.contains(['.', ':']) || first == "localhost" || first.starts_with('[') => {
                if !registry_ok(first) {
                    return Err(ImageError::BadRegistry(first.to_owned()));
                }
                (Some(first.to_owned()), path)
            }
            _ => (None, name),
        };
        if path.is_empty() || !path.split('/').all(path_component_ok) {
            return Err(ImageError::BadPath(path.to_owned()));
        }
        Ok(ImageRef { registry, path: path.to_owned(), tag: tag.map(str::to_owned), digest })
    }

    /// The last path component: `minio` for `quay.io/minio/minio`.
    pub fn short_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// Why the reference is not pinned (META-1), or `None` when it has a digest or a tag other
    /// than `latest`.
    pub fn unpinned(&self) -> Option<&'static str> {
        if self.digest.is_some() {
            return None;
        }
        match self.tag.as_deref() {
            None => Some("has no tag (it means `latest`)"),
            Some("latest") => Some("uses the moving tag `latest`"),
            Some(_) => None,
        }
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(r) = &self.registry {
            write!(f, "{r}/")?;
        }
        f.write_str(&self.path)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

/// The grammar of [`ImageRef::parse`] as one regular expression (RE2 and Rust `regex` alike), for
/// the Kyverno CEL of META-1; a test holds the two to the same verdicts on generated references.
pub const IMAGE_REFERENCE_RE: &str = concat!(
    "^(?:(?:",
    "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:[.][A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+(?::[0-9]{1,5})?",
    "|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?:[0-9]{1,5}",
    "|localhost",
    "|\\[[0-9A-Fa-f:]+\\](?::[0-9]{1,5})?",
    ")/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*",
    "|[a-z0-9]+(?:(?:_|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)+",
    "|[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*",
    ")(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$",
);

/// An image reference that is not pinned: no tag, or the tag `latest` (and no digest, which a
/// caller checks apart: a reference with `@` is pinned).
pub const UNPINNED_IMAGE_RE: &str = "^(.*/)?[^/:@]*(:latest)?$";

/// The repositories a MinIO server image is published under (PRIO-4), by their last path
/// component, wherever they are hosted (`minio/minio`, `quay.io/minio/minio`,
/// `bitnami/minio`, a mirror).
pub const MINIO_REPOSITORY_NAME: &str = "minio";

/// The regular expression (RE2 and Rust `regex` syntax alike) that recognises a MinIO server image
/// by its repository's last path component: used by the Kyverno CEL of PRIO-4.
pub const MINIO_IMAGE_RE: &str = "^([^/@]*/)*minio(:[^/@]*)?(@.*)?$";

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn references() {
        let r = ImageRef::parse("ghcr.io/linuxserver/sonarr:version-4.0.16").unwrap();
        assert_eq!(
            (r.registry.as_deref(), r.path.as_str(), r.tag.as_deref()),
            (Some("ghcr.io"), "linuxserver/sonarr", Some("version-4.0.16"))
        );
        let r = ImageRef::parse("registry.lan:5000/minio").unwrap();
        assert_eq!((r.registry.as_deref(), r.tag.as_deref()), (Some("registry.lan:5000"), None));
        assert_eq!(r.unpinned(), Some("has no tag (it means `latest`)"));
        let r = ImageRef::parse(&format!("minio/minio:RELEASE.2025@{D}")).unwrap();
        assert_eq!(r.unpinned(), None);
        assert_eq!(r.to_string(), format!("minio/minio:RELEASE.2025@{D}"));
        assert_eq!(ImageRef::parse("busybox:latest").unwrap().unpinned(), Some("uses the moving tag `latest`"));
        assert_eq!(ImageRef::parse("localhost/app:1").unwrap().registry.as_deref(), Some("localhost"));
    }

    #[test]
    fn rejections() {
        assert!(matches!(ImageRef::parse("repo@sha256:abc"), Err(ImageError::BadDigest(_))));
        assert!(matches!(ImageRef::parse(&format!("repo@{}", D.to_uppercase())), Err(ImageError::BadDigest(_))));
        assert!(matches!(ImageRef::parse("Repo/App:1"), Err(ImageError::BadPath(_))));
        assert!(matches!(ImageRef::parse("repo:"), Err(ImageError::BadTag(_))));
        assert!(matches!(ImageRef::parse("repo:-x"), Err(ImageError::BadTag(_))));
        assert!(matches!(ImageRef::parse(" repo:1"), Err(ImageError::Whitespace)));
        assert!(matches!(ImageRef::parse("a//b:1"), Err(ImageError::BadPath(_))));
        assert!(matches!(ImageRef::parse("reg:99999999/a:1"), Err(ImageError::BadRegistry(_))));
        assert!(ImageRef::parse("a__b/c-d--e.f:1").is_ok());
        assert!(ImageRef::parse("[::1]:5000/app:1").is_ok());
        assert!(ImageRef::parse("[::1]/app:1").is_ok());
        assert!(matches!(ImageRef::parse("foo_bar.com/x:1"), Err(ImageError::BadRegistry(_))));
        assert!(matches!(ImageRef::parse("a___b:1"), Err(ImageError::BadPath(_))));
    }

    /// The regular expression and the parser agree, on the examples and on generated strings.
    #[test]
    fn the_regex_is_the_parser() {
        let re = regex::Regex::new(IMAGE_REFERENCE_RE).unwrap();
        let alphabet: Vec<char> = "aZ09._-/:@[]".chars().collect();
        let mut examples: Vec<String> = [
            "ghcr.io/linuxserver/sonarr:version-4.0.16",
            "registry.lan:5000/minio",
            "minio/minio",
            "busybox:latest",
            "localhost/app:1",
            "Repo/App:1",
            "repo:",
            "a//b:1",
            "foo_bar.com/x:1",
            "[::1]:5000/app:1",
            "my.image:1",
            "Foo/bar",
            "a.b/c",
            "reg:99999999/a:1",
            "a___b:1",
            "host:80/a/b_c:v1.0",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        examples.push(format!("repo@{D}"));
        examples.push(format!("r.io:1/a/b:t@{D}"));
        let mut x: u64 = 0x2545F4914F6CDD1D;
        for _ in 0..20_000 {
            let mut s = String::new();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            for i in 0..(x % 14) {
                s.push(alphabet[((x >> (i * 4)) % alphabet.len() as u64) as usize]);
            }
            examples.push(s);
        }
        for e in examples {
            assert_eq!(
                re.is_match(&e),
                ImageRef::parse(&e).is_ok(),
                "{e:?}: regex {} parser {:?}",
                re.is_match(&e),
                ImageRef::parse(&e)
            );
        }
    }

    #[test]
    fn minio_by_repository() {
        let re = regex::Regex::new(MINIO_IMAGE_RE).unwrap();
        for (image, minio) in [
            ("minio/minio:RELEASE.1", true),
            ("quay.io/minio/minio:RELEASE.1", true),
            ("registry.lan:5000/mirror/bitnami/minio:2025", true),
            (&format!("minio@{D}") as &str, true),
            ("minio/mc:RELEASE.1", false),
            ("ghcr.io/x/minio-operator:1", false),
        ] {
            let parsed = ImageRef::parse(image).unwrap().short_name() == MINIO_REPOSITORY_NAME;
            assert_eq!(parsed, minio, "{image}");
            assert_eq!(re.is_match(image), minio, "regex on {image}");
        }
    }
}
