//! Identity and scheduling: name, category, namespace, role, image, command, runtime, workload,
//! environments, size, priority, replicas, high availability.

use elite_core::model::{Category, Environment, Priority, Resources, Role, Runtime, Size, Workload};
use elite_core::{Cpu, Memory};

use super::Draft;
use super::values::{Reader, get};
use crate::diagnostics::list;
use crate::keys::CUSTOM_SIZE_KEYS;
use crate::syntax::{Node, Value};

/// The value of an assignment (the table has checked the shape).
fn value(node: &Node) -> Option<&Value> {
    match node {
        Node::Assign { value, .. } => Some(value),
        _ => None,
    }
}

pub fn name(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Some(v) = value(node) else { return };
    if let Some(n) = r.string(v) {
        d.spec.name = n;
        d.name = Some(v.range());
        r.spans.insert("/name", v.range());
    }
}

pub fn category(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Some(v) = value(node) else { return };
    if let Some(c) = r.choice(v, Category::ALL, Category::name, "category") {
        d.spec.category = c;
        d.category = true;
        r.spans.insert("/category", v.range());
    }
}

pub fn namespace(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Some(v) = value(node) else { return };
    if let Some(n) = r.string(v) {
        d.spec.namespace = Some(n);
        r.spans.insert("/namespace", v.range());
    }
}

pub fn role(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Some(v) = value(node) else { return };
    if let Some(x) = r.choice(v, Role::ALL, Role::name, "role") {
        d.spec.role = x;
        r.spans.insert("/role", v.range());
    }
}

pub fn image(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Some(v) = value(node) else { return };
    if let Some(i) = r.string(v) {
        d.spec.image = i;
        r.spans.insert("/image", v.range());
    }
}

pub fn command(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Some(v) = value(node) else { return };
    if let Some(c) = r.strings(v) {
        d.spec.command = c;
        r.spans.insert("/command", v.range());
    }
}

pub fn args(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Some(v) = value(node) else { return };
    if let Some(a) = r.strings(v) {
        d.spec.args = a;
        r.spans.insert("/args", v.range());
    }
}

pub fn runtime(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Some(v) = value(node) else { return };
    if let Some(x) = r.choice(v, Runtime::ALL, Runtime::name, "runtime") {
        d.spec.runtime = Some(x);
        r.spans.insert("/runtime", v.range());
    }
}

pub fn workload(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Some(v) = value(node) else { return };
    if let Some(x) = r.choice(v, Workload::ALL, Workload::name, "workload") {
        d.spec.workload = x;
        r.spans.insert("/workload", v.range());
    }
}

pub fn environments(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Some(v) = value(node) else { return };
    let Value::List { items, .. } = v else {
        r.e.at(v.range(), format!("expected a list such as `[Dev, Prod]`, found {}", v.describe()));
        return;
    };
    r.spans.insert("/environments", v.range());
    let mut envs = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(e) = r.choice(item, Environment::ALL, Environment::name, "environment") {
            r.spans.insert(format!("/environments/{i}"), item.range());
            envs.push(e);
        }
    }
    d.spec.environments = envs;
}

pub fn size(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Some(v) = value(node) else { return };
    let size = match v {
        Value::Call { name, nodes, .. } if crate::syntax::ident_text(name) == "Custom" => {
            let Some(opts) = r.options(nodes, CUSTOM_SIZE_KEYS, "`Custom(...)`", |_, _| false) else { return };
            let cpu = |r: &mut Reader, key| get(&opts, key).and_then(|(v, _)| r.quantity(v, Cpu::parse));
            let mem = |r: &mut Reader, key| get(&opts, key).and_then(|(v, _)| r.quantity(v, Memory::parse));
            let (cr, cl) = (cpu(r, "cpu_request"), cpu(r, "cpu_limit"));
            let memory = mem(r, "memory");
            let (mr, ml) = (mem(r, "memory_request"), mem(r, "memory_limit"));
            if memory.is_some() && (mr.is_some() || ml.is_some()) {
                r.e.at(v.range(), "give `memory`, or `memory_request` and `memory_limit`, not both");
                return;
            }
            let has = |k| get(&opts, k).is_some();
            let mut missing = Vec::new();
            for k in ["cpu_request", "cpu_limit"] {
                if !has(k) {
                    missing.push(k);
                }
            }
            if !(has("memory") || has("memory_request") && has("memory_limit")) {
                missing.push("memory");
            }
            if !missing.is_empty() {
                r.e.at(v.range(), format!("a custom size needs `cpu_request`, `cpu_limit` and `memory` (or `memory_request` and `memory_limit`); missing: {}", list(&missing)));
                return;
            }
            match (cr, cl, memory.or(mr), memory.or(ml)) {
                (Some(cpu_request), Some(cpu_limit), Some(memory_request), Some(memory_limit)) => {
                    Some(Size::Custom(Resources { cpu_request, cpu_limit, memory_request, memory_limit }))
                }
                // A value that did not parse was reported where it was written.
                _ => None,
            }
        }
        _ => r.choice(v, &Size::PRESETS, Size::name, "size"),
    };
    if let Some(s) = size {
        d.spec.size = Some(s);
        r.spans.insert("/size", v.range());
    }
}

pub fn priority(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Some(v) = value(node) else { return };
    if let Some(p) = r.choice(v, Priority::ALL, Priority::name, "priority") {
        d.spec.priority = Some(p);
        r.spans.insert("/priority", v.range());
    }
}

pub fn replicas(r: &mut Reader, node: &Node, d: &mut Draft) {
    let Some(v) = value(node) else { return };
    if let Some(n) = r.int(v) {
        d.spec.replicas = n;
        r.spans.insert("/replicas", v.range());
    }
}

pub fn ha(r: &mut Reader, node: &Node, d: &mut Draft) {
    let ha = match node {
        Node::Assign { value, .. } => r.bool(value),
        _ => Some(true),
    };
    if let Some(ha) = ha {
        d.spec.ha = ha;
        r.spans.insert("/ha", node.range());
    }
}
