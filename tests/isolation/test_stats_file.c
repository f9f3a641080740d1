/*
 * The stats file of a hosted run (core/hosted/stats.h): invisible until
 * complete, named after the system and launcher, a header page then one slot
 * per PD, gone after destroy, and found by `sdvf stats` exactly while it is
 * published.  The reader prints component counters and survives a slot its
 * PD scribbled over without misprinting any other PD.
 */
#include <libfdt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/cli/cli.h"
#include "core/hosted/hosted.h"
#include "core/hosted/stats.h"
#include "core/sysdesc/sysdesc.h"

extern const struct sdvf_component queue_source_component;

static char dir[] = "/tmp/sdvf-stats-test.XXXXXX";

static void two_pd_system(struct sdvf_system *sys)
{
	memset(sys, 0, sizeof(*sys));
	sys->path = "some/dir/pingpong-intent.dts";
	sys->npds = 2;
	strcpy(sys->pds[0].name, "source");
	strcpy(sys->pds[1].name, "sink");
	sys->pds[0].component = &queue_source_component;
	sys->pds[1].component = &queue_source_component;
	sys->pds[0].core = -1;
	sys->pds[1].core = 1;
}

static int count_files(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "ls %s | wc -l", dir);
	FILE *p = popen(cmd, "r");
	int n = -1;
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}

static void system_name_defaults_to_file_stem(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	char name[SDVF_NAME_MAX];
	two_pd_system(&sys);
	sdvf_system_name(&sys, name);
	assert_string_equal(name, "pingpong-intent");
}

static void system_name_from_an_odd_file_name_is_a_name(void **unused)
{
	(void)unused;
	static const struct {
		const char *path, *name;
	} cases[] = {
		{"x/a b\nc.dts", "a_b_c"},
		{"x/red\x1b[31m.dts", "red__31m"},
		{"x/ping.pong.dts", "ping.pong"},
		{"x/..dts", "system"},
		{"x/", "system"},
		{"x/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.dts",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
	};
	struct sdvf_system sys;
	char name[SDVF_NAME_MAX];
	two_pd_system(&sys);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sys.path = cases[i].path;
		sdvf_system_name(&sys, name);
		assert_string_equal(name, cases[i].name);
	}
}

/* A root `name` that is not a name (a system built without the loader's
 * check) never becomes part of the stats file's path. */
static void stats_file_stays_in_its_directory(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	char blob[512], expected[256];
	two_pd_system(&sys);
	assert_int_equal(fdt_create_empty_tree(blob, sizeof(blob)), 0);
	assert_int_equal(fdt_setprop_string(blob, 0, "name", "../../escape"),
			 0);
	sys.fdt = blob;
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	snprintf(expected, sizeof(expected), "%s/sdvf-pingpong-intent.%d.stats",
		 dir, (int)getpid());
	assert_string_equal(f.path, expected);
	assert_int_equal(count_files(), 1);
	sdvf_stats_destroy(&f);
}

static void stats_file_invisible_until_published(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(count_files(), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	assert_int_equal(count_files(), 1);
	sdvf_stats_destroy(&f);
}

static void stats_file_named_after_system_and_launcher(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	char expected[256];
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	snprintf(expected, sizeof(expected), "%s/sdvf-pingpong-intent.%d.stats",
		 dir, (int)getpid());
	assert_string_equal(f.path, expected);
	assert_int_equal(access(expected, R_OK), 0);
	sdvf_stats_destroy(&f);
}

static void stats_file_removed_on_destroy(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	sdvf_stats_destroy(&f);
	assert_int_equal(count_files(), 0);
	assert_int_equal(f.fd, -1);
}

static void stats_header_then_four_pages_per_pd(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	struct sdvf_stats_header *h = f.header;
	assert_int_equal(h->magic, SDVF_STATS_MAGIC);
	assert_int_equal(h->npds, 2);
	assert_int_equal(h->launcher_pid, getpid());
	assert_string_equal(h->pd[1].name, "sink");
	assert_string_equal(h->pd[1].component, "queue_source");
	assert_int_equal(h->pd[1].core, 1);
	assert_int_equal(h->slot_bytes, 4 * 4096);
	assert_ptr_equal(sdvf_stats_slot_of(h, 0), (char *)h + 4096);
	assert_ptr_equal(sdvf_stats_slot_of(h, 1), (char *)h + 4096 + 16384);
	assert_int_equal(sdvf_stats_slot_of(h, 1)->activations, 0);
	sdvf_stats_destroy(&f);
}

static void stats_command_finds_only_published_systems(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	char *all[] = {"stats", NULL};
	char *named[] = {"stats", "pingpong-intent", NULL};
	char *other[] = {"stats", "other", NULL};
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_main(1, all, sdvf_builtin_components), 1);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	assert_int_equal(sdvf_stats_main(1, all, sdvf_builtin_components), 0);
	assert_int_equal(sdvf_stats_main(2, named, sdvf_builtin_components), 0);
	assert_int_equal(sdvf_stats_main(2, other, sdvf_builtin_components), 1);
	sdvf_stats_destroy(&f);
	assert_int_equal(sdvf_stats_main(1, all, sdvf_builtin_components), 1);
}

