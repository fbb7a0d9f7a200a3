//! Apps registered with [`declare_app!`](crate::declare_app) (or `#[elite]`) anywhere in the
//! final binary, collected by `inventory`.

use elite_core::AppSpec;

/// A declared app: a function that builds its spec.
pub struct Declared {
    pub build: fn() -> AppSpec,
}

inventory::collect!(Declared);

/// Registers an app builder with the generator.
#[macro_export]
macro_rules! declare_app {
    ($build:expr) => {
        $crate::inventory::submit! { $crate::registry::Declared { build: $build } }
    };
}

/// Every registered app, sorted by folder and name (inventory's order is unspecified).
pub fn collect() -> Vec<AppSpec> {
    let mut apps: Vec<AppSpec> = inventory::iter::<Declared>.into_iter().map(|d| (d.build)()).collect();
    apps.sort_by(|a, b| (a.folder(), &a.name).cmp(&(b.folder(), &b.name)));
    apps
}
