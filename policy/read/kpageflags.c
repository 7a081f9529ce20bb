/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Streams kpageflags and kpagecgroup over disjoint stretches in parallel threads, range by range. */
#include "kpageflags.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs.h"

/*
 * A read is UNIT_PAGES words (512 KiB): the kernel's time per page frame
 * dominates from 64 KiB up (KERNEL.md §14), and a unit holds whole sections
 * (32,768 pages of 4K) to tell a flag-less section from flag-less pages.
 * A thread takes the next SLICE of at least SLICE_PAGES pages (2 MiB of
 * words, 1 GiB of 4K pages) as soon as it is done with one, up to
 * SLOTS_PER_THREAD slices ahead of the calling thread, which hands each
 * slice's ranges on in order as it is finished: no thread waits for the
 * others but at the end.
 */
#define UNIT_PAGES (1ull << 16)
#define SLICE_PAGES (1ull << 18)
#define SLOTS_PER_THREAD 4
#define MAX_THREADS 64
/* sections in a unit: 128 MiB sections of pages up to 256 KiB (pagesize.h's largest) */
#define MAX_UNIT_SECTIONS 128

static int open_one(const char *root, const char *rel, char *path, int *fd, uint64_t *size,
		    struct bc_error *err)
{
	struct stat st = { 0 };
	int rootfd, e;

	if (rootfs_path(root, rel, path, PATH_MAX, err) < 0)
		return -BC_EUSAGE;
	if (rootfs_is_slash(root)) {
		*fd = open(path, O_RDONLY | O_CLOEXEC);
	} else {
		rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		*fd = rootfd < 0 ? -1 : rootfs_open_regular(rootfd, rel, O_RDONLY, &st);
		e = errno;
		if (rootfd >= 0)
			close(rootfd);
		errno = e;
	}
	if (*fd < 0)
		return -errno;
	*size = (uint64_t)st.st_size;
	return 0;
}

/* A tree's file must hold whole words: where the last one is cut, said. */
static int whole_words(const char *path, uint64_t size, struct bc_error *err)
{
	if (size % 8)
		return bc_error_set(err, BC_EDATA, "%s: %llu bytes, not a whole number of 8-byte words: cut at offset %llu",
				    path, (unsigned long long)size, (unsigned long long)(size - size % 8));
	return 0;
}

int kpf_open(const char *root, struct kpf_files *f, struct bc_error *err)
{
	int rc;

	memset(f, 0, sizeof(*f));
	f->flags_fd = f->cgroup_fd = -1;
	f->tree = !rootfs_is_slash(root);
	rc = open_one(root, "proc/kpageflags", f->flags_path, &f->flags_fd, &f->flags_size, err);
	if (rc == -BC_EUSAGE)
		return rc;
	if (rc < 0) {
		if (-rc == EACCES || -rc == EPERM)
			return bc_error_set(err, BC_EPERM, "%s: %s: the map reads it, and only root may (mode 0400)",
					    f->flags_path, strerror(-rc));
		if (-rc == EMEDIUMTYPE)
			return bc_error_set(err, BC_EDATA, "%s: %s", f->flags_path, rootfs_strerror(-rc));
		return bc_error_set(err, -rc == ENOENT ? BC_ENOINPUT : BC_EIO, "%s: %s%s", f->flags_path,
				    rootfs_strerror(-rc), -rc == ENOENT && !f->tree ?
				    " (a kernel without CONFIG_PROC_PAGE_MONITOR)" : "");
	}
	if (f->tree && (rc = whole_words(f->flags_path, f->flags_size, err)) < 0)
		goto fail;
	rc = open_one(root, "proc/kpagecgroup", f->cgroup_path, &f->cgroup_fd, &f->cgroup_size, err);
	if (rc == -BC_EUSAGE)
		goto fail;
	if (rc < 0) {
		/* optional (CONFIG_MEMCG): without it no flag-less page is known to be allocated */
		snprintf(f->cgroup_why, sizeof(f->cgroup_why), "%s", rootfs_strerror(-rc));
		f->cgroup_fd = -1;
		return 0;
	}
	if (f->tree && (rc = whole_words(f->cgroup_path, f->cgroup_size, err)) < 0)
		goto fail;
	return 0;
fail:
	kpf_close(f);
	return rc;
}

