/*
 * System descriptions, stage 4: rules over the whole loaded system.
 *
 *  - a channel joins exactly two distinct PDs, and each of them binds it;
 *  - a PD binds only channels it is an end of;
 *  - every region is mapped by at least one PD;
 *  - clients are isolated: a region may be mapped by two client-role PDs
 *    only if a channel joins them (a declared pipe such as a queue pair),
 *    and never by three or more; except device memory (an io-address)
 *    that every client maps read-only: the RX DMA region remap clients
 *    are lent buffers of (no client can write it, so none can alter what
 *    another reads);
 *  - device-visible (io-address) ranges of different regions are disjoint;
 *  - MAC addresses are unique across the system, but for the muxes that
 *    name a client's address (sysdesc_config.c);
 *  - a group holds two or more trusted PDs, none restartable, on one core
 *    (sysdesc_group.c).
 */
#include <libfdt.h>
#include <string.h>

#include "core/sysdesc/sysdesc_internal.h"

static int pd_find(const struct sdvf_system *sys, const char *name)
{
	for (int i = 0; i < sys->npds; i++) {
		if (strcmp(sys->pds[i].name, name) == 0)
			return i;
	}
	return -1;
}

static bool pd_binds(const struct sdvf_sys_pd *pd, int channel)
{
	for (int i = 0; i < pd->nchans; i++) {
		if (pd->chans[i].channel == channel)
			return true;
	}
	return false;
}

/* Resolve the two ends of channel i; false (with an error) if invalid. */
static bool check_ends(struct sysdesc_ctx *c, struct sdvf_system *sys, int i,
		       int node)
{
	const char *ends[2];
	int pd[2];
	int n = sysdesc_prop_strings(c->fdt, node, "ends", ends, 2);
	if (!fdt_getprop(c->fdt, node, "ends", NULL)) {
		sysdesc_error(c, node,
			      "missing property 'ends' (two PD names)");
		return false;
	}
	if (n != 2) {
		sysdesc_error(c, node,
			      "property 'ends': must be two strings naming "
			      "distinct PDs (e.g. \"source\", \"sink\")");
		return false;
	}
	bool ok = true;
	for (int e = 0; e < 2; e++) {
		pd[e] = pd_find(sys, ends[e]);
		if (pd[e] < 0) {
			sysdesc_error(c, node,
				      "property 'ends': no PD '%s' in /pds",
				      ends[e]);
			ok = false;
		}
	}
	if (ok && pd[0] == pd[1]) {
		sysdesc_error(c, node,
			      "property 'ends': both ends are '%s' (a channel "
			      "joins two distinct PDs)",
			      ends[0]);
		return false;
	}
	for (int e = 0; ok && e < 2; e++) {
		if (!pd_binds(&sys->pds[pd[e]], i)) {
			sysdesc_error(c, node,
				      "property 'ends': PD '%s' does not bind "
				      "channel '%s' in /pds/%s/channels",
				      ends[e], sys->channels[i].name, ends[e]);
		}
	}
	if (ok) {
		sys->channels[i].pd[0] = pd[0];
		sys->channels[i].pd[1] = pd[1];
	}
	return ok;
}

static void check_channels(struct sysdesc_ctx *c, struct sdvf_system *sys)
{
	int parent = fdt_subnode_offset(c->fdt, 0, "channels");
	bool valid[SDVF_MAX_CHANNELS] = {false};
	for (int i = 0; i < sys->nchannels; i++) {
		int node = fdt_subnode_offset(c->fdt, parent,
					      sys->channels[i].name);
		valid[i] = check_ends(c, sys, i, node);
	}
	/* The other direction: a PD binding a channel it is no end of. */
	for (int p = 0; p < sys->npds; p++) {
		const struct sdvf_sys_pd *pd = &sys->pds[p];
		int node = fdt_subnode_offset(c->fdt, pd->node, "channels");
		for (int i = 0; i < pd->nchans; i++) {
			const struct sdvf_sys_channel *ch =
				&sys->channels[pd->chans[i].channel];
			if (!valid[pd->chans[i].channel] || ch->pd[0] == p ||
			    ch->pd[1] == p)
				continue;
			sysdesc_error(c, node,
				      "property '%s': channel '%s' does not "
				      "join '%s' (its ends: %s, %s)",
				      pd->chans[i].local, ch->name, pd->name,
				      sys->pds[ch->pd[0]].name,
				      sys->pds[ch->pd[1]].name);
		}
	}
}

/* A declared pipe between a and b: a channel whose ends are a and b, or
 * that both bind (either suffices, so a broken end is reported once, as
 * itself, not again as sharing). */
