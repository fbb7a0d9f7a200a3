//! DUR-5: the replicas of a Deployment have no stable name: syncing their config to one prefix,
//! each would delete the other's files.

use elite_macros::elite;

#[elite(
    category = Network,
    size = Small,
    priority = High,
    runtime = Go,
    image = "example/demo:1.2.3",
    port(http = 8080),
    liveness(http = "/health", port = http),
    readiness(http = "/health", port = http),
    empty_dir(conf, mount = "/conf"),
    config_sync = "/conf",
    replicas = 3,
)]
struct Demo;

fn main() {}
