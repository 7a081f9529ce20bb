/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line as a user meets it: a table of arguments, the exit status
 * and fragments expected on stdout and stderr. Runs the binary named by
 * $BUDDYCTL (./buddyctl by default) against the fixture trees.
 */
#include "testutil.h"
#include "runbin.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "act.h"
#include "options.h"
#include "load.h"
#include "log.h"
#include "lock.h"
#include <signal.h>

static void sh(const char *cmd);

struct case_ {
	const char *args[16];	/* NULL-terminated: at most 15 */
	int status;
	const char *out;	/* fragment of stdout, or NULL */
	const char *err;	/* fragment of stderr, or NULL; "" = stderr empty */
};

#define FX(m) "--root", FIXTURES "/" m
/* broken copies of the vm tree, made by setup() */
#define FXD(m) "--root", "build/fx/" m
/* the map's trees, made by make map-fixtures */
#define MAPFX(m) "--root", "build/fixtures/map/" m

static const struct case_ cases[] = {
	{ { "--help" }, 0, "Usage: buddyctl", "" },
	{ { "--version" }, 0, "buddyctl 0.", "" },
	{ { NULL }, 64, NULL, "no command given" },
	{ { "frobnicate" }, 64, NULL, "unknown command 'frobnicate'" },
	{ { "status", "extra" }, 64, NULL, "unexpected argument 'extra'" },
	{ { "--bogus", "status" }, 64, NULL, "unknown option '--bogus'" },
	{ { "status", "--format" }, 64, NULL, "option '--format' needs a value" },
	{ { "status", "--format", "yaml" }, 64, NULL, "unknown format 'yaml'" },
	{ { "status", "--color", "sometimes" }, 64, NULL, "--color: unknown value 'sometimes'" },
	{ { "status", "--root", "/nonexistent" }, 66, "", "buddyctl: /nonexistent: No such file or directory\n" },
	{ { "status", FX("vm"), "--node", "7" }, 64, "", "--node: node 7 does not exist (nodes: 0)" },
	{ { "status", FX("vm"), "--node", "0-" }, 64, "", "--node: invalid node list '0-'" },
	{ { "status", FX("vm") }, 0, "Node 0: ", "" },
	{ { "status", FX("vm"), "-f", "json" }, 0, "\"schema\":1", "" },
	{ { "status", FX("vm"), "-f", "prometheus" }, 0, "# TYPE buddyctl_free_blocks gauge", "" },
	{ { "status", FX("two-node"), "--node", "1" }, 0, "Node 1: ", "" },
	{ { "status", FX("four-node-sparse") }, 0, "Node 3: no memory (CPU-only node)", "" },
	{ { "status", FX("four-node-sparse"), "--node", "1" }, 64, "", "node 1 does not exist (nodes: 0,2,3,6)" },
	{ { "status", FX("arm64-64k") }, 0, "page size 64K, 14 orders", "" },
	{ { "status", FX("arm64-64k") }, 0, "\npage size 64K worked out from THP hpage_pmd_size 512M with 14 orders\n", "" },
	{ { "status", FX("arm64-64k"), "-f", "json" }, 0,
	  "\"page_size\":65536,\"page_size_source\":\"hugepagesize\",\"page_size_evidence\":\"THP hpage_pmd_size 512M with 14 orders\"", "" },
	{ { "status", FX("arm64-16k") }, 0, "page size 16K, 12 orders, hugepage order 11 (32M)", "" },
	/* --page-size overrides the evidence: 64K pages counted as 4K ones */
	{ { "status", FX("arm64-64k"), "--page-size", "4096" }, 0, "page size 4K given with --page-size 4K", "" },
	{ { "status", FX("arm64-64k"), "--page-size", "3K" }, 64, "", "--page-size: '3K' is not a page size" },
	{ { "estimate", FX("arm64-64k"), "--page-size", "64K", "-f", "json" }, 0, "\"page_size\":65536", "" },
	{ { "compact", FX("vm"), "--page-size", "4K", "--dry-run" }, 64, "", "option --page-size does not apply to 'compact'" },
	{ { "status", FX("movable") }, 0, "Movable", "" },
	/* a sosreport extraction: what there is */
	{ { "status", FX("sosreport") }, 0,
	  "\nnot read: sys/devices/system/node/online (No such file or directory)\n"
	  "not read: sys/devices/system/node/has_memory (No such file or directory)\n"
	  "not read: sys/devices/system/node/has_cpu (No such file or directory)\n"
	  "\npage size 64K worked out from proc/meminfo Hugepagesize 512M with 14 orders\n", "" },
	{ { "status", FX("sosreport"), "-f", "json" }, 0,
	  "\"missing\":[{\"file\":\"sys/devices/system/node/online\",\"nodes\":null,\"error\":\"No such file or directory\",\"lost\":[]},", "" },
	/*
	 * node 1: 512M pool 12; 30 free blocks of order 13 (512M), and the
	 * watermark allows them all: (267544 free - 8144 min) / 8192 = 31.
	 */
	{ { "estimate", FX("sosreport"), "512M", "--node", "1" }, 0, "   1  512M        12        42", "" },
	{ { "check", FX("sosreport"), "-c", "tests/policies/defaults.conf" }, 0, "node 1   ok", "buddyctl check: " },
	{ { "compact", FX("sosreport"), "--dry-run" }, 0, "Plan (dry run: nothing is written)", "buddyctl compact: " },
	/* old and odd kernels */
	{ { "status", FX("rhel6") }, 0, "\nzoneinfo has no 'managed' lines (an older kernel): managed pages taken from 'present'\n", "" },
	{ { "status", FX("rhel6") }, 0, "  blocks    Unmovable Reclaimable     Movable     Reserve     Isolate\n", "" },
	{ { "status", FX("rhel6"), "-f", "json" }, 0, "\"pagetypeinfo\":true,\"managed_from_present\":true,", "" },
	{ { "status", FX("vm"), "-f", "json" }, 0, "\"managed_from_present\":false,", "" },
	/* a 2.6.32 kernel has no has_memory: the commands that write still run */
	{ { "compact", FX("rhel6"), "--dry-run" }, 0, "   1. compact all nodes\n", "buddyctl compact: " },
	{ { "reserve", FX("rhel6"), "2M:80@1", "--dry-run" }, 0, "reserve 2M on node 1: 64 -> 80", "buddyctl reserve: " },
	{ { "status", FX("sparse-ids"), "--node", "8,35" }, 0,
	  "  order size Movable memory  share\n"
	  "      0   4K      50   200K   0.0%\n", "" },	/* 50 x 4K */
	{ { "status", FX("sparse-ids"), "--node", "8,35" }, 0,
	  "\nNode 8: 2.0G free of 2.0G, largest free block 4M, compaction score 0\n", "" },
	{ { "status", FX("sparse-ids"), "--node", "35" }, 0, "\nNode 35: no memory (CPU-only node)\n", "" },
	{ { "status", FX("sparse-ids"), "--node", "9" }, 64, "",
	  "--node: node 9 does not exist (nodes: 0,8,31,32,33,34,35,36,37,38,39,40)" },
	{ { "reserve", FX("sparse-ids"), "2M:1@35", "--dry-run" }, 64, "", "buddyctl: reserve: '2M:1@35': node 35 has no memory\n" },
	{ { "reserve", FX("sparse-ids"), "2M:16@40", "--dry-run" }, 0, "reserve 2M on node 40: 8 -> 16", "buddyctl reserve: " },
	{ { "compact", FX("sparse-ids"), "--node", "8,31-32", "--dry-run" }, 0, "compact node 32", "buddyctl compact: " },
	{ { "status", FX("movable") }, 0, "pagetypeinfo not read", "" },
	{ { "status", FX("gigantic"), "-f", "json" }, 0, "\"size_kb\":1048576", "" },
	/*
	 * resv is the machine's (the kernel keeps no per-node count): the
	 * gigantic tree's 1G pool has nr_hugepages 2, free_hugepages 1,
	 * resv_hugepages 1, so available = free - resv = 1 - 1 = 0
	 */
	{ { "status", FX("gigantic") }, 0,
	  "  hugepg    total    free    resv surplus overcommit available\n"
	  "  2M          512     512       0       0          0       512\n"
	  "  1G            2       1       1       0          0         0\n", "" },
	{ { "status", FX("gigantic"), "-f", "json" }, 0,
	  "{\"size_kb\":1048576,\"total\":2,\"free\":1,\"surplus\":0,\"reserved\":1,\"overcommit\":0,\"available\":0}", "" },
	/* check, plan and the one-off actions: what they refuse */
	{ { "check", FX("four-node-sparse"), "-c", "tests/policies/defaults.conf" }, 2, "node 6   crit", "buddyctl check: " },
	{ { "check", FX("two-node"), "-c", "tests/policies/defaults.conf" }, 0, "node 1   ok",
	  "buddyctl check: ok (2 nodes within policy); exit 0\n" },
	{ { "check", FX("four-node-sparse"), "-c", "tests/policies/defaults.conf", "-f", "json" }, 2,
	  "\"level\":\"crit\"", "buddyctl check: " },
	{ { "plan", FX("four-node-sparse"), "-c", "tests/policies/dpdk.conf" }, 0,
	  "reserve 2M on node 6: 0 -> 100", "" },
	{ { "plan", FX("four-node-sparse"), "-c", "tests/policies/dpdk.conf" }, 0,
	  "compact node 6", "" },
	/* check judges the policy's hugepage pools too: short is warn, mandatory short crit */
	{ { "check", FX("two-node"), "-c", "tests/policies/pools.conf" }, 1,
	  "  node 0   warn  2M pool: 0 of 40 (40 short)\n  node 1   ok    2M pool: 64 of 64\n\n"
	  "Exit status 1: 1 pool at warn; 2M pool of node 0: 0 of 40 (40 short)\n", "buddyctl check: 2M pool node 0 0/40 warn; exit 1\n" },
	{ { "check", FX("two-node"), "-c", "tests/policies/pools-mandatory.conf" }, 2,
	  "Exit status 2: 1 pool at crit; 2M pool of node 0: 0 of 50 (50 short; mandatory)\n", "buddyctl check: " },
	{ { "check", FX("four-node-sparse"), "-c", "tests/policies/pools-mandatory.conf" }, 2,
	  "Exit status 2: 1 node and 3 pools at crit; node 6: unusable index 0.998 >= warn 0.700; "
	  "unusable index 0.998 >= crit 0.900; 2M pool of node 0: 32 of 34 (2 short; mandatory)\n", "buddyctl check: " },
	{ { "check", FX("two-node"), "-c", "tests/policies/pools.conf", "-f", "json" }, 1,
	  "\"pool_findings\":[\n {\"node\":0,\"size_kb\":2048,\"level\":\"warn\",\"target\":40,\"actual\":0,"
	  "\"shortfall\":40,\"mandatory\":false,\"shrink\":false,\"why\":\"0 of 40 (40 short)\",\"why_short\":null},\n {\"node\":1,\"size_kb\":2048,"
	  "\"level\":\"ok\",\"target\":64,\"actual\":64,\"shortfall\":0,\"mandatory\":false,\"shrink\":false,\"why\":\"64 of 64\",\"why_short\":null}],"
	  "\"actions\":[]", "buddyctl check: " },
	{ { "check", FX("two-node"), "-c", "tests/policies/pools.conf", "-f", "json" }, 1,
	  "\"exit\":1,\"exit_reason\":\"1 pool at warn; 2M pool of node 0: 0 of 40 (40 short)\"}", "buddyctl check: " },
	{ { "check", FX("two-node"), "-c", "tests/policies/pools-mandatory.conf", "-f", "prometheus" }, 2,
	  "# TYPE buddyctl_hugepages_target gauge\n"
	  "buddyctl_hugepages_target{node=\"0\",size=\"2097152\"} 50\n"
	  "buddyctl_hugepages_target{node=\"1\",size=\"2097152\"} 50\n", "buddyctl check: " },
	{ { "check", FX("two-node"), "-c", "tests/policies/pools-mandatory.conf", "-f", "prometheus" }, 2,
	  "# TYPE buddyctl_hugepages_short gauge\n"
	  "buddyctl_hugepages_short{node=\"0\",size=\"2097152\"} 50\n"
	  "buddyctl_hugepages_short{node=\"1\",size=\"2097152\"} 0\n", "buddyctl check: " },
	/*
	 * A count is a floor: two-node's node 1 holds 64 of 2M, floor.conf asks
	 * 32. check says ok with both numbers, plan and apply leave it as it is;
	 * with shrink = yes plan frees 64 - 32 = 32 pages; reserve on the
	 * command line sets the pool to exactly its count, as always.
	 */
	{ { "check", FX("two-node"), "-c", "tests/policies/floor.conf" }, 0,
	  "  node 1   ok    2M pool: 64 of 32 (above the target: left as it is; shrink = no)\n", "buddyctl check: ok" },
	{ { "check", FX("two-node"), "-c", "tests/policies/floor.conf", "-f", "json" }, 0,
	  "\"level\":\"ok\",\"target\":32,\"actual\":64,\"shortfall\":0,\"mandatory\":false,\"shrink\":false,"
	  "\"why\":\"64 of 32 (above the target: left as it is; shrink = no)\",\"why_short\":null}", "buddyctl check: ok" },
	{ { "check", FX("two-node"), "-c", "tests/policies/floor.conf", "-f", "nagios" }, 0,
	  " node0_pool_2M=0;0:;;0 node1_pool_2M=64;32:;;0\n", "" },
	{ { "check", FX("two-node"), "-c", "tests/policies/floor.conf", "-f", "nagios" }, 0,
	  "\nnode 1 ok 2M pool: 64 of 32 (above the target: left as it is; shrink = no)\n", "" },
	{ { "check", FX("two-node"), "-c", "tests/policies/floor.conf", "-f", "prometheus" }, 0,
	  "# TYPE buddyctl_hugepages_above gauge\n"
	  "buddyctl_hugepages_above{node=\"0\",size=\"2097152\"} 0\n"
	  "buddyctl_hugepages_above{node=\"1\",size=\"2097152\"} 32\n", "buddyctl check: ok" },
	{ { "plan", FX("two-node"), "-c", "tests/policies/floor.conf" }, 0, "Plan (dry run: nothing is written)\n  nothing to do\n", "" },
	{ { "apply", FX("two-node"), "-c", "tests/policies/floor.conf", "--pools-only", "--dry-run" }, 0,
	  "  nothing to do\n", "buddyctl apply: ok (2 nodes and 2 pools within policy): nothing to do; exit 0\n" },
	{ { "plan", FX("two-node"), "-c", "tests/policies/shrink.conf" }, 0,
	  "   1. reserve 2M on node 1: 64 -> 32\n      why:    tests/policies/shrink.conf:6: [hugepages 2M]\n"
	  "      expect: pool 64 -> 32: frees 32 pages\n", "" },
	{ { "check", FX("two-node"), "-c", "tests/policies/shrink.conf" }, 0,
	  "  node 1   ok    2M pool: 64 of 32 (above the target: apply frees 32 pages; shrink = yes)\n", "buddyctl check: ok" },
	{ { "reserve", FX("two-node"), "--dry-run", "2M:32@1" }, 0, "reserve 2M on node 1: 64 -> 32",
	  "buddyctl reserve: dry run, would do: reserve 2M on node 1: 64 -> 32; exit 0\n" },
	/* the largest size first, though the 2M section comes first in the file */
	{ { "plan", FX("two-node"), "-c", "tests/policies/order.conf" }, 0,
	  "   1. reserve 1G on node 0: 0 -> 1\n", "" },
	{ { "check", FX("two-node"), "-c", "tests/policies/order.conf" }, 1,
	  "  node 0   warn  1G pool: 0 of 1 (1 short)\n  node 1   warn  2M pool: 64 of 100 (36 short)\n"
	  "  node 0   warn  2M pool: 0 of 100 (100 short)\n", "buddyctl check: " },
	/* all ok: no reason, in JSON null */
	{ { "check", FX("two-node"), "-c", "tests/policies/defaults.conf", "-f", "json" }, 0,
	  "\"pool_findings\":[],\"actions\":[]", "buddyctl check: " },
	{ { "check", FX("two-node"), "-c", "tests/policies/defaults.conf", "-f", "json" }, 0,
	  "\"exit\":0,\"exit_reason\":null}", "buddyctl check: " },
	/* check builds no plan: a count the planner refuses (78) is only a short pool */
	{ { "check", FX("vm"), "-c", "tests/policies/toomuch.conf" }, 1,
	  "Exit status 1: 1 pool at warn; 2M pool of node 0: 0 of 100000 (100000 short)\n", "buddyctl check: " },
	{ { "check", FX("vm"), "-c", "tests/policies/typo.conf" }, 78, "",
	  "tests/policies/typo.conf:4: unknown key 'warn_unusble' in [fragmentation]" },
	{ { "check", FX("vm"), "-c", "/nonexistent.conf" }, 78, "", "/nonexistent.conf: No such file or directory" },
	{ { "plan", FX("vm"), "-c", "tests/policies/dpdk.conf", "--level", "all" }, 64, "",
	  "option --level does not apply to 'plan'" },
	{ { "reserve", FX("vm") }, 64, "", "reserve: no SIZE:COUNT[@NODES] given" },
	{ { "reserve", FX("vm"), "3M:1", "--dry-run" }, 64, "", "this kernel offers no 3072 kB hugepages" },
	{ { "reserve", FX("vm"), "2M:x", "--dry-run" }, 64, "", "bad count 'x'" },
	/* the spec named the node, not --node */
	{ { "reserve", FX("vm"), "2M:1@4", "--dry-run" }, 64, "", "buddyctl: reserve: '2M:1@4': node 4 does not exist\n" },
	{ { "reserve", FX("two-node"), "2M:100@5", "--dry-run" }, 64, "", "buddyctl: reserve: '2M:100@5': node 5 does not exist\n" },
	{ { "reserve", FX("vm"), "2M:1@0-", "--dry-run" }, 64, "", "buddyctl: reserve: '2M:1@0-': invalid node list '0-'" },
	{ { "reserve", FX("vm"), "2M:1@", "--dry-run" }, 64, "", "buddyctl: reserve: '2M:1@': empty node list\n" },
	/* a pool already at its count: nothing to write, not "frees 0 pages" */
	{ { "reserve", FX("two-node"), "2M:64@1", "--dry-run" }, 0, "      expect: pool 64 -> 64: already 64, nothing to write\n", "buddyctl reserve: " },
	{ { "reserve", FX("four-node-sparse"), "2M:1@3", "--dry-run" }, 64, "", "reserve: '2M:1@3': node 3 has no memory" },
	{ { "reserve", FX("vm"), "2M:1", "--ladder", "pray", "--dry-run" }, 64, "", "--ladder: unknown step 'pray'" },
	{ { "reserve", FX("two-node"), "2M:10", "1G:1@1", "--dry-run" }, 0, "reserve 1G on node 1: 0 -> 1", "buddyctl reserve: " },
	{ { "drop-caches", FX("vm"), "--level", "everything" }, 64, "", "--level: unknown level 'everything'" },
	{ { "compact", FX("vm"), "--node", "1", "--dry-run" }, 64, "", "--node: node 1 does not exist" },
	{ { "compact", FX("vm"), "--dry-run", "-f", "prometheus" }, 64, "", "prometheus is for 'status', 'check' and 'map' only" },
	{ { "plan", FX("vm"), "-c", "tests/policies/pools.conf", "-f", "prometheus" }, 64, "",
	  "prometheus is for 'status', 'check' and 'map' only" },
	{ { "status", FXD("bad-buddyinfo") }, 65, "", "proc/buddyinfo:4: 12 order columns where earlier lines have 11, for zone 'Normal'" },
	{ { "status", FXD("no-buddyinfo") }, 66, "", "proc/buddyinfo: No such file or directory" },
	{ { "status", FXD("bad-node-meminfo") }, 65, "", "node0/meminfo:1: expected unit 'kB', got 'MB'" },
	{ { "status", FXD("bad-online") }, 65, "", "node/online: invalid node list 'zero'" },
	{ { "status", FXD("bad-hugepages") }, 65, "", "hugepages-2048kB/free_hugepages:1: expected a non-negative integer, got '-3'" },
	/*
	 * A partial tree: only buddyinfo is required. two-node's node 0 has
	 * 3832 + 435372 + 1146873 = 1586077 free pages (its buddyinfo lines,
	 * sum n_k 2^k), 6.05 GiB at 4K. Without meminfo the hugepage order is
	 * THP's for 4K pages, 9: DMA (2 1 1 0 1 1 1 1 0 1 3) has 1 + 3 x 2
	 * blocks of 2M in its 3832 free pages, (3832 - 7 x 512) x 1000 / 3832
	 * = 64 unusable.
	 */
	{ { "status", FXD("only-buddyinfo") }, 0,
	  "\nNode 0: 6.1G free of ?, largest free block 4M, compaction score ?\n", "" },
	{ { "status", FXD("only-buddyinfo") }, 0,
	  "  zone      free largest unusable@2M fragidx@2M    min    low   high\n"
	  "  DMA        15M      4M       0.064     -1.000      ?      ?      ?\n", "" },
	{ { "status", FXD("only-buddyinfo") }, 0,
	  "\nnot read: proc/zoneinfo (No such file or directory): no watermarks, zone sizes, per-CPU free pages or compaction score\n"
	  "not read: proc/meminfo (No such file or directory): no default hugepage size\n"
	  "not read: proc/vmstat (No such file or directory): no vmstat counters\n"
	  "not read: sys/kernel/mm/hugepages (No such file or directory): no hugepage pools\n"
	  "not read: sys/devices/system/node (No such file or directory): no hugepage pools, node totals, CPU-only nodes or which nodes have CPUs\n"
	  "\npage size 4K assumed: no evidence of the page size in the tree, and 4K is the most common\n", "" },
	{ { "status", FXD("only-buddyinfo"), "-f", "json" }, 0,
	  "\"default_hugepage_kb\":null,\"missing\":[{\"file\":\"proc/zoneinfo\",\"nodes\":null,\"error\":\"No such file or directory\","
	  "\"lost\":[\"watermarks\",\"zone_sizes\",\"per_cpu_pages\",\"compaction_score\"]},", "" },
	{ { "status", FXD("only-buddyinfo"), "-f", "json" }, 0, "],\"vmstat\":null,\"proactive_compaction\":null,", "" },
	{ { "status", FXD("only-buddyinfo"), "-f", "json" }, 0, ",\"hugepages\":null,\"nodes\":[", "" },
	{ { "status", FXD("only-buddyinfo"), "-f", "json" }, 0,
	  "\"managed_pages\":null,\"present_pages\":null,\"spanned_pages\":null,\"zoneinfo_free_pages\":null,"
	  "\"watermarks\":null,\"protection\":null}", "" },
	{ { "status", FXD("only-buddyinfo"), "-f", "json" }, 0, "\"compaction_score\":null,\"proactive_compaction\":null,\"check\":{", "" },
	{ { "status", FXD("only-buddyinfo"), "-f", "json" }, 0, "],\"hugepages\":null}", "" },
	{ { "status", FXD("only-buddyinfo"), "-f", "prometheus" }, 0,
	  "buddyctl_free_blocks{node=\"1\",zone=\"Normal\",order=\"10\"} 2790\n", "" },
	/*
	 * a capture alone: the verdict counts the free 2M blocks, node 0:
	 * DMA 1 + 3 x 2, DMA32 40 + 380 x 2, Normal 95 + 180 x 2 = 1262
	 */
	{ { "status", "--buddyinfo", FIXTURES "/two-node/proc/buddyinfo" }, 0,
	  "free block is 4M: 2M blocks: 1262 free now (beyond that: unknown\n", "" },
	{ { "status", "--buddyinfo", "/nonexistent" }, 66, "", "buddyctl: /nonexistent: No such file or directory\n" },
	{ { "status", "--buddyinfo", "tests" }, 66, "", "buddyctl: tests: a directory, not a buddyinfo capture\n" },
	{ { "status", "--buddyinfo", "-", FX("vm") }, 64, "", "--buddyinfo and --root: one or the other" },
	{ { "apply", "--buddyinfo", "-" }, 64, "", "option --buddyinfo does not apply to 'apply'" },
	{ { "reserve", "--buddyinfo", "-", "2M:1" }, 64, "", "option --buddyinfo does not apply to 'reserve'" },
	/* a capture is another machine's: no lock, state or kernel release of its own here */
	{ { "plan", "--buddyinfo", "-", "--lock-file", "build/x.lock" }, 64, "",
	  "--buddyinfo: a capture has no lock, state file or kernel release" },
	{ { "plan", "--buddyinfo", "-", "--kernel-cmdline" }, 64, "", "--buddyinfo: a capture has no lock" },
	/* a capture is a file or a pipe: a device is refused before it is opened */
	{ { "status", "--buddyinfo", "/dev/zero" }, 66, "",
	  "buddyctl: /dev/zero: a character device, not a regular file or a pipe: not read ('-' reads standard input)\n" },
	/* check, estimate and plan of a capture: 0 ok, 1 warn, 2 crit as found */
	{ { "check", "--buddyinfo", FIXTURES "/two-node/proc/buddyinfo", "-c", "tests/policies/defaults.conf" }, 0,
	  "  node 0   ok    at 2M: unusable 0.592, 1262 free 2M blocks\n", "buddyctl check: ok" },
	{ { "check", "--buddyinfo", FIXTURES "/two-node/proc/buddyinfo", "-c", "tests/policies/warn-half.conf" }, 1,
	  "\nNote: a buddyinfo capture (tests/fixtures/two-node/proc/buddyinfo): only its\n      free blocks are known.\n", NULL },
	{ { "check", "--buddyinfo", FIXTURES "/two-node/proc/buddyinfo", "-c", "tests/policies/allcrit.conf" }, 2,
	  "Exit status 2: 2 nodes at crit", NULL },
	{ { "check", "--buddyinfo", FIXTURES "/two-node/proc/buddyinfo", "-c", "tests/policies/allcrit.conf",
	    "-f", "nagios" }, 2, "BUDDYCTL CRITICAL", NULL },
	{ { "check", "--buddyinfo", FIXTURES "/two-node/proc/buddyinfo", "-c", "tests/policies/pools.conf", "-f", "json" }, 0,
	  "\"capture\":\"tests/fixtures/two-node/proc/buddyinfo\",\"missing\":[{\"file\":\"proc/zoneinfo\"", NULL },
	{ { "estimate", "--buddyinfo", FIXTURES "/two-node/proc/buddyinfo", "2M" }, 0,
	  "   0    2M         0      1262       3096       3097          ?\n", "" },
	{ { "estimate", "--buddyinfo", FIXTURES "/two-node/proc/buddyinfo" }, 64, "",
	  "estimate: the hugepage sizes are unknown (sys/kernel/mm/hugepages not read: not in a buddyinfo capture); name a SIZE" },
	/* a capture has no root: null, as in status (it crashed on the missing root) */
	{ { "estimate", "--buddyinfo", FIXTURES "/two-node/proc/buddyinfo", "2M", "-f", "json" }, 0,
	  "{\"schema\":1,\"command\":\"estimate\",\"version\":\"" BUDDYCTL_VERSION "\",\"time\":\"", "" },
	{ { "estimate", "--buddyinfo", FIXTURES "/two-node/proc/buddyinfo", "2M", "-f", "json" }, 0,
	  "Z\",\"root\":null,\"page_size\":4096,\"pagetypeinfo\":false,\"pagetypeinfo_error\":\"not in a buddyinfo capture\",", "" },
	/* a capture knows nothing of this host's vm.compaction_proactiveness */
	{ { "status", "--buddyinfo", FIXTURES "/two-node/proc/buddyinfo", "-f", "json" }, 0,
	  ",\"vmstat\":null,\"proactive_compaction\":null,", "" },
	{ { "status", "--buddyinfo", FIXTURES "/vm/proc/zoneinfo" }, 65, "",
	  "tests/fixtures/vm/proc/zoneinfo:1: no free block counts for zone 'DMA'" },
	{ { "status", FXD("no-node1-meminfo") }, 0,
	  "not read: sys/devices/system/node/nodeN/meminfo of node 1 (No such file or directory): no node totals\n", "" },
	{ { "status", FXD("no-node1-meminfo"), "-f", "json" }, 0,
	  "\"missing\":[{\"file\":\"sys/devices/system/node/nodeN/meminfo\",\"nodes\":\"1\",\"error\":\"No such file or directory\",\"lost\":[\"totals\"]}]", "" },
	/* read-only commands say what they cannot work out */
	{ { "estimate", FXD("only-buddyinfo"), "2M" }, 0, "   0    2M         0", "" },
	{ { "estimate", FXD("only-buddyinfo"), "2M" }, 0, "  note: zoneinfo not read: the watermarks and per-CPU pages are unknown", "" },
	{ { "estimate", FXD("only-buddyinfo"), "2M", "-f", "json" }, 0, "\"capacity\":null,", "" },
	{ { "estimate", FXD("only-buddyinfo"), "2M", "-f", "json" }, 0, "\"notes\":[\"no_pagetypeinfo\",\"no_node_meminfo\",\"no_zoneinfo\",\"no_pool\"]", "" },
	{ { "estimate", FXD("only-buddyinfo") }, 64, "",
	  "estimate: the hugepage sizes are unknown (sys/kernel/mm/hugepages not read: No such file or directory); name a SIZE" },
	{ { "check", FXD("only-buddyinfo"), "-c", "tests/policies/pools.conf" }, 0,
	  "  node 0   ?     2M pool: not judged: the pool was not read (sys/kernel/mm/hugepages)\n", "buddyctl check: " },
	{ { "check", FXD("no-node1-meminfo"), "-c", "tests/policies/pools.conf", "-f", "json" }, 1,
	  "{\"node\":0,\"size_kb\":2048,\"level\":\"warn\",\"target\":40,\"actual\":0,", "buddyctl check: " },
	/* the commands that write need the files they need: one line naming the first missing */
	{ { "compact", FXD("only-buddyinfo") }, 66, "",
	  "buddyctl: build/fx/only-buddyinfo/proc/zoneinfo: No such file or directory: compact needs it (status, check and estimate read a partial tree)\n" },
	{ { "reserve", FXD("no-node1-meminfo"), "2M:1@0", "--dry-run" }, 66, "",
	  "build/fx/no-node1-meminfo/sys/devices/system/node/node1/meminfo: No such file or directory: reserve needs it" },
	{ { "drop-caches", FXD("no-vmstat"), "--dry-run" }, 66, "", "no-vmstat/proc/vmstat: No such file or directory: drop-caches needs it" },
	{ { "apply", FXD("no-pools"), "-c", "tests/policies/dpdk.conf", "--dry-run" }, 66, "",
	  "no-pools/sys/kernel/mm/hugepages: No such file or directory: plan needs it" },
	{ { "plan", FXD("only-buddyinfo"), "-c", "tests/policies/dpdk.conf" }, 66, "", "plan needs it" },
	/* numbers range-checked before they are narrowed */
	{ { "reserve", FX("vm"), "2M:1", "--rounds", "4294967297", "--dry-run" }, 64, "",
	  "--rounds: '4294967297' is not a number from 0 to 100" },
	{ { "reserve", FX("vm"), "1G:70368744177664", "--dry-run" }, 64, "",
	  "'1G:70368744177664': 70368744177664 pages of 1048576 kB is more memory than any machine has" },
	{ { "status", FXD("huge-pool") }, 65, "",
	  "hugepages-2048kB/nr_hugepages:1: 18446744073709551615 is not a plausible page count" },
	/* a target no node could ever hold */
	{ { "reserve", FX("vm"), "2M:100000@0", "--dry-run" }, 64, "",
	  "reserve 2M:100000@0: node 0 could never hold 100000 x 2M (200000 MiB): at most " },
	{ { "reserve", FX("vm"), "2M:100000@0", "--dry-run" }, 64, "", "; --force to try anyway" },
	{ { "reserve", FX("vm"), "2M:100000@0", "--force", "--dry-run" }, 0,
	  "forced above the most it could ever hold", "buddyctl reserve: " },
	{ { "plan", FX("vm"), "-c", "tests/policies/toomuch.conf" }, 78, "",
	  "tests/policies/toomuch.conf:2: [hugepages 2M]: node 0 could never hold 100000 x 2M" },
	/* the kernel command line refuses it too, in text as in JSON (force = yes: kernel_cmdline_forced) */
	{ { "plan", FX("vm"), "--kernel-cmdline", "-c", "tests/policies/toomuch.conf" }, 78, "",
	  "tests/policies/toomuch.conf:2: [hugepages 2M]: node 0 could never hold 100000 x 2M" },
	{ { "plan", FX("vm"), "--kernel-cmdline", "-f", "json", "-c", "tests/policies/toomuch.conf" }, 78, "",
	  "tests/policies/toomuch.conf:2: [hugepages 2M]: node 0 could never hold 100000 x 2M" },
	/* the plan shows every escalation step a short reservation may take */
	{ { "reserve", FX("two-node"), "2M:100@1", "--dry-run", "--ladder", "retry,compact-node,drop-pagecache,compact-node" }, 0,
	  "      while short: up to 3 rounds, each of:\n"
	  "        2. write 100 again (/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages): as the first write; estimate: up to 6206\n"
	  "        3. compact node 1, then write (/sys/devices/system/node/node1/compact): drops no cache; estimate: up to 6206\n"
	  "        4. drop clean page cache on every node (sync first), then write (/proc/sys/vm/drop_caches): up to 4604 MiB machine-wide, not only node 1; caches refill from disk; estimate: up to 7243\n", "buddyctl reserve: " },
	/* compaction first (1281 now < 2000 <= 2926): the write after it may reach 2926 */
	{ { "reserve", FX("two-node"), "2M:2000@0", "--dry-run" }, 0,
	  "      1. compact node 0 (/sys/devices/system/node/node0/compact): drops no cache; estimate: up to 2926\n"
	  "      2. write 2000 (/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages): the kernel may reclaim and compact on its own for each page; estimate: up to 2926\n", "buddyctl reserve: " },
	/* chosen from the estimate: free blocks suffice, no reclaim file, no drop allowed */
	{ { "reserve", FX("two-node"), "2M:100@1", "--dry-run" }, 0,
	  "      1. write 100 (/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages): the kernel may reclaim and compact on its own for each page; estimate: up to 6171\n"
	  "      while short: up to 8 rounds, ending with a round that gains nothing or at the estimate after reclaim, each of:\n"
	  "        2. compact node 1, then write (/sys/devices/system/node/node1/compact): drops no cache; estimate: up to 6206\n"
	  "        3. write 100 again until 64 writes in a row gain nothing (/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages): about 1.5 ms a write; each failed try counts toward the end of the kernel's compaction deferral; estimate: up to 6206\n"
	  "      not planned: compaction first: 6171 pages can be had now, the pool included (estimate's now); drain-pcp: this kernel has no vm/stat_refresh; reclaim: this kernel has no nodeN/reclaim, and dropping caches on every node is not allowed", "buddyctl reserve: " },
	{ { "reserve", FX("two-node"), "2M:100@1", "--dry-run", "--allow-drop-caches", "-f", "json" }, 0,
	  "\"ladder\":[\"drop-pagecache\",\"compact-node\",\"rewrite-burst\"],\"if_short\":\"up to 8 rounds of: drop page cache of all nodes (sync first), compact node 1, rewrite until 64 writes gain nothing\",\"chosen\":true,"
	  "\"planned_steps\":[{\"step\":\"write\",\"when\":\"always\",\"then_write\":false,\"writes\":\"/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages\",\"drops_kb\":0,", "buddyctl reserve: " },
	{ { "reserve", FX("two-node"), "2M:100@1", "--dry-run", "--no-sync", "--rounds", "1", "-f", "json",
	    "--ladder", "retry,compact-node,drop-pagecache,compact-node" }, 0,
	  "\"rounds\":1,\"ladder\":[\"retry\",\"compact-node\",\"drop-pagecache\",\"compact-node\"],\"if_short\":\"up to 1 round of: rewrite, compact node 1, drop page cache of all nodes, compact node 1\"", "buddyctl reserve: " },
	/* one pool set twice: aliases of a size, a split and a node */
	{ { "reserve", FX("vm"), "2048kB:1@0", "2M:5@0", "--dry-run" }, 64, "",
	  "reserve: '2M:5@0' sets the 2048 kB pool of node 0 again, after '2048kB:1@0'" },
	{ { "reserve", FX("two-node"), "2M:100@0", "2M:50@0", "--dry-run" }, 64, "",
	  "reserve: '2M:50@0' sets the 2048 kB pool of node 0 again, after '2M:100@0'" },
	{ { "reserve", FX("two-node"), "2M:100", "2M:50@1", "--dry-run" }, 64, "",
	  "reserve: '2M:50@1' sets the 2048 kB pool of node 1 again, after '2M:100'" },
	/* files that contradict each other are bad kernel data */
	{ { "status", FXD("contradict-mem") }, 65, "",
	  "sys/devices/system/node/has_memory lists node 1, but build/fx/contradict-mem/proc/buddyinfo has no zone of it" },
	{ { "check", FXD("contradict-mem"), "-c", "tests/policies/defaults.conf" }, 65, "", "the files contradict each other" },
	{ { "status", FXD("contradict-nomem") }, 65, "",
	  "has_memory does not list node 1, but build/fx/contradict-nomem/proc/buddyinfo has zones of it" },
	/* reads under --root never follow a symlink out of the tree, never hang on a FIFO */
	{ { "status", FXD("escape") }, 66, "", "build/fx/escape/proc/buddyinfo: " },
	/* ... and, as the files buddyctl writes, read only regular files: nothing planted is opened */
	{ { "status", FXD("fifo") }, 65, "",
	  "buddyctl: build/fx/fifo/proc/buddyinfo: a FIFO, not a regular file (under a root other than /, every kernel file is one)\n" },
	{ { "status", FXD("dir-zoneinfo") }, 65, "", "build/fx/dir-zoneinfo/proc/zoneinfo: a directory, not a regular file" },
	{ { "status", FXD("fifo-online") }, 65, "",
	  "build/fx/fifo-online/sys/devices/system/node/online: a FIFO, not a regular file" },
	{ { "status", FXD("fifo-node-meminfo") }, 65, "",
	  "build/fx/fifo-node-meminfo/sys/devices/system/node/node0/meminfo: a FIFO, not a regular file" },
	{ { "status", FXD("fifo-pool") }, 65, "",
	  "fifo-pool/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages: a FIFO, not a regular file" },
	/* a 2.6.16 kernel's vmstat has no nr_free_pages: the tree is read, and judged */
	{ { "status", FXD("sles10") }, 0, "Node 1: ", "" },
	{ { "check", FXD("sles10"), "-c", "tests/policies/defaults.conf" }, 0, "node 1   ok", NULL },
	/* a node meminfo without MemTotal: that node's totals are unknown, no more */
	{ { "status", FXD("no-memtotal") }, 0,
	  "not read: sys/devices/system/node/nodeN/meminfo of node 1 (no MemTotal or MemFree line): no node totals\n", "" },
	{ { "check", FX("vm"), "-c", "tests/policies" }, 78, "", "tests/policies: a directory, not a regular file" },
	/* a FIFO where a kernel file is written, in a tree: refused up front, never blocks */
	{ { "compact", FXD("fifo-compact"), "--node", "0" }, 77, "",
	  "node0/compact: not a regular file (under a root other than /, every kernel file is one)" },
	/* a dangling symlink on the way to the lock: an error, not an endless loop */
	{ { "compact", "--node", "0", "--lock-file", "build/fx/dangle/x.lock" }, 74, "",
	  "build/fx/dangle/x.lock: directory 'dangle': a symbolic link to nothing" },
	/* a FIFO as the policy fails at once (the test would hang otherwise) */
	{ { "check", FX("vm"), "-c", "build/fx/policy.fifo" }, 78, "", "build/fx/policy.fifo: a FIFO, not a regular file" },
	{ { "apply", FX("vm"), "-c", "build/fx/policy.fifo", "--dry-run" }, 78, "", "a FIFO, not a regular file" },
	/*
	 * check --format nagios on two-node, worked out by hand from its
	 * proc/buddyinfo: node 0 has 1586077 free pages, 646144 of them in
	 * blocks of order >= 9 (2M): unusable (1586077 - 646144) * 1000 /
	 * 1586077 = 592, 646144 / 512 = 1262 blocks; node 1: 3172606 free,
	 * 3137024 in such blocks: 11, 6127 blocks. Both have 2M blocks, so the
	 * fragmentation index is -1. The 2M pools hold 0 and 64 pages.
	 */
	{ { "check", FX("two-node"), "-c", "tests/policies/defaults.conf", "-f", "nagios" }, 0,
	  "BUDDYCTL OK - 2 nodes within policy | node0_unusable=0.592;0.700;0.900;0;1 node0_fragindex=-1.000;;;-1;1 node0_blocks=1262;;;0 node1_unusable=0.011;0.700;0.900;0;1 node1_fragindex=-1.000;;;-1;1 node1_blocks=6127;;;0\n"
	  "node 0 ok at 2M: unusable 0.592, 1262 free 2M blocks\n"
	  "node 1 ok at 2M: unusable 0.011, 6127 free 2M blocks\n"
	  "policy tests/policies/defaults.conf\n", "" },
	{ { "check", FX("two-node"), "-c", "tests/policies/pools.conf", "-f", "nagios" }, 1,
	  "BUDDYCTL WARNING - 2M pool node 0 0/40 | node0_unusable=0.592;0.700;0.900;0;1 node0_fragindex=-1.000;;;-1;1 node0_blocks=1262;;;0 node1_unusable=0.011;0.700;0.900;0;1 node1_fragindex=-1.000;;;-1;1 node1_blocks=6127;;;0 node0_pool_2M=0;40:;;0 node1_pool_2M=64;64:;;0\n"
	  "node 0 ok at 2M: unusable 0.592, 1262 free 2M blocks\n", "" },
	{ { "check", FX("two-node"), "-c", "tests/policies/pools.conf", "-f", "nagios" }, 1,
	  "\nnode 0 warn 2M pool: 0 of 40 (40 short)\nnode 1 ok 2M pool: 64 of 64\n", "" },
	/* total = 100 over two nodes: 50 each; mandatory: short is critical */
	{ { "check", FX("two-node"), "-c", "tests/policies/pools-mandatory.conf", "-f", "nagios" }, 2,
	  "BUDDYCTL CRITICAL - 2M pool node 0 0/50 (mandatory) | node0_unusable=0.592;0.700;0.900;0;1 node0_fragindex=-1.000;;;-1;1 node0_blocks=1262;;;0 node1_unusable=0.011;0.700;0.900;0;1 node1_fragindex=-1.000;;;-1;1 node1_blocks=6127;;;0 node0_pool_2M=0;;50:;0 node1_pool_2M=64;;50:;0\n", "" },
	{ { "check", FX("two-node"), "-c", "tests/policies/warn-half.conf", "-f", "nagios" }, 1,
	  "BUDDYCTL WARNING - node 0 at 2M: unusable index 0.592 >= warn 0.500; free blocks 1262 < warn 2000 | "
	  "node0_unusable=0.592;0.500;0.800;0;1 node0_fragindex=-1.000;;;-1;1 node0_blocks=1262;2000:;100:;0 "
	  "node1_unusable=0.011;0.500;0.800;0;1 node1_fragindex=-1.000;;;-1;1 node1_blocks=6127;2000:;100:;0\n", "" },
	/* node 6: 975808 free pages, 1024 in 2M blocks: (975808 - 1024) * 1000 / 975808 = 998 */
	{ { "check", FX("four-node-sparse"), "-c", "tests/policies/defaults.conf", "-f", "nagios" }, 2,
	  "BUDDYCTL CRITICAL - node 6 at 2M: unusable index 0.998 >= warn 0.700; unusable index 0.998 >= crit 0.900 | ", "" },
	{ { "check", FX("four-node-sparse"), "-c", "tests/policies/defaults.conf", "-f", "nagios" }, 2,
	  " node6_unusable=0.998;0.700;0.900;0;1 node6_fragindex=", "" },
	/*
	 * a pool not read (a partial tree) is U, and changes the state no more
	 * than check's; vm by hand: 990106 free pages, 944640 in 1845 blocks of
	 * order >= 9: (990106 - 944640) * 1000 / 990106 = 45
	 */
	{ { "check", FXD("no-pools"), "-c", "tests/policies/toomuch.conf", "-f", "nagios" }, 0,
	  "BUDDYCTL OK - 1 node and 1 pool within policy (1 pool not read) | node0_unusable=0.045;0.700;0.900;0;1 "
	  "node0_fragindex=-1.000;;;-1;1 node0_blocks=1845;;;0 node0_pool_2M=U;100000:;;0\n", "" },
	/* ... and its shortfall is no series; its target and flag are */
	{ { "check", FXD("no-pools"), "-c", "tests/policies/toomuch.conf", "-f", "prometheus" }, 0,
	  "# TYPE buddyctl_hugepages_short gauge\n# HELP buddyctl_hugepages_mandatory", "buddyctl check: " },
	{ { "check", FXD("no-pools"), "-c", "tests/policies/toomuch.conf", "-f", "prometheus" }, 0,
	  "buddyctl_hugepages_target{node=\"0\",size=\"2097152\"} 100000\n", "buddyctl check: " },
	/* any error once the format is known: UNKNOWN on standard output, exit 3 */
	{ { "check", FX("vm"), "-c", "tests/policies/typo.conf", "-f", "nagios" }, 3,
	  "BUDDYCTL UNKNOWN - tests/policies/typo.conf:4: unknown key 'warn_unusble' in [fragmentation]\n", "" },
	{ { "check", "--root", "/nonexistent", "-f", "nagios" }, 3,
	  "BUDDYCTL UNKNOWN - /nonexistent: No such file or directory\n", "" },
	{ { "-f", "nagios", "check", FX("vm"), "--node", "0" }, 3,
	  "BUDDYCTL UNKNOWN - option --node does not apply to 'check'\n", "" },
	{ { "-f", "nagios", "check", "--wait" }, 3, "BUDDYCTL UNKNOWN - option '--wait' needs a value\n", "" },
	{ { "-f", "nagios", "status", FX("vm") }, 3, "BUDDYCTL UNKNOWN - --format nagios is for 'check' only\n", "" },
	{ { "-f", "nagios" }, 3, "BUDDYCTL UNKNOWN - no command given\n", "" },
	/* before --format nagios is read, a usage error is still 64 */
	{ { "--bogus", "-f", "nagios", "check" }, 64, "", "unknown option '--bogus'" },
	/* --quiet: no text report, and a run that exits 0 prints nothing at all */
	{ { "check", FX("two-node"), "-c", "tests/policies/defaults.conf", "-q" }, 0, "", "" },
	{ { "check", FX("two-node"), "-c", "tests/policies/pools.conf", "--quiet" }, 1, "",
	  "buddyctl check: 2M pool node 0 0/40 warn; exit 1\n" },
	{ { "apply", FX("two-node"), "-c", "tests/policies/defaults.conf", "--dry-run", "-q" }, 0, "", "" },
	{ { "compact", FX("two-node"), "--dry-run", "-q" }, 0, "", "" },
	{ { "reserve", FX("two-node"), "2M:100@1", "--dry-run", "-q" }, 0, "", "" },
	{ { "drop-caches", FX("two-node"), "--dry-run", "-q" }, 0, "", "" },
	/* the log line without --quiet */
	{ { "apply", FX("two-node"), "-c", "tests/policies/defaults.conf", "--dry-run" }, 0, "nothing to do",
	  "buddyctl apply: ok (2 nodes within policy): nothing to do; exit 0\n" },
	{ { "compact", FX("two-node"), "--dry-run" }, 0, NULL,
	  "buddyctl compact: dry run, would do: compact all nodes; exit 0\n" },
	{ { "apply", FX("two-node"), "-c", "tests/policies/pools.conf", "--dry-run", "-f", "json" }, 0, "\"dry_run\":true",
	  "buddyctl apply: 2M pool node 0 0/40 warn: dry run, would do: reserve 2M on node 0: 0 -> 40; exit 0\n" },
	/* JSON stays on standard output under --quiet; the line goes by the exit status */
	{ { "check", FX("two-node"), "-c", "tests/policies/defaults.conf", "-q", "-f", "json" }, 0, "\"exit\":0", "" },
	{ { "plan", FX("two-node"), "-c", "tests/policies/pools.conf" }, 0, "Plan (dry run", "" },
	{ { "plan", FX("two-node"), "-q" }, 64, "", "option --quiet does not apply to 'plan'" },
	{ { "status", FX("two-node"), "-q" }, 64, "", "option --quiet does not apply to 'status'" },
	/* status judges as check does: two-node's pools 0 and 64 against 50 each */
	{ { "status", FX("two-node"), "-c", "tests/policies/pools-mandatory.conf", "-f", "prometheus" }, 0,
	  "buddyctl_node_level{node=\"0\"} 0\nbuddyctl_node_level{node=\"1\"} 0\n", "" },
	{ { "status", FX("two-node"), "-c", "tests/policies/pools-mandatory.conf", "-f", "prometheus" }, 0,
	  "buddyctl_hugepages_target{node=\"0\",size=\"2097152\"} 50\nbuddyctl_hugepages_target{node=\"1\",size=\"2097152\"} 50\n", "" },
	{ { "status", FX("two-node"), "-c", "tests/policies/pools-mandatory.conf", "-f", "prometheus" }, 0,
	  "buddyctl_hugepages_short{node=\"0\",size=\"2097152\"} 50\nbuddyctl_hugepages_short{node=\"1\",size=\"2097152\"} 0\n", "" },
	{ { "status", FX("two-node"), "-c", "tests/policies/pools-mandatory.conf", "-f", "prometheus" }, 0,
	  "buddyctl_hugepages_mandatory{node=\"0\",size=\"2097152\"} 1\nbuddyctl_hugepages_mandatory{node=\"1\",size=\"2097152\"} 1\n", "" },
	{ { "status", FX("two-node"), "-c", "tests/policies/pools.conf", "-f", "prometheus", "--node", "1" }, 0,
	  "buddyctl_hugepages_target{node=\"1\",size=\"2097152\"} 64\n# HELP buddyctl_hugepages_short", "" },
	{ { "check", FX("four-node-sparse"), "-c", "tests/policies/defaults.conf", "-f", "prometheus" }, 2,
	  "buddyctl_node_unusable_free_ratio{node=\"6\",order=\"9\"} 0.998\n", "buddyctl check: " },
	{ { "check", FX("four-node-sparse"), "-c", "tests/policies/defaults.conf", "-f", "prometheus" }, 2,
	  "buddyctl_node_level{node=\"0\"} 0\nbuddyctl_node_level{node=\"2\"} 0\nbuddyctl_node_level{node=\"6\"} 2\n", "buddyctl check: " },	/*
	 * map: the generated tree of every class (tests/fixtures/map/gen-classes.py):
	 * node 0's first row is one range of each kind, in RANGES' order
	 */
	{ { "map", MAPFX("classes"), "--size", "2M" }, 0,
	  "\nNode 0: 128 ranges, 0-256M; zones DMA32 1M-128M, Normal 129M-256M\n"
	  "       0 |.mmmm?KSSTRRKKhHOXX--hm??K.....................................\n", "" },
	{ { "map", MAPFX("classes"), "--size", "2M" }, 0,
	  "  node 1, 2M: 72 ranges can be had (71 free, 1 by compaction); 64 blocked: hole\n    in 64\n", "" },
	{ { "map", MAPFX("classes"), "--size", "2M", "--node", "1" }, 0, "\nNode 1: 136 ranges, 256M-528M;", "" },
	/* the leading keys of every document: schema, command, version, time, root (man/schema/map.schema.json) */
	{ { "map", MAPFX("classes"), "--size", "2M", "-f", "json" }, 0,
	  "{\"schema\":1,\"command\":\"map\",\"version\":\"" BUDDYCTL_VERSION "\",\"time\":\"", "" },
	{ { "map", MAPFX("classes"), "--size", "2M", "-f", "json" }, 0,
	  "Z\",\"root\":\"build/fixtures/map/classes\",\"size_kb\":2048,\"page_size\":4096,\"range_pages\":512,", "" },
	{ { "map", MAPFX("classes"), "--size", "2M", "-f", "json" }, 0,
	  "{\"pfn\":8192,\"zone\":\"DMA32\",\"class\":\"pool\",\"blocker\":null,\"blockers\":[],\"pages\":{\"pool\":512},\"mlocked\":0}", "" },
	/* range 22: slab and hugetlb pages; under pool, the more lasting, and both listed */
	{ { "map", MAPFX("classes"), "--size", "2M", "-f", "json" }, 0,
	  "{\"pfn\":11264,\"zone\":\"DMA32\",\"class\":\"blocked\",\"blocker\":\"pool\",\"blockers\":[\"pool\",\"slab\"],"
	  "\"pages\":{\"free\":503,\"pool\":8,\"slab\":1},\"mlocked\":0}", "" },
	{ { "map", MAPFX("classes"), "--size", "2M", "-f", "prometheus" }, 0,
	  "buddyctl_map_ranges{node=\"0\",size=\"2097152\",class=\"pool\"} 1\n", "" },
	{ { "map", MAPFX("classes"), "--size", "2M", "-f", "prometheus" }, 0,
	  "buddyctl_map_blocked_ranges{node=\"1\",size=\"2097152\",blocker=\"hole\"} 64\n", "" },
	/*
	 * the page-cache tree (tests/fixtures/map/gen-pagecache.py): 30 free
	 * ranges, 60 of clean page cache (1 MiB each) and free pages, 20 of
	 * cache and anonymous memory; 71 after compaction, 106 after reclaim,
	 * 70 MiB of clean page cache. The map counts the 60. 70: compaction
	 * alone. 75: the 4 pages compaction cannot cover take about 12 MiB
	 * (1.5x), so keeping pays, and the map sizes the reclaim: 46 ranges
	 * beyond the free ones (and the 1 the watermarks keep), their cache
	 * and an eighth more, 51 MiB, and no compaction. 85: the 14 pages take
	 * 42 MiB, more than half the cache: all of it, then the compaction,
	 * and the map is not read (it would cost more than it saves)
	 */
	{ { "map", MAPFX("pagecache"), "--size", "2M" }, 0,
	  "  60 of them hold only clean page cache (15360 pages) besides free pages: dropping it frees them whole\n", "" },
	{ { "map", MAPFX("pagecache"), "--size", "2M", "-f", "json" }, 0,
	  "\"cache_only_ranges\":60,\"cache_only_pages\":15360,", "" },
	{ { "reserve", MAPFX("pagecache"), "2M:70@0", "--dry-run" }, 0,
	  "      1. compact node 0 (", "buddyctl reserve: " },
	{ { "reserve", MAPFX("pagecache"), "2M:75@0", "--dry-run" }, 0,
	  "      1. reclaim the clean page cache of the ranges needed, on node 0 only (/sys/devices/system/node/node0/reclaim): up to 51 MiB of page cache and slab of node 0; estimate: up to 75\n"
	  "      2. write 75 (", "buddyctl reserve: " },
	{ { "reserve", MAPFX("pagecache"), "2M:75@0", "--dry-run" }, 0,
	  "compaction first: the map: 30 free ranges, 60 of only clean page cache and free pages; 46 more needed (1 kept by the watermarks): reclaiming about 51 MiB of the 70 MiB of clean page cache frees them whole", "buddyctl reserve: " },
	{ { "reserve", MAPFX("pagecache"), "2M:85@0", "--dry-run" }, 0,
	  "      1. reclaim all clean page cache of node 0 only (/sys/devices/system/node/node0/reclaim): up to 70 MiB of page cache and slab of node 0; estimate: up to 106\n"
	  "      2. compact node 0 (", "buddyctl reserve: " },
	{ { "reserve", MAPFX("pagecache"), "2M:85@0", "--dry-run" }, 0,
	  "sized reclaim first: the 14 pages compaction cannot cover take about 42 MiB (1.5x: reclaim follows the LRU) of the node's 70 MiB of clean page cache: keeping under half cannot pay for compacting it; all of it goes first\n", "buddyctl reserve: " },
	/* no --size: the largest hugepage size the tree's kernel offers (2M here) */
	{ { "map", MAPFX("classes") }, 0, "Map of 2M ranges (512 pages of 4K), Linux 6.1.0-57-cloud-amd64\n", "" },
	{ { "map", MAPFX("classes"), "--size", "2M", "--color", "always" }, 0, "\033[36mm\033[0m", "" },
	{ { "map", MAPFX("classes"), "--size", "3M" }, 64, "",
	  "buddyctl: --size: 3072 kB is not a power-of-two multiple of the 4096-byte page from 16 to 16777216 pages\n" },
	{ { "map", MAPFX("classes"), "--size", "big" }, 64, "", "buddyctl: --size: bad size 'big' (2M, 1G, 2048kB)\n" },
	{ { "map", MAPFX("classes"), "--node", "5" }, 64, "", "buddyctl: --node: node 5 does not exist\n" },
	{ { "map", MAPFX("classes"), "extra" }, 64, "", "unexpected argument 'extra'" },
	/*
	 * estimate of gigantic pages from the map (tests/fixtures/map/gen-gigantic.py):
	 * node 0 1 free range, 1 compactable with room, 1 maybe; node 1 3
	 * compactable with room for 1. Without a map: the free lists' bounds, and why.
	 */
	{ { "estimate", MAPFX("gigantic"), "1G" }, 0,
	  "   0    1G         0         1          2          2          6  +1 maybe\n"
	  "   1    1G         0         0          1          1          3\n", "" },
	{ { "estimate", MAPFX("gigantic"), "1G" }, 0, "Node 1, 1G pages (order 18)\n  source: map\n", "" },
	{ { "estimate", MAPFX("gigantic"), "1G", "-f", "json" }, 0,
	  "\"notes\":[\"map\"],\"source\":\"map\",\"no_map_why\":null,\"maybe\":1,\"why_short\":\"node 0, 1G: 2 ranges can be had "
	  "(1 free, 1 by compaction); 1 maybe (flag-less pages); 4 blocked: hole in 1, reserved in 1, kernel in 1, slab in 1; "
	  "charged pages in them: /db.slice 620, /app.slice/web.service 40\"", "" },
	{ { "estimate", MAPFX("gigantic"), "1G", "-f", "json" }, 0,
	  "\"why_short\":\"node 1, 1G: 1 range can be had (0 free, 1 by compaction; 2 more compactable have no room for their pages); "
	  "1 blocked: pagetable in 1; charged pages in them: /app.slice/web.service 10\"", "" },
	{ { "estimate", FX("two-node"), "1G", "-f", "json" }, 0,
	  "\"source\":\"free_lists\",\"no_map_why\":\"" FIXTURES "/two-node/proc/kpageflags: No such file or directory\"", "" },
	{ { "estimate", FX("two-node"), "1G" }, 0, "  source: free lists (upper bound): ", "" },
	{ { "estimate", "--buddyinfo", FIXTURES "/two-node/proc/buddyinfo", "1G", "-f", "json" }, 0,
	  "\"source\":\"free_lists\",\"no_map_why\":\"a capture (" FIXTURES "/two-node/proc/buddyinfo) has no kpageflags\"", "" },
	/* 2M stays the free lists' (no "source" line), and status reads no map */
	{ { "estimate", MAPFX("gigantic"), "2M", "-f", "json" }, 0, "\"source\":\"free_lists\",\"no_map_why\":null,", "" },
	/* why a gigantic pool is short, in check and plan; the plan says runtime cannot give it */
	{ { "check", MAPFX("gigantic"), "-c", "tests/policies/gigantic-map.conf" }, 1,
	  "  node 1   warn  1G pool: 0 of 2 (2 short)\n"
	  "                why: node 1, 1G: 1 range can be had (0 free, 1 by compaction; 2\n", "buddyctl check: " },
	{ { "check", MAPFX("gigantic"), "-c", "tests/policies/gigantic-map.conf", "-f", "json" }, 1,
	  "\"why\":\"0 of 3 (3 short)\",\"why_short\":\"node 0, 1G: 2 ranges can be had (1 free, 1 by compaction); 1 maybe", "buddyctl check: " },
	{ { "plan", MAPFX("gigantic"), "-c", "tests/policies/gigantic-map.conf" }, 0,
	  "(the map shows 1 x 1G can be had on node 1, fewer than the 2 asked: runtime cannot give them)\n"
	  "      short:  node 1, 1G: 1 range can be had (0 free, 1 by compaction; 2 more\n", "" },
	{ { "plan", MAPFX("gigantic"), "-c", "tests/policies/gigantic-map.conf", "-f", "json" }, 0,
	  "\"boot_time_recommended\":true,\"boot_time_why\":\"the map shows 2 x 1G can be had on node 0 and more may, "
	  "fewer than the 3 asked: runtime cannot give them\",\"why_short\":\"node 0, 1G: 2 ranges", "" },
	{ { "plan", MAPFX("gigantic"), "-c", "tests/policies/gigantic-map.conf" }, 0,
	  "not planned: compaction: the map shows 2 compactable or maybe 1G ranges, whose pages the write's "
	  "alloc_contig_range() migrates itself; reclaim: the map shows no 1G range whose only blockers reclaim "
	  "removes (1 blocked by slab alone: a drop leaves the slab pages that hold live objects)", "" },
	/* a policy's ladder loses the steps the map says cannot clear a range; retry stays */
	{ { "plan", MAPFX("gigantic"), "-c", "tests/policies/gigantic-map-ladder.conf" }, 0,
	  "      while short: up to 3 rounds, each of:\n        2. write 3 again (", "" },
	{ { "plan", MAPFX("gigantic"), "-c", "tests/policies/gigantic-map-ladder.conf" }, 0,
	  "not planned: drop-slab: cannot clear a range: the map shows no 1G range whose only blockers reclaim removes "
	  "(1 blocked by slab alone: a drop leaves the slab pages that hold live objects); compact-node: cannot clear a "
	  "range: the map shows 2 compactable or maybe 1G ranges, whose pages the write's alloc_contig_range() migrates "
	  "itself; drain-pcp: cannot clear a range: alloc_contig_range() drains the per-CPU lists itself\n", "" },
	/* --ladder, asked by a person: taken, with the map's warning */
	{ { "reserve", MAPFX("gigantic"), "--dry-run", "--ladder", "drop-slab,retry", "1G:3@0" }, 0,
	  "           warning: cannot clear a range: the map shows no 1G range whose only\n", "buddyctl reserve: dry run" },
	{ { "map", MAPFX("classes"), "--dry-run" }, 64, "", "option --dry-run does not apply to 'map'" },
	{ { "map", "--buddyinfo", FIXTURES "/two-node/proc/buddyinfo" }, 64, "", "option --buddyinfo does not apply to 'map'" },
	{ { "status", FX("vm"), "--size", "2M" }, 64, "", "option --size does not apply to 'status'" },
	/* cut inside node 0's zones, or inside a word: 65 with the file and the offset, nothing on stdout */
	{ { "map", FXD("map-cut"), "--size", "2M" }, 65, "",
	  "buddyctl: build/fx/map-cut/proc/kpageflags: ends at offset 320000 (page frame 40000), before the node's last zone ends at page frame 65536\n" },
	{ { "map", FXD("map-cut"), "--size", "2M", "--node", "1" }, 65, "", "page frame 40000), before the node's last zone ends at page frame 135168\n" },
	{ { "map", FXD("map-odd"), "-f", "json" }, 65, "",
	  "buddyctl: build/fx/map-odd/proc/kpageflags: 1081341 bytes, not a whole number of 8-byte words: cut at offset 1081336\n" },
	{ { "map", FXD("map-none") }, 66, "", "buddyctl: build/fx/map-none/proc/kpageflags: No such file or directory\n" },
	/* no kpagecgroup: said, and the charged flag-less pages of range 7 are only doubtful now */
	{ { "map", FXD("map-nocg"), "--size", "2M" }, 0,
	  "read from build/fx/map-nocg/proc/kpageflags\n"
	  "kpagecgroup not read (No such file or directory): no flag-less page is known to be a kernel one\n", "" },
	{ { "map", FXD("map-nocg"), "--size", "2M" }, 0, "       0 |.mmmm??SSTRRKKhHOXX--hm??K....", "" },
	{ { "map", FXD("map-nocg"), "--size", "2M", "-f", "json" }, 0,
	  "\"kpagecgroup\":null,\"kpagecgroup_error\":\"No such file or directory\",", "" },
	/* a tree without kpageflags: the file is missing (66), named */
	{ { "map", FX("vm") }, 66, "", "buddyctl: " FIXTURES "/vm/proc/kpageflags: No such file or directory\n" },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* One case of cases[] (the test's state), as its own test. */
static void table_case(void **state)
{
	static struct run r;
	const struct case_ *c = *state;
	size_t i = (size_t)(c - cases);

	if (c->args[sizeof(c->args) / sizeof(c->args[0]) - 1])
		fail_msg("case %zu: more arguments than struct case_ holds with its NULL", i);
	/* a case that hangs (a FIFO, an endless loop) fails instead */
	run_timeout_s = 120;
	run(&r, c->args);
	if (r.status != c->status)
		fail_msg("case %zu (%s %s): exit %d, expected %d; stderr: %s", i,
			 c->args[0] ? c->args[0] : "", c->args[1] ? c->args[1] : "",
			 r.status, c->status, r.err);
	if (c->out && c->out[0])
		assert_contains(r.out, c->out);
	if (c->out && !c->out[0] && r.out[0])
		fail_msg("case %zu: expected no stdout (no partial output), got: %.200s", i, r.out);
	if (c->err && c->err[0])
		assert_contains(r.err, c->err);
	if (c->err && !c->err[0] && r.err[0])
		fail_msg("case %zu: expected empty stderr, got: %s", i, r.err);
	if (r.err[0] && strchr(r.err, '\n') != strrchr(r.err, '\n') &&
	    !strstr(r.err, "Try 'buddyctl --help'"))
		fail_msg("case %zu: error is more than one line: %s", i, r.err);
}

/* Append s to name (of size size) as it is, cut at the size. */
static void name_put(char *name, size_t size, const char *s)
{
	size_t n = strlen(name);

	snprintf(name + n, size - n, "%s", s);
}

/*
 * Append s to name (of size size), cut after max characters with "...";
 * quotes, backslashes and newlines as in the C source, so that the text
 * can be searched for in cases[].
 */
static void name_quote(char *name, size_t size, const char *s, size_t max)
{
	size_t n = strlen(name), k;

	for (k = 0; s[k] && k < max && n + 3 < size; k++) {
		if (s[k] == '\n' || s[k] == '"' || s[k] == '\\') {
			name[n++] = '\\';
			name[n++] = s[k] == '\n' ? 'n' : s[k];
		} else {
			name[n++] = s[k];
		}
	}
	name[n] = '\0';
	if (s[k])
		name_put(name, size, "...");
}

/*
 * The test's name for case i, e.g. `case 13: status --root tests/fixtures/vm
 * -f json: exit 0, stdout "\"schema\":1"`: the command after buddyctl, the
 * exit status expected and the start of the fragment looked for (stdout's,
 * else stderr's); the number tells apart the cases of one command. cmocka
 * keeps the pointer: the names live in static storage.
 */
static const char *case_name(size_t i)
{
	static char names[N_CASES][256];
	const struct case_ *c = &cases[i];
	const bool on_out = c->out && c->out[0];
	const char *frag = on_out ? c->out : c->err && c->err[0] ? c->err : NULL;
	char *name = names[i], status[32];
	size_t k;

	snprintf(name, sizeof(names[i]), "case %zu:%s", i, c->args[0] ? "" : " (no arguments)");
	for (k = 0; k < sizeof(c->args) / sizeof(c->args[0]) && c->args[k]; k++) {
		name_put(name, sizeof(names[i]), " ");
		name_put(name, sizeof(names[i]), c->args[k]);
	}
	snprintf(status, sizeof(status), ": exit %d", c->status);
	name_put(name, sizeof(names[i]), status);
	if (frag) {
		name_put(name, sizeof(names[i]), on_out ? ", stdout \"" : ", stderr \"");
		name_quote(name, sizeof(names[i]), frag, 40);
		name_put(name, sizeof(names[i]), "\"");
	}
	return name;
}

/*
 * --output writes the whole file or nothing, and leaves no temporary file;
 * it never replaces a symlink, a device or a FIFO. Its path is taken as
 * typed, also with --root: a sosreport is read, and the output lands beside
 * it, not inside it.
 */
static void output_atomic(void **state)
{
	static struct run r;
	struct stat st;
	char abs[PATH_MAX + 32];

	(void)state;
	assert_int_equal(system("rm -rf build/out build/out-metrics && cp -r " FIXTURES "/two-node build/out && "
				"mkdir build/out-metrics"), 0);
	{
		const char *args[] = { "status", "--root", "build/out", "-f", "prometheus",
				       "-o", "build/out-metrics/buddyctl.prom", NULL };

		run(&r, args);
	}
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "");
	/* where it was typed (relative to the working directory), not build/out/build/... */
	assert_int_equal(stat("build/out-metrics/buddyctl.prom", &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_true(st.st_size > 1000);
	assert_int_equal(system("test ! -e build/out/build"), 0);
	/* an absolute path too: --root sos status -f json -o /tmp/x.json */
	assert_non_null(getcwd(abs, PATH_MAX));
	strcat(abs, "/build/out-metrics/status.json");
	{
		const char *args[] = { "--root", "build/out", "status", "-f", "json", "-o", abs, NULL };

		run(&r, args);
	}
	if (r.status != 0)
		fail_msg("-o %s: exit %d: %s", abs, r.status, r.err);
	assert_int_equal(stat(abs, &st), 0);
	/* a failed run leaves the previous file alone */
	assert_int_equal(system("rm build/out/proc/buddyinfo"), 0);
	{
		const char *args[] = { "status", "--root", "build/out", "-f", "prometheus",
				       "-o", "build/out-metrics/buddyctl.prom", NULL };

		run(&r, args);
	}
	assert_int_equal(r.status, 66);
	assert_int_equal(stat("build/out-metrics/buddyctl.prom", &st), 0);
	assert_true(st.st_size > 1000);
	assert_int_equal(system("test $(ls -A build/out-metrics | wc -l) = 2"), 0);
	assert_int_equal(system("rm -rf build/out build/out-metrics"), 0);
}

/* status --output onto something that is not a regular file: 73, left alone. */
static const char *const non_regular[][3] = {
	{ "link", "ln -s /etc/hostname build/outnr/link", "link: exists and is a symbolic link, not a regular file: not replaced" },
	{ "null", "ln -s /dev/null build/outnr/null", "null: exists and is a symbolic link, not a regular file" },
	{ "fifo", "mkfifo build/outnr/fifo", "fifo: exists and is a FIFO, not a regular file" },
	{ "dir", "mkdir build/outnr/dir", "dir: exists and is a directory, not a regular file" },
	{ "dev", "mknod build/outnr/dev c 1 3", "dev: exists and is a character device, not a regular file" },
};

static void refuse_non_regular(const char *test, unsigned i)
{
	static struct run r;
	char cmd[256], path[64], name[48];
	const char *args[] = { "status", "--root", "build/outnr", "-f", "json", "-o", name, NULL };
	struct stat before, after;

	snprintf(cmd, sizeof(cmd), "rm -rf build/outnr && cp -r " FIXTURES "/vm build/outnr && %s 2>/dev/null",
		 non_regular[i][1]);
	if (system(cmd) != 0)
		skip_because_(test, "cannot run '%s' here%s", non_regular[i][1],
			      geteuid() != 0 ? " (not root)" : "");
	/* -o as typed: beside the tree's files, here in it */
	snprintf(name, sizeof(name), "build/outnr/%s", non_regular[i][0]);
	snprintf(path, sizeof(path), "%s", name);
	assert_int_equal(lstat(path, &before), 0);
	run(&r, args);
	if (r.status != 73)
		fail_msg("%s: exit %d, expected 73: %s", path, r.status, r.err);
	assert_contains(r.err, non_regular[i][2]);
	assert_int_equal(lstat(path, &after), 0);
	assert_int_equal(before.st_mode, after.st_mode);
	assert_int_equal(before.st_ino, after.st_ino);
	/* no temporary file left beside it */
	assert_int_equal(system("test $(ls -A build/outnr | wc -l) = 3"), 0);
	assert_int_equal(system("rm -rf build/outnr"), 0);
}

/* a symbolic link, a FIFO, a directory: anyone can make them */
static void output_refuses_non_regular(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < 4; i++)
		refuse_non_regular(__func__, i);
}

/* a device node: mknod needs CAP_MKNOD */
static void output_refuses_device(void **state)
{
	(void)state;
	refuse_non_regular(__func__, 4);
}

/* The whole of a small file into buf (at most size - 1 bytes), NUL-terminated. */
static void slurp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		fail_msg("%s: cannot open", path);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* s without the lines that vary from run to run: the map's time and duration. */
static void drop_map_times(char *s)
{
	static const char *const times[] = { "buddyctl_map_timestamp_seconds ", "buddyctl_map_duration_seconds " };
	char *line = s, *out = s;

	while (*line) {
		char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) + 1 : strlen(line);

		if (strncmp(line, times[0], strlen(times[0])) && strncmp(line, times[1], strlen(times[1]))) {
			memmove(out, line, len);
			out += len;
		}
		line += len;
	}
	*out = '\0';
}

/*
 * map --output, as status': the file written whole (0644, where it was
 * typed, also with --root), the same as standard output would have had; a
 * tree cut short leaves the last run's file as it was and says why (65,
 * the reading's error, not 73); never through a symbolic link (73); no
 * temporary file left beside it.
 */
static void map_output_atomic(void **state)
{
	static struct run r;
	static char file[1 << 16], before[1 << 16];
	const char *path = "build/out-map/buddyctl-map.prom";
	struct stat st;

	(void)state;
	assert_int_equal(system("rm -rf build/out-map && mkdir build/out-map"), 0);
	{
		const char *args[] = { "map", MAPFX("classes"), "--size", "2M", "-f", "prometheus", "-o", path, NULL };

		run(&r, args);
	}
	if (r.status != 0)
		fail_msg("map -o: exit %d: %s", r.status, r.err);
	assert_string_equal(r.out, "");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	slurp(path, file, sizeof(file));
	{
		const char *args[] = { "map", MAPFX("classes"), "--size", "2M", "-f", "prometheus", NULL };

		run(&r, args);
	}
	assert_int_equal(r.status, 0);
	drop_map_times(file);
	drop_map_times(r.out);
	assert_string_equal(file, r.out);
	assert_contains(file, "buddyctl_map_ranges{node=\"0\",size=\"2097152\",class=\"pool\"} 1\n");
	/* a failed read: the file of the last run stays */
	slurp(path, before, sizeof(before));
	{
		const char *args[] = { "map", FXD("map-cut"), "--size", "2M", "-f", "prometheus", "-o", path, NULL };

		run(&r, args);
	}
	assert_int_equal(r.status, 65);
	assert_contains(r.err, "build/fx/map-cut/proc/kpageflags: ends at offset 320000");
	slurp(path, file, sizeof(file));
	assert_string_equal(file, before);
	assert_int_equal(system("test $(ls -A build/out-map | wc -l) = 1"), 0);
	/* the text picture too, without colour */
	{
		const char *args[] = { "map", MAPFX("classes"), "--size", "2M", "-o", "build/out-map/map.txt", NULL };

		run(&r, args);
	}
	assert_int_equal(r.status, 0);
	slurp("build/out-map/map.txt", file, sizeof(file));
	assert_contains(file, "Map of 2M ranges (512 pages of 4K)");
	assert_null(strchr(file, '\033'));
	/* never through a symbolic link */
	assert_int_equal(system("ln -s /etc/hostname build/out-map/link"), 0);
	{
		const char *args[] = { "map", MAPFX("classes"), "-f", "prometheus", "-o", "build/out-map/link", NULL };

		run(&r, args);
	}
	assert_int_equal(r.status, 73);
	assert_contains(r.err, "build/out-map/link: exists and is a symbolic link, not a regular file: not replaced");
	assert_int_equal(system("test $(ls -A build/out-map | wc -l) = 3"), 0);
	assert_int_equal(system("rm -rf build/out-map"), 0);
}

/*
 * map -f prometheus without --size: every hugepage size the tree's kernel
 * offers (2M and 1G on guest-6.1-two-node) in one file, each family under
 * one # TYPE line (the text format allows no second), and each size's
 * series the same as map --size of that size alone prints.
 */
static void map_prometheus_every_size(void **state)
{
	static const char *const families[] = { "map_ranges", "map_blocked_ranges", "map_pages",
						"map_timestamp_seconds", "map_duration_seconds" };
	static const char *const sizes[] = { "2M", "1G" };
	static struct run all, one;
	unsigned i, series = 0, one_series = 0;
	char *line;

	(void)state;
	{
		const char *args[] = { "map", MAPFX("guest-6.1-two-node"), "-f", "prometheus", NULL };

		run(&all, args);
	}
	assert_int_equal(all.status, 0);
	drop_map_times(all.out);
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		char type[96], *first;

		snprintf(type, sizeof(type), "# TYPE buddyctl_%s gauge\n", families[i]);
		first = strstr(all.out, type);
		if (!first || strstr(first + 1, type))
			fail_msg("%s: not exactly once in:\n%.2000s", type, all.out);
	}
	for (line = all.out; (line = strstr(line, "\nbuddyctl_map_")); line++)
		series++;
	for (i = 0; i < 2; i++) {
		const char *args[] = { "map", MAPFX("guest-6.1-two-node"), "-f", "prometheus", "--size", sizes[i], NULL };
		char *p, *end;

		run(&one, args);
		assert_int_equal(one.status, 0);
		drop_map_times(one.out);
		/* every series of the one size is in the file of all of them */
		for (p = one.out; *p; p = end + 1) {
			end = strchr(p, '\n');
			assert_non_null(end);
			*end = '\0';
			if (*p != '#') {
				char want[256];

				assert_true(strlen(p) < sizeof(want) - 2);
				want[0] = '\n';
				strcpy(want + 1, p);
				strcat(want, "\n");
				if (!strstr(all.out, want))
					fail_msg("--size %s: '%s' is not in the output without --size", sizes[i], p);
				one_series++;
			}
		}
	}
	/* and nothing else: the 2M and 1G series are all of it */
	assert_int_equal(series, one_series);
	assert_contains(all.out, "buddyctl_map_ranges{node=\"1\",size=\"1073741824\",class=\"pool\"} 1\n");
	assert_contains(all.out, "buddyctl_map_ranges{node=\"1\",size=\"2097152\",class=\"pool\"}");
}

