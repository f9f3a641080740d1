/*
 * Specification of system descriptions (core/sysdesc/): what loads, what
 * is refused and with exactly which message, and the limits of struct
 * sdvf_system.  What the queue-pair subsystem expands to and the dump
 * format are in test_sysdesc_expand.c, the command line in
 * test_sysdesc_cli.c.
 */
#include <libfdt.h>
#include <sys/stat.h>
#include <time.h>

#include "tests/unit/sysdesc_fixture.h"

/* ---- broken descriptions: one edit of `base`, exact errors ------------ */

struct broken {
	const char *what, *find, *replace, *errors;
};

static const struct broken broken[] = {
	{"root compatible is not a system", "\"sdvf,system\"", "\"acme,box\"",
	 "t.dts: /: property 'compatible': not a system description (must be "
	 "\"sdvf,system\")\n"},
	{"root compatible missing", "compatible = \"sdvf,system\";", "",
	 "t.dts: /: missing property 'compatible' (must be "
	 "\"sdvf,system\")\n"},
	{"unknown root property", "compatible = \"sdvf,system\";",
	 "compatible = \"sdvf,system\"; colour = \"red\";",
	 "t.dts: /: property 'colour': unknown (valid: compatible, name)\n"},
	{"unknown root node", "\tregions {", "\textras { };\n\tregions {",
	 "t.dts: /extras: unknown node (valid: pds, regions, channels, "
	 "subsystems)\n"},
	{"unknown PD property", "core = <0>;", "core = <0>; priority = <1>;",
	 "t.dts: /pds/source: property 'priority': unknown (valid: component, "
	 "core, restartable, group)\n"},
	{"unknown PD node", "core = <0>;", "core = <0>; mapz { };",
	 "t.dts: /pds/source/mapz: unknown node (valid: maps, channels, "
	 "config)\n"},
	{"unknown component", "\"test_source\"", "\"nosuch\"",
	 "t.dts: /pds/source: property 'component': unknown component "
	 "'nosuch' (one of: test_source, test_sink, test_dual, test_wide)\n"},
	{"component missing", "component = \"test_sink\";", "",
	 "t.dts: /pds/sink: missing property 'component' (one of: "
	 "test_source, test_sink, test_dual, test_wide)\n"},
	{"component not a string", "component = \"test_sink\";",
	 "component = <1>;",
	 "t.dts: /pds/sink: property 'component': must be one string (one "
	 "of: test_source, test_sink, test_dual, test_wide)\n"},
	{"required region need not granted",
	 "\t\t\t\tfree = \"pipe_free\", \"rw\"; };", "};",
	 "t.dts: /pds/sink/maps: missing property 'free' (component "
	 "'test_sink' needs region 'free', rights \"rw\")\n"},
	{"required channel need not granted",
	 "channels { peer = \"pipe\"; };\n\t\t\tconfig { buffers = <256>; "
	 "capacity = <0x100>; };",
	 "config { buffers = <256>; capacity = <0x100>; };",
	 "t.dts: /pds/sink/channels: missing property 'peer' (component "
	 "'test_sink' needs channel 'peer')\n"
	 "t.dts: /channels/pipe: property 'ends': PD 'sink' does not bind "
	 "channel 'pipe' in /pds/sink/channels\n"},
	{"map that is not a need", "data = \"pipe_data\", \"rw\";",
	 "data = \"pipe_data\", \"rw\"; extra = \"pipe_data\", \"r\";",
	 "t.dts: /pds/source/maps: property 'extra': component 'test_source' "
	 "needs no region 'extra' (its regions: data, active, free, "
	 "scratch)\n"},
	{"rights above the need", "data = \"pipe_data\", \"r\";",
	 "data = \"pipe_data\", \"rw\";",
	 "t.dts: /pds/sink/maps: property 'data': rights \"rw\" exceed the "
	 "need of component 'test_sink' (at most \"r\")\n"},
	{"rights string invalid", "data = \"pipe_data\", \"rw\";",
	 "data = \"pipe_data\", \"wx\";",
	 "t.dts: /pds/source/maps: property 'data': rights \"wx\" are not "
	 "valid (\"r\" or \"rw\")\n"},
	{"map names a missing region",
	 "active = \"pipe_active\", \"rw\";\n\t"
	 "\t\t\tfree = \"pipe_free\", \"rw\";\n",
	 "active = \"pipe_actv\", \"rw\";\n\t\t\t\tfree = \"pipe_free\", "
	 "\"rw\";\n",
	 "t.dts: /pds/source/maps: property 'active': no region 'pipe_actv' "
	 "in /regions (valid: pipe_data, pipe_active, pipe_free)\n"},
	{"map is one string", "data = \"pipe_data\", \"rw\";",
	 "data = \"pipe_data\";",
	 "t.dts: /pds/source/maps: property 'data': must be two strings: "
	 "region and rights (e.g. \"pipe_data\", \"rw\")\n"},
	{"channel end names a missing channel",
	 "channels { peer = \"pipe\"; };\n\t\t\tconfig { buffers = <256>; "
	 "capacity = <256>; };",
	 "channels { peer = \"pipo\"; };\n\t\t\tconfig { buffers = <256>; "
	 "capacity = <256>; };",
	 "t.dts: /pds/source/channels: property 'peer': no channel 'pipo' in "
	 "/channels (valid: pipe)\n"
	 "t.dts: /channels/pipe: property 'ends': PD 'source' does not bind "
	 "channel 'pipe' in /pds/source/channels\n"},
	{"channel end that is not a need",
	 "channels { peer = \"pipe\"; };\n\t\t\tconfig { buffers = <256>; "
	 "capacity = <0x100>; };",
	 "channels { peer = \"pipe\"; back = \"pipe\"; };\n\t\t\tconfig { "
	 "buffers = <256>; capacity = <0x100>; };",
	 "t.dts: /pds/sink/channels: property 'back': component 'test_sink' "
	 "needs no channel 'back' (its channels: peer)\n"
	 "t.dts: /pds/sink/channels: property 'back': channel 'pipe' is "
	 "already bound to 'peer' (one end per PD)\n"},
	{"region size not a multiple of 4096", "<0x2000>; };\n\t\tpipe_free",
	 "<0x2001>; };\n\t\tpipe_free",
	 "t.dts: /regions/pipe_active: property 'size': 0x2001 is not a "
	 "positive multiple of 4096\n"},
	{"region size zero", "<0x80000>", "<0>",
	 "t.dts: /regions/pipe_data: property 'size': 0x0 is not a positive "
	 "multiple of 4096\n"},
	{"region size missing", "pipe_free { size = <0x2000>; };",
	 "pipe_free { };",
	 "t.dts: /regions/pipe_free: missing property 'size' (bytes, a "
	 "positive multiple of 4096)\n"},
	{"region size three cells", "<0x80000>", "<0 0 0x80000>",
	 "t.dts: /regions/pipe_data: property 'size': must be one or two "
	 "32-bit cells (<u32> or <hi lo>)\n"},
	{"unknown region property", "size = <0x80000>;",
	 "size = <0x80000>; cached;",
	 "t.dts: /regions/pipe_data: property 'cached': unknown (valid: "
	 "size, io-address, uio-device, uio-map)\n"},
	{"io ranges overlap",
	 "pipe_data { size = <0x80000>; };\n\t\tpipe_"
	 "active { size = <0x2000>; };",
	 "pipe_data { size = <0x80000>; io-address = <0x40000000>; };\n\t\t"
	 "pipe_active { size = <0x2000>; io-address = <0x0 0x4007f000>; };",
	 "t.dts: /regions/pipe_active: property 'io-address': [0x4007f000, "
	 "0x40081000) overlaps /regions/pipe_data [0x40000000, "
	 "0x40080000)\n"},
	{"region mapped by nobody", "pipe_free { size = <0x2000>; };",
	 "pipe_free { size = <0x2000>; };\n\t\tspare { size = <0x1000>; };",
	 "t.dts: /regions/spare: not mapped by any PD (map it or remove "
	 "it)\n"},
	{"channel with one end", "ends = \"source\", \"sink\";",
	 "ends = \"source\";",
	 "t.dts: /channels/pipe: property 'ends': must be two strings naming "
	 "distinct PDs (e.g. \"source\", \"sink\")\n"},
	{"channel joining a PD to itself", "ends = \"source\", \"sink\";",
	 "ends = \"source\", \"source\";",
	 "t.dts: /channels/pipe: property 'ends': both ends are 'source' (a "
	 "channel joins two distinct PDs)\n"},
	{"channel end names a missing PD", "ends = \"source\", \"sink\";",
	 "ends = \"source\", \"sinc\";",
	 "t.dts: /channels/pipe: property 'ends': no PD 'sinc' in /pds\n"},
	{"channel ends missing", "ends = \"source\", \"sink\";", "",
	 "t.dts: /channels/pipe: missing property 'ends' (two PD names)\n"},
	{"unknown config key", "buffers = <256>; capacity = <256>;",
	 "buffers = <256>; capacity = <256>; colour = <1>;",
	 "t.dts: /pds/source/config: property 'colour': unknown (valid: "
	 "buffers, capacity, batch, mac, wire, key)\n"},
	{"config value out of range", "capacity = <256>;",
	 "capacity = <256>; batch = <0>;",
	 "t.dts: /pds/source/config: property 'batch': 0 is out of range "
	 "(1..256)\n"},
	{"config value not a power of two", "buffers = <256>; capacity = <256>",
	 "buffers = <48>; capacity = <256>",
	 "t.dts: /pds/source/config: property 'buffers': 48 is not a power "
	 "of two\n"},
	{"config U64 of the wrong size", "buffers = <256>; capacity = <256>",
	 "buffers = [01]; capacity = <256>",
	 "t.dts: /pds/source/config: property 'buffers': must be one or two "
	 "32-bit cells (<u32> or <hi lo>)\n"},
	{"required config missing", "capacity = <0x100>;", "",
	 "t.dts: /pds/sink/config: missing property 'capacity' (U64 1..65536, "
	 "power of two: queue slots)\n"},
	{"MAC that is multicast", "capacity = <256>;",
	 "capacity = <256>; mac = [01 00 5e 00 00 01];",
	 "t.dts: /pds/source/config: property 'mac': 01:00:5e:00:00:01 is not "
	 "a unicast MAC (the first byte must be even)\n"},
	{"MAC of five bytes", "capacity = <256>;",
	 "capacity = <256>; mac = [02 00 00 00 01];",
	 "t.dts: /pds/source/config: property 'mac': must be 6 bytes (e.g. "
	 "[02 00 00 00 00 01])\n"},
	{"MAC all zero", "capacity = <256>;",
	 "capacity = <256>; mac = [00 00 00 00 00 00];",
	 "t.dts: /pds/source/config: property 'mac': 00:00:00:00:00:00 is not "
	 "a valid MAC (all zero)\n"},
	{"string config too long", "capacity = <256>;",
	 "capacity = <256>; wire = \"ethernet0\";",
	 "t.dts: /pds/source/config: property 'wire': 9 characters is out of "
	 "range (0..8 characters)\n"},
	{"string config not a string", "capacity = <256>;",
	 "capacity = <256>; wire = <7>;",
	 "t.dts: /pds/source/config: property 'wire': must be one string\n"},
	{"bytes config too short", "capacity = <256>;",
	 "capacity = <256>; key = [01 02];",
	 "t.dts: /pds/source/config: property 'key': 2 bytes is out of range "
	 "(4..16 bytes)\n"},
	{"core of two cells", "core = <0>;", "core = <0 0>;",
	 "t.dts: /pds/source: property 'core': must be one 32-bit cell (e.g. "
	 "<0>)\n"},
	{"restartable with a value", "restartable;", "restartable = <1>;",
	 "t.dts: /pds/sink: property 'restartable': takes no value (write "
	 "\"restartable;\")\n"},
	{"channel end not a string",
	 "channels { peer = \"pipe\"; };\n\t\t\t"
	 "config { buffers = <256>; capacity = "
	 "<256>; };",
	 "channels { peer = <1>; };\n\t\t\tconfig { buffers = <256>; "
	 "capacity = <256>; };",
	 "t.dts: /pds/source/channels: property 'peer': must be one string "
	 "naming a channel in /channels\n"
	 "t.dts: /channels/pipe: property 'ends': PD 'source' does not bind "
	 "channel 'pipe' in /pds/source/channels\n"},
	{"node inside maps", "free = \"pipe_free\", \"rw\";\n\t\t\t};",
	 "free = \"pipe_free\", \"rw\";\n\t\t\t\tdeep { };\n\t\t\t};",
	 "t.dts: /pds/source/maps/deep: unknown node (valid: none)\n"},
	{"PD name too long", "\t\tsink {",
	 "\t\tsink_with_a_name_that_is_far_too_long_for_the_table {",
	 "t.dts: /pds/sink_with_a_name_that_is_far_too_long_for_the_table: "
	 "name is too long (at most 47 characters)\n"},
	{"unknown subsystem", "\tregions {",
	 "\tsubsystems { x { compatible = \"sdvf,nothing\"; }; };\n\tregions {",
	 "t.dts: /subsystems/x: property 'compatible': unknown subsystem "
	 "\"sdvf,nothing\" (one of: sdvf,queue-pair, sdvf,net)\n"},
	/* names: every one is 1..47 of [A-Za-z0-9_.-] and not "." or "..",
	 * checked before anything else reads the tree */
	{"system name climbs out of its directory",
	 "compatible = \"sdvf,system\";",
	 "compatible = \"sdvf,system\"; name = \"../../x\";",
	 "t.dts: /: property 'name': name \"../../x\" may not contain '/' "
	 "(valid: A-Z a-z 0-9 _ . -)\n"},
	{"system name is ..", "compatible = \"sdvf,system\";",
	 "compatible = \"sdvf,system\"; name = \"..\";",
	 "t.dts: /: property 'name': name \"..\" may not be \".\" or "
	 "\"..\"\n"},
	{"system name with a newline", "compatible = \"sdvf,system\";",
	 "compatible = \"sdvf,system\"; name = \"a\\nb\";",
	 "t.dts: /: property 'name': name \"a\\nb\" may not contain '\\n' "
	 "(valid: A-Z a-z 0-9 _ . -)\n"},
	{"system name with an escape sequence", "compatible = \"sdvf,system\";",
	 "compatible = \"sdvf,system\"; name = \"red\\x1b[31m\";",
	 "t.dts: /: property 'name': name \"red\\x1b[31m\" may not contain "
	 "'\\x1b' (valid: A-Z a-z 0-9 _ . -)\n"},
	{"system name too long", "compatible = \"sdvf,system\";",
	 "compatible = \"sdvf,system\"; name = "
	 "\"a23456789012345678901234567890123456789012345678\";",
	 "t.dts: /: property 'name': name "
	 "\"a23456789012345678901234567890123456789012345678\" is too long "
	 "(at most 47 characters)\n"},
	{"system name empty", "compatible = \"sdvf,system\";",
	 "compatible = \"sdvf,system\"; name = \"\";",
	 "t.dts: /: property 'name': must be one string\n"},
	{"PD named ..", "\t\tsink {", "\t\t.. {",
	 "t.dts: /pds/..: name may not be \".\" or \"..\"\n"},
	{"region name with a unit address", "pipe_free { size",
	 "pipe@free { size",
	 "t.dts: /regions/pipe@free: name may not contain '@' (valid: A-Z "
	 "a-z 0-9 _ . -)\n"},
	{"channel name with a comma", "pipe { ends", "pi,pe { ends",
	 "t.dts: /channels/pi,pe: name may not contain ',' (valid: A-Z a-z "
	 "0-9 _ . -)\n"},
	{"subsystem name with a plus", "\tregions {",
	 "\tsubsystems { a+b { compatible = \"sdvf,queue-pair\"; }; };\n"
	 "\tregions {",
	 "t.dts: /subsystems/a+b: name may not contain '+' (valid: A-Z a-z "
	 "0-9 _ . -)\n"},
	{"map local name with a comma", "data = \"pipe_data\", \"rw\";",
	 "da,ta = \"pipe_data\", \"rw\";",
	 "t.dts: /pds/source/maps: property 'da,ta': name may not contain ',' "
	 "(valid: A-Z a-z 0-9 _ . -)\n"},
	{"map names a region by a path", "data = \"pipe_data\", \"rw\";",
	 "data = \"../pipe_data\", \"rw\";",
	 "t.dts: /pds/source/maps: property 'data': name \"../pipe_data\" may "
	 "not contain '/' (valid: A-Z a-z 0-9 _ . -)\n"},
	{"channel end names a channel with an escape",
	 "channels { peer = \"pipe\"; };\n\t\t\tconfig { buffers = <256>; "
	 "capacity = <256>; };",
	 "channels { peer = \"pi\\x1bpe\"; };\n\t\t\tconfig { buffers = "
	 "<256>; capacity = <256>; };",
	 "t.dts: /pds/source/channels: property 'peer': name \"pi\\x1bpe\" "
	 "may not contain '\\x1b' (valid: A-Z a-z 0-9 _ . -)\n"},
	{"channel ends with a newline", "ends = \"source\", \"sink\";",
	 "ends = \"source\", \"si\\nnk\";",
	 "t.dts: /channels/pipe: property 'ends': name \"si\\nnk\" may not "
	 "contain '\\n' (valid: A-Z a-z 0-9 _ . -)\n"},
	{"component named by a path", "\"test_source\"", "\"../test_source\"",
	 "t.dts: /pds/source: property 'component': name \"../test_source\" "
	 "may not contain '/' (valid: A-Z a-z 0-9 _ . -)\n"},
	{"rights with an escape", "data = \"pipe_data\", \"rw\";",
	 "data = \"pipe_data\", \"w\\x1b\";",
	 "t.dts: /pds/source/maps: property 'data': rights \"w\\x1b\" are "
	 "not valid (\"r\" or \"rw\")\n"},
	{"unknown subsystem with an escape", "\tregions {",
	 "\tsubsystems { x { compatible = \"sdvf,\\x1b[2J\"; }; };\n"
	 "\tregions {",
	 "t.dts: /subsystems/x: property 'compatible': unknown subsystem "
	 "\"sdvf,\\x1b[2J\" (one of: sdvf,queue-pair, sdvf,net)\n"},
	{"string config with a control character", "capacity = <256>;",
	 "capacity = <256>; wire = \"ta\\rp\";",
	 "t.dts: /pds/source/config: property 'wire': string \"ta\\rp\" may "
	 "not contain '\\r' (valid: printable ASCII)\n"},
	{"subsystem without compatible", "\tregions {",
	 "\tsubsystems { x { }; };\n\tregions {",
	 "t.dts: /subsystems/x: missing property 'compatible' (one of: "
	 "sdvf,queue-pair, sdvf,net)\n"},
};

