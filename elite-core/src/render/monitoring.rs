//! Scraping and alerting of the durability path (OBS-1, OBS-2): a PodMonitor per app with a
//! durability sidecar, and one PrometheusRule (monitoring.coreos.com/v1) with the three alerts of
//! the architecture document, Litestream's stalled uploads and the config-syncer's pending change.
//! The custom-resource structs are written from the operator's CRDs.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde::Serialize;

use super::{Object, meta, selector};
use crate::model::AppSpec;
use crate::platform::Platform;
use crate::pod::{ContainerRole, PodPlan};

/// A PodMonitor custom resource.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodMonitor {
    /// `monitoring.coreos.com/v1`.
    pub api_version: &'static str,
    /// `PodMonitor`.
    pub kind: &'static str,
    /// Name, namespace and labels.
    pub metadata: ObjectMeta,
    /// Which pods, and which of their ports.
    pub spec: PodMonitorSpec,
}

/// What a PodMonitor scrapes.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodMonitorSpec {
    /// The app's pods.
    pub selector: LabelSelector,
    /// The metrics ports of the durability sidecars.
    pub pod_metrics_endpoints: Vec<PodMetricsEndpoint>,
}

/// One scraped port.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodMetricsEndpoint {
    /// The container port's name.
    pub port: String,
    /// The HTTP path of the metrics.
    pub path: String,
    /// How often it is scraped (`30s`).
    pub interval: String,
}

/// A PrometheusRule custom resource.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusRule {
    /// `monitoring.coreos.com/v1`.
    pub api_version: &'static str,
    /// `PrometheusRule`.
    pub kind: &'static str,
    /// Name, namespace and labels.
    pub metadata: ObjectMeta,
    /// The alert groups.
    pub spec: RuleGroups,
}

/// Rule groups, as `promtool check rules` reads them.
#[derive(Clone, Debug, Serialize)]
pub struct RuleGroups {
    /// The groups.
    pub groups: Vec<RuleGroup>,
}

/// A named group of alerting rules.
#[derive(Clone, Debug, Serialize)]
pub struct RuleGroup {
    /// The group's name.
    pub name: String,
    /// Its alerts.
    pub rules: Vec<AlertRule>,
}

/// One alerting rule.
#[derive(Clone, Debug, Serialize)]
pub struct AlertRule {
    /// The alert's name (`EliteLitestreamSyncLag`).
    pub alert: String,
    /// The PromQL expression that fires it.
    pub expr: String,
    /// How long the expression must hold before the alert fires.
    #[serde(rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_: Option<String>,
    /// Labels (`severity`).
    pub labels: BTreeMap<String, String>,
    /// Summary, description and runbook URL.
    pub annotations: BTreeMap<String, String>,
}

/// Name of the PrometheusRule and of its rule group.
pub const RULE_NAME: &str = "elite-durability";

/// The PodMonitor scraping the app's durability sidecars: Litestream's `metrics` port (OBS-1) and
/// the config-syncer's `syncer-metrics`; `None` when the app has neither.
pub fn pod_monitor(app: &AppSpec, plan: &PodPlan) -> Option<Object> {
    let mut endpoints = Vec::new();
    for (role, path) in
        [(ContainerRole::Litestream, "/metrics"), (ContainerRole::ConfigSyncer, crate::platform::SYNCER_METRICS_PATH)]
    {
        if let Some(port) = plan.all_containers().find(|c| c.role == role).and_then(|c| c.ports.first()) {
            endpoints.push(PodMetricsEndpoint { port: port.name.clone(), path: path.into(), interval: "30s".into() });
        }
    }
    if endpoints.is_empty() {
        return None;
    }
    Some(Object::new(&PodMonitor {
        api_version: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        metadata: meta(app, crate::pod::names::pod_monitor(app)),
        spec: PodMonitorSpec {
            selector: LabelSelector { match_labels: Some(selector(app)), ..Default::default() },
            pod_metrics_endpoints: endpoints,
        },
    }))
}

fn alert(
    platform: &Platform,
    name: &str,
    expr: &str,
    for_: Option<&str>,
    severity: &str,
    summary: &str,
    description: &str,
) -> AlertRule {
    AlertRule {
        alert: name.into(),
        expr: expr.into(),
        for_: for_.map(str::to_owned),
        labels: BTreeMap::from([("severity".to_owned(), severity.to_owned())]),
        annotations: BTreeMap::from([
            ("summary".to_owned(), summary.to_owned()),
            ("description".to_owned(), description.to_owned()),
            ("runbook_url".to_owned(), format!("{}/{}.md", platform.runbook_base_url, name)),
        ]),
    }
}

/// Litestream has synced nothing for 5 minutes, or its series has vanished (OBS-2).
///
/// `litestream_sync_count{db}` is a counter without `_total`. Series are compared by namespace
/// and database, not by pod: a restarted pod has a new name, and the old pod's series must not
/// look like a vanished one. The second branch keeps a series seen in the last hour that has no
/// sample within the lookback window (5 minutes): the sidecar or its scrape is gone.
pub const SYNC_LAG_EXPR: &str = "sum by (namespace, db) (increase(litestream_sync_count[5m])) == 0\nor\nmax by (namespace, db) (last_over_time(litestream_sync_count[1h]))\n  unless on (namespace, db) litestream_sync_count";

