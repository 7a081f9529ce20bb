/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sysctl.d(5) files, as systemd-sysctl (src/sysctl/sysctl.c, systemd 252)
 * reads them, for the two keys that size a hugepage pool:
 *
 *   # /etc/sysctl.d/80-hugepages.conf
 *   ; a comment
 *   vm.nr_hugepages = 512
 *   -vm/nr_hugepages_mempolicy=512     ("-": a failed write is not an error)
 *   -vm.nr_hugepages                   (no "=": no pattern may set it)
 *   vm.nr_huge* = 16                   (a pattern: every key it matches)
 *
 * A line ends at "\n", "\r", "\r\n" or NUL (read_line()); blanks (space,
 * tab) around key and value are dropped; a first non-blank "#" or ";" is a
 * comment; a line without "=" that does not start with "-" is skipped. A
 * key whose first separator is "." has its dots and slashes swapped
 * (sysctl_normalize()). Every assignment goes into one table by key: a later
 * one replaces an earlier one unless its value is the same, and an exclusion
 * replaces an assignment. A pattern sets a key that the table does not hold
 * by name, the last pattern applied winning.
 *
 * The files: *.conf in /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d,
 * /usr/lib/sysctl.d and /lib/sysctl.d, a name in an earlier directory hiding
 * the same name in a later one, all applied in the order of their names; a
 * name whose first file is a symbolic link to /dev/null (or a character
 * device, or empty) is masked. Then /etc/sysctl.conf, which procps' `sysctl
 * --system` reads last (Debian and Fedora link /etc/sysctl.d/99-sysctl.conf
 * to it for systemd: read once, as the link).
 */
#include "sysctl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs.h"

/* The same keys normalized (slashes), as /proc/sys paths and patterns see them. */
static const char *const hp_paths[SYSCTL_HP_NR] = {
	[SYSCTL_NR_HUGEPAGES] = "vm/nr_hugepages",
	[SYSCTL_NR_HUGEPAGES_MEMPOLICY] = "vm/nr_hugepages_mempolicy",
};

/* systemd's WHITESPACE less the line ends, which never reach a line. */
static int blank(char c)
{
	return c == ' ' || c == '\t';
}

/* [*s, *e) without the blanks around it. */
static void strip(const char **s, const char **e)
{
	while (*s < *e && blank(**s))
		(*s)++;
	while (*e > *s && blank((*e)[-1]))
		(*e)--;
}

/*
 * The key [s, e) as systemd-sysctl compares it, into out: the first
 * separator a dot, dots and slashes swap; "//" is one; no leading slash.
 * Returns -1 when it is longer than any key this file looks for can be
 * (a pattern that long is no one's).
 */
static int normalize(const char *s, const char *e, char *out, size_t size)
{
	const char *sep = s;
	bool swap;
	size_t n = 0;

	while (sep < e && *sep != '.' && *sep != '/')
		sep++;
	swap = sep < e && *sep == '.';
	for (; s < e; s++) {
		char c = *s;

		if (swap && (c == '.' || c == '/'))
			c = c == '.' ? '/' : '.';
		if (c == '/' && (n == 0 || out[n - 1] == '/'))
			continue;
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

static bool is_glob(const char *key)
{
	return strpbrk(key, "*?[") != NULL;
}

static void record(struct sysctl_hp *h, const char *file, unsigned line, const char *ks, const char *ke,
		   const char *vs, const char *ve, bool glob)
{
	char value[BC_TOKEN_MAX];

	bc_token_escape(value, vs, (size_t)(ve - vs));
	/* the same value again keeps the first place it was set (systemd does) */
	if (h->seen && !strcmp(h->value, value))
		return;
	h->seen = true;
	h->glob = glob;
	snprintf(h->file, sizeof(h->file), "%s", file);
	h->line = line;
	bc_token_escape(h->key, ks, (size_t)(ke - ks));
	memcpy(h->value, value, sizeof(value));
}

/*
 * A line [s, e), blanks stripped: "key = value" (1, the value in [vs, ve)),
 * "-key", an exclusion (0), or neither (-1: a comment, a blank line, or
 * "Line is not an assignment, ignoring"). [s, e) becomes the key.
 */
static int split_line(const char **s, const char **e, const char **vs, const char **ve)
{
	const char *eq;

	strip(s, e);
	if (*s == *e || **s == '#' || **s == ';')
		return -1;
	eq = memchr(*s, '=', (size_t)(*e - *s));
	if (!eq) {
		if (**s != '-')
			return -1;
		(*s)++;		/* an exclusion: "-key" */
		strip(s, e);
		return 0;
	}
	*vs = eq + 1;
	*ve = *e;
	strip(vs, ve);
	*e = eq;
	strip(s, e);
	if (*s < *e && **s == '-')
		(*s)++;		/* "-key = value": a failed write is no error, it still sets */
	return 1;
}

/* One line [s, e), number line of file. */
static void parse_line(const char *file, unsigned line, const char *s, const char *e,
		       struct sysctl_hp_set *set)
{
	const char *vs = NULL, *ve = NULL;
	char key[256];
	unsigned k;
	int assign = split_line(&s, &e, &vs, &ve);

	if (assign < 0 || normalize(s, e, key, sizeof(key)) < 0)
		return;
	for (k = 0; k < SYSCTL_HP_NR; k++) {
		if (is_glob(key)) {
			/* /proc/sys is globbed: a "*" stays within one directory */
			if (assign && fnmatch(key, hp_paths[k], FNM_PATHNAME) == 0)
				record(&set->by_glob[k], file, line, s, e, vs, ve, true);
		} else if (!strcmp(key, hp_paths[k])) {
			/* an exclusion takes the key's place in the table */
			if (assign)
				record(&set->by_name[k], file, line, s, e, vs, ve, false);
			else
				set->by_name[k].seen = false;
			set->excluded[k] = !assign;
		}
	}
}

void sysctl_hp_parse(const char *file, const char *buf, size_t len, struct sysctl_hp_set *set)
{
	const char *p = buf, *end = buf + len;
	unsigned line = 0;

	while (p < end) {
		const char *s = p;

		while (p < end && *p != '\n' && *p != '\r' && *p != '\0')
			p++;
		parse_line(file, ++line, s, p, set);
		if (p < end && *p == '\r' && p + 1 < end && p[1] == '\n')
			p++;
		if (p < end)
			p++;
	}
}

/* The directories systemd-sysctl reads, the first hiding the others' names. */
static const char *const conf_dirs[] = {
	"etc/sysctl.d", "run/sysctl.d", "usr/local/lib/sysctl.d", "usr/lib/sysctl.d", "lib/sysctl.d",
};
#define NR_DIRS (sizeof(conf_dirs) / sizeof(conf_dirs[0]))

/*
 * A sysctl file is a few KiB, and systemd refuses a line longer than 1 MiB
 * (LONG_LINE_MAX): a file beyond that is not read.
 */
#define MAX_SYSCTL_FILE (1u << 20)
/* sysctl.d directories hold tens of files; more than this are not read. */
#define MAX_SYSCTL_FILES 4096

struct conf_file {
	char name[NAME_MAX + 1];
	unsigned dir;
};

/* path, its control bytes as \xNN, cut to fit out (the name's end is what tells). */
static void shown(char *out, size_t size, const char *root, const char *rel)
{
	char path[PATH_MAX];
	size_t n = 0;
	const unsigned char *p;

	if (rootfs_path(root, rel, path, sizeof(path), NULL) < 0)
		snprintf(path, sizeof(path), "%s", rel);
	for (p = (const unsigned char *)path; *p && n + 5 < size; p++) {
		if (*p < 0x20 || *p == 0x7f)
			n += (size_t)snprintf(out + n, size - n, "\\x%02x", *p);
		else
			out[n++] = (char)*p;
	}
	out[n] = '\0';
}

static void note_unread(struct sysctl_hp_set *set, const char *file, const char *why)
{
	size_t n = strlen(set->unread);

	if (n + 4 >= sizeof(set->unread))
		return;
	snprintf(set->unread + n, sizeof(set->unread) - n, "%s%s: %s", n ? "; " : "", file, why);
	if (strlen(set->unread) == sizeof(set->unread) - 1)
		memcpy(set->unread + sizeof(set->unread) - 4, "...", 4);
}

/* The files read so far, so that a link to one is not read twice. */
struct read_ids {
	dev_t dev[MAX_SYSCTL_FILES + 1];
	ino_t ino[MAX_SYSCTL_FILES + 1];
	unsigned n;
};

/*
 * Is root/rel a symbolic link to /dev/null, which masks its name
 * (sysctl.d(5))? Under a root other than "/" the link cannot be followed
 * (it leads out of the tree): its text is what tells.
 */
static bool masked_link(const char *root, const char *rel)
{
	const char *name = strrchr(rel, '/') + 1;
	char dir[PATH_MAX], target[16];
	struct stat st;
	ssize_t n = -1;
	int dfd;

	snprintf(dir, sizeof(dir), "%.*s", (int)(name - 1 - rel), rel);
	dfd = rootfs_open(root, dir, O_RDONLY | O_DIRECTORY, 0);
	if (dfd < 0)
		return false;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		n = readlinkat(dfd, name, target, sizeof(target) - 1);
	close(dfd);
	if (n < 0)
		return false;
	target[n] = '\0';
	return !strcmp(target, "/dev/null");
}

/*
 * root/rel open for reading, a regular file: else -1, and noted when it is
 * not for lack of the file or a mask (a link to /dev/null, or on "/" the
 * character device itself: systemd's null_or_empty()). *st: its stat.
 */
static int open_conf(const char *root, const char *rel, const char *file, bool must_exist, struct stat *st,
		     struct sysctl_hp_set *set)
{
	int fd;

	if (masked_link(root, rel))
		return -1;
	/* O_NONBLOCK: a FIFO must not hang the read */
	fd = rootfs_open(root, rel, O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0) {
		if (errno != ENOENT || must_exist)
			note_unread(set, file, rootfs_strerror(errno));
		return -1;
	}
	if (fstat(fd, st) < 0) {
		note_unread(set, file, strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISREG(st->st_mode))
		return fd;
	if (!rootfs_is_slash(root) || !S_ISCHR(st->st_mode))
		note_unread(set, file, "not a regular file");
	close(fd);
	return -1;
}

/* Was this file read already (through another name)? If not, it is now recorded. */
static bool read_before(struct read_ids *ids, const struct stat *st)
{
	unsigned i;

	for (i = 0; i < ids->n; i++)
		if (ids->dev[i] == st->st_dev && ids->ino[i] == st->st_ino)
			return true;
	ids->dev[ids->n] = st->st_dev;
	ids->ino[ids->n++] = st->st_ino;
	return false;
}

/* Read fd (at most MAX_SYSCTL_FILE) and parse it as file. */
static void read_conf(int fd, const char *file, struct sysctl_hp_set *set)
{
	char *buf = malloc(MAX_SYSCTL_FILE + 1);
	size_t len = 0;
	ssize_t r;

	if (!buf) {
		note_unread(set, file, "out of memory");
		return;
	}
	while (len <= MAX_SYSCTL_FILE && (r = read(fd, buf + len, MAX_SYSCTL_FILE + 1 - len)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			note_unread(set, file, strerror(errno));
			free(buf);
			return;
		}
		len += (size_t)r;
	}
	if (len > MAX_SYSCTL_FILE)
		note_unread(set, file, "larger than 1 MiB (systemd-sysctl refuses its lines too)");
	else
		sysctl_hp_parse(file, buf, len, set);
	free(buf);
}

/* Read and parse root/rel, unless masked or read already. */
static void read_one(const char *root, const char *rel, bool must_exist, struct read_ids *ids,
		     struct sysctl_hp_set *set)
{
	char file[320];
	struct stat st;
	int fd;

	shown(file, sizeof(file), root, rel);
	fd = open_conf(root, rel, file, must_exist, &st, set);
	if (fd < 0)
		return;
	if (!read_before(ids, &st))
		read_conf(fd, file, set);
	close(fd);
}

/* systemd's dirent_is_file_with_suffix(): a *.conf, no hidden files, no directories. */
static bool conf_entry(const struct dirent *de)
{
	size_t len = strlen(de->d_name);

	return de->d_name[0] != '.' && len > 5 && !strcmp(de->d_name + len - 5, ".conf") &&
	       (de->d_type == DT_REG || de->d_type == DT_LNK || de->d_type == DT_UNKNOWN);
}

/* Is name in files[] (from this or an earlier directory)? */
static bool listed(const struct conf_file *files, unsigned n, const char *name)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (!strcmp(files[i].name, name))
			return true;
	return false;
}

/* Note a directory of dir under root as not (wholly) read, and why. */
static void dir_unread(const char *root, unsigned d, const char *why, struct sysctl_hp_set *set)
{
	char file[320];

	shown(file, sizeof(file), root, conf_dirs[d]);
	note_unread(set, file, why);
}

/* The names of *.conf in dir not yet in files[] (a file in an earlier dir hides them). */
static void list_dir(const char *root, unsigned d, struct conf_file **files, unsigned *n,
		     struct sysctl_hp_set *set)
{
	struct conf_file *f;
	struct dirent *de;
	DIR *dir;
	int fd;

	fd = rootfs_open(root, conf_dirs[d], O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0) {
		if (errno != ENOENT)
			dir_unread(root, d, rootfs_strerror(errno), set);
		return;
	}
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	while ((de = readdir(dir))) {
		if (!conf_entry(de) || listed(*files, *n, de->d_name))
			continue;
		if (*n == MAX_SYSCTL_FILES) {
			dir_unread(root, d, "more than 4096 files: the rest not read", set);
			break;
		}
		f = realloc(*files, (*n + 1) * sizeof(**files));
		if (!f)
			break;
		*files = f;
		memcpy(f[*n].name, de->d_name, strlen(de->d_name) + 1);
		f[(*n)++].dir = d;
	}
	closedir(dir);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct conf_file *)a)->name, ((const struct conf_file *)b)->name);
}

void sysctl_hp_read(const char *root, struct sysctl_hp_set *set)
{
	struct conf_file *files = NULL;
	struct read_ids *ids;
	char rel[PATH_MAX];
	unsigned d, i, n = 0;

	memset(set, 0, sizeof(*set));
	ids = calloc(1, sizeof(*ids));
	if (!ids) {
		note_unread(set, "sysctl.d", "out of memory");
		return;
	}
	for (d = 0; d < NR_DIRS; d++)
		list_dir(root, d, &files, &n, set);
	if (n)
		qsort(files, n, sizeof(*files), by_name);
	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "%s/%s", conf_dirs[files[i].dir], files[i].name);
		read_one(root, rel, true, ids, set);
	}
	read_one(root, "etc/sysctl.conf", false, ids, set);
	free(files);
	free(ids);
}
