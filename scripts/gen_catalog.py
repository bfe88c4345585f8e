#!/usr/bin/env python3
"""Generates the built-in data of iamgate_catalog.h as C.

    python3 scripts/gen_catalog.py --root <project root> --out <dir>

Reads data/catalog/aws-services.jsonl, data/chime-actions.seed.json,
data/managed-policies/index.json and corpus/aws-managed-policies.jsonl;
writes <dir>/catalog_data.c and <dir>/managed_data.c, which define the
tables declared in core/src/catalog/catalog_internal.h. Standard library
only; the output is the same bytes on every run.

Lookups are open-addressing hash tables (linear probing, power-of-two size,
load <= 0.5, slot = index + 1, 0 = empty) keyed on FNV-1a 32-bit:
ASCII-lowercased "service:action" for actions, lowercased prefix for
services, the exact name for managed policies. catalog.c computes the same
hash (keep the two in step).
"""

import argparse
import json
import os
import sys

FNV_OFFSET = 2166136261
FNV_PRIME = 16777619

# ISO C's minimum for a string literal is 4,095 bytes and catalog_data.c is
# compiled with -Wpedantic (-Woverlength-strings): pool rows stay below it.
POOL_ROW = 4096
POOL_FILL = 4000

MANAGED_BITS = {"FA": 1, "UM": 2, "RO": 4}
POLICY_ARN_PREFIX = "arn:aws:iam::aws:policy/"


def fail(msg):
    sys.exit("gen_catalog.py: " + msg)


def fnv1a(data):
    h = FNV_OFFSET
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & 0xFFFFFFFF
    return h


def ascii_lower(data):
    return data.lower()  # bytes.lower() folds ASCII letters only


def c_string_body(data):
    """The bytes as the inside of a C string literal: printable ASCII as is,
    everything else as a 3-digit octal escape (so a following digit cannot
    join it), '?' escaped against trigraphs (-std=c11 has them)."""
    out = []
    for b in data:
        if b == 0x22:
            out.append('\\"')
        elif b == 0x5C:
            out.append("\\\\")
        elif b == 0x3F:
            out.append("\\?")
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        else:
            out.append("\\%03o" % b)
    return "".join(out)


def c_literal_lines(data, indent, width=100):
    """data as adjacent string literals (one literal for C), one per line."""
    if not data:
        return [indent + '""']
    lines = []
    for i in range(0, len(data), width):
        lines.append(indent + '"' + c_string_body(data[i:i + width]) + '"')
    return lines


def hash_table(keys):
    """Slots (index + 1, 0 empty) for keys[i] (bytes, already folded)."""
    size = 1
    while size < 2 * len(keys):
        size *= 2
    size = max(size, 2)
    mask = size - 1
    slots = [0] * size
    for i, key in enumerate(keys):
        j = fnv1a(key) & mask
        while slots[j] != 0:
            j = (j + 1) & mask
        slots[j] = i + 1
    return slots, mask


def emit_u32_array(out, name, values, per_line=12):
    out.append("const uint32_t %s[%d] = {" % (name, len(values)))
    for i in range(0, len(values), per_line):
        out.append("    " + ", ".join(str(v) for v in values[i:i + per_line]) + ",")
    out.append("};")


class StringPool:
    """Deduplicated strings in rows of one 2-D char array, each row a short
    literal; every string is followed by a NUL and never crosses a row."""

    def __init__(self, name):
        self.name = name
        self.rows = [bytearray()]
        self.where = {}

    def add(self, data):
        if data in self.where:
            return self.where[data]
        if len(data) + 1 > POOL_FILL:
            fail("string too long for the pool: %r" % data[:60])
        if len(self.rows[-1]) + len(data) + 1 > POOL_FILL:
            self.rows.append(bytearray())
        row = len(self.rows) - 1
        off = len(self.rows[-1])
        self.rows[-1] += data + b"\0"
        self.where[data] = (row, off)
        return row, off

    def ref(self, data, skip=0, length=None):
        """An iam_str initializer for data[skip:skip + length] (to the end
        by default), pointing into data's copy."""
        row, off = self.add(data)
        if length is None:
            length = len(data) - skip
        return "S(%d,%d,%d)" % (row, off + skip, length)

    def emit(self, out):
        out.append("static const char %s[%d][%d] = {" % (self.name, len(self.rows), POOL_ROW))
        for row in self.rows:
            # The row's last NUL comes from the literal itself.
            out.extend(c_literal_lines(bytes(row[:-1]), "    "))
            out[-1] += ","
        out.append("};")


