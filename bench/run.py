#!/usr/bin/env python3
"""elite's benchmarks, each side by side with the tool a user would pick instead, in one run.

    bench/run [--quick] [--only gen,build,audit,edit] [--runs R] [--work DIR] [--checkov-max N]

Every measurement is the wall time of a whole process (GNU time gives its peak RSS), each run on
a new output folder after a `sync`, R runs per tool (5 by default) with every tool in every
position of the rotation, reported as median (min-max) with the load average. Nothing is deleted
while measuring: scratch folders are removed at the end (a deletion slows the file creations of
the next minute on this disk, see bench/README.md). Prints one table per benchmark and writes them
to bench/RESULTS.md (--results to change). Nothing here is asserted: the numbers are for reading.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYNTH = ROOT / "target/release/examples/synth"
APPS = ROOT / "target/release/apps"
CDK8S = ROOT / "bench/cdk8s"
TSC = CDK8S / "node_modules/typescript/bin/tsc"
VENV = ROOT / "target/bench-venv"


class Run:
    """One finished process: wall seconds, peak RSS (MiB), stdout."""

    def __init__(self, seconds, rss_mib, stdout):
        self.seconds, self.rss_mib, self.stdout = seconds, rss_mib, stdout


RSS_FILE = Path(os.environ.get("TMPDIR", "/tmp")) / f"elite-bench-rss-{os.getpid()}"


def run(cmd, cwd=None, env=None, capture=False, ok=(0,)):
    """Runs `cmd` to completion; fails loudly on an unexpected exit code.

    Peak RSS comes from GNU time, which reports its child's own: Linux carries a process's peak
    RSS across exec, so a program started straight from this (large) Python process would report
    this process's peak as its own."""
    os.sync()
    start = time.perf_counter()
    p = subprocess.run(
        ["/usr/bin/time", "-f", "%M", "-o", RSS_FILE] + [str(c) for c in cmd],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seconds = time.perf_counter() - start
    if p.returncode not in ok:
        sys.exit(f"bench: `{' '.join(map(str, cmd))}` exited {p.returncode}:\n{p.stderr.decode()[-3000:]}")
    rss_kib = int(RSS_FILE.read_text().split()[-1])
    return Run(seconds, rss_kib / 1024, p.stdout.decode() if capture else "")


SCRATCH = []


def fresh(work, name):
    """A new output folder that has never existed: nothing is deleted before a timed run. Every
    folder is removed by `cleanup`, once all measurements are done."""
    path = work / f"{name}-{len(SCRATCH)}"
    assert not path.exists(), path
    SCRATCH.append(path)
    return path


def settle():
    """Between runs: flush what was written. Nothing is deleted (see `cleanup`)."""
    os.sync()


def cleanup():
    """Removes every scratch folder, after the last measurement."""
    while SCRATCH:
        shutil.rmtree(SCRATCH.pop(), ignore_errors=True)


def med(xs):
    return statistics.median(xs)


def spread(xs):
    """`median (min-max)` of a list of seconds."""
    if len(xs) == 1:
        return fmt(xs[0])
    return f"{fmt(med(xs))} ({fmt(min(xs))}-{fmt(max(xs))})"


def load():
    """The 1-minute load average, for the notes."""
    return f"{os.getloadavg()[0]:.2f}"


def rotations(steps, runs):
    """`runs` orders of `steps`: run i starts at step i, so every step takes every position."""
    k = len(steps)
    return [steps[i % k :] + steps[: i % k] for i in range(runs)]


class Table:
    """A Markdown table, printed as it is built and kept for RESULTS.md."""

    def __init__(self, title, header, notes=()):
        self.title, self.header, self.rows, self.notes = title, header, [], list(notes)

    def row(self, *cells):
        self.rows.append([c if isinstance(c, str) else fmt(c) for c in cells])

    def markdown(self):
        lines = [f"### {self.title}", "", "| " + " | ".join(self.header) + " |"]
        lines.append("|" + "|".join("---:" if i else "---" for i in range(len(self.header))) + "|")
        lines += ["| " + " | ".join(r) + " |" for r in self.rows]
        if self.notes:
            lines += [""] + [f"- {n}" for n in self.notes]
        return "\n".join(lines) + "\n"


def fmt(x):
    if isinstance(x, int):
        return f"{x:,}"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}" if x < 1 else f"{x:.2f}"


