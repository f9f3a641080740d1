/* The sim runtime (core/sim/sim.h): scheduling order, coalescing, deferred
 * notifications, irq-ack routing, wait, timers, several instances. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"

/* ---- a scriptable test component ------------------------------------- */

#define LOG_MAX 64

struct actor;
typedef void (*actor_hook)(struct actor *a, sdvf_channel_t ch);

struct actor {
	struct sdvf_pd *pd;
	actor_hook on_notified;
	actor_hook on_init; /* ch is SDVF_CHANNEL_NONE */
	int depth;	    /* activations currently running in this PD */
	int max_depth;
	sdvf_channel_t received[LOG_MAX];
	uint64_t received_seq[LOG_MAX];
	uint64_t received_at_ns[LOG_MAX];
	int nreceived;
	uint32_t scratch;
};

/* Global delivery order across every PD of a test. */
static uint64_t delivery_seq;

static int actor_init(void *state, struct sdvf_pd *pd)
{
	struct actor *a = state;
	a->pd = pd;
	if (a->on_init)
		a->on_init(a, SDVF_CHANNEL_NONE);
	return 0;
}

static void actor_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct actor *a = state;
	(void)pd;
	a->depth++;
	if (a->depth > a->max_depth)
		a->max_depth = a->depth;
	if (a->nreceived < LOG_MAX) {
		a->received[a->nreceived] = ch;
		a->received_seq[a->nreceived] = ++delivery_seq;
		a->received_at_ns[a->nreceived] = sdvf_now_ns(pd);
		a->nreceived++;
	}
	if (a->on_notified)
		a->on_notified(a, ch);
	a->depth--;
}

static const struct sdvf_component actor_component = {
	.name = "test_actor",
	.summary = "scriptable sim test component",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct actor),
	.init = actor_init,
	.notified = actor_notified,
};

static const struct sdvf_component device_component = {
	.name = "test_device",
	.role = SDVF_ROLE_DEVICE,
	.state_size = sizeof(struct actor),
	.init = actor_init,
	.notified = actor_notified,
};

static int refuse_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	(void)pd;
	return -7;
}

static const struct sdvf_component refusing_component = {
	.name = "test_refuser",
	.role = SDVF_ROLE_CLIENT,
	.state_size = 8,
	.init = refuse_init,
	.notified = actor_notified,
};

/* ---- building systems by hand ---------------------------------------- */

static struct sdvf_system sys;

static int add_pd(const char *name, const struct sdvf_component *comp)
{
	struct sdvf_sys_pd *pd = &sys.pds[sys.npds];
	strcpy(pd->name, name);
	pd->component = comp;
	pd->core = -1;
	pd->config_node = -1;
	return sys.npds++;
}

static int add_region(const char *name, uint64_t size, uint64_t io)
{
	struct sdvf_sys_region *r = &sys.regions[sys.nregions];
	strcpy(r->name, name);
	r->size = size;
	r->io_addr = io;
	r->has_io = io != 0;
	return sys.nregions++;
}

static void map(int pd, const char *local, int region, unsigned rights)
{
	struct sdvf_sys_pd *p = &sys.pds[pd];
	struct sdvf_sys_map *m = &p->maps[p->nmaps++];
	strcpy(m->local, local);
	m->region = region;
	m->rights = rights;
}

static void connect(int a, const char *local_a, int b, const char *local_b)
{
	int c = sys.nchannels++;
	snprintf(sys.channels[c].name, SDVF_NAME_MAX, "%s_%s", local_a,
		 local_b);
	sys.channels[c].pd[0] = a;
	sys.channels[c].pd[1] = b;
	struct sdvf_sys_pd_chan *ca = &sys.pds[a].chans[sys.pds[a].nchans++];
	strcpy(ca->local, local_a);
	ca->channel = c;
	struct sdvf_sys_pd_chan *cb = &sys.pds[b].chans[sys.pds[b].nchans++];
	strcpy(cb->local, local_b);
	cb->channel = c;
}

