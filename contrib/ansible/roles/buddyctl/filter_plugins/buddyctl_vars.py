# SPDX-License-Identifier: GPL-2.0-or-later
"""The role's variables, checked before the policy is rendered.

buddyctl_variable_errors(vars) returns one message per bad variable, naming
it ("buddyctl_run.min_interval: ..."); the role's first task fails the play
with them. The template writes values as given, so a string with a newline
would add a line of its own to the policy ("15m\\nstate_file = /etc/cron.d/x"
set state_file and passed buddyctl's own validation): no string anywhere in
the policy variables may hold a control character, and every value of a key
buddyctl.conf(5) documents has that key's type. A key this file does not
know (a newer buddyctl's) may be any one-line scalar: buddyctl plan, the
template's validation, refuses keys it does not know itself.
"""

import re

# Control characters: C0, DEL and C1 (U+0085 NEL ends a line for some readers).
_CONTROL = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029]')
_KEY = re.compile(r'^[a-z][a-z0-9_]*$')
_SIZE = re.compile(r'^[1-9][0-9]*(kB|K|k|KB|M|MB|G|GB|T|TB)$')
_DURATION = re.compile(r'^[0-9]+(\.[0-9]+)?(s|ms|m|min|h)?$')
_COUNTS = re.compile(r'^[0-9]+:[0-9]+([ ,]+[0-9]+:[0-9]+)*$')
_PACKAGE = re.compile(r'^[a-z0-9][a-z0-9+.-]+$')
_BOOL_WORDS = ('yes', 'no', 'true', 'false', 'on', 'off', '1', '0')

# Steps of buddyctl.conf(5) STEPS: a remediation list, and a pool's on_short.
REMEDIATION_STEPS = ('none', 'compact-node', 'compact-all', 'drop-pagecache', 'drop-slab', 'drop-all')
ESCALATION_STEPS = REMEDIATION_STEPS + ('retry', 'reclaim-node', 'rewrite-burst', 'drain-pcp')
MAX_ORDER = 31          # policy/judge/config.c: an order is 0-31
MAX_ROUNDS = 100        # policy/judge/config.c: rounds is 0-100


def _is_bool(v):
    return isinstance(v, bool)


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _ratio(v):
    if v == 'off' or (_is_number(v) and 0 <= v <= 1):
        return None
    return "must be a ratio from 0 to 1 (0.7) or 'off'"


def _min_blocks(v):
    if v == 'off' or (_is_int(v) and v >= 0):
        return None
    return "must be a count of blocks (a whole number, 0 or more) or 'off'"


def _order(v):
    if v == 'auto' or (_is_int(v) and 0 <= v <= MAX_ORDER):
        return None
    if isinstance(v, str) and (_SIZE.match(v) or (v.isdigit() and int(v) <= MAX_ORDER)):
        return None
    return "must be 'auto', an order from 0 to %d or a block size (2M)" % MAX_ORDER


def _steps(allowed):
    def check(v):
        names = v if isinstance(v, list) else (v.split(',') if isinstance(v, str) else None)
        if names is None or not names:
            return "must be a list of steps or 'none' (%s)" % ', '.join(allowed)
        for n in names:
            n = n.strip() if isinstance(n, str) else n
            if n not in allowed:
                return "'%s' is not a step (%s)" % (n, ', '.join(allowed))
        return None
    return check


def _bool(v):
    """A policy boolean: the template writes true/false as yes/no."""
    if _is_bool(v) or (isinstance(v, str) and v in _BOOL_WORDS):
        return None
    return 'must be a boolean (true or false)'


def _flag(v):
    """A role switch, read with Ansible's | bool ("True" from a template too)."""
    if _is_bool(v) or (isinstance(v, str) and v.lower() in _BOOL_WORDS):
        return None
    return 'must be a boolean (true or false)'


