/*
 * sdvf-hostile: `sdvf` plus components that misbehave on purpose, so the
 * isolation tests can show what the hosted runtime contains.  Test code: it
 * may use libc, which real components may not.
 *
 *   ticker          client; a periodic timer, to show a PD keeps running
 *   ro_writer       client; writes into its read-only region after delay_ms
 *   socket_caller   client; calls socket() in init
 *   pattern_writer  mux; fills `victim`, then checks it is unchanged
 *   mprotect_probe  device; in init (before seccomp) tries mprotect(PROT_WRITE)
 *                   on its read-only `victim`
 *   fd_probe        mux; holds a region and two channels (test_fd_set.sh
 *                   looks at it from outside)
 *   affinity_probe  device; in init (before seccomp) reports its CPUs
 *   crasher         client; counts its starts in `scratch`, crashes (SIGSEGV)
 *                   until it has started crash_times + 1 times
 * and those of tests/isolation/hostile_confine.c, hostile_queue.c and
 * hostile_net.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/cli/cli.h"
#include "core/pd.h"
#include "tests/isolation/hostile.h"
#include "tests/unit/net_stub.h"

#define MS 1000000ull

static const struct sdvf_need no_needs[] = {{0}};
static const struct sdvf_param no_params[] = {{0}};

static int no_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	(void)pd;
	return 0;
}

static void ignore_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	(void)state;
	(void)pd;
	(void)ch;
}

/* ---- ticker ----------------------------------------------------------------
 */

struct ticker {
	uint64_t period_ns;
};

static const struct sdvf_param ticker_params[] = {
	{.name = "period_ms",
	 .type = SDVF_PARAM_U64,
	 .min = 1,
	 .max = 10000,
	 .default_u64 = 10,
	 .help = "timer period"},
	{0},
};

static int ticker_init(void *state, struct sdvf_pd *pd)
{
	struct ticker *t = state;
	t->period_ns = sdvf_config_u64(pd, "period_ms") * MS;
	sdvf_timer_set(pd, sdvf_now_ns(pd) + t->period_ns);
	return 0;
}

static void ticker_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct ticker *t = state;
	if (ch == SDVF_CHANNEL_TIMER)
		sdvf_timer_set(pd, sdvf_now_ns(pd) + t->period_ns);
}

static const struct sdvf_need ticker_needs[] = {
	{.name = "peer", .kind = SDVF_NEED_CHANNEL, .optional = true},
	{0},
};

static const struct sdvf_component ticker = {
	.name = "ticker",
	.summary = "test: re-arms a periodic timer forever",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct ticker),
	.needs = ticker_needs,
	.params = ticker_params,
	.init = ticker_init,
	.notified = ticker_notified,
};

/* ---- ro_writer -------------------------------------------------------------
 */

static const struct sdvf_need victim_r[] = {
	{.name = "victim", .kind = SDVF_NEED_REGION, .rights = SDVF_R},
	{.name = "peer", .kind = SDVF_NEED_CHANNEL, .optional = true},
	{0},
};

static const struct sdvf_param delay_params[] = {
	{.name = "delay_ms",
	 .type = SDVF_PARAM_U64,
	 .min = 0,
	 .max = 60000,
	 .default_u64 = 300,
	 .help = "wait before misbehaving"},
	{0},
};

static int ro_writer_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	sdvf_timer_set(pd,
		       sdvf_now_ns(pd) + sdvf_config_u64(pd, "delay_ms") * MS);
	return 0;
}

static void ro_writer_notified(void *state, struct sdvf_pd *pd,
			       sdvf_channel_t ch)
{
	(void)state;
	if (ch != SDVF_CHANNEL_TIMER)
		return;
	const struct sdvf_region *r = sdvf_region(pd, "victim");
	sdvf_log(pd, SDVF_LOG_INFO, "writing into read-only region '%s'",
		 r->name);
	((volatile uint8_t *)r->base)[0] = 0x5a;
	sdvf_log(pd, SDVF_LOG_ERROR, "the write into '%s' succeeded", r->name);
}

