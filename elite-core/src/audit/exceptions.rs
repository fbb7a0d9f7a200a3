//! Exceptions: a finding of a security rule is suppressed only when the repository grants the
//! exception (a Kyverno PolicyException listing the key, `sec-1.run-as-non-root`, in its
//! `vixens.io/exception-rules` annotation, for that workload), as Kyverno itself exempts the
//! workload. What the object claims (annotation `vixens.io/exception.<key>: <reason>`) grants
//! nothing: a claim that is not granted is reported as ignored. The generator writes both, with
//! the same reason, for every declared exception.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Audit, FindingStatus, Workload};
use crate::facts::exception_key;
use crate::rules::RuleId;

pub use crate::platform::{EXCEPTION_ANNOTATION, GRANTED_RULES_ANNOTATION};

/// An exception granted in the repository: a rule (or a named part of one) a workload may break.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Grant {
    /// The namespace, or `*`.
    pub namespace: String,
    /// The workload's name.
    pub name: String,
    /// The key, lowercase: `sec-3` or `sec-1.run-as-non-root`.
    pub rule: String,
    /// Why it is granted (the PolicyException's `vixens.io/reason`; may be empty).
    pub reason: String,
}

/// Whether findings of `rule` may be excepted: the security rules only (an exception relaxes
/// what a pod may do; durability, sizing, priorities and probes are fixed, not excepted).
pub fn exceptable(rule: RuleId) -> bool {
    rule.family() == "SEC"
}

/// The grants a PolicyException makes: the keys it lists for each workload its match names.
pub fn grants_of(exception: &Value) -> Vec<Grant> {
    let rules: Vec<String> = exception["metadata"]["annotations"][GRANTED_RULES_ANNOTATION]
        .as_str()
        .unwrap_or_default()
        .split(',')
        .map(|r| r.trim().to_ascii_lowercase())
        .filter(|r| !r.is_empty())
        .collect();
    let reason = exception["metadata"]["annotations"][crate::platform::EXCEPTION_REASON_ANNOTATION]
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_owned();
    let mut out = Vec::new();
    for filter in exception["spec"]["match"]["any"].as_array().into_iter().flatten() {
        let res = &filter["resources"];
        let namespaces: Vec<String> = match res["namespaces"].as_array() {
            Some(a) => a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
            // Without a namespace filter, the names match in every namespace.
            None => vec!["*".into()],
        };
        for name in res["names"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            for ns in &namespaces {
                for r in &rules {
                    out.push(Grant {
                        namespace: ns.clone(),
                        name: name.to_owned(),
                        rule: r.clone(),
                        reason: reason.clone(),
                    });
                }
            }
        }
    }
    out
}

/// Suppresses the failing security findings whose exception the repository grants, and lists
/// the claims it ignored, with why.
pub fn suppress(a: &mut Audit, grants: &BTreeSet<Grant>) {
    for w in &mut a.workloads {
        suppress_workload(w, grants);
    }
}

/// [`suppress`] on one workload.
pub fn suppress_workload(w: &mut Workload, grants: &BTreeSet<Grant>) {
    let claimed: BTreeMap<String, String> = w
        .facts
        .pod_annotations
        .value
        .iter()
        .chain(w.facts.workload_annotations.value.iter())
        .filter_map(|(k, v)| k.strip_prefix(EXCEPTION_ANNOTATION).map(|r| (r.to_ascii_lowercase(), v.clone())))
        .collect();
    let ns = w.namespace.clone().unwrap_or_default();
    let grant = |key: &str| {
        grants.iter().find(|g| (g.namespace == "*" || g.namespace == ns) && g.name == w.name && g.rule == key)
    };
    let granted = |key: &str| grant(key).is_some();
    for f in &mut w.findings {
        if f.status != FindingStatus::Fail || !exceptable(f.rule) {
            continue;
        }
        let keys = [exception_key(f.rule, None), exception_key(f.rule, f.check)];
        if let Some((key, g)) = keys.iter().rev().find_map(|k| grant(k).map(|g| (k, g))) {
            let reason = if g.reason.is_empty() {
                claimed.get(key).map(|r| r.trim().to_owned()).unwrap_or_default()
            } else {
                g.reason.clone()
            };
            f.status = FindingStatus::Suppressed;
            f.suppressed_by = Some(format!("exception {key} granted: {}", crate::names::printable(&reason)));
        }
    }
    let mut ignored = Vec::new();
    for key in claimed.keys() {
        match RuleId::parse(key.split('.').next().unwrap_or_default()) {
            None => ignored.push(format!("{}: not a rule id", crate::names::printable(key))),
            Some(r) if !exceptable(r) => {
                ignored.push(format!("{key}: {r} cannot be excepted (only the security rules can)"))
            }
            Some(_) if !granted(key) => {
                ignored.push(format!("{key}: claimed by the object but not granted in the repository"))
            }
            Some(_) => {}
        }
    }
    w.ignored_exceptions = ignored;
    w.rejudge();
}
