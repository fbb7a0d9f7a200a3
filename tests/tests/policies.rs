//! The Kyverno ClusterPolicies generated from the catalog judge objects as the catalog does.
//!
//! The committed policies (apps/_shared/policies) are evaluated with a spec-following CEL engine
//! (see `kyverno/mod.rs`) and compared, rule by rule, with the catalog's predicates run on the
//! facts `elite_core::facts::from_manifest` reads from the same object:
//! - every generated workload passes every rule;
//! - a workload changed to break one rule fails that rule, and only it, in both;
//! - the workloads of ../shared/vixens-samples get the same verdicts from both.

mod common;
mod kyverno;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use elite_core::facts::from_manifest;
use elite_core::rules::{CATALOG, Outcome, judge};
use serde_json::{Value, json};

/// The committed ClusterPolicies' rules, by name (`size-1`).
fn policy_rules() -> BTreeMap<String, Value> {
    let dir = common::workspace().join("apps/_shared/policies");
    let mut rules = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.file_name().unwrap().to_string_lossy().starts_with("clusterpolicy-") {
            continue;
        }
        for doc in common::parse_yaml_stream(&std::fs::read_to_string(&path).unwrap()) {
            for rule in doc["spec"]["rules"].as_array().unwrap() {
                rules.insert(rule["name"].as_str().unwrap().to_owned(), rule.clone());
            }
        }
    }
    rules
}

/// Whether a Kyverno rule applies to `object` (kind and the Elite label; CREATE/UPDATE).
fn matches(rule: &Value, object: &Value) -> bool {
    let resources = &rule["match"]["any"][0]["resources"];
    if resources.get("operations").is_some() {
        return false;
    }
    let kind = format!(
        "{}/{}",
        object["apiVersion"].as_str().unwrap_or_default(),
        object["kind"].as_str().unwrap_or_default()
    );
    resources["kinds"].as_array().unwrap().iter().any(|k| k == &Value::String(kind.clone()))
}

/// Ids of the catalog rules the workload policies fail on `object`.
fn cel_failures(k: &kyverno::Kyverno, rules: &BTreeMap<String, Value>, object: &Value) -> BTreeSet<String> {
    let mut failed = BTreeSet::new();
    for r in CATALOG.iter().filter(|r| r.cel.is_some()) {
        let rule = &rules[&r.id.to_ascii_lowercase()];
        assert!(matches(rule, object), "{} applies to {}", r.id, object["kind"]);
        match k.evaluate(rule, object) {
            Ok(None) => {}
            Ok(Some(_)) => {
                failed.insert(r.id.to_owned());
            }
            Err(e) => panic!("{} on {}: CEL evaluation error: {e}", r.id, object["metadata"]["name"]),
        }
    }
    failed
}

/// Ids of the catalog rules (with CEL) the predicates fail on the facts of `object`.
fn catalog_failures(object: &Value) -> BTreeSet<String> {
    let facts = from_manifest(object).expect("a workload");
    CATALOG
        .iter()
        .filter(|r| r.cel.is_some())
        .filter(|r| matches!(judge(r, &facts), Outcome::Fail(_)))
        .map(|r| r.id.to_owned())
        .collect()
}

/// The workloads `kubectl kustomize` builds from every overlay of the generated tree.
fn generated_workloads() -> Vec<Value> {
    let mut out = Vec::new();
    for app in common::apps() {
        for (_, overlay) in elite_gen::layout::overlays(&app) {
            let objects = common::kustomize(&common::workspace().join("apps").join(overlay));
            out.extend(objects.into_iter().filter(|o| from_manifest(o).is_some()));
        }
    }
    out
}

#[test]
fn every_catalog_rule_that_one_object_can_show_is_in_a_policy() {
    let rules = policy_rules();
    for r in CATALOG {
        let name = r.id.to_ascii_lowercase();
        assert_eq!(rules.contains_key(&name), r.cel.is_some(), "{}: a policy rule exactly when the rule has CEL", r.id);
        if let Some(rule) = rules.get(&name) {
            assert_eq!(rule["validate"]["failureAction"], "Audit");
            assert_eq!(rule["match"]["any"][0]["resources"]["selector"]["matchLabels"]["vixens.io/elite"], "true");
            for e in rule["validate"]["cel"]["expressions"].as_array().unwrap() {
                assert!(e["message"].as_str().unwrap().starts_with(&format!("[{}] ", r.id)), "{}: {e}", r.id);
            }
        }
    }
    // One object cannot show these: another object's scraping, the alert rules.
    let without: Vec<&str> = CATALOG.iter().filter(|r| r.cel.is_none()).map(|r| r.id).collect();
    assert_eq!(without, ["OBS-1", "OBS-2"]);
}

