/*
 * cli_fixture.h: the `sdvf` command line (core/cli/cli.h) run in the test's
 * own process, its stdout and stderr captured, and descriptions written to
 * temporary files for it to read.  Shared by test_sysdesc_cli,
 * test_sysdesc_refusals, test_sysdesc_net_refusals and test_sysdesc_group.
 *
 * Header-only, for cmocka tests.
 */
#ifndef SDVF_TESTS_CLI_FIXTURE_H
#define SDVF_TESTS_CLI_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/cli/cli.h"
#include "core/pd.h"

/* What one sdvf_cli_main call returned and printed (cut to fit). */
struct cli_result {
	int rc;
	char out[4096], err[4096];
};

/* The whole of `f`, NUL-terminated in buf; closes f. */
static inline void cli_slurp(FILE *f, char *buf, size_t size)
{
	rewind(f);
	size_t n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* sdvf_cli_main(argc, argv, table) with fds 1 and 2 redirected to
 * temporary files for the call. */
static inline void cli_run(struct cli_result *r, int argc, char **argv,
			   const struct sdvf_component *const *table)
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
	cli_slurp(out, r->out, sizeof(r->out));
	cli_slurp(err, r->err, sizeof(r->err));
}

/* `text` in a new file named from the mkstemp template `path` (its
 * XXXXXX replaced in place); the caller unlinks it. */
static inline void cli_write_temp(char *path, const char *text)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* `sdvf check` on `text`, read from a temporary file named from the
 * template `path` and removed after; path keeps its name (the messages
 * start with it). */
static inline void cli_check_text(struct cli_result *r, const char *text,
				  char *path,
				  const struct sdvf_component *const *table)
{
	cli_write_temp(path, text);
	char *argv[] = {"sdvf", "check", path, NULL};
	cli_run(r, 3, argv, table);
	unlink(path);
}

#endif
