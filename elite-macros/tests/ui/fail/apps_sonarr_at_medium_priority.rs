//! PRIO-2: Sonarr as the sample ran it, at vixens-medium. A copy of the declaration in apps/src/media.rs with that one change.

use elite_macros::elite;

#[elite(
    category = Media,
    size = Medium,
    priority = Medium,
    runtime = DotNet,
    image = "ghcr.io/linuxserver/sonarr:version-4.0.16.2944",
    port(http = 8989),
    liveness(http = "/ping", port = http, period = 20),
    readiness(http = "/ping", port = http),
    startup(http = "/ping", port = http, period = 10, failure_threshold = 18),
    ingress(port = http),
    pvc(config, mount = "/config", size = "1Gi"),
    nfs(downloads, mount = "/downloads", server = "192.168.111.69", path = "/volume3/Downloads"),
    nfs(tv, mount = "/tv", server = "192.168.111.69", path = "/volume3/Content", sub_path = "TV Show"),
    env(TZ = "Europe/Paris", SONARR__API_KEY = secret("API_KEY")),
    sqlite(sonarr, path = "/config/sonarr.db", profile = Standard),
    sqlite(logs, path = "/config/logs.db", profile = Ephemeral),
    config_sync(dir = "/config", exclude = ["*.log", "/logs/**", "/MediaCover/**"]),
)]
struct Sonarr;

fn main() {}
