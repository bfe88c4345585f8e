#!/usr/bin/env bash
# Runs the parse cases through the iamgate command (cases that need custom
# limits are library-only) and checks `iamgate check` on the seed examples.
# usage: check_cases.sh IAMGATE SOURCE_DIR
set -u
iamgate=$1
src=$2
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

for json in "$src"/tests/cases/parse/*.json; do
  expect=${json%.json}.expect
  kind="" flags="" line="" column="" custom=0
  while IFS= read -r l || [ -n "$l" ]; do
    case "$l" in
      kind:*) kind=${l#kind: } ;;
      flags:*) flags=${l#flags: } ;;
      line:*) line=${l#line: } ;;
      column:*) column=${l#column: } ;;
      max_*|quota_chars:*) custom=1 ;;
    esac
  done < "$expect"
  [ $custom -eq 0 ] || continue
  args=()
  [ -n "$kind" ] && args+=(--kind "$kind")
  for flag in $flags; do args+=("--$flag"); done
  out=$("$iamgate" check "${args[@]}" "$json" 2>&1)
  status=$?
  name=${json##*/}
  case "$name" in
    accept-*)
      if [ $status -eq 0 ] && [ "$out" = "$json: ok" ]; then ok; else bad "$name: expected ok, got ($status) $out"; fi ;;
    reject-*)
      want="$json:$line:$column: "
      first=${out%%$'\n'*}
      if [ $status -eq 1 ] && [ "${first#"$want"}" != "$first" ]; then ok; else bad "$name: expected exit 1 and '$want...', got ($status) $first"; fi ;;
  esac
done

# The seed's read-only example: missing comma before "chime:ListDirectories".
seed="$src/data/seed-examples/004-read-only-policy-example.json"
out=$("$iamgate" check "$seed")
status=$?
if [ $status -eq 1 ] && printf '%s' "$out" | head -n 1 | grep -q "^$seed:16:11: expected ',' or ']' after array element"; then ok; else bad "seed 004: ($status) $out"; fi
# The caret line points at the column.
if printf '%s\n' "$out" | sed -n 3p | grep -qx '            ^'; then ok; else bad "seed 004 caret: $out"; fi

# Exit codes: all valid 0; usage 2; unreadable file 2 (even beside valid ones).
"$iamgate" check "$src"/data/managed-policies/AmazonChime*.json >/dev/null; [ $? -eq 0 ] && ok || bad "managed policies should be valid"
"$iamgate" check >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "no files: exit 2"
"$iamgate" check --bogus x >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "bad option: exit 2"
"$iamgate" check "$src/no/such/file.json" "$src/data/managed-policies/AmazonChimeReadOnly.json" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "missing file: exit 2"
"$iamgate" check - < "$src/data/managed-policies/AmazonChimeReadOnly.json" | grep -qx -- '-: ok' && ok || bad "stdin"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
