//! The facts of a workload read from a manifest (a Deployment, StatefulSet, DaemonSet, Job or
//! CronJob as JSON), for the audit and for checking the cluster policies against the catalog.
//! Locations are paths in the object (`spec.template.spec.containers[0].resources`).
//!
//! What a manifest does not say is left unknown, never guessed: the role, runtime, HA and
//! durability come from the `vixens.io/*` pod annotations the generator writes, and the
//! PodDisruptionBudget lives in another object.

use serde_json::Value;

use super::*;
use crate::model::WorkloadKind;
use crate::quantity::{parse_cpu_millis, parse_memory_bytes};
use crate::rules::HOSTNAME_KEY;

/// The facts of `object`, or `None` when it is not a workload with a pod template.
pub fn from_manifest(object: &Value) -> Option<WorkloadFacts> {
    let kind = WorkloadKind::parse(object.get("kind")?.as_str()?)?;
    let template_path = match kind {
        WorkloadKind::CronJob => "spec.jobTemplate.spec.template",
        _ => "spec.template",
    };
    let template = get(object, template_path)?;
    let pod_path = format!("{template_path}.spec");
    let pod = template.get("spec")?;
    let str_at = |path: &str| get(object, path).and_then(Value::as_str).map(str::to_owned);
    let int_at = |path: &str| get(object, path).and_then(Value::as_i64);
    let map_at = |path: &str| -> BTreeMap<String, String> {
        get(object, path)
            .and_then(Value::as_object)
            .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect())
            .unwrap_or_default()
    };
    let annotations_path = format!("{template_path}.metadata.annotations");
    let annotations = map_at(&annotations_path);
    let annotation = |key: &str| annotations.get(&format!("{ANNOTATION_PREFIX}{key}")).cloned();
    let stated = |key: &str| at(annotation(key), format!("{annotations_path}.{ANNOTATION_PREFIX}{key}"));

    let mut containers = Vec::new();
    for (list, regular) in [("initContainers", false), ("containers", true)] {
        for (i, c) in pod.get(list).and_then(Value::as_array).into_iter().flatten().enumerate() {
            containers.push(container(c, &format!("{pod_path}.{list}[{i}]"), regular, pod));
        }
    }
    let durability = stated("durability");
    let parsed = durability.value.as_deref().and_then(parse_durability);
    let spread = pod
        .get("topologySpreadConstraints")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|t| t["topologyKey"] == HOSTNAME_KEY))
        || anti_affinity_on_hostname(&pod["affinity"]["podAntiAffinity"]);
    Some(WorkloadFacts {
        kind,
        name: at(str_at("metadata.name").unwrap_or_default(), "metadata.name"),
        namespace: str_at("metadata.namespace").map(|n| at(n, "metadata.namespace")),
        labels: at(map_at("metadata.labels"), "metadata.labels"),
        pod_annotations: at(annotations.clone(), annotations_path.clone()),
        replicas: at(int_at("spec.replicas"), "spec.replicas"),
        strategy: at(str_at("spec.strategy.type"), "spec.strategy.type"),
        revision_history_limit: at(int_at("spec.revisionHistoryLimit"), "spec.revisionHistoryLimit"),
        priority_class: at(
            pod.get("priorityClassName").and_then(Value::as_str).map(str::to_owned),
            format!("{pod_path}.priorityClassName"),
        ),
        termination_grace_seconds: at(
            pod.get("terminationGracePeriodSeconds").and_then(Value::as_i64),
            format!("{pod_path}.terminationGracePeriodSeconds"),
        ),
        role: parse_stated(stated("role"), crate::model::Role::parse),
        runtime: parse_stated(stated("runtime"), crate::model::Runtime::parse),
        ha: stated("ha").value.map(|v| at(v == "true", format!("{annotations_path}.{ANNOTATION_PREFIX}ha"))),
        exceptions: [ExceptionKind::RunAsRoot]
            .into_iter()
            .filter_map(|k| {
                let key = format!("exception.{}", k.as_str());
                let reason = annotation(&key)?;
                Some(at((k, reason), format!("{annotations_path}.{ANNOTATION_PREFIX}{key}")))
            })
            .collect(),
        containers,
        volumes: pod
            .get("volumes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, v)| {
                at(v["name"].as_str().unwrap_or_default().to_owned(), format!("{pod_path}.volumes[{i}].name"))
            })
            .collect(),
        databases: parsed.as_ref().map(|(dbs, _)| {
            dbs.iter()
                .map(|d| DatabaseFacts {
                    name: d.name.clone(),
                    path: at(d.path.clone(), durability.at.0.clone()),
                    replicated: d.is_replicated(),
                })
                .collect()
        }),
        config_sync_dir: parsed.as_ref().and_then(|(_, c)| c.clone()).map(|c| at(c, durability.at.0.clone())),
        durability,
        spread_across_nodes: at(spread, format!("{pod_path}.topologySpreadConstraints")),
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

fn parse_stated<T>(s: At<Option<String>>, parse: fn(&str) -> Option<T>) -> Option<At<T>> {
    let v = parse(s.value.as_deref()?)?;
    Some(At { value: v, at: s.at })
}

/// `a.b[2].c` in `v`.
fn get<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, seg| match seg.split_once('[') {
        Some((key, idx)) => v.get(key)?.get(idx.trim_end_matches(']').parse::<usize>().ok()?),
        None => v.get(seg),
    })
}

