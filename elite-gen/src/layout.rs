//! The Kustomize tree: what file holds what. Paths are relative to the output folder (`apps/`).
//!
//! The workload in memory is complete. In the tree, the parts every app shares live in the
//! components of `_shared/components/` and reach each workload through strategic-merge patches
//! matched by literal container names (`litestream`, `restore-db`, ...) on workloads labelled
//! `vixens.io/elite=true`; the per-app parts (environment, Secret, mounts) stay in the base.
//! Nothing positional, no name patterns, no undefined variables.
//!
//! The tree depends on the set of apps, not on their order: they are sorted here.

use std::collections::BTreeMap;

use elite_core::platform::{
    EXCEPTIONS_APPLICATION, MONITORING_APPLICATION, NAMESPACES_APPLICATION, POLICIES_APPLICATION,
    PRIORITY_CLASSES_APPLICATION,
};
use elite_core::pod::{self, Component, ContainerRole};
use elite_core::render::argocd::{self, Wave};
use elite_core::render::yaml::{self, YamlWriteError};
use elite_core::render::{self, Object, workload};
use elite_core::{AppSpec, Environment, Platform};
use serde::Serialize;
use serde_json::{Value, json};

/// The generated files: relative path → content.
pub type Tree = BTreeMap<String, String>;

/// Folder of the shared components, relative to the output folder.
pub const COMPONENTS_DIR: &str = "_shared/components";
/// Folder of the Namespaces.
pub const NAMESPACES_DIR: &str = "_shared/namespaces";
/// Folder of the PriorityClasses.
pub const PRIORITY_CLASSES_DIR: &str = "_shared/priority-classes";
/// Folder of the durability alerts (PrometheusRule).
pub const MONITORING_DIR: &str = "_shared/monitoring";
/// Folder of the Kyverno ClusterPolicies generated from the rule catalog.
pub const POLICIES_DIR: &str = "_shared/policies";
/// Folder of the Kyverno PolicyExceptions of the declared exceptions: the granted list.
pub const EXCEPTIONS_DIR: &str = "_shared/exceptions";
/// Folder of the ArgoCD Applications, one subfolder per environment.
pub const ARGOCD_DIR: &str = "_argocd";

/// Why the tree could not be laid out.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    /// An object could not be written as YAML.
    #[error("{path}: {source}")]
    Yaml {
        /// The file.
        path: String,
        /// The error.
        #[source]
        source: YamlWriteError,
    },
    /// Two files would have one path (two objects with one kind and name in one folder).
    #[error("two generated files have the path {0}")]
    Collision(String),
}

/// A cluster-wide folder: a Kustomization with its own ArgoCD Application.
pub struct SharedDir {
    /// The folder.
    pub dir: &'static str,
    /// Name of its ArgoCD Application.
    pub application: &'static str,
    /// When it is synced.
    pub wave: Wave,
    /// Its objects.
    pub objects: Vec<Object>,
}

/// The cluster-wide folders, with their objects.
pub fn shared_dirs(apps: &[AppSpec], platform: &Platform) -> Vec<SharedDir> {
    let mut priority = render::priority_classes();
    priority.extend(render::critical_priority_quotas(apps));
    vec![
        SharedDir {
            dir: NAMESPACES_DIR,
            application: NAMESPACES_APPLICATION,
            wave: Wave::Namespaces,
            objects: render::namespaces(apps),
        },
        SharedDir {
            dir: PRIORITY_CLASSES_DIR,
            application: PRIORITY_CLASSES_APPLICATION,
            wave: Wave::PriorityClasses,
            objects: priority,
        },
        SharedDir {
            dir: MONITORING_DIR,
            application: MONITORING_APPLICATION,
            wave: Wave::Policies,
            objects: vec![render::monitoring::prometheus_rule(platform)],
        },
        SharedDir {
            dir: POLICIES_DIR,
            application: POLICIES_APPLICATION,
            wave: Wave::Policies,
            objects: render::policy::cluster_policies(platform.policy_action),
        },
        SharedDir {
            dir: EXCEPTIONS_DIR,
            application: EXCEPTIONS_APPLICATION,
            wave: Wave::Policies,
            objects: render::policy::policy_exceptions(apps, platform),
        },
    ]
}

