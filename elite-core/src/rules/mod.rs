//! The rule catalog: every rule of the Elite standard, once, with its id.
//!
//! A rule is a predicate over [`WorkloadFacts`]. The macro runs the catalog over the facts of a
//! declaration, the builder and the JSON/YAML door over theirs, the generator over every collected
//! app, the audit over facts read from YAML, and the policy generator turns each rule into a
//! Kyverno rule. Rules that need every app at once are in [`set`]; what Kubernetes itself would
//! reject in a declaration is [`declaration`] (`DECL`).

pub mod cel;
pub mod declaration;
mod durability;
mod ha;
mod id;
mod meta;
mod obs;
pub mod patterns;
mod priority;
mod probes;
pub mod reference;
pub mod security;
pub mod set;
mod sizing;

use std::fmt;

use crate::facts::{Source, Stated, WorkloadFacts};
use crate::pointer::Pointer;

pub use durability::{SWALLOWED_ERRORS_RE, is_credential};
pub use ha::pdb_cel;
pub use id::RuleId;
pub use meta::{REVISION_HISTORY_LIMIT, unpinned};
pub use probes::MAX_STARTUP_WINDOW;

/// Where a rule is enforced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// `#[elite]` rejects the declaration at compile time (and the builder and `elite check`
    /// reject it at run time: the same check).
    Compile,
    /// The generator rejects the set of apps before writing anything.
    Generator,
    /// `elite audit` judges manifests.
    Audit,
    /// A generated Kyverno ClusterPolicy judges objects in the cluster.
    Cluster,
    /// Proven by running the generated durability pattern with the real tools.
    EndToEnd,
    /// Made impossible to break by the DSL's types and the generator's construction.
    Construction,
}

impl Stage {
    /// Short label for the rule reference.
    pub const fn label(self) -> &'static str {
        match self {
            Stage::Compile => "compile time",
            Stage::Generator => "generator",
            Stage::Audit => "audit",
            Stage::Cluster => "cluster (Kyverno)",
            Stage::EndToEnd => "end-to-end tests",
            Stage::Construction => "by construction",
        }
    }
}

/// How serious a violation is (for `--fail-on` and the Kyverno policy's severity).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Hygiene: metadata, history.
    Low,
    /// Scheduling and health: sizes, priorities, probes.
    Medium,
    /// Data, security, availability.
    High,
}

impl Severity {
    /// `low`, `medium` or `high`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
    /// The severity written `s`.
    pub fn parse(s: &str) -> Option<Severity> {
        [Severity::Low, Severity::Medium, Severity::High].into_iter().find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

/// The door a declaration came through, which decides how a hint is phrased.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Door {
    /// `#[elite(...)]`.
    Dsl,
    /// [`AppBuilder`](crate::AppBuilder).
    Builder,
    /// A JSON or YAML app description (`elite check`, `elite render`, serde).
    #[default]
    Data,
    /// A Kubernetes manifest (`elite audit`).
    Manifest,
}

/// What to do about a violation, once per door.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hint {
    /// In `#[elite(...)]` syntax.
    pub dsl: &'static str,
    /// With [`AppBuilder`](crate::AppBuilder) methods.
    pub builder: &'static str,
    /// In a JSON or YAML app description.
    pub data: &'static str,
    /// In a Kubernetes manifest.
    pub manifest: &'static str,
}

impl Hint {
    /// The hint for `door`.
    pub const fn for_door(&self, door: Door) -> &'static str {
        match door {
            Door::Dsl => self.dsl,
            Door::Builder => self.builder,
            Door::Data => self.data,
            Door::Manifest => self.manifest,
        }
    }
}

