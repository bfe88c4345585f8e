#!/usr/bin/env python3
"""Validates `iamgate lint --format sarif` against the SARIF 2.1.0 schema.

usage: validate_sarif.py IAMGATE SOURCE_DIR

Lints the seed examples, the Chime managed policies and every lint case,
checks the SARIF log against tests/sarif/sarif-schema-2.1.0.json (Debian's
python3-jsonschema), and checks that it carries the same findings as
`--format json` (one result per finding, same code, line and column).
Prints "N passed, M failed".
"""
import glob
import json
import os
import subprocess
import sys

try:
    import jsonschema
except ImportError:  # the interpreter CMake found may lack it: use Debian's
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise

IAMGATE, SRC = sys.argv[1], sys.argv[2]
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, file=sys.stderr)


def lint(fmt, files):
    p = subprocess.run([IAMGATE, "lint", "--format", fmt, "--fail-on", "suggestion", *files],
                       capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def main():
    with open(os.path.join(SRC, "tests/sarif/sarif-schema-2.1.0.json")) as f:
        schema = json.load(f)
    validator = jsonschema.Draft4Validator(schema)
    groups = {
        "seed examples": sorted(glob.glob(os.path.join(SRC, "data/seed-examples/0*.json"))),
        "Chime managed policies": sorted(glob.glob(os.path.join(SRC, "data/managed-policies/Amazon*.json"))),
        "lint cases": sorted(glob.glob(os.path.join(SRC, "tests/cases/lint/*.json"))),
    }
    for name, files in groups.items():
        if not files:
            continue
        rc, out, err = lint("sarif", files)
        check(rc in (0, 1), "%s: lint exits 0 or 1, not %d: %s" % (name, rc, err))
        try:
            log = json.loads(out)
        except ValueError as e:
            check(False, "%s: SARIF output is not JSON: %s" % (name, e))
            continue
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
        for e in errors[:5]:
            print("  schema: %s at %s" % (e.message[:200], "/".join(map(str, e.path))), file=sys.stderr)
        check(not errors, "%s: SARIF log valid against the 2.1.0 schema (%d errors)" % (name, len(errors)))
        check(log.get("version") == "2.1.0" and len(log.get("runs", [])) == 1, "%s: one 2.1.0 run" % name)
        run = log["runs"][0]
        rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
        check(len(rules) == len(set(rules)), "%s: rule ids are distinct" % name)
        results = run["results"]
        check(all(rules[r["ruleIndex"]] == r["ruleId"] for r in results), "%s: ruleIndex points at ruleId" % name)
        rc, out, _ = lint("json", files)
        doc = json.loads(out)
        from_json = sorted((os.path.normpath(f["file"]), x["issueCode"], x["locations"][0]["span"]["start"]["line"],
                            x["locations"][0]["span"]["start"]["column"] + 1)
                           for f in doc["files"] for x in f["findings"])
        from_sarif = sorted((os.path.normpath(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]),
                             r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"],
                             r["locations"][0]["physicalLocation"]["region"]["startColumn"]) for r in results)
        check(from_json == from_sarif, "%s: SARIF and JSON carry the same %d findings" % (name, len(from_json)))
    # The seed's read-only example: its syntax error at 16:11 as an error-level result.
    seed = os.path.join(SRC, "data/seed-examples/004-read-only-policy-example.json")
    rc, out, _ = lint("sarif", [seed])
    results = json.loads(out)["runs"][0]["results"]
    region = results[0]["locations"][0]["physicalLocation"]["region"] if results else {}
    check(len(results) == 1 and results[0]["ruleId"] == "JSON_SYNTAX_ERROR" and results[0]["level"] == "error"
          and (region.get("startLine"), region.get("startColumn")) == (16, 11),
          "the read-only seed example: JSON_SYNTAX_ERROR at 16:11")
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
