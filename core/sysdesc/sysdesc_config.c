/*
 * System descriptions: PD configuration.  Checking each PD's config node
 * against its component's parameter table at load, MAC uniqueness across
 * the system, and the typed accessors the runtimes use to implement
 * config_u64 / config_str / config_bytes of core/pd.h.
 *
 * Parameter limits (struct sdvf_param): U64 values lie in min..max, STR
 * lengths and BYTES lengths in min..max; a max of 0 means "no upper limit".
 * A STR value is printable ASCII (no control characters reach a terminal
 * or an interface name) and, if the parameter lists choices, one of them.
 */
#include <libfdt.h>
#include <string.h>

#include "core/sysdesc/sysdesc_internal.h"

#define LIST_MAX 1024
#define SYSDESC_CHOICES_MAX 32 /* listed in one error message */

static const struct sdvf_param *param_find(const struct sdvf_component *comp,
					   const char *key)
{
	for (const struct sdvf_param *p = comp ? comp->params : NULL;
	     p && p->name; p++) {
		if (strcmp(p->name, key) == 0)
			return p;
	}
	return NULL;
}

static uint64_t param_max(const struct sdvf_param *p)
{
	return p->max ? p->max : UINT64_MAX;
}

static void check_u64(struct sysdesc_ctx *c, int node,
		      const struct sdvf_param *p, const void *v, int len)
{
	uint64_t x;
	if (!sysdesc_cells_u64(v, len, &x))
		sysdesc_error(c, node,
			      "property '%s': must be one or two 32-bit cells "
			      "(<u32> or <hi lo>)",
			      p->name);
	else if (x < p->min || x > param_max(p))
		sysdesc_error(
			c, node,
			"property '%s': %llu is out of range (%llu..%llu)",
			p->name, (unsigned long long)x,
			(unsigned long long)p->min,
			(unsigned long long)param_max(p));
	else if (p->power_of_two && (x == 0 || (x & (x - 1)) != 0))
		sysdesc_error(c, node,
			      "property '%s': %llu is not a power of two",
			      p->name, (unsigned long long)x);
}

/* A string parameter with a list of choices names one of them. */
static void check_choice(struct sysdesc_ctx *c, int node,
			 const struct sdvf_param *p, const char *s)
{
	const char *names[SYSDESC_CHOICES_MAX + 1];
	unsigned n = 0;
	for (const char *v; n < SYSDESC_CHOICES_MAX && (v = p->choice(n));
	     n++) {
		if (strcmp(v, s) == 0)
			return;
		names[n] = v;
	}
	names[n] = NULL;
	char valid[256], quoted[SYSDESC_QUOTE_MAX];
	sysdesc_join(valid, sizeof(valid), names);
	sysdesc_error(c, node, "property '%s': \"%s\" is not one of: %s",
		      p->name, sysdesc_quote(quoted, sizeof(quoted), s), valid);
}

static void check_str(struct sysdesc_ctx *c, int node,
		      const struct sdvf_param *p)
{
	const char *s = sysdesc_prop_str(c->fdt, node, p->name, NULL);
	if (!s) {
		sysdesc_error(c, node, "property '%s': must be one string",
			      p->name);
		return;
	}
	size_t len = strlen(s);
	char why[SDVF_NAME_WHY_MAX], quoted[SYSDESC_QUOTE_MAX];
	/* dump prints it, components log it or make names of it */
	if (sysdesc_chars_problem(s, true, why))
		sysdesc_error(c, node, "property '%s': string \"%s\" %s",
			      p->name, sysdesc_quote(quoted, sizeof(quoted), s),
			      why);
	else if (len < p->min || len > param_max(p))
		sysdesc_error(c, node,
			      "property '%s': %zu characters is out of range "
			      "(%llu..%llu characters)",
			      p->name, len, (unsigned long long)p->min,
			      (unsigned long long)param_max(p));
	else if (p->choice)
		check_choice(c, node, p, s);
}

static void check_mac(struct sysdesc_ctx *c, int node,
		      const struct sdvf_param *p, const uint8_t *v, int len)
{
	char text[18];
	static const uint8_t zero[6];
	if (len != 6) {
		sysdesc_error(c, node,
			      "property '%s': must be 6 bytes (e.g. [02 00 00 "
			      "00 00 01])",
			      p->name);
		return;
	}
	sysdesc_format_mac(text, v);
	if (v[0] & 1u)
		sysdesc_error(c, node,
			      "property '%s': %s is not a unicast MAC (the "
			      "first byte must be even)",
			      p->name, text);
	else if (memcmp(v, zero, 6) == 0)
		sysdesc_error(c, node,
			      "property '%s': %s is not a valid MAC (all zero)",
			      p->name, text);
}

static void check_value(struct sysdesc_ctx *c, int node,
			const struct sdvf_param *p)
{
	int len;
	const void *v = fdt_getprop(c->fdt, node, p->name, &len);
	switch (p->type) {
	case SDVF_PARAM_U64:
		check_u64(c, node, p, v, len);
		break;
	case SDVF_PARAM_STR:
		check_str(c, node, p);
		break;
	case SDVF_PARAM_MAC:
		check_mac(c, node, p, v, len);
		break;
	case SDVF_PARAM_BYTES:
		if ((uint64_t)len < p->min || (uint64_t)len > param_max(p))
			sysdesc_error(c, node,
				      "property '%s': %d bytes is out of range "
				      "(%llu..%llu bytes)",
				      p->name, len, (unsigned long long)p->min,
				      (unsigned long long)param_max(p));
		break;
	}
}

