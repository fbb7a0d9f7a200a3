//! DUR-5, DUR-6, DECL: Radarr scaled to two replicas would replicate radarr.db to one path,
//! sync /config to one prefix, and mount one ReadWriteOnce claim from two nodes. A copy of the declaration in apps/src/media.rs with that one change.

use elite_macros::elite;

#[elite(
    category = Media,
    size = Medium,
    priority = High,
    runtime = DotNet,
    image = "ghcr.io/linuxserver/radarr:version-6.0.4.10291",
    port(http = 7878),
    liveness(http = "/ping", port = http, period = 20),
    readiness(http = "/ping", port = http),
    startup(http = "/ping", port = http, period = 10, failure_threshold = 18),
    ingress(port = http),
    replicas = 2,
    pvc(config, mount = "/config", size = "1Gi"),
    nfs(downloads, mount = "/downloads", server = "192.168.111.69", path = "/volume3/Downloads"),
    nfs(movies, mount = "/movies", server = "192.168.111.69", path = "/volume3/Content", sub_path = "movies"),
    env(TZ = "Europe/Paris", RADARR__API_KEY = secret("API_KEY")),
    sqlite(radarr, path = "/config/radarr.db", profile = Standard),
    sqlite(logs, path = "/config/logs.db", profile = Ephemeral),
    config_sync(dir = "/config", exclude = ["*.log", "/logs/**", "/MediaCover/**"]),
)]
struct Radarr;

fn main() {}
