//! 20-media.

use elite_macros::elite;

/// Sonarr: .NET, one SQLite database and its config directory at /config (facts from
/// `vixens-samples/apps/20-media/sonarr`). The linuxserver image supports running as a
/// non-root user, so no exception is needed.
#[elite(
    category = Media,
    size = Medium,
    priority = High,
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
    exception(writable_root = "a linuxserver s6-overlay image: it writes its service tree under /run and /etc at start"),
    egress = ["internet:80,443", "media/prowlarr:9696", "media/sabnzbd:8080"],
    allow_from = ["media/prowlarr"],
)]
pub struct Sonarr;

/// Radarr: .NET, like Sonarr (facts from `vixens-samples/apps/20-media/radarr`: image, port
/// 7878, `/ping`, `/config/radarr.db`, the downloads and movies NFS exports).
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
    pvc(config, mount = "/config", size = "1Gi"),
    nfs(downloads, mount = "/downloads", server = "192.168.111.69", path = "/volume3/Downloads"),
    nfs(movies, mount = "/movies", server = "192.168.111.69", path = "/volume3/Content", sub_path = "movies"),
    env(TZ = "Europe/Paris", RADARR__API_KEY = secret("API_KEY")),
    sqlite(radarr, path = "/config/radarr.db", profile = Standard),
    sqlite(logs, path = "/config/logs.db", profile = Ephemeral),
    config_sync(dir = "/config", exclude = ["*.log", "/logs/**", "/MediaCover/**"]),
    exception(writable_root = "a linuxserver s6-overlay image: it writes its service tree under /run and /etc at start"),
    egress = ["internet:80,443", "media/prowlarr:9696", "media/sabnzbd:8080"],
    allow_from = ["media/prowlarr"],
)]
pub struct Radarr;

/// Lidarr: the *arr for music. Not in the samples: the upstream defaults of the *arr family
/// (port 8686, `/ping`, `lidarr.db` and `logs.db` in /config); the image tag is the linuxserver
/// release current when this was written.
#[elite(
    category = Media,
    size = Medium,
    priority = High,
    runtime = DotNet,
    image = "ghcr.io/linuxserver/lidarr:version-2.13.3.4711",
    port(http = 8686),
    liveness(http = "/ping", port = http, period = 20),
    readiness(http = "/ping", port = http),
    startup(http = "/ping", port = http, period = 10, failure_threshold = 18),
    ingress(port = http),
    pvc(config, mount = "/config", size = "1Gi"),
    nfs(downloads, mount = "/downloads", server = "192.168.111.69", path = "/volume3/Downloads"),
    nfs(music, mount = "/music", server = "192.168.111.69", path = "/volume3/Content", sub_path = "music"),
    env(TZ = "Europe/Paris", LIDARR__API_KEY = secret("API_KEY")),
    sqlite(lidarr, path = "/config/lidarr.db", profile = Standard),
    sqlite(logs, path = "/config/logs.db", profile = Ephemeral),
    config_sync(dir = "/config", exclude = ["*.log", "/logs/**", "/MediaCover/**"]),
    exception(writable_root = "a linuxserver s6-overlay image: it writes its service tree under /run and /etc at start"),
    egress = ["internet:80,443", "media/prowlarr:9696", "media/sabnzbd:8080"],
    allow_from = ["media/prowlarr"],
)]
pub struct Lidarr;

/// Prowlarr: the indexer manager of the *arr apps. Not in the samples: upstream defaults (port
/// 9696, `/ping`, `prowlarr.db` and `logs.db`); no media volumes.
#[elite(
    category = Media,
    size = Small,
    priority = High,
    runtime = DotNet,
    image = "ghcr.io/linuxserver/prowlarr:version-2.0.5.5160",
    port(http = 9696),
    liveness(http = "/ping", port = http, period = 20),
    readiness(http = "/ping", port = http),
    startup(http = "/ping", port = http, period = 10, failure_threshold = 18),
    ingress(port = http),
    pvc(config, mount = "/config", size = "1Gi"),
    env(TZ = "Europe/Paris", PROWLARR__API_KEY = secret("API_KEY")),
    sqlite(prowlarr, path = "/config/prowlarr.db", profile = Standard),
    sqlite(logs, path = "/config/logs.db", profile = Ephemeral),
    config_sync(dir = "/config", exclude = ["*.log", "/logs/**"]),
    exception(writable_root = "a linuxserver s6-overlay image: it writes its service tree under /run and /etc at start"),
    egress = ["internet:80,443", "media/sonarr:8989", "media/radarr:7878", "media/lidarr:8686", "media/whisparr:6969"],
    allow_from = ["media/sonarr:9696", "media/radarr:9696", "media/lidarr:9696", "media/whisparr:9696"],
)]
pub struct Prowlarr;

/// Whisparr: an *arr. Not in the samples: upstream defaults (port 6969, `/ping`,
/// `whisparr2.db` and `logs.db`; hotio publishes the image).
#[elite(
    category = Media,
    size = Medium,
    priority = High,
    runtime = DotNet,
    image = "ghcr.io/hotio/whisparr:v3-3.0.0.1123",
    port(http = 6969),
    liveness(http = "/ping", port = http, period = 20),
    readiness(http = "/ping", port = http),
    startup(http = "/ping", port = http, period = 10, failure_threshold = 18),
    ingress(port = http),
    pvc(config, mount = "/config", size = "1Gi"),
    nfs(downloads, mount = "/downloads", server = "192.168.111.69", path = "/volume3/Downloads"),
    env(TZ = "Europe/Paris", WHISPARR__API_KEY = secret("API_KEY")),
    sqlite(whisparr, path = "/config/whisparr2.db", profile = Standard),
    sqlite(logs, path = "/config/logs.db", profile = Ephemeral),
    config_sync(dir = "/config", exclude = ["*.log", "/logs/**", "/MediaCover/**"]),
    exception(writable_root = "a hotio s6-overlay image: it writes its service tree under /run and /etc at start"),
    egress = ["internet:80,443", "media/prowlarr:9696", "media/sabnzbd:8080"],
    allow_from = ["media/prowlarr"],
)]
pub struct Whisparr;

