//! What keeps an app to itself: its own ServiceAccount (no token unless it reads the API), the
//! read-only ClusterRole of an app that does, and a NetworkPolicy that denies by default.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::api::networking::v1 as net;
use k8s_openapi::api::rbac::v1 as rbac;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Object, meta, selector};
use crate::facts::standard_labels;
use crate::model::{Access, AccessPort, AppSpec, PRIVATE_IPV4, Peer, Protocol};
use crate::platform::{DNS_NAMESPACE, DNS_POD_LABEL, Platform};
use crate::pod;

/// The label Kubernetes puts on every namespace: its name.
const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// The app's own ServiceAccount, which never mounts its token by default (the pod says when).
pub fn service_account(app: &AppSpec) -> Object {
    Object::new(&ServiceAccount {
        metadata: meta(app, app.name.clone()),
        automount_service_account_token: Some(false),
        ..Default::default()
    })
}

/// The cluster-wide name of the app's ClusterRole and its binding: `<namespace>.<app>` (dots:
/// each part stays a DNS label however long the other is).
pub fn cluster_role_name(app: &AppSpec) -> String {
    format!("{}.{}", app.namespace(), app.name)
}

/// The read-only ClusterRole of an app that declares what it reads from the API, and its
/// binding to the app's ServiceAccount.
pub fn api_access(app: &AppSpec) -> Vec<Object> {
    let Some(api) = &app.api else { return Vec::new() };
    let mut by_group: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for r in &api.read {
        by_group.entry(r.group.as_str()).or_default().push(r.resource.clone());
    }
    let rules = by_group
        .into_iter()
        .map(|(group, mut resources)| {
            resources.sort();
            resources.dedup();
            rbac::PolicyRule {
                api_groups: Some(vec![group.to_owned()]),
                resources: Some(resources),
                verbs: ["get", "list", "watch"].map(String::from).to_vec(),
                ..Default::default()
            }
        })
        .collect();
    let name = cluster_role_name(app);
    let cluster_meta =
        ObjectMeta { name: Some(name.clone()), labels: Some(standard_labels(app)), ..Default::default() };
    vec![
        Object::new(&rbac::ClusterRole { metadata: cluster_meta.clone(), rules: Some(rules), aggregation_rule: None }),
        Object::new(&rbac::ClusterRoleBinding {
            metadata: cluster_meta,
            role_ref: rbac::RoleRef { api_group: "rbac.authorization.k8s.io".into(), kind: "ClusterRole".into(), name },
            subjects: Some(vec![rbac::Subject {
                kind: "ServiceAccount".into(),
                name: app.name.clone(),
                namespace: Some(app.namespace().to_owned()),
                ..Default::default()
            }]),
        }),
    ]
}

fn labels(pairs: &[(&str, &str)]) -> Option<BTreeMap<String, String>> {
    Some(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
}

fn namespace_selector(ns: &str) -> Option<LabelSelector> {
    Some(LabelSelector { match_labels: labels(&[(NAMESPACE_NAME_LABEL, ns)]), ..Default::default() })
}

/// The NetworkPolicy peers of `peer`.
fn peers(peer: &Peer) -> Vec<net::NetworkPolicyPeer> {
    let block = |cidr: String, except: Vec<String>| net::NetworkPolicyPeer {
        ip_block: Some(net::IPBlock { cidr, except: (!except.is_empty()).then_some(except) }),
        ..Default::default()
    };
    match peer {
        Peer::Internet => vec![
            block("0.0.0.0/0".into(), PRIVATE_IPV4.iter().map(|s| (*s).to_owned()).collect()),
            block("::/0".into(), vec!["fc00::/7".into(), "fe80::/10".into()]),
        ],
        Peer::Cidr { .. } => vec![block(peer.to_string(), Vec::new())],
        Peer::Namespace(namespace) => {
            vec![net::NetworkPolicyPeer { namespace_selector: namespace_selector(namespace), ..Default::default() }]
        }
        Peer::App { namespace, name } => vec![net::NetworkPolicyPeer {
            namespace_selector: namespace_selector(namespace),
            pod_selector: Some(LabelSelector {
                match_labels: labels(&[("app.kubernetes.io/name", name)]),
                ..Default::default()
            }),
            ..Default::default()
        }],
    }
}

fn port(number: u16, protocol: Protocol) -> net::NetworkPolicyPort {
    net::NetworkPolicyPort {
        port: Some(IntOrString::Int(i32::from(number))),
        protocol: Some(protocol.as_str().into()),
        end_port: None,
    }
}

fn ports(list: &[AccessPort]) -> Option<Vec<net::NetworkPolicyPort>> {
    (!list.is_empty()).then(|| list.iter().map(|p| port(p.number, p.protocol)).collect())
}

fn ingress_rule(a: &Access) -> net::NetworkPolicyIngressRule {
    net::NetworkPolicyIngressRule { from: Some(peers(&a.peer)), ports: ports(&a.ports) }
}

fn egress_rule(a: &Access) -> net::NetworkPolicyEgressRule {
    net::NetworkPolicyEgressRule { to: Some(peers(&a.peer)), ports: ports(&a.ports) }
}

/// The app's NetworkPolicy: everything denied but the ingress controller to the Ingress port,
/// Prometheus to the sidecars' metrics ports, DNS, S3 for a durable app, the API server for an app that
/// reads it, and what the declaration allows (`egress`, `allow_from`).
pub fn network_policy(app: &AppSpec, platform: &Platform) -> Object {
    let plan = pod::plan(app);
    let mut ingress = Vec::new();
    if let Some(ing) = &app.ingress
        && let Some(p) = app.ports.iter().find(|p| p.name == ing.port)
    {
        ingress.push(net::NetworkPolicyIngressRule {
            from: Some(vec![net::NetworkPolicyPeer {
                namespace_selector: namespace_selector(&platform.ingress_namespace),
                ..Default::default()
            }]),
            ports: Some(vec![port(p.number, p.protocol)]),
        });
    }
    let scraped: Vec<net::NetworkPolicyPort> = plan
        .all_containers()
        .filter(|c| c.role != pod::ContainerRole::Main)
        .flat_map(|c| c.ports.iter().map(|p| port(p.number, p.protocol)))
        .collect();
    if !scraped.is_empty() {
        ingress.push(net::NetworkPolicyIngressRule {
            from: Some(vec![net::NetworkPolicyPeer {
                namespace_selector: namespace_selector(&platform.monitoring_namespace),
                ..Default::default()
            }]),
            ports: Some(scraped),
        });
    }
    ingress.extend(app.allow_from.iter().map(ingress_rule));
    let mut egress = vec![net::NetworkPolicyEgressRule {
        to: Some(vec![net::NetworkPolicyPeer {
            namespace_selector: namespace_selector(DNS_NAMESPACE),
            pod_selector: Some(LabelSelector { match_labels: labels(&[DNS_POD_LABEL]), ..Default::default() }),
            ..Default::default()
        }]),
        ports: Some(vec![port(53, Protocol::Udp), port(53, Protocol::Tcp)]),
    }];
    if pod::uses_s3(&app.durability) {
        egress.push(egress_rule(&platform.s3));
    }
    if app.api.is_some() {
        egress.push(egress_rule(&platform.api_server));
    }
    egress.extend(app.egress.iter().map(egress_rule));
    Object::new(&net::NetworkPolicy {
        metadata: meta(app, app.name.clone()),
        spec: Some(net::NetworkPolicySpec {
            pod_selector: Some(LabelSelector { match_labels: Some(selector(app)), ..Default::default() }),
            policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
            ingress: Some(ingress),
            egress: Some(egress),
        }),
    })
}
