/*
 * The sim runtime (contract: core/sim/sim.h).
 *
 * Every PD of a system lives in this one process.  A single FIFO of pending
 * events (PD, local channel) is the scheduler; each step pops one event and
 * runs that PD's notified() as one activation.  An event that is already
 * pending is not queued twice (coalescing, as a Microkit signal or an eventfd
 * would).  Deferred notifications and irq acks are collected during the
 * activation and sent, in the order first requested, when it ends.
 *
 * Local channel ids are indices into the PD's channel list in the system
 * description; SDVF_CHANNEL_TIMER is the timer.  Virtual time only moves in
 * sdvf_sim_advance().
 *
 * sdvf_wait() runs other PDs' pending events from inside an activation: it
 * skips every event addressed to a PD that is in an activation (the waiter
 * and anyone below it on the stack), so no PD is ever re-entered.  Time does
 * not move and timers do not fire inside a wait.  Events for a PD whose
 * init() has not run yet (a PD earlier in the description waiting in its own
 * init) also stay queued, as do those of a PD a test holds (sdvf_sim_hold:
 * a process the host does not schedule, so a sdvf_wait() on it gives up).
 *
 * Counters: sdvf_sim_notifications() counts notify and deferred_notify sends
 * (one per flushed deferred signal) on one end; irq acks are not
 * notifications and are counted separately.  sdvf_sim_activations() counts
 * notified() calls; init() is not an activation for this count.
 *
 * Restart (sdvf_sim_restart), in the order the hosted monitor keeps: the
 * PD's pending events, timer and watches are dropped; every PD at the other
 * end of one of its channels runs peer_restart(ch) as an activation of its
 * own (its notifications to the dead PD wait, as events for a PD whose init
 * has not run do); then the PD's state is zeroed and init() runs again.
 * Its counters keep their values (a component re-registering a name gets
 * the same counter, as in a hosted stats slot).
 *
 * Host fds (watch_fd, device PDs only, on a channel id of the component's
 * choosing that is not one of its channels): when the event queue runs dry,
 * sdvf_sim_run polls the watched fds once, without blocking, and queues an
 * event for each readable one; it does not poll again in the same call, so
 * an fd nobody drains cannot make it spin.
 */
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim/sim_internal.h"
#include "core/sysdesc/sysdesc.h"

static struct sim_pd *sim_pd_of(struct sdvf_pd *pd)
{
	return (struct sim_pd *)pd;
}

/* ---- the event queue ------------------------------------------------- */

static bool *event_pending_flag(struct sim_pd *p, sdvf_channel_t ch)
{
	if (ch == SDVF_CHANNEL_TIMER)
		return &p->timer_pending;
	if (ch < (sdvf_channel_t)p->nchans)
		return &p->chans[ch].pending;
	for (int i = 0; i < p->sim->nwatches; i++) {
		struct sim_watch *w = &p->sim->watches[i];
		if (w->pd == p->index && w->ch == ch)
			return &w->pending;
	}
	return NULL;
}

void sim_event_enqueue(struct sdvf_sim *sim, int pd, sdvf_channel_t ch)
{
	bool *pending = event_pending_flag(&sim->pds[pd], ch);
	if (!pending || *pending)
		return; /* coalesced with the one already queued */
	/* Cannot overflow: each (PD, channel) is queued at most once and the
	 * queue has room for every pair. */
	*pending = true;
	sim->queue[sim->nqueued++] = (struct sim_event){pd, ch};
}

/* Remove the first event whose PD is not in an activation (nor held). */
static bool event_take_runnable(struct sdvf_sim *sim, struct sim_event *out)
{
	for (int i = 0; i < sim->nqueued; i++) {
		const struct sim_pd *p = &sim->pds[sim->queue[i].pd];
		if (p->busy || !p->initialized || p->held)
			continue;
		*out = sim->queue[i];
		memmove(&sim->queue[i], &sim->queue[i + 1],
			(size_t)(sim->nqueued - i - 1) * sizeof(sim->queue[0]));
		sim->nqueued--;
		*event_pending_flag(&sim->pds[out->pd], out->ch) = false;
		return true;
	}
	return false;
}

/* ---- activations ----------------------------------------------------- */

static void send_to_peer(struct sim_pd *p, sdvf_channel_t ch)
{
	const struct sim_chan *c = &p->chans[ch];
	if (c->peer_pd < 0)
		return;
	sim_event_enqueue(p->sim, c->peer_pd, (sdvf_channel_t)c->peer_local);
}

