//! Facts: the normalized view of one workload that every rule reads.
//!
//! Built from a declaration ([`from_app`]) at compile time and by the generator, or from
//! manifests by the audit ([`from_manifest`]). Each fact remembers where it came from (a
//! [`Pointer`]: into the declaration's data model, or into the manifest), so a violation points at
//! the right token or line without the rule knowing which. Paths are normalized here, once.

use std::collections::BTreeMap;

use crate::model::{AppSpec, Durability, ExceptionKind, PortRef, Role, Runtime, WorkloadKind, path};
use crate::platform::{ANNOTATION_PREFIX, ELITE_LABEL};
use crate::pod::{self, ContainerPlan, ContainerRole, Lifecycle, PodEnvValue};
use crate::pointer;
use crate::pointer::Pointer;
use crate::quantity::QuantityError;

mod manifest;

pub use manifest::{from_manifest, workload_kind};

/// Where the facts come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A declaration (`#[elite]`, the builder, JSON or YAML): what it must state, it states.
    Declaration,
    /// A manifest: what it does not show is unknown, not wrong.
    Manifest,
}

/// A value and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At<T> {
    /// The value.
    pub value: T,
    /// Where it is.
    pub at: Pointer,
}

/// Wraps `value` with its location.
pub fn at<T>(value: T, at: Pointer) -> At<T> {
    At { value, at }
}

/// Something a rule needs that the source may or may not state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stated<T> {
    /// Stated.
    Yes(At<T>),
    /// A declaration that must state it does not (a fault, reported by the rule that needs it).
    Missing(Pointer),
    /// The source cannot state it (a manifest without the annotation): the rule is undecidable.
    Unknown(String),
    /// The source states it in a form that does not parse (a malformed annotation), and why.
    Malformed(Pointer, String),
}

impl<T> Stated<T> {
    /// The stated value, if any.
    pub fn value(&self) -> Option<&T> {
        match self {
            Stated::Yes(a) => Some(&a.value),
            _ => None,
        }
    }
}

/// A Kubernetes amount as read: unset, not a valid amount, or a value in base units.
pub type Amount = Option<Result<u64, QuantityError>>;

/// A probe, as far as the rules care, with Kubernetes' defaults applied (a zero or absent period,
/// timeout or threshold takes the default, as the API server does).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeFacts {
    /// The targeted port; `None` for exec probes.
    pub port: Option<PortRef>,
    /// `initialDelaySeconds`.
    pub initial_delay_seconds: i64,
    /// `periodSeconds`.
    pub period_seconds: i64,
    /// `failureThreshold`.
    pub failure_threshold: i64,
}

impl ProbeFacts {
    /// `initialDelaySeconds + periodSeconds × failureThreshold`, without overflow.
    pub fn window_seconds(&self) -> i128 {
        i128::from(self.initial_delay_seconds) + i128::from(self.period_seconds) * i128::from(self.failure_threshold)
    }
}

/// A container's security context, with the pod's values applied where Kubernetes inherits them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecurityFacts {
    /// `privileged`.
    pub privileged: Option<bool>,
    /// `allowPrivilegeEscalation`.
    pub allow_privilege_escalation: Option<bool>,
    /// `capabilities.drop`.
    pub capabilities_drop: Vec<String>,
    /// `capabilities.add`.
    pub capabilities_add: Vec<String>,
    /// `runAsNonRoot` (container, else pod).
    pub run_as_non_root: Option<bool>,
    /// `runAsUser` (container, else pod).
    pub run_as_user: Option<i64>,
    /// `readOnlyRootFilesystem`.
    pub read_only_root_filesystem: Option<bool>,
    /// `seccompProfile.type` (container, else pod).
    pub seccomp_profile: Option<String>,
    /// `procMount`.
    pub proc_mount: Option<String>,
    /// `seLinuxOptions.type` (container, else pod).
    pub selinux_type: Option<String>,
    /// `seLinuxOptions.user` or `.role` set on the container.
    pub selinux_user_or_role: bool,
    /// The AppArmor profile type (field, or the legacy annotation), container else pod.
    pub apparmor: Option<String>,
    /// `windowsOptions.hostProcess` (container, else pod).
    pub host_process: Option<bool>,
}

