//! What an app may reach and be reached from (its NetworkPolicy), and what it may read from the
//! Kubernetes API (its ClusterRole). Each is written as a short string in every door
//! (`"internet:443"`, `"media/prowlarr:9696"`, `"ingresses.networking.k8s.io"`) and parsed once,
//! here: a value that parses is valid Kubernetes.

use std::fmt;
use std::str::FromStr;

use super::Protocol;
use crate::names::{self, Format};

/// A peer of the app: the internet, a network, another app of the cluster, or a namespace.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Peer {
    /// Every address outside the private ranges (RFC 1918 and IPv6 ULA): the internet, not the
    /// LAN.
    Internet,
    /// An IPv4 network (`192.168.1.0/24`; an address alone is a /32).
    Cidr {
        /// The network address (host bits zero).
        address: [u8; 4],
        /// The prefix length, 0–32.
        prefix: u8,
    },
    /// Every pod of a namespace: `<namespace>/*`.
    Namespace(String),
    /// The pods of another app: `<namespace>/<app>`.
    App {
        /// Its namespace.
        namespace: String,
        /// Its name.
        name: String,
    },
}

/// A port of an access rule, with its protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccessPort {
    /// The number, 1–65535.
    pub number: u16,
    /// TCP (the default) or UDP (`53/udp`).
    pub protocol: Protocol,
}

/// Traffic allowed to or from a peer, on some ports (every port when none is given):
/// `peer[:port[/udp][,port...]]`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Access {
    /// Who.
    pub peer: Peer,
    /// Which ports (empty: every port).
    pub ports: Vec<AccessPort>,
}

/// Why an access rule or an API resource cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    /// Empty.
    #[error("it is empty")]
    Empty,
    /// A port that is not 1–65535 or a protocol other than tcp/udp.
    #[error("`{0}` is not a port (1-65535, optionally followed by /tcp or /udp)")]
    Port(String),
    /// A network that is not `a.b.c.d/n`.
    #[error("`{0}` is not an IPv4 network (a.b.c.d/n, n from 0 to 32)")]
    Cidr(String),
    /// A network address with host bits set.
    #[error("`{given}` has host bits set: the network is {network}")]
    HostBits {
        /// What was written.
        given: String,
        /// The network it means.
        network: String,
    },
    /// A peer that is none of the forms.
    #[error(
        "`{0}` is not a peer: write `internet`, a network (`10.0.0.0/8`), an app (`<namespace>/<app>`) or a namespace (`<namespace>/*`)"
    )]
    Peer(String),
    /// A name that is not valid.
    #[error("{0}")]
    Name(String),
}

/// The private IPv4 ranges, which `internet` leaves out.
pub const PRIVATE_IPV4: [&str; 3] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

impl Peer {
    fn parse_cidr(s: &str) -> Result<Option<Peer>, AccessError> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let octets: Vec<&str> = addr.split('.').collect();
        if octets.len() != 4 || !octets.iter().all(|o| !o.is_empty() && o.chars().all(|c| c.is_ascii_digit())) {
            return Ok(None);
        }
        let mut address = [0u8; 4];
        for (i, o) in octets.iter().enumerate() {
            address[i] = o.parse().map_err(|_| AccessError::Cidr(names::printable(s)))?;
        }
        let prefix: u8 = match prefix {
            None => 32,
            Some(p) => p
                .parse()
                .ok()
                .filter(|n| *n <= 32 && !p.starts_with('+'))
                .ok_or_else(|| AccessError::Cidr(names::printable(s)))?,
        };
        let mask: u32 = if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix)) };
        let value = u32::from_be_bytes(address);
        if value & !mask != 0 {
            let network = Peer::Cidr { address: (value & mask).to_be_bytes(), prefix };
            return Err(AccessError::HostBits { given: s.to_owned(), network: network.to_string() });
        }
        Ok(Some(Peer::Cidr { address, prefix }))
    }
}

impl FromStr for Peer {
    type Err = AccessError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(AccessError::Empty);
        }
        if s == "internet" {
            return Ok(Peer::Internet);
        }
        if let Some(p) = Peer::parse_cidr(s)? {
            return Ok(p);
        }
        let Some((namespace, name)) = s.split_once('/') else { return Err(AccessError::Peer(names::printable(s))) };
        if name == "*" {
            Format::Dns1123Label.check(namespace).map_err(|e| {
                AccessError::Name(format!(
                    "the namespace `{}` is not a DNS-1123 label: {e}",
                    names::printable(namespace)
                ))
            })?;
            return Ok(Peer::Namespace(namespace.to_owned()));
        }
        for (what, v) in [("namespace", namespace), ("app", name)] {
            Format::Dns1123Label.check(v).map_err(|e| {
                AccessError::Name(format!("the {what} `{}` is not a DNS-1123 label: {e}", names::printable(v)))
            })?;
        }
        Ok(Peer::App { namespace: namespace.to_owned(), name: name.to_owned() })
    }
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Peer::Internet => f.write_str("internet"),
            Peer::Cidr { address: [a, b, c, d], prefix } => write!(f, "{a}.{b}.{c}.{d}/{prefix}"),
            Peer::Namespace(ns) => write!(f, "{ns}/*"),
            Peer::App { namespace, name } => write!(f, "{namespace}/{name}"),
        }
    }
}

impl Peer {
    /// Whether this peer covers the pods of app `name` in `namespace`.
    pub fn covers_app(&self, namespace: &str, name: &str) -> bool {
        match self {
            Peer::App { namespace: n, name: a } => n == namespace && a == name,
            Peer::Namespace(n) => n == namespace,
            Peer::Internet | Peer::Cidr { .. } => false,
        }
    }
}

