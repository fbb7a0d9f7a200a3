//! DUR: recovery first, then continuous protection.

use super::Judgement;
use super::cel as c;
use super::cel::{
    Cel, MAIN, annotation, cel, command_line, db_name, db_path, durability_names, restarts_always, strings,
};
use super::{Rule, Stage::*};
use crate::facts::ContainerFacts;
use crate::model::{WorkloadKind, path_is_under};
use crate::platform::METRICS_PORT;
use crate::pod::{ContainerRole, Lifecycle};

pub const DUR_1: Rule = Rule {
    id: "DUR-1",
    title: "An Elite app states its durability: its SQLite databases (each with a backup profile), whether its config directory is synced, or that it is stateless.",
    stages: &[Compile, Construction],
    hint: "declare `sqlite(db, path = \"/config/app.db\", profile = Standard)`, `config_sync = \"/config\"`, or `stateless = \"why\"`",
    check: Some(|f, j| {
        let has_durability_containers = f.containers.iter().any(|c| c.role != ContainerRole::Main);
        if f.durability.value.is_none() && !has_durability_containers {
            j.fail(&f.durability.at, "durability is not stated (annotation vixens.io/durability: stateless, or the databases and config directory)");
        }
    }),
    cel: Some(dur_1_cel),
};

fn mounts_path(c: &ContainerFacts, path: &str) -> bool {
    c.mounts.iter().any(|(_, dir)| path_is_under(path, dir))
}

/// Fails unless `c` runs as `want`, saying what would go wrong otherwise.
fn runs_as(c: &ContainerFacts, want: Lifecycle, j: &mut Judgement) {
    let name = &c.name.value;
    let problem = match (want, c.lifecycle) {
        (w, l) if w == l => return,
        (Lifecycle::Init, l) => {
            format!("`{name}` is a {}, not an init container: the app can start before it has restored", l.noun())
        }
        (Lifecycle::Sidecar, Lifecycle::Init) => format!(
            "`{name}` is an init container without `restartPolicy: Always`: it never exits, so the app never starts"
        ),
        (Lifecycle::Sidecar, _) => format!(
            "`{name}` is a regular container: Kubernetes stops it together with the app, so the app's last writes can miss S3; make it a native sidecar (an init container with `restartPolicy: Always`)"
        ),
        (Lifecycle::Regular, l) => format!("`{name}` is a {}, not a regular container", l.noun()),
    };
    j.fail(&c.name.at, problem);
}

pub const DUR_2: Rule = Rule {
    id: "DUR-2",
    title: "Each database has a `restore-db` init step (litestream restore -if-db-not-exists -if-replica-exists) and a `litestream` native sidecar (restartPolicy: Always, so it outlives the app at shutdown) serving metrics on port 9090 named `metrics`.",
    stages: &[Construction, EndToEnd],
    hint: "declare the database with a backup profile: the generator adds restore-db and litestream",
    check: Some(|f, j| {
        let Some(dbs) = &f.databases else {
            if f.container(ContainerRole::Litestream).is_some() && f.container(ContainerRole::RestoreDb).is_none() {
                j.fail(&f.name.at, "a litestream sidecar replicates, but no restore-db init container restores first");
            }
            return j.undecidable("the databases are not stated (annotation vixens.io/durability)");
        };
        if !dbs.iter().any(|d| d.replicated) {
            return;
        }
        match f.container(ContainerRole::RestoreDb) {
            Some(c) => {
                runs_as(c, Lifecycle::Init, j);
                let line = c.command_line.value.join(" ");
                for flag in ["-if-db-not-exists", "-if-replica-exists"] {
                    if !line.contains(flag) {
                        j.fail(&c.command_line.at, format!("restore-db does not pass `{flag}`"));
                    }
                }
            }
            None => j.fail(&f.durability.at, "databases are declared but there is no restore-db init container"),
        }
        match f.container(ContainerRole::Litestream) {
            Some(c) => {
                runs_as(c, Lifecycle::Sidecar, j);
                if !c.ports.iter().any(|(n, p)| n.as_deref() == Some("metrics") && *p == METRICS_PORT) {
                    j.fail(
                        &c.name.at,
                        format!("the litestream sidecar does not declare port {METRICS_PORT} named `metrics`"),
                    );
                }
            }
            None => j.fail(&f.durability.at, "databases are declared but there is no litestream sidecar"),
        }
    }),
    cel: Some(dur_2_cel),
};

