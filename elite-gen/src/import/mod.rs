//! `elite import FILE`: an existing Deployment or StatefulSet (with its claims, its Litestream
//! ConfigMap and its sidecars, when the file has them) as an `#[elite]` declaration.
//!
//! What maps cleanly is mapped. What breaks a rule is written the way the standard requires,
//! with a comment naming the rule and the original value (`// PRIO-2: was vixens-medium`). What
//! is inferred says so when it is a guess. What cannot be mapped is a comment; what is missing
//! (a probe, a port) is a comment where the compiler's error will point. The declaration is
//! printed from a token tree ([`print`]): no text from the manifest can become code.

mod infer;
mod print;

use elite_core::audit::yaml::{self, Limits};
use elite_core::model::*;
use elite_core::quantity::{parse_cpu_millis, parse_memory_bytes};
use elite_core::rules::patterns;
use elite_core::{Cpu, Memory};
use serde_json::Value;

pub use print::{declaration, is_exact_identifier, is_identifier};

/// Why a file cannot be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read.
    #[error("{file}: cannot read: {message}")]
    Io { file: String, message: String },
    /// The YAML cannot be read.
    #[error("{file}:{}: {error}", error.line)]
    Yaml { file: String, error: yaml::YamlError },
    /// No workload to import.
    #[error("{0}: no Deployment or StatefulSet to import")]
    NoWorkload(String),
    /// The workload has no name.
    #[error("{0}: the workload has no metadata.name")]
    NoName(String),
    /// The workload has no container besides durability sidecars.
    #[error("{0}: the workload has no main container")]
    NoMainContainer(String),
    /// A name that must be an identifier in `#[elite]` cannot be one.
    #[error("`{}` cannot be written in #[elite]: the DSL writes this name as a Rust identifier", elite_core::names::printable(.0))]
    NotAnIdentifier(String),
    /// Two volumes have one name: `mount(<name>, ...)` could not say which it mounts.
    #[error("two volumes are named `{}`: #[elite] names a volume to mount it", elite_core::names::printable(.0))]
    DuplicateVolume(String),
    /// A bug: the printed declaration does not parse.
    #[error("internal error: {0}")]
    Internal(String),
}

/// A note written as a comment beside the declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The part of the model it is about (`/priority`); empty: above the attribute.
    pub pointer: String,
    /// The text (one line).
    pub text: String,
}

/// An imported app: the spec, and the notes written beside its declaration.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The declaration's spec.
    pub spec: AppSpec,
    /// The struct's name (the app's name in UpperCamelCase).
    pub struct_name: String,
    /// Comments, beside the keys they are about.
    pub notes: Vec<Note>,
}

impl Imported {
    fn note(&mut self, pointer: &str, text: impl Into<String>) {
        self.notes.push(Note { pointer: pointer.into(), text: text.into() });
    }
}

/// The containers the generator adds itself (their manifests are not imported as the app).
const DURABILITY_CONTAINERS: [&str; 4] = ["restore-config", "restore-db", "litestream", "config-syncer"];

/// The kinds import keeps from a file: the workload and what it refers to.
const KEPT_KINDS: [&str; 5] = ["Deployment", "StatefulSet", "PersistentVolumeClaim", "ConfigMap", "Service"];

/// The objects of `file` that import needs, read as they stream (other kinds are dropped at
/// once, so memory stays proportional to what is kept).
pub fn read_file(file: &std::path::Path, limits: &Limits) -> Result<Vec<Value>, ImportError> {
    let name = file.display().to_string();
    let meta = std::fs::metadata(file).map_err(|e| ImportError::Io { file: name.clone(), message: e.to_string() })?;
    if !meta.is_file() {
        return Err(ImportError::Io { file: name, message: "not a regular file".into() });
    }
    let f = std::fs::File::open(file).map_err(|e| ImportError::Io { file: name.clone(), message: e.to_string() })?;
    read_objects(&name, f, limits)
}

/// The objects import needs from `input`: the first workload, and the claims, ConfigMaps and
/// Services beside it (a later workload is dropped as it is read: a cluster dump of thousands
/// costs one).
pub fn read_objects(name: &str, input: impl std::io::Read, limits: &Limits) -> Result<Vec<Value>, ImportError> {
    let mut objects = Vec::new();
    let mut have_workload = false;
    yaml::read(input, limits, |o| {
        let kind = o.value["kind"].as_str().unwrap_or_default();
        let workload = matches!(kind, "Deployment" | "StatefulSet");
        if KEPT_KINDS.contains(&kind) && !(workload && have_workload) {
            have_workload |= workload;
            objects.push(o.value);
        }
    })
    .map_err(|error| ImportError::Yaml { file: name.to_owned(), error })?;
    Ok(objects)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_owned)).collect()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
}

