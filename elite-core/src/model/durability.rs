//! Durability (DUR): what state an app keeps and how it is protected.

use super::classify::named_enum;
use super::path;

/// How an app's state survives the loss of its volume. DUR-1 requires it stated: the databases
/// (each with a backup profile) and the synced config directory, or that the app is stateless.
/// Nothing stated is representable (the default), and so is a contradiction (stateless with
/// databases): the catalog's DUR-1 rejects both, whichever door the declaration came through.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Durability {
    /// The app keeps no state worth restoring, and why (shown in the conformity report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stateless: Option<String>,
    /// Database files, each restored at start and (SQLite, not Ephemeral) replicated by Litestream.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub databases: Vec<Database>,
    /// The config directory restored at start and kept in S3 by the config-syncer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_sync: Option<ConfigSync>,
}

impl Durability {
    /// Whether anything is stated.
    pub fn is_stated(&self) -> bool {
        self.stateless.is_some() || !self.databases.is_empty() || self.config_sync.is_some()
    }
    /// Whether the app is declared stateless (and nothing else).
    pub fn is_stateless(&self) -> bool {
        self.stateless.is_some() && self.databases.is_empty() && self.config_sync.is_none()
    }
    /// The declared databases.
    pub fn databases(&self) -> &[Database] {
        &self.databases
    }
    /// Databases that Litestream replicates (SQLite, not Ephemeral).
    pub fn replicated(&self) -> impl Iterator<Item = &Database> {
        self.databases.iter().filter(|d| d.is_replicated())
    }
    /// Databases deleted at every start (profile Ephemeral).
    pub fn ephemeral(&self) -> impl Iterator<Item = &Database> {
        self.databases.iter().filter(|d| d.profile == BackupProfile::Ephemeral)
    }
    /// The synced config directory, if any.
    pub fn config_sync(&self) -> Option<&ConfigSync> {
        self.config_sync.as_ref()
    }
    /// The strictest profile among replicated databases (shortest snapshot interval, longest
    /// retention): Litestream's snapshot settings are per process.
    pub fn strictest_profile(&self) -> Option<BackupProfile> {
        self.replicated().map(|d| d.profile).min()
    }
}

/// A database file the app writes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Database {
    /// Short name, unique in the app (DNS-1123 label): names the replica path.
    pub name: String,
    /// Absolute path of the file, inside a volume of the main container (DUR-4).
    pub path: String,
    /// The file's format: only SQLite files can be replicated by Litestream.
    pub format: DbFormat,
    /// How long its history is kept; Ephemeral files are deleted at every start.
    pub profile: BackupProfile,
}

impl Database {
    /// Whether Litestream replicates this file.
    pub fn is_replicated(&self) -> bool {
        self.format == DbFormat::Sqlite && self.profile != BackupProfile::Ephemeral
    }
    /// The path as the kernel resolves it.
    pub fn normalized_path(&self) -> String {
        path::normalized_or_raw(&self.path)
    }
}

named_enum! {
    /// The on-disk format of a database file. The DSL cannot look inside a file, so it asks.
    DbFormat {
        /// SQLite: replicated by Litestream.
        Sqlite => "sqlite",
        /// bbolt (AdGuard Home's statistics): not replicable, excluded from the config sync.
        Bbolt => "bbolt",
    }
}

named_enum! {
    /// Backup profile of a database (the Vixens ADR on Litestream profiles), from the strictest
    /// to the most relaxed.
    BackupProfile {
        /// Snapshot every hour, keep 14 days.
        Critical => "critical",
        /// Snapshot every 6 hours, keep 7 days.
        Standard => "standard",
        /// Snapshot every 24 hours, keep 3 days.
        Relaxed => "relaxed",
        /// Not replicated; deleted at every start.
        Ephemeral => "ephemeral",
    }
}

impl BackupProfile {
    /// Snapshot interval and retention, as Litestream durations; `None` for Ephemeral.
    pub const fn snapshot(self) -> Option<(&'static str, &'static str)> {
        match self {
            BackupProfile::Critical => Some(("1h", "336h")),
            BackupProfile::Standard => Some(("6h", "168h")),
            BackupProfile::Relaxed => Some(("24h", "72h")),
            BackupProfile::Ephemeral => None,
        }
    }
}

/// A config directory restored at start and kept in S3 by the config-syncer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigSync {
    /// Absolute path of the directory, inside a writable mount of the main container (DUR-3).
    pub dir: String,
    /// Extra rclone glob patterns to leave out (logs, caches), besides the databases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
}

impl ConfigSync {
    /// The directory as the kernel resolves it.
    pub fn normalized_dir(&self) -> String {
        path::normalized_or_raw(&self.dir)
    }
}
