//! PRIO: priority classes.

use super::{Hint, Rule, RuleId, Severity, Stage::*};
use crate::facts::{Stated, WorkloadFacts};
use crate::model::image::{MINIO_IMAGE_RE, MINIO_REPOSITORY_NAME};
use crate::model::{Priority, Role};
use crate::rules::Judgement;
use crate::rules::cel::{Cel, MAIN, annotation, cel, cel_string, strings};

fn class_of(f: &WorkloadFacts) -> Option<Priority> {
    f.priority_class.value.as_deref().and_then(Priority::from_class_name)
}

pub const PRIO_1: Rule = Rule {
    id: RuleId::Prio1,
    title: "`priorityClassName` is one of vixens-critical, vixens-high, vixens-medium, vixens-low; the generator writes the four PriorityClasses.",
    rationale: "Without a class every pod has priority 0 and the scheduler cannot tell the DNS server from a batch job when a node runs out of room.",
    severity: Severity::Medium,
    stages: &[Compile, Construction],
    hint: Hint {
        dsl: "set `priority = High` (or `Critical` for core-infra)",
        builder: "call `.priority(Priority::High)` (or `Priority::Critical` for core-infra)",
        data: "set `\"priority\": \"High\"` (or `\"Critical\"` for core-infra)",
        manifest: "set spec.template.spec.priorityClassName to vixens-high (or vixens-critical for core-infra)",
    },
    check: Some(|f: &WorkloadFacts, j: &mut Judgement| match &f.priority_class.value {
        None => j.fail(
            &f.priority_class.at,
            if f.source == crate::facts::Source::Declaration {
                "no `priority` is stated"
            } else {
                "no priorityClassName is set"
            },
        ),
        Some(p) if Priority::from_class_name(p).is_none() => j.fail(
            &f.priority_class.at,
            format!(
                "priorityClassName `{}` is not one of vixens-critical, vixens-high, vixens-medium, vixens-low",
                crate::names::printable(p)
            ),
        ),
        Some(_) => {}
    }),
    cel: Some(prio_1_cel),
};

pub const PRIO_2: Rule = Rule {
    id: RuleId::Prio2,
    title: "An Elite app uses vixens-critical or vixens-high; a missing or unknown class fails too.",
    rationale: "vixens-medium and vixens-low are evicted first under pressure: an app that claims Elite must not be. A missing or unknown class is not critical or high, so it fails this rule as well as PRIO-1.",
    severity: Severity::Medium,
    stages: &[Compile],
    hint: Hint {
        dsl: "Elite apps run at `priority = High` (mission-critical and standard apps) or `priority = Critical` (core-infra)",
        builder: "call `.priority(Priority::High)` (mission-critical and standard apps) or `.priority(Priority::Critical)` (core-infra)",
        data: "set `\"priority\": \"High\"` (mission-critical and standard apps) or `\"Critical\"` (core-infra)",
        manifest: "set priorityClassName to vixens-high (mission-critical and standard apps) or vixens-critical (core-infra)",
    },
    check: Some(|f, j| match (&f.priority_class.value, class_of(f)) {
        (_, Some(p)) if p.is_elite() => {}
        (_, Some(p)) => j.fail(
            &f.priority_class.at,
            format!(
                "priority is {} ({}); an Elite app must use vixens-critical or vixens-high",
                p.name(),
                p.class_name()
            ),
        ),
        (None, None) => {
            j.fail(&f.priority_class.at, "no priority class: an Elite app must use vixens-critical or vixens-high")
        }
        (Some(other), None) => j.fail(
            &f.priority_class.at,
            format!("priority class `{}` is not vixens-critical or vixens-high", crate::names::printable(other)),
        ),
    }),
    cel: Some(prio_2_cel),
};

pub const PRIO_3: Rule = Rule {
    id: RuleId::Prio3,
    title: "vixens-critical is reserved for role core-infra, and core-infra must use it; mission-critical apps use vixens-high.",
    rationale: "If every app were critical, none would be: the class that preempts others is kept for what the cluster cannot run without (ingress, storage, secrets, GitOps, the backup target).",
    severity: Severity::Medium,
    stages: &[Compile],
    hint: Hint {
        dsl: "core-infra ⇔ `priority = Critical`; mission-critical and standard apps take `priority = High`",
        builder: "`.role(Role::CoreInfra)` ⇔ `.priority(Priority::Critical)`; other roles take `Priority::High`",
        data: "`\"role\": \"CoreInfra\"` ⇔ `\"priority\": \"Critical\"`; other roles take `\"High\"`",
        manifest: "use vixens-critical exactly when the pod is annotated vixens.io/role: core-infra; vixens-high otherwise",
    },
    check: Some(|f, j| {
        let Some(role) = j.stated(&f.role, "no role is stated") else { return };
        let role = role.value;
        let Some(p) = class_of(f) else { return };
        let at = &f.priority_class.at;
        match (role, p) {
            (Role::CoreInfra, Priority::Critical) => {}
            (Role::CoreInfra, p) => {
                j.fail(at, format!("role core-infra must use vixens-critical, found {}", p.class_name()))
            }
            (r, Priority::Critical) => {
                j.fail(at, format!("vixens-critical is reserved for core-infra, but the role is {}", r.as_str()))
            }
            (Role::MissionCritical, p) if p != Priority::High => {
                j.fail(at, format!("role mission-critical must use vixens-high, found {}", p.class_name()))
            }
            _ => {}
        }
    }),
    cel: Some(prio_3_cel),
};

