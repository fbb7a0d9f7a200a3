//! The Kustomize tree: what file holds what. Paths are relative to the output folder (`apps/`).
//!
//! The workload in memory is complete. In the tree, the parts every app shares live in the
//! components of `_shared/components/` and reach each workload through strategic-merge patches
//! matched by literal container names (`litestream`, `restore-db`, ...) on workloads labelled
//! `vixens.io/elite=true`; the per-app parts (environment, Secret, mounts) stay in the base.
//! Nothing positional, no name patterns, no undefined variables.

use std::collections::BTreeMap;

use elite_core::pod::{self, Component, ContainerRole};
use elite_core::render::argocd::{self, Wave};
use elite_core::render::{self, Object, workload, yaml};
use elite_core::{AppSpec, Environment, Platform};
use serde::Serialize;
use serde_json::{Value, json};

/// The generated files: relative path → content.
pub type Tree = BTreeMap<String, String>;

/// Folder of the shared components, relative to the output folder.
pub const COMPONENTS_DIR: &str = "_shared/components";
/// Folder of the PriorityClasses.
pub const PRIORITY_CLASSES_DIR: &str = "_shared/priority-classes";
/// Folder of the durability alerts (PrometheusRule).
pub const MONITORING_DIR: &str = "_shared/monitoring";
/// Folder of the Kyverno ClusterPolicies generated from the rule catalog.
pub const POLICIES_DIR: &str = "_shared/policies";

/// Folder of the ArgoCD Applications, one subfolder per environment.
pub const ARGOCD_DIR: &str = "_argocd";

/// A cluster-wide folder: a Kustomization with its own ArgoCD Application.
pub struct SharedDir {
    pub dir: &'static str,
    /// Name of its ArgoCD Application.
    pub application: &'static str,
    pub wave: Wave,
    pub objects: Vec<Object>,
}

/// The cluster-wide folders, with their objects.
pub fn shared_dirs(apps: &[AppSpec], platform: &Platform) -> Vec<SharedDir> {
    let mut priority = render::priority_classes();
    priority.extend(render::critical_priority_quotas(apps));
    vec![
        SharedDir {
            dir: PRIORITY_CLASSES_DIR,
            application: "vixens-priority-classes",
            wave: Wave::PriorityClasses,
            objects: priority,
        },
        SharedDir {
            dir: MONITORING_DIR,
            application: "vixens-monitoring",
            wave: Wave::Policies,
            objects: vec![render::monitoring::prometheus_rule(platform)],
        },
        SharedDir {
            dir: POLICIES_DIR,
            application: "vixens-policies",
            wave: Wave::Policies,
            objects: render::policy::cluster_policies(platform.policy_action),
        },
    ]
}

