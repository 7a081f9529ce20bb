#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gen-map-tree.py GIB NODES DEST -- a --root tree of GIB GiB for `buddyctl map`.

For bench/map-bench.sh: NODES nodes of GIB / NODES GiB each (node 0 has DMA,
DMA32 and Normal, the others Normal), 4K pages, 2M and 1G hugepage sizes,
and proc/kpageflags and proc/kpagecgroup of 8 bytes a page frame (a 1 TiB
tree: 2 GiB each). The flags repeat four 1 GiB patterns of what an
ordinary server shows (KERNEL.md section 14): all free; free with LRU pages;
free and LRU with a few slab and page-table pages; free with flag-less
pages, some charged to a cgroup. kpagecgroup is a sparse file but where
those charged pages are. Written in blocks of one pattern: about as fast as
the disk, and the same tree for the same arguments.
"""
import os
import struct
import sys

GIB_PAGES = 1 << 18
BUDDY, LRU_ANON, SLAB, PGTABLE = 0x400, 0x5868, 0x80, 0x4000000


def pattern(kind):
    words = [BUDDY] * GIB_PAGES
    cg = {}
    if kind >= 1:
        for i in range(0, GIB_PAGES, 4):        # a quarter LRU
            words[i] = LRU_ANON
    if kind == 2:
        for i in range(1, GIB_PAGES, 4099):     # slab and page tables, scattered
            words[i] = SLAB
        for i in range(3, GIB_PAGES, 65537):
            words[i] = PGTABLE
    if kind == 3:
        for i in range(2, GIB_PAGES, 997):      # flag-less; every 7th charged
            words[i] = 0
            if (i // 997) % 7 == 0:
                cg[i] = 23
    return struct.pack(f"<{GIB_PAGES}Q", *words), cg


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def zone(node, name, start, spanned):
    return (f"Node {node}, zone {name:>8}\n  pages free     {spanned // 2}\n"
            f"        min      16\n        low      20\n        high     24\n"
            f"        spanned  {spanned}\n        present  {spanned}\n        managed  {spanned}\n"
            f"        protection: (0, 0, 0, 0)\n  pagesets\n    cpu: 0\n              count:    0\n"
            f"  node_unreclaimable:  0\n  start_pfn:           {start}\n")


def main():
    gib, nodes, dest = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    if gib % nodes or gib // nodes < 4:
        sys.exit("gen-map-tree.py: GIB must be NODES times 4 or more")
    per = gib // nodes * GIB_PAGES
    pats = [pattern(k) for k in range(4)]
    os.makedirs(f"{dest}/proc", exist_ok=True)
    with open(f"{dest}/proc/kpageflags", "wb") as f, open(f"{dest}/proc/kpagecgroup", "wb") as g:
        for k in range(gib):
            words, cg = pats[(k * 7 + k // 3) % 4]
            f.write(words)
            for i, v in cg.items():
                g.seek((k * GIB_PAGES + i) * 8)
                g.write(struct.pack("<Q", v))
        g.truncate(gib * GIB_PAGES * 8)
    zi, bi = "", ""
    for n in range(nodes):
        start = n * per
        zs = [("DMA", 1, 4095), ("DMA32", 4096, 1044480), ("Normal", 1 << 20, per - (1 << 20))] if n == 0 \
            else [("Normal", start, per)]
        for name, s, span in zs:
            zi += zone(n, name, s, span)
            bi += f"Node {n}, zone {name:>8} " + " ".join(f"{x:6d}" for x in [0] * 10 + [span // 2048]) + " \n"
    write(f"{dest}/proc/zoneinfo", zi)
    write(f"{dest}/proc/buddyinfo", bi)
    write(f"{dest}/proc/meminfo", f"MemTotal: {gib << 20} kB\nMemFree: {gib << 19} kB\nHugepagesize: 2048 kB\n")
    write(f"{dest}/proc/sys/kernel/osrelease", "6.1.0-57-cloud-amd64\n")
    nd = f"{dest}/sys/devices/system/node"
    lst = f"0-{nodes - 1}\n" if nodes > 1 else "0\n"
    for name in ("online", "possible", "has_memory", "has_cpu", "has_normal_memory"):
        write(f"{nd}/{name}", lst)
    for n in range(nodes):
        write(f"{nd}/node{n}/meminfo", f"Node {n} MemTotal: {(gib // nodes) << 20} kB\n"
              f"Node {n} MemFree: {(gib // nodes) << 19} kB\n")
        for size in ("2048", "1048576"):
            for f in ("nr_hugepages", "free_hugepages", "surplus_hugepages"):
                write(f"{nd}/node{n}/hugepages/hugepages-{size}kB/{f}", "0\n")
    for size in ("2048", "1048576"):
        for f in ("nr_hugepages", "nr_hugepages_mempolicy", "free_hugepages", "resv_hugepages",
                  "surplus_hugepages", "nr_overcommit_hugepages"):
            write(f"{dest}/sys/kernel/mm/hugepages/hugepages-{size}kB/{f}", "0\n")


if __name__ == "__main__":
    main()
