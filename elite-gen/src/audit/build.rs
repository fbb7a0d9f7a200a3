//! Building a kustomization for the audit, as kube-linter and checkov do, with every finding on a
//! built object mapped back to the file and line that produced it (Kustomize's origin and
//! transformer annotations, asked for through a throw-away wrapper kustomization).
//!
//! The build treats the folder as hostile: Kustomize's default load restrictor (no file outside
//! a kustomization's root), nothing fetched (an entry that is no local path is refused before
//! the build, and the build runs with Git and HTTP pointed at a closed loopback port), a deadline
//! (a FIFO or a slow file cannot hang the audit), and a bound on the output it reads.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use elite_core::Pointer;
use elite_core::audit::yaml::{self, Limits};
use elite_core::audit::{InputProblem, Sink, Unreadable, object_into};

use super::Options;
use super::walk::{normalize, references, unbuildable};

/// The most of Kustomize's error output kept for the message.
const MAX_STDERR: u64 = 16 << 10;

/// The command that builds a kustomization: `kustomize build`, else `kubectl kustomize`.
fn kustomize() -> Option<Command> {
    let on_path = |name: &str| {
        std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
    };
    let mut c = if on_path("kustomize") {
        let mut c = Command::new("kustomize");
        c.arg("build");
        c
    } else if on_path("kubectl") {
        let mut c = Command::new("kubectl");
        c.arg("kustomize");
        c
    } else {
        return None;
    };
    // Nothing is fetched: Git allows no protocol, HTTP goes to a closed loopback port.
    let closed = "http://127.0.0.1:9";
    for var in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"] {
        c.env(var, closed);
    }
    c.env_remove("NO_PROXY").env_remove("no_proxy");
    c.env("GIT_ALLOW_PROTOCOL", "none").env("GIT_TERMINAL_PROMPT", "0").env("GIT_SSH_COMMAND", "false");
    c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    Some(c)
}

/// `to` relative to `from` (both absolute).
fn relative(from: &Path, to: &Path) -> PathBuf {
    let (f, t): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c.as_os_str());
    }
    out
}

/// The objects of a file the build read, for line lookups.
struct Source {
    objects: Vec<yaml::Object>,
    /// The text, for inline patches (kustomization files only; others are not kept).
    text: String,
}

impl Source {
    fn load(path: &Path, limits: &Limits) -> Source {
        let mut objects = Vec::new();
        let mut text = String::new();
        if let Ok(f) = std::fs::File::open(path) {
            let _ = yaml::read(f.take(limits.max_object_bytes as u64), limits, |o| objects.push(o));
        }
        if path.file_name().is_some_and(|n| super::walk::KUSTOMIZATION_FILES.iter().any(|k| n == *k))
            && let Ok(f) = std::fs::File::open(path)
        {
            let _ = f.take(1 << 20).read_to_string(&mut text);
        }
        Source { objects, text }
    }
    fn object(&self, kind: &str, name: &str) -> Option<&yaml::Object> {
        self.objects.iter().find(|o| o.value["kind"] == kind && o.value["metadata"]["name"] == name)
    }
}

/// Where a built object came from, read from its annotations (paths resolved from the wrapper).
struct Provenance {
    /// The file that declared it.
    origin: Option<PathBuf>,
    /// Patch files applied to it.
    patch_files: Vec<PathBuf>,
    /// The kustomizations of the patches applied to it, in order (inline patches live there).
    patched_in: Vec<PathBuf>,
}

