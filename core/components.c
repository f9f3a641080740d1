/* The component table: every built-in component, by name.  Adding a
 * component is one extern line and one table entry here. */
#include <string.h>

#include "core/system.h"

extern const struct sdvf_component queue_source_component;
extern const struct sdvf_component queue_sink_component;
extern const struct sdvf_component enet_driver_component;
extern const struct sdvf_component enet_model_component;
extern const struct sdvf_component raw_responder_component;

const struct sdvf_component *
sdvf_component_find(const struct sdvf_component *const *table, const char *name)
{
	for (; *table; table++) {
		if (strcmp((*table)->name, name) == 0)
			return *table;
	}
	return NULL;
}

const struct sdvf_component *const sdvf_builtin_components[] = {
	&queue_source_component,  &queue_sink_component,
	&enet_driver_component,	  &enet_model_component,
	&raw_responder_component, NULL,
};
