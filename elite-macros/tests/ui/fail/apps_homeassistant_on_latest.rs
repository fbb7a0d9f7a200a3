//! META-1: Home Assistant on the moving `latest` tag. A copy of the declaration in apps/src/home.rs with that one change.

use elite_macros::elite;

#[elite(
    name = "homeassistant",
    category = Home,
    role = MissionCritical,
    size = Medium,
    priority = High,
    runtime = Python,
    image = "ghcr.io/home-assistant/home-assistant:latest",
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
)]
struct HomeAssistant;

fn main() {}
