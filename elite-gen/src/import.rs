//! `cargo run -- import FILE`: an existing Deployment or StatefulSet (with its PVCs and its
//! Litestream ConfigMap when the file has them) as an `#[elite]` declaration.
//!
//! What maps cleanly is mapped. What breaks a rule is written the way the standard requires,
//! with a comment naming the rule and the original value (`// PRIO-2: was vixens-medium`). What
//! cannot be mapped is a comment. The result is an [`AppSpec`] (checked by the catalog) and its
//! declaration text, which compiles to the same spec.

use std::collections::BTreeMap;

use elite_core::model::*;
use elite_core::quantity::{parse_cpu_millis, parse_memory_bytes};
use elite_core::{Cpu, Memory};
use serde_json::Value;

/// An imported app: the spec, and the notes written beside the keys of its declaration.
#[derive(Clone, Debug)]
pub struct Imported {
    pub spec: AppSpec,
    /// The struct's name (the app's name in UpperCamelCase).
    pub struct_name: String,
    /// Key → comments written above it (`""`: above the attribute).
    pub notes: BTreeMap<&'static str, Vec<String>>,
}

impl Imported {
    fn note(&mut self, key: &'static str, text: impl Into<String>) {
        self.notes.entry(key).or_default().push(text.into());
    }
}

/// The containers the generator adds itself (their manifests are not imported).
const DURABILITY_CONTAINERS: [&str; 4] = ["restore-config", "restore-db", "litestream", "config-syncer"];

/// Well-known images and their runtime (the manifest does not say; PROBE-3 depends on it).
const RUNTIMES: [(&str, Runtime); 12] = [
    ("linuxserver/sonarr", Runtime::DotNet),
    ("linuxserver/radarr", Runtime::DotNet),
    ("linuxserver/lidarr", Runtime::DotNet),
    ("linuxserver/prowlarr", Runtime::DotNet),
    ("whisparr", Runtime::DotNet),
    ("jellyfin", Runtime::DotNet),
    ("home-assistant", Runtime::Python),
    ("frigate", Runtime::Python),
    ("sabnzbd", Runtime::Python),
    ("mylar", Runtime::Python),
    ("vaultwarden", Runtime::Rust),
    ("adguardhome", Runtime::Go),
];

/// Imports the first Deployment or StatefulSet of `objects`.
pub fn import(objects: &[Value], file: &str) -> Result<Imported, String> {
    let w = objects
        .iter()
        .find(|o| matches!(o["kind"].as_str(), Some("Deployment" | "StatefulSet")))
        .ok_or_else(|| format!("{file}: no Deployment or StatefulSet to import"))?;
    let name = w["metadata"]["name"].as_str().ok_or_else(|| format!("{file}: the workload has no metadata.name"))?;
    let pod = &w["spec"]["template"]["spec"];
    let containers = pod["containers"].as_array().cloned().unwrap_or_default();
    let main = containers
        .iter()
        .find(|c| c["name"] == name)
        .or_else(|| containers.iter().find(|c| !DURABILITY_CONTAINERS.contains(&c["name"].as_str().unwrap_or(""))))
        .ok_or_else(|| format!("{file}: the workload has no main container"))?;
    let image = main["image"].as_str().unwrap_or_default();
    let category = category_of(file, w["metadata"]["namespace"].as_str());
    let mut imp = Imported {
        spec: AppSpec::new(name, category.unwrap_or(Category::Tools), image),
        struct_name: name.split(['-', '_']).map(capitalize).collect(),
        notes: BTreeMap::new(),
    };
    if category.is_none() {
        imp.note("category", "category: neither the path nor the namespace names one; Tools assumed");
    }
    if let Some(ns) = w["metadata"]["namespace"].as_str()
        && ns != imp.spec.category.as_str()
    {
        imp.spec.namespace = Some(ns.to_owned());
    }
    if w["kind"] == "StatefulSet" {
        imp.spec.workload = WorkloadKind::StatefulSet;
    }
    let replicas = w["spec"]["replicas"].as_u64().unwrap_or(1);
    imp.spec.replicas = u16::try_from(replicas).unwrap_or(1).max(1);
    image_and_runtime(&mut imp, image);
    priority(&mut imp, pod["priorityClassName"].as_str());
    size(&mut imp, &main["resources"]);
    imp.spec.command = strings(&main["command"]);
    imp.spec.args = strings(&main["args"]);
    ports(&mut imp, main);
    probes(&mut imp, main);
    volumes(&mut imp, w, main, objects);
    env(&mut imp, main);
    durability(&mut imp, objects, &containers, pod);
    security(&mut imp, main, pod);
    single_writer(&mut imp);
    for c in containers.iter().chain(pod["initContainers"].as_array().into_iter().flatten()) {
        let n = c["name"].as_str().unwrap_or_default();
        if !std::ptr::eq(c, main) && !DURABILITY_CONTAINERS.contains(&n) {
            imp.note("", format!("not mapped: container `{n}` ({}): an Elite app is its main container and the durability containers the generator adds", c["image"].as_str().unwrap_or("no image")));
        }
    }
    for key in ["tolerations", "nodeSelector", "affinity", "hostNetwork"] {
        if !pod[key].is_null() {
            imp.note("", format!("not mapped: pod `{key}`"));
        }
    }
    Ok(imp)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_owned)).collect()
}

