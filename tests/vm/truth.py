#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Judge the truth guests' output (tests/vm/guest/truth.sh) on the host.

  truth.py [--table FILE] OUT...
  truth.py --tree BUDDYCTL TREE...

--tree: a --root tree captured by tests/fixtures/map/capture-map.sh truth
holds the guest's GRANT lines (1G, asked right after the capture) in
TREE/truth-grants; BUDDYCTL's map of the tree is judged against them.

OUT is a guest's output, named SCENARIO-BOOT.out (or SCENARIO.out). Per node
and size the guest dumped `buddyctl map --node N --size S -f json`, then
wrote a larger count to the node's nr_hugepages and printed

  GRANT size=S node=N before=B asked=A got=G restored=R

The prediction is the map's:
  1G  certain = ranges `free` + `compactable`; the upper bound adds the
      ranges `maybe` (besides free and movable pages only flag-less ones:
      uncharged, free on a per-CPU list or a kernel page, nothing tells which;
      or at most 16 charged to a cgroup, kernel stacks and pipe buffers of
      processes that may be gone by the write);
  2M  (read after nodeN/compact) per zone: the free and compactable ranges,
      capped by the free pages above the zone's min watermark and its largest
      lowmem protection, in 2M pages; the upper bound adds the maybe ranges and
      counts the flag-less pages as free.
PASS when certain <= granted <= upper (2M: certain - 2 <= granted <= upper +
1: at the min watermark the last blocks depend on the pages allocated and
freed between the map's read and the write), the count asked was more than
the kernel gave, and the pool was put back.
Where the estimate says it is map-based (a "source" naming the map), its
after_compaction is judged the same way. --table writes a Markdown table.
Exit 1 when one failed.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check import parse  # noqa: E402

PAGES_2M = 512
results = []
rows = []


def res(kind, name, why=""):
    results.append(kind)
    print(f"{kind} {name}" + (f": {why}" if why else ""))


def zoneinfo(text, node):
    """{zone: (min watermark, largest protection)} of NODE, in pages."""
    zones, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"Node (\d+), zone\s+(\S+)", line)
        if m:
            cur = m.group(2) if int(m.group(1)) == node else None
            if cur:
                zones[cur] = [0, 0]
            continue
        if cur is None:
            continue
        m = re.match(r"\s+min\s+(\d+)$", line)
        if m:
            zones[cur][0] = int(m.group(1))
        m = re.match(r"\s+protection: \((.*)\)", line)
        if m:
            zones[cur][1] = max(int(v) for v in m.group(1).split(","))
    return {z: tuple(v) for z, v in zones.items()}


def predict_1g(node):
    by = node["ranges_by_class"]
    certain = by["free"] + by["compactable"]
    return certain, certain + by["maybe"]