static struct sdvf_sim *sim;

static int reset_system(void **unused)
{
	(void)unused;
	memset(&sys, 0, sizeof(sys));
	sys.path = "test_sim";
	delivery_seq = 0;
	sim = NULL;
	return 0;
}

static int destroy_sim(void **unused)
{
	(void)unused;
	sdvf_sim_destroy(sim);
	sim = NULL;
	return 0;
}

static struct actor *actor(const char *pd)
{
	struct actor *a = sdvf_sim_state(sim, pd);
	assert_non_null(a);
	return a;
}

static sdvf_channel_t ch(struct actor *a, const char *name)
{
	sdvf_channel_t c = sdvf_channel(a->pd, name);
	assert_int_not_equal(c, SDVF_CHANNEL_NONE);
	return c;
}

/* Three PDs: "a" has channels to_b and to_c; b and c call theirs from_a. */
static void build_star(void)
{
	int a = add_pd("a", &actor_component);
	int b = add_pd("b", &actor_component);
	int c = add_pd("c", &actor_component);
	connect(a, "to_b", b, "from_a");
	connect(a, "to_c", c, "from_a");
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
}

static void start(void)
{
	assert_int_equal(sdvf_sim_init(sim), 0);
}

/* ---- scheduling ------------------------------------------------------ */

static void notify_c_then_b(struct actor *a, sdvf_channel_t c)
{
	(void)c;
	sdvf_notify(a->pd, ch(a, "to_c"));
	sdvf_notify(a->pd, ch(a, "to_b"));
}

static void sim_delivers_notifications_in_fifo_order(void **unused)
{
	(void)unused;
	build_star();
	start();
	actor("a")->on_notified = notify_c_then_b;
	sdvf_sim_inject(sim, "b", "from_a"); /* queued first: runs first */
	sdvf_sim_inject(sim, "a", "to_b");
	assert_int_equal(sdvf_sim_run(sim, 100), 4);
	assert_int_equal(actor("b")->received_seq[0], 1);
	assert_int_equal(actor("a")->received_seq[0], 2);
	assert_int_equal(actor("c")->received_seq[0], 3);
	assert_int_equal(actor("b")->received_seq[1], 4);
	assert_int_equal(sdvf_sim_activations(sim, "b"), 2);
}

static void notify_b_three_times(struct actor *a, sdvf_channel_t c)
{
	(void)c;
	for (int i = 0; i < 3; i++)
		sdvf_notify(a->pd, ch(a, "to_b"));
}

static void sim_coalesces_pending_notification_per_channel(void **unused)
{
	(void)unused;
	build_star();
	start();
	actor("a")->on_notified = notify_b_three_times;
	sdvf_sim_inject(sim, "a", "to_b");
	assert_int_equal(sdvf_sim_run(sim, 100), 2);
	assert_int_equal(sdvf_sim_notifications(sim, "a", "to_b"), 3);
	assert_int_equal(sdvf_sim_activations(sim, "b"), 1);
	assert_int_equal(actor("b")->received[0], ch(actor("b"), "from_a"));
}

static void sim_injection_into_pending_channel_is_coalesced(void **unused)
{
	(void)unused;
	build_star();
	start();
	sdvf_sim_inject(sim, "b", "from_a");
	sdvf_sim_inject(sim, "b", "from_a");
	assert_int_equal(sdvf_sim_run(sim, 100), 1);
	sdvf_sim_inject(sim, "b", "from_a"); /* no longer pending: queued */
	assert_int_equal(sdvf_sim_run(sim, 100), 1);
	assert_int_equal(sdvf_sim_activations(sim, "b"), 2);
}