/* "(U64 1..65536, power of two: number of buffers)" and the like. */
static void describe(char *buf, size_t size, const struct sdvf_param *p)
{
	static const char *const type[] = {"U64", "string", "MAC", "bytes"};
	int n = snprintf(buf, size, "%s", type[p->type]);
	if (p->type == SDVF_PARAM_U64)
		n += snprintf(buf + n, size - (size_t)n, " %llu..%llu",
			      (unsigned long long)p->min,
			      (unsigned long long)param_max(p));
	if (p->power_of_two)
		n += snprintf(buf + n, size - (size_t)n, ", power of two");
	if (p->help)
		snprintf(buf + n, size - (size_t)n, ": %s", p->help);
}

void sysdesc_check_config(struct sysdesc_ctx *c, struct sdvf_system *sys,
			  int pd_index)
{
	const struct sdvf_sys_pd *pd = &sys->pds[pd_index];
	const struct sdvf_component *comp = pd->component;
	int node = pd->config_node, p, sub;
	char text[LIST_MAX];
	if (node >= 0) {
		const char *names[128];
		int n = 0;
		for (const struct sdvf_param *q = comp->params;
		     q && q->name && n < 127; q++)
			names[n++] = q->name;
		names[n] = NULL;
		sysdesc_join(text, sizeof(text), names);
		fdt_for_each_subnode(sub, c->fdt, node)
		{
			sysdesc_error(c, sub, "unknown node (valid: none)");
		}
		fdt_for_each_property_offset(p, c->fdt, node)
		{
			const char *key;
			fdt_getprop_by_offset(c->fdt, p, &key, NULL);
			const struct sdvf_param *param = param_find(comp, key);
			if (param)
				check_value(c, node, param);
			else
				sysdesc_error(c, node,
					      "property '%s': unknown (valid: "
					      "%s)",
					      key, text);
		}
	}
	for (const struct sdvf_param *q = comp->params; q && q->name; q++) {
		if (!q->required ||
		    (node >= 0 && fdt_getprop(c->fdt, node, q->name, NULL)))
			continue;
		describe(text, sizeof(text), q);
		sysdesc_error_at(c, pd->node, "config",
				 "missing property '%s' (%s)", q->name, text);
	}
}

static bool is_mux(const struct sdvf_system *sys, int pd)
{
	return sys->pds[pd].component->role == SDVF_ROLE_MUX;
}

/* Two uses of one MAC that name one station: a mux's cN_mac and the
 * station it serves, joined by a channel, or two muxes naming the same
 * client.  Anything else (two stations, one PD twice) is a duplicate. */
static bool same_station(const struct sdvf_system *sys, int a, int b)
{
	if (a == b)
		return false;
	if (is_mux(sys, a) && is_mux(sys, b))
		return true;
	if (is_mux(sys, a) || is_mux(sys, b))
		return sysdesc_joined(sys, a, b);
	return false;
}

void sysdesc_check_macs(struct sysdesc_ctx *c, struct sdvf_system *sys)
{
	struct {
		const uint8_t *mac;
		int pd;
	} seen[SDVF_MAX_PDS * 4];
	int nseen = 0;
	for (int i = 0; i < sys->npds; i++) {
		const struct sdvf_sys_pd *pd = &sys->pds[i];
		if (!pd->component || pd->config_node < 0)
			continue;
		for (const struct sdvf_param *q = pd->component->params;
		     q && q->name; q++) {
			int len;
			const uint8_t *mac;
			if (q->type != SDVF_PARAM_MAC || q->names_peer)
				continue;
			mac = fdt_getprop(c->fdt, pd->config_node, q->name,
					  &len);
			if (!mac || len != 6)
				continue;
			for (int s = 0; s < nseen; s++) {
				char text[18];
				if (memcmp(seen[s].mac, mac, 6) != 0 ||
				    same_station(sys, seen[s].pd, i))
					continue;
				sysdesc_format_mac(text, mac);
				sysdesc_error(
					c, pd->config_node,
					"property '%s': duplicate MAC %s, "
					"also used by /pds/%s",
					q->name, text,
					sys->pds[seen[s].pd].name);
				break;
			}
			if (nseen < (int)(sizeof(seen) / sizeof(seen[0]))) {
				seen[nseen].mac = mac;
				seen[nseen++].pd = i;
			}
		}
	}
}

/* ---- accessors -------------------------------------------------------- */

static const void *config_prop(const struct sdvf_system *sys, int pd,
			       const char *key, int *len)
{
	if (pd < 0 || pd >= sys->npds || sys->pds[pd].config_node < 0)
		return NULL;
	return fdt_getprop(sys->fdt, sys->pds[pd].config_node, key, len);
}

uint64_t sdvf_system_config_u64(const struct sdvf_system *sys, int pd,
				const char *key)
{
	int len;
	uint64_t v;
	const void *prop = config_prop(sys, pd, key, &len);
	if (prop && sysdesc_cells_u64(prop, len, &v))
		return v;
	if (pd < 0 || pd >= sys->npds)
		return 0;
	const struct sdvf_param *p = param_find(sys->pds[pd].component, key);
	return p ? p->default_u64 : 0;
}

const char *sdvf_system_config_str(const struct sdvf_system *sys, int pd,
				   const char *key)
{
	if (pd < 0 || pd >= sys->npds || sys->pds[pd].config_node < 0)
		return NULL;
	return sysdesc_prop_str(sys->fdt, sys->pds[pd].config_node, key, NULL);
}

const uint8_t *sdvf_system_config_bytes(const struct sdvf_system *sys, int pd,
					const char *key, size_t *len)
{
	int n = 0;
	const uint8_t *v = config_prop(sys, pd, key, &n);
	if (len)
		*len = v ? (size_t)n : 0;
	return v;
}
