//! Gives the attribute's syntax its meaning: builds the [`AppSpec`] it declares and records where
//! each key was written. Malformed input (an unknown key, a value of the wrong kind) is reported
//! here; whether the app complies is the catalog's business, not this module's.

use elite_core::model::*;
use elite_core::{Cpu, Memory};
use syn::Ident;

use crate::diagnostics::{Errors, did_you_mean, rule_message};
use crate::spans::Spans;
use crate::syntax::{Node, Range, Value};

/// A parsed declaration.
pub struct Declaration {
    pub spec: AppSpec,
    pub spans: Spans,
    /// Keys that are required but absent (already reported): rules on them are not judged, since
    /// their value is a placeholder.
    pub absent: Vec<&'static str>,
}

const KEYS: &[&str] = &[
    "name",
    "category",
    "namespace",
    "role",
    "size",
    "priority",
    "runtime",
    "image",
    "command",
    "args",
    "port",
    "liveness",
    "readiness",
    "startup",
    "ingress",
    "pvc",
    "nfs",
    "empty_dir",
    "env",
    "stateless",
    "sqlite",
    "bbolt",
    "config_sync",
    "replicas",
    "ha",
    "workload",
    "run_as_user",
    "exception",
    "environments",
];

/// Keys that may appear more than once; every other key may appear once.
const REPEATABLE: &[&str] = &["port", "pvc", "nfs", "empty_dir", "env", "sqlite", "bbolt", "exception"];

/// Reads `nodes` (the attribute's arguments) for the struct named `item`.
pub fn read(item: &Ident, nodes: &[Node], errors: &mut Errors) -> Declaration {
    let mut r = Reader { e: errors, spans: Spans::new(Range::of(item.span())) };
    let mut d = Draft::default();
    let mut seen: Vec<String> = Vec::new();
    for node in nodes {
        let Some(key) = node.key() else {
            r.e.at(node.range(), "expected `key = value`, `key(...)` or a flag such as `ha`");
            continue;
        };
        let k = key.to_string();
        if KEYS.contains(&k.as_str()) && !REPEATABLE.contains(&k.as_str()) {
            if seen.contains(&k) {
                r.e.at(node.range(), format!("`{k}` is given twice; it may appear once"));
                continue;
            }
            seen.push(k.clone());
        }
        r.node(&k, node, &mut d);
    }
    let name = match &d.name {
        Some((n, range)) => {
            r.spans.insert("name", *range);
            n.clone()
        }
        None => {
            r.spans.insert("name", Range::of(item.span()));
            kebab_case(&item.to_string())
        }
    };
    let mut absent = Vec::new();
    // A key written with a bad value was reported where it was written; one not written at all
    // is reported on the struct's name. Either way, rules are not judged on its placeholder.
    let mut require = |r: &mut Reader, key: &'static str, ok: bool, rule: &'static str, what: &str, example: &str| {
        if !ok {
            absent.push(key);
            if !r.spans.contains(key) {
                r.e.at(Range::of(item.span()), rule_message(rule, what, &format!("add {example}")));
            }
        }
    };
    require(
        &mut r,
        "category",
        d.category.is_some(),
        "DECL",
        "no `category`: it decides the app's folder and namespace",
        "`category = Media`",
    );
    require(
        &mut r,
        "size",
        d.size.is_some(),
        "SIZE-1",
        "no `size`: every container sets CPU and memory requests and limits",
        "`size = Small`",
    );
    require(
        &mut r,
        "priority",
        d.priority.is_some(),
        "PRIO-1",
        "no `priority`: every workload names one of the four priority classes",
        "`priority = High`",
    );
    require(
        &mut r,
        "runtime",
        d.runtime.is_some(),
        "PROBE-3",
        "no `runtime`: it decides whether the app needs a startupProbe",
        "`runtime = Go`",
    );
    require(
        &mut r,
        "image",
        d.image.is_some(),
        "META-1",
        "no `image`: every container runs a pinned image",
        "`image = \"repo/app:1.2.3\"`",
    );
    let stated = d.stateless.is_some() || !d.databases.is_empty() || d.config_sync.is_some();
    require(
        &mut r,
        "durability",
        stated,
        "DUR-1",
        "durability is not stated: declare the databases, the synced config directory, or that the app is stateless",
        "`sqlite(db, path = \"/config/app.db\", profile = Standard)`, `config_sync = \"/config\"` or `stateless = \"why\"`",
    );
    let first_state = d.databases.first().map(|(_, r)| *r).or(d.config_sync.as_ref().map(|(_, r)| *r));
    let durability = match d.stateless {
        Some((reason, range)) => {
            r.spans.insert("durability", range);
            if let Some(other) = first_state {
                r.e.at(
                    other,
                    rule_message(
                        "DUR-1",
                        "the app is declared `stateless`, but this declares state to protect",
                        "remove `stateless = ...`, or remove the databases and `config_sync`",
                    ),
                );
            }
            Durability::Stateless { reason }
        }
        None => {
            if let Some(first) = first_state {
                r.spans.insert("durability", first);
            }
            Durability::Stateful {
                databases: d.databases.into_iter().map(|(db, _)| db).collect(),
                config_sync: d.config_sync.map(|(c, _)| c),
            }
        }
    };
    let ingress =
        d.ingress.map(|(subdomain, port)| Ingress { subdomain: subdomain.unwrap_or_else(|| name.clone()), port });
    // Absent required keys take the model's defaults as placeholders (reported above, not judged).
    let base = AppSpec::new(name, d.category.unwrap_or(Category::Tools), d.image.unwrap_or_default());
    let spec = AppSpec {
        namespace: d.namespace,
        role: d.role.unwrap_or(base.role),
        size: d.size.unwrap_or(base.size),
        priority: d.priority.unwrap_or(base.priority),
        runtime: d.runtime.unwrap_or(base.runtime),
        command: d.command,
        args: d.args,
        ports: d.ports,
        probes: d.probes,
        ingress,
        volumes: d.volumes,
        env: d.env,
        durability,
        replicas: d.replicas.unwrap_or(base.replicas),
        ha: d.ha,
        workload: d.workload.unwrap_or(base.workload),
        run_as_user: d.run_as_user.unwrap_or(base.run_as_user),
        exceptions: d.exceptions,
        environments: d.environments.unwrap_or(base.environments),
        ..base
    };
    Declaration { spec, spans: r.spans, absent }
}

