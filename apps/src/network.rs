//! 40-network.

use elite_macros::elite;

/// external-dns: Go, stateless (it reconciles DNS records from the cluster's Ingresses; its
/// state is the DNS provider itself). Not in the samples: well-known defaults of the upstream
/// chart (metrics and health on 7979, `/healthz`).
///
/// Its provider is a decision recorded here, since the sources do not name one: Cloudflare, the
/// public DNS of `truxonline.com`, through its built-in provider (no webhook sidecar), with an API
/// token from Infisical. It reads Services, Ingresses and their endpoints from the API, through
/// a read-only ClusterRole generated from `api(...)`, and talks to Cloudflare's API over HTTPS.
#[elite(
    category = Network,
    size = Small,
    priority = High,
    runtime = Go,
    image = "registry.k8s.io/external-dns/external-dns:v0.15.1",
    args = ["--source=ingress", "--provider=cloudflare", "--domain-filter=truxonline.com", "--registry=txt", "--txt-owner-id=vixens"],
    port(http = 7979),
    liveness(http = "/healthz", port = http),
    readiness(http = "/healthz", port = http),
    env(CF_API_TOKEN = secret("CF_API_TOKEN")),
    api(read = ["services", "endpoints", "pods", "nodes", "ingresses.networking.k8s.io", "endpointslices.discovery.k8s.io"]),
    egress = ["internet:443"],
    stateless = "reconciles DNS records from Ingresses; the DNS provider holds the state",
)]
pub struct ExternalDns;

/// AdGuard Home: the cluster's internal DNS, highly available (HA-1): two replicas on two nodes,
/// a PodDisruptionBudget keeping one, spread by hostname. From the sample
/// (`40-network/adguard-home`): image v0.107.71, web UI on 3000, DNS on 53 over UDP and TCP,
/// `/opt/adguardhome/conf` and `/opt/adguardhome/work`.
///
/// Durability, decided against the sample's bugs: AdGuard Home keeps no SQLite (`stats.db` is a
/// bbolt file, the query log is JSON), so nothing gets Litestream. Each replica's settings
/// (`AdGuardHome.yaml`) are restored at start and synced under its pod name (`adguard-home-0`,
/// `-1`), never to one shared path; statistics and query logs are per replica and Ephemeral. The
/// volumes are emptyDirs: two replicas cannot share a ReadWriteOnce claim, and the config is
/// restored from S3 wherever a replica lands.
#[elite(
    category = Network,
    role = MissionCritical,
    size = Small,
    priority = High,
    runtime = Go,
    workload = StatefulSet,
    replicas = 2,
    ha,
    image = "adguard/adguardhome:v0.107.71",
    port(http = 3000),
    port(dns = 53, udp),
    port(dns_tcp = 53),
    liveness(tcp = http),
    readiness(tcp = dns_tcp),
    empty_dir(conf, mount = "/opt/adguardhome/conf", size_limit = "64Mi"),
    empty_dir(work, mount = "/opt/adguardhome/work", size_limit = "2Gi"),
    bbolt(stats, path = "/opt/adguardhome/work/data/stats.db", profile = Ephemeral),
    config_sync(dir = "/opt/adguardhome/conf"),
    ingress(port = http, subdomain = "adguard"),
    egress = ["internet:53/udp,53,443,853"],
    allow_from = ["192.168.0.0/16:53/udp,53", "10.0.0.0/8:53/udp,53"],
)]
pub struct AdguardHome;
