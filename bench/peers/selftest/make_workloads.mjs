#!/usr/bin/env node
// make_workloads.mjs OUTDIR — writes hand-made workloads in the format of
// `iamgate_bench --dump-workload=NAME` (one file per workload, named after the
// workload with '/' replaced by '__'), for testing run.sh before the real
// benchmark binary exists.
//
// Policies come from data/managed-policies/AmazonChime*.json, actions from
// data/chime-actions.aws.json. The "decisions" are what AWS answers, computed
// here from the (simple) policies by hand-written rules — they stand in for
// iamgate's answers.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const data = join(here, '..', '..', '..', 'data');
const outDir = process.argv[2];
if (!outDir) {
  process.stderr.write('usage: make_workloads.mjs OUTDIR\n');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const managed = (name) => JSON.parse(readFileSync(join(data, 'managed-policies', `${name}.json`), 'utf8'));
const catalog = JSON.parse(readFileSync(join(data, 'chime-actions.aws.json'), 'utf8'));
const resourceTemplates = Object.fromEntries(catalog.resourceTypes.map((t) => [t.name, t.arn]));
const ACCOUNT = '123456789012';
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;

// A concrete ARN for the action's first resource type, "*" for wildcard-only actions.
function resourceFor(action) {
  if (action.wildcardOnly || action.resourceTypes.length === 0) return '*';
  const template = resourceTemplates[action.resourceTypes[0].name];
  return template
    .replace('${Partition}', 'aws')
    .replace('${Region}', 'us-east-1')
    .replace('${AccountId}', ACCOUNT)
    .replace(/\$\{(\w+)\}/g, (_, v) => `bench-${v.toLowerCase()}`);
}

// IAM action globs: case-insensitive, '*' and '?'.
function globMatch(pattern, value) {
  const re = new RegExp(
    '^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$',
    'i',
  );
  return re.test(value);
}
// Allow-only, Resource "*" policies: allowed iff some statement lists the action.
function allowsAction(policy, action) {
  return policy.Statement.some(
    (s) => s.Effect === 'Allow' && [s.Action].flat().some((p) => globMatch(p, action)),
  );
}

function write(workload) {
  const file = join(outDir, workload.name.replaceAll('/', '__') + '.json');
  writeFileSync(file, JSON.stringify(workload) + '\n');
  process.stdout.write(`${file}: ${workload.requests.length} requests\n`);
}

const baseContext = { 'aws:SourceIp': '203.0.113.7', 'aws:MultiFactorAuthPresent': 'true' };

// ---- eval/chime-readonly/allow and /deny ------------------------------------
{
  const ro = managed('AmazonChimeReadOnly');
  const allowed = catalog.actions.filter((a) => allowsAction(ro, a.action));
  const denied = catalog.actions.filter((a) => !allowsAction(ro, a.action));
  const policies = [{ name: 'AmazonChimeReadOnly', kind: 'identity', document: ro }];
  const req = (a) => ({ action: a.action, resource: resourceFor(a), principal: ALICE, context: baseContext });
  write({
    name: 'eval/chime-readonly/allow',
    policies,
    requests: allowed.map(req),
    decisions: allowed.map(() => 'Allow'),
  });
  write({
    name: 'eval/chime-readonly/deny',
    policies,
    requests: denied.map(req),
    decisions: denied.map(() => 'ImplicitDeny'),
  });
}

// ---- eval/chime-managed-3/mix -------------------------------------------------
{
  const names = ['AmazonChimeReadOnly', 'AmazonChimeUserManagement', 'AmazonChimeSDK'];
  const docs = names.map(managed);
  const requests = catalog.actions.map((a, i) => ({
    action: a.action,
    resource: resourceFor(a),
    principal: ALICE,
    context: {
      ...baseContext,
      ...(i % 3 === 0 ? { 'aws:PrincipalTag/team': ['a', 'b'] } : {}),
    },
  }));
  write({
    name: 'eval/chime-managed-3/mix',
    policies: names.map((name, i) => ({ name, kind: 'identity', document: docs[i] })),
    requests,
    decisions: requests.map((r) => (docs.some((d) => allowsAction(d, r.action)) ? 'Allow' : 'ImplicitDeny')),
  });
}

// ---- eval/conditions/mfa-ip-time ------------------------------------------------
{
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowChimeWithMfaFromOffice',
        Effect: 'Allow',
        Action: 'chime:*',
        Resource: '*',
        Condition: {
          Bool: { 'aws:MultiFactorAuthPresent': 'true' },
          IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '198.51.100.0/24'] },
          DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' },
        },
      },
      {
        Sid: 'DenyDeletesWithoutMfa',
        Effect: 'Deny',
        Action: 'chime:Delete*',
        Resource: '*',
        Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
      },
      {
        Sid: 'DenyAfterSunset',
        Effect: 'Deny',
        Action: 'chime:*',
        Resource: '*',
        Condition: { DateGreaterThan: { 'aws:CurrentTime': '2031-01-01T00:00:00Z' } },
      },
    ],
  };
  const byName = Object.fromEntries(catalog.actions.map((a) => [a.action, a]));
  const actions = ['chime:ListUsers', 'chime:GetMeeting', 'chime:DeleteMeeting', 'chime:CreateMeeting',
    'chime:DeleteVoiceConnector', 'chime:UpdateAccount'].map((n) => byName[n]);
  const mfas = ['true', 'false', undefined];
  const ips = ['203.0.113.7', '198.51.100.200', '192.0.2.1', undefined];
  const times = ['2026-03-01T12:00:00Z', '2030-06-01T00:00:00Z', '2032-01-01T00:00:00Z', undefined];
  const inOffice = (ip) => ip?.startsWith('203.0.113.') || ip?.startsWith('198.51.100.');
  const requests = [];
  const decisions = [];
  for (const a of actions) for (const mfa of mfas) for (const ip of ips) for (const t of times) {
    const context = {};
    if (mfa !== undefined) context['aws:MultiFactorAuthPresent'] = mfa;
    if (ip !== undefined) context['aws:SourceIp'] = ip;
    if (t !== undefined) context['aws:CurrentTime'] = t;
    requests.push({ action: a.action, resource: resourceFor(a), principal: ALICE, context });
    const isDelete = a.action.startsWith('chime:Delete');
    if ((isDelete && mfa !== 'true') || (t !== undefined && t > '2031-01-01T00:00:00Z')) {
      decisions.push('ExplicitDeny');
    } else if (mfa === 'true' && inOffice(ip) && t !== undefined && t < '2030-01-01T00:00:00Z') {
      decisions.push('Allow');
    } else {
      decisions.push('ImplicitDeny');
    }
  }
  write({
    name: 'eval/conditions/mfa-ip-time',
    policies: [{ name: 'ChimeMfaIpTime', kind: 'identity', document: policy }],
    requests,
    decisions,
  });
}

