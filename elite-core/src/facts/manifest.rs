//! The facts of a workload read from a manifest (a Deployment, StatefulSet, DaemonSet, Job or
//! CronJob as JSON), for the audit and for checking the cluster policies against the catalog.
//! Locations are JSON Pointers into the object (`/spec/template/spec/containers/0/resources`).
//!
//! What a manifest does not say is left unknown, never guessed: the role, runtime, HA and
//! durability come from the `vixens.io/*` pod annotations the generator writes, and the
//! PodDisruptionBudget lives in another object. Numbers are read with checked arithmetic: an
//! amount out of range is an invalid amount, never a wrapped one.

use serde_json::Value;

use super::*;
use crate::platform::HOSTNAME_KEY;
use crate::quantity::{parse_cpu_millis, parse_memory_bytes};

/// The workload kind of `object`, when it is one.
pub fn workload_kind(object: &Value) -> Option<WorkloadKind> {
    WorkloadKind::ALL.iter().copied().find(|k| object.get("kind").and_then(Value::as_str) == Some(k.name()))
}

/// The value at `p` in `v`.
fn get<'a>(v: &'a Value, p: &Pointer) -> Option<&'a Value> {
    v.pointer(p.as_str())
}

/// An integer field, saturated into `i64` (a value beyond it is out of any Kubernetes range and
/// must still judge as too large, not wrap); `None` when absent or not an integer.
fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_u64().map(|_| i64::MAX)).or_else(|| {
            let f = n.as_f64()?;
            (f.is_finite() && f.fract() == 0.0).then_some(if f >= i64::MAX as f64 {
                i64::MAX
            } else if f <= i64::MIN as f64 {
                i64::MIN
            } else {
                f as i64
            })
        }),
        _ => None,
    }
}

/// A quantity field: a string or a number, parsed exactly.
fn amount(v: &Value, parse: fn(&str) -> Result<u64, QuantityError>) -> Amount {
    match v {
        Value::Null => None,
        Value::String(s) => Some(parse(s)),
        Value::Number(n) => Some(parse(&n.to_string())),
        other => Some(Err(QuantityError::Syntax(crate::names::printable(&other.to_string())))),
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_owned)).collect()
}

fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect())
        .unwrap_or_default()
}

