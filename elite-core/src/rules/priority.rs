//! PRIO: priority classes.

use super::{Rule, Stage::*};
use crate::model::{Priority, Role};

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
};
