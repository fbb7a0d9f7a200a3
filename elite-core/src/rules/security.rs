//! SEC: security. SEC-1 is the Pod Security Standard "restricted" profile, all of it, each of its
//! controls a named part of the rule (`SEC-1/host-namespaces`); SEC-2 and SEC-3 keep root
//! filesystems read-only; SEC-4 keeps the API out of reach of apps that do not need it.
//!
//! A declared exception relaxes exactly the parts its kind names ([`ExceptionKind::relaxes`](crate::model::ExceptionKind::relaxes)),
//! on the main container only. A manifest's own claim relaxes nothing here: the audit suppresses
//! a finding only when the repository grants the exception (`audit::exceptions`).

use super::{Hint, Judgement, Rule, RuleId, Severity, Stage::*};
use crate::facts::{ContainerFacts, WorkloadFacts};
use crate::pod::ContainerRole;
use crate::rules::cel::{Cel, annotation, cel, cel_check, inherited_security, strings};

/// The named parts of SEC-1: the controls of Pod Security "restricted" (baseline included).
pub mod checks {
    /// `privileged: true`.
    pub const PRIVILEGED: &str = "privileged";
    /// `hostNetwork`, `hostPID`, `hostIPC`.
    pub const HOST_NAMESPACES: &str = "host-namespaces";
    /// `hostPath` volumes.
    pub const HOST_PATH: &str = "host-path";
    /// `hostPort`s.
    pub const HOST_PORTS: &str = "host-ports";
    /// Capabilities: drop ALL, add at most NET_BIND_SERVICE.
    pub const CAPABILITIES: &str = "capabilities";
    /// `procMount` other than Default.
    pub const PROC_MOUNT: &str = "proc-mount";
    /// Unsafe sysctls.
    pub const SYSCTLS: &str = "sysctls";
    /// SELinux type, user and role.
    pub const SELINUX: &str = "selinux";
    /// AppArmor profiles.
    pub const APPARMOR: &str = "apparmor";
    /// Seccomp profiles.
    pub const SECCOMP: &str = "seccomp";
    /// `allowPrivilegeEscalation`.
    pub const PRIVILEGE_ESCALATION: &str = "privilege-escalation";
    /// `runAsNonRoot`, `runAsUser: 0`.
    pub const RUN_AS_NON_ROOT: &str = "run-as-non-root";
    /// Volume types.
    pub const VOLUME_TYPES: &str = "volume-types";
    /// Windows host processes.
    pub const HOST_PROCESS: &str = "windows-host-process";
    /// Every named part, in the order Pod Security lists them.
    pub const ALL: [&str; 14] = [
        HOST_PROCESS,
        HOST_NAMESPACES,
        PRIVILEGED,
        CAPABILITIES,
        HOST_PATH,
        HOST_PORTS,
        APPARMOR,
        SELINUX,
        PROC_MOUNT,
        SECCOMP,
        SYSCTLS,
        VOLUME_TYPES,
        PRIVILEGE_ESCALATION,
        RUN_AS_NON_ROOT,
    ];
    /// The parts of SEC-4.
    pub const TOKEN: &str = "token";
    /// The parts of SEC-4.
    pub const SERVICE_ACCOUNT: &str = "service-account";
}
use checks::*;

/// The volume types "restricted" allows (a `hostPath` is judged by its own part).
pub const ALLOWED_VOLUME_TYPES: [&str; 8] =
    ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

/// The in-tree volume types it does not allow, besides `hostPath` (what the CEL checks for: the
/// complement of [`ALLOWED_VOLUME_TYPES`] among the types Kubernetes defines).
pub const DISALLOWED_VOLUME_TYPES: [&str; 20] = [
    "awsElasticBlockStore",
    "azureDisk",
    "azureFile",
    "cephfs",
    "cinder",
    "fc",
    "flexVolume",
    "flocker",
    "gcePersistentDisk",
    "gitRepo",
    "glusterfs",
    "iscsi",
    "nfs",
    "photonPersistentDisk",
    "portworxVolume",
    "quobyte",
    "rbd",
    "scaleIO",
    "storageos",
    "vsphereVolume",
];

/// The sysctls Pod Security considers safe.
pub const SAFE_SYSCTLS: [&str; 10] = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];