/// The facts of `object`, or `None` when it is not a workload with a pod template.
pub fn from_manifest(object: &Value) -> Option<WorkloadFacts> {
    let kind = workload_kind(object)?;
    let template_at = match kind {
        WorkloadKind::CronJob => pointer!("spec", "jobTemplate", "spec", "template"),
        _ => pointer!("spec", "template"),
    };
    let template = get(object, &template_at)?;
    let pod_at = template_at.push("spec");
    let pod = template.get("spec").filter(|p| p.is_object())?;
    let str_at = |p: &Pointer| get(object, p).and_then(Value::as_str).map(str::to_owned);
    let annotations_at = template_at.join(["metadata", "annotations"]);
    let annotations = string_map(get(object, &annotations_at));
    let annotation_at = |key: &str| annotations_at.push(annotation_key(key));
    let annotation = |key: &str| annotations.get(&annotation_key(key)).cloned();
    fn stated<T>(value: Option<String>, key: &str, at_key: Pointer, parse: fn(&str) -> Option<T>) -> Stated<T> {
        match value {
            None => Stated::Unknown(format!("the {key} is not stated (annotation {})", annotation_key(key))),
            Some(v) => match parse(&v) {
                Some(x) => Stated::Yes(at(x, at_key)),
                None => Stated::Unknown(format!(
                    "annotation {} has the unknown value `{}`",
                    annotation_key(key),
                    crate::names::printable(&v)
                )),
            },
        }
    }

    let mut containers = Vec::new();
    for (list, regular) in [("initContainers", false), ("containers", true)] {
        for (i, c) in pod.get(list).and_then(Value::as_array).into_iter().flatten().enumerate() {
            containers.push(container(c, &pod_at.push(list).push(i), regular, pod, &annotations));
        }
    }
    let has_durability_containers = containers.iter().any(|c| c.role != ContainerRole::Main);
    let durability_at = annotation_at("durability");
    let durability = match annotation("durability") {
        Some(summary) => match annotated_durability(&summary, &durability_at) {
            Some(d) => Stated::Yes(at(d, durability_at.clone())),
            None => Stated::Malformed(
                durability_at.clone(),
                format!(
                    "annotation {} is not a durability summary: `{}`",
                    annotation_key("durability"),
                    crate::names::printable(&summary)
                ),
            ),
        },
        None if has_durability_containers => {
            Stated::Unknown(format!("the databases are not stated (annotation {})", annotation_key("durability")))
        }
        None => Stated::Missing(durability_at.clone()),
    };
    let spread = pod
        .get("topologySpreadConstraints")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|t| t["topologyKey"] == HOSTNAME_KEY))
        || anti_affinity_on_hostname(&pod["affinity"]["podAntiAffinity"]);
    let flag = |key: &str| at(pod.get(key).and_then(Value::as_bool).unwrap_or(false), pod_at.push(key));
    Some(WorkloadFacts {
        source: Source::Manifest,
        kind,
        name: at(str_at(&pointer!("metadata", "name")).unwrap_or_default(), pointer!("metadata", "name")),
        namespace: str_at(&pointer!("metadata", "namespace")).map(|n| at(n, pointer!("metadata", "namespace"))),
        labels: at(string_map(object.pointer("/metadata/labels")), pointer!("metadata", "labels")),
        pod_annotations: at(annotations.clone(), annotations_at.clone()),
        workload_annotations: at(
            string_map(object.pointer("/metadata/annotations")),
            pointer!("metadata", "annotations"),
        ),
        replicas: at(object.pointer("/spec/replicas").and_then(int), pointer!("spec", "replicas")),
        strategy: at(str_at(&pointer!("spec", "strategy", "type")), pointer!("spec", "strategy", "type")),
        revision_history_limit: at(
            object.pointer("/spec/revisionHistoryLimit").and_then(int),
            pointer!("spec", "revisionHistoryLimit"),
        ),
        priority_class: at(
            pod.get("priorityClassName").and_then(Value::as_str).map(str::to_owned),
            pod_at.push("priorityClassName"),
        ),
        termination_grace_seconds: at(
            pod.get("terminationGracePeriodSeconds").and_then(int),
            pod_at.push("terminationGracePeriodSeconds"),
        ),
        role: stated(annotation("role"), "role", annotation_at("role"), crate::model::Role::parse),
        runtime: stated(annotation("runtime"), "runtime", annotation_at("runtime"), crate::model::Runtime::parse),
        ha: match annotation("ha") {
            Some(v) => Stated::Yes(at(v == "true", annotation_at("ha"))),
            None => Stated::Unknown(format!("high availability is not stated (annotation {})", annotation_key("ha"))),
        },
        // An exception a manifest claims is not granted by the claim: the audit suppresses a
        // finding only when the repository grants it (`audit::exceptions`).
        exceptions: Vec::new(),
        containers,
        volumes: pod
            .get("volumes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, v)| VolumeFacts {
                name: at(
                    v["name"].as_str().unwrap_or_default().to_owned(),
                    pod_at.join(["volumes".to_string(), i.to_string(), "name".into()]),
                ),
                kind: v.as_object().and_then(|o| o.keys().find(|k| *k != "name").cloned()).unwrap_or_default(),
            })
            .collect(),
        pod: PodFacts {
            host_network: flag("hostNetwork"),
            host_pid: flag("hostPID"),
            host_ipc: flag("hostIPC"),
            sysctls: at(
                pod["securityContext"]["sysctls"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s["name"].as_str().map(str::to_owned))
                    .collect(),
                pod_at.join(["securityContext", "sysctls"]),
            ),
            security: at(
                {
                    let psc = &pod["securityContext"];
                    PodSecurityFacts {
                        run_as_non_root: psc["runAsNonRoot"].as_bool(),
                        run_as_user: int(&psc["runAsUser"]),
                        seccomp_profile: psc["seccompProfile"]["type"].as_str().map(str::to_owned),
                        selinux_type: psc["seLinuxOptions"]["type"].as_str().map(str::to_owned),
                        selinux_user_or_role: ["user", "role"].iter().any(|k| !psc["seLinuxOptions"][k].is_null()),
                        apparmor: psc["appArmorProfile"]["type"].as_str().map(str::to_owned),
                        host_process: psc["windowsOptions"]["hostProcess"].as_bool(),
                    }
                },
                pod_at.push("securityContext"),
            ),
            automount_token: at(
                pod.get("automountServiceAccountToken").and_then(Value::as_bool),
                pod_at.push("automountServiceAccountToken"),
            ),
            service_account: at(
                pod.get("serviceAccountName")
                    .or_else(|| pod.get("serviceAccount"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                pod_at.push("serviceAccountName"),
            ),
            api_access: annotation("api-access").map(|v| at(v, annotation_at("api-access"))),
        },
        durability,
        durability_at,
        spread_across_nodes: at(spread, pod_at.push("topologySpreadConstraints")),
        pdb_min_available: None,
    })
}

