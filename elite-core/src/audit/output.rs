//! The audit's outputs: a table for people, JSON with a stable schema, SARIF for CI annotations.

use serde_json::{Value, json};

use super::{Audit, FindingStatus};
use crate::rules::CATALOG;

/// Version of the JSON output's schema (README.md documents it).
pub const JSON_SCHEMA: &str = "elite-audit/v2";

fn summary(a: &Audit) -> Value {
    let claiming = a.workloads.iter().filter(|w| w.claims_elite).count();
    json!({
        "workloads": a.workloads.len(),
        "claimingElite": claiming,
        "claimingEliteFailing": a.workloads.iter().filter(|w| w.claims_elite && !w.elite).count(),
        "elite": a.workloads.iter().filter(|w| w.elite).count(),
        "partialObjects": a.partial.len(),
        "skippedObjects": a.skipped,
        "unreadable": a.unreadable.len(),
    })
}

/// The audit as JSON: `{schema, summary, workloads, partial, skipped, unreadable}`.
pub fn json(a: &Audit) -> String {
    let mut v = serde_json::to_value(a).unwrap_or(Value::Null);
    v["schema"] = JSON_SCHEMA.into();
    v["summary"] = summary(a);
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

/// How SARIF locates files and rules.
#[derive(Clone, Debug, Default)]
pub struct SarifOptions {
    /// The tool's version (`elite --version`).
    pub version: String,
    /// The folder paths are made relative to (`%SRCROOT%`): the repository root.
    pub root: Option<std::path::PathBuf>,
    /// Where RULES.md is published; each rule's `helpUri` is `<this>#<rule-id>`.
    pub rules_url: String,
    /// The folder relative file names are relative to (the current folder of the run).
    pub base: Option<std::path::PathBuf>,
}

/// `s` percent-encoded as a URI path (RFC 3986: unreserved characters and `/` kept).
fn uri_path(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `p` with `.` and `..` resolved without the file system.
fn lexical(p: &std::path::Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A stable fingerprint (FNV-1a, 64 bits, hex) of the parts that identify a finding across runs.
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("{h:016x}")
}

/// The audit as SARIF 2.1.0: one result per finding (undecidable and suppressed ones as notes)
/// and per unreadable input, at its file and line; paths under `root` are relative to it.
pub fn sarif(a: &Audit, options: &SarifOptions) -> String {
    let location = |file: &str, line: usize| {
        let given = std::path::Path::new(file);
        let joined = match &options.base {
            Some(b) if given.is_relative() => lexical(&b.join(given)),
            _ => given.to_path_buf(),
        };
        let path = joined.as_path();
        let relative = options.root.as_ref().and_then(|r| path.strip_prefix(r).ok());
        let artifact = match relative {
            Some(rel) => json!({ "uri": uri_path(&rel.to_string_lossy()), "uriBaseId": "%SRCROOT%" }),
            None if path.is_absolute() => json!({ "uri": format!("file://{}", uri_path(file)) }),
            None => json!({ "uri": uri_path(file), "uriBaseId": "%SRCROOT%" }),
        };
        json!([{ "physicalLocation": { "artifactLocation": artifact, "region": { "startLine": line.max(1) } } }])
    };
    let mut results = Vec::new();
    for w in &a.workloads {
        let object = format!("{}/{}/{}", w.kind, w.namespace.as_deref().unwrap_or(""), w.name);
        for f in &w.findings {
            let level = match f.status {
                FindingStatus::Fail if w.claims_elite => "error",
                FindingStatus::Fail => "warning",
                FindingStatus::Undecidable | FindingStatus::Suppressed => "note",
            };
            let mut r = json!({
                "ruleId": f.rule.as_str(),
                "level": level,
                "message": { "text": format!("{} {}: {}", w.kind, w.name, f.message) },
                "locations": location(&f.file, f.line),
                "partialFingerprints": { "eliteFinding/v1": fingerprint(&[f.rule.as_str(), f.check.unwrap_or(""), &object, f.path.as_str(), &f.message]) },
                "properties": { "status": f.status.as_str(), "severity": f.severity.as_str(), "pointer": f.path.as_str(), "object": object },
            });
            if let Some(c) = f.check {
                r["properties"]["check"] = c.into();
            }
            if let Some(by) = &f.suppressed_by {
                r["suppressions"] = json!([{ "kind": "external", "justification": by }]);
            }
            results.push(r);
        }
    }
    for p in &a.partial {
        results.push(json!({
            "ruleId": "partial-object",
            "level": "note",
            "message": { "text": format!("{} {} has no pod template (a patch or fragment): not judged", p.kind, p.name) },
            "locations": location(&p.file, p.line),
        }));
    }
    for u in &a.unreadable {
        results.push(json!({
            "ruleId": "input",
            "level": "error",
            "message": { "text": u.message },
            "locations": location(&u.file, u.line),
        }));
    }
    let mut rules: Vec<Value> = CATALOG
        .iter()
        .map(|r| {
            json!({
                "id": r.id.as_str(),
                "shortDescription": { "text": r.title },
                "fullDescription": { "text": r.rationale },
                "help": { "text": r.hint.manifest },
                "helpUri": format!("{}#{}", options.rules_url, r.id.anchor()),
                "properties": { "severity": r.severity.as_str() },
            })
        })
        .collect();
    rules.push(json!({ "id": "input", "shortDescription": { "text": "The input can be read: a regular file of UTF-8 YAML within the limits." } }));
    rules.push(json!({ "id": "partial-object", "shortDescription": { "text": "A workload kind without a pod template is not judged." } }));
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "elite", "version": options.version, "informationUri": options.rules_url, "rules": rules } },
            "originalUriBaseIds": options.root.as_ref().map(|r| json!({ "%SRCROOT%": { "uri": format!("file://{}/", uri_path(&r.to_string_lossy())) } })).unwrap_or(json!({})),
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&sarif).unwrap_or_default()
}

