//! The Vixens cluster's Elite apps, and `cargo run` at the workspace root: `elite` over them.
//!
//! Each module declares its apps with `#[elite(...)]`, which checks them against the standard at
//! compile time and registers them; `main` collects every registered app and regenerates the
//! Kustomize tree in this folder. The crate is a binary alone: an edit recompiles one crate, not
//! a library and then the binary (bench/README.md, "Edit loop"); the tests compile the same
//! modules into their own library (`tests/src/lib.rs`).

use std::process::ExitCode;

// Every module of `src/` (`<name>.rs` or `<name>/mod.rs`): a new file is picked up with nothing to
// list here (`build.rs` rebuilds the crate when `src/` changes).
elite_macros::modules!();

/// mimalloc: generation is allocation-bound, and it is 1.3-1.5x faster than glibc's malloc here
/// (bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// Debug builds (what `cargo run` builds) link the generator as a shared library, so an edit links
// this small binary against it instead of relinking k8s-openapi, clap and syn into one executable
// (elite-gen-dylib). Release builds link everything statically.
#[cfg(debug_assertions)]
use elite_gen_dylib as _;

fn main() -> ExitCode {
    elite_gen::cli::main(elite_core::registry::collect())
}
