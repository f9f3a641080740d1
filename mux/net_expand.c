/*
 * The `sdvf,net` subsystem, part 1: read and validate the node.
 *
 *   net { compatible = "sdvf,net";
 *         policy = "drr"; shaper = "token_bucket"; budget = <64>;
 *         rx-capacity = <256>; tx-capacity = <256>;
 *         nic { wire = "tap"; tap-name = "sdvf0"; mac = [02 00 00 00 e7 01];
 *               rx-ring = <256>; tx-ring = <256>;
 *               rx-buffers = <512>; tx-buffers = <256>; };
 *         clients { web { mac = [..]; ip = [..]; rx-mode = "remap"; ... }; };
 * };
 *
 * Everything the user wrote is checked here, against the ranges of the
 * components and policies it ends up in, and reported at the node and
 * property the user wrote (not at the generated config key), then copied
 * out of the blob: writing moves it.  The clients are read by
 * net_expand_clients.c; net_expand_plan.c and net_expand_write.c write.
 *
 * This is a loader plug-in, so it uses the loader's property readers
 * (core/sysdesc/sysdesc_internal.h) as sysdesc_queue_pair.c does; it lives
 * in mux/ because it knows the muxes' keys and the policies (core/ may not
 * include policies/).
 */
#include <libfdt.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "core/sysdesc/sysdesc.h"
#include "core/sysdesc/sysdesc_internal.h"
#include "mux/net_expand.h"
#include "policies/policy.h"

const char *const net_policy_props[5] = {"weight", "priority", "min-share",
					 "rate", "burst"};
const char *const net_policy_keys[5] = {"weight", "priority", "min_share",
					"rate", "burst"};
const char *const net_nic_driver_props[NET_NIC_DRIVER_KEYS] = {
	"ref-clk-hz", "rx-coalesce-frames", "rx-coalesce-us",
	"tx-coalesce-frames", "tx-coalesce-us"};
const char *const net_nic_driver_keys[NET_NIC_DRIVER_KEYS] = {
	"ref_clk_hz", "rx_coalesce_frames", "rx_coalesce_us",
	"tx_coalesce_frames", "tx_coalesce_us"};

void net_error(struct net *n, const char *sub, const char *fmt, ...)
{
	va_list ap;
	fprintf(n->err, "%s%s: ", n->where, sub);
	va_start(ap, fmt);
	vfprintf(n->err, fmt, ap);
	va_end(ap);
	fputc('\n', n->err);
	n->errors++;
}

/* ---- property readers ------------------------------------------------- */

void net_unknown_props(struct net *n, const char *sub, const void *fdt,
		       int node, const char *const *known, const char *more,
		       bool (*extra)(const char *))
{
	char valid[640];
	sysdesc_join(valid, sizeof(valid), known);
	if (more)
		snprintf(valid + strlen(valid), sizeof(valid) - strlen(valid),
			 "%s", more);
	for (int p = fdt_first_property_offset(fdt, node); p >= 0;
	     p = fdt_next_property_offset(fdt, p)) {
		const char *pname;
		bool ok = false;
		fdt_getprop_by_offset(fdt, p, &pname, NULL);
		for (int i = 0; known[i]; i++)
			ok |= strcmp(known[i], pname) == 0;
		if (!ok && !(extra && extra(pname)))
			net_error(n, sub, "property '%s': unknown (valid: %s)",
				  pname, valid);
	}
}

/* A number in min..max (power of two if pow2).  Absent: *out = dflt and
 * false.  Present and valid: true. */
void net_no_subnodes(struct net *n, const char *sub, const void *fdt, int node)
{
	int child;
	fdt_for_each_subnode(child, fdt, node)
	{
		net_error(n, sub, "node '%s': unknown (valid: none)",
			  fdt_get_name(fdt, child, NULL));
	}
}

