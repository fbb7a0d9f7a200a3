//! Acceptance 1 and 2 of the foundation: the real `kubectl kustomize` builds every overlay into
//! exactly the objects `elite-core` renders in memory, and every built object validates.

mod common;

use std::collections::BTreeMap;

use common::*;
use elite_core::Platform;
use elite_core::render;
use serde_json::Value;

#[test]
fn every_overlay_builds_to_the_in_memory_render() {
    let dir = tempfile::tempdir().unwrap();
    let apps = apps();
    assert!(apps.len() >= 3, "the workspace declares at least three apps");
    generate(&apps, dir.path());
    for app in &apps {
        for (env, overlay) in elite_gen::layout::overlays(app, &Platform::default()) {
            let built: BTreeMap<String, Value> =
                kustomize(&dir.path().join(&overlay)).into_iter().map(|v| (id(&v), v)).collect();
            let expected: BTreeMap<String, Value> =
                render::render(app, &Platform::default(), env).into_iter().map(|o| (o.id(), o.value)).collect();
            assert_eq!(
                built.keys().collect::<Vec<_>>(),
                expected.keys().collect::<Vec<_>>(),
                "{overlay}: kustomize builds other objects than the renderer"
            );
            for (k, want) in &expected {
                if let Some(d) = first_difference(k, &built[k], want) {
                    panic!("{overlay}: kustomize output differs from the in-memory render at {d}");
                }
            }
        }
    }
}

#[test]
fn container_order_is_part_of_the_contract() {
    // Checked through the equivalence above; this pins the order itself for a full Elite pod.
    let app = apps().into_iter().find(|a| a.name == "sonarr").expect("sonarr is declared");
    let dir = tempfile::tempdir().unwrap();
    generate(&[app], dir.path());
    let built = kustomize(&dir.path().join("20-media/sonarr/overlays/prod"));
    let deploy = built.iter().find(|v| v["kind"] == "Deployment").unwrap();
    let names = |list: &str| -> Vec<String> {
        deploy["spec"]["template"]["spec"][list]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    };
    // A strategic-merge patch moves what it merges to the front, component by component: each
    // restore step still comes before the native sidecar that depends on it.
    assert_eq!(names("initContainers"), ["restore-config", "config-syncer", "restore-db", "litestream"]);
    let sidecars: Vec<&str> = deploy["spec"]["template"]["spec"]["initContainers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["restartPolicy"] == "Always")
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(sidecars, ["config-syncer", "litestream"], "the replicators are native sidecars, the restores are not");
    assert_eq!(names("containers"), ["sonarr"]);
    assert_eq!(
        deploy["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/default-container"],
        "sonarr"
    );
}

#[test]
fn every_built_object_validates() {
    let dir = tempfile::tempdir().unwrap();
    let apps = apps();
    generate(&apps, dir.path());
    let crds = load_crd_schemas();
    let mut overlays: Vec<String> = apps
        .iter()
        .flat_map(|a| elite_gen::layout::overlays(a, &Platform::default()).into_iter().map(|(_, o)| o))
        .collect();
    overlays.extend(elite_gen::layout::shared_dirs(&apps, &Default::default()).into_iter().map(|s| s.dir.to_owned()));
    overlays.extend(elite_core::Environment::ALL.iter().map(|e| elite_gen::layout::argocd_paths(*e).0));
    let mut custom = 0;
    for overlay in overlays {
        let objects = kustomize(&dir.path().join(&overlay));
        let (crs, builtin): (Vec<Value>, Vec<Value>) =
            objects.into_iter().partition(|o| crds.contains_key(&crd_key(o)));
        // Kubernetes kinds: kubernetes-validate --strict at the cluster's version.
        let file = dir.path().join(format!("{}.built.yaml", overlay.replace('/', "_")));
        let stream: String =
            builtin.iter().map(|o| format!("---\n{}", elite_core::render::yaml::to_yaml(o).unwrap())).collect();
        std::fs::write(&file, stream).unwrap();
        let out =
            tool("kubernetes-validate").args(["--strict", "-k", "1.34.0", "--no-warn"]).arg(&file).output().unwrap();
        let report = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && !report.contains("ERROR"), "{overlay}: kubernetes-validate failed:\n{report}");
        assert_eq!(report.matches("passed").count(), builtin.len(), "{overlay}: every object was validated:\n{report}");
        // Custom resources: their CRD's openAPIV3Schema, unknown fields rejected.
        for cr in crs {
            let schema = &crds[&crd_key(&cr)];
            let validator = jsonschema::validator_for(schema).expect("CRD schema compiles");
            let errors: Vec<String> =
                validator.iter_errors(&cr).map(|e| format!("{} at {}", e, e.instance_path)).collect();
            assert!(errors.is_empty(), "{overlay}: {} does not validate against its CRD: {errors:#?}", id(&cr));
            custom += 1;
        }
    }
    // The app-of-apps roots, applied by hand, are not in a kustomization.
    for env in elite_core::Environment::ALL {
        let root = dir.path().join(elite_gen::layout::argocd_paths(*env).1);
        for cr in parse_yaml_stream(&std::fs::read_to_string(&root).unwrap()) {
            let validator = jsonschema::validator_for(&crds[&crd_key(&cr)]).unwrap();
            let errors: Vec<String> =
                validator.iter_errors(&cr).map(|e| format!("{e} at {}", e.instance_path)).collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", root.display());
            custom += 1;
        }
    }
    // InfisicalSecrets, ClusterPolicies, PolicyExceptions, PodMonitors, a PrometheusRule and
    // Applications.
    assert!(custom > 20, "custom resources were validated against their CRDs: {custom}");
}

