//! The generator as one shared library, for the edit loop.
//!
//! `cargo run` builds the apps binary in the debug profile after every edit of an app. Linked
//! statically, that binary holds k8s-openapi, clap, syn and the generator: 30 MB that the linker
//! rewrote on every edit (0.3 s of a 0.7 s loop). Linked against this library instead, the edit
//! relinks a binary of about 200 KB; the library itself rebuilds only when elite changes.
//!
//! Rust links a `dylib` with the standard library as a shared library too, so the binary finds
//! both through its run path (`rpath = true` in the workspace's dev profile) or, under `cargo run`,
//! through the library path cargo sets. Release builds do not link this crate.
//!
//! Cargo gives a dylib `-C prefer-dynamic` only when it builds it as a dependency, which is why
//! this crate is not a workspace member. Do not build it on its own (`cargo build -p
//! elite-gen-dylib`): the library would embed the standard library, and no binary could link it
//! until it is rebuilt as a dependency (`touch elite-gen-dylib/src/lib.rs && cargo run`).

// Naming the crates links them, with every crate they depend on (k8s-openapi, clap, syn...), into
// the shared library; the binary's own references to them then resolve here (Rust uses a crate
// from a linked dylib rather than link a second copy).
pub use elite_core;
pub use elite_gen;
