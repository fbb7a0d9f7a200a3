//! The one table of what `#[elite(...)]` accepts: every key, its shape, whether it may repeat,
//! where it lands in the data model, and an example. Unknown keys, keys in the wrong shape and
//! keys given twice are judged from this table alone; each key is then read by an explicit arm
//! (no catch-all), so a key that is accepted always changes the output.

/// A top-level key of `#[elite(...)]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Name,
    Category,
    Namespace,
    Role,
    Size,
    Priority,
    Runtime,
    Image,
    Command,
    Args,
    Port,
    Liveness,
    Readiness,
    Startup,
    Ingress,
    Pvc,
    Nfs,
    EmptyDir,
    Mount,
    Env,
    Stateless,
    Sqlite,
    Bbolt,
    ConfigSync,
    Replicas,
    Ha,
    Workload,
    RunAsUser,
    Exception,
    Egress,
    AllowFrom,
    Api,
    Environments,
}

/// How a key is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `key = value`.
    Assign,
    /// `key(...)`.
    Group,
    /// `key` alone, or `key = true|false`.
    Flag,
    /// `key = value` or `key(...)`.
    AssignOrGroup,
}

/// One row of the table.
pub struct KeyDef {
    pub key: Key,
    pub name: &'static str,
    pub shape: Shape,
    pub repeatable: bool,
    /// Where the key lands in the data model (a JSON Pointer).
    pub pointer: &'static str,
    pub example: &'static str,
}

macro_rules! keys {
    ($($key:ident $name:literal $shape:ident $rep:literal $ptr:literal $ex:literal;)+) => {
        /// Every key, in documentation order.
        pub const KEYS: &[KeyDef] = &[$(KeyDef { key: Key::$key, name: $name, shape: Shape::$shape, repeatable: $rep, pointer: $ptr, example: $ex }),+];
    };
}

keys! {
    Name "name" Assign false "/name" "name = \"adguard-home\"";
    Category "category" Assign false "/category" "category = Media";
    Namespace "namespace" Assign false "/namespace" "namespace = \"dns\"";
    Role "role" Assign false "/role" "role = MissionCritical";
    Size "size" Assign false "/size" "size = Small";
    Priority "priority" Assign false "/priority" "priority = High";
    Runtime "runtime" Assign false "/runtime" "runtime = Go";
    Image "image" Assign false "/image" "image = \"repo/app:1.2.3\"";
    Command "command" Assign false "/command" "command = [\"/app\"]";
    Args "args" Assign false "/args" "args = [\"--port=8080\"]";
    Port "port" Group true "/ports" "port(http = 8080)";
    Liveness "liveness" Group false "/probes/liveness" "liveness(http = \"/health\", port = http)";
    Readiness "readiness" Group false "/probes/readiness" "readiness(http = \"/ready\", port = http)";
    Startup "startup" Group false "/probes/startup" "startup(http = \"/ping\", port = http, period = 10, failure_threshold = 18)";
    Ingress "ingress" Group false "/ingress" "ingress(port = http)";
    Pvc "pvc" Group true "/volumes" "pvc(config, mount = \"/config\", size = \"1Gi\")";
    Nfs "nfs" Group true "/volumes" "nfs(media, mount = \"/media\", server = \"nas\", path = \"/export\")";
    EmptyDir "empty_dir" Group true "/volumes" "empty_dir(cache, mount = \"/cache\")";
    Mount "mount" Group true "/volumes" "mount(config, path = \"/app/settings.json\", sub_path = \"settings.json\")";
    Env "env" Group true "/env" "env(TZ = \"Europe/Paris\", API_KEY = secret(\"API_KEY\"))";
    Stateless "stateless" Assign false "/durability/stateless" "stateless = \"why\"";
    Sqlite "sqlite" Group true "/durability/databases" "sqlite(db, path = \"/config/app.db\", profile = Standard)";
    Bbolt "bbolt" Group true "/durability/databases" "bbolt(stats, path = \"/data/stats.db\", profile = Ephemeral)";
    ConfigSync "config_sync" AssignOrGroup false "/durability/configSync" "config_sync = \"/config\"";
    Replicas "replicas" Assign false "/replicas" "replicas = 2";
    Ha "ha" Flag false "/ha" "ha";
    Workload "workload" Assign false "/workload" "workload = StatefulSet";
    RunAsUser "run_as_user" Assign false "/runAsUser" "run_as_user = 1000";
    Exception "exception" Group true "/exceptions" "exception(run_as_root = \"why\")";
    Egress "egress" Assign false "/egress" "egress = [\"internet:443\", \"infra/minio:9000\"]";
    AllowFrom "allow_from" Assign false "/allowFrom" "allow_from = [\"media/prowlarr\"]";
    Api "api" Group false "/api" "api(read = [\"services\", \"ingresses.networking.k8s.io\"])";
    Environments "environments" Assign false "/environments" "environments = [Dev, Prod]";
}

/// The row of `name`.
pub fn find(name: &str) -> Option<&'static KeyDef> {
    KEYS.iter().find(|k| k.name == name)
}

/// The row of `key`.
pub fn def(key: Key) -> &'static KeyDef {
    KEYS.iter().find(|k| k.key == key).unwrap_or(&KEYS[0])
}

/// Every key name.
pub fn names() -> impl Iterator<Item = &'static str> {
    KEYS.iter().map(|k| k.name)
}

/// The options of a probe group.
pub const PROBE_KEYS: &[&str] =
    &["http", "tcp", "exec", "port", "initial_delay", "period", "timeout", "failure_threshold"];
/// The options of an ingress group.
pub const INGRESS_KEYS: &[&str] = &["port", "subdomain"];
/// The options of a database group (after its name).
pub const DATABASE_KEYS: &[&str] = &["path", "profile"];
/// The options of a `config_sync(...)` group.
pub const CONFIG_SYNC_KEYS: &[&str] = &["dir", "exclude"];
/// The options of `size = Custom(...)`.
pub const CUSTOM_SIZE_KEYS: &[&str] = &["cpu_request", "cpu_limit", "memory", "memory_request", "memory_limit"];
/// The options of `api(...)`.
pub const API_KEYS: &[&str] = &["read"];
/// The options of `mount(...)` (after the volume's name).
pub const EXTRA_MOUNT_KEYS: &[&str] = &["path", "sub_path", "read_only"];

/// The options of a volume group of `kind`, mounts included.
pub fn volume_keys(kind: Key) -> &'static [&'static str] {
    match kind {
        Key::Pvc => &["mount", "sub_path", "read_only", "size", "storage_class"],
        Key::Nfs => &["mount", "sub_path", "read_only", "server", "path"],
        _ => &["mount", "sub_path", "read_only", "size_limit"],
    }
}

#[cfg(test)]
mod tests {
    /// The documentation of `#[elite]` (in `lib.rs`) shows every key of the table.
    #[test]
    fn every_key_is_documented() {
        let doc = include_str!("lib.rs");
        for k in super::KEYS {
            assert!(doc.contains(&format!("| `{}`", k.name)), "`{}` is not in the table of lib.rs", k.name);
            assert!(super::find(k.name).is_some_and(|d| d.key == k.key));
        }
    }
}
