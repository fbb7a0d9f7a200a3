//! SEC: the security baseline, anchored to Pod Security "restricted".

use super::{Rule, Stage::*};
use crate::model::ExceptionKind;
use crate::pod::ContainerRole;
use crate::rules::cel::{Cel, annotation, cel, durability_names, inherited_security};

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
    cel: Some(sec_1_cel),
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
    cel: Some(sec_2_cel),
};

fn sec_1_cel() -> Vec<Cel> {
    let key = annotation(&format!("exception.{}", ExceptionKind::RunAsRoot.as_str()));
    let documented =
        format!("('{key}' in variables.annotations && !variables.annotations['{key}'].matches('^\\\\s*$'))");
    let seccomp = "(has(c.securityContext) && has(c.securityContext.seccompProfile) ? c.securityContext.seccompProfile : (has(variables.pod.securityContext) && has(variables.pod.securityContext.seccompProfile) ? variables.pod.securityContext.seccompProfile : {}))";
    vec![
        cel(
            format!("!('{key}' in variables.annotations) || {documented}"),
            "a run-as-root exception states its reason",
        ),
        cel(
            format!(
                "variables.containers.all(c, has(c.securityContext) && has(c.securityContext.allowPrivilegeEscalation) && c.securityContext.allowPrivilegeEscalation == false && has(c.securityContext.capabilities) && has(c.securityContext.capabilities.drop) && 'ALL' in c.securityContext.capabilities.drop && 'type' in {seccomp} && {seccomp}.type == 'RuntimeDefault' && (({} == true && {} != 0) || (!(c.name in {}) && {documented})))",
                inherited_security("c", "runAsNonRoot"),
                inherited_security("c", "runAsUser"),
                durability_names(),
            ),
            "every container sets allowPrivilegeEscalation: false, drops ALL capabilities, uses seccompProfile RuntimeDefault and runs as non-root (unless a documented exception)",
        ),
    ]
}

fn sec_2_cel() -> Vec<Cel> {
    vec![cel(
        "variables.helpers.all(c, has(c.securityContext) && has(c.securityContext.readOnlyRootFilesystem) && c.securityContext.readOnlyRootFilesystem == true)",
        "sidecars and init containers run with readOnlyRootFilesystem: true",
    )]
}
