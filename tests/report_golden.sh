#!/bin/sh
# Golden reports: `check`, `plan`, `apply` (dry run and real), and the one-off
# commands `compact`, `drop-caches` and `reserve` (dry run and real), in text
# and JSON, each run on a fresh copy of a fixture tree in a temporary folder
# and compared with tests/expected/reports/<case>.<format>. Times (the ms of
# each action and step, the total: cli/report.c's "%9.1f ms", "%8.1f ms",
# "Total %.1f ms" and the JSON's "ms" and "total_ms", the log line's
# "; %.1f s, exit") vary between runs and are masked, and so is the temporary
# folder's path. A golden file holds the report (standard output), then the
# log line (standard error) after "stderr:", then the exit status.
#
# Before a report is compared (or, with --update, written), its figures are
# checked against the fixture files by tests/report_check.py, which reads
# buddyinfo, the pools and the written files itself (not through buddyctl):
# the free blocks and the indices at the judged order (the kernel's
# formulas), each pool before and after, what was written where, and that
# a dry run leaves the copy byte for byte as it was.
#   tests/report_golden.sh BUDDYCTL          compare
#   tests/report_golden.sh BUDDYCTL --update rewrite the expected files (review the diff!)
set -u
bin=${1:?usage: report_golden.sh BUDDYCTL [--update]}
update=${2:-}
exp_dir=tests/expected/reports
fail=0 n=0
record() {	# for make check's summary (tests/check-summary.sh): RUN PASSED SKIPPED FAILED
	[ -z "${BUDDYCTL_CHECKDIR:-}" ] ||
		printf 'golden reports\treport_golden.sh %s\t%s\t%s\t%s\t%s\n' "$bin" "$@" >> "$BUDDYCTL_CHECKDIR/results"
}
if ! command -v python3 >/dev/null; then
	echo "golden reports: SKIPPED (python3 not installed, needed for the independent check; sh .ci/deps installs it)"
	record 1 0 1 0
	[ -z "${BUDDYCTL_CHECKDIR:-}" ] ||
		printf 'report_golden.sh %s\tall reports\tpython3 not installed\n' "$bin" >> "$BUDDYCTL_CHECKDIR/skips"
	exit 0
fi
tmp=$(mktemp -d /tmp/buddyctl-reports.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mask() {
	sed -e "s|$tmp/runs/[^/]*/root|ROOT|g" \
	    -e 's/ *[0-9][0-9]*\.[0-9] ms$/ T ms/' \
	    -e 's/^Total [0-9][0-9]*\.[0-9] ms/Total T ms/' \
	    -e 's/\( x [0-9]*[KMG]  \) *[0-9][0-9]*\.[0-9] ms/\1T ms/' \
	    -e 's/"ms":[0-9.]*/"ms":0/g' -e 's/"total_ms":[0-9.]*/"total_ms":0/' \
	    -e 's/; [0-9][0-9.]* s, exit /; T s, exit /'
}
# case name | fixture tree | command line (after --root)
cases='
check-mandatory|two-node|check -c tests/policies/pools-mandatory.conf
plan-dpdk|two-node|plan -c tests/policies/dpdk.conf
apply-dry-run-dpdk|two-node|apply --dry-run -c tests/policies/dpdk.conf
apply-dpdk|two-node|apply -c tests/policies/dpdk.conf
plan-allcrit|four-node-sparse|plan -c tests/policies/allcrit.conf
apply-allcrit|four-node-sparse|apply -c tests/policies/allcrit.conf
compact-dry-run|two-node|compact --dry-run
compact|two-node|compact
compact-node-1|two-node|compact --node 1
drop-caches-dry-run|two-node|drop-caches --dry-run --level all
drop-caches|two-node|drop-caches --level all --no-sync
reserve-dry-run|two-node|reserve --dry-run 2M:100@0 1G:1@1
reserve|two-node|reserve 2M:100@0 1G:1@1
reserve-compact-first|two-node|reserve 2M:2000@0
check-floor|two-node|check -c tests/policies/floor.conf
plan-floor|two-node|plan -c tests/policies/floor.conf
apply-floor|two-node|apply -c tests/policies/floor.conf
plan-shrink|two-node|plan -c tests/policies/shrink.conf
apply-shrink|two-node|apply -c tests/policies/shrink.conf
plan-order|two-node|plan -c tests/policies/order.conf
'
# run every case on its own copy; keep what it printed and the copy
printf '%s\n' "$cases" | while IFS='|' read -r name tree args; do
	[ -n "$name" ] || continue
	for fmt in text json; do
		d=$tmp/runs/$name.$fmt
		mkdir -p "$d" && cp -r "tests/fixtures/$tree" "$d/root" && echo "$tree" > "$d/tree"
		# shellcheck disable=SC2086
		NO_COLOR=1 "$bin" --root "$d/root" $args -f "$fmt" > "$d/out" 2> "$d/err"
		echo $? > "$d/rc"
	done
done
# the figures, worked out from the files, first
if ! python3 tests/report_check.py "$tmp/runs" > "$tmp/check" 2>&1; then
	grep -v 'figures agree' "$tmp/check"
	checked=no
else
	checked=yes
	[ "$update" = --update ] && cat "$tmp/check"
fi
for d in "$tmp"/runs/*; do
	run=${d##*/}
	n=$((n + 1))
	# the report (standard output), then the log line (standard error)
	out=$({ cat "$d/out"; echo "stderr:"; cat "$d/err"; echo "exit=$(cat "$d/rc")"; } | mask)
	exp=$exp_dir/$run
	if grep -q "^report check: ${run%.*} ${run##*.}: .* disagree" "$tmp/check"; then
		fail=$((fail + 1))
	elif [ "$update" = --update ]; then
		mkdir -p "$exp_dir"
		printf '%s\n' "$out" > "$exp"
	elif ! printf '%s\n' "$out" | diff -u "$exp" - > "$tmp/diff" 2>&1; then
		echo "golden reports: $run differs from $exp:"
		head -20 "$tmp/diff"
		fail=$((fail + 1))
	fi
done
[ "$checked" = yes ] || [ "$fail" != 0 ] || fail=1	# the check itself broke
echo "golden reports: $((n - fail)) passed, $fail failed (each checked against the fixture files first)"
[ "$update" = --update ] || record "$n" "$((n - fail))" 0 "$fail"
[ "$fail" = 0 ]
