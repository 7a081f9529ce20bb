#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden outputs of `buddyctl map` on the map's trees (build/fixtures/map/*,
# made by `make map-fixtures` from tests/fixtures/map/): text and Prometheus
# at 2M and 1G for every tree, JSON where it is short (1G, and the generated
# tree at 2M), compared with tests/expected/map/TREE-SIZE.FORMAT; what varies
# between runs is masked (the JSON's time, the Prometheus time and duration).
#   tests/map_golden.sh BUDDYCTL            compare
#   tests/map_golden.sh BUDDYCTL --update   rewrite them (review the diff!)
#   tests/map_golden.sh BUDDYCTL --oracle   check every tree and size against
#                                           tests/fixtures/map/check-map.py, and
#                                           the trees with truth-grants against
#                                           the kernel's grants (tests/vm/truth.py)
# With --update, each tree and size is first checked by check-map.py (the map
# worked out from the tree's files without buddyctl); when that fails, or
# python3 is missing, none of that tree's goldens is written.
set -u
bin=${1:?usage: map_golden.sh BUDDYCTL [--update|--oracle]}
mode=${2:-}
exp=tests/expected/map
fail=0 n=0
record() {	# for make check's summary (tests/check-summary.sh)
	[ -z "${BUDDYCTL_CHECKDIR:-}" ] ||
		printf 'map golden outputs\tmap_golden.sh %s\t%s\t%s\t0\t%s\n' "$bin" "$n" "$((n - fail))" "$fail" \
			>> "$BUDDYCTL_CHECKDIR/results"
}
mask() {	# when the map was read and how long it took
	sed -e '1s/"time":"[^"]*"/"time":"TIME"/' \
	    -e 's/^\(buddyctl_map_[a-z]*_seconds\) [0-9.]*$/\1 TIME/'
}
trees=$(ls -d build/fixtures/map/*/ 2>/dev/null)
[ -n "$trees" ] || { echo "map golden: no tree under build/fixtures/map: run make map-fixtures"; exit 1; }
if [ "$mode" = --oracle ]; then
	for tree in $trees; do
		for size in 2M 1G; do
			python3 tests/fixtures/map/check-map.py --bin "$bin" "${tree%/}" "$size" ||
				fail=$((fail + 1))
			n=$((n + 1))
		done
	done
	# trees captured with a truth scenario: the map against what the kernel
	# granted right after the capture (tests/vm/truth.py --tree)
	for tree in $trees; do
		[ -f "${tree}truth-grants" ] || continue
		python3 tests/vm/truth.py --tree "$bin" "${tree%/}" || fail=$((fail + 1))
		n=$((n + 1))
	done
	echo "map oracle: $((n - fail)) passed, $fail failed"
	[ "$fail" = 0 ]
	exit
fi
if [ "$mode" = --update ]; then
	command -v python3 >/dev/null ||
		{ echo "map golden: --update refused: python3 checks the outputs first"; exit 1; }
	mkdir -p "$exp"
fi
for tree in $trees; do
	tree=${tree%/}
	name=${tree##*/}
	for size in 2M 1G; do
		if [ "$mode" = --update ] &&
		   ! python3 tests/fixtures/map/check-map.py --bin "$bin" "$tree" "$size"; then
			echo "map golden: $name $size: not written, the map disagrees with the oracle"
			fail=$((fail + 1))
			continue
		fi
		fmts="text prometheus"
		[ "$size" = 1G ] || [ "$name" = classes ] && fmts="$fmts json"
		for fmt in $fmts; do
			file=$exp/$name-$size.$fmt
			# when the map was read and how long it took vary from run to run
			out=$(NO_COLOR=1 "$bin" map --root "$tree" --size "$size" --format "$fmt" 2>&1; echo "exit=$?")
			out=$(printf '%s\n' "$out" | mask)
			n=$((n + 1))
			if [ "$mode" = --update ]; then
				printf '%s\n' "$out" > "$file"
			elif ! printf '%s\n' "$out" | diff -u "$file" - >/dev/null 2>&1; then
				echo "map golden: $name $size $fmt differs from $file:"
				printf '%s\n' "$out" | diff -u "$file" - | head -20
				fail=$((fail + 1))
			fi
		done
	done
done
echo "map golden: $((n - fail)) passed, $fail failed"
[ "$mode" = --update ] || record
[ "$fail" = 0 ]
