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
 * median rate of each ring and the ratio sdvf/dpdk.  Each side also records
 * its CPU time over its wall time; the table's `cpu` column is the median of
 * the smaller of the two per run: far below 100% means other load on the
 * machine preempted the run and the rates measure the scheduler as much as
 * the rings.  The `steal` column is the same for time the host took from
 * the two virtual CPUs (/proc/stat), which the guest's CPU time hides.
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

#include "bench_queue.h"

const char *const ring_name[RING_KINDS] = {"sdvf", "dpdk"};
const char *const mode_name[MODE_KINDS] = {"threads", "processes"};
const uint32_t batch_sizes[BATCH_KINDS] = {1, BENCH_MAX_BATCH};

struct bench_shared {
	/* Each side adds 1 once pinned; both spin until it reads 2. */
	_Alignas(SDVF_CACHELINE) _Atomic uint32_t ready;
	/* Written by the consumer after its last descriptor; read by the
	 * parent after joining both sides. */
	_Alignas(SDVF_CACHELINE) uint64_t elapsed_ns;
	uint64_t sum;
	uint64_t received;
	/* Each side's wall and CPU time over its work, [0] producer,
	 * [1] consumer: a side that got much less CPU than wall time was
	 * preempted by other load, and the run says so. */
	uint64_t side_wall_ns[2];
	uint64_t side_cpu_ns[2];
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

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

static uint64_t thread_cpu_ns(void)
{
	return clock_ns(CLOCK_THREAD_CPUTIME_ID);
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
	int who = s->producer ? 0 : 1;
	uint64_t start = now_ns(), cpu_start = thread_cpu_ns();

	if (s->producer) {
		if (s->ring == RING_SDVF)
			sdvf_produce(q, n, s->batch);
		else
			dpdk_produce(r, n, s->batch);
	} else {
		sh->sum = s->ring == RING_SDVF ? sdvf_consume(q, n, s->batch)
					       : dpdk_consume(r, n, s->batch);
		sh->received = n;
	}
	sh->side_wall_ns[who] = now_ns() - start;
	sh->side_cpu_ns[who] = thread_cpu_ns() - cpu_start;
	if (!s->producer)
		sh->elapsed_ns = sh->side_wall_ns[who];
}

static void side_run(const struct bench_side *s)
{
	struct bench_shared *sh = s->shared;
	struct sdvf_queue q = {
		0}; /* private handle, on this side's own stack */
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

bool ring_setup(enum ring_kind ring, void *mem, size_t bytes, uint32_t capacity)
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

/* The smaller of the two sides' CPU time / wall time. */
static double least_cpu_share(const struct bench_shared *sh)
{
	double share[2];
	for (int i = 0; i < 2; i++)
		share[i] = sh->side_wall_ns[i] == 0
				   ? 0
				   : (double)sh->side_cpu_ns[i] /
					     (double)sh->side_wall_ns[i];
	return share[0] < share[1] ? share[0] : share[1];
}

/* Ticks the host has stolen from one virtual CPU so far (/proc/stat,
 * eighth value of the cpuN line); 0 if unreadable, and the column then
 * reads 0. */
static uint64_t steal_ticks(int cpu)
{
	FILE *f = fopen("/proc/stat", "r");
	char line[256];
	uint64_t steal = 0;
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long long v[8];
		int n;
		/* "cpu  ..." (all CPUs) has no digit after "cpu". */
		if (line[3] < '0' || line[3] > '9')
			continue;
		if (sscanf(line,
			   "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &n,
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7]) == 9 &&
		    n == cpu) {
			steal = v[7];
			break;
		}
	}
	fclose(f);
	return steal;
}

/* The larger share of the window [start, now] stolen from either CPU. */
static double most_steal_share(const struct bench_config *cfg,
			       const uint64_t before[2], uint64_t start_ns)
{
	double window_s = (double)(now_ns() - start_ns) / 1e9;
	double ticks_per_s = (double)sysconf(_SC_CLK_TCK);
	double most = 0;
	for (int i = 0; i < 2; i++) {
		double stolen = (double)(steal_ticks(cfg->cpu[i]) - before[i]);
		double share = stolen / (window_s * ticks_per_s);
		if (share > most)
			most = share;
	}
	return most;
}

/* Returns the rate in million descriptors per second, or a negative value
 * if the run failed (setup, or a wrong sum: the ring lost or duplicated
 * work); *noise says how much CPU the run lost to other load. */
static double run_once(const struct bench_config *cfg, enum run_mode mode,
		       enum ring_kind ring, uint32_t batch,
		       struct bench_shared *sh, void *ring_mem,
		       size_t ring_bytes, struct run_noise *noise)
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
	uint64_t steal_before[2] = {steal_ticks(cfg->cpu[0]),
				    steal_ticks(cfg->cpu[1])};
	uint64_t start = now_ns();
	bool ok =
		mode == MODE_THREADS ? run_threads(side) : run_processes(side);
	noise->steal_share = most_steal_share(cfg, steal_before, start);
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
	noise->cpu_share = least_cpu_share(sh);
	return (double)cfg->elems * 1e3 / (double)sh->elapsed_ns;
}

/* One configuration: runs interleaved ring by ring (sdvf, dpdk, sdvf, ...)
 * so that load from elsewhere lands on both. */
static bool run_config(const struct bench_config *cfg, int m, size_t b,
		       struct bench_results *res, struct bench_shared *sh,
		       void *ring_mem, size_t ring_bytes)
{
	for (uint32_t run = 0; run < cfg->runs; run++) {
		for (int k = 0; k < RING_KINDS; k++) {
			struct run_noise noise;
			double r = run_once(cfg, m, k, batch_sizes[b], sh,
					    ring_mem, ring_bytes, &noise);
			if (r < 0)
				return false;
			res->rate[m][b][k][run] = r;
			res->cpu_share[m][b][run * RING_KINDS + k] =
				noise.cpu_share;
			res->steal_share[m][b][run * RING_KINDS + k] =
				noise.steal_share;
			printf("%-10s batch %2u run %u %s %8.2f Mdesc/s "
			       "cpu %3.0f%% steal %3.0f%%\n",
			       mode_name[m], batch_sizes[b], run + 1,
			       ring_name[k], r, noise.cpu_share * 100,
			       noise.steal_share * 100);
			fflush(stdout);
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
	for (int m = 0; m < MODE_KINDS; m++)
		for (size_t b = 0; b < BATCH_KINDS; b++)
			if (!run_config(&cfg, m, b, &res, sh, ring_mem,
					ring_bytes))
				return 1;
	print_table(&cfg, &res);
	return 0;
}
