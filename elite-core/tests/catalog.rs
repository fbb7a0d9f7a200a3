//! The rule catalog over declarations: a compliant app passes, and each broken rule is reported
//! with its id and the declaration key at fault. Edges of each band must pass.

use elite_core::rules::check_app;
use elite_core::*;

fn base() -> AppBuilder {
    AppBuilder::new("demo", Category::Media, "example/demo:1.2.3")
        .size(Size::Small)
        .priority(Priority::High)
        .runtime(Runtime::Go)
        .port("http", 8080)
        .liveness(Probe::http("/health", "http"))
        .readiness(Probe::http("/health", "http"))
        .volume("config", "/config", VolumeSource::Pvc { size_gi: 1, storage_class: None })
        .database("main", "/config/app.db", DbFormat::Sqlite, BackupProfile::Standard)
        .config_sync("/config", vec![])
}

/// The (rule, location) pairs of every violation.
fn broken(b: AppBuilder) -> Vec<(&'static str, String)> {
    check_app(b.spec()).into_iter().map(|v| (v.rule, v.at.0)).collect()
}

fn assert_only(b: AppBuilder, rule: &str, at: &str) {
    let v = broken(b);
    assert!(!v.is_empty(), "expected {rule} at {at}, the app passed");
    assert!(v.iter().all(|(r, a)| *r == rule && a == at), "expected only {rule} at `{at}`, got {v:?}");
}

#[test]
fn a_compliant_app_passes_every_rule() {
    assert_eq!(broken(base()), vec![]);
    assert!(base().build().is_ok());
}

#[test]
fn durability_must_be_stated() {
    let b = AppBuilder::new("x", Category::Tools, "example/x:1")
        .port("http", 80)
        .liveness(Probe::http("/", "http"))
        .readiness(Probe::http("/", "http"));
    let err = b.build().unwrap_err();
    assert_eq!(err[0].rule, "DUR-1");
}

#[test]
fn priority_rules() {
    assert_only(base().priority(Priority::Medium), "PRIO-2", "priority");
    assert_only(base().priority(Priority::Critical), "PRIO-3", "priority");
    assert_only(base().role(Role::CoreInfra), "PRIO-3", "priority");
    assert!(broken(base().role(Role::CoreInfra).priority(Priority::Critical)).is_empty());
    let minio = AppBuilder::new("minio", Category::Infra, "minio/minio:RELEASE.2025-01-20T14-49-07Z")
        .port("http", 9000)
        .liveness(Probe::http("/minio/health/live", "http"))
        .readiness(Probe::http("/minio/health/ready", "http"))
        .stateless("test");
    let v = broken(minio.clone());
    assert!(v.iter().any(|(r, _)| *r == "PRIO-4"), "{v:?}");
    assert!(broken(minio.role(Role::CoreInfra).priority(Priority::Critical)).is_empty());
}

#[test]
fn probe_rules() {
    let no_liveness = AppBuilder::new("demo", Category::Media, "example/demo:1.2.3")
        .port("http", 8080)
        .readiness(Probe::http("/health", "http"))
        .stateless("test");
    assert_only(no_liveness, "PROBE-1", "probes.liveness");
    assert_only(base().liveness(Probe::http("/h", "http").failure_threshold(5)), "PROBE-2", "probes.liveness");
    assert_only(base().runtime(Runtime::DotNet), "PROBE-3", "probes.startup");
    // A window of exactly 180 s passes; 181 s does not.
    let at = |delay: u32| {
        base()
            .runtime(Runtime::Python)
            .startup(Probe::http("/h", "http").initial_delay(delay).period(10).failure_threshold(17))
    };
    assert!(broken(at(10)).is_empty());
    assert_only(at(11), "PROBE-3", "probes.startup");
    assert_only(base().readiness(Probe::http("/h", "web")), "PROBE-4", "probes.readiness");
    assert!(broken(base().readiness(Probe::tcp(8080u16))).is_empty(), "a port number that is declared passes");
}

#[test]
fn size_rules_on_custom_sizes() {
    let custom = |cr: u32, cl: u32, mr: u32, ml: u32| {
        base().size(Size::Custom(Resources {
            cpu_request: Cpu(cr),
            cpu_limit: Cpu(cl),
            memory_request: Memory(mr),
            memory_limit: Memory(ml),
        }))
    };
    assert!(broken(custom(100, 1000, 512, 512)).is_empty(), "exactly 10% passes");
    assert!(broken(custom(250, 1000, 512, 512)).is_empty(), "exactly 25% passes");
    assert_only(custom(99, 1000, 512, 512), "SIZE-3", "size");
    assert_only(custom(251, 1000, 512, 512), "SIZE-3", "size");
    assert_only(custom(100, 1000, 256, 512), "SIZE-2", "size");
    assert!(broken(base().size(Size::Large)).is_empty(), "presets are exempt from the band (Large is 50%)");
}

