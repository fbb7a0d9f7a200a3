//! DUR: recovery first, then continuous protection.

use super::cel as c;
use super::cel::{
    Cel, MAIN, annotation, cel, cel_string, command_line, db_name, db_path, durability_names, restarts_always,
};
use super::patterns;
use super::{Hint, Judgement, Rule, RuleId, Severity, Stage::*};
use crate::facts::{ContainerFacts, DatabaseFacts, EnvValueFacts, Source, Stated, WorkloadFacts};
use crate::model::{BackupProfile, DbFormat, WorkloadKind, path};
use crate::platform::{METRICS_PORT, METRICS_PORT_NAME};
use crate::pod::{ContainerRole, Lifecycle};

pub const DUR_1: Rule = Rule {
    id: RuleId::Dur1,
    title: "An Elite app states its durability: its SQLite databases (each with a backup profile), whether its config directory is synced, or that it is stateless (with why).",
    rationale: "Durability that is implied is durability nobody checked. Stating it (or stating, with a reason, that there is nothing to keep) is what lets the generator add the restore steps and the replication, and lets a reviewer see what survives the loss of a volume. Stateless and stateful at once is a contradiction, not a choice.",
    severity: Severity::High,
    stages: &[Compile, Construction],
    hint: Hint {
        dsl: "declare `sqlite(db, path = \"/config/app.db\", profile = Standard)`, `config_sync = \"/config\"`, or `stateless = \"why\"`",
        builder: "call `.database(...)`, `.config_sync(...)`, or `.stateless(\"why\")`",
        data: "set `\"durability\": {\"databases\": [...], \"configSync\": {\"dir\": \"/config\"}}` or `{\"stateless\": \"why\"}`",
        manifest: "annotate the pod template vixens.io/durability (stateless, or the databases and config directory)",
    },
    check: Some(|f, j| {
        let missing = if f.source == Source::Declaration {
            "durability is not stated: declare the databases, the synced config directory, or that the app is stateless"
        } else {
            "durability is not stated (annotation vixens.io/durability: stateless, or the databases and config directory)"
        };
        match &f.durability {
            Stated::Unknown(_) => {}
            other => {
                let Some(d) = j.stated(other, missing) else { return };
                let d = &d.value;
                if !d.is_stated() {
                    j.fail(&f.durability_at, missing);
                } else if let Some(reason) = &d.stateless {
                    if d.has_state() {
                        j.fail(&reason.at, "the app is declared stateless, but it also declares state to protect (databases or a synced directory)");
                    } else if f.source == Source::Declaration && reason.value.trim().is_empty() {
                        j.fail(&reason.at, "`stateless` needs a reason: why may this app lose its volumes?");
                    }
                }
            }
        }
    }),
    cel: Some(dur_1_cel),
};

/// The flag starting at `start` in `line`, with its whole value (quoted, or up to a blank).
fn whole_flag(line: &str, start: usize) -> &str {
    let rest = &line[start..];
    let value = rest.find(['=', ' ', '\t']).map_or(rest.len(), |i| i + 1);
    let after = rest[value..].trim_start_matches([' ', '\t']);
    let skipped = rest.len() - after.len();
    let end = match after.chars().next() {
        Some(q @ ('"' | '\'')) => after[1..].find(q).map_or(after.len(), |i| i + 2),
        _ => after.find([' ', '\t', '\n']).unwrap_or(after.len()),
    };
    &rest[..skipped + end]
}

/// Fails unless `c` runs as `want`, saying what would go wrong otherwise.
fn runs_as(c: &ContainerFacts, want: Lifecycle, j: &mut Judgement) {
    let name = &c.name.value;
    let problem = match (want, c.lifecycle) {
        (w, l) if w == l => return,
        (Lifecycle::Init, l) => {
            format!("`{name}` is a {}, not an init container: the app can start before it has restored", l.noun())
        }
        (Lifecycle::Sidecar, Lifecycle::Init) => {
            format!(
                "`{name}` is an init container without `restartPolicy: Always`: it never exits, so the app never starts"
            )
        }
        (Lifecycle::Sidecar, _) => format!(
            "`{name}` is a regular container: Kubernetes stops it together with the app, so the app's last writes can miss S3; make it a native sidecar (an init container with `restartPolicy: Always`)"
        ),
        (Lifecycle::Regular, l) => format!("`{name}` is a {}, not a regular container", l.noun()),
    };
    j.fail(&c.name.at, problem);
}