impl SecurityFacts {
    /// Whether `capabilities.drop` holds `ALL`.
    pub fn drops_all(&self) -> bool {
        self.capabilities_drop.iter().any(|c| c == "ALL")
    }
}

/// A volume mount of a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountFacts {
    /// The volume.
    pub volume: String,
    /// Normalized mount path (as written when it cannot be normalized).
    pub path: String,
    /// `subPath`.
    pub sub_path: Option<String>,
    /// `readOnly`.
    pub read_only: bool,
}

/// The value of an environment variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvValueFacts {
    /// Written in the manifest.
    Literal(String),
    /// Read from a Secret, a ConfigMap or the pod (`valueFrom`).
    Reference,
}

/// An environment variable, as far as DUR-7 cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvFacts {
    /// The name.
    pub name: String,
    /// Where the variable is set.
    pub at: Pointer,
    /// Its value.
    pub value: EnvValueFacts,
}

/// One container of the pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerFacts {
    /// Its name.
    pub name: At<String>,
    /// What it is for.
    pub role: ContainerRole,
    /// Init step, native sidecar or regular container.
    pub lifecycle: Lifecycle,
    /// Its image.
    pub image: At<String>,
    /// Requests and limits.
    pub resources: At<ResourceFacts>,
    /// `livenessProbe`.
    pub liveness: At<Option<ProbeFacts>>,
    /// `readinessProbe`.
    pub readiness: At<Option<ProbeFacts>>,
    /// `startupProbe`.
    pub startup: At<Option<ProbeFacts>>,
    /// Declared ports: name (if any) and number.
    pub ports: Vec<(Option<String>, u16)>,
    /// `hostPort`s.
    pub host_ports: Vec<At<i64>>,
    /// Volume mounts.
    pub mounts: Vec<MountFacts>,
    /// Its security context.
    pub security: At<SecurityFacts>,
    /// `command` followed by `args`.
    pub command_line: At<Vec<String>>,
    /// Its environment.
    pub env: At<Vec<EnvFacts>>,
}

impl ContainerFacts {
    /// Whether this is an init step or a sidecar rather than the app's own container.
    pub fn is_helper(&self) -> bool {
        self.lifecycle != Lifecycle::Regular || self.role != ContainerRole::Main
    }
    /// Whether a mount of this container holds `path`.
    pub fn mounts_path(&self, p: &str) -> bool {
        self.mount_of(p).is_some()
    }
    /// The deepest mount of this container that holds `path`.
    pub fn mount_of(&self, p: &str) -> Option<&MountFacts> {
        self.mounts.iter().filter(|m| path::is_under(p, &m.path)).max_by_key(|m| m.path.len())
    }
    /// Every mount of this container at the deepest path that holds `path` (more than one only
    /// in an object the API server rejects: two mounts at one path).
    pub fn deepest_mounts(&self, p: &str) -> Vec<&MountFacts> {
        let Some(deepest) = self.mount_of(p) else { return Vec::new() };
        self.mounts.iter().filter(|m| m.path == deepest.path).collect()
    }
}

/// CPU (millicores) and memory (bytes) requests and limits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceFacts {
    /// `requests.cpu`.
    pub cpu_request: Amount,
    /// `limits.cpu`.
    pub cpu_limit: Amount,
    /// `requests.memory`.
    pub memory_request: Amount,
    /// `limits.memory`.
    pub memory_limit: Amount,
}

impl ResourceFacts {
    /// The four amounts, when all are set and valid.
    pub fn all(&self) -> Option<(u64, u64, u64, u64)> {
        let v = |a: &Amount| a.as_ref().and_then(|r| r.as_ref().ok()).copied();
        Some((v(&self.cpu_request)?, v(&self.cpu_limit)?, v(&self.memory_request)?, v(&self.memory_limit)?))
    }
}

/// A volume of the pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VolumeFacts {
    /// Its name.
    pub name: At<String>,
    /// Its type: the source field Kubernetes reads (`persistentVolumeClaim`, `nfs`, `hostPath`...).
    pub kind: String,
}

