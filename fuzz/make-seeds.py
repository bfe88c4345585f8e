#!/usr/bin/env python3
"""Builds corpus/fuzz_policy_parse/ from the real corpus, the Chime data and
the parse cases. Each seed is 2 option bytes (kind/flags, arena size) and a
document. Run from the project root; the output is committed."""
import hashlib, json, os, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, "corpus", "fuzz_policy_parse")
os.makedirs(out, exist_ok=True)

def seed(name, doc: bytes, kind=0, arena=200):
    data = bytes([kind, arena]) + doc
    digest = hashlib.sha1(data).hexdigest()[:12]
    with open(os.path.join(out, f"{name}-{digest}"), "wb") as f:
        f.write(data)

kinds = {"identity": 0, "boundary": 1, "session": 2, "scp": 3, "rcp": 4, "resource": 5}
with open(os.path.join(root, "corpus", "aws-managed-policies.jsonl"), "rb") as f:
    for line in f:
        rec = json.loads(line)
        doc = json.dumps(rec["document"], separators=(",", ":")).encode()
        seed("managed-" + rec["name"], doc)
for d in ("data/managed-policies", "data/seed-examples"):
    for name in sorted(os.listdir(os.path.join(root, d))):
        if name.endswith(".json") and name != "index.json":
            seed("data-" + name[:-5], open(os.path.join(root, d, name), "rb").read())
cases = os.path.join(root, "tests", "cases", "parse")
for name in sorted(os.listdir(cases)):
    if name.endswith(".json"):
        expect = open(os.path.join(cases, name[:-5] + ".expect")).read()
        kind = next((kinds[l.split(":", 1)[1].strip()] for l in expect.splitlines()
                     if l.startswith("kind:")), 0)
        seed("case-" + name[:-5], open(os.path.join(cases, name), "rb").read(), kind)
print(len(os.listdir(out)), "seeds in", out)

# fuzz_glob_diff: byte 0 = kind (bit 0: resource), then '\n'-separated
# patterns; every piece is also a subject. Seeds: each spec vector as a
# pattern/subject pair, and real corpus patterns grouped by service.
glob_out = os.path.join(root, "corpus", "fuzz_glob_diff")
os.makedirs(glob_out, exist_ok=True)
def glob_seed(name, kind, pieces):
    data = bytes([kind]) + b"\n".join(pieces)
    if len(data) > 4096:
        return
    digest = hashlib.sha1(data).hexdigest()[:12]
    with open(os.path.join(glob_out, f"{name}-{digest}"), "wb") as f:
        f.write(data)
kinds_glob = {"action": 0, "resource": 1}
for line in open(os.path.join(root, "tests", "cases", "glob", "vectors.tsv"), "rb"):
    fields = line.rstrip(b"\n").split(b"\t")
    if len(fields) != 5 or fields[0].decode(errors="replace") not in kinds_glob:
        continue
    unq = lambda f: b"" if f == b'""' else f
    glob_seed("vector", kinds_glob[fields[0].decode()], [unq(fields[1]), unq(fields[2])])
actions, resources = {}, {}
with open(os.path.join(root, "corpus", "aws-managed-policies.jsonl"), "rb") as f:
    for line in f:
        doc = json.loads(line)["document"]
        stmts = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
        for st in stmts:
            for key, bucket in (("Action", actions), ("NotAction", actions), ("Resource", resources)):
                v = st.get(key, [])
                for p in (v if isinstance(v, list) else [v]):
                    svc = p.split(":")[0] if bucket is actions else (p.split(":") + ["", "", ""])[2]
                    bucket.setdefault(svc, []).append(p.encode())
for bucket, kind in ((actions, 0), (resources, 1)):
    for svc in sorted(bucket)[:400]:
        pats = sorted(set(bucket[svc]))[:20]
        glob_seed("corpus-" + ("a" if kind == 0 else "r"), kind, pats)
print(len(os.listdir(glob_out)), "seeds in", glob_out)


