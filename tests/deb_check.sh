#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the Debian package from a copy of the source tree in build/deb/
# (the worktree is not touched), runs lintian on it (any error fails) and
# checks what the package holds: the binary, the man pages, the policy as a
# conffile, the bash completion, the README and KERNEL.md, and, where the
# tree has them, the systemd units (installed, not enabled, never started),
# the cron file, the Prometheus alerting rules and the Grafana dashboard;
# and the JSON Schemas of the JSON outputs. `make deb-check` runs it.
set -u
cd "$(dirname "$0")/.." || exit 1
for t in dpkg-buildpackage dh lintian dpkg-deb; do
	command -v $t >/dev/null || { echo "deb-check: $t not found (sh .ci/deps installs it)" >&2; exit 1; }
done
version=$(sed -n '1s/^buddyctl (\([^)]*\)).*/\1/p' debian/changelog)
upstream=${version%-*}
top=build/deb
src=$top/buddyctl-$upstream
rm -rf "$top"
mkdir -p "$src" || exit 1

# The files of the tree as they are now (also uncommitted changes), without
# build products and ignored files.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z -c -o --exclude-standard | xargs -0 -r sh -c \
		'for f; do [ -e "$f" ] && printf "%s\n" "$f"; done' sh | tar -cf - -T - | tar -xf - -C "$src"
else
	tar -cf - --exclude=./build --exclude=./buddyctl . | tar -xf - -C "$src"
fi || { echo "deb-check: cannot copy the tree to $src" >&2; exit 1; }

fail=0 pass=0
ok() { pass=$((pass + 1)); }
bad() { echo "deb-check: $*"; fail=$((fail + 1)); }

# The upstream tarball is the tree without debian/ (source format 3.0
# (quilt)); dpkg-buildpackage then builds the source package and the .deb.
# A make that called us must not hand its jobserver or variables to the
# package build.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
start=$(date +%s)
tar -C "$top" -cJf "$top/buddyctl_$upstream.orig.tar.xz" --exclude="buddyctl-$upstream/debian" "buddyctl-$upstream" ||
	{ echo "deb-check: cannot write the upstream tarball" >&2; exit 1; }
if ! (cd "$src" && DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -us -uc) > "$top/build.log" 2>&1; then
	tail -n 30 "$top/build.log"
	echo "deb-check: dpkg-buildpackage failed (whole log: $top/build.log)"
	exit 1
fi
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb=$top/buddyctl_${version}_$arch.deb
changes=$top/buddyctl_${version}_$arch.changes
[ -f "$deb" ] || { echo "deb-check: $deb was not built"; exit 1; }
echo "== deb package built in $(($(date +%s) - start)) s: $deb"

# lintian on the source and binary packages: errors fail, warnings and
# notes are shown.
{ lintian --fail-on error --display-info "$changes" 2>&1; echo $? > "$top/lintian.rc"; } |
	grep -v '^running with root privileges' > "$top/lintian.log"
lrc=$(cat "$top/lintian.rc")
sed 's/^/lintian: /' "$top/lintian.log"
[ "$lrc" = 0 ] && ok || bad "lintian found errors (exit $lrc)"

# The package's files.
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$top/contents"
has() {
	if grep -qx "$1" "$top/contents"; then ok; else bad "the package lacks $1"; fi
}
has /usr/sbin/buddyctl
has /usr/share/man/man8/buddyctl.8.gz
has /usr/share/man/man5/buddyctl.conf.5.gz
has /etc/buddyctl/buddyctl.conf
has /usr/share/bash-completion/completions/buddyctl
has /usr/share/doc/buddyctl/copyright
grep -qE '^/usr/share/doc/buddyctl/README.md(.gz)?$' "$top/contents" && ok || bad "the package lacks README.md"
grep -qE '^/usr/share/doc/buddyctl/KERNEL.md(.gz)?$' "$top/contents" && ok || bad "the package lacks KERNEL.md (buddyctl(8) cites it)"
[ -f etc/prometheus/buddyctl-rules.yml ] && has /usr/share/buddyctl/prometheus/buddyctl-rules.yml
[ -f etc/grafana/buddyctl-dashboard.json ] && has /usr/share/buddyctl/grafana/buddyctl-dashboard.json
for f in man/schema/*.schema.json; do
	has "/usr/share/buddyctl/schema/${f##*/}"
