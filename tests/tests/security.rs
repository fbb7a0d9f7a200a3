//! Secure by default: every generated pod meets Pod Security "restricted" (checked by an
//! evaluator written here from the Kubernetes Pod Security Standards document, independent of the
//! catalog), except where an exception is declared, granted (a PolicyException in the tree) and
//! in a namespace labelled for it; checkov finds nothing on the prod overlays beyond an explicit,
//! reasoned list; a hostile pod fails the audit and the cluster policy with each control named.

mod common;
mod kyverno;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use common::*;
use elite_core::ExceptionKind;
use elite_core::audit::{Audit, FindingStatus};
use serde_json::{Value, json};

/// The Pod Security Standards controls, as the document names them.
mod pss {
    use super::*;

    const BASELINE_CAPS: [&str; 13] = [
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    ];
    const SAFE_SYSCTLS: [&str; 10] = [
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    ];
    const VOLUME_TYPES: [&str; 8] =
        ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

    /// The controls a pod spec violates, by level.
    pub fn violations(pod: &Value, annotations: &Value) -> BTreeMap<&'static str, &'static str> {
        let mut out = BTreeMap::new();
        let mut v = |level: &'static str, control: &'static str| {
            out.insert(control, level);
        };
        let containers: Vec<&Value> = ["initContainers", "containers", "ephemeralContainers"]
            .iter()
            .flat_map(|k| pod[*k].as_array().into_iter().flatten())
            .collect();
        let psc = &pod["securityContext"];
        // Baseline.
        if psc["windowsOptions"]["hostProcess"] == true
            || containers.iter().any(|c| c["securityContext"]["windowsOptions"]["hostProcess"] == true)
        {
            v("baseline", "HostProcess");
        }
        if ["hostNetwork", "hostPID", "hostIPC"].iter().any(|k| pod[*k] == true) {
            v("baseline", "Host Namespaces");
        }
        if containers.iter().any(|c| c["securityContext"]["privileged"] == true) {
            v("baseline", "Privileged Containers");
        }
        if containers.iter().any(|c| {
            c["securityContext"]["capabilities"]["add"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|a| !BASELINE_CAPS.contains(&a.as_str().unwrap_or("")))
        }) {
            v("baseline", "Capabilities");
        }
        let volumes: Vec<&Value> = pod["volumes"].as_array().into_iter().flatten().collect();
        if volumes.iter().any(|vol| vol.get("hostPath").is_some()) {
            v("baseline", "HostPath Volumes");
        }
        if containers
            .iter()
            .any(|c| c["ports"].as_array().into_iter().flatten().any(|p| p["hostPort"].as_i64().unwrap_or(0) != 0))
        {
            v("baseline", "Host Ports");
        }
        let apparmor_ok = |t: &Value| t.is_null() || t == "RuntimeDefault" || t == "Localhost";
        let annotation_ok = annotations.as_object().into_iter().flatten().all(|(k, val)| {
            !k.starts_with("container.apparmor.security.beta.kubernetes.io/")
                || val == "runtime/default"
                || val.as_str().is_some_and(|s| s.starts_with("localhost/"))
        });
        if !apparmor_ok(&psc["appArmorProfile"]["type"])
            || containers.iter().any(|c| !apparmor_ok(&c["securityContext"]["appArmorProfile"]["type"]))
            || !annotation_ok
        {
            v("baseline", "AppArmor");
        }
        let selinux_ok = |s: &Value| {
            let t = &s["seLinuxOptions"]["type"];
            (t.is_null()
                || ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]
                    .contains(&t.as_str().unwrap_or("?")))
                && s["seLinuxOptions"]["user"].is_null()
                && s["seLinuxOptions"]["role"].is_null()
        };
        if !selinux_ok(psc) || containers.iter().any(|c| !selinux_ok(&c["securityContext"])) {
            v("baseline", "SELinux");
        }
        if containers
            .iter()
            .any(|c| !c["securityContext"]["procMount"].is_null() && c["securityContext"]["procMount"] != "Default")
        {
            v("baseline", "/proc Mount Type");
        }
        let seccomp_ok_baseline = |t: &Value| t != "Unconfined";
        if !seccomp_ok_baseline(&psc["seccompProfile"]["type"])
            || containers.iter().any(|c| !seccomp_ok_baseline(&c["securityContext"]["seccompProfile"]["type"]))
        {
            v("baseline", "Seccomp");
        }
        if psc["sysctls"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|s| !SAFE_SYSCTLS.contains(&s["name"].as_str().unwrap_or("")))
        {
            v("baseline", "Sysctls");
        }
        // Restricted.
        if volumes.iter().any(|vol| {
            vol.as_object().is_some_and(|o| {
                o.keys().any(|k| k != "name" && k != "hostPath" && !VOLUME_TYPES.contains(&k.as_str()))
            })
        }) {
            v("restricted", "Volume Types");
        }
        if containers.iter().any(|c| c["securityContext"]["allowPrivilegeEscalation"] != false) {
            v("restricted", "Privilege Escalation");
        }
        let pod_non_root = psc["runAsNonRoot"] == true;
        if psc["runAsNonRoot"] == false
            || containers.iter().any(|c| {
                c["securityContext"]["runAsNonRoot"] == false
                    || (!pod_non_root && c["securityContext"]["runAsNonRoot"] != true)
            })
        {
            v("restricted", "Running as Non-root");
        }
        if psc["runAsUser"] == 0 || containers.iter().any(|c| c["securityContext"]["runAsUser"] == 0) {
            v("restricted", "Running as Non-root user");
        }
        let pod_seccomp = &psc["seccompProfile"]["type"];
        let allowed = |t: &Value| t == "RuntimeDefault" || t == "Localhost";
        if (!pod_seccomp.is_null() && !allowed(pod_seccomp))
            || containers.iter().any(|c| {
                let own = &c["securityContext"]["seccompProfile"]["type"];
                if own.is_null() { !allowed(pod_seccomp) } else { !allowed(own) }
            })
        {
            v("restricted", "Seccomp (restricted)");
        }
        if containers.iter().any(|c| {
            let caps = &c["securityContext"]["capabilities"];
            !caps["drop"].as_array().into_iter().flatten().any(|d| d == "ALL")
                || caps["add"].as_array().into_iter().flatten().any(|a| a != "NET_BIND_SERVICE")
        }) {
            v("restricted", "Capabilities (restricted)");
        }
        out
    }
}