static int setup(void **state)
{
	(void)state;
	return system("set -e; rm -rf build/fx; mkdir -p build/fx; cd build/fx;"
		      "for t in bad-buddyinfo no-buddyinfo bad-node-meminfo bad-online bad-hugepages; do"
		      "  cp -r ../../" FIXTURES "/vm $t; done;"
		      "printf 'Node 0, zone   Normal 1 2 3 4 5 6 7 8 9 10 11 12 \\n' >> bad-buddyinfo/proc/buddyinfo;"
		      "rm no-buddyinfo/proc/buddyinfo;"
		      "sed -i '1s/kB/MB/' bad-node-meminfo/sys/devices/system/node/node0/meminfo;"
		      "echo zero > bad-online/sys/devices/system/node/online;"
		      "echo -3 > bad-hugepages/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages;"
		      "cp -r ../../" FIXTURES "/vm huge-pool;"
		      "echo 18446744073709551615 > huge-pool/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages;"
		      "cp -r ../../" FIXTURES "/two-node contradict-mem;"
		      "sed -i '/^Node *1,/d' contradict-mem/proc/buddyinfo contradict-mem/proc/pagetypeinfo;"
		      "awk '/^Node 1, zone/{s=1} /^Node 0, zone/{s=0} !s' contradict-mem/proc/zoneinfo > z && mv z contradict-mem/proc/zoneinfo;"
		      "cp -r ../../" FIXTURES "/two-node contradict-nomem;"
		      "echo 0 > contradict-nomem/sys/devices/system/node/has_memory;"
		      "cp -r ../../" FIXTURES "/vm escape;"
		      "ln -sf /proc/buddyinfo escape/proc/buddyinfo;"
		      "cp -r ../../" FIXTURES "/vm fifo;"
		      "rm fifo/proc/buddyinfo && mkfifo fifo/proc/buddyinfo;"
		      "mkfifo policy.fifo;"
		      "cp -r ../../" FIXTURES "/vm fifo-compact;"
		      "rm fifo-compact/sys/devices/system/node/node0/compact && mkfifo fifo-compact/sys/devices/system/node/node0/compact;"
		      "ln -s /nonexistent-buddyctl-test dangle;"
		      "mkdir -p only-buddyinfo/proc; cp ../../" FIXTURES "/two-node/proc/buddyinfo only-buddyinfo/proc/;"
		      "cp -r ../../" FIXTURES "/two-node no-node1-meminfo; rm no-node1-meminfo/sys/devices/system/node/node1/meminfo;"
		      "cp -r ../../" FIXTURES "/vm no-vmstat; rm no-vmstat/proc/vmstat;"
		      "cp -r ../../" FIXTURES "/vm no-pools; rm -r no-pools/sys/kernel/mm/hugepages;"
		      "cp -r ../../" FIXTURES "/vm dir-zoneinfo; rm dir-zoneinfo/proc/zoneinfo; mkdir dir-zoneinfo/proc/zoneinfo;"
		      "cp -r ../../" FIXTURES "/two-node fifo-online; rm fifo-online/sys/devices/system/node/online;"
		      "mkfifo fifo-online/sys/devices/system/node/online;"
		      "cp -r ../../" FIXTURES "/two-node fifo-node-meminfo; rm fifo-node-meminfo/sys/devices/system/node/node0/meminfo;"
		      "mkfifo fifo-node-meminfo/sys/devices/system/node/node0/meminfo;"
		      "cp -r ../../" FIXTURES "/vm fifo-pool; rm fifo-pool/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages;"
		      "mkfifo fifo-pool/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages;"
		      "cp -r ../../" FIXTURES "/rhel6 sles10; sed -i '/^nr_free_pages /d' sles10/proc/vmstat;"
		      "cp -r ../../" FIXTURES "/two-node no-memtotal; sed -i '/MemTotal/d' no-memtotal/sys/devices/system/node/node1/meminfo;"
		      "cp -r ../fixtures/map/classes map-cut; truncate -s 320000 map-cut/proc/kpageflags;"
		      "cp -r ../fixtures/map/classes map-odd; truncate -s 1081341 map-odd/proc/kpageflags;"
		      "cp -r ../fixtures/map/classes map-none; rm map-none/proc/kpageflags;"
		      "cp -r ../fixtures/map/classes map-nocg; rm map-nocg/proc/kpagecgroup")
		      == 0 ? 0 : -1;
}

