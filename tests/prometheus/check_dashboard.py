#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check_dashboard.py --bin BUDDYCTL [DASHBOARD] -- the Grafana dashboard against what buddyctl exports.

The dashboard (etc/grafana/buddyctl-dashboard.json by default) is checked as
the alert rules are (tests/prometheus/run.sh):

  1. it parses as JSON, is a dashboard of a current Grafana (schemaVersion
     41, Grafana 12), has a Prometheus data source variable that every panel
     and query uses, and the variables the panels need (instance, node from
     label_values(buddyctl_map_ranges, node), size);
  2. every PromQL expression (panel queries and variable queries) names only
     metrics buddyctl exports: the # TYPE lines of `status`, `check` and
     `map --format prometheus` on fixture trees (tests/fixtures/two-node, and
     build/fixtures/map/guest-6.1-two-node, which `make map-fixtures`
     unpacks); every label it matches on is one that metric carries (or
     instance and job, which Prometheus adds to what it scrapes), every
     literal label value is one buddyctl writes, every label it groups or
     matches by (by, without, on, ignoring) is on one of its metrics, every
     {{label}} of a legend too, and every $variable is defined;
  3. each expression parses: with its variables filled in, it is the
     expression of a recording rule in a throwaway rule file that `promtool
     check rules` reads (SKIPPED without promtool; Debian: prometheus);
  4. the checks catch what they are for: a copy with a metric renamed, a
     label misspelt, a label value buddyctl never writes, an undefined
     variable and (with promtool) an expression that does not parse must
     each fail.

Prints one line per failure and "grafana dashboard: N passed, N failed, N
skipped" (each numbered check above counts once, and each mutation of 4);
exit 1 when anything failed.
"""
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

DASHBOARD = "etc/grafana/buddyctl-dashboard.json"
SCHEMA_VERSION = 41
# labels Prometheus adds to every series it scrapes
TARGET_LABELS = {"instance", "job"}
# Grafana's own variables, filled in at query time
BUILTIN_VARS = {"__interval", "__interval_ms", "__rate_interval", "__range", "__range_s", "__range_ms",
                "__dashboard", "__from", "__to", "__name"}
AGGREGATIONS = {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
                "bottomk", "topk", "quantile", "limitk", "limit_ratio"}
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
            "unless", "offset", "atan2"}
# the metrics the dashboard is for: the map's classes and blockers, the pools
# against the target, fragmentation and levels, free blocks
REQUIRED = {"buddyctl_map_ranges", "buddyctl_map_blocked_ranges", "buddyctl_hugepages",
            "buddyctl_hugepages_target", "buddyctl_node_unusable_free_ratio", "buddyctl_node_level",
            "buddyctl_fragmentation_index", "buddyctl_free_blocks"}
VAR_RE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)(?::\w+)?\]\]")
TOKEN_RE = re.compile(r'''\s*(?:
    (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
  | (?P<num>[0-9][0-9a-zA-Z.]*)
  | (?P<id>[a-zA-Z_:][a-zA-Z0-9_:]*)
  | (?P<op>=~|!~|!=|==|<=|>=|[-+*/%^<>=(){}\[\],@])
)''', re.X)


# --- what buddyctl exports ------------------------------------------------------

SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$')
LABEL_RE = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def exported(text):
    """{metric: {label: {values}}} of the samples of Prometheus text whose family has a # TYPE line."""
    typed = set(re.findall(r"^# TYPE (\S+) ", text, re.M))
    out = {name: {} for name in typed}
    for line in text.splitlines():
        m = SAMPLE_RE.match(line)
        if not m or m.group(1) not in typed:
            continue
        labels = out[m.group(1)]
        for k, v in LABEL_RE.findall(m.group(2) or ""):
            labels.setdefault(k, set()).add(v)
    return out


