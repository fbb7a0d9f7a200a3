//! DUR-6: a Deployment with a replicated database has one replica.

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
    sqlite(main, path = "/config/app.db", profile = Standard),
    replicas = 2,
)]
struct Demo;

fn main() {}
