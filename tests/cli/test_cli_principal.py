"""simulate-principal-policy over the account-export fixture, and the
command's error messages. Imported by test_cli.py (groups "principal" and
"errors"); the fixture and the reasons for each expected decision are in
tests/cli/fixtures/README.md (spec §6.3, §6.8, §7.1–§7.4)."""
import json
import os


def run_group(group, t):
    {"principal": test_principal, "errors": test_errors}[group](t)


def sim(t, principal, *args):
    rc, out, err = t.run("simulate", "--account-details", t.FIXTURE, "--policy-source-arn", principal, *args)
    t.check(rc == 0, "simulate %s %s exits 0: %s" % (principal, args[:3], err))
    return t.results_by_action(json.loads(out)) if rc == 0 else {}


def decision(res, action):
    return res.get(action, {}).get("EvalDecision")


def sources(res, action):
    return sorted((m["SourcePolicyId"], m["SourcePolicyType"]) for m in res.get(action, {}).get("MatchedStatements", []))


def test_principal(t):
    check = t.check
    # alice: user, groups ChimeAdmins + Staff, inline ChimeUsers with the
    # MFA deny of spec §6.8, boundary ChimeOnly (default version v2: chime:*).
    r = sim(t, "alice", "--action-names", "chime:ListUsers", "chime:InviteUsers", "s3:ListAllMyBuckets",
            "iam:ListUsers", "chime:DescribeAppInstance")
    check(decision(r, "chime:ListUsers") == "allowed", "alice ListUsers: NotAction excludes List* (§6.8 row 1)")
    check(("AmazonChimeReadOnly", "aws-managed") in sources(r, "chime:ListUsers") and
          ("AmazonChimeUserManagement", "aws-managed") in sources(r, "chime:ListUsers"),
          "alice ListUsers is allowed by both group managed policies: %s" % sources(r, "chime:ListUsers"))
    check(decision(r, "chime:InviteUsers") == "explicitDeny" and
          sources(r, "chime:InviteUsers") == [("ChimeUsers", "user")],
          "alice InviteUsers with long-term keys: MfaForWrites denies (§6.8 row 2)")
    check(decision(r, "s3:ListAllMyBuckets") == "explicitDeny", "alice s3: NotAction covers other services (§6.8 last row)")
    check(r.get("chime:ListUsers", {}).get("PermissionsBoundaryDecisionDetail") ==
          {"AllowedByPermissionsBoundary": True}, "alice's boundary (v2, chime:*) allows ListUsers")
    mfa = ["--context-entries", "ContextKeyName=aws:MultiFactorAuthPresent,ContextKeyValues=true,ContextKeyType=boolean"]
    r = sim(t, "alice", "--action-names", "chime:InviteUsers", "iam:ListUsers", "chime:CreateMeeting", *mfa)
    check(decision(r, "chime:InviteUsers") == "allowed" and
          ("ChimeInvite", "group") in sources(r, "chime:InviteUsers"), "alice InviteUsers with MFA: allowed (§6.8 row 3)")
    check(decision(r, "iam:ListUsers") == "implicitDeny", "alice iam:ListUsers: nothing allows it")
    check(decision(r, "chime:CreateMeeting") == "allowed" and
          ("StaffMeetings", "group") in sources(r, "chime:CreateMeeting"),
          "alice CreateMeeting: the percent-encoded Staff inline policy (§7.4 encodings)")
    # The boundary's non-default version v1 (Action "*") is never evaluated
    # (§7.2): iam:ListUsers stays denied even with an identity policy for it.
    r = sim(t, "alice", "--policy-input-list", t.policy({"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}),
            "--action-names", "iam:ListUsers", *mfa)
    check(decision(r, "iam:ListUsers") == "implicitDeny" and
          r["iam:ListUsers"].get("PermissionsBoundaryDecisionDetail") == {"AllowedByPermissionsBoundary": False},
          "alice's boundary v2 (chime:*) blocks iam:ListUsers; v1 is not in effect")
    # Lookup by ARN and ignoring case (§7.1: names are unique case-insensitively).
    for name in ["arn:aws:iam::111122223333:user/alice", "ALICE"]:
        r = sim(t, name, "--action-names", "chime:ListUsers")
        check(decision(r, "chime:ListUsers") == "allowed", "alice found as %s" % name)
    # bob: Staff + customer managed ChimeNoAccountDeletion (Deny DeleteAccount, Allow chime:*).
    r = sim(t, "bob", "--action-names", "chime:DeleteAccount", "chime:CreateAccount")
    check(decision(r, "chime:DeleteAccount") == "explicitDeny" and
          sources(r, "chime:DeleteAccount") == [("ChimeNoAccountDeletion", "user-managed")],
          "bob DeleteAccount: the customer managed Deny (§6.3 step 1)")
    check(decision(r, "chime:CreateAccount") == "allowed", "bob CreateAccount: chime:*")
    # carol: no policies at all: everything implicitly denied (§6.3 step 5).
    r = sim(t, "carol", "--action-names", "chime:ListUsers")
    check(decision(r, "chime:ListUsers") == "implicitDeny", "carol has no permissions")
    # dave: aws:PrincipalTag/dept synthesised from his tags (§5.2).
    r = sim(t, "dave", "--action-names", "chime:ListUsers")
    check(decision(r, "chime:ListUsers") == "allowed", "dave's tag dept=it satisfies the PrincipalTag condition")
    r = sim(t, "dave", "--action-names", "chime:ListUsers", "--context-entries",
            "ContextKeyName=aws:PrincipalTag/dept,ContextKeyValues=hr,ContextKeyType=string")
    check(decision(r, "chime:ListUsers") == "implicitDeny", "a caller-supplied entry overrides the synthesised tag (§5.2)")
    # ChimeOps: role with FullAccess, an inline Deny Delete* given as a JSON
    # string, boundary ChimeReadBoundary (List/Get/Describe).
    session = "arn:aws:sts::111122223333:assumed-role/ChimeOps/ops-session"
    r = sim(t, session, "--action-names", "chime:GetUser", "chime:CreateAccount", "chime:DeleteAccount")
    check(decision(r, "chime:GetUser") == "allowed", "ChimeOps session GetUser: ID and boundary allow")
    check(decision(r, "chime:CreateAccount") == "implicitDeny" and
          r["chime:CreateAccount"].get("PermissionsBoundaryDecisionDetail") == {"AllowedByPermissionsBoundary": False},
          "ChimeOps CreateAccount: the boundary does not allow it (§6.3 step 6)")
    check(decision(r, "chime:DeleteAccount") == "explicitDeny" and
          sources(r, "chime:DeleteAccount") == [("OpsGuardrail", "role")], "ChimeOps DeleteAccount: inline role Deny")
    # A boundary given on the command line replaces the role's (§7.5.1).
    r = sim(t, session, "--permissions-boundary-policy-input-list",
            t.policy({"Effect": "Allow", "Action": "chime:*", "Resource": "*"}), "--action-names", "chime:CreateAccount")
    check(decision(r, "chime:CreateAccount") == "allowed", "--permissions-boundary-policy-input-list replaces the boundary")
    # Session policies intersect (§6.3 step 7).
    r = sim(t, session, "--session-policy", t.policy({"Effect": "Allow", "Action": "chime:List*", "Resource": "*"}),
            "--action-names", "chime:GetUser", "chime:ListUsers")
    check(decision(r, "chime:GetUser") == "implicitDeny" and decision(r, "chime:ListUsers") == "allowed",
          "a session policy narrows the role session")
    # ChimeAuditor: MFA required; role sessions carry MultiFactorAuthPresent=false by default (§5.2).
    r = sim(t, "ChimeAuditor", "--action-names", "chime:GetUser")
    check(decision(r, "chime:GetUser") == "implicitDeny", "ChimeAuditor without MFA")
    r = sim(t, "ChimeAuditor", "--action-names", "chime:GetUser", *mfa)
    check(decision(r, "chime:GetUser") == "allowed", "ChimeAuditor with MFA")
    # Service-linked role: SCPs do not apply to it (§6.3 note 2) but do to other roles.
    scp = t.policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    slr_arn = "arn:aws:iam::111122223333:role/aws-service-role/chime.amazonaws.com/AWSServiceRoleForAmazonChime"
    for who, want in [("AWSServiceRoleForAmazonChime", "allowed"), ("ChimeOps", "implicitDeny")]:
        rc, out, err = t.run("simulate", "--account-details", t.FIXTURE, "--policy-source-arn", who, "--scp", scp,
                             "--action-names", "iam:CreateServiceLinkedRole", "chime:GetUser",
                             "--resource-arns", slr_arn, "--context-entries",
                             "ContextKeyName=iam:AWSServiceName,ContextKeyValues=chime.amazonaws.com,ContextKeyType=string")
        res = t.results_by_action(json.loads(out)) if rc == 0 else {}
        action = "iam:CreateServiceLinkedRole" if who.startswith("AWS") else "chime:GetUser"
        check(decision(res, action) == want, "%s %s under an SCP without it: %s" % (who, action, want))
    # A group as the policy source: its policies alone.
    r = sim(t, "ChimeAdmins", "--action-names", "chime:InviteUsers", "chime:CreateMeeting")
    check(decision(r, "chime:InviteUsers") == "allowed" and decision(r, "chime:CreateMeeting") == "implicitDeny",
          "group ChimeAdmins simulated on its own")


def test_errors(t):
    check, run = t.check, t.run
    rc, _, err = run("simulate", "--account-details", t.FIXTURE, "--policy-source-arn", "alcie",
                     "--action-names", "chime:ListUsers")
    check(rc == 2 and "no such user, role or group" in err and "did you mean: alice" in err,
          "unknown principal with a near match: " + err)
    rc, _, err = run("simulate", "--account-details", t.FIXTURE, "--policy-source-arn",
                     "arn:aws:sts::111122223333:assumed-role/ChimeOp/x", "--action-names", "chime:ListUsers")
    check(rc == 2 and "ChimeOps" in err, "unknown role in a session ARN suggests ChimeOps: " + err)
    rc, _, err = run("simulate", "--account-details", "/no/such/export.json", "--policy-source-arn", "alice",
                     "--action-names", "chime:ListUsers")
    check(rc == 2 and "/no/such/export.json" in err and "No such file" in err, "unknown export file: " + err)
    with open(os.path.join(t.SRC, "tests/cli/fixtures/README.md")) as f:
        readme = f.read()
    rc, _, err = run("simulate", "--account-details", t.BAD_FIXTURE, "--policy-source-arn", "alice",
                     "--action-names", "chime:ListUsers")
    check(rc == 2 and "account-details-bad.json:62:13:" in err and "62:13" in readme,
          "malformed export: line and column (fixtures/README.md): " + err)
    rc, _, err = run("simulate", "--policy-source-arn", "alice", "--action-names", "chime:ListUsers")
    check(rc == 2 and "--account-details" in err, "--policy-source-arn needs --account-details")
    rc, _, err = run("simulate", "--policy-input-list", "arn:aws:iam::aws:policy/AmazonChimeReadOnly",
                     "--action-names", "chime:ListMeetingReportData")
    check(rc == 2 and "did you mean chime:ListMeetingsReportData" in err,
          "unknown action with did-you-mean (the seed table's misspelling): " + err)
    rc, _, err = run("simulate", "--policy-input-list", "arn:aws:iam::aws:policy/AmazonChimeReadOnly",
                     "--action-names", "chme:ListUsers")
    check(rc == 2 and "no such service" in err, "unknown service in --action-names: " + err)
    rc, _, err = run("simulate", "--policy-input-list", "file:///no/such/policy.json", "--action-names", "chime:ListUsers")
    check(rc == 2 and "/no/such/policy.json" in err, "unknown policy file: " + err)
    seed = os.path.join(t.SRC, "data/seed-examples/004-read-only-policy-example.json")
    rc, _, err = run("simulate", "--policy-input-list", "file://" + seed, "--action-names", "chime:ListUsers")
    check(rc == 2 and "004-read-only-policy-example.json:16:11:" in err,
          "a malformed policy is reported at 16:11 (data/README.md): " + err)
    for entry, what in [("ContextKeyName=aws:SourceIp,ContextKeyValues=1.2.3.4,5.6.7.8,ContextKeyType=ip", "needs exactly one"),
                        ("ContextKeyName=aws:SecureTransport,ContextKeyValues=yes,ContextKeyType=boolean", "not a boolean"),
                        ("ContextKeyName=aws:SourceIp,ContextKeyValues=1.2.3.4,ContextKeyType=ipaddress", "unknown ContextKeyType"),
                        ("ContextKeyValues=1", "expected ContextKeyName"),
                        ('[{"ContextKeyName":"aws:SourceIp","ContextKeyValues":"1.2.3.4"}]', "ContextKeyValues (array")]:
        rc, _, err = run("simulate", "--policy-input-list", "arn:aws:iam::aws:policy/AmazonChimeReadOnly",
                         "--action-names", "chime:ListUsers", "--context-entries", entry)
        check(rc == 2 and what in err, "bad context entry %s: %s" % (entry, err))
    rc, _, err = run("simulate", "--action-names", "chime:ListUsers")
    check(rc == 2 and "no policies" in err, "simulate without policies")
    rc, _, err = run("simulate", "--policy-input-list", "arn:aws:iam::aws:policy/AmazonChimeReadOnly")
    check(rc == 2 and "--action-names is required" in err, "simulate without actions")
    rc, _, err = run("frobnicate")
    check(rc == 2 and "unknown command" in err, "unknown command")
