//! `cargo run -- audit`: the catalog over existing manifests.
//!
//! The expected findings on the samples were written by reading the sample files (their lines
//! included), not by running the audit.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

use elite_core::audit::{self, Audit};
use elite_gen::audit::{AuditArgs, Format, audit_paths};

fn sample(path: &str) -> PathBuf {
    common::shared().join("vixens-samples/apps").join(path)
}

fn corpus(name: &str) -> PathBuf {
    common::workspace().join("tests/audit-corpus").join(name)
}

/// The failing (rule, line) pairs of the only workload of `a`.
fn failures(a: &Audit) -> BTreeSet<(&'static str, usize)> {
    assert_eq!(a.workloads.len(), 1, "{a:#?}");
    a.workloads[0].findings.iter().filter(|f| f.status == "fail").map(|f| (f.rule, f.line)).collect()
}

#[test]
fn the_sample_sonarr_shows_its_real_bugs_at_their_lines() {
    let a = audit_paths(&[sample("20-media/sonarr/base/deployment.yaml")]);
    let found = failures(&a);
    // Read from the file: line 25 `priorityClassName: vixens-medium`; line 39 the `args:` of
    // restore-config, whose script ends in `|| true`; line 178 the `args:` of config-syncer, whose
    // script starts with `apk add`; line 112 sonarr's `resources:` (256Mi requested, 1Gi limit);
    // line 8 `spec:`, without revisionHistoryLimit; line 6 `labels:`, without the Elite ones.
    for expected in [("PRIO-2", 25), ("DUR-8", 39), ("DUR-9", 178), ("SIZE-2", 112), ("META-3", 8), ("META-2", 6)] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    let rules: BTreeSet<&str> = found.iter().map(|(r, _)| *r).collect();
    // The sidecars are not Micro (64Mi/128Mi) and run without the security baseline.
    assert_eq!(
        rules,
        BTreeSet::from(["SIZE-2", "SIZE-4", "PRIO-2", "DUR-8", "DUR-9", "META-2", "META-3", "SEC-1", "SEC-2"])
    );
    // What one file cannot show is said, not passed: the runtime (PROBE-3), the databases (DUR-2).
    let undecidable: BTreeSet<&str> =
        a.workloads[0].findings.iter().filter(|f| f.status == "undecidable").map(|f| f.rule).collect();
    assert!(undecidable.contains("PROBE-3") && undecidable.contains("DUR-2"), "{undecidable:?}");
    assert!(!a.workloads[0].claims_elite && !a.workloads[0].elite);
}

#[test]
fn the_sample_adguard_home_and_vaultwarden_show_theirs() {
    // adguard-ss.yaml: no priorityClassName (PRIO-1, in the pod `spec:` of line 18), no probes
    // (PROBE-1), 256Mi requested for a 512Mi limit (SIZE-2, `resources:` at line 25), durability
    // unstated and no durability container (DUR-1).
    let a = audit_paths(&[sample("40-network/adguard-home/base/adguard-ss.yaml")]);
    let rules: BTreeSet<&str> = failures(&a).into_iter().map(|(r, _)| r).collect();
    for r in ["PRIO-1", "PROBE-1", "SIZE-2", "DUR-1", "META-2", "META-3", "SEC-1"] {
        assert!(rules.contains(r), "{r} not in {rules:?}");
    }
    assert!(failures(&a).contains(&("SIZE-2", 25)) && failures(&a).contains(&("PRIO-1", 18)));
    // vaultwarden: vixens-medium, `|| true` in its restore, `apk add` in its syncer.
    let a = audit_paths(&[sample("60-services/vaultwarden/base/deployment.yaml")]);
    let rules: BTreeSet<&str> = failures(&a).into_iter().map(|(r, _)| r).collect();
    for r in ["PRIO-2", "DUR-8", "DUR-9", "SIZE-2"] {
        assert!(rules.contains(r), "{r} not in {rules:?}");
    }
}

