#!/usr/bin/env bash
# The main job on built-in data (no user data needed): builds iamgate, then
#  1. checks and lints the Chime managed policies and the seed examples
#     (one is malformed on purpose and must be reported at 16:11),
#  2. expands AmazonChimeReadOnly to the catalog actions it grants,
#  3. simulates representative Chime actions against the built-in Chime
#     managed policies, as `aws iam simulate-custom-policy` would,
#  4. runs 1,000,000 batch cases through a pipe and reports decisions/s.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
iamgate=./build/release/iamgate

echo "== 1. iamgate check: Chime managed policies and seed examples"
set +e
$iamgate check data/managed-policies/AmazonChime*.json data/seed-examples/0*.json
status=$?
set -e
echo "iamgate check exited with $status (1: one seed example is malformed on purpose)"
[ "$status" -eq 1 ]

echo
echo "== 1b. iamgate lint: the same files, Access Analyzer-style findings"
set +e
$iamgate lint --fail-on error data/managed-policies/AmazonChime*.json data/seed-examples/0*.json
status=$?
set -e
echo "iamgate lint exited with $status (1: the malformed seed example is an ERROR)"
[ "$status" -eq 1 ]

echo
echo "== 2. iamgate expand arn:aws:iam::aws:policy/AmazonChimeReadOnly"
$iamgate expand --long arn:aws:iam::aws:policy/AmazonChimeReadOnly > /tmp/iamgate-demo-expand.txt
head -5 /tmp/iamgate-demo-expand.txt
echo "... $(wc -l < /tmp/iamgate-demo-expand.txt) actions in all"

echo
actions="chime:ListAccounts chime:GetUser chime:InviteUsers chime:ResetPersonalPIN chime:LogoutUser chime:UpdateAccountSettings chime:CreateAccount chime:DeleteAccount chime:CreateVoiceConnector chime:SearchAvailablePhoneNumbers"
for name in AmazonChimeReadOnly AmazonChimeUserManagement AmazonChimeFullAccess; do
  echo "== 3. iamgate simulate --policy-input-list arn:aws:iam::aws:policy/$name"
  # shellcheck disable=SC2086 # the action list is meant to split
  $iamgate simulate --policy-input-list "arn:aws:iam::aws:policy/$name" --action-names $actions --output table
  echo
done

echo "== 4. 1,000,000 batch cases: python3 bench/make_cases.py 1000000 | iamgate eval --cases -"
cases=/tmp/iamgate-demo-cases.jsonl
python3 bench/make_cases.py 1000000 > "$cases"
start=$(date +%s.%N)
cat "$cases" | $iamgate eval --cases - > /tmp/iamgate-demo-results.jsonl
end=$(date +%s.%N)
python3 - "$start" "$end" /tmp/iamgate-demo-results.jsonl <<'EOF'
import collections, json, sys
start, end, path = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
counts = collections.Counter(json.loads(line).get("decision", "error") for line in open(path))
n = sum(counts.values())
print("%d results: %s" % (n, ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
print("%.2f s wall clock: %.2f M decisions/s" % (end - start, n / (end - start) / 1e6))
EOF
rm -f "$cases" /tmp/iamgate-demo-results.jsonl /tmp/iamgate-demo-expand.txt
