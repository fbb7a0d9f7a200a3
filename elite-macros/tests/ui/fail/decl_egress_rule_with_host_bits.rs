//! DECL: an access rule is read at compile time: a network with host bits set names the network
//! it means, at the string.

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
    stateless = "test",
    egress = ["internet:443", "192.168.1.10/24:53/udp"],
)]
struct Demo;

fn main() {}
