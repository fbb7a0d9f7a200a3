//! 40-network.

use elite_macros::elite;

/// external-dns: Go, stateless (it reconciles DNS records from the cluster's Ingresses; its
/// state is the DNS provider itself). Not in the samples: well-known defaults of the upstream
/// chart (metrics and health on 7979, `/healthz`).
#[elite(
    category = Network,
    size = Small,
    priority = High,
    runtime = Go,
    image = "registry.k8s.io/external-dns/external-dns:v0.15.1",
    args = ["--source=ingress", "--provider=webhook", "--registry=txt", "--txt-owner-id=vixens"],
    port(http = 7979),
    liveness(http = "/healthz", port = http),
    readiness(http = "/healthz", port = http),
    stateless = "reconciles DNS records from Ingresses; the DNS provider holds the state",
)]
pub struct ExternalDns;