static void base_description_loads(void **state)
{
	(void)state;
	struct sdvf_system sys;
	expect_ok(&sys, base);
	sdvf_system_free(&sys);
}

static void every_broken_description_gives_exactly_its_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		char *dts = edit(base, broken[i].find, broken[i].replace);
		print_message("broken: %s\n", broken[i].what);
		expect_errors(dts, broken[i].errors);
		free(dts);
	}
}

static void core_beyond_online_cpus_is_refused_naming_the_range(void **state)
{
	(void)state;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	char core[32], expected[160];
	snprintf(core, sizeof(core), "core = <%ld>;", online);
	snprintf(expected, sizeof(expected),
		 "t.dts: /pds/source: property 'core': %ld is out of range "
		 "(0..%ld)\n",
		 online, online - 1);
	char *dts = edit(base, "core = <0>;", core);
	expect_errors(dts, expected);
	free(dts);
}

static void string_with_choices_names_them(void **state)
{
	(void)state;
	char *ok = edit(base, "capacity = <256>;",
			"capacity = <256>; wire = \"udp\";");
	struct sdvf_system sys;
	expect_ok(&sys, ok);
	sdvf_system_free(&sys);
	char *bad = edit(base, "capacity = <256>;",
			 "capacity = <256>; wire = \"pcap\";");
	expect_errors(bad, "t.dts: /pds/source/config: property 'wire': "
			   "\"pcap\" is not one of: tap, udp\n");
	free(ok);
	free(bad);
}