#[test]
fn argocd_deploys_every_overlay_once_per_environment_in_waves() {
    use elite_core::render::argocd::Wave;
    let dir = tempfile::tempdir().unwrap();
    let apps = apps();
    let platform = Platform::default();
    generate(&apps, dir.path());
    let wave = |o: &Value| -> i64 {
        o["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"].as_str().unwrap().parse().unwrap()
    };
    for env in elite_core::Environment::ALL {
        let (folder, root) = elite_gen::layout::argocd_paths(*env);
        let root = &parse_yaml_stream(&std::fs::read_to_string(dir.path().join(root)).unwrap())[0];
        assert_eq!(root["spec"]["source"]["path"], format!("apps/{folder}"), "the root syncs the environment's folder");
        let applications = kustomize(&dir.path().join(&folder));
        let by_path: BTreeMap<String, &Value> = applications
            .iter()
            .map(|a| (a["spec"]["source"]["path"].as_str().unwrap().strip_prefix("apps/").unwrap().to_owned(), a))
            .collect();
        assert_eq!(by_path.len(), applications.len(), "{env:?}: one Application per path");
        for (path, a) in &by_path {
            assert!(dir.path().join(path).join("kustomization.yaml").exists(), "{path} is a generated kustomization");
            assert_eq!(a["spec"]["syncPolicy"]["automated"], serde_json::json!({"prune": true, "selfHeal": true}));
            // Each environment tracks its own revision: dev follows main, prod its branch.
            assert_eq!(a["spec"]["source"]["targetRevision"], platform.revision(*env));
            // Deleting an Application deletes what it deployed; a failed sync is retried.
            assert_eq!(a["metadata"]["finalizers"], serde_json::json!(["resources-finalizer.argocd.argoproj.io"]));
            assert!(a["spec"]["syncPolicy"]["retry"]["limit"].as_i64().unwrap() > 0);
            // Namespaces come from their own folder, never from an Application's CreateNamespace.
            assert!(!a["spec"]["syncPolicy"]["syncOptions"].to_string().contains("CreateNamespace"), "{path}");
        }
        for app in &apps {
            let path = format!("{}/overlays/{}", platform.folder(app), env.as_str());
            match by_path.get(&path) {
                Some(a) => {
                    assert!(app.environments.contains(env));
                    assert_eq!(a["spec"]["destination"]["namespace"], app.namespace());
                    assert_eq!(wave(a), Wave::of(app) as i64);
                }
                None => assert!(!app.environments.contains(env), "{} has no Application in {env:?}", app.name),
            }
        }
        // Namespaces first, then priority classes, then the policies, exceptions and alerts, then
        // core infrastructure, then the apps.
        let shared = |d: &str| wave(by_path[d]);
        use elite_gen::layout::{EXCEPTIONS_DIR, MONITORING_DIR, NAMESPACES_DIR, POLICIES_DIR, PRIORITY_CLASSES_DIR};
        assert!(shared(NAMESPACES_DIR) < shared(PRIORITY_CLASSES_DIR));
        assert!(shared(PRIORITY_CLASSES_DIR) < shared(POLICIES_DIR));
        assert_eq!(shared(POLICIES_DIR), shared(MONITORING_DIR));
        assert_eq!(shared(POLICIES_DIR), shared(EXCEPTIONS_DIR));
        assert!(shared(POLICIES_DIR) < Wave::CoreInfra as i64);
        assert!((Wave::CoreInfra as i64) < Wave::Apps as i64);
        // Every namespace an app runs in is created by the namespaces folder.
        let namespaces: Vec<String> = kustomize(&dir.path().join(NAMESPACES_DIR))
            .iter()
            .map(|n| n["metadata"]["name"].as_str().unwrap().to_owned())
            .collect();
        for app in &apps {
            assert!(
                namespaces.iter().any(|n| n == app.namespace()),
                "{}: namespace {} is created",
                app.name,
                app.namespace()
            );
        }
    }
}

