//! Declared isolation compiles: egress and allow_from rules, an app that reads the API, and both
//! exceptions with their reasons; the spec carries each as written.

use elite_core::{Elite, ExceptionKind};
use elite_macros::elite;

#[elite(
    category = Network,
    size = Small,
    priority = High,
    runtime = Go,
    image = "example/dns-sync:1.0.0",
    port(http = 7979),
    liveness(http = "/healthz", port = http),
    readiness(http = "/healthz", port = http),
    stateless = "reconciles records; the provider holds the state",
    egress = ["internet:443", "10.0.0.0/8:53/udp,53", "infra/minio:9000", "media/*"],
    allow_from = ["monitoring/prometheus:7979"],
    api(read = ["services", "ingresses.networking.k8s.io"]),
    exception(writable_root = "writes its cache next to the binary"),
    exception(run_as_root = "binds a privileged port"),
)]
struct DnsSync;

fn main() {
    let spec = DnsSync::spec();
    let egress: Vec<String> = spec.egress.iter().map(ToString::to_string).collect();
    assert_eq!(egress, ["internet:443", "10.0.0.0/8:53,53/udp", "infra/minio:9000", "media/*"]);
    assert_eq!(spec.allow_from[0].to_string(), "monitoring/prometheus:7979");
    assert_eq!(spec.api.unwrap().read.len(), 2);
    assert!(spec.exceptions.iter().any(|e| e.kind == ExceptionKind::WritableRoot));
    assert!(spec.exceptions.iter().any(|e| e.kind == ExceptionKind::RunAsRoot));
}
