//! Facts: the normalized view of one workload that every rule reads.
//!
//! Built from a declaration ([`from_app`]) at compile time and by the generator, or from
//! manifests by the audit. Each fact remembers where it came from ([`Loc`]): a key of the
//! declaration (`size`, `probes.liveness`) or a path in a YAML document, so a violation points at
//! the right token or line without the rule knowing which.

use std::collections::BTreeMap;

use crate::model::{AppSpec, BackupProfile, ExceptionKind, PortRef, Role, Runtime, WorkloadKind};
use crate::platform::{ANNOTATION_PREFIX, ELITE_LABEL};
use crate::pod::{self, ContainerPlan, ContainerRole, Lifecycle};
use crate::quantity::{Cpu, Memory};

mod manifest;

pub use manifest::from_manifest;

/// Where a fact comes from: a declaration key (`probes.liveness`) or a YAML path
/// (`spec.template.spec.containers[0].resources`).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc(pub String);

impl Loc {
    /// A location.
    pub fn new(s: impl Into<String>) -> Self {
        Loc(s.into())
    }
    /// This location extended by `.child`.
    pub fn join(&self, child: impl std::fmt::Display) -> Self {
        if self.0.is_empty() { Loc(child.to_string()) } else { Loc(format!("{}.{child}", self.0)) }
    }
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A value and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At<T> {
    pub value: T,
    pub at: Loc,
}

/// Wraps `value` with its location.
pub fn at<T>(value: T, at: impl Into<String>) -> At<T> {
    At { value, at: Loc::new(at) }
}

/// A probe, as far as the rules care.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeFacts {
    /// The targeted port; `None` for exec probes.
    pub port: Option<PortRef>,
    pub initial_delay_seconds: u64,
    pub period_seconds: u64,
    pub failure_threshold: u64,
}

impl ProbeFacts {
    /// `initialDelaySeconds + periodSeconds * failureThreshold`.
    pub fn window_seconds(&self) -> u64 {
        self.initial_delay_seconds + self.period_seconds * self.failure_threshold
    }
}

/// A container's security context, with the pod's defaults already applied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecurityFacts {
    pub allow_privilege_escalation: Option<bool>,
    pub drops_all_capabilities: bool,
    pub run_as_non_root: Option<bool>,
    pub read_only_root_filesystem: Option<bool>,
    pub seccomp_profile: Option<String>,
}

/// CPU (millicores) and memory (bytes) requests and limits; `None` where unset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResourceFacts {
    pub cpu_request: Option<u64>,
    pub cpu_limit: Option<u64>,
    pub memory_request: Option<u64>,
    pub memory_limit: Option<u64>,
}

/// An environment variable, as far as DUR-7 cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvFacts {
    pub name: String,
    /// Where the variable is set (`env[2]`, or a YAML path).
    pub at: Loc,
    /// Whether the value is written in the manifest (rather than referenced from a Secret).
    pub literal: bool,
}

/// One container of the pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerFacts {
    pub name: At<String>,
    pub role: ContainerRole,
    /// Init step, native sidecar or regular container.
    pub lifecycle: Lifecycle,
    pub image: At<String>,
    pub resources: At<ResourceFacts>,
    pub liveness: At<Option<ProbeFacts>>,
    pub readiness: At<Option<ProbeFacts>>,
    pub startup: At<Option<ProbeFacts>>,
    /// Declared ports: name (if any) and number.
    pub ports: Vec<(Option<String>, u16)>,
    /// Volume mounts: volume name and path.
    pub mounts: Vec<(String, String)>,
    pub security: At<SecurityFacts>,
    /// `command` followed by `args`.
    pub command_line: At<Vec<String>>,
    pub env: At<Vec<EnvFacts>>,
}

impl ContainerFacts {
    /// Whether this is an init step or a sidecar rather than the app's own container.
    pub fn is_helper(&self) -> bool {
        self.lifecycle != Lifecycle::Regular || self.role != ContainerRole::Main
    }
}

/// A database the workload declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseFacts {
    pub name: String,
    pub path: At<String>,
    pub replicated: bool,
}

