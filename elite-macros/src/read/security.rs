//! Security: the main container's user, documented exceptions, network access and API access.

use elite_core::model::{Access, ApiAccess, ApiResource, ExceptionKind, SecurityException};

use super::Draft;
use super::values::{Reader, get};
use crate::diagnostics::rule_message;
use crate::keys::API_KEYS;
use crate::syntax::{Node, Value};
use elite_core::rules::RuleId;

/// Each string of a list `v`, parsed; each error at its string.
fn parsed<T: std::str::FromStr>(r: &mut Reader, v: &Value, what: &str, pointer: &str, hint: &str) -> Option<Vec<T>>
where
    T::Err: std::fmt::Display,
{
    let Value::List { items, .. } = v else {
        r.e.at(v.range(), format!("expected a list of {what}s such as `[\"...\"]`, found {}", v.describe()));
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for item in items {
        let Some(s) = r.string(item) else {
            ok = false;
            continue;
        };
        match s.parse::<T>() {
            Ok(t) => {
                r.spans.insert(format!("{pointer}/{}", out.len()), item.range());
                out.push(t);
            }
            Err(e) => {
                let what_found = format!("`{}` is not {what}: {e}", elite_core::names::printable(&s));
                r.e.at(item.range(), rule_message(RuleId::Decl, "DECL", &what_found, hint));
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// `egress = ["internet:443", "infra/minio:9000"]`, `allow_from = ["media/prowlarr"]`.
pub fn access(r: &mut Reader, node: &Node, d: &mut Draft, pointer: &str) {
    let Node::Assign { value, .. } = node else { return };
    let hint = "write `internet`, a network (`10.0.0.0/8`), an app (`media/prowlarr`) or a namespace (`media/*`), then optionally `:` and ports (`:443`, `:53/udp,53`)";
    let Some(list) = parsed::<Access>(r, value, "an access rule", pointer, hint) else { return };
    if pointer == "/egress" {
        d.spec.egress = list;
    } else {
        d.spec.allow_from = list;
    }
}

/// `api(read = ["services", "ingresses.networking.k8s.io"])`.
pub fn api(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Node::Group { nodes, .. } = node else { return };
    let Some(opts) = r.options(nodes, API_KEYS, "`api(...)`", |_, _| false) else { return };
    let Some((read, range)) = get(&opts, "read") else {
        r.e.at(node.range(), "`api(...)` names what the app reads: `api(read = [\"services\"])`");
        return;
    };
    let hint = "name each resource by its plural and group: `services`, `ingresses.networking.k8s.io`";
    let Some(resources) = parsed::<ApiResource>(r, read, "an API resource", "/api/read", hint) else { return };
    if resources.is_empty() {
        r.e.at(
            range,
            rule_message(
                RuleId::Decl,
                "DECL",
                "`api(read = [])` names no resource: an app that reads the API says what it reads",
                hint,
            ),
        );
        return;
    }
    d.spec.api = Some(ApiAccess { read: resources });
}

pub fn run_as_user(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Node::Assign { value, .. } = node else { return };
    if let Some(uid) = r.int(value) {
        d.spec.run_as_user = uid;
        r.spans.insert("/runAsUser", value.range());
    }
}

/// `exception(run_as_root = "why")`: each option is one exception, named as its kind.
pub fn exception(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Node::Group { nodes, .. } = node else { return };
    let kinds: Vec<String> = ExceptionKind::ALL.iter().map(|k| k.as_str().replace('-', "_")).collect();
    let allowed: Vec<&str> = kinds.iter().map(String::as_str).collect();
    let Some(opts) = r.options(nodes, &allowed, "`exception(...)`", |_, _| false) else { return };
    if opts.is_empty() && nodes.is_empty() {
        r.e.at(node.range(), "`exception(...)` names what it allows, with why: `exception(run_as_root = \"why\")`");
    }
    for (k, v, range) in &opts {
        let Some(kind) = ExceptionKind::ALL.iter().copied().find(|x| x.as_str().replace('-', "_") == *k) else {
            continue;
        };
        if let Some(reason) = r.string(v) {
            let i = d.spec.exceptions.len();
            r.spans.insert(format!("/exceptions/{i}"), *range);
            r.spans.insert(format!("/exceptions/{i}/reason"), v.range());
            r.spans.insert("/exceptions", *range);
            d.spec.exceptions.push(SecurityException { kind, reason });
        }
    }
}
