/*
 * System descriptions, stage 3: the explicit tree into struct sdvf_system.
 *
 * Walks /regions, /channels and /pds in that order (maps name regions,
 * channel ends are bound by name), checking the schema as it goes: every
 * node and property known, every value of the right shape, every name
 * resolving, the component's needs met and not exceeded, and the limits of
 * struct sdvf_system respected (an entry past a limit is reported and
 * skipped, never written).  A property that is present but wrong is still
 * recorded where it resolves, so one mistake gives one error rather than a
 * cascade ("missing", "unmapped", ...).
 */
#include <libfdt.h>
#include <string.h>
#include <unistd.h>

#include "core/stats_file.h"
#include "core/sysdesc/sysdesc_internal.h"

#define LIST_MAX 1024

static const char *const none[] = {NULL};
static const char *const root_props[] = {"compatible", "name", NULL};
static const char *const root_nodes[] = {"pds", "regions", "channels",
					 "subsystems", NULL};
static const char *const region_props[] = {"size", "io-address", "uio-device",
					   "uio-map", NULL};
static const char *const channel_props[] = {"ends", NULL};
static const char *const pd_props[] = {"component", "core", "restartable",
				       "group", NULL};
static const char *const pd_nodes[] = {"maps", "channels", "config", NULL};

static bool in_list(const char *const *list, const char *name)
{
	for (; *list; list++) {
		if (strcmp(*list, name) == 0)
			return true;
	}
	return false;
}

/* Report properties not in `props` (NULL: skip) and subnodes not in
 * `nodes` (NULL: skip), naming the valid ones. */
static void check_names(struct sysdesc_ctx *c, int node,
			const char *const *props, const char *const *nodes)
{
	char valid[LIST_MAX];
	int p, sub;
	if (props) {
		sysdesc_join(valid, sizeof(valid), props);
		fdt_for_each_property_offset(p, c->fdt, node)
		{
			const char *name;
			fdt_getprop_by_offset(c->fdt, p, &name, NULL);
			if (!in_list(props, name))
				sysdesc_error(c, node,
					      "property '%s': unknown (valid: "
					      "%s)",
					      name, valid);
		}
	}
	if (nodes) {
		sysdesc_join(valid, sizeof(valid), nodes);
		fdt_for_each_subnode(sub, c->fdt, node)
		{
			const char *name = fdt_get_name(c->fdt, sub, NULL);
			if (!in_list(nodes, name))
				sysdesc_error(c, sub,
					      "unknown node (valid: %s)",
					      valid);
		}
	}
}

/* Name fits struct sdvf_system, and there is room for one more entry. */
static bool entry_ok(struct sysdesc_ctx *c, int node, int count, int max,
		     const char *what)
{
	if (strlen(fdt_get_name(c->fdt, node, NULL)) >= SDVF_NAME_MAX) {
		sysdesc_error(c, node,
			      "name is too long (at most %d characters)",
			      SDVF_NAME_MAX - 1);
		return false;
	}
	if (count >= max) {
		sysdesc_error(c, node, "too many %s (at most %d)", what, max);
		return false;
	}
	return true;
}

/* ---- root, regions, channels ------------------------------------------ */

static void build_root(struct sysdesc_ctx *c)
{
	const char *compat[8];
	int n = sysdesc_prop_strings(c->fdt, 0, "compatible", compat, 8);
	bool found = false;
	check_names(c, 0, root_props, root_nodes);
	for (int i = 0; i < n && i < 8; i++)
		found |= strcmp(compat[i], "sdvf,system") == 0;
	if (!fdt_getprop(c->fdt, 0, "compatible", NULL))
		sysdesc_error(c, 0,
			      "missing property 'compatible' (must be "
			      "\"sdvf,system\")");
	else if (!found)
		sysdesc_error(c, 0,
			      "property 'compatible': not a system description "
			      "(must be \"sdvf,system\")");
	bool present;
	if (!sysdesc_prop_str(c->fdt, 0, "name", &present) && present)
		sysdesc_error(c, 0, "property 'name': must be one string");
	if (fdt_subnode_offset(c->fdt, 0, "pds") < 0)
		sysdesc_error(c, 0,
			      "missing node 'pds' (a system has at least "
			      "one PD)");
}