class Sequences:
    """A flat array of initializers where identical runs are stored once."""

    def __init__(self):
        self.items = []
        self.where = {}

    def add(self, items):
        items = tuple(items)
        if not items:
            return 0
        if items not in self.where:
            self.where[items] = len(self.items)
            self.items.extend(items)
        return self.where[items]


# ---- inputs ----------------------------------------------------------------

def load_catalog(root):
    path = os.path.join(root, "data", "catalog", "aws-services.jsonl")
    with open(path, "rb") as f:
        lines = [l for l in f.read().split(b"\n") if l.strip()]
    header = json.loads(lines[0])
    for key in ("source", "version"):
        if not isinstance(header.get(key), str):
            fail("%s: header has no %r" % (path, key))
    services = [json.loads(l) for l in lines[1:]]
    if header.get("services") not in (None, len(services)):
        fail("%s: header says %s services, found %d" % (path, header["services"], len(services)))
    seen = set()
    for s in services:
        prefix = s.get("service")
        if not isinstance(prefix, str) or not prefix or ":" in prefix:
            fail("bad service prefix %r" % prefix)
        if prefix.lower() in seen:
            fail("duplicate service %r" % prefix)
        seen.add(prefix.lower())
        names = set()
        for a in s.get("actions", []):
            n = a.get("name")
            if not isinstance(n, str) or not n or any(c in n for c in ":*?"):
                fail("bad action name %r in %s" % (n, prefix))
            if n.lower() in names:
                fail("duplicate action %s:%s" % (prefix, n))
            names.add(n.lower())
            if not isinstance(a.get("level"), str):
                fail("action %s:%s has no level" % (prefix, n))
    return header, services


def load_seed(root):
    path = os.path.join(root, "data", "chime-actions.seed.json")
    with open(path, "rb") as f:
        rows = json.load(f)
    seed = {}
    for r in rows:
        action = r["action"]
        bits = 0
        for m in r.get("managed", []):
            if m not in MANAGED_BITS:
                fail("%s: unknown managed policy code %r" % (action, m))
            bits |= MANAGED_BITS[m]
        key = action.lower().encode("ascii")
        if key in seed:
            fail("duplicate seed row %s" % action)
        seed[key] = (action, r.get("category", ""), bits)
    return seed


def load_managed(root):
    path = os.path.join(root, "corpus", "aws-managed-policies.jsonl")
    with open(path, "rb") as f:
        data = f.read()
    policies = []
    for number, line in enumerate(data.split(b"\n"), 1):
        if not line.strip():
            continue
        obj = json.loads(line)
        if not isinstance(obj, dict) or list(obj.keys()) != ["name", "document"]:
            fail("%s:%d: not {\"name\":..,\"document\":..}" % (path, number))
        name = obj["name"]
        head = b'{"name":' + json.dumps(name, separators=(",", ":")).encode() + b',"document":'
        if not line.startswith(head) or not line.endswith(b"}"):
            fail("%s:%d: unexpected line layout" % (path, number))
        doc = line[len(head):-1]
        if json.loads(doc) != obj["document"]:
            fail("%s:%d: document slice does not match" % (path, number))
        if b"\0" in doc:
            fail("%s:%d: NUL byte in document" % (path, number))
        if not name or "/" in name:
            fail("%s:%d: bad policy name %r" % (path, number, name))
        policies.append((name.encode("utf-8"), doc))
    names = [p[0] for p in policies]
    if len(set(names)) != len(names):
        fail("%s: duplicate policy names" % path)
    policies.sort(key=lambda p: p[0])

    arns = {}
    index_path = os.path.join(root, "data", "managed-policies", "index.json")
    with open(index_path, "rb") as f:
        index = json.load(f)
    for p in index.get("policies", []):
        arn = p["arn"]
        if not arn.startswith(POLICY_ARN_PREFIX) or not arn.endswith("/" + p["name"]):
            fail("%s: unexpected ARN %r" % (index_path, arn))
        arns[p["name"].encode("utf-8")] = arn.encode("utf-8")
    unknown = set(arns) - set(names)
    if unknown:
        fail("%s: policies missing from the corpus: %s" % (index_path, sorted(unknown)))
    return policies, arns


# ---- catalog_data.c ----------------------------------------------------------

