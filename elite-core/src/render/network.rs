//! Service, Ingress and PodDisruptionBudget.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::api::networking::v1 as net;
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Object, meta, selector};
use crate::model::{AppSpec, Environment};
use crate::platform::Platform;

/// The Service exposing every declared port, by name.
pub fn service(app: &AppSpec) -> Option<Object> {
    if app.ports.is_empty() {
        return None;
    }
    Some(Object::new(&Service {
        metadata: meta(app, app.name.clone()),
        spec: Some(ServiceSpec {
            selector: Some(selector(app)),
            ports: Some(
                app.ports
                    .iter()
                    .map(|p| ServicePort {
                        name: Some(p.name.clone()),
                        port: i32::from(p.number),
                        target_port: Some(IntOrString::String(p.name.clone())),
                        protocol: Some(p.protocol.as_str().into()),
                        ..Default::default()
                    })
                    .collect(),
            ),
            ..Default::default()
        }),
        status: None,
    }))
}

/// The Ingress of `env`, with TLS from cert-manager.
pub fn ingress(app: &AppSpec, platform: &Platform, env: Environment) -> Option<Object> {
    let ing = app.ingress.as_ref()?;
    let host = platform.host(app, env)?;
    let issuer = match env {
        Environment::Prod => "letsencrypt-prod",
        Environment::Dev => "letsencrypt-staging",
    };
    let mut m = meta(app, app.name.clone());
    m.annotations = Some(BTreeMap::from([
        ("cert-manager.io/cluster-issuer".to_owned(), issuer.to_owned()),
        ("traefik.ingress.kubernetes.io/router.entrypoints".to_owned(), "websecure".to_owned()),
    ]));
    Some(Object::new(&net::Ingress {
        metadata: m,
        spec: Some(net::IngressSpec {
            ingress_class_name: Some(platform.ingress_class.clone()),
            rules: Some(vec![net::IngressRule {
                host: Some(host.clone()),
                http: Some(net::HTTPIngressRuleValue {
                    paths: vec![net::HTTPIngressPath {
                        path: Some("/".into()),
                        path_type: "Prefix".into(),
                        backend: net::IngressBackend {
                            service: Some(net::IngressServiceBackend {
                                name: app.name.clone(),
                                port: Some(net::ServiceBackendPort { name: Some(ing.port.clone()), number: None }),
                            }),
                            resource: None,
                        },
                    }],
                }),
            }]),
            tls: Some(vec![net::IngressTLS {
                hosts: Some(vec![host]),
                secret_name: Some(crate::pod::names::tls_secret(app)),
            }]),
            default_backend: None,
        }),
        status: None,
    }))
}

/// The PodDisruptionBudget of an HA app (HA-1): `minAvailable: 1`.
pub fn pdb(app: &AppSpec) -> Option<Object> {
    app.ha.then(|| {
        Object::new(&PodDisruptionBudget {
            metadata: meta(app, app.name.clone()),
            spec: Some(PodDisruptionBudgetSpec {
                min_available: Some(IntOrString::Int(1)),
                selector: Some(LabelSelector { match_labels: Some(selector(app)), ..Default::default() }),
                ..Default::default()
            }),
            status: None,
        })
    })
}