/* A listing of every file under dir: path, size, mtime (ns) and checksum. */
static void manifest(const char *dir, const char *out)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "cd %s && find . -printf '%%p %%s %%T@\\n' | sort > %s && "
		 "find . -type f -exec md5sum {} + | sort >> %s", dir, out, out);
	assert_int_equal(system(cmd), 0);
}

/* Dry-run writes nothing: every command, every file of the tree unchanged. */
static void dry_run_writes_nothing(void **state)
{
	static const char *const runs[][10] = {
		{ "plan", "-c", "tests/policies/dpdk.conf", NULL },
		{ "apply", "--dry-run", "-c", "tests/policies/dpdk.conf", NULL },
		{ "apply", "--dry-run", "-c", "tests/policies/dpdk.conf", "-f", "json", NULL },
		{ "reserve", "--dry-run", "2M:500", "1G:2@1", "--restore", NULL },
		{ "reserve", "--dry-run", "2M:0@0", NULL },
		{ "compact", "--dry-run", NULL },
		{ "compact", "--dry-run", "--node", "0,1", NULL },
		{ "drop-caches", "--dry-run", "--level", "all", NULL },
	};
	static struct run r;
	const char *args[16];
	unsigned i, k;

	(void)state;
	assert_int_equal(system("rm -rf build/dry && cp -r " FIXTURES "/two-node build/dry && "
				"rm -f /tmp/buddyctl-test.state /tmp/buddyctl-test.lock"), 0);
	manifest("build/dry", "../dry.before");
	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		args[0] = "--root";
		args[1] = "build/dry";
		args[2] = "--lock-file";
		args[3] = "/run/dry.lock";
		for (k = 0; runs[i][k]; k++)
			args[4 + k] = runs[i][k];
		args[4 + k] = NULL;
		run(&r, args);
		if (r.status != 0)
			fail_msg("%s: exit %d: %s", runs[i][0], r.status, r.err);
		assert_true(strstr(r.out, "Plan (dry run: nothing is written)") || strstr(r.out, "\"dry_run\":true"));
	}
	manifest("build/dry", "../dry.after");
	assert_int_equal(system("cmp -s build/dry.before build/dry.after"), 0);
	/* no lock file, no state file either (both would be inside the tree) */
	assert_int_equal(access("build/dry/run", F_OK), -1);
	assert_int_equal(access("build/dry/tmp", F_OK), -1);
	assert_int_equal(access("/tmp/buddyctl-test.state", F_OK), -1);
	assert_int_equal(system("rm -rf build/dry build/dry.before build/dry.after"), 0);
}