// ---- eval/variables/username-resource -----------------------------------------
// AWS sets aws:username on every request signed by an IAM user, so the policy
// variable resolves whether or not a caller lists it. Half of these requests
// list it in the context, half leave it to the evaluator.
{
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OwnUserOnly',
        Effect: 'Allow',
        Action: ['iam:GetUser', 'iam:ChangePassword', 'iam:ListAccessKeys'],
        Resource: 'arn:aws:iam::*:user/${aws:username}',
      },
    ],
  };
  const requests = [];
  const decisions = [];
  for (const caller of ['alice', 'bob', 'carol']) {
    for (const target of ['alice', 'bob', 'mallory']) {
      for (const action of ['iam:GetUser', 'iam:ChangePassword', 'iam:ListAccessKeys', 'iam:DeleteUser']) {
        for (const listed of [true, false]) {
          requests.push({
            action,
            resource: `arn:aws:iam::${ACCOUNT}:user/${target}`,
            principal: `arn:aws:iam::${ACCOUNT}:user/${caller}`,
            context: listed ? { 'aws:username': caller } : {},
          });
          decisions.push(caller === target && action !== 'iam:DeleteUser' ? 'Allow' : 'ImplicitDeny');
        }
      }
    }
  }
  write({
    name: 'eval/variables/username-resource',
    policies: [{ name: 'OwnUserOnly', kind: 'identity', document: policy }],
    requests,
    decisions,
  });
}
