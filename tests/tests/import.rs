//! `cargo run -- import FILE`: each sample workload becomes a declaration that compiles (to the
//! spec the importer built), passes every rule, and generates an overlay that `kubectl
//! kustomize` builds and the audit passes as Elite.

mod common;

use elite_gen::import::{declaration, import};
use serde_json::Value;

/// The sample apps, each as the objects of its base folder (workload, PVCs, ConfigMaps).
fn samples() -> Vec<(String, Vec<Value>)> {
    let root = common::shared().join("vixens-samples/apps");
    let mut out = Vec::new();
    for app in [
        "20-media/sonarr",
        "20-media/radarr",
        "60-services/vaultwarden",
        "40-network/adguard-home",
        "10-home/homeassistant",
    ] {
        let base = root.join(app).join("base");
        let mut objects = Vec::new();
        let mut files: Vec<_> = std::fs::read_dir(&base).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files.iter().filter(|f| f.file_name().unwrap() != "kustomization.yaml") {
            let (docs, err) = elite_core::audit::yaml::documents(&std::fs::read_to_string(f).unwrap());
            assert!(err.is_none(), "{}: {err:?}", f.display());
            objects.extend(docs.into_iter().map(|d| d.value).filter(|v| v.is_object()));
        }
        out.push((base.join("deployment.yaml").to_string_lossy().into_owned(), objects));
    }
    out
}

#[test]
fn every_sample_imports_to_an_app_that_passes_every_rule_and_audits_as_elite() {
    let dir = tempfile::tempdir().unwrap();
    for (file, objects) in samples() {
        let imp = import(&objects, &file).unwrap_or_else(|e| panic!("{e}"));
        let spec = &imp.spec;
        assert_eq!(elite_core::rules::check_app(spec), vec![], "{}: the imported app passes every rule", spec.name);
        // Rules the sample broke are written as the standard requires, and say so.
        let text = declaration(&imp);
        if objects.iter().any(|o| o["spec"]["template"]["spec"]["priorityClassName"] == "vixens-medium") {
            assert!(text.contains("// PRIO-2: was vixens-medium"), "{text}");
        }
        // Generated, built and audited like a declared app.
        let tree = elite_gen::layout::tree(std::slice::from_ref(spec), &Default::default()).unwrap();
        let out = dir.path().join(&spec.name);
        elite_gen::write::write(&out, &tree).unwrap();
        for (_, overlay) in elite_gen::layout::overlays(spec) {
            let built = common::tool("kubectl").arg("kustomize").arg(out.join(&overlay)).output().unwrap();
            assert!(built.status.success(), "{overlay}: {}", String::from_utf8_lossy(&built.stderr));
            let mut a = elite_core::audit::Audit::default();
            a.add(&overlay, &String::from_utf8_lossy(&built.stdout));
            assert_eq!(a.workloads.len(), 1);
            let w = &a.workloads[0];
            assert!(w.claims_elite && w.elite, "{overlay}: {:#?}", w.findings);
        }
    }
}

#[test]
fn every_imported_declaration_compiles_to_the_imported_spec() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("import");
    std::fs::create_dir_all(&dir).unwrap();
    let t = trybuild::TestCases::new();
    for (file, objects) in samples() {
        let imp = import(&objects, &file).unwrap();
        let spec = serde_json::to_string(&imp.spec).unwrap();
        let program = format!(
            "use elite_core::Elite;\nuse elite_macros::elite;\n\n{}\nfn main() {{\n    let imported: elite_core::AppSpec = serde_json::from_str({spec:?}).unwrap();\n    assert_eq!({}::spec(), imported);\n}}\n",
            declaration(&imp),
            imp.struct_name
        );
        let path = dir.join(format!("{}.rs", imp.spec.name.replace('-', "_")));
        std::fs::write(&path, program).unwrap();
        t.pass(path);
    }
}

#[test]
fn what_cannot_be_mapped_is_said() {
    let (file, objects) = samples().into_iter().find(|(f, _)| f.contains("homeassistant")).unwrap();
    let text = declaration(&import(&objects, &file).unwrap());
    // The sample runs a file browser beside Home Assistant, and tolerates the control plane.
    assert!(text.contains("// not mapped: container `filebrowser`"), "{text}");
    assert!(
        text.contains("// not mapped: pod `tolerations`")
            || !objects.iter().any(|o| !o["spec"]["template"]["spec"]["tolerations"].is_null()),
        "{text}"
    );
    let err = import(&[serde_json::json!({"kind": "ConfigMap"})], "x.yaml").unwrap_err();
    assert!(err.contains("x.yaml") && err.contains("no Deployment or StatefulSet"), "{err}");
}