/// The category a path (`apps/20-media/...`) or namespace names.
fn category_of(file: &str, namespace: Option<&str>) -> Option<Category> {
    Category::ALL
        .iter()
        .copied()
        .find(|c| file.split('/').any(|seg| seg == c.folder()))
        .or_else(|| namespace.and_then(Category::parse))
}

fn image_and_runtime(imp: &mut Imported, image: &str) {
    if let Some(why) = elite_core::rules::unpinned(image) {
        let repo = image.split('@').next().unwrap_or(image);
        let last = repo.rsplit('/').next().unwrap_or(repo);
        let base = if last.contains(':') {
            &repo[..repo.len() - last.len() + last.find(':').unwrap_or(last.len())]
        } else {
            repo
        };
        imp.spec.image = format!("{base}:pin-a-version");
        imp.note("image", format!("META-1: {why}: pin it"));
    }
    match RUNTIMES.iter().find(|(k, _)| image.contains(k)) {
        Some((_, r)) => imp.spec.runtime = *r,
        None => imp.note(
            "runtime",
            "runtime: not in the manifest; Go assumed: JVM, Python and .NET need a startupProbe (PROBE-3)",
        ),
    }
}

fn priority(imp: &mut Imported, class: Option<&str>) {
    match class.and_then(Priority::from_class_name) {
        Some(p @ (Priority::Critical | Priority::High)) => {
            imp.spec.priority = p;
            if p == Priority::Critical {
                imp.spec.role = Role::CoreInfra;
                imp.note("role", "PRIO-3: vixens-critical is for core-infra: role CoreInfra");
            }
        }
        Some(p) => {
            imp.spec.priority = Priority::High;
            imp.note("priority", format!("PRIO-2: was {}", p.class_name()));
        }
        None => {
            imp.spec.priority = Priority::High;
            imp.note("priority", format!("PRIO-1: was {}", class.map_or("not set".to_owned(), |c| format!("`{c}`"))));
        }
    }
}

