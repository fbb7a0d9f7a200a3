//! `elite report` (and `cargo run`): the conformity report of `docs/reports/`.

mod common;

use std::fs;
use std::process::ExitCode;

use common::*;
use elite_gen::report::{Cell, files, rows};

fn options() -> elite_gen::audit::Options {
    elite_gen::audit::Options::default()
}

#[test]
fn the_committed_report_is_the_declarations_report() {
    let (rows, skipped) = rows(&apps(), &[], &options()).unwrap();
    assert!(rows.iter().all(|r| r.elite), "every declared app is Elite");
    for (name, content) in files(&rows, &skipped) {
        let path = workspace_config().reports.join(name);
        let committed = fs::read_to_string(&path).unwrap_or_default();
        assert!(committed == content, "{} is out of date: run `cargo run`", path.display());
    }
}

#[test]
fn pod_totals_count_sidecars_as_the_scheduler_does() {
    let file = fixtures().join("before/20-media/sonarr/base/deployment.yaml");
    let (rows, _) = rows(&apps(), std::slice::from_ref(&file), &options()).unwrap();
    // Declared sonarr: Medium (200m / 1Gi) and two Micro native sidecars (10m / 128Mi each); its
    // init steps (Micro, started before the sidecars or beside one) never need more.
    let declared = rows.iter().find(|r| r.name == "sonarr" && r.source == "declared").unwrap();
    assert_eq!((declared.requests.cpu_millis, declared.requests.memory_bytes), (220, 1280 << 20));
    assert_eq!((declared.limits.cpu_millis, declared.limits.memory_bytes), (1200, 1280 << 20));
    // The hand-kept one, read from its file: sonarr 100m / 256Mi (limits 1000m / 1Gi), two regular
    // sidecars at 10m / 64Mi (limits 100m / 128Mi) and a helper with nothing set; its init steps
    // are smaller.
    let kept = rows.iter().find(|r| r.name == "sonarr" && r.source != "declared").unwrap();
    assert_eq!((kept.requests.cpu_millis, kept.requests.memory_bytes), (120, 384 << 20));
    assert_eq!((kept.limits.cpu_millis, kept.limits.memory_bytes), (1200, 1280 << 20));
    assert!(!kept.elite);
    assert_eq!(kept.rules["SIZE-2"], Cell::Fail);
    assert_eq!(kept.durability, ["not stated"]);
    // Databases and their profiles, and exceptions with the parts they relax.
    assert!(declared.durability.contains(&"sqlite sonarr: /config/sonarr.db (Standard)".to_owned()));
    let frigate = rows.iter().find(|r| r.name == "frigate").unwrap();
    assert!(
        frigate.exceptions.iter().any(|e| e.starts_with("run-as-root (SEC-1/run-as-non-root, SEC-1/capabilities): ")),
        "{:?}",
        frigate.exceptions
    );
    assert_eq!(frigate.rules["SEC-1"], Cell::Pass, "a declared exception is granted: the relaxed parts do not fail");
}

#[test]
fn a_granted_exception_shows_in_the_report_of_a_manifest() {
    // A built workload that needs an exception, with and without the tree's grants.
    let ws = workspace_config();
    let dir = tempfile::tempdir().unwrap();
    let built = kustomize(&ws.apps.join("20-media/frigate/overlays/prod"));
    let file = dir.path().join("frigate.yaml");
    let stream: String =
        built.iter().map(|o| format!("---\n{}", elite_core::render::yaml::to_yaml(o).unwrap())).collect();
    fs::write(&file, stream).unwrap();
    let (without, _) = rows(&[], std::slice::from_ref(&file), &options()).unwrap();
    assert_eq!(without[0].rules["SEC-1"], Cell::Fail);
    let grants =
        elite_gen::audit::grants(&[ws.apps.join(elite_gen::layout::EXCEPTIONS_DIR)], &Default::default()).unwrap();
    let (with, _) = rows(&[], std::slice::from_ref(&file), &elite_gen::audit::Options { grants, ..options() }).unwrap();
    assert_eq!(with[0].rules["SEC-1"], Cell::Suppressed);
    assert!(with[0].elite);
    assert!(
        with[0].exceptions.iter().any(|e| e.contains("sec-1.run-as-non-root") && e.contains("s6-overlay")),
        "{:?}",
        with[0].exceptions
    );
}