static void sim_step_delivers_exactly_one_notification(void **unused)
{
	(void)unused;
	build_star();
	start();
	sdvf_sim_inject(sim, "b", "from_a");
	sdvf_sim_inject(sim, "c", "from_a");
	assert_true(sdvf_sim_step(sim));
	assert_int_equal(sdvf_sim_activations(sim, "b"), 1);
	assert_int_equal(sdvf_sim_activations(sim, "c"), 0);
	assert_true(sdvf_sim_step(sim));
	assert_false(sdvf_sim_step(sim));
	assert_int_equal(sdvf_sim_activations(sim, "c"), 1);
}

static void sim_run_stops_at_max_steps(void **unused)
{
	(void)unused;
	build_star();
	start();
	sdvf_sim_inject(sim, "b", "from_a");
	sdvf_sim_inject(sim, "c", "from_a");
	assert_int_equal(sdvf_sim_run(sim, 1), 1);
	assert_int_equal(sdvf_sim_activations(sim, "c"), 0);
	assert_int_equal(sdvf_sim_run(sim, 10), 1);
}

/* ---- deferred notifications and irq acks ----------------------------- */

static void defer_b_twice_notify_c(struct actor *a, sdvf_channel_t c)
{
	(void)c;
	sdvf_deferred_notify(a->pd, ch(a, "to_b"));
	sdvf_deferred_notify(a->pd, ch(a, "to_b"));
	sdvf_notify(a->pd, ch(a, "to_c"));
	/* Not sent yet: the activation has not ended. */
	a->scratch = (uint32_t)sdvf_sim_notifications(sim, "a", "to_b");
}

static void
sim_sends_deferred_notification_once_at_end_of_activation(void **unused)
{
	(void)unused;
	build_star();
	start();
	actor("a")->on_notified = defer_b_twice_notify_c;
	sdvf_sim_inject(sim, "a", "to_b");
	assert_int_equal(sdvf_sim_run(sim, 100), 3);
	assert_int_equal(actor("a")->scratch, 0);
	assert_int_equal(sdvf_sim_notifications(sim, "a", "to_b"), 1);
	assert_int_equal(sdvf_sim_activations(sim, "b"), 1);
	/* c was notified immediately, b only when a returned. */
	assert_true(actor("c")->received_seq[0] < actor("b")->received_seq[0]);
}

static void defer_in_init(struct actor *a, sdvf_channel_t c)
{
	(void)c;
	sdvf_deferred_notify(a->pd, ch(a, "to_c"));
}

static void sim_flushes_deferred_notification_of_init(void **unused)
{
	(void)unused;
	build_star();
	actor("a")->on_init = defer_in_init;
	start();
	assert_int_equal(sdvf_sim_notifications(sim, "a", "to_c"), 1);
	assert_int_equal(sdvf_sim_run(sim, 100), 1);
	assert_int_equal(sdvf_sim_activations(sim, "c"), 1);
	assert_int_equal(sdvf_sim_activations(sim, "a"), 0);
}

/* "dev" raises "irq" to "drv"; drv acks. */
static void build_irq_pair(void)
{
	int dev = add_pd("dev", &actor_component);
	int drv = add_pd("drv", &actor_component);
	connect(dev, "irq", drv, "irq");
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	start();
}

static void ack_and_record_pending(struct actor *a, sdvf_channel_t c)
{
	sdvf_irq_ack(a->pd, c);
	a->scratch = sdvf_sim_activations(sim, "dev") == 0 ? 1 : 2;
}

static void sim_routes_irq_ack_to_peer_after_activation(void **unused)
{
	(void)unused;
	build_irq_pair();
	actor("drv")->on_notified = ack_and_record_pending;
	sdvf_sim_inject(sim, "drv", "irq");
	assert_int_equal(sdvf_sim_run(sim, 100), 2);
	assert_int_equal(actor("drv")->scratch, 1);
	assert_int_equal(sdvf_sim_activations(sim, "dev"), 1);
	assert_int_equal(actor("dev")->received[0], ch(actor("dev"), "irq"));
	/* An ack is not a notification. */
	assert_int_equal(sdvf_sim_notifications(sim, "drv", "irq"), 0);
}