#[test]
fn the_generated_tree_as_argocd_builds_it_is_elite_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for app in common::apps() {
        for (_, overlay) in elite_gen::layout::overlays(&app) {
            let built = common::tool("kubectl")
                .arg("kustomize")
                .arg(common::workspace().join("apps").join(&overlay))
                .output()
                .unwrap();
            assert!(built.status.success());
            let file = dir.path().join(format!("{}.yaml", overlay.replace('/', "_")));
            std::fs::write(&file, &built.stdout).unwrap();
            files.push(file);
        }
    }
    let a = audit_paths(&files);
    assert_eq!(a.workloads.len(), files.len(), "one workload per overlay");
    for w in &a.workloads {
        assert!(w.claims_elite && w.elite, "{} {}: {:#?}", w.kind, w.name, w.findings);
    }
    assert!(a.unreadable.is_empty());
    let args = AuditArgs { paths: files, format: Format::Json, strict: true };
    assert_eq!(elite_gen::audit::run(&args), ExitCode::SUCCESS);
}

#[test]
fn real_input_lists_anchors_partial_objects_unknown_kinds_and_malformed_files() {
    let a = audit_paths(&[common::workspace().join("tests/audit-corpus")]);
    let names: Vec<&str> = a.workloads.iter().map(|w| w.name.as_str()).collect();
    // malformed.yaml has no complete document before its error; odd-values, partial-patch and
    // the List's Deployment are judged.
    assert_eq!(names, ["web", "odd", "partial"]);
    assert_eq!(a.skipped, 2, "the List's ConfigMap and the Widget (the List is unpacked, not counted): {a:#?}");
    let web = &a.workloads[0];
    assert!(web.file.ends_with("list-and-anchors.yaml"));
    // Inside the List: `priorityClassName: vixens-low` is line 20, `image: nginx` (no tag) line 23;
    // the labels come through an anchor.
    assert!(web.findings.iter().any(|f| f.rule == "PRIO-2" && f.line == 20), "{:#?}", web.findings);
    assert!(web.findings.iter().any(|f| f.rule == "META-1" && f.line == 23), "{:#?}", web.findings);
    assert!(web.findings.iter().all(|f| !f.message.contains("app.kubernetes.io/name")), "{:#?}", web.findings);
    assert_eq!(a.unreadable.len(), 1);
    assert!(a.unreadable[0].file.ends_with("malformed.yaml") && a.unreadable[0].line >= 5, "{:?}", a.unreadable);
    // Exit status: nothing claims Elite, but a file was unreadable.
    let args = AuditArgs { paths: vec![corpus("list-and-anchors.yaml")], format: Format::Table, strict: false };
    assert_eq!(elite_gen::audit::run(&args), ExitCode::SUCCESS);
    let args = AuditArgs { paths: vec![corpus("list-and-anchors.yaml")], format: Format::Table, strict: true };
    assert_eq!(elite_gen::audit::run(&args), ExitCode::from(1), "--strict fails on a workload that is not Elite");
    let args = AuditArgs { paths: vec![corpus("malformed.yaml")], format: Format::Table, strict: false };
    assert_eq!(elite_gen::audit::run(&args), ExitCode::from(1), "an unreadable file fails the audit");
}

#[test]
fn a_workload_that_claims_elite_and_fails_fails_the_audit() {
    let built = common::kustomize(&common::workspace().join("apps/20-media/sonarr/overlays/prod"));
    let mut sonarr = built.into_iter().find(|o| o["kind"] == "Deployment").unwrap();
    sonarr["spec"]["template"]["spec"]["priorityClassName"] = "vixens-medium".into();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sonarr.yaml");
    std::fs::write(&file, elite_core::render::yaml::to_yaml(&sonarr).unwrap()).unwrap();
    let args = AuditArgs { paths: vec![file.clone()], format: Format::Table, strict: false };
    assert_eq!(elite_gen::audit::run(&args), ExitCode::from(1));
    let a = audit_paths(&[file]);
    assert_eq!(
        a.workloads[0].findings.iter().filter(|f| f.status == "fail").map(|f| f.rule).collect::<Vec<_>>(),
        ["PRIO-2"]
    );
}

