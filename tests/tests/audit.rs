//! `elite audit`: the catalog over existing manifests and kustomize folders.
//!
//! The expected findings were written by reading the fixture files (`tests/fixtures/before`,
//! whose README lists the bugs each reproduces), never by running the audit: each expected line
//! is found by searching the fixture's text.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use common::*;
use elite_core::audit::{self, Audit, FindingStatus, InputProblem, SarifOptions};
use elite_core::rules::{RuleId, Severity};
use elite_gen::audit::{Options, audit_paths, fails};

fn before(path: &str) -> PathBuf {
    fixtures().join("before").join(path)
}

fn corpus(name: &str) -> PathBuf {
    workspace().join("tests/audit-corpus").join(name)
}

/// Every file alone, as `--no-build` does.
fn alone() -> Options {
    Options { build: false, ..Options::default() }
}

/// The 1-based line of the first line containing `needle` after the first line containing
/// `anchor` (or from the top when `anchor` is empty).
fn line_after(file: &Path, anchor: &str, needle: &str) -> usize {
    let text = fs::read_to_string(file).unwrap();
    let start =
        text.lines().position(|l| l.contains(anchor)).unwrap_or_else(|| panic!("{anchor:?} not in {}", file.display()));
    let offset = text
        .lines()
        .skip(start)
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} after {anchor:?} not in {}", file.display()));
    start + offset + 1
}

/// The failing (rule, line) pairs of the only workload of `a`.
fn failures(a: &Audit) -> BTreeSet<(RuleId, usize)> {
    assert_eq!(a.workloads.len(), 1, "{a:#?}");
    a.workloads[0].findings.iter().filter(|f| f.status == FindingStatus::Fail).map(|f| (f.rule, f.line)).collect()
}

fn failing_rules(a: &Audit) -> BTreeSet<RuleId> {
    failures(a).into_iter().map(|(r, _)| r).collect()
}