/// The Applications of `env`: the shared folders, then every app deployed there.
pub fn applications(apps: &[AppSpec], shared: &[SharedDir], platform: &Platform, env: Environment) -> Vec<Object> {
    let mut out: Vec<Object> =
        shared.iter().map(|s| argocd::shared_application(platform, env, s.application, s.dir, s.wave)).collect();
    out.extend(
        apps.iter().filter(|a| a.environments.contains(&env)).map(|a| argocd::app_application(platform, a, env)),
    );
    out
}

/// The folder of `env`'s Applications, and the file of its app-of-apps root.
pub fn argocd_paths(env: Environment) -> (String, String) {
    (format!("{ARGOCD_DIR}/{}", env.as_str()), format!("{ARGOCD_DIR}/root-{}.yaml", env.as_str()))
}

/// A kustomization.yaml (Kustomization or Component).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kustomization {
    api_version: &'static str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    resources: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    components: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    patches: Vec<Patch>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Patch {
    target: Target,
    patch: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Target {
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    label_selector: String,
}

fn kustomization(resources: Vec<String>, components: Vec<String>) -> Kustomization {
    Kustomization {
        api_version: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        resources,
        components,
        patches: Vec::new(),
    }
}

/// File name of an object: `<kind>-<name>.yaml`, lowercase.
pub fn file_name(o: &Object) -> String {
    format!("{}-{}.yaml", o.kind.to_ascii_lowercase(), o.name)
}

/// File name of a cluster-wide object: `<kind>-<namespace>-<name>.yaml` when namespaced (the
/// shared folders hold objects of several namespaces), lowercase.
pub fn shared_file_name(o: &Object) -> String {
    match &o.namespace {
        Some(ns) => format!("{}-{ns}-{}.yaml", o.kind.to_ascii_lowercase(), o.name),
        None => file_name(o),
    }
}

/// Files as they are laid out, before they are gathered into the [`Tree`].
type Files = Vec<(String, String)>;

fn put<T: Serialize>(files: &mut Files, path: String, docs: &[T]) -> Result<(), LayoutError> {
    let content = yaml::file(docs).map_err(|source| LayoutError::Yaml { path: path.clone(), source })?;
    files.push((path, content));
    Ok(())
}

/// A folder of objects, one file each (named by `name`), and the kustomization.yaml listing them.
fn put_folder(
    files: &mut Files,
    dir: &str,
    objects: &[Object],
    name: fn(&Object) -> String,
) -> Result<(), LayoutError> {
    for o in objects {
        put(files, format!("{dir}/{}", name(o)), &[&o.value])?;
    }
    put(files, format!("{dir}/kustomization.yaml"), &[kustomization(objects.iter().map(name).collect(), Vec::new())])
}

/// The shared part of a durability container, as the component patches it in.
fn shared_container(role: ContainerRole) -> k8s_openapi::api::core::v1::Container {
    workload::split_container(workload::container(&pod::shared_container(role))).1
}

/// The strategic-merge patch a component applies to every Elite workload.
pub fn component_patch(c: Component) -> Value {
    let init = workload::component_roles(c);
    let mut spec = serde_json::Map::new();
    let mut template_spec = serde_json::Map::new();
    if c == Component::Standard {
        let (security, grace) = workload::standard_pod_fields();
        spec.insert("revisionHistoryLimit".into(), json!(workload::REVISION_HISTORY_LIMIT));
        template_spec.insert("securityContext".into(), serde_json::to_value(security).unwrap_or_default());
        template_spec.insert("terminationGracePeriodSeconds".into(), json!(grace));
    }
    let list = |roles: &[ContainerRole]| -> Value {
        Value::Array(roles.iter().map(|r| serde_json::to_value(shared_container(*r)).unwrap_or_default()).collect())
    };
    if !init.is_empty() {
        template_spec.insert("initContainers".into(), list(init));
    }
    spec.insert("template".into(), json!({ "spec": template_spec }));
    json!({ "apiVersion": "apps/v1", "kind": "Deployment", "metadata": { "name": c.dir() }, "spec": spec })
}

/// The base form of a complete workload: what the components add is taken out.
pub fn base_workload(mut w: Value) -> Value {
    if let Some(spec) = w["spec"].as_object_mut() {
        spec.remove("revisionHistoryLimit");
    }
    if let Some(pod) = w["spec"]["template"]["spec"].as_object_mut() {
        pod.remove("securityContext");
        pod.remove("terminationGracePeriodSeconds");
        for list in ["initContainers", "containers"] {
            let Some(Value::Array(containers)) = pod.get_mut(list) else { continue };
            for c in containers.iter_mut() {
                let shared = c["name"].as_str().and_then(ContainerRole::of_name).is_some_and(workload::is_shared);
                if shared && let Some(obj) = c.as_object_mut() {
                    let keep = ["name", "env", "envFrom", "volumeMounts"];
                    obj.retain(|k, _| keep.contains(&k.as_str()));
                }
            }
        }
    }
    w
}

