//! The Deployment or StatefulSet of an app, built from its [`PodPlan`], and its split into the
//! per-app base and the shared components.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, DeploymentStrategy, StatefulSet, StatefulSetSpec};
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Object, selector};
use crate::facts::{standard_annotations, standard_labels};
use crate::model::{AppSpec, PortRef, Probe, ProbeAction, VolumeSource, Workload};
use crate::platform::SIDECAR_UID;
use crate::pod::{self, Component, ContainerPlan, ContainerRole, Lifecycle, PodEnvValue, PodPlan, PodVolumeSource};

fn port_ref(p: &PortRef) -> IntOrString {
    match p {
        PortRef::Name(n) => IntOrString::String(n.clone()),
        PortRef::Number(n) => IntOrString::Int(i32::from(*n)),
    }
}

/// An `int32` field: values beyond it (which DECL rejects) saturate rather than wrap.
fn int32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn probe(p: &Probe) -> core::Probe {
    let mut out = core::Probe {
        initial_delay_seconds: (p.initial_delay_seconds > 0).then_some(int32(p.initial_delay_seconds)),
        period_seconds: Some(int32(p.period_seconds)),
        timeout_seconds: Some(int32(p.timeout_seconds)),
        failure_threshold: Some(int32(p.failure_threshold)),
        ..Default::default()
    };
    match &p.action {
        ProbeAction::Http { path, port } => {
            out.http_get =
                Some(core::HTTPGetAction { path: Some(path.clone()), port: port_ref(port), ..Default::default() })
        }
        ProbeAction::Tcp { port } => {
            out.tcp_socket = Some(core::TCPSocketAction { port: port_ref(port), ..Default::default() })
        }
        ProbeAction::Exec { command } => out.exec = Some(core::ExecAction { command: Some(command.clone()) }),
    }
    out
}

fn non_empty<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

/// The complete container.
pub fn container(c: &ContainerPlan) -> core::Container {
    let r = c.size.map(|s| s.resources());
    let quantities = |cpu: crate::Cpu, mem: crate::Memory| {
        BTreeMap::from([
            ("cpu".to_owned(), k8s_openapi::apimachinery::pkg::api::resource::Quantity(cpu.to_string())),
            ("memory".to_owned(), k8s_openapi::apimachinery::pkg::api::resource::Quantity(mem.to_string())),
        ])
    };
    let sec = &c.security;
    core::Container {
        name: c.name.clone(),
        image: Some(c.image.clone()),
        command: non_empty(c.command.clone()),
        args: non_empty(c.args.clone()),
        env: non_empty(
            c.env
                .iter()
                .map(|e| match &e.value {
                    PodEnvValue::Plain(v) => {
                        core::EnvVar { name: e.name.clone(), value: Some(v.clone()), value_from: None }
                    }
                    PodEnvValue::Field(path) => core::EnvVar {
                        name: e.name.clone(),
                        value: None,
                        value_from: Some(core::EnvVarSource {
                            field_ref: Some(core::ObjectFieldSelector { field_path: path.clone(), api_version: None }),
                            ..Default::default()
                        }),
                    },
                    PodEnvValue::Secret { secret, key } => core::EnvVar {
                        name: e.name.clone(),
                        value: None,
                        value_from: Some(core::EnvVarSource {
                            secret_key_ref: Some(core::SecretKeySelector {
                                name: secret.clone(),
                                key: key.clone(),
                                optional: None,
                            }),
                            ..Default::default()
                        }),
                    },
                })
                .collect(),
        ),
        env_from: non_empty(
            c.env_from_secrets
                .iter()
                .map(|s| core::EnvFromSource {
                    secret_ref: Some(core::SecretEnvSource { name: s.clone(), optional: None }),
                    ..Default::default()
                })
                .collect(),
        ),
        ports: non_empty(
            c.ports
                .iter()
                .map(|p| core::ContainerPort {
                    name: Some(p.name.clone()),
                    container_port: i32::from(p.number),
                    protocol: Some(p.protocol.as_str().into()),
                    ..Default::default()
                })
                .collect(),
        ),
        liveness_probe: c.probes.liveness.as_ref().map(probe),
        readiness_probe: c.probes.readiness.as_ref().map(probe),
        startup_probe: c.probes.startup.as_ref().map(probe),
        resources: r.map(|r| core::ResourceRequirements {
            requests: Some(quantities(r.cpu_request, r.memory_request)),
            limits: Some(quantities(r.cpu_limit, r.memory_limit)),
            ..Default::default()
        }),
        security_context: Some(core::SecurityContext {
            allow_privilege_escalation: Some(false),
            capabilities: Some(core::Capabilities {
                drop: Some(vec!["ALL".into()]),
                add: non_empty(sec.add_capabilities.iter().map(|s| s.to_string()).collect()),
            }),
            run_as_non_root: sec.run_as_user.map(|_| true),
            run_as_user: sec.run_as_user.map(|u| i64::from(int32(u))),
            run_as_group: sec.run_as_user.map(|u| i64::from(int32(u))),
            read_only_root_filesystem: Some(sec.read_only_root),
            seccomp_profile: Some(core::SeccompProfile { type_: "RuntimeDefault".into(), localhost_profile: None }),
            ..Default::default()
        }),
        restart_policy: (c.role.lifecycle() == Lifecycle::Sidecar).then(|| "Always".to_owned()),
        volume_mounts: non_empty(
            c.mounts
                .iter()
                .map(|m| core::VolumeMount {
                    name: m.volume.clone(),
                    mount_path: m.path.clone(),
                    sub_path: m.sub_path.clone(),
                    read_only: m.read_only.then_some(true),
                    ..Default::default()
                })
                .collect(),
        ),
        ..Default::default()
    }
}

