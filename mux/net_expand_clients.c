/*
 * The `sdvf,net` subsystem, part 2: the clients under /subsystems/N/clients
 * (schema: docs/system-description.md, "sdvf,net").  Each client node is
 * checked against the PD it names, the muxes' parameter ranges and the
 * selected policies' per-client tables, then the clients together: MACs,
 * DMA windows for remap TX, and the RX DMA buffers remap RX clients may
 * hold.  Errors name the client node and the property the user wrote.
 */
#include <libfdt.h>
#include <string.h>

#include "core/sysdesc/sysdesc.h"
#include "core/sysdesc/sysdesc_internal.h"
#include "mux/net_expand.h"
#include "policies/policy.h"

/* A client's policy value: a per-client parameter of the scheduler or the
 * shaper, within that policy's range and the TX mux's. */
static void read_policy_value(struct net *n, const char *sub, const void *fdt,
			      int node, int k, const struct sdvf_policy *p[2])
{
	struct net_client *c = &n->client[n->nclients];
	const char *prop = net_policy_props[k], *key = net_policy_keys[k];
	char mux_key[SDVF_NAME_MAX];
	if (!fdt_getprop(fdt, node, prop, NULL) || n->policy_unknown)
		return; /* an unknown policy is reported once, as itself */
	const struct sdvf_param *e = NULL;
	for (int i = 0; i < 2 && !e; i++)
		e = p[i] ? sdvf_policy_param(p[i], true, key) : NULL;
	if (!e) {
		char keys[128] = "";
		size_t at = 0;
		for (int i = 0; i < 2; i++) {
			const struct sdvf_param *q =
				p[i] ? p[i]->client_params : NULL;
			for (; q && q->name && at < sizeof(keys); q++)
				at += (size_t)snprintf(
					keys + at, sizeof(keys) - at, "%s%s",
					at ? ", " : "", q->name);
		}
		for (char *s = keys; *s; s++)
			*s = *s == '_' ? '-' : *s;
		net_error(n, sub,
			  "property '%s': not a parameter of the selected "
			  "policies (%s%s%s; their client keys: %s)",
			  prop, n->policy, n->shaper[0] ? ", " : "", n->shaper,
			  at ? keys : "none");
		return;
	}
	uint64_t v;
	if (!net_read_u64(n, sub, fdt, node, prop, e->min,
			  e->max ? e->max : UINT64_MAX, e->power_of_two, 0, &v))
		return;
	snprintf(mux_key, sizeof(mux_key), "c0_%s", key);
	struct net_opt checked;
	net_read_opt(n, sub, fdt, node, prop, "tx_mux", mux_key, &checked);
	if (checked.set)
		c->policy[k] = checked;
}

/* ---- clients ---------------------------------------------------------- */

/* In the order of docs/system-description.md's table. */
static const char *const client_props[] = {"pd",
					   "mac",
					   "ip",
					   "rx-mode",
					   "tx-mode",
					   "rx-buffers",
					   "tx-buffers",
					   "rx-cap",
					   "rx-rate",
					   "rx-burst",
					   "broadcast",
					   "multicast",
					   "weight",
					   "priority",
					   "min-share",
					   "rate",
					   "burst",
					   "any-source-mac",
					   "trusted-source-mac",
					   "switch-to",
					   NULL};

/* "copy" (the default) or "remap": true for remap. */
static bool read_mode(struct net *n, const char *sub, const void *fdt, int node,
		      const char *prop)
{
	char quoted[SYSDESC_QUOTE_MAX];
	bool present;
	const char *s = sysdesc_prop_str(fdt, node, prop, &present);
	if (!present || (s && strcmp(s, "copy") == 0))
		return false;
	if (s && strcmp(s, "remap") == 0)
		return true;
	if (s)
		net_error(n, sub,
			  "property '%s': \"%s\" is not a mode (valid: "
			  "\"copy\", \"remap\")",
			  prop, sysdesc_quote(quoted, sizeof(quoted), s));
	else
		net_error(n, sub,
			  "property '%s': must be one string (\"copy\" or "
			  "\"remap\")",
			  prop);
	return false;
}

