//! The cluster the tree is generated for: the constants every Elite pod shares (pinned images,
//! ports, paths), and the [`Platform`] settings read from the workspace's `elite.toml`.

use std::collections::BTreeMap;

use crate::model::{Access, AppSpec, Category, Environment};

/// Litestream, pinned: the newest 0.5.x, which passes the durability suite (0.5.6 and 0.5.7 stop
/// replicating, silently, once SQLite reuses the WAL after a checkpoint: litestream#1083;
/// `long_writes_across_checkpoints_keep_replicating` in `tests/tests/durability_restart.rs`).
pub const LITESTREAM_IMAGE: &str = "litestream/litestream:0.5.17";
/// rclone for the `restore-config` init container.
pub const RCLONE_IMAGE: &str = "rclone/rclone:1.72.0";
/// The config-syncer image: rclone 1.72.0 with inotify-tools baked in (built from
/// `images/config-syncer/Dockerfile`; nothing is installed at start, DUR-9).
pub const CONFIG_SYNCER_IMAGE: &str = "ghcr.io/truxonline/elite-config-syncer:1.72.0-2";

/// Litestream's metrics port and its name, written once: as macros so the rules' texts embed them.
macro_rules! metrics_port {
    () => {
        9090
    };
}
macro_rules! metrics_port_name {
    () => {
        "metrics"
    };
}
pub(crate) use {metrics_port, metrics_port_name};
/// Port of Litestream's metrics endpoint.
pub const METRICS_PORT: u16 = metrics_port!();
/// Name of Litestream's metrics port (the PodMonitor scrapes it by name).
pub const METRICS_PORT_NAME: &str = metrics_port_name!();
/// Where the config-syncer serves its metrics, written once: as macros so its script embeds them.
macro_rules! syncer_metrics_port {
    () => {
        9091
    };
}
macro_rules! syncer_metrics_file {
    () => {
        "metrics.txt"
    };
}
pub(crate) use {syncer_metrics_file, syncer_metrics_port};
/// Port of the config-syncer's own metrics (`elite_config_syncer_*`, served by `rclone serve http`).
pub const SYNCER_METRICS_PORT: u16 = syncer_metrics_port!();
/// Name of the config-syncer's metrics port.
pub const SYNCER_METRICS_PORT_NAME: &str = "syncer-metrics";
/// Path of the config-syncer's metrics (a text file: served as `text/plain`).
pub const SYNCER_METRICS_PATH: &str = concat!("/", syncer_metrics_file!());
/// The config-syncer's debounce, written once: as macros so the script's text embeds them.
macro_rules! config_quiet_seconds {
    () => {
        10
    };
}
macro_rules! config_max_wait_seconds {
    () => {
        60
    };
}
/// How long a restore step waits for S3 to list a replica before it fails the pod.
macro_rules! restore_deadline_seconds {
    () => {
        30
    };
}
pub(crate) use {config_max_wait_seconds, config_quiet_seconds, restore_deadline_seconds};
/// A restore init step whose S3 does not answer fails within this many seconds, and says so.
pub const RESTORE_DEADLINE_SECONDS: u32 = restore_deadline_seconds!();
/// The config-syncer pushes once the config directory has been quiet this long...
pub const CONFIG_QUIET_SECONDS: u32 = config_quiet_seconds!();
/// ...or this long after the oldest change still pending, whichever comes first.
pub const CONFIG_MAX_WAIT_SECONDS: u32 = config_max_wait_seconds!();
/// How soon a pending change reaches S3 once S3 answers again: the syncer retries every second,
/// and rclone gives up on a silent S3 within its 10 s connect and 15 s I/O timeouts.
pub const CONFIG_PUSH_AFTER_S3_RETURNS_SECONDS: u32 = 20;
/// The bound, in seconds, on how long a config change may wait before it is on S3 while S3
/// answers: the debounce's longest wait and the time to reach S3 once it answers again. Past it,
/// `EliteConfigSyncPending` fires.
pub const CONFIG_PENDING_BOUND_SECONDS: u32 = CONFIG_MAX_WAIT_SECONDS + CONFIG_PUSH_AFTER_S3_RETURNS_SECONDS;
/// The node label HA replicas are spread over.
pub const HOSTNAME_KEY: &str = "kubernetes.io/hostname";
/// Litestream syncs for up to 30 s on SIGTERM; the grace period must exceed it.
pub const TERMINATION_GRACE_SECONDS: u32 = 60;
/// UID/GID of the sidecars and the pod's fsGroup.
pub const SIDECAR_UID: u32 = 1000;

