/*
 * The hosted launcher and monitor (sdvf_hosted_run): create every region and
 * channel, fork one process per PD (core/hosted/hosted_pd.c), then watch them:
 * report deaths, restart restartable PDs, and on SIGINT/SIGTERM or the
 * duration stop them all and print a summary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/hosted/hosted.h"
#include "core/hosted/hosted_internal.h"

#define DEFAULT_MAX_RESTARTS 5
#define RESTART_BACKOFF_MS 100 /* times the restart number, capped */
#define RESTART_BACKOFF_MAX_MS 1000
#define DEFAULT_STOP_GRACE_MS 2000

/* What the monitor knows about one PD. */
struct monitor_pd {
	pid_t pid;	     /* 0 while not running */
	int restarts;	     /* done so far */
	uint64_t restart_at; /* monotonic ns; 0 = no restart pending */
	bool failed;	     /* died abnormally and is not back */
	bool stopping;	     /* we sent SIGTERM at shutdown */
	int end_signal;	     /* last death */
	int end_status;
	bool ended;
};

struct monitor {
	struct hosted_launch launch;
	struct monitor_pd pd[SDVF_MAX_PDS];
	const struct sdvf_run_options *opt;
	FILE *log;
	int max_restarts;
	uint64_t started_ns;
};

static uint64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const char *signal_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sigabbrev_np(sig);
	if (abbrev)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "signal %d", sig);
	return buf;
}

/* ---- regions and channels ----------------------------------------------- */

static void init_fds(struct hosted_launch *l)
{
	for (int r = 0; r < SDVF_MAX_REGIONS; r++)
		l->region_rw_fd[r] = l->region_ro_fd[r] = -1;
	for (int c = 0; c < SDVF_MAX_CHANNELS; c++)
		l->chan_wake_fd[c][0] = l->chan_wake_fd[c][1] = -1;
	l->stats.fd = -1;
}

static int create_region(struct hosted_launch *l, int r, FILE *log)
{
	const struct sdvf_sys_region *reg = &l->sys->regions[r];
	int fd = memfd_create(reg->name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		goto fail;
	l->region_rw_fd[r] = fd;
	if (ftruncate(fd, (off_t)reg->size) < 0)
		goto fail;
	/* Fixed size: no PD can truncate it under another (SIGBUS), and
	 * nobody may add seals later. */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) <
	    0)
		goto fail;
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	l->region_ro_fd[r] = open(proc, O_RDONLY | O_CLOEXEC);
	if (l->region_ro_fd[r] < 0)
		goto fail;
	return 0;
fail:
	fprintf(log, "sdvf: region '%s' (%llu bytes): %s\n", reg->name,
		(unsigned long long)reg->size, strerror(errno));
	return -1;
}

