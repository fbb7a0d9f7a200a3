//! 60-services.

use elite_macros::elite;

/// Vaultwarden: Rust, mission-critical, SQLite at /data/db.sqlite3 (facts from
/// `vixens-samples/apps/60-services/vaultwarden`). Its attachments and keys live beside the
/// database in /data, so /data is config-synced too. The image listens on 80 as root by default;
/// as a non-root user it must use a high port (`ROCKET_PORT`).
#[elite(
    category = Services,
    role = MissionCritical,
    size = Small,
    priority = High,
    runtime = Rust,
    image = "vaultwarden/server:1.35.2",
    port(http = 8080),
    liveness(http = "/alive", port = http, period = 30),
    readiness(http = "/alive", port = http),
    ingress(port = http),
    pvc(data, mount = "/data", size = "5Gi"),
    env(DATA_FOLDER = "/data", DATABASE_URL = "/data/db.sqlite3", ROCKET_PORT = "8080"),
    sqlite(db, path = "/data/db.sqlite3", profile = Critical),
    config_sync(dir = "/data", exclude = ["/icon_cache/**", "/tmp/**"]),
    egress = ["internet:443,587"],
)]
pub struct Vaultwarden;
