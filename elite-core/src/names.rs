//! Kubernetes names: DNS-1123 labels (META-2).

/// Why `name` is not a DNS-1123 label, or `None` when it is one.
pub fn dns1123_label_error(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("a name cannot be empty".into());
    }
    if name.len() > 63 {
        return Some(format!("`{name}` has {} characters; at most 63 are allowed", name.len()));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')) {
        return Some(format!("`{name}` contains `{c}`; only lowercase letters, digits and `-` are allowed"));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Some(format!("`{name}` must start and end with a letter or digit"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert!(dns1123_label_error("sonarr").is_none());
        assert!(dns1123_label_error("adguard-home").is_none());
        assert!(dns1123_label_error("a".repeat(63).as_str()).is_none());
        assert!(dns1123_label_error("a".repeat(64).as_str()).is_some());
        assert!(dns1123_label_error("Sonarr").is_some());
        assert!(dns1123_label_error("-x").is_some());
        assert!(dns1123_label_error("x_y").is_some());
        assert!(dns1123_label_error("").is_some());
    }
}
