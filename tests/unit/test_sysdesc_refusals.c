/*
 * Specification of the whole-system refusals of core/sysdesc/sysdesc_check.c
 * that nothing else pins down: a region shared by three or more clients (or
 * by two no channel joins), device memory a client writes while other
 * clients map it, an io range that wraps past the end of the address space,
 * and a PD binding a channel it is not an end of.  Each is refused with exactly
 * one error line, by the loader and by `sdvf check` (exit 1, nothing on
 * stdout).  Near misses that load show where each rule's edge is: two clients
 * that are channel peers plus a driver, device memory (an io-address) that
 * several clients map read-only (the RX DMA region of remap clients), and an io
 * range that ends below 2^64.
 */
#include "tests/unit/cli_fixture.h"
#include "tests/unit/sysdesc_fixture.h"

/* ---- the descriptions ------------------------------------------------------
 */

/*
 * Two queue pairs a->b and c->d, and a region `shared` mapped as the
 * optional `scratch` of each PD named in `users` (a list of " NAME { maps {
 * scratch = ...; }; };" nodes, merged into /pds by a second root block).
 */
static char *pipes_sharing(const char *users)
{
	char *dts = malloc(4096);
	assert_non_null(dts);
	snprintf(dts, 4096,
		 "/dts-v1/;\n/ { compatible = \"sdvf,system\";\n"
		 "pds {\n"
		 " a { component = \"test_source\"; };\n"
		 " b { component = \"test_sink\"; };\n"
		 " c { component = \"test_source\"; };\n"
		 " d { component = \"test_sink\"; };\n"
		 " dev { component = \"test_wide\"; };\n"
		 "};\n"
		 "regions { shared { size = <0x1000>; }; };\n"
		 "subsystems {\n"
		 " p1 { compatible = \"sdvf,queue-pair\"; producer = \"a\";"
		 " consumer = \"b\"; buffers = <2>; capacity = <2>; };\n"
		 " p2 { compatible = \"sdvf,queue-pair\"; producer = \"c\";"
		 " consumer = \"d\"; buffers = <2>; capacity = <2>; };\n"
		 "};\n};\n"
		 "/ { pds {\n%s}; };\n",
		 users);
	return dts;
}

#define SCRATCH(pd) " " pd " { maps { scratch = \"shared\", \"r\"; }; };\n"
#define DEV_M0 " dev { maps { m0 = \"shared\", \"rw\"; }; };\n"

/* a and b are channel peers, so only the count of clients can refuse. */
static char *shared_by_three_clients(void)
{
	return pipes_sharing(SCRATCH("a") SCRATCH("b") SCRATCH("c") DEV_M0);
}

static char *shared_by_four_clients(void)
{
	return pipes_sharing(SCRATCH("a") SCRATCH("b") SCRATCH("c") SCRATCH("d")
				     DEV_M0);
}

/* Near miss: three PDs, but only two of them (peers) are clients. */
static char *shared_by_two_peers_and_a_driver(void)
{
	return pipes_sharing(SCRATCH("a") SCRATCH("b") DEV_M0);
}

/* The same, with `shared` device memory (an io-address): the RX DMA
 * region remap clients map. */
static char *device_memory(char *dts)
{
	char *out = edit(dts, "shared { size = <0x1000>; };",
			 "shared { size = <0x1000>; io-address = "
			 "<0x50000000>; };");
	free(dts);
	return out;
}

#define SCRATCH_RW(pd) " " pd " { maps { scratch = \"shared\", \"rw\"; }; };\n"

/* Device memory three clients only read: allowed. */
static char *device_memory_read_by_three_clients(void)
{
	return device_memory(shared_by_three_clients());
}

/* Two clients no channel joins, both read-only: allowed for device
 * memory, refused for plain memory. */
static char *device_memory_read_by_two_strangers(void)
{
	return device_memory(pipes_sharing(SCRATCH("a") SCRATCH("c") DEV_M0));
}

static char *memory_read_by_two_strangers(void)
{
	return pipes_sharing(SCRATCH("a") SCRATCH("c") DEV_M0);
}

/* One client of three writes it: refused, naming the writer. */
static char *device_memory_written_by_one_of_three(void)
{
	return device_memory(pipes_sharing(SCRATCH_RW("a") SCRATCH("b")
						   SCRATCH("c") DEV_M0));
}

static char *device_memory_written_by_one_of_two_strangers(void)
{
	return device_memory(
		pipes_sharing(SCRATCH("a") SCRATCH_RW("c") DEV_M0));
}

/* pipe_data's io range runs 0x40000 bytes past 2^64. */
static char *io_range_that_wraps(void)
{
	return edit(base, "pipe_data { size = <0x80000>; };",
		    "pipe_data { size = <0x80000>; io-address = <0xffffffff "
		    "0xfffc0000>; };");
}

/* The same, beside a region whose io range the wrapped end would cover. */
static char *io_range_that_wraps_onto_another(void)
{
	char *one = io_range_that_wraps();
	char *two = edit(one, "pipe_free { size = <0x2000>; };",
			 "pipe_free { size = <0x2000>; io-address = <0x0>; };");
	free(one);
	return two;
}

