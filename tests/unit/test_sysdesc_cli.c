/*
 * Specification of the `sdvf` command line (core/cli/): exit codes, usage
 * errors, help forms, what each command passes on, and what
 * `sdvf stats --explain` prints for a running system's counters.
 */
#include "core/cli/cli.h"
#include "core/hosted/hosted.h"
#include "core/hosted/stats.h"
#include "tests/unit/cli_fixture.h"
#include "tests/unit/sysdesc_fixture.h"

/* ---- the command line ------------------------------------------------- */

/* The runtime is faked here (weak, so a program that links the real one
 * keeps it): these tests are about argument handling and exit codes.
 * `sdvf stats` is real: it reads this test's own $SDVF_STATS_DIR. */

static struct sdvf_run_options fake_run_opt;
static int fake_run_calls;

__attribute__((weak)) int sdvf_hosted_run(const struct sdvf_system *sys,
					  const struct sdvf_run_options *opt)
{
	(void)sys;
	fake_run_opt = *opt;
	fake_run_calls++;
	return 0;
}

#define CLI(r, ...)                                                            \
	do {                                                                   \
		char *argv_[] = {"sdvf", __VA_ARGS__, NULL};                   \
		cli_run(r, (int)(sizeof(argv_) / sizeof(argv_[0])) - 1, argv_, \
			table);                                                \
	} while (0)

/* base (or `text`) written to a temporary .dts; caller unlinks. */
static void write_dts(char *path, const char *text)
{
	strcpy(path, "/tmp/sdvf-cli-XXXXXX");
	cli_write_temp(path, text);
}

static void cli_check_prints_ok_with_counts(void **state)
{
	(void)state;
	struct cli_result r;
	char path[32], expected[128];
	write_dts(path, base);
	CLI(&r, "check", path);
	snprintf(expected, sizeof(expected),
		 "%s: ok (2 PDs, 3 regions, 1 channels)\n", path);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, expected);
	assert_string_equal(r.err, "");
	unlink(path);
}

static void cli_check_prints_errors_and_exits_1(void **state)
{
	(void)state;
	struct cli_result r;
	char path[32], expected[160];
	char *dts = edit(base, "<0x80000>", "<0x80001>");
	write_dts(path, dts);
	CLI(&r, "check", path);
	snprintf(expected, sizeof(expected),
		 "%s: /regions/pipe_data: property 'size': 0x80001 is not a "
		 "positive multiple of 4096\n",
		 path);
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, expected);
	unlink(path);
	free(dts);
}

static void cli_dump_prints_the_system(void **state)
{
	(void)state;
	struct cli_result r;
	char path[32];
	write_dts(path, intent);
	CLI(&r, "dump", path);
	assert_int_equal(r.rc, 0);
	assert_memory_equal(r.out, "system sdvf-cli-", 16);
	assert_non_null(strstr(r.out, "\npd-map sink data region=pipe_data "
				      "rights=r\n"));
	assert_non_null(strstr(r.out, "\nchannel pipe ends=source,sink\n"));
	unlink(path);
}

static void cli_run_passes_duration_and_quiet(void **state)
{
	(void)state;
	struct cli_result r;
	char path[32];
	write_dts(path, base);
	fake_run_calls = 0;
	CLI(&r, "run", path, "--duration", "2.5", "--quiet");
	assert_int_equal(r.rc, 0);
	assert_int_equal(fake_run_calls, 1);
	assert_true(fake_run_opt.duration_s == 2.5);
	assert_true(fake_run_opt.quiet);
	assert_int_equal(fake_run_opt.max_restarts, 5);
	CLI(&r, "run", "--duration=0.5", path);
	assert_int_equal(fake_run_calls, 2);
	assert_true(fake_run_opt.duration_s == 0.5);
	assert_false(fake_run_opt.quiet);
	unlink(path);
}

static void cli_run_accepts_every_duration_in_range(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		double seconds;
	} ok[] = {{"0", 0},	     {"0.001", 0.001}, {"1e3", 1000},
		  {"10000000", 1e7}, {".5", 0.5},      {"7.", 7}};
	struct cli_result r;
	char path[32];
	write_dts(path, base);
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		fake_run_calls = 0;
		CLI(&r, "run", path, "--duration", (char *)ok[i].text);
		assert_string_equal(r.err, "");
		assert_int_equal(r.rc, 0);
		assert_int_equal(fake_run_calls, 1);
		assert_true(fake_run_opt.duration_s == ok[i].seconds);
	}
	unlink(path);
}

