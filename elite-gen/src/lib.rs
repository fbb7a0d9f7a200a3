//! `elite-gen`: turns declared Elite apps into the Kustomize tree ArgoCD syncs.
//!
//! - [`validate`]: every rule on every app, and the rules that need all apps at once;
//! - [`layout`]: the tree — shared components, priority classes, each app's base and overlays;
//! - [`parallel`]: work spread over the cores (scoped threads);
//! - [`write`]: the only module that touches the file system: atomic writes, ownership, drift;
//! - [`audit`]: `cargo run -- audit`, the catalog over existing manifests;
//! - [`report`]: `cargo run -- report`, the conformity report of `docs/reports/`;
//! - [`import`]: `cargo run -- import`, an existing workload as an `#[elite]` declaration;
//! - [`cli`]: the command line behind `cargo run`.

pub mod audit;
pub mod cli;
pub mod import;
pub mod layout;
pub mod parallel;
pub mod report;
pub mod validate;
pub mod write;

pub use elite_core;