fn size(imp: &mut Imported, r: &Value) {
    let q = |section: &str, key: &str, parse: fn(&str) -> Option<u64>| r[section][key].as_str().and_then(parse);
    let (cr, cl) = (q("requests", "cpu", parse_cpu_millis), q("limits", "cpu", parse_cpu_millis));
    let (mr, ml) = (q("requests", "memory", parse_memory_bytes), q("limits", "memory", parse_memory_bytes));
    let (Some(cl), Some(ml)) = (cl, ml.or(mr)) else {
        imp.spec.size = Size::Small;
        imp.note("size", "SIZE-1: the main container sets no CPU and memory limits: Small assumed");
        return;
    };
    // Memory in whole MiB, rounded up: request = limit (SIZE-2).
    let mem = Memory(u32::try_from(ml.div_ceil(1 << 20)).unwrap_or(u32::MAX));
    if mr.is_some_and(|m| m != ml) {
        imp.note("size", format!("SIZE-2: memory request was {}Mi for a {mem} limit", mr.unwrap_or(0) >> 20));
    }
    let cl32 = u32::try_from(cl).unwrap_or(u32::MAX).max(10);
    let mut req = cr.map_or(cl32 / 10, |c| u32::try_from(c).unwrap_or(0));
    if req * 100 < cl32 * 10 || req * 100 > cl32 * 25 {
        imp.note("size", format!("SIZE-3: CPU request was {req}m for a {cl32}m limit (10–25% allowed)"));
        let lowest = cl32.div_ceil(10);
        req = req.clamp(lowest, (cl32 / 4).max(lowest));
    }
    let res = Resources { cpu_request: Cpu(req), cpu_limit: Cpu(cl32), memory_request: mem, memory_limit: mem };
    imp.spec.size = Size::preset_of(res).unwrap_or(Size::Custom(res));
}

fn port_ref(v: &Value) -> Option<PortRef> {
    match v {
        Value::String(s) => Some(PortRef::Name(s.clone())),
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()).map(PortRef::Number),
        _ => None,
    }
}

fn ports(imp: &mut Imported, main: &Value) {
    for (i, p) in main["ports"].as_array().into_iter().flatten().enumerate() {
        let Some(number) = p["containerPort"].as_u64().and_then(|n| u16::try_from(n).ok()) else { continue };
        let name = p["name"]
            .as_str()
            .map_or_else(|| if i == 0 { "http".to_owned() } else { format!("port-{number}") }, str::to_owned);
        let protocol = if p["protocol"] == "UDP" { Protocol::Udp } else { Protocol::Tcp };
        imp.spec.ports.push(Port { name, number, protocol });
    }
}

fn probe(p: &Value) -> Option<Probe> {
    let action = if let Some(port) = port_ref(&p["httpGet"]["port"]) {
        ProbeAction::Http { path: p["httpGet"]["path"].as_str().unwrap_or("/").to_owned(), port }
    } else if let Some(port) = port_ref(&p["tcpSocket"]["port"]) {
        ProbeAction::Tcp { port }
    } else if p["exec"]["command"].is_array() {
        ProbeAction::Exec { command: strings(&p["exec"]["command"]) }
    } else {
        return None;
    };
    let n = |k: &str, d: u32| p[k].as_u64().and_then(|v| u32::try_from(v).ok()).unwrap_or(d);
    Some(Probe {
        action,
        initial_delay_seconds: n("initialDelaySeconds", 0),
        period_seconds: n("periodSeconds", 10),
        timeout_seconds: n("timeoutSeconds", 5),
        failure_threshold: n("failureThreshold", 3),
    })
}

fn probes(imp: &mut Imported, main: &Value) {
    let first_port = imp.spec.ports.first().map(|p| PortRef::Name(p.name.clone()));
    let fallback = |what: &str, imp: &mut Imported, key: &'static str| -> Option<Probe> {
        let port = first_port.clone()?;
        imp.note(key, format!("PROBE-1: there was no {what}: a TCP check of the first port"));
        Some(Probe {
            action: ProbeAction::Tcp { port },
            initial_delay_seconds: 0,
            period_seconds: 10,
            timeout_seconds: 5,
            failure_threshold: 3,
        })
    };
    let mut live = probe(&main["livenessProbe"]).or_else(|| fallback("livenessProbe", imp, "liveness"));
    if let Some(l) = &mut live
        && l.failure_threshold != 3
    {
        imp.note("liveness", format!("PROBE-2: failureThreshold was {}", l.failure_threshold));
        l.failure_threshold = 3;
    }
    let ready = probe(&main["readinessProbe"]).or_else(|| fallback("readinessProbe", imp, "readiness"));
    let mut startup = probe(&main["startupProbe"]);
    if startup.is_none() && imp.spec.runtime.is_heavy() {
        startup = ready.clone().or(live.clone()).map(|p| Probe {
            initial_delay_seconds: 0,
            period_seconds: 10,
            failure_threshold: 18,
            ..p
        });
        imp.note("startup", "PROBE-3: a heavy runtime had no startupProbe: the readiness check, for up to 180 s");
    }
    if let Some(s) = &mut startup
        && s.window_seconds() > 180
    {
        imp.note("startup", format!("PROBE-3: the startup window was {} s", s.window_seconds()));
        s.initial_delay_seconds = 0;
        s.failure_threshold = (180 / s.period_seconds.max(1)).max(1);
    }
    // PROBE-4: a probe on a port number the container does not declare gets it declared.
    for p in [&live, &ready, &startup].into_iter().flatten() {
        if let ProbeAction::Http { port: PortRef::Number(n), .. } | ProbeAction::Tcp { port: PortRef::Number(n) } =
            p.action
            && !imp.spec.ports.iter().any(|d| d.number == n)
        {
            imp.note("ports", format!("PROBE-4: a probe targets port {n}, which was not declared"));
            imp.spec.ports.push(Port { name: format!("port-{n}"), number: n, protocol: Protocol::Tcp });
        }
    }
    imp.spec.probes = Probes { liveness: live, readiness: ready, startup };
}