static void cli_run_of_a_bad_description_exits_1_without_running(void **state)
{
	(void)state;
	struct cli_result r;
	fake_run_calls = 0;
	CLI(&r, "run", "/nonexistent.dts");
	assert_int_equal(r.rc, 1);
	assert_int_equal(fake_run_calls, 0);
	assert_string_equal(r.err, "/nonexistent.dts: cannot read: No such "
				   "file or directory\n");
}

/* `base` whose source reads its `key` from a file only its owner reads. */
static void write_dts_with_incbin(char *path, char *secret)
{
	char key[128];
	strcpy(secret, "/tmp/sdvf-cli-XXXXXX");
	int fd = mkstemp(secret);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "SECRET42", 8), 8);
	close(fd);
	snprintf(key, sizeof(key), "capacity = <256>; key = /incbin/(\"%s\");",
		 secret);
	char *dts = edit(base, "capacity = <256>;", key);
	write_dts(path, dts);
	free(dts);
}

static void cli_allow_incbin_is_needed_to_read_another_file(void **state)
{
	(void)state;
	struct cli_result r;
	char path[32], secret[32], expected[160];
	write_dts_with_incbin(path, secret);
	CLI(&r, "check", path);
	snprintf(expected, sizeof(expected),
		 "%s:14: /incbin/ is refused: it copies another file into the "
		 "description (--allow-incbin permits it)\n",
		 path);
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.err, expected);
	CLI(&r, "dump", path);
	assert_int_equal(r.rc, 1);
	assert_null(strstr(r.out, "53 45 43 52"));
	CLI(&r, "check", path, "--allow-incbin");
	assert_int_equal(r.rc, 0);
	CLI(&r, "dump", "--allow-incbin", path);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "\npd-config source key=[53 45 43 52 45 "
				      "54 34 32]\n"));
	fake_run_calls = 0;
	CLI(&r, "run", path, "--allow-incbin");
	assert_int_equal(r.rc, 0);
	assert_int_equal(fake_run_calls, 1);
	unlink(path);
	unlink(secret);
}

static void cli_stats_of_a_system_not_running_exits_1(void **state)
{
	(void)state;
	struct cli_result r;
	CLI(&r, "stats", "pingpong");
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err,
			    "sdvf stats: no running system named 'pingpong'\n");
	CLI(&r, "stats", "--pd", "sink", "pingpong");
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.err, "sdvf stats: no running PD named 'sink' in "
				   "system pingpong\n");
}

#define STATS_USAGE                                                            \
	"sdvf stats [--pd NAME | --client NAME] [--format=text|kv] "           \
	"[--explain] [--interval SECONDS] [--count N] [SYSTEM]"

#define RUN_USAGE                                                              \
	"(usage: sdvf run FILE [--duration SECONDS] [--quiet] "                \
	"[--allow-incbin])"

struct usage_case {
	const char *args[4];
	const char *err;
};

