//! YAML documents as JSON values, with the line of every node, read from the parser's events
//! (granit-parser, the parser serde-saphyr uses) as they stream from any reader.
//!
//! Built for input from anywhere: memory stays proportional to the largest object, not the file
//! (objects are handed to the caller one at a time, and so are the items of a `List`, which a
//! cluster dump makes one huge document); aliases are expanded within a node budget (a 500-byte
//! alias bomb stops at the budget, with an error naming it); nesting, object size and document
//! count are bounded; a key written twice in one mapping is an error, as Kubernetes and
//! Kustomize make it; lines are kept in a tree beside the values, so long nested keys cost their
//! length once, not once per descendant. Anchors, aliases and merge keys (`<<`) are resolved;
//! scalars are typed by the YAML 1.2 core schema (quoted or `!!str`-tagged stay strings).

use std::cell::Cell;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::rc::Rc;

use granit_parser::{ErrorKind, Event, Parser, ScalarStyle};
use serde_json::{Map, Value};

use crate::pointer::Pointer;

/// Limits on what one input may cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one document (or of one item of a `List`).
    pub max_object_bytes: usize,
    /// Nodes of one document or `List` item, aliases expanded.
    pub max_nodes: usize,
    /// Nesting of mappings and sequences.
    pub max_depth: usize,
    /// Documents in one input.
    pub max_documents: usize,
}

impl Default for Limits {
    /// 64 MiB and 2,000,000 nodes per object, 128 levels, 1,000,000 documents: far above any
    /// Kubernetes object (the API server stores at most 1.5 MiB), far below what would exhaust
    /// this machine.
    fn default() -> Self {
        Limits { max_object_bytes: 64 << 20, max_nodes: 2_000_000, max_depth: 128, max_documents: 1_000_000 }
    }
}

/// Why an input could not be read, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line (0 when not tied to a line).
    pub line: usize,
    /// What went wrong.
    pub kind: YamlErrorKind,
}

/// What went wrong reading YAML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// Not well-formed YAML.
    Syntax(String),
    /// Not UTF-8 text.
    Encoding(String),
    /// Reading failed.
    Io(String),
    /// A mapping holds a key twice.
    DuplicateKey {
        /// The key.
        key: String,
        /// The line of its first occurrence.
        first_line: usize,
    },
    /// A limit was reached: its name and value.
    Limit {
        /// What is limited (documents, nesting depth, aliases...).
        what: &'static str,
        /// The limit.
        limit: usize,
    },
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            YamlErrorKind::Syntax(m) => write!(f, "malformed YAML: {m}"),
            YamlErrorKind::Encoding(m) => write!(f, "not UTF-8 text: {m}"),
            YamlErrorKind::Io(m) => write!(f, "cannot read: {m}"),
            YamlErrorKind::DuplicateKey { key, first_line } => {
                write!(
                    f,
                    "the key `{}` is written twice in one mapping (first at line {first_line})",
                    crate::names::printable(key)
                )
            }
            YamlErrorKind::Limit { what, limit } => write!(f, "{what} exceeds the limit of {limit}"),
        }
    }
}

impl std::error::Error for YamlError {}

/// The lines of a node and of its children.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lines {
    /// The node's line (a mapping value: the line of its key).
    pub line: usize,
    children: Children,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Children {
    #[default]
    None,
    Map(HashMap<String, Lines>),
    Seq(Vec<Lines>),
}

