/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Executing plans against copies of fixture trees, with the fault-injecting
 * write layer: EACCES, EROFS, EINVAL, EBUSY, short grants; the escalation
 * ladder, keep/restore, dry-run, no-op skips, interruption; the permission
 * check on a read-only mount, the lock and the state file.
 */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

#include "execute.h"
#include "reserve.h"
#include "lock.h"
#include "perms.h"
#include "state.h"

#define TREE "build/actfx"
#define NODE1_2M "sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages"

static int fresh_tree(void **state)
{
	(void)state;
	return system("rm -rf " TREE " && mkdir -p build && cp -r " FIXTURES "/two-node " TREE) == 0 ? 0 : -1;
}

static int drop_tree(void **state)
{
	(void)state;
	return system("rm -rf " TREE) == 0 ? 0 : -1;
}

static uint64_t file_value(const char *rel)
{
	struct kctx c = { .root = TREE };
	struct bc_error e;
	uint64_t v;

	assert_int_equal(kw_read_u64(&c, rel, &v, &e), 0);
	return v;
}

static struct plan one_reserve(uint64_t target, bool keep, unsigned rounds)
{
	struct plan p = { .time_budget_s = 30 };
	struct action *a = plan_add(&p, ACT_RESERVE);

	assert_non_null(a);
	a->node = 1;
	a->size_kb = 2048;
	a->target = target;
	a->current = 64;
	a->ladder = (struct steps){ .s = { STEP_RETRY, STEP_COMPACT_NODE }, .n = 2 };
	a->rounds = rounds;
	a->keep = keep;
	return p;
}

static void reserve_done(void **state)
{
	struct kctx c = { .root = TREE };
	struct plan p = one_reserve(100, true, 2);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 0);
	assert_int_equal(r.status, RES_DONE);
	assert_int_equal(r.before, 64);
	assert_int_equal(r.after, 100);
	assert_int_equal(r.nr_steps, 0);
	assert_int_equal(file_value(NODE1_2M), 100);
	assert_int_equal(c.nr_log, 1);
	assert_false(c.log[0].skipped);
	assert_string_equal(c.log[0].value, "100");
	kw_free(&c);
	plan_free(&p);
}

static void reserve_noop_skipped(void **state)
{
	struct kctx c = { .root = TREE };
	struct plan p = one_reserve(64, true, 2);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 0);
	assert_int_equal(r.status, RES_SKIPPED);
	assert_true(c.log[0].skipped);
	kw_free(&c);
	plan_free(&p);
}

static void short_grant_escalates_and_keeps(void **state)
{
	struct kfault f = { .match = "node1/hugepages", .grant_max = 80 };
	struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
	struct plan p = one_reserve(100, true, 2);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	assert_int_equal(r.status, RES_PARTIAL);
	assert_int_equal(r.before, 64);
	assert_int_equal(r.after, 80);
	/* 2 rounds x (retry, compact-node), each followed by a rewrite */
	assert_int_equal(r.nr_steps, 4);
	assert_int_equal(r.steps[0].step, STEP_RETRY);
	assert_int_equal(r.steps[1].step, STEP_COMPACT_NODE);
	assert_int_equal(r.steps[1].gain, 0);
	assert_int_equal(r.steps[3].obtained, 80);
	assert_false(r.restored);
	assert_int_equal(file_value(NODE1_2M), 80);
	kw_free(&c);
	plan_free(&p);
}

static void short_grant_gains_on_a_later_step(void **state)
{
	/* the first two writes are capped at 70, later ones at 90, then none */
	struct kfault f[] = { { .match = "node1/hugepages", .grant_max = 70, .times = 2 },
			      { .match = "node1/hugepages", .grant_max = 90, .times = 1 } };
	struct kctx c = { .root = TREE, .faults = f, .nr_faults = 2 };
	struct plan p = one_reserve(100, true, 3);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 0);
	assert_int_equal(r.status, RES_DONE);
	assert_int_equal(r.nr_steps, 3);
	assert_int_equal(r.steps[0].gain, 0);		/* retry: still 70 */
	assert_int_equal(r.steps[1].gain, 20);		/* compact-node, rewrite: 90 */
	assert_int_equal(r.steps[2].gain, 10);		/* retry: 100 */
	assert_int_equal(file_value(NODE1_2M), 100);
	kw_free(&c);
	plan_free(&p);
}

