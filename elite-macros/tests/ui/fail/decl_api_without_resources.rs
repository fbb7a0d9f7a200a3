//! DECL: an app that reads the API says what it reads: `api(read = [])` names nothing.

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
    stateless = "test",
    api(read = []),
)]
struct Demo;

fn main() {}
