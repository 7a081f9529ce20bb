/* SPDX-License-Identifier: GPL-2.0-or-later */
/* truthload: puts a known blocker into a QEMU guest's memory for the truth
 * scenarios (tests/vm/guest/truth.sh). Linked statically: the guest has no
 * shared libraries.
 *
 *   truthload anon MIB [lock] [thp]
 *                               touch MIB of anonymous memory (4 KiB pages, or
 *                               THPs with "thp"), mlock it with "lock", print
 *                               "ready", sleep until killed
 *   truthload files DIR N KEEP  create N empty files in DIR (dentries and
 *                               inodes: slab), then unlink all but every
 *                               KEEP-th, so that the slab pages left hold few
 *                               live objects each; print "ready"
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int usage(void)
{
	fputs("usage: truthload anon MIB [lock] [thp] | truthload files DIR N KEEP\n", stderr);
	return 64;
}

static int anon(size_t mib, int lock, int thp)
{
	size_t len = mib << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("truthload: mmap");
		return 1;
	}
	/* 4 KiB pages need a page-table page per 2 MiB, allocated as they are
	 * touched, so the page tables land among them; THPs need one per GiB */
	madvise(p, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
	if (lock && mlock(p, len) != 0) {
		perror("truthload: mlock");
		return 1;
	}
	printf("ready: %zu MiB %s%s\n", mib, lock ? "mlocked" : "touched", thp ? " (THP)" : "");
	fflush(stdout);
	for (;;)
		pause();
}

static int file_path(char *buf, size_t len, const char *dir, long i)
{
	int n = snprintf(buf, len, "%s/f%ld", dir, i);

	return n > 0 && (size_t)n < len ? 0 : -1;
}

static int make_files(const char *dir, long n)
{
	char path[4096];

	if (mkdir(dir, 0755) != 0 && access(dir, W_OK) != 0) {
		perror(dir);
		return -1;
	}
	for (long i = 0; i < n; i++) {
		int fd;

		if (file_path(path, sizeof path, dir, i) != 0)
			return -1;
		fd = open(path, O_CREAT | O_WRONLY, 0644);
		if (fd < 0) {
			perror(path);
			return -1;
		}
		close(fd);
	}
	return 0;
}

/* Unlink all but every keep-th file; the files kept. */
static long unlink_most(const char *dir, long n, long keep)
{
	char path[4096];
	long kept = n;

	for (long i = 0; keep > 1 && i < n; i++) {
		if (i % keep == 0 || file_path(path, sizeof path, dir, i) != 0)
			continue;
		if (unlink(path) == 0)
			kept--;
	}
	return kept;
}

static int files(const char *dir, long n, long keep)
{
	long kept;

	if (make_files(dir, n) != 0)
		return 1;
	kept = unlink_most(dir, n, keep);
	printf("ready: %ld files made, %ld kept\n", n, kept);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "anon") == 0) {
		int lock = 0, thp = 0;

		for (int i = 3; i < argc; i++) {
			lock |= strcmp(argv[i], "lock") == 0;
			thp |= strcmp(argv[i], "thp") == 0;
		}
		return anon(strtoul(argv[2], NULL, 10), lock, thp);
	}
	if (argc == 5 && strcmp(argv[1], "files") == 0)
		return files(argv[2], atol(argv[3]), atol(argv[4]));
	return usage();
}
