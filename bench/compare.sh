#!/bin/sh
# compare.sh - how many 2 MiB hugepages each way of reserving them gets on a
# fragmented machine, and what it costs. See bench/COMPARE.md.
#
#   bench/compare.sh [--scenarios LIST] [--methods LIST] [--reps N] [--size SIZE]
#                    [--pages N|memfree|reach] [--max-share F] [--dir DIR]
#                    [--ready-timeout S] [--method-timeout S]
#   bench/compare.sh --summary FILE.csv       the summary table of an earlier run
#
# For every scenario, repetition and method (in that order): start
# bench/fragment on a fresh state and wait for its "ready" line, read
# /proc/meminfo and /proc/buddyinfo, run the method for N 2 MiB pages, read
# the pool back and /proc/meminfo again, write one CSV row, set every
# hugepage pool back to 0 and stop the fragmenter. At the end, a markdown
# table of medians. Run as root; it changes the running kernel (pools,
# compaction, cache drops) and puts the pools back to 0 on every exit path.
set -u

here=$(cd "$(dirname "$0")" && pwd)
BUDDYCTL=${BUDDYCTL:-$here/../buddyctl}
ALL_SCENARIOS=anon,pagecache,slab,pinned
ALL_METHODS=plain,compact,drop-compact,hugeadm,hugeadm-hard,dpdk,buddyctl,buddyctl-drop
scenarios=$ALL_SCENARIOS
methods=$ALL_METHODS
reps=2
size=14G
pages=memfree
max_share=0.6
dir=/var/tmp
ready_timeout=1800
method_timeout=900
summary_only=
pool=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
lock=/run/buddyctl-bench.lock

usage() {
	cat <<EOF
Usage: compare.sh [OPTIONS]
       compare.sh --summary FILE.csv

  --scenarios LIST   of $ALL_SCENARIOS (default: all)
  --methods LIST     of $ALL_METHODS
                     (default: all)
  --reps N           repetitions of every scenario x method (default 2, at least 1)
  --size SIZE        memory the fragmenter fragments (default 14G)
  --pages N|MODE     2 MiB pages every method asks for: a number, or computed
                     per scenario from its first ready state (then kept):
                     memfree  0.6 x MemFree / 2 MiB (default)
                     reach    the free 2 MiB blocks + 0.6 x what compaction and
                              reclaim could add: (MemFree + file LRU +
                              SReclaimable) / 2 MiB - free 2 MiB blocks
  --max-share F      fragmenter's limit, share of MemTotal (default 0.6)
  --dir DIR          disk-backed work directory (default /var/tmp)
  --ready-timeout S  seconds to wait for the fragmenter's "ready" (default 1800)
  --method-timeout S stop a method after S seconds (SIGTERM to its process
                     group), record rc "timeout" and the pool as it is (default 900)
  --summary FILE     print the summary table of a results CSV and exit

Environment: BUDDYCTL (default bench/../buddyctl).
Results: bench/results/compare-DATE.{csv,md,log,estimates.jsonl}.
EOF
}

die() {
	echo "compare: $*" >&2
	exit 1
}

in_list() {	# in_list WORD LIST
	case ",$2," in *",$1,"*) return 0 ;; esac
	return 1
}

check_list() {	# check_list WHAT LIST ALLOWED
	old_ifs=$IFS
	IFS=,
	for w in $2; do
		in_list "$w" "$3" || { IFS=$old_ifs; die "unknown $1 '$w' (known: $3)"; }
	done
	IFS=$old_ifs
}

is_uint() {
	case $1 in '' | *[!0-9]*) return 1 ;; esac
}

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--scenarios | --methods | --reps | --size | --pages | --max-share | --dir | --ready-timeout | --method-timeout | --summary)
		[ $# -ge 2 ] || die "$1 needs a value"
		case $1 in
		--scenarios) scenarios=$2 ;;
		--methods) methods=$2 ;;
		--reps) reps=$2 ;;
		--size) size=$2 ;;
		--pages) pages=$2 ;;
		--max-share) max_share=$2 ;;
		--dir) dir=$2 ;;
		--ready-timeout) ready_timeout=$2 ;;
		--method-timeout) method_timeout=$2 ;;
		--summary) summary_only=$2 ;;
		esac
		shift 2 ;;
	*) usage >&2; die "unknown argument '$1'" ;;
	esac
