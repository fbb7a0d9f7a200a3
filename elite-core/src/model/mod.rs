//! The typed model of an Elite app: what a declaration says.

mod app;
mod classify;
mod durability;
mod network;
mod security;
mod sizing;
mod storage;

pub use app::{AppSpec, path_is_under};
pub use classify::{Category, Environment, Role, Runtime, WorkloadKind};
pub use durability::{BackupProfile, ConfigSync, Database, DbFormat, Durability};
pub use network::{Ingress, Port, PortRef, Probe, ProbeAction, Probes, Protocol};
pub use security::{ExceptionKind, SecurityException};
pub use sizing::{Priority, Resources, Size};
pub use storage::{EnvValue, EnvVar, SecretKey, Volume, VolumeSource};
