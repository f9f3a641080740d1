/*
 * fuzz_replay.h: the one entry point of every fuzz harness.  Header-only:
 * one harness per program, included last.  The harness defines first
 *
 *   FUZZ_NAME                 its name, "fuzz_x" (messages, corpus dir)
 *   static void fuzz_setup(void);          once, before the first input
 *   static void fuzz_one(const uint8_t *data, size_t size);  one input
 *   static size_t fuzz_shape(uint8_t *input, size_t len, uint64_t i);
 *                             the replay's chance to make pseudo-random
 *                             input i more plausible; returns the length
 *                             to use (<= len; len to leave it alone)
 *   static void fuzz_summary(void);        totals after a replay (stdout)
 *
 * (a harness whose inputs need no shaping may define FUZZ_SHAPE_NONE
 * instead of fuzz_shape; one whose setup only quiets the sim's log lines,
 * SDVF_SIM_QUIET, as refusals it provokes are logged, may define
 * FUZZ_SIM_QUIET instead of fuzz_setup)
 * and gets, built with clang -fsanitize=fuzzer -DSDVF_LIBFUZZER, libFuzzer's
 * LLVMFuzzerInitialize / LLVMFuzzerTestOneInput; otherwise a main() that
 *   1. replays every file of the committed corpus, tests/fuzz/corpus/NAME/
 *      (read from the repository root, as tests/run.sh runs; crashes a fuzzer
 *      found are kept there as regression inputs), or of the files and
 *      directories given as arguments instead;
 *   2. then SDVF_FUZZ_ITERS inputs (default FUZZ_REPLAY_ITERS: 1000, or
 *      fewer where the harness says so, its inputs being slow) of 64 to
 *      FUZZ_MAX_INPUT - 1 (default 4096) pseudo-random bytes from an
 *      xorshift64 stream seeded by SDVF_FUZZ_SEED (default 1), each
 *      passed through fuzz_shape.
 * A harness checks its invariants itself and aborts on a broken one.
 */
#ifndef SDVF_FUZZ_REPLAY_H
#define SDVF_FUZZ_REPLAY_H

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_NAME
#error "define FUZZ_NAME before including tests/fuzz/fuzz_replay.h"
#endif

#ifdef FUZZ_SIM_QUIET
static void fuzz_setup(void)
{
	setenv("SDVF_SIM_QUIET", "1", 0);
}
#endif

#ifdef FUZZ_SHAPE_NONE
/* Each replayed input as it is. */
static size_t fuzz_shape(uint8_t *input, size_t len, uint64_t i)
{
	(void)input;
	(void)i;
	return len;
}
#endif

#ifdef SDVF_LIBFUZZER
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	(void)fuzz_shape; /* the replay's */
	(void)fuzz_summary;
	fuzz_setup();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_one(data, size);
	return 0;
}
#else

/* Longest input (a harness may define more; `make fuzz` passes it to
 * libFuzzer as -max_len). */
#ifndef FUZZ_REPLAY_ITERS
#define FUZZ_REPLAY_ITERS 1000
#endif
#ifndef FUZZ_MAX_INPUT
#define FUZZ_MAX_INPUT 4096
#endif

/* $name as a whole number in [min, max], or dflt if unset; anything else
 * (empty, a sign, trailing characters, out of range) ends the run with a
 * message naming the harness. */
static uint64_t fuzz_env_u64(const char *name, uint64_t dflt, uint64_t min,
			     uint64_t max)
{
	const char *v = getenv(name);
	if (!v)
		return dflt;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 || n < min ||
	    n > max) {
		fprintf(stderr,
			"%s: %s='%s': want a whole number in %llu..%llu\n",
			FUZZ_NAME, name, v, (unsigned long long)min,
			(unsigned long long)max);
		exit(2);
	}
	return n;
}

/* One file of a corpus, as libFuzzer would hand it (at most
 * FUZZ_MAX_INPUT bytes, the -max_len of `make fuzz`).  Prints its name
 * first, so a failure names the input. */
static void fuzz_replay_file(const char *path)
{
	static uint8_t input[FUZZ_MAX_INPUT];
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", FUZZ_NAME, path,
			strerror(errno));
		exit(2);
	}
	size_t len = fread(input, 1, sizeof(input), f);
	fclose(f);
	fprintf(stderr, "%s: replaying %s (%zu bytes)\n", FUZZ_NAME, path, len);
	fuzz_one(input, len);
}

static int fuzz_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of `dir` in name order (dot files skipped); how many,
 * or -1 if `dir` is not a directory. */
static long fuzz_replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	char **names = NULL;
	size_t n = 0, cap = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = realloc(names, cap * sizeof(*names));
		}
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		names[n] = malloc(len);
		if (!names || !names[n])
			abort();
		snprintf(names[n++], len, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), fuzz_name_cmp);
	for (size_t i = 0; i < n; i++) {
		fuzz_replay_file(names[i]);
		free(names[i]);
	}
	free(names);
	return (long)n;
}

int main(int argc, char **argv)
{
	fuzz_setup();
	long files = 0;
	if (argc > 1) {
		for (int a = 1; a < argc; a++) {
			long n = fuzz_replay_dir(argv[a]);
			if (n < 0) {
				fuzz_replay_file(argv[a]);
				n = 1;
			}
			files += n;
		}
		printf("%s: %ld given inputs replayed, no failure\n", FUZZ_NAME,
		       files);
		fuzz_summary();
		return 0;
	}
	files = fuzz_replay_dir("tests/fuzz/corpus/" FUZZ_NAME);
	uint64_t iters = fuzz_env_u64("SDVF_FUZZ_ITERS", FUZZ_REPLAY_ITERS, 1,
				      100000000);
	uint64_t x = fuzz_env_u64("SDVF_FUZZ_SEED", 1, 0, UINT64_MAX) | 1;
	static uint8_t input[FUZZ_MAX_INPUT];
	for (uint64_t i = 0; i < iters; i++) {
		size_t len = 64 + (size_t)(x % (sizeof(input) - 64));
		for (size_t k = 0; k < len; k++) {
			x ^= x << 13; /* xorshift64 */
			x ^= x >> 7;
			x ^= x << 17;
			input[k] = (uint8_t)(x >> 24);
		}
		fuzz_one(input, fuzz_shape(input, len, i));
	}
	printf("%s: %ld corpus inputs and %llu pseudo-random inputs "
	       "replayed, no failure\n",
	       FUZZ_NAME, files < 0 ? 0 : files, (unsigned long long)iters);
	fuzz_summary();
	return 0;
}
#endif /* SDVF_LIBFUZZER */

#endif
