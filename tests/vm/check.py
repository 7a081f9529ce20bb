#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Judge a guest's output on the host (tests/vm/vmcheck.sh).

  check.py LAYOUT OUT          pass the guest's PASS/FAIL/SKIP/INFO lines on,
                               then judge its dumps; exit 1 when one failed
  check.py --cmdline OUT       print the command line plan --kernel-cmdline
                               printed in the guest (its hugepage options)
  check.py --booted OUT BOOT   the pools of the guest booted with it match
                               the policy's targets

A dump is the text between "@@DUMP NAME@@" and "@@END@@" (tests/vm/guest/lib.sh).
"""
import json
import re
import sys

results = []


def res(kind, name, why=""):
    results.append((kind, name, why))
    print(f"{kind} {name}" + (f": {why}" if why else ""))


def parse(path):
    """The guest's lines outside dumps, and the dumps by name."""
    lines, dumps, cur, buf = [], {}, None, []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f.read().split("\n"):
            m = re.fullmatch(r"@@DUMP (\S+)@@", line)
            if cur is None and m:
                cur, buf = m.group(1), []
            elif cur is not None and line == "@@END@@":
                dumps[cur] = "\n".join(buf)
                cur = None
            elif cur is not None:
                buf.append(line)
            else:
                lines.append(line)
    if cur is not None:
        res("FAIL", f"dump {cur}", "cut short (no @@END@@)")
    return lines, dumps


def buddyinfo(text):
    """{(node, zone): [counts]} from /proc/buddyinfo."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"Node (\d+), zone\s+(\S+)\s+(.*)$", line)
        if m:
            out[(int(m.group(1)), m.group(2))] = [int(x) for x in m.group(3).split()]
    return out


def debugfs(text):
    """{(node, zone): [tokens]} from extfrag/unusable_index or extfrag_index."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"Node (\d+), zone\s+(\S+)\s+(.*)$", line)
        if m:
            out[(int(m.group(1)), m.group(2))] = m.group(3).split()
    return out


def expand(text):
    """A kernel node list ("0,2-3") as a set of ids."""
    ids = set()
    for part in text.strip().split(","):
        if "-" in part:
            a, b = part.split("-")
            ids.update(range(int(a), int(b) + 1))
        elif part:
            ids.add(int(part))
    return ids


def thousandths(v, extfrag):
    """Render thousandths as the kernel does: "%d.%03d" (unusable_index) or
    "%2d.%03d" (extfrag_index) of v / 1000 and v % 1000, C division."""
    q = int(v / 1000)
    r = v - q * 1000
    return ("%2d.%03d" if extfrag else "%d.%03d") % (q, r)


def hugepage_files(text):
    """{path: int} from an hp_snapshot dump."""
    out = {}
    for line in text.splitlines():
        p, _, v = line.partition(" ")
        if v.strip().lstrip("-").isdigit():
            out[p] = int(v)
    return out


def load_json(dumps, name):
    try:
        return json.loads(dumps[name])
    except KeyError:
        res("FAIL", name, "no such dump from the guest")
    except ValueError as e:
        res("FAIL", name, f"not JSON: {e}")
    return None