/// The struct name for an app name: UpperCamelCase of its ASCII letters and digits.
fn struct_name(name: &str) -> String {
    let mut s: String = name.split(|c: char| !c.is_ascii_alphanumeric()).map(capitalize).collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) || !print::is_identifier(&s) || s == "Self" {
        s = format!("App{s}");
    }
    s
}

/// Imports the first Deployment or StatefulSet of `objects`, read from `file`.
pub fn import(objects: &[Value], file: &str) -> Result<Imported, ImportError> {
    let w = objects
        .iter()
        .find(|o| matches!(o["kind"].as_str(), Some("Deployment" | "StatefulSet")))
        .ok_or_else(|| ImportError::NoWorkload(file.to_owned()))?;
    let name =
        w["metadata"]["name"].as_str().filter(|n| !n.is_empty()).ok_or_else(|| ImportError::NoName(file.to_owned()))?;
    let pod = &w["spec"]["template"]["spec"];
    let annotations = &w["spec"]["template"]["metadata"]["annotations"];
    let containers = pod["containers"].as_array().cloned().unwrap_or_default();
    let main = containers
        .iter()
        .find(|c| c["name"] == name)
        .or_else(|| containers.iter().find(|c| !DURABILITY_CONTAINERS.contains(&c["name"].as_str().unwrap_or(""))))
        .ok_or_else(|| ImportError::NoMainContainer(file.to_owned()))?;
    let image = main["image"].as_str().unwrap_or_default();
    let namespace = w["metadata"]["namespace"].as_str();
    let category = infer::category(file, namespace, image, name);
    let mut imp =
        Imported { spec: AppSpec::new(name, category.value, image), struct_name: struct_name(name), notes: Vec::new() };
    if let Some(g) = category.guess {
        imp.note("/category", g);
    }
    if let Some(ns) = namespace
        && ns != imp.spec.category.as_str()
    {
        imp.spec.namespace = Some(ns.to_owned());
    }
    if w["kind"] == "StatefulSet" {
        imp.spec.workload = Workload::StatefulSet;
    }
    let replicas = w["spec"]["replicas"].as_u64().unwrap_or(1);
    imp.spec.replicas = u16::try_from(replicas).unwrap_or(u16::MAX).max(1);
    image_and_runtime(&mut imp, image, main, annotations);
    priority(&mut imp, pod["priorityClassName"].as_str());
    size(&mut imp, &main["resources"]);
    imp.spec.command = strings(&main["command"]);
    imp.spec.args = strings(&main["args"]);
    ports(&mut imp, main);
    probes(&mut imp, main);
    volumes(&mut imp, w, main, objects);
    env(&mut imp, main);
    durability(&mut imp, objects, &containers, pod, annotations, image);
    security(&mut imp, main, pod);
    single_writer(&mut imp);
    for c in containers.iter().chain(pod["initContainers"].as_array().into_iter().flatten()) {
        let n = c["name"].as_str().unwrap_or_default();
        let image = c["image"].as_str().unwrap_or_default();
        let replaced = ["litestream", "rclone"].iter().find(|t| image.contains(*t) || n.contains(*t));
        if !std::ptr::eq(c, main)
            && !DURABILITY_CONTAINERS.contains(&n)
            && let Some(tool) = replaced
        {
            imp.note(
                "",
                format!(
                    "replaced: container `{}` ({}): the generated durability containers do its {tool} work",
                    elite_core::names::printable(n),
                    elite_core::names::printable(image)
                ),
            );
        } else if !std::ptr::eq(c, main) && !DURABILITY_CONTAINERS.contains(&n) {
            imp.note(
                "",
                format!(
                    "not mapped: container `{}` ({}): an Elite app is its main container and the durability containers the generator adds",
                    elite_core::names::printable(n),
                    elite_core::names::printable(c["image"].as_str().unwrap_or("no image"))
                ),
            );
        }
    }
    for key in ["tolerations", "nodeSelector", "affinity", "dnsConfig", "hostAliases"] {
        if !pod[key].is_null() {
            imp.note("", format!("not mapped: pod `{key}`"));
        }
    }
    for key in ["hostNetwork", "hostPID", "hostIPC"] {
        if pod[key].as_bool() == Some(true) {
            imp.note(
                "",
                format!(
                    "not mapped: pod `{key}: true`: Pod Security restricted (SEC-1/host-namespaces) does not allow it"
                ),
            );
        }
    }
    Ok(imp)
}

fn image_and_runtime(imp: &mut Imported, image: &str, main: &Value, annotations: &Value) {
    if let Some(why) = elite_core::rules::unpinned(image) {
        imp.note("/image", format!("META-1: {why}: pin a version tag or a digest"));
    }
    let r = infer::runtime(image, main, annotations);
    imp.spec.runtime = Some(r.value);
    if let Some(g) = r.guess {
        imp.note("/runtime", if g.starts_with("runtime") { g } else { format!("runtime {}: {g}", r.value.name()) });
    }
}

