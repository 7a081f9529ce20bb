#!/bin/sh
# Golden command-line outputs: `buddyctl status` against every fixture tree in
# all three formats (judged by tests/policies/defaults.conf, not the host's
# policy), compared with tests/expected/<tree>.<format>. The time of
# the snapshot is the only thing that varies between runs; it is masked.
#   tests/cli_golden.sh BUDDYCTL          compare
#   tests/cli_golden.sh BUDDYCTL --update rewrite the expected files (review the diff!)
# With --update, a tree's three outputs are first checked against the tree's own
# files by tests/fixtures/check-golden.py (figures worked out without buddyctl);
# when that check fails, or python3 is missing, no golden of that tree is written.
set -u
bin=${1:?usage: cli_golden.sh BUDDYCTL [--update]}
update=${2:-}
fail=0 n=0
if [ "$update" = --update ]; then
	command -v python3 >/dev/null ||
		{ echo "golden: --update refused: python3 is needed to check the outputs first (sh .ci/deps installs it)"; exit 1; }
	tmp=$(mktemp -d /tmp/buddyctl-golden.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
fi
record() {	# for make check's summary (tests/check-summary.sh)
	[ -z "${BUDDYCTL_CHECKDIR:-}" ] ||
		printf 'golden outputs\tcli_golden.sh %s\t%s\t%s\t0\t%s\n' "$bin" "$n" "$((n - fail))" "$fail" \
			>> "$BUDDYCTL_CHECKDIR/results"
}
mask() {
	sed -e 's/^[0-9-]* [0-9:]* UTC  /TIME  /' \
	    -e 's/"time":"[^"]*","time_unix":[0-9.]*/"time":"TIME","time_unix":0/' \
	    -e 's/^buddyctl_snapshot_timestamp_seconds .*/buddyctl_snapshot_timestamp_seconds TIME/'
}
for tree in tests/fixtures/*/; do
	tree=${tree%/}
	name=${tree##*/}
	[ -d "$tree/proc" ] || continue
	for fmt in text json prometheus; do
		exp=tests/expected/$name.$fmt
		out=$(NO_COLOR=1 "$bin" status --root "$tree" --config tests/policies/defaults.conf --format "$fmt" 2>&1; echo "exit=$?")
		out=$(printf '%s\n' "$out" | mask | sed "s|\"root\":\"[^\"]*\"|\"root\":\"ROOT\"|")
		n=$((n + 1))
		if [ "$update" = --update ]; then
			printf '%s\n' "$out" > "$tmp/$name.$fmt"
		elif ! printf '%s\n' "$out" | diff -u "$exp" - >/dev/null 2>&1; then
			echo "golden: $name $fmt differs from $exp:"
			printf '%s\n' "$out" | diff -u "$exp" - | head -20
			fail=$((fail + 1))
		fi
	done
	[ "$update" = --update ] || continue
	if python3 tests/fixtures/check-golden.py --golden "$tmp" "$tree" > "$tmp/check" 2>&1; then
		mkdir -p tests/expected
		for fmt in text json prometheus; do cp "$tmp/$name.$fmt" "tests/expected/$name.$fmt"; done
	else
		echo "golden: $name: not written, its figures disagree with the tree's files:"
		grep -v -e 'figures agree' -e 'passed,' "$tmp/check"
		fail=$((fail + 3))
	fi
done
echo "golden: $((n - fail)) passed, $fail failed"
[ "$update" = --update ] || record
[ "$fail" = 0 ]
