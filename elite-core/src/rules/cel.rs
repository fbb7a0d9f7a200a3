//! The rules as the cluster evaluates them: CEL conditions for Kyverno (`validate.cel`), written
//! next to each rule's predicate and built from the same constants (presets, class names,
//! container names). A condition is true when the workload complies.
//!
//! The conditions read the object only; what the object does not state (role, runtime, HA,
//! durability: the `vixens.io/*` pod annotations) leaves a rule undecided, and an undecided rule
//! passes, as the predicate's `undecidable` does. They use standard CEL, the strings extension
//! and the Kubernetes quantity library, all of which Kyverno's CEL environment provides, and guard
//! every optional field with `has()`: a missing field is an evaluation error in CEL.

use crate::model::Size;
use crate::platform::ANNOTATION_PREFIX;
use crate::pod::ContainerRole;

/// One condition of a rule and the message shown when it is false.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cel {
    /// The named part of the rule it judges (its own Kyverno rule, which an exception can
    /// name), if any.
    pub check: Option<&'static str>,
    /// True when the workload complies.
    pub expression: String,
    /// What is required, shown when it is false.
    pub message: String,
}

/// A condition and its message.
pub fn cel(expression: impl Into<String>, message: impl Into<String>) -> Cel {
    Cel { check: None, expression: expression.into(), message: message.into() }
}

/// A condition of the named part `check` of a rule.
pub fn cel_check(check: &'static str, expression: impl Into<String>, message: impl Into<String>) -> Cel {
    Cel { check: Some(check), expression: expression.into(), message: message.into() }
}

/// A CEL string literal holding exactly `s` (backslashes, quotes and control characters escaped).
pub fn cel_string(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A CEL list literal of strings.
pub fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let quoted: Vec<String> = items.into_iter().map(|s| cel_string(s.as_ref())).collect();
    format!("[{}]", quoted.join(", "))
}

/// The names of the durability containers.
pub fn durability_names() -> String {
    strings(
        [
            ContainerRole::RestoreConfig,
            ContainerRole::RestoreDb,
            ContainerRole::Litestream,
            ContainerRole::ConfigSyncer,
        ]
        .map(|r| r.fixed_name().unwrap_or_default()),
    )
}

/// `vixens.io/<key>`.
pub fn annotation(key: &str) -> String {
    format!("{ANNOTATION_PREFIX}{key}")
}

/// One durability token of the `vixens.io/durability` summary (see `facts::parse_durability`).
const TOKEN_RE: &str = "^(config:.+|(sqlite|bbolt):[^=]*=.*@(Critical|Standard|Relaxed|Ephemeral))$";

/// The variables every rule may use, in dependency order (Kyverno evaluates `variables.<name>`).
pub fn variables() -> Vec<(&'static str, String)> {
    let durability = annotation("durability");
    vec![
        ("template", "object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template : object.spec.template".into()),
        ("pod", "variables.template.spec".into()),
        (
            "annotations",
            "has(variables.template.metadata) && has(variables.template.metadata.annotations) ? variables.template.metadata.annotations : {}".into(),
        ),
        ("labels", "has(object.metadata.labels) ? object.metadata.labels : {}".into()),
        ("inits", "has(variables.pod.initContainers) ? variables.pod.initContainers : []".into()),
        ("regular", "variables.pod.containers".into()),
        ("containers", "variables.inits + variables.regular".into()),
        ("mains", format!("variables.regular.filter(c, !(c.name in {}))", durability_names())),
        ("helpers", format!("variables.inits + variables.regular.filter(c, c.name in {})", durability_names())),
        (
            "durability",
            format!("'{durability}' in variables.annotations ? variables.annotations['{durability}'] : ''"),
        ),
        ("tokens", "variables.durability.split(' ').filter(t, t != '')".into()),
        (
            "stated",
            format!(
                "'{durability}' in variables.annotations && (variables.durability.trim() == 'stateless' || (size(variables.tokens) > 0 && variables.tokens.all(t, t.matches('{TOKEN_RE}')) && size(variables.tokens.filter(t, t.startsWith('config:'))) <= 1))"
            ),
        ),
        (
            "dbs",
            "variables.stated && variables.durability.trim() != 'stateless' ? variables.tokens.filter(t, !t.startsWith('config:')) : []".into(),
        ),
        ("replicated", "variables.dbs.exists(t, t.startsWith('sqlite:') && !t.endsWith('@Ephemeral'))".into()),
        (
            "configs",
            "variables.stated && variables.durability.trim() != 'stateless' ? variables.tokens.filter(t, t.startsWith('config:')) : []".into(),
        ),
    ]
}

