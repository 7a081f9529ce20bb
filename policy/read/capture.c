/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads a capture named on the command line (a file, a FIFO, standard input) and unpastes it. */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs.h"
#include "strbuf.h"

/* A capture named on the command line: a regular file or a pipe. */
static int check_file_type(const char *name, const struct stat *st, struct bc_error *err)
{
	if (S_ISREG(st->st_mode) || S_ISFIFO(st->st_mode))
		return 0;
	if (S_ISDIR(st->st_mode))
		return bc_error_set(err, BC_ENOINPUT, "%s: a directory, not a buddyinfo capture", name);
	return bc_error_set(err, BC_ENOINPUT, "%s: %s, not a regular file or a pipe: not read ('-' reads standard input)",
			    name, rootfs_type_name(st->st_mode));
}

/*
 * Open file for reading when it is a regular file or a pipe: looked at
 * before it is opened (a device is never opened), and again after (the
 * same file). A FIFO is opened blocking: the user named it, and waits.
 */
static int open_capture(const char *name, struct bc_error *err)
{
	struct stat st, again;
	int fd, rc;

	if (stat(name, &st) < 0)
		return bc_error_set(err, BC_ENOINPUT, "%s: %s", name, strerror(errno));
	if ((rc = check_file_type(name, &st, err)) < 0)
		return rc;
	fd = open(name, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return bc_error_set(err, BC_ENOINPUT, "%s: %s", name, strerror(errno));
	if (fstat(fd, &again) < 0 || again.st_dev != st.st_dev || again.st_ino != st.st_ino) {
		close(fd);
		return bc_error_set(err, BC_ENOINPUT, "%s: replaced while it was opened: not read", name);
	}
	return fd;
}

/* Read fd to its end, at most CAPTURE_MAX bytes, into c->buf. */
static int read_all(int fd, struct capture *c, struct bc_error *err)
{
	size_t cap = 65536, n = 0;
	char *b, *nb;
	ssize_t r;

	if (!(b = malloc(cap)))
		return bc_error_set(err, BC_ENOMEM, "%s: out of memory", c->name);
	for (;;) {
		if (n == cap - 1) {
			if (cap > CAPTURE_MAX) {
				free(b);
				return bc_error_set(err, BC_EDATA, "%s: more than %u MiB: not a buddyinfo capture",
						    c->name, CAPTURE_MAX >> 20);
			}
			nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				return bc_error_set(err, BC_ENOMEM, "%s: out of memory", c->name);
			}
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(b);
			return bc_error_set(err, e == EISDIR ? BC_ENOINPUT : BC_EIO, "%s: read: %s", c->name,
					    strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > CAPTURE_MAX) {
		free(b);
		return bc_error_set(err, BC_EDATA, "%s: more than %u MiB: not a buddyinfo capture",
				    c->name, CAPTURE_MAX >> 20);
	}
	b[n] = '\0';
	c->buf = b;
	c->len = n;
	return 0;
}

int capture_read(const char *file, struct capture *c, struct bc_error *err)
{
	bool is_stdin = strcmp(file, "-") == 0;
	struct stat st;
	int fd, rc;

	memset(c, 0, sizeof(*c));
	c->name = is_stdin ? "standard input" : file;
	c->first_line = 1;
	if (is_stdin) {
		/* a terminal (a paste), a pipe, a file: all fine; not a disk */
		fd = STDIN_FILENO;
		if (fstat(fd, &st) == 0 && (S_ISDIR(st.st_mode) || S_ISBLK(st.st_mode)))
			return bc_error_set(err, BC_ENOINPUT, "%s: %s, not a buddyinfo capture", c->name,
					    rootfs_type_name(st.st_mode));
	} else if ((fd = open_capture(file, err)) < 0) {
		return fd;
	}
	rc = read_all(fd, c, err);
	if (!is_stdin)
		close(fd);
	if (rc == 0)
		rc = capture_unpaste(c, err);
	if (rc < 0)
		capture_free(c);
	return rc;
}

void capture_free(struct capture *c)
{
	free(c->buf);
	c->buf = NULL;
	c->len = 0;
}

/* ---- the paste ---------------------------------------------------------- */

/* What capture_unpaste() took away, to be said in c->skipped. */
struct taken {
	bool bom, crlf, nbsp;
	unsigned depth;			/* '>' marks of quoting, 0: none */
	unsigned lead_blank, fences, trail_blank;
	unsigned prompt_line;		/* the skipped prompt's line, 0: none */
	char prompt[BC_TOKEN_MAX];
	bool trail_prompt;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_blanks(const char *p, const char *e)
{
	while (p < e && is_blank(*p))
		p++;
	return p;
}

static bool all_blank(const char *p, const char *e)
{
	return skip_blanks(p, e) == e;
}

/* Quote marks at the start of [p, e): their number; *rest after them and their blanks. */
static unsigned quote_depth(const char *p, const char *e, const char **rest)
{
	unsigned d = 0;

	p = skip_blanks(p, e);
	while (p < e && *p == '>') {
		d++;
		p = skip_blanks(p + 1, e);
	}
	*rest = p;
	return d;
}

/* A line of [p, e) without its carriage return, if it ends a CRLF line. */
static const char *line_end(const char *p, const char *e)
{
	const char *nl = memchr(p, '\n', (size_t)(e - p));

	return nl ? nl : e;
}

static const char *content_end(const char *line, const char *eol)
{
	return eol > line && eol[-1] == '\r' ? eol - 1 : eol;
}

/* "not quoted", "quoted '>>'" */
static void quoted_as(char *buf, size_t size, unsigned depth)
{
	if (!depth)
		snprintf(buf, size, "not quoted");
	else
		snprintf(buf, size, "quoted '%.*s'", (int)(depth < 16 ? depth : 16), ">>>>>>>>>>>>>>>>");
}

/*
 * Every line that holds text must be quoted as deep as the first one: a
 * paste whose lines come from several messages of a thread is not one
 * capture. 0 with t->depth set, or -BC_EDATA naming both lines.
 */
static int find_depth(const struct capture *c, const char *p, const char *e, struct taken *t,
		      struct bc_error *err)
{
	unsigned line = 0, first = 0, d;
	const char *eol, *rest;

	for (; p < e; p = eol + 1) {
		eol = line_end(p, e);
		line++;
		d = quote_depth(p, content_end(p, eol), &rest);
		if (rest == content_end(p, eol))
			continue;	/* a blank line, quoted or not */
		if (!first) {
			first = line;
			t->depth = d;
		} else if (d != t->depth) {
			char here[32], there[32];

			quoted_as(here, sizeof(here), d);
			quoted_as(there, sizeof(there), t->depth);
			return bc_error_set(err, BC_EDATA, "%s:%u: %s where line %u is %s: lines of different messages are not one capture",
					    c->name, line, here, first, there);
		}
		if (eol == e)
			break;
	}
	return 0;
}

/*
 * Copy [p, e) onto w without quoting (t->depth marks), carriage returns that
 * end lines and with U+00A0 as a blank. w never passes p: only bytes go.
 */
static size_t strip_lines(char *w, const char *p, const char *e, struct taken *t)
{
	char *start = w;
	const char *eol, *end, *rest, *q;

	for (; p < e; p = eol + 1) {
		eol = line_end(p, e);
		end = content_end(p, eol);
		t->crlf |= end != eol;
		if (t->depth) {
			quote_depth(p, end, &rest);
			p = rest;
		}
		for (q = p; q < end; q++) {
			if ((unsigned char)q[0] == 0xc2 && q + 1 < end && (unsigned char)q[1] == 0xa0) {
				*w++ = ' ';
				q++;
				t->nbsp = true;
			} else {
				*w++ = *q;
			}
		}
		if (eol == e)
			break;
		*w++ = '\n';
	}
	return (size_t)(w - start);
}

static bool prompt_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || c == '@' || c == ':' || c == '~' || c == '/' || c == '+';
}

/* One word of a prompt: user@host:~/dir, bash-5.1, [root@db1 ~], (venv). NULL: none. */
static const char *prompt_word(const char *p, const char *e)
{
	const char *q;

	if (p < e && (*p == '[' || *p == '(')) {
		q = memchr(p, *p == '[' ? ']' : ')', (size_t)(e - p));
		return q ? q + 1 : NULL;
	}
	for (q = p; q < e && prompt_char(*q); q++)
		;
	return q > p ? q : NULL;
}

/*
 * Is [p, e) a shell prompt: up to three words, then '$', '#' or '%' and a
 * blank or the end ("$ ", "root@host:~# ", "[user@host dir]$ ", "host:~
 * user$ ", "user@host ~ % ")? *cmd gets what follows it, blanks skipped.
 */
static bool is_prompt(const char *p, const char *e, const char **cmd)
{
	unsigned words;

	p = skip_blanks(p, e);
	for (words = 0;; words++) {
		if (p < e && (*p == '$' || *p == '#' || *p == '%'))
			break;
		if (words == 3 || !(p = prompt_word(p, e)))
			return false;
		if (p < e && (*p == '$' || *p == '#' || *p == '%'))
			break;
		if (p == e || *p != ' ')
			return false;
		p++;
	}
	p++;
	if (p < e && !is_blank(*p))
		return false;
	*cmd = skip_blanks(p, e);
	return true;
}

/* A Markdown code fence (``` ~~~, with a language after it) or Jira's {code} {noformat}. */
static bool is_fence(const char *p, const char *e)
{
	size_t n;

	p = skip_blanks(p, e);
	n = (size_t)(e - p);
	return (n >= 3 && (!memcmp(p, "```", 3) || !memcmp(p, "~~~", 3))) ||
	       (n >= 6 && !memcmp(p, "{code", 5) && (p[5] == '}' || p[5] == ':')) ||
	       (n >= 10 && !memcmp(p, "{noformat}", 10));
}

/* Skip the lines before the text; returns where it starts, t->... counted. */
static char *skip_leading(char *p, char *e, unsigned *lines, struct taken *t)
{
	const char *eol, *cmd;

	while (p < e) {
		eol = line_end(p, e);
		if (all_blank(p, eol)) {
			t->lead_blank++;
		} else if (is_fence(p, eol)) {
			t->fences++;
		} else if (!t->prompt_line && is_prompt(p, eol, &cmd) && cmd < eol) {
			t->prompt_line = *lines + 1;
			bc_token_escape(t->prompt, skip_blanks(p, eol), (size_t)(eol - skip_blanks(p, eol)));
		} else {
			break;
		}
		(*lines)++;
		p = eol < e ? (char *)eol + 1 : e;
	}
	return p;
}

/* The length of buf[len] without the lines after the text, t->... counted. */
static size_t skip_trailing(const char *buf, size_t len, struct taken *t)
{
	const char *cmd;

	while (len) {
		/* the last line: after the last '\n' that is not the final byte */
		size_t end = buf[len - 1] == '\n' ? len - 1 : len, start = end;

		while (start && buf[start - 1] != '\n')
			start--;
		if (all_blank(buf + start, buf + end))
			t->trail_blank++;
		else if (is_fence(buf + start, buf + end))
			t->fences++;
		else if (!t->trail_prompt && is_prompt(buf + start, buf + end, &cmd) && cmd == buf + end)
			t->trail_prompt = true;
		else
			break;
		len = start;
	}
	return len;
}

/* Items of a list for people, joined as "a", "a and b", "a, b and c". */
struct items {
	char text[6][BC_TOKEN_MAX + 64];
	unsigned n;
};

static void add(struct items *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct items *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->text[l->n++], sizeof(l->text[0]), fmt, ap);
	va_end(ap);
}

static void join(char *out, size_t size, const char *lead, const struct items *l)
{
	unsigned i;

	for (i = 0; i < l->n; i++)
		str_append(out, size, "%s%s", i == 0 ? lead : i + 1 == l->n ? " and " : ", ", l->text[i]);
}

static const char *plural(unsigned n)
{
	return n == 1 ? "" : "s";
}

static void describe(const struct taken *t, char *out, size_t size)
{
	struct items skipped = { .n = 0 }, removed = { .n = 0 };

	if (t->prompt_line)
		add(&skipped, "line %u (a shell prompt: '%s')", t->prompt_line, t->prompt);
	if (t->lead_blank)
		add(&skipped, "%u leading blank line%s", t->lead_blank, plural(t->lead_blank));
	if (t->fences)
		add(&skipped, "%u code fence line%s", t->fences, plural(t->fences));
	if (t->trail_blank)
		add(&skipped, "%u trailing blank line%s", t->trail_blank, plural(t->trail_blank));
	if (t->trail_prompt)
		add(&skipped, "the shell prompt after the text");
	if (t->bom)
		add(&removed, "a byte order mark");
	if (t->crlf)
		add(&removed, "carriage returns");
	if (t->depth)
		add(&removed, "'%.*s ' quoting", (int)(t->depth < 16 ? t->depth : 16), ">>>>>>>>>>>>>>>>");
	if (t->nbsp)
		add(&removed, "non-breaking spaces");
	out[0] = '\0';
	join(out, size, "skipped ", &skipped);
	join(out, size, skipped.n ? "; removed " : "removed ", &removed);
}

int capture_unpaste(struct capture *c, struct bc_error *err)
{
	struct taken t = { 0 };
	char *p = c->buf, *e = c->buf + c->len, *text;
	unsigned lines = 0;
	size_t n;
	int rc;

	c->skipped[0] = '\0';
	if (c->len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) {
		t.bom = true;
		p += 3;
	}
	if ((rc = find_depth(c, p, e, &t, err)) < 0)
		return rc;
	n = strip_lines(c->buf, p, e, &t);
	text = skip_leading(c->buf, c->buf + n, &lines, &t);
	n -= (size_t)(text - c->buf);
	memmove(c->buf, text, n);
	n = skip_trailing(c->buf, n, &t);
	c->buf[n] = '\0';
	c->len = n;
	c->first_line = lines + 1;
	describe(&t, c->skipped, sizeof(c->skipped));
	return 0;
}
