#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# map-bench.sh [BUDDYCTL] [RUNS] -- time and memory of `buddyctl map`:
#  1. on this machine (as root): `map --size 1G` against one thread reading
#     /proc/kpageflags whole (dd bs=1M), alternating, RUNS times each;
#  2. on trees bench/gen-map-tree.py makes of 64 GiB, 256 GiB and 1 TiB
#     (kpageflags of 128 MiB to 2 GiB, in $TMPDIR, each deleted after its
#     runs): `map --size 1G` and `--size 2M`, and cat of the same kpageflags.
# Prints the median wall time and the largest maximum RSS (/usr/bin/time)
# of each as a Markdown table, for bench/MAP.md. MAP_BENCH_SIZES changes the
# trees ("64 256 1024", GiB; "" for this machine only).
set -u
bin=${1:-./buddyctl}
runs=${2:-5}
sizes=${MAP_BENCH_SIZES-64 256 1024}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/map-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
[ -x /usr/bin/time ] || { echo "map-bench: needs /usr/bin/time (Debian: time)" >&2; exit 1; }

# measure NAME CMD...: one run, "SECONDS KB" appended to $tmp/NAME
measure() {
	name=$1
	shift
	/usr/bin/time -f '%e %M' -o "$tmp/t" "$@" > /dev/null 2>&1 || { echo "map-bench: $* failed" >&2; exit 1; }
	cat "$tmp/t" >> "$tmp/$name"
}

# row LABEL NAME: "| LABEL | median s | max RSS KiB |" of $tmp/NAME
row() {
	med=$(cut -d' ' -f1 "$tmp/$2" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	rss=$(cut -d' ' -f2 "$tmp/$2" | sort -n | tail -n 1)
	printf '| %s | %s | %s |\n' "$1" "$med" "$rss"
	rm -f "$tmp/$2"
}

echo "map-bench: $(uname -r), $(nproc) CPUs, $(date -u +%Y-%m-%d), $runs runs each, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| what | median s | max RSS KiB |"
echo "|---|---|---|"
if [ "$(id -u)" = 0 ] && [ -r /proc/kpageflags ]; then
	i=0
	while [ $i -lt "$runs" ]; do
		measure dd dd if=/proc/kpageflags of=/dev/null bs=1M
		measure live "$bin" map --size 1G
		i=$((i + 1))
	done
	row "this machine ($(awk '/^MemTotal/ { print int($2 / 1048576 + 0.5) }' /proc/meminfo) GiB): dd if=/proc/kpageflags bs=1M" dd
	row "this machine: buddyctl map --size 1G" live
else
	echo "| this machine | not root: skipped | |"
fi
for gib in $sizes; do
	nodes=$((gib / 32))
	[ "$nodes" -ge 1 ] || nodes=1
	python3 bench/gen-map-tree.py "$gib" "$nodes" "$tmp/tree" || exit 1
	i=0
	while [ $i -lt "$runs" ]; do
		measure cat cat "$tmp/tree/proc/kpageflags"
		measure g1 "$bin" map --root "$tmp/tree" --size 1G
		measure g2 "$bin" map --root "$tmp/tree" --size 2M
		i=$((i + 1))
	done
	row "$gib GiB, $nodes nodes: cat kpageflags ($((gib * 2)) MiB)" cat
	row "$gib GiB, $nodes nodes: buddyctl map --size 1G" g1
	row "$gib GiB, $nodes nodes: buddyctl map --size 2M" g2
	rm -rf "$tmp/tree"
done
