//! A custom size gives memory once: both forms are an error.

use elite_macros::elite;

#[elite(
    category = Media,
    size = Custom(cpu_request = "100m", cpu_limit = "1", memory = "1Gi", memory_request = "1Gi"),
    priority = High,
    runtime = Go,
    image = "example/demo:1.2.3",
    port(http = 8080),
    liveness(http = "/health", port = http),
    readiness(http = "/health", port = http),
    stateless = "test",
)]
struct Demo;

fn main() {}
