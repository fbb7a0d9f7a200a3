//! META-1: images are pinned; `latest` moves.

use elite_macros::elite;

#[elite(
    category = Media,
    size = Small,
    priority = High,
    runtime = Go,
    image = "example/demo:latest",
    port(http = 8080),
    liveness(http = "/health", port = http),
    readiness(http = "/health", port = http),
    pvc(config, mount = "/config", size = "1Gi"),
    sqlite(main, path = "/config/app.db", profile = Standard),
    config_sync = "/config",
)]
struct Demo;

fn main() {}
