#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-guest.sh DIR COMMAND -- boot a real Debian kernel with a chosen NUMA
# layout under QEMU, run COMMAND in the guest (busybox sh, in /test, a copy of
# DIR; '-' for none), print its output (stdout and stderr together) and exit
# with its exit status.
#
# Exit status: COMMAND's own, or
#   125  the guest never reported (boot failure, panic, timeout): the tail of
#        the kernel log goes to stderr;
#   77   cannot run here (QEMU or busybox-static missing and not root to
#        install them, or the kernel cannot be fetched): one line "SKIP: why"
#        on stderr;
#   64   usage error.
#
# Everything it needs comes from Debian's packages. On the first run it
# installs qemu-system-x86 and busybox-static when missing (as root), and
# fetches linux-image-cloud-amd64's current kernel with `apt-get download`
# (never installed on this machine): boot/vmlinuz-* and boot/config-* are
# unpacked into the cache folder and the .deb is deleted. Later runs use the
# cache without asking apt anything.
#
# Knobs (environment variables):
#   GUEST_NUMA     "ID:MiB[:CPUS] ..." (default "0:3072 1:3072"). MiB 0 is a
#                  memoryless node, '-' a node with neither memory nor CPU
#                  (QEMU wants every id up to the highest). CPUS is a QEMU CPU
#                  list ("0-1"), empty for none; without the field the n-th
#                  node listed gets CPU n-1 when there is one.
#   GUEST_SMP      CPUs (2).
#   GUEST_APPEND   more kernel command line.
#   GUEST_MACHINE  QEMU machine (pc).
#   GUEST_ACCEL    QEMU accelerator (tcg: the same everywhere, KVM or not).
#   GUEST_BIOS     firmware (qboot.rom: the fastest to boot).
#   GUEST_QEMU_ARGS  more QEMU arguments (split at blanks).
#   GUEST_TIMEOUT  seconds before the guest is killed (180).
#   GUEST_KERNEL   a vmlinuz to boot instead of the cached Debian one.
#   GUEST_CACHE    the cache folder (tests/vm/cache, ignored by git; `make
#                  clean` leaves it).
#   GUEST_KLOG     keep the kernel log (first UART) in this file.
#   GUEST_VERBOSE  1: boot without 'quiet'.
#   GUEST_NO_SETUP 1: install and fetch nothing; skip (77) when missing.
#   GUEST_ROOT     a directory holding a whole root file system with systemd
#                  (tests/vm/systemd-check.sh builds one): the initramfs is
#                  that tree, unchanged, followed by a second archive with
#                  /test, /command and run-guest-command.service, and the
#                  kernel starts /lib/systemd/systemd as PID 1 (rdinit=).
#                  The unit runs COMMAND after multi-user.target, hands its
#                  output back as the busybox guest does and powers off.
set -u

usage() { echo "usage: run-guest.sh DIR|- COMMAND" >&2; exit 64; }
[ $# -eq 2 ] || usage
DIR=$1 CMD=$2

HERE=$(cd "$(dirname "$0")" && pwd -P)
GUEST_NUMA=${GUEST_NUMA:-"0:3072 1:3072"}
GUEST_SMP=${GUEST_SMP:-2}
GUEST_APPEND=${GUEST_APPEND:-}
GUEST_MACHINE=${GUEST_MACHINE:-pc}
GUEST_ACCEL=${GUEST_ACCEL:-tcg}
GUEST_BIOS=${GUEST_BIOS:-qboot.rom}
GUEST_QEMU_ARGS=${GUEST_QEMU_ARGS:-}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-180}
GUEST_KERNEL=${GUEST_KERNEL:-}
GUEST_CACHE=${GUEST_CACHE:-$HERE/cache}
GUEST_KLOG=${GUEST_KLOG:-}
GUEST_VERBOSE=${GUEST_VERBOSE:-0}
GUEST_NO_SETUP=${GUEST_NO_SETUP:-0}
GUEST_ROOT=${GUEST_ROOT:-}

skip() { echo "SKIP: $*" >&2; exit 77; }
die() { echo "run-guest.sh: $*" >&2; exit 125; }

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# --- packages -----------------------------------------------------------
missing=
installed qemu-system-x86 || missing="$missing qemu-system-x86"
# the busybox package is dynamically linked; the initramfs has no libraries
installed busybox-static || missing="$missing busybox-static"
if [ -n "$missing" ]; then
	[ "$GUEST_NO_SETUP" = 1 ] && skip "missing packages:$missing (GUEST_NO_SETUP=1)"
	[ "$(id -u)" = 0 ] || skip "missing packages:$missing; run as root to install them"
	echo "run-guest.sh: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	if ! apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; then
		apt-get update -qq >/dev/null 2>&1
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
			skip "cannot install$missing"
	fi
fi
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || skip "no $BUSYBOX"

