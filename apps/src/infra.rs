//! 00-infra.

use elite_macros::elite;

/// MinIO: the S3 target every restore step and every replica of the cluster uses, so it is
/// core-infra at vixens-critical (PRIO-4), deployed in the first wave. Not in the samples:
/// upstream defaults (API on 9000, console on 9001, `/minio/health/live` and `/ready`).
///
/// Its durability: MinIO cannot back itself up to itself, and a restore step reading MinIO to
/// restore MinIO would have nothing to read. Its data lives on the Synology NAS (an NFS export),
/// whose snapshots and off-site replication protect it; the pod itself keeps no state, so it is
/// declared stateless, with that reason.
#[elite(
    category = Infra,
    role = CoreInfra,
    size = Medium,
    priority = Critical,
    runtime = Go,
    image = "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z",
    args = ["server", "/data", "--console-address", ":9001"],
    port(api = 9000, console = 9001),
    liveness(http = "/minio/health/live", port = api),
    readiness(http = "/minio/health/ready", port = api),
    ingress(port = console, subdomain = "minio"),
    nfs(data, mount = "/data", server = "192.168.111.69", path = "/volume1/minio"),
    env(MINIO_ROOT_USER = secret("ROOT_USER"), MINIO_ROOT_PASSWORD = secret("ROOT_PASSWORD"), HOME = "/tmp"),
    allow_from = ["media/*:9000", "home/*:9000", "network/*:9000", "services/*:9000"],
    stateless = "the data is on the NAS (NFS), protected by its snapshots and off-site replication; MinIO cannot be its own backup target",
)]
pub struct Minio;