def _duration(v):
    if (_is_number(v) and v >= 0) or (isinstance(v, str) and _DURATION.match(v)):
        return None
    return 'must be a duration: seconds (90) or a number with s, ms, m, min or h (30s, 10m, 1h)'


def _abspath(v):
    if isinstance(v, str) and v.startswith('/'):
        return None
    return 'must be an absolute path'


def _count(v):
    if _is_int(v) and v >= 0:
        return None
    return 'must be a number of pages (a whole number, 0 or more)'


def _rounds(v):
    if _is_int(v) and 0 <= v <= MAX_ROUNDS:
        return None
    return 'must be a whole number from 0 to %d' % MAX_ROUNDS


def _node_counts(v):
    if isinstance(v, str):
        return None if _COUNTS.match(v) else "must map node numbers to page counts ({0: 512, 1: 256})"
    if not isinstance(v, dict) or not v:
        return "must map node numbers to page counts ({0: 512, 1: 256})"
    for node, pages in v.items():
        if _node_id(node):
            return "'%s' is not a node number" % node
        if not (_is_int(pages) and pages >= 0):
            return "node %s: '%s' is not a number of pages" % (node, pages)
    return _one_key_type(v)


THRESHOLD_KEYS = {
    'order': _order,
    'warn_unusable': _ratio, 'crit_unusable': _ratio,
    'warn_fragindex': _ratio, 'crit_fragindex': _ratio,
    'warn_min_blocks': _min_blocks, 'crit_min_blocks': _min_blocks,
}
STEP_KEYS = {'warn': _steps(REMEDIATION_STEPS), 'crit': _steps(REMEDIATION_STEPS)}
SECTIONS = {
    'buddyctl_fragmentation': THRESHOLD_KEYS,
    'buddyctl_remediate': dict(STEP_KEYS, sync=_bool),
    'buddyctl_run': {
        'time_budget': _duration, 'min_interval': _duration, 'lock_wait': _duration,
        'state_file': _abspath, 'lock_file': _abspath,
    },
}
NODE_KEYS = dict(THRESHOLD_KEYS, **STEP_KEYS)
POOL_KEYS = {
    'count': _node_counts, 'total': _count, 'rounds': _rounds,
    'on_short': _steps(ESCALATION_STEPS),
    'keep': _bool, 'force': _bool, 'mandatory': _bool, 'allow_drop_caches': _bool,
}

# The role's own variables (defaults/main.yml).
ROLE_BOOLS = ('buddyctl_install', 'buddyctl_systemd', 'buddyctl_reserve_enabled',
              'buddyctl_reserve_start_now', 'buddyctl_remediate_timer_enabled',
              'buddyctl_metrics_timer_enabled', 'buddyctl_hugetlbfs_1g_enabled', 'buddyctl_check')
ROLE_PATHS = ('buddyctl_binary', 'buddyctl_config_path', 'buddyctl_root', 'buddyctl_deb_dest')


def _node_id(v):
    if _is_int(v) and v >= 0:
        return None
    if isinstance(v, str) and v.isdigit() and v.isascii():
        return None
    return 'not a node number'


def _one_key_type(mapping):
    """The template sorts keys: 0 and "1" side by side cannot be sorted."""
    if len({type(k) is str for k in mapping}) > 1:
        return 'give every node number the same way (all as numbers, or all as strings)'
    return None


def _dirty(v):
    """A control character in any string under v, keys included."""
    if isinstance(v, str):
        return bool(_CONTROL.search(v))
    if isinstance(v, dict):
        return any(_dirty(k) or _dirty(x) for k, x in v.items())
    if isinstance(v, list):
        return any(_dirty(x) for x in v)
    return False


def _control(path, v, errors):
    """Every string under v (keys too) must be one line of printable text."""
    if isinstance(v, str):
        if _CONTROL.search(v):
            errors.append('%s: %r holds a newline or another control character' % (path, v))
    elif isinstance(v, dict):
        for k, x in v.items():
            _control(path, k, errors) if isinstance(k, str) else None
            _control('%s.%s' % (path, k), x, errors)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            _control('%s[%d]' % (path, i), x, errors)