/*
 * apply on a fixture copy: executes, reports, remembers the node. The lock
 * and the state file are inside the tree, not the host's.
 */
static void apply_on_fixture(void **state)
{
	static struct run r;
	const char *args[] = { "--root", "build/app", "apply", "-c", "tests/policies/dpdk.conf",
			       "--state-file", "/var/lib/buddyctl/state", NULL };
	const char *json[] = { "--root", "build/app", "apply", "-c", "tests/policies/dpdk.conf",
			       "--state-file", "/var/lib/buddyctl/state", "-f", "json", NULL };
	const char *quiet[] = { "--root", "build/app", "apply", "-c", "tests/policies/dpdk.conf",
				"--state-file", "/var/lib/buddyctl/state", "-q", NULL };
	/* node 6 crit judged, with no step for crit: not remediated, not held back */
	const char *quiet_ok[] = { "--root", "build/app", "apply", "-c", "build/app-judged.conf",
				   "--state-file", "/var/lib/buddyctl/state", "-q", NULL };
	const char *quiet_crit[] = { "--root", "build/app", "apply", "-c", "tests/policies/allcrit.conf",
				     "--state-file", "/var/lib/buddyctl/state2", "-q", NULL };
	FILE *f;
	char line[64], until[32], want[160];
	struct tm tm;
	time_t t;

	(void)state;
	assert_int_equal(system("rm -rf build/app && cp -r " FIXTURES "/four-node-sparse build/app"), 0);
	assert_int_equal(system("printf '[fragmentation]\\ncrit_unusable = 0.95\\n[remediate]\\ncrit = none\\n"
				"[hugepages 2M]\\ntotal = 300\\n[run]\\nlock_file = /tmp/buddyctl-test.lock\\n'"
				" > build/app-judged.conf"), 0);
	run(&r, args);
	/* node 6 stays crit in a static tree after compaction: partial */
	if (r.status != 1)
		fail_msg("exit %d: %s %s", r.status, r.out, r.err);
	assert_contains(r.out, "compact node 6");
	assert_contains(r.out, "reserve 2M on node 6: 0 -> 100");
	assert_contains(r.out, "Hugepages");
	/* a static tree: no zone changed, no "Free blocks per order" header over nothing */
	if (strstr(r.out, "Free blocks per order"))
		fail_msg("a header without a zone:\n%s", r.out);
	/* the last line says why the status is not 0 */
	assert_contains(r.out, "exit status 1: node 6 is still crit after remediation: unusable index");
	/*
	 * one line on stderr: judged, done with gains (the pools read back at
	 * 100 from 32, 16 and 0; a static tree's free lists do not change), exit
	 */
	assert_contains(r.err, "buddyctl apply: node 6 crit at 2M (unusable index 0.998 >= warn 0.700; "
			"unusable index 0.998 >= crit 0.950); 2M pool node 0 32/100 warn; 2M pool node 2 16/100 warn; "
			"2M pool node 6 0/100 warn: compact node 6 done (2M blocks 2 -> 2), "
			"2M pool node 0 32 -> 100/100 (+68) done, 2M pool node 2 16 -> 100/100 (+84) done, "
			"2M pool node 6 0 -> 100/100 (+100) done; ");
	assert_contains(r.err, " s, exit 1: node 6 is still crit after remediation: unusable index 0.998");
	assert_true(strchr(r.err, '\n') == r.err + strlen(r.err) - 1);	/* one line */
	f = fopen("build/app/sys/devices/system/node/node6/hugepages/hugepages-2048kB/nr_hugepages", "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_string_equal(line, "100\n");
	f = fopen("build/app/var/lib/buddyctl/state", "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_contains(line, "node 6 ");
	/* the policy's lock file, inside the tree; holding a pid and nothing else */
	assert_int_equal(system("grep -qx '[0-9]*' build/app/tmp/buddyctl-test.lock"), 0);
	/*
	 * again: node 6 was just remediated, min_interval holds it back; pools
	 * already met. Node 6 stays crit, not remediated: 1, as when it is
	 * remediated and still crit, and the reason says until when (600 s
	 * after the last remediation started, less 60 s of slack)
	 */
	t = (time_t)strtol(line + 7, NULL, 10) + 540;
	assert_non_null(gmtime_r(&t, &tm));
	strftime(until, sizeof(until), "%Y-%m-%d %H:%M:%S UTC", &tm);
	run(&r, json);
	assert_int_equal(r.status, 1);
	assert_contains(r.out, "remediation held back");
	assert_contains(r.out, "\"actions\":[]");
	snprintf(want, sizeof(want), "\"exit\":1,\"exit_reason\":\"node 6 is crit, its remediation held back by min_interval until %s\"", until);
	assert_contains(r.out, want);
	run(&r, args);
	assert_int_equal(r.status, 1);
	snprintf(want, sizeof(want), "\nExit status 1: node 6 is crit, its remediation held back by min_interval until %s\n", until);
	assert_contains(r.out, want);
	snprintf(want, sizeof(want), "nothing to do; exit 1: node 6 is crit, its remediation held back by min_interval until %s\n", until);
	assert_contains(r.err, want);
	/* the cron way: a run that ends 1 prints its log line only */
	run(&r, quiet);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "exit 1: node 6 is crit, its remediation held back by min_interval until ");
	/* a run that ends 0 prints nothing at all: node 6 is judged crit, with no step for it */
	run(&r, quiet_ok);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "");
	/* one that does not: only its log line */
	assert_int_equal(system("echo 10 > build/app/sys/devices/system/node/node6/hugepages/hugepages-2048kB/nr_hugepages"), 0);
	run(&r, quiet_ok);
	assert_int_equal(r.status, 0);	/* the pool is refilled: 0, silent */
	assert_string_equal(r.err, "");
	/* one that ends 1 (every node stays crit in a static tree): its log line only */
	run(&r, quiet_crit);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.out, "");
	assert_true(!strncmp(r.err, "buddyctl apply: node 0 crit at 2M (unusable index 0.073 >= warn 0.000; ", 70));
	assert_contains(r.err, "compact node 0 done (2M blocks 7637 -> 7637)");
	assert_contains(r.err, ", exit 1: node 0 is still crit after remediation: ");
	assert_true(strchr(r.err, '\n') == r.err + strlen(r.err) - 1);
	assert_int_equal(system("rm -rf build/app build/app-judged.conf"), 0);
}

/* A second buddyctl waits for the lock, then gives up: exit 75. */
static void busy(void **state)
{
	static struct run r;
	const char *args[] = { "--root", "build/busy", "compact", "--wait", "0.3s", NULL };
	struct bc_error e;
	struct lock l;

	(void)state;
	assert_int_equal(system("rm -rf build/busy && cp -r " FIXTURES "/vm build/busy"), 0);
	/* the default lock file, inside the tree */
	assert_int_equal(lock_acquire(&l, "build/busy", DEFAULT_LOCK, 0, NULL, &e), 0);
	run(&r, args);
	lock_release(&l);
	assert_int_equal(r.status, 75);
	assert_contains(r.err, "build/busy/run/buddyctl.lock: another buddyctl (pid");
	assert_contains(r.err, "waited 0.3 s");
	assert_int_equal(system("rm -rf build/busy"), 0);
}

/* Not permitted: a read-only /sys, as in a container. Nothing is done: 77. */
static void not_permitted(void **state)
{
	static struct run r;
	const char *args[] = { "--root", "build/ro", "reserve", "2M:10@0", NULL };

	(void)state;
	if (geteuid() != 0)
		skip_because("not root: cannot make a read-only bind mount");
	assert_int_equal(system("rm -rf build/ro && cp -r " FIXTURES "/two-node build/ro && "
				"mount --bind build/ro/sys build/ro/sys && "
				"mount -o remount,bind,ro build/ro/sys"), 0);
	run(&r, args);
	assert_int_equal(system("umount build/ro/sys && rm -rf build/ro build/ro.lock"), 0);
	assert_int_equal(r.status, 77);
	assert_contains(r.err, "nr_hugepages, build/ro/sys/devices/system/node/node0/compact: read-only file system");
	assert_contains(r.err, "nothing was done");
	assert_string_equal(r.out, "");
}