static const struct usage_case usage_cases[] = {
	{{NULL}, "sdvf: missing command (try 'sdvf --help')\n"},
	{{"frobnicate"},
	 "sdvf: unknown command 'frobnicate' (try 'sdvf "
	 "--help')\n"},
	{{"--verbose"},
	 "sdvf: unknown option '--verbose' (try 'sdvf "
	 "--help')\n"},
	{{"check"},
	 "sdvf check: missing FILE (usage: sdvf check FILE "
	 "[--allow-incbin])\n"},
	{{"dump", "a.dts", "b.dts"},
	 "sdvf dump: unexpected argument 'b.dts' (usage: sdvf dump FILE "
	 "[--allow-incbin])\n"},
	{{"check", "-x", "a.dts"},
	 "sdvf check: unknown option '-x' (usage: sdvf check FILE "
	 "[--allow-incbin])\n"},
	{{"run"}, "sdvf run: missing FILE " RUN_USAGE "\n"},
	{{"run", "a.dts", "--duration"},
	 "sdvf run: --duration needs SECONDS " RUN_USAGE "\n"},
	{{"run", "a.dts", "--duration", "-1"},
	 "sdvf run: --duration: '-1' is not a number of seconds (e.g. 10 or "
	 "0.5) " RUN_USAGE "\n"},
	{{"run", "a.dts", "--duration", "2e10"},
	 "sdvf run: --duration: '2e10' is out of range (0 for no limit, or "
	 "0.001 to 10000000 seconds) " RUN_USAGE "\n"},
	{{"run", "a.dts", "--duration=10000001"},
	 "sdvf run: --duration: '10000001' is out of range (0 for no limit, "
	 "or 0.001 to 10000000 seconds) " RUN_USAGE "\n"},
	{{"run", "a.dts", "--duration", "1e-12"},
	 "sdvf run: --duration: '1e-12' is out of range (0 for no limit, or "
	 "0.001 to 10000000 seconds) " RUN_USAGE "\n"},
	{{"run", "a.dts", "--duration", "1e999"},
	 "sdvf run: --duration: '1e999' is out of range (0 for no limit, or "
	 "0.001 to 10000000 seconds) " RUN_USAGE "\n"},
	{{"run", "a.dts", "--duration", "-0"},
	 "sdvf run: --duration: '-0' is not a number of seconds (e.g. 10 or "
	 "0.5) " RUN_USAGE "\n"},
	{{"run", "a.dts", "--duration", "nan"},
	 "sdvf run: --duration: 'nan' is not a number of seconds (e.g. 10 or "
	 "0.5) " RUN_USAGE "\n"},
	{{"run", "a.dts", "--duration", "inf"},
	 "sdvf run: --duration: 'inf' is not a number of seconds (e.g. 10 or "
	 "0.5) " RUN_USAGE "\n"},
	{{"run", "a.dts", "--duration", "0x10"},
	 "sdvf run: --duration: '0x10' is not a number of seconds (e.g. 10 or "
	 "0.5) " RUN_USAGE "\n"},
	{{"run", "a.dts", "--duration", "5s"},
	 "sdvf run: --duration: '5s' is not a number of seconds (e.g. 10 or "
	 "0.5) " RUN_USAGE "\n"},
	{{"run", "a.dts", "--duration", " 5"},
	 "sdvf run: --duration: ' 5' is not a number of seconds (e.g. 10 or "
	 "0.5) " RUN_USAGE "\n"},
	{{"run", "a.dts", "--duration="},
	 "sdvf run: --duration: '' is not a number of seconds (e.g. 10 or "
	 "0.5) " RUN_USAGE "\n"},
	{{"run", "a.dts", "--fast"},
	 "sdvf run: unknown option '--fast' " RUN_USAGE "\n"},
	{{"help", "frobnicate"},
	 "sdvf: unknown command 'frobnicate' (try 'sdvf --help')\n"},
	{{"stats", "--bogus"},
	 "sdvf stats: unexpected argument '--bogus' (usage: " STATS_USAGE
	 ")\n"},
	{{"stats", "--format=xml"},
	 "sdvf stats: --format takes text or kv, not 'xml' (usage: " STATS_USAGE
	 ")\n"},
	{{"stats", "../x"},
	 "sdvf stats: SYSTEM '../x': name may not contain '/' (valid: A-Z a-z "
	 "0-9 _ . -) (usage: " STATS_USAGE ")\n"},
	{{"stats", "--pd", "a b"},
	 "sdvf stats: --pd 'a b': name may not contain ' ' (valid: A-Z a-z 0-9 "
	 "_ . -) (usage: " STATS_USAGE ")\n"},
	{{"stats", "--pd"},
	 "sdvf stats: missing NAME after '--pd' (usage: " STATS_USAGE ")\n"},
	{{"stats", "--explain", "--format=kv"},
	 "sdvf stats: --explain is for the text format, not --format=kv "
	 "(usage: " STATS_USAGE ")\n"},
};

static void cli_usage_errors_are_one_line_and_exit_2(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(usage_cases) / sizeof(usage_cases[0]);
	     i++) {
		char *argv[6] = {"sdvf"};
		int argc = 1;
		struct cli_result r;
		for (int a = 0; a < 4 && usage_cases[i].args[a]; a++)
			argv[argc++] = (char *)usage_cases[i].args[a];
		argv[argc] = NULL;
		cli_run(&r, argc, argv, table);
		assert_int_equal(r.rc, 2);
		assert_string_equal(r.out, "");
		assert_string_equal(r.err, usage_cases[i].err);
	}
}

static void cli_help_forms_print_usage_and_exit_0(void **state)
{
	(void)state;
	struct cli_result r;
	CLI(&r, "--help");
	assert_int_equal(r.rc, 0);
	assert_memory_equal(r.out, "usage: sdvf COMMAND [ARGS]\n", 27);
	assert_non_null(strstr(r.out, "  sdvf check FILE [--allow-incbin]\n"));
	CLI(&r, "help", "run");
	assert_int_equal(r.rc, 0);
	const char *run_usage = "usage: sdvf run FILE [--duration SECONDS] "
				"[--quiet] [--allow-incbin]\n";
	assert_memory_equal(r.out, run_usage, strlen(run_usage));
	char run_help[4096];
	strcpy(run_help, r.out);
	CLI(&r, "run", "--help");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, run_help);
	CLI(&r, "dump", "x.dts", "--help");
	assert_int_equal(r.rc, 0);
	assert_memory_equal(r.out, "usage: sdvf dump FILE [--allow-incbin]\n",
			    39);
	assert_string_equal(r.err, "");
}

