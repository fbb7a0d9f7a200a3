//! DECL: an app's name leaves room for the suffixes of the names derived from it
//! (`<app>-s3-credentials`, 15 characters) in a 63-character DNS label: at most 48 characters.
//! Found by the property test: a 53-character name made a `-durability` ConfigMap name of 64.

use elite_macros::elite;

#[elite(
    name = "an-app-name-that-is-longer-than-forty-eight-chars",
    category = Media,
    size = Small,
    priority = High,
    runtime = Go,
    image = "example/demo:1.2.3",
    port(http = 8080),
    liveness(http = "/health", port = http),
    readiness(http = "/health", port = http),
    workload = StatefulSet,
    stateless = "test",
)]
struct Demo;

fn main() {}
