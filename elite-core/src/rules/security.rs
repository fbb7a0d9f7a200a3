//! SEC: the security baseline, anchored to Pod Security "restricted".

use super::{Rule, Stage::*};
use crate::model::ExceptionKind;
use crate::pod::ContainerRole;

pub const SEC_1: Rule = Rule {
    id: "SEC-1",
    title: "allowPrivilegeEscalation: false, capabilities drop ALL, seccompProfile RuntimeDefault on every container; runAsNonRoot unless the app declares a documented exception.",
    stages: &[Compile],
    hint: "run as a non-root user, or declare `exception(run_as_root = \"why\")` for an s6-overlay image",
    check: Some(|f, j| {
        for e in &f.exceptions {
            if e.value.1.trim().is_empty() {
                j.fail(&e.at, format!("exception {} has no reason; exceptions must be documented", e.value.0.as_str()));
            }
        }
        for c in &f.containers {
            let s = &c.security.value;
            let name = &c.name.value;
            if s.allow_privilege_escalation != Some(false) {
                j.fail(&c.security.at, format!("container `{name}` does not set allowPrivilegeEscalation: false"));
            }
            if !s.drops_all_capabilities {
                j.fail(&c.security.at, format!("container `{name}` does not drop ALL capabilities"));
            }
            if s.seccomp_profile.as_deref() != Some("RuntimeDefault") {
                j.fail(&c.security.at, format!("container `{name}` does not use seccompProfile RuntimeDefault"));
            }
            let excepted = c.role == ContainerRole::Main && f.has_exception(ExceptionKind::RunAsRoot);
            if s.run_as_non_root != Some(true) && !excepted {
                j.fail(
                    &c.security.at,
                    format!(
                        "container `{name}` may run as root (runAsNonRoot is not true) and no exception is documented"
                    ),
                );
            }
        }
    }),
};

pub const SEC_2: Rule = Rule {
    id: "SEC-2",
    title: "Sidecars and init containers run with readOnlyRootFilesystem: true.",
    stages: &[Construction],
    hint: "the durability containers are generated read-only; write to a mounted volume",
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
};
