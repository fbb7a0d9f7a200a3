//! Category, role and runtime: what the standard derives folders, priorities and probes from.

macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        pub enum $name { $($(#[$vm])* #[serde(rename = $text)] $variant),+ }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The Rust name of the variant (`Media`).
            pub const fn name(self) -> &'static str { match self { $($name::$variant => stringify!($variant)),+ } }
            /// The wire form (`media`).
            pub const fn as_str(self) -> &'static str { match self { $($name::$variant => $text),+ } }
            /// The variant whose Rust name or wire form is `s`.
            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.name() == s || v.as_str() == s)
            }
        }
    };
}

named_enum! {
    /// The app's category: decides the folder `apps/<NN-category>/` and the default namespace.
    Category {
        /// `00-infra`
        Infra => "infra",
        /// `01-storage`
        Storage => "storage",
        /// `02-monitoring`
        Monitoring => "monitoring",
        /// `10-home`
        Home => "home",
        /// `20-media`
        Media => "media",
        /// `40-network`
        Network => "network",
        /// `60-services`
        Services => "services",
        /// `70-tools`
        Tools => "tools",
    }
}

impl Category {
    /// The folder under `apps/`, e.g. `20-media`.
    pub const fn folder(self) -> &'static str {
        match self {
            Category::Infra => "00-infra",
            Category::Storage => "01-storage",
            Category::Monitoring => "02-monitoring",
            Category::Home => "10-home",
            Category::Media => "20-media",
            Category::Network => "40-network",
            Category::Services => "60-services",
            Category::Tools => "70-tools",
        }
    }
}

named_enum! {
    /// The app's role, which fixes its priority class (PRIO-3).
    Role {
        /// Ingress, CSI, Infisical, ArgoCD, MinIO: `vixens-critical`.
        CoreInfra => "core-infra",
        /// Home Assistant, AdGuard Home, Vaultwarden: `vixens-high`.
        MissionCritical => "mission-critical",
        /// Everything else.
        Standard => "standard",
    }
}

named_enum! {
    /// The main process's runtime; heavy runtimes need a startupProbe (PROBE-3).
    Runtime {
        Go => "go",
        Rust => "rust",
        /// C, C++ or another native binary.
        Native => "native",
        Node => "node",
        Python => "python",
        /// .NET (Sonarr, Radarr, ...).
        DotNet => "dotnet",
        /// Java or another JVM language.
        Jvm => "jvm",
    }
}

impl Runtime {
    /// Java/JVM, Python and .NET start slowly and must have a startupProbe.
    pub const fn is_heavy(self) -> bool {
        matches!(self, Runtime::Python | Runtime::DotNet | Runtime::Jvm)
    }
}

named_enum! {
    /// The Kubernetes workload that runs the app.
    WorkloadKind {
        Deployment => "Deployment",
        StatefulSet => "StatefulSet",
        DaemonSet => "DaemonSet",
        Job => "Job",
        CronJob => "CronJob",
    }
}

named_enum! {
    /// The environments every app is rendered for (one overlay each).
    Environment {
        Dev => "dev",
        Prod => "prod",
    }
}