/*
 * As uid 65534 on the live machine (setpriv): compact is refused up front
 * with 77, plan says apply would be refused, status notes pagetypeinfo.
 */
static void unprivileged(void **state)
{
	const char *bin = buddyctl_bin();
	char cmd[512];
	int st;

	(void)state;
	if (geteuid() != 0 || system("command -v setpriv >/dev/null") != 0)
		skip_because("needs root and setpriv to become uid 65534");
#define AS_NOBODY "setpriv --reuid 65534 --regid 65534 --clear-groups "
	snprintf(cmd, sizeof(cmd), AS_NOBODY "%s compact --lock-file /tmp/buddyctl-nobody.lock "
		 "> build/nobody.out 2>&1", bin);
	st = system(cmd);
	if (WEXITSTATUS(st) == 126 || WEXITSTATUS(st) == 127)
		skip_because("uid 65534 cannot run %s here", bin);
	assert_int_equal(WEXITSTATUS(st), 77);
	snprintf(cmd, sizeof(cmd), "grep -q 'compact_memory: needs uid 0 of the initial user namespace' build/nobody.out");
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), AS_NOBODY "%s reserve --dry-run 2M:1 > build/nobody.out 2>&1", bin);
	assert_int_equal(WEXITSTATUS(system(cmd)), 0);
	/* the note names the command that would be refused: reserve, not apply */
	assert_int_equal(system("grep -q 'Note: as this user, reserve would be refused (exit status 77): .*needs uid 0 of the initial user namespace, or CAP_DAC_OVERRIDE' build/nobody.out"), 0);
	/* a policy this user cannot read is a policy error (78), not an I/O error */
	snprintf(cmd, sizeof(cmd), "install -m 600 tests/policies/defaults.conf build/secret.conf && "
		 AS_NOBODY "%s check -c build/secret.conf > build/nobody.out 2>&1", bin);
	assert_int_equal(WEXITSTATUS(system(cmd)), 78);
	assert_int_equal(system("grep -q 'build/secret.conf: Permission denied' build/nobody.out"), 0);
	unlink("build/secret.conf");
	snprintf(cmd, sizeof(cmd), AS_NOBODY "%s status > build/nobody.out 2>&1", bin);
	assert_int_equal(WEXITSTATUS(system(cmd)), 0);
	assert_int_equal(system("grep -q 'pagetypeinfo not read (Permission denied): pageblocks per migrate type need root' build/nobody.out"), 0);
	unlink("build/nobody.out");
#undef AS_NOBODY
}

/*
 * An action as uid 65534 where root has run once (a root-owned lock file):
 * the user hears that the action needs root (77, the kernel files named),
 * before anything about the lock file. In a tree whose files only root may
 * write, and on the live machine with a root-owned --lock-file (nothing is
 * written: the run is refused).
 */
static void unprivileged_hears_root_first(void **state)
{
	static const char *const cmds[] = { "reserve 2M:10@0", "compact", "drop-caches",
					     "apply -c tests/policies/dpdk.conf" };
	const char *bin = buddyctl_bin();
	char cmd[512], out[4096];
	unsigned i;
	int st, fd;

	(void)state;
	if (geteuid() != 0 || system("command -v setpriv >/dev/null") != 0)
		skip_because("needs root and setpriv to become uid 65534");
	sh("rm -rf build/np && cp -r " FIXTURES "/two-node build/np && mkdir -p build/np/run build/np/tmp && "
	   "touch build/np/run/buddyctl.lock build/np/tmp/buddyctl-test.lock && "
	   "rm -f build/rootlock && touch build/rootlock");
	for (i = 0; i < 2 * sizeof(cmds) / sizeof(cmds[0]); i++) {
		bool live = i >= sizeof(cmds) / sizeof(cmds[0]);

		snprintf(cmd, sizeof(cmd), "setpriv --reuid 65534 --regid 65534 --clear-groups %s %s %s %s > build/np.out 2>&1",
			 bin, live ? "--lock-file" : "--root", live ? "$(pwd)/build/rootlock" : "build/np",
			 cmds[i % (sizeof(cmds) / sizeof(cmds[0]))]);
		st = system(cmd);
		if (WEXITSTATUS(st) == 126 || WEXITSTATUS(st) == 127)
			skip_because("uid 65534 cannot run %s here", bin);
		fd = open("build/np.out", O_RDONLY);
		assert_true(fd >= 0);
		test_drain(fd, out, sizeof(out));
		close(fd);
		if (WEXITSTATUS(st) != 77 || strstr(out, "lock") || !strstr(out, "nothing was done"))
			fail_msg("%s: exit %d: %s", cmd, WEXITSTATUS(st), out);
		assert_contains(out, live ? "needs uid 0 of the initial user namespace" : "Permission denied");
	}
	/* the lock files are untouched: still empty, still root's */
	sh("test ! -s build/np/run/buddyctl.lock && test ! -s build/rootlock");
	sh("rm -rf build/np build/np.out build/rootlock");
}

/* SIGTERM or SIGHUP while waiting for another buddyctl's lock: nothing done, exit 130. */
static void interrupted_while_waiting(void **state)
{
	static const int sigs[] = { SIGTERM, SIGHUP };
	const char *args[] = { "--root", "build/int", "compact", "--lock-file", "/int.lock", "--wait", "20s", NULL };
	char err_tmp[] = "/tmp/buddyctl-test-err.XXXXXX", msg[512];
	struct bc_error e;
	struct lock lock;
	unsigned i;
	int fe, st;
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_int_equal(system("rm -rf build/int && cp -r " FIXTURES "/vm build/int"), 0);
	assert_int_equal(lock_acquire(&lock, "build/int", "/int.lock", 0, NULL, &e), 0);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		fe = mkstemp(err_tmp);
		assert_true(fe >= 0);
		pid = start(args, 1, fe);
		/* the fork holds our lock's descriptor until it runs buddyctl */
		usleep(300000);
		wait_until_open(pid, "build/int/int.lock");
		kill(pid, sigs[i]);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		if (!WIFEXITED(st))
			fail_msg("SIG%s while waiting killed buddyctl", sigabbrev_np(sigs[i]));
		assert_int_equal(WEXITSTATUS(st), 130);
		n = pread(fe, msg, sizeof(msg) - 1, 0);
		msg[n > 0 ? n : 0] = '\0';
		assert_contains(msg, "build/int/int.lock: interrupted while waiting for the lock; nothing was done");
		close(fe);
		unlink(err_tmp);
		strcpy(err_tmp, "/tmp/buddyctl-test-err.XXXXXX");
	}
	lock_release(&lock);
	assert_int_equal(system("rm -rf build/int"), 0);
}


static void sh(const char *cmd)
{
	if (system(cmd) != 0)
		fail_msg("failed: %s", cmd);
}

/* First line of a file, or "" when absent. */
static void first_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, (int)size, f))
			buf[0] = '\0';
		fclose(f);
	}
}

/* --help and --version into a full device: not a success. */
static void help_to_full_device(void **state)
{
	static struct run r;
	const char *help[] = { "--help", NULL }, *version[] = { "--version", NULL };
	int fd = open("/dev/full", O_WRONLY);

	(void)state;
	if (fd < 0)
		skip_because("no /dev/full");
	run_stdout = fd;
	run(&r, help);
	assert_int_equal(r.status, 74);
	assert_contains(r.err, "buddyctl: standard output: No space left on device");
	run_stdout = fd;
	run(&r, version);
	assert_int_equal(r.status, 74);
	close(fd);
}

/* Started with stdout closed: the report must not land in the lock file. */
static void stdout_closed(void **state)
{
	static struct run r;
	const char *args[] = { "--root", "build/sc", "compact", NULL };
	char line[64];

	(void)state;
	sh("rm -rf build/sc && cp -r " FIXTURES "/vm build/sc");
	run_stdout = -2;
	run(&r, args);
	assert_int_equal(r.status, 0);
	first_line("build/sc/run/buddyctl.lock", line, sizeof(line));
	if (strspn(line, "0123456789") != strlen(line) - 1)
		fail_msg("lock file holds '%s'", line);
	assert_int_equal(system("test $(wc -l < build/sc/run/buddyctl.lock) = 1"), 0);
	sh("rm -rf build/sc");
}

/*
 * Standard output a pipe whose reader went away (`buddyctl reserve ... |
 * head -0`): SIGPIPE does not end the run; the pool is set, the report's
 * write fails (74, EPIPE), and the log line is still written.
 */
static void stdout_reader_gone(void **state)
{
	static struct run r;
	const char *args[] = { "--root", "build/rg", "reserve", "2M:8@0", NULL };
	int p[2];

	(void)state;
	sh("rm -rf build/rg && cp -r " FIXTURES "/vm build/rg");
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	run_stdout = p[1];
	run(&r, args);
	close(p[1]);
	if (r.status != 74)
		fail_msg("exit %d: %s", r.status, r.err);
	assert_contains(r.err, "buddyctl reserve: 2M pool node 0 ");
	assert_contains(r.err, "buddyctl: standard output: write failed: Broken pipe\n");
	sh("test \"$(cat build/rg/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages)\" = 8");
	sh("rm -rf build/rg");
}

/*
 * status --buddyinfo FILE, and - for standard input: a capture pasted or
 * piped in. The paste is a two-node, four-zone buddyinfo as a terminal
 * paste leaves it: no blank after the counts, no newline after the last
 * line.
 */
static void buddyinfo_capture(void **state)
{
	static const char paste[] =
		"Node 0, zone      DMA      1      1      0      0      1      1      1      0      0      1      3\n"
		"Node 0, zone    DMA32    502    158     60     29     44     53     18      9     14      9    114\n"
		"Node 0, zone   Normal   3563    708   3528   2924   6275    850   2202    576      6      0      0\n"
		"Node 1, zone   Normal    120    257    136    925   2815   2690   1723   1036      4      5      0";
	static struct run r;
	const char *dash[] = { "status", "--buddyinfo", "-", NULL };
	const char *dash_json[] = { "status", "-b", "-", "-f", "json", NULL };
	const char *file[] = { "status", "--buddyinfo", FIXTURES "/arm64-64k/proc/buddyinfo", "--page-size", "64K", NULL };
	const char *guess[] = { "status", "--buddyinfo", FIXTURES "/arm64-64k/proc/buddyinfo", NULL };
	const char *fifo[] = { "status", "--buddyinfo", "build/cap.fifo", NULL };
	FILE *f;
	pid_t pid;
	int st;

	(void)state;
	f = fopen("build/cap.in", "w");
	assert_non_null(f);
	fputs(paste, f);
	fclose(f);
	run_stdin = "build/cap.in";
	run(&r, dash);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	/*
	 * Node 1 Normal: 120 + 257x2 + 136x4 + 925x8 + 2815x16 + 2690x32 +
	 * 1723x64 + 1036x128 + 4x256 + 5x512 = 386162 free pages, 1.47 GiB
	 * at the assumed 4K; largest block order 9 (2M). At order 9 (THP's for
	 * 4K) 5 blocks of 512 pages are usable: (386162 - 2560) x 1000 /
	 * 386162 = 993 unusable, and a 2M block is free: fragidx -1.000.
	 */
	assert_contains(r.out, "\nNode 1: 1.5G free of ?, largest free block 2M, compaction score ?\n");
	assert_contains(r.out, "  Normal    1.5G      2M       0.993     -1.000      ?      ?      ?\n");
	assert_contains(r.out, "TC  page size 4K, 11 orders, hugepage order 9 (2M)\n");
	assert_contains(r.out, "pagetypeinfo not read (not in a buddyinfo capture)");
	assert_contains(r.out, "\nnot read: proc/zoneinfo (not in a buddyinfo capture): no watermarks, zone sizes,");
	assert_contains(r.out, "\npage size 4K assumed: no evidence of the page size, and 4K is the most common\n");
	assert_string_equal(r.err, "");
	run_stdin = "build/cap.in";
	run(&r, dash_json);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "\"root\":null,\"capture\":\"standard input\",\"page_size\":4096,\"page_size_source\":\"default\"");
	/* 0: 1 x 1 (order 0) + ... the Node 0 DMA line: 1 + 2 + 16 + 32 + 64 + 512 + 3 x 1024 = 3699 */
	assert_contains(r.out, "{\"zone\":\"DMA\",\"free_blocks\":[1,1,0,0,1,1,1,0,0,1,3],\"free_pages\":3699,");
	assert_contains(r.out, "\"managed_pages\":null");

	/* the same with its newline: the same output */
	assert_int_equal(system("echo >> build/cap.in"), 0);
	run_stdin = "build/cap.in";
	run(&r, dash);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "  Normal    1.5G      2M       0.993     -1.000      ?      ?      ?\n");

	/* a last line cut short: the file and the line, and what is wrong */
	f = fopen("build/cap.in", "w");
	assert_non_null(f);
	fwrite(paste, 1, sizeof(paste) - 1 - 10, f);	/* "... 4      5      0" loses "  5      0": 9 counts left */
	fclose(f);
	run_stdin = "build/cap.in";
	run(&r, dash);
	assert_int_equal(r.status, 65);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "buddyctl: standard input:4: truncated last line (no newline at end of file): "
		       "9 order columns where earlier lines have 11, for zone 'Normal'\n");
	/* cut in the middle of its header */
	f = fopen("build/cap.in", "w");
	fwrite(paste, 1, strstr(paste, "Node 1") - paste + 9, f);	/* "Node 1, z" */
	fclose(f);
	run_stdin = "build/cap.in";
	run(&r, dash);
	assert_int_equal(r.status, 65);
	assert_contains(r.err, "standard input:4: truncated last line (no newline at end of file): expected 'zone', got 'z'");
	/* a lone line without newline must end in the kernel's blank to be whole */
	assert_int_equal(system("printf 'Node 0, zone   Normal      1      2 ' > build/cap.in"), 0);
	run_stdin = "build/cap.in";
	run(&r, dash);
	assert_int_equal(r.status, 0);
	assert_int_equal(system("printf 'Node 0, zone   Normal      1      2' > build/cap.in"), 0);
	run_stdin = "build/cap.in";
	run(&r, dash);
	assert_int_equal(r.status, 65);
	assert_contains(r.err, "standard input:1: truncated last line (no newline at end of file, and no blank after its last count)");
	/* nothing at all */
	run_stdin = "/dev/null";
	run(&r, dash);
	assert_int_equal(r.status, 65);
	assert_contains(r.err, "buddyctl: standard input: empty file, expected one line per populated zone\n");
	/* bounded: 9 MiB is no capture; refused without reading on */
	assert_int_equal(system("head -c 9437184 /dev/zero > build/cap.big"), 0);
	run_stdin = "build/cap.big";
	run(&r, dash);
	assert_int_equal(r.status, 65);
	assert_contains(r.err, "buddyctl: standard input: more than 8 MiB: not a buddyinfo capture\n");
	unlink("build/cap.big");

	/* a file, its page size given; without it 4K is assumed, and 14 orders hint at 64K */
	run(&r, file);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "page size 64K, 14 orders, hugepage order 13 (512M)");
	run(&r, guess);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "this many orders are usual with 16K or 64K pages: give --page-size");
	/* a FIFO: <(ssh host cat /proc/buddyinfo) */
	unlink("build/cap.fifo");
	assert_int_equal(mkfifo("build/cap.fifo", 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open("build/cap.fifo", O_WRONLY);

		if (fd < 0 || write(fd, paste, sizeof(paste) - 1) < 0)
			_exit(1);
		_exit(0);
	}
	run(&r, fifo);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "Node 1: 1.5G free of ?");
	unlink("build/cap.fifo");
	unlink("build/cap.in");
}

/* Write text to path, or fail. */
static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Standard output after its first line (the time of the snapshot). */
static const char *after_time(const char *out)
{
	const char *nl = strchr(out, '\n');

	return nl ? nl + 1 : out;
}

/*
 * What people paste: a terminal's trailing blank line, CRLF, the prompt and
 * the command above the text, mail quoting. Each is read as the kernel's
 * text alone (the same status, line for line, as the capture itself), and
 * what was skipped is said on standard error, once.
 */
static void paste_forms(void **state)
{
	static const char *const forms[][2] = {
		{ "%s\n", "buddyctl: standard input: skipped 1 trailing blank line\n" },
		{ "crlf", "buddyctl: standard input: removed carriage returns\n" },
		{ "$ cat /proc/buddyinfo\n%s",
		  "buddyctl: standard input: skipped line 1 (a shell prompt: '$ cat /proc/buddyinfo')\n" },
		{ "# cat /proc/buddyinfo\n%s\n",
		  "buddyctl: standard input: skipped line 1 (a shell prompt: '# cat /proc/buddyinfo') and 1 trailing blank line\n" },
		{ "quote", "buddyctl: standard input: skipped line 1 (a shell prompt: '$ cat /proc/buddyinfo') "
			   "and 1 trailing blank line; removed '> ' quoting\n" },
	};
	static char plain[1 << 20], text[8192], quoted[8192];
	static struct run r;
	const char *file[] = { "status", "--buddyinfo", FIXTURES "/two-node/proc/buddyinfo", NULL };
	const char *dash[] = { "status", "--buddyinfo", "-", NULL };
	const char *check[] = { "check", "-b", "-", "-c", "tests/policies/warn-half.conf", "-f", "nagios", NULL };
	char bi[4096];
	unsigned i;
	FILE *f;
	size_t n;

	(void)state;
	f = fopen(FIXTURES "/two-node/proc/buddyinfo", "r");
	assert_non_null(f);
	n = fread(bi, 1, sizeof(bi) - 1, f);
	bi[n] = '\0';
	fclose(f);
	run(&r, file);
	assert_int_equal(r.status, 0);
	snprintf(plain, sizeof(plain), "%s", after_time(r.out));
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (!strcmp(forms[i][0], "crlf")) {
			char *w = text;

			for (const char *c = bi; *c; c++) {
				if (*c == '\n')
					*w++ = '\r';
				*w++ = *c;
			}
			*w = '\0';
		} else if (!strcmp(forms[i][0], "quote")) {
			char *w = quoted;
			const char *c = bi;

			w += sprintf(w, "> $ cat /proc/buddyinfo\n");
			while (*c) {
				const char *nl = strchr(c, '\n');

				w += sprintf(w, "> %.*s\n", (int)(nl - c), c);
				c = nl + 1;
			}
			sprintf(w, ">\n");
			snprintf(text, sizeof(text), "%s", quoted);
		} else {
			snprintf(text, sizeof(text), forms[i][0], bi);
		}
		put_file("build/paste.in", text);
		run_stdin = "build/paste.in";
		run(&r, dash);
		if (r.status != 0)
			fail_msg("form %u: exit %d: %s", i, r.status, r.err);
		assert_string_equal(r.err, forms[i][1]);
		assert_string_equal(after_time(r.out), plain);
		/* check judges the paste and exits by the level it finds: node 0 warn */
		run_stdin = "build/paste.in";
		run(&r, check);
		assert_int_equal(r.status, 1);
		assert_contains(r.out, "BUDDYCTL WARNING");
		assert_contains(r.err, forms[i][1]);
	}
	/* a line the parser refuses is named as the user sees it: after the prompt, line 3 */
	put_file("build/paste.in", "$ cat /proc/buddyinfo\nNode 0, zone Normal 1 2 \nNode 0, zone DMA x \n");
	run_stdin = "build/paste.in";
	run(&r, dash);
	assert_int_equal(r.status, 65);
	assert_contains(r.err, "skipped line 1");
	assert_contains(r.err, "buddyctl: standard input:3: expected a non-negative integer, got 'x'\n");
	unlink("build/paste.in");
}

/*
 * A capture knows nothing of the host it is read on: this host's
 * vm.compaction_proactiveness (here when the kernel has compaction) is
 * not the capture's. null in JSON, no Prometheus series, no kcompactd line.
 */
static void capture_not_this_host(void **state)
{
	static struct run r;
	const char *prom[] = { "status", "-b", FIXTURES "/two-node/proc/buddyinfo", "-f", "prometheus", NULL };
	const char *json[] = { "status", "-b", FIXTURES "/two-node/proc/buddyinfo", "-f", "json", NULL };
	const char *text[] = { "status", "-b", FIXTURES "/two-node/proc/buddyinfo", NULL };

	(void)state;
	if (access("/proc/sys/vm/compaction_proactiveness", R_OK) != 0)
		skip_because("this host has no vm.compaction_proactiveness to leak into a capture's output");
	run(&r, prom);
	assert_int_equal(r.status, 0);
	assert_true(strstr(r.out, "buddyctl_compaction_proactiveness") == NULL);
	run(&r, json);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, ",\"proactive_compaction\":null,");
	assert_true(strstr(r.out, "\"proactiveness\":") == NULL);
	run(&r, text);
	assert_int_equal(r.status, 0);
	assert_true(strstr(r.out, "kcompactd:") == NULL);
}

/*
 * plan --buddyinfo: what apply would do on the machine the capture came
 * from, by its free blocks. A dry run: no lock, no write, no state of this
 * host (which holds back node 0 here), no pool planned on a guess.
 */
static void plan_of_capture(void **state)
{
	static struct run r;
	const char *plan[] = { "plan", "--buddyinfo", FIXTURES "/two-node/proc/buddyinfo", "-c", "build/pc/p.conf", NULL };
	const char *plan_here[] = { "plan", "-c", "build/pc/p.conf", NULL };
	const char *json[] = { "plan", "--buddyinfo", FIXTURES "/two-node/proc/buddyinfo", "-c", "build/pc/p.conf",
			       "-f", "json", NULL };
	char state_line[128], cwd[PATH_MAX], conf[2 * PATH_MAX + 256];
	struct timespec now;

	(void)state;
	sh("rm -rf build/pc && mkdir -p build/pc");
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	/* every node crit (unusable >= 0): node 0 too, here and in the capture */
	snprintf(conf, sizeof(conf), "[fragmentation]\nwarn_unusable = 0\ncrit_unusable = 0\n"
		 "[remediate]\ncrit = compact-node\n[hugepages 2M]\ntotal = 300\n"
		 "[run]\nstate_file = %s/build/pc/state\nlock_file = %s/build/pc/lock\nmin_interval = 1h\n",
		 cwd, cwd);
	put_file("build/pc/p.conf", conf);
	/* node 0 remediated a minute ago, by this host's state file */
	clock_gettime(CLOCK_REALTIME, &now);
	snprintf(state_line, sizeof(state_line), "node 0 %lld\n", (long long)now.tv_sec - 60);
	put_file("build/pc/state", state_line);
	sh("cp build/pc/state build/pc/state.before");
	/* this host (a dry run, read only): node 0 held back by its state */
	run(&r, plan_here);
	if (r.status != 0)
		fail_msg("plan here: exit %d: %s", r.status, r.err);
	assert_contains(r.out, "(remediation held back: last one started 6");
	run(&r, plan);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	/* the capture's node 0: compacted, whatever this host did a minute ago */
	assert_contains(r.out, "   1. compact node 0\n");
	assert_contains(r.out, "   2. compact node 1\n");
	assert_true(strstr(r.out, "held back") == NULL);
	assert_true(strstr(r.out, "reserve") == NULL);
	assert_contains(r.out, "  node 0   ?     2M pool: not judged: the pool was not read");
	assert_contains(r.out, "Note: a buddyinfo capture (tests/fixtures/two-node/proc/buddyinfo): only its\n"
			       "      free blocks are known. The plan is what apply would do on that machine by");
	assert_contains(r.out, "\nnot read: sys/kernel/mm/hugepages (not in a buddyinfo capture): no hugepage pools\n");
	assert_contains(r.out, "\nnot read: proc/zoneinfo (not in a buddyinfo capture): no watermarks,");
	assert_string_equal(r.err, "");
	run(&r, json);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "\"capture\":\"tests/fixtures/two-node/proc/buddyinfo\",\"missing\":[");
	assert_contains(r.out, "\"actions\":[\n {\"kind\":\"compact_node\",\"node\":0,");
	/* nothing written, no lock taken: the state as it was, no lock file */
	assert_int_equal(system("cmp -s build/pc/state build/pc/state.before && test ! -e build/pc/lock"), 0);
	sh("rm -rf build/pc");
}

