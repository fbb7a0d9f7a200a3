//! `elite import FILE`: existing workloads become declarations that keep what the app is (its
//! runtime, durability, category, volumes), compile to the spec the importer built (or fail only
//! on what a comment tells the user to add), pass every rule, and generate overlays that
//! `kubectl kustomize` builds and the audit passes as Elite.
//!
//! The expectations were written by reading the fixture files (`tests/fixtures/import/README.md`
//! says what each one holds), not by running the import.

mod common;

use std::path::PathBuf;

use common::*;
use elite_core::audit::yaml::Limits;
use elite_core::model::*;
use elite_core::rules::{Door, RuleId, check_app};
use elite_gen::import::{Imported, declaration, import, read_file};

fn fixture(path: &str) -> PathBuf {
    fixtures().join(path)
}

/// The import of a fixture.
fn imported(path: &str) -> Imported {
    let file = fixture(path);
    let objects = read_file(&file, &Limits::default()).unwrap();
    import(&objects, &file.to_string_lossy()).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The hand-kept base folders of `tests/fixtures/before`, each as one file's objects.
fn befores() -> Vec<(String, Imported)> {
    let mut out = Vec::new();
    for app in [
        "20-media/sonarr",
        "20-media/radarr",
        "60-services/vaultwarden",
        "40-network/adguard-home",
        "10-home/homeassistant",
    ] {
        let base = fixture("before").join(app).join("base");
        let mut objects = Vec::new();
        let mut files: Vec<_> = std::fs::read_dir(&base).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files.iter().filter(|f| f.file_name().unwrap() != "kustomization.yaml") {
            objects.extend(read_file(f, &Limits::default()).unwrap());
        }
        let file = base.join("workload.yaml").to_string_lossy().into_owned();
        out.push((app.to_owned(), import(&objects, &file).unwrap()));
    }
    out
}

/// Every import of the fixtures.
fn all_imports() -> Vec<(String, Imported)> {
    let mut out = befores();
    for f in ["readarr", "scraper", "search", "notes", "ledger", "dns", "wiki"] {
        out.push((f.to_owned(), imported(&format!("import/{f}.yaml"))));
    }
    out
}

#[test]
fn the_runtime_comes_from_the_image_the_command_or_the_environment() {
    // readarr: the *arr image family runs on .NET, which needs a startupProbe (PROBE-3).
    let r = imported("import/readarr.yaml");
    assert_eq!(r.spec.runtime, Some(Runtime::DotNet));
    assert!(r.spec.probes.startup.is_some(), "a .NET app gets a startupProbe");
    // scraper: an unknown image started with `python3 -m`.
    let s = imported("import/scraper.yaml");
    assert_eq!(s.spec.runtime, Some(Runtime::Python));
    assert!(s.notes.iter().any(|n| n.pointer == "/runtime" && n.text.contains("command")), "{:?}", s.notes);
    // search: JAVA_TOOL_OPTIONS in its environment.
    assert_eq!(imported("import/search.yaml").spec.runtime, Some(Runtime::Jvm));
    // worker: nothing says: Go, and a comment says it is a guess.
    let w = imported("import/worker.yaml");
    assert!(w.notes.iter().any(|n| n.pointer == "/runtime" && n.text.contains("assumed")), "{:?}", w.notes);
}

#[test]
fn durability_is_kept_from_sidecars_configmaps_and_annotations() {
    // notes: two databases in the Litestream ConfigMap, retention 336 h (14 days: Critical), and
    // an rclone container syncing /config.
    let n = imported("import/notes.yaml");
    let dbs: Vec<(&str, &str, BackupProfile, DbFormat)> =
        n.spec.durability.databases.iter().map(|d| (d.name.as_str(), d.path.as_str(), d.profile, d.format)).collect();
    assert_eq!(
        dbs,
        [
            ("notes", "/config/notes.db", BackupProfile::Critical, DbFormat::Sqlite),
            ("attachments", "/config/attachments.sqlite3", BackupProfile::Critical, DbFormat::Sqlite)
        ]
    );
    assert_eq!(n.spec.durability.config_sync.as_ref().map(|c| c.dir.as_str()), Some("/config"));
    assert!(n.spec.durability.stateless.is_none());
    // ledger: a backup sidecar whose database is named in a pod annotation.
    let l = imported("import/ledger.yaml");
    assert_eq!(l.spec.durability.databases.iter().map(|d| d.path.as_str()).collect::<Vec<_>>(), ["/data/ledger.db"]);
    // dns: stats.db of AdGuard Home is bbolt: never imported as SQLite, Ephemeral.
    let d = imported("import/dns.yaml");
    assert_eq!(d.spec.durability.databases.len(), 1);
    assert_eq!(
        (d.spec.durability.databases[0].format, d.spec.durability.databases[0].profile),
        (DbFormat::Bbolt, BackupProfile::Ephemeral)
    );
    // The hand-kept sonarr: its Litestream database and restore.
    let (_, sonarr) = befores().into_iter().find(|(a, _)| a.ends_with("sonarr")).unwrap();
    assert!(
        sonarr.spec.durability.databases.iter().any(|d| d.path == "/config/sonarr.db"),
        "{:?}",
        sonarr.spec.durability
    );
    assert!(sonarr.spec.durability.config_sync.is_some());
}

#[test]
fn the_category_comes_from_the_namespace_and_the_folder() {
    assert_eq!(imported("import/dns.yaml").spec.category, Category::Network, "namespace `networking`");
    assert_eq!(imported("import/readarr.yaml").spec.category, Category::Media);
    assert_eq!(imported("import/notes.yaml").spec.category, Category::Services);
    for (app, imp) in befores() {
        let folder = app.split('/').next().unwrap();
        assert_eq!(imp.spec.category.folder(), folder, "{app}: from its folder");
    }
}

#[test]
fn sub_paths_and_a_volume_mounted_twice_are_kept() {
    let w = imported("import/wiki.yaml");
    let scratch = w.spec.volumes.iter().find(|v| v.name == "scratch").unwrap();
    assert!(matches!(scratch.source, VolumeSource::EmptyDir(_)));
    assert_eq!(scratch.mounts[0].sub_path.as_deref(), Some("cache"));
    let data = w.spec.volumes.iter().find(|v| v.name == "data").unwrap();
    let mounts: Vec<(&str, Option<&str>, bool)> =
        data.mounts.iter().map(|m| (m.path.as_str(), m.sub_path.as_deref(), m.read_only)).collect();
    assert_eq!(mounts, [("/wiki/data", Some("data"), false), ("/wiki/uploads", Some("uploads"), true)]);
    assert!(w.spec.exceptions.is_empty(), "its root was read-only: no exception");
}

#[test]
fn every_import_passes_every_rule_or_says_what_to_add_where_the_compiler_points() {
    for (what, imp) in all_imports() {
        assert_eq!(check_app(&imp.spec, Door::Dsl), vec![], "{what}: the imported app passes every rule");
    }
    // worker: no port, so no probe can be made up: PROBE-1, and the comments say what to add.
    let w = imported("import/worker.yaml");
    let ids: Vec<RuleId> = check_app(&w.spec, Door::Dsl).into_iter().map(|v| v.rule).collect();
    assert_eq!(ids, [RuleId::Probe1, RuleId::Probe1]);
    let text = declaration(&w).unwrap();
    let before_struct: Vec<&str> = text.lines().skip_while(|l| !l.starts_with(")]")).collect();
    assert!(before_struct.iter().any(|l| l.contains("PROBE-1") && l.contains("liveness(")), "{text}");
    assert!(before_struct.iter().any(|l| l.contains("PROBE-1") && l.contains("readiness(")), "{text}");
}

#[test]
fn rules_the_source_broke_are_written_as_the_standard_requires_and_said() {
    let (_, sonarr) = befores().into_iter().find(|(a, _)| a.ends_with("sonarr")).unwrap();
    let text = declaration(&sonarr).unwrap();
    assert!(text.contains("// PRIO-2: was vixens-medium"), "{text}");
    assert_eq!(sonarr.spec.priority, Some(Priority::High));
    // Its helper containers are named, not silently dropped.
    assert!(text.contains("not mapped: container `permissions`"), "{text}");
    let (_, ha) = befores().into_iter().find(|(a, _)| a.ends_with("homeassistant")).unwrap();
    let text = declaration(&ha).unwrap();
    assert!(text.contains("not mapped: container `filebrowser`"), "{text}");
    assert!(text.contains("hostNetwork: true"), "{text}");
    assert!(ha.spec.has_exception(ExceptionKind::RunAsRoot), "it ran as root: an exception, with a reason to write");
    let err = import(&[serde_json::json!({"kind": "ConfigMap"})], "x.yaml").unwrap_err().to_string();
    assert!(err.contains("x.yaml") && err.contains("no Deployment or StatefulSet"), "{err}");
}

#[test]
fn every_import_generates_overlays_that_build_and_audit_as_elite() {
    let dir = tempfile::tempdir().unwrap();
    let platform = elite_core::Platform::default();
    for (what, imp) in all_imports() {
        let spec = &imp.spec;
        let tree = elite_gen::layout::tree(std::slice::from_ref(spec), &platform).unwrap();
        let out = dir.path().join(&spec.name);
        elite_gen::write::write(&out, &tree).unwrap();
        let grants =
            elite_gen::audit::grants(&[out.join(elite_gen::layout::EXCEPTIONS_DIR)], &Limits::default()).unwrap();
        for (_, overlay) in elite_gen::layout::overlays(spec, &platform) {
            let built = tool("kubectl").arg("kustomize").arg(out.join(&overlay)).output().unwrap();
            assert!(built.status.success(), "{what} {overlay}: {}", String::from_utf8_lossy(&built.stderr));
            let mut a = elite_core::audit::Audit::default();
            a.add(&overlay, &String::from_utf8_lossy(&built.stdout));
            elite_core::audit::exceptions::suppress(&mut a, &grants);
            assert_eq!(a.workloads.len(), 1);
            let w = &a.workloads[0];
            assert!(w.claims_elite && w.elite, "{what} {overlay}: {:#?}", w.findings);
        }
    }
}

#[test]
fn every_imported_declaration_compiles_to_the_imported_spec() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("import");
    std::fs::create_dir_all(&dir).unwrap();
    let t = trybuild::TestCases::new();
    for (_, imp) in all_imports() {
        let spec = serde_json::to_string(&imp.spec).unwrap();
        let program = format!(
            "use elite_core::Elite;\nuse elite_macros::elite;\n\n{}\nfn main() {{\n    let imported: elite_core::AppSpec = serde_json::from_str({spec:?}).unwrap();\n    assert_eq!({}::spec(), imported);\n}}\n",
            declaration(&imp).unwrap(),
            imp.struct_name
        );
        let path = dir.join(format!("{}.rs", imp.spec.name.replace('-', "_")));
        std::fs::write(&path, program).unwrap();
        t.pass(path);
    }
}