static void end_activation(struct sim_pd *p)
{
	for (int i = 0; i < p->nend; i++) {
		struct sim_end_entry *e = &p->end[i];
		if (e->action == SIM_END_NOTIFY)
			p->chans[e->ch].notifications++;
		else
			p->chans[e->ch].irq_acks++;
		send_to_peer(p, e->ch);
	}
	p->nend = 0;
	p->busy--;
}

static void run_event(struct sdvf_sim *sim, const struct sim_event *ev)
{
	struct sim_pd *p = &sim->pds[ev->pd];
	const struct sdvf_component *comp = sim->sys->pds[ev->pd].component;
	p->busy++;
	p->activations++;
	comp->notified(p->state, &p->pd, ev->ch);
	end_activation(p);
}

static bool valid_channel(struct sim_pd *p, sdvf_channel_t ch)
{
	if (ch < (sdvf_channel_t)p->nchans)
		return true;
	p->bad_channel++;
	fprintf(stderr, "sim: %s: channel id %u is not one of its %d\n",
		p->pd.name, ch, p->nchans);
	return false;
}

static void end_entry_add(struct sim_pd *p, enum sim_end_action action,
			  sdvf_channel_t ch)
{
	for (int i = 0; i < p->nend; i++) {
		if (p->end[i].action == action && p->end[i].ch == ch)
			return; /* coalesced within this activation */
	}
	/* Cannot overflow: at most one entry per (action, channel). */
	p->end[p->nend++] = (struct sim_end_entry){action, ch};
}

/* ---- the PD API ------------------------------------------------------ */

static void op_notify(struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct sim_pd *p = sim_pd_of(pd);
	if (!valid_channel(p, ch))
		return;
	p->chans[ch].notifications++;
	send_to_peer(p, ch);
}

static void op_deferred_notify(struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct sim_pd *p = sim_pd_of(pd);
	if (!valid_channel(p, ch))
		return;
	end_entry_add(p, SIM_END_NOTIFY, ch);
}

static void op_irq_ack(struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct sim_pd *p = sim_pd_of(pd);
	if (!valid_channel(p, ch))
		return;
	end_entry_add(p, SIM_END_IRQ_ACK, ch);
}

static const struct sdvf_region *op_region(struct sdvf_pd *pd, const char *name)
{
	struct sim_pd *p = sim_pd_of(pd);
	for (int i = 0; i < p->nregions; i++) {
		if (strcmp(p->regions[i].name, name) == 0)
			return &p->regions[i];
	}
	return NULL;
}

static sdvf_channel_t op_channel(struct sdvf_pd *pd, const char *name)
{
	struct sim_pd *p = sim_pd_of(pd);
	const struct sdvf_sys_pd *sp = &p->sim->sys->pds[p->index];
	for (int i = 0; i < sp->nchans; i++) {
		if (strcmp(sp->chans[i].local, name) == 0)
			return (sdvf_channel_t)i;
	}
	return SDVF_CHANNEL_NONE;
}

static uint64_t op_config_u64(struct sdvf_pd *pd, const char *key)
{
	struct sim_pd *p = sim_pd_of(pd);
	return sdvf_system_config_u64(p->sim->sys, p->index, key);
}

static const char *op_config_str(struct sdvf_pd *pd, const char *key)
{
	struct sim_pd *p = sim_pd_of(pd);
	return sdvf_system_config_str(p->sim->sys, p->index, key);
}

static const uint8_t *op_config_bytes(struct sdvf_pd *pd, const char *key,
				      size_t *len)
{
	struct sim_pd *p = sim_pd_of(pd);
	return sdvf_system_config_bytes(p->sim->sys, p->index, key, len);
}

static uint64_t op_now_ns(struct sdvf_pd *pd)
{
	return sim_pd_of(pd)->sim->now;
}

static void op_timer_set(struct sdvf_pd *pd, uint64_t deadline_ns)
{
	struct sim_pd *p = sim_pd_of(pd);
	p->timer_armed = deadline_ns != 0;
	p->timer_deadline = deadline_ns;
}