/// The databases a rule can judge: stated, or `None` (undecidable, noted).
fn stated_databases<'a>(f: &'a WorkloadFacts, j: &mut Judgement) -> Option<&'a [DatabaseFacts]> {
    match &f.durability {
        Stated::Yes(d) => Some(&d.value.databases),
        Stated::Unknown(why) => {
            j.undecidable(why.clone());
            None
        }
        Stated::Missing(_) | Stated::Malformed(..) => None,
    }
}

pub const DUR_2: Rule = Rule {
    id: RuleId::Dur2,
    title: concat!(
        "Each replicated database has a `restore-db` init step (litestream restore -if-db-not-exists -if-replica-exists) and a `litestream` native sidecar serving metrics on port ",
        crate::platform::metrics_port!(),
        " named `",
        crate::platform::metrics_port_name!(),
        "`; a database with a profile other than Ephemeral must be SQLite."
    ),
    rationale: "Restore first, then replicate: a pod that starts on an empty volume gets its data back before the app opens it, and a native sidecar outlives the app at shutdown so its last commits reach S3. A backup profile is a promise: Litestream replicates SQLite only, so a bbolt (or other) file with a profile other than Ephemeral would be neither replicated nor kept; it is rejected rather than silently deleted or left unprotected.",
    severity: Severity::High,
    stages: &[Compile, Construction, EndToEnd],
    hint: Hint {
        dsl: "declare SQLite files with `sqlite(...)` and a profile; another format (`bbolt(...)`) can only be `profile = Ephemeral`",
        builder: "declare SQLite files with `.database(name, path, DbFormat::Sqlite, profile)`; another format can only be `BackupProfile::Ephemeral`",
        data: "give SQLite files `\"format\": \"Sqlite\"`; another format can only be `\"profile\": \"Ephemeral\"`",
        manifest: concat!(
            "add the restore-db init container and the litestream native sidecar (restartPolicy: Always, port ",
            crate::platform::metrics_port!(),
            " named ",
            crate::platform::metrics_port_name!(),
            ")"
        ),
    },
    check: Some(|f, j| {
        if let Some(dbs) = stated_databases(f, j) {
            for d in dbs.iter().filter(|d| d.format != DbFormat::Sqlite && d.profile != BackupProfile::Ephemeral) {
                j.fail(
                    &d.path.at,
                    format!(
                        "{} file `{}` has profile {}, but only SQLite files can be replicated: it would be neither replicated nor kept; declare it Ephemeral (deleted at every start) or store it as SQLite",
                        d.format.as_str(),
                        d.name,
                        d.profile.name()
                    ),
                );
            }
            if !dbs.iter().any(DatabaseFacts::replicated) {
                return;
            }
        } else {
            // Unstated databases: the containers present are still judged for what they are.
            if f.container(ContainerRole::Litestream).is_some() && f.container(ContainerRole::RestoreDb).is_none() {
                j.fail(&f.name.at, "a litestream sidecar replicates, but no restore-db init container restores first");
            }
            for (role, want) in
                [(ContainerRole::RestoreDb, Lifecycle::Init), (ContainerRole::Litestream, Lifecycle::Sidecar)]
            {
                if let Some(c) = f.container(role) {
                    runs_as(c, want, j);
                }
            }
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
            None => j.fail(&f.durability_at, "databases are declared but there is no restore-db init container"),
        }
        match f.container(ContainerRole::Litestream) {
            Some(c) => {
                runs_as(c, Lifecycle::Sidecar, j);
                if !c.ports.iter().any(|(n, p)| n.as_deref() == Some(METRICS_PORT_NAME) && *p == METRICS_PORT) {
                    j.fail(
                        &c.name.at,
                        format!(
                            "the litestream sidecar does not declare port {METRICS_PORT} named `{METRICS_PORT_NAME}`"
                        ),
                    );
                }
            }
            None => j.fail(&f.durability_at, "databases are declared but there is no litestream sidecar"),
        }
    }),
    cel: Some(dur_2_cel),
};

