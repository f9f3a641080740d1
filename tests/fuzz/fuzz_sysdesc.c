/*
 * Fuzz the system-description loader (core/sysdesc/) with arbitrary .dtb
 * bytes: libfdt's checks, the name checks, every built-in expander (the
 * net subsystem of mux/ included), build and check, all as a user's file
 * would go through them (sdvf_system_load_blob).  .dts text is not fuzzed
 * here: it goes through dtc, a process per input; the bytes dtc can emit
 * are a subset of these.
 *
 * Invariants checked after every input:
 *   - a refusal says why: at least one error line, each naming the file
 *     ("fuzz.dtb: ...");
 *   - an accepted system can be dumped (every PD, region and channel it
 *     names is there) and freed.
 * The seed corpus (tests/fuzz/corpus/fuzz_sysdesc/) is the .dts files of
 * examples/ compiled with dtc; the replay mutates a few bytes of them.
 * Entry points: tests/fuzz/fuzz_replay.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sysdesc/sysdesc.h"
#include "core/sysdesc/system.h"

#define FUZZ_MAX_INPUT 16384
#define FUZZ_NAME "fuzz_sysdesc"
#define SEEDS_MAX 16

static struct {
	uint64_t inputs, accepted, refused, error_lines;
} totals;

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_sysdesc: invariant broken: %s\n%s\n", what,
		detail ? detail : "");
	abort();
}

/* Every line of `text` starts with the file's name. */
static uint64_t check_error_lines(const char *text)
{
	uint64_t lines = 0;
	for (const char *p = text; *p;) {
		if (strncmp(p, "fuzz.dtb: ", 10) != 0)
			fail("an error line does not name the file", text);
		const char *nl = strchr(p, '\n');
		lines++;
		if (!nl)
			break;
		p = nl + 1;
	}
	return lines;
}

static void fuzz_one(const uint8_t *data, size_t size)
{
	char *errors = NULL, *dump = NULL;
	size_t errors_len = 0, dump_len = 0;
	FILE *err = open_memstream(&errors, &errors_len);
	if (!err)
		abort();
	struct sdvf_system sys;
	int rc = sdvf_system_load_blob(&sys, "fuzz.dtb", data, size,
				       sdvf_builtin_components, err);
	fclose(err);
	totals.inputs++;
	if (rc != 0) {
		if (errors_len == 0)
			fail("a description refused without a message", NULL);
		totals.error_lines += check_error_lines(errors);
		totals.refused++;
	} else {
		FILE *out = open_memstream(&dump, &dump_len);
		if (!out)
			abort();
		sdvf_system_dump(&sys, out);
		fclose(out);
		if (dump_len == 0)
			fail("an accepted system dumps nothing", errors);
		totals.accepted++;
	}
	sdvf_system_free(&sys);
	free(errors);
	free(dump);
}

static uint8_t *seed[SEEDS_MAX];
static size_t seed_len[SEEDS_MAX], nseeds;

/* The seeds, for the replay to mutate (none if not run from the
 * repository root: the replay then feeds raw bytes). */
static void fuzz_setup(void)
{
	static const char *const names[] = {
		"bench-echo", "enet-tap",	 "enet-udp", "lwip-echo",
		"net-tap",    "pingpong-intent", "pingpong",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[128];
		snprintf(path, sizeof(path), "tests/fuzz/corpus/%s/%s.dtb",
			 FUZZ_NAME, names[i]);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		seed[nseeds] = malloc(FUZZ_MAX_INPUT);
		if (!seed[nseeds])
			abort();
		seed_len[nseeds] = fread(seed[nseeds], 1, FUZZ_MAX_INPUT, f);
		fclose(f);
		nseeds++;
	}
}

/* A seed with a few bytes changed (the first random bytes say which and
 * to what), truncated now and then; every eighth input stays raw. */
static size_t fuzz_shape(uint8_t *input, size_t len, uint64_t i)
{
	if (nseeds == 0 || i % 8 == 7 || len < 64)
		return len;
	uint8_t r[64];
	memcpy(r, input, sizeof(r));
	size_t s = r[0] % nseeds, n = seed_len[s];
	memcpy(input, seed[s], n);
	for (unsigned k = 0; k < 1u + r[1] % 6u; k++) {
		size_t at = ((size_t)r[2 + 3 * k] << 8 | r[3 + 3 * k]) % n;
		input[at] = r[4 + 3 * k];
	}
	if (r[30] % 16 == 0)
		n = ((size_t)r[31] << 8 | r[32]) % n;
	return n;
}

static void fuzz_summary(void)
{
	printf("fuzz_sysdesc: reached: %llu inputs, %llu accepted, %llu "
	       "refused with %llu error lines\n",
	       (unsigned long long)totals.inputs,
	       (unsigned long long)totals.accepted,
	       (unsigned long long)totals.refused,
	       (unsigned long long)totals.error_lines);
}

#include "tests/fuzz/fuzz_replay.h"