impl Lines {
    /// The line of the node at `pointer`, or of its nearest ancestor.
    pub fn line_of(&self, pointer: &Pointer) -> usize {
        let mut node = self;
        for token in pointer.tokens() {
            let next = match &node.children {
                Children::Map(m) => m.get(&token),
                Children::Seq(v) => token.parse::<usize>().ok().and_then(|i| v.get(i)),
                Children::None => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node.line
    }
    fn size(&self) -> usize {
        1 + match &self.children {
            Children::None => 0,
            Children::Map(m) => m.values().map(Lines::size).sum(),
            Children::Seq(v) => v.iter().map(Lines::size).sum(),
        }
    }
}

/// One object read: a document, or an item of a `List` document.
#[derive(Clone, Debug)]
pub struct Object {
    /// The value.
    pub value: Value,
    /// Where its fields are.
    pub lines: Lines,
    /// Its pointer inside the document: empty for a document, `/items/3` for a `List` item.
    pub prefix: Pointer,
    /// 1-based index of the document in the input.
    pub document: usize,
}

impl Object {
    /// Line of the field at `pointer` (relative to the object).
    pub fn line_of(&self, pointer: &Pointer) -> usize {
        self.lines.line_of(pointer)
    }
    /// Line of the object itself.
    pub fn line(&self) -> usize {
        self.lines.line
    }
}

/// What reading an input found besides the objects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Documents read.
    pub documents: usize,
}

/// A node under construction.
enum Frame {
    Map {
        map: Map<String, Value>,
        lines: HashMap<String, Lines>,
        key: Option<(String, usize)>,
        merged: Vec<(Map<String, Value>, HashMap<String, Lines>)>,
        line: usize,
        anchor: usize,
    },
    Seq {
        items: Vec<Value>,
        lines: Vec<Lines>,
        line: usize,
        anchor: usize,
        streamed: bool,
    },
}

/// Characters of a reader, decoded as UTF-8 as they stream, counting bytes against a limit the
/// reader of events resets at each object.
struct Chars<R: BufRead> {
    input: R,
    buf: Vec<u8>,
    pos: usize,
    offset: usize,
    counted: Rc<Cell<usize>>,
    limit: usize,
    failed: bool,
}

impl<R: BufRead> Iterator for Chars<R> {
    type Item = Result<char, ErrorKind>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        if self.pos >= self.buf.len() {
            self.buf.clear();
            self.pos = 0;
            match self.input.fill_buf() {
                Ok([]) => return None,
                Ok(b) => {
                    // Keep whole UTF-8 sequences: read at most 4 bytes past a chunk boundary.
                    self.buf.extend_from_slice(b);
                    let n = b.len();
                    self.input.consume(n);
                }
                Err(e) => {
                    self.failed = true;
                    return Some(Err(ErrorKind::InputDecoding { message: format!("read error: {e}") }));
                }
            }
        }
        let first = self.buf[self.pos];
        let width = match first {
            0x00..=0x7f => 1,
            0xc2..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf4 => 4,
            _ => 0,
        };
        while width > 0 && self.buf.len() - self.pos < width {
            match self.input.fill_buf() {
                Ok([]) => break,
                Ok(b) => {
                    let take = b.len().min(4);
                    self.buf.extend_from_slice(&b[..take]);
                    self.input.consume(take);
                }
                Err(_) => break,
            }
        }
        let end = (self.pos + width).min(self.buf.len());
        let decoded = if width == 0 {
            None
        } else {
            std::str::from_utf8(&self.buf[self.pos..end]).ok().and_then(|s| s.chars().next())
        };
        match decoded {
            Some(c) => {
                self.pos = end;
                self.offset += width;
                let counted = self.counted.get() + width;
                self.counted.set(counted);
                if counted > self.limit {
                    self.failed = true;
                    return Some(Err(ErrorKind::InputByteLimitExceeded { limit: self.limit }));
                }
                Some(Ok(c))
            }
            None => {
                self.failed = true;
                Some(Err(ErrorKind::InputDecoding { message: format!("invalid UTF-8 at byte {}", self.offset) }))
            }
        }
    }
}

