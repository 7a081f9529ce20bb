#!/bin/sh
# gen-worst.sh DEST -- the largest inputs buddyctl's caps let through, for
# bench/captures-bench.sh and the tests that they are read (test_snapshot,
# test_diff). POSIX sh + awk only. The caps: a capture or status JSON of at
# most 8 MiB (CAPTURE_MAX), node ids up to 65535 (BC_MAX_NODE_ID), 65,536
# zones in all (BC_MAX_SNAPSHOT_ZONES), 16 zones a node, 32 orders.
#
#   DEST/capture-desc.txt   65,536 buddyinfo lines, one zone on each of the
#                           most nodes there can be, node ids descending (the
#                           order that inserting in place made quadratic),
#                           32 order columns (5.9 MB)
#   DEST/capture-zones.txt  4,096 nodes of 16 zones: the most zones, 32 orders
#   DEST/capture-paste.txt  capture-desc.txt as a mail quoted it: a prompt
#                           line, '> ' before every line, CRLF (6.4 MB)
#   DEST/capture-over.txt   one zone more than the cap: refused
#   DEST/status-asc.json    status JSON of 65,536 nodes in id order, one zone
#                           each, 14 orders (arm64 64K's: 32 would not fit in
#                           8 MiB), a verdict each (7.6 MB)
#   DEST/status-desc.json   the same nodes in descending order, other counts
#
# DEST is created if missing; the files in it are replaced.
set -eu
dest=${1:?usage: gen-worst.sh DEST}
mkdir -p "$dest"

# 65,536 buddyinfo lines, node ids descending, one zone each
awk -v nodes=65536 -v zones=1 -v dir=down 'BEGIN {
	for (i = 0; i < nodes; i++) {
		n = dir == "down" ? nodes - 1 - i : i
		for (z = 0; z < zones; z++) {
			line = sprintf("Node %d, zone %8s ", n, z ? "Z" z : "Normal")
			for (o = 0; o < 32; o++)
				line = line sprintf("%d ", (n + o) % 3)
			print line
		}
	}
}' > "$dest/capture-desc.txt"

awk 'BEGIN {
	for (n = 0; n < 4096; n++)
		for (z = 0; z < 16; z++) {
			line = sprintf("Node %d, zone %8s ", n, "Z" z)
			for (o = 0; o < 32; o++)
				line = line sprintf("%d ", (n + z + o) % 5)
			print line
		}
}' > "$dest/capture-zones.txt"

{
	printf '> $ cat /proc/buddyinfo\r\n'
	awk '{ printf "> %s\r\n", $0 }' "$dest/capture-desc.txt"
	printf '>\r\n'
} > "$dest/capture-paste.txt"

{
	cat "$dest/capture-zones.txt"
	echo "Node 4096, zone   Normal 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 "
} > "$dest/capture-over.txt"

# status JSON as buddyctl writes it, reduced to what diff reads
status_json() {
	awk -v dir="$1" -v add="$2" 'BEGIN {
		printf "{\"schema\":1,\"page_size\":4096,\"orders\":14,\"hugepage_order\":9,\"nodes\":["
		for (i = 0; i < 65536; i++) {
			n = dir == "down" ? 65535 - i : i
			printf "%s\n{\"node\":%d,\"zones\":[{\"zone\":\"Normal\",\"free_blocks\":[", i ? "," : "", n
			for (o = 0; o < 14; o++)
				printf "%s%d", o ? "," : "", (n + o + add) % 3
			printf "]}],\"verdict\":{\"text\":\"node %d\"}}", n
		}
		print "]}"
	}'
}
status_json up 0 > "$dest/status-asc.json"
status_json down 1 > "$dest/status-desc.json"
