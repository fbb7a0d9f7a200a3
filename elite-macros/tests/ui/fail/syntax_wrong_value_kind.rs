//! A value of the wrong kind says what was expected.

use elite_macros::elite;

#[elite(
    category = Media,
    size = Small,
    priority = High,
    runtime = Go,
    image = demo,
    port(http = 8080),
    liveness(http = "/health", port = http),
    readiness(http = "/health", port = http),
    pvc(config, mount = "/config", size = "1Gi"),
    sqlite(main, path = "/config/app.db", profile = Standard),
    config_sync = "/config",
)]
struct Demo;

fn main() {}
