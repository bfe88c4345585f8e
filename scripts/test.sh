#!/usr/bin/env bash
# The whole test suite: gcc release, clang with ASan+UBSan, gcc with ASan+UBSan,
# and the threaded evaluator test under ThreadSanitizer.
# Usage: scripts/test.sh [PRESET...]   (default: release clang-asan asan tsan)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(release clang-asan asan tsan)
jobs=$(nproc 2>/dev/null || echo 2)
for preset in "${presets[@]}"; do
  echo "=== preset $preset ==="
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  ctest --preset "$preset" -j "$jobs"
done
IAMGATE_WRK_SECONDS=${IAMGATE_WRK_SECONDS:-10} integrations/nginx/test.sh # nginx module: requests, reloads, short load test
# A short libFuzzer run per target (only in the default, full run).
if [ $# -eq 0 ]; then
  echo "=== fuzz smoke ==="
  scripts/fuzz-smoke.sh "${IAM_FUZZ_SMOKE_SECONDS:-30}"
fi