static void duplicate_mac_names_the_first_user(void **state)
{
	(void)state;
	char *one = edit(base, "capacity = <256>;",
			 "capacity = <256>; mac = [02 00 00 00 00 07];");
	char *two = edit(one, "capacity = <0x100>;",
			 "capacity = <0x100>; mac = [02 00 00 00 00 07];");
	expect_errors(two, "t.dts: /pds/sink/config: property 'mac': "
			   "duplicate MAC 02:00:00:00:00:07, also used by "
			   "/pds/source\n");
	free(one);
	free(two);
}

static void every_error_is_reported_not_just_the_first(void **state)
{
	(void)state;
	char *one = edit(base, "<0x80000>", "<0x1001>");
	char *two = edit(one, "capacity = <0x100>;", "");
	char *three = edit(two, "\"sdvf,system\"", "\"x\"");
	expect_errors(three,
		      "t.dts: /: property 'compatible': not a system "
		      "description (must be \"sdvf,system\")\n"
		      "t.dts: /regions/pipe_data: property 'size': 0x1001 is "
		      "not a positive multiple of 4096\n"
		      "t.dts: /pds/sink/config: missing property 'capacity' "
		      "(U64 1..65536, power of two: queue slots)\n");
	free(one);
	free(two);
	free(three);
}

