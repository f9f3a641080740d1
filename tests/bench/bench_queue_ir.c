/*
 * bench_queue --ir RING BATCH: push and pop descriptors through one ring on
 * a single thread, inside ir_loop only, so that callgrind
 * (tests/bench/bench_queue_ir.sh) counts the instructions each ring spends
 * per descriptor.  Counts are exact and repeatable where timings here are
 * not.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "bench_queue.h"

/*
 * Push and pop n descriptors on one thread, batch at a time.  noipa keeps
 * the symbol whole and uncloned so callgrind can toggle collection on it;
 * filling and summing cost the same for both rings.
 */
__attribute__((noipa)) uint64_t
ir_loop(enum ring_kind ring, struct sdvf_queue *tx, struct sdvf_queue *rx,
	struct rte_ring *r, uint64_t n, uint32_t batch)
{
	struct sdvf_desc in[BENCH_MAX_BATCH], out[BENCH_MAX_BATCH];
	uint64_t sum = 0;

	for (uint64_t i = 0; i + batch <= n; i += batch) {
		uint32_t got;
		for (uint32_t j = 0; j < batch; j++)
			desc_fill(&in[j], i + j);
		if (ring == RING_SDVF && batch == 1) {
			sdvf_queue_push(tx, &in[0]);
			sdvf_queue_publish(tx);
			got = sdvf_queue_pop(rx, &out[0]) ? 1 : 0;
			sdvf_queue_release(rx);
		} else if (ring == RING_SDVF) {
			sdvf_queue_push_burst(tx, in, batch);
			got = sdvf_queue_pop_burst(rx, out, batch);
		} else if (batch == 1) {
			rte_ring_sp_enqueue_elem(r, &in[0], sizeof(in[0]));
			got = rte_ring_sc_dequeue_elem(r, &out[0],
						       sizeof(out[0])) == 0;
		} else {
			rte_ring_sp_enqueue_burst_elem(r, in, sizeof(in[0]),
						       batch, NULL);
			got = rte_ring_sc_dequeue_burst_elem(
				r, out, sizeof(out[0]), batch, NULL);
		}
		for (uint32_t j = 0; j < got; j++)
			sum += out[j].io_or_offset;
	}
	return sum;
}

int ir_main(const char *ring_arg, const char *batch_arg, uint64_t n,
	    uint32_t capacity, void *mem, size_t bytes)
{
	enum ring_kind ring = RING_KINDS;
	for (int k = 0; k < RING_KINDS; k++)
		if (strcmp(ring_arg, ring_name[k]) == 0)
			ring = k;
	uint32_t batch = strcmp(batch_arg, "1") == 0	? 1
			 : strcmp(batch_arg, "32") == 0 ? BENCH_MAX_BATCH
							: 0;
	if (ring == RING_KINDS || batch == 0) {
		fprintf(stderr,
			"bench_queue: --ir wants RING (sdvf|dpdk) and BATCH "
			"(1|%d), got '%s' '%s'\n",
			BENCH_MAX_BATCH, ring_arg, batch_arg);
		return 2;
	}
	n -= n % batch;
	/* One handle per side, as two PDs would have. */
	struct sdvf_queue tx, rx;
	if (!ring_setup(ring, mem, bytes, capacity) ||
	    (ring == RING_SDVF &&
	     (!sdvf_queue_attach(&tx, mem, bytes, capacity, false, 0) ||
	      !sdvf_queue_attach(&rx, mem, bytes, capacity, false, 0)))) {
		fprintf(stderr, "bench_queue: %s ring setup failed\n",
			ring_name[ring]);
		return 1;
	}
	uint64_t sum = ir_loop(ring, &tx, &rx, mem, n, batch);
	if (sum != expected_sum(n)) {
		fprintf(stderr, "bench_queue: %s lost work in --ir\n",
			ring_name[ring]);
		return 1;
	}
	printf("ir %s batch %u elems %" PRIu64 "\n", ring_name[ring], batch, n);
	return 0;
}