def check_state(tag, dumps):
    """status --format json against the kernel's own files of the same round."""
    name = f"status-vs-kernel {tag}"
    st = load_json(dumps, f"state.{tag}.status")
    if st is None:
        return
    b1 = buddyinfo(dumps[f"state.{tag}.buddyinfo"])
    b2 = buddyinfo(dumps[f"state.{tag}.buddyinfo2"])
    ui = debugfs(dumps[f"state.{tag}.unusable_index"])
    ei = debugfs(dumps[f"state.{tag}.extfrag_index"])
    hp = hugepage_files(dumps[f"state.{tag}.hugepages"])
    if not b1:
        res("FAIL", name, "empty buddyinfo")
        return
    zones = {}
    for n in st["nodes"]:
        for z in n["zones"]:
            zones[(n["node"], z["zone"])] = z
    label = lambda k: f"node {k[0]} {k[1]}"
    if set(zones) != set(b1):
        res("FAIL", f"{name}: zones", f"status {sorted(map(label, zones))}, buddyinfo {sorted(map(label, b1))}")
        return
    res("PASS", f"{name}: zones ({', '.join(map(label, sorted(b1)))})")
    stable = b1 == b2
    bad = [label(k) for k in b1 if zones[k]["free_blocks"] not in (b1[k], b2.get(k))]
    if bad:
        res("FAIL", f"{name}: free blocks per order", "differ in " + ", ".join(bad))
    else:
        res("PASS", f"{name}: free blocks per order equal buddyinfo" + ("" if stable else " (one of the two reads)"))
    for what, files, field, ext in (("unusable_index", ui, "unusable_index", False),
                                    ("extfrag_index", ei, "fragmentation_index", True)):
        if set(files) != set(b1):
            res("FAIL", f"{name}: {what}", f"debugfs zones {sorted(map(label, files))}")
            continue
        bad = []
        for k in sorted(files):
            mine = [thousandths(v, ext).strip() for v in zones[k][field]]
            if mine != files[k]:
                bad.append(f"{label(k)}: status {' '.join(mine)}, kernel {' '.join(files[k])}")
        if bad:
            res("FAIL", f"{name}: {what}", "; ".join(bad) + ("" if stable else " (buddyinfo moved during the round)"))
        else:
            res("PASS", f"{name}: {what} equals debugfs extfrag/{what} in every zone")
    # the nodes: ids as the kernel numbers them, memory and CPU as its lists say
    lists = [expand(x) for x in dumps.get(f"state.{tag}.nodelists", "").split("\n")[:3]]
    if len(lists) == 3:
        online, mem, cpu = lists
        mine = [(n["node"], n["has_memory"], n["has_cpu"]) for n in st["nodes"]]
        want = [(n, n in mem, n in cpu) for n in sorted(online)]
        if mine != want:
            res("FAIL", f"{name}: nodes", f"status (node, memory, cpu) {mine}, kernel lists {want}")
        else:
            res("PASS", f"{name}: nodes {[n for n, _, _ in want]}, memory on {sorted(mem)}, CPUs on {sorted(cpu)}")
    else:
        res("FAIL", f"{name}: nodes", "no node lists from the guest")
    # the pools, per node and global
    bad, seen = [], 0
    base = "/sys/devices/system/node/node%d/hugepages/hugepages-%dkB/%s"
    for n in st["nodes"]:
        for p in n.get("hugepages") or []:
            for fld, fn in (("total", "nr_hugepages"), ("free", "free_hugepages"), ("surplus", "surplus_hugepages")):
                path = base % (n["node"], p["size_kb"], fn)
                seen += 1
                if hp.get(path) != p[fld]:
                    bad.append(f"{path} {hp.get(path)}, status {p[fld]}")
    for p in st.get("hugepages") or []:
        for fld, fn in (("total", "nr_hugepages"), ("free", "free_hugepages"), ("surplus", "surplus_hugepages"),
                        ("reserved", "resv_hugepages"), ("overcommit", "nr_overcommit_hugepages")):
            path = "/sys/kernel/mm/hugepages/hugepages-%dkB/%s" % (p["size_kb"], fn)
            seen += 1
            if hp.get(path) != p[fld]:
                bad.append(f"{path} {hp.get(path)}, status {p[fld]}")
    if bad or seen == 0:
        res("FAIL", f"{name}: hugepage pools", "; ".join(bad) or "status shows no pool")
    else:
        pools = sorted({(n["node"], p["size_kb"], p["total"]) for n in st["nodes"] for p in n.get("hugepages") or []})
        res("PASS", f"{name}: {seen} pool figures equal the kernel's files "
            f"({', '.join(f'node {a} {b // 1024}M:{c}' for a, b, c in pools)})")


def action_key(a):
    return (a["kind"], a["node"], a.get("size_kb"), a.get("requested"))


