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