def buddyctl_exports(bin_):
    runs = [(["status", "--format", "prometheus", "--root", "tests/fixtures/two-node",
              "--config", "tests/policies/pools-mandatory.conf"], (0,)),
            (["check", "--format", "prometheus", "--root", "tests/fixtures/two-node",
              "--config", "tests/policies/pools-mandatory.conf"], (0, 1, 2)),
            (["map", "--format", "prometheus", "--root", "build/fixtures/map/guest-6.1-two-node"], (0,))]
    text = ""
    for args, ok in runs:
        p = subprocess.run([bin_] + args, capture_output=True, text=True)
        if p.returncode not in ok:
            sys.exit(f"check_dashboard: {bin_} {' '.join(args)}: exit {p.returncode}: {p.stderr.strip()}"
                     + (" (make map-fixtures unpacks the map's tree)" if args[0] == "map" else ""))
        text += p.stdout
    out = {}
    for name, labels in exported(text).items():
        for k, v in labels.items():
            out.setdefault(name, {}).setdefault(k, set()).update(v)
        out.setdefault(name, {})
    return out


# --- the dashboard's expressions ---------------------------------------------------

def panels(dash):
    """Every panel, also those inside collapsed rows."""
    for p in dash.get("panels", []):
        yield p
        for q in p.get("panels", []):
            yield q


def expressions(dash):
    """(where, expr, legend) of every query: panel targets, and the selector of label_values()."""
    for p in panels(dash):
        for t in p.get("targets", []):
            if "expr" in t:
                yield f"panel '{p.get('title')}' {t.get('refId')}", t["expr"], t.get("legendFormat", "")
    for v in dash.get("templating", {}).get("list", []):
        if v.get("type") != "query":
            continue
        q = v.get("definition") or (v["query"].get("query") if isinstance(v.get("query"), dict) else v.get("query"))
        m = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\s*\)\s*", q or "")
        if not m:
            yield f"variable {v.get('name')}", q or "", ""
        else:
            # the label asked for must be on the metric: as a legend's {{label}}
            yield f"variable {v.get('name')}", m.group(1), "{{" + m.group(2) + "}}"


def tokens(expr):
    pos, out = 0, []
    while pos < len(expr):
        if expr[pos:].strip() == "":
            break
        m = TOKEN_RE.match(expr, pos)
        if not m or m.end() == pos:
            raise ValueError(f"cannot read PromQL at '{expr[pos:pos + 20]}'")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def unquote(s):
    return s[1:-1]


def analyse(expr):
    """The selectors [(metric, [(label, op, value)])] and the grouping labels of an expression."""
    toks = tokens(expr)
    sels, grouping = [], []
    i = 0
    while i < len(toks):
        kind, val = toks[i]
        nxt = toks[i + 1][1] if i + 1 < len(toks) else None
        if kind == "id" and val in ("by", "without", "on", "ignoring", "group_left", "group_right"):
            i += 1
            if nxt == "(":
                i += 1
                while i < len(toks) and toks[i][1] != ")":
                    if toks[i][0] == "id":
                        grouping.append(toks[i][1])
                    i += 1
            i += 1 if nxt == "(" else 0
            continue
        if kind == "id" and (val in KEYWORDS or val in AGGREGATIONS or nxt == "("):
            i += 1
            continue
        if (kind == "id") or (kind == "op" and val == "{"):
            name = val if kind == "id" else None
            matchers = []
            if kind == "id":
                i += 1
            if i < len(toks) and toks[i][1] == "{":
                i += 1
                while i < len(toks) and toks[i][1] != "}":
                    if toks[i][0] == "id" and i + 2 < len(toks) and toks[i + 2][0] == "str":
                        matchers.append((toks[i][1], toks[i + 1][1], unquote(toks[i + 2][1])))
                        i += 3
                    else:
                        i += 1
                i += 1
            for label, _, value in matchers:
                if label == "__name__":
                    name = value
            sels.append((name, matchers))
            continue
        i += 1
    return sels, grouping


def variables(text):
    return {a or b or c for a, b, c in VAR_RE.findall(text)}


def fill(expr):
    """The expression as Prometheus would get it: intervals for Grafana's, 'x' for the rest."""
    expr = re.sub(r"\$\{?__(rate_)?interval\}?|\$\{?__range\}?", "5m", expr)
    return VAR_RE.sub("x", expr)


def literal_values(op, value):
    """The values a matcher names literally: 'a' for =, 'a', 'b' for =~ "a|b"; None when a pattern."""
    if VAR_RE.search(value):
        return None
    if op in ("=", "!="):
        return [value]
    if re.fullmatch(r"[\w.-]+(\|[\w.-]+)*", value):
        return value.split("|")
    return None


# --- the checks --------------------------------------------------------------------

