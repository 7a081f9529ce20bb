#!/bin/sh
# The alert rules of etc/prometheus/buddyctl-rules.yml:
#  1. every buddyctl_* metric the rules and their tests use is one that
#     buddyctl exports (a # TYPE line of `status`, `check` or `map --format
#     prometheus` on real fixture trees; the map's tree is unpacked by `make
#     map-fixtures`), so that renaming a metric breaks this test;
#  2. `promtool check rules` and `promtool test rules` (Debian: prometheus),
#     SKIPPED with a message where promtool is not installed.
#   tests/prometheus/run.sh BUDDYCTL
set -u
bin=${1:?usage: run.sh BUDDYCTL}
rules=etc/prometheus/buddyctl-rules.yml
fail=0
# make check's summary (tests/check-summary.sh): RUN PASSED SKIPPED FAILED
record() {
	[ -z "${BUDDYCTL_CHECKDIR:-}" ] ||
		printf 'prometheus rules\tprometheus/run.sh %s\t%s\t%s\t%s\t%s\n' "$bin" "$@" >> "$BUDDYCTL_CHECKDIR/results"
}
out=$("$bin" status --format prometheus --root tests/fixtures/two-node \
	--config tests/policies/pools-mandatory.conf 2>&1) || { echo "rules: buddyctl status failed: $out"; exit 1; }
# check exits 2 there (a mandatory pool short): what it prints is what counts
chk=$("$bin" check --format prometheus --root tests/fixtures/two-node \
	--config tests/policies/pools-mandatory.conf 2>&1)
[ $? -le 2 ] || { echo "rules: buddyctl check failed: $chk"; exit 1; }
map_tree=build/fixtures/map/guest-6.1-two-node
[ -f "$map_tree/proc/kpageflags" ] || { echo "rules: no $map_tree: run make map-fixtures"; exit 1; }
map=$("$bin" map --format prometheus --root "$map_tree" 2>&1) || { echo "rules: buddyctl map failed: $map"; exit 1; }
out=$(printf '%s\n%s\n%s\n' "$out" "$chk" "$map")
names=$(grep -ho 'buddyctl_[a-z0-9_]*' "$rules" tests/prometheus/*.test.yml | sort -u)
[ -n "$names" ] || { echo "rules: no buddyctl_ metric found in $rules"; exit 1; }
n=0
for m in $names; do
	n=$((n + 1))
	if ! printf '%s\n' "$out" | grep -qx "# TYPE $m gauge"; then
		echo "rules: $m is used by the rules or their tests but buddyctl status, check and map do not export it"
		fail=$((fail + 1))
	fi
done
echo "== prometheus rules: $((n - fail)) of $n metric names exported by buddyctl status, check and map"
if ! command -v promtool >/dev/null 2>&1; then
	echo "== promtool rule tests: SKIPPED (promtool not installed)"
	record "$((n + 1))" "$((n - fail))" 1 "$fail"
	[ -z "${BUDDYCTL_CHECKDIR:-}" ] || printf 'prometheus/run.sh %s\tpromtool check rules, test rules\t%s\n' \
		"$bin" "promtool not installed (Debian: prometheus; sh .ci/deps installs it)" >> "$BUDDYCTL_CHECKDIR/skips"
	[ "$fail" = 0 ]
	exit
fi
names_failed=$fail
promtool check rules "$rules" >/dev/null 2>&1 || { promtool check rules "$rules"; fail=$((fail + 1)); }
for t in tests/prometheus/*.test.yml; do
	# promtool reads rule_files relative to the test file
	if ! (cd "${t%/*}" && promtool test rules "${t##*/}" >/dev/null 2>&1); then
		(cd "${t%/*}" && promtool test rules "${t##*/}")
		fail=$((fail + 1))
	fi
done
[ "$fail" = 0 ] && echo "== promtool rule tests: ok (check rules, test rules)"
# the summary counts each metric name, and promtool as one test
pt_fail=$((fail > names_failed))
record "$((n + 1))" "$((n - names_failed + 1 - pt_fail))" 0 "$((names_failed + pt_fail))"
[ "$fail" = 0 ]
