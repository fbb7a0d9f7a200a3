//! [OBS-1] [OBS-2]: the generated scraping and alerts. The committed PrometheusRule passes
//! `promtool check rules`, and `promtool test rules` shows each alert firing when it should and
//! silent when it should not (tests/monitoring/elite-durability.test.yaml). Every pod with a
//! durability sidecar has its metrics port scraped by a PodMonitor.

mod common;

use std::path::Path;

use elite_core::render::monitoring;
use serde_json::Value;

fn committed(path: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(common::workspace().join("apps").join(path)).unwrap();
    common::parse_yaml_stream(&text)
}

fn promtool(args: &[&str], dir: &Path) -> String {
    let out = common::tool("promtool").args(args).current_dir(dir).output().expect("promtool runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "promtool {args:?} failed:\n{text}");
    text
}

/// The committed PrometheusRule's groups, written where the promtool test file expects them.
fn rules_dir() -> tempfile::TempDir {
    let rule = committed("_shared/monitoring/prometheusrule-monitoring-elite-durability.yaml").remove(0);
    assert_eq!(rule["kind"], "PrometheusRule");
    let dir = tempfile::tempdir().unwrap();
    let groups = elite_core::render::yaml::to_yaml(&rule["spec"]).unwrap();
    std::fs::write(dir.path().join("rules.yaml"), groups).unwrap();
    let fixture = common::workspace().join("tests/monitoring/elite-durability.test.yaml");
    std::fs::copy(fixture, dir.path().join("test.yaml")).unwrap();
    dir
}

#[test]
fn the_rule_groups_pass_promtool_check() {
    let dir = rules_dir();
    let out = promtool(&["check", "rules", "rules.yaml"], dir.path());
    assert!(out.contains("SUCCESS: 5 rules found"), "{out}");
}

#[test]
fn each_alert_fires_when_it_should_and_only_then() {
    let dir = rules_dir();
    promtool(&["test", "rules", "test.yaml"], dir.path());
}

#[test]
fn the_promtool_test_catches_a_wrong_threshold() {
    // The unit tests judge the thresholds: with `> 4` restarts, the 4-restart case goes silent;
    // counting every S3 operation as an upload hides an outage during which reads go on.
    let dir = rules_dir();
    let rules = std::fs::read_to_string(dir.path().join("rules.yaml")).unwrap();
    for (from, to) in [("> 3", "> 4"), ("> 80", "> 200"), ("{operation=\"PUT\"}", "")] {
        let weakened = rules.replace(from, to);
        assert_ne!(rules, weakened);
        std::fs::write(dir.path().join("rules.yaml"), weakened).unwrap();
        let out =
            common::tool("promtool").args(["test", "rules", "test.yaml"]).current_dir(dir.path()).output().unwrap();
        assert!(!out.status.success(), "promtool test passed with `{to}` instead of `{from}`");
    }
}

#[test]
fn the_alerts_are_the_documents_three_stalled_uploads_and_the_pending_change_with_severity_and_runbook() {
    let groups = monitoring::rule_groups(&Default::default());
    let rules: Vec<(&str, &str)> =
        groups.groups[0].rules.iter().map(|r| (r.alert.as_str(), r.labels["severity"].as_str())).collect();
    assert_eq!(
        rules,
        [
            ("EliteLitestreamSyncLag", "critical"),
            ("EliteLitestreamUploadsStalled", "critical"),
            ("EliteConfigSyncerRestarts", "warning"),
            ("EliteConfigSyncPending", "warning"),
            ("ElitePersistenceLatency", "critical")
        ]
    );
    for r in &groups.groups[0].rules {
        let runbook = common::workspace().join(format!("docs/runbooks/{}.md", r.alert));
        assert!(runbook.exists(), "{} has its runbook at {}", r.alert, runbook.display());
        assert!(r.annotations["runbook_url"].ends_with(&format!("/{}.md", r.alert)));
    }
}

#[test]
fn every_durability_sidecar_is_scraped_on_the_port_it_declares() {
    let ws = common::workspace_config();
    for app in common::apps() {
        let objects = common::kustomize(&ws.apps.join(ws.platform.folder(&app)).join("overlays/prod"));
        let workload =
            objects.iter().find(|o| matches!(o["kind"].as_str(), Some("Deployment" | "StatefulSet"))).unwrap();
        let pod = &workload["spec"]["template"];
        let sidecar = |name: &str| {
            pod["spec"]["initContainers"].as_array().into_iter().flatten().find(|c| c["name"] == name).cloned()
        };
        // Litestream's sync counter on 9090 at /metrics; the config-syncer's gauges on 9091 at
        // /metrics.txt.
        let expected: Vec<(Value, u64, &str)> =
            [("litestream", 9090, "/metrics"), ("config-syncer", 9091, "/metrics.txt")]
                .into_iter()
                .filter_map(|(n, port, path)| sidecar(n).map(|c| (c, port, path)))
                .collect();
        let monitors: Vec<&Value> = objects.iter().filter(|o| o["kind"] == "PodMonitor").collect();
        if expected.is_empty() {
            assert!(monitors.is_empty(), "{}: nothing to scrape, no PodMonitor", app.name);
            continue;
        }
        assert_eq!(monitors.len(), 1, "{}: one PodMonitor", app.name);
        let m = monitors[0];
        for (k, v) in m["spec"]["selector"]["matchLabels"].as_object().unwrap() {
            assert_eq!(&pod["metadata"]["labels"][k], v, "{}: the PodMonitor selects the pod", app.name);
        }
        let endpoints = m["spec"]["podMetricsEndpoints"].as_array().unwrap();
        assert_eq!(endpoints.len(), expected.len(), "{}", app.name);
        for (c, number, path) in &expected {
            let declared = c["ports"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["containerPort"] == *number)
                .unwrap_or_else(|| panic!("{}: {} declares {number}", app.name, c["name"]));
            assert!(
                endpoints.iter().any(|e| e["port"] == declared["name"] && e["path"] == *path),
                "{}: {} scraped on {} at {path}",
                app.name,
                c["name"],
                declared["name"]
            );
        }
        assert_eq!(m["metadata"]["namespace"], workload["metadata"]["namespace"]);
    }
}