fn priority(imp: &mut Imported, class: Option<&str>) {
    let p = class.and_then(Priority::from_class_name);
    imp.spec.priority = Some(match p {
        Some(p @ Priority::Critical) => {
            imp.spec.role = Role::CoreInfra;
            imp.note("/role", "PRIO-3: vixens-critical is for core-infra: role CoreInfra");
            p
        }
        Some(p @ Priority::High) => p,
        Some(p) => {
            imp.note("/priority", format!("PRIO-2: was {}", p.class_name()));
            Priority::High
        }
        None => {
            imp.note(
                "/priority",
                format!(
                    "PRIO-1: was {}",
                    class.map_or("not set".to_owned(), |c| format!("`{}`", elite_core::names::printable(c)))
                ),
            );
            Priority::High
        }
    });
}

fn size(imp: &mut Imported, r: &Value) {
    let q = |section: &str,
             key: &str,
             parse: fn(&str) -> Result<u64, elite_core::quantity::QuantityError>|
     -> Option<u64> {
        match &r[section][key] {
            Value::String(s) => parse(s).ok(),
            Value::Number(n) => parse(&n.to_string()).ok(),
            _ => None,
        }
    };
    let (cr, cl) = (q("requests", "cpu", parse_cpu_millis), q("limits", "cpu", parse_cpu_millis));
    let (mr, ml) = (q("requests", "memory", parse_memory_bytes), q("limits", "memory", parse_memory_bytes));
    let (Some(cl), Some(ml)) = (cl.or(cr), ml.or(mr)) else {
        imp.spec.size = Some(Size::Small);
        imp.note(
            "/size",
            "SIZE-1: the main container sets no CPU or memory limit Kubernetes would accept: Small assumed",
        );
        return;
    };
    // Memory: request = limit (SIZE-2), in whole MiB, rounded up.
    let mib = ml.div_ceil(Memory::MI).clamp(1, u64::from(u32::MAX));
    let mem = Memory::mi(mib);
    if mr.is_some_and(|m| m != ml) {
        imp.note("/size", format!("SIZE-2: memory request was {} for a {} limit", Memory(mr.unwrap_or(0)), Memory(ml)));
    }
    let cl32 = u32::try_from(cl).unwrap_or(u32::MAX).max(10);
    let (lo, hi) = CUSTOM_CPU_REQUEST_PERCENT;
    let req = cr.map_or(u64::from(cl32) / 10, |c| c.min(u64::from(u32::MAX)));
    let (req128, lim128) = (u128::from(req), u128::from(cl32));
    let lowest = u32::try_from((lim128 * u128::from(lo)).div_ceil(100)).unwrap_or(u32::MAX);
    let highest = u32::try_from(lim128 * u128::from(hi) / 100).unwrap_or(u32::MAX).max(lowest);
    let mut req32 = u32::try_from(req).unwrap_or(u32::MAX);
    if req128 * 100 < lim128 * u128::from(lo) || req128 * 100 > lim128 * u128::from(hi) {
        let res = Resources { cpu_request: Cpu(req32), cpu_limit: Cpu(cl32), memory_request: mem, memory_limit: mem };
        if Size::preset_of(res).is_none() {
            imp.note("/size", format!("SIZE-3: CPU request was {req}m for a {cl32}m limit ({lo}–{hi}% allowed)"));
            req32 = req32.clamp(lowest, highest);
        }
    }
    let res = Resources { cpu_request: Cpu(req32), cpu_limit: Cpu(cl32), memory_request: mem, memory_limit: mem };
    imp.spec.size = Some(Size::preset_of(res).unwrap_or(Size::Custom(res)));
}

fn port_ref(v: &Value) -> Option<PortRef> {
    match v {
        Value::String(s) => Some(PortRef::Name(s.clone())),
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()).map(PortRef::Number),
        _ => None,
    }
}

/// A port name the DSL and Kubernetes both accept, from the manifest's (or none).
fn port_name(name: Option<&str>, number: u16, first: bool) -> String {
    match name {
        Some(n) if elite_core::names::iana_service_name(n).is_ok() && print::is_identifier(n) => n.to_owned(),
        _ if first => "http".to_owned(),
        _ => format!("port-{number}"),
    }
}

