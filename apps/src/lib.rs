//! The Vixens cluster's Elite apps. Each module declares its apps with `#[elite(...)]`, which
//! checks them against the standard at compile time and registers them: `cargo run` at the
//! workspace root collects every declared app and regenerates the Kustomize tree in this folder.

// Every module of `src/` (`<name>.rs` or `<name>/mod.rs`): a new file is picked up with nothing to
// list here (`build.rs` rebuilds the crate when `src/` changes).
elite_macros::modules!();

/// Every declared app, sorted by folder and name.
pub fn all() -> Vec<elite_core::AppSpec> {
    elite_core::registry::collect()
}