/// Splits a durability container into its per-app part (name, env, envFrom, volumeMounts: in the
/// base) and its shared part (everything else: in the component, matched by name).
pub fn split_container(c: core::Container) -> (core::Container, core::Container) {
    let app = core::Container {
        name: c.name.clone(),
        env: c.env.clone(),
        env_from: c.env_from.clone(),
        volume_mounts: c.volume_mounts.clone(),
        ..Default::default()
    };
    let shared = core::Container { env: None, env_from: None, volume_mounts: None, ..c };
    (app, shared)
}

/// The pod-level fields the elite-standard component owns.
pub fn standard_pod_fields() -> (Option<core::PodSecurityContext>, Option<i64>) {
    (
        Some(core::PodSecurityContext {
            fs_group: Some(i64::from(SIDECAR_UID)),
            fs_group_change_policy: Some("OnRootMismatch".into()),
            seccomp_profile: Some(core::SeccompProfile { type_: "RuntimeDefault".into(), localhost_profile: None }),
            ..Default::default()
        }),
        Some(i64::from(crate::platform::TERMINATION_GRACE_SECONDS)),
    )
}

/// `revisionHistoryLimit` (META-3), owned by the elite-standard component.
pub const REVISION_HISTORY_LIMIT: i32 = crate::rules::REVISION_HISTORY_LIMIT as i32;

