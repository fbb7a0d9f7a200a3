//! 40-network.

use elite_core::*;

/// external-dns: Go, stateless (it reconciles DNS records from the cluster's Ingresses; its
/// state is the DNS provider itself). Not in the samples: well-known defaults of the upstream
/// chart (metrics and health on 7979, `/healthz`).
pub fn external_dns() -> AppSpec {
    AppBuilder::new("external-dns", Category::Network, "registry.k8s.io/external-dns/external-dns:v0.15.1")
        .size(Size::Small)
        .priority(Priority::High)
        .runtime(Runtime::Go)
        .args(["--source=ingress", "--provider=webhook", "--registry=txt", "--txt-owner-id=vixens"])
        .port("http", 7979)
        .liveness(Probe::http("/healthz", "http"))
        .readiness(Probe::http("/healthz", "http"))
        .stateless("reconciles DNS records from Ingresses; the DNS provider holds the state")
        .build()
        .unwrap_or_else(|v| panic!("external-dns breaks the Elite standard: {v:#?}"))
}

elite_gen::declare_app!(external_dns);
