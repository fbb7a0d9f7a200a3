//! The conformity report of `docs/reports/`, for the declared apps and any manifests included
//! (judged by the audit): Markdown, its JSON twin, a bar chart per namespace and a rule × app
//! heatmap (SVG). Deterministic; `cargo run` writes it with the tree, and `--check` compares it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use elite_core::AppSpec;
use elite_core::audit::{FindingStatus, Workload, judge_workload};
use elite_core::facts::{WorkloadFacts, from_app};
use elite_core::pod::Lifecycle;
use elite_core::rules::{CATALOG, RuleId, applies_to_run_to_completion};
use serde::Serialize;

/// Why the report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// An included manifest could not be read.
    #[error("{file}:{line}: {message}")]
    Unreadable {
        /// The file.
        file: String,
        /// The line.
        line: usize,
        /// What went wrong.
        message: String,
    },
}

/// CPU millicores and memory bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Amount {
    /// Millicores.
    pub cpu_millis: u64,
    /// Bytes.
    pub memory_bytes: u64,
}

/// The verdict of one rule on one app, for the heatmap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Cell {
    /// The rule holds.
    Pass,
    /// The rule is broken.
    Fail,
    /// Broken but excepted.
    Suppressed,
    /// The files cannot tell.
    Undecidable,
    /// The rule does not apply (a Job's probes).
    NotApplicable,
}

/// One app or workload of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    /// Its name.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
    /// `declared` (apps/) or the file it was read from.
    pub source: String,
    /// No rule fails.
    pub elite: bool,
    /// The rules it breaks.
    pub failing_rules: Vec<String>,
    /// Its documented exceptions.
    pub exceptions: Vec<String>,
    /// What the scheduler reserves for the pod: init steps, native sidecars and containers.
    pub requests: Amount,
    /// The pod's limits, counted the same way.
    pub limits: Amount,
    /// `name: path (profile)` of each database, or `stateless`.
    pub durability: Vec<String>,
    /// The verdict of every rule judged on one workload.
    pub rules: BTreeMap<String, Cell>,
}

/// The pod's effective requests or limits, as Kubernetes computes them with native sidecars:
/// the larger of (every container + every sidecar) and, for each init step, (the step + the
/// sidecars started before it). Unset or invalid amounts count as zero; sums saturate.
fn effective(
    f: &WorkloadFacts,
    pick: impl Fn(&elite_core::facts::ResourceFacts) -> (&elite_core::facts::Amount, &elite_core::facts::Amount),
) -> Amount {
    let v = |a: &elite_core::facts::Amount| a.as_ref().and_then(|r| r.as_ref().ok()).copied().unwrap_or(0);
    let (mut sidecars, mut regular, mut peak) = ((0u64, 0u64), (0u64, 0u64), (0u64, 0u64));
    for c in &f.containers {
        let (cpu, mem) = pick(&c.resources.value);
        let (cpu, mem) = (v(cpu), v(mem));
        match c.lifecycle {
            Lifecycle::Init => {
                peak = (peak.0.max(sidecars.0.saturating_add(cpu)), peak.1.max(sidecars.1.saturating_add(mem)))
            }
            Lifecycle::Sidecar => sidecars = (sidecars.0.saturating_add(cpu), sidecars.1.saturating_add(mem)),
            Lifecycle::Regular => regular = (regular.0.saturating_add(cpu), regular.1.saturating_add(mem)),
        }
    }
    Amount {
        cpu_millis: peak.0.max(sidecars.0.saturating_add(regular.0)),
        memory_bytes: peak.1.max(sidecars.1.saturating_add(regular.1)),
    }
}

