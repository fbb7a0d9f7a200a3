//! The pod an app runs as: every container, init container and volume, in order.
//!
//! This is the one place that decides what an Elite pod contains. The renderer turns it into
//! Kubernetes objects, and the rule catalog judges it (through [`crate::facts`]) at compile time.
//! It has no Kubernetes dependency, so the macro can use it. It is total: whatever the
//! declaration, it plans a pod, and the catalog judges the result.

mod scripts;

use crate::model::{AppSpec, Durability, EnvValue, ExceptionKind, Port, Probe, Probes, Size, VolumeSource, path};
use crate::platform::*;

/// Volume name of the scratch space the rclone containers write to (`/tmp`).
pub const TMP_VOLUME: &str = "elite-tmp";
/// Where the scratch space is mounted in the durability containers.
pub const TMP_DIR: &str = "/tmp";

pub use scripts::{CONFIG_SYNCER_SCRIPT, LITESTREAM_STARTED_PROBE, RESTORE_CONFIG_SCRIPT, RESTORE_DB_SCRIPT};

/// What a container is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContainerRole {
    /// The app's own process.
    Main,
    /// `restore-config`: rclone copies the config directory back from S3.
    RestoreConfig,
    /// `restore-db`: Litestream restores each database (and cleans Ephemeral ones).
    RestoreDb,
    /// `litestream`: replicates the databases.
    Litestream,
    /// `config-syncer`: keeps the config directory in S3.
    ConfigSyncer,
}

/// When a container runs in the pod's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lifecycle {
    /// An init container: runs to completion, in order, before the next one starts.
    Init,
    /// A native sidecar (an init container with `restartPolicy: Always`): starts in init order,
    /// before the app, and is stopped only after the app has exited, so it sees the app's last
    /// writes.
    Sidecar,
    /// A regular container (the app).
    Regular,
}

impl Lifecycle {
    /// Whether the container is listed under `initContainers`.
    pub const fn in_init_list(self) -> bool {
        matches!(self, Lifecycle::Init | Lifecycle::Sidecar)
    }
    /// What the container is called in messages.
    pub const fn noun(self) -> &'static str {
        match self {
            Lifecycle::Init => "init container",
            Lifecycle::Sidecar => "sidecar",
            Lifecycle::Regular => "container",
        }
    }
}

impl ContainerRole {
    /// The durability containers, in the order the components patch them in.
    pub const DURABILITY: [ContainerRole; 4] = [
        ContainerRole::RestoreConfig,
        ContainerRole::ConfigSyncer,
        ContainerRole::RestoreDb,
        ContainerRole::Litestream,
    ];

    /// When a container of this role runs: the restores are init steps, the replicators are
    /// native sidecars (Kubernetes stops them after the app, so the app's last commits reach S3).
    pub const fn lifecycle(self) -> Lifecycle {
        match self {
            ContainerRole::Main => Lifecycle::Regular,
            ContainerRole::RestoreConfig | ContainerRole::RestoreDb => Lifecycle::Init,
            ContainerRole::Litestream | ContainerRole::ConfigSyncer => Lifecycle::Sidecar,
        }
    }
    /// The container name (fixed for the durability containers: components match them by name).
    pub const fn fixed_name(self) -> Option<&'static str> {
        match self {
            ContainerRole::Main => None,
            ContainerRole::RestoreConfig => Some("restore-config"),
            ContainerRole::RestoreDb => Some("restore-db"),
            ContainerRole::Litestream => Some("litestream"),
            ContainerRole::ConfigSyncer => Some("config-syncer"),
        }
    }
    /// The role of a container named `name` in a pod, judging by name alone (for the audit).
    pub fn of_name(name: &str) -> Option<ContainerRole> {
        Self::DURABILITY.into_iter().find(|r| r.fixed_name() == Some(name))
    }
    /// Whether a shared Kustomize component supplies the uniform part of this container (every
    /// durability container).
    pub const fn is_shared(self) -> bool {
        !matches!(self, ContainerRole::Main)
    }
}

/// The shared Kustomize components of `apps/_shared/components/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Component {
    /// `elite-standard`: revisionHistoryLimit, pod security baseline, grace period.
    Standard,
    /// `elite-litestream`: the `restore-db` init container and the `litestream` sidecar.
    Litestream,
    /// `elite-restore-db`: the `restore-db` init container alone, for an app whose databases are
    /// all Ephemeral (cleaned at start, never replicated: no Litestream sidecar).
    RestoreDb,
    /// `elite-syncer`: the `config-syncer` sidecar and `restore-config` init container.
    Syncer,
}

