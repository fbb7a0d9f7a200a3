//! OBS: observability of the durability path.

use super::{Rule, Stage::*};
use crate::pod::ContainerRole;

pub const OBS_1: Rule = Rule {
    id: "OBS-1",
    title: "Litestream metrics on :9090 are scraped (PodMonitor, ServiceMonitor, or the prometheus.io/* annotations).",
    stages: &[Construction],
    hint: "the generator writes a PodMonitor on the `metrics` port of every pod that runs a litestream sidecar, and annotates the pod with prometheus.io/scrape, port 9090 and path /metrics",
    check: Some(|f, j| {
        if f.container(ContainerRole::Litestream).is_none() {
            return;
        }
        let a = &f.pod_annotations.value;
        let annotated = a.get("prometheus.io/scrape").map(String::as_str) == Some("true")
            && a.get("prometheus.io/port").map(String::as_str) == Some("9090");
        if !annotated {
            j.undecidable(
                "no prometheus.io annotations for port 9090; a PodMonitor may scrape it (not visible on the workload)",
            );
        }
    }),
    cel: None,
};

pub const OBS_2: Rule = Rule {
    id: "OBS-2",
    title: "Alert rules exist and are tested: litestream sync lag (critical, 5 min), config-syncer restarts (warning, > 3 in 1 h), persistence latency (critical, > 500 ms for 2 min).",
    // Not a predicate on a workload: the generator always writes the PrometheusRule
    // (apps/_shared/monitoring), and tests/tests/monitoring.rs runs promtool on it.
    stages: &[Construction],
    hint: "the generator writes the PrometheusRule `elite-durability`; promtool checks and unit-tests it",
    check: None,
    cel: None,
};