/// Pod-level security facts (Pod Security Standards, service account).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodFacts {
    /// `hostNetwork`.
    pub host_network: At<bool>,
    /// `hostPID`.
    pub host_pid: At<bool>,
    /// `hostIPC`.
    pub host_ipc: At<bool>,
    /// `securityContext.sysctls[].name`.
    pub sysctls: At<Vec<String>>,
    /// The pod's own `securityContext` (not inherited by the containers' facts: Pod Security
    /// judges the pod level too).
    pub security: At<PodSecurityFacts>,
    /// `automountServiceAccountToken`.
    pub automount_token: At<Option<bool>>,
    /// `serviceAccountName`.
    pub service_account: At<Option<String>>,
    /// The API resources the workload states it reads (annotation `vixens.io/api-access`, or
    /// the declaration's `api`): its token may be mounted (SEC-4).
    pub api_access: Option<At<String>>,
}

/// The pod-level `securityContext` fields Pod Security judges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodSecurityFacts {
    /// `runAsNonRoot`.
    pub run_as_non_root: Option<bool>,
    /// `runAsUser`.
    pub run_as_user: Option<i64>,
    /// `seccompProfile.type`.
    pub seccomp_profile: Option<String>,
    /// `seLinuxOptions.type`.
    pub selinux_type: Option<String>,
    /// `seLinuxOptions.user` or `.role` set.
    pub selinux_user_or_role: bool,
    /// `appArmorProfile.type`.
    pub apparmor: Option<String>,
    /// `windowsOptions.hostProcess`.
    pub host_process: Option<bool>,
}

impl Default for At<PodSecurityFacts> {
    fn default() -> Self {
        at(PodSecurityFacts::default(), Pointer::root())
    }
}

impl Default for At<Option<bool>> {
    fn default() -> Self {
        at(None, Pointer::root())
    }
}

impl Default for At<Option<String>> {
    fn default() -> Self {
        at(None, Pointer::root())
    }
}

impl Default for At<bool> {
    fn default() -> Self {
        at(false, Pointer::root())
    }
}

impl Default for At<Vec<String>> {
    fn default() -> Self {
        at(Vec::new(), Pointer::root())
    }
}

/// A database the workload declares, normalized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseFacts {
    /// Its name.
    pub name: String,
    /// Normalized path (as written when it cannot be normalized), where it is declared.
    pub path: At<String>,
    /// Whether the path was written as an absolute path the kernel can resolve.
    pub path_error: Option<path::PathError>,
    /// SQLite or another format.
    pub format: crate::model::DbFormat,
    /// Its backup profile.
    pub profile: crate::model::BackupProfile,
}

impl DatabaseFacts {
    /// Whether Litestream replicates it.
    pub fn replicated(&self) -> bool {
        self.format == crate::model::DbFormat::Sqlite && self.profile != crate::model::BackupProfile::Ephemeral
    }
}

/// The durability a workload states.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DurabilityFacts {
    /// Declared stateless, with the reason.
    pub stateless: Option<At<String>>,
    /// Declared databases.
    pub databases: Vec<DatabaseFacts>,
    /// The synced config directory (normalized), with where it is declared.
    pub config_sync: Option<At<String>>,
}

impl DurabilityFacts {
    /// Whether anything is stated.
    pub fn is_stated(&self) -> bool {
        self.stateless.is_some() || !self.databases.is_empty() || self.config_sync.is_some()
    }
    /// Whether the app states state (databases or a synced directory).
    pub fn has_state(&self) -> bool {
        !self.databases.is_empty() || self.config_sync.is_some()
    }
}