def ratio(slow, fast):
    return f"{slow / fast:.1f}x"


# --- the synthetic apps, both ways -----------------------------------------------------------


def extract_scripts(flat_dir, out):
    """The container scripts of elite's synthetic app 0, as files for the cdk8s app (shell text
    shared by every app; a cdk8s user keeps it in files too)."""
    import yaml

    docs = list(yaml.safe_load_all(open(flat_dir / "app-00000/objects.yaml")))
    pod = docs[0]["spec"]["template"]["spec"]
    init = {c["name"]: c for c in pod["initContainers"]}
    out.mkdir(parents=True, exist_ok=True)
    (out / "restore-config.sh").write_text(init["restore-config"]["args"][0])
    (out / "config-syncer.sh").write_text(init["config-syncer"]["args"][0])
    (out / "restore-db.sh").write_text(init["restore-db"]["args"][0])
    (out / "litestream-started.sh").write_text(init["litestream"]["startupProbe"]["exec"]["command"][2])


def load_objects(paths):
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    objects = {}
    for p in paths:
        for d in yaml.load_all(open(p), Loader=loader):
            if d:
                key = (d["kind"], d["metadata"].get("namespace", ""), d["metadata"]["name"])
                if key in objects:
                    sys.exit(f"bench: {key} twice in {p}")
                objects[key] = d
    return objects


def differences(a, b, path=""):
    """Leaf-level differences between two JSON-like values."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                yield f"{path}/{k}: only in {'cdk8s' if k in b else 'elite'}"
            else:
                yield from differences(a[k], b[k], f"{path}/{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from differences(x, y, f"{path}/{i}")
    elif a != b:
        yield f"{path}: elite {json.dumps(a)[:60]} != cdk8s {json.dumps(b)[:60]}"


def same_objects(flat_dir, cdk8s_dir):
    """Checks that elite's complete objects and cdk8s's are the same objects, field by field."""
    elite = load_objects(sorted(flat_dir.glob("*/objects.yaml")))
    cdk8s = load_objects(sorted(cdk8s_dir.glob("*.yaml")))
    if set(elite) != set(cdk8s):
        sys.exit(f"bench: different objects: {sorted(set(elite) ^ set(cdk8s))[:5]}")
    diffs = [d for k in elite for d in differences(elite[k], cdk8s[k], "/".join(k))]
    if diffs:
        sys.exit("bench: elite and cdk8s differ:\n  " + "\n  ".join(diffs[:20]))
    fields = sum(1 for k in elite for _ in leaves(elite[k]))
    return len(elite), fields


def documents(folder):
    """The YAML documents of the files of `folder`'s app folders (what checkov counts as resources)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return sum(1 for p in folder.glob("*/*.yaml") for d in yaml.load_all(open(p), Loader=loader) if d)


def leaves(v):
    if isinstance(v, dict):
        for x in v.values():
            yield from leaves(x)
    elif isinstance(v, list):
        for x in v:
            yield from leaves(x)
    else:
        yield v


def tree_bytes(path):
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


# --- 1. generation ---------------------------------------------------------------------------


