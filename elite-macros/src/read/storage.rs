//! Storage and environment: volumes with their mounts, extra mounts, environment variables.

use elite_core::Memory;
use elite_core::model::{
    EmptyDirSource, EnvValue, EnvVar, Mount, NfsSource, PvcSource, SecretKey, Volume, VolumeSource,
};

use super::values::{Options, Reader, get};
use super::{Draft, PendingMount};
use crate::keys::{EXTRA_MOUNT_KEYS, Key, def, volume_keys};
use crate::syntax::{Node, Range, Value, ident_text};

/// A group's positional name (`config` in `pvc(config, ...)`) and whether `read_only` is set as
/// a flag; other flags are errors.
fn positional(r: &mut Reader, nodes: &[Node]) -> (Option<(String, Range)>, bool) {
    let mut name = None;
    let mut read_only = false;
    for (i, n) in nodes.iter().enumerate() {
        if let Node::Flag(f) = n {
            let t = ident_text(f);
            if t == "read_only" {
                read_only = true;
            } else if i == 0 {
                name = Some((t.replace('_', "-"), n.range()));
            } else {
                r.e.at(n.range(), format!("unexpected `{t}`: the name comes first, and the only flag is `read_only`"));
            }
        }
    }
    (name, read_only)
}

/// The mount options of a group: path (under `path_key`), sub-path and read-only.
fn mount_of(r: &mut Reader, opts: &Options, path_key: &str, flag_read_only: bool) -> Option<(Mount, Range)> {
    let (p, _) = get(opts, path_key)?;
    let range = p.range();
    let path = r.string(p)?;
    let sub_path = match get(opts, "sub_path") {
        Some((v, _)) => Some(r.string(v)?),
        None => None,
    };
    let read_only = match get(opts, "read_only") {
        Some((v, _)) => r.bool(v)?,
        None => flag_read_only,
    };
    Some((Mount { path, sub_path, read_only }, range))
}

/// `pvc(...)`, `nfs(...)`, `empty_dir(...)`: a volume and its first mount.
pub fn volume(r: &mut Reader, node: &Node, d: &mut Draft, kind: Key) {
    let Node::Group { nodes, .. } = node else { return };
    let key = def(kind).name;
    let place = format!("`{key}(...)`");
    let (name, flag_ro) = positional(r, nodes);
    let Some(opts) = r.options(nodes, volume_keys(kind), &place, |_, n| matches!(n, Node::Flag(_))) else { return };
    let Some((name, name_range)) = name else {
        r.e.at(node.range(), format!("{place} needs a name first, e.g. `{key}(config, mount = \"/config\", ...)`"));
        return;
    };
    let Some((mount, mount_range)) = mount_of(r, &opts, "mount", flag_ro) else {
        if get(&opts, "mount").is_none() {
            r.e.at(node.range(), format!("`{key}({name}, ...)` needs `mount = \"/path\"`"));
        }
        return;
    };
    let quantity = |r: &mut Reader, k: &str| get(&opts, k).map(|(v, _)| (r.quantity(v, Memory::parse), v.range()));
    let i = d.spec.volumes.len();
    let base = format!("/volumes/{i}");
    let source = match kind {
        Key::Pvc => {
            let Some((size, range)) = quantity(r, "size") else {
                r.e.at(node.range(), "a `pvc` needs `size = \"1Gi\"`");
                return;
            };
            let Some(size) = size else { return };
            r.spans.insert(format!("{base}/source/Pvc/size"), range);
            let storage_class = match get(&opts, "storage_class") {
                Some((v, _)) => {
                    r.spans.insert(format!("{base}/source/Pvc/storageClass"), v.range());
                    Some(match r.string(v) {
                        Some(s) => s,
                        None => return,
                    })
                }
                None => None,
            };
            VolumeSource::Pvc(PvcSource { size, storage_class })
        }
        Key::Nfs => {
            let (Some((server, _)), Some((path, _))) = (get(&opts, "server"), get(&opts, "path")) else {
                r.e.at(node.range(), "an `nfs` volume needs `server = \"...\"` and `path = \"/export\"`");
                return;
            };
            let (sr, pr) = (server.range(), path.range());
            let (Some(server), Some(path)) = (r.string(server), r.string(path)) else { return };
            r.spans.insert(format!("{base}/source/Nfs/server"), sr);
            r.spans.insert(format!("{base}/source/Nfs/path"), pr);
            VolumeSource::Nfs(NfsSource { server, path })
        }
        _ => {
            let size_limit = match quantity(r, "size_limit") {
                Some((Some(s), range)) => {
                    r.spans.insert(format!("{base}/source/EmptyDir/sizeLimit"), range);
                    Some(s)
                }
                Some((None, _)) => return,
                None => None,
            };
            VolumeSource::EmptyDir(EmptyDirSource { size_limit })
        }
    };
    r.spans.insert(&base, node.range());
    r.spans.insert(format!("{base}/name"), name_range);
    r.spans.insert(format!("{base}/mounts/0"), mount_range);
    r.spans.insert(format!("{base}/mounts/0/path"), mount_range);
    if let Some((v, _)) = get(&opts, "sub_path") {
        r.spans.insert(format!("{base}/mounts/0/subPath"), v.range());
    }
    d.spec.volumes.push(Volume { name, source, mounts: vec![mount] });
}

