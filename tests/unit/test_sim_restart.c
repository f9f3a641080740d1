/*
 * sdvf_sim_restart (core/sim/sim.h), as the hosted monitor restarts a PD:
 * the dead PD's pending events and timer go, each PD at the other end of
 * one of its channels runs peer_restart for that channel before the new
 * instance's init(), the state starts from zero and counters keep their
 * values; sdvf_fail is counted per PD.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"

/* ---- a component that records what happens to it ---------------------- */

/* What every PD saw, in order, across restarts (state does not survive). */
#define EVENTS_MAX 64
static char events[EVENTS_MAX][48];
static int nevents;

static void record(const char *fmt, const char *pd, unsigned ch)
{
	assert_true(nevents < EVENTS_MAX);
	snprintf(events[nevents++], sizeof(events[0]), fmt, pd, ch);
}

struct recorder {
	uint64_t inits; /* in this incarnation: 1 if state was zeroed */
	_Atomic uint64_t *starts;
	bool notify_in_peer_restart;
};

static int recorder_init(void *state, struct sdvf_pd *pd)
{
	struct recorder *r = state;
	r->inits++;
	r->starts = sdvf_counter(pd, "starts");
	sdvf_counter_add(r->starts, 1);
	record("%s init%u", pd->name, (unsigned)r->inits);
	return 0;
}

static void recorder_notified(void *state, struct sdvf_pd *pd,
			      sdvf_channel_t ch)
{
	(void)state;
	record("%s notified %u", pd->name, ch);
}

static void recorder_peer_restart(void *state, struct sdvf_pd *pd,
				  sdvf_channel_t ch)
{
	struct recorder *r = state;
	record("%s peer_restart %u", pd->name, ch);
	if (r->notify_in_peer_restart)
		sdvf_notify(pd, ch);
}

/* Every channel name the systems below use. */
static const struct sdvf_need recorder_needs[] = {
	SDVF_NEED_CHAN_OPTIONAL("x"),
	SDVF_NEED_CHAN_OPTIONAL("y"),
	SDVF_NEED_CHAN_OPTIONAL("dead"),
	SDVF_NEED_CHAN_OPTIONAL("other"),
	{0},
};

static const struct sdvf_component recorder = {
	.name = "test_recorder",
	.role = SDVF_ROLE_CLIENT,
	.needs = recorder_needs,
	.state_size = sizeof(struct recorder),
	.init = recorder_init,
	.notified = recorder_notified,
	.peer_restart = recorder_peer_restart,
};

/* The same without peer_restart: it takes no part in restarts. */
static const struct sdvf_component bystander = {
	.name = "test_bystander",
	.role = SDVF_ROLE_CLIENT,
	.needs = recorder_needs,
	.state_size = sizeof(struct recorder),
	.init = recorder_init,
	.notified = recorder_notified,
};

static void failing_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	(void)state;
	sdvf_fail(pd, "cannot go on (channel %u)", ch);
}

static const struct sdvf_component failer = {
	.name = "test_failer",
	.role = SDVF_ROLE_CLIENT,
	.needs = recorder_needs,
	.state_size = sizeof(struct recorder),
	.init = recorder_init,
	.notified = failing_notified,
};

/* ---- systems ------------------------------------------------------------ */

static const struct sdvf_component *const table[] = {&recorder, &bystander,
						     &failer, NULL};

/* "dead" has channels to x (its channel 1) and to y (its channel 0); x
 * and y name theirs so that the local ids differ from dead's. */
#define STAR_DTS                                                               \
	"/dts-v1/;\n/ {\ncompatible = \"sdvf,system\";\npds {\n"               \
	"x { component = \"test_recorder\"; channels { other = \"xy\"; "       \
	"dead = \"dx\"; }; };\n"                                               \
	"dead { component = \"test_recorder\"; restartable;\n"                 \
	"  channels { y = \"dy\"; x = \"dx\"; }; };\n"                         \
	"y { component = \"%s\"; channels { dead = \"dy\"; other = \"xy\"; "   \
	"}; };\n"                                                              \
	"};\nchannels { dx { ends = \"dead\", \"x\"; }; "                      \
	"dy { ends = \"dead\", \"y\"; }; xy { ends = \"x\", \"y\"; }; "        \
	"};\n};\n"

static struct sdvf_system sys;
static struct sdvf_sim *sim;