# fuzz_eval_diff: byte 0 = kinds (2 bits per policy: identity, boundary,
# session, scp), byte 1 = count-1 (+4: last is resource-based), then
# NUL-separated: documents, action, resource, principal, "k=v" / "k==a|b".
eval_out = os.path.join(root, "corpus", "fuzz_eval_diff")
os.makedirs(eval_out, exist_ok=True)
kind_bits = {"identity": 0, "boundaries": 1, "sessionPolicies": 2}
def ctx_piece(k, v):
    conv = lambda x: ("true" if x else "false") if isinstance(x, bool) else str(x)
    if isinstance(v, list):
        return (k + "==" + "|".join(conv(x) for x in v)).encode()
    return (k + "=" + conv(v)).encode()
for name in sorted(os.listdir(os.path.join(root, "tests", "cases", "eval"))):
    if not name.endswith(".json"):
        continue
    spec = json.load(open(os.path.join(root, "tests", "cases", "eval", name)))
    docs, bits = [], 0
    for key in ("identity", "boundaries", "sessionPolicies"):
        for d in spec.get("policies", {}).get(key, []):
            if len(docs) < 4:
                bits |= kind_bits[key] << (2 * len(docs))
                docs.append(json.dumps(d, separators=(",", ":")).encode())
    for level in spec.get("policies", {}).get("scps", []):
        for d in level:
            if len(docs) < 4:
                bits |= 3 << (2 * len(docs))
                docs.append(json.dumps(d, separators=(",", ":")).encode())
    flags = len(docs) - 1
    for d in spec.get("policies", {}).get("resourcePolicies", [])[:1]:
        if len(docs) < 4:
            docs.append(json.dumps(d, separators=(",", ":")).encode())
            flags = (len(docs) - 1) | 4
    if not docs:
        continue
    for i, case in enumerate(spec["cases"][:40]):
        req = case["request"]
        pieces = docs + [req.get("action", "").encode(), req.get("resource", "").encode(),
                         req.get("principal", "").encode()]
        pieces += [ctx_piece(k, v) for k, v in req.get("context", {}).items()]
        data = bytes([bits, flags]) + b"\0".join(pieces)
        if len(data) > 16384:
            continue
        digest = hashlib.sha1(data).hexdigest()[:12]
        with open(os.path.join(eval_out, f"{name[:-5]}-{i}-{digest}"), "wb") as f:
            f.write(data)
print(len(os.listdir(eval_out)), "seeds in", eval_out)

# ---- targets of the command and the linter ----
def write_seed(target, name, data: bytes, limit=None):
    if limit is not None and len(data) > limit:
        return
    d = os.path.join(root, "corpus", target)
    os.makedirs(d, exist_ok=True)
    digest = hashlib.sha1(data).hexdigest()[:12]
    with open(os.path.join(d, f"{name}-{digest}"), "wb") as f:
        f.write(data)

chime = [open(os.path.join(root, "data/managed-policies", n), "rb").read()
         for n in sorted(os.listdir(os.path.join(root, "data/managed-policies"))) if n.startswith("Amazon")]
seeds_ex = [open(os.path.join(root, "data/seed-examples", n), "rb").read()
            for n in sorted(os.listdir(os.path.join(root, "data/seed-examples"))) if n.startswith("0")]
sample = []
with open(os.path.join(root, "corpus", "aws-managed-policies.jsonl"), "rb") as f:
    for i, line in enumerate(f):
        if i % 8 == 0:
            rec = json.loads(line)
            sample.append((rec["name"], json.dumps(rec["document"], separators=(",", ":")).encode()))

# fuzz_lint: byte 0 = kind (bits 0-1), then the document.
for i, doc in enumerate(chime + seeds_ex):
    write_seed("fuzz_lint", "data", bytes([0]) + doc)