/// The Applications of `env`: the shared folders, then every app deployed there.
pub fn applications(apps: &[AppSpec], platform: &Platform, env: Environment) -> Vec<Object> {
    let mut out: Vec<Object> = shared_dirs(apps, platform)
        .iter()
        .map(|s| argocd::shared_application(platform, s.application, s.dir, s.wave))
        .collect();
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

/// A folder of objects, one file each (named by `name`), and the kustomization.yaml listing them.
fn put_folder(tree: &mut Files, dir: &str, objects: &[Object], name: fn(&Object) -> String) -> Result<(), String> {
    for o in objects {
        put(tree, format!("{dir}/{}", name(o)), &[&o.value])?;
    }
    put(tree, format!("{dir}/kustomization.yaml"), &[kustomization(objects.iter().map(name).collect(), Vec::new())])
}

/// Files as they are laid out, before they are gathered into the [`Tree`].
type Files = Vec<(String, String)>;

fn put<T: Serialize>(files: &mut Files, path: String, docs: &[T]) -> Result<(), String> {
    let content = yaml::file(docs).map_err(|e| format!("{path}: {e}"))?;
    files.push((path, content));
    Ok(())
}

/// The shared part of a durability container, as the component patches it in.
fn shared_container(role: ContainerRole) -> k8s_openapi::api::core::v1::Container {
    workload::split_container(workload::container("", &pod::shared_container(role))).1
}

/// The strategic-merge patch a component applies to every Elite workload.
pub fn component_patch(c: Component) -> Value {
    let init = workload::component_roles(c);
    let mut spec = serde_json::Map::new();
    let mut template_spec = serde_json::Map::new();
    if c == Component::Standard {
        let (security, grace) = workload::standard_pod_fields();
        spec.insert("revisionHistoryLimit".into(), json!(workload::REVISION_HISTORY_LIMIT));
        template_spec.insert("securityContext".into(), serde_json::to_value(security).expect("serializes"));
        template_spec.insert("terminationGracePeriodSeconds".into(), json!(grace));
    }
    let list = |roles: &[ContainerRole]| -> Value {
        Value::Array(roles.iter().map(|r| serde_json::to_value(shared_container(*r)).expect("serializes")).collect())
    };
    if !init.is_empty() {
        template_spec.insert("initContainers".into(), list(init));
    }
    spec.insert("template".into(), json!({ "spec": template_spec }));
    json!({ "apiVersion": "apps/v1", "kind": "Deployment", "metadata": { "name": c.dir() }, "spec": spec })
}

/// The base form of a complete workload: what the components add is taken out.
pub fn base_workload(mut w: Value) -> Value {
    let spec = w["spec"].as_object_mut().expect("workload spec");
    spec.remove("revisionHistoryLimit");
    let pod = spec["template"]["spec"].as_object_mut().expect("pod spec");
    pod.remove("securityContext");
    pod.remove("terminationGracePeriodSeconds");
    for list in ["initContainers", "containers"] {
        let Some(Value::Array(containers)) = pod.get_mut(list) else {
            continue;
        };
        for c in containers.iter_mut() {
            let shared = c["name"].as_str().and_then(ContainerRole::of_name).is_some_and(workload::is_shared);
            if shared {
                let keep = ["name", "env", "envFrom", "volumeMounts"];
                c.as_object_mut().expect("container").retain(|k, _| keep.contains(&k.as_str()));
            }
        }
    }
    w
}

fn component_file(c: Component) -> Result<Kustomization, String> {
    let patch = yaml::to_yaml(&component_patch(c))?;
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
fn to_root(app: &AppSpec) -> String {
    "../".repeat(app.folder().split('/').count() + 1)
}

/// Lays out the whole tree for `apps`; apps are rendered in parallel, one thread per core.
pub fn tree(apps: &[AppSpec], platform: &Platform) -> Result<Tree, String> {
    let mut files = Files::new();
    for c in Component::ALL {
        put(&mut files, format!("{COMPONENTS_DIR}/{}/kustomization.yaml", c.dir()), &[component_file(c)?])?;
    }
    for SharedDir { dir, objects, .. } in shared_dirs(apps, platform) {
        put_folder(&mut files, dir, &objects, shared_file_name)?;
    }
    for env in Environment::ALL {
        let (dir, root) = argocd_paths(*env);
        // Applications all live in the argocd namespace: named by app alone.
        put_folder(&mut files, &dir, &applications(apps, platform, *env), file_name)?;
        put(&mut files, root, &[&argocd::root_application(platform, *env, &dir).value])?;
    }
    for app_files in crate::parallel::map(apps, |app| app_files(app, platform)) {
        files.extend(app_files?);
    }
    let mut t = Tree::new();
    for (path, content) in files {
        if t.insert(path.clone(), content).is_some() {
            return Err(format!("two generated files have the path {path}"));
        }
    }
    Ok(t)
}

/// The files of one app: its base and an overlay per environment.
fn app_files(app: &AppSpec, platform: &Platform) -> Result<Files, String> {
    let mut files = Files::new();
    let dir = app.folder();
    let plan = pod::plan(app);
    let mut resources = Vec::new();
    for o in render::render_base(app, platform) {
        let name = file_name(&o);
        let value = if o.kind == "Deployment" || o.kind == "StatefulSet" { base_workload(o.value) } else { o.value };
        put(&mut files, format!("{dir}/base/{name}"), &[value])?;
        resources.push(name);
    }
    let components =
        plan.components.iter().map(|c| format!("{}{COMPONENTS_DIR}/{}", to_root(app), c.dir())).collect();
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
pub fn overlays(app: &AppSpec) -> Vec<(Environment, String)> {
    app.environments.iter().map(|e| (*e, format!("{}/overlays/{}", app.folder(), e.as_str()))).collect()
}