/// The SELinux types Pod Security allows (besides unset).
pub const SELINUX_TYPES: [&str; 4] = ["container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

/// The AppArmor and seccomp profile types allowed.
pub const PROFILE_TYPES: [&str; 2] = ["RuntimeDefault", "Localhost"];

/// The only capability a container may add.
pub const ADDABLE_CAPABILITY: &str = "NET_BIND_SERVICE";

/// The legacy per-container AppArmor annotation prefix.
pub const APPARMOR_ANNOTATION: &str = "container.apparmor.security.beta.kubernetes.io/";

/// Whether a declared exception relaxes `check` of `rule` for container `c` (the main container
/// only: the durability containers never need one).
fn relaxed(f: &WorkloadFacts, c: &ContainerFacts, rule: RuleId, check: Option<&str>) -> bool {
    c.role == ContainerRole::Main
        && c.lifecycle == crate::pod::Lifecycle::Regular
        && f.exceptions.iter().any(|e| e.value.0.relaxes_check(rule, check))
}

/// Fails the declared exceptions relaxing `rule` that give no reason.
fn reasons(f: &WorkloadFacts, j: &mut Judgement, rule: RuleId) {
    for e in &f.exceptions {
        let (kind, reason) = &e.value;
        if kind.relaxes().iter().any(|(r, _)| *r == rule) && reason.trim().is_empty() {
            j.fail(&e.at, format!("exception {} has no reason; exceptions must be documented", kind.as_str()));
        }
    }
}

fn profile_ok(p: &Option<String>) -> bool {
    p.as_deref().is_none_or(|t| PROFILE_TYPES.contains(&t))
}

fn selinux_ok(t: &Option<String>) -> bool {
    t.as_deref().is_none_or(|t| t.is_empty() || SELINUX_TYPES.contains(&t))
}

/// SEC-1: Pod Security "restricted", unless an exception is declared.
pub const SEC_1: Rule = Rule {
    id: RuleId::Sec1,
    title: "Pods meet the Pod Security Standard \"restricted\", each control a named part: no privileged container, host namespaces, hostPath, hostPort or Windows host process; capabilities drop ALL and add at most NET_BIND_SERVICE; default procMount; safe sysctls only; allowed SELinux types, AppArmor and seccomp profiles (seccomp RuntimeDefault or Localhost, set); allowPrivilegeEscalation: false; non-root; allowed volume types.",
    rationale: "The profile Kubernetes itself defines for hardened pods: a compromised app cannot reach its node. Each control is a named part (`SEC-1/host-namespaces`) so that an exception relaxes one control, never the whole profile: running as root (images built on s6-overlay) relaxes `run-as-non-root` and `capabilities` and nothing else. A declared exception is granted by the code review of its declaration and written as a Kyverno PolicyException; a manifest cannot grant itself one.",
    severity: Severity::High,
    stages: &[Compile, Construction],
    hint: Hint {
        dsl: "run as a non-root user (`run_as_user = 1000`), or declare `exception(run_as_root = \"why\")` for an image that must start as root; everything else is generated restricted",
        builder: "run as a non-root user (`.run_as_user(1000)`), or declare `.exception(ExceptionKind::RunAsRoot, \"why\")`",
        data: "run as a non-root user (`\"runAsUser\": 1000`), or declare `\"exceptions\": [{\"kind\": \"RunAsRoot\", \"reason\": \"why\"}]`",
        manifest: "meet Pod Security restricted (privileged false, no host namespaces, hostPath or hostPort, capabilities drop ALL, seccompProfile RuntimeDefault, allowPrivilegeEscalation false, runAsNonRoot true, allowed volume types), or have the repository grant an exception for the named part",
    },
    check: Some(|f, j| {
        reasons(f, j, RuleId::Sec1);
        let pod = &f.pod;
        let ps = &pod.security.value;
        if ps.host_process == Some(true) {
            j.fail_check(&pod.security.at, HOST_PROCESS, "the pod runs as a Windows host process");
        }
        for (on, name) in [(&pod.host_network, "hostNetwork"), (&pod.host_pid, "hostPID"), (&pod.host_ipc, "hostIPC")] {
            if on.value {
                j.fail_check(&on.at, HOST_NAMESPACES, format!("the pod shares the node's namespace: {name}: true"));
            }
        }
        for v in &f.volumes {
            if v.kind == "hostPath" {
                j.fail_check(
                    &v.name.at,
                    HOST_PATH,
                    format!("volume `{}` is a hostPath: it reaches the node's filesystem", v.name.value),
                );
            } else if !v.kind.is_empty() && !ALLOWED_VOLUME_TYPES.contains(&v.kind.as_str()) {
                j.fail_check(
                    &v.name.at,
                    VOLUME_TYPES,
                    format!("volume `{}` is of type {}; restricted allows {} (an NFS share is a PersistentVolume and its claim)", v.name.value, v.kind, ALLOWED_VOLUME_TYPES.join(", ")),
                );
            }
        }
        let unsafe_sysctls: Vec<&String> =
            pod.sysctls.value.iter().filter(|s| !SAFE_SYSCTLS.contains(&s.as_str())).collect();
        if !unsafe_sysctls.is_empty() {
            let names: Vec<String> = unsafe_sysctls.iter().map(|s| crate::names::printable(s)).collect();
            j.fail_check(&pod.sysctls.at, SYSCTLS, format!("the pod sets unsafe sysctls: {}", names.join(", ")));
        }
        if !selinux_ok(&ps.selinux_type) || ps.selinux_user_or_role {
            j.fail_check(&pod.security.at, SELINUX, "the pod sets a custom SELinux type, user or role");
        }
        if !profile_ok(&ps.apparmor) {
            j.fail_check(
                &pod.security.at,
                APPARMOR,
                format!("the pod's AppArmor profile is {}", ps.apparmor.as_deref().unwrap_or_default()),
            );
        }
        if !profile_ok(&ps.seccomp_profile) {
            j.fail_check(
                &pod.security.at,
                SECCOMP,
                format!("the pod's seccomp profile is {}", ps.seccomp_profile.as_deref().unwrap_or_default()),
            );
        }
        if ps.run_as_non_root == Some(false) {
            j.fail_check(&pod.security.at, RUN_AS_NON_ROOT, "the pod sets runAsNonRoot: false");
        }
        if ps.run_as_user == Some(0) {
            j.fail_check(&pod.security.at, RUN_AS_NON_ROOT, "the pod sets runAsUser: 0 (root)");
        }
        for c in &f.containers {
            let s = &c.security.value;
            let name = &c.name.value;
            let at = &c.security.at;
            let addable: Vec<&str> = if relaxed(f, c, RuleId::Sec1, Some(CAPABILITIES)) {
                f.exceptions
                    .iter()
                    .flat_map(|e| e.value.0.added_capabilities().iter().copied())
                    .chain([ADDABLE_CAPABILITY])
                    .collect()
            } else {
                vec![ADDABLE_CAPABILITY]
            };
            let added: Vec<&String> = s.capabilities_add.iter().filter(|a| !addable.contains(&a.as_str())).collect();
            if !s.drops_all() {
                j.fail_check(at, CAPABILITIES, format!("container `{name}` does not drop ALL capabilities"));
            }
            if !added.is_empty() {
                let names: Vec<String> = added.iter().map(|a| crate::names::printable(a)).collect();
                j.fail_check(
                    at,
                    CAPABILITIES,
                    format!(
                        "container `{name}` adds capabilities {}; only {ADDABLE_CAPABILITY} may be added",
                        names.join(", ")
                    ),
                );
            }
            let mut fail = |check: &'static str, message: String| {
                if !relaxed(f, c, RuleId::Sec1, Some(check)) {
                    j.fail_check(at, check, message);
                }
            };
            if s.host_process == Some(true) && ps.host_process != Some(true) {
                fail(HOST_PROCESS, format!("container `{name}` runs as a Windows host process"));
            }
            if s.privileged == Some(true) {
                fail(PRIVILEGED, format!("container `{name}` is privileged"));
            }
            for p in &c.host_ports {
                if p.value != 0 {
                    fail(HOST_PORTS, format!("container `{name}` binds the node's port {}", p.value));
                }
            }
            if !profile_ok(&s.apparmor) {
                fail(
                    APPARMOR,
                    format!(
                        "container `{name}` has the AppArmor profile {}",
                        s.apparmor.as_deref().unwrap_or_default()
                    ),
                );
            }
            if !selinux_ok(&s.selinux_type) || s.selinux_user_or_role {
                fail(SELINUX, format!("container `{name}` sets a custom SELinux type, user or role"));
            }
            if s.proc_mount.as_deref().is_some_and(|m| m != "Default") {
                fail(
                    PROC_MOUNT,
                    format!("container `{name}` sets procMount {}", s.proc_mount.as_deref().unwrap_or_default()),
                );
            }
            match s.seccomp_profile.as_deref() {
                Some(t) if PROFILE_TYPES.contains(&t) => {}
                Some(t) => fail(
                    SECCOMP,
                    format!("container `{name}` has the seccomp profile {t}; it must be RuntimeDefault or Localhost"),
                ),
                None => fail(
                    SECCOMP,
                    format!(
                        "container `{name}` sets no seccomp profile (nor does the pod); it must be RuntimeDefault or Localhost"
                    ),
                ),
            }
            if s.allow_privilege_escalation != Some(false) {
                fail(PRIVILEGE_ESCALATION, format!("container `{name}` does not set allowPrivilegeEscalation: false"));
            }
            if s.run_as_non_root != Some(true) {
                fail(
                    RUN_AS_NON_ROOT,
                    format!("container `{name}` may run as root: runAsNonRoot is not true (on it or on the pod)"),
                );
            } else if s.run_as_user == Some(0) && ps.run_as_user != Some(0) {
                fail(RUN_AS_NON_ROOT, format!("container `{name}` sets runAsUser: 0 (root)"));
            }
        }
    }),
    cel: Some(sec_1_cel),
};

