//! META: images and metadata.

use super::{Hint, Rule, RuleId, Severity, Stage::*};
use crate::model::ImageRef;
use crate::names::{dns1123_label_error, label_value};
use crate::rules::cel::{Cel, cel, db_name, is_dns_label};

/// Why `image` is not pinned or not a valid reference (META-1), or `None`.
pub fn unpinned(image: &str) -> Option<String> {
    match ImageRef::parse(image) {
        Err(e) => Some(format!("image `{}` is not a valid reference: {e}", crate::names::printable(image))),
        Ok(r) => r.unpinned().map(|why| format!("image `{image}` {why}")),
    }
}

pub const META_1: Rule = Rule {
    id: RuleId::Meta1,
    title: "Every image is pinned: an explicit tag other than `latest`, or a digest (`sha256:` and 64 hex digits).",
    rationale: "A moving tag deploys whatever was pushed last, and two nodes can run two versions of one app. Images are parsed as references (a registry port is not a tag), and a digest must be a real sha256.",
    severity: Severity::Low,
    stages: &[Compile],
    hint: Hint {
        dsl: "pin the image to a version tag (`image = \"repo:1.2.3\"`) or a digest (`\"repo:1.2.3@sha256:...\"`)",
        builder: "pin the image given to `AppBuilder::new` to a version tag (`repo:1.2.3`) or a digest (`repo:1.2.3@sha256:...`)",
        data: "pin `image` to a version tag (`repo:1.2.3`) or a digest (`repo:1.2.3@sha256:...`)",
        manifest: "pin every image to a version tag (repo:1.2.3) or a digest (repo@sha256:...)",
    },
    check: Some(|f, j| {
        for c in &f.containers {
            if let Some(why) = unpinned(&c.image.value) {
                j.fail(&c.image.at, why);
            }
        }
    }),
    cel: Some(meta_1_cel),
};

/// The labels META-2 requires, with their required value (`None`: any non-empty value).
pub const REQUIRED_LABELS: [(&str, Option<&str>); 3] = [
    ("app.kubernetes.io/name", None),
    ("app.kubernetes.io/part-of", Some("vixens")),
    ("vixens.io/elite", Some("true")),
];

pub const META_2: Rule = Rule {
    id: RuleId::Meta2,
    title: "Names are DNS-1123 labels (at most 63 characters); the app carries app.kubernetes.io/name, app.kubernetes.io/part-of: vixens and vixens.io/elite: \"true\".",
    rationale: "The labels are how Kyverno, the audit and people find Elite apps; the names are what every tool can spell.",
    severity: Severity::Low,
    stages: &[Compile, Generator],
    hint: Hint {
        dsl: "use lowercase letters, digits and `-`, at most 63 characters (`name = \"...\"`, or the struct's name in kebab case)",
        builder: "use lowercase letters, digits and `-`, at most 63 characters",
        data: "use lowercase letters, digits and `-`, at most 63 characters",
        manifest: "use DNS-1123 labels for names, and set the three labels on the workload",
    },
    check: Some(|f, j| {
        if let Some(why) = dns1123_label_error(&f.name.value) {
            j.fail(&f.name.at, why);
        } else if let Err(e) = label_value(&f.name.value) {
            j.fail(&f.name.at, format!("name `{}` cannot be a label value: {e}", f.name.value));
        }
        if let Some(ns) = &f.namespace
            && let Some(why) = dns1123_label_error(&ns.value)
        {
            j.fail(&ns.at, format!("namespace: {why}"));
        }
        for c in f.containers.iter().filter(|c| c.name.value != f.name.value) {
            if let Some(why) = dns1123_label_error(&c.name.value) {
                j.fail(&c.name.at, format!("container name: {why}"));
            }
        }
        for v in &f.volumes {
            if let Some(why) = dns1123_label_error(&v.name.value) {
                j.fail(&v.name.at, format!("volume name: {why}"));
            }
        }
        for d in f.databases().into_iter().flatten() {
            if let Some(why) = dns1123_label_error(&d.name) {
                j.fail(&d.path.at, format!("database name: {why}"));
            }
        }
        for (key, want) in REQUIRED_LABELS {
            match (f.labels.value.get(key), want) {
                (None, _) => j.fail(&f.labels.at, format!("label `{key}` is missing")),
                (Some(v), Some(w)) if v != w => {
                    j.fail(&f.labels.at, format!("label `{key}` is `{}`; it must be `{w}`", crate::names::printable(v)))
                }
                (Some(v), None) if v.is_empty() => j.fail(&f.labels.at, format!("label `{key}` is empty")),
                _ => {}
            }
        }
    }),
    cel: Some(meta_2_cel),
};

