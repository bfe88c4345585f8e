#!/usr/bin/env bash
# Builds the libFuzzer targets (preset "fuzz": clang 14, ASan+UBSan) and
# runs each for a few seconds from its seed corpus, without touching the
# committed corpus. A crash or a hang fails the run.
# usage: scripts/fuzz-smoke.sh [SECONDS_PER_TARGET]   (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for target in fuzz_policy_parse fuzz_glob_diff fuzz_eval_diff fuzz_batch_line fuzz_policy_compile fuzz_lint fuzz_directory fuzz_context; do
  dict=()
  [ -f "fuzz/$target.dict" ] && dict=(-dict="fuzz/$target.dict")
  mkdir -p "$work/$target"
  if build/fuzz/fuzz/$target "${dict[@]}" -max_total_time="$seconds" -timeout=25 \
       -rss_limit_mb=2048 -artifact_prefix="$work/$target-" -print_final_stats=1 \
       "$work/$target" "corpus/$target" > "$work/$target.log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$target.log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$target.log")
    echo "fuzz smoke $target: ${runs:-?} runs, ${rate:-?} exec/s, no finding"
  else
    echo "fuzz smoke $target: FINDING" >&2
    tail -n 40 "$work/$target.log" >&2
    status=1
  fi
done
exit $status