/// Everything the rules know about one workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkloadFacts {
    pub kind: WorkloadKind,
    pub name: At<String>,
    pub namespace: Option<At<String>>,
    pub labels: At<BTreeMap<String, String>>,
    pub pod_annotations: At<BTreeMap<String, String>>,
    pub replicas: At<Option<i64>>,
    pub strategy: At<Option<String>>,
    pub revision_history_limit: At<Option<i64>>,
    pub priority_class: At<Option<String>>,
    pub termination_grace_seconds: At<Option<i64>>,
    /// Role, runtime and HA as declared; `None` when the source does not say.
    pub role: Option<At<Role>>,
    pub runtime: Option<At<Runtime>>,
    pub ha: Option<At<bool>>,
    /// Documented exceptions and their reasons.
    pub exceptions: Vec<At<(ExceptionKind, String)>>,
    /// Init containers first, then containers, each in pod order.
    pub containers: Vec<ContainerFacts>,
    /// Names of the pod's volumes.
    pub volumes: Vec<At<String>>,
    /// Declared databases; `None` when the source does not say.
    pub databases: Option<Vec<DatabaseFacts>>,
    /// The synced config directory; `None` when none (or unknown: see `durability`).
    pub config_sync_dir: Option<At<String>>,
    /// Whether durability is stated (DUR-1); `None` when the source cannot say.
    pub durability: At<Option<String>>,
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
}

/// The labels every generated workload carries.
pub fn standard_labels(app: &AppSpec) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_owned(), app.name.clone()),
        ("app.kubernetes.io/part-of".to_owned(), "vixens".to_owned()),
        (ELITE_LABEL.to_owned(), "true".to_owned()),
    ])
}

/// Pod-template annotations of the generated workload: the declared facts the manifest could not
/// otherwise show (role, runtime, size, durability, exceptions), and Prometheus scraping.
pub fn standard_annotations(app: &AppSpec, plan: &pod::PodPlan) -> BTreeMap<String, String> {
    let key = |k: &str| format!("{ANNOTATION_PREFIX}{k}");
    let mut a = BTreeMap::from([
        (key("role"), app.role.as_str().to_owned()),
        (key("runtime"), app.runtime.as_str().to_owned()),
        (key("size"), app.size.name().to_owned()),
        (key("durability"), durability_summary(app)),
    ]);
    a.insert("kubectl.kubernetes.io/default-container".into(), app.name.clone());
    if app.ha {
        a.insert(key("ha"), "true".into());
    }
    for e in &app.exceptions {
        a.insert(key(&format!("exception.{}", e.kind.as_str())), e.reason.clone());
    }
    if plan.all_containers().any(|c| c.role == ContainerRole::Litestream) {
        a.insert("prometheus.io/scrape".into(), "true".into());
        a.insert("prometheus.io/port".into(), crate::platform::METRICS_PORT.to_string());
        a.insert("prometheus.io/path".into(), "/metrics".into());
    }
    a
}

/// `stateless`, or the databases and config dir:
/// `sqlite:sonarr=/config/sonarr.db@Standard config:/config` (read back by [`parse_durability`]).
pub fn durability_summary(app: &AppSpec) -> String {
    use crate::model::Durability;
    match &app.durability {
        Durability::Stateless { .. } => "stateless".into(),
        Durability::Stateful { databases, config_sync } => {
            let mut parts: Vec<String> = databases
                .iter()
                .map(|d| format!("{}:{}={}@{}", d.format.as_str(), d.name, d.path, d.profile.name()))
                .collect();
            if let Some(c) = config_sync {
                parts.push(format!("config:{}", c.dir));
            }
            parts.join(" ")
        }
    }
}

/// What a durability summary states: the databases and the synced config directory. `None` when
/// the text is not a summary [`durability_summary`] writes.
pub fn parse_durability(summary: &str) -> Option<(Vec<crate::model::Database>, Option<String>)> {
    use crate::model::{Database, DbFormat};
    let mut dbs = Vec::new();
    let mut config = None;
    if summary.trim() == "stateless" {
        return Some((dbs, config));
    }
    for part in summary.split_whitespace() {
        let (kind, rest) = part.split_once(':')?;
        if kind == "config" {
            config = Some(rest.to_owned());
            continue;
        }
        let format = DbFormat::ALL.into_iter().find(|f| f.as_str() == kind)?;
        let (name, rest) = rest.split_once('=')?;
        let (path, profile) = rest.rsplit_once('@')?;
        let profile =
            [BackupProfile::Critical, BackupProfile::Standard, BackupProfile::Relaxed, BackupProfile::Ephemeral]
                .into_iter()
                .find(|p| p.name() == profile)?;
        dbs.push(Database { name: name.to_owned(), path: path.to_owned(), format, profile });
    }
    Some((dbs, config))
}

