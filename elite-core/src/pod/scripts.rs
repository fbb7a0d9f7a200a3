//! The shell scripts of the durability containers. They are the same for every app (they live
//! in the shared components) and read the per-app values from the environment:
//! `ELITE_SYNC_DIR`, `ELITE_S3_PREFIX`, `ELITE_DATABASES`, `ELITE_EPHEMERAL`, the S3 Secret's
//! `LITESTREAM_*` keys, and `/etc/elite/rclone-filter.txt` from the app's ConfigMap.

/// Common rclone setup: an `s3` remote from the Infisical-managed credentials, no metadata lookup,
/// and deadlines: an S3 that accepts connections but never answers fails an operation within
/// `RCLONE_TIMEOUT` per attempt instead of hanging it.
macro_rules! rclone_env {
    () => {
        r#"export HOME=/tmp
export RCLONE_CONFIG_S3_TYPE=s3 RCLONE_CONFIG_S3_PROVIDER=Minio RCLONE_CONFIG_S3_ENV_AUTH=false
export RCLONE_CONFIG_S3_ACCESS_KEY_ID="$LITESTREAM_ACCESS_KEY_ID"
export RCLONE_CONFIG_S3_SECRET_ACCESS_KEY="$LITESTREAM_SECRET_ACCESS_KEY"
export RCLONE_CONFIG_S3_ENDPOINT="$LITESTREAM_ENDPOINT"
export RCLONE_CONFIG_S3_FORCE_PATH_STYLE=true
# rclone's defaults retry an unreachable or silent S3 for minutes: fail within seconds instead.
export RCLONE_CONTIMEOUT=10s RCLONE_TIMEOUT=15s RCLONE_LOW_LEVEL_RETRIES=2 RCLONE_RETRIES=1
remote="s3:$LITESTREAM_BUCKET/$ELITE_S3_PREFIX"
filter=/etc/elite/rclone-filter.txt
marker="$ELITE_SYNC_DIR/.elite-restore-complete"
"#
    };
}

/// `restore-config`: copy the config directory back from S3. A missing remote copy is a fresh
/// start; an unreadable one fails the init container within seconds, so the app never starts on
/// an empty directory (DUR-8). A local file newer than its remote copy (changed just before a
/// crash, not pushed yet) is kept: the syncer's first push carries it. Success leaves a marker
/// the syncer needs before it may delete remotely.
pub const RESTORE_CONFIG_SCRIPT: &str = concat!(
    "set -eu\n",
    rclone_env!(),
    r#"rm -f "$marker"
rc=0
listing=$(timeout "#,
    crate::platform::restore_deadline_seconds!(),
    r#" rclone lsf --max-depth 1 "$remote") || rc=$?
# S3 has no directories: a prefix without objects lists empty (exit 0) or as not found (exit 3).
case "$rc" in
  0) if [ -n "$listing" ]; then
       rclone copy --update "$remote" "$ELITE_SYNC_DIR" --filter-from "$filter"
       echo "restore-config: restored $ELITE_SYNC_DIR from $remote (local files newer than their remote copy kept)"
     else
       echo "restore-config: no remote copy at $remote: fresh start"
     fi ;;
  3) echo "restore-config: no remote copy at $remote: fresh start" ;;
  124) echo "restore-config: $remote did not answer within "#,
    crate::platform::restore_deadline_seconds!(),
    r#" s: refusing to start" >&2; exit 1 ;;
  *) echo "restore-config: cannot read $remote (rclone exit $rc): refusing to start" >&2; exit 1 ;;
esac
touch "$marker"
"#
);

