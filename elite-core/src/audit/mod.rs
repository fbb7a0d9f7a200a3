//! The audit: any Kubernetes YAML (a `kubectl kustomize` build, a `kubectl get -o yaml` List,
//! a folder of manifests) judged by the same catalog, with the same rule ids and messages as the
//! compiler, each finding at the file and line of the field at fault.
//!
//! Robust on real input: multi-document files, `List` kinds, partial objects, anchors and
//! merges, comments, empty documents. Kinds that are not workloads are skipped and counted;
//! malformed YAML is reported with its file and line, and the other files are still audited.

mod output;
pub mod yaml;

use serde::Serialize;
use serde_json::Value;

use crate::facts::{WorkloadFacts, from_manifest};
use crate::rules::{CATALOG, Outcome, judge};

pub use output::{json, sarif, table};

/// A finding: a rule a workload breaks, or cannot be judged on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    /// `fail`, or `undecidable` when the files cannot show it (e.g. a Service in the cluster).
    pub status: &'static str,
    pub message: String,
    /// Path of the field at fault in the object.
    pub path: String,
    pub line: usize,
}

/// The verdict on one workload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Workload {
    pub file: String,
    pub line: usize,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// Whether it claims Elite (`vixens.io/elite: "true"`).
    pub claims_elite: bool,
    /// No rule fails (undecidable rules do not make it fail).
    pub elite: bool,
    pub findings: Vec<Finding>,
    /// What the rules read (for tools built on the audit, such as the report).
    #[serde(skip)]
    pub facts: WorkloadFacts,
}

/// A file (or document) that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// The result of an audit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Audit {
    pub workloads: Vec<Workload>,
    /// Objects of other kinds, skipped.
    pub skipped: usize,
    pub unreadable: Vec<Unreadable>,
}

impl Audit {
    /// Judges the YAML `text` read from `file` and adds its workloads.
    pub fn add(&mut self, file: &str, text: &str) {
        let (docs, error) = yaml::documents(text);
        for doc in &docs {
            self.add_object(file, doc, &doc.value, "");
        }
        if let Some(e) = error {
            self.unreadable.push(Unreadable { file: file.to_owned(), line: e.line, message: e.message });
        }
    }

    fn add_object(&mut self, file: &str, doc: &yaml::Document, object: &Value, prefix: &str) {
        for (prefix, o) in objects_under(object, prefix.to_owned()) {
            match from_manifest(o) {
                Some(facts) => {
                    self.workloads.push(judge_workload(file, &facts, |path| doc.line_of(&format!("{prefix}{path}"))))
                }
                None if o.is_object() => self.skipped += 1,
                None => {}
            }
        }
    }

    /// Whether every workload that claims Elite passes (and, with `strict`, every workload).
    pub fn passes(&self, strict: bool) -> bool {
        self.workloads.iter().all(|w| w.elite || !(w.claims_elite || strict))
    }
}

/// The objects of a document: itself, or the items of a `List` (recursively), each with the path
/// prefix of its fields (`items[2].`).
pub fn objects(document: &Value) -> Vec<(String, &Value)> {
    objects_under(document, String::new())
}

fn objects_under(object: &Value, prefix: String) -> Vec<(String, &Value)> {
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or_default();
    match object.get("items").and_then(Value::as_array) {
        Some(items) if kind.ends_with("List") => {
            items.iter().enumerate().flat_map(|(i, item)| objects_under(item, format!("{prefix}items[{i}]."))).collect()
        }
        _ => vec![(prefix, object)],
    }
}

/// Every rule of the catalog on one workload's facts.
pub fn judge_workload(file: &str, facts: &WorkloadFacts, line_of: impl Fn(&str) -> usize) -> Workload {
    let mut findings = Vec::new();
    for rule in CATALOG {
        match judge(rule, facts) {
            Outcome::Pass => {}
            Outcome::Fail(violations) => findings.extend(violations.into_iter().map(|v| Finding {
                rule: v.rule,
                status: "fail",
                line: line_of(&v.at.0),
                path: v.at.0,
                message: v.message,
            })),
            Outcome::Undecidable(why) => {
                if rule.check.is_some() {
                    findings.push(Finding {
                        rule: rule.id,
                        status: "undecidable",
                        message: format!("not decidable from these files: {why}"),
                        path: facts.name.at.0.clone(),
                        line: line_of(&facts.name.at.0),
                    })
                }
            }
        }
    }
    Workload {
        file: file.to_owned(),
        line: line_of(""),
        kind: facts.kind.as_str().to_owned(),
        name: facts.name.value.clone(),
        namespace: facts.namespace.as_ref().map(|n| n.value.clone()),
        claims_elite: facts.claims_elite(),
        elite: findings.iter().all(|f| f.status != "fail"),
        findings,
        facts: facts.clone(),
    }
}
