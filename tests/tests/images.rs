//! The config-syncer image (`images/config-syncer/Dockerfile`) and the pod that runs it agree: the
//! tag the generator writes is the one the Dockerfile documents, it is built on the rclone the
//! restore step uses, and every program the generated script and probes run is one the build
//! checks is in the image (DUR-9: nothing is installed at start).

mod common;

use std::collections::BTreeSet;

use elite_core::platform::{CONFIG_SYNCER_IMAGE, RCLONE_IMAGE};
use elite_core::pod::{ContainerRole, shared_container};

fn dockerfile() -> String {
    std::fs::read_to_string(common::workspace().join("images/config-syncer/Dockerfile")).unwrap()
}

/// The programs the Dockerfile's build step checks for (`for tool in ...; do`).
fn checked_tools(dockerfile: &str) -> BTreeSet<String> {
    let line = dockerfile.lines().find(|l| l.contains("for tool in")).expect("the Dockerfile checks its tools");
    let list = line.split("for tool in").nth(1).unwrap().split(';').next().unwrap();
    list.split_whitespace().map(str::to_owned).collect()
}

/// The external programs a POSIX shell script runs: the first word of every simple command, less
/// shell keywords, builtins, assignments and the script's own functions.
fn programs(script: &str) -> BTreeSet<String> {
    const SHELL: &[&str] = &[
        "if", "then", "else", "elif", "fi", "while", "until", "do", "done", "case", "esac", "for", "in", "cd", "echo",
        "exit", "export", "set", "trap", "test", "true", "false", "wait", "continue", "break", "return", "read",
        "shift", "printf", "local", "eval", "exec", "command",
    ];
    let mut text = script.replace("\\\n", " ");
    // Arithmetic `$(( ... ))` runs nothing.
    while let Some(start) = text.find("$((") {
        let end = text[start..].find("))").map_or(text.len(), |e| start + e + 2);
        text.replace_range(start..end, "0");
    }
    let text: String = text
        .lines()
        .map(|l| match l.trim_start().starts_with('#') {
            true => "",
            false => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let functions: BTreeSet<&str> =
        text.lines().filter_map(|l| l.trim().split_once("()").map(|(name, _)| name.trim())).collect();
    let mut out = BTreeSet::new();
    for segment in text.split(['\n', ';', '|', '&', '(', ')', '{', '}', '`', '\'']) {
        let mut words = segment
            .split_whitespace()
            .skip_while(|w| ["then", "do", "else", "elif", "if", "while", "until", "!"].contains(w) || w.contains('='));
        let Some(word) = words.next() else { continue };
        let word = word.trim_start_matches('$');
        let is_name = word.starts_with(|c: char| c.is_ascii_lowercase())
            && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if is_name && !SHELL.contains(&word) && !functions.contains(word) {
            out.insert(word.to_owned());
        }
    }
    out
}

#[test]
fn the_generator_names_the_image_the_dockerfile_builds() {
    let d = dockerfile();
    assert!(
        d.lines().any(|l| l.trim() == format!("FROM {RCLONE_IMAGE}")),
        "the config-syncer image is built on {RCLONE_IMAGE}, the rclone of restore-config"
    );
    assert!(d.contains(&format!("docker build -t {CONFIG_SYNCER_IMAGE} images/config-syncer")));
    let rclone_version = RCLONE_IMAGE.rsplit(':').next().unwrap();
    let tag = CONFIG_SYNCER_IMAGE.rsplit(':').next().unwrap();
    let revision = tag.strip_prefix(&format!("{rclone_version}-")).expect("tag is <rclone version>-<revision>");
    assert!(revision.parse::<u32>().is_ok(), "revision {revision} is a number");
    assert!(d.contains("USER 1000:1000"), "the image runs as the sidecars' uid");
}

#[test]
fn every_package_the_image_installs_is_pinned() {
    let d = dockerfile();
    let add = d.lines().find(|l| l.contains("apk add")).expect("the image installs its packages with apk");
    let packages: Vec<&str> = add
        .split("apk add")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .take_while(|w| *w != "\\" && *w != "&&")
        .filter(|w| !w.starts_with("--"))
        .collect();
    assert!(!packages.is_empty(), "{add}");
    for p in packages {
        let p = p.trim_matches('\'');
        assert!(p.contains('~') || p.contains('='), "package {p} is installed without a version");
    }
}

#[test]
fn every_program_the_config_syncer_runs_is_checked_into_the_image() {
    let syncer = shared_container(ContainerRole::ConfigSyncer);
    let mut scripts: Vec<String> = syncer.args.clone();
    for p in [&syncer.probes.liveness, &syncer.probes.readiness, &syncer.probes.startup].into_iter().flatten() {
        if let elite_core::ProbeAction::Exec { command } = &p.action {
            scripts.push(command.last().unwrap().clone());
        }
    }
    let used: BTreeSet<String> = scripts.iter().flat_map(|s| programs(s)).collect();
    for expected in ["rclone", "inotifywait", "find", "wc", "sleep", "touch"] {
        assert!(used.contains(expected), "the scan finds {expected} in the script: {used:?}");
    }
    let checked = checked_tools(&dockerfile());
    let missing: Vec<&String> = used.difference(&checked).collect();
    assert!(missing.is_empty(), "the script runs {missing:?}, which the image build does not check for");
}

#[test]
fn the_scan_of_a_script_finds_its_programs_and_nothing_else() {
    let found = programs(
        "set -eu\nexport A=1 B=2\nf() {\n  jq . x | gzip -c > y\n}\n# curl in a comment\nif [ -f x ]; then f && tar c .; fi\nv=$(wc -l < z) ; n=$((n + 1)); X=1 sed -n p \\\n  w\n",
    );
    assert_eq!(found, ["gzip", "jq", "sed", "tar", "wc"].map(String::from).into());
}