def predict_2m(node, marks):
    """(certain, upper): 2M pages the node's zones can give."""
    per = {}
    for r in node["ranges"]:
        if r["zone"] is None or r["class"] == "outside":
            continue
        z = per.setdefault(r["zone"], {"free": 0, "unknown": 0, "ok": 0, "maybe": 0})
        z["free"] += r["pages"].get("free", 0)
        z["unknown"] += r["pages"].get("unknown", 0)
        if r["class"] in ("free", "compactable"):
            z["ok"] += 1
        elif r["class"] == "maybe":
            z["maybe"] += 1
    certain = upper = 0
    for zone, z in per.items():
        wmin, prot = marks.get(zone, (0, 0))
        floor = wmin + prot
        certain += max(0, min(z["ok"], (z["free"] - floor) // PAGES_2M))
        upper += max(0, min(z["ok"] + z["maybe"], (z["free"] + z["unknown"] - floor) // PAGES_2M))
    return certain, upper


def map_node(dumps, size, node):
    doc = json.loads(dumps[f"truth.{size}.{node}.map"])
    return next(n for n in doc["nodes"] if n["node"] == node)


def estimate_figure(dumps, size, node):
    """The estimate's after_compaction when it says the map was its source."""
    try:
        doc = json.loads(dumps.get(f"truth.{size}.{node}.estimate", ""))
    except ValueError:
        return None
    for e in doc.get("estimates", []):
        src = json.dumps(e.get("source", ""))
        if e.get("node") == node and "map" in src:
            return e.get("after_compaction")
    return None


def judge(tag, dumps, g):
    size, node = g["size"], int(g["node"])
    before, asked, got, restored = (int(g[k]) for k in ("before", "asked", "got", "restored"))
    granted = got - before
    name = f"truth {tag} {size} node {node}"
    try:
        n = map_node(dumps, size, node)
        if size == "1G":
            certain, upper = predict_1g(n)
        else:
            zi = dumps.get(f"truth.zoneinfo.{node}", "")
            certain, upper = predict_2m(n, zoneinfo(zi, node))
    except (KeyError, ValueError, StopIteration) as e:
        res("FAIL", name, f"no usable map dump ({e!r})")
        return
    # 2M: a grant that runs the zone down to its min watermark ends where the
    # free pages of that moment put it; a few hundred pages allocated or freed
    # between the map's read and the write move it by a block or two
    lo, hi = (certain, upper) if size == "1G" else (certain - 2, upper + 1)
    bad = []
    if restored != before:
        bad.append(f"the pool was not put back ({restored}, was {before})")
    if granted >= asked - before:
        bad.append(f"all {asked - before} asked were granted: the count was not larger than the kernel's limit")
    if not lo <= granted <= hi:
        bad.append(f"granted {granted}, the map said {certain} (up to {upper} with the doubtful ranges)")
    est = estimate_figure(dumps, size, node)
    if est is not None and not est - (certain - lo) <= granted <= est + (hi - certain):
        bad.append(f"the estimate's after_compaction {est} against {granted} granted")
    exact = granted == certain
    verdict = n.get("verdict", "")
    rows.append((tag, size, node, certain, upper, granted, est, exact, not bad, verdict))
    if bad:
        res("FAIL", name, "; ".join(bad))
    else:
        how = ("exactly that" if exact else
               f"{certain}, up to {upper} with its doubtful ranges" if granted > certain else
               f"{certain}: {certain - granted} fewer at the min watermark's edge")
        res("PASS", f"{name}: granted {granted} of {asked - before} asked; the map said {how}"
            + (f"; estimate {est}" if est is not None else ""))
    print(f"INFO {name}: {verdict}")


def judge_file(path):
    tag = re.sub(r"\.out$", "", os.path.basename(path))
    lines, dumps = parse(path)
    grants = 0
    for line in lines:
        if re.match(r"(PASS|FAIL|SKIP|INFO) ", line):
            print(line)
            if line.startswith("FAIL"):
                results.append("FAIL")
        m = re.match(r"GRANT (.*)$", line)
        if m:
            grants += 1
            judge(tag, dumps, dict(kv.split("=", 1) for kv in m.group(1).split()))
    if grants == 0:
        res("FAIL", f"truth {tag}", "the guest granted nothing to judge (see the .err file beside it)")


def judge_tree(bin_, tree):
    """The map of a captured tree against the grants asked right after it."""
    import subprocess
    path = os.path.join(tree, "truth-grants")
    try:
        with open(path, encoding="utf-8") as f:
            grants = [ln for ln in f.read().splitlines() if ln.startswith("GRANT ")]
    except OSError as e:
        res("FAIL", f"truth tree {tree}", f"cannot read {path}: {e.strerror}")
        return
    if not grants:
        res("FAIL", f"truth tree {tree}", f"no GRANT line in {path}")
    tag = os.path.basename(tree.rstrip("/"))
    for line in grants:
        g = dict(kv.split("=", 1) for kv in line[6:].split())
        p = subprocess.run([bin_, "map", "--root", tree, "--size", g["size"], "--node", g["node"], "-f", "json"],
                           capture_output=True, text=True, check=False)
        if p.returncode != 0:
            res("FAIL", f"truth tree {tag} {g['size']} node {g['node']}", f"map exited {p.returncode}: {p.stderr}")
            continue
        judge(tag, {f"truth.{g['size']}.{g['node']}.map": p.stdout}, g)


def table(path):
    groups = {}
    for tag, size, node, certain, upper, granted, est, exact, ok, _ in rows:
        scen = re.sub(r"-\d+$", "", tag)
        groups.setdefault((scen, size, node), []).append((certain, upper, granted, est, exact, ok))
    out = ["| scenario | size | node | boots | predicted (certain..with maybe) | granted | exact | within | estimate |",
           "|---|---|---|---|---|---|---|---|---|"]
    for (scen, size, node), v in groups.items():
        pred = ", ".join(f"{c}" if c == u else f"{c}..{u}" for c, u, *_ in v)
        gr = ", ".join(str(g) for _, _, g, *_ in v)
        est = ", ".join("-" if e is None else str(e) for _, _, _, e, _, _ in v)
        out.append(f"| {scen} | {size} | {node} | {len(v)} | {pred} | {gr} | "
                   f"{sum(x[4] for x in v)} of {len(v)} | {sum(x[5] for x in v)} of {len(v)} | {est} |")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print("\n".join(out))


def main():
    a = sys.argv[1:]
    if len(a) >= 3 and a[0] == "--tree":
        for tree in a[2:]:
            judge_tree(a[1], tree)
        print(f"truth trees: {results.count('PASS')} passed, {results.count('FAIL')} failed")
        return 1 if "FAIL" in results or not results else 0
    tpath = None
    if len(a) >= 2 and a[0] == "--table":
        tpath, a = a[1], a[2:]
    if not a:
        print(__doc__, file=sys.stderr)
        return 64
    for path in a:
        judge_file(path)
    if tpath:
        table(tpath)
    print(f"truth: {results.count('PASS')} passed, {results.count('FAIL')} failed")
    return 1 if "FAIL" in results else 0


if __name__ == "__main__":
    sys.exit(main())
