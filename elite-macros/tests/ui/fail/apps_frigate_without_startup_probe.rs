//! PROBE-3: Frigate (Python) without its startupProbe. A copy of the declaration in apps/src/media.rs with that one change.

use elite_macros::elite;

#[elite(
    category = Media,
    size = Large,
    priority = High,
    runtime = Python,
    image = "ghcr.io/blakeblackshear/frigate:0.16.1",
    port(http = 5000, rtsp = 8554, webrtc = 8555),
    port(webrtc_udp = 8555, udp),
    liveness(http = "/api/version", port = http, period = 20),
    readiness(http = "/api/version", port = http),
    ingress(port = http),
    pvc(config, mount = "/config", size = "2Gi"),
    nfs(media, mount = "/media/frigate", server = "192.168.111.69", path = "/volume3/Frigate"),
    empty_dir(cache, mount = "/tmp/cache", size_limit = "1Gi"),
    env(TZ = "Europe/Paris", FRIGATE_RTSP_PASSWORD = secret("RTSP_PASSWORD")),
    sqlite(frigate, path = "/config/frigate.db", profile = Standard),
    config_sync(dir = "/config", exclude = ["/model_cache/**", "*.log"]),
    exception(run_as_root = "the s6-overlay image starts as root to set up devices, then drops privileges"),
)]
struct Frigate;

fn main() {}
