//! Restarts on a volume that survived: the newest copy of every file and database wins, whichever
//! side holds it, and nothing is lost. Each start state of the README's table ("Durability: what
//! a pod does at start") is a test here. The app is jellyfin: a synced config directory and two
//! replicated databases. Real programs: litestream 0.5.17, rclone 1.72, inotifywait, a moto S3
//! server on 127.0.0.1 (behind a proxy the test cuts, where S3 flaps).

mod common;
mod durability;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use durability::pod::{Node, Pod};
use durability::s3::BlackHole;
use durability::{Rng, Setup, commits, now, serial, sqlite, wait_for};
use elite_core::platform;

const JELLYFIN: &str = "20-media/jellyfin";
/// A config file of the synced directory, and its key on S3.
const SETTING: &str = "system.xml";
const SETTING_KEY: &str = "media/jellyfin/config/system.xml";
/// The replicas' prefix.
const REPLICAS: &str = "media/jellyfin/db/";
/// How soon a pending config change reaches S3 once S3 answers again (README, "Durability").
const BACK_ON_S3: Duration = Duration::from_secs(platform::CONFIG_PUSH_AFTER_S3_RETURNS_SECONDS as u64);
/// How soon the rows written until S3's return reach it: Litestream's S3 calls retry with a
/// back-off capped at 20 s (its sync of the WAL may wait behind one), plus a sync, its upload and
/// slack (README, "Durability").
const LITESTREAM_CATCH_UP: Duration = Duration::from_secs(30);

/// Litestream's count of the uploads that succeeded, as it serves it.
const LITESTREAM_UPLOADS: &str = "litestream_replica_operation_total{operation=\"PUT\",replica_type=\"s3\"}";

fn setting(s: &Setup) -> PathBuf {
    s.node.volume("config").join(SETTING)
}

fn local_setting(s: &Setup) -> Option<String> {
    std::fs::read_to_string(setting(s)).ok()
}

/// Waits until the config-syncer of `pod` is ready (its first push done).
fn syncer_ready(pod: &Pod) {
    let ready = pod.path("config-syncer", "/tmp/config-syncer.ready");
    wait_for(Duration::from_secs(60), "config-syncer ready", || ready.exists().then_some(()));
}

/// Waits until both databases have a replica.
fn replicated(s: &Setup) {
    wait_for(Duration::from_secs(30), "both databases replicated", || {
        let keys: Vec<String> = s.s3.objects(REPLICAS).into_iter().map(|(k, _)| k).collect();
        (keys.iter().any(|k| k.starts_with("jellyfin/")) && keys.iter().any(|k| k.starts_with("library/")))
            .then_some(())
    });
}

/// Waits until S3 holds `value` as the setting, within `timeout`; returns how long it took.
fn on_s3(s: &Setup, value: &str, timeout: Duration) -> Duration {
    let t = Instant::now();
    wait_for(timeout, &format!("{SETTING} = {value:?} on S3"), || {
        (s.s3.cat(SETTING_KEY).as_deref() == Some(value)).then_some(())
    });
    t.elapsed()
}

/// The highest row a restore of database `name` from its replica holds now: a real `litestream
/// restore` of what S3 holds, read back with sqlite3; 0 when nothing can be restored yet.
fn restorable_row(s: &Setup, name: &str) -> i64 {
    let out = s.tmp.path().join(format!("probe-{name}.db"));
    for f in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{f}", out.display()));
    }
    if !s.s3.restore(&format!("{REPLICAS}{name}"), &out) {
        return 0;
    }
    rows(&out).1
}

/// Waits until a restore of every database from S3 holds row `row`, within
/// [`LITESTREAM_CATCH_UP`] of `since`; returns how long after `since` it did. What counts is what
/// a restore gets, compared with the app's own commit log: Litestream's own counters stall with it.
fn catch_up(s: &Setup, row: i64, since: Instant) -> Duration {
    let names: Vec<String> =
        s.databases().iter().map(|db| db.file_stem().unwrap().to_string_lossy().into_owned()).collect();
    let left = LITESTREAM_CATCH_UP.saturating_sub(since.elapsed());
    wait_for(left, &format!("a restore of {names:?} holding row {row}"), || {
        names.iter().all(|name| restorable_row(s, name) >= row).then_some(())
    });
    since.elapsed()
}

