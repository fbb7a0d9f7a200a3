//! Ports, probes, the Service and the Ingress.

/// A port the main container listens on.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Port {
    /// Port name (IANA_SVC_NAME: at most 15 characters), referenced by probes and the Service.
    pub name: String,
    pub number: u16,
    #[serde(default)]
    pub protocol: Protocol,
}

/// Transport protocol of a port.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Protocol {
    #[default]
    #[serde(rename = "TCP")]
    Tcp,
    #[serde(rename = "UDP")]
    Udp,
}

impl Protocol {
    /// `TCP` or `UDP`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
        }
    }
}

/// A port named or numbered, as a probe or Service refers to it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum PortRef {
    Name(String),
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

/// What a probe does.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum ProbeAction {
    /// `GET path` on a port.
    Http { path: String, port: PortRef },
    /// A TCP connection to a port.
    Tcp { port: PortRef },
    /// A command in the container.
    Exec { command: Vec<String> },
}

/// One probe, with Kubernetes' field meanings.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Probe {
    pub action: ProbeAction,
    pub initial_delay_seconds: u32,
    pub period_seconds: u32,
    pub timeout_seconds: u32,
    pub failure_threshold: u32,
}

impl Probe {
    /// An HTTP GET probe with the standard's defaults (period 10 s, timeout 5 s, 3 failures).
    pub fn http(path: impl Into<String>, port: impl Into<PortRef>) -> Self {
        Self::with(ProbeAction::Http { path: path.into(), port: port.into() })
    }
    /// A TCP probe with the standard's defaults.
    pub fn tcp(port: impl Into<PortRef>) -> Self {
        Self::with(ProbeAction::Tcp { port: port.into() })
    }
    fn with(action: ProbeAction) -> Self {
        Probe { action, initial_delay_seconds: 0, period_seconds: 10, timeout_seconds: 5, failure_threshold: 3 }
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
    /// `initialDelaySeconds + periodSeconds * failureThreshold`: how long a startupProbe waits.
    pub fn window_seconds(&self) -> u64 {
        u64::from(self.initial_delay_seconds) + u64::from(self.period_seconds) * u64::from(self.failure_threshold)
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

/// The main container's probes.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Probes {
    pub liveness: Option<Probe>,
    pub readiness: Option<Probe>,
    pub startup: Option<Probe>,
}

/// An Ingress route to the app, with one host per environment and TLS from cert-manager.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Ingress {
    /// First DNS label of the host: `<subdomain>.dev.<domain>` in dev, `<subdomain>.<domain>` in prod.
    pub subdomain: String,
    /// The port (of the Service) the route sends to.
    pub port: String,
}
