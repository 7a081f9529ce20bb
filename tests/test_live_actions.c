/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The actions on the live kernel, through the buddyctl binary ($BUDDYCTL):
 * reserve 2 MiB pages on node 0 and read them back, compact node 0 and the
 * whole machine and see the vmstat counters move, drop caches.
 * Every hugepage pool is saved first and put back in the group teardown,
 * which cmocka runs even when a test fails. Skips, saying why, when not root
 * or when /proc/sys is read-only.
 * Also: the map's 1G prediction against what the kernel grants.
 */
#include "testutil.h"
#include "runbin.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "execute.h"
#include "reserve.h"
#include "kernel.h"
#include "kwrite.h"
#include "meminfo.h"
#include "snapshot.h"
#include "snapshot_read.h"

static struct snapshot saved;
static bool can_run;
static char why_not[sizeof(((struct bc_error *)0)->msg) + 64];	/* why they cannot run */

static int setup(void **state)
{
	struct statvfs vfs;
	struct bc_error e;

	(void)state;
	if (!live_writes_allowed()) {
		snprintf(why_not, sizeof(why_not), "BUDDYCTL_LIVE=0: live actions change hugepage pools, compact and drop caches");
		return 0;
	}
	if (geteuid() != 0) {
		snprintf(why_not, sizeof(why_not), "not root: live actions write /proc/sys and /sys");
		return 0;
	}
	if (statvfs("/proc/sys/vm", &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) {
		snprintf(why_not, sizeof(why_not), "/proc/sys is read-only");
		return 0;
	}
	if (snapshot_read("/", &saved, &e) != 0) {
		snprintf(why_not, sizeof(why_not), "the live snapshot cannot be read: %s", e.msg);
		return 0;
	}
	can_run = true;
	return 0;
}

/* Put every pool back: per node first, then the global files. */
static int teardown(void **state)
{
	struct kctx c = { .root = "/" };
	struct bc_error e;
	char rel[160];
	uint64_t b, a;
	unsigned i, k;
	int errnum, bad = 0;

	(void)state;
	if (!can_run)
		return 0;
	for (i = 0; i < saved.nr_nodes; i++)
		for (k = 0; k < saved.nodes[i].nr_pools; k++) {
			const struct hugepool *p = &saved.nodes[i].pools[k];

			kfile_nr_hugepages(rel, sizeof(rel), saved.nodes[i].id, p->size_kb);
			if (kw_set_u64(&c, rel, p->nr, &b, &a, &errnum, &e) < 0 || a != p->nr) {
				print_message("could not restore %s to %llu: %s\n", rel,
					      (unsigned long long)p->nr, e.msg);
				bad = 1;
			}
		}
	kw_free(&c);
	snapshot_free(&saved);
	return bad ? -1 : 0;
}

static int buddyctl(const char *args)
{
	const char *bin = buddyctl_bin();
	char cmd[512];
	int st;

	snprintf(cmd, sizeof(cmd), "%s %s --lock-file build/live.lock > build/live.out 2>&1", bin, args);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static uint64_t read_u64(const char *rel)
{
	struct kctx c = { .root = "/" };
	struct bc_error e;
	uint64_t v = 0;

	if (kw_read_u64(&c, rel, &v, &e) < 0)
		fail_msg("%s", e.msg);
	return v;
}

static uint64_t vmstat(enum vmstat_field f)
{
	struct snapshot s;
	struct bc_error e;
	uint64_t v;

	if (snapshot_read("/", &s, &e) != 0)
		fail_msg("%s", e.msg);
	v = s.vmstat.v[f];
	snapshot_free(&s);
	return v;
}

static void reserve_2m_node0(void **state)
{
	char rel[160], args[64];
	const struct hugepool *p;
	uint64_t orig;

	(void)state;
	if (!can_run)
		skip_because("%s", why_not);
	p = node_pool(&saved.nodes[0], 2048);
	if (!p)
		skip_because("no 2 MiB pool on node %d", saved.nodes[0].id);
	orig = p->nr;
	kfile_nr_hugepages(rel, sizeof(rel), saved.nodes[0].id, 2048);
	snprintf(args, sizeof(args), "reserve 2M:%llu@%d", (unsigned long long)orig + 8, saved.nodes[0].id);
	assert_int_equal(buddyctl(args), 0);
	assert_int_equal(read_u64(rel), orig + 8);
	snprintf(args, sizeof(args), "reserve 2M:%llu@%d -f json", (unsigned long long)orig, saved.nodes[0].id);
	assert_int_equal(buddyctl(args), 0);
	assert_int_equal(read_u64(rel), orig);
}

/* Leave some movable pages scattered, so that compaction has work to do. */
static void scatter(void)
{
	size_t len = 64 << 20, off, pg = (size_t)sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(m != MAP_FAILED);
	memset(m, 1, len);
	for (off = 0; off < len; off += 2 * pg)
		madvise(m + off, pg, MADV_DONTNEED);
	munmap(m, len);
}

static void compact_moves_counters(void **state)
{
	uint64_t before, after;
	char args[64];

	(void)state;
	if (!can_run)
		skip_because("%s", why_not);
	scatter();
	before = vmstat(VM_COMPACT_MIGRATE_SCANNED) + vmstat(VM_COMPACT_FREE_SCANNED);
	snprintf(args, sizeof(args), "compact --node %d", saved.nodes[0].id);
	assert_int_equal(buddyctl(args), 0);
	after = vmstat(VM_COMPACT_MIGRATE_SCANNED) + vmstat(VM_COMPACT_FREE_SCANNED);
	print_message("node compaction scanned %llu pages\n", (unsigned long long)(after - before));
	assert_true(after > before);

	scatter();
	before = after;
	assert_int_equal(buddyctl("compact -f json"), 0);
	after = vmstat(VM_COMPACT_MIGRATE_SCANNED) + vmstat(VM_COMPACT_FREE_SCANNED);
	print_message("global compaction scanned %llu pages\n", (unsigned long long)(after - before));
	assert_true(after > before);
}

/*
 * A real short grant: this VM grants 1 GiB pages silently short (asking for
 * 4 gave 2 at boot). Whatever it grants, the report must say exactly what
 * the pool file says, and the exit status must follow: 0 all, 1 some, 2 none.
 */
static void gigantic_short_grant_reported_truthfully(void **state)
{
	char rel[160], args[96], line[4096];
	const struct hugepool *p;
	unsigned long long obtained = 0, shortfall = 0;
	uint64_t got;
	FILE *f;
	int rc;
	char *q;

	(void)state;
	if (!can_run)
		skip_because("%s", why_not);
	p = node_pool(&saved.nodes[0], 1048576);
	if (!p)
		skip_because("no 1 GiB pages on this machine");
	kfile_nr_hugepages(rel, sizeof(rel), saved.nodes[0].id, 1048576);
	snprintf(args, sizeof(args), "reserve 1G:%llu@%d --ladder retry --rounds 1 -f json",
		 (unsigned long long)p->nr + 4, saved.nodes[0].id);
	rc = buddyctl(args);
	got = read_u64(rel);
	f = fopen("build/live.out", "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));	/* the object starts on line 1 */
	while (fgets(line, sizeof(line), f) && !strstr(line, "\"obtained\":"))
		;
	fclose(f);
	q = strstr(line, "\"obtained\":");
	assert_non_null(q);
	obtained = strtoull(q + 11, NULL, 10);
	q = strstr(line, "\"shortfall\":");
	assert_non_null(q);
	shortfall = strtoull(q + 12, NULL, 10);
	print_message("asked %llu x 1G, the kernel granted %llu (report: obtained %llu, short %llu), exit %d\n",
		      (unsigned long long)p->nr + 4, (unsigned long long)got, obtained, shortfall, rc);
	assert_int_equal(obtained, got);
	assert_int_equal(shortfall, p->nr + 4 - got);
	assert_int_equal(rc, got == p->nr + 4 ? 0 : got > p->nr ? 1 : 2);
	/* a non-zero status says why, in the report itself */
	if (rc != 0)
		assert_int_equal(system("grep -q '\"exit_reason\":\"reserve 1G on node [0-9]*: [0-9]* -> [0-9]*: the kernel granted' build/live.out"), 0);
	/* back to what it was (the teardown would too) */
	snprintf(args, sizeof(args), "reserve 1G:%llu@%d", (unsigned long long)p->nr, saved.nodes[0].id);
	assert_int_equal(buddyctl(args), 0);
	assert_int_equal(read_u64(rel), p->nr);
}

/*
 * A SIGHUP (a dropped ssh session) while the kernel allocates 1 GiB pages
 * for `reserve --restore`: the run is not killed. Either the signal came
 * during the write (the kernel stops allocating when a signal is pending):
 * the run stops, puts the pool back and exits 130; or the grant was over
 * before it: 0 and the pool full. Never a pool left part-filled, and the log
 * line is written either way.
 */
static void sighup_during_a_live_reserve(void **state)
{
	char rel[160], spec[48], restore[64];
	const char *args[] = { "reserve", "--restore", "--ladder", "retry", "--rounds", "20", "--lock-file",
			       "build/live.lock", spec, NULL };
	const struct hugepool *p;
	uint64_t got;
	int st, fd;
	pid_t pid;

	(void)state;
	if (!can_run)
		skip_because("%s", why_not);
	p = node_pool(&saved.nodes[0], 1048576);
	if (!p)
		skip_because("no 1 GiB pages on this machine");
	kfile_nr_hugepages(rel, sizeof(rel), saved.nodes[0].id, 1048576);
	snprintf(spec, sizeof(spec), "1G:%llu@%d", (unsigned long long)p->nr + 4, saved.nodes[0].id);
	fd = open("build/live.out", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	pid = start(args, fd, fd);
	close(fd);
	usleep(30000);
	kill(pid, SIGHUP);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	got = read_u64(rel);
	if (!WIFEXITED(st))
		fail_msg("SIGHUP killed the run (signal %d); the pool holds %llu", WTERMSIG(st),
			 (unsigned long long)got);
	print_message("SIGHUP 30 ms into reserve %s --restore: exit %d, the pool holds %llu\n", spec,
		      WEXITSTATUS(st), (unsigned long long)got);
	assert_int_equal(system("grep -q '^buddyctl reserve: 1G pool node' build/live.out"), 0);
	if (WEXITSTATUS(st) == 130)
		assert_int_equal(got, p->nr);
	else if (WEXITSTATUS(st) == 0)
		assert_int_equal(got, p->nr + 4);
	else
		assert_int_equal(got, p->nr);	/* short, put back (2) */
	snprintf(restore, sizeof(restore), "reserve 1G:%llu@%d", (unsigned long long)p->nr, saved.nodes[0].id);
	assert_int_equal(buddyctl(restore), 0);
	assert_int_equal(read_u64(rel), p->nr);
}

/* The figure after "KEY": in the first "ranges_by_class" object of text. */
static unsigned class_count(const char *text, const char *key)
{
	const char *o = strstr(text, "\"ranges_by_class\":{");
	char pat[48];
	const char *q;

	assert_non_null(o);
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	q = strstr(o, pat);
	assert_non_null(q);
	return (unsigned)strtoul(q + strlen(pat), NULL, 10);
}

/* What map said of a node's 1G ranges. */
struct map_1g {
	unsigned certain;	/* free + compactable */
	unsigned maybe;		/* maybe: doubtful */
};

/* One round: the map of node's 1G ranges, then a write of more than it says. */
static void map_then_grant_1g(int node, uint64_t orig, struct map_1g *m, uint64_t *granted)
{
	const char *args[] = { "map", "--size", "1G", "--node", NULL, "-f", "json", NULL };
	struct kctx c = { .root = "/" };
	struct bc_error e;
	struct run *r = calloc(1, sizeof(*r));
	char nid[16], rel[160];
	uint64_t b, a, got;
	int errnum;

	assert_non_null(r);
	snprintf(nid, sizeof(nid), "%d", node);
	args[4] = nid;
	run(r, args);
	if (r->status != 0)
		fail_msg("map exited %d: %s", r->status, r->err);
	m->certain = class_count(r->out, "free") + class_count(r->out, "compactable");
	m->maybe = class_count(r->out, "maybe");
	free(r);
	kfile_nr_hugepages(rel, sizeof(rel), node, 1048576);
	if (kw_set_u64(&c, rel, orig + m->certain + m->maybe + 2, &b, &a, &errnum, &e) < 0)
		fail_msg("%s", e.msg);
	got = read_u64(rel);
	if (kw_set_u64(&c, rel, orig, &b, &a, &errnum, &e) < 0 || a != orig)
		fail_msg("could not put %s back to %llu: %s", rel, (unsigned long long)orig, e.msg);
	kw_free(&c);
	*granted = got - orig;
}

/*
 * The map's 1G prediction is what the kernel grants: node 0's ranges that
 * map says can be had (free, or by compaction) against what a plain write of
 * a larger count to the node's 1G pool gets, three times in a row, within
 * one page. The doubtful ranges (maybe: flag-less pages that may be free on
 * a per-CPU list, or a few charged kernel pages that may be gone) widen the
 * prediction upwards. Skips where kpageflags cannot be read.
 */
static void map_1g_prediction_is_granted(void **state)
{
	const struct hugepool *p;
	struct map_1g m;
	uint64_t granted;
	unsigned i;
	int node;

	(void)state;
	if (!can_run)
		skip_because("%s", why_not);
	node = saved.nodes[0].id;
	p = node_pool(&saved.nodes[0], 1048576);
	if (!p)
		skip_because("no 1 GiB pages on this machine");
	if (access("/proc/kpageflags", R_OK) != 0)
		skip_because("/proc/kpageflags cannot be read: %s", strerror(errno));
	for (i = 1; i <= 3; i++) {
		map_then_grant_1g(node, p->nr, &m, &granted);
		print_message("round %u: node %d, 1G: map %u can be had (+%u doubtful), the kernel granted %llu\n",
			      i, node, m.certain, m.maybe, (unsigned long long)granted);
		assert_true(granted + 1 >= m.certain);
		assert_true(granted <= (uint64_t)m.certain + m.maybe + 1);
	}
}

static void drop_caches_counts(void **state)
{
	uint64_t pc, slab;

	(void)state;
	if (!can_run)
		skip_because("%s", why_not);
	pc = vmstat(VM_DROP_PAGECACHE);
	slab = vmstat(VM_DROP_SLAB);
	assert_int_equal(buddyctl("drop-caches"), 0);
	assert_int_equal(vmstat(VM_DROP_PAGECACHE), pc + 1);
	assert_int_equal(buddyctl("drop-caches --level slab"), 0);
	assert_int_equal(vmstat(VM_DROP_SLAB), slab + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reserve_2m_node0),
		cmocka_unit_test(compact_moves_counters),
		cmocka_unit_test(gigantic_short_grant_reported_truthfully),
		cmocka_unit_test(sighup_during_a_live_reserve),
		/* before the drop: the slab it drops is freed after an RCU grace period, so
		 * a map read right after it sees pages that are free a moment later */
		cmocka_unit_test(map_1g_prediction_is_granted),
		cmocka_unit_test(drop_caches_counts),
	};

	return cmocka_run_group_tests_name("live actions", tests, setup, teardown);
}