bool net_read_u64(struct net *n, const char *sub, const void *fdt, int node,
		  const char *prop, uint64_t min, uint64_t max, bool pow2,
		  uint64_t dflt, uint64_t *out)
{
	int len;
	const void *v = fdt_getprop(fdt, node, prop, &len);
	*out = dflt;
	if (!v)
		return false;
	if (!sysdesc_cells_u64(v, len, out)) {
		net_error(n, sub,
			  "property '%s': must be one or two 32-bit cells "
			  "(<u32> or <hi lo>)",
			  prop);
	} else if (*out < min || *out > max) {
		net_error(n, sub,
			  "property '%s': %llu is out of range (%llu..%llu)",
			  prop, (unsigned long long)*out,
			  (unsigned long long)min, (unsigned long long)max);
	} else if (pow2 && (*out & (*out - 1)) != 0) {
		net_error(n, sub, "property '%s': %llu is not a power of two",
			  prop, (unsigned long long)*out);
	} else {
		return true;
	}
	*out = dflt;
	return false;
}

/* An optional number checked against a component's parameter `key`. */
void net_read_opt(struct net *n, const char *sub, const void *fdt, int node,
		  const char *prop, const char *component, const char *key,
		  struct net_opt *out)
{
	const struct sdvf_component *c =
		sdvf_component_find(sdvf_builtin_components, component);
	const struct sdvf_param *p = c ? c->params : NULL;
	while (p && p->name && strcmp(p->name, key) != 0)
		p++;
	uint64_t max = p && p->name && p->max ? p->max : UINT64_MAX;
	uint64_t min = p && p->name ? p->min : 0;
	out->set = net_read_u64(n, sub, fdt, node, prop, min, max, false, 0,
				&out->v);
}

/* A string, copied into out (size bytes); false if absent or invalid. */
bool net_read_str(struct net *n, const char *sub, const void *fdt, int node,
		  const char *prop, char *out, size_t size)
{
	bool present;
	const char *s = sysdesc_prop_str(fdt, node, prop, &present);
	char quoted[SYSDESC_QUOTE_MAX];
	if (!present)
		return false;
	if (!s || !*s) {
		net_error(n, sub, "property '%s': must be one non-empty string",
			  prop);
		return false;
	}
	if (strlen(s) >= size) {
		net_error(n, sub,
			  "property '%s': \"%s\" is too long (at most %zu "
			  "characters)",
			  prop, sysdesc_quote(quoted, sizeof(quoted), s),
			  size - 1);
		return false;
	}
	strcpy(out, s);
	return true;
}

/* True if a valid MAC was copied to out. */
bool net_read_mac(struct net *n, const char *sub, const void *fdt, int node,
		  uint8_t out[6])
{
	int len;
	const uint8_t *v = fdt_getprop(fdt, node, "mac", &len);
	static const uint8_t zero[6];
	if (!v)
		net_error(n, sub,
			  "missing property 'mac' (6 bytes, e.g. [02 00 00 00 "
			  "00 01])");
	else if (len != 6)
		net_error(n, sub,
			  "property 'mac': must be 6 bytes (e.g. [02 00 00 00 "
			  "00 01])");
	else if ((v[0] & 1) != 0)
		net_error(n, sub,
			  "property 'mac': a group address (first byte odd): "
			  "a station address is unicast");
	else if (memcmp(v, zero, 6) == 0)
		net_error(n, sub, "property 'mac': all zero");
	else {
		memcpy(out, v, 6);
		return true;
	}
	return false;
}

bool net_read_flag(struct net *n, const char *sub, const void *fdt, int node,
		   const char *prop)
{
	int len;
	if (!fdt_getprop(fdt, node, prop, &len))
		return false;
	if (len != 0)
		net_error(n, sub, "property '%s': takes no value (write '%s;')",
			  prop, prop);
	return len == 0;
}

/* ---- the NIC ---------------------------------------------------------- */

/* reset-mode: how the driver stops the ENET (docs/enet.md, "Silicon
 * hazards"); checked here so a typo names the nic node, not the PD. */
static void read_reset_mode(struct net *n, const void *fdt, int node)
{
	char quoted[SYSDESC_QUOTE_MAX];
	if (!net_read_str(n, "/nic", fdt, node, "reset-mode", n->reset_mode,
			  sizeof(n->reset_mode)))
		return;
	if (strcmp(n->reset_mode, "ecr-zero") != 0 &&
	    strcmp(n->reset_mode, "ecr-reset") != 0)
		net_error(n, "/nic",
			  "property 'reset-mode': \"%s\" is not one of "
			  "ecr-zero (default: i.MX6SX/7D/8M), ecr-reset",
			  sysdesc_quote(quoted, sizeof(quoted), n->reset_mode));
}

