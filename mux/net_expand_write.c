/*
 * The `sdvf,net` subsystem, part 4: the plan and the blob.  The expansion
 * is first written down as a plan (net_expand_plan.c), one entry per
 * property in natural order; the plan is checked against the blob (a
 * generated node that exists, or a property of a user's PD that exists,
 * is a conflict: nothing is written) and then applied last to first,
 * because libfdt inserts each property and node first in its parent.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "core/sysdesc/sysdesc.h"
#include "core/sysdesc/sysdesc_internal.h"
#include "mux/net_expand.h"
#include "mux/net_expand_plan.h"

uint64_t plan_round_up(uint64_t v, uint64_t to)
{
	return (v + to - 1) / to * to;
}

uint64_t plan_pow2(uint64_t v)
{
	uint64_t p = 1;
	while (p < v)
		p <<= 1;
	return p;
}

/* "N_a_b" into out; false (with an error) if longer than a name may be. */
bool plan_name(struct plan *pl, char out[SDVF_NAME_MAX], const char *a,
	       const char *b)
{
	char full[3 * SDVF_NAME_MAX];
	snprintf(full, sizeof(full), "%s_%s%s%s", pl->n->name, a, b ? "_" : "",
		 b ? b : "");
	if (strlen(full) < SDVF_NAME_MAX) {
		strcpy(out, full);
		return true;
	}
	if (!pl->overflow)
		net_error(pl->n, "",
			  "generated name '%s' is too long (at most %d "
			  "characters): shorten the subsystem or client node "
			  "name",
			  full, SDVF_NAME_MAX - 1);
	pl->overflow = true;
	out[0] = '\0';
	return false;
}

/* ---- the plan --------------------------------------------------------- */

static struct op *add(struct plan *pl, const char *path, const char *prop,
		      const void *value, int len)
{
	if (pl->nops == PLAN_MAX || len > (int)NET_VALUE_MAX) {
		pl->overflow = true;
		return NULL;
	}
	struct op *o = &pl->op[pl->nops++];
	memset(o, 0, sizeof(*o));
	snprintf(o->path, sizeof(o->path), "%s", path);
	snprintf(o->prop, sizeof(o->prop), "%s", prop);
	memcpy(o->value, value, (size_t)len);
	o->len = len;
	return o;
}

static void add_u64(struct plan *pl, const char *path, const char *prop,
		    uint64_t v)
{
	uint8_t b[8];
	int len = v <= UINT32_MAX ? 4 : 8;
	for (int i = 0; i < len; i++)
		b[i] = (uint8_t)(v >> (8 * (len - 1 - i)));
	add(pl, path, prop, b, len);
}

/* Two strings, NUL-separated (a map's region and rights, a channel's
 * ends). */
static void add_strs(struct plan *pl, const char *path, const char *prop,
		     const char *a, const char *b)
{
	char v[2 * SDVF_NAME_MAX + 4];
	size_t la = strlen(a) + 1, lb = b ? strlen(b) + 1 : 0;
	memcpy(v, a, la);
	if (b)
		memcpy(v + la, b, lb);
	add(pl, path, prop, v, (int)(la + lb));
}

static void mark_fresh(struct plan *pl, int from, const char *what,
		       const char *name)
{
	for (int i = from; i < pl->nops; i++) {
		pl->op[i].fresh = true;
		pl->op[i].what = what;
		snprintf(pl->op[i].name, sizeof(pl->op[i].name), "%s", name);
	}
}

void plan_region_uio(struct plan *pl, const char *name, uint64_t bytes,
		     uint64_t io, uint32_t map)
{
	char path[NET_PATH_MAX];
	int from = pl->nops;
	snprintf(path, sizeof(path), "/regions/%s", name);
	add_u64(pl, path, "size", plan_round_up(bytes, PAGE));
	if (io)
		add_u64(pl, path, "io-address", io);
	add(pl, path, "uio-device", pl->n->uio_device,
	    (int)strlen(pl->n->uio_device) + 1);
	add_u64(pl, path, "uio-map", map);
	mark_fresh(pl, from, "region", name);
}

