#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every list of steps written outside the table of steps (policy/judge/steps.c)
# names the same steps as the table: --help's --ladder list and the error
# messages (generated from the table at run time, so checked that they stay
# so), the bash completion, buddyctl.conf(5) STEPS (each entry, and which are
# "Escalation only") and the Ansible role's lists. The table comes from
# build/test/step_names, which prints it.
#   tests/steps_lists.sh BUDDYCTL STEP_NAMES
set -u
bin=${1:?usage: steps_lists.sh BUDDYCTL STEP_NAMES}
names=${2:?usage: steps_lists.sh BUDDYCTL STEP_NAMES}
cd "$(dirname "$0")/.." || exit 1
pass=0 fail=0
tmp=$(mktemp -d /tmp/buddyctl-steps.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# words: the words of the arguments, split at blanks and commas, sorted, one a line
words() { printf '%s\n' "$*" | tr ', ' '\n\n' | sed '/^$/d' | sort; }

"$names" > "$tmp/table" || { echo "steps: $names failed"; exit 1; }
all=$(words "$(awk '$1 != "none" { print $1 }' "$tmp/table")")
remedies=$(words "$(awk '$2 == "remediation" { print $1 }' "$tmp/table")")
escalation_only=$(words "$(awk '$2 == "escalation" { print $1 }' "$tmp/table")")

# same WHAT WANT GOT: one test, its difference shown when it fails
same()
{
	if [ "$2" = "$3" ]; then
		pass=$((pass + 1))
	else
		echo "steps: $1 differs from the table of steps (< table, > $1):"
		printf '%s\n' "$2" > "$tmp/want"
		printf '%s\n' "$3" > "$tmp/got"
		diff "$tmp/want" "$tmp/got" | grep '^[<>]'
		fail=$((fail + 1))
	fi
}

# --help: the list after "from the estimate (", up to ")", over its lines
help=$("$bin" --help | tr '\n' ' ' | sed -n 's/.*from the estimate (\([^)]*\)).*/\1/p')
same "--help's --ladder list" "$all" "$(words "$help")"

# the error messages that list the steps
msg=$("$bin" reserve --dry-run --root tests/fixtures/vm --ladder bogus 2M:1 2>&1)
same "reserve --ladder's error" "$all" "$(words "$(printf '%s' "$msg" | sed -n "s/.*unknown step 'bogus' (\(.*\))$/\1/p")")"
printf '[hugepages 2M]\ntotal = 1\non_short = bogus\n' > "$tmp/on_short.conf"
msg=$("$bin" check --root tests/fixtures/vm -c "$tmp/on_short.conf" 2>&1)
same "on_short's error" "$all" "$(words "$(printf '%s' "$msg" | sed -n "s/.*unknown step 'bogus' (\(.*\))$/\1/p")")"
printf '[remediate]\ncrit = bogus\n' > "$tmp/remedy.conf"
msg=$("$bin" check --root tests/fixtures/vm -c "$tmp/remedy.conf" 2>&1)
same "a remediation's error" "$remedies" \
	"$(words "$(printf '%s' "$msg" | sed -n "s/.*unknown remediation step 'bogus' (\(.*\))$/\1/p")")"

# the bash completion
comp=$(sed -n "s/^[[:space:]]*local steps='\(.*\)'$/\1/p" completion/buddyctl)
same "completion/buddyctl" "$all" "$(words "$comp")"

# buddyctl.conf(5) STEPS: an entry (.TP, then .B name) per step, "none" too
man=$(awk '/^\.SH /{ s = ($2 == "STEPS") } s && prev == ".TP" && /^\.B / { print $2 } { prev = $0 }' \
	man/buddyctl.conf.5 | sed 's/\\-/-/g')
same "buddyctl.conf(5) STEPS" "$(words none "$all")" "$(words "$man")"
man_only=$(awk '/^\.SH /{ s = ($2 == "STEPS") } s && prev2 == ".TP" && prev ~ /^\.B / && /^Escalation only/ { print name }
	{ if (/^\.B /) name = $2; prev2 = prev; prev = $0 }' man/buddyctl.conf.5 | sed 's/\\-/-/g')
same "buddyctl.conf(5) STEPS' \"Escalation only\"" "$escalation_only" "$(words "$man_only")"

# the Ansible role's checks of a policy
py=contrib/ansible/roles/buddyctl/filter_plugins/buddyctl_vars.py
rem=$(sed -n "s/^REMEDIATION_STEPS = (\(.*\))$/\1/p" "$py" | tr -d "'")
esc=$(sed -n "s/^ESCALATION_STEPS = REMEDIATION_STEPS + (\(.*\))$/\1/p" "$py" | tr -d "'")
same "$py REMEDIATION_STEPS" "$remedies" "$(words "$rem")"
same "$py ESCALATION_STEPS" "$(words none "$all")" "$(words "$rem" "$esc")"

echo "steps lists: $pass passed, $fail failed"
[ "$fail" = 0 ]
