//! SIZE: T-shirt sizing with Guaranteed memory and burstable CPU.

use super::{Hint, Rule, Severity, Stage::*};
use crate::facts::{Amount, ContainerFacts, ResourceFacts, Source, WorkloadFacts};
use crate::model::{CUSTOM_CPU_REQUEST_PERCENT, Size};
use crate::quantity::Memory;
use crate::rules::Judgement;
use crate::rules::cel::{Cel, cel, cpu_millis, has_all_resources, has_quantity, is_preset, presets};

/// The preset whose values `r` has, if any.
pub fn preset_of(r: &ResourceFacts) -> Option<Size> {
    let (cr, cl, mr, ml) = r.all()?;
    Size::PRESETS.into_iter().find(|s| {
        let p = s.resources();
        cr == u64::from(p.cpu_request.millis())
            && cl == u64::from(p.cpu_limit.millis())
            && mr == p.memory_request.bytes()
            && ml == p.memory_limit.bytes()
    })
}

fn mem(b: u64) -> String {
    Memory(b).to_string()
}

fn what(c: &ContainerFacts) -> String {
    format!("{} `{}`", c.lifecycle.noun(), c.name.value)
}

fn valid(a: &Amount) -> Option<u64> {
    a.as_ref().and_then(|r| r.as_ref().ok()).copied()
}

pub const SIZE_1: Rule = Rule {
    id: super::RuleId::Size1,
    title: "Every container, init containers included, sets cpu and memory requests and limits.",
    rationale: "A container without requests is scheduled anywhere and evicted first; without limits it can starve its node. Every container of an Elite pod, durability containers included, carries all four values.",
    severity: Severity::Medium,
    stages: &[Compile, Construction],
    hint: Hint {
        dsl: "give the app an Elite size: `size = Micro | Small | Medium | Large`, or `size = Custom(cpu_request = \"100m\", cpu_limit = \"500m\", memory = \"768Mi\")`",
        builder: "call `.size(Size::Small)` (or `Size::Medium`, `Size::Large`, `Size::Custom(Resources { .. })`)",
        data: "set `\"size\": \"Small\"` (or `Medium`, `Large`, `{\"Custom\": {\"cpuRequest\": \"100m\", \"cpuLimit\": \"500m\", \"memoryRequest\": \"768Mi\", \"memoryLimit\": \"768Mi\"}}`)",
        manifest: "set resources.requests and resources.limits for cpu and memory on every container, init containers included",
    },
    check: Some(|f: &WorkloadFacts, j: &mut Judgement| {
        for c in &f.containers {
            let r = &c.resources.value;
            let fields = [
                ("requests.cpu", &r.cpu_request),
                ("limits.cpu", &r.cpu_limit),
                ("requests.memory", &r.memory_request),
                ("limits.memory", &r.memory_limit),
            ];
            let missing: Vec<&str> = fields.iter().filter(|(_, a)| a.is_none()).map(|(k, _)| *k).collect();
            if missing.len() == 4 && f.source == Source::Declaration {
                j.fail(&c.resources.at, format!("no `size` is stated: {} would set no requests or limits", what(c)));
            } else if !missing.is_empty() {
                j.fail(&c.resources.at, format!("{} does not set {}", what(c), missing.join(", ")));
            }
            for (k, a) in fields {
                if let Some(Err(e)) = a {
                    j.fail(&c.resources.at, format!("{} sets {k} to an invalid amount: {e}", what(c)));
                }
            }
        }
    }),
    cel: Some(size_1_cel),
};

pub const SIZE_2: Rule = Rule {
    id: super::RuleId::Size2,
    title: "Memory request equals memory limit (Guaranteed memory).",
    rationale: "Memory is not compressible: a request below the limit lets the node overcommit, and the kernel then kills a container silently (OOMKill) when neighbours grow.",
    severity: Severity::Medium,
    stages: &[Compile],
    hint: Hint {
        dsl: "use one value for the memory request and limit (`memory = \"768Mi\"` in `size = Custom(...)`)",
        builder: "give `Resources` the same `memory_request` and `memory_limit`",
        data: "give `memoryRequest` and `memoryLimit` the same value",
        manifest: "set resources.requests.memory equal to resources.limits.memory",
    },
    check: Some(|f, j| {
        for c in &f.containers {
            let r = &c.resources.value;
            if let (Some(req), Some(lim)) = (valid(&r.memory_request), valid(&r.memory_limit))
                && req != lim
            {
                j.fail(
                    &c.resources.at,
                    format!(
                        "{} requests {} of memory but is limited to {}; they must be equal",
                        what(c),
                        mem(req),
                        mem(lim)
                    ),
                );
            }
        }
    }),
    cel: Some(size_2_cel),
};