static void short_grant_restored(void **state)
{
	struct kfault f = { .match = "node1/hugepages", .grant_max = 80 };
	struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
	struct plan p = one_reserve(100, false, 1);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	assert_int_equal(r.status, RES_PARTIAL);
	assert_true(r.restored);
	assert_int_equal(r.after, 64);
	assert_int_equal(file_value(NODE1_2M), 64);	/* the pool put back */
	kw_free(&c);
	plan_free(&p);
}

static void nothing_obtained_fails(void **state)
{
	struct kfault f = { .match = "node1/hugepages", .grant_max = 64 };
	struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
	struct plan p = one_reserve(100, true, 1);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	assert_int_equal(r.status, RES_FAILED);
	assert_int_equal(r.after, 64);
	kw_free(&c);
	plan_free(&p);
}

static void lasting_errors(void **state)
{
	static const struct { int errnum; const char *text; } cases[] = {
		{ EACCES, "Permission denied" }, { EROFS, "Read-only file system" },
		{ EINVAL, "Invalid argument" }, { EPERM, "Operation not permitted" },
		{ EOPNOTSUPP, "Operation not supported" },
	};
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kfault f = { .match = "node1/hugepages", .errnum = cases[i].errnum, .grant_max = -1 };
		struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
		struct plan p = one_reserve(100, true, 3);
		struct action_result r;

		assert_int_equal(execute_plan(&c, &p, &r), 1);
		assert_int_equal(r.status, RES_FAILED);
		assert_int_equal(r.nr_steps, 0);		/* no retry of a lasting error */
		assert_int_equal(f.hits, 1);
		assert_contains(r.error, TREE "/" NODE1_2M ": writing '100': ");
		assert_contains(r.error, cases[i].text);
		assert_int_equal(file_value(NODE1_2M), 64);	/* untouched */
		kw_free(&c);
		plan_free(&p);
	}
}

static void transient_error_retried(void **state)
{
	struct kfault f = { .match = "node1/hugepages", .errnum = EBUSY, .grant_max = -1, .times = 2 };
	struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
	struct plan p = one_reserve(100, true, 1);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 0);
	assert_int_equal(r.status, RES_DONE);
	assert_int_equal(f.hits, 2);
	assert_int_equal(file_value(NODE1_2M), 100);
	kw_free(&c);
	plan_free(&p);
}

static void trigger_errors_and_dry_run(void **state)
{
	struct kfault f = { .match = "compact", .errnum = EACCES, .grant_max = -1 };
	struct kctx c = { .root = TREE, .faults = &f, .nr_faults = 1 };
	struct plan p = { .time_budget_s = 10 };
	struct action_result r[3];
	struct action *a;

	(void)state;
	a = plan_add(&p, ACT_COMPACT_NODE);
	a->node = 0;
	plan_add(&p, ACT_COMPACT_ALL);
	a = plan_add(&p, ACT_DROP_CACHES);
	a->drop_level = 3;
	assert_int_equal(execute_plan(&c, &p, r), 2);
	assert_int_equal(r[0].status, RES_FAILED);
	assert_contains(r[0].error, "node0/compact: writing '1': Permission denied");
	assert_int_equal(r[1].status, RES_FAILED);
	assert_int_equal(r[2].status, RES_DONE);
	kw_free(&c);

	/* dry run: planned, logged, nothing written */
	c = (struct kctx){ .root = TREE, .dry_run = true };
	plan_free(&p);
	p = one_reserve(100, true, 3);
	assert_int_equal(execute_plan(&c, &p, r), 0);
	assert_int_equal(r[0].status, RES_PLANNED);
	assert_true(c.log[0].dry_run);
	assert_int_equal(file_value(NODE1_2M), 64);
	kw_free(&c);
	plan_free(&p);
}

static void interrupted(void **state)
{
	volatile int stop = 1;
	struct kctx c = { .root = TREE, .stop = &stop };
	struct plan p = one_reserve(100, true, 1);
	struct action_result r;

	(void)state;
	assert_int_equal(execute_plan(&c, &p, &r), 1);
	assert_int_equal(r.status, RES_INTERRUPTED);
	assert_int_equal(c.nr_log, 0);
	assert_int_equal(file_value(NODE1_2M), 64);
	plan_free(&p);
}