static void cli_stats_help_prints_its_usage_and_exits_0(void **state)
{
	(void)state;
	struct cli_result r;
	const char *head = "usage: " STATS_USAGE "\n\n";
	CLI(&r, "stats", "--help");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.err, "");
	assert_memory_equal(r.out, head, strlen(head));
	assert_non_null(strstr(r.out, "\n  --explain "));
	char help[4096];
	strcpy(help, r.out);
	CLI(&r, "stats", "--bogus", "-h");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, help);
}

/* The usage line `sdvf CMD --help` prints first, the one every usage
 * error of CMD ends with, and the one `sdvf --help` lists are one text;
 * `sdvf help CMD` prints exactly what `sdvf CMD --help` does. */
static void cli_each_command_has_one_usage_text(void **state)
{
	(void)state;
	static const struct {
		const char *name, *wrong[3];
	} cmds[] = {
		{"run", {"run", "--no-such-option"}},
		{"check", {"check", "--no-such-option"}},
		{"dump", {"dump"}},
		{"stats", {"stats", "--no-such-option"}},
		{"help", {"help", "run", "extra"}},
	};
	struct cli_result r;
	char help[4096], usage[256], tail[300], listed[300];
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		CLI(&r, (char *)cmds[i].name, "--help");
		assert_int_equal(r.rc, 0);
		strcpy(help, r.out);
		const char *nl = strchr(help, '\n');
		assert_non_null(nl);
		assert_memory_equal(help, "usage: ", 7);
		snprintf(usage, sizeof(usage), "%.*s", (int)(nl - help - 7),
			 help + 7);

		char *argv[5] = {"sdvf"};
		int argc = 1;
		for (int a = 0; a < 3 && cmds[i].wrong[a]; a++)
			argv[argc++] = (char *)cmds[i].wrong[a];
		argv[argc] = NULL;
		cli_run(&r, argc, argv, table);
		assert_int_equal(r.rc, 2);
		snprintf(tail, sizeof(tail), " (usage: %s)\n", usage);
		size_t len = strlen(r.err);
		assert_true(len > strlen(tail));
		assert_string_equal(r.err + len - strlen(tail), tail);

		CLI(&r, "help", (char *)cmds[i].name);
		assert_string_equal(r.out, help);
		CLI(&r, "--help");
		snprintf(listed, sizeof(listed), "\n  %s\n", usage);
		assert_non_null(strstr(r.out, listed));
	}
}

/* ---- sdvf stats --explain --------------------------------------------- */

/* `base` as `sdvf stats` sees it running: its stats file published in
 * this test's $SDVF_STATS_DIR, counters registered in the PDs' slots as
 * their runtimes would.  test_source documents its counters, test_sink
 * does not. */
struct running {
	struct sdvf_system sys;
	struct sdvf_stats_file file;
};

static void publish(struct running *run, int pd, const char *name,
		    uint64_t value)
{
	struct sdvf_counter_claims claims = {{0}};
	struct sdvf_stats_slot *slot = sdvf_stats_slot_of(run->file.header, pd);
	int i = sdvf_counter_claim(&slot->counters, &claims, name);
	assert_true(i >= 0);
	slot->counters.value[i] = value;
}

static int start_base(void **state)
{
	static struct running run;
	assert_int_equal(sdvf_system_load_dts(&run.sys, "cli-stats.dts", base,
					      table, stderr),
			 0);
	assert_int_equal(sdvf_stats_create(&run.file, &run.sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&run.file, stderr), 0);
	assert_string_equal(run.sys.pds[0].name, "source");
	publish(&run, 0, "sent", 7);
	publish(&run, 0, "bad_return.duplicate", 2);
	publish(&run, 0, "bad_return.foreign.q1", 1);
	publish(&run, 0, "mystery", 5);
	publish(&run, 1, "got", 3);
	*state = &run;
	return 0;
}

static int stop_base(void **state)
{
	struct running *run = *state;
	sdvf_stats_destroy(&run->file);
	sdvf_system_free(&run->sys);
	return 0;
}

