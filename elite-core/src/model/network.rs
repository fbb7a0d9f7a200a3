//! Ports, probes and the Ingress.

use super::classify::named_enum;

/// A port the main container listens on.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Port {
    /// Port name (an IANA service name: 1–15 of `a-z0-9-`, with a letter), referenced by probes,
    /// the Service and the Ingress.
    pub name: String,
    /// Port number, 1–65535.
    pub number: u16,
    /// `Tcp` (the default) or `Udp`.
    #[serde(default, skip_serializing_if = "Protocol::is_tcp")]
    pub protocol: Protocol,
}

named_enum! {
    /// Transport protocol of a port.
    #[derive(Default)]
    Protocol {
        /// TCP.
        #[default]
        Tcp => "TCP",
        /// UDP.
        Udp => "UDP",
    }
}

impl Protocol {
    fn is_tcp(&self) -> bool {
        *self == Protocol::Tcp
    }
}

/// A port named or numbered, as a probe refers to it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum PortRef {
    /// A port name declared in `ports`.
    Name(String),
    /// A port number.
    Number(u16),
}

impl std::fmt::Display for PortRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PortRef::Name(n) => f.write_str(n),
            PortRef::Number(n) => write!(f, "{n}"),
        }
    }
}

impl From<&str> for PortRef {
    fn from(s: &str) -> Self {
        PortRef::Name(s.to_owned())
    }
}

impl From<u16> for PortRef {
    fn from(n: u16) -> Self {
        PortRef::Number(n)
    }
}

/// What a probe does: exactly one action.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub enum ProbeAction {
    /// `GET path` on a port.
    Http {
        /// The path, starting with `/`.
        path: String,
        /// The port, by name or number.
        port: PortRef,
    },
    /// A TCP connection to a port.
    Tcp {
        /// The port, by name or number.
        port: PortRef,
    },
    /// A command run in the container.
    Exec {
        /// The command and its arguments (not empty).
        command: Vec<String>,
    },
}

/// One probe, with Kubernetes' field meanings. Kubernetes turns a zero period, timeout or
/// failure threshold into its default: the model requires at least 1 (DECL).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Probe {
    /// What the probe does.
    pub action: ProbeAction,
    /// Seconds before the first check (default 0).
    #[serde(default)]
    pub initial_delay_seconds: u32,
    /// Seconds between checks (default 10, at least 1).
    #[serde(default = "Probe::default_period")]
    pub period_seconds: u32,
    /// Seconds before a check times out (default 5, at least 1).
    #[serde(default = "Probe::default_timeout")]
    pub timeout_seconds: u32,
    /// Failed checks before the probe fails (default 3, at least 1).
    #[serde(default = "Probe::default_failures")]
    pub failure_threshold: u32,
}

impl Probe {
    /// The default `periodSeconds`.
    pub const DEFAULT_PERIOD: u32 = 10;
    /// The default `timeoutSeconds`.
    pub const DEFAULT_TIMEOUT: u32 = 5;
    /// The default `failureThreshold`.
    pub const DEFAULT_FAILURES: u32 = 3;
    fn default_period() -> u32 {
        Self::DEFAULT_PERIOD
    }
    fn default_timeout() -> u32 {
        Self::DEFAULT_TIMEOUT
    }
    fn default_failures() -> u32 {
        Self::DEFAULT_FAILURES
    }
    /// A probe doing `action`, with the defaults (period 10 s, timeout 5 s, 3 failures).
    pub fn new(action: ProbeAction) -> Self {
        Probe {
            action,
            initial_delay_seconds: 0,
            period_seconds: Self::DEFAULT_PERIOD,
            timeout_seconds: Self::DEFAULT_TIMEOUT,
            failure_threshold: Self::DEFAULT_FAILURES,
        }
    }
    /// An HTTP GET probe with the defaults.
    pub fn http(path: impl Into<String>, port: impl Into<PortRef>) -> Self {
        Self::new(ProbeAction::Http { path: path.into(), port: port.into() })
    }
    /// A TCP probe with the defaults.
    pub fn tcp(port: impl Into<PortRef>) -> Self {
        Self::new(ProbeAction::Tcp { port: port.into() })
    }
    /// An exec probe with the defaults.
    pub fn exec<S: Into<String>>(command: impl IntoIterator<Item = S>) -> Self {
        Self::new(ProbeAction::Exec { command: command.into_iter().map(Into::into).collect() })
    }
    /// Sets `initialDelaySeconds`.
    pub fn initial_delay(mut self, s: u32) -> Self {
        self.initial_delay_seconds = s;
        self
    }
    /// Sets `periodSeconds`.
    pub fn period(mut self, s: u32) -> Self {
        self.period_seconds = s;
        self
    }
    /// Sets `timeoutSeconds`.
    pub fn timeout(mut self, s: u32) -> Self {
        self.timeout_seconds = s;
        self
    }
    /// Sets `failureThreshold`.
    pub fn failure_threshold(mut self, n: u32) -> Self {
        self.failure_threshold = n;
        self
    }
    /// The port this probe targets, if any.
    pub fn port(&self) -> Option<&PortRef> {
        match &self.action {
            ProbeAction::Http { port, .. } | ProbeAction::Tcp { port } => Some(port),
            ProbeAction::Exec { .. } => None,
        }
    }
    /// `initialDelaySeconds + periodSeconds × failureThreshold`: how long a startupProbe waits.
    pub fn window_seconds(&self) -> u64 {
        u64::from(self.initial_delay_seconds) + u64::from(self.period_seconds) * u64::from(self.failure_threshold)
    }
}

/// The main container's probes.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Probes {
    /// Restarts the container when it fails (PROBE-1, PROBE-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness: Option<Probe>,
    /// Takes the pod out of the Service when it fails (PROBE-1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness: Option<Probe>,
    /// Holds the other probes until the app has started (PROBE-3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup: Option<Probe>,
}

impl Probes {
    /// Whether no probe is declared.
    pub fn is_empty(&self) -> bool {
        self.liveness.is_none() && self.readiness.is_none() && self.startup.is_none()
    }
}

/// An Ingress route to the app, with one host per environment and TLS from cert-manager.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ingress {
    /// The port (of the Service) the route sends to, by name.
    pub port: String,
    /// First labels of the host: `<subdomain>.dev.<domain>` in dev, `<subdomain>.<domain>` in
    /// prod; the app's name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdomain: Option<String>,
}
