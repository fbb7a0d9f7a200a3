//! PROBE: liveness, readiness and startup probes.

use super::{Rule, Stage::*};
use crate::facts::port_declared;
use crate::model::Runtime;
use crate::rules::cel::{Cel, MAIN, annotation, cel, strings};

pub const PROBE_1: Rule = Rule {
    id: "PROBE-1",
    title: "The main container has a liveness and a readiness probe.",
    stages: &[Compile],
    hint: "add `liveness(http = \"/health\", port = http)` and `readiness(http = \"/ready\", port = http)`",
    check: Some(|f, j| {
        let Some(main) = f.main() else {
            return j.fail(&f.name.at, "the workload has no main container");
        };
        if main.liveness.value.is_none() {
            j.fail(&main.liveness.at, format!("container `{}` has no livenessProbe", main.name.value));
        }
        if main.readiness.value.is_none() {
            j.fail(&main.readiness.at, format!("container `{}` has no readinessProbe", main.name.value));
        }
    }),
    cel: Some(probe_1_cel),
};

pub const PROBE_2: Rule = Rule {
    id: "PROBE-2",
    title: "Liveness `failureThreshold` is exactly 3.",
    stages: &[Compile],
    hint: "leave `failure_threshold` at 3: restart after three failed checks",
    check: Some(|f, j| {
        for c in &f.containers {
            if let Some(p) = &c.liveness.value
                && p.failure_threshold != 3
            {
                j.fail(
                    &c.liveness.at,
                    format!(
                        "container `{}` has liveness failureThreshold {}; it must be 3",
                        c.name.value, p.failure_threshold
                    ),
                );
            }
        }
    }),
    cel: Some(probe_2_cel),
};

/// The longest startup window allowed, in seconds.
pub const MAX_STARTUP_WINDOW: u64 = 180;

pub const PROBE_3: Rule = Rule {
    id: "PROBE-3",
    title: "Heavy runtimes (JVM, Python, .NET) have a startupProbe whose window (initialDelaySeconds + periodSeconds × failureThreshold) is at most 180 s.",
    stages: &[Compile],
    hint: "add `startup(http = \"/ping\", port = http, period = 10, failure_threshold = 18)`: a 180 s window",
    check: Some(|f, j| {
        let Some(runtime) = &f.runtime else {
            return j.undecidable("the runtime is not stated (annotation vixens.io/runtime)");
        };
        let Some(main) = f.main() else { return };
        if let Some(p) = &main.startup.value {
            if p.window_seconds() > MAX_STARTUP_WINDOW {
                j.fail(
                    &main.startup.at,
                    format!(
                        "the startupProbe waits {} s ({} + {} × {}); at most {MAX_STARTUP_WINDOW} s is allowed",
                        p.window_seconds(),
                        p.initial_delay_seconds,
                        p.period_seconds,
                        p.failure_threshold
                    ),
                );
            }
        } else if runtime.value.is_heavy() {
            j.fail(
                &main.startup.at,
                format!(
                    "runtime {} is heavy and container `{}` has no startupProbe",
                    runtime.value.name(),
                    main.name.value
                ),
            );
        }
    }),
    cel: Some(probe_3_cel),
};

pub const PROBE_4: Rule = Rule {
    id: "PROBE-4",
    title: "Every probe targets a port that the same container declares (by name or number).",
    stages: &[Compile],
    hint: "point the probe at a port declared with `port(name = number)`, by name or number",
    check: Some(|f, j| {
        for c in &f.containers {
            for (kind, probe) in [("liveness", &c.liveness), ("readiness", &c.readiness), ("startup", &c.startup)] {
                let Some(port) = probe.value.as_ref().and_then(|p| p.port.as_ref()) else {
                    continue;
                };
                if !port_declared(&c.ports, port) {
                    let declared: Vec<String> = c
                        .ports
                        .iter()
                        .map(|(n, p)| n.as_ref().map_or(p.to_string(), |n| format!("{n} ({p})")))
                        .collect();
                    j.fail(
                        &probe.at,
                        format!(
                            "the {kind} probe of `{}` targets port `{port}`, which the container does not declare (declared: {})",
                            c.name.value,
                            if declared.is_empty() { "none".into() } else { declared.join(", ") }
                        ),
                    );
                }
            }
        }
    }),
    cel: Some(probe_4_cel),
};

fn probe_1_cel() -> Vec<Cel> {
    vec![cel(
        format!("size(variables.mains) > 0 && has({MAIN}.livenessProbe) && has({MAIN}.readinessProbe)"),
        "the main container has a liveness and a readiness probe",
    )]
}

fn probe_2_cel() -> Vec<Cel> {
    vec![cel(
        "variables.containers.all(c, !has(c.livenessProbe) || !has(c.livenessProbe.failureThreshold) || c.livenessProbe.failureThreshold == 3)",
        "liveness failureThreshold is 3",
    )]
}

fn probe_3_cel() -> Vec<Cel> {
    let key = annotation("runtime");
    let runtime = format!("variables.annotations['{key}']");
    let names = |heavy_only: bool| {
        strings(Runtime::ALL.iter().filter(|r| !heavy_only || r.is_heavy()).flat_map(|r| [r.as_str(), r.name()]))
    };
    let p = format!("{MAIN}.startupProbe");
    let field = |k: &str, default: u32| format!("(has({p}.{k}) ? {p}.{k} : {default})");
    vec![cel(
        format!(
            "!('{key}' in variables.annotations) || !({runtime} in {}) || size(variables.mains) == 0 || (has({p}) ? {} + {} * {} <= {MAX_STARTUP_WINDOW} : !({runtime} in {}))",
            names(false),
            field("initialDelaySeconds", 0),
            field("periodSeconds", 10),
            field("failureThreshold", 3),
            names(true),
        ),
        "a heavy runtime has a startupProbe, and no startupProbe waits more than 180 s",
    )]
}

fn probe_4_cel() -> Vec<Cel> {
    let port = "(has(c[k].httpGet) ? c[k].httpGet.port : (has(c[k].tcpSocket) ? c[k].tcpSocket.port : (has(c[k].grpc) ? c[k].grpc.port : null)))";
    vec![cel(
        format!(
            "variables.containers.all(c, ['livenessProbe', 'readinessProbe', 'startupProbe'].all(k, !(k in c) || {port} == null || (has(c.ports) && c.ports.exists(x, (has(x.name) && x.name == {port}) || x.containerPort == {port}))))"
        ),
        "every probe targets a port its container declares",
    )]
}
