/*
 * The runtime ops a component of a hosted PD calls (core/pd.h), over the
 * PD's state (core/hosted/hosted_pd.h): notifications through the bells
 * (core/hosted/hosted_wake.h), regions, channels and configuration of
 * its own system, the clock and timer, waits, the rate-limited log,
 * watch_fd, counters in its stats slot, and sdvf_fail.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "core/hosted/hosted_pd.h"
#include "core/sysdesc/sysdesc.h"

static bool channel_ok(struct hosted_pd *h, sdvf_channel_t ch, const char *op)
{
	if (ch < (sdvf_channel_t)h->nchans)
		return true;
	COUNT(h->stats->bad_calls);
	sdvf_log(&h->pd, SDVF_LOG_WARN, "%s on unknown channel %u", op, ch);
	return false;
}

static void op_notify(struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct hosted_pd *h = rt_of(pd);
	if (!channel_ok(h, ch, "notify"))
		return;
	hosted_signal(h, (int)ch);
	COUNT(h->stats->notifications);
}

static void op_deferred_notify(struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct hosted_pd *h = rt_of(pd);
	if (!channel_ok(h, ch, "deferred_notify"))
		return;
	COUNT(h->stats->deferred);
	h->deferred_mask |= 1u << ch; /* coalesced: one signal per channel */
}

/* The ack goes to the peer on ch (the hardware model acts as the interrupt
 * controller); like a deferred notify it leaves when the activation ends. */
static void op_irq_ack(struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct hosted_pd *h = rt_of(pd);
	if (!channel_ok(h, ch, "irq_ack"))
		return;
	COUNT(h->stats->irq_acks);
	h->deferred_mask |= 1u << ch;
}

static const struct sdvf_region *op_region(struct sdvf_pd *pd, const char *name)
{
	struct hosted_pd *h = rt_of(pd);
	for (int i = 0; i < h->nregions; i++) {
		if (strcmp(h->regions[i].name, name) == 0)
			return &h->regions[i];
	}
	return NULL;
}

static sdvf_channel_t op_channel(struct sdvf_pd *pd, const char *name)
{
	struct hosted_pd *h = rt_of(pd);
	for (int i = 0; i < h->nchans; i++) {
		if (strcmp(h->desc->chans[i].local, name) == 0)
			return (sdvf_channel_t)i;
	}
	return SDVF_CHANNEL_NONE;
}

static uint64_t op_config_u64(struct sdvf_pd *pd, const char *key)
{
	struct hosted_pd *h = rt_of(pd);
	return sdvf_system_config_u64(&h->own, 0, key);
}

static const char *op_config_str(struct sdvf_pd *pd, const char *key)
{
	struct hosted_pd *h = rt_of(pd);
	return sdvf_system_config_str(&h->own, 0, key);
}