/// One rule of the standard.
#[derive(Clone, Copy)]
pub struct Rule {
    /// Stable id, e.g. `PRIO-2`.
    pub id: RuleId,
    /// One-line statement of the rule.
    pub title: &'static str,
    /// Why the rule exists, and the decisions taken where the source document is unclear.
    pub rationale: &'static str,
    /// How serious a violation is.
    pub severity: Severity,
    /// Where it is enforced.
    pub stages: &'static [Stage],
    /// What to do about a violation.
    pub hint: Hint,
    /// The predicate; `None` for rules that are not judged on one workload (see `stages`).
    pub check: Option<fn(&WorkloadFacts, &mut Judgement)>,
    /// The same predicate as CEL conditions on the workload object, for the Kyverno policy;
    /// `None` when one object cannot show a violation.
    pub cel: Option<fn() -> Vec<cel::Cel>>,
}

impl Rule {
    /// Where the rule is enforced: its `stages`, the audit when it has a predicate (the audit
    /// runs every predicate on the facts of a manifest), and the cluster when it has CEL
    /// conditions (the generated Kyverno policies carry them).
    pub fn enforced_at(&self) -> Vec<Stage> {
        let mut s = self.stages.to_vec();
        if self.check.is_some() {
            s.push(Stage::Audit);
        }
        if self.cel.is_some() {
            s.push(Stage::Cluster);
        }
        s.sort();
        s.dedup();
        s
    }
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).finish_non_exhaustive()
    }
}

/// A broken rule: which, where, what was found and what is allowed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Violation {
    /// The rule broken.
    pub rule: RuleId,
    /// The named part of the rule that is broken (a Pod Security check of SEC-1), if any.
    pub check: Option<&'static str>,
    /// Where: a pointer into the declaration's data model, or into the manifest.
    pub at: Pointer,
    /// What was found and what is allowed.
    pub message: String,
    /// The door the declaration came through (decides the hint's phrasing).
    pub door: Door,
}

