/*
 * bench_queue: what the timed runs (bench_queue.c), the instruction count
 * (bench_queue_ir.c) and the configuration and report (bench_queue_report.c)
 * share.  See bench_queue.c for what is measured and how.
 */
#ifndef SDVF_BENCH_QUEUE_H
#define SDVF_BENCH_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/queue.h"

#define BENCH_MAX_BATCH 32
#define BENCH_MAX_RUNS 99
#define BENCH_PAGE 4096

enum ring_kind { RING_SDVF, RING_DPDK, RING_KINDS };
enum run_mode { MODE_THREADS, MODE_PROCESSES, MODE_KINDS };

#define BATCH_KINDS 2

extern const char *const ring_name[RING_KINDS];
extern const char *const mode_name[MODE_KINDS];
extern const uint32_t batch_sizes[BATCH_KINDS];

struct bench_config {
	uint64_t elems;
	uint32_t runs;
	uint32_t capacity;
	int cpu[2]; /* producer, consumer */
};

/* Rates and CPU shares of every run, filled by bench_queue.c. */
struct bench_results {
	double rate[MODE_KINDS][BATCH_KINDS][RING_KINDS][BENCH_MAX_RUNS];
	/* Least CPU share of either side, every run of both rings. */
	double cpu_share[MODE_KINDS][BATCH_KINDS][RING_KINDS * BENCH_MAX_RUNS];
	/* Largest share of the run the host stole from either vCPU. */
	double steal_share[MODE_KINDS][BATCH_KINDS]
			  [RING_KINDS * BENCH_MAX_RUNS];
};

/* How much CPU one run lost to other load. */
struct run_noise {
	double cpu_share;   /* least CPU time / wall time of the two sides */
	double steal_share; /* most host steal / wall time of the two CPUs */
};

/* The producer numbers descriptors 0..n-1; the consumer sums the numbers. */
static inline void desc_fill(struct sdvf_desc *d, uint64_t seq)
{
	d->io_or_offset = seq;
	d->len = 1514;
	d->flags = 0;
	d->reserved = 0;
}

static inline uint64_t expected_sum(uint64_t n)
{
	/* n(n-1)/2 without overflowing the product first. */
	return n % 2 == 0 ? n / 2 * (n - 1) : (n - 1) / 2 * n;
}

/* Write an empty ring of `capacity` slots into mem (the trusted side's
 * reset for sdvf, rte_ring_init for DPDK). */
bool ring_setup(enum ring_kind ring, void *mem, size_t bytes,
		uint32_t capacity);

/* bench_queue_ir.c: `--ir RING BATCH`; returns the exit status. */
int ir_main(const char *ring_arg, const char *batch_arg, uint64_t n,
	    uint32_t capacity, void *mem, size_t bytes);

/* bench_queue_report.c */
bool env_u64(const char *name, uint64_t dflt, uint64_t lo, uint64_t hi,
	     uint64_t *out);
bool read_config(struct bench_config *cfg);
void print_table(const struct bench_config *cfg,
		 const struct bench_results *res);

#endif
