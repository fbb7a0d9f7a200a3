//! Workspace-level tests live in `tests/tests/`. This library holds what they test against: the
//! workspace's apps.
//!
//! The apps crate is a binary alone (one compile per edit of an app, bench/README.md), so no crate
//! can depend on it: its modules are compiled here a second time, from `apps/src` itself, and
//! register the same apps (`build.rs` rebuilds this library when a file is added there).

use elite_core::AppSpec;

elite_macros::modules!(mod apps = "../apps/src");

/// Every app declared in `apps/src` (and any app a test binary declares itself), sorted by folder
/// and name: what `cargo run` generates.
pub fn apps() -> Vec<AppSpec> {
    elite_core::registry::collect()
}