/// A table cell: escaped and shortened (a hostile 70,000-character name stays one readable cell).
fn cell(s: &str) -> String {
    crate::names::printable(s)
}

/// The audit as a table (one row per workload, with its file), then every failing finding at
/// its file and line, the partial objects, and the unreadable inputs.
pub fn table(a: &Audit) -> String {
    let mut rows = vec![["FILE".to_owned(), "WORKLOAD".into(), "NAMESPACE".into(), "VERDICT".into(), "FAILED RULES".into()]];
    for w in &a.workloads {
        let mut failed: Vec<String> = w.findings.iter().filter(|f| f.status == FindingStatus::Fail).map(|f| f.rule.to_string()).collect();
        failed.dedup();
        let verdict = match (w.elite, w.claims_elite) {
            (true, _) => "Elite",
            (false, true) => "FAILS (claims Elite)",
            (false, false) => "not Elite",
        };
        rows.push([
            format!("{}:{}", cell(&w.file), w.line),
            format!("{}/{}", w.kind, cell(&w.name)),
            w.namespace.as_deref().map_or_else(|| "-".into(), cell),
            verdict.into(),
            failed.join(" "),
        ]);
    }
    let widths: Vec<usize> = (0..5).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in &rows {
        let mut line = String::new();
        for (i, (c, w)) in r.iter().zip(&widths).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(c);
            line.push_str(&" ".repeat(w.saturating_sub(c.chars().count())));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    for w in &a.workloads {
        for f in w.findings.iter().filter(|f| f.status == FindingStatus::Fail) {
            out.push_str(&format!("{}:{}: [{}] {} {}: {}\n", cell(&f.file), f.line, f.id(), w.kind, cell(&w.name), f.message));
        }
    }
    for w in &a.workloads {
        for f in w.findings.iter().filter(|f| f.status == FindingStatus::Suppressed) {
            out.push_str(&format!(
                "{}:{}: suppressed [{}] {} {}: {}\n",
                cell(&f.file),
                f.line,
                f.id(),
                w.kind,
                cell(&w.name),
                f.suppressed_by.as_deref().unwrap_or("")
            ));
        }
    }
    for p in &a.partial {
        out.push_str(&format!("{}:{}: partial {} {}: no pod template (a patch or fragment), not judged\n", cell(&p.file), p.line, p.kind, cell(&p.name)));
    }
    for u in &a.unreadable {
        out.push_str(&format!("{}:{}: {}\n", cell(&u.file), u.line, u.message));
    }
    let s = summary(a);
    out.push_str(&format!(
        "{} workloads ({} claim Elite, {} of them failing; {} Elite), {} partial objects, {} other objects skipped, {} unreadable\n",
        s["workloads"], s["claimingElite"], s["claimingEliteFailing"], s["elite"], s["partialObjects"], s["skippedObjects"], s["unreadable"]
    ));
    out
}
