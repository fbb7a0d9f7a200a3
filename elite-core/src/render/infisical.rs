//! InfisicalSecret (secrets.infisical.com/v1alpha1), written by hand from the operator's CRD.

use serde::{Deserialize, Serialize};

use super::Object;
use crate::model::{AppSpec, Environment};
use crate::platform::Platform;

/// An InfisicalSecret custom resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InfisicalSecret {
    /// `secrets.infisical.com/v1alpha1`.
    pub api_version: String,
    /// `InfisicalSecret`.
    pub kind: String,
    /// Name and namespace (those of the Secret it manages).
    pub metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    /// Where the values come from and which Secret they fill.
    pub spec: InfisicalSecretSpec,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InfisicalSecretSpec {
    #[serde(rename = "hostAPI")]
    pub host_api: String,
    pub resync_interval: i64,
    pub authentication: Authentication,
    pub managed_secret_reference: ManagedSecretReference,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Authentication {
    pub universal_auth: UniversalAuth,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UniversalAuth {
    pub credentials_ref: CredentialsRef,
    pub secrets_scope: SecretsScope,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialsRef {
    pub secret_name: String,
    pub secret_namespace: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretsScope {
    pub project_slug: String,
    pub env_slug: String,
    pub secrets_path: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedSecretReference {
    pub secret_name: String,
    pub secret_namespace: String,
    pub creation_policy: String,
}

/// An InfisicalSecret named `name` that fills Secret `secret` from `path` in `env`.
pub fn infisical_secret(
    app: &AppSpec,
    platform: &Platform,
    env: Environment,
    name: String,
    secret: String,
    path: String,
) -> Object {
    let ns = app.namespace().to_owned();
    Object::new(&InfisicalSecret {
        api_version: "secrets.infisical.com/v1alpha1".into(),
        kind: "InfisicalSecret".into(),
        metadata: super::meta(app, name),
        spec: InfisicalSecretSpec {
            host_api: platform.infisical_host.clone(),
            resync_interval: 60,
            authentication: Authentication {
                universal_auth: UniversalAuth {
                    credentials_ref: CredentialsRef {
                        secret_name: "infisical-universal-auth".into(),
                        secret_namespace: "argocd".into(),
                    },
                    secrets_scope: SecretsScope {
                        project_slug: platform.infisical_project.clone(),
                        env_slug: env.as_str().into(),
                        secrets_path: path,
                    },
                },
            },
            managed_secret_reference: ManagedSecretReference {
                secret_name: secret,
                secret_namespace: ns,
                creation_policy: "Owner".into(),
            },
        },
    })
}
