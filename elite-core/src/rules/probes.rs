//! PROBE: liveness, readiness and startup probes.

use super::{Hint, Rule, RuleId, Severity, Stage::*};
use crate::facts::port_declared;
use crate::model::Runtime;
use crate::rules::cel::{Cel, MAIN, annotation, cel, strings};

pub const PROBE_1: Rule = Rule {
    id: RuleId::Probe1,
    title: "The main container has a liveness and a readiness probe.",
    rationale: "Without liveness a hung app is never restarted; without readiness traffic reaches it before it can answer. Jobs and CronJobs run to completion and are out of scope.",
    severity: Severity::Medium,
    stages: &[Compile],
    hint: Hint {
        dsl: "add `liveness(http = \"/health\", port = http)` and `readiness(http = \"/ready\", port = http)` (or `tcp = http`, `exec = [...]`)",
        builder: "call `.liveness(Probe::http(\"/health\", \"http\"))` and `.readiness(Probe::http(\"/ready\", \"http\"))`",
        data: "set `\"probes\": {\"liveness\": {\"action\": {\"Http\": {\"path\": \"/health\", \"port\": \"http\"}}}, \"readiness\": {...}}`",
        manifest: "add livenessProbe and readinessProbe to the main container",
    },
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

/// The liveness `failureThreshold` the standard requires.
pub const LIVENESS_FAILURE_THRESHOLD: i64 = 3;

pub const PROBE_2: Rule = Rule {
    id: RuleId::Probe2,
    title: "Liveness `failureThreshold` is exactly 3.",
    rationale: "One failed check is noise and ten are minutes of a dead app: three is the standard's trade-off.",
    severity: Severity::Medium,
    stages: &[Compile],
    hint: Hint {
        dsl: "leave `failure_threshold` at 3 in `liveness(...)`",
        builder: "leave the liveness probe's `failure_threshold` at 3",
        data: "leave the liveness probe's `failureThreshold` at 3 (its default)",
        manifest: "set livenessProbe.failureThreshold to 3",
    },
    check: Some(|f, j| {
        for c in &f.containers {
            if let Some(p) = &c.liveness.value
                && p.failure_threshold != LIVENESS_FAILURE_THRESHOLD
            {
                j.fail(
                    &c.liveness.at.push("failureThreshold"),
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

/// The longest startup window allowed for a heavy runtime, in seconds.
pub const MAX_STARTUP_WINDOW: i128 = 180;

pub const PROBE_3: Rule = Rule {
    id: RuleId::Probe3,
    title: "Heavy runtimes (JVM, Python, .NET) have a startupProbe whose window (initialDelaySeconds + periodSeconds × failureThreshold) is at most 180 s.",
    rationale: "Slow starters killed by their liveness probe before they are up crash-loop forever; a startupProbe holds liveness back, and 180 s bounds how long a broken start goes unnoticed. The standard bounds the window of heavy runtimes only: a light runtime may declare a startupProbe of any length (decision recorded here). A declaration must state its runtime.",
    severity: Severity::Medium,
    stages: &[Compile],
    hint: Hint {
        dsl: "state `runtime = ...`; a heavy runtime adds `startup(http = \"/ping\", port = http, period = 10, failure_threshold = 18)`: a 180 s window",
        builder: "call `.runtime(Runtime::Go)` (or the app's); a heavy runtime adds `.startup(Probe::http(\"/ping\", \"http\").failure_threshold(18))`: a 180 s window",
        data: "set `\"runtime\"`; a heavy runtime adds `\"probes\": {\"startup\": {..., \"periodSeconds\": 10, \"failureThreshold\": 18}}`: a 180 s window",
        manifest: "add a startupProbe with initialDelaySeconds + periodSeconds × failureThreshold ≤ 180 (e.g. 10 × 18)",
    },
    check: Some(|f, j| {
        let Some(runtime) =
            j.stated(&f.runtime, "no `runtime` is stated: it decides whether the app needs a startupProbe")
        else {
            return;
        };
        if !runtime.value.is_heavy() {
            return;
        }
        let Some(main) = f.main() else { return };
        match &main.startup.value {
            Some(p) if p.window_seconds() > MAX_STARTUP_WINDOW => j.fail(
                &main.startup.at,
                format!(
                    "the startupProbe waits {} s ({} + {} × {}); at most {MAX_STARTUP_WINDOW} s is allowed",
                    p.window_seconds(),
                    p.initial_delay_seconds,
                    p.period_seconds,
                    p.failure_threshold
                ),
            ),
            Some(_) => {}
            None => j.fail(
                &main.startup.at,
                format!(
                    "runtime {} is heavy and container `{}` has no startupProbe",
                    runtime.value.name(),
                    main.name.value
                ),
            ),
        }
    }),
    cel: Some(probe_3_cel),
};

pub const PROBE_4: Rule = Rule {
    id: RuleId::Probe4,
    title: "Every probe targets a port that the same container declares (by name or number).",
    rationale: "A probe on an undeclared port checks nothing the Service exposes, and a named port that does not exist fails every check.",
    severity: Severity::Medium,
    stages: &[Compile],
    hint: Hint {
        dsl: "point the probe at a port declared with `port(name = number)`, by name or number",
        builder: "point the probe at a port added with `.port(\"name\", number)`",
        data: "point the probe's `port` at a name or number of `ports`",
        manifest: "point the probe at a port the same container lists under ports",
    },
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
                            "the {kind} probe of `{}` targets port `{}`, which the container does not declare (declared: {})",
                            c.name.value,
                            crate::names::printable(&port.to_string()),
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
        format!(
            "variables.containers.all(c, !has(c.livenessProbe) || !has(c.livenessProbe.failureThreshold) || c.livenessProbe.failureThreshold == 0 || c.livenessProbe.failureThreshold == {LIVENESS_FAILURE_THRESHOLD})"
        ),
        "liveness failureThreshold is 3",
    )]
}

fn probe_3_cel() -> Vec<Cel> {
    let key = annotation("runtime");
    let runtime = format!("variables.annotations['{key}']");
    let heavy = strings(Runtime::ALL.iter().filter(|r| r.is_heavy()).flat_map(|r| [r.as_str(), r.name()]));
    let p = format!("{MAIN}.startupProbe");
    // A field Kubernetes defaults when absent or zero.
    let field = |k: &str, default: u32| format!("(has({p}.{k}) && {p}.{k} != 0 ? {p}.{k} : {default})");
    vec![cel(
        format!(
            "!('{key}' in variables.annotations) || !({runtime} in {heavy}) || size(variables.mains) == 0 || (has({p}) && (has({p}.initialDelaySeconds) ? {p}.initialDelaySeconds : 0) + {} * {} <= {MAX_STARTUP_WINDOW})",
            field("periodSeconds", 10),
            field("failureThreshold", 3),
        ),
        "a heavy runtime has a startupProbe that waits at most 180 s",
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
