#!/usr/bin/env python3
"""Writes N batch-evaluation cases (iamgate eval --cases), one JSON a line.

The cases cycle through a few realistic policy groups (an inline Chime
policy with an MFA deny, the AWS managed Chime policies by ARN, a boundary)
and through the Chime catalog's actions, with varied contexts, so that the
run exercises the cache, conditions, boundaries and every decision.
Usage: make_cases.py N [catalog.jsonl] > cases.jsonl
"""
import json
import sys

INLINE = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Manage", "Effect": "Allow", "Action": ["chime:InviteUsers", "chime:ResetPersonalPIN", "chime:List*", "chime:Get*"], "Resource": "*"},
    {"Sid": "MfaForWrites", "Effect": "Deny", "NotAction": ["chime:List*", "chime:Get*"], "Resource": "*",
     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}
OFFICE = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "chime:*", "Resource": "*",
     "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]}}}]}
BOUNDARY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["chime:List*", "chime:Get*", "chime:Describe*"], "Resource": "*"}]}

GROUPS = [
    {"policies": [INLINE]},
    {"policies": ["arn:aws:iam::aws:policy/AmazonChimeReadOnly"]},
    {"policies": ["arn:aws:iam::aws:policy/AmazonChimeFullAccess"], "boundaries": [BOUNDARY]},
    {"policies": [OFFICE, "arn:aws:iam::aws:policy/AmazonChimeUserManagement"]},
]
CONTEXTS = [
    {},
    {"aws:MultiFactorAuthPresent": True, "aws:SourceIp": "203.0.113.7"},
    {"aws:MultiFactorAuthPresent": False, "aws:SourceIp": "192.0.2.1", "aws:username": "alice"},
    {"aws:SourceIp": "198.51.100.20", "aws:TagKeys": ["team", "cost"]},
]


def chime_actions(path):
    with open(path) as f:
        for line in f:
            if line.startswith('{"service":"chime"'):
                return ["chime:" + a["name"] for a in json.loads(line)["actions"]]
    raise SystemExit("no chime service in " + path)


def main():
    n = int(sys.argv[1])
    actions = chime_actions(sys.argv[2] if len(sys.argv) > 2 else "data/catalog/aws-services.jsonl")
    groups = [json.dumps(g, separators=(",", ":"))[1:-1] for g in GROUPS]
    out = sys.stdout
    lines = []
    for i in range(n):
        request = {"action": actions[i % len(actions)], "resource": "*",
                   "principal": "arn:aws:iam::111122223333:user/alice",
                   "context": CONTEXTS[(i // 7) % len(CONTEXTS)]}
        lines.append('{"id":"c%d",%s,"request":%s}\n' % (i, groups[(i // 3) % len(groups)],
                                                         json.dumps(request, separators=(",", ":"))))
        if len(lines) == 10000:
            out.write("".join(lines))
            lines = []
    out.write("".join(lines))


if __name__ == "__main__":
    main()