/// Rows in one database: their count and highest id.
fn rows(db: &Path) -> (i64, i64) {
    assert_eq!(sqlite(db, "PRAGMA integrity_check"), "ok", "{}", db.display());
    let out = sqlite(db, "SELECT count(*), coalesce(max(id), 0) FROM rows");
    let (n, max) = out.split_once('|').unwrap();
    (n.parse().unwrap(), max.parse().unwrap())
}

/// Every database holds rows 1..=n without a gap, with n at least `at_least`.
fn every_row_up_to(s: &Setup, at_least: i64, what: &str) {
    for db in s.databases() {
        let (n, max) = rows(&db);
        assert_eq!(n, max, "{what}: {} holds rows 1..{max} without a gap", db.display());
        assert!(max >= at_least, "{what}: {} holds rows up to {max}, the app had committed {at_least}", db.display());
    }
}

/// The last row the writer logged as committed in every database.
fn last_logged(log: &Path) -> i64 {
    commits(log).last().map_or(0, |c| c.0)
}

/// The copies restore-db kept aside for `db`.
fn kept_aside(db: &Path) -> Vec<PathBuf> {
    let name = format!("{}.stale-", db.file_name().unwrap().to_string_lossy());
    let mut v: Vec<PathBuf> = std::fs::read_dir(db.parent().unwrap())
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(&name))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The graceful end of a scenario: stop, lose the volume, restore, and find every row the app
/// committed and the last setting.
fn stop_lose_restore(s: &mut Setup, pod: Pod, log: &Path, setting_now: &str) {
    pod.stop();
    let last = last_logged(log);
    s.node.lose_volumes();
    s.node.restore(&s.m).unwrap_or_else(|e| panic!("restore failed: {e:?}"));
    every_row_up_to(s, last, "restored from S3 after a graceful stop");
    for db in s.databases() {
        assert_eq!(rows(&db).1, last, "{}: no row beyond what the app logged", db.display());
    }
    assert_eq!(local_setting(s).as_deref(), Some(setting_now), "the last setting is restored");
}

/// A first life of the app: it writes rows and its setting (`v1`), both reach S3; stopped
/// gracefully. Returns the commit log.
fn first_life(s: &mut Setup) -> PathBuf {
    let log = s.tmp.path().join("commits.log");
    let pod = s.start_writing(&log, &[]);
    syncer_ready(&pod);
    replicated(s);
    std::fs::write(setting(s), "v1").unwrap();
    on_s3(s, "v1", Duration::from_secs(40));
    pod.stop();
    log
}

/// DUR-3, DUR-8: a config change made inside the debounce window, then `kill -9` of every
/// process, then a restart on the same volume: restore-config keeps the newer local file, the
/// syncer's first push carries it to S3, and no database row is lost or set aside.
#[test]
fn kill_9_inside_the_debounce_then_restart_on_the_same_volume_keeps_the_change() {
    let _g = serial();
    let mut s = Setup::new(JELLYFIN);
    let mut rng = Rng::new();
    let log = first_life(&mut s);
    let mut pod = s.start_writing(&log, &[]);
    syncer_ready(&pod);
    for round in 2..5 {
        let value = format!("v{round}");
        std::fs::write(setting(&s), &value).unwrap();
        std::thread::sleep(Duration::from_secs_f64(1.0 + 4.0 * rng.next()));
        assert_ne!(s.s3.cat(SETTING_KEY).as_deref(), Some(value.as_str()), "the kill comes inside the 10 s debounce");
        let committed = last_logged(&log);
        pod.kill();
        assert_eq!(local_setting(&s).as_deref(), Some(value.as_str()));
        pod = s.start_writing(&log, &[]);
        assert_eq!(
            local_setting(&s).as_deref(),
            Some(value.as_str()),
            "round {round}: restore-config kept the newer local file"
        );
        let took = on_s3(&s, &value, Duration::from_secs(30));
        every_row_up_to(&s, committed, &format!("round {round}: on the surviving volume"));
        for db in s.databases() {
            assert!(kept_aside(&db).is_empty(), "round {round}: {} was at least as new as its replica", db.display());
        }
        let restore = pod.log("restore-db");
        assert_eq!(
            restore.matches("the local copy is kept\n").count(),
            2,
            "round {round}: both decisions logged: {restore}"
        );
        eprintln!("round {round}: the change made before the kill reached S3 {took:.2?} after the restart");
    }
    let last = format!("v{}", 4);
    stop_lose_restore(&mut s, pod, &log, &last);
}

