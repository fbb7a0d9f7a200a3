//! Generated declarations, for property tests (feature `arbitrary`): every key of the model, with
//! edge values, collisions with what the generator adds, odd paths and names, drawn so that
//! both accepted and rejected declarations are frequent. proptest shrinks a failing one to the
//! smallest counterexample.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use crate::model::*;
use crate::quantity::{Cpu, Memory};

fn pick<T: Clone + std::fmt::Debug + 'static>(items: &[T]) -> impl Strategy<Value = T> + use<T> {
    proptest::sample::select(items.to_vec())
}

fn s(items: &[&str]) -> impl Strategy<Value = String> + use<> {
    pick(&items.iter().map(|x| x.to_string()).collect::<Vec<_>>())
}

/// App names: valid, at the 52/63-character edges, uppercase, digit-first, reserved, colliding.
pub fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => s(&["demo", "sonarr", "adguard-home", "a", "x1"]),
        1 => s(&["Demo", "8ball", "-demo", "demo-", "de_mo", "", "litestream", "restore-db", "vixens-policies", "vixens-dev"]),
        1 => Just("a".repeat(52)),
        1 => Just("a".repeat(53)),
        1 => Just("a".repeat(63)),
        1 => Just("a".repeat(64)),
    ]
}

fn image() -> impl Strategy<Value = String> {
    let d = format!("sha256:{}", "ab".repeat(32));
    prop_oneof![
        6 => s(&["example/demo:1.2.3", "ghcr.io/linuxserver/sonarr:version-4.0.16", "registry.lan:5000/team/app:v2", "app:1"]),
        1 => s(&["example/demo", "example/demo:latest", "Example/Demo:1", "registry.lan:5000/demo", "demo@sha256:abc", " demo:1", ""]),
        1 => Just(format!("example/demo:1@{d}")),
        1 => Just(format!("example/demo@{d}")),
        1 => s(&["minio/minio:RELEASE.2025", "quay.io/minio/minio:RELEASE.2025", "mirror.lan:5000/minio:RELEASE.2025"]),
    ]
}

fn size() -> impl Strategy<Value = Option<Size>> {
    let custom = (1u32..4000, 1u32..8000, 1u64..8192, 0u64..3).prop_map(|(cr, cl, mi, skew)| {
        Size::Custom(Resources {
            cpu_request: Cpu(cr),
            cpu_limit: Cpu(cl),
            memory_request: Memory::mi(mi),
            memory_limit: Memory::mi(mi + if skew == 0 { 1 } else { 0 }),
        })
    });
    prop_oneof![
        1 => Just(None),
        6 => pick(&Size::PRESETS).prop_map(Some),
        1 => Just(Some(Size::Custom(Resources { cpu_request: Cpu(100), cpu_limit: Cpu(1000), memory_request: Memory::mi(1536), memory_limit: Memory::mi(1536) }))),
        2 => custom.prop_map(Some),
    ]
}

fn port_name() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => s(&["http", "web", "dns", "dns-tcp", "api", "console"]),
        1 => s(&["metrics", "a-very-long-port-name", "8080", "HTTP", "a--b", "-x"]),
    ]
}

fn ports() -> impl Strategy<Value = Vec<Port>> {
    vec(
        (
            port_name(),
            pick(&[80u16, 8080, 8080, 3000, 53, 9090, 0]),
            pick(&[Protocol::Tcp, Protocol::Tcp, Protocol::Udp]),
        ),
        0..4,
    )
    .prop_map(|ps| ps.into_iter().map(|(name, number, protocol)| Port { name, number, protocol }).collect())
}

fn port_ref() -> impl Strategy<Value = PortRef> {
    prop_oneof![3 => port_name().prop_map(PortRef::Name), 1 => pick(&[80u16, 8080, 53, 1]).prop_map(PortRef::Number)]
}

