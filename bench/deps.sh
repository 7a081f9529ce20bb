#!/bin/sh
# Install what bench/compare.sh and bench/plot.sh need on Debian 12 (bookworm),
# skipping what is already installed. Run as root. compare.sh calls it itself.
#   libhugetlbfs-bin  hugeadm (methods hugeadm, hugeadm-hard)
#   dpdk              /usr/bin/dpdk-hugepages.py (method dpdk)
#   gnuplot-nox       plot.sh (PNG through the pngcairo terminal)
#   gcc make          bench/fragment
#   jq                reads the JSON of `buddyctl estimate`
#   procps            pgrep (compare.sh waits for a stopped method's processes)
set -eu
PKGS="gcc make jq procps libhugetlbfs-bin dpdk gnuplot-nox"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "bench deps: missing packages:$missing; run as root to install them" >&2
		exit 1
	fi
	echo "bench deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
