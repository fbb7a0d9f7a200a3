//! Checks a set of apps before anything is written: every catalog rule on every app (apps from
//! `#[elite]` passed them at compile time; apps built at run time may not have), and the rules
//! that need all apps at once (unique names: META-2; unique S3 prefixes: DUR-5).

use std::collections::BTreeMap;

use elite_core::AppSpec;
use elite_core::pod::names;
use elite_core::rules::check_app;

/// One problem with the app set: the app, the rule (or `DECL` for an inconsistent declaration),
/// and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub app: String,
    pub rule: String,
    pub at: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "app `{}`: [{}] {} (at `{}`)", self.app, self.rule, self.message, self.at)
    }
}

/// Every problem of `apps`, sorted; empty when the set can be generated.
pub fn validate(apps: &[AppSpec]) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut p = |app: &str, rule: &str, at: &str, message: String| {
        out.push(Problem { app: app.into(), rule: rule.into(), at: at.into(), message })
    };
    let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
    let mut prefixes: BTreeMap<String, &str> = BTreeMap::new();
    let violations = crate::parallel::map(apps, check_app);
    for (app, violations) in apps.iter().zip(violations) {
        *by_name.entry(&app.name).or_default() += 1;
        for v in violations {
            p(&app.name, v.rule, &v.at.0, v.message);
        }
        if elite_core::pod::uses_s3(&app.durability) {
            let prefix = names::s3_prefix(app);
            if let Some(other) = prefixes.insert(prefix.clone(), &app.name) {
                p(&app.name, "DUR-5", "name", format!("S3 prefix `{prefix}` is also used by app `{other}`"));
            }
        }
    }
    for (name, n) in by_name {
        if n > 1 {
            p(name, "META-2", "name", format!("{n} apps are named `{name}`; app names must be unique"));
        }
    }
    out.sort();
    out.dedup();
    out
}
