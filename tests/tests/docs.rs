//! Generated documentation stays true: `RULES.md` (every rule, where it is enforced, which tests
//! prove it) and `schema/app.schema.json` (the declaration's JSON Schema) match what the code
//! generates. Regenerate both with `ELITE_BLESS=1 cargo test -p elite-tests --test docs`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use elite_core::rules::{CATALOG, Stage, reference};

/// Compares `path` with `expected`; with `ELITE_BLESS=1`, writes it instead.
fn matches_committed(path: &Path, expected: &str) {
    if std::env::var_os("ELITE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, expected).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == expected,
        "{} is out of date ({}); regenerate it with `ELITE_BLESS=1 cargo test -p elite-tests --test docs`",
        path.display(),
        first_line_difference(&committed, expected)
    );
}

fn first_line_difference(a: &str, b: &str) -> String {
    let (mut la, mut lb) = (a.lines(), b.lines());
    for n in 1.. {
        match (la.next(), lb.next()) {
            (None, None) => return "same lines, different line endings".into(),
            (x, y) if x != y => return format!("line {n}: committed {x:?}, generated {y:?}"),
            _ => {}
        }
    }
    unreachable!()
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs" || x == "stderr") {
            out.push(p);
        }
    }
}

/// Rule id → the test files that name it (`"PRIO-2"`, `"SEC-1/privileged"` or `RuleId::Prio2` in
/// a test, `[PRIO-2]` or `[SEC-1/privileged]` in a UI snapshot, which is listed as its `.rs`
/// case).
fn evidence() -> BTreeMap<String, Vec<String>> {
    let root = common::workspace();
    let mut all = Vec::new();
    for dir in ["elite-core/tests", "elite-macros/tests", "tests/tests"] {
        files(&root.join(dir), &mut all);
    }
    all.sort();
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in all {
        let rel = path.strip_prefix(&root).unwrap().to_string_lossy().replace(".stderr", ".rs");
        if rel.ends_with("tests/docs.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for r in CATALOG {
            let id = r.id.as_str();
            let named = [
                format!("\"{id}\""),
                format!("\"{id}/"),
                format!("[{id}]"),
                format!("[{id}/"),
                format!("RuleId::{:?}", r.id),
            ];
            if named.iter().any(|n| text.contains(n.as_str())) {
                let list = map.entry(id.to_owned()).or_default();
                if !list.contains(&rel) {
                    list.push(rel.clone());
                }
            }
        }
    }
    map
}

#[test]
fn every_enforced_rule_has_a_test_and_every_compile_time_rule_a_ui_case() {
    let ev = evidence();
    for r in CATALOG.iter().filter(|r| !r.stages.is_empty()) {
        let tests = ev.get(r.id.as_str()).cloned().unwrap_or_default();
        assert!(!tests.is_empty(), "{} is enforced ({:?}) but no test names it", r.id, r.stages);
        if r.stages.contains(&Stage::Compile) {
            assert!(
                tests.iter().any(|t| t.starts_with("elite-macros/tests/ui/fail/")),
                "{} is enforced at compile time but no UI case shows its error",
                r.id
            );
        }
        if r.enforced_at().contains(&Stage::Cluster) {
            assert!(
                tests.iter().any(|t| t == "tests/tests/policies.rs"),
                "{} is in a Kyverno policy but tests/tests/policies.rs does not name it",
                r.id
            );
        }
        if r.stages.contains(&Stage::EndToEnd) {
            assert!(
                tests.iter().any(|t| t == "tests/tests/durability_e2e.rs"),
                "{} claims the end-to-end stage but no end-to-end scenario names it",
                r.id
            );
        }
    }
}

#[test]
fn rules_md_is_generated_from_the_catalog() {
    let md = reference::markdown(&evidence());
    for r in CATALOG {
        assert!(md.contains(&format!("| [{}](#{}) |", r.id, r.id.anchor())), "{} has no entry", r.id);
        assert!(md.contains(&format!("\n### {}\n", r.id)), "{} has no section", r.id);
    }
    matches_committed(&common::workspace().join("RULES.md"), &md);
}

#[test]
fn the_published_json_schema_is_the_model_s() {
    matches_committed(&common::workspace().join("schema/app.schema.json"), &elite_core::schema::app_schema());
}

#[test]
fn declared_apps_validate_against_the_schema_and_bad_ones_do_not() {
    let schema: serde_json::Value = serde_json::from_str(&elite_core::schema::app_schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let apps = common::apps();
    assert!(!apps.is_empty());
    for app in &apps {
        let doc = serde_json::to_value(app).unwrap();
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{}: {e}", e.instance_path)).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", app.name);
    }
    let mut bad = serde_json::to_value(&apps[0]).unwrap();
    bad["size"] = "huge".into();
    assert!(!validator.is_valid(&bad), "an unknown size is rejected");
    let mut bad = serde_json::to_value(&apps[0]).unwrap();
    bad["credentials"] = "hunter2".into();
    assert!(!validator.is_valid(&bad), "an unknown field is rejected (a secret value has nowhere to go)");
    let mut bad = serde_json::to_value(&apps[0]).unwrap();
    bad["env"] = serde_json::json!([{ "name": "API_KEY", "value": { "secret": { "value": "hunter2" } } }]);
    assert!(!validator.is_valid(&bad), "a secret is a key reference, never a value");
}