fn ports(imp: &mut Imported, main: &Value) {
    for (i, p) in main["ports"].as_array().into_iter().flatten().enumerate() {
        let Some(number) = p["containerPort"].as_u64().and_then(|n| u16::try_from(n).ok()).filter(|n| *n > 0) else {
            continue;
        };
        let written = p["name"].as_str();
        let mut name = port_name(written, number, i == 0);
        if imp.spec.ports.iter().any(|x| x.name == name) {
            name = format!("port-{number}");
        }
        if let Some(w) = written
            && w != name
        {
            imp.note(
                &format!("/ports/{}", imp.spec.ports.len()),
                format!(
                    "DECL: port name `{}` is not an IANA name the DSL can write: renamed `{name}`",
                    elite_core::names::printable(w)
                ),
            );
        }
        let protocol = if p["protocol"] == "UDP" { Protocol::Udp } else { Protocol::Tcp };
        if imp.spec.ports.iter().any(|x| x.number == number && x.protocol == protocol) {
            continue;
        }
        imp.spec.ports.push(Port { name, number, protocol });
    }
}

fn probe(p: &Value) -> Option<Probe> {
    let action = if let Some(port) = port_ref(&p["httpGet"]["port"]) {
        ProbeAction::Http {
            path: p["httpGet"]["path"].as_str().filter(|s| s.starts_with('/')).unwrap_or("/").to_owned(),
            port,
        }
    } else if let Some(port) = port_ref(&p["tcpSocket"]["port"]).or_else(|| port_ref(&p["grpc"]["port"])) {
        ProbeAction::Tcp { port }
    } else if p["exec"]["command"].as_array().is_some_and(|c| !c.is_empty()) {
        ProbeAction::Exec { command: strings(&p["exec"]["command"]) }
    } else {
        return None;
    };
    // Kubernetes reads an absent or zero value as its default.
    let n = |k: &str, d: u32| p[k].as_u64().and_then(|v| u32::try_from(v).ok()).filter(|v| *v > 0).unwrap_or(d);
    Some(Probe {
        action,
        initial_delay_seconds: p["initialDelaySeconds"].as_u64().and_then(|v| u32::try_from(v).ok()).unwrap_or(0),
        period_seconds: n("periodSeconds", 10),
        timeout_seconds: n("timeoutSeconds", 1),
        failure_threshold: n("failureThreshold", 3),
    })
}

fn probes(imp: &mut Imported, main: &Value) {
    let first_port = imp.spec.ports.iter().find(|p| p.protocol == Protocol::Tcp).map(|p| PortRef::Name(p.name.clone()));
    let missing = |imp: &mut Imported, what: &str, key: &str| -> Option<Probe> {
        match first_port.clone() {
            Some(port) => {
                imp.note(
                    &format!("/probes/{key}"),
                    format!("PROBE-1: there was no {what}: a TCP check of the first port"),
                );
                Some(Probe::tcp(port))
            }
            None => {
                imp.note(&format!("/probes/{key}"), format!("PROBE-1: there was no {what} and no port to check: add `{key}(...)` (e.g. `{key}(exec = [\"/healthcheck\"])`) to the attribute above"));
                None
            }
        }
    };
    // A probe on a port that is not a usable name is rewritten to its number or the first port.
    let fix_port = |imp: &mut Imported, p: &mut Probe, key: &str| {
        if let ProbeAction::Http { port, .. } | ProbeAction::Tcp { port } = &mut p.action
            && let PortRef::Name(n) = port
            && !imp.spec.ports.iter().any(|d| d.name == *n)
        {
            match first_port.clone() {
                Some(fp) => {
                    imp.note(
                        &format!("/probes/{key}"),
                        format!(
                            "PROBE-4: the probe targeted port `{}`, which was not declared: the first port",
                            elite_core::names::printable(n)
                        ),
                    );
                    *port = fp;
                }
                None => imp.note(
                    &format!("/probes/{key}"),
                    format!(
                        "PROBE-4: the probe targets port `{}`, which the container does not declare",
                        elite_core::names::printable(n)
                    ),
                ),
            }
        }
    };
    let mut live = probe(&main["livenessProbe"]).or_else(|| missing(imp, "livenessProbe", "liveness"));
    if let Some(l) = &mut live {
        fix_port(imp, l, "liveness");
        if l.failure_threshold != 3 {
            imp.note("/probes/liveness", format!("PROBE-2: failureThreshold was {}", l.failure_threshold));
            l.failure_threshold = 3;
        }
    }
    let mut ready = probe(&main["readinessProbe"]).or_else(|| missing(imp, "readinessProbe", "readiness"));
    if let Some(r) = &mut ready {
        fix_port(imp, r, "readiness");
    }
    let mut startup = probe(&main["startupProbe"]);
    if let Some(s) = &mut startup {
        fix_port(imp, s, "startup");
    }
    let heavy = imp.spec.runtime.is_some_and(Runtime::is_heavy);
    let max = u32::try_from(elite_core::rules::MAX_STARTUP_WINDOW).unwrap_or(180);
    if startup.is_none() && heavy {
        startup = ready.clone().or(live.clone()).map(|p| Probe {
            initial_delay_seconds: 0,
            period_seconds: 10,
            failure_threshold: max / 10,
            ..p
        });
        if startup.is_some() {
            imp.note(
                "/probes/startup",
                format!("PROBE-3: a heavy runtime had no startupProbe: the readiness check, for up to {max} s"),
            );
        }
    }
    if let Some(s) = &mut startup
        && heavy
        && s.window_seconds() > u64::from(max)
    {
        imp.note("/probes/startup", format!("PROBE-3: the startup window was {} s", s.window_seconds()));
        s.initial_delay_seconds = 0;
        s.period_seconds = s.period_seconds.clamp(1, max);
        s.failure_threshold = (max / s.period_seconds).max(1);
    }
    // PROBE-4: a probe on a port number the container does not declare gets it declared.
    for p in [&live, &ready, &startup].into_iter().flatten() {
        if let ProbeAction::Http { port: PortRef::Number(n), .. } | ProbeAction::Tcp { port: PortRef::Number(n) } =
            p.action
            && n > 0
            && !imp.spec.ports.iter().any(|d| d.number == n)
        {
            imp.note(
                &format!("/ports/{}", imp.spec.ports.len()),
                format!("PROBE-4: a probe targets port {n}, which was not declared"),
            );
            imp.spec.ports.push(Port { name: format!("port-{n}"), number: n, protocol: Protocol::Tcp });
        }
    }
    imp.spec.probes = Probes { liveness: live, readiness: ready, startup };
}

