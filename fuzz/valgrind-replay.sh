#!/usr/bin/env bash
# Replays every fuzz corpus under Valgrind memcheck (release build, gcc, no
# sanitizers): any invalid read or write, use of uninitialised memory or
# leak fails the run.   usage: fuzz/valgrind-replay.sh [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_policy_parse fuzz_policy_compile fuzz_glob_diff fuzz_eval_diff
                                       fuzz_lint fuzz_directory fuzz_batch_line fuzz_context)
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
status=0
for t in "${targets[@]}"; do
  start=$(date +%s)
  if valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
       --quiet "build/release/tests/replay_$t" "corpus/$t" > "/tmp/valgrind-$t.log" 2>&1; then
    echo "valgrind $t: clean ($(ls "corpus/$t" | wc -l) inputs, $(( $(date +%s) - start )) s)"
  else
    echo "valgrind $t: ERRORS (see /tmp/valgrind-$t.log)" >&2
    status=1
  fi
done
exit $status
