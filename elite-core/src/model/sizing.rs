//! T-shirt sizes (SIZE) and priority classes (PRIO), with the standard's tables.

use super::classify::named_enum;
use crate::quantity::{Cpu, Memory};

/// CPU and memory requests and limits of one container.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Resources {
    /// CPU the scheduler reserves.
    pub cpu_request: Cpu,
    /// CPU the container may burst to.
    pub cpu_limit: Cpu,
    /// Memory the scheduler reserves; equal to the limit (SIZE-2).
    pub memory_request: Memory,
    /// Memory the container may use.
    pub memory_limit: Memory,
}

/// An Elite size: one of the presets of the standard's table, or a custom value checked by
/// SIZE-2 and SIZE-3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub enum Size {
    /// 10m / 100m CPU, 128Mi memory: sidecars and init containers.
    Micro,
    /// 50m / 500m CPU, 512Mi memory: Go/Rust apps, static tools.
    Small,
    /// 200m / 1000m CPU, 1Gi memory: Python/Node web apps.
    Medium,
    /// 1000m / 2000m CPU, 4Gi memory: databases, heavy apps.
    Large,
    /// A custom size: the CPU request must be 10–25% of the limit, memory request == limit.
    Custom(Resources),
}

/// The band a custom size's CPU request must lie in, in percent of its limit (SIZE-3).
pub const CUSTOM_CPU_REQUEST_PERCENT: (u64, u64) = (10, 25);

impl Size {
    /// The presets, in order.
    pub const PRESETS: [Size; 4] = [Size::Micro, Size::Small, Size::Medium, Size::Large];

    /// Requests and limits of this size.
    pub const fn resources(self) -> Resources {
        const fn r(cr: u32, cl: u32, mi: u64) -> Resources {
            Resources {
                cpu_request: Cpu(cr),
                cpu_limit: Cpu(cl),
                memory_request: Memory::mi(mi),
                memory_limit: Memory::mi(mi),
            }
        }
        match self {
            Size::Micro => r(10, 100, 128),
            Size::Small => r(50, 500, 512),
            Size::Medium => r(200, 1000, 1024),
            Size::Large => r(1000, 2000, 4096),
            Size::Custom(res) => res,
        }
    }

    /// `Micro`, `Small`, `Medium`, `Large` or `Custom`.
    pub const fn name(self) -> &'static str {
        match self {
            Size::Micro => "Micro",
            Size::Small => "Small",
            Size::Medium => "Medium",
            Size::Large => "Large",
            Size::Custom(_) => "Custom",
        }
    }

    /// Whether this is one of the table's presets (exempt from the 10–25% CPU band).
    pub const fn is_preset(self) -> bool {
        !matches!(self, Size::Custom(_))
    }

    /// The preset whose values equal `res`, if any.
    pub fn preset_of(res: Resources) -> Option<Size> {
        Size::PRESETS.into_iter().find(|s| s.resources() == res)
    }
}

named_enum! {
    /// The four PriorityClasses of the cluster.
    Priority {
        /// `vixens-critical` (100000): core infrastructure only.
        Critical => "critical",
        /// `vixens-high` (50000): mission-critical user apps.
        High => "high",
        /// `vixens-medium` (10000): standard apps, not Elite.
        Medium => "medium",
        /// `vixens-low` (0): background, sacrificable.
        Low => "low",
    }
}

impl Priority {
    /// The PriorityClass object name.
    pub const fn class_name(self) -> &'static str {
        match self {
            Priority::Critical => "vixens-critical",
            Priority::High => "vixens-high",
            Priority::Medium => "vixens-medium",
            Priority::Low => "vixens-low",
        }
    }

    /// The PriorityClass value.
    pub const fn value(self) -> i32 {
        match self {
            Priority::Critical => 100_000,
            Priority::High => 50_000,
            Priority::Medium => 10_000,
            Priority::Low => 0,
        }
    }

    /// What the class is for (the PriorityClass description).
    pub const fn description(self) -> &'static str {
        match self {
            Priority::Critical => "Core infrastructure (ingress, CSI, Infisical, ArgoCD, MinIO); never evicted.",
            Priority::High => "Mission-critical user apps (Home Assistant, AdGuard Home, Vaultwarden).",
            Priority::Medium => "Standard apps that do not claim Elite.",
            Priority::Low => "Background work that may be evicted first.",
        }
    }

    /// The class named `name`.
    pub fn from_class_name(name: &str) -> Option<Priority> {
        Priority::ALL.iter().copied().find(|p| p.class_name() == name)
    }

    /// Whether an Elite app may use this class (PRIO-2).
    pub const fn is_elite(self) -> bool {
        matches!(self, Priority::Critical | Priority::High)
    }
}