fn volumes(imp: &mut Imported, w: &Value, main: &Value, objects: &[Value]) {
    let pod = &w["spec"]["template"]["spec"];
    for m in main["volumeMounts"].as_array().into_iter().flatten() {
        let (Some(vname), Some(mount)) = (m["name"].as_str(), m["mountPath"].as_str()) else { continue };
        let v = pod["volumes"].as_array().into_iter().flatten().find(|v| v["name"] == vname);
        let template =
            w["spec"]["volumeClaimTemplates"].as_array().into_iter().flatten().find(|t| t["metadata"]["name"] == vname);
        let claim_size = |spec: &Value| {
            let bytes =
                spec["resources"]["requests"]["storage"].as_str().and_then(parse_memory_bytes).unwrap_or(1 << 30);
            (
                u32::try_from(bytes.div_ceil(1 << 30)).unwrap_or(1).max(1),
                spec["storageClassName"].as_str().map(str::to_owned),
            )
        };
        let source = if let Some(t) = template {
            let (size_gi, storage_class) = claim_size(&t["spec"]);
            VolumeSource::Pvc { size_gi, storage_class }
        } else if let Some(v) = v {
            if let Some(claim) = v["persistentVolumeClaim"]["claimName"].as_str() {
                let pvc =
                    objects.iter().find(|o| o["kind"] == "PersistentVolumeClaim" && o["metadata"]["name"] == claim);
                let (size_gi, storage_class) = pvc.map_or((1, None), |p| claim_size(&p["spec"]));
                if pvc.is_none() {
                    imp.note("volumes", format!("volume `{vname}`: claim `{claim}` is not in the file: 1Gi assumed"));
                }
                VolumeSource::Pvc { size_gi, storage_class }
            } else if let (Some(server), Some(path)) = (v["nfs"]["server"].as_str(), v["nfs"]["path"].as_str()) {
                VolumeSource::Nfs { server: server.to_owned(), path: path.to_owned() }
            } else if v.get("emptyDir").is_some() {
                let mi = v["emptyDir"]["sizeLimit"]
                    .as_str()
                    .and_then(parse_memory_bytes)
                    .map(|b| u32::try_from(b >> 20).unwrap_or(u32::MAX));
                VolumeSource::EmptyDir { size_limit_mi: mi }
            } else {
                imp.note(
                    "volumes",
                    format!("not mapped: volume `{vname}` at {mount} (only PVCs, NFS and emptyDirs are)"),
                );
                continue;
            }
        } else {
            imp.note("volumes", format!("not mapped: mount of `{vname}` at {mount}: no such volume"));
            continue;
        };
        imp.spec.volumes.push(Volume {
            name: vname.to_owned(),
            mount_path: mount.to_owned(),
            sub_path: m["subPath"].as_str().map(str::to_owned),
            read_only: m["readOnly"].as_bool().unwrap_or(false),
            source,
        });
    }
}