#[test]
fn the_svgs_are_well_formed_escaped_and_render() {
    // A hostile name in a manifest: markup in it must stay text.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hostile.yaml");
    fs::write(
        &file,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \"x</text><script>alert(1)</script>&amp;\"\n  namespace: \"a<b\"\nspec:\n  template:\n    spec:\n      containers:\n        - name: x\n          image: x:1\n",
    )
    .unwrap();
    let (rows, skipped) = rows(&apps(), std::slice::from_ref(&file), &options()).unwrap();
    for (name, content) in files(&rows, &skipped).into_iter().filter(|(n, _)| n.ends_with(".svg")) {
        let doc = roxmltree::Document::parse(&content).unwrap_or_else(|e| panic!("{name} is not well-formed XML: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        assert!(
            doc.descendants().all(|n| n.tag_name().name() != "script"),
            "{name}: markup from a manifest became an element"
        );
        assert!(
            doc.descendants().any(|n| n.text().is_some_and(|t| t.contains("<script>") || t.contains("a<b"))),
            "{name}: the name is kept, as text"
        );
        // The real renderer draws it.
        let svg = dir.path().join(name);
        fs::write(&svg, &content).unwrap();
        let png = dir.path().join(format!("{name}.png"));
        let out = tool("rsvg-convert").arg("-o").arg(&png).arg(&svg).output().unwrap();
        assert!(out.status.success(), "{name}: rsvg-convert: {}", String::from_utf8_lossy(&out.stderr));
        assert!(fs::read(&png).unwrap().starts_with(b"\x89PNG"), "{name}: a PNG was drawn");
    }
    let md = elite_gen::report::markdown(&rows, &skipped);
    assert!(
        md.contains("x&lt;/text&gt;&lt;script&gt;") && !md.contains("<script>"),
        "Markdown keeps the name as text, not HTML"
    );
}

#[test]
fn the_report_writes_its_files_and_never_replaces_a_file_it_did_not_write() {
    let ws = TempWorkspace::new();
    let out = ws.root().join("report");
    let out_arg = out.to_str().unwrap();
    assert_eq!(ws.run(&["report", "--out", out_arg], apps()), ExitCode::SUCCESS);
    let first = fs::read_to_string(out.join("CONFORMITY.md")).unwrap();
    assert_eq!(ws.run(&["report", "--out", out_arg], apps()), ExitCode::SUCCESS);
    assert_eq!(fs::read_to_string(out.join("CONFORMITY.md")).unwrap(), first, "deterministic");
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("conformity.json")).unwrap()).unwrap();
    assert_eq!(json["apps"], json["elite"]);
    // A file of its own in the way: nothing is written, not even the other files.
    fs::write(out.join("conformity.svg"), "<svg>my own drawing</svg>").unwrap();
    fs::remove_file(out.join("CONFORMITY.md")).unwrap();
    assert_eq!(ws.run(&["report", "--out", out_arg], apps()), ExitCode::from(2));
    assert_eq!(fs::read_to_string(out.join("conformity.svg")).unwrap(), "<svg>my own drawing</svg>");
    assert!(!out.join("CONFORMITY.md").exists());
    // A manifest it cannot read is an error naming the file and line, and nothing is written.
    let malformed = workspace().join("tests/audit-corpus/malformed.yaml");
    let err = rows(&apps(), std::slice::from_ref(&malformed), &options()).unwrap_err().to_string();
    assert!(err.contains("malformed.yaml:"), "{err}");
    let out2 = ws.root().join("report2");
    assert_eq!(
        ws.run(&["report", "--out", out2.to_str().unwrap(), "--include", malformed.to_str().unwrap()], apps()),
        ExitCode::from(2)
    );
    assert!(!out2.exists(), "nothing was written");
}
