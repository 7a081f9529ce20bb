#!/bin/sh
# Dry-run writes nothing, proven on the live kernel: plan, apply --dry-run,
# reserve --dry-run, compact --dry-run and drop-caches --dry-run run under
# strace; the trace must show no open for writing (O_WRONLY, O_RDWR, O_CREAT,
# O_TRUNC) of any file, and no write(2) to any file under /proc or /sys.
#   tests/live_dryrun.sh BUDDYCTL
set -u
bin=${1:?usage: live_dryrun.sh BUDDYCTL}
# make check's summary (tests/check-summary.sh): RUN PASSED SKIPPED FAILED
record() {
	[ -z "${BUDDYCTL_CHECKDIR:-}" ] ||
		printf 'live dry-run (strace)\tlive_dryrun.sh %s\t%s\t%s\t%s\t%s\n' "$bin" "$@" >> "$BUDDYCTL_CHECKDIR/results"
}
skip_all() {
	echo "live dry-run: SKIPPED ($1)"
	record 1 0 1 0
	[ -z "${BUDDYCTL_CHECKDIR:-}" ] ||
		printf 'live_dryrun.sh %s\tall 7 commands\t%s\n' "$bin" "$1" >> "$BUDDYCTL_CHECKDIR/skips"
	exit 0
}
command -v strace >/dev/null || skip_all "strace not installed; sh .ci/deps installs it"
strace -f -qq -o /dev/null true 2>/dev/null || skip_all "ptrace not permitted here"
tmp=$(mktemp -d /tmp/buddyctl-dry.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# a policy that plans every kind of action on any machine
cat > "$tmp/p.conf" <<EOC
[fragmentation]
warn_unusable = 0
crit_unusable = 0
[remediate]
crit = compact-node, drop-all, compact-all
[hugepages 2M]
total = 64
[run]
state_file = $tmp/state
lock_file = $tmp/lock
EOC
fail=0 n=0
check() {
	n=$((n + 1))
	strace -f -y -qq -e trace=openat,open,creat,write,truncate,ftruncate,rename,unlink,mkdir \
		-o "$tmp/trace" "$bin" "$@" > "$tmp/out" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 1 ] && [ $rc -ne 2 ]; then
		echo "live dry-run: '$*' exited $rc:"; cat "$tmp/out"; fail=$((fail + 1)); return
	fi
	bad=$(grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|creat\(|truncate\(|rename\(|unlink\(|mkdir\(' "$tmp/trace";
	      grep -E 'write\([0-9]+</(proc|sys)/' "$tmp/trace")
	if [ -n "$bad" ]; then
		echo "live dry-run: '$*' wrote:"; printf '%s\n' "$bad" | head -5; fail=$((fail + 1))
	elif ! grep -q 'dry run\|"dry_run":true' "$tmp/out"; then
		echo "live dry-run: '$*' did not print a dry-run plan:"; head -5 "$tmp/out"; fail=$((fail + 1))
	fi
}
check plan -c "$tmp/p.conf"
check apply --dry-run -c "$tmp/p.conf"
check apply --dry-run -c "$tmp/p.conf" -f json
check reserve --dry-run 2M:64 1G:1@0
check compact --dry-run
check compact --dry-run --node 0
check drop-caches --dry-run --level all
[ -e "$tmp/state" ] && { echo "live dry-run: a state file was written"; fail=$((fail + 1)); }
[ -e "$tmp/lock" ] && { echo "live dry-run: a lock file was created"; fail=$((fail + 1)); }
echo "live dry-run: $((n - fail)) passed, $fail failed"
record "$n" "$((n - fail))" 0 "$fail"
[ "$fail" = 0 ]