fn probe() -> impl Strategy<Value = Probe> {
    let action = prop_oneof![
        4 => (s(&["/health", "/", "/ping", "health", "/a b"]), port_ref()).prop_map(|(path, port)| ProbeAction::Http { path, port }),
        2 => port_ref().prop_map(|port| ProbeAction::Tcp { port }),
        1 => vec(s(&["/bin/check", "pg_isready", ""]), 0..3).prop_map(|command| ProbeAction::Exec { command }),
    ];
    let n = |v: &[u32]| pick(v);
    (action, n(&[0, 0, 5, 30, 200]), n(&[10, 10, 1, 0, 20]), n(&[5, 1, 0, 30]), n(&[3, 3, 3, 1, 0, 18, 19, 300]))
        .prop_map(|(action, d, p, t, f)| Probe {
            action,
            initial_delay_seconds: d,
            period_seconds: p,
            timeout_seconds: t,
            failure_threshold: f,
        })
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => s(&["/config", "/data", "/config/sub", "/cache"]),
        1 => s(&["/config/", "//config", "/config/../etc", "/tmp", "/etc/elite", "/", "config", "/a b"]),
    ]
}

fn volumes() -> impl Strategy<Value = Vec<Volume>> {
    let source = prop_oneof![
        3 => pick(&[1u64, 1, 5, 0]).prop_map(|gi| VolumeSource::Pvc(PvcSource { size: Memory(gi * Memory::GI), storage_class: None })),
        1 => s(&["nas.lan", "192.168.1.2", ""]).prop_map(|server| VolumeSource::Nfs(NfsSource { server, path: "/export".into() })),
        2 => option::of(pick(&[64u64, 512, 0])).prop_map(|l| VolumeSource::EmptyDir(EmptyDirSource { size_limit: l.map(Memory::mi) })),
    ];
    let mount = (path(), option::of(s(&["sub", "a/../b", "/abs"])), prop::bool::weighted(0.15))
        .prop_map(|(path, sub_path, read_only)| Mount { path, sub_path, read_only });
    vec((s(&["config", "data", "cache", "elite-tmp", "Data"]), source, vec(mount, 1..3)), 0..4)
        .prop_map(|vs| vs.into_iter().map(|(name, source, mounts)| Volume { name, source, mounts }).collect())
}

fn env() -> impl Strategy<Value = Vec<EnvVar>> {
    let value = prop_oneof![
        4 => s(&["Europe/Paris", "1000", "https://auth.example.com/token", "/run/secrets/x", "$(OTHER)"]).prop_map(EnvValue::Plain),
        1 => s(&["hunter2", "postgres://u:p@db/x", "ghp_0123456789abcdefghijklmnopqrstuvwxyz"]).prop_map(EnvValue::Plain),
        2 => s(&["API_KEY", "ADMIN", "a/b"]).prop_map(|secret| EnvValue::Secret(SecretKey { secret })),
    ];
    vec((s(&["TZ", "ADMIN_PASSWORD", "OIDC_TOKEN_ENDPOINT", "PASSWORD_FILE", "API_TOKEN", "TZ", "A B"]), value), 0..4)
        .prop_map(|es| es.into_iter().map(|(name, value)| EnvVar { name, value }).collect())
}

fn durability() -> impl Strategy<Value = Durability> {
    let db = (
        s(&["main", "logs", "stats", "main", "Main"]),
        prop_oneof![
            5 => s(&["/config/app.db", "/config/logs.db", "/data/x.db", "/config/sub/x.db"]),
            1 => s(&["/config//app.db", "/config/../etc/x.db", "/config", "/config/", "/tmp/x.db", "x.db", "/config/app.db-wal", "/config/a b.db", "/elsewhere/x.db"]),
        ],
        pick(&[DbFormat::Sqlite, DbFormat::Sqlite, DbFormat::Bbolt]),
        pick(BackupProfile::ALL),
    )
        .prop_map(|(name, path, format, profile)| Database { name, path, format, profile });
    let sync = (
        path(),
        prop_oneof![4 => Just(vec![]), 1 => Just(vec!["*.log".to_owned()]), 1 => Just(vec!["a\nb".to_owned()])],
    )
        .prop_map(|(dir, exclude)| ConfigSync { dir, exclude });
    prop_oneof![
        1 => Just(Durability::default()),
        3 => s(&["keeps nothing", " ", ""]).prop_map(|r| Durability { stateless: Some(r), ..Durability::default() }),
        6 => (vec(db, 0..3), option::of(sync), prop::bool::weighted(0.05)).prop_map(|(databases, config_sync, also_stateless)| Durability {
            stateless: also_stateless.then(|| "both".to_owned()),
            databases,
            config_sync,
        }),
    ]
}

