/*
 * Shared by test_sysdesc_net.c, test_sysdesc_net_switch.c,
 * test_sysdesc_net_refusals.c, test_sysdesc_net_uio.c, test_sysdesc_group.c
 * and test_lwip_sim.c: the component table they load with (the
 * built-ins plus net_stub, tests/unit/net_stub.h), two descriptions (`one`
 * client with every default, `three` in mixed modes), the load helpers,
 * and look-ups into a loaded or running system.
 */
#ifndef SDVF_TEST_NET_FIXTURE_H
#define SDVF_TEST_NET_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "tests/unit/fixture_sim.h"
#include "tests/unit/net_stub.h"

/* The built-ins and net_stub, NULL-terminated. */
static inline const struct sdvf_component *const *net_table(void)
{
	static const struct sdvf_component *table[64];
	size_t n = 0;
	for (const struct sdvf_component *const *c = sdvf_builtin_components;
	     *c && n < 62; c++)
		table[n++] = *c;
	table[n++] = &net_stub;
	table[n] = NULL;
	return table;
}

/* ---- helpers and descriptions (cmocka tests only) ----------------------- */

/* Where the expander's messages about the subsystem begin (load() names
 * the file t.dts). */
#define AT "t.dts: /subsystems/net"

static inline int load(struct sdvf_system *sys, const char *dts, char **errors)
{
	size_t len;
	FILE *err = open_memstream(errors, &len);
	assert_non_null(err);
	int rc = sdvf_system_load_dts(sys, "t.dts", dts, net_table(), err);
	fclose(err);
	return rc;
}

static inline char *dump_text(const struct sdvf_system *sys)
{
	char *text;
	size_t len;
	FILE *out = open_memstream(&text, &len);
	sdvf_system_dump(sys, out);
	fclose(out);
	return text;
}

/* One client, every default. */
static const char one[] =
	"/dts-v1/;\n"
	"/ { compatible = \"sdvf,system\";\n"
	"  pds { app { component = \"net_stub\"; }; };\n"
	"  subsystems { net { compatible = \"sdvf,net\";\n"
	"    nic { wire = \"loopback\"; mac = [02 00 00 00 00 01]; };\n"
	"    clients { app { mac = [02 00 00 00 00 0a]; }; };\n"
	"  }; };\n"
	"};\n";

/* Three clients in mixed modes, policy values, a wire parameter. */
static const char three[] =
	"/dts-v1/;\n"
	"/ { compatible = \"sdvf,system\";\n"
	"  pds { web { component = \"net_stub\"; core = <1>; };\n"
	"        db { component = \"net_stub\"; };\n"
	"        vm { component = \"net_stub\"; }; };\n"
	"  subsystems { net { compatible = \"sdvf,net\";\n"
	"    policy = \"drr\"; shaper = \"token_bucket\"; budget = <32>;\n"
	"    rx-capacity = <128>; tx-capacity = <64>;\n"
	"    rx-mux-core = <0>; tx-mux-core = <0>;\n"
	"    nic { wire = \"mem\"; mem-depth = <16>; mac = [02 00 00 00 00 "
	"01];\n"
	"          rx-ring = <64>; tx-ring = <32>; rx-buffers = <256>;\n"
	"          tx-buffers = <128>; };\n"
	"    clients {\n"
	"      web { mac = [02 00 00 00 00 0a]; ip = [0a 00 00 0a];\n"
	"            weight = <4>; rate = <1000000>; rx-buffers = <32>; };\n"
	"      db { mac = [02 00 00 00 00 0b]; rx-mode = \"remap\";\n"
	"           tx-mode = \"remap\"; trusted-source-mac; rx-cap = <64>;\n"
	"           tx-buffers = <16>; multicast = <1>; };\n"
	"      vm { mac = [02 00 00 00 00 0c]; rx-mode = \"remap\";\n"
	"           any-source-mac; broadcast = <0>; };\n"
	"    }; }; };\n"
	"};\n";

static inline void expect_ok(struct sdvf_system *sys, const char *dts)
{
	char *errors;
	int rc = load(sys, dts, &errors);
	assert_string_equal(errors, "");
	assert_int_equal(rc, 0);
	free(errors);
}

static inline void expect_errors(const char *dts, const char *expected)
{
	struct sdvf_system sys;
	char *errors;
	int rc = load(&sys, dts, &errors);
	assert_string_equal(errors, expected);
	assert_int_equal(rc, -1);
	free(errors);
}

/* dts with the one occurrence of `find` replaced by `repl`. */
static inline char *edit(const char *dts, const char *find, const char *repl)
{
	const char *at = strstr(dts, find);
	assert_non_null(at);
	assert_null(strstr(at + 1, find));
	size_t n = strlen(dts) - strlen(find) + strlen(repl) + 1;
	char *out = malloc(n);
	assert_non_null(out);
	snprintf(out, n, "%.*s%s%s", (int)(at - dts), dts, repl,
		 at + strlen(find));
	return out;
}

static inline void expect_edit_errors(const char *dts, const char *find,
				      const char *repl, const char *expected)
{
	char *text = edit(dts, find, repl);
	expect_errors(text, expected);
	free(text);
}

/* ---- looking into a loaded or running system (cmocka tests only) ------- */

static inline int pd_index(const struct sdvf_system *sys, const char *name)
{
	for (int i = 0; i < sys->npds; i++)
		if (strcmp(sys->pds[i].name, name) == 0)
			return i;
	fail_msg("no PD %s", name);
	return -1;
}

/* -1 if there is none. */
static inline int region_index(const struct sdvf_system *sys, const char *name)
{
	for (int i = 0; i < sys->nregions; i++)
		if (strcmp(sys->regions[i].name, name) == 0)
			return i;
	return -1;
}

static inline uint64_t cfg(const struct sdvf_system *sys, const char *pd,
			   const char *key)
{
	return sdvf_system_config_u64(sys, pd_index(sys, pd), key);
}

/* A queue of the running sim system, as a peer attaches it. */
static inline struct sdvf_queue attach(struct sdvf_sim *sim, const char *region,
				       uint32_t capacity)
{
	struct sdvf_queue q;
	sim_attach(sim, &q, region, capacity);
	return q;
}

#endif