/// A pod's databases took new transactions but its Litestream uploaded nothing for 5 minutes.
///
/// The sync counter of [`SYNC_LAG_EXPR`] counts Litestream's syncs of the WAL into its local LTX
/// files, which go on while S3 refuses every upload: an outage would page no one until the volume
/// is lost. `litestream_replica_operation_total{operation="PUT"}` counts the uploads that
/// succeeded, one series per pod (Litestream labels it by replica type, not by database). A pod
/// whose transactions stand still is not judged: an idle database has nothing to upload, and a
/// sync stalled behind S3 is [`SYNC_LAG_EXPR`]'s. A pod that never uploaded has no such series,
/// which `unless` reads as no upload.
pub const UPLOAD_STALL_EXPR: &str = "sum by (namespace, pod) (changes(litestream_txid[5m])) > 0\nunless on (namespace, pod)\nsum by (namespace, pod) (increase(litestream_replica_operation_total{operation=\"PUT\"}[5m])) > 0";

/// More than 3 restarts of a config-syncer within an hour (OBS-2), from kube-state-metrics.
///
/// `increase()` extrapolates to the window's edges (3 restarts read as 3.05 over a window
/// sampled every minute), so the rule takes the exact difference of the counter over the hour;
/// the counter only resets when the pod is replaced, which makes a new series.
pub const SYNCER_RESTARTS_EXPR: &str = "max_over_time(kube_pod_container_status_restarts_total{container=\"config-syncer\"}[1h])\n- min_over_time(kube_pod_container_status_restarts_total{container=\"config-syncer\"}[1h])\n> 3";

/// A config change has waited longer than the bound to reach S3 (OBS-2): the syncer's own gauge,
/// past [`CONFIG_PENDING_BOUND_SECONDS`](crate::platform::CONFIG_PENDING_BOUND_SECONDS).
pub fn config_pending_expr() -> String {
    format!(
        "max by (namespace, pod) (elite_config_syncer_pending_seconds) > {}",
        crate::platform::CONFIG_PENDING_BOUND_SECONDS
    )
}

/// Average time an I/O waits on a disk (node exporter) above 500 ms for 2 minutes (OBS-2).
///
/// Prometheus has no series joining a PVC to the block device behind it (the kubelet's
/// `kubelet_volume_stats_*` carry the PVC but only capacity and inodes), so the rule judges every
/// disk of the nodes: reads and writes completed, over the time spent on them. A disk with no
/// I/O divides 0 by 0 and never fires. The runbook lists the PVCs of the node it names.
pub const IO_LATENCY_EXPR: &str = "(rate(node_disk_read_time_seconds_total[2m]) + rate(node_disk_write_time_seconds_total[2m]))\n/ (rate(node_disk_reads_completed_total[2m]) + rate(node_disk_writes_completed_total[2m]))\n> 0.5";

/// The rule groups of the durability alerts.
pub fn rule_groups(platform: &Platform) -> RuleGroups {
    RuleGroups {
        groups: vec![RuleGroup {
            name: RULE_NAME.into(),
            rules: vec![
                alert(
                    platform,
                    "EliteLitestreamSyncLag",
                    SYNC_LAG_EXPR,
                    None,
                    "critical",
                    "Litestream has not replicated {{ $labels.db }} in {{ $labels.namespace }} for 5 minutes",
                    "litestream_sync_count has not increased for 5 minutes, or its series has disappeared: writes to this database are not reaching S3.",
                ),
                alert(
                    platform,
                    "EliteLitestreamUploadsStalled",
                    UPLOAD_STALL_EXPR,
                    Some("5m"),
                    "critical",
                    "Litestream in {{ $labels.namespace }}/{{ $labels.pod }} has uploaded nothing to S3 for 5 minutes while its databases changed",
                    "The databases' transactions advance but no upload to S3 has succeeded for 5 minutes: S3 is unreachable or refuses the writes. Everything written since is lost if the volume is lost.",
                ),
                alert(
                    platform,
                    "EliteConfigSyncerRestarts",
                    SYNCER_RESTARTS_EXPR,
                    None,
                    "warning",
                    "config-syncer of {{ $labels.namespace }}/{{ $labels.pod }} restarted more than 3 times in an hour",
                    "The config-syncer sidecar keeps restarting ({{ $value }} restarts in the last hour): config changes may not reach S3.",
                ),
                alert(
                    platform,
                    "EliteConfigSyncPending",
                    &config_pending_expr(),
                    Some("1m"),
                    "warning",
                    "A config change of {{ $labels.namespace }}/{{ $labels.pod }} has waited {{ $value }} s to reach S3",
                    "The config-syncer has had a change pending for longer than it takes when S3 answers (the debounce and one push): S3 is unreachable or every push fails. The change is lost if the volume is lost meanwhile.",
                ),
                alert(
                    platform,
                    "ElitePersistenceLatency",
                    IO_LATENCY_EXPR,
                    Some("2m"),
                    "critical",
                    "I/O on {{ $labels.instance }} {{ $labels.device }} takes more than 500 ms",
                    "The average I/O on this disk has waited {{ $value | humanizeDuration }} for 2 minutes: SQLite commits and Litestream syncs stall.",
                ),
            ],
        }],
    }
}

/// The PrometheusRule holding [`rule_groups`], in the monitoring namespace.
pub fn prometheus_rule(platform: &Platform) -> Object {
    Object::new(&PrometheusRule {
        api_version: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: ObjectMeta {
            name: Some(RULE_NAME.into()),
            namespace: Some(platform.monitoring_namespace.clone()),
            labels: Some(BTreeMap::from([("app.kubernetes.io/part-of".to_owned(), "vixens".to_owned())])),
            ..Default::default()
        },
        spec: rule_groups(platform),
    })
}