/* Near miss: a range that ends one page below 2^64. */
static char *io_range_just_below_the_top(void)
{
	return edit(base, "pipe_data { size = <0x80000>; };",
		    "pipe_data { size = <0x80000>; io-address = <0xffffffff "
		    "0xfff7f000>; };");
}

/* A third PD, with regions of its own, binds the channel source<->sink. */
static const char spy_pd[] =
	"\t\tspy {\n"
	"\t\t\tcomponent = \"test_sink\";\n"
	"\t\t\tmaps { data = \"spy_data\", \"r\"; active = \"spy_active\", "
	"\"rw\"; free = \"spy_free\", \"rw\"; };\n"
	"\t\t\tchannels { peer = \"pipe\"; };\n"
	"\t\t\tconfig { buffers = <2>; capacity = <2>; };\n"
	"\t\t};\n"
	"\t};\n"
	"\tregions {\n"
	"\t\tspy_data { size = <0x1000>; };\n"
	"\t\tspy_active { size = <0x1000>; };\n"
	"\t\tspy_free { size = <0x1000>; };\n";

static char *pd_binding_a_channel_it_is_no_end_of(void)
{
	return edit(base, "\t};\n\tregions {\n", spy_pd);
}

/* The stats file (region "sdvf.stats"): granted read-only to any number of
 * clients that need it, never rw, never declared in /regions. */
#define STATS(pd, rights)                                                      \
	" " pd " { maps { scratch = \"sdvf.stats\", \"" rights "\"; }; };\n"

static char *stats_read_by_four_clients(void)
{
	return pipes_sharing(STATS("a", "r") STATS("b", "r") STATS("c", "r")
				     STATS("d", "r") DEV_M0);
}

static char *stats_granted_rw(void)
{
	return pipes_sharing(STATS("c", "rw") DEV_M0);
}

static char *stats_declared_in_regions(void)
{
	char *dts = pipes_sharing(DEV_M0);
	char *out = edit(dts, "regions { shared { size = <0x1000>; }; };",
			 "regions { shared { size = <0x1000>; }; "
			 "sdvf.stats { size = <0x1000>; }; };");
	free(dts);
	return out;
}

/* ---- each refusal: the description and its one error line ------------------
 *
 * `error` follows the file name ("t.dts" for the loader, the path for
 * `sdvf check`).
 */

struct refusal {
	const char *what;
	char *(*dts)(void);
	const char *error;
};

static const struct refusal refusals[] = {
	{"region mapped by three clients", shared_by_three_clients,
	 ": /regions/shared: mapped by 3 client PDs, 'a', 'b', ... (clients "
	 "share memory only with one channel peer)\n"},
	{"region mapped by four clients", shared_by_four_clients,
	 ": /regions/shared: mapped by 4 client PDs, 'a', 'b', ... (clients "
	 "share memory only with one channel peer)\n"},
	{"io range that wraps", io_range_that_wraps,
	 ": /regions/pipe_data: property 'io-address': 0xfffffffffffc0000 + "
	 "size 0x80000 passes the end of the address space\n"},
	{"io range that wraps onto another", io_range_that_wraps_onto_another,
	 ": /regions/pipe_data: property 'io-address': 0xfffffffffffc0000 + "
	 "size 0x80000 passes the end of the address space\n"},
	{"PD binding a channel it is no end of",
	 pd_binding_a_channel_it_is_no_end_of,
	 ": /pds/spy/channels: property 'peer': channel 'pipe' does not join "
	 "'spy' (its ends: source, sink)\n"},
	{"memory read by two clients no channel joins",
	 memory_read_by_two_strangers,
	 ": /regions/shared: mapped by client PDs 'a' and 'c', which no "
	 "channel joins (clients share memory only with a channel peer)\n"},
	{"device memory written by one of three clients",
	 device_memory_written_by_one_of_three,
	 ": /regions/shared: mapped by 3 client PDs and written by 'a' "
	 "(clients share device memory only if each maps it \"r\")\n"},
	{"device memory written by one of two clients no channel joins",
	 device_memory_written_by_one_of_two_strangers,
	 ": /regions/shared: mapped by 2 client PDs and written by 'c' "
	 "(clients share device memory only if each maps it \"r\")\n"},
	{"stats file granted rw", stats_granted_rw,
	 ": /pds/c/maps: property 'scratch': region 'sdvf.stats' is the "
	 "system's stats file, granted read-only (rights \"r\")\n"},
	{"stats file declared in /regions", stats_declared_in_regions,
	 ": /regions/sdvf.stats: name 'sdvf.stats' is reserved for the "
	 "system's stats file (map it \"r\" without declaring it)\n"},
};
#define NREFUSALS (sizeof(refusals) / sizeof(refusals[0]))

static void expect_refusal(const struct refusal *r)
{
	char expected[512];
	char *dts = r->dts();
	print_message("refusal: %s\n", r->what);
	snprintf(expected, sizeof(expected), "t.dts%s", r->error);
	expect_errors(dts, expected);
	free(dts);
}

