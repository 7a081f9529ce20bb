/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int capture_read(const char *file, char **buf, size_t *len, const char **name,
		 struct bc_error *err)
{
	bool is_stdin = strcmp(file, "-") == 0;
	size_t cap = 65536, n = 0;
	struct stat st;
	char *b, *nb;
	ssize_t r;
	int fd, rc = 0;

	*name = is_stdin ? "standard input" : file;
	/* a FIFO or a terminal is fine here: the user named it, and waits for it */
	fd = is_stdin ? STDIN_FILENO : open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bc_error_set(err, BC_ENOINPUT, "%s: %s", *name, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = bc_error_set(err, BC_ENOINPUT, "%s: a directory, not a buddyinfo capture", *name);
		goto out;
	}
	if (!(b = malloc(cap))) {
		rc = bc_error_set(err, BC_ENOMEM, "%s: out of memory", *name);
		goto out;
	}
	for (;;) {
		if (n == cap - 1) {
			if (cap > CAPTURE_MAX) {
				free(b);
				rc = bc_error_set(err, BC_EDATA, "%s: more than %u MiB: not a buddyinfo capture",
						  *name, CAPTURE_MAX >> 20);
				goto out;
			}
			nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				rc = bc_error_set(err, BC_ENOMEM, "%s: out of memory", *name);
				goto out;
			}
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = bc_error_set(err, errno == EISDIR ? BC_ENOINPUT : BC_EIO, "%s: read: %s", *name,
					  strerror(errno));
			free(b);
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > CAPTURE_MAX) {
		free(b);
		rc = bc_error_set(err, BC_EDATA, "%s: more than %u MiB: not a buddyinfo capture",
				  *name, CAPTURE_MAX >> 20);
		goto out;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
out:
	if (!is_stdin)
		close(fd);
	return rc;
}
