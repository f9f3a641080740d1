/*
 * cap_floor: the floor of `make bench-capacity` (tests/bench/
 * bench_capacity.sh, mode "floor"), the least any design pays that puts a
 * paced frame source and a reflecting client in two processes of this
 * machine.
 *
 *   cap_floor RATE SECONDS WARMUP
 *
 * The parent stands for the NIC: 60-byte frames due at start + n / RATE,
 * made when due (a late wake-up makes every frame due since, at most
 * CAP_BURST a pass, as the ENET model's generator does), each into a
 * slot of a 256-slot ring toward the child (the RX ring of 256 BDs); a
 * frame that finds the ring full is dropped (the ring ran dry).  It sleeps
 * in poll on a timerfd armed for the next due frame (armed only when that
 * deadline moves earlier, as the hosted runtime's lazy timer) and on the
 * ring coming back.  The child reflects every frame into a second ring
 * (its addresses swapped: one copy, as the copy reflector makes); a full
 * return ring drops.  The rings and wake-ups are tests/bench/split_ring.h:
 * no sdvf code, so the floor is the machine's, not ours.
 *
 * After WARMUP seconds it counts for SECONDS and prints seven numbers, the
 * columns of bench-capacity's table: frames/s made (gen), frames/s back
 * (delivered), lost% (1 - delivered / gen), rx% (of gen, dropped at the
 * first ring), model% (the source's share of the two processes' CPU), cpu%
 * (both, in % of one core), drop% (of gen, dropped at either ring).
 *
 * Not a component: a test tool, plain C with libc.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>

#include "tests/bench/split_ring.h"

#define CAP_FRAME 60
#define CAP_BURST 64 /* frames a pass, as ENET_MODEL_WIRE_BURST */

/* Counters the child writes and the parent reads (relaxed: totals). */
struct cap_shared {
	struct split_ring down, up;
	_Atomic uint64_t up_drops;
};

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int die(const char *what)
{
	perror(what);
	return 1;
}

/* utime + stime of pid, in clock ticks; 0 if unreadable. */
static uint64_t cpu_ticks(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')'); /* comm may hold spaces */
	unsigned long long ut = 0, st = 0;
	if (!p || sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%llu %llu",
			 &ut, &st) != 2)
		return 0;
	return ut + st;
}

/* The client's work on a frame: its MACs swapped. */
static void swap_macs(uint8_t *f, uint16_t len)
{
	uint8_t dst[6];
	(void)len;
	memcpy(dst, f, 6);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, dst, 6);
}

struct source {
	struct cap_shared *s;
	uint64_t rate, start_ns, seq; /* frame seq is due at due(seq) */
	uint64_t made, dropped, back;
	uint64_t armed_ns; /* what the timerfd holds; 0: nothing */
	int tfd;
};

static uint64_t due_ns(const struct source *src, uint64_t n)
{
	return src->start_ns + n / src->rate * 1000000000ull +
	       n % src->rate * 1000000000ull / src->rate;
}

/* Make the frames due by now (at most CAP_BURST); true if some are left. */
static bool source_make(struct source *src, uint64_t now)
{
	struct split_ring *down = &src->s->down;
	uint32_t h = atomic_load_explicit(&down->head, memory_order_relaxed);
	uint32_t room = ring_room(down);
	int i = 0;
	for (; i < CAP_BURST && due_ns(src, src->seq) <= now; i++) {
		src->seq++;
		src->made++;
		if (room == 0) {
			src->dropped++;
			continue;
		}
		uint8_t *f = down->frame[h % SPLIT_SLOTS];
		memset(f, 0xff, 6);
		memcpy(f + 6, "\x02\x00\x00\x00\xe7\x00", 6);
		memset(f + 12, 0, CAP_FRAME - 12);
		memcpy(f + 14, &src->seq, sizeof(src->seq));
		down->len[h % SPLIT_SLOTS] = CAP_FRAME;
		h++, room--;
	}
	if (h != atomic_load_explicit(&down->head, memory_order_relaxed)) {
		atomic_store(&down->head, h);
		ring_kick(down);
	}
	return i == CAP_BURST;
}

