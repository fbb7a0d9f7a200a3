//! What Kubernetes (or the generator) would reject in a declaration, beyond the standard's rules:
//! names and values the API server does not accept, references to what is not declared, names
//! that collide with what the generator adds. Reported under the id `DECL`.

use std::collections::BTreeMap;

use super::{Door, Hint, Rule, RuleId, Severity, Stage, Violation};
use crate::model::{AppSpec, ProbeAction, Protocol, VolumeSource, path};
use crate::names::{self, Format};
use crate::platform::RESERVED_APP_NAMES;
use crate::pod::{self, ContainerRole, GENERATED_VOLUMES};
use crate::pointer;
use crate::pointer::Pointer;

/// DECL: what Kubernetes itself would reject (names, ports, probes, collisions with the generator's own names).
pub const DECL: Rule = Rule {
    id: RuleId::Decl,
    title: "A declaration is one Kubernetes accepts: names and values pass the API server's validation, references point at what is declared, and nothing collides with what the generator adds.",
    rationale: "A declaration that compiles must deploy. Every name the generator writes is checked against the API server's own formats (DNS-1123 and DNS-1035 labels, IANA port names, label values, environment variable names), probe fields against their minimums (a zero would silently become the default), and the app's names against the containers, volumes and ports the generator adds.",
    severity: Severity::High,
    stages: &[Stage::Compile, Stage::Generator],
    hint: Hint {
        dsl: "fix the declaration so Kubernetes can run it: valid names, references to what is declared, nothing named like the generator's own parts",
        builder: "fix the declaration so Kubernetes can run it: valid names, references to what is declared, nothing named like the generator's own parts",
        data: "fix the description so Kubernetes can run it: valid names, references to what is declared, nothing named like the generator's own parts",
        manifest: "fix the manifest so the API server accepts it",
    },
    check: None,
    cel: None,
};

/// The longest app name: each name the generator derives from it (`<app>-s3-credentials`, the
/// longest) stays a 63-character DNS label. (A StatefulSet's pods also need room for the name, `-`
/// and a revision hash of up to 10 characters in a label value: 52, which this bound keeps.)
pub const MAX_APP_NAME: usize = 63 - pod::names::LONGEST_SUFFIX;
/// The largest value of an `int32` field (probe seconds, UIDs).
pub const INT32_MAX: u32 = i32::MAX as u32;

struct Out(Vec<Violation>);

impl Out {
    fn fail(&mut self, at: Pointer, message: String) {
        self.0.push(Violation { rule: RuleId::Decl, check: None, at, message, door: Door::Data });
    }
    fn format(&mut self, at: Pointer, what: &str, value: &str, format: Format) {
        if let Err(e) = format.check(value) {
            self.fail(at, format!("{what} `{}` is not {}: {e}", names::printable(value), format.describe()));
        }
    }
}

/// Every consistency problem of `app`, in declaration order.
pub fn check(app: &AppSpec) -> Vec<Violation> {
    let mut o = Out(Vec::new());
    names_and_identity(app, &mut o);
    ports_and_probes(app, &mut o);
    volumes(app, &mut o);
    environment(app, &mut o);
    durability(app, &mut o);
    if app.replicas == 0 {
        o.fail(pointer!("replicas"), "replicas is 0: the app would never run".into());
    }
    if app.run_as_user > INT32_MAX {
        o.fail(
            pointer!("runAsUser"),
            format!("runAsUser {} is above {INT32_MAX}, the largest UID Kubernetes accepts", app.run_as_user),
        );
    }
    if app.environments.is_empty() {
        o.fail(pointer!("environments"), "no environment: the app would be deployed nowhere".into());
    }
    duplicates(&mut o, "environments", "environment", app.environments.iter().map(|e| e.name().to_owned()));
    duplicates(&mut o, "exceptions", "exception", app.exceptions.iter().map(|e| e.kind.name().to_owned()));
    duplicates(&mut o, "egress", "egress rule", app.egress.iter().map(ToString::to_string));
    duplicates(&mut o, "allowFrom", "allow_from rule", app.allow_from.iter().map(ToString::to_string));
    if let Some(api) = &app.api {
        if api.read.is_empty() {
            o.fail(
                pointer!("api", "read"),
                "`api` names no resource: an app that reads the API says what it reads".into(),
            );
        }
        for (i, r) in api.read.iter().enumerate() {
            if api.read[..i].contains(r) {
                o.fail(pointer!("api", "read", i), format!("API resource `{r}` is declared twice"));
            }
        }
    }
    o.0
}

