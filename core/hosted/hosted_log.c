/*
 * PD logs, the launcher's side: one pipe per PD process, read by the
 * monitor loop.  A PD can write anything into its pipe (its runtime's own
 * formatting and rate limit are advisory: a compromised PD writes fd 2
 * directly), so everything a PD wrote is treated as untrusted bytes:
 *   - every line gets "[pd] " from here, so no PD can pass its output off as
 *     another PD's or the monitor's ("sdvf: ...");
 *   - only printable ASCII (0x20..0x7e) reaches the terminal: a tab becomes
 *     a space, every other byte '?' (ESC, CR, BEL, the 8-bit CSI 0x9b,
 *     UTF-8 too, which the runtime never produces);
 *   - a line is cut at HOSTED_LOG_LINE_MAX bytes, marked " [cut]";
 *   - a token bucket per PD, twice the PD runtime's, bounds the lines; what
 *     it drops is counted and reported before the next line that gets out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "core/hosted/hosted_internal.h"

/* The launcher's limit: twice the runtime's, so that a PD whose runtime
 * limits it (one line per sdvf_log, plus at most one "suppressed" notice
 * before each) is never trimmed here. */
#define LAUNCHER_BURST (2 * HOSTED_LOG_BURST)
#define LAUNCHER_PER_SEC (2 * HOSTED_LOG_PER_SEC)
/* Bytes read per pump: keeps one flooding PD from starving the others. */
#define PUMP_BUDGET 65536

bool hosted_log_take(struct hosted_log_bucket *b, uint64_t now_ns,
		     unsigned burst, unsigned per_sec)
{
	if (b->refill_ns == 0)
		b->tokens = burst;
	else
		b->tokens += (double)(now_ns - b->refill_ns) / 1e9 * per_sec;
	b->refill_ns = now_ns;
	if (b->tokens > burst)
		b->tokens = burst;
	if (b->tokens < 1.0)
		return false;
	b->tokens -= 1.0;
	return true;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void hosted_log_init(struct hosted_log_stream *s)
{
	*s = (struct hosted_log_stream){.fd = -1};
}

static void emit_line(struct hosted_log_stream *s, const char *name, FILE *out)
{
	if (!hosted_log_take(&s->bucket, monotonic_ns(), LAUNCHER_BURST,
			     LAUNCHER_PER_SEC)) {
		s->dropped++;
	} else {
		if (s->dropped)
			fprintf(out,
				"[%s] (%llu log lines dropped by the "
				"launcher)\n",
				name, (unsigned long long)s->dropped);
		s->dropped = 0;
		fprintf(out, "[%s] %.*s%s\n", name, (int)s->len, s->line,
			s->cut ? " [cut]" : "");
	}
	s->len = 0;
	s->cut = false;
}

static void take_bytes(struct hosted_log_stream *s, const char *name, FILE *out,
		       const unsigned char *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = bytes[i];
		if (c == '\n') {
			emit_line(s, name, out);
		} else if (s->len == sizeof(s->line)) {
			s->cut = true; /* the rest of the line is dropped */
		} else {
			if (c == '\t')
				c = ' ';
			else if (c < 0x20 || c > 0x7e)
				c = '?';
			s->line[s->len++] = (char)c;
		}
	}
}

static void close_stream(struct hosted_log_stream *s, const char *name,
			 FILE *out)
{
	if (s->len || s->cut)
		emit_line(s, name, out); /* a half line the PD died in */
	close(s->fd);
	s->fd = -1;
}

/* Read up to `budget` bytes; false once nothing more is waiting now. */
static bool pump_some(struct hosted_log_stream *s, const char *name, FILE *out,
		      size_t budget)
{
	unsigned char buf[4096];
	for (size_t done = 0; s->fd >= 0 && done < budget;) {
		ssize_t n = read(s->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return false;
		if (n <= 0) { /* EOF: every writer is gone */
			close_stream(s, name, out);
			return false;
		}
		take_bytes(s, name, out, buf, (size_t)n);
		done += (size_t)n;
	}
	return s->fd >= 0;
}

void hosted_log_pump(struct hosted_log_stream *s, const char *name, FILE *out)
{
	pump_some(s, name, out, PUMP_BUDGET);
}

void hosted_log_finish(struct hosted_log_stream *s, const char *name, FILE *out)
{
	while (pump_some(s, name, out, PUMP_BUDGET))
		;
	/* Still open: someone else holds the write end (a child the device
	 * forked in init); the monitor loop keeps reading it. */
}

int hosted_log_open(struct hosted_log_stream *s, const char *name, FILE *out)
{
	if (s->fd >= 0) {
		hosted_log_finish(s, name, out);
		if (s->fd >= 0)
			close_stream(s, name, out);
	}
	int ends[2];
	if (pipe2(ends, O_NONBLOCK | O_CLOEXEC) < 0)
		return -1;
	s->fd = ends[0];
	s->len = 0;
	s->cut = false;
	return ends[1];
}
