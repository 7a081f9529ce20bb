#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# truth.sh [BOOTS] [SCENARIO...] -- `make vmtruth`: boots the two-node guest
# (2 x 3 GiB) BOOTS times (default 3) per scenario (default all: idle slab
# memmap mlock mlockthp pool churn), runs tests/vm/guest/truth.sh in it, and has
# tests/vm/truth.py compare, per node and size (1G, 2M), what `buddyctl map`
# said can be had with what the kernel then granted. Prints one PASS/FAIL line
# per node, size and boot and a table (also in build/vm/truth/truth.md;
# TRUTH_OUT= another folder).
# Exit 0 when nothing failed, 1 else; 77 when the guests cannot run here.
set -u
cd "$(dirname "$0")/../.." || exit 1
VM=tests/vm
OUT=${TRUTH_OUT:-build/vm/truth}
BIN=${BUDDYCTL_STATIC:-build/static/buddyctl}
LOAD=build/static/truthload

# truth_append SCENARIO: the scenario's kernel command line. memmap: 64 MiB
# at 5.25 GiB (2 MiB-aligned: no struct pages, a hole) and 1 MiB at 5.5 GiB +
# 1 MiB (half a 2 MiB subsection: struct pages marked reserved), both in node
# 1's otherwise free 5-6 GiB range
truth_append() {
	case $1 in
	memmap) echo 'memmap=64M$0x150000000 memmap=1M$0x160100000' ;;
	esac
}

BOOTS=3
case ${1:-} in
[0-9]*) BOOTS=$1; shift ;;
--print-append) truth_append "${2:-}"; exit 0 ;;	# for capture-map.sh
esac
SCENARIOS=${*:-idle slab memmap mlock mlockthp pool churn}

for f in "$BIN" "$LOAD"; do
	[ -x "$f" ] || { echo "truth: $f missing (make $f)" >&2; exit 1; }
done
command -v python3 > /dev/null || { echo "== truth: SKIPPED (no python3)"; exit 77; }
mkdir -p "$OUT" || exit 1
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/vmtruth.XXXXXX") || exit 1
trap 'rm -rf "$STAGE"' EXIT
trap 'exit 130' INT TERM HUP
cp "$BIN" "$STAGE/buddyctl" && cp "$LOAD" "$STAGE/truthload" && cp "$VM"/guest/*.sh "$STAGE/" || exit 1

start=$(date +%s)
outs=
for s in $SCENARIOS; do
	i=1
	while [ $i -le "$BOOTS" ]; do
		t0=$(date +%s)
		GUEST_NUMA='0:3072 1:3072' GUEST_APPEND=$(truth_append "$s") \
			sh "$VM/run-guest.sh" "$STAGE" "sh truth.sh $s" > "$OUT/$s-$i.out" 2> "$OUT/$s-$i.err"
		rc=$?
		if [ $rc = 77 ]; then
			echo "== truth: SKIPPED ($(sed -n 's/^SKIP: //p' "$OUT/$s-$i.err" | head -n 1))"
			exit 77
		fi
		echo "== truth $s boot $i: guest exit $rc, $(($(date +%s) - t0)) s"
		[ $rc = 125 ] && sed 's/^/  /' "$OUT/$s-$i.err" | tail -n 5
		outs="$outs $OUT/$s-$i.out"
		i=$((i + 1))
	done
done
echo "== truth boots took $(($(date +%s) - start)) s"
# shellcheck disable=SC2086
python3 "$VM/truth.py" --table "$OUT/truth.md" $outs
