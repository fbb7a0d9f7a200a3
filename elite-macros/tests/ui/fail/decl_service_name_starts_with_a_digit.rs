//! DECL: the app's name names its Service, a DNS-1035 label: it starts with a letter.

use elite_macros::elite;

#[elite(
    name = "8ball",
    category = Media,
    size = Small,
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
