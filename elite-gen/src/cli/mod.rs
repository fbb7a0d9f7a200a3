//! The command line `elite` (the binary `cargo run` builds at the workspace root).
//!
//! One convention for every command: exit 0 when all is well, 1 when there are findings (rules
//! broken, drift), 2 when an input or the usage is wrong (a file that cannot be read, a bad
//! flag, a platform file with an error).

mod audit;
mod check;
mod generate;
mod import;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use elite_core::AppSpec;

pub use audit::AuditArgs;
pub use check::{CheckArgs, RenderArgs};
pub use report::ReportArgs;

/// Exit code: all is well.
pub const OK: u8 = 0;
/// Exit code: findings (rules broken, drift).
pub const FINDINGS: u8 = 1;
/// Exit code: an input or the usage is wrong.
pub const INPUT_ERROR: u8 = 2;

/// Generates the Kustomize tree of the workspace's Elite apps, and judges, imports and renders
/// apps and manifests with the Elite rules.
#[derive(Debug, Parser)]
#[command(name = "elite", bin_name = "elite", version, propagate_version = true)]
pub struct Args {
    /// Write nothing; list every file that differs from the declarations and exit 1 if any does.
    #[arg(long)]
    pub check: bool,
    /// Output folder (the platform file's `git.apps-dir` by default).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The platform file (the nearest `elite.toml` from the current folder up by default).
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// Generate the Kyverno policies with `failureAction: Enforce` (reject violations) instead
    /// of the platform file's action.
    #[arg(long)]
    pub enforce: bool,
    /// Print only the summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// The command (generate the tree when none).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What else `elite` does.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Judge existing manifests with the Elite rules (exit 1 when a workload that claims Elite fails).
    Audit(AuditArgs),
    /// Print an existing Deployment or StatefulSet as an `#[elite]` declaration.
    Import {
        /// A YAML file with the workload (and its claims, Litestream ConfigMap and sidecars).
        file: PathBuf,
    },
    /// Write the conformity report (docs/reports/: Markdown, JSON and two SVGs).
    Report(ReportArgs),
    /// Check app descriptions (JSON or YAML) against the rules, without Rust.
    Check(CheckArgs),
    /// Render app descriptions (JSON or YAML) into a Kustomize tree, without Rust.
    Render(RenderArgs),
    /// Write the declared apps as YAML app descriptions (one file each).
    Export {
        /// Output folder.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

/// Runs the command line over the declared `apps`.
pub fn main(apps: Vec<AppSpec>) -> ExitCode {
    run(&Args::parse(), apps)
}

/// Prints an error and returns the input-error exit code.
pub(crate) fn input_error(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(INPUT_ERROR)
}

/// Runs parsed arguments; prints to stdout/stderr and returns the exit code.
pub fn run(args: &Args, apps: Vec<AppSpec>) -> ExitCode {
    match &args.command {
        Some(Command::Audit(a)) => audit::run(a, args.config.as_deref()),
        Some(Command::Import { file }) => import::run(file),
        Some(Command::Report(r)) => report::run(r, args, &apps),
        Some(Command::Check(c)) => check::check(c, args),
        Some(Command::Render(r)) => check::render(r, args),
        Some(Command::Export { out }) => check::export(out, &apps),
        None => generate::run(args, &apps),
    }
}