/// Everything the rules know about one workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkloadFacts {
    /// Declaration or manifest.
    pub source: Source,
    /// Its kind.
    pub kind: WorkloadKind,
    /// Its name.
    pub name: At<String>,
    /// Its namespace, when known.
    pub namespace: Option<At<String>>,
    /// The workload's labels.
    pub labels: At<BTreeMap<String, String>>,
    /// The pod template's annotations.
    pub pod_annotations: At<BTreeMap<String, String>>,
    /// The workload's own annotations.
    pub workload_annotations: At<BTreeMap<String, String>>,
    /// `spec.replicas`.
    pub replicas: At<Option<i64>>,
    /// `spec.strategy.type`.
    pub strategy: At<Option<String>>,
    /// `spec.revisionHistoryLimit`.
    pub revision_history_limit: At<Option<i64>>,
    /// `priorityClassName`.
    pub priority_class: At<Option<String>>,
    /// `terminationGracePeriodSeconds`.
    pub termination_grace_seconds: At<Option<i64>>,
    /// The role (the `vixens.io/role` annotation of a manifest).
    pub role: Stated<Role>,
    /// The runtime (the `vixens.io/runtime` annotation of a manifest).
    pub runtime: Stated<Runtime>,
    /// Whether declared highly available.
    pub ha: Stated<bool>,
    /// Documented exceptions and their reasons.
    pub exceptions: Vec<At<(ExceptionKind, String)>>,
    /// Init containers first, then containers, each in pod order.
    pub containers: Vec<ContainerFacts>,
    /// The pod's volumes.
    pub volumes: Vec<VolumeFacts>,
    /// Pod-level security facts.
    pub pod: PodFacts,
    /// The stated durability: `Yes` (possibly empty: nothing stated), or malformed or unknown.
    pub durability: Stated<DurabilityFacts>,
    /// Where durability is (or should be) stated.
    pub durability_at: Pointer,
    /// Whether replicas are spread across nodes (topology spread or pod anti-affinity).
    pub spread_across_nodes: At<bool>,
    /// `minAvailable` of the PodDisruptionBudget covering the workload; outer `None` when the
    /// source cannot show it.
    pub pdb_min_available: Option<At<Option<i64>>>,
}

impl WorkloadFacts {
    /// Whether the workload claims Elite (`vixens.io/elite: "true"`).
    pub fn claims_elite(&self) -> bool {
        self.labels.value.get(ELITE_LABEL).map(String::as_str) == Some("true")
    }
    /// The main container: the first regular container that is not a durability sidecar.
    pub fn main(&self) -> Option<&ContainerFacts> {
        self.containers.iter().find(|c| c.lifecycle == Lifecycle::Regular && c.role == ContainerRole::Main)
    }
    /// Whether the workload carries a documented exception of `kind`.
    pub fn has_exception(&self, kind: ExceptionKind) -> bool {
        self.exceptions.iter().any(|e| e.value.0 == kind && !e.value.1.trim().is_empty())
    }
    /// The container with this role.
    pub fn container(&self, role: ContainerRole) -> Option<&ContainerFacts> {
        self.containers.iter().find(|c| c.role == role)
    }
    /// The stated databases, when the durability is stated.
    pub fn databases(&self) -> Option<&[DatabaseFacts]> {
        self.durability.value().map(|d| d.databases.as_slice())
    }
    /// The stated synced config directory.
    pub fn config_sync(&self) -> Option<&At<String>> {
        self.durability.value().and_then(|d| d.config_sync.as_ref())
    }
}

/// The labels every generated workload carries.
pub fn standard_labels(app: &AppSpec) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_owned(), app.name.clone()),
        ("app.kubernetes.io/part-of".to_owned(), "vixens".to_owned()),
        (ELITE_LABEL.to_owned(), "true".to_owned()),
    ])
}

/// The annotation key `vixens.io/<key>`.
pub fn annotation_key(key: &str) -> String {
    format!("{ANNOTATION_PREFIX}{key}")
}

