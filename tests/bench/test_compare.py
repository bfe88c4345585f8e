#!/usr/bin/env python3
"""Checks a bench_main binary's JSON against libbenchmark 1.7.1's schema and
feeds two runs of it to libbenchmark's tools/compare.py.

usage: test_compare.py BENCH_BINARY [FILTER]

Runs BENCH_BINARY twice with --benchmark_repetitions=2
--benchmark_min_time=0.01 --benchmark_format=json --benchmark_out=FILE
(and --benchmark_filter=FILTER), validates stdout and both files, then runs
`compare.py benchmarks A.json B.json` and checks its table. Exit status 0
on success, 1 on failure, 77 (skip) when compare.py or scipy is missing.
"""
import json
import math
import os
import re
import subprocess
import sys
import tempfile

COMPARE_PY = "/usr/share/benchmark/compare.py"
SKIP = 77
REPETITIONS = 2

CONTEXT_KEYS = [
    ("date", str), ("host_name", str), ("executable", str), ("num_cpus", int),
    ("mhz_per_cpu", int), ("cpu_scaling_enabled", bool), ("caches", list),
    ("load_avg", list), ("library_build_type", str),
]
CACHE_KEYS = [("type", str), ("level", int), ("size", int), ("num_sharing", int)]
ITERATION_KEYS = [
    "name", "family_index", "per_family_instance_index", "run_name", "run_type",
    "repetitions", "repetition_index", "threads", "iterations", "real_time",
    "cpu_time", "time_unit",
]
AGGREGATE_KEYS = [
    "name", "family_index", "per_family_instance_index", "run_name", "run_type",
    "repetitions", "threads", "aggregate_name", "aggregate_unit", "iterations",
    "real_time", "cpu_time", "time_unit",
]
AGGREGATES = ["mean", "median", "stddev", "cv"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Failure(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failure(message)


def find_scipy_python():
    """An interpreter that can import scipy (compare.py needs it): this one,
    else the system's, which is where Debian's python3-scipy lives."""
    candidates = [sys.executable, "/usr/bin/python3"]
    for python in dict.fromkeys(candidates):
        if not python or not os.path.exists(python):
            continue
        probe = subprocess.run([python, "-c", "import scipy"], capture_output=True)
        if probe.returncode == 0:
            return python
    return None


def ordered_pairs(pairs):
    """json.load hook keeping the key order (and catching duplicate keys)."""
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise Failure(f"duplicate keys in an object: {keys}")
    return pairs


def parse_json(text, what):
    try:
        return json.loads(text, object_pairs_hook=ordered_pairs)
    except (ValueError, Failure) as e:
        raise Failure(f"{what} is not valid JSON: {e}") from e


def as_dict(pairs):
    return dict(pairs)


def check_context(pairs, executable):
    keys = [k for k, _ in pairs]
    expected = [k for k, _ in CONTEXT_KEYS]
    expect(keys[:len(expected)] == expected,
           f"context keys {keys} do not start with {expected}")
    context = as_dict(pairs)
    for key, kind in CONTEXT_KEYS:
        value = context[key]
        expect(isinstance(value, kind) and not (kind is int and isinstance(value, bool)),
               f"context.{key} = {value!r} is not a {kind.__name__}")
    expect(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", context["date"]),
           f"context.date {context['date']!r} is not ISO 8601 with an offset")
    expect(context["executable"] == executable,
           f"context.executable {context['executable']!r} != {executable!r}")
    expect(context["num_cpus"] >= 1, "context.num_cpus < 1")
    expect(context["library_build_type"] in ("release", "debug"),
           "library_build_type is neither release nor debug")
    expect(len(context["load_avg"]) == 3 and
           all(isinstance(x, (int, float)) for x in context["load_avg"]),
           f"load_avg {context['load_avg']} is not three numbers")
    for cache in context["caches"]:
        expect([k for k, _ in cache] == [k for k, _ in CACHE_KEYS],
               f"cache keys {[k for k, _ in cache]}")
        values = as_dict(cache)
        expect(values["type"] in ("Data", "Instruction", "Unified"),
               f"cache type {values['type']!r}")
        expect(values["level"] >= 1 and values["size"] >= 0, f"cache {values}")
    for key, value in pairs[len(expected):]:
        expect(isinstance(value, str), f"extra context {key} is not a string")


def check_entry_keys(pairs, fixed):
    """The fixed keys in order, then sorted numeric counters, then label."""
    keys = [k for k, _ in pairs]
    name = as_dict(pairs).get("name")
    expect(keys[:len(fixed)] == fixed, f"{name}: keys {keys} do not start with {fixed}")
    rest = pairs[len(fixed):]
    if rest and rest[-1][0] == "label":
        expect(isinstance(rest[-1][1], str), f"{name}: label is not a string")
        rest = rest[:-1]
    counters = [k for k, _ in rest]
    expect(counters == sorted(counters), f"{name}: counters {counters} are not sorted")
    for key, value in rest:
        expect(isinstance(value, (int, float)) and not isinstance(value, bool),
               f"{name}: counter {key} = {value!r} is not a number")


def check_iteration(entry, pairs):
    check_entry_keys(pairs, ITERATION_KEYS)
    name = entry["name"]
    expect(entry["name"] == entry["run_name"], f"{name}: name != run_name")
    expect(entry["run_type"] == "iteration", f"{name}: run_type {entry['run_type']}")
    expect(entry["threads"] == 1 and entry["per_family_instance_index"] == 0,
           f"{name}: threads / per_family_instance_index")
    expect(entry["repetitions"] == REPETITIONS, f"{name}: repetitions {entry['repetitions']}")
    expect(isinstance(entry["iterations"], int) and entry["iterations"] >= 1,
           f"{name}: iterations {entry['iterations']}")
    for key in ("real_time", "cpu_time"):
        expect(isinstance(entry[key], float) and entry[key] >= 0.0, f"{name}: {key}")
    expect(entry["time_unit"] in ("ns", "us", "ms", "s"), f"{name}: time_unit")


def check_aggregate(entry, pairs):
    check_entry_keys(pairs, AGGREGATE_KEYS)
    name = entry["name"]
    expect(entry["run_type"] == "aggregate", f"{name}: run_type")
    expect(name == f"{entry['run_name']}_{entry['aggregate_name']}",
           f"{name}: not run_name + '_' + aggregate_name")
    unit = "percentage" if entry["aggregate_name"] == "cv" else "time"
    expect(entry["aggregate_unit"] == unit, f"{name}: aggregate_unit {entry['aggregate_unit']}")
    expect(entry["iterations"] == REPETITIONS, f"{name}: iterations {entry['iterations']}")


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def check_statistics(run_name, runs, aggregates):
    """mean/median/stddev/cv of two repetitions, recomputed from the runs."""
    expect([a["aggregate_name"] for a in aggregates] == AGGREGATES,
           f"{run_name}: aggregates {[a['aggregate_name'] for a in aggregates]}")
    expect([r["repetition_index"] for r in runs] == list(range(REPETITIONS)),
           f"{run_name}: repetition indexes")
    expect(len({r["iterations"] for r in runs}) == 1,
           f"{run_name}: repetitions ran different iteration counts")
    by_name = {a["aggregate_name"]: a for a in aggregates}
    for key in ("real_time", "cpu_time"):
        a, b = (r[key] for r in runs)
        mean, stddev = (a + b) / 2, abs(a - b) / math.sqrt(2)
        expect(close(by_name["mean"][key], mean), f"{run_name}: mean {key}")
        expect(close(by_name["median"][key], mean), f"{run_name}: median {key}")
        expect(close(by_name["stddev"][key], stddev), f"{run_name}: stddev {key}")
        cv = stddev / mean if mean else 0.0
        expect(close(by_name["cv"][key], cv), f"{run_name}: cv {key}")


def check_benchmarks(benchmarks):
    """Returns the run names in order."""
    expect(benchmarks, "no benchmarks in the report")
    entries = [(as_dict(p), p) for p in benchmarks]
    errors = [e for e, _ in entries if e.get("error_occurred")]
    expect(not errors, "benchmarks failed: " +
           "; ".join(f"{e['name']}: {e.get('error_message')}" for e in errors))
    run_names, families = [], {}
    for entry, pairs in entries:
        run_name = entry.get("run_name")
        if run_name not in families:
            run_names.append(run_name)
            families[run_name] = entry.get("family_index")
        expect(entry.get("family_index") == families[run_name],
               f"{entry.get('name')}: family_index changes within a benchmark")
        if entry.get("run_type") == "aggregate":
            check_aggregate(entry, pairs)
        else:
            check_iteration(entry, pairs)
    expect([families[n] for n in run_names] == list(range(len(run_names))),
           f"family_index is not 0, 1, 2... in order: {families}")
    for run_name in run_names:
        rows = [e for e, _ in entries if e["run_name"] == run_name]
        runs = [e for e in rows if e["run_type"] == "iteration"]
        aggregates = [e for e in rows if e["run_type"] == "aggregate"]
        expect(rows == runs + aggregates, f"{run_name}: aggregates do not follow the runs")
        check_statistics(run_name, runs, aggregates)
    return run_names


def run_benchmark(binary, bench_filter, out_path):
    command = [binary, f"--benchmark_repetitions={REPETITIONS}", "--benchmark_min_time=0.01",
               "--benchmark_format=json", f"--benchmark_out={out_path}"]
    if bench_filter:
        command.append(f"--benchmark_filter={bench_filter}")
    result = subprocess.run(command, capture_output=True, text=True)
    expect(result.returncode == 0,
           f"{' '.join(command)} exited {result.returncode}:\n{result.stderr}")
    stdout = parse_json(result.stdout, "stdout")
    with open(out_path, encoding="utf-8") as f:
        document = parse_json(f.read(), out_path)
    for report, what in ((stdout, "stdout"), (document, out_path)):
        expect([k for k, _ in report] == ["context", "benchmarks"],
               f"{what}: top-level keys are not context, benchmarks")
        check_context(as_dict(report)["context"], binary)
    names = check_benchmarks(as_dict(document)["benchmarks"])
    stdout_names = [as_dict(p)["name"] for p in as_dict(stdout)["benchmarks"]]
    file_names = [as_dict(p)["name"] for p in as_dict(document)["benchmarks"]]
    expect(stdout_names == file_names, "stdout and the file list different benchmarks")
    return names


def check_compare(python, a_path, b_path, run_names):
    command = [python, COMPARE_PY, "--no-color", "benchmarks", a_path, b_path]
    result = subprocess.run(command, capture_output=True, text=True)
    expect(result.returncode == 0,
           f"compare.py exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    lines = [ANSI.sub("", line) for line in result.stdout.splitlines()]
    headers = [line for line in lines if line.startswith("Benchmark")]
    expect(headers and all(word in headers[0] for word in
                           ("Benchmark", "Time", "CPU", "Time Old", "Time New")),
           f"compare.py printed no comparison header:\n{result.stdout}")
    first_words = {line.split()[0] for line in lines if line.split()}
    for name in run_names:
        for row in [name] + [f"{name}_{agg}" for agg in AGGREGATES]:
            expect(row in first_words, f"compare.py printed no row for {row}:\n{result.stdout}")
    print(result.stdout)


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    binary = sys.argv[1]
    bench_filter = sys.argv[2] if len(sys.argv) == 3 else ""
    if not os.path.exists(COMPARE_PY):
        print(f"SKIP: {COMPARE_PY} is missing (Debian package libbenchmark-tools)")
        return SKIP
    python = find_scipy_python()
    if python is None:
        print("SKIP: python3-scipy is not installed (compare.py needs it)")
        return SKIP
    try:
        with tempfile.TemporaryDirectory(prefix="bench_compare_") as tmp:
            a_path, b_path = os.path.join(tmp, "A.json"), os.path.join(tmp, "B.json")
            names = run_benchmark(binary, bench_filter, a_path)
            names_b = run_benchmark(binary, bench_filter, b_path)
            expect(names == names_b, "the two runs ran different benchmarks")
            check_compare(python, a_path, b_path, names)
    except Failure as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        return 1
    print(f"OK: {len(names)} benchmarks, both reports valid, compare.py agrees")
    return 0


if __name__ == "__main__":
    sys.exit(main())