def gen_catalog(header, services, seed):
    pool = StringPool("catalog_pool")
    strs = Sequences()      # iam_str initializers
    refs = Sequences()      # iam_catalog_resource_ref initializers
    rtypes = Sequences()    # iam_catalog_resource_type initializers
    ckeys = Sequences()     # iam_catalog_condition_key initializers

    def str_list(values):
        items = [pool.ref(v.encode("utf-8")) for v in values]
        return strs.add(items), len(items)

    services = sorted(services, key=lambda s: s["service"].encode("utf-8"))
    action_rows = []
    name_rows = []
    service_rows = []
    action_keys = []
    service_keys = []
    matched = set()
    for si, s in enumerate(services):
        prefix = s["service"].encode("utf-8")
        actions = sorted(s.get("actions", []),
                         key=lambda a: (a["name"].lower().encode("utf-8"), a["name"].encode("utf-8")))
        first = len(action_rows)
        for a in actions:
            full = prefix + b":" + a["name"].encode("utf-8")
            ref_items = []
            for r in a.get("resources", []):
                required = r.endswith("*")
                rt = r[:-1] if required else r
                if not rt or "*" in rt:
                    fail("bad resource %r in %s" % (r, full.decode()))
                ref_items.append("{%s, %d}" % (pool.ref(rt.encode("utf-8")), required))
            ref_at = refs.add(ref_items)
            ck_at, ck_n = str_list(a.get("conditionKeys", []))
            dep_at, dep_n = str_list(a.get("dependentActions", []))
            key = ascii_lower(full)
            category, bits = b"", 0
            if key in seed:
                matched.add(key)
                category = seed[key][1].encode("utf-8")
                bits = seed[key][2]
            row, off = pool.add(full)
            name_rows.append("    S(%d, %d, %d)," % (row, off, len(full)))
            action_rows.append("    A(%d,%d,%d,%d,%s,%d,%d,%d,%d,%d,%d,%d,%s,%d),"
                               % (row, off, len(prefix), len(full), pool.ref(a["level"].encode("utf-8")),
                                  ref_at, len(ref_items), ck_at, ck_n, dep_at, dep_n, si,
                                  pool.ref(category), bits))
            action_keys.append(key)
        rt_items = []
        for rt in s.get("resourceTypes", []):
            at, n = str_list(rt.get("conditionKeys", []))
            rt_items.append("{%s, %s, K(%d), %d}"
                            % (pool.ref(rt["name"].encode("utf-8")), pool.ref(rt.get("arn", "").encode("utf-8")), at, n))
        rt_at = rtypes.add(rt_items)
        ck_items = ["{%s, %s}" % (pool.ref(c["key"].encode("utf-8")), pool.ref(c.get("type", "").encode("utf-8")))
                    for c in s.get("conditionKeys", [])]
        ck_at = ckeys.add(ck_items)
        service_rows.append("    {%s, %s, %d, %d, &catalog_resource_types[%d], %d, &catalog_condition_keys[%d], %d},"
                            % (pool.ref(prefix), pool.ref(s.get("name", "").encode("utf-8")), first,
                               len(action_rows) - first, rt_at, len(rt_items), ck_at, len(ck_items)))
        service_keys.append(ascii_lower(prefix))

    unmatched = sorted(seed[k][0] for k in set(seed) - matched)
    action_slots, action_mask = hash_table(action_keys)
    service_slots, service_mask = hash_table(service_keys)

    out = []
    out.append("/* Generated by scripts/gen_catalog.py from data/catalog/aws-services.jsonl")
    out.append(" * and data/chime-actions.seed.json: do not edit. */")
    out.append('#include "catalog/catalog_internal.h"')
    out.append("")
    out.append("/* %s %s (%s): %d services, %d actions. */"
               % (header["source"], header["version"], header.get("license", "license unknown"),
                  len(service_rows), len(action_rows)))
    if unmatched:
        out.append("/* Seed rows naming no catalog action (skipped): %s. */" % ", ".join(unmatched))
    out.append("")
    out.append("const char catalog_source_text[] = \"%s\";"
               % c_string_body(("%s %s" % (header["source"], header["version"])).encode("utf-8")))
    out.append("")
    pool.emit(out)
    out.append("")
    out.append("/* Short forms for the tables below: a pooled string, an action (its full")
    out.append(" * name at row r offset o, its prefix p bytes long, n bytes in all). */")
    out.append("#define S(r, o, n) {&catalog_pool[r][o], n}")
    out.append("#define K(i) &catalog_strs[i]")
    out.append("#define A(r, o, p, n, level, refs, nrefs, keys, nkeys, deps, ndeps, svc, cat, bits) \\")
    out.append("    {S(r, o, n), S(r, o, p), S(r, (o) + (p) + 1, (n) - (p) - 1), level, \\")
    out.append("     &catalog_resource_refs[refs], nrefs, K(keys), nkeys, K(deps), ndeps, svc, cat, bits}")
    out.append("")

    # Zero-length arrays are not C: each array gets a trailing placeholder,
    # which also gives empty lists a valid non-NULL pointer.
    out.append("static const iam_str catalog_strs[%d] = {" % (len(strs.items) + 1))
    out.extend("    %s," % x for x in strs.items)
    out.append("    {\"\", 0},")
    out.append("};")
    out.append("")
    out.append("static const iam_catalog_resource_ref catalog_resource_refs[%d] = {" % (len(refs.items) + 1))
    out.extend("    %s," % x for x in refs.items)
    out.append("    {{\"\", 0}, 0},")
    out.append("};")
    out.append("")
    out.append("static const iam_catalog_resource_type catalog_resource_types[%d] = {" % (len(rtypes.items) + 1))
    out.extend("    %s," % x for x in rtypes.items)
    out.append("    {{\"\", 0}, {\"\", 0}, K(0), 0},")
    out.append("};")
    out.append("")
    out.append("static const iam_catalog_condition_key catalog_condition_keys[%d] = {" % (len(ckeys.items) + 1))
    out.extend("    %s," % x for x in ckeys.items)
    out.append("    {{\"\", 0}, {\"\", 0}},")
    out.append("};")
    out.append("")
    out.append("const uint32_t catalog_action_count = %d;" % len(action_rows))
    out.append("const iam_catalog_action catalog_actions[%d] = {" % len(action_rows))
    out.extend(action_rows)
    out.append("};")
    out.append("")
    out.append("const iam_str catalog_action_names[%d] = {" % len(name_rows))
    out.extend(name_rows)
    out.append("};")
    out.append("")
    out.append("const uint32_t catalog_service_count = %d;" % len(service_rows))
    out.append("const iam_catalog_service catalog_services[%d] = {" % len(service_rows))
    out.extend(service_rows)
    out.append("};")
    out.append("")
    emit_u32_array(out, "catalog_action_slots", action_slots)
    out.append("const uint32_t catalog_action_mask = %d;" % action_mask)
    out.append("")
    emit_u32_array(out, "catalog_service_slots", service_slots)
    out.append("const uint32_t catalog_service_mask = %d;" % service_mask)
    out.append("")
    out.append("#undef S")
    out.append("#undef K")
    out.append("#undef A")
    return "\n".join(out) + "\n"