static void expect_loads(char *dts)
{
	struct sdvf_system sys;
	expect_ok(&sys, dts);
	sdvf_system_free(&sys);
	free(dts);
}

/* ---- the loader ------------------------------------------------------------
 */

static void region_mapped_by_three_clients_is_refused(void **state)
{
	(void)state;
	expect_refusal(&refusals[0]);
}

static void
region_mapped_by_four_clients_is_refused_with_the_count(void **state)
{
	(void)state;
	expect_refusal(&refusals[1]);
}

static void region_mapped_by_two_peers_and_a_driver_loads(void **state)
{
	(void)state;
	expect_loads(shared_by_two_peers_and_a_driver());
}

static void io_range_that_wraps_is_refused(void **state)
{
	(void)state;
	expect_refusal(&refusals[2]);
}

static void io_range_that_wraps_is_reported_once_not_as_an_overlap(void **state)
{
	(void)state;
	expect_refusal(&refusals[3]);
}

static void io_range_just_below_the_top_loads(void **state)
{
	(void)state;
	expect_loads(io_range_just_below_the_top());
}

static void pd_binding_a_channel_it_is_no_end_of_is_refused(void **state)
{
	(void)state;
	expect_refusal(&refusals[4]);
}

static void memory_read_by_two_clients_no_channel_joins_is_refused(void **state)
{
	(void)state;
	expect_refusal(&refusals[5]);
}

static void device_memory_read_only_by_three_clients_loads(void **state)
{
	(void)state;
	expect_loads(device_memory_read_by_three_clients());
}

static void device_memory_read_only_by_two_strangers_loads(void **state)
{
	(void)state;
	expect_loads(device_memory_read_by_two_strangers());
}

static void device_memory_a_client_writes_is_refused_naming_it(void **state)
{
	(void)state;
	expect_refusal(&refusals[6]);
	expect_refusal(&refusals[7]);
}

static void
stats_file_read_only_by_four_clients_loads_sized_for_the_pds(void **state)
{
	(void)state;
	struct sdvf_system sys;
	char *dts = stats_read_by_four_clients();
	expect_ok(&sys, dts);
	int r = sys.nregions - 1;
	assert_string_equal(sys.regions[r].name, "sdvf.stats");
	assert_true(sys.regions[r].stats);
	assert_false(sys.regions[r].has_io);
	/* five PDs: 5 header pages and 4 per PD */
	assert_int_equal(sys.regions[r].size, 0x5000 + 5 * 0x4000);
	int grants = 0;
	for (int p = 0; p < sys.npds; p++) {
		for (int m = 0; m < sys.pds[p].nmaps; m++) {
			if (sys.pds[p].maps[m].region != r)
				continue;
			assert_int_equal(sys.pds[p].maps[m].rights, SDVF_R);
			grants++;
		}
	}
	assert_int_equal(grants, 4);
	sdvf_system_free(&sys);
	free(dts);
}

static void stats_file_granted_rw_is_refused(void **state)
{
	(void)state;
	expect_refusal(&refusals[8]);
}

static void stats_file_declared_in_regions_is_refused(void **state)
{
	(void)state;
	expect_refusal(&refusals[9]);
}

/* ---- `sdvf check` ----------------------------------------------------------
 */

static void sdvf_check_prints_each_refusal_and_exits_1(void **state)
{
	(void)state;
	for (size_t i = 0; i < NREFUSALS; i++) {
		char path[] = "/tmp/sdvf-refusal-XXXXXX";
		char expected[512];
		struct cli_result r;
		char *dts = refusals[i].dts();
		print_message("sdvf check: %s\n", refusals[i].what);
		cli_check_text(&r, dts, path, table);
		free(dts);
		snprintf(expected, sizeof(expected), "%s%s", path,
			 refusals[i].error);
		assert_string_equal(r.err, expected);
		assert_string_equal(r.out, "");
		assert_int_equal(r.rc, 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(region_mapped_by_three_clients_is_refused),
		cmocka_unit_test(
			region_mapped_by_four_clients_is_refused_with_the_count),
		cmocka_unit_test(region_mapped_by_two_peers_and_a_driver_loads),
		cmocka_unit_test(io_range_that_wraps_is_refused),
		cmocka_unit_test(
			io_range_that_wraps_is_reported_once_not_as_an_overlap),
		cmocka_unit_test(io_range_just_below_the_top_loads),
		cmocka_unit_test(
			pd_binding_a_channel_it_is_no_end_of_is_refused),
		cmocka_unit_test(
			memory_read_by_two_clients_no_channel_joins_is_refused),
		cmocka_unit_test(
			device_memory_read_only_by_three_clients_loads),
		cmocka_unit_test(
			device_memory_read_only_by_two_strangers_loads),
		cmocka_unit_test(
			device_memory_a_client_writes_is_refused_naming_it),
		cmocka_unit_test(
			stats_file_read_only_by_four_clients_loads_sized_for_the_pds),
		cmocka_unit_test(stats_file_granted_rw_is_refused),
		cmocka_unit_test(stats_file_declared_in_regions_is_refused),
		cmocka_unit_test(sdvf_check_prints_each_refusal_and_exits_1),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