static void permission_check_readonly_mount(void **state)
{
	struct plan p = one_reserve(100, true, 1);
	struct bc_error e = { 0 };

	(void)state;
	assert_int_equal(perms_check(TREE, &p, &e), 0);
	if (geteuid() != 0) {
		print_message("SKIP: not root: cannot make a read-only bind mount\n");
		plan_free(&p);
		return;
	}
	/* what container runtimes do to /sys: a read-only bind mount */
	assert_int_equal(mount(TREE "/sys", TREE "/sys", NULL, MS_BIND, NULL), 0);
	assert_int_equal(mount(NULL, TREE "/sys", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), 0);
	assert_int_equal(perms_check(TREE, &p, &e), -BC_EPERM);
	umount(TREE "/sys");
	assert_contains(e.msg, NODE1_2M ": read-only file system");
	assert_contains(e.msg, "(1 of 1 actions cannot run; nothing was done)");
	plan_free(&p);

	/* every distinct file the ladder may write is checked, not just the first */
	p = one_reserve(100, true, 1);
	p.a[0].ladder = (struct steps){ .s = { STEP_COMPACT_NODE, STEP_COMPACT_NODE, STEP_DROP_PAGECACHE }, .n = 3 };
	assert_int_equal(system("rm " TREE "/proc/sys/vm/drop_caches"), 0);
	assert_int_equal(perms_check(TREE, &p, &e), -BC_EPERM);
	assert_contains(e.msg, "proc/sys/vm/drop_caches: no such file");
	plan_free(&p);

	/* a file the kernel does not offer */
	p = one_reserve(1, true, 1);
	p.a[0].size_kb = 4096;
	assert_int_equal(perms_check(TREE, &p, &e), -BC_EPERM);
	assert_contains(e.msg, "hugepages-4096kB/nr_hugepages: no such file (not offered by this kernel)");
	plan_free(&p);
}

static void lock_busy(void **state)
{
	struct bc_error e = { 0 };
	struct lock a, b;
	char msg[64];

	(void)state;
	unlink("build/test.lock");
	assert_int_equal(lock_acquire(&a, "/", "build/test.lock", 0, NULL, &e), 0);
	/* a second open file description conflicts with the first flock */
	assert_int_equal(lock_acquire(&b, "/", "build/test.lock", 0.2, NULL, &e), -BC_EBUSY);
	snprintf(msg, sizeof(msg), "another buddyctl (pid %d) is running; waited 0.2 s", (int)getpid());
	assert_contains(e.msg, msg);
	lock_release(&a);
	assert_int_equal(lock_acquire(&b, "/", "build/test.lock", 0, NULL, &e), 0);
	lock_release(&b);
	unlink("build/test.lock");
}

static void state_file(void **state)
{
	double last[STATE_MAX_NODES] = { 0 }, back[STATE_MAX_NODES];
	struct bc_error e = { 0 };
	FILE *f;

	(void)state;
	unlink("build/test.state");
	assert_int_equal(state_load("/", "build/test.state", 1795460200, back, &e), 0);	/* missing: never */
	assert_string_equal(e.msg, "");
	assert_true(back[0] == 0);
	last[2] = 1795460000;
	last[6] = 1795460100;
	assert_int_equal(state_save("/", "build/test.state", last, &e), 0);
	/* a fresh install has no /var/lib/buddyctl: the directory is made */
	assert_int_equal(system("rm -rf build/statedir"), 0);
	assert_int_equal(state_save("/", "build/statedir/state", last, &e), 0);
	assert_int_equal(system("test -s build/statedir/state && rm -rf build/statedir"), 0);
	assert_int_equal(state_load("/", "build/test.state", 1795460200, back, &e), 0);
	assert_string_equal(e.msg, "");
	assert_true(back[2] == 1795460000 && back[6] == 1795460100 && back[0] == 0);
	f = fopen("build/test.state", "w");
	fputs("node 2 17954\nnode x 1\n", f);
	fclose(f);
	/* a bad entry is ignored with a warning, the good ones kept */
	assert_int_equal(state_load("/", "build/test.state", 1795460200, back, &e), 0);
	assert_contains(e.msg, "build/test.state:2: not a 'node N SECONDS' line: entry ignored");
	assert_true(back[2] == 17954);
	unlink("build/test.state");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(reserve_done, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(reserve_noop_skipped, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(short_grant_escalates_and_keeps, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(short_grant_gains_on_a_later_step, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(short_grant_restored, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(nothing_obtained_fails, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(lasting_errors, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(transient_error_retried, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(trigger_errors_and_dry_run, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(interrupted, fresh_tree, drop_tree),
		cmocka_unit_test_setup_teardown(permission_check_readonly_mount, fresh_tree, drop_tree),
		cmocka_unit_test(lock_busy),
		cmocka_unit_test(state_file),
	};

	return cmocka_run_group_tests_name("actions", tests, NULL, NULL);
}
