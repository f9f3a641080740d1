/*
 * fuzz_replay.h: the deterministic replay every fuzz harness runs in
 * `make test` when it is not built for libFuzzer: SDVF_FUZZ_ITERS inputs
 * (default 1000) of 64..4095 pseudo-random bytes from an xorshift64
 * stream seeded by SDVF_FUZZ_SEED (default 1), each handed to the
 * harness's one-input function.  Header-only: one harness per program.
 */
#ifndef SDVF_FUZZ_REPLAY_H
#define SDVF_FUZZ_REPLAY_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* $name as a whole number in [min, max], or dflt if unset; anything else
 * (empty, a sign, trailing characters, out of range) ends the run with a
 * message naming prog. */
static uint64_t fuzz_env_u64(const char *prog, const char *name, uint64_t dflt,
			     uint64_t min, uint64_t max)
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
			prog, name, v, (unsigned long long)min,
			(unsigned long long)max);
		exit(2);
	}
	return n;
}

/* Replay the inputs through one(input, len, i); returns how many. */
static uint64_t fuzz_replay(const char *prog,
			    void (*one)(uint8_t *input, size_t len, uint64_t i))
{
	uint64_t iters =
		fuzz_env_u64(prog, "SDVF_FUZZ_ITERS", 1000, 1, 100000000);
	uint64_t x = fuzz_env_u64(prog, "SDVF_FUZZ_SEED", 1, 0, UINT64_MAX) | 1;
	static uint8_t input[4096];
	for (uint64_t i = 0; i < iters; i++) {
		size_t len = 64 + (size_t)(x % (sizeof(input) - 64));
		for (size_t k = 0; k < len; k++) {
			x ^= x << 13; /* xorshift64 */
			x ^= x >> 7;
			x ^= x << 17;
			input[k] = (uint8_t)(x >> 24);
		}
		one(input, len, i);
	}
	return iters;
}

#endif