pub const SIZE_3: Rule = Rule {
    id: super::RuleId::Size3,
    title: "CPU request is below the CPU limit; for a custom size it is 10%–25% of the limit.",
    rationale: "CPU is compressible: a low request with a higher limit lets an app burst at start without reserving a core it mostly leaves idle. The presets are normative as written (Large requests 50%, which the document's own table allows); the 10–25% band applies to custom sizes.",
    severity: Severity::Medium,
    stages: &[Compile],
    hint: Hint {
        dsl: "pick a preset size, or set `cpu_request` to 10–25% of `cpu_limit` in `size = Custom(...)` (e.g. 100m / 500m)",
        builder: "pick a preset `Size`, or give `Resources` a `cpu_request` of 10–25% of `cpu_limit`",
        data: "pick a preset size, or set `cpuRequest` to 10–25% of `cpuLimit`",
        manifest: "set resources.requests.cpu below resources.limits.cpu (10–25% of it unless the values are an Elite preset)",
    },
    check: Some(|f, j| {
        let (lo, hi) = CUSTOM_CPU_REQUEST_PERCENT;
        for c in &f.containers {
            let r = &c.resources.value;
            let (Some(req), Some(lim)) = (valid(&r.cpu_request), valid(&r.cpu_limit)) else {
                continue;
            };
            let (req128, lim128) = (u128::from(req), u128::from(lim));
            if req >= lim {
                j.fail(
                    &c.resources.at,
                    format!(
                        "{} requests {req}m of CPU with a limit of {lim}m; the request must be below the limit",
                        what(c)
                    ),
                );
            } else if preset_of(r).is_none()
                && (req128 * 100 < lim128 * u128::from(lo) || req128 * 100 > lim128 * u128::from(hi))
            {
                j.fail(
                    &c.resources.at,
                    format!(
                        "{} requests {req}m of CPU with a limit of {lim}m ({:.1}%); a custom size must request {lo}%–{hi}% of its limit ({}m–{}m)",
                        what(c),
                        req as f64 * 100.0 / lim as f64,
                        (lim128 * u128::from(lo)).div_ceil(100),
                        lim128 * u128::from(hi) / 100
                    ),
                );
            }
        }
    }),
    cel: Some(size_3_cel),
};

pub const SIZE_4: Rule = Rule {
    id: super::RuleId::Size4,
    title: "Sidecars and init containers are Micro.",
    rationale: "The durability containers are small and identical in every pod: Micro keeps their cost predictable. The document's 20m/128Mi budget for the combined sidecars contradicts its own table; the table wins, and the conformity report shows each pod's total.",
    severity: Severity::Medium,
    stages: &[Construction],
    hint: Hint {
        dsl: "the generator sizes the durability containers Micro; nothing to declare",
        builder: "the generator sizes the durability containers Micro; nothing to declare",
        data: "the generator sizes the durability containers Micro; nothing to declare",
        manifest: "give sidecars and init containers 10m / 100m CPU and 128Mi / 128Mi memory",
    },
    check: Some(|f, j| {
        for c in f.containers.iter().filter(|c| c.is_helper()) {
            if preset_of(&c.resources.value) != Some(Size::Micro) {
                j.fail(
                    &c.resources.at,
                    format!("{} is not sized Micro (10m / 100m CPU, 128Mi / 128Mi memory)", what(c)),
                );
            }
        }
    }),
    cel: Some(size_4_cel),
};

fn size_1_cel() -> Vec<Cel> {
    vec![cel(
        format!("variables.containers.all(c, {})", has_all_resources("c")),
        "every container, init containers included, sets cpu and memory requests and limits",
    )]
}

fn size_2_cel() -> Vec<Cel> {
    vec![cel(
        format!(
            "variables.containers.all(c, !({} && {}) || quantity(string(c.resources.requests.memory)).isEqualTo(quantity(string(c.resources.limits.memory))))",
            has_quantity("c", "requests", "memory"),
            has_quantity("c", "limits", "memory")
        ),
        "the memory request of every container equals its memory limit",
    )]
}

fn size_3_cel() -> Vec<Cel> {
    let (req, lim) = (cpu_millis("c", "requests"), cpu_millis("c", "limits"));
    let (lo, hi) = CUSTOM_CPU_REQUEST_PERCENT;
    vec![cel(
        format!(
            "variables.containers.all(c, !({} && {}) || ({req} < {lim} && ({} || ({req} * 100 >= {lim} * {lo} && {req} * 100 <= {lim} * {hi}))))",
            has_quantity("c", "requests", "cpu"),
            has_quantity("c", "limits", "cpu"),
            is_preset("c", &presets(&Size::PRESETS)),
        ),
        "the CPU request of every container is below its limit, and 10%–25% of it for a custom size",
    )]
}

fn size_4_cel() -> Vec<Cel> {
    vec![cel(
        format!("variables.helpers.all(c, {})", is_preset("c", &presets(&[Size::Micro]))),
        "sidecars and init containers are Micro (10m / 100m CPU, 128Mi memory)",
    )]
}
