/*
 * A co-location group's process (docs/runtime-hosted.md, "Groups"): the
 * trusted PDs of one `group` (driver and muxes; core/sysdesc/
 * sysdesc_group.c refuses any other role) in one process, on one thread.
 *
 * Each member keeps what a PD process has: its image, its mappings with
 * exactly its grants, its stats slot and counters, its timerfd, its
 * control socket, its log pipe (the first member's is fd 2, the others'
 * their own fds, so the launcher still names every line's PD), its
 * component state.  What they share: one epoll fd (each registration
 * tagged with the member, WAKE_OF), the first member's uid, one seccomp
 * filter (the union of the members' roles' rules on every member's fds),
 * one core.
 *
 * A signal between two members is a mark in the receiver's local_mask
 * (hosted_signal): no bell, no eventfd, no wake-up.  The loop serves the
 * marks and the bells of every member until none is left (bounded, so
 * fds are looked at too), then waits on the shared epoll fd.  A signal to
 * or from a PD outside the group takes the normal wake path (bells and
 * eventfds; the group never spins and never sleeps on futexes).  The
 * marks are private memory of this process: nothing outside can set one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "core/hosted/hosted_pd.h"

/* Rounds of marks and bells before the fds get a look (epoll_wait(0)):
 * few, so that a busy group still serves its timers, its device's TAP and
 * its peers outside soon (64 let a saturated pipeline wait ~3.5 ms for a
 * timer: docs/benchmarks.md, "Capacity with a group"). */
#define GROUP_ROUNDS_MAX 4

struct hosted_group {
	struct hosted_pd pd[SDVF_MAX_GROUP];
	struct hosted_pd *member[SDVF_MAX_GROUP];
	struct hosted_pd_fds
		fds[SDVF_MAX_GROUP]; /* each one's, for the filter */
	int n;
	int epoll_fd;
};

/* The images named by "FD,FD,...": one member each, in order. */
static void load_members(struct hosted_group *g, const char *text)
{
	char buf[SDVF_MAX_GROUP * 12 + 1];
	if (strlen(text) >= sizeof(buf))
		hosted_setup_fail("image: bad fd list", EINVAL);
	strcpy(buf, text);
	char *save = NULL;
	for (char *fd = strtok_r(buf, ",", &save); fd;
	     fd = strtok_r(NULL, ",", &save)) {
		if (g->n == SDVF_MAX_GROUP)
			hosted_setup_fail("image: too many group members",
					  EINVAL);
		struct hosted_pd *h = &g->pd[g->n];
		h->img = hosted_image_load(fd, &h->own);
		h->desc = &h->own.pds[0];
		h->pd = (struct sdvf_pd){.ops = &hosted_ops,
					 .name = h->desc->name,
					 .runtime = h};
		h->group = g;
		g->member[g->n] = h;
		if (h->img->group_index != g->n)
			hosted_setup_fail("image: group member out of order",
					  EINVAL);
		g->n++;
	}
	if (g->n < 2 || g->pd[0].img->group_size != g->n)
		hosted_setup_fail("image: group size", EINVAL);
}

/* Each channel between two members: the peer and its local channel,
 * checked against the peer's image (the images are the launcher's, but
 * an index is checked before it is used). */
static void link_members(struct hosted_group *g)
{
	for (int k = 0; k < g->n; k++) {
		struct hosted_pd *h = &g->pd[k];
		for (int i = 0; i < h->nchans; i++) {
			int m = h->img->local_member[i];
			int c = h->img->local_chan[i];
			if (m < 0)
				continue;
			if (m >= g->n || m == k || c < 0 ||
			    c >= g->pd[m].nchans)
				hosted_setup_fail("image: group channel",
						  EINVAL);
			h->local_peer[i] = &g->pd[m];
			h->local_chan[i] = (uint8_t)c;
		}
	}
}

static void make_events(struct hosted_group *g)
{
	g->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (g->epoll_fd < 0)
		hosted_setup_fail("epoll_create1", errno);
	for (int k = 0; k < g->n; k++) {
		hosted_pd_events(&g->pd[k], g->epoll_fd, (uint32_t)k);
		g->fds[k] = hosted_pd_fds_of(&g->pd[k]);
	}
}

/* A device member (the ENET model): its init() runs now, before the group
 * confines itself, as a device PD of its own does (it may open a TAP, which
 * needs root; it parses no untrusted input before the event loop, which
 * is confined).  The fds it opened are its own in the group's filter: the
 * device's calls are allowed on them and on nobody else's. */
static void init_devices(struct hosted_group *g)
{
	int taken[SDVF_MAX_GROUP * HOSTED_MAX_HOST_FDS];
	int ntaken = 0;
	for (int k = 0; k < g->n; k++) {
		struct hosted_pd *h = &g->pd[k];
		if (!hosted_role_sets_up_host(h->desc->component->role))
			continue;
		hosted_run_init(h);
		hosted_collect_host_fds(g->member, g->n, taken, ntaken,
					&g->fds[k]);
		for (int i = 0; i < g->fds[k].nhost; i++)
			taken[ntaken++] = g->fds[k].host_fd[i];
	}
}

