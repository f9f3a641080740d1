/*
 * The hosted launcher and monitor (sdvf_hosted_run): create every region and
 * channel, start one process per PD (core/hosted/hosted_image.c), close the
 * region fds no restartable PD needs and let the PDs run, then watch them:
 * pass on their log lines (core/hosted/hosted_log.c), report deaths and
 * failures, restart restartable PDs once the PDs at the other end of their
 * channels have reset what they share (peer_restart, through the control
 * sockets of core/hosted/hosted_control.c), and on SIGINT/SIGTERM or the
 * duration stop them all and print a summary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/hosted/hosted.h"
#include "core/hosted/hosted_internal.h"
#include "core/hosted/hosted_wake.h"
#include "core/sysdesc/sysdesc.h"

#define DEFAULT_MAX_RESTARTS 5
#define RESTART_BACKOFF_MS 100 /* times the restart number, capped */
#define RESTART_BACKOFF_MAX_MS 1000
#define DEFAULT_STOP_GRACE_MS 2000
/* PD i runs as uid = gid = SDVF_UID_BASE + i when the launcher is root:
 * above the ranges systemd hands out (containers end at 1879048191) and
 * below 2^31, which some tools still mishandle. */
#define DEFAULT_UID_BASE 2000000000u

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
	struct hosted_log_stream log; /* its bucket spans restarts */
	struct hosted_ctl ctl;	      /* its failures count over restarts */
	uint64_t failures_told;	      /* ctl.failures already reported */
	/* It did not answer a peer_restart request: broken, and the run
	 * fails even though its process lives. */
	bool peer_restart_missed;
};

struct monitor {
	struct hosted_launch launch;
	struct monitor_pd pd[SDVF_MAX_PDS];
	const struct sdvf_run_options *opt;
	FILE *log;
	int max_restarts;
	uint64_t started_ns;
	int signal_fd; /* SIGINT, SIGTERM, SIGCHLD */
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
	for (int c = 0; c < SDVF_MAX_CHANNELS; c++)
		l->chan_bell_fd[c] = -1;
	l->stats.fd = -1;
	l->exe_fd = -1;
	l->start_fd = -1;
}

/* The stats file granted read-only: an O_RDONLY fd of it only (no rw fd
 * to hand out), so no PD can write it or mprotect its mapping writable.
 * The launcher never resizes the file while PDs run. */
static int grant_stats(struct hosted_launch *l, int r, FILE *log)
{
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", l->stats.fd);
	l->region_ro_fd[r] = open(proc, O_RDONLY | O_CLOEXEC);
	if (l->region_ro_fd[r] >= 0)
		return 0;
	fprintf(log, "sdvf: region '%s' (the stats file): %s\n",
		SDVF_STATS_REGION, strerror(errno));
	return -1;
}

static int create_region(struct hosted_launch *l, int r, FILE *log)
{
	const struct sdvf_sys_region *reg = &l->sys->regions[r];
	if (reg->stats)
		return grant_stats(l, r, log);
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
	/* Fixed size, like a region: no end can truncate it under the
	 * other (SIGBUS). */
	int fd = memfd_create("sdvf-bells", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	l->chan_bell_fd[c] = fd;
	if (fd < 0 || ftruncate(fd, HOSTED_BELL_PAGE_BYTES) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) <
		    0) {
		fprintf(log, "sdvf: channel '%s': bell page: %s\n",
			l->sys->channels[c].name, strerror(errno));
		return -1;
	}
	return 0;
}

static int create_all(struct hosted_launch *l, FILE *log)
{
	/* first: a region may be a read-only grant of it */
	if (sdvf_stats_create(&l->stats, l->sys, log) < 0)
		return -1;
	for (int r = 0; r < l->sys->nregions; r++) {
		if (create_region(l, r, log) < 0)
			return -1;
	}
	for (int c = 0; c < l->sys->nchannels; c++) {
		if (create_channel(l, c, log) < 0)
			return -1;
	}
	/* PDs exec this very binary, even if the file is replaced meanwhile. */
	l->exe_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (l->exe_fd < 0) {
		fprintf(log, "sdvf: /proc/self/exe: %s\n", strerror(errno));
		return -1;
	}
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
		if (l->chan_bell_fd[c] >= 0)
			close(l->chan_bell_fd[c]);
	}
	if (l->stats.fd >= 0)
		sdvf_stats_destroy(&l->stats);
	if (l->exe_fd >= 0)
		close(l->exe_fd);
	if (l->start_fd >= 0)
		close(l->start_fd);
}