/// Pod-template annotations of the generated workload: the declared facts the manifest could not
/// otherwise show (role, runtime, size, durability, exceptions), and Prometheus scraping.
pub fn standard_annotations(app: &AppSpec, plan: &pod::PodPlan) -> BTreeMap<String, String> {
    let mut a = BTreeMap::from([(annotation_key("role"), app.role.as_str().to_owned())]);
    if let Some(r) = app.runtime {
        a.insert(annotation_key("runtime"), r.as_str().to_owned());
    }
    if let Some(s) = app.size {
        a.insert(annotation_key("size"), s.name().to_owned());
    }
    if app.durability.is_stated() {
        a.insert(annotation_key("durability"), durability_summary(&app.durability));
    }
    a.insert("kubectl.kubernetes.io/default-container".into(), app.name.clone());
    if app.ha {
        a.insert(annotation_key("ha"), "true".into());
    }
    // Each declared exception, as the claim of every rule part it relaxes; the generated
    // PolicyException grants the same parts (`render::exceptions`).
    for e in &app.exceptions {
        for (rule, check) in e.kind.relaxes() {
            a.insert(annotation_key(&format!("exception.{}", exception_key(*rule, *check))), e.reason.clone());
        }
    }
    if let Some(api) = &app.api {
        a.insert(annotation_key("api-access"), api.read.iter().map(ToString::to_string).collect::<Vec<_>>().join(","));
    }
    if plan.container(ContainerRole::Litestream).is_some() {
        a.insert("prometheus.io/scrape".into(), "true".into());
        a.insert("prometheus.io/port".into(), crate::platform::METRICS_PORT.to_string());
        a.insert("prometheus.io/path".into(), "/metrics".into());
    }
    a
}

/// The key an exception names a rule, or a named part of one, by: `sec-3`, `sec-1.run-as-non-root`.
pub fn exception_key(rule: crate::rules::RuleId, check: Option<&str>) -> String {
    match check {
        Some(c) => format!("{}.{c}", rule.anchor()),
        None => rule.anchor(),
    }
}

/// `stateless`, or the databases and config dir, normalized:
/// `sqlite:sonarr=/config/sonarr.db@Standard config:/config` (read back by [`parse_durability`]).
pub fn durability_summary(d: &Durability) -> String {
    if d.is_stateless() {
        return "stateless".into();
    }
    let mut parts: Vec<String> = d
        .databases
        .iter()
        .map(|db| format!("{}:{}={}@{}", db.format.as_str(), db.name, db.normalized_path(), db.profile.name()))
        .collect();
    if let Some(c) = &d.config_sync {
        parts.push(format!("config:{}", c.normalized_dir()));
    }
    parts.join(" ")
}

/// What a durability summary states. `None` when the text is not a summary
/// [`durability_summary`] writes.
pub fn parse_durability(summary: &str) -> Option<Durability> {
    use crate::model::{BackupProfile, ConfigSync, Database, DbFormat};
    let mut d = Durability::default();
    if summary.trim() == "stateless" {
        d.stateless = Some(String::new());
        return Some(d);
    }
    for part in summary.split_whitespace() {
        let (kind, rest) = part.split_once(':')?;
        if kind == "config" {
            if d.config_sync.is_some() || rest.is_empty() {
                return None;
            }
            d.config_sync = Some(ConfigSync { dir: rest.to_owned(), exclude: Vec::new() });
            continue;
        }
        let format = DbFormat::ALL.iter().copied().find(|f| f.as_str() == kind)?;
        let (name, rest) = rest.split_once('=')?;
        let (path, profile) = rest.rsplit_once('@')?;
        let profile = BackupProfile::ALL.iter().copied().find(|p| p.name() == profile)?;
        d.databases.push(Database { name: name.to_owned(), path: path.to_owned(), format, profile });
    }
    d.is_stated().then_some(d)
}

/// Durability facts of a model durability, located under `base` (declarations: each database at
/// its own pointer; manifests: all at the annotation).
fn durability_facts(d: &Durability, base: &Pointer, declared: bool) -> DurabilityFacts {
    let loc = |p: Pointer| if declared { p } else { base.clone() };
    DurabilityFacts {
        stateless: d.stateless.as_ref().map(|r| at(r.clone(), loc(base.push("stateless")))),
        databases: d
            .databases
            .iter()
            .enumerate()
            .map(|(i, db)| DatabaseFacts {
                name: db.name.clone(),
                path: at(db.normalized_path(), loc(base.push("databases").push(i).push("path"))),
                path_error: path::normalize(&db.path).err(),
                format: db.format,
                profile: db.profile,
            })
            .collect(),
        config_sync: d.config_sync.as_ref().map(|c| at(c.normalized_dir(), loc(base.push("configSync").push("dir")))),
    }
}