/// The complete pod spec.
pub fn pod_spec(app: &AppSpec, plan: &PodPlan) -> core::PodSpec {
    let (security_context, grace) = standard_pod_fields();
    let volumes = plan
        .volumes
        .iter()
        .map(|v| {
            let mut vol = core::Volume { name: v.name.clone(), ..Default::default() };
            match &v.source {
                PodVolumeSource::ConfigMap(name) => {
                    vol.config_map = Some(core::ConfigMapVolumeSource { name: name.clone(), ..Default::default() })
                }
                PodVolumeSource::Declared(VolumeSource::Pvc(_)) => {
                    vol.persistent_volume_claim = Some(core::PersistentVolumeClaimVolumeSource {
                        claim_name: pod::names::pvc(app, &v.name),
                        read_only: None,
                    })
                }
                PodVolumeSource::Declared(VolumeSource::Nfs(_)) => {
                    // The share is a PersistentVolume bound to this claim (`render_base`).
                    vol.persistent_volume_claim = Some(core::PersistentVolumeClaimVolumeSource {
                        claim_name: pod::names::pvc(app, &v.name),
                        read_only: None,
                    })
                }
                PodVolumeSource::Declared(VolumeSource::EmptyDir(e)) => {
                    vol.empty_dir = Some(core::EmptyDirVolumeSource {
                        medium: None,
                        size_limit: e
                            .size_limit
                            .map(|m| k8s_openapi::apimachinery::pkg::api::resource::Quantity(m.to_string())),
                    })
                }
            }
            vol
        })
        .collect();
    let spread = app.ha.then(|| {
        vec![core::TopologySpreadConstraint {
            max_skew: 1,
            topology_key: crate::platform::HOSTNAME_KEY.into(),
            when_unsatisfiable: "DoNotSchedule".into(),
            label_selector: Some(LabelSelector { match_labels: Some(selector(app)), ..Default::default() }),
            ..Default::default()
        }]
    });
    core::PodSpec {
        priority_class_name: app.priority.map(|p| p.class_name().into()),
        init_containers: non_empty(plan.init_containers.iter().map(container).collect()),
        containers: plan.containers.iter().map(container).collect(),
        volumes: Some(volumes),
        security_context,
        service_account_name: Some(plan.service_account.clone()),
        automount_service_account_token: Some(plan.automount_token),
        termination_grace_period_seconds: grace,
        topology_spread_constraints: spread,
        ..Default::default()
    }
}

/// The complete Deployment or StatefulSet.
pub fn workload(app: &AppSpec, plan: &PodPlan) -> Object {
    let labels = standard_labels(app);
    let template = core::PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels.clone()),
            annotations: Some(standard_annotations(app, plan)),
            ..Default::default()
        }),
        spec: Some(pod_spec(app, plan)),
    };
    let selector = LabelSelector { match_labels: Some(selector(app)), ..Default::default() };
    let meta = super::meta(app, app.name.clone());
    let replicated = !app.durability.is_stateless() && app.durability.replicated().next().is_some();
    match app.workload {
        Workload::StatefulSet => Object::new(&StatefulSet {
            metadata: meta,
            spec: Some(StatefulSetSpec {
                replicas: Some(i32::from(app.replicas)),
                revision_history_limit: Some(REVISION_HISTORY_LIMIT),
                selector,
                service_name: Some(app.name.clone()),
                template,
                ..Default::default()
            }),
            status: None,
        }),
        Workload::Deployment => Object::new(&Deployment {
            metadata: meta,
            spec: Some(DeploymentSpec {
                replicas: Some(i32::from(app.replicas)),
                revision_history_limit: Some(REVISION_HISTORY_LIMIT),
                selector,
                strategy: Some(DeploymentStrategy {
                    type_: Some(if replicated { "Recreate" } else { "RollingUpdate" }.into()),
                    rolling_update: None,
                }),
                template,
                ..Default::default()
            }),
            status: None,
        }),
    }
}

/// The init containers (steps and native sidecars) a component supplies, in patch order.
pub fn component_roles(c: Component) -> &'static [ContainerRole] {
    match c {
        Component::Standard => &[],
        Component::Litestream => &[ContainerRole::RestoreDb, ContainerRole::Litestream],
        Component::RestoreDb => &[ContainerRole::RestoreDb],
        Component::Syncer => &[ContainerRole::RestoreConfig, ContainerRole::ConfigSyncer],
    }
}

/// Whether `role` is a durability container that a component supplies.
pub fn is_shared(role: ContainerRole) -> bool {
    role.is_shared()
}