static void dtc_syntax_error_is_reported_naming_the_file(void **state)
{
	(void)state;
	struct sdvf_system sys;
	char *errors;
	assert_int_equal(load(&sys, "/dts-v1/;\n/ { oops\n", &errors), -1);
	assert_non_null(strstr(errors, "t.dts: dtc: "));
	assert_non_null(strstr(errors, "t.dts:2."));
	assert_null(strstr(errors, "/tmp/"));
	free(errors);
}

static void missing_pds_node_is_refused(void **state)
{
	(void)state;
	expect_errors("/dts-v1/;\n/ { compatible = \"sdvf,system\"; };\n",
		      "t.dts: /: missing node 'pds' (a system has at least one "
		      "PD)\n");
}

/* Two queue pairs a->b and c->d, plus a region `shared` mapped as the
 * optional `scratch` of two of the four clients (SCRATCH_X, SCRATCH_Y). */
static char *two_pipes(const char *x, const char *y)
{
	char *dts = malloc(2048);
	assert_non_null(dts);
	snprintf(dts, 2048,
		 "/dts-v1/;\n/ { compatible = \"sdvf,system\";\n"
		 "pds {\n"
		 " a { component = \"test_source\"; };\n"
		 " b { component = \"test_sink\"; };\n"
		 " c { component = \"test_source\"; };\n"
		 " d { component = \"test_sink\"; };\n"
		 "};\n"
		 "regions { shared { size = <0x1000>; }; };\n"
		 "subsystems {\n"
		 " p1 { compatible = \"sdvf,queue-pair\"; producer = \"a\";"
		 " consumer = \"b\"; buffers = <2>; capacity = <2>; };\n"
		 " p2 { compatible = \"sdvf,queue-pair\"; producer = \"c\";"
		 " consumer = \"d\"; buffers = <2>; capacity = <2>; };\n"
		 "};\n};\n"
		 "/ { pds {\n" /* a second root block merges into the first */
		 " %s { maps { scratch = \"shared\", \"r\"; }; };\n"
		 " %s { maps { scratch = \"shared\", \"r\"; }; };\n"
		 "}; };\n",
		 x, y);
	return dts;
}

static void region_shared_by_channel_peers_is_allowed(void **state)
{
	(void)state;
	struct sdvf_system sys;
	char *dts = two_pipes("a", "b");
	expect_ok(&sys, dts);
	assert_int_equal(sys.nregions, 7);
	sdvf_system_free(&sys);
	free(dts);
}

static void region_shared_by_unjoined_clients_is_refused(void **state)
{
	(void)state;
	char *dts = two_pipes("a", "d");
	expect_errors(dts, "t.dts: /regions/shared: mapped by client PDs 'a' "
			   "and 'd', which no channel joins (clients share "
			   "memory only with a channel peer)\n");
	free(dts);
}

/* ---- good descriptions load exactly ----------------------------------- */

static void base_description_loads_exact_pds_regions_maps_channels(void **state)
{
	(void)state;
	struct sdvf_system sys;
	expect_ok(&sys, base);
	assert_int_equal(sys.npds, 2);
	assert_int_equal(sys.nregions, 3);
	assert_int_equal(sys.nchannels, 1);
	assert_string_equal(sys.pds[0].name, "source");
	assert_ptr_equal(sys.pds[0].component, &test_source);
	assert_int_equal(sys.pds[0].core, 0);
	assert_false(sys.pds[0].restartable);
	assert_string_equal(sys.pds[1].name, "sink");
	assert_ptr_equal(sys.pds[1].component, &test_sink);
	assert_int_equal(sys.pds[1].core, -1);
	assert_true(sys.pds[1].restartable);
	assert_string_equal(sys.regions[0].name, "pipe_data");
	assert_int_equal(sys.regions[0].size, 0x80000);
	assert_false(sys.regions[0].has_io);
	assert_string_equal(sys.regions[2].name, "pipe_free");
	assert_int_equal(sys.regions[2].size, 0x2000);
	assert_int_equal(sys.pds[1].nmaps, 3);
	assert_string_equal(sys.pds[1].maps[0].local, "data");
	assert_int_equal(sys.pds[1].maps[0].region, 0);
	assert_int_equal(sys.pds[1].maps[0].rights, SDVF_R);
	assert_string_equal(sys.pds[1].maps[2].local, "free");
	assert_int_equal(sys.pds[1].maps[2].region, 2);
	assert_int_equal(sys.pds[1].maps[2].rights, SDVF_RW);
	assert_int_equal(sys.pds[0].nchans, 1);
	assert_string_equal(sys.pds[0].chans[0].local, "peer");
	assert_int_equal(sys.pds[0].chans[0].channel, 0);
	assert_string_equal(sys.channels[0].name, "pipe");
	assert_int_equal(sys.channels[0].pd[0], 0);
	assert_int_equal(sys.channels[0].pd[1], 1);
	assert_int_equal(sys.pds[0].config_node,
			 fdt_path_offset(sys.fdt, "/pds/source/config"));
	sdvf_system_free(&sys);
}

