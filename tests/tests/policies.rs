//! The Kyverno ClusterPolicies generated from the catalog judge objects as the catalog does.
//!
//! The committed policies (apps/_shared/policies) and exceptions (apps/_shared/exceptions) are
//! evaluated with a spec-following CEL engine that applies PolicyExceptions as Kyverno does (see
//! `kyverno/mod.rs`), and compared, rule part by rule part (`SEC-1/host-namespaces`), with the
//! catalog's predicates run on the facts `elite_core::facts::from_manifest` reads from the same
//! object, with the same exceptions granted:
//! - every generated workload passes every rule;
//! - a workload changed to break one rule part fails that part, and only it, in both;
//! - the hand-kept workloads of tests/fixtures get the same verdicts from both;
//! - so do thousands of randomly perturbed workloads.

mod common;
mod kyverno;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use elite_core::audit::exceptions::{Grant, grants_of, suppress};
use elite_core::audit::{Audit, FindingStatus};
use elite_core::facts::from_manifest;
use elite_core::render::policy::kyverno_rule_name;
use elite_core::rules::{CATALOG, Outcome, RuleId, judge};
use serde_json::{Value, json};

/// The committed policies and exceptions.
struct Policies {
    /// Kyverno rule name → (policy name, rule).
    rules: BTreeMap<String, (String, Value)>,
    /// Kyverno rule name of a workload rule → the id of the rule part it judges.
    ids: BTreeMap<String, String>,
    exceptions: kyverno::Exceptions,
    grants: BTreeSet<Grant>,
}

fn load() -> Policies {
    let apps = common::workspace_config().apps;
    let mut rules = BTreeMap::new();
    for entry in std::fs::read_dir(apps.join("_shared/policies")).unwrap() {
        let path = entry.unwrap().path();
        if !path.file_name().unwrap().to_string_lossy().starts_with("clusterpolicy-") {
            continue;
        }
        for doc in common::parse_yaml_stream(&std::fs::read_to_string(&path).unwrap()) {
            let policy = doc["metadata"]["name"].as_str().unwrap().to_owned();
            for rule in doc["spec"]["rules"].as_array().unwrap() {
                rules.insert(rule["name"].as_str().unwrap().to_owned(), (policy.clone(), rule.clone()));
            }
        }
    }
    let mut exceptions = Vec::new();
    for entry in std::fs::read_dir(apps.join("_shared/exceptions")).unwrap() {
        let path = entry.unwrap().path();
        exceptions.extend(
            common::parse_yaml_stream(&std::fs::read_to_string(&path).unwrap())
                .into_iter()
                .filter(|d| d["kind"] == "PolicyException"),
        );
    }
    let grants = exceptions.iter().flat_map(grants_of).collect();
    Policies { rules, ids: part_ids(), exceptions: kyverno::Exceptions(exceptions), grants }
}

/// Kyverno rule name → rule part id, for every condition of the catalog.
fn part_ids() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for r in CATALOG {
        for c in r.cel.map(|f| f()).unwrap_or_default() {
            out.insert(kyverno_rule_name(r.id, c.check), part_id(r.id, c.check));
        }
    }
    out
}

fn part_id(rule: RuleId, check: Option<&str>) -> String {
    match check {
        Some(c) => format!("{rule}/{c}"),
        None => rule.to_string(),
    }
}

/// Whether a Kyverno rule applies to `object` (its kind; CREATE/UPDATE).
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

/// The rule parts the workload policies fail on `object`, exceptions applied.
fn cel_failures(k: &kyverno::Kyverno, p: &Policies, object: &Value) -> BTreeSet<String> {
    let mut failed = BTreeSet::new();
    for (name, id) in &p.ids {
        let (policy, rule) = &p.rules[name];
        if !matches(rule, object) || p.exceptions.excepts(policy, name, object) {
            continue;
        }
        match k.evaluate(rule, object) {
            Ok(None) => {}
            Ok(Some(_)) => {
                failed.insert(id.clone());
            }
            Err(e) => panic!("{name} on {}: CEL evaluation error: {e}", object["metadata"]["name"]),
        }
    }
    failed
}

