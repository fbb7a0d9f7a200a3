//! The embedding example run as a user runs it: a good description is rendered to a tree and
//! audits as Elite; a description that breaks a rule is reported with its rule id and line, and
//! is not rendered; an unreadable one is an input error.

use std::process::{Command, Output};

const GOOD: &str = "\
name: whoami
category: Tools
size: Small
priority: High
runtime: Go
image: traefik/whoami:v1.10.1
ports:
- name: http
  number: 80
probes:
  liveness:
    action:
      Http:
        path: /health
        port: http
  readiness:
    action:
      Http:
        path: /health
        port: http
durability:
  stateless: answers from memory
";

fn portal_check(out: &std::path::Path, files: &[&std::path::Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portal-check")).arg("--out").arg(out).args(files).output().unwrap()
}

#[test]
fn a_good_app_is_rendered_and_audits_as_elite() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("whoami.yaml");
    std::fs::write(&file, GOOD).unwrap();
    let out = dir.path().join("apps");
    let run = portal_check(&out, &[&file]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}{}", String::from_utf8_lossy(&run.stderr));
    for f in [
        "70-tools/whoami/base/kustomization.yaml",
        "70-tools/whoami/overlays/prod/kustomization.yaml",
        "_argocd/prod/application-whoami.yaml",
    ] {
        assert!(out.join(f).is_file(), "{f} was not written: {stdout}");
    }
    let verdicts: Vec<&str> = stdout.lines().filter(|l| l.starts_with("whoami/")).collect();
    assert_eq!(verdicts.len(), 2, "one workload per environment: {stdout}");
    assert!(verdicts.iter().all(|l| l.ends_with(": Elite")), "{stdout}");
}

#[test]
fn a_broken_rule_is_reported_with_its_id_and_line_and_nothing_of_it_is_rendered() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("whoami.yaml");
    std::fs::write(&file, GOOD.replace("priority: High", "priority: Medium")).unwrap();
    let out = dir.path().join("apps");
    let run = portal_check(&out, &[&file]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("whoami.yaml:4: [PRIO-2]"), "{stdout}");
    assert!(!stdout.lines().any(|l| l.starts_with("whoami/")), "a broken app is not rendered: {stdout}");
}

#[test]
fn an_unknown_field_is_an_input_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("whoami.yaml");
    std::fs::write(&file, GOOD.replace("runtime: Go", "runtime: Go\nreplica: 2")).unwrap();
    let run = portal_check(&dir.path().join("apps"), &[&file]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("line 6") && stderr.contains("replica"), "{stderr}");
}
