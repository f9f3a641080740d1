/*
 * Private to core/sysdesc/: the error context every stage reports
 * through, and small device-tree helpers the stages share.
 *
 * Stages (one file each):
 *   sysdesc_load.c    file -> validated blob (dtc child, fdt checks), the
 *                     pipeline, sdvf_system_free
 *   sysdesc_expand.c  /subsystems -> explicit nodes (expander table,
 *                     sdvf,queue-pair)
 *   sysdesc_build.c   explicit tree -> struct sdvf_system (schema, limits,
 *                     references)
 *   sysdesc_check.c   whole-system rules (needs, sharing, io overlap, ...)
 *   sysdesc_config.c  config checking against params, and the accessors
 *   sysdesc_dump.c    sdvf_system_dump
 */
#ifndef SDVF_SYSDESC_INTERNAL_H
#define SDVF_SYSDESC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/sysdesc/sysdesc.h"

/* Free space guaranteed in the blob before each expander runs. */
#define SYSDESC_EXPAND_ROOM (64 * 1024)

struct sysdesc_ctx {
	const char *file; /* names the description in every message */
	FILE *err;
	int nerrors;
	const void *fdt;
};

/* One error line: "FILE: /node/path: <message>".  node < 0 prints only
 * "FILE: <message>". */
__attribute__((format(printf, 3, 4))) void
sysdesc_error(struct sysdesc_ctx *c, int node, const char *fmt, ...);

/* Same, for a node that may not exist in the blob (e.g. a PD's missing
 * maps node): the path is given as parent path + "/" + child. */
__attribute__((format(printf, 4, 5))) void
sysdesc_error_at(struct sysdesc_ctx *c, int parent, const char *child,
		 const char *fmt, ...);

/* Property value as one string (NUL-terminated, no second string). */
const char *sysdesc_prop_str(const void *fdt, int node, const char *name,
			     bool *present);

/* A string list: up to `max` strings into out[]; returns how many the
 * property holds, or -1 if it is absent or not a list of non-empty
 * strings. */
int sysdesc_prop_strings(const void *fdt, int node, const char *name,
			 const char **out, int max);

/* <u32> or <hi lo>; false if the property has another size. */
bool sysdesc_cells_u64(const void *prop, int len, uint64_t *out);

/* Print `names` (a NULL-terminated list) comma-separated into buf. */
void sysdesc_join(char *buf, size_t size, const char *const *names);

/* Build/check stages; each reports through c and returns nothing: the
 * caller counts c->nerrors. */
void sysdesc_build(struct sysdesc_ctx *c, struct sdvf_system *sys,
		   const struct sdvf_component *const *table);
void sysdesc_check(struct sysdesc_ctx *c, struct sdvf_system *sys);
void sysdesc_check_config(struct sysdesc_ctx *c, struct sdvf_system *sys,
			  int pd);
void sysdesc_check_macs(struct sysdesc_ctx *c, struct sdvf_system *sys);

/* Expand every /subsystems node of the blob in *fdt (which may be
 * reallocated, size in *size).  Returns the number of errors. */
int sysdesc_expand(struct sysdesc_ctx *c, void **fdt, size_t *size);

/* Format a MAC as xx:xx:xx:xx:xx:xx (buf >= 18 bytes). */
void sysdesc_format_mac(char *buf, const uint8_t *mac);

#endif