impl Violation {
    /// What to do about it, phrased for the door it came through.
    pub fn hint(&self) -> &'static str {
        rule(self.rule).hint.for_door(self.door)
    }
    /// `PRIO-2`, or `SEC-1/privileged` for a named part of a rule.
    pub fn id(&self) -> String {
        match self.check {
            Some(c) => format!("{}/{c}", self.rule),
            None => self.rule.to_string(),
        }
    }
    /// The same violation, its hint phrased for `door`.
    pub fn through(mut self, door: Door) -> Violation {
        self.door = door;
        self
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {} (at {})", self.id(), self.message, self.at)?;
        let hint = self.hint();
        if !hint.is_empty() {
            write!(f, "; hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violation {}

/// Every violation of a declaration: an error type for `?`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violations(pub Vec<Violation>);

impl Violations {
    /// The ids of the rules broken, sorted, each once.
    pub fn rule_ids(&self) -> Vec<RuleId> {
        let mut ids: Vec<RuleId> = self.0.iter().map(|v| v.rule).collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} violation(s) of the Elite standard", self.0.len())?;
        for v in &self.0 {
            write!(f, "\n  {v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

impl IntoIterator for Violations {
    type Item = Violation;
    type IntoIter = std::vec::IntoIter<Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// What one rule found on one workload.
#[derive(Clone, Debug)]
pub struct Judgement {
    violations: Vec<Violation>,
    undecidable: Option<String>,
    rule: RuleId,
    door: Door,
}

impl Judgement {
    /// Records a violation at `at`.
    pub fn fail(&mut self, at: &Pointer, message: impl Into<String>) {
        self.violations.push(Violation {
            rule: self.rule,
            check: None,
            at: at.clone(),
            message: message.into(),
            door: self.door,
        });
    }
    /// Records a violation of the named part `check` of the rule at `at`.
    pub fn fail_check(&mut self, at: &Pointer, check: &'static str, message: impl Into<String>) {
        self.violations.push(Violation {
            rule: self.rule,
            check: Some(check),
            at: at.clone(),
            message: message.into(),
            door: self.door,
        });
    }
    /// Records that the facts cannot decide this rule.
    pub fn undecidable(&mut self, why: impl Into<String>) {
        self.undecidable.get_or_insert_with(|| why.into());
    }
    /// The value of `s` when stated; otherwise records why it is not (a missing fact of a
    /// declaration fails the rule with `missing`; an unknown one makes it undecidable).
    pub fn stated<'a, T>(&mut self, s: &'a Stated<T>, missing: &str) -> Option<&'a crate::facts::At<T>> {
        match s {
            Stated::Yes(a) => Some(a),
            Stated::Missing(at) => {
                self.fail(at, missing);
                None
            }
            Stated::Malformed(at, why) => {
                self.fail(at, why.clone());
                None
            }
            Stated::Unknown(why) => {
                self.undecidable(why.clone());
                None
            }
        }
    }
}

/// The verdict of one rule on one workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The rule holds.
    Pass,
    /// The rule is broken, here.
    Fail(Vec<Violation>),
    /// The facts cannot decide, and why.
    Undecidable(String),
}

/// Every rule, in the order of the standard.
pub static CATALOG: &[Rule] = &[
    sizing::SIZE_1,
    sizing::SIZE_2,
    sizing::SIZE_3,
    sizing::SIZE_4,
    priority::PRIO_1,
    priority::PRIO_2,
    priority::PRIO_3,
    priority::PRIO_4,
    probes::PROBE_1,
    probes::PROBE_2,
    probes::PROBE_3,
    probes::PROBE_4,
    durability::DUR_1,
    durability::DUR_2,
    durability::DUR_3,
    durability::DUR_4,
    durability::DUR_5,
    durability::DUR_6,
    durability::DUR_7,
    durability::DUR_8,
    durability::DUR_9,
    meta::META_1,
    meta::META_2,
    meta::META_3,
    security::SEC_1,
    security::SEC_2,
    security::SEC_3,
    security::SEC_4,
    obs::OBS_1,
    obs::OBS_2,
    ha::HA_1,
    declaration::DECL,
];

/// The rule with this id.
pub fn rule(id: RuleId) -> &'static Rule {
    CATALOG.iter().find(|r| r.id == id).expect("every RuleId has a rule in the catalog (tested)")
}

/// Judges `facts` by one rule.
pub fn judge(rule: &'static Rule, facts: &WorkloadFacts) -> Outcome {
    judge_through(rule, facts, Door::Manifest)
}

fn judge_through(rule: &'static Rule, facts: &WorkloadFacts, door: Door) -> Outcome {
    let Some(check) = rule.check else {
        return Outcome::Undecidable(format!("{} is not judged on a single workload", rule.id));
    };
    let mut j = Judgement { violations: Vec::new(), undecidable: None, rule: rule.id, door };
    check(facts, &mut j);
    if !j.violations.is_empty() {
        Outcome::Fail(j.violations)
    } else if let Some(why) = j.undecidable {
        Outcome::Undecidable(why)
    } else {
        Outcome::Pass
    }
}

/// Every violation of every rule that can be judged on `facts`, in catalog order.
pub fn violations(facts: &WorkloadFacts) -> Vec<Violation> {
    let door = if facts.source == Source::Manifest { Door::Manifest } else { Door::Data };
    CATALOG
        .iter()
        .filter(|r| r.id != RuleId::Decl)
        .flat_map(|r| match judge_through(r, facts, door) {
            Outcome::Fail(v) => v,
            _ => Vec::new(),
        })
        .collect()
}

/// Every violation of a declared app, its hints phrased for `door`: the catalog over its facts,
/// then what Kubernetes would reject ([`declaration`]). This is the compile-time check of
/// `#[elite]`, the check of [`AppBuilder::build`](crate::AppBuilder::build), of `elite check`, and
/// the generator's per-app check.
pub fn check_app(app: &crate::AppSpec, door: Door) -> Vec<Violation> {
    let mut v = violations(&crate::facts::from_app(app));
    v.extend(declaration::check(app));
    v.into_iter().map(|v| v.through(door)).collect()
}

/// The rule judged on workloads of this kind: Jobs and CronJobs run to completion, so PROBE-1..3,
/// META-3 and HA-1 leave them out (the standard's scope); PROBE-4 still judges any probe they have.
pub fn applies_to_run_to_completion(id: RuleId) -> bool {
    !matches!(id, RuleId::Probe1 | RuleId::Probe2 | RuleId::Probe3 | RuleId::Meta3 | RuleId::Ha1)
}