/* A region; io 0: none (io addresses start at IO_BASE). */
void plan_region(struct plan *pl, const char *name, uint64_t bytes, uint64_t io)
{
	char path[NET_PATH_MAX];
	int from = pl->nops;
	snprintf(path, sizeof(path), "/regions/%s", name);
	add_u64(pl, path, "size", plan_round_up(bytes, PAGE));
	if (io)
		add_u64(pl, path, "io-address", io);
	mark_fresh(pl, from, "region", name);
}

void plan_channel(struct plan *pl, const char *name, const char *a,
		  const char *b)
{
	char path[NET_PATH_MAX];
	int from = pl->nops;
	snprintf(path, sizeof(path), "/channels/%s", name);
	add_strs(pl, path, "ends", a, b);
	mark_fresh(pl, from, "channel", name);
}

void plan_pd(struct plan *pl, const char *name, const char *component,
	     struct net_opt core)
{
	char path[NET_PATH_MAX];
	int from = pl->nops;
	snprintf(path, sizeof(path), "/pds/%s", name);
	add_strs(pl, path, "component", component, NULL);
	if (core.set)
		add_u64(pl, path, "core", core.v); /* one cell: below 2^32 */
	mark_fresh(pl, from, "PD", name);
}

/* The monitor restarts generated PD `name` if it dies. */
void plan_pd_restartable(struct plan *pl, const char *name)
{
	char path[NET_PATH_MAX];
	int from = pl->nops;
	snprintf(path, sizeof(path), "/pds/%s", name);
	add(pl, path, "restartable", "", 0);
	mark_fresh(pl, from, "PD", name);
}

void plan_pd_group(struct plan *pl, const char *name, const char *group)
{
	char path[NET_PATH_MAX];
	int from = pl->nops;
	snprintf(path, sizeof(path), "/pds/%s", name);
	add_strs(pl, path, "group", group, NULL);
	mark_fresh(pl, from, "PD", name);
}

/* Subnode `sub` (maps, channels, config) of PD pd; fresh if the PD is
 * generated. */
struct op *plan_pd_prop(struct plan *pl, const char *pd, const char *sub,
			const char *prop, const void *v, int len)
{
	char path[NET_PATH_MAX];
	snprintf(path, sizeof(path), "/pds/%s/%s", pd, sub);
	struct op *o = add(pl, path, prop, v, len);
	bool generated =
		strcmp(pd, pl->pd_nic) == 0 || strcmp(pd, pl->pd_drv) == 0 ||
		strcmp(pd, pl->pd_rxm) == 0 || strcmp(pd, pl->pd_txm) == 0;
	if (o && generated) {
		o->fresh = true;
		o->what = "PD";
		snprintf(o->name, sizeof(o->name), "%s", pd);
	}
	return o;
}

void plan_map(struct plan *pl, const char *pd, const char *local,
	      const char *region_name, const char *rights)
{
	char v[SDVF_NAME_MAX + 4];
	size_t l = strlen(region_name) + 1;
	memcpy(v, region_name, l);
	memcpy(v + l, rights, strlen(rights) + 1);
	plan_pd_prop(pl, pd, "maps", local, v, (int)(l + strlen(rights) + 1));
}

void plan_end(struct plan *pl, const char *pd, const char *local,
	      const char *chan)
{
	plan_pd_prop(pl, pd, "channels", local, chan, (int)strlen(chan) + 1);
}

void plan_cfg_u64(struct plan *pl, const char *pd, const char *key, uint64_t v)
{
	uint8_t b[8];
	int len = v <= UINT32_MAX ? 4 : 8;
	for (int i = 0; i < len; i++)
		b[i] = (uint8_t)(v >> (8 * (len - 1 - i)));
	plan_pd_prop(pl, pd, "config", key, b, len);
}

void plan_cfg_str(struct plan *pl, const char *pd, const char *key,
		  const char *s)
{
	plan_pd_prop(pl, pd, "config", key, s, (int)strlen(s) + 1);
}

