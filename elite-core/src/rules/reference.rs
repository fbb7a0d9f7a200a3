//! The statement of the standard (`RULES.md`), generated from the catalog: every rule with its
//! id, its rationale, where it is enforced, how to fix it from each door, and the tests that
//! prove it; the tables (sizes, priority classes, backup profiles) from the model's constants.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{CATALOG, Door, Stage};
use crate::model::{BackupProfile, Priority, Size};

/// What each stage means, in the order the reference explains them.
const STAGES: [(Stage, &str); 6] = [
    (
        Stage::Compile,
        "`#[elite]` rejects the declaration: the build fails with the rule id on the offending tokens. `AppBuilder::build` and `elite check` run the same check at run time.",
    ),
    (
        Stage::Construction,
        "no declaration can break it: the generator writes the part the rule judges; tests break that part by hand and check the rule notices.",
    ),
    (Stage::Generator, "needs every app at once: `cargo run` rejects the app set before writing anything."),
    (Stage::Audit, "`elite audit` judges existing manifests with the same predicate, at the file and line at fault."),
    (
        Stage::Cluster,
        "a generated Kyverno ClusterPolicy (`apps/_shared/policies/`) judges objects in the cluster, with CEL conditions that tests prove give the predicate's verdicts.",
    ),
    (Stage::EndToEnd, "proven by running the generated pod's commands with the real programs."),
];

const INTRO: &str = "\
This is the project's statement of the **Elite** conformity standard of the Vixens cluster: the
rules every app must keep, each with a stable id, why it exists, and where it is enforced. It is
generated from the rule catalog of `elite-core` (`elite-core/src/rules/`), the one place each rule
and its thresholds are written: the compiler (`#[elite]`), the builder, the JSON/YAML door
(`elite check`), the audit (`elite audit`) and the Kyverno policies all run it.

## Scope

- **App**: one workload (a Deployment, or a StatefulSet where each replica needs its own name)
  with its Service, claims, durability ConfigMap, InfisicalSecrets, monitors and policies.
- **Workloads judged** by the audit: every kind with a pod template. Long-running kinds
  (Deployment, StatefulSet, DaemonSet) get every rule; Jobs and CronJobs run to completion, so
  the probe rules PROBE-1 to PROBE-3, META-3 and HA-1 do not apply to them.
- **Main container**: the app's own process. **Durability containers**: the init steps
  `restore-config` (rclone) and `restore-db` (Litestream restore), and the native sidecars
  `litestream` and `config-syncer`.
- **Role**: `CoreInfra` (ingress, CSI, Infisical, ArgoCD, MinIO), `MissionCritical` (Home
  Assistant, AdGuard Home, Vaultwarden) or `Standard`.
- A **declaration** states what it must: size, priority, runtime and durability have no silent
  default; an unstated one is a violation of the rule that needs it.
";