static void io_address_of_one_or_two_cells_loads(void **state)
{
	(void)state;
	struct sdvf_system sys;
	char *one = edit(base, "<0x80000>;",
			 "<0x80000>; io-address = <0x40000000>;");
	char *two = edit(one, "pipe_free { size = <0x2000>; };",
			 "pipe_free { size = <0x2000>; io-address = <0x1 "
			 "0x0>; };");
	expect_ok(&sys, two);
	assert_true(sys.regions[0].has_io);
	assert_int_equal(sys.regions[0].io_addr, 0x40000000);
	assert_false(sys.regions[1].has_io);
	assert_int_equal(sys.regions[2].io_addr, 0x100000000ull);
	sdvf_system_free(&sys);
	free(one);
	free(two);
}

static void config_accessors_give_values_and_defaults(void **state)
{
	(void)state;
	struct sdvf_system sys;
	size_t len = 99;
	char *dts = edit(base, "capacity = <256>;",
			 "capacity = <0x0 0x100>; wire = \"tap\"; mac = [02 "
			 "00 00 00 00 05]; key = [01 02 03 04 05];");
	expect_ok(&sys, dts);
	assert_int_equal(sdvf_system_config_u64(&sys, 0, "buffers"), 256);
	assert_int_equal(sdvf_system_config_u64(&sys, 0, "capacity"), 256);
	assert_int_equal(sdvf_system_config_u64(&sys, 0, "batch"), 32);
	assert_string_equal(sdvf_system_config_str(&sys, 0, "wire"), "tap");
	const uint8_t *mac = sdvf_system_config_bytes(&sys, 0, "mac", &len);
	assert_int_equal(len, 6);
	assert_memory_equal(mac, "\x02\0\0\0\0\x05", 6);
	assert_non_null(sdvf_system_config_bytes(&sys, 0, "key", &len));
	assert_int_equal(len, 5);
	assert_null(sdvf_system_config_str(&sys, 1, "wire"));
	assert_null(sdvf_system_config_bytes(&sys, 1, "mac", &len));
	assert_int_equal(len, 0);
	assert_int_equal(sdvf_system_config_u64(&sys, 7, "buffers"), 0);
	sdvf_system_free(&sys);
	free(dts);
}

static void dtb_file_loads_like_its_source(void **state)
{
	(void)state;
	char dts[] = "/tmp/sdvf-test-XXXXXX", dtb[64], cmd[192];
	int fd = mkstemp(dts);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, base, strlen(base)), (ssize_t)strlen(base));
	close(fd);
	snprintf(dtb, sizeof(dtb), "%s.dtb", dts);
	snprintf(cmd, sizeof(cmd), "dtc -I dts -O dtb -o %s %s 2>/dev/null",
		 dtb, dts);
	assert_int_equal(system(cmd), 0);
	struct sdvf_system sys;
	assert_int_equal(sdvf_system_load(&sys, dtb, table, stderr), 0);
	assert_int_equal(sys.npds, 2);
	assert_string_equal(sys.path, dtb);
	sdvf_system_free(&sys);
	assert_int_equal(sdvf_system_load(&sys, dts, table, stderr), 0);
	assert_int_equal(sys.nregions, 3);
	sdvf_system_free(&sys);
	unlink(dts);
	unlink(dtb);
}

static void corrupt_dtb_is_refused(void **state)
{
	(void)state;
	char path[] = "/tmp/sdvf-test-XXXXXX", *errors, expected[128];
	size_t len;
	int fd = mkstemp(path);
	/* the magic of a blob, then a header claiming far more than exists */
	static const uint8_t blob[16] = {0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0x10, 0};
	assert_int_equal(write(fd, blob, sizeof(blob)), sizeof(blob));
	close(fd);
	FILE *err = open_memstream(&errors, &len);
	struct sdvf_system sys;
	assert_int_equal(sdvf_system_load(&sys, path, table, err), -1);
	fclose(err);
	snprintf(expected, sizeof(expected),
		 "%s: not a valid device-tree blob: FDT_ERR_TRUNCATED\n", path);
	assert_string_equal(errors, expected);
	free(errors);
	unlink(path);
}

/* `base` compiled, with room to edit: the caller frees. */
static void *base_blob(void)
{
	char dts[] = "/tmp/sdvf-test-XXXXXX", cmd[160];
	int fd = mkstemp(dts);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, base, strlen(base)), (ssize_t)strlen(base));
	close(fd);
	snprintf(cmd, sizeof(cmd), "dtc -I dts -O dtb %s 2>/dev/null", dts);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	static char compiled[65536];
	size_t n = fread(compiled, 1, sizeof(compiled), p);
	assert_int_equal(pclose(p), 0);
	unlink(dts);
	assert_true(n > 0);
	void *blob = malloc(1 << 20);
	assert_non_null(blob);
	assert_int_equal(fdt_open_into(compiled, blob, 1 << 20), 0);
	return blob;
}

/* Load `blob` from a .dtb file; the errors it prints, with the file's
 * name replaced by "t.dtb" (caller frees). */
static char *load_blob_errors(void *blob)
{
	char path[] = "/tmp/sdvf-test-XXXXXX", *errors;
	size_t len;
	fdt_pack(blob);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, blob, fdt_totalsize(blob)),
			 (ssize_t)fdt_totalsize(blob));
	close(fd);
	FILE *err = open_memstream(&errors, &len);
	struct sdvf_system sys;
	assert_int_equal(sdvf_system_load(&sys, path, table, err), -1);
	fclose(err);
	unlink(path);
	char *named = malloc(strlen(errors) + 1), *out = named;
	for (const char *at = errors; *at;) {
		if (strncmp(at, path, strlen(path)) == 0) {
			out += sprintf(out, "t.dtb");
			at += strlen(path);
		} else {
			*out++ = *at++;
		}
	}
	*out = '\0';
	free(errors);
	return named;
}