/* Properties of nic besides the wire parameters. */
static const char *const nic_props[] = {"wire",
					"mac",
					"rx-ring",
					"tx-ring",
					"rx-buffers",
					"tx-buffers",
					"ref-clk-hz",
					"rx-coalesce-frames",
					"rx-coalesce-us",
					"tx-coalesce-frames",
					"tx-coalesce-us",
					"uio-device",
					"uio-dma",
					"reset-mode",
					NULL};

/* The enet_model parameter `prop` names, '-' for '_' (not `wire`). */
static const struct sdvf_param *wire_param(const char *prop)
{
	const struct sdvf_component *model =
		sdvf_component_find(sdvf_builtin_components, "enet_model");
	char key[SDVF_NAME_MAX];
	if (!model || strlen(prop) >= sizeof(key))
		return NULL;
	for (size_t i = 0; i <= strlen(prop); i++)
		key[i] = prop[i] == '-' ? '_' : prop[i];
	if (strchr(prop, '_') || strcmp(key, "wire") == 0 ||
	    strcmp(key, "ref_clk_hz") == 0)
		return NULL; /* dashes only; ref-clk-hz is the nic's own */
	for (const struct sdvf_param *p = model->params; p && p->name; p++) {
		if (strcmp(p->name, key) == 0)
			return p;
	}
	return NULL;
}

static bool is_wire_param(const char *prop)
{
	return wire_param(prop) != NULL;
}

/* The wire's parameters, dashed, for the list of valid nic properties. */
static void nic_valid(char *buf, size_t size)
{
	const struct sdvf_component *model =
		sdvf_component_find(sdvf_builtin_components, "enet_model");
	size_t at = (size_t)snprintf(buf, size, ", and the wire's:");
	for (const struct sdvf_param *p = model ? model->params : NULL;
	     p && p->name && at < size; p++) {
		if (strcmp(p->name, "wire") == 0 ||
		    strcmp(p->name, "ref_clk_hz") == 0)
			continue; /* not a wire parameter (wire_param) */
		at += (size_t)snprintf(buf + at, size - at, " ");
		for (const char *c = p->name; *c && at + 1 < size; c++)
			buf[at++] = *c == '_' ? '-' : *c;
		buf[at] = '\0';
	}
}

/* A string with a list of choices (the model's `personality`) names one
 * of them; else the error lists them, the value quoted. */
static bool wire_choice_ok(struct net *n, const char *prop,
			   const struct sdvf_param *param, const char *s)
{
	const char *names[9];
	unsigned i = 0;
	for (const char *c; i < 8 && (c = param->choice(i)) != NULL; i++) {
		if (strcmp(c, s) == 0)
			return true;
		names[i] = c;
	}
	names[i] = NULL;
	char valid[128], quoted[SYSDESC_QUOTE_MAX];
	sysdesc_join(valid, sizeof(valid), names);
	net_error(n, "/nic", "property '%s': \"%s\" is not one of: %s", prop,
		  sysdesc_quote(quoted, sizeof(quoted), s), valid);
	return false;
}

/* A wire parameter's value against the model's table, reported at /nic
 * under the name the user wrote. */
static bool wire_value_ok(struct net *n, const char *prop,
			  const struct sdvf_param *param, const void *v,
			  int len)
{
	uint64_t u, max = param->max ? param->max : UINT64_MAX;
	char why[SDVF_NAME_WHY_MAX];
	const char *s;
	switch (param->type) {
	case SDVF_PARAM_U64:
		if (!sysdesc_cells_u64(v, len, &u) || u < param->min ||
		    u > max) {
			net_error(
				n, "/nic",
				"property '%s': must be a number in %llu..%llu",
				prop, (unsigned long long)param->min,
				(unsigned long long)max);
			return false;
		}
		return true;
	case SDVF_PARAM_STR:
		s = sysdesc_value_str(v, len);
		if (!s || sysdesc_chars_problem(s, true, why) ||
		    (param->max && strlen(s) > param->max)) {
			net_error(
				n, "/nic",
				"property '%s': must be one string of at most "
				"%llu printable characters",
				prop, (unsigned long long)param->max);
			return false;
		}
		return !param->choice || wire_choice_ok(n, prop, param, s);
	case SDVF_PARAM_MAC:
		if (len != 6)
			net_error(n, "/nic", "property '%s': must be 6 bytes",
				  prop);
		return len == 6;
	default:
		return true; /* the model checks the rest at load */
	}
}

