//! Where each part of the data model was written, so a violation at `/probes/liveness` or
//! `/durability/databases/1/path` points at the tokens that declared it.

use std::collections::BTreeMap;

use elite_core::Pointer;

use crate::syntax::Range;

/// Pointer into the data model → the tokens that declared it.
pub struct Spans {
    map: BTreeMap<String, Range>,
    /// The struct's name: where a violation about something absent points.
    pub item: Range,
}

/// When a key was not written, the key that made it necessary (a startupProbe is required by the
/// runtime, replicas by `ha`, the user by an exception).
const CAUSES: [(&str, &str); 5] = [
    ("/probes/startup", "/runtime"),
    ("/replicas", "/ha"),
    ("/runAsUser", "/exceptions"),
    ("/category", "/name"),
    ("/strategy", "/replicas"),
];

impl Spans {
    /// An empty map; `item` is the struct's name.
    pub fn new(item: Range) -> Self {
        Spans { map: BTreeMap::new(), item }
    }
    /// Whether `pointer` itself was written.
    pub fn contains(&self, pointer: &str) -> bool {
        self.map.contains_key(pointer)
    }
    /// Records where `pointer` was written (the first record wins).
    pub fn insert(&mut self, pointer: impl Into<String>, range: Range) {
        self.map.entry(pointer.into()).or_insert(range);
    }
    /// The tokens for `pointer`: the pointer itself, else its closest written parent
    /// (`/durability/databases/1/path` → `/durability/databases/1` → ...), else what made it
    /// necessary, else the struct's name. Returns the pointer found, to group errors by place.
    pub fn find(&self, pointer: &Pointer) -> (String, Range) {
        let mut p = Some(pointer.clone());
        while let Some(cur) = p {
            if let Some(r) = self.map.get(cur.as_str()) {
                return (cur.as_str().to_owned(), *r);
            }
            p = cur.parent();
        }
        CAUSES
            .iter()
            .filter(|(absent, _)| pointer.as_str().starts_with(absent))
            .find_map(|(_, cause)| self.map.get(*cause).map(|r| (cause.to_string(), *r)))
            .unwrap_or_else(|| (String::new(), self.item))
    }
}