/* Once every PD has started: keep only the region fds a restartable PD will
 * map again (the rw or ro one, as granted), close the rest.  PDs keep none
 * themselves, so after this a region not granted to a restartable PD has
 * no fd anywhere. */
static void close_unneeded_region_fds(struct hosted_launch *l)
{
	bool need_rw[SDVF_MAX_REGIONS] = {0}, need_ro[SDVF_MAX_REGIONS] = {0};
	for (int i = 0; i < l->sys->npds; i++) {
		const struct sdvf_sys_pd *d = &l->sys->pds[i];
		for (int k = 0; d->restartable && k < d->nmaps; k++) {
			if (d->maps[k].rights & SDVF_W)
				need_rw[d->maps[k].region] = true;
			else
				need_ro[d->maps[k].region] = true;
		}
	}
	for (int r = 0; r < l->sys->nregions; r++) {
		if (!need_rw[r] && l->region_rw_fd[r] >= 0) {
			close(l->region_rw_fd[r]);
			l->region_rw_fd[r] = -1;
		}
		if (!need_ro[r] && l->region_ro_fd[r] >= 0) {
			close(l->region_ro_fd[r]);
			l->region_ro_fd[r] = -1;
		}
	}
}

/* ---- starting and reaping ------------------------------------------------ */

static struct sdvf_stats_pd *stats_pd(struct monitor *m, int i)
{
	return &m->launch.stats.header->pd[i];
}

#define STORE(field, v) atomic_store_explicit(&(field), v, memory_order_relaxed)

/* PD i's log pipe and control socket: the child's ends, or -1. */
static int open_pd_ends(struct monitor *m, int i, int *log_fd, int *ctl_fd)
{
	const char *name = m->launch.sys->pds[i].name;
	*log_fd = hosted_log_open(&m->pd[i].log, name, m->log);
	if (*log_fd < 0) {
		fprintf(m->log, "sdvf: pd '%s': log pipe: %s\n", name,
			strerror(errno));
		return -1;
	}
	*ctl_fd = hosted_ctl_open(&m->pd[i].ctl);
	if (*ctl_fd < 0) {
		fprintf(m->log, "sdvf: pd '%s': control socket: %s\n", name,
			strerror(errno));
		close(*log_fd);
		return -1;
	}
	return 0;
}

/* Start PD i's process: its own, or its group's (every member, one
 * process; started with the group's first member, so a later member has
 * nothing left to do). */
static int start_pd(struct monitor *m, int i)
{
	int members[SDVF_MAX_GROUP], log_fd[SDVF_MAX_GROUP],
		ctl_fd[SDVF_MAX_GROUP];
	int n = sdvf_system_group(m->launch.sys, i, members);
	if (members[0] != i)
		return m->pd[i].pid > 0 ? 0 : -1;
	for (int k = 0; k < n; k++) {
		if (open_pd_ends(m, members[k], &log_fd[k], &ctl_fd[k]) == 0)
			continue;
		while (k-- > 0) {
			close(log_fd[k]);
			close(ctl_fd[k]);
		}
		return -1;
	}
	/* The child must not inherit unwritten stdio output. */
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		hosted_group_exec(&m->launch, members, n, log_fd, ctl_fd);
	int err = errno;
	for (int k = 0; k < n; k++) {
		close(log_fd[k]); /* the PD holds the only write end: EOF when
				     it dies */
		close(ctl_fd[k]);
	}
	if (pid < 0) {
		fprintf(m->log, "sdvf: pd '%s': fork: %s\n",
			m->launch.sys->pds[i].name, strerror(err));
		return -1;
	}
	for (int k = 0; k < n; k++) {
		int j = members[k];
		m->pd[j].pid = pid;
		m->pd[j].restart_at = 0;
		m->pd[j].ended = false;
		STORE(stats_pd(m, j)->pid, pid);
		STORE(stats_pd(m, j)->state, SDVF_PD_RUNNING);
	}
	return 0;
}