def check_apply(dumps):
    plan, rep = load_json(dumps, "apply.plan"), load_json(dumps, "apply.report")
    if plan is None or rep is None:
        return
    hp = hugepage_files(dumps["apply.hugepages"])
    after = buddyinfo(dumps["apply.buddyinfo"])
    pk, rk = [action_key(a) for a in plan["actions"]], [action_key(a) for a in rep["actions"]]
    if pk != rk or not pk:
        res("FAIL", "apply does what plan said", f"plan {pk}, apply {rk}")
    else:
        res("PASS", f"apply does what plan said: {len(pk)} actions in the same order ({', '.join(f'{k[0]} node {k[1]}' for k in pk)})")
    steps = lambda r: [[(s["step"], s["when"], s["writes"]) for s in a.get("planned_steps", [])] for a in r["actions"]]
    if steps(plan) != steps(rep):
        res("FAIL", "apply's planned steps are plan's", f"plan {steps(plan)}, apply {steps(rep)}")
    else:
        res("PASS", "apply's planned steps are plan's")
    fp = {f["node"]: f["remediated"] for f in plan["findings"]}
    fa = {f["node"]: f["remediated"] for f in rep["findings"]}
    if fp != fa or fa.get(1) is not True or fa.get(0) is not False:
        res("FAIL", "per-node thresholds", f"remediated in plan {fp}, in apply {fa}; expected node 1 only")
    else:
        res("PASS", "per-node thresholds: node 1 (thresholds 0) remediated, node 0 not")
    bad, exit_want = [], 0
    for a in rep["actions"]:
        if a["kind"] != "reserve":
            if a.get("status") != "done":
                bad.append(f"{a['kind']} node {a['node']}: {a.get('status')}")
            continue
        path = "/sys/devices/system/node/node%d/hugepages/hugepages-%dkB/nr_hugepages" % (a["node"], a["size_kb"])
        if hp.get(path) != a["obtained"]:
            bad.append(f"{path} is {hp.get(path)}, report says obtained {a['obtained']}")
        if a["shortfall"] != max(a["requested"] - a["obtained"], 0):
            bad.append(f"node {a['node']} {a['size_kb']}kB: shortfall {a['shortfall']} of {a['requested']} - {a['obtained']}")
        if a["obtained"] < a["requested"]:
            exit_want = max(exit_want, 1 if a["obtained"] > a["before"] else 2)
    # node 1's thresholds are 0: it stays at crit after its compaction, which
    # README's "Exit status" counts as partly done (1)
    if any(f["remediated"] and f["level"] != "ok" for f in rep["findings"]):
        exit_want = max(exit_want, 1)
        if "node 1" not in (rep["exit_reason"] or ""):
            bad.append(f"exit_reason {rep['exit_reason']!r} does not name node 1")
    if rep["exit"] != exit_want:
        bad.append(f"exit {rep['exit']}, the pools and findings say {exit_want}")
    if bad:
        res("FAIL", "apply's report matches the guest's files", "; ".join(bad))
    else:
        res("PASS", f"apply's report matches the guest's pool files (exit {rep['exit']})")
    # the free lists after: the report's second snapshot against buddyinfo read
    # right after (no fork between); the orders >= 9 (2M) must agree exactly
    zb = {(z["node"], z["zone"]): z["after"] for z in rep.get("zones", [])}
    if set(zb) != set(after):
        res("FAIL", "apply's after-figures", f"zones {sorted(zb)} vs buddyinfo {sorted(after)}")
        return
    exact = all(zb[k] == after[k] for k in after)
    high = [k for k in after if zb[k][9:] != after[k][9:]]
    if high:
        res("FAIL", "apply's after-figures match buddyinfo (orders >= 9)",
            "; ".join(f"{k}: report {zb[k]}, buddyinfo {after[k]}" for k in high))
    else:
        res("PASS", "apply's after-figures match buddyinfo read after it" + (" exactly" if exact else " at orders >= 9"))


def check_compact(dumps, node):
    r = load_json(dumps, f"compact.{node}.report")
    if r is None:
        return
    acts = [(a["kind"], a["node"], a.get("status")) for a in r["actions"]]
    if acts != [("compact_node", node, "done")] or not r["executed"] or r["dry_run"]:
        res("FAIL", f"compact --node {node} report", f"actions {acts}, executed {r['executed']}")
    else:
        res("PASS", f"compact --node {node} report: one compact_node of node {node}, done")


def check_reserve(dumps, name, want):
    """A reserve report: every action obtained what `want` says."""
    r = load_json(dumps, name)
    if r is None:
        return
    got = {(a["node"], a["size_kb"]): a["obtained"] for a in r["actions"]}
    if got != want:
        res("FAIL", f"{name}: obtained", f"{got}, expected {want}")
    else:
        res("PASS", f"{name}: obtained per node as read back")


