//! `mount(...)` mounts a volume declared with `pvc`, `nfs` or `empty_dir`.

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
    mount(data, path = "/data"),
    stateless = "test",
)]
struct Demo;

fn main() {}
