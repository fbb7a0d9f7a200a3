//! The durability harness: a real S3 server, generated pods run with the real programs, and a
//! workload that writes SQLite rows and logs each commit.
#![allow(dead_code)]

pub mod pod;
pub mod s3;

use std::path::Path;
use std::time::Duration;

/// The test's stand-in for the app: commits one row every 10 ms to `$DB` (WAL mode, as apps run
/// under Litestream), and logs `id time` after each commit to `$LOG`.
pub const WRITER: &str = r#"
import os, sqlite3, time
db = sqlite3.connect(os.environ["DB"], isolation_level=None, timeout=10)
db.execute("PRAGMA journal_mode=WAL")
db.execute("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, at REAL NOT NULL, pad BLOB)")
i = db.execute("SELECT coalesce(max(id), 0) FROM rows").fetchone()[0]
log = open(os.environ["LOG"], "a", buffering=1)
stop = False
import signal
def term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, term)
while not stop:
    i += 1
    at = time.time()
    db.execute("INSERT INTO rows VALUES (?, ?, randomblob(200))", (i, at))
    log.write(f"{i} {at}\n")
    time.sleep(0.01)
db.close()
"#;

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