# ---- managed_data.c ----------------------------------------------------------

def gen_managed(policies, arns):
    out = []
    out.append("/* Generated by scripts/gen_catalog.py from corpus/aws-managed-policies.jsonl")
    out.append(" * and data/managed-policies/index.json: do not edit. Each document is the")
    out.append(" * exact text of its corpus line. */")
    out.append('#include "catalog/catalog_internal.h"')
    out.append("")
    rows = []
    for i, (name, doc) in enumerate(policies):
        arn = arns.get(name, POLICY_ARN_PREFIX.encode() + name)
        out.append("static const char managed_arn_%d[] = \"%s\";" % (i, c_string_body(arn)))
        out.append("static const char managed_doc_%d[] =" % i)
        out.extend(c_literal_lines(doc, "    "))
        out[-1] += ";"
        rows.append("    {{&managed_arn_%d[%d], %d}, {managed_arn_%d, %d}, {managed_doc_%d, %d}},"
                    % (i, len(arn) - len(name), len(name), i, len(arn), i, len(doc)))
    slots, mask = hash_table([p[0] for p in policies])
    out.append("")
    out.append("const uint32_t managed_policy_count = %d;" % len(rows))
    out.append("const iam_managed_policy managed_policies[%d] = {" % len(rows))
    out.extend(rows)
    out.append("};")
    out.append("")
    emit_u32_array(out, "managed_policy_slots", slots)
    out.append("const uint32_t managed_policy_mask = %d;" % mask)
    return "\n".join(out) + "\n"


def write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="ascii", newline="\n") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", required=True, help="the project root")
    ap.add_argument("--out", required=True, help="where to write the .c files")
    args = ap.parse_args()
    header, services = load_catalog(args.root)
    seed = load_seed(args.root)
    policies, arns = load_managed(args.root)
    os.makedirs(args.out, exist_ok=True)
    write(os.path.join(args.out, "catalog_data.c"), gen_catalog(header, services, seed))
    write(os.path.join(args.out, "managed_data.c"), gen_managed(policies, arns))


if __name__ == "__main__":
    main()
