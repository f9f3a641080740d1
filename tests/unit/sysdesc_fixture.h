/*
 * Shared by test_sysdesc.c and test_sysdesc_cli.c: test components (so the
 * tests depend on no other engineer's component), a good explicit system
 * (`base`), the same system at intent level (`intent`), and helpers.
 */
#ifndef SDVF_TEST_SYSDESC_FIXTURE_H
#define SDVF_TEST_SYSDESC_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/sysdesc/sysdesc.h"

/* ---- test components -------------------------------------------------- */

static const struct sdvf_need source_needs[] = {
	{"data", SDVF_NEED_REGION, SDVF_RW, false},
	{"active", SDVF_NEED_REGION, SDVF_RW, false},
	{"free", SDVF_NEED_REGION, SDVF_RW, false},
	{"scratch", SDVF_NEED_REGION, SDVF_RW, true},
	{"peer", SDVF_NEED_CHANNEL, 0, false},
	{0},
};

static inline const char *wire_choice(unsigned i)
{
	static const char *const wires[] = {"tap", "udp", NULL};
	return i < 2 ? wires[i] : NULL;
}

static const struct sdvf_param source_params[] = {
	{.name = "buffers",
	 .type = SDVF_PARAM_U64,
	 .min = 1,
	 .max = 65536,
	 .required = true,
	 .help = "buffers",
	 .power_of_two = true},
	{.name = "capacity",
	 .type = SDVF_PARAM_U64,
	 .min = 1,
	 .max = 65536,
	 .required = true,
	 .help = "queue slots",
	 .power_of_two = true},
	{.name = "batch",
	 .type = SDVF_PARAM_U64,
	 .min = 1,
	 .max = 256,
	 .default_u64 = 32,
	 .help = "batch size"},
	{.name = "mac", .type = SDVF_PARAM_MAC, .help = "source MAC"},
	{.name = "wire",
	 .type = SDVF_PARAM_STR,
	 .max = 8,
	 .help = "wire kind",
	 .choice = wire_choice},
	{.name = "key",
	 .type = SDVF_PARAM_BYTES,
	 .min = 4,
	 .max = 16,
	 .help = "secret"},
	{0},
};

static const struct sdvf_need sink_needs[] = {
	{"data", SDVF_NEED_REGION, SDVF_R, false},
	{"active", SDVF_NEED_REGION, SDVF_RW, false},
	{"free", SDVF_NEED_REGION, SDVF_RW, false},
	{"scratch", SDVF_NEED_REGION, SDVF_R, true},
	{"peer", SDVF_NEED_CHANNEL, 0, false},
	{0},
};

static const struct sdvf_param sink_params[] = {
	{.name = "buffers",
	 .type = SDVF_PARAM_U64,
	 .min = 1,
	 .max = 65536,
	 .required = true,
	 .help = "buffers",
	 .power_of_two = true},
	{.name = "capacity",
	 .type = SDVF_PARAM_U64,
	 .min = 1,
	 .max = 65536,
	 .required = true,
	 .help = "queue slots",
	 .power_of_two = true},
	{.name = "mac", .type = SDVF_PARAM_MAC, .help = "sink MAC"},
	{0},
};

/* A mux with two prefixed queue pairs (a_ and b_), either end of each. */
static const struct sdvf_need dual_needs[] = {
	{"a_data", SDVF_NEED_REGION, SDVF_RW, false},
	{"a_active", SDVF_NEED_REGION, SDVF_RW, false},
	{"a_free", SDVF_NEED_REGION, SDVF_RW, false},
	{"a_peer", SDVF_NEED_CHANNEL, 0, false},
	{"b_data", SDVF_NEED_REGION, SDVF_RW, false},
	{"b_active", SDVF_NEED_REGION, SDVF_RW, false},
	{"b_free", SDVF_NEED_REGION, SDVF_RW, false},
	{"b_peer", SDVF_NEED_CHANNEL, 0, false},
	{0},
};

static const struct sdvf_param dual_params[] = {
	{.name = "a_buffers",
	 .type = SDVF_PARAM_U64,
	 .min = 1,
	 .required = true},
	{.name = "a_capacity",
	 .type = SDVF_PARAM_U64,
	 .min = 1,
	 .required = true},
	{.name = "b_buffers",
	 .type = SDVF_PARAM_U64,
	 .min = 1,
	 .required = true},
	{.name = "b_capacity",
	 .type = SDVF_PARAM_U64,
	 .min = 1,
	 .required = true},
	{0},
};

#define M(n)                                                                   \
	{                                                                      \
		"m" #n, SDVF_NEED_REGION, SDVF_RW, true                        \
	}
static const struct sdvf_need wide_needs[] = {
	M(0),  M(1),  M(2),  M(3),  M(4),  M(5),  M(6),	 M(7),	M(8),
	M(9),  M(10), M(11), M(12), M(13), M(14), M(15), M(16), M(17),
	M(18), M(19), M(20), M(21), M(22), M(23), M(24), M(25), {0},
};
#undef M

