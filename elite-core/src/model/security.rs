//! Documented exceptions to the security rules (SEC).

use super::classify::named_enum;
use crate::rules::RuleId;

/// A deliberate exception to a security rule, with the reason that justifies it. Declaring it is
/// granting it: the generator writes it as a Kyverno PolicyException (the engine's own way to
/// exempt a resource, in `_shared/exceptions/`), labels the namespace with the Pod Security level
/// it needs, and lists it in the conformity report.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecurityException {
    /// What the exception allows.
    pub kind: ExceptionKind,
    /// Why the exception is needed (not blank).
    pub reason: String,
}

named_enum! {
    /// What an exception allows. Each relaxes named parts of rules, and nothing else: running as
    /// root does not allow `privileged`, host namespaces or any other part of SEC-1.
    ExceptionKind {
        /// The main container starts as root (s6-overlay images): `runAsNonRoot` is not set, and
        /// the capabilities s6 needs to drop privileges (CHOWN, SETUID, SETGID, DAC_OVERRIDE,
        /// FOWNER) are kept. Relaxes SEC-1/run-as-non-root and SEC-1/capabilities; the namespace
        /// runs at Pod Security "baseline".
        RunAsRoot => "run-as-root",
        /// The main container writes to its root filesystem. Relaxes SEC-3.
        WritableRoot => "writable-root",
    }
}

/// A Pod Security Standards level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PssLevel {
    /// "restricted": the hardened profile.
    Restricted,
    /// "baseline": known privilege escalations prevented.
    Baseline,
}

impl PssLevel {
    /// `restricted` or `baseline`, as the namespace label writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            PssLevel::Restricted => "restricted",
            PssLevel::Baseline => "baseline",
        }
    }
}

impl ExceptionKind {
    /// Capabilities added back after `drop: [ALL]`.
    pub const fn added_capabilities(self) -> &'static [&'static str] {
        match self {
            ExceptionKind::RunAsRoot => &["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"],
            ExceptionKind::WritableRoot => &[],
        }
    }
    /// The rules, or named parts of rules, it relaxes.
    pub const fn relaxes(self) -> &'static [(RuleId, Option<&'static str>)] {
        match self {
            ExceptionKind::RunAsRoot => {
                &[(RuleId::Sec1, Some("run-as-non-root")), (RuleId::Sec1, Some("capabilities"))]
            }
            ExceptionKind::WritableRoot => &[(RuleId::Sec3, None)],
        }
    }
    /// The Pod Security level the namespace needs for it.
    pub const fn pss_level(self) -> PssLevel {
        match self {
            ExceptionKind::RunAsRoot => PssLevel::Baseline,
            ExceptionKind::WritableRoot => PssLevel::Restricted,
        }
    }
    /// Whether it relaxes `rule` (or its named part `check`).
    pub fn relaxes_check(self, rule: RuleId, check: Option<&str>) -> bool {
        self.relaxes().iter().any(|(r, c)| *r == rule && (c.is_none() || *c == check))
    }
}
