/*
 * A hosted PD process, after the exec (core/hosted/hosted_image.c): build
 * the sandbox from its image (its regions with exactly the granted rights,
 * its stats slot, exactly its fds, core pinning), wait for the launcher's
 * start barrier, confine itself (core/hosted/hosted_confine.c) and run
 * init() and the event loop.  A role that sets up host I/O (device, VMM)
 * runs init() before its confinement, the others after.  The loop also
 * serves the PD's control socket (core/hosted/hosted_internal.h): the
 * monitor's peer_restart requests, each answered once the component's hook
 * has returned.  The runtime ops a component calls are in
 * core/hosted/hosted_ops.c.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "core/hosted/hosted_pd.h"
#include "core/sysdesc/sysdesc.h"

_Noreturn void hosted_setup_fail(const char *what, int err)
{
	char line[HOSTED_LOG_LINE_MAX];
	int n = snprintf(line, sizeof(line), "error: %s: %s\n", what,
			 strerror(err));
	if (n > 0)
		(void)!write(2, line,
			     (size_t)n < sizeof(line) ? (size_t)n
						      : sizeof(line) - 1);
	_exit(HOSTED_EXIT_SETUP);
}

/* ---- sandbox ------------------------------------------------------------ */

/* Map each region with its grant's fd (read-only grants: the O_RDONLY fd),
 * then close the fd: the PD keeps no region fd. */
static void map_regions(struct hosted_pd *h)
{
	for (int i = 0; i < h->desc->nmaps; i++) {
		const struct sdvf_sys_map *m = &h->desc->maps[i];
		const struct sdvf_sys_region *r = &h->own.regions[m->region];
		bool writable = (m->rights & SDVF_W) != 0;
		int prot = PROT_READ | (writable ? PROT_WRITE : 0);
		void *base = r->uio_device[0]
				     ? hosted_uio_map(r, prot)
				     : mmap(NULL, r->size, prot, MAP_SHARED,
					    h->img->region_fd[i], 0);
		if (base == MAP_FAILED)
			hosted_setup_fail(r->name, errno);
		h->regions[i] = (struct sdvf_region){
			.name = m->local,
			.base = base,
			.size = r->size,
			.io_addr = r->io_addr,
			.has_io = r->has_io,
			.rights = writable ? SDVF_RW : SDVF_R,
		};
	}
	h->nregions = h->desc->nmaps;
}

static void map_stats_slot(struct hosted_pd *h)
{
	off_t offset = (off_t)SDVF_STATS_HEADER_BYTES +
		       (off_t)SDVF_STATS_SLOT_BYTES * h->img->index;
	void *slot = mmap(NULL, SDVF_STATS_SLOT_BYTES, PROT_READ | PROT_WRITE,
			  MAP_SHARED, h->img->stats_fd, offset);
	if (slot == MAP_FAILED)
		hosted_setup_fail("stats slot", errno);
	h->stats = slot;
}

/* The eventfds, and each channel's bell page (then its fd is closed). */
static void bind_channels(struct hosted_pd *h)
{
	for (int i = 0; i < h->desc->nchans; i++) {
		h->wake_fd[i] = h->img->wake_fd[i];
		h->signal_fd[i] = h->img->signal_fd[i];
		struct hosted_bell_page *page = mmap(
			NULL, HOSTED_BELL_PAGE_BYTES, PROT_READ | PROT_WRITE,
			MAP_SHARED, h->img->bell_fd[i], 0);
		if (page == MAP_FAILED)
			hosted_setup_fail("bell page", errno);
		int end = h->img->bell_end[i] ? 1 : 0;
		h->wake.mine[i] = &page->end[end];
		h->wake.peer[i] = &page->end[1 - end];
	}
	h->nchans = h->desc->nchans;
	h->wake.nchans = h->nchans;
	h->wake.signal_fd = h->signal_fd;
	h->wake.poll_ns = h->img->poll_ns;
	/* Futex mode only for a PD with bells to wait on and no host fd to
	 * watch (hosted_wake.h); the others, and any PD on a kernel without
	 * futex_waitv, stay on epoll. */
	h->wake.futex = h->img->wake_futex && h->nchans > 0 &&
			!hosted_role_sets_up_host(h->desc->component->role) &&
			hosted_futex_available();
	for (int i = 0; i < h->nchans; i++) {
		/* An earlier incarnation may have died spinning or asleep. */
		atomic_store(&h->wake.mine[i]->polling, h->wake.futex ? 1 : 0);
		atomic_store(&h->wake.mine[i]->sleeping, 0);
	}
	hosted_wake_counters(&h->wake, &h->stats->counters, &h->counter_claims);
}