/// What the attribute said so far.
#[derive(Default)]
struct Draft {
    name: Option<(String, Range)>,
    category: Option<Category>,
    namespace: Option<String>,
    role: Option<Role>,
    size: Option<Size>,
    priority: Option<Priority>,
    runtime: Option<Runtime>,
    image: Option<String>,
    command: Vec<String>,
    args: Vec<String>,
    ports: Vec<Port>,
    probes: Probes,
    ingress: Option<(Option<String>, String)>,
    volumes: Vec<Volume>,
    env: Vec<EnvVar>,
    stateless: Option<(String, Range)>,
    databases: Vec<(Database, Range)>,
    config_sync: Option<(ConfigSync, Range)>,
    replicas: Option<u16>,
    ha: bool,
    workload: Option<WorkloadKind>,
    run_as_user: Option<u32>,
    exceptions: Vec<SecurityException>,
    environments: Option<Vec<Environment>>,
}

struct Reader<'e> {
    e: &'e mut Errors,
    spans: Spans,
}

impl Reader<'_> {
    fn node(&mut self, k: &str, node: &Node, d: &mut Draft) {
        let range = node.range();
        match (k, node) {
            ("ha", Node::Flag(_)) => {
                d.ha = true;
                self.spans.insert("ha", range);
            }
            ("port", Node::Group { nodes, .. }) => self.ports(nodes, d),
            ("liveness" | "readiness" | "startup", Node::Group { nodes, .. }) => {
                let probe = self.probe(nodes, range);
                self.spans.insert(format!("probes.{k}"), range);
                let slot = match k {
                    "liveness" => &mut d.probes.liveness,
                    "readiness" => &mut d.probes.readiness,
                    _ => &mut d.probes.startup,
                };
                *slot = probe;
            }
            ("ingress", Node::Group { nodes, .. }) => {
                self.spans.insert("ingress", range);
                let mut sub = None;
                let mut port = None;
                self.fields(nodes, &["port", "subdomain"], |r, key, v| match key {
                    "port" => port = r.name(v, "a port name"),
                    _ => sub = r.string(v),
                });
                match port {
                    Some(p) => d.ingress = Some((sub, p)),
                    None => self.e.at(range, "`ingress(...)` needs `port = <port name>`"),
                }
            }
            ("pvc" | "nfs" | "empty_dir", Node::Group { nodes, .. }) => {
                if let Some(v) = self.volume(k, nodes, range) {
                    self.spans.insert(format!("volumes[{}]", d.volumes.len()), range);
                    d.volumes.push(v);
                }
            }
            ("env", Node::Group { nodes, .. }) => self.env(nodes, d),
            ("sqlite" | "bbolt", Node::Group { nodes, .. }) => {
                let format = if k == "sqlite" { DbFormat::Sqlite } else { DbFormat::Bbolt };
                if let Some((db, path_range)) = self.database(format, nodes, range) {
                    let i = d.databases.len();
                    self.spans.insert(format!("databases[{i}]"), range);
                    self.spans.insert(format!("databases[{i}].path"), path_range);
                    d.databases.push((db, range));
                }
            }
            ("config_sync", Node::Assign { value, .. }) => {
                if let Some(dir) = self.string(value) {
                    self.spans.insert("config_sync", value.range());
                    d.config_sync = Some((ConfigSync { dir, exclude: Vec::new() }, range));
                }
            }
            ("config_sync", Node::Group { nodes, .. }) => {
                let (mut dir, mut exclude) = (None, Vec::new());
                let mut dir_range = range;
                self.fields(nodes, &["dir", "exclude"], |r, key, v| match key {
                    "dir" => {
                        dir = r.string(v);
                        dir_range = v.range();
                    }
                    _ => exclude = r.strings(v).unwrap_or_default(),
                });
                match dir {
                    Some(dir) => {
                        self.spans.insert("config_sync", dir_range);
                        d.config_sync = Some((ConfigSync { dir, exclude }, range));
                    }
                    None => self.e.at(range, "`config_sync(...)` needs `dir = \"/path\"`"),
                }
            }
            ("exception", Node::Group { nodes, .. }) => {
                self.fields(nodes, &["run_as_root"], |r, _, v| {
                    if let Some(reason) = r.string(v) {
                        r.spans.insert(format!("exceptions[{}]", d.exceptions.len()), range);
                        if d.exceptions.is_empty() {
                            r.spans.insert("exceptions", range);
                        }
                        d.exceptions.push(SecurityException { kind: ExceptionKind::RunAsRoot, reason });
                    }
                });
            }
            (_, Node::Assign { value, .. }) => self.assign(k, value, range, d),
            _ => self.e.at(range, shape_error(k)),
        }
    }

    fn assign(&mut self, k: &str, v: &Value, range: Range, d: &mut Draft) {
        let vr = v.range();
        match k {
            // The rules see `command` and `args` as one command line, at `args`.
            "command" if !self.spans.contains("args") => self.spans.insert("args", vr),
            "command" | "stateless" => {}
            _ => self.spans.insert(k, vr),
        }
        match k {
            "name" => {
                d.name = self.string(v).map(|s| (s, vr));
            }
            "category" => {
                d.category = self.choice(v, Category::ALL, |c| c.name(), "category");
            }
            "namespace" => {
                d.namespace = self.string(v);
            }
            "role" => {
                d.role = self.choice(v, Role::ALL, |r| r.name(), "role");
            }
            "size" => {
                d.size = self.size(v);
            }
            "priority" => {
                d.priority = self.choice(v, &Priority::ALL, |p| p.name(), "priority");
            }
            "runtime" => {
                d.runtime = self.choice(v, Runtime::ALL, |r| r.name(), "runtime");
            }
            "image" => {
                d.image = self.string(v);
            }
            "command" => {
                d.command = self.strings(v).unwrap_or_default();
            }
            "args" => {
                d.args = self.strings(v).unwrap_or_default();
            }
            "stateless" => {
                if let Some(reason) = self.string(v) {
                    if reason.trim().is_empty() {
                        self.e.at(vr, "`stateless` needs a reason: why may this app lose its volumes?");
                    }
                    d.stateless = Some((reason, vr));
                }
            }
            "replicas" => {
                d.replicas = self.int(v);
            }
            "workload" => {
                d.workload = self.choice(v, WorkloadKind::ALL, |w| w.name(), "workload");
            }
            "run_as_user" => {
                d.run_as_user = self.int(v);
            }
            "environments" => {
                if let Value::List { items, .. } = v {
                    d.environments = Some(
                        items
                            .iter()
                            .filter_map(|i| self.choice(i, Environment::ALL, |e| e.name(), "environment"))
                            .collect(),
                    );
                } else {
                    self.e.at(vr, "expected a list such as `[Dev, Prod]`");
                }
            }
            _ => self.e.at(range, shape_error(k)),
        }
    }

    fn ports(&mut self, nodes: &[Node], d: &mut Draft) {
        let udp = nodes.iter().any(|n| matches!(n, Node::Flag(f) if f == "udp"));
        for n in nodes {
            match n {
                Node::Flag(f) if f == "udp" => {}
                Node::Assign { key, value } => {
                    if let Some(number) = self.int::<u16>(value) {
                        self.spans.insert(format!("ports[{}]", d.ports.len()), n.range());
                        self.spans.insert("ports", n.range());
                        let name = key.to_string().replace('_', "-");
                        d.ports.push(Port { name, number, protocol: if udp { Protocol::Udp } else { Protocol::Tcp } });
                    }
                }
                _ => self.e.at(n.range(), "expected `name = number` (e.g. `http = 8080`) or the flag `udp`"),
            }
        }
    }

    fn probe(&mut self, nodes: &[Node], range: Range) -> Option<Probe> {
        let mut action = None;
        let mut port: Option<PortRef> = None;
        let mut p = Probe::tcp(0u16);
        self.fields(
            nodes,
            &["http", "tcp", "exec", "port", "initial_delay", "period", "timeout", "failure_threshold"],
            |r, key, v| match key {
                "http" => action = r.string(v).map(|path| ("http", Some(path), None)),
                "tcp" => action = r.port_ref(v).map(|p| ("tcp", None, Some(p))),
                "exec" => {
                    if let Some(cmd) = r.strings(v) {
                        p.action = ProbeAction::Exec { command: cmd };
                        action = Some(("exec", None, None));
                    }
                }
                "port" => port = r.port_ref(v),
                "initial_delay" => p.initial_delay_seconds = r.int(v).unwrap_or(0),
                "period" => p.period_seconds = r.int(v).unwrap_or(10),
                "timeout" => p.timeout_seconds = r.int(v).unwrap_or(5),
                _ => p.failure_threshold = r.int(v).unwrap_or(3),
            },
        );
        match action {
            Some(("http", Some(path), _)) => match port {
                Some(port) => p.action = ProbeAction::Http { path, port },
                None => {
                    self.e.at(range, "an HTTP probe needs `port = <name or number>`");
                    return None;
                }
            },
            Some(("tcp", _, Some(port))) => p.action = ProbeAction::Tcp { port },
            Some(("exec", ..)) => {}
            _ => {
                self.e.at(range, "a probe needs one of `http = \"/path\"`, `tcp = <port>` or `exec = [\"cmd\", ...]`");
                return None;
            }
        }
        Some(p)
    }

    fn volume(&mut self, kind: &str, nodes: &[Node], range: Range) -> Option<Volume> {
        let mut name = None;
        let (mut mount, mut sub_path, mut read_only) = (None, None, false);
        let (mut size, mut storage_class, mut server, mut path, mut size_limit) = (None, None, None, None, None);
        let keys: &[&str] = match kind {
            "pvc" => &["mount", "size", "storage_class", "sub_path", "read_only"],
            "nfs" => &["mount", "server", "path", "sub_path", "read_only"],
            _ => &["mount", "size_limit"],
        };
        for n in nodes {
            match n {
                Node::Flag(f) if name.is_none() && f != "read_only" => name = Some(f.to_string().replace('_', "-")),
                Node::Flag(f) if f == "read_only" => read_only = true,
                Node::Assign { key, value } => {
                    match (key.to_string().as_str(), keys.contains(&key.to_string().as_str())) {
                        ("mount", _) => mount = self.string(value),
                        ("size", true) => size = self.quantity(value, Memory::parse),
                        ("storage_class", true) => storage_class = self.string(value),
                        ("sub_path", true) => sub_path = self.string(value),
                        ("server", true) => server = self.string(value),
                        ("path", true) => path = self.string(value),
                        ("size_limit", true) => size_limit = self.quantity(value, Memory::parse),
                        ("read_only", true) => read_only = self.bool(value).unwrap_or(false),
                        (k, _) => self.e.at(n.range(), unknown(k, &format!("`{kind}(...)`"), keys)),
                    }
                }
                _ => self.e.at(n.range(), format!("expected the volume's name first, then {}", list(keys))),
            }
        }
        let Some(name) = name else {
            self.e.at(
                range,
                format!("`{kind}(...)` needs a name first, e.g. `{kind}(config, mount = \"/config\", ...)`"),
            );
            return None;
        };
        let Some(mount_path) = mount else {
            self.e.at(range, format!("`{kind}({name}, ...)` needs `mount = \"/path\"`"));
            return None;
        };
        let source = match kind {
            "pvc" => {
                let Some(m) = size else {
                    self.e.at(range, "a `pvc` needs `size = \"1Gi\"`");
                    return None;
                };
                if m.mebibytes() % 1024 != 0 {
                    self.e.at(range, format!("a `pvc` size is a whole number of Gi; found {m}"));
                    return None;
                }
                VolumeSource::Pvc { size_gi: m.mebibytes() / 1024, storage_class }
            }
            "nfs" => match (server, path) {
                (Some(server), Some(path)) => VolumeSource::Nfs { server, path },
                _ => {
                    self.e.at(range, "an `nfs` volume needs `server = \"...\"` and `path = \"/export\"`");
                    return None;
                }
            },
            _ => VolumeSource::EmptyDir { size_limit_mi: size_limit.map(Memory::mebibytes) },
        };
        Some(Volume { name, mount_path, sub_path, read_only, source })
    }

    fn env(&mut self, nodes: &[Node], d: &mut Draft) {
        for n in nodes {
            let Node::Assign { key, value } = n else {
                self.e.at(n.range(), "expected `NAME = \"value\"` or `NAME = secret(\"KEY\")`");
                continue;
            };
            let value = match value {
                Value::Call { name, nodes, .. } if name == "secret" => match nodes.as_slice() {
                    [Node::Lit(v)] => self.string(v).map(|key| EnvValue::Secret(SecretKey { key })),
                    _ => {
                        self.e.at(
                            value.range(),
                            "expected `secret(\"KEY\")`: a key of the app's Infisical-managed Secret",
                        );
                        None
                    }
                },
                _ => self.string(value).map(EnvValue::Plain),
            };
            if let Some(value) = value {
                let i = d.env.len();
                self.spans.insert(format!("env[{i}]"), n.range());
                self.spans.insert("env", n.range());
                d.env.push(EnvVar { name: key.to_string(), value });
            }
        }
    }

    fn database(&mut self, format: DbFormat, nodes: &[Node], range: Range) -> Option<(Database, Range)> {
        let mut name = None;
        let (mut path, mut profile) = (None, None);
        for n in nodes {
            match n {
                Node::Flag(f) if name.is_none() => name = Some(f.to_string().replace('_', "-")),
                Node::Assign { key, value } if key == "path" => path = self.string(value).map(|p| (p, value.range())),
                Node::Assign { key, value } if key == "profile" => {
                    profile = self.choice(
                        value,
                        &[
                            BackupProfile::Critical,
                            BackupProfile::Standard,
                            BackupProfile::Relaxed,
                            BackupProfile::Ephemeral,
                        ],
                        |p| p.name(),
                        "backup profile",
                    )
                }
                Node::Assign { key, .. } => {
                    self.e.at(n.range(), unknown(&key.to_string(), "a database", &["path", "profile"]))
                }
                _ => self
                    .e
                    .at(n.range(), "expected the database's name first, then `path = \"...\"` and `profile = ...`"),
            }
        }
        let (Some(name), Some((path, path_range)), Some(profile)) = (name, path, profile) else {
            self.e.at(range, "a database is written `sqlite(name, path = \"/config/app.db\", profile = Standard)`");
            return None;
        };
        Some((Database { name, path, format, profile }, path_range))
    }

    fn size(&mut self, v: &Value) -> Option<Size> {
        match v {
            Value::Call { name, nodes, .. } if name == "Custom" => {
                let (mut cr, mut cl, mut mr, mut ml) = (None, None, None, None);
                self.fields(
                    nodes,
                    &["cpu_request", "cpu_limit", "memory", "memory_request", "memory_limit"],
                    |r, key, v| match key {
                        "cpu_request" => cr = r.quantity(v, Cpu::parse),
                        "cpu_limit" => cl = r.quantity(v, Cpu::parse),
                        "memory" => {
                            mr = r.quantity(v, Memory::parse);
                            ml = mr;
                        }
                        "memory_request" => mr = r.quantity(v, Memory::parse),
                        _ => ml = r.quantity(v, Memory::parse),
                    },
                );
                match (cr, cl, mr, ml) {
                    (Some(cpu_request), Some(cpu_limit), Some(memory_request), Some(memory_limit)) => {
                        Some(Size::Custom(Resources { cpu_request, cpu_limit, memory_request, memory_limit }))
                    }
                    _ => {
                        self.e.at(v.range(), "a custom size needs `cpu_request`, `cpu_limit` and `memory` (or `memory_request` and `memory_limit`)");
                        None
                    }
                }
            }
            _ => self.choice(v, &Size::PRESETS, |s| s.name(), "size").or(None),
        }
    }

    /// Reads `key = value` pairs whose keys are in `keys`.
    fn fields(&mut self, nodes: &[Node], keys: &[&str], mut f: impl FnMut(&mut Self, &str, &Value)) {
        for n in nodes {
            match n {
                Node::Assign { key, value } if keys.contains(&key.to_string().as_str()) => {
                    f(self, &key.to_string(), value)
                }
                Node::Assign { key, .. } => self.e.at(n.range(), unknown(&key.to_string(), "here", keys)),
                _ => self.e.at(n.range(), format!("expected `key = value`, with a key among {}", list(keys))),
            }
        }
    }

    fn string(&mut self, v: &Value) -> Option<String> {
        match v {
            Value::Str(s) => Some(s.value()),
            _ => {
                self.e.at(v.range(), format!("expected a string, found {}", v.describe()));
                None
            }
        }
    }

    fn strings(&mut self, v: &Value) -> Option<Vec<String>> {
        match v {
            Value::List { items, .. } => items.iter().map(|i| self.string(i)).collect(),
            _ => {
                self.e.at(
                    v.range(),
                    format!("expected a list of strings such as `[\"a\", \"b\"]`, found {}", v.describe()),
                );
                None
            }
        }
    }

    fn int<N: std::str::FromStr>(&mut self, v: &Value) -> Option<N>
    where
        N::Err: std::fmt::Display,
    {
        match v {
            Value::Int(i) => match i.base10_parse() {
                Ok(n) => Some(n),
                Err(e) => {
                    self.e.at(v.range(), e);
                    None
                }
            },
            _ => {
                self.e.at(v.range(), format!("expected a number, found {}", v.describe()));
                None
            }
        }
    }

    fn bool(&mut self, v: &Value) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(b.value),
            _ => {
                self.e.at(v.range(), format!("expected `true` or `false`, found {}", v.describe()));
                None
            }
        }
    }

    /// A port name (an identifier or a string).
    fn name(&mut self, v: &Value, what: &str) -> Option<String> {
        match v {
            Value::Path(i) => Some(i.to_string().replace('_', "-")),
            Value::Str(s) => Some(s.value()),
            _ => {
                self.e.at(v.range(), format!("expected {what}, found {}", v.describe()));
                None
            }
        }
    }

    fn port_ref(&mut self, v: &Value) -> Option<PortRef> {
        match v {
            Value::Int(_) => self.int(v).map(PortRef::Number),
            _ => self.name(v, "a port name or number").map(PortRef::Name),
        }
    }

    fn quantity<Q>(&mut self, v: &Value, parse: fn(&str) -> Result<Q, String>) -> Option<Q> {
        let s = self.string(v)?;
        match parse(&s) {
            Ok(q) => Some(q),
            Err(e) => {
                self.e.at(v.range(), e);
                None
            }
        }
    }

    fn choice<E: Copy>(&mut self, v: &Value, all: &[E], name: fn(E) -> &'static str, what: &str) -> Option<E> {
        let names: Vec<&str> = all.iter().map(|e| name(*e)).collect();
        let found = match v {
            Value::Path(i) => i.to_string(),
            _ => {
                self.e.at(v.range(), format!("expected a {what}: one of {}; found {}", list(&names), v.describe()));
                return None;
            }
        };
        match all.iter().find(|e| name(**e) == found) {
            Some(e) => Some(*e),
            None => {
                self.e.at(
                    v.range(),
                    format!(
                        "unknown {what} `{found}`: expected one of {}{}",
                        list(&names),
                        did_you_mean(&found, names.iter().copied())
                    ),
                );
                None
            }
        }
    }
}

