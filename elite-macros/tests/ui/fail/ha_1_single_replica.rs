//! HA-1: a highly available app runs at least 2 replicas; the error points at `ha`, which requires them.

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
    stateless = "test",
    ha,
)]
struct Demo;

fn main() {}
