//! DUR-6: a StatefulSet is no way around it: two replicas would replicate their own copies of the
//! database to the same path (the sample AdGuard Home did this).

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
    sqlite(main, path = "/data/app.db", profile = Standard),
    workload = StatefulSet,
    replicas = 2,
)]
struct Demo;

fn main() {}