pub const DUR_3: Rule = Rule {
    id: "DUR-3",
    title: "A synced config directory gets a `restore-config` init container and a `config-syncer` native sidecar that excludes every database file and its -wal, -shm and litestream companions, with rclone glob patterns.",
    stages: &[Compile, Construction, EndToEnd],
    hint: "sync a directory inside a volume of the app (`config_sync = \"/config\"` with `pvc(config, mount = \"/config\", ...)`): the generator adds restore-config, config-syncer and the filters",
    check: Some(|f, j| {
        let Some(dir) = &f.config_sync_dir else {
            if f.container(ContainerRole::ConfigSyncer).is_some() && f.container(ContainerRole::RestoreConfig).is_none()
            {
                j.fail(&f.name.at, "a config-syncer runs, but no restore-config init container restores first");
            }
            return;
        };
        if let Some(main) = f.main()
            && !mounts_path(main, &dir.value)
        {
            j.fail(&dir.at, format!("the synced directory {} is not inside a volume of the main container", dir.value));
            return;
        }
        for role in [ContainerRole::RestoreConfig, ContainerRole::ConfigSyncer] {
            match f.container(role) {
                Some(c) => {
                    runs_as(c, role.lifecycle(), j);
                    if !mounts_path(c, &dir.value) {
                        j.fail(
                            &c.name.at,
                            format!("{} does not mount the config directory {}", c.name.value, dir.value),
                        );
                    }
                }
                None => j.fail(
                    &dir.at,
                    format!("config {} is synced but there is no {}", dir.value, role.fixed_name().unwrap_or_default()),
                ),
            }
        }
    }),
    cel: Some(dur_3_cel),
};

pub const DUR_4: Rule = Rule {
    id: "DUR-4",
    title: "Every database path is absolute and lies inside a volume mounted at the same path by the main container, the restore-db init container and the litestream sidecar.",
    stages: &[Compile],
    hint: "put the database under the mount path of a volume of the app, e.g. `/config/app.db` with `pvc(config, mount = \"/config\", size = \"1Gi\")`",
    check: Some(|f, j| {
        let Some(dbs) = &f.databases else { return };
        for db in dbs {
            let path = &db.path.value;
            if !path.starts_with('/') {
                j.fail(&db.path.at, format!("database path `{path}` is not absolute"));
                continue;
            }
            if path.chars().any(|c| c.is_whitespace() || "\"'$`\\;&|<>*?".contains(c)) {
                j.fail(&db.path.at, format!("database path `{path}` contains whitespace or a shell metacharacter"));
                continue;
            }
            // Outside the main container's volumes, nothing else can mount it: one error says it.
            if let Some(main) = f.main()
                && !mounts_path(main, path)
            {
                j.fail(
                    &db.path.at,
                    format!(
                        "database `{path}` is not inside a volume mounted by the main container `{}`",
                        main.name.value
                    ),
                );
                continue;
            }
            let mut who: Vec<&ContainerFacts> = Vec::new();
            who.extend(f.container(ContainerRole::RestoreDb));
            if db.replicated {
                who.extend(f.container(ContainerRole::Litestream));
            }
            for c in who {
                if !mounts_path(c, path) {
                    j.fail(
                        &db.path.at,
                        format!("database `{path}` is not inside a volume mounted by container `{}`", c.name.value),
                    );
                }
            }
            // The same volume, at the same path, in every container.
            let main_mount = f
                .main()
                .and_then(|m| m.mounts.iter().filter(|(_, d)| path_is_under(path, d)).max_by_key(|(_, d)| d.len()));
            if let Some(mm) = main_mount {
                for c in f
                    .containers
                    .iter()
                    .filter(|c| matches!(c.role, ContainerRole::RestoreDb | ContainerRole::Litestream))
                {
                    if !c.mounts.contains(mm) {
                        j.fail(
                            &db.path.at,
                            format!(
                                "container `{}` does not mount volume `{}` at {} like the main container",
                                c.name.value, mm.0, mm.1
                            ),
                        );
                    }
                }
            }
        }
    }),
    cel: Some(dur_4_cel),
};