done

# ---- summary: medians per scenario and method, from the CSV -------------
# Columns are found by name in the header, so older CSVs with fewer
# columns still work. Rows without an `obtained` (fragmenter failed) are
# left out.
summary() {
	awk -F, '
	function median(s,    a, n, i, j, t) {
		n = split(s, a, " ")
		if (n == 0) return ""
		for (i = 2; i <= n; i++) {
			t = a[i] + 0
			for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]
			a[j + 1] = t
		}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function r0(x) { x = sprintf("%.0f", x); return x == "-0" ? "0" : x }
	function add(k, name, v) { if (v != "" && v != "-" && v != "n/a" && v != "err" && v != "null") val[k, name] = val[k, name] " " v }
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	$col["obtained"] == "" { next }
	{
		k = $col["scenario"] SUBSEP $col["method"]
		if (!(k in seen)) { seen[k] = 1; order[++n] = k }
		tries[k]++
		req[k] = $col["requested"]
		add(k, "pages", $col["obtained"])
		add(k, "secs", $col["seconds"])
		add(k, "free2m", $col["free2m_before"])
		add(k, "cache", ($col["cached_before_kb"] - $col["cached_after_kb"]) / 1024)
		add(k, "slab", ($col["sreclaimable_before_kb"] - $col["sreclaimable_after_kb"]) / 1024)
		if ("migrated" in col) add(k, "migr", $col["migrated"])
		if ("est_now" in col) {
			add(k, "en", $col["est_now"]); add(k, "ec", $col["est_after_compaction"])
			add(k, "er", $col["est_after_reclaim"])
			if ($col["method"] ~ /^buddyctl/ && $col["est_now"] == "n/a") na[k] = 1
		}
		if ("est_rev_now" in col) {
			add(k, "rn", $col["est_rev_now"]); add(k, "rr", $col["est_rev_after_reclaim"])
		}
	}
	END {
		print "| scenario | method | asked | free 2M before | pages | seconds | page cache dropped (MiB) | slab dropped (MiB) | pages migrated | estimate now / after compaction / after reclaim | after the first compaction: now / after reclaim | tries |"
		print "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|"
		for (i = 1; i <= n; i++) {
			k = order[i]; split(k, sm, SUBSEP)
			est = "-"
			if (val[k, "en"] != "")
				est = median(val[k, "en"]) " / " median(val[k, "ec"]) " / " median(val[k, "er"])
			else if (na[k])
				est = "n/a"
			rev = val[k, "rn"] == "" ? "-" : median(val[k, "rn"]) " / " median(val[k, "rr"])
			migr = val[k, "migr"] == "" ? "-" : median(val[k, "migr"])
			printf "| %s | %s | %s | %s | %s | %.2f | %s | %s | %s | %s | %s | %d |\n", sm[1], sm[2], req[k],
				median(val[k, "free2m"]), median(val[k, "pages"]), median(val[k, "secs"]),
				r0(median(val[k, "cache"])), r0(median(val[k, "slab"])), migr, est, rev, tries[k]
		}
	}' "$1"
}

if [ -n "$summary_only" ]; then
	[ -r "$summary_only" ] || die "$summary_only: cannot read"
	summary "$summary_only"
	exit 0
fi

check_list scenario "$scenarios" "$ALL_SCENARIOS"
check_list method "$methods" "$ALL_METHODS"
{ is_uint "$reps" && [ "$reps" -ge 1 ]; } || die "--reps: '$reps' is not a positive integer"
case $pages in
memfree | reach) ;;
*) { is_uint "$pages" && [ "$pages" -ge 1 ]; } || die "--pages: '$pages' is not a positive integer, memfree or reach" ;;
esac
is_uint "$ready_timeout" || die "--ready-timeout: '$ready_timeout' is not a number of seconds"
{ is_uint "$method_timeout" && [ "$method_timeout" -ge 1 ]; } || die "--method-timeout: '$method_timeout' is not a number of seconds"
[ "$(id -u)" = 0 ] || die "run as root: it sets hugepage pools and compacts memory"
[ -w "$pool" ] || die "$pool: no 2 MiB hugepage pool"
[ -d "$dir" ] || die "--dir $dir: not a directory"

