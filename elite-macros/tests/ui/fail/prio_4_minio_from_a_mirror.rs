//! PRIO-4: MinIO is recognized by its repository, wherever it is hosted.

use elite_macros::elite;

#[elite(
    name = "object-store",
    category = Infra,
    size = Small,
    priority = High,
    runtime = Go,
    image = "registry.lan:5000/mirror/minio/minio:RELEASE.2025-09-07T16-13-09Z",
    port(http = 8080),
    liveness(http = "/health", port = http),
    readiness(http = "/health", port = http),
    stateless = "test",
)]
struct Demo;

fn main() {}