/// `revisionHistoryLimit` the standard requires (META-3); the generator writes it.
pub const REVISION_HISTORY_LIMIT: i64 = 3;

pub const META_3: Rule = Rule {
    id: RuleId::Meta3,
    title: "`revisionHistoryLimit: 3`.",
    rationale: "Ten old ReplicaSets per app (the default) clutter every listing; three is enough to roll back. Jobs and CronJobs have no revision history.",
    severity: Severity::Low,
    stages: &[Construction],
    hint: Hint {
        dsl: "the elite-standard component sets revisionHistoryLimit: 3; nothing to declare",
        builder: "the elite-standard component sets revisionHistoryLimit: 3; nothing to declare",
        data: "the elite-standard component sets revisionHistoryLimit: 3; nothing to declare",
        manifest: "set spec.revisionHistoryLimit: 3",
    },
    check: Some(|f, j| {
        if f.revision_history_limit.value != Some(REVISION_HISTORY_LIMIT) {
            j.fail(
                &f.revision_history_limit.at,
                match f.revision_history_limit.value {
                    Some(n) => format!("revisionHistoryLimit is {n}; it must be {REVISION_HISTORY_LIMIT}"),
                    None => format!(
                        "revisionHistoryLimit is not set (the default is 10); it must be {REVISION_HISTORY_LIMIT}"
                    ),
                },
            );
        }
    }),
    cel: Some(meta_3_cel),
};

fn meta_1_cel() -> Vec<Cel> {
    vec![cel(
        format!(
            "variables.containers.all(c, has(c.image) && c.image.matches({}) && (c.image.contains('@') || !c.image.matches({})))",
            super::cel::cel_string(crate::model::image::IMAGE_REFERENCE_RE),
            super::cel::cel_string(crate::model::image::UNPINNED_IMAGE_RE)
        ),
        "every image is a valid reference, pinned: a tag other than `latest`, or a sha256 digest",
    )]
}

fn meta_2_cel() -> Vec<Cel> {
    let labels: Vec<String> = REQUIRED_LABELS
        .iter()
        .map(|(k, want)| match want {
            Some(w) => format!("'{k}' in variables.labels && variables.labels['{k}'] == '{w}'"),
            None => format!("'{k}' in variables.labels && variables.labels['{k}'] != ''"),
        })
        .collect();
    vec![
        cel(
            format!(
                "{} && (!has(object.metadata.namespace) || {}) && variables.containers.all(c, c.name == object.metadata.name || {}) && (!has(variables.pod.volumes) || variables.pod.volumes.all(v, {})) && variables.dbs.all(t, {})",
                is_dns_label("object.metadata.name"),
                is_dns_label("object.metadata.namespace"),
                is_dns_label("c.name"),
                is_dns_label("v.name"),
                is_dns_label(&db_name("t")),
            ),
            "names (workload, namespace, containers, volumes, databases) are DNS-1123 labels of at most 63 characters",
        ),
        cel(
            labels.join(" && "),
            "the workload carries app.kubernetes.io/name, app.kubernetes.io/part-of: vixens and vixens.io/elite: \"true\"",
        ),
    ]
}

fn meta_3_cel() -> Vec<Cel> {
    vec![cel(
        format!(
            "has(object.spec.revisionHistoryLimit) && object.spec.revisionHistoryLimit == {REVISION_HISTORY_LIMIT}"
        ),
        "revisionHistoryLimit is 3",
    )]
}
