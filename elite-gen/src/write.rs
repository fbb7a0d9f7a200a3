//! The only module that touches the file system. The generator owns exactly the files that
//! start with its header: it never writes over, nor deletes, any other file. Every write goes to
//! a temporary file that is then renamed, so no file is ever half-written.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use elite_core::render::yaml::HEADER;

use crate::layout::Tree;

/// A difference between the tree on disk and the tree the declarations produce.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Drift {
    /// A generated file is missing.
    Missing(String),
    /// A generated file was edited.
    Changed(String),
    /// A generated file no longer corresponds to any declaration.
    Stale(String),
    /// A file the generator did not write sits where it wants to write.
    NotOurs(String),
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Missing(p) => write!(f, "missing: {p}"),
            Drift::Changed(p) => write!(f, "changed: {p}"),
            Drift::Stale(p) => write!(f, "stale:   {p} (its app is no longer declared)"),
            Drift::NotOurs(p) => write!(f, "blocked: {p} exists and was not written by elite-gen"),
        }
    }
}

/// What a write did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub written: Vec<String>,
    pub deleted: Vec<String>,
    pub unchanged: usize,
}

fn starts_with_header(bytes: &[u8]) -> bool {
    bytes.starts_with(HEADER.as_bytes()) && bytes.get(HEADER.len()) == Some(&b'\n')
}

fn is_generated(path: &Path) -> bool {
    let Ok(mut f) = fs::File::open(path) else {
        return false;
    };
    let mut buf = vec![0u8; HEADER.len() + 1];
    let mut read = 0;
    while read < buf.len() {
        match std::io::Read::read(&mut f, &mut buf[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
    buf.truncate(read);
    starts_with_header(&buf)
}

/// A file found under the output folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Found {
    /// Not written by the generator.
    NotOurs,
    /// Generated, with the content `tree` wants.
    Unchanged,
    /// Generated, with other content (or not in `tree` at all: stale).
    Generated,
}

/// Every file under `root` (relative path → what it is), skipping `src/`, `target/` and hidden
/// folders, in one walk: a file `tree` holds is read whole and compared; any other only for its
/// header. Files that are not found need no system call later.
fn scan(root: &Path, tree: &Tree) -> BTreeMap<String, Found> {
    let mut out = BTreeMap::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let Ok(entries) = fs::read_dir(root.join(&rel)) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let rel_path = rel.join(&name);
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                if !(name.starts_with('.') || (rel.as_os_str().is_empty() && (name == "src" || name == "target"))) {
                    stack.push(rel_path);
                }
            } else if ft.is_file() {
                let key = rel_path.to_string_lossy().replace('\\', "/");
                let found = match tree.get(&key) {
                    Some(want) => match fs::read(e.path()) {
                        Ok(bytes) if !starts_with_header(&bytes) => Found::NotOurs,
                        Ok(bytes) if bytes == want.as_bytes() => Found::Unchanged,
                        Ok(_) => Found::Generated,
                        Err(_) => Found::NotOurs,
                    },
                    None if is_generated(&e.path()) => Found::Generated,
                    None => Found::NotOurs,
                };
                out.insert(key, found);
            }
        }
    }
    out
}

/// Compares `tree` with the files under `root`, writing nothing.
pub fn check(root: &Path, tree: &Tree) -> Vec<Drift> {
    let found = scan(root, tree);
    let mut drift = Vec::new();
    for rel in tree.keys() {
        match found.get(rel) {
            None => drift.push(Drift::Missing(rel.clone())),
            Some(Found::NotOurs) => drift.push(Drift::NotOurs(rel.clone())),
            Some(Found::Generated) => drift.push(Drift::Changed(rel.clone())),
            Some(Found::Unchanged) => {}
        }
    }
    for (rel, f) in &found {
        if *f != Found::NotOurs && !tree.contains_key(rel) {
            drift.push(Drift::Stale(rel.clone()));
        }
    }
    drift.sort();
    drift
}

/// Writes `tree` under `root`: new and changed files atomically, stale generated files deleted.
/// Refuses (before writing anything) when a file it did not generate is in the way.
///
/// Each file is written to a temporary file renamed over its path: a reader, or a run that is
/// interrupted, never sees half a file. Files are not flushed one by one (`fsync`): the tree is
/// regenerated from the declarations at will and `--check` tells any difference, and a flush per
/// file made writing a thousand apps five times slower (see `bench/README.md`). Files are written
/// on every core ([`crate::parallel`]).
pub fn write(root: &Path, tree: &Tree) -> Result<Summary, String> {
    let found = scan(root, tree);
    let blocked: Vec<String> =
        tree.keys().filter(|rel| found.get(*rel) == Some(&Found::NotOurs)).cloned().collect();
    if !blocked.is_empty() {
        return Err(format!(
            "refusing to write: these files exist and were not written by elite-gen (no `{HEADER}` header); move them away:\n  {}",
            blocked.join("\n  ")
        ));
    }
    let mut summary = Summary::default();
    let mut todo: Vec<(&String, &String)> = Vec::new();
    for (rel, content) in tree {
        if found.get(rel) == Some(&Found::Unchanged) {
            summary.unchanged += 1;
        } else {
            todo.push((rel, content));
        }
    }
    let dirs: BTreeSet<&Path> = todo.iter().filter_map(|(rel, _)| Path::new(rel.as_str()).parent()).collect();
    for d in dirs {
        let d = root.join(d);
        fs::create_dir_all(&d).map_err(|e| format!("{}: {e}", d.display()))?;
    }
    let results = crate::parallel::map(&todo, |(rel, content)| {
        let path = root.join(rel);
        atomic_write(&path, content.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))
    });
    results.into_iter().collect::<Result<(), String>>()?;
    summary.written = todo.into_iter().map(|(rel, _)| rel.clone()).collect();
    for (rel, f) in found {
        if f != Found::NotOurs && !tree.contains_key(&rel) {
            let path = root.join(&rel);
            fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            remove_empty_parents(root, &path);
            summary.deleted.push(rel);
        }
    }
    Ok(summary)
}

/// Writes files atomically, each replacing only a file that contains `marker` (one this
/// generator wrote). Refuses, before writing any, when one is in the way. Unchanged files are
/// not rewritten.
pub fn write_owned(files: &[(PathBuf, String)], marker: &str) -> Result<(), String> {
    for (path, _) in files {
        if let Ok(existing) = fs::read_to_string(path)
            && !existing.contains(marker)
        {
            return Err(format!(
                "{}: exists and was not written by elite-gen (no `{marker}`); move it away",
                path.display()
            ));
        }
    }
    for (path, content) in files {
        if fs::read_to_string(path).is_ok_and(|e| &e == content) {
            continue;
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        atomic_write(path, content.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Writes `bytes` to a temporary file in `path`'s folder (which must exist), then renames it.
fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().expect("generated paths have a parent");
    let tmp = dir.join(format!(
        ".{}.elite-tmp-{}",
        path.file_name().expect("file name").to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Removes the folders that deleting `file` left empty, up to `root`.
fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}
