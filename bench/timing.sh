# Sourced by the bench/*-bench.sh scripts, whose arguments are [BUDDYCTL]
# [RUNS]: sets bin, runs and a temporary directory tmp (removed on exit).
# time_us CMD... prints the mean time of $runs runs of CMD in microseconds.
bin=${1:-./buddyctl}
runs=${2:-200}
tmp=$(mktemp -d /tmp/buddyctl-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

now_ns() { date +%s%N; }

time_us() {
	i=0
	t0=$(now_ns)
	while [ $i -lt "$runs" ]; do
		"$@" >/dev/null 2>&1 || true
		i=$((i + 1))
	done
	t1=$(now_ns)
	echo $(((t1 - t0) / runs / 1000))
}
