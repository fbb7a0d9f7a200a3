//! SIZE: T-shirt sizing with Guaranteed memory and burstable CPU.

use super::{Rule, Stage::*};
use crate::facts::{ContainerFacts, ResourceFacts, WorkloadFacts};
use crate::model::Size;
use crate::rules::Judgement;
use crate::rules::cel::{Cel, cel, cpu_millis, has_all_resources, has_quantity, is_preset, presets};

fn preset_of(r: &ResourceFacts) -> Option<Size> {
    Size::PRESETS.into_iter().find(|s| {
        let p = s.resources();
        r.cpu_request == Some(u64::from(p.cpu_request.millis()))
            && r.cpu_limit == Some(u64::from(p.cpu_limit.millis()))
            && r.memory_request == Some(u64::from(p.memory_request.mebibytes()) << 20)
            && r.memory_limit == Some(u64::from(p.memory_limit.mebibytes()) << 20)
    })
}

fn mem(b: u64) -> String {
    if b.is_multiple_of(1 << 30) {
        format!("{}Gi", b >> 30)
    } else if b.is_multiple_of(1 << 20) {
        format!("{}Mi", b >> 20)
    } else {
        format!("{b} bytes")
    }
}

fn what(c: &ContainerFacts) -> String {
    format!("{} `{}`", c.lifecycle.noun(), c.name.value)
}

pub const SIZE_1: Rule = Rule {
    id: "SIZE-1",
    title: "Every container, init containers included, sets cpu and memory requests and limits.",
    stages: &[Compile, Construction],
    hint: "give the workload an Elite size: `size = Micro | Small | Medium | Large`, or `size = Custom(cpu_request = \"100m\", cpu_limit = \"500m\", memory = \"768Mi\")`",
    check: Some(|f: &WorkloadFacts, j: &mut Judgement| {
        for c in &f.containers {
            let r = &c.resources.value;
            let missing: Vec<&str> = [
                ("requests.cpu", r.cpu_request.is_none()),
                ("limits.cpu", r.cpu_limit.is_none()),
                ("requests.memory", r.memory_request.is_none()),
                ("limits.memory", r.memory_limit.is_none()),
            ]
            .into_iter()
            .filter_map(|(k, m)| m.then_some(k))
            .collect();
            if !missing.is_empty() {
                j.fail(&c.resources.at, format!("{} does not set {}", what(c), missing.join(", ")));
            }
        }
    }),
    cel: Some(size_1_cel),
};

pub const SIZE_2: Rule = Rule {
    id: "SIZE-2",
    title: "Memory request equals memory limit (Guaranteed memory).",
    stages: &[Compile],
    hint: "use one value for the memory request and limit (`memory = \"768Mi\"`): an OOMKill from overcommit is silent",
    check: Some(|f, j| {
        for c in &f.containers {
            let r = &c.resources.value;
            if let (Some(req), Some(lim)) = (r.memory_request, r.memory_limit)
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
    id: "SIZE-3",
    title: "CPU request is below the CPU limit; for a custom size it is 10%–25% of the limit.",
    stages: &[Compile],
    hint: "pick a preset size, or set the CPU request to 10–25% of the limit (e.g. 100m / 500m)",
    check: Some(|f, j| {
        for c in &f.containers {
            let r = &c.resources.value;
            let (Some(req), Some(lim)) = (r.cpu_request, r.cpu_limit) else {
                continue;
            };
            if req >= lim {
                j.fail(
                    &c.resources.at,
                    format!(
                        "{} requests {req}m of CPU with a limit of {lim}m; the request must be below the limit",
                        what(c)
                    ),
                );
            } else if preset_of(r).is_none() && (req * 100 < lim * 10 || req * 100 > lim * 25) {
                j.fail(
                    &c.resources.at,
                    format!(
                        "{} requests {req}m of CPU with a limit of {lim}m ({:.1}%); a custom size must request 10%–25% of its limit ({}m–{}m)",
                        what(c),
                        req as f64 * 100.0 / lim as f64,
                        lim.div_ceil(10),
                        lim / 4
                    ),
                );
            }
        }
    }),
    cel: Some(size_3_cel),
};

pub const SIZE_4: Rule = Rule {
    id: "SIZE-4",
    title: "Sidecars and init containers are Micro.",
    stages: &[Construction],
    hint: "sidecars and init containers take the Micro size: 10m / 100m CPU, 128Mi memory",
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
    vec![cel(
        format!(
            "variables.containers.all(c, !({} && {}) || ({req} < {lim} && ({} || ({req} * 100 >= {lim} * 10 && {req} * 100 <= {lim} * 25))))",
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