#[test]
fn the_hand_kept_sonarr_shows_its_real_bugs_at_their_lines() {
    let file = before("20-media/sonarr/base/deployment.yaml");
    let a = audit_paths(std::slice::from_ref(&file), &alone());
    let found = failures(&a);
    let expected = [
        (RuleId::Prio2, line_after(&file, "", "priorityClassName: vixens-medium")),
        // `|| true` in restore-config's script: the finding is at its `args:`.
        (RuleId::Dur8, line_after(&file, "name: restore-config", "args:")),
        (RuleId::Dur9, line_after(&file, "name: config-syncer", "args:")),
        // The regular expression given to rclone's glob filter, in the same script.
        (RuleId::Dur3, line_after(&file, "name: config-syncer", "args:")),
        // Litestream as a regular container, stopped with the app.
        (RuleId::Dur2, line_after(&file, "containers:", "- name: litestream")),
        (RuleId::Size2, line_after(&file, "- name: sonarr", "resources:")),
        (RuleId::Meta1, line_after(&file, "", "busybox:latest")),
        (RuleId::Meta3, line_after(&file, "", "spec:")),
    ];
    for e in expected {
        assert!(found.contains(&e), "{e:?} not in {found:?}");
    }
    let dur3 = a.workloads[0].findings.iter().find(|f| f.rule == RuleId::Dur3 && f.message.contains("glob")).unwrap();
    assert!(dur3.message.contains(r#"--exclude ".*\.db.*""#), "{}", dur3.message);
    // What one file cannot show is said, not passed: the runtime (PROBE-3), the databases.
    let undecidable: BTreeSet<RuleId> =
        a.workloads[0].findings.iter().filter(|f| f.status == FindingStatus::Undecidable).map(|f| f.rule).collect();
    assert!(undecidable.contains(&RuleId::Probe3) && undecidable.contains(&RuleId::Dur4), "{undecidable:?}");
    assert!(!a.workloads[0].claims_elite && !a.workloads[0].elite);
}

#[test]
fn the_other_hand_kept_apps_show_theirs() {
    // radarr: no priority class (PRIO-1 and PRIO-2), a rolling update with a replicated
    // database (DUR-6), liveness failureThreshold 5 (PROBE-2), litestream without a restore step.
    let file = before("20-media/radarr/base/deployment.yaml");
    let a = audit_paths(std::slice::from_ref(&file), &alone());
    let rules = failing_rules(&a);
    for r in [RuleId::Prio1, RuleId::Prio2, RuleId::Dur6, RuleId::Probe2, RuleId::Dur2, RuleId::Size2] {
        assert!(rules.contains(&r), "radarr: {r} not in {rules:?}");
    }
    assert!(failures(&a).contains(&(RuleId::Probe2, line_after(&file, "", "failureThreshold: 5"))));

    // adguard-home: two replicas replicating one path (DUR-6), no probes (PROBE-1), no priority.
    let file = before("40-network/adguard-home/base/statefulset.yaml");
    let a = audit_paths(std::slice::from_ref(&file), &alone());
    let rules = failing_rules(&a);
    for r in [RuleId::Dur6, RuleId::Probe1, RuleId::Prio1, RuleId::Size1, RuleId::Size2] {
        assert!(rules.contains(&r), "adguard-home: {r} not in {rules:?}");
    }
    assert!(failures(&a).contains(&(RuleId::Dur6, line_after(&file, "", "replicas: 2"))));

    // vaultwarden: a literal admin token (DUR-7), at its line.
    let file = before("60-services/vaultwarden/base/deployment.yaml");
    let a = audit_paths(std::slice::from_ref(&file), &alone());
    assert!(failures(&a).contains(&(RuleId::Dur7, line_after(&file, "", "name: ADMIN_TOKEN"))), "{:?}", failures(&a));

    // homeassistant: root and the host network, without an exception (SEC-1).
    let file = before("10-home/homeassistant/base/deployment.yaml");
    let a = audit_paths(std::slice::from_ref(&file), &alone());
    let sec: Vec<&str> =
        a.workloads[0].findings.iter().filter(|f| f.rule == RuleId::Sec1).map(|f| f.message.as_str()).collect();
    assert!(sec.iter().any(|m| m.contains("hostNetwork")), "{sec:#?}");
    assert!(sec.iter().any(|m| m.contains("root")), "{sec:#?}");
}

#[test]
fn a_kustomize_folder_is_built_and_each_finding_points_at_the_file_that_produced_it() {
    // The homeassistant overlay uses the two hand-kept components: elite-standard adds a
    // container named `.*` (strategic merge matches names literally), elite-syncer adds a
    // config-syncer that runs `apk add`.
    let a = audit_paths(&[before("10-home")], &Options::default());
    assert!(a.unreadable.is_empty(), "{:#?}", a.unreadable);
    assert_eq!(a.workloads.len(), 1, "the base is part of the overlay: audited once, built");
    let w = &a.workloads[0];
    assert_eq!(w.namespace.as_deref(), Some("homeassistant"), "the kustomization's namespace applies");
    let standard = before("_components/elite-standard/kustomization.yaml");
    let syncer = before("_components/elite-syncer/kustomization.yaml");
    let deployment = before("10-home/homeassistant/base/deployment.yaml");
    let at = |rule: RuleId, needle: &str| {
        w.findings
            .iter()
            .filter(|f| f.rule == rule && f.message.contains(needle))
            .map(|f| (PathBuf::from(&f.file), f.line))
            .collect::<Vec<_>>()
    };
    let same = |p: &Path| fs::canonicalize(p).unwrap();
    let check = |found: Vec<(PathBuf, usize)>, file: &Path, line: usize, what: &str| {
        assert!(!found.is_empty(), "{what}: no finding");
        for (f, l) in found {
            assert_eq!((same(&f), l), (same(file), line), "{what}");
        }
    };
    check(at(RuleId::Meta2, "`.*`"), &standard, line_after(&standard, "", "name: \".*\""), "the `.*` container's name");
    check(
        at(RuleId::Dur9, "apk add"),
        &syncer,
        line_after(&syncer, "", "name: config-syncer"),
        "apk add in the syncer",
    );
    check(
        at(RuleId::Prio2, "vixens-medium"),
        &deployment,
        line_after(&deployment, "", "priorityClassName"),
        "the priority, in the base",
    );
}

#[test]
fn an_overlay_that_does_not_build_is_named_and_its_base_is_audited() {
    let a = audit_paths(&[before("20-media/sonarr")], &Options::default());
    assert_eq!(a.unreadable.len(), 1, "{:#?}", a.unreadable);
    let u = &a.unreadable[0];
    assert_eq!(u.problem, InputProblem::Build);
    assert!(u.file.ends_with("sonarr/overlays/prod"), "{u:?}");
    assert!(u.message.contains("must specify one of patch and path"), "kustomize's own reason: {}", u.message);
    assert_eq!(a.workloads.len(), 1, "the base, audited instead");
    assert!(a.workloads[0].file.ends_with("sonarr/base/deployment.yaml"));
}

#[test]
fn the_generated_tree_audits_as_elite_everywhere_as_argocd_builds_it() {
    let ws = workspace_config();
    // With the exceptions the tree grants (the command line reads them from the workspace).
    let grants =
        elite_gen::audit::grants(&[ws.apps.join(elite_gen::layout::EXCEPTIONS_DIR)], &Default::default()).unwrap();
    let a = audit_paths(std::slice::from_ref(&ws.apps), &Options { grants, ..Options::default() });
    assert!(a.unreadable.is_empty(), "{:#?}", a.unreadable);
    let overlays: usize = apps().iter().map(|app| app.environments.len()).sum();
    assert_eq!(a.workloads.len(), overlays, "one workload per overlay, bases and components not audited alone");
    for w in &a.workloads {
        assert!(w.file.contains("/base/"), "{}: the finding's file is the base that declares it", w.file);
        let failing: Vec<_> = w.findings.iter().filter(|f| f.status == FindingStatus::Fail).collect();
        assert!(w.claims_elite && w.elite, "{} {}: {failing:#?}", w.kind, w.name);
    }
    let ws = TempWorkspace::new();
    assert_eq!(ws.run(&["audit", "--strict", workspace_config().apps.to_str().unwrap()], vec![]), ExitCode::SUCCESS);
}

#[test]
fn a_workload_that_claims_elite_and_fails_fails_the_audit() {
    let dir = tempfile::tempdir().unwrap();
    // Jellyfin is a standard app: vixens-medium breaks PRIO-2 only.
    let file =
        built("jellyfin", dir.path(), |o| o["spec"]["template"]["spec"]["priorityClassName"] = "vixens-medium".into());
    let ws = TempWorkspace::new();
    assert_eq!(ws.run(&["audit", file.to_str().unwrap()], vec![]), ExitCode::from(1));
    let a = audit_paths(std::slice::from_ref(&file), &Options::default());
    let failing: Vec<RuleId> =
        a.workloads[0].findings.iter().filter(|f| f.status == FindingStatus::Fail).map(|f| f.rule).collect();
    assert_eq!(failing, [RuleId::Prio2]);
    // --fail-on high: PRIO-2 is of medium severity, so the audit passes.
    assert_eq!(elite_core::rules::rule(RuleId::Prio2).severity, Severity::Medium);
    assert!(!fails(&a, false, Severity::High));
    assert_eq!(ws.run(&["audit", "--fail-on", "high", file.to_str().unwrap()], vec![]), ExitCode::SUCCESS);
    // --exclude PRIO-2: no finding left.
    assert_eq!(ws.run(&["audit", "--exclude", "PRIO-2", file.to_str().unwrap()], vec![]), ExitCode::SUCCESS);
}

#[test]
fn real_input_lists_anchors_partial_objects_unknown_kinds_and_malformed_files() {
    let a = audit_paths(&[workspace().join("tests/audit-corpus")], &Options::default());
    let names: BTreeSet<&str> = a.workloads.iter().map(|w| w.name.as_str()).collect();
    // malformed.yaml has no complete document before its error; the others are judged.
    assert_eq!(names, BTreeSet::from(["web", "odd", "partial"]));
    assert_eq!(a.skipped, 2, "the List's ConfigMap and the Widget: {a:#?}");
    let web = a.workloads.iter().find(|w| w.name == "web").unwrap();
    let file = corpus("list-and-anchors.yaml");
    assert!(web.file.ends_with("list-and-anchors.yaml"));
    // Inside the List, with the labels through an anchor and a merge key.
    assert!(
        web.findings.iter().any(|f| f.rule == RuleId::Prio2 && f.line == line_after(&file, "", "vixens-low")),
        "{:#?}",
        web.findings
    );
    assert!(
        web.findings.iter().any(|f| f.rule == RuleId::Meta1 && f.line == line_after(&file, "", "image: nginx")),
        "{:#?}",
        web.findings
    );
    assert!(web.findings.iter().all(|f| !f.message.contains("app.kubernetes.io/name")), "{:#?}", web.findings);
    assert_eq!(a.unreadable.len(), 1);
    assert!(a.unreadable[0].file.ends_with("malformed.yaml") && a.unreadable[0].line >= 5, "{:?}", a.unreadable);
    assert_eq!(a.unreadable[0].problem, InputProblem::Syntax);
    // Exit codes: 0 when nothing claims Elite, 1 with --strict, 2 when an input is unreadable.
    let ws = TempWorkspace::new();
    let list = corpus("list-and-anchors.yaml");
    assert_eq!(ws.run(&["audit", list.to_str().unwrap()], vec![]), ExitCode::SUCCESS);
    assert_eq!(ws.run(&["audit", "--strict", list.to_str().unwrap()], vec![]), ExitCode::from(1));
    assert_eq!(ws.run(&["audit", corpus("malformed.yaml").to_str().unwrap()], vec![]), ExitCode::from(2));
    assert_eq!(ws.run(&["audit", "/nonexistent/file.yaml"], vec![]), ExitCode::from(2));
    let missing = audit_paths(&[PathBuf::from("/nonexistent/file.yaml")], &Options::default());
    assert_eq!(missing.unreadable[0].problem, InputProblem::Unreadable, "a missing file is not called malformed");
}

#[test]
fn a_key_written_twice_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("twice.yaml");
    fs::write(&file, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n  name: b\nspec: {}\n").unwrap();
    let a = audit_paths(std::slice::from_ref(&file), &Options::default());
    assert!(a.workloads.is_empty());
    assert_eq!((a.unreadable[0].problem, a.unreadable[0].line), (InputProblem::Syntax, 5), "{:?}", a.unreadable);
    assert!(a.unreadable[0].message.contains("`name`"), "{}", a.unreadable[0].message);
}

/// A generated workload that needs no exception, built, as a file in `dir`, with `edit` applied.
fn built(app: &str, dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let ws = workspace_config();
    let spec = apps().into_iter().find(|a| a.name == app).unwrap();
    assert!(spec.exceptions.is_empty());
    let built = kustomize(&ws.apps.join(ws.platform.folder(&spec)).join("overlays/prod"));
    let mut w = built.into_iter().find(|o| o["kind"] == "Deployment").unwrap();
    edit(&mut w);
    let file = dir.join(format!("{app}.yaml"));
    fs::write(&file, elite_core::render::yaml::to_yaml(&w).unwrap()).unwrap();
    file
}

#[test]
fn an_exception_suppresses_a_security_finding_only_when_the_repository_grants_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = built("jellyfin", dir.path(), |o| {
        o["spec"]["template"]["spec"]["hostNetwork"] = true.into();
        o["spec"]["template"]["metadata"]["annotations"]["vixens.io/exception.sec-1"] =
            "reaches devices on the LAN".into();
        // A claim on a rule that cannot be excepted is ignored, and said so.
        o["spec"]["template"]["metadata"]["annotations"]["vixens.io/exception.prio-2"] = "I want medium".into();
        o["spec"]["template"]["spec"]["priorityClassName"] = "vixens-medium".into();
    });
    let claimed_only = audit_paths(std::slice::from_ref(&file), &Options::default());
    let w = &claimed_only.workloads[0];
    assert!(
        w.findings.iter().any(|f| f.rule == RuleId::Sec1 && f.status == FindingStatus::Fail),
        "a claim alone suppresses nothing"
    );
    assert!(
        w.ignored_exceptions.iter().any(|e| e.starts_with("sec-1") && e.contains("not granted")),
        "{:?}",
        w.ignored_exceptions
    );

    let exceptions = dir.path().join("exceptions.yaml");
    fs::write(
        &exceptions,
        "apiVersion: kyverno.io/v2\nkind: PolicyException\nmetadata:\n  name: jellyfin-host-network\n  namespace: kyverno\n  annotations:\n    vixens.io/exception-rules: sec-1, prio-2\nspec:\n  exceptions: []\n  match:\n    any:\n      - resources:\n          kinds: [Deployment]\n          namespaces: [media]\n          names: [jellyfin]\n",
    )
    .unwrap();
    let grants = elite_gen::audit::grants(std::slice::from_ref(&exceptions), &Default::default()).unwrap();
    let granted = audit_paths(std::slice::from_ref(&file), &Options { grants, ..Options::default() });
    let w = &granted.workloads[0];
    let sec1 = w.findings.iter().find(|f| f.rule == RuleId::Sec1).unwrap();
    assert_eq!(sec1.status, FindingStatus::Suppressed);
    assert!(sec1.suppressed_by.as_deref().unwrap().contains("reaches devices on the LAN"));
    assert!(
        w.findings.iter().any(|f| f.rule == RuleId::Prio2 && f.status == FindingStatus::Fail),
        "PRIO-2 is never excepted"
    );
    assert!(
        w.ignored_exceptions.iter().any(|e| e.starts_with("prio-2") && e.contains("cannot be excepted")),
        "{:?}",
        w.ignored_exceptions
    );
    // Through the command line, with --exceptions.
    let ws = TempWorkspace::new();
    let args = ["audit", "--exclude", "PRIO-2", "--exceptions", exceptions.to_str().unwrap(), file.to_str().unwrap()];
    assert_eq!(ws.run(&args, vec![]), ExitCode::SUCCESS);
    let args = ["audit", "--exclude", "PRIO-2", file.to_str().unwrap()];
    assert_eq!(ws.run(&args, vec![]), ExitCode::from(1));
}

#[test]
fn json_and_sarif_carry_every_finding_at_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    // A file name that must be percent-encoded in a URI.
    let odd = dir.path().join("my app#1.yaml");
    fs::copy(before("20-media/sonarr/base/deployment.yaml"), &odd).unwrap();
    let a = audit_paths(&[odd.clone(), corpus("malformed.yaml")], &Options::default());
    let json: serde_json::Value = serde_json::from_str(&audit::json(&a)).unwrap();
    assert_eq!(json["schema"], audit::JSON_SCHEMA);
    assert_eq!(json["summary"]["workloads"], 1);
    assert_eq!(json["workloads"][0]["name"], "sonarr");
    let findings = a.workloads[0].findings.len();
    assert_eq!(json["workloads"][0]["findings"].as_array().unwrap().len(), findings);
    assert_eq!(
        json["workloads"][0]["findings"][0]["status"]
            .as_str()
            .map(|s| ["fail", "undecidable", "suppressed"].contains(&s)),
        Some(true)
    );

    let options = SarifOptions {
        version: "9.9.9".into(),
        root: Some(dir.path().to_path_buf()),
        rules_url: "https://example.test/RULES.md".into(),
        base: None,
    };
    let sarif: serde_json::Value = serde_json::from_str(&audit::sarif(&a, &options)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], "9.9.9");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), findings + 1, "every finding and the unreadable file");
    let prio = results.iter().find(|r| r["ruleId"] == "PRIO-2").unwrap();
    let loc = &prio["locations"][0]["physicalLocation"];
    assert_eq!(loc["region"]["startLine"], line_after(&odd, "", "priorityClassName"));
    assert_eq!(loc["artifactLocation"]["uri"], "my%20app%231.yaml", "relative to the root, percent-encoded");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    // Fingerprints are stable across runs and distinct per finding.
    let prints: Vec<&str> =
        results.iter().filter_map(|r| r["partialFingerprints"]["eliteFinding/v1"].as_str()).collect();
    assert_eq!(prints.len(), findings);
    assert_eq!(prints.iter().collect::<BTreeSet<_>>().len(), findings, "one fingerprint per finding");
    let again: serde_json::Value =
        serde_json::from_str(&audit::sarif(&audit_paths(std::slice::from_ref(&odd), &Options::default()), &options))
            .unwrap();
    assert_eq!(again["runs"][0]["results"][0]["partialFingerprints"], results[0]["partialFingerprints"]);
    let rules = driver["rules"].as_array().unwrap();
    let prio_rule = rules.iter().find(|r| r["id"] == "PRIO-2").unwrap();
    assert_eq!(prio_rule["helpUri"], "https://example.test/RULES.md#prio-2");
    let rule_ids: BTreeSet<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(
        results.iter().all(|r| rule_ids.contains(r["ruleId"].as_str().unwrap())),
        "every result names a declared rule"
    );
}

#[test]
fn the_table_names_the_file_of_each_workload() {
    let a = audit_paths(
        &[before("20-media/radarr/base/deployment.yaml"), before("60-services/vaultwarden/base/deployment.yaml")],
        &alone(),
    );
    let table = audit::table(&a);
    // The findings as they are found, then the table of workloads, then the summary.
    let lines: Vec<&str> = table.lines().collect();
    let header = lines.iter().position(|l| l.starts_with("FILE")).expect("a header");
    assert!(lines[..header].iter().all(|l| l.contains(": [") || l.contains(": suppressed [")), "{table}");
    assert!(lines.last().unwrap().contains("2 workloads"), "{table}");
    assert!(
        table.lines().any(|l| l.contains("radarr/base/deployment.yaml:") && l.contains("Deployment/radarr")),
        "{table}"
    );
}