#[test]
fn namespaces_carry_the_pod_security_level_their_exceptions_need() {
    let dir = tempfile::tempdir().unwrap();
    let apps = apps();
    generate(&apps, dir.path());
    for ns in kustomize(&dir.path().join(elite_gen::layout::NAMESPACES_DIR)) {
        let name = ns["metadata"]["name"].as_str().unwrap();
        let labels = &ns["metadata"]["labels"];
        // Running as root needs "baseline"; nothing else relaxes the namespace.
        let root_here =
            apps.iter().any(|a| a.namespace() == name && a.has_exception(elite_core::ExceptionKind::RunAsRoot));
        assert_eq!(
            labels["pod-security.kubernetes.io/enforce"],
            if root_here { "baseline" } else { "restricted" },
            "{name}"
        );
        assert_eq!(labels["pod-security.kubernetes.io/audit"], "restricted", "{name}");
        assert_eq!(labels["pod-security.kubernetes.io/warn"], "restricted", "{name}");
    }
}

fn crd_key(o: &Value) -> String {
    format!("{}/{}", o["apiVersion"].as_str().unwrap_or(""), o["kind"].as_str().unwrap_or(""))
}

/// `apiVersion/kind` → the CRD's openAPIV3Schema, with `additionalProperties: false` added where
/// the schema does not preserve unknown fields (structural schemas prune them in the API server).
fn load_crd_schemas() -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(crds()).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for crd in parse_yaml_stream(&text) {
            let group = crd["spec"]["group"].as_str().unwrap().to_owned();
            let kind = crd["spec"]["names"]["kind"].as_str().unwrap().to_owned();
            for v in crd["spec"]["versions"].as_array().unwrap() {
                let mut schema = v["schema"]["openAPIV3Schema"].clone();
                close_objects(&mut schema);
                out.insert(format!("{group}/{}/{kind}", v["name"].as_str().unwrap()), schema);
            }
        }
    }
    out
}

fn close_objects(s: &mut Value) {
    if let Value::Object(m) = s {
        let preserve = m.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
        if m.contains_key("properties") && !preserve && !m.contains_key("additionalProperties") {
            m.insert("additionalProperties".into(), Value::Bool(false));
        }
        for v in m.values_mut() {
            close_objects(v);
        }
    } else if let Value::Array(a) = s {
        a.iter_mut().for_each(close_objects);
    }
}