sh "$here/deps.sh" || die "bench/deps.sh failed"
make -s -C "$here" fragment || die "cannot build bench/fragment"
FRAG=$here/fragment
if in_list buddyctl "$methods"; then
	[ -x "$BUDDYCTL" ] || die "BUDDYCTL=$BUDDYCTL: not executable (make, or set BUDDYCTL)"
fi

tag=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$here/results" || die "cannot create $here/results"
csv=$here/results/compare-$tag.csv
md=$here/results/compare-$tag.md
log=$here/results/compare-$tag.log
estfile=$here/results/compare-$tag.estimates.jsonl
work=$(mktemp -d "$dir/buddyctl-bench.XXXXXX") || die "cannot create a work directory in $dir"
datafile=$work/pagecache.dat		# written once, reused by every pagecache try

# ---- clean-up on every exit path ----------------------------------------
frag_pid=
method_pid=
watchdog_pid=

alive() {	# alive PID: running and not a zombie
	s=$(cut -d')' -f2 "/proc/$1/stat" 2>/dev/null) || return 1
	case $s in '' | ' Z'*) return 1 ;; esac
	return 0
}

# nr_overcommit_hugepages as found at the start: a method may change them
# (hugeadm changes them: `hugeadm --pool-pages-min 2MB:0` after 100 left
# nr_overcommit_hugepages at 100); put back after every try and on exit
overcommit_saved=
for f in /sys/kernel/mm/hugepages/hugepages-*/nr_overcommit_hugepages; do
	[ -r "$f" ] && overcommit_saved="$overcommit_saved $f=$(cat "$f")"
done