static int create_channel(struct hosted_launch *l, int c, FILE *log)
{
	for (int end = 0; end < 2; end++) {
		l->chan_wake_fd[c][end] =
			eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (l->chan_wake_fd[c][end] < 0) {
			fprintf(log, "sdvf: channel '%s': eventfd: %s\n",
				l->sys->channels[c].name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int create_all(struct hosted_launch *l, FILE *log)
{
	for (int r = 0; r < l->sys->nregions; r++) {
		if (create_region(l, r, log) < 0)
			return -1;
	}
	for (int c = 0; c < l->sys->nchannels; c++) {
		if (create_channel(l, c, log) < 0)
			return -1;
	}
	if (sdvf_stats_create(&l->stats, l->sys, log) < 0)
		return -1;
	return 0;
}

static void close_all(struct hosted_launch *l)
{
	for (int r = 0; r < SDVF_MAX_REGIONS; r++) {
		if (l->region_rw_fd[r] >= 0)
			close(l->region_rw_fd[r]);
		if (l->region_ro_fd[r] >= 0)
			close(l->region_ro_fd[r]);
	}
	for (int c = 0; c < SDVF_MAX_CHANNELS; c++) {
		for (int end = 0; end < 2; end++) {
			if (l->chan_wake_fd[c][end] >= 0)
				close(l->chan_wake_fd[c][end]);
		}
	}
	if (l->stats.fd >= 0)
		sdvf_stats_destroy(&l->stats);
}

/* ---- starting and reaping ------------------------------------------------ */

static struct sdvf_stats_pd *stats_pd(struct monitor *m, int i)
{
	return &m->launch.stats.header->pd[i];
}

#define STORE(field, v) atomic_store_explicit(&(field), v, memory_order_relaxed)

static int start_pd(struct monitor *m, int i)
{
	/* The child must not inherit unwritten stdio output. */
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(m->log, "sdvf: pd '%s': fork: %s\n",
			m->launch.sys->pds[i].name, strerror(errno));
		return -1;
	}
	if (pid == 0)
		hosted_pd_main(&m->launch, i);
	m->pd[i].pid = pid;
	m->pd[i].restart_at = 0;
	m->pd[i].ended = false;
	STORE(stats_pd(m, i)->pid, pid);
	STORE(stats_pd(m, i)->state, SDVF_PD_RUNNING);
	return 0;
}

/*
 * Hook: a PD died and will be restarted.  This is where buffer reclaim goes
 * (later issue): the muxes will be told that this client is gone so they can
 * give every buffer it held back to the pool (sdvf_own_reclaim) before the
 * new incarnation attaches to fresh queues.  Today it only records the
 * restart for `sdvf stats`.
 */
static void before_restart(struct monitor *m, int i)
{
	STORE(stats_pd(m, i)->restarts, (uint32_t)m->pd[i].restarts);
}

static void schedule_restart(struct monitor *m, int i)
{
	struct monitor_pd *p = &m->pd[i];
	const char *name = m->launch.sys->pds[i].name;
	if (p->restarts >= m->max_restarts) {
		fprintf(m->log,
			"sdvf: pd '%s' stays down: already restarted %d "
			"times\n",
			name, p->restarts);
		STORE(stats_pd(m, i)->state, SDVF_PD_DOWN);
		return;
	}
	p->restarts++;
	uint64_t backoff_ms = (uint64_t)RESTART_BACKOFF_MS * p->restarts;
	if (backoff_ms > RESTART_BACKOFF_MAX_MS)
		backoff_ms = RESTART_BACKOFF_MAX_MS;
	p->restart_at = monotonic_ns() + backoff_ms * 1000000ull;
	STORE(stats_pd(m, i)->state, SDVF_PD_STARTING);
	fprintf(m->log,
		"sdvf: restarting pd '%s' in %llu ms (restart %d of %d)\n",
		name, (unsigned long long)backoff_ms, p->restarts,
		m->max_restarts);
}

static void report_death(struct monitor *m, int i, int status)
{
	struct monitor_pd *p = &m->pd[i];
	const struct sdvf_sys_pd *d = &m->launch.sys->pds[i];
	char sig[32];
	p->ended = true;
	p->end_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	p->end_status = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
	STORE(stats_pd(m, i)->end_signal, p->end_signal);
	STORE(stats_pd(m, i)->end_status, p->end_status);
	if (p->stopping) {
		STORE(stats_pd(m, i)->state, SDVF_PD_STOPPED);
		return;
	}
	if (p->end_signal)
		fprintf(m->log, "sdvf: pd '%s' (pid %d) killed by %s%s\n",
			d->name, (int)p->pid,
			signal_name(p->end_signal, sig, sizeof(sig)),
			p->end_signal == SIGSYS ? " (forbidden system call)"
						: "");
	else
		fprintf(m->log,
			"sdvf: pd '%s' (pid %d) exited with status %d\n",
			d->name, (int)p->pid, p->end_status);
	p->failed = p->end_signal != 0 || p->end_status != 0;
	if (d->restartable) {
		schedule_restart(m, i);
	} else {
		STORE(stats_pd(m, i)->state, SDVF_PD_DOWN);
		if (m->launch.sys->npds > 1)
			fprintf(m->log,
				"sdvf: pd '%s' is not restartable; it stays "
				"down, the others keep running\n",
				d->name);
	}
}

/* Reap only our own PDs: the caller's program may have other children. */
static void reap(struct monitor *m)
{
	for (int i = 0; i < m->launch.sys->npds; i++) {
		struct monitor_pd *p = &m->pd[i];
		int status;
		if (p->pid <= 0 || p->ended)
			continue;
		if (waitpid(p->pid, &status, WNOHANG) == p->pid)
			report_death(m, i, status);
	}
}

static void restart_due(struct monitor *m)
{
	uint64_t now = monotonic_ns();
	for (int i = 0; i < m->launch.sys->npds; i++) {
		struct monitor_pd *p = &m->pd[i];
		if (p->restart_at == 0 || p->restart_at > now)
			continue;
		before_restart(m, i);
		if (start_pd(m, i) == 0)
			p->failed = false; /* back: this death is forgiven */
		else
			p->restart_at = 0;
	}
}

static bool anything_alive(struct monitor *m)
{
	for (int i = 0; i < m->launch.sys->npds; i++) {
		if ((m->pd[i].pid > 0 && !m->pd[i].ended) ||
		    m->pd[i].restart_at)
			return true;
	}
	return false;
}

/* ---- stopping ------------------------------------------------------------ */

static uint64_t stop_grace_ns(void)
{
	const char *env = getenv("SDVF_STOP_GRACE_MS");
	long ms = env ? strtol(env, NULL, 10) : DEFAULT_STOP_GRACE_MS;
	return (uint64_t)(ms > 0 ? ms : DEFAULT_STOP_GRACE_MS) * 1000000ull;
}

/* SIGTERM every running PD, SIGKILL what is left after the grace period,
 * and reap them all: no PD outlives the launcher. */
static void stop_all(struct monitor *m)
{
	for (int i = 0; i < m->launch.sys->npds; i++) {
		struct monitor_pd *p = &m->pd[i];
		p->restart_at = 0;
		if (p->pid > 0 && !p->ended) {
			p->stopping = true;
			kill(p->pid, SIGTERM);
		}
	}
	uint64_t give_up = monotonic_ns() + stop_grace_ns();
	while (anything_alive(m) && monotonic_ns() < give_up) {
		struct timespec ts = {0, 5000000};
		nanosleep(&ts, NULL);
		reap(m);
	}
	for (int i = 0; i < m->launch.sys->npds; i++) {
		struct monitor_pd *p = &m->pd[i];
		int status;
		if (p->pid <= 0 || p->ended)
			continue;
		kill(p->pid, SIGKILL);
		if (waitpid(p->pid, &status, 0) == p->pid)
			report_death(m, i, status);
	}
}

/* ---- monitor ------------------------------------------------------------- */

static uint64_t next_wakeup_ns(struct monitor *m, uint64_t deadline)
{
	uint64_t now = monotonic_ns();
	uint64_t wake = now + 200000000ull; /* re-check a few times a second */
	if (deadline && deadline < wake)
		wake = deadline;
	for (int i = 0; i < m->launch.sys->npds; i++) {
		if (m->pd[i].restart_at && m->pd[i].restart_at < wake)
			wake = m->pd[i].restart_at;
	}
	return wake > now ? wake - now : 0;
}

/* Watch the PDs until a stop signal, the duration, or nothing is left. */
static void monitor_loop(struct monitor *m, const sigset_t *stop_set)
{
	uint64_t deadline = 0;
	if (m->opt->duration_s > 0)
		deadline = m->started_ns + (uint64_t)(m->opt->duration_s * 1e9);
	while (anything_alive(m)) {
		if (deadline && monotonic_ns() >= deadline) {
			if (!m->opt->quiet)
				fprintf(m->log, "sdvf: duration reached, "
						"stopping\n");
			return;
		}
		uint64_t wait = next_wakeup_ns(m, deadline);
		struct timespec ts = {(time_t)(wait / 1000000000ull),
				      (long)(wait % 1000000000ull)};
		int sig = sigtimedwait(stop_set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP ||
		    sig == SIGPIPE) {
			char name[32];
			fprintf(m->log, "sdvf: %s received, stopping\n",
				signal_name(sig, name, sizeof(name)));
			return;
		}
		reap(m);
		restart_due(m);
	}
	if (!m->opt->quiet)
		fprintf(m->log, "sdvf: every PD has ended\n");
}

static void end_text(const struct monitor_pd *p, char *buf, size_t len)
{
	char sig[32];
	if (!p->ended)
		snprintf(buf, len, p->pid > 0 ? "running" : "never started");
	else if (p->stopping && p->end_signal == SIGTERM)
		snprintf(buf, len, "stopped");
	else if (p->stopping && p->end_signal == SIGKILL)
		snprintf(buf, len, "killed after grace period");
	else if (p->end_signal)
		snprintf(buf, len, "killed by %s",
			 signal_name(p->end_signal, sig, sizeof(sig)));
	else
		snprintf(buf, len, "exited with status %d", p->end_status);
}

static void print_summary(struct monitor *m)
{
	struct sdvf_stats_header *h = m->launch.stats.header;
	double secs = (double)(monotonic_ns() - m->started_ns) / 1e9;
	fprintf(m->log, "sdvf: summary of '%s' after %.1f s\n", h->system,
		secs);
	fprintf(m->log, "  %-16s %7s %12s %12s %8s  %s\n", "PD", "PID",
		"ACTIVATIONS", "NOTIFIES", "RESTARTS", "END");
	for (int i = 0; i < m->launch.sys->npds; i++) {
		const struct sdvf_stats_slot *s = sdvf_stats_slot_of(h, i);
		char end[64];
		end_text(&m->pd[i], end, sizeof(end));
		fprintf(m->log, "  %-16s %7d %12llu %12llu %8d  %s\n",
			m->launch.sys->pds[i].name, (int)m->pd[i].pid,
			(unsigned long long)atomic_load(&s->activations),
			(unsigned long long)atomic_load(&s->notifications),
			m->pd[i].restarts, end);
	}
}

static int exit_status(const struct monitor *m)
{
	for (int i = 0; i < m->launch.sys->npds; i++) {
		if (m->pd[i].failed)
			return 1;
	}
	return 0;
}

static int start_all(struct monitor *m)
{
	for (int i = 0; i < m->launch.sys->npds; i++) {
		if (start_pd(m, i) < 0)
			return -1;
	}
	return 0;
}

int sdvf_hosted_run(const struct sdvf_system *sys,
		    const struct sdvf_run_options *opt)
{
	static const struct sdvf_run_options defaults = {0};
	struct monitor *m = calloc(1, sizeof(*m));
	if (!m)
		return 1;
	m->opt = opt ? opt : &defaults;
	m->log = m->opt->log ? m->opt->log : stderr;
	m->max_restarts = m->opt->max_restarts > 0 ? m->opt->max_restarts
						   : DEFAULT_MAX_RESTARTS;
	m->launch.sys = sys;
	m->launch.launcher_pid = getpid();
	init_fds(&m->launch);

	/* Stop signals and child deaths are taken synchronously by the
	 * monitor loop (sigtimedwait); PDs unblock them after fork. */
	sigset_t stop_set, old_set;
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGINT);
	sigaddset(&stop_set, SIGTERM);
	sigaddset(&stop_set, SIGHUP);  /* the terminal went away */
	sigaddset(&stop_set, SIGPIPE); /* so did the reader of the log */
	sigaddset(&stop_set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &stop_set, &old_set);

	int status = 1;
	if (create_all(&m->launch, m->log) == 0 &&
	    sdvf_stats_publish(&m->launch.stats, m->log) == 0) {
		m->started_ns = monotonic_ns();
		if (!m->opt->quiet)
			fprintf(m->log,
				"sdvf: running '%s': %d PDs (stats: %s)\n",
				m->launch.stats.header->system, sys->npds,
				m->launch.stats.path);
		bool started = start_all(m) == 0;
		if (started)
			monitor_loop(m, &stop_set);
		stop_all(m);
		print_summary(m); /* --quiet keeps errors and the summary */
		status = started ? exit_status(m) : 1;
	}
	close_all(&m->launch);
	sigprocmask(SIG_SETMASK, &old_set, NULL);
	free(m);
	return status;
}
