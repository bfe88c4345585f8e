#!/usr/bin/env node
// report.mjs — run.sh's reporting step: reads the manifest run.sh wrote (one
// line per workload: name, workload JSON, driver output, iamgate_bench JSON,
// tab-separated), prints the comparison table and the disagreements, and
// optionally writes everything as JSON.
//
//   node report.mjs --manifest FILE [--show N] [--json FILE] [--seconds S]
//                   [--bench PATH] [--cache-dir DIR]
//
// Exit status 1 when some measurement is missing, else 0 (disagreements are
// reported, not failed).

import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const args = { show: 5 };
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-/g, '_');
    if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
    args[key] = argv[i + 1];
  }
}
if (!args.manifest) {
  process.stderr.write('usage: report.mjs --manifest FILE [--show N] [--json FILE]\n');
  process.exit(2);
}
const show = Number(args.show);

const readJson = (file, what) => {
  const text = readFileSync(file, 'utf8').trim();
  if (!text) return { error: `${what}: no output` };
  try {
    return JSON.parse(text);
  } catch (e) {
    return { error: `${what}: unreadable JSON (${e.message})` };
  }
};

// Google Benchmark JSON → the one run named exactly `name`.
function ourRun(bench, name) {
  if (bench.error) return { error: bench.error };
  const runs = (bench.benchmarks ?? []).filter(
    (b) => b.name === name && (b.run_type ?? 'iteration') === 'iteration',
  );
  if (runs.length === 0) {
    const names = (bench.benchmarks ?? []).map((b) => b.name);
    return { error: `iamgate_bench reported no benchmark named ${name}` + (names.length ? ` (got: ${names.join(', ')})` : '') };
  }
  if (runs.length > 1 && !runs.every((r) => r.repetition_index !== undefined)) {
    return { error: `iamgate_bench reported ${runs.length} runs named ${name}` };
  }
  const bad = runs.find((r) => r.error_occurred);
  if (bad) return { error: `iamgate_bench: ${bad.error_message ?? 'benchmark failed'}` };
  // With repetitions, the median of items_per_second.
  const ips = runs.map((r) => r.items_per_second).filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (ips.length === 0) return { error: 'iamgate_bench reported no items_per_second' };
  const r = runs[0];
  const rate = ips[Math.floor(ips.length / 2)];
  return {
    decisions_per_second: rate,
    // items_per_second is per CPU second (as in libbenchmark); the wall-clock
    // rate, for comparing with the driver's wall-clock figure:
    decisions_per_wall_second:
      r.cpu_time > 0 && r.real_time > 0 ? (rate * r.cpu_time) / r.real_time : null,
    iterations: r.iterations,
    cpu_time: r.cpu_time,
    real_time: r.real_time,
    time_unit: r.time_unit,
    repetitions: runs.length,
  };
}

const results = [];
let failed = false;
let benchContext = null;
let peerInfo = null;

