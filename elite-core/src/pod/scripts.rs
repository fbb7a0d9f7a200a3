//! The shell scripts of the durability containers. They are the same for every app (they live
//! in the shared components) and read the per-app values from the environment:
//! `ELITE_SYNC_DIR`, `ELITE_S3_PREFIX`, `ELITE_DATABASES`, `ELITE_EPHEMERAL`, the S3 Secret's
//! `LITESTREAM_*` keys, and `/etc/elite/rclone-filter.txt` from the app's ConfigMap.

/// Common rclone setup: an `s3` remote from the Infisical-managed credentials, no metadata lookup.
macro_rules! rclone_env {
    () => {
        r#"export HOME=/tmp
export RCLONE_CONFIG_S3_TYPE=s3 RCLONE_CONFIG_S3_PROVIDER=Minio RCLONE_CONFIG_S3_ENV_AUTH=false
export RCLONE_CONFIG_S3_ACCESS_KEY_ID="$LITESTREAM_ACCESS_KEY_ID"
export RCLONE_CONFIG_S3_SECRET_ACCESS_KEY="$LITESTREAM_SECRET_ACCESS_KEY"
export RCLONE_CONFIG_S3_ENDPOINT="$LITESTREAM_ENDPOINT"
export RCLONE_CONFIG_S3_FORCE_PATH_STYLE=true
# rclone's defaults retry an unreachable S3 for minutes: fail within seconds instead.
export RCLONE_CONTIMEOUT=10s RCLONE_TIMEOUT=60s RCLONE_LOW_LEVEL_RETRIES=3 RCLONE_RETRIES=2
remote="s3:$LITESTREAM_BUCKET/$ELITE_S3_PREFIX"
filter=/etc/elite/rclone-filter.txt
marker="$ELITE_SYNC_DIR/.elite-restore-complete"
"#
    };
}

/// `restore-config`: copy the config directory back from S3. A missing remote copy is a fresh
/// start; an unreadable one fails the init container, so the app never starts on an empty
/// directory (DUR-8). Success leaves a marker the syncer needs before it may delete remotely.
pub const RESTORE_CONFIG_SCRIPT: &str = concat!(
    "set -eu\n",
    rclone_env!(),
    r#"rm -f "$marker"
rc=0
listing=$(rclone lsf --max-depth 1 "$remote") || rc=$?
# S3 has no directories: a prefix without objects lists empty (exit 0) or as not found (exit 3).
case "$rc" in
  0) if [ -n "$listing" ]; then
       rclone copy "$remote" "$ELITE_SYNC_DIR" --filter-from "$filter"
       echo "restore-config: restored $ELITE_SYNC_DIR from $remote"
     else
       echo "restore-config: no remote copy at $remote: fresh start"
     fi ;;
  3) echo "restore-config: no remote copy at $remote: fresh start" ;;
  *) echo "restore-config: cannot read $remote (rclone exit $rc): refusing to start" >&2; exit 1 ;;
esac
touch "$marker"
"#
);

/// `restore-db`: delete Ephemeral databases, then restore each replicated database that does
/// not exist locally from its replica, if one exists. Any error fails the pod (DUR-8).
pub const RESTORE_DB_SCRIPT: &str = r#"set -eu
for db in $ELITE_EPHEMERAL; do
  rm -f "$db" "$db-wal" "$db-shm"
  echo "restore-db: cleaned ephemeral $db"
done
for db in $ELITE_DATABASES; do
  # litestream retries an unreachable S3 for minutes: read the replica's listing first, with a
  # deadline, so an unreadable replica fails the pod at once instead of hanging it.
  if ! timeout 30 litestream ltx -config /etc/elite/litestream.yml "$db" >/dev/null; then
    echo "restore-db: cannot read the replica of $db: refusing to start" >&2
    exit 1
  fi
  litestream restore -config /etc/elite/litestream.yml -if-db-not-exists -if-replica-exists "$db"
done
"#;

/// The `litestream` sidecar's startupProbe: started once it has synced every database that
/// exists. Litestream opens a database lazily, at its first sync, and skips the final sync at
/// shutdown for a database it has not opened (litestream#436): without this probe, a pod stopped
/// within a second of its start would lose what the app wrote meanwhile. As a native sidecar's
/// startupProbe, it holds the app back until then. A database the app has not created yet (a
/// fresh start) does not hold it back.
pub const LITESTREAM_STARTED_PROBE: &str = r#"m=$(wget -qO- http://127.0.0.1:9090/metrics) || exit 1
for db in $ELITE_DATABASES; do
  [ -e "$db" ] || continue
  echo "$m" | grep -q "^litestream_sync_count{db=\"$db\"} [1-9]" || exit 1
done"#;

/// `config-syncer`: watch the config directory with inotify and push it to S3 once it has been
/// quiet for 10 s (at most 60 s after the first change). The watcher runs all the time, so a
/// change made during an upload triggers another one. Until `restore-config` has completed,
/// uploads use `rclone copy`, which never deletes remote objects (DUR-8). On SIGTERM, which
/// Kubernetes sends once the app has exited, it pushes a last time.
pub const CONFIG_SYNCER_SCRIPT: &str = concat!(
    "set -eu\n",
    rclone_env!(),
    r#"events=/tmp/config-syncer.events
: > "$events"
# Files the sync leaves out (databases, Litestream state, logs) are not watched: their constant
# writes would keep the debounce from ever seeing a quiet period.
inotifywait -m -q -r -e close_write,create,delete,move,attrib --exclude "$(cat /etc/elite/inotify-exclude.txt)" \
  --format '%w%f' "$ELITE_SYNC_DIR" >> "$events" &
watcher=$!
push() {
  if [ -f "$marker" ]; then
    rclone sync "$ELITE_SYNC_DIR" "$remote" --filter-from "$filter"
  else
    rclone copy "$ELITE_SYNC_DIR" "$remote" --filter-from "$filter"
  fi
}
# Kubernetes stops this native sidecar after the app has exited: push the app's last changes, then
# exit. (As PID 1 without a trap, the shell would ignore SIGTERM until the grace period ends.)
trap 'kill "$watcher" 2>/dev/null; push && exit 0; echo "config-syncer: final push failed" >&2; exit 1' TERM INT
push
touch /tmp/config-syncer.ready /tmp/config-syncer.alive
# Every second: push once the directory has been quiet for 10 s, or 60 s after the first change
# still pending. A change made during a push is counted after it and pushed next.
pushed=0; seen=0; quiet=0; pending=0
while kill -0 "$watcher" 2>/dev/null; do
  sleep 1
  now=$(wc -l < "$events")
  if [ "$now" = "$pushed" ]; then pending=0; touch /tmp/config-syncer.alive; continue; fi
  if [ "$now" = "$seen" ]; then quiet=$((quiet + 1)); else seen=$now; quiet=0; fi
  pending=$((pending + 1))
  if [ "$quiet" -ge 10 ] || [ "$pending" -ge 60 ]; then
    if push; then pushed=$now; pending=0; touch /tmp/config-syncer.alive; fi
  fi
done
echo "config-syncer: inotify watcher exited" >&2
exit 1
"#
);

#[cfg(test)]
mod tests {
    #[test]
    fn the_litestream_probe_reads_the_metrics_port_litestream_serves() {
        let url = format!("http://127.0.0.1:{}/metrics", crate::platform::METRICS_PORT);
        assert!(super::LITESTREAM_STARTED_PROBE.contains(&url));
    }
}
