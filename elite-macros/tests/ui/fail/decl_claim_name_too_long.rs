//! DECL: a claim is named `<app>-<volume>`, a DNS label of at most 63 characters. Found by the
//! property test (a long app name and a long volume name).

use elite_macros::elite;

#[elite(
    name = "a-forty-character-app-name-for-the-tests",
    category = Media,
    size = Small,
    priority = High,
    runtime = Go,
    image = "example/demo:1.2.3",
    port(http = 8080),
    liveness(http = "/health", port = http),
    readiness(http = "/health", port = http),
    pvc(a_volume_name_of_twenty_six, mount = "/data", size = "1Gi"),
    sqlite(main, path = "/data/app.db", profile = Standard),
)]
struct Demo;

fn main() {}