impl Component {
    /// All components.
    pub const ALL: [Component; 4] =
        [Component::Standard, Component::Litestream, Component::RestoreDb, Component::Syncer];
    /// Folder name under `apps/_shared/components/`.
    pub const fn dir(self) -> &'static str {
        match self {
            Component::Standard => "elite-standard",
            Component::Litestream => "elite-litestream",
            Component::RestoreDb => "elite-restore-db",
            Component::Syncer => "elite-syncer",
        }
    }
}

/// A volume mount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodMount {
    /// The pod volume.
    pub volume: String,
    /// Normalized mount path.
    pub path: String,
    /// Mount only this path of the volume.
    pub sub_path: Option<String>,
    /// Mounted read-only.
    pub read_only: bool,
}

/// A container's security settings (SEC-1, SEC-2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Security {
    /// `runAsNonRoot: true` and `runAsUser`/`runAsGroup` when set; unset under a RunAsRoot exception.
    pub run_as_user: Option<u32>,
    /// `readOnlyRootFilesystem`.
    pub read_only_root: bool,
    /// Capabilities added back after `drop: [ALL]`.
    pub add_capabilities: Vec<&'static str>,
}

/// Where a pod environment variable's value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PodEnvValue {
    /// A literal.
    Plain(String),
    /// A key of a Secret.
    Secret {
        /// The Secret's name.
        secret: String,
        /// The key in it.
        key: String,
    },
    /// A field of the pod (the downward API): `metadata.name`.
    Field(String),
}

/// An environment variable of a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodEnv {
    /// The variable.
    pub name: String,
    /// Its value.
    pub value: PodEnvValue,
}

/// One container of the pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerPlan {
    /// Container name.
    pub name: String,
    /// What it is for.
    pub role: ContainerRole,
    /// Image reference.
    pub image: String,
    /// Entrypoint override.
    pub command: Vec<String>,
    /// Arguments.
    pub args: Vec<String>,
    /// Environment.
    pub env: Vec<PodEnv>,
    /// Secrets whose every key becomes an environment variable (`envFrom`).
    pub env_from_secrets: Vec<String>,
    /// Ports.
    pub ports: Vec<Port>,
    /// Probes.
    pub probes: Probes,
    /// Resources; `None` when the declaration states no size (SIZE-1 reports it).
    pub size: Option<Size>,
    /// Volume mounts.
    pub mounts: Vec<PodMount>,
    /// Security settings.
    pub security: Security,
}

/// A pod volume.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodVolume {
    /// Volume name.
    pub name: String,
    /// Where its data lives.
    pub source: PodVolumeSource,
}

/// Where a pod volume comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PodVolumeSource {
    /// One of the app's declared volumes.
    Declared(VolumeSource),
    /// A ConfigMap the generator writes.
    ConfigMap(String),
}

/// The whole pod of an app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodPlan {
    /// Init steps and native sidecars, in start order (see [`plan`]).
    pub init_containers: Vec<ContainerPlan>,
    /// The app's own container.
    pub containers: Vec<ContainerPlan>,
    /// Pod volumes: the declared ones, then the generator's.
    pub volumes: Vec<PodVolume>,
    /// Seconds; longer than Litestream's 30 s shutdown sync.
    pub termination_grace_seconds: u32,
    /// Shared components the app's base includes.
    pub components: Vec<Component>,
    /// The app's own ServiceAccount.
    pub service_account: String,
    /// Whether its token is mounted: only for an app that declares what it reads from the API
    /// (SEC-4).
    pub automount_token: bool,
}

impl PodPlan {
    /// Init containers then containers.
    pub fn all_containers(&self) -> impl Iterator<Item = &ContainerPlan> {
        self.init_containers.iter().chain(&self.containers)
    }
    /// The container with this role.
    pub fn container(&self, role: ContainerRole) -> Option<&ContainerPlan> {
        self.all_containers().find(|c| c.role == role)
    }
}

/// Names of the per-app objects the durability containers read.
pub mod names {
    use crate::model::AppSpec;

    /// What the generator appends to the app's name for the objects it derives from it.
    pub const SUFFIXES: [&str; 5] = ["-durability", "-s3-credentials", "-secrets", "-s3", "-tls"];
    /// The longest of them: an app name leaves room for it in a 63-character DNS label.
    pub const LONGEST_SUFFIX: usize = 15;