pub const DUR_5: Rule = Rule {
    id: "DUR-5",
    title: "Each app replicates under its own S3 prefix (<bucket>/<namespace>/<app>/...); no two apps, no two databases, and no two pods share a replica path.",
    stages: &[Compile, Generator],
    hint: "give every database a distinct name and path; app names are unique per namespace; sync the config of several replicas from a StatefulSet, whose pods each sync under their own name",
    check: Some(|f, j| {
        if let (Some(dir), Some(n)) = (&f.config_sync_dir, f.replicas.value)
            && n > 1
            && f.kind == WorkloadKind::Deployment
        {
            j.fail(
                &f.replicas.at,
                format!(
                    "{n} replicas of a Deployment would sync {} to one prefix and delete each other's files; its pods have no stable name to sync under",
                    dir.value
                ),
            );
        }
        let Some(dbs) = &f.databases else { return };
        for (i, a) in dbs.iter().enumerate() {
            for b in &dbs[..i] {
                if a.name == b.name {
                    j.fail(
                        &a.path.at,
                        format!("two databases are named `{}`: they would share a replica path", a.name),
                    );
                }
                if a.path.value == b.path.value {
                    j.fail(&a.path.at, format!("two databases have the path {}", a.path.value));
                }
            }
        }
    }),
    cel: Some(dur_5_cel),
};

pub const DUR_6: Rule = Rule {
    id: "DUR-6",
    title: "A replicated SQLite database has one writer: a workload with replicated databases has replicas: 1, and a Deployment strategy Recreate.",
    stages: &[Compile],
    hint: "keep `replicas = 1` for an app with replicated databases: every replica would replicate its own copy to the same path",
    check: Some(|f, j| {
        if !matches!(f.kind, WorkloadKind::Deployment | WorkloadKind::StatefulSet) {
            return;
        }
        let replicated = match &f.databases {
            Some(dbs) => dbs.iter().any(|d| d.replicated),
            None => f.container(ContainerRole::Litestream).is_some(),
        };
        if !replicated {
            return;
        }
        if let Some(n) = f.replicas.value
            && n > 1
        {
            j.fail(
                &f.replicas.at,
                format!("{n} replicas would each replicate the same databases to the same path; at most 1 is allowed"),
            );
        }
        if f.kind == WorkloadKind::Deployment && f.strategy.value.as_deref() != Some("Recreate") {
            j.fail(
                &f.strategy.at,
                format!(
                    "strategy is {}; a rolling update runs two writers at once, it must be Recreate",
                    f.strategy.value.as_deref().unwrap_or("RollingUpdate (the default)")
                ),
            );
        }
    }),
    cel: Some(dur_6_cel),
};

/// Words that make an environment variable name a credential's.
pub const CREDENTIAL_WORDS: [&str; 9] =
    ["SECRET", "PASSWORD", "PASSWD", "TOKEN", "ACCESS_KEY", "API_KEY", "APIKEY", "PRIVATE_KEY", "CREDENTIAL"];

/// Whether an environment variable name looks like a credential.
pub fn is_credential_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    CREDENTIAL_WORDS.iter().any(|k| n.contains(k))
}

/// Shell idioms that swallow a failed restore.
pub const SWALLOWED_ERRORS: [&str; 3] = ["|| true", "||true", "|| :"];

pub const DUR_7: Rule = Rule {
    id: "DUR-7",
    title: "S3 credentials reach the pod only from the Secret an InfisicalSecret manages; no credential value appears in a manifest.",
    stages: &[Compile, Construction],
    hint: "reference the value with `secret(\"KEY\")`: it comes from the app's Infisical-managed Secret",
    check: Some(|f, j| {
        for c in &f.containers {
            for e in c.env.value.iter().filter(|e| e.literal && is_credential_name(&e.name)) {
                j.fail(&e.at, format!("container `{}` sets credential `{}` to a literal value", c.name.value, e.name));
            }
        }
    }),
    cel: Some(dur_7_cel),
};

pub const DUR_8: Rule = Rule {
    id: "DUR-8",
    title: "Nothing is lost on a failed start: no replica → fresh start; unreadable replica → the init step fails; the config-syncer never deletes remote objects because the local side is empty or half-restored.",
    stages: &[Construction, EndToEnd],
    hint: "restore steps must fail when S3 cannot be read: never `|| true`",
    check: Some(|f, j| {
        for c in
            f.containers.iter().filter(|c| matches!(c.role, ContainerRole::RestoreConfig | ContainerRole::RestoreDb))
        {
            let line = c.command_line.value.join(" ");
            if SWALLOWED_ERRORS.iter().any(|k| line.contains(k)) {
                j.fail(
                    &c.command_line.at,
                    format!("{} swallows its errors (`|| true`): the app would start on an empty volume", c.name.value),
                );
            }
        }
    }),
    cel: Some(dur_8_cel),
};

