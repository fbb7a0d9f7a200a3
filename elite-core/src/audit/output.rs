//! The audit's outputs: a table for people, JSON with a stable schema, SARIF for CI annotations.

use serde_json::{Value, json};

use super::Audit;
use crate::rules::CATALOG;

/// Version of the JSON output's schema (README.md documents it).
pub const JSON_SCHEMA: &str = "elite-audit/v1";

fn summary(a: &Audit) -> Value {
    let claiming = a.workloads.iter().filter(|w| w.claims_elite).count();
    json!({
        "workloads": a.workloads.len(),
        "claimingElite": claiming,
        "claimingEliteFailing": a.workloads.iter().filter(|w| w.claims_elite && !w.elite).count(),
        "elite": a.workloads.iter().filter(|w| w.elite).count(),
        "skippedObjects": a.skipped,
        "unreadable": a.unreadable.len(),
    })
}

/// The audit as JSON: `{schema, summary, workloads, skipped, unreadable}`.
pub fn json(a: &Audit) -> String {
    let mut v = serde_json::to_value(a).expect("the audit serializes");
    v["schema"] = JSON_SCHEMA.into();
    v["summary"] = summary(a);
    serde_json::to_string_pretty(&v).expect("JSON serializes")
}

/// The audit as SARIF 2.1.0: one result per finding (undecidable ones as notes) and per
/// unreadable file, at its file and line.
pub fn sarif(a: &Audit) -> String {
    let location = |file: &str, line: usize| json!([{ "physicalLocation": { "artifactLocation": { "uri": file }, "region": { "startLine": line.max(1) } } }]);
    let mut results = Vec::new();
    for w in &a.workloads {
        for f in &w.findings {
            results.push(json!({
                "ruleId": f.rule,
                "level": if f.status == "fail" { if w.claims_elite { "error" } else { "warning" } } else { "note" },
                "message": { "text": format!("{} {}: {}", w.kind, w.name, f.message) },
                "locations": location(&w.file, f.line),
            }));
        }
    }
    for u in &a.unreadable {
        results.push(json!({
            "ruleId": "yaml-syntax",
            "level": "error",
            "message": { "text": format!("malformed YAML: {}", u.message) },
            "locations": location(&u.file, u.line),
        }));
    }
    let mut rules: Vec<Value> = CATALOG
        .iter()
        .map(|r| json!({ "id": r.id, "shortDescription": { "text": r.title }, "help": { "text": r.hint } }))
        .collect();
    rules.push(json!({ "id": "yaml-syntax", "shortDescription": { "text": "The file is valid YAML." } }));
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "elite", "informationUri": "https://github.com/truxonline/elite", "rules": rules } },
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&sarif).expect("SARIF serializes")
}

/// The audit as a table, then every failing finding at its file and line.
pub fn table(a: &Audit) -> String {
    let mut rows = vec![["WORKLOAD".to_owned(), "NAMESPACE".into(), "VERDICT".into(), "FAILED RULES".into()]];
    for w in &a.workloads {
        let mut failed: Vec<&str> = w.findings.iter().filter(|f| f.status == "fail").map(|f| f.rule).collect();
        failed.dedup();
        let verdict = match (w.elite, w.claims_elite) {
            (true, _) => "Elite",
            (false, true) => "FAILS (claims Elite)",
            (false, false) => "not Elite",
        };
        rows.push([
            format!("{}/{}", w.kind, w.name),
            w.namespace.clone().unwrap_or_else(|| "-".into()),
            verdict.into(),
            failed.join(" "),
        ]);
    }
    let widths: Vec<usize> = (0..4).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in &rows {
        let cells: Vec<String> = r.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    for w in &a.workloads {
        for f in w.findings.iter().filter(|f| f.status == "fail") {
            out.push_str(&format!("{}:{}: [{}] {} {}: {}\n", w.file, f.line, f.rule, w.kind, w.name, f.message));
        }
    }
    for u in &a.unreadable {
        out.push_str(&format!("{}:{}: malformed YAML: {}\n", u.file, u.line, u.message));
    }
    let s = summary(a);
    out.push_str(&format!(
        "{} workloads ({} claim Elite, {} of them failing; {} Elite), {} other objects skipped, {} unreadable\n",
        s["workloads"], s["claimingElite"], s["claimingEliteFailing"], s["elite"], s["skippedObjects"], s["unreadable"]
    ));
    out
}