fn component_file(c: Component) -> Result<Kustomization, LayoutError> {
    let patch =
        yaml::to_yaml(&component_patch(c)).map_err(|source| LayoutError::Yaml { path: c.dir().into(), source })?;
    let patches = ["Deployment", "StatefulSet"]
        .into_iter()
        .map(|kind| Patch {
            target: Target {
                group: "apps",
                version: "v1",
                kind,
                label_selector: format!("{}=true", elite_core::platform::ELITE_LABEL),
            },
            patch: patch.replacen("kind: Deployment", &format!("kind: {kind}"), 1),
        })
        .collect();
    Ok(Kustomization {
        api_version: "kustomize.config.k8s.io/v1alpha1",
        kind: "Component",
        resources: Vec::new(),
        components: Vec::new(),
        patches,
    })
}

/// Relative path from an app's `base/` to the output root.
fn to_root(folder: &str) -> String {
    "../".repeat(folder.split('/').count() + 1)
}

/// `apps` sorted by category and name: the tree does not depend on their order.
pub fn sorted(apps: &[AppSpec]) -> Vec<AppSpec> {
    let mut apps = apps.to_vec();
    apps.sort_by(|a, b| (a.category, &a.name).cmp(&(b.category, &b.name)));
    apps
}

/// Lays out the whole tree for `apps` (in any order); apps are rendered in parallel.
pub fn tree(apps: &[AppSpec], platform: &Platform) -> Result<Tree, LayoutError> {
    let apps = sorted(apps);
    let mut files = Files::new();
    for c in Component::ALL {
        put(&mut files, format!("{COMPONENTS_DIR}/{}/kustomization.yaml", c.dir()), &[component_file(c)?])?;
    }
    let shared = shared_dirs(&apps, platform);
    for SharedDir { dir, objects, .. } in &shared {
        put_folder(&mut files, dir, objects, shared_file_name)?;
    }
    for env in Environment::ALL {
        let (dir, root) = argocd_paths(*env);
        // Applications all live in the argocd namespace: named by app alone.
        put_folder(&mut files, &dir, &applications(&apps, &shared, platform, *env), file_name)?;
        put(&mut files, root, &[&argocd::root_application(platform, *env, &dir).value])?;
    }
    for app_files in crate::parallel::map(&apps, |app| app_files(app, platform)) {
        files.extend(app_files?);
    }
    let mut t = Tree::new();
    for (path, content) in files {
        if t.insert(path.clone(), content).is_some() {
            return Err(LayoutError::Collision(path));
        }
    }
    Ok(t)
}

/// The files of one app: its base and an overlay per environment.
fn app_files(app: &AppSpec, platform: &Platform) -> Result<Files, LayoutError> {
    let mut files = Files::new();
    let dir = platform.folder(app);
    let plan = pod::plan(app);
    let mut resources = Vec::new();
    for o in render::render_base(app, platform) {
        let name = file_name(&o);
        let value = if o.kind == "Deployment" || o.kind == "StatefulSet" { base_workload(o.value) } else { o.value };
        put(&mut files, format!("{dir}/base/{name}"), &[value])?;
        resources.push(name);
    }
    let components = plan.components.iter().map(|c| format!("{}{COMPONENTS_DIR}/{}", to_root(&dir), c.dir())).collect();
    put(&mut files, format!("{dir}/base/kustomization.yaml"), &[kustomization(resources, components)])?;
    for env in &app.environments {
        let mut resources = vec!["../../base".to_owned()];
        for o in render::render_env(app, platform, *env) {
            let name = file_name(&o);
            put(&mut files, format!("{dir}/overlays/{}/{name}", env.as_str()), &[&o.value])?;
            resources.push(name);
        }
        put(
            &mut files,
            format!("{dir}/overlays/{}/kustomization.yaml", env.as_str()),
            &[kustomization(resources, Vec::new())],
        )?;
    }
    Ok(files)
}

/// Overlay folders of `app`, relative to the output root, with their environment.
pub fn overlays(app: &AppSpec, platform: &Platform) -> Vec<(Environment, String)> {
    app.environments.iter().map(|e| (*e, format!("{}/overlays/{}", platform.folder(app), e.as_str()))).collect()
}