/// Commands that install software.
pub const INSTALL_COMMANDS: [&str; 8] = [
    "apk add",
    "apt-get install",
    "apt install",
    "pip install",
    "pip3 install",
    "yum install",
    "dnf install",
    "npm install",
];

pub const DUR_9: Rule = Rule {
    id: "DUR-9",
    title: "No container installs software at start (apk add, apt-get, pip install): images are pinned and already contain their tools.",
    stages: &[Compile],
    hint: "bake the tools into a pinned image instead of installing them at every start",
    check: Some(|f, j| {
        for c in &f.containers {
            let line = c.command_line.value.join(" ");
            if let Some(cmd) = INSTALL_COMMANDS.iter().find(|k| line.contains(*k)) {
                j.fail(&c.command_line.at, format!("container `{}` runs `{cmd}` at start", c.name.value));
            }
        }
    }),
    cel: Some(dur_9_cel),
};

/// The first container named `name` (init containers first), as CEL.
fn first(name: &str) -> String {
    format!("variables.containers.filter(c, c.name == '{name}')[0]")
}

fn exists(name: &str) -> String {
    format!("variables.containers.exists(c, c.name == '{name}')")
}

/// Whether the first container named `name` is in the init list and runs as `want`.
fn runs_as_cel(name: &str, want: Lifecycle) -> String {
    let always = restarts_always(&format!("variables.inits.filter(c, c.name == '{name}')[0]"));
    match want {
        Lifecycle::Init => format!("(variables.inits.exists(c, c.name == '{name}') && !{always})"),
        Lifecycle::Sidecar => format!("(variables.inits.exists(c, c.name == '{name}') && {always})"),
        Lifecycle::Regular => format!("!variables.inits.exists(c, c.name == '{name}')"),
    }
}

fn name_of(role: ContainerRole) -> &'static str {
    role.fixed_name().unwrap_or_default()
}

fn dur_1_cel() -> Vec<Cel> {
    vec![cel(
        format!(
            "'{}' in variables.annotations || variables.containers.exists(c, c.name in {})",
            annotation("durability"),
            durability_names()
        ),
        "the workload states its durability (annotation vixens.io/durability)",
    )]
}

fn dur_2_cel() -> Vec<Cel> {
    let (restore, litestream) = (name_of(ContainerRole::RestoreDb), name_of(ContainerRole::Litestream));
    let line = command_line(&first(restore));
    vec![
        cel(
            format!("variables.stated || !({} && !{})", exists(litestream), exists(restore)),
            "a litestream sidecar replicates, but no restore-db init container restores first",
        ),
        cel(
            format!(
                "!variables.stated || !variables.replicated || ({} && {line}.contains('-if-db-not-exists') && {line}.contains('-if-replica-exists'))",
                runs_as_cel(restore, Lifecycle::Init)
            ),
            "each database is restored by a restore-db init container (litestream restore -if-db-not-exists -if-replica-exists)",
        ),
        cel(
            format!(
                "!variables.stated || !variables.replicated || ({} && has({l}.ports) && {l}.ports.exists(p, has(p.name) && p.name == 'metrics' && p.containerPort == {METRICS_PORT}))",
                runs_as_cel(litestream, Lifecycle::Sidecar),
                l = first(litestream),
            ),
            "each database is replicated by a litestream native sidecar (restartPolicy: Always) serving metrics on port 9090 named `metrics`",
        ),
    ]
}

fn dur_3_cel() -> Vec<Cel> {
    let (restore, syncer) = (name_of(ContainerRole::RestoreConfig), name_of(ContainerRole::ConfigSyncer));
    let dir = "variables.configs[size(variables.configs) - 1].substring(7)";
    let synced =
        |name: &str, want: Lifecycle| format!("({} && {})", runs_as_cel(name, want), c::mounts_path(&first(name), dir));
    vec![
        cel(
            format!("size(variables.configs) > 0 || !({} && !{})", exists(syncer), exists(restore)),
            "a config-syncer runs, but no restore-config init container restores first",
        ),
        cel(
            format!(
                "size(variables.configs) == 0 || ((size(variables.mains) == 0 || {}) && {} && {})",
                c::mounts_path(MAIN, dir),
                synced(restore, Lifecycle::Init),
                synced(syncer, Lifecycle::Sidecar)
            ),
            "a synced config directory lies in a volume of the app, restored by a restore-config init container and kept by a config-syncer native sidecar, both mounting it",
        ),
    ]
}