static void boot(const char *y_component)
{
	char dts[2048];
	snprintf(dts, sizeof(dts), STAR_DTS, y_component);
	memset(&sys, 0, sizeof(sys));
	assert_int_equal(sdvf_system_load_dts(&sys, "test_sim_restart", dts,
					      table, stderr),
			 0);
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	nevents = 0;
	assert_int_equal(sdvf_sim_init(sim), 0);
	sdvf_sim_run(sim, 1000);
	nevents = 0;
}

static int shutdown(void **unused)
{
	(void)unused;
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	return 0;
}

static void assert_events(const char *const *want, int n)
{
	for (int i = 0; i < n && i < nevents; i++)
		assert_string_equal(events[i], want[i]);
	assert_int_equal(nevents, n);
}

/* ---- the order of a restart -------------------------------------------- */

static void peers_reset_on_their_own_channel_before_new_init(void **unused)
{
	(void)unused;
	boot("test_recorder");
	assert_int_equal(sdvf_sim_restart(sim, "dead"), 0);
	static const char *const want[] = {
		"y peer_restart 0", /* dead's channel 0 is y's channel 0 */
		"x peer_restart 1", /* dead's channel 1 is x's channel 1 */
		"dead init1",	    /* state zeroed: a first init again */
	};
	assert_events(want, 3);
	assert_int_equal(sdvf_sim_peer_restarts(sim, "x"), 1);
	assert_int_equal(sdvf_sim_peer_restarts(sim, "y"), 1);
	assert_int_equal(sdvf_sim_peer_restarts(sim, "dead"), 0);
}

static void pending_events_of_dead_pd_are_dropped(void **unused)
{
	(void)unused;
	boot("test_recorder");
	sdvf_sim_inject(sim, "dead", "x");
	sdvf_sim_inject(sim, "x", "other");
	assert_int_equal(sdvf_sim_restart(sim, "dead"), 0);
	sdvf_sim_run(sim, 1000);
	static const char *const want[] = {
		"y peer_restart 0", "x peer_restart 1", "dead init1",
		"x notified 0", /* x's own event stays */
	};
	assert_events(want, 4);
}

/* A survivor may notify the dead PD from peer_restart: the new instance
 * gets it after its init, never the old one. */
static void notify_from_peer_restart_reaches_new_instance(void **unused)
{
	(void)unused;
	boot("test_recorder");
	struct recorder *x = sdvf_sim_state(sim, "x");
	x->notify_in_peer_restart = true;
	assert_int_equal(sdvf_sim_restart(sim, "dead"), 0);
	sdvf_sim_run(sim, 1000);
	static const char *const want[] = {
		"y peer_restart 0",
		"x peer_restart 1",
		"dead init1",
		"dead notified 1",
	};
	assert_events(want, 4);
}

static void counters_survive_restart(void **unused)
{
	(void)unused;
	boot("test_recorder");
	assert_int_equal(sdvf_sim_restart(sim, "dead"), 0);
	assert_int_equal(sdvf_sim_restart(sim, "dead"), 0);
	bool found = false;
	assert_int_equal(sdvf_sim_counter(sim, "dead", "starts", &found), 3);
	assert_true(found);
	assert_int_equal(sdvf_sim_counters_refused(sim, "dead"), 0);
	assert_int_equal(sdvf_sim_counter(sim, "x", "starts", NULL), 1);
}

static void peer_without_peer_restart_is_skipped(void **unused)
{
	(void)unused;
	boot("test_bystander");
	assert_int_equal(sdvf_sim_restart(sim, "dead"), 0);
	static const char *const want[] = {"x peer_restart 1", "dead init1"};
	assert_events(want, 2);
	assert_int_equal(sdvf_sim_peer_restarts(sim, "y"), 0);
}

/* ---- sdvf_fail ---------------------------------------------------------- */

static void fail_is_counted_per_pd(void **unused)
{
	(void)unused;
	boot("test_failer");
	assert_int_equal(sdvf_sim_failures(sim, "y"), 0);
	sdvf_sim_inject(sim, "y", "dead");
	sdvf_sim_inject(sim, "y", "other");
	sdvf_sim_run(sim, 1000);
	assert_int_equal(sdvf_sim_failures(sim, "y"), 2);
	assert_int_equal(sdvf_sim_failures(sim, "x"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, shutdown)
		T(peers_reset_on_their_own_channel_before_new_init),
		T(pending_events_of_dead_pd_are_dropped),
		T(notify_from_peer_restart_reaches_new_instance),
		T(counters_survive_restart),
		T(peer_without_peer_restart_is_skipped),
		T(fail_is_counted_per_pd),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
