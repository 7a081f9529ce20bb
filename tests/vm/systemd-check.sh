#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# systemd-check.sh -- the units of etc/systemd/ booted under a real systemd
# as PID 1 (`make systemd-check`, run by `make check`).
#
# 1. A Debian 12 root (debootstrap --variant=minbase with systemd and the
#    package's libraries) is built once into tests/vm/cache/systemd-root-KEY
#    (KEY: a hash of the package list and of the preparation below; a new
#    key rebuilds it and removes the old one).
# 2. Per run: a copy in build/systemd/root, the .deb of `make deb-check`
#    (build/deb/; built by tests/deb_check.sh when missing or older than the
#    tree) installed with `dpkg --root`, the boot policy written to
#    /etc/buddyctl/buddyctl.conf, and buddyctl-reserve.service,
#    buddyctl-remediate.timer and dev-hugepages1G.mount enabled with
#    `systemctl --root` (no systemd needed for that).
# 3. One boot of tests/vm/run-guest.sh with GUEST_ROOT (the root as the
#    initramfs, systemd as PID 1, two NUMA nodes as the two-node layout):
#    tests/vm/guest/systemd.sh runs after multi-user.target, drives the
#    units and hands back what it saw; tests/vm/systemd_check.py judges it.
#
# Prints one line per assertion and "systemd: N passed, N failed"; exit 0
# when nothing failed (also when skipped: "== systemd guest: SKIPPED (why)"),
# 1 else. The guest's output is kept in build/systemd/.
set -u
cd "$(dirname "$0")/../.." || exit 1
VM=tests/vm
OUT=build/systemd
CACHE=${GUEST_CACHE:-$VM/cache}
MIRROR=${SYSTEMD_CHECK_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
# systemd as PID 1 and the libraries the package depends on; nothing else
INCLUDE=systemd,systemd-sysv,libnuma1,libcap-ng0,libinih1
# two-node's layout (tests/vm/layouts.sh): 1 GiB pages can be had on both nodes
NUMA="0:4096 1:3072"

skip() { echo "== systemd guest: SKIPPED ($*)"; exit 0; }
start=$(date +%s)

[ "$(id -u)" = 0 ] || skip "not root: debootstrap, dpkg --root and a root-owned tree need root"
command -v debootstrap > /dev/null || skip "debootstrap not installed (sh .ci/deps)"
command -v python3 > /dev/null || skip "no python3 to judge the guest's output"
command -v dpkg-buildpackage > /dev/null || skip "dpkg-buildpackage not installed (sh .ci/deps)"

# --- the base root, cached ------------------------------------------------
# Everything that shapes the root is in this recipe; its hash names the cache.
recipe() {
	cat <<EOF
debootstrap --variant=minbase --include=$INCLUDE $SUITE
trim: apt lists and archives, doc, man, info, locale
disable: apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer fstrim.timer e2scrub_reap.service
mask: getty.target systemd-pstore.service
EOF
}
KEY=$(recipe | sha256sum | cut -c1-12)
BASE=$CACHE/systemd-root-$KEY
if ! [ -x "$BASE/lib/systemd/systemd" ]; then
	mkdir -p "$CACHE" || exit 1
	t0=$(date +%s)
	tmp=$CACHE/systemd-root.tmp
	rm -rf "$tmp"
	echo "== systemd guest: debootstrap $SUITE ($INCLUDE) from $MIRROR into $BASE"
	if ! debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$tmp" "$MIRROR" > "$CACHE/debootstrap.log" 2>&1; then
		tail -n 5 "$CACHE/debootstrap.log" | sed 's/^/  /'
		rm -rf "$tmp"
		# the mirror cannot be reached (a package debootstrap cannot find is
		# "Couldn't find these debs": a failure, not a skip)
		if grep -qE "Failed getting release file|Couldn't download|Temporary failure in name resolution|Could not resolve" "$CACHE/debootstrap.log"; then
			skip "debootstrap could not fetch from $MIRROR (no network?); log: $CACHE/debootstrap.log"
		fi
		echo "systemd-check: debootstrap failed (log: $CACHE/debootstrap.log)"
		exit 1
	fi
	# A root of about 100 MB: the guest unpacks it into its memory.
	rm -rf "$tmp"/var/cache/apt/*.bin "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/* \
		"$tmp"/usr/share/doc/* "$tmp"/usr/share/man/* "$tmp"/usr/share/info/* "$tmp"/usr/share/locale/*
	# Nothing of the guest's own runs beside the test: no apt or fstrim
	# timers, no getty (no udev: it would wait 90 s for its tty device),
	# no pstore.
	systemctl --root="$tmp" --quiet disable apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer \
		e2scrub_all.timer fstrim.timer e2scrub_reap.service 2>/dev/null
	systemctl --root="$tmp" --quiet mask getty.target systemd-pstore.service || exit 1
	rm -rf "$CACHE"/systemd-root-*
	mv "$tmp" "$BASE" || exit 1
	echo "== systemd guest: root built in $(($(date +%s) - t0)) s ($(du -sm "$BASE" | cut -f1) MB)"
fi

# --- the package ----------------------------------------------------------
version=$(sed -n '1s/^buddyctl (\([^)]*\)).*/\1/p' debian/changelog)
DEB=build/deb/buddyctl_${version}_$(dpkg-architecture -qDEB_HOST_ARCH).deb
stale=
if [ -f "$DEB" ] && git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	stale=$(git ls-files -z -c -o --exclude-standard | xargs -0 -r sh -c \
		'for f; do [ "$f" -nt "$0" ] && { echo "$f"; break; }; done' "$DEB" | head -n 1)
fi
if ! [ -f "$DEB" ] || [ -n "$stale" ]; then
	echo "== systemd guest: building the package (tests/deb_check.sh)${stale:+: $stale is newer than $DEB}"
	mkdir -p "$OUT" || exit 1
	sh tests/deb_check.sh > "$OUT/deb.log" 2>&1 || {
		tail -n 20 "$OUT/deb.log"; echo "systemd-check: tests/deb_check.sh failed"; exit 1; }
fi

# --- the root of this run -------------------------------------------------
mkdir -p "$OUT" || exit 1
ROOT=$OUT/root
rm -rf "$ROOT" "$OUT/test"
cp -a "$BASE" "$ROOT" || exit 1
dpkg --root="$ROOT" -i "$DEB" > "$OUT/dpkg.log" 2>&1 ||
	{ cat "$OUT/dpkg.log"; echo "systemd-check: dpkg --root -i $DEB failed"; exit 1; }

# The boot policy: 64 pages of 2M on each node, which the nodes have, and
# 3 x 1G on node 1, which cannot hold them (force = yes: above what it
# could ever hold): a shortfall that is not mandatory. The escalation names
# drain-pcp and compact-node: the plan keeps them only where node 1's 1G map
# says they can clear a range (the remediation below compacts node 1 and
# drops caches through the same sandbox).
cat > "$ROOT/etc/buddyctl/buddyctl.conf" <<'EOF'
[hugepages 2M]
count = 0:64, 1:64
[hugepages 1G]
count = 1:3
force = yes
on_short = retry, drain-pcp, compact-node
rounds = 1
EOF
# A sysctl.d file that sizes the same 2M pool, lower than the policy (16 in
# all, 8 per node): systemd-sysctl.service writes it at boot, and the boot
# unit, ordered after it, sets the pools to the policy's 64 all the same
# and warns, naming both files (the other way round the pools would end at
# 8). The guest removes it once the boot is recorded.
mkdir -p "$ROOT/etc/sysctl.d"
printf '# tests/vm/systemd-check.sh: fights the boot policy\nvm.nr_hugepages = 16\n' \
	> "$ROOT/etc/sysctl.d/80-hugepages.conf"
mkdir -p "$OUT/test"
cp "$VM/guest/systemd.sh" "$OUT/test/" || exit 1
# The same, "mandatory = yes": buddyctl-reserve.service must fail.
sed 's/^force = yes$/force = yes\nmandatory = yes/' "$ROOT/etc/buddyctl/buddyctl.conf" > "$OUT/test/mandatory.conf"
# Remediation: node 1 always crit (thresholds 0), its steps a cache drop
# (vm/drop_caches, counted by drop_pagecache in /proc/vmstat) and a
# compaction; the pools as they are.
cat > "$OUT/test/remediate.conf" <<'EOF'
[run]
min_interval = 10m
[node 1]
warn_unusable = 0
crit_unusable = 0
crit = drop-pagecache, compact-node
[hugepages 2M]
count = 0:64, 1:64
EOF
sed 's/^\[node 1\]$/[node 0]/' "$OUT/test/remediate.conf" > "$OUT/test/cron.conf"
# The cron file's command: the fields after the five times and the user.
awk '!/^[[:space:]]*(#|$)/ && NF > 6 { $1 = $2 = $3 = $4 = $5 = $6 = ""; sub(/^ +/, ""); print; exit }' \
	etc/cron.d/buddyctl > "$OUT/test/cron.cmd"
[ -s "$OUT/test/cron.cmd" ] || { echo "systemd-check: no command line in etc/cron.d/buddyctl"; exit 1; }
systemctl --root="$ROOT" --quiet enable buddyctl-reserve.service buddyctl-remediate.timer dev-hugepages1G.mount ||
	{ echo "systemd-check: systemctl --root enable failed"; exit 1; }

# --- the boot -------------------------------------------------------------
t0=$(date +%s)
GUEST_ROOT=$ROOT GUEST_NUMA=$NUMA GUEST_KLOG=$OUT/klog GUEST_TIMEOUT=${GUEST_TIMEOUT:-240} \
	sh "$VM/run-guest.sh" "$OUT/test" 'sh systemd.sh' > "$OUT/guest.out" 2> "$OUT/guest.err"
rc=$?
t1=$(date +%s)
[ $rc = 77 ] && skip "$(sed -n 's/^SKIP: //p' "$OUT/guest.err" | head -n 1)"
echo "== systemd guest (GUEST_NUMA='$NUMA', $(du -sm "$ROOT" | cut -f1) MB root): guest exit $rc, boot and test $((t1 - t0)) s"
if [ $rc != 0 ]; then
	sed 's/^/  /' "$OUT/guest.err"
	echo "systemd: 0 passed, 1 failed"
	exit 1
fi
python3 "$VM/systemd_check.py" "$OUT/guest.out" "$OUT/test/cron.cmd"
crc=$?
rm -rf "$ROOT"
echo "== systemd guest took $(($(date +%s) - start)) s"
exit $crc
