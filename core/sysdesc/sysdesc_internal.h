/*
 * Private to core/sysdesc/: the error context every stage reports
 * through, the device-tree helpers the stages share, and the stages.
 *
 * One file per stage; calls go down this list only, never back up:
 *   sysdesc_load.c    file -> validated blob (fdt checks), and the
 *                     pipeline that runs the stages below in order;
 *                     sdvf_system_free
 *   sysdesc_dts.c     .dts -> blob: includes read here, /incbin/ refused,
 *                     dtc run as a bounded child
 *   sysdesc_names.c   every name in the blob, before anything reads one
 *   sysdesc_expand.c  /subsystems -> explicit nodes (expander table;
 *                     sysdesc_queue_pair.c is one expander)
 *   sysdesc_build.c   explicit tree -> struct sdvf_system (schema, limits,
 *                     references; each PD's config via sysdesc_config.c)
 *   sysdesc_check.c   whole-system rules (needs, sharing, io overlap, MACs
 *                     via sysdesc_config.c)
 *   sysdesc_config.c  config against params, MAC uniqueness, accessors
 *   sysdesc_dump.c    sdvf_system_dump (reads config through accessors)
 *   sysdesc_fdt.c     error context, property readers, the name rule,
 *                     quoting, reading a file: used by every stage, calls
 *                     none
 * registry.c (component and expander look-ups) is called by build and
 * expand and calls nothing here.
 */
#ifndef SDVF_SYSDESC_INTERNAL_H
#define SDVF_SYSDESC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/sysdesc/sysdesc.h"

/* ---- sysdesc_fdt.c ---------------------------------------------------- */

struct sysdesc_ctx {
	const char *file; /* names the description in every message */
	FILE *err;
	int nerrors;
	int nhidden; /* counted, not printed (SYSDESC_ERRORS_MAX) */
	const void *fdt;
};

/* Errors printed in one load; the rest are counted, and summed up by
 * sysdesc_errors_hidden.  Each printed line walks the tree for its path:
 * the 8,128 errors of 8000 regions without a size, mapped by no PD, in a
 * 450 KB .dtb took 16 s.
 * (An expander's own lines are not counted here: each refused expander
 * counts one error.) */
#define SYSDESC_ERRORS_MAX 100

/* One error line: "FILE: /node/path: <message>".  node < 0 prints only
 * "FILE: <message>".  Past SYSDESC_ERRORS_MAX errors, only counted. */
__attribute__((format(printf, 3, 4))) void
sysdesc_error(struct sysdesc_ctx *c, int node, const char *fmt, ...);

/* Same, for a node that may not exist in the blob (e.g. a PD's missing
 * maps node): the path is given as parent path + "/" + child. */
__attribute__((format(printf, 4, 5))) void
sysdesc_error_at(struct sysdesc_ctx *c, int parent, const char *child,
		 const char *fmt, ...);

/* "FILE: N more errors not shown" if errors were counted but not printed;
 * the pipeline calls it last. */
void sysdesc_errors_hidden(struct sysdesc_ctx *c);

/* Read a whole regular file of at most `max` bytes into *out (malloc, NUL
 * added).  Returns 0, or -1 with the reason in why ("cannot read: ...",
 * "not a regular file of at most N bytes"). */
#define SYSDESC_BLOB_MAX (16u << 20)
int sysdesc_read_file(const char *path, size_t max, void **out, size_t *size,
		      char why[128]);

/* Nodes and properties a description may hold (in a .dts: statements, each
 * ended by ';'), as written and once expanded.  Far above what the limits
 * of struct sdvf_system can use (32 PDs with their maps, channel ends and
 * config, 128 regions, 128 channels: some 5,100 with today's components),
 * and low enough that dtc (quadratic in the properties of a node) and every
 * look-up by name stay fast. */
#define SYSDESC_ITEMS_MAX 8192

/* More than SYSDESC_ITEMS_MAX nodes and properties in the tree? */
bool sysdesc_too_many_items(const void *fdt);

/* `in` quoted for a message: printable ASCII as is, \\ \\n \\t \\r, any
 * other byte as \\xHH; cut with "..." to fit `size`.  Returns out. */