impl Access {
    /// Whether this rule allows every port of `ports` (an empty list: every port).
    pub fn allows_ports(&self, ports: &[AccessPort]) -> bool {
        self.ports.is_empty() || (!ports.is_empty() && ports.iter().all(|p| self.ports.contains(p)))
    }
}

impl FromStr for AccessPort {
    type Err = AccessError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (n, protocol) = match s.split_once('/') {
            Some((n, "tcp")) => (n, Protocol::Tcp),
            Some((n, "udp")) => (n, Protocol::Udp),
            Some(_) => return Err(AccessError::Port(names::printable(s))),
            None => (s, Protocol::Tcp),
        };
        let number = n
            .parse::<u16>()
            .ok()
            .filter(|n| *n > 0 && !s.starts_with('+'))
            .ok_or_else(|| AccessError::Port(names::printable(s)))?;
        Ok(AccessPort { number, protocol })
    }
}

impl fmt::Display for AccessPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.protocol {
            Protocol::Tcp => write!(f, "{}", self.number),
            Protocol::Udp => write!(f, "{}/udp", self.number),
        }
    }
}

impl FromStr for Access {
    type Err = AccessError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (peer, ports) = match s.rsplit_once(':') {
            Some((p, ports)) => (p, Some(ports)),
            None => (s, None),
        };
        let peer: Peer = peer.parse()?;
        let mut ports: Vec<AccessPort> = match ports {
            Some(list) => list.split(',').map(str::parse).collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        ports.sort();
        ports.dedup();
        Ok(Access { peer, ports })
    }
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.peer)?;
        for (i, p) in self.ports.iter().enumerate() {
            write!(f, "{}{p}", if i == 0 { ':' } else { ',' })?;
        }
        Ok(())
    }
}

/// A resource of the Kubernetes API, by its plural name and group: `services`,
/// `ingresses.networking.k8s.io`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiResource {
    /// The plural resource name (`ingresses`).
    pub resource: String,
    /// The API group (empty for the core group).
    pub group: String,
}

impl FromStr for ApiResource {
    type Err = AccessError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(AccessError::Empty);
        }
        let (resource, group) = s.split_once('.').unwrap_or((s, ""));
        Format::Dns1123Label.check(resource).map_err(|e| {
            AccessError::Name(format!(
                "the resource `{}` is not a plural resource name (a DNS-1123 label): {e}",
                names::printable(resource)
            ))
        })?;
        if s.contains('.') {
            Format::Dns1123Subdomain.check(group).map_err(|e| {
                AccessError::Name(format!(
                    "the API group `{}` is not a DNS-1123 subdomain: {e}",
                    names::printable(group)
                ))
            })?;
        }
        Ok(ApiResource { resource: resource.to_owned(), group: group.to_owned() })
    }
}

impl fmt::Display for ApiResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.group.is_empty() { f.write_str(&self.resource) } else { write!(f, "{}.{}", self.resource, self.group) }
    }
}

/// What the app reads from the Kubernetes API: its ServiceAccount token is mounted (SEC-4), and
/// a ClusterRole grants `get`, `list` and `watch` on these resources, nothing else.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiAccess {
    /// The resources read (`services`, `ingresses.networking.k8s.io`); at least one.
    pub read: Vec<ApiResource>,
}

macro_rules! string_serde {
    ($($t:ty => $doc:literal),+ $(,)?) => {$(
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $t {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($t).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "description": $doc })
            }
        }
    )+};
}

string_serde! {
    Access => "`internet`, a network (`10.0.0.0/8`), an app (`<namespace>/<app>`) or a namespace (`<namespace>/*`), then optionally `:` and ports (`:443`, `:53/udp,53`)",
    ApiResource => "a plural resource name, then its API group: `services`, `ingresses.networking.k8s.io`",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_rules_parse_and_print_back() {
        for s in [
            "internet",
            "internet:443",
            "internet:80,443",
            "10.0.0.0/8",
            "192.168.1.10/32:53/udp,53",
            "media/prowlarr:9696",
            "0.0.0.0/0",
            "media/*:9000",
        ] {
            let a: Access = s.parse().unwrap();
            assert_eq!(a.to_string().parse::<Access>().unwrap(), a, "{s}");
        }
        assert_eq!("192.168.1.10".parse::<Access>().unwrap().to_string(), "192.168.1.10/32");
        assert_eq!("internet:443,80,443".parse::<Access>().unwrap().to_string(), "internet:80,443");
        for bad in [
            "",
            "internet:",
            "internet:0",
            "internet:70000",
            "internet:53/sctp",
            "10.0.0.1/8",
            "10.0.0.0/33",
            "300.0.0.0/8",
            "Media/App",
            "media/",
            "nowhere",
            "media/app:x",
            "a/b/c",
        ] {
            assert!(bad.parse::<Access>().is_err(), "{bad}");
        }
        let e = "10.0.0.1/8".parse::<Access>().unwrap_err().to_string();
        assert!(e.contains("10.0.0.0/8"), "{e}");
    }

    #[test]
    fn api_resources_parse() {
        assert_eq!(
            "services".parse::<ApiResource>().unwrap(),
            ApiResource { resource: "services".into(), group: String::new() }
        );
        let r: ApiResource = "ingresses.networking.k8s.io".parse().unwrap();
        assert_eq!((r.resource.as_str(), r.group.as_str()), ("ingresses", "networking.k8s.io"));
        for bad in ["", "Services", "ingresses.", "a b", "*"] {
            assert!(bad.parse::<ApiResource>().is_err(), "{bad}");
        }
    }
}