    /// The per-app ConfigMap holding `litestream.yml` and `rclone-filter.txt`.
    pub fn durability_config(app: &AppSpec) -> String {
        format!("{}{}", app.name, SUFFIXES[0])
    }
    /// The Secret with the S3 credentials (managed by the `<app>-s3` InfisicalSecret).
    pub fn s3_secret(app: &AppSpec) -> String {
        format!("{}{}", app.name, SUFFIXES[1])
    }
    /// The Secret with the app's own secrets (managed by the `<app>-secrets` InfisicalSecret).
    pub fn app_secret(app: &AppSpec) -> String {
        format!("{}{}", app.name, SUFFIXES[2])
    }
    /// The InfisicalSecret that fills the S3 credentials Secret.
    pub fn s3_infisical_secret(app: &AppSpec) -> String {
        format!("{}{}", app.name, SUFFIXES[3])
    }
    /// The PodMonitor of the durability sidecars (Litestream's and the config-syncer's metrics).
    pub fn pod_monitor(app: &AppSpec) -> String {
        format!("{}{}", app.name, SUFFIXES[0])
    }
    /// The TLS Secret of the Ingress (filled by cert-manager).
    pub fn tls_secret(app: &AppSpec) -> String {
        format!("{}{}", app.name, SUFFIXES[4])
    }
    /// The PVC of a declared volume.
    pub fn pvc(app: &AppSpec, volume: &str) -> String {
        format!("{}-{}", app.name, volume)
    }
    /// S3 key prefix of the app, under the bucket: `<namespace>/<app>` (DUR-5).
    pub fn s3_prefix(app: &AppSpec) -> String {
        format!("{}/{}", app.namespace(), app.name)
    }

    #[cfg(test)]
    #[test]
    fn the_longest_suffix_is_counted_right() {
        assert_eq!(SUFFIXES.iter().map(|s| s.len()).max(), Some(LONGEST_SUFFIX));
    }
}

/// The names the generator gives the pod's own volumes: a declared volume may not take them.
pub const GENERATED_VOLUMES: [&str; 2] = [TMP_VOLUME, DURABILITY_VOLUME];

/// Paths the durability containers mount for themselves: a data mount at, under or above one of
/// them would collide in those containers.
pub const GENERATED_MOUNT_PATHS: [&str; 2] = [TMP_DIR, DURABILITY_DIR];

/// The size limit of the pod's `/tmp`.
pub const TMP_SIZE_LIMIT: crate::Memory = crate::Memory::mi(256);

/// The mount of the pod's `/tmp`.
fn tmp_mount() -> PodMount {
    PodMount { volume: TMP_VOLUME.into(), path: TMP_DIR.into(), sub_path: None, read_only: false }
}

