//! The audit: any Kubernetes YAML (a `kubectl kustomize` build, a `kubectl get -o yaml` List,
//! a folder of manifests) judged by the same catalog, with the same rule ids and messages as the
//! compiler, each finding at the file and line of the field at fault.
//!
//! Robust on real input: multi-document files, `List` kinds, partial objects, anchors and
//! merges, comments, empty documents; and on hostile input: every limit of [`yaml::Limits`]
//! holds, and one unreadable input is recorded without hiding the others.
//!
//! ```
//! use elite_core::audit::{Audit, FindingStatus};
//!
//! let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:latest\n";
//! let mut audit = Audit::default();
//! audit.add("web.yaml", manifest);
//! let w = &audit.workloads[0];
//! assert!(!w.elite);
//! let meta1 = w.findings.iter().find(|f| f.rule == elite_core::RuleId::Meta1).unwrap();
//! assert_eq!((meta1.status, meta1.line), (FindingStatus::Fail, 10));
//! ```

pub mod exceptions;
mod output;
pub mod yaml;

use std::io::Read;

use serde::Serialize;

use crate::facts::{WorkloadFacts, from_manifest, workload_kind};
use crate::pointer::Pointer;
use crate::rules::{CATALOG, Outcome, RuleId, Severity, applies_to_run_to_completion, judge};

pub use output::{Format, JSON_SCHEMA, SarifOptions, Writer, json, sarif, table};

/// The verdict of one rule on one workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingStatus {
    /// The rule is broken.
    Fail,
    /// The files cannot show whether the rule holds (e.g. the role of a workload without the
    /// annotation).
    Undecidable,
    /// Broken, but excepted by a granted exception (or left out with `--exclude`).
    Suppressed,
}

impl FindingStatus {
    /// `fail`, `undecidable` or `suppressed`.
    pub const fn as_str(self) -> &'static str {
        match self {
            FindingStatus::Fail => "fail",
            FindingStatus::Undecidable => "undecidable",
            FindingStatus::Suppressed => "suppressed",
        }
    }
}

/// A finding: a rule a workload breaks, or cannot be judged on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule.
    pub rule: RuleId,
    /// The named part of the rule, if any (`SEC-1/privileged`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<&'static str>,
    /// Failed, undecidable or suppressed.
    pub status: FindingStatus,
    /// The rule's severity.
    pub severity: Severity,
    /// What was found and what is allowed.
    pub message: String,
    /// JSON Pointer of the field at fault in the object.
    pub path: Pointer,
    /// The file the field is in (the workload's file, or the patch that set it).
    pub file: String,
    /// 1-based line of the field in `file`.
    pub line: usize,
    /// Why it is suppressed, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_by: Option<String>,
}

impl Finding {
    /// `PRIO-2`, or `SEC-1/privileged`.
    pub fn id(&self) -> String {
        match self.check {
            Some(c) => format!("{}/{c}", self.rule),
            None => self.rule.to_string(),
        }
    }
}

/// The verdict on one workload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Workload {
    /// The file it was read from.
    pub file: String,
    /// Its line.
    pub line: usize,
    /// Its kind.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Its namespace, if stated.
    pub namespace: Option<String>,
    /// Whether it claims Elite (`vixens.io/elite: "true"`).
    #[serde(rename = "claimsElite")]
    pub claims_elite: bool,
    /// No rule fails (undecidable and suppressed findings do not make it fail).
    pub elite: bool,
    /// Every finding, in catalog order.
    pub findings: Vec<Finding>,
    /// Exceptions the object claims that the repository does not grant (and so ignored).
    #[serde(rename = "ignoredExceptions", skip_serializing_if = "Vec::is_empty")]
    pub ignored_exceptions: Vec<String>,
    /// What the rules read (for tools built on the audit, such as the report).
    #[serde(skip)]
    pub facts: WorkloadFacts,
}

/// A workload kind without a pod template: a patch or a fragment, not judged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Partial {
    /// The file.
    pub file: String,
    /// Its line.
    pub line: usize,
    /// Its kind.
    pub kind: String,
    /// Its name, if any.
    pub name: String,
}

/// Why an input could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum InputProblem {
    /// The file does not exist, cannot be opened, or is not a regular file.
    Unreadable,
    /// Not UTF-8 text.
    Encoding,
    /// Not well-formed YAML (a duplicate key included).
    Syntax,
    /// A limit on size, depth, nodes or documents was reached.
    Limit,
    /// A kustomization could not be built.
    Build,
}

