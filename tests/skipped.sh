#!/bin/sh
# A step of make check that cannot run here: print "== LABEL: SKIPPED (why)"
# and put it in the summary (tests/check-summary.sh) as one skipped test.
# LABEL groups lines in the summary, NAME (one word) names the step there.
#   BUDDYCTL_CHECKDIR=build/check tests/skipped.sh LABEL NAME WHY
set -u
label=${1:?usage: skipped.sh LABEL NAME WHY}
name=${2:?usage: skipped.sh LABEL NAME WHY}
why=${3:?usage: skipped.sh LABEL NAME WHY}
echo "== $label: SKIPPED ($why)"
if [ -n "${BUDDYCTL_CHECKDIR:-}" ]; then
	printf '%s\t%s\t1\t0\t1\t0\n' "$label" "$name" >> "$BUDDYCTL_CHECKDIR/results"
	printf '%s\t-\t%s\n' "$name" "$why" >> "$BUDDYCTL_CHECKDIR/skips"
fi
