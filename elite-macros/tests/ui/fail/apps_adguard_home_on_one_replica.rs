//! HA-1: AdGuard Home, declared highly available, on one replica. A copy of the declaration in apps/src/network.rs with that one change.

use elite_macros::elite;

#[elite(
    category = Network,
    role = MissionCritical,
    size = Small,
    priority = High,
    runtime = Go,
    workload = StatefulSet,
    replicas = 1,
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
)]
struct AdguardHome;

fn main() {}
