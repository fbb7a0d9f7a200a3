//! Cluster-wide facts every app shares: pinned images, domains, secrets layout.

/// Litestream, pinned as the architecture document pins it.
pub const LITESTREAM_IMAGE: &str = "litestream/litestream:0.5.6";
/// rclone for the `restore-config` init container.
pub const RCLONE_IMAGE: &str = "rclone/rclone:1.72.0";
/// The config-syncer image: rclone 1.72.0 with inotify-tools baked in (built from
/// `images/config-syncer/Dockerfile`; nothing is installed at start, DUR-9).
pub const CONFIG_SYNCER_IMAGE: &str = "ghcr.io/truxonline/elite-config-syncer:1.72.0-1";

/// Port of Litestream's metrics endpoint.
pub const METRICS_PORT: u16 = 9090;
/// Litestream syncs for up to 30 s on SIGTERM; the grace period must exceed it.
pub const TERMINATION_GRACE_SECONDS: u32 = 60;
/// UID/GID of the sidecars and the pod's fsGroup.
pub const SIDECAR_UID: u32 = 1000;

/// Label every Elite workload carries (META-2): the claim Kyverno and the audit look for.
pub const ELITE_LABEL: &str = "vixens.io/elite";
/// Annotation prefix for declared facts the manifests cannot otherwise show (role, runtime, ...).
pub const ANNOTATION_PREFIX: &str = "vixens.io/";

/// Where the per-app durability ConfigMap (`litestream.yml`, `rclone-filter.txt`) is mounted.
pub const DURABILITY_DIR: &str = "/etc/elite";
/// Volume name of the per-app durability ConfigMap.
pub const DURABILITY_VOLUME: &str = "elite-durability";

/// Keys of the S3 credentials Secret (filled by an InfisicalSecret from `/shared/litestream`).
pub const S3_ENV_KEYS: [&str; 4] =
    ["LITESTREAM_ACCESS_KEY_ID", "LITESTREAM_SECRET_ACCESS_KEY", "LITESTREAM_ENDPOINT", "LITESTREAM_BUCKET"];

/// What the generated Kyverno policies do with a violation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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

/// Settings of the cluster the tree is generated for.
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
    /// The Git repository ArgoCD syncs, the branch, and the folder of this tree in it.
    pub git_repo_url: String,
    pub git_revision: String,
    pub git_apps_dir: String,
    /// What the Kyverno policies do with a violation (`Audit` unless the generator is told).
    pub policy_action: PolicyAction,
    /// Where the alerts' runbooks are published (`<base>/<AlertName>.md`, from `docs/runbooks/`).
    pub runbook_base_url: String,
    /// Infisical API the operator talks to (data only: the generator never connects to it).
    pub infisical_host: String,
    /// Infisical project slug.
    pub infisical_project: String,
}

impl Default for Platform {
    /// The Vixens cluster.
    fn default() -> Self {
        Platform {
            domain: "truxonline.com".into(),
            storage_class: "synelia-iscsi-retain".into(),
            ingress_class: "traefik".into(),
            monitoring_namespace: "monitoring".into(),
            policy_action: PolicyAction::Audit,
            git_repo_url: "https://github.com/truxonline/vixens.git".into(),
            git_revision: "main".into(),
            git_apps_dir: "apps".into(),
            runbook_base_url: "https://github.com/truxonline/elite/blob/main/docs/runbooks".into(),
            infisical_host: "http://192.168.111.69:8085".into(),
            infisical_project: "vixens".into(),
        }
    }
}