/* What `sdvf stats --explain` prints for test_source (test_sink has no
 * counter list). */
static const struct sdvf_counter_doc source_counters[] = {
	{"sent", "buffers handed to the sink"},
	{"bad_return.*", "buffers the sink gave back wrongly, by reason"},
	{"bad_return.foreign.*", "foreign buffers, by queue"},
	{0},
};

static const struct sdvf_component test_source = {
	.name = "test_source",
	.role = SDVF_ROLE_CLIENT,
	.needs = source_needs,
	.params = source_params,
	.counters = source_counters,
};
static const struct sdvf_component test_sink = {
	.name = "test_sink",
	.role = SDVF_ROLE_CLIENT,
	.needs = sink_needs,
	.params = sink_params,
};
static const struct sdvf_component test_dual = {
	.name = "test_dual",
	.role = SDVF_ROLE_MUX,
	.needs = dual_needs,
	.params = dual_params,
};
static const struct sdvf_component test_wide = {
	.name = "test_wide",
	.role = SDVF_ROLE_DRIVER,
	.needs = wide_needs,
};

static const struct sdvf_component *const table[] = {
	&test_source, &test_sink, &test_dual, &test_wide, NULL};

/* ---- helpers ---------------------------------------------------------- */

/* Load DTS text as "t.dts"; returns the load result, errors in *errors
 * (caller frees). */
static inline int load(struct sdvf_system *sys, const char *dts, char **errors)
{
	size_t len;
	FILE *err = open_memstream(errors, &len);
	assert_non_null(err);
	int rc = sdvf_system_load_dts(sys, "t.dts", dts, table, err);
	fclose(err);
	return rc;
}

static inline void expect_errors(const char *dts, const char *expected)
{
	struct sdvf_system sys;
	char *errors;
	int rc = load(&sys, dts, &errors);
	assert_int_equal(rc, -1);
	assert_string_equal(errors, expected);
	assert_null(sys.fdt);
	free(errors);
}

static inline void expect_ok(struct sdvf_system *sys, const char *dts)
{
	char *errors;
	int rc = load(sys, dts, &errors);
	assert_string_equal(errors, "");
	assert_int_equal(rc, 0);
	free(errors);
}

/* dts with the one occurrence of `find` replaced by `repl`. */
static inline char *edit(const char *dts, const char *find, const char *repl)
{
	const char *at = strstr(dts, find);
	assert_non_null(at);
	assert_null(strstr(at + 1, find)); /* the edit must be unambiguous */
	size_t n = strlen(dts) - strlen(find) + strlen(repl) + 1;
	char *out = malloc(n);
	assert_non_null(out);
	snprintf(out, n, "%.*s%s%s", (int)(at - dts), dts, repl,
		 at + strlen(find));
	return out;
}

static const char base[] =
	"/dts-v1/;\n"
	"/ {\n"
	"	compatible = \"sdvf,system\";\n"
	"	pds {\n"
	"		source {\n"
	"			component = \"test_source\";\n"
	"			core = <0>;\n"
	"			maps {\n"
	"				data = \"pipe_data\", \"rw\";\n"
	"				active = \"pipe_active\", \"rw\";\n"
	"				free = \"pipe_free\", \"rw\";\n"
	"			};\n"
	"			channels { peer = \"pipe\"; };\n"
	"			config { buffers = <256>; capacity = <256>; "
	"};\n"
	"		};\n"
	"		sink {\n"
	"			component = \"test_sink\";\n"
	"			restartable;\n"
	"			maps {\n"
	"				data = \"pipe_data\", \"r\";\n"
	"				active = \"pipe_active\", \"rw\";\n"
	"				free = \"pipe_free\", \"rw\"; };\n"
	"			channels { peer = \"pipe\"; };\n"
	"			config { buffers = <256>; capacity = <0x100>; "
	"};\n"
	"		};\n"
	"	};\n"
	"	regions {\n"
	"		pipe_data { size = <0x80000>; };\n"
	"		pipe_active { size = <0x2000>; };\n"
	"		pipe_free { size = <0x2000>; };\n"
	"	};\n"
	"	channels { pipe { ends = \"source\", \"sink\"; }; };\n"
	"};\n";

/* ---- the same system through a queue-pair subsystem ---------------- */

static const char intent[] =
	"/dts-v1/;\n"
	"/ {\n"
	"	compatible = \"sdvf,system\";\n"
	"	pds {\n"
	"		source { component = \"test_source\"; core = <0>; };\n"
	"		sink { component = \"test_sink\"; restartable; };\n"
	"	};\n"
	"	subsystems {\n"
	"		pipe { compatible = \"sdvf,queue-pair\";\n"
	"			producer = \"source\"; consumer = \"sink\";\n"
	"			buffers = <256>; capacity = <256>; };\n"
	"	};\n"
	"};\n";

#endif
