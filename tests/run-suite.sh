#!/bin/sh
# Run one cmocka suite for make check: its output is shown and kept in
# $BUDDYCTL_CHECKDIR/NAME.log; the counts cmocka prints at its end (run,
# passed, skipped, failed) are appended to $BUDDYCTL_CHECKDIR/results, and
# the suite's skip_because() calls add their reasons to .../skips (see
# tests/testutil.h). The exit status is the suite's.
#   BUDDYCTL_CHECKDIR=build/check tests/run-suite.sh "LABEL" SUITE
set -u
label=${1:?usage: run-suite.sh LABEL SUITE}
suite=${2:?usage: run-suite.sh LABEL SUITE}
dir=${BUDDYCTL_CHECKDIR:?BUDDYCTL_CHECKDIR not set}
log=$dir/$(printf '%s' "$suite" | tr '/' '_').log
export BUDDYCTL_CHECKDIR
{ "$suite" 2>&1; echo $? > "$log.rc"; } | tee "$log"
rc=$(cat "$log.rc")
count() {	# the number cmocka prints on the line matching $1, else 0
	sed -n "s/^\[ *$1 *\] \([0-9]*\) test(s).*/\1/p" "$log" | tail -1 | grep . || echo 0
}
run=$(sed -n 's/^\[==========\] \([0-9]*\) test(s) run\.$/\1/p' "$log" | tail -1)
if [ -z "$run" ]; then
	echo "run-suite: $suite printed no cmocka summary (exit $rc)"
	[ "$rc" != 0 ] || rc=1
	run=0
fi
printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$suite" "$run" "$(count PASSED)" "$(count SKIPPED)" \
	"$(count FAILED)" >> "$dir/results"
exit "$rc"
