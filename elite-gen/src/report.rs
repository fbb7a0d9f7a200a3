//! `cargo run -- report`: the conformity report of `docs/reports/`, for the declared apps and
//! any manifests given with `--include` (judged by the audit). Markdown, a JSON twin and an SVG
//! summary per category, deterministic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use elite_core::AppSpec;
use elite_core::audit::judge_workload;
use elite_core::facts::{WorkloadFacts, from_app};
use elite_core::pod::Lifecycle;
use serde::Serialize;

/// Writes the conformity report.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Manifests to include besides the declared apps (files, folders, `-`), judged by the audit.
    #[arg(long, value_name = "PATH")]
    pub include: Vec<PathBuf>,
    /// Output folder (`docs/reports` of the workspace by default).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// CPU millicores and memory bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Amount {
    pub cpu_millis: u64,
    pub memory_bytes: u64,
}

/// One app or workload of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub name: String,
    pub namespace: String,
    /// `declared` (apps/) or the file it was read from.
    pub source: String,
    pub elite: bool,
    pub failing_rules: Vec<&'static str>,
    pub exceptions: Vec<String>,
    /// What the scheduler reserves for the pod: init steps, native sidecars and containers.
    pub requests: Amount,
    pub limits: Amount,
    /// `name: path (profile)` of each database, or `stateless`.
    pub durability: Vec<String>,
}

/// The pod's effective requests or limits, as Kubernetes computes them with native sidecars:
/// the larger of (every container + every sidecar) and, for each init step, (the step + the
/// sidecars started before it). `None` fields count as zero.
fn effective(
    f: &WorkloadFacts,
    pick: impl Fn(&elite_core::facts::ResourceFacts) -> (Option<u64>, Option<u64>),
) -> Amount {
    let (mut sidecars, mut regular, mut peak) = ((0, 0), (0, 0), (0, 0));
    for c in &f.containers {
        let (cpu, mem) = pick(&c.resources.value);
        let (cpu, mem) = (cpu.unwrap_or(0), mem.unwrap_or(0));
        match c.lifecycle {
            Lifecycle::Init => peak = (peak.0.max(sidecars.0 + cpu), peak.1.max(sidecars.1 + mem)),
            Lifecycle::Sidecar => sidecars = (sidecars.0 + cpu, sidecars.1 + mem),
            Lifecycle::Regular => regular = (regular.0 + cpu, regular.1 + mem),
        }
    }
    Amount { cpu_millis: peak.0.max(sidecars.0 + regular.0), memory_bytes: peak.1.max(sidecars.1 + regular.1) }
}

fn row(source: &str, f: &WorkloadFacts) -> Row {
    let verdict = judge_workload(source, f, |_| 0);
    let mut failing: Vec<&'static str> =
        verdict.findings.iter().filter(|x| x.status == "fail").map(|x| x.rule).collect();
    failing.dedup();
    let durability = match f.durability.value.as_deref().map(|d| (d, elite_core::facts::parse_durability(d))) {
        Some(("stateless", _)) => vec!["stateless".to_owned()],
        Some((_, Some((dbs, config)))) => dbs
            .iter()
            .map(|d| format!("{} {}: {} ({})", d.format.as_str(), d.name, d.path, d.profile.name()))
            .chain(config.map(|c| format!("config: {c}")))
            .collect(),
        _ => vec!["not stated".to_owned()],
    };
    Row {
        name: f.name.value.clone(),
        namespace: f.namespace.as_ref().map_or_else(|| "-".to_owned(), |n| n.value.clone()),
        source: source.to_owned(),
        elite: verdict.elite,
        failing_rules: failing,
        exceptions: f.exceptions.iter().map(|e| format!("{}: {}", e.value.0.as_str(), e.value.1)).collect(),
        requests: effective(f, |r| (r.cpu_request, r.memory_request)),
        limits: effective(f, |r| (r.cpu_limit, r.memory_limit)),
        durability,
    }
}

/// The rows: every declared app, then every workload of `include`.
pub fn rows(apps: &[AppSpec], include: &[PathBuf]) -> Vec<Row> {
    let mut out: Vec<Row> = apps.iter().map(|a| row("declared", &from_app(a))).collect();
    for p in include {
        let mut files = Vec::new();
        // A path that cannot be listed is the audit's to report; the report shows what it reads.
        let _ = crate::audit::yaml_files(p, &mut files);
        for f in files {
            let Ok(text) = std::fs::read_to_string(&f) else { continue };
            for d in elite_core::audit::yaml::documents(&text).0 {
                for (_, o) in elite_core::audit::objects(&d.value) {
                    if let Some(facts) = elite_core::facts::from_manifest(o) {
                        out.push(row(&f.display().to_string(), &facts));
                    }
                }
            }
        }
    }
    out
}

fn cpu(m: u64) -> String {
    if m.is_multiple_of(1000) { format!("{}", m / 1000) } else { format!("{m}m") }
}

fn mem(b: u64) -> String {
    if b >= 1 << 30 && b.is_multiple_of(1 << 30) { format!("{}Gi", b >> 30) } else { format!("{}Mi", b >> 20) }
}

