//! YAML documents as JSON values, with the line of every node, read from the parser's events
//! (the parser serde-saphyr uses). Anchors, aliases and merge keys (`<<`) are resolved; scalars
//! are typed by the YAML 1.2 core schema (quoted or tagged `!!str` stay strings).

use std::collections::HashMap;

use granit_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Value};

/// One document of a YAML stream.
#[derive(Clone, Debug)]
pub struct Document {
    /// Line of the document's first node (1-based).
    pub line: usize,
    pub value: Value,
    /// Path of a node (`spec.template.spec.containers[0].image`) → its line.
    lines: HashMap<String, usize>,
}

impl Document {
    /// The line of the node at `path`, or of its nearest ancestor the document has.
    pub fn line_of(&self, path: &str) -> usize {
        let mut p = path;
        loop {
            if let Some(l) = self.lines.get(p) {
                return *l;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return self.line,
            }
        }
    }
}

/// Malformed YAML: where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub message: String,
}

enum Frame {
    /// `key_line`: the line of the current key, where its value is reported (a reader looks for
    /// `resources:`, not for the first line inside it).
    Map {
        map: Map<String, Value>,
        key: Option<String>,
        key_line: usize,
        merged: Vec<Map<String, Value>>,
        path: String,
        anchor: usize,
    },
    Seq {
        items: Vec<Value>,
        path: String,
        anchor: usize,
    },
}

/// The documents of `text`, or the first syntax error (the documents before it are returned too).
pub fn documents(text: &str) -> (Vec<Document>, Option<SyntaxError>) {
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Value> = HashMap::new();
    let mut lines: HashMap<String, usize> = HashMap::new();
    let mut doc_line = 1;
    let mut root: Option<Value> = None;
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(e) => e,
            Err(e) => return (docs, Some(SyntaxError { line: e.marker().line().max(1), message: e.info() })),
        };
        let line = span.start.line().max(1);
        // The path of the node this event starts and the line it is reported at, when it is a
        // value (not a mapping key).
        let child_path = |stack: &[Frame]| -> Option<(String, usize)> {
            match stack.last() {
                None => Some((String::new(), line)),
                Some(Frame::Map { key: None, .. }) => None,
                Some(Frame::Map { key: Some(k), path, key_line, .. }) => Some((join(path, k), *key_line)),
                Some(Frame::Seq { items, path, .. }) => Some((format!("{path}[{}]", items.len()), line)),
            }
        };
        let value = match event {
            Event::DocumentStart(..) => {
                doc_line = line;
                lines = HashMap::new();
                anchors.clear();
                root = None;
                continue;
            }
            Event::DocumentEnd => {
                docs.push(Document {
                    line: doc_line,
                    value: root.take().unwrap_or(Value::Null),
                    lines: std::mem::take(&mut lines),
                });
                continue;
            }
            Event::MappingStart(_, anchor, _) | Event::SequenceStart(_, anchor, _) => {
                let (path, at) = child_path(&stack).unwrap_or_else(|| ("?".into(), line));
                lines.entry(path.clone()).or_insert(at);
                stack.push(if matches!(event, Event::MappingStart(..)) {
                    Frame::Map { map: Map::new(), key: None, key_line: line, merged: Vec::new(), path, anchor }
                } else {
                    Frame::Seq { items: Vec::new(), path, anchor }
                });
                continue;
            }
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map { mut map, merged, anchor, .. }) => {
                    for m in merged {
                        for (k, v) in m {
                            map.entry(k).or_insert(v);
                        }
                    }
                    let v = Value::Object(map);
                    if anchor > 0 {
                        anchors.insert(anchor, v.clone());
                    }
                    v
                }
                _ => continue,
            },
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq { items, anchor, .. }) => {
                    let v = Value::Array(items);
                    if anchor > 0 {
                        anchors.insert(anchor, v.clone());
                    }
                    v
                }
                _ => continue,
            },
            Event::Scalar(text, style, anchor, tag) => {
                let is_str_tag = tag.as_ref().is_some_and(|t| t.suffix() == "str");
                let v = if style == ScalarStyle::Plain && !is_str_tag {
                    plain(&text)
                } else {
                    Value::String(text.into_owned())
                };
                if anchor > 0 {
                    anchors.insert(anchor, v.clone());
                }
                if let Some((p, at)) = child_path(&stack) {
                    lines.entry(p).or_insert(at);
                }
                v
            }
            Event::Alias(id) => {
                if let Some((p, at)) = child_path(&stack) {
                    lines.entry(p).or_insert(at);
                }
                anchors.get(&id).cloned().unwrap_or(Value::Null)
            }
            _ => continue,
        };
        // Place the finished node in its parent.
        match stack.last_mut() {
            None => root = Some(value),
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map { map, key, key_line, merged, .. }) => match key.take() {
                None => {
                    *key = Some(scalar_key(&value));
                    *key_line = line;
                }
                Some(k) if k == "<<" => match value {
                    Value::Object(m) => merged.push(m),
                    Value::Array(a) => merged.extend(a.into_iter().filter_map(|v| match v {
                        Value::Object(m) => Some(m),
                        _ => None,
                    })),
                    other => {
                        map.insert(k, other);
                    }
                },
                Some(k) => {
                    map.insert(k, value);
                }
            },
        }
    }
    (docs, None)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

fn scalar_key(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

/// A plain scalar by the YAML 1.2 core schema.
fn plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(i) = s.parse::<i64>() {
        return Value::from(i);
    }
    if let Some(hex) = s.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Value::from(i);
    }
    if s.chars().next().is_some_and(|c| c.is_ascii_digit() || "+-.".contains(c))
        && let Ok(f) = s.parse::<f64>()
        && f.is_finite()
    {
        return Value::from(f);
    }
    Value::String(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_lines_anchors_and_merges() {
        let text = "a: 1\nb:\n  - x\n  - &k {c: d, n: \"2\"}\n  - <<: *k\n    e: f\n---\n\n# empty\n---\nq: yes\n";
        let (docs, err) = documents(text);
        assert_eq!(err, None);
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].value["a"], 1);
        assert_eq!(docs[0].value["b"][1], serde_json::json!({"c": "d", "n": "2"}));
        assert_eq!(docs[0].value["b"][2], serde_json::json!({"c": "d", "n": "2", "e": "f"}));
        assert_eq!(docs[0].line_of("b[0]"), 3);
        assert_eq!(docs[0].line_of("b[1].c"), 4);
        assert_eq!(docs[0].line_of("b[2].e"), 6);
        assert_eq!(docs[0].line_of("b[2].e.missing.deeper"), 6, "the nearest ancestor");
        assert_eq!(docs[1].value, Value::Null, "an empty document");
        assert_eq!(docs[2].value["q"], "yes", "YAML 1.2: yes is a string");
        assert_eq!(docs[2].line, 10);
    }

    #[test]
    fn a_syntax_error_has_its_line_and_the_documents_before_it() {
        let (docs, err) = documents("a: 1\n---\nb: [1, 2\nc: 3\n");
        assert_eq!(docs.len(), 1);
        let err = err.expect("malformed");
        assert!(err.line >= 3, "{err:?}");
    }
}