#[test]
fn every_generated_workload_passes_every_rule_in_cel_and_in_the_catalog() {
    let k = kyverno::Kyverno::new();
    let rules = policy_rules();
    let workloads = generated_workloads();
    assert!(!workloads.is_empty());
    for w in &workloads {
        let name = w["metadata"]["name"].as_str().unwrap();
        assert_eq!(cel_failures(&k, &rules, w), BTreeSet::new(), "{name}: CEL");
        assert_eq!(catalog_failures(w), BTreeSet::new(), "{name}: catalog on the manifest's facts");
    }
}

#[test]
fn the_facts_read_from_a_manifest_judge_as_the_declaration_s() {
    // The catalog on the declaration and on the built manifest agrees, rule by rule (the manifest
    // cannot show the PodDisruptionBudget, so HA-1 may only become undecidable there).
    for app in common::apps() {
        let declared = elite_core::facts::from_app(&app);
        let built = common::kustomize(&common::workspace().join("apps").join(app.folder()).join("overlays/prod"));
        let workload = built.iter().find(|o| from_manifest(o).is_some()).unwrap();
        let read = from_manifest(workload).unwrap();
        for r in CATALOG {
            let (a, b) = (judge(r, &declared), judge(r, &read));
            let same = match (&a, &b) {
                (Outcome::Fail(_), Outcome::Fail(_)) | (Outcome::Pass, Outcome::Pass) => true,
                (Outcome::Undecidable(_), Outcome::Undecidable(_)) => true,
                (Outcome::Pass, Outcome::Undecidable(_)) => r.id == "HA-1",
                _ => false,
            };
            assert!(same, "{} {}: declared {a:?}, manifest {b:?}", app.name, r.id);
        }
    }
}

/// A change that breaks exactly one rule.
struct Mutation {
    rule: &'static str,
    what: &'static str,
    apply: fn(&mut Value),
}

fn pod(w: &mut Value) -> &mut Value {
    &mut w["spec"]["template"]["spec"]
}

fn named<'a>(w: &'a mut Value, list: &str, name: &str) -> &'a mut Value {
    pod(w)[list].as_array_mut().unwrap().iter_mut().find(|c| c["name"] == name).unwrap()
}

fn main_container(w: &mut Value) -> &mut Value {
    let app = w["metadata"]["name"].as_str().unwrap().to_owned();
    named(w, "containers", &app)
}

fn annotations(w: &mut Value) -> &mut serde_json::Map<String, Value> {
    w["spec"]["template"]["metadata"]["annotations"].as_object_mut().unwrap()
}

