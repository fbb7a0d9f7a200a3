//! A real S3 server (moto) on 127.0.0.1, started and stopped by the test, and rclone as the
//! harness's own S3 client for assertions.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common;

pub const BUCKET: &str = "elite-test";
pub const ACCESS_KEY: &str = "elite-test-key";
pub const SECRET_KEY: &str = "elite-test-secret";

/// A moto S3 server on a free loopback port.
pub struct S3 {
    child: Child,
    pub port: u16,
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl S3 {
    /// Starts the server, waits until it accepts connections, and creates the bucket.
    pub fn start(log_dir: &Path) -> S3 {
        let port = free_port();
        let log = std::fs::File::create(log_dir.join("moto.log")).unwrap();
        let child = common::tool("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .envs(hygiene())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start moto_server");
        let s3 = S3 { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "moto_server did not listen on 127.0.0.1:{port}");
            std::thread::sleep(Duration::from_millis(100));
        }
        let out = s3.rclone(["mkdir", &format!("s3:{BUCKET}")]).output().unwrap();
        assert!(out.status.success(), "create bucket: {}", String::from_utf8_lossy(&out.stderr));
        s3
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The keys of the app's `<app>-s3-credentials` Secret, as Infisical fills it.
    pub fn secret(&self) -> Vec<(String, String)> {
        secret_for(&self.endpoint())
    }

    /// rclone configured for this server (the harness's client, not the pod's).
    pub fn rclone<I: IntoIterator<Item = S>, S: AsRef<std::ffi::OsStr>>(&self, args: I) -> Command {
        let mut c = common::tool("rclone");
        c.args(args).envs(hygiene()).env_remove("AWS_CA_BUNDLE").envs([
            ("RCLONE_CONFIG_S3_TYPE", "s3".to_owned()),
            ("RCLONE_CONFIG_S3_PROVIDER", "Other".to_owned()),
            ("RCLONE_CONFIG_S3_ACCESS_KEY_ID", ACCESS_KEY.to_owned()),
            ("RCLONE_CONFIG_S3_SECRET_ACCESS_KEY", SECRET_KEY.to_owned()),
            ("RCLONE_CONFIG_S3_ENDPOINT", self.endpoint()),
            ("RCLONE_CONFIG_S3_FORCE_PATH_STYLE", "true".to_owned()),
        ]);
        c
    }

    /// Every object under `prefix` of the bucket, with its size, sorted.
    pub fn objects(&self, prefix: &str) -> Vec<(String, u64)> {
        let out = self
            .rclone(["lsf", "-R", "--files-only", "--format", "ps", "--separator", "\t"])
            .arg(format!("s3:{BUCKET}/{prefix}"))
            .output()
            .unwrap();
        if !out.status.success() {
            // A prefix with no objects is "directory not found" for rclone.
            return Vec::new();
        }
        let mut v: Vec<(String, u64)> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('\t').map(|(p, s)| (p.to_owned(), s.parse().unwrap_or(0))))
            .collect();
        v.sort();
        v
    }

    /// Whether the object `key` exists.
    pub fn has(&self, key: &str) -> bool {
        let (dir, name) = key.rsplit_once('/').unwrap_or(("", key));
        self.objects(&format!("{dir}/")).iter().any(|(k, _)| k == name)
    }

    /// The content of one object.
    pub fn cat(&self, key: &str) -> Option<String> {
        let out = self.rclone(["cat"]).arg(format!("s3:{BUCKET}/{key}")).output().unwrap();
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Restores the Litestream replica under `prefix` to `out` with the real `litestream
    /// restore`, straight from this server (the harness's view, never through a proxy); whether
    /// there was something to restore. A restore that fails, or takes more than 30 s against a
    /// server that answers, fails the test.
    pub fn restore(&self, prefix: &str, out: &Path) -> bool {
        let url = format!("s3://{BUCKET}/{prefix}?endpoint={}", self.endpoint());
        let done = common::tool("timeout")
            .args(["30", "litestream", "restore", "-if-replica-exists", "-o"])
            .arg(out)
            .arg(url)
            .envs(hygiene())
            .env_remove("AWS_CA_BUNDLE")
            .output()
            .unwrap();
        assert!(done.status.success(), "litestream restore of {prefix}: {}", String::from_utf8_lossy(&done.stderr));
        out.exists()
    }

    /// Uploads `content` as `key`.
    pub fn put(&self, key: &str, content: &str) {
        let mut child = self.rclone(["rcat"]).arg(format!("s3:{BUCKET}/{key}")).stdin(Stdio::piped()).spawn().unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(content.as_bytes()).unwrap();
        assert!(child.wait().unwrap().success(), "upload {key}");
    }
}

/// The Secret's keys for an S3 endpoint.
pub fn secret_for(endpoint: &str) -> Vec<(String, String)> {
    vec![
        ("LITESTREAM_ACCESS_KEY_ID".into(), ACCESS_KEY.into()),
        ("LITESTREAM_SECRET_ACCESS_KEY".into(), SECRET_KEY.into()),
        ("LITESTREAM_ENDPOINT".into(), endpoint.into()),
        ("LITESTREAM_BUCKET".into(), BUCKET.into()),
    ]
}

/// Environment every process of these tests gets: explicit credentials, and no cloud metadata
/// lookup, so nothing ever leaves 127.0.0.1.
pub fn hygiene() -> Vec<(&'static str, String)> {
    vec![
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY.into()),
        ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.into()),
        ("AWS_REGION", "us-east-1".into()),
        ("NO_PROXY", "127.0.0.1".into()),
    ]
}

impl Drop for S3 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A TCP proxy on a loopback port in front of the S3 server, which the test can cut and restore:
/// S3 flapping, as a network partition makes it, without losing the server's data.
pub struct Proxy {
    pub port: u16,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    connections: std::sync::Arc<std::sync::Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    /// A proxy to 127.0.0.1:`target`, up.
    pub fn start(target: u16) -> Proxy {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::{Arc, Mutex};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let connections: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (u, conns) = (up.clone(), connections.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if !u.load(Ordering::SeqCst) {
                    // Down: refuse, as a closed port does.
                    let _ = client.shutdown(std::net::Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else { continue };
                conns.lock().unwrap().extend([client.try_clone().unwrap(), server.try_clone().unwrap()]);
                for (mut from, mut to) in [(client.try_clone().unwrap(), server.try_clone().unwrap()), (server, client)]
                {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(std::net::Shutdown::Write);
                    });
                }
            }
        });
        Proxy { port, up, connections }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Cuts every connection and refuses new ones.
    pub fn cut(&self) {
        self.up.store(false, std::sync::atomic::Ordering::SeqCst);
        for c in self.connections.lock().unwrap().drain(..) {
            let _ = c.shutdown(std::net::Shutdown::Both);
        }
    }

    /// Lets connections through again.
    pub fn restore(&self) {
        self.up.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A loopback port that accepts connections and never answers: S3 behind a partition that drops
/// replies.
pub struct BlackHole {
    pub port: u16,
}

impl BlackHole {
    pub fn start() -> BlackHole {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for c in listener.incoming().flatten() {
                held.push(c);
            }
        });
        BlackHole { port }
    }
}