static void dtb_node_name_with_an_escape_is_refused(void **state)
{
	(void)state;
	void *blob = base_blob();
	int sink = fdt_path_offset(blob, "/pds/sink");
	assert_int_equal(fdt_set_name(blob, sink, "si\x1bnk"), 0);
	char *errors = load_blob_errors(blob);
	assert_string_equal(errors, "t.dtb: /pds/si\\x1bnk: name may not "
				    "contain '\\x1b' (valid: A-Z a-z 0-9 _ . "
				    "-)\n");
	free(errors);
	free(blob);
}

static void dtb_node_name_with_a_slash_is_refused(void **state)
{
	(void)state;
	void *blob = base_blob();
	int region = fdt_path_offset(blob, "/regions/pipe_free");
	assert_int_equal(fdt_set_name(blob, region, "../free"), 0);
	char *errors = load_blob_errors(blob);
	assert_string_equal(errors, "t.dtb: /regions/../free: name may not "
				    "contain '/' (valid: A-Z a-z 0-9 _ . -)\n");
	free(errors);
	free(blob);
}

static void dtb_property_name_with_a_newline_is_refused(void **state)
{
	(void)state;
	void *blob = base_blob();
	int maps = fdt_path_offset(blob, "/pds/source/maps");
	assert_int_equal(fdt_setprop_string(blob, maps, "d\na", "pipe_data"),
			 0);
	char *errors = load_blob_errors(blob);
	assert_string_equal(errors, "t.dtb: /pds/source/maps: property "
				    "'d\\na': name may not contain '\\n' "
				    "(valid: A-Z a-z 0-9 _ . -)\n");
	free(errors);
	free(blob);
}

static void missing_file_is_refused(void **state)
{
	(void)state;
	char *errors;
	size_t len;
	FILE *err = open_memstream(&errors, &len);
	struct sdvf_system sys;
	assert_int_equal(
		sdvf_system_load(&sys, "/nonexistent/x.dts", table, err), -1);
	fclose(err);
	assert_string_equal(errors, "/nonexistent/x.dts: cannot read: No such "
				    "file or directory\n");
	free(errors);
}

/* ---- reading .dts: what dtc may read, and for how long ---------------- */

/* A private directory for one test's files; the caller removes it with
 * rm_dir. */
static void make_dir(char path[32])
{
	strcpy(path, "/tmp/sdvf-test-XXXXXX");
	assert_non_null(mkdtemp(path));
}

static void rm_dir(const char *path)
{
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", path);
	assert_int_equal(system(cmd), 0);
}

static void write_file(const char *dir, const char *name, const char *text,
		       mode_t mode)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

/* Load DIR/NAME with `opt`; the errors, with DIR replaced by "D" (caller
 * frees). */
static char *load_file_errors(const char *dir, const char *name,
			      const struct sdvf_load_options *opt, int *rc)
{
	char path[128], *errors;
	size_t len;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *err = open_memstream(&errors, &len);
	struct sdvf_system sys;
	*rc = sdvf_system_load_with(&sys, path, table, opt, err);
	fclose(err);
	if (*rc == 0)
		sdvf_system_free(&sys);
	char *named = malloc(strlen(errors) + 1), *out = named;
	for (const char *at = errors; *at;) {
		if (strncmp(at, dir, strlen(dir)) == 0) {
			*out++ = 'D';
			at += strlen(dir);
		} else {
			*out++ = *at++;
		}
	}
	*out = '\0';
	free(errors);
	return named;
}

/* `base` whose source PD's config reads `key` from `incbin`. */
static char *base_with_key(const char *incbin)
{
	char key[160];
	snprintf(key, sizeof(key), "capacity = <256>; key = %s;", incbin);
	return edit(base, "capacity = <256>;", key);
}

/* `base` with `more` after it, from line 34 on. */
static char *base_then(const char *more)
{
	char *dts = malloc(strlen(base) + strlen(more) + 1);
	assert_non_null(dts);
	strcpy(dts, base);
	strcat(dts, more);
	return dts;
}

static void incbin_is_refused_and_nothing_read(void **state)
{
	(void)state;
	char dir[32], incbin[96];
	int rc;
	make_dir(dir);
	write_file(dir, "secret", "SECRET42", 0600);
	snprintf(incbin, sizeof(incbin), "/incbin/(\"%s/secret\")", dir);
	char *dts = base_with_key(incbin);
	write_file(dir, "t.dts", dts, 0644);
	char *errors = load_file_errors(dir, "t.dts", NULL, &rc);
	assert_int_equal(rc, -1);
	assert_string_equal(
		errors, "D/t.dts:14: /incbin/ is refused: it copies another "
			"file into the description (--allow-incbin "
			"permits it)\n");
	free(errors);
	free(dts);
	rm_dir(dir);
}

static void incbin_is_read_when_allowed(void **state)
{
	(void)state;
	char dir[32], path[64];
	struct sdvf_load_options opt = {.allow_incbin = true};
	struct sdvf_system sys;
	size_t len;
	make_dir(dir);
	write_file(dir, "secret", "SECRET42", 0600);
	char *dts = base_with_key("/incbin/(\"secret\")");
	write_file(dir, "t.dts", dts, 0644);
	snprintf(path, sizeof(path), "%s/t.dts", dir);
	assert_int_equal(sdvf_system_load_with(&sys, path, table, &opt, stderr),
			 0);
	const uint8_t *key = sdvf_system_config_bytes(&sys, 0, "key", &len);
	assert_int_equal(len, 8);
	assert_memory_equal(key, "SECRET42", 8);
	sdvf_system_free(&sys);
	free(dts);
	rm_dir(dir);
}

static void incbin_in_an_included_file_is_refused(void **state)
{
	(void)state;
	char dir[32];
	int rc;
	make_dir(dir);
	write_file(dir, "secret", "SECRET42", 0600);
	write_file(dir, "key.dtsi",
		   "/* a comment may say /incbin/ */\n"
		   "/ { pds { source { config {\n"
		   "\tkey = /incbin/(\"secret\"); }; }; }; };\n",
		   0644);
	char *dts = base_then("/include/ \"key.dtsi\"\n");
	write_file(dir, "t.dts", dts, 0644);
	char *errors = load_file_errors(dir, "t.dts", NULL, &rc);
	assert_int_equal(rc, -1);
	assert_string_equal(errors,
			    "D/key.dtsi:3: /incbin/ is refused: it copies "
			    "another file into the description (--allow-incbin "
			    "permits it)\n");
	free(errors);
	free(dts);
	rm_dir(dir);
}