/*
 * Devices planted in a tree are refused before they are opened: a block
 * device as proc/buddyinfo and sys/devices/system/node/online (its
 * contents never reach a message), /dev/zero as proc/zoneinfo (not read
 * for 256 MiB first). mknod needs CAP_MKNOD.
 */
static void planted_devices(void **state)
{
	static const char *const planted[][3] = {
		{ "proc/buddyinfo", "b 7 0", "proc/buddyinfo: a block device, not a regular file" },
		{ "sys/devices/system/node/online", "b 7 0", "node/online: a block device, not a regular file" },
		{ "proc/zoneinfo", "c 1 5", "proc/zoneinfo: a character device, not a regular file" },
	};
	static struct run r;
	const char *status[] = { "status", "--root", "build/pd", NULL };
	char cmd[256];
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(planted) / sizeof(planted[0]); i++) {
		snprintf(cmd, sizeof(cmd), "rm -rf build/pd && cp -r " FIXTURES "/two-node build/pd && "
			 "rm build/pd/%s && mknod build/pd/%s %s 2>/dev/null", planted[i][0], planted[i][0], planted[i][1]);
		if (system(cmd) != 0)
			skip_because("mknod is not permitted here%s", geteuid() != 0 ? " (not root)" : "");
		run(&r, status);
		if (r.status != 65)
			fail_msg("%s: exit %d: %s", planted[i][0], r.status, r.err);
		assert_contains(r.err, planted[i][2]);
		assert_contains(r.err, "(under a root other than /, every kernel file is one)");
		assert_string_equal(r.out, "");
	}
	sh("rm -rf build/pd");
}

/* Start buddyctl in the background, its output into build/bg.out. */
static pid_t spawn(const char *const *args)
{
	int fd = open("build/bg.out", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	pid_t pid;

	assert_true(fd >= 0);
	pid = start(args, fd, fd);
	close(fd);
	return pid;
}

static void assert_file_contains(const char *path, const char *needle)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_contains(buf, needle);
}

/*
 * A reserve that waited for the lock plans from the machine as it is when
 * it gets the lock: another buddyctl moved the pool 64 -> 32 meanwhile.
 */
static void reserve_judges_under_the_lock(void **state)
{
	const char *args[] = { "--root", "build/jl", "reserve", "2M:16@1", "--wait", "20s", NULL };
	struct bc_error e;
	struct lock l;
	pid_t pid;

	(void)state;
	sh("rm -rf build/jl && cp -r " FIXTURES "/two-node build/jl");
	assert_int_equal(lock_acquire(&l, "build/jl", DEFAULT_LOCK, 0, NULL, &e), 0);
	pid = spawn(args);
	/* it read nothing yet: it is waiting for the lock */
	wait_until_open(pid, "build/jl/run/buddyctl.lock");
	sh("echo 32 > build/jl/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages");
	lock_release(&l);
	assert_int_equal(wait_status(pid), 0);
	assert_file_contains("build/bg.out", "reserve 2M on node 1: 32 -> 16");
	assert_file_contains("build/bg.out", "16       32         -        -  (16 freed)");
	sh("rm -rf build/jl build/bg.out");
}

/*
 * An apply that waited for the lock reads the state file under it: the
 * first one remediated node 6 meanwhile, so min_interval holds it back.
 */
static void apply_judges_under_the_lock(void **state)
{
	const char *args[] = { "--root", "build/ja", "apply", "-c", "tests/policies/dpdk.conf",
			       "--wait", "20s", NULL };
	struct bc_error e;
	struct lock l;
	char cmd[160];
	pid_t pid;

	(void)state;
	sh("rm -rf build/ja && cp -r " FIXTURES "/four-node-sparse build/ja && mkdir -p build/ja/tmp");
	assert_int_equal(lock_acquire(&l, "build/ja", "/tmp/buddyctl-test.lock", 0, NULL, &e), 0);
	pid = spawn(args);
	wait_until_open(pid, "build/ja/tmp/buddyctl-test.lock");
	snprintf(cmd, sizeof(cmd), "echo 'node 6 %ld' > build/ja/tmp/buddyctl-test.state", (long)time(NULL));
	sh(cmd);
	lock_release(&l);
	/* node 6 stays crit, held back: 1 */
	assert_int_equal(wait_status(pid), 1);
	assert_file_contains("build/bg.out", "remediation held back");
	if (system("grep -q 'compact node 6' build/bg.out") == 0)
		fail_msg("node 6 was compacted again inside min_interval");
	sh("rm -rf build/ja build/bg.out");
}

/*
 * A node whose remediation failed (ENOSPC, as the issue saw it) is not
 * recorded as remediated; the nodes whose remediation was done are.
 */
static void failed_remediation_not_recorded(void **state)
{
	static struct run r;
	const char *args[] = { "--root", "build/fr", "apply", "-c", "tests/policies/allcrit.conf", NULL };
	int rc;

	(void)state;
	if (geteuid() != 0)
		skip_because("not root: cannot mount a full tmpfs");
	/* node 6's directory on a tmpfs that is full: its compact write fails with ENOSPC */
	sh("rm -rf build/fr && cp -r " FIXTURES "/four-node-sparse build/fr && "
	   "cp -r build/fr/sys/devices/system/node/node6 build/fr-node6");
	if (system("mount -t tmpfs -o size=512k none build/fr/sys/devices/system/node/node6") != 0)
		skip_because("cannot mount a tmpfs here");
	rc = system("cp -r build/fr-node6/. build/fr/sys/devices/system/node/node6/ && "
		    "(dd if=/dev/zero of=build/fr/sys/devices/system/node/node6/fill bs=4k 2>/dev/null; true)");
	run(&r, args);
	assert_int_equal(system("umount build/fr/sys/devices/system/node/node6"), 0);
	assert_int_equal(rc, 0);
	if (r.status != 2)
		fail_msg("exit %d: %s%s", r.status, r.out, r.err);
	assert_contains(r.out, "exit status 2: compact node 6: ");
	assert_contains(r.out, "No space left on device");
	/* nodes 0 and 2 were compacted and are recorded; node 6 is not */
	sh("grep -q '^node 0 ' build/fr/var/lib/buddyctl/state");
	sh("grep -q '^node 2 ' build/fr/var/lib/buddyctl/state");
	assert_int_equal(system("grep -q '^node 6 ' build/fr/var/lib/buddyctl/state"), 256);
	sh("rm -rf build/fr build/fr-node6");
}

/*
 * The state file records when a remediation started, not when the run
 * ended: a run that took a few seconds must not hold the next timer tick
 * back. Here the run is held up after its start: its standard error is a
 * full pipe, and the warning about the state file's bad line (printed
 * after the start, before the actions) waits until the test reads it, 3 s
 * later.
 */
static void remediation_recorded_at_its_start(void **state)
{
	const char *args[] = { "--root", "build/rs", "apply", "-c", "tests/policies/dpdk.conf",
			       "--state-file", "/state", NULL };
	char buf[4096], line[64];
	int p[2], out, st;
	time_t t0, t1;
	long recorded;
	ssize_t n;
	pid_t pid;

	(void)state;
	sh("rm -rf build/rs && cp -r " FIXTURES "/four-node-sparse build/rs && echo garbage > build/rs/state");
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	/* fill the pipe, then let the child's writes block */
	assert_int_equal(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	memset(buf, 'x', sizeof(buf));
	while (write(p[1], buf, sizeof(buf)) > 0)
		;
	assert_int_equal(fcntl(p[1], F_SETFL, 0), 0);
	out = open("build/rs.out", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(out >= 0);
	t0 = time(NULL);
	pid = start(args, out, p[1]);
	close(p[1]);
	close(out);
	sleep(3);
	t1 = time(NULL);
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		;
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);	/* node 6 stays crit in a static tree */
	assert_file_contains("build/rs.out", "compact node 6");
	first_line("build/rs/state", line, sizeof(line));
	assert_int_equal(strncmp(line, "node 6 ", 7), 0);
	recorded = strtol(line + 7, NULL, 10);
	if (recorded < t0 || recorded >= t1)
		fail_msg("recorded %ld, the run started at %ld and was held until %ld", recorded, (long)t0, (long)t1);
	sh("rm -rf build/rs build/rs.out");
}

/*
 * A pool whose last run dropped page cache for nothing (the state file
 * says so): while nothing has changed, the plan leaves the drop out and
 * says why, in text and JSON, and apply's log line says it was left out.
 * two-node node 0 has 6344308 kB free in buddyinfo; 1% of its memory,
 * 143644 kB, is the margin.
 */
static void fruitless_drop_left_out(void **state)
{
	static struct run r;
	const char *plan[] = { "--root", "build/fd", "plan", "-c", "build/fd.conf", "--state-file", "/state", NULL };
	const char *json[] = { "--root", "build/fd", "plan", "-c", "build/fd.conf", "--state-file", "/state",
			       "-f", "json", NULL };
	const char *apply[] = { "--root", "build/fd", "apply", "-c", "build/fd.conf", "--state-file", "/state", NULL };
	char cmd[256], line[160], want[160];

	(void)state;
	sh("rm -rf build/fd && cp -r " FIXTURES "/two-node build/fd && printf '"
	   "[fragmentation]\\nwarn_unusable = off\\ncrit_unusable = off\\n[run]\\nmin_interval = 10m\\n"
	   "lock_file = /lock\\n[hugepages 2M]\\ncount = 0:100\\nallow_drop_caches = yes\\n' > build/fd.conf");
	/* nothing remembered: the drop is planned */
	run(&r, plan);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "drop clean page cache on every node");
	/* 120 s ago, gained nothing, free memory as now */
	snprintf(want, sizeof(want), "pool 2048 0 %ld 100 0 6344308 1 drop-pagecache:0:0\n", (long)time(NULL) - 120);
	snprintf(cmd, sizeof(cmd), "printf '%s' > build/fd/state", want);
	sh(cmd);
	run(&r, plan);
	assert_int_equal(r.status, 0);
	if (strstr(r.out, "drop clean page cache on every node"))
		fail_msg("the drop is planned again:\n%s", r.out);
	assert_contains(r.out, "; drain-pcp: this kernel has no vm/stat_refresh; "
			"drop-pagecache: they gained no page in the run that started 12");
	assert_contains(r.out, " s ago (1 run in a row), and free memory has not grown by 140 MiB since (6195 MiB, then 6195 MiB): left out for ");
	run(&r, json);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "\"skipped_steps\":[\"drop-pagecache\"],\"skipped_until\":");
	/* apply: the pool is filled (a tree grants all), and the log line says what was left out */
	run(&r, apply);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "      drop-pagecache left out until ");
	assert_contains(r.err, "2M pool node 0 0 -> 100/100 (+100) done (drop-pagecache left out until ");
	assert_contains(r.err, " UTC (no gain last time))");
	/* the drop was left out: the pool's outcome stays as it was */
	first_line("build/fd/state", line, sizeof(line));
	assert_string_equal(line, want);
	sh("echo 0 > build/fd/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages");
	/* after min_interval: planned again */
	snprintf(cmd, sizeof(cmd), "echo 'pool 2048 0 %ld 100 0 6344308 1 drop-pagecache:0:0' > build/fd/state",
		 (long)time(NULL) - 600);
	sh(cmd);
	run(&r, plan);
	assert_contains(r.out, "drop clean page cache on every node");
	/* with more free memory than then, by the margin: planned again */
	snprintf(cmd, sizeof(cmd), "echo 'pool 2048 0 %ld 100 0 %d 1 drop-pagecache:0:0' > build/fd/state",
		 (long)time(NULL) - 120, 6344308 - 143644);
	sh(cmd);
	run(&r, plan);
	assert_contains(r.out, "drop clean page cache on every node");
	/* by less: left out */
	snprintf(cmd, sizeof(cmd), "echo 'pool 2048 0 %ld 100 0 %d 1 drop-pagecache:0:0' > build/fd/state",
		 (long)time(NULL) - 120, 6344308 - 143644 + 1);
	sh(cmd);
	run(&r, plan);
	assert_contains(r.out, "drop-pagecache: they gained no page");
	/*
	 * a run that took no dropping step (the drop was planned, the first
	 * write got all): its outcome, without steps, replaces the fruitless one
	 */
	snprintf(cmd, sizeof(cmd), "echo 'pool 2048 0 %ld 100 0 6344308 1 drop-pagecache:0:0' > build/fd/state",
		 (long)time(NULL) - 600);
	sh(cmd);
	run(&r, apply);
	assert_int_equal(r.status, 0);
	first_line("build/fd/state", line, sizeof(line));
	assert_int_equal(strncmp(line, "pool 2048 0 ", 12), 0);
	assert_contains(line, " 100 100 6344308 0\n");
	sh("rm -rf build/fd build/fd.conf");
}

/*
 * Gigantic pages: reserve without --ladder takes no reclaim or drop step,
 * --allow-drop-caches or not (the gigantic tree: 46 after reclaim, 35 after
 * compaction, so a drop used to be planned); --ladder still can.
 */
static void reserve_gigantic_takes_no_drop(void **state)
{
	static struct run r;
	const char *chosen[] = { FX("gigantic"), "reserve", "--dry-run", "--allow-drop-caches", "1G:40@0", NULL };
	const char *ladder[] = { FX("gigantic"), "reserve", "--dry-run", "--ladder", "drop-all,retry", "1G:40@0", NULL };

	(void)state;
	run(&r, chosen);
	assert_int_equal(r.status, 0);
	if (strstr(r.out, "drop page cache") || strstr(r.out, "drop clean page cache") || strstr(r.out, "reclaim the"))
		fail_msg("a drop for 1G pages:\n%s", r.out);
	assert_contains(r.out, "reclaim: none for gigantic pages without a map of the node's memory (tests/fixtures/gigantic/proc/kpageflags: No such file or directory): a drop frees memory all over the node, not a whole 1G range");
	run(&r, ladder);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "drop clean page cache and reclaimable slab on every node");
}

/* A kernel without NUMA sysfs: node 0 is the global pool and vm/compact_memory. */
static void kernel_without_numa(void **state)
{
	static struct run r;
	const char *reserve[] = { "--root", "build/nn", "reserve", "2M:520@0", NULL };
	const char *compact[] = { "--root", "build/nn", "compact", "--node", "0", NULL };
	const char *apply[] = { "--root", "build/nn", "apply", "-c", "tests/policies/dpdk-nonuma.conf", NULL };
	const char *node_reclaim[] = { "--root", "build/nn", "reserve", "2M:600@0", "--ladder", "reclaim-node",
				       "--dry-run", NULL };
	const char *no_rounds[] = { "--root", "build/nn", "reserve", "2M:600@0", "--rounds", "0", "--dry-run", NULL };
	const char *check[] = { "--root", "build/nn", "check", "-c", "tests/policies/dpdk-nonuma.conf", NULL };
	char line[32];

	(void)state;
	/* gigantic: one node whose MemTotal is its managed memory, as without NUMA */
	sh("rm -rf build/nn && cp -r " FIXTURES "/gigantic build/nn && rm -r build/nn/sys/devices/system/node");
	run(&r, reserve);
	if (r.status != 0)
		fail_msg("reserve: exit %d: %s%s", r.status, r.out, r.err);
	assert_contains(r.out, "reserve 2M on all nodes: 512 -> 520");
	first_line("build/nn/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", line, sizeof(line));
	assert_string_equal(line, "520\n");
	/* check reads the global pool as node 0's */
	run(&r, check);
	if (r.status != 1)
		fail_msg("check: exit %d: %s%s", r.status, r.out, r.err);
	assert_contains(r.out, "Exit status 1: 1 pool at warn; 2M pool of node 0: 520 of 530 (10 short)\n");
	run(&r, compact);
	if (r.status != 0)
		fail_msg("compact: exit %d: %s%s", r.status, r.out, r.err);
	assert_contains(r.out, "compact all nodes");
	first_line("build/nn/proc/sys/vm/compact_memory", line, sizeof(line));
	assert_string_equal(line, "1\n");
	/* a policy's node steps and counts too */
	run(&r, apply);
	if (r.status > 1)
		fail_msg("apply: exit %d: %s%s", r.status, r.out, r.err);
	assert_contains(r.out, "reserve 2M on all nodes: 520 -> 530");
	/* one pool for the machine: no node to reclaim on */
	run(&r, node_reclaim);
	assert_int_equal(r.status, 64);
	assert_contains(r.err, "reclaim-node needs a node's pool, and this kernel (no NUMA sysfs) has one pool for the machine");
	/* --rounds 0: the first write only, no escalation */
	run(&r, no_rounds);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "      1. write 600 ");
	if (strstr(r.out, "while short"))
		fail_msg("--rounds 0 planned an escalation: %s", r.out);
	sh("rm -rf build/nn");
}

/*
 * Root of a user namespace (unshare -Ur as an ordinary user) is refused by
 * the permission check, 77 with nothing attempted, not by the kernel (2).
 */
static void user_namespace_refused(void **state)
{
	const char *bin = buddyctl_bin();
	char cmd[512];
	int st;

	(void)state;
	if (geteuid() != 0 || system("command -v setpriv >/dev/null && command -v unshare >/dev/null") != 0 ||
	    system("setpriv --reuid 65534 --regid 65534 --clear-groups unshare -Ur true 2>/dev/null") != 0)
		skip_because("needs root, setpriv and unprivileged user namespaces");
	snprintf(cmd, sizeof(cmd), "setpriv --reuid 65534 --regid 65534 --clear-groups unshare -Ur "
		 "%s reserve 2M:1@0 --lock-file /tmp/buddyctl-userns.lock > build/userns.out 2>&1", bin);
	st = system(cmd);
	if (WEXITSTATUS(st) == 126 || WEXITSTATUS(st) == 127)
		skip_because("uid 65534 cannot run %s here", bin);
	if (WEXITSTATUS(st) != 77) {
		sh("cat build/userns.out");
		fail_msg("exit %d, expected 77", WEXITSTATUS(st));
	}
	/*
	 * The escalation is chosen from the live machine's estimate: compaction
	 * and reclaim (6.18's node0/reclaim) may follow the pool or not.
	 */
	sh("grep -q 'node0/hugepages/hugepages-2048kB/nr_hugepages[^:]*: needs uid 0 of the initial "
	   "user namespace, or CAP_DAC_OVERRIDE; uid 0 here is uid 65534 outside this user namespace' build/userns.out");
	sh("grep -q 'nothing was done' build/userns.out");
	unlink("build/userns.out");
	unlink("/tmp/buddyctl-userns.lock");
}

/* Planted where buddyctl writes: a symlink as the lock, a FIFO as the state file. */
static void planted_files(void **state)
{
	static struct run r;
	const char *compact[] = { "--root", "build/pf", "compact", NULL };
	const char *apply[] = { "--root", "build/pf", "apply", "-c", "tests/policies/dpdk.conf",
				"--state-file", "/state", NULL };
	char line[64];

	(void)state;
	sh("rm -rf build/pf build/pf-victim && cp -r " FIXTURES "/four-node-sparse build/pf && "
	   "echo precious > build/pf-victim && mkdir build/pf/run && "
	   "ln -s ../../pf-victim build/pf/run/buddyctl.lock && mkfifo build/pf/state && mkdir build/pf/tmp");
	run(&r, compact);
	assert_int_equal(r.status, 74);
	assert_contains(r.err, "build/pf/run/buddyctl.lock: lock file is a symbolic link, not a regular file: refused");
	assert_string_equal(r.out, "");
	first_line("build/pf-victim", line, sizeof(line));
	assert_string_equal(line, "precious\n");
	/* the FIFO state file: a warning at once, and the run goes on */
	alarm(60);
	run(&r, apply);
	alarm(0);
	if (r.status != 1)
		fail_msg("apply: exit %d: %s", r.status, r.err);
	assert_contains(r.err, "buddyctl: warning: build/pf/state: a FIFO, not a regular file; state file ignored");
	assert_contains(r.out, "reserve 2M on node 6: 0 -> 100");
	sh("rm -rf build/pf build/pf-victim");
}


/*
 * The exit status comes from what the actions did: a SIGTERM that arrives
 * after the last one finished does not turn partial (1) into 130.
 */