def bench_generation(args, work, scripts, memory):
    """Prints its rows as they come (N = 10,000 takes a while); returns its two tables."""
    walls = Table(
        "Generation: N synthetic Elite apps to a new folder (seconds: median (min-max))",
        [
            "N",
            "medium",
            "elite tree",
            "elite flat",
            "cargo run --release",
            "cdk8s JS, Chart per app",
            "cdk8s TS, Chart per app (tsc + synth)",
            "cdk8s JS, one Chart",
            "write limit (cp -r)",
            "cdk8s JS per app / elite",
            "cdk8s TS / elite",
            "cdk8s one Chart / elite",
            "elite / write limit",
        ],
        notes=[
            "elite tree: `synth tree N --out DIR`, the code of `cargo run` (validate, lay out, write the "
            "Kustomize tree: one object per file, 11 files per app). elite flat: `synth flat N DIR`, the same complete objects in "
            "one file per app (what cdk8s writes) plus a kustomization.yaml. `cargo run --release`: elite tree "
            "through cargo, warm build. cdk8s JS: `node bench/cdk8s/synth.js N DIR`, one Chart per app (one "
            "file each, the idiomatic layout) or `--one-chart` (every app in one file: cdk8s's fastest). "
            "cdk8s TS: the TypeScript form (`synth.ts`, strict), run as its users run it: `tsc`, then "
            "`node dist/synth.js`. Write limit: `cp -r` of an elite tree of the same N to a new folder on the "
            "same medium, as its own step of the rotation. Ratios use the medians of elite tree.",
            "disk: the scratch folder on the project's disk; tmpfs: `/dev/shm`, the same runs without the "
            "disk. Every tool takes every position of the rotation; nothing is deleted until the end.",
        ],
    )
    inproc_table = Table(
        "Generation in process (library call: `synth inproc`), median of the runs",
        ["N", "medium", "apps/s", "MB/s", "declare (s)", "validate (s)", "render (s)", "write (s)", "files", "MB"],
        notes=[
            "apps/s and MB/s (of YAML written) over validate + render + write. declare: the builder, which "
            "runs the catalog on each app (for `#[elite]` apps this happens at compile time)."
        ],
    )
    medians = []
    for n in args.n:
        for medium, base in args.media:
            runs = args.runs if n < 10000 else max(1, min(args.runs, 3))
            cdk8s_runs = runs if n < 10000 else 1  # a Chart per app: about 13 minutes at 10,000
            t = {k: [] for k in ("inproc", "tree", "flat", "cargo", "cdk8s", "cdk8s_ts", "cdk8s1", "limit")}
            rss = {k: [] for k in ("tree", "flat", "cdk8s", "cdk8s1")}
            phases = []
            shape = {}
            # The tree `cp -r` copies: written once, before the timed runs.
            reference = fresh(base, f"reference-{n}")
            run([SYNTH, "tree", n, "--out", reference])
            shape["files"], shape["size"] = tree_bytes(reference)

            def inproc():
                p = json.loads(run([SYNTH, "inproc", n, fresh(base, f"inproc-{n}")], capture=True).stdout)
                phases.append(p)
                t["inproc"].append(p["validate_s"] + p["render_s"] + p["write_s"])

            def tree():
                r = run([SYNTH, "tree", n, "--out", fresh(base, f"elite-{n}")])
                t["tree"].append(r.seconds)
                rss["tree"].append(r.rss_mib)

            def limit():
                t["limit"].append(run(["cp", "-r", reference, fresh(base, f"copy-{n}")]).seconds)

            def flat():
                r = run([SYNTH, "flat", n, fresh(base, f"flat-{n}")])
                t["flat"].append(r.seconds)
                rss["flat"].append(r.rss_mib)

            def cargo():
                cmd = ["cargo", "run", "--release", "-q", "--offline", "-p", "elite-gen", "--example", "synth", "--"]
                t["cargo"].append(run(cmd + ["tree", n, "--out", fresh(base, f"cargo-{n}")], cwd=ROOT).seconds)

            def cdk8s(key, extra):
                def go():
                    if key != "cdk8s1" and len(t[key]) >= cdk8s_runs:
                        return
                    r = run(["node", CDK8S / "synth.js", n, fresh(base, f"{key}-{n}"), scripts] + extra, cwd=CDK8S)
                    t[key].append(r.seconds)
                    rss[key].append(r.rss_mib)

                return go

            def cdk8s_ts():
                if len(t["cdk8s_ts"]) >= cdk8s_runs:
                    return
                compiled = run(["node", TSC, "-p", "."], cwd=CDK8S).seconds
                r = run(["node", CDK8S / "dist/synth.js", n, fresh(base, f"cdk8s-ts-{n}"), scripts], cwd=CDK8S)
                t["cdk8s_ts"].append(compiled + r.seconds)

            steps = [inproc, tree, limit, flat, cargo, cdk8s("cdk8s1", ["--one-chart"]), cdk8s("cdk8s", []), cdk8s_ts]
            loads = [load()]
            for order in rotations(steps, max(runs, len(steps)) if n < 10000 else runs):
                for step in order:
                    step()
                settle()
            loads.append(load())
            m = {k: med(v) for k, v in t.items()}
            medians.append((n, medium, m))
            walls.row(
                n,
                medium,
                spread(t["tree"]),
                spread(t["flat"]),
                spread(t["cargo"]),
                spread(t["cdk8s"]),
                spread(t["cdk8s_ts"]),
                spread(t["cdk8s1"]),
                spread(t["limit"]),
                ratio(m["cdk8s"], m["tree"]),
                ratio(m["cdk8s_ts"], m["tree"]),
                ratio(m["cdk8s1"], m["tree"]),
                ratio(m["tree"], m["limit"]),
            )
            walls.notes.append(
                f"N = {n:,} on {medium}: {len(t['tree'])} runs of elite tree, {len(t['cdk8s'])} of cdk8s with a Chart "
                f"per app; load average {loads[0]} before, {loads[1]} after."
            )
            split = {k: med([p[k] for p in phases]) for k in ("declare_s", "validate_s", "render_s", "write_s")}
            files, size = shape["files"], shape["size"]
            inproc_table.row(
                n,
                medium,
                n / m["inproc"],
                size / 1e6 / m["inproc"],
                split["declare_s"],
                split["validate_s"],
                split["render_s"],
                split["write_s"],
                files,
                size / 1e6,
            )
            if medium == args.media[0][0]:
                memory.append((f"generation, N = {n:,}", "elite tree", max(rss["tree"]), "cdk8s, Chart per app", max(rss["cdk8s"])))
                memory.append((f"generation, N = {n:,}", "elite flat", max(rss["flat"]), "cdk8s, one Chart", max(rss["cdk8s1"])))
            print(f"generation N = {n:,} on {medium}: " + ", ".join(f"{k} {v:.3f} s" for k, v in m.items()), flush=True)
    for medium, _ in args.media:
        mine = [(n, m) for n, md, m in medians if md == medium]
        per_app = lambda key: " / ".join(f"{m[key] / n * 1e6:,.0f}" for n, m in mine)
        walls.notes.append(
            f"Growth on {medium}, µs per app at N = {' / '.join(f'{n:,}' for n, _ in mine)}: elite tree {per_app('tree')}; "
            f"cdk8s, Chart per app {per_app('cdk8s')}; cdk8s, one Chart {per_app('cdk8s1')}."
        )
    return [walls, inproc_table]