/// The restricted controls a declared exception kind may relax, as the document names them.
fn relaxed_controls(kind: ExceptionKind) -> &'static [&'static str] {
    match kind {
        ExceptionKind::RunAsRoot => &["Running as Non-root", "Running as Non-root user", "Capabilities (restricted)"],
        ExceptionKind::WritableRoot => &[],
    }
}

#[test]
fn every_generated_pod_meets_restricted_but_for_its_granted_exceptions() {
    let ws = workspace_config();
    let exceptions: Vec<Value> = fs::read_dir(ws.apps.join(elite_gen::layout::EXCEPTIONS_DIR))
        .unwrap()
        .flat_map(|e| parse_yaml_stream(&fs::read_to_string(e.unwrap().path()).unwrap()))
        .filter(|d| d["kind"] == "PolicyException")
        .collect();
    let namespaces: BTreeMap<String, Value> = kustomize(&ws.apps.join(elite_gen::layout::NAMESPACES_DIR))
        .into_iter()
        .map(|n| (n["metadata"]["name"].as_str().unwrap().to_owned(), n))
        .collect();
    let mut judged = 0;
    for app in apps() {
        for (_, overlay) in elite_gen::layout::overlays(&app, &ws.platform) {
            let built = kustomize(&ws.apps.join(&overlay));
            let w = built.iter().find(|o| o["kind"] == "Deployment" || o["kind"] == "StatefulSet").unwrap();
            let found =
                pss::violations(&w["spec"]["template"]["spec"], &w["spec"]["template"]["metadata"]["annotations"]);
            assert!(
                found.values().all(|level| *level == "restricted"),
                "{overlay}: baseline is never relaxed: {found:?}"
            );
            let allowed: BTreeSet<&str> =
                app.exceptions.iter().flat_map(|e| relaxed_controls(e.kind).iter().copied()).collect();
            for control in found.keys() {
                assert!(allowed.contains(control), "{overlay}: {control} is violated without a declared exception");
            }
            if !found.is_empty() {
                // Granted in the tree, and the namespace runs at baseline.
                let granted = exceptions.iter().any(|e| {
                    e["spec"]["match"]["any"][0]["resources"]["names"][0] == app.name.as_str()
                        && e["spec"]["match"]["any"][0]["resources"]["namespaces"][0] == app.namespace()
                        && e["metadata"]["annotations"]["vixens.io/exception-rules"]
                            .as_str()
                            .unwrap_or("")
                            .contains("sec-1.run-as-non-root")
                });
                assert!(granted, "{overlay}: the exception is in apps/_shared/exceptions");
                assert_eq!(
                    namespaces[app.namespace()]["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
                    "baseline"
                );
            }
            // Isolation: the app's own account, no token unless it reads the API.
            let pod = &w["spec"]["template"]["spec"];
            assert_eq!(pod["serviceAccountName"], app.name.as_str(), "{overlay}");
            assert_eq!(pod["automountServiceAccountToken"], app.api.is_some(), "{overlay}");
            let kinds: BTreeSet<&str> = built.iter().filter_map(|o| o["kind"].as_str()).collect();
            assert!(kinds.contains("NetworkPolicy") && kinds.contains("ServiceAccount"), "{overlay}: {kinds:?}");
            assert_eq!(kinds.contains("ClusterRole"), app.api.is_some(), "{overlay}");
            judged += 1;
        }
    }
    assert!(judged >= 20, "{judged}");
}

#[test]
fn the_evaluator_finds_each_control_on_a_hostile_pod() {
    // The evaluator must be able to fail: each control, alone, on an otherwise restricted pod.
    let ws = workspace_config();
    let built = kustomize(&ws.apps.join("60-services/vaultwarden/overlays/prod"));
    let base = built.iter().find(|o| o["kind"] == "Deployment").unwrap()["spec"]["template"]["spec"].clone();
    assert!(pss::violations(&base, &Value::Null).is_empty());
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, Edit)> = vec![
        ("Host Namespaces", |p| p["hostNetwork"] = json!(true)),
        ("Privileged Containers", |p| p["containers"][0]["securityContext"]["privileged"] = json!(true)),
        ("HostPath Volumes", |p| {
            p["volumes"].as_array_mut().unwrap().push(json!({"name": "r", "hostPath": {"path": "/"}}))
        }),
        ("Volume Types", |p| {
            p["volumes"].as_array_mut().unwrap().push(json!({"name": "n", "nfs": {"server": "s", "path": "/"}}))
        }),
        ("Host Ports", |p| p["containers"][0]["ports"][0]["hostPort"] = json!(80)),
        ("Sysctls", |p| p["securityContext"]["sysctls"] = json!([{"name": "kernel.msgmax", "value": "1"}])),
        ("Running as Non-root user", |p| p["containers"][0]["securityContext"]["runAsUser"] = json!(0)),
        ("Privilege Escalation", |p| p["containers"][0]["securityContext"]["allowPrivilegeEscalation"] = json!(true)),
        ("Capabilities", |p| p["containers"][0]["securityContext"]["capabilities"]["add"] = json!(["SYS_ADMIN"])),
    ];
    for (control, apply) in cases {
        let mut p = base.clone();
        apply(&mut p);
        assert!(pss::violations(&p, &Value::Null).contains_key(control), "{control}");
    }
}