fn duplicates(o: &mut Out, key: &str, what: &str, items: impl IntoIterator<Item = String>) {
    let mut seen = BTreeMap::new();
    for (i, name) in items.into_iter().enumerate() {
        if let Some(first) = seen.insert(name.clone(), i) {
            o.fail(
                pointer!(key, i),
                format!("{what} `{}` is declared twice (first at /{key}/{first})", names::printable(&name)),
            );
        }
    }
}

fn names_and_identity(app: &AppSpec, o: &mut Out) {
    // The app's name names its Service: a DNS-1035 label.
    if names::dns1123_label(&app.name).is_ok() {
        o.format(pointer!("name"), "app name", &app.name, Format::Dns1035Label);
    }
    if app.name.len() > MAX_APP_NAME && names::dns1123_label(&app.name).is_ok() {
        o.fail(
            pointer!("name"),
            format!(
                "app name `{}` has {} characters; at most {MAX_APP_NAME}: the names derived from it (`{}-s3-credentials`) must stay DNS labels of 63",
                app.name,
                app.name.len(),
                app.name
            ),
        );
    }
    if ContainerRole::of_name(&app.name).is_some() {
        o.fail(pointer!("name"), format!("the app cannot be named `{}`: the main container would collide with the generator's container of that name", app.name));
    }
    if RESERVED_APP_NAMES.contains(&app.name.as_str()) {
        o.fail(
            pointer!("name"),
            format!("the app cannot be named `{}`: an ArgoCD Application of the generator has that name", app.name),
        );
    }
    if let Some(ing) = &app.ingress {
        let sub = app.ingress_subdomain().unwrap_or_default();
        o.format(pointer!("ingress", "subdomain"), "ingress subdomain", sub, Format::Dns1123Subdomain);
        match app.ports.iter().find(|p| p.name == ing.port) {
            None => o.fail(
                pointer!("ingress", "port"),
                format!("the ingress targets port `{}`, which the app does not declare", names::printable(&ing.port)),
            ),
            Some(p) if p.protocol == Protocol::Udp => o.fail(
                pointer!("ingress", "port"),
                format!("the ingress targets port `{}`, which is UDP: an Ingress routes HTTP", ing.port),
            ),
            Some(_) => {}
        }
    }
    if let Some(i) = app.exceptions.iter().position(|e| !e.reason.is_empty() && e.reason.len() > 1024) {
        o.fail(pointer!("exceptions", i, "reason"), "an exception's reason has more than 1024 characters".into());
    }
}

fn ports_and_probes(app: &AppSpec, o: &mut Out) {
    let plan = pod::plan(app);
    let mut numbers: BTreeMap<(u16, Protocol), usize> = BTreeMap::new();
    for (i, p) in app.ports.iter().enumerate() {
        let at = pointer!("ports", i);
        o.format(at.push("name"), "port name", &p.name, Format::IanaServiceName);
        if p.number == 0 {
            o.fail(at.push("number"), format!("port `{}` has number 0", p.name));
        }
        if let Some(first) = numbers.insert((p.number, p.protocol), i) {
            o.fail(
                at.push("number"),
                format!("port {} ({}) is declared twice (first at /ports/{first})", p.number, p.protocol.as_str()),
            );
        }
        // The sidecars' ports share the pod's network namespace, and the PodMonitor scrapes them
        // by name.
        for c in plan.all_containers().filter(|c| c.role != ContainerRole::Main) {
            for theirs in &c.ports {
                if p.name == theirs.name || p.number == theirs.number {
                    o.fail(
                        at.clone(),
                        format!(
                            "port `{}` ({}) collides with the {} sidecar's `{}` ({}): one pod, one network namespace, and the PodMonitor scrapes the port by that name",
                            p.name, p.number, c.name, theirs.name, theirs.number
                        ),
                    );
                }
            }
        }
    }
    duplicates(o, "ports", "port name", app.ports.iter().map(|p| p.name.clone()));
    for (key, probe) in
        [("liveness", &app.probes.liveness), ("readiness", &app.probes.readiness), ("startup", &app.probes.startup)]
    {
        let Some(p) = probe else { continue };
        let at = pointer!("probes", key);
        for (field, value, min) in [
            ("periodSeconds", p.period_seconds, 1),
            ("timeoutSeconds", p.timeout_seconds, 1),
            ("failureThreshold", p.failure_threshold, 1),
            ("initialDelaySeconds", p.initial_delay_seconds, 0),
        ] {
            if value < min {
                o.fail(at.push(field), format!("{key} {field} is {value}: Kubernetes would replace it with its default; it must be at least {min}"));
            } else if value > INT32_MAX {
                o.fail(at.push(field), format!("{key} {field} is {value}, above {INT32_MAX}"));
            }
        }
        match &p.action {
            ProbeAction::Http { path, .. }
                if !path.starts_with('/') || path.chars().any(|c| c.is_control() || c == ' ') =>
            {
                o.fail(
                    at.push("action"),
                    format!(
                        "the {key} probe's HTTP path `{}` must start with `/` and hold no blanks",
                        names::printable(path)
                    ),
                )
            }
            ProbeAction::Exec { command } if command.is_empty() || command[0].is_empty() => {
                o.fail(at.push("action"), format!("the {key} probe's command is empty"))
            }
            _ => {}
        }
        if let Some(crate::model::PortRef::Name(n)) = p.port() {
            o.format(at.push("action"), "probe port", n, Format::IanaServiceName);
        }
    }
}

