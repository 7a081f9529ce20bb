#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The project stands alone: no file of the tree cites a document outside it
# (the kernel facts the code relies on are in KERNEL.md), every "KERNEL.md §N"
# names a section KERNEL.md has, and the README and buddyctl(8) stay the size
# issue 23 made them (a README read in a minute, a man page people read).
#   sh tests/standalone.sh          from the top of the tree
set -u
cd "$(dirname "$0")/.." || exit 1
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; }

# The files of the tree: git's list in a checkout, else every file but build/.
files=$(mktemp) || exit 1
trap 'rm -f "$files"' EXIT
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z | tr '\0' '\n' > "$files"
else
	find . -path ./build -prune -o -path ./.git -prune -o -type f -print | sed 's|^\./||' > "$files"
fi

# Written in pieces so that this file does not name them itself.
outside='\.\./sh''ared/|sh''ared/docs/|kernel-''interfaces\.md|real-numa-''kernels\.md'
hits=$(while IFS= read -r f; do
	[ -f "$f" ] && grep -IEHn "$outside" "$f"
done < "$files")
if [ -z "$hits" ]; then
	ok "no file cites a document outside the tree"
else
	bad "documents outside the tree are cited (write the fact into KERNEL.md and cite that):"
	printf '%s\n' "$hits" | sed 's/^/  /'
fi

# Every section number cited after "KERNEL.md" on a line is a "## N." of KERNEL.md.
sections=$(sed -n 's/^## \([0-9][0-9]*\)\. .*/\1/p' KERNEL.md | tr '\n' ' ')
wrong=$(while IFS= read -r f; do
	[ -f "$f" ] && grep -IHn 'KERNEL\.md`\{0,1\} §' "$f"
done < "$files" | while IFS= read -r line; do
	for n in $(printf '%s\n' "${line#*KERNEL.md}" | grep -o '§[0-9][0-9]*' | tr -d '§'); do
		case " $sections " in *" $n "*) ;; *) printf '%s (no section %s)\n' "$line" "$n" ;; esac
	done
done)
if [ -n "$sections" ] && [ -z "$wrong" ]; then
	ok "every KERNEL.md §N cited is a section of KERNEL.md ($sections)"
else
	bad "citations of KERNEL.md name sections it does not have:"
	printf '%s\n' "$wrong" | sed 's/^/  /'
fi

lines=$(wc -l < README.md)
if [ "$lines" -le 300 ]; then ok "README.md: $lines lines (at most 300)"
else bad "README.md: $lines lines, more than 300: reference goes to the man pages"; fi

if command -v mandoc >/dev/null; then
	lines=$(mandoc -Tascii -Owidth=80 man/buddyctl.8 | wc -l)
	if [ "$lines" -le 700 ]; then ok "buddyctl(8): $lines lines at 80 columns (at most 700)"
	else bad "buddyctl(8): $lines lines at 80 columns, more than 700"; fi
else
	echo "SKIP mandoc not installed: the length of buddyctl(8) not measured"
	skipped=1
fi

echo "standalone: $pass passed, $fail failed, ${skipped:-0} skipped"
[ "$fail" = 0 ]