static void *alloc_state(struct hosted_pd *h)
{
	size_t bytes = h->desc->component->state_size;
	if (bytes == 0)
		bytes = 1;
	/* Anonymous memory is zeroed, as the PD API promises. */
	void *state = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (state == MAP_FAILED)
		hosted_setup_fail("component state", errno);
	return state;
}

/* The fds mapped: a PD keeps no region, stats or bell fd.  Closed once
 * every PD of the process has mapped its own (a group's members share
 * some: twice is a harmless EBADF). */
void hosted_pd_close_mapped(const struct hosted_pd *h)
{
	for (int i = 0; i < h->desc->nmaps; i++)
		close(h->img->region_fd[i]);
	close(h->img->stats_fd);
	for (int i = 0; i < h->desc->nchans; i++)
		close(h->img->bell_fd[i]);
}

/* Map everything PD h's image grants, bind its channels, allocate its
 * state; the fds stay open (hosted_pd_close_mapped). */
void hosted_pd_setup(struct hosted_pd *h)
{
	h->log_fd = h->img->log_fd;
	map_regions(h);
	map_stats_slot(h);
	bind_channels(h);
	h->state = alloc_state(h);
}

/* h's timerfd, and its timer, channels and control socket in epoll_fd,
 * each tagged with `member` (a group's index; 0 alone). */
void hosted_pd_events(struct hosted_pd *h, int epoll_fd, uint32_t member)
{
	h->epoll_fd = epoll_fd;
	h->timer_fd =
		timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (h->timer_fd < 0)
		hosted_setup_fail("timerfd_create", errno);
	struct epoll_event ev = {.events = EPOLLIN,
				 .data.u64 = WAKE_OF(member, WAKE_TIMER, 0)};
	if (epoll_ctl(h->epoll_fd, EPOLL_CTL_ADD, h->timer_fd, &ev) < 0)
		hosted_setup_fail("epoll_ctl timer", errno);
	/* Edge-triggered: each write of the peer is one event, so the count
	 * is never read (the bell says whether work is pending); a system
	 * call less per wake-up.  The count cannot fill up in practice
	 * (2^64 - 2 signals); a peer that fills it on purpose only silences
	 * its own signals. */
	ev.events = EPOLLIN | EPOLLET;
	for (int i = 0; i < h->nchans; i++) {
		ev.data.u64 = WAKE_OF(member, WAKE_CHANNEL, i);
		if (epoll_ctl(h->epoll_fd, EPOLL_CTL_ADD, h->wake_fd[i], &ev) <
		    0)
			hosted_setup_fail("epoll_ctl channel", errno);
	}
	h->ctl_fd = h->img->ctl_fd;
	ev.data.u64 = WAKE_OF(member, WAKE_CONTROL, 0);
	if (epoll_ctl(h->epoll_fd, EPOLL_CTL_ADD, h->ctl_fd, &ev) < 0)
		hosted_setup_fail("epoll_ctl control socket", errno);
}

static void make_event_fds(struct hosted_pd *h)
{
	int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (epoll_fd < 0)
		hosted_setup_fail("epoll_create1", errno);
	hosted_pd_events(h, epoll_fd, 0);
}

int hosted_pd_runtime_fds(const struct hosted_pd *h, int *fds)
{
	int n = 0;
	fds[n++] = h->log_fd;
	fds[n++] = h->epoll_fd;
	fds[n++] = h->timer_fd;
	fds[n++] = h->ctl_fd;
	for (int i = 0; i < h->nchans; i++) {
		fds[n++] = h->wake_fd[i];
		fds[n++] = h->signal_fd[i];
	}
	return n;
}

bool hosted_fd_in(int fd, const int *fds, int n)
{
	for (int i = 0; i < n; i++) {
		if (fds[i] == fd)
			return true;
	}
	return false;
}

/* Close every fd but the runtime's of the n PDs of this process and the
 * start barrier.  After the exec only those and the ones already closed
 * (region, stats, image) were inherited: this is a check that stays true
 * if that ever changes. */
