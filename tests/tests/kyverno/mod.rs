//! Evaluates the CEL of generated Kyverno rules on an object, as Kyverno does: the rule's
//! `variables` in order (each visible to the next as `variables.<name>`), then every expression,
//! which must be true. The engine is the `cel` crate, a spec-following CEL: a missing field is an
//! error, not false. Kyverno's CEL environment adds the strings extension (enabled here) and the
//! Kubernetes quantity library, implemented below from its documentation.
#![allow(dead_code)]

use std::sync::Arc;

use cel::extractors::This;
use cel::objects::Opaque;
use cel::{Context, Env, ExecutionError, Value};
use serde_json::Value as Json;

/// A Kubernetes quantity, in units of 10⁻⁹ (exact for every suffix Kubernetes accepts).
#[derive(Debug, PartialEq, Eq)]
struct Quantity(i128);

impl Opaque for Quantity {
    fn runtime_type_name(&self) -> &str {
        "kubernetes.Quantity"
    }
}

const NANO: i128 = 1_000_000_000;

/// Parses `<decimal>[suffix]` as Kubernetes does: binary (Ki..Ei), decimal (n, u, m, k, M..E) or
/// an exponent (`e3`).
fn parse_quantity(s: &str) -> Option<i128> {
    let s = s.trim();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-')).unwrap_or(s.len());
    let (number, suffix) = s.split_at(split);
    let (negative, number) = match number.strip_prefix('-') {
        Some(n) => (true, n),
        None => (false, number.strip_prefix('+').unwrap_or(number)),
    };
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if int.is_empty() && frac.is_empty() || frac.len() > 9 {
        return None;
    }
    let digits = |d: &str| -> Option<i128> { if d.is_empty() { Some(0) } else { d.parse().ok() } };
    let mut nanos = digits(int)? * NANO + digits(frac)? * 10i128.pow(9 - frac.len() as u32);
    let pow = |base: i128, e: u32| base.pow(e);
    match suffix {
        "" => {}
        "n" => nanos /= NANO,
        "u" => nanos /= 1_000_000,
        "m" => nanos /= 1_000,
        "k" => nanos *= 1_000,
        "M" => nanos *= pow(10, 6),
        "G" => nanos *= pow(10, 9),
        "T" => nanos *= pow(10, 12),
        "P" => nanos *= pow(10, 15),
        "E" => nanos *= pow(10, 18),
        "Ki" => nanos *= 1 << 10,
        "Mi" => nanos *= 1 << 20,
        "Gi" => nanos *= 1 << 30,
        "Ti" => nanos *= 1 << 40,
        "Pi" => nanos *= 1 << 50,
        "Ei" => nanos *= 1 << 60,
        e if e.starts_with(['e', 'E']) => {
            let exp: i32 = e[1..].parse().ok()?;
            if exp >= 0 { nanos *= pow(10, exp as u32) } else { nanos /= pow(10, (-exp) as u32) }
        }
        _ => return None,
    }
    Some(if negative { -nanos } else { nanos })
}

fn quantity_of(v: &Value, function: &str) -> Result<i128, ExecutionError> {
    match v {
        Value::Opaque(o) => o
            .downcast_ref::<Quantity>()
            .map(|q| q.0)
            .ok_or_else(|| ExecutionError::function_error(function, "not a quantity")),
        _ => Err(ExecutionError::function_error(function, "not a quantity")),
    }
}

/// A JSON object as Kubernetes hands it to CEL: integers are `int` (int64, as OpenAPI declares
/// them), not `uint`.
pub fn to_cel(v: &Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => Value::String(Arc::new(s.clone())),
        Json::Array(a) => Value::List(Arc::new(a.iter().map(to_cel).collect())),
        Json::Object(o) => {
            let map: std::collections::HashMap<String, Value> = o.iter().map(|(k, v)| (k.clone(), to_cel(v))).collect();
            Value::from(map)
        }
    }
}

/// A CEL environment with what Kyverno's provides for these policies.
pub struct Kyverno {
    env: Arc<Env>,
    /// Compiled expressions, by source.
    programs: std::cell::RefCell<std::collections::HashMap<String, Arc<cel::Program>>>,
}