static bool op_wait(struct sdvf_pd *pd, bool (*poll_fn)(void *arg), void *arg,
		    uint64_t timeout_ns)
{
	struct sdvf_sim *sim = sim_pd_of(pd)->sim;
	struct sim_event ev;
	(void)timeout_ns; /* virtual time does not move inside a wait */
	for (uint32_t steps = 0; steps < SIM_WAIT_MAX_STEPS; steps++) {
		if (poll_fn(arg))
			return true;
		if (!event_take_runnable(sim, &ev))
			break;
		run_event(sim, &ev);
	}
	return poll_fn(arg);
}

static void op_vlog(struct sdvf_pd *pd, enum sdvf_log_level level,
		    const char *fmt, va_list ap)
{
	static const char *const level_names[] = {"error", "warn", "info"};
	struct sim_pd *p = sim_pd_of(pd);
	uint64_t now = p->sim->now;
	if (now - p->log_window_start >= SIM_LOG_WINDOW_NS) {
		if (p->log_suppressed)
			fprintf(stderr, "%s: warn: %llu log lines suppressed\n",
				pd->name,
				(unsigned long long)p->log_suppressed);
		p->log_window_start = now;
		p->log_lines = 0;
		p->log_suppressed = 0;
	}
	if (p->log_lines >= SIM_LOG_BURST) {
		p->log_suppressed++;
		return;
	}
	p->log_lines++;
	if (p->sim->quiet)
		return; /* counted, not printed (fuzz replays) */
	unsigned l = (unsigned)level < 3 ? (unsigned)level : 0;
	fprintf(stderr, "%s: %s: ", pd->name, level_names[l]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static int op_watch_fd(struct sdvf_pd *pd, int fd, sdvf_channel_t ch)
{
	struct sim_pd *p = sim_pd_of(pd);
	struct sdvf_sim *sim = p->sim;
	const struct sdvf_component *comp = sim->sys->pds[p->index].component;
	if (comp->role != SDVF_ROLE_DEVICE || fd < 0 ||
	    sim->nwatches == SIM_WATCH_MAX || ch == SDVF_CHANNEL_TIMER ||
	    ch < (sdvf_channel_t)p->nchans) {
		p->bad_channel++;
		return -1;
	}
	sim->watches[sim->nwatches++] =
		(struct sim_watch){p->index, fd, ch, false};
	return 0;
}

static void op_vfail(struct sdvf_pd *pd, const char *fmt, va_list ap)
{
	sim_pd_of(pd)->failures++;
	op_vlog(pd, SDVF_LOG_ERROR, fmt, ap);
}

_Static_assert(SDVF_COUNTER_NAME_BYTES == SDVF_COUNTER_NAME_MAX,
	       "core/pd.h and core/hosted/counters.h agree on name bytes");

static _Atomic uint64_t *op_counter(struct sdvf_pd *pd, const char *name)
{
	struct sim_pd *p = sim_pd_of(pd);
	int i = sdvf_counter_claim(p->counters, &p->counter_claims, name);
	if (i >= 0)
		return &p->counters->value[i];
	if (p->counters_refused++ == 0 && !p->sim->quiet)
		fprintf(stderr,
			"%s: warn: counter '%.*s' refused (%s); later refusals "
			"are only counted\n",
			pd->name, (int)SDVF_COUNTER_NAME_MAX, name,
			sdvf_counter_refusal_text(i));
	return &p->counter_scratch;
}

static const struct sdvf_runtime_ops sim_ops = {
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

/* ---- building a sim from a system ------------------------------------ */

static void link_channel(const struct sdvf_system *sys, int pd, int local,
			 struct sim_chan *out)
{
	const struct sdvf_sys_pd *sp = &sys->pds[pd];
	int c = sp->chans[local].channel;
	out->peer_pd = -1;
	out->peer_local = -1;
	if (c < 0 || c >= sys->nchannels)
		return;
	const struct sdvf_sys_channel *sc = &sys->channels[c];
	int peer = sc->pd[0] == pd ? sc->pd[1] : sc->pd[0];
	if (peer < 0 || peer >= sys->npds)
		return;
	const struct sdvf_sys_pd *pp = &sys->pds[peer];
	for (int j = 0; j < pp->nchans; j++) {
		/* A channel from a PD to itself: the other end is the other
		 * entry that names the same channel. */
		if (pp->chans[j].channel == c && !(peer == pd && j == local)) {
			out->peer_pd = peer;
			out->peer_local = j;
			return;
		}
	}
}

static int build_pd(struct sdvf_sim *sim, int i)
{
	const struct sdvf_system *sys = sim->sys;
	const struct sdvf_sys_pd *sp = &sys->pds[i];
	struct sim_pd *p = &sim->pds[i];
	if (!sp->component || sp->nmaps > SDVF_MAX_MAPS ||
	    sp->nchans > SDVF_MAX_PD_CHANS)
		return -1;
	p->pd = (struct sdvf_pd){&sim_ops, sp->name, sim};
	p->sim = sim;
	p->index = i;
	size_t state_size = (sp->component->state_size + 63) & ~(size_t)63;
	p->state = aligned_alloc(64, state_size ? state_size : 64);
	if (!p->state)
		return -1;
	memset(p->state, 0, state_size ? state_size : 64);
	p->counters = calloc(1, sizeof(*p->counters));
	if (!p->counters)
		return -1;
	for (int m = 0; m < sp->nmaps; m++) {
		int r = sp->maps[m].region;
		if (r < 0 || r >= sys->nregions)
			return -1;
		p->regions[m] = (struct sdvf_region){
			.name = sp->maps[m].local,
			.base = sim->regions[r],
			.size = sys->regions[r].size,
			.io_addr = sys->regions[r].io_addr,
			.has_io = sys->regions[r].has_io,
			.rights = sp->maps[m].rights,
		};
	}
	p->nregions = sp->nmaps;
	for (int c = 0; c < sp->nchans; c++)
		link_channel(sys, i, c, &p->chans[c]);
	p->nchans = sp->nchans;
	return 0;
}

struct sdvf_sim *sdvf_sim_create(const struct sdvf_system *sys)
{
	if (sys->npds > SDVF_MAX_PDS || sys->nregions > SDVF_MAX_REGIONS)
		return NULL;
	struct sdvf_sim *sim = calloc(1, sizeof(*sim));
	if (!sim)
		return NULL;
	sim->sys = sys;
	sim->quiet = getenv("SDVF_SIM_QUIET") != NULL;
	for (int r = 0; r < sys->nregions; r++) {
		size_t size = (sys->regions[r].size + 4095) & ~(size_t)4095;
		if (size == 0)
			size = 4096;
		sim->regions[r] = aligned_alloc(4096, size);
		if (!sim->regions[r]) {
			sdvf_sim_destroy(sim);
			return NULL;
		}
		memset(sim->regions[r], 0, size);
	}
	for (int i = 0; i < sys->npds; i++) {
		sim->npds = i + 1; /* so destroy frees what was built */
		if (build_pd(sim, i) < 0) {
			sdvf_sim_destroy(sim);
			return NULL;
		}
	}
	return sim;
}

void sdvf_sim_destroy(struct sdvf_sim *sim)
{
	if (!sim)
		return;
	for (int i = 0; i < sim->npds; i++) {
		free(sim->pds[i].state);
		free(sim->pds[i].counters);
	}
	for (int r = 0; r < sim->sys->nregions; r++)
		free(sim->regions[r]);
	free(sim);
}

/* init() of one PD; its events wait until this has run. */
static int init_pd(struct sdvf_sim *sim, struct sim_pd *p)
{
	const struct sdvf_component *comp = sim->sys->pds[p->index].component;
	p->busy++;
	int rc = comp->init(p->state, &p->pd);
	end_activation(p);
	p->initialized = true;
	if (rc < 0)
		fprintf(stderr, "sim: %s: init failed (%d)\n", p->pd.name, rc);
	return rc;
}

int sdvf_sim_init(struct sdvf_sim *sim)
{
	for (int i = 0; i < sim->npds; i++) {
		int rc = init_pd(sim, &sim->pds[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- restart ------------------------------------------------------------ */

/* A dead PD's queued events, timer and host fd watches go with it. */
static void forget_pd_events(struct sdvf_sim *sim, struct sim_pd *p)
{
	int kept = 0;
	for (int i = 0; i < sim->nqueued; i++) {
		if (sim->queue[i].pd == p->index)
			*event_pending_flag(p, sim->queue[i].ch) = false;
		else
			sim->queue[kept++] = sim->queue[i];
	}
	sim->nqueued = kept;
	kept = 0;
	for (int i = 0; i < sim->nwatches; i++) {
		if (sim->watches[i].pd != p->index)
			sim->watches[kept++] = sim->watches[i];
	}
	sim->nwatches = kept;
	p->timer_armed = false;
	p->timer_pending = false;
}

/* Every PD at the other end of one of dead's channels resets what it
 * shares with it (core/pd.h peer_restart), one activation each. */
static void run_peer_restarts(struct sdvf_sim *sim, const struct sim_pd *dead)
{
	for (int c = 0; c < dead->nchans; c++) {
		const struct sim_chan *ch = &dead->chans[c];
		if (ch->peer_pd < 0 || ch->peer_pd == dead->index)
			continue;
		struct sim_pd *peer = &sim->pds[ch->peer_pd];
		const struct sdvf_component *comp =
			sim->sys->pds[peer->index].component;
		if (!comp->peer_restart) {
			fprintf(stderr,
				"sim: %s has no peer_restart: what it shares "
				"with '%s' is not reset\n",
				peer->pd.name, dead->pd.name);
			continue;
		}
		peer->busy++;
		peer->peer_restarts++;
		comp->peer_restart(peer->state, &peer->pd,
				   (sdvf_channel_t)ch->peer_local);
		end_activation(peer);
	}
}

int sdvf_sim_restart(struct sdvf_sim *sim, const char *pd)
{
	struct sim_pd *p = sim_test_pd(sim, pd);
	if (p->busy) {
		fprintf(stderr,
			"sim: cannot restart '%s' inside its own "
			"activation\n",
			pd);
		abort();
	}
	p->initialized = false;
	forget_pd_events(sim, p);
	run_peer_restarts(sim, p);
	size_t state_size = sim->sys->pds[p->index].component->state_size;
	memset(p->state, 0, state_size);
	memset(&p->counter_claims, 0, sizeof(p->counter_claims));
	p->restarts++;
	return init_pd(sim, p);
}

/* ---- running --------------------------------------------------------- */

bool sdvf_sim_step(struct sdvf_sim *sim)
{
	struct sim_event ev;
	if (!event_take_runnable(sim, &ev))
		return false;
	run_event(sim, &ev);
	return true;
}

static void poll_watches(struct sdvf_sim *sim)
{
	struct pollfd fds[SIM_WATCH_MAX];
	for (int i = 0; i < sim->nwatches; i++)
		fds[i] = (struct pollfd){sim->watches[i].fd, POLLIN, 0};
	if (sim->nwatches == 0 || poll(fds, (nfds_t)sim->nwatches, 0) <= 0)
		return;
	for (int i = 0; i < sim->nwatches; i++) {
		if (fds[i].revents & (POLLIN | POLLERR | POLLHUP))
			sim_event_enqueue(sim, sim->watches[i].pd,
					  sim->watches[i].ch);
	}
}

uint64_t sdvf_sim_run(struct sdvf_sim *sim, uint64_t max_steps)
{
	uint64_t steps = 0;
	bool polled = false;
	while (steps < max_steps) {
		if (sdvf_sim_step(sim)) {
			steps++;
			continue;
		}
		if (polled)
			break;
		polled = true;
		poll_watches(sim);
	}
	return steps;
}

/* The PD whose armed timer is due first (lowest index on ties), or -1. */
static int next_due_timer(struct sdvf_sim *sim, uint64_t until)
{
	int best = -1;
	for (int i = 0; i < sim->npds; i++) {
		struct sim_pd *p = &sim->pds[i];
		if (!p->timer_armed || p->timer_deadline > until)
			continue;
		if (best < 0 ||
		    p->timer_deadline < sim->pds[best].timer_deadline)
			best = i;
	}
	return best;
}

#define SIM_RUN_UNTIL_IDLE UINT64_MAX

void sdvf_sim_advance(struct sdvf_sim *sim, uint64_t ns)
{
	uint64_t target = sim->now + ns;
	sdvf_sim_run(sim, SIM_RUN_UNTIL_IDLE);
	for (int pd; (pd = next_due_timer(sim, target)) >= 0;) {
		struct sim_pd *p = &sim->pds[pd];
		if (p->timer_deadline > sim->now)
			sim->now = p->timer_deadline;
		p->timer_armed = false;
		sim_event_enqueue(sim, pd, SDVF_CHANNEL_TIMER);
		sdvf_sim_run(sim, SIM_RUN_UNTIL_IDLE);
	}
	sim->now = target;
}

uint64_t sdvf_sim_now(const struct sdvf_sim *sim)
{
	return sim->now;
}