void hosted_close_other_fds(struct hosted_pd *const *pds, int npds)
{
	static int keep[SDVF_MAX_GROUP * HOSTED_PD_RUNTIME_FDS + 1];
	int n = 0;
	for (int k = 0; k < npds; k++)
		n += hosted_pd_runtime_fds(pds[k], keep + n);
	keep[n++] = pds[0]->img->start_fd;
	int max = 0;
	for (int i = 0; i < n; i++)
		max = keep[i] > max ? keep[i] : max;
	for (int fd = 0; fd <= max; fd++) {
		if (!hosted_fd_in(fd, keep, n))
			close(fd);
	}
	if (close_range((unsigned)max + 1, ~0u, 0) < 0)
		hosted_setup_fail("close_range", errno);
}

void hosted_collect_host_fds(struct hosted_pd *const *pds, int npds,
			     const int *taken, int ntaken,
			     struct hosted_pd_fds *fds)
{
	static int own[SDVF_MAX_GROUP * HOSTED_PD_RUNTIME_FDS];
	int n = 0;
	for (int k = 0; k < npds; k++)
		n += hosted_pd_runtime_fds(pds[k], own + n);
	DIR *dir = opendir("/proc/self/fd");
	if (!dir)
		hosted_setup_fail("listing the fds init opened", errno);
	struct dirent *de;
	while ((de = readdir(dir)) != NULL) {
		int fd = atoi(de->d_name);
		if (de->d_name[0] == '.' || fd == dirfd(dir) ||
		    hosted_fd_in(fd, own, n) || hosted_fd_in(fd, taken, ntaken))
			continue;
		if (fds->nhost == HOSTED_MAX_HOST_FDS)
			hosted_setup_fail("init opened too many host fds",
					  EMFILE);
		fds->host_fd[fds->nhost++] = fd;
	}
	closedir(dir);
}

