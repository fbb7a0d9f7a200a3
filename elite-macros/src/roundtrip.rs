//! Properties of the macro over generated declarations (proptest; a failure shrinks to the
//! smallest declaration):
//! - what the import prints reads back, through this macro's reader, as the same spec;
//! - the macro accepts exactly what the catalog accepts, and rejects with the same rule ids: a
//!   declaration that does not read is one the catalog rejects too (the reader's errors are
//!   never the only verdict).

use elite_core::rules::{Door, check_app};
use elite_gen::import::{Imported, declaration};
use proptest::prelude::*;

use crate::diagnostics::Errors;
use crate::syntax::Args;

/// Reads the attribute of a printed declaration with the macro's own reader.
fn read_back(text: &str) -> (Option<elite_core::AppSpec>, usize) {
    let file = syn::parse_file(text).expect("the printer's output parses (it verifies itself)");
    let syn::Item::Struct(item) = &file.items[0] else { panic!("one struct") };
    let args: Args = item.attrs[0].parse_args().expect("the attribute's arguments parse");
    let mut errors = Errors::default();
    let decl = crate::read::read(&item.ident, &args.0, &mut errors);
    (decl.spec, errors.count())
}

fn imported(spec: elite_core::AppSpec) -> Imported {
    Imported { struct_name: "Generated".into(), spec, notes: Vec::new() }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any declaration, accepted or not.
    #[test]
    fn printed_declarations_read_back_and_judge_as_the_catalog(spec in elite_core::arbitrary::app_spec()) {
        // The DSL writes some names as identifiers: a spec with a name it cannot write is not
        // printable, and the printer says so (`NotAnIdentifier`) rather than printing another name.
        let Ok(text) = declaration(&imported(spec.clone())) else { return Ok(()) };
        let (read, errors) = read_back(&text);
        let ids = |s: &elite_core::AppSpec| elite_core::rules::Violations(check_app(s, Door::Dsl)).rule_ids();
        match read {
            // Accepted: exactly the spec. Rejected: by the same rules (an ambiguous declaration,
            // such as two volumes of one name, may read back another rejected spec).
            Some(r) if ids(&spec).is_empty() => prop_assert_eq!(r, spec, "read back differently:\n{}", text),
            Some(r) => prop_assert_eq!(ids(&r), ids(&spec), "the macro would reject with other rules:\n{}", text),
            None => prop_assert!(
                !check_app(&spec, Door::Dsl).is_empty(),
                "the reader rejected ({} errors) a declaration the catalog accepts:\n{}", errors, text
            ),
        }
    }

    /// Declarations close to compliant: most are accepted, so the accepted side gets many cases.
    #[test]
    fn accepted_declarations_read_back_exactly(spec in elite_core::arbitrary::near_compliant()) {
        let Ok(text) = declaration(&imported(spec.clone())) else { return Ok(()) };
        let (read, _) = read_back(&text);
        if check_app(&spec, Door::Dsl).is_empty() {
            prop_assert_eq!(read, Some(spec), "an accepted declaration read back differently:\n{}", text);
        }
    }
}

/// The properties above are only as good as their cases: most generated declarations print, and
/// both verdicts are frequent.
#[test]
fn the_generated_cases_cover_both_verdicts() {
    use proptest::strategy::{Strategy, ValueTree};
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut printed, mut accepted, mut rejected, mut total) = (0, 0, 0, 0);
    for strategy in [elite_core::arbitrary::app_spec().boxed(), elite_core::arbitrary::near_compliant().boxed()] {
        for _ in 0..2000 {
            let spec = strategy.new_tree(&mut runner).expect("a case").current();
            total += 1;
            if declaration(&imported(spec.clone())).is_ok() {
                printed += 1;
                if check_app(&spec, Door::Dsl).is_empty() { accepted += 1 } else { rejected += 1 }
            }
        }
    }
    eprintln!("{total} generated, {printed} printed: {accepted} accepted, {rejected} rejected");
    assert!(printed * 10 >= total * 7, "{printed} of {total} printed");
    assert!(accepted >= 500 && rejected >= 500, "{accepted} accepted, {rejected} rejected");
}

