/*
 * bench_queue: configuration from the environment, and the closing table
 * (median, min and max per ring and configuration, ratio sdvf/dpdk).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_queue.h"

/* ---- configuration ---------------------------------------------------- */

/* Reads a positive integer from the environment, within [lo, hi]. */
bool env_u64(const char *name, uint64_t dflt, uint64_t lo, uint64_t hi,
	     uint64_t *out)
{
	const char *s = getenv(name);
	*out = dflt;
	if (s == NULL || *s == '\0')
		return true;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || *s == '-' || v < lo || v > hi) {
		fprintf(stderr,
			"bench_queue: %s='%s': want an integer in %" PRIu64
			"..%" PRIu64 "\n",
			name, s, lo, hi);
		return false;
	}
	*out = v;
	return true;
}

static bool pick_cpus(int cpu[2])
{
	cpu_set_t set;
	int found = 0;
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return false;
	for (int c = 0; c < CPU_SETSIZE && found < 2; c++)
		if (CPU_ISSET(c, &set))
			cpu[found++] = c;
	return found == 2;
}

bool read_config(struct bench_config *cfg)
{
	uint64_t elems, runs, capacity;
	if (!env_u64("SDVF_BENCH_ELEMS", 20000000, 1, UINT64_C(1) << 40,
		     &elems) ||
	    !env_u64("SDVF_BENCH_RUNS", 5, 1, BENCH_MAX_RUNS, &runs) ||
	    !env_u64("SDVF_BENCH_CAPACITY", 1024, BENCH_MAX_BATCH, 1u << 20,
		     &capacity))
		return false;
	if ((capacity & (capacity - 1)) != 0) {
		fprintf(stderr,
			"bench_queue: SDVF_BENCH_CAPACITY=%" PRIu64
			": want a power of two\n",
			capacity);
		return false;
	}
	cfg->elems = elems;
	cfg->runs = (uint32_t)runs;
	cfg->capacity = (uint32_t)capacity;
	if (!pick_cpus(cfg->cpu)) {
		fprintf(stderr, "bench_queue: need two CPUs in the affinity "
				"mask to pin producer and consumer apart\n");
		return false;
	}
	return true;
}

/* ---- results ---------------------------------------------------------- */

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median, min and max of n rates (sorts a private copy). */
static void summarise(const double *rates, uint32_t n, double *median,
		      double *lo, double *hi)
{
	double sorted[RING_KINDS * BENCH_MAX_RUNS];
	memcpy(sorted, rates, n * sizeof(sorted[0]));
	qsort(sorted, n, sizeof(sorted[0]), compare_double);
	*median =
		n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	*lo = sorted[0];
	*hi = sorted[n - 1];
}

/* Median of every run's share in one configuration, as a percentage. */
static double median_percent(const double *shares, uint32_t runs)
{
	double median, lo, hi;
	summarise(shares, RING_KINDS * runs, &median, &lo, &hi);
	return median * 100;
}

static void print_row(const struct bench_config *cfg,
		      const struct bench_results *res, int m, size_t b)
{
	double med[RING_KINDS], lo[RING_KINDS], hi[RING_KINDS];
	char cell[RING_KINDS][40];
	for (int k = 0; k < RING_KINDS; k++) {
		summarise(res->rate[m][b][k], cfg->runs, &med[k], &lo[k],
			  &hi[k]);
		snprintf(cell[k], sizeof(cell[k]), "%7.2f (%.2f-%.2f)", med[k],
			 lo[k], hi[k]);
	}
	printf("%-10s %5u  %-26s %-26s %8.2fx %4.0f%% %4.0f%%\n", mode_name[m],
	       batch_sizes[b], cell[RING_SDVF], cell[RING_DPDK],
	       med[RING_SDVF] / med[RING_DPDK],
	       median_percent(res->cpu_share[m][b], cfg->runs),
	       median_percent(res->steal_share[m][b], cfg->runs));
}

void print_table(const struct bench_config *cfg,
		 const struct bench_results *res)
{
	printf("\nsdvf queue vs DPDK rte_ring (SPSC, 16-byte descriptors, "
	       "%u slots, %" PRIu64 " per run, median of %u, cpus %d,%d)\n",
	       cfg->capacity, cfg->elems, cfg->runs, cfg->cpu[0], cfg->cpu[1]);
	printf("%-10s %5s  %-26s %-26s %9s %5s %5s\n", "mode", "batch",
	       "sdvf Mdesc/s (min-max)", "dpdk Mdesc/s (min-max)", "sdvf/dpdk",
	       "cpu", "steal");
	for (int m = 0; m < MODE_KINDS; m++)
		for (size_t b = 0; b < BATCH_KINDS; b++)
			print_row(cfg, res, m, b);
}
