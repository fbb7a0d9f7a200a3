//! Rule ids: one enum, so a rule is named the same way everywhere and a typo does not compile.

use std::fmt;

macro_rules! rule_ids {
    ($($variant:ident => $text:literal),+ $(,)?) => {
        /// The id of a rule of the catalog (or `DECL`, a declaration Kubernetes would reject).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId { $(#[doc = $text] $variant),+ }

        impl RuleId {
            /// Every id, in catalog order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),+];
            /// `PRIO-2`.
            pub const fn as_str(self) -> &'static str {
                match self { $(RuleId::$variant => $text),+ }
            }
            /// The id written `s` (case-insensitive: `prio-2` is PRIO-2).
            pub fn parse(s: &str) -> Option<RuleId> {
                Self::ALL.iter().copied().find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            }
        }
    };
}

rule_ids! {
    Size1 => "SIZE-1",
    Size2 => "SIZE-2",
    Size3 => "SIZE-3",
    Size4 => "SIZE-4",
    Prio1 => "PRIO-1",
    Prio2 => "PRIO-2",
    Prio3 => "PRIO-3",
    Prio4 => "PRIO-4",
    Probe1 => "PROBE-1",
    Probe2 => "PROBE-2",
    Probe3 => "PROBE-3",
    Probe4 => "PROBE-4",
    Dur1 => "DUR-1",
    Dur2 => "DUR-2",
    Dur3 => "DUR-3",
    Dur4 => "DUR-4",
    Dur5 => "DUR-5",
    Dur6 => "DUR-6",
    Dur7 => "DUR-7",
    Dur8 => "DUR-8",
    Dur9 => "DUR-9",
    Meta1 => "META-1",
    Meta2 => "META-2",
    Meta3 => "META-3",
    Sec1 => "SEC-1",
    Sec2 => "SEC-2",
    Sec3 => "SEC-3",
    Sec4 => "SEC-4",
    Obs1 => "OBS-1",
    Obs2 => "OBS-2",
    Ha1 => "HA-1",
    Decl => "DECL",
}

impl RuleId {
    /// The family prefix: `PRIO` for PRIO-2.
    pub fn family(self) -> &'static str {
        self.as_str().split('-').next().unwrap_or_default()
    }
    /// The anchor of the rule in RULES.md (`#prio-2`).
    pub fn anchor(self) -> String {
        self.as_str().to_ascii_lowercase()
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
