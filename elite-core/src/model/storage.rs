//! Volumes and the environment of the main container.

use super::path;
use crate::quantity::Memory;

/// A volume of the pod and where the main container mounts it (once or more: the same volume
/// may be mounted at several paths, each with its own sub-path).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Volume {
    /// Volume name (DNS-1123 label), unique in the app.
    pub name: String,
    /// Where the data lives.
    pub source: VolumeSource,
    /// Where the main container mounts it (at least once).
    pub mounts: Vec<Mount>,
}

/// One mount of a volume in the main container.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Mount {
    /// Absolute mount path in the container.
    pub path: String,
    /// Mount only this relative path of the volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_path: Option<String>,
    /// Mount read-only.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
}

impl Mount {
    /// A read-write mount of the whole volume at `path`.
    pub fn at(path: impl Into<String>) -> Self {
        Mount { path: path.into(), sub_path: None, read_only: false }
    }
    /// The mount path as the kernel resolves it.
    pub fn normalized_path(&self) -> String {
        path::normalized_or_raw(&self.path)
    }
}

/// Where a volume's data lives.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub enum VolumeSource {
    /// A PersistentVolumeClaim the app owns (`<app>-<volume>`), `ReadWriteOnce`.
    Pvc(PvcSource),
    /// An NFS export.
    Nfs(NfsSource),
    /// Scratch space that lives as long as the pod.
    EmptyDir(EmptyDirSource),
}

/// A claim of the cluster's storage.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PvcSource {
    /// Requested size.
    pub size: Memory,
    /// Storage class; the platform's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
}

/// An NFS export.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NfsSource {
    /// The NFS server (host name or address).
    pub server: String,
    /// The exported path.
    pub path: String,
}

/// Scratch space.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmptyDirSource {
    /// Size limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_limit: Option<Memory>,
}

impl VolumeSource {
    /// `pvc`, `nfs` or `empty_dir`: the DSL key that declares this kind.
    pub const fn key(&self) -> &'static str {
        match self {
            VolumeSource::Pvc(_) => "pvc",
            VolumeSource::Nfs(_) => "nfs",
            VolumeSource::EmptyDir(_) => "empty_dir",
        }
    }
    /// Whether the data outlives the pod (a restart on the same node finds it again).
    pub const fn persists(&self) -> bool {
        !matches!(self, VolumeSource::EmptyDir(_))
    }
}

/// A plain or secret environment variable of the main container.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvVar {
    /// Variable name.
    pub name: String,
    /// A literal string, or `{"secret": "KEY"}`.
    pub value: EnvValue,
}

/// The value of an environment variable. A secret can only be a reference (DUR-7): the model
/// has no way to hold a secret value.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum EnvValue {
    /// A literal, non-secret value.
    Plain(String),
    /// A key of the app's Secret, which its InfisicalSecret fills from Infisical.
    Secret(SecretKey),
}

/// A string is a literal; a mapping is a [`SecretKey`], read with its own field names, so an
/// unknown key is reported by name (an untagged enum would only say that nothing matched).
impl<'de> serde::Deserialize<'de> for EnvValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Value;
        impl<'de> serde::de::Visitor<'de> for Value {
            type Value = EnvValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string, or `secret: <key>` (a key of the app's Secret)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<EnvValue, E> {
                Ok(EnvValue::Plain(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<EnvValue, A::Error> {
                use serde::Deserialize;
                SecretKey::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(EnvValue::Secret)
            }
        }
        d.deserialize_any(Value)
    }
}

/// A key of the app's Infisical-managed Secret (`<app>-secrets`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretKey {
    /// The key in the Secret (and in Infisical).
    pub secret: String,
}
