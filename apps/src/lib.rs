//! The Vixens cluster's Elite apps. Each module declares its apps with `#[elite(...)]`, which
//! checks them against the standard at compile time and registers them: `cargo run` at the
//! workspace root collects every declared app and regenerates the Kustomize tree in this folder.

pub mod home;
pub mod infra;
pub mod media;
pub mod network;
pub mod services;

/// Every declared app, sorted by folder and name.
pub fn all() -> Vec<elite_core::AppSpec> {
    elite_core::registry::collect()
}