bool sysdesc_joined(const struct sdvf_system *sys, int a, int b)
{
	for (int i = 0; i < sys->nchannels; i++) {
		const struct sdvf_sys_channel *ch = &sys->channels[i];
		if ((ch->pd[0] == a && ch->pd[1] == b) ||
		    (ch->pd[0] == b && ch->pd[1] == a))
			return true;
	}
	for (int i = 0; i < sys->pds[a].nchans; i++) {
		if (pd_binds(&sys->pds[b], sys->pds[a].chans[i].channel))
			return true;
	}
	return false;
}

/* Mapped at all, and never shared by clients that are not a pipe. */
static void check_region_users(struct sysdesc_ctx *c,
			       const struct sdvf_system *sys, int r, int node)
{
	int users = 0, clients[SDVF_MAX_PDS], nclients = 0, writer = -1;
	for (int p = 0; p < sys->npds; p++) {
		const struct sdvf_sys_pd *pd = &sys->pds[p];
		bool maps = false, writes = false;
		for (int m = 0; m < pd->nmaps; m++) {
			maps |= pd->maps[m].region == r;
			writes |= pd->maps[m].region == r &&
				  (pd->maps[m].rights & SDVF_W);
		}
		if (!maps)
			continue;
		users++;
		if (pd->component && pd->component->role == SDVF_ROLE_CLIENT) {
			clients[nclients++] = p;
			if (writes && writer < 0)
				writer = p;
		}
	}
	if (users == 0)
		sysdesc_error(c, node,
			      "not mapped by any PD (map it or remove "
			      "it)");
	if (sys->regions[r].stats)
		return; /* read-only for all (sysdesc_build): any may read */
	bool pipe =
		nclients == 2 && sysdesc_joined(sys, clients[0], clients[1]);
	if (nclients >= 2 && !pipe && sys->regions[r].has_io) {
		if (writer >= 0) /* else: device memory every client reads */
			sysdesc_error(c, node,
				      "mapped by %d client PDs and written by "
				      "'%s' (clients share device memory only "
				      "if each maps it \"r\")",
				      nclients, sys->pds[writer].name);
		return;
	}
	if (nclients > 2)
		sysdesc_error(c, node,
			      "mapped by %d client PDs, '%s', '%s', ... "
			      "(clients share memory only with one channel "
			      "peer)",
			      nclients, sys->pds[clients[0]].name,
			      sys->pds[clients[1]].name);
	else if (nclients == 2 && !pipe)
		sysdesc_error(c, node,
			      "mapped by client PDs '%s' and '%s', which no "
			      "channel joins (clients share memory only with "
			      "a channel peer)",
			      sys->pds[clients[0]].name,
			      sys->pds[clients[1]].name);
}

static void check_io_overlap(struct sysdesc_ctx *c,
			     const struct sdvf_system *sys, int r, int node)
{
	const struct sdvf_sys_region *a = &sys->regions[r];
	if (!a->has_io || a->size == 0)
		return;
	if (a->io_addr + a->size < a->io_addr) {
		sysdesc_error(c, node,
			      "property 'io-address': 0x%llx + size 0x%llx "
			      "passes the end of the address space",
			      (unsigned long long)a->io_addr,
			      (unsigned long long)a->size);
		return;
	}
	for (int i = 0; i < r; i++) {
		const struct sdvf_sys_region *b = &sys->regions[i];
		if (!b->has_io || b->size == 0 ||
		    b->io_addr + b->size < b->io_addr)
			continue;
		if (a->io_addr < b->io_addr + b->size &&
		    b->io_addr < a->io_addr + a->size)
			sysdesc_error(
				c, node,
				"property 'io-address': [0x%llx, 0x%llx) "
				"overlaps /regions/%s [0x%llx, 0x%llx)",
				(unsigned long long)a->io_addr,
				(unsigned long long)(a->io_addr + a->size),
				b->name, (unsigned long long)b->io_addr,
				(unsigned long long)(b->io_addr + b->size));
	}
}

void sysdesc_check(struct sysdesc_ctx *c, struct sdvf_system *sys)
{
	int parent = fdt_subnode_offset(c->fdt, 0, "regions");
	check_channels(c, sys);
	for (int r = 0; r < sys->nregions; r++) {
		int node = fdt_subnode_offset(c->fdt, parent,
					      sys->regions[r].name);
		check_region_users(c, sys, r, node);
		check_io_overlap(c, sys, r, node);
	}
	sysdesc_check_macs(c, sys);
	sysdesc_check_groups(c, sys);
}
