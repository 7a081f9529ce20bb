#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Show that check.py's assertions can fail: change one figure at a time in
a saved guest output and expect the named FAIL.

  mutate.py [DIR]    DIR holds the outputs of `make vmcheck` (build/vm)

Each change is one figure the guest read (a pool file, an exit status, a
perfdata value, a buddyinfo count, a meminfo line, ...). Prints "caught" or
"MISSED" per change, and "mutate: N caught, N missed, N not applicable";
exits 1 when one was missed. Layouts whose output is missing are left out.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def plus(n):
    return lambda m: m.group(1) + str(int(m.group(2)) + n)


# (layout, what, dumps to change (all of them), pattern, replacement, FAIL text expected)
CHANGES = [
    ("two-node", "check pools: node 0's 1G pool file", ["check.pools.hp1"],
     r"(node0/hugepages/hugepages-1048576kB/nr_hugepages )(\d+)", plus(1), "check pools"),
    ("two-node", "check pools: nagios exit status", ["check.pools.rc"], r"nagios 2", "nagios 0", "check pools"),
    ("two-node", "check pools: prometheus short", ["check.pools.prometheus"],
     r'(short\{node="0",size="1073741824"\} )(\d+)', plus(1), "check pools"),
    ("two-node", "check pools: prometheus mandatory", ["check.pools.prometheus"],
     r'(mandatory\{node="0",size="1073741824"\} )1', r"\g<1>0", "check pools"),
    ("two-node", "check pools: prometheus target", ["check.pools.prometheus"],
     r'(target\{node="1",size="2097152"\} )(\d+)', plus(1), "check pools"),
    ("two-node", "check pools: nagios perfdata", ["check.pools.nagios"], r"(node1_pool_2M=)(\d+)", plus(-1), "check pools"),
    ("two-node", "check pools: nagios state", ["check.pools.nagios"], r"BUDDYCTL CRITICAL", "BUDDYCTL WARNING", "check pools"),
    ("two-node", "check pools: text figure", ["check.pools.text"], r"(1G pool: )(\d+)", plus(1), "check pools"),
    ("two-node", "check pools: json actual", ["check.pools.json"], r'("size_kb":1048576,"level":"crit","target":\d+,"actual":)(\d+)', plus(1), "check pools"),
    ("two-node", "check pools: exit_reason's node", ["check.pools.json"], r"1G pool of node 0", "1G pool of node 1", "check pools"),
    ("two-node", "check node1: node 0 at warn", ["check.node1.json"], r'"node":0,"level":"ok"', '"node":0,"level":"warn"', "check node1"),
    ("two-node", "check node1: nagios names node 0", ["check.node1.nagios"], r"BUDDYCTL WARNING - ", "BUDDYCTL WARNING - node 0 at 2M, ", "check node1"),
    ("two-node", "check node1: unusable index", ["check.node1.json"], r'("node":1,"level":"warn","order":9,"unusable_index":)(\d+)', plus(7), "check node1"),
    ("two-node", "check node1: json exit", ["check.node1.json"], r'"exit":1,', '"exit":0,', "check node1"),
    ("two-node", "diff: node 0 buddyinfo after", ["state.postdiff.buddyinfo", "state.postdiff.buddyinfo2"],
     # order 5: orders 0-3 may move by a per-CPU batch when the guest never held still (check.py matches())
     r"(Node 0, zone\s+Normal(?:\s+\d+){5}\s+)(\d+)", plus(1), "diff of two"),
    ("two-node", "diff: a change", ["diff.report"], r'"change":\[0,', '"change":[1,', "diff of two"),
    ("two-node", "plan 1G: no boot-time advice", ["plan.1G"], r'"boot_time_recommended":true', '"boot_time_recommended":false', "plan 1G"),
    ("two-node", "plan 1G: another node's file", ["plan.1G"], r"node1/hugepages/hugepages-1048576kB", "node0/hugepages/hugepages-1048576kB", "plan 1G"),
    ("two-node", "plan 1G: the text note", ["plan.1G.text"], r"note:   boot-time", "note:   boot time", "plan 1G"),
    ("two-node", "plan 1G: MemFree", ["plan.1G.node1-meminfo"], r"(MemFree:\s+)(\d+)", plus(9000), "plan 1G"),
    ("two-node", "drop: node 1's file pages after", ["drop.2"], r"(Node 1 Inactive\(file\):\s+)(\d+)", plus(5000), "drop-caches --level pagecache"),
    ("two-node", "drop: Cached after", ["drop.2"], r"(Cached:\s+)(\d+)", plus(9000), "drop-caches --level pagecache"),
    ("two-node", "drop: drop_pagecache not moved", ["drop.2"], r"drop_pagecache (\d+)", "drop_pagecache 0", "drop-caches --level pagecache"),
    ("two-node", "drop: drop_slab moved by pagecache", ["drop.2"], r"(drop_slab )(\d+)", plus(1), "drop-caches"),
    ("two-node", "drop: exit status", ["drop.pagecache.rc"], r"rc 0", "rc 2", "drop-caches --level pagecache"),
    ("two-node", "drop: the level", ["drop.slab.json"], r'"drop_level":2', '"drop_level":3', "drop-caches --level slab"),
    ("two-node", "drop: slab not fallen", ["drop.3"], r"(Node 1 SReclaimable:\s+)(\d+)", r"\g<1>99999", "drop-caches --level slab"),
    ("two-node", "drop: no cache made", ["drop.1"], r"(Node 1 Inactive\(file\):\s+)(\d+)", r"\g<1>100", "drop-caches: page cache made"),
    ("two-node", "apply: exit 2 for a short pool", ["apply.report"], r'"exit":1,', '"exit":2,', "apply's report"),
    ("memoryless", "estimate: the memoryless node in has_memory", ["estimate.all.has_memory"], r"^0,2", "0-2", "estimate covers"),
    ("four-node", "estimate: node 3 left out", ["estimate.all"], r'\{"node":3,', '{"node":1,', "estimate covers"),
]


def change(text, dump, pat, rep):
    head = f"@@DUMP {dump}@@\n"
    a = text.find(head)
    if a < 0:
        return None
    a += len(head)
    b = text.index("@@END@@", a)
    count = 0 if dump == "estimate.all" else 1
    body = re.sub(pat, rep, text[a:b], count=count, flags=re.M)
    return None if body == text[a:b] else text[:a] + body + text[b:]


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "build/vm"
    caught = missed = na = 0
    tmp = os.path.join(d, "mutated.out")
    for layout, what, dumps, pat, rep, want in CHANGES:
        src = os.path.join(d, f"{layout}.out")
        if not os.path.exists(src):
            na += 1
            continue
        text = open(src, encoding="utf-8", errors="replace").read()
        for dump in dumps:
            text = text and change(text, dump, pat, rep)
        if not text:
            print(f"n/a    {layout}: {what}: not in this output")
            na += 1
            continue
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        out = subprocess.run([sys.executable, os.path.join(HERE, "check.py"), layout, tmp],
                             capture_output=True, text=True).stdout
        fails = [x for x in out.splitlines() if x.startswith("FAIL") and want in x]
        if fails:
            caught += 1
            print(f"caught {layout}: {what}: {fails[0][:160]}")
        else:
            missed += 1
            print(f"MISSED {layout}: {what}")
    if os.path.exists(tmp):
        os.unlink(tmp)
    print(f"mutate: {caught} caught, {missed} missed, {na} not applicable")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
