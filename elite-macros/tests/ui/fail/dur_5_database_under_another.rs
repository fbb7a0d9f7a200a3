//! DUR-5: a database cannot lie under another's path: the other is a file, not a folder. Found by
//! the property test (`/config/app` and `/config/app/x.db` were both accepted).

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
    sqlite(main, path = "/config/app", profile = Standard),
    sqlite(other, path = "/config/app/x.db", profile = Standard),
)]
struct Demo;

fn main() {}