static void reraise_once(struct actor *a, sdvf_channel_t c)
{
	if (a->scratch++ == 0)
		sdvf_notify(a->pd, c);
}

static void sim_device_can_reraise_after_ack(void **unused)
{
	(void)unused;
	build_irq_pair();
	actor("drv")->on_notified = ack_and_record_pending;
	actor("dev")->on_notified = reraise_once;
	sdvf_sim_inject(sim, "drv", "irq");
	assert_int_equal(sdvf_sim_run(sim, 100), 4);
	assert_int_equal(sdvf_sim_activations(sim, "drv"), 2);
	assert_int_equal(sdvf_sim_activations(sim, "dev"), 2);
	assert_int_equal(sdvf_sim_notifications(sim, "dev", "irq"), 1);
}

/* ---- wait ------------------------------------------------------------ */

/* "drv" sets a request word in region "shared" and waits for "dev" to
 * answer it; dev also notifies drv back, which must not re-enter drv. */
static void build_wait_pair(void)
{
	int dev = add_pd("dev", &actor_component);
	int drv = add_pd("drv", &actor_component);
	int r = add_region("shared", 4096, 0);
	map(dev, "shared", r, SDVF_RW);
	map(drv, "shared", r, SDVF_RW);
	connect(drv, "doorbell", dev, "doorbell");
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	start();
}

static volatile uint32_t *shared_word(struct actor *a)
{
	const struct sdvf_region *r = sdvf_region(a->pd, "shared");
	assert_non_null(r);
	return r->base;
}

static bool answered(void *arg)
{
	return ((volatile uint32_t *)arg)[1] == 42;
}

static void request_and_wait(struct actor *a, sdvf_channel_t c)
{
	if (a->nreceived > 1)
		return; /* the late notification from dev */
	volatile uint32_t *w = shared_word(a);
	w[0] = 1;
	sdvf_notify(a->pd, ch(a, "doorbell"));
	a->scratch = sdvf_wait(a->pd, answered, (void *)w, 1000);
	(void)c;
}

static void answer_and_notify(struct actor *a, sdvf_channel_t c)
{
	volatile uint32_t *w = shared_word(a);
	sdvf_notify(a->pd, c); /* to drv, which is waiting */
	if (w[0] == 1)
		w[1] = 42;
}

static void sim_wait_runs_peer_until_condition_holds(void **unused)
{
	(void)unused;
	build_wait_pair();
	actor("drv")->on_notified = request_and_wait;
	actor("dev")->on_notified = answer_and_notify;
	sdvf_sim_inject(sim, "drv", "doorbell");
	assert_true(sdvf_sim_step(sim));
	assert_int_equal(actor("drv")->scratch, 1);
	assert_int_equal(sdvf_sim_activations(sim, "dev"), 1);
	/* dev's notification to drv waited for drv's activation to end. */
	assert_int_equal(actor("drv")->max_depth, 1);
	assert_int_equal(sdvf_sim_activations(sim, "drv"), 1);
	assert_int_equal(sdvf_sim_run(sim, 100), 1);
	assert_int_equal(sdvf_sim_activations(sim, "drv"), 2);
}

static void wait_without_asking(struct actor *a, sdvf_channel_t c)
{
	(void)c;
	a->scratch = sdvf_wait(a->pd, answered, (void *)shared_word(a), 1000);
}

static void sim_wait_fails_when_no_peer_can_make_progress(void **unused)
{
	(void)unused;
	build_wait_pair();
	actor("drv")->on_notified = wait_without_asking;
	actor("drv")->scratch = 99;
	sdvf_sim_inject(sim, "drv", "doorbell");
	sdvf_sim_inject(sim, "drv", "doorbell"); /* coalesced, not run */
	assert_int_equal(sdvf_sim_run(sim, 100), 1);
	assert_int_equal(actor("drv")->scratch, 0);
	assert_int_equal(sdvf_sim_activations(sim, "dev"), 0);
	assert_int_equal(sdvf_sim_now(sim), 0);
}

