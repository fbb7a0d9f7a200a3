//! PRIO-2: an Elite app runs at vixens-high or vixens-critical.

use elite_macros::elite;

#[elite(
    category = Media,
    size = Small,
    priority = Medium,
    runtime = Go,
    image = "example/demo:1.2.3",
    port(http = 8080),
    liveness(http = "/health", port = http),
    readiness(http = "/health", port = http),
    pvc(config, mount = "/config", size = "1Gi"),
    sqlite(main, path = "/config/app.db", profile = Standard),
    config_sync = "/config",
)]
struct Demo;

fn main() {}
