# SPDX-License-Identifier: GPL-2.0-or-later
# truth.sh SCENARIO [SIZES] -- run by busybox sh in a QEMU guest (tests/vm/truth.sh,
# and once by vmcheck.sh): puts a known blocker in place, then for each size
# and memory node reads `buddyctl map` of the node and asks the kernel for more
# pages than the map says can be had; tests/vm/truth.py compares the two.
#   SCENARIO  idle | slab | memmap | mlock | mlockthp | pool | churn (tests/vm/README.md,
#             "Truth"); memmap's range is on the kernel command line
#   SIZES     "1G 2M" (default), or one of them
# Per node and size it prints
#   GRANT size=S node=N before=B asked=A got=G restored=R
# after dumping the map (truth.S.N.map) and the estimate (truth.S.N.estimate);
# 2M is asked after `nodeN/compact`, with /proc/zoneinfo dumped (truth.zoneinfo.N)
# for the watermarks. Every pool is put back to what it was before.
# CAPTURE=1 (tests/fixtures/map/capture-map.sh): right after the set-up, a
# --root tree of the guest (capture.sh with its kpageflags) goes out as base64
# between @@TREE@@ and @@TREE-END@@, before the sizes are asked.
. ./lib.sh
S=${1:-idle}
SIZES=${2:-1G 2M}
LOAD=./truthload
KEEP=

# the nodes of a kernel node list (0-1,3)
expand_list() {
	echo "$1" | tr ',' '\n' | while IFS=- read -r a b; do
		[ -n "$a" ] || continue
		i=$a
		while [ "$i" -le "${b:-$a}" ]; do echo "$i"; i=$((i + 1)); done
	done
}
MEM_NODES=$(expand_list "$(cat $NODES/has_memory)" | tr "\n" " ")

# wait_ready FILE: until the loader in the background printed "ready"
wait_ready() {
	n=0
	while ! grep -q '^ready' "$1" 2> /dev/null; do
		n=$((n + 1))
		[ $n -lt 600 ] || { fail "truth $S set-up" "$1 never became ready"; finish; }
		sleep 1
	done
	cat "$1"
}

hp() { echo "$NODES/node$1/hugepages/hugepages-$2kB/nr_hugepages"; }

setup() {
	case $S in
	idle|memmap) ;;
	slab)	# fill both nodes with anonymous memory, make dentries and inodes
		# from both nodes' CPUs while it is there (the slab lands wherever
		# memory is left), then free the anonymous memory
		taskset 1 $LOAD anon "${FILL_MB:-2300}" > /tmp/fill0 & f0=$!
		taskset 2 $LOAD anon "${FILL_MB:-2300}" > /tmp/fill1 & f1=$!
		wait_ready /tmp/fill0; wait_ready /tmp/fill1
		taskset 1 $LOAD files /tmp/d0 "${FILES:-60000}" 2 & m0=$!
		taskset 2 $LOAD files /tmp/d1 "${FILES:-60000}" 2
		wait $m0
		kill $f0 $f1; wait $f0 $f1 2> /dev/null
		sleep 2 ;;
	mlock)	# mlocked anonymous memory from node 1's CPU
		taskset 2 $LOAD anon "${MLOCK_MB:-1536}" lock > /tmp/mlock & KEEP=$!
		wait_ready /tmp/mlock ;;
	mlockthp) # the same in THPs: one page-table page per GiB, not per 2 MiB
		taskset 2 $LOAD anon "${MLOCK_MB:-1536}" lock thp > /tmp/mlock & KEEP=$!
		wait_ready /tmp/mlock ;;
	pool)	# a 2M pool already holding pages on node 1
		echo "${POOL:-700}" > "$(hp 1 2048)"
		echo "INFO pool: node 1 2M pool $(nr 1 2048)" ;;
	churn)	# fill node 1 with 2M pool pages, then give them all back
		echo 1500 > "$(hp 1 2048)"
		echo "INFO churn: node 1 2M pool filled to $(nr 1 2048)"
		echo 0 > "$(hp 1 2048)"
		echo "INFO churn: node 1 2M pool emptied to $(nr 1 2048)" ;;
	*)	fail "truth" "unknown scenario '$S'"; finish ;;
	esac
}

# grant SIZE KB NODE MORE: the map, then a write of MORE above the pool, read
# back, put back
grant() {
	# the estimate first: the map is read last, right before the write
	$B estimate "$1" --node "$3" -f json > /tmp/est.json 2> /dev/null
	$B map --node "$3" --size "$1" -f json > /tmp/map.json 2> /tmp/map.err ||
		fail "truth $S map $1 node $3" "exit $?: $(cat /tmp/map.err)"
	dump "truth.$1.$3.map" /tmp/map.json
	dump "truth.$1.$3.estimate" /tmp/est.json
	g_before=$(nr "$3" "$2")
	g_ask=$((g_before + $4))
	echo "$g_ask" > "$(hp "$3" "$2")"
	g_got=$(nr "$3" "$2")
	echo "$g_before" > "$(hp "$3" "$2")"
	echo "GRANT size=$1 node=$3 before=$g_before asked=$g_ask got=$g_got restored=$(nr "$3" "$2")"
}

echo "INFO truth scenario $S, kernel $(uname -r), nodes with memory: $MEM_NODES"
section "set-up $S"
setup
grep -E '^(MemFree|SUnreclaim|SReclaimable|Mlocked|PageTables|HugePages_Total)' /proc/meminfo |
	tr -s ' ' | tr '\n' ';' | sed 's/^/INFO meminfo: /'; echo
if [ -n "${CAPTURE:-}" ]; then
	CAPTURE_PAGEFLAGS=1 CAPTURE_NOFORK=1 sh capture.sh /tmp/cap 2> /tmp/cap.log ||
		{ cat /tmp/cap.log; fail "truth $S capture" "capture.sh failed"; finish; }
	echo @@TREE@@; tar czf - -C /tmp/cap . | base64; echo @@TREE-END@@
fi
for size in $SIZES; do
	section "$size"
	case $size in
	1G) for n in $MEM_NODES; do grant 1G 1048576 "$n" 8; done ;;
	2M) for n in $MEM_NODES; do
		echo 1 > "$NODES/node$n/compact"
		dump "truth.zoneinfo.$n" /proc/zoneinfo
		grant 2M 2048 "$n" 2048
	    done ;;
	esac
done
[ -z "$KEEP" ] || { kill "$KEEP"; wait "$KEEP" 2> /dev/null; }
section done
finish