static void stats_explain_prints_the_meaning_beside_a_counter(void **state)
{
	(void)state;
	struct cli_result r;
	CLI(&r, "stats", "--explain", "cli-stats");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.err, "");
	assert_non_null(strstr(r.out,
			       "\n  counters of 'source' (test_source):\n"
			       "    sent                            = 7  "
			       "          buffers handed to the sink\n"));
}

static void stats_explain_takes_the_longest_family_of_a_counter(void **state)
{
	(void)state;
	struct cli_result r;
	CLI(&r, "stats", "--explain", "--pd", "source");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "\n    bad_return.duplicate            = "
				      "2            buffers the sink gave back "
				      "wrongly, by reason\n"));
	assert_non_null(strstr(r.out,
			       "\n    bad_return.foreign.q1           = "
			       "1            foreign buffers, by queue\n"));
}

static void stats_explain_adds_nothing_to_an_undocumented_counter(void **state)
{
	(void)state;
	static const struct sdvf_component *const sink_only[] = {&test_sink,
								 NULL};
	char *argv[] = {"stats", "--explain", NULL};
	struct cli_result r;
	CLI(&r, "stats", "--explain");
	assert_int_equal(r.rc, 0);
	/* not in the list, and a component with no list */
	assert_non_null(strstr(r.out, "\n    mystery                         "
				      "= 5\n"));
	assert_non_null(strstr(r.out, "\n  counters of 'sink' (test_sink):\n"
				      "    got                             = "
				      "3\n"));
	/* a component the table does not hold */
	FILE *out = tmpfile();
	assert_non_null(out);
	fflush(stdout);
	int saved = dup(1);
	dup2(fileno(out), 1);
	int rc = sdvf_stats_main(2, argv, sink_only);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	cli_slurp(out, r.out, sizeof(r.out));
	assert_int_equal(rc, 0);
	assert_non_null(strstr(r.out, "\n    sent                            "
				      "= 7\n"));
}

static void stats_without_explain_prints_no_meanings(void **state)
{
	(void)state;
	struct cli_result r;
	CLI(&r, "stats");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "\n    sent                            "
				      "= 7\n"));
	assert_null(strstr(r.out, "buffers"));
}

static void stats_kv_of_a_documented_component_has_no_meanings(void **state)
{
	(void)state;
	struct cli_result r;
	CLI(&r, "stats", "--format=kv", "--pd", "source");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out,
			       "\ncli-stats source sent 7\n"
			       "cli-stats source bad_return.duplicate 2\n"
			       "cli-stats source bad_return.foreign.q1 "
			       "1\n"
			       "cli-stats source mystery 5\n"));
	assert_null(strstr(r.out, "buffers"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cli_check_prints_ok_with_counts),
		cmocka_unit_test(cli_check_prints_errors_and_exits_1),
		cmocka_unit_test(cli_dump_prints_the_system),
		cmocka_unit_test(cli_run_passes_duration_and_quiet),
		cmocka_unit_test(cli_run_accepts_every_duration_in_range),
		cmocka_unit_test(
			cli_run_of_a_bad_description_exits_1_without_running),
		cmocka_unit_test(
			cli_allow_incbin_is_needed_to_read_another_file),
		cmocka_unit_test(cli_stats_of_a_system_not_running_exits_1),
		cmocka_unit_test(cli_usage_errors_are_one_line_and_exit_2),
		cmocka_unit_test(cli_help_forms_print_usage_and_exit_0),
		cmocka_unit_test(cli_stats_help_prints_its_usage_and_exits_0),
		cmocka_unit_test(cli_each_command_has_one_usage_text),
		cmocka_unit_test_setup_teardown(
			stats_explain_prints_the_meaning_beside_a_counter,
			start_base, stop_base),
		cmocka_unit_test_setup_teardown(
			stats_explain_takes_the_longest_family_of_a_counter,
			start_base, stop_base),
		cmocka_unit_test_setup_teardown(
			stats_explain_adds_nothing_to_an_undocumented_counter,
			start_base, stop_base),
		cmocka_unit_test_setup_teardown(
			stats_without_explain_prints_no_meanings, start_base,
			stop_base),
		cmocka_unit_test_setup_teardown(
			stats_kv_of_a_documented_component_has_no_meanings,
			start_base, stop_base),
	};
	/* `sdvf stats` reads only this test's directory, never a system
	 * someone runs on this machine. */
	char dir[] = "/tmp/sdvf-cli-stats.XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	setenv("SDVF_STATS_DIR", dir, 1);
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return failed;
}
