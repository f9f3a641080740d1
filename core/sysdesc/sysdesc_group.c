/*
 * System descriptions: co-location groups (docs/system-description.md,
 * "Groups").  A PD node's `group = "NAME";` runs it, on the hosted
 * runtime, in one process and on one thread with every other PD of that
 * group (core/hosted/hosted_group.c).  Only trusted PDs may share a
 * process: a group holds driver, mux and device PDs, never a client or a
 * VMM, so every trust boundary of the system stays a process boundary.  A
 * device (the hardware a driver trusts anyway) may join: the group runs its
 * init() with the launcher's privileges before the group confines itself,
 * as a device PD of its own does, and the group's filter gains the
 * device's calls on the fds that init() opened (core/hosted/
 * hosted_group.c).  A group runs and dies as one process: no member may be
 * restartable; its members share one core (or none).
 */
#include <libfdt.h>
#include <string.h>

#include "core/sysdesc/sysdesc_internal.h"

int sdvf_system_group(const struct sdvf_system *sys, int pd,
		      int members[SDVF_MAX_GROUP])
{
	const char *group = sys->pds[pd].group;
	if (group[0] == '\0') {
		members[0] = pd;
		return 1;
	}
	int n = 0;
	for (int i = 0; i < sys->npds && n < SDVF_MAX_GROUP; i++) {
		if (strcmp(sys->pds[i].group, group) == 0)
			members[n++] = i;
	}
	return n;
}

void sysdesc_build_group(struct sysdesc_ctx *c, struct sdvf_sys_pd *pd)
{
	int len;
	char why[SDVF_NAME_WHY_MAX];
	if (!fdt_getprop(c->fdt, pd->node, "group", &len))
		return;
	const char *name = sysdesc_prop_str(c->fdt, pd->node, "group", NULL);
	if (!name) {
		sysdesc_error(c, pd->node,
			      "property 'group': must be one string (e.g. "
			      "\"trusted\")");
		return;
	}
	if (sdvf_name_problem(name, why)) {
		char q[SYSDESC_QUOTE_MAX];
		sysdesc_error(c, pd->node, "property 'group': name %s %s",
			      sysdesc_quote(q, sizeof(q), name), why);
		return;
	}
	snprintf(pd->group, sizeof(pd->group), "%s", name);
}

static bool role_may_share(enum sdvf_role role)
{
	return role == SDVF_ROLE_DRIVER || role == SDVF_ROLE_MUX ||
	       role == SDVF_ROLE_DEVICE;
}

/* The first member of a group checks the whole group. */
static void check_group(struct sysdesc_ctx *c, const struct sdvf_system *sys,
			int first)
{
	const struct sdvf_sys_pd *lead = &sys->pds[first];
	int count = 0;
	for (int i = first; i < sys->npds; i++) {
		const struct sdvf_sys_pd *pd = &sys->pds[i];
		if (strcmp(pd->group, lead->group) != 0)
			continue;
		count++;
		if (pd->component && !role_may_share(pd->component->role))
			sysdesc_error(c, pd->node,
				      "property 'group': component '%s' is "
				      "not trusted (role %s): only driver, "
				      "mux and device PDs may share a process",
				      pd->component->name,
				      pd->component->role == SDVF_ROLE_CLIENT
					      ? "client"
					      : "vmm");
		if (pd->restartable)
			sysdesc_error(c, pd->node,
				      "property 'group': a group runs and "
				      "dies as one process; a restartable PD "
				      "cannot be in one");
		if (pd->core != lead->core)
			sysdesc_error(c, pd->node,
				      "property 'group': every PD of group "
				      "'%s' must have the same core as '%s' "
				      "(one thread)",
				      lead->group, lead->name);
	}
	if (count < 2)
		sysdesc_error(c, lead->node,
			      "property 'group': group '%s' has one PD; a "
			      "group joins two or more",
			      lead->group);
	if (count > SDVF_MAX_GROUP)
		sysdesc_error(c, lead->node,
			      "property 'group': group '%s' has %d PDs (at "
			      "most %d)",
			      lead->group, count, SDVF_MAX_GROUP);
}

void sysdesc_check_groups(struct sysdesc_ctx *c, const struct sdvf_system *sys)
{
	for (int i = 0; i < sys->npds; i++) {
		const char *g = sys->pds[i].group;
		bool first = g[0] != '\0';
		for (int j = 0; j < i && first; j++)
			first = strcmp(sys->pds[j].group, g) != 0;
		if (first)
			check_group(c, sys, i);
	}
}