fn command() -> impl Strategy<Value = (Vec<String>, Vec<String>)> {
    prop_oneof![
        6 => Just((vec![], vec![])),
        2 => Just((vec![], vec!["--port=8080".to_owned()])),
        1 => Just((vec!["/bin/sh".to_owned(), "-c".to_owned()], vec!["apk --no-cache add curl && exec app".to_owned()])),
        1 => Just((vec![], vec!["--password=hunter2".to_owned()])),
    ]
}

fn access() -> impl Strategy<Value = Vec<Access>> {
    let rule = s(&[
        "internet:443",
        "internet",
        "10.0.0.0/8",
        "192.168.1.0/24:53/udp,53",
        "media/prowlarr:9696",
        "media/*:9000",
        "internet:443",
    ]);
    vec(rule.prop_map(|r| r.parse().expect("the strategy's rules parse")), 0..3)
}

fn api() -> impl Strategy<Value = Option<ApiAccess>> {
    let resource = s(&["services", "ingresses.networking.k8s.io", "nodes", "services"])
        .prop_map(|r| r.parse().expect("the strategy's resources parse"));
    prop_oneof![4 => Just(None), 1 => vec(resource, 0..3).prop_map(|read| Some(ApiAccess { read }))]
}

/// An arbitrary declaration.
pub fn app_spec() -> impl Strategy<Value = AppSpec> {
    let identity = (name(), pick(Category::ALL), option::of(s(&["media", "dns", "Bad_NS"])), pick(Role::ALL), image());
    let resources = (
        size(),
        prop_oneof![1 => Just(None), 8 => pick(Priority::ALL).prop_map(Some)],
        prop_oneof![1 => Just(None), 8 => pick(Runtime::ALL).prop_map(Some)],
    );
    let network = (
        ports(),
        option::of(probe()),
        option::of(probe()),
        option::of(probe()),
        option::of((port_name(), option::of(s(&["vault", "a.b", "Bad"])))),
    );
    let storage = (volumes(), env(), durability(), command());
    let scheduling = (
        pick(&[1u16, 1, 1, 2, 0, 3]),
        prop::bool::weighted(0.1),
        pick(Workload::ALL),
        pick(&[1000u32, 1000, 0, 65534, u32::MAX]),
        vec((pick(ExceptionKind::ALL), s(&["s6-overlay starts as root", " "])), 0..2),
        pick(&[
            vec![Environment::Dev, Environment::Prod],
            vec![Environment::Prod],
            vec![],
            vec![Environment::Dev, Environment::Dev],
        ]),
    );
    let isolation = (access(), access(), api());
    (identity, resources, network, storage, scheduling, isolation).prop_map(
        |(
            (name, category, namespace, role, image),
            (size, priority, runtime),
            (ports, liveness, readiness, startup, ingress),
            (volumes, env, durability, (command, args)),
            (replicas, ha, workload, run_as_user, exceptions, environments),
            (egress, allow_from, api),
        )| {
            AppSpec {
                name,
                category,
                namespace,
                role,
                size,
                priority,
                runtime,
                image,
                command,
                args,
                ports,
                probes: Probes { liveness, readiness, startup },
                ingress: ingress.map(|(port, subdomain)| Ingress { port, subdomain }),
                volumes,
                env,
                durability,
                replicas,
                ha,
                workload,
                run_as_user,
                exceptions: exceptions
                    .into_iter()
                    .map(|(kind, reason)| SecurityException { kind, reason: reason.to_owned() })
                    .collect(),
                egress,
                allow_from,
                api,
                environments,
            }
        },
    )
}