/// Label every Elite workload carries (META-2): the claim Kyverno and the audit look for.
pub const ELITE_LABEL: &str = "vixens.io/elite";
/// Annotation prefix for declared facts the manifests cannot otherwise show (role, runtime, ...).
pub const ANNOTATION_PREFIX: &str = "vixens.io/";

/// The annotation prefix an object claims an exception with: `vixens.io/exception.<key>`, the
/// key being a rule or a named part of one (`sec-1.run-as-non-root`), the value its reason.
pub const EXCEPTION_ANNOTATION: &str = "vixens.io/exception.";
/// The annotation of a PolicyException listing the keys it grants (comma-separated).
pub const GRANTED_RULES_ANNOTATION: &str = "vixens.io/exception-rules";
/// The annotation of a PolicyException holding the reason of the exception.
pub const EXCEPTION_REASON_ANNOTATION: &str = "vixens.io/reason";

/// Where the per-app durability ConfigMap (`litestream.yml`, `rclone-filter.txt`) is mounted.
pub const DURABILITY_DIR: &str = "/etc/elite";
/// Volume name of the per-app durability ConfigMap.
pub const DURABILITY_VOLUME: &str = "elite-durability";

/// Keys of the S3 credentials Secret (filled by an InfisicalSecret from `/shared/litestream`).
pub const S3_ENV_KEYS: [&str; 4] =
    ["LITESTREAM_ACCESS_KEY_ID", "LITESTREAM_SECRET_ACCESS_KEY", "LITESTREAM_ENDPOINT", "LITESTREAM_BUCKET"];

/// The ArgoCD Application of the namespaces folder.
pub const NAMESPACES_APPLICATION: &str = "vixens-namespaces";
/// The ArgoCD Application of the priority classes folder.
pub const PRIORITY_CLASSES_APPLICATION: &str = "vixens-priority-classes";
/// The ArgoCD Application of the monitoring folder.
pub const MONITORING_APPLICATION: &str = "vixens-monitoring";
/// The ArgoCD Application of the policies folder.
pub const POLICIES_APPLICATION: &str = "vixens-policies";
/// The ArgoCD Application of the exceptions folder.
pub const EXCEPTIONS_APPLICATION: &str = "vixens-exceptions";

/// Every name an app cannot take: the Applications the generator writes for itself (the shared
/// folders and the app-of-apps roots, `vixens-<env>`), which share the argocd namespace.
pub const RESERVED_APP_NAMES: [&str; 7] = [
    NAMESPACES_APPLICATION,
    PRIORITY_CLASSES_APPLICATION,
    MONITORING_APPLICATION,
    POLICIES_APPLICATION,
    EXCEPTIONS_APPLICATION,
    "vixens-dev",
    "vixens-prod",
];

/// What the generated Kyverno policies do with a violation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub enum PolicyAction {
    /// Report it (PolicyReports) and admit the object.
    #[default]
    Audit,
    /// Reject the object.
    Enforce,
}

impl PolicyAction {
    /// `Audit` or `Enforce`, as Kyverno's `failureAction` spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            PolicyAction::Audit => "Audit",
            PolicyAction::Enforce => "Enforce",
        }
    }
}

