//! The rule reference (`RULES.md`): every rule of the catalog, where it is enforced, and the
//! tests that prove it.

use std::collections::BTreeMap;

use super::{CATALOG, Stage};

/// What each stage means, in the order the reference explains them.
const STAGES: [(Stage, &str); 6] = [
    (Stage::Compile, "`#[elite]` rejects the declaration: the build fails with the rule id on the offending tokens."),
    (
        Stage::Construction,
        "no declaration can break it: the generator writes the part the rule judges; tests break that part by hand and check the rule notices.",
    ),
    (Stage::Generator, "needs every app at once: `cargo run` rejects the app set before writing anything."),
    (
        Stage::Audit,
        "`cargo run -- audit` judges existing manifests with the same predicate, at the file and line at fault.",
    ),
    (
        Stage::Cluster,
        "a generated Kyverno ClusterPolicy (`apps/_shared/policies/`) judges objects in the cluster, with CEL conditions that tests prove give the predicate's verdicts.",
    ),
    (Stage::EndToEnd, "proven by running the generated pod's commands with the real programs."),
];

/// The reference in Markdown. `tests` maps a rule id to the test files that exercise it.
pub fn markdown(tests: &BTreeMap<String, Vec<String>>) -> String {
    let mut s = String::from(
        "# Elite rules reference\n\n\
         <!-- Generated from the rule catalog (`elite-core/src/rules/`) by `tests/tests/docs.rs`; do not edit.\n     \
         Regenerate: `ELITE_BLESS=1 cargo test -p elite-tests --test docs`. -->\n\n\
         Every rule of ELITE-STANDARD.md (the standard this workspace implements) is one entry of the catalog in `elite-core`,\n\
         judged by the same predicate wherever it is enforced. Stages:\n\n",
    );
    for (stage, what) in STAGES {
        s.push_str(&format!("- **{}**: {what}\n", stage.label()));
    }
    s.push_str(
        "\nEvery rule judged on one workload is also re-checked by the generator on every app before it writes.\n\n",
    );
    s.push_str("| id | rule | enforced | tested by |\n|---|---|---|---|\n");
    for r in CATALOG {
        let stages = if r.enforced_at().is_empty() {
            "not enforced yet".to_owned()
        } else {
            r.enforced_at().iter().map(|s| s.label()).collect::<Vec<_>>().join(", ")
        };
        let tested = tests
            .get(r.id)
            .map_or_else(String::new, |files| files.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join("<br>"));
        s.push_str(&format!("| {} | {} | {stages} | {tested} |\n", r.id, r.title.replace('|', "\\|")));
    }
    s.push_str(&format!(
        "\nBesides the rules, `{}` reports a declaration Kubernetes would reject (an Ingress to an undeclared port, two volumes with one name or mount path, two environment variables with one name, `replicas = 0`), at compile time.\n",
        super::declaration::DECL
    ));
    s
}
