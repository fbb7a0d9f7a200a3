//! Error messages: a violation of the catalog becomes a compile error on the tokens at fault,
//! with the rule id, what was found and allowed, the rule's text and a hint.

use std::fmt::Display;

use elite_core::rules::{Violation, rule};

use crate::syntax::Range;

/// Every error of one declaration, reported together.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    /// Adds an error on `range`.
    pub fn at(&mut self, range: Range, message: impl Display) {
        let e = syn::Error::new_spanned(range.tokens(), message);
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }
    /// Adds a violation of the catalog on `range`.
    pub fn violation(&mut self, range: Range, v: &Violation) {
        self.at(range, render(v));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }
    pub fn into_compile_errors(self) -> proc_macro2::TokenStream {
        self.0.map(syn::Error::into_compile_error).unwrap_or_default()
    }
}

/// A violation of the catalog as an error message.
pub fn render(v: &Violation) -> String {
    rule_message(v.rule, &v.message, v.hint)
}

/// `[PRIO-2] <what was found>`, then the rule's text and the help on their own lines.
pub fn rule_message(rule_id: &str, what: &str, help: &str) -> String {
    let mut s = format!("[{rule_id}] {what}");
    if let Some(r) = rule(rule_id) {
        s.push_str(&format!("\n  = rule {}: {}", r.id, r.title));
    }
    if !help.is_empty() {
        s.push_str(&format!("\n  = help: {help}"));
    }
    s
}

/// `; did you mean `x`?` when a known word is close to `found`.
pub fn did_you_mean<'a>(found: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    let best = known.into_iter().map(|k| (distance(found, k), k)).min();
    match best {
        Some((d, k)) if d <= found.len().max(k.len()) / 3 + 1 => format!("; did you mean `{k}`?"),
        _ => String::new(),
    }
}

/// Levenshtein distance, case-insensitive.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("sise", ["size", "priority"]), "; did you mean `size`?");
        assert_eq!(did_you_mean("Meduim", ["Micro", "Small", "Medium", "Large"]), "; did you mean `Medium`?");
        assert_eq!(did_you_mean("zzzzzz", ["size", "priority"]), "");
    }
}