/// SEC-2: the sidecars and init containers run with a read-only root filesystem.
pub const SEC_2: Rule = Rule {
    id: RuleId::Sec2,
    title: "Sidecars and init containers run with readOnlyRootFilesystem: true.",
    rationale: "The durability containers only write to their volumes; a read-only root keeps a compromised tool from changing itself.",
    severity: Severity::High,
    stages: &[Construction],
    hint: Hint {
        dsl: "the durability containers are generated read-only; nothing to declare",
        builder: "the durability containers are generated read-only; nothing to declare",
        data: "the durability containers are generated read-only; nothing to declare",
        manifest: "set readOnlyRootFilesystem: true on sidecars and init containers; write to a mounted volume",
    },
    check: Some(|f, j| {
        for c in f.containers.iter().filter(|c| c.is_helper()) {
            if c.security.value.read_only_root_filesystem != Some(true) {
                j.fail(
                    &c.security.at,
                    format!("container `{}` does not set readOnlyRootFilesystem: true", c.name.value),
                );
            }
        }
    }),
    cel: Some(sec_2_cel),
};

/// SEC-3: the main container runs with a read-only root filesystem, unless a writable root is declared.
pub const SEC_3: Rule = Rule {
    id: RuleId::Sec3,
    title: "The main container runs with readOnlyRootFilesystem: true, unless the app declares a writable root with its reason.",
    rationale: "A compromised app that cannot write to its image cannot plant a binary in it; the app writes to its volumes and to a generated /tmp. Images that write to their root at start (s6-overlay, some vendor images) declare `exception(writable_root = \"why\")`, reviewed with the declaration and listed in the conformity report.",
    severity: Severity::Medium,
    stages: &[Construction],
    hint: Hint {
        dsl: "write to a volume (`empty_dir(...)`, `pvc(...)`), or declare `exception(writable_root = \"why\")`",
        builder: "write to a volume, or declare `.exception(ExceptionKind::WritableRoot, \"why\")`",
        data: "write to a volume, or declare `\"exceptions\": [{\"kind\": \"WritableRoot\", \"reason\": \"why\"}]`",
        manifest: "set readOnlyRootFilesystem: true on the app's container and mount emptyDirs where it writes, or have the repository grant an exception",
    },
    check: Some(|f, j| {
        reasons(f, j, RuleId::Sec3);
        for c in f.containers.iter().filter(|c| !c.is_helper()) {
            if c.security.value.read_only_root_filesystem != Some(true) && !relaxed(f, c, RuleId::Sec3, None) {
                j.fail(
                    &c.security.at,
                    format!(
                        "container `{}` can write to its root filesystem (readOnlyRootFilesystem is not true)",
                        c.name.value
                    ),
                );
            }
        }
    }),
    cel: Some(sec_3_cel),
};

