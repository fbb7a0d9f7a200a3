//! The durability harness: a real S3 server, generated pods run with the real programs, and a
//! workload that writes SQLite rows and logs each commit.
#![allow(dead_code)]

pub mod pod;
pub mod s3;

use std::path::{Path, PathBuf};
use std::time::Duration;

/// The test's stand-in for the app: commits one row every 10 ms to each database of `$DB` (paths
/// separated by spaces; WAL mode, as apps run under Litestream), each with `$PAD` random bytes (200
/// by default), and logs `id time` once row `id` is committed in every database to `$LOG`. It
/// resumes after the lowest highest id of the databases.
pub const WRITER: &str = r#"
import os, sqlite3, time, signal
paths = os.environ["DB"].split()
dbs = []
for p in paths:
    os.makedirs(os.path.dirname(p), exist_ok=True)
    db = sqlite3.connect(p, isolation_level=None, timeout=10)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, at REAL NOT NULL, pad BLOB)")
    dbs.append(db)
# A kill can fall between two databases' commits of one row: resume after the lowest.
i = min(db.execute("SELECT coalesce(max(id), 0) FROM rows").fetchone()[0] for db in dbs)
pad = int(os.environ.get("PAD", "200"))
log = open(os.environ["LOG"], "a", buffering=1)
stop = False
def term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, term)
while not stop:
    i += 1
    at = time.time()
    for db in dbs:
        db.execute("INSERT OR REPLACE INTO rows VALUES (?, ?, randomblob(?))", (i, at, pad))
    log.write(f"{i} {at}\n")
    time.sleep(0.01)
for db in dbs:
    db.close()
"#;

/// Litestream's `sync-interval` in the generated configuration, in seconds.
pub const SYNC_INTERVAL: f64 = 1.0;
/// The most a `kill -9` with the loss of the volume may lose, in seconds of commits: a sync
/// interval, plus the upload of the last sync (measured: 0.05-0.3 s to the local S3; slack for a
/// loaded machine). README, "Durability".
pub const LOSS_BOUND: f64 = SYNC_INTERVAL + 0.5;

/// The commits the writer logged: `(id, unix time)`.
pub fn commits(log: &Path) -> Vec<(i64, f64)> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let (i, t) = l.split_once(' ')?;
            Some((i.parse().ok()?, t.parse().ok()?))
        })
        .collect()
}

/// `sqlite3 DB SQL`, trimmed.
pub fn sqlite(db: &Path, sql: &str) -> String {
    let out = crate::common::tool("sqlite3").arg(db).arg(sql).output().unwrap();
    assert!(out.status.success(), "sqlite3 {}: {}", db.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Polls `f` every 100 ms until it returns `Some`, or fails after `timeout` with `what`.
pub fn wait_for<T>(timeout: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(std::time::Instant::now() < deadline, "timed out after {timeout:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Seconds since the Unix epoch, as the writer logs them.
pub fn now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64()
}

/// The scenarios measure timings on a 2-core machine: one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Holds the machine for one scenario.
pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A small deterministic random sequence (xorshift), seeded from the clock and printed.
pub struct Rng(u64);

impl Rng {
    pub fn new() -> Rng {
        let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
        eprintln!("random seed {seed}");
        Rng(seed)
    }

    /// A number in [0, 1).
    pub fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % 10_000) as f64 / 10_000.0
    }
}

/// One scenario's world: a temporary directory, an S3 server, the app's manifests and the node
/// its pod runs on.
pub struct Setup {
    pub tmp: tempfile::TempDir,
    pub s3: s3::S3,
    pub m: pod::Manifest,
    pub node: pod::Node,
}

impl Setup {
    /// The app of `apps/<folder>` on a node that reaches the S3 server directly.
    pub fn new(folder: &str) -> Setup {
        let mut tmp = tempfile::tempdir().unwrap();
        // ELITE_KEEP_TMP=1 keeps every pod's logs and volumes for a post-mortem.
        tmp.disable_cleanup(std::env::var_os("ELITE_KEEP_TMP").is_some());
        let s3 = s3::S3::start(tmp.path());
        let m = pod::Manifest::load(folder);
        let node = pod::Node::new(&tmp.path().join("node"), s3.endpoint());
        Setup { tmp, s3, m, node }
    }

    /// Puts a proxy between the node and S3, which the test can cut: S3 flapping.
    pub fn through_proxy(&mut self) -> s3::Proxy {
        let proxy = s3::Proxy::start(self.s3.port);
        self.node.endpoint = proxy.endpoint();
        proxy
    }

    /// The host paths of the app's replicated databases (`ELITE_DATABASES` of restore-db).
    pub fn databases(&self) -> Vec<PathBuf> {
        let restore = self.m.container("restore-db").expect("a restore-db container");
        let (_, list) = restore.env.iter().find(|(k, _)| k == "ELITE_DATABASES").expect("ELITE_DATABASES");
        list.split_whitespace().map(|db| self.node.host(&self.m, db)).collect()
    }

    /// Starts the pod with the writer as its main container, writing to every database and logging
    /// its commits to `log`; `env` is added to the writer's.
    pub fn start_writing(&mut self, log: &Path, env: &[(&str, String)]) -> pod::Pod {
        self.try_start_writing(log, env).unwrap_or_else(|e| panic!("the pod did not start: {e:?}"))
    }

    /// [`Setup::start_writing`], which may fail in an init step.
    pub fn try_start_writing(&mut self, log: &Path, env: &[(&str, String)]) -> Result<pod::Pod, pod::InitFailed> {
        let dbs: Vec<String> = self.databases().iter().map(|p| p.to_string_lossy().into_owned()).collect();
        let mut all = vec![("DB", dbs.join(" ")), ("LOG", log.to_string_lossy().into_owned())];
        all.extend(env.iter().cloned());
        self.node.start(&self.m, &["python3", "-c", WRITER], &all)
    }
}