const MUTATIONS: &[Mutation] = &[
    Mutation {
        rule: "SIZE-1",
        what: "the app without a CPU limit",
        apply: |w| {
            main_container(w)["resources"]["limits"].as_object_mut().unwrap().remove("cpu");
        },
    },
    Mutation {
        rule: "SIZE-2",
        what: "memory request below the limit",
        apply: |w| {
            main_container(w)["resources"]["requests"]["memory"] = json!("512Mi");
        },
    },
    Mutation {
        rule: "SIZE-3",
        what: "a custom CPU request at 50% of the limit",
        apply: |w| {
            main_container(w)["resources"]["requests"]["cpu"] = json!("500m");
        },
    },
    Mutation {
        rule: "SIZE-4",
        what: "a sidecar sized Small",
        apply: |w| {
            let r = &mut named(w, "initContainers", "restore-db")["resources"];
            *r = json!({"requests": {"cpu": "50m", "memory": "512Mi"}, "limits": {"cpu": "500m", "memory": "512Mi"}});
        },
    },
    Mutation {
        rule: "PRIO-1",
        what: "no priorityClassName",
        apply: |w| {
            pod(w).as_object_mut().unwrap().remove("priorityClassName");
        },
    },
    Mutation {
        rule: "PRIO-2",
        what: "vixens-medium for a standard app",
        apply: |w| {
            pod(w)["priorityClassName"] = json!("vixens-medium");
        },
    },
    Mutation {
        rule: "PRIO-3",
        what: "vixens-critical for a standard app",
        apply: |w| {
            pod(w)["priorityClassName"] = json!("vixens-critical");
        },
    },
    Mutation {
        rule: "PRIO-4",
        what: "MinIO at vixens-high",
        apply: |w| {
            main_container(w)["image"] = json!("quay.io/minio/minio:RELEASE.2025-01-01T00-00-00Z");
        },
    },
    Mutation {
        rule: "PROBE-1",
        what: "no readinessProbe",
        apply: |w| {
            main_container(w).as_object_mut().unwrap().remove("readinessProbe");
        },
    },
    Mutation {
        rule: "PROBE-2",
        what: "liveness failureThreshold 5",
        apply: |w| {
            main_container(w)["livenessProbe"]["failureThreshold"] = json!(5);
        },
    },
    Mutation {
        rule: "PROBE-3",
        what: "a .NET app without startupProbe",
        apply: |w| {
            main_container(w).as_object_mut().unwrap().remove("startupProbe");
        },
    },
    Mutation {
        rule: "PROBE-4",
        what: "a probe on an undeclared port",
        apply: |w| {
            main_container(w)["livenessProbe"]["httpGet"]["port"] = json!("admin");
        },
    },
    Mutation {
        rule: "DUR-1",
        what: "durability unstated and no durability container",
        apply: |w| {
            annotations(w).remove("vixens.io/durability");
            pod(w).as_object_mut().unwrap().remove("initContainers");
        },
    },
    Mutation {
        rule: "DUR-2",
        what: "litestream as a regular container",
        apply: |w| {
            let list = pod(w)["initContainers"].as_array_mut().unwrap();
            let i = list.iter().position(|c| c["name"] == "litestream").unwrap();
            let mut c = list.remove(i);
            c.as_object_mut().unwrap().remove("restartPolicy");
            pod(w)["containers"].as_array_mut().unwrap().push(c);
        },
    },
    Mutation {
        rule: "DUR-3",
        what: "the config-syncer without the config volume",
        apply: |w| {
            let c = named(w, "initContainers", "config-syncer");
            c["volumeMounts"]
                .as_array_mut()
                .unwrap()
                .retain(|m| m["name"] == "elite-durability" || m["name"] == "elite-tmp");
        },
    },
    Mutation {
        rule: "DUR-4",
        what: "a database path outside the volumes",
        apply: |w| {
            let a = annotations(w);
            let d = a["vixens.io/durability"].as_str().unwrap().replace("=/config/sonarr.db@", "=/var/lib/sonarr.db@");
            a.insert("vixens.io/durability".into(), json!(d));
        },
    },
    Mutation {
        rule: "DUR-5",
        what: "two databases with one name",
        apply: |w| {
            let a = annotations(w);
            let d = a["vixens.io/durability"].as_str().unwrap().replace("sqlite:logs=", "sqlite:sonarr=");
            a.insert("vixens.io/durability".into(), json!(d));
        },
    },
    Mutation {
        rule: "DUR-6",
        what: "a rolling update of a replicated database",
        apply: |w| {
            w["spec"]["strategy"]["type"] = json!("RollingUpdate");
        },
    },
    Mutation {
        rule: "DUR-7",
        what: "a literal API key",
        apply: |w| {
            main_container(w)["env"]
                .as_array_mut()
                .unwrap()
                .push(json!({"name": "SONARR__API_KEY", "value": "hunter2"}));
        },
    },
    Mutation {
        rule: "DUR-8",
        what: "a restore that swallows its errors",
        apply: |w| {
            let c = named(w, "initContainers", "restore-config");
            let script = c["args"][0].as_str().unwrap().replace("touch \"$marker\"", "touch \"$marker\" || true");
            c["args"][0] = json!(script);
        },
    },
    Mutation {
        rule: "DUR-9",
        what: "apk add at start",
        apply: |w| {
            let c = named(w, "initContainers", "config-syncer");
            let script = format!("apk add --no-cache rclone\n{}", c["args"][0].as_str().unwrap());
            c["args"][0] = json!(script);
        },
    },
    Mutation {
        rule: "META-1",
        what: "an image on latest",
        apply: |w| {
            main_container(w)["image"] = json!("ghcr.io/linuxserver/sonarr:latest");
        },
    },
    Mutation {
        rule: "META-2",
        what: "no part-of label",
        apply: |w| {
            w["metadata"]["labels"].as_object_mut().unwrap().remove("app.kubernetes.io/part-of");
        },
    },
    Mutation {
        rule: "META-3",
        what: "revisionHistoryLimit 10",
        apply: |w| {
            w["spec"]["revisionHistoryLimit"] = json!(10);
        },
    },
    Mutation {
        rule: "SEC-1",
        what: "privilege escalation allowed",
        apply: |w| {
            main_container(w)["securityContext"]["allowPrivilegeEscalation"] = json!(true);
        },
    },
    Mutation {
        rule: "SEC-2",
        what: "a writable sidecar root",
        apply: |w| {
            named(w, "initContainers", "litestream")["securityContext"]["readOnlyRootFilesystem"] = json!(false);
        },
    },
    Mutation {
        rule: "HA-1",
        what: "an HA app at one replica",
        apply: |w| {
            annotations(w).insert("vixens.io/ha".into(), json!("true"));
            w["spec"]["topologySpreadConstraints"] = json!(null);
        },
    },
];