fn volumes(imp: &mut Imported, w: &Value, main: &Value, objects: &[Value]) {
    let pod = &w["spec"]["template"]["spec"];
    for m in main["volumeMounts"].as_array().into_iter().flatten() {
        let (Some(vname), Some(mount)) = (m["name"].as_str(), m["mountPath"].as_str()) else { continue };
        let mount = Mount {
            path: mount.to_owned(),
            sub_path: m["subPath"].as_str().map(str::to_owned),
            read_only: m["readOnly"].as_bool().unwrap_or(false),
        };
        if let Some(v) = imp.spec.volumes.iter_mut().find(|v| v.name == vname) {
            v.mounts.push(mount);
            continue;
        }
        if !print::is_identifier(vname) || elite_core::names::Format::Dns1123Label.check(vname).is_err() {
            imp.note(
                "/volumes",
                format!(
                    "not mapped: volume `{}`: its name cannot be written in #[elite]",
                    elite_core::names::printable(vname)
                ),
            );
            continue;
        }
        let v = pod["volumes"].as_array().into_iter().flatten().find(|v| v["name"] == vname);
        let template =
            w["spec"]["volumeClaimTemplates"].as_array().into_iter().flatten().find(|t| t["metadata"]["name"] == vname);
        let claim = |spec: &Value| PvcSource {
            size: spec["resources"]["requests"]["storage"]
                .as_str()
                .and_then(|s| Memory::parse(s).ok())
                .filter(|m| m.bytes() > 0)
                .unwrap_or(Memory(Memory::GI)),
            storage_class: spec["storageClassName"].as_str().map(str::to_owned),
        };
        let source = if let Some(t) = template {
            VolumeSource::Pvc(claim(&t["spec"]))
        } else if let Some(v) = v {
            if let Some(c) = v["persistentVolumeClaim"]["claimName"].as_str() {
                let pvc = objects.iter().find(|o| o["kind"] == "PersistentVolumeClaim" && o["metadata"]["name"] == c);
                if pvc.is_none() {
                    imp.note(
                        "/volumes",
                        format!(
                            "volume `{vname}`: claim `{}` is not in the file: 1Gi assumed",
                            elite_core::names::printable(c)
                        ),
                    );
                }
                VolumeSource::Pvc(
                    pvc.map_or(PvcSource { size: Memory(Memory::GI), storage_class: None }, |p| claim(&p["spec"])),
                )
            } else if let (Some(server), Some(path)) = (v["nfs"]["server"].as_str(), v["nfs"]["path"].as_str()) {
                VolumeSource::Nfs(NfsSource { server: server.to_owned(), path: path.to_owned() })
            } else if v.get("emptyDir").is_some() {
                let limit =
                    v["emptyDir"]["sizeLimit"].as_str().and_then(|s| Memory::parse(s).ok()).filter(|m| m.bytes() > 0);
                VolumeSource::EmptyDir(EmptyDirSource { size_limit: limit })
            } else {
                let kind = v.as_object().and_then(|o| o.keys().find(|k| *k != "name").cloned()).unwrap_or_default();
                imp.note(
                    "/volumes",
                    format!(
                        "not mapped: volume `{vname}` ({kind}) at {}: only claims, NFS and emptyDirs are",
                        elite_core::names::printable(&mount.path)
                    ),
                );
                continue;
            }
        } else {
            imp.note(
                "/volumes",
                format!(
                    "not mapped: mount of `{vname}` at {}: no such volume",
                    elite_core::names::printable(&mount.path)
                ),
            );
            continue;
        };
        imp.spec.volumes.push(Volume { name: vname.to_owned(), source, mounts: vec![mount] });
    }
}