/// The facts of a declared app. Locations are pointers into its data model.
pub fn from_app(app: &AppSpec) -> WorkloadFacts {
    let plan = pod::plan(app);
    let containers = plan.all_containers().map(container_facts).collect();
    let is_deployment = app.workload == crate::model::Workload::Deployment;
    let replicated = !app.durability.is_stateless() && app.durability.replicated().next().is_some();
    let stated = |v: Option<_>, key: &str| match v {
        Some(v) => Stated::Yes(at(v, pointer!(key))),
        None => Stated::Missing(pointer!(key)),
    };
    WorkloadFacts {
        source: Source::Declaration,
        kind: app.workload.into(),
        name: at(app.name.clone(), pointer!("name")),
        namespace: Some(at(
            app.namespace().to_owned(),
            if app.namespace.is_some() { pointer!("namespace") } else { pointer!("category") },
        )),
        labels: at(standard_labels(app), pointer!("name")),
        pod_annotations: at(standard_annotations(app, &plan), pointer!("durability")),
        workload_annotations: at(BTreeMap::new(), pointer!("name")),
        replicas: at(Some(i64::from(app.replicas)), pointer!("replicas")),
        strategy: at(
            is_deployment.then(|| if replicated { "Recreate" } else { "RollingUpdate" }.to_owned()),
            pointer!("replicas"),
        ),
        revision_history_limit: at(Some(crate::rules::REVISION_HISTORY_LIMIT), pointer!("workload")),
        priority_class: at(app.priority.map(|p| p.class_name().to_owned()), pointer!("priority")),
        termination_grace_seconds: at(Some(i64::from(plan.termination_grace_seconds)), pointer!("durability")),
        role: Stated::Yes(at(app.role, pointer!("role"))),
        runtime: stated(app.runtime, "runtime"),
        ha: Stated::Yes(at(app.ha, pointer!("ha"))),
        exceptions: app
            .exceptions
            .iter()
            .enumerate()
            .map(|(i, e)| at((e.kind, e.reason.clone()), pointer!("exceptions", i)))
            .collect(),
        containers,
        volumes: plan
            .volumes
            .iter()
            .map(|v| {
                let declared = app.volumes.iter().position(|d| d.name == v.name);
                let kind = match &v.source {
                    pod::PodVolumeSource::ConfigMap(_) => "configMap",
                    pod::PodVolumeSource::Declared(s) => match s {
                        crate::model::VolumeSource::Pvc(_) => "persistentVolumeClaim",
                        // Rendered as a PersistentVolume and its claim (Pod Security "restricted").
                        crate::model::VolumeSource::Nfs(_) => "persistentVolumeClaim",
                        crate::model::VolumeSource::EmptyDir(_) => "emptyDir",
                    },
                };
                VolumeFacts {
                    name: at(
                        v.name.clone(),
                        declared.map_or_else(|| pointer!("durability"), |i| pointer!("volumes", i, "name")),
                    ),
                    kind: kind.to_owned(),
                }
            })
            .collect(),
        pod: PodFacts {
            security: at(
                PodSecurityFacts { seccomp_profile: Some("RuntimeDefault".into()), ..PodSecurityFacts::default() },
                pointer!("name"),
            ),
            automount_token: at(Some(plan.automount_token), pointer!("api")),
            service_account: at(Some(plan.service_account.clone()), pointer!("name")),
            api_access: app
                .api
                .as_ref()
                .map(|a| at(a.read.iter().map(ToString::to_string).collect::<Vec<_>>().join(","), pointer!("api"))),
            ..PodFacts::default()
        },
        durability: Stated::Yes(at(
            durability_facts(&app.durability, &pointer!("durability"), true),
            pointer!("durability"),
        )),
        durability_at: pointer!("durability"),
        spread_across_nodes: at(app.ha, pointer!("ha")),
        pdb_min_available: Some(at(app.ha.then_some(1), pointer!("ha"))),
    }
}

