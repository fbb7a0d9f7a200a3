//! SIZE-3: a custom CPU request is at most 25% of the limit (251m of 1000m is not).

use elite_macros::elite;

#[elite(
    category = Media,
    size = Custom(cpu_request = "251m", cpu_limit = "1", memory = "512Mi"),
    priority = High,
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