def check_shape(dash):
    errs = []
    if dash.get("schemaVersion") != SCHEMA_VERSION:
        errs.append(f"schemaVersion {dash.get('schemaVersion')}, not {SCHEMA_VERSION} (Grafana 12)")
    if not dash.get("uid") or not dash.get("title"):
        errs.append("no uid or title")
    var = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
    ds = var.get("datasource", {})
    if ds.get("type") != "datasource" or ds.get("query") != "prometheus":
        errs.append("no data source variable 'datasource' of type prometheus")
    for name in ("instance", "node", "size"):
        if var.get(name, {}).get("type") != "query":
            errs.append(f"no query variable '{name}'")
    if not re.fullmatch(r"label_values\(buddyctl_map_ranges(\{[^}]*\})?, node\)", var.get("node", {}).get("definition", "")):
        errs.append("the node variable is not label_values(buddyctl_map_ranges..., node)")
    for p in panels(dash):
        if p.get("type") == "row":
            continue
        for obj in [p] + p.get("targets", []):
            if obj.get("datasource") != {"type": "prometheus", "uid": "${datasource}"}:
                errs.append(f"panel '{p.get('title')}': data source {obj.get('datasource')}, not the $datasource variable")
                break
    return errs


def check_exprs(dash, exports):
    errs = []
    defined = {v.get("name") for v in dash.get("templating", {}).get("list", [])} | BUILTIN_VARS
    used = set()
    texts = [(f"panel '{p.get('title')}'", p.get("title", "") + " " + json.dumps(p.get("targets", [])))
             for p in panels(dash)]
    for where, text in texts:
        for v in variables(text) - defined:
            errs.append(f"{where}: ${v} is not a variable of the dashboard")
    for where, expr, legend in expressions(dash):
        try:
            # label values as written (a $variable kept), grouping as Prometheus reads it
            sels = analyse_raw(expr)
            _, grouping = analyse(fill(expr))
        except ValueError as e:
            errs.append(f"{where}: {e}")
            continue
        labels_here = set(TARGET_LABELS)
        for name, _ in sels:
            if name is None:
                errs.append(f"{where}: a selector without a metric name in '{expr}'")
                continue
            used.add(name)
            if name not in exports:
                errs.append(f"{where}: {name} is not a metric buddyctl exports")
                continue
            labels_here |= set(exports[name])
        for name, matchers in sels:
            if name not in exports:
                continue
            for label, op, value in matchers:
                if label == "__name__":
                    continue
                if label not in exports[name] and label not in TARGET_LABELS:
                    errs.append(f"{where}: {name} has no label '{label}' (it has {sorted(exports[name])})")
                    continue
                vals = literal_values(op, value)
                for v in vals or []:
                    if label in exports[name] and v not in exports[name][label]:
                        errs.append(f"{where}: {name}{{{label}}} is never '{v}' (buddyctl writes {sorted(exports[name][label])})")
        for label in grouping:
            if label not in labels_here:
                errs.append(f"{where}: groups or matches by '{label}', which none of its metrics has")
        for label in re.findall(r"\{\{\s*(\w+)\s*\}\}", legend):
            if label not in labels_here:
                errs.append(f"{where}: {{{{{label}}}}} is not a label of its metrics")
    for name in sorted(REQUIRED - used):
        errs.append(f"no panel queries {name}")
    return errs


def analyse_raw(expr):
    """analyse() of the expression with its variables kept, each as a placeholder in label values only."""
    keep = {}

    def hold(m):
        keep[f"GRAFANAVAR{len(keep)}"] = m.group(0)
        return f"GRAFANAVAR{len(keep) - 1}"
    held = VAR_RE.sub(hold, expr)
    held = re.sub(r"\[GRAFANAVAR\d+\]", "[5m]", held)
    sels, _ = analyse(held)
    out = []
    for name, matchers in sels:
        out.append((name, [(l, op, re.sub(r"GRAFANAVAR\d+", lambda m: keep[m.group(0)], v)) for l, op, v in matchers]))
    return out


