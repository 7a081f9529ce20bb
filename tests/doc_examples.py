#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Every example of output in the documents (DOCS below), rerun and compared.

Each literal block of the documents carries a marker right before it that
says what it is:

  Markdown (*.md), on the lines before a ``` fence:
    <!-- example: COMMAND -->          output of COMMAND (may span lines)
    <!-- example-setup: SHELL -->      run before the example's COMMAND
    <!-- illustration: WHY -->         not produced by a test: says why
    <!-- literal -->                   not buddyctl's output: a command to type,
                                       a file to write, a formula
  roff (man/*.8, man/*.5), on the lines before .EX or .nf:
    .\\" example: COMMAND              (more .\\" example: lines continue it)
    .\\" example-setup: SHELL
    .\\" illustration: WHY
    .\\" literal

An example's block is what COMMAND prints: standard output, then standard
error. When COMMAND starts with "$ " or "# " (a prompt), each line that
starts with a prompt is a command of its own (the lines after it, up to
the next, belong to it: a here-document), and the block shows each
command as typed, then its output. COMMAND runs under sh in a scratch folder
holding a copy of tests/policies and of each tree of tests/fixtures the
example names (so an apply on a fixture tree writes only to its copy), with "buddyctl" (and ./buddyctl)
the binary under test, NO_COLOR=1, TZ=UTC, LC_ALL=C and $TOP the project's
top folder. A fixture tree named in an example is how a machine's output
is shown: the block shows that tree, not a live machine.

Moving parts are masked before comparing, as the golden scripts do
(tests/cli_golden.sh, tests/report_golden.sh): the snapshot's time, the
milliseconds and seconds of a run, the Prometheus timestamp.

  tests/doc_examples.py [--bin BUDDYCTL] [FILE...]            compare
  tests/doc_examples.py [--bin BUDDYCTL] --update [FILE...]   rewrite the blocks
                                                              that differ

A difference, a block without a marker, or a marker without its block
fails, naming the file and the line. make check runs the comparison; make
doc-examples the update.
"""

import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

DOCS = ['README.md', 'KERNEL.md', 'man/buddyctl.8', 'man/buddyctl.conf.5',
        'tests/README.md', 'bench/README.md', 'contrib/README.md']
TIMEOUT_S = 60
PROMPTS = ('$ ', '# ')
FIXTURE = re.compile(r'tests/fixtures/([A-Za-z0-9_.-]+)')

# Masked before comparing: what changes from one run to the next.
MASKS = [
    (re.compile(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC'), 'TIME UTC'),
    (re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ'), 'TIME'),
    (re.compile(r'"time_unix":[0-9.]+'), '"time_unix":0'),
    (re.compile(r'(buddyctl_snapshot_timestamp_seconds(\{[^}]*\})?) \S+'), r'\1 TIME'),
    (re.compile(r'\b\d+\.\d+ ms\b'), 'T ms'),
    (re.compile(r'"(total_)?ms":[0-9.]+'), r'"\1ms":0'),
    (re.compile(r'; \d+\.\d+ s, exit '), '; T s, exit '),
    (re.compile(r'waited \d+\.\d+ s'), 'waited T s'),
    (re.compile(r'\(pid \d+\)'), '(pid PID)'),
]


def mask(text):
    # a masked figure may be padded to a width: the padding goes with it
    for rx, to in MASKS:
        text = rx.sub(to, text)
    return re.sub(r' +', ' ', text)


class Block:
    """One literal block: where it is, its marker, its lines."""

    def __init__(self, path, kind, marker_line, start, end, arg, setup, lines):
        self.path = path
        self.kind = kind            # example, illustration, literal
        self.marker_line = marker_line
        self.start = start          # index of the first content line
        self.end = end              # index of the closing fence/request
        self.arg = arg              # the command, or why
        self.setup = setup
        self.lines = lines          # the content, as in the file


# --- Markdown ---------------------------------------------------------------------------

MD_MARK = re.compile(r'^<!-- (example|example-setup|illustration|literal)(?::\s?(.*?))?\s*(-->)?$')


def md_blocks(path, text, errors):
    lines = text.split('\n')
    blocks, i = [], 0
    marks = []                      # markers seen since the last block
    while i < len(lines):
        m = MD_MARK.match(lines[i])
        if m:
            kind, arg, closed = m.group(1), m.group(2) or '', m.group(3)
            at = i
            while not closed:
                i += 1
                if i == len(lines):
                    errors.append('%s:%d: marker not closed with -->' % (path, at + 1))
                    return blocks
                if lines[i].rstrip().endswith('-->'):
                    arg += '\n' + lines[i].rstrip()[:-3].rstrip()
                    closed = True
                else:
                    arg += '\n' + lines[i]
            marks.append((kind, arg, at))
            i += 1
            continue
        if lines[i].startswith('```'):
            j = i + 1
            while j < len(lines) and not lines[j].startswith('```'):
                j += 1
            if j == len(lines):
                errors.append('%s:%d: fence not closed' % (path, i + 1))
                return blocks
            blocks.append(marked(path, marks, i, i + 1, j, lines[i + 1:j], errors))
            marks = []
            i = j + 1
            continue
        if lines[i].strip() and marks:
            errors.append('%s:%d: marker not followed by a block' % (path, marks[0][2] + 1))
            marks = []
        i += 1
    return blocks


