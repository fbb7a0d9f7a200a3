//! DECL: a StatefulSet's name leaves room for the controller-revision hash (52 characters).

use elite_macros::elite;

#[elite(
    name = "a-statefulset-name-that-is-longer-than-fifty-two-chars",
    category = Media,
    size = Small,
    priority = High,
    runtime = Go,
    image = "example/demo:1.2.3",
    port(http = 8080),
    liveness(http = "/health", port = http),
    readiness(http = "/health", port = http),
    workload = StatefulSet,
    stateless = "test",
)]
struct Demo;

fn main() {}
