#!/bin/sh
# The end of `make coverage`: collect the .gcda counts under COVDIR with
# lcov, print line coverage per folder of the program (cli/, policy/,
# actions/; the tests themselves are left out) and write the HTML report.
#   tests/coverage.sh COVDIR HTMLDIR
set -eu
cov=${1:?usage: coverage.sh COVDIR HTMLDIR}
html=${2:?usage: coverage.sh COVDIR HTMLDIR}
top=$(pwd)
if ! lcov --capture --directory "$cov" --output-file "$cov/all.info" > "$cov/lcov.log" 2>&1 ||
   ! lcov --extract "$cov/all.info" "$top/cli/*" "$top/policy/*" "$top/actions/*" \
	--output-file "$cov/buddyctl.info" >> "$cov/lcov.log" 2>&1; then
	cat "$cov/lcov.log"
	exit 1
fi
genhtml --quiet --title "buddyctl $(git describe --always --dirty 2>/dev/null || echo)" \
	--output-directory "$html" "$cov/buddyctl.info" > "$cov/genhtml.log" 2>&1 ||
	{ cat "$cov/genhtml.log"; exit 1; }
# LF: lines with code, LH: lines run at least once, per source file (SF:)
echo "== line coverage, $(date -u +%F) (BUDDYCTL_LIVE=${BUDDYCTL_LIVE:-unset})"
awk -v top="$top/" '
/^SF:/ { f = substr($0, 4); sub("^" top, "", f); d = f; sub(/\/.*/, "", d) }
/^LF:/ { lf[d] += substr($0, 4); LF += substr($0, 4) }
/^LH:/ { lh[d] += substr($0, 4); LH += substr($0, 4) }
END {
	n = split("cli policy actions", ds, " ")
	for (i = 1; i <= n; i++)
		printf "   %-9s %5.1f%%  (%d of %d lines)\n", ds[i] "/", lf[ds[i]] ? 100 * lh[ds[i]] / lf[ds[i]] : 0, lh[ds[i]], lf[ds[i]]
	printf "   %-9s %5.1f%%  (%d of %d lines)\n", "all", LF ? 100 * LH / LF : 0, LH, LF
}' "$cov/buddyctl.info"
echo "   HTML report: $html/index.html"