/// Plans the pod of `app`.
pub fn plan(app: &AppSpec) -> PodPlan {
    let durability = &app.durability;
    let stateless = durability.is_stateless();
    let replicated: Vec<_> = if stateless { Vec::new() } else { durability.replicated().collect() };
    let ephemeral: Vec<_> = if stateless { Vec::new() } else { durability.ephemeral().collect() };
    let sync = if stateless { None } else { durability.config_sync() };
    let s3_secret = names::s3_secret(app);

    let mut components = vec![Component::Standard];
    let mut init_containers = Vec::new();
    let containers = vec![main_container(app)];
    let mut volumes: Vec<PodVolume> = app
        .volumes
        .iter()
        .map(|v| PodVolume { name: v.name.clone(), source: PodVolumeSource::Declared(v.source.clone()) })
        .collect();
    // A writable /tmp for every container: the root filesystems are read-only (SEC-2, SEC-3).
    volumes.push(PodVolume {
        name: TMP_VOLUME.into(),
        source: PodVolumeSource::Declared(VolumeSource::EmptyDir(crate::model::EmptyDirSource {
            size_limit: Some(TMP_SIZE_LIMIT),
        })),
    });

    // The main container's mounts that hold `paths`, at the same paths (DUR-4).
    let data_mounts = |paths: &[String]| -> Vec<PodMount> {
        let mut mounts: Vec<PodMount> = Vec::new();
        for p in paths {
            if let Some((v, m)) = app.mount_containing(p) {
                let mount = PodMount {
                    volume: v.name.clone(),
                    path: m.normalized_path(),
                    sub_path: m.sub_path.clone(),
                    read_only: m.read_only,
                };
                if !mounts.contains(&mount) {
                    mounts.push(mount);
                }
            }
        }
        mounts
    };
    let durability_mount =
        || PodMount { volume: DURABILITY_VOLUME.into(), path: DURABILITY_DIR.into(), sub_path: None, read_only: true };
    let plain = |name: &str, value: String| PodEnv { name: name.into(), value: PodEnvValue::Plain(value) };

    if let Some(sync) = sync {
        components.push(Component::Syncer);
        let prefix = format!("{}/config", names::s3_prefix(app));
        let dir = sync.normalized_dir();
        let env = if app.replicas > 1 {
            // Each pod of a StatefulSet keeps its own config under its stable name (DUR-5): two
            // replicas syncing one prefix would delete each other's files.
            vec![
                PodEnv { name: "POD_NAME".into(), value: PodEnvValue::Field("metadata.name".into()) },
                plain("ELITE_SYNC_DIR", dir.clone()),
                plain("ELITE_S3_PREFIX", format!("{prefix}/$(POD_NAME)")),
            ]
        } else {
            vec![plain("ELITE_SYNC_DIR", dir.clone()), plain("ELITE_S3_PREFIX", prefix)]
        };
        let mounts = {
            let mut m = data_mounts(std::slice::from_ref(&dir));
            m.push(durability_mount());
            m.push(tmp_mount());
            m
        };
        init_containers.push(with_app_parts(ContainerRole::RestoreConfig, env.clone(), &s3_secret, mounts.clone()));
        init_containers.push(with_app_parts(ContainerRole::ConfigSyncer, env, &s3_secret, mounts));
    }
    if !replicated.is_empty() || !ephemeral.is_empty() {
        let all_paths: Vec<String> = replicated.iter().chain(&ephemeral).map(|d| d.normalized_path()).collect();
        let mut mounts = data_mounts(&all_paths);
        mounts.push(durability_mount());
        let join =
            |dbs: &[&crate::model::Database]| dbs.iter().map(|d| d.normalized_path()).collect::<Vec<_>>().join(" ");
        let env = vec![plain("ELITE_DATABASES", join(&replicated)), plain("ELITE_EPHEMERAL", join(&ephemeral))];
        // An app whose databases are all Ephemeral gets restore-db (it cleans them) but no sidecar.
        components.push(if replicated.is_empty() { Component::RestoreDb } else { Component::Litestream });
        init_containers.push(with_app_parts(ContainerRole::RestoreDb, env, &s3_secret, mounts.clone()));
        if !replicated.is_empty() {
            let env = vec![plain("ELITE_DATABASES", join(&replicated))];
            init_containers.push(with_app_parts(ContainerRole::Litestream, env, &s3_secret, mounts));
        }
    }
    if components.len() > 1 {
        volumes.push(PodVolume {
            name: DURABILITY_VOLUME.into(),
            source: PodVolumeSource::ConfigMap(names::durability_config(app)),
        });
    }
    components.sort();
    // Kustomize applies the components in order (standard, litestream, syncer), and a
    // strategic-merge patch moves the containers it merges to the front of the list, in patch
    // order. The init list is planned in the order that yields, so the in-memory pod and the built
    // pod agree: restore-config, config-syncer, restore-db, litestream. Each restore still runs
    // before the sidecar that depends on it, and the config-syncer ignores database files, so
    // starting it before restore-db is harmless.
    PodPlan {
        init_containers,
        containers,
        volumes,
        termination_grace_seconds: TERMINATION_GRACE_SECONDS,
        components,
        service_account: app.name.clone(),
        automount_token: app.api.is_some(),
    }
}

/// A durability container: the shared part plus the app's environment, Secret and mounts.
fn with_app_parts(role: ContainerRole, env: Vec<PodEnv>, s3_secret: &str, mounts: Vec<PodMount>) -> ContainerPlan {
    ContainerPlan { env, env_from_secrets: vec![s3_secret.into()], mounts, ..shared_container(role) }
}

fn exec_probe(command: &[&str], period: u32) -> Probe {
    Probe::exec(command.iter().copied()).period(period)
}

fn main_container(app: &AppSpec) -> ContainerPlan {
    let run_as_root = app.has_exception(ExceptionKind::RunAsRoot);
    let secret = names::app_secret(app);
    ContainerPlan {
        name: app.name.clone(),
        role: ContainerRole::Main,
        image: app.image.clone(),
        command: app.command.clone(),
        args: app.args.clone(),
        env: app
            .env
            .iter()
            .map(|e| PodEnv {
                name: e.name.clone(),
                value: match &e.value {
                    EnvValue::Plain(v) => PodEnvValue::Plain(v.clone()),
                    EnvValue::Secret(k) => PodEnvValue::Secret { secret: secret.clone(), key: k.secret.clone() },
                },
            })
            .collect(),
        env_from_secrets: Vec::new(),
        ports: app.ports.clone(),
        probes: app.probes.clone(),
        size: app.size,
        mounts: app
            .mounts()
            .map(|(v, m)| PodMount {
                volume: v.name.clone(),
                path: m.normalized_path(),
                sub_path: m.sub_path.clone(),
                read_only: m.read_only,
            })
            // A declared mount at /tmp (rejected, DECL) takes the place of the generated one.
            .chain(app.mounts().all(|(_, m)| m.normalized_path() != TMP_DIR).then(tmp_mount))
            .collect(),
        security: Security {
            run_as_user: (!run_as_root).then_some(app.run_as_user),
            read_only_root: !app.has_exception(ExceptionKind::WritableRoot),
            add_capabilities: if run_as_root { ExceptionKind::RunAsRoot.added_capabilities().to_vec() } else { vec![] },
        },
    }
}

