//! The macro's errors are part of the product: each `fail/` declaration breaks one rule (named in
//! its file name) or a macro's syntax, and its `.stderr` shows the rule id and the span on the
//! offending tokens; each `pass/` declaration sits on the edge of a rule and must compile and run.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
