/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_SYSCTL_H
#define BUDDYCTL_SYSCTL_H

/*
 * Reading the sysctl.d(5) files and /etc/sysctl.conf under a root for the
 * keys that size the default hugepage size's global pool (sysctl_hp.h).
 */

#include <stddef.h>

#include "sysctl_hp.h"

/*
 * Parse one sysctl.d file's text (file: its name as shown) into set, after
 * what earlier files put there: a later assignment of a key replaces an
 * earlier one, as systemd-sysctl's does. Lines that are not assignments are
 * skipped as systemd-sysctl skips them; no text is an error.
 */
void sysctl_hp_parse(const char *file, const char *buf, size_t len, struct sysctl_hp_set *set);

/*
 * Read, under root, every file systemd-sysctl applies, in its order, then
 * /etc/sysctl.conf, into set (zeroed first). A file that cannot be read is
 * noted in set->unread, never an error; under a root other than "/" only
 * regular files are read.
 */
void sysctl_hp_read(const char *root, struct sysctl_hp_set *set);

#endif