void kpf_close(struct kpf_files *f)
{
	if (f->flags_fd >= 0)
		close(f->flags_fd);
	if (f->cgroup_fd >= 0)
		close(f->cgroup_fd);
	f->flags_fd = f->cgroup_fd = -1;
}

bool kpf_movable_gigantic(const char *root)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int errnum;
	bool on;

	if (rootfs_read(root, "proc/sys/vm/movable_gigantic_pages", &buf, &len, path, &errnum, NULL) < 0)
		return false;
	on = buf[0] >= '1' && buf[0] <= '9';
	free(buf);
	return on;
}

/* pread until n bytes or the end of the file; the bytes read, or -errno. */
static ssize_t pread_full(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* One thread's buffers, and the state the threads share. */
struct kpf_pipe;

struct kpf_worker {
	struct kpf_pipe *pipe;
	uint64_t *flags, *cgroup;
	pthread_t thread;
	bool started;
};

struct kpf_pipe {
	const struct kpf_files *f;
	const struct pagemap_span *sp;
	const struct pagemap_sink *sink;
	uint64_t slice_pages, ranges_per_slice;
	uint64_t first, nr;		/* the slices: absolute index of the first, how many */
	unsigned slots;			/* the k-th slice's ranges are in slot k % slots */
	struct range_counts *ranges;	/* slot i's at i * ranges_per_slice */
	bool *done;			/* per slot: finished, not yet handed on */
	pthread_mutex_t lock;
	pthread_cond_t finished;	/* a slice is done, or a worker failed */
	pthread_cond_t room;		/* a slot is free again, or the read stops */
	uint64_t next_take, next_emit;	/* counted from the span's first slice */
	bool stop;			/* a worker failed, or range() said stop (also read unlocked) */
	int rc;				/* the first error */
	bool have_err;			/* err is the first error's (a worker's, not range()'s) */
	struct bc_error err;
};

static int cut_short(const char *path, uint64_t got_bytes, uint64_t need_pfn, struct bc_error *err)
{
	return bc_error_set(err, BC_EDATA, "%s: ends at offset %llu (page frame %llu), before the node's last zone ends at page frame %llu",
			    path, (unsigned long long)got_bytes, (unsigned long long)(got_bytes / 8),
			    (unsigned long long)need_pfn);
}

/* Read the words of [pfn, pfn + n) of fd into buf; *valid: how many the file has. */
static int read_words(int fd, const char *path, uint64_t *buf, uint64_t pfn, uint64_t n, uint64_t *valid,
		      struct bc_error *err)
{
	ssize_t got = pread_full(fd, buf, n * 8, pfn * 8);

	if (got < 0)
		return bc_error_set(err, BC_EIO, "%s: read at offset %llu: %s", path,
				    (unsigned long long)(pfn * 8), strerror((int)-got));
	if (got % 8)
		return bc_error_set(err, BC_EDATA, "%s: a read at offset %llu ended inside a word, at offset %llu",
				    path, (unsigned long long)(pfn * 8), (unsigned long long)(pfn * 8 + (uint64_t)got));
	*valid = (uint64_t)got / 8;
	return 0;
}

/*
 * Flag-less pages closer than this share one read of kpagecgroup: a read
 * costs about what the kernel spends on a few dozen words.
 */
#define CG_GAP 32

/* Read the cgroup words of [lo, hi) of the unit into w->cgroup. */
static int read_cgroup_run(struct kpf_worker *w, uint64_t unit, uint64_t lo, uint64_t hi,
			   struct bc_error *err)
{
	const struct kpf_files *f = w->pipe->f;
	uint64_t valid;
	int rc;

	rc = read_words(f->cgroup_fd, f->cgroup_path, w->cgroup + lo, unit + lo, hi - lo, &valid, err);
	if (rc == 0 && valid < hi - lo)
		rc = bc_error_set(err, BC_EDATA, "%s: ends before offset %llu (page frame %llu), which %s has",
				  f->cgroup_path, (unsigned long long)((unit + lo + valid) * 8),
				  (unsigned long long)(unit + lo + valid), f->flags_path);
	return rc;
}

/*
 * The cgroup words of the flag-less pages in buf[from, to) that lie in no
 * flag-less section, and of the pages with a bit of the span's
 * cgroup_flags, read in runs (the rest of w->cgroup is not read: only
 * those pages' words are looked at). *cg NULL when there are none or
 * there is no kpagecgroup.
 */
static int read_cgroup(struct kpf_worker *w, uint64_t unit, const uint64_t *flags, const bool *hole,
		       uint64_t from, uint64_t to, uint64_t section, const uint64_t **cg,
		       struct bc_error *err)
{
	uint64_t i, lo = 0, hi = 0, also = w->pipe->sp->cgroup_flags;
	bool any = false;
	int rc;

	*cg = NULL;
	if (w->pipe->f->cgroup_fd < 0)
		return 0;
	for (i = from; i < to; i++) {
		if (flags[i] ? !(flags[i] & also) : hole[i / section])
			continue;
		if (any && i - hi > CG_GAP) {
			if ((rc = read_cgroup_run(w, unit, lo, hi, err)) < 0)
				return rc;
			any = false;
		}
		if (!any)
			lo = i;
		hi = i + 1;
		any = true;
	}
	if (any && (rc = read_cgroup_run(w, unit, lo, hi, err)) < 0)
		return rc;
	*cg = w->cgroup;
	return 0;
}

/*
 * Hand the pages [from, to) of the unit starting at page frame unit to the
 * ranges they belong to, section by section (hole: a whole section without
 * a flag), the pages past the file's end (valid) as having none.
 */
static void count_unit(struct kpf_worker *w, uint64_t unit, const uint64_t *cg, const bool *hole,
		       uint64_t from, uint64_t to, uint64_t valid, struct range_counts *ranges,
		       uint64_t slice_start)
{
	const struct pagemap_sink *sink = w->pipe->sink;
	const struct pagemap_span *sp = w->pipe->sp;
	uint64_t i = from, n, stop;

	while (i < to) {
		uint64_t pfn = unit + i;
		struct range_counts *rc = &ranges[(pfn - slice_start) / sp->range_pages];

		/* up to the end of the range, the section, the valid words */
		stop = (pfn / sp->range_pages + 1) * sp->range_pages - unit;
		n = ((i / sp->section_pages) + 1) * sp->section_pages;
		if (n < stop)
			stop = n;
		if (stop > to)
			stop = to;
		if (i < valid && stop > valid)
			stop = valid;
		n = stop - i;
		if (i >= valid)
			sink->count(sink->ctx, rc, NULL, NULL, n, false);
		else
			sink->count(sink->ctx, rc, w->flags + i, cg ? cg + i : NULL, n, hole[i / sp->section_pages]);
		i = stop;
	}
}

/* The page frames of slice k (absolute): [max(start, k * S), min(end, (k + 1) * S)). */
static void slice_span(const struct kpf_pipe *p, uint64_t k, uint64_t *start, uint64_t *end)
{
	*start = k * p->slice_pages;
	*end = *start + p->slice_pages;
	if (*start < p->sp->start_pfn)
		*start = p->sp->start_pfn;
	if (*end > p->sp->end_pfn)
		*end = p->sp->end_pfn;
}

/* The k-th slice of the span (from 0) into its slot's ranges. 0, or -kind with err filled. */
static int do_slice(struct kpf_worker *w, uint64_t k, struct bc_error *err)
{
	struct kpf_pipe *r = w->pipe;
	const struct pagemap_span *sp = r->sp;
	const struct kpf_files *f = r->f;
	struct range_counts *ranges = r->ranges + (k % r->slots) * r->ranges_per_slice;
	uint64_t start, end;
	bool hole[MAX_UNIT_SECTIONS];	/* per section of the unit */
	uint64_t unit, j;
	int rc;

	slice_span(r, r->first + k, &start, &end);
	for (j = 0; j < (end - start) / sp->range_pages; j++) {
		memset(&ranges[j], 0, sizeof(ranges[j]));
		ranges[j].first_pfn = start + j * sp->range_pages;
	}
	for (unit = start & ~(UNIT_PAGES - 1); unit < end; unit += UNIT_PAGES) {
		uint64_t from = unit < start ? start - unit : 0;
		uint64_t to = unit + UNIT_PAGES > end ? end - unit : UNIT_PAGES;
		uint64_t valid, s, i, sections = UNIT_PAGES / sp->section_pages;
		const uint64_t *cg;

		if (__atomic_load_n(&r->stop, __ATOMIC_RELAXED))
			return 0;
		/* the whole unit: a section is judged by all of its pages */
		rc = read_words(f->flags_fd, f->flags_path, w->flags, unit, UNIT_PAGES, &valid, err);
		if (rc < 0)
			return rc;
		if (valid < UNIT_PAGES && unit + valid < sp->need_end_pfn)
			return cut_short(f->flags_path, (unit + valid) * 8, sp->need_end_pfn, err);
		for (s = 0; s < sections; s++) {
			uint64_t a = s * sp->section_pages, b = a + sp->section_pages;

			hole[s] = b <= valid;
			for (i = a; hole[s] && i < b; i++)
				if (w->flags[i])
					hole[s] = false;
		}
		rc = read_cgroup(w, unit, w->flags, hole, from, to < valid ? to : valid, sp->section_pages, &cg, err);
		if (rc < 0)
			return rc;
		count_unit(w, unit, cg, hole, from, to, valid, ranges, start);
	}
	return 0;
}

static void *worker_run(void *arg)
{
	struct kpf_worker *w = arg;
	struct kpf_pipe *p = w->pipe;
	struct bc_error err;
	uint64_t k;
	int rc;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && p->next_take < p->nr && p->next_take >= p->next_emit + p->slots)
			pthread_cond_wait(&p->room, &p->lock);
		if (p->stop || p->next_take >= p->nr)
			break;
		k = p->next_take++;
		pthread_mutex_unlock(&p->lock);
		rc = do_slice(w, k, &err);
		pthread_mutex_lock(&p->lock);
		if (rc < 0 && !p->stop) {
			__atomic_store_n(&p->stop, true, __ATOMIC_RELAXED);
			p->rc = rc;
			p->err = err;
			p->have_err = true;
		}
		p->done[k % p->slots] = true;
		pthread_cond_broadcast(&p->finished);
		if (p->stop)
			pthread_cond_broadcast(&p->room);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Hand the k-th slice's ranges on in page frame order; what range() returned. */
static int emit_slice(struct kpf_pipe *p, uint64_t k, uint64_t *done)
{
	const struct range_counts *ranges = p->ranges + (k % p->slots) * p->ranges_per_slice;
	uint64_t j, start, end;
	int rc;

	slice_span(p, p->first + k, &start, &end);
	for (j = 0; j < (end - start) / p->sp->range_pages; j++)
		if ((rc = p->sink->range(p->sink->ctx, &ranges[j])) < 0)
			return rc;
	*done += end - start;
	return 0;
}

/*
 * The calling thread: each slice handed on once it is finished, its slot
 * then given back; with no worker thread started, it does the slices too.
 */
static int emit_all(struct kpf_pipe *p, struct kpf_worker *w, bool threaded)
{
	uint64_t total = p->sp->end_pfn - p->sp->start_pfn, done = 0;
	int rc = 0;

	pthread_mutex_lock(&p->lock);
	while (p->next_emit < p->nr) {
		if (!threaded && !p->stop && !p->done[p->next_emit % p->slots]) {
			pthread_mutex_unlock(&p->lock);
			rc = do_slice(w, p->next_emit, &p->err);
			pthread_mutex_lock(&p->lock);
			if (rc < 0) {
				__atomic_store_n(&p->stop, true, __ATOMIC_RELAXED);
				p->rc = rc;
				p->have_err = true;
			}
			p->done[p->next_emit % p->slots] = true;
		}
		while (!p->stop && !p->done[p->next_emit % p->slots])
			pthread_cond_wait(&p->finished, &p->lock);
		if (p->stop)
			break;
		pthread_mutex_unlock(&p->lock);
		rc = emit_slice(p, p->next_emit, &done);
		if (rc == 0 && p->sink->progress)
			p->sink->progress(p->sink->ctx, done, total);
		pthread_mutex_lock(&p->lock);
		if (rc < 0) {
			__atomic_store_n(&p->stop, true, __ATOMIC_RELAXED);
			p->rc = rc;
			pthread_cond_broadcast(&p->room);
			break;
		}
		p->done[p->next_emit % p->slots] = false;
		p->next_emit++;
		pthread_cond_broadcast(&p->room);
	}
	rc = p->rc;
	pthread_mutex_unlock(&p->lock);
	return rc;
}

int kpf_covers(const struct kpf_files *f, uint64_t need_end_pfn, struct bc_error *err)
{
	if (f->tree && f->flags_size / 8 < need_end_pfn)
		return cut_short(f->flags_path, f->flags_size, need_end_pfn, err);
	return 0;
}

/* Ranges and sections the reader can walk: powers of two, sections within a unit, ranges aligned. */
static bool span_readable(const struct pagemap_span *sp)
{
	if (!sp->range_pages || (sp->range_pages & (sp->range_pages - 1)))
		return false;
	if (!sp->section_pages || (sp->section_pages & (sp->section_pages - 1)) || sp->section_pages > UNIT_PAGES ||
	    UNIT_PAGES / sp->section_pages > MAX_UNIT_SECTIONS)
		return false;
	return !(sp->start_pfn % sp->range_pages) && !(sp->end_pfn % sp->range_pages);
}

/* The slices of the span, and how many threads read them (1 to MAX_THREADS, no more than slices). */
static unsigned pipe_slices(struct kpf_pipe *p, unsigned threads)
{
	const struct pagemap_span *sp = p->sp;

	p->slice_pages = sp->range_pages > SLICE_PAGES ? sp->range_pages : SLICE_PAGES;
	p->ranges_per_slice = p->slice_pages / sp->range_pages;
	p->first = sp->start_pfn / p->slice_pages;
	p->nr = (sp->end_pfn - 1) / p->slice_pages - p->first + 1;
	if (threads < 1)
		threads = 1;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	if (threads > p->nr)
		threads = (unsigned)p->nr;
	return threads;
}

/* The buffers of the pipe and of each worker: how many workers have theirs, or -BC_ENOMEM. */
static int pipe_alloc(struct kpf_pipe *p, struct kpf_worker *w, unsigned threads, unsigned *n,
		      struct bc_error *err)
{
	p->slots = threads * SLOTS_PER_THREAD;
	p->ranges = calloc((size_t)p->slots * p->ranges_per_slice, sizeof(*p->ranges));
	p->done = calloc(p->slots, sizeof(*p->done));
	if (!p->ranges || !p->done)
		return bc_error_set(err, BC_ENOMEM, "%s: out of memory", p->f->flags_path);
	for (*n = 0; *n < threads; (*n)++) {
		w[*n] = (struct kpf_worker){ .pipe = p };
		w[*n].flags = malloc(UNIT_PAGES * 8);
		w[*n].cgroup = malloc(UNIT_PAGES * 8);
		if (!w[*n].flags || !w[*n].cgroup) {
			free(w[*n].flags);
			free(w[*n].cgroup);
			return bc_error_set(err, BC_ENOMEM, "%s: out of memory", p->f->flags_path);
		}
	}
	return 0;
}

/* The n workers started (one: the calling thread reads too, and no other is started), emitted, joined. */
static int pipe_run(struct kpf_pipe *p, struct kpf_worker *w, unsigned n, struct bc_error *err)
{
	unsigned k, started = 0;
	int rc;

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->finished, NULL);
	pthread_cond_init(&p->room, NULL);
	for (k = 0; n > 1 && k < n; k++)
		if ((w[k].started = pthread_create(&w[k].thread, NULL, worker_run, &w[k]) == 0))
			started++;
	rc = emit_all(p, &w[0], started > 0);
	for (k = 0; k < n; k++)
		if (w[k].started)
			pthread_join(w[k].thread, NULL);
	if (rc < 0 && err && p->have_err)
		*err = p->err;
	pthread_cond_destroy(&p->room);
	pthread_cond_destroy(&p->finished);
	pthread_mutex_destroy(&p->lock);
	return rc;
}

int kpf_read(const struct kpf_files *f, const struct pagemap_span *sp, unsigned threads,
	     const struct pagemap_sink *sink, struct bc_error *err)
{
	struct kpf_worker w[MAX_THREADS];
	struct kpf_pipe p = { .f = f, .sp = sp, .sink = sink };
	unsigned k, n = 0;
	int rc;

	if (sp->end_pfn <= sp->start_pfn)
		return 0;
	if (!span_readable(sp))
		return bc_error_set(err, BC_EUSAGE, "%s: ranges of %llu pages and sections of %llu cannot be read",
				    f->flags_path, (unsigned long long)sp->range_pages,
				    (unsigned long long)sp->section_pages);
	if ((rc = kpf_covers(f, sp->need_end_pfn, err)) < 0)
		return rc;
	threads = pipe_slices(&p, threads);
	rc = pipe_alloc(&p, w, threads, &n, err);
	if (rc == 0)
		rc = pipe_run(&p, w, n, err);
	for (k = 0; k < n; k++) {
		free(w[k].flags);
		free(w[k].cgroup);
	}
	free(p.ranges);
	free(p.done);
	return rc;
}