#define SYSDESC_QUOTE_MAX 80
#define SYSDESC_PATH_QUOTE_MAX 1024
const char *sysdesc_quote(char *out, size_t size, const char *in);

/* The first character of `s` outside the name characters (printable: outside
 * printable ASCII), as "may not contain 'C' (valid: ...)" in why; NULL if
 * there is none. */
const char *sysdesc_chars_problem(const char *s, bool printable,
				  char why[SDVF_NAME_WHY_MAX]);

/* Property value as one string (NUL-terminated, no second string). */
const char *sysdesc_prop_str(const void *fdt, int node, const char *name,
			     bool *present);

/* A string list: up to `max` strings into out[]; returns how many the
 * property holds, or -1 if it is absent or not a list of non-empty
 * strings. */
int sysdesc_prop_strings(const void *fdt, int node, const char *name,
			 const char **out, int max);

/* The same for a value already in hand (by property offset: a look-up by
 * name is linear in the node's properties). */
const char *sysdesc_value_str(const char *v, int len);
int sysdesc_value_strings(const char *v, int len, const char **out, int max);

/* <u32> or <hi lo>; false if the property has another size. */
bool sysdesc_cells_u64(const void *prop, int len, uint64_t *out);

/* Print `names` (a NULL-terminated list) comma-separated into buf. */
void sysdesc_join(char *buf, size_t size, const char *const *names);

/* Format a MAC as xx:xx:xx:xx:xx:xx (buf >= 18 bytes). */
void sysdesc_format_mac(char *buf, const uint8_t *mac);

/* ---- the stages, in pipeline order ----------------------------------- */

/* sysdesc_dts.c: device-tree source `text` (the file `path`, or NULL for
 * text alone) compiled by dtc into *blob (malloc).  Returns 0, or -1 after
 * printing errors. */
int sysdesc_compile_dts(struct sysdesc_ctx *c, const char *path,
			const char *text, size_t len,
			const struct sdvf_load_options *opt, void **blob,
			size_t *size);

/* sysdesc_names.c: at most SYSDESC_ITEMS_MAX nodes and properties, every
 * node and property name, and the strings the schema uses as names.
 * Returns the number of errors. */
int sysdesc_check_names(struct sysdesc_ctx *c);

/* sysdesc_expand.c: expand every /subsystems node of the blob in *fdt
 * (which may be reallocated, size in *size).  Returns the number of
 * errors. */
int sysdesc_expand(struct sysdesc_ctx *c, void **fdt, size_t *size);

/* Free space guaranteed in the blob before each expander runs. */
#define SYSDESC_EXPAND_ROOM (64 * 1024)

/* The rest report through c and return nothing: the caller counts
 * c->nerrors. */

/* sysdesc_build.c */
void sysdesc_build(struct sysdesc_ctx *c, struct sdvf_system *sys,
		   const struct sdvf_component *const *table);
/* sysdesc_check.c */
void sysdesc_check(struct sysdesc_ctx *c, struct sdvf_system *sys);
/* A declared pipe between PDs a and b: a channel joins them. */
bool sysdesc_joined(const struct sdvf_system *sys, int a, int b);
/* sysdesc_config.c: PD `pd`'s config node against its component's params
 * (from build), and MACs unique across the system (from check): one
 * station's address may also be in the configuration of the muxes a
 * channel joins to it (their cN_mac), nowhere else. */
void sysdesc_check_config(struct sysdesc_ctx *c, struct sdvf_system *sys,
			  int pd);
void sysdesc_check_macs(struct sysdesc_ctx *c, struct sdvf_system *sys);
/* sysdesc_group.c: PD `pd`'s `group` property (from build), and every
 * group's members: trusted roles only, none restartable, one core, two
 * to SDVF_MAX_GROUP PDs (from check). */
void sysdesc_build_group(struct sysdesc_ctx *c, struct sdvf_sys_pd *pd);
void sysdesc_check_groups(struct sysdesc_ctx *c, const struct sdvf_system *sys);

#endif