fn env(imp: &mut Imported, main: &Value) {
    for e in main["env"].as_array().into_iter().flatten() {
        let Some(name) = e["name"].as_str() else { continue };
        let shown = elite_core::names::printable(name);
        if !print::is_exact_identifier(name) || elite_core::names::env_var_name(name).is_err() {
            imp.note(
                "/env",
                format!("not mapped: environment variable `{shown}`: #[elite] writes names as identifiers"),
            );
            continue;
        }
        let value = if let Some(key) = e["valueFrom"]["secretKeyRef"]["key"].as_str() {
            let secret = e["valueFrom"]["secretKeyRef"]["name"].as_str().unwrap_or("?");
            imp.note(
                &format!("/env/{}", imp.spec.env.len()),
                format!(
                    "`{shown}`: was key `{}` of Secret `{}`; now of the app's Infisical-managed Secret",
                    elite_core::names::printable(key),
                    elite_core::names::printable(secret)
                ),
            );
            EnvValue::Secret(SecretKey { secret: key.to_owned() })
        } else if let Some(v) = e["value"].as_str() {
            if elite_core::rules::is_credential(name, v) {
                imp.note(
                    &format!("/env/{}", imp.spec.env.len()),
                    format!("DUR-7: `{shown}` was a literal credential: it comes from the app's Secret, key {shown}"),
                );
                EnvValue::Secret(SecretKey { secret: name.to_owned() })
            } else {
                EnvValue::Plain(v.to_owned())
            }
        } else if e.get("valueFrom").is_some() {
            imp.note("/env", format!("not mapped: `{shown}` (valueFrom other than a Secret key)"));
            continue;
        } else {
            EnvValue::Plain(String::new())
        };
        if imp.spec.env.iter().any(|x| x.name == name) {
            continue;
        }
        imp.spec.env.push(EnvVar { name: name.to_owned(), value });
    }
}

/// Paths of databases an rclone or Litestream command line names.
fn database_paths_in(line: &str) -> Vec<String> {
    line.split(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '=')
        .filter(|w| {
            w.starts_with('/')
                && (w.ends_with(".db") || w.ends_with(".sqlite") || w.ends_with(".sqlite3") || w.ends_with(".db3"))
        })
        .map(str::to_owned)
        .collect()
}

/// The local directory an `rclone sync|copy|bisync` command line syncs (`image_is_rclone`: the
/// line is the arguments of rclone's own entrypoint).
fn rclone_dir(line: &str, image_is_rclone: bool) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let start = match words.iter().position(|w| w.ends_with("rclone")) {
        Some(i) => i + 1,
        None if image_is_rclone => 0,
        None => return None,
    };
    let args: Vec<&str> = words[start..].iter().copied().filter(|w| !w.starts_with('-')).collect();
    if !matches!(args.first(), Some(&"sync" | &"copy" | &"bisync" | &"copyto")) {
        return None;
    }
    args[1..].iter().take(2).find(|a| a.starts_with('/')).map(|s| s.trim_end_matches('/').to_owned())
}

/// The retention a Litestream configuration asks for, as a profile.
fn profile_of_retention(retention: &str) -> Option<BackupProfile> {
    let hours: u64 = if let Some(h) = retention.strip_suffix('h') {
        h.parse().ok()?
    } else if let Some(d) = retention.strip_suffix('d') {
        d.parse::<u64>().ok()?.checked_mul(24)?
    } else {
        return None;
    };
    Some(match hours {
        h if h >= 336 => BackupProfile::Critical,
        h if h >= 168 => BackupProfile::Standard,
        _ => BackupProfile::Relaxed,
    })
}

