# Sourced by the bench/*-bench.sh scripts: wall-clock timing of whole runs.
# time_us CMD... prints the mean time of $runs runs of CMD in microseconds.

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
