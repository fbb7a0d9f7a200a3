//! Declarations on the edge of a rule compile, and what runs is what was declared.

use elite_core::{Elite, model::*};
use elite_macros::elite;

/// PROBE-3: a startup window of exactly 180 s (0 + 10 x 18) is allowed for a heavy runtime.
#[elite(
    category = Media, size = Medium, priority = High, runtime = DotNet,
    image = "ghcr.io/linuxserver/sonarr:version-4.0.16.2944",
    port(http = 8989),
    liveness(http = "/ping", port = http),
    readiness(http = "/ping", port = http),
    startup(http = "/ping", port = http, period = 10, failure_threshold = 18),
    stateless = "test",
)]
struct StartupAt180;

/// SIZE-3: a custom CPU request of exactly 10% of the limit.
#[elite(
    category = Tools, size = Custom(cpu_request = "100m", cpu_limit = "1", memory = "768Mi"), priority = High,
    runtime = Go, image = "example/tool:1.0", port(http = 80),
    liveness(tcp = http), readiness(tcp = 80), stateless = "test",
)]
struct CpuAt10Percent;

/// SIZE-3: exactly 25%, with memory request and limit written apart (and equal, SIZE-2).
#[elite(
    category = Tools,
    size = Custom(cpu_request = "250m", cpu_limit = "1", memory_request = "1Gi", memory_limit = "1024Mi"),
    priority = High, runtime = Go, image = "example/tool:1.0", port(http = 80),
    liveness(tcp = http), readiness(tcp = http), stateless = "test",
)]
struct CpuAt25Percent;

/// HA-1 with exactly 2 replicas; SEC-1 with a documented exception; DUR-5 lets the pods of a
/// StatefulSet sync their config (each under its own name); PRIO-3 core-infra at Critical; a
/// digest is pinned (META-1).
#[elite(
    name = "adguard-home", category = Network, role = CoreInfra, size = Small, priority = Critical,
    runtime = Go, image = "adguard/adguardhome:v0.107.57@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    port(http = 3000), port(dns = 53, udp), port(dns_tcp = 53),
    liveness(http = "/", port = http), readiness(tcp = dns_tcp),
    empty_dir(work, mount = "/opt/adguardhome/work", size_limit = "2Gi"),
    bbolt(stats, path = "/opt/adguardhome/work/stats.db", profile = Ephemeral),
    config_sync(dir = "/opt/adguardhome/work", exclude = ["/data/querylog.json*"]),
    ha, replicas = 2, workload = StatefulSet,
    exception(run_as_root = "s6-overlay starts as root and drops privileges itself"),
    env(TZ = "Europe/Paris", ADMIN_PASSWORD = secret("ADMIN_PASSWORD")),
    environments = [Prod],
)]
struct AdguardHome;

/// Quantities in any form, an extra mount of a declared volume (declared after it), a sub-path on
/// an emptyDir, an environment variable named like a keyword.
#[elite(
    category = Tools, priority = High, runtime = Go, image = "example/tool:1.0",
    size = Custom(cpu_request = "0.1", cpu_limit = "0.5", memory = "1.5Gi"),
    port(http = 80), liveness(tcp = http), readiness(tcp = http),
    mount(config, path = "/app/settings.json", sub_path = "settings.json", read_only),
    pvc(config, mount = "/config", size = "0.5Gi"),
    empty_dir(scratch, mount = "/var/cache/app", sub_path = "cache"),
    env(r#type = "x"),
    sqlite(db, path = "/config/./app.db", profile = Relaxed),
)]
struct Quantities;

fn main() {
    let startup = StartupAt180::spec().probes.startup.expect("declared");
    assert_eq!(startup.window_seconds(), 180);
    assert_eq!(CpuAt10Percent::spec().size.unwrap().resources().cpu_request.millis(), 100);
    assert_eq!(CpuAt25Percent::NAME, "cpu-at25-percent");

    let adguard = AdguardHome::spec();
    assert_eq!(AdguardHome::NAME, "adguard-home");
    assert_eq!(adguard.ports.iter().map(|p| (p.name.as_str(), p.number, p.protocol)).collect::<Vec<_>>(), [
        ("http", 3000, Protocol::Tcp),
        ("dns", 53, Protocol::Udp),
        ("dns-tcp", 53, Protocol::Tcp)
    ]);
    assert_eq!(adguard.env[1].value, EnvValue::Secret(SecretKey { secret: "ADMIN_PASSWORD".into() }));
    assert_eq!(adguard.exceptions[0].kind, ExceptionKind::RunAsRoot);
    assert_eq!(adguard.environments, [Environment::Prod]);
    assert_eq!(adguard.durability.databases().len(), 1);
    assert!(elite_core::rules::check_app(&adguard, elite_core::rules::Door::Dsl).is_empty());

    // Any Kubernetes quantity; one volume mounted twice, with sub-paths; raw identifiers.
    let q = Quantities::spec();
    assert_eq!(q.size.unwrap().resources().memory_limit.to_string(), "1536Mi");
    assert_eq!(q.size.unwrap().resources().cpu_limit.millis(), 500);
    assert_eq!(q.volumes[0].mounts.len(), 2);
    assert_eq!(q.volumes[0].mounts[1].sub_path.as_deref(), Some("settings.json"));
    assert!(q.volumes[0].mounts[1].read_only);
    assert_eq!(q.volumes[1].mounts[0].sub_path.as_deref(), Some("cache"));
    assert_eq!(q.env[0].name, "type");

    // Every declared struct is registered, sorted by folder (20-media, 40-network, 70-tools), then name.
    let names: Vec<String> = elite_core::registry::collect().into_iter().map(|a| a.name).collect();
    assert_eq!(names, ["startup-at180", "adguard-home", "cpu-at10-percent", "cpu-at25-percent", "quantities"]);
}
