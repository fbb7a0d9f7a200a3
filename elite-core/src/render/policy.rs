//! Kyverno ClusterPolicies (kyverno.io/v1) generated from the rule catalog: one policy per rule
//! family, one rule per catalog rule that has CEL conditions, matching the workloads that claim
//! Elite (`vixens.io/elite: "true"`). The structs follow the CRD; only the fields used are
//! written.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde::Serialize;

use super::Object;
use crate::platform::{ELITE_LABEL, PolicyAction};
use crate::rules::cel::{Cel, variables_used};
use crate::rules::{CATALOG, Rule, pdb_cel};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClusterPolicy {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: PolicySpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PolicySpec {
    background: bool,
    rules: Vec<PolicyRule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PolicyRule {
    name: String,
    #[serde(rename = "match")]
    match_: Match,
    validate: Validate,
}

#[derive(Serialize)]
struct Match {
    any: Vec<ResourceFilter>,
}

#[derive(Serialize)]
struct ResourceFilter {
    resources: Resources,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Resources {
    kinds: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operations: Option<Vec<&'static str>>,
    selector: LabelSelector,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Validate {
    failure_action: &'static str,
    cel: CelValidation,
}

#[derive(Serialize)]
struct CelValidation {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    variables: Vec<Variable>,
    expressions: Vec<Expression>,
}

#[derive(Serialize)]
struct Variable {
    name: &'static str,
    expression: String,
}

#[derive(Serialize)]
struct Expression {
    expression: String,
    message: String,
}

/// The workload kinds the audit judges.
pub const WORKLOAD_KINDS: [&str; 5] =
    ["apps/v1/Deployment", "apps/v1/StatefulSet", "apps/v1/DaemonSet", "batch/v1/Job", "batch/v1/CronJob"];

/// The long-running workload kinds: every rule applies to them.
pub const LONG_RUNNING_KINDS: [&str; 3] = ["apps/v1/Deployment", "apps/v1/StatefulSet", "apps/v1/DaemonSet"];

/// A rule family: its policy name, title and the id prefix of its rules.
struct Family {
    prefix: &'static str,
    name: &'static str,
    title: &'static str,
}

const FAMILIES: [Family; 7] = [
    Family { prefix: "SIZE", name: "elite-sizing", title: "Elite sizing (SIZE)" },
    Family { prefix: "PRIO", name: "elite-priority", title: "Elite priority classes (PRIO)" },
    Family { prefix: "PROBE", name: "elite-probes", title: "Elite probes (PROBE)" },
    Family { prefix: "DUR", name: "elite-durability", title: "Elite durability (DUR)" },
    Family { prefix: "META", name: "elite-metadata", title: "Elite metadata (META)" },
    Family { prefix: "SEC", name: "elite-security", title: "Elite security baseline (SEC)" },
    Family { prefix: "HA", name: "elite-high-availability", title: "Elite high availability (HA)" },
];

fn family_of(rule: &Rule) -> &'static str {
    rule.id.family()
}

/// The Kyverno rule name of a catalog rule: its id, lowercase (`size-1`).
pub fn rule_name(rule: &Rule) -> String {
    rule.id.anchor()
}

/// The Kyverno rule name of a rule or of its named part: `sec-3`, `sec-1-host-namespaces`.
pub fn kyverno_rule_name(rule: crate::rules::RuleId, check: Option<&str>) -> String {
    match check {
        Some(c) => format!("{}-{c}", rule.anchor()),
        None => rule.anchor(),
    }
}

/// The ClusterPolicy that holds the rules of `rule`.
pub fn policy_name(rule: crate::rules::RuleId) -> &'static str {
    FAMILIES.iter().find(|f| f.prefix == rule.family()).map_or("elite", |f| f.name)
}

/// The message of a condition: the rule id (and part) first, as the compiler and the audit
/// print it.
pub fn message(rule: &Rule, c: &Cel) -> String {
    let id = match c.check {
        Some(check) => format!("{}/{check}", rule.id),
        None => rule.id.to_string(),
    };
    format!("[{id}] {}. Hint: {}", c.message, rule.hint.manifest.replace('`', ""))
}

fn elite_selector() -> LabelSelector {
    LabelSelector {
        match_labels: Some(BTreeMap::from([(ELITE_LABEL.to_owned(), "true".to_owned())])),
        ..Default::default()
    }
}

fn cel_rule(
    name: String,
    kinds: Vec<&'static str>,
    operations: Option<Vec<&'static str>>,
    conditions: Vec<(String, String)>,
    action: PolicyAction,
) -> PolicyRule {
    let expressions: Vec<&str> = conditions.iter().map(|(e, _)| e.as_str()).collect();
    PolicyRule {
        name,
        match_: Match {
            any: vec![ResourceFilter { resources: Resources { kinds, operations, selector: elite_selector() } }],
        },
        validate: Validate {
            failure_action: action.as_str(),
            cel: CelValidation {
                variables: variables_used(&expressions)
                    .into_iter()
                    .map(|(name, expression)| Variable { name, expression })
                    .collect(),
                expressions: conditions
                    .into_iter()
                    .map(|(expression, message)| Expression { expression, message })
                    .collect(),
            },
        },
    }
}

/// The Kyverno rules of one catalog rule: its conditions on the workload (and, for HA-1, on the
/// PodDisruptionBudget, which must exist and keep one replica).
fn kyverno_rules(rule: &Rule, action: PolicyAction) -> Vec<PolicyRule> {
    let Some(cel) = rule.cel else { return Vec::new() };
    let conditions = |cs: Vec<Cel>| cs.iter().map(|c| (c.expression.clone(), message(rule, c))).collect::<Vec<_>>();
    // Jobs and CronJobs run to completion: the rules that do not apply to them leave them out.
    let kinds: Vec<&'static str> = if crate::rules::applies_to_run_to_completion(rule.id) {
        WORKLOAD_KINDS.to_vec()
    } else {
        LONG_RUNNING_KINDS.to_vec()
    };
    // One Kyverno rule per named part (`sec-1-host-namespaces`), so that a PolicyException can
    // exempt one part and not the others; the unnamed conditions under the rule's own name.
    let mut parts: Vec<(Option<&'static str>, Vec<Cel>)> = Vec::new();
    for c in cel() {
        match parts.iter_mut().find(|(k, _)| *k == c.check) {
            Some((_, cs)) => cs.push(c),
            None => parts.push((c.check, vec![c])),
        }
    }
    let mut out: Vec<PolicyRule> = parts
        .into_iter()
        .map(|(check, cs)| cel_rule(kyverno_rule_name(rule.id, check), kinds.clone(), None, conditions(cs), action))
        .collect();
    if rule.id == crate::rules::RuleId::Ha1 {
        let pdb = "policy/v1/PodDisruptionBudget";
        out.push(cel_rule(format!("{}-pdb", rule_name(rule)), vec![pdb], None, conditions(pdb_cel()), action));
        out.push(cel_rule(
            format!("{}-pdb-removed", rule_name(rule)),
            vec![pdb],
            Some(vec!["DELETE"]),
            vec![(
                "false".into(),
                format!(
                    "[{}] the PodDisruptionBudget of an HA app must not be removed. Hint: {}",
                    rule.id, rule.hint.manifest
                ),
            )],
            action,
        ));
    }
    out
}

fn cluster_policy(family: &Family, name: String, ids: &[&str], background: bool, rules: Vec<PolicyRule>) -> Object {
    // A family is as severe as its most severe rule.
    let severity = CATALOG
        .iter()
        .filter(|r| family_of(r) == family.prefix)
        .map(|r| r.severity)
        .max()
        .unwrap_or(crate::rules::Severity::Medium);
    let annotations = BTreeMap::from([
        ("policies.kyverno.io/title".to_owned(), family.title.to_owned()),
        ("policies.kyverno.io/category".to_owned(), "Elite Standard".to_owned()),
        ("policies.kyverno.io/severity".to_owned(), severity.as_str().to_owned()),
        ("policies.kyverno.io/subject".to_owned(), "Deployment, StatefulSet, DaemonSet, Job, CronJob".to_owned()),
        ("policies.kyverno.io/minversion".to_owned(), "1.13.0".to_owned()),
        (
            "policies.kyverno.io/description".to_owned(),
            format!(
                "Generated by elite from its rule catalog ({}): workloads labelled vixens.io/elite=true must keep the Elite standard. See RULES.md.",
                ids.join(", ")
            ),
        ),
    ]);
    Object::new(&ClusterPolicy {
        api_version: "kyverno.io/v1",
        kind: "ClusterPolicy",
        metadata: ObjectMeta {
            name: Some(name),
            annotations: Some(annotations),
            labels: Some(BTreeMap::from([("app.kubernetes.io/part-of".to_owned(), "vixens".to_owned())])),
            ..Default::default()
        },
        spec: PolicySpec { background, rules },
    })
}

/// The ClusterPolicies, one per rule family, in catalog order. Rules that judge an operation
/// (the removal of a PodDisruptionBudget) go to a policy of their own without background scans,
/// which would judge every existing object as if it were being removed.
pub fn cluster_policies(action: PolicyAction) -> Vec<Object> {
    let mut out = Vec::new();
    for f in &FAMILIES {
        let rules: Vec<&Rule> = CATALOG.iter().filter(|r| family_of(r) == f.prefix && r.cel.is_some()).collect();
        if rules.is_empty() {
            continue;
        }
        let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        let (on_operations, on_objects): (Vec<PolicyRule>, Vec<PolicyRule>) = rules
            .iter()
            .flat_map(|r| kyverno_rules(r, action))
            .partition(|r| r.match_.any.iter().any(|m| m.resources.operations.is_some()));
        out.push(cluster_policy(f, f.name.to_owned(), &ids, true, on_objects));
        if !on_operations.is_empty() {
            out.push(cluster_policy(f, format!("{}-admission", f.name), &ids, false, on_operations));
        }
    }
    out
}

/// A Kyverno PolicyException (kyverno.io/v2).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PolicyException {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: PolicyExceptionSpec,
}

#[derive(Serialize)]
struct PolicyExceptionSpec {
    exceptions: Vec<ExceptionEntry>,
    #[serde(rename = "match")]
    match_: ExceptionMatch,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExceptionEntry {
    policy_name: &'static str,
    rule_names: Vec<String>,
}

#[derive(Serialize)]
struct ExceptionMatch {
    any: Vec<ExceptionFilter>,
}

#[derive(Serialize)]
struct ExceptionFilter {
    resources: ExceptionResources,
}

#[derive(Serialize)]
struct ExceptionResources {
    kinds: Vec<&'static str>,
    namespaces: Vec<String>,
    names: Vec<String>,
}

/// The Kyverno PolicyExceptions of the apps' declared exceptions: one per exception, exempting
/// the app's workload from exactly the Kyverno rules of the parts its kind relaxes, and listing
/// the same parts in the annotation the audit reads (`vixens.io/exception-rules`). They are the
/// repository's list of granted exceptions.
pub fn policy_exceptions(apps: &[crate::model::AppSpec], platform: &crate::platform::Platform) -> Vec<Object> {
    use crate::platform::{EXCEPTION_REASON_ANNOTATION as REASON_ANNOTATION, GRANTED_RULES_ANNOTATION};
    let mut out = Vec::new();
    for app in apps {
        for e in &app.exceptions {
            let relaxed = e.kind.relaxes();
            let mut by_policy: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
            for (rule, check) in relaxed {
                by_policy.entry(policy_name(*rule)).or_default().push(kyverno_rule_name(*rule, *check));
            }
            let keys: Vec<String> = relaxed.iter().map(|(r, c)| crate::facts::exception_key(*r, *c)).collect();
            let kind = match app.workload {
                crate::model::Workload::Deployment => "Deployment",
                crate::model::Workload::StatefulSet => "StatefulSet",
            };
            out.push(Object::new(&PolicyException {
                api_version: "kyverno.io/v2",
                kind: "PolicyException",
                metadata: ObjectMeta {
                    // Dot-separated: a DNS subdomain whose labels are the names, valid whatever their lengths.
                    name: Some(format!("{}.{}.{}", app.namespace(), app.name, e.kind.as_str())),
                    namespace: Some(platform.exception_namespace.clone()),
                    labels: Some(crate::facts::standard_labels(app)),
                    annotations: Some(BTreeMap::from([
                        (GRANTED_RULES_ANNOTATION.to_owned(), keys.join(", ")),
                        (REASON_ANNOTATION.to_owned(), e.reason.clone()),
                    ])),
                    ..Default::default()
                },
                spec: PolicyExceptionSpec {
                    exceptions: by_policy
                        .into_iter()
                        .map(|(policy_name, rule_names)| ExceptionEntry { policy_name, rule_names })
                        .collect(),
                    match_: ExceptionMatch {
                        any: vec![ExceptionFilter {
                            resources: ExceptionResources {
                                kinds: vec![kind],
                                namespaces: vec![app.namespace().to_owned()],
                                names: vec![app.name.clone()],
                            },
                        }],
                    },
                },
            }));
        }
    }
    out
}
