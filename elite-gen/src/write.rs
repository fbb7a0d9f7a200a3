//! The only module that touches the output folder. The generator owns exactly the files it
//! wrote: each starts with its header, and the folder's manifest (`.elite-generated`) lists them
//! with a hash of what was written. It never writes over, nor deletes, any other file.
//!
//! Under faults, each case has one behaviour:
//! - every file is written to a temporary file (`.<name>.elite-tmp-<pid>`) and renamed, so no
//!   file is ever half-written; a run killed meanwhile leaves a temporary file, which `--check`
//!   reports and the next run removes (under the lock, no other run is writing);
//! - a run holds an exclusive lock on `<out>/.elite.lock` while it writes (a second run waits for
//!   it), and `--check` a shared one;
//! - a generated file whose line endings were turned into CRLF (git `autocrlf`) is the same file;
//! - a symbolic link (or a directory that is one, or a special file) where a generated file goes is
//!   never written through or replaced: the run stops and names it;
//! - a stale file is deleted only when the manifest lists it and it still holds what was written:
//!   a hand copy of a generated file, or a stale file edited by hand, is left alone and named.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use elite_core::render::yaml::{HEADER, LEGACY_HEADERS};

use crate::layout::Tree;

/// The list of generated files, in the output folder.
pub const MANIFEST: &str = ".elite-generated";
/// The lock file, in the output folder.
pub const LOCK: &str = ".elite.lock";
/// The marker of a temporary file.
const TMP_MARKER: &str = ".elite-tmp-";

/// Why the tree could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A file system operation failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// Files the generator did not write are where it wants to write.
    #[error("refusing to write: these paths hold files elite did not write (no `{HEADER}` header), links or special files; move them away:\n  {}", .0.join("\n  "))]
    Blocked(Vec<String>),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io { path: path.to_owned(), source }
}

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
    /// A link or special file sits where the generator wants to write.
    NotAFile(String),
    /// A temporary file of an interrupted run.
    Leftover(String),
    /// A file with the generator's header that the generator did not write (a hand copy).
    Copy(String),
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Missing(p) => write!(f, "missing:  {p}"),
            Drift::Changed(p) => write!(f, "changed:  {p}"),
            Drift::Stale(p) => write!(f, "stale:    {p} (its app is no longer declared)"),
            Drift::NotOurs(p) => write!(f, "blocked:  {p} exists and was not written by elite"),
            Drift::NotAFile(p) => write!(f, "blocked:  {p} is a link or a special file"),
            Drift::Leftover(p) => {
                write!(f, "leftover: {p} (a temporary file of an interrupted run; the next run removes it)")
            }
            Drift::Copy(p) => write!(f, "copy:     {p} has elite's header but elite did not write it (left alone)"),
        }
    }
}

impl Drift {
    /// Whether this difference fails `--check` (a hand copy is reported but is not drift).
    pub fn is_drift(&self) -> bool {
        !matches!(self, Drift::Copy(_))
    }
}

/// What a write did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files written (new or changed).
    pub written: Vec<String>,
    /// Stale files deleted.
    pub deleted: Vec<String>,
    /// Files already up to date.
    pub unchanged: usize,
    /// Temporary files of interrupted runs, removed.
    pub leftovers: Vec<String>,
    /// Stale files left in place (edited by hand since they were written).
    pub kept: Vec<String>,
    /// Hand copies of generated files, left alone.
    pub copies: Vec<String>,
}

/// The header of generated content, whatever its line endings.
fn has_header(bytes: &[u8]) -> bool {
    std::iter::once(HEADER).chain(LEGACY_HEADERS).any(|h| {
        bytes.starts_with(h.as_bytes())
            && matches!(&bytes[h.len().min(bytes.len())..], [b'\n', ..] | [b'\r', b'\n', ..])
    })
}

/// Content with CRLF line endings read as LF.
fn lf(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if bytes.contains(&b'\r') {
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(bytes)
    }
}

/// FNV-1a (64 bits) of content read as LF, hex: what the manifest records.
fn hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in lf(bytes).iter() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

/// The manifest's content for `tree`.
fn manifest_text(tree: &Tree) -> String {
    let mut s = format!("{HEADER}\n# every file elite wrote here, with a hash of its content\n");
    for (path, content) in tree {
        s.push_str(&format!("{} {path}\n", hash(content.as_bytes())));
    }
    s
}

