//! 10-home.

use elite_macros::elite;

/// Home Assistant: Python (heavy: a startupProbe), mission-critical (facts from
/// `vixens-samples/apps/10-home/homeassistant`: image 2026.1.3, port 8123, CoIoT on 5683/UDP,
/// `/config/home-assistant_v2.db`, 1Gi of memory). Its recorder database is what the house
/// remembers: Critical (hourly snapshots, 14 days). The image runs as root; the sample's
/// filebrowser and busybox helpers are left out (a file browser is not part of the app).
#[elite(
    name = "homeassistant",
    category = Home,
    role = MissionCritical,
    size = Medium,
    priority = High,
    runtime = Python,
    image = "ghcr.io/home-assistant/home-assistant:2026.1.3",
    port(http = 8123),
    port(coiot = 5683, udp),
    liveness(http = "/manifest.json", port = http, period = 30),
    readiness(http = "/manifest.json", port = http),
    startup(http = "/manifest.json", port = http, period = 10, failure_threshold = 18),
    ingress(port = http, subdomain = "home"),
    pvc(config, mount = "/config", size = "5Gi"),
    env(TZ = "Europe/Paris"),
    sqlite(recorder, path = "/config/home-assistant_v2.db", profile = Critical),
    config_sync(dir = "/config", exclude = ["*.log*", "/tts/**", "/backups/**", "/.cache/**"]),
    exception(run_as_root = "the official image runs Home Assistant as root (no user switch), for host integrations"),
    exception(writable_root = "the official image installs integration requirements with pip at run time, into its own site-packages"),
    egress = ["internet:443", "192.168.0.0/16", "media/frigate:5000"],
    allow_from = ["192.168.0.0/16:5683/udp"],
)]
pub struct HomeAssistant;