fn env(imp: &mut Imported, main: &Value) {
    for e in main["env"].as_array().into_iter().flatten() {
        let Some(name) = e["name"].as_str() else { continue };
        let value = if let Some(key) = e["valueFrom"]["secretKeyRef"]["key"].as_str() {
            EnvValue::Secret(SecretKey { key: key.to_owned() })
        } else if let Some(v) = e["value"].as_str() {
            if elite_core::rules::is_credential_name(name) {
                imp.note(
                    "env",
                    format!("DUR-7: `{name}` was a literal value: it comes from the app's Secret, key {name}"),
                );
                EnvValue::Secret(SecretKey { key: name.to_owned() })
            } else {
                EnvValue::Plain(v.to_owned())
            }
        } else {
            imp.note("env", format!("not mapped: `{name}` (valueFrom other than a Secret key)"));
            continue;
        };
        imp.spec.env.push(EnvVar { name: name.to_owned(), value });
    }
}

fn durability(imp: &mut Imported, objects: &[Value], containers: &[Value], pod: &Value) {
    // Databases: the paths the Litestream configuration in the file lists.
    let mut paths: Vec<String> = Vec::new();
    for cm in objects.iter().filter(|o| o["kind"] == "ConfigMap") {
        for text in cm["data"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| k.contains("litestream"))
            .filter_map(|(_, v)| v.as_str())
        {
            for (d, _) in elite_core::audit::yaml::documents(text).0.iter().zip(0..) {
                for db in d.value["dbs"].as_array().into_iter().flatten() {
                    paths.extend(db["path"].as_str().map(str::to_owned));
                }
            }
        }
    }
    let inits = pod["initContainers"].as_array().cloned().unwrap_or_default();
    let syncs =
        containers.iter().chain(&inits).any(|c| matches!(c["name"].as_str(), Some("config-syncer" | "restore-config")));
    let config_dir =
        imp.spec.volumes.iter().find(|v| v.mount_path == "/config" || v.name == "config").map(|v| v.mount_path.clone());
    let mut databases = Vec::new();
    for path in paths {
        if !imp.spec.volumes.iter().any(|v| path_is_under(&path, &v.mount_path)) {
            imp.note("durability", format!("not mapped: database {path} lies outside the app's volumes (DUR-4)"));
            continue;
        }
        let stem = path.rsplit('/').next().unwrap_or(&path).split('.').next().unwrap_or("db").to_ascii_lowercase();
        let name: String = stem.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
        let name = if databases.iter().any(|d: &Database| d.name == name) {
            format!("{name}-{}", databases.len())
        } else {
            name
        };
        imp.note("durability", format!("{path}: from the Litestream configuration; SQLite and profile Standard assumed: check both (a bbolt or JSON file is not SQLite)"));
        databases.push(Database { name, path, format: DbFormat::Sqlite, profile: BackupProfile::Standard });
    }
    let config_sync = match (syncs, config_dir) {
        (true, Some(dir)) => Some(ConfigSync { dir, exclude: Vec::new() }),
        _ => None,
    };
    imp.spec.durability = if databases.is_empty() && config_sync.is_none() {
        imp.note("durability", "DUR-1: the manifest states no durability: declared stateless; declare its databases or config directory if it keeps state");
        Durability::Stateless { reason: "imported: no database or synced config in the manifest".into() }
    } else {
        Durability::Stateful { databases, config_sync }
    };
}

fn security(imp: &mut Imported, main: &Value, pod: &Value) {
    let uid = main["securityContext"]["runAsUser"].as_u64().or(pod["securityContext"]["runAsUser"].as_u64());
    match uid {
        Some(0) => {
            imp.spec.exceptions.push(SecurityException {
                kind: ExceptionKind::RunAsRoot,
                reason: "imported: the manifest runs it as root; say why, or run it as a user".into(),
            });
            imp.note("exceptions", "SEC-1: it ran as root (runAsUser: 0)");
        }
        Some(u) => imp.spec.run_as_user = u32::try_from(u).unwrap_or(1000),
        None => imp.note(
            "run_as_user",
            "SEC-1: the manifest sets no user: UID 1000 (declare an exception if the image needs root)",
        ),
    }
}

