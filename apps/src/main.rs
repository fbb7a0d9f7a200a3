//! `cargo run` at the workspace root: regenerates this folder from the declared apps.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Referencing the library links every declared app into the binary (inventory).
    let apps = apps::all();
    elite_gen::cli::main(apps, PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}
