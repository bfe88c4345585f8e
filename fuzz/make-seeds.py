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
