#!/bin/sh
# How long, and in how much memory, buddyctl reads the largest captures and
# status JSON files its caps let through (bench/gen-worst.sh): status of a
# capture, check and plan of it, and diff of two status JSON files of
# 65,536 nodes. Each run is timed by /usr/bin/time -v (wall clock, user and
# system time, maximum resident set size), once: these are seconds, not
# microseconds, and what matters is how they grow.
#
#   bench/captures-bench.sh BUDDYCTL [BUDDYCTL...]   one table per binary
#
# Targets (issue 22): the worst input in under 2 s and under 200 MB, time
# linear in the input. Results, before and after, in bench/CAPTURES.md.
# A run that takes longer than BENCH_TIMEOUT seconds (default 900) is
# stopped and shown as such.
set -eu

[ $# -ge 1 ] || { echo "usage: captures-bench.sh BUDDYCTL [BUDDYCTL...]" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "captures-bench: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
limit=${BENCH_TIMEOUT:-900}
tmp=$(mktemp -d /tmp/buddyctl-captures.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
sh "$(dirname "$0")/gen-worst.sh" "$tmp/in"
cp "$tmp/in/capture-desc.txt" "$tmp/in/capture-asc.txt.tmp"
sort -t' ' -k2,2n "$tmp/in/capture-asc.txt.tmp" > "$tmp/in/capture-asc.txt"
rm "$tmp/in/capture-asc.txt.tmp"

# run LABEL BUDDYCTL ARGS...: one row of the table
run() {
	label=$1 bin=$2
	shift 2
	/usr/bin/time -v -o "$tmp/time" timeout "$limit" "$bin" "$@" > /dev/null 2> "$tmp/err" && rc=0 || rc=$?
	awk -v label="$label" -v rc="$rc" -v limit="$limit" -F': ' '
		/Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = n == 3 ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2] }
		/User time/ { user = $2 } /System time/ { sys = $2 } /Maximum resident/ { rss = $2 }
		END {
			note = rc == 124 ? "stopped after " limit " s" : rc == 0 ? "" : "exit " rc
			printf "%-34s %8.2f %8.2f %8.2f %8.0f  %s\n", label, wall, user, sys, rss / 1024, note
		}' "$tmp/time"
}

for bin in "$@"; do
	echo "buddyctl $("$bin" --version | cut -d' ' -f2) ($bin), $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
	printf '%-34s %8s %8s %8s %8s\n' "input, command" "wall s" "user s" "sys s" "max MB"
	run "capture asc, status -f json" "$bin" status -b "$tmp/in/capture-asc.txt" -f json
	run "capture desc, status -f json" "$bin" status -b "$tmp/in/capture-desc.txt" -f json
	run "capture desc, status (text)" "$bin" status -b "$tmp/in/capture-desc.txt"
	run "capture 16 zones/node, status json" "$bin" status -b "$tmp/in/capture-zones.txt" -f json
	run "capture pasted (mail), status json" "$bin" status -b "$tmp/in/capture-paste.txt" -f json
	run "capture desc, check" "$bin" check -b "$tmp/in/capture-desc.txt" -c tests/policies/allcrit.conf
	run "capture desc, plan" "$bin" plan -b "$tmp/in/capture-desc.txt" -c tests/policies/allcrit.conf
	run "status JSON asc/desc, diff -f json" "$bin" diff "$tmp/in/status-asc.json" "$tmp/in/status-desc.json" -f json
	run "status JSON asc/desc, diff (text)" "$bin" diff "$tmp/in/status-asc.json" "$tmp/in/status-desc.json"
	run "capture desc/pasted, diff (text)" "$bin" diff "$tmp/in/capture-desc.txt" "$tmp/in/capture-paste.txt"
	echo
done