/// The variables `expressions` use, with those they depend on, in dependency order.
pub fn variables_used(expressions: &[&str]) -> Vec<(&'static str, String)> {
    let all = variables();
    let mut used: Vec<bool> = vec![false; all.len()];
    let mut text: String = expressions.join("\n");
    loop {
        let mut changed = false;
        for (i, (name, expr)) in all.iter().enumerate() {
            if !used[i] && mentions(&text, name) {
                used[i] = true;
                text.push('\n');
                text.push_str(expr);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    all.into_iter().zip(used).filter(|(_, u)| *u).map(|(v, _)| v).collect()
}

/// Whether `text` reads `variables.<name>` (not a longer name).
fn mentions(text: &str, name: &str) -> bool {
    let needle = format!("variables.{name}");
    text.match_indices(&needle)
        .any(|(i, _)| text[i + needle.len()..].chars().next().is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_')))
}

/// The main container (guard with `size(variables.mains) > 0`).
pub const MAIN: &str = "variables.mains[0]";

/// `has(c.resources.<section>.<key>)`, written for a map whose keys are not identifiers.
pub fn has_quantity(c: &str, section: &str, key: &str) -> String {
    format!("(has({c}.resources) && has({c}.resources.{section}) && '{key}' in {c}.resources.{section})")
}

/// `x` (a non-negative double) rounded up to an integer, as Kubernetes rounds a quantity to its
/// unit, robust to the float noise of `asApproximateFloat` (a remainder under a thousandth of
/// the unit is noise).
fn ceil(x: &str) -> String {
    format!("(int({x} + 0.5) + (double(int({x} + 0.5)) + 0.001 < {x} ? 1 : 0))")
}

/// CPU millicores of `c`'s `section` (`requests` or `limits`), rounded up as Kubernetes does.
pub fn cpu_millis(c: &str, section: &str) -> String {
    ceil(&format!("(quantity(string({c}.resources.{section}.cpu)).asApproximateFloat() * 1000.0)"))
}

/// Memory bytes of `c`'s `section`, rounded up (a quantity may name milli-bytes, which
/// `asInteger()` refuses).
pub fn memory_bytes(c: &str, section: &str) -> String {
    ceil(&format!("quantity(string({c}.resources.{section}.memory)).asApproximateFloat()"))
}

/// Whether `c` sets all four requests and limits.
pub fn has_all_resources(c: &str) -> String {
    [("requests", "cpu"), ("limits", "cpu"), ("requests", "memory"), ("limits", "memory")]
        .map(|(s, k)| has_quantity(c, s, k))
        .join(" && ")
}

/// `sizes` as a CEL list of `[cpu request m, cpu limit m, memory bytes]`.
pub fn presets(sizes: &[Size]) -> String {
    let rows: Vec<String> = sizes
        .iter()
        .map(|s| {
            let r = s.resources();
            format!("[{}, {}, {}]", r.cpu_request.millis(), r.cpu_limit.millis(), r.memory_limit.bytes())
        })
        .collect();
    format!("[{}]", rows.join(", "))
}

/// Whether `c`'s resources equal one of `presets` (a CEL list of `[cpu req, cpu lim, memory]`).
pub fn is_preset(c: &str, presets: &str) -> String {
    format!(
        "({all} && {presets}.exists(p, {cr} == p[0] && {cl} == p[1] && {mr} == p[2] && {ml} == p[2]))",
        all = has_all_resources(c),
        cr = cpu_millis(c, "requests"),
        cl = cpu_millis(c, "limits"),
        mr = memory_bytes(c, "requests"),
        ml = memory_bytes(c, "limits"),
    )
}

/// `command` then `args` of `c`, joined by spaces.
pub fn command_line(c: &str) -> String {
    format!("((has({c}.command) ? {c}.command : []) + (has({c}.args) ? {c}.args : [])).join(' ')")
}

/// Whether the path `path` lies in the directory `dir` (see `model::path_is_under`).
pub fn path_is_under(path: &str, dir: &str) -> String {
    let trimmed = format!("({dir}.endsWith('/') ? {dir}.substring(0, size({dir}) - 1) : {dir})");
    format!("({path} == {trimmed} || {path}.startsWith({trimmed} + '/'))")
}

/// Whether container `c` mounts a volume that holds `path`.
pub fn mounts_path(c: &str, path: &str) -> String {
    format!("(has({c}.volumeMounts) && {c}.volumeMounts.exists(m, {}))", path_is_under(path, "m.mountPath"))
}

/// The deepest mounts of container `c` that hold `path` (a list; guard with [`mounts_path`]).
pub fn deepest_mounts(c: &str, path: &str) -> String {
    format!(
        "{c}.volumeMounts.filter(m, {} && !{c}.volumeMounts.exists(o, {} && size(o.mountPath) > size(m.mountPath)))",
        path_is_under(path, "m.mountPath"),
        path_is_under(path, "o.mountPath"),
    )
}

/// Whether the deepest mount of `c` that holds `path` is read-only (guard with [`mounts_path`]).
pub fn deepest_mount_read_only(c: &str, path: &str) -> String {
    format!("{}.exists(m, has(m.readOnly) && m.readOnly)", deepest_mounts(c, path))
}

/// Whether the path `x` sits on a companion of the database path `db`: `db` with one of
/// `suffixes`, or inside its Litestream directory (`.<file>-litestream` beside it).
pub fn on_companion(x: &str, db: &str, suffixes: [&str; 3]) -> String {
    let ld = format!(
        "({db}.substring(0, {db}.lastIndexOf('/')) + '/.' + {db}.substring({db}.lastIndexOf('/') + 1) + '-litestream')"
    );
    format!("({}.exists(s, {x} == {db} + s) || {x} == {ld} || {x}.startsWith({ld} + '/'))", strings(suffixes))
}

/// A security field of `c`, falling back to the pod's (`null` when neither sets it).
pub fn inherited_security(c: &str, key: &str) -> String {
    format!(
        "(has({c}.securityContext) && has({c}.securityContext.{key}) ? {c}.securityContext.{key} : (has(variables.pod.securityContext) && has(variables.pod.securityContext.{key}) ? variables.pod.securityContext.{key} : null))"
    )
}

/// Whether `c` runs with restartPolicy: Always (a native sidecar when in the init list).
pub fn restarts_always(c: &str) -> String {
    format!("(has({c}.restartPolicy) && {c}.restartPolicy == 'Always')")
}

/// A DNS-1123 label (see `names::dns1123_label_error`).
pub fn is_dns_label(s: &str) -> String {
    format!("(size({s}) <= 63 && {s}.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'))")
}

/// The name of a database token `t` (`sqlite:<name>=<path>@<profile>`).
pub fn db_name(t: &str) -> String {
    format!("{t}.substring({t}.indexOf(':') + 1, {t}.indexOf('='))")
}

/// The path of a database token `t`.
pub fn db_path(t: &str) -> String {
    format!("{t}.substring({t}.indexOf('=') + 1, {t}.lastIndexOf('@'))")
}
