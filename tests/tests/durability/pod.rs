//! Runs a generated pod on this machine as the kubelet does: the init containers in order (an init
//! step must succeed before the next starts; a native sidecar, `restartPolicy: Always`, is started
//! and left running), then the main container; at stop, the main container first and the sidecars
//! after it has exited, in reverse order. Each runs with the command, arguments, environment and files of the manifests that
//! `kubectl kustomize` builds from `apps/`. The only change is where paths point: every mount
//! path of a container is rewritten to a directory of the test (a PVC survives restarts until the
//! test deletes it; an emptyDir and the ConfigMap are fresh at every start).

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common;
use crate::durability::s3;

/// One container of the manifest.
#[derive(Clone, Debug)]
pub struct Container {
    pub name: String,
    /// A native sidecar: an init container with `restartPolicy: Always`.
    pub sidecar: bool,
    /// An exec startupProbe: command, period and failure threshold.
    pub startup: Option<(Vec<String>, u64, u64)>,
    pub command: Vec<String>,
    pub env: Vec<(String, String)>,
    /// Whether it reads the S3 Secret (`envFrom`).
    pub s3_secret: bool,
    /// Mount path → volume name.
    pub mounts: Vec<(String, String)>,
}

/// What a volume is.
#[derive(Clone, Debug)]
pub enum VolumeKind {
    /// Survives restarts (a PVC or NFS).
    Persistent,
    /// Fresh at every start.
    EmptyDir,
    /// The ConfigMap's files.
    ConfigMap(BTreeMap<String, String>),
}

/// A pod as the manifests describe it.
#[derive(Clone, Debug)]
pub struct Manifest {
    pub app: String,
    pub init: Vec<Container>,
    pub containers: Vec<Container>,
    pub volumes: BTreeMap<String, VolumeKind>,
    pub grace_seconds: u64,
}

