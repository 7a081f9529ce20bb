/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `buddyctl status`: reads a snapshot, explains each node under the policy and renders it. */
#include "cmd_status.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "explain.h"
#include "load.h"
#include "log.h"
#include "nodelist.h"
#include "out_json.h"
#include "out_prom.h"
#include "out_text.h"
#include "ownfile.h"
#include "output.h"
#include "proactiveness.h"
#include "snapshot.h"
#include "snapshot_read.h"

struct render_ctx {
	const struct snapshot *snap;
	struct outopts opts;
	enum out_format format;
};

static int render(FILE *f, void *p)
{
	struct render_ctx *c = p;

	switch (c->format) {
	case FMT_JSON:
		return status_json(f, c->snap, &c->opts);
	case FMT_PROMETHEUS:
		return status_prometheus(f, c->snap, &c->opts);
	default:
		return status_text(f, c->snap, &c->opts);
	}
}

/* Every node named in sel must exist; say which ones do when one does not. */
static int check_nodes(const struct snapshot *snap, const struct bitmask *sel,
		       struct bc_error *err)
{
	char have[256];
	size_t off = 0;
	unsigned id, i;

	for (id = 0; id < sel->size; id++) {
		if (!numa_bitmask_isbitset(sel, id) || snapshot_node(snap, (int)id))
			continue;
		for (i = 0; i < snap->nr_nodes && off + 16 < sizeof(have); i++)
			off += (size_t)snprintf(have + off, sizeof(have) - off, "%s%d",
						i ? "," : "", snap->nodes[i].id);
		return bc_error_set(err, BC_EUSAGE, "--node: node %u does not exist (nodes: %s)",
				    id, have);
	}
	return 0;
}

/* --node's syntax, before the machine is read: *sel, or NULL without --node. */
static int parse_nodes(const char *nodes, struct bitmask **sel, struct bc_error *err)
{
	*sel = NULL;
	if (!nodes)
		return 0;
	if (!nodes[0])
		return bc_error_set(err, BC_EUSAGE, "--node: empty node list");
	return nodelist_parse(nodes, strlen(nodes), "--node", BC_EUSAGE, sel, err);
}

/*
 * What check judges, for each node: the policy's explanation (ex) and
 * findings, in c.
 */
static int judge_status(const struct status_args *a, const struct snapshot *snap, struct render_ctx *c,
			struct explain *ex, struct finding **findings, struct bc_error *err)
{
	struct policy pol;
	int rc, proactiveness = -1;

	/* a capture says nothing of the sysctl: this host's is not the capture's */
	if (!a->buddyinfo && (rc = proactiveness_read(a->root, &proactiveness, err)) < 0)
		return rc;
	if ((rc = status_policy(a->config, snap, &pol, err)) < 0)
		return rc;
	rc = explain_build(snap, &pol, proactiveness, ex, err);
	if (rc == 0)
		rc = policy_judge(snap, &pol, findings, &c->opts.nr_findings, err);
	c->opts.findings = *findings;
	policy_free(&pol);
	return rc;
}

/* The status on standard output, or into --output. */
static int write_status(const struct status_args *a, struct render_ctx *c, struct bc_error *err)
{
	/* JSON for 1024 nodes is ~2 MB: 256 KiB writes instead of 4 KiB ones */
	static char obuf[256 << 10];
	int rc;

	c->opts.color = out_color(a->color, a->output ? -1 : STDOUT_FILENO);
	/*
	 * The path as typed, also with --root: whoever reads a sosreport
	 * writes beside it, not into it (the lock and the state stay in
	 * the tree). Never through a symlink, never over a device or FIFO.
	 */
	if (a->output)
		return ownfile_replace("/", a->output, false, BC_ECANTCREAT, render, c, err);
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	rc = render(stdout, c);
	if (rc == 0 && fflush(stdout) != 0)
		rc = -1;
	if (rc < 0)
		rc = bc_error_set(err, BC_EIO, "standard output: %s", strerror(errno));
	return rc;
}

int cmd_status(const struct status_args *a, struct bc_error *err)
{
	struct render_ctx c = { .format = a->format };
	struct bitmask *sel = NULL;
	struct explain ex = { 0 };
	struct finding *findings = NULL;
	struct snapshot snap;
	int rc;

	if ((rc = parse_nodes(a->nodes, &sel, err)) < 0)
		return rc;
	rc = cli_snapshot(a->root, a->buddyinfo, a->page_size, &snap, err);
	if (rc == 0) {
		if (sel)
			rc = check_nodes(&snap, sel, err);
		if (rc == 0)
			rc = judge_status(a, &snap, &c, &ex, &findings, err);
		c.opts.explain = &ex;
		c.snap = &snap;
		c.opts.nodes = sel;
		if (rc == 0)
			rc = write_status(a, &c, err);
		free(findings);
		explain_free(&ex);
		snapshot_free(&snap);
	}
	if (sel)
		numa_bitmask_free(sel);
	return rc;
}
