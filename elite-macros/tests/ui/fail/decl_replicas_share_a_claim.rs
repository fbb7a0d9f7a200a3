//! DECL: replicas cannot share a ReadWriteOnce claim across nodes.

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
    pvc(data, mount = "/data", size = "1Gi"),
    stateless = "the data volume is a cache",
    workload = StatefulSet,
    replicas = 2,
)]
struct Demo;

fn main() {}