/* The PD a client names: it exists, and if its component is a built-in,
 * that component is a net client (a client or VMM that needs rx_active and
 * tx_active; a VMM is copy mode only, read_client checks). */
static void read_client_pd(struct net *n, const char *sub, const void *fdt,
			   int node, struct net_client *c)
{
	char why[SDVF_NAME_WHY_MAX], quoted[SYSDESC_QUOTE_MAX];
	bool present;
	const char *name = sysdesc_prop_str(fdt, node, "pd", &present);
	if (present && !name) {
		net_error(n, sub,
			  "property 'pd': must be one string naming a PD in "
			  "/pds");
		return;
	}
	if (!name)
		name = c->node;
	if (sdvf_name_problem(name, why)) {
		net_error(n, sub, "property 'pd': name \"%s\" %s",
			  sysdesc_quote(quoted, sizeof(quoted), name), why);
		return;
	}
	int pd = fdt_subnode_offset(fdt, fdt_path_offset(fdt, "/pds"), name);
	if (pd < 0) {
		net_error(n, sub, "%sno PD '%s' in /pds%s",
			  present ? "property 'pd': " : "", name,
			  present ? "" : " (name the client's PD with 'pd')");
		return;
	}
	for (unsigned i = 0; i < n->nclients; i++) {
		if (strcmp(n->client[i].pd, name) == 0) {
			net_error(n, sub, "PD '%s' is already client '%s'",
				  name, n->client[i].node);
			return;
		}
	}
	const char *component = sysdesc_prop_str(fdt, pd, "component", NULL);
	const struct sdvf_component *comp =
		component ? sdvf_component_find(sdvf_builtin_components,
						component)
			  : NULL;
	bool rx = false, tx = false;
	for (const struct sdvf_need *need = comp ? comp->needs : NULL;
	     need && need->name; need++) {
		rx |= need->kind == SDVF_NEED_REGION &&
		      strcmp(need->name, "rx_active") == 0;
		tx |= need->kind == SDVF_NEED_REGION &&
		      strcmp(need->name, "tx_active") == 0;
	}
	bool role_ok = comp && (comp->role == SDVF_ROLE_CLIENT ||
				comp->role == SDVF_ROLE_VMM);
	if (comp && (!role_ok || !rx || !tx)) {
		net_error(n, sub,
			  "PD '%s' runs component '%s', which is not a net "
			  "client (a client- or VMM-role component that needs "
			  "regions rx_active and tx_active)",
			  name, component);
		return;
	}
	strcpy(c->pd, name);
	c->vm = comp && comp->role == SDVF_ROLE_VMM;
}

/* The client's `ip`: 4 bytes, or "dhcp" for a component with a DHCP
 * client (a param ip_mode, clients/lwip_netif.h), which then must have
 * one of the two unless its own config says ip_mode "dhcp"; a static
 * address beside a config ip_mode "dhcp", and "dhcp" beside a config
 * gateway, are refused. */