#[test]
fn a_workload_broken_on_one_rule_fails_that_rule_only_in_cel_and_in_the_catalog() {
    let k = kyverno::Kyverno::new();
    let rules = policy_rules();
    let built = common::kustomize(&common::workspace().join("apps/20-media/sonarr/overlays/prod"));
    let sonarr = built.iter().find(|o| o["kind"] == "Deployment").unwrap().clone();
    let covered: BTreeSet<&str> = MUTATIONS.iter().map(|m| m.rule).collect();
    let with_cel: BTreeSet<&str> = CATALOG.iter().filter(|r| r.cel.is_some()).map(|r| r.id).collect();
    assert_eq!(covered, with_cel, "one mutation per rule with CEL");
    for m in MUTATIONS {
        let mut w = sonarr.clone();
        (m.apply)(&mut w);
        let want = BTreeSet::from([m.rule.to_owned()]);
        assert_eq!(cel_failures(&k, &rules, &w), want, "CEL on {} ({})", m.rule, m.what);
        assert_eq!(catalog_failures(&w), want, "catalog on {} ({})", m.rule, m.what);
    }
}

/// Every workload of the samples: the build of each overlay that builds, and the base files.
fn sample_workloads() -> Vec<(String, Value)> {
    let root = common::shared().join("vixens-samples/apps");
    let mut out = Vec::new();
    let mut dirs = Vec::new();
    collect_dirs(&root, &mut dirs);
    for dir in dirs {
        let rel = dir.strip_prefix(&root).unwrap().to_string_lossy().into_owned();
        let built = common::tool("kubectl").args(["kustomize"]).arg(&dir).output().unwrap();
        if built.status.success() {
            for o in common::parse_yaml_stream(&String::from_utf8_lossy(&built.stdout)) {
                if from_manifest(&o).is_some() {
                    out.push((format!("{rel} (built)"), o));
                }
            }
        }
        for file in std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()) {
            if file.extension().is_some_and(|e| e == "yaml") && file.file_name().unwrap() != "kustomization.yaml" {
                for o in common::parse_yaml_stream(&std::fs::read_to_string(&file).unwrap()) {
                    if from_manifest(&o).is_some() {
                        out.push((file.strip_prefix(&root).unwrap().to_string_lossy().into_owned(), o));
                    }
                }
            }
        }
    }
    out
}

fn collect_dirs(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    if dir.join("kustomization.yaml").exists() {
        out.push(dir.to_owned());
    }
    let mut children: Vec<_> =
        std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    children.sort();
    for c in children {
        collect_dirs(&c, out);
    }
}