#[test]
fn an_app_with_only_ephemeral_databases_gets_restore_db_and_no_litestream_nor_its_metrics() {
    // AdGuard Home's bbolt file is cleaned at start and never replicated: a Litestream sidecar
    // would run with nothing to replicate and no volume mounted.
    let built = kustomize(&common::workspace().join("apps/40-network/adguard-home/overlays/prod"));
    let sts = built.iter().find(|v| v["kind"] == "StatefulSet").unwrap();
    let names: Vec<&str> = sts["spec"]["template"]["spec"]["initContainers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["restore-config", "config-syncer", "restore-db"]);
    // Its PodMonitor scrapes the config-syncer only: there is no Litestream to scrape.
    let monitors: Vec<&Value> = built.iter().filter(|o| o["kind"] == "PodMonitor").collect();
    assert_eq!(monitors.len(), 1);
    let ports: Vec<&str> = monitors[0]["spec"]["podMetricsEndpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["port"].as_str().unwrap())
        .collect();
    assert_eq!(ports, [elite_core::platform::SYNCER_METRICS_PORT_NAME]);
    // Two replicas sync their config each under its pod name, never to one shared prefix.
    for c in &sts["spec"]["template"]["spec"]["initContainers"].as_array().unwrap()[..2] {
        let env = c["env"].as_array().unwrap();
        assert_eq!(env[0]["name"], "POD_NAME");
        assert_eq!(env[0]["valueFrom"]["fieldRef"]["fieldPath"], "metadata.name");
        let prefix = env.iter().find(|e| e["name"] == "ELITE_S3_PREFIX").unwrap();
        assert_eq!(prefix["value"], "network/adguard-home/config/$(POD_NAME)", "{}", c["name"]);
    }
}

/// On an empty cluster, ArgoCD syncs the root's Applications wave by wave. Every object of every
/// Application finds its namespace created at an earlier wave (or by its own Application, which
/// applies Namespaces first), and its kind either built into Kubernetes or defined by a CRD of the
/// platform's prerequisites (`tests/schemas/crds`: ArgoCD, Kyverno, the Prometheus operator, the
/// Infisical operator), installed before the root.
#[test]
fn on_an_empty_cluster_every_object_finds_its_namespace_and_its_kind_at_its_wave() {
    use std::collections::BTreeSet;
    const BUILT_IN: [&str; 7] = [
        "v1",
        "apps/v1",
        "batch/v1",
        "networking.k8s.io/v1",
        "policy/v1",
        "rbac.authorization.k8s.io/v1",
        "scheduling.k8s.io/v1",
    ];
    const CLUSTER_SCOPED: [&str; 6] =
        ["Namespace", "ClusterRole", "ClusterRoleBinding", "PriorityClass", "StorageClass", "PersistentVolume"];
    // apiVersion/kind → namespaced, from the CRDs.
    let mut crd_scope: BTreeMap<String, bool> = BTreeMap::new();
    for entry in std::fs::read_dir(crds()).unwrap() {
        for crd in parse_yaml_stream(&std::fs::read_to_string(entry.unwrap().path()).unwrap()) {
            for v in crd["spec"]["versions"].as_array().unwrap() {
                let key = format!(
                    "{}/{}/{}",
                    crd["spec"]["group"].as_str().unwrap(),
                    v["name"].as_str().unwrap(),
                    crd["spec"]["names"]["kind"].as_str().unwrap()
                );
                crd_scope.insert(key, crd["spec"]["scope"] == "Namespaced");
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    generate(&apps(), dir.path());
    let wave = |o: &Value| -> i64 {
        o["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"].as_str().unwrap().parse().unwrap()
    };
    let mut checked = 0;
    for env in elite_core::Environment::ALL {
        let (folder, _) = elite_gen::layout::argocd_paths(*env);
        let mut waves: BTreeMap<i64, Vec<(String, String, Vec<Value>)>> = BTreeMap::new();
        for a in kustomize(&dir.path().join(&folder)) {
            let path = a["spec"]["source"]["path"].as_str().unwrap().strip_prefix("apps/").unwrap().to_owned();
            let destination = a["spec"]["destination"]["namespace"].as_str().unwrap_or_default().to_owned();
            waves.entry(wave(&a)).or_default().push((path.clone(), destination, kustomize(&dir.path().join(&path))));
        }
        // What the prerequisites create before the root Application is applied.
        let platform = Platform::default();
        let mut existing: BTreeSet<String> = [
            "default",
            "kube-system",
            elite_core::render::argocd::ARGOCD_NAMESPACE,
            &platform.exception_namespace,
            &platform.monitoring_namespace,
        ]
        .map(String::from)
        .into();
        for (w, applications) in &waves {
            let mut created = Vec::new();
            for (path, destination, objects) in applications {
                let own: BTreeSet<&str> = objects
                    .iter()
                    .filter(|o| o["kind"] == "Namespace")
                    .map(|o| o["metadata"]["name"].as_str().unwrap())
                    .collect();
                for o in objects {
                    let (api, kind) = (o["apiVersion"].as_str().unwrap(), o["kind"].as_str().unwrap());
                    let what = format!("{env:?} wave {w}: {path}: {kind} {}", o["metadata"]["name"]);
                    let namespaced = if BUILT_IN.contains(&api) {
                        !CLUSTER_SCOPED.contains(&kind)
                    } else {
                        *crd_scope.get(&format!("{api}/{kind}")).unwrap_or_else(|| {
                            panic!("{what}: {api} {kind} is neither built in nor a prerequisite CRD")
                        })
                    };
                    if namespaced {
                        let ns = o["metadata"]["namespace"].as_str().unwrap_or(destination);
                        assert!(!ns.is_empty(), "{what}: no namespace and no destination namespace");
                        assert!(existing.contains(ns) || own.contains(ns), "{what}: namespace {ns} does not exist yet");
                    }
                    checked += 1;
                }
                created.extend(own.iter().map(|n| n.to_string()));
            }
            existing.extend(created);
        }
    }
    assert!(checked > 200, "{checked} objects walked");
}
