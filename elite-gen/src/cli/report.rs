//! `elite report`: the conformity report, with manifests beside the declared apps.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args as ClapArgs;
use elite_core::AppSpec;

use super::{Args, input_error};
use crate::report;

/// Writes the conformity report.
#[derive(Debug, ClapArgs)]
pub struct ReportArgs {
    /// Manifests to include besides the declared apps (files, folders, `-`), judged by the audit.
    #[arg(long, value_name = "PATH")]
    pub include: Vec<PathBuf>,
    /// Output folder (the workspace's `docs/reports` by default).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Writes the report; exit 2 (and nothing written) when an included file cannot be read.
pub fn run(r: &ReportArgs, args: &Args, apps: &[AppSpec]) -> ExitCode {
    let ws = match super::generate::workspace(args.config.as_deref()) {
        Ok(ws) => ws,
        Err(e) => return input_error(e),
    };
    let out = r.out.clone().unwrap_or_else(|| ws.reports.clone());
    // Included manifests are judged as the audit judges them: with the exceptions the
    // workspace's tree grants.
    let granted = ws.apps.join(crate::layout::EXCEPTIONS_DIR);
    let grants = if granted.is_dir() {
        match crate::audit::grants(&[granted], &Default::default()) {
            Ok(g) => g,
            Err(e) => return input_error(e),
        }
    } else {
        Default::default()
    };
    let options = crate::audit::Options { grants, ..Default::default() };
    let (rows, skipped) = match report::rows(apps, &r.include, &options) {
        Ok(r) => r,
        Err(e) => return input_error(format!("{e}; nothing was written")),
    };
    if let Err(e) = report::write(&out, &report::files(&rows, &skipped)) {
        return input_error(format!("{e}; nothing was written"));
    }
    let elite = rows.iter().filter(|r| r.elite).count();
    println!(
        "{}: {elite} of {} apps are Elite{}",
        out.display(),
        rows.len(),
        if skipped.is_empty() {
            String::new()
        } else {
            format!(" ({} inputs not counted, named in the report)", skipped.len())
        }
    );
    ExitCode::SUCCESS
}