lint_cases = os.path.join(root, "tests", "cases", "lint")
for name in sorted(os.listdir(lint_cases)):
    if name.endswith(".json"):
        expect = open(os.path.join(lint_cases, name[:-5] + ".expect")).read()
        kind = next((kinds[l.split(":", 1)[1].strip()] for l in expect.splitlines()
                     if l.startswith("kind:")), 0)
        write_seed("fuzz_lint", "case-" + name[:-5], bytes([kind & 3]) + open(os.path.join(lint_cases, name), "rb").read(), 128 << 10)
for name, doc in sample:
    write_seed("fuzz_lint", "managed-" + name, bytes([0]) + doc, 128 << 10)

# fuzz_policy_compile: byte 0 kinds, byte 1 SCP level / small arena, NUL-separated documents, then an action.
for i in range(len(chime)):
    docs = [chime[i], chime[(i + 1) % len(chime)]]
    for kinds_byte, action in ((0x00, b"chime:ListUsers"), (0x04, b"chime:DeleteAccount"), (0x0c, b"s3:ListBucket")):
        write_seed("fuzz_policy_compile", "chime", bytes([kinds_byte, i & 7]) + b"\0".join(docs) + b"\0" + action)
    write_seed("fuzz_policy_compile", "small-arena", bytes([0, 8]) + chime[i])
for name, doc in sample[:60]:
    write_seed("fuzz_policy_compile", "managed-" + name, bytes([0, 0]) + doc + b"\0chime:GetUser", 64 << 10)

# fuzz_directory: the account-export fixtures and small exports.
for name in ("account-details.json", "account-details-bad.json"):
    write_seed("fuzz_directory", "fixture", open(os.path.join(root, "tests/cli/fixtures", name), "rb").read())
small = {"UserDetailList": [{"UserName": "u", "Arn": "arn:aws:iam::111122223333:user/u", "GroupList": ["g"],
                             "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%7D"}],
                             "AttachedManagedPolicies": [{"PolicyName": "AmazonChimeReadOnly", "PolicyArn": "arn:aws:iam::aws:policy/AmazonChimeReadOnly"}]}],
         "GroupDetailList": [{"GroupName": "g", "Arn": "arn:aws:iam::111122223333:group/g"}],
         "RoleDetailList": [{"RoleName": "r", "Path": "/aws-service-role/x/", "Arn": "arn:aws:iam::111122223333:role/aws-service-role/x/r",
                             "RolePolicyList": [{"PolicyName": "q", "PolicyDocument": "{\"Version\":\"2012-10-17\"}"}]}],
         "Policies": [{"PolicyName": "m", "Arn": "arn:aws:iam::111122223333:policy/m", "DefaultVersionId": "v1",
                       "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": True, "Document": {"Version": "2012-10-17"}}]}]}
write_seed("fuzz_directory", "small", json.dumps(small).encode())
write_seed("fuzz_directory", "empty", b"{}")

# fuzz_context: --context-entries arguments, shorthand and JSON.
for arg in ["ContextKeyName=aws:SourceIp,ContextKeyValues=203.0.113.9,ContextKeyType=ip",
            "ContextKeyName=aws:TagKeys,ContextKeyValues=team,cost,ContextKeyType=stringList",
            "ContextKeyName=aws:TagKeys,ContextKeyValues=[team,owner],ContextKeyType=stringList",
            "ContextKeyName=aws:MultiFactorAuthPresent,ContextKeyValues=true,ContextKeyType=boolean",
            "ContextKeyName='aws:username',ContextKeyValues=\"alice, bob\",ContextKeyType=string",
            "ContextKeyValues=1",
            '[{"ContextKeyName":"aws:SourceIp","ContextKeyValues":["203.0.113.9"],"ContextKeyType":"ip"}]',
            '{"ContextKeyName":"aws:CurrentTime","ContextKeyValues":["2026-01-01T00:00:00Z"],"ContextKeyType":"date"}']:
    write_seed("fuzz_context", "arg", arg.encode())
for target in ("fuzz_lint", "fuzz_policy_compile", "fuzz_directory", "fuzz_context"):
    print(len(os.listdir(os.path.join(root, "corpus", target))), "seeds in corpus/" + target)