/* ---- control sockets: failures and peer restarts ------------------------ */

/* Take what PD i sent on its control socket; say each new failure it
 * reports, once: it makes the run end with status 1. */
static void pump_control(struct monitor *m, int i)
{
	struct monitor_pd *p = &m->pd[i];
	hosted_ctl_pump(&p->ctl);
	for (; p->failures_told < p->ctl.failures; p->failures_told++)
		fprintf(m->log,
			"sdvf: pd '%s' reports it can no longer make progress "
			"(its log says why); the run will end with status 1\n",
			m->launch.sys->pds[i].name);
}

/* The PD at the other end of PD `pd`'s local channel k, and its own local
 * id for that channel; false if there is none (or it is `pd` itself). */
static bool peer_end(const struct sdvf_system *sys, int pd, int k, int *peer,
		     int *local)
{
	int c = sys->pds[pd].chans[k].channel;
	const struct sdvf_sys_channel *sc = &sys->channels[c];
	*peer = sc->pd[0] == pd ? sc->pd[1] : sc->pd[0];
	if (*peer == pd || *peer < 0 || *peer >= sys->npds)
		return false;
	for (int j = 0; j < sys->pds[*peer].nchans; j++) {
		if (sys->pds[*peer].chans[j].channel == c) {
			*local = j;
			return true;
		}
	}
	return false;
}

/* A PD sleeping in futex mode watches no control socket: ring its bell on
 * channel c too (core/hosted/hosted_wake.h, HOSTED_BELL_CONTROL). */
static void ring_control(struct monitor *m, int c, int pd)
{
	const struct sdvf_sys_channel *sc = &m->launch.sys->channels[c];
	hosted_wake_ring_control_fd(m->launch.chan_bell_fd[c],
				    sc->pd[0] == pd ? 0 : 1);
}

/* Ask every running PD at the other end of one of dead's channels to run
 * peer_restart for it.  One not running needs nothing: it starts fresh, and
 * when it does, dead (running again by then) resets for it. */
static void ask_peers(struct monitor *m, int dead, bool asked[])
{
	const struct sdvf_system *sys = m->launch.sys;
	for (int k = 0; k < sys->pds[dead].nchans; k++) {
		int peer, local;
		if (!peer_end(sys, dead, k, &peer, &local) ||
		    m->pd[peer].pid <= 0 || m->pd[peer].ended)
			continue;
		if (!sys->pds[peer].component->peer_restart)
			fprintf(m->log,
				"sdvf: pd '%s' has no peer_restart: what it "
				"shares with '%s' is not reset\n",
				sys->pds[peer].name, sys->pds[dead].name);
		else if (hosted_ctl_ask_peer_restart(&m->pd[peer].ctl,
						     (uint32_t)local)) {
			asked[peer] = true;
			ring_control(m, sys->pds[dead].chans[k].channel, peer);
		}
	}
}

static bool peer_pending(const struct monitor *m, int i, const bool asked[])
{
	const struct hosted_ctl *c = &m->pd[i].ctl;
	return asked[i] && c->fd >= 0 && c->answered != c->asked;
}

/* Until every asked peer has answered, or the time is up, passing on log
 * lines meanwhile (a peer may log from its hook). */
