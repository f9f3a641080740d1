/*
 * sdvf-hostile's component lists, one per file (tests/isolation/hostile.c
 * puts them in the table it runs `sdvf` with).
 */
#ifndef SDVF_TESTS_HOSTILE_H
#define SDVF_TESTS_HOSTILE_H

#include "core/pd.h"

/* tests/isolation/hostile_confine.c, NULL-terminated. */
extern const struct sdvf_component *const hostile_confine_components[];

/* tests/isolation/hostile_queue.c, NULL-terminated. */
extern const struct sdvf_component *const hostile_queue_components[];

/* tests/isolation/hostile_net.c, NULL-terminated. */
extern const struct sdvf_component *const hostile_net_components[];

/* tests/isolation/hostile_stats.c, NULL-terminated. */
extern const struct sdvf_component *const hostile_stats_components[];

#endif
