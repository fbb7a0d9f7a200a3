//! Kubernetes objects of an app, built with k8s-openapi types (and hand-written structs for
//! custom resources), serialized through [`yaml`].
//!
//! k8s-openapi needs exactly one Kubernetes version feature, chosen by the final binary (a
//! library must not pick it). A tool that embeds the renderer adds, beside `elite-core`:
//!
//! ```toml
//! elite-core = { version = "0.1", features = ["render"] }
//! k8s-openapi = { version = "0.29", features = ["v1_34"] }
//! ```
//!
//! Then an app, built at run time, renders to the objects and YAML `cargo run` would write:
//!
//! ```
//! use elite_core::render::{render, yaml};
//! use elite_core::*;
//!
//! let app = AppBuilder::new("whoami", Category::Tools, "traefik/whoami:v1.10.1")
//!     .size(Size::Small)
//!     .priority(Priority::High)
//!     .runtime(Runtime::Go)
//!     .port("http", 80)
//!     .liveness(Probe::http("/health", "http"))
//!     .readiness(Probe::http("/health", "http"))
//!     .stateless("answers from memory")
//!     .build()?;
//! let objects = render(&app, &Platform::default(), Environment::Prod);
//! let deployment = objects.iter().find(|o| o.kind == "Deployment").unwrap();
//! assert_eq!(deployment.value["spec"]["template"]["spec"]["priorityClassName"], "vixens-high");
//! let text = yaml::file(&[&deployment.value])?;
//! assert!(text.contains("readOnlyRootFilesystem: true"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod argocd;
mod durability_config;
mod infisical;
pub mod isolation;
pub mod monitoring;
mod network;
pub mod policy;
pub mod workload;
pub mod yaml;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    NFSVolumeSource, ObjectReference, PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec,
    PersistentVolumeSpec, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use crate::facts::standard_labels;
use crate::model::{AppSpec, EnvValue, Environment, VolumeSource};
use crate::platform::{NFS_NOMINAL_CAPACITY, Platform};
use crate::pod::{self, names};

pub use durability_config::{litestream_yml, rclone_filter};
pub use infisical::InfisicalSecret;

