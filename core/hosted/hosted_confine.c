/*
 * A PD's confinement, the last step of its setup (core/hosted/hosted_pd.c):
 * whatever its role, it ends with
 *   - no_new_privs (no exec can give anything back);
 *   - its own uid and gid, SDVF_UID_BASE + its index, and no supplementary
 *     groups, when the launcher is root; otherwise the launcher's uid (the
 *     launcher said so once);
 *   - no capability in any set (checked with capget: setup fails if one is
 *     left);
 *   - not dumpable: no process of the same uid may ptrace it,
 *     process_vm_readv it or open its /proc entries;
 *   - the parent-death signal armed again (a uid change clears it);
 *   - its role's seccomp filter (core/hosted/hosted_seccomp.c), last, so
 *     the steps above need no system call the filter forbids.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/hosted/hosted_internal.h"

static void drop_uid(uint32_t id)
{
	if (setgroups(0, NULL) < 0)
		hosted_setup_fail("setgroups", errno);
	if (setresgid(id, id, id) < 0)
		hosted_setup_fail("setresgid (SDVF_UID_BASE sets the range)",
				  errno);
	if (setresuid(id, id, id) < 0)
		hosted_setup_fail("setresuid (SDVF_UID_BASE sets the range)",
				  errno);
}

/* Empty every capability set.  A uid change from root has cleared the
 * permitted and effective sets already, but not the inheritable one; a
 * launcher that is not root may still hold file capabilities. */
static void drop_capabilities(void)
{
	struct __user_cap_header_struct header = {
		.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {0};
	if (syscall(SYS_capset, &header, data) < 0)
		hosted_setup_fail("capset", errno);
	/* EINVAL: a kernel without ambient capabilities has none to clear. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		hosted_setup_fail("clearing ambient capabilities", errno);
	if (syscall(SYS_capget, &header, data) < 0)
		hosted_setup_fail("capget", errno);
	/* Ambient is a subset of permitted, so these three cover it. */
	for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
		if (data[i].effective || data[i].permitted ||
		    data[i].inheritable)
			hosted_setup_fail("capabilities still held", EPERM);
	}
}

void hosted_confine(const struct hosted_confinement *c)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		hosted_setup_fail("PR_SET_NO_NEW_PRIVS", errno);
	if (c->own_uid)
		drop_uid(c->uid);
	drop_capabilities();
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		hosted_setup_fail("PR_SET_DUMPABLE", errno);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		hosted_setup_fail("PR_SET_PDEATHSIG", errno);
	if (getppid() != c->launcher_pid)
		_exit(HOSTED_EXIT_SETUP); /* the launcher died meanwhile */
	enum sdvf_role roles[1 + SDVF_MAX_GROUP];
	struct hosted_pd_fds fds[1 + SDVF_MAX_GROUP];
	int n = 0;
	roles[n] = c->role;
	fds[n++] = c->fds;
	for (int i = 0; i < c->nmore && n < 1 + SDVF_MAX_GROUP; i++) {
		roles[n] = c->more_roles[i];
		fds[n++] = c->more_fds[i];
	}
	int rc = hosted_seccomp_load_group(roles, fds, n);
	if (rc < 0)
		hosted_setup_fail("seccomp filter", -rc);
}
