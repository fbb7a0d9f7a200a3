//! DECL: a volume mounted at /tmp takes the generator's own scratch space: one error, at the mount
//! (not a second one for the database inside it).

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
    empty_dir(scratch, mount = "/tmp"),
    sqlite(main, path = "/tmp/app.db", profile = Standard),
)]
struct Demo;

fn main() {}
