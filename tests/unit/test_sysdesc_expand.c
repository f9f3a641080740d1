/*
 * Specification of what a system description expands to and how it
 * prints: the queue-pair subsystem (core/sysdesc/sysdesc_queue_pair.c) and
 * the dump format (core/sysdesc/sysdesc_dump.c).  Loading and refusing
 * descriptions is specified in test_sysdesc.c.
 */
#include <libfdt.h>

#include "core/queue.h"
#include "core/sysdesc/sysdesc_internal.h" /* SYSDESC_EXPAND_ROOM */
#include "tests/unit/sysdesc_fixture.h"

static char *dump_text(const struct sdvf_system *sys)
{
	char *text;
	size_t len;
	FILE *out = open_memstream(&text, &len);
	sdvf_system_dump(sys, out);
	fclose(out);
	return text;
}

/* ---- the queue-pair subsystem ---------------------------------------- */

static void queue_pair_expands_to_the_explicit_system(void **state)
{
	(void)state;
	struct sdvf_system sys;
	uint64_t queue = (SDVF_QUEUE_BYTES(256) + 4095) / 4096 * 4096;
	expect_ok(&sys, intent);
	assert_int_equal(sys.nregions, 3);
	assert_string_equal(sys.regions[0].name, "pipe_data");
	assert_int_equal(sys.regions[0].size, 256 * 2048);
	assert_string_equal(sys.regions[1].name, "pipe_active");
	assert_int_equal(sys.regions[1].size, queue);
	assert_string_equal(sys.regions[2].name, "pipe_free");
	assert_int_equal(sys.regions[2].size, queue);
	assert_int_equal(sys.nchannels, 1);
	assert_string_equal(sys.channels[0].name, "pipe");
	assert_int_equal(sys.channels[0].pd[0], 0);
	assert_int_equal(sys.channels[0].pd[1], 1);
	assert_int_equal(sys.pds[0].maps[0].rights, SDVF_RW);
	assert_int_equal(sys.pds[1].maps[0].rights, SDVF_R);
	assert_int_equal(sys.pds[1].maps[1].rights, SDVF_RW);
	assert_int_equal(sdvf_system_config_u64(&sys, 1, "capacity"), 256);
	sdvf_system_free(&sys);
}

/* The hand-written `base` is what the intent means (when the queue needs
 * two pages): both dump identically, line for line. */
static void queue_pair_dump_equals_the_hand_written_system(void **state)
{
	(void)state;
	struct sdvf_system a, b;
	/* `base` hard-codes 0x2000 queue regions: if the queue layout
	 * grows past two pages, update it rather than compare nothing. */
	assert_int_equal((SDVF_QUEUE_BYTES(256) + 4095) / 4096, 2);
	expect_ok(&a, intent);
	expect_ok(&b, base);
	char *ta = dump_text(&a), *tb = dump_text(&b);
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
	sdvf_system_free(&a);
	sdvf_system_free(&b);
}

static void queue_pair_prefixes_local_names_and_config(void **state)
{
	(void)state;
	struct sdvf_system sys;
	expect_ok(&sys,
		  "/dts-v1/;\n/ { compatible = \"sdvf,system\";\n"
		  "pds { x { component = \"test_dual\"; };\n"
		  " y { component = \"test_dual\"; }; };\n"
		  "subsystems {\n"
		  " qa { compatible = \"sdvf,queue-pair\"; producer = \"x\";"
		  " consumer = \"y\"; buffers = <2>; capacity = <4>;"
		  " prefix = \"a_\"; };\n"
		  " qb { compatible = \"sdvf,queue-pair\"; producer = \"y\";"
		  " consumer = \"x\"; buffers = <4>; capacity = <8>;"
		  " prefix = \"b_\"; };\n"
		  "}; };\n");
	assert_int_equal(sys.nregions, 6);
	assert_string_equal(sys.regions[0].name, "qa_data");
	assert_int_equal(sys.regions[0].size, 4096); /* 2 x 2048 */
	assert_string_equal(sys.regions[3].name, "qb_data");
	assert_int_equal(sys.regions[3].size, 8192);
	assert_int_equal(sys.pds[0].nmaps, 6);
	assert_string_equal(sys.pds[0].maps[0].local, "a_data");
	assert_int_equal(sys.pds[0].maps[0].rights, SDVF_RW);
	assert_string_equal(sys.pds[0].maps[3].local, "b_data");
	assert_int_equal(sys.pds[0].maps[3].rights, SDVF_R);
	assert_string_equal(sys.pds[0].chans[1].local, "b_peer");
	assert_int_equal(sys.pds[0].chans[1].channel, 1);
	assert_int_equal(sdvf_system_config_u64(&sys, 1, "a_capacity"), 4);
	assert_int_equal(sdvf_system_config_u64(&sys, 1, "b_capacity"), 8);
	assert_int_equal(sdvf_system_config_u64(&sys, 0, "b_buffers"), 4);
	sdvf_system_free(&sys);
}