/// DUR-8: a volume that holds older copies of the databases than their replicas (a volume restored
/// from a snapshot): each local copy is kept aside, never deleted, and the replica restored; no row
/// the replica had is lost. The older config file gives way to the newer remote one.
#[test]
fn a_stale_volume_is_kept_aside_and_the_replicas_win() {
    let _g = serial();
    let mut s = Setup::new(JELLYFIN);
    let log = first_life(&mut s);
    let snapshot = s.tmp.path().join("snapshot");
    copy_dir(&s.node.volume("config"), &snapshot);
    // Counted on a scratch copy: opening a database can change its files (a checkpoint at close).
    let scratch = s.tmp.path().join("scratch");
    copy_dir(&snapshot, &scratch);
    let stale: Vec<i64> = s
        .databases()
        .iter()
        .map(|db| rows(&scratch.join(db.strip_prefix(s.node.volume("config")).unwrap())).1)
        .collect();
    // A second life moves the replicas and the setting ahead of the snapshot.
    let pod = s.start_writing(&log, &[]);
    syncer_ready(&pod);
    std::fs::write(setting(&s), "v2").unwrap();
    on_s3(&s, "v2", Duration::from_secs(40));
    pod.stop();
    let ahead = last_logged(&log);
    assert!(stale.iter().all(|n| *n < ahead), "the snapshot is behind ({stale:?} < {ahead})");
    // The node comes back with the snapshot.
    std::fs::remove_dir_all(s.node.volume("config")).unwrap();
    copy_dir(&snapshot, &s.node.volume("config"));
    let pod = s.start_writing(&log, &[]);
    every_row_up_to(&s, ahead, "after the restart on the stale volume");
    for (db, n) in s.databases().iter().zip(&stale) {
        let aside = kept_aside(db);
        assert_eq!(aside.len(), 1, "{} kept aside once: {aside:?}", db.display());
        let old = aside[0].join(db.file_name().unwrap());
        assert_eq!(rows(&old).1, *n, "{} holds the stale copy, untouched", old.display());
        assert!(
            aside[0].join(format!(".{}-litestream", db.file_name().unwrap().to_string_lossy())).is_dir(),
            "its Litestream state went with it"
        );
    }
    let restore = pod.log("restore-db");
    assert_eq!(restore.matches("the replica restored").count(), 2, "both decisions logged: {restore}");
    assert_eq!(local_setting(&s).as_deref(), Some("v2"), "the newer remote setting won");
    syncer_ready(&pod);
    let keys: Vec<String> = s.s3.objects("media/jellyfin/config/").into_iter().map(|(k, _)| k).collect();
    assert!(
        keys.iter().all(|k| !k.contains(".stale-") && !k.contains(".db")),
        "nothing kept aside is synced: {keys:?}"
    );
    stop_lose_restore(&mut s, pod, &log, "v2");
}

/// DUR-8: Litestream's state directory missing (jellyfin.db) or left by an older copy of the
/// database (library.db): the local position is unknown or behind, so the local copy is kept aside
/// and the replica restored; nothing is lost.
#[test]
fn missing_or_foreign_litestream_state_keeps_the_local_copy_aside() {
    let _g = serial();
    let mut s = Setup::new(JELLYFIN);
    let log = first_life(&mut s);
    let dbs = s.databases();
    let state = |db: &Path| db.with_file_name(format!(".{}-litestream", db.file_name().unwrap().to_string_lossy()));
    let old_state = s.tmp.path().join("old-state");
    copy_dir(&state(&dbs[1]), &old_state);
    let pod = s.start_writing(&log, &[]);
    std::thread::sleep(Duration::from_secs(3));
    pod.stop();
    let last = last_logged(&log);
    std::fs::remove_dir_all(state(&dbs[0])).unwrap();
    std::fs::remove_dir_all(state(&dbs[1])).unwrap();
    copy_dir(&old_state, &state(&dbs[1]));
    let pod = s.start_writing(&log, &[]);
    every_row_up_to(&s, last, "after the restart");
    let restore = pod.log("restore-db");
    assert!(restore.contains("at transaction unknown (no Litestream state)"), "{restore}");
    for db in &dbs {
        let aside = kept_aside(db);
        assert_eq!(aside.len(), 1, "{} kept aside: {restore}", db.display());
        assert_eq!(rows(&aside[0].join(db.file_name().unwrap())).1, last, "the local copy kept aside is whole");
    }
    stop_lose_restore(&mut s, pod, &log, "v1");
}