/* `uio-device = "uioN"` and `uio-map = <M>`: the region is UIO map M of
 * /dev/uioN (docs/system-description.md); a map index Linux can have
 * (MAX_UIO_MAPS is 5) and a device name that is only "uio" and digits, so
 * the path the PD opens is /dev/uioN and nothing else. */
static void build_region_uio(struct sysdesc_ctx *c, int node,
			     struct sdvf_sys_region *r)
{
	bool present;
	const char *dev =
		sysdesc_prop_str(c->fdt, node, "uio-device", &present);
	int len;
	const fdt32_t *map = fdt_getprop(c->fdt, node, "uio-map", &len);
	if (!present && !map)
		return;
	size_t n = dev ? strlen(dev) : 0;
	bool digits = n > 3 && n < sizeof(r->uio_device) &&
		      strncmp(dev, "uio", 3) == 0;
	for (size_t i = 3; digits && i < n; i++)
		digits = dev[i] >= '0' && dev[i] <= '9';
	if (!digits)
		sysdesc_error(c, node,
			      "property 'uio-device': must be one string "
			      "\"uioN\" (N: 0 to 999999999999)");
	else if (!map || len != 4 || fdt32_to_cpu(*map) > 4)
		sysdesc_error(c, node,
			      "property 'uio-map': must be one cell, 0 to 4 "
			      "(with 'uio-device')");
	else {
		memcpy(r->uio_device, dev, n + 1);
		r->uio_map = fdt32_to_cpu(*map);
	}
}

static void build_region_values(struct sysdesc_ctx *c, int node,
				struct sdvf_sys_region *r)
{
	int len;
	const void *v = fdt_getprop(c->fdt, node, "size", &len);
	if (!v)
		sysdesc_error(c, node,
			      "missing property 'size' (bytes, a "
			      "positive multiple of 4096)");
	else if (!sysdesc_cells_u64(v, len, &r->size))
		sysdesc_error(c, node,
			      "property 'size': must be one or two "
			      "32-bit cells (<u32> or <hi lo>)");
	else if (r->size == 0 || r->size % 4096 != 0)
		sysdesc_error(c, node,
			      "property 'size': 0x%llx is not a positive "
			      "multiple of 4096",
			      (unsigned long long)r->size);
	v = fdt_getprop(c->fdt, node, "io-address", &len);
	if (v && !sysdesc_cells_u64(v, len, &r->io_addr))
		sysdesc_error(c, node,
			      "property 'io-address': must be one or "
			      "two 32-bit cells (<u32> or <hi lo>)");
	else if (v)
		r->has_io = true;
	build_region_uio(c, node, r);
}

static void build_regions(struct sysdesc_ctx *c, struct sdvf_system *sys)
{
	int parent = fdt_subnode_offset(c->fdt, 0, "regions"), node;
	if (parent < 0)
		return;
	check_names(c, parent, none, NULL);
	fdt_for_each_subnode(node, c->fdt, parent)
	{
		if (!entry_ok(c, node, sys->nregions, SDVF_MAX_REGIONS,
			      "regions"))
			continue;
		const char *name = fdt_get_name(c->fdt, node, NULL);
		if (strcmp(name, SDVF_STATS_REGION) == 0) {
			sysdesc_error(c, node,
				      "name '%s' is reserved for the system's "
				      "stats file (map it \"r\" without "
				      "declaring it)",
				      SDVF_STATS_REGION);
			continue;
		}
		struct sdvf_sys_region *r = &sys->regions[sys->nregions++];
		strcpy(r->name, name);
		check_names(c, node, region_props, none);
		build_region_values(c, node, r);
	}
}

