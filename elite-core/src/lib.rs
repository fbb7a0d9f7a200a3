//! `elite-core`: the Vixens "Elite" standard as types.
//!
//! - [`model`]: what a declaration says ([`AppSpec`] and its parts), built by `#[elite]`, by
//!   [`AppBuilder`], or deserialized;
//! - [`pod`]: the pod an app runs as (the one place that decides its containers);
//! - [`facts`] and [`rules`]: the rule catalog, judged over declarations and manifests alike;
//! - `render` (feature `render`): the Kubernetes objects, serialized to YAML.
//!
//! Without the `render` feature the crate depends only on serde, serde_json and inventory, so
//! the proc macro can run the catalog at compile time without building Kubernetes types.

#[cfg(feature = "audit")]
pub mod audit;
pub mod builder;
pub mod facts;
pub mod model;
pub mod names;
pub mod platform;
pub mod pod;
pub mod quantity;
pub mod registry;
pub mod rules;

#[cfg(feature = "render")]
pub mod render;
#[cfg(feature = "schema")]
pub mod schema;

pub use builder::AppBuilder;
pub use model::*;
pub use platform::Platform;
pub use quantity::{Cpu, Memory};
pub use registry::Elite;
pub use rules::{CATALOG, Rule, Stage, Violation};
