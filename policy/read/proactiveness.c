/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads vm.compaction_proactiveness under a root: how hard kcompactd compacts on its own. */
#include "proactiveness.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include "rootfs.h"
#include "textscan.h"

/*
 * proc/sys/vm/compaction_proactiveness (mm/compaction.c, proc_dointvec_minmax
 * from 0 to 100):
 *   20
 */
int proactiveness_parse(const char *path, const char *buf, size_t len, int *out,
				struct bc_error *err)
{
	uint64_t v;
	int rc = parse_single_u64(path, buf, len, &v, err);

	if (rc < 0)
		return rc;
	if (v > 100)
		return bc_error_set(err, BC_EDATA, "%s: %llu is not a proactiveness (0 to 100)", path,
				    (unsigned long long)v);
	*out = (int)v;
	return 0;
}

int proactiveness_read(const char *root, int *out, struct bc_error *err)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len;
	int rc, errnum = 0;

	*out = -1;
	rc = rootfs_read(root, "proc/sys/vm/compaction_proactiveness", &buf, &len, path, &errnum, err);
	if (rc == -BC_ENOINPUT) {
		/* not there: say nothing about proactive compaction */
		err->kind = BC_OK;
		err->msg[0] = '\0';
		return 0;
	}
	if (rc < 0)
		return rc;
	rc = proactiveness_parse(path, buf, len, out, err);
	free(buf);
	return rc;
}
