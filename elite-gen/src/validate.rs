//! Checks a set of apps before anything is written: every catalog rule on every app (apps from
//! `#[elite]` passed them at compile time; apps built at run time or read from JSON may not
//! have), and the rules that need all apps at once ([`elite_core::rules::set`]).

use elite_core::rules::set::{AppViolation, check_set};
use elite_core::rules::{Door, check_app};
use elite_core::{AppSpec, Platform};

/// Every problem of `apps`, sorted; empty when the set can be generated.
pub fn validate(apps: &[AppSpec], platform: &Platform, door: Door) -> Vec<AppViolation> {
    let mut out: Vec<AppViolation> = crate::parallel::map(apps, |app| {
        check_app(app, door)
            .into_iter()
            .map(|violation| AppViolation { app: app.name.clone(), violation })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    out.extend(check_set(apps, platform, door));
    out.sort();
    out.dedup();
    out
}
