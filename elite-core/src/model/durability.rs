//! Durability (DUR): what state an app keeps and how it is protected.

/// How an app's state survives the loss of its volume (DUR-1: always stated, never implied).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum Durability {
    /// The app keeps no state worth restoring: no durability containers.
    Stateless {
        /// Why this app may lose its volumes (shown in the conformity report).
        reason: String,
    },
    /// The app keeps state: databases replicated by Litestream and/or a synced config directory.
    Stateful {
        #[serde(default)]
        databases: Vec<Database>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        config_sync: Option<ConfigSync>,
    },
}

impl Durability {
    /// The declared databases (none when stateless).
    pub fn databases(&self) -> &[Database] {
        match self {
            Durability::Stateless { .. } => &[],
            Durability::Stateful { databases, .. } => databases,
        }
    }
    /// Databases that Litestream replicates (SQLite, not Ephemeral).
    pub fn replicated(&self) -> impl Iterator<Item = &Database> {
        self.databases().iter().filter(|d| d.is_replicated())
    }
    /// The synced config directory, if any.
    pub fn config_sync(&self) -> Option<&ConfigSync> {
        match self {
            Durability::Stateless { .. } => None,
            Durability::Stateful { config_sync, .. } => config_sync.as_ref(),
        }
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
pub struct Database {
    /// Short name, unique in the app (DNS-1123 label): names the replica path.
    pub name: String,
    /// Absolute path of the file, inside a volume of the main container (DUR-4).
    pub path: String,
    /// The file's format: only SQLite files are replicated by Litestream.
    pub format: DbFormat,
    pub profile: BackupProfile,
}

impl Database {
    /// Whether Litestream replicates this file.
    pub fn is_replicated(&self) -> bool {
        self.format == DbFormat::Sqlite && self.profile != BackupProfile::Ephemeral
    }
}

/// The on-disk format of a database file. The DSL cannot look inside a file, so it asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum DbFormat {
    /// SQLite: replicated by Litestream.
    Sqlite,
    /// bbolt (AdGuard Home's statistics): not replicable, excluded from the config sync.
    Bbolt,
}

impl DbFormat {
    /// Both formats.
    pub const ALL: [DbFormat; 2] = [DbFormat::Sqlite, DbFormat::Bbolt];
    /// `sqlite` or `bbolt`, as the durability annotation and the DSL key write it.
    pub const fn as_str(self) -> &'static str {
        match self {
            DbFormat::Sqlite => "sqlite",
            DbFormat::Bbolt => "bbolt",
        }
    }
}

/// Backup profile of a database (the Vixens ADR on Litestream profiles). Ordered from the
/// strictest to the most relaxed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum BackupProfile {
    /// Snapshot every hour, keep 14 days.
    Critical,
    /// Snapshot every 6 hours, keep 7 days.
    Standard,
    /// Snapshot every 24 hours, keep 3 days.
    Relaxed,
    /// Not replicated; deleted at start.
    Ephemeral,
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
    /// `Critical`, `Standard`, `Relaxed` or `Ephemeral`.
    pub const fn name(self) -> &'static str {
        match self {
            BackupProfile::Critical => "Critical",
            BackupProfile::Standard => "Standard",
            BackupProfile::Relaxed => "Relaxed",
            BackupProfile::Ephemeral => "Ephemeral",
        }
    }
}

/// A config directory restored at start and kept in S3 by the config-syncer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConfigSync {
    /// Absolute path of the directory (a mount path of the main container).
    pub dir: String,
    /// Extra rclone glob patterns to leave out (logs, caches), besides the databases.
    #[serde(default)]
    pub exclude: Vec<String>,
}
