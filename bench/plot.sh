#!/bin/sh
# plot.sh - a PNG of a compare.sh results CSV: for every scenario, the median
# 2 MiB pages obtained as a share of those asked (top panel; the number asked
# is in the label; the axis starts just below the lowest bar, so that small
# differences show) and the median seconds (bottom panel, log scale) of
# each method.
#
#   bench/plot.sh bench/results/compare-DATE.csv [OUT.png]   (default: CSV's name .png)
#
# Needs gnuplot (Debian gnuplot-nox; bench/deps.sh installs it).
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: plot.sh RESULTS.csv [OUT.png]" >&2
	exit 2
fi
csv=$1
png=${2:-${csv%.csv}.png}
[ -r "$csv" ] || { echo "plot.sh: $csv: cannot read" >&2; exit 1; }
command -v gnuplot >/dev/null || { echo "plot.sh: gnuplot missing: run sh bench/deps.sh" >&2; exit 1; }
tmp=$(mktemp -d /tmp/buddyctl-plot.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# Two tables, scenarios down, methods across, medians; "?" where a method
# did not run in a scenario. Columns are found by name in the header.
awk -F, -v dir="$tmp" '
function median(s,    a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 2; i <= n; i++) {
		t = a[i] + 0
		for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]
		a[j + 1] = t
	}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
$col["obtained"] == "" { next }
{
	s = $col["scenario"]; m = $col["method"]
	if (!(s in sseen)) { sseen[s] = 1; sc[++ns] = s }
	if (!(m in mseen)) { mseen[m] = 1; me[++nm] = m }
	req[s] = $col["requested"]
	pages[s, m] = pages[s, m] " " (req[s] > 0 ? 100 * $col["obtained"] / req[s] : 0)
	secs[s, m] = secs[s, m] " " $col["seconds"]
}
END {
	for (t = 1; t <= 2; t++) {
		f = dir (t == 1 ? "/pages.dat" : "/secs.dat")
		printf "scenario" > f
		for (j = 1; j <= nm; j++) printf " %s", me[j] > f
		printf "\n" > f
		for (i = 1; i <= ns; i++) {
			s = sc[i]
			printf "\"%s (asked %s)\"", s, req[s] > f
			for (j = 1; j <= nm; j++) {
				k = s SUBSEP me[j]
				v = t == 1 ? pages[k] : secs[k]
				if (v != "" && t == 1 && (lo == "" || median(v) < lo)) lo = median(v)
				printf " %s", v == "" ? "?" : median(v) > f
			}
			printf "\n" > f
		}
		close(f)
	}
	print nm > (dir "/nmethods")
	lo = int(lo) - 2
	print (lo < 0 ? 0 : lo) > (dir "/ymin")
}' "$csv"

nm=$(cat "$tmp/nmethods")
ymin=$(cat "$tmp/ymin")
[ "$nm" -gt 0 ] || { echo "plot.sh: $csv: no completed tries" >&2; exit 1; }

gnuplot <<EOF
set terminal pngcairo size 1400,1000 font "sans,11"
set output "$png"
set datafile missing "?"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key outside right top vertical
set grid ytics
set xtics nomirror
set multiplot layout 2,1 title "$(basename "$csv"): medians per scenario and method"
set title "2 MiB pages obtained, % of those asked"
set ylabel "% of asked"
set yrange [$ymin:101]
plot for [i=2:$((nm + 1))] "$tmp/pages.dat" using i:xtic(1) title columnheader(i)
set title "time of the method"
set ylabel "seconds (log scale)"
set logscale y
set yrange [*:*]
plot for [i=2:$((nm + 1))] "$tmp/secs.dat" using i:xtic(1) title columnheader(i)
unset multiplot
EOF
echo "plot.sh: wrote $png" >&2
