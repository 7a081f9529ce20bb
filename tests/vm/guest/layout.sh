#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest: the tests every layout gets, on node NODE (the last memory node).
#   layout.sh NODE [MEMORYLESS_NODE]
. /test/lib.sh
node=$1 memless=${2:-}

cat > /tmp/policy.conf <<POL
[node $node]
warn_unusable = 0
crit_unusable = 0
crit = compact-node
[run]
min_interval = 0
state_file = /tmp/buddyctl.state
lock_file = /tmp/buddyctl.lock
[hugepages 2M]
count = $node:16
POL

check "online nodes" "$(cat /test/expect.online)" "$(cat $NODES/online)" "online"
check "memory nodes" "$(cat /test/expect.has_memory)" "$(cat $NODES/has_memory)" "has_memory"
if [ -n "${MOVABLE:-}" ]; then
	grep -q "^Node $MOVABLE, zone  Movable" /proc/buddyinfo &&
		pass "node $MOVABLE has a Movable zone" ||
		fail "node $MOVABLE has a Movable zone" "$(grep "^Node $MOVABLE" /proc/buddyinfo)"
fi
state boot
dry_run /tmp/policy.conf "$node"
reserve_only "$node" 16
estimate_2m "$node"
compact_only "$node"
estimate_nodes
if [ -n "$memless" ]; then
	$B $BC_OPTS compact --node "$memless" > /tmp/ml.out 2>&1
	check "compact --node $memless (no memory) is a usage error" 64 $? "exit status"
	$B estimate --node "$memless" > /tmp/ml.out 2>&1
	check "estimate --node $memless (no memory) is a usage error" 64 $? "exit status"
	$B $BC_OPTS reserve "2M:8@$memless" > /tmp/ml.out 2>&1
	check "reserve 2M:8@$memless (no memory) is a usage error" 64 $? "exit status"
	check "reserve 2M:8@$memless (no memory) gets nothing" 0 "$(nr "$memless" 2048)" "nr_hugepages"
fi
# node NODE's thresholds are 0: still at crit after its compaction, so the
# run is "partly done" (buddyctl(8) EXIT STATUS)
$B apply --format json --config /tmp/policy.conf > /tmp/apply.json 2> /tmp/apply.err
check "apply exit (node $node stays at crit)" 1 $? "exit status"
grep -q "\"exit_reason\":\"node $node" /tmp/apply.json &&
	pass "apply's exit_reason names node $node" ||
	fail "apply's exit_reason names node $node" "$(grep -o '"exit_reason":[^}]*' /tmp/apply.json)"
check "apply sets the 2M pool of node $node" 16 "$(nr "$node" 2048)" "nr_hugepages"
state applied
finish
