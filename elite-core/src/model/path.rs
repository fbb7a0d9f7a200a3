//! Paths inside a container, normalized once, so every rule judges the path the kernel resolves
//! and the generator writes that same path: `//` and `.` removed, `..` applied, no trailing `/`.

use std::fmt;

/// Why a path cannot be used inside a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathError {
    /// The path is empty.
    Empty,
    /// The path does not start with `/`.
    Relative,
    /// The path contains a control character (a newline, a NUL...).
    Control(char),
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::Empty => f.write_str("it is empty"),
            PathError::Relative => f.write_str("it is not absolute (it must start with `/`)"),
            PathError::Control(c) => write!(f, "it contains the control character {c:?}"),
        }
    }
}

impl std::error::Error for PathError {}

/// The normal form of an absolute path: `/a//b/./c/../d/` is `/a/b/d`; `/..` is `/`.
pub fn normalize(path: &str) -> Result<String, PathError> {
    if path.is_empty() {
        return Err(PathError::Empty);
    }
    if let Some(c) = path.chars().find(|c| c.is_control()) {
        return Err(PathError::Control(c));
    }
    if !path.starts_with('/') {
        return Err(PathError::Relative);
    }
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    Ok(format!("/{}", parts.join("/")))
}

/// `path` normalized, or as written when it cannot be (the rules report why).
pub fn normalized_or_raw(path: &str) -> String {
    normalize(path).unwrap_or_else(|_| path.to_owned())
}

/// Whether the normalized `path` equals the normalized `dir` or lies under it.
pub fn is_under(path: &str, dir: &str) -> bool {
    let (Ok(path), Ok(dir)) = (normalize(path), normalize(dir)) else { return false };
    dir == "/" || path == dir || (path.starts_with(&dir) && path[dir.len()..].starts_with('/'))
}

/// Whether the normalized `path` lies strictly under `dir`.
pub fn is_strictly_under(path: &str, dir: &str) -> bool {
    is_under(path, dir) && normalize(path) != normalize(dir)
}

/// `path` relative to `dir` (both normalized; `path` under `dir`), without a leading `/`.
pub fn relative_to(path: &str, dir: &str) -> Option<String> {
    let (path, dir) = (normalize(path).ok()?, normalize(dir).ok()?);
    if !is_under(&path, &dir) {
        return None;
    }
    let rest = if dir == "/" { &path[1..] } else { &path[dir.len()..] };
    Some(rest.trim_start_matches('/').to_owned())
}

/// Why `sub` is not a sub-path Kubernetes accepts (`volumeMounts[].subPath`): relative, with no
/// `..` segment.
pub fn sub_path_error(sub: &str) -> Option<String> {
    if sub.is_empty() {
        return Some("a sub-path cannot be empty".into());
    }
    if sub.starts_with('/') {
        return Some(format!("sub-path `{sub}` must be relative"));
    }
    if sub.split('/').any(|s| s == "..") {
        return Some(format!("sub-path `{sub}` cannot contain `..`"));
    }
    if let Some(c) = sub.chars().find(|c| c.is_control()) {
        return Some(format!("sub-path contains the control character {c:?}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_forms() {
        assert_eq!(normalize("/config").unwrap(), "/config");
        assert_eq!(normalize("/config/").unwrap(), "/config");
        assert_eq!(normalize("//config//app.db").unwrap(), "/config/app.db");
        assert_eq!(normalize("/config/./a/../app.db").unwrap(), "/config/app.db");
        assert_eq!(normalize("/config/../etc").unwrap(), "/etc");
        assert_eq!(normalize("/../..").unwrap(), "/");
        assert_eq!(normalize("/").unwrap(), "/");
        assert_eq!(normalize("config"), Err(PathError::Relative));
        assert_eq!(normalize(""), Err(PathError::Empty));
        assert_eq!(normalize("/a\nb"), Err(PathError::Control('\n')));
    }

    #[test]
    fn containment() {
        assert!(is_under("/config/app.db", "/config/"));
        assert!(is_under("/config", "/config"));
        assert!(!is_under("/configx/app.db", "/config"));
        assert!(!is_under("/config/../etc/app.db", "/config"));
        assert!(is_under("/x", "/"));
        assert!(!is_strictly_under("/config/", "/config"));
        assert_eq!(relative_to("/config/a/b.db", "/config").as_deref(), Some("a/b.db"));
        assert_eq!(relative_to("/a", "/").as_deref(), Some("a"));
    }

    #[test]
    fn sub_paths() {
        assert!(sub_path_error("TV Show").is_none());
        assert!(sub_path_error("a/../b").is_some());
        assert!(sub_path_error("/a").is_some());
    }
}