/* An include is read by sdvf, not by dtc: dtc names the included file and
 * its own lines in its messages all the same. */
static void included_file_is_named_in_dtc_errors(void **state)
{
	(void)state;
	char dir[32];
	int rc;
	make_dir(dir);
	write_file(dir, "extra.dtsi", "/ {\n\tbroken = ;\n};\n", 0644);
	char *dts = base_then("/include/ \"extra.dtsi\"\n");
	write_file(dir, "t.dts", dts, 0644);
	char *errors = load_file_errors(dir, "t.dts", NULL, &rc);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(errors, "dtc: Error: D/extra.dtsi:2."));
	free(errors);
	free(dts);
	rm_dir(dir);
}

static void include_in_a_comment_or_string_is_not_followed(void **state)
{
	(void)state;
	struct sdvf_system sys;
	char *dts = base_then("/* /include/ \"nonexistent\" */\n"
			      "// /include/ \"nonexistent\"\n"
			      "/ { name = \"x\"; };\n"
			      "/ { pds { source { config { key = "
			      "\"/include/\"; }; }; }; };\n");
	expect_ok(&sys, dts);
	size_t len;
	assert_string_equal(sdvf_system_config_bytes(&sys, 0, "key", &len),
			    "/include/");
	sdvf_system_free(&sys);
	free(dts);
}

static void include_without_a_quoted_name_is_refused(void **state)
{
	(void)state;
	char *dts = base_then("/include/ <nonexistent>\n");
	expect_errors(dts, "t.dts:34: /include/ must be followed by a file "
			   "name in double quotes\n");
	free(dts);
}

static void include_of_itself_stops_at_the_depth_bound(void **state)
{
	(void)state;
	char dir[32];
	int rc;
	make_dir(dir);
	write_file(dir, "loop.dtsi", "/include/ \"loop.dtsi\"\n", 0644);
	char *dts = base_then("/include/ \"loop.dtsi\"\n");
	write_file(dir, "t.dts", dts, 0644);
	char *errors = load_file_errors(dir, "t.dts", NULL, &rc);
	assert_int_equal(rc, -1);
	assert_string_equal(errors, "D/loop.dtsi:1: /include/ \"loop.dtsi\": "
				    "too many includes (at most 64, 7 deep)\n");
	free(errors);
	free(dts);
	rm_dir(dir);
}

static void source_over_1_mib_is_refused(void **state)
{
	(void)state;
	size_t size = (1u << 20) + 16;
	char *dts = malloc(size + 1);
	assert_non_null(dts);
	memset(dts, ' ', size);
	dts[size] = '\0';
	expect_errors(dts, "t.dts: too much source (at most 1048576 bytes)\n");
	free(dts);
}

