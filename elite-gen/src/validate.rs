//! Checks a set of apps before anything is written: every catalog rule on every app, and the
//! rules that need all apps at once (unique names, unique S3 prefixes: DUR-5).

use std::collections::BTreeMap;

use elite_core::names::dns1123_label_error;
use elite_core::pod::names;
use elite_core::rules::check_app;
use elite_core::AppSpec;

/// One problem with the app set: the app, the rule (or `DECL` for a malformed declaration),
/// and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub app: String,
    pub rule: String,
    pub at: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "app `{}`: [{}] {} (at `{}`)", self.app, self.rule, self.message, self.at)
    }
}

/// Every problem of `apps`, sorted; empty when the set can be generated.
pub fn validate(apps: &[AppSpec]) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut p = |app: &str, rule: &str, at: &str, message: String| {
        out.push(Problem { app: app.into(), rule: rule.into(), at: at.into(), message })
    };
    let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
    let mut prefixes: BTreeMap<String, &str> = BTreeMap::new();
    for app in apps {
        *by_name.entry(&app.name).or_default() += 1;
        for v in check_app(app) {
            p(&app.name, v.rule, &v.at.0, v.message);
        }
        if let Some(why) = dns1123_label_error(app.namespace()) {
            p(&app.name, "META-2", "namespace", format!("namespace: {why}"));
        }
        for v in &app.volumes {
            if let Some(why) = dns1123_label_error(&v.name) {
                p(&app.name, "META-2", "volumes", format!("volume name: {why}"));
            }
        }
        for d in app.durability.databases() {
            if let Some(why) = dns1123_label_error(&d.name) {
                p(&app.name, "META-2", "databases", format!("database name: {why}"));
            }
        }
        if let Some(ing) = &app.ingress {
            if !app.ports.iter().any(|port| port.name == ing.port) {
                p(&app.name, "DECL", "ingress", format!("the ingress targets port `{}`, which the app does not declare", ing.port));
            }
        }
        if let Some(sync) = app.durability.config_sync() {
            if !app.volumes.iter().any(|v| elite_core::path_is_under(&sync.dir, &v.mount_path)) {
                p(&app.name, "DUR-3", "config_sync", format!("the synced directory {} is not inside a volume of the app", sync.dir));
            }
        }
        if elite_core::pod::uses_s3(&app.durability) {
            let prefix = names::s3_prefix(app);
            if let Some(other) = prefixes.insert(prefix.clone(), &app.name) {
                p(&app.name, "DUR-5", "name", format!("S3 prefix `{prefix}` is also used by app `{other}`"));
            }
        }
    }
    for (name, n) in by_name {
        if n > 1 {
            p(name, "META-2", "name", format!("{n} apps are named `{name}`; app names must be unique"));
        }
    }
    out.sort();
    out.dedup();
    out
}