/// A file (or document) that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    /// The file.
    pub file: String,
    /// 1-based line, 0 when not tied to a line.
    pub line: usize,
    /// What kind of problem.
    pub problem: InputProblem,
    /// What went wrong.
    pub message: String,
}

/// The result of an audit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Audit {
    /// Every workload judged.
    pub workloads: Vec<Workload>,
    /// Workload kinds without a pod template (patches), named.
    pub partial: Vec<Partial>,
    /// Objects of other kinds, skipped.
    pub skipped: usize,
    /// Inputs that could not be read (the others are still judged).
    pub unreadable: Vec<Unreadable>,
}

/// What an audit reports to, one result at a time: an [`Audit`] collects them, a [`Writer`]
/// writes them out as they come (so memory stays proportional to the largest object).
pub trait Sink {
    /// A workload judged.
    fn workload(&mut self, w: Workload);
    /// A workload kind without a pod template.
    fn partial(&mut self, p: Partial);
    /// An object of another kind.
    fn skipped(&mut self);
    /// An input that could not be read.
    fn unreadable(&mut self, u: Unreadable);
}

impl Sink for Audit {
    fn workload(&mut self, w: Workload) {
        self.workloads.push(w);
    }
    fn partial(&mut self, p: Partial) {
        self.partial.push(p);
    }
    fn skipped(&mut self) {
        self.skipped += 1;
    }
    fn unreadable(&mut self, u: Unreadable) {
        self.unreadable.push(u);
    }
}

/// The counts of an audit, and what decides its exit status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Workloads judged.
    pub workloads: usize,
    /// Of them, those that claim Elite.
    pub claiming_elite: usize,
    /// Of those, the ones failing a rule.
    pub claiming_elite_failing: usize,
    /// Workloads failing no rule.
    pub elite: usize,
    /// Partial objects.
    #[serde(rename = "partialObjects")]
    pub partial: usize,
    /// Objects of other kinds.
    #[serde(rename = "skippedObjects")]
    pub skipped: usize,
    /// Unreadable inputs.
    pub unreadable: usize,
    /// The most severe failing finding of a workload that claims Elite.
    #[serde(skip)]
    pub worst_claiming: Option<Severity>,
    /// The most severe failing finding of any workload.
    #[serde(skip)]
    pub worst: Option<Severity>,
}

impl Summary {
    /// Counts one workload.
    pub fn count_workload(&mut self, w: &Workload) {
        self.workloads += 1;
        self.elite += usize::from(w.elite);
        let worst = w.findings.iter().filter(|f| f.status == FindingStatus::Fail).map(|f| f.severity).max();
        self.worst = self.worst.max(worst);
        if w.claims_elite {
            self.claiming_elite += 1;
            self.claiming_elite_failing += usize::from(!w.elite);
            self.worst_claiming = self.worst_claiming.max(worst);
        }
    }
    /// Whether a failing finding at `fail_on` or above concerns a workload that claims Elite (any
    /// workload, with `strict`).
    pub fn fails(&self, strict: bool, fail_on: Severity) -> bool {
        let worst = if strict { self.worst } else { self.worst_claiming };
        worst.is_some_and(|s| s >= fail_on)
    }
}

/// Judges the YAML read from `input` (named `file`), within `limits`, into `sink`.
pub fn read_into(sink: &mut dyn Sink, file: &str, input: impl Read, limits: &yaml::Limits) {
    let result =
        yaml::read(input, limits, |object| object_into(sink, file, &object, &|p| (file.to_owned(), object.line_of(p))));
    if let Err(e) = result {
        sink.unreadable(unreadable_yaml(file, &e));
    }
}

/// Judges one object into `sink`; `locate` turns a pointer into the object into the file and
/// line of that field (the object's own file, or the one a build took the field from).
pub fn object_into(
    sink: &mut dyn Sink,
    file: &str,
    object: &yaml::Object,
    locate: &dyn Fn(&Pointer) -> (String, usize),
) {
    let value = &object.value;
    match from_manifest(value) {
        Some(facts) => sink.workload(judge_workload(file, &facts, locate)),
        None if workload_kind(value).is_some() => sink.partial(Partial {
            file: file.to_owned(),
            line: object.line(),
            kind: value["kind"].as_str().unwrap_or_default().to_owned(),
            name: value["metadata"]["name"].as_str().unwrap_or_default().to_owned(),
        }),
        None if value.get("kind").and_then(|k| k.as_str()).is_some_and(|k| k.ends_with("List")) => {}
        None if value.is_object() => sink.skipped(),
        None => {}
    }
}