/// A row from the audit's verdict on a workload (and the facts it judged).
fn row(verdict: &Workload) -> Row {
    let f = &verdict.facts;
    let mut failing: Vec<String> =
        verdict.findings.iter().filter(|x| x.status == FindingStatus::Fail).map(|x| x.rule.to_string()).collect();
    failing.dedup();
    let durability = match f.durability.value() {
        Some(d) if d.stateless.is_some() && !d.has_state() => vec!["stateless".to_owned()],
        Some(d) if d.is_stated() => d
            .databases
            .iter()
            .map(|db| format!("{} {}: {} ({})", db.format.as_str(), db.name, db.path.value, db.profile.name()))
            .chain(d.config_sync.as_ref().map(|c| format!("config: {}", c.value)))
            .collect(),
        _ => vec!["not stated".to_owned()],
    };
    let mut rules = BTreeMap::new();
    for r in CATALOG.iter().filter(|r| r.check.is_some()) {
        let cell = if f.kind.runs_to_completion() && !applies_to_run_to_completion(r.id) {
            Cell::NotApplicable
        } else {
            let statuses: Vec<FindingStatus> =
                verdict.findings.iter().filter(|x| x.rule == r.id).map(|x| x.status).collect();
            if statuses.contains(&FindingStatus::Fail) {
                Cell::Fail
            } else if statuses.contains(&FindingStatus::Suppressed) {
                Cell::Suppressed
            } else if statuses.contains(&FindingStatus::Undecidable) {
                Cell::Undecidable
            } else {
                Cell::Pass
            }
        };
        rules.insert(r.id.to_string(), cell);
    }
    Row {
        name: f.name.value.clone(),
        namespace: f.namespace.as_ref().map_or_else(|| "-".to_owned(), |n| n.value.clone()),
        source: verdict.file.clone(),
        elite: verdict.elite,
        failing_rules: failing,
        // Declared (and so granted) exceptions, with the parts they relax; for a manifest, the
        // findings a granted exception suppressed.
        exceptions: if f.exceptions.is_empty() {
            let mut by: Vec<String> = verdict.findings.iter().filter_map(|x| x.suppressed_by.clone()).collect();
            by.sort();
            by.dedup();
            by
        } else {
            f.exceptions
                .iter()
                .map(|e| {
                    let parts: Vec<String> = e
                        .value
                        .0
                        .relaxes()
                        .iter()
                        .map(|(r, c)| c.map_or_else(|| r.to_string(), |c| format!("{r}/{c}")))
                        .collect();
                    format!("{} ({}): {}", e.value.0.as_str(), parts.join(", "), e.value.1)
                })
                .collect()
        },
        requests: effective(f, |r| (&r.cpu_request, &r.memory_request)),
        limits: effective(f, |r| (&r.cpu_limit, &r.memory_limit)),
        durability,
        rules,
    }
}

/// What the report left out of an included input, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// `file:line`.
    pub at: String,
    /// What it is.
    pub what: String,
}

/// The rows (every declared app, then every workload of `include`) and what was left out.
pub fn rows(
    apps: &[AppSpec],
    include: &[PathBuf],
    options: &crate::audit::Options,
) -> Result<(Vec<Row>, Vec<Skipped>), ReportError> {
    let apps = crate::layout::sorted(apps);
    let mut out: Vec<Row> =
        apps.iter().map(|a| row(&judge_workload("declared", &from_app(a), &|_| ("declared".into(), 0)))).collect();
    let mut skipped = Vec::new();
    if !include.is_empty() {
        let audit = crate::audit::audit_paths(include, options);
        if let Some(u) = audit.unreadable.first() {
            return Err(ReportError::Unreadable { file: u.file.clone(), line: u.line, message: u.message.clone() });
        }
        out.extend(audit.workloads.iter().map(row));
        skipped.extend(audit.partial.iter().map(|p| Skipped {
            at: format!("{}:{}", p.file, p.line),
            what: format!("{} {} (no pod template: a patch or fragment)", p.kind, p.name),
        }));
        if audit.skipped > 0 {
            skipped.push(Skipped { at: "-".into(), what: format!("{} objects of other kinds", audit.skipped) });
        }
    }
    Ok((out, skipped))
}

fn cpu(m: u64) -> String {
    if m.is_multiple_of(1000) { format!("{}", m / 1000) } else { format!("{m}m") }
}

fn mem(b: u64) -> String {
    elite_core::Memory(b).to_string()
}

/// Text safe in Markdown tables: no cell break, and no HTML (Markdown renders raw HTML).
fn md(s: &str) -> String {
    escape_md(&elite_core::names::printable(s))
}

fn escape_md(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('|', "\\|").replace('\n', " ")
}

/// Longer text safe in Markdown tables (up to 400 characters).
fn md_long(s: &str) -> String {
    escape_md(&elite_core::names::printable_max(s, 400))
}

/// What marks a file as the report's own.
pub const MARKER: &str = "generated by elite report";
/// What marked it in earlier versions.
const LEGACY_MARKERS: [&str; 1] = ["generated by elite-gen report"];