impl Kyverno {
    pub fn new() -> Kyverno {
        let mut env = Env::stdlib();
        env.add_extension(cel::extensions::strings).expect("the strings extension registers");
        Kyverno { env: Arc::new(env), programs: Default::default() }
    }

    fn context(&self) -> Context<'static, 'static> {
        let mut ctx = Context::with_env(self.env.clone());
        ctx.add_function("quantity", |s: Arc<String>| -> Result<Value, ExecutionError> {
            parse_quantity(&s)
                .map(|q| Value::Opaque(Arc::new(Quantity(q))))
                .ok_or_else(|| ExecutionError::function_error("quantity", format!("invalid quantity {s:?}")))
        })
        .unwrap();
        ctx.add_function("isEqualTo", |This(a): This<Value>, b: Value| -> Result<bool, ExecutionError> {
            Ok(quantity_of(&a, "isEqualTo")? == quantity_of(&b, "isEqualTo")?)
        })
        .unwrap();
        ctx.add_function("isLessThan", |This(a): This<Value>, b: Value| -> Result<bool, ExecutionError> {
            Ok(quantity_of(&a, "isLessThan")? < quantity_of(&b, "isLessThan")?)
        })
        .unwrap();
        ctx.add_function("asApproximateFloat", |This(a): This<Value>| -> Result<f64, ExecutionError> {
            Ok(quantity_of(&a, "asApproximateFloat")? as f64 / NANO as f64)
        })
        .unwrap();
        ctx.add_function("asInteger", |This(a): This<Value>| -> Result<i64, ExecutionError> {
            let q = quantity_of(&a, "asInteger")?;
            if q % NANO != 0 {
                return Err(ExecutionError::function_error("asInteger", "not an integer"));
            }
            i64::try_from(q / NANO).map_err(|_| ExecutionError::function_error("asInteger", "out of range"))
        })
        .unwrap();
        ctx
    }

    /// Evaluates one Kyverno rule (`validate.cel`) on `object`: `Ok(None)` when it passes, the
    /// message of the first false expression otherwise, or the evaluation error.
    pub fn evaluate(&self, rule: &Json, object: &Json) -> Result<Option<String>, String> {
        let cel = &rule["validate"]["cel"];
        let mut ctx = self.context();
        ctx.add_variable("object", to_cel(object)).unwrap();
        let mut variables = std::collections::HashMap::<String, Value>::new();
        for v in cel["variables"].as_array().into_iter().flatten() {
            let name = v["name"].as_str().unwrap();
            ctx.add_variable("variables", Value::from(variables.clone())).unwrap();
            let value =
                self.run(v["expression"].as_str().unwrap(), &ctx).map_err(|e| format!("variable {name}: {e}"))?;
            variables.insert(name.to_owned(), value);
        }
        ctx.add_variable("variables", Value::from(variables)).unwrap();
        for e in cel["expressions"].as_array().unwrap() {
            let expression = e["expression"].as_str().unwrap();
            match self.run(expression, &ctx)? {
                Value::Bool(true) => {}
                Value::Bool(false) => return Ok(Some(e["message"].as_str().unwrap_or_default().to_owned())),
                other => return Err(format!("`{expression}` is not a boolean: {other:?}")),
            }
        }
        Ok(None)
    }

    fn run(&self, expression: &str, ctx: &Context) -> Result<Value, String> {
        let cached = self.programs.borrow().get(expression).cloned();
        let program = match cached {
            Some(p) => p,
            None => {
                let p = Arc::new(
                    self.env.compile(expression).map_err(|e| format!("`{expression}` does not compile: {e}"))?,
                );
                self.programs.borrow_mut().insert(expression.to_owned(), p.clone());
                p
            }
        };
        program.execute(ctx).map_err(|e| format!("`{expression}`: {e}"))
    }
}