impl Audit {
    /// Judges the YAML `text` read from `file` and adds its workloads.
    pub fn add(&mut self, file: &str, text: &str) {
        self.add_reader(file, text.as_bytes(), &yaml::Limits::default());
    }

    /// Judges the YAML read from `input` (named `file`), within `limits`.
    pub fn add_reader(&mut self, file: &str, input: impl Read, limits: &yaml::Limits) {
        read_into(self, file, input, limits);
    }

    /// Judges one object (see [`object_into`]).
    pub fn add_object(&mut self, file: &str, object: &yaml::Object, locate: &dyn Fn(&Pointer) -> (String, usize)) {
        object_into(self, file, object, locate);
    }

    /// Whether every workload that claims Elite passes (and, with `strict`, every workload).
    pub fn passes(&self, strict: bool) -> bool {
        self.workloads.iter().all(|w| w.elite || !(w.claims_elite || strict))
    }

    /// Sends everything this audit holds to `sink`, in order.
    pub fn replay(&self, sink: &mut dyn Sink) {
        for w in &self.workloads {
            sink.workload(w.clone());
        }
        for p in &self.partial {
            sink.partial(p.clone());
        }
        for _ in 0..self.skipped {
            sink.skipped();
        }
        for u in &self.unreadable {
            sink.unreadable(u.clone());
        }
    }
}

/// An input error as an unreadable entry.
pub fn unreadable_yaml(file: &str, e: &yaml::YamlError) -> Unreadable {
    let problem = match e.kind {
        yaml::YamlErrorKind::Syntax(_) | yaml::YamlErrorKind::DuplicateKey { .. } => InputProblem::Syntax,
        yaml::YamlErrorKind::Encoding(_) => InputProblem::Encoding,
        yaml::YamlErrorKind::Io(_) => InputProblem::Unreadable,
        yaml::YamlErrorKind::Limit { .. } => InputProblem::Limit,
    };
    Unreadable { file: file.to_owned(), line: e.line, problem, message: e.to_string() }
}

/// Every rule of the catalog on one workload's facts. `locate` gives the file and line of a
/// pointer into the object.
pub fn judge_workload(file: &str, facts: &WorkloadFacts, locate: &dyn Fn(&Pointer) -> (String, usize)) -> Workload {
    let mut findings = Vec::new();
    let finding = |rule: RuleId, check, status, message: String, path: Pointer| {
        let (file, line) = locate(&path);
        Finding {
            rule,
            check,
            status,
            severity: crate::rules::rule(rule).severity,
            message,
            path,
            file,
            line,
            suppressed_by: None,
        }
    };
    for rule in CATALOG {
        if facts.kind.runs_to_completion() && !applies_to_run_to_completion(rule.id) {
            continue;
        }
        match judge(rule, facts) {
            Outcome::Pass => {}
            Outcome::Fail(violations) => findings
                .extend(violations.into_iter().map(|v| finding(v.rule, v.check, FindingStatus::Fail, v.message, v.at))),
            Outcome::Undecidable(why) => {
                if rule.check.is_some() {
                    findings.push(finding(
                        rule.id,
                        None,
                        FindingStatus::Undecidable,
                        format!("not decidable from these files: {why}"),
                        facts.name.at.clone(),
                    ))
                }
            }
        }
    }
    let (_, line) = locate(&Pointer::root());
    Workload {
        file: file.to_owned(),
        line,
        kind: facts.kind.as_str().to_owned(),
        name: facts.name.value.clone(),
        namespace: facts.namespace.as_ref().map(|n| n.value.clone()),
        claims_elite: facts.claims_elite(),
        elite: findings.iter().all(|f| f.status != FindingStatus::Fail),
        findings,
        ignored_exceptions: Vec::new(),
        facts: facts.clone(),
    }
}

impl Workload {
    /// Recomputes `elite` after findings were suppressed.
    pub fn rejudge(&mut self) {
        self.elite = self.findings.iter().all(|f| f.status != FindingStatus::Fail);
    }
}