/// SEC-4: each app has its own ServiceAccount; its API token is mounted only when it reads the API.
pub const SEC_4: Rule = Rule {
    id: RuleId::Sec4,
    title: "Each app runs under its own ServiceAccount, and its API token is not mounted unless the app states what it reads from the API.",
    rationale: "A token in every pod lets any compromised app talk to the API server with whatever the namespace's default account may do. Each app gets its own account (`automountServiceAccountToken: false`); an app that reads the API (external-dns) declares the resources, gets a read-only ClusterRole for them, and only then its token.",
    severity: Severity::Medium,
    stages: &[Construction],
    hint: Hint {
        dsl: "the ServiceAccount is generated; an app that reads the API declares it: `api(read = [\"services\", \"ingresses.networking.k8s.io\"])`",
        builder: "the ServiceAccount is generated; an app that reads the API declares it with `.api_read([...])`",
        data: "the ServiceAccount is generated; an app that reads the API declares `\"api\": {\"read\": [\"services\"]}`",
        manifest: "set serviceAccountName to the app's own account and automountServiceAccountToken: false, or state the resources read in the annotation vixens.io/api-access",
    },
    check: Some(|f, j| {
        let pod = &f.pod;
        if pod.automount_token.value != Some(false) && pod.api_access.is_none() {
            j.fail_check(
                &pod.automount_token.at,
                TOKEN,
                "the pod mounts a ServiceAccount token (automountServiceAccountToken is not false) but states no API access (annotation vixens.io/api-access)",
            );
        }
        match pod.service_account.value.as_deref() {
            None | Some("") | Some("default") => j.fail_check(
                &pod.service_account.at,
                SERVICE_ACCOUNT,
                "the pod runs under the namespace's `default` ServiceAccount; give the app its own",
            ),
            Some(_) => {}
        }
    }),
    cel: Some(sec_4_cel),
};