for (const line of readFileSync(args.manifest, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const [name, workloadFile, peerFile, oursFile, source] = line.split('\t');
  const workload = readJson(workloadFile, 'workload');
  const peer = readJson(peerFile, 'iam-simulate driver');
  const bench = oursFile === '-'
    ? { error: 'iamgate not measured: no benchmark binary' }
    : readJson(oursFile, 'iamgate_bench');
  if (!bench.error && bench.context) benchContext = bench.context;
  const ours = ourRun(bench, name);
  const row = {
    workload: name,
    source: source ?? 'dump',
    requests: workload.requests?.length ?? null,
    policies: (workload.policies ?? []).map((p) => `${p.name}:${p.kind}`),
    iam_simulate: peer.error
      ? { error: peer.error }
      : {
          decisions_per_second: peer.decisions_per_second,
          decisions_per_cpu_second: peer.decisions_per_cpu_second,
          passes: peer.passes,
          warmup_passes: peer.warmup_passes,
          elapsed_seconds: peer.elapsed_seconds,
          api: peer.api,
          error_counts: peer.error_counts,
        },
    iamgate: ours,
    ratio: null,
    ratio_wall: null,
    ratio_cpu: null,
    disagreements: null,
    disagreement_kinds: null,
    first_disagreements: [],
  };
  if (workload.name && workload.name !== name) {
    process.stderr.write(`report: workload file names itself ${workload.name}, not ${name}\n`);
  }
  // A missing iamgate measurement fails the run for a dumped workload; for a
  // --workload-file it may just be a workload the binary does not have.
  if (peer.error || (ours.error && source !== 'file')) failed = true;
  if (!peer.error) peerInfo ??= { version: peer.version, iam_data_version: peer.iam_data_version, api: peer.api, node: peer.node, derive_principal_keys: peer.derive_principal_keys };
  if (!peer.error && !ours.error) {
    row.ratio = ours.decisions_per_second / peer.decisions_per_second;
    // the same ratio with both sides on one clock
    row.ratio_wall = ours.decisions_per_wall_second ? ours.decisions_per_wall_second / peer.decisions_per_second : null;
    row.ratio_cpu = peer.decisions_per_cpu_second ? ours.decisions_per_second / peer.decisions_per_cpu_second : null;
  }

  if (!peer.error && Array.isArray(workload.decisions)) {
    if (workload.decisions.length !== workload.requests.length) {
      process.stderr.write(`report: ${name}: ${workload.decisions.length} decisions for ${workload.requests.length} requests\n`);
    }
    let count = 0;
    const kinds = {};
    workload.decisions.forEach((d, i) => {
      const theirs = peer.decisions[i];
      if (d === theirs) return;
      count++;
      const kind = `iamgate ${d} / iam-simulate ${theirs}`;
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      if (row.first_disagreements.length < show) {
        const r = workload.requests[i];
        row.first_disagreements.push({
          index: i,
          action: r.action,
          resource: r.resource,
          principal: r.principal,
          context: r.context ?? {},
          iamgate: d,
          iam_simulate: theirs,
          ...(peer.notes?.[i] ? { iam_simulate_notes: peer.notes[i] } : {}),
        });
      }
    });
    row.disagreements = count;
    row.disagreement_kinds = kinds;
  }
  results.push(row);
}

// ---- the table ---------------------------------------------------------------------

const fmtInt = (x) => (x == null ? 'n/a' : Math.round(x).toLocaleString('en-US'));
const fmtRatio = (x) => (x == null ? 'n/a' : x >= 100 ? `${Math.round(x).toLocaleString('en-US')}x` : `${x.toPrecision(3)}x`);
const header = ['workload', 'requests', 'iam-simulate dec/s', 'iamgate dec/s', 'ratio', 'disagree'];
const rows = results.map((r) => [
  r.workload,
  r.requests == null ? 'n/a' : String(r.requests),
  fmtInt(r.iam_simulate.decisions_per_second),
  fmtInt(r.iamgate.decisions_per_second),
  fmtRatio(r.ratio),
  r.disagreements == null ? 'n/a' : String(r.disagreements),
]);
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
const fmtRow = (row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');

const out = [];
if (peerInfo) {
  out.push(`iam-simulate ${peerInfo.version} (iam-data ${peerInfo.iam_data_version}, api ${peerInfo.api}` +
    `${peerInfo.derive_principal_keys ? ', principal keys derived' : ''}) on node ${peerInfo.node}; ` +
    `${args.seconds ?? '?'}s per side, one thread each; ratio = iamgate / iam-simulate`);
}
out.push('');
out.push(fmtRow(header));
out.push(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) out.push(fmtRow(row));

for (const r of results) {
  const problems = [r.iam_simulate.error, r.iamgate.error].filter(Boolean);
  for (const p of problems) out.push(`\n${r.workload}: ${p}`);
  if (r.iam_simulate.error_counts && Object.keys(r.iam_simulate.error_counts).length) {
    out.push(`\n${r.workload}: iam-simulate refused some requests: ` +
      Object.entries(r.iam_simulate.error_counts).map(([m, n]) => `${m} x${n}`).join(', '));
  }
  if (!r.disagreements) continue;
  out.push(`\n${r.workload}: ${r.disagreements} of ${r.requests} decisions differ`);
  for (const [kind, n] of Object.entries(r.disagreement_kinds)) out.push(`  ${String(n).padStart(6)}  ${kind}`);
  out.push(`  first ${r.first_disagreements.length}:`);
  for (const d of r.first_disagreements) {
    out.push(`  #${d.index} ${d.action} on ${d.resource} by ${d.principal}`);
    out.push(`      context ${JSON.stringify(d.context)}`);
    let verdict = `      iamgate ${d.iamgate}, iam-simulate ${d.iam_simulate}`;
    const notes = d.iam_simulate_notes;
    if (notes?.ignored_context_keys) verdict += `; iam-simulate ignored context keys ${notes.ignored_context_keys.join(', ')}`;
    if (notes?.result_type === 'wildcard') verdict += `; wildcard resource, ${notes.patterns_simulated} pattern(s) simulated`;
    if (notes?.errors) verdict += `; errors ${JSON.stringify(notes.errors)}`;
    out.push(verdict);
  }
}
process.stdout.write(out.join('\n') + '\n');

if (args.json) {
  const doc = {
    generated_at: new Date().toISOString(),
    seconds_per_side: args.seconds ? Number(args.seconds) : null,
    host: { hostname: os.hostname(), cpus: os.cpus()[0]?.model ?? null, ncpu: os.cpus().length },
    iamgate_bench: { path: args.bench ?? null, context: benchContext },
    iam_simulate: { ...peerInfo, cache_dir: args.cache_dir ?? null },
    results,
  };
  writeFileSync(args.json, JSON.stringify(doc, null, 2) + '\n');
  process.stderr.write(`report: wrote ${args.json}\n`);
}
process.exit(failed ? 1 : 0);