/// The manifest on disk: path → hash.
fn read_manifest(root: &Path) -> BTreeMap<String, String> {
    fs::read_to_string(root.join(MANIFEST))
        .map(|t| {
            t.lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split_once(' '))
                .map(|(h, p)| (p.to_owned(), h.to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// A file found under the output folder.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Found {
    /// Not written by the generator.
    NotOurs,
    /// A link or special file.
    NotAFile,
    /// Generated, with the content `tree` wants.
    Unchanged,
    /// Generated, with other content (or not in `tree` at all); its hash.
    Generated(String),
    /// A temporary file of an interrupted run.
    Leftover,
}

/// Every entry under `root` (relative path → what it is), skipping `src/`, `target/` and hidden
/// folders, and the folders that are links (recorded as such). A file `tree` holds is read whole
/// and compared; any other only for its header.
fn scan(root: &Path, tree: &Tree) -> BTreeMap<String, Found> {
    let mut out = BTreeMap::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let Ok(entries) = fs::read_dir(root.join(&rel)) else { continue };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let rel_path = rel.join(&name);
            let key = rel_path.to_string_lossy().replace('\\', "/");
            let Ok(ft) = e.file_type() else { continue };
            if name.starts_with('.') && name.contains(TMP_MARKER) && ft.is_file() {
                out.insert(key, Found::Leftover);
                continue;
            }
            if ft.is_dir() {
                if !(name.starts_with('.') || (rel.as_os_str().is_empty() && (name == "src" || name == "target"))) {
                    stack.push(rel_path);
                }
            } else if ft.is_file() {
                let found = match tree.get(&key) {
                    Some(want) => match fs::read(e.path()) {
                        Ok(bytes) if !has_header(&bytes) => Found::NotOurs,
                        Ok(bytes) if *lf(&bytes) == *want.as_bytes() => Found::Unchanged,
                        Ok(bytes) => Found::Generated(hash(&bytes)),
                        Err(_) => Found::NotOurs,
                    },
                    None if name.starts_with('.') => continue,
                    None => match fs::read(e.path()) {
                        Ok(bytes) if has_header(&bytes) => Found::Generated(hash(&bytes)),
                        _ => Found::NotOurs,
                    },
                };
                out.insert(key, found);
            } else {
                // A symbolic link (to a file or a folder), a FIFO, a socket, a device.
                out.insert(key, Found::NotAFile);
            }
        }
    }
    out
}

/// Paths of `tree` that cannot be written: a file elite did not write, or a link or special
/// file at the path or at one of its folders.
fn blocked(tree: &Tree, found: &BTreeMap<String, Found>) -> Vec<(String, Drift)> {
    let mut out = Vec::new();
    for rel in tree.keys() {
        if let Some(f) = found.get(rel) {
            match f {
                Found::NotOurs => out.push((rel.clone(), Drift::NotOurs(rel.clone()))),
                Found::NotAFile => out.push((rel.clone(), Drift::NotAFile(rel.clone()))),
                _ => {}
            }
            continue;
        }
        let mut dir = Path::new(rel).parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
            let k = d.to_string_lossy().replace('\\', "/");
            if matches!(found.get(&k), Some(Found::NotAFile | Found::NotOurs)) {
                out.push((rel.clone(), Drift::NotAFile(k)));
                break;
            }
            dir = d.parent();
        }
    }
    out
}

/// What `found` holds that the manifest says elite wrote and `tree` no longer has: stale files,
/// split into those still as written (deletable) and those edited since (kept); and the files
/// with the header elite did not write (copies).
fn stale(
    tree: &Tree,
    found: &BTreeMap<String, Found>,
    manifest: &BTreeMap<String, String>,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let (mut deletable, mut edited, mut copies) = (Vec::new(), Vec::new(), Vec::new());
    for (rel, f) in found {
        let Found::Generated(h) = f else { continue };
        if tree.contains_key(rel) {
            continue;
        }
        match manifest.get(rel) {
            Some(written) if written == h => deletable.push(rel.clone()),
            Some(_) => edited.push(rel.clone()),
            None => copies.push(rel.clone()),
        }
    }
    (deletable, edited, copies)
}