# --- 2. kustomize build ----------------------------------------------------------------------


def bench_build(args, work):
    n = args.build_n
    tree = fresh(work, "build-tree")
    run([SYNTH, "tree", n, "--out", tree])
    flat = fresh(work, "build-flat")
    run([SYNTH, "flat", n, flat])
    overlays = sorted(tree.glob("*/*/overlays/prod"))
    flats = sorted(p for p in flat.iterdir() if p.is_dir())
    assert len(overlays) == len(flats) == n, (len(overlays), len(flats))
    # Both layouts build the same objects (the test suite checks this field by field for every app
    # of apps/; here, object identities and container counts, for the first apps).
    for o, f in list(zip(overlays, flats))[:5]:
        a = run(["kubectl", "kustomize", o], capture=True).stdout
        b = run(["kubectl", "kustomize", f], capture=True).stdout
        import yaml

        da, db = list(yaml.safe_load_all(a)), list(yaml.safe_load_all(b))
        ids = lambda ds: sorted((d["kind"], d["metadata"]["name"]) for d in ds)
        assert ids(da) == ids(db), (o, ids(da), ids(db))
    per_tree, per_flat, total_tree, total_flat = [], [], [], []
    for _ in range(args.runs):
        times = [run(["kubectl", "kustomize", o]).seconds for o in overlays]
        per_tree += times
        total_tree.append(sum(times))
        times = [run(["kubectl", "kustomize", f]).seconds for f in flats]
        per_flat += times
        total_flat.append(sum(times))
    settle()
    t = Table(
        f"Build: `kubectl kustomize` of every overlay, N = {n} apps",
        ["layout", "per overlay (median s)", f"all {n} overlays (median s)", "vs flat"],
        notes=[
            "What ArgoCD's repo server runs per Application and sync. Component layout: the tree `cargo run` "
            "writes (base + overlay, the shared pod parts in `_shared/components`). Flat: the same complete "
            "objects in one file per app (`synth flat`), no components.",
            f"kubectl {kubectl_version()}; {args.runs} runs over every overlay.",
        ],
    )
    t.row("elite component layout", med(per_tree), med(total_tree), ratio(med(per_tree), med(per_flat)))
    t.row("flat, no components", med(per_flat), med(total_flat), "1.0x")
    return t


def kubectl_version():
    out = run(["kubectl", "version", "--client", "-o", "json"], capture=True).stdout
    v = json.loads(out)
    return f"{v['clientVersion']['gitVersion']}, kustomize {v.get('kustomizeVersion', '?')}"


# --- 3. audit --------------------------------------------------------------------------------