/// The rule parts (of rules with CEL) the catalog fails on the facts of `object`, with the
/// repository's exceptions granted, as the audit judges it.
fn catalog_failures(p: &Policies, object: &Value) -> BTreeSet<String> {
    let mut a = Audit::default();
    a.add("object.yaml", &elite_core::render::yaml::to_yaml(object).unwrap());
    suppress(&mut a, &p.grants);
    assert_eq!(a.workloads.len(), 1, "{:?}", a.unreadable);
    a.workloads[0]
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Fail && elite_core::rules::rule(f.rule).cel.is_some())
        .map(|f| part_id(f.rule, f.check))
        .collect()
}

/// The workloads `kubectl kustomize` builds from every overlay of the generated tree.
fn generated_workloads() -> Vec<Value> {
    let ws = common::workspace_config();
    let mut out = Vec::new();
    for app in common::apps() {
        for (_, overlay) in elite_gen::layout::overlays(&app, &ws.platform) {
            let objects = common::kustomize(&ws.apps.join(overlay));
            out.extend(objects.into_iter().filter(|o| from_manifest(o).is_some()));
        }
    }
    out
}

/// The built workload of `app` in prod.
fn built(app: &str) -> Value {
    let ws = common::workspace_config();
    let spec = common::apps().into_iter().find(|a| a.name == app).unwrap();
    let objects = common::kustomize(&ws.apps.join(ws.platform.folder(&spec)).join("overlays/prod"));
    objects.into_iter().find(|o| from_manifest(o).is_some()).unwrap()
}

#[test]
fn every_catalog_rule_that_one_object_can_show_is_in_a_policy_one_kyverno_rule_per_part() {
    let p = load();
    for r in CATALOG {
        let parts: Vec<Option<&str>> = r.cel.map(|f| f().iter().map(|c| c.check).collect()).unwrap_or_default();
        for check in &parts {
            let name = kyverno_rule_name(r.id, *check);
            let (_, rule) = p.rules.get(&name).unwrap_or_else(|| panic!("{name}: no Kyverno rule"));
            assert_eq!(rule["validate"]["failureAction"], "Audit");
            assert_eq!(rule["match"]["any"][0]["resources"]["selector"]["matchLabels"]["vixens.io/elite"], "true");
            for e in rule["validate"]["cel"]["expressions"].as_array().unwrap() {
                let id = part_id(r.id, *check);
                assert!(e["message"].as_str().unwrap().starts_with(&format!("[{id}] ")), "{name}: {e}");
            }
        }
        assert_eq!(parts.is_empty(), r.cel.is_none());
    }
    // SEC-1 is the whole restricted profile, each control its own Kyverno rule.
    for check in elite_core::rules::security::checks::ALL {
        assert!(p.rules.contains_key(&format!("sec-1-{check}")), "sec-1-{check}");
    }
    // One object cannot show these: another object's scraping, the alert rules, and what only a
    // declaration says.
    let without: Vec<RuleId> = CATALOG.iter().filter(|r| r.cel.is_none()).map(|r| r.id).collect();
    assert_eq!(without, [RuleId::Obs1, RuleId::Obs2, RuleId::Decl]);
}

#[test]
fn every_generated_workload_passes_every_rule_in_cel_and_in_the_catalog() {
    let k = kyverno::Kyverno::new();
    let p = load();
    let workloads = generated_workloads();
    assert!(!workloads.is_empty());
    for w in &workloads {
        let name = w["metadata"]["name"].as_str().unwrap();
        assert_eq!(cel_failures(&k, &p, w), BTreeSet::new(), "{name}: CEL");
        assert_eq!(catalog_failures(&p, w), BTreeSet::new(), "{name}: catalog on the manifest's facts");
    }
}