impl Manifest {
    /// Builds `apps/<folder>/overlays/prod` with the real kustomize and reads the workload and
    /// its ConfigMap.
    pub fn load(folder: &str) -> Manifest {
        let objects = common::kustomize(&common::workspace().join("apps").join(folder).join("overlays/prod"));
        let workload = objects
            .iter()
            .find(|o| matches!(o["kind"].as_str(), Some("Deployment" | "StatefulSet")))
            .expect("a workload");
        let app = workload["metadata"]["name"].as_str().unwrap().to_owned();
        let spec = &workload["spec"]["template"]["spec"];
        let containers = |key: &str| -> Vec<Container> {
            spec[key].as_array().map(|a| a.iter().map(container).collect()).unwrap_or_default()
        };
        let mut volumes = BTreeMap::new();
        for v in spec["volumes"].as_array().unwrap() {
            let name = v["name"].as_str().unwrap().to_owned();
            let kind = if let Some(cm) = v["configMap"]["name"].as_str() {
                let obj = objects
                    .iter()
                    .find(|o| o["kind"] == "ConfigMap" && o["metadata"]["name"] == cm)
                    .unwrap_or_else(|| panic!("ConfigMap {cm} is in the build"));
                let data = obj["data"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                    .collect();
                VolumeKind::ConfigMap(data)
            } else if v.get("emptyDir").is_some() {
                VolumeKind::EmptyDir
            } else {
                VolumeKind::Persistent
            };
            volumes.insert(name, kind);
        }
        Manifest {
            app,
            init: containers("initContainers"),
            containers: containers("containers"),
            volumes,
            grace_seconds: spec["terminationGracePeriodSeconds"].as_u64().unwrap_or(30),
        }
    }

    /// The same pod with only the named containers (init and regular), in order.
    pub fn only(&self, names: &[&str]) -> Manifest {
        let mut m = self.clone();
        m.init.retain(|c| names.contains(&c.name.as_str()));
        m.containers.retain(|c| names.contains(&c.name.as_str()));
        m
    }

    pub fn container(&self, name: &str) -> Option<&Container> {
        self.init.iter().chain(&self.containers).find(|c| c.name == name)
    }

    /// The main container (named like the app).
    pub fn main(&self) -> &Container {
        self.container(&self.app).expect("main container")
    }
}

fn container(c: &Value) -> Container {
    let strings = |v: &Value| -> Vec<String> {
        v.as_array().map(|a| a.iter().map(|s| s.as_str().unwrap().to_owned()).collect()).unwrap_or_default()
    };
    let mut command = strings(&c["command"]);
    if command.is_empty() {
        // The image's entrypoint: the litestream image runs `litestream`.
        command.push(c["image"].as_str().unwrap().split(['/', ':']).rev().nth(1).unwrap().to_owned());
    }
    command.extend(strings(&c["args"]));
    Container {
        name: c["name"].as_str().unwrap().to_owned(),
        sidecar: c["restartPolicy"] == "Always",
        startup: c["startupProbe"]["exec"]["command"].as_array().map(|_| {
            let p = &c["startupProbe"];
            (
                strings(&p["exec"]["command"]),
                p["periodSeconds"].as_u64().unwrap_or(10),
                p["failureThreshold"].as_u64().unwrap_or(3),
            )
        }),
        command,
        env: c["env"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| Some((e["name"].as_str()?.to_owned(), e["value"].as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default(),
        s3_secret: c["envFrom"].as_array().is_some_and(|a| a.iter().any(|e| e.get("secretRef").is_some())),
        mounts: c["volumeMounts"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|m| (m["mountPath"].as_str().unwrap().to_owned(), m["name"].as_str().unwrap().to_owned()))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Rewrites every occurrence of a mount path in `text` that stands as a path (not inside a longer
/// word, as `/config` in `media/sonarr/config` is not) to its directory in the test.
pub fn rebase(text: &str, mounts: &[(String, PathBuf)]) -> String {
    let mut sorted: Vec<&(String, PathBuf)> = mounts.iter().collect();
    sorted.sort_by_key(|(m, _)| std::cmp::Reverse(m.len()));
    let word = |c: char| c.is_ascii_alphanumeric() || "_.-/".contains(c);
    let mut out = String::new();
    let mut i = 0;
    'scan: while i < text.len() {
        let before = text[..i].chars().next_back();
        if before.is_none_or(|c| !word(c)) {
            for (m, host) in &sorted {
                if text[i..].starts_with(m.as_str()) {
                    let after = text[i + m.len()..].chars().next();
                    if after.is_none_or(|c| c == '/' || !word(c)) {
                        out.push_str(&host.to_string_lossy());
                        i += m.len();
                        continue 'scan;
                    }
                }
            }
        }
        let c = text[i..].chars().next().unwrap();
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Where a pod runs: its persistent volumes, its logs, and the S3 endpoint it is given.
pub struct Node {
    pub dir: PathBuf,
    pub endpoint: String,
    /// How many times a failed init step is restarted, a second apart, as the kubelet restarts it
    /// (with a longer back-off); 0 by default: the first failure is the test's answer.
    pub init_retries: u32,
}

/// Numbers the starts of every pod of the test binary (their logs and fresh volumes).
static STARTS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// A started pod.
pub struct Pod {
    pub manifest: Manifest,
    pub run: PathBuf,
    /// The port this pod's Litestream serves metrics on (9090 in the manifests; each pod of the
    /// test gets its own, as each Kubernetes pod has its own network namespace).
    pub metrics_port: u16,
    /// The port this pod's config-syncer serves its metrics on (9091 in the manifests).
    pub syncer_metrics_port: u16,
    /// Volume name → its directory for this start.
    pub volumes: BTreeMap<String, PathBuf>,
    pub running: Vec<(String, Child)>,
}

/// Why a pod did not start.
#[derive(Debug)]
pub struct InitFailed {
    pub container: String,
    pub status: Option<ExitStatus>,
    pub log: String,
}

impl Node {
    pub fn new(dir: &Path, endpoint: String) -> Node {
        std::fs::create_dir_all(dir).unwrap();
        Node { dir: dir.to_owned(), endpoint, init_retries: 0 }
    }

    /// The host path of `path` inside the main container, on a persistent volume.
    pub fn host(&self, m: &Manifest, path: &str) -> PathBuf {
        let mounts: Vec<(String, PathBuf)> = m
            .main()
            .mounts
            .iter()
            .filter(|(_, vol)| matches!(m.volumes[vol], VolumeKind::Persistent))
            .map(|(at, vol)| (at.clone(), self.volume(vol)))
            .collect();
        let host = PathBuf::from(rebase(path, &mounts));
        assert!(host.starts_with(&self.dir), "{path} is on a persistent volume of {}", m.app);
        host
    }

    /// The directory of a persistent volume.
    pub fn volume(&self, name: &str) -> PathBuf {
        self.dir.join("volumes").join(name)
    }

    /// Deletes every persistent volume: the node is gone.
    pub fn lose_volumes(&self) {
        let _ = std::fs::remove_dir_all(self.dir.join("volumes"));
    }

    /// Runs the init containers in order (each must succeed within `init_timeout`), then starts
    /// the other containers; `main` replaces the main container's command (the test's workload),
    /// with `main_env` added.
    pub fn start(&mut self, m: &Manifest, main: &[&str], main_env: &[(&str, String)]) -> Result<Pod, InitFailed> {
        let n = STARTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let run = self.dir.join(format!("run-{n}"));
        std::fs::create_dir_all(&run).unwrap();
        let mut volumes = BTreeMap::new();
        for (name, kind) in &m.volumes {
            let dir = match kind {
                VolumeKind::Persistent => self.volume(name),
                _ => run.join("volumes").join(name),
            };
            std::fs::create_dir_all(&dir).unwrap();
            volumes.insert(name.clone(), dir);
        }
        let (metrics_port, syncer_metrics_port) = (s3::free_port(), s3::free_port());
        let mut pod = Pod { manifest: m.clone(), run, volumes, running: Vec::new(), metrics_port, syncer_metrics_port };
        pod.init(&self.endpoint, self.init_retries)?;
        for c in &m.containers {
            let child = if c.name == m.app {
                pod.spawn(c, &self.endpoint, Some(main), main_env)
            } else {
                pod.spawn(c, &self.endpoint, None, &[])
            };
            pod.running.push((c.name.clone(), child));
        }
        Ok(pod)
    }

    /// Runs only the init steps: what a restart restores, before anything else runs.
    pub fn restore(&mut self, m: &Manifest) -> Result<Pod, InitFailed> {
        let mut steps = m.clone();
        steps.init.retain(|c| !c.sidecar);
        steps.containers.clear();
        self.start(&steps, &[], &[])
    }
}

impl Pod {
    fn init(&mut self, endpoint: &str, retries: u32) -> Result<(), InitFailed> {
        let m = self.manifest.clone();
        let pod = self;
        for c in &m.init {
            let mut child = pod.spawn(c, endpoint, None, &[]);
            let mut left = retries;
            if c.sidecar {
                // The kubelet starts the next init container once the sidecar's startupProbe has
                // succeeded, or at once without one.
                if let Some((probe, period, failures)) = &c.startup {
                    let started = pod.probe_until_success(c, probe, Duration::from_secs(period * failures));
                    pod.running.push((c.name.clone(), child));
                    if !started {
                        return Err(InitFailed { container: c.name.clone(), status: None, log: pod.log(&c.name) });
                    }
                } else {
                    pod.running.push((c.name.clone(), child));
                }
                continue;
            }
            let mut status = wait_timeout(&mut child, Duration::from_secs(120));
            while status.is_some_and(|s| !s.success()) && left > 0 {
                left -= 1;
                std::thread::sleep(Duration::from_secs(1));
                child = pod.spawn(c, endpoint, None, &[]);
                status = wait_timeout(&mut child, Duration::from_secs(120));
            }
            if status.is_none_or(|s| !s.success()) {
                if status.is_none() {
                    kill_group(&child, "KILL");
                }
                return Err(InitFailed { container: c.name.clone(), status, log: pod.log(&c.name) });
            }
        }
        Ok(())
    }

    /// Runs an exec probe of container `c` (rebased like its command) every 200 ms until it
    /// succeeds, or `deadline` passes.
    fn probe_until_success(&self, c: &Container, probe: &[String], deadline: Duration) -> bool {
        let mounts = self.mounts(c);
        let argv: Vec<String> = probe.iter().map(|a| self.localize(a, &mounts)).collect();
        let start = Instant::now();
        while start.elapsed() < deadline {
            let ok = Command::new(&argv[0])
                .args(&argv[1..])
                .env_clear()
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .envs(c.env.iter().map(|(k, v)| (k.clone(), self.localize(v, &mounts))))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return true;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        false
    }

    /// `text` with the container's mount paths rebased and the metrics ports made this pod's.
    fn localize(&self, text: &str, mounts: &[(String, PathBuf)]) -> String {
        let (port, syncer) = (elite_core::platform::METRICS_PORT, elite_core::platform::SYNCER_METRICS_PORT);
        rebase(text, mounts)
            .replace(&format!(":{port}"), &format!(":{}", self.metrics_port))
            .replace(&format!(":{syncer}"), &format!(":{}", self.syncer_metrics_port))
    }

    /// A metric's value as the pod serves it: Litestream's (`syncer` false) or the
    /// config-syncer's; `None` when not served (yet) or absent.
    pub fn metric(&self, syncer: bool, name: &str) -> Option<f64> {
        let (port, path) = if syncer {
            (self.syncer_metrics_port, elite_core::platform::SYNCER_METRICS_PATH)
        } else {
            (self.metrics_port, "/metrics")
        };
        let body = http_get(port, path)?;
        body.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            (series == name || series.starts_with(&format!("{name}{{"))).then(|| value.parse().ok()).flatten()
        })
    }

    /// A container's mounts: mount path → its directory for this start. A ConfigMap volume gets
    /// a directory per container, since its files are written with that container's paths.
    fn mounts(&self, c: &Container) -> Vec<(String, PathBuf)> {
        c.mounts
            .iter()
            .map(|(path, vol)| {
                let dir = match &self.manifest.volumes[vol] {
                    VolumeKind::ConfigMap(_) => self.run.join("configmaps").join(&c.name).join(vol),
                    _ => self.volumes[vol].clone(),
                };
                (path.clone(), dir)
            })
            .collect()
    }

    /// Writes the files of the container's ConfigMap volumes, rebased to its mounts.
    fn write_config_maps(&self, c: &Container, mounts: &[(String, PathBuf)]) {
        for ((_, vol), (_, dir)) in c.mounts.iter().zip(mounts) {
            if let VolumeKind::ConfigMap(files) = &self.manifest.volumes[vol] {
                std::fs::create_dir_all(dir).unwrap();
                for (file, content) in files {
                    std::fs::write(dir.join(file), self.localize(content, mounts)).unwrap();
                }
            }
        }
    }

    /// The host path of a path inside container `name`.
    pub fn path(&self, container: &str, path: &str) -> PathBuf {
        let c = self.manifest.container(container).unwrap();
        PathBuf::from(rebase(path, &self.mounts(c)))
    }

    fn spawn(&self, c: &Container, endpoint: &str, replace: Option<&[&str]>, extra_env: &[(&str, String)]) -> Child {
        let mounts = self.mounts(c);
        self.write_config_maps(c, &mounts);
        let argv: Vec<String> = match replace {
            Some(cmd) => cmd.iter().map(|s| s.to_string()).collect(),
            None => c.command.iter().map(|a| self.localize(a, &mounts)).collect(),
        };
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.run.join(format!("{}.log", c.name)))
            .unwrap();
        let path = std::env::var("PATH").unwrap_or_default();
        let mut cmd = Command::new(&argv[0]);
        cmd.args(&argv[1..])
            .env_clear()
            .env("PATH", path)
            .envs(s3::hygiene())
            .envs(c.env.iter().map(|(k, v)| (k.clone(), self.localize(v, &mounts))))
            .envs(extra_env.iter().map(|(k, v)| (k.to_string(), v.clone())))
            .current_dir(&self.run)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .process_group(0);
        if c.s3_secret {
            cmd.envs(s3::secret_for(endpoint));
        }
        cmd.spawn().unwrap_or_else(|e| panic!("start container {} ({:?}): {e}", c.name, argv[0]))
    }

    /// A container's output so far.
    pub fn log(&self, container: &str) -> String {
        std::fs::read_to_string(self.run.join(format!("{container}.log"))).unwrap_or_default()
    }

    /// Whether a running container has exited, and how.
    pub fn exited(&mut self, container: &str) -> Option<ExitStatus> {
        self.running.iter_mut().find(|(n, _)| n == container).and_then(|(_, c)| c.try_wait().unwrap())
    }

    /// `kill -9` of every process of the pod, at once.
    pub fn kill(mut self) {
        for (_, c) in &self.running {
            kill_group(c, "KILL");
        }
        for (_, c) in &mut self.running {
            let _ = c.wait();
        }
        self.running.clear();
    }

    /// Stops the pod as the kubelet does: SIGTERM to the regular containers; once they have
    /// exited, SIGTERM to the native sidecars in reverse start order, each waited for; SIGKILL to
    /// whatever is left when the grace period ends. Returns how long the stop took.
    pub fn stop(mut self) -> Duration {
        let start = Instant::now();
        let grace = Duration::from_secs(self.manifest.grace_seconds);
        let sidecars: Vec<String> = self.manifest.init.iter().filter(|c| c.sidecar).map(|c| c.name.clone()).collect();
        let (mut side, mut regular): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.running).into_iter().partition(|(n, _)| sidecars.contains(n));
        // The kubelet signals a container's PID 1 only: here, the process that leads its group.
        for (_, c) in &regular {
            kill_leader(c, "TERM");
        }
        for (_, c) in &mut regular {
            wait_timeout(c, grace.saturating_sub(start.elapsed()));
        }
        side.reverse();
        for (_, c) in &mut side {
            kill_leader(c, "TERM");
            wait_timeout(c, grace.saturating_sub(start.elapsed()));
        }
        // Past the grace period, or leftovers of a container's process group (a shell's children):
        // the kubelet's SIGKILL.
        for (_, c) in regular.iter_mut().chain(&mut side) {
            kill_group(c, "KILL");
            let _ = c.wait();
        }
        start.elapsed()
    }
}

impl Drop for Pod {
    fn drop(&mut self) {
        for (_, c) in &mut self.running {
            kill_group(c, "KILL");
            let _ = c.wait();
        }
    }
}

/// `GET path` on 127.0.0.1:`port`: the body, or `None`.
pub fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    c.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(c, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut out = String::new();
    c.read_to_string(&mut out).ok()?;
    let (head, body) = out.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.").then_some(())?;
    head.split_whitespace().nth(1).filter(|code| *code == "200")?;
    Some(body.to_owned())
}

/// Sends `signal` to `child` alone.
fn kill_leader(child: &Child, signal: &str) {
    let _ = Command::new("kill").arg(format!("-{signal}")).arg(child.id().to_string()).status();
}

/// Sends `signal` to the process group of `child`.
fn kill_group(child: &Child, signal: &str) {
    let _ = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg("--")
        .arg(format!("-{}", child.id()))
        .stderr(std::process::Stdio::null())
        .status();
}

fn wait_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return Some(s);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
