//! Durability: databases, the synced config directory, or stateless.

use elite_core::model::{BackupProfile, ConfigSync, Database, DbFormat};

use super::Draft;
use super::values::{Reader, get};
use crate::keys::{CONFIG_SYNC_KEYS, DATABASE_KEYS};
use crate::syntax::{Node, ident_text};

/// Marks where durability was first stated (what DUR-1 points at).
fn stated(r: &mut Reader, range: crate::syntax::Range) {
    r.spans.insert("/durability", range);
}

pub fn stateless(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Node::Assign { value, .. } = node else { return };
    if let Some(reason) = r.string(value) {
        r.spans.insert("/durability/stateless", value.range());
        stated(r, node.range());
        d.spec.durability.stateless = Some(reason);
    }
}

/// `sqlite(db, path = "/config/app.db", profile = Standard)`, `bbolt(...)`.
pub fn database(r: &mut Reader, node: &Node, d: &mut Draft, format: DbFormat) {
    let Node::Group { nodes, .. } = node else { return };
    let key = format.as_str();
    let place = format!("`{key}(...)`");
    let name = match nodes.first() {
        Some(n @ Node::Flag(f)) => Some((ident_text(f).replace('_', "-"), n.range())),
        _ => None,
    };
    let Some(opts) = r.options(nodes, DATABASE_KEYS, &place, |r, n| match n {
        Node::Flag(f) if name.as_ref().is_some_and(|(x, _)| *x == ident_text(f).replace('_', "-")) => true,
        Node::Flag(f) => {
            r.e.at(n.range(), format!("unexpected `{}`: a database's name comes first", ident_text(f)));
            true
        }
        _ => false,
    }) else {
        return;
    };
    let (Some((name, name_range)), Some((path, _)), Some((profile, _))) =
        (name, get(&opts, "path"), get(&opts, "profile"))
    else {
        r.e.at(
            node.range(),
            format!("a database is written `{key}(name, path = \"/config/app.db\", profile = Standard)`"),
        );
        return;
    };
    let (path_range, profile_range) = (path.range(), profile.range());
    let (Some(path), Some(profile)) =
        (r.string(path), r.choice(profile, BackupProfile::ALL, BackupProfile::name, "backup profile"))
    else {
        return;
    };
    let i = d.spec.durability.databases.len();
    let base = format!("/durability/databases/{i}");
    r.spans.insert(&base, node.range());
    r.spans.insert(format!("{base}/name"), name_range);
    r.spans.insert(format!("{base}/path"), path_range);
    r.spans.insert(format!("{base}/profile"), profile_range);
    stated(r, node.range());
    d.spec.durability.databases.push(Database { name, path, format, profile });
}

/// `config_sync = "/config"`, `config_sync(dir = "/config", exclude = ["*.log"])`.
pub fn config_sync(r: &mut Reader, node: &Node, d: &mut Draft) {
    let (dir, exclude) = match node {
        Node::Assign { value, .. } => {
            let Some(dir) = r.string(value) else { return };
            r.spans.insert("/durability/configSync/dir", value.range());
            (dir, Vec::new())
        }
        Node::Group { nodes, .. } => {
            let Some(opts) = r.options(nodes, CONFIG_SYNC_KEYS, "`config_sync(...)`", |_, _| false) else { return };
            let Some((dir, _)) = get(&opts, "dir") else {
                r.e.at(node.range(), "`config_sync(...)` needs `dir = \"/path\"`");
                return;
            };
            let dir_range = dir.range();
            let Some(dir) = r.string(dir) else { return };
            r.spans.insert("/durability/configSync/dir", dir_range);
            let exclude = match get(&opts, "exclude") {
                Some((v, _)) => {
                    r.spans.insert("/durability/configSync/exclude", v.range());
                    match r.strings(v) {
                        Some(e) => e,
                        None => return,
                    }
                }
                None => Vec::new(),
            };
            (dir, exclude)
        }
        _ => return,
    };
    r.spans.insert("/durability/configSync", node.range());
    stated(r, node.range());
    d.spec.durability.config_sync = Some(ConfigSync { dir, exclude });
}
