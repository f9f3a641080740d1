/*
 * The stats file of a hosted run (core/stats.h): invisible until complete,
 * named after the system and launcher, one page per part, gone after
 * destroy, and found by `sdvf stats` exactly while it is published.
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

#include "core/hosted.h"
#include "core/stats.h"

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
	sdvf_system_name(&sys, name, sizeof(name));
	assert_string_equal(name, "pingpong-intent");
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

static void stats_header_then_one_page_per_pd(void **unused)
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
	assert_ptr_equal(sdvf_stats_slot_of(h, 0), (char *)h + 4096);
	assert_ptr_equal(sdvf_stats_slot_of(h, 1), (char *)h + 8192);
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
	assert_int_equal(sdvf_stats_main(1, all), 1);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	assert_int_equal(sdvf_stats_main(1, all), 0);
	assert_int_equal(sdvf_stats_main(2, named), 0);
	assert_int_equal(sdvf_stats_main(2, other), 1);
	sdvf_stats_destroy(&f);
	assert_int_equal(sdvf_stats_main(1, all), 1);
}

static void stats_command_rejects_an_option(void **unused)
{
	(void)unused;
	char *bad[] = {"stats", "--bogus", NULL};
	assert_int_equal(sdvf_stats_main(2, bad), 2);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	setenv("SDVF_STATS_DIR", dir, 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(system_name_defaults_to_file_stem),
		cmocka_unit_test(stats_file_invisible_until_published),
		cmocka_unit_test(stats_file_named_after_system_and_launcher),
		cmocka_unit_test(stats_file_removed_on_destroy),
		cmocka_unit_test(stats_header_then_one_page_per_pd),
		cmocka_unit_test(stats_command_finds_only_published_systems),
		cmocka_unit_test(stats_command_rejects_an_option),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return failed;
}