#[test]
fn durability_rules() {
    assert_only(
        base().database("far", "/elsewhere/x.db", DbFormat::Sqlite, BackupProfile::Relaxed),
        "DUR-4",
        "databases[1].path",
    );
    assert_only(base().database("rel", "x.db", DbFormat::Sqlite, BackupProfile::Relaxed), "DUR-4", "databases[1].path");
    assert_only(
        base().database("main", "/config/b.db", DbFormat::Sqlite, BackupProfile::Relaxed),
        "DUR-5",
        "databases[1].path",
    );
    // Two replicas: each would replicate the database to one path (DUR-6), sync the config to one
    // prefix from pods with no stable name (DUR-5), and mount one ReadWriteOnce claim (DECL).
    let v = broken(base().replicas(2));
    assert_eq!(
        v,
        vec![("DUR-5", "replicas".to_owned()), ("DUR-6", "replicas".to_owned()), ("DECL", "volumes[0]".to_owned())]
    );
    // A StatefulSet does not make one database two writers' ...
    let sts = || base().replicas(2).workload(WorkloadKind::StatefulSet);
    assert!(broken(sts()).contains(&("DUR-6", "replicas".to_owned())));
    // ... but its pods sync their config each under its own name, on storage of their own; and a
    // bbolt file is never replicated, so it has no single-writer issue.
    let replicas = || {
        AppBuilder::new("demo", Category::Network, "example/demo:1.2.3")
            .port("http", 8080)
            .liveness(Probe::http("/health", "http"))
            .readiness(Probe::http("/health", "http"))
            .volume("conf", "/conf", VolumeSource::EmptyDir { size_limit_mi: None })
            .database("stats", "/conf/stats.db", DbFormat::Bbolt, BackupProfile::Ephemeral)
            .config_sync("/conf", vec![])
            .replicas(2)
    };
    assert!(broken(replicas().workload(WorkloadKind::StatefulSet)).is_empty());
    assert_only(replicas(), "DUR-5", "replicas");
    assert_only(base().env("TZ", "UTC").env("ADMIN_PASSWORD", "hunter2"), "DUR-7", "env[1]");
    assert!(broken(base().secret_env("ADMIN_PASSWORD", "ADMIN_PASSWORD")).is_empty());
    assert_only(base().command(["sh", "-c"]).args(["apk add curl && exec app"]), "DUR-9", "args");
}

#[test]
fn meta_and_security_rules() {
    let img = |i: &str| {
        AppBuilder::new("demo", Category::Media, i)
            .port("http", 8080)
            .liveness(Probe::http("/", "http"))
            .readiness(Probe::http("/", "http"))
            .stateless("t")
    };
    assert_only(img("example/demo"), "META-1", "image");
    assert_only(img("example/demo:latest"), "META-1", "image");
    assert!(broken(img("registry:5000/demo@sha256:abc")).is_empty());
    assert!(broken(img("registry:5000/demo:1.0")).is_empty());
    // An exception without a reason is not documented: reported at the exception, and the root
    // container it would allow is reported too.
    let v = broken(base().exception(ExceptionKind::RunAsRoot, "  "));
    assert!(v.contains(&("SEC-1", "exceptions[0]".to_owned())) && v.iter().all(|(r, _)| *r == "SEC-1"), "{v:?}");
    assert!(broken(base().exception(ExceptionKind::RunAsRoot, "s6-overlay starts as root")).is_empty());
}

#[test]
fn ha_rule() {
    let ha = |n: u16| {
        AppBuilder::new("dns", Category::Network, "adguard/adguardhome:v0.107.57")
            .role(Role::MissionCritical)
            .port("http", 3000)
            .liveness(Probe::http("/", "http"))
            .readiness(Probe::http("/", "http"))
            .stateless("t")
            .ha()
            .replicas(n)
    };
    assert_only(ha(1), "HA-1", "replicas");
    assert!(broken(ha(2)).is_empty());
}

#[test]
fn every_rule_of_the_standard_is_in_the_catalog() {
    let spec = include_str!("../../../shared/ELITE-STANDARD.md");
    let ids: std::collections::BTreeSet<String> = spec
        .split("**")
        .filter(|s| s.len() < 12 && s.contains('-') && s.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
        .map(str::to_owned)
        .collect();
    assert!(ids.len() >= 29, "{ids:?}");
    for id in &ids {
        assert!(rules::rule(id).is_some(), "{id} of ELITE-STANDARD.md has no catalog entry");
    }
    assert_eq!(CATALOG.len(), ids.len(), "the catalog has no rule the standard lacks");
}
