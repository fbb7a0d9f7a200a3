//! `cargo run -- report`: the conformity report of `docs/reports/`.

mod common;

use std::process::ExitCode;

use elite_gen::report::{ReportArgs, files, rows};

#[test]
fn the_committed_report_is_the_declarations_report() {
    let rows = rows(&common::apps(), &[]).unwrap();
    assert!(rows.iter().all(|r| r.elite), "every declared app is Elite");
    for (name, content) in files(&rows) {
        let path = common::workspace().join("docs/reports").join(name);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(committed == content, "{} is out of date: run `cargo run -- report`", path.display());
    }
}

#[test]
fn pod_totals_count_sidecars_as_the_scheduler_does() {
    let include = [common::shared().join("vixens-samples/apps/20-media/sonarr/base/deployment.yaml")];
    let rows = rows(&common::apps(), &include).unwrap();
    // Declared sonarr: Medium (200m / 1Gi) and two Micro native sidecars (10m / 128Mi each); its
    // init steps (Micro, started before the sidecars or beside one) never need more.
    let declared = rows.iter().find(|r| r.name == "sonarr" && r.source == "declared").unwrap();
    assert_eq!((declared.requests.cpu_millis, declared.requests.memory_bytes), (220, 1280 << 20));
    assert_eq!((declared.limits.cpu_millis, declared.limits.memory_bytes), (1200, 1280 << 20));
    // The sample, read from its file: sonarr 100m / 256Mi (limits 1000m / 1Gi) and two regular
    // sidecars at 10m / 64Mi (limits 100m / 128Mi); its init steps are smaller.
    let sample = rows.iter().find(|r| r.name == "sonarr" && r.source != "declared").unwrap();
    assert_eq!((sample.requests.cpu_millis, sample.requests.memory_bytes), (120, 384 << 20));
    assert_eq!((sample.limits.cpu_millis, sample.limits.memory_bytes), (1200, 1280 << 20));
    assert!(!sample.elite);
    assert_eq!(sample.failing_rules.first(), Some(&"SIZE-2"));
    assert_eq!(sample.durability, ["not stated"]);
    // Databases and their profiles, exceptions.
    assert!(declared.durability.contains(&"sqlite sonarr: /config/sonarr.db (Standard)".to_owned()));
    let frigate = rows.iter().find(|r| r.name == "frigate").unwrap();
    assert!(frigate.exceptions[0].starts_with("run-as-root: "));
}

#[test]
fn the_report_writes_its_files_and_never_replaces_a_file_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let args = ReportArgs { include: vec![], out: Some(dir.path().to_owned()) };
    assert_eq!(elite_gen::report::run(&args, &common::apps(), dir.path()), ExitCode::SUCCESS);
    let first = std::fs::read_to_string(dir.path().join("CONFORMITY.md")).unwrap();
    assert_eq!(elite_gen::report::run(&args, &common::apps(), dir.path()), ExitCode::SUCCESS);
    assert_eq!(std::fs::read_to_string(dir.path().join("CONFORMITY.md")).unwrap(), first, "deterministic");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("conformity.json")).unwrap()).unwrap();
    assert_eq!(json["apps"], json["elite"]);
    // A file of its own in the way: nothing is written, not even the other two files.
    std::fs::write(dir.path().join("conformity.svg"), "<svg>my own drawing</svg>").unwrap();
    std::fs::remove_file(dir.path().join("CONFORMITY.md")).unwrap();
    assert_eq!(elite_gen::report::run(&args, &common::apps(), dir.path()), ExitCode::from(2));
    assert_eq!(std::fs::read_to_string(dir.path().join("conformity.svg")).unwrap(), "<svg>my own drawing</svg>");
    assert!(!dir.path().join("CONFORMITY.md").exists());
    // A manifest it cannot read is an error naming the file and line, and nothing is written.
    let dir = tempfile::tempdir().unwrap();
    let malformed = common::workspace().join("tests/audit-corpus/malformed.yaml");
    let err = elite_gen::report::rows(&common::apps(), std::slice::from_ref(&malformed)).unwrap_err();
    assert!(err.contains("malformed.yaml:"), "{err}");
    let args = ReportArgs { include: vec![malformed], out: Some(dir.path().to_owned()) };
    assert_eq!(elite_gen::report::run(&args, &common::apps(), dir.path()), ExitCode::from(2));
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "nothing was written");
}
