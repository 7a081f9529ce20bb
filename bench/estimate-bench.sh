#!/bin/sh
# What `buddyctl estimate` costs next to `buddyctl status`: both read the same
# files; estimate adds the arithmetic per node, zone and size.
#
#   bench/estimate-bench.sh [BUDDYCTL] [RUNS]     default ./buddyctl, 200 runs
#
# Target (issue 2 of 5): estimate at most 1.5x status on this machine.
# Results are written down in bench/RESULTS.md.
set -eu

# shellcheck source=bench/timing.sh
. "$(dirname "$0")/timing.sh"

row() {
	label=$1
	shift
	s=$(time_us "$bin" "$@" status)
	sj=$(time_us "$bin" "$@" status --format json)
	e=$(time_us "$bin" "$@" estimate)
	ej=$(time_us "$bin" "$@" estimate --format json)
	printf '%-22s %8s %8s %8s %8s %6s %6s\n' "$label" "$s" "$e" "$sj" "$ej" \
		"$(awk -v a="$e" -v b="$s" 'BEGIN { printf "%.2f", a / b }')" \
		"$(awk -v a="$ej" -v b="$sj" 'BEGIN { printf "%.2f", a / b }')"
}

echo "buddyctl $("$bin" --version | cut -d' ' -f2), $(uname -r), $(nproc) CPUs, $runs runs each; times in microseconds per run"
printf '%-22s %8s %8s %8s %8s %6s %6s\n' "tree" "status" "estimate" "s-json" "e-json" "text" "json"
row "live (/)"
for n in 1 64 1024; do
	sh "$(dirname "$0")/gen-tree.sh" "$n" "$tmp/tree$n" >/dev/null
	row "generated, $n nodes" --root "$tmp/tree$n"
done