pools_zero() {
	for fv in $overcommit_saved; do
		f=${fv%=*} v=${fv##*=}
		[ "$(cat "$f")" = "$v" ] || echo "$v" > "$f" || echo "compare: cannot set $f back to $v" >&2
	done
	for f in /sys/kernel/mm/hugepages/hugepages-*/nr_hugepages; do
		[ "$(cat "$f")" = 0 ] && continue
		echo 0 > "$f" || echo "compare: cannot set $f to 0" >&2
		n=$(cat "$f")
		[ "$n" = 0 ] || echo "compare: $f is $n after writing 0 (pages in use?)" >&2
	done
}

stop_fragment() {
	[ -n "$frag_pid" ] || return 0
	# freeing is quick, but removing millions of dentries takes seconds
	kill -TERM "$frag_pid" 2>/dev/null
	i=0
	while alive "$frag_pid" && [ $i -lt 1200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	alive "$frag_pid" && kill -KILL "$frag_pid" 2>/dev/null
	wait "$frag_pid" 2>/dev/null
	frag_pid=
	[ -s "$work/frag.err" ] && cat "$work/frag.err" >> "$log"
	: > "$work/frag.err"
}

# A method runs in its own process group (setsid), so that a stop reaches
# hugeadm under `sh -c` too: an orphaned `hugeadm --hard` would go on
# rewriting the pool after it was set back to 0. A watchdog, in a group of
# its own too, stops it after --method-timeout; method_rc is then "timeout".
run_method() {
	setsid sh -c "$1" >> "$log" 2>&1 &
	method_pid=$!
	pg=$method_pid
	setsid sh -c "sleep $method_timeout; kill -TERM -$pg" > /dev/null 2>&1 &
	watchdog_pid=$!
	wait "$method_pid"
	method_rc=$?
	method_pid=
	if alive "$watchdog_pid"; then
		kill -TERM "-$watchdog_pid" 2>/dev/null
	else
		method_rc=timeout
		echo "compare: stopped after --method-timeout $method_timeout s" >> "$log"
		i=0
		while pgrep -g "$pg" > /dev/null && [ $i -lt 300 ]; do	# e.g. hugeadm under sh -c
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "-$pg" 2>/dev/null
	fi
	wait "$watchdog_pid" 2>/dev/null
	watchdog_pid=
}

kill_method() {
	[ -n "$watchdog_pid" ] && kill -TERM "-$watchdog_pid" 2>/dev/null
	[ -n "$method_pid" ] || return 0
	kill -TERM "-$method_pid" 2>/dev/null
	wait "$method_pid" 2>/dev/null
	i=0
	while pgrep -g "$method_pid" > /dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "-$method_pid" 2>/dev/null
	method_pid=
}

cleanup() {
	trap - EXIT INT TERM HUP
	kill_method
	stop_fragment
	pools_zero
	rm -rf "$work"
	rm -f "$lock"
}
trap cleanup EXIT
trap 'echo "compare: interrupted" >&2; exit 130' INT TERM HUP

# ---- readings -----------------------------------------------------------
hp_order=$(awk -v ps="$(getconf PAGESIZE)" 'BEGIN { o = 0; while (ps * 2 ^ o < 2097152) o++; print o }')

# meminfo and vmstat figures as shell assignments with a prefix:
# b_memfree=... b_migrated=... (pgmigrate_success) b_stall=... (compact_stall)
meminfo() {
	awk -v p="$1" '
	{ v[$1] = $2 }
	END {
		printf "%smemfree=%d %scached=%d %sfilelru=%d %ssrecl=%d %smigrated=%d %sstall=%d\n",
			p, v["MemFree:"], p, v["Cached:"], p, v["Active(file):"] + v["Inactive(file):"],
			p, v["SReclaimable:"], p, v["pgmigrate_success"], p, v["compact_stall"]
	}' /proc/meminfo /proc/vmstat
}

free2m() {	# 2 MiB blocks the buddy allocator could hand out now
	awk -v o="$hp_order" '/zone/ { for (i = 5 + o; i <= NF; i++) s += $i * 2 ^ (i - 5 - o) } END { print s + 0 }' /proc/buddyinfo
}

now_ns() { date +%s%N; }

# ---- one try ------------------------------------------------------------
method_cmd() {	# the exact command line a method runs, for N pages
	case $1 in
	plain) echo "echo $2 > $pool" ;;
	compact) echo "echo 1 > /proc/sys/vm/compact_memory; echo $2 > $pool" ;;
	drop-compact) echo "sync; echo 3 > /proc/sys/vm/drop_caches; echo 1 > /proc/sys/vm/compact_memory; echo $2 > $pool" ;;
	hugeadm) echo "hugeadm --pool-pages-min 2MB:$2" ;;
	hugeadm-hard) echo "hugeadm --hard --pool-pages-min 2MB:$2" ;;
	dpdk) echo "dpdk-hugepages.py --pagesize 2M --reserve $(($2 * 2))M" ;;
	buddyctl) echo "$BUDDYCTL reserve 2M:$2 --lock-file $lock" ;;
	buddyctl-drop) echo "$BUDDYCTL reserve 2M:$2 --allow-drop-caches --lock-file $lock" ;;
	esac
}

start_fragment() {	# start_fragment SCENARIO; 0 when ready
	: > "$work/frag.out"
	: > "$work/frag.err"
	"$FRAG" --scenario "$1" --size "$size" --max-share "$max_share" --dir "$work" \
		--file "$datafile" > "$work/frag.out" 2>> "$work/frag.err" &
	frag_pid=$!
	t=0
	while ! grep -q '^ready' "$work/frag.out"; do
		if ! alive "$frag_pid"; then
			wait "$frag_pid"
			frag_rc=$?
			frag_pid=
			echo "compare: fragment --scenario $1 exited $frag_rc before ready:" >&2
			tail -3 "$work/frag.err" >&2
			cat "$work/frag.err" >> "$log"
			return 1
		fi
		sleep 0.5
		t=$((t + 1))
		if [ $t -ge $((ready_timeout * 2)) ]; then
			echo "compare: fragment --scenario $1 not ready after $ready_timeout s" >&2
			stop_fragment
			return 1
		fi
	done
	ready=$(grep '^ready' "$work/frag.out")
	build_s=$(echo "$ready" | sed -n 's/.* build_s=\([0-9.]*\).*/\1/p')
	sed -n '/^ready/!p' "$work/frag.err" >> "$log"
	: > "$work/frag.err"
	echo "$ready" >> "$log"
	return 0
}

