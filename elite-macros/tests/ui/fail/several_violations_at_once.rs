//! Every violation of a declaration is reported in one compile, each on its own tokens.

use elite_macros::elite;

#[elite(
    category = Media,
    size = Small,
    priority = Medium,
    runtime = Go,
    image = "example/demo:latest",
    port(http = 8080),
    liveness(http = "/health", port = http, failure_threshold = 1),
    readiness(http = "/health", port = http),
    pvc(config, mount = "/config", size = "1Gi"),
    sqlite(main, path = "/config/app.db", profile = Standard),
    config_sync = "/config",
)]
struct Demo;

fn main() {}
