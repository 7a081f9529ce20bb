#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Judge a guest's output on the host (tests/vm/vmcheck.sh).

  check.py LAYOUT OUT          pass the guest's PASS/FAIL/SKIP/INFO lines on,
                               then judge its dumps; exit 1 when one failed
  check.py --cmdline OUT       print the command line plan --kernel-cmdline
                               printed in the guest (its hugepage options)
  check.py --policy OUT        print the policy it was printed for
  check.py --booted OUT BOOT   the pools of the guest booted with it (and
                               default_hugepagesz=1G) match the policy's
                               targets, and buddyctl there warns of the 1G
                               default

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


def matches(counts, reads, stable):
    """counts (free blocks per order, from buddyctl) equal one of the guest's
    buddyinfo reads. When the guest never held still for a whole round (the
    state loop's 60 tries: the status process's own fork, exec and exit move
    pages between the per-CPU lists and orders 0-3 of its CPU's node), orders
    0-3 may differ from the nearest read by a per-CPU batch (at most 64
    blocks); every order from 4 up must still be exact."""
    reads = [r for r in reads if r is not None]
    if counts in reads:
        return True
    if stable:
        return False
    return any(len(r) == len(counts) and counts[4:] == r[4:] and
               all(abs(a - b) <= 64 for a, b in zip(counts[:4], r[:4])) for r in reads)


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
    bad = [label(k) for k in b1 if not matches(zones[k]["free_blocks"], (b1[k], b2.get(k)), stable)]
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
    # the policy's 2M section comes before its 1G one: the 1G pages are reserved
    # first all the same, as the kernel command line does
    sizes = [a["size_kb"] for a in rep["actions"] if a["kind"] == "reserve"]
    if not sizes or sizes != sorted(sizes, reverse=True) or 1048576 not in sizes:
        res("FAIL", "apply reserves the largest size first", f"reserve sizes in order {sizes}")
    else:
        res("PASS", f"apply reserves the largest size first, the 2M section first in the policy (sizes {sizes})")
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
        # apply: a pool left short is 1, also one that got no page, unless
        # mandatory = yes (2; the policy here has none). buddyctl(8) EXIT STATUS
        if a["obtained"] < a["requested"]:
            exit_want = max(exit_want, 1)
    # node 1's thresholds are 0: it stays at crit after its compaction, which
    # buddyctl(8) EXIT STATUS counts as partly done (1)
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
    (buddyctl(8) EXIT STATUS: 1 when a pool grew but not enough, 2 when a pool
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


def advice_lines(text):
    """The lines of plan --kernel-cmdline's notes that give offers, rules, whys and warnings."""
    return [ln for ln in text.splitlines()
            if ln.startswith(("# offer ", "# not offered: ", "#   ", "# warning: "))]


def check_kernel_cmdline_advice(dumps):
    """What plan --kernel-cmdline offers on this 6.1 kernel, against the kernel's own files."""
    notes, meminfo = dumps.get("kernel-cmdline.notes", ""), dumps.get("kernel-cmdline.meminfo", "")
    release = dumps.get("kernel-cmdline.osrelease", "").strip()
    if not notes or not meminfo:
        res("FAIL", "plan --kernel-cmdline: offers for the guest's kernel", "no notes or no meminfo dumped")
        return
    bad = []
    has_cma = re.search(r"^CmaTotal:", meminfo, re.M) is not None
    cma_offered = "\n# offer hugetlb_cma=" in "\n" + notes
    if has_cma != cma_offered:
        bad.append(f"CmaTotal in /proc/meminfo: {has_cma}, hugetlb_cma= offered: {cma_offered}")
    if not has_cma and "#   why not: /proc/meminfo has no CmaTotal" not in notes:
        bad.append("no CmaTotal, and the notes do not say so")
    major, minor = (int(x) for x in re.match(r"(\d+)\.(\d+)", release).groups())
    if (major, minor) < (6, 15) and "# offer hugepage_alloc_threads=" in notes:
        bad.append(f"hugepage_alloc_threads= offered to {release}")
    if (major, minor) < (7, 3) and "# warning: Linux %d.%d may take a node's gigantic boot pages" % (major, minor) not in notes:
        bad.append("per-node 1G counts on two nodes, and no warning of the node fallback")
    try:
        doc = json.loads(dumps.get("kernel-cmdline.json", ""))["kernel_cmdline"]
    except (ValueError, KeyError) as e:
        bad.append(f"plan --kernel-cmdline --format json: {e}")
        doc = None
    if doc is not None:
        text = []
        for m in doc["remedies"]:
            if m["option"] == "hugepages" and not m["offered"]:
                continue
            text.append("# offer " + ("the line above" if m["option"] == "hugepages" else m["words"])
                        if m["offered"] else "# not offered: %s=" % m["option"])
            text.append("#   rule: " + m["rule"])
            text.append("#   %s %s" % ("why:" if m["offered"] else "why not:", m["why"]))
        text += ["# warning: " + w["text"] for w in doc["warnings"]]
        if text != advice_lines(notes):
            bad.append("the JSON's remedies and warnings are not the text's")
        if doc["fragment"] != dumps.get("kernel-cmdline", "").strip():
            bad.append("the JSON's fragment is not the text's")
    if bad:
        res("FAIL", "plan --kernel-cmdline: offers for the guest's kernel", "; ".join(bad))
    else:
        res("PASS", f"plan --kernel-cmdline: offers for the guest's kernel ({release}, CmaTotal "
            f"{'present' if has_cma else 'absent'}), the same in text and JSON")


NODE_HP = "/sys/devices/system/node/node%d/hugepages/hugepages-%dkB/nr_hugepages"


def node_free(bi):
    """{node: [free blocks per order, summed over the node's zones]}."""
    out = {}
    for (n, _), counts in bi.items():
        acc = out.setdefault(n, [0] * len(counts))
        for k, c in enumerate(counts):
            acc[k] += c
    return out


def unusable(counts, order):
    """The node-wide unusable free space index in thousandths
    (policy/judge/metrics.c, the kernel's unusable_free_index over the
    node's free lists together)."""
    free = sum(c << k for k, c in enumerate(counts))
    suitable = sum(c << (k - order) for k, c in enumerate(counts) if k >= order)
    return 1000 if free == 0 else (free - (suitable << order)) * 1000 // free


def check_estimate_nodes(dumps):
    """estimate of every node names the nodes with memory, and only those."""
    e = load_json(dumps, "estimate.all")
    if e is None:
        return
    mem = expand(dumps.get("estimate.all.has_memory", ""))
    got = {x["node"] for x in e["estimates"]}
    if got != mem or not mem:
        res("FAIL", "estimate covers the nodes with memory", f"estimate nodes {sorted(got)}, has_memory {sorted(mem)}")
    else:
        res("PASS", f"estimate covers the nodes with memory, and only those: {sorted(got)} (has_memory)")


def policy_counts(text):
    """{(node, size_kb): (count, mandatory)} from a policy's [hugepages SIZE] sections."""
    want, sec, mand = {}, None, {}
    for line in text.splitlines():
        m = re.match(r"\[hugepages (\d+)([MG])\]", line)
        if m:
            sec = int(m.group(1)) * (1024 if m.group(2) == "M" else 1048576)
        elif line.startswith("["):
            sec = None
        elif sec and line.startswith("count"):
            for pair in line.split("=", 1)[1].split(","):
                n, c = pair.strip().split(":")
                want[(int(n), sec)] = int(c)
        elif sec and re.match(r"mandatory\s*=\s*yes", line):
            mand[sec] = True
    return {k: (v, mand.get(k[1], False)) for k, v in want.items()}


def size_label(kb):
    return f"{kb // 1048576}G" if kb >= 1048576 else f"{kb // 1024}M"


def check_policy(dumps, tag):
    """check in four formats against the guest's files (check_formats in lib.sh)."""
    name = f"check {tag}"
    rep = load_json(dumps, f"check.{tag}.json")
    if rep is None:
        return
    hp = hugepage_files(dumps[f"check.{tag}.hp1"])
    rcs = dict(line.split() for line in dumps[f"check.{tag}.rc"].splitlines() if line.strip())
    targets = policy_counts(dumps[f"check.{tag}.policy"])
    text, nag, prom = (dumps[f"check.{tag}.{f}"] for f in ("text", "nagios", "prometheus"))
    bad = []
    # the pools: figures from the files, levels from the policy
    pools = {}
    for (n, kb), (target, mand) in sorted(targets.items()):
        actual = hp.get(NODE_HP % (n, kb))
        if actual is None:
            bad.append(f"no file {NODE_HP % (n, kb)}")
            continue
        level = "ok" if actual >= target else ("crit" if mand else "warn")
        pools[(n, kb)] = (target, actual, max(target - actual, 0), mand, level)
    got = {(p["node"], p["size_kb"]): (p["target"], p["actual"], p["shortfall"], p["mandatory"], p["level"])
           for p in rep["pool_findings"]}
    if got != pools:
        bad.append(f"json pool_findings {got}, from the files and the policy {pools}")
    # the nodes: the index from buddyinfo read before and after (either)
    b1, b2 = node_free(buddyinfo(dumps[f"check.{tag}.b1"])), node_free(buddyinfo(dumps[f"check.{tag}.b2"]))
    nodes = {}
    for f in rep["findings"]:
        n = f["node"]
        want = {unusable(b[n], f["order"]) for b in (b1, b2) if n in b}
        if f["unusable_index"] not in want:
            bad.append(f"node {n}: unusable_index {f['unusable_index']}, buddyinfo gives {sorted(want)}")
        nodes[n] = f["level"]
    levels = [x[4] for x in pools.values()] + list(nodes.values())
    exit_want = 2 if "crit" in levels else 1 if "warn" in levels else 0
    for f, rc in (("text", rcs.get("text")), ("json", rcs.get("json")), ("nagios", rcs.get("nagios")),
                  ("prometheus", rcs.get("prometheus"))):
        if rc != str(exit_want):
            bad.append(f"--format {f} exit {rc}, expected {exit_want}")
    if rep["exit"] != exit_want:
        bad.append(f"json exit {rep['exit']}, expected {exit_want}")
    # text: one line per finding, with the files' figures
    for (n, kb), (target, actual, short, mand, level) in pools.items():
        line = f"node {n:<3d} {level:<5s} {size_label(kb)} pool: {actual} of {target}"
        if short:
            line += f" ({short} short{'; mandatory' if mand else ''})"
        if line not in text:
            bad.append(f"text has no line '{line}'")
    # nagios: the state, the summary and the perfdata of every pool
    first = nag.split("\n", 1)[0]
    state = ["OK", "WARNING", "CRITICAL"][exit_want]
    if not first.startswith(f"BUDDYCTL {state} - "):
        bad.append(f"nagios first line '{first}', expected state {state}")
    perf = dict(p.split("=", 1) for p in first.split(" | ", 1)[-1].split()) if " | " in first else {}
    for (n, kb), (target, actual, short, mand, level) in pools.items():
        want = f"{actual};{'' if mand else f'{target}:'};{f'{target}:' if mand else ''};0"
        if perf.get(f"node{n}_pool_{size_label(kb)}") != want:
            bad.append(f"nagios node{n}_pool_{size_label(kb)}={perf.get(f'node{n}_pool_{size_label(kb)}')}, files say {want}")
        if level != "ok":
            summ = f"{size_label(kb)} pool node {n} {actual}/{target}" + (" (mandatory)" if mand else "")
            if summ not in first.split(" | ")[0]:
                bad.append(f"nagios summary has no '{summ}'")
    # prometheus: target, short, mandatory per pool, level per node
    pm = {}
    for line in prom.splitlines():
        m = re.match(r"(buddyctl_\w+)\{([^}]*)\} (\S+)$", line)
        if m:
            pm[(m.group(1), m.group(2))] = float(m.group(3))
    for (n, kb), (target, actual, short, mand, level) in pools.items():
        lab = f'node="{n}",size="{kb * 1024}"'
        for metric, v in (("buddyctl_hugepages_target", target), ("buddyctl_hugepages_short", short),
                          ("buddyctl_hugepages_mandatory", int(mand))):
            if pm.get((metric, lab)) != v:
                bad.append(f"{metric}{{{lab}}} {pm.get((metric, lab))}, files and policy say {v}")
    for n, level in nodes.items():
        v = pm.get(("buddyctl_node_level", f'node="{n}"'))
        if v != ["ok", "warn", "crit"].index(level):
            bad.append(f"buddyctl_node_level node {n} {v}, json level {level}")
    if bad:
        res("FAIL", f"{name}: findings equal the guest's files in text, json, nagios, prometheus", "; ".join(bad))
    else:
        res("PASS", f"{name}: findings equal the guest's files in text, json, nagios, prometheus (exit {exit_want}; "
            + ", ".join([f"node {n} {lv}" for n, lv in sorted(nodes.items())]
                        + [f"node {n} {size_label(kb)} {v[1]} of {v[0]}" for (n, kb), v in pools.items()]) + ")")
    return rep, nodes, first, text


def check_policy_pools(dumps):
    r = check_policy(dumps, "pools")
    if not r:
        return
    rep = r[0]
    crit = [p for p in rep["pool_findings"] if p["level"] == "crit"]
    if [(p["node"], p["size_kb"], p["mandatory"]) for p in crit] != [(0, 1048576, True)] or rep["exit"] != 2:
        res("FAIL", "check pools: the mandatory 1G target of node 0 is short, exit 2",
            f"crit pools {[(p['node'], p['size_kb']) for p in crit]}, exit {rep['exit']}")
        return
    p = crit[0]
    want = f"1G pool of node 0: {p['actual']} of {p['target']} ({p['shortfall']} short; mandatory)"
    if want not in (rep["exit_reason"] or "") or f"Exit status 2: " not in r[3]:
        res("FAIL", "check pools: the reason names node 0, 1G, target and actual", f"exit_reason {rep['exit_reason']!r}")
    else:
        res("PASS", f"check pools: exit 2, the reason names them: {want}")


def check_policy_node1(dumps):
    r = check_policy(dumps, "node1")
    if not r:
        return
    rep, nodes, first, text = r
    warn = sorted(n for n, lv in nodes.items() if lv != "ok")
    n1 = [f for f in rep["findings"] if f["node"] == 1]
    summary = first.split(" | ")[0]
    if warn != [1] or not n1 or "warn 0.000" not in n1[0]["why"] or "node 1 at" not in summary \
            or "node 0" in summary or rep["exit"] != 1:
        res("FAIL", "check node1: [node 1] warn_unusable = 0 makes node 1 warn, and node 1 only",
            f"not ok: {warn}, node 1 why {n1[0]['why'] if n1 else None!r}, nagios '{summary}', exit {rep['exit']}")
    else:
        res("PASS", f"check node1: [node 1] warn_unusable = 0 makes node 1 warn, and node 1 only ('{summary}')")


def check_diff(dumps):
    """diff of two status captures against buddyinfo read in the same rounds."""
    d = load_json(dumps, "diff.report")
    if d is None:
        return
    a1, a2 = buddyinfo(dumps["state.prediff.buddyinfo"]), buddyinfo(dumps["state.prediff.buddyinfo2"])
    b1, b2 = buddyinfo(dumps["state.postdiff.buddyinfo"]), buddyinfo(dumps["state.postdiff.buddyinfo2"])
    bad, moved = [], {}
    zones = set()
    for n in d["nodes"]:
        for z in n["zones"]:
            k = (n["node"], z["zone"])
            zones.add(k)
            if not matches(z["before"], (a1.get(k), a2.get(k)), a1 == a2) or \
               not matches(z["after"], (b1.get(k), b2.get(k)), b1 == b2):
                bad.append(f"node {k[0]} {k[1]}: before/after are not buddyinfo's")
                continue
            if z["change"] != [y - x for x, y in zip(z["before"], z["after"])]:
                bad.append(f"node {k[0]} {k[1]}: change {z['change']} is not after - before")
            pages = sum(c << o for o, c in enumerate(z["change"]))
            moved[k[0]] = moved.get(k[0], 0) + pages
    if zones != set(a1) or zones != set(b1):
        bad.append(f"zones {sorted(zones)}, buddyinfo {sorted(a1)} and {sorted(b1)}")
    # node 1 gave 64 2M pages: its free pages at orders >= 9 fell
    high1 = sum(c << o for n in d["nodes"] if n["node"] == 1 for z in n["zones"]
                for o, c in enumerate(z["change"]) if o >= 9)
    if high1 >= 0:
        bad.append(f"node 1: free pages at orders >= 9 changed by {high1}, after reserving 64 x 2M")
    if bad:
        res("FAIL", "diff of two status captures equals the change of /proc/buddyinfo", "; ".join(bad))
    else:
        res("PASS", "diff of two status captures equals the change of /proc/buddyinfo in every zone "
            f"(free pages: {', '.join(f'node {n} {v:+d}' for n, v in sorted(moved.items()))}; "
            f"node 1 at orders >= 9 {high1:+d}, 64 x 2M = -32768)")


def check_plan_1g(dumps):
    """plan of a 1G target per node; boot-time advice where the estimate says
    it cannot be met at run time."""
    p = load_json(dumps, "plan.1G")
    if p is None:
        return
    text = dumps.get("plan.1G.text", "")
    acts = [a for a in p["actions"] if a["kind"] == "reserve" and a["size_kb"] == 1048576]
    bad = []
    if [(a["node"], a["requested"]) for a in acts] != [(0, 1), (1, 3)]:
        bad.append(f"1G reserve actions {[(a['node'], a['requested']) for a in acts]}, policy asks 0:1, 1:3")
    for a in acts:
        writes = {s["writes"] for s in a.get("planned_steps", []) if s["step"] in ("write", "retry")}
        if writes != {NODE_HP % (a["node"], 1048576)}:
            bad.append(f"node {a['node']}: the steps write {sorted(writes)}")
        e = a["estimate"]
        need = (a["requested"] - a["planned_from"]) * 1048576
        cannot = a["requested"] > e["after_reclaim"] or need > e["free_kb"]
        if a["boot_time_recommended"] != cannot:
            bad.append(f"node {a['node']}: boot_time_recommended {a['boot_time_recommended']}, but "
                       f"{a['requested']} x 1G against after_reclaim {e['after_reclaim']}, {need} kB needed of {e['free_kb']} free")
    n1 = [a for a in acts if a["node"] == 1]
    if n1 and not n1[0]["boot_time_recommended"]:
        bad.append("node 1 (3 x 1G on 3 GiB): no boot-time advice")
    notes = text.count("note:   boot-time reservation recommended: buddyctl plan --kernel-cmdline")
    if notes != sum(a["boot_time_recommended"] for a in acts):
        bad.append(f"text has {notes} boot-time notes")
    # the free memory the advice weighs is node 1's MemFree, read by the guest
    # right after, plus the pages on the per-CPU lists (MemFree leaves them out)
    mi = re.search(r"MemFree:\s+(\d+) kB", dumps.get("plan.1G.node1-meminfo", ""))
    if not mi:
        bad.append("no node1/meminfo MemFree from the guest")
    elif n1:
        e = n1[0]["estimate"]
        if abs(e["free_kb"] - e["pcp_kb"] - int(mi.group(1))) > 4096:
            bad.append(f"node 1: estimate free_kb {e['free_kb']} less pcp_kb {e['pcp_kb']}, node1/meminfo MemFree {mi.group(1)}")
    if bad:
        res("FAIL", "plan 1G per node", "; ".join(bad))
    else:
        res("PASS", "plan 1G per node: each node's steps write its own 1G pool; boot-time advice on node 1 only: "
            + (n1[0]["boot_time_why"] if n1 else ""))


def figures(text):
    """{key: int} from a cache_figures dump ("Node 1 Inactive(file): N kB" as
    (1, "Inactive(file)"))."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"Node (\d+) (\S+):\s+(\d+)", line)
        if m:
            out[(int(m.group(1)), m.group(2))] = int(m.group(3))
            continue
        m = re.match(r"(\S+?):?\s+(\d+)", line)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


def check_drop(dumps):
    if "drop.node" not in dumps:
        return
    node = int(dumps["drop.node"].split()[1])
    f = [figures(dumps[f"drop.{i}"]) for i in range(4)]
    file_kb = lambda x, n: x[(n, "Active(file)")] + x[(n, "Inactive(file)")]
    made = file_kb(f[1], node) - file_kb(f[0], node)
    if made < 60000:
        res("FAIL", "drop-caches: page cache made on node %d" % node, f"its file pages grew by {made} kB only")
        return
    res("PASS", f"drop-caches: {made} kB of clean page cache made on node {node} (64 MiB written from its CPU)")
    tol = lambda v: 1024 + abs(v) // 50
    for lvl, before, after, count, other, field, glob in (
            ("pagecache", f[1], f[2], "drop_pagecache", "drop_slab", "file_kb", ("Cached", "Buffers")),
            ("slab", f[2], f[3], "drop_slab", "drop_pagecache", "slab_reclaimable_kb", ("SReclaimable",))):
        name = f"drop-caches --level {lvl}"
        r = load_json(dumps, f"drop.{lvl}.json")
        if r is None:
            continue
        rc = dumps[f"drop.{lvl}.rc"].split()[1]
        bad = []
        if rc != "0" or r["exit"] != 0:
            bad.append(f"exit {rc} ({dumps[f'drop.{lvl}.err'].strip()})")
        acts = [(a["kind"], a.get("drop_level"), a.get("status")) for a in r["actions"]]
        if acts != [("drop_caches", 1 if lvl == "pagecache" else 2, "done")] or r["dry_run"]:
            bad.append(f"actions {acts}")
        if after[count] - before[count] != 1 or after[other] != before[other]:
            bad.append(f"{count} {before[count]} -> {after[count]}, {other} {before[other]} -> {after[other]}")
        if r["vmstat_change"].get(count) != 1:
            bad.append(f"the report's vmstat_change {count} is {r['vmstat_change'].get(count)}")
        mc = {m["node"]: m[field] for m in r["memory_change"]}
        per = []
        for n in sorted(mc):
            if lvl == "pagecache":
                want = file_kb(after, n) - file_kb(before, n)
            else:
                want = after[(n, "SReclaimable")] - before[(n, "SReclaimable")]
            per.append(f"node {n} {mc[n]:+d} kB (meminfo {want:+d})")
            if lvl == "slab":
                # the kernel frees dropped dentries and inodes after an RCU
                # grace period, after the write returned: the report (read
                # at once) sees part of what meminfo shows a second later
                if not (want - tol(want) <= mc[n] <= tol(want)):
                    bad.append(f"node {n}: report {field} {mc[n]:+d} kB, not between 0 and node{n}/meminfo's {want:+d} kB a second later")
                # buddyctl waits until SReclaimable stops falling
                # (actions/dropcaches.c): most of it is in the report
                elif n == node and mc[n] > want // 2:
                    bad.append(f"node {n}: report {field} {mc[n]:+d} kB, less than half of node{n}/meminfo's {want:+d} kB a second later")
            elif abs(mc[n] - want) > tol(want):
                bad.append(f"node {n}: report {field} {mc[n]:+d} kB, node{n}/meminfo {want:+d} kB")
        total = sum(after[k] - before[k] for k in glob)
        if lvl == "slab":
            if after[(node, "SReclaimable")] >= before[(node, "SReclaimable")]:
                bad.append(f"node {node}: SReclaimable did not fall a second later")
        elif abs(sum(mc.values()) - total) > tol(total):
            bad.append(f"the nodes' {field} sum to {sum(mc.values()):+d} kB, /proc/meminfo {'+'.join(glob)} {total:+d} kB")
        if lvl == "pagecache" and mc.get(node, 0) > -made * 9 // 10:
            bad.append(f"node {node}: {mc.get(node)} kB dropped of the {made} kB made")
        if lvl == "slab":
            print(f"INFO drop-caches --level slab: node {node} SReclaimable before {before[(node, 'SReclaimable')]} kB, "
                  + "; ".join(dumps.get("drop.slabnow", "").splitlines()))
        if bad:
            res("FAIL", name, "; ".join(bad))
        else:
            res("PASS", f"{name}: exit 0, {count} +1, {other} unchanged; {field}: {', '.join(per)}; "
                f"/proc/meminfo {'+'.join(glob)} {total:+d} kB")


def check_default_1g(lines):
    """Booted with default_hugepagesz=1G: meminfo and vm.nr_hugepages mean 1G, buddyctl warns."""
    text = "\n".join(lines)
    bad = []
    if not re.search(r"^Hugepagesize:\s+1048576 kB$", text, re.M):
        bad.append("meminfo's Hugepagesize is not 1048576 kB")
    got = re.search(r"^nr_hugepages (\d+)$", text, re.M)
    ones = sum(int(m.group(1)) for m in re.finditer(
        r"^/sys/devices/system/node/node\d+/hugepages/hugepages-1048576kB/nr_hugepages (\d+)$", text, re.M))
    if not got or int(got.group(1)) != ones:
        bad.append(f"vm.nr_hugepages {got.group(1) if got else None}, 1G pages {ones}")
    if "kc: # warning: the default hugepage size is 1G (default_hugepagesz=1G on the running command line)" not in text:
        bad.append("buddyctl plan --kernel-cmdline in the booted guest gave no warning of it")
    if bad:
        res("FAIL", "booted with default_hugepagesz=1G: vm.nr_hugepages counts 1G pages, buddyctl warns", "; ".join(bad))
    else:
        res("PASS", f"booted with default_hugepagesz=1G: vm.nr_hugepages counts 1G pages ({ones}), buddyctl warns")


def main():
    a = sys.argv[1:]
    if len(a) == 2 and a[0] == "--cmdline":
        print(kernel_cmdline(parse(a[1])[1]))
        return 0
    if len(a) == 2 and a[0] == "--policy":
        print(parse(a[1])[1].get("kernel-cmdline.policy", ""))
        return 0
    if len(a) == 3 and a[0] == "--booted":
        _, dumps = parse(a[1])
        lines, _ = parse(a[2])
        pools = {}
        for line in lines:
            m = re.match(r"/sys/devices/system/node/node(\d+)/hugepages/hugepages-(\d+)kB/nr_hugepages (\d+)$", line)
            if m:
                pools[(int(m.group(1)), int(m.group(2)))] = int(m.group(3))
        want = {k: c for k, (c, _) in policy_counts(dumps.get("kernel-cmdline.policy", "")).items()}
        bad = {k: (v, pools.get(k)) for k, v in want.items() if pools.get(k) != v}
        if not pools or not want or bad:
            res("FAIL", "plan --kernel-cmdline booted reserves what the policy asked",
                f"(target, pool) {bad}" if bad else "no pools or no targets read")
        else:
            res("PASS", f"plan --kernel-cmdline booted reserves what the policy asked ({want})")
        check_default_1g(lines)
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
    if "estimate.all" in dumps:
        check_estimate_nodes(dumps)
    if layout == "two-node":
        check_reserve(dumps, "reserve.1G.report", {(0, 1048576): 1, (1, 1048576): 1})
        check_apply(dumps)
        check_diff(dumps)
        check_plan_1g(dumps)
        check_policy_pools(dumps)
        check_policy_node1(dumps)
        check_drop(dumps)
        if "kernel-cmdline" in dumps:
            check_kernel_cmdline_advice(dumps)
    if not any(k == "PASS" for k, _, _ in results):
        res("FAIL", f"{layout}", "the guest proved nothing")
    return 1 if any(k == "FAIL" for k, _, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())