# --- roff -----------------------------------------------------------------------------------

ROFF_MARK = re.compile(r'^\.\\" (example|example-setup|illustration|literal)(?::\s?(.*))?$')
ROFF_OPEN = {'.EX': '.EE', '.nf': '.fi'}


def roff_blocks(path, text, errors):
    lines = text.split('\n')
    blocks, i, marks = [], 0, []
    while i < len(lines):
        m = ROFF_MARK.match(lines[i])
        if m:
            kind, arg = m.group(1), m.group(2) or ''
            # a second line of the same kind continues the first
            if marks and marks[-1][0] == kind and kind in ('example', 'example-setup'):
                marks[-1] = (kind, marks[-1][1] + '\n' + arg, marks[-1][2])
            else:
                marks.append((kind, arg, i))
            i += 1
            continue
        req = lines[i].split(' ')[0]
        if req in ROFF_OPEN:
            j = i + 1
            while j < len(lines) and lines[j].split(' ')[0] != ROFF_OPEN[req]:
                j += 1
            if j == len(lines):
                errors.append('%s:%d: %s without %s' % (path, i + 1, req, ROFF_OPEN[req]))
                return blocks
            blocks.append(marked(path, marks, i, i + 1, j, lines[i + 1:j], errors))
            marks = []
            i = j + 1
            continue
        if marks and not lines[i].startswith('.\\"'):
            errors.append('%s:%d: marker not followed by .EX or .nf' % (path, marks[0][2] + 1))
            marks = []
        i += 1
    return blocks


def marked(path, marks, fence, start, end, lines, errors):
    setup = '\n'.join(a for k, a, _ in marks if k == 'example-setup')
    main = [(k, a, at) for k, a, at in marks if k != 'example-setup']
    if len(main) != 1:
        errors.append('%s:%d: a block needs one marker before it (example:, illustration: or literal), has %d'
                      % (path, fence + 1, len(main)))
        return Block(path, None, fence, start, end, '', setup, lines)
    kind, arg, at = main[0]
    if kind == 'illustration' and not arg.strip():
        errors.append('%s:%d: an illustration says why it is not produced by a test' % (path, at + 1))
    if kind == 'example' and not arg.strip():
        errors.append('%s:%d: an example names its command' % (path, at + 1))
    if setup and kind != 'example':
        errors.append('%s:%d: example-setup before a block that is no example' % (path, at + 1))
    return Block(path, kind, at, start, end, arg, setup, lines)


# roff text of a line of output in an .EX block, and back
def roff_escape(line):
    line = line.replace('\\', '\\e').replace('-', '\\-').replace("'", '\\(aq')
    if line.startswith('.'):
        line = '\\&' + line
    return line.rstrip()


def roff_unescape(line):
    out, i = [], 0
    while i < len(line):
        c = line[i]
        if c == '\\' and i + 1 < len(line):
            n = line[i + 1]
            if n == 'e':
                out.append('\\')
            elif n in '-':
                out.append('-')
            elif n == '&':
                pass
            elif n == '(' and i + 3 < len(line):
                out.append({'aq': "'", 'dq': '"', 'ti': '~', 'ha': '^', 'ga': '`'}.get(line[i + 2:i + 4], '?'))
                i += 2
            else:
                out.append(n)
            i += 2
            continue
        out.append(c)
        i += 1
    return ''.join(out)


# --- running an example -------------------------------------------------------------------

def commands(text):
    """COMMAND as (lines shown, shell text) pairs: with prompts, one per prompt line."""
    lines = text.split('\n')
    if not lines[0].startswith(PROMPTS):
        return [([], text)]
    cmds = []
    for line in lines:
        if line.startswith(PROMPTS):
            cmds.append([line])
        else:
            cmds[-1].append(line)     # a heredoc's body, a continued line
    return [(c, '\n'.join(c)[2:]) for c in cmds]