fn volumes(app: &AppSpec, o: &mut Out) {
    duplicates(o, "volumes", "volume name", app.volumes.iter().map(|v| v.name.clone()));
    let mut mount_paths: BTreeMap<String, Pointer> = BTreeMap::new();
    for (i, v) in app.volumes.iter().enumerate() {
        let at = pointer!("volumes", i);
        if GENERATED_VOLUMES.contains(&v.name.as_str()) {
            o.fail(at.push("name"), format!("volume name `{}` is the generator's own", v.name));
        }
        let claim = pod::names::pvc(app, &v.name);
        if !matches!(v.source, VolumeSource::EmptyDir(_)) && claim.len() > 63 && app.name.len() <= MAX_APP_NAME {
            o.fail(
                at.push("name"),
                format!(
                    "its claim would be named `{claim}`, {} characters; a claim's name is a DNS label of at most 63",
                    claim.len()
                ),
            );
        }
        match &v.source {
            VolumeSource::Pvc(p) => {
                if p.size.bytes() == 0 {
                    o.fail(at.join(["source", "Pvc", "size"]), "a claim's size must be above 0".into());
                }
                if let Some(c) = &p.storage_class {
                    o.format(at.join(["source", "Pvc", "storageClass"]), "storage class", c, Format::Dns1123Subdomain);
                }
                if app.replicas > 1 {
                    o.fail(
                        at.clone(),
                        format!(
                            "{} replicas share the ReadWriteOnce claim `{}`: replicas on different nodes cannot mount it; give each replica its own storage (an emptyDir with config sync) or run one replica",
                            app.replicas, v.name
                        ),
                    );
                }
            }
            VolumeSource::Nfs(n) => {
                if n.server.is_empty() || n.server.chars().any(|c| c.is_whitespace() || c.is_control() || c == '/') {
                    o.fail(
                        at.join(["source", "Nfs", "server"]),
                        format!("NFS server `{}` is not a host name or address", names::printable(&n.server)),
                    );
                }
                if let Err(e) = path::normalize(&n.path) {
                    o.fail(
                        at.join(["source", "Nfs", "path"]),
                        format!("NFS path `{}` is not usable: {e}", names::printable(&n.path)),
                    );
                }
            }
            VolumeSource::EmptyDir(e) => {
                if e.size_limit.is_some_and(|s| s.bytes() == 0) {
                    o.fail(
                        at.join(["source", "EmptyDir", "sizeLimit"]),
                        "an emptyDir's size limit must be above 0".into(),
                    );
                }
            }
        }
        if v.mounts.is_empty() {
            o.fail(at.push("mounts"), format!("volume `{}` is mounted nowhere", v.name));
        }
        for (k, m) in v.mounts.iter().enumerate() {
            let at = at.join(["mounts".to_string(), k.to_string(), "path".into()]);
            match path::normalize(&m.path) {
                Err(e) => o.fail(at, format!("mount path `{}` is not usable: {e}", names::printable(&m.path))),
                Ok(p) if p == "/" => o.fail(at, "a volume cannot be mounted at `/`, over the whole image".into()),
                Ok(p) if p == pod::TMP_DIR => {
                    o.fail(at, format!("{p} is the generator's own writable scratch space (an emptyDir every container mounts); mount below it or elsewhere"))
                }
                Ok(p) => {
                    if let Some(first) = mount_paths.insert(p.clone(), at.clone()) {
                        o.fail(at, format!("mount path {p} is mounted twice (first at {first})"));
                    }
                }
            }
            if let Some(sub) = &m.sub_path
                && let Some(why) = path::sub_path_error(sub)
            {
                o.fail(pointer!("volumes", i, "mounts", k, "subPath"), why);
            }
        }
    }
}