fn list(items: &[&str]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

fn unknown(key: &str, place: &str, keys: &[&str]) -> String {
    format!("unknown key `{key}` in {place}: expected one of {}{}", list(keys), did_you_mean(key, keys.iter().copied()))
}

/// The error for a known key written in the wrong shape, or an unknown key.
fn shape_error(k: &str) -> String {
    let shape = match k {
        "port" => "`port(http = 8080)`",
        "liveness" | "readiness" | "startup" => "`liveness(http = \"/health\", port = http)`",
        "ingress" => "`ingress(port = http)`",
        "pvc" => "`pvc(config, mount = \"/config\", size = \"1Gi\")`",
        "nfs" => "`nfs(media, mount = \"/media\", server = \"nas\", path = \"/export\")`",
        "empty_dir" => "`empty_dir(cache, mount = \"/cache\")`",
        "env" => "`env(TZ = \"Europe/Paris\", API_KEY = secret(\"API_KEY\"))`",
        "sqlite" | "bbolt" => "`sqlite(db, path = \"/config/app.db\", profile = Standard)`",
        "exception" => "`exception(run_as_root = \"why\")`",
        "ha" => "`ha`",
        _ if KEYS.contains(&k) => return format!("`{k}` is written `{k} = ...`"),
        _ => {
            return format!("unknown attribute `{k}`{}", did_you_mean(k, KEYS.iter().copied()));
        }
    };
    format!("`{k}` is written {shape}")
}

/// `ExternalDns` → `external-dns`.
pub fn kebab_case(ident: &str) -> String {
    let mut out = String::new();
    for (i, c) in ident.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '_' {
            out.push('-');
        } else {
            out.push(c);
        }
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
    }
}
