//! The audit of files and folders as people keep them: a folder is walked ([`walk`]), a folder
//! holding a kustomization used by no other is built first, as kube-linter and checkov do
//! (`build`), and each finding on a built object is mapped back to the source file and line
//! that produced it; a file that is part of a kustomization is not audited alone. Findings are
//! then filtered (`--include`, `--exclude`) and suppressed where an exception is both claimed on
//! the object and granted in the repository ([`exceptions`]).

mod build;
pub mod exceptions;
pub mod walk;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use elite_core::audit::yaml::Limits;
use elite_core::audit::{Audit, InputProblem, Partial, Sink, Unreadable, Workload, read_into};
use elite_core::rules::{RuleId, Severity};

pub use exceptions::{EXCEPTION_ANNOTATION, Grant, GrantError, exceptable, grants};
pub use walk::KUSTOMIZATION_FILES;

/// How to audit.
#[derive(Clone, Debug)]
pub struct Options {
    /// What one document may cost.
    pub limits: Limits,
    /// Build folders that hold a kustomization (off: audit every file alone).
    pub build: bool,
    /// How long one build may take.
    pub build_timeout: Duration,
    /// The most bytes of one build's output read.
    pub max_build_bytes: u64,
    /// Only these rules (all when empty).
    pub include: BTreeSet<RuleId>,
    /// Not these rules.
    pub exclude: BTreeSet<RuleId>,
    /// Granted exceptions.
    pub grants: BTreeSet<Grant>,
}

impl Default for Options {
    /// Builds on, 60 s and 512 MiB per build, the default [`Limits`], every rule, no grant.
    fn default() -> Self {
        Options {
            limits: Limits::default(),
            build: true,
            build_timeout: Duration::from_secs(60),
            max_build_bytes: 512 << 20,
            include: BTreeSet::new(),
            exclude: BTreeSet::new(),
            grants: BTreeSet::new(),
        }
    }
}

/// Audits one file.
fn file(path: &Path, options: &Options, sink: &mut dyn Sink) {
    let name = path.display().to_string();
    match std::fs::File::open(path) {
        Ok(f) => read_into(sink, &name, f, &options.limits),
        Err(e) => sink.unreadable(Unreadable {
            file: name.clone(),
            line: 0,
            problem: InputProblem::Unreadable,
            message: format!("cannot read {name}: {e}"),
        }),
    }
}

/// Audits every path (files, folders, `-` for standard input) into an [`Audit`] held in memory.
pub fn audit_paths(paths: &[PathBuf], options: &Options) -> Audit {
    let mut a = Audit::default();
    audit_into(paths, options, &mut a);
    a
}

/// Audits every path into `sink`, each workload filtered and its exceptions applied as
/// `options` say before the sink sees it; unreadable inputs are reported, never fatal.
pub fn audit_into(paths: &[PathBuf], options: &Options, sink: &mut dyn Sink) {
    let mut filtered = Filtered { options, inner: sink };
    let mut built: BTreeSet<PathBuf> = BTreeSet::new();
    for input in walk::inputs(paths, options.build, &mut filtered) {
        match input {
            walk::Input::Stdin => read_into(&mut filtered, "-", std::io::stdin().lock(), &options.limits),
            walk::Input::File(f) => file(&f, options, &mut filtered),
            walk::Input::Build(d) => build_or_fall_back(&d, options, &mut filtered, &mut built),
        }
    }
}

/// Applies `--include`/`--exclude` and the granted exceptions to each workload on its way.
struct Filtered<'a> {
    options: &'a Options,
    inner: &'a mut dyn Sink,
}

impl Sink for Filtered<'_> {
    fn workload(&mut self, mut w: Workload) {
        filter_workload(&mut w, self.options);
        self.inner.workload(w);
    }
    fn partial(&mut self, p: Partial) {
        self.inner.partial(p);
    }
    fn skipped(&mut self) {
        self.inner.skipped();
    }
    fn unreadable(&mut self, u: Unreadable) {
        self.inner.unreadable(u);
    }
}

/// Builds `dir`; when it cannot be built (an overlay with a broken patch), builds the
/// kustomizations it uses instead, so that one broken overlay does not hide its base.
fn build_or_fall_back(dir: &Path, options: &Options, sink: &mut dyn Sink, built: &mut BTreeSet<PathBuf>) {
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        if !built.insert(d.clone()) {
            continue;
        }
        let Err(mut problem) = build::build(&d, options, sink) else { continue };
        let used: Vec<PathBuf> = walk::kustomization_of(&d)
            .map(|k| walk::references(&k).dirs.into_iter().filter(|u| walk::kustomization_of(u).is_some()).collect())
            .unwrap_or_default();
        if !used.is_empty() {
            let names: Vec<String> = used.iter().map(|u| u.display().to_string()).collect();
            problem.message.push_str(&format!(" (what it uses is audited instead: {})", names.join(", ")));
        }
        sink.unreadable(problem);
        todo.extend(used.into_iter().rev());
    }
}

/// Applies `--include`/`--exclude` and the granted exceptions to the workloads of `a`.
pub fn filter(a: &mut Audit, options: &Options) {
    for w in &mut a.workloads {
        filter_workload(w, options);
    }
}

fn filter_workload(w: &mut Workload, options: &Options) {
    w.findings.retain(|f| {
        (options.include.is_empty() || options.include.contains(&f.rule)) && !options.exclude.contains(&f.rule)
    });
    exceptions::suppress_workload(w, &options.grants);
}

/// Whether the audit fails with `--fail-on severity` (every failing finding of an Elite-claiming
/// workload, or of any with `strict`, at or above it).
pub fn fails(a: &Audit, strict: bool, fail_on: Severity) -> bool {
    let mut s = elite_core::audit::Summary::default();
    for w in &a.workloads {
        s.count_workload(w);
    }
    s.fails(strict, fail_on)
}
