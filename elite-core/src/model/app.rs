//! The declaration of one Elite app.

use super::{
    Category, Durability, EnvVar, Environment, Ingress, Port, Priority, Probes, Role, Runtime, SecurityException, Size,
    Volume, WorkloadKind,
};

/// Everything the standard needs to know about one app. Built by `#[elite]`, by
/// [`AppBuilder`](crate::AppBuilder), or deserialized; checked by [`crate::rules`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppSpec {
    /// App name (DNS-1123 label): names the workload, its Service and its S3 prefix.
    pub name: String,
    pub category: Category,
    /// Namespace; the category's name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub role: Role,
    pub size: Size,
    pub priority: Priority,
    pub runtime: Runtime,
    /// Container image, pinned by tag or digest (META-1).
    pub image: String,
    /// Overrides the image's entrypoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// Arguments to the entrypoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    #[serde(default)]
    pub ports: Vec<Port>,
    #[serde(default)]
    pub probes: Probes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<Ingress>,
    #[serde(default)]
    pub volumes: Vec<Volume>,
    #[serde(default)]
    pub env: Vec<EnvVar>,
    pub durability: Durability,
    #[serde(default = "one")]
    pub replicas: u16,
    /// Highly available (HA-1): at least 2 replicas, a PodDisruptionBudget, spread across nodes.
    #[serde(default)]
    pub ha: bool,
    #[serde(default = "deployment")]
    pub workload: WorkloadKind,
    /// UID and GID the main container runs as (1000 unless the image needs another).
    #[serde(default = "uid")]
    pub run_as_user: u32,
    #[serde(default)]
    pub exceptions: Vec<SecurityException>,
    /// Environments the app is deployed to (one overlay and one ArgoCD Application each).
    #[serde(default = "all_envs")]
    pub environments: Vec<Environment>,
}

fn one() -> u16 {
    1
}
fn uid() -> u32 {
    1000
}
fn deployment() -> WorkloadKind {
    WorkloadKind::Deployment
}
fn all_envs() -> Vec<Environment> {
    Environment::ALL.to_vec()
}

impl AppSpec {
    /// An app with every optional field at its default (the same defaults deserialization uses):
    /// role Standard, one replica, a Deployment, UID 1000, every environment; size Small,
    /// priority High and runtime Go until stated; durability not yet stated (stateful, empty).
    pub fn new(name: impl Into<String>, category: Category, image: impl Into<String>) -> Self {
        AppSpec {
            name: name.into(),
            category,
            namespace: None,
            role: Role::Standard,
            size: Size::Small,
            priority: Priority::High,
            runtime: Runtime::Go,
            image: image.into(),
            command: Vec::new(),
            args: Vec::new(),
            ports: Vec::new(),
            probes: Probes::default(),
            ingress: None,
            volumes: Vec::new(),
            env: Vec::new(),
            durability: Durability::Stateful { databases: Vec::new(), config_sync: None },
            replicas: one(),
            ha: false,
            workload: deployment(),
            run_as_user: uid(),
            exceptions: Vec::new(),
            environments: all_envs(),
        }
    }

    /// The namespace the app runs in.
    pub fn namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or(self.category.as_str())
    }
    /// `apps/` relative folder of the app, e.g. `20-media/sonarr`.
    pub fn folder(&self) -> String {
        format!("{}/{}", self.category.folder(), self.name)
    }
    /// Whether the app has a documented exception of `kind`.
    pub fn has_exception(&self, kind: super::ExceptionKind) -> bool {
        self.exceptions.iter().any(|e| e.kind == kind)
    }
    /// The volume mounted at `dir` or at a parent of it.
    pub fn volume_containing(&self, path: &str) -> Option<&Volume> {
        self.volumes.iter().filter(|v| path_is_under(path, &v.mount_path)).max_by_key(|v| v.mount_path.len())
    }
}

/// Whether `path` equals `dir` or lies under it.
pub fn path_is_under(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    path == dir || (path.starts_with(dir) && path[dir.len()..].starts_with('/'))
}
