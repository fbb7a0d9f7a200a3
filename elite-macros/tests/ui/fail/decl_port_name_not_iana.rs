//! DECL: a port name is an IANA service name (at most 15 characters, with a letter).

use elite_macros::elite;

#[elite(
    category = Media,
    size = Small,
    priority = High,
    runtime = Go,
    image = "example/demo:1.2.3",
    port(admin_interface_http = 8080),
    liveness(tcp = 8080),
    readiness(tcp = 8080),
    pvc(config, mount = "/config", size = "1Gi"),
    sqlite(main, path = "/config/app.db", profile = Standard),
    config_sync = "/config",
)]
struct Demo;

fn main() {}
