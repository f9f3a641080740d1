/*
 * System descriptions, stage 2: expansion of intent-level subsystems.
 *
 * Every child of /subsystems names an expander by `compatible`.  Before each
 * expander runs, the blob is reopened into a buffer with SYSDESC_EXPAND_ROOM
 * bytes free, so an expander adds nodes and properties with plain libfdt
 * calls.  Node offsets move as nodes are added, so expanders look nodes up
 * by path after every write.  libfdt inserts a new node or property first
 * in its parent: expanders write in reverse to read in natural order.  An
 * expander deletes and overwrites nothing: it checks for conflicts first and
 * writes only if there are none.
 *
 * Expanding stops once the tree holds more PDs, regions or channels than
 * struct sdvf_system takes, or more than SYSDESC_ITEMS_MAX nodes and
 * properties: build would refuse such a system anyway, and an expander's
 * every look-up is linear in the tree, so a small blob of many subsystems
 * made the load quadratic in what they generate (64 sdvf,net nodes in 14
 * KiB: 4 s under ASan; tests/fuzz/corpus/fuzz_sysdesc/regress-expansion-*).
 *
 * Adding a subsystem: define `const struct sdvf_expander NAME_expander` in
 * its own file (sysdesc_queue_pair.c is the model) and append NAME to
 * EXPANDERS in that folder's module.mk.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "core/sysdesc/sysdesc_internal.h"

#define MAX_SUBSYSTEMS 64
#define MAX_EXPANDERS 32 /* listed in one error message */

static void expander_names(char *buf, size_t size)
{
	const char *names[MAX_EXPANDERS + 1];
	size_t n = 0;
	for (const struct sdvf_expander *const *e = sdvf_builtin_expanders;
	     *e && n < MAX_EXPANDERS; e++)
		names[n++] = (*e)->compatible;
	names[n] = NULL;
	sysdesc_join(buf, size, names);
}

/* Reopen *fdt into a buffer with SYSDESC_EXPAND_ROOM bytes to spare.  A
 * blob reopened before is packed first, so the buffer grows by what the
 * last expander wrote, not by SYSDESC_EXPAND_ROOM per subsystem (64 of
 * them made 4 MiB buffers, 130 MiB allocated in all).  Only a blob
 * fdt_open_into wrote is packed: the blob as read may lay its blocks out in
 * any order fdt_check_full accepts. */
static int make_room(struct sysdesc_ctx *c, void **fdt, size_t *size,
		     bool reopened)
{
	if (reopened)
		fdt_pack(*fdt);
	size_t want = fdt_totalsize(*fdt) + SYSDESC_EXPAND_ROOM;
	void *bigger = malloc(want);
	int rc = bigger ? fdt_open_into(*fdt, bigger, (int)want)
			: -FDT_ERR_NOSPACE;
	if (rc < 0) {
		sysdesc_error(c, -1, "cannot expand: %s", fdt_strerror(rc));
		free(bigger);
		return -1;
	}
	free(*fdt);
	*fdt = bigger;
	*size = want;
	c->fdt = bigger;
	return 0;
}

static int expand_one(struct sysdesc_ctx *c, void *fdt, const char *name)
{
	int subs = fdt_path_offset(fdt, "/subsystems");
	int node = fdt_subnode_offset(fdt, subs, name);
	char valid[256];
	bool present;
	const char *compatible =
		sysdesc_prop_str(fdt, node, "compatible", &present);
	expander_names(valid, sizeof(valid));
	if (!compatible) {
		if (present)
			sysdesc_error(c, node,
				      "property 'compatible': must be one "
				      "string (one of: %s)",
				      valid);
		else
			sysdesc_error(c, node,
				      "missing property 'compatible' (one of: "
				      "%s)",
				      valid);
		return -1;
	}
	const struct sdvf_expander *e = sdvf_expander_find(compatible);
	if (!e) {
		char quoted[SYSDESC_QUOTE_MAX];
		sysdesc_error(c, node,
			      "property 'compatible': unknown subsystem \"%s\" "
			      "(one of: %s)",
			      sysdesc_quote(quoted, sizeof(quoted), compatible),
			      valid);
		return -1;
	}
	size_t size = strlen(c->file) + strlen(name) + sizeof(": /subsystems/");
	char *where = malloc(size);
	if (!where) {
		sysdesc_error(c, node, "out of memory");
		return -1;
	}
	snprintf(where, size, "%s: /subsystems/%s", c->file, name);
	int rc = e->expand(fdt, node, where, c->err);
	free(where);
	if (rc < 0)
		c->nerrors++;
	return rc < 0 ? -1 : 0;
}

