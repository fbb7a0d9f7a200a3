//! SIZE-2: memory request equals limit.

use elite_macros::elite;

#[elite(
    category = Media,
    size = Custom(cpu_request = "100m", cpu_limit = "1", memory_request = "256Mi", memory_limit = "512Mi"),
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