done
[ -f etc/cron.d/buddyctl ] && has /etc/cron.d/buddyctl
units=''
for u in etc/systemd/*.service etc/systemd/*.timer etc/systemd/*.mount; do
	[ -f "$u" ] || continue
	u=${u##*/}
	units="$units $u"
	grep -qE "^(/usr)?/lib/systemd/system/$u\$" "$top/contents" && ok || bad "the package lacks the unit $u"
done

# The policy and the cron file are conffiles; the units are not enabled or
# started by the maintainer scripts.
dpkg-deb -I "$deb" conffiles > "$top/conffiles" 2>/dev/null
for f in /etc/buddyctl/buddyctl.conf $([ -f etc/cron.d/buddyctl ] && echo /etc/cron.d/buddyctl); do
	grep -qx "$f" "$top/conffiles" && ok || bad "$f is not a conffile"
done
# No unit is started, stopped or restarted by an install or an upgrade
# (preinst, postinst), nor enabled; prerm stops the timers on removal only.
for s in preinst postinst prerm; do
	dpkg-deb -I "$deb" $s > "$top/$s" 2>/dev/null || : > "$top/$s"
done
if [ -n "$units" ]; then
	for s in preinst postinst; do
		if grep -q 'deb-systemd-invoke' "$top/$s"; then bad "$s starts, stops or restarts a unit"; else ok; fi
	done
	if grep -q 'new installations run enable' "$top/postinst"; then bad "postinst enables a unit"; else ok; fi
	# every timer of the tree, so that none fires for a binary that is gone
	for t in etc/systemd/*.timer; do
		grep -E '^[[:space:]]*deb-systemd-invoke stop ' "$top/prerm" | grep -qw "${t##*/}" && ok ||
			bad "prerm does not stop ${t##*/} on removal"
	done
	if grep -E '^[[:space:]]*deb-systemd-invoke' "$top/prerm" | grep -qEv '^[[:space:]]*deb-systemd-invoke stop buddyctl-remediate\.timer buddyctl-metrics\.timer buddyctl-map-metrics\.timer >'; then
		bad "prerm stops more than the timers: $(grep deb-systemd-invoke "$top/prerm")"; else ok; fi
fi
dpkg-deb -f "$deb" Depends > "$top/depends"
for lib in libnuma1 libcap-ng0 libinih1; do
	grep -q "$lib" "$top/depends" && ok || bad "Depends lacks $lib: $(cat "$top/depends")"
done

# The packaged completion and rules are the tree's.
tmp=$top/unpacked
dpkg-deb -x "$deb" "$tmp"
cmp -s completion/buddyctl "$tmp/usr/share/bash-completion/completions/buddyctl" && ok ||
	bad "the packaged completion differs from completion/buddyctl"
if [ -f etc/prometheus/buddyctl-rules.yml ]; then
	cmp -s etc/prometheus/buddyctl-rules.yml "$tmp/usr/share/buddyctl/prometheus/buddyctl-rules.yml" && ok ||
		bad "the packaged rules differ from etc/prometheus/buddyctl-rules.yml"
fi
if [ -f etc/grafana/buddyctl-dashboard.json ]; then
	cmp -s etc/grafana/buddyctl-dashboard.json "$tmp/usr/share/buddyctl/grafana/buddyctl-dashboard.json" && ok ||
		bad "the packaged dashboard differs from etc/grafana/buddyctl-dashboard.json"
fi
for f in man/schema/*.schema.json; do
	cmp -s "$f" "$tmp/usr/share/buddyctl/schema/${f##*/}" && ok || bad "the packaged ${f##*/} differs from $f"
done

# The packaged binary runs and is the version of the changelog.
v=$("$tmp/usr/sbin/buddyctl" --version 2>&1)
[ "$v" = "buddyctl $upstream" ] && ok || bad "packaged buddyctl --version says '$v', want 'buddyctl $upstream'"
ls -l "$deb" | awk '{print "== deb package size: " $5 " bytes"}'
echo "deb-check: $pass passed, $fail failed ($(($(date +%s) - start)) s)"
[ "$fail" = 0 ]
