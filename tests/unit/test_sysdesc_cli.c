/*
 * Specification of the `sdvf` command line (core/cli/cli.c): exit codes, usage
 * errors, help forms, and what each command passes on.
 */
#include "core/cli/cli.h"
#include "core/hosted/hosted.h"
#include "tests/unit/sysdesc_fixture.h"

/* ---- the command line ------------------------------------------------------
 *
 * The runtime is faked here (weak, so a program that links the real one
 * keeps it): these tests are about argument handling and exit codes.
 */

static struct sdvf_run_options fake_run_opt;
static int fake_run_calls, fake_stats_argc;
static char fake_stats_argv1[32];

__attribute__((weak)) int sdvf_hosted_run(const struct sdvf_system *sys,
					  const struct sdvf_run_options *opt)
{
	(void)sys;
	fake_run_opt = *opt;
	fake_run_calls++;
	return 0;
}

__attribute__((weak)) int sdvf_stats_main(int argc, char **argv)
{
	fake_stats_argc = argc;
	snprintf(fake_stats_argv1, sizeof(fake_stats_argv1), "%s",
		 argc > 1 ? argv[1] : "");
	return 0;
}

struct cli_result {
	int rc;
	char out[4096], err[4096];
};

static void slurp(FILE *f, char *buf, size_t size)
{
	rewind(f);
	size_t n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Run sdvf_cli_main with stdout/stderr captured. */
static void cli(struct cli_result *r, int argc, char **argv)
{
	FILE *out = tmpfile(), *err = tmpfile();
	assert_non_null(out);
	assert_non_null(err);
	fflush(stdout);
	fflush(stderr);
	int saved_out = dup(1), saved_err = dup(2);
	dup2(fileno(out), 1);
	dup2(fileno(err), 2);
	r->rc = sdvf_cli_main(argc, argv, table);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
}

#define CLI(r, ...)                                                            \
	do {                                                                   \
		char *argv_[] = {"sdvf", __VA_ARGS__, NULL};                   \
		cli(r, (int)(sizeof(argv_) / sizeof(argv_[0])) - 1, argv_);    \
	} while (0)

/* base (or `text`) written to a temporary .dts; caller unlinks. */
static void write_dts(char *path, const char *text)
{
	strcpy(path, "/tmp/sdvf-cli-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
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

static void cli_stats_passes_its_arguments_on(void **state)
{
	(void)state;
	struct cli_result r;
	CLI(&r, "stats", "pingpong");
	assert_int_equal(r.rc, 0);
	assert_int_equal(fake_stats_argc, 2);
	assert_string_equal(fake_stats_argv1, "pingpong");
}

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
	{{"check"}, "sdvf check: missing FILE (usage: sdvf check FILE)\n"},
	{{"dump", "a.dts", "b.dts"},
	 "sdvf dump: unexpected argument 'b.dts' (usage: sdvf dump FILE)\n"},
	{{"check", "-x", "a.dts"},
	 "sdvf check: unknown option '-x' (usage: sdvf check FILE)\n"},
	{{"run"},
	 "sdvf run: missing FILE (usage: sdvf run FILE [--duration "
	 "SECONDS] [--quiet])\n"},
	{{"run", "a.dts", "--duration"},
	 "sdvf run: --duration needs SECONDS (usage: sdvf run FILE "
	 "[--duration SECONDS] [--quiet])\n"},
	{{"run", "a.dts", "--duration", "-1"},
	 "sdvf run: --duration: '-1' is not a number of seconds (e.g. 10 or "
	 "0.5) (usage: sdvf run FILE [--duration SECONDS] [--quiet])\n"},
	{{"run", "a.dts", "--fast"},
	 "sdvf run: unknown option '--fast' (usage: sdvf run FILE [--duration "
	 "SECONDS] [--quiet])\n"},
	{{"help", "frobnicate"},
	 "sdvf: unknown command 'frobnicate' (try 'sdvf --help')\n"},
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
		cli(&r, argc, argv);
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
	assert_non_null(strstr(r.out, "  sdvf check FILE\n"));
	CLI(&r, "help", "run");
	assert_int_equal(r.rc, 0);
	assert_memory_equal(r.out,
			    "usage: sdvf run FILE [--duration SECONDS] "
			    "[--quiet]\n",
			    51);
	char run_help[4096];
	strcpy(run_help, r.out);
	CLI(&r, "run", "--help");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, run_help);
	CLI(&r, "dump", "x.dts", "--help");
	assert_int_equal(r.rc, 0);
	assert_memory_equal(r.out, "usage: sdvf dump FILE\n", 22);
	assert_string_equal(r.err, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cli_check_prints_ok_with_counts),
		cmocka_unit_test(cli_check_prints_errors_and_exits_1),
		cmocka_unit_test(cli_dump_prints_the_system),
		cmocka_unit_test(cli_run_passes_duration_and_quiet),
		cmocka_unit_test(
			cli_run_of_a_bad_description_exits_1_without_running),
		cmocka_unit_test(cli_stats_passes_its_arguments_on),
		cmocka_unit_test(cli_usage_errors_are_one_line_and_exit_2),
		cmocka_unit_test(cli_help_forms_print_usage_and_exit_0),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
