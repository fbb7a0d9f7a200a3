//! Helpers shared by the workspace tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use elite_core::{AppSpec, Platform};
use serde_json::Value;

/// The declared apps of the workspace.
pub fn apps() -> Vec<AppSpec> {
    elite_tests::apps()
}

/// Generates the tree of `apps` into `dir` with the real writer.
pub fn generate(apps: &[AppSpec], dir: &Path) -> elite_gen::layout::Tree {
    let tree = elite_gen::layout::tree(apps, &Platform::default()).expect("layout");
    elite_gen::write::write(dir, &tree).expect("write");
    tree
}

/// Runs a tool that `.ci/install-tools` installs; fails the test with a clear message if absent.
pub fn tool(name: &str) -> Command {
    let found =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file())).unwrap_or(false);
    assert!(found, "`{name}` is not on PATH: run `.ci/install-tools` (it installs every tool the tests use)");
    Command::new(name)
}

/// `kubectl kustomize DIR`, parsed into objects.
pub fn kustomize(dir: &Path) -> Vec<Value> {
    let out = tool("kubectl").arg("kustomize").arg(dir).output().expect("run kubectl");
    assert!(
        out.status.success(),
        "kubectl kustomize {} failed:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    parse_yaml_stream(&String::from_utf8(out.stdout).expect("utf-8"))
}

/// Every document of a YAML stream, skipping empty ones.
pub fn parse_yaml_stream(s: &str) -> Vec<Value> {
    let docs: Vec<Value> = serde_saphyr::from_str_multiple(s).expect("valid YAML");
    docs.into_iter().filter(|d| !d.is_null()).collect()
}

/// `Kind/namespace/name` of an object.
pub fn id(v: &Value) -> String {
    let s = |p: &str| v.pointer(p).and_then(Value::as_str).unwrap_or("");
    format!("{}/{}/{}", s("/kind"), s("/metadata/namespace"), s("/metadata/name"))
}

/// The first difference between two values, as `path: left != right`.
pub fn first_difference(path: &str, a: &Value, b: &Value) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<_> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| {
                let p = format!("{path}.{k}");
                match (x.get(k), y.get(k)) {
                    (Some(l), Some(r)) => first_difference(&p, l, r),
                    (l, r) => Some(format!("{p}: {l:?} != {r:?}")),
                }
            })
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(format!("{path}: {} items != {} items", x.len(), y.len()));
            }
            x.iter().zip(y).enumerate().find_map(|(i, (l, r))| first_difference(&format!("{path}[{i}]"), l, r))
        }
        _ if a == b => None,
        _ => Some(format!("{path}: {a} != {b}")),
    }
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf()
}

/// The test fixtures (`tests/fixtures`): hand-written "before" manifests, in the shape of the
/// cluster's Kustomize tree.
pub fn fixtures() -> PathBuf {
    workspace().join("tests/fixtures")
}

/// The vendored CRD schemas (`tests/schemas/crds`).
pub fn crds() -> PathBuf {
    workspace().join("tests/schemas/crds")
}

/// The workspace's platform file, loaded.
pub fn workspace_config() -> elite_gen::config::Workspace {
    elite_gen::config::load(&workspace().join("elite.toml")).expect("elite.toml")
}

/// A throw-away workspace: a folder holding a copy of the platform file. The command line run
/// with `--config <dir>/elite.toml` writes its tree and report under it, never into the checkout.
pub struct TempWorkspace {
    /// The folder.
    pub dir: tempfile::TempDir,
}

impl TempWorkspace {
    /// A new one, with the workspace's `elite.toml`.
    pub fn new() -> TempWorkspace {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::copy(workspace().join("elite.toml"), dir.path().join("elite.toml")).expect("copy elite.toml");
        TempWorkspace { dir }
    }
    /// Its root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }
    /// Its apps folder.
    pub fn apps(&self) -> PathBuf {
        self.dir.path().join("apps")
    }
    /// Runs the command line `elite ARGS` on `apps` in it.
    pub fn run(&self, args: &[&str], apps: Vec<AppSpec>) -> std::process::ExitCode {
        use clap::Parser;
        let config = self.dir.path().join("elite.toml");
        let mut argv = vec!["elite", "--config", config.to_str().expect("utf-8 path")];
        argv.extend_from_slice(args);
        elite_gen::cli::run(&elite_gen::cli::Args::parse_from(argv), apps)
    }
}

/// A small deterministic random sequence (xorshift): seeded tests print their seed, and
/// `ELITE_SEED` replays one.
pub struct Rng(u64);

impl Rng {
    /// Seeded from `ELITE_SEED` when set, else from `default`; prints the seed.
    pub fn from_env(default: u64) -> Rng {
        let seed = std::env::var("ELITE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(default);
        eprintln!("seed {seed} (set ELITE_SEED to change it)");
        Rng(seed | 1)
    }
    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Every entry under `dir`, by relative path: a file's bytes, `<not a file>` for anything else
/// (a link, a FIFO), so a comparison sees it.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let ft = e.file_type().unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            if ft.is_dir() {
                stack.push(e.path());
            } else if ft.is_file() {
                out.insert(rel, std::fs::read(e.path()).unwrap());
            } else {
                out.insert(rel, b"<not a file>".to_vec());
            }
        }
    }
    out
}