static void read_wire_params(struct net *n, const void *fdt, int node)
{
	for (int p = fdt_first_property_offset(fdt, node); p >= 0;
	     p = fdt_next_property_offset(fdt, p)) {
		const char *pname;
		int len;
		const void *v = fdt_getprop_by_offset(fdt, p, &pname, &len);
		const struct sdvf_param *param = wire_param(pname);
		if (!param)
			continue;
		if (!wire_value_ok(n, pname, param, v, len))
			continue;
		if (n->nwire_params == NET_WIRE_PARAMS ||
		    len > (int)NET_VALUE_MAX) {
			net_error(n, "/nic", "property '%s': too long", pname);
			continue;
		}
		struct net_wire_param *w = &n->wire_param[n->nwire_params++];
		strcpy(w->key, param->name);
		memcpy(w->value, v, (size_t)len);
		w->len = len;
	}
}

/* The UIO backend: uio-device = "uioN" and uio-dma = <base size>, the
 * physical range of its map1 (page-aligned, below 4 GiB), both or none. */
static void read_nic_uio(struct net *n, const void *fdt, int node)
{
	int len;
	const fdt32_t *dma = fdt_getprop(fdt, node, "uio-dma", &len);
	bool dev = net_read_str(n, "/nic", fdt, node, "uio-device",
				n->uio_device, sizeof(n->uio_device));
	size_t k = strlen(n->uio_device);
	bool digits = k > 3 && strncmp(n->uio_device, "uio", 3) == 0;
	for (size_t i = 3; digits && i < k; i++)
		digits = n->uio_device[i] >= '0' && n->uio_device[i] <= '9';
	if (dev && !digits)
		net_error(n, "/nic",
			  "property 'uio-device': must be \"uioN\" (N: "
			  "digits)");
	if (!dev && !dma)
		return;
	if (dma && len == 8) {
		n->uio_dma_io = fdt32_to_cpu(dma[0]);
		n->uio_dma_size = fdt32_to_cpu(dma[1]);
	}
	if (!dma || len != 8 || n->uio_dma_size == 0 || n->uio_dma_io % 4096 ||
	    n->uio_dma_size % 4096 ||
	    n->uio_dma_io + n->uio_dma_size > 0x100000000ull)
		net_error(n, "/nic",
			  "property 'uio-dma': must be <base size>, the "
			  "physical range of UIO map1, page-aligned, below "
			  "4 GiB (with 'uio-device')");
	else if (!dev)
		net_error(n, "/nic",
			  "missing property 'uio-device' (\"uioN\", with "
			  "'uio-dma')");
	if (fdt_getprop(fdt, node, "wire", NULL) || n->nwire_params)
		net_error(n, "/nic",
			  "a wire and its parameters are the model's: not with "
			  "'uio-device' (the real ENET has its own cable)");
}

