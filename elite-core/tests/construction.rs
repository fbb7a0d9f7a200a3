//! Rules kept by construction: no declaration can break them, because the generator writes the
//! part they judge (sidecar sizes, restore steps, revision history, read-only sidecars, metrics
//! annotations). Each test checks that the generated pod passes the rule, then breaks the one
//! fact the generator guarantees and checks that the rule catches it, so the predicate the audit
//! and the cluster policies reuse is proven to judge something.

use elite_core::facts::{WorkloadFacts, from_app};
use elite_core::pod::{ContainerRole, Lifecycle};
use elite_core::rules::{Outcome, RuleId, judge, rule};
use elite_core::*;

fn facts() -> WorkloadFacts {
    let app = AppBuilder::new("demo", Category::Media, "example/demo:1.2.3")
        .size(Size::Small)
        .priority(Priority::High)
        .runtime(Runtime::Go)
        .port("http", 8080)
        .liveness(Probe::http("/health", "http"))
        .readiness(Probe::http("/health", "http"))
        .volume("config", "/config", VolumeSource::Pvc(PvcSource { size: Memory(Memory::GI), storage_class: None }))
        .database("main", "/config/app.db", DbFormat::Sqlite, BackupProfile::Standard)
        .config_sync("/config", Vec::<String>::new())
        .build()
        .expect("a compliant app");
    from_app(&app)
}

/// The rule passes on the generated pod and fails once `break_it` alters it; returns the messages.
fn kept_by_construction(id: RuleId, break_it: impl FnOnce(&mut WorkloadFacts)) -> Vec<String> {
    let r = rule(id);
    assert!(r.stages.contains(&Stage::Construction), "{id} is listed as kept by construction");
    let mut f = facts();
    assert_eq!(judge(r, &f), Outcome::Pass, "{id} on the generated pod");
    break_it(&mut f);
    match judge(r, &f) {
        Outcome::Fail(v) => {
            assert!(v.iter().all(|v| v.rule == id), "{v:?}");
            v.into_iter().map(|v| v.message).collect()
        }
        other => panic!("{id} did not catch the broken fact: {other:?}"),
    }
}

fn container(f: &mut WorkloadFacts, role: ContainerRole) -> &mut elite_core::facts::ContainerFacts {
    f.containers.iter_mut().find(|c| c.role == role).expect("the generated pod has it")
}

#[test]
fn size_4_sidecars_are_micro() {
    kept_by_construction(RuleId::Size4, |f| {
        container(f, ContainerRole::Litestream).resources.value.memory_limit = Some(Ok(256 << 20))
    });
}

#[test]
fn dur_2_restore_db_runs_before_the_app() {
    kept_by_construction(RuleId::Dur2, |f| f.containers.retain(|c| c.role != ContainerRole::RestoreDb));
}

#[test]
fn dur_2_litestream_outlives_the_app_and_restore_db_precedes_it() {
    // A regular container gets SIGTERM with the app and can miss its last commits.
    let m =
        kept_by_construction(RuleId::Dur2, |f| container(f, ContainerRole::Litestream).lifecycle = Lifecycle::Regular);
    assert!(m[0].contains("`litestream` is a regular container") && m[0].contains("restartPolicy: Always"), "{m:?}");
    // An init container without restartPolicy: Always never exits: the app never starts.
    let m = kept_by_construction(RuleId::Dur2, |f| container(f, ContainerRole::Litestream).lifecycle = Lifecycle::Init);
    assert!(m[0].contains("never starts"), "{m:?}");
    let m =
        kept_by_construction(RuleId::Dur2, |f| container(f, ContainerRole::RestoreDb).lifecycle = Lifecycle::Sidecar);
    assert!(m[0].contains("`restore-db` is a sidecar, not an init container"), "{m:?}");
}

#[test]
fn dur_3_the_config_syncer_outlives_the_app() {
    let m = kept_by_construction(RuleId::Dur3, |f| {
        container(f, ContainerRole::ConfigSyncer).lifecycle = Lifecycle::Regular
    });
    assert!(m[0].contains("`config-syncer` is a regular container"), "{m:?}");
}

#[test]
fn dur_2_restore_db_keeps_its_guards() {
    kept_by_construction(RuleId::Dur2, |f| {
        let c = container(f, ContainerRole::RestoreDb);
        c.command_line.value = vec!["litestream".into(), "restore".into(), "/config/app.db".into()];
    });
}

#[test]
fn dur_8_restore_steps_never_swallow_errors() {
    kept_by_construction(RuleId::Dur8, |f| {
        container(f, ContainerRole::RestoreConfig).command_line.value.push("|| true".into())
    });
}

#[test]
fn meta_3_revision_history_is_three() {
    kept_by_construction(RuleId::Meta3, |f| f.revision_history_limit.value = None);
}

#[test]
fn sec_2_sidecars_are_read_only() {
    kept_by_construction(RuleId::Sec2, |f| {
        container(f, ContainerRole::ConfigSyncer).security.value.read_only_root_filesystem = Some(false)
    });
}

#[test]
fn obs_1_litestream_metrics_are_scraped() {
    let r = rule(RuleId::Obs1);
    let mut f = facts();
    assert_eq!(judge(r, &f), Outcome::Pass);
    // Without the annotations a PodMonitor may still scrape it: the workload alone cannot say.
    f.pod_annotations.value.remove("prometheus.io/scrape");
    assert!(matches!(judge(r, &f), Outcome::Undecidable(_)));
}