# --- kernel -------------------------------------------------------------
# The cache holds vmlinuz-VERSION and config-VERSION, and 'kernel' naming the
# VERSION in use.
fetch_kernel() {
	mkdir -p "$GUEST_CACHE" || skip "cannot create $GUEST_CACHE"
	pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
	      awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
	if [ -z "$pkg" ]; then
		[ "$(id -u)" = 0 ] && apt-get update -qq >/dev/null 2>&1
		pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		      awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
	fi
	[ -n "$pkg" ] || skip "apt knows no linux-image-cloud-amd64 (apt-get update?)"
	dl=$(mktemp -d "$GUEST_CACHE/dl.XXXXXX") || skip "cannot create a folder in $GUEST_CACHE"
	# apt-get download runs as _apt when it can: let it write there
	chmod 0777 "$dl"
	echo "run-guest.sh: fetching $pkg (apt-get download, not installed)" >&2
	if ! (cd "$dl" && apt-get download -qq "$pkg" >/dev/null 2>&1); then
		rm -rf "$dl"
		skip "apt-get download $pkg failed"
	fi
	deb=$(ls "$dl"/*.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || { rm -rf "$dl"; skip "apt-get download $pkg left no .deb"; }
	mkdir "$dl/x"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dl/x" --wildcards './boot/vmlinuz-*' './boot/config-*' ||
		{ rm -rf "$dl"; skip "cannot unpack $deb"; }
	v=$(ls "$dl/x/boot" | sed -n 's/^vmlinuz-//p' | head -n 1)
	[ -n "$v" ] || { rm -rf "$dl"; skip "no boot/vmlinuz-* in $deb"; }
	mv "$dl/x/boot/vmlinuz-$v" "$dl/x/boot/config-$v" "$GUEST_CACHE/" &&
		echo "$v" > "$GUEST_CACHE/kernel"
	rm -rf "$dl"
}
if [ -z "$GUEST_KERNEL" ]; then
	if ! [ -s "$GUEST_CACHE/kernel" ] || ! [ -s "$GUEST_CACHE/vmlinuz-$(cat "$GUEST_CACHE/kernel")" ]; then
		[ "$GUEST_NO_SETUP" = 1 ] && skip "no kernel in $GUEST_CACHE (GUEST_NO_SETUP=1)"
		fetch_kernel
	fi
	GUEST_KERNEL=$GUEST_CACHE/vmlinuz-$(cat "$GUEST_CACHE/kernel")
fi
[ -r "$GUEST_KERNEL" ] || skip "cannot read $GUEST_KERNEL"

# --- NUMA layout --------------------------------------------------------
NUMA_ARGS= MEM=0 pos=0
for spec in $GUEST_NUMA; do
	id=${spec%%:*} rest=${spec#*:}
	case $rest in *:*) mib=${rest%%:*} cpus=${rest#*:} hascpus=1 ;;
	              *) mib=$rest cpus= hascpus=0 ;; esac
	case $id in ''|*[!0-9]*) echo "run-guest.sh: GUEST_NUMA: bad node id in '$spec'" >&2; exit 64 ;; esac
	if [ $hascpus = 0 ] && [ $pos -lt "$GUEST_SMP" ] && [ "$mib" != - ]; then
		cpus=$pos
	fi
	pos=$((pos + 1))
	node="node,nodeid=$id"
	case $mib in
	-|0) ;;
	*[!0-9]*|'') echo "run-guest.sh: GUEST_NUMA: bad size in '$spec'" >&2; exit 64 ;;
	*) NUMA_ARGS="$NUMA_ARGS -object memory-backend-ram,id=m$id,size=${mib}M"
	   node="$node,memdev=m$id"
	   MEM=$((MEM + mib)) ;;
	esac
	[ -n "$cpus" ] && node="$node,cpus=$cpus"
	NUMA_ARGS="$NUMA_ARGS -numa $node"
done
[ $MEM -gt 0 ] || { echo "run-guest.sh: GUEST_NUMA has no memory" >&2; exit 64; }

# --- initramfs ----------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/run-guest.XXXXXX") || die "cannot create a temporary folder"
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

R=$TMP/root
mkdir -p "$R/bin" "$R/test" || die "cannot fill $R"
cp "$BUSYBOX" "$R/bin/busybox" || die "cannot copy $BUSYBOX"
if [ "$DIR" != - ]; then
	[ -d "$DIR" ] || { echo "run-guest.sh: $DIR: not a directory" >&2; exit 64; }
	cp -R "$DIR/." "$R/test/" || die "cannot copy $DIR"
fi
printf '%s\n' "$CMD" > "$R/command"
if [ -n "$GUEST_ROOT" ]; then
	# A whole root with systemd as PID 1. Its tree goes first into the
	# initramfs as it is; the archive appended to it (the kernel unpacks
	# concatenated archives in order) adds the command and a unit that runs
	# it once the boot is done, with its output on the second UART between
	# the same markers as below, and then powers off.
	[ -x "$GUEST_ROOT/lib/systemd/systemd" ] ||
		{ echo "run-guest.sh: GUEST_ROOT $GUEST_ROOT has no lib/systemd/systemd" >&2; exit 64; }
	rm -rf "$R/bin"
	mkdir -p "$R/etc/systemd/system/multi-user.target.wants" || die "cannot fill $R"
	cat > "$R/run-guest-command" <<'EOF'
#!/bin/sh
# run-guest.sh: the test command, its output on the second UART
stty -F /dev/ttyS1 raw -echo 2>/dev/null
{
	echo "@@GUEST-BEGIN@@"
	cd /test && sh -c "$(cat /command)" 2>&1
	rc=$?
	printf '\n@@GUEST-EXIT rc=%d@@\n' "$rc"
} > /dev/ttyS1 2>&1
systemctl --no-block poweroff
EOF
	cat > "$R/etc/systemd/system/run-guest-command.service" <<'EOF'
[Unit]
Description=run-guest.sh: the test command
# Once the boot is done: every unit of sysinit.target and multi-user.target
# has started (or failed).
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/bin/sh /run-guest-command
# The command may take long under TCG; run-guest.sh's timeout bounds it.
TimeoutStartSec=infinity
EOF
	ln -s ../run-guest-command.service \
		"$R/etc/systemd/system/multi-user.target.wants/run-guest-command.service" &&
		chmod 0755 "$R/run-guest-command" || die "cannot fill $R"
	# Uncompressed: QEMU loads 100 MB at once, where gunzip under TCG takes
	# seconds.
	{ (cd "$GUEST_ROOT" && find . | "$BUSYBOX" cpio -o -H newc 2>/dev/null) &&
	  (cd "$R" && find . | "$BUSYBOX" cpio -o -H newc 2>/dev/null); } > "$TMP/initrd" ||
		die "cannot build the initramfs of $GUEST_ROOT"
	INIT=/lib/systemd/systemd
else
# The test's output goes to the second UART, the kernel's to the first, so
# they never interleave. Closing ttyS1 waits until the UART has drained, so
# nothing is lost at poweroff.
cat > "$R/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mkdir -p /dev/hugepages && mount -t hugetlbfs hugetlbfs /dev/hugepages
stty -F /dev/ttyS1 raw -echo 2>/dev/null
export PATH=/test:/bin:/sbin:/usr/bin:/usr/sbin HOME=/tmp
{
	echo "@@GUEST-BEGIN@@"
	cd /test && sh -c "$(cat /command)" 2>&1
	rc=$?
	printf '\n@@GUEST-EXIT rc=%d@@\n' "$rc"
} > /dev/ttyS1 2>&1
poweroff -f
EOF
chmod 0755 "$R/init"
(cd "$R" && find . | "$BUSYBOX" cpio -o -H newc 2>/dev/null | gzip -1 > "$TMP/initrd") ||
	die "cannot build the initramfs"
INIT=/init
fi

# --- boot ---------------------------------------------------------------
APPEND="console=ttyS0 panic=-1 nokaslr rdinit=$INIT init_on_alloc=0 mitigations=off cryptomgr.notests i8042.nokbd i8042.noaux i8042.nopnp"
[ "$GUEST_VERBOSE" = 1 ] || APPEND="$APPEND quiet"
[ -n "$GUEST_APPEND" ] && APPEND="$APPEND $GUEST_APPEND"
: > "$TMP/klog"; : > "$TMP/out"
# shellcheck disable=SC2086
timeout -k 5 "$GUEST_TIMEOUT" qemu-system-x86_64 -accel "$GUEST_ACCEL" -cpu max \
	-machine "$GUEST_MACHINE" -smp "$GUEST_SMP" -m "${MEM}M" $NUMA_ARGS \
	-kernel "$GUEST_KERNEL" -initrd "$TMP/initrd" -append "$APPEND" \
	-bios "$GUEST_BIOS" -display none -nodefaults -no-user-config -no-reboot \
	-serial "file:$TMP/klog" -serial "file:$TMP/out" $GUEST_QEMU_ARGS \
	> "$TMP/qemu.out" 2>&1
qrc=$?
[ -n "$GUEST_KLOG" ] && cp "$TMP/klog" "$GUEST_KLOG"

rc=$(tr -d '\r' < "$TMP/out" | sed -n 's/^@@GUEST-EXIT rc=\([0-9]*\)@@$/\1/p' | tail -n 1)
if [ -z "$rc" ] || ! grep -q '^@@GUEST-BEGIN@@' "$TMP/out"; then
	echo "run-guest.sh: the guest never reported (qemu exit $qrc; 124 = timeout after ${GUEST_TIMEOUT}s)" >&2
	[ -s "$TMP/qemu.out" ] && sed 's/^/qemu: /' "$TMP/qemu.out" >&2
	tail -n 40 "$TMP/klog" | sed 's/^/klog: /' >&2
	tail -n 20 "$TMP/out" | sed 's/^/out: /' >&2
	exit 125
fi
# The lines between the markers; the newline printed before the exit marker
# is taken off again.
tr -d '\r' < "$TMP/out" | awk '
	/^@@GUEST-BEGIN@@$/ { on = 1; n = 0; next }
	/^@@GUEST-EXIT rc=[0-9]*@@$/ { on = 0; next }
	on { line[++n] = $0 }
	END { if (n > 0 && line[n] == "") n--; for (i = 1; i <= n; i++) print line[i] }'
exit "$rc"
