//! DUR-7: a URL with a password is a credential, whatever the variable's name.

use elite_macros::elite;

#[elite(
    category = Media,
    size = Small,
    priority = High,
    runtime = Go,
    image = "example/demo:1.2.3",
    port(http = 8080),
    liveness(http = "/health", port = http),
    readiness(http = "/health", port = http),
    pvc(config, mount = "/config", size = "1Gi"),
    sqlite(main, path = "/config/app.db", profile = Standard),
    config_sync = "/config",
    env(DATABASE = "postgres://app:s3cret@db:5432/app"),
)]
struct Demo;

fn main() {}
