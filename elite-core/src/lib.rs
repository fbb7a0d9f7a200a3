//! `elite-core`: the Vixens "Elite" standard as types.
//!
//! - [`model`]: what a declaration says ([`AppSpec`] and its parts), built by `#[elite]`, by
//!   [`AppBuilder`], or read from JSON or YAML;
//! - [`rules`]: the rule catalog ([`CATALOG`]), judged over declarations ([`rules::check_app`])
//!   and manifests alike, with [`facts`] as what the rules read;
//! - [`pod`]: the pod an app runs as (the one place that decides its containers);
//! - `render` (feature `render`): the Kubernetes objects, serialized to YAML;
//! - `audit` (feature `audit`): any Kubernetes YAML judged by the catalog, at its file and line.
//!
//! Without features the crate depends only on serde, serde_json, inventory and regex, so
//! the proc macro can run the catalog at compile time without building Kubernetes types.

#![warn(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

#[cfg(feature = "arbitrary")]
pub mod arbitrary;
#[cfg(feature = "audit")]
pub mod audit;
pub mod builder;
#[cfg(feature = "audit")]
pub mod description;
pub mod facts;
pub mod model;
pub mod names;
pub mod platform;
pub mod pod;
pub mod pointer;
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
pub use pointer::Pointer;
pub use quantity::{Cpu, Memory};
pub use registry::Elite;
pub use rules::{CATALOG, Door, Rule, RuleId, Stage, Violation, Violations};
