#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""help_check.py BUDDYCTL -- the Prometheus metrics are documented once, by their HELP lines.

 1. Every metric family that `status --format prometheus` and `check
    --format prometheus` print, on every fixture tree, and every family of
    the goldens tests/expected/*.prometheus, has one "# HELP" line with a
    text and one "# TYPE" line, both before its first sample; every sample
    belongs to a family so announced.
 2. No document of the tree lists the metrics apart from those lines: in
    the Markdown files and the man pages, no table row, list item or roff
    tag (.TP, .IP) starts with the name of a metric buddyctl exports;
    buddyctl(8) points to `status -f prometheus | grep '^# HELP'` instead.
    A list is two such entries or more: naming a metric in a sentence (an
    alert's expression), or a variable that shares a metric's name in a
    table of variables, is no list of metrics.

Before either, the checks are run on made-up input they must fail (a
family without HELP, a sample before its TYPE, a listing in each form),
so that a check that can no longer fail is itself a failure. Prints what
fails and "prometheus help: N passed, N failed" (tests/run-script.sh reads it).
"""
import glob
import os
import re
import subprocess
import sys

SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? \S+$")
COMMENT = re.compile(r"^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*)(?: (.*))?$")

passed = failed = 0


def result(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("prometheus help: FAIL: " + what)


def exposition_problems(text):
    """What is wrong with the HELP and TYPE lines of one exposition; and its family names."""
    helps, types, problems = {}, {}, []
    for n, line in enumerate(text.splitlines(), 1):
        if not line:
            continue
        m = COMMENT.match(line)
        if m:
            kind, name, rest = m.groups()
            seen = helps if kind == "HELP" else types
            if name in seen:
                problems.append("line %d: a second # %s of %s" % (n, kind, name))
            seen[name] = rest or ""
            if kind == "HELP" and not (rest or "").strip():
                problems.append("line %d: # HELP of %s says nothing" % (n, name))
            continue
        m = SAMPLE.match(line)
        if not m:
            problems.append("line %d: neither a sample nor HELP or TYPE: %r" % (n, line))
            continue
        name = m.group(1)
        if name not in helps:
            problems.append("line %d: %s has no # HELP before its sample" % (n, name))
        if name not in types:
            problems.append("line %d: %s has no # TYPE before its sample" % (n, name))
    for name in helps:
        if name not in types:
            problems.append("%s has a # HELP but no # TYPE" % name)
    return problems, set(helps) | set(types)


def listing_lines(text, names):
    """The lines of a document that list a metric: a table row, list item or roff tag starting with its name."""
    lines = text.splitlines()
    found = []
    first = re.compile(r"^(?:\s*\|\s*|\s*[-*+]\s+|\.(?:B|BR|BI|IP|TP)\s+\"?|)\\?`?(buddyctl_[a-z0-9_]+)")
    for i, line in enumerate(lines):
        tag = i > 0 and lines[i - 1].startswith(".TP")
        m = first.match(line)
        if not m or m.group(1) not in names:
            continue
        # a table row, a list item, a roff tag, or the line under .TP: an entry of a list
        if line.lstrip().startswith(("|", "-", "*", "+", ".IP")) or tag:
            found.append((i + 1, line.strip()))
    return found


def lists_metrics(text, names):
    """The listing lines of a document, when they name two metrics or more (a list of metrics)."""
    found = listing_lines(text, names)
    return found if len({re.search(r"buddyctl_[a-z0-9_]+", line).group(0) for _, line in found}) > 1 else []


def self_test():
    bad_expositions = {
        "a family without HELP": "# TYPE buddyctl_x gauge\nbuddyctl_x 1\n",
        "a sample before its TYPE": "# HELP buddyctl_x X.\nbuddyctl_x 1\n# TYPE buddyctl_x gauge\n",
        "an empty HELP": "# HELP buddyctl_x \n# TYPE buddyctl_x gauge\nbuddyctl_x 1\n",
    }
    for what, text in bad_expositions.items():
        result(exposition_problems(text)[0], "self-test: %s was not caught" % what)
    good = "# HELP buddyctl_x X.\n# TYPE buddyctl_x gauge\nbuddyctl_x{node=\"0\"} 1\n"
    result(not exposition_problems(good)[0], "self-test: a good exposition was refused: %s" %
           exposition_problems(good)[0])
    names = {"buddyctl_x", "buddyctl_y"}
    listings = {
        "Markdown table rows": "| Metric | Meaning |\n|---|---|\n| `buddyctl_x` | X. |\n| `buddyctl_y` | Y. |\n",
        "Markdown list items": "- `buddyctl_x{node}`: X.\n- buddyctl_y: Y.\n",
        "roff .TP tags": ".TP\n.B buddyctl_x{node}\nX.\n.TP\nbuddyctl_y\nY.\n",
        "roff .IP tags": ".IP \"buddyctl_x\" 4\nX.\n.IP buddyctl_y\nY.\n",
    }
    for what, text in listings.items():
        result(lists_metrics(text, names), "self-test: %s were not caught as a listing" % what)
    prose = ("Staleness is judged on `buddyctl_x`, which buddyctl writes.\n.B buddyctl_x\nin a sentence\n"
             "| `buddyctl_x` | `{}` | a variable of the same name |\n")
    result(not lists_metrics(prose, names), "self-test: a metric named in a sentence was taken for a listing")


def expositions(binary):
    """status and check as Prometheus on every fixture tree, and the goldens."""
    out = []
    for tree in sorted(d.rstrip("/") for d in glob.glob("tests/fixtures/*/") if os.path.isdir(d + "proc")):
        for args in (["status", "-c", "tests/policies/pools-mandatory.conf"],
                     ["check", "-c", "tests/policies/pools-mandatory.conf"]):
            p = subprocess.run([binary, "--root", tree] + args + ["--format", "prometheus"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
            if p.returncode >= 64:	# the policy's pools do not fit the tree: by the defaults
                p = subprocess.run([binary, "--root", tree, args[0], "-c", "tests/policies/defaults.conf",
                                    "--format", "prometheus"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   check=False)
            result(p.returncode < 64 and p.stdout, "%s --root %s: exit %d: %s" % (
                args[0], tree, p.returncode, p.stderr.decode(errors="replace")[:200]))
            out.append(("%s of %s" % (args[0], tree), p.stdout.decode(errors="replace")))
    for path in sorted(glob.glob("tests/expected/*.prometheus")):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        out.append((path, text.split("\nexit=")[0] + "\n"))
    return out


def documents():
    try:
        files = subprocess.run(["git", "ls-files", "*.md", "man/*.[1-8]"], stdout=subprocess.PIPE,
                               check=True).stdout.decode().split()
    except (OSError, subprocess.CalledProcessError):
        files = glob.glob("**/*.md", recursive=True) + glob.glob("man/*.[1-8]")
    return sorted(f for f in files if not f.startswith(("tests/expected/", "tests/fixtures/", "build/")))


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "./buddyctl"
    self_test()
    names = set()
    for where, text in expositions(binary):
        problems, families = exposition_problems(text)
        names |= families
        result(not problems, "%s: %s" % (where, "; ".join(problems[:5])))
    result(len(names) > 10, "only %d metric families found" % len(names))
    print("prometheus help: %d metric families, each with its # HELP and # TYPE" % len(names))
    docs = documents()
    for doc in docs:
        with open(doc, encoding="utf-8", errors="replace") as f:
            found = lists_metrics(f.read(), names)
        result(not found, "%s lists metrics apart from their # HELP lines: %s" % (
            doc, "; ".join("line %d: %s" % x for x in found[:5])))
    man = open("man/buddyctl.8", encoding="utf-8").read()
    result("# HELP" in man, "buddyctl(8) does not point to the metrics' # HELP lines")
    print("prometheus help: %d documents list no metric apart" % len(docs))
    print("prometheus help: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