/// Start state "local only config": the databases are gone from the volume (not the config). The
/// databases come back from their replicas; the config file, newer locally, is kept and pushed.
#[test]
fn local_only_config_restores_the_databases_and_keeps_the_newer_config() {
    let _g = serial();
    let mut s = Setup::new(JELLYFIN);
    let log = first_life(&mut s);
    let last = last_logged(&log);
    std::fs::remove_dir_all(s.node.volume("config").join("data")).unwrap();
    std::fs::write(setting(&s), "v2, changed while the pod was down").unwrap();
    let pod = s.start_writing(&log, &[]);
    every_row_up_to(&s, last, "the databases restored from their replicas");
    assert_eq!(local_setting(&s).as_deref(), Some("v2, changed while the pod was down"));
    on_s3(&s, "v2, changed while the pod was down", Duration::from_secs(30));
    stop_lose_restore(&mut s, pod, &log, "v2, changed while the pod was down");
}

/// Start state "local only databases": the config files are gone, the databases are not. The
/// config comes back from S3, the databases are kept (level with their replicas).
#[test]
fn local_only_databases_restores_the_config_and_keeps_the_databases() {
    let _g = serial();
    let mut s = Setup::new(JELLYFIN);
    let log = first_life(&mut s);
    let last = last_logged(&log);
    std::fs::remove_file(setting(&s)).unwrap();
    let pod = s.start_writing(&log, &[]);
    assert_eq!(local_setting(&s).as_deref(), Some("v1"), "the config came back from S3");
    every_row_up_to(&s, last, "the local databases");
    for db in s.databases() {
        assert!(kept_aside(&db).is_empty(), "{} was level with its replica: kept in place", db.display());
    }
    stop_lose_restore(&mut s, pod, &log, "v1");
}

/// Start state "local full, remote empty" (a new bucket, a wiped prefix): the pod starts on its
/// volume and pushes everything: the config by the syncer's first push, the databases by
/// Litestream.
#[test]
fn remote_empty_starts_on_the_volume_and_pushes_it() {
    let _g = serial();
    let mut s = Setup::new(JELLYFIN);
    let log = first_life(&mut s);
    let out = s.s3.rclone(["purge"]).arg(format!("s3:{}/media", durability::s3::BUCKET)).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(s.s3.objects("").is_empty());
    let last = last_logged(&log);
    let pod = s.start_writing(&log, &[]);
    assert!(pod.log("restore-config").contains("fresh start"), "{}", pod.log("restore-config"));
    every_row_up_to(&s, last, "the local databases");
    on_s3(&s, "v1", Duration::from_secs(30));
    replicated(&s);
    std::thread::sleep(Duration::from_secs(2));
    stop_lose_restore(&mut s, pod, &log, "v1");
}

/// DUR-8, start state "remote unreadable": S3 accepts connections and never answers (a partition).
/// Each restore step gives up within its deadline with a message, the app never starts, and the
/// volume is left as it was.
#[test]
fn s3_that_never_answers_fails_each_restore_step_within_a_deadline() {
    let _g = serial();
    let mut s = Setup::new(JELLYFIN);
    let log = first_life(&mut s);
    let before = listing(&s.node.volume("config"));
    let hole = BlackHole::start();
    let mut cut = Node::new(&s.node.dir, format!("http://127.0.0.1:{}", hole.port));
    let dbs: Vec<String> = s.databases().iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let env = [("DB", dbs.join(" ")), ("LOG", log.to_string_lossy().into_owned())];
    let written = commits(&log).len();
    for (manifest, step, says) in [
        (s.m.clone(), "restore-config", &*format!("did not answer within {} s", platform::RESTORE_DEADLINE_SECONDS)),
        (s.m.only(&["restore-db", "jellyfin"]), "restore-db", "cannot read the replica"),
    ] {
        let t = Instant::now();
        let err =
            cut.start(&manifest, &["python3", "-c", durability::WRITER], &env).err().expect("the pod must not start");
        let took = t.elapsed();
        assert_eq!(err.container, step);
        assert!(err.status.is_some_and(|st| !st.success()), "{step} exits non-zero: {err:?}");
        assert!(err.log.contains(says), "{step} says why: {}", err.log);
        let deadline = Duration::from_secs(platform::RESTORE_DEADLINE_SECONDS as u64 + 10);
        assert!(took < deadline, "{step} gave up after {took:.2?}");
        eprintln!("{step} gave up on a silent S3 after {took:.2?}");
    }
    assert_eq!(commits(&log).len(), written, "the app never started");
    assert_eq!(listing(&s.node.volume("config")), before, "the volume is as it was");
}