/// A rendered Kubernetes object: its identity and its JSON value (what is serialized).
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    /// `apps/v1`, `v1`, `monitoring.coreos.com/v1`...
    pub api_version: String,
    /// `StatefulSet`, `Service`...
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`; `None` for cluster-scoped objects.
    pub namespace: Option<String>,
    /// The whole object, as it is written.
    pub value: serde_json::Value,
}

impl Object {
    /// Serializes a typed object (which must carry apiVersion, kind and metadata.name).
    pub fn new<T: Serialize>(typed: &T) -> Object {
        let value = serde_json::to_value(typed).expect("Kubernetes objects serialize to JSON");
        Object::from_value(value).expect("typed objects carry apiVersion, kind and metadata.name")
    }
    /// Wraps a JSON value; `None` if it lacks apiVersion, kind or metadata.name.
    pub fn from_value(value: serde_json::Value) -> Option<Object> {
        let s = |p: &str| value.pointer(p).and_then(|v| v.as_str()).map(str::to_owned);
        Some(Object {
            api_version: s("/apiVersion")?,
            kind: s("/kind")?,
            name: s("/metadata/name")?,
            namespace: s("/metadata/namespace"),
            value,
        })
    }
    /// `Kind/namespace/name`, the identity objects are compared and sorted by.
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.kind, self.namespace.as_deref().unwrap_or(""), self.name)
    }
}

/// Metadata of an app-owned object: name, namespace and the standard labels.
pub fn meta(app: &AppSpec, name: String) -> ObjectMeta {
    ObjectMeta {
        name: Some(name),
        namespace: Some(app.namespace().to_owned()),
        labels: Some(standard_labels(app)),
        ..Default::default()
    }
}

/// The label selector of the app's pods (workload, Service, PodDisruptionBudget, spread).
pub(crate) fn selector(app: &AppSpec) -> BTreeMap<String, String> {
    BTreeMap::from([("app.kubernetes.io/name".to_owned(), app.name.clone())])
}

/// Objects that do not depend on the environment (the base), complete: the workload as it is
/// after the shared components are applied.
pub fn render_base(app: &AppSpec, platform: &Platform) -> Vec<Object> {
    let plan = pod::plan(app);
    let mut out = vec![workload::workload(app, &plan)];
    out.extend(network::service(app));
    out.extend(network::pdb(app));
    for v in &app.volumes {
        match &v.source {
            VolumeSource::Pvc(pvc) => out.push(claim(
                app,
                &v.name,
                "ReadWriteOnce",
                pvc.storage_class.clone().unwrap_or_else(|| platform.storage_class.clone()),
                pvc.size.to_string(),
                None,
            )),
            VolumeSource::Nfs(nfs) => {
                // Pod Security "restricted" allows no inline NFS volume: the share is a
                // PersistentVolume bound to exactly this claim.
                let pv = nfs_volume_name(app, &v.name);
                out.push(Object::new(&PersistentVolume {
                    metadata: ObjectMeta {
                        name: Some(pv.clone()),
                        labels: Some(standard_labels(app)),
                        ..Default::default()
                    },
                    spec: Some(PersistentVolumeSpec {
                        capacity: Some(BTreeMap::from([("storage".to_owned(), Quantity(NFS_NOMINAL_CAPACITY.into()))])),
                        access_modes: Some(vec!["ReadWriteMany".into()]),
                        persistent_volume_reclaim_policy: Some("Retain".into()),
                        storage_class_name: Some(String::new()),
                        nfs: Some(NFSVolumeSource {
                            server: nfs.server.clone(),
                            path: nfs.path.clone(),
                            read_only: None,
                        }),
                        claim_ref: Some(ObjectReference {
                            namespace: Some(app.namespace().to_owned()),
                            name: Some(names::pvc(app, &v.name)),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }),
                    status: None,
                }));
                out.push(claim(app, &v.name, "ReadWriteMany", String::new(), NFS_NOMINAL_CAPACITY.into(), Some(pv)));
            }
            VolumeSource::EmptyDir(_) => {}
        }
    }
    out.push(isolation::service_account(app));
    out.extend(isolation::api_access(app));
    out.push(isolation::network_policy(app, platform));
    out.extend(durability_config::config_map(app));
    out.extend(monitoring::pod_monitor(app, &plan));
    out
}

/// The cluster-wide name of the PersistentVolume of an NFS volume: `<namespace>.<app>.<volume>`
/// (a DNS subdomain whose labels are the three names, so it is valid whatever their lengths).
pub fn nfs_volume_name(app: &AppSpec, volume: &str) -> String {
    format!("{}.{}.{volume}", app.namespace(), app.name)
}

/// The claim of a declared volume.
fn claim(
    app: &AppSpec,
    volume: &str,
    access: &str,
    storage_class: String,
    size: String,
    volume_name: Option<String>,
) -> Object {
    Object::new(&PersistentVolumeClaim {
        metadata: meta(app, names::pvc(app, volume)),
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec![access.into()]),
            storage_class_name: Some(storage_class),
            volume_name,
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([("storage".to_owned(), Quantity(size))])),
                ..Default::default()
            }),
            ..Default::default()
        }),
        status: None,
    })
}

/// Objects that differ per environment: the Ingress (host, issuer) and the InfisicalSecrets
/// (environment slug).
pub fn render_env(app: &AppSpec, platform: &Platform, env: Environment) -> Vec<Object> {
    let mut out = Vec::new();
    out.extend(network::ingress(app, platform, env));
    if pod::uses_s3(&app.durability) {
        out.push(infisical::infisical_secret(
            app,
            platform,
            env,
            names::s3_infisical_secret(app),
            names::s3_secret(app),
            "/shared/litestream".into(),
        ));
    }
    if app.env.iter().any(|e| matches!(e.value, EnvValue::Secret(_))) {
        out.push(infisical::infisical_secret(
            app,
            platform,
            env,
            names::app_secret(app),
            names::app_secret(app),
            format!("/apps/{}", platform.folder(app)),
        ));
    }
    out
}

/// Every object of `app` in `env`: what `kubectl kustomize apps/<folder>/overlays/<env>` builds.
pub fn render(app: &AppSpec, platform: &Platform, env: Environment) -> Vec<Object> {
    let mut out = render_base(app, platform);
    out.extend(render_env(app, platform, env));
    out
}

/// The Pod Security level of each namespace: "restricted", or "baseline" where a declared
/// exception of an app in it needs it.
pub fn namespace_levels(apps: &[AppSpec]) -> BTreeMap<String, crate::model::PssLevel> {
    let mut levels: BTreeMap<String, crate::model::PssLevel> = BTreeMap::new();
    levels.insert(crate::model::Category::Infra.as_str().to_owned(), crate::model::PssLevel::Restricted);
    for a in apps {
        let need = a.exceptions.iter().map(|e| e.kind.pss_level()).max().unwrap_or(crate::model::PssLevel::Restricted);
        let level = levels.entry(a.namespace().to_owned()).or_insert(need);
        *level = (*level).max(need);
    }
    levels
}

/// The namespaces the apps run in, and those the priority quotas go to: one Namespace object
/// each, applied before anything namespaced, labelled with its Pod Security level (enforced;
/// audited and warned at "restricted" everywhere, so a relaxed namespace still reports).
pub fn namespaces(apps: &[AppSpec]) -> Vec<Object> {
    use k8s_openapi::api::core::v1::Namespace;
    namespace_levels(apps)
        .into_iter()
        .map(|(ns, level)| {
            let labels = BTreeMap::from([
                ("app.kubernetes.io/part-of".to_owned(), "vixens".to_owned()),
                ("pod-security.kubernetes.io/enforce".to_owned(), level.as_str().to_owned()),
                ("pod-security.kubernetes.io/enforce-version".to_owned(), "latest".to_owned()),
                ("pod-security.kubernetes.io/audit".to_owned(), "restricted".to_owned()),
                ("pod-security.kubernetes.io/warn".to_owned(), "restricted".to_owned()),
            ]);
            Object::new(&Namespace {
                metadata: ObjectMeta { name: Some(ns), labels: Some(labels), ..Default::default() },
                spec: None,
                status: None,
            })
        })
        .collect()
}

/// The four PriorityClasses (PRIO-1).
pub fn priority_classes() -> Vec<Object> {
    use k8s_openapi::api::scheduling::v1::PriorityClass;
    crate::model::Priority::ALL
        .iter()
        .copied()
        .map(|p| {
            Object::new(&PriorityClass {
                metadata: ObjectMeta {
                    name: Some(p.class_name().into()),
                    labels: Some(BTreeMap::from([("app.kubernetes.io/part-of".to_owned(), "vixens".to_owned())])),
                    ..Default::default()
                },
                value: p.value(),
                global_default: Some(false),
                preemption_policy: Some("PreemptLowerPriority".into()),
                description: Some(p.description().into()),
            })
        })
        .collect()
}

/// Pods of one namespace that may run at vixens-critical.
pub const CRITICAL_PODS_PER_NAMESPACE: &str = "50";

/// One ResourceQuota per namespace allowed to run pods at vixens-critical (PRIO-3, PRIO-4): the
/// `infra` namespace, where MinIO, the backup target, runs, and the namespace of every core-infra
/// app. With the API server's ResourceQuota admission told that this class is a limited resource
/// (see `docs/priority-classes.md`), a namespace without such a quota cannot use the class at all.
pub fn critical_priority_quotas(apps: &[AppSpec]) -> Vec<Object> {
    use k8s_openapi::api::core::v1::{
        ResourceQuota, ResourceQuotaSpec, ScopeSelector, ScopedResourceSelectorRequirement,
    };
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
    let mut namespaces: std::collections::BTreeSet<&str> =
        apps.iter().filter(|a| a.role == crate::model::Role::CoreInfra).map(|a| a.namespace()).collect();
    namespaces.insert(crate::model::Category::Infra.as_str());
    let class = crate::model::Priority::Critical.class_name();
    namespaces
        .into_iter()
        .map(|ns| {
            Object::new(&ResourceQuota {
                metadata: ObjectMeta {
                    name: Some(class.to_owned()),
                    namespace: Some(ns.to_owned()),
                    labels: Some(BTreeMap::from([("app.kubernetes.io/part-of".to_owned(), "vixens".to_owned())])),
                    ..Default::default()
                },
                spec: Some(ResourceQuotaSpec {
                    hard: Some(BTreeMap::from([("pods".to_owned(), Quantity(CRITICAL_PODS_PER_NAMESPACE.into()))])),
                    scope_selector: Some(ScopeSelector {
                        match_expressions: Some(vec![ScopedResourceSelectorRequirement {
                            scope_name: "PriorityClass".into(),
                            operator: "In".into(),
                            values: Some(vec![class.to_owned()]),
                        }]),
                    }),
                    ..Default::default()
                }),
                status: None,
            })
        })
        .collect()
}