/* ---- timers ---------------------------------------------------------- */

static void set_timer_100(struct actor *a, sdvf_channel_t c)
{
	(void)c;
	sdvf_timer_set(a->pd, sdvf_now_ns(a->pd) + 100);
}

static void sim_timer_fires_when_virtual_time_reaches_deadline(void **unused)
{
	(void)unused;
	build_star();
	actor("a")->on_init = set_timer_100;
	start();
	sdvf_sim_advance(sim, 99);
	assert_int_equal(sdvf_sim_activations(sim, "a"), 0);
	assert_int_equal(sdvf_sim_now(sim), 99);
	sdvf_sim_advance(sim, 50);
	assert_int_equal(sdvf_sim_activations(sim, "a"), 1);
	assert_int_equal(actor("a")->received[0], SDVF_CHANNEL_TIMER);
	assert_int_equal(actor("a")->received_at_ns[0], 100);
	assert_int_equal(sdvf_sim_now(sim), 149);
	sdvf_sim_advance(sim, 1000); /* one-shot: does not fire again */
	assert_int_equal(sdvf_sim_activations(sim, "a"), 1);
}

static void periodic_timer(struct actor *a, sdvf_channel_t c)
{
	if (c == SDVF_CHANNEL_TIMER)
		sdvf_timer_set(a->pd, sdvf_now_ns(a->pd) + 100);
}

static void sim_timer_rearmed_in_handler_fires_each_period(void **unused)
{
	(void)unused;
	build_star();
	actor("a")->on_init = set_timer_100;
	start();
	actor("a")->on_notified = periodic_timer;
	sdvf_sim_advance(sim, 350);
	assert_int_equal(sdvf_sim_activations(sim, "a"), 3);
	assert_int_equal(actor("a")->received_at_ns[2], 300);
}

static void cancel_timer(struct actor *a, sdvf_channel_t c)
{
	(void)c;
	sdvf_timer_set(a->pd, 0);
}

static void sim_timer_set_to_zero_cancels(void **unused)
{
	(void)unused;
	build_star();
	actor("a")->on_init = set_timer_100;
	start();
	actor("a")->on_notified = cancel_timer;
	sdvf_sim_inject(sim, "a", "to_b");
	sdvf_sim_advance(sim, 1000);
	assert_int_equal(sdvf_sim_activations(sim, "a"), 1);
}

static void set_timer_50(struct actor *a, sdvf_channel_t c)
{
	(void)c;
	sdvf_timer_set(a->pd, 50);
}

static void sim_timers_of_several_pds_fire_in_deadline_order(void **unused)
{
	(void)unused;
	build_star();
	actor("a")->on_init = set_timer_100;
	actor("c")->on_init = set_timer_50;
	start();
	sdvf_sim_advance(sim, 200);
	assert_int_equal(actor("c")->received_at_ns[0], 50);
	assert_int_equal(actor("a")->received_at_ns[0], 100);
	assert_true(actor("c")->received_seq[0] < actor("a")->received_seq[0]);
}

/* The earliest armed deadline of any PD, or UINT64_MAX: advancing exactly
 * to it fires that timer with the sim's clock on its deadline. */
