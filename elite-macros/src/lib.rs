//! `#[elite(...)]`: declares an Elite app and checks it against every rule of the standard at
//! compile time.
//!
//! The macro reads the attribute into an [`elite_core::AppSpec`], runs the rule catalog of
//! `elite-core` on it (the same catalog the generator, the audit and the Kyverno policies use),
//! and reports every violation as a compile error on the attribute value at fault, with the rule
//! id, what was found, what is allowed and a hint. A compliant struct gets an
//! [`elite_core::Elite`] implementation and is registered with the generator: declaring it in the
//! `apps` crate is all it takes for `cargo run` to generate it.

mod diagnostics;
mod expand;
mod keys;
mod modules;
mod read;
#[cfg(test)]
mod roundtrip;
mod spans;
mod syntax;

use proc_macro::TokenStream;

/// Declares an Elite app. Keys may come in any order; each takes one of the forms below.
///
/// ```
/// use elite_macros::elite;
///
/// #[elite(
///     category = Media, size = Medium, priority = High, runtime = DotNet,
///     image = "ghcr.io/linuxserver/sonarr:version-4.0.16.2944",
///     port(http = 8989),
///     liveness(http = "/ping", port = http, period = 20),
///     readiness(http = "/ping", port = http),
///     startup(http = "/ping", port = http, period = 10, failure_threshold = 18),
///     ingress(port = http),
///     pvc(config, mount = "/config", size = "1Gi"),
///     env(TZ = "Europe/Paris", SONARR__API_KEY = secret("API_KEY")),
///     sqlite(sonarr, path = "/config/sonarr.db", profile = Standard),
///     sqlite(logs, path = "/config/logs.db", profile = Ephemeral),
///     config_sync(dir = "/config", exclude = ["*.log", "/MediaCover/**"]),
/// )]
/// pub struct Sonarr;
///
/// use elite_core::Elite;
/// assert_eq!(Sonarr::spec().name, "sonarr");
/// ```
///
/// # Identity
///
/// | key | example | meaning |
/// |---|---|---|
/// | `name` | `name = "adguard-home"` | the app's name (DNS-1123 label, META-2); default: the struct's name in kebab-case (`ExternalDns` → `external-dns`) |
/// | `category` | `category = Media` | **required**: `Infra`, `Storage`, `Monitoring`, `Home`, `Media`, `Network`, `Services`, `Tools`; decides the folder (`apps/20-media/`) and the namespace |
/// | `namespace` | `namespace = "dns"` | the namespace; default: the category's name |
/// | `role` | `role = MissionCritical` | `CoreInfra`, `MissionCritical`, `Standard` (default); fixes the priority (PRIO-3) |
/// | `image` | `image = "vaultwarden/server:1.35.2"` | **required**: pinned by tag or digest (META-1) |
/// | `command` | `command = ["/app", "serve"]` | the entrypoint; nothing may install software at start (DUR-9) |
/// | `args` | `args = ["--source=ingress"]` | the entrypoint's arguments; no credential on the command line (DUR-7) |
/// | `runtime` | `runtime = Python` | **required**: `Go`, `Rust`, `Native`, `Node`, `Python`, `DotNet`, `Jvm`; the last three need a `startup` probe of at most 180 s (PROBE-3) |
///
/// # Resources and scheduling
///
/// | key | example | meaning |
/// |---|---|---|
/// | `size` | `size = Small` | **required**: `Micro`, `Small`, `Medium`, `Large`, or `Custom(cpu_request = "100m", cpu_limit = "800m", memory = "768Mi")` (any Kubernetes quantity: `"0.5"`, `"1.5Gi"`; CPU request 10–25% of the limit, SIZE-3; `memory_request`/`memory_limit` may be given apart, and must be equal, SIZE-2) |
/// | `priority` | `priority = High` | **required**: `Critical` (core-infra only) or `High`; `Medium` and `Low` are not Elite (PRIO-2) |
/// | `replicas` | `replicas = 2` | default 1; an app with replicated databases keeps 1 (DUR-6); several replicas sync their config only from a StatefulSet, each pod under its own name (DUR-5) |
/// | `ha` | `ha` (or `ha = true`) | highly available: at least 2 replicas, a PodDisruptionBudget, spread over nodes (HA-1) |
/// | `workload` | `workload = StatefulSet` | `Deployment` (default) or `StatefulSet` (its name at most 52 characters) |
/// | `environments` | `environments = [Prod]` | where the app is deployed; default `[Dev, Prod]` |
///
/// # Network
///
/// | key | example | meaning |
/// |---|---|---|
/// | `port` | `port(http = 8080, metrics = 9100)`, `port(dns = 53, udp)` | named ports of the main container (IANA names: at most 15 of `a-z0-9-`; `_` in a name becomes `-`); `udp` applies to the group |
/// | `liveness` | `liveness(http = "/health", port = http)` | the liveness probe: exactly one action, `http = "/path"` with `port = ...`, `tcp = <port>` or `exec = ["cmd", ...]`; options `initial_delay` (0), `period` (10), `timeout` (5), `failure_threshold` (3, and exactly 3 for liveness: PROBE-2), each at least 1 but the delay; the port must be declared (PROBE-4) |
/// | `readiness` | `readiness(tcp = 5432)` | the readiness probe, written like `liveness` |
/// | `startup` | `startup(exec = ["pg_isready"], period = 5, failure_threshold = 30)` | the startup probe, written like `liveness` |
/// | `ingress` | `ingress(port = http, subdomain = "vault")` | `<subdomain>.dev.<domain>` in dev, `<subdomain>.<domain>` in prod, TLS by cert-manager; `subdomain` defaults to the name |
///
/// # Volumes and environment
///
/// | key | example | meaning |
/// |---|---|---|
/// | `pvc` | `pvc(config, mount = "/config", size = "1Gi")` | a claim `<app>-<name>` (options `storage_class`, `sub_path`, `read_only`) |
/// | `nfs` | `nfs(media, mount = "/tv", server = "nas.lan", path = "/volume3/Content", sub_path = "TV Show")` | an NFS export (options `sub_path`, `read_only`) |
/// | `empty_dir` | `empty_dir(cache, mount = "/cache", size_limit = "512Mi")` | scratch space (options `sub_path`, `read_only`) |
/// | `mount` | `mount(config, path = "/app/settings.json", sub_path = "settings.json")` | one more mount of a declared volume (options `sub_path`, `read_only`) |
/// | `env` | `env(TZ = "Europe/Paris", ADMIN_TOKEN = secret("ADMIN_TOKEN"))` | a secret is only ever a reference to a key of the app's Infisical-managed Secret (DUR-7) |
///
/// # Durability (DUR-1: the databases and synced directory, or `stateless`, must be stated)
///
/// | key | example | meaning |
/// |---|---|---|
/// | `sqlite` | `sqlite(db, path = "/data/db.sqlite3", profile = Critical)` | a SQLite file, restored at start and replicated by Litestream; profiles `Critical`, `Standard`, `Relaxed`, `Ephemeral` (not replicated, deleted at start) |
/// | `bbolt` | `bbolt(stats, path = "/opt/adguardhome/work/data/stats.db", profile = Ephemeral)` | a bbolt (non-SQLite) file: never replicated, so only `Ephemeral` (DUR-2); kept out of the config sync |
/// | `config_sync` | `config_sync = "/config"`, `config_sync(dir = "/config", exclude = ["*.log"])` | a directory restored at start and kept in S3 by the config-syncer (rclone globs) |
/// | `stateless` | `stateless = "the DNS provider holds the state"` | no state to protect, and why |
///
/// # Security
///
/// | key | example | meaning |
/// |---|---|---|
/// | `run_as_user` | `run_as_user = 1000` | the UID and GID of the main container (default 1000) |
/// | `exception` | `exception(run_as_root = "s6-overlay drops privileges itself")`, `exception(writable_root = "why")` | a documented exception: `run_as_root` relaxes SEC-1/run-as-non-root and SEC-1/capabilities (the namespace runs at Pod Security baseline), `writable_root` relaxes SEC-3; each is written as a Kyverno PolicyException and listed in the conformity report |
/// | `egress` | `egress = ["internet:443", "10.0.0.0/8:53/udp", "media/prowlarr:9696"]` | where the app may connect, beyond DNS and (durable apps) S3: `internet` (not the private ranges), a network, or `<namespace>/<app>`, then optionally ports; its NetworkPolicy denies the rest |
/// | `allow_from` | `allow_from = ["media/sonarr", "192.168.1.0/24:53/udp,53"]` | who may connect, beyond the ingress controller (to the Ingress port) and Prometheus (to the metrics port) |
/// | `api` | `api(read = ["services", "ingresses.networking.k8s.io"])` | what the app reads from the Kubernetes API: a read-only ClusterRole, and only then its ServiceAccount token (SEC-4) |
///
/// # Errors
///
/// A declaration that breaks a rule does not compile. Each violation is reported on the tokens
/// that declared the offending key, and all of them are reported at once (violations at the same
/// tokens as one error). A key that does not read (a typo, a value of the wrong kind) is reported
/// alone: the rules judge a declaration only once it reads, so a typo never brings follow-on
/// errors about what it failed to declare.
///
/// ```text
/// error: [PRIO-2] priority is Medium (vixens-medium); an Elite app must use vixens-critical or vixens-high
///          = rule PRIO-2: An Elite app uses vixens-critical or vixens-high.
///          = help: Elite apps run at `priority = High` (...) or `priority = Critical` (core-infra)
///  --> src/media.rs:4:16
///   |
/// 4 |     priority = Medium,
///   |                ^^^^^^
/// ```
#[proc_macro_attribute]
pub fn elite(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(args as syntax::Args);
    let item = syn::parse_macro_input!(item as syn::ItemStruct);
    expand::elite(args, item).into()
}

/// Declares, as `pub mod`, every module of the calling crate's `src/` folder: `<name>.rs` (but
/// `lib.rs` and `main.rs`) and `<name>/mod.rs`. Apps declared in a new file are then picked up
/// with no list to update; a file whose name cannot be a module is a compile error naming it.
/// Pair it with a build script that prints `cargo::rerun-if-changed=src`, so an added file
/// rebuilds the crate.
///
/// `modules!(mod name = "folder")` declares the modules of another folder (relative to the
/// calling crate's `Cargo.toml`) inside `pub mod name`: how a second crate compiles the modules of
/// a binary crate, which it cannot depend on (its build script then watches that folder).
///
/// ```ignore
/// elite_macros::modules!();
/// elite_macros::modules!(mod apps = "../apps/src");
/// ```
#[proc_macro]
pub fn modules(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as modules::Input);
    modules::expand(input).into()
}