static void read_nic(struct net *n, const void *fdt, int parent)
{
	int node = fdt_subnode_offset(fdt, parent, "nic");
	char valid[512];
	if (node < 0) {
		net_error(n, "",
			  "missing node 'nic' (its wire and MAC: nic { wire = "
			  "\"tap\"; tap-name = \"sdvf0\"; mac = [02 00 00 00 "
			  "00 01]; })");
		return;
	}
	net_no_subnodes(n, "/nic", fdt, node);
	nic_valid(valid, sizeof(valid));
	net_unknown_props(n, "/nic", fdt, node, nic_props, valid,
			  is_wire_param);
	if (!net_read_str(n, "/nic", fdt, node, "wire", n->wire,
			  sizeof(n->wire)) &&
	    !fdt_getprop(fdt, node, "wire", NULL) &&
	    !fdt_getprop(fdt, node, "uio-device", NULL) &&
	    !fdt_getprop(fdt, node, "uio-dma", NULL))
		net_error(n, "/nic",
			  "missing property 'wire' (tap, udp, loopback, mem, "
			  "generator or pcap)");
	n->has_mac = net_read_mac(n, "/nic", fdt, node, n->mac);
	net_read_u64(n, "/nic", fdt, node, "rx-ring", 2, 512, true, 256,
		     &n->rx_ring);
	net_read_u64(n, "/nic", fdt, node, "tx-ring", 2, 512, true, 256,
		     &n->tx_ring);
	net_read_u64(n, "/nic", fdt, node, "rx-buffers", 1, NET_RX_BUFS_MAX,
		     false, NET_RX_BUFS_MAX, &n->rx_buffers);
	net_read_u64(n, "/nic", fdt, node, "tx-buffers", 1, NET_POOL_MAX, false,
		     256, &n->tx_buffers);
	for (int k = 0; k < NET_NIC_DRIVER_KEYS; k++)
		net_read_opt(n, "/nic", fdt, node, net_nic_driver_props[k],
			     "enet_driver", net_nic_driver_keys[k],
			     &n->driver_opt[k]);
	read_wire_params(n, fdt, node);
	read_nic_uio(n, fdt, node);
	read_reset_mode(n, fdt, node);
}

/* ---- policies --------------------------------------------------------- */

static const struct sdvf_policy *read_policy(struct net *n, const void *fdt,
					     int node, const char *prop,
					     enum sdvf_policy_kind kind,
					     char *out)
{
	char valid[160] = "";
	size_t at = 0;
	if (!net_read_str(n, "", fdt, node, prop, out, 32))
		return NULL;
	const struct sdvf_policy *p = sdvf_policy_find(out);
	if (p && p->kind == kind)
		return p;
	for (const struct sdvf_policy *const *q = sdvf_builtin_policies; *q;
	     q++) {
		if ((*q)->kind == kind && at < sizeof(valid))
			at += (size_t)snprintf(valid + at, sizeof(valid) - at,
					       "%s%s", at ? ", " : "",
					       (*q)->name);
	}
	char quoted[SYSDESC_QUOTE_MAX];
	net_error(n, "", "property '%s': unknown %s \"%s\" (valid: %s)", prop,
		  kind == SDVF_POLICY_SCHEDULER ? "scheduler" : "shaper",
		  sysdesc_quote(quoted, sizeof(quoted), out), valid);
	out[0] = '\0';
	return NULL;
}

/* ---- the node --------------------------------------------------------- */

static const char *const net_props[] = {
	"compatible",	      "policy",	     "shaper",	       "budget",
	"rx-capacity",	      "tx-capacity", "switch-buffers", "switch-reserve",
	"nic-core",	      "driver-core", "rx-mux-core",    "tx-mux-core",
	"driver-restartable", "colocate",    "colocate-nic",   NULL};

/* Pinning of the generated PDs, in the order of struct net's core[]. */
static const char *const core_props[4] = {"nic-core", "driver-core",
					  "rx-mux-core", "tx-mux-core"};

/* An empty property: the driver PD is restartable. */
static void read_driver_restartable(struct net *n, const void *fdt, int node)
{
	int len = 0;
	if (!fdt_getprop(fdt, node, "driver-restartable", &len))
		return;
	if (len != 0)
		net_error(n, "",
			  "property 'driver-restartable': takes no value "
			  "(write 'driver-restartable;')");
	n->driver_restartable = true;
}

/* An empty property: the driver and both muxes share one process
 * (docs/system-description.md, "Groups"), which runs and dies as one. */
static void read_colocate(struct net *n, const void *fdt, int node)
{
	int len = 0;
	if (!fdt_getprop(fdt, node, "colocate", &len))
		return;
	if (len != 0)
		net_error(n, "",
			  "property 'colocate': takes no value (write "
			  "'colocate;')");
	else if (n->driver_restartable)
		net_error(n, "",
			  "property 'colocate': the driver shares a process "
			  "with the muxes, which do not restart; drop "
			  "'driver-restartable;' or 'colocate;'");
	n->colocate = true;
}

/* An empty property, with colocate: the NIC's PD (the ENET model, the
 * hardware the driver trusts) joins the group too. */