static const uint8_t *op_config_bytes(struct sdvf_pd *pd, const char *key,
				      size_t *len)
{
	struct hosted_pd *h = rt_of(pd);
	return sdvf_system_config_bytes(&h->own, 0, key, len);
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t op_now_ns(struct sdvf_pd *pd)
{
	(void)pd;
	return monotonic_ns();
}

/* The timer is armed where the loop sleeps (hosted_timer_before_sleep),
 * not where the component sets it: sdvf_timer_set only records the
 * deadline.  A deadline that has passed when the loop would sleep is
 * taken without a timerfd (hosted_timer_take_due); only a sleep with a
 * deadline ahead arms it, and only when what it holds (`timer_armed`) is
 * off or later.  It may hold an earlier deadline, or one left after a
 * cancel: that fire delivers nothing and the next sleep arms again.  The
 * component is activated exactly when its deadline passes, never early;
 * what this saves is the timerfd_settime and the timer interrupt of a
 * deadline that passes while the PD is busy (a mux that yields with
 * now + 1, a model whose generator is due again in a microsecond), each
 * a hypervisor exit or more in a VM (docs/benchmarks.md, "The timer
 * where the loop sleeps"). */
static void timer_arm(struct hosted_pd *h, uint64_t deadline_ns)
{
	/* An absolute deadline already past fires at once. */
	struct itimerspec its = {0};
	its.it_value.tv_sec = (time_t)(deadline_ns / 1000000000ull);
	its.it_value.tv_nsec = (long)(deadline_ns % 1000000000ull);
	hosted_wake_count(&h->wake, WAKE_TIMER_ARMS, 1);
	if (timerfd_settime(h->timer_fd, TFD_TIMER_ABSTIME, &its, NULL) < 0) {
		COUNT(h->stats->bad_calls);
		return;
	}
	h->timer_armed = deadline_ns;
}

static void op_timer_set(struct sdvf_pd *pd, uint64_t deadline_ns)
{
	rt_of(pd)->timer_deadline = deadline_ns; /* 0: off */
}

bool hosted_timer_take_due(struct hosted_pd *h)
{
	uint64_t due = h->timer_deadline;
	if (due == 0 || monotonic_ns() < due)
		return false;
	h->timer_deadline = 0;
	return true;
}

bool hosted_timer_before_sleep(struct hosted_pd *h)
{
	uint64_t due = h->timer_deadline;
	if (due == 0)
		return false;
	if (monotonic_ns() >= due)
		return true;
	if (h->timer_armed == 0 || h->timer_armed > due)
		timer_arm(h, due);
	return false;
}

bool hosted_timer_fired(struct hosted_pd *h)
{
	uint64_t count, armed = h->timer_armed;
	/* Nonblocking: a wake-up with nothing to read is harmless. */
	bool expired =
		read(h->timer_fd, &count, sizeof(count)) == sizeof(count);
	if (expired)
		h->timer_armed = 0;
	uint64_t due = h->timer_deadline;
	if (due == 0)
		return false; /* cancelled since it was armed */
	if (!(expired && armed >= due) && monotonic_ns() < due)
		return false; /* early: the next sleep arms for it */
	h->timer_deadline = 0;
	return true;
}

static bool op_wait(struct sdvf_pd *pd, bool (*poll)(void *arg), void *arg,
		    uint64_t timeout_ns)
{
	struct hosted_pd *h = rt_of(pd);
	uint64_t deadline = monotonic_ns() + timeout_ns;
	for (unsigned spins = 0;; spins++) {
		if (poll(arg))
			return true;
		if (monotonic_ns() >= deadline)
			return false;
		/* The peer may run in this process (a group's member, e.g. the
		 * ENET model a driver waits for): run it, it has no thread of
		 * its own to make progress on. */
		if (h->group && hosted_group_serve_others(h))
			continue;
		/* Yield first (the peer may share our core), then back off to
		 * short sleeps so a slow peer does not cost a whole core. */
		if (spins < 64) {
			sched_yield();
		} else {
			struct timespec ts = {0, 20000};
			nanosleep(&ts, NULL);
		}
	}
}

/* One line per call on the log pipe (fd 2; a group member's own fd); the
 * launcher prefixes it with the PD's name and passes it on.  This limit
 * (HOSTED_LOG_BURST, then HOSTED_LOG_PER_SEC) costs a well-behaved PD no system
 * call per dropped line and counts the drops; the launcher enforces one of its
 * own. */
static void op_vlog(struct sdvf_pd *pd, enum sdvf_log_level level,
		    const char *fmt, va_list ap)
{
	static const char *const level_prefix[] = {
		[SDVF_LOG_ERROR] = "error: ",
		[SDVF_LOG_WARN] = "warning: ",
		[SDVF_LOG_INFO] = "",
	};
	struct hosted_pd *h = rt_of(pd);
	if (!hosted_log_take(&h->log_bucket, monotonic_ns(), HOSTED_LOG_BURST,
			     HOSTED_LOG_PER_SEC)) {
		h->log_suppressed++;
		COUNT(h->stats->log_suppressed);
		return;
	}
	char line[HOSTED_LOG_LINE_MAX];
	int n = 0;
	if (h->log_suppressed)
		n = snprintf(line, sizeof(line),
			     "(%llu log lines suppressed)\n",
			     (unsigned long long)h->log_suppressed);
	int text = n;
	const char *prefix =
		(unsigned)level <= SDVF_LOG_INFO ? level_prefix[level] : "";
	n += snprintf(line + n, sizeof(line) - (size_t)n, "%s", prefix);
	if ((size_t)n < sizeof(line) - 1)
		n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2; /* truncated: keep the newline */
	while (n > text && line[n - 1] == '\n')
		n--;
	for (int i = text; i < n; i++) {
		if (line[i] == '\n')
			line[i] = ' '; /* one call, one line */
	}
	line[n++] = '\n';
	/* Non-blocking: a launcher that does not keep up costs the line, not
	 * the activation. */
	if (write(h->log_fd, line, (size_t)n) == n) {
		h->log_suppressed = 0;
		COUNT(h->stats->log_lines);
	} else {
		h->log_suppressed++;
		COUNT(h->stats->log_suppressed);
	}
}

static int op_watch_fd(struct sdvf_pd *pd, int fd, sdvf_channel_t ch)
{
	struct hosted_pd *h = rt_of(pd);
	enum sdvf_role role = h->desc->component->role;
	if (role != SDVF_ROLE_DEVICE && role != SDVF_ROLE_VMM) {
		COUNT(h->stats->bad_calls);
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "watch_fd refused: only device and VMM PDs may use "
			 "host I/O");
		return -1;
	}
	struct epoll_event ev = {
		.events = EPOLLIN,
		.data.u64 = WAKE_OF(h->img->group_index, WAKE_WATCH, ch)};
	if (epoll_ctl(h->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	return 0;
}

/* Logged as an error, and told to the monitor, which makes the run fail:
 * the message goes out even when the log's rate limit drops the line. */
static void op_vfail(struct sdvf_pd *pd, const char *fmt, va_list ap)
{
	struct hosted_pd *h = rt_of(pd);
	op_vlog(pd, SDVF_LOG_ERROR, fmt, ap);
	struct hosted_ctl_msg msg = {.kind = HOSTED_CTL_FAILED};
	hosted_send_control(h, &msg);
}

/* The table lives in our own stats slot, so it outlives this process and a
 * restarted PD gets its counters back (core/hosted/counters.h). */
static _Atomic uint64_t *op_counter(struct sdvf_pd *pd, const char *name)
{
	struct hosted_pd *h = rt_of(pd);
	int i = sdvf_counter_claim(&h->stats->counters, &h->counter_claims,
				   name);
	if (i >= 0)
		return &h->stats->counters.value[i];
	/* Log only the first refusal of this incarnation: a component that
	 * registers in a loop must not flood the log. */
	COUNT(h->stats->counters_refused);
	if (!h->counter_refusal_logged) {
		h->counter_refusal_logged = true;
		sdvf_log(pd, SDVF_LOG_WARN,
			 "counter '%.*s' refused (%s); later refusals are "
			 "only counted",
			 (int)SDVF_COUNTER_NAME_MAX, name,
			 sdvf_counter_refusal_text(i));
	}
	return &h->counter_scratch;
}

const struct sdvf_runtime_ops hosted_ops = {
	.notify = op_notify,
	.deferred_notify = op_deferred_notify,
	.irq_ack = op_irq_ack,
	.region = op_region,
	.channel = op_channel,
	.config_u64 = op_config_u64,
	.config_str = op_config_str,
	.config_bytes = op_config_bytes,
	.now_ns = op_now_ns,
	.timer_set = op_timer_set,
	.wait = op_wait,
	.vlog = op_vlog,
	.watch_fd = op_watch_fd,
	.counter = op_counter,
	.vfail = op_vfail,
};
