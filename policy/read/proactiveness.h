/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_PROACTIVENESS_H
#define BUDDYCTL_PROACTIVENESS_H

/*
 * Reading vm.compaction_proactiveness, which says whether kcompactd
 * compacts a node on its own (explain.h judges it against the score).
 */

#include <stddef.h>

#include "errors.h"

/*
 * proc/sys/vm/compaction_proactiveness: one number, 0 to 100. The parser
 * returns 0 or -BC_EDATA naming path; the reader under root gives -1 when
 * the file is absent or unreadable (a kernel without CONFIG_COMPACTION, a
 * tree captured without it), which is no error.
 */
int proactiveness_parse(const char *path, const char *buf, size_t len, int *out,
			struct bc_error *err);
int proactiveness_read(const char *root, int *out, struct bc_error *err);

#endif
