//! Volumes mounted by the main container.

/// A volume and where the main container mounts it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    /// Volume name (DNS-1123 label).
    pub name: String,
    /// Absolute mount path in the main container.
    pub mount_path: String,
    /// Mount only this sub-path of the volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_path: Option<String>,
    #[serde(default)]
    pub read_only: bool,
    pub source: VolumeSource,
}

/// Where a volume's data lives.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum VolumeSource {
    /// A PersistentVolumeClaim the app owns (`<app>-<volume>`), `ReadWriteOnce`.
    Pvc {
        /// Requested size in GiB.
        size_gi: u32,
        /// Storage class; the cluster's default retained iSCSI class when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        storage_class: Option<String>,
    },
    /// An NFS export.
    Nfs { server: String, path: String },
    /// Scratch space that lives as long as the pod.
    EmptyDir {
        /// Size limit in MiB.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        size_limit_mi: Option<u32>,
    },
}

/// A plain or secret environment variable of the main container.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EnvVar {
    pub name: String,
    pub value: EnvValue,
}

/// The value of an environment variable. A secret can only be a reference (DUR-7): the model
/// has no way to hold a secret value.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum EnvValue {
    /// A literal, non-secret value.
    Plain(String),
    /// A key of the app's Secret, which its InfisicalSecret fills from Infisical.
    Secret(SecretKey),
    /// A field of the pod, from the downward API (`metadata.name`).
    Field(String),
}

/// A key of the app's Infisical-managed Secret (`<app>-secrets`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SecretKey {
    pub key: String,
}