def check_reserve_exit(dumps, name):
    """A reserve report's shortfalls and exit status follow from its pools
    (README "Exit status": 1 when a pool grew but not enough, 2 when a pool
    got no page at all)."""
    r = load_json(dumps, name)
    if r is None:
        return
    bad, want = [], 0
    for a in r["actions"]:
        if a["kind"] != "reserve":
            continue
        if a["shortfall"] != max(a["requested"] - a["obtained"], 0) and not a.get("restored"):
            bad.append(f"node {a['node']}: shortfall {a['shortfall']} for {a['requested']} - {a['obtained']}")
        if a["obtained"] < a["requested"]:
            want = max(want, 1 if a["obtained"] > a["before"] else 2)
    if r["exit"] != want:
        bad.append(f"exit {r['exit']}, the pools say {want}")
    if (r["exit"] == 0) != (r["exit_reason"] is None):
        bad.append(f"exit {r['exit']} with exit_reason {r['exit_reason']!r}")
    if bad:
        res("FAIL", f"{name}: exit status and shortfalls", "; ".join(bad))
    else:
        res("PASS", f"{name}: exit {r['exit']} and shortfalls follow from the pools")


def kernel_cmdline(dumps):
    text = dumps.get("kernel-cmdline", "")
    toks = [t for t in text.split() if re.match(r"(default_)?hugepages?z?=|hugepagesz=|hugepages=", t)]
    return " ".join(toks)


def main():
    a = sys.argv[1:]
    if len(a) == 2 and a[0] == "--cmdline":
        print(kernel_cmdline(parse(a[1])[1]))
        return 0
    if len(a) == 3 and a[0] == "--booted":
        _, dumps = parse(a[1])
        lines, _ = parse(a[2])
        pools = {}
        for line in lines:
            m = re.match(r"/sys/devices/system/node/node(\d+)/hugepages/hugepages-(\d+)kB/nr_hugepages (\d+)$", line)
            if m:
                pools[(int(m.group(1)), int(m.group(2)))] = int(m.group(3))
        want = {}
        sec = None
        for line in dumps.get("kernel-cmdline.policy", "").splitlines():
            m = re.match(r"\[hugepages (\d+)([MG])\]", line)
            if m:
                sec = int(m.group(1)) * (1024 if m.group(2) == "M" else 1048576)
            elif line.startswith("["):
                sec = None
            elif sec and line.startswith("count"):
                for pair in line.split("=", 1)[1].split(","):
                    n, c = pair.strip().split(":")
                    want[(int(n), sec)] = int(c)
        bad = {k: (v, pools.get(k)) for k, v in want.items() if pools.get(k) != v}
        if not pools or not want or bad:
            res("FAIL", "plan --kernel-cmdline booted reserves what the policy asked",
                f"(target, pool) {bad}" if bad else "no pools or no targets read")
        else:
            res("PASS", f"plan --kernel-cmdline booted reserves what the policy asked ({want})")
        return 1 if any(k == "FAIL" for k, _, _ in results) else 0
    if len(a) != 2:
        print(__doc__, file=sys.stderr)
        return 64
    layout, path = a
    lines, dumps = parse(path)
    for line in lines:
        if re.match(r"(PASS|FAIL|SKIP|INFO) ", line):
            print(line)
            if line.startswith(("PASS", "FAIL", "SKIP")):
                results.append((line.split()[0], line, ""))
        elif line.strip():
            print(f"  | {line}")
    for tag in sorted({k.split(".")[1] for k in dumps if k.startswith("state.")}):
        check_state(tag, dumps)
    for k in sorted(dumps):
        m = re.fullmatch(r"compact\.(\d+)\.report", k)
        if m:
            check_compact(dumps, int(m.group(1)))
    for k in sorted(dumps):
        if k.startswith("reserve.") and k.endswith(".report"):
            check_reserve_exit(dumps, k)
    if layout == "two-node":
        check_reserve(dumps, "reserve.1G.report", {(0, 1048576): 1, (1, 1048576): 1})
        check_apply(dumps)
    if not any(k == "PASS" for k, _, _ in results):
        res("FAIL", f"{layout}", "the guest proved nothing")
    return 1 if any(k == "FAIL" for k, _, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())