static void sim_next_timer_is_the_earliest_armed_deadline(void **unused)
{
	(void)unused;
	build_star();
	assert_int_equal(sdvf_sim_next_timer(sim), UINT64_MAX);
	actor("a")->on_init = set_timer_100;
	actor("c")->on_init = set_timer_50;
	start();
	assert_int_equal(sdvf_sim_next_timer(sim), 50);
	sdvf_sim_advance(sim, sdvf_sim_next_timer(sim) - sdvf_sim_now(sim));
	assert_int_equal(sdvf_sim_now(sim), 50);
	assert_int_equal(sdvf_sim_activations(sim, "c"), 1);
	assert_int_equal(sdvf_sim_next_timer(sim), 100);
	sdvf_sim_advance(sim, 50);
	assert_int_equal(sdvf_sim_next_timer(sim), UINT64_MAX);
}

/* ---- host fds -------------------------------------------------------- */

#define WATCH_CH 1000u

static void sim_delivers_watched_fd_once_per_run_while_readable(void **unused)
{
	(void)unused;
	int dev = add_pd("dev", &device_component);
	int cli = add_pd("cli", &actor_component);
	connect(dev, "irq", cli, "irq");
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	start();
	int fd = eventfd(0, EFD_NONBLOCK);
	assert_true(fd >= 0);
	assert_int_equal(
		actor("dev")->pd->ops->watch_fd(actor("dev")->pd, fd, WATCH_CH),
		0);
	assert_int_equal(sdvf_sim_run(sim, 100), 0);
	uint64_t one = 1;
	assert_int_equal(write(fd, &one, sizeof(one)), sizeof(one));
	/* Nobody drains the fd: one delivery per run, no spinning. */
	assert_int_equal(sdvf_sim_run(sim, 100), 1);
	assert_int_equal(sdvf_sim_run(sim, 100), 1);
	assert_int_equal(actor("dev")->received[0], WATCH_CH);
	close(fd);
}

static void sim_refuses_watch_fd_for_client_or_on_own_channel(void **unused)
{
	(void)unused;
	int dev = add_pd("dev", &device_component);
	int cli = add_pd("cli", &actor_component);
	connect(dev, "irq", cli, "irq");
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	start();
	struct sdvf_pd *c = actor("cli")->pd, *d = actor("dev")->pd;
	assert_int_equal(c->ops->watch_fd(c, 0, WATCH_CH), -1);
	assert_int_equal(d->ops->watch_fd(d, 0, ch(actor("dev"), "irq")), -1);
	assert_int_equal(d->ops->watch_fd(d, -1, WATCH_CH), -1);
}

/* ---- instances, regions, init ---------------------------------------- */

static void sim_keeps_separate_state_per_instance(void **unused)
{
	(void)unused;
	build_star();
	start();
	assert_ptr_not_equal(actor("b"), actor("c"));
	sdvf_sim_inject(sim, "b", "from_a");
	sdvf_sim_run(sim, 10);
	assert_int_equal(actor("b")->nreceived, 1);
	assert_int_equal(actor("c")->nreceived, 0);
	assert_string_equal(actor("b")->pd->name, "b");
	assert_string_equal(actor("c")->pd->name, "c");
}

static void sim_maps_regions_zeroed_aligned_with_rights_and_io(void **unused)
{
	(void)unused;
	int x = add_pd("x", &actor_component);
	int y = add_pd("y", &actor_component);
	int data = add_region("data", 3 * 4096, 0x40000000);
	int priv = add_region("priv", 4096, 0);
	map(x, "dma", data, SDVF_RW);
	map(y, "rx_data", data, SDVF_R);
	map(y, "mine", priv, SDVF_RW);
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	start();
	const struct sdvf_region *rx = sdvf_region(actor("x")->pd, "dma");
	const struct sdvf_region *ry = sdvf_region(actor("y")->pd, "rx_data");
	const struct sdvf_region *mine = sdvf_region(actor("y")->pd, "mine");
	assert_non_null(rx);
	assert_non_null(ry);
	assert_non_null(mine);
	assert_null(sdvf_region(actor("x")->pd, "mine"));
	assert_ptr_equal(rx->base, ry->base);
	assert_int_equal((uintptr_t)rx->base % 4096, 0);
	assert_int_equal(rx->size, 3 * 4096);
	assert_true(rx->has_io);
	assert_int_equal(rx->io_addr, 0x40000000);
	assert_int_equal(rx->rights, SDVF_RW);
	assert_int_equal(ry->rights, SDVF_R);
	assert_false(mine->has_io);
	uint64_t size = 0;
	uint8_t *bytes = sdvf_sim_region(sim, "data", &size);
	assert_ptr_equal(bytes, rx->base);
	assert_int_equal(size, 3 * 4096);
	for (uint64_t i = 0; i < size; i++)
		assert_int_equal(bytes[i], 0);
	assert_null(sdvf_sim_region(sim, "nonexistent", NULL));
}