/// Whether a podAntiAffinity keeps replicas off one node: a required term, or a preferred one's
/// podAffinityTerm, with topologyKey kubernetes.io/hostname.
fn anti_affinity_on_hostname(anti: &Value) -> bool {
    let terms = |key: &str| anti[key].as_array().cloned().unwrap_or_default();
    terms("requiredDuringSchedulingIgnoredDuringExecution").iter().any(|t| t["topologyKey"] == HOSTNAME_KEY)
        || terms("preferredDuringSchedulingIgnoredDuringExecution")
            .iter()
            .any(|t| t["podAffinityTerm"]["topologyKey"] == HOSTNAME_KEY)
}

/// A probe field with Kubernetes' default for an absent or zero value.
fn probe_int(p: &Value, key: &str, default: i64) -> i64 {
    match p.get(key).and_then(int) {
        None | Some(0) => default,
        Some(n) => n,
    }
}

fn container(
    c: &Value,
    at_c: &Pointer,
    regular: bool,
    pod: &Value,
    annotations: &BTreeMap<String, String>,
) -> ContainerFacts {
    let name = c["name"].as_str().unwrap_or_default().to_owned();
    let lifecycle = match (regular, c["restartPolicy"].as_str()) {
        (true, _) => Lifecycle::Regular,
        (false, Some("Always")) => Lifecycle::Sidecar,
        (false, _) => Lifecycle::Init,
    };
    let res = &c["resources"];
    let probe = |key: &str| {
        let p = &c[key];
        at(
            p.as_object().map(|_| {
                let port =
                    [&p["httpGet"]["port"], &p["tcpSocket"]["port"], &p["grpc"]["port"]].into_iter().find_map(|v| {
                        match v {
                            Value::String(s) => Some(PortRef::Name(s.clone())),
                            Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()).map(PortRef::Number),
                            _ => None,
                        }
                    });
                ProbeFacts {
                    port,
                    initial_delay_seconds: p.get("initialDelaySeconds").and_then(int).unwrap_or(0),
                    period_seconds: probe_int(p, "periodSeconds", 10),
                    failure_threshold: probe_int(p, "failureThreshold", 3),
                }
            }),
            at_c.push(key),
        )
    };
    // The container's securityContext, falling back to the pod's for the fields Kubernetes inherits.
    let sc = &c["securityContext"];
    let psc = &pod["securityContext"];
    let inherited = |key: &str| if sc[key].is_null() { &psc[key] } else { &sc[key] };
    let apparmor = inherited("appArmorProfile")["type"].as_str().map(str::to_owned).or_else(|| {
        annotations.get(&format!("container.apparmor.security.beta.kubernetes.io/{name}")).map(|v| match v.as_str() {
            "runtime/default" => "RuntimeDefault".to_owned(),
            "unconfined" => "Unconfined".to_owned(),
            v if v.starts_with("localhost/") => "Localhost".to_owned(),
            other => other.to_owned(),
        })
    });
    let args = strings(&c["args"]);
    ContainerFacts {
        name: at(name.clone(), at_c.push("name")),
        role: ContainerRole::of_name(&name).unwrap_or(ContainerRole::Main),
        lifecycle,
        image: at(c["image"].as_str().unwrap_or_default().to_owned(), at_c.push("image")),
        resources: at(
            ResourceFacts {
                cpu_request: amount(&res["requests"]["cpu"], parse_cpu_millis),
                cpu_limit: amount(&res["limits"]["cpu"], parse_cpu_millis),
                memory_request: amount(&res["requests"]["memory"], parse_memory_bytes),
                memory_limit: amount(&res["limits"]["memory"], parse_memory_bytes),
            },
            at_c.push("resources"),
        ),
        liveness: probe("livenessProbe"),
        readiness: probe("readinessProbe"),
        startup: probe("startupProbe"),
        ports: c["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| {
                let number = u16::try_from(p["containerPort"].as_u64()?).ok()?;
                Some((p["name"].as_str().map(str::to_owned), number))
            })
            .collect(),
        host_ports: c["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, p)| {
                Some(at(int(&p["hostPort"])?, at_c.join(["ports".to_string(), i.to_string(), "hostPort".into()])))
            })
            .collect(),
        mounts: c["volumeMounts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| {
                Some(MountFacts {
                    volume: m["name"].as_str()?.to_owned(),
                    path: path::normalized_or_raw(m["mountPath"].as_str()?),
                    sub_path: m["subPath"].as_str().map(str::to_owned),
                    read_only: m["readOnly"].as_bool().unwrap_or(false),
                })
            })
            .collect(),
        security: at(
            SecurityFacts {
                privileged: sc["privileged"].as_bool(),
                allow_privilege_escalation: sc["allowPrivilegeEscalation"].as_bool(),
                capabilities_drop: strings(&sc["capabilities"]["drop"]),
                capabilities_add: strings(&sc["capabilities"]["add"]),
                run_as_non_root: inherited("runAsNonRoot").as_bool(),
                run_as_user: int(inherited("runAsUser")),
                read_only_root_filesystem: sc["readOnlyRootFilesystem"].as_bool(),
                // Field by field, as Pod Security reads it: a container's profile without a type
                // (which the API server rejects) does not hide the pod's.
                seccomp_profile: sc["seccompProfile"]["type"]
                    .as_str()
                    .or_else(|| psc["seccompProfile"]["type"].as_str())
                    .map(str::to_owned),
                proc_mount: sc["procMount"].as_str().map(str::to_owned),
                selinux_type: inherited("seLinuxOptions")["type"].as_str().map(str::to_owned),
                selinux_user_or_role: ["user", "role"].iter().any(|k| !sc["seLinuxOptions"][k].is_null()),
                apparmor,
                host_process: inherited("windowsOptions")["hostProcess"].as_bool(),
            },
            at_c.push("securityContext"),
        ),
        // Located at the args when there are any: that is where scripts (and their faults) are.
        command_line: at(
            strings(&c["command"]).into_iter().chain(args.iter().cloned()).collect(),
            if args.is_empty() { at_c.push("command") } else { at_c.push("args") },
        ),
        env: at(
            c["env"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(i, e)| EnvFacts {
                    name: e["name"].as_str().unwrap_or_default().to_owned(),
                    at: at_c.push("env").push(i),
                    value: match (e.get("valueFrom"), &e["value"]) {
                        (Some(_), _) => EnvValueFacts::Reference,
                        (None, Value::String(s)) => EnvValueFacts::Literal(s.clone()),
                        (None, Value::Null) => EnvValueFacts::Literal(String::new()),
                        (None, other) => EnvValueFacts::Literal(other.to_string()),
                    },
                })
                .collect(),
            at_c.push("env"),
        ),
    }
}
