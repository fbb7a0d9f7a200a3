//! `elite` with no command: regenerate the tree and the report of the declared apps, or check
//! them (`--check`).

use std::path::Path;
use std::process::ExitCode;

use elite_core::AppSpec;
use elite_core::platform::PolicyAction;
use elite_core::rules::Door;

use super::{Args, FINDINGS, input_error};
use crate::config::{self, Workspace};
use crate::{layout, report, validate, write};

/// The workspace the command runs in: `--config`, else the nearest `elite.toml` from the
/// current folder up.
pub fn workspace(config_file: Option<&Path>) -> Result<Workspace, config::ConfigError> {
    match config_file {
        Some(f) => config::load(f),
        None => config::discover(&std::env::current_dir().unwrap_or_else(|_| ".".into())),
    }
}

/// The workspace, with `--out` and `--enforce` applied: `--out` inside the repository moves the
/// ArgoCD Applications' paths with it.
pub fn effective(args: &Args) -> Result<Workspace, config::ConfigError> {
    let mut ws = workspace(args.config.as_deref())?;
    if args.enforce {
        ws.platform.policy_action = PolicyAction::Enforce;
    }
    if let Some(out) = &args.out {
        let abs = if out.is_absolute() { out.clone() } else { std::env::current_dir().unwrap_or_default().join(out) };
        let root = std::fs::canonicalize(&ws.root).unwrap_or_else(|_| ws.root.clone());
        let parent = abs
            .parent()
            .and_then(|p| std::fs::canonicalize(p).ok())
            .map(|p| p.join(abs.file_name().unwrap_or_default()));
        match parent.as_deref().and_then(|p| p.strip_prefix(&root).ok()) {
            Some(rel) if !rel.as_os_str().is_empty() => ws.platform.apps_dir = rel.to_string_lossy().replace('\\', "/"),
            _ => eprintln!(
                "note: {} is outside the repository {}: the ArgoCD Applications still point at `{}`",
                out.display(),
                ws.root.display(),
                ws.platform.apps_dir
            ),
        }
        ws.apps = abs;
    }
    Ok(ws)
}

/// What a write did, as `cargo run` and `elite render` both say it: unless `--quiet`, the files
/// written, deleted and removed, the stale files kept because they were edited by hand and the
/// copies left alone; then the summary line.
pub(super) fn say_written(out: &Path, apps: usize, s: &write::Summary, quiet: bool) {
    if !quiet {
        list("wrote  ", &s.written);
        list("deleted", &s.deleted);
        list("removed", &s.leftovers);
        for k in &s.kept {
            eprintln!("kept    {k}: stale, but edited by hand since elite wrote it; delete it if it is not needed");
        }
        for c in &s.copies {
            eprintln!("note    {c}: has elite's header but elite did not write it (a copy?); left alone");
        }
    }
    println!(
        "{}: {} apps, {} written, {} deleted, {} unchanged",
        out.display(),
        apps,
        s.written.len(),
        s.deleted.len(),
        s.unchanged
    );
}

/// Lists at most 20 paths, then how many more.
fn list(what: &str, paths: &[String]) {
    for p in paths.iter().take(20) {
        println!("{what} {p}");
    }
    if paths.len() > 20 {
        println!("{what} ... and {} more", paths.len() - 20);
    }
}

/// Regenerates (or checks) the tree and the report.
pub fn run(args: &Args, apps: &[AppSpec]) -> ExitCode {
    let ws = match effective(args) {
        Ok(ws) => ws,
        Err(e) => return input_error(e),
    };
    let problems = validate::validate(apps, &ws.platform, Door::Dsl);
    if !problems.is_empty() {
        eprintln!("error: {} problem(s) in the declared apps; nothing was written:", problems.len());
        for p in &problems {
            eprintln!("  {p}");
        }
        return ExitCode::from(super::INPUT_ERROR);
    }
    let tree = match layout::tree(apps, &ws.platform) {
        Ok(t) => t,
        Err(e) => return input_error(e),
    };
    let (rows, skipped) = match report::rows(apps, &[], &Default::default()) {
        Ok(r) => r,
        Err(e) => return input_error(e),
    };
    let report_files = report::files(&rows, &skipped);
    if args.check {
        let drift: Vec<write::Drift> = write::check(&ws.apps, &tree);
        let report_drift = report::drift(&ws.reports, &report_files);
        let failing: Vec<&write::Drift> = drift.iter().filter(|d| d.is_drift()).collect();
        for d in drift.iter().filter(|d| !d.is_drift()) {
            eprintln!("  {d}");
        }
        if failing.is_empty() && report_drift.is_empty() {
            println!(
                "{}: {} generated files and the report are up to date ({} apps)",
                ws.apps.display(),
                tree.len(),
                apps.len()
            );
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "{}: {} file(s) differ from the declarations (run `cargo run` to regenerate):",
            ws.apps.display(),
            failing.len() + report_drift.len()
        );
        for d in failing {
            eprintln!("  {d}");
        }
        for r in report_drift {
            eprintln!("  changed:  {r} (the conformity report)");
        }
        return ExitCode::from(FINDINGS);
    }
    let s = match write::write(&ws.apps, &tree) {
        Ok(s) => s,
        Err(e) => return input_error(e),
    };
    if let Err(e) = report::write(&ws.reports, &report_files) {
        return input_error(e);
    }
    say_written(&ws.apps, apps.len(), &s, args.quiet);
    ExitCode::SUCCESS
}