#[test]
fn without_its_granted_exception_a_workload_that_needs_one_fails_exactly_its_parts() {
    // Frigate runs as root and writes to its root: with the repository's exceptions it passes;
    // without them it fails exactly the parts the exceptions relax, in both.
    let k = kyverno::Kyverno::new();
    let mut p = load();
    let frigate = built("frigate");
    assert_eq!(cel_failures(&k, &p, &frigate), BTreeSet::new());
    p.exceptions.0.clear();
    p.grants.clear();
    let want: BTreeSet<String> = ["SEC-1/run-as-non-root", "SEC-1/capabilities", "SEC-3"].map(String::from).into();
    assert_eq!(cel_failures(&k, &p, &frigate), want);
    assert_eq!(catalog_failures(&p, &frigate), want);
}

#[test]
fn the_facts_read_from_a_manifest_judge_as_the_declaration_s() {
    // The catalog on the declaration and on the built manifest (exceptions granted as the audit
    // grants them) agrees, rule by rule; the manifest cannot show the PodDisruptionBudget, so
    // HA-1 may only become undecidable there.
    let p = load();
    for app in common::apps() {
        let declared = elite_core::facts::from_app(&app);
        let workload = built(&app.name);
        let read = from_manifest(&workload).unwrap();
        let manifest_fails = catalog_failures(&p, &workload);
        for r in CATALOG.iter().filter(|r| r.id != RuleId::Decl) {
            let a = judge(r, &declared);
            let fails_in_manifest =
                manifest_fails.iter().any(|id| id == r.id.as_str() || id.starts_with(&format!("{}/", r.id)));
            let same = match (&a, judge(r, &read)) {
                (Outcome::Fail(_), _) => fails_in_manifest,
                (Outcome::Pass, Outcome::Undecidable(_)) => r.id == RuleId::Ha1,
                (Outcome::Pass, _) => !fails_in_manifest,
                (Outcome::Undecidable(_), Outcome::Undecidable(_)) => true,
                _ => false,
            };
            assert!(same, "{} {}: declared {a:?}, manifest fails {manifest_fails:?}", app.name, r.id);
        }
    }
}

