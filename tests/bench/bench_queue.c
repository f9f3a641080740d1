/*
 * bench_queue: the sdvf queue (core/queue.h) against DPDK's rte_ring, both
 * single-producer/single-consumer, moving the same 16-byte struct sdvf_desc.
 *
 * Every configuration (threads or processes, batch 1 or 32) runs both rings
 * in the same process, interleaved run by run (sdvf, dpdk, sdvf, dpdk, ...)
 * so that noise from other load hits both.  Producer and consumer are pinned
 * to two different CPUs and busy-poll: no notifications, so the cost measured
 * is the ring's.  The consumer sums a field of every descriptor, and the sum
 * is checked, so neither side can skip work.  The table at the end gives the
 * median rate of each ring and the ratio sdvf/dpdk.
 *
 * Environment (all optional):
 *   SDVF_BENCH_ELEMS     descriptors per run (default 20000000)
 *   SDVF_BENCH_RUNS      runs per ring and configuration (default 5)
 *   SDVF_BENCH_CAPACITY  ring slots, power of two (default 1024)
 *
 * `bench_queue --ir RING BATCH` instead moves SDVF_BENCH_IR_ELEMS (default
 * 1000000) descriptors through RING (sdvf|dpdk) on one thread inside the
 * function ir_loop, for tests/bench/bench_queue_ir.sh to count instructions
 * with callgrind.
 *
 * rte_ring is initialised with rte_ring_init on plain memory, which needs no
 * EAL.  Its usable capacity is count - 1, so with the same slot count (and
 * the same memory) it holds one descriptor fewer than the sdvf queue.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_pause.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "core/queue.h"

#define BENCH_MAX_BATCH 32
#define BENCH_MAX_RUNS 99
#define BENCH_PAGE 4096

enum ring_kind { RING_SDVF, RING_DPDK, RING_KINDS };
enum run_mode { MODE_THREADS, MODE_PROCESSES, MODE_KINDS };

static const char *const ring_name[RING_KINDS] = {"sdvf", "dpdk"};
static const char *const mode_name[MODE_KINDS] = {"threads", "processes"};
static const uint32_t batch_sizes[] = {1, BENCH_MAX_BATCH};
#define BATCH_KINDS (sizeof(batch_sizes) / sizeof(batch_sizes[0]))

struct bench_config {
	uint64_t elems;
	uint32_t runs;
	uint32_t capacity;
	int cpu[2]; /* producer, consumer */
};

/*
 * One run's meeting point, in a MAP_SHARED mapping so that it works for
 * threads and forked processes alike.  The ring follows on its own page.
 */
struct bench_shared {
	/* Each side adds 1 once pinned; both spin until it reads 2. */
	_Alignas(SDVF_CACHELINE) _Atomic uint32_t ready;
	/* Written by the consumer after its last descriptor; read by the
	 * parent after joining both sides. */
	_Alignas(SDVF_CACHELINE) uint64_t elapsed_ns;
	uint64_t sum;
	uint64_t received;
	/* Set by a side that could not pin itself or attach its ring. */
	_Atomic uint32_t setup_failed;
};

