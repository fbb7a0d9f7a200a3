//! Reading values: strings, numbers, names, choices, quantities, and the `key = value` options of
//! a group, each error reported at the value at fault.

use elite_core::model::PortRef;

use crate::diagnostics::{Errors, did_you_mean, list};
use crate::spans::Spans;
use crate::syntax::{Node, Range, Value, ident_text};

/// Reads a declaration's values, recording errors and where each part of the model was written.
pub struct Reader<'e> {
    pub e: &'e mut Errors,
    pub spans: Spans,
}

/// The options of a group: `(name, value, range of the whole option)`.
pub type Options<'a> = Vec<(String, &'a Value, Range)>;

impl Reader<'_> {
    /// A string literal.
    pub fn string(&mut self, v: &Value) -> Option<String> {
        match v {
            Value::Str(s) => Some(s.value()),
            _ => {
                self.e.at(v.range(), format!("expected a string, found {}", v.describe()));
                None
            }
        }
    }

    /// A list of string literals.
    pub fn strings(&mut self, v: &Value) -> Option<Vec<String>> {
        match v {
            Value::List { items, .. } => {
                let read: Vec<Option<String>> = items.iter().map(|i| self.string(i)).collect();
                read.into_iter().collect()
            }
            _ => {
                self.e.at(
                    v.range(),
                    format!("expected a list of strings such as `[\"a\", \"b\"]`, found {}", v.describe()),
                );
                None
            }
        }
    }

    /// An integer literal that fits `N`.
    pub fn int<N: std::str::FromStr>(&mut self, v: &Value) -> Option<N>
    where
        N::Err: std::fmt::Display,
    {
        match v {
            Value::Int(i) => match i.base10_parse() {
                Ok(n) => Some(n),
                Err(e) => {
                    self.e.at(v.range(), format!("{e} (for {})", std::any::type_name::<N>()));
                    None
                }
            },
            _ => {
                self.e.at(v.range(), format!("expected a number, found {}", v.describe()));
                None
            }
        }
    }

    /// `true` or `false`.
    pub fn bool(&mut self, v: &Value) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(b.value),
            _ => {
                self.e.at(v.range(), format!("expected `true` or `false`, found {}", v.describe()));
                None
            }
        }
    }

    /// A name written as an identifier (`_` becomes `-`) or a string.
    pub fn name(&mut self, v: &Value, what: &str) -> Option<String> {
        match v {
            Value::Path(i) => Some(ident_text(i).replace('_', "-")),
            Value::Str(s) => Some(s.value()),
            _ => {
                self.e.at(v.range(), format!("expected {what}, found {}", v.describe()));
                None
            }
        }
    }

    /// A port by name or number.
    pub fn port_ref(&mut self, v: &Value) -> Option<PortRef> {
        match v {
            Value::Int(_) => self.int(v).map(PortRef::Number),
            _ => self.name(v, "a port name or number").map(PortRef::Name),
        }
    }

    /// A quantity string, parsed.
    pub fn quantity<Q, E: std::fmt::Display>(&mut self, v: &Value, parse: fn(&str) -> Result<Q, E>) -> Option<Q> {
        let s = self.string(v)?;
        match parse(&s) {
            Ok(q) => Some(q),
            Err(e) => {
                self.e.at(v.range(), e);
                None
            }
        }
    }

    /// One of `all`, written by its name (`Medium`).
    pub fn choice<E: Copy>(&mut self, v: &Value, all: &[E], name: fn(E) -> &'static str, what: &str) -> Option<E> {
        let names: Vec<&str> = all.iter().map(|e| name(*e)).collect();
        let found = match v {
            Value::Path(i) => ident_text(i),
            _ => {
                self.e.at(v.range(), format!("expected a {what}: one of {}; found {}", list(&names), v.describe()));
                return None;
            }
        };
        match all.iter().find(|e| name(**e) == found) {
            Some(e) => Some(*e),
            None => {
                self.e.at(
                    v.range(),
                    format!(
                        "unknown {what} `{found}`: expected one of {}{}",
                        list(&names),
                        did_you_mean(&found, names.iter().copied())
                    ),
                );
                None
            }
        }
    }

    /// The `key = value` options of a group, each among `allowed`, each at most once. Other
    /// nodes are errors, unless `other` takes them (positional names, flags). `None` when an
    /// option was wrong (already reported): the group is not read further, so one mistake gives
    /// one error.
    pub fn options<'a>(
        &mut self,
        nodes: &'a [Node],
        allowed: &[&str],
        place: &str,
        other: impl FnMut(&mut Self, &'a Node) -> bool,
    ) -> Option<Options<'a>> {
        let before = self.e.count();
        let opts = self.options_inner(nodes, allowed, place, other);
        (self.e.count() == before).then_some(opts)
    }

    fn options_inner<'a>(
        &mut self,
        nodes: &'a [Node],
        allowed: &[&str],
        place: &str,
        mut other: impl FnMut(&mut Self, &'a Node) -> bool,
    ) -> Options<'a> {
        let mut out: Options<'a> = Vec::new();
        for n in nodes {
            match n {
                Node::Assign { key, value } => {
                    let k = ident_text(key);
                    if !allowed.contains(&k.as_str()) {
                        self.e.at(
                            n.range(),
                            format!(
                                "unknown key `{k}` in {place}: expected one of {}{}",
                                list(allowed),
                                did_you_mean(&k, allowed.iter().copied())
                            ),
                        );
                    } else if out.iter().any(|(o, ..)| *o == k) {
                        self.e.at(n.range(), format!("`{k}` is given twice in {place}; it may appear once"));
                    } else {
                        out.push((k, value, n.range()));
                    }
                }
                _ if other(self, n) => {}
                _ => self
                    .e
                    .at(n.range(), format!("expected `key = value` in {place}, with a key among {}", list(allowed))),
            }
        }
        out
    }
}

/// The value of option `key`, if given.
pub fn get<'a>(opts: &Options<'a>, key: &str) -> Option<(&'a Value, Range)> {
    opts.iter().find(|(k, ..)| k == key).map(|(_, v, r)| (*v, *r))
}
