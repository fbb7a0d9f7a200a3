//! The command line behind `cargo run`: regenerate the tree, or check it for drift.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use elite_core::platform::PolicyAction;
use elite_core::{AppSpec, Platform};

use crate::{layout, validate, write};

/// Regenerates the Kustomize tree of the declared Elite apps.
#[derive(Debug, Parser)]
#[command(name = "elite-gen", version, about)]
pub struct Args {
    /// Write nothing; list every file that differs from the declarations and exit non-zero.
    #[arg(long)]
    pub check: bool,
    /// Output folder (the `apps/` folder of the workspace by default).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Generate the Kyverno policies with `failureAction: Enforce` (reject violations) instead
    /// of `Audit` (report them).
    #[arg(long)]
    pub enforce: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What else the CLI does.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Judge existing manifests with the Elite rules (exit 1 when a workload that claims Elite fails).
    Audit(crate::audit::AuditArgs),
    /// Print an existing Deployment or StatefulSet as an `#[elite]` declaration.
    Import {
        /// A YAML file with the workload (and its PVCs and Litestream ConfigMap, if any).
        file: PathBuf,
    },
    /// Write the conformity report (docs/reports/CONFORMITY.md, its JSON twin and an SVG).
    Report(crate::report::ReportArgs),
}

/// Runs the CLI over `apps`, writing into `default_out` unless `--out` says otherwise.
pub fn main(apps: Vec<AppSpec>, default_out: PathBuf) -> ExitCode {
    let args = Args::parse();
    run(&args, apps, default_out)
}

/// Runs parsed arguments; prints to stdout/stderr and returns the exit code.
pub fn run(args: &Args, apps: Vec<AppSpec>, default_out: PathBuf) -> ExitCode {
    match &args.command {
        Some(Command::Audit(a)) => return crate::audit::run(a),
        Some(Command::Import { file }) => return crate::import::run(file),
        Some(Command::Report(r)) => {
            // The tree lives in `apps/`; the reports in `docs/reports/` beside it.
            let reports = default_out.parent().unwrap_or(&default_out).join("docs/reports");
            return crate::report::run(r, &apps, &reports);
        }
        None => {}
    }
    let out = args.out.clone().unwrap_or(default_out);
    let problems = validate::validate(&apps);
    if !problems.is_empty() {
        eprintln!("error: {} problem(s) in the declared apps; nothing was written:", problems.len());
        for p in &problems {
            eprintln!("  {p}");
        }
        return ExitCode::from(2);
    }
    let platform = Platform {
        policy_action: if args.enforce { PolicyAction::Enforce } else { PolicyAction::Audit },
        ..Platform::default()
    };
    let tree = match layout::tree(&apps, &platform) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if args.check {
        let drift = write::check(&out, &tree);
        if drift.is_empty() {
            println!("{}: {} generated files are up to date ({} apps)", out.display(), tree.len(), apps.len());
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "{}: {} file(s) differ from the declarations (run `cargo run` to regenerate):",
            out.display(),
            drift.len()
        );
        for d in drift {
            eprintln!("  {d}");
        }
        return ExitCode::from(1);
    }
    match write::write(&out, &tree) {
        Ok(s) => {
            for w in &s.written {
                println!("wrote   {w}");
            }
            for d in &s.deleted {
                println!("deleted {d}");
            }
            println!(
                "{}: {} apps, {} written, {} deleted, {} unchanged",
                out.display(),
                apps.len(),
                s.written.len(),
                s.deleted.len(),
                s.unchanged
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
