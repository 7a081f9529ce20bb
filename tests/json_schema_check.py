#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""json_schema_check.py BUDDYCTL -- every JSON output against its schema.

The JSON documents buddyctl prints are described by man/schema/
{status,estimate,check,plan,diff,map}.schema.json (draft 2020-12, installed
with the package). This checks, with the Draft202012Validator of
python3-jsonschema and its format checks on:

 1. each schema: valid draft 2020-12; a description on every field; every
    object says which keys are required and whether others may appear; the
    definitions two schemas share (missing, finding, estimate, ...) are the
    same in both;
 2. every JSON golden (tests/expected/*.json: status; tests/expected/
    reports/*.json: check, plan, apply, the one-off actions; tests/expected/
    map/*.json: map) validates, with the goldens' masks put back to values
    of the same kind;
 3. fresh outputs of every fixture tree validate: status; estimate; check
    and plan with every test policy; apply and the one-off actions on a copy
    of the tree; a buddyinfo capture of the tree (status, estimate, check,
    plan); diff of two trees, of a tree and its status JSON, of a capture
    and that status JSON; plan --kernel-cmdline of every boot tree
    (tests/fixtures/boot/) with every test policy. A run that exits with an error and prints nothing
    on standard output (a policy that does not fit the tree) is no
    document; a run that prints anything must print a valid one, and
    status, estimate of 2M, check and plan by the default policy must
    print one for every tree; map at 2M and 1G of every map tree
    (build/fixtures/map/, made by make map-fixtures), of one node, and of a
    copy without kpagecgroup;
 4. each schema rejects a real document with one required top-level key
    removed (every such key in turn), and one with a key it does not know.

Prints what fails and "json schema: N passed, N failed" (make check reads
the counts through tests/run-script.sh). Needs python3-jsonschema (Debian);
make check skips this script with a reason when it is missing.
"""
import copy
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from jsonschema import Draft202012Validator, FormatChecker

SCHEMAS = ("status", "estimate", "check", "plan", "diff", "map")
SCHEMA_DIR = "man/schema"
# the map's trees (make map-fixtures): trees of the page flags too
MAP_TREES = "build/fixtures/map"
POLICIES = sorted(glob.glob("tests/policies/*.conf"))
DEFAULT_POLICY = "tests/policies/defaults.conf"
# the goldens' masks (tests/cli_golden.sh, tests/report_golden.sh): a time
# of the same form (0 already stands for time_unix and every "ms")
UNMASK = (('"time":"TIME"', '"time":"2026-01-01T00:00:00Z"'),)

passed = failed = 0


def result(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("json schema: FAIL: " + what)


def walk_schema(node, path, out):
    """Every field without a description, every object without required or additionalProperties."""
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict):
            for key, sub in props.items():
                if "description" not in sub:
                    out.append("%s.%s: no description" % (path, key))
            if "required" not in node:
                out.append("%s: does not say which keys are required" % path)
            if "additionalProperties" not in node:
                out.append("%s: does not say whether other keys may appear" % path)
        for key, sub in node.items():
            # values, and the conditions that constrain fields declared elsewhere
            if key not in ("enum", "const", "required", "if", "then", "else", "not"):
                walk_schema(sub, path + "/" + key, out)
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            walk_schema(sub, "%s/%d" % (path, i), out)


def load_schemas():
    schemas, validators = {}, {}
    for name in SCHEMAS:
        path = os.path.join(SCHEMA_DIR, name + ".schema.json")
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        problems = []
        try:
            Draft202012Validator.check_schema(schema)
        except Exception as e:  # jsonschema.SchemaError, with where and why
            problems.append("not a valid draft 2020-12 schema: %s" % str(e).splitlines()[0])
        if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
            problems.append("$schema is not draft 2020-12")
        walk_schema(schema, "#", problems)
        result(not problems, "%s: %s" % (path, "; ".join(problems)))
        schemas[name] = schema
        validators[name] = Draft202012Validator(schema, format_checker=FormatChecker())
    # what two documents share is described once, the same in both
    shared = {"missing": ("status", "estimate", "check", "plan"), "estimate": ("estimate", "plan"),
              "finding": ("check", "plan"), "pool_finding": ("check", "plan"), "warning": ("check", "plan"),
              "zone_change": ("check", "plan"), "memory_change": ("check", "plan")}
    for key, names in sorted(shared.items()):
        defs = [schemas[n]["$defs"].get(key) for n in names]
        result(all(d is not None and d == defs[0] for d in defs),
               "$defs/%s differs between %s" % (key, ", ".join(n + ".schema.json" for n in names)))
    return schemas, validators


def kind_of(doc):
    """The schema of a document, by its command."""
    command = doc.get("command")
    if command is None:
        return "status"
    return command if command in ("estimate", "check", "diff", "map") else "plan"


def validate(validators, doc, where):
    errors = sorted(validators[kind_of(doc)].iter_errors(doc), key=lambda e: list(e.absolute_path))
    result(not errors, "%s (%s.schema.json): %s" % (
        where, kind_of(doc), "; ".join("/%s: %s" % ("/".join(map(str, e.absolute_path)), e.message[:300])
                                      for e in errors[:5])))
    return not errors


def golden_document(path):
    """The JSON document of a golden: what comes before its stderr: or exit= line."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.split(r"\n(?:stderr:|exit=)", text, maxsplit=1)[0]
    for masked, value in UNMASK:
        text = text.replace(masked, value)
    return json.loads(text)


def check_goldens(validators):
    n = 0
    for path in sorted(glob.glob("tests/expected/*.json") + glob.glob("tests/expected/reports/*.json") +
                       glob.glob("tests/expected/map/*.json")):
        try:
            doc = golden_document(path)
        except ValueError as e:
            result(False, "%s: not JSON: %s" % (path, e))
            continue
        validate(validators, doc, path)
        n += 1
    result(n > 0, "no JSON golden found under tests/expected")
    print("json schema: %d goldens validated" % n)


class Runs:
    """Runs buddyctl and validates what it prints."""

    def __init__(self, binary, validators):
        self.binary, self.validators = binary, validators
        self.docs = {name: [] for name in SCHEMAS}
        self.none = 0

    def run(self, args, must=False):
        env = dict(os.environ, NO_COLOR="1")
        p = subprocess.run([self.binary] + args + ["-f", "json"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, check=False)
        where = "buddyctl " + " ".join(args) + " -f json (exit %d)" % p.returncode
        if not p.stdout:
            # an error said on standard error, and no document: a policy that does not fit the tree
            if must or p.returncode < 64:
                result(False, "%s printed nothing: %s" % (where, p.stderr.decode(errors="replace")[:300]))
            self.none += 1
            return None
        try:
            doc = json.loads(p.stdout)
        except ValueError as e:
            result(False, "%s: not JSON: %s" % (where, e))
            return None
        if validate(self.validators, doc, where):
            self.docs[kind_of(doc)].append(doc)
        return p.stdout

    def tree(self, tree, tmp):
        name = os.path.basename(tree)
        self.run(["status", "--root", tree, "-c", DEFAULT_POLICY], must=True)
        self.run(["status", "--root", tree, "-c", DEFAULT_POLICY, "--node", "0"])
        self.run(["estimate", "--root", tree])
        self.run(["estimate", "--root", tree, "2M"], must=True)
        for policy in POLICIES:
            self.run(["check", "--root", tree, "-c", policy], must=policy == DEFAULT_POLICY)
            self.run(["plan", "--root", tree, "-c", policy], must=policy == DEFAULT_POLICY)
        # what writes, on a copy: apply, and the one-off actions done and dry
        for args in (["apply", "-c", "tests/policies/allcrit.conf"], ["apply", "-c", "tests/policies/dpdk.conf"],
                     ["apply", "--dry-run", "-c", "tests/policies/allcrit.conf"],
                     ["compact"], ["compact", "--dry-run"], ["drop-caches", "--level", "all", "--no-sync"],
                     ["drop-caches", "--dry-run"], ["reserve", "2M:100@0"], ["reserve", "--dry-run", "2M:100"]):
            copy_dir = os.path.join(tmp, "copy")
            shutil.rmtree(copy_dir, ignore_errors=True)
            shutil.copytree(tree, copy_dir, symlinks=True)
            self.run(["--root", copy_dir] + args + ["--state-file", "/state"] if args[0] == "apply"
                     else ["--root", copy_dir] + args)
        # a capture of the tree, and the tree's status JSON as a side of diff
        capture = os.path.join(tree, "proc", "buddyinfo")
        for args in (["status"], ["estimate", "2M"], ["check", "-c", DEFAULT_POLICY],
                     ["plan", "-c", "tests/policies/allcrit.conf"]):
            self.run(args[:1] + ["--buddyinfo", capture] + args[1:], must=True)
        out = self.run(["status", "--root", tree, "-c", DEFAULT_POLICY])
        saved = os.path.join(tmp, name + ".json")
        with open(saved, "wb") as f:
            f.write(out or b"")
        self.run(["diff", tree, saved, "-c", DEFAULT_POLICY], must=True)
        self.run(["diff", capture, saved])	# refused where the tree's page size is not 4K
        self.run(["diff", tree, tree], must=True)

    def map_trees(self, tmp):
        """map of every map tree at both sizes, of one node, and of a tree without kpagecgroup."""
        trees = sorted(d.rstrip("/") for d in glob.glob(MAP_TREES + "/*/") if os.path.isdir(d + "proc"))
        result(len(trees) > 0, "no map tree found under %s: run make map-fixtures" % MAP_TREES)
        for tree in trees:
            for size in ("2M", "1G"):
                self.run(["map", "--root", tree, "--size", size], must=True)
            self.run(["map", "--root", tree, "--node", "0"], must=True)
        if trees:
            nocg = os.path.join(tmp, "map-nocg")
            shutil.copytree(trees[0], nocg, symlinks=True)
            os.unlink(os.path.join(nocg, "proc", "kpagecgroup"))
            self.run(["map", "--root", nocg, "--size", "2M"], must=True)
        return len(trees)

    def boot_trees(self):
        """plan --kernel-cmdline --format json on the trees of a kernel's boot options, each policy."""
        trees = sorted(d.rstrip("/") for d in glob.glob("tests/fixtures/boot/*/") if os.path.isdir(d + "proc"))
        result(len(trees) > 0, "no boot tree found under tests/fixtures/boot")
        for tree in trees:
            for policy in POLICIES:
                # per-node counts cannot be said before 5.16: v5.10 refuses boot-pernode.conf
                self.run(["plan", "--kernel-cmdline", "--root", tree, "-c", policy],
                         must=policy == DEFAULT_POLICY or (policy == "tests/policies/boot-pernode.conf" and
                                                           not tree.endswith("v5.10")))

    def all_trees(self):
        trees = sorted(d.rstrip("/") for d in glob.glob("tests/fixtures/*/") if os.path.isdir(d + "proc"))
        result(len(trees) > 0, "no fixture tree found under tests/fixtures")
        self.boot_trees()
        with tempfile.TemporaryDirectory(prefix="buddyctl-schema.") as tmp:
            for tree in trees:
                self.tree(tree, tmp)
            for a, b in zip(trees, trees[1:]):	# trees of two machines: comparable or refused
                self.run(["diff", a, b, "-c", DEFAULT_POLICY])
            nr_map = self.map_trees(tmp)
        for name in SCHEMAS:
            result(len(self.docs[name]) > 0, "no %s document was printed" % name)
        print("json schema: fresh outputs of %d trees and %d map trees: %s; %d runs printed no document (an "
              "error said on standard error)" % (len(trees), nr_map,
                                                 ", ".join("%d %s" % (len(self.docs[n]), n) for n in SCHEMAS),
                                                 self.none))


def check_rejections(validators, docs):
    """Each schema rejects a real document without a required key, or with a key it does not know."""
    for name in SCHEMAS:
        if not docs[name]:
            continue
        # the most top-level keys, and of those the shortest: what is below the top changes nothing
        # here but the time (a map of 2M ranges holds thousands, and each try validates them all)
        doc = max(docs[name], key=lambda d: (len(d), -len(json.dumps(d))))
        schema = validators[name].schema
        accepted = []
        for key in schema["required"]:
            broken = copy.deepcopy(doc)
            del broken[key]
            if validators[name].is_valid(broken):
                accepted.append(key)
        result(not accepted and len(schema["required"]) > 0,
               "%s.schema.json accepts a document without %s" % (name, ", ".join(accepted) or "(no required key)"))
        if schema.get("additionalProperties") is False:
            broken = copy.deepcopy(doc)
            broken["no_such_key"] = 1
            result(not validators[name].is_valid(broken),
                   "%s.schema.json accepts a document with a key it does not know" % name)
        print("json schema: %s.schema.json rejects each of its %d required top-level keys removed, and a key it "
              "does not know" % (name, len(schema["required"])))


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "./buddyctl"
    checked = sorted(FormatChecker().checkers)
    print("json schema: formats checked: %s" % ("date-time" if "date-time" in checked else
                                                "not date-time (no rfc3339-validator; the time's pattern is checked)"))
    schemas, validators = load_schemas()
    check_goldens(validators)
    runs = Runs(binary, validators)
    runs.all_trees()
    check_rejections(validators, runs.docs)
    print("json schema: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
