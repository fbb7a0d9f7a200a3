//! The door for tools that are not written in Rust: `elite check` and `elite render` read app
//! descriptions (JSON or YAML, the data model of `schema/app.schema.json`); `elite export` writes
//! the declared apps as descriptions.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args as ClapArgs;
use elite_core::description::{self, Description};
use elite_core::rules::Door;
use elite_core::{AppSpec, Platform};
use serde_json::json;

use super::audit::{Format, RULES_URL};
use super::{Args, FINDINGS, INPUT_ERROR, input_error};
use crate::{layout, validate, write};

/// Checks app descriptions against every rule.
#[derive(Debug, ClapArgs)]
pub struct CheckArgs {
    /// App descriptions: JSON or YAML files (a YAML file may hold several, one per document).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Renders app descriptions into a Kustomize tree.
#[derive(Debug, ClapArgs)]
pub struct RenderArgs {
    /// App descriptions: JSON or YAML files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// What reading the files gave: descriptions, and errors at `file:line`.
struct Read {
    apps: Vec<(String, Description)>,
    errors: Vec<(String, usize, String)>,
}

fn read(files: &[PathBuf]) -> Read {
    let mut r = Read { apps: Vec::new(), errors: Vec::new() };
    for f in files {
        let name = f.display().to_string();
        let text = match std::fs::metadata(f) {
            Ok(m) if m.is_file() => match std::fs::read(f).map(String::from_utf8) {
                Ok(Ok(t)) => t,
                Ok(Err(e)) => {
                    r.errors.push((name, 0, format!("not UTF-8 text (at byte {})", e.utf8_error().valid_up_to())));
                    continue;
                }
                Err(e) => {
                    r.errors.push((name, 0, format!("cannot read: {e}")));
                    continue;
                }
            },
            Ok(_) => {
                r.errors.push((name, 0, "not a regular file".into()));
                continue;
            }
            Err(e) => {
                r.errors.push((name, 0, format!("cannot read: {e}")));
                continue;
            }
        };
        let (descriptions, errors) = description::read(&text);
        r.errors.extend(errors.into_iter().map(|e| (name.clone(), e.line, e.to_string())));
        r.apps.extend(descriptions.into_iter().map(|d| (name.clone(), d)));
    }
    r
}

/// The platform descriptions are rendered for: `--config`, the workspace around, or the Vixens
/// defaults (said on stderr).
fn platform(args: &Args) -> Result<Platform, ExitCode> {
    match super::generate::workspace(args.config.as_deref()) {
        Ok(ws) => Ok(ws.platform),
        Err(crate::config::ConfigError::NotFound(_)) if args.config.is_none() => {
            eprintln!("note: no elite.toml here or above: rendering for the default platform (the Vixens cluster)");
            Ok(Platform::default())
        }
        Err(e) => Err(input_error(e)),
    }
}

/// `elite check`: every violation at its file and line; exit 1 when any app breaks a rule, 2
/// when a file cannot be read or a description is not valid.
pub fn check(c: &CheckArgs, _args: &Args) -> ExitCode {
    let r = read(&c.files);
    let findings: Vec<(&str, &Description, description::Finding)> =
        r.apps.iter().flat_map(|(f, d)| description::check(d).into_iter().map(move |x| (f.as_str(), d, x))).collect();
    match c.format {
        Format::Table => {
            for (f, d, x) in &findings {
                println!(
                    "{f}:{}: [{}] app `{}`: {} (at {}); hint: {}",
                    x.line,
                    x.violation.id(),
                    d.spec.name,
                    x.violation.message,
                    x.violation.at,
                    x.violation.hint()
                );
            }
            for (f, line, m) in &r.errors {
                println!("{f}:{line}: invalid description: {m}");
            }
            let failing = r.apps.iter().filter(|(_, d)| !description::check(d).is_empty()).count();
            println!(
                "{} apps checked, {} breaking rules, {} invalid descriptions",
                r.apps.len(),
                failing,
                r.errors.len()
            );
        }
        Format::Json => {
            let doc = json!({
                "schema": "elite-check/v1",
                "apps": r.apps.iter().map(|(f, d)| json!({ "file": f, "name": d.spec.name, "document": d.document, "valid": description::check(d).is_empty() })).collect::<Vec<_>>(),
                "findings": findings.iter().map(|(f, d, x)| json!({ "file": f, "line": x.line, "app": d.spec.name, "rule": x.violation.rule, "check": x.violation.check, "path": x.violation.at, "message": x.violation.message, "hint": x.violation.hint() })).collect::<Vec<_>>(),
                "invalid": r.errors.iter().map(|(f, line, m)| json!({ "file": f, "line": line, "message": m })).collect::<Vec<_>>(),
            });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Sarif => {
            let loc = |f: &str, line: usize| json!([{ "physicalLocation": { "artifactLocation": { "uri": f }, "region": { "startLine": line.max(1) } } }]);
            let mut results: Vec<serde_json::Value> = findings
                .iter()
                .map(|(f, d, x)| json!({ "ruleId": x.violation.rule.as_str(), "level": "error", "message": { "text": format!("app {}: {} Hint: {}", d.spec.name, x.violation.message, x.violation.hint()) }, "locations": loc(f, x.line) }))
                .collect();
            results.extend(r.errors.iter().map(|(f, line, m)| json!({ "ruleId": "input", "level": "error", "message": { "text": m }, "locations": loc(f, *line) })));
            let rules: Vec<serde_json::Value> = elite_core::CATALOG
                .iter()
                .map(|r| json!({ "id": r.id.as_str(), "shortDescription": { "text": r.title }, "help": { "text": r.hint.data }, "helpUri": format!("{RULES_URL}#{}", r.id.anchor()) }))
                .collect();
            let doc = json!({ "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [{ "tool": { "driver": { "name": "elite", "version": env!("CARGO_PKG_VERSION"), "rules": rules } }, "results": results }] });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
    }
    if !r.errors.is_empty() {
        ExitCode::from(INPUT_ERROR)
    } else if !findings.is_empty() {
        ExitCode::from(FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// `elite render`: the same tree `cargo run` writes for these apps; nothing is written when one
/// of them breaks a rule.
pub fn render(rr: &RenderArgs, args: &Args) -> ExitCode {
    let platform = match platform(args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let r = read(&rr.files);
    if !r.errors.is_empty() {
        for (f, line, m) in &r.errors {
            eprintln!("{f}:{line}: invalid description: {m}");
        }
        return ExitCode::from(INPUT_ERROR);
    }
    let apps: Vec<AppSpec> = r.apps.iter().map(|(_, d)| d.spec.clone()).collect();
    let problems = validate::validate(&apps, &platform, Door::Data);
    if !problems.is_empty() {
        eprintln!("error: {} problem(s) in the apps; nothing was written:", problems.len());
        for p in &problems {
            let at = r
                .apps
                .iter()
                .find(|(_, d)| d.spec.name == p.app)
                .map(|(f, d)| format!("{f}:{}", d.lines.line_of(&p.violation.at)));
            eprintln!("  {}{p}", at.map(|a| format!("{a}: ")).unwrap_or_default());
        }
        return ExitCode::from(FINDINGS);
    }
    let tree = match layout::tree(&apps, &platform) {
        Ok(t) => t,
        Err(e) => return input_error(e),
    };
    match write::write(&rr.out, &tree) {
        Ok(s) => {
            super::generate::say_written(&rr.out, apps.len(), &s, args.quiet);
            ExitCode::SUCCESS
        }
        Err(e) => input_error(e),
    }
}

/// The YAML description of `app`.
pub fn describe(app: &AppSpec) -> String {
    let mut s = format!("# {}: an Elite app description (schema/app.schema.json)\n", app.name);
    s.push_str(&elite_core::render::yaml::to_yaml(app).unwrap_or_default());
    s
}

/// `elite export`: each declared app as `<name>.yaml` in `out`.
pub fn export(out: &Path, apps: &[AppSpec]) -> ExitCode {
    if let Err(e) = std::fs::create_dir_all(out) {
        return input_error(format!("{}: {e}", out.display()));
    }
    for app in apps {
        let path = out.join(format!("{}.yaml", app.name));
        if let Err(e) = std::fs::write(&path, describe(app)) {
            return input_error(format!("{}: {e}", path.display()));
        }
    }
    println!("{}: {} app descriptions", out.display(), apps.len());
    ExitCode::SUCCESS
}
