/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loads what every command starts from: the policy and the snapshot. */
#include "load.h"

#include <errno.h>
#include <syslog.h>
#include <unistd.h>

#include "capture.h"
#include "log.h"
#include "snapshot_read.h"

int cli_policy_load(const char *config, struct policy *pol, struct bc_error *err)
{
	int rc;

	if (!config && access(DEFAULT_CONFIG, F_OK) != 0 && errno == ENOENT)
		/* no policy installed: the built-in defaults (buddyctl.conf(5)) */
		return policy_load_string(BUILTIN_POLICY, "", pol, err);
	rc = policy_load(config ? config : DEFAULT_CONFIG, pol, err);
	/* whatever keeps the policy from being read is a policy error */
	if (rc < 0 && rc != -BC_ENOMEM) {
		err->kind = BC_ECONFIG;
		rc = -BC_ECONFIG;
	}
	return rc;
}

int cli_snapshot(const char *root, const char *buddyinfo, unsigned page_size, struct snapshot *snap,
		 struct bc_error *err)
{
	const struct snap_opts opts = { .page_size = page_size };
	struct capture c;
	int rc;

	if (!buddyinfo)
		return snapshot_read_opts(root, &opts, snap, err);
	rc = capture_read(buddyinfo, &c, err);
	if (rc < 0)
		return rc;
	/* before the parse: an error in what is left is easier read knowing this */
	if (c.skipped[0])
		log_print(LOG_NOTICE, "buddyctl: %s: %s\n", c.name, c.skipped);
	rc = snapshot_from_capture(&c, &opts, snap, err);
	capture_free(&c);
	return rc;
}

/*
 * The policy check would judge by, checked against the machine. --config
 * must be usable (as for check); the default file that is not only costs a
 * warning: status still shows the figures, judged by the built-in defaults.
 */
int status_policy(const char *config, const struct snapshot *snap, struct policy *pol,
		  struct bc_error *err)
{
	struct bc_error why = { 0 };
	int rc;

	rc = cli_policy_load(config, pol, &why);
	if (rc == 0 && (rc = policy_validate(pol, snap, &why)) < 0) {
		why.kind = BC_ECONFIG;
		policy_free(pol);
	}
	if (rc == 0)
		return 0;
	if (config || rc == -BC_ENOMEM) {
		*err = why;
		return rc;
	}
	log_print(LOG_WARNING, "buddyctl: warning: %s; status judges by the built-in defaults\n", why.msg);
	return policy_load_string(BUILTIN_POLICY, "", pol, err);
}