#[test]
fn the_hostile_pod_of_the_issue_is_not_elite_even_claiming_run_as_root() {
    // privileged, capabilities.add ALL, hostNetwork, a hostPath of `/` and the run-as-root
    // exception claimed on the object: every control is named; a grant of run-as-root only
    // suppresses run-as-non-root and capabilities, never the others.
    let ws = workspace_config();
    let built = kustomize(&ws.apps.join("60-services/vaultwarden/overlays/prod"));
    let mut w = built.iter().find(|o| o["kind"] == "Deployment").unwrap().clone();
    let pod = &mut w["spec"]["template"]["spec"];
    pod["hostNetwork"] = json!(true);
    pod["volumes"].as_array_mut().unwrap().push(json!({"name": "root", "hostPath": {"path": "/"}}));
    pod["containers"][0]["securityContext"]["privileged"] = json!(true);
    pod["containers"][0]["securityContext"]["capabilities"]["add"] = json!(["ALL"]);
    let annotations = w["spec"]["template"]["metadata"]["annotations"].as_object_mut().unwrap();
    annotations.insert("vixens.io/exception.sec-1.run-as-non-root".into(), json!("I say so"));
    annotations.insert("vixens.io/exception.sec-1".into(), json!("all of it"));
    let text = elite_core::render::yaml::to_yaml(&w).unwrap();
    let judge = |grants: &BTreeSet<elite_core::audit::exceptions::Grant>| {
        let mut a = Audit::default();
        a.add("hostile.yaml", &text);
        elite_core::audit::exceptions::suppress(&mut a, grants);
        a.workloads.remove(0)
    };
    let claimed = judge(&BTreeSet::new());
    assert!(!claimed.elite, "a claim grants nothing");
    let parts: BTreeSet<String> =
        claimed.findings.iter().filter(|f| f.status == FindingStatus::Fail).map(|f| f.id()).collect();
    for part in ["SEC-1/privileged", "SEC-1/capabilities", "SEC-1/host-namespaces", "SEC-1/host-path"] {
        assert!(parts.contains(part), "{part} not in {parts:?}");
    }
    assert!(claimed.ignored_exceptions.iter().any(|e| e.starts_with("sec-1:")), "{:?}", claimed.ignored_exceptions);
    let grant = |rule: &str| elite_core::audit::exceptions::Grant {
        namespace: "services".into(),
        name: "vaultwarden".into(),
        rule: rule.into(),
        reason: "reviewed".into(),
    };
    let granted = judge(&BTreeSet::from([grant("sec-1.run-as-non-root"), grant("sec-1.capabilities")]));
    let still: BTreeSet<String> =
        granted.findings.iter().filter(|f| f.status == FindingStatus::Fail).map(|f| f.id()).collect();
    assert!(
        still.contains("SEC-1/privileged")
            && still.contains("SEC-1/host-namespaces")
            && still.contains("SEC-1/host-path"),
        "{still:?}"
    );
    assert!(!still.contains("SEC-1/capabilities"));
    // The cluster policy says the same, rule by rule.
    let k = kyverno::Kyverno::new();
    let policy = parse_yaml_stream(
        &fs::read_to_string(ws.apps.join("_shared/policies/clusterpolicy-elite-security.yaml")).unwrap(),
    )
    .remove(0);
    let failing: BTreeSet<String> = policy["spec"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| k.evaluate(r, &w).unwrap().is_some())
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect();
    for rule in ["sec-1-privileged", "sec-1-capabilities", "sec-1-host-namespaces", "sec-1-host-path"] {
        assert!(failing.contains(rule), "{rule} not in {failing:?}");
    }
}

