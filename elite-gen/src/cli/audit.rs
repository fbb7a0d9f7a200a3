//! `elite audit PATH...`: the rule catalog over existing manifests and kustomize folders.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use elite_core::audit::yaml::Limits;
use elite_core::audit::{self, SarifOptions};
use elite_core::rules::{RuleId, Severity};

use super::{FINDINGS, INPUT_ERROR, input_error};
use crate::audit::{Options, audit_into, grants};

/// Judges any Kubernetes YAML with the Elite rules.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Files or folders (read recursively: *.yaml, *.yml; a folder with a kustomization is
    /// built), or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Fail on any workload that is not Elite, not only on those that claim it.
    #[arg(long)]
    pub strict: bool,
    /// Judge only these rules (comma-separated ids, e.g. `PRIO-1,PRIO-2`).
    #[arg(long, value_delimiter = ',', value_parser = rule_id, value_name = "RULES")]
    pub include: Vec<RuleId>,
    /// Do not judge these rules.
    #[arg(long, value_delimiter = ',', value_parser = rule_id, value_name = "RULES")]
    pub exclude: Vec<RuleId>,
    /// Fail only on findings of this severity or above.
    #[arg(long, value_parser = severity, default_value = "low", value_name = "SEVERITY")]
    pub fail_on: Severity,
    /// Kyverno PolicyExceptions granting exceptions (files or folders); by default the
    /// workspace's `_shared/exceptions`, and that of any audited folder that is a generated tree.
    #[arg(long, value_name = "PATH")]
    pub exceptions: Vec<PathBuf>,
    /// Audit the files of a kustomization one by one instead of building it.
    #[arg(long)]
    pub no_build: bool,
    /// The largest document (or item of a List) read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_object_bytes)]
    pub max_document_size: usize,
    /// The most nodes one document may expand to (aliases included).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_nodes)]
    pub max_nodes: usize,
    /// How long building one kustomization may take, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = Options::default().build_timeout.as_secs())]
    pub build_timeout: u64,
    /// The most bytes of one kustomization's build read.
    #[arg(long, value_name = "BYTES", default_value_t = Options::default().max_build_bytes)]
    pub max_build_size: u64,
}

fn rule_id(s: &str) -> Result<RuleId, String> {
    RuleId::parse(s).ok_or_else(|| format!("`{s}` is not a rule id (e.g. PRIO-2; see RULES.md)"))
}

fn severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| format!("`{s}` is not a severity: low, medium or high"))
}

/// How the audit prints its result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table, then each finding at its file and line.
    Table,
    /// JSON, schema `elite-audit/v2` (README.md).
    Json,
    /// SARIF 2.1.0, for CI systems to annotate files and lines.
    Sarif,
}

/// The repository root around the current folder (the nearest `.git`), for SARIF paths.
fn repository_root() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors().find(|d| d.join(".git").exists()).map(Path::to_path_buf)
}

/// Where RULES.md is published.
pub const RULES_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/RULES.md");

/// Runs the audit: prints the result; exit 0 when every workload that claims Elite (every
/// workload, with `--strict`) passes, 1 when one fails, 2 when an input could not be read.
pub fn run(args: &AuditArgs, config: Option<&Path>) -> ExitCode {
    // The granted exceptions: those named, else the workspace's tree's and those of any audited
    // folder that is a generated tree.
    let mut exception_paths = args.exceptions.clone();
    if exception_paths.is_empty() {
        if let Ok(ws) = super::generate::workspace(config) {
            exception_paths.push(ws.apps.join(crate::layout::EXCEPTIONS_DIR));
        }
        exception_paths.extend(args.paths.iter().map(|p| p.join(crate::layout::EXCEPTIONS_DIR)));
        exception_paths.retain(|p| p.is_dir());
        exception_paths.sort();
        exception_paths.dedup();
    }
    let limits = Limits { max_object_bytes: args.max_document_size, max_nodes: args.max_nodes, ..Limits::default() };
    let grants = match grants(&exception_paths, &limits) {
        Ok(g) => g,
        Err(e) => return input_error(e),
    };
    let options = Options {
        limits,
        build: !args.no_build,
        build_timeout: std::time::Duration::from_secs(args.build_timeout),
        max_build_bytes: args.max_build_size,
        include: args.include.iter().copied().collect::<BTreeSet<_>>(),
        exclude: args.exclude.iter().copied().collect(),
        grants,
    };
    // Written as it runs: memory stays proportional to the largest object, not the input.
    let format = match args.format {
        Format::Table => audit::Format::Table,
        Format::Json => audit::Format::Json,
        Format::Sarif => audit::Format::Sarif,
    };
    let sarif = SarifOptions {
        version: env!("CARGO_PKG_VERSION").into(),
        root: repository_root(),
        rules_url: RULES_URL.into(),
        base: std::env::current_dir().ok(),
    };
    let stdout = std::io::stdout();
    let mut writer = audit::Writer::new(std::io::BufWriter::new(stdout.lock()), format, sarif);
    audit_into(&args.paths, &options, &mut writer);
    let summary = match writer.finish() {
        Ok(s) => s,
        Err(e) => return input_error(format!("cannot write the audit: {e}")),
    };
    if summary.unreadable > 0 {
        ExitCode::from(INPUT_ERROR)
    } else if summary.fails(args.strict, args.fail_on) {
        ExitCode::from(FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}