def _scalar(v):
    if isinstance(v, (str, int, float, bool)):
        return None
    return 'must be one value (a string, a number or a boolean)'


def _keys(path, keys, known, errors):
    if not isinstance(keys, dict):
        errors.append('%s: must be a mapping of key: value' % path)
        return
    for k, v in keys.items():
        if _dirty(k) or _dirty(v):
            continue        # said by _control()
        if not isinstance(k, str) or not _KEY.match(k):
            errors.append("%s: '%s' is not a key name (lower case letters, digits and _)" % (path, k))
            continue
        msg = known.get(k, _scalar)(v)
        if msg:
            errors.append('%s.%s: %s (got %r)' % (path, k, msg, v))


def _sections(path, value, key_check, known, errors):
    """buddyctl_nodes / buddyctl_hugepages: section name -> keys."""
    if not isinstance(value, dict):
        errors.append('%s: must be a mapping' % path)
        return
    for name, keys in value.items():
        if _dirty(name):
            continue        # said by _control()
        msg = key_check(name)
        if msg:
            errors.append("%s: '%s' is %s" % (path, name, msg))
            continue
        _keys('%s.%s' % (path, name), keys, known, errors)
    if key_check is _node_id and _one_key_type(value):
        errors.append('%s: %s' % (path, _one_key_type(value)))


def _size(v):
    if isinstance(v, str) and _SIZE.match(v):
        return None
    return 'not a page size (2M, 1G, 2048kB)'


def buddyctl_variable_errors(hostvars):
    """The messages for the role's bad variables; an empty list when all are good."""
    errors = []
    policy = ('buddyctl_fragmentation', 'buddyctl_remediate', 'buddyctl_run',
              'buddyctl_nodes', 'buddyctl_hugepages')
    strings = policy + ROLE_PATHS + ('buddyctl_deb', 'buddyctl_package', 'buddyctl_check_fail_on')
    for name in strings:
        _control(name, hostvars.get(name), errors)
    bad_text = set(name for name in strings if isinstance(hostvars.get(name), str) and _dirty(hostvars[name]))
    for name in SECTIONS:
        _keys(name, hostvars.get(name, {}), SECTIONS[name], errors)
    _sections('buddyctl_nodes', hostvars.get('buddyctl_nodes', {}), _node_id, NODE_KEYS, errors)
    _sections('buddyctl_hugepages', hostvars.get('buddyctl_hugepages', {}), _size, POOL_KEYS, errors)
    for name in ROLE_PATHS:
        if name in hostvars and name not in bad_text and _abspath(hostvars[name]):
            errors.append('%s: %s (got %r)' % (name, _abspath(hostvars[name]), hostvars[name]))
    for name in ROLE_BOOLS:
        if name in hostvars and _flag(hostvars[name]):
            errors.append('%s: %s (got %r)' % (name, _flag(hostvars[name]), hostvars[name]))
    if hostvars.get('buddyctl_check_fail_on') not in ('crit', 'warn'):
        errors.append("buddyctl_check_fail_on: must be crit or warn (got %r)" % hostvars.get('buddyctl_check_fail_on'))
    pkg = hostvars.get('buddyctl_package', 'buddyctl')
    if 'buddyctl_package' not in bad_text and not (isinstance(pkg, str) and _PACKAGE.match(pkg)):
        errors.append('buddyctl_package: must be a Debian package name (got %r)' % (pkg,))
    deb = hostvars.get('buddyctl_deb', '')
    if 'buddyctl_deb' not in bad_text and not (isinstance(deb, str) and (deb == '' or deb.endswith('.deb'))):
        errors.append("buddyctl_deb: must be empty or the path of a .deb on the controller (got %r)" % (deb,))
    return errors


class FilterModule(object):
    def filters(self):
        return {'buddyctl_variable_errors': buddyctl_variable_errors}