struct bench_side {
	struct bench_shared *shared;
	void *ring_mem;
	size_t ring_bytes;
	const struct bench_config *cfg;
	enum ring_kind ring;
	uint32_t batch;
	int cpu;
	bool producer;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The producer numbers descriptors 0..n-1; the consumer sums the numbers. */
static inline void desc_fill(struct sdvf_desc *d, uint64_t seq)
{
	d->io_or_offset = seq;
	d->len = 1514;
	d->flags = 0;
	d->reserved = 0;
}

static uint64_t expected_sum(uint64_t n)
{
	/* n(n-1)/2 without overflowing the product first. */
	return n % 2 == 0 ? n / 2 * (n - 1) : (n - 1) / 2 * n;
}

/* ---- sdvf queue ------------------------------------------------------- */

static void sdvf_produce(struct sdvf_queue *q, uint64_t n, uint32_t batch)
{
	struct sdvf_desc d[BENCH_MAX_BATCH];

	if (batch == 1) {
		for (uint64_t i = 0; i < n; i++) {
			desc_fill(&d[0], i);
			while (!sdvf_queue_push(q, &d[0]))
				rte_pause();
			sdvf_queue_publish(q);
		}
		return;
	}
	for (uint64_t i = 0; i < n;) {
		uint32_t k = n - i < batch ? (uint32_t)(n - i) : batch;
		for (uint32_t j = 0; j < k; j++)
			desc_fill(&d[j], i + j);
		for (uint32_t sent = 0; sent < k;) {
			uint32_t got =
				sdvf_queue_push_burst(q, d + sent, k - sent);
			if (got == 0)
				rte_pause();
			sent += got;
		}
		i += k;
	}
}

static uint64_t sdvf_consume(struct sdvf_queue *q, uint64_t n, uint32_t batch)
{
	struct sdvf_desc d[BENCH_MAX_BATCH];
	uint64_t sum = 0;

	for (uint64_t got_total = 0; got_total < n;) {
		uint32_t got;
		if (batch == 1) {
			got = sdvf_queue_pop(q, &d[0]) ? 1 : 0;
			sdvf_queue_release(q);
		} else {
			got = sdvf_queue_pop_burst(q, d, batch);
		}
		if (got == 0)
			rte_pause();
		for (uint32_t j = 0; j < got; j++)
			sum += d[j].io_or_offset;
		got_total += got;
	}
	return sum;
}

/* ---- DPDK rte_ring ---------------------------------------------------- */

static void dpdk_produce(struct rte_ring *r, uint64_t n, uint32_t batch)
{
	struct sdvf_desc d[BENCH_MAX_BATCH];

	if (batch == 1) {
		for (uint64_t i = 0; i < n; i++) {
			desc_fill(&d[0], i);
			while (rte_ring_sp_enqueue_elem(r, &d[0],
							sizeof(d[0])) != 0)
				rte_pause();
		}
		return;
	}
	for (uint64_t i = 0; i < n;) {
		uint32_t k = n - i < batch ? (uint32_t)(n - i) : batch;
		for (uint32_t j = 0; j < k; j++)
			desc_fill(&d[j], i + j);
		for (uint32_t sent = 0; sent < k;) {
			uint32_t got = rte_ring_sp_enqueue_burst_elem(
				r, d + sent, sizeof(d[0]), k - sent, NULL);
			if (got == 0)
				rte_pause();
			sent += got;
		}
		i += k;
	}
}

static uint64_t dpdk_consume(struct rte_ring *r, uint64_t n, uint32_t batch)
{
	struct sdvf_desc d[BENCH_MAX_BATCH];
	uint64_t sum = 0;

	for (uint64_t got_total = 0; got_total < n;) {
		uint32_t got;
		if (batch == 1)
			got = rte_ring_sc_dequeue_elem(r, &d[0],
						       sizeof(d[0])) == 0
				      ? 1
				      : 0;
		else
			got = rte_ring_sc_dequeue_burst_elem(r, d, sizeof(d[0]),
							     batch, NULL);
		if (got == 0)
			rte_pause();
		for (uint32_t j = 0; j < got; j++)
			sum += d[j].io_or_offset;
		got_total += got;
	}
	return sum;
}

/* ---- one side of a run ------------------------------------------------ */

static bool pin_to_cpu(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0;
}

/* Attach without reset: the parent set the ring up before starting us. */
static bool side_attach_sdvf(const struct bench_side *s, struct sdvf_queue *q)
{
	return sdvf_queue_attach(q, s->ring_mem, s->ring_bytes,
				 s->cfg->capacity, false, 0);
}

static void side_work(const struct bench_side *s, struct sdvf_queue *q)
{
	struct bench_shared *sh = s->shared;
	uint64_t n = s->cfg->elems;
	struct rte_ring *r = s->ring_mem;

	if (s->producer) {
		if (s->ring == RING_SDVF)
			sdvf_produce(q, n, s->batch);
		else
			dpdk_produce(r, n, s->batch);
		return;
	}
	uint64_t start = now_ns();
	uint64_t sum = s->ring == RING_SDVF ? sdvf_consume(q, n, s->batch)
					    : dpdk_consume(r, n, s->batch);
	sh->elapsed_ns = now_ns() - start;
	sh->sum = sum;
	sh->received = n;
}

static void side_run(const struct bench_side *s)
{
	struct bench_shared *sh = s->shared;
	struct sdvf_queue q; /* private handle, on this side's own stack */
	bool ok = pin_to_cpu(s->cpu);

	if (ok && s->ring == RING_SDVF)
		ok = side_attach_sdvf(s, &q);
	if (!ok) {
		atomic_store(&sh->setup_failed, 1);
		fprintf(stderr, "bench_queue: cannot pin to cpu %d or attach\n",
			s->cpu);
	}
	/* Meet the other side, so that neither starts the clock alone. */
	atomic_fetch_add(&sh->ready, 1);
	while (atomic_load(&sh->ready) < 2)
		rte_pause();
	if (atomic_load(&sh->setup_failed) != 0)
		return;
	side_work(s, &q);
}

static void *side_thread(void *arg)
{
	side_run(arg);
	return NULL;
}

/* ---- one run ---------------------------------------------------------- */

static bool ring_setup(enum ring_kind ring, void *mem, size_t bytes,
		       uint32_t capacity)
{
	if (ring == RING_SDVF) {
		struct sdvf_queue owner;
		return sdvf_queue_attach(&owner, mem, bytes, capacity, true, 0);
	}
	return rte_ring_init(mem, "bench", capacity,
			     RING_F_SP_ENQ | RING_F_SC_DEQ) == 0;
}

/* The second side could not be started: stand in for it at the barrier
 * and tell the first side to stop. */
static void abandon_run(struct bench_shared *sh)
{
	atomic_store(&sh->setup_failed, 1);
	atomic_fetch_add(&sh->ready, 1);
}

static bool run_threads(struct bench_side side[2])
{
	pthread_t tid[2];
	if (pthread_create(&tid[0], NULL, side_thread, &side[0]) != 0)
		return false;
	if (pthread_create(&tid[1], NULL, side_thread, &side[1]) != 0) {
		abandon_run(side[0].shared);
		pthread_join(tid[0], NULL);
		return false;
	}
	pthread_join(tid[0], NULL);
	pthread_join(tid[1], NULL);
	return true;
}

static pid_t side_fork(const struct bench_side *s)
{
	pid_t pid = fork();
	if (pid == 0) {
		/* Never outlive the parent if it is killed mid-run. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		side_run(s);
		_exit(0);
	}
	return pid;
}

static bool child_ok(pid_t pid)
{
	int status;
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

static bool run_processes(struct bench_side side[2])
{
	pid_t producer = side_fork(&side[0]);
	if (producer < 0)
		return false;
	pid_t consumer = side_fork(&side[1]);
	if (consumer < 0) {
		abandon_run(side[0].shared);
		child_ok(producer);
		return false;
	}
	bool ok = child_ok(producer);
	return child_ok(consumer) && ok;
}

/* Returns the rate in million descriptors per second, or a negative value
 * if the run failed (setup, or a wrong sum: a ring lost or reordered work). */
static double run_once(const struct bench_config *cfg, enum run_mode mode,
		       enum ring_kind ring, uint32_t batch,
		       struct bench_shared *sh, void *ring_mem,
		       size_t ring_bytes)
{
	memset(sh, 0, sizeof(*sh));
	if (!ring_setup(ring, ring_mem, ring_bytes, cfg->capacity)) {
		fprintf(stderr, "bench_queue: %s ring setup failed\n",
			ring_name[ring]);
		return -1;
	}
	struct bench_side side[2];
	for (int i = 0; i < 2; i++) {
		side[i] = (struct bench_side){
			.shared = sh,
			.ring_mem = ring_mem,
			.ring_bytes = ring_bytes,
			.cfg = cfg,
			.ring = ring,
			.batch = batch,
			.cpu = cfg->cpu[i],
			.producer = i == 0,
		};
	}
	bool ok =
		mode == MODE_THREADS ? run_threads(side) : run_processes(side);
	if (!ok || atomic_load(&sh->setup_failed) != 0)
		return -1;
	if (sh->received != cfg->elems || sh->sum != expected_sum(cfg->elems)) {
		fprintf(stderr,
			"bench_queue: %s lost work: received %" PRIu64
			" sum %" PRIu64 ", expected %" PRIu64 " sum %" PRIu64
			"\n",
			ring_name[ring], sh->received, sh->sum, cfg->elems,
			expected_sum(cfg->elems));
		return -1;
	}
	return (double)cfg->elems * 1e3 / (double)sh->elapsed_ns;
}

/* ---- instruction count (single thread, for callgrind) ------------------ */

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

static int ir_main(const char *ring_arg, const char *batch_arg, uint64_t n,
		   uint32_t capacity, void *mem, size_t bytes)
{
	enum ring_kind ring = RING_KINDS;
	for (int k = 0; k < RING_KINDS; k++)
		if (strcmp(ring_arg, ring_name[k]) == 0)
			ring = k;
	uint32_t batch = (uint32_t)atoi(batch_arg);
	if (ring == RING_KINDS || (batch != 1 && batch != BENCH_MAX_BATCH)) {
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

/* ---- configuration ---------------------------------------------------- */

/* Reads a positive integer from the environment, within [lo, hi]. */
static bool env_u64(const char *name, uint64_t dflt, uint64_t lo, uint64_t hi,
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

static bool read_config(struct bench_config *cfg)
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

struct bench_results {
	double rate[MODE_KINDS][BATCH_KINDS][RING_KINDS][BENCH_MAX_RUNS];
};

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median, min and max of n rates (sorts a private copy). */
static void summarise(const double *rates, uint32_t n, double *median,
		      double *lo, double *hi)
{
	double sorted[BENCH_MAX_RUNS];
	memcpy(sorted, rates, n * sizeof(sorted[0]));
	qsort(sorted, n, sizeof(sorted[0]), compare_double);
	*median =
		n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	*lo = sorted[0];
	*hi = sorted[n - 1];
}

static void print_table(const struct bench_config *cfg,
			const struct bench_results *res)
{
	printf("\nsdvf queue vs DPDK rte_ring (SPSC, 16-byte descriptors, "
	       "%u slots, %" PRIu64 " per run, median of %u, cpus %d,%d)\n",
	       cfg->capacity, cfg->elems, cfg->runs, cfg->cpu[0], cfg->cpu[1]);
	printf("%-10s %5s  %-26s %-26s %9s\n", "mode", "batch",
	       "sdvf Mdesc/s (min-max)", "dpdk Mdesc/s (min-max)", "sdvf/dpdk");
	for (int m = 0; m < MODE_KINDS; m++) {
		for (size_t b = 0; b < BATCH_KINDS; b++) {
			double med[RING_KINDS], lo[RING_KINDS], hi[RING_KINDS];
			char cell[RING_KINDS][40];
			for (int k = 0; k < RING_KINDS; k++) {
				summarise(res->rate[m][b][k], cfg->runs,
					  &med[k], &lo[k], &hi[k]);
				snprintf(cell[k], sizeof(cell[k]),
					 "%7.2f (%.2f-%.2f)", med[k], lo[k],
					 hi[k]);
			}
			printf("%-10s %5u  %-26s %-26s %8.2fx\n", mode_name[m],
			       batch_sizes[b], cell[RING_SDVF], cell[RING_DPDK],
			       med[RING_SDVF] / med[RING_DPDK]);
		}
	}
}

/* Every configuration, runs interleaved ring by ring. */
static bool run_all(const struct bench_config *cfg, struct bench_results *res,
		    struct bench_shared *sh, void *ring_mem, size_t ring_bytes)
{
	for (int m = 0; m < MODE_KINDS; m++) {
		for (size_t b = 0; b < BATCH_KINDS; b++) {
			for (uint32_t run = 0; run < cfg->runs; run++) {
				for (int k = 0; k < RING_KINDS; k++) {
					double r = run_once(
						cfg, m, k, batch_sizes[b], sh,
						ring_mem, ring_bytes);
					if (r < 0)
						return false;
					res->rate[m][b][k][run] = r;
					printf("%-10s batch %2u run %u %s "
					       "%8.2f Mdesc/s\n",
					       mode_name[m], batch_sizes[b],
					       run + 1, ring_name[k], r);
					fflush(stdout);
				}
			}
		}
	}
	return true;
}

int main(int argc, char **argv)
{
	struct bench_config cfg;
	if (!read_config(&cfg))
		return 2;
	size_t ring_bytes = SDVF_QUEUE_BYTES(cfg.capacity);
	ssize_t dpdk_bytes = rte_ring_get_memsize_elem(sizeof(struct sdvf_desc),
						       cfg.capacity);
	if (dpdk_bytes < 0) {
		fprintf(stderr, "bench_queue: rte_ring rejects %u slots\n",
			cfg.capacity);
		return 2;
	}
	if ((size_t)dpdk_bytes > ring_bytes)
		ring_bytes = (size_t)dpdk_bytes;
	/* One shared mapping for threads and processes alike: the run's
	 * meeting point on the first page, the ring from the second. */
	size_t map_bytes = BENCH_PAGE + ring_bytes;
	unsigned char *map = mmap(NULL, map_bytes, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		perror("bench_queue: mmap");
		return 1;
	}
	memset(map, 0, map_bytes); /* fault every page in before timing */
	struct bench_shared *sh = (struct bench_shared *)map;
	void *ring_mem = map + BENCH_PAGE;

	if (argc == 4 && strcmp(argv[1], "--ir") == 0) {
		uint64_t n;
		if (!env_u64("SDVF_BENCH_IR_ELEMS", 1000000, BENCH_MAX_BATCH,
			     UINT64_C(1) << 40, &n))
			return 2;
		return ir_main(argv[2], argv[3], n, cfg.capacity, ring_mem,
			       ring_bytes);
	}
	if (argc != 1) {
		fprintf(stderr, "usage: bench_queue [--ir sdvf|dpdk 1|%d]\n",
			BENCH_MAX_BATCH);
		return 2;
	}
	static struct bench_results res;
	if (!run_all(&cfg, &res, sh, ring_mem, ring_bytes))
		return 1;
	print_table(&cfg, &res);
	return 0;
}
