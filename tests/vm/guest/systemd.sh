# SPDX-License-Identifier: GPL-2.0-or-later
# Run by run-guest-command.service in the systemd guest of
# tests/vm/systemd-check.sh (sh in /test, after multi-user.target). It only
# acts and records: every section goes out between "@@SD NAME@@" and
# "@@SD-END rc=N@@" (N: the exit status of what printed it), and
# tests/vm/systemd_check.py judges them on the host.
#
# /test holds: mandatory.conf, remediate.conf, cron.conf (policies put in
# place in turn) and cron.cmd (the command of etc/cron.d/buddyctl, as the
# host parsed it). The boot policy is already /etc/buddyctl/buddyctl.conf.
set -u
POLICY=/etc/buddyctl/buddyctl.conf
PROPS=ActiveState,SubState,Result,ExecMainStatus,ExecMainStartTimestampMonotonic,ExecMainExitTimestampMonotonic,ActiveEnterTimestampMonotonic,InactiveExitTimestampMonotonic,ConditionResult,InvocationID

sec() {
	name=$1
	shift
	echo "@@SD $name@@"
	"$@" 2>&1
	echo "@@SD-END rc=$?@@"
}
pools() {
	for f in /sys/devices/system/node/node*/hugepages/hugepages-*/nr_hugepages; do
		echo "$f $(cat "$f")"
	done
}
counter() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
show() { systemctl show -p "$PROPS" "$@"; }

# --- the boot: the reservation unit as the boot ran it --------------------
sec show-reserve-boot show buddyctl-reserve.service
sec show-sysinit systemctl show -p ActiveEnterTimestampMonotonic sysinit.target
sec show-test systemctl show -p ExecMainStartTimestampMonotonic,InactiveExitTimestampMonotonic run-guest-command.service
sec pools-boot pools
sec enabled systemctl is-enabled buddyctl-reserve.service buddyctl-remediate.timer dev-hugepages1G.mount buddyctl-metrics.timer buddyctl-map-metrics.timer
sec timer-active systemctl is-active buddyctl-remediate.timer
sec mount-1g sh -c 'grep " /dev/hugepages1G " /proc/mounts'
sec lock-file sh -c 'stat -c "%F %a %U" /run/buddyctl.lock && cat /run/buddyctl.lock'
sec failed-boot systemctl --failed --no-legend --plain
# the boot unit after systemd-sysctl.service, which wrote the sysctl.d file's
# vm.nr_hugepages (tests/vm/systemd-check.sh), and no ordering cycle
sec show-sysctl systemctl show -p ConditionResult,ExecMainExitTimestampMonotonic,ActiveEnterTimestampMonotonic systemd-sysctl.service
sec after-reserve systemctl show -p After --value buddyctl-reserve.service
sec cycles sh -c 'journalctl -b --no-pager | grep -i "ordering cycle"; true'
# the rest runs without the sysctl file: its warning is not theirs to check
rm -f /etc/sysctl.d/80-hugepages.conf
# from here on only this script starts buddyctl units
systemctl stop buddyctl-remediate.timer

# --- a mandatory target left short: the unit fails -------------------------
cp mandatory.conf "$POLICY"
sec restart-mandatory systemctl restart buddyctl-reserve.service
sec show-reserve-mandatory show buddyctl-reserve.service
sec failed-mandatory systemctl --failed --no-legend --plain
sec pools-mandatory pools
systemctl reset-failed buddyctl-reserve.service

# --- the remediation service twice, within min_interval --------------------
cp remediate.conf "$POLICY"
echo 3 > /proc/sys/vm/drop_caches  # the page cache dropped once now, so that the counter below moves by the service's drop only
sec drop-before counter drop_pagecache
sec start-remediate-1 systemctl start buddyctl-remediate.service
sec show-remediate-1 show buddyctl-remediate.service
sec drop-1 counter drop_pagecache
sec state-1 cat /var/lib/buddyctl/state
sleep 1
sec start-remediate-2 systemctl start buddyctl-remediate.service
sec show-remediate-2 show buddyctl-remediate.service
sec drop-2 counter drop_pagecache
sec state-2 cat /var/lib/buddyctl/state