/// A lock on the output folder: exclusive to write, shared to check.
struct Lock(#[allow(dead_code)] fs::File);

fn lock(root: &Path, exclusive: bool) -> Result<Option<Lock>, WriteError> {
    if !root.is_dir() {
        return Ok(None);
    }
    let path = root.join(LOCK);
    let f =
        fs::OpenOptions::new().create(true).truncate(false).read(true).write(true).open(&path).map_err(io(&path))?;
    let busy = if exclusive { f.try_lock().is_err() } else { f.try_lock_shared().is_err() };
    if busy {
        eprintln!("waiting for another elite run writing {}", root.display());
        if exclusive { f.lock() } else { f.lock_shared() }.map_err(io(&path))?;
    }
    Ok(Some(Lock(f)))
}

/// Compares `tree` with the files under `root`, writing nothing.
pub fn check(root: &Path, tree: &Tree) -> Vec<Drift> {
    let _lock = lock(root, false).ok().flatten();
    let found = scan(root, tree);
    let manifest = read_manifest(root);
    let blocked = blocked(tree, &found);
    let blocked_paths: BTreeSet<&String> = blocked.iter().map(|(p, _)| p).collect();
    let mut drift: Vec<Drift> = blocked.iter().map(|(_, d)| d.clone()).collect();
    for rel in tree.keys() {
        match found.get(rel) {
            None if !blocked_paths.contains(rel) => drift.push(Drift::Missing(rel.clone())),
            Some(Found::Generated(_)) => drift.push(Drift::Changed(rel.clone())),
            _ => {}
        }
    }
    let (deletable, edited, copies) = stale(tree, &found, &manifest);
    drift.extend(deletable.into_iter().chain(edited).map(Drift::Stale));
    drift.extend(copies.into_iter().map(Drift::Copy));
    drift.extend(found.iter().filter(|(_, f)| **f == Found::Leftover).map(|(p, _)| Drift::Leftover(p.clone())));
    if !tree.is_empty() && fs::read_to_string(root.join(MANIFEST)).ok().as_deref() != Some(manifest_text(tree).as_str())
    {
        drift.push(if root.join(MANIFEST).exists() {
            Drift::Changed(MANIFEST.into())
        } else {
            Drift::Missing(MANIFEST.into())
        });
    }
    drift.sort();
    drift.dedup();
    drift
}

/// Writes `tree` under `root`: new and changed files atomically, stale generated files deleted,
/// leftovers of interrupted runs removed, the manifest updated. Refuses (before writing
/// anything) when a file it did not write, a link or a special file is in the way.
///
/// Files are not flushed one by one (`fsync`): the tree is regenerated from the declarations at
/// will and `--check` tells any difference, and a flush per file made writing a thousand apps
/// five times slower (see `bench/README.md`). Files are written on every core.
pub fn write(root: &Path, tree: &Tree) -> Result<Summary, WriteError> {
    fs::create_dir_all(root).map_err(io(root))?;
    let _lock = lock(root, true)?;
    let found = scan(root, tree);
    let manifest = read_manifest(root);
    let blocked = blocked(tree, &found);
    if !blocked.is_empty() {
        let mut names: Vec<String> = blocked
            .into_iter()
            .map(|(p, d)| match d {
                Drift::NotAFile(at) if at != p => format!("{at} (a link or special file, on the way to {p})"),
                Drift::NotAFile(at) => format!("{at} (a link or special file)"),
                _ => p,
            })
            .collect();
        names.dedup();
        return Err(WriteError::Blocked(names));
    }
    let mut summary = Summary::default();
    for (rel, f) in &found {
        if *f == Found::Leftover {
            let p = root.join(rel);
            fs::remove_file(&p).map_err(io(&p))?;
            summary.leftovers.push(rel.clone());
        }
    }
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
        fs::create_dir_all(&d).map_err(io(&d))?;
    }
    let results = crate::parallel::map(&todo, |(rel, content)| atomic_write(&root.join(rel), content.as_bytes()));
    results.into_iter().collect::<Result<(), WriteError>>()?;
    summary.written = todo.into_iter().map(|(rel, _)| rel.clone()).collect();
    let (deletable, edited, copies) = stale(tree, &found, &manifest);
    for rel in deletable {
        let path = root.join(&rel);
        fs::remove_file(&path).map_err(io(&path))?;
        remove_empty_parents(root, &path);
        summary.deleted.push(rel);
    }
    summary.kept = edited;
    summary.copies = copies;
    let m = root.join(MANIFEST);
    let text = manifest_text(tree);
    if fs::read_to_string(&m).ok().as_deref() != Some(text.as_str()) {
        atomic_write(&m, text.as_bytes())?;
    }
    Ok(summary)
}

/// Writes files atomically, each replacing only a file that contains one of `markers` (one this
/// generator wrote). Refuses, before writing any, when one is in the way. Unchanged files are
/// not rewritten.
pub fn write_owned(files: &[(PathBuf, String)], markers: &[&str]) -> Result<(), WriteError> {
    let mut blocked = Vec::new();
    for (path, _) in files {
        match fs::symlink_metadata(path) {
            Ok(m) if !m.file_type().is_file() => blocked.push(path.display().to_string()),
            Ok(_) => {
                if let Ok(existing) = fs::read_to_string(path)
                    && !markers.iter().any(|m| existing.contains(m))
                {
                    blocked.push(path.display().to_string());
                }
            }
            Err(_) => {}
        }
    }
    if !blocked.is_empty() {
        return Err(WriteError::Blocked(blocked));
    }
    for (path, content) in files {
        if fs::read(path).is_ok_and(|e| *lf(&e) == *content.as_bytes()) {
            continue;
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io(dir))?;
        }
        atomic_write(path, content.as_bytes())?;
    }
    Ok(())
}

/// Writes `bytes` to a temporary file in `path`'s folder (which must exist), then renames it.
fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}{TMP_MARKER}{}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(io(path))
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
