#!/usr/bin/env bash
# The main job on built-in data: builds iamgate and checks the Chime
# managed policies and the seed examples (one is malformed on purpose).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
set +e
./build/release/iamgate check data/managed-policies/AmazonChime*.json data/seed-examples/0*.json
status=$?
set -e
echo "iamgate check exited with $status (1: one seed example is malformed on purpose)"
[ "$status" -eq 1 ]
