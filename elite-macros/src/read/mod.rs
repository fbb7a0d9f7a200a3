//! Gives the attribute's syntax its meaning: builds the [`AppSpec`] it declares and records where
//! each part of the data model was written. Malformed input (an unknown key, a value of the
//! wrong kind, two actions in one probe) is reported here; whether the app complies is the
//! catalog's business, and the catalog only judges a declaration that reads without error, so a
//! typo gives one error, never follow-on rule errors about what it failed to declare.

mod durability;
mod identity;
mod network;
mod security;
mod storage;
mod values;

use elite_core::model::{AppSpec, Category};
use syn::Ident;

use crate::diagnostics::{Errors, did_you_mean, rule_message};
use crate::keys::{self, Key, Shape};
use crate::spans::Spans;
use crate::syntax::{Node, Range, ident_text};
pub use values::Reader;

/// A read declaration.
pub struct Declaration {
    /// The spec, when the attribute read without error.
    pub spec: Option<AppSpec>,
    /// Where each part of the model was written.
    pub spans: Spans,
}

/// A mount of a volume that may be declared later in the attribute.
pub struct PendingMount {
    pub volume: String,
    pub mount: elite_core::model::Mount,
    pub range: Range,
    pub name_range: Range,
}

/// What the attribute said, while it is read.
pub struct Draft {
    pub spec: AppSpec,
    pub category: bool,
    pub name: Option<Range>,
    pub mounts: Vec<PendingMount>,
}

fn shape_ok(shape: Shape, node: &Node) -> bool {
    matches!(
        (shape, node),
        (Shape::Assign, Node::Assign { .. })
            | (Shape::Group, Node::Group { .. })
            | (Shape::Flag, Node::Flag(_) | Node::Assign { .. })
            | (Shape::AssignOrGroup, Node::Assign { .. } | Node::Group { .. })
    )
}

/// Reads `nodes` (the attribute's arguments) for the struct named `item`.
pub fn read(item: &Ident, nodes: &[Node], errors: &mut Errors) -> Declaration {
    let before = errors.is_empty();
    let item_range = Range::of(item.span());
    let mut r = Reader { e: errors, spans: Spans::new(item_range) };
    let mut d = Draft {
        spec: AppSpec::new(String::new(), Category::Tools, String::new()),
        category: false,
        name: None,
        mounts: Vec::new(),
    };
    let mut seen: Vec<Key> = Vec::new();
    for node in nodes {
        let Some(key) = node.key() else {
            r.e.at(node.range(), "expected `key = value`, `key(...)` or a flag such as `ha`");
            continue;
        };
        let name = ident_text(key);
        let Some(def) = keys::find(&name) else {
            r.e.at(node.range(), format!("unknown attribute `{name}`{}", did_you_mean(&name, keys::names())));
            continue;
        };
        if !shape_ok(def.shape, node) {
            r.e.at(node.range(), format!("`{name}` is written `{}`", def.example));
            continue;
        }
        if !def.repeatable && seen.contains(&def.key) {
            r.e.at(node.range(), format!("`{name}` is given twice; it may appear once"));
            continue;
        }
        seen.push(def.key);
        match def.key {
            Key::Name => identity::name(&mut r, node, &mut d),
            Key::Category => identity::category(&mut r, node, &mut d),
            Key::Namespace => identity::namespace(&mut r, node, &mut d),
            Key::Role => identity::role(&mut r, node, &mut d),
            Key::Image => identity::image(&mut r, node, &mut d),
            Key::Command => identity::command(&mut r, node, &mut d),
            Key::Args => identity::args(&mut r, node, &mut d),
            Key::Runtime => identity::runtime(&mut r, node, &mut d),
            Key::Workload => identity::workload(&mut r, node, &mut d),
            Key::Environments => identity::environments(&mut r, node, &mut d),
            Key::Size => identity::size(&mut r, node, &mut d),
            Key::Priority => identity::priority(&mut r, node, &mut d),
            Key::Replicas => identity::replicas(&mut r, node, &mut d),
            Key::Ha => identity::ha(&mut r, node, &mut d),
            Key::Port => network::ports(&mut r, node, &mut d),
            Key::Liveness => network::probe(&mut r, node, &mut d, "liveness"),
            Key::Readiness => network::probe(&mut r, node, &mut d, "readiness"),
            Key::Startup => network::probe(&mut r, node, &mut d, "startup"),
            Key::Ingress => network::ingress(&mut r, node, &mut d),
            Key::Pvc | Key::Nfs | Key::EmptyDir => storage::volume(&mut r, node, &mut d, def.key),
            Key::Mount => storage::mount(&mut r, node, &mut d),
            Key::Env => storage::env(&mut r, node, &mut d),
            Key::Stateless => durability::stateless(&mut r, node, &mut d),
            Key::Sqlite => durability::database(&mut r, node, &mut d, elite_core::model::DbFormat::Sqlite),
            Key::Bbolt => durability::database(&mut r, node, &mut d, elite_core::model::DbFormat::Bbolt),
            Key::ConfigSync => durability::config_sync(&mut r, node, &mut d),
            Key::RunAsUser => security::run_as_user(&mut r, node, &mut d),
            Key::Exception => security::exception(&mut r, node, &mut d),
            Key::Egress => security::access(&mut r, node, &mut d, "/egress"),
            Key::AllowFrom => security::access(&mut r, node, &mut d, "/allowFrom"),
            Key::Api => security::api(&mut r, node, &mut d),
        }
        // The whole key, as the fallback location of what lies under its pointer.
        r.spans.insert(def.pointer, node.range());
    }
    storage::resolve_mounts(&mut r, &mut d);
    match d.name {
        Some(range) => r.spans.insert("/name", range),
        None => {
            d.spec.name = kebab_case(&ident_text(item));
            r.spans.insert("/name", item_range);
        }
    }
    if !d.category {
        r.e.at(
            item_range,
            rule_message(
                elite_core::RuleId::Decl,
                "DECL",
                "no `category`: it decides the app's folder and namespace",
                "add `category = Media` (or `Infra`, `Storage`, `Monitoring`, `Home`, `Network`, `Services`, `Tools`)",
            ),
        );
    }
    if !r.spans.contains("/args") {
        let command = r.spans.find(&elite_core::pointer!("command"));
        if command.0 == "/command" {
            r.spans.insert("/args", command.1);
        }
    }
    let ok = before && r.e.is_empty();
    Declaration { spec: ok.then_some(d.spec), spans: r.spans }
}

/// `ExternalDns` → `external-dns`; `HTTPServer` → `http-server`.
pub fn kebab_case(ident: &str) -> String {
    let chars: Vec<char> = ident.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' {
            out.push('-');
            continue;
        }
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push('-');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn kebab() {
        assert_eq!(super::kebab_case("Sonarr"), "sonarr");
        assert_eq!(super::kebab_case("ExternalDns"), "external-dns");
        assert_eq!(super::kebab_case("AdguardHome"), "adguard-home");
        assert_eq!(super::kebab_case("HTTPServer"), "http-server");
        assert_eq!(super::kebab_case("My_App"), "my-app");
    }
}