/// The Markdown report.
pub fn markdown(rows: &[Row]) -> String {
    let elite = rows.iter().filter(|r| r.elite).count();
    let mut s = String::from(
        "<!-- generated by elite-gen report (`cargo run -- report`), do not edit -->\n# Elite conformity\n\n",
    );
    s.push_str(&format!(
        "{elite} of {} apps are Elite. Every rule of the catalog is judged on each (RULES.md); a declared app that breaks one does not compile.\n\n![Conformity per namespace](conformity.svg)\n\n",
        rows.len()
    ));
    s.push_str("| App | Namespace | Source | Elite | Failing rules | Exceptions | Pod requests (CPU / memory) | Pod limits | Durability |\n|---|---|---|---|---|---|---|---|---|\n");
    for r in rows {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} / {} | {} / {} | {} |\n",
            r.name,
            r.namespace,
            r.source,
            if r.elite { "yes" } else { "**no**" },
            if r.failing_rules.is_empty() { "-".to_owned() } else { r.failing_rules.join(", ") },
            if r.exceptions.is_empty() { "-".to_owned() } else { r.exceptions.join("; ").replace('|', "\\|") },
            cpu(r.requests.cpu_millis),
            mem(r.requests.memory_bytes),
            cpu(r.limits.cpu_millis),
            mem(r.limits.memory_bytes),
            r.durability.join("<br>").replace('|', "\\|"),
        ));
    }
    s.push_str("\nPod requests and limits are what the scheduler reserves: containers and native sidecars together, or an init step with the sidecars started before it, whichever is larger.\n");
    s
}

/// Per namespace: (apps, Elite apps).
fn per_namespace(rows: &[Row]) -> BTreeMap<&str, (usize, usize)> {
    let mut m: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in rows {
        let e = m.entry(r.namespace.as_str()).or_default();
        e.0 += 1;
        e.1 += usize::from(r.elite);
    }
    m
}

/// The JSON twin.
pub fn json(rows: &[Row]) -> String {
    let summary: BTreeMap<&str, serde_json::Value> = per_namespace(rows)
        .into_iter()
        .map(|(ns, (n, e))| (ns, serde_json::json!({ "apps": n, "elite": e })))
        .collect();
    let doc = serde_json::json!({
        "comment": "generated by elite-gen report (`cargo run -- report`), do not edit",
        "apps": rows.len(),
        "elite": rows.iter().filter(|r| r.elite).count(),
        "perNamespace": summary,
        "rows": rows,
    });
    serde_json::to_string_pretty(&doc).expect("serializes") + "\n"
}

/// A bar per namespace: Elite apps in green over all apps.
pub fn svg(rows: &[Row]) -> String {
    let groups = per_namespace(rows);
    let max = groups.values().map(|(n, _)| *n).max().unwrap_or(1).max(1);
    let (bar, row_h, left) = (300usize, 24usize, 110usize);
    let height = 30 + groups.len() * row_h;
    let mut s = format!(
        "<!-- generated by elite-gen report (`cargo run -- report`), do not edit -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n<text x=\"0\" y=\"14\">Elite apps per namespace</text>\n",
        left + bar + 60
    );
    for (i, (ns, (n, e))) in groups.iter().enumerate() {
        let y = 24 + i * row_h;
        let (w_all, w_elite) = (bar * n / max, bar * e / max);
        s.push_str(&format!(
            "<text x=\"0\" y=\"{}\">{ns}</text><rect x=\"{left}\" y=\"{y}\" width=\"{w_all}\" height=\"16\" fill=\"#d9d9d9\"/><rect x=\"{left}\" y=\"{y}\" width=\"{w_elite}\" height=\"16\" fill=\"#2e8b57\"/><text x=\"{}\" y=\"{}\">{e}/{n}</text>\n",
            y + 12,
            left + w_all + 6,
            y + 12
        ));
    }
    s.push_str("</svg>\n");
    s
}

/// What marks a file as the report's own.
const MARKER: &str = "generated by elite-gen report";

/// The report's files: name → content.
pub fn files(rows: &[Row]) -> Vec<(&'static str, String)> {
    vec![("CONFORMITY.md", markdown(rows)), ("conformity.json", json(rows)), ("conformity.svg", svg(rows))]
}

/// Writes the report (atomically; a file of that name the report did not write is refused).
pub fn run(args: &ReportArgs, apps: &[AppSpec], default_out: &Path) -> ExitCode {
    let out = args.out.clone().unwrap_or_else(|| default_out.to_owned());
    let rows = rows(apps, &args.include);
    let files: Vec<(PathBuf, String)> = files(&rows).into_iter().map(|(name, c)| (out.join(name), c)).collect();
    if let Err(e) = crate::write::write_owned(&files, MARKER) {
        eprintln!("error: {e}; nothing was written");
        return ExitCode::from(2);
    }
    let elite = rows.iter().filter(|r| r.elite).count();
    println!("{}: {elite} of {} apps are Elite", out.display(), rows.len());
    ExitCode::SUCCESS
}