/* Channel names only: ends are bound in sysdesc_check once PDs exist. */
static void build_channels(struct sysdesc_ctx *c, struct sdvf_system *sys)
{
	int parent = fdt_subnode_offset(c->fdt, 0, "channels"), node;
	if (parent < 0)
		return;
	check_names(c, parent, none, NULL);
	fdt_for_each_subnode(node, c->fdt, parent)
	{
		if (!entry_ok(c, node, sys->nchannels, SDVF_MAX_CHANNELS,
			      "channels"))
			continue;
		struct sdvf_sys_channel *ch = &sys->channels[sys->nchannels++];
		strcpy(ch->name, fdt_get_name(c->fdt, node, NULL));
		ch->pd[0] = ch->pd[1] = -1;
		check_names(c, node, channel_props, none);
	}
}

/* ---- PDs -------------------------------------------------------------- */

static const char *rights_str(unsigned rights)
{
	static const char *const s[4] = {"none", "r", "w", "rw"};
	return s[rights & 3u];
}

static const struct sdvf_need *need_find(const struct sdvf_component *comp,
					 enum sdvf_need_kind kind,
					 const char *name)
{
	for (const struct sdvf_need *n = comp->needs; n && n->name; n++) {
		if (n->kind == kind && strcmp(n->name, name) == 0)
			return n;
	}
	return NULL;
}

static void need_names(char *buf, size_t size,
		       const struct sdvf_component *comp,
		       enum sdvf_need_kind kind)
{
	const char *names[64];
	int n = 0;
	for (const struct sdvf_need *need = comp->needs;
	     need && need->name && n < 63; need++) {
		if (need->kind == kind)
			names[n++] = need->name;
	}
	names[n] = NULL;
	sysdesc_join(buf, size, names);
}

static int region_find(const struct sdvf_system *sys, const char *name)
{
	for (int i = 0; i < sys->nregions; i++) {
		if (strcmp(sys->regions[i].name, name) == 0)
			return i;
	}
	return -1;
}

/* The stats region, added the first time a PD maps it; -1 if the table
 * is full (said). */
static int stats_region(struct sysdesc_ctx *c, struct sdvf_system *sys,
			int node)
{
	int r = region_find(sys, SDVF_STATS_REGION);
	if (r >= 0)
		return r;
	if (sys->nregions == SDVF_MAX_REGIONS) {
		sysdesc_error(c, node, "too many regions (at most %d)",
			      SDVF_MAX_REGIONS);
		return -1;
	}
	r = sys->nregions++;
	sys->regions[r] = (struct sdvf_sys_region){.stats = true};
	strcpy(sys->regions[r].name, SDVF_STATS_REGION);
	return r; /* sized once every PD is known (sysdesc_build) */
}

static int channel_find(const struct sdvf_system *sys, const char *name)
{
	for (int i = 0; i < sys->nchannels; i++) {
		if (strcmp(sys->channels[i].name, name) == 0)
			return i;
	}
	return -1;
}

static void names_of_regions(char *buf, size_t size,
			     const struct sdvf_system *sys)
{
	const char *names[SDVF_MAX_REGIONS + 1];
	for (int i = 0; i < sys->nregions; i++)
		names[i] = sys->regions[i].name;
	names[sys->nregions] = NULL;
	sysdesc_join(buf, size, names);
}

static void names_of_channels(char *buf, size_t size,
			      const struct sdvf_system *sys)
{
	const char *names[SDVF_MAX_CHANNELS + 1];
	for (int i = 0; i < sys->nchannels; i++)
		names[i] = sys->channels[i].name;
	names[sys->nchannels] = NULL;
	sysdesc_join(buf, size, names);
}