fn provenance(value: &serde_json::Value, wrapper: &Path) -> Provenance {
    let small = Limits { max_object_bytes: 1 << 20, max_nodes: 10_000, max_depth: 16, max_documents: 2 };
    let meta = &value["metadata"]["annotations"];
    let origin = meta["config.kubernetes.io/origin"].as_str().and_then(|o| {
        let (objs, _) = yaml::objects(o, &small);
        objs.first().and_then(|v| v.value["path"].as_str().map(|p| normalize(&wrapper.join(p))))
    });
    let transformations: Vec<serde_json::Value> = meta["alpha.config.kubernetes.io/transformations"]
        .as_str()
        .map(|t| yaml::objects(t, &small).0)
        .into_iter()
        .flatten()
        .flat_map(|o| o.value.as_array().cloned().unwrap_or_default())
        .collect();
    let configured_in = |t: &serde_json::Value| t["configuredIn"].as_str().map(|p| normalize(&wrapper.join(p)));
    let patched_in = transformations
        .iter()
        .filter(|t| t["configuredBy"]["kind"].as_str().is_some_and(|k| k.starts_with("Patch")))
        .filter_map(configured_in)
        .collect();
    let patch_files = transformations
        .iter()
        .filter_map(configured_in)
        .flat_map(|k| references(&k).files)
        .filter(|f| super::walk::is_yaml(f))
        .collect();
    Provenance { origin, patch_files, patched_in }
}

/// Where a field of the built object is in a source object.
enum Translated {
    /// At this pointer.
    Found(Pointer),
    /// Not there; the pointer of its nearest ancestor that is.
    Missing(Pointer),
    /// Inside a named list item (a container) the source does not have: a patch added it.
    NewItem(String),
}

/// `pointer` into the built object, translated into the `source` object it came from: list
/// items that have a `name` are matched by name, not position (patches add and reorder them).
fn translate(built: &serde_json::Value, source: &serde_json::Value, pointer: &Pointer) -> Translated {
    let (mut b, mut s, mut out) = (built, source, Pointer::root());
    for token in pointer.tokens() {
        let next = match (b, s) {
            (serde_json::Value::Array(bs), serde_json::Value::Array(ss)) => {
                let Some(item) = token.parse::<usize>().ok().and_then(|i| bs.get(i)) else {
                    return Translated::Missing(out);
                };
                match item.get("name").and_then(|n| n.as_str()) {
                    Some(n) => match ss.iter().position(|x| x.get("name").and_then(|m| m.as_str()) == Some(n)) {
                        Some(i) => Some((item, &ss[i], i.to_string())),
                        None => return Translated::NewItem(n.to_owned()),
                    },
                    None => {
                        token.parse::<usize>().ok().filter(|i| *i < ss.len()).map(|i| (item, &ss[i], i.to_string()))
                    }
                }
            }
            (serde_json::Value::Object(bm), serde_json::Value::Object(sm)) => match (bm.get(&token), sm.get(&token)) {
                (Some(x), Some(y)) => Some((x, y, token.clone())),
                _ => None,
            },
            _ => None,
        };
        let Some((nb, ns, t)) = next else { return Translated::Missing(out) };
        (b, s, out) = (nb, ns, out.push(t));
    }
    Translated::Found(out)
}

/// The line of a list item named `name` in a kustomization's inline patches, if one adds it.
fn named_item_line(text: &str, name: &str) -> Option<usize> {
    let quoted = [format!("name: {name}"), format!("name: \"{name}\""), format!("name: '{name}'")];
    text.lines()
        .position(|l| {
            let l = l.trim_start().trim_start_matches("- ").trim_end();
            quoted.iter().any(|q| l == q)
        })
        .map(|i| i + 1)
}

/// The kustomization whose inline patch set the field at `pointer` (of those that patched the
/// object, the one that names the deepest key of the pointer), and the line of that key in it.
fn inline_patch<'a>(
    kustomizations: &'a [PathBuf],
    sources: &BTreeMap<PathBuf, Source>,
    pointer: &Pointer,
) -> Option<(&'a PathBuf, usize)> {
    let keys: Vec<String> = pointer.tokens().filter(|t| t.parse::<usize>().is_err()).collect();
    let mut best: Option<(usize, &PathBuf, usize)> = None;
    for k in kustomizations.iter().rev() {
        let Some(text) = sources.get(k).map(|s| &s.text) else { continue };
        for (depth, key) in keys.iter().enumerate().rev() {
            if best.is_some_and(|(d, ..)| d >= depth) {
                break;
            }
            let found = text.lines().position(|l| {
                let l = l.trim_start().trim_start_matches("- ");
                l.starts_with(&format!("{key}:"))
                    || l.starts_with(&format!("\"{key}\":"))
                    || l.contains(&format!("/{key}"))
            });
            if let Some(line) = found {
                best = Some((depth, k, line + 1));
                break;
            }
        }
    }
    best.map(|(_, k, line)| (k, line)).or_else(|| {
        let k = kustomizations.last()?;
        let line =
            sources.get(k).and_then(|s| s.objects.first()).map_or(0, |o| o.line_of(&elite_core::pointer!("patches")));
        Some((k, line))
    })
}

