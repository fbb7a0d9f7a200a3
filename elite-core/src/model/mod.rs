//! The typed model of an Elite app: what a declaration says.

mod access;
mod app;
mod classify;
mod durability;
pub mod image;
mod network;
pub mod path;
mod security;
mod sizing;
mod storage;

pub use access::{Access, AccessError, AccessPort, ApiAccess, ApiResource, PRIVATE_IPV4, Peer};
pub use app::{AppSpec, DEFAULT_UID};
pub use classify::{Category, Environment, Role, Runtime, Workload, WorkloadKind};
pub use durability::{BackupProfile, ConfigSync, Database, DbFormat, Durability};
pub use image::ImageRef;
pub use network::{Ingress, Port, PortRef, Probe, ProbeAction, Probes, Protocol};
pub use security::{ExceptionKind, PssLevel, SecurityException};
pub use sizing::{CUSTOM_CPU_REQUEST_PERCENT, Priority, Resources, Size};
pub use storage::{EmptyDirSource, EnvValue, EnvVar, Mount, NfsSource, PvcSource, SecretKey, Volume, VolumeSource};