/// The facts of a declared app. Locations are declaration keys.
pub fn from_app(app: &AppSpec) -> WorkloadFacts {
    let plan = pod::plan(app);
    let containers = plan.all_containers().map(container_facts).collect();
    let is_deployment = app.workload == WorkloadKind::Deployment;
    let has_db = app.durability.replicated().next().is_some();
    WorkloadFacts {
        kind: app.workload,
        name: at(app.name.clone(), "name"),
        namespace: Some(at(app.namespace().to_owned(), if app.namespace.is_some() { "namespace" } else { "category" })),
        labels: at(standard_labels(app), "name"),
        pod_annotations: at(standard_annotations(app, &plan), "durability"),
        replicas: at(Some(i64::from(app.replicas)), "replicas"),
        strategy: at((is_deployment && has_db).then(|| "Recreate".to_owned()), "replicas"),
        revision_history_limit: at(Some(3), "name"),
        priority_class: at(Some(app.priority.class_name().to_owned()), "priority"),
        termination_grace_seconds: at(Some(i64::from(plan.termination_grace_seconds)), "durability"),
        role: Some(at(app.role, "role")),
        runtime: Some(at(app.runtime, "runtime")),
        ha: Some(at(app.ha, "ha")),
        exceptions: app
            .exceptions
            .iter()
            .enumerate()
            .map(|(i, e)| at((e.kind, e.reason.clone()), format!("exceptions[{i}]")))
            .collect(),
        containers,
        volumes: plan
            .volumes
            .iter()
            .map(|v| {
                let declared = app.volumes.iter().position(|d| d.name == v.name);
                at(v.name.clone(), declared.map_or_else(|| "durability".to_owned(), |i| format!("volumes[{i}]")))
            })
            .collect(),
        databases: Some(
            app.durability
                .databases()
                .iter()
                .enumerate()
                .map(|(i, d)| DatabaseFacts {
                    name: d.name.clone(),
                    path: at(d.path.clone(), format!("databases[{i}].path")),
                    replicated: d.is_replicated(),
                })
                .collect(),
        ),
        config_sync_dir: app.durability.config_sync().map(|c| at(c.dir.clone(), "config_sync")),
        durability: at(Some(durability_summary(app)), "durability"),
        spread_across_nodes: at(app.ha, "ha"),
        pdb_min_available: Some(at(app.ha.then_some(1), "ha")),
    }
}

fn container_facts(c: &ContainerPlan) -> ContainerFacts {
    // Declaration keys: the main container's facts come from the app's own attributes; the
    // durability containers come from `durability`.
    let main = c.role == ContainerRole::Main;
    let key = |k: &str| {
        if main { k.to_owned() } else { "durability".to_owned() }
    };
    let probe = |p: &Option<crate::model::Probe>, k: &str| {
        at(
            p.as_ref().map(|p| ProbeFacts {
                port: p.port().cloned(),
                initial_delay_seconds: u64::from(p.initial_delay_seconds),
                period_seconds: u64::from(p.period_seconds),
                failure_threshold: u64::from(p.failure_threshold),
            }),
            if main { format!("probes.{k}") } else { "durability".to_owned() },
        )
    };
    let r = c.resources();
    let bytes = |m: Memory| u64::from(m.mebibytes()) << 20;
    let millis = |c: Cpu| u64::from(c.millis());
    let run_as_root = !c.security.add_capabilities.is_empty() || c.security.run_as_user.is_none_or(|uid| uid == 0);
    ContainerFacts {
        name: at(c.name.clone(), key("name")),
        role: c.role,
        lifecycle: c.role.lifecycle(),
        image: at(c.image.clone(), key("image")),
        resources: at(
            ResourceFacts {
                cpu_request: Some(millis(r.cpu_request)),
                cpu_limit: Some(millis(r.cpu_limit)),
                memory_request: Some(bytes(r.memory_request)),
                memory_limit: Some(bytes(r.memory_limit)),
            },
            key("size"),
        ),
        liveness: probe(&c.probes.liveness, "liveness"),
        readiness: probe(&c.probes.readiness, "readiness"),
        startup: probe(&c.probes.startup, "startup"),
        ports: c.ports.iter().map(|p| (Some(p.name.clone()), p.number)).collect(),
        mounts: c.mounts.iter().map(|m| (m.volume.clone(), m.path.clone())).collect(),
        security: at(
            SecurityFacts {
                allow_privilege_escalation: Some(false),
                drops_all_capabilities: true,
                run_as_non_root: (!run_as_root).then_some(true),
                read_only_root_filesystem: Some(c.security.read_only_root),
                seccomp_profile: Some("RuntimeDefault".into()),
            },
            if main { "run_as_user" } else { "durability" },
        ),
        command_line: at(c.command.iter().chain(&c.args).cloned().collect(), key("args")),
        env: at(
            c.env
                .iter()
                .enumerate()
                .map(|(i, e)| EnvFacts {
                    name: e.name.clone(),
                    at: Loc::new(if main { format!("env[{i}]") } else { "durability".to_owned() }),
                    literal: matches!(e.value, crate::model::EnvValue::Plain(_)),
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