fn container(c: &Value, path: &str, regular: bool, pod: &Value) -> ContainerFacts {
    let name = c["name"].as_str().unwrap_or_default().to_owned();
    let lifecycle = match (regular, c["restartPolicy"].as_str()) {
        (true, _) => Lifecycle::Regular,
        (false, Some("Always")) => Lifecycle::Sidecar,
        (false, _) => Lifecycle::Init,
    };
    let strings = |v: &Value| -> Vec<String> {
        v.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_owned)).collect()
    };
    let res = &c["resources"];
    let quantity = |section: &str, key: &str, parse: fn(&str) -> Option<u64>| {
        res[section][key].as_str().and_then(parse).or_else(|| {
            res[section][key].as_u64().map(|n| match key {
                "cpu" => n * 1000,
                _ => n,
            })
        })
    };
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
                    initial_delay_seconds: p["initialDelaySeconds"].as_u64().unwrap_or(0),
                    period_seconds: p["periodSeconds"].as_u64().unwrap_or(10),
                    failure_threshold: p["failureThreshold"].as_u64().unwrap_or(3),
                }
            }),
            format!("{path}.{key}"),
        )
    };
    // The container's securityContext, falling back to the pod's for the fields Kubernetes inherits.
    let sc = &c["securityContext"];
    let psc = &pod["securityContext"];
    let inherited = |key: &str| if sc[key].is_null() { &psc[key] } else { &sc[key] };
    ContainerFacts {
        name: at(name.clone(), format!("{path}.name")),
        role: ContainerRole::of_name(&name).unwrap_or(ContainerRole::Main),
        lifecycle,
        image: at(c["image"].as_str().unwrap_or_default().to_owned(), format!("{path}.image")),
        resources: at(
            ResourceFacts {
                cpu_request: quantity("requests", "cpu", parse_cpu_millis),
                cpu_limit: quantity("limits", "cpu", parse_cpu_millis),
                memory_request: quantity("requests", "memory", parse_memory_bytes),
                memory_limit: quantity("limits", "memory", parse_memory_bytes),
            },
            format!("{path}.resources"),
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
        mounts: c["volumeMounts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| Some((m["name"].as_str()?.to_owned(), m["mountPath"].as_str()?.to_owned())))
            .collect(),
        security: at(
            SecurityFacts {
                allow_privilege_escalation: sc["allowPrivilegeEscalation"].as_bool(),
                drops_all_capabilities: sc["capabilities"]["drop"]
                    .as_array()
                    .is_some_and(|d| d.iter().any(|c| c == "ALL")),
                run_as_non_root: inherited("runAsNonRoot")
                    .as_bool()
                    .filter(|_| inherited("runAsUser").as_i64() != Some(0)),
                read_only_root_filesystem: sc["readOnlyRootFilesystem"].as_bool(),
                seccomp_profile: inherited("seccompProfile")["type"].as_str().map(str::to_owned),
            },
            format!("{path}.securityContext"),
        ),
        // Located at the args when there are any: that is where scripts (and their faults) are.
        command_line: at(
            strings(&c["command"]).into_iter().chain(strings(&c["args"])).collect(),
            if strings(&c["args"]).is_empty() { format!("{path}.command") } else { format!("{path}.args") },
        ),
        env: at(
            c["env"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(i, e)| EnvFacts {
                    name: e["name"].as_str().unwrap_or_default().to_owned(),
                    at: Loc::new(format!("{path}.env[{i}]")),
                    literal: e.get("valueFrom").is_none(),
                })
                .collect(),
            format!("{path}.env"),
        ),
    }
}