def bench_audit(args, work, memory):
    t = Table(
        "Audit: the Elite rules over N workloads vs checkov",
        ["N workloads", "objects", "elite audit (s)", "workloads/s", "checkov (s)", "workloads/s", "checkov / elite"],
        notes=[
            "Input: the complete objects of N synthetic apps (`synth flat`), one folder per app: 8 objects and a kustomization.yaml (checkov counts it as a resource). "
            "elite: `apps audit --no-build --format json DIR` (the files as they are, as checkov reads them). checkov: `checkov --framework kubernetes --skip-download -d DIR "
            "-o json --soft-fail` (its own Kubernetes checks); elite: the Elite catalog.",
        ],
    )
    checkov = VENV / "bin/checkov"
    for n in args.audit_n:
        flat = fresh(work, f"audit-{n}")
        run([SYNTH, "flat", n, flat])
        elite, rss = [], []
        workloads = objects = checks = None
        ck, ck_rss = [], []
        runs = args.runs if n < 10000 else max(1, min(args.runs, 3))
        ck_runs = 0 if n > args.checkov_max else (min(runs, 3) if n <= 100 else 1)
        for i in range(runs):
            # --no-build: the files as they are, the input checkov reads (a folder with a
            # kustomization.yaml is otherwise built with kustomize first).
            r = run([APPS, "audit", "--no-build", "--format", "json", flat], capture=True)
            s = json.loads(r.stdout)["summary"]
            workloads = s["workloads"]
            objects = documents(flat)
            assert s["elite"] == n, s
            elite.append(r.seconds)
            rss.append(r.rss_mib)
            if i < ck_runs:
                r = run([checkov, "--framework", "kubernetes", "--skip-download", "-d", flat, "-o", "json",
                         "--soft-fail", "--output-file-path", work / "checkov-out"], capture=False)
                ck.append(r.seconds)
                ck_rss.append(r.rss_mib)
                summary = json.loads((work / "checkov-out/results_json.json").read_text())
                summary = summary[0] if isinstance(summary, list) else summary
                assert summary["summary"]["resource_count"] == objects, (summary["summary"], objects)
                checks = summary["summary"]["passed"] + summary["summary"]["failed"]
        settle()
        e = med(elite)
        if ck:
            c = med(ck)
            t.row(n, objects, e, workloads / e, c, workloads / c, ratio(c, e))
            memory.append((f"audit, N = {n:,}", "elite audit", max(rss), "checkov", max(ck_rss)))
        else:
            t.row(n, objects, e, workloads / e, "not run", "", "")
            memory.append((f"audit, N = {n:,}", "elite audit", max(rss), "checkov", None))
        t.notes.append(
            f"N = {n:,}: elite {runs} runs, checkov {ck_runs}"
            + (f" ({checks:,} check results, {checks // n} per app)." if checks else ".")
        )
    return t


# --- 4. edit loop ----------------------------------------------------------------------------