static void read_colocate_nic(struct net *n, const void *fdt, int node)
{
	int len = 0;
	if (!fdt_getprop(fdt, node, "colocate-nic", &len))
		return;
	if (len != 0)
		net_error(n, "",
			  "property 'colocate-nic': takes no value (write "
			  "'colocate-nic;')");
	else if (!n->colocate)
		net_error(n, "",
			  "property 'colocate-nic': the NIC joins the group "
			  "of 'colocate;', which is not set");
	n->colocate_nic = true;
}

static void read_net(struct net *n, const void *fdt, int node)
{
	int child;
	net_unknown_props(n, "", fdt, node, net_props, NULL, NULL);
	fdt_for_each_subnode(child, fdt, node)
	{
		const char *name = fdt_get_name(fdt, child, NULL);
		char sub[SDVF_NAME_MAX + 2];
		snprintf(sub, sizeof(sub), "/%s", name);
		if (strcmp(name, "nic") != 0 && strcmp(name, "clients") != 0)
			net_error(n, sub, "unknown node (valid: nic, clients)");
	}
	const struct sdvf_policy *p[2] = {NULL, NULL};
	strcpy(n->policy, "rr");
	if (fdt_getprop(fdt, node, "policy", NULL))
		p[0] = read_policy(n, fdt, node, "policy",
				   SDVF_POLICY_SCHEDULER, n->policy);
	else
		p[0] = sdvf_policy_find("rr");
	if (fdt_getprop(fdt, node, "shaper", NULL))
		p[1] = read_policy(n, fdt, node, "shaper", SDVF_POLICY_SHAPER,
				   n->shaper);
	net_read_opt(n, "", fdt, node, "budget", "tx_mux", "budget",
		     &n->budget);
	/* net_client (every client's helper) takes at most 4096 slots */
	net_read_u64(n, "", fdt, node, "rx-capacity", 1, 4096, true, 256,
		     &n->rx_capacity);
	/* tx_mux's client_capacity stops at 4096 */
	net_read_u64(n, "", fdt, node, "tx-capacity", 1, 4096, true, 256,
		     &n->tx_capacity);
	/* local switching: sw_capacity of both muxes stops at 256 */
	net_read_u64(n, "", fdt, node, "switch-buffers", 1, 256, true, 64,
		     &n->switch_buffers);
	net_read_opt(n, "", fdt, node, "switch-reserve", "rx_mux", "sw_reserve",
		     &n->switch_reserve);
	n->policy_unknown = !p[0] || (n->shaper[0] == '\0' &&
				      fdt_getprop(fdt, node, "shaper", NULL));
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	for (int i = 0; i < 4; i++)
		n->core[i].set =
			net_read_u64(n, "", fdt, node, core_props[i], 0,
				     online > 0 ? (uint64_t)online - 1 : 0,
				     false, 0, &n->core[i].v);
	read_driver_restartable(n, fdt, node);
	read_colocate(n, fdt, node);
	read_colocate_nic(n, fdt, node);
	read_nic(n, fdt, node);
	net_read_clients(n, fdt, node, p);
}

/* DESIGN section 8: a remap client can rewrite its frame after the mux
 * checked it, so the source MAC check binds only an honest client. */
static void warn_remap_tx(struct net *n)
{
	for (unsigned i = 0; i < n->nclients; i++) {
		const struct net_client *c = &n->client[i];
		if (!c->tx_remap || c->trusted_source_mac || c->any_source_mac)
			continue;
		fprintf(n->err,
			"%s/clients/%s: warning: tx-mode \"remap\": the TX "
			"mux checks the source MAC before the device reads "
			"the frame, which the client may still rewrite, so "
			"the check binds only an honest client (if you trust "
			"it, write trusted-source-mac; else use tx-mode "
			"\"copy\")\n",
			n->where, c->node);
	}
}

static int net_expand(void *fdt, int node, const char *where, FILE *err)
{
	struct net n = {.where = where, .err = err};
	snprintf(n.name, sizeof(n.name), "%s", fdt_get_name(fdt, node, NULL));
	read_net(&n, fdt, node);
	if (n.errors || net_write(&n, fdt) < 0)
		return -1;
	warn_remap_tx(&n);
	return 0;
}

const struct sdvf_expander net_expander = {
	.compatible = "sdvf,net",
	.expand = net_expand,
};
