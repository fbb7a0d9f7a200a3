//! Documented exceptions to the security baseline (SEC).

/// A deliberate exception to SEC-1, with the reason that justifies it. It is written on the
/// workload as an annotation and listed in the conformity report.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct SecurityException {
    pub kind: ExceptionKind,
    /// Why the exception is needed (non-empty).
    pub reason: String,
}

/// What the exception allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum ExceptionKind {
    /// The main container starts as root (s6-overlay images): `runAsNonRoot` is not set, and the
    /// capabilities s6 needs to drop privileges (CHOWN, SETUID, SETGID, DAC_OVERRIDE, FOWNER) are kept.
    RunAsRoot,
}

impl ExceptionKind {
    /// Annotation key suffix and report label.
    pub const fn as_str(self) -> &'static str {
        match self {
            ExceptionKind::RunAsRoot => "run-as-root",
        }
    }
    /// Capabilities added back after `drop: [ALL]`.
    pub const fn added_capabilities(self) -> &'static [&'static str] {
        match self {
            ExceptionKind::RunAsRoot => &["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"],
        }
    }
}
