//! Network: ports, probes and the ingress.

use elite_core::model::{Ingress, Port, Probe, ProbeAction, Protocol};

use super::Draft;
use super::values::{Reader, get};
use crate::keys::{INGRESS_KEYS, PROBE_KEYS};
use crate::syntax::{Node, ident_text};

/// `port(http = 8080, metrics = 9100)`, `port(dns = 53, udp)`.
pub fn ports(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Node::Group { nodes, .. } = node else { return };
    let udp = nodes.iter().any(|n| matches!(n, Node::Flag(f) if ident_text(f) == "udp"));
    let mut any = false;
    for n in nodes {
        match n {
            Node::Flag(f) if ident_text(f) == "udp" => {}
            Node::Assign { key, value } => {
                let Some(number) = r.int::<u16>(value) else { continue };
                let i = d.spec.ports.len();
                r.spans.insert(format!("/ports/{i}"), n.range());
                r.spans.insert(format!("/ports/{i}/name"), crate::syntax::Range::of(key.span()));
                r.spans.insert(format!("/ports/{i}/number"), value.range());
                r.spans.insert("/ports", n.range());
                d.spec.ports.push(Port {
                    name: ident_text(key).replace('_', "-"),
                    number,
                    protocol: if udp { Protocol::Udp } else { Protocol::Tcp },
                });
                any = true;
            }
            _ => r.e.at(n.range(), "expected `name = number` (a port), or the flag `udp` for the whole group"),
        }
    }
    if !any && nodes.iter().all(|n| matches!(n, Node::Flag(_))) {
        r.e.at(node.range(), "`port(...)` declares at least one port: `port(http = 8080)`");
    }
}

/// `liveness(http = "/health", port = http)`, `readiness(tcp = 5432)`, `startup(exec = [...])`,
/// with `initial_delay`, `period`, `timeout`, `failure_threshold`.
pub fn probe(r: &mut Reader, node: &Node, d: &mut Draft, kind: &'static str) {
    let Node::Group { nodes, .. } = node else { return };
    let place = format!("`{kind}(...)`");
    let Some(opts) = r.options(nodes, PROBE_KEYS, &place, |_, _| false) else { return };
    let at = format!("/probes/{kind}");
    r.spans.insert(&at, node.range());
    let actions: Vec<&str> = ["http", "tcp", "exec"].into_iter().filter(|a| get(&opts, a).is_some()).collect();
    if actions.len() != 1 {
        r.e.at(
            node.range(),
            if actions.is_empty() {
                format!("{place} needs one action: `http = \"/path\"` (with `port = ...`), `tcp = <port>` or `exec = [\"cmd\", ...]`")
            } else {
                format!("{place} has {} actions ({}); a probe does exactly one", actions.len(), actions.join(", "))
            },
        );
        return;
    }
    let port = get(&opts, "port");
    let action = match actions[0] {
        "http" => {
            let Some((path, range)) = get(&opts, "http") else { return };
            let Some((port, _)) = port else {
                r.e.at(
                    node.range(),
                    format!("an HTTP probe needs `port = <name or number>`: `{kind}(http = \"/health\", port = http)`"),
                );
                return;
            };
            let (Some(path), Some(port)) = (r.string(path), r.port_ref(port)) else { return };
            r.spans.insert(format!("{at}/action"), range);
            ProbeAction::Http { path, port }
        }
        other => {
            if let Some((_, range)) = port {
                r.e.at(range, format!("`port` belongs to an HTTP probe; `{other} = ...` names what it checks itself"));
                return;
            }
            let Some((v, range)) = get(&opts, other) else { return };
            r.spans.insert(format!("{at}/action"), range);
            if other == "tcp" {
                let Some(port) = r.port_ref(v) else { return };
                ProbeAction::Tcp { port }
            } else {
                let Some(command) = r.strings(v) else { return };
                ProbeAction::Exec { command }
            }
        }
    };
    let mut p = Probe::new(action);
    for (key, field) in [
        ("initial_delay", "initialDelaySeconds"),
        ("period", "periodSeconds"),
        ("timeout", "timeoutSeconds"),
        ("failure_threshold", "failureThreshold"),
    ] {
        let Some((v, _)) = get(&opts, key) else { continue };
        let Some(n) = r.int::<u32>(v) else { continue };
        r.spans.insert(format!("{at}/{field}"), v.range());
        match key {
            "initial_delay" => p.initial_delay_seconds = n,
            "period" => p.period_seconds = n,
            "timeout" => p.timeout_seconds = n,
            _ => p.failure_threshold = n,
        }
    }
    let slot = match kind {
        "liveness" => &mut d.spec.probes.liveness,
        "readiness" => &mut d.spec.probes.readiness,
        _ => &mut d.spec.probes.startup,
    };
    *slot = Some(p);
}

/// `ingress(port = http, subdomain = "vault")`.
pub fn ingress(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Node::Group { nodes, .. } = node else { return };
    let Some(opts) = r.options(nodes, INGRESS_KEYS, "`ingress(...)`", |_, _| false) else { return };
    r.spans.insert("/ingress", node.range());
    let Some((port, _)) = get(&opts, "port") else {
        r.e.at(node.range(), "`ingress(...)` needs `port = <port name>`");
        return;
    };
    r.spans.insert("/ingress/port", port.range());
    let port = r.name(port, "a port name");
    let subdomain = match get(&opts, "subdomain") {
        Some((v, _)) => {
            r.spans.insert("/ingress/subdomain", v.range());
            match r.string(v) {
                Some(s) => Some(s),
                None => return,
            }
        }
        None => None,
    };
    if let Some(port) = port {
        d.spec.ingress = Some(Ingress { port, subdomain });
    }
}
