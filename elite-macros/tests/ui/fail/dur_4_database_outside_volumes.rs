//! DUR-4: a database lies inside a volume of the main container.

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
    sqlite(main, path = "/data/app.db", profile = Standard),
    config_sync = "/config",
)]
struct Demo;

fn main() {}