#[test]
fn quantities_parse_as_kubernetes_reads_them() {
    assert_eq!(parse_quantity("100m"), Some(NANO / 10));
    assert_eq!(parse_quantity("0.5"), Some(NANO / 2));
    assert_eq!(parse_quantity("1Gi"), Some(NANO << 30));
    assert_eq!(parse_quantity("1024Mi"), parse_quantity("1Gi"));
    assert_eq!(parse_quantity("1e3"), parse_quantity("1k"));
    assert_eq!(parse_quantity("1.5G"), Some(1_500_000_000 * NANO));
    assert_eq!(parse_quantity("12x"), None);
    assert_eq!(parse_quantity(""), None);
}

#[test]
fn a_missing_field_is_an_error_not_false() {
    // What makes the evaluator worth trusting: cel-go (Kyverno) fails on a missing field, and a
    // lenient engine that read it as false or null would hide unguarded expressions.
    let k = Kyverno::new();
    let rule = serde_json::json!({"validate": {"cel": {"expressions": [{"expression": "object.spec.replicas == 1", "message": "m"}]}}});
    let err = k.evaluate(&rule, &serde_json::json!({"spec": {}})).unwrap_err();
    assert!(err.contains("replicas"), "{err}");
    assert_eq!(k.evaluate(&rule, &serde_json::json!({"spec": {"replicas": 1}})), Ok(None));
    assert_eq!(k.evaluate(&rule, &serde_json::json!({"spec": {"replicas": 2}})), Ok(Some("m".into())));
}

/// The PolicyExceptions of a repository, applied as Kyverno applies them: a rule of a policy
/// is not evaluated on a resource an exception names for it.
pub struct Exceptions(pub Vec<Json>);

/// Kyverno's wildcard match: `*` any run, `?` one character.
fn wildcard(pattern: &str, s: &str) -> bool {
    fn go(p: &[char], s: &[char]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], s) || (!s.is_empty() && go(p, &s[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &s[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &s[1..]),
            _ => false,
        }
    }
    go(&pattern.chars().collect::<Vec<_>>(), &s.chars().collect::<Vec<_>>())
}

impl Exceptions {
    /// Whether rule `rule` of policy `policy` is excepted for `object`.
    pub fn excepts(&self, policy: &str, rule: &str, object: &Json) -> bool {
        let kind = object["kind"].as_str().unwrap_or_default();
        let api = object["apiVersion"].as_str().unwrap_or_default();
        let name = object["metadata"]["name"].as_str().unwrap_or_default();
        let namespace = object["metadata"]["namespace"].as_str().unwrap_or_default();
        self.0.iter().filter(|e| e["kind"] == "PolicyException").any(|e| {
            let names_rule = e["spec"]["exceptions"].as_array().into_iter().flatten().any(|x| {
                x["policyName"] == policy
                    && x["ruleNames"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|r| r.as_str().is_some_and(|r| wildcard(r, rule)))
            });
            let matches = e["spec"]["match"]["any"].as_array().into_iter().flatten().any(|f| {
                let r = &f["resources"];
                let list = |key: &str, value: &str| {
                    r[key].as_array().is_none_or(|a| a.iter().filter_map(|v| v.as_str()).any(|p| wildcard(p, value)))
                };
                let kinds = r["kinds"].as_array().is_some_and(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str())
                        .any(|k| k == kind || k == format!("{api}/{kind}") || wildcard(k, kind))
                });
                kinds && list("names", name) && list("namespaces", namespace)
            });
            names_rule && matches
        })
    }
}

#[test]
fn exceptions_match_as_kyverno_matches_them() {
    let e = Exceptions(vec![serde_json::json!({
        "kind": "PolicyException",
        "spec": {
            "exceptions": [{"policyName": "p", "ruleNames": ["r-*"]}],
            "match": {"any": [{"resources": {"kinds": ["Deployment"], "namespaces": ["media"], "names": ["so?arr"]}}]}
        }
    })]);
    let obj = |ns: &str, name: &str| serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"namespace": ns, "name": name}});
    assert!(e.excepts("p", "r-1", &obj("media", "sonarr")));
    assert!(!e.excepts("p", "s-1", &obj("media", "sonarr")));
    assert!(!e.excepts("q", "r-1", &obj("media", "sonarr")));
    assert!(!e.excepts("p", "r-1", &obj("home", "sonarr")));
    assert!(!e.excepts("p", "r-1", &obj("media", "radarr")));
}