# buddyctl estimate 2M -f json, just before buddyctl runs: est_now,
# est_comp, est_recl (summed over nodes) and est_json; n/a when the
# subcommand does not exist (exit 64).
run_estimate() {
	est_now=n/a est_comp=n/a est_recl=n/a est_json=null
	out=$("$BUDDYCTL" estimate 2M -f json 2>> "$log")
	est_rc=$?
	echo "estimate: exit $est_rc: $out" >> "$log"
	[ "$est_rc" = 64 ] && return 0
	if j=$(printf '%s\n' "$out" | jq -c . 2>/dev/null) && [ -n "$j" ]; then
		est_json=$j
		# {"nodes":[{"node":0,"sizes":[{"size_kb":2048,"now":N,...}]}]} or
		# {"estimates":[{"node":0,"size_kb":2048,"now":N,...}]}
		f=$(printf '%s\n' "$j" | jq -r '[(.nodes[]?.sizes[]?), (.estimates[]?)] |
			map(select(.size_kb == 2048)) | select(length > 0) |
			[(map(.now) | add), (map(.after_compaction) | add), (map(.after_reclaim) | add)] |
			map(tostring) | join(" ")' 2>/dev/null)
		est_now=err est_comp=err est_recl=err
		# shellcheck disable=SC2086
		[ -n "$f" ] && set -- $f && est_now=$1 est_comp=$2 est_recl=$3
	else
		est_now=err est_comp=err est_recl=err
	fi
}

# The report's "after the first compaction: N now, N after reclaim" lines
# (the estimate again, from a snapshot read right after buddyctl's first
# compaction of a node), from what the method printed, summed over the
# nodes like the est_* columns: rev_now, rev_recl, rev_json; "-" and null
# when it did not compact.
revised_estimate() {
	# shellcheck disable=SC2046
	set -- $(tail -n +$((log_mark + 1)) "$log" |
		sed -n 's/^ *after the first compaction: \([0-9]*\) now, \([0-9]*\) after reclaim.*/\1 \2/p' |
		awk '{ n += $1; r += $2 } END { if (NR) print n, r }')
	[ $# = 2 ] || return 0
	rev_now=$1 rev_recl=$2
	rev_json="{\"now\":$1,\"after_reclaim\":$2}"
}

csv_row() {
	echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),$(uname -r),$scenario,$rep,$method,$size,$N,$1,$2,$3,$b_memfree,$a_memfree,$b_free2m,$a_free2m,$b_cached,$a_cached,$b_filelru,$a_filelru,$b_srecl,$a_srecl,$est_now,$est_comp,$est_recl,$rev_now,$rev_recl,$build_s,$migrated,$stalls,$(echo "$cmd" | tr ',' ';')" >> "$csv"
}

echo "date,kernel,scenario,rep,method,size,requested,obtained,seconds,rc,memfree_before_kb,memfree_after_kb,free2m_before,free2m_after,cached_before_kb,cached_after_kb,filelru_before_kb,filelru_after_kb,sreclaimable_before_kb,sreclaimable_after_kb,est_now,est_after_compaction,est_after_reclaim,est_rev_now,est_rev_after_reclaim,build_s,migrated,compact_stalls,command" > "$csv"
{
	echo "compare.sh $tag: $(uname -r), $(nproc) CPUs, MemTotal $(awk '/^MemTotal/ { print $2 }' /proc/meminfo) kB"
	echo "scenarios=$scenarios methods=$methods reps=$reps size=$size pages=$pages max_share=$max_share"
	echo "buddyctl: $("$BUDDYCTL" --version 2>&1)"
	echo "hugeadm: $(dpkg-query -W -f='${Version}' libhugetlbfs-bin 2>/dev/null), dpdk: $(dpkg-query -W -f='${Version}' dpdk 2>/dev/null)"
} >> "$log"

pools_zero
t_start=$(date +%s)
old_ifs=$IFS
IFS=,
for scenario in $scenarios; do
	N=
	is_uint "$pages" && N=$pages
	rep=1
	while [ "$rep" -le "$reps" ]; do
		for method in $methods; do
			IFS=$old_ifs
			est_now=- est_comp=- est_recl=- est_json=null build_s=
			rev_now=- rev_recl=- rev_json=null
			b_memfree='' a_memfree='' b_free2m='' a_free2m='' b_cached='' a_cached=''
			b_filelru='' a_filelru='' b_srecl='' a_srecl='' migrated='' stalls=''
			b_migrated='' a_migrated='' b_stall='' a_stall=''
			pools_zero
			echo "compare: [$scenario rep $rep/$reps] $method: building the fragmented state ($size)" >&2
			echo "=== $scenario rep $rep $method" >> "$log"
			if ! start_fragment "$scenario"; then
				cmd=$(method_cmd "$method" "${N:-0}")
				csv_row "" "" "fragment-failed"
				IFS=,
				continue
			fi
			eval "$(meminfo b_)"
			b_free2m=$(free2m)
			if [ -z "$N" ]; then
				if [ "$pages" = reach ]; then
					N=$((b_free2m + ((b_memfree + b_filelru + b_srecl) / 2048 - b_free2m) * 6 / 10))
					why="$b_free2m free 2 MiB blocks + 0.6 x the rest of MemFree $b_memfree kB, file LRU $b_filelru kB, SReclaimable $b_srecl kB"
				else
					N=$((b_memfree * 6 / 10 / 2048))
					why="0.6 x MemFree $b_memfree kB; $b_free2m free 2 MiB blocks"
				fi
				echo "compare: $scenario: asking every method for $N x 2 MiB ($why)" >&2
				echo "requested $N: $why" >> "$log"
			fi
			cmd=$(method_cmd "$method" "$N")
			case $method in buddyctl*) run_estimate ;; esac
			echo "\$ $cmd" >> "$log"
			log_mark=$(wc -l < "$log")
			t0=$(now_ns)
			run_method "$cmd"
			rc=$method_rc
			t1=$(now_ns)
			got=$(cat "$pool")
			eval "$(meminfo a_)"
			a_free2m=$(free2m)
			migrated=$((a_migrated - b_migrated))
			stalls=$((a_stall - b_stall))
			secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
			echo "exit $rc, pool $got of $N, $secs s" >> "$log"
			case $method in buddyctl*) revised_estimate ;; esac
			csv_row "$got" "$secs" "$rc"
			if [ "${method#buddyctl}" != "$method" ]; then
				printf '{"method":"%s","scenario":"%s","rep":%d,"requested":%d,"obtained":%d,"rc":%d,"estimate_rc":%d,"estimate":%s,"after_first_compaction":%s}\n' \
					"$method" "$scenario" "$rep" "$N" "$got" "$rc" "$est_rc" "$est_json" "$rev_json" >> "$estfile"
			fi
			echo "compare: [$scenario rep $rep/$reps] $method: $got of $N pages in $secs s (exit $rc)" >&2
			pools_zero
			stop_fragment
			IFS=,
		done
		rep=$((rep + 1))
	done
done
IFS=$old_ifs

{
	echo "## compare.sh $tag"
	echo
	echo "$(uname -r), $(nproc) CPUs, MemTotal $(awk '/^MemTotal/ { print $2 }' /proc/meminfo) kB; size $size, pages $pages, $reps rep(s), $(($(date +%s) - t_start)) s in all."
	echo
	summary "$csv"
} > "$md"
echo
cat "$md"
echo
echo "compare: rows in $csv, table in $md, command output in $log" >&2
