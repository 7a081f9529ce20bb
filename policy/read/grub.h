/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_GRUB_H
#define BUDDYCTL_GRUB_H

/*
 * Reading GRUB's defaults under a root for the hugepage words that the
 * drop-in of `plan --kernel-cmdline --grub` (GRUB_DROPIN, kernel.h) replaces.
 */

/*
 * The lines of /etc/default/grub and /etc/default/grub.d/\*.cfg (not the
 * drop-in) under root that put hugepagesz= or hugepages= on the command
 * line: note(file, line, word, ctx) for each. Returns how many.
 */
unsigned cmdline_grub_conflicts(const char *root,
				void (*note)(const char *file, unsigned line, const char *word, void *ctx),
				void *ctx);

#endif
