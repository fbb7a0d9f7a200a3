//! README's "How to add an app", followed literally in a copy of the workspace: the file it names,
//! the declaration it shows, the command it gives; then the drift check it promises is clean, the
//! folder it promises exists, and the error it shows for `priority = Medium` is the one printed.
//! The copy holds what a clone holds (the repository's files), with nothing beside it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The text of README's section `title`, up to the next `## ` heading.
fn section(readme: &str, title: &str) -> String {
    let start = readme.find(&format!("\n## {title}\n")).unwrap_or_else(|| panic!("README has no section {title:?}"));
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    rest[..end].to_owned()
}

/// The first fenced block of `lang` in `text`.
fn fenced(text: &str, lang: &str) -> String {
    let open = format!("```{lang}\n");
    let start = text.find(&open).unwrap_or_else(|| panic!("no ```{lang} block")) + open.len();
    text[start..][..text[start..].find("```").unwrap()].to_owned()
}

/// The first word of `text` between backticks that starts with `prefix`.
fn quoted(text: &str, prefix: &str) -> String {
    text.split('`')
        .skip(1)
        .step_by(2)
        .find(|w| w.starts_with(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}...`"))
        .to_owned()
}

/// The repository's files (what `git clone` gives): tracked and untracked-but-not-ignored files
/// when this is a git checkout, every file outside `target/` otherwise.
fn repository_files(root: &Path) -> Vec<PathBuf> {
    let git = Command::new("git")
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .current_dir(root)
        .output();
    if let Some(out) = git.ok().filter(|o| o.status.success() && !o.stdout.is_empty()) {
        return out
            .stdout
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
            .collect();
    }
    let mut files = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for e in std::fs::read_dir(root.join(&rel)).unwrap().flatten() {
            let name = e.file_name();
            let path = rel.join(&name);
            let kind = e.file_type().unwrap();
            if kind.is_dir() && !matches!(name.to_str(), Some("target" | ".git" | "node_modules")) {
                stack.push(path);
            } else if kind.is_file() {
                files.push(path);
            }
        }
    }
    files
}

fn copy_repository(to: &Path) {
    let root = root();
    for rel in repository_files(&root) {
        let from = root.join(&rel);
        if !from.is_file() {
            continue; // listed by git, deleted in the working tree
        }
        std::fs::create_dir_all(to.join(&rel).parent().unwrap()).unwrap();
        std::fs::copy(&from, to.join(&rel)).unwrap();
    }
}

/// `cargo <args>` in the copy, as a user runs it there (its own target folder, kept between runs
/// of the suite so only the copy's own crates rebuild).
fn cargo(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", Path::new(env!("CARGO_TARGET_TMPDIR")).join("newcomer-target"))
        .env_remove("CARGO_MANIFEST_DIR")
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn the_readme_add_an_app_steps_work_literally_in_a_copy_of_the_repository() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let steps = section(&readme, "How to add an app");
    let file = quoted(&steps, "apps/src/");
    let folder = quoted(&steps, "apps/20-media/");
    let declaration = fenced(&steps, "rust");
    let shown_error = fenced(&steps, "text");
    assert!(!root().join(&file).exists(), "README's example file {file} must be new");

    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("elite");
    copy_repository(&copy);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1, "nothing beside the copy");
    std::fs::write(copy.join(&file), &declaration).unwrap();

    // Step 2: `cargo run`.
    let run = cargo(&copy, &["run", "-q"]);
    assert!(run.status.success(), "cargo run failed:\n{}", text(&run));
    let app = copy.join(folder.trim_end_matches('/'));
    for f in ["base/kustomization.yaml", "overlays/dev/kustomization.yaml", "overlays/prod/kustomization.yaml"] {
        assert!(app.join(f).is_file(), "{folder}{f} was not written:\n{}", text(&run));
    }
    let name = app.file_name().unwrap().to_str().unwrap();
    let report = std::fs::read_to_string(copy.join("docs/reports/CONFORMITY.md")).unwrap();
    assert!(report.contains(name), "the conformity report names {name}");
    let check = cargo(&copy, &["run", "-q", "--", "--check"]);
    assert!(check.status.success(), "the drift check after `cargo run`:\n{}", text(&check));

    // The error README shows, for the same declaration with `priority = Medium`.
    assert_eq!(declaration.matches("priority = High").count(), 1);
    std::fs::write(copy.join(&file), declaration.replace("priority = High", "priority = Medium")).unwrap();
    let broken = cargo(&copy, &["run", "-q"]);
    assert!(!broken.status.success(), "a broken rule must stop the build");
    let printed = String::from_utf8_lossy(&broken.stderr);
    for line in shown_error.lines() {
        assert!(printed.lines().any(|l| l == line), "README shows {line:?}; cargo printed:\n{printed}");
    }

    // A file whose name cannot be a module is an error naming it, not an app silently left out.
    std::fs::write(copy.join(&file), &declaration).unwrap();
    std::fs::write(copy.join("apps/src/more-apps.rs"), &declaration).unwrap();
    let misnamed = cargo(&copy, &["run", "-q"]);
    assert!(!misnamed.status.success(), "apps/src/more-apps.rs cannot be a module: the build must fail");
    assert!(text(&misnamed).contains("src/more-apps.rs"), "the error names the file:\n{}", text(&misnamed));

    // The whole workspace builds too, and `cargo run` works after it: the generator's shared
    // library (elite-gen-dylib) links only when cargo builds it as a dependency, and a workspace
    // build that selected it would leave a library no binary can link. Its source is touched so
    // the workspace build relinks it (cargo does not rebuild a fresh library for that alone).
    std::fs::remove_file(copy.join("apps/src/more-apps.rs")).unwrap();
    let dylib = copy.join("elite-gen-dylib/src/lib.rs");
    std::fs::write(&dylib, std::fs::read(&dylib).unwrap()).unwrap();
    let workspace = cargo(&copy, &["build", "-q", "--workspace"]);
    assert!(workspace.status.success(), "cargo build --workspace:\n{}", text(&workspace));
    let again = cargo(&copy, &["run", "-q", "--", "--check"]);
    assert!(again.status.success(), "cargo run after a workspace build:\n{}", text(&again));
}

/// One name for the tool: its usage, its version and every subcommand's usage say `elite`, as
/// README does.
#[test]
fn the_tool_calls_itself_elite_everywhere() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_elite-under-test")).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let version = run(&["--version"]);
    assert_eq!(version.split_whitespace().next(), Some("elite"), "{version}");
    let help = run(&["--help"]);
    assert!(help.contains("\nUsage: elite [OPTIONS] [COMMAND]"), "{help}");
    let commands: Vec<&str> = help
        .split("Commands:\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 5, "{commands:?}");
    for c in commands {
        let usage = run(&[c, "--help"]);
        assert!(usage.contains(&format!("Usage: elite {c}")), "{c}: {usage}");
    }
    assert!(!help.contains("elite-gen") && !help.contains("Usage: apps"), "{help}");
}
