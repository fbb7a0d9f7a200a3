//! 20-media.

use elite_core::*;

/// Sonarr: .NET, one SQLite database and its config directory at /config (facts from
/// `vixens-samples/apps/20-media/sonarr`). The linuxserver image supports running as a
/// non-root user, so no exception is needed.
pub fn sonarr() -> AppSpec {
    AppBuilder::new("sonarr", Category::Media, "ghcr.io/linuxserver/sonarr:version-4.0.16.2944")
        .size(Size::Medium)
        .priority(Priority::High)
        .runtime(Runtime::DotNet)
        .port("http", 8989)
        .liveness(Probe::http("/ping", "http").period(20))
        .readiness(Probe::http("/ping", "http"))
        .startup(Probe::http("/ping", "http").period(10).failure_threshold(18))
        .ingress("sonarr", "http")
        .volume("config", "/config", VolumeSource::Pvc { size_gi: 1, storage_class: None })
        .volume("downloads", "/downloads", VolumeSource::Nfs { server: "192.168.111.69".into(), path: "/volume3/Downloads".into() })
        .volume_spec(Volume {
            name: "tv".into(),
            mount_path: "/tv".into(),
            sub_path: Some("TV Show".into()),
            read_only: false,
            source: VolumeSource::Nfs { server: "192.168.111.69".into(), path: "/volume3/Content".into() },
        })
        .env("TZ", "Europe/Paris")
        .secret_env("SONARR__API_KEY", "API_KEY")
        .database("sonarr", "/config/sonarr.db", DbFormat::Sqlite, BackupProfile::Standard)
        .database("logs", "/config/logs.db", DbFormat::Sqlite, BackupProfile::Ephemeral)
        .config_sync("/config", vec!["*.log".into(), "/logs/**".into(), "/MediaCover/**".into()])
        .build()
        .unwrap_or_else(|v| panic!("sonarr breaks the Elite standard: {v:#?}"))
}

elite_gen::declare_app!(sonarr);