fn durability(
    imp: &mut Imported,
    objects: &[Value],
    containers: &[Value],
    pod: &Value,
    annotations: &Value,
    image: &str,
) {
    // Our own summary, when the manifest was generated by elite.
    if let Some(d) = annotations["vixens.io/durability"].as_str().and_then(elite_core::facts::parse_durability) {
        let mut d = d;
        if d.stateless.as_deref() == Some("") {
            d.stateless = Some("declared stateless (annotation vixens.io/durability)".into());
        }
        imp.spec.durability = d;
        return;
    }
    let inits = pod["initContainers"].as_array().cloned().unwrap_or_default();
    let all: Vec<&Value> = containers.iter().chain(&inits).collect();
    // Databases: a Litestream configuration, the paths Litestream and restore steps name, and
    // annotations that list databases.
    let mut found: Vec<(String, Option<BackupProfile>, String)> = Vec::new();
    for cm in objects.iter().filter(|o| o["kind"] == "ConfigMap") {
        for (_, text) in cm["data"].as_object().into_iter().flatten().filter(|(k, _)| k.contains("litestream")) {
            let Some(text) = text.as_str() else { continue };
            let (docs, _) = yaml::objects(text, &Limits::default());
            for d in &docs {
                let global = d.value["snapshot"]["retention"].as_str().and_then(profile_of_retention);
                for db in d.value["dbs"].as_array().into_iter().flatten() {
                    let Some(path) = db["path"].as_str() else { continue };
                    let retention = [&db["replica"]["retention"], &db["replicas"][0]["retention"]]
                        .iter()
                        .find_map(|r| r.as_str())
                        .and_then(profile_of_retention)
                        .or(global);
                    found.push((path.to_owned(), retention, "the Litestream configuration".into()));
                }
            }
        }
    }
    for c in &all {
        let cname = c["name"].as_str().unwrap_or_default();
        let line = strings(&c["command"]).into_iter().chain(strings(&c["args"])).collect::<Vec<_>>().join(" ");
        if line.contains("litestream") || cname.contains("litestream") || cname.contains("restore-db") {
            for p in database_paths_in(&line) {
                found.push((p, None, format!("container `{}`", elite_core::names::printable(cname))));
            }
        }
    }
    for (scope, a) in [("pod", annotations), ("workload", &Value::Null)] {
        for (k, v) in a.as_object().into_iter().flatten() {
            let key = k.to_ascii_lowercase();
            if (key.contains("litestream") || key.contains("sqlite") || key.contains("database"))
                && let Some(v) = v.as_str()
            {
                for p in v.split([',', ';', ' ', '\n']).filter(|p| p.starts_with('/')) {
                    found.push((
                        p.to_owned(),
                        None,
                        format!("the {scope} annotation `{}`", elite_core::names::printable(k)),
                    ));
                }
            }
        }
    }
    let mut databases: Vec<Database> = Vec::new();
    for (path, retention, source) in found {
        if databases.iter().any(|d| path::normalize(&d.path) == path::normalize(&path)) {
            continue;
        }
        let i = databases.len();
        let at = format!("/durability/databases/{i}");
        if imp.spec.mount_containing(&path).is_none() {
            imp.note(
                "/durability",
                format!(
                    "not mapped: database {} (from {source}) lies outside the app's volumes (DUR-4)",
                    elite_core::names::printable(&path)
                ),
            );
            continue;
        }
        let stem = path.rsplit('/').next().unwrap_or(&path).split('.').next().unwrap_or("db").to_ascii_lowercase();
        let mut name: String = stem
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .trim_matches('-')
            .to_owned();
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            name = format!("db{}", if name.is_empty() { String::new() } else { format!("-{name}") });
        }
        if databases.iter().any(|d| d.name == name) {
            name = format!("{name}-{i}");
        }
        let format = infer::db_format(&path, image);
        let profile = match (format.value, retention) {
            (DbFormat::Bbolt, _) => BackupProfile::Ephemeral,
            (_, Some(p)) => p,
            (_, None) => BackupProfile::Standard,
        };
        let how = match (format.value, retention) {
            (DbFormat::Bbolt, _) => format!(
                "{}: a bbolt file, which Litestream cannot replicate: Ephemeral (deleted at every start)",
                format.guess.clone().unwrap_or_else(|| path.clone())
            ),
            (_, Some(p)) => format!("{path}: from {source}; SQLite, profile {} from its retention", p.name()),
            (_, None) => format!("{path}: from {source}; SQLite and profile Standard assumed: check both"),
        };
        imp.note(&at, how);
        databases.push(Database { name, path, format: format.value, profile });
    }
    // The synced directory: what an rclone sidecar or restore step syncs, when it is a mount of
    // the app.
    let mut config_sync = None;
    for c in &all {
        let line = strings(&c["command"]).into_iter().chain(strings(&c["args"])).collect::<Vec<_>>().join(" ");
        let image_is_rclone =
            c["image"].as_str().is_some_and(|i| i.split([':', '@']).next().unwrap_or_default().ends_with("rclone"));
        let dir = rclone_dir(&line, image_is_rclone).or_else(|| {
            let n = c["name"].as_str().unwrap_or_default();
            (n.contains("config-syncer") || n.contains("restore-config"))
                .then(|| c["volumeMounts"][0]["mountPath"].as_str().map(str::to_owned))
                .flatten()
        });
        if let Some(dir) = dir.filter(|d| imp.spec.mount_containing(d).is_some()) {
            imp.note(
                "/durability/configSync",
                format!(
                    "config sync of {dir}: from container `{}`",
                    elite_core::names::printable(c["name"].as_str().unwrap_or_default())
                ),
            );
            config_sync = Some(ConfigSync { dir, exclude: Vec::new() });
            break;
        }
    }
    if databases.is_empty() && config_sync.is_none() {
        imp.note("/durability", "DUR-1: the manifest shows no database and no synced directory: declared stateless; declare its databases or config directory if it keeps state");
        imp.spec.durability = Durability {
            stateless: Some("imported: no database or synced config in the manifest".into()),
            ..Durability::default()
        };
    } else {
        imp.spec.durability = Durability { stateless: None, databases, config_sync };
    }
}