static void include_of_a_fifo_is_refused_without_waiting(void **state)
{
	(void)state;
	char dir[32], fifo[64];
	int rc;
	make_dir(dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	char *dts = base_then("/include/ \"fifo\"\n");
	write_file(dir, "t.dts", dts, 0644);
	alarm(20); /* a blocked open fails the test instead of hanging it */
	char *errors = load_file_errors(dir, "t.dts", NULL, &rc);
	assert_int_equal(rc, -1);
	assert_string_equal(errors, "D/t.dts:34: /include/ \"fifo\": not a "
				    "regular file of at most 1048576 bytes\n");
	free(errors);
	errors = load_file_errors(dir, "fifo", NULL, &rc);
	alarm(0);
	assert_int_equal(rc, -1);
	assert_string_equal(errors, "D/fifo: not a regular file of at most "
				    "16777216 bytes\n");
	free(errors);
	free(dts);
	rm_dir(dir);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void dtc_that_does_not_finish_is_stopped(void **state)
{
	(void)state;
	char dir[32], fifo[64];
	struct sdvf_load_options opt = {.allow_incbin = true,
					.dtc_timeout_ms = 300};
	struct timespec t0;
	int rc;
	make_dir(dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	char *dts = base_with_key("/incbin/(\"fifo\")"); /* blocks dtc */
	write_file(dir, "t.dts", dts, 0644);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char *errors = load_file_errors(dir, "t.dts", &opt, &rc);
	assert_int_equal(rc, -1);
	assert_true(seconds_since(&t0) < 5);
	assert_string_equal(errors, "D/t.dts: dtc did not finish within 0.3 s "
				    "(stopped)\n");
	free(errors);
	free(dts);
	rm_dir(dir);
}

static void dtc_memory_is_bounded(void **state)
{
	(void)state;
	char dir[32];
	struct sdvf_load_options opt = {.allow_incbin = true};
	struct timespec t0;
	int rc;
	/* qemu-user does not pass RLIMIT_AS on to the host (it would starve
	 * the emulator), so dtc ends some other way there: the limit is
	 * tested natively (tests/cross/run.sh sets this). */
	if (getenv("SDVF_UNDER_QEMU_USER"))
		skip();
	make_dir(dir);
	char *dts = base_with_key("/incbin/(\"/dev/zero\")");
	write_file(dir, "t.dts", dts, 0644);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char *errors = load_file_errors(dir, "t.dts", &opt, &rc);
	assert_int_equal(rc, -1);
	assert_true(seconds_since(&t0) < 20);
	assert_memory_equal(errors, "D/t.dts: dtc: FATAL ERROR: ", 27);
	free(errors);
	free(dts);
	rm_dir(dir);
}

/* ---- limits of struct sdvf_system ------------------------------------- */

static void too_many_pds_is_reported_not_overflowed(void **state)
{
	(void)state;
	char *dts = malloc(8192);
	size_t at = 0;
	at += (size_t)snprintf(dts + at, 8192 - at,
			       "/dts-v1/;\n/ { compatible = \"sdvf,system\";"
			       "\n regions { r { size = <0x1000>; }; };\n"
			       " pds {\n");
	for (int i = 0; i <= SDVF_MAX_PDS; i++)
		at += (size_t)snprintf(dts + at, 8192 - at,
				       "  w%d { component = \"test_wide\"; "
				       "maps { m0 = \"r\", \"r\"; }; };\n",
				       i);
	snprintf(dts + at, 8192 - at, " };\n};\n");
	expect_errors(dts, "t.dts: /pds/w32: too many PDs (at most 32)\n");
	free(dts);
}

static void too_many_maps_is_reported_not_overflowed(void **state)
{
	(void)state;
	char *dts = malloc(8192);
	size_t at = 0;
	at += (size_t)snprintf(
		dts + at, 8192 - at,
		"/dts-v1/;\n/ { compatible = \"sdvf,system\";"
		"\n regions { r { size = <0x1000>; }; };\n"
		" pds { w { component = \"test_wide\"; maps {\n");
	for (int i = 0; i <= SDVF_MAX_MAPS; i++)
		at += (size_t)snprintf(dts + at, 8192 - at,
				       "  m%d = \"r\", \"rw\";\n", i);
	snprintf(dts + at, 8192 - at, " }; }; };\n};\n");
	expect_errors(dts, "t.dts: /pds/w/maps: property 'm24': too many maps "
			   "(at most 24 per PD)\n");
	free(dts);
}

/* ---- size: nothing a description holds can make loading slow -------- */

/* Each printed error walks the tree for its path: 8000 unmapped regions of
 * a 450 KB .dtb took 16 s to report.  The first 100 errors are printed,
 * the rest counted in one last line.  200 regions: 72 past the limit
 * (build), then 128 not mapped (check), of which 28 are printed. */
static void errors_past_100_are_counted_not_printed(void **state)
{
	(void)state;
	size_t size = 200 * 48 + 256, at = 0, eat = 0;
	char *dts = malloc(size), *expected = malloc(101 * 80);
	assert_non_null(dts);
	assert_non_null(expected);
	at += (size_t)snprintf(dts, size,
			       "/dts-v1/;\n/ { compatible = \"sdvf,system\";"
			       "\n pds { };\n regions {\n");
	for (int i = 0; i < 200; i++)
		at += (size_t)snprintf(dts + at, size - at,
				       "  r%d { size = <0x1000>; };\n", i);
	snprintf(dts + at, size - at, " };\n};\n");
	for (int i = 128; i < 200; i++)
		eat += (size_t)sprintf(expected + eat,
				       "t.dts: /regions/r%d: too many regions "
				       "(at most 128)\n",
				       i);
	for (int i = 0; i < 28; i++)
		eat += (size_t)sprintf(expected + eat,
				       "t.dts: /regions/r%d: not mapped by any "
				       "PD (map it or remove it)\n",
				       i);
	sprintf(expected + eat, "t.dts: 100 more errors not shown\n");
	expect_errors(dts, expected);
	free(dts);
	free(expected);
}

static void dts_of_100k_properties_is_refused_before_dtc(void **state)
{
	(void)state;
	size_t size = 100000 * 16 + 4096, at = 0;
	char *dts = malloc(size);
	assert_non_null(dts);
	at += (size_t)snprintf(dts, size, "%s/ { pds { source { config {\n",
			       base);
	for (int i = 0; i < 100000; i++)
		at += (size_t)snprintf(dts + at, size - at, "p%d;\n", i);
	snprintf(dts + at, size - at, "}; }; }; };\n");
	expect_errors(dts, "t.dts: too many nodes and properties (at most "
			   "8192)\n");
	free(dts);
}

static void dtb_of_100k_nodes_is_refused(void **state)
{
	(void)state;
	size_t size = 8u << 20;
	void *blob = malloc(size);
	char name[16];
	assert_non_null(blob);
	assert_int_equal(fdt_create(blob, (int)size), 0);
	assert_int_equal(fdt_finish_reservemap(blob), 0);
	assert_int_equal(fdt_begin_node(blob, ""), 0);
	assert_int_equal(fdt_property_string(blob, "compatible", "sdvf,system"),
			 0);
	assert_int_equal(fdt_begin_node(blob, "regions"), 0);
	for (int i = 0; i < 100000; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		assert_int_equal(fdt_begin_node(blob, name), 0);
		assert_int_equal(fdt_end_node(blob), 0);
	}
	assert_int_equal(fdt_end_node(blob), 0);
	assert_int_equal(fdt_end_node(blob), 0);
	assert_int_equal(fdt_finish(blob), 0);
	char *errors = load_blob_errors(blob);
	assert_string_equal(errors, "t.dtb: too many nodes and properties (at "
				    "most 8192)\n");
	free(errors);
	free(blob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(base_description_loads),
		cmocka_unit_test(
			every_broken_description_gives_exactly_its_errors),
		cmocka_unit_test(
			core_beyond_online_cpus_is_refused_naming_the_range),
		cmocka_unit_test(duplicate_mac_names_the_first_user),
		cmocka_unit_test(string_with_choices_names_them),
		cmocka_unit_test(every_error_is_reported_not_just_the_first),
		cmocka_unit_test(dtc_syntax_error_is_reported_naming_the_file),
		cmocka_unit_test(missing_pds_node_is_refused),
		cmocka_unit_test(region_shared_by_channel_peers_is_allowed),
		cmocka_unit_test(
			base_description_loads_exact_pds_regions_maps_channels),
		cmocka_unit_test(io_address_of_one_or_two_cells_loads),
		cmocka_unit_test(config_accessors_give_values_and_defaults),
		cmocka_unit_test(dtb_file_loads_like_its_source),
		cmocka_unit_test(corrupt_dtb_is_refused),
		cmocka_unit_test(dtb_node_name_with_an_escape_is_refused),
		cmocka_unit_test(dtb_node_name_with_a_slash_is_refused),
		cmocka_unit_test(dtb_property_name_with_a_newline_is_refused),
		cmocka_unit_test(missing_file_is_refused),
		cmocka_unit_test(incbin_is_refused_and_nothing_read),
		cmocka_unit_test(incbin_is_read_when_allowed),
		cmocka_unit_test(incbin_in_an_included_file_is_refused),
		cmocka_unit_test(included_file_is_named_in_dtc_errors),
		cmocka_unit_test(
			include_in_a_comment_or_string_is_not_followed),
		cmocka_unit_test(include_without_a_quoted_name_is_refused),
		cmocka_unit_test(include_of_itself_stops_at_the_depth_bound),
		cmocka_unit_test(source_over_1_mib_is_refused),
		cmocka_unit_test(include_of_a_fifo_is_refused_without_waiting),
		cmocka_unit_test(dtc_that_does_not_finish_is_stopped),
		cmocka_unit_test(dtc_memory_is_bounded),
		cmocka_unit_test(errors_past_100_are_counted_not_printed),
		cmocka_unit_test(dts_of_100k_properties_is_refused_before_dtc),
		cmocka_unit_test(dtb_of_100k_nodes_is_refused),
		cmocka_unit_test(too_many_pds_is_reported_not_overflowed),
		cmocka_unit_test(too_many_maps_is_reported_not_overflowed),
		cmocka_unit_test(region_shared_by_unjoined_clients_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