fn container_facts(c: &ContainerPlan) -> ContainerFacts {
    // The main container's facts come from the app's own keys; the durability containers'
    // from `durability`.
    let main = c.role == ContainerRole::Main;
    let key = |k: &str| if main { pointer!(k) } else { pointer!("durability") };
    let probe = |p: &Option<crate::model::Probe>, k: &str| {
        at(
            p.as_ref().map(|p| ProbeFacts {
                port: p.port().cloned(),
                initial_delay_seconds: i64::from(p.initial_delay_seconds),
                period_seconds: i64::from(p.period_seconds),
                failure_threshold: i64::from(p.failure_threshold),
            }),
            if main { pointer!("probes", k) } else { pointer!("durability") },
        )
    };
    let r = c.size.map(|s| s.resources());
    let run_as_root = !c.security.add_capabilities.is_empty() || c.security.run_as_user.is_none_or(|uid| uid == 0);
    ContainerFacts {
        name: at(c.name.clone(), key("name")),
        role: c.role,
        lifecycle: c.role.lifecycle(),
        image: at(c.image.clone(), key("image")),
        resources: at(
            ResourceFacts {
                cpu_request: r.map(|r| Ok(u64::from(r.cpu_request.millis()))),
                cpu_limit: r.map(|r| Ok(u64::from(r.cpu_limit.millis()))),
                memory_request: r.map(|r| Ok(r.memory_request.bytes())),
                memory_limit: r.map(|r| Ok(r.memory_limit.bytes())),
            },
            key("size"),
        ),
        liveness: probe(&c.probes.liveness, "liveness"),
        readiness: probe(&c.probes.readiness, "readiness"),
        startup: probe(&c.probes.startup, "startup"),
        ports: c.ports.iter().map(|p| (Some(p.name.clone()), p.number)).collect(),
        host_ports: Vec::new(),
        mounts: c
            .mounts
            .iter()
            .map(|m| MountFacts {
                volume: m.volume.clone(),
                path: m.path.clone(),
                sub_path: m.sub_path.clone(),
                read_only: m.read_only,
            })
            .collect(),
        security: at(
            SecurityFacts {
                allow_privilege_escalation: Some(false),
                capabilities_drop: vec!["ALL".into()],
                capabilities_add: c.security.add_capabilities.iter().map(|s| s.to_string()).collect(),
                run_as_non_root: (!run_as_root).then_some(true),
                run_as_user: c.security.run_as_user.map(i64::from),
                read_only_root_filesystem: Some(c.security.read_only_root),
                seccomp_profile: Some("RuntimeDefault".into()),
                ..SecurityFacts::default()
            },
            if main { pointer!("runAsUser") } else { pointer!("durability") },
        ),
        command_line: at(
            c.command.iter().chain(&c.args).cloned().collect(),
            if main { pointer!("args") } else { pointer!("durability") },
        ),
        env: at(
            c.env
                .iter()
                .enumerate()
                .map(|(i, e)| EnvFacts {
                    name: e.name.clone(),
                    at: if main { pointer!("env", i) } else { pointer!("durability") },
                    value: match &e.value {
                        PodEnvValue::Plain(v) => EnvValueFacts::Literal(v.clone()),
                        PodEnvValue::Secret { .. } | PodEnvValue::Field(_) => EnvValueFacts::Reference,
                    },
                })
                .collect(),
            key("env"),
        ),
    }
}

/// The port a probe targets, resolved against a container's ports: `true` when declared.
pub fn port_declared(ports: &[(Option<String>, u16)], port: &PortRef) -> bool {
    ports.iter().any(|(name, number)| match port {
        PortRef::Name(n) => name.as_deref() == Some(n.as_str()),
        PortRef::Number(n) => number == n,
    })
}

/// Durability facts of a manifest's annotation.
pub(crate) fn annotated_durability(summary: &str, at_annotation: &Pointer) -> Option<DurabilityFacts> {
    parse_durability(summary).map(|d| durability_facts(&d, at_annotation, false))
}
