/* Look-ups in the registry of built-ins.  The tables themselves are
 * generated from each folder's module.mk (core/sysdesc/gen_registry.sh), so
 * adding a component or an expander touches only its own folder. */
#include <string.h>

#include "core/sysdesc/sysdesc.h"

const struct sdvf_component *
sdvf_component_find(const struct sdvf_component *const *table, const char *name)
{
	for (; *table; table++) {
		if (strcmp((*table)->name, name) == 0)
			return *table;
	}
	return NULL;
}

const struct sdvf_expander *sdvf_expander_find(const char *compatible)
{
	for (const struct sdvf_expander *const *e = sdvf_builtin_expanders; *e;
	     e++) {
		if (strcmp((*e)->compatible, compatible) == 0)
			return *e;
	}
	return NULL;
}