def check_promtool(dash, tmpdir):
    """promtool check rules on a rule file with each expression recorded; None without promtool."""
    if not shutil.which("promtool"):
        return None
    rules = []
    for n, (where, expr, _) in enumerate(expressions(dash)):
        rules.append({"record": f"grafana_dashboard:expr_{n}", "expr": fill(expr)})
    path = os.path.join(tmpdir, "dashboard-rules.yml")
    with open(path, "w") as f:
        # JSON is YAML: no YAML library needed
        json.dump({"groups": [{"name": "buddyctl-dashboard", "rules": rules}]}, f, indent=1)
    p = subprocess.run(["promtool", "check", "rules", path], capture_output=True, text=True)
    if p.returncode != 0:
        return [f"promtool check rules: {line}" for line in (p.stdout + p.stderr).splitlines()
                if line.strip() and "Checking" not in line and line.strip() != "FAILED:"]
    return []


def run_all(dash, exports, tmpdir):
    errs = check_shape(dash) + check_exprs(dash, exports)
    pt = check_promtool(dash, tmpdir)
    return errs, pt


# --- the checks catch what they are for -----------------------------------------

def first_target(dash, metric):
    for p in panels(dash):
        for t in p.get("targets", []):
            if metric in t.get("expr", ""):
                return t
    raise SystemExit(f"check_dashboard: no query of {metric} to mutate")


def mutations(dash):
    def rename(d):
        t = first_target(d, "buddyctl_map_ranges")
        t["expr"] = t["expr"].replace("buddyctl_map_ranges", "buddyctl_map_range", 1)

    def label(d):
        t = first_target(d, "buddyctl_map_blocked_ranges")
        t["expr"] = t["expr"].replace("blocker!~", "blockers!~", 1)

    def value(d):
        t = first_target(d, "class=~")
        t["expr"] = t["expr"].replace('class=~"free|compactable|maybe"', 'class=~"free|movable|maybe"', 1)

    def variable(d):
        t = first_target(d, "buddyctl_node_level")
        t["expr"] = t["expr"].replace('node=~"$node"', 'node=~"$nodes"', 1)

    def syntax(d):
        t = first_target(d, "buddyctl_free_blocks")
        t["expr"] = t["expr"] + ")"
    return [("a metric renamed", rename, False), ("a label misspelt", label, False),
            ("a label value buddyctl never writes", value, False), ("an undefined variable", variable, False),
            ("an expression that does not parse", syntax, True)]


def main():
    args = sys.argv[1:]
    if len(args) < 2 or args[0] != "--bin":
        print(__doc__.splitlines()[0], file=sys.stderr)
        sys.exit(64)
    bin_, path = args[1], (args[2] if len(args) > 2 else DASHBOARD)
    passed = failed = skipped = 0

    def result(ok, what, errs=()):
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"ok: {what}")
        else:
            failed += 1
            print(f"FAIL: {what}")
            for e in errs:
                print(f"  {e}")

    try:
        with open(path) as f:
            dash = json.load(f)
        result(True, f"{path} parses as JSON")
    except (OSError, ValueError) as e:
        result(False, f"{path} parses as JSON", [str(e)])
        print(f"grafana dashboard: {passed} passed, {failed} failed, {skipped} skipped")
        sys.exit(1)
    exports = buddyctl_exports(bin_)
    n = sum(1 for _ in expressions(dash))
    with tempfile.TemporaryDirectory() as tmp:
        errs = check_shape(dash)
        result(not errs, f"a Grafana 12 dashboard (schemaVersion {SCHEMA_VERSION}) with its data source and variables", errs)
        errs = check_exprs(dash, exports)
        result(not errs, f"{n} expressions: metrics, labels, values and variables buddyctl and the dashboard have", errs)
        pt = check_promtool(dash, tmp)
        if pt is None:
            skipped += 1
            print("SKIP promtool not installed: the expressions not parsed (Debian: prometheus; sh .ci/deps installs it)")
        else:
            result(not pt, f"{n} expressions parse (promtool check rules)", pt)
        for what, mutate, needs_promtool in mutations(dash):
            if needs_promtool and pt is None:
                skipped += 1
                print(f"SKIP promtool not installed: {what} not tried")
                continue
            bad = copy.deepcopy(dash)
            mutate(bad)
            errs, pt_bad = run_all(bad, exports, tmp)
            caught = errs or pt_bad
            result(bool(caught), f"a copy with {what} fails" + (f": {(errs or pt_bad)[0]}" if caught else ""))
    print(f"grafana dashboard: {passed} passed, {failed} failed, {skipped} skipped")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