void hosted_pin_to_core(struct hosted_pd *h)
{
	if (h->desc->core < 0)
		return;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(h->desc->core, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		hosted_setup_fail("pinning to its core", errno);
}

/* Die with the launcher, and leave signal handling to it: the terminal's
 * SIGINT and SIGHUP reach the whole process group, but only the launcher
 * decides how PDs stop (SIGTERM from it, default action).  The launcher
 * blocked these signals before forking us; the mask survived the exec. */
void hosted_become_child(const struct hosted_pd_image *img)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		hosted_setup_fail("PR_SET_PDEATHSIG", errno);
	if (getppid() != img->launcher_pid)
		_exit(HOSTED_EXIT_SETUP); /* the launcher is already gone */
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Block until the launcher has closed every fd it no longer needs (EOF on
 * the barrier): no component code runs before that. */
void hosted_wait_for_start(const struct hosted_pd_image *img)
{
	if (img->start_fd < 0)
		return;
	char byte;
	ssize_t n;
	while ((n = read(img->start_fd, &byte, 1)) != 0) {
		if (n < 0 && errno != EINTR)
			hosted_setup_fail("start barrier", errno);
	}
	close(img->start_fd);
}

struct hosted_pd_fds hosted_pd_fds_of(const struct hosted_pd *h)
{
	return (struct hosted_pd_fds){.futex_wait = h->wake.futex,
				      .epoll_fd = h->epoll_fd,
				      .timer_fd = h->timer_fd,
				      .log_fd = h->log_fd,
				      .ctl_fd = h->ctl_fd,
				      .wake_fd = h->wake_fd,
				      .signal_fd = h->signal_fd,
				      .nchans = h->nchans};
}

static void confine(struct hosted_pd *h, bool with_host_fds)
{
	struct hosted_confinement c = {
		.role = h->desc->component->role,
		.own_uid = h->img->own_uid,
		.uid = h->img->uid,
		.launcher_pid = h->img->launcher_pid,
		.fds = hosted_pd_fds_of(h),
	};
	if (with_host_fds)
		hosted_collect_host_fds(&h, 1, NULL, 0, &c.fds);
	hosted_confine(&c);
}

void hosted_run_init(struct hosted_pd *h)
{
	COUNT(h->stats->starts);
	int rc = h->desc->component->init(h->state, &h->pd);
	if (rc < 0) {
		sdvf_log(&h->pd, SDVF_LOG_ERROR, "init failed (%d)", rc);
		_exit(HOSTED_EXIT_INIT);
	}
	h->ready = true;
}

/* ---- event loop --------------------------------------------------------- */

/* A signal on channel ch: to a PD of this process (a group's), a mark it
 * finds before its next wait, no system call; else its bell and, if it
 * needs one, a wake-up (hosted_wake.h). */
void hosted_signal(struct hosted_pd *h, int ch)
{
	struct hosted_pd *peer = h->local_peer[ch];
	if (peer) {
		peer->local_mask |= 1u << h->local_chan[ch];
		hosted_wake_count(&h->wake, WAKE_LOCAL_MARKS, 1);
		return;
	}
	hosted_wake_ring(&h->wake, ch);
}

void hosted_flush_deferred(struct hosted_pd *h)
{
	uint32_t mask = h->deferred_mask;
	h->deferred_mask = 0;
	while (mask) {
		int ch = __builtin_ctz(mask);
		mask &= mask - 1;
		hosted_signal(h, ch);
		COUNT(h->stats->notifications);
	}
}

void hosted_activate(struct hosted_pd *h, sdvf_channel_t ch)
{
	COUNT(h->stats->activations);
	h->active = true; /* a group member's wait must not re-enter it */
	h->desc->component->notified(h->state, &h->pd, ch);
	h->active = false;
	hosted_flush_deferred(h);
}

void hosted_activate_timer(struct hosted_pd *h)
{
	COUNT(h->stats->timer_fires);
	hosted_activate(h, SDVF_CHANNEL_TIMER);
}

/* Activate every channel whose bell is pending, each once: work that came
 * while we were busy, found without a system call.  A bell the launcher
 * rang (HOSTED_BELL_CONTROL) has us read the control socket. */
bool hosted_serve_bells(struct hosted_pd *h)
{
	uint32_t mask = hosted_wake_pending(&h->wake);
	bool served = false;
	while (mask) {
		int ch = __builtin_ctz(mask);
		mask &= mask - 1;
		uint32_t bits = hosted_wake_take(&h->wake, ch);
		if (bits & HOSTED_BELL_CONTROL)
			hosted_serve_control(h);
		if (bits & HOSTED_BELL_SIGNAL) {
			hosted_wake_count(&h->wake, WAKE_BELL_TAKEN, 1);
			hosted_activate(h, (sdvf_channel_t)ch);
			served = true;
		}
	}
	return served;
}

/* A channel's eventfd fired (edge-triggered, not read): its bell says
 * whether an activation since the signal (serve_bells) has already
 * answered it. */
void hosted_wake_channel(struct hosted_pd *h, sdvf_channel_t ch)
{
	uint32_t bits = hosted_wake_take(&h->wake, (int)ch);
	if (bits & HOSTED_BELL_CONTROL)
		hosted_serve_control(h);
	if (!(bits & HOSTED_BELL_SIGNAL)) {
		hosted_wake_count(&h->wake, WAKE_STALE, 1);
		return;
	}
	hosted_activate(h, ch);
}

void hosted_send_control(struct hosted_pd *h, const struct hosted_ctl_msg *m)
{
	/* Non-blocking; the monitor reads its socket on every wake-up, and a
	 * lost answer only makes it give up waiting (and say so). */
	(void)!write(h->ctl_fd, m, sizeof(*m));
}

/* The monitor's requests: each PEER_RESTART runs the component's hook for
 * that channel, like an activation, and is answered once it has returned.
 * The monitor is trusted; a request for a channel we do not have is still
 * refused, not passed on. */
void hosted_serve_control(struct hosted_pd *h)
{
	struct hosted_ctl_msg msg;
	ssize_t n;
	while ((n = read(h->ctl_fd, &msg, sizeof(msg))) == sizeof(msg)) {
		if (msg.kind != HOSTED_CTL_PEER_RESTART ||
		    msg.channel >= (uint32_t)h->nchans) {
			COUNT(h->stats->bad_calls);
			continue;
		}
		if (h->desc->component->peer_restart)
			h->desc->component->peer_restart(h->state, &h->pd,
							 msg.channel);
		hosted_flush_deferred(h);
		msg.kind = HOSTED_CTL_PEER_RESTART_DONE;
		hosted_send_control(h, &msg);
	}
	if (n == 0) { /* the monitor closed it: it has no use for us */
		sdvf_log(&h->pd, SDVF_LOG_ERROR, "control socket closed");
		_exit(HOSTED_EXIT_LOOP);
	}
}

uint64_t hosted_monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts); /* vDSO */
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Futex mode (hosted_wake.h): bells, the timer as a deadline, the control
 * socket only when the launcher rang a bell; no epoll, no eventfd. */
