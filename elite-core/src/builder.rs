//! A builder for tools that declare apps at run time; `build` runs the same rule catalog as
//! `#[elite]`.

use crate::model::*;
use crate::rules::{Violation, check_app};

/// Builds an [`AppSpec`] step by step. Defaults: role Standard, size Small, priority High,
/// runtime Go, stateless durability must still be stated (DUR-1), one replica, a Deployment.
#[derive(Clone, Debug)]
pub struct AppBuilder {
    spec: AppSpec,
    durability_set: bool,
}

impl AppBuilder {
    /// Starts an app named `name` in `category`, running `image`.
    pub fn new(name: impl Into<String>, category: Category, image: impl Into<String>) -> Self {
        AppBuilder { spec: AppSpec::new(name, category, image), durability_set: false }
    }
    /// Sets the namespace (the category's name by default).
    pub fn namespace(mut self, ns: impl Into<String>) -> Self {
        self.spec.namespace = Some(ns.into());
        self
    }
    pub fn role(mut self, role: Role) -> Self {
        self.spec.role = role;
        self
    }
    pub fn size(mut self, size: Size) -> Self {
        self.spec.size = size;
        self
    }
    pub fn priority(mut self, p: Priority) -> Self {
        self.spec.priority = p;
        self
    }
    pub fn runtime(mut self, r: Runtime) -> Self {
        self.spec.runtime = r;
        self
    }
    /// Overrides the image entrypoint.
    pub fn command<S: Into<String>>(mut self, cmd: impl IntoIterator<Item = S>) -> Self {
        self.spec.command = cmd.into_iter().map(Into::into).collect();
        self
    }
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
    pub fn liveness(mut self, p: Probe) -> Self {
        self.spec.probes.liveness = Some(p);
        self
    }
    pub fn readiness(mut self, p: Probe) -> Self {
        self.spec.probes.readiness = Some(p);
        self
    }
    pub fn startup(mut self, p: Probe) -> Self {
        self.spec.probes.startup = Some(p);
        self
    }
    /// Routes `<subdomain>.[dev.]<domain>` to the Service port named `port`.
    pub fn ingress(mut self, subdomain: impl Into<String>, port: impl Into<String>) -> Self {
        self.spec.ingress = Some(Ingress { subdomain: subdomain.into(), port: port.into() });
        self
    }
    /// Adds a volume mounted by the main container.
    pub fn volume(mut self, name: impl Into<String>, mount_path: impl Into<String>, source: VolumeSource) -> Self {
        self.spec.volumes.push(Volume {
            name: name.into(),
            mount_path: mount_path.into(),
            sub_path: None,
            read_only: false,
            source,
        });
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
        self.spec.env.push(EnvVar { name: name.into(), value: EnvValue::Secret(SecretKey { key: key.into() }) });
        self
    }
    /// Declares the app stateless, with the reason.
    pub fn stateless(mut self, reason: impl Into<String>) -> Self {
        self.spec.durability = Durability::Stateless { reason: reason.into() };
        self.durability_set = true;
        self
    }
    /// Declares a database file.
    pub fn database(
        mut self,
        name: impl Into<String>,
        path: impl Into<String>,
        format: DbFormat,
        profile: BackupProfile,
    ) -> Self {
        let db = Database { name: name.into(), path: path.into(), format, profile };
        self.stateful().0.push(db);
        self
    }
    /// Declares the config directory synced to S3.
    pub fn config_sync(mut self, dir: impl Into<String>, exclude: Vec<String>) -> Self {
        *self.stateful().1 = Some(ConfigSync { dir: dir.into(), exclude });
        self
    }
    fn stateful(&mut self) -> (&mut Vec<Database>, &mut Option<ConfigSync>) {
        self.durability_set = true;
        if matches!(self.spec.durability, Durability::Stateless { .. }) {
            self.spec.durability = Durability::Stateful { databases: Vec::new(), config_sync: None };
        }
        match &mut self.spec.durability {
            Durability::Stateful { databases, config_sync } => (databases, config_sync),
            Durability::Stateless { .. } => unreachable!(),
        }
    }
    pub fn replicas(mut self, n: u16) -> Self {
        self.spec.replicas = n;
        self
    }
    /// Declares the app highly available (HA-1).
    pub fn ha(mut self) -> Self {
        self.spec.ha = true;
        self
    }
    pub fn workload(mut self, kind: WorkloadKind) -> Self {
        self.spec.workload = kind;
        self
    }
    pub fn run_as_user(mut self, uid: u32) -> Self {
        self.spec.run_as_user = uid;
        self
    }
    /// Documents an exception to the security baseline.
    pub fn exception(mut self, kind: ExceptionKind, reason: impl Into<String>) -> Self {
        self.spec.exceptions.push(SecurityException { kind, reason: reason.into() });
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
    /// Checks the app against the whole catalog: every violation, or the spec.
    pub fn build(self) -> Result<AppSpec, Vec<Violation>> {
        let mut v = check_app(&self.spec);
        if !self.durability_set {
            v.insert(
                0,
                Violation {
                    rule: "DUR-1",
                    at: crate::facts::Loc::new("durability"),
                    message: "durability is not stated: declare databases, a synced config directory, or stateless"
                        .into(),
                    hint: crate::rules::rule("DUR-1").map_or("", |r| r.hint),
                },
            );
        }
        if v.is_empty() { Ok(self.spec) } else { Err(v) }
    }
}
