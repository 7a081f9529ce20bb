#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Tests completion/buddyctl: sources it in a bash without the bash-completion
# package's helpers, sets COMP_LINE/COMP_POINT/COMP_WORDS/COMP_CWORD as bash
# does for a line typed up to the cursor, calls _buddyctl and compares the
# sorted candidates. Also checks that every option `buddyctl --help` lists
# is completed.
#   tests/completion_test.sh BUDDYCTL
set -u
bin=${1:?usage: completion_test.sh BUDDYCTL}
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=../completion/buddyctl
. completion/buddyctl
COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'
pass=0 fail=0

# complete LINE: the candidates, sorted, on one line.
complete_line()
{
	local line=$1 w
	COMP_LINE=$line
	COMP_POINT=${#line}
	# COMP_WORDS as bash splits them: at blanks, and ':' and '=' apart.
	COMP_WORDS=()
	for w in $line; do
		# shellcheck disable=SC2001
		read -ra parts <<< "$(sed 's/\([:=]\)/ \1 /g' <<< "$w")"
		COMP_WORDS+=("${parts[@]}")
	done
	[[ $line == *' ' ]] && COMP_WORDS+=('')
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_buddyctl
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

expect()
{
	local line=$1 want=$2 got
	got=$(complete_line "$line")
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		echo "completion: '$line': expected '$want', got '$got'"
		fail=$((fail + 1))
	fi
}

F=tests/fixtures
expect 'buddyctl re' 'reserve'
expect 'buddyctl ' 'apply check compact diff drop-caches estimate map plan reserve status'
expect 'buddyctl d' 'diff drop-caches'
expect 'buddyctl --format ' 'json nagios prometheus text'
expect 'buddyctl status --format ' 'json prometheus text'
expect 'buddyctl map --format ' 'json prometheus text'
expect 'buddyctl map --s' '--size'
expect "buddyctl --root $F/vm map --size " '1G 2M'
expect "buddyctl --root $F/vm map --size 1G --node " '0'
expect 'buddyctl check -f ' 'json nagios prometheus text'
expect 'buddyctl --format j estimate' 'estimate'
expect 'buddyctl plan --format ' 'json text'
expect 'buddyctl -f j' 'json'
expect 'buddyctl --format=p' 'prometheus'
expect 'buddyctl status --color ' 'always auto never'
expect 'buddyctl drop-caches --level s' 'slab'
expect 'buddyctl reserve --ladder compact-n' 'compact-node'
expect 'buddyctl reserve --ladder retry,drop-' 'retry,drop-all retry,drop-pagecache retry,drop-slab'
expect 'buddyctl --page-size 1' '16K'
# options: only those the command takes
expect 'buddyctl drop-caches --l' '--level --lock-file'
expect 'buddyctl status --no' '--node'
expect 'buddyctl reserve --r' '--restore --root --rounds'
expect 'buddyctl --he' '--help'
expect 'buddyctl plan --k' '--kernel-cmdline'
expect 'buddyctl apply --p' '--pools-only'
expect 'buddyctl check -' '--buddyinfo --color --colour --config --format --page-size --quiet --root -b -c -f -q -r'
expect 'buddyctl diff -' '--color --colour --config --format --page-size -c -f'
# node numbers from the online list under --root, in each spelling of it
expect "buddyctl --root $F/four-node-sparse status --node " '0 2 3 6'
expect "buddyctl -r $F/four-node-sparse compact -n 0," '0,0 0,2 0,3 0,6'
expect "buddyctl --root=$F/sparse-ids status -n 3" '31 32 33 34 35 36 37 38 39'
expect "buddyctl -r$F/two-node status -n " '0 1'
expect "buddyctl --root $F/specs status -n " ''
# hugepage sizes present under --root
expect "buddyctl --root $F/two-node reserve " '1G: 2M:'
expect "buddyctl --root $F/arm64-64k reserve " '16G: 2M: 512M:'
expect "buddyctl --root $F/arm64-16k estimate 3" '32M'
expect "buddyctl --root $F/rhel6 reserve 2M:8 " '2M:'
expect "buddyctl --root $F/four-node-sparse reserve 2M:10@" '10@0 10@2 10@3 10@6'
expect "buddyctl --root $F/four-node-sparse reserve 1G:4@0,3" '4@0,3'
expect "buddyctl --root $F/two-node reserve 2M:" ''
# files and directories
expect "buddyctl -c $F/two-node/proc/buddy" "$F/two-node/proc/buddyinfo"
expect "buddyctl --config=$F/two-node/proc/buddy" "$F/two-node/proc/buddyinfo"
expect "buddyctl status -o $F/two-node/proc/zone" "$F/two-node/proc/zoneinfo"
expect "buddyctl --root $F/four-node-s" "$F/four-node-sparse"

# every option of --help is completed before a command
all=$(complete_line 'buddyctl -')
for o in $("$bin" --help | grep -oE '(^|[ ,])--?[a-zA-Z][a-z-]*' | tr -d ' ,' | sort -u); do
	case " $all " in
	*" $o "*) pass=$((pass + 1)) ;;
	*) echo "completion: option $o of 'buddyctl --help' is not completed"; fail=$((fail + 1)) ;;
	esac
done

echo "completion: $pass passed, $fail failed"
[ "$fail" = 0 ]
