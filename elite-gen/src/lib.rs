//! `elite-gen`: turns declared Elite apps into the Kustomize tree ArgoCD syncs, and the command
//! line `elite` (the binary `cargo run` builds).
//!
//! - [`config`]: the platform file (`elite.toml`) and the workspace it marks;
//! - [`validate`]: every rule on every app, and the rules that need all apps at once;
//! - [`layout`]: the tree — shared components and folders, each app's base and overlays, the
//!   ArgoCD Applications;
//! - [`write`](mod@write): the only module that writes the tree: atomic writes, ownership, locks, drift;
//! - [`parallel`]: work spread over the cores (scoped threads);
//! - [`audit`]: the catalog over existing manifests and kustomize folders;
//! - [`report`]: the conformity report of `docs/reports/`;
//! - [`import`]: an existing workload as an `#[elite]` declaration;
//! - [`cli`]: the commands.

pub mod audit;
pub mod cli;
pub mod config;
pub mod import;
pub mod layout;
pub mod parallel;
pub mod report;
pub mod validate;
pub mod write;

pub use elite_core;
