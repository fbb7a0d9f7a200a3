//! META-1: an image without a tag is `latest`.

use elite_macros::elite;

#[elite(
    category = Media,
    size = Small,
    priority = High,
    runtime = Go,
    image = "example/demo",
    port(http = 8080),
    liveness(http = "/health", port = http),
    readiness(http = "/health", port = http),
    pvc(config, mount = "/config", size = "1Gi"),
    sqlite(main, path = "/config/app.db", profile = Standard),
    config_sync = "/config",
)]
struct Demo;

fn main() {}