static void stats_command_rejects_an_option(void **unused)
{
	(void)unused;
	char *bad[] = {"stats", "--bogus", NULL};
	assert_int_equal(sdvf_stats_main(2, bad, sdvf_builtin_components), 2);
}

/* ---- component counters and a scribbled slot ------------------------- */

static void three_pd_system(struct sdvf_system *sys)
{
	two_pd_system(sys);
	sys->npds = 3;
	strcpy(sys->pds[2].name, "third");
	sys->pds[2].component = &queue_source_component;
	sys->pds[2].core = -1;
}

/* Register `name` in PD i's slot as its runtime would, and set it. */
static void publish(struct sdvf_stats_file *f, int pd, const char *name,
		    uint64_t value)
{
	static struct sdvf_counter_claims claims[3];
	struct sdvf_stats_slot *s = sdvf_stats_slot_of(f->header, pd);
	int i = sdvf_counter_claim(&s->counters, &claims[pd], name);
	assert_true(i >= 0);
	s->counters.value[i] = value;
}

/* What `sdvf stats` prints, as one string. */
static char *capture(const char *system, const char *pd,
		     enum sdvf_stats_format format, int *pds)
{
	static char buf[1 << 16];
	FILE *out = fmemopen(buf, sizeof(buf) - 1, "w");
	assert_non_null(out);
	struct sdvf_stats_query q = {
		.system = system, .pd = pd, .format = format};
	*pds = sdvf_stats_print(out, &q);
	long n = ftell(out);
	fclose(out);
	buf[n] = '\0';
	return buf;
}

