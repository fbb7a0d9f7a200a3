//! DUR-4: a database is a file inside a volume; /config/ is the mount itself.

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
    sqlite(main, path = "/config/", profile = Standard),
    config_sync = "/config",
)]
struct Demo;

fn main() {}