static void outcome_from_results(void **state)
{
	volatile int stop = SIGTERM;
	struct kctx c = { .root = "/", .stop = &stop };
	struct plan p = { 0 };
	struct action_result res[2] = { 0 };
	struct finding still = { .node = 6, .level = LEVEL_CRIT, .why = "unusable index 0.990 >= crit 0.900" };
	struct outcome o;
	struct action *a;

	(void)state;
	a = plan_add(&p, ACT_RESERVE);
	a->node = 0;
	a->size_kb = 1048576;
	a->current = 0;
	a->target = 4;
	plan_add(&p, ACT_COMPACT_ALL);
	res[0] = (struct action_result){ .status = RES_PARTIAL, .before = 0, .after = 2 };
	res[1].status = RES_DONE;
	act_outcome(&p, res, &c, NULL, &o);
	assert_int_equal(o.code, 1);
	assert_string_equal(o.why, "reserve 1G on node 0: 0 -> 4: the kernel granted 2 of the 4 pages asked (2 short)");
	res[0].status = RES_DONE;
	res[0].after = 4;
	act_outcome(&p, res, &c, &still, &o);
	assert_int_equal(o.code, 1);
	assert_string_equal(o.why, "node 6 is still crit after remediation: unusable index 0.990 >= crit 0.900");
	act_outcome(&p, res, &c, NULL, &o);
	assert_int_equal(o.code, 0);
	assert_string_equal(o.why, "");
	res[1].status = RES_INTERRUPTED;
	act_outcome(&p, res, &c, NULL, &o);
	assert_int_equal(o.code, 130);
	assert_string_equal(o.why, "interrupted by SIGTERM: 1 of 2 actions not carried out");
	res[1].status = RES_FAILED;
	snprintf(res[1].error, sizeof(res[1].error), "/proc/sys/vm/compact_memory: writing '1': Invalid argument");
	act_outcome(&p, res, &c, NULL, &o);
	assert_int_equal(o.code, 2);
	assert_string_equal(o.why, "compact all nodes: /proc/sys/vm/compact_memory: writing '1': Invalid argument");
	snprintf(c.lock_lost, sizeof(c.lock_lost), "/run/buddyctl.lock: the lock file was removed");
	act_outcome(&p, res, &c, NULL, &o);
	assert_int_equal(o.code, 75);
	c.lock_lost[0] = '\0';
	/* a one-off reservation that got nothing: 2 */
	res[1] = (struct action_result){ .status = RES_DONE };
	res[0] = (struct action_result){ .status = RES_FAILED, .before = 0, .after = 0 };
	act_outcome(&p, res, &c, NULL, &o);
	assert_int_equal(o.code, 2);
	/* a policy target got nothing: warn (1), as check judges the pool ... */
	a = &p.a[0];	/* plan_add() may have moved it */
	a->judged = true;
	act_outcome(&p, res, &c, NULL, &o);
	assert_int_equal(o.code, 1);
	assert_string_equal(o.why, "reserve 1G on node 0: 0 -> 4: the kernel granted 0 of the 4 pages asked (4 short)");
	/* ... crit (2) when mandatory, also when it got some: the boot unit fails */
	a->mandatory = true;
	res[0] = (struct action_result){ .status = RES_PARTIAL, .before = 0, .after = 3 };
	act_outcome(&p, res, &c, NULL, &o);
	assert_int_equal(o.code, 2);
	assert_string_equal(o.why, "reserve 1G on node 0: 0 -> 4: the kernel granted 3 of the 4 pages asked (1 short; mandatory)");
	/* a short grant put back (keep = no): what the kernel granted, and that it went back */
	res[0] = (struct action_result){ .status = RES_FAILED, .before = 0, .after = 0, .restored = true,
					 .granted = 3 };
	act_outcome(&p, res, &c, NULL, &o);
	assert_int_equal(o.code, 2);
	assert_string_equal(o.why, "reserve 1G on node 0: 0 -> 4: the kernel granted 3 of the 4 pages asked (1 short; mandatory); keep = no put the 3 back: the pool is at 0 as before");
	a->judged = false;
	act_outcome(&p, res, &c, NULL, &o);
	assert_int_equal(o.code, 2);
	assert_string_equal(o.why, "reserve 1G on node 0: 0 -> 4: the kernel granted 3 of the 4 pages asked (1 short); --restore put the 3 back: the pool is at 0 as before");
	a->judged = true;
	/* an error is 2 whatever the target */
	a->mandatory = false;
	res[0].status = RES_FAILED;
	snprintf(res[0].error, sizeof(res[0].error), "nr_hugepages: writing '4': Invalid argument");
	act_outcome(&p, res, &c, NULL, &o);
	assert_int_equal(o.code, 2);
	plan_free(&p);
}

/*
 * A node at warn or crit whose remediation min_interval held back makes a
 * run that would end 0 end 1, naming the node, its level and until when;
 * the worst level first (1796612400 is 2026-12-07 03:00:00 UTC, date -u -d @).
 * Worse outcomes keep theirs.
 */
static void held_back_outcome(void **state)
{
	struct finding f[3] = {
		{ .kind = FINDING_FRAGMENTATION, .node = 0, .level = LEVEL_WARN, .held_until = 1796612345 },
		{ .kind = FINDING_FRAGMENTATION, .node = 2, .level = LEVEL_CRIT, .held_until = 1796612400 },
		{ .kind = FINDING_POOL, .node = 0, .level = LEVEL_WARN },
	};
	struct outcome o = { .code = 0 };

	(void)state;
	act_held_back(f, 3, &o);
	assert_int_equal(o.code, 1);
	assert_string_equal(o.why, "node 2 is crit, its remediation held back by min_interval until 2026-12-07 03:00:00 UTC (and 1 more node held back)");
	o = (struct outcome){ .code = 0 };
	act_held_back(f, 1, &o);
	assert_string_equal(o.why, "node 0 is warn, its remediation held back by min_interval until 2026-12-07 02:59:05 UTC");
	o = (struct outcome){ .code = 2 };
	snprintf(o.why, sizeof(o.why), "compact node 6: failed");
	act_held_back(f, 3, &o);
	assert_int_equal(o.code, 2);
	assert_string_equal(o.why, "compact node 6: failed");
	/* nothing held back: 0 stays 0 */
	f[0].held_until = f[1].held_until = 0;
	o = (struct outcome){ .code = 0 };
	act_held_back(f, 3, &o);
	assert_int_equal(o.code, 0);
	assert_string_equal(o.why, "");
}

/* Without --config and without /etc/buddyctl/buddyctl.conf: the built-in defaults. */
static void builtin_defaults(void **state)
{
	static struct run r;
	const char *args[] = { "--root", FIXTURES "/four-node-sparse", "check", NULL };

	(void)state;
	if (access(DEFAULT_CONFIG, F_OK) == 0)
		skip_because(DEFAULT_CONFIG " exists on this machine");
	run(&r, args);
	assert_int_equal(r.status, 2);
	assert_contains(r.out, "Policy (built-in defaults)");
	assert_contains(r.out, "node 6   crit");
}

/*
 * plan --kernel-cmdline: stdout is the fragment and nothing else (for
 * scripts), how to install it goes to stderr. two-node has no osrelease.
 */
static void kernel_cmdline(void **state)
{
	static struct run r;
	const char *ok[] = { FX("two-node"), "--config", "tests/policies/pools.conf", "plan",
			     "--kernel-cmdline", NULL };
	const char *gig[] = { FX("rhel6"), "--config", "tests/policies/boot.conf", "plan",
			      "--kernel-cmdline", NULL };
	const char *bad[] = { FX("two-node"), "--config", "tests/policies/pools.conf", "apply",
			      "--kernel-cmdline", NULL };
	const char *fmt[] = { FX("two-node"), "--config", "tests/policies/pools.conf", "--format", "prometheus",
			      "plan", "--kernel-cmdline", NULL };

	(void)state;
	run(&r, ok);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "hugepagesz=2M hugepages=0:40,1:64\n");
	assert_contains(r.err, "# to reserve at boot with GRUB: buddyctl plan --kernel-cmdline --grub, then update-grub, reboot");
	assert_contains(r.err, "# kernel release unknown (no proc/sys/kernel/osrelease)");
	/* the tree names no architecture: the smallest limit known, said so */
	assert_contains(r.err, "# the fragment takes 33 of the 895 bytes of the unknown architecture's kernel command line\n");
	run(&r, bad);
	assert_int_equal(r.status, 64);
	assert_contains(r.err, "option --kernel-cmdline does not apply to 'apply'");
	run(&r, fmt);
	assert_int_equal(r.status, 64);
	assert_string_equal(r.out, "");
	run(&r, gig);
	if (r.status == 0)
		fail_msg("boot.conf on rhel6 (no 1G pages) printed '%s'", r.out);
	assert_int_equal(r.status, 78);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "tests/policies/boot.conf:5: [hugepages 1G]: this machine offers no 1048576 kB hugepages");
	ok[3] = "tests/policies/boot.conf";
	run(&r, ok);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "hugepagesz=1G hugepages=0:4,1:4 hugepagesz=2M hugepages=2048\n");
}

/* A count above what the node could ever hold, with force = yes: put on the line as asked. */
static void kernel_cmdline_forced(void **state)
{
	static struct run r;
	const char *args[] = { FX("vm"), "-c", "tests/policies/toomuch-forced.conf", "plan", "--kernel-cmdline", NULL };

	(void)state;
	run(&r, args);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	assert_string_equal(r.out, "hugepagesz=2M hugepages=0:100000\n");
	assert_contains(r.err, "# offer the line above");
}

/* A policy that reserves nothing: nothing to put on the command line, and that is no error. */
static void kernel_cmdline_nothing(void **state)
{
	static struct run r;
	const char *args[] = { FX("two-node"), "--config", "build/nothing.conf", "plan", "--kernel-cmdline", NULL };

	(void)state;
	sh("printf '[run]\\nmin_interval = 1m\\n' > build/nothing.conf");
	run(&r, args);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "# build/nothing.conf reserves no hugepages: nothing to put on the kernel command line\n");
	unlink("build/nothing.conf");
}

/*
 * A fragment longer than the kernel takes, on a 200-node x86-64 tree: a
 * total that does not split evenly is given per node, "0:2,1:1,...,199:1"
 * (ids of 1, 2 and 3 digits: 10 x 4 + 90 x 5 + 100 x 6 - 1 = 1089 bytes)
 * after "hugepagesz=2M hugepages=" (24): 1113 bytes a size, 2227 for 2M
 * and 1G, above x86-64's 2047 (COMMAND_LINE_SIZE 2048): refused as the
 * policy's (78), naming it and the limit. With totals of 200,000,001
 * (force = yes) each size takes 24 + 10 x 10 + 90 x 11 + 100 x 12 - 1 =
 * 2313 bytes, 4627 for both, above the 4096 once reported as an internal
 * error (70): the same refusal.
 */
static void kernel_cmdline_too_long(void **state)
{
	static struct run r;
	const char *args[] = { "--root", "build/kc200", "--config", "build/kc200.conf", "plan", "--kernel-cmdline", NULL };

	(void)state;
	sh("rm -rf build/kc200 && sh bench/gen-tree.sh 200 build/kc200 >/dev/null && "
	   "mkdir -p build/kc200/proc/sys/kernel && echo x86_64 > build/kc200/proc/sys/kernel/arch");
	sh("printf '[hugepages 2M]\\ntotal = 201\\n[hugepages 1G]\\ntotal = 201\\n' > build/kc200.conf");
	run(&r, args);
	if (r.status != 78)
		fail_msg("exit %d: stdout %zu bytes: %s", r.status, strlen(r.out), r.err);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "buddyctl: build/kc200.conf: the kernel parameters for its hugepage targets take 2227 "
			"bytes; the x86_64 kernel command line holds at most 2047 (COMMAND_LINE_SIZE 2048");
	sh("printf '[hugepages 2M]\\nforce = yes\\ntotal = 200000001\\n"
	   "[hugepages 1G]\\nforce = yes\\ntotal = 200000001\\n' > build/kc200.conf");
	run(&r, args);
	if (r.status != 78)
		fail_msg("exit %d: %s", r.status, r.err);
	assert_contains(r.err, "take 4627 bytes; the x86_64 kernel command line holds at most 2047");
	/* one size only: 1113 bytes fit, but more than half: a warning */
	sh("printf '[hugepages 2M]\\ntotal = 201\\n' > build/kc200.conf");
	run(&r, args);
	assert_int_equal(r.status, 0);
	assert_int_equal(strlen(r.out), 1114);
	assert_contains(r.err, "# the fragment takes 1113 of the 2047 bytes of the x86_64 kernel command line (proc/sys/kernel/arch)\n");
	assert_contains(r.err, "# warning: the fragment takes more than half of the command line: the rest of it (cat /proc/cmdline) "
			"must fit in the other 934 bytes; a longer line is not cut short, it may not boot at all");
	sh("rm -rf build/kc200 build/kc200.conf");
}

/*
 * --grub: the drop-in, valid sh that grub-mkconfig sources after
 * /etc/default/grub. Sourcing both gives the old words without the
 * hugepage ones, then the policy's; running it again writes the same file;
 * the words already in GRUB's files are named on stderr.
 */
static void kernel_cmdline_grub(void **state)
{
	static struct run r;
	const char *args[] = { "--root", "build/kg", "--config", "tests/policies/pools.conf", "plan",
			       "--kernel-cmdline", "--grub", NULL };
	const char *none[] = { "--root", "build/kg", "--config", "build/kg.conf", "plan", "--kernel-cmdline",
			       "--grub", NULL };
	const char *alone[] = { "--root", "build/kg", "--config", "tests/policies/pools.conf", "plan", "--grub", NULL };
	static const char *const shells[] = { "sh", "dash", "bash --posix" };
	static const char want[] = "console=ttyS0 default_hugepagesz=2M * hugepagesz=2M hugepages=0:40,1:64|quiet|0";
	char cmd[1024], got[512];
	unsigned i;
	int fd;

	(void)state;
	sh("rm -rf build/kg && cp -r " FIXTURES "/two-node build/kg && mkdir -p build/kg/etc/default && "
	   "printf 'GRUB_DEFAULT=0\\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet hugepages=8\"\\n"
	   "# GRUB_CMDLINE_LINUX=\"hugepages=1\"\\n"
	   "GRUB_CMDLINE_LINUX=\"console=ttyS0 hugepagesz=2M hugepages=512 default_hugepagesz=2M *\"\\n' > build/kg/etc/default/grub");
	run(&r, args);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	assert_string_equal(r.out, "hugepagesz=2M hugepages=0:40,1:64\n");
	assert_contains(r.err, "# wrote build/kg/etc/default/grub.d/zz-buddyctl.cfg: run update-grub, then reboot\n");
	assert_contains(r.err, "# /etc/default/grub:2 sets hugepages=8: the drop-in takes it off the kernel command line");
	assert_contains(r.err, "# /etc/default/grub:4 sets hugepagesz=2M hugepages=512: the drop-in takes them off");
	sh("sh -n build/kg/etc/default/grub.d/zz-buddyctl.cfg");
	/* as grub-mkconfig does it: set -e, /etc/default/grub, then grub.d/\*.cfg */
	for (i = 0; i < sizeof(shells) / sizeof(shells[0]); i++) {
		snprintf(cmd, sizeof(cmd), "command -v %.4s >/dev/null || exit 0; cd build/kg && %s -ec '"
			 ". etc/default/grub; for x in etc/default/grub.d/*.cfg; do . \"$x\"; done; "
			 "printf \"%%s|%%s|%%s\" \"$GRUB_CMDLINE_LINUX\" \"$GRUB_CMDLINE_LINUX_DEFAULT\" "
			 "\"$(set | grep -c ^buddyctl_)$-\"' > ../kg.out", shells[i], shells[i]);
		sh(cmd);
		fd = open("build/kg.out", O_RDONLY);
		assert_true(fd >= 0);
		test_drain(fd, got, sizeof(got));
		close(fd);
		if (!got[0])
			continue;	/* no such shell here */
		/* the * is a word, not a glob; globbing is on again; no variable left behind */
		if (strncmp(got, want, strlen(want)) || strchr(got + strlen(want), 'f'))
			fail_msg("%s: '%s'", shells[i], got);
	}
	/* again: the same file */
	sh("cp build/kg/etc/default/grub.d/zz-buddyctl.cfg build/kg.first");
	run(&r, args);
	assert_int_equal(r.status, 0);
	sh("cmp build/kg.first build/kg/etc/default/grub.d/zz-buddyctl.cfg");
	/* a policy that reserves nothing: the drop-in still takes the old words off */
	sh("printf '[run]\\nmin_interval = 1m\\n' > build/kg.conf");
	run(&r, none);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "");
	sh("cd build/kg && sh -ec '. etc/default/grub; . etc/default/grub.d/zz-buddyctl.cfg; "
	   "test \"$GRUB_CMDLINE_LINUX\" = \"console=ttyS0 default_hugepagesz=2M *\"'");
	/* --grub belongs to --kernel-cmdline; no GRUB, no drop-in */
	run(&r, alone);
	assert_int_equal(r.status, 64);
	sh("rm build/kg/etc/default/grub build/kg/etc/default/grub.d/zz-buddyctl.cfg");
	run(&r, args);
	assert_int_equal(r.status, 66);
	assert_contains(r.err, "build/kg/etc/default/grub: No such file or directory: --grub writes a drop-in for GRUB's settings");
	assert_int_equal(access("build/kg/etc/default/grub.d/zz-buddyctl.cfg", F_OK), -1);
	sh("rm -rf build/kg build/kg.conf build/kg.out build/kg.first");
}

/* The lines of text that give the advice (offers, rules, whys, warnings), into a file. */
static void advice_lines(const char *text, const char *path)
{
	FILE *f = fopen(path, "w");
	const char *line, *nl;

	assert_non_null(f);
	for (line = text; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		if (!strncmp(line, "# offer ", 8) || !strncmp(line, "# not offered: ", 15) ||
		    !strncmp(line, "#   ", 4) || !strncmp(line, "# warning: ", 11))
			fprintf(f, "%.*s\n", (int)(nl - line), line);
	}
	assert_int_equal(fclose(f), 0);
}

/*
 * plan --kernel-cmdline on the boot trees (tests/fixtures/boot): what the
 * running kernel takes beside the fragment, with its rule and why, and the
 * traps; the same in the text (stderr), GRUB's drop-in (as comments) and
 * the plan's JSON (kernel_cmdline). cma-7.3 has CmaTotal and hugetlb_cma=
 * on its command line; nocma-6.1 has no CmaTotal (Debian's 6.1).
 */
static void kernel_cmdline_remedies(void **state)
{
	static struct run r, j;
	const char *text[] = { "--root", "build/kr", "--config", "tests/policies/boot-pernode.conf", "plan",
			       "--kernel-cmdline", "--grub", NULL };
	const char *json[] = { "--root", "build/kr", "--config", "tests/policies/boot-pernode.conf", "--format",
			       "json", "plan", "--kernel-cmdline", NULL };
	const char *jgrub[] = { "--root", "build/kr", "--config", "tests/policies/boot-pernode.conf", "--format",
				"json", "plan", "--kernel-cmdline", "--grub", NULL };
	static const char frag[] = "hugepagesz=1G hugepages=0:1,1:2 hugepagesz=2M hugepages=0:16,1:8";

	(void)state;
	sh("rm -rf build/kr && cp -r " FIXTURES "/boot/cma-7.3 build/kr && mkdir -p build/kr/etc/default && "
	   "printf 'GRUB_CMDLINE_LINUX=\"quiet\"\\n' > build/kr/etc/default/grub");
	run(&r, text);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	assert_string_equal(r.out, "hugepagesz=1G hugepages=0:1,1:2 hugepagesz=2M hugepages=0:16,1:8\n");
	assert_contains(r.err, "# offer the line above\n#   rule: hugepagesz=SIZE hugepages=N: every kernel; the per-node "
			"form NODE:N from Linux 5.16");
	assert_contains(r.err, "# offer hugetlb_cma=0:1G,1:2G\n#   rule: Linux 5.7 in total (hugetlb_cma=SIZE), 5.16 per node "
			"(hugetlb_cma=NODE:SIZE,...); only a kernel built with CONFIG_CMA (CmaTotal in /proc/meminfo)\n"
			"#   why: for gigantic pools that must grow and shrink at runtime");
	assert_contains(r.err, "In place of hugepagesz=1G hugepages=0:1,1:2, never beside: the kernel skips boot-time "
			"gigantic pages while hugetlb_cma is set\n");
	assert_contains(r.err, "# not offered: hugepage_alloc_threads=\n#   rule: Linux 6.15; non-gigantic pages only\n"
			"#   why not: 48M of non-gigantic pages are quick to allocate at boot");
	assert_contains(r.err, "# warning: hugetlb_cma= is on the running command line: while it is there the kernel skips "
			"boot-time gigantic pages and hugepagesz=1G hugepages=0:1,1:2 gives none");
	/* 7.3 keeps a node's gigantic pages on it */
	if (strstr(r.err, "another node"))
		fail_msg("7.3 warned of the node fallback:\n%s", r.err);
	/* the drop-in says the same, line for line */
	advice_lines(r.err, "build/kr.text");
	sh("sh -n build/kr/etc/default/grub.d/zz-buddyctl.cfg");
	sh("grep -E '^# (offer |not offered: |warning: )|^#   ' build/kr/etc/default/grub.d/zz-buddyctl.cfg > build/kr.grub; "
	   "cmp build/kr.text build/kr.grub");
	sh("test $(wc -l < build/kr.text) = 10");
	/* the JSON: the plan's report with the same words, rules and whys */
	run(&j, json);
	if (j.status != 0)
		fail_msg("exit %d: %s", j.status, j.err);
	assert_contains(j.out, "\"kernel_cmdline\":{\"fragment\":\"hugepagesz=1G hugepages=0:1,1:2 hugepagesz=2M "
			"hugepages=0:16,1:8\",\"kernel_release\":\"7.3.4+deb13-cloud-amd64\",\"arch\":\"x86_64\","
			"\"line_limit\":2047,\"fragment_bytes\":64,\"remedies\":[{\"option\":\"hugepages\",\"offered\":true,"
			"\"words\":\"hugepagesz=1G hugepages=0:1,1:2 hugepagesz=2M hugepages=0:16,1:8\",\"replaces\":null,");
	assert_contains(j.out, "{\"option\":\"hugetlb_cma\",\"offered\":true,\"words\":\"hugetlb_cma=0:1G,1:2G\","
			"\"replaces\":\"hugepagesz=1G hugepages=0:1,1:2\",\"rule\":\"Linux 5.7 in total");
	assert_contains(j.out, "{\"option\":\"hugepage_alloc_threads\",\"offered\":false,\"words\":null,\"replaces\":null,"
			"\"rule\":\"Linux 6.15; non-gigantic pages only\",\"why\":\"48M of non-gigantic pages");
	assert_contains(j.out, "\"warnings\":[{\"code\":\"hugetlb-cma-set\",\"text\":\"hugetlb_cma= is on the running command line");
	assert_contains(j.out, "\"command\":\"plan\"");
	assert_contains(j.out, frag);
	/* --grub is the text form's */
	run(&j, jgrub);
	assert_int_equal(j.status, 64);

	/* Debian's 6.1: no CMA, said why; the node fallback warned of */
	sh("rm -rf build/kr && cp -r " FIXTURES "/boot/nocma-6.1 build/kr && mkdir -p build/kr/etc/default && "
	   "printf 'GRUB_CMDLINE_LINUX=\"quiet\"\\n' > build/kr/etc/default/grub");
	run(&r, text);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "hugepagesz=1G hugepages=0:1,1:2 hugepagesz=2M hugepages=0:16,1:8\n");
	assert_contains(r.err, "# not offered: hugetlb_cma=\n#   rule: Linux 5.7 in total");
	assert_contains(r.err, "#   why not: /proc/meminfo has no CmaTotal: this kernel is built without CONFIG_CMA and "
			"ignores hugetlb_cma=");
	assert_contains(r.err, "# warning: Linux 6.1 may take a node's gigantic boot pages from another node when that node "
			"has no room");
	advice_lines(r.err, "build/kr.text");
	sh("grep -E '^# (offer |not offered: |warning: )|^#   ' build/kr/etc/default/grub.d/zz-buddyctl.cfg > build/kr.grub; "
	   "cmp build/kr.text build/kr.grub");
	run(&j, json);
	assert_int_equal(j.status, 0);
	assert_contains(j.out, "{\"option\":\"hugetlb_cma\",\"offered\":false,\"words\":null,\"replaces\":null,");
	assert_contains(j.out, "\"why\":\"/proc/meminfo has no CmaTotal: this kernel is built without CONFIG_CMA");
	assert_contains(j.out, "\"warnings\":[{\"code\":\"gigantic-node-fallback\",\"text\":\"Linux 6.1 may take");

	/* booted with default_hugepagesz=1G: HugePages_* and vm.nr_hugepages mean 1G there */
	sh("sed -i 's/$/ default_hugepagesz=1G/' build/kr/proc/cmdline");
	run(&r, text);
	assert_int_equal(r.status, 0);
	assert_contains(r.err, "# warning: the default hugepage size is 1G (default_hugepagesz=1G on the running command line): "
			"/proc/meminfo's HugePages_*, vm.nr_hugepages and hugetlbfs mounts without pagesize= mean 1G pages, "
			"while the 2M folders stay");
	run(&j, json);
	assert_contains(j.out, "{\"code\":\"default-hugepagesz\",\"text\":\"the default hugepage size is 1G");
	sh("rm -rf build/kr build/kr.text build/kr.grub");
}