static int count_substr(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void kv_lists_component_counters_one_per_line(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	int pds = 0;
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	publish(&f, 1, "rx_frames", 12);
	publish(&f, 1, "c2.tx_drops_quota", 3);
	char *out = capture(NULL, NULL, SDVF_STATS_KV, &pds);
	assert_int_equal(pds, 2);
	assert_non_null(strstr(out, "\npingpong-intent sink rx_frames 12\n"));
	assert_non_null(
		strstr(out, "\npingpong-intent sink c2.tx_drops_quota 3\n"));
	assert_non_null(strstr(out, "pingpong-intent source sdvf.state "
				    "starting\n"));
	assert_non_null(
		strstr(out, "pingpong-intent sink sdvf.activations 0\n"));
	assert_int_equal(count_substr(out, "rx_frames"), 1);
	sdvf_stats_destroy(&f);
}

static void pd_option_prints_only_that_pd(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	int pds = 0;
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	publish(&f, 0, "tx_frames", 5);
	char *out = capture(NULL, "source", SDVF_STATS_KV, &pds);
	assert_int_equal(pds, 1);
	assert_int_equal(count_substr(out, " sink "), 0);
	assert_non_null(strstr(out, "pingpong-intent source tx_frames 5\n"));
	capture(NULL, "nobody", SDVF_STATS_KV, &pds);
	assert_int_equal(pds, 0);
	sdvf_stats_destroy(&f);
}

static void text_shows_counters_after_the_runtime_table(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	int pds = 0;
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	publish(&f, 1, "link_up", 1);
	char *out = capture("pingpong-intent", NULL, SDVF_STATS_TEXT, &pds);
	assert_int_equal(pds, 2);
	char *table = strstr(out, "ACTIVATIONS");
	char *section = strstr(out, "  counters of 'sink' (queue_source):\n");
	assert_non_null(table);
	assert_non_null(section);
	assert_true(section > table);
	assert_non_null(strstr(section, "    link_up"));
	assert_non_null(strstr(section, " = 1\n"));
	assert_null(strstr(out, "counters of 'source'"));
	sdvf_stats_destroy(&f);
}

/* Every line is printable ASCII and has exactly four fields. */
static void assert_clean_kv(const char *out)
{
	for (const char *c = out; *c; c++)
		assert_true(*c == '\n' || (*c >= ' ' && *c <= '~'));
	char line[256];
	for (const char *p = out; *p;) {
		const char *nl = strchr(p, '\n');
		assert_non_null(nl);
		size_t len = (size_t)(nl - p);
		assert_true(len < sizeof(line));
		memcpy(line, p, len);
		line[len] = '\0';
		int fields = 0;
		for (char *t = strtok(line, " "); t; t = strtok(NULL, " "))
			fields++;
		assert_int_equal(fields, 4);
		p = nl + 1;
	}
}

static void scribble(struct sdvf_stats_slot *s)
{
	memset(&s->counters, 0xa5, sizeof(s->counters));
	s->counters.count = UINT32_MAX;
	memcpy(s->counters.name[0], "has space", 10);
	memcpy(s->counters.name[1], "line\nbreak", 11);
	memset(s->counters.name[2], 'x', SDVF_COUNTER_NAME_MAX); /* no NUL */
	memcpy(s->counters.name[3], "sdvf.activations", 17);
	memcpy(s->counters.name[4], "fine_name", 10);
	s->counters.value[4] = 99;
}

static void scribbled_slot_prints_safely_and_others_intact(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	int pds = 0;
	three_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	publish(&f, 0, "rx_frames", 11);
	publish(&f, 2, "tx_frames", 33);
	scribble(sdvf_stats_slot_of(f.header, 1));
	char *out = capture(NULL, NULL, SDVF_STATS_KV, &pds);
	assert_int_equal(pds, 3);
	assert_clean_kv(out);
	assert_non_null(strstr(out, "pingpong-intent source rx_frames 11\n"));
	assert_non_null(strstr(out, "pingpong-intent third tx_frames 33\n"));
	/* the one well-formed name of the scribbled slot, the rest counted */
	assert_non_null(strstr(out, "pingpong-intent sink fine_name 99\n"));
	assert_non_null(strstr(out, "pingpong-intent sink "
				    "sdvf.counters_unreadable 383\n"));
	assert_non_null(strstr(out, "pingpong-intent source "
				    "sdvf.counters_unreadable 0\n"));
	assert_int_equal(count_substr(out, "sdvf.activations"), 3);
	assert_int_equal(count_substr(out, " sink "), 15);
	out = capture(NULL, NULL, SDVF_STATS_TEXT, &pds);
	assert_int_equal(pds, 3);
	assert_non_null(strstr(out, "383 entries unreadable"));
	assert_non_null(strstr(out, "counters of 'third' (queue_source):\n"));
	sdvf_stats_destroy(&f);
}

static void stats_command_takes_pd_and_format_options(void **unused)
{
	(void)unused;
	char *kv[] = {"stats", "--format=kv", NULL};
	char *kv2[] = {"stats", "--format", "kv", "--pd", "x", NULL};
	char *bad_format[] = {"stats", "--format=xml", NULL};
	char *no_pd[] = {"stats", "--pd", NULL};
	/* nothing is running in the test directory: exit 1, not 2 */
	assert_int_equal(sdvf_stats_main(2, kv, sdvf_builtin_components), 1);
	assert_int_equal(sdvf_stats_main(5, kv2, sdvf_builtin_components), 1);
	assert_int_equal(
		sdvf_stats_main(2, bad_format, sdvf_builtin_components), 2);
	assert_int_equal(sdvf_stats_main(2, no_pd, sdvf_builtin_components), 2);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	setenv("SDVF_STATS_DIR", dir, 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(system_name_defaults_to_file_stem),
		cmocka_unit_test(system_name_from_an_odd_file_name_is_a_name),
		cmocka_unit_test(stats_file_stays_in_its_directory),
		cmocka_unit_test(stats_file_invisible_until_published),
		cmocka_unit_test(stats_file_named_after_system_and_launcher),
		cmocka_unit_test(stats_file_removed_on_destroy),
		cmocka_unit_test(stats_header_then_four_pages_per_pd),
		cmocka_unit_test(stats_command_finds_only_published_systems),
		cmocka_unit_test(stats_command_rejects_an_option),
		cmocka_unit_test(kv_lists_component_counters_one_per_line),
		cmocka_unit_test(pd_option_prints_only_that_pd),
		cmocka_unit_test(text_shows_counters_after_the_runtime_table),
		cmocka_unit_test(
			scribbled_slot_prints_safely_and_others_intact),
		cmocka_unit_test(stats_command_takes_pd_and_format_options),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return failed;
}
