/*
 * sdvf_system_load_blob (core/sysdesc/sysdesc_load.c) as a specification:
 * a blob in memory loads as the same file would, and the blobs the fuzzer
 * (tests/fuzz/fuzz_sysdesc.c) found to crash libfdt or to load slowly are
 * refused with one line each.  The blobs are those of the fuzzer's
 * committed corpus, read from the repository root (as tests/run.sh runs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libfdt.h>

#include "core/sysdesc/sysdesc.h"
#include "core/sysdesc/system.h"

#define CORPUS "tests/fuzz/corpus/fuzz_sysdesc/"

static uint8_t blob[16384];

static size_t read_blob(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(blob, 1, sizeof(blob), f);
	fclose(f);
	assert_true(n > 40);
	return n;
}

/* Load blob[0..size) and return the error text (empty if it loaded). */
static char *load(size_t size, int *rc)
{
	static char errors[4096];
	FILE *err = fmemopen(errors, sizeof(errors), "w");
	assert_non_null(err);
	struct sdvf_system sys;
	*rc = sdvf_system_load_blob(&sys, "mem.dtb", blob, size,
				    sdvf_builtin_components, err);
	fclose(err);
	if (*rc == 0)
		assert_true(sys.npds > 0);
	sdvf_system_free(&sys);
	return errors;
}

static void sysdesc_loads_a_blob_from_memory(void **unused)
{
	(void)unused;
	int rc;
	char *errors = load(read_blob(CORPUS "pingpong.dtb"), &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(errors, "");
}

static void sysdesc_refuses_a_blob_older_than_version_17(void **unused)
{
	(void)unused;
	int rc;
	size_t n = read_blob(CORPUS "pingpong.dtb");
	blob[23] = 16; /* version, big-endian u32 at offset 20 */
	char *errors = load(n, &rc);
	assert_int_equal(rc, -1);
	assert_string_equal(errors,
			    "mem.dtb: device-tree blob version 16 is not "
			    "supported (version 17, as dtc writes)\n");
}

/* libfdt 1.6.1's fdt_check_full crashed on this version 3 blob. */
static void sysdesc_refuses_the_blob_that_crashed_libfdt(void **unused)
{
	(void)unused;
	int rc;
	char *errors = load(read_blob(CORPUS "regress-dtb-version-3"), &rc);
	assert_int_equal(rc, -1);
	assert_string_equal(errors,
			    "mem.dtb: device-tree blob version 3 is not "
			    "supported (version 17, as dtc writes)\n");
}

/* 64 sdvf,net subsystems, each of one client PD, in 14 KiB: expanding
 * every one took 4 s under ASan (each expander's look-ups are linear in a
 * tree that grows with each) and made 4 MiB blobs; a libFuzzer run timed
 * out on such an input.  Expanding stops at the first that makes more PDs
 * than a system holds, with one line. */
static void sysdesc_stops_expanding_past_the_pds_a_system_holds(void **unused)
{
	(void)unused;
	int rc;
	char *errors = load(read_blob(CORPUS "regress-expansion-64-nets"), &rc);
	assert_int_equal(rc, -1);
	assert_string_equal(errors,
			    "mem.dtb: /subsystems/s63xxxxxxxxxxxxxxxxxxxxx: "
			    "its expansion makes 68 PDs (a system holds at "
			    "most 32): subsystems written before it are not "
			    "expanded\n");
}

/* A property length of 0xfffffff4 (-12) led libfdt 1.6.1's tag walk back
 * to the same tag, and fdt_check_full looped for ever: the fuzzer's input
 * (an 866-byte blob), and the same length in pingpong.dtb.  The alarm
 * turns the old hang into a failure. */
static void sysdesc_refuses_a_property_length_that_loops_libfdt(void **unused)
{
	(void)unused;
	int rc;
	static const char expected[] =
		"mem.dtb: not a valid device-tree blob: a property's value "
		"runs past the structure block\n";
	alarm(10);
	char *errors =
		load(read_blob(CORPUS "regress-prop-length-minus-12"), &rc);
	assert_int_equal(rc, -1);
	assert_string_equal(errors, expected);
	size_t n = read_blob(CORPUS "pingpong.dtb");
	int p = fdt_first_property_offset(
		blob, fdt_path_offset(blob, "/pds/sink/config"));
	assert_true(p > 0);
	((struct fdt_property *)(blob + fdt_off_dt_struct(blob) + p))->len =
		cpu_to_fdt32(0xfffffff4u);
	errors = load(n, &rc);
	assert_int_equal(rc, -1);
	assert_string_equal(errors, expected);
	alarm(0);
}

/* pingpong.dtb reopened with room to edit it in place; its size. */
static size_t editable_pingpong(void)
{
	static uint8_t read[16384];
	size_t n = read_blob(CORPUS "pingpong.dtb");
	memcpy(read, blob, n);
	assert_int_equal(fdt_open_into(read, blob, (int)sizeof(blob)), 0);
	return sizeof(blob);
}

/* dtc refuses a node of two children of one name; a .dtb can hold one.
 * Look-ups by name would find only the first. */
static void sysdesc_refuses_two_nodes_of_one_name(void **unused)
{
	(void)unused;
	int rc;
	size_t n = editable_pingpong();
	assert_int_equal(fdt_set_name(blob, fdt_path_offset(blob, "/pds/sink"),
				      "source"),
			 0);
	char *errors = load(n, &rc);
	assert_int_equal(rc, -1);
	assert_string_equal(errors, "mem.dtb: /pds: node 'source': given more "
				    "than once (a node holds each name "
				    "once)\n");
}

/* The same for properties: each would be checked as the first one, and a
 * config of 8000 of them took 0.75 s to check. */
static void sysdesc_refuses_two_properties_of_one_name(void **unused)
{
	(void)unused;
	int rc;
	size_t n = editable_pingpong();
	int config = fdt_path_offset(blob, "/pds/source/config");
	struct fdt_property *capacity =
		fdt_get_property_w(blob, config, "capacity", NULL);
	const struct fdt_property *buffers =
		fdt_get_property(blob, config, "buffers", NULL);
	assert_non_null(capacity);
	assert_non_null(buffers);
	capacity->nameoff = buffers->nameoff; /* now also named "buffers" */
	char *errors = load(n, &rc);
	assert_int_equal(rc, -1);
	assert_string_equal(errors, "mem.dtb: /pds/source/config: property "
				    "'buffers': given more than once (a node "
				    "holds each name once)\n");
}

static void sysdesc_refuses_a_truncated_blob(void **unused)
{
	(void)unused;
	int rc;
	size_t n = read_blob(CORPUS "pingpong.dtb");
	char *errors = load(n - 1, &rc);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(errors, "mem.dtb: not a valid device-tree "
				       "blob"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sysdesc_loads_a_blob_from_memory),
		cmocka_unit_test(sysdesc_refuses_a_blob_older_than_version_17),
		cmocka_unit_test(sysdesc_refuses_the_blob_that_crashed_libfdt),
		cmocka_unit_test(sysdesc_refuses_a_truncated_blob),
		cmocka_unit_test(
			sysdesc_refuses_a_property_length_that_loops_libfdt),
		cmocka_unit_test(sysdesc_refuses_two_nodes_of_one_name),
		cmocka_unit_test(sysdesc_refuses_two_properties_of_one_name),
		cmocka_unit_test(
			sysdesc_stops_expanding_past_the_pds_a_system_holds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
