//! HA: highly available apps.

use super::{Rule, Stage::*};
use crate::rules::cel::{Cel, annotation, cel};

pub const HA_1: Rule = Rule {
    id: "HA-1",
    title: "An app declared highly available runs at least 2 replicas, has a PodDisruptionBudget (minAvailable: 1), spreads replicas across nodes, and a Kyverno policy flags it when those are missing.",
    stages: &[Compile],
    hint: "declare `ha` with `replicas = 2` (or more): the generator adds the PodDisruptionBudget and the spread",
    check: Some(|f, j| {
        let Some(ha) = &f.ha else {
            return j.undecidable("high availability is not stated (annotation vixens.io/ha)");
        };
        if !ha.value {
            return;
        }
        match f.replicas.value {
            Some(n) if n >= 2 => {}
            n => {
                j.fail(&f.replicas.at, format!("an HA app runs {} replica(s); at least 2 are required", n.unwrap_or(1)))
            }
        }
        if !f.spread_across_nodes.value {
            j.fail(&f.spread_across_nodes.at, "replicas are not spread across nodes (no topologySpreadConstraints or podAntiAffinity on kubernetes.io/hostname)");
        }
        match &f.pdb_min_available {
            None => j.undecidable("no PodDisruptionBudget in view"),
            Some(p) if p.value == Some(1) => {}
            Some(p) => j.fail(
                &p.at,
                match p.value {
                    Some(n) => {
                        format!("the PodDisruptionBudget has minAvailable {n}; it must be 1")
                    }
                    None => "no PodDisruptionBudget covers the workload".into(),
                },
            ),
        }
    }),
    cel: Some(ha_1_cel),
};

/// The node label HA replicas are spread over.
pub const HOSTNAME_KEY: &str = "kubernetes.io/hostname";

fn ha_1_cel() -> Vec<Cel> {
    let key = annotation("ha");
    let anti = "variables.pod.affinity.podAntiAffinity";
    vec![cel(
        format!(
            "!('{key}' in variables.annotations) || variables.annotations['{key}'] != 'true' || ((has(object.spec.replicas) ? object.spec.replicas : 1) >= 2 && ((has(variables.pod.topologySpreadConstraints) && variables.pod.topologySpreadConstraints.exists(t, t.topologyKey == '{HOSTNAME_KEY}')) || (has(variables.pod.affinity) && has({anti}) && ((has({anti}.requiredDuringSchedulingIgnoredDuringExecution) && {anti}.requiredDuringSchedulingIgnoredDuringExecution.exists(t, has(t.topologyKey) && t.topologyKey == '{HOSTNAME_KEY}')) || (has({anti}.preferredDuringSchedulingIgnoredDuringExecution) && {anti}.preferredDuringSchedulingIgnoredDuringExecution.exists(t, has(t.podAffinityTerm) && has(t.podAffinityTerm.topologyKey) && t.podAffinityTerm.topologyKey == '{HOSTNAME_KEY}'))))))"
        ),
        "an HA app runs at least 2 replicas spread across nodes (topologySpreadConstraints or podAntiAffinity on kubernetes.io/hostname)",
    )]
}

/// HA-1 on the PodDisruptionBudget of an Elite app: `minAvailable: 1`.
pub fn pdb_cel() -> Vec<Cel> {
    vec![cel(
        "has(object.spec.minAvailable) && object.spec.minAvailable == 1",
        "the PodDisruptionBudget of an HA app keeps at least one replica: minAvailable: 1",
    )]
}
