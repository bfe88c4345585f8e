#!/usr/bin/env bash
# bench/peers/selftest/selftest.sh — end-to-end test of run.sh without the real
# benchmark binary: hand-made workloads (make_workloads.mjs) and a stub
# iamgate_bench (fake_iamgate_bench). Needs node, npm and the npm registry
# (or an already populated cache dir). Exit 0 when every check passes.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
peers=$(cd "$here/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/iamgate-peers-selftest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fails=0
check() { # check DESCRIPTION COMMAND...
    local what=$1; shift
    if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}

node "$here/make_workloads.mjs" "$tmp/workloads" >/dev/null
export FAKE_IAMGATE_WORKLOADS="$tmp/workloads"
fake="$here/fake_iamgate_bench"
run=(bash "$peers/run.sh" --bench "$fake" --seconds 0.3 --warmup 0.1)

# 1. the default workloads: all agree, JSON written, filters exact
set +e
"${run[@]}" --json "$tmp/default.json" >"$tmp/default.out" 2>"$tmp/default.err"
rc=$?
set -e
cat "$tmp/default.out"
check "default run exits 0" test "$rc" -eq 0
check "default run lists the three default workloads" \
    test "$(grep -cE '^eval/(chime-readonly/allow|chime-managed-3/mix|conditions/mfa-ip-time) ' "$tmp/default.out")" -eq 3
check "exact filters (no decoy benchmark picked up)" \
    node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1]));
             process.exit(j.results.every(r=>r.iamgate.decisions_per_second>0 && r.ratio>0 && r.disagreements===0)?0:1)' \
    "$tmp/default.json"
check "filter escaping as sent" grep -q "benchmark_filter='^eval/chime-managed-3/mix\$'" "$tmp/default.err"

# 2. disagreements are shown but do not fail; --derive-principal-keys removes them
set +e
"${run[@]}" --show 2 eval/variables/username-resource >"$tmp/vars.out" 2>/dev/null
rc=$?
set -e
cat "$tmp/vars.out"
check "disagreements do not fail the run" test "$rc" -eq 0
check "6 disagreements on username-resource" grep -qE '^eval/variables/username-resource +72 .* 6$' "$tmp/vars.out"
check "first 2 disagreements listed with context" test "$(grep -c '      context ' "$tmp/vars.out")" -eq 2
"${run[@]}" --derive-principal-keys eval/variables/username-resource >"$tmp/vars2.out" 2>/dev/null
check "--derive-principal-keys: no disagreement" grep -qE '^eval/variables/username-resource +72 .* 0$' "$tmp/vars2.out"

# 3. --workload-file, with a name full of regex metacharacters the stub also knows
node -e 'const fs=require("fs"); const w=JSON.parse(fs.readFileSync(process.argv[1]));
         w.name="eval/regex.(meta)+[chars]"; fs.writeFileSync(process.argv[2], JSON.stringify(w))' \
    "$tmp/workloads/eval__chime-readonly__allow.json" "$tmp/meta.json"
"${run[@]}" --workload-file "$tmp/meta.json" --json "$tmp/meta.result.json" >"$tmp/meta.out" 2>/dev/null
check "--workload-file with metacharacters: one exact benchmark" \
    node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1])); const r=j.results[0];
             process.exit(r.workload==="eval/regex.(meta)+[chars]" && r.iamgate.decisions_per_second>0 ? 0 : 1)' \
    "$tmp/meta.result.json"

# 4. no binary: named workloads are a usage error, a workload file still runs
set +e
bash "$peers/run.sh" --bench "$tmp/nonexistent" --seconds 0.1 eval/chime-readonly/allow >/dev/null 2>&1
rc=$?
set -e
check "missing binary with named workloads exits 2" test "$rc" -eq 2
bash "$peers/run.sh" --bench "$tmp/nonexistent" --seconds 0.1 --warmup 0 \
    --workload-file "$tmp/workloads/eval__chime-readonly__deny.json" >"$tmp/nobin.out" 2>/dev/null
check "missing binary with a workload file: iamgate n/a" grep -qE '^eval/chime-readonly/deny +200 +[0-9,]+ +n/a +n/a +0$' "$tmp/nobin.out"

# 5. no node on PATH: exit 2 with a message
mkdir -p "$tmp/bin"
for c in bash dirname sed mktemp rm cat mkdir; do ln -s "$(command -v "$c")" "$tmp/bin/$c"; done
set +e
PATH="$tmp/bin" bash "$peers/run.sh" >/dev/null 2>"$tmp/nonode.err"
rc=$?
set -e
check "no node: exit 2" test "$rc" -eq 2
check "no node: says so" grep -q 'node and npm are needed' "$tmp/nonode.err"

echo
if ((fails)); then echo "selftest: $fails check(s) failed"; exit 1; fi
echo "selftest: all checks passed"