/* Least privilege: a grant must be a need, and no wider than it. */
static void check_region_grant(struct sysdesc_ctx *c, int node,
			       const struct sdvf_component *comp,
			       const char *local, unsigned rights)
{
	char valid[LIST_MAX];
	const struct sdvf_need *need;
	if (!comp)
		return;
	need = need_find(comp, SDVF_NEED_REGION, local);
	if (!need) {
		need_names(valid, sizeof(valid), comp, SDVF_NEED_REGION);
		sysdesc_error(c, node,
			      "property '%s': component '%s' needs no region "
			      "'%s' (its regions: %s)",
			      local, comp->name, local, valid);
	} else if (rights & ~need->rights) {
		sysdesc_error(c, node,
			      "property '%s': rights \"%s\" exceed the need of "
			      "component '%s' (at most \"%s\")",
			      local, rights_str(rights), comp->name,
			      rights_str(need->rights));
	}
}

static unsigned parse_rights(const char *s)
{
	if (strcmp(s, "r") == 0)
		return SDVF_R;
	if (strcmp(s, "rw") == 0)
		return SDVF_RW;
	return 0;
}

/* `value` and `len`: the property `local`'s (read by offset). */
static void build_map(struct sysdesc_ctx *c, struct sdvf_system *sys,
		      struct sdvf_sys_pd *pd, int node, const char *local,
		      const char *value, int len)
{
	char valid[LIST_MAX], quoted[SYSDESC_QUOTE_MAX];
	const char *v[2];
	int n = sysdesc_value_strings(value, len, v, 2);
	if (n != 2) {
		sysdesc_error(c, node,
			      "property '%s': must be two strings: region and "
			      "rights (e.g. \"pipe_data\", \"rw\")",
			      local);
		return;
	}
	bool stats = strcmp(v[0], SDVF_STATS_REGION) == 0;
	unsigned rights = parse_rights(v[1]);
	if (stats && rights == SDVF_RW) {
		sysdesc_error(c, node,
			      "property '%s': region '%s' is the system's "
			      "stats file, granted read-only (rights \"r\")",
			      local, SDVF_STATS_REGION);
		return;
	}
	int region =
		stats ? stats_region(c, sys, node) : region_find(sys, v[0]);
	if (region < 0 && !stats) {
		names_of_regions(valid, sizeof(valid), sys);
		sysdesc_error(c, node,
			      "property '%s': no region '%s' in /regions "
			      "(valid: %s)",
			      local, v[0], valid);
	}
	if (!rights)
		sysdesc_error(c, node,
			      "property '%s': rights \"%s\" are not valid "
			      "(\"r\" or \"rw\")",
			      local,
			      sysdesc_quote(quoted, sizeof(quoted), v[1]));
	else
		check_region_grant(c, node, pd->component, local, rights);
	if (region < 0)
		return;
	if (pd->nmaps == SDVF_MAX_MAPS) {
		sysdesc_error(c, node,
			      "property '%s': too many maps (at most "
			      "%d per PD)",
			      local, SDVF_MAX_MAPS);
		return;
	}
	struct sdvf_sys_map *m = &pd->maps[pd->nmaps++];
	strcpy(m->local, local);
	m->region = region;
	m->rights = rights;
}

static bool local_name_ok(struct sysdesc_ctx *c, int node, const char *local)
{
	if (strlen(local) < SDVF_NAME_MAX)
		return true;
	sysdesc_error(c, node,
		      "property '%s': name is too long (at most %d "
		      "characters)",
		      local, SDVF_NAME_MAX - 1);
	return false;
}

static void build_maps(struct sysdesc_ctx *c, struct sdvf_system *sys,
		       struct sdvf_sys_pd *pd, int node)
{
	int p;
	check_names(c, node, NULL, none);
	fdt_for_each_property_offset(p, c->fdt, node)
	{
		const char *local;
		int len;
		const char *v = fdt_getprop_by_offset(c->fdt, p, &local, &len);
		if (local_name_ok(c, node, local))
			build_map(c, sys, pd, node, local, v, len);
	}
}

