#!/usr/bin/env bash
# Audit throughput: `audit` over N workloads (default 10,000: the built overlays of apps/,
# renamed and repeated: about 1 object in 7 is a workload), against a named baseline run side by
# side: parsing the same file with PyYAML's C loader (what any Python-based checker pays before
# judging anything). Prints the median of RUNS (3) runs of each and their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
RUNS=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build -q --release -p apps
bin=target/release/apps
for o in apps/*/*/overlays/prod; do kubectl kustomize "$o"; echo "---"; done > "$work/one.yaml"
python3 - "$work/one.yaml" "$work/all.yaml" "$N" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
workloads = sum(1 for d in docs if d.get("kind") in ("Deployment", "StatefulSet"))
copies = -(-int(sys.argv[3]) // workloads)
with open(sys.argv[2], "w") as out:
    for i in range(copies):
        for d in docs:
            d = dict(d); d["metadata"] = dict(d["metadata"], name=f"{d['metadata']['name']}-{i}")
            out.write("---\n" + yaml.safe_dump(d))
print(f"{copies * workloads} workloads, {copies * len(docs)} objects", file=sys.stderr)
PY
size=$(du -m "$work/all.yaml" | cut -f1)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_of() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
elite=$(for _ in $(seq $RUNS); do time_of "$bin" audit --format json "$work/all.yaml"; done | median)
pyyaml=$(for _ in $(seq $RUNS); do time_of python3 -c "import yaml,sys; list(yaml.load_all(open(sys.argv[1]), Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader)))" "$work/all.yaml"; done | median)
workloads=$("$bin" audit --format json "$work/all.yaml" | python3 -c "import json,sys; print(json.load(sys.stdin)['summary']['workloads'])")
printf '%-34s %10s %16s\n' "run (median of $RUNS, ${size} MB)" "seconds" "workloads/s"
printf '%-34s %10.3f %16.0f\n' "elite audit --format json" "$elite" "$(echo "$workloads / $elite" | bc -l)"
printf '%-34s %10.3f %16.0f\n' "baseline: PyYAML parse only" "$pyyaml" "$(echo "$workloads / $pyyaml" | bc -l)"
printf 'ratio: elite audit is %.1fx the speed of parsing the same file with PyYAML\n' "$(echo "$pyyaml / $elite" | bc -l)"