fn dur_4_cel() -> Vec<Cel> {
    let (restore, litestream) = (name_of(ContainerRole::RestoreDb), name_of(ContainerRole::Litestream));
    let p = db_path("t");
    let mounted_by = |name: &str| format!("(!{} || {})", exists(name), c::mounts_path(&first(name), &p));
    let longest = format!(
        "{MAIN}.volumeMounts.filter(m, {} && !{MAIN}.volumeMounts.exists(o, {} && size(o.mountPath) > size(m.mountPath)))",
        c::path_is_under(&p, "m.mountPath"),
        c::path_is_under(&p, "o.mountPath"),
    );
    vec![cel(
        format!(
            "variables.dbs.all(t, {p}.startsWith('/') && !{p}.matches('[\\\\s\"\\'$`\\\\\\\\;&|<>*?]') && (size(variables.mains) == 0 || ({} && {} && (!(t.startsWith('sqlite:') && !t.endsWith('@Ephemeral')) || {}) && {longest}.all(m, variables.containers.filter(c, c.name in ['{restore}', '{litestream}']).all(c, has(c.volumeMounts) && c.volumeMounts.exists(x, x.name == m.name && x.mountPath == m.mountPath))))))",
            c::mounts_path(MAIN, &p),
            mounted_by(restore),
            mounted_by(litestream),
        ),
        "every database path is absolute and lies in a volume mounted at the same path by the app, restore-db and litestream",
    )]
}

fn dur_5_cel() -> Vec<Cel> {
    vec![
        cel(
            "size(variables.configs) == 0 || object.kind != 'Deployment' || !has(object.spec.replicas) || object.spec.replicas <= 1",
            "the config of several replicas is synced from a StatefulSet, each pod under its own name",
        ),
        cel(
            format!(
                "variables.dbs.all(t, size(variables.dbs.filter(u, {} == {})) == 1 && size(variables.dbs.filter(u, {} == {})) == 1)",
                db_name("u"),
                db_name("t"),
                db_path("u"),
                db_path("t")
            ),
            "no two databases share a name or a path (and so a replica path)",
        ),
    ]
}

fn dur_6_cel() -> Vec<Cel> {
    vec![cel(
        format!(
            "!(object.kind in ['Deployment', 'StatefulSet']) || !(variables.stated ? variables.replicated : {}) || ((!has(object.spec.replicas) || object.spec.replicas <= 1) && (object.kind != 'Deployment' || (has(object.spec.strategy) && has(object.spec.strategy.type) && object.spec.strategy.type == 'Recreate')))",
            exists(name_of(ContainerRole::Litestream))
        ),
        "a workload with replicated databases has one replica, and a Deployment strategy Recreate",
    )]
}

fn dur_7_cel() -> Vec<Cel> {
    vec![cel(
        format!(
            "variables.containers.all(c, !has(c.env) || c.env.all(e, has(e.valueFrom) || !{}.exists(k, e.name.upperAscii().contains(k))))",
            strings(CREDENTIAL_WORDS)
        ),
        "no credential is written as a literal value: it comes from a Secret",
    )]
}

fn dur_8_cel() -> Vec<Cel> {
    vec![cel(
        format!(
            "variables.containers.filter(c, c.name in {}).all(c, !{}.exists(k, {}.contains(k)))",
            strings([name_of(ContainerRole::RestoreConfig), name_of(ContainerRole::RestoreDb)]),
            strings(SWALLOWED_ERRORS),
            command_line("c")
        ),
        "restore steps never swallow their errors (`|| true`)",
    )]
}

fn dur_9_cel() -> Vec<Cel> {
    vec![cel(
        format!(
            "variables.containers.all(c, !{}.exists(k, {}.contains(k)))",
            strings(INSTALL_COMMANDS),
            command_line("c")
        ),
        "no container installs software at start",
    )]
}