static void build_pd_chan(struct sysdesc_ctx *c, struct sdvf_system *sys,
			  struct sdvf_sys_pd *pd, int node, const char *local,
			  const char *value, int len)
{
	char valid[LIST_MAX];
	const char *name = sysdesc_value_str(value, len);
	const struct sdvf_component *comp = pd->component;
	int ch = name ? channel_find(sys, name) : -1;
	if (!name) {
		sysdesc_error(c, node,
			      "property '%s': must be one string "
			      "naming a channel in /channels",
			      local);
		return;
	}
	if (comp && !need_find(comp, SDVF_NEED_CHANNEL, local)) {
		need_names(valid, sizeof(valid), comp, SDVF_NEED_CHANNEL);
		sysdesc_error(c, node,
			      "property '%s': component '%s' needs no channel "
			      "'%s' (its channels: %s)",
			      local, comp->name, local, valid);
	}
	if (ch < 0) {
		names_of_channels(valid, sizeof(valid), sys);
		sysdesc_error(c, node,
			      "property '%s': no channel '%s' in /channels "
			      "(valid: %s)",
			      local, name, valid);
		return;
	}
	for (int i = 0; i < pd->nchans; i++) {
		if (pd->chans[i].channel == ch) {
			sysdesc_error(c, node,
				      "property '%s': channel '%s' is already "
				      "bound to '%s' (one end per PD)",
				      local, name, pd->chans[i].local);
			return;
		}
	}
	if (pd->nchans == SDVF_MAX_PD_CHANS) {
		sysdesc_error(c, node,
			      "property '%s': too many channels (at "
			      "most %d per PD)",
			      local, SDVF_MAX_PD_CHANS);
		return;
	}
	strcpy(pd->chans[pd->nchans].local, local);
	pd->chans[pd->nchans++].channel = ch;
}

static void build_pd_chans(struct sysdesc_ctx *c, struct sdvf_system *sys,
			   struct sdvf_sys_pd *pd, int node)
{
	int p;
	check_names(c, node, NULL, none);
	fdt_for_each_property_offset(p, c->fdt, node)
	{
		const char *local;
		int len;
		const char *v = fdt_getprop_by_offset(c->fdt, p, &local, &len);
		if (local_name_ok(c, node, local))
			build_pd_chan(c, sys, pd, node, local, v, len);
	}
}

/* Every need that is not optional must be granted. */
static void check_needs_granted(struct sysdesc_ctx *c, struct sdvf_sys_pd *pd)
{
	const struct sdvf_component *comp = pd->component;
	int maps = fdt_subnode_offset(c->fdt, pd->node, "maps");
	int chans = fdt_subnode_offset(c->fdt, pd->node, "channels");
	for (const struct sdvf_need *n = comp->needs; n && n->name; n++) {
		bool region = n->kind == SDVF_NEED_REGION;
		int holder = region ? maps : chans;
		if (n->optional ||
		    (holder >= 0 && fdt_getprop(c->fdt, holder, n->name, NULL)))
			continue;
		if (region)
			sysdesc_error_at(c, pd->node, "maps",
					 "missing property '%s' (component "
					 "'%s' needs region '%s', rights "
					 "\"%s\")",
					 n->name, comp->name, n->name,
					 rights_str(n->rights));
		else
			sysdesc_error_at(c, pd->node, "channels",
					 "missing property '%s' (component "
					 "'%s' needs channel '%s')",
					 n->name, comp->name, n->name);
	}
}

