//! META: pinned images, names and labels, revision history.

use super::{Rule, Stage::*};
use crate::model::WorkloadKind;
use crate::names::dns1123_label_error;
use crate::rules::cel::{Cel, cel, db_name, is_dns_label};

/// Why `image` is not pinned, or `None` when it has a digest or a tag other than `latest`.
pub fn unpinned(image: &str) -> Option<String> {
    if image.contains("@sha256:") {
        return None;
    }
    // The tag follows the last `:` after the last `/` (a registry port is not a tag).
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        None => Some(format!("image `{image}` has no tag (it means `latest`)")),
        Some((_, "latest")) => Some(format!("image `{image}` uses the moving tag `latest`")),
        Some((_, "")) => Some(format!("image `{image}` has an empty tag")),
        Some(_) => None,
    }
}

pub const META_1: Rule = Rule {
    id: "META-1",
    title: "Every image is pinned: an explicit tag other than `latest`, or a digest.",
    stages: &[Compile],
    hint: "pin the image to a version tag (`repo:1.2.3`) or a digest (`repo@sha256:...`)",
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
    id: "META-2",
    title: "Names are DNS-1123 labels (at most 63 characters); the app carries app.kubernetes.io/name, app.kubernetes.io/part-of: vixens and vixens.io/elite: \"true\".",
    stages: &[Compile, Generator],
    hint: "use lowercase letters, digits and `-`, at most 63 characters",
    check: Some(|f, j| {
        if let Some(why) = dns1123_label_error(&f.name.value) {
            j.fail(&f.name.at, why);
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
            if let Some(why) = dns1123_label_error(&v.value) {
                j.fail(&v.at, format!("volume name: {why}"));
            }
        }
        for d in f.databases.iter().flatten() {
            if let Some(why) = dns1123_label_error(&d.name) {
                j.fail(&d.path.at, format!("database name: {why}"));
            }
        }
        for (key, want) in REQUIRED_LABELS {
            match (f.labels.value.get(key), want) {
                (None, _) => j.fail(&f.labels.at, format!("label `{key}` is missing")),
                (Some(v), Some(w)) if v != w => {
                    j.fail(&f.labels.at, format!("label `{key}` is `{v}`; it must be `{w}`"))
                }
                (Some(v), None) if v.is_empty() => j.fail(&f.labels.at, format!("label `{key}` is empty")),
                _ => {}
            }
        }
    }),
    cel: Some(meta_2_cel),
};

pub const META_3: Rule = Rule {
    id: "META-3",
    title: "`revisionHistoryLimit: 3`.",
    stages: &[Construction],
    hint: "the elite-standard component sets revisionHistoryLimit: 3",
    check: Some(|f, j| {
        if matches!(f.kind, WorkloadKind::Job | WorkloadKind::CronJob) {
            return;
        }
        if f.revision_history_limit.value != Some(3) {
            j.fail(
                &f.revision_history_limit.at,
                match f.revision_history_limit.value {
                    Some(n) => format!("revisionHistoryLimit is {n}; it must be 3"),
                    None => "revisionHistoryLimit is not set (the default is 10); it must be 3".into(),
                },
            );
        }
    }),
    cel: Some(meta_3_cel),
};

fn meta_1_cel() -> Vec<Cel> {
    vec![cel(
        "variables.containers.all(c, has(c.image) && (c.image.contains('@sha256:') || (c.image.matches('^(.*/)?[^/:]*:[^/]+$') && !c.image.matches('^(.*/)?[^/:]*:latest$'))))",
        "every image is pinned: a tag other than `latest`, or a digest",
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
        "object.kind in ['Job', 'CronJob'] || (has(object.spec.revisionHistoryLimit) && object.spec.revisionHistoryLimit == 3)",
        "revisionHistoryLimit is 3",
    )]
}