static void wait_for_peers(struct monitor *m, const bool asked[])
{
	int npds = m->launch.sys->npds;
	uint64_t give_up =
		monotonic_ns() + HOSTED_PEER_RESTART_TIMEOUT_MS * 1000000ull;
	for (uint64_t now = monotonic_ns(); now < give_up;
	     now = monotonic_ns()) {
		struct pollfd fds[2 * SDVF_MAX_PDS];
		int n = 0;
		for (int i = 0; i < npds; i++) {
			if (peer_pending(m, i, asked))
				fds[n++] = (struct pollfd){m->pd[i].ctl.fd,
							   POLLIN, 0};
			if (m->pd[i].log.fd >= 0)
				fds[n++] = (struct pollfd){m->pd[i].log.fd,
							   POLLIN, 0};
		}
		bool waiting = false;
		for (int i = 0; i < npds; i++)
			waiting |= peer_pending(m, i, asked);
		if (!waiting)
			return;
		uint64_t left = give_up - now;
		struct timespec ts = {(time_t)(left / 1000000000ull),
				      (long)(left % 1000000000ull)};
		ppoll(fds, (nfds_t)n, &ts, NULL);
		for (int i = 0; i < npds; i++) {
			if (asked[i])
				pump_control(m, i);
			hosted_log_pump(&m->pd[i].log,
					m->launch.sys->pds[i].name, m->log);
		}
	}
}

/*
 * A PD died and will be restarted.  First every running PD at the other end
 * of one of its channels resets what it shares with it and takes back what
 * it held (peer_restart, core/pd.h), so the new process attaches to fresh
 * queues.  The wait is bounded: a peer that does not answer within
 * HOSTED_PEER_RESTART_TIMEOUT_MS is broken; it is said, it makes the run
 * fail, and the PD restarts anyway (the others need it).
 */
