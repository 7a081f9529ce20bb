#!/bin/sh
# Run one test script of make check and put it in the summary
# (tests/check-summary.sh), for scripts that keep no record themselves: its
# output is shown and kept in $BUDDYCTL_CHECKDIR; the counts come from its
# last "N passed, N failed[, N skipped]" line (else it counts as one test,
# passed when it exits 0), the skip reasons from its "SKIPPED (why)" and
# "SKIP why" lines. The exit status is the script's.
# LABEL groups lines in the summary, NAME (one word) names the script there.
#   BUDDYCTL_CHECKDIR=build/check tests/run-script.sh LABEL NAME COMMAND [ARG...]
set -u
label=${1:?usage: run-script.sh LABEL NAME COMMAND [ARG...]}
name=${2:?usage: run-script.sh LABEL NAME COMMAND [ARG...]}
shift 2
dir=${BUDDYCTL_CHECKDIR:?BUDDYCTL_CHECKDIR not set}
log=$dir/$name.log
{ "$@" 2>&1; echo $? > "$log.rc"; } | tee "$log"
rc=$(cat "$log.rc")
counts=$(sed -n 's/.*[^0-9]\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed\(, \([0-9][0-9]*\) skipped\)\{0,1\}.*/\1 \2 \4/p' "$log" | tail -1)
reasons=$(sed -n -e 's/.*: SKIPPED (\(.*\))$/\1/p' -e 's/^SKIP \(.*\)/\1/p' "$log")
if [ -n "$counts" ]; then
	# shellcheck disable=SC2086 # three numbers, split on purpose
	set -- $counts
	p=$1 f=$2 s=${3:-0}
elif [ -n "$reasons" ]; then
	p=0 f=0 s=1
else
	p=$((rc == 0)) f=$((rc != 0)) s=0
fi
[ "$rc" = 0 ] || [ "$f" != 0 ] || f=1	# a script that failed without saying so
printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$name" "$((p + f + s))" "$p" "$s" "$f" >> "$dir/results"
# one reason per skipped test; a script that printed fewer leaves the summary to refuse it
printf '%s\n' "$reasons" | head -n "$s" | while IFS= read -r why; do
	[ -n "$why" ] && printf '%s\t-\t%s\n' "$name" "$why" >> "$dir/skips"
done
exit "$rc"