fn environment(app: &AppSpec, o: &mut Out) {
    duplicates(o, "env", "environment variable", app.env.iter().map(|e| e.name.clone()));
    for (i, e) in app.env.iter().enumerate() {
        o.format(pointer!("env", i, "name"), "environment variable", &e.name, Format::EnvVarName);
        if let crate::model::EnvValue::Secret(k) = &e.value {
            o.format(pointer!("env", i, "value", "secret"), "secret key", &k.secret, Format::ConfigKey);
        }
    }
}

fn durability(app: &AppSpec, o: &mut Out) {
    let d = &app.durability;
    if d.is_stateless() {
        return;
    }
    // The durability containers mount the data volumes beside their own /tmp and /etc/elite.
    let mut data_paths: Vec<(Pointer, String)> = d
        .databases
        .iter()
        .enumerate()
        .filter(|(_, db)| db.is_replicated() || db.profile == crate::model::BackupProfile::Ephemeral)
        .map(|(i, db)| (pointer!("durability", "databases", i, "path"), db.normalized_path()))
        .collect();
    if let Some(c) = &d.config_sync {
        data_paths.push((pointer!("durability", "configSync", "dir"), c.normalized_dir()));
        for (i, g) in c.exclude.iter().enumerate() {
            if g.is_empty() || g.chars().any(char::is_control) {
                o.fail(
                    pointer!("durability", "configSync", "exclude", i),
                    format!(
                        "exclude pattern `{}` must be one non-empty line (it becomes one rclone filter rule)",
                        names::printable(g)
                    ),
                );
            }
        }
    }
    for (at, p) in data_paths {
        // A mount at /tmp itself is reported once, at the mount (see `volumes`).
        if let Some((_, m)) = app.mount_containing(&p)
            && m.normalized_path() != pod::TMP_DIR
            && let Some(g) = pod::collides_with_generated_mount(&m.normalized_path())
        {
            o.fail(
                at,
                format!(
                    "{p} lies in the mount {}, which collides with the durability containers' own {g}",
                    m.normalized_path()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn app() -> AppSpec {
        let mut a = AppSpec::new("demo", Category::Tools, "example/demo:1.0.0");
        a.ports.push(Port { name: "http".into(), number: 8080, protocol: Protocol::Tcp });
        a
    }

    fn ids(a: &AppSpec) -> Vec<String> {
        check(a).into_iter().map(|v| v.at.to_string()).collect()
    }

    #[test]
    fn names_kubernetes_rejects() {
        let mut a = app();
        a.ports[0].name = "8080".into();
        a.ports.push(Port { name: "a-very-long-port-name".into(), number: 9000, protocol: Protocol::Tcp });
        a.name = "0demo".into();
        a.env.push(EnvVar { name: "A B".into(), value: EnvValue::Plain("x".into()) });
        assert_eq!(ids(&a), ["/name", "/ports/0/name", "/ports/1/name", "/env/0/name"]);
    }

    #[test]
    fn collisions_with_the_generator() {
        let mut a = app();
        a.name = "litestream".into();
        a.volumes.push(Volume {
            name: "elite-tmp".into(),
            source: VolumeSource::EmptyDir(EmptyDirSource::default()),
            mounts: vec![Mount::at("/tmp")],
        });
        a.durability.databases.push(Database {
            name: "db".into(),
            path: "/tmp/db.sqlite".into(),
            format: DbFormat::Sqlite,
            profile: BackupProfile::Standard,
        });
        // The mount at /tmp is the generator's own scratch space: one error, at the mount (the
        // database under it is not a second mistake).
        assert_eq!(ids(&a), ["/name", "/volumes/0/name", "/volumes/0/mounts/0/path"]);
        // A volume mounted under /tmp is fine for the app, but not for a database the durability
        // containers (which mount their own /tmp) must reach.
        a.volumes[0].name = "scratch".into();
        a.volumes[0].mounts[0].path = "/tmp/db".into();
        a.durability.databases[0].path = "/tmp/db/x.sqlite".into();
        assert_eq!(ids(&a), ["/name", "/durability/databases/0/path"]);
    }

    #[test]
    fn probe_minimums() {
        let mut a = app();
        a.probes.liveness = Some(Probe::http("/", "http").period(0));
        a.probes.readiness = Some(Probe::http("x", "http"));
        assert_eq!(ids(&a), ["/probes/liveness/periodSeconds", "/probes/readiness/action"]);
    }
}
