//! Where each declaration key was written, so a violation at `probes.liveness` or
//! `databases[1].path` points at the tokens that declared it.

use std::collections::BTreeMap;

use crate::syntax::Range;

/// Declaration key → the tokens that declared it.
pub struct Spans {
    map: BTreeMap<String, Range>,
    /// The struct's name: where a violation about something absent points.
    pub item: Range,
}

/// When a key was not written, the key that made it necessary (a startupProbe is required by the
/// runtime, replicas by `ha`).
const CAUSES: [(&str, &str); 4] =
    [("probes.startup", "runtime"), ("replicas", "ha"), ("run_as_user", "exceptions"), ("category", "name")];

impl Spans {
    pub fn new(item: Range) -> Self {
        Spans { map: BTreeMap::new(), item }
    }
    /// Whether `key` itself was written.
    pub fn contains(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }
    pub fn insert(&mut self, key: impl Into<String>, range: Range) {
        self.map.insert(key.into(), range);
    }
    /// The tokens for `key`: the key itself, else its closest written parent
    /// (`databases[1].path` → `databases[1]` → `databases`), else what made it necessary, else
    /// the struct's name.
    pub fn find(&self, key: &str) -> Range {
        let mut k = key;
        loop {
            if let Some(r) = self.map.get(k) {
                return *r;
            }
            match k.rfind(['.', '[']) {
                Some(i) => k = &k[..i],
                None => break,
            }
        }
        CAUSES
            .iter()
            .filter(|(absent, _)| *absent == key)
            .find_map(|(_, cause)| self.map.get(*cause).copied())
            .unwrap_or(self.item)
    }
}
