//! PRIO: priority classes.

use super::{Rule, Stage::*};
use crate::model::{Priority, Role};
use crate::rules::cel::{Cel, MAIN, annotation, cel, strings};

pub const PRIO_1: Rule = Rule {
    id: "PRIO-1",
    title: "`priorityClassName` is one of vixens-critical, vixens-high, vixens-medium, vixens-low; the generator writes the four PriorityClasses.",
    stages: &[Compile, Construction],
    hint: "set `priority = Critical | High`",
    check: Some(|f, j| match &f.priority_class.value {
        None => j.fail(&f.priority_class.at, "no priorityClassName is set"),
        Some(p) if Priority::from_class_name(p).is_none() => j.fail(
            &f.priority_class.at,
            format!("priorityClassName `{p}` is not one of vixens-critical, vixens-high, vixens-medium, vixens-low"),
        ),
        Some(_) => {}
    }),
    cel: Some(prio_1_cel),
};

pub const PRIO_2: Rule = Rule {
    id: "PRIO-2",
    title: "An Elite app uses vixens-critical or vixens-high.",
    stages: &[Compile],
    hint: "Elite apps run at `priority = High` (mission-critical and standard apps) or `priority = Critical` (core-infra)",
    check: Some(|f, j| {
        if let Some(p) = f.priority_class.value.as_deref().and_then(Priority::from_class_name)
            && matches!(p, Priority::Medium | Priority::Low)
        {
            j.fail(
                &f.priority_class.at,
                format!(
                    "priority is {} ({}); an Elite app must use vixens-critical or vixens-high",
                    p.name(),
                    p.class_name()
                ),
            );
        }
    }),
    cel: Some(prio_2_cel),
};

pub const PRIO_3: Rule = Rule {
    id: "PRIO-3",
    title: "vixens-critical is reserved for role core-infra, and core-infra must use it; mission-critical apps use vixens-high.",
    stages: &[Compile],
    hint: "core-infra ⇔ `priority = Critical`; mission-critical and standard apps take `priority = High`",
    check: Some(|f, j| {
        let Some(role) = &f.role else {
            return j.undecidable("the role is not stated (annotation vixens.io/role)");
        };
        let Some(p) = f.priority_class.value.as_deref().and_then(Priority::from_class_name) else {
            return;
        };
        let at = &f.priority_class.at;
        match (role.value, p) {
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

pub const PRIO_4: Rule = Rule {
    id: "PRIO-4",
    title: "The MinIO backup target must not be evictable during backup bursts: MinIO is core-infra.",
    stages: &[Compile],
    hint: "declare MinIO with `role = CoreInfra, priority = Critical`",
    check: Some(|f, j| {
        let is_minio = f.name.value == "minio"
            || f.main().is_some_and(|m| {
                let repo = m.image.value.split([':', '@']).next().unwrap_or_default();
                repo.ends_with("minio/minio") || repo.ends_with("bitnami/minio")
            });
        if !is_minio {
            return;
        }
        if f.priority_class.value.as_deref() != Some(Priority::Critical.class_name()) {
            j.fail(
                &f.priority_class.at,
                format!(
                    "MinIO runs at {}; the backup target must run at vixens-critical",
                    f.priority_class.value.as_deref().unwrap_or("no priority class")
                ),
            );
        }
        if let Some(role) = &f.role
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

fn prio_1_cel() -> Vec<Cel> {
    vec![cel(
        format!("has({CLASS}) && {CLASS} in {}", class_names(&Priority::ALL)),
        "priorityClassName is one of vixens-critical, vixens-high, vixens-medium, vixens-low",
    )]
}

fn prio_2_cel() -> Vec<Cel> {
    vec![cel(
        format!("!has({CLASS}) || !({CLASS} in {})", class_names(&[Priority::Medium, Priority::Low])),
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
            class_names(&Priority::ALL),
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
            "!(object.metadata.name == 'minio' || (size(variables.mains) > 0 && has({MAIN}.image) && {MAIN}.image.matches('^[^:@]*(minio/minio|bitnami/minio)([:@].*)?$'))) || (has({CLASS}) && {CLASS} == '{}' && (!{} || {role} in {}))",
            Priority::Critical.class_name(),
            role_stated(),
            role_names(&[Role::CoreInfra]),
        ),
        "MinIO, the backup target, is core-infra at vixens-critical",
    )]
}