/// DUR-3: S3 flaps while the pod starts (the init steps are retried as the kubelet does): the
/// change made while the pod was down reaches S3 within 20 s of S3's return, and nothing is lost.
#[test]
fn s3_flapping_during_the_first_push_delays_but_never_loses_the_change() {
    let _g = serial();
    let mut s = Setup::new(JELLYFIN);
    let proxy = std::sync::Arc::new(s.through_proxy());
    s.node.init_retries = 60;
    let log = first_life(&mut s);
    std::fs::write(setting(&s), "v2, changed while the pod was down").unwrap();
    // Flap from the moment the syncer starts: 2 s cut, 1 s up, for 15 s.
    let node_dir = s.node.dir.clone();
    let runs_before = runs(&node_dir);
    let flapper = {
        let proxy = proxy.clone();
        std::thread::spawn(move || {
            wait_for(Duration::from_secs(60), "the config-syncer started", || {
                runs(&node_dir).into_iter().find(|r| !runs_before.contains(r) && r.join("config-syncer.log").exists())
            });
            let t = Instant::now();
            while t.elapsed() < Duration::from_secs(15) {
                proxy.cut();
                std::thread::sleep(Duration::from_secs(2));
                proxy.restore();
                std::thread::sleep(Duration::from_secs(1));
            }
            proxy.restore();
            now()
        })
    };
    let pod = s.start_writing(&log, &[]);
    let back = flapper.join().unwrap();
    let took = on_s3(&s, "v2, changed while the pod was down", Duration::from_secs(40));
    let late = (now() - back).max(0.0);
    eprintln!("the change reached S3 at most {late:.1} s after S3 stopped flapping (polled for {took:.2?})");
    assert!(late <= BACK_ON_S3.as_secs_f64(), "the change reached S3 {late:.1} s after S3 came back");
    syncer_ready(&pod);
    wait_for(Duration::from_secs(10), "the pending gauge back to 0", || {
        (pod.metric(true, "elite_config_syncer_pending_seconds") == Some(0.0)).then_some(())
    });
    stop_lose_restore(&mut s, pod, &log, "v2, changed while the pod was down");
}

/// DUR-2, DUR-3: an S3 outage while the app writes and its config changes. The syncer's pending
/// gauge grows while the change waits; the change reaches S3 within 20 s of S3's return; a
/// restore from S3 holds every row written until S3's return within [`LITESTREAM_CATCH_UP`] of
/// it; then, after a `kill -9` and the loss of the volume, every row committed more than
/// [`durability::LOSS_BOUND`] before the kill is restored.
#[test]
fn an_s3_outage_delays_but_never_loses_rows_or_config() {
    let _g = serial();
    let mut s = Setup::new(JELLYFIN);
    let proxy = s.through_proxy();
    let log = first_life(&mut s);
    let pod = s.start_writing(&log, &[]);
    syncer_ready(&pod);
    proxy.cut();
    std::fs::write(setting(&s), "v2, changed during the outage").unwrap();
    // What EliteLitestreamUploadsStalled reads: Litestream's count of uploads that succeeded.
    let uploads = || pod.metric(false, LITESTREAM_UPLOADS).unwrap_or(0.0);
    let uploads_cut = uploads();
    let pending = wait_for(Duration::from_secs(40), "the pending gauge past 15 s", || {
        pod.metric(true, "elite_config_syncer_pending_seconds").filter(|p| *p >= 15.0)
    });
    let pushed_before = pod.metric(true, "elite_config_syncer_last_push_timestamp_seconds").unwrap();
    assert_eq!(uploads(), uploads_cut, "{LITESTREAM_UPLOADS} grew while S3 was cut");
    proxy.restore();
    let back = Instant::now();
    let written = last_logged(&log);
    let took = on_s3(&s, "v2, changed during the outage", BACK_ON_S3);
    wait_for(Duration::from_secs(5), "the pending gauge back to 0", || {
        (pod.metric(true, "elite_config_syncer_pending_seconds") == Some(0.0)).then_some(())
    });
    assert!(pod.metric(true, "elite_config_syncer_last_push_timestamp_seconds").unwrap() > pushed_before);
    // Every S3 call of Litestream retries with a back-off capped at 20 s, and its sync of the WAL
    // can wait on one of them (a compaction's listing): the rows written until S3 came back reach
    // S3 within that cap of its return.
    let caught_up = catch_up(&s, written, back);
    assert!(uploads() > uploads_cut, "{LITESTREAM_UPLOADS} did not grow once S3 came back");
    eprintln!(
        "pending gauge reached {pending} s during the outage; the config change reached S3 {took:.2?} and the rows written until then {caught_up:.2?} after S3 came back"
    );
    // Then Litestream is back to syncing every second: a kill now loses at most the loss bound.
    let killed_at = now();
    pod.kill();
    s.node.lose_volumes();
    s.node.restore(&s.m).unwrap_or_else(|e| panic!("restore failed: {e:?}"));
    let must = commits(&log)
        .into_iter()
        .filter(|(_, at)| *at < killed_at - durability::LOSS_BOUND)
        .map(|c| c.0)
        .next_back()
        .unwrap();
    every_row_up_to(&s, must, "restored after the outage, the kill and the loss of the volume");
    assert_eq!(local_setting(&s).as_deref(), Some("v2, changed during the outage"));
}