static void before_restart(struct monitor *m, int i)
{
	const struct sdvf_system *sys = m->launch.sys;
	bool asked[SDVF_MAX_PDS] = {0};
	STORE(stats_pd(m, i)->restarts, (uint32_t)m->pd[i].restarts);
	ask_peers(m, i, asked);
	wait_for_peers(m, asked);
	for (int peer = 0; peer < sys->npds; peer++) {
		if (!peer_pending(m, peer, asked))
			continue;
		fprintf(m->log,
			"sdvf: pd '%s' did not reset what it shares with '%s' "
			"within %d ms; restarting '%s' anyway\n",
			sys->pds[peer].name, sys->pds[i].name,
			HOSTED_PEER_RESTART_TIMEOUT_MS, sys->pds[i].name);
		m->pd[peer].peer_restart_missed = true;
	}
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
	hosted_log_finish(&p->log, d->name, m->log); /* its last words first */
	pump_control(m, i);
	hosted_ctl_close(&p->ctl);
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

/* Process `pid` ended with `status`: every PD it ran (a group's members
 * die together). */
static void reaped(struct monitor *m, pid_t pid, int status)
{
	for (int j = 0; j < m->launch.sys->npds; j++) {
		if (m->pd[j].pid == pid && !m->pd[j].ended)
			report_death(m, j, status);
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
			reaped(m, p->pid, status);
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

/* ---- waiting: signals and log pipes ------------------------------------- */

/* Wait up to wait_ns for a signal or a log line, passing on every line
 * that arrives.  Returns SIGINT or SIGTERM if one came, else 0 (a SIGCHLD
 * only wakes us: the caller reaps). */
static int monitor_wait(struct monitor *m, uint64_t wait_ns)
{
	struct pollfd fds[1 + 2 * SDVF_MAX_PDS];
	int pd_of[1 + 2 * SDVF_MAX_PDS];
	int n = 0;
	fds[n++] = (struct pollfd){.fd = m->signal_fd, .events = POLLIN};
	for (int i = 0; i < m->launch.sys->npds; i++) {
		if (m->pd[i].log.fd >= 0) {
			pd_of[n] = i;
			fds[n++] = (struct pollfd){.fd = m->pd[i].log.fd,
						   .events = POLLIN};
		}
		if (m->pd[i].ctl.fd >= 0) {
			pd_of[n] = i;
			fds[n++] = (struct pollfd){.fd = m->pd[i].ctl.fd,
						   .events = POLLIN};
		}
	}
	struct timespec ts = {(time_t)(wait_ns / 1000000000ull),
			      (long)(wait_ns % 1000000000ull)};
	if (ppoll(fds, (nfds_t)n, &ts, NULL) <= 0)
		return 0;
	for (int k = 1; k < n; k++) {
		int i = pd_of[k];
		if (!fds[k].revents)
			continue;
		if (fds[k].fd == m->pd[i].log.fd)
			hosted_log_pump(&m->pd[i].log,
					m->launch.sys->pds[i].name, m->log);
		else
			pump_control(m, i);
	}
	int stop = 0;
	struct signalfd_siginfo si;
	while (read(m->signal_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM ||
		    si.ssi_signo == SIGHUP || si.ssi_signo == SIGPIPE)
			stop = (int)si.ssi_signo;
	}
	return stop;
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
		monitor_wait(m, 5000000ull); /* a second stop signal: ignored */
		reap(m);
	}
	for (int i = 0; i < m->launch.sys->npds; i++) {
		struct monitor_pd *p = &m->pd[i];
		int status;
		if (p->pid <= 0 || p->ended)
			continue;
		kill(p->pid, SIGKILL);
		if (waitpid(p->pid, &status, 0) == p->pid)
			reaped(m, p->pid, status);
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
static void monitor_loop(struct monitor *m)
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
		int sig = monitor_wait(m, next_wakeup_ns(m, deadline));
		if (sig) {
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
	int width = 16; /* the name column: as wide as the longest name */
	for (int i = 0; i < m->launch.sys->npds; i++) {
		int len = (int)strlen(m->launch.sys->pds[i].name);
		width = len > width ? len : width;
	}
	fprintf(m->log, "  %-*s %7s %12s %12s %8s  %s\n", width, "PD", "PID",
		"ACTIVATIONS", "NOTIFIES", "RESTARTS", "END");
	for (int i = 0; i < m->launch.sys->npds; i++) {
		const struct sdvf_stats_slot *s = sdvf_stats_slot_of(h, i);
		char end[64];
		end_text(&m->pd[i], end, sizeof(end));
		fprintf(m->log, "  %-*s %7d %12llu %12llu %8d  %s\n", width,
			m->launch.sys->pds[i].name, (int)m->pd[i].pid,
			(unsigned long long)atomic_load(&s->activations),
			(unsigned long long)atomic_load(&s->notifications),
			m->pd[i].restarts, end);
	}
}

/* 1 if a PD is down after an abnormal death, reported that it can no
 * longer make progress, or left a peer_restart unanswered. */
static int exit_status(const struct monitor *m)
{
	for (int i = 0; i < m->launch.sys->npds; i++) {
		const struct monitor_pd *p = &m->pd[i];
		if (p->failed || p->ctl.failures || p->peer_restart_missed)
			return 1;
	}
	return 0;
}

/* How long a PD may busy-poll its bells before it sleeps
 * (core/hosted/hosted_wake.h): $SDVF_POLL_US, microseconds, default 0. */
#define POLL_US_MAX 10000
static int plan_poll(struct monitor *m)
{
	const char *env = getenv("SDVF_POLL_US");
	if (!env)
		return 0;
	char *end;
	errno = 0;
	unsigned long long us = strtoull(env, &end, 10);
	if (*env == '\0' || *end != '\0' || errno || us > POLL_US_MAX) {
		fprintf(m->log,
			"sdvf: SDVF_POLL_US '%s': expected microseconds "
			"0..%d (0: PDs never spin before they sleep)\n",
			env, POLL_US_MAX);
		return -1;
	}
	m->launch.poll_ns = us * 1000ull;
	return 0;
}

/* Which uids PDs get: their own when we are root (checked here, so a bad
 * SDVF_UID_BASE stops the run before any PD starts), else ours, said once. */
static int plan_uids(struct monitor *m)
{
	struct hosted_launch *l = &m->launch;
	const char *env = getenv("SDVF_UID_BASE");
	unsigned long long base = DEFAULT_UID_BASE;
	if (env) {
		char *end;
		errno = 0;
		base = strtoull(env, &end, 10);
		if (*env == '\0' || *end != '\0' || errno || base == 0 ||
		    base + (unsigned)l->sys->npds > UINT32_MAX) {
			fprintf(m->log,
				"sdvf: SDVF_UID_BASE '%s': expected a number "
				"1..%llu (PDs get uids BASE..BASE+%d)\n",
				env,
				(unsigned long long)UINT32_MAX - l->sys->npds,
				l->sys->npds - 1);
			return -1;
		}
	}
	l->uid_base = (uint32_t)base;
	l->own_uids = geteuid() == 0;
	if (!l->own_uids)
		fprintf(m->log,
			"sdvf: not running as root: every PD keeps uid %u (no "
			"uid of its own); no capabilities, no_new_privs, not "
			"dumpable and its seccomp filter still apply\n",
			(unsigned)geteuid());
	return 0;
}

/* Start every PD behind the barrier, close what no restartable PD needs,
 * then release them all: no component code runs before the close. */
static int start_all(struct monitor *m)
{
	int barrier[2];
	if (pipe2(barrier, O_CLOEXEC) < 0) {
		fprintf(m->log, "sdvf: start barrier: %s\n", strerror(errno));
		return -1;
	}
	m->launch.start_fd = barrier[0];
	int rc = 0;
	for (int i = 0; i < m->launch.sys->npds && rc == 0; i++)
		rc = start_pd(m, i);
	close_unneeded_region_fds(&m->launch);
	close(barrier[1]);	   /* EOF: every PD may go on */
	close(m->launch.start_fd); /* restarts need no barrier */
	m->launch.start_fd = -1;
	return rc;
}

static void finish_logs(struct monitor *m)
{
	for (int i = 0; i < m->launch.sys->npds; i++) {
		struct hosted_log_stream *s = &m->pd[i].log;
		hosted_log_finish(s, m->launch.sys->pds[i].name, m->log);
		if (s->fd >= 0)
			close(s->fd);
		hosted_ctl_close(&m->pd[i].ctl);
	}
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
	for (int i = 0; i < SDVF_MAX_PDS; i++) {
		hosted_log_init(&m->pd[i].log);
		hosted_ctl_init(&m->pd[i].ctl);
	}

	/* Stop signals and child deaths are taken synchronously by the
	 * monitor loop (a signalfd); PDs unblock them after the exec. */
	sigset_t stop_set, old_set;
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGINT);
	sigaddset(&stop_set, SIGTERM);
	sigaddset(&stop_set, SIGHUP);  /* the terminal went away */
	sigaddset(&stop_set, SIGPIPE); /* so did the reader of the log */
	sigaddset(&stop_set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &stop_set, &old_set);
	m->signal_fd = signalfd(-1, &stop_set, SFD_NONBLOCK | SFD_CLOEXEC);
	/* Not dumpable while it holds region fds: a process of our uid (the
	 * PDs, when we are not root) cannot open /proc/<us>/fd or trace us. */
	int was_dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

	int status = 1;
	if (m->signal_fd < 0) {
		fprintf(m->log, "sdvf: signalfd: %s\n", strerror(errno));
	} else if (plan_uids(m) == 0 && plan_poll(m) == 0 &&
		   hosted_wake_plan(m->log, &m->launch.wake_futex) == 0 &&
		   create_all(&m->launch, m->log) == 0 &&
		   sdvf_stats_publish(&m->launch.stats, m->log) == 0) {
		m->started_ns = monotonic_ns();
		if (!m->opt->quiet)
			fprintf(m->log,
				"sdvf: running '%s': %d PDs (stats: %s)\n",
				m->launch.stats.header->system, sys->npds,
				m->launch.stats.path);
		bool started = start_all(m) == 0;
		if (started && !m->opt->quiet) /* where the clients are */
			sdvf_system_print_net_clients(sys, "sdvf: ", m->log);
		if (started)
			monitor_loop(m);
		stop_all(m);
		finish_logs(m);
		print_summary(m); /* --quiet keeps errors and the summary */
		status = started ? exit_status(m) : 1;
	}
	close_all(&m->launch);
	if (m->signal_fd >= 0)
		close(m->signal_fd);
	if (was_dumpable > 0)
		prctl(PR_SET_DUMPABLE, was_dumpable, 0, 0, 0);
	sigprocmask(SIG_SETMASK, &old_set, NULL);
	free(m);
	return status;
}