/// SABnzbd: Python (a startupProbe, PROBE-3). Not in the samples: upstream defaults (port 8080,
/// `sabnzbd.ini` in /config, no SQLite worth replicating: its `history1.db` is a log of past
/// downloads, Ephemeral). The config directory is synced.
#[elite(
    category = Media,
    size = Medium,
    priority = High,
    runtime = Python,
    image = "ghcr.io/linuxserver/sabnzbd:version-4.5.3",
    port(http = 8080),
    liveness(http = "/", port = http, period = 20),
    readiness(http = "/", port = http),
    startup(http = "/", port = http, period = 10, failure_threshold = 18),
    ingress(port = http),
    pvc(config, mount = "/config", size = "1Gi"),
    nfs(downloads, mount = "/downloads", server = "192.168.111.69", path = "/volume3/Downloads"),
    env(TZ = "Europe/Paris", SABNZBD__API_KEY = secret("API_KEY")),
    sqlite(history, path = "/config/admin/history1.db", profile = Ephemeral),
    config_sync(dir = "/config", exclude = ["*.log", "/logs/**", "/Downloads/**"]),
    exception(writable_root = "a linuxserver s6-overlay image: it writes its service tree under /run and /etc at start"),
    egress = ["internet:443,563,119"],
    allow_from = ["media/sonarr:8080", "media/radarr:8080", "media/lidarr:8080", "media/whisparr:8080", "media/mylar:8080"],
)]
pub struct Sabnzbd;

/// Mylar3: comics, Python. Not in the samples: upstream defaults (port 8090, `mylar.db` and
/// `config.ini` under /config/mylar).
#[elite(
    category = Media,
    size = Small,
    priority = High,
    runtime = Python,
    image = "ghcr.io/linuxserver/mylar3:version-v0.8.3",
    port(http = 8090),
    liveness(http = "/", port = http, period = 20),
    readiness(http = "/", port = http),
    startup(http = "/", port = http, period = 10, failure_threshold = 18),
    ingress(port = http),
    pvc(config, mount = "/config", size = "1Gi"),
    nfs(comics, mount = "/comics", server = "192.168.111.69", path = "/volume3/Content", sub_path = "comics"),
    env(TZ = "Europe/Paris"),
    sqlite(mylar, path = "/config/mylar/mylar.db", profile = Standard),
    config_sync(dir = "/config", exclude = ["*.log", "/mylar/logs/**", "/mylar/cache/**"]),
    exception(writable_root = "a linuxserver s6-overlay image: it writes its service tree under /run and /etc at start"),
    egress = ["internet:80,443", "media/sabnzbd:8080"],
)]
pub struct Mylar;

/// Frigate: AI video (Python, object detection): heavy, Large. Not in the samples: upstream
/// defaults (UI and API on 5000, RTSP restream on 8554, WebRTC on 8555 over TCP and UDP,
/// `/config/frigate.db`, recordings on the NAS). Its image starts as root (s6-overlay).
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
    startup(http = "/api/version", port = http, period = 10, failure_threshold = 18),
    ingress(port = http),
    pvc(config, mount = "/config", size = "2Gi"),
    nfs(media, mount = "/media/frigate", server = "192.168.111.69", path = "/volume3/Frigate"),
    empty_dir(cache, mount = "/tmp/cache", size_limit = "1Gi"),
    env(TZ = "Europe/Paris", FRIGATE_RTSP_PASSWORD = secret("RTSP_PASSWORD")),
    sqlite(frigate, path = "/config/frigate.db", profile = Standard),
    config_sync(dir = "/config", exclude = ["/model_cache/**", "*.log"]),
    exception(run_as_root = "the s6-overlay image starts as root to set up devices, then drops privileges"),
    exception(writable_root = "the s6-overlay image writes its service tree and nginx state under /run, /etc and /usr/local/nginx at start"),
    egress = ["192.168.0.0/16:554,8554"],
    allow_from = ["192.168.0.0/16:8554,8555,8555/udp", "home/homeassistant:5000"],
)]
pub struct Frigate;

/// Jellyfin: .NET media server, Large. Not in the samples: upstream defaults (port 8096,
/// `/health`, `jellyfin.db` and `library.db` in /config/data, a transcode cache).
#[elite(
    category = Media,
    size = Large,
    priority = High,
    runtime = DotNet,
    image = "jellyfin/jellyfin:10.10.7",
    port(http = 8096),
    liveness(http = "/health", port = http, period = 20),
    readiness(http = "/health", port = http),
    startup(http = "/health", port = http, period = 10, failure_threshold = 18),
    ingress(port = http),
    pvc(config, mount = "/config", size = "10Gi"),
    empty_dir(cache, mount = "/cache", size_limit = "10Gi"),
    nfs(media, mount = "/media", server = "192.168.111.69", path = "/volume3/Content", read_only),
    env(TZ = "Europe/Paris"),
    sqlite(jellyfin, path = "/config/data/jellyfin.db", profile = Standard),
    sqlite(library, path = "/config/data/library.db", profile = Standard),
    config_sync(dir = "/config", exclude = ["/metadata/**", "/log/**", "/transcodes/**"]),
    egress = ["internet:443"],
)]
pub struct Jellyfin;
