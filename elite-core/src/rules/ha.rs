//! HA: highly available apps.

use super::{Hint, Rule, RuleId, Severity, Stage::*};
use crate::platform::HOSTNAME_KEY;
use crate::rules::cel::{Cel, annotation, cel};

/// The replicas an HA app runs at least.
pub const MIN_HA_REPLICAS: i64 = 2;
/// The PodDisruptionBudget's `minAvailable` of an HA app.
pub const HA_MIN_AVAILABLE: i64 = 1;

pub const HA_1: Rule = Rule {
    id: RuleId::Ha1,
    title: "An app declared highly available runs at least 2 replicas, has a PodDisruptionBudget (minAvailable: 1), spreads replicas across nodes, and a Kyverno policy flags it when those are missing.",
    rationale: "Internal DNS down is the whole house down: two replicas on two nodes, and a budget that keeps one through a drain.",
    severity: Severity::High,
    stages: &[Compile],
    hint: Hint {
        dsl: "declare `ha` with `replicas = 2` (or more): the generator adds the PodDisruptionBudget and the spread",
        builder: "call `.ha().replicas(2)`: the generator adds the PodDisruptionBudget and the spread",
        data: "set `\"ha\": true` with `\"replicas\": 2` (or more)",
        manifest: "run at least 2 replicas spread by kubernetes.io/hostname, with a PodDisruptionBudget minAvailable: 1",
    },
    check: Some(|f, j| {
        let Some(ha) = j.stated(&f.ha, "high availability is not stated") else { return };
        if !ha.value {
            return;
        }
        match f.replicas.value {
            Some(n) if n >= MIN_HA_REPLICAS => {}
            n => j.fail(
                &f.replicas.at,
                format!("an HA app runs {} replica(s); at least {MIN_HA_REPLICAS} are required", n.unwrap_or(1)),
            ),
        }
        if !f.spread_across_nodes.value {
            j.fail(&f.spread_across_nodes.at, "replicas are not spread across nodes (no topologySpreadConstraints or podAntiAffinity on kubernetes.io/hostname)");
        }
        match &f.pdb_min_available {
            None => j.undecidable("no PodDisruptionBudget in view"),
            Some(p) if p.value == Some(HA_MIN_AVAILABLE) => {}
            Some(p) => j.fail(
                &p.at,
                match p.value {
                    Some(n) => format!("the PodDisruptionBudget has minAvailable {n}; it must be {HA_MIN_AVAILABLE}"),
                    None => "no PodDisruptionBudget covers the workload".into(),
                },
            ),
        }
    }),
    cel: Some(ha_1_cel),
};

fn ha_1_cel() -> Vec<Cel> {
    let key = annotation("ha");
    let anti = "variables.pod.affinity.podAntiAffinity";
    vec![cel(
        format!(
            "!('{key}' in variables.annotations) || variables.annotations['{key}'] != 'true' || ((has(object.spec.replicas) ? object.spec.replicas : 1) >= {MIN_HA_REPLICAS} && ((has(variables.pod.topologySpreadConstraints) && variables.pod.topologySpreadConstraints.exists(t, t.topologyKey == '{HOSTNAME_KEY}')) || (has(variables.pod.affinity) && has({anti}) && ((has({anti}.requiredDuringSchedulingIgnoredDuringExecution) && {anti}.requiredDuringSchedulingIgnoredDuringExecution.exists(t, has(t.topologyKey) && t.topologyKey == '{HOSTNAME_KEY}')) || (has({anti}.preferredDuringSchedulingIgnoredDuringExecution) && {anti}.preferredDuringSchedulingIgnoredDuringExecution.exists(t, has(t.podAffinityTerm) && has(t.podAffinityTerm.topologyKey) && t.podAffinityTerm.topologyKey == '{HOSTNAME_KEY}'))))))"
        ),
        "an HA app runs at least 2 replicas spread across nodes (topologySpreadConstraints or podAntiAffinity on kubernetes.io/hostname)",
    )]
}

/// HA-1 on the PodDisruptionBudget of an Elite app: `minAvailable: 1`.
pub fn pdb_cel() -> Vec<Cel> {
    vec![cel(
        format!("has(object.spec.minAvailable) && object.spec.minAvailable == {HA_MIN_AVAILABLE}"),
        "the PodDisruptionBudget of an HA app keeps at least one replica: minAvailable: 1",
    )]
}
