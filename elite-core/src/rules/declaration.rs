//! Consistency of a declaration, beyond the standard's rules: what Kubernetes or the generator
//! would reject (an Ingress to an undeclared port, two volumes with one name). Reported under
//! the id [`DECL`].

use std::collections::BTreeMap;

use super::Violation;
use crate::facts::Loc;
use crate::model::AppSpec;

/// The id of a declaration-consistency problem.
pub const DECL: &str = "DECL";

const HINT: &str = "fix the declaration so Kubernetes can run it: unique names, references to what is declared, storage every replica can mount";

/// Every consistency problem of `app`, in declaration order.
pub fn check(app: &AppSpec) -> Vec<Violation> {
    let mut out = Vec::new();
    // Two databases with one name share a replica path: DUR-5 reports that, not this module.
    let mut fail = |at: String, message: String| out.push(Violation { rule: DECL, at: Loc(at), message, hint: HINT });
    if let Some(ing) = &app.ingress
        && !app.ports.iter().any(|p| p.name == ing.port)
    {
        fail("ingress".into(), format!("the ingress targets port `{}`, which the app does not declare", ing.port));
    }
    for (what, key, names) in [
        ("port name", "ports", app.ports.iter().map(|p| p.name.as_str()).collect::<Vec<_>>()),
        ("volume name", "volumes", app.volumes.iter().map(|v| v.name.as_str()).collect()),
        ("volume mount path", "volumes", app.volumes.iter().map(|v| v.mount_path.as_str()).collect()),
        ("environment variable", "env", app.env.iter().map(|e| e.name.as_str()).collect()),
    ] {
        let mut seen = BTreeMap::new();
        for (i, name) in names.into_iter().enumerate() {
            if let Some(first) = seen.insert(name, i) {
                fail(format!("{key}[{i}]"), format!("{what} `{name}` is declared twice (first at {key}[{first}])"));
            }
        }
    }
    for (i, p) in app.ports.iter().enumerate() {
        if p.name.is_empty() || p.name.len() > 15 {
            fail(
                format!("ports[{i}]"),
                format!("port name `{}` must have 1 to 15 characters (IANA service name)", p.name),
            );
        }
        if p.number == 0 {
            fail(format!("ports[{i}]"), format!("port `{}` has number 0", p.name));
        }
    }
    for (i, v) in app.volumes.iter().enumerate() {
        if !v.mount_path.starts_with('/') {
            fail(format!("volumes[{i}]"), format!("mount path `{}` is not absolute", v.mount_path));
        }
    }
    if app.replicas > 1 {
        for (i, v) in app.volumes.iter().enumerate() {
            if matches!(v.source, crate::model::VolumeSource::Pvc { .. }) {
                fail(
                    format!("volumes[{i}]"),
                    format!(
                        "{} replicas share the ReadWriteOnce claim `{}`: replicas on different nodes cannot mount it; give each replica its own storage (empty_dir with config_sync) or run one replica",
                        app.replicas, v.name
                    ),
                );
            }
        }
    }
    if app.replicas == 0 {
        fail("replicas".into(), "replicas is 0: the app would never run".into());
    }
    out
}