/// The uniform part of a durability container: what the shared component holds (per-app
/// environment and mounts left empty).
pub fn shared_container(role: ContainerRole) -> ContainerPlan {
    let mut c = sidecar(role);
    match role {
        ContainerRole::Litestream => {
            c.ports = vec![Port { name: METRICS_PORT_NAME.into(), number: METRICS_PORT, protocol: Default::default() }];
            c.probes = Probes {
                liveness: Some(Probe::tcp(METRICS_PORT_NAME).period(20)),
                readiness: Some(Probe::http("/metrics", METRICS_PORT_NAME)),
                // Every second, for up to 5 minutes (a large restored database's first sync).
                startup: Some(exec_probe(&["/bin/sh", "-c", LITESTREAM_STARTED_PROBE], 1).failure_threshold(300)),
            };
        }
        ContainerRole::ConfigSyncer => {
            c.ports = vec![Port {
                name: SYNCER_METRICS_PORT_NAME.into(),
                number: SYNCER_METRICS_PORT,
                protocol: Default::default(),
            }];
            c.probes = Probes {
                // Alive while the loop runs and its pushes succeed: the file is touched every second
                // when idle and after each successful push; five stale minutes mean S3 keeps failing.
                liveness: Some(exec_probe(
                    &["/bin/sh", "-c", "test -n \"$(find /tmp/config-syncer.alive -mmin -5)\""],
                    30,
                )),
                readiness: Some(exec_probe(&["/bin/sh", "-c", "test -f /tmp/config-syncer.ready"], 10)),
                startup: None,
            };
        }
        ContainerRole::Main | ContainerRole::RestoreConfig | ContainerRole::RestoreDb => {}
    }
    c
}

fn sidecar(role: ContainerRole) -> ContainerPlan {
    let (image, command, args): (&str, Vec<&str>, Vec<&str>) = match role {
        ContainerRole::RestoreConfig => (RCLONE_IMAGE, vec!["/bin/sh", "-c"], vec![RESTORE_CONFIG_SCRIPT]),
        ContainerRole::RestoreDb => (LITESTREAM_IMAGE, vec!["/bin/sh", "-c"], vec![RESTORE_DB_SCRIPT]),
        ContainerRole::Litestream => {
            (LITESTREAM_IMAGE, vec![], vec!["replicate", "-config", "/etc/elite/litestream.yml"])
        }
        ContainerRole::ConfigSyncer => (CONFIG_SYNCER_IMAGE, vec!["/bin/sh", "-c"], vec![CONFIG_SYNCER_SCRIPT]),
        // The main container is planned by `main_container`; as a shared container it is empty.
        ContainerRole::Main => ("", vec![], vec![]),
    };
    let strings = |v: Vec<&str>| v.into_iter().map(String::from).collect();
    ContainerPlan {
        name: role.fixed_name().unwrap_or_default().into(),
        role,
        image: image.into(),
        command: strings(command),
        args: strings(args),
        env: Vec::new(),
        env_from_secrets: Vec::new(),
        ports: Vec::new(),
        probes: Probes::default(),
        size: Some(Size::Micro),
        mounts: Vec::new(),
        security: Security { run_as_user: Some(SIDECAR_UID), read_only_root: true, add_capabilities: vec![] },
    }
}

/// Whether `durability` replicates anything or syncs config (i.e. the pod talks to S3).
pub fn uses_s3(durability: &Durability) -> bool {
    !durability.is_stateless() && (durability.replicated().next().is_some() || durability.config_sync().is_some())
}

/// Whether `path` (normalized) collides with a path the durability containers mount themselves.
pub fn collides_with_generated_mount(p: &str) -> Option<&'static str> {
    GENERATED_MOUNT_PATHS.into_iter().find(|g| path::is_under(p, g) || path::is_under(g, p))
}