/// Where the source document is unclear or contradicts itself, what the catalog does, and why.
const DECISIONS: &[&str] = &[
    "**PRIO-2 and a missing class.** A workload with no `priorityClassName`, or an unknown one, is not at vixens-critical or vixens-high: it fails PRIO-2 as well as PRIO-1.",
    "**PROBE-3's window binds heavy runtimes.** The 180 s bound on a startupProbe is written for Java, Python and .NET, which need the probe; a light runtime may declare a longer window (it is not asked for a probe at all).",
    "**Run-to-completion kinds.** Jobs and CronJobs are judged by every rule but PROBE-1 to PROBE-3, META-3 and HA-1; PROBE-4 still judges the probes they have.",
    "**Only security rules are excepted, and a manifest cannot grant itself an exception.** An exception is declared on the app (`exception(...)`), reviewed with its code, and written as a Kyverno PolicyException in `apps/_shared/exceptions/`, the repository's list of granted exceptions. Each exception kind relaxes named parts of a rule and nothing else (running as root does not allow `privileged`). The audit suppresses a finding only when that list grants it, as Kyverno exempts the workload; an object's own `vixens.io/exception.*` annotation is reported, not honoured. Durability, sizing, priorities and probes are never excepted: they are fixed instead.",
    "**Namespaces are objects, not ArgoCD metadata.** Several Applications share a namespace; ArgoCD's `managedNamespaceMetadata` (per Application, with `CreateNamespace=true`) would have them fight over its labels. One Namespace object per namespace, in `apps/_shared/namespaces/` (the first sync wave), owns its Pod Security labels: `enforce` at restricted, or baseline where a declared exception needs it (running as root); `audit` and `warn` at restricted everywhere.",
    "**NFS shares are PersistentVolumes.** Pod Security restricted allows no inline `nfs` volume: each share becomes a PersistentVolume (`<namespace>.<app>.<volume>`, Retain, no storage class) bound to exactly one claim by `claimRef` and `volumeName`. NFS does not enforce a capacity; both say 1Ti.",
    "**Reading the API is declared, not excepted.** An app that reads the Kubernetes API declares the resources (`api(read = [...])`): it gets a read-only ClusterRole, its token, and an egress rule to the API server. In a manifest, the annotation `vixens.io/api-access` states the same, so SEC-4 does not flag the token of such a workload.",
    "**Regular expressions in rclone filters (DUR-3).** rclone reads filters as globs. A pattern with a regular-expression idiom (an escaped character such as `\\.`, `.+`, a group `(?`, a `^` or `$` anchor) is flagged; `.*` alone is a valid glob (hidden files) and is not.",
    "**NetworkPolicy defaults.** Every app denies all traffic but: DNS; the ingress controller to its Ingress port; Prometheus to Litestream's metrics port; S3 for a durable app; the API server for an app that reads it; and what it declares (`egress`, `allow_from`). A connection one app declares to another of the set must be allowed by the other's `allow_from`, or the generator rejects the set (the connection would be dropped).",
];

