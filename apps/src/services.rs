//! 60-services.

use elite_core::*;

/// Vaultwarden: Rust, mission-critical, SQLite at /data/db.sqlite3 (facts from
/// `vixens-samples/apps/60-services/vaultwarden`). Its attachments and keys live beside the
/// database in /data, so /data is config-synced too.
pub fn vaultwarden() -> AppSpec {
    AppBuilder::new("vaultwarden", Category::Services, "vaultwarden/server:1.35.2")
        .role(Role::MissionCritical)
        .size(Size::Small)
        .priority(Priority::High)
        .runtime(Runtime::Rust)
        .port("http", 8080)
        .liveness(Probe::http("/alive", "http").period(30))
        .readiness(Probe::http("/alive", "http"))
        .ingress("vaultwarden", "http")
        .volume("data", "/data", VolumeSource::Pvc { size_gi: 5, storage_class: None })
        .env("DATA_FOLDER", "/data")
        .env("DATABASE_URL", "/data/db.sqlite3")
        // The image listens on 80 as root by default; as a non-root user it must use a high port.
        .env("ROCKET_PORT", "8080")
        .database("db", "/data/db.sqlite3", DbFormat::Sqlite, BackupProfile::Critical)
        .config_sync("/data", vec!["/icon_cache/**".into(), "/tmp/**".into()])
        .build()
        .unwrap_or_else(|v| panic!("vaultwarden breaks the Elite standard: {v:#?}"))
}

elite_gen::declare_app!(vaultwarden);
