/*
 * A loaded system description: the explicit level (PDs, regions, mappings,
 * channels), after every intent-level subsystem node has been expanded.
 *
 * Pipeline (core/sysdesc/):
 *   .dts --dtc--> .dtb --expand--> explicit .dtb --load+check--> system
 * Expansion rewrites the device tree itself (libfdt), so `sdvf dump` can
 * show the explicit system that will run, and config for generated PDs is
 * plain device-tree properties like any hand-written one.
 *
 * Host-side only (the launcher, the runtimes, the CLI); components never see
 * this structure.
 */
#ifndef SDVF_SYSTEM_H
#define SDVF_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/pd.h"

#define SDVF_NAME_MAX 48
#define SDVF_MAX_PDS 32
#define SDVF_MAX_REGIONS 128
#define SDVF_MAX_CHANNELS 128
#define SDVF_MAX_MAPS 24     /* per PD */
#define SDVF_MAX_PD_CHANS 24 /* per PD */
#define SDVF_MAX_GROUP 8     /* PDs per group */

struct sdvf_sys_region {
	char name[SDVF_NAME_MAX];
	uint64_t size; /* bytes, multiple of 4096 */
	uint64_t io_addr;
	bool has_io;
	/* SDVF_STATS_REGION: the system's stats file, not a memfd; made by
	 * the loader for the PDs that map it, read-only only. */
	bool stats;
	/* Device memory behind Linux UIO (`uio-device`, `uio-map`): each PD
	 * that maps the region maps /dev/<uio_device>'s map uio_map instead
	 * of the launcher's memfd (core/hosted/hosted_uio.c).  Empty: none. */
	char uio_device[16];
	uint32_t uio_map;
};

/* The reserved region name a PD maps (rights "r") to read the system's
 * stats file (core/stats_file.h): `maps { stats = "sdvf.stats", "r"; }`.
 * No /regions node may take the name; the loader adds the region, sized
 * for the system's PDs, when some PD maps it. */
#define SDVF_STATS_REGION "sdvf.stats"

struct sdvf_sys_map {
	char local[SDVF_NAME_MAX]; /* name the component looks up */
	int region;		   /* index into sys->regions */
	unsigned rights;	   /* enum sdvf_rights */
};

struct sdvf_sys_pd_chan {
	char local[SDVF_NAME_MAX];
	int channel; /* index into sys->channels */
};

struct sdvf_sys_pd {
	char name[SDVF_NAME_MAX];
	const struct sdvf_component *component;
	int core;	  /* -1: not pinned */
	bool restartable; /* the monitor restarts it when it dies */
	/* Co-location (hosted runtime): PDs with the same non-empty group
	 * run in one process, on one thread (docs/system-description.md,
	 * "Groups"); "" : a process of its own. */
	char group[SDVF_NAME_MAX];
	int node;	 /* offset of the PD node in sys->fdt */
	int config_node; /* offset of its config subnode, or -1 */
	struct sdvf_sys_map maps[SDVF_MAX_MAPS];
	int nmaps;
	struct sdvf_sys_pd_chan chans[SDVF_MAX_PD_CHANS];
	int nchans;
};

/* A channel joins exactly two PD ends. */
struct sdvf_sys_channel {
	char name[SDVF_NAME_MAX];
	int pd[2]; /* indices into sys->pds */
};

struct sdvf_system {
	const char *path; /* for error messages */
	void *fdt;	  /* expanded blob, owned (malloc) */
	struct sdvf_sys_pd pds[SDVF_MAX_PDS];
	int npds;
	struct sdvf_sys_region regions[SDVF_MAX_REGIONS];
	int nregions;
	struct sdvf_sys_channel channels[SDVF_MAX_CHANNELS];
	int nchannels;
};

/* The PDs of PD `pd`'s group in the order of sys->pds, `pd` among them:
 * their number (1 and `pd` alone if it has no group), at most
 * SDVF_MAX_GROUP written to `members`. */
int sdvf_system_group(const struct sdvf_system *sys, int pd,
		      int members[SDVF_MAX_GROUP]);

/* The components a program can run, NULL-terminated.  `sdvf` passes the
 * built-ins (the table is generated from every folder's COMPONENTS list,
 * core/sysdesc/module.mk); test programs pass built-ins plus hostile test
 * components. */
typedef const struct sdvf_component *const sdvf_component_table[];

extern const struct sdvf_component *const sdvf_builtin_components[];

const struct sdvf_component *
sdvf_component_find(const struct sdvf_component *const *table,
		    const char *name);

#endif
