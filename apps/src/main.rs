//! `cargo run` at the workspace root: `elite`, over the apps declared in this crate.

use std::process::ExitCode;

/// mimalloc: generation is allocation-bound, and it is 1.3-1.5x faster than glibc's malloc here
/// (bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Referencing the library links every declared app into the binary (inventory).
    elite_gen::cli::main(apps::all())
}