/// DUR-2: writes long enough to cross several WAL checkpoints (400 KB/s per database; SQLite
/// checkpoints every 4 MB of WAL) keep replicating: Litestream's sync count grows in every 5 s
/// window of both databases, and a `kill -9` at the end loses at most the sync interval.
#[test]
fn long_writes_across_checkpoints_keep_replicating() {
    let _g = serial();
    let mut s = Setup::new(JELLYFIN);
    let log = s.tmp.path().join("commits.log");
    let pod = s.start_writing(&log, &[("PAD", "4000".to_owned())]);
    replicated(&s);
    let dbs = s.databases();
    let syncs = |pod: &Pod| -> Vec<f64> {
        dbs.iter()
            .map(|db| pod.metric(false, &format!("litestream_sync_count{{db=\"{}\"}}", db.display())).unwrap_or(0.0))
            .collect()
    };
    let size = |db: &PathBuf| std::fs::metadata(db).map_or(0, |m| m.len());
    let mut growths = vec![0; dbs.len()];
    let mut sizes: Vec<u64> = dbs.iter().map(size).collect();
    let mut last = syncs(&pod);
    for window in 0..9 {
        for _ in 0..5 {
            std::thread::sleep(Duration::from_secs(1));
            for (i, db) in dbs.iter().enumerate() {
                let now = size(db);
                if now > sizes[i] {
                    growths[i] += 1;
                    sizes[i] = now;
                }
            }
        }
        let now = syncs(&pod);
        for (i, db) in dbs.iter().enumerate() {
            assert!(
                now[i] > last[i],
                "window {window}: {} synced {} times, as many as 5 s before",
                db.display(),
                now[i]
            );
        }
        last = now;
    }
    for (db, n) in dbs.iter().zip(&growths) {
        assert!(*n >= 3, "{} crossed {n} checkpoints (its main file grew {n} times): too short a test", db.display());
    }
    let killed_at = now();
    pod.kill();
    s.node.lose_volumes();
    s.node.restore(&s.m).unwrap_or_else(|e| panic!("restore failed: {e:?}"));
    let logged = commits(&log);
    let must =
        logged.iter().filter(|(_, at)| *at < killed_at - durability::LOSS_BOUND).map(|c| c.0).next_back().unwrap();
    every_row_up_to(&s, must, "restored after the kill");
    let last_at: f64 = sqlite(&dbs[0], "SELECT max(at) FROM rows").parse().unwrap();
    eprintln!(
        "{} rows of 4 KB in each database over {} checkpoints; loss window {:.3} s",
        logged.len(),
        growths[0],
        killed_at - last_at
    );
}

/// The run directories of the node's pods.
fn runs(node: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(node)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("run-"))
                .collect()
        })
        .unwrap_or_default()
}

/// Every file under `dir` with its content's length and modification time, but the restore marker
/// (restore-config removes it first: the restore is not complete).
fn listing(dir: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
    let mut v = Vec::new();
    for e in walk(dir).into_iter().filter(|p| !p.ends_with(".elite-restore-complete")) {
        let m = std::fs::metadata(&e).unwrap();
        v.push((e, m.len(), m.modified().unwrap()));
    }
    v.sort();
    v
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

/// `cp -a from to`.
fn copy_dir(from: &Path, to: &Path) {
    let out = std::process::Command::new("cp").arg("-a").arg(from).arg(to).output().unwrap();
    assert!(out.status.success(), "cp -a: {}", String::from_utf8_lossy(&out.stderr));
}