/// Declarations close to compliant: an arbitrary declaration, then, seven times in ten, repaired
/// part by part where the catalog points (a variable, a volume, a database dropped; a probe or
/// the size reset) until it is accepted. Most are accepted, so the properties about accepted
/// declarations get many cases, each different; the rest keep one or more random faults.
pub fn near_compliant() -> impl Strategy<Value = AppSpec> {
    (app_spec(), 0u8..10).prop_map(|(mut a, keep)| {
        if keep < 7 {
            for _ in 0..8 {
                let v = crate::rules::check_app(&a, crate::rules::Door::Builder);
                if v.is_empty() {
                    break;
                }
                repair(&mut a, &v);
            }
        }
        a
    })
}

/// Removes or resets the parts of `a` the violations point at.
fn repair(a: &mut AppSpec, violations: &[crate::rules::Violation]) {
    let mut drop: std::collections::BTreeMap<String, std::collections::BTreeSet<usize>> = Default::default();
    for v in violations {
        let t: Vec<String> = v.at.tokens().collect();
        let idx = |k: usize| t.get(k).and_then(|s| s.parse::<usize>().ok());
        match t.first().map(String::as_str) {
            Some(list @ ("env" | "volumes" | "egress" | "allowFrom" | "exceptions" | "ports")) => match idx(1) {
                Some(i) => {
                    drop.entry(list.to_owned()).or_default().insert(i);
                }
                None => match list {
                    "env" => a.env.clear(),
                    "volumes" => a.volumes.clear(),
                    "ports" => a.ports.clear(),
                    "exceptions" => a.exceptions.clear(),
                    _ => {}
                },
            },
            Some("durability") => match (t.get(1).map(String::as_str), idx(2)) {
                (Some("databases"), Some(i)) => {
                    drop.entry("databases".into()).or_default().insert(i);
                }
                (Some("configSync"), _) => a.durability.config_sync = None,
                _ => a.durability = Durability { stateless: Some("keeps nothing".into()), ..Durability::default() },
            },
            Some("probes") | Some("ingress") => {
                a.ports = vec![Port { name: "http".into(), number: 8080, protocol: Protocol::Tcp }];
                a.probes = Probes {
                    liveness: Some(Probe::http("/health", "http")),
                    readiness: Some(Probe::tcp("http")),
                    startup: Some(Probe::http("/health", "http").failure_threshold(18)),
                };
                if t.first().map(String::as_str) == Some("ingress") {
                    a.ingress = None;
                }
            }
            Some("namespace") => a.namespace = None,
            Some("api") => a.api = None,
            Some("command" | "args") => {
                a.command.clear();
                a.args.clear();
            }
            Some("name") => a.name = "demo".into(),
            Some("image") => a.image = "example/demo:1.2.3".into(),
            Some("size") => a.size = Some(Size::Small),
            Some("priority" | "role") => {
                a.role = Role::Standard;
                a.priority = Some(Priority::High);
            }
            Some("runtime") => a.runtime = Some(Runtime::Go),
            Some("replicas" | "ha" | "workload") => {
                a.replicas = 1;
                a.ha = false;
                a.workload = Workload::Deployment;
            }
            Some("runAsUser") => a.run_as_user = DEFAULT_UID,
            Some("environments") => a.environments = Environment::ALL.to_vec(),
            Some("category") => a.category = Category::Tools,
            _ => a.durability = Durability { stateless: Some("keeps nothing".into()), ..Durability::default() },
        }
    }
    fn retain<T>(v: &mut Vec<T>, gone: Option<&std::collections::BTreeSet<usize>>) {
        if let Some(gone) = gone {
            let mut i = 0;
            v.retain(|_| {
                i += 1;
                !gone.contains(&(i - 1))
            });
        }
    }
    retain(&mut a.env, drop.get("env"));
    retain(&mut a.volumes, drop.get("volumes"));
    retain(&mut a.egress, drop.get("egress"));
    retain(&mut a.allow_from, drop.get("allowFrom"));
    retain(&mut a.exceptions, drop.get("exceptions"));
    retain(&mut a.ports, drop.get("ports"));
    retain(&mut a.durability.databases, drop.get("databases"));
    if a.durability.stateless.is_none() && a.durability.databases.is_empty() && a.durability.config_sync.is_none() {
        a.durability.stateless = Some("keeps nothing".into());
    }
}
