#!/bin/sh
# How long `buddyctl status` takes, next to the floor: the time to simply read
# the same kernel files (`cat` of exactly the files buddyctl opens, found with
# strace). Then how the time grows with the node count on generated trees of
# 1, 64 and 1024 nodes (bench/gen-tree.sh).
#
#   bench/status-bench.sh [BUDDYCTL] [RUNS]      default ./buddyctl, 200 runs
#
# Targets (issue 1 of 5): live status within 1.5x of the floor; time linear in
# nodes; under 50 ms for 1024 nodes. Results are written down in bench/RESULTS.md.
set -eu

# shellcheck source=bench/timing.sh
. "$(dirname "$0")/timing.sh"

files_opened() {
	# every /proc and /sys file buddyctl status opens, once each, in order;
	# strace -y prints the opened file's full path after the returned fd
	# (also for opens relative to a directory fd, and for calls that other
	# threads interrupted: "<... openat resumed>) = 5</sys/...>")
	strace -f -qq -y -e trace=openat,openat2 -o "$tmp/trace" "$bin" status "$@" >/dev/null 2>&1 || true
	grep -o '= [0-9]*<[^>]*>$' "$tmp/trace" | sed 's/^= [0-9]*<\(.*\)>$/\1/' |
		grep -E '/(proc|sys)/' | grep -v '/proc/self/' | awk '!seen[$0]++' |
		while read -r f; do [ -f "$f" ] && echo "$f"; done	# cat reads files, not directories
}

report() {
	label=$1 shift_root=$2
	if [ "$shift_root" = / ]; then
		files_opened > "$tmp/files"
	else
		files_opened --root "$shift_root" > "$tmp/files"
	fi
	nfiles=$(wc -l < "$tmp/files")
	# shellcheck disable=SC2046
	floor=$(time_us cat $(cat "$tmp/files"))
	if [ "$shift_root" = / ]; then
		t=$(time_us "$bin" status --format json)
		tt=$(time_us "$bin" status)
	else
		t=$(time_us "$bin" status --root "$shift_root" --format json)
		tt=$(time_us "$bin" status --root "$shift_root")
	fi
	ratio=$(awk -v a="$t" -v b="$floor" 'BEGIN { printf "%.2f", a / b }')
	printf '%-22s %6s %10s %10s %10s %7s\n' "$label" "$nfiles" "$floor" "$t" "$tt" "$ratio"
}

command -v strace >/dev/null || { echo "status-bench: strace is needed (sh .ci/deps)" >&2; exit 1; }
echo "buddyctl $("$bin" --version | cut -d' ' -f2), $(uname -r), $(nproc) CPUs, $runs runs each; times in microseconds per run"
printf '%-22s %6s %10s %10s %10s %7s\n' "tree" "files" "floor(cat)" "json" "text" "json/floor"
report "live (/)" /
for n in 1 64 1024; do
	sh "$(dirname "$0")/gen-tree.sh" "$n" "$tmp/tree$n" >/dev/null
	report "generated, $n nodes" "$tmp/tree$n"
done