def run(block, top, binary):
    scratch = tempfile.mkdtemp(prefix='buddyctl-doc.')
    out = []
    try:
        os.makedirs(os.path.join(scratch, 'tests'))
        os.makedirs(os.path.join(scratch, 'bin'))
        shutil.copytree(os.path.join(top, 'tests', 'policies'), os.path.join(scratch, 'tests', 'policies'))
        # the fixture trees the example names, copied (an apply writes to its copy)
        for tree in sorted(set(FIXTURE.findall(block.setup + '\n' + block.arg))):
            if os.path.isdir(os.path.join(top, 'tests', 'fixtures', tree)):
                shutil.copytree(os.path.join(top, 'tests', 'fixtures', tree),
                                os.path.join(scratch, 'tests', 'fixtures', tree), symlinks=True)
        os.symlink(binary, os.path.join(scratch, 'bin', 'buddyctl'))
        os.symlink(binary, os.path.join(scratch, 'buddyctl'))
        env = dict(os.environ, PATH=os.path.join(scratch, 'bin') + ':' + os.environ.get('PATH', '/usr/bin:/bin'),
                   NO_COLOR='1', TZ='UTC', LC_ALL='C', TOP=top, HOME=scratch)
        env.pop('BUDDYCTL_CHECKDIR', None)
        if block.setup:
            r = subprocess.run(['sh', '-ec', block.setup], cwd=scratch, env=env, stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=TIMEOUT_S)
            if r.returncode:
                return None, 'setup failed (%d): %s' % (r.returncode, (r.stdout + r.stderr).decode(errors='replace'))
        for shown, cmd in commands(block.arg):
            r = subprocess.run(['sh', '-c', cmd], cwd=scratch, env=env, stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=TIMEOUT_S)
            text = (r.stdout + r.stderr).decode(errors='replace')
            text = text.replace(scratch + '/', '').replace(scratch, '.')
            lines = text.split('\n')
            if lines and lines[-1] == '':
                lines.pop()
            out += shown + lines
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return out, None


def main(argv):
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary, update, files = os.environ.get('BUDDYCTL', './buddyctl'), False, []
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == '--bin':
            binary = args.pop(0)
        elif a == '--update':
            update = True
        elif a.startswith('-'):
            print(__doc__)
            return 64
        else:
            files.append(a)
    binary = os.path.abspath(binary)
    if not os.access(binary, os.X_OK):
        print('doc examples: %s is not an executable buddyctl' % binary)
        return 1
    os.chdir(top)
    errors, passed, examples, illustrations = [], 0, 0, 0
    for path in files or DOCS:
        text = open(path, encoding='utf-8').read()
        roff = not path.endswith('.md')
        blocks = (roff_blocks if roff else md_blocks)(path, text, errors)
        lines = text.split('\n')
        changed = False
        for b in reversed(blocks):  # from the end: a rewrite keeps the earlier line numbers
            if b.kind == 'illustration':
                illustrations += 1
            if b.kind != 'example':
                continue
            examples += 1
            out, why = run(b, top, binary)
            if out is None:
                errors.append('%s:%d: %s' % (path, b.marker_line + 1, why))
                continue
            have = [roff_unescape(l) for l in b.lines] if roff else b.lines
            if roff:
                out = [l.rstrip() for l in out]
            if [mask(l) for l in have] == [mask(l) for l in out] and \
                    (not roff or b.lines == [roff_escape(l) for l in have]):
                passed += 1
                continue
            if update:
                lines[b.start:b.end] = [roff_escape(l) for l in out] if roff else out
                changed = True
                passed += 1
                print('doc examples: %s:%d: rewritten' % (path, b.start))
                continue
            diff = difflib.unified_diff(have, out, '%s:%d (the document)' % (path, b.start),
                                        'the output of: %s' % b.arg.split('\n')[0], lineterm='', n=1)
            errors.append('%s:%d: the example differs from what the binary prints:\n%s'
                          % (path, b.start, '\n'.join(list(diff)[:40])))
        if changed:
            with open(path, 'w', encoding='utf-8') as f:
                f.write('\n'.join(lines))
    for e in errors:
        print('doc examples: ' + e)
    print('doc examples: %d of %d examples agree with the binary (%d illustrations); %d problems'
          % (passed, examples, illustrations, len(errors)))
    checkdir = os.environ.get('BUDDYCTL_CHECKDIR')
    if checkdir and not update:
        with open(os.path.join(checkdir, 'results'), 'a') as f:
            f.write('doc examples\tdoc_examples.py\t%d\t%d\t0\t%d\n' % (passed + len(errors), passed, len(errors)))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
