//! Where something is: a JSON Pointer (RFC 6901) into the data model of a declaration
//! (`/durability/databases/1/path`) or into a manifest (`/spec/template/spec/containers/0/image`).
//! The macro turns it into the span of the tokens that declared it, the JSON and YAML doors and
//! the audit into a line.

use std::fmt;

/// A JSON Pointer; the empty pointer is the whole document.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String);

impl Pointer {
    /// The whole document.
    pub const fn root() -> Self {
        Pointer(String::new())
    }
    /// Parses a pointer written as text (`/a/b~1c/0`); `None` when it does not start with `/`.
    pub fn parse(s: &str) -> Option<Self> {
        (s.is_empty() || s.starts_with('/')).then(|| Pointer(s.to_owned()))
    }
    /// This pointer extended by one reference token (escaped as RFC 6901 requires).
    pub fn push(&self, token: impl fmt::Display) -> Self {
        let t = token.to_string().replace('~', "~0").replace('/', "~1");
        Pointer(format!("{}/{t}", self.0))
    }
    /// This pointer extended by several tokens.
    pub fn join<T: fmt::Display>(&self, tokens: impl IntoIterator<Item = T>) -> Self {
        tokens.into_iter().fold(self.clone(), |p, t| p.push(t))
    }
    /// The reference tokens, unescaped.
    pub fn tokens(&self) -> impl Iterator<Item = String> + '_ {
        self.0.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~"))
    }
    /// The pointer without its last token; `None` for the root.
    pub fn parent(&self) -> Option<Self> {
        self.0.rfind('/').map(|i| Pointer(self.0[..i].to_owned()))
    }
    /// Whether `self` is `other` or lies under it.
    pub fn starts_with(&self, other: &Pointer) -> bool {
        self.0 == other.0 || (self.0.starts_with(&other.0) && self.0[other.0.len()..].starts_with('/'))
    }
    /// The pointer as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The first token, if any.
    pub fn first(&self) -> Option<String> {
        self.tokens().next()
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() { f.write_str("/") } else { f.write_str(&self.0) }
    }
}

impl serde::Serialize for Pointer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// `pointer!("durability", "databases", i, "path")`.
#[macro_export]
macro_rules! pointer {
    ($($t:expr),* $(,)?) => { $crate::pointer::Pointer::root()$(.push($t))* };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_escaped() {
        let p = Pointer::root().push("metadata").push("annotations").push("vixens.io/role").push("a~b");
        assert_eq!(p.as_str(), "/metadata/annotations/vixens.io~1role/a~0b");
        assert_eq!(p.tokens().collect::<Vec<_>>(), ["metadata", "annotations", "vixens.io/role", "a~b"]);
        assert_eq!(p.parent().unwrap().tokens().last().as_deref(), Some("vixens.io/role"));
        assert!(p.starts_with(&Pointer::parse("/metadata").unwrap()));
        assert!(!Pointer::parse("/metadatax").unwrap().starts_with(&Pointer::parse("/metadata").unwrap()));
        assert_eq!(crate::pointer!("durability", "databases", 1).as_str(), "/durability/databases/1");
        assert_eq!(Pointer::root().to_string(), "/");
    }
}
