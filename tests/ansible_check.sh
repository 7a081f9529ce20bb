#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The Ansible role contrib/ansible/roles/buddyctl: syntax of the example and
# test playbooks, then runs of tests/ansible/test.yml against localhost in
# test mode (no package, no systemd, the policy under build/ansible/, the
# validation and the check with BUDDYCTL against a fixture tree): the policy
# written as expected, a second run changing nothing, a --check --diff run
# writing nothing, a crit verdict (and a warn one with
# buddyctl_check_fail_on: warn) and a policy the validation refuses failing
# the play, the refused policy not put in place; variables with a newline or
# of the wrong type refused by name before anything is rendered, and other
# valid forms of the same types taken.
#   tests/ansible_check.sh BUDDYCTL
set -u
bin=${1:?usage: ansible_check.sh BUDDYCTL}
cd "$(dirname "$0")/.." || exit 1
command -v ansible-playbook >/dev/null || { echo "ansible-check: ansible-playbook not found (sh .ci/deps installs ansible-core)" >&2; exit 1; }
top=$PWD/build/ansible
rm -rf "$top"
mkdir -p "$top/tmp" || exit 1
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac

# Ansible's own files stay under build/ansible too.
export LC_ALL=C.UTF-8 ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
	ANSIBLE_LOCAL_TEMP="$top/tmp" ANSIBLE_REMOTE_TEMP="$top/tmp" ANSIBLE_HOME="$top/home" \
	ANSIBLE_ROLES_PATH="$PWD/contrib/ansible/roles" ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
	ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "ansible-check: $*"; fail=$((fail + 1)); }
start=$(date +%s)

for pb in contrib/ansible/site.yml tests/ansible/test.yml; do
	if ansible-playbook -i localhost, --syntax-check "$pb" > "$top/syntax.log" 2>&1; then ok; else
		cat "$top/syntax.log"; bad "syntax check of $pb failed"; fi
done

# play NAME OUT VARS [ARGS...]: the test playbook with the variables of
# tests/ansible/VARS.yml, the policy under $top/OUT; its output in $top/NAME.log.
play() {
	name=$1 out=$2 vars=$3
	shift 3
	ansible-playbook -i localhost, tests/ansible/test.yml -e "@tests/ansible/$vars.yml" \
		-e "bc_binary=$bin" -e "bc_root=$PWD/tests/fixtures/two-node" -e "bc_out=$top/$out" \
		"$@" > "$top/$name.log" 2>&1
}
recap() { sed -n 's/^localhost *: *//p' "$top/$1.log"; }
conf=etc/buddyctl/buddyctl.conf

# 1. The policy from the variables, validated and checked (warn: passes).
if play first ok ok; then ok; else cat "$top/first.log"; bad "the play with tests/ansible/ok.yml failed"; fi
if diff -u tests/ansible/ok.expected "$top/ok/$conf"; then ok; else bad "the written policy differs from tests/ansible/ok.expected"; fi
case $(recap first) in *"changed=2 "*"failed=0"*) ok ;; *) bad "first run: expected changed=2 failed=0: $(recap first)" ;; esac

# 2. Again: nothing changes.
if play again ok ok; then ok; else cat "$top/again.log"; bad "the second play failed"; fi
case $(recap again) in *"changed=0 "*"failed=0"*) ok ;; *) bad "second run changed something: $(recap again)" ;; esac

# 3. --check --diff with another threshold: the diff is shown, nothing written.
if play dry ok ok --check --diff -e '{"buddyctl_fragmentation": {"warn_unusable": 0.6, "crit_unusable": 0.9}}'; then ok; else
	cat "$top/dry.log"; bad "the --check --diff play failed"; fi
grep -q '^-crit_unusable = 0.85' "$top/dry.log" && grep -q '^+crit_unusable = 0.9' "$top/dry.log" && ok ||
	bad "--check --diff did not show the changed threshold"
if diff -q tests/ansible/ok.expected "$top/ok/$conf" >/dev/null; then ok; else bad "--check wrote the policy"; fi

# 4. A mandatory pool the fixture does not hold: check says crit, the play fails.
if play crit crit crit; then bad "the play passed on a crit verdict"; else ok; fi
grep -q 'buddyctl check exited 2 (crit)' "$top/crit.log" && ok || { cat "$top/crit.log"; bad "no crit message"; }
grep -q '^count = 0:2$' "$top/crit/$conf" && ok || bad "the crit policy was not written"

# 5. The same pool with buddyctl_check_fail_on: warn: the 1G pools of
# tests/ansible/ok.yml are short (not mandatory), check says warn, the play fails.
if play warn warn ok -e buddyctl_check_fail_on=warn; then bad "the play passed on warn with buddyctl_check_fail_on: warn"; else ok; fi
grep -q 'buddyctl check exited 1 (warn)' "$top/warn.log" && ok || { cat "$top/warn.log"; bad "no warn message"; }

# 6. A node the fixture lacks: buddyctl plan refuses the policy, the play
# fails, and the policy of run 1 stays.
if play badnode ok badnode; then bad "the play passed with a policy for a missing node"; else ok; fi
grep -q 'no such node on this machine' "$top/badnode.log" && ok || { cat "$top/badnode.log"; bad "the refusal does not name the missing node"; }
if diff -q tests/ansible/ok.expected "$top/ok/$conf" >/dev/null; then ok; else bad "the refused policy replaced the old one"; fi

# 7. The issue's injection: a newline in min_interval would have added a
# state_file line that buddyctl's validation passes. The role refuses the
# value by name before rendering anything; the policy of run 1 stays.
if play newline ok newline; then bad "the play passed with a newline in buddyctl_run.min_interval"; else ok; fi
grep -qF "buddyctl_run.min_interval: '15m\\\\nstate_file = /etc/cron.d/x' holds a newline" "$top/newline.log" && ok ||
	{ cat "$top/newline.log"; bad "the refusal does not name buddyctl_run.min_interval and its newline"; }
grep -q 'TASK \[buddyctl : Write the policy\]' "$top/newline.log" && bad "the policy task ran after the refusal" || ok
if diff -q tests/ansible/ok.expected "$top/ok/$conf" >/dev/null; then ok; else bad "the refused variables replaced the policy"; fi

# 8. A bad value of every type: each is named (the "# expect:" lines of
# tests/ansible/badtypes.yml; Ansible's output doubles backslashes).
if play badtypes ok badtypes; then bad "the play passed with tests/ansible/badtypes.yml"; else ok; fi
sed -n 's/^# expect: //p' tests/ansible/badtypes.yml | sed 's/\\/\\\\/g' > "$top/badtypes.expect"
[ "$(wc -l < "$top/badtypes.expect")" -ge 20 ] && ok || bad "tests/ansible/badtypes.yml has too few '# expect:' lines"
while IFS= read -r want; do
	grep -qF -- "$want" "$top/badtypes.log" && ok || bad "tests/ansible/badtypes.yml: the refusal does not say: $want"
done < "$top/badtypes.expect"
if diff -q tests/ansible/ok.expected "$top/ok/$conf" >/dev/null; then ok; else bad "the refused variables replaced the policy"; fi

# 9. Other forms of the same types are taken, and buddyctl validates what
# the template makes of them.
if play forms forms forms; then ok; else cat "$top/forms.log"; bad "the play with tests/ansible/forms.yml failed"; fi
if diff -u tests/ansible/forms.expected "$top/forms/$conf"; then ok; else bad "the written policy differs from tests/ansible/forms.expected"; fi

echo "ansible-check: $pass passed, $fail failed ($(($(date +%s) - start)) s)"
[ "$fail" = 0 ]
