#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The independent check of a golden report (tests/report_golden.sh).

Every figure is worked out here from the fixture files, without buddyctl:
buddyinfo is parsed here, the free blocks and the unusable and
fragmentation indices at the judged order follow the kernel's formulas
(mm/vmstat.c: fill_contig_page_info, unusable_free_index,
__fragmentation_index) summed over the node's zones, the pools are read
from their nr_hugepages files before (the fixture) and after (the copy the
command ran on), the targets of each case are worked out by hand from its
policy or command line (below), and the copy is compared file by file with
the fixture: a dry run changes nothing, a real run changes exactly the files
its actions write (plus its lock and state file).

  report_check.py DIR

DIR holds one folder per run, CASE.FORMAT, with the files out (what
buddyctl printed on standard output), err (its log line, standard error),
rc (its exit status), tree (the fixture's name under
tests/fixtures) and the folder root (the copy it ran on). Exit 1 when any
figure of any run disagrees.
"""
import json
import os
import re
import sys

# By hand, from the policy or the command line of each case (tests/report_golden.sh).
# The fixtures have 4 KiB pages and 2 MiB as the smallest hugepage size: order 9.
# dpdk.conf: [hugepages 2M] total = 300 over the 2 nodes with memory: 150 each.
# allcrit.conf: crit_unusable = 0: every node is crit and compacted, in node order;
# a fixture's buddyinfo does not change when its compact files are written, so
# every node is still crit afterwards: exit 1, naming the first (node 0).
DPDK = {(0, 2048): 150, (1, 2048): 150}
DPDK_ACTIONS = [("reserve", 0, 2048, 150), ("reserve", 1, 2048, 150)]
ALLCRIT = [("compact_node", 0, None, None), ("compact_node", 2, None, None), ("compact_node", 6, None, None)]
RESERVE = [("reserve", 0, 2048, 100), ("reserve", 1, 1048576, 1)]
# pools-mandatory.conf: [hugepages 2M] total = 100, mandatory: 50 on each node; node 0
# holds 0 (50 short: crit), node 1 holds 64 (ok): exit 2, naming the short pool.
MANDATORY = {(0, 2048): 50, (1, 2048): 50}
# floor.conf: [hugepages 2M] count = 0:0, 1:32; node 1 holds 64. A count is a floor:
# ok, above the target, nothing planned; shrink.conf (shrink = yes) frees 32 pages.
FLOOR = {(0, 2048): 0, (1, 2048): 32}
# order.conf: the 2M section (count = 1:100, 0:100) before the 1G one (count = 0:1):
# the 1G page first, then the 2M pools in count's node order.
ORDERED = {(0, 1048576): 1, (1, 2048): 100, (0, 2048): 100}
CASES = {
    "check-mandatory": dict(command="check", dry=False, executed=False, judged=True, targets=MANDATORY,
                            mandatory=True, actions=[], exit=2,
                            reason="1 pool at crit; 2M pool of node 0: 0 of 50 (50 short; mandatory)"),
    "plan-dpdk": dict(command="plan", dry=True, judged=True, targets=DPDK, actions=DPDK_ACTIONS),
    "apply-dry-run-dpdk": dict(command="plan", dry=True, judged=True, targets=DPDK, actions=DPDK_ACTIONS),
    "apply-dpdk": dict(command="apply", dry=False, judged=True, targets=DPDK, actions=DPDK_ACTIONS),
    "plan-allcrit": dict(command="plan", dry=True, judged=True, targets={}, actions=ALLCRIT, level="crit"),
    "apply-allcrit": dict(command="apply", dry=False, judged=True, targets={}, actions=ALLCRIT, level="crit",
                          exit=1, still_crit=0),
    "compact-dry-run": dict(command="compact", dry=True, actions=[("compact_all", -1, None, None)]),
    "compact": dict(command="compact", dry=False, actions=[("compact_all", -1, None, None)]),
    "compact-node-1": dict(command="compact", dry=False, actions=[("compact_node", 1, None, None)]),
    "drop-caches-dry-run": dict(command="drop-caches", dry=True, actions=[("drop_caches", -1, None, None)],
                                drop_level=3, sync=True),
    "drop-caches": dict(command="drop-caches", dry=False, actions=[("drop_caches", -1, None, None)],
                        drop_level=3, sync=False),
    "reserve-dry-run": dict(command="reserve", dry=True, actions=RESERVE),
    "reserve": dict(command="reserve", dry=False, actions=RESERVE),
    # 2000 > 1281 now on node 0: compaction first (node0/compact), then the write; the
    # estimate again after that compaction, from the same (static) free lists
    "reserve-compact-first": dict(command="reserve", dry=False, actions=[("reserve", 0, 2048, 2000)],
                                  also_written=["sys/devices/system/node/node0/compact"], revised=True),
    "check-floor": dict(command="check", dry=False, executed=False, judged=True, targets=FLOOR, actions=[]),
    "plan-floor": dict(command="plan", dry=True, judged=True, targets=FLOOR, actions=[]),
    # nothing to do: nothing executed, no file written but the lock
    "apply-floor": dict(command="apply", dry=False, executed=False, judged=True, targets=FLOOR, actions=[]),
    "plan-shrink": dict(command="plan", dry=True, judged=True, targets=FLOOR, shrink=True,
                        actions=[("reserve", 1, 2048, 32)]),
    "apply-shrink": dict(command="apply", dry=False, judged=True, targets=FLOOR, shrink=True,
                         actions=[("reserve", 1, 2048, 32)]),
    "plan-order": dict(command="plan", dry=True, judged=True, targets=ORDERED,
                       actions=[("reserve", 0, 1048576, 1), ("reserve", 1, 2048, 100), ("reserve", 0, 2048, 100)],
                       exit=0),
}
ORDER = 9
# files a run may leave besides those its actions write: its lock and state file
LOCK_STATE = re.compile(r"^(run/buddyctl\.lock|tmp/buddyctl-test\.(lock|state)|var/lib/buddyctl/state)$")

checked = 0
errors = []
FIXTURES = "tests/fixtures"


def expect(what, got, want):
    global checked
    checked += 1
    if got != want:
        errors.append(f"{what}: the run says {got!r}, worked out here: {want!r}")


def buddyinfo(tree):
    """[(node, zone, [count per order])] from TREE/proc/buddyinfo."""
    rows = []
    with open(os.path.join(tree, "proc/buddyinfo")) as f:
        for line in f:
            m = re.match(r"Node\s+(\d+),\s+zone\s+(\S+)\s+(.*)", line)
            if m:
                rows.append((int(m[1]), m[2], [int(x) for x in m[3].split()]))
    return rows


def node_figures(rows, node, order):
    """(free blocks at order, unusable index, fragmentation index), node-wide, in thousandths."""
    free_pages = suitable = blocks_total = 0
    for n, _, counts in rows:
        if n != node:
            continue
        for o, c in enumerate(counts):
            free_pages += c << o
            blocks_total += c
            if o >= order:
                suitable += c << (o - order)
    unusable = 1000 if free_pages == 0 else (free_pages - (suitable << order)) * 1000 // free_pages
    if blocks_total == 0:
        frag = 0
    elif suitable:
        frag = -1000
    else:
        frag = 1000 - (1000 + free_pages * 1000 // (1 << order)) // blocks_total
    return suitable, unusable, frag


def pool_file(node, size_kb):
    if node < 0:
        return f"sys/kernel/mm/hugepages/hugepages-{size_kb}kB/nr_hugepages"
    return f"sys/devices/system/node/node{node}/hugepages/hugepages-{size_kb}kB/nr_hugepages"


def read(tree, rel):
    with open(os.path.join(tree, rel)) as f:
        return f.read().strip()


def pool(tree, node, size_kb):
    return int(read(tree, pool_file(node, size_kb)))


def written_file(kind, node):
    if kind == "compact_node":
        return f"sys/devices/system/node/node{node}/compact"
    if kind == "compact_all":
        return "proc/sys/vm/compact_memory"
    if kind == "drop_caches":
        return "proc/sys/vm/drop_caches"
    raise ValueError(kind)


def tree_changes(before, after):
    """Files of AFTER that are new or differ from BEFORE, and files BEFORE has that AFTER lacks."""
    changed = set()
    for top, _, files in os.walk(after):
        for name in files:
            path = os.path.join(top, name)
            rel = os.path.relpath(path, after)
            old = os.path.join(before, rel)
            with open(path, "rb") as f:
                new_bytes = f.read()
            if not os.path.isfile(old) or open(old, "rb").read() != new_bytes:
                changed.add(rel)
    for top, _, files in os.walk(before):
        for name in files:
            rel = os.path.relpath(os.path.join(top, name), before)
            if not os.path.exists(os.path.join(after, rel)):
                changed.add(rel)
    return changed


def executed(case):
    return case.get("executed", not case["dry"])


def size_kb(text):
    return {"2M": 2048, "1G": 1048576}[text]


def small_kb(rows, node):
    """Free memory of node in blocks below order 9, kB (4 KiB pages)."""
    return sum(count << k for n, _, counts in rows if n == node
               for k, count in enumerate(counts) if k < ORDER) * 4


def pool_why(case, actual, target):
    """A pool finding's text: both numbers, and below the target the shortfall, above it
    what apply does (a count is a floor unless the case's policy says shrink = yes)."""
    text = f"{actual} of {target}"
    if actual < target:
        return text + f" ({target - actual} short{'; mandatory' if case.get('mandatory') else ''})"
    if actual > target and case.get("shrink"):
        return text + f" (above the target: apply frees {actual - target} pages; shrink = yes)"
    if actual > target:
        return text + " (above the target: left as it is; shrink = no)"
    return text


def check_log(case, err, rows, nodes, fixture, after, rc):
    """The log line on standard error: its figures and its exit status."""
    post = buddyinfo(after)
    m = re.search(r"exit (\d+)(:|$)", err, re.M)
    expect("log line's exit status", int(m[1]) if m else None, rc)
    for m in re.finditer(r"(compact node (\d+)|compact all nodes) done \(2M blocks (\d+) -> (\d+)\)", err):
        which = [int(m[2])] if m[2] else nodes
        expect(f"log: {m[1]}: 2M blocks before", int(m[3]), sum(node_figures(rows, n, ORDER)[0] for n in which))
        expect(f"log: {m[1]}: 2M blocks after", int(m[4]), sum(node_figures(post, n, ORDER)[0] for n in which))
    for m in re.finditer(r"(2M|1G) pool node (\d+) (\d+) -> (\d+)/(\d+) \(([+-]\d+)\)", err):
        node, kb = int(m[2]), size_kb(m[1])
        what = f"log: {m[1]} pool node {node}"
        expect(f"{what} before", int(m[3]), pool(fixture, node, kb))
        expect(f"{what} obtained", int(m[4]), pool(after, node, kb))
        expect(f"{what} requested", ("reserve", node, kb, int(m[5])) in case["actions"], True)
        expect(f"{what} gain", int(m[6]), int(m[4]) - int(m[3]))
    for m in re.finditer(r"(2M) pool node (\d+) (\d+)/(\d+) (ok|warn|crit)", err):
        key = (int(m[2]), 2048)
        expect(f"log: pool {key} actual", int(m[3]), pool(fixture, *key))
        expect(f"log: pool {key} target", int(m[4]), case["targets"][key])


def check_run(name, fmt, out, err, rc, fixture, after):
    case = CASES[name]
    rows = buddyinfo(fixture)
    nodes = sorted({n for n, _, _ in rows})
    expect("exit status", rc, case.get("exit", 0))

    # the tree: a dry run or check changes nothing; a real run exactly what its actions write
    changed = tree_changes(fixture, after)
    writes = set()
    for kind, node, size, _ in case["actions"]:
        writes.add(pool_file(node, size) if kind == "reserve" else written_file(kind, node))
    writes.update(case.get("also_written", []))
    if case["dry"]:
        expect("files changed by a dry run", sorted(changed), [])
    elif not executed(case):
        expect("files changed by a run with nothing to do", sorted(c for c in changed if not LOCK_STATE.match(c)), [])
    else:
        expect("files written", sorted(c for c in changed if not LOCK_STATE.match(c)), sorted(writes))

    if err:
        check_log(case, err, rows, nodes, fixture, after, rc)
    if fmt == "json":
        check_json(case, json.loads(out), rows, nodes, fixture, after, rc)
    else:
        check_text(case, out, rows, nodes, fixture, after, rc)


def main():
    global checked, errors
    top = sys.argv[1]
    bad = 0
    runs = sorted(os.listdir(top))
    for run in runs:
        d = os.path.join(top, run)
        name, fmt = run.rsplit(".", 1)
        checked, errors = 0, []
        with open(os.path.join(d, "out")) as f:
            out = f.read()
        with open(os.path.join(d, "err")) as f:
            err = f.read()
        check_run(name, fmt, out, err, int(read(d, "rc")), os.path.join(FIXTURES, read(d, "tree")),
                  os.path.join(d, "root"))
        if errors:
            bad += 1
            print(f"report check: {name} {fmt}: {len(errors)} of {checked} figures disagree with the files:")
            for e in errors:
                print("  " + e)
        else:
            print(f"report check: {name} {fmt}: {checked} figures agree with the fixture files")
    if not runs:
        print("report check: no runs")
        return 1
    return 1 if bad else 0


def check_json(case, r, rows, nodes, fixture, after, rc):
    expect("command", r["command"], case["command"])
    expect("dry_run", r["dry_run"], case["dry"])
    expect("executed", r["executed"], executed(case))
    expect("exit", r["exit"], rc)
    if "reason" in case:
        expect("exit_reason", r["exit_reason"], case["reason"])
    elif "still_crit" in case:
        _, unusable, _ = node_figures(rows, case["still_crit"], ORDER)
        expect("exit_reason", (r["exit_reason"] or "")[:60],
               f"node {case['still_crit']} is still crit after remediation: unusable index "
               f"{unusable // 1000}.{unusable % 1000:03d}"[:60])
    else:
        expect("exit_reason", r["exit_reason"], None)
    if case.get("judged"):
        expect("findings' nodes", [f["node"] for f in r["findings"]], nodes)
        for f in r["findings"]:
            blocks, unusable, frag = node_figures(rows, f["node"], ORDER)
            n = f"node {f['node']}"
            expect(f"{n} order", f["order"], ORDER)
            expect(f"{n} free_blocks_at_order", f["free_blocks_at_order"], blocks)
            expect(f"{n} unusable_index", f["unusable_index"], unusable)
            expect(f"{n} fragmentation_index", f["fragmentation_index"], frag)
            if "level" in case:
                expect(f"{n} level", f["level"], case["level"])
    else:
        expect("findings", r["findings"], [])
    want_pools = case.get("targets", {})
    expect("pool_findings", [(p["node"], p["size_kb"]) for p in r["pool_findings"]], list(want_pools))
    for p in r["pool_findings"]:
        key = (p["node"], p["size_kb"])
        actual = pool(fixture, *key)
        expect(f"pool {key} target", p["target"], want_pools[key])
        expect(f"pool {key} actual", p["actual"], actual)
        expect(f"pool {key} shortfall", p["shortfall"], max(0, want_pools[key] - actual))
        expect(f"pool {key} mandatory", p["mandatory"], case.get("mandatory", False))
        expect(f"pool {key} level", p["level"],
               "ok" if actual >= want_pools[key] else "crit" if case.get("mandatory") else "warn")
        expect(f"pool {key} shrink", p.get("shrink"), case.get("shrink", False))
        expect(f"pool {key} why", p["why"], pool_why(case, actual, want_pools[key]))
    expect("actions", [(a["kind"], a["node"], a.get("size_kb"), a.get("requested")) for a in r["actions"]],
           case["actions"])
    for a in r["actions"]:
        what = f"action {a['kind']} node {a['node']}"
        if a["kind"] == "reserve":
            from_ = pool(fixture, a["node"], a["size_kb"])
            expect(f"{what} planned_from", a["planned_from"], from_)
            if executed(case):
                got = pool(after, a["node"], a["size_kb"])
                expect(f"{what} before", a["before"], from_)
                expect(f"{what} obtained", a["obtained"], got)
                expect(f"{what} shortfall", a["shortfall"], max(0, a["requested"] - got))
                # a fixture tree grants every page written: nothing is put back
                expect(f"{what} granted", a["granted"], max(0, got - from_))
                rev = a["estimate_after_compaction"]
                expect(f"{what} estimate_after_compaction given", rev is not None,
                       bool(case.get("revised")) and a["size_kb"] == 2048)
                if rev is not None:
                    # the files do not change when compacted: "now" as before, and the
                    # free memory in blocks below 2M from buddyinfo
                    expect(f"{what} estimate_after_compaction now", rev["now"], a["estimate"]["now"])
                    expect(f"{what} estimate_after_compaction free_small_kb", rev["free_small_kb"],
                           small_kb(rows, a["node"]))
                    # after reclaim: at least now, at most the first estimate after reclaim
                    expect(f"{what} estimate_after_compaction now <= after_reclaim <= first estimate's",
                           rev["now"] <= rev["after_reclaim"] <= a["estimate"]["after_reclaim"], True)
        if a["kind"] == "drop_caches":
            expect(f"{what} drop_level", a["drop_level"], case["drop_level"])
            expect(f"{what} sync", a["sync"], case["sync"])
        if executed(case):
            expect(f"{what} status", a["status"], "done")
            if a["kind"] != "reserve":
                want = str(case["drop_level"]) if a["kind"] == "drop_caches" else "1"
                expect(f"{what}: {written_file(a['kind'], a['node'])}", read(after, written_file(a["kind"], a["node"])), want)
    if not executed(case):
        expect("zones", r["zones"], [])
    else:
        post = buddyinfo(after)
        expect("zones", [(z["node"], z["zone"], z["before"], z["after"], z["change"]) for z in r["zones"]],
               [(b[0], b[1], b[2], a[2], [y - x for x, y in zip(b[2], a[2])]) for b, a in zip(rows, post)])


def check_text(case, out, rows, nodes, fixture, after, rc):
    lines = out.splitlines()
    if case.get("judged"):
        seen = []
        for line in lines:
            m = re.match(r"^  node (\d+)\s+(ok|warn|crit)\s+at 2M: unusable (\d)\.(\d{3}), (\d+) free 2M blocks", line)
            if not m:
                continue
            node = int(m[1])
            blocks, unusable, _ = node_figures(rows, node, ORDER)
            seen.append(node)
            expect(f"node {node} unusable", int(m[3]) * 1000 + int(m[4]), unusable)
            expect(f"node {node} free 2M blocks", int(m[5]), blocks)
            if "level" in case:
                expect(f"node {node} level", m[2], case["level"])
        expect("finding lines' nodes", seen, nodes)
        pools = []
        for line in lines:
            m = re.match(r"^  node (\d+)\s+(ok|warn|crit)\s+(2M|1G) pool: ((\d+) of (\d+).*)$", line)
            if m:
                key = (int(m[1]), size_kb(m[3]))
                pools.append(key)
                short = int(m[5]) < int(m[6])
                expect(f"pool {key} level", m[2], "crit" if short and case.get("mandatory") else
                       "warn" if short else "ok")
                expect(f"pool {key} actual", int(m[5]), pool(fixture, *key))
                expect(f"pool {key} target", int(m[6]), case["targets"][key])
                expect(f"pool {key} text", m[4], pool_why(case, pool(fixture, *key), case["targets"][key]))
        expect("pool lines", pools, list(case["targets"]))
    reserves = []
    for line in lines:
        m = re.match(r"^\s+\d+\. reserve (\S+) on node (\d+): (\d+) -> (\d+)", line)
        if m:
            node, kb = int(m[2]), size_kb(m[1])
            reserves.append(("reserve", node, kb, int(m[4])))
            expect(f"reserve {m[1]} node {node} from", int(m[3]), pool(fixture, node, kb))
    expect("reserve lines", reserves, [a for a in case["actions"] if a[0] == "reserve"])
    if "reason" in case:
        m = re.search(r"^Exit status (\d+): (.*)$", out, re.M)
        expect("Exit status line", (int(m[1]), m[2]) if m else None, (rc, case["reason"]))
    if executed(case):
        if any(a[0] == "reserve" for a in case["actions"]):
            i = next(i for i, line in enumerate(lines) if line.startswith("Hugepages "))
            rows_seen = []
            for line in lines[i + 1:]:
                m = re.match(r"^\s+(\d+)\s+(2M|1G)\s+(\d+)\s+(\d+)\s+-\s+-\s+\((\d+) freed\)$", line)
                if m:
                    # a pool made smaller: what was freed, no obtained or short
                    node, kb = int(m[1]), size_kb(m[2])
                    got = pool(after, node, kb)
                    rows_seen.append(("reserve", node, kb, int(m[3])))
                    expect(f"Hugepages node {node} {m[2]} before", int(m[4]), pool(fixture, node, kb))
                    expect(f"Hugepages node {node} {m[2]} freed", int(m[5]), pool(fixture, node, kb) - got)
                    continue
                m = re.match(r"^\s+(\d+)\s+(2M|1G)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", line)
                if m:
                    node, kb = int(m[1]), size_kb(m[2])
                    got = pool(after, node, kb)
                    rows_seen.append(("reserve", node, kb, int(m[3])))
                    expect(f"Hugepages node {node} {m[2]} before", int(m[4]), pool(fixture, node, kb))
                    expect(f"Hugepages node {node} {m[2]} obtained", int(m[5]), got)
                    expect(f"Hugepages node {node} {m[2]} short", int(m[6]), max(0, int(m[3]) - got))
                elif line.strip() == "":
                    break
            expect("Hugepages rows", rows_seen, [a for a in case["actions"] if a[0] == "reserve"])
            revised = [line for line in lines if re.match(
                r"^\s+after the first compaction: \d+ now, \d+ after reclaim \(\S+ free stayed in smaller blocks\)$", line)]
            expect("after the first compaction lines", len(revised), 1 if case.get("revised") else 0)
        m = re.search(r"^Total [0-9.]+ ms, exit status (\d+)", out, re.M)
        expect("Total line's exit status", int(m[1]) if m else None, rc)


if __name__ == "__main__":
    sys.exit(main())
