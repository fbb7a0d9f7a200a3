//! The audit's outputs: a table for people, JSON with a stable schema, SARIF for CI annotations.
//! Each is a [`Sink`] that writes as results arrive: memory stays proportional to one workload's
//! findings (plus one short row per workload for the table), however large the input.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Audit, FindingStatus, Partial, Sink, Summary, Unreadable, Workload};
use crate::rules::CATALOG;

/// Version of the JSON output's schema (README.md documents it).
pub const JSON_SCHEMA: &str = "elite-audit/v2";

/// How SARIF locates files and rules.
#[derive(Clone, Debug, Default)]
pub struct SarifOptions {
    /// The tool's version (`elite --version`).
    pub version: String,
    /// The folder paths are made relative to (`%SRCROOT%`): the repository root.
    pub root: Option<std::path::PathBuf>,
    /// Where RULES.md is published; each rule's `helpUri` is `<this>#<rule-id>`.
    pub rules_url: String,
    /// The folder relative file names are relative to (the current folder of the run).
    pub base: Option<std::path::PathBuf>,
}

/// `s` percent-encoded as a URI path (RFC 3986: unreserved characters and `/` kept).
fn uri_path(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `p` with `.` and `..` resolved without the file system.
fn lexical(p: &std::path::Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A stable fingerprint (FNV-1a, 64 bits, hex) of the parts that identify a finding across runs.
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("{h:016x}")
}

/// A table cell: escaped and shortened (a hostile 70,000-character name stays one readable cell).
fn cell(s: &str) -> String {
    crate::names::printable(s)
}

/// A file path for a table cell: escaped and shortened from the front, so the end of the path (the
/// app's folder and the file name) stays readable.
fn file_cell(s: &str) -> String {
    crate::names::printable_tail(s, 80)
}

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Each finding at its file and line as it is found, then a table of the workloads and a
    /// summary line.
    Table,
    /// JSON, schema [`JSON_SCHEMA`].
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

/// Writes an audit as it runs, in one format. Feed it results (it is a [`Sink`]), then call
/// [`finish`](Self::finish). A write error stops the writing and is returned by `finish`.
pub struct Writer<W: Write> {
    out: W,
    format: Format,
    sarif: SarifOptions,
    summary: Summary,
    /// Table: one short row per workload. JSON: the partial objects and unreadable inputs.
    rows: Vec<[String; 5]>,
    partial: Vec<Partial>,
    unreadable: Vec<Unreadable>,
    first: bool,
    error: Option<io::Error>,
}

impl<W: Write> Writer<W> {
    /// A writer of `format` to `out` (`sarif` locates files and rules for SARIF).
    pub fn new(out: W, format: Format, sarif: SarifOptions) -> Self {
        let mut w = Writer {
            out,
            format,
            sarif,
            summary: Summary::default(),
            rows: Vec::new(),
            partial: Vec::new(),
            unreadable: Vec::new(),
            first: true,
            error: None,
        };
        let head = match format {
            Format::Table => String::new(),
            Format::Json => format!("{{\n  \"schema\": \"{JSON_SCHEMA}\",\n  \"workloads\": ["),
            Format::Sarif => "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [{\n  \"results\": [".to_owned(),
        };
        w.put(&head);
        w
    }

    fn put(&mut self, s: &str) {
        if self.error.is_none()
            && let Err(e) = self.out.write_all(s.as_bytes())
        {
            self.error = Some(e);
        }
    }

    /// One element of the JSON or SARIF array being written.
    fn element(&mut self, v: &Value) {
        let text = serde_json::to_string_pretty(v).unwrap_or_default();
        let sep = if self.first { "\n" } else { ",\n" };
        self.first = false;
        self.put(&format!("{sep}{text}"));
    }

    fn location(&self, file: &str, line: usize) -> Value {
        let options = &self.sarif;
        let given = std::path::Path::new(file);
        let joined = match &options.base {
            Some(b) if given.is_relative() => lexical(&b.join(given)),
            _ => given.to_path_buf(),
        };
        let path = joined.as_path();
        let relative = options.root.as_ref().and_then(|r| path.strip_prefix(r).ok());
        let artifact = match relative {
            Some(rel) => json!({ "uri": uri_path(&rel.to_string_lossy()), "uriBaseId": "%SRCROOT%" }),
            None if path.is_absolute() => json!({ "uri": format!("file://{}", uri_path(&path.to_string_lossy())) }),
            None => json!({ "uri": uri_path(file), "uriBaseId": "%SRCROOT%" }),
        };
        json!([{ "physicalLocation": { "artifactLocation": artifact, "region": { "startLine": line.max(1) } } }])
    }

    /// The summary so far.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// Writes the end of the output; the summary, or the first write error.
    pub fn finish(self) -> io::Result<Summary> {
        self.finish_into().map(|(_, s)| s)
    }

    /// [`finish`](Self::finish), giving back the output too.
    pub fn finish_into(mut self) -> io::Result<(W, Summary)> {
        let s = self.summary.clone();
        match self.format {
            Format::Table => {
                let mut rows = vec![[
                    "FILE".to_owned(),
                    "WORKLOAD".into(),
                    "NAMESPACE".into(),
                    "VERDICT".into(),
                    "FAILED RULES".into(),
                ]];
                rows.append(&mut self.rows);
                let widths: Vec<usize> =
                    (0..5).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
                let mut text = String::new();
                for r in &rows {
                    let mut line = String::new();
                    for (i, (c, w)) in r.iter().zip(&widths).enumerate() {
                        if i > 0 {
                            line.push_str("  ");
                        }
                        line.push_str(c);
                        line.push_str(&" ".repeat(w.saturating_sub(c.chars().count())));
                    }
                    text.push_str(line.trim_end());
                    text.push('\n');
                }
                text.push_str(&format!(
                    "{} workloads ({} claim Elite, {} of them failing; {} Elite), {} partial objects, {} other objects skipped, {} unreadable\n",
                    s.workloads, s.claiming_elite, s.claiming_elite_failing, s.elite, s.partial, s.skipped, s.unreadable
                ));
                self.put(&text);
            }
            Format::Json => {
                let partial = serde_json::to_string_pretty(&self.partial).unwrap_or_default();
                let unreadable = serde_json::to_string_pretty(&self.unreadable).unwrap_or_default();
                let summary = serde_json::to_string_pretty(&s).unwrap_or_default();
                self.put(&format!("\n  ],\n  \"partial\": {partial},\n  \"skipped\": {},\n  \"unreadable\": {unreadable},\n  \"summary\": {summary}\n}}\n", s.skipped));
            }
            Format::Sarif => {
                let options = &self.sarif;
                let mut rules: Vec<Value> = CATALOG
                    .iter()
                    .map(|r| {
                        json!({
                            "id": r.id.as_str(),
                            "shortDescription": { "text": r.title },
                            "fullDescription": { "text": r.rationale },
                            "help": { "text": r.hint.manifest },
                            "helpUri": format!("{}#{}", options.rules_url, r.id.anchor()),
                            "properties": { "severity": r.severity.as_str() },
                        })
                    })
                    .collect();
                rules.push(json!({ "id": "input", "shortDescription": { "text": "The input can be read: a regular file of UTF-8 YAML within the limits." } }));
                rules.push(json!({ "id": "partial-object", "shortDescription": { "text": "A workload kind without a pod template is not judged." } }));
                let tool = json!({ "driver": { "name": "elite", "version": options.version, "informationUri": options.rules_url, "rules": rules } });
                let bases = options
                    .root
                    .as_ref()
                    .map(|r| json!({ "%SRCROOT%": { "uri": format!("file://{}/", uri_path(&r.to_string_lossy())) } }))
                    .unwrap_or(json!({}));
                let tail = format!(
                    "\n  ],\n  \"tool\": {},\n  \"originalUriBaseIds\": {}\n  }}]\n}}\n",
                    serde_json::to_string_pretty(&tool).unwrap_or_default(),
                    serde_json::to_string_pretty(&bases).unwrap_or_default()
                );
                self.put(&tail);
            }
        }
        if self.error.is_none()
            && let Err(e) = self.out.flush()
        {
            self.error = Some(e);
        }
        match self.error {
            Some(e) => Err(e),
            None => Ok((self.out, s)),
        }
    }
}

impl<W: Write> Sink for Writer<W> {
    fn workload(&mut self, w: Workload) {
        self.summary.count_workload(&w);
        match self.format {
            Format::Table => {
                let mut lines = String::new();
                for f in &w.findings {
                    // A failure says what is wrong; a suppressed one, which exception suppressed it.
                    let (tag, detail) = match f.status {
                        FindingStatus::Fail => ("", f.message.as_str()),
                        FindingStatus::Suppressed => ("suppressed ", f.suppressed_by.as_deref().unwrap_or("")),
                        FindingStatus::Undecidable => continue,
                    };
                    lines.push_str(&format!(
                        "{}:{}: {tag}[{}] {} {}: {detail}\n",
                        file_cell(&f.file),
                        f.line,
                        f.id(),
                        w.kind,
                        cell(&w.name)
                    ));
                }
                self.put(&lines);
                let mut failed: Vec<String> =
                    w.findings.iter().filter(|f| f.status == FindingStatus::Fail).map(|f| f.rule.to_string()).collect();
                failed.dedup();
                let verdict = match (w.elite, w.claims_elite) {
                    (true, _) => "Elite",
                    (false, true) => "FAILS (claims Elite)",
                    (false, false) => "not Elite",
                };
                self.rows.push([
                    format!("{}:{}", file_cell(&w.file), w.line),
                    format!("{}/{}", w.kind, cell(&w.name)),
                    w.namespace.as_deref().map_or_else(|| "-".into(), cell),
                    verdict.into(),
                    failed.join(" "),
                ]);
            }
            Format::Json => {
                let v = serde_json::to_value(&w).unwrap_or(Value::Null);
                self.element(&v);
            }
            Format::Sarif => {
                let object = format!("{}/{}/{}", w.kind, w.namespace.as_deref().unwrap_or(""), w.name);
                for f in &w.findings {
                    let level = match f.status {
                        FindingStatus::Fail if w.claims_elite => "error",
                        FindingStatus::Fail => "warning",
                        FindingStatus::Undecidable | FindingStatus::Suppressed => "note",
                    };
                    let mut r = json!({
                        "ruleId": f.rule.as_str(),
                        "level": level,
                        "message": { "text": format!("{} {}: {}", w.kind, w.name, f.message) },
                        "locations": self.location(&f.file, f.line),
                        "partialFingerprints": { "eliteFinding/v1": fingerprint(&[f.rule.as_str(), f.check.unwrap_or(""), &object, f.path.as_str(), &f.message]) },
                        "properties": { "status": f.status.as_str(), "severity": f.severity.as_str(), "pointer": f.path.as_str(), "object": object },
                    });
                    if let Some(c) = f.check {
                        r["properties"]["check"] = c.into();
                    }
                    if let Some(by) = &f.suppressed_by {
                        r["suppressions"] = json!([{ "kind": "external", "justification": by }]);
                    }
                    self.element(&r);
                }
            }
        }
    }

    fn partial(&mut self, p: Partial) {
        self.summary.partial += 1;
        match self.format {
            Format::Table => {
                let line = format!(
                    "{}:{}: partial {} {}: no pod template (a patch or fragment), not judged\n",
                    file_cell(&p.file),
                    p.line,
                    p.kind,
                    cell(&p.name)
                );
                self.put(&line);
            }
            Format::Json => self.partial.push(p),
            Format::Sarif => {
                let r = json!({
                    "ruleId": "partial-object",
                    "level": "note",
                    "message": { "text": format!("{} {} has no pod template (a patch or fragment): not judged", p.kind, p.name) },
                    "locations": self.location(&p.file, p.line),
                });
                self.element(&r);
            }
        }
    }

    fn skipped(&mut self) {
        self.summary.skipped += 1;
    }

    fn unreadable(&mut self, u: Unreadable) {
        self.summary.unreadable += 1;
        match self.format {
            Format::Table => {
                let line = format!("{}:{}: {}\n", file_cell(&u.file), u.line, u.message);
                self.put(&line);
            }
            Format::Json => self.unreadable.push(u),
            Format::Sarif => {
                let r = json!({ "ruleId": "input", "level": "error", "message": { "text": u.message }, "locations": self.location(&u.file, u.line) });
                self.element(&r);
            }
        }
    }
}

/// An audit held in memory, written in `format`.
fn write(a: &Audit, format: Format, sarif: SarifOptions) -> String {
    let mut w = Writer::new(Vec::new(), format, sarif);
    a.replay(&mut w);
    // Writing to memory cannot fail.
    w.finish_into().map(|(out, _)| String::from_utf8(out).unwrap_or_default()).unwrap_or_default()
}

/// The audit as JSON: `{schema, workloads, partial, skipped, unreadable, summary}`.
pub fn json(a: &Audit) -> String {
    write(a, Format::Json, SarifOptions::default())
}

/// The audit as SARIF 2.1.0: one result per finding (undecidable and suppressed ones as notes),
/// per partial object and per unreadable input, at its file and line; paths under `root` are
/// relative to it.
pub fn sarif(a: &Audit, options: &SarifOptions) -> String {
    write(a, Format::Sarif, options.clone())
}

/// The audit as a table: each finding at its file and line, the partial objects and the
/// unreadable inputs, then one row per workload (with its file) and a summary line.
pub fn table(a: &Audit) -> String {
    write(a, Format::Table, SarifOptions::default())
}