static void queue_pair_conflicts_are_refused_and_nothing_written(void **state)
{
	(void)state;
	char *one = edit(intent, "\tpds {",
			 "\tregions { pipe_free { size = <0x1000>; }; };\n"
			 "\tchannels { pipe { ends = \"source\", \"sink\"; "
			 "}; };\n\tpds {");
	char *two = edit(one, "restartable;",
			 "restartable; maps { data = \"pipe_free\", \"r\"; }; "
			 "config { buffers = <4>; };");
	expect_errors(two,
		      "t.dts: /subsystems/pipe: region 'pipe_free' "
		      "already exists in /regions\n"
		      "t.dts: /subsystems/pipe: channel 'pipe' already "
		      "exists in /channels\n"
		      "t.dts: /subsystems/pipe: property 'data' already "
		      "exists in /pds/sink/maps\n"
		      "t.dts: /subsystems/pipe: property 'buffers' already "
		      "exists in /pds/sink/config\n");
	free(one);
	free(two);
}

static void queue_pair_bad_properties_are_each_reported(void **state)
{
	(void)state;
	char *one = edit(intent, "consumer = \"sink\"", "consumer = \"sinc\"");
	char *two = edit(one, "capacity = <256>;",
			 "capacity = <96>; colour = <1>;");
	char *three = edit(two, "buffers = <256>;", "");
	expect_errors(three,
		      "t.dts: /subsystems/pipe: property 'colour': unknown "
		      "(valid: compatible, producer, consumer, buffers, "
		      "capacity, prefix)\n"
		      "t.dts: /subsystems/pipe: property 'consumer': no PD "
		      "'sinc' in /pds\n"
		      "t.dts: /subsystems/pipe: missing property 'buffers' "
		      "(1..65536)\n"
		      "t.dts: /subsystems/pipe: property 'capacity': 96 is "
		      "not a power of two\n");
	free(one);
	free(two);
	free(three);
}

static void queue_pair_between_one_pd_is_refused(void **state)
{
	(void)state;
	char *one =
		edit(intent, "consumer = \"sink\"", "consumer = \"source\"");
	expect_errors(one, "t.dts: /subsystems/pipe: property 'consumer': "
			   "'source' is also the producer (a queue pair joins "
			   "two distinct PDs)\n");
	free(one);
}

static void queue_pair_names_must_be_names(void **state)
{
	(void)state;
	char *one = edit(intent, "producer = \"source\"",
			 "producer = \"../source\"");
	char *two = edit(one, "consumer = \"sink\";",
			 "consumer = \"sink\"; prefix = \"x\\n\";");
	expect_errors(two, "t.dts: /subsystems/pipe: property 'producer': "
			   "name \"../source\" may not contain '/' (valid: "
			   "A-Z a-z 0-9 _ . -)\n"
			   "t.dts: /subsystems/pipe: property 'prefix': name "
			   "\"x\\n\" may not contain '\\n' (valid: A-Z a-z "
			   "0-9 _ . -)\n");
	free(one);
	free(two);
}

/* ---- bounds of expansion ----------------------------------------------- */

/* Two test_dual PDs joined by `n` queue pairs q0 .. q<n-1>, prefixes
 * p0_ .. (caller frees). */
static char *queue_pairs(int n)
{
	size_t size = 256 + (size_t)n * 160, at = 0;
	char *dts = malloc(size);
	assert_non_null(dts);
	at += (size_t)snprintf(dts, size,
			       "/dts-v1/;\n/ { compatible = \"sdvf,system\";\n"
			       "pds { x { component = \"test_dual\"; };\n"
			       " y { component = \"test_dual\"; }; };\n"
			       "subsystems {\n");
	for (int i = 0; i < n; i++)
		at += (size_t)snprintf(
			dts + at, size - at,
			" q%d { compatible = \"sdvf,queue-pair\";"
			" producer = \"x\"; consumer = \"y\";"
			" buffers = <1>; capacity = <1>;"
			" prefix = \"p%d_\"; };\n",
			i, i);
	snprintf(dts + at, size - at, "}; };\n");
	return dts;
}

/* Expanding stops once the regions outnumber what a system holds (build
 * would refuse them anyway): 43 queue pairs make 129.  Expanders run last
 * first, so q0 is the one that passes the limit; one line, not one per
 * region past it. */
static void expansion_stops_past_the_regions_a_system_holds(void **state)
{
	(void)state;
	char *dts = queue_pairs(43);
	expect_errors(dts, "t.dts: /subsystems/q0: its expansion makes 129 "
			   "regions (a system holds at most 128): subsystems "
			   "written before it are not expanded\n");
	free(dts);
}

/* The blob is reopened with SYSDESC_EXPAND_ROOM spare before each
 * expander, after dropping what the last one left unused: the spare does
 * not pile up with the number of subsystems (64 of them made 4 MiB blobs). */
