//! Category, role, runtime, workload and environment: what the standard derives folders,
//! priorities and probes from.
//!
//! Every enum of the model is written the same way in the three doors: its Rust variant name
//! (`Media`, `CoreInfra`, `DotNet`), in `#[elite(...)]`, in the builder and in JSON or YAML.

macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The variant's name, as every door writes it (`Media`).
            pub const fn name(self) -> &'static str { match self { $($name::$variant => stringify!($variant)),+ } }
            /// The lowercase form written in annotations and namespaces (`media`).
            pub const fn as_str(self) -> &'static str { match self { $($name::$variant => $text),+ } }
            /// The variant whose name or lowercase form is `s`.
            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.name() == s || v.as_str() == s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

pub(crate) use named_enum;

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
    /// The default folder under `apps/`, e.g. `20-media` (the platform file may rename it).
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
    #[derive(Default)]
    Role {
        /// Ingress, CSI, Infisical, ArgoCD, MinIO: `vixens-critical`.
        CoreInfra => "core-infra",
        /// Home Assistant, AdGuard Home, Vaultwarden: `vixens-high`.
        MissionCritical => "mission-critical",
        /// Everything else.
        #[default]
        Standard => "standard",
    }
}

named_enum! {
    /// The main process's runtime; heavy runtimes need a startupProbe (PROBE-3).
    Runtime {
        /// Go.
        Go => "go",
        /// Rust.
        Rust => "rust",
        /// C, C++ or another native binary.
        Native => "native",
        /// Node.js.
        Node => "node",
        /// Python.
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
    /// The workload a declared app runs as.
    #[derive(Default)]
    Workload {
        /// One pod template, replaced on update (the default).
        #[default]
        Deployment => "Deployment",
        /// Pods with stable names (each replica syncs its config under its own name).
        StatefulSet => "StatefulSet",
    }
}

named_enum! {
    /// Every Kubernetes workload kind with a pod template, as the audit meets them.
    WorkloadKind {
        /// apps/v1 Deployment.
        Deployment => "Deployment",
        /// apps/v1 StatefulSet.
        StatefulSet => "StatefulSet",
        /// apps/v1 DaemonSet.
        DaemonSet => "DaemonSet",
        /// batch/v1 Job.
        Job => "Job",
        /// batch/v1 CronJob.
        CronJob => "CronJob",
    }
}

impl WorkloadKind {
    /// Jobs and CronJobs run to completion: the probe rules, META-3 and HA-1 do not apply.
    pub const fn runs_to_completion(self) -> bool {
        matches!(self, WorkloadKind::Job | WorkloadKind::CronJob)
    }
}

impl From<Workload> for WorkloadKind {
    fn from(w: Workload) -> Self {
        match w {
            Workload::Deployment => WorkloadKind::Deployment,
            Workload::StatefulSet => WorkloadKind::StatefulSet,
        }
    }
}

named_enum! {
    /// The environments every app is rendered for (one overlay each).
    Environment {
        /// The dev cluster, tracking `main`.
        Dev => "dev",
        /// The prod cluster, tracking the revision the platform file pins.
        Prod => "prod",
    }
}