static void build_component(struct sysdesc_ctx *c, struct sdvf_sys_pd *pd,
			    const struct sdvf_component *const *table)
{
	char valid[LIST_MAX];
	const char *names[128];
	int n = 0;
	bool present;
	const char *name =
		sysdesc_prop_str(c->fdt, pd->node, "component", &present);
	if (name)
		pd->component = sdvf_component_find(table, name);
	if (pd->component)
		return;
	for (const struct sdvf_component *const *t = table; *t && n < 127; t++)
		names[n++] = (*t)->name;
	names[n] = NULL;
	sysdesc_join(valid, sizeof(valid), names);
	if (!present)
		sysdesc_error(c, pd->node,
			      "missing property 'component' (one of: %s)",
			      valid);
	else if (!name)
		sysdesc_error(c, pd->node,
			      "property 'component': must be one string (one "
			      "of: %s)",
			      valid);
	else
		sysdesc_error(c, pd->node,
			      "property 'component': unknown component '%s' "
			      "(one of: %s)",
			      name, valid);
}

static void build_core(struct sysdesc_ctx *c, struct sdvf_sys_pd *pd)
{
	int len;
	const fdt32_t *v = fdt_getprop(c->fdt, pd->node, "core", &len);
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	pd->core = -1;
	if (!v)
		return;
	if (len != 4) {
		sysdesc_error(c, pd->node,
			      "property 'core': must be one "
			      "32-bit cell (e.g. <0>)");
		return;
	}
	uint32_t core = fdt32_to_cpu(*v);
	if (online < 1)
		online = 1;
	if (core >= (uint32_t)online) {
		sysdesc_error(c, pd->node,
			      "property 'core': %u is out of range (0..%ld)",
			      core, online - 1);
		return;
	}
	pd->core = (int)core;
}

static void build_pd(struct sysdesc_ctx *c, struct sdvf_system *sys,
		     struct sdvf_sys_pd *pd,
		     const struct sdvf_component *const *table)
{
	int len;
	check_names(c, pd->node, pd_props, pd_nodes);
	build_component(c, pd, table);
	build_core(c, pd);
	sysdesc_build_group(c, pd);
	if (fdt_getprop(c->fdt, pd->node, "restartable", &len)) {
		pd->restartable = true;
		if (len != 0)
			sysdesc_error(c, pd->node,
				      "property 'restartable': takes no value "
				      "(write \"restartable;\")");
	}
	int maps = fdt_subnode_offset(c->fdt, pd->node, "maps");
	int chans = fdt_subnode_offset(c->fdt, pd->node, "channels");
	pd->config_node = fdt_subnode_offset(c->fdt, pd->node, "config");
	if (pd->config_node < 0)
		pd->config_node = -1;
	if (maps >= 0)
		build_maps(c, sys, pd, maps);
	if (chans >= 0)
		build_pd_chans(c, sys, pd, chans);
	if (pd->component)
		check_needs_granted(c, pd);
	if (pd->component)
		sysdesc_check_config(c, sys, (int)(pd - sys->pds));
}

static void build_pds(struct sysdesc_ctx *c, struct sdvf_system *sys,
		      const struct sdvf_component *const *table)
{
	int parent = fdt_subnode_offset(c->fdt, 0, "pds"), node;
	if (parent < 0)
		return;
	check_names(c, parent, none, NULL);
	fdt_for_each_subnode(node, c->fdt, parent)
	{
		if (!entry_ok(c, node, sys->npds, SDVF_MAX_PDS, "PDs"))
			continue;
		struct sdvf_sys_pd *pd = &sys->pds[sys->npds++];
		strcpy(pd->name, fdt_get_name(c->fdt, node, NULL));
		pd->node = node;
		build_pd(c, sys, pd, table);
	}
}

void sysdesc_build(struct sysdesc_ctx *c, struct sdvf_system *sys,
		   const struct sdvf_component *const *table)
{
	build_root(c);
	build_regions(c, sys);
	build_channels(c, sys);
	build_pds(c, sys, table);
	for (int r = 0; r < sys->nregions; r++) {
		if (sys->regions[r].stats)
			sys->regions[r].size =
				sdvf_stats_file_bytes((uint32_t)sys->npds);
	}
}
