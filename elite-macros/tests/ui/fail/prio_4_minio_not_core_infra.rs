//! PRIO-4: MinIO, the backup target, is core-infra at vixens-critical.

use elite_macros::elite;

#[elite(
    category = Infra,
    size = Small,
    priority = High,
    runtime = Go,
    image = "minio/minio:RELEASE.2025-01-20T14-49-07Z",
    port(http = 8080),
    liveness(http = "/health", port = http),
    readiness(http = "/health", port = http),
    stateless = "test",
)]
struct Minio;

fn main() {}
