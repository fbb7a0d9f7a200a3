//! The rules that need every app at once: unique names (META-2), unique S3 prefixes (DUR-5),
//! unique Ingress hosts, hosts the platform's domain keeps valid, and connections between apps
//! that both NetworkPolicies allow (DECL).

use std::collections::BTreeMap;

use super::{Door, RuleId, Violation};
use crate::model::{AppSpec, Environment};
use crate::names::{self, Format};
use crate::platform::Platform;
use crate::pod::{self, names as pod_names};
use crate::pointer;

/// A violation of one app of a set.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AppViolation {
    /// The app's name.
    pub app: String,
    /// What is wrong.
    pub violation: Violation,
}

impl std::fmt::Display for AppViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "app `{}`: {}", self.app, self.violation)
    }
}

impl std::error::Error for AppViolation {}

/// Every problem of the set of `apps` that no single app shows, sorted.
pub fn check_set(apps: &[AppSpec], platform: &Platform, door: Door) -> Vec<AppViolation> {
    let mut out = Vec::new();
    let mut fail = |app: &AppSpec, rule: RuleId, at: crate::pointer::Pointer, message: String| {
        out.push(AppViolation { app: app.name.clone(), violation: Violation { rule, check: None, at, message, door } })
    };
    let mut by_name: BTreeMap<&str, Vec<&AppSpec>> = BTreeMap::new();
    let mut prefixes: BTreeMap<String, &str> = BTreeMap::new();
    let mut hosts: BTreeMap<String, &str> = BTreeMap::new();
    for app in apps {
        by_name.entry(&app.name).or_default().push(app);
        if pod::uses_s3(&app.durability) {
            let prefix = pod_names::s3_prefix(app);
            if let Some(other) = prefixes.insert(prefix.clone(), &app.name) {
                fail(
                    app,
                    RuleId::Dur5,
                    pointer!("name"),
                    format!("S3 prefix `{prefix}` is also used by app `{other}`"),
                );
            }
        }
        for env in Environment::ALL {
            let Some(host) = platform.host(app, *env) else { continue };
            if let Err(e) = Format::Dns1123Subdomain.check(&host) {
                fail(
                    app,
                    RuleId::Decl,
                    pointer!("ingress", "subdomain"),
                    format!("the {} host `{}` is not a DNS-1123 subdomain: {e}", env.as_str(), names::printable(&host)),
                );
            } else if let Some(label) = host.split('.').find(|l| l.len() > 63) {
                fail(
                    app,
                    RuleId::Decl,
                    pointer!("ingress", "subdomain"),
                    format!("the {} host `{host}` has the label `{label}`, longer than 63 characters", env.as_str()),
                );
            }
            if let Some(other) = hosts.insert(host.clone(), &app.name)
                && other != app.name
            {
                fail(
                    app,
                    RuleId::Decl,
                    pointer!("ingress", "subdomain"),
                    format!("the {} host `{host}` is also app `{other}`'s", env.as_str()),
                );
            }
        }
        if !platform.categories.contains_key(&app.category) {
            fail(
                app,
                RuleId::Decl,
                pointer!("category"),
                format!("category {} has no folder in the platform file", app.category),
            );
        }
    }
    // A connection one app declares to another of the set is blocked unless the other allows
    // it: both NetworkPolicies must say so. A durable app's S3 endpoint counts as declared.
    for app in apps {
        let mut wanted: Vec<(crate::model::Access, crate::pointer::Pointer, String)> = app
            .egress
            .iter()
            .enumerate()
            .map(|(i, a)| (a.clone(), pointer!("egress", i), format!("egress `{a}`")))
            .collect();
        if pod::uses_s3(&app.durability) {
            wanted.push((
                platform.s3.clone(),
                pointer!("durability"),
                format!("its S3 endpoint `{}` (replication and restore)", platform.s3),
            ));
        }
        for (access, at, what) in wanted {
            let crate::model::Peer::App { namespace, name } = &access.peer else { continue };
            let Some(target) = apps.iter().find(|b| b.namespace() == namespace && &b.name == name) else { continue };
            let allowed = target
                .allow_from
                .iter()
                .any(|r| r.peer.covers_app(app.namespace(), &app.name) && r.allows_ports(&access.ports));
            if !allowed {
                fail(
                    app,
                    RuleId::Decl,
                    at,
                    format!(
                        "{what} reaches app `{}`, whose `allow_from` does not let `{}/{}` in on {}: its NetworkPolicy would drop the connection",
                        target.name,
                        app.namespace(),
                        app.name,
                        if access.ports.is_empty() {
                            "every port".to_owned()
                        } else {
                            access.ports.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
                        }
                    ),
                );
            }
        }
    }
    for (name, same) in by_name {
        if same.len() > 1 {
            for app in same {
                fail(
                    app,
                    RuleId::Meta2,
                    pointer!("name"),
                    format!(
                        "{} apps are named `{name}`; app names must be unique (they name ArgoCD Applications)",
                        by_name_len(apps, name)
                    ),
                );
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn by_name_len(apps: &[AppSpec], name: &str) -> usize {
    apps.iter().filter(|a| a.name == name).count()
}