/// The Markdown report.
pub fn markdown(rows: &[Row], skipped: &[Skipped]) -> String {
    let elite = rows.iter().filter(|r| r.elite).count();
    let mut s = format!(
        "<!-- {MARKER}; regenerate with `cargo run` (or `elite report`), do not edit -->\n# Elite conformity\n\n"
    );
    s.push_str(&format!(
        "{elite} of {} apps are Elite. Every rule of the catalog is judged on each ([RULES.md](../../RULES.md)); a declared app that breaks one does not compile.\n\n![Elite apps per namespace](conformity.svg)\n\n![Every rule on every app](conformity-rules.svg)\n\n",
        rows.len()
    ));
    s.push_str("| App | Namespace | Source | Elite | Failing rules | Exceptions | Pod requests (CPU / memory) | Pod limits | Durability |\n|---|---|---|---|---|---|---|---|---|\n");
    for r in rows {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} / {} | {} / {} | {} |\n",
            md(&r.name),
            md(&r.namespace),
            md(&r.source),
            if r.elite { "yes" } else { "**no**" },
            if r.failing_rules.is_empty() { "-".to_owned() } else { r.failing_rules.join(", ") },
            if r.exceptions.is_empty() {
                "-".to_owned()
            } else {
                r.exceptions.iter().map(|e| md(e)).collect::<Vec<_>>().join("; ")
            },
            cpu(r.requests.cpu_millis),
            mem(r.requests.memory_bytes),
            cpu(r.limits.cpu_millis),
            mem(r.limits.memory_bytes),
            r.durability.iter().map(|d| md(d)).collect::<Vec<_>>().join("<br>"),
        ));
    }
    s.push_str("\nPod requests and limits are what the scheduler reserves: containers and native sidecars together, or an init step with the sidecars started before it, whichever is larger.\n");
    let excepted: Vec<&Row> = rows.iter().filter(|r| !r.exceptions.is_empty()).collect();
    if !excepted.is_empty() {
        s.push_str("\n## Granted exceptions\n\nEach is declared with its app, reviewed with its code, and written as a Kyverno PolicyException (`apps/_shared/exceptions/`); it relaxes the rule parts named and nothing else.\n\n| App | Exception |\n|---|---|\n");
        for r in excepted {
            for e in &r.exceptions {
                s.push_str(&format!("| {} | {} |\n", md(&r.name), md_long(e)));
            }
        }
    }
    if !skipped.is_empty() {
        s.push_str("\n## Not counted\n\n");
        for k in skipped {
            s.push_str(&format!("- {}: {}\n", md(&k.at), md(&k.what)));
        }
    }
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
pub fn json(rows: &[Row], skipped: &[Skipped]) -> String {
    let summary: BTreeMap<&str, serde_json::Value> = per_namespace(rows)
        .into_iter()
        .map(|(ns, (n, e))| (ns, serde_json::json!({ "apps": n, "elite": e })))
        .collect();
    let doc = serde_json::json!({
        "comment": format!("{MARKER}; do not edit"),
        "apps": rows.len(),
        "elite": rows.iter().filter(|r| r.elite).count(),
        "perNamespace": summary,
        "rows": rows,
        "notCounted": skipped,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// `s` escaped for XML text and attributes.
fn xml(s: &str) -> String {
    elite_core::names::printable(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn svg_header(width: usize, height: usize, title: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- {MARKER}; do not edit -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n<text x=\"4\" y=\"16\" font-weight=\"bold\">{}</text>\n",
        xml(title)
    )
}

/// A bar per namespace: Elite apps in green over all apps.
pub fn svg(rows: &[Row]) -> String {
    let groups = per_namespace(rows);
    let max = groups.values().map(|(n, _)| *n).max().unwrap_or(1).max(1);
    let (bar, row_h, left) = (300usize, 24usize, 120usize);
    let height = 34 + groups.len().max(1) * row_h;
    let mut s = svg_header(left + bar + 70, height, "Elite apps per namespace");
    for (i, (ns, (n, e))) in groups.iter().enumerate() {
        let y = 28 + i * row_h;
        let (w_all, w_elite) = (bar * n / max, bar * e / max);
        s.push_str(&format!(
            "<text x=\"4\" y=\"{}\">{}</text><rect x=\"{left}\" y=\"{y}\" width=\"{w_all}\" height=\"16\" fill=\"#d9d9d9\"/><rect x=\"{left}\" y=\"{y}\" width=\"{w_elite}\" height=\"16\" fill=\"#2e8b57\"/><text x=\"{}\" y=\"{}\">{e}/{n}</text>\n",
            y + 12,
            xml(ns),
            left + w_all + 6,
            y + 12
        ));
    }
    s.push_str("</svg>\n");
    s
}

/// The color and label of a heatmap cell.
fn cell_style(c: Cell) -> (&'static str, &'static str) {
    match c {
        Cell::Pass => ("#2e8b57", "pass"),
        Cell::Fail => ("#d7301f", "fail"),
        Cell::Suppressed => ("#f0a500", "excepted"),
        Cell::Undecidable => ("#bdbdbd", "undecidable"),
        Cell::NotApplicable => ("#f5f5f5", "not applicable"),
    }
}

/// A rule × app heatmap: a row per app, a column per rule judged on one workload.
pub fn heatmap(rows: &[Row]) -> String {
    let rules: Vec<RuleId> = CATALOG.iter().filter(|r| r.check.is_some()).map(|r| r.id).collect();
    let (cell, left, top) = (18usize, 170usize, 96usize);
    let width = left + rules.len() * cell + 20;
    let height = top + rows.len().max(1) * cell + 40;
    let mut s = svg_header(width, height, "Every rule on every app");
    for (j, r) in rules.iter().enumerate() {
        let x = left + j * cell + cell / 2 + 4;
        s.push_str(&format!(
            "<text x=\"{x}\" y=\"{}\" transform=\"rotate(-60 {x} {})\" font-size=\"10\">{r}</text>\n",
            top - 6,
            top - 6
        ));
    }
    for (i, row) in rows.iter().enumerate() {
        let y = top + i * cell;
        s.push_str(&format!(
            "<text x=\"4\" y=\"{}\" font-size=\"11\">{}</text>\n",
            y + 13,
            xml(&format!("{} ({})", row.name, row.namespace))
        ));
        for (j, r) in rules.iter().enumerate() {
            let c = row.rules.get(r.as_str()).copied().unwrap_or(Cell::NotApplicable);
            let (fill, label) = cell_style(c);
            s.push_str(&format!(
                "<rect x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"#ffffff\"><title>{} {r}: {label}</title></rect>\n",
                left + j * cell,
                cell - 1,
                cell - 1,
                xml(&row.name)
            ));
        }
    }
    let legend_y = top + rows.len().max(1) * cell + 14;
    for (k, c) in
        [Cell::Pass, Cell::Fail, Cell::Suppressed, Cell::Undecidable, Cell::NotApplicable].into_iter().enumerate()
    {
        let (fill, label) = cell_style(c);
        let x = 4 + k * 110;
        s.push_str(&format!("<rect x=\"{x}\" y=\"{legend_y}\" width=\"12\" height=\"12\" fill=\"{fill}\" stroke=\"#999999\"/><text x=\"{}\" y=\"{}\" font-size=\"11\">{label}</text>\n", x + 16, legend_y + 10));
    }
    s.push_str("</svg>\n");
    s
}

/// The report's files: name → content.
pub fn files(rows: &[Row], skipped: &[Skipped]) -> Vec<(&'static str, String)> {
    vec![
        ("CONFORMITY.md", markdown(rows, skipped)),
        ("conformity.json", json(rows, skipped)),
        ("conformity.svg", svg(rows)),
        ("conformity-rules.svg", heatmap(rows)),
    ]
}

/// Which report files under `dir` differ from `files` (for `--check`).
pub fn drift(dir: &std::path::Path, files: &[(&'static str, String)]) -> Vec<String> {
    files
        .iter()
        .filter(|(name, content)| {
            std::fs::read_to_string(dir.join(name)).ok().as_deref().map(|c| c.replace("\r\n", "\n"))
                != Some(content.clone())
        })
        .map(|(name, _)| dir.join(name).display().to_string())
        .collect()
}

/// Writes the report into `dir` (atomically; a file of that name the report did not write is
/// refused, and then nothing is written).
pub fn write(dir: &std::path::Path, files: &[(&'static str, String)]) -> Result<(), crate::write::WriteError> {
    let files: Vec<(PathBuf, String)> = files.iter().map(|(name, c)| (dir.join(name), c.clone())).collect();
    crate::write::write_owned(&files, &[MARKER, LEGACY_MARKERS[0]])
}
