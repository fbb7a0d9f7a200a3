//! PRIO-3 and PRIO-4: MinIO, the backup target, at vixens-high. A copy of the declaration in apps/src/infra.rs with that one change.

use elite_macros::elite;

#[elite(
    category = Infra,
    role = CoreInfra,
    size = Medium,
    priority = High,
    runtime = Go,
    image = "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z",
    args = ["server", "/data", "--console-address", ":9001"],
    port(api = 9000, console = 9001),
    liveness(http = "/minio/health/live", port = api),
    readiness(http = "/minio/health/ready", port = api),
    ingress(port = console, subdomain = "minio"),
    nfs(data, mount = "/data", server = "192.168.111.69", path = "/volume1/minio"),
    env(MINIO_ROOT_USER = secret("ROOT_USER"), MINIO_ROOT_PASSWORD = secret("ROOT_PASSWORD")),
    stateless = "the data is on the NAS (NFS), protected by its snapshots and off-site replication; MinIO cannot be its own backup target",
)]
struct Minio;

fn main() {}