#[test]
fn the_samples_get_the_same_verdicts_from_cel_and_from_the_catalog() {
    let k = kyverno::Kyverno::new();
    let rules = policy_rules();
    let samples = sample_workloads();
    assert!(samples.len() >= 5, "the samples hold workloads: {}", samples.len());
    for (where_, w) in &samples {
        let (cel, catalog) = (cel_failures(&k, &rules, w), catalog_failures(w));
        eprintln!("{where_} {}: fails {}", w["metadata"]["name"], cel.iter().cloned().collect::<Vec<_>>().join(" "));
        assert_eq!(cel, catalog, "{where_}: CEL and the catalog disagree");
    }
}

#[test]
fn the_ha_rule_on_adguard_home_passes_as_generated_and_fails_on_each_loss() {
    let k = kyverno::Kyverno::new();
    let rules = policy_rules();
    let built = common::kustomize(&common::workspace().join("apps/40-network/adguard-home/overlays/prod"));
    let sts = built.iter().find(|o| o["kind"] == "StatefulSet").expect("AdGuard Home is a StatefulSet").clone();
    let pdb = built.iter().find(|o| o["kind"] == "PodDisruptionBudget").expect("an HA app has a PDB").clone();
    let (ha, ha_pdb, removed) = (&rules["ha-1"], &rules["ha-1-pdb"], &rules["ha-1-pdb-removed"]);
    let fails = |rule: &Value, o: &Value| k.evaluate(rule, o).unwrap_or_else(|e| panic!("{e}"));

    // As generated: two replicas, spread by hostname, a PDB keeping one.
    assert_eq!(sts["spec"]["replicas"], 2);
    assert_eq!(fails(ha, &sts), None);
    assert_eq!(fails(ha_pdb, &pdb), None);
    assert!(!matches!(
        judge(elite_core::rules::rule("HA-1").unwrap(), &from_manifest(&sts).unwrap()),
        Outcome::Fail(_)
    ));

    // Each property removed in turn.
    let mut one = sts.clone();
    one["spec"]["replicas"] = json!(1);
    let mut unspread = sts.clone();
    unspread["spec"]["template"]["spec"].as_object_mut().unwrap().remove("topologySpreadConstraints");
    for (what, w) in [("one replica", &one), ("no spread", &unspread)] {
        let message = fails(ha, w).unwrap_or_else(|| panic!("HA-1 passes with {what}"));
        assert!(message.starts_with("[HA-1]"), "{message}");
        let facts = from_manifest(w).unwrap();
        assert!(matches!(judge(elite_core::rules::rule("HA-1").unwrap(), &facts), Outcome::Fail(_)), "catalog: {what}");
    }
    let mut two = pdb.clone();
    two["spec"]["minAvailable"] = json!(2);
    let mut by_max = pdb.clone();
    by_max["spec"].as_object_mut().unwrap().remove("minAvailable");
    by_max["spec"]["maxUnavailable"] = json!(1);
    for (what, p) in [("minAvailable 2", &two), ("maxUnavailable instead", &by_max)] {
        assert!(fails(ha_pdb, p).is_some(), "the PDB rule passes with {what}");
    }
    // Deleting the PDB: the rule matches DELETE of an Elite PDB and always flags it.
    assert_eq!(removed["match"]["any"][0]["resources"]["operations"], json!(["DELETE"]));
    assert_eq!(removed["match"]["any"][0]["resources"]["kinds"], json!(["policy/v1/PodDisruptionBudget"]));
    let message = fails(removed, &pdb).expect("removing the PDB of an HA app is flagged");
    assert!(message.starts_with("[HA-1]"), "{message}");
    // Judging an operation, the removal rule must not run in background scans, which would
    // judge every existing PDB as if it were being removed.
    let admission = common::parse_yaml_stream(
        &std::fs::read_to_string(
            common::workspace().join("apps/_shared/policies/clusterpolicy-elite-high-availability-admission.yaml"),
        )
        .unwrap(),
    )
    .remove(0);
    assert_eq!(admission["spec"]["background"], false);
    assert_eq!(admission["spec"]["rules"].as_array().unwrap().len(), 1);
    assert_eq!(admission["spec"]["rules"][0]["name"], "ha-1-pdb-removed");
    // A PDB is matched only with the Elite label.
    assert_eq!(pdb["metadata"]["labels"]["vixens.io/elite"], "true");
}