/// A change that breaks exactly one rule part, on the built workload of `base`.
struct Mutation {
    part: &'static str,
    what: &'static str,
    base: &'static str,
    /// Parts the same change necessarily breaks too.
    also: &'static [&'static str],
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
        part: "SIZE-1",
        what: "the app without a CPU limit",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w)["resources"]["limits"].as_object_mut().unwrap().remove("cpu");
        },
    },
    Mutation {
        part: "SIZE-2",
        what: "memory request below the limit",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w)["resources"]["requests"]["memory"] = json!("512Mi");
        },
    },
    Mutation {
        part: "SIZE-3",
        what: "a custom CPU request at 50% of the limit",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w)["resources"]["requests"]["cpu"] = json!("500m");
        },
    },
    Mutation {
        part: "SIZE-4",
        what: "a sidecar sized Small",
        base: "sonarr",
        also: &[],
        apply: |w| {
            let r = &mut named(w, "initContainers", "restore-db")["resources"];
            *r = json!({"requests": {"cpu": "50m", "memory": "512Mi"}, "limits": {"cpu": "500m", "memory": "512Mi"}});
        },
    },
    Mutation {
        part: "PRIO-1",
        what: "no priorityClassName (not vixens-high either: PRIO-2 too)",
        base: "sonarr",
        also: &["PRIO-2"],
        apply: |w| {
            pod(w).as_object_mut().unwrap().remove("priorityClassName");
        },
    },
    Mutation {
        part: "PRIO-2",
        what: "vixens-medium for a standard app",
        base: "sonarr",
        also: &[],
        apply: |w| {
            pod(w)["priorityClassName"] = json!("vixens-medium");
        },
    },
    Mutation {
        part: "PRIO-3",
        what: "vixens-critical for a standard app",
        base: "sonarr",
        also: &[],
        apply: |w| {
            pod(w)["priorityClassName"] = json!("vixens-critical");
        },
    },
    Mutation {
        part: "PRIO-4",
        what: "MinIO at vixens-high",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w)["image"] = json!("quay.io/minio/minio:RELEASE.2025-01-01T00-00-00Z");
        },
    },
    Mutation {
        part: "PROBE-1",
        what: "no readinessProbe",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w).as_object_mut().unwrap().remove("readinessProbe");
        },
    },
    Mutation {
        part: "PROBE-2",
        what: "liveness failureThreshold 5",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w)["livenessProbe"]["failureThreshold"] = json!(5);
        },
    },
    Mutation {
        part: "PROBE-3",
        what: "a .NET app without startupProbe",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w).as_object_mut().unwrap().remove("startupProbe");
        },
    },
    Mutation {
        part: "PROBE-4",
        what: "a probe on an undeclared port",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w)["livenessProbe"]["httpGet"]["port"] = json!("admin");
        },
    },
    Mutation {
        part: "DUR-1",
        what: "durability unstated and no durability container",
        base: "sonarr",
        also: &[],
        apply: |w| {
            annotations(w).remove("vixens.io/durability");
            pod(w).as_object_mut().unwrap().remove("initContainers");
        },
    },
    Mutation {
        part: "DUR-2",
        what: "litestream as a regular container",
        base: "sonarr",
        also: &[],
        apply: |w| {
            let list = pod(w)["initContainers"].as_array_mut().unwrap();
            let i = list.iter().position(|c| c["name"] == "litestream").unwrap();
            let mut c = list.remove(i);
            c.as_object_mut().unwrap().remove("restartPolicy");
            pod(w)["containers"].as_array_mut().unwrap().push(c);
        },
    },
    Mutation {
        part: "DUR-3",
        what: "the config-syncer without the config volume",
        base: "sonarr",
        also: &[],
        apply: |w| {
            let c = named(w, "initContainers", "config-syncer");
            c["volumeMounts"]
                .as_array_mut()
                .unwrap()
                .retain(|m| m["name"] == "elite-durability" || m["name"] == "elite-tmp");
        },
    },
    Mutation {
        part: "DUR-4",
        what: "a database path outside the volumes",
        base: "sonarr",
        also: &[],
        apply: |w| {
            let a = annotations(w);
            let d = a["vixens.io/durability"].as_str().unwrap().replace("=/config/sonarr.db@", "=/var/lib/sonarr.db@");
            a.insert("vixens.io/durability".into(), json!(d));
        },
    },
    Mutation {
        part: "DUR-5",
        what: "two databases with one name",
        base: "sonarr",
        also: &[],
        apply: |w| {
            let a = annotations(w);
            let d = a["vixens.io/durability"].as_str().unwrap().replace("sqlite:logs=", "sqlite:sonarr=");
            a.insert("vixens.io/durability".into(), json!(d));
        },
    },
    Mutation {
        part: "DUR-6",
        what: "a rolling update of a replicated database",
        base: "sonarr",
        also: &[],
        apply: |w| {
            w["spec"]["strategy"]["type"] = json!("RollingUpdate");
        },
    },
    Mutation {
        part: "DUR-7",
        what: "a literal API key",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w)["env"]
                .as_array_mut()
                .unwrap()
                .push(json!({"name": "SONARR__API_KEY", "value": "hunter2"}));
        },
    },
    Mutation {
        part: "DUR-8",
        what: "a restore that swallows its errors",
        base: "sonarr",
        also: &[],
        apply: |w| {
            let c = named(w, "initContainers", "restore-config");
            let script = c["args"][0].as_str().unwrap().replace("touch \"$marker\"", "touch \"$marker\" || true");
            c["args"][0] = json!(script);
        },
    },
    Mutation {
        part: "DUR-9",
        what: "apk add at start",
        base: "sonarr",
        also: &[],
        apply: |w| {
            let c = named(w, "initContainers", "config-syncer");
            let script = format!("apk add --no-cache rclone\n{}", c["args"][0].as_str().unwrap());
            c["args"][0] = json!(script);
        },
    },
    Mutation {
        part: "META-1",
        what: "an image on latest",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w)["image"] = json!("ghcr.io/linuxserver/sonarr:latest");
        },
    },
    Mutation {
        part: "META-2",
        what: "no part-of label",
        base: "sonarr",
        also: &[],
        apply: |w| {
            w["metadata"]["labels"].as_object_mut().unwrap().remove("app.kubernetes.io/part-of");
        },
    },
    Mutation {
        part: "META-3",
        what: "revisionHistoryLimit 10",
        base: "sonarr",
        also: &[],
        apply: |w| {
            w["spec"]["revisionHistoryLimit"] = json!(10);
        },
    },
    Mutation {
        part: "SEC-1/privilege-escalation",
        what: "privilege escalation allowed",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w)["securityContext"]["allowPrivilegeEscalation"] = json!(true);
        },
    },
    Mutation {
        part: "SEC-1/privileged",
        what: "a privileged container",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w)["securityContext"]["privileged"] = json!(true);
        },
    },
    Mutation {
        part: "SEC-1/host-namespaces",
        what: "the host's network",
        base: "sonarr",
        also: &[],
        apply: |w| {
            pod(w)["hostNetwork"] = json!(true);
        },
    },
    Mutation {
        part: "SEC-1/host-path",
        what: "a hostPath of /",
        base: "sonarr",
        also: &[],
        apply: |w| {
            pod(w)["volumes"].as_array_mut().unwrap().push(json!({"name": "root", "hostPath": {"path": "/"}}));
        },
    },
    Mutation {
        part: "SEC-1/volume-types",
        what: "an inline NFS volume",
        base: "sonarr",
        also: &[],
        apply: |w| {
            pod(w)["volumes"]
                .as_array_mut()
                .unwrap()
                .push(json!({"name": "share", "nfs": {"server": "nas", "path": "/x"}}));
        },
    },
    Mutation {
        part: "SEC-1/host-ports",
        what: "a hostPort",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w)["ports"][0]["hostPort"] = json!(8989);
        },
    },
    Mutation {
        part: "SEC-1/capabilities",
        what: "SYS_ADMIN added",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w)["securityContext"]["capabilities"]["add"] = json!(["SYS_ADMIN"]);
        },
    },
    Mutation {
        part: "SEC-1/proc-mount",
        what: "an unmasked /proc",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w)["securityContext"]["procMount"] = json!("Unmasked");
        },
    },
    Mutation {
        part: "SEC-1/sysctls",
        what: "an unsafe sysctl",
        base: "sonarr",
        also: &[],
        apply: |w| {
            pod(w)["securityContext"]["sysctls"] = json!([{"name": "kernel.msgmax", "value": "65536"}]);
        },
    },
    Mutation {
        part: "SEC-1/selinux",
        what: "the spc_t SELinux type",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w)["securityContext"]["seLinuxOptions"] = json!({"type": "spc_t"});
        },
    },
    Mutation {
        part: "SEC-1/apparmor",
        what: "AppArmor unconfined",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w)["securityContext"]["appArmorProfile"] = json!({"type": "Unconfined"});
        },
    },
    Mutation {
        part: "SEC-1/seccomp",
        what: "seccomp unconfined",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w)["securityContext"]["seccompProfile"] = json!({"type": "Unconfined"});
        },
    },
    Mutation {
        part: "SEC-1/run-as-non-root",
        what: "runAsUser 0",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w)["securityContext"]["runAsUser"] = json!(0);
        },
    },
    Mutation {
        part: "SEC-1/windows-host-process",
        what: "a Windows host process",
        base: "sonarr",
        also: &[],
        apply: |w| {
            main_container(w)["securityContext"]["windowsOptions"] = json!({"hostProcess": true});
        },
    },
    Mutation {
        part: "SEC-2",
        what: "a writable sidecar root",
        base: "sonarr",
        also: &[],
        apply: |w| {
            named(w, "initContainers", "litestream")["securityContext"]["readOnlyRootFilesystem"] = json!(false);
        },
    },
    Mutation {
        part: "SEC-3",
        what: "a writable root for an app without the exception",
        base: "vaultwarden",
        also: &[],
        apply: |w| {
            main_container(w)["securityContext"]["readOnlyRootFilesystem"] = json!(false);
        },
    },
    Mutation {
        part: "SEC-4/token",
        what: "the token mounted without API access",
        base: "sonarr",
        also: &[],
        apply: |w| {
            pod(w)["automountServiceAccountToken"] = json!(true);
        },
    },
    Mutation {
        part: "SEC-4/service-account",
        what: "the namespace's default account",
        base: "sonarr",
        also: &[],
        apply: |w| {
            pod(w).as_object_mut().unwrap().remove("serviceAccountName");
        },
    },
    Mutation {
        part: "HA-1",
        what: "an HA app at one replica",
        base: "sonarr",
        also: &[],
        apply: |w| {
            annotations(w).insert("vixens.io/ha".into(), json!("true"));
            w["spec"]["topologySpreadConstraints"] = json!(null);
        },
    },
];

