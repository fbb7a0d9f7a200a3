//! Hostile input (issue 16): the audit, the import and the generator's readers never panic, hang,
//! blow up or run foreign code. The named cases (tests/fixtures/hostile, and larger ones made
//! here) run as a process (`elite-under-test`, the command line) under a memory limit and a
//! deadline; thousands of mutated inputs run in process from a fixed seed.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;
use elite_core::audit::Audit;
use elite_core::audit::yaml::Limits;

/// The memory every case must fit in (virtual, set with `ulimit -v`), and its deadline.
const MEMORY_KIB: u64 = 1 << 20;
const DEADLINE_SECONDS: u32 = 120;

/// `elite ARGS` as a process, under the memory limit and the deadline.
fn elite(args: &[&str]) -> Output {
    let bin = env!("CARGO_BIN_EXE_elite-under-test");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB}; exec timeout {DEADLINE_SECONDS} \"$0\" \"$@\""))
        .arg(bin)
        .args(args)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run elite-under-test");
    let code = out.status.code();
    assert!(code != Some(124), "elite {args:?} did not finish within {DEADLINE_SECONDS} s");
    assert!(
        code != Some(101) && code != Some(134) && code.is_some(),
        "elite {args:?} crashed ({:?}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

fn hostile(name: &str) -> PathBuf {
    fixtures().join("hostile").join(name)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn an_alias_bomb_stops_at_the_node_budget_with_its_name() {
    let f = hostile("alias-bomb.yaml");
    let out = elite(&["audit", s(&f)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("nodes") && text(&out).contains("limit"), "{}", text(&out));
    let out = elite(&["import", s(&f)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("alias-bomb.yaml:"), "the error names the file and line: {}", text(&out));
}

#[test]
fn a_key_written_twice_and_bytes_that_are_not_utf8_are_named_errors() {
    let out = elite(&["audit", s(&hostile("duplicate-keys.yaml"))]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("duplicate-keys.yaml:11") && text(&out).contains("`image`"), "{}", text(&out));
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("latin1.yaml");
    fs::write(&f, b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n").unwrap();
    let out = elite(&["audit", s(&f)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("UTF-8"), "{}", text(&out));
    let out = elite(&["audit", "/nonexistent/manifest.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("cannot read /nonexistent/manifest.yaml") && !text(&out).contains("malformed"),
        "{}",
        text(&out)
    );
}

#[test]
fn numbers_beyond_every_type_are_findings_not_panics() {
    let f = hostile("huge-numbers.yaml");
    let out = elite(&["audit", "--format", "json", s(&f)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["workloads"][0]["findings"].as_array().unwrap();
    let about = |rule: &str| {
        findings
            .iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| f["message"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert!(about("SIZE-1").iter().any(|m| m.contains("invalid amount")), "{:?}", about("SIZE-1"));
    assert!(about("PROBE-2").iter().any(|m| m.contains("-3")), "{:?}", about("PROBE-2"));
    // Exit 1: a declaration printed, to be fixed where its comments say.
    let out = elite(&["import", s(&f)]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
}

#[test]
fn large_inputs_cost_the_largest_object_not_the_file() {
    // A 5 MB cluster dump (one List, 12,000 Deployments): judged within the memory limit, in
    // every format; the import keeps only the first workload.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("dump.yaml");
    let mut w = std::io::BufWriter::new(fs::File::create(&f).unwrap());
    writeln!(w, "apiVersion: v1\nkind: List\nitems:").unwrap();
    for i in 0..12_000 {
        writeln!(w, "  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: {{name: app-{i}, namespace: ns}}\n    spec:\n      template:\n        spec:\n          containers:\n            - name: app\n              image: nginx:1.27\n              resources: {{limits: {{cpu: 500m, memory: 128Mi}}}}").unwrap();
    }
    drop(w);
    for format in ["table", "json", "sarif"] {
        let out = elite(&["audit", "--format", format, s(&f)]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        if format == "json" {
            let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(report["summary"]["workloads"], 12_000);
        }
    }
    let out = elite(&["import", s(&f)]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
    assert!(text(&out).contains("name = \"app-0\""));
    // Nested long keys: quadratic if each node carried its full path.
    let f = dir.path().join("keys.yaml");
    let mut doc = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: keys}\ndata:\n");
    let key = "k".repeat(2_000);
    let mut indent = String::from("  ");
    for _ in 0..100 {
        doc.push_str(&format!("{indent}{key}:\n"));
        indent.push_str("  ");
    }
    doc.push_str(&format!("{indent}leaf: 1\n"));
    fs::write(&f, doc.as_bytes()).unwrap();
    let out = elite(&["audit", s(&f)]);
    assert!(matches!(out.status.code(), Some(0 | 2)), "{}", text(&out));
}

#[test]
fn nesting_and_document_counts_stop_at_their_limits() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("deep.yaml");
    fs::write(&deep, format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000))).unwrap();
    let out = elite(&["audit", s(&deep)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("limit"), "{}", text(&out));
    let many = dir.path().join("many.yaml");
    fs::write(&many, "---\n{}\n".repeat(1_100_000)).unwrap();
    let out = elite(&["audit", s(&many)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("documents") && text(&out).contains("limit"), "{}", text(&out));
}

#[test]
fn a_huge_name_stays_one_readable_cell() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("long.yaml");
    let name = "n".repeat(70_000);
    fs::write(&f, format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.27\n")).unwrap();
    let out = elite(&["audit", s(&f)]);
    assert_eq!(out.status.code(), Some(0));
    let longest = String::from_utf8_lossy(&out.stdout).lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 1_500, "a line of {longest} characters");
}

#[cfg(unix)]
#[test]
fn fifos_and_link_loops_are_skipped_or_named_never_waited_on() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    fs::create_dir_all(tree.join("sub")).unwrap();
    fs::write(tree.join("sub/app.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: once}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: nginx:1.27}]\n").unwrap();
    // A loop: tree/sub/up -> tree.
    symlink(&tree, tree.join("sub/up")).unwrap();
    let fifo = tree.join("pipe.yaml");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let out = elite(&["audit", "--format", "json", s(&tree)]);
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    assert_eq!(report["summary"]["workloads"], 1, "the file is audited once, the FIFO skipped: {report:#}");
    // A FIFO named directly, and one in a kustomization, are named, not opened.
    let out = elite(&["audit", s(&fifo)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("not a regular file"), "{}", text(&out));
    let k = dir.path().join("kust");
    fs::create_dir_all(&k).unwrap();
    assert!(Command::new("mkfifo").arg(k.join("fifo.yaml")).status().unwrap().success());
    fs::write(k.join("kustomization.yaml"), "resources:\n- fifo.yaml\n").unwrap();
    let out = elite(&["audit", s(&k)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("not a regular file"), "{}", text(&out));
}

#[test]
fn a_kustomization_never_reaches_outside_its_folder_or_the_network() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.yaml");
    fs::write(&secret, "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {password: hunter2}\n").unwrap();
    let k = dir.path().join("app");
    fs::create_dir_all(&k).unwrap();
    fs::write(k.join("kustomization.yaml"), "resources:\n- ../secret.yaml\n").unwrap();
    let out = elite(&["audit", s(&k)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("is not in or below"), "kustomize's load restrictor: {}", text(&out));
    assert!(!text(&out).contains("hunter2"));
    for remote in
        ["https://example.com/app.yaml", "github.com/example/repo//deploy?ref=v1", "git@github.com:example/repo.git"]
    {
        fs::write(k.join("kustomization.yaml"), format!("resources:\n- {remote}\n")).unwrap();
        let out = elite(&["audit", s(&k)]);
        assert_eq!(out.status.code(), Some(2), "{remote}");
        assert!(text(&out).contains("never fetches"), "{remote}: {}", text(&out));
    }
}

#[test]
fn import_writes_names_as_literals_or_refuses_them() {
    let f = hostile("injection.yaml");
    let out = elite(&["import", s(&f)]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    let file = syn::parse_file(&printed).unwrap_or_else(|e| panic!("{e}:\n{printed}"));
    assert_eq!(file.items.len(), 1, "one item: {printed}");
    // No identifier from the manifest became code: `evil` is only ever inside a string literal.
    fn idents(ts: proc_macro2::TokenStream, out: &mut Vec<String>) {
        for t in ts {
            match t {
                proc_macro2::TokenTree::Ident(i) => out.push(i.to_string()),
                proc_macro2::TokenTree::Group(g) => idents(g.stream(), out),
                _ => {}
            }
        }
    }
    let mut found = Vec::new();
    idents(quote::ToTokens::to_token_stream(&file), &mut found);
    assert!(!found.iter().any(|i| i.contains("evil") || i == "exit" || i == "std"), "{found:?}");
    let out = elite(&["import", s(&hostile("no-name.yaml"))]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("no metadata.name"), "{}", text(&out));
}

/// Byte-level mutations of `input`: flip, delete, duplicate a span, insert YAML punctuation.
fn mutate(input: &[u8], rng: &mut Rng) -> Vec<u8> {
    const PUNCT: &[u8] = b":-[]{}&*!|>'\"#%@` \n\t,?<=\\";
    let mut bytes = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        if bytes.is_empty() {
            break;
        }
        let i = rng.below(bytes.len());
        match rng.below(5) {
            0 => bytes[i] = PUNCT[rng.below(PUNCT.len())],
            1 => {
                let end = (i + rng.below(40)).min(bytes.len());
                bytes.drain(i..end);
            }
            2 => {
                let end = (i + rng.below(40)).min(bytes.len());
                let span = bytes[i..end].to_vec();
                bytes.splice(i..i, span);
            }
            3 => bytes[i] = rng.below(256) as u8,
            _ => bytes.insert(i, PUNCT[rng.below(PUNCT.len())]),
        }
    }
    bytes
}

/// Every YAML text of the repository's fixtures, hostile ones included.
fn seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut stack = vec![fixtures(), workspace().join("tests/audit-corpus")];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                out.push(fs::read(p).unwrap());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn thousands_of_mutated_inputs_never_panic_the_audit_the_import_or_the_readers() {
    let inputs = seeds();
    let elite_toml = fs::read(workspace().join("elite.toml")).unwrap();
    let description = serde_json::to_vec_pretty(&apps()[0]).unwrap();
    let small = Limits { max_object_bytes: 1 << 20, max_nodes: 100_000, max_depth: 64, max_documents: 1_000 };
    let mut rng = Rng::from_env(0xbad5eed);
    let mut failures = Vec::new();
    for round in 0..3_000 {
        let input = match round % 10 {
            8 => mutate(&elite_toml, &mut rng),
            9 => mutate(&description, &mut rng),
            _ => mutate(&inputs[rng.below(inputs.len())], &mut rng),
        };
        let result = std::panic::catch_unwind(|| {
            let text = String::from_utf8_lossy(&input);
            match round % 10 {
                8 => {
                    let _ = elite_gen::config::parse(&text, Path::new("elite.toml"), Path::new("/ws"));
                }
                9 => {
                    let _ = elite_core::description::read(&text);
                }
                _ => {
                    let mut a = Audit::default();
                    a.add_reader("mutated.yaml", &input[..], &small);
                    let _ = (elite_core::audit::table(&a), elite_core::audit::json(&a));
                    if let Ok(objects) = elite_gen::import::read_objects("mutated.yaml", &input[..], &small)
                        && let Ok(imp) = elite_gen::import::import(&objects, "mutated.yaml")
                        && let Ok(printed) = elite_gen::import::declaration(&imp)
                    {
                        assert!(syn::parse_file(&printed).is_ok_and(|f| f.items.len() == 1), "{printed}");
                    }
                }
            }
        });
        if result.is_err() {
            failures.push((round, String::from_utf8_lossy(&input).chars().take(2_000).collect::<String>()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} inputs panicked; the first (round {}):\n{}",
        failures.len(),
        failures[0].0,
        failures[0].1
    );
}
