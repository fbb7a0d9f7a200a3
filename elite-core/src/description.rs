//! App descriptions: an [`AppSpec`] written as JSON or YAML (the data model's own format, camelCase
//! fields, enum values as the DSL spells them, unknown fields rejected at every level). The door
//! for tools that are not written in Rust: `elite check` and `elite render` read them, and every
//! error, from the reader or from the catalog, is reported at its line.
//!
//! ```
//! use elite_core::description;
//!
//! let text = "name: whoami\ncategory: Tools\nimage: traefik/whoami:latest\n";
//! let (descriptions, errors) = description::read(text);
//! assert!(errors.is_empty());
//! let findings = description::check(&descriptions[0]);
//! let meta1 = findings.iter().find(|f| f.violation.rule == elite_core::RuleId::Meta1).unwrap();
//! assert_eq!(meta1.line, 3);
//! ```

use crate::audit::yaml::{self, Limits, Lines};
use crate::model::AppSpec;
use crate::pointer::Pointer;
use crate::rules::{Door, Violation, check_app};

/// One app description read from a text.
#[derive(Clone, Debug)]
pub struct Description {
    /// The app.
    pub spec: AppSpec,
    /// Where each field is.
    pub lines: Lines,
    /// 1-based index of the document it was in.
    pub document: usize,
}

/// A description that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DescriptionError {
    /// 1-based line.
    pub line: usize,
    /// Where in the description (a JSON Pointer), when known.
    pub pointer: Option<Pointer>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for DescriptionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.pointer {
            Some(p) => write!(f, "line {}: {} (at {p})", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

impl std::error::Error for DescriptionError {}

/// A violation of a description, at its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The violation (hint phrased for descriptions).
    pub violation: Violation,
    /// 1-based line of the field at fault (or of its nearest ancestor).
    pub line: usize,
}

/// Every app description of `text` (JSON, or YAML with one description per document), and
/// every error, each at its line.
pub fn read(text: &str) -> (Vec<Description>, Vec<DescriptionError>) {
    let (objects, err) = yaml::objects(text, &Limits::default());
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for o in objects {
        if !o.prefix.as_str().is_empty() {
            // An item of an `items:` list: descriptions are whole documents.
            continue;
        }
        let de = serde_path_to_error::deserialize::<_, AppSpec>(o.value.clone());
        match de {
            Ok(spec) => out.push(Description { spec, lines: o.lines, document: o.document }),
            Err(e) => {
                let mut pointer = path_to_pointer(e.path());
                let message = e.into_inner().to_string();
                // An unknown variant is a key of the mapping at `pointer`: point at that key.
                if let Some(variant) = message.strip_prefix("unknown variant `").and_then(|m| m.split('`').next()) {
                    let key = pointer.push(variant);
                    if o.value.pointer(key.as_str()).is_some() {
                        pointer = key;
                    }
                }
                let line = o.line_of(&pointer);
                errors.push(DescriptionError { line, pointer: Some(pointer), message });
            }
        }
    }
    if let Some(e) = err {
        errors.push(DescriptionError { line: e.line, pointer: None, message: e.to_string() });
    }
    (out, errors)
}

/// A serde path (`durability.databases[0].format`) as a JSON Pointer.
fn path_to_pointer(path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    let mut p = Pointer::root();
    for seg in path.iter() {
        p = match seg {
            Segment::Seq { index } => p.push(index),
            Segment::Map { key } => p.push(key),
            Segment::Enum { variant } => p.push(variant),
            Segment::Unknown => p,
        };
    }
    p
}

/// The catalog's verdict on a description, each violation at its line.
pub fn check(d: &Description) -> Vec<Finding> {
    check_app(&d.spec, Door::Data)
        .into_iter()
        .map(|violation| {
            let line = d.lines.line_of(&violation.at);
            Finding { violation, line }
        })
        .collect()
}