/// How a build ended.
enum Ended {
    Done(std::process::ExitStatus),
    TimedOut,
    Failed(std::io::Error),
}

/// Builds the kustomization in `dir` and sends what it builds to `sink`; the problem when it
/// cannot be built (the caller reports it).
pub fn build(dir: &Path, options: &Options, sink: &mut dyn Sink) -> Result<(), Unreadable> {
    let shown = dir.display().to_string();
    let fail =
        |message: String| Err(Unreadable { file: shown.clone(), line: 0, problem: InputProblem::Build, message });
    if let Some(why) = unbuildable(dir) {
        return fail(why);
    }
    let Some(mut cmd) = kustomize() else {
        return fail(format!(
            "{shown} holds a kustomization: building it needs `kustomize` or `kubectl` on PATH (or audit its files alone with --no-build)"
        ));
    };
    let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
    let wrapper = match tempfile::tempdir() {
        Ok(w) => w,
        Err(e) => return fail(format!("cannot create a temporary folder: {e}")),
    };
    let wrap = std::fs::canonicalize(wrapper.path()).unwrap_or_else(|_| wrapper.path().to_owned());
    let target = relative(&wrap, &abs);
    let k = format!(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- {}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n",
        serde_json::to_string(&target.to_string_lossy()).unwrap_or_default()
    );
    if let Err(e) = std::fs::write(wrap.join("kustomization.yaml"), k) {
        return fail(format!("cannot write a temporary kustomization: {e}"));
    }
    let mut child = match cmd.arg(&wrap).spawn() {
        Ok(c) => c,
        Err(e) => return fail(format!("cannot run kustomize: {e}")),
    };
    let (Some(stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
        let _ = child.kill();
        return fail("cannot read kustomize's output".into());
    };
    // Kustomize's errors, bounded, drained so that it never blocks on them.
    let errors = std::thread::spawn(move || {
        let mut kept = Vec::new();
        let _ = (&mut stderr).take(MAX_STDERR).read_to_end(&mut kept);
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        String::from_utf8_lossy(&kept).into_owned()
    });
    // The deadline: a build still running when it passes is killed, and so is one whose output
    // is no longer read (a limit was reached).
    let (done, reading) = mpsc::channel::<bool>();
    let timeout = options.build_timeout;
    let watchdog = std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + timeout;
        match reading.recv_timeout(timeout) {
            Ok(true) => {}
            Ok(false) | Err(_) => {
                let _ = child.kill();
            }
        }
        loop {
            match child.try_wait() {
                Ok(Some(status)) if std::time::Instant::now() <= deadline => return Ended::Done(status),
                Ok(Some(_)) => return Ended::TimedOut,
                Ok(None) if std::time::Instant::now() > deadline => {
                    let _ = child.kill();
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => return Ended::Failed(e),
            }
        }
    });

    let mut sources: BTreeMap<PathBuf, Source> = BTreeMap::new();
    let cwd =
        if dir.is_relative() { std::env::current_dir().ok().and_then(|c| std::fs::canonicalize(c).ok()) } else { None };
    let display = |p: &Path| -> String {
        // A source file as the user named the folder: `<dir>/<relative to it>`; outside it,
        // relative to the current folder when the folder was named relatively.
        match (p.strip_prefix(&abs), &cwd) {
            (Ok(rel), _) => dir.join(rel).display().to_string(),
            (Err(_), Some(c)) => relative(c, p).display().to_string(),
            (Err(_), None) => p.display().to_string(),
        }
    };
    let mut objects = 0usize;
    let bounded = Bounded { inner: stdout, left: options.max_build_bytes };
    let result = yaml::read(bounded, &options.limits, |object| {
        objects += 1;
        let Provenance { origin, patch_files, patched_in } = provenance(&object.value, &wrap);
        let kind = object.value["kind"].as_str().unwrap_or_default().to_owned();
        let name = object.value["metadata"]["name"].as_str().unwrap_or_default().to_owned();
        for p in origin.iter().chain(&patch_files).chain(&patched_in) {
            sources.entry(p.clone()).or_insert_with(|| Source::load(p, &options.limits));
        }
        let origin_file = origin.as_ref().map_or_else(|| shown.clone(), |o| display(o));
        let locate = |pointer: &Pointer| -> (String, usize) {
            // The field in its origin file, else in a patch file that sets it; a container a
            // patch added: where the patch names it; a field the build has but no file holds
            // came from an inline patch: the kustomization that holds it; a field the build
            // lacks: the nearest field of the origin that would hold it.
            let mut new_item = None;
            for p in origin.iter().chain(&patch_files) {
                let Some(o) = sources.get(p).and_then(|s| s.object(&kind, &name)) else { continue };
                match translate(&object.value, &o.value, pointer) {
                    Translated::Found(t) => return (display(p), o.line_of(&t)),
                    Translated::NewItem(n) => new_item = new_item.or(Some(n)),
                    Translated::Missing(_) => {}
                }
            }
            if let Some(n) = &new_item {
                for k in patched_in.iter().rev() {
                    if let Some(line) = sources.get(k).and_then(|s| named_item_line(&s.text, n)) {
                        return (display(k), line);
                    }
                }
            }
            if object.value.pointer(pointer.as_str()).is_some()
                && let Some((k, line)) = inline_patch(&patched_in, &sources, pointer)
            {
                return (display(k), line);
            }
            let nearest =
                origin.as_ref().and_then(|o| sources.get(o)).and_then(|s| s.object(&kind, &name)).map_or(0, |o| {
                    match translate(&object.value, &o.value, pointer) {
                        Translated::Found(t) | Translated::Missing(t) => o.line_of(&t),
                        Translated::NewItem(_) => o.line_of(&elite_core::pointer!("spec", "template", "spec")),
                    }
                });
            (origin_file.clone(), nearest)
        };
        object_into(sink, &origin_file, &object, &locate);
    });
    let _ = done.send(result.is_ok());
    let ended =
        watchdog.join().unwrap_or_else(|_| Ended::Failed(std::io::Error::other("the build's watchdog panicked")));
    let stderr = errors.join().unwrap_or_default();
    match ended {
        Ended::TimedOut => {
            return fail(format!(
                "kustomize did not finish building {shown} within {} s (a FIFO or a very slow file?); raise --build-timeout if the build is just large",
                timeout.as_secs()
            ));
        }
        Ended::Failed(e) => return fail(format!("cannot run kustomize: {e}")),
        Ended::Done(status) if !status.success() && result.is_ok() => {
            let err = stderr
                .trim()
                .trim_start_matches("Error: ")
                .trim_start_matches("error: ")
                .replace(&wrap.display().to_string(), &shown);
            return fail(format!("kustomize cannot build {shown}: {}", elite_core::names::printable_max(&err, 600)));
        }
        Ended::Done(_) => {}
    }
    if let Err(e) = result {
        let problem = if matches!(e.kind, yaml::YamlErrorKind::Syntax(_) | yaml::YamlErrorKind::DuplicateKey { .. }) {
            InputProblem::Syntax
        } else {
            InputProblem::Limit
        };
        return Err(Unreadable {
            file: shown.clone(),
            line: e.line,
            problem,
            message: format!("the build of {shown} ({objects} objects read): {e}"),
        });
    }
    Ok(())
}

/// A reader that fails, rather than ends, past `left` bytes: a truncated build must not read as
/// a shorter, valid one.
struct Bounded<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::other("the build's output exceeds the limit of --max-build-size bytes")),
            };
        }
        let want = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}
