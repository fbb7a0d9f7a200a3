//! Kubernetes objects of an app, built with k8s-openapi types (and hand-written structs for
//! custom resources), serialized through [`yaml`].

pub mod argocd;
mod durability_config;
mod infisical;
pub mod monitoring;
mod network;
pub mod policy;
pub mod workload;
pub mod yaml;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use crate::facts::standard_labels;
use crate::model::{AppSpec, EnvValue, Environment, VolumeSource};
use crate::platform::Platform;
use crate::pod::{self, names};

pub use durability_config::{litestream_yml, rclone_filter};
pub use infisical::InfisicalSecret;

/// A rendered Kubernetes object: its identity and its JSON value (what is serialized).
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
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
        if let VolumeSource::Pvc { size_gi, storage_class } = &v.source {
            out.push(Object::new(&PersistentVolumeClaim {
                metadata: meta(app, names::pvc(app, &v.name)),
                spec: Some(k8s_openapi::api::core::v1::PersistentVolumeClaimSpec {
                    access_modes: Some(vec!["ReadWriteOnce".into()]),
                    storage_class_name: Some(storage_class.clone().unwrap_or_else(|| platform.storage_class.clone())),
                    resources: Some(k8s_openapi::api::core::v1::VolumeResourceRequirements {
                        requests: Some(BTreeMap::from([(
                            "storage".to_owned(),
                            k8s_openapi::apimachinery::pkg::api::resource::Quantity(format!("{size_gi}Gi")),
                        )])),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                status: None,
            }));
        }
    }
    out.extend(durability_config::config_map(app));
    out.extend(monitoring::pod_monitor(app, &plan));
    out
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
            format!("{}-s3", app.name),
            names::s3_secret(app),
            "/shared/litestream".into(),
        ));
    }
    if app.env.iter().any(|e| matches!(e.value, EnvValue::Secret(_))) {
        out.push(infisical::infisical_secret(
            app,
            platform,
            env,
            format!("{}-secrets", app.name),
            names::app_secret(app),
            format!("/apps/{}", app.folder()),
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

/// The four PriorityClasses (PRIO-1).
pub fn priority_classes() -> Vec<Object> {
    use k8s_openapi::api::scheduling::v1::PriorityClass;
    crate::model::Priority::ALL
        .into_iter()
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
