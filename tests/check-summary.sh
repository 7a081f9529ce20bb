#!/bin/sh
# The end of make check: how many tests ran, passed, were skipped and
# failed, per kind of test, and every skip counted by its reason. Reads
# DIR/results (LABEL, SUITE, run, passed, skipped, failed: one line per suite
# or script, from tests/run-suite.sh and the shell tests) and DIR/skips
# (SUITE, TEST, REASON: one line per skipped test; TEST "-" for a part of a
# script that its reason names). Fails when a suite
# skipped a test without saying why (a skip count without as many reasons)
# or when a count says a test failed.
#   tests/check-summary.sh DIR
set -u
dir=${1:?usage: check-summary.sh DIR}
[ -s "$dir/results" ] || { echo "check-summary: $dir/results is empty: no test ran"; exit 1; }
touch "$dir/skips"
awk -F '\t' '
FNR == 1 { file++ }
file == 1 {
	if (!($1 in run)) order[nl++] = $1
	run[$1] += $3; pass[$1] += $4; skip[$1] += $5; fail[$1] += $6
	suites[$1]++; skipped_in[$2] += $5
	R += $3; P += $4; S += $5; F += $6
	next
}
{
	said[$1]++
	name = $1; sub(/ .*/, "", name)	# a script: its path under tests/; a suite: its name
	if (name ~ /^build\//) sub(/^.*\//, "", name)
	if (!($3 in count)) reasons[nr++] = $3
	count[$3]++
	if (!(($3, name) in tests)) {
		names[$3, ++nn[$3]] = name
	}
	if (index(", " tests[$3, name] ", ", ", " $2 ", ") == 0)
		tests[$3, name] = tests[$3, name] (tests[$3, name] == "" ? "" : ", ") $2
}
END {
	print "== summary"
	for (i = 0; i < nl; i++) {
		l = order[i]
		printf "   %-28s %4d run, %4d passed, %3d skipped, %d failed\n", \
			l ":", run[l], pass[l], skip[l], fail[l]
	}
	printf "   %-28s %4d run, %4d passed, %3d skipped, %d failed\n", "all:", R, P, S, F
	if (S > 0) {
		print "== skipped, by reason:"
		for (i = 0; i < nr; i++) {
			r = reasons[i]
			printf "   %d x %s\n", count[r], r
			for (j = 1; j <= nn[r]; j++)	# TEST "-": a part of a script, named by its reason
				if (tests[r, names[r, j]] == "-")
					printf "       %s\n", names[r, j]
				else
					printf "       %s: %s\n", names[r, j], tests[r, names[r, j]]
		}
	}
	bad = F > 0
	for (s in skipped_in)
		if (skipped_in[s] != said[s] + 0) {
			printf "check-summary: %s skipped %d test(s) but gave %d reason(s): call skip_because(), not skip()\n", \
				s, skipped_in[s], said[s] + 0
			bad = 1
		}
	for (s in said)
		if (!(s in skipped_in)) {
			printf "check-summary: %s gave skip reasons but no counts were recorded\n", s
			bad = 1
		}
	exit bad
}' "$dir/results" "$dir/skips"
