//! DUR-2: a bbolt file cannot be replicated; a profile other than Ephemeral is a promise nothing keeps.

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
    bbolt(stats, path = "/config/stats.db", profile = Critical),
    config_sync = "/config",
)]
struct Demo;

fn main() {}
