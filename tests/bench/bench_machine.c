/*
 * bench-machine: what the host charges for the operations the hosted
 * runtime is built from, measured on the machine the other benchmarks run
 * on, so that a hosted number can be read against it (docs/benchmarks.md,
 * "Machine" and "The timer where the loop sleeps").
 *
 *   - a VM exit: `cpuid` always leaves a hardware-virtualised guest (x86
 *     only; on bare metal it is a few dozen cycles);
 *   - timerfd_settime of an absolute deadline 1 ms, 20 us and 1 us ahead,
 *     each replacing the last (the earliest timer of the CPU is programmed
 *     into the local APIC, in a guest a trapped write; a near one fires
 *     soon after), and a disarm;
 *   - an eventfd round trip between two processes, both pinned to CPU 0,
 *     then one on CPU 0 and one on CPU 1 (everything else runs on CPU 0) (a
 * wake-up on the same vCPU is a context switch; across vCPUs an IPI and a
 * halted vCPU woken).
 *
 * Each cost is the median of ROUNDS rounds of N calls (N/10 round trips),
 * in microseconds per call.  No threshold: it reports.
 *
 * Last, what decides the cross-vCPU cost more than anything: the guest's
 * idle policy, its cpuidle driver and, with the haltpoll driver, how long
 * an idle vCPU polls before it halts (guest_halt_poll_ns; a halted vCPU
 * is woken by the host, docs/benchmarks.md "Guest halt polling"), or "-".
 *   usage: bench_machine [N]   (default 20000)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#define ROUNDS 5

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static void report(const char *what, double us)
{
	if (us < 0)
		printf("%-44s %9s\n", what, "-");
	else
		printf("%-44s %9.2f\n", what, us);
}

/* The first line of a sysfs file, without its newline; "-" if absent. */
static void report_file(const char *what, const char *path)
{
	char line[64] = "-";
	FILE *f = fopen(path, "r");
	if (f) {
		if (!fgets(line, sizeof(line), f))
			strcpy(line, "-");
		line[strcspn(line, "\n")] = 0;
		fclose(f);
	}
	printf("%-44s %9s\n", what, line[0] ? line : "-");
}

/* One round of n cpuid instructions: us per instruction; -1 off x86. */
static double cpuid_round(long n)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d, sink = 0;
	uint64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		__cpuid(0, a, b, c, d);
		sink += a ^ b ^ c ^ d;
	}
	uint64_t t1 = now_ns();
	__asm__ volatile("" : : "r"(sink));
	return (double)(t1 - t0) / 1000.0 / (double)n;
#else
	(void)n;
	return -1;
#endif
}

/* One round of n timerfd_settime calls, each for now + ahead_ns (0: a
 * disarm), on a timerfd nobody reads. */
static double timer_round(int fd, long n, uint64_t ahead_ns)
{
	uint64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		struct itimerspec its = {0};
		int flags = 0;
		if (ahead_ns) {
			uint64_t at = now_ns() + ahead_ns;
			its.it_value.tv_sec = (time_t)(at / 1000000000ull);
			its.it_value.tv_nsec = (long)(at % 1000000000ull);
			flags = TFD_TIMER_ABSTIME;
		}
		if (timerfd_settime(fd, flags, &its, NULL) < 0) {
			perror("bench_machine: timerfd_settime");
			exit(1);
		}
	}
	return (double)(now_ns() - t0) / 1000.0 / (double)n;
}

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0) {
		perror("bench_machine: sched_setaffinity");
		exit(1);
	}
}

static void must_write(int fd)
{
	uint64_t one = 1;
	if (write(fd, &one, sizeof(one)) != sizeof(one)) {
		perror("bench_machine: eventfd write");
		exit(1);
	}
}

static void must_read(int fd)
{
	uint64_t v;
	if (read(fd, &v, sizeof(v)) != sizeof(v)) {
		perror("bench_machine: eventfd read");
		exit(1);
	}
}

/* n round trips between this process on CPU 0 and a child on `peer_cpu`
 * over two blocking eventfds: us per round trip; -1 if the CPU is
 * missing. */
static double pingpong_round(long n, int peer_cpu)
{
	if (peer_cpu >= sysconf(_SC_NPROCESSORS_ONLN))
		return -1;
	int there = eventfd(0, EFD_CLOEXEC), back = eventfd(0, EFD_CLOEXEC);
	if (there < 0 || back < 0) {
		perror("bench_machine: eventfd");
		exit(1);
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("bench_machine: fork");
		exit(1);
	}
	if (pid == 0) {
		pin(peer_cpu);
		for (long i = 0; i <= n; i++) {
			must_read(there);
			must_write(back);
		}
		_exit(0);
	}
	must_write(there); /* one untimed trip: the child is running */
	must_read(back);
	uint64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		must_write(there);
		must_read(back);
	}
	uint64_t t1 = now_ns();
	int status;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_machine: the peer failed\n");
		exit(1);
	}
	close(there);
	close(back);
	return (double)(t1 - t0) / 1000.0 / (double)n;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
	if (argc > 2 || n < 10) {
		fprintf(stderr, "usage: bench_machine [N >= 10]\n");
		return 2;
	}
	pin(0); /* every cost from CPU 0; the peers pin themselves */
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (fd < 0) {
		perror("bench_machine: timerfd_create");
		return 1;
	}
	static const struct {
		const char *what;
		uint64_t ahead_ns;
	} timers[] = {
		{"timerfd_settime, 1 ms ahead", 1000000},
		{"timerfd_settime, 20 us ahead", 20000},
		{"timerfd_settime, 1 us ahead", 1000},
		{"timerfd_settime, disarm", 0},
	};
	enum { CPUID, TIMER0, PP_SAME = TIMER0 + 4, PP_CROSS, NCOSTS };
	double v[NCOSTS][ROUNDS];
	/* Rounds interleaved, so that each cost sees the same machine. */
	for (int r = 0; r < ROUNDS; r++) {
		v[CPUID][r] = cpuid_round(n);
		for (int t = 0; t < 4; t++)
			v[TIMER0 + t][r] =
				timer_round(fd, n, timers[t].ahead_ns);
		v[PP_SAME][r] = pingpong_round(n / 10, 0);
		v[PP_CROSS][r] = pingpong_round(n / 10, 1);
	}
	printf("machine costs, us per call: median of %d rounds of %ld "
	       "calls (%ld round trips)\n",
	       ROUNDS, n, n / 10);
	report("cpuid (a VM exit in a guest)", median(v[CPUID], ROUNDS));
	for (int t = 0; t < 4; t++)
		report(timers[t].what, median(v[TIMER0 + t], ROUNDS));
	report("eventfd round trip, both on CPU 0", median(v[PP_SAME], ROUNDS));
	report("eventfd round trip, CPU 0 and CPU 1",
	       median(v[PP_CROSS], ROUNDS));
	report_file("cpuidle driver",
		    "/sys/devices/system/cpu/cpuidle/current_driver");
	report_file("guest_halt_poll_ns",
		    "/sys/module/haltpoll/parameters/guest_halt_poll_ns");
	return 0;
}