static const struct sdvf_component ro_writer = {
	.name = "ro_writer",
	.summary = "test: writes into a region it maps read-only",
	.role = SDVF_ROLE_CLIENT,
	.state_size = 8,
	.needs = victim_r,
	.params = delay_params,
	.init = ro_writer_init,
	.notified = ro_writer_notified,
};

/* ---- socket_caller ---------------------------------------------------------
 */

static int socket_caller_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	sdvf_log(pd, SDVF_LOG_INFO, "calling socket()");
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	sdvf_log(pd, SDVF_LOG_ERROR, "socket() returned %d", fd);
	return 0;
}

static const struct sdvf_component socket_caller = {
	.name = "socket_caller",
	.summary = "test: a client that opens a socket",
	.role = SDVF_ROLE_CLIENT,
	.state_size = 8,
	.needs = no_needs,
	.params = no_params,
	.init = socket_caller_init,
	.notified = ignore_notified,
};

/* ---- pattern_writer and mprotect_probe ------------------------------------
 */

#define VICTIM_BYTE 0xa5

static const struct sdvf_need victim_rw_probe[] = {
	{.name = "victim", .kind = SDVF_NEED_REGION, .rights = SDVF_RW},
	{.name = "probe", .kind = SDVF_NEED_CHANNEL},
	{0},
};

static int pattern_writer_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	const struct sdvf_region *r = sdvf_region(pd, "victim");
	memset(r->base, VICTIM_BYTE, r->size);
	sdvf_notify(pd, sdvf_channel(pd, "probe"));
	return 0;
}

static void pattern_writer_notified(void *state, struct sdvf_pd *pd,
				    sdvf_channel_t ch)
{
	(void)state;
	(void)ch;
	const struct sdvf_region *r = sdvf_region(pd, "victim");
	const uint8_t *p = r->base;
	uint64_t changed = 0;
	for (uint64_t i = 0; i < r->size; i++)
		changed += p[i] != VICTIM_BYTE;
	sdvf_log(pd, SDVF_LOG_INFO, "victim: %llu of %llu bytes changed",
		 (unsigned long long)changed, (unsigned long long)r->size);
}

static const struct sdvf_component pattern_writer = {
	.name = "pattern_writer",
	.summary = "test: fills a region, then reports whether it changed",
	.role = SDVF_ROLE_MUX,
	.state_size = 8,
	.needs = victim_rw_probe,
	.params = no_params,
	.init = pattern_writer_init,
	.notified = pattern_writer_notified,
};

static const struct sdvf_need victim_r_writer[] = {
	{.name = "victim", .kind = SDVF_NEED_REGION, .rights = SDVF_R},
	{.name = "writer", .kind = SDVF_NEED_CHANNEL},
	{0},
};

/* A device PD, so init runs before its seccomp filter (and as root when the
 * launcher is): only the read-only fd stands in the way of mprotect.  The
 * outcome is acted on once the writer has filled the region. */
struct mprotect_probe {
	bool writable;
};

static int mprotect_probe_init(void *state, struct sdvf_pd *pd)
{
	struct mprotect_probe *p = state;
	const struct sdvf_region *r = sdvf_region(pd, "victim");
	int rc = mprotect(r->base, r->size, PROT_READ | PROT_WRITE);
	int err = errno;
	p->writable = rc == 0;
	sdvf_log(pd, SDVF_LOG_INFO, "mprotect(PROT_WRITE) on '%s': %s", r->name,
		 rc == 0 ? "allowed" : strerrorname_np(err));
	return 0;
}

static void mprotect_probe_notified(void *state, struct sdvf_pd *pd,
				    sdvf_channel_t ch)
{
	struct mprotect_probe *p = state;
	(void)ch;
	const struct sdvf_region *r = sdvf_region(pd, "victim");
	if (p->writable)
		memset(r->base, 0, r->size); /* the writer will see it */
	sdvf_notify(pd, sdvf_channel(pd, "writer"));
}