static void read_client_ip(struct net *n, const char *sub, const void *fdt,
			   int node, struct net_client *c)
{
	int pd = c->pd[0] ? fdt_subnode_offset(
				    fdt, fdt_path_offset(fdt, "/pds"), c->pd)
			  : -1;
	const char *component =
		pd >= 0 ? sysdesc_prop_str(fdt, pd, "component", NULL) : NULL;
	const struct sdvf_component *comp =
		component ? sdvf_component_find(sdvf_builtin_components,
						component)
			  : NULL;
	bool can_dhcp = false;
	for (const struct sdvf_param *p = comp ? comp->params : NULL;
	     p && p->name; p++)
		can_dhcp |= strcmp(p->name, "ip_mode") == 0;
	int cfg = pd >= 0 ? fdt_subnode_offset(fdt, pd, "config") : -1;
	const char *mode =
		cfg >= 0 ? sysdesc_prop_str(fdt, cfg, "ip_mode", NULL) : NULL;
	bool config_dhcp = mode && strcmp(mode, "dhcp") == 0;
	bool config_ip = cfg >= 0 && fdt_getprop(fdt, cfg, "ip", NULL);
	int len;
	const char *ip = fdt_getprop(fdt, node, "ip", &len);
	if (ip && len == 5 && memcmp(ip, "dhcp", 5) == 0) {
		if (comp && !can_dhcp)
			net_error(n, sub,
				  "property 'ip': \"dhcp\", but component "
				  "'%s' has no DHCP client (give 4 bytes)",
				  component);
		else if (cfg >= 0 && fdt_getprop(fdt, cfg, "gateway", NULL))
			net_error(n, sub,
				  "property 'ip': \"dhcp\", but PD '%s' has "
				  "config gateway (the lease names the router)",
				  c->pd);
		c->dhcp = true;
		return;
	}
	if (ip && len != 4) {
		net_error(n, sub,
			  "property 'ip': must be 4 bytes (e.g. [0a 00 00 "
			  "02]) or \"dhcp\"");
		return;
	}
	c->has_ip = ip != NULL;
	if (ip)
		memcpy(c->ip, ip, 4);
	if (ip && config_dhcp)
		net_error(n, sub,
			  "property 'ip': a static address, but PD '%s' has "
			  "config ip_mode \"dhcp\" (write ip = \"dhcp\")",
			  c->pd);
	else if (!ip && can_dhcp && !config_dhcp && !config_ip)
		net_error(n, sub,
			  "property 'ip': component '%s' needs an address (4 "
			  "bytes, or \"dhcp\")",
			  component);
}

static void read_client(struct net *n, const void *fdt, int node,
			const struct sdvf_policy *p[2])
{
	struct net_client *c = &n->client[n->nclients];
	char sub[SDVF_NAME_MAX + 16];
	snprintf(c->node, sizeof(c->node), "%s", fdt_get_name(fdt, node, NULL));
	snprintf(sub, sizeof(sub), "/clients/%s", c->node);
	net_unknown_props(n, sub, fdt, node, client_props, NULL, NULL);
	net_no_subnodes(n, sub, fdt, node);
	read_client_pd(n, sub, fdt, node, c);
	c->has_mac = net_read_mac(n, sub, fdt, node, c->mac);
	read_client_ip(n, sub, fdt, node, c);
	c->rx_remap = read_mode(n, sub, fdt, node, "rx-mode");
	c->tx_remap = read_mode(n, sub, fdt, node, "tx-mode");
	/* A guest's frames are copied to and from its RAM by the VMM anyway;
	 * remap would lend DMA buffers to a PD that runs untrusted code. */
	for (int k = 0; k < 2 && c->vm; k++)
		if (k ? c->tx_remap : c->rx_remap)
			net_error(n, sub,
				  "property '%s': \"remap\", but PD '%s' runs "
				  "a VM (component vmm): a VM client is copy "
				  "mode only (write \"copy\" or leave it out)",
				  k ? "tx-mode" : "rx-mode", c->pd);
	uint64_t rx_default = n->rx_capacity < NET_RX_BUFS_MAX
				      ? n->rx_capacity
				      : NET_RX_BUFS_MAX;
	uint64_t tx_default = n->tx_capacity < NET_CLIENT_TX_MAX
				      ? n->tx_capacity
				      : NET_CLIENT_TX_MAX;
	if (c->rx_remap && fdt_getprop(fdt, node, "rx-buffers", NULL))
		net_error(n, sub,
			  "property 'rx-buffers': only with rx-mode \"copy\" "
			  "(a remap client is lent buffers of the RX DMA "
			  "region: see rx-cap)");
	else
		net_read_u64(n, sub, fdt, node, "rx-buffers", 1,
			     NET_RX_BUFS_MAX, false, rx_default,
			     &c->rx_buffers);
	net_read_u64(n, sub, fdt, node, "tx-buffers", 1, NET_CLIENT_TX_MAX,
		     false, tx_default, &c->tx_buffers);
	net_read_opt(n, sub, fdt, node, "rx-cap", "rx_mux", "c0_rx_cap",
		     &c->rx_cap);
	net_read_opt(n, sub, fdt, node, "rx-rate", "rx_mux", "c0_rate",
		     &c->rx_rate);
	net_read_opt(n, sub, fdt, node, "rx-burst", "rx_mux", "c0_burst",
		     &c->rx_burst);
	net_read_opt(n, sub, fdt, node, "broadcast", "rx_mux", "c0_broadcast",
		     &c->broadcast);
	net_read_opt(n, sub, fdt, node, "multicast", "rx_mux", "c0_multicast",
		     &c->multicast);
	for (int k = 0; k < 5; k++)
		read_policy_value(n, sub, fdt, node, k, p);
	c->any_source_mac = net_read_flag(n, sub, fdt, node, "any-source-mac");
	c->trusted_source_mac =
		net_read_flag(n, sub, fdt, node, "trusted-source-mac");
}