static void source_take_back(struct source *src)
{
	struct split_ring *up = &src->s->up;
	uint32_t n = ring_ready(up);
	uint32_t t = atomic_load_explicit(&up->tail, memory_order_relaxed);
	src->back += n;
	atomic_store_explicit(&up->tail, t + n, memory_order_release);
}

/* Sleep until the next frame is due or frames come back. */
static int source_sleep(struct source *src)
{
	uint64_t next = due_ns(src, src->seq);
	if (src->armed_ns == 0 || next < src->armed_ns) {
		struct itimerspec its = {
			.it_value = {.tv_sec = (time_t)(next / 1000000000ull),
				     .tv_nsec = (long)(next % 1000000000ull)}};
		if (timerfd_settime(src->tfd, TFD_TIMER_ABSTIME, &its, NULL))
			return -1;
		src->armed_ns = next;
	}
	if (ring_wait(&src->s->up, src->tfd) != 0)
		return -1;
	uint64_t fired;
	if (read(src->tfd, &fired, sizeof(fired)) == sizeof(fired))
		src->armed_ns = 0;
	return 0;
}

/* Run the source until `until`; the counts go on from where they were. */
static int source_run(struct source *src, uint64_t until)
{
	for (;;) {
		uint64_t now = now_ns();
		if (now >= until)
			return 0;
		bool more = source_make(src, now);
		source_take_back(src);
		if (!more && source_sleep(src) != 0)
			return die("source");
	}
}

int main(int argc, char **argv)
{
	if (argc != 4 || atoll(argv[1]) <= 0 || atof(argv[2]) <= 0 ||
	    atof(argv[3]) < 0) {
		fprintf(stderr, "usage: cap_floor RATE SECONDS WARMUP\n");
		return 2;
	}
	struct cap_shared *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		return die("mmap");
	s->down.wake = eventfd(0, EFD_NONBLOCK);
	s->up.wake = eventfd(0, EFD_NONBLOCK);
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	if (s->down.wake < 0 || s->up.wake < 0 || tfd < 0)
		return die("eventfd");
	pid_t child = split_start_reflector(&s->down, &s->up, swap_macs,
					    &s->up_drops);
	if (child < 0)
		return die("fork");
	struct source src = {.s = s,
			     .rate = (uint64_t)atoll(argv[1]),
			     .start_ns = now_ns(),
			     .tfd = tfd};
	double seconds = atof(argv[2]), warmup = atof(argv[3]);
	int rc = source_run(&src, src.start_ns + (uint64_t)(warmup * 1e9));
	uint64_t made0 = src.made, back0 = src.back, drop0 = src.dropped;
	uint64_t up0 = atomic_load(&s->up_drops);
	uint64_t cpu_src0 = cpu_ticks(getpid()), cpu_refl0 = cpu_ticks(child);
	uint64_t t0 = now_ns();
	if (rc == 0)
		rc = source_run(&src, t0 + (uint64_t)(seconds * 1e9));
	uint64_t t1 = now_ns();
	uint64_t cpu_src = cpu_ticks(getpid()) - cpu_src0;
	uint64_t cpu_refl = cpu_ticks(child) - cpu_refl0;
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	if (rc != 0)
		return rc;
	double dt = (double)(t1 - t0) / 1e9;
	double gen = (double)(src.made - made0),
	       back = (double)(src.back - back0);
	double rx_drop = (double)(src.dropped - drop0);
	double drops = rx_drop + (double)(atomic_load(&s->up_drops) - up0);
	double cpu = (double)(cpu_src + cpu_refl);
	printf("%.0f %.0f %.3f %.3f %.1f %.1f %.4f\n", gen / dt, back / dt,
	       gen > 0 ? 100 * (1 - back / gen) : 100,
	       gen > 0 ? 100 * rx_drop / gen : 0,
	       cpu > 0 ? 100 * (double)cpu_src / cpu : 0,
	       100 * cpu / (double)sysconf(_SC_CLK_TCK) / dt,
	       gen > 0 ? 100 * drops / gen : 0);
	return 0;
}