/// The reference in Markdown. `tests` maps a rule id to the test files that exercise it.
pub fn markdown(tests: &BTreeMap<String, Vec<String>>) -> String {
    let mut s = String::from(
        "# The Elite standard\n\n\
         <!-- Generated from the rule catalog (`elite-core/src/rules/`) by `tests/tests/docs.rs`; do not edit.\n     \
         Regenerate: `ELITE_BLESS=1 cargo test -p elite-tests --test docs`. -->\n\n",
    );
    s.push_str(INTRO);
    s.push_str("\n## Tables\n\n### Sizes (SIZE)\n\n| size | CPU request / limit | memory request / limit | for |\n|---|---|---|---|\n");
    let uses =
        ["sidecars and init containers", "Go/Rust apps, static tools", "Python/Node web apps", "databases, heavy apps"];
    for (size, for_) in Size::PRESETS.iter().zip(uses) {
        let r = size.resources();
        let _ = writeln!(
            s,
            "| {} | {} / {} | {} / {} | {for_} |",
            size.name(),
            r.cpu_request,
            r.cpu_limit,
            r.memory_request,
            r.memory_limit
        );
    }
    let (lo, hi) = crate::model::CUSTOM_CPU_REQUEST_PERCENT;
    let _ = writeln!(s, "| Custom | {lo}%–{hi}% of the limit / any | equal / equal | what no preset fits |");
    s.push_str("\n### Priority classes (PRIO)\n\n| class | value | for |\n|---|---|---|\n");
    for p in Priority::ALL {
        let _ = writeln!(s, "| {} | {} | {} |", p.class_name(), p.value(), p.description());
    }
    s.push_str("\n### Backup profiles (DUR)\n\nEvery replicated profile syncs each second. Litestream's snapshot settings are per process: an app whose databases have different profiles gets the strictest.\n\n| profile | snapshot every | kept for |\n|---|---|---|\n");
    for p in BackupProfile::ALL {
        let (every, kept) = p.snapshot().unwrap_or(("not replicated", "deleted at every start"));
        let _ = writeln!(s, "| {} | {every} | {kept} |", p.name());
    }
    s.push_str("\n### The parts of SEC-1 (Pod Security \"restricted\")\n\nEach control of the profile is a named part of SEC-1: a finding names it (`SEC-1/host-namespaces`), the Kyverno policy has one rule per part (`sec-1-host-namespaces`), and an exception relaxes parts, never the whole rule.\n\n| part | forbids |\n|---|---|\n");
    let forbids = [
        ("windows-host-process", "a Windows host process (pod or container)"),
        ("host-namespaces", "hostNetwork, hostPID, hostIPC"),
        ("privileged", "a privileged container"),
        ("capabilities", "not dropping ALL, adding any capability but NET_BIND_SERVICE"),
        ("host-path", "hostPath volumes"),
        ("host-ports", "hostPort (any but 0)"),
        ("apparmor", "an AppArmor profile other than RuntimeDefault or Localhost"),
        (
            "selinux",
            "an SELinux type outside container_t, container_init_t, container_kvm_t, container_engine_t; any SELinux user or role",
        ),
        ("proc-mount", "a procMount other than Default"),
        ("seccomp", "no seccomp profile, or one other than RuntimeDefault or Localhost"),
        ("sysctls", "sysctls outside the safe set"),
        (
            "volume-types",
            "volumes other than configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret",
        ),
        ("privilege-escalation", "allowPrivilegeEscalation other than false"),
        ("run-as-non-root", "runAsNonRoot other than true, runAsUser 0"),
    ];
    for check in super::security::checks::ALL {
        let what = forbids.iter().find(|(c, _)| *c == check).map_or("", |(_, w)| w);
        let _ = writeln!(s, "| `{check}` | {what} |");
    }
    s.push_str("\n### Exceptions\n\n| `exception(...)` | relaxes | namespace's Pod Security level |\n|---|---|---|\n");
    for kind in crate::model::ExceptionKind::ALL {
        let relaxes: Vec<String> =
            kind.relaxes().iter().map(|(r, c)| c.map_or_else(|| r.to_string(), |c| format!("{r}/{c}"))).collect();
        let _ = writeln!(
            s,
            "| `{}` | {} | {} |",
            kind.as_str().replace('-', "_"),
            relaxes.join(", "),
            kind.pss_level().as_str()
        );
    }
    s.push_str("\n## Decisions\n\nWhere the source document is unclear or contradicts itself, the catalog does what users would expect:\n\n");
    for d in DECISIONS {
        let _ = writeln!(s, "- {d}");
    }
    s.push_str("\n## Where rules are enforced\n\n");
    for (stage, what) in STAGES {
        let _ = writeln!(s, "- **{}**: {what}", stage.label());
    }
    s.push_str(
        "\nEvery rule judged on one workload is also re-checked by the generator on every app before it writes.\n\n",
    );
    s.push_str("| id | rule | severity | enforced | tested by |\n|---|---|---|---|---|\n");
    for r in CATALOG {
        let stages = r.enforced_at().iter().map(|s| s.label()).collect::<Vec<_>>().join(", ");
        let tested = tests
            .get(r.id.as_str())
            .map_or_else(String::new, |files| files.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join("<br>"));
        let _ = writeln!(
            s,
            "| [{id}](#{anchor}) | {} | {} | {stages} | {tested} |",
            r.title.replace('|', "\\|"),
            r.severity.as_str(),
            id = r.id,
            anchor = r.id.anchor()
        );
    }
    s.push_str("\n## The rules\n");
    for r in CATALOG {
        let _ = write!(
            s,
            "\n### {}\n\n{}\n\n**Why.** {}\n\n**Severity:** {}. **Enforced:** {}.\n\n**How to comply**\n\n- `#[elite]`: {}\n- builder: {}\n- JSON/YAML: {}\n- manifest: {}\n",
            r.id,
            r.title,
            r.rationale,
            r.severity.as_str(),
            r.enforced_at().iter().map(|s| s.label()).collect::<Vec<_>>().join(", "),
            r.hint.for_door(Door::Dsl),
            r.hint.for_door(Door::Builder),
            r.hint.for_door(Door::Data),
            r.hint.for_door(Door::Manifest),
        );
    }
    s
}