/* More PDs, regions or channels than a system holds, or more nodes and
 * properties than a description may have, now that subsystem `name` is
 * expanded?  Said once, naming it: the subsystems left are not expanded. */
static bool expanded_too_far(struct sysdesc_ctx *c, const void *fdt,
			     const char *name)
{
	static const struct {
		const char *node, *what;
		int max;
	} limit[] = {
		{"pds", "PDs", SDVF_MAX_PDS},
		{"regions", "regions", SDVF_MAX_REGIONS},
		{"channels", "channels", SDVF_MAX_CHANNELS},
	};
	int subs = fdt_path_offset(fdt, "/subsystems");
	int node = fdt_subnode_offset(fdt, subs, name);
	for (size_t k = 0; k < sizeof(limit) / sizeof(limit[0]); k++) {
		int parent = fdt_subnode_offset(fdt, 0, limit[k].node);
		int count = 0, child;
		if (parent < 0)
			continue;
		fdt_for_each_subnode(child, fdt, parent)
		{
			count++;
		}
		if (count <= limit[k].max)
			continue;
		sysdesc_error(c, node,
			      "its expansion makes %d %s (a system holds at "
			      "most %d): subsystems written before it are not "
			      "expanded",
			      count, limit[k].what, limit[k].max);
		return true;
	}
	if (!sysdesc_too_many_items(fdt))
		return false;
	sysdesc_error(c, node,
		      "its expansion makes more than %d nodes and properties "
		      "(a description holds at most %d): subsystems written "
		      "before it are not expanded",
		      SYSDESC_ITEMS_MAX, SYSDESC_ITEMS_MAX);
	return true;
}

int sysdesc_expand(struct sysdesc_ctx *c, void **fdt, size_t *size)
{
	char names[MAX_SUBSYSTEMS][SDVF_NAME_MAX];
	int n = 0, errors = c->nerrors, node;
	int subs = fdt_path_offset(*fdt, "/subsystems");
	if (subs < 0)
		return 0;
	for (int p = fdt_first_property_offset(*fdt, subs); p >= 0;
	     p = fdt_next_property_offset(*fdt, p)) {
		const char *pname;
		fdt_getprop_by_offset(*fdt, p, &pname, NULL);
		sysdesc_error(c, subs, "property '%s': unknown (valid: none)",
			      pname);
	}
	/* Names first: expanding moves every offset. */
	fdt_for_each_subnode(node, *fdt, subs)
	{
		const char *name = fdt_get_name(*fdt, node, NULL);
		if (n == MAX_SUBSYSTEMS || strlen(name) >= SDVF_NAME_MAX) {
			sysdesc_error(c, node,
				      n == MAX_SUBSYSTEMS
					      ? "too many subsystems (at most "
						"64)"
					      : "name is too long (at most 47 "
						"characters)");
			continue;
		}
		strcpy(names[n++], name);
	}
	/* libfdt inserts new nodes and properties first in their parent, so
	 * expanding the last subsystem first leaves generated entries in
	 * subsystem order, ahead of hand-written ones. */
	for (int i = n - 1; i >= 0; i--) {
		if (make_room(c, fdt, size, i < n - 1) < 0)
			break;
		if (expand_one(c, *fdt, names[i]) == 0 &&
		    expanded_too_far(c, *fdt, names[i]))
			break;
	}
	return c->nerrors - errors;
}