/// Whether the workload is MinIO, the backup target: named `minio`, or its main container runs
/// a MinIO image (recognized by the repository's last path component, wherever it is hosted).
pub fn is_minio(f: &WorkloadFacts) -> bool {
    f.name.value == MINIO_REPOSITORY_NAME
        || f.main().is_some_and(|m| super::patterns::minio_image().is_match(&m.image.value))
}

pub const PRIO_4: Rule = Rule {
    id: RuleId::Prio4,
    title: "The MinIO backup target must not be evictable during backup bursts: MinIO is core-infra.",
    rationale: "Every restore step and every replica reads or writes MinIO; evicting it during a burst of backups would fail restores cluster-wide. MinIO is recognized by its name or by its image's repository, wherever it is hosted.",
    severity: Severity::Medium,
    stages: &[Compile],
    hint: Hint {
        dsl: "declare MinIO with `role = CoreInfra, priority = Critical`",
        builder: "build MinIO with `.role(Role::CoreInfra).priority(Priority::Critical)`",
        data: "describe MinIO with `\"role\": \"CoreInfra\"` and `\"priority\": \"Critical\"`",
        manifest: "run MinIO at priorityClassName vixens-critical, annotated vixens.io/role: core-infra",
    },
    check: Some(|f, j| {
        if !is_minio(f) {
            return;
        }
        if class_of(f) != Some(Priority::Critical) {
            j.fail(
                &f.priority_class.at,
                format!(
                    "MinIO runs at {}; the backup target must run at vixens-critical",
                    f.priority_class.value.as_deref().map_or("no priority class".to_owned(), crate::names::printable)
                ),
            );
        }
        if let Stated::Yes(role) = &f.role
            && role.value != Role::CoreInfra
        {
            j.fail(&role.at, format!("MinIO has role {}; it is core-infra", role.value.as_str()));
        }
    }),
    cel: Some(prio_4_cel),
};

const CLASS: &str = "variables.pod.priorityClassName";

fn class_names(ps: &[Priority]) -> String {
    strings(ps.iter().map(|p| p.class_name()))
}

/// The accepted spellings of `roles` in the `vixens.io/role` annotation.
fn role_names(roles: &[Role]) -> String {
    strings(roles.iter().flat_map(|r| [r.as_str(), r.name()]))
}

/// The stated role (annotation), when it names a role.
fn role_stated() -> String {
    let key = annotation("role");
    format!("('{key}' in variables.annotations && variables.annotations['{key}'] in {})", role_names(Role::ALL))
}

fn elite_classes() -> Vec<Priority> {
    Priority::ALL.iter().copied().filter(|p| p.is_elite()).collect()
}

fn prio_1_cel() -> Vec<Cel> {
    vec![cel(
        format!("has({CLASS}) && {CLASS} in {}", class_names(Priority::ALL)),
        "priorityClassName is one of vixens-critical, vixens-high, vixens-medium, vixens-low",
    )]
}

fn prio_2_cel() -> Vec<Cel> {
    vec![cel(
        format!("has({CLASS}) && {CLASS} in {}", class_names(&elite_classes())),
        "an Elite app uses vixens-critical or vixens-high",
    )]
}

fn prio_3_cel() -> Vec<Cel> {
    let role = format!("variables.annotations['{}']", annotation("role"));
    let (critical, high) = (Priority::Critical.class_name(), Priority::High.class_name());
    vec![cel(
        format!(
            "!{} || !has({CLASS}) || !({CLASS} in {}) || ({role} in {} ? {CLASS} == '{critical}' : ({CLASS} != '{critical}' && (!({role} in {}) || {CLASS} == '{high}')))",
            role_stated(),
            class_names(Priority::ALL),
            role_names(&[Role::CoreInfra]),
            role_names(&[Role::MissionCritical]),
        ),
        "vixens-critical is for role core-infra only and core-infra uses it; mission-critical apps use vixens-high",
    )]
}

fn prio_4_cel() -> Vec<Cel> {
    let role = format!("variables.annotations['{}']", annotation("role"));
    vec![cel(
        format!(
            "!(object.metadata.name == '{MINIO_REPOSITORY_NAME}' || (size(variables.mains) > 0 && has({MAIN}.image) && {MAIN}.image.matches({}))) || (has({CLASS}) && {CLASS} == '{}' && (!{} || {role} in {}))",
            cel_string(MINIO_IMAGE_RE),
            Priority::Critical.class_name(),
            role_stated(),
            role_names(&[Role::CoreInfra]),
        ),
        "MinIO, the backup target, is core-infra at vixens-critical",
    )]
}
