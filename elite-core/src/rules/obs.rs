//! OBS: observability of the durability path.

use super::{Hint, Rule, RuleId, Severity, Stage::*};
use crate::platform::METRICS_PORT;
use crate::pod::ContainerRole;

const GENERATED: &str = "the generator writes the PodMonitor and the prometheus.io annotations; nothing to declare";

pub const OBS_1: Rule = Rule {
    id: RuleId::Obs1,
    title: concat!(
        "Litestream metrics on :",
        crate::platform::metrics_port!(),
        " are scraped (PodMonitor, ServiceMonitor, or the prometheus.io/* annotations)."
    ),
    rationale: "Replication that nobody watches fails silently; the sync counter is what the lag alert reads.",
    severity: Severity::Medium,
    stages: &[Construction],
    hint: Hint {
        dsl: GENERATED,
        builder: GENERATED,
        data: GENERATED,
        manifest: concat!(
            "annotate the pod prometheus.io/scrape: \"true\" and prometheus.io/port: \"",
            crate::platform::metrics_port!(),
            "\", or add a PodMonitor on the metrics port"
        ),
    },
    check: Some(|f, j| {
        if f.container(ContainerRole::Litestream).is_none() {
            return;
        }
        let a = &f.pod_annotations.value;
        let annotated = a.get("prometheus.io/scrape").map(String::as_str) == Some("true")
            && a.get("prometheus.io/port").map(String::as_str) == Some(METRICS_PORT.to_string().as_str());
        if !annotated {
            j.undecidable(concat!(
                "no prometheus.io annotations for port ",
                crate::platform::metrics_port!(),
                "; a PodMonitor may scrape it (not visible on the workload)"
            ));
        }
    }),
    cel: None,
};

pub const OBS_2: Rule = Rule {
    id: RuleId::Obs2,
    title: "Alert rules exist and are tested: litestream sync lag (critical, 5 min), litestream uploads stalled while transactions advance (critical, 5 min for 5 min), config-syncer restarts (warning, > 3 in 1 h), a config change pending past its bound (warning, > 80 s for 1 min), persistence latency (critical, > 500 ms for 2 min).",
    rationale: "The durability path fails quietly: a frozen sync counter, uploads that S3 refuses while the local sync goes on, a syncer that keeps restarting or cannot push, a slow disk. Each has an alert, unit-tested with promtool.",
    severity: Severity::Medium,
    // Not a predicate on a workload: the generator always writes the PrometheusRule
    // (apps/_shared/monitoring), and tests/tests/monitoring.rs runs promtool on it.
    stages: &[Construction],
    hint: Hint {
        dsl: "the generator writes the PrometheusRule `elite-durability`; nothing to declare",
        builder: "the generator writes the PrometheusRule `elite-durability`; nothing to declare",
        data: "the generator writes the PrometheusRule `elite-durability`; nothing to declare",
        manifest: "deploy the PrometheusRule elite-durability from apps/_shared/monitoring",
    },
    check: None,
    cel: None,
};
