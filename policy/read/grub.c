/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads GRUB's defaults under a root for the hugepagesz= and hugepages= words the drop-in replaces. */
#include "grub.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel.h"
#include "rootfs.h"

/*
 * The hugepagesz= and hugepages= words of a line (not default_hugepagesz=),
 * space-separated into out; "" when none. A word starts the line or follows
 * a blank, a quote or the '=' of an assignment.
 */
static void hugepage_words(const char *line, char *out, size_t size)
{
	size_t i, n, len = 0;

	out[0] = '\0';
	for (i = 0; line[i]; i++) {
		if ((i && !strchr(" \t\"'=", line[i - 1])) ||
		    (strncmp(line + i, "hugepagesz=", 11) && strncmp(line + i, "hugepages=", 10)))
			continue;
		n = strcspn(line + i, " \t\"'");
		if (len + n + 2 > size)
			break;
		len += (size_t)snprintf(out + len, size - len, "%s%.*s", len ? " " : "", (int)n, line + i);
		i += n - 1;
	}
}

/* Each line of buf (file rel) that puts a hugepage word on the command line, to note(). */
static unsigned scan_grub_file(const char *rel, char *buf, void (*note)(const char *, unsigned, const char *, void *),
			       void *ctx)
{
	char *line = buf, *nl, words[256];
	unsigned nr = 1, found = 0;

	for (; line && *line; line = nl ? nl + 1 : NULL, nr++) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (line[strspn(line, " \t")] == '#')
			continue;
		hugepage_words(line, words, sizeof(words));
		if (!words[0])
			continue;
		note(rel, nr, words, ctx);
		found++;
	}
	return found;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

unsigned cmdline_grub_conflicts(const char *root, void (*note)(const char *, unsigned, const char *, void *),
				void *ctx)
{
	char path[PATH_MAX], rel[PATH_MAX], *buf, **names = NULL;
	struct bc_error e;
	struct dirent *d;
	unsigned found = 0, n = 0, i;
	size_t len;
	int errnum, fd;
	DIR *dir;

	if (rootfs_read(root, "etc/default/grub", &buf, &len, path, &errnum, &e) == 0) {
		found += scan_grub_file("/etc/default/grub", buf, note, ctx);
		free(buf);
	}
	fd = rootfs_open(root, "etc/default/grub.d", O_RDONLY | O_DIRECTORY, 0);
	dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return found;
	}
	/* in the order grub-mkconfig sources them */
	while ((d = readdir(dir))) {
		size_t l = strlen(d->d_name);
		char **more;

		if (l < 5 || strcmp(d->d_name + l - 4, ".cfg") || !strcmp(d->d_name, strrchr(GRUB_DROPIN, '/') + 1))
			continue;
		more = realloc(names, (n + 1) * sizeof(*names));
		if (!more || !(more[n] = strdup(d->d_name))) {
			names = more ? more : names;
			break;
		}
		names = more;
		n++;
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "etc/default/grub.d/%s", names[i]);
		if (rootfs_read(root, rel, &buf, &len, path, &errnum, &e) == 0) {
			snprintf(rel, sizeof(rel), "/etc/default/grub.d/%s", names[i]);
			found += scan_grub_file(rel, buf, note, ctx);
			free(buf);
		}
		free(names[i]);
	}
	free(names);
	return found;
}
