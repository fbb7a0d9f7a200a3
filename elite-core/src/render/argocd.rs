//! ArgoCD Applications (argoproj.io/v1alpha1), written by hand from the CRD: one per app and
//! environment, one per cluster-wide folder, and an app-of-apps root per environment.
//!
//! Each environment is its own cluster with its own ArgoCD (the document's multi-cluster,
//! trunk-based setup): every Application targets the cluster it runs in, from the `main` branch.
//! Sync waves order what the root creates: priority classes first, then policies and alerts,
//! then core infrastructure (MinIO, the S3 target), then the other apps.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use super::Object;
use crate::model::{AppSpec, Environment, Role};
use crate::platform::Platform;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Application {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: ApplicationSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ApplicationSpec {
    project: &'static str,
    source: Source,
    destination: Destination,
    sync_policy: SyncPolicy,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Source {
    #[serde(rename = "repoURL")]
    repo_url: String,
    target_revision: String,
    path: String,
}

#[derive(Serialize)]
struct Destination {
    server: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SyncPolicy {
    automated: Automated,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sync_options: Vec<&'static str>,
    retry: Retry,
}

/// Retries of a failed sync, with backoff: a wave whose prerequisites are still coming up
/// (a CRD, a webhook) is tried again instead of stalling the root.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Retry {
    limit: i64,
    backoff: Backoff,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Backoff {
    duration: &'static str,
    factor: i64,
    max_duration: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Automated {
    prune: bool,
    self_heal: bool,
}

/// The namespace ArgoCD runs in, where Applications live.
pub const ARGOCD_NAMESPACE: &str = "argocd";
/// The in-cluster API server: each environment's ArgoCD deploys to its own cluster.
const IN_CLUSTER: &str = "https://kubernetes.default.svc";

/// The sync wave of what an Application deploys: lower first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Wave {
    /// The namespaces of every app and quota: everything namespaced comes after them.
    Namespaces = -40,
    /// PriorityClasses and their quotas: every pod names one.
    PriorityClasses = -30,
    /// Kyverno policies and Prometheus rules: in place before the workloads they judge.
    Policies = -20,
    /// Core infrastructure (MinIO: every restore step reads it).
    CoreInfra = -10,
    /// The other apps.
    Apps = 0,
}

impl Wave {
    /// The wave of `app`.
    pub fn of(app: &AppSpec) -> Wave {
        if app.role == Role::CoreInfra { Wave::CoreInfra } else { Wave::Apps }
    }
}

/// The finalizer that makes ArgoCD delete an Application's resources with it.
pub const RESOURCES_FINALIZER: &str = "resources-finalizer.argocd.argoproj.io";

fn application(
    platform: &Platform,
    env: Environment,
    name: String,
    path: String,
    namespace: Option<String>,
    wave: Option<Wave>,
) -> Object {
    let annotations =
        wave.map(|w| BTreeMap::from([("argocd.argoproj.io/sync-wave".to_owned(), (w as i32).to_string())]));
    // Child Applications delete what they deployed when they are removed; the root does not
    // (removing it must not take the cluster down).
    let finalizers = wave.map(|_| vec![RESOURCES_FINALIZER.to_owned()]);
    Object::new(&Application {
        api_version: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: ObjectMeta {
            name: Some(name),
            namespace: Some(ARGOCD_NAMESPACE.into()),
            annotations,
            finalizers,
            labels: Some(BTreeMap::from([("app.kubernetes.io/part-of".to_owned(), "vixens".to_owned())])),
            ..Default::default()
        },
        spec: ApplicationSpec {
            project: "default",
            source: Source {
                repo_url: platform.git_repo_url.clone(),
                target_revision: platform.revision(env).to_owned(),
                path: if platform.apps_dir.is_empty() { path } else { format!("{}/{path}", platform.apps_dir) },
            },
            sync_policy: SyncPolicy {
                automated: Automated { prune: true, self_heal: true },
                // Namespaces are objects of the first wave (`_shared/namespaces`), not created here.
                sync_options: Vec::new(),
                retry: Retry { limit: 10, backoff: Backoff { duration: "10s", factor: 2, max_duration: "5m" } },
            },
            destination: Destination { server: IN_CLUSTER, namespace },
        },
    })
}

/// The Application of `app` in `env`, deploying its overlay to its namespace.
pub fn app_application(platform: &Platform, app: &AppSpec, env: Environment) -> Object {
    application(
        platform,
        env,
        app.name.clone(),
        format!("{}/overlays/{}", platform.folder(app), env.as_str()),
        Some(app.namespace().to_owned()),
        Some(Wave::of(app)),
    )
}

/// The Application of a cluster-wide folder (`_shared/...`), whose objects name their namespaces.
pub fn shared_application(platform: &Platform, env: Environment, name: &str, dir: &str, wave: Wave) -> Object {
    application(platform, env, name.to_owned(), dir.to_owned(), None, Some(wave))
}

/// The app-of-apps root of `env`: it syncs the folder of that environment's Applications.
/// Applied once by hand to bootstrap a cluster; ArgoCD keeps everything else.
pub fn root_application(platform: &Platform, env: Environment, dir: &str) -> Object {
    application(platform, env, format!("vixens-{}", env.as_str()), dir.to_owned(), None, None)
}