#[test]
fn a_workload_broken_on_one_rule_part_fails_that_part_only_in_cel_and_in_the_catalog() {
    let k = kyverno::Kyverno::new();
    let p = load();
    let bases: BTreeMap<&str, Value> =
        MUTATIONS.iter().map(|m| m.base).collect::<BTreeSet<_>>().into_iter().map(|b| (b, built(b))).collect();
    let covered: BTreeSet<&str> = MUTATIONS.iter().map(|m| m.part).collect();
    let with_cel: BTreeSet<&str> = p.ids.values().map(String::as_str).collect();
    assert_eq!(covered, with_cel, "one mutation per rule part with CEL");
    for m in MUTATIONS {
        let mut w = bases[m.base].clone();
        (m.apply)(&mut w);
        let want: BTreeSet<String> = std::iter::once(m.part).chain(m.also.iter().copied()).map(String::from).collect();
        assert_eq!(cel_failures(&k, &p, &w), want, "CEL on {} ({})", m.part, m.what);
        assert_eq!(catalog_failures(&p, &w), want, "catalog on {} ({})", m.part, m.what);
    }
}

/// Every workload of the hand-kept fixtures: the build of each folder that builds, and the
/// files.
fn fixture_workloads() -> Vec<(String, Value)> {
    let root = common::fixtures().join("before");
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
fn the_hand_kept_workloads_get_the_same_verdicts_from_cel_and_from_the_catalog() {
    let k = kyverno::Kyverno::new();
    let p = load();
    let fixtures = fixture_workloads();
    assert!(fixtures.len() >= 6, "the fixtures hold workloads: {}", fixtures.len());
    for (where_, w) in &fixtures {
        let (cel, catalog) = (cel_failures(&k, &p, w), catalog_failures(&p, w));
        assert!(!cel.is_empty(), "{where_}: a hand-kept workload is not Elite");
        assert_eq!(cel, catalog, "{where_}: CEL and the catalog disagree");
    }
}

#[test]
fn the_ha_rule_on_adguard_home_passes_as_generated_and_fails_on_each_loss() {
    let k = kyverno::Kyverno::new();
    let p = load();
    let ws = common::workspace_config();
    let built = common::kustomize(&ws.apps.join("40-network/adguard-home/overlays/prod"));
    let sts = built.iter().find(|o| o["kind"] == "StatefulSet").expect("AdGuard Home is a StatefulSet").clone();
    let pdb = built.iter().find(|o| o["kind"] == "PodDisruptionBudget").expect("an HA app has a PDB").clone();
    let (ha, ha_pdb, removed) = (&p.rules["ha-1"].1, &p.rules["ha-1-pdb"].1, &p.rules["ha-1-pdb-removed"].1);
    let fails = |rule: &Value, o: &Value| k.evaluate(rule, o).unwrap_or_else(|e| panic!("{e}"));
    let ha_rule = elite_core::rules::rule(RuleId::Ha1);

    // As generated: two replicas, spread by hostname, a PDB keeping one.
    assert_eq!(sts["spec"]["replicas"], 2);
    assert_eq!(fails(ha, &sts), None);
    assert_eq!(fails(ha_pdb, &pdb), None);
    assert!(!matches!(judge(ha_rule, &from_manifest(&sts).unwrap()), Outcome::Fail(_)));

    // Each property removed in turn.
    let mut one = sts.clone();
    one["spec"]["replicas"] = json!(1);
    let mut unspread = sts.clone();
    unspread["spec"]["template"]["spec"].as_object_mut().unwrap().remove("topologySpreadConstraints");
    for (what, w) in [("one replica", &one), ("no spread", &unspread)] {
        let message = fails(ha, w).unwrap_or_else(|| panic!("HA-1 passes with {what}"));
        assert!(message.starts_with("[HA-1]"), "{message}");
        assert!(matches!(judge(ha_rule, &from_manifest(w).unwrap()), Outcome::Fail(_)), "catalog: {what}");
    }
    let mut two = pdb.clone();
    two["spec"]["minAvailable"] = json!(2);
    let mut by_max = pdb.clone();
    by_max["spec"].as_object_mut().unwrap().remove("minAvailable");
    by_max["spec"]["maxUnavailable"] = json!(1);
    for (what, pd) in [("minAvailable 2", &two), ("maxUnavailable instead", &by_max)] {
        assert!(fails(ha_pdb, pd).is_some(), "the PDB rule passes with {what}");
    }
    // Deleting the PDB: the rule matches DELETE of an Elite PDB and always flags it.
    assert_eq!(removed["match"]["any"][0]["resources"]["operations"], json!(["DELETE"]));
    assert_eq!(removed["match"]["any"][0]["resources"]["kinds"], json!(["policy/v1/PodDisruptionBudget"]));
    let message = fails(removed, &pdb).expect("removing the PDB of an HA app is flagged");
    assert!(message.starts_with("[HA-1]"), "{message}");
    // Judging an operation, the removal rule must not run in background scans, which would
    // judge every existing PDB as if it were being removed.
    let admission = common::parse_yaml_stream(
        &std::fs::read_to_string(ws.apps.join("_shared/policies/clusterpolicy-elite-high-availability-admission.yaml"))
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
    // generated workloads and the fixtures; the seed is printed, the run is deterministic per seed.
    let k = kyverno::Kyverno::new();
    let p = load();
    let mut bases: Vec<Value> = generated_workloads();
    bases.extend(
        fixture_workloads()
            .into_iter()
            .map(|(_, w)| w)
            .filter(|w| w["spec"]["template"]["spec"]["containers"].is_array()),
    );
    let mut rng = common::Rng::from_env(0x5eed_u64);
    let mut disagreements = Vec::new();
    for round in 0..1500 {
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
        let (cel, catalog) = (cel_failures(&k, &p, &w), catalog_failures(&p, &w));
        if cel != catalog {
            let only_cel: Vec<&String> = cel.difference(&catalog).collect();
            let only_catalog: Vec<&String> = catalog.difference(&cel).collect();
            disagreements.push(format!(
                "round {round} ({}): only CEL {only_cel:?}, only the catalog {only_catalog:?}\n{w:#}",
                w["metadata"]["name"]
            ));
        }
    }
    let summary: Vec<&str> = disagreements.iter().map(|d| d.lines().next().unwrap_or_default()).collect();
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s):\n{}\nthe first:\n{}",
        disagreements.len(),
        summary.join("\n"),
        disagreements[0]
    );
}
