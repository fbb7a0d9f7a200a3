//! N synthetic Elite apps, for the benchmarks of `bench/` (see `bench/README.md`).
//!
//! Each app is the shape issue 8 names: a Deployment with the full Elite pod (restore-config and
//! restore-db init containers, litestream and config-syncer native sidecars), a Service, a PVC,
//! the litestream ConfigMap, an InfisicalSecret (and the litestream PodMonitor, which the
//! standard adds to every app that replicates). `bench/cdk8s/synth.js` builds the same objects.
//!
//! ```text
//! synth tree N [generator flags...]   the generator as `cargo run` runs it, on N apps
//! synth inproc N DIR                  the same, as a library call, timed phase by phase (JSON)
//! synth flat N DIR                    every app's complete objects, one folder per app
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// The allocator of the `apps` binary, so that both measure the same thing.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use elite_gen::elite_core::render;
use elite_gen::elite_core::rules::Door;
use elite_gen::elite_core::{
    AppBuilder, AppSpec, BackupProfile, Category, DbFormat, Environment, Memory, Platform, Priority, Probe, PvcSource,
    Runtime, Size, VolumeSource,
};
use elite_gen::{cli, layout, parallel, validate, write};

/// The synthetic app number `i` (`app-00042`), checked against the whole catalog.
fn app(i: usize) -> AppSpec {
    AppBuilder::new(format!("app-{i:05}"), Category::Media, format!("ghcr.io/example/app-{i:05}:1.{}.0", i % 10))
        .size(Size::Medium)
        .priority(Priority::High)
        .runtime(Runtime::Go)
        .port("http", 8080)
        .liveness(Probe::http("/healthz", "http"))
        .readiness(Probe::http("/ready", "http"))
        .volume("config", "/config", VolumeSource::Pvc(PvcSource { size: Memory(Memory::GI), storage_class: None }))
        .env("TZ", "Europe/Paris")
        .database("app", "/config/app.db", DbFormat::Sqlite, BackupProfile::Standard)
        .config_sync("/config", ["*.log"])
        .environments([Environment::Prod])
        .build()
        .unwrap_or_else(|v| panic!("synthetic app {i} breaks the standard: {v:?}"))
}

fn apps(n: usize) -> Vec<AppSpec> {
    (0..n).map(app).collect()
}

fn usage() -> ExitCode {
    eprintln!("usage: synth tree N [--out DIR ...] | synth inproc N DIR | synth flat N DIR");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mode), Some(Ok(n))) = (args.first(), args.get(1).map(|n| n.parse::<usize>())) else {
        return usage();
    };
    match (mode.as_str(), args.get(2)) {
        ("tree", _) => {
            let mut gen_args: Vec<String> =
                std::iter::once("synth".to_owned()).chain(args[2..].iter().cloned()).collect();
            if !gen_args.iter().any(|a| a == "--config") {
                // Synthetic apps are not the workspace's: give the run a workspace of its own beside
                // the output (its platform file, and where the report of these apps goes), so it
                // never rewrites the workspace's report.
                let Some(out) = gen_args.iter().position(|a| a == "--out").and_then(|i| gen_args.get(i + 1)) else {
                    return usage();
                };
                let ws = PathBuf::from(format!("{}.workspace", out.trim_end_matches('/')));
                let platform = include_str!("../../elite.toml");
                if let Err(e) =
                    std::fs::create_dir_all(&ws).and_then(|()| std::fs::write(ws.join("elite.toml"), platform))
                {
                    eprintln!("synth: {}: {e}", ws.display());
                    return ExitCode::from(2);
                }
                gen_args.extend(["--config".to_owned(), ws.join("elite.toml").display().to_string()]);
            }
            cli::run(&cli::Args::parse_from(gen_args), apps(n))
        }
        ("inproc", Some(dir)) => inproc(n, Path::new(dir)),
        ("flat", Some(dir)) => flat(n, Path::new(dir)),
        _ => usage(),
    }
}

/// The generator's own phases, timed: declare (the builder runs the catalog on each app),
/// validate the set, lay out the tree (render and serialize), write it.
fn inproc(n: usize, dir: &Path) -> ExitCode {
    let platform = Platform::default();
    let t0 = Instant::now();
    let apps = apps(n);
    let t1 = Instant::now();
    let problems = validate::validate(&apps, &platform, Door::Builder);
    assert!(problems.is_empty(), "{problems:?}");
    let t2 = Instant::now();
    let tree = layout::tree(&apps, &platform).expect("synthetic tree");
    let t3 = Instant::now();
    let summary = write::write(dir, &tree).expect("write");
    let t4 = Instant::now();
    let bytes: usize = tree.values().map(String::len).sum();
    println!(
        "{{\"apps\":{n},\"files\":{},\"written\":{},\"bytes\":{bytes},\"declare_s\":{},\"validate_s\":{},\"render_s\":{},\"write_s\":{}}}",
        tree.len(),
        summary.written.len(),
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        (t3 - t2).as_secs_f64(),
        (t4 - t3).as_secs_f64(),
    );
    ExitCode::SUCCESS
}

/// Every app's complete objects (what `kubectl kustomize` builds from its overlay), one folder
/// per app with a plain Kustomization: the layout without components (what cdk8s writes, one file
/// per app), and the audit's input. Rendered and written as the tree is: in parallel, atomically.
fn flat(n: usize, dir: &Path) -> ExitCode {
    let platform = Platform::default();
    let kustomization = render::yaml::file(&[serde_json::json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": ["objects.yaml"],
    })])
    .expect("serialize");
    let apps = apps(n);
    let objects = parallel::map(&apps, |app| {
        let objects = render::render(app, &platform, Environment::Prod);
        render::yaml::file(&objects.iter().map(|o| &o.value).collect::<Vec<_>>()).expect("serialize")
    });
    let mut tree = layout::Tree::new();
    for (app, objects) in apps.iter().zip(objects) {
        tree.insert(format!("{}/objects.yaml", app.name), objects);
        tree.insert(format!("{}/kustomization.yaml", app.name), kustomization.clone());
    }
    match write::write(dir, &tree) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
