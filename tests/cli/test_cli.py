#!/usr/bin/env python3
"""End-to-end tests of the iamgate command: expand, simulate, eval.

usage: test_cli.py IAMGATE SOURCE_DIR GROUP    (GROUP: expand, simulate,
       principal, eval, errors)

Expected results come from the spec (spec §N cited per test), from AWS's
documented behaviour and from the data files read here independently of the
code under test; never from running iamgate and pasting its output.
Prints "N passed, M failed" and exits non-zero on any failure.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

IAMGATE, SRC, GROUP = sys.argv[1], sys.argv[2], sys.argv[3]
FIXTURE = os.path.join(SRC, "tests/cli/fixtures/account-details.json")
BAD_FIXTURE = os.path.join(SRC, "tests/cli/fixtures/account-details-bad.json")
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, file=sys.stderr)


def run(*args, stdin=None):
    p = subprocess.run([IAMGATE, *args], input=stdin, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def simulate(*args):
    rc, out, err = run("simulate", *args)
    if rc != 0:
        return rc, None, err
    return rc, json.loads(out), err


def results_by_action(doc):
    return {r["EvalActionName"]: r for r in doc["EvaluationResults"]}


def chime_catalog():
    with open(os.path.join(SRC, "data/chime-actions.aws.json")) as f:
        return [a["action"] for a in json.load(f)["actions"]]


def glob_to_regex(pattern):
    """IAM Action globbing (spec §2.1/§2.2): * any run, ? one character, case-insensitive."""
    out = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("^" + out + "$", re.IGNORECASE)


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


# ---------------------------------------------------------------- expand

def test_expand():
    catalog = chime_catalog()
    # The must-show: AmazonChimeReadOnly grants exactly the Chime
    # actions matching List*, Get*, Describe* and SearchAvailablePhoneNumbers.
    want = sorted(a for a in catalog
                  if re.match(r"^chime:(List|Get|Describe)", a) or a == "chime:SearchAvailablePhoneNumbers")
    rc, out, err = run("expand", "arn:aws:iam::aws:policy/AmazonChimeReadOnly")
    got = out.split()
    check(rc == 0, "expand ReadOnly exits 0: " + err)
    check(sorted(got) == want, "expand ReadOnly = List*/Get*/Describe*/SearchAvailablePhoneNumbers "
          "(%d vs %d; extra %s; missing %s)" % (len(got), len(want), sorted(set(got) - set(want))[:5],
                                                 sorted(set(want) - set(got))[:5]))
    check(len(got) == len(set(got)), "expand lists each action once")
    # Patterns match case-insensitively (spec §2.2), against the catalog.
    for pattern in ["chime:List*", "chime:*Voice?onnector*", "CHIME:getuser", "chime:*"]:
        rc, out, err = run("expand", pattern)
        want = sorted(a for a in catalog if glob_to_regex(pattern).match(a))
        check(rc == 0 and sorted(out.split()) == want, "expand %s: %d actions" % (pattern, len(want)))
    rc, out, _ = run("expand", "chime:*")
    check(len(out.split()) == 316, "chime:* is all 316 Chime actions (data/README.md)")
    # A policy file: an Allow NotAction grants the rest of the catalog; an
    # unconditional Deny on "*" takes actions away.
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        f.write(policy({"Effect": "Allow", "Action": "chime:*", "Resource": "*"},
                       {"Effect": "Deny", "Action": ["chime:Delete*", "chime:Create*"], "Resource": "*"},
                       {"Effect": "Deny", "Action": "chime:Get*", "Resource": "*",
                        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}))
    rc, out, _ = run("expand", f.name)
    want = sorted(a for a in catalog if not re.match(r"^chime:(Delete|Create)", a))
    check(rc == 0 and sorted(out.split()) == want,
          "expand policy: Allow chime:* minus unconditional Deny Delete*/Create* (conditional Deny kept)")
    rc, out, _ = run("expand", "file://" + f.name)
    check(rc == 0 and sorted(out.split()) == want, "expand file://PATH")
    os.unlink(f.name)
    # --long: access level and resource types (data/README.md: the
    # AssociatePhoneNumbersWithVoiceConnector action requires voice-connector).
    rc, out, _ = run("expand", "--long", "chime:AssociatePhoneNumbersWithVoiceConnector")
    check(out.strip() == "chime:AssociatePhoneNumbersWithVoiceConnector\tWrite\tvoice-connector*",
          "expand --long prints level and required resource type: " + out)
    rc, out, _ = run("expand", "--output", "json", "chime:ListAccounts")
    doc = json.loads(out)
    check(doc["count"] == 1 and doc["actions"][0]["accessLevel"] == "List", "expand --output json")
    # Errors: unknown service, unknown managed policy (with a suggestion),
    # a pattern that matches nothing (exit 1).
    rc, _, err = run("expand", "chim:List*")
    check(rc == 2 and "unknown service 'chim'" in err, "expand unknown service: " + err)
    rc, _, err = run("expand", "arn:aws:iam::aws:policy/AmazonChimeReadOnlyX")
    check(rc == 2 and "no such AWS managed policy" in err, "expand unknown managed policy: " + err)
    rc, _, err = run("expand", "arn:aws:iam::aws:policy/ChimeReadOnly")
    check(rc == 2 and "AmazonChimeReadOnly" in err, "expand suggests a managed policy name: " + err)
    rc, out, _ = run("expand", "chime:NoSuchThing*")
    check(rc == 1 and out == "", "expand of a pattern matching nothing exits 1")
    rc, _, err = run("expand", "ListUsers")
    check(rc == 2 and "neither a file" in err, "expand of a bare word: " + err)


# ---------------------------------------------------------------- simulate (custom policies)

def test_simulate():
    # Spec §7.5.3, the worked simulator exchange, exactly.
    doc = policy({"Effect": "Allow", "Action": "chime:Get*", "Resource": "*",
                  "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}).replace(" ", "")
    rc, out, err = simulate("--policy-input-list", doc, "--action-names", "chime:GetAccount", "chime:DeleteAccount")
    check(rc == 0, "simulate §7.5.3 runs: " + err)
    if out:
        check(out == {"EvaluationResults": [
            {"EvalActionName": "chime:GetAccount", "EvalResourceName": "*", "EvalDecision": "implicitDeny",
             "MatchedStatements": [], "MissingContextValues": ["aws:SourceIp"]},
            {"EvalActionName": "chime:DeleteAccount", "EvalResourceName": "*", "EvalDecision": "implicitDeny",
             "MatchedStatements": [], "MissingContextValues": []}], "IsTruncated": False},
            "simulate reproduces spec §7.5.3: " + json.dumps(out))
    # With the key supplied (shorthand form): allowed, the statement's
    # position is its '{' (line 1, column 38 of this minified document) and
    # its '}' (spec §7.5.2 positions, inclusive end).
    end_col = len(doc) - 2  # the statement's '}' is followed by "]}"
    for entry in ["ContextKeyName=aws:SourceIp,ContextKeyValues=203.0.113.9,ContextKeyType=ip",
                  '[{"ContextKeyName":"aws:SourceIp","ContextKeyValues":["203.0.113.9"],"ContextKeyType":"ip"}]']:
        rc, out, err = simulate("--policy-input-list", doc, "--action-names", "chime:GetAccount",
                                "--context-entries", entry)
        r = out["EvaluationResults"][0] if out else {}
        check(r.get("EvalDecision") == "allowed" and r.get("MatchedStatements") == [
            {"SourcePolicyId": "PolicyInputList.1", "SourcePolicyType": "IAM Policy",
             "StartPosition": {"Line": 1, "Column": 38}, "EndPosition": {"Line": 1, "Column": end_col}}],
              "simulate with context %s: %s" % (entry[:30], json.dumps(r)))
    # Outside the range: implicitDeny, nothing missing.
    rc, out, _ = simulate("--policy-input-list", doc, "--action-names", "chime:GetAccount",
                          "--context-entries", "ContextKeyName=aws:SourceIp,ContextKeyValues=198.51.100.1,ContextKeyType=ip")
    check(out and out["EvaluationResults"][0]["EvalDecision"] == "implicitDeny" and
          out["EvaluationResults"][0]["MissingContextValues"] == [], "simulate outside the CIDR")
    # Explicit deny lists only the deny statement (spec §6.6).
    two = policy({"Effect": "Allow", "Action": "chime:*", "Resource": "*"},
                 {"Sid": "NoDelete", "Effect": "Deny", "Action": "chime:Delete*", "Resource": "*"})
    rc, out, _ = simulate("--policy-input-list", two, "--action-names", "chime:DeleteAccount", "chime:GetAccount")
    res = results_by_action(out)
    m = res["chime:DeleteAccount"]["MatchedStatements"]
    check(res["chime:DeleteAccount"]["EvalDecision"] == "explicitDeny" and len(m) == 1 and
          m[0]["StartPosition"]["Column"] == two.index('{"Sid"') + 1, "explicitDeny lists the Deny only")
    check(res["chime:GetAccount"]["EvalDecision"] == "allowed", "Allow chime:* allows GetAccount")
    # Wildcards in --action-names expand against the catalog (issue: "wildcards expand").
    rc, out, _ = simulate("--policy-input-list", "arn:aws:iam::aws:policy/AmazonChimeReadOnly",
                          "--action-names", "chime:ListMeeting*")
    names = sorted(res["EvalActionName"] for res in out["EvaluationResults"])
    want = sorted(a for a in chime_catalog() if a.startswith("chime:ListMeeting"))
    check(names == want, "chime:ListMeeting* expands to %s" % want)
    check(all(r["EvalDecision"] == "allowed" and r["MatchedStatements"][0]["SourcePolicyId"] == "AmazonChimeReadOnly"
              and r["MatchedStatements"][0]["SourcePolicyType"] == "aws-managed" for r in out["EvaluationResults"]),
          "a managed policy by ARN is named as an attached AWS managed policy")
    # Permissions boundary (spec §6.8 boundary example): ID allows GetUser,
    # the boundary allows only List*: implicitDeny with the detail false.
    rc, out, _ = simulate("--policy-input-list", "arn:aws:iam::aws:policy/AmazonChimeReadOnly",
                          "--permissions-boundary-policy-input-list",
                          policy({"Effect": "Allow", "Action": "chime:List*", "Resource": "*"}),
                          "--action-names", "chime:GetUser", "chime:ListUsers")
    res = results_by_action(out)
    check(res["chime:GetUser"]["EvalDecision"] == "implicitDeny" and
          res["chime:GetUser"]["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False},
          "boundary blocks GetUser")
    check(res["chime:ListUsers"]["EvalDecision"] == "allowed" and
          res["chime:ListUsers"]["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True},
          "boundary lets ListUsers through")
    # SCPs (extension): a level without an Allow denies (spec §6.3 step 2).
    rc, out, _ = simulate("--policy-input-list", "arn:aws:iam::aws:policy/AmazonChimeFullAccess",
                          "--scp", policy({"Effect": "Allow", "Action": "*", "Resource": "*"}),
                          policy({"Effect": "Allow", "Action": "chime:Get*", "Resource": "*"}),
                          "--action-names", "chime:GetUser", "chime:DeleteAccount")
    res = results_by_action(out)
    check(res["chime:GetUser"]["EvalDecision"] == "allowed" and
          res["chime:GetUser"]["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": True}, "SCPs allow GetUser")
    check(res["chime:DeleteAccount"]["EvalDecision"] == "implicitDeny" and
          res["chime:DeleteAccount"]["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": False},
          "the second SCP level has no Allow for DeleteAccount")
    # Resources: the aggregated result is the most restrictive, with
    # per-resource results (spec §7.5.2 aggregation); legacy: one each.
    arn_ok = "arn:aws:chime:us-east-1:111122223333:app-instance/abc"
    arn_no = "arn:aws:chime:us-east-1:111122223333:app-instance/xyz"
    scoped = policy({"Effect": "Allow", "Action": "chime:DescribeAppInstance", "Resource": arn_ok})
    rc, out, _ = simulate("--policy-input-list", scoped, "--action-names", "chime:DescribeAppInstance",
                          "--resource-arns", arn_ok, arn_no)
    r = out["EvaluationResults"][0]
    check(len(out["EvaluationResults"]) == 1 and r["EvalDecision"] == "implicitDeny" and
          [x["EvalResourceDecision"] for x in r["ResourceSpecificResults"]] == ["allowed", "implicitDeny"],
          "aggregated result over two resources: " + json.dumps(r)[:200])
    rc, out, _ = simulate("--policy-input-list", scoped, "--action-names", "chime:DescribeAppInstance",
                          "--resource-arns", arn_ok, arn_no, "--legacy-per-resource-results")
    check([(r["EvalResourceName"], r["EvalDecision"]) for r in out["EvaluationResults"]] ==
          [(arn_ok, "allowed"), (arn_no, "implicitDeny")], "legacy per-resource results")
    # --cli-input-json (spec §7.5.1 PascalCase request).
    req = {"PolicyInputList": [doc], "ActionNames": ["chime:GetAccount"],
           "ContextEntries": [{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["203.0.113.1"],
                               "ContextKeyType": "ip"}]}
    rc, out, err = simulate("--cli-input-json", json.dumps(req))
    check(out and out["EvaluationResults"][0]["EvalDecision"] == "allowed", "--cli-input-json: " + err)
    # Multi-valued keys need a ...List type (spec §7.5.1, §3.6.4).
    tags = policy({"Effect": "Allow", "Action": "chime:TagResource", "Resource": "*",
                   "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost"]}}})
    rc, out, _ = simulate("--policy-input-list", tags, "--action-names", "chime:TagResource",
                          "--context-entries", "ContextKeyName=aws:TagKeys,ContextKeyValues=team,cost,ContextKeyType=stringList")
    check(out and out["EvaluationResults"][0]["EvalDecision"] == "allowed", "stringList shorthand a,b")
    rc, out, _ = simulate("--policy-input-list", tags, "--action-names", "chime:TagResource",
                          "--context-entries", "ContextKeyName=aws:TagKeys,ContextKeyValues=[team,owner],ContextKeyType=stringList")
    check(out and out["EvaluationResults"][0]["EvalDecision"] == "implicitDeny", "ForAllValues with a value outside")
    # --output table: a header and one row an action.
    rc, out, _ = run("simulate", "--policy-input-list", two, "--action-names", "chime:DeleteAccount",
                     "chime:GetAccount", "--output", "table")
    lines = out.splitlines()
    check(rc == 0 and len(lines) == 3 and lines[0].startswith("ACTION") and "explicitDeny" in lines[1]
          and "allowed" in lines[2], "table output")


# ---------------------------------------------------------------- eval (batch)

def test_eval():
    allow_list = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "chime:List*", "Resource": "*"}]}
    mfa = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Manage", "Effect": "Allow", "Action": ["chime:InviteUsers", "chime:List*"], "Resource": "*"},
        {"Sid": "MfaForWrites", "Effect": "Deny", "NotAction": ["chime:List*", "chime:Get*"], "Resource": "*",
         "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}
    ip = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "chime:*", "Resource": "*",
                                                 "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}
    cases = [
        # (case, expected decision or error code) — spec §6.3, §6.8, §3.3
        ({"id": "list", "policies": [allow_list], "request": {"action": "chime:ListUsers", "resource": "*"}}, "Allow"),
        ({"id": "delete", "policies": [allow_list], "request": {"action": "chime:DeleteAccount"}}, "ImplicitDeny"),
        ({"id": "mfa-absent", "policies": [mfa], "request": {"action": "chime:InviteUsers"}}, "ExplicitDeny"),
        ({"id": "mfa-true", "policies": [mfa], "request": {"action": "chime:InviteUsers",
                                                            "context": {"aws:MultiFactorAuthPresent": True}}}, "Allow"),
        ({"id": "mfa-false", "policies": [mfa], "request": {"action": "chime:InviteUsers",
                                                             "context": {"aws:MultiFactorAuthPresent": "false"}}}, "ExplicitDeny"),
        ({"id": "s3", "policies": [mfa], "request": {"action": "s3:ListBucket"}}, "ExplicitDeny"),
        ({"id": "ip-missing", "policies": [ip], "request": {"action": "chime:GetUser"}}, "ImplicitDeny"),
        ({"id": "ip-in", "policies": [ip], "request": {"action": "chime:GetUser", "context": {"aws:SourceIp": "10.2.3.4"}}}, "Allow"),
        ({"id": "managed", "policies": ["arn:aws:iam::aws:policy/AmazonChimeReadOnly"],
          "request": {"action": "chime:GetUser"}}, "Allow"),
        ({"id": "string-doc", "policies": [json.dumps(allow_list)], "request": {"action": "chime:ListAccounts"}}, "Allow"),
        ({"id": "boundary", "policies": ["arn:aws:iam::aws:policy/AmazonChimeReadOnly"], "boundaries": [allow_list],
          "request": {"action": "chime:GetUser"}}, "ImplicitDeny"),
        ({"id": "session-fed", "policies": [allow_list],
          "request": {"action": "chime:ListUsers", "principal": "arn:aws:sts::111122223333:federated-user/bob"}}, "ImplicitDeny"),
        ({"id": "session-pol", "policies": [allow_list], "sessionPolicies": [allow_list],
          "request": {"action": "chime:ListUsers", "principal": "arn:aws:sts::111122223333:federated-user/bob"}}, "Allow"),
        ({"id": "scp-levels", "policies": [allow_list],
          "scps": [[{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}],
                   {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "chime:Get*", "Resource": "*"}]}],
          "request": {"action": "chime:ListUsers"}}, "ImplicitDeny"),
        ({"id": 42, "policies": [allow_list], "request": {"action": "chime:ListUsers", "context": {"aws:TagKeys": ["a", "b"], "n": 5}}}, "Allow"),
        ({"id": "bad-effect", "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Permit", "Action": "*", "Resource": "*"}]}],
          "request": {"action": "chime:ListUsers"}}, "IAM_E_BAD_EFFECT"),
        ({"id": "no-request", "policies": [allow_list]}, "IAM_E_TYPE"),
        ({"id": "null-context", "policies": [allow_list], "request": {"action": "chime:ListUsers", "context": {"k": None}}}, "IAM_E_TYPE"),
        ({"id": "unknown-arn", "policies": ["arn:aws:iam::aws:policy/NoSuchPolicy"], "request": {"action": "chime:ListUsers"}}, "IAM_E_NOT_FOUND"),
    ]
    lines = [json.dumps(c, separators=(",", ":")) for c, _ in cases]
    lines.insert(3, '{"id":"broken" "policies":[]}')  # a malformed line: an error, and the run goes on
    lines.insert(4, "")                                # blank lines are skipped
    text = "\n".join(lines * 3) + "\n"                 # three rounds: cached and uncached paths
    for extra in ([], ["--no-cache"], ["--threads", "1"], ["--threads", "3"]):
        rc, out, err = run("eval", "--cases", "-", *extra, stdin=text)
        results = [json.loads(l) for l in out.splitlines()]
        check(rc == 1, "eval exits 1 when some lines are errors %s" % extra)
        check(len(results) == 3 * (len(cases) + 1), "one output line per non-blank input line %s" % extra)
        expected = [(c.get("id"), want) for c, want in cases]
        expected.insert(3, (None, "IAM_E_JSON_SYNTAX"))
        got = [(r.get("id"), r.get("decision") or r["error"]["code"]) for r in results]
        check(got == expected * 3, "eval decisions and error codes %s: %s" %
              (extra, [(g, e) for g, e in zip(got, expected * 3) if g != e][:4]))
        broken = results[3]["error"]
        check(broken["line"] == 4 and broken["column"] == 16, "the malformed line's error is at line 4, column 16 (the unexpected string): %s" % broken)
        bad = next(r for r in results if r.get("id") == "bad-effect")["error"]
        where = next(i for i, l in enumerate(lines) if '"bad-effect"' in l)
        check(bad["path"] == "/policies/0/Statement/0/Effect" and bad["line"] == where + 1,
              "a policy error points into the line: %s" % bad)
        check(bad["column"] == lines[where].index('"Permit"') + 1, "a policy error's column is the value's")
        mfa_r = next(r for r in results if r.get("id") == "mfa-absent")
        check(mfa_r["matched"] == [{"policy": "policies[0]", "statement": 1, "sid": "MfaForWrites", "effect": "Deny"}],
              "matched lists the deciding Deny statement: %s" % mfa_r["matched"])
        ipm = next(r for r in results if r.get("id") == "ip-missing")
        check(ipm["missingContext"] == ["aws:SourceIp"], "missingContext names the absent key")
    rc, out, err = run("eval", "--cases", os.path.join(SRC, "no/such/file.jsonl"))
    check(rc == 2 and "cannot open" in err, "eval of a missing file: " + err)
    rc, out, err = run("eval")
    check(rc == 2 and "--cases" in err, "eval without --cases")
    # Cached (fast) and uncached runs agree line for line on a generated mix.
    gen = subprocess.run([sys.executable, os.path.join(SRC, "bench/make_cases.py"), "20000",
                          os.path.join(SRC, "data/catalog/aws-services.jsonl")], capture_output=True, text=True)
    a = run("eval", "--cases", "-", stdin=gen.stdout)
    b = run("eval", "--cases", "-", "--no-cache", "--threads", "1", stdin=gen.stdout)
    check(a[0] == 0 and a[1] == b[1] and len(a[1].splitlines()) == 20000, "cached and uncached runs agree on 20,000 cases")
    decisions = {json.loads(l)["decision"] for l in a[1].splitlines()}
    check(decisions == {"Allow", "ExplicitDeny", "ImplicitDeny"}, "the generated mix has every decision")


# ---------------------------------------------------------------- lint

def lint_json(*args, stdin=None):
    rc, out, err = run("lint", "--format", "json", *args, stdin=stdin)
    return rc, (json.loads(out) if out.startswith("{") else None), err


def test_lint():
    # The seed table's actions (data/README.md: three spellings differ from
    # AWS's): did-you-mean for the two that do not exist, a case suggestion
    # for ResetPersonalPin (spec §2.2: names are case-insensitive).
    with open(os.path.join(SRC, "data/chime-actions.seed.json")) as f:
        seed = [row["action"] for row in json.load(f)]
    doc = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "SeedTable", "Effect": "Allow", "Action": seed, "Resource": "*",
         "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}, indent=2)
    rc, out, err = lint_json("-", stdin=doc)
    findings = out["files"][0]["findings"] if out else []
    by_code = {}
    for x in findings:
        by_code.setdefault(x["issueCode"], []).append(x)
    invalid = sorted(x["findingDetails"] for x in by_code.get("INVALID_ACTION", []))
    check(len(invalid) == 2, "two seed actions do not exist: %s" % invalid)
    check(any("chime:ListMeetingReportData" in m and "chime:ListMeetingsReportData" in m for m in invalid),
          "ListMeetingReportData -> did you mean chime:ListMeetingsReportData: %s" % invalid)
    check(any("chime:RetrieveDataExport" in m for m in invalid), "RetrieveDataExport is unknown")
    case = by_code.get("X_ACTION_CASE", [])
    check(len(case) == 1 and "chime:ResetPersonalPIN" in case[0]["findingDetails"],
          "ResetPersonalPin: spelt ResetPersonalPIN in the catalog: %s" % case)
    check(rc == 1, "lint exits 1 with an ERROR finding (default --fail-on error)")
    # Positions: each finding's span points at the action's string.
    lines = doc.split("\n")
    for x in by_code.get("INVALID_ACTION", []) + case:
        start = x["locations"][0]["span"]["start"]
        text = lines[start["line"] - 1][start["column"]:]
        check(text.startswith('"chime:'), "finding span starts at the action string: %r" % text[:30])
        check(x["locations"][0]["path"][:3] == [{"value": "Statement"}, {"index": 0}, {"value": "Action"}],
              "Access Analyzer path: %s" % x["locations"][0]["path"])
    # Text format: file:line:col: severity CODE: message, the line and a caret.
    seedfile = os.path.join(SRC, "data/seed-examples/004-read-only-policy-example.json")
    rc, out, err = run("lint", seedfile)
    first = out.splitlines()[0] if out else ""
    check(rc == 1 and first.startswith(seedfile + ":16:11: ERROR JSON_SYNTAX_ERROR:"),
          "text finding for the read-only seed example: %r" % first)
    check(len(out.splitlines()) >= 3 and out.splitlines()[2].strip() == "^", "caret line under the column")
    # --fail-on: a policy with only a SUGGESTION passes by default, fails at suggestion.
    redundant = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["chime:ListUsers", "chime:List*"], "Resource": "*"}]})
    rc, out, _ = lint_json("-", stdin=redundant)
    codes = [x["issueCode"] for x in out["files"][0]["findings"]] if out else []
    check(codes == ["REDUNDANT_ACTION"], "chime:ListUsers beside chime:List* is redundant (§8.3 #125): %s" % codes)
    check(rc == 0, "a SUGGESTION does not fail by default")
    rc, _, _ = run("lint", "--fail-on", "suggestion", "-", stdin=redundant)
    check(rc == 1, "--fail-on suggestion fails on it")
    clean = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["chime:ListUsers", "chime:GetUser"], "Resource": "*"}]})
    rc, out, _ = run("lint", "--fail-on", "suggestion", "-", stdin=clean)
    check(rc == 0 and out == "", "a clean policy prints nothing and exits 0: %r" % out)
    # Usage and I/O errors exit 2.
    rc, _, err = run("lint", "/no/such/policy.json")
    check(rc == 2 and "/no/such/policy.json" in err, "unknown file: " + err)
    rc, _, err = run("lint", "--fail-on", "fatal", seedfile)
    check(rc == 2, "bad --fail-on value")
    rc, _, err = run("lint")
    check(rc == 2 and "usage" in err, "lint without files")


GROUPS = {"expand": test_expand, "simulate": test_simulate, "eval": test_eval, "lint": test_lint}
if __name__ == "__main__":
    extra = os.path.join(SRC, "tests/cli/test_cli_principal.py")
    if GROUP not in GROUPS:
        sys.path.insert(0, os.path.dirname(extra))
        import test_cli_principal  # principal and error tests over the account fixture
        test_cli_principal.run_group(GROUP, sys.modules[__name__])
    else:
        GROUPS[GROUP]()
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