def bench_edit(args, work, scripts):
    ws = fresh(work, "edit-workspace")
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for rel in files.decode().split("\0"):
        if rel and (ROOT / rel).is_file():
            (ws / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, ws / rel)
    env = dict(os.environ, CARGO_TARGET_DIR=str(ws / "target"))
    cold = run(["cargo", "build", "--offline", "-q"], cwd=ws, env=env).seconds
    run(["cargo", "run", "--offline", "-q"], cwd=ws, env=env)
    source = ws / "apps/src/media.rs"
    original = source.read_text()
    edited = original.replace("size = Medium,", "size = Large,", 1)
    assert edited != original
    output = ws / "apps/20-media/sonarr/base/deployment-sonarr.yaml"
    apps = len([p for p in (ws / "apps").glob("*/*/base")])
    t = {k: [] for k in ("edit", "touch", "noop", "build", "binary", "cdk8s", "cdk8s_ts", "tsc")}
    state = {"edited": False}

    def edit():
        before = output.read_text()
        state["edited"] = not state["edited"]
        source.write_text(edited if state["edited"] else original)
        t["edit"].append(run(["cargo", "run", "--offline", "-q"], cwd=ws, env=env).seconds)
        assert output.read_text() != before, "the edit did not reach the YAML"

    def touch():
        os.utime(source)
        t["touch"].append(run(["cargo", "run", "--offline", "-q"], cwd=ws, env=env).seconds)

    def phases():
        # Where an edit's time goes: the apps crate (macro expansion, the catalog, codegen, and the
        # link against the generator's shared library) with cargo's start, cargo's own start (a
        # no-op `cargo run`), and the generation alone (the binary, started without cargo: its run
        # path finds the shared libraries).
        os.utime(source)
        t["build"].append(run(["cargo", "build", "--offline", "-q"], cwd=ws, env=env).seconds)
        t["noop"].append(run(["cargo", "run", "--offline", "-q"], cwd=ws, env=env).seconds)
        t["binary"].append(run([ws / "target/debug/apps", "-q"], cwd=ws).seconds)

    def cdk8s():
        t["cdk8s"].append(run(["node", CDK8S / "synth.js", apps, fresh(work, "edit-cdk8s"), scripts], cwd=CDK8S).seconds)

    def cdk8s_ts():
        compiled = run(["node", TSC, "-p", "."], cwd=CDK8S).seconds
        t["tsc"].append(compiled)
        r = run(["node", CDK8S / "dist/synth.js", apps, fresh(work, "edit-cdk8s-ts"), scripts], cwd=CDK8S)
        t["cdk8s_ts"].append(compiled + r.seconds)

    steps = [edit, touch, phases, cdk8s, cdk8s_ts]
    before = load()
    for order in rotations(steps, max(args.runs, len(steps))):
        for step in order:
            step()
        settle()
    source.write_text(original)
    table = Table(
        "Edit loop: change one app, regenerate (seconds: median (min-max))",
        ["what", "seconds", "vs elite edit"],
        notes=[
            f"In a copy of this workspace ({apps} apps), debug profile, as `cargo run` builds. Edit: sonarr's "
            "`size = Medium` to `Large` and back, then `cargo run` (recompiles the apps crate, whose macro checks "
            "every rule, links the binary against the generator's shared library and rewrites the YAML; checked). "
            "Touch: the file's mtime only. The phases are measured apart: `cargo build` after a touch, then a "
            "no-op `cargo run`, then the binary alone.",
            f"cdk8s JS: `node synth.js {apps}` (plain JavaScript: no compile step, no type check). cdk8s TS: "
            f"the TypeScript project's loop, `tsc` (strict, skipLibCheck) then `node dist/synth.js {apps}`.",
            f"{len(t['edit'])} runs of each, every step in every position; load average {before} before, {load()} after.",
        ],
    )
    e = med(t["edit"])
    vs = lambda k: ratio(med(t[k]), e)
    table.row("elite: edit a declaration, `cargo run`", spread(t["edit"]), "1.0x")
    table.row("elite: touch a declaration, `cargo run`", spread(t["touch"]), vs("touch"))
    table.row("  phase: `cargo build` of the apps crate (macro, catalog, codegen, link)", spread(t["build"]), vs("build"))
    table.row("  phase: cargo's own start (no-op `cargo run`)", spread(t["noop"]), vs("noop"))
    table.row("  phase: the generation alone (the binary)", spread(t["binary"]), vs("binary"))
    table.row(f"cdk8s JS: synth of {apps} apps", spread(t["cdk8s"]), vs("cdk8s"))
    table.row(f"cdk8s TS: tsc + synth of {apps} apps", spread(t["cdk8s_ts"]), vs("cdk8s_ts"))
    table.row("  of which tsc", spread(t["tsc"]), vs("tsc"))
    table.row("elite: cold `cargo build` of the workspace (empty target)", cold, "")
    return table


# --- main ------------------------------------------------------------------------------------


