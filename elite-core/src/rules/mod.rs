//! The rule catalog: every rule of ELITE-STANDARD.md, once, with its id.
//!
//! A rule is a predicate over [`WorkloadFacts`]. The macro runs the catalog over the facts of a
//! declaration, the generator over every collected app, the audit over facts read from YAML, and
//! the policy generator turns each rule into a Kyverno rule.

pub mod cel;
pub mod declaration;
mod durability;
mod ha;
mod meta;
mod obs;
mod priority;
mod probes;
pub mod reference;
mod security;
mod sizing;

use crate::facts::{Loc, WorkloadFacts};

pub use durability::is_credential_name;
pub use ha::{HOSTNAME_KEY, pdb_cel};
pub use meta::unpinned;

/// Where a rule is enforced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// `#[elite]` rejects the declaration at compile time.
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

/// One rule of the standard.
#[derive(Clone, Copy)]
pub struct Rule {
    /// Stable id from ELITE-STANDARD.md, e.g. `PRIO-2`.
    pub id: &'static str,
    /// One-line statement of the rule.
    pub title: &'static str,
    /// Where it is enforced.
    pub stages: &'static [Stage],
    /// What to do about a violation.
    pub hint: &'static str,
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
        if self.check.is_some() && !s.is_empty() {
            s.push(Stage::Audit);
        }
        if self.cel.is_some() {
            s.push(Stage::Cluster);
        }
        s.sort();
        s
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).finish_non_exhaustive()
    }
}

/// A broken rule: which, where, what was found and what is allowed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    pub rule: &'static str,
    pub at: Loc,
    /// What was found and what is allowed.
    pub message: String,
    pub hint: &'static str,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {} (at `{}`)", self.rule, self.message, self.at)
    }
}

/// What one rule found on one workload.
#[derive(Clone, Debug, Default)]
pub struct Judgement {
    pub violations: Vec<Violation>,
    /// Set when the facts cannot decide the rule (e.g. the role is not in the manifest).
    pub undecidable: Option<String>,
    rule: Option<&'static Rule>,
}

impl Judgement {
    /// Records a violation at `at`.
    pub fn fail(&mut self, at: &Loc, message: impl Into<String>) {
        let rule = self.rule.expect("judgement bound to a rule");
        self.violations.push(Violation { rule: rule.id, at: at.clone(), message: message.into(), hint: rule.hint });
    }
    /// Records that the facts cannot decide this rule.
    pub fn undecidable(&mut self, why: impl Into<String>) {
        self.undecidable.get_or_insert_with(|| why.into());
    }
}

/// The verdict of one rule on one workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail(Vec<Violation>),
    Undecidable(String),
}

/// Every rule, in the order of ELITE-STANDARD.md.
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
    obs::OBS_1,
    obs::OBS_2,
    ha::HA_1,
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    CATALOG.iter().find(|r| r.id == id)
}

/// Judges `facts` by one rule.
pub fn judge(rule: &'static Rule, facts: &WorkloadFacts) -> Outcome {
    let Some(check) = rule.check else {
        return Outcome::Undecidable(format!("{} is not judged on a single workload", rule.id));
    };
    let mut j = Judgement { rule: Some(rule), ..Judgement::default() };
    check(facts, &mut j);
    if !j.violations.is_empty() {
        Outcome::Fail(j.violations)
    } else if let Some(why) = j.undecidable {
        Outcome::Undecidable(why)
    } else {
        Outcome::Pass
    }
}

/// Every violation of every rule that can be judged on `facts`, sorted by rule order.
pub fn violations(facts: &WorkloadFacts) -> Vec<Violation> {
    CATALOG
        .iter()
        .flat_map(|r| match judge(r, facts) {
            Outcome::Fail(v) => v,
            _ => Vec::new(),
        })
        .collect()
}

/// Every violation of a declared app: the catalog over its facts, then the consistency of the
/// declaration ([`declaration::DECL`]). This is the compile-time check of `#[elite]`, the check of
/// [`AppBuilder::build`](crate::AppBuilder::build), and the generator's per-app check.
pub fn check_app(app: &crate::AppSpec) -> Vec<Violation> {
    let mut v = violations(&crate::facts::from_app(app));
    v.extend(declaration::check(app));
    v
}