/* "cN_" + key for a mux's config. */
const char *plan_key(char out[SDVF_NAME_MAX], unsigned i, const char *key)
{
	snprintf(out, SDVF_NAME_MAX, "c%u_%s", i, key);
	return out;
}

/* ---- conflicts and writing -------------------------------------------- */

static bool earlier_same_node(const struct plan *pl, int i)
{
	for (int j = 0; j < i; j++) {
		if (pl->op[j].fresh &&
		    strcmp(pl->op[j].name, pl->op[i].name) == 0 &&
		    strcmp(pl->op[j].what, pl->op[i].what) == 0)
			return true;
	}
	return false;
}

static void conflicts(struct plan *pl, const void *fdt)
{
	const char *node_path = NULL; /* where `node` was looked up */
	int node = -1;
	for (int i = 0; i < pl->nops; i++) {
		const struct op *o = &pl->op[i];
		if (o->fresh) {
			char path[NET_PATH_MAX];
			const char *parent = strcmp(o->what, "PD") == 0 ? "/pds"
					     : strcmp(o->what, "region") == 0
						     ? "/regions"
						     : "/channels";
			snprintf(path, sizeof(path), "%s/%s", parent, o->name);
			if (earlier_same_node(pl, i))
				continue;
			if (fdt_path_offset(fdt, path) >= 0)
				net_error(pl->n, "",
					  "%s '%s' already exists in %s",
					  o->what, o->name, parent);
			continue;
		}
		/* the plan runs path by path: one look-up per run */
		if (!node_path || strcmp(o->path, node_path) != 0)
			node = fdt_path_offset(fdt, o->path);
		node_path = o->path;
		if (node >= 0 && fdt_getprop(fdt, node, o->prop, NULL))
			net_error(pl->n, "",
				  "property '%s' already exists in %s", o->prop,
				  o->path);
	}
}

/* Offset of `path`, adding every missing node on the way. */
static int make_path(void *fdt, const char *path)
{
	char part[NET_PATH_MAX];
	int node = 0;
	const char *at = path;
	while (*at == '/') {
		const char *next = strchr(at + 1, '/');
		size_t len = next ? (size_t)(next - at - 1) : strlen(at + 1);
		memcpy(part, at + 1, len);
		part[len] = '\0';
		int child = fdt_subnode_offset(fdt, node, part);
		node = child >= 0 ? child : fdt_add_subnode(fdt, node, part);
		if (node < 0)
			return node;
		if (!next)
			break;
		at = next;
	}
	return node;
}

/* Each look-up walks the tree: a node found for one entry serves the next
 * if it has the same path (setting a property moves only what follows the
 * node).  Without it, two sdvf,net subsystems of 8 clients behind 7000
 * nodes took 1.8 s. */
static int apply(struct plan *pl, void *fdt)
{
	int node = -1;
	for (int i = pl->nops - 1; i >= 0; i--) {
		const struct op *o = &pl->op[i];
		if (i == pl->nops - 1 ||
		    strcmp(o->path, pl->op[i + 1].path) != 0)
			node = make_path(fdt, o->path);
		int rc = node < 0 ? node
				  : fdt_setprop(fdt, node, o->prop, o->value,
						o->len);
		if (rc < 0) {
			net_error(pl->n, "",
				  "cannot add the explicit nodes: %s",
				  fdt_strerror(rc));
			return -1;
		}
	}
	return 0;
}

int net_write(struct net *n, void *fdt)
{
	struct plan pl = {.n = n};
	pl.op = malloc(sizeof(*pl.op) * PLAN_MAX);
	if (!pl.op) {
		net_error(n, "", "out of memory");
		return -1;
	}
	net_make_plan(&pl, fdt);
	if (pl.overflow && n->errors == 0)
		net_error(n, "", "too many entries to generate");
	if (n->errors == 0)
		conflicts(&pl, fdt);
	int rc = n->errors ? -1 : apply(&pl, fdt);
	free(pl.op);
	return rc;
}
