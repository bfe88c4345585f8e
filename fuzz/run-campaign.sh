#!/usr/bin/env bash
# A fuzz campaign: builds the libFuzzer targets (clang 14,
# -fsanitize=fuzzer,address,undefined), runs each target for SECONDS with
# JOBS parallel jobs, merges the new inputs into corpus/<target>/ (only
# those that add coverage), then measures line and branch coverage of
# core/src by replaying the merged corpora in a coverage build (llvm-cov).
# Findings (crash-*, leak-*, timeout-*, oom-*) are left in OUT and listed;
# turn each into a regression input under corpus/<target>/ once fixed.
#
# usage: fuzz/run-campaign.sh [SECONDS_PER_TARGET] [JOBS] [TARGET...]
#        (defaults: 600 s, 2 jobs, every target)   OUT=/tmp/iamgate-fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
jobs=${2:-2}
shift $(( $# > 2 ? 2 : $# ))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_policy_parse fuzz_policy_compile fuzz_glob_diff fuzz_eval_diff
                                       fuzz_lint fuzz_directory fuzz_batch_line fuzz_context)
out=${OUT:-/tmp/iamgate-fuzz}
mkdir -p "$out"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs" >/dev/null

findings=0
for t in "${targets[@]}"; do
  mkdir -p "$out/$t/new"
  dict=()
  [ -e "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
  start=$(date +%s)
  # -fork keeps going after a finding and uses JOBS processes.
  build/fuzz/fuzz/$t "${dict[@]}" -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
      -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -artifact_prefix="$out/$t/" \
      -print_final_stats=1 "$out/$t/new" "corpus/$t" > "$out/$t.log" 2>&1 || true
  elapsed=$(( $(date +%s) - start ))
  execs=$(grep -oE '^#[0-9]+' "$out/$t.log" | tail -1 | tr -d '#' || true)
  execs=${execs:-0}
  runs=$(( execs / (elapsed > 0 ? elapsed : 1) / jobs ))
  # merge: keep only the new inputs that add coverage to the committed corpus
  build/fuzz/fuzz/$t -merge=1 "corpus/$t" "$out/$t/new" > "$out/$t.merge.log" 2>&1 || true
  added=$(sed -n 's/^MERGE-OUTER: \([0-9]*\) new files.*/\1/p' "$out/$t.merge.log" | tail -1)
  found=$(ls "$out/$t" | grep -cE '^(crash|leak|timeout|oom|slow-unit)-' || true)
  findings=$((findings + found))
  echo "$t: ${elapsed}s x $jobs jobs, ${execs} executions, ${runs} exec/s per job, +${added:-0} corpus units, ${found} findings"
done

# Coverage: replay every merged corpus in a coverage build.
cmake --preset coverage >/dev/null
cmake --build --preset coverage -j "$jobs" >/dev/null
rm -f "$out"/*.profraw
objects=()
for t in "${targets[@]}"; do
  bin=build/coverage/tests/replay_$t
  [ -x "$bin" ] || continue
  LLVM_PROFILE_FILE="$out/$t.profraw" "$bin" "corpus/$t" >/dev/null 2>&1 || true
  objects+=(-object "$bin")
done
llvm-profdata-14 merge -sparse "$out"/*.profraw -o "$out/merged.profdata"
echo
echo "Coverage of core/src from the merged corpora (llvm-cov, lines and branches):"
llvm-cov-14 report "${objects[1]}" "${objects[@]:2}" -instr-profile="$out/merged.profdata" \
    "$PWD/core/src" 2>/dev/null | sed "s|$PWD/||"
echo
echo "findings: $findings (in $out)"