/// One writer per replica path, storage each replica can mount (DUR-5, DUR-6, DECL).
fn single_writer(imp: &mut Imported) {
    let n = imp.spec.replicas;
    if n <= 1 {
        return;
    }
    let replicated = imp.spec.durability.replicated().next().is_some();
    let deployment_sync = imp.spec.workload == WorkloadKind::Deployment && imp.spec.durability.config_sync().is_some();
    let shared_claim = imp.spec.volumes.iter().any(|v| matches!(v.source, VolumeSource::Pvc { .. }));
    if replicated || deployment_sync || shared_claim {
        imp.spec.replicas = 1;
        imp.note("replicas", format!("DUR-6: was {n} replicas: one writer per database, one mounter per claim"));
    }
}

fn q(s: &str) -> String {
    format!("{s:?}")
}

fn ident(name: &str) -> String {
    name.replace('-', "_")
}

fn port_arg(p: &PortRef) -> String {
    match p {
        PortRef::Name(n) => ident(n),
        PortRef::Number(n) => n.to_string(),
    }
}

fn probe_text(key: &str, p: &Probe) -> String {
    let mut parts = vec![match &p.action {
        ProbeAction::Http { path, port } => format!("http = {}, port = {}", q(path), port_arg(port)),
        ProbeAction::Tcp { port } => format!("tcp = {}", port_arg(port)),
        ProbeAction::Exec { command } => {
            format!("exec = [{}]", command.iter().map(|c| q(c)).collect::<Vec<_>>().join(", "))
        }
    }];
    for (k, v, d) in [
        ("initial_delay", p.initial_delay_seconds, 0),
        ("period", p.period_seconds, 10),
        ("timeout", p.timeout_seconds, 5),
        ("failure_threshold", p.failure_threshold, 3),
    ] {
        if v != d {
            parts.push(format!("{k} = {v}"));
        }
    }
    format!("{key}({})", parts.join(", "))
}