#[derive(serde::Deserialize)]
struct Accepted {
    reason: String,
    /// Accepted only on the apps with this declaration (`exception:<kind>` or `api`).
    #[serde(default, rename = "only-for")]
    only_for: Option<String>,
}

#[test]
fn checkov_finds_nothing_on_the_prod_overlays_but_the_accepted_list() {
    let accepted: BTreeMap<String, Accepted> =
        toml::from_str(&fs::read_to_string(workspace().join("tests/checkov-accepted.toml")).unwrap()).unwrap();
    for (id, a) in &accepted {
        assert!(a.reason.len() > 40, "{id}: every accepted check says why");
    }
    let ws = workspace_config();
    // Not a hidden folder (`.tmpXXXX`): checkov skips those.
    let dir = tempfile::Builder::new().prefix("elite-checkov-").tempdir().unwrap();
    let apps = apps();
    for app in &apps {
        let overlay = ws.apps.join(ws.platform.folder(app)).join("overlays/prod");
        let built = tool("kubectl").arg("kustomize").arg(&overlay).output().unwrap();
        assert!(built.status.success());
        fs::write(dir.path().join(format!("{}.yaml", app.name)), &built.stdout).unwrap();
    }
    let out = tool("checkov")
        .args(["--skip-download", "--framework", "kubernetes", "--quiet", "--compact", "-o", "json", "-d"])
        .arg(dir.path())
        .env("CHECKOV_RUN_SCA_PACKAGE_SCAN_V2", "false")
        .env("BC_SKIP_MAPPING", "TRUE")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("checkov's JSON: {e}\n{}", String::from_utf8_lossy(&out.stderr)));
    let runs: Vec<Value> = if report.is_array() { report.as_array().unwrap().clone() } else { vec![report] };
    let mut failed: BTreeSet<(String, String)> = BTreeSet::new();
    let mut passed = 0;
    for r in &runs {
        passed += r["summary"]["passed"].as_u64().unwrap_or(0);
        for f in r["results"]["failed_checks"].as_array().into_iter().flatten() {
            failed.insert((f["check_id"].as_str().unwrap().to_owned(), f["resource"].as_str().unwrap().to_owned()));
        }
    }
    assert!(passed > 100, "checkov ran its checks: {passed} passed");
    let unexpected: Vec<&(String, String)> = failed.iter().filter(|(id, _)| !accepted.contains_key(id)).collect();
    assert!(unexpected.is_empty(), "failed checks not in tests/checkov-accepted.toml: {unexpected:#?}");
    assert!(failed.iter().all(|(id, _)| id != "CKV2_K8S_6"), "every app has a NetworkPolicy: {failed:?}");
    // A check accepted for some apps fails on exactly the apps that declare the reason.
    for (id, a) in accepted.iter().filter(|(_, a)| a.only_for.is_some()) {
        let only_for = a.only_for.as_deref().unwrap();
        let failing: BTreeSet<String> =
            failed.iter().filter(|(f, _)| f == id).map(|(_, r)| r.rsplit('.').next().unwrap().to_owned()).collect();
        let declaring: BTreeSet<String> = apps
            .iter()
            .filter(|app| match only_for.strip_prefix("exception:") {
                Some(kind) => app.exceptions.iter().any(|e| e.kind.as_str() == kind),
                None => only_for == "api" && app.api.is_some(),
            })
            .map(|app| app.name.clone())
            .collect();
        assert!(!declaring.is_empty(), "{id}: `{only_for}` names no app");
        assert_eq!(failing, declaring, "{id} fails exactly on the apps that declare `{only_for}`");
    }
}