/// Settings of the cluster the tree is generated for (`elite.toml` at the workspace root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Platform {
    /// Public DNS domain: prod hosts are `<sub>.<domain>`, dev hosts `<sub>.dev.<domain>`.
    pub domain: String,
    /// Default storage class of PVCs.
    pub storage_class: String,
    /// Ingress class of every Ingress.
    pub ingress_class: String,
    /// Namespace of the Prometheus stack (where the PrometheusRule goes).
    pub monitoring_namespace: String,
    /// The Git repository ArgoCD syncs.
    pub git_repo_url: String,
    /// The revision (branch or tag) each environment's ArgoCD tracks.
    pub revisions: BTreeMap<Environment, String>,
    /// The folder of the tree in the repository (ArgoCD Application paths start with it).
    pub apps_dir: String,
    /// What the Kyverno policies do with a violation (`Audit` unless the generator is told).
    pub policy_action: PolicyAction,
    /// Where the alerts' runbooks are published (`<base>/<AlertName>.md`, from `docs/runbooks/`).
    pub runbook_base_url: String,
    /// Infisical API the operator talks to (data only: the generator never connects to it).
    pub infisical_host: String,
    /// Infisical project slug.
    pub infisical_project: String,
    /// The folder of each category under the apps folder (`Media` → `20-media`).
    pub categories: BTreeMap<Category, String>,
    /// Namespace of the ingress controller (allowed to reach each app's Ingress port).
    pub ingress_namespace: String,
    /// The S3 endpoint durable apps reach (their NetworkPolicy's egress): MinIO in the cluster.
    pub s3: Access,
    /// The API server, as the apps that read the API reach it (their NetworkPolicy's egress).
    pub api_server: Access,
    /// Namespace of the Kyverno PolicyExceptions (Kyverno's `--exceptionNamespace`).
    pub exception_namespace: String,
}

/// Namespace of the cluster DNS every app may query.
pub const DNS_NAMESPACE: &str = "kube-system";
/// Label of the cluster DNS pods (CoreDNS keeps kube-dns's label).
pub const DNS_POD_LABEL: (&str, &str) = ("k8s-app", "kube-dns");
/// Nominal capacity of the PersistentVolume of an NFS share: NFS does not enforce it; the claim
/// requests the same, so that exactly this volume binds to it.
pub const NFS_NOMINAL_CAPACITY: &str = "1Ti";

impl Default for Platform {
    /// The Vixens cluster: the values of the repository's `elite.toml`.
    fn default() -> Self {
        Platform {
            domain: "truxonline.com".into(),
            storage_class: "synelia-iscsi-retain".into(),
            ingress_class: "traefik".into(),
            monitoring_namespace: "monitoring".into(),
            git_repo_url: "https://github.com/truxonline/vixens.git".into(),
            revisions: BTreeMap::from([(Environment::Dev, "main".into()), (Environment::Prod, "prod".into())]),
            apps_dir: "apps".into(),
            policy_action: PolicyAction::Audit,
            runbook_base_url: "https://github.com/truxonline/elite/blob/main/docs/runbooks".into(),
            infisical_host: "http://192.168.111.69:8085".into(),
            infisical_project: "vixens".into(),
            categories: Category::ALL.iter().map(|c| (*c, c.folder().to_owned())).collect(),
            ingress_namespace: "traefik".into(),
            s3: "infra/minio:9000".parse().expect("a valid access rule"),
            api_server: "0.0.0.0/0:443,6443".parse().expect("a valid access rule"),
            exception_namespace: "kyverno".into(),
        }
    }
}

impl Platform {
    /// The folder of `app` under the apps folder, e.g. `20-media/sonarr`.
    pub fn folder(&self, app: &AppSpec) -> String {
        let category = self.categories.get(&app.category).map_or(app.category.folder(), String::as_str);
        format!("{category}/{}", app.name)
    }
    /// The host of the app's Ingress in `env`.
    pub fn host(&self, app: &AppSpec, env: Environment) -> Option<String> {
        let sub = app.ingress_subdomain()?;
        Some(match env {
            Environment::Prod => format!("{sub}.{}", self.domain),
            Environment::Dev => format!("{sub}.dev.{}", self.domain),
        })
    }
    /// The revision `env`'s ArgoCD tracks.
    pub fn revision(&self, env: Environment) -> &str {
        self.revisions.get(&env).map_or("main", String::as_str)
    }
}
