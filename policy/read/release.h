/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_RELEASE_H
#define BUDDYCTL_RELEASE_H

/*
 * Reading the running kernel's release (proc/sys/kernel/osrelease), its
 * architecture (kernel.arch, uname(2), a capture's uname) and what it was
 * booted with (proc/cmdline, its CPUs) under a root, and parsing their text
 * into model/kernel.h's structures.
 */

#include <stddef.h>

#include "kernel.h"

/* "6.1.0-27-amd64\n" -> 6.1. 0, or -1 when it does not start with N.N. */
int kernel_version_parse(const char *text, struct kernel_version *v);

/* What kernel_release_read() found; kv is 0.0 unless RELEASE_PARSED. */
enum release_found {
	RELEASE_PARSED,		/* text: the release (its first line) */
	RELEASE_MISSING,	/* no such file: text "" */
	RELEASE_UNREADABLE,	/* there but not read: text says why (strerror) */
	RELEASE_UNPARSEABLE,	/* read, but not "N.N..." (N > 0): text is its first line as read */
};

/*
 * The running kernel's release under root (proc/sys/kernel/osrelease) into
 * kv, and text (size bytes) as the result says. The text is the file's:
 * escape it before it is shown.
 */
enum release_found kernel_release_read(const char *root, struct kernel_version *kv, char *text,
				       size_t size);

/* The limit of the architecture named in text (a `uname -m` word, a release). 0 or -1. */
int cmdline_limit_for(const char *text, struct cmdline_limit *l);

/*
 * The limit for the machine under root: proc/sys/kernel/arch, uname(2) on
 * the running system, a sosreport's uname -a, the kernel release; when none
 * names a known architecture, the smallest limit known (assumed).
 */
void cmdline_limit_read(const char *root, struct cmdline_limit *l);

/*
 * What the kernel under root was booted with (proc/cmdline: its
 * default_hugepagesz= and whether hugetlb_cma= is set) and its CPUs
 * (sys/devices/system/cpu/online). A file that is not there or not
 * readable leaves its fields unknown (cmdline_read false, nr_cpus 0).
 * The default size is the file's text: escape it before it is shown.
 */
void kernel_boot_read(const char *root, struct kernel_boot *b);

#endif