static _Noreturn void futex_loop(struct hosted_pd *h)
{
	for (;;) {
		bool served = hosted_serve_bells(h);
		if (hosted_timer_take_due(h)) {
			hosted_activate_timer(h);
			continue;
		}
		if (served || hosted_wake_spin(&h->wake))
			continue;
		hosted_wake_count(&h->wake, WAKE_WAIT_SLEEPS, 1);
		uint64_t start = hosted_monotonic_ns();
		int rc = hosted_wake_sleep(&h->wake, h->timer_deadline);
		if (rc < 0) {
			sdvf_log(&h->pd, SDVF_LOG_ERROR, "futex_waitv: %s",
				 strerror(-rc));
			_exit(HOSTED_EXIT_LOOP);
		}
		hosted_wake_slept(&h->wake, hosted_monotonic_ns() - start);
	}
}

static _Noreturn void event_loop(struct hosted_pd *h)
{
	struct epoll_event events[16];
	if (h->wake.futex)
		futex_loop(h);
	for (;;) {
		/* Bells first; then, if none rang, spin on them (SDVF_POLL_US)
		 * before sleeping.  After serving bells, only look at the fds
		 * (the tap, the timer, the monitor) without sleeping. */
		bool served = hosted_serve_bells(h);
		if (!served && hosted_wake_spin(&h->wake))
			continue;
		/* A deadline that has passed is a reason not to sleep: the
		 * fds get their look, then it is taken below. */
		bool sleep = !served && !hosted_timer_before_sleep(h);
		hosted_wake_count(&h->wake, WAKE_EPOLL_WAITS, 1);
		hosted_wake_count(&h->wake,
				  sleep ? WAKE_WAIT_SLEEPS : WAKE_WAIT_READY,
				  1);
		uint64_t start = sleep ? hosted_monotonic_ns() : 0;
		int n = epoll_wait(h->epoll_fd, events, 16, sleep ? -1 : 0);
		if (sleep)
			hosted_wake_slept(&h->wake,
					  hosted_monotonic_ns() - start);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sdvf_log(&h->pd, SDVF_LOG_ERROR, "epoll_wait: %s",
				 strerror(errno));
			_exit(HOSTED_EXIT_LOOP);
		}
		for (int i = 0; i < n; i++) {
			uint64_t data = events[i].data.u64;
			sdvf_channel_t ch = (uint32_t)data;
			switch ((enum wake_kind)(data >> 32)) {
			case WAKE_CHANNEL:
				hosted_wake_channel(h, ch);
				break;
			case WAKE_TIMER:
				if (hosted_timer_fired(h))
					hosted_activate_timer(h);
				break;
			case WAKE_WATCH: /* level-triggered: the device reads */
				hosted_activate(h, ch);
				break;
			case WAKE_CONTROL:
				hosted_serve_control(h);
				break;
			}
		}
		if (hosted_timer_take_due(h))
			hosted_activate_timer(h);
	}
}

_Noreturn void hosted_pd_main(const char *image_fd_text)
{
	static struct hosted_pd h; /* one PD per process, but a group's */
	if (strchr(image_fd_text, ','))
		hosted_group_main(image_fd_text);
	h.img = hosted_image_load(image_fd_text, &h.own);
	h.desc = &h.own.pds[0];
	h.pd = (struct sdvf_pd){
		.ops = &hosted_ops, .name = h.desc->name, .runtime = &h};

	hosted_become_child(h.img);
	hosted_pd_setup(&h);
	hosted_pd_close_mapped(&h);
	make_event_fds(&h);
	struct hosted_pd *self = &h;
	hosted_close_other_fds(&self, 1);
	hosted_pin_to_core(&h);
	hosted_wait_for_start(h.img);
	if (hosted_role_sets_up_host(h.desc->component->role)) {
		/* Opening its TAP or /dev/kvm may need root; it parses no
		 * untrusted input before the event loop, which is confined. */
		hosted_run_init(&h);
		confine(&h, true);
	} else {
		confine(&h, false);
		hosted_run_init(&h);
	}
	hosted_flush_deferred(&h);
	event_loop(&h);
}