static void sim_channel_lookup_of_unknown_name_is_none(void **unused)
{
	(void)unused;
	build_star();
	start();
	assert_int_equal(sdvf_channel(actor("b")->pd, "to_b"),
			 SDVF_CHANNEL_NONE);
	assert_null(sdvf_sim_state(sim, "nobody"));
	assert_int_equal(sdvf_sim_activations(sim, "nobody"), 0);
}

static void notify_bogus_channel(struct actor *a, sdvf_channel_t c)
{
	(void)c;
	sdvf_notify(a->pd, 17);
	sdvf_deferred_notify(a->pd, SDVF_CHANNEL_NONE);
	sdvf_irq_ack(a->pd, 5);
}

static void sim_ignores_notify_on_channel_the_pd_does_not_have(void **unused)
{
	(void)unused;
	build_star();
	start();
	actor("b")->on_notified = notify_bogus_channel;
	sdvf_sim_inject(sim, "b", "from_a");
	assert_int_equal(sdvf_sim_run(sim, 100), 1);
	assert_int_equal(sdvf_sim_activations(sim, "a"), 0);
	assert_int_equal(sdvf_sim_activations(sim, "c"), 0);
}

static void sim_init_returns_first_refusal(void **unused)
{
	(void)unused;
	add_pd("ok", &actor_component);
	add_pd("no", &refusing_component);
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	assert_int_equal(sdvf_sim_init(sim), -7);
}

static void sim_create_rejects_pd_without_component(void **unused)
{
	(void)unused;
	add_pd("ghost", NULL);
	assert_null(sdvf_sim_create(&sys));
}

#define T(f) cmocka_unit_test_setup_teardown(f, reset_system, destroy_sim)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(sim_delivers_notifications_in_fifo_order),
		T(sim_coalesces_pending_notification_per_channel),
		T(sim_injection_into_pending_channel_is_coalesced),
		T(sim_step_delivers_exactly_one_notification),
		T(sim_run_stops_at_max_steps),
		T(sim_sends_deferred_notification_once_at_end_of_activation),
		T(sim_flushes_deferred_notification_of_init),
		T(sim_routes_irq_ack_to_peer_after_activation),
		T(sim_device_can_reraise_after_ack),
		T(sim_wait_runs_peer_until_condition_holds),
		T(sim_wait_fails_when_no_peer_can_make_progress),
		T(sim_timer_fires_when_virtual_time_reaches_deadline),
		T(sim_timer_rearmed_in_handler_fires_each_period),
		T(sim_timer_set_to_zero_cancels),
		T(sim_timers_of_several_pds_fire_in_deadline_order),
		T(sim_next_timer_is_the_earliest_armed_deadline),
		T(sim_delivers_watched_fd_once_per_run_while_readable),
		T(sim_refuses_watch_fd_for_client_or_on_own_channel),
		T(sim_keeps_separate_state_per_instance),
		T(sim_maps_regions_zeroed_aligned_with_rights_and_io),
		T(sim_channel_lookup_of_unknown_name_is_none),
		T(sim_ignores_notify_on_channel_the_pd_does_not_have),
		T(sim_init_returns_first_refusal),
		T(sim_create_rejects_pd_without_component),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