/// `c.securityContext.<path>` when set, else `null`.
fn field(c: &str, path: &str) -> String {
    let mut guards = vec![format!("has({c}.securityContext)")];
    let mut prefix = format!("{c}.securityContext");
    for part in path.split('.') {
        prefix = format!("{prefix}.{part}");
        guards.push(format!("has({prefix})"));
    }
    format!("({} ? {prefix} : null)", guards.join(" && "))
}

fn pod_field(path: &str) -> String {
    field("variables.pod", path)
}

fn sec_1_cel() -> Vec<Cel> {
    let pod = "variables.pod";
    let profile = |v: String| format!("({v} == null || {v} in {})", strings(PROFILE_TYPES));
    let selinux = |c: &str| {
        let t = field(c, "seLinuxOptions.type");
        format!(
            "({t} == null || {t} == '' || {t} in {}) && {} == null && {} == null",
            strings(SELINUX_TYPES),
            field(c, "seLinuxOptions.user"),
            field(c, "seLinuxOptions.role")
        )
    };
    let seccomp = |c: &str| {
        let own = field(c, "seccompProfile.type");
        let inherited = pod_field("seccompProfile.type");
        format!("({own} != null ? {own} : {inherited}) in {}", strings(PROFILE_TYPES))
    };
    let no_volume = |types: &[&str]| {
        let any: Vec<String> = types.iter().map(|t| format!("has(v.{t})")).collect();
        format!("!has({pod}.volumes) || {pod}.volumes.all(v, !({}))", any.join(" || "))
    };
    vec![
        cel_check(
            HOST_PROCESS,
            format!(
                "{} != true && variables.containers.all(c, {} != true)",
                pod_field("windowsOptions.hostProcess"),
                field("c", "windowsOptions.hostProcess")
            ),
            "no Windows host process",
        ),
        cel_check(
            HOST_NAMESPACES,
            format!(
                "!(has({pod}.hostNetwork) && {pod}.hostNetwork == true) && !(has({pod}.hostPID) && {pod}.hostPID == true) && !(has({pod}.hostIPC) && {pod}.hostIPC == true)"
            ),
            "the pod does not share the node's network, PID or IPC namespace",
        ),
        cel_check(
            PRIVILEGED,
            format!("variables.containers.all(c, {} != true)", field("c", "privileged")),
            "no container is privileged",
        ),
        cel_check(
            CAPABILITIES,
            format!(
                "variables.containers.all(c, {drop} != null && 'ALL' in {drop} && ({add} == null || {add}.all(a, a == '{ADDABLE_CAPABILITY}')))",
                drop = field("c", "capabilities.drop"),
                add = field("c", "capabilities.add"),
            ),
            "every container drops ALL capabilities and adds at most NET_BIND_SERVICE",
        ),
        cel_check(HOST_PATH, no_volume(&["hostPath"]), "no hostPath volume"),
        cel_check(
            HOST_PORTS,
            "variables.containers.all(c, !has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0))",
            "no container binds a port of the node (hostPort)",
        ),
        cel_check(
            APPARMOR,
            format!(
                "{} && variables.containers.all(c, {}) && variables.annotations.all(k, !k.startsWith('{APPARMOR_ANNOTATION}') || variables.annotations[k] == 'runtime/default' || variables.annotations[k].startsWith('localhost/'))",
                profile(pod_field("appArmorProfile.type")),
                profile(field("c", "appArmorProfile.type")),
            ),
            "AppArmor profiles are RuntimeDefault or Localhost",
        ),
        cel_check(
            SELINUX,
            format!("{} && variables.containers.all(c, {})", selinux(pod), selinux("c")),
            "no custom SELinux type, user or role",
        ),
        cel_check(
            PROC_MOUNT,
            format!("variables.containers.all(c, {p} == null || {p} == 'Default')", p = field("c", "procMount")),
            "procMount is Default",
        ),
        cel_check(
            SECCOMP,
            format!("{} && variables.containers.all(c, {})", profile(pod_field("seccompProfile.type")), seccomp("c")),
            "every container has the seccomp profile RuntimeDefault or Localhost (its own or the pod's)",
        ),
        cel_check(
            SYSCTLS,
            format!("{s} == null || {s}.all(x, x.name in {})", strings(SAFE_SYSCTLS), s = pod_field("sysctls")),
            "only safe sysctls",
        ),
        cel_check(
            VOLUME_TYPES,
            no_volume(&DISALLOWED_VOLUME_TYPES),
            "volumes are of the types restricted allows (an NFS share is a PersistentVolume and its claim)",
        ),
        cel_check(
            PRIVILEGE_ESCALATION,
            format!("variables.containers.all(c, {} == false)", field("c", "allowPrivilegeEscalation")),
            "every container sets allowPrivilegeEscalation: false",
        ),
        cel_check(
            RUN_AS_NON_ROOT,
            format!(
                "{} != false && {} != 0 && variables.containers.all(c, {} == true && {} != 0)",
                pod_field("runAsNonRoot"),
                pod_field("runAsUser"),
                inherited_security("c", "runAsNonRoot"),
                field("c", "runAsUser"),
            ),
            "every container runs as non-root (runAsNonRoot: true, runAsUser not 0)",
        ),
    ]
}

fn sec_2_cel() -> Vec<Cel> {
    vec![cel(
        format!("variables.helpers.all(c, {} == true)", field("c", "readOnlyRootFilesystem")),
        "sidecars and init containers run with readOnlyRootFilesystem: true",
    )]
}

fn sec_3_cel() -> Vec<Cel> {
    vec![cel(
        format!("variables.mains.all(c, {} == true)", field("c", "readOnlyRootFilesystem")),
        "the app's container runs with readOnlyRootFilesystem: true",
    )]
}

fn sec_4_cel() -> Vec<Cel> {
    let pod = "variables.pod";
    vec![
        cel_check(
            TOKEN,
            format!(
                "(has({pod}.automountServiceAccountToken) && {pod}.automountServiceAccountToken == false) || '{}' in variables.annotations",
                annotation("api-access")
            ),
            "the ServiceAccount token is not mounted, unless the workload states its API access",
        ),
        cel_check(
            SERVICE_ACCOUNT,
            format!("has({pod}.serviceAccountName) && !({pod}.serviceAccountName in ['', 'default'])"),
            "the pod runs under its own ServiceAccount",
        ),
    ]
}