fn security(imp: &mut Imported, main: &Value, pod: &Value) {
    let uid = main["securityContext"]["runAsUser"].as_i64().or(pod["securityContext"]["runAsUser"].as_i64());
    match uid {
        Some(0) => {
            imp.spec.exceptions.push(SecurityException {
                kind: ExceptionKind::RunAsRoot,
                reason: "imported: the manifest runs it as root; say why, or run it as a user".into(),
            });
            imp.note("/exceptions", "SEC-1: it ran as root (runAsUser: 0)");
        }
        Some(u) if u > 0 => imp.spec.run_as_user = u32::try_from(u).unwrap_or(DEFAULT_UID),
        _ => imp.note(
            "/runAsUser",
            "SEC-1: the manifest sets no user: UID 1000 (declare an exception if the image needs root)",
        ),
    }
    if main["securityContext"]["readOnlyRootFilesystem"].as_bool() != Some(true) {
        imp.spec.exceptions.push(SecurityException {
            kind: ExceptionKind::WritableRoot,
            reason: "imported: the manifest lets it write to its root filesystem; mount what it writes, or say why"
                .into(),
        });
        imp.note("/exceptions", "SEC-3: its root filesystem was writable (readOnlyRootFilesystem is not true)");
    }
    let account = pod["serviceAccountName"]
        .as_str()
        .or(pod["serviceAccount"].as_str())
        .filter(|a| !a.is_empty() && *a != "default");
    if let Some(a) = account
        && pod["automountServiceAccountToken"].as_bool() != Some(false)
    {
        imp.note(
            "",
            format!("SEC-4: it mounted the API token of ServiceAccount `{}`: if it reads the API, declare what with `api(read = [...])`; otherwise it gets its own account and no token", elite_core::names::printable(a)),
        );
    }
    imp.note("", "network: the generated NetworkPolicy allows DNS, the ingress controller and (for a durable app) S3; declare `egress = [...]` and `allow_from = [...]` for anything else it talks to");
}

/// One writer per replica path, storage each replica can mount (DUR-5, DUR-6, DECL).
fn single_writer(imp: &mut Imported) {
    let n = imp.spec.replicas;
    if n <= 1 {
        return;
    }
    let replicated = imp.spec.durability.replicated().next().is_some();
    let deployment_sync = imp.spec.workload == Workload::Deployment && imp.spec.durability.config_sync().is_some();
    let shared_claim = imp.spec.volumes.iter().any(|v| matches!(v.source, VolumeSource::Pvc(_)));
    if replicated || deployment_sync || shared_claim {
        imp.spec.replicas = 1;
        imp.note("/replicas", format!("DUR-6: was {n} replicas: one writer per database, one mounter per claim"));
    }
}

/// Whether a command line is a shell install (DUR-9), for notes.
pub fn installs(line: &str) -> bool {
    patterns::find_install(line).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_names() {
        assert_eq!(struct_name("adguard-home"), "AdguardHome");
        assert_eq!(struct_name("0day"), "App0day");
        assert_eq!(struct_name("self"), "AppSelf");
        assert_eq!(struct_name("é"), "App");
    }

    #[test]
    fn command_lines() {
        assert_eq!(rclone_dir("rclone sync /config s3:bucket/app --exclude x", false).as_deref(), Some("/config"));
        assert_eq!(rclone_dir("rclone copy s3:bucket/app /config/ --transfers 4", false).as_deref(), Some("/config"));
        assert_eq!(rclone_dir("rclone lsf s3:x", false), None);
        assert_eq!(rclone_dir("sync /config s3:b/c --exclude *.db*", true).as_deref(), Some("/config"));
        assert_eq!(rclone_dir("sync /config s3:b/c", false), None);
        assert_eq!(database_paths_in("restore -if-db-not-exists /config/sonarr.db"), ["/config/sonarr.db"]);
        assert_eq!(profile_of_retention("336h"), Some(BackupProfile::Critical));
        assert_eq!(profile_of_retention("7d"), Some(BackupProfile::Standard));
    }
}
