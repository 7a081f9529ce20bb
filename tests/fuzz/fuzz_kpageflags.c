/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The map's reader and page classes over any kpageflags file: byte 0 picks
 * the range (16 << (b % 8) pages), byte 1 the threads, byte 2 whether the
 * node's zones reach past the file (it must then be refused, naming the
 * file) and the section (512 << (b / 3 % 7) pages); the rest is the file,
 * odd lengths included. Every range handed on
 * must hold exactly its pages, in order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "kpageflags.h"
#include "mapjudge.h"

static char dir[64];

/* The scratch tree goes at exit. */
static void cleanup(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/proc/kpageflags", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc", dir);
	rmdir(path);
	rmdir(dir);
}

struct seen {
	uint64_t range_pages, next_pfn;
};

static void count(void *ctx, struct range_counts *rc, const uint64_t *flags, const uint64_t *cgroup,
		  size_t n, bool hole)
{
	(void)ctx;
	pagemap_count_pages(rc, flags, cgroup, n, hole);
}

static int range(void *ctx, const struct range_counts *rc)
{
	struct seen *s = ctx;
	uint64_t sum = 0;
	unsigned c;

	for (c = 0; c < PC_NR; c++)
		sum += rc->pages[c];
	if (sum != s->range_pages || rc->first_pfn != s->next_pfn)
		__builtin_trap();
	s->next_pfn += s->range_pages;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = { 0 };
	struct pagemap_sink sink = { .ctx = &s, .count = count, .range = range };
	struct pagemap_span sp = { 0 };
	char path[128];
	struct kpf_files f;
	struct bc_error e;
	uint64_t words;
	FILE *out;
	int rc;

	if (size < 3 || size > (1u << 20))
		return 0;
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/fuzz-kpageflags.%d", (int)getpid());
		mkdir(dir, 0700);
		snprintf(path, sizeof(path), "%s/proc", dir);
		mkdir(path, 0700);
		atexit(cleanup);
	}
	snprintf(path, sizeof(path), "%s/proc/kpageflags", dir);
	out = fopen(path, "wb");
	if (!out || fwrite(data + 3, 1, size - 3, out) != size - 3 || fclose(out) != 0)
		__builtin_trap();
	words = (size - 3) / 8;
	sp.range_pages = s.range_pages = 16ull << (data[0] % 8);
	sp.section_pages = 512u << (data[2] / 3 % 7);
	sp.need_end_pfn = words + (data[2] % 3 == 0 ? 1 : 0);
	sp.end_pfn = (sp.need_end_pfn + sp.range_pages - 1) / sp.range_pages * sp.range_pages;
	e.msg[0] = '\0';
	rc = kpf_open(dir, &f, &e);
	if (rc == 0) {
		rc = kpf_read(&f, &sp, 1u + data[1] % 4, &sink, &e);
		kpf_close(&f);
	}
	if (rc < 0 && (!e.msg[0] || !strstr(e.msg, "kpageflags")))
		__builtin_trap();
	if (rc == 0 && ((size - 3) % 8 || s.next_pfn != sp.end_pfn))
		__builtin_trap();	/* an odd file accepted, or ranges missing */
	return 0;
}