/// `mount(config, path = "/app/settings.json", sub_path = "settings.json")`: one more mount of
/// a volume declared with `pvc`, `nfs` or `empty_dir` (before or after).
pub fn mount(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Node::Group { nodes, .. } = node else { return };
    let (name, flag_ro) = positional(r, nodes);
    let Some(opts) = r.options(nodes, EXTRA_MOUNT_KEYS, "`mount(...)`", |_, n| matches!(n, Node::Flag(_))) else {
        return;
    };
    let Some((volume, name_range)) = name else {
        r.e.at(node.range(), "`mount(...)` names the volume first: `mount(config, path = \"/x\")`");
        return;
    };
    let Some((mount, _)) = mount_of(r, &opts, "path", flag_ro) else {
        if get(&opts, "path").is_none() {
            r.e.at(node.range(), format!("`mount({volume}, ...)` needs `path = \"/path\"`"));
        }
        return;
    };
    d.mounts.push(PendingMount { volume, mount, range: node.range(), name_range });
}

/// Adds the `mount(...)` mounts to their volumes, once every volume is read.
pub fn resolve_mounts(r: &mut Reader, d: &mut Draft) {
    for m in std::mem::take(&mut d.mounts) {
        match d.spec.volumes.iter().position(|v| v.name == m.volume) {
            Some(i) => {
                let k = d.spec.volumes[i].mounts.len();
                r.spans.insert(format!("/volumes/{i}/mounts/{k}"), m.range);
                r.spans.insert(format!("/volumes/{i}/mounts/{k}/path"), m.range);
                d.spec.volumes[i].mounts.push(m.mount);
            }
            None => r.e.at(
                m.name_range,
                format!("no volume is named `{}`: declare it with `pvc`, `nfs` or `empty_dir`", m.volume),
            ),
        }
    }
}

/// `env(TZ = "Europe/Paris", API_KEY = secret("API_KEY"))`.
pub fn env(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Node::Group { nodes, .. } = node else { return };
    for n in nodes {
        let Node::Assign { key, value } = n else {
            r.e.at(n.range(), "expected `NAME = \"value\"` or `NAME = secret(\"KEY\")`");
            continue;
        };
        let value = match value {
            Value::Call { name, nodes, .. } if ident_text(name) == "secret" => match nodes.as_slice() {
                [Node::Lit(v)] => r.string(v).map(|secret| EnvValue::Secret(SecretKey { secret })),
                _ => {
                    r.e.at(value.range(), "expected `secret(\"KEY\")`: a key of the app's Infisical-managed Secret");
                    None
                }
            },
            Value::Str(_) => r.string(value).map(EnvValue::Plain),
            _ => {
                r.e.at(value.range(), format!("expected a string or `secret(\"KEY\")`, found {}", value.describe()));
                None
            }
        };
        if let Some(value) = value {
            let i = d.spec.env.len();
            r.spans.insert(format!("/env/{i}"), n.range());
            r.spans.insert(format!("/env/{i}/name"), Range::of(key.span()));
            r.spans.insert("/env", n.range());
            d.spec.env.push(EnvVar { name: ident_text(key), value });
        }
    }
}
