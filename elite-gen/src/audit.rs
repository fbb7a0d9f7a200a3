//! `cargo run -- audit PATH...`: judges existing manifests with the rule catalog.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use elite_core::audit::{self, Audit, Unreadable};

/// Judges any Kubernetes YAML with the Elite rules.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Files or folders (read recursively: *.yaml, *.yml), or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Fail on any workload that is not Elite, not only on those that claim it.
    #[arg(long)]
    pub strict: bool,
}

/// How the audit prints its result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table, then each finding at its file and line.
    Table,
    /// JSON, schema `elite-audit/v1` (README.md).
    Json,
    /// SARIF 2.1.0, for CI systems to annotate files and lines.
    Sarif,
}

/// The YAML files under `path` (itself when it is a file), sorted.
fn yaml_files(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(path)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
        entries.sort();
        for e in entries {
            if e.is_dir() || e.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                yaml_files(&e, out)?;
            }
        }
    } else {
        out.push(path.to_owned());
    }
    Ok(())
}

/// Reads every path into an audit (unreadable files are recorded, not fatal).
pub fn audit_paths(paths: &[PathBuf]) -> Audit {
    let mut a = Audit::default();
    for p in paths {
        if p.as_os_str() == "-" {
            let mut text = String::new();
            match std::io::stdin().read_to_string(&mut text) {
                Ok(_) => a.add("-", &text),
                Err(e) => a.unreadable.push(Unreadable { file: "-".into(), line: 0, message: e.to_string() }),
            }
            continue;
        }
        let mut files = Vec::new();
        if let Err(e) = yaml_files(p, &mut files) {
            a.unreadable.push(Unreadable { file: p.display().to_string(), line: 0, message: e.to_string() });
            continue;
        }
        for f in files {
            let name = f.display().to_string();
            match std::fs::read(&f).map(String::from_utf8) {
                Ok(Ok(text)) => a.add(&name, &text),
                Ok(Err(_)) => a.unreadable.push(Unreadable { file: name, line: 0, message: "not UTF-8 text".into() }),
                Err(e) => a.unreadable.push(Unreadable { file: name, line: 0, message: e.to_string() }),
            }
        }
    }
    a
}

/// Runs the audit: prints the result; exit 0 when every workload that claims Elite (every
/// workload, with `--strict`) passes and every file was read, 1 otherwise.
pub fn run(args: &AuditArgs) -> ExitCode {
    let a = audit_paths(&args.paths);
    let text = match args.format {
        Format::Table => audit::table(&a),
        Format::Json => audit::json(&a),
        Format::Sarif => audit::sarif(&a),
    };
    println!("{}", text.trim_end());
    if a.passes(args.strict) && a.unreadable.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