def memory_table(memory):
    t = Table("Memory: peak RSS (MiB)", ["run", "elite", "MiB", "baseline", "MiB"])
    for what, a, ra, b, rb in memory:
        t.row(what, a, ra, b, rb if rb is not None else "not run")
    return t


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="N = 100 and 1,000 only, 3 runs")
    ap.add_argument("--only", default="gen,build,audit,edit")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", type=Path, default=ROOT / "target/bench", help="scratch folder (on the disk measured)")
    ap.add_argument("--checkov-max", type=int, default=1000, help="largest N checkov is run on (slow: ~0.4 s/workload)")
    ap.add_argument("--audit-n", type=int, action="append", help="N of the audit benchmark (repeatable)")
    ap.add_argument("--results", type=Path, default=ROOT / "bench/RESULTS.md")
    ap.add_argument("--sizes", help="the N of the generation benchmark, comma-separated (100,1000,10000 by default)")
    ap.add_argument("--tmpfs", type=Path, default=Path("/dev/shm"), help="where the tmpfs runs write (none: --tmpfs '')")
    ap.add_argument("--pause", type=int, default=60, help="seconds to wait after removing a previous run's leftovers")
    args = ap.parse_args()
    args.n = [int(x) for x in args.sizes.split(",")] if args.sizes else ([100, 1000] if args.quick else [100, 1000, 10000])
    args.audit_n = args.audit_n or ([100, 1000] if args.quick else [100, 1000, 10000])
    args.build_n = 100
    if args.quick:
        args.runs = min(args.runs, 3)
    only = set(args.only.split(","))
    # A previous run's leftovers are removed first, then the disk is left alone for --pause seconds:
    # creating files in the minute after a large deletion walks the freed inodes (bench/README.md).
    if args.work.exists() and any(args.work.iterdir()):
        shutil.rmtree(args.work)
        os.sync()
        print(f"removed the previous run's scratch folder; waiting {args.pause} s before measuring", flush=True)
        time.sleep(args.pause)
    args.work.mkdir(parents=True, exist_ok=True)
    work = args.work.resolve()
    args.media = [("disk", work)]
    if str(args.tmpfs) and args.tmpfs.is_dir():
        shm = args.tmpfs / f"elite-bench-{os.getpid()}"
        shm.mkdir()
        args.media.append(("tmpfs", shm))

    scripts = work / "cdk8s-scripts"
    sample = fresh(work, "sample")
    run([SYNTH, "flat", 100, sample])
    extract_scripts(sample, scripts)
    cdk8s_out = fresh(work, "sample-cdk8s")
    run(["node", CDK8S / "synth.js", 100, cdk8s_out, scripts], cwd=CDK8S)
    objects, fields = same_objects(sample, cdk8s_out)
    one_chart = fresh(work, "sample-cdk8s-one-chart")
    run(["node", CDK8S / "synth.js", 100, one_chart, scripts, "--one-chart"], cwd=CDK8S)
    assert same_objects(sample, one_chart) == (objects, fields)
    run(["node", TSC, "-p", "."], cwd=CDK8S)
    typescript = fresh(work, "sample-cdk8s-ts")
    run(["node", CDK8S / "dist/synth.js", 100, typescript, scripts], cwd=CDK8S)
    assert same_objects(sample, typescript) == (objects, fields)
    print(f"check: elite and cdk8s write the same {objects} objects of 100 apps, {fields:,} fields equal", flush=True)
    settle()

    tables, memory = [], []
    for name, f in [
        ("gen", lambda: bench_generation(args, work, scripts, memory)),
        ("build", lambda: bench_build(args, work)),
        ("audit", lambda: bench_audit(args, work, memory)),
        ("edit", lambda: bench_edit(args, work, scripts)),
    ]:
        if name in only:
            made = f()
            for t in made if isinstance(made, list) else [made]:
                tables.append(t)
                print(t.markdown(), flush=True)
    if memory:
        tables.append(memory_table(memory))
        print(tables[-1].markdown(), flush=True)
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    command = " ".join(["bench/run"] + sys.argv[1:])
    head = [
        "# Benchmark results",
        "",
        f"Written by `{command}`. Machine: {os.cpu_count()} cores, {platform.machine()}, "
        f"Linux {platform.release()}; rustc release profile; Node {node}; "
        f"cdk8s {npm_version('cdk8s')}, cdk8s-plus-34 {npm_version('cdk8s-plus-34')}, TypeScript {npm_version('typescript')}; checkov {checkov_version()}. "
        f"Scratch folder: `{args.work}`. Check: elite and cdk8s write the same {objects} objects for 100 apps "
        f"({fields:,} leaf fields, all equal), from the JavaScript and the TypeScript forms alike.",
        "",
    ]
    args.results.write_text("\n".join(head) + "\n" + "\n".join(t.markdown() for t in tables))
    print(f"wrote {args.results}")
    cleanup()
    for _, base in args.media[1:]:
        shutil.rmtree(base, ignore_errors=True)


def npm_version(pkg):
    return json.loads((CDK8S / "node_modules" / pkg / "package.json").read_text())["version"]


def checkov_version():
    try:
        return subprocess.run([VENV / "bin/checkov", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "not installed"


if __name__ == "__main__":
    main()
