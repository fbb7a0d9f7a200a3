//! DUR-7: Vaultwarden with its admin token written in the manifest. A copy of the declaration in apps/src/services.rs with that one change.

use elite_macros::elite;

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
    env(DATA_FOLDER = "/data", DATABASE_URL = "/data/db.sqlite3", ROCKET_PORT = "8080", ADMIN_TOKEN = "hunter2"),
    sqlite(db, path = "/data/db.sqlite3", profile = Critical),
    config_sync(dir = "/data", exclude = ["/icon_cache/**", "/tmp/**"]),
)]
struct Vaultwarden;

fn main() {}
