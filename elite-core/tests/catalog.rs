//! The rule catalog over declarations: a compliant app passes, each broken rule is reported with
//! its id and the pointer of the field at fault, edges of each band pass, and what a declaration
//! must state is reported when it is not.

use elite_core::rules::{Door, RuleId, check_app};
use elite_core::*;

fn pvc(gi: u64) -> VolumeSource {
    VolumeSource::Pvc(PvcSource { size: Memory(gi * Memory::GI), storage_class: None })
}

fn base() -> AppBuilder {
    AppBuilder::new("demo", Category::Media, "example/demo:1.2.3")
        .size(Size::Small)
        .priority(Priority::High)
        .runtime(Runtime::Go)
        .port("http", 8080)
        .liveness(Probe::http("/health", "http"))
        .readiness(Probe::http("/health", "http"))
        .volume("config", "/config", pvc(1))
        .database("main", "/config/app.db", DbFormat::Sqlite, BackupProfile::Standard)
        .config_sync("/config", Vec::<String>::new())
}

/// The (rule, pointer) pairs of every violation.
fn broken(b: AppBuilder) -> Vec<(RuleId, String)> {
    check_app(b.spec(), Door::Builder).into_iter().map(|v| (v.rule, v.at.to_string())).collect()
}

#[track_caller]
fn assert_only(b: AppBuilder, rule: RuleId, at: &str) {
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
fn what_a_declaration_must_state_is_reported_when_it_is_not() {
    let bare = AppBuilder::new("x", Category::Tools, "example/x:1")
        .port("http", 80)
        .liveness(Probe::http("/", "http"))
        .readiness(Probe::http("/", "http"));
    let err = bare.clone().build().unwrap_err();
    let ids = err.rule_ids();
    for rule in [RuleId::Size1, RuleId::Prio1, RuleId::Prio2, RuleId::Probe3, RuleId::Dur1] {
        assert!(ids.contains(&rule), "{rule} missing from {ids:?}");
    }
    let at = |rule| err.0.iter().find(|v| v.rule == rule).map(|v| v.at.to_string()).unwrap();
    assert_eq!(
        (at(RuleId::Size1), at(RuleId::Prio1), at(RuleId::Probe3), at(RuleId::Dur1)),
        ("/size".into(), "/priority".into(), "/runtime".into(), "/durability".into())
    );
    // Hints are phrased for the builder.
    assert!(err.0.iter().find(|v| v.rule == RuleId::Prio1).unwrap().hint().contains(".priority(Priority::High)"));
    // Stated, it passes.
    assert!(
        bare.size(Size::Small).priority(Priority::High).runtime(Runtime::Go).stateless("keeps nothing").build().is_ok()
    );
}

#[test]
fn stateless_and_stateful_at_once_is_a_contradiction_whatever_the_order() {
    let a = base().stateless("no, it keeps nothing");
    let b = AppBuilder::from_spec(base().stateless("x").spec().clone()).database(
        "other",
        "/config/b.db",
        DbFormat::Sqlite,
        BackupProfile::Relaxed,
    );
    for app in [a, b] {
        let v = broken(app);
        assert!(v.contains(&(RuleId::Dur1, "/durability/stateless".into())), "{v:?}");
    }
    assert_only(
        base().stateless("  ").database("x", "/config/x.db", DbFormat::Sqlite, BackupProfile::Relaxed),
        RuleId::Dur1,
        "/durability/stateless",
    );
}

#[test]
fn priority_rules() {
    assert_only(base().priority(Priority::Medium), RuleId::Prio2, "/priority");
    assert_only(base().priority(Priority::Critical), RuleId::Prio3, "/priority");
    assert_only(base().role(Role::CoreInfra), RuleId::Prio3, "/priority");
    assert!(broken(base().role(Role::CoreInfra).priority(Priority::Critical)).is_empty());
    for image in
        ["minio/minio:RELEASE.2025", "quay.io/minio/minio:RELEASE.2025", "registry.lan:5000/mirror/minio:RELEASE.2025"]
    {
        let minio = AppBuilder::new("storage", Category::Infra, image)
            .size(Size::Small)
            .priority(Priority::High)
            .runtime(Runtime::Go)
            .port("http", 9000)
            .liveness(Probe::http("/minio/health/live", "http"))
            .readiness(Probe::http("/minio/health/ready", "http"))
            .stateless("test");
        let v = broken(minio.clone());
        assert!(v.iter().any(|(r, _)| *r == RuleId::Prio4), "{image}: {v:?}");
        assert!(broken(minio.role(Role::CoreInfra).priority(Priority::Critical)).is_empty(), "{image}");
    }
}

#[test]
fn probe_rules() {
    let no_liveness = AppBuilder::new("demo", Category::Media, "example/demo:1.2.3")
        .size(Size::Small)
        .priority(Priority::High)
        .runtime(Runtime::Go)
        .port("http", 8080)
        .readiness(Probe::http("/health", "http"))
        .stateless("test");
    assert_only(no_liveness, RuleId::Probe1, "/probes/liveness");
    assert_only(
        base().liveness(Probe::http("/h", "http").failure_threshold(5)),
        RuleId::Probe2,
        "/probes/liveness/failureThreshold",
    );
    assert_only(base().runtime(Runtime::DotNet), RuleId::Probe3, "/probes/startup");
    // A window of exactly 180 s passes; 181 s does not.
    let at = |delay: u32| {
        base()
            .runtime(Runtime::Python)
            .startup(Probe::http("/h", "http").initial_delay(delay).period(10).failure_threshold(17))
    };
    assert!(broken(at(10)).is_empty());
    assert_only(at(11), RuleId::Probe3, "/probes/startup");
    // A light runtime may wait longer (the standard bounds heavy runtimes; RULES.md says so).
    assert!(broken(base().startup(Probe::http("/h", "http").period(10).failure_threshold(60))).is_empty());
    assert_only(base().readiness(Probe::http("/h", "web")), RuleId::Probe4, "/probes/readiness");
    assert!(broken(base().readiness(Probe::tcp(8080u16))).is_empty(), "a port number that is declared passes");
}

#[test]
fn probe_fields_below_their_minimum_are_rejected_not_defaulted() {
    assert_only(base().liveness(Probe::http("/h", "http").period(0)), RuleId::Decl, "/probes/liveness/periodSeconds");
    assert_only(
        base().readiness(Probe::http("/h", "http").timeout(0)),
        RuleId::Decl,
        "/probes/readiness/timeoutSeconds",
    );
    let v = broken(base().readiness(Probe::http("/h", "http").failure_threshold(0)));
    assert_eq!(v, vec![(RuleId::Decl, "/probes/readiness/failureThreshold".into())]);
}

#[test]
fn size_rules_on_custom_sizes() {
    let custom = |cr: u32, cl: u32, mr: u64, ml: u64| {
        base().size(Size::Custom(Resources {
            cpu_request: Cpu(cr),
            cpu_limit: Cpu(cl),
            memory_request: Memory::mi(mr),
            memory_limit: Memory::mi(ml),
        }))
    };
    assert!(broken(custom(100, 1000, 512, 512)).is_empty(), "exactly 10% passes");
    assert!(broken(custom(250, 1000, 512, 512)).is_empty(), "exactly 25% passes");
    assert_only(custom(99, 1000, 512, 512), RuleId::Size3, "/size");
    assert_only(custom(251, 1000, 512, 512), RuleId::Size3, "/size");
    assert_only(custom(100, 1000, 256, 512), RuleId::Size2, "/size");
    assert!(broken(base().size(Size::Large)).is_empty(), "presets are exempt from the band (Large is 50%)");
    // Any quantity form, exactly: 1.5Gi is 1536Mi.
    let r = Resources {
        cpu_request: Cpu::parse("0.1").unwrap(),
        cpu_limit: Cpu::parse("1").unwrap(),
        memory_request: Memory::parse("1.5Gi").unwrap(),
        memory_limit: Memory::parse("1536Mi").unwrap(),
    };
    assert!(broken(base().size(Size::Custom(r))).is_empty());
}

#[test]
fn a_profile_is_a_promise() {
    // A bbolt file at Critical would be neither replicated nor kept: rejected, not deleted.
    assert_only(
        base().database("stats", "/config/stats.db", DbFormat::Bbolt, BackupProfile::Critical),
        RuleId::Dur2,
        "/durability/databases/1/path",
    );
    assert!(broken(base().database("stats", "/config/stats.db", DbFormat::Bbolt, BackupProfile::Ephemeral)).is_empty());
}

#[test]
fn paths_are_judged_normalized() {
    let db = |p: &str| base().database("x", p, DbFormat::Sqlite, BackupProfile::Relaxed);
    assert!(broken(db("/config//sub/./x.db")).is_empty());
    assert_only(db("/config/../etc/x.db"), RuleId::Dur4, "/durability/databases/1/path");
    assert_only(db("/config/"), RuleId::Dur4, "/durability/databases/1/path");
    assert_only(db("/config"), RuleId::Dur4, "/durability/databases/1/path");
    assert_only(db("x.db"), RuleId::Dur4, "/durability/databases/1/path");
    assert_only(db("/config/app.db/"), RuleId::Dur5, "/durability/databases/1/path");
    assert_only(db("/config/app.db-wal"), RuleId::Dur5, "/durability/databases/1/path");
    // The synced directory, normalized: `..` leaves the volume.
    let v = broken(base().config_sync("/config/../etc", Vec::<String>::new()));
    assert!(v.iter().any(|(r, a)| *r == RuleId::Dur3 && a == "/durability/configSync/dir"), "{v:?}");
    assert!(broken(base().config_sync("/config/", Vec::<String>::new())).is_empty());
    // A blank or a shell metacharacter in a database path or in the synced directory would be
    // split by the restore and sync scripts (and break the durability summary the audit reads).
    assert_only(db("/config/a b.db"), RuleId::Dur4, "/durability/databases/1/path");
    let spaced = |dir: &str| base().volume("media", "/media files", pvc(1)).config_sync(dir, Vec::<String>::new());
    assert!(broken(spaced("/config")).is_empty(), "a mount path may hold a blank when nothing syncs it");
    for dir in ["/media files", "/config/$x", "/config/*"] {
        let v = broken(spaced(dir));
        assert!(v.iter().any(|(r, a)| *r == RuleId::Dur3 && a == "/durability/configSync/dir"), "{dir}: {v:?}");
    }
    // A read-only mount cannot be restored.
    let ro = base().volume_spec(Volume {
        name: "ro".into(),
        source: pvc(1),
        mounts: vec![Mount { path: "/ro".into(), sub_path: None, read_only: true }],
    });
    assert_only(
        ro.database("x", "/ro/x.db", DbFormat::Sqlite, BackupProfile::Relaxed),
        RuleId::Dur4,
        "/durability/databases/1/path",
    );
}

#[test]
fn durability_rules() {
    assert_only(
        base().database("far", "/elsewhere/x.db", DbFormat::Sqlite, BackupProfile::Relaxed),
        RuleId::Dur4,
        "/durability/databases/1/path",
    );
    assert_only(
        base().database("main", "/config/b.db", DbFormat::Sqlite, BackupProfile::Relaxed),
        RuleId::Dur5,
        "/durability/databases/1/path",
    );
    // Two replicas: each would replicate the database to one path (DUR-6), sync the config to one
    // prefix from pods with no stable name (DUR-5), and mount one ReadWriteOnce claim (DECL).
    let v = broken(base().replicas(2));
    assert_eq!(
        v,
        vec![
            (RuleId::Dur5, "/replicas".into()),
            (RuleId::Dur6, "/replicas".into()),
            (RuleId::Decl, "/volumes/0".into())
        ]
    );
    let sts = || base().replicas(2).workload(Workload::StatefulSet);
    assert!(broken(sts()).contains(&(RuleId::Dur6, "/replicas".into())));
    let replicas = || {
        AppBuilder::new("demo", Category::Network, "example/demo:1.2.3")
            .size(Size::Small)
            .priority(Priority::High)
            .runtime(Runtime::Go)
            .port("http", 8080)
            .liveness(Probe::http("/health", "http"))
            .readiness(Probe::http("/health", "http"))
            .volume("conf", "/conf", VolumeSource::EmptyDir(EmptyDirSource::default()))
            .database("stats", "/conf/stats.db", DbFormat::Bbolt, BackupProfile::Ephemeral)
            .config_sync("/conf", Vec::<String>::new())
            .replicas(2)
    };
    assert!(broken(replicas().workload(Workload::StatefulSet)).is_empty());
    assert_only(replicas(), RuleId::Dur5, "/replicas");
    assert!(broken(base().secret_env("ADMIN_PASSWORD", "ADMIN_PASSWORD")).is_empty());
    assert_only(base().command(["sh", "-c"]).args(["apk add curl && exec app"]), RuleId::Dur9, "/args");
    assert_only(base().command(["sh", "-c"]).args(["apt-get -y install curl"]), RuleId::Dur9, "/args");
    assert_only(
        base().args(["--no-cache", "x"]).command(["/bin/sh", "-c", "apk --no-cache add curl"]),
        RuleId::Dur9,
        "/args",
    );
}

#[test]
fn credentials_are_recognized_by_name_and_value() {
    for (name, value) in [
        ("ADMIN_PASSWORD", "hunter2"),
        ("SMTP_PASS", "hunter2"),
        ("API_TOKEN", "abc"),
        ("DATABASE_URL", "postgres://app:s3cr3t@db:5432/app"),
        ("ANYTHING", "ghp_0123456789abcdefghijklmnopqrstuvwxyz"),
        ("GITHUB", "github_pat_0123456789ABCDEFGHIJ_abcdefghijkl"),
    ] {
        assert_only(base().env(name, value), RuleId::Dur7, "/env/0");
    }
    for (name, value) in [
        ("OIDC_TOKEN_ENDPOINT", "https://auth.example.com/token"),
        ("ADMIN_PASSWORD_FILE", "/run/secrets/admin"),
        ("SECRET_NAME", "my-secret"),
        ("PASSWORD", "$(ADMIN_PASSWORD)"),
        ("TOKEN_TTL", "3600"),
        ("DATABASE_URL", "postgres://app@db:5432/app"),
        ("BYPASS", "yes"),
    ] {
        assert!(broken(base().env(name, value)).is_empty(), "{name}={value}");
    }
    assert_only(base().args(["--password=hunter2"]), RuleId::Dur7, "/args");
    assert_only(base().args(["--token", "abc"]), RuleId::Dur7, "/args");
    assert!(broken(base().args(["--password-file", "/run/secrets/p"])).is_empty());
}

#[test]
fn meta_and_security_rules() {
    let img = |i: &str| {
        AppBuilder::new("demo", Category::Media, i)
            .size(Size::Small)
            .priority(Priority::High)
            .runtime(Runtime::Go)
            .port("http", 8080)
            .liveness(Probe::http("/", "http"))
            .readiness(Probe::http("/", "http"))
            .stateless("t")
    };
    assert_only(img("example/demo"), RuleId::Meta1, "/image");
    assert_only(img("example/demo:latest"), RuleId::Meta1, "/image");
    assert_only(img("registry:5000/demo@sha256:abc"), RuleId::Meta1, "/image");
    assert_only(img("Example/Demo:1"), RuleId::Meta1, "/image");
    let digest = format!("registry:5000/demo@sha256:{}", "0".repeat(64));
    assert!(broken(img(&digest)).is_empty());
    assert!(broken(img("registry:5000/demo:1.0")).is_empty());
    // An exception without a reason is not documented: reported at the exception, and the root
    // container it would allow is reported too.
    let v = broken(base().exception(ExceptionKind::RunAsRoot, "  "));
    assert!(v.contains(&(RuleId::Sec1, "/exceptions/0".into())) && v.iter().all(|(r, _)| *r == RuleId::Sec1), "{v:?}");
    assert!(broken(base().exception(ExceptionKind::RunAsRoot, "s6-overlay starts as root")).is_empty());
    assert_only(base().run_as_user(0), RuleId::Sec1, "/runAsUser");
}

#[test]
fn ha_rule() {
    let ha = |n: u16| {
        AppBuilder::new("dns", Category::Network, "adguard/adguardhome:v0.107.57")
            .role(Role::MissionCritical)
            .size(Size::Small)
            .priority(Priority::High)
            .runtime(Runtime::Go)
            .port("http", 3000)
            .liveness(Probe::http("/", "http"))
            .readiness(Probe::http("/", "http"))
            .stateless("t")
            .ha()
            .replicas(n)
    };
    assert_only(ha(1), RuleId::Ha1, "/replicas");
    assert!(broken(ha(2)).is_empty());
}

#[test]
fn every_rule_id_has_a_rule_and_every_rule_has_hints_for_every_door() {
    for id in RuleId::ALL {
        let r = rules::rule(*id);
        assert_eq!(r.id, *id);
        for door in [Door::Dsl, Door::Builder, Door::Data, Door::Manifest] {
            assert!(!r.hint.for_door(door).is_empty(), "{id} has no hint for {door:?}");
        }
        assert!(!r.rationale.is_empty(), "{id} has no rationale");
    }
    assert_eq!(CATALOG.len(), RuleId::ALL.len());
}

/// Every rule id the source standard names is in the catalog. The standard is kept in the
/// repository, unchanged (`tests/standard/`), so a fresh clone runs this too.
#[test]
fn every_rule_of_the_source_standard_is_in_the_catalog() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/standard/ELITE-STANDARD.md");
    let spec = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let ids: std::collections::BTreeSet<String> = spec
        .split("**")
        .filter(|s| s.len() < 12 && s.contains('-') && s.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
        .map(str::to_owned)
        .collect();
    assert!(ids.len() >= 29, "{ids:?}");
    for id in &ids {
        assert!(RuleId::parse(id).is_some(), "{id} of ELITE-STANDARD.md has no catalog entry");
    }
}
