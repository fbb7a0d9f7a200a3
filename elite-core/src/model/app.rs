//! The declaration of one Elite app.

use super::{
    Access, ApiAccess, Category, Durability, EnvVar, Environment, Ingress, Mount, Port, Priority, Probes, Role,
    Runtime, SecurityException, Size, Volume, Workload, path,
};

/// Everything the standard needs to know about one app. Built by `#[elite]`, by
/// [`AppBuilder`](crate::AppBuilder), or read from JSON or YAML; judged by [`crate::rules`].
///
/// What a declaration must state but did not (`size`, `priority`, `runtime`, `durability`) is
/// `None` or empty here, never a silent default: the catalog reports it with the rule that
/// needs it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppSpec {
    /// App name (a DNS-1035 label): names the workload, its Service and its S3 prefix.
    pub name: String,
    /// The app's category: its folder and default namespace.
    pub category: Category,
    /// Namespace; the category's lowercase name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Core infrastructure, mission-critical, or standard (the default).
    #[serde(default, skip_serializing_if = "is_default")]
    pub role: Role,
    /// The main container's resources (SIZE-1: required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Size>,
    /// The priority class (PRIO-1, PRIO-2: required, `Critical` or `High`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// The main process's runtime (PROBE-3: required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<Runtime>,
    /// Container image, pinned by tag or digest (META-1).
    pub image: String,
    /// Overrides the image's entrypoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// Arguments to the entrypoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// Ports of the main container, exposed by the Service.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<Port>,
    /// Probes of the main container.
    #[serde(default, skip_serializing_if = "Probes::is_empty")]
    pub probes: Probes,
    /// The Ingress route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<Ingress>,
    /// Volumes of the main container.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Volume>,
    /// Environment of the main container.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    /// What state the app keeps and how it is protected (DUR-1: required).
    #[serde(default, skip_serializing_if = "is_default")]
    pub durability: Durability,
    /// Number of pods (default 1).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub replicas: u16,
    /// Highly available (HA-1): at least 2 replicas, a PodDisruptionBudget, spread across nodes.
    #[serde(default, skip_serializing_if = "is_default")]
    pub ha: bool,
    /// `Deployment` (the default) or `StatefulSet`.
    #[serde(default, skip_serializing_if = "is_default")]
    pub workload: Workload,
    /// UID and GID the main container runs as (default 1000; 0 is root: SEC-1).
    #[serde(default = "uid", skip_serializing_if = "is_uid")]
    pub run_as_user: u32,
    /// Documented exceptions to the security baseline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<SecurityException>,
    /// Where the app may connect, beyond DNS and (for a durable app) S3: its NetworkPolicy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<Access>,
    /// Who may connect to the app, beyond the ingress controller (to the Ingress port) and
    /// Prometheus (to the metrics port): its NetworkPolicy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_from: Vec<Access>,
    /// What the app reads from the Kubernetes API (its token is mounted only then, SEC-4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<ApiAccess>,
    /// Environments the app is deployed to (default both).
    #[serde(default = "all_envs", skip_serializing_if = "is_all_envs")]
    pub environments: Vec<Environment>,
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}
fn one() -> u16 {
    1
}
fn is_one(n: &u16) -> bool {
    *n == 1
}
/// The UID the main container runs as unless declared.
pub const DEFAULT_UID: u32 = 1000;
fn uid() -> u32 {
    DEFAULT_UID
}
fn is_uid(n: &u32) -> bool {
    *n == DEFAULT_UID
}
fn all_envs() -> Vec<Environment> {
    Environment::ALL.to_vec()
}
fn is_all_envs(e: &[Environment]) -> bool {
    e == Environment::ALL
}

impl AppSpec {
    /// An app with nothing stated but its name, category and image: every optional field at
    /// its default (the same defaults the data format uses), and size, priority, runtime and
    /// durability not stated.
    pub fn new(name: impl Into<String>, category: Category, image: impl Into<String>) -> Self {
        AppSpec {
            name: name.into(),
            category,
            namespace: None,
            role: Role::Standard,
            size: None,
            priority: None,
            runtime: None,
            image: image.into(),
            command: Vec::new(),
            args: Vec::new(),
            ports: Vec::new(),
            probes: Probes::default(),
            ingress: None,
            volumes: Vec::new(),
            env: Vec::new(),
            durability: Durability::default(),
            replicas: one(),
            ha: false,
            workload: Workload::Deployment,
            run_as_user: uid(),
            exceptions: Vec::new(),
            egress: Vec::new(),
            allow_from: Vec::new(),
            api: None,
            environments: all_envs(),
        }
    }

    /// The namespace the app runs in.
    pub fn namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or(self.category.as_str())
    }
    /// `apps/`-relative folder of the app with the default category folders, e.g. `20-media/sonarr`.
    pub fn folder(&self) -> String {
        format!("{}/{}", self.category.folder(), self.name)
    }
    /// Whether the app has a documented exception of `kind`.
    pub fn has_exception(&self, kind: super::ExceptionKind) -> bool {
        self.exceptions.iter().any(|e| e.kind == kind)
    }
    /// The first label of the Ingress host.
    pub fn ingress_subdomain(&self) -> Option<&str> {
        self.ingress.as_ref().map(|i| i.subdomain.as_deref().unwrap_or(&self.name))
    }
    /// Every mount of the main container, with its volume.
    pub fn mounts(&self) -> impl Iterator<Item = (&Volume, &Mount)> {
        self.volumes.iter().flat_map(|v| v.mounts.iter().map(move |m| (v, m)))
    }
    /// The mount that holds `path`: the deepest mount whose normalized path contains the
    /// normalized `path`.
    pub fn mount_containing(&self, path: &str) -> Option<(&Volume, &Mount)> {
        self.mounts().filter(|(_, m)| path::is_under(path, &m.path)).max_by_key(|(_, m)| m.normalized_path().len())
    }
}
