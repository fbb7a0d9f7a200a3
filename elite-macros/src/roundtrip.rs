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

/// Strings a hostile manifest may hold: quotes, brackets, newlines, Rust syntax, Unicode
/// direction controls, keywords, empty.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["app", "http", "config", "TZ", "API_KEY", "self", "r#type", "fn", "_", "a-b", "a_b", "Ab", "0x", "/config", "/data/x.db", "nginx:1.27"]).prop_map(String::from),
        3 => prop::sample::select(vec!["\"), evil(\"", "a\nb", "x = 1), y(", "#[elite]", "*/ evil /*", "// evil", "\u{202e}evil", "é", "", " ", "\\", "{}", "[]", "'", "\"", "a\u{0}b"]).prop_map(String::from),
        1 => "[ -~]{0,12}",
    ]
}

/// A Deployment with hostile names and values everywhere the import reads one.
fn hostile_workload() -> impl Strategy<Value = serde_json::Value> {
    let s = hostile_string;
    (s(), s(), s(), s(), prop::collection::vec((s(), s()), 0..4), prop::collection::vec((s(), 1u16..65535), 0..3), prop::collection::vec((s(), s()), 0..3), prop::collection::vec(s(), 0..3)).prop_map(
        |(name, namespace, container, image, env, ports, mounts, args)| {
            serde_json::json!({
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": { "name": name, "namespace": namespace },
                "spec": { "template": { "spec": {
                    "containers": [{
                        "name": container,
                        "image": image,
                        "args": args,
                        "env": env.iter().map(|(n, v)| serde_json::json!({"name": n, "value": v})).collect::<Vec<_>>(),
                        "ports": ports.iter().map(|(n, p)| serde_json::json!({"name": n, "containerPort": p})).collect::<Vec<_>>(),
                        "volumeMounts": mounts.iter().map(|(n, p)| serde_json::json!({"name": n, "mountPath": p})).collect::<Vec<_>>(),
                    }],
                    "volumes": mounts.iter().map(|(n, _)| serde_json::json!({"name": n, "emptyDir": {}})).collect::<Vec<_>>(),
                }}}
            })
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever a manifest holds, the import prints one struct, and every name and value it
    /// kept reads back as it was (an identifier or a string literal, never code).
    #[test]
    fn a_hostile_manifest_imports_to_one_struct_that_reads_back_exactly(w in hostile_workload()) {
        let Ok(imp) = elite_gen::import::import(&[w], "hostile.yaml") else { return Ok(()) };
        let Ok(text) = declaration(&imp) else { return Ok(()) };
        let file = syn::parse_file(&text).expect("parses");
        prop_assert_eq!(file.items.len(), 1, "{}", text);
        let (read, errors) = read_back(&text);
        match read {
            Some(r) => prop_assert_eq!(r, imp.spec, "read back differently:\n{}", text),
            None => prop_assert!(!check_app(&imp.spec, Door::Dsl).is_empty(), "{} reading errors on an accepted import:\n{}", errors, text),
        }
    }
}

/// The hostile property is only as good as its cases: many hostile manifests import and print.
#[test]
fn many_hostile_manifests_import_and_print() {
    use proptest::strategy::{Strategy, ValueTree};
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = hostile_workload();
    let (mut imported_n, mut printed) = (0, 0);
    for _ in 0..2000 {
        let w = strategy.new_tree(&mut runner).expect("a case").current();
        if let Ok(imp) = elite_gen::import::import(&[w], "hostile.yaml") {
            imported_n += 1;
            printed += usize::from(declaration(&imp).is_ok());
        }
    }
    eprintln!("2000 hostile manifests: {imported_n} imported, {printed} printed");
    assert!(printed >= 600, "{imported_n} imported, {printed} printed");
}
