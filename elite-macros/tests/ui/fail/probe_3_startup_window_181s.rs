//! PROBE-3: a startup window of 11 + 10 x 17 = 181 s is over the 180 s limit.

use elite_macros::elite;

#[elite(
    category = Media,
    size = Small,
    priority = High,
    runtime = Jvm,
    image = "example/demo:1.2.3",
    port(http = 8080),
    liveness(http = "/health", port = http),
    readiness(http = "/health", port = http),
    pvc(config, mount = "/config", size = "1Gi"),
    sqlite(main, path = "/config/app.db", profile = Standard),
    config_sync = "/config",
    startup(http = "/health", port = http, initial_delay = 11, period = 10, failure_threshold = 17),
)]
struct Demo;

fn main() {}