static const struct sdvf_component mprotect_probe = {
	.name = "mprotect_probe",
	.summary = "test: tries to make its read-only region writable",
	.role = SDVF_ROLE_DEVICE,
	.state_size = sizeof(struct mprotect_probe),
	.needs = victim_r_writer,
	.params = no_params,
	.init = mprotect_probe_init,
	.notified = mprotect_probe_notified,
};

/* ---- fd_probe
 * ---------------------------------------------------------------- */

static const struct sdvf_need fd_probe_needs[] = {
	{.name = "a", .kind = SDVF_NEED_CHANNEL, .optional = true},
	{.name = "b", .kind = SDVF_NEED_CHANNEL, .optional = true},
	{.name = "mem",
	 .kind = SDVF_NEED_REGION,
	 .rights = SDVF_RW,
	 .optional = true},
	{0},
};

static const struct sdvf_component fd_probe = {
	.name = "fd_probe",
	.summary = "test: holds a region and two channels, does nothing",
	.role = SDVF_ROLE_MUX,
	.state_size = 8,
	.needs = fd_probe_needs,
	.params = no_params,
	.init = no_init,
	.notified = ignore_notified,
};

/* ---- affinity_probe --------------------------------------------------------
 */

static int affinity_probe_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return -1;
	char line[256] = "cpus:";
	for (int cpu = 0; cpu < CPU_SETSIZE && strlen(line) < 200; cpu++) {
		if (CPU_ISSET(cpu, &set)) {
			size_t used = strlen(line);
			snprintf(line + used, sizeof(line) - used, " %d", cpu);
		}
	}
	sdvf_log(pd, SDVF_LOG_INFO, "%s", line);
	return 0;
}

static const struct sdvf_component affinity_probe = {
	.name = "affinity_probe",
	.summary = "test: reports the CPUs it may run on",
	.role = SDVF_ROLE_DEVICE, /* its init runs before seccomp */
	.state_size = 8,
	.needs = no_needs,
	.params = no_params,
	.init = affinity_probe_init,
	.notified = ignore_notified,
};

/* ---- crasher ----------------------------------------------------------------
 */

/* Writing here is the crash: a read-only page, so SIGSEGV in every build
 * (a NULL store would be caught by UBSan first, whose report needs calls
 * the PD's filter forbids). */
static const uint8_t crasher_read_only = 1;

struct crasher {
	uint32_t start;
	uint64_t crash_times;
};

static const struct sdvf_need crasher_needs[] = {
	{.name = "scratch", .kind = SDVF_NEED_REGION, .rights = SDVF_RW},
	{0},
};

static const struct sdvf_param crasher_params[] = {
	{.name = "crash_times",
	 .type = SDVF_PARAM_U64,
	 .min = 0,
	 .max = 100,
	 .default_u64 = 2,
	 .help = "how many starts crash"},
	{0},
};

static int crasher_init(void *state, struct sdvf_pd *pd)
{
	struct crasher *c = state;
	/* The start count survives the process in the shared region. */
	volatile uint32_t *starts = sdvf_region(pd, "scratch")->base;
	c->start = ++*starts;
	c->crash_times = sdvf_config_u64(pd, "crash_times");
	if (c->start <= c->crash_times)
		sdvf_log(pd, SDVF_LOG_INFO, "start %u: will crash", c->start);
	else
		sdvf_log(pd, SDVF_LOG_INFO, "start %u: staying up", c->start);
	sdvf_timer_set(pd, sdvf_now_ns(pd) + 100 * MS);
	return 0;
}

static void crasher_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct crasher *c = state;
	if (ch != SDVF_CHANNEL_TIMER)
		return;
	if (c->start <= c->crash_times)
		*(volatile uint8_t *)(uintptr_t)&crasher_read_only = 0;
	sdvf_timer_set(pd, sdvf_now_ns(pd) + 100 * MS);
}

static const struct sdvf_component crasher = {
	.name = "crasher",
	.summary = "test: crashes on its first crash_times starts",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct crasher),
	.needs = crasher_needs,
	.params = crasher_params,
	.init = crasher_init,
	.notified = crasher_notified,
};

/* ---- log_flood and coalescer ------------------------------------------------
 */