pub const DUR_3: Rule = Rule {
    id: RuleId::Dur3,
    title: "A synced config directory lies in a writable mount of the main container, and gets a `restore-config` init container and a `config-syncer` native sidecar that excludes every database file and its -wal, -shm and litestream companions, with rclone glob patterns.",
    rationale: "The config directory is restored before the app starts and pushed after every change, so a lost volume costs at most the last few seconds of configuration. The directory is judged by its normalized path: `/config/../etc` is `/etc`, outside a `/config` volume. The syncer never uploads a live database (an inconsistent copy), which Litestream protects instead.",
    severity: Severity::High,
    stages: &[Compile, Construction, EndToEnd],
    hint: Hint {
        dsl: "sync a directory inside a writable volume of the app (`config_sync = \"/config\"` with `pvc(config, mount = \"/config\", ...)`)",
        builder: "sync a directory inside a writable volume added with `.volume(...)`",
        data: "set `configSync.dir` to a directory inside a writable mount of `volumes`",
        manifest: "add the restore-config init container and the config-syncer native sidecar, both mounting the config directory",
    },
    check: Some(|f, j| {
        for c in &f.containers {
            let line = c.command_line.value.join(" ");
            if let Some(m) = patterns::regex_in_glob().find(&line) {
                j.fail(
                    &c.command_line.at,
                    format!(
                        "container `{}` gives rclone the filter `{}`, a regular expression: rclone reads filters as globs, so it matches none of the files meant (write a glob such as `*.db*`, or wrap a regular expression in `{{{{ }}}}`)",
                        c.name.value,
                        crate::names::printable(whole_flag(&line, m.start()))
                    ),
                );
            }
        }
        let Some(dir) = f.config_sync() else {
            if f.container(ContainerRole::ConfigSyncer).is_some() && f.container(ContainerRole::RestoreConfig).is_none()
            {
                j.fail(&f.name.at, "a config-syncer runs, but no restore-config init container restores first");
            }
            for role in [ContainerRole::RestoreConfig, ContainerRole::ConfigSyncer] {
                if let Some(c) = f.container(role) {
                    runs_as(c, role.lifecycle(), j);
                }
            }
            return;
        };
        if let Err(e) = path::normalize(&dir.value) {
            j.fail(
                &dir.at,
                format!("the synced directory `{}` is not a usable path: {e}", crate::names::printable(&dir.value)),
            );
            return;
        }
        if let Some(m) = patterns::unsafe_path_char().find(&dir.value) {
            j.fail(
                &dir.at,
                format!(
                    "the synced directory `{}` contains {:?}, a blank or shell metacharacter the restore and sync scripts would split on",
                    dir.value,
                    m.as_str()
                ),
            );
            return;
        }
        if let Some(main) = f.main() {
            match main.mount_of(&dir.value) {
                None => {
                    j.fail(
                        &dir.at,
                        format!("the synced directory {} is not inside a volume of the main container", dir.value),
                    );
                    return;
                }
                Some(m) if m.read_only => {
                    j.fail(
                        &dir.at,
                        format!(
                            "the synced directory {} is inside the read-only mount {}: it cannot be restored",
                            dir.value, m.path
                        ),
                    );
                    return;
                }
                Some(_) => {}
            }
        }
        for role in [ContainerRole::RestoreConfig, ContainerRole::ConfigSyncer] {
            match f.container(role) {
                Some(c) => {
                    runs_as(c, role.lifecycle(), j);
                    if !c.mounts_path(&dir.value) {
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
    id: RuleId::Dur4,
    title: "Every database path is absolute and lies inside a writable volume mounted, at the same path, by the main container, the restore-db init container and the litestream sidecar; a database is a file inside the volume, not the volume itself.",
    rationale: "A database the restore step cannot see is never restored, and one outside any volume dies with the container. Paths are judged normalized (`//`, `.`, `..` and a trailing `/` resolved), as the kernel resolves them.",
    severity: Severity::High,
    stages: &[Compile],
    hint: Hint {
        dsl: "put the database under the mount path of a writable volume of the app, e.g. `/config/app.db` with `pvc(config, mount = \"/config\", size = \"1Gi\")`",
        builder: "put the database under the mount path of a writable volume added with `.volume(...)`",
        data: "put each database's `path` under the `path` of a writable mount in `volumes`",
        manifest: "mount the database's volume at the same path in the app, restore-db and litestream",
    },
    check: Some(|f, j| {
        let Some(dbs) = stated_databases(f, j) else { return };
        for db in dbs {
            let path = &db.path.value;
            if let Some(e) = &db.path_error {
                j.fail(&db.path.at, format!("database path `{}` is not usable: {e}", crate::names::printable(path)));
                continue;
            }
            if let Some(m) = patterns::unsafe_path_char().find(path) {
                j.fail(&db.path.at, format!("database path `{path}` contains {:?}, a blank or shell metacharacter the restore scripts would split on", m.as_str()));
                continue;
            }
            let Some(main) = f.main() else { continue };
            // Outside the main container's volumes, nothing else can mount it: one error says it.
            let deepest = main.deepest_mounts(path);
            if deepest.is_empty() {
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
            if db.replicated() || db.profile == BackupProfile::Ephemeral {
                who.extend(f.container(ContainerRole::RestoreDb));
            }
            if db.replicated() {
                who.extend(f.container(ContainerRole::Litestream));
            }
            for mm in deepest {
                if mm.path == *path {
                    j.fail(&db.path.at, format!("database path `{path}` is the mount path of volume `{}`: a database is a file inside a volume", mm.volume));
                    break;
                }
                if mm.read_only {
                    j.fail(
                        &db.path.at,
                        format!(
                            "database `{path}` is inside the read-only mount {}: it cannot be written or restored",
                            mm.path
                        ),
                    );
                    break;
                }
                for c in &who {
                    let theirs = c.deepest_mounts(path);
                    if theirs.is_empty() {
                        j.fail(
                            &db.path.at,
                            format!("database `{path}` is not inside a volume mounted by container `{}`", c.name.value),
                        );
                    } else if !theirs.iter().any(|m| m.volume == mm.volume && m.path == mm.path) {
                        j.fail(
                            &db.path.at,
                            format!(
                                "container `{}` does not mount volume `{}` at {} like the main container",
                                c.name.value, mm.volume, mm.path
                            ),
                        );
                    }
                }
            }
        }
    }),
    cel: Some(dur_4_cel),
};

/// SQLite's companion files of a database (`-wal`, `-shm`, `-journal`).
pub const COMPANION_SUFFIXES: [&str; 3] = ["-wal", "-shm", "-journal"];

/// Litestream v0.5's state directory of a database: `.<file>-litestream` beside it.
pub fn litestream_dir(db: &str) -> String {
    let (dir, file) = db.rsplit_once('/').unwrap_or(("", db));
    format!("{dir}/.{file}-litestream")
}

/// Whether the file `x` sits on a companion of the database `db`: its `-wal`, `-shm` or
/// `-journal`, or inside its Litestream directory.
pub fn on_companion(x: &str, db: &str) -> bool {
    let ld = litestream_dir(db);
    COMPANION_SUFFIXES.iter().any(|s| x == format!("{db}{s}")) || x == ld || x.starts_with(&format!("{ld}/"))
}

pub const DUR_5: Rule = Rule {
    id: RuleId::Dur5,
    title: "Each app replicates under its own S3 prefix (<bucket>/<namespace>/<app>/...); no two apps, no two databases, and no two pods share a replica path.",
    rationale: "Two writers on one replica path corrupt it. Names and paths are compared normalized, and a database may not sit on another's -wal, -shm, -journal or Litestream directory, nor under another's path (a file cannot be a folder).",
    severity: Severity::High,
    stages: &[Compile, Generator],
    hint: Hint {
        dsl: "give every database a distinct name and path; sync the config of several replicas from `workload = StatefulSet`",
        builder: "give every database a distinct name and path; sync the config of several replicas from `Workload::StatefulSet`",
        data: "give every database a distinct `name` and `path`; sync the config of several replicas from `\"workload\": \"StatefulSet\"`",
        manifest: "give every database its own replica path, and sync the config of several replicas from a StatefulSet, each pod under its own name",
    },
    check: Some(|f, j| {
        if let (Some(dir), Some(n)) = (f.config_sync(), f.replicas.value)
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
        let Some(dbs) = stated_databases(f, j) else { return };
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
                for (x, y) in [(a, b), (b, a)] {
                    if on_companion(&x.path.value, &y.path.value) {
                        j.fail(
                            &a.path.at,
                            format!("database {} sits on a companion file of database {}", x.path.value, y.path.value),
                        );
                    } else if path::is_strictly_under(&x.path.value, &y.path.value)
                        && !f.main().is_some_and(|m| m.mounts.iter().any(|mm| mm.path == y.path.value))
                    {
                        // (A database at a mount point is DUR-4's error, not a second one here.)
                        j.fail(
                            &a.path.at,
                            format!(
                                "database {} lies under {}, which is a database file, not a folder",
                                x.path.value, y.path.value
                            ),
                        );
                    }
                }
            }
        }
    }),
    cel: Some(dur_5_cel),
};

pub const DUR_6: Rule = Rule {
    id: RuleId::Dur6,
    title: "A replicated SQLite database has one writer: a workload with replicated databases has replicas: 1, and a Deployment strategy Recreate.",
    rationale: "Two pods replicating one database to one path corrupt the replica; a rolling update briefly runs two.",
    severity: Severity::High,
    stages: &[Compile],
    hint: Hint {
        dsl: "keep `replicas = 1` for an app with replicated databases",
        builder: "keep `.replicas(1)` for an app with replicated databases",
        data: "keep `\"replicas\": 1` for an app with replicated databases",
        manifest: "run one replica with strategy Recreate",
    },
    check: Some(|f, j| {
        if !matches!(f.kind, WorkloadKind::Deployment | WorkloadKind::StatefulSet) {
            return;
        }
        let replicated = match &f.durability {
            Stated::Yes(d) => d.value.databases.iter().any(DatabaseFacts::replicated),
            _ => f.container(ContainerRole::Litestream).is_some(),
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
                    f.strategy
                        .value
                        .as_deref()
                        .map_or("RollingUpdate (the default)".to_owned(), crate::names::printable)
                ),
            );
        }
    }),
    cel: Some(dur_6_cel),
};

/// Whether an environment variable with this name and literal value holds a credential: a
/// credential's name with a value that could be a secret, or a value that is a credential
/// whatever its name (a URL with a password, a token format, a private key). A `*_FILE` path, a
/// `$(VAR)` reference or a URL without credentials is not one.
pub fn is_credential(name: &str, value: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    (patterns::credential_name().is_match(&upper)
        && !patterns::not_credential_name().is_match(&upper)
        && !patterns::not_secret_value().is_match(value))
        || patterns::credential_value().is_match(value)
}

/// Whether a command line passes a credential's value (`--password=...`, a URL with a password,
/// a token).
pub fn command_line_credential(line: &str) -> bool {
    patterns::credential_flag().is_match(&line.to_ascii_lowercase()) || patterns::credential_value().is_match(line)
}

pub const DUR_7: Rule = Rule {
    id: RuleId::Dur7,
    title: "Credentials reach the pod only from a Secret (the one an InfisicalSecret manages); no credential value appears in a manifest.",
    rationale: "A manifest is in git, in every clone and every CI log. Credentials are recognized by their name (a password, token, secret or key, not a path to one, an endpoint or a username) together with their value, and by their value alone (a URL with a password, a token format, a private key), in environment variables and on the command line.",
    severity: Severity::High,
    stages: &[Compile, Construction],
    hint: Hint {
        dsl: "reference the value with `secret(\"KEY\")`: it comes from the app's Infisical-managed Secret",
        builder: "use `.secret_env(\"NAME\", \"KEY\")`: the value comes from the app's Infisical-managed Secret",
        data: "write the value as `{\"secret\": \"KEY\"}`: it comes from the app's Infisical-managed Secret",
        manifest: "read the value from a Secret (valueFrom.secretKeyRef), filled by an InfisicalSecret",
    },
    check: Some(|f, j| {
        for c in &f.containers {
            for e in &c.env.value {
                if let EnvValueFacts::Literal(v) = &e.value
                    && is_credential(&e.name, v)
                {
                    j.fail(
                        &e.at,
                        format!(
                            "container `{}` sets credential `{}` to a literal value",
                            c.name.value,
                            crate::names::printable(&e.name)
                        ),
                    );
                }
            }
            if command_line_credential(&c.command_line.value.join(" ")) {
                j.fail(
                    &c.command_line.at,
                    format!("the command line of container `{}` carries a credential", c.name.value),
                );
            }
        }
    }),
    cel: Some(dur_7_cel),
};

/// The shell idiom DUR-8 rejects, re-exported for the tests of the generated scripts.
pub const SWALLOWED_ERRORS_RE: &str = patterns::SWALLOWED_ERRORS;

pub const DUR_8: Rule = Rule {
    id: RuleId::Dur8,
    title: "Nothing is lost on a failed start: no replica → fresh start; unreadable replica → the init step fails; the config-syncer never deletes remote objects because the local side is empty or half-restored.",
    rationale: "An init step that swallows its error (`|| true`) starts the app on an empty volume, and the syncer then replicates the emptiness over the good copy.",
    severity: Severity::High,
    stages: &[Construction, EndToEnd],
    hint: Hint {
        dsl: "the generator writes the restore steps; nothing to declare",
        builder: "the generator writes the restore steps; nothing to declare",
        data: "the generator writes the restore steps; nothing to declare",
        manifest: "let restore steps fail when S3 cannot be read: never `|| true`",
    },
    check: Some(|f, j| {
        for c in
            f.containers.iter().filter(|c| matches!(c.role, ContainerRole::RestoreConfig | ContainerRole::RestoreDb))
        {
            let line = c.command_line.value.join(" ");
            if patterns::swallowed_errors().is_match(&line) {
                j.fail(
                    &c.command_line.at,
                    format!("{} swallows its errors (`|| true`): the app would start on an empty volume", c.name.value),
                );
            }
        }
    }),
    cel: Some(dur_8_cel),
};

pub const DUR_9: Rule = Rule {
    id: RuleId::Dur9,
    title: "No container installs software at start (a package manager, a language installer, a download piped to a shell): images are pinned and already contain their tools.",
    rationale: "An install at start needs the network to start, and installs whatever version the mirror has that day. The command line is read as shell: any package manager's install in any flag order, anywhere in a script.",
    severity: Severity::High,
    stages: &[Compile],
    hint: Hint {
        dsl: "bake the tools into a pinned image instead of installing them at start in `command`/`args`",
        builder: "bake the tools into a pinned image instead of installing them at start in `.command(...)`/`.args(...)`",
        data: "bake the tools into a pinned image instead of installing them at start in `command`/`args`",
        manifest: "bake the tools into a pinned image instead of installing them at every start",
    },
    check: Some(|f, j| {
        for c in &f.containers {
            if let Some(cmd) = patterns::find_install(&c.command_line.value.join(" ")) {
                j.fail(
                    &c.command_line.at,
                    format!("container `{}` runs `{}` at start", c.name.value, crate::names::printable(&cmd)),
                );
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
    let key = annotation("durability");
    vec![cel(
        format!(
            "'{key}' in variables.annotations ? (variables.stated && !(variables.durability.trim() == 'stateless' && size(variables.tokens) > 1)) : variables.containers.exists(c, c.name in {})",
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
                "variables.stated || ((!{} || {}) && (!{} || {}))",
                exists(restore),
                runs_as_cel(restore, Lifecycle::Init),
                exists(litestream),
                runs_as_cel(litestream, Lifecycle::Sidecar)
            ),
            "restore-db is an init container and litestream a native sidecar (restartPolicy: Always)",
        ),
        cel(
            "variables.dbs.all(t, t.startsWith('sqlite:') || t.endsWith('@Ephemeral'))",
            "a database with a profile other than Ephemeral is SQLite, the only format Litestream replicates",
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
                "!variables.stated || !variables.replicated || ({} && has({l}.ports) && {l}.ports.exists(p, has(p.name) && p.name == '{METRICS_PORT_NAME}' && p.containerPort == {METRICS_PORT}))",
                runs_as_cel(litestream, Lifecycle::Sidecar),
                l = first(litestream),
            ),
            concat!(
                "each database is replicated by a litestream native sidecar (restartPolicy: Always) serving metrics on port ",
                crate::platform::metrics_port!(),
                " named `",
                crate::platform::metrics_port_name!(),
                "`"
            ),
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
            format!(
                "variables.containers.all(c, !{}.matches({}))",
                command_line("c"),
                cel_string(patterns::REGEX_IN_GLOB)
            ),
            "rclone filters are globs, not regular expressions",
        ),
        cel(
            format!("size(variables.configs) > 0 || !({} && !{})", exists(syncer), exists(restore)),
            "a config-syncer runs, but no restore-config init container restores first",
        ),
        cel(
            format!(
                "size(variables.configs) > 0 || ((!{} || {}) && (!{} || {}))",
                exists(restore),
                runs_as_cel(restore, Lifecycle::Init),
                exists(syncer),
                runs_as_cel(syncer, Lifecycle::Sidecar)
            ),
            "restore-config is an init container and config-syncer a native sidecar (restartPolicy: Always)",
        ),
        cel(
            format!(
                "size(variables.configs) == 0 || ((size(variables.mains) == 0 || ({} && !{})) && {} && {})",
                c::mounts_path(MAIN, dir),
                c::deepest_mount_read_only(MAIN, dir),
                synced(restore, Lifecycle::Init),
                synced(syncer, Lifecycle::Sidecar)
            ),
            "a synced config directory lies in a writable volume of the app, restored by a restore-config init container and kept by a config-syncer native sidecar, both mounting it",
        ),
    ]
}

fn dur_4_cel() -> Vec<Cel> {
    let (restore, litestream) = (name_of(ContainerRole::RestoreDb), name_of(ContainerRole::Litestream));
    let p = db_path("t");
    let mounted_by = |name: &str| format!("(!{} || {})", exists(name), c::mounts_path(&first(name), &p));
    let longest = c::deepest_mounts(MAIN, &p);
    vec![cel(
        format!(
            "variables.dbs.all(t, {p}.startsWith('/') && !{p}.matches({}) && (size(variables.mains) == 0 || ({} && {longest}.all(m, m.mountPath != {p} && !(has(m.readOnly) && m.readOnly)) && {} && (!(t.startsWith('sqlite:') && !t.endsWith('@Ephemeral')) || {}) && {longest}.all(m, variables.containers.filter(c, c.name in ['{restore}', '{litestream}']).all(c, has(c.volumeMounts) && {theirs}.exists(x, x.name == m.name && x.mountPath == m.mountPath))))))",
            cel_string(patterns::UNSAFE_PATH_CHAR),
            c::mounts_path(MAIN, &p),
            mounted_by(restore),
            mounted_by(litestream),
            theirs = c::deepest_mounts("c", &p),
        ),
        "every database path is absolute and lies in a writable volume mounted at the same path by the app, restore-db and litestream",
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
                "variables.dbs.all(t, size(variables.dbs.filter(u, {} == {})) == 1 && size(variables.dbs.filter(u, {} == {})) == 1 && !variables.dbs.exists(u, {} || ({}.startsWith({} + '/') && !(size(variables.mains) > 0 && has({MAIN}.volumeMounts) && {MAIN}.volumeMounts.exists(m, m.mountPath == {})))))",
                db_name("u"),
                db_name("t"),
                db_path("u"),
                db_path("t"),
                c::on_companion(&db_path("t"), &db_path("u"), COMPANION_SUFFIXES),
                db_path("t"),
                db_path("u"),
                db_path("u"),
            ),
            "no two databases share a name or a path (and so a replica path), and none lies under another",
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
    let credential = format!(
        "((e.name.upperAscii().matches({}) && !e.name.upperAscii().matches({}) && !(has(e.value) ? e.value : '').matches({})) || (has(e.value) ? e.value : '').matches({}))",
        cel_string(patterns::CREDENTIAL_NAME),
        cel_string(patterns::NOT_CREDENTIAL_NAME),
        cel_string(patterns::NOT_SECRET_VALUE),
        cel_string(patterns::CREDENTIAL_VALUE),
    );
    vec![
        cel(
            format!("variables.containers.all(c, !has(c.env) || c.env.all(e, has(e.valueFrom) || !{credential}))"),
            "no credential is written as a literal value: it comes from a Secret",
        ),
        cel(
            format!(
                "variables.containers.all(c, !{}.lowerAscii().matches({}) && !{}.matches({}))",
                command_line("c"),
                cel_string(patterns::CREDENTIAL_FLAG),
                command_line("c"),
                cel_string(patterns::CREDENTIAL_VALUE),
            ),
            "no credential is passed on a command line",
        ),
    ]
}

fn dur_8_cel() -> Vec<Cel> {
    vec![cel(
        format!(
            "variables.containers.filter(c, c.name in {}).all(c, !{}.matches({}))",
            c::strings([name_of(ContainerRole::RestoreConfig), name_of(ContainerRole::RestoreDb)]),
            command_line("c"),
            cel_string(patterns::SWALLOWED_ERRORS),
        ),
        "restore steps never swallow their errors (`|| true`)",
    )]
}

fn dur_9_cel() -> Vec<Cel> {
    vec![cel(
        format!("variables.containers.all(c, !{}.matches({}))", command_line("c"), cel_string(patterns::INSTALL)),
        "no container installs software at start",
    )]
}
