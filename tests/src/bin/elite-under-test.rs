//! The `elite` command line with no declared app, for the tests that run it as a process: under a
//! memory limit and a deadline (hostile inputs), or to see its exit codes and output as a user
//! does.

use std::process::ExitCode;

fn main() -> ExitCode {
    elite_gen::cli::main(Vec::new())
}
