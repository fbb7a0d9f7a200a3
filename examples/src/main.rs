//! `portal-check`: what a self-service portal would embed. It reads app descriptions (JSON or
//! YAML, the data model of `schema/app.schema.json`), checks each against the Elite catalog,
//! writes the Kustomize tree of those that pass into `--out`, and audits what it rendered, as the
//! cluster's policies would see it. Everything goes through `elite-core` and `elite-gen` as
//! libraries: no subprocess, no `cargo run`.
//!
//! ```text
//! portal-check --out DIR FILE...
//! ```
//!
//! Exit 0 when every app is Elite, 1 when one breaks a rule, 2 when the input cannot be read.

use std::path::PathBuf;
use std::process::ExitCode;

use elite_core::audit::Audit;
use elite_core::description;
use elite_core::render::{render, yaml};
use elite_core::{AppSpec, Platform};

/// What went wrong, for the exit status.
#[derive(Debug)]
enum Failure {
    /// A file, an argument or the output folder is wrong.
    Input(String),
    /// An app breaks a rule.
    Findings,
}

fn run(args: &[String]) -> Result<(), Failure> {
    let (out, files) = match args {
        [flag, out, files @ ..] if flag == "--out" && !files.is_empty() => (PathBuf::from(out), files),
        _ => return Err(Failure::Input("usage: portal-check --out DIR FILE...".into())),
    };
    let platform = Platform::default();
    let mut apps: Vec<AppSpec> = Vec::new();
    let mut broken = false;
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|e| Failure::Input(format!("{file}: {e}")))?;
        let (descriptions, errors) = description::read(&text);
        if let Some(e) = errors.first() {
            return Err(Failure::Input(format!("{file}: {e}")));
        }
        for d in descriptions {
            let findings = description::check(&d);
            for f in &findings {
                println!(
                    "{file}:{}: [{}] {} (hint: {})",
                    f.line,
                    f.violation.rule,
                    f.violation.message,
                    f.violation.hint()
                );
            }
            broken |= !findings.is_empty();
            if findings.is_empty() {
                apps.push(d.spec);
            }
        }
    }
    // Generation: the same layout and atomic writer as `cargo run`.
    let tree = elite_gen::layout::tree(&apps, &platform).map_err(|e| Failure::Input(e.to_string()))?;
    let summary = elite_gen::write::write(&out, &tree).map_err(|e| Failure::Input(e.to_string()))?;
    println!("{}: {} files written", out.display(), summary.written.len() + summary.unchanged);
    // The audit of what was rendered, per environment, as Kyverno and `elite audit` see it.
    let mut audit = Audit::default();
    for app in &apps {
        for env in &app.environments {
            let objects = render(app, &platform, *env);
            let values: Vec<&serde_json::Value> = objects.iter().map(|o| &o.value).collect();
            let text = yaml::file(&values).map_err(|e| Failure::Input(e.to_string()))?;
            audit.add(&format!("{}/{}", app.name, env.as_str()), &text);
        }
    }
    for w in &audit.workloads {
        println!("{} {}: {}", w.file, w.name, if w.elite { "Elite" } else { "not Elite" });
        broken |= !w.elite;
    }
    if broken { Err(Failure::Findings) } else { Ok(()) }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Findings) => ExitCode::from(1),
        Err(Failure::Input(e)) => {
            eprintln!("portal-check: {e}");
            ExitCode::from(2)
        }
    }
}