/// Reads every object of `input`, handing each to `each` as soon as it is complete. Returns what
/// was read, or the first error (the objects before it have been handed over).
pub fn read(input: impl Read, limits: &Limits, mut each: impl FnMut(Object)) -> Result<Summary, YamlError> {
    let counted = Rc::new(Cell::new(0));
    let chars = Chars {
        input: BufReader::with_capacity(64 << 10, input),
        buf: Vec::new(),
        pos: 0,
        offset: 0,
        counted: counted.clone(),
        limit: limits.max_object_bytes,
        failed: false,
    };
    let mut options = granit_parser::Options::default();
    options.block_nesting_limit = limits.max_depth;
    options.flow_nesting_limit = limits.max_depth;
    let parser = Parser::new_from_fallible_iter_with_options(chars, options);

    let mut summary = Summary::default();
    let mut stack: Vec<Frame> = Vec::new();
    // Anchored values, their lines and their node counts.
    let mut anchors: HashMap<usize, (Value, Lines, usize)> = HashMap::new();
    let mut nodes = 0usize;
    let mut root: Option<(Value, Lines)> = None;
    let mut doc_line = 1;
    let limit =
        |what: &'static str, limit: usize, line: usize| YamlError { line, kind: YamlErrorKind::Limit { what, limit } };

    for event in parser {
        let (event, span) = event.map_err(|e| {
            let line = e.marker().line().max(1);
            let kind = match e.kind() {
                ErrorKind::InputByteLimitExceeded { limit } => {
                    YamlErrorKind::Limit { what: "the size of a document (or of a List item) in bytes", limit: *limit }
                }
                ErrorKind::InputDecoding { message } => YamlErrorKind::Encoding(message.clone()),
                ErrorKind::InputIo { error } => YamlErrorKind::Io(error.to_string()),
                _ => YamlErrorKind::Syntax(e.info().to_owned()),
            };
            YamlError { line, kind }
        })?;
        let line = span.start.line().max(1);
        // The line a new node is reported at: a mapping value at its key's line.
        let node_line = |stack: &[Frame]| match stack.last() {
            Some(Frame::Map { key: Some((_, key_line)), .. }) => *key_line,
            _ => line,
        };
        let (value, lines, anchor, count) = match event {
            Event::DocumentStart(..) => {
                summary.documents += 1;
                if summary.documents > limits.max_documents {
                    return Err(limit("the number of documents", limits.max_documents, line));
                }
                doc_line = line;
                anchors.clear();
                nodes = 0;
                counted.set(0);
                root = None;
                continue;
            }
            Event::DocumentEnd => {
                if let Some((value, lines)) = root.take()
                    && !value.is_null()
                {
                    each(Object { value, lines, prefix: Pointer::root(), document: summary.documents });
                }
                let _ = doc_line;
                continue;
            }
            Event::MappingStart(_, anchor, _) | Event::SequenceStart(_, anchor, _) => {
                if stack.len() >= limits.max_depth {
                    return Err(limit("the nesting depth", limits.max_depth, line));
                }
                let at = node_line(&stack);
                // The items of a top-level `items:` sequence are streamed out one by one.
                let streamed = matches!(
                    (&event, stack.as_slice()),
                    (Event::SequenceStart(..), [Frame::Map { key: Some((k, _)), .. }]) if k == "items"
                );
                stack.push(if matches!(event, Event::MappingStart(..)) {
                    Frame::Map {
                        map: Map::new(),
                        lines: HashMap::new(),
                        key: None,
                        merged: Vec::new(),
                        line: at,
                        anchor,
                    }
                } else {
                    Frame::Seq { items: Vec::new(), lines: Vec::new(), line: at, anchor, streamed }
                });
                continue;
            }
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map { mut map, mut lines, merged, line, anchor, .. }) => {
                    for (m, l) in merged {
                        for (k, v) in m {
                            if !map.contains_key(&k) {
                                let kl = l.get(&k).cloned().unwrap_or_default();
                                lines.insert(k.clone(), kl);
                                map.insert(k, v);
                            }
                        }
                    }
                    (Value::Object(map), Lines { line, children: Children::Map(lines) }, anchor, 1)
                }
                _ => continue,
            },
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq { items, lines, line, anchor, .. }) => {
                    (Value::Array(items), Lines { line, children: Children::Seq(lines) }, anchor, 1)
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
                (v, Lines { line: node_line(&stack), children: Children::None }, anchor, 1)
            }
            Event::Alias(id) => {
                let Some((v, l, n)) = anchors.get(&id) else { continue };
                let mut l = l.clone();
                l.line = node_line(&stack);
                (v.clone(), l, 0, *n)
            }
            _ => continue,
        };
        nodes = nodes.saturating_add(count);
        if nodes > limits.max_nodes {
            return Err(limit("the number of nodes of a document (aliases expanded)", limits.max_nodes, line));
        }
        if anchor > 0 {
            let n = if count == 1 { lines.size() } else { count };
            anchors.insert(anchor, (value.clone(), lines.clone(), n));
        }
        // Place the finished node in its parent.
        match stack.last_mut() {
            None => root = Some((value, lines)),
            Some(Frame::Seq { items, lines: item_lines, streamed, .. }) => {
                if *streamed && value.is_object() {
                    let i = items.len();
                    each(Object {
                        value,
                        lines,
                        prefix: Pointer::root().push("items").push(i),
                        document: summary.documents,
                    });
                    items.push(Value::Null);
                    item_lines.push(Lines::default());
                    counted.set(0);
                    nodes = 0;
                } else {
                    items.push(value);
                    item_lines.push(lines);
                }
            }
            Some(Frame::Map { map, lines: key_lines, key, merged, .. }) => match key.take() {
                None => *key = Some((scalar_key(&value), line)),
                Some((k, _)) if k == "<<" => match (value, lines.children) {
                    (Value::Object(m), Children::Map(l)) => merged.push((m, l)),
                    (Value::Array(a), Children::Seq(ls)) => {
                        for (v, l) in a.into_iter().zip(ls) {
                            if let (Value::Object(m), Children::Map(l)) = (v, l.children) {
                                merged.push((m, l));
                            }
                        }
                    }
                    (other, children) => {
                        key_lines.insert(k.clone(), Lines { line: lines.line, children });
                        map.insert(k, other);
                    }
                },
                Some((k, key_line)) => {
                    if let Some(first) = key_lines.get(&k) {
                        return Err(YamlError {
                            line: key_line,
                            kind: YamlErrorKind::DuplicateKey { key: k, first_line: first.line },
                        });
                    }
                    key_lines.insert(k.clone(), lines);
                    map.insert(k, value);
                }
            },
        }
    }
    Ok(summary)
}