/* plan --pools-only: the boot unit's plan, reservations only. */
static void pools_only(void **state)
{
	static struct run r;
	const char *args[] = { FX("four-node-sparse"), "--config", "tests/policies/pools-mandatory.conf",
			       "plan", "--pools-only", NULL };
	const char *full[] = { FX("four-node-sparse"), "--config", "tests/policies/pools-mandatory.conf",
			       "plan", NULL };

	(void)state;
	run(&r, full);
	assert_int_equal(r.status, 0);
	/* an action of its own, not a step of a reservation's escalation */
	assert_contains(r.out, "compact node 6\n      why:");
	run(&r, args);
	assert_int_equal(r.status, 0);
	if (strstr(r.out, "compact node 6\n      why:"))
		fail_msg("--pools-only planned a compaction:\n%s", r.out);
	assert_contains(r.out, "(not remediated: --pools-only)");
	assert_contains(r.out, "reserve 2M");
}

/*
 * A vm.nr_hugepages in the tree's etc/sysctl.d and a policy target of the
 * default size (two-node's Hugepagesize is 2M): check, plan and apply warn,
 * naming both lines, and JSON carries it; the exit status is the findings'.
 * A policy of another size, or no such file: nothing is said. A sysctl file
 * that cannot be read is a note (not with --quiet), never an error.
 */
static void sysctl_fights(void **state)
{
	static struct run r;
	static const char warning[] =
		"buddyctl: warning: build/sy/etc/sysctl.d/80-hugepages.conf:3 sets vm.nr_hugepages = 512, and "
		"tests/policies/floor.conf:8 sets the 2M pool: each undoes the other (sysctl at boot and at every "
		"sysctl --system, buddyctl after it); keep one\n";
	const char *check[] = { "check", "--root", "build/sy", "-c", "tests/policies/floor.conf", NULL };
	const char *json[] = { "check", "--root", "build/sy", "-c", "tests/policies/floor.conf", "-f", "json", NULL };
	const char *plan[] = { "plan", "--root", "build/sy", "-c", "tests/policies/floor.conf", NULL };
	const char *apply[] = { "apply", "--root", "build/sy", "-c", "tests/policies/shrink.conf", "--quiet", NULL };
	const char *other[] = { "check", "--root", "build/sy", "-c", "tests/policies/order.conf", "-f", "json", NULL };
	const char *quiet[] = { "--quiet", "check", "--root", "build/sy", "-c", "tests/policies/floor.conf", NULL };

	(void)state;
	sh("rm -rf build/sy && cp -r " FIXTURES "/two-node build/sy && mkdir -p build/sy/etc/sysctl.d && "
	   "printf '# for the guests\\n\\nvm.nr_hugepages = 512\\n' > build/sy/etc/sysctl.d/80-hugepages.conf");
	run(&r, check);
	assert_int_equal(r.status, 0);
	assert_contains(r.err, warning);
	run(&r, json);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, ",\"warnings\":[{\"kind\":\"sysctl\",\"file\":\"build/sy/etc/sysctl.d/80-hugepages.conf\","
			"\"line\":3,\"key\":\"vm.nr_hugepages\",\"value\":\"512\",\"size_kb\":2048,\"policy_line\":8,"
			"\"text\":\"build/sy/etc/sysctl.d/80-hugepages.conf:3 sets vm.nr_hugepages = 512, and ");
	run(&r, plan);
	assert_int_equal(r.status, 0);
	assert_contains(r.err, warning);
	/*
	 * the timer's apply (every 10 minutes): not on stderr, in JSON only;
	 * it frees node 1's 32 pages (shrink = yes)
	 */
	run(&r, apply);
	assert_int_equal(r.status, 0);
	assert_null(strstr(r.err, "warning"));
	assert_file_contains("build/sy/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages", "32");
	{
		const char *aj[] = { "apply", "--root", "build/sy", "-c", "tests/policies/shrink.conf", "-f", "json", NULL };
		const char *boot[] = { "apply", "--root", "build/sy", "-c", "tests/policies/shrink.conf", "--pools-only", "--quiet", NULL };

		run(&r, aj);
		assert_int_equal(r.status, 0);
		assert_null(strstr(r.err, "warning"));
		assert_contains(r.out, "tests/policies/shrink.conf:6 sets the 2M pool");
		/* the boot unit's apply --pools-only says it, --quiet or not */
		run(&r, boot);
		assert_int_equal(r.status, 0);
		assert_contains(r.err, "tests/policies/shrink.conf:6 sets the 2M pool");
	}
	/* the 2M section comes after the 1G one in order.conf: its line is 7 */
	run(&r, other);
	assert_contains(r.out, "\"policy_line\":7,");
	/* a 1G-only policy fights no sysctl file of the 2M pool */
	sh("printf '[hugepages 1G]\\ncount = 0:0\\n' > build/sy-1g.conf");
	{
		const char *g[] = { "check", "--root", "build/sy", "-c", "build/sy-1g.conf", "-f", "json", NULL };

		run(&r, g);
		assert_int_equal(r.status, 0);
		assert_contains(r.out, ",\"warnings\":[],");
		assert_null(strstr(r.err, "warning"));
	}
	/* a file that cannot be read: a note, the same exit status */
	sh("mkfifo build/sy/etc/fifo && ln -s ../fifo build/sy/etc/sysctl.d/90-fifo.conf");
	run(&r, check);
	assert_int_equal(r.status, 0);
	assert_contains(r.err, warning);
	assert_contains(r.err, "buddyctl: note: sysctl files not read, so not compared with the policy: "
			"build/sy/etc/sysctl.d/90-fifo.conf: not a regular file\n");
	run(&r, quiet);
	assert_int_equal(r.status, 0);
	assert_contains(r.err, warning);
	assert_null(strstr(r.err, "note:"));
	/* no sysctl file: nothing said */
	sh("rm -rf build/sy/etc");
	run(&r, check);
	assert_null(strstr(r.err, "warning"));
}

/* JOURNAL_STREAM names fd 2 only with its exact device and inode. */
static void journal_stream(void **state)
{
	char path[] = "/tmp/buddyctl-test-journal.XXXXXX", v[64];
	int fd = mkstemp(path);
	struct stat st;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	assert_true(log_is_journal(v, fd));
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino + 1);
	assert_false(log_is_journal(v, fd));
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev + 1, (unsigned long long)st.st_ino);
	assert_false(log_is_journal(v, fd));
	snprintf(v, sizeof(v), "%llu:%llux", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	assert_false(log_is_journal(v, fd));
	snprintf(v, sizeof(v), " %llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	assert_false(log_is_journal(v, fd));
	snprintf(v, sizeof(v), "%llu:-%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	assert_false(log_is_journal(v, fd));
	assert_false(log_is_journal(NULL, fd));
	assert_false(log_is_journal("", fd));
	assert_false(log_is_journal("1", fd));
	assert_false(log_is_journal(":1", fd));
	assert_false(log_is_journal("99999999999999999999999:1", fd));
	close(fd);
	unlink(path);
	/* a closed descriptor is nobody's journal */
	assert_false(log_is_journal("1:1", fd));
}

/* Every stderr line gets its priority when stderr is the journal, none otherwise. */
static void journal_priorities(void **state)
{
	static struct run r;
	const char *warn[] = { "check", FX("two-node"), "-c", "tests/policies/pools.conf", NULL };
	const char *crit[] = { "check", FX("two-node"), "-c", "tests/policies/pools-mandatory.conf", NULL };
	const char *ok[] = { "check", FX("two-node"), "-c", "tests/policies/defaults.conf", NULL };
	const char *usage[] = { "check", "--bogus", NULL };
	const char *bad[] = { "check", FX("vm"), "-c", "tests/policies/typo.conf", NULL };

	(void)state;
	run_journal = 1;
	run(&r, warn);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "<4>buddyctl check: 2M pool node 0 0/40 warn; exit 1\n");
	run_journal = 1;
	run(&r, crit);
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err, "<3>buddyctl check: 2M pool node 0 0/50 crit (mandatory); exit 2\n");
	run_journal = 1;
	run(&r, ok);
	assert_string_equal(r.err, "<6>buddyctl check: ok (2 nodes within policy); exit 0\n");
	run_journal = 1;
	run(&r, usage);
	assert_int_equal(r.status, 64);
	assert_string_equal(r.err, "<3>buddyctl: unknown option '--bogus'\n<3>Try 'buddyctl --help'.\n");
	run_journal = 1;
	run(&r, bad);
	assert_int_equal(r.status, 78);
	assert_string_equal(r.err, "<3>buddyctl: tests/policies/typo.conf:4: unknown key 'warn_unusble' in [fragmentation]\n");
	/* the variable, but stderr is another file: no prefix */
	run_journal = 2;
	run(&r, warn);
	assert_string_equal(r.err, "buddyctl check: 2M pool node 0 0/40 warn; exit 1\n");
	/* no variable */
	run(&r, warn);
	assert_string_equal(r.err, "buddyctl check: 2M pool node 0 0/40 warn; exit 1\n");
}

/*
 * Untrusted text on the terminal, in the log line and in the plugin's
 * output: a buddyinfo token, a path, an osrelease, a sosreport's uname.
 * Each is shown with its control characters as escapes (\x1b, \r, \n),
 * and the Nagios output gets no '|' or line from input.
 */
#define ESC_DIR "build/esc"

static void esc_sh(const char *cmd)
{
	if (system(cmd) != 0)
		fail_msg("failed: %s", cmd);
}

/* No byte that acts on a terminal in s: ESC, CR, BEL. */
static void assert_inert(const char *what, const char *s)
{
	if (strchr(s, '\033') || strchr(s, '\r') || strchr(s, '\a'))
		fail_msg("%s: unescaped control characters in:\n%s", what, s);
}

/*
 * A buddyinfo count "1|evil=99;1;1;0;1" (what a forged perfdata item looks
 * like) in check -f nagios: the UNKNOWN line quotes it with \x7c, so the
 * line has no '|' and no perfdata; a policy path with '|' in the long text
 * neither adds one.
 */
static void nagios_untrusted_text(void **state)
{
	static struct run r;
	const char *poisoned[] = { "--root", ESC_DIR "/poisoned", "check", "-c", "tests/policies/defaults.conf",
				   "-f", "nagios", NULL };
	const char *online[] = { "--root", ESC_DIR "/online", "check", "-c", "tests/policies/defaults.conf",
				 "-f", "nagios", NULL };
	const char *path[] = { FX("two-node"), "check", "-c", ESC_DIR "/a|b.conf", "-f", "nagios", NULL };

	(void)state;
	esc_sh("rm -rf " ESC_DIR " && mkdir -p " ESC_DIR " && cp -r " FIXTURES "/vm " ESC_DIR "/poisoned && "
	       "sed -i '1s/ [0-9]* *$/ 1|evil=99;1;1;0;1/' " ESC_DIR "/poisoned/proc/buddyinfo && "
	       "cp -r " FIXTURES "/two-node " ESC_DIR "/online && echo '0-1|x=1' > " ESC_DIR
	       "/online/sys/devices/system/node/online && "
	       "cp tests/policies/defaults.conf '" ESC_DIR "/a|b.conf'");
	run(&r, poisoned);
	assert_int_equal(r.status, 3);
	assert_contains(r.out, "BUDDYCTL UNKNOWN - " ESC_DIR "/poisoned/proc/buddyinfo:1: ");
	assert_contains(r.out, "'1\\x7cevil=99;1;1;0;1'\n");
	assert_null(strchr(r.out, '|'));
	assert_ptr_equal(strchr(r.out, '\n'), r.out + strlen(r.out) - 1);	/* one line */
	run(&r, online);
	assert_int_equal(r.status, 3);
	assert_contains(r.out, "'0-1\\x7cx=1'");
	assert_null(strchr(r.out, '|'));
	run(&r, path);
	assert_int_equal(r.status, 0);
	/* the status line's own '|' before the perfdata, and no other */
	assert_ptr_equal(strchr(r.out, '|'), strrchr(r.out, '|'));
	assert_true(strchr(r.out, '|') < strchr(r.out, '\n'));
	assert_contains(r.out, "\npolicy " ESC_DIR "/a\\x7cb.conf\n");
	esc_sh("rm -rf " ESC_DIR);
}

/*
 * A path with ESC and a newline in an error: one line on stderr (also to
 * the journal, one "<3>"), the characters as escapes.
 */
static void log_line_escaped(void **state)
{
	static struct run r;
	const char *args[] = { "status", "--root", "/nonexistent\033[2J\nbuddyctl: fake line", NULL };

	(void)state;
	run(&r, args);
	assert_int_equal(r.status, 66);
	assert_string_equal(r.err, "buddyctl: /nonexistent\\x1b[2J\\nbuddyctl: fake line: No such file or directory\n");
	run_journal = 1;
	run(&r, args);
	assert_string_equal(r.err, "<3>buddyctl: /nonexistent\\x1b[2J\\nbuddyctl: fake line: No such file or directory\n");
}

/*
 * plan --kernel-cmdline says which release it read, escaped, and tells an
 * osrelease that is there but unparseable from a missing one.
 */
static void osrelease_untrusted(void **state)
{
	static struct run r;
	const char *args[] = { "--root", ESC_DIR "/rel", "--config", "tests/policies/pools.conf", "plan",
			       "--kernel-cmdline", NULL };

	(void)state;
	esc_sh("rm -rf " ESC_DIR " && mkdir -p " ESC_DIR " && cp -r " FIXTURES "/two-node " ESC_DIR "/rel && "
	       "mkdir -p " ESC_DIR "/rel/proc/sys/kernel && "
	       "printf '6.1.0-27\\033[2J\\033]0;pwned\\007-amd64\\n' > " ESC_DIR "/rel/proc/sys/kernel/osrelease");
	run(&r, args);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "hugepagesz=2M hugepages=0:40,1:64\n");
	assert_inert("osrelease", r.err);
	assert_contains(r.err, "# for Linux 6.1.0-27\\x1b[2J\\x1b]0;pwned\\x07-amd64, from tests/policies/pools.conf\n");
	esc_sh("printf '\\033[2Jgarbage\\r\\n' > " ESC_DIR "/rel/proc/sys/kernel/osrelease");
	run(&r, args);
	assert_int_equal(r.status, 0);
	assert_inert("osrelease", r.err);
	assert_contains(r.err, "# kernel release unknown (proc/sys/kernel/osrelease is unparseable: "
			"'\\x1b[2Jgarbage\\r'): the per-node form");
	esc_sh("rm -rf " ESC_DIR);
}

/*
 * A sosreport whose page size only its uname can tell: the uname line is
 * shown escaped; one that names no architecture is said to be there but
 * unparseable, not absent.
 */
static void uname_untrusted(void **state)
{
	static struct run r;
	const char *args[] = { "--root", ESC_DIR "/sos", "status", NULL };

	(void)state;
	/* no THP or hugepage size, no node meminfo, a MemTotal that fits no page size */
	esc_sh("rm -rf " ESC_DIR " && mkdir -p " ESC_DIR " && cp -r " FIXTURES "/sosreport " ESC_DIR "/sos && cd "
	       ESC_DIR "/sos && rm -r sys/kernel/mm uname sys/devices/system/node/node*/meminfo && "
	       "sed -i -e '/^Hugepagesize/d' -e 's/^MemTotal:.*/MemTotal: 100 kB/' proc/meminfo && "
	       "printf 'Linux h\\033[2J\\033]0;pwned\\007 5.14.0 #1 SMP\\r aarch64 GNU/Linux\\n' > "
	       "sos_commands/kernel/uname_-a");
	run(&r, args);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	assert_inert("uname", r.out);
	assert_contains(r.out, "\npage size 4K worked out from sos_commands/kernel/uname_-a: aarch64 "
			"(Linux h\\x1b[2J\\x1b]0;pwned\\x07 5.14.0 #1 SMP\\r aarch64 GNU/Linux)\n");
	esc_sh("printf 'Linux h 5.14.0 #1 SMP \\033[2J mystery GNU/Linux\\n' > " ESC_DIR "/sos/sos_commands/kernel/uname_-a");
	run(&r, args);
	assert_int_equal(r.status, 0);
	assert_inert("uname", r.out);
	assert_contains(r.out, "\npage size 4K assumed: sos_commands/kernel/uname_-a is there but unparseable: "
			"no architecture buddyctl knows in 'Linux h 5.14.0 #1 SMP \\x1b[2J mystery GNU/Linux'; "
			"no other evidence of the page size in the tree");
	esc_sh("rm -rf " ESC_DIR);
}

/*
 * The option table (cli/options.c): values into their fields, an alias
 * named as the option, the first misplaced option in the table's order,
 * --help wherever it stands, and the options that exclude each other.
 */
static void options_table(void **state)
{
	char *plan[] = { "buddyctl", "plan", "-r", "tests/fixtures/vm", "--time-budget", "2m", "--colour",
			 "never", "--state-file", "s", "-f", "json", NULL };
	char *misplaced[] = { "buddyctl", "status", "--grub", "--level", "x", "--dry-run", NULL };
	char *alias[] = { "buddyctl", "diff", "a", "b", "--colour", "always", "--node", "0", NULL };
	char *help[] = { "buddyctl", "frobnicate", "--rounds", "7", "-h", "--bogus", NULL };
	char *rounds[] = { "buddyctl", "reserve", "--rounds", "4294967297", "2M:1", NULL };
	char *both[] = { "buddyctl", "plan", "--kernel-cmdline", "--wait", "1s", NULL };
	char *grub[] = { "buddyctl", "plan", "--grub", NULL };
	struct cli_opts o;
	char msg[600];

	(void)state;
	assert_int_equal(options_parse(12, plan, &o, msg, sizeof(msg)), OPTS_RUN);
	assert_int_equal(o.cmd, C_PLAN);
	assert_string_equal(o.root, "tests/fixtures/vm");
	assert_true(o.time_budget == 120);
	assert_int_equal(o.color, 0);
	assert_string_equal(o.state_file, "s");
	assert_int_equal(o.format, FMT_JSON);
	assert_true(o.wait == -1 && o.rounds == -1 && !o.dry_run && o.nr_args == 0);

	assert_int_equal(options_parse(6, misplaced, &o, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "option --dry-run does not apply to 'status'");
	assert_int_equal(options_parse(8, alias, &o, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "option --node does not apply to 'diff'");
	assert_int_equal(o.color, 1);
	assert_int_equal(o.nr_args, 2);

	assert_int_equal(options_parse(6, help, &o, msg, sizeof(msg)), OPTS_HELP);
	assert_int_equal(o.rounds, 7);
	assert_int_equal(options_parse(5, rounds, &o, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "--rounds: '4294967297' is not a number from 0 to 100");
	assert_int_equal(options_parse(5, both, &o, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "--kernel-cmdline: no --format but json, no --pools-only, --dry-run, --time-budget, --wait, --lock-file or --state-file");
	assert_int_equal(options_parse(3, grub, &o, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "--grub writes the drop-in of plan --kernel-cmdline: give both");
}

/* check --color: the findings' levels in colour with always, never with never or auto to a file. */
static void check_color(void **state)
{
	static struct run r;
	const char *args[] = { FX("four-node-sparse"), "check", "-c", "tests/policies/dpdk.conf", "--color",
			       "always", NULL };

	(void)state;
	run(&r, args);
	assert_int_equal(r.status, 2);
	assert_contains(r.out, "  node 6   \033[1;31mcrit\033[0m  at 2M: ");
	assert_contains(r.out, "  node 0   \033[1;33mwarn\033[0m  2M pool: 32 of 100 (68 short)\n");
	assert_contains(r.out, "  node 0   \033[32mok\033[0m    at 2M: ");
	args[6] = "never";
	run(&r, args);
	assert_int_equal(r.status, 2);
	assert_null(strchr(r.out, '\033'));
	assert_contains(r.out, "  node 6   crit  at 2M: ");
	args[6] = "auto";
	run(&r, args);
	assert_null(strchr(r.out, '\033'));
}

int main(void)
{
	static const struct CMUnitTest before_table[] = {
		cmocka_unit_test(kernel_cmdline),
		cmocka_unit_test(kernel_cmdline_forced),
		cmocka_unit_test(kernel_cmdline_nothing),
		cmocka_unit_test(kernel_cmdline_too_long),
		cmocka_unit_test(kernel_cmdline_grub),
		cmocka_unit_test(kernel_cmdline_remedies),
		cmocka_unit_test(pools_only),
		cmocka_unit_test(sysctl_fights),
	};
	static const struct CMUnitTest after_table[] = {
		cmocka_unit_test(output_atomic),
		cmocka_unit_test(output_refuses_non_regular),
		cmocka_unit_test(output_refuses_device),
		cmocka_unit_test(map_output_atomic),
		cmocka_unit_test(map_prometheus_every_size),
		cmocka_unit_test(dry_run_writes_nothing),
		cmocka_unit_test(apply_on_fixture),
		cmocka_unit_test(busy),
		cmocka_unit_test(not_permitted),
		cmocka_unit_test(interrupted_while_waiting),
		cmocka_unit_test(unprivileged),
		cmocka_unit_test(unprivileged_hears_root_first),
		cmocka_unit_test(builtin_defaults),
		cmocka_unit_test(help_to_full_device),
		cmocka_unit_test(stdout_closed),
		cmocka_unit_test(stdout_reader_gone),
		cmocka_unit_test(reserve_judges_under_the_lock),
		cmocka_unit_test(apply_judges_under_the_lock),
		cmocka_unit_test(failed_remediation_not_recorded),
		cmocka_unit_test(kernel_without_numa),
		cmocka_unit_test(buddyinfo_capture),
		cmocka_unit_test(paste_forms),
		cmocka_unit_test(plan_of_capture),
		cmocka_unit_test(capture_not_this_host),
		cmocka_unit_test(planted_devices),
		cmocka_unit_test(user_namespace_refused),
		cmocka_unit_test(planted_files),
		cmocka_unit_test(outcome_from_results),
		cmocka_unit_test(held_back_outcome),
		cmocka_unit_test(remediation_recorded_at_its_start),
		cmocka_unit_test(fruitless_drop_left_out),
		cmocka_unit_test(reserve_gigantic_takes_no_drop),
		cmocka_unit_test(journal_stream),
		cmocka_unit_test(journal_priorities),
		cmocka_unit_test(nagios_untrusted_text),
		cmocka_unit_test(log_line_escaped),
		cmocka_unit_test(osrelease_untrusted),
		cmocka_unit_test(uname_untrusted),
		cmocka_unit_test(check_color),
		cmocka_unit_test(options_table),
	};
	/* the cases of the table, one test each, where the one test of the table ran */
	static struct CMUnitTest tests[sizeof(before_table) / sizeof(before_table[0]) + N_CASES +
				       sizeof(after_table) / sizeof(after_table[0])];
	size_t i, n = 0;

	for (i = 0; i < sizeof(before_table) / sizeof(before_table[0]); i++)
		tests[n++] = before_table[i];
	for (i = 0; i < N_CASES; i++)
		tests[n++] = (struct CMUnitTest){ .name = case_name(i), .test_func = table_case,
						  .initial_state = (void *)&cases[i] };
	for (i = 0; i < sizeof(after_table) / sizeof(after_table[0]); i++)
		tests[n++] = after_table[i];
	return cmocka_run_group_tests_name("cli", tests, setup, NULL);
}