/* The first member's uid, the union of the members' filters. */
static void confine_group(struct hosted_group *g)
{
	enum sdvf_role roles[SDVF_MAX_GROUP];
	for (int k = 0; k < g->n; k++)
		roles[k] = g->pd[k].desc->component->role;
	const struct hosted_pd_image *lead = g->pd[0].img;
	struct hosted_confinement c = {
		.role = roles[0],
		.own_uid = lead->own_uid,
		.uid = lead->uid,
		.launcher_pid = lead->launcher_pid,
		.fds = g->fds[0],
		.more_roles = roles + 1,
		.more_fds = g->fds + 1,
		.nmore = g->n - 1,
	};
	hosted_confine(&c);
}

/* Activate each channel a member marked, once. */
static bool serve_marks(struct hosted_pd *h)
{
	uint32_t mask = h->local_mask;
	h->local_mask = 0;
	bool served = mask != 0;
	while (mask) {
		int ch = __builtin_ctz(mask);
		mask &= mask - 1;
		hosted_activate(h, (sdvf_channel_t)ch);
	}
	return served;
}

static bool serve_all(struct hosted_group *g)
{
	bool served = false;
	for (int round = 0; round < GROUP_ROUNDS_MAX; round++) {
		bool any = false;
		for (int k = 0; k < g->n; k++) {
			any |= serve_marks(&g->pd[k]);
			any |= hosted_serve_bells(&g->pd[k]);
		}
		if (!any)
			break;
		served = true;
	}
	return served;
}

bool hosted_group_serve_others(struct hosted_pd *h)
{
	struct hosted_group *g = h->group;
	bool served = false;
	for (int k = 0; k < g->n; k++) {
		struct hosted_pd *peer = &g->pd[k];
		if (peer != h && peer->ready && !peer->active)
			served |= serve_marks(peer);
	}
	return served;
}

static bool marks_left(const struct hosted_group *g)
{
	for (int k = 0; k < g->n; k++) {
		if (g->pd[k].local_mask)
			return true;
	}
	return false;
}

static void dispatch(struct hosted_group *g, uint64_t data)
{
	uint32_t k = WAKE_MEMBER(data);
	sdvf_channel_t ch = (uint32_t)data;
	if (k >= (uint32_t)g->n)
		return; /* we registered no such tag */
	struct hosted_pd *h = &g->pd[k];
	switch (WAKE_KIND(data)) {
	case WAKE_CHANNEL:
		hosted_wake_channel(h, ch);
		break;
	case WAKE_TIMER:
		if (hosted_timer_fired(h))
			hosted_activate_timer(h);
		break;
	case WAKE_CONTROL:
		hosted_serve_control(h);
		break;
	case WAKE_WATCH: /* a device member's host fd (level-triggered) */
		hosted_activate(h, ch);
		break;
	}
}

/* Before a sleep: true if a member's deadline has passed (take it, do not
 * sleep); the timerfds of the members before it are armed for theirs, as
 * they would be for the sleep. */
static bool timers_due(struct hosted_group *g)
{
	for (int k = 0; k < g->n; k++) {
		if (hosted_timer_before_sleep(&g->pd[k]))
			return true;
	}
	return false;
}

/* The wait counters are the first member's (its rt.* counters). */
static _Noreturn void group_loop(struct hosted_group *g)
{
	struct epoll_event events[16];
	struct hosted_wake *w = &g->pd[0].wake;
	for (;;) {
		bool served = serve_all(g);
		bool sleep = !served && !marks_left(g) && !timers_due(g);
		hosted_wake_count(w, WAKE_EPOLL_WAITS, 1);
		hosted_wake_count(w, sleep ? WAKE_WAIT_SLEEPS : WAKE_WAIT_READY,
				  1);
		uint64_t start = sleep ? hosted_monotonic_ns() : 0;
		int n = epoll_wait(g->epoll_fd, events, 16, sleep ? -1 : 0);
		if (sleep)
			hosted_wake_slept(w, hosted_monotonic_ns() - start);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sdvf_log(&g->pd[0].pd, SDVF_LOG_ERROR, "epoll_wait: %s",
				 strerror(errno));
			_exit(HOSTED_EXIT_LOOP);
		}
		for (int i = 0; i < n; i++)
			dispatch(g, events[i].data.u64);
		for (int k = 0; k < g->n; k++) {
			if (hosted_timer_take_due(&g->pd[k]))
				hosted_activate_timer(&g->pd[k]);
		}
	}
}

_Noreturn void hosted_group_main(const char *image_fds_text)
{
	static struct hosted_group g; /* one group per process */
	load_members(&g, image_fds_text);
	hosted_become_child(g.pd[0].img);
	for (int k = 0; k < g.n; k++)
		hosted_pd_setup(&g.pd[k]);
	/* Members share region and bell fds: close once all are mapped. */
	for (int k = 0; k < g.n; k++)
		hosted_pd_close_mapped(&g.pd[k]);
	link_members(&g);
	make_events(&g);
	hosted_close_other_fds(g.member, g.n);
	hosted_pin_to_core(&g.pd[0]); /* the loader checked: one core */
	hosted_wait_for_start(g.pd[0].img);
	init_devices(&g);
	confine_group(&g);
	for (int k = 0; k < g.n; k++) {
		if (!g.pd[k].ready)
			hosted_run_init(&g.pd[k]);
	}
	for (int k = 0; k < g.n; k++)
		hosted_flush_deferred(&g.pd[k]);
	group_loop(&g);
}