/// Every object of `text`, or the first error (the objects before it are returned too).
pub fn objects(text: &str, limits: &Limits) -> (Vec<Object>, Option<YamlError>) {
    let mut out = Vec::new();
    let err = read(text.as_bytes(), limits, |o| out.push(o)).err();
    (out, err)
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
    if let Ok(u) = s.parse::<u64>() {
        return Value::from(u);
    }
    if let Some(hex) = s.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Value::from(i);
    }
    if s.chars().next().is_some_and(|c| c.is_ascii_digit() || "+-.".contains(c))
        && s.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c))
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

    fn p(s: &str) -> Pointer {
        Pointer::parse(s).unwrap()
    }

    #[test]
    fn values_lines_anchors_and_merges() {
        let text = "a: 1\nb:\n  - x\n  - &k {c: d, n: \"2\"}\n  - <<: *k\n    e: f\n---\n\n# empty\n---\nq: yes\n";
        let (docs, err) = objects(text, &Limits::default());
        assert_eq!(err, None);
        assert_eq!(docs.len(), 2, "the empty document is no object");
        assert_eq!(docs[0].value["a"], 1);
        assert_eq!(docs[0].value["b"][1], serde_json::json!({"c": "d", "n": "2"}));
        assert_eq!(docs[0].value["b"][2], serde_json::json!({"c": "d", "n": "2", "e": "f"}));
        assert_eq!(docs[0].line_of(&p("/b/0")), 3);
        assert_eq!(docs[0].line_of(&p("/b/1/c")), 4);
        assert_eq!(docs[0].line_of(&p("/b/2/e")), 6);
        assert_eq!(docs[0].line_of(&p("/b/2/e/missing/deeper")), 6, "the nearest ancestor");
        assert_eq!(docs[1].value["q"], "yes", "YAML 1.2: yes is a string");
        assert_eq!((docs[1].document, docs[1].line()), (3, 11));
    }

    #[test]
    fn a_syntax_error_has_its_line_and_the_objects_before_it() {
        let (docs, err) = objects("a: 1\n---\nb: [1, 2\nc: 3\n", &Limits::default());
        assert_eq!(docs.len(), 1);
        let err = err.expect("malformed");
        assert!(err.line >= 3, "{err:?}");
        assert!(matches!(err.kind, YamlErrorKind::Syntax(_)));
    }

    #[test]
    fn list_items_stream_out_with_their_pointers() {
        let text = "apiVersion: v1\nitems:\n- kind: A\n  n: 1\n- kind: B\nkind: List\n";
        let (objs, err) = objects(text, &Limits::default());
        assert_eq!(err, None);
        let kinds: Vec<_> = objs
            .iter()
            .map(|o| (o.value["kind"].as_str().unwrap().to_owned(), o.prefix.to_string(), o.line()))
            .collect();
        assert_eq!(
            kinds,
            [("A".into(), "/items/0".into(), 3), ("B".into(), "/items/1".into(), 5), ("List".into(), "/".into(), 1)]
        );
        assert_eq!(objs[0].line_of(&p("/n")), 4);
    }

    #[test]
    fn hostile_inputs_stop_at_a_named_limit() {
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
        let (_, err) = objects(bomb, &Limits::default());
        assert!(
            matches!(err, Some(YamlError { kind: YamlErrorKind::Limit { what, .. }, .. }) if what.contains("nodes")),
            "{err:?}"
        );
        let deep = format!("{}x{}", "[".repeat(200), "]".repeat(200));
        let (_, err) = objects(&deep, &Limits::default());
        assert!(err.is_some(), "nesting beyond the limit is an error");
        let big = format!("a: {}\n", "x".repeat(1000));
        let (_, err) = objects(&big, &Limits { max_object_bytes: 100, ..Limits::default() });
        assert!(matches!(err, Some(YamlError { kind: YamlErrorKind::Limit { limit: 100, .. }, .. })), "{err:?}");
        let (_, err) = objects("a: 1\n---\nb: 2\n---\nc: 3\n", &Limits { max_documents: 2, ..Limits::default() });
        assert!(matches!(err, Some(YamlError { kind: YamlErrorKind::Limit { limit: 2, .. }, line: 4 })), "{err:?}");
    }

    #[test]
    fn duplicate_keys_and_bad_encoding_are_errors() {
        let (_, err) = objects("a: 1\nb: 2\na: 3\n", &Limits::default());
        assert_eq!(
            err,
            Some(YamlError { line: 3, kind: YamlErrorKind::DuplicateKey { key: "a".into(), first_line: 1 } })
        );
        let (objs, err) = objects("<<: {a: 1}\na: 2\n", &Limits::default());
        assert_eq!((err, objs[0].value["a"].clone()), (None, Value::from(2)), "an explicit key overrides a merged one");
        let mut bytes = b"a: 1\nb: ".to_vec();
        bytes.push(0xff);
        let err = read(&bytes[..], &Limits::default(), |_| {}).unwrap_err();
        assert!(matches!(err.kind, YamlErrorKind::Encoding(_)), "{err:?}");
    }

    #[test]
    fn numbers_keep_their_meaning() {
        let (objs, _) =
            objects("a: 0.5\nb: 1\nc: 9223372036854775808\nd: 1e9\ne: 1.2.3\nf: 0x10\n", &Limits::default());
        let v = &objs[0].value;
        assert_eq!(
            (v["a"].as_f64(), v["b"].as_i64(), v["c"].as_u64()),
            (Some(0.5), Some(1), Some(9223372036854775808))
        );
        assert_eq!((v["d"].as_f64(), v["e"].as_str(), v["f"].as_i64()), (Some(1e9), Some("1.2.3"), Some(16)));
    }
}