static void check_macs(struct net *n)
{
	char text[18], sub[SDVF_NAME_MAX + 16];
	for (unsigned i = 0; i < n->nclients; i++) {
		const struct net_client *c = &n->client[i];
		snprintf(sub, sizeof(sub), "/clients/%s", c->node);
		sysdesc_format_mac(text, c->mac);
		if (!c->has_mac)
			continue;
		if (n->has_mac && memcmp(c->mac, n->mac, 6) == 0)
			net_error(n, sub,
				  "property 'mac': duplicate MAC %s, also the "
				  "NIC's (nic { mac })",
				  text);
		for (unsigned j = 0; j < i; j++) {
			if (n->client[j].has_mac &&
			    memcmp(c->mac, n->client[j].mac, 6) == 0)
				net_error(n, sub,
					  "property 'mac': duplicate MAC %s, "
					  "also client '%s'",
					  text, n->client[j].node);
		}
	}
}

/* switch-to: the other clients, by node name, a client's frames may be
 * switched to without the wire (both muxes' cN_switch_to).  Read once every
 * client is known: a name may come later in the list. */
static void read_switch_to(struct net *n, const void *fdt, int parent)
{
	char sub[SDVF_NAME_MAX + 16], quoted[SYSDESC_QUOTE_MAX];
	int node;
	unsigned i = 0;
	fdt_for_each_subnode(node, fdt, parent)
	{
		if (i >= n->nclients)
			break;
		struct net_client *c = &n->client[i++];
		snprintf(sub, sizeof(sub), "/clients/%s", c->node);
		int count = fdt_stringlist_count(fdt, node, "switch-to");
		if (count == -FDT_ERR_NOTFOUND)
			continue;
		if (count <= 0) {
			net_error(n, sub,
				  "property 'switch-to': must be one or more "
				  "strings naming other clients");
			continue;
		}
		for (int k = 0; k < count; k++) {
			const char *name = fdt_stringlist_get(
				fdt, node, "switch-to", k, NULL);
			unsigned j = 0;
			while (j < n->nclients &&
			       strcmp(n->client[j].node, name) != 0)
				j++;
			if (j == n->nclients)
				net_error(n, sub,
					  "property 'switch-to': no client "
					  "\"%s\" (name client nodes of this "
					  "subsystem)",
					  sysdesc_quote(quoted, sizeof(quoted),
							name));
			else if (j == i - 1)
				net_error(n, sub,
					  "property 'switch-to': \"%s\" is "
					  "this client (a frame to its own MAC "
					  "is never switched)",
					  name);
			else
				c->switch_to |= 1u << j;
		}
	}
}

/* rx_dma, tx_pool (when a client copies TX) and each remap TX client's
 * tx_data are the driver's DMA windows. */
static void check_windows(struct net *n)
{
	unsigned remap = 0, copy = 0;
	for (unsigned i = 0; i < n->nclients; i++) {
		remap += n->client[i].tx_remap;
		copy += !n->client[i].tx_remap;
	}
	if (1 + (copy > 0) + remap > NET_WINDOWS)
		net_error(n, "/clients",
			  "%u clients with tx-mode \"remap\" need %u DMA "
			  "windows with rx_dma%s (the ENET driver has %u: at "
			  "most %u remap TX clients)",
			  remap, 1 + (copy > 0) + remap,
			  copy ? " and tx_pool" : "", NET_WINDOWS,
			  NET_WINDOWS - 1 - (copy > 0));
}

