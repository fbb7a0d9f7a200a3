//! A builder for tools that declare apps at run time. It records exactly what it is told (no
//! silent default for what the standard needs stated) and [`AppBuilder::build`] runs the same
//! catalog as `#[elite]`, with hints phrased for the builder.
//!
//! ```
//! use elite_core::*;
//!
//! let app = AppBuilder::new("whoami", Category::Tools, "traefik/whoami:v1.10.1")
//!     .size(Size::Small)
//!     .priority(Priority::High)
//!     .runtime(Runtime::Go)
//!     .port("http", 80)
//!     .liveness(Probe::http("/health", "http"))
//!     .readiness(Probe::http("/health", "http"))
//!     .stateless("answers requests, keeps nothing")
//!     .build()?;
//! assert_eq!(app.namespace(), "tools");
//!
//! // A broken rule names its id and the field, with a hint in builder terms.
//! let err = AppBuilder::new("whoami", Category::Tools, "traefik/whoami:latest").build().unwrap_err();
//! assert!(err.rule_ids().contains(&RuleId::Meta1));
//! assert!(err.0.iter().any(|v| v.at.as_str() == "/size" && v.hint().contains(".size(")));
//! # Ok::<(), Violations>(())
//! ```

use crate::model::*;
use crate::rules::{Door, Violations, check_app};

/// Builds an [`AppSpec`] step by step. What the standard requires stated (size, priority,
/// runtime, durability) stays unstated until a method states it, and [`build`](Self::build)
/// reports it.
#[derive(Clone, Debug)]
pub struct AppBuilder {
    spec: AppSpec,
    /// Mounts of volumes that were not added: reported by `build`.
    dangling: Vec<String>,
    /// Strings that did not parse (an access rule, an API resource): where, and why.
    invalid: Vec<(crate::Pointer, String)>,
}