/* 100 lines at once, then one more 200 ms later: shows the burst, the
 * suppressed count and the refill of the runtime's log rate limit. */
static int log_flood_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	for (int i = 1; i <= 100; i++)
		sdvf_log(pd, SDVF_LOG_INFO, "flood line %d", i);
	sdvf_timer_set(pd, sdvf_now_ns(pd) + 200 * MS);
	return 0;
}

static void log_flood_notified(void *state, struct sdvf_pd *pd,
			       sdvf_channel_t ch)
{
	(void)state;
	if (ch == SDVF_CHANNEL_TIMER)
		sdvf_log(pd, SDVF_LOG_INFO, "after the flood");
}

static const struct sdvf_component log_flood = {
	.name = "log_flood",
	.summary = "test: logs 100 lines at once",
	.role = SDVF_ROLE_CLIENT,
	.state_size = 8,
	.needs = no_needs,
	.params = no_params,
	.init = log_flood_init,
	.notified = log_flood_notified,
};

static const struct sdvf_need coalescer_needs[] = {
	{.name = "peer", .kind = SDVF_NEED_CHANNEL},
	{0},
};

/* Five deferred notifications in one activation: the peer is signalled
 * once, when init returns. */
static int coalescer_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	for (int i = 0; i < 5; i++)
		sdvf_deferred_notify(pd, sdvf_channel(pd, "peer"));
	return 0;
}

static const struct sdvf_component coalescer = {
	.name = "coalescer",
	.summary = "test: five deferred notifications in one activation",
	.role = SDVF_ROLE_CLIENT,
	.state_size = 8,
	.needs = coalescer_needs,
	.params = no_params,
	.init = coalescer_init,
	.notified = ignore_notified,
};

/* ---- ponger
 * ------------------------------------------------------------------
 */

/* Signals its peer in init and in every activation: two of them in a
 * co-location group keep its loop busy with marks for ever
 * (tests/isolation/test_group_fds_not_starved.sh). */
static int ponger_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	sdvf_notify(pd, sdvf_channel(pd, "peer"));
	return 0;
}

static void ponger_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	(void)state;
	(void)ch;
	sdvf_notify(pd, sdvf_channel(pd, "peer"));
}

static const struct sdvf_component ponger = {
	.name = "ponger",
	.summary = "test: signals its peer in every activation (mux role)",
	.role = SDVF_ROLE_MUX,
	.state_size = 8,
	.needs = coalescer_needs,
	.params = no_params,
	.init = ponger_init,
	.notified = ponger_notified,
};

/* ---- main -------------------------------------------------------------------
 */

/* net_stub (tests/unit/net_stub.h): a net client with no code, so
 * least_privilege.sh can dump sdvf,net systems (tests/isolation/
 * net-three-clients.dts) without a real client. */
static const struct sdvf_component *const hostile_components[] = {
	&ticker,	 &ro_writer, &socket_caller,  &pattern_writer,
	&mprotect_probe, &fd_probe,  &affinity_probe, &crasher,
	&log_flood,	 &coalescer, &net_stub,	      &ponger,
};

#define NHOSTILE (sizeof(hostile_components) / sizeof(*hostile_components))

int main(int argc, char **argv)
{
	static const struct sdvf_component *table[128];
	size_t n = 0;
	for (size_t i = 0; sdvf_builtin_components[i] && n < 100; i++)
		table[n++] = sdvf_builtin_components[i];
	for (size_t i = 0; i < NHOSTILE; i++)
		table[n++] = hostile_components[i];
	for (size_t i = 0; hostile_confine_components[i]; i++)
		table[n++] = hostile_confine_components[i];
	for (size_t i = 0; hostile_queue_components[i]; i++)
		table[n++] = hostile_queue_components[i];
	for (size_t i = 0; hostile_stats_components[i]; i++)
		table[n++] = hostile_stats_components[i];
	for (size_t i = 0; hostile_net_components[i]; i++)
		table[n++] = hostile_net_components[i];
	table[n] = NULL;
	return sdvf_cli_main(argc, argv, table);
}
