#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Judge what tests/vm/guest/systemd.sh handed back from the systemd guest.

Usage: systemd_check.py GUEST_OUTPUT CRON_CMD

The guest's output holds sections "@@SD NAME@@" ... "@@SD-END rc=N@@". Each
assertion prints "PASS name" or "FAIL name: why"; the exposure scores of
`systemd-analyze security` print as "INFO". The last line is
"systemd: N passed, N failed"; exit 1 when anything failed.

The boot policy (tests/vm/systemd-check.sh) is 2M count = 0:64, 1:64 and 1G
count = 1:3 with force = yes, which node 1 (3 GiB) cannot hold: the 1G pool
is always short, not mandatory. /etc/sysctl.d/80-hugepages.conf sets
vm.nr_hugepages = 16 at boot (8 per node): the boot unit, after it, still
sets the 2M pools to 64, and warns. mandatory.conf is the same with
mandatory = yes; remediate.conf and cron.conf make node 1, then node 0,
crit with the steps drop-pagecache, compact-node.
"""
import json
import re
import sys

TARGETS = [(0, "2M", 64), (1, "2M", 64), (1, "1G", 3)]
SIZE_DIR = {"2M": "hugepages-2048kB", "1G": "hugepages-1048576kB"}
# the worst exposure score accepted from systemd-analyze security (0 safe,
# 10 unprotected; systemd calls below 2 "OK")
MAX_EXPOSURE = 2.0

passed = failed = 0


def check(name, ok, why=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS {name}")
    else:
        failed += 1
        print(f"FAIL {name}: {why}")


def sections(text):
    out = {}
    for m in re.finditer(r"^@@SD (\S+)@@\n(.*?)^@@SD-END rc=(\d+)@@$", text, re.S | re.M):
        out[m.group(1)] = (m.group(2), int(m.group(3)))
    return out


def props(body):
    return dict(line.split("=", 1) for line in body.splitlines() if "=" in line)


def journal(body):
    entries = []
    for line in body.splitlines():
        if line.startswith("{"):
            entries.append(json.loads(line))
    return entries


def msg(e):
    m = e.get("MESSAGE", "")
    return m if isinstance(m, str) else ""


def invocation(entries, inv):
    """The entries of one run of a unit (entries in journal order, of that unit):
    those carrying its invocation ID, and those between its first and last
    that carry none. journald attributes a stdout stream's lines to the
    invocation only when it could look up the writer's metadata; for a
    process that exited at once it sometimes cannot (seen: a whole apply
    report of buddyctl-remediate.service without _SYSTEMD_INVOCATION_ID,
    between that run's "Starting" and "Finished" lines)."""
    ids = lambda e: (e.get("_SYSTEMD_INVOCATION_ID"), e.get("INVOCATION_ID"))
    own = [i for i, e in enumerate(entries) if inv and inv in ids(e)]
    if not own:
        return []
    return [e for i, e in enumerate(entries[own[0]:own[-1] + 1], own[0])
            if i in own or not any(ids(e))]


def logline(entries, cmd="apply"):
    """buddyctl's one log line of a run, and its journal priority."""
    for e in entries:
        if e.get("SYSLOG_IDENTIFIER") == "buddyctl" and msg(e).startswith(f"buddyctl {cmd}:"):
            return msg(e), int(e.get("PRIORITY", -1))
    return None, None


def pools(body):
    out = {}
    for line in body.splitlines():
        m = re.match(r"/sys/devices/system/node/node(\d+)/hugepages/(hugepages-\d+kB)/nr_hugepages (\d+)$", line)
        if m:
            out[(int(m.group(1)), m.group(2))] = int(m.group(3))
    return out


def state(body):
    return dict((int(n), int(t)) for n, t in re.findall(r"^node (\d+) (\d+)$", body, re.M))


def num(s, name):
    try:
        return int(s[name][0].strip())
    except (KeyError, ValueError):
        return None


def map_series(body):
    """buddyctl_map_ranges of the map's file: {(node, size bytes, class): ranges}."""
    out = {}
    for m in re.finditer(r'^buddyctl_map_ranges\{node="(\d+)",size="(\d+)",class="(\w+)"\} (\d+)$', body, re.M):
        out[(int(m.group(1)), int(m.group(2)), m.group(3))] = int(m.group(4))
    return out


def timer_journal(s, key, unit):
    """A metrics unit's journal: all of it, the runs skipped for want of
    node_exporter's directory, the runs finished, and the failures and
    warnings."""
    jx = journal(s[key][0])
    skipped = [e for e in jx if "unmet condition check (ConditionPathIsDirectory=/var/lib/prometheus/node-exporter)" in msg(e)]
    finished = [e for e in jx if msg(e).startswith(f"Finished {unit}")]
    bad = [msg(e) for e in jx if "Failed" in msg(e) or int(e.get("PRIORITY", 6)) <= 4]
    return jx, skipped, finished, bad


def check_map_metrics(s, status_files):
    """buddyctl-map-metrics.service: skipped without the directory, then the
    map of both sizes written through the sandbox (kpageflags readable), its
    pool ranges the pages the pools held."""
    jx, skipped, finished, bad = timer_journal(s, "journal-map-metrics", "buddyctl-map-metrics.service")
    check("map metrics without node_exporter's directory: skipped by its condition",
          len(skipped) == 1 and s.get("start-map-metrics-nodir", ("", 1))[1] == 0, f"{[msg(e) for e in jx]}")
    mx = props(s.get("show-map-metrics", ("", 1))[0])
    check("map metrics with the directory: ran (kpageflags read through ProtectKernelTunables= and the empty "
          "capability set) and finished, exit 0",
          len(finished) == 1 and not bad and mx.get("Result") == "success" and mx.get("ExecMainStatus") == "0",
          f"Result={mx.get('Result')} ExecMainStatus={mx.get('ExecMainStatus')}; {[msg(e) for e in jx]}")
    timer_body = s.get("show-map-timer", ("", 1))[0]
    timer = props(timer_body)
    # systemctl show prints a line per monotonic timer, each "TimersMonotonic={ ... }"
    check("map metrics timer: triggers the service 2 minutes after boot, then every 10 minutes",
          timer.get("Triggers") == "buddyctl-map-metrics.service"
          and re.search(r"^TimersMonotonic=\{ OnUnitActiveUSec=10min ;", timer_body, re.M) is not None
          and re.search(r"^TimersMonotonic=\{ OnBootUSec=2min ;", timer_body, re.M) is not None, timer_body.strip())
    files = sorted(f for f in s.get("map-metrics-dir", ("", 1))[0].split("\n") if f)
    check("map metrics: buddyctl-map.prom written beside buddyctl.prom (0644 both, no temporary file left)",
          len(files) == 2 and files[0].startswith("buddyctl-map.prom 644 ") and files[1].startswith("buddyctl.prom 644 "),
          f"files {files} (before the map: {status_files})")
    body = s.get("map-metrics-file", ("", 1))[0]
    samples = [ln for ln in body.splitlines() if ln and not ln.startswith("#")]
    types = re.findall(r"^# TYPE (\S+) gauge$", body, re.M)
    ranges = map_series(body)
    sizes = sorted({k[1] for k in ranges})
    nodes = sorted({k[0] for k in ranges})
    check("map metrics: Prometheus text, each family once, both nodes at 2M and 1G (every size offered)",
          samples and all(re.match(r"buddyctl_map_\w+(\{[^}]*\})? \S+$", ln) for ln in samples)
          and len(types) == len(set(types)) and "buddyctl_map_timestamp_seconds" in types
          and sizes == [2 << 20, 1 << 30] and nodes == [0, 1],
          f"sizes {sizes}, nodes {nodes}, families {types}, {len(samples)} samples")
    # A hugetlb page fills its aligned range of its own size: the 1G pool's
    # pages are the 1G ranges of class pool, and the 2M ranges of class pool
    # are the 2M pages plus 512 for each 1G page.
    p = pools(s.get("pools-map", ("", 1))[0])
    for node in (0, 1):
        g1 = p.get((node, SIZE_DIR["1G"]))
        m2 = p.get((node, SIZE_DIR["2M"]))
        got1 = ranges.get((node, 1 << 30, "pool"))
        got2 = ranges.get((node, 2 << 20, "pool"))
        check(f"map metrics node {node}: pool ranges are the pools' pages (1G: {g1}, 2M: {m2} + 512 x {g1})",
              g1 is not None and m2 is not None and got1 == g1 and got2 == m2 + 512 * g1,
              f"1G pool ranges {got1}, 2M pool ranges {got2}; pools {p}")


def main():
    text = open(sys.argv[1]).read()
    cron_cmd = open(sys.argv[2]).read().strip()
    s = sections(text)
    need = ["show-reserve-boot", "show-sysinit", "show-test", "pools-boot", "journal-reserve",
            "journal-reserve-warning", "journal-remediate", "journal-metrics", "journal-map-metrics",
            "journal-buddyctl"]
    missing = [n for n in need if n not in s]
    check("guest sections", not missing, f"missing {missing}")
    if missing:
        return

    # --- order: the reservation before sysinit.target and the test unit ---
    boot = props(s["show-reserve-boot"][0])
    sysinit = props(s["show-sysinit"][0])
    test = props(s["show-test"][0])
    r_done = int(boot.get("ActiveEnterTimestampMonotonic", 0))
    si_done = int(sysinit.get("ActiveEnterTimestampMonotonic", 0))
    t_start = int(test.get("ExecMainStartTimestampMonotonic", 0))
    check("reserve: ran at boot, active (exit 1: a shortfall, not mandatory)",
          boot.get("ActiveState") == "active" and boot.get("Result") == "success"
          and boot.get("ExecMainStatus") == "1",
          f"ActiveState={boot.get('ActiveState')} Result={boot.get('Result')} ExecMainStatus={boot.get('ExecMainStatus')}")
    check("reserve: done before sysinit.target was reached",
          0 < r_done <= si_done, f"reserve active at {r_done} us, sysinit.target at {si_done} us")
    check("reserve: done before the test unit started",
          0 < r_done < t_start, f"reserve active at {r_done} us, test unit started at {t_start} us")
    print(f"INFO boot: buddyctl-reserve ran {int(boot.get('ExecMainStartTimestampMonotonic', 0)) / 1e6:.2f}-"
          f"{int(boot.get('ExecMainExitTimestampMonotonic', 0)) / 1e6:.2f} s after the kernel started, "
          f"sysinit.target at {si_done / 1e6:.2f} s, the test at {t_start / 1e6:.2f} s")
    en = s.get("enabled", ("", 1))[0].split()
    check("units enabled offline (systemctl --root): reserve, remediate timer, 1G mount",
          en[:3] == ["enabled"] * 3, f"is-enabled: {en}")
    check("metrics timers installed by the package, not enabled (status, map)",
          en[3:] == ["disabled"] * 2, f"is-enabled: {en}")
    check("remediate timer active after boot", s.get("timer-active", ("", 1))[0].strip() == "active",
          s.get("timer-active", ("?", 1))[0].strip())
    check("dev-hugepages1G.mount: hugetlbfs of 1G pages mounted",
          re.search(r"^hugetlbfs /dev/hugepages1G hugetlbfs \S*pagesize=1024M", s.get("mount-1g", ("", 1))[0], re.M)
          is not None, s.get("mount-1g", ("nothing", 1))[0].strip() or "not mounted")
    check("no failed unit after boot", s.get("failed-boot", ("x", 1)) == ("", 0),
          s.get("failed-boot", ("?", 1))[0].strip())

    # --- after systemd-sysctl.service, whose vm.nr_hugepages = 16 it overrides ---
    sysctl = props(s.get("show-sysctl", ("", 1))[0])
    sysctl_done = int(sysctl.get("ExecMainExitTimestampMonotonic", 0) or 0)
    r_start = int(boot.get("ExecMainStartTimestampMonotonic", 0))
    check("reserve: ordered after systemd-sysctl.service (After=)",
          "systemd-sysctl.service" in s.get("after-reserve", ("", 1))[0].split(),
          s.get("after-reserve", ("?", 1))[0].strip())
    check("reserve: started after systemd-sysctl.service had written the sysctl.d file",
          sysctl.get("ConditionResult") == "yes" and 0 < sysctl_done <= r_start,
          f"systemd-sysctl ConditionResult={sysctl.get('ConditionResult')} exited at {sysctl_done} us, "
          f"reserve started at {r_start} us")
    check("no ordering cycle at boot", s.get("cycles", ("x", 1))[0].strip() == "",
          s.get("cycles", ("?", 1))[0].strip()[:300])

    # --- pools against the policy, shortfalls in the journal with numbers ---
    jr = journal(s["journal-reserve"][0])
    boot_run = invocation(jr, boot.get("InvocationID"))
    line, prio = logline(boot_run)
    fight = [e for e in boot_run if msg(e).startswith(
        "buddyctl: warning: /etc/sysctl.d/80-hugepages.conf:2 sets vm.nr_hugepages = 16, and "
        "/etc/buddyctl/buddyctl.conf:2 sets the 2M pool: each undoes the other")]
    check("reserve: warns of the sysctl.d file that sizes the 2M pool, priority warning",
          len(fight) == 1 and int(fight[0].get("PRIORITY", -1)) == 4,
          f"{[msg(e) for e in boot_run if 'sysctl' in msg(e)]}")
    check("reserve: its log line is in journalctl -u buddyctl-reserve", line is not None,
          f"{len(boot_run)} entries of invocation {boot.get('InvocationID')}, none is the log line")
    p = pools(s["pools-boot"][0])
    short = 0
    for node, size, count in TARGETS:
        got = p.get((node, SIZE_DIR[size]))
        name = f"pool {size} node {node}"
        if got is None:
            check(name, False, "no nr_hugepages file read back")
            continue
        if got == count:
            want = rf"{size} pool node {node} \d+ -> {count}/{count} \(\+\d+\) done"
        else:
            short += 1
            want = rf"{size} pool node {node} \d+ -> {got}/{count} \([+-]\d+, {count - got} short\)"
        check(f"{name}: {got} of {count} read back, the same in the log line",
              (got == count or (size == "1G" and got < count)) and line is not None
              and re.search(want, line) is not None,
              f"read {got}, log line: {line}")
    check("reserve: the shortfall's log line has priority warning (<4> parsed by journald)",
          short > 0 and prio == 4, f"{short} pools short, priority {prio}")
    warn = journal(s["journal-reserve-warning"][0])
    check("journalctl -p warning -u buddyctl-reserve shows the shortfall line",
          line is not None and any(msg(e) == line for e in warn)
          and all(int(e.get("PRIORITY", 9)) <= 4 for e in warn),
          f"{[msg(e) for e in warn]}")
    raw = [msg(e) for e in journal(s["journal-buddyctl"][0]) if re.match(r"<\d>", msg(e))]
    check("no journal line of buddyctl keeps a literal <N> prefix", not raw, f"{raw[:3]}")
    # on_short's drain-pcp and compact-node run only where the node's 1G map
    # says they can clear a range (the estimate "from the map" gains by
    # compaction); else the plan leaves them out and only the retry runs
    steps = [msg(e).split()[1] for e in boot_run if re.search(r"^\s*then\s+(retry|drain-pcp|compact-node)\s", msg(e))]
    est = next((m.groups() for m in (re.search(r"estimate: (\d+) now, (\d+) after compaction, \d+ after reclaim \(from the map\)",
                                               msg(e)) for e in boot_run) if m), None)
    futile = est is not None and est[0] == est[1]
    check("reserve: the 1G escalation took no step its map says cannot clear a range "
          "(retry only; drain-pcp and compact-node where compaction gains)",
          steps == (["retry"] if futile else ["retry", "drain-pcp", "compact-node"]),
          f"estimate now/after compaction {est}, steps run {steps}")

    # --- the sandbox let every write through ---
    ro = props(s.get("show-remediate-ro", ("", 1))[0])
    ro_run = invocation(journal(s["journal-remediate"][0]), ro.get("InvocationID"))
    ro_warn = [msg(e) for e in ro_run if "/etc/buddyctl/state" in msg(e) and "Read-only file system" in msg(e)
               and int(e.get("PRIORITY", 9)) == 4]
    check("sandbox in force: a state_file outside ReadWritePaths= (/etc/buddyctl/state) is refused, with a warning",
          len(ro_warn) == 1 and "No such file" in s.get("state-ro", ("", 1))[0],
          f"{[msg(e) for e in ro_run if e.get('SYSLOG_IDENTIFIER') == 'buddyctl'][-3:]}; {s.get('state-ro', ('', 1))[0].strip()}")
    bad = [msg(e) for e in journal(s["journal-buddyctl"][0])
           if e not in ro_run and re.search(r"read-only file system|permission denied|operation not permitted|EROFS|EACCES|EPERM", msg(e), re.I)]
    check("no write denied to buddyctl in the journal (ProtectSystem=strict, ReadWritePaths=)", not bad, f"{bad[:3]}")
    lock = s.get("lock-file", ("", 1))[0].splitlines()
    check("lock file /run/buddyctl.lock: regular, 0644, root, holding the pid the unit wrote",
          len(lock) == 2 and lock[0] == "regular file 644 root" and lock[1].isdigit(), f"{lock}")

    # --- mandatory target short: the unit fails ---
    mand = props(s.get("show-reserve-mandatory", ("", 1))[0])
    check("mandatory short: systemctl restart fails", s.get("restart-mandatory", ("", 0))[1] != 0,
          f"exit {s.get('restart-mandatory', ('', 0))[1]}")
    check("mandatory short: unit failed, exit 2",
          mand.get("ActiveState") == "failed" and mand.get("Result") == "exit-code" and mand.get("ExecMainStatus") == "2",
          f"ActiveState={mand.get('ActiveState')} Result={mand.get('Result')} ExecMainStatus={mand.get('ExecMainStatus')}")
    check("mandatory short: systemctl --failed lists it",
          re.search(r"^buddyctl-reserve\.service\s+loaded\s+failed\s+failed", s.get("failed-mandatory", ("", 1))[0], re.M)
          is not None, s.get("failed-mandatory", ("", 1))[0].strip())
    mline, mprio = logline(invocation(jr, mand.get("InvocationID")))
    check("mandatory short: log line with the numbers, priority err, in -p warning",
          mline is not None and mprio == 3 and "2 short; mandatory" in mline and "exit 2" in mline
          and any(msg(e) == mline for e in warn), f"priority {mprio}: {mline}")

    # --- remediation: apply, then held back within min_interval ---
    jm = journal(s["journal-remediate"][0])
    r1 = props(s.get("show-remediate-1", ("", 1))[0])
    r2 = props(s.get("show-remediate-2", ("", 1))[0])
    d0, d1, d2 = num(s, "drop-before"), num(s, "drop-1"), num(s, "drop-2")
    st1, st2 = state(s.get("state-1", ("", 1))[0]), state(s.get("state-2", ("", 1))[0])
    l1, _ = logline(invocation(jm, r1.get("InvocationID")))
    l2, _ = logline(invocation(jm, r2.get("InvocationID")))
    check("remediate 1: systemctl start ran apply (success, exit 1: node 1 still crit)",
          s.get("start-remediate-1", ("", 1))[1] == 0 and r1.get("Result") == "success" and r1.get("ExecMainStatus") == "1",
          f"Result={r1.get('Result')} ExecMainStatus={r1.get('ExecMainStatus')}")
    check("remediate 1: dropped the page cache (vm/drop_caches) and compacted node 1 (node1/compact)",
          l1 is not None and "drop page cache (sync first) done" in l1 and "compact node 1 done" in l1
          and d0 is not None and d1 == d0 + 1, f"drop_pagecache {d0} -> {d1}; {l1}")
    check("remediate 1: state file written in the StateDirectory", 1 in st1, f"state: {st1}")
    check("remediate 2 within min_interval: success, exit 1 (node 1 crit, held back), nothing done",
          r2.get("Result") == "success" and r2.get("ExecMainStatus") == "1" and l2 is not None
          and "remediation held back" in l2 and "nothing to do" in l2
          and "exit 1: node 1 is crit, its remediation held back by min_interval until " in l2
          and d2 == d1 and st2 == st1,
          f"Result={r2.get('Result')} ExecMainStatus={r2.get('ExecMainStatus')} drop_pagecache {d1} -> {d2} state {st1} -> {st2}; {l2}")

    # --- the cron file's command ---
    check("cron command: guarded by test -d /run/systemd/system", "test -d /run/systemd/system || " in cron_cmd
          and "--quiet" in cron_cmd and cron_cmd.rstrip().endswith("apply"), cron_cmd)
    c0 = s.get("cron-as-is", ("?", 1))
    check("cron as written under systemd: prints nothing, does nothing",
          c0 == ("", 0) and num(s, "drop-cron-0") == d2 and state(s.get("state-cron-0", ("", 1))[0]) == st2,
          f"exit {c0[1]}, output {c0[0]!r}")
    c1, c2 = s.get("cron-1", ("", 0)), s.get("cron-2", ("?", 1))
    sc1, sc2 = state(s.get("state-cron-1", ("", 1))[0]), state(s.get("state-cron-2", ("", 1))[0])
    check("cron run 1 (--quiet, exit 1): only its log line, node 0 remediated",
          c1[1] == 1 and c1[0].count("\n") == 1 and c1[0].startswith("buddyctl apply: node 0 crit")
          and "compact node 0 done" in c1[0] and num(s, "drop-cron-1") == d2 + 1
          and 0 in sc1 and sc1.get(1) == st2.get(1), f"exit {c1[1]}, output {c1[0]!r}, state {sc1}")
    check("cron run 2 within min_interval (--quiet, exit 1: node 0 held back): only its log line, does nothing",
          c2[1] == 1 and c2[0].count("\n") == 1 and "nothing to do" in c2[0]
          and "exit 1: node 0 is crit, its remediation held back by min_interval until " in c2[0]
          and num(s, "drop-cron-2") == num(s, "drop-cron-1") and sc2 == sc1,
          f"exit {c2[1]}, output {c2[0]!r}, state {sc1} -> {sc2}")

    # --- the timer elapsed (clock set past it) and ran apply, within the interval ---
    tm = props(s.get("show-remediate-timer", ("", 1))[0])
    tl, _ = logline(invocation(jm, tm.get("InvocationID")))
    timer = props(s.get("show-timer", ("", 1))[0])
    clock = re.search(r"now (\d+) next (\d+)", s.get("timer-clock", ("", 1))[0])
    check("remediate timer: due within 10 min + RandomizedDelaySec=3min, triggers the service, persistent",
          clock is not None and 0 < int(clock.group(2)) - int(clock.group(1)) <= 13 * 60
          and timer.get("Triggers") == "buddyctl-remediate.service" and timer.get("Persistent") == "yes",
          f"{timer} {clock.group(0) if clock else 'no clock'}")
    check("remediate timer elapsed: a new run of the service, success, exit 1 (node 0 held back)",
          tm.get("InvocationID") not in ("", None, r1.get("InvocationID"), r2.get("InvocationID"))
          and tm.get("Result") == "success" and tm.get("ExecMainStatus") == "1"
          and props(s.get("show-timer-after", ("", 1))[0]).get("LastTriggerUSec", "n/a") not in ("", "n/a"),
          f"{tm} {s.get('show-timer-after', ('', 1))[0].strip()}")
    check("remediate timer's run: apply held node 0 back (crit, min_interval 1h), did nothing",
          tl is not None and re.search(r"node 0 crit .*remediation held back: last one started \d+ s ago, min_interval 3600 s", tl)
          is not None and "nothing to do" in tl
          and num(s, "drop-timer") == num(s, "drop-cron-2")
          and state(s.get("state-timer", ("", 1))[0]) == sc2, f"{tl}")

    # --- metrics ---
    jx, skipped, finished, failed_m = timer_journal(s, "journal-metrics", "buddyctl-metrics.service")
    check("metrics without node_exporter's directory: skipped by its condition",
          len(skipped) == 1 and s.get("start-metrics-nodir", ("", 1))[1] == 0, f"{[msg(e) for e in jx]}")
    check("metrics with the directory: ran and finished", len(finished) == 1 and not failed_m,
          f"{[msg(e) for e in jx]}")
    files = s.get("metrics-dir", ("", 1))[0].split("\n")
    files = [f for f in files if f]
    body = s.get("metrics-file", ("", 1))[0]
    samples = [ln for ln in body.splitlines() if ln and not ln.startswith("#")]
    check("metrics: buddyctl.prom written (0644, no temporary file left), Prometheus text",
          len(files) == 1 and files[0].startswith("buddyctl.prom 644 ") and samples
          and all(re.match(r"buddyctl_\w+(\{[^}]*\})? \S+$", ln) for ln in samples),
          f"files {files}, {len(samples)} samples")

    check_map_metrics(s, files)

    # --- systemd-analyze security ---
    for u in ("buddyctl-reserve", "buddyctl-remediate", "buddyctl-metrics", "buddyctl-map-metrics"):
        m = re.search(rf"Overall exposure level for {u}\.service: (\d+\.\d+) (\S+)", s.get(f"security-{u}", ("", 1))[0])
        if m:
            print(f"INFO systemd-analyze security {u}.service: {m.group(1)} {m.group(2)}")
        check(f"systemd-analyze security {u}.service: exposure <= {MAX_EXPOSURE}",
              m is not None and float(m.group(1)) <= MAX_EXPOSURE, m.group(0) if m else "no score")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: systemd_check.py GUEST_OUTPUT CRON_CMD", file=sys.stderr)
        sys.exit(64)
    main()
    print(f"systemd: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
