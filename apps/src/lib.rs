//! The Vixens cluster's Elite apps. Each module declares one app and registers it with
//! `elite_gen::declare_app!`; `cargo run` at the workspace root collects every registered app and
//! regenerates the Kustomize tree in this folder.

pub mod media;
pub mod network;
pub mod services;

/// Every declared app, sorted (for tools and tests that embed the set).
pub fn all() -> Vec<elite_core::AppSpec> {
    elite_gen::registry::collect()
}
