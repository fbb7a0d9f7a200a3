//! DUR-5: a database may not sit on another's -wal companion.

use elite_macros::elite;

#[elite(
    category = Media,
    size = Small,
    priority = High,
    runtime = Go,
    image = "example/demo:1.2.3",
    port(http = 8080),
    liveness(http = "/health", port = http),
    readiness(http = "/health", port = http),
    pvc(config, mount = "/config", size = "1Gi"),
    sqlite(main, path = "/config/app.db", profile = Standard),
    sqlite(wal, path = "/config//app.db-wal", profile = Relaxed),
    config_sync = "/config",
)]
struct Demo;

fn main() {}