/// `restore-db`: delete Ephemeral databases, then for each replicated database: when a local
/// copy exists, compare its position (the last transaction Litestream recorded for it) with the
/// replica's; when the replica is ahead, or the local position is unknown (its Litestream state
/// is missing), keep the local copy aside in `<db>.stale-<time>/` (never deleted) and restore;
/// when the local copy is ahead or level, keep it (Litestream replicates from it). Then restore
/// what does not exist locally from its replica, if one exists. Every decision is logged; any
/// error fails the pod (DUR-8).
pub const RESTORE_DB_SCRIPT: &str = concat!(
    r#"set -eu
for db in $ELITE_EPHEMERAL; do
  rm -f "$db" "$db-wal" "$db-shm"
  echo "restore-db: cleaned ephemeral $db"
done
for db in $ELITE_DATABASES; do
  # litestream retries an unreachable S3 for minutes: read the replica's listing first, with a
  # deadline, so an unreadable replica fails the pod at once instead of hanging it.
  if ! listing=$(timeout "#,
    crate::platform::restore_deadline_seconds!(),
    r#" litestream ltx -config /etc/elite/litestream.yml -level all "$db"); then
    echo "restore-db: cannot read the replica of $db: refusing to start" >&2
    exit 1
  fi
  remote=$(echo "$listing" | awk 'NR > 1 && $3 ~ /^[0-9a-f]+$/ { print $3 }' | sort | tail -n 1)
  if [ -e "$db" ] && [ -n "$remote" ]; then
    here=$(litestream status -config /etc/elite/litestream.yml -json "$db" | sed -n 's/.*"local_txid": *"\([0-9a-f]*\)".*/\1/p' | head -n 1)
    if [ -z "$here" ] || [ $((0x$here)) -lt $((0x$remote)) ]; then
      aside="$db.stale-$(date -u +%Y%m%dT%H%M%SZ)"
      mkdir -p "$aside"
      state="$(dirname "$db")/.$(basename "$db")-litestream"
      for f in "$db" "$db-wal" "$db-shm" "$state"; do
        if [ -e "$f" ]; then mv "$f" "$aside/"; fi
      done
      echo "restore-db: $db is at transaction ${here:-unknown (no Litestream state)}, its replica at $remote: the local copy is kept in $aside, the replica restored"
    else
      echo "restore-db: $db is at transaction $here, its replica at $remote: the local copy is kept"
    fi
  fi
  litestream restore -config /etc/elite/litestream.yml -if-db-not-exists -if-replica-exists "$db"
done
"#
);

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
/// quiet for [`CONFIG_QUIET_SECONDS`](crate::platform::CONFIG_QUIET_SECONDS) (at most
/// [`CONFIG_MAX_WAIT_SECONDS`](crate::platform::CONFIG_MAX_WAIT_SECONDS) after the first change). The watcher runs all the time, so a
/// change made during an upload triggers another one; a push that fails is retried every second
/// (rclone's own retries are short), so a change reaches S3 within seconds of S3 answering again.
/// Its first push carries what changed while it was down. Until `restore-config` has completed,
/// uploads use `rclone copy`, which never deletes remote objects (DUR-8). On SIGTERM, which
/// Kubernetes sends once the app has exited, it pushes a last time. It serves its own metrics:
/// how long the oldest change has waited (`elite_config_syncer_pending_seconds`) and when a push
/// last succeeded.
pub const CONFIG_SYNCER_SCRIPT: &str = concat!(
    "set -eu\n",
    rclone_env!(),
    r#"events=/tmp/config-syncer.events
metrics=/tmp/elite-metrics
: > "$events"
mkdir -p "$metrics"
last_ok=0
# The metrics, written whole then renamed (a scrape never reads half a file).
write_metrics() {
  printf '# HELP elite_config_syncer_pending_seconds Seconds the oldest config change not yet on S3 has waited (0: none).\n# TYPE elite_config_syncer_pending_seconds gauge\nelite_config_syncer_pending_seconds %s\n# HELP elite_config_syncer_last_push_timestamp_seconds When a push to S3 last succeeded.\n# TYPE elite_config_syncer_last_push_timestamp_seconds gauge\nelite_config_syncer_last_push_timestamp_seconds %s\n' "$1" "$last_ok" > "$metrics/."#,
    crate::platform::syncer_metrics_file!(),
    r#".tmp"
  mv "$metrics/."#,
    crate::platform::syncer_metrics_file!(),
    r#".tmp" "$metrics/"#,
    crate::platform::syncer_metrics_file!(),
    r#""
}
write_metrics 0
rclone serve http "$metrics" --addr ":"#,
    crate::platform::syncer_metrics_port!(),
    r#"" --read-only >/dev/null 2>&1 &
server=$!
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
trap 'kill "$watcher" "$server" 2>/dev/null; push && exit 0; echo "config-syncer: final push failed" >&2; exit 1' TERM INT
# The first push: what changed while the syncer was down (restore-config kept the newer local
# files). Retried until it succeeds, so readiness means the remote copy is current.
started=$(date +%s)
until push; do
  write_metrics $(( $(date +%s) - started ))
  sleep 1
done
last_ok=$(date +%s)
write_metrics 0
touch /tmp/config-syncer.ready /tmp/config-syncer.alive
# Every second: push once the directory has been quiet, or when the oldest change still pending
# has waited the longest wait; a failed push is retried the next second. A change made during a push is counted
# after it and pushed next. The loop marks itself alive at every turn: liveness is about the loop,
# not about S3 (an S3 outage is the pending gauge's alert).
pushed=0; seen=0; changed=0; oldest=0
while kill -0 "$watcher" 2>/dev/null; do
  sleep 1
  touch /tmp/config-syncer.alive
  now=$(wc -l < "$events")
  t=$(date +%s)
  if [ "$now" = "$pushed" ]; then oldest=0; write_metrics 0; continue; fi
  if [ "$oldest" -eq 0 ]; then oldest=$t; fi
  if [ "$now" != "$seen" ]; then seen=$now; changed=$t; fi
  write_metrics $((t - oldest))
  if [ $((t - changed)) -ge "#,
    crate::platform::config_quiet_seconds!(),
    r#" ] || [ $((t - oldest)) -ge "#,
    crate::platform::config_max_wait_seconds!(),
    r#" ]; then
    if push; then pushed=$now; oldest=0; last_ok=$(date +%s); write_metrics 0; fi
  fi
done
echo "config-syncer: inotify watcher exited" >&2
exit 1
"#
);

#[cfg(test)]
mod tests {
    #[test]
    fn the_syncer_serves_its_metrics_where_the_pod_monitor_scrapes() {
        let p = crate::platform::SYNCER_METRICS_PORT;
        assert!(super::CONFIG_SYNCER_SCRIPT.contains(&format!("--addr \":{p}\"")));
        assert!(super::CONFIG_SYNCER_SCRIPT.contains(&format!("\"$metrics{}\"", crate::platform::SYNCER_METRICS_PATH)));
    }

    #[test]
    fn the_litestream_probe_reads_the_metrics_port_litestream_serves() {
        let url = format!("http://127.0.0.1:{}/metrics", crate::platform::METRICS_PORT);
        assert!(super::LITESTREAM_STARTED_PROBE.contains(&url));
    }
}