impl AppBuilder {
    /// Starts an app named `name` in `category`, running `image`.
    pub fn new(name: impl Into<String>, category: Category, image: impl Into<String>) -> Self {
        AppBuilder { spec: AppSpec::new(name, category, image), dangling: Vec::new(), invalid: Vec::new() }
    }
    /// Starts from an existing spec (to change and re-check it).
    pub fn from_spec(spec: AppSpec) -> Self {
        AppBuilder { spec, dangling: Vec::new(), invalid: Vec::new() }
    }
    /// Sets the namespace (the category's lowercase name by default).
    pub fn namespace(mut self, ns: impl Into<String>) -> Self {
        self.spec.namespace = Some(ns.into());
        self
    }
    /// Sets the role (`Standard` by default); it fixes the priority (PRIO-3).
    pub fn role(mut self, role: Role) -> Self {
        self.spec.role = role;
        self
    }
    /// Sets the size of the main container (SIZE-1: required).
    pub fn size(mut self, size: Size) -> Self {
        self.spec.size = Some(size);
        self
    }
    /// Sets the priority class (PRIO-1, PRIO-2: required, `Critical` or `High`).
    pub fn priority(mut self, p: Priority) -> Self {
        self.spec.priority = Some(p);
        self
    }
    /// Sets the runtime of the main process (PROBE-3: required).
    pub fn runtime(mut self, r: Runtime) -> Self {
        self.spec.runtime = Some(r);
        self
    }
    /// Overrides the image entrypoint.
    pub fn command<S: Into<String>>(mut self, cmd: impl IntoIterator<Item = S>) -> Self {
        self.spec.command = cmd.into_iter().map(Into::into).collect();
        self
    }
    /// Sets the entrypoint's arguments.
    pub fn args<S: Into<String>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.spec.args = args.into_iter().map(Into::into).collect();
        self
    }
    /// Adds a TCP port.
    pub fn port(mut self, name: impl Into<String>, number: u16) -> Self {
        self.spec.ports.push(Port { name: name.into(), number, protocol: Protocol::Tcp });
        self
    }
    /// Adds a UDP port.
    pub fn udp_port(mut self, name: impl Into<String>, number: u16) -> Self {
        self.spec.ports.push(Port { name: name.into(), number, protocol: Protocol::Udp });
        self
    }
    /// Sets the liveness probe.
    pub fn liveness(mut self, p: Probe) -> Self {
        self.spec.probes.liveness = Some(p);
        self
    }
    /// Sets the readiness probe.
    pub fn readiness(mut self, p: Probe) -> Self {
        self.spec.probes.readiness = Some(p);
        self
    }
    /// Sets the startup probe.
    pub fn startup(mut self, p: Probe) -> Self {
        self.spec.probes.startup = Some(p);
        self
    }
    /// Routes `<subdomain>.[dev.]<domain>` to the port named `port`.
    pub fn ingress(mut self, subdomain: impl Into<String>, port: impl Into<String>) -> Self {
        self.spec.ingress = Some(Ingress { port: port.into(), subdomain: Some(subdomain.into()) });
        self
    }
    /// Adds a volume mounted read-write at `mount_path` by the main container.
    pub fn volume(mut self, name: impl Into<String>, mount_path: impl Into<String>, source: VolumeSource) -> Self {
        self.spec.volumes.push(Volume { name: name.into(), source, mounts: vec![Mount::at(mount_path)] });
        self
    }
    /// Adds one more mount of a volume added before (another path, a sub-path, read-only).
    /// A mount of a volume not yet added is kept aside and reported by `build`.
    pub fn mount(mut self, volume: &str, mount: Mount) -> Self {
        match self.spec.volumes.iter_mut().find(|v| v.name == volume) {
            Some(v) => v.mounts.push(mount),
            None => self.dangling.push(volume.to_owned()),
        }
        self
    }
    /// Adds a fully described volume.
    pub fn volume_spec(mut self, v: Volume) -> Self {
        self.spec.volumes.push(v);
        self
    }
    /// Adds a plain environment variable.
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.spec.env.push(EnvVar { name: name.into(), value: EnvValue::Plain(value.into()) });
        self
    }
    /// Adds an environment variable read from the app's Infisical-managed Secret.
    pub fn secret_env(mut self, name: impl Into<String>, key: impl Into<String>) -> Self {
        self.spec.env.push(EnvVar { name: name.into(), value: EnvValue::Secret(SecretKey { secret: key.into() }) });
        self
    }
    /// Declares the app stateless, with the reason (DUR-1). Stating state as well is a
    /// contradiction that `build` reports.
    pub fn stateless(mut self, reason: impl Into<String>) -> Self {
        self.spec.durability.stateless = Some(reason.into());
        self
    }
    /// Declares a database file with its format and backup profile.
    pub fn database(
        mut self,
        name: impl Into<String>,
        path: impl Into<String>,
        format: DbFormat,
        profile: BackupProfile,
    ) -> Self {
        self.spec.durability.databases.push(Database { name: name.into(), path: path.into(), format, profile });
        self
    }
    /// Declares the config directory synced to S3, with extra rclone glob patterns to leave out.
    pub fn config_sync<S: Into<String>>(
        mut self,
        dir: impl Into<String>,
        exclude: impl IntoIterator<Item = S>,
    ) -> Self {
        self.spec.durability.config_sync =
            Some(ConfigSync { dir: dir.into(), exclude: exclude.into_iter().map(Into::into).collect() });
        self
    }
    /// Sets the number of pods (1 by default).
    pub fn replicas(mut self, n: u16) -> Self {
        self.spec.replicas = n;
        self
    }
    /// Declares the app highly available (HA-1).
    pub fn ha(mut self) -> Self {
        self.spec.ha = true;
        self
    }
    /// Sets the workload kind (`Deployment` by default).
    pub fn workload(mut self, kind: Workload) -> Self {
        self.spec.workload = kind;
        self
    }
    /// Sets the UID and GID of the main container (1000 by default).
    pub fn run_as_user(mut self, uid: u32) -> Self {
        self.spec.run_as_user = uid;
        self
    }
    /// Documents an exception to the security baseline.
    pub fn exception(mut self, kind: ExceptionKind, reason: impl Into<String>) -> Self {
        self.spec.exceptions.push(SecurityException { kind, reason: reason.into() });
        self
    }
    /// Allows connections to a peer (`"internet:443"`, `"10.0.0.0/8"`, `"media/prowlarr:9696"`);
    /// a rule that does not parse is reported by `build`.
    pub fn egress(mut self, rule: &str) -> Self {
        let at = crate::pointer!("egress", self.spec.egress.len());
        match rule.parse() {
            Ok(a) => self.spec.egress.push(a),
            Err(e) => {
                self.invalid.push((at, format!("`{}` is not an access rule: {e}", crate::names::printable(rule))))
            }
        }
        self
    }
    /// Allows connections from a peer (written like [`egress`](Self::egress)).
    pub fn allow_from(mut self, rule: &str) -> Self {
        let at = crate::pointer!("allowFrom", self.spec.allow_from.len());
        match rule.parse() {
            Ok(a) => self.spec.allow_from.push(a),
            Err(e) => {
                self.invalid.push((at, format!("`{}` is not an access rule: {e}", crate::names::printable(rule))))
            }
        }
        self
    }
    /// Declares what the app reads from the Kubernetes API (`"services"`,
    /// `"ingresses.networking.k8s.io"`): a read-only ClusterRole, and its token mounted.
    pub fn api_read<S: AsRef<str>>(mut self, resources: impl IntoIterator<Item = S>) -> Self {
        let mut read = Vec::new();
        for (i, r) in resources.into_iter().enumerate() {
            match r.as_ref().parse() {
                Ok(x) => read.push(x),
                Err(e) => self.invalid.push((
                    crate::pointer!("api", "read", i),
                    format!("`{}` is not an API resource: {e}", crate::names::printable(r.as_ref())),
                )),
            }
        }
        if read.is_empty() {
            self.invalid.push((crate::pointer!("api"), "`api_read` names at least one resource".into()));
        }
        self.spec.api = Some(ApiAccess { read });
        self
    }
    /// Restricts the environments the app is deployed to.
    pub fn environments(mut self, envs: impl IntoIterator<Item = Environment>) -> Self {
        self.spec.environments = envs.into_iter().collect();
        self
    }
    /// The spec as declared so far, unchecked.
    pub fn spec(&self) -> &AppSpec {
        &self.spec
    }
    /// Checks the app against the whole catalog: the spec, or every violation (hints in
    /// builder terms).
    pub fn build(self) -> Result<AppSpec, Violations> {
        let mut v = check_app(&self.spec, Door::Builder);
        for name in &self.dangling {
            v.push(crate::rules::Violation {
                rule: crate::rules::RuleId::Decl,
                check: None,
                at: crate::pointer!("volumes"),
                message: format!("a mount of volume `{}`, which is not declared", crate::names::printable(name)),
                door: Door::Builder,
            });
        }
        for (at, message) in self.invalid {
            v.push(crate::rules::Violation {
                rule: crate::rules::RuleId::Decl,
                check: None,
                at,
                message,
                door: Door::Builder,
            });
        }
        if v.is_empty() { Ok(self.spec) } else { Err(Violations(v)) }
    }
}
