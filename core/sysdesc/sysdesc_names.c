/*
 * System descriptions, stage 1b: the size and the names of a validated
 * blob, before any other stage reads it.
 *
 * At most SYSDESC_ITEMS_MAX nodes and properties: later stages look
 * properties up by name (linear in a node) and print node paths (linear in
 * the blob), so a bigger tree could make them quadratic.
 *
 * Every node name (but the root's) and every property name in the tree must
 * be a name (sdvf_name_problem), and so must every string the schema uses
 * as one: the root `name`, a PD's `component`, the region a map names, the
 * channel a channel end names, and a channel's `ends`.  Later stages,
 * `sdvf dump` and the launcher print these and make file names of them, so
 * they must hold nothing else; a .dtb may hold any byte in a node name.
 * Any error here ends the load: later messages would echo what was refused.
 * Empty strings are left to the stage that reads the property (its shape
 * error says what to write).  Expanders check the strings of their own
 * nodes (sysdesc_queue_pair.c).
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "core/sysdesc/sysdesc_internal.h"

/* Deeper nodes hold no name-valued strings (/pds/NAME/maps is depth 3). */
#define SCHEMA_DEPTH 3

/* Which strings of a property are names, by where it sits. */
enum name_strings { NO_STRINGS, FIRST_STRING, EVERY_STRING };

static enum name_strings name_strings_of(const char *const *at, int depth,
					 const char *prop)
{
	if (depth == 0)
		return strcmp(prop, "name") == 0 ? FIRST_STRING : NO_STRINGS;
	if (depth == 2 && strcmp(at[1], "pds") == 0)
		return strcmp(prop, "component") == 0 ? FIRST_STRING
						      : NO_STRINGS;
	if (depth == 2 && strcmp(at[1], "channels") == 0)
		return strcmp(prop, "ends") == 0 ? EVERY_STRING : NO_STRINGS;
	/* maps: LOCAL = "REGION", "RIGHTS"; channels: LOCAL = "CHANNEL" */
	if (depth == 3 && strcmp(at[1], "pds") == 0 &&
	    (strcmp(at[3], "maps") == 0 || strcmp(at[3], "channels") == 0))
		return FIRST_STRING;
	return NO_STRINGS;
}

/* The strings of a property value that are names; a value that is not a
 * string list is left to the stage that reads it. */
static void check_name_strings(struct sysdesc_ctx *c, int node,
			       const char *prop, const char *v, int len,
			       enum name_strings which)
{
	if (which == NO_STRINGS || !v || len < 1 || v[len - 1] != '\0')
		return;
	for (int at = 0; at < len; at += (int)strlen(v + at) + 1) {
		char why[SDVF_NAME_WHY_MAX], quoted[SYSDESC_QUOTE_MAX];
		if (v[at] != '\0' && sdvf_name_problem(v + at, why)) {
			sysdesc_error(
				c, node, "property '%s': name \"%s\" %s", prop,
				sysdesc_quote(quoted, sizeof(quoted), v + at),
				why);
			return;
		}
		if (which == FIRST_STRING)
			return;
	}
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Each of `names[0..n)` that is there more than once, once; sorts them. */
static void report_twice(struct sysdesc_ctx *c, int node, const char *what,
			 const char **names, int n)
{
	qsort(names, (size_t)n, sizeof(*names), name_cmp);
	for (int i = 1; i < n; i++) {
		if (strcmp(names[i], names[i - 1]) != 0 ||
		    (i > 1 && strcmp(names[i], names[i - 2]) == 0))
			continue;
		char quoted[SYSDESC_QUOTE_MAX]; /* a child's name is not checked
						   yet */
		sysdesc_error(c, node,
			      "%s '%s': given more than once (a node holds "
			      "each name once)",
			      what,
			      sysdesc_quote(quoted, sizeof(quoted), names[i]));
	}
}

/* Look-ups by name see only the first of two properties or children of
 * one name, while the stages that walk a node see both (dtc refuses them;
 * a .dtb can hold them): each would be checked as the first, and a config
 * of 8000 such properties took 0.75 s to check.  Sorted, not compared
 * pairwise.  `names` has room for SYSDESC_ITEMS_MAX. */
static void check_unique(struct sysdesc_ctx *c, int node, const char **names)
{
	int n = 0, p, sub;
	fdt_for_each_property_offset(p, c->fdt, node)
	{
		const char *prop = NULL;
		fdt_getprop_by_offset(c->fdt, p, &prop, NULL);
		if (prop && n < SYSDESC_ITEMS_MAX)
			names[n++] = prop;
	}
	report_twice(c, node, "property", names, n);
	n = 0;
	fdt_for_each_subnode(sub, c->fdt, node)
	{
		const char *child = fdt_get_name(c->fdt, sub, NULL);
		if (child && n < SYSDESC_ITEMS_MAX)
			names[n++] = child;
	}
	report_twice(c, node, "node", names, n);
}

/* `at` holds the names of the node and its parents, root first, up to
 * SCHEMA_DEPTH. */
static void check_node(struct sysdesc_ctx *c, int node, const char *name,
		       const char *const *at, int depth, const char **names)
{
	char why[SDVF_NAME_WHY_MAX], quoted[SYSDESC_QUOTE_MAX];
	int p, errors = c->nerrors;
	if (depth > 0 && sdvf_name_problem(name, why)) {
		sysdesc_error(c, node, "name %s", why);
		return; /* its properties would be reported under a bad path */
	}
	fdt_for_each_property_offset(p, c->fdt, node)
	{
		const char *prop;
		int len;
		const char *v = fdt_getprop_by_offset(c->fdt, p, &prop, &len);
		if (sdvf_name_problem(prop, why)) {
			sysdesc_error(
				c, node, "property '%s': name %s",
				sysdesc_quote(quoted, sizeof(quoted), prop),
				why);
			continue;
		}
		if (depth <= SCHEMA_DEPTH)
			check_name_strings(c, node, prop, v, len,
					   name_strings_of(at, depth, prop));
	}
	if (c->nerrors == errors) /* the names are clean to print */
		check_unique(c, node, names);
}

int sysdesc_check_names(struct sysdesc_ctx *c)
{
	const char *at[SCHEMA_DEPTH + 1] = {""};
	int errors = c->nerrors, depth = 0;
	if (sysdesc_too_many_items(c->fdt)) {
		sysdesc_error(c, -1,
			      "too many nodes and properties (at most %d)",
			      SYSDESC_ITEMS_MAX);
		return 1;
	}
	const char **names = malloc(SYSDESC_ITEMS_MAX * sizeof(*names));
	if (!names) {
		sysdesc_error(c, -1, "out of memory");
		return 1;
	}
	for (int node = 0; node >= 0 && depth >= 0;
	     node = fdt_next_node(c->fdt, node, &depth)) {
		const char *name = fdt_get_name(c->fdt, node, NULL);
		if (!name)
			name = "";
		if (depth <= SCHEMA_DEPTH)
			at[depth] = name;
		check_node(c, node, name, at, depth, names);
	}
	free(names);
	return c->nerrors - errors;
}