/// The declaration of an imported app, with its notes as comments.
pub fn declaration(imp: &Imported) -> String {
    let s = &imp.spec;
    let mut lines: Vec<(&'static str, String)> = Vec::new();
    let mut push = |key: &'static str, text: String| lines.push((key, text));
    push("name", format!("name = {}", q(&s.name)));
    push("category", format!("category = {}", s.category.name()));
    if let Some(ns) = &s.namespace {
        push("namespace", format!("namespace = {}", q(ns)));
    }
    if s.role != Role::Standard {
        push("role", format!("role = {}", s.role.name()));
    }
    push(
        "size",
        match s.size {
            Size::Custom(r) => format!(
                "size = Custom(cpu_request = \"{}\", cpu_limit = \"{}\", memory = \"{}\")",
                r.cpu_request, r.cpu_limit, r.memory_limit
            ),
            preset => format!("size = {}", preset.name()),
        },
    );
    push("priority", format!("priority = {}", s.priority.name()));
    push("runtime", format!("runtime = {}", s.runtime.name()));
    if s.workload != WorkloadKind::Deployment {
        push("workload", format!("workload = {}", s.workload.name()));
    }
    push("replicas", format!("replicas = {}", s.replicas));
    push("image", format!("image = {}", q(&s.image)));
    let list = |v: &[String]| format!("[{}]", v.iter().map(|c| q(c)).collect::<Vec<_>>().join(", "));
    if !s.command.is_empty() {
        push("command", format!("command = {}", list(&s.command)));
    }
    if !s.args.is_empty() {
        push("args", format!("args = {}", list(&s.args)));
    }
    for p in &s.ports {
        let udp = if p.protocol == Protocol::Udp { ", udp" } else { "" };
        push("ports", format!("port({} = {}{udp})", ident(&p.name), p.number));
    }
    for (key, p) in
        [("liveness", &s.probes.liveness), ("readiness", &s.probes.readiness), ("startup", &s.probes.startup)]
    {
        if let Some(p) = p {
            push(key, probe_text(key, p));
        }
    }
    for v in &s.volumes {
        let mut opts = vec![format!("mount = {}", q(&v.mount_path))];
        let kind = match &v.source {
            VolumeSource::Pvc { size_gi, storage_class } => {
                opts.push(format!("size = \"{size_gi}Gi\""));
                opts.extend(storage_class.as_ref().map(|c| format!("storage_class = {}", q(c))));
                "pvc"
            }
            VolumeSource::Nfs { server, path } => {
                opts.push(format!("server = {}", q(server)));
                opts.push(format!("path = {}", q(path)));
                "nfs"
            }
            VolumeSource::EmptyDir { size_limit_mi } => {
                opts.extend(size_limit_mi.map(|m| format!("size_limit = \"{}\"", Memory(m))));
                "empty_dir"
            }
        };
        opts.extend(v.sub_path.as_ref().map(|p| format!("sub_path = {}", q(p))));
        if v.read_only {
            opts.push("read_only".into());
        }
        push("volumes", format!("{kind}({}, {})", ident(&v.name), opts.join(", ")));
    }
    // The DSL declares plain values and Secret keys (pod fields are the generator's own).
    let vars: Vec<String> = s
        .env
        .iter()
        .filter_map(|e| match &e.value {
            EnvValue::Plain(v) => Some(format!("{} = {}", e.name, q(v))),
            EnvValue::Secret(k) => Some(format!("{} = secret({})", e.name, q(&k.key))),
            EnvValue::Field(_) => None,
        })
        .collect();
    if !vars.is_empty() {
        push("env", format!("env({})", vars.join(", ")));
    }
    match &s.durability {
        Durability::Stateless { reason } => push("durability", format!("stateless = {}", q(reason))),
        Durability::Stateful { databases, config_sync } => {
            for d in databases {
                let f = if d.format == DbFormat::Sqlite { "sqlite" } else { "bbolt" };
                push(
                    "durability",
                    format!("{f}({}, path = {}, profile = {})", ident(&d.name), q(&d.path), d.profile.name()),
                );
            }
            if let Some(c) = config_sync {
                push("durability", format!("config_sync = {}", q(&c.dir)));
            }
        }
    }
    if s.run_as_user != 1000 {
        push("run_as_user", format!("run_as_user = {}", s.run_as_user));
    }
    for e in &s.exceptions {
        push("exceptions", format!("exception({} = {})", ident(e.kind.as_str()), q(&e.reason)));
    }
    let mut out = String::new();
    for n in imp.notes.get("").into_iter().flatten() {
        out.push_str(&format!("// {n}\n"));
    }
    out.push_str("#[elite(\n");
    let mut noted = std::collections::BTreeSet::new();
    for (key, text) in &lines {
        if noted.insert(*key) {
            for n in imp.notes.get(key).into_iter().flatten() {
                out.push_str(&format!("    // {n}\n"));
            }
        }
        out.push_str(&format!("    {text},\n"));
    }
    for (key, notes) in &imp.notes {
        if !key.is_empty() && !noted.contains(key) {
            for n in notes {
                out.push_str(&format!("    // {n}\n"));
            }
        }
    }
    out.push_str(&format!(")]\npub struct {};\n", imp.struct_name));
    out
}

/// Runs `import FILE`: prints the declaration, or an error naming the problem.
pub fn run(file: &std::path::Path) -> std::process::ExitCode {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            return std::process::ExitCode::from(2);
        }
    };
    let (docs, err) = elite_core::audit::yaml::documents(&text);
    if let Some(e) = err {
        eprintln!("error: {}:{}: malformed YAML: {}", file.display(), e.line, e.message);
        return std::process::ExitCode::from(2);
    }
    let objects: Vec<Value> =
        docs.iter().flat_map(|d| elite_core::audit::objects(&d.value).into_iter().map(|(_, o)| o.clone())).collect();
    match import(&objects, &file.display().to_string()) {
        Ok(imp) => {
            print!("{}", declaration(&imp));
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