/// Keys Kubernetes requires (a perturbation that removes them makes an object the API server
/// rejects, which no policy ever sees).
const REQUIRED: [&str; 10] =
    ["name", "containers", "spec", "template", "metadata", "containerPort", "mountPath", "topologyKey", "kind", "port"];

/// Values a perturbation may set, by JSON type: the ones the rules care about.
const STRINGS: [&str; 16] = [
    "Always",
    "vixens-medium",
    "vixens-critical",
    "repo/app:latest",
    "RuntimeDefault",
    "Unconfined",
    "metrics",
    "/config",
    "ALL",
    "true",
    "false",
    "Recreate",
    "RollingUpdate",
    "core-infra",
    "python",
    "sqlite:x=/x.db@Critical",
];
const INTS: [i64; 8] = [0, 1, 2, 3, 5, 10, 180, 9090];
/// Quantities (the API server rejects a resource that is not one).
const QUANTITIES: [&str; 8] = ["10m", "100m", "250m", "1", "0.5", "128Mi", "512Mi", "1Gi"];

/// Every path in `v` (object keys and array indices).
fn paths(v: &Value, here: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                here.push(k.clone());
                out.push(here.clone());
                paths(child, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                here.push(i.to_string());
                out.push(here.clone());
                paths(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

/// Removes the value at `path` (unless Kubernetes requires it), or sets it to another value of
/// the same type.
fn perturb(w: &mut Value, path: &[String], rng: &mut common::Rng) {
    let (last, parent) = path.split_last().unwrap();
    let parent = parent
        .iter()
        .fold(w, |v, k| if v.is_array() { &mut v[k.parse::<usize>().unwrap()] } else { &mut v[k.as_str()] });
    let slot = if parent.is_array() { &mut parent[last.parse::<usize>().unwrap()] } else { &mut parent[last.as_str()] };
    let in_resources = path.iter().any(|k| k == "resources");
    let replacement = match slot {
        Value::String(_) if in_resources => Some(json!(QUANTITIES[rng.below(QUANTITIES.len())])),
        Value::String(_) => Some(json!(STRINGS[rng.below(STRINGS.len())])),
        Value::Number(_) => Some(json!(INTS[rng.below(INTS.len())])),
        Value::Bool(b) => Some(json!(!*b)),
        _ => None,
    };
    match (replacement, rng.below(2)) {
        (Some(r), 0) => *slot = r,
        _ if !REQUIRED.contains(&last.as_str()) && parent.is_object() => {
            parent.as_object_mut().unwrap().remove(last);
        }
        _ => {}
    }
}

#[test]
fn cel_and_the_catalog_agree_on_randomly_perturbed_workloads() {
    // Up to three random changes (a field removed, or set to another value of its type) to the
    // generated workloads and the samples; the seed is printed, the run is deterministic per seed.
    let k = kyverno::Kyverno::new();
    let rules = policy_rules();
    let mut bases: Vec<Value> = generated_workloads();
    bases.extend(
        sample_workloads()
            .into_iter()
            .map(|(_, w)| w)
            .filter(|w| w["spec"]["template"]["spec"]["containers"].is_array()),
    );
    let mut rng = common::Rng::from_env(0x5eed_u64);
    let mut disagreements = Vec::new();
    for round in 0..600 {
        let mut w = bases[rng.below(bases.len())].clone();
        for _ in 0..1 + rng.below(3) {
            let mut all = Vec::new();
            paths(&w["spec"], &mut vec!["spec".into()], &mut all);
            paths(&w["metadata"], &mut vec!["metadata".into()], &mut all);
            let path = all[rng.below(all.len())].clone();
            perturb(&mut w, &path, &mut rng);
        }
        if !w["spec"]["template"]["spec"]["containers"].is_array() {
            continue;
        }
        let (cel, catalog) = (cel_failures(&k, &rules, &w), catalog_failures(&w));
        if cel != catalog {
            disagreements.push(format!("round {round}: CEL {cel:?} catalog {catalog:?}\n{w:#}"));
        }
    }
    assert!(disagreements.is_empty(), "{} disagreement(s); first:\n{}", disagreements.len(), disagreements[0]);
}