static void expansion_keeps_one_room_spare_however_many_subsystems(void **state)
{
	(void)state;
	struct sdvf_system sys;
	const char *dts =
		"/dts-v1/;\n/ { compatible = \"sdvf,system\";\n"
		"pds { x { component = \"test_dual\"; };\n"
		" y { component = \"test_dual\"; }; };\n"
		"subsystems {\n"
		" qa { compatible = \"sdvf,queue-pair\";"
		" producer = \"x\"; consumer = \"y\";"
		" buffers = <2>; capacity = <4>; prefix = \"a_\"; };\n"
		" qb { compatible = \"sdvf,queue-pair\";"
		" producer = \"y\"; consumer = \"x\";"
		" buffers = <4>; capacity = <8>; prefix = \"b_\"; };\n"
		"}; };\n";
	expect_ok(&sys, dts);
	uint32_t used =
		fdt_off_dt_strings(sys.fdt) + fdt_size_dt_strings(sys.fdt);
	assert_true(fdt_totalsize(sys.fdt) >= used);
	assert_true(fdt_totalsize(sys.fdt) - used <= SYSDESC_EXPAND_ROOM);
	sdvf_system_free(&sys);
}

/* ---- dump ------------------------------------------------------------- */

static void dump_prints_every_fact_one_per_line(void **state)
{
	(void)state;
	struct sdvf_system sys;
	char *dts = edit(base, "capacity = <256>;",
			 "capacity = <256>; wire = \"tap\"; mac = [02 00 00 "
			 "00 00 05];");
	char *dts2 = edit(dts, "<0x80000>;",
			  "<0x80000>; io-address = <0x40000000>;");
	char *dts3 = edit(dts2, "compatible = \"sdvf,system\";",
			  "compatible = \"sdvf,system\"; name = \"pingpong\";");
	expect_ok(&sys, dts3);
	char *text = dump_text(&sys);
	assert_string_equal(
		text,
		"system pingpong pds=2 regions=3 channels=1\n"
		"pd source component=test_source role=client core=0 "
		"restartable=no\n"
		"pd-map source data region=pipe_data rights=rw\n"
		"pd-map source active region=pipe_active rights=rw\n"
		"pd-map source free region=pipe_free rights=rw\n"
		"pd-channel source peer channel=pipe peer=sink\n"
		"pd-need source region data rights=rw required\n"
		"pd-need source region active rights=rw required\n"
		"pd-need source region free rights=rw required\n"
		"pd-need source region scratch rights=rw optional\n"
		"pd-need source channel peer required\n"
		"pd-config source buffers=256\n"
		"pd-config source capacity=256\n"
		"pd-config source batch=32 default\n"
		"pd-config source mac=02:00:00:00:00:05\n"
		"pd-config source wire=\"tap\"\n"
		"pd sink component=test_sink role=client core=none "
		"restartable=yes\n"
		"pd-map sink data region=pipe_data rights=r\n"
		"pd-map sink active region=pipe_active rights=rw\n"
		"pd-map sink free region=pipe_free rights=rw\n"
		"pd-channel sink peer channel=pipe peer=source\n"
		"pd-need sink region data rights=r required\n"
		"pd-need sink region active rights=rw required\n"
		"pd-need sink region free rights=rw required\n"
		"pd-need sink region scratch rights=r optional\n"
		"pd-need sink channel peer required\n"
		"pd-config sink buffers=256\n"
		"pd-config sink capacity=256\n"
		"region pipe_data size=0x80000 io=0x40000000\n"
		"region-map pipe_data pd=source local=data rights=rw\n"
		"region-map pipe_data pd=sink local=data rights=r\n"
		"region pipe_active size=0x2000 io=none\n"
		"region-map pipe_active pd=source local=active rights=rw\n"
		"region-map pipe_active pd=sink local=active rights=rw\n"
		"region pipe_free size=0x2000 io=none\n"
		"region-map pipe_free pd=source local=free rights=rw\n"
		"region-map pipe_free pd=sink local=free rights=rw\n"
		"channel pipe ends=source,sink\n");
	free(text);
	sdvf_system_free(&sys);
	free(dts);
	free(dts2);
	free(dts3);
}

static void dump_names_the_system_after_its_file_by_default(void **state)
{
	(void)state;
	struct sdvf_system sys;
	char *errors;
	size_t len;
	FILE *err = open_memstream(&errors, &len);
	assert_int_equal(sdvf_system_load_dts(&sys, "dir/ping.pong.dts", base,
					      table, err),
			 0);
	fclose(err);
	free(errors);
	char *text = dump_text(&sys);
	assert_memory_equal(text, "system ping.pong pds=2 ", 23);
	free(text);
	sdvf_system_free(&sys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(queue_pair_expands_to_the_explicit_system),
		cmocka_unit_test(
			queue_pair_dump_equals_the_hand_written_system),
		cmocka_unit_test(queue_pair_prefixes_local_names_and_config),
		cmocka_unit_test(
			queue_pair_conflicts_are_refused_and_nothing_written),
		cmocka_unit_test(queue_pair_bad_properties_are_each_reported),
		cmocka_unit_test(queue_pair_between_one_pd_is_refused),
		cmocka_unit_test(queue_pair_names_must_be_names),
		cmocka_unit_test(
			expansion_stops_past_the_regions_a_system_holds),
		cmocka_unit_test(
			expansion_keeps_one_room_spare_however_many_subsystems),
		cmocka_unit_test(dump_prints_every_fact_one_per_line),
		cmocka_unit_test(
			dump_names_the_system_after_its_file_by_default),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
