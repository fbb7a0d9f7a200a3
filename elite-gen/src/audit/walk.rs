//! What to audit under the paths given: files alone, and the folders that hold a kustomization
//! used by no other (the roots), to build. A folder is walked with links followed (a loop is
//! skipped), `.gitignore` honoured, hidden files and special files left out.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use elite_core::audit::yaml::{self, Limits};
use elite_core::audit::{InputProblem, Sink, Unreadable};

/// The file names Kustomize reads as a kustomization.
pub const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The largest kustomization file read (a real one is a few kilobytes).
const MAX_KUSTOMIZATION_BYTES: u64 = 1 << 20;

/// A walked input: a file, a folder to build, or standard input.
pub enum Input {
    /// A YAML file, audited alone.
    File(PathBuf),
    /// A folder holding a kustomization, built.
    Build(PathBuf),
    /// Standard input.
    Stdin,
}

/// The kustomization file of `dir`, if it holds one.
pub fn kustomization_of(dir: &Path) -> Option<PathBuf> {
    KUSTOMIZATION_FILES.iter().map(|f| dir.join(f)).find(|p| p.is_file())
}

/// What a kustomization refers to.
#[derive(Debug, Default)]
pub struct References {
    /// Local folders (resources, components, bases).
    pub dirs: Vec<PathBuf>,
    /// Local files (resources, patches).
    pub files: Vec<PathBuf>,
    /// Entries that are not local paths: Kustomize would fetch them (a Git repository, a URL).
    pub remote: Vec<String>,
    /// Local entries that are neither files nor folders (a FIFO would block the build).
    pub special: Vec<PathBuf>,
    /// The kustomization is a `kind: Component`: it is only built as part of another.
    pub component: bool,
}

/// The entries of a kustomization file, read within a small bound.
pub fn references(kustomization: &Path) -> References {
    let dir = kustomization.parent().unwrap_or(Path::new("."));
    let mut out = References::default();
    let Ok(f) = std::fs::File::open(kustomization) else { return out };
    let limits = Limits {
        max_object_bytes: MAX_KUSTOMIZATION_BYTES as usize,
        max_nodes: 100_000,
        max_depth: 32,
        max_documents: 4,
    };
    let mut objects = Vec::new();
    let _ = yaml::read(std::io::Read::take(f, MAX_KUSTOMIZATION_BYTES), &limits, |o| objects.push(o));
    for o in objects {
        out.component |= o.value["kind"] == "Component";
        let mut entries: Vec<String> = Vec::new();
        for key in ["resources", "components", "bases", "patchesStrategicMerge", "crds"] {
            entries.extend(o.value[key].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)));
        }
        for key in ["patches", "patchesJson6902"] {
            entries.extend(
                o.value[key].as_array().into_iter().flatten().filter_map(|v| v["path"].as_str().map(str::to_owned)),
            );
        }
        for e in entries {
            let p = normalize(&dir.join(&e));
            match std::fs::metadata(&p) {
                Ok(m) if m.is_dir() => out.dirs.push(p),
                Ok(m) if m.is_file() => out.files.push(p),
                Ok(_) => out.special.push(p),
                // Kustomize reads an entry that is no local path as a remote one and fetches it.
                Err(_) => out.remote.push(e),
            }
        }
    }
    out
}

/// Why a kustomization is not built: an entry, in it or in one it uses, that Kustomize would
/// fetch from the network, or that is a special file.
pub fn unbuildable(root: &Path) -> Option<String> {
    let mut todo = vec![normalize(root)];
    let mut seen = BTreeSet::new();
    while let Some(dir) = todo.pop() {
        if !seen.insert(dir.clone()) || seen.len() > 10_000 {
            continue;
        }
        let Some(k) = kustomization_of(&dir) else { continue };
        let r = references(&k);
        if let Some(e) = r.remote.first() {
            return Some(format!(
                "{} refers to `{}`, which is not a local file or folder: Kustomize would fetch it, and the audit never fetches (vendor it, or audit with --no-build)",
                k.display(),
                elite_core::names::printable(e)
            ));
        }
        if let Some(p) = r.special.first() {
            return Some(format!("{} refers to {}, which is not a regular file or a folder", k.display(), p.display()));
        }
        todo.extend(r.dirs);
    }
    None
}

/// A path with `.` and `..` resolved lexically.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Whether `p` is named like a YAML file.
pub fn is_yaml(p: &Path) -> bool {
    p.extension().is_some_and(|x| x == "yaml" || x == "yml")
}

fn unreadable(sink: &mut dyn Sink, file: &Path, message: String) {
    sink.unreadable(Unreadable {
        file: file.display().to_string(),
        line: 0,
        problem: InputProblem::Unreadable,
        message,
    });
}

/// What to audit under `paths`; paths that cannot be read are reported to `sink`.
pub fn inputs(paths: &[PathBuf], build: bool, sink: &mut dyn Sink) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input::Stdin);
            continue;
        }
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                unreadable(sink, p, format!("cannot read {}: {e}", p.display()));
                continue;
            }
        };
        if meta.is_file() {
            out.push(Input::File(p.clone()));
            continue;
        }
        if !meta.is_dir() {
            unreadable(sink, p, format!("{} is not a regular file or a folder", p.display()));
            continue;
        }
        out.extend(folder(p, build, sink));
    }
    out
}

/// The inputs of one folder.
fn folder(p: &Path, build: bool, sink: &mut dyn Sink) -> Vec<Input> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut kustomization_dirs: Vec<PathBuf> = Vec::new();
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    for entry in ignore::WalkBuilder::new(p).follow_links(true).require_git(false).build() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                // A link loop is skipped (its files are reached once anyway); an unreadable
                // folder is named.
                if !e.to_string().to_ascii_lowercase().contains("loop") {
                    unreadable(sink, p, elite_core::names::printable(&e.to_string()));
                }
                continue;
            }
        };
        let path = entry.path().to_path_buf();
        let Some(ft) = entry.file_type() else { continue };
        // The same file reached through two links is audited once.
        let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if !seen.insert(canonical) {
            continue;
        }
        if ft.is_dir() {
            if build && kustomization_of(&path).is_some() {
                kustomization_dirs.push(normalize(&path));
            }
        } else if ft.is_file() && is_yaml(&path) {
            files.push(normalize(&path));
        }
    }
    let mut out = Vec::new();
    if kustomization_dirs.is_empty() {
        out.extend(files.into_iter().map(Input::File));
        return out;
    }
    // What the kustomizations use is theirs; the roots (used by no other) are built.
    let mut used_dirs: BTreeSet<PathBuf> = BTreeSet::new();
    let mut used_files: BTreeSet<PathBuf> = BTreeSet::new();
    for d in &kustomization_dirs {
        if let Some(k) = kustomization_of(d) {
            let r = references(&k);
            if r.component {
                // A Component is built only as part of the kustomizations that use it.
                used_dirs.insert(d.clone());
            }
            used_dirs.extend(r.dirs);
            used_files.extend(r.files);
            used_files.insert(normalize(&k));
        }
    }
    for d in &kustomization_dirs {
        if !used_dirs.contains(d) {
            out.push(Input::Build(d.clone()));
        }
    }
    for f in files {
        let in_kustomization = kustomization_dirs.iter().chain(&used_dirs).any(|d| f.starts_with(d));
        if !in_kustomization && !used_files.contains(&f) {
            out.push(Input::File(f));
        }
    }
    out
}
