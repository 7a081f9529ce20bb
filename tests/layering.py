#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""layering.py includes | calls OBJDIR -- data flows one way between the files.

The program's files are those of the Makefile's *_SRC lists, with the
headers of their folders. A file pair (x.c and x.h) is one module, and its
folder is its stage. A stage uses only itself and the stages it is drawn
after (issue 23):

    policy/model   plain data and pure helpers          uses nothing
    policy/read    reading the kernel and captures      model
    policy/judge   judging against the policy           model
    policy/plan    estimating, planning, diffing        model, judge
    actions        executing a plan                     policy/*
    cli            commands and output                  everything

`includes`: module A uses B when A.c or A.h has `#include "B.h"`. Checks:
every such include names a header of the program, and no two headers share
a name (the Makefile gives one -I per folder and headers are included by
bare name); no cycle of includes between modules; no include against the
stage order.

`calls`: module A uses B when A's object in OBJDIR (OBJDIR/x.o for x.c)
leaves a symbol undefined that B's defines (`nm`). Checks: no cycle of calls
between modules; no call against the stage order; one header per source
file: every public function of x.c is declared in x.h, and in no other
header.

Before either, the checks are run on small graphs made up here, which they
must fail (a cycle, a read module that includes a judge's), so that a
check that can no longer fail is itself a failure. Prints what fails, each
cycle as a path, and "layering MODE: N passed, N failed" (one per check;
tests/run-script.sh reads it); exit 1 when one failed.
"""
import os
import re
import subprocess
import sys

# stage -> the stages it may use besides itself
USES = {
    "policy/model": set(),
    "policy/read": {"policy/model"},
    "policy/judge": {"policy/model"},
    "policy/plan": {"policy/model", "policy/judge"},
    "actions": {"policy/model", "policy/read", "policy/judge", "policy/plan"},
}
USES["cli"] = set(USES) | {"actions"}


def makefile_lists(path="Makefile"):
    """The .c files of every NAME_SRC list (continuations joined), and MAIN_SRC's."""
    text = open(path, encoding="utf-8").read().replace("\\\n", " ")
    srcs, main = [], []
    for m in re.finditer(r"^([A-Z_]+_SRC)\s*:?=(.*)$", text, re.M):
        words = [w for w in m.group(2).split() if w.endswith(".c")]
        srcs += words
        if m.group(1) == "MAIN_SRC":
            main += words
    return sorted(set(srcs)), set(main)


def stage_of(module):
    return os.path.dirname(module)


def allowed(src, dst):
    """May module src use module dst?"""
    s, d = stage_of(src), stage_of(dst)
    return s == d or d in USES.get(s, set())


def strongly_connected(graph):
    """The components of more than one module (Tarjan's algorithm, iteratively)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(root):
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        while work:
            v, edges = work[-1]
            for w in edges:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def cycle_through(graph, comp):
    """The shortest cycle through the component's first module, as a path."""
    members, start = set(comp), comp[0]
    prev, queue = {start: None}, [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph.get(v, ())):
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if w in members and w not in prev:
                prev[w] = v
                queue.append(w)
    return comp


def cycle_failures(graph, what, why):
    fails = []
    for comp in strongly_connected(graph):
        path = cycle_through(graph, comp)
        steps = ["%s -> %s (%s)" % (a, b, why.get((a, b), "")) for a, b in zip(path, path[1:])]
        fails.append("%s cycle among %s: %s" % (what, ", ".join(comp), "; ".join(steps)))
    return fails


def order_failures(graph, what, why):
    return ["%s against the stage order: %s -> %s (%s)" % (what, a, b, why.get((a, b), ""))
            for a in sorted(graph) for b in sorted(graph[a]) if not allowed(a, b)]


def self_test():
    """The checks on made-up graphs that they must fail, and one they must pass."""
    ring = {"cli/a": {"cli/b"}, "cli/b": {"cli/c"}, "cli/c": {"cli/a"}, "cli/d": {"cli/a"}}
    back = {"policy/read/x": {"policy/judge/y", "policy/model/z"},
            "policy/judge/y": {"policy/model/z"}, "policy/model/z": set()}
    good = {"cli/m": {"policy/plan/p", "actions/q"}, "actions/q": {"policy/read/r"},
            "policy/plan/p": {"policy/judge/j", "policy/model/z"}, "policy/judge/j": set(),
            "policy/read/r": set(), "policy/model/z": set()}
    ok = [
        len(cycle_failures(ring, "t", {})) == 1,
        cycle_through(ring, ["cli/a", "cli/b", "cli/c"]) == ["cli/a", "cli/b", "cli/c", "cli/a"],
        order_failures(back, "t", {}) == ["t against the stage order: policy/read/x -> policy/judge/y ()"],
        not cycle_failures(good, "t", {}) and not order_failures(good, "t", {}),
        not allowed("policy/model/a", "policy/read/b"), not allowed("policy/judge/a", "policy/read/b"),
        not allowed("policy/judge/a", "policy/plan/b"), not allowed("policy/plan/a", "actions/b"),
        not allowed("actions/a", "cli/b"),
    ]
    return [] if all(ok) else ["the checker's own test: %s" % ok]


def modules(srcs):
    """Module -> its files: each source, and every header of the sources' folders."""
    mods = {}
    for d in sorted({os.path.dirname(s) for s in srcs}):
        for f in sorted(os.listdir(d)):
            if f.endswith(".h"):
                mods.setdefault(os.path.join(d, f[:-2]), []).append(os.path.join(d, f))
    for s in srcs:
        mods.setdefault(s[:-2], []).append(s)
    return mods


def check_includes(srcs):
    mods = modules(srcs)
    names, by_name = [], {}
    for m in mods:
        if os.path.exists(m + ".h"):
            name = os.path.basename(m) + ".h"
            if name in by_name:
                names.append("two headers named %s: %s.h and %s.h" % (name, by_name[name], m))
            by_name[name] = m
    unknown, graph, why = [], {m: set() for m in mods}, {}
    for m, files in sorted(mods.items()):
        for f in files:
            for lineno, line in enumerate(open(f, encoding="utf-8"), 1):
                inc = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if not inc:
                    continue
                dst = by_name.get(inc.group(1))
                if dst is None:
                    unknown.append('%s:%d: #include "%s" names no header of the program'
                                   % (f, lineno, inc.group(1)))
                elif dst != m:
                    graph[m].add(dst)
                    why.setdefault((m, dst), "%s:%d" % (f, lineno))
    return graph, [
        ("headers by bare name", names + unknown),
        ("no include cycle", cycle_failures(graph, "include", why)),
        ("includes in stage order", order_failures(graph, "include", why)),
    ]


def nm(path):
    out = subprocess.run(["nm", "-P", path], check=True, capture_output=True, text=True).stdout
    defined, undefined = {}, set()
    for line in out.splitlines():
        f = line.split()
        if len(f) < 2:
            continue
        if f[1] == "U":
            undefined.add(f[0])
        elif f[1] in "TDBRCVWG":
            defined[f[0]] = f[1]
    return defined, undefined


def declarations(text):
    """A header without comments, strings and brace blocks (inline bodies,
    struct members): what is left declares."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r'"(\\.|[^"\\])*"', '""', re.sub(r"//[^\n]*", " ", text))
    out, depth = [], 0
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def check_calls(srcs, objdir, main_srcs):
    owner, uses = {}, {}
    for s in srcs:
        obj = os.path.join(objdir, s[:-2] + ".o")
        if not os.path.exists(obj):
            return {}, [("objects built", ["%s is missing: build first (make)" % obj])]
        defined, undefined = nm(obj)
        for sym in defined:
            owner[sym] = s[:-2]
        uses[s[:-2]] = undefined
    graph, why = {m: set() for m in uses}, {}
    for m, undefined in uses.items():
        for sym in sorted(undefined):
            dst = owner.get(sym)
            if dst and dst != m:
                graph[m].add(dst)
                why.setdefault((m, dst), sym + "()")
    headers = {m: declarations(open(m + ".h", encoding="utf-8").read())
               for m in modules(srcs) if os.path.exists(m + ".h")}
    decl = []
    for sym, m in sorted(owner.items()):
        if m + ".c" in main_srcs:
            continue
        pattern = re.compile(r"\b%s\s*\(" % re.escape(sym))
        if m not in headers or not pattern.search(headers[m]):
            decl.append("%s.c: %s() is not declared in %s.h" % (m, sym, os.path.basename(m)))
        for other, text in sorted(headers.items()):
            if other != m and pattern.search(text):
                decl.append("%s.h declares %s(), which %s.c defines" % (other, sym, m))
    return graph, [
        ("no call cycle", cycle_failures(graph, "call", why)),
        ("calls in stage order", order_failures(graph, "call", why)),
        ("one header per source file", decl),
    ]


def main(argv):
    if len(argv) < 2 or argv[1] not in ("includes", "calls") or len(argv) != (3 if argv[1] == "calls" else 2):
        print("usage: " + __doc__.splitlines()[0].split(" -- ")[0])
        return 2
    srcs, main_srcs = makefile_lists()
    if argv[1] == "includes":
        graph, checks = check_includes(srcs)
    else:
        graph, checks = check_calls(srcs, argv[2], main_srcs)
    checks.insert(0, ("the checks fail on made-up cycles", self_test()))
    failed = 0
    for name, fails in checks:
        for f in fails:
            print("FAIL " + f)
        print("%s: %s" % (name, "FAILED" if fails else "ok"))
        failed += bool(fails)
    print("%d modules in %d folders, %d uses between them"
          % (len(graph), len({stage_of(m) for m in graph}), sum(len(v) for v in graph.values())))
    print("layering %s: %d passed, %d failed" % (argv[1], len(checks) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
