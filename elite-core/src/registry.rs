//! Apps declared with `#[elite]`, collected at link time by `inventory`: declaring the struct is
//! all it takes for the generator to see the app.

use crate::model::AppSpec;

/// An app declared with `#[elite(...)]`; implemented by the macro.
pub trait Elite {
    /// The app's name (`app.kubernetes.io/name`).
    const NAME: &'static str;
    /// The declaration, already checked against the whole catalog at compile time.
    fn spec() -> AppSpec;
}

/// One registered declaration.
#[doc(hidden)]
pub struct Declared {
    /// The declaration's spec.
    pub spec: fn() -> AppSpec,
}

inventory::collect!(Declared);

/// Every app declared with `#[elite]` in the final binary, sorted by category and name
/// (inventory yields them in link order, which is not stable).
pub fn collect() -> Vec<AppSpec> {
    let mut apps: Vec<AppSpec> = inventory::iter::<Declared>.into_iter().map(|d| (d.spec)()).collect();
    apps.sort_by(|a, b| (a.category, &a.name).cmp(&(b.category, &b.name)));
    apps
}

/// Support for the code `#[elite]` expands to; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use inventory;

    /// Reads the spec the macro checked and serialized: what runs is exactly what was checked.
    pub fn decode(json: &str) -> crate::AppSpec {
        serde_json::from_str(json)
            .expect("#[elite] wrote a spec that elite-core cannot read: elite-core and elite-macros differ")
    }
}
