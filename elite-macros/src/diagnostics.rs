//! Error messages: a violation of the catalog becomes a compile error on the tokens at fault,
//! with the rule id, what was found and allowed, the rule's text and a hint in `#[elite]` terms.
//! Violations at the same tokens become one error: one mistake, one error.

use std::fmt::Display;

use elite_core::rules::{Door, RuleId, Violation, rule};

use crate::syntax::Range;

/// Every error of one declaration, reported together.
#[derive(Default)]
pub struct Errors(Option<syn::Error>, usize);

impl Errors {
    /// Adds an error on `range`.
    pub fn at(&mut self, range: Range, message: impl Display) {
        let e = syn::Error::new_spanned(range.tokens(), message);
        self.1 += 1;
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }
    /// How many errors were recorded.
    pub fn count(&self) -> usize {
        self.1
    }
    /// Adds violations of the catalog found at the same tokens, as one error.
    pub fn violations(&mut self, range: Range, vs: &[&Violation]) {
        let Some((first, rest)) = vs.split_first() else { return };
        let mut s = render(first);
        for v in rest {
            s.push_str(&format!("\n  = also [{}] {}", v.id(), v.message));
        }
        self.at(range, s);
    }
    /// Whether no error was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }
    /// The errors as `compile_error!` invocations.
    pub fn into_compile_errors(self) -> proc_macro2::TokenStream {
        self.0.map(syn::Error::into_compile_error).unwrap_or_default()
    }
}

/// A violation of the catalog as an error message, its hint in `#[elite]` terms.
pub fn render(v: &Violation) -> String {
    rule_message(v.rule, &v.id(), &v.message, v.clone().through(Door::Dsl).hint())
}

/// `[PRIO-2] <what was found>`, then the rule's text and the help on their own lines.
pub fn rule_message(rule_id: RuleId, shown_id: &str, what: &str, help: &str) -> String {
    let mut s = format!("[{shown_id}] {what}");
    let r = rule(rule_id);
    s.push_str(&format!("\n  = rule {}: {}", r.id, r.title));
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

/// `a`, `b`, `c`.
pub fn list(items: &[&str]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
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