/* switch-reserve, or rx_mux's default for sw_reserve. */
static uint64_t switch_reserve(const struct net *n)
{
	if (n->switch_reserve.set)
		return n->switch_reserve.v;
	const struct sdvf_component *c =
		sdvf_component_find(sdvf_builtin_components, "rx_mux");
	for (const struct sdvf_param *p = c ? c->params : NULL; p && p->name;
	     p++)
		if (strcmp(p->name, "sw_reserve") == 0)
			return p->default_u64;
	return 0;
}

/* Remap RX clients are lent the driver's own buffers: rx_mux refuses to
 * start unless their caps (explicit, or a share of the pool with one share
 * kept for the driver; each at most what its queue holds) leave the driver
 * at least one. */
static void check_rx_caps(struct net *n)
{
	uint64_t nremap = 0, sum = 0, reserve = 0;
	bool switching = false;
	for (unsigned i = 0; i < n->nclients; i++) {
		nremap += n->client[i].rx_remap;
		switching |= n->client[i].switch_to != 0;
	}
	/* rx_mux keeps sw_reserve RX DMA buffers apart when it switches to
	 * a remap client; the caps share what is left */
	if (switching && nremap)
		reserve = switch_reserve(n);
	if (reserve >= n->rx_buffers) {
		net_error(n, "",
			  "property 'switch-reserve': %llu of the %llu RX DMA "
			  "buffers (nic rx-buffers): leave the driver some",
			  (unsigned long long)reserve,
			  (unsigned long long)n->rx_buffers);
		return;
	}
	uint64_t pool = n->rx_buffers - reserve;
	for (unsigned i = 0; i < n->nclients; i++) {
		const struct net_client *c = &n->client[i];
		if (!c->rx_remap)
			continue;
		uint64_t cap = c->rx_cap.set && c->rx_cap.v
				       ? c->rx_cap.v
				       : pool / (nremap + 1);
		cap = cap < 1 ? 1 : cap;
		cap = cap > n->rx_capacity ? n->rx_capacity : cap;
		sum += cap > n->rx_buffers ? n->rx_buffers : cap;
	}
	if (nremap && sum >= pool)
		net_error(n, "/clients",
			  "the rx-cap of the clients with rx-mode \"remap\" "
			  "sum to %llu of the %llu RX DMA buffers (nic "
			  "rx-buffers%s): keep the sum below, or one hoarding "
			  "client could leave the driver none",
			  (unsigned long long)sum, (unsigned long long)pool,
			  reserve ? " less switch-reserve" : "");
}

void net_read_clients(struct net *n, const void *fdt, int parent,
		      const struct sdvf_policy *p[2])
{
	int node = fdt_subnode_offset(fdt, parent, "clients"), child;
	if (node < 0) {
		net_error(n, "",
			  "missing node 'clients' (one node per client PD, "
			  "1..%u)",
			  NET_CLIENTS);
		return;
	}
	for (int q = fdt_first_property_offset(fdt, node); q >= 0;
	     q = fdt_next_property_offset(fdt, q)) {
		const char *pname;
		fdt_getprop_by_offset(fdt, q, &pname, NULL);
		net_error(n, "/clients",
			  "property '%s': unknown (valid: none; one node per "
			  "client)",
			  pname);
	}
	unsigned seen = 0;
	fdt_for_each_subnode(child, fdt, node)
	{
		if (++seen > NET_CLIENTS)
			continue;
		read_client(n, fdt, child, p);
		n->nclients++;
	}
	if (seen == 0)
		net_error(n, "/clients", "no client (1..%u client nodes)",
			  NET_CLIENTS);
	else if (seen > NET_CLIENTS)
		net_error(n, "/clients",
			  "%u clients: the muxes serve at most %u (c0..c%u)",
			  seen, NET_CLIENTS, NET_CLIENTS - 1);
	read_switch_to(n, fdt, node);
	check_macs(n);
	check_windows(n);
	check_rx_caps(n);
}