# --- the cron file's command ----------------------------------------------
cp cron.conf "$POLICY"
CRON=$(cat cron.cmd)
# as written: systemd runs here, so it does nothing
sec cron-as-is sh -c "$CRON"
sec drop-cron-0 counter drop_pagecache
sec state-cron-0 cat /var/lib/buddyctl/state
# without its "test -d /run/systemd/system ||": the machine without systemd
NOSD=${CRON#*|| }
sec cron-1 sh -c "$NOSD"
sec drop-cron-1 counter drop_pagecache
sec state-cron-1 cat /var/lib/buddyctl/state
sec cron-2 sh -c "$NOSD"
sec drop-cron-2 counter drop_pagecache
sec state-cron-2 cat /var/lib/buddyctl/state

# --- the timer itself -----------------------------------------------------
# Started again, it is due at its next 10 minutes plus the machine's fixed
# random delay (checked on the host: within 13 minutes).
sed 's/^min_interval = 10m$/min_interval = 1h/' cron.conf > "$POLICY"
before=$(systemctl show -p InvocationID --value buddyctl-remediate.service)
systemctl start buddyctl-remediate.timer
sec show-timer systemctl show -p NextElapseUSecRealtime,Triggers,Persistent buddyctl-remediate.timer
sec timer-clock sh -c "echo now \$(date +%s) next \$(date -d \"\$(systemctl show -p NextElapseUSecRealtime --value buddyctl-remediate.timer)\" +%s)"
# Then the guest's clock is set 61 s past its calendar time (past
# AccuracySec=1min), so that it elapses at once and starts the service.
# After a clock jump systemd moves a calendar time already passed to the
# boot time and adds the random delay to that: the elapse would come up to
# RandomizedDelaySec= (3 min) later. So a runtime drop-in sets the delay to
# 0 for this part only.
systemctl stop buddyctl-remediate.timer
mkdir -p /run/systemd/system/buddyctl-remediate.timer.d
printf '[Timer]\nRandomizedDelaySec=0\n' > /run/systemd/system/buddyctl-remediate.timer.d/test.conf
systemctl daemon-reload
systemctl start buddyctl-remediate.timer
next=$(systemctl show -p NextElapseUSecRealtime --value buddyctl-remediate.timer)
# Started just after a calendar time (a 10-minute mark passed while it was
# stopped), Persistent= makes it elapse at once, and NextElapseUSecRealtime
# may then be empty: "date -d ''" is midnight, which would set the clock
# back by hours. The clock is moved only to a time still ahead.
next_s=$( [ -n "$next" ] && date -d "$next" +%s )
if [ -n "$next_s" ] && [ "$next_s" -gt "$(date +%s)" ]; then
	date -s "@$((next_s + 61))" > /dev/null
fi
t0=$(cut -d' ' -f1 /proc/uptime)
i=0
while [ $i -lt 90 ]; do
	now=$(systemctl show -p InvocationID,ActiveState buddyctl-remediate.service)
	case $now in *"InvocationID=$before"*|*ActiveState=activating*) ;; *) break ;; esac
	sleep 1
	i=$((i + 1))
done
sec show-timer-after systemctl show -p LastTriggerUSec buddyctl-remediate.timer
sec timer-wait sh -c "echo clock set at $t0 s, now \$(cut -d' ' -f1 /proc/uptime) s"
sec show-remediate-timer show buddyctl-remediate.service
sec drop-timer counter drop_pagecache
sec state-timer cat /var/lib/buddyctl/state
systemctl stop buddyctl-remediate.timer

# --- the metrics service --------------------------------------------------
sec start-metrics-nodir systemctl start buddyctl-metrics.service
sec show-metrics-nodir show buddyctl-metrics.service
sec start-map-metrics-nodir systemctl start buddyctl-map-metrics.service
mkdir -p /var/lib/prometheus/node-exporter
sec start-metrics systemctl start buddyctl-metrics.service
sec show-metrics show buddyctl-metrics.service
sec metrics-dir sh -c 'cd /var/lib/prometheus/node-exporter && for f in * .*; do [ -f "$f" ] && stat -c "%n %a %s" "$f"; done; true'
sec metrics-file cat /var/lib/prometheus/node-exporter/buddyctl.prom

# --- the map's metrics: kpageflags read through the unit's sandbox ----------
sec show-map-timer systemctl show -p Triggers,TimersMonotonic buddyctl-map-metrics.timer
# the pools as the map will find them (nothing changes them meanwhile)
sec pools-map pools
sec start-map-metrics systemctl start buddyctl-map-metrics.service
sec show-map-metrics show buddyctl-map-metrics.service
sec map-metrics-dir sh -c 'cd /var/lib/prometheus/node-exporter && for f in * .*; do [ -f "$f" ] && stat -c "%n %a %s" "$f"; done; true'
sec map-metrics-file cat /var/lib/prometheus/node-exporter/buddyctl-map.prom

# --- the sandbox is there: a write outside ReadWritePaths= is refused -------
# (a policy that moves state_file needs a drop-in, buddyctl.conf(5) says; without one
# the state write fails, with a warning)
sed 's|^\[run\]$|[run]\nstate_file = /etc/buddyctl/state|' remediate.conf > "$POLICY"
sec start-remediate-ro systemctl start buddyctl-remediate.service
sec show-remediate-ro show buddyctl-remediate.service
sec state-ro sh -c 'ls /etc/buddyctl/state 2>&1'

# --- the sandbox, as systemd scores it, and the journal -------------------
for u in buddyctl-reserve buddyctl-remediate buddyctl-metrics buddyctl-map-metrics; do
	sec "security-$u" systemd-analyze security --no-pager "$u.service"
done
sec journal-reserve journalctl -b -o json --no-pager -u buddyctl-reserve.service
sec journal-reserve-warning journalctl -b -o json --no-pager -p warning -u buddyctl-reserve.service
sec journal-remediate journalctl -b -o json --no-pager -u buddyctl-remediate.service
sec journal-metrics journalctl -b -o json --no-pager -u buddyctl-metrics.service
sec journal-map-metrics journalctl -b -o json --no-pager -u buddyctl-map-metrics.service
sec journal-buddyctl journalctl -b -o json --no-pager -t buddyctl
exit 0
