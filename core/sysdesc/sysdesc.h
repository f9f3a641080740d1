/*
 * System descriptions: load a .dts/.dtb, expand intent-level subsystem nodes
 * into explicit ones, build struct sdvf_system, and check it.
 * Schema: docs/system-description.md.
 *
 * Every error is one line on `err`, naming the file, the node path and the
 * property at fault and what would be valid, e.g.
 *   sys.dts: /pds/sink: property 'core': 7 is out of range (0..1)
 */
#ifndef SDVF_SYSDESC_H
#define SDVF_SYSDESC_H

#include <stdbool.h>
#include <stdio.h>

#include "core/sysdesc/system.h"

/* Load FILE (.dts compiled with dtc, or a .dtb), expand, load and check.
 * Returns 0, or -1 after printing every error found to `err`. */
int sdvf_system_load(struct sdvf_system *sys, const char *path,
		     const struct sdvf_component *const *table, FILE *err);

/* How a .dts is compiled.  dtc reads only what sdvf hands it: sdvf reads
 * the file and every /include/ itself (regular files, 1 MiB in all) and
 * refuses /incbin/, unless allow_incbin, when dtc reads the file and what
 * it names itself.  Either way dtc runs with limits on memory, CPU time
 * and output, and is stopped after dtc_timeout_ms. */
struct sdvf_load_options {
	bool allow_incbin;
	unsigned dtc_timeout_ms; /* 0: SDVF_DTC_TIMEOUT_MS */
};
#define SDVF_DTC_TIMEOUT_MS 10000u

/* sdvf_system_load with options (NULL: the defaults, all zero). */
int sdvf_system_load_with(struct sdvf_system *sys, const char *path,
			  const struct sdvf_component *const *table,
			  const struct sdvf_load_options *opt, FILE *err);

/* The same from device-tree source text (tests).  `name` stands for the file
 * in messages. */
int sdvf_system_load_dts(struct sdvf_system *sys, const char *name,
			 const char *dts,
			 const struct sdvf_component *const *table, FILE *err);

/* The same from a device-tree blob in memory (fuzzing; copied, so `blob`
 * stays the caller's).  Every byte of it is checked as a file's would be. */
int sdvf_system_load_blob(struct sdvf_system *sys, const char *name,
			  const void *blob, size_t size,
			  const struct sdvf_component *const *table, FILE *err);
void sdvf_system_free(struct sdvf_system *sys);

/* Names: every system, PD, region, channel, subsystem, map and channel-end
 * name is 1 to SDVF_NAME_MAX - 1 characters of A-Z a-z 0-9 _ . - and not
 * "." or "..", so it is safe in a file name and on a terminal.  NULL if
 * `name` is one; else why not, worded to follow the word "name" (e.g. "may
 * not contain '/' (valid: A-Z a-z 0-9 _ . -)"), written into `why`. */
#define SDVF_NAME_WHY_MAX 96
const char *sdvf_name_problem(const char *name, char why[SDVF_NAME_WHY_MAX]);

/* The system's name: the root `name` property, else the file name without
 * directory and extension with every character a name may not contain
 * made '_' (and "system" if nothing is left).  Always a valid name. */
void sdvf_system_name(const struct sdvf_system *sys, char out[SDVF_NAME_MAX]);

/* Print every PD, region (size, io address, who maps it with which rights)
 * and channel, one fact per line, in the format of
 * docs/system-description.md ("dump format"). */
void sdvf_system_dump(const struct sdvf_system *sys, FILE *out);
/* One line per co-location group, "PREFIXNAME pds=A,B,C" (PDs in the
 * description's order); nothing for a system without groups. */
void sdvf_system_print_groups(const struct sdvf_system *sys, const char *prefix,
			      FILE *out);

/* One line per client of the muxes (a PD whose channel "rx" or "tx" is a
 * mux's "cN"), each starting with `prefix`:
 *   <prefix>net client NAME: component=C mac=M ip=A.B.C.D rx=MODE tx=MODE
 * the address from the client's config "mac" and "ip", the modes from the
 * muxes' "cN_mode"; "-" for what is not there.  `sdvf run` prints it once
 * the system is up (core/sysdesc/sysdesc_reach.c). */
void sdvf_system_print_net_clients(const struct sdvf_system *sys,
				   const char *prefix, FILE *out);

/* Configuration of PD `pd`, checked at load against its component's
 * parameter table (so a declared key always answers; an absent optional
 * U64 gives its default, an absent STR/BYTES gives NULL). */
uint64_t sdvf_system_config_u64(const struct sdvf_system *sys, int pd,
				const char *key);
const char *sdvf_system_config_str(const struct sdvf_system *sys, int pd,
				   const char *key);
const uint8_t *sdvf_system_config_bytes(const struct sdvf_system *sys, int pd,
					const char *key, size_t *len);

/* Intent-level subsystems.  A node under /subsystems whose `compatible`
 * matches is handed to its expander, which adds explicit nodes (PDs,
 * regions, maps, channels, config) to the tree and deletes nothing the user
 * wrote.  A folder defines `const struct sdvf_expander NAME_expander` and
 * appends NAME to EXPANDERS in its module.mk; the build generates the
 * table. */
struct sdvf_expander {
	const char *compatible;
	/* Returns 0, or -1 after printing errors naming `path`.  `path` is
	 * the message prefix "FILE: /subsystems/NAME": each error line is
	 * "<path>: <what is wrong> (<what would be valid>)". */
	int (*expand)(void *fdt, int node, const char *path, FILE *err);
};

/* The built-in expanders, NULL-terminated (generated registry). */
extern const struct sdvf_expander *const sdvf_builtin_expanders[];

/* The expander for `compatible`, or NULL. */
const struct sdvf_expander *sdvf_expander_find(const char *compatible);

#endif