#[test]
fn json_and_sarif_carry_every_finding_at_its_file_and_line() {
    let a = audit_paths(&[sample("20-media/sonarr/base/deployment.yaml"), corpus("malformed.yaml")]);
    let json: serde_json::Value = serde_json::from_str(&audit::json(&a)).unwrap();
    assert_eq!(json["schema"], "elite-audit/v1");
    assert_eq!(json["summary"]["workloads"], 1);
    assert_eq!(json["workloads"][0]["name"], "sonarr");
    let findings = a.workloads[0].findings.len();
    assert_eq!(json["workloads"][0]["findings"].as_array().unwrap().len(), findings);
    let sarif: serde_json::Value = serde_json::from_str(&audit::sarif(&a)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), findings + 1, "every finding and the unreadable file");
    let prio = results.iter().find(|r| r["ruleId"] == "PRIO-2").unwrap();
    assert_eq!(prio["locations"][0]["physicalLocation"]["region"]["startLine"], 25);
    assert!(
        prio["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("sonarr/base/deployment.yaml")
    );
    let rule_ids: BTreeSet<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(
        results.iter().all(|r| rule_ids.contains(r["ruleId"].as_str().unwrap())),
        "every result names a declared rule"
    );
}

#[test]
fn the_reader_never_panics_on_mutated_input() {
    // Byte-level mutations (flip, delete, duplicate a span, insert YAML punctuation) of the
    // corpus and the sample manifests; the audit must report, never panic.
    let mut inputs: Vec<String> = std::fs::read_dir(common::workspace().join("tests/audit-corpus"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    inputs.push(std::fs::read_to_string(sample("20-media/sonarr/base/deployment.yaml")).unwrap());
    inputs.push(std::fs::read_to_string(sample("40-network/adguard-home/base/adguard-ss.yaml")).unwrap());
    let mut rng = common::Rng::from_env(0xfeed_u64);
    const PUNCT: &[u8] = b":-[]{}&*!|>'\"#%@` \n\t,?<=";
    for _ in 0..3000 {
        let mut bytes = inputs[rng.below(inputs.len())].clone().into_bytes();
        for _ in 0..1 + rng.below(4) {
            if bytes.is_empty() {
                break;
            }
            let i = rng.below(bytes.len());
            match rng.below(4) {
                0 => bytes[i] = PUNCT[rng.below(PUNCT.len())],
                1 => {
                    let end = (i + rng.below(40)).min(bytes.len());
                    bytes.drain(i..end);
                }
                2 => {
                    let end = (i + rng.below(40)).min(bytes.len());
                    let span = bytes[i..end].to_vec();
                    bytes.splice(i..i, span);
                }
                _ => bytes.insert(i, PUNCT[rng.below(PUNCT.len())]),
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        let mut a = Audit::default();
        a.add("mutated.yaml", &text);
        let _ = (audit::table(&a), audit::json(&a), audit::sarif(&a));
    }
}

#[test]
fn the_sample_homeassistant_and_radarr_show_theirs() {
    // homeassistant/base/deployment.yaml, read: a `busybox:latest` init container (line 96,
    // META-1); the restore-config `args:` at line 46 end in `|| true` (DUR-8); the config-syncer
    // `args:` at line 221 run `apk add` (DUR-9); the home-assistant container (line 142) has no
    // probes (PROBE-1).
    let a = audit_paths(&[sample("10-home/homeassistant/base/deployment.yaml")]);
    let found = failures(&a);
    for expected in [("META-1", 96), ("DUR-8", 46), ("DUR-9", 221), ("PROBE-1", 142)] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    // radarr: the sonarr pattern (vixens-medium at 25, `|| true` at 39, `apk add` at 178).
    let a = audit_paths(&[sample("20-media/radarr/base/deployment.yaml")]);
    let found = failures(&a);
    for expected in [("PRIO-2", 25), ("DUR-8", 39), ("DUR-9", 178)] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
}
