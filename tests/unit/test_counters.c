/*
 * Component counters through the PD API (sdvf_counter, core/pd.h) in the
 * sim runtime: registration, single-writer updates, the naming rule, and
 * refusals that land in a scratch slot with exact counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/hosted/counters.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"

/* A component whose init runs the test's registrations. */
struct counting {
	struct sdvf_pd *pd;
	_Atomic uint64_t *got[SDVF_COUNTERS_MAX + 8];
};

static void (*on_init)(struct counting *c);

static int counting_init(void *state, struct sdvf_pd *pd)
{
	struct counting *c = state;
	c->pd = pd;
	if (on_init)
		on_init(c);
	return 0;
}

static void counting_notified(void *state, struct sdvf_pd *pd,
			      sdvf_channel_t ch)
{
	(void)state;
	(void)pd;
	(void)ch;
}

static const struct sdvf_component counting_component = {
	.name = "test_counting",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct counting),
	.init = counting_init,
	.notified = counting_notified,
};

static struct sdvf_system sys;

/* Two PDs of the same component: counters are per PD. */
static struct sdvf_sim *start(void (*hook)(struct counting *c))
{
	memset(&sys, 0, sizeof(sys));
	const char *names[] = {"alpha", "beta"};
	for (int i = 0; i < 2; i++) {
		strcpy(sys.pds[i].name, names[i]);
		sys.pds[i].component = &counting_component;
		sys.pds[i].core = -1;
		sys.pds[i].config_node = -1;
	}
	sys.npds = 2;
	on_init = hook;
	struct sdvf_sim *sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	assert_int_equal(sdvf_sim_init(sim), 0);
	return sim;
}

static struct counting *state_of(struct sdvf_sim *sim, const char *pd)
{
	return sdvf_sim_state(sim, pd);
}

/* ---- registration and updates ---------------------------------------- */

static void register_two(struct counting *c)
{
	c->got[0] = sdvf_counter(c->pd, "rx_frames");
	c->got[1] = sdvf_counter(c->pd, "c2.tx_drops_quota");
}

static void registered_counter_starts_at_zero(void **unused)
{
	(void)unused;
	bool found = false;
	struct sdvf_sim *sim = start(register_two);
	assert_int_equal(sdvf_sim_counter(sim, "alpha", "rx_frames", &found),
			 0);
	assert_true(found);
	assert_int_equal(sdvf_sim_counters_refused(sim, "alpha"), 0);
	sdvf_sim_destroy(sim);
}

static void counter_add_and_set_are_seen_by_the_reader(void **unused)
{
	(void)unused;
	struct sdvf_sim *sim = start(register_two);
	struct counting *a = state_of(sim, "alpha");
	sdvf_counter_add(a->got[0], 3);
	sdvf_counter_add(a->got[0], 4);
	sdvf_counter_set(a->got[1], 42);
	assert_int_equal(sdvf_sim_counter(sim, "alpha", "rx_frames", NULL), 7);
	assert_int_equal(
		sdvf_sim_counter(sim, "alpha", "c2.tx_drops_quota", NULL), 42);
	assert_int_equal(sdvf_counter_get(a->got[0]), 7);
	sdvf_sim_destroy(sim);
}

static void counters_are_per_pd(void **unused)
{
	(void)unused;
	struct sdvf_sim *sim = start(register_two);
	sdvf_counter_add(state_of(sim, "alpha")->got[0], 5);
	sdvf_counter_add(state_of(sim, "beta")->got[0], 9);
	assert_int_equal(sdvf_sim_counter(sim, "alpha", "rx_frames", NULL), 5);
	assert_int_equal(sdvf_sim_counter(sim, "beta", "rx_frames", NULL), 9);
	sdvf_sim_destroy(sim);
}

static void unregistered_name_is_not_found(void **unused)
{
	(void)unused;
	bool found = true;
	struct sdvf_sim *sim = start(register_two);
	assert_int_equal(sdvf_sim_counter(sim, "alpha", "tx_frames", &found),
			 0);
	assert_false(found);
	sdvf_sim_destroy(sim);
}

/* ---- refusals --------------------------------------------------------- */

static void register_duplicate(struct counting *c)
{
	c->got[0] = sdvf_counter(c->pd, "rx_frames");
	c->got[1] = sdvf_counter(c->pd, "rx_frames");
}

static void duplicate_name_gets_scratch_not_the_first_counter(void **unused)
{
	(void)unused;
	struct sdvf_sim *sim = start(register_duplicate);
	struct counting *a = state_of(sim, "alpha");
	assert_non_null(a->got[1]);
	assert_ptr_not_equal(a->got[0], a->got[1]);
	sdvf_counter_add(a->got[1], 100);
	sdvf_counter_add(a->got[0], 1);
	assert_int_equal(sdvf_sim_counter(sim, "alpha", "rx_frames", NULL), 1);
	assert_int_equal(sdvf_sim_counters_refused(sim, "alpha"), 1);
	assert_int_equal(sdvf_sim_counters_refused(sim, "beta"), 1);
	sdvf_sim_destroy(sim);
}

static const char *const invalid_names[] = {
	"",
	"has space",
	".leading_dot",
	"-leading_dash",
	"tab\there",
	"newline\n",
	"sdvf.activations", /* reserved for the runtime */
	"this_name_is_thirty_two_bytes_xx",
	"slash/no",
	"caf\xc3\xa9",
};
#define NINVALID (sizeof(invalid_names) / sizeof(invalid_names[0]))

static void register_invalid(struct counting *c)
{
	for (size_t i = 0; i < NINVALID; i++)
		c->got[i] = sdvf_counter(c->pd, invalid_names[i]);
	c->got[NINVALID] = sdvf_counter(c->pd, "ok-name.v2_Z9");
}

static void invalid_names_get_scratch_and_are_counted(void **unused)
{
	(void)unused;
	bool found = true;
	struct sdvf_sim *sim = start(register_invalid);
	struct counting *a = state_of(sim, "alpha");
	for (size_t i = 0; i < NINVALID; i++) {
		assert_non_null(a->got[i]);
		sdvf_counter_add(a->got[i], 1); /* harmless */
		sdvf_sim_counter(sim, "alpha", invalid_names[i], &found);
		assert_false(found);
	}
	assert_int_equal(sdvf_sim_counters_refused(sim, "alpha"), NINVALID);
	assert_int_equal(
		sdvf_sim_counter(sim, "alpha", "ok-name.v2_Z9", &found), 0);
	assert_true(found);
	sdvf_sim_destroy(sim);
}

static void longest_valid_name_is_31_bytes(void **unused)
{
	(void)unused;
	assert_true(sdvf_counter_name_valid("this_name_is_thirty_one_bytes_x"));
	assert_false(
		sdvf_counter_name_valid("this_name_is_thirty_two_bytes_xx"));
}

static void register_too_many(struct counting *c)
{
	char name[SDVF_COUNTER_NAME_MAX];
	for (unsigned i = 0; i < SDVF_COUNTERS_MAX + 5; i++) {
		snprintf(name, sizeof(name), "c%u.packets", i);
		c->got[i] = sdvf_counter(c->pd, name);
	}
}

static void full_table_overflows_to_scratch_with_exact_counts(void **unused)
{
	(void)unused;
	bool found = false;
	struct sdvf_sim *sim = start(register_too_many);
	struct counting *a = state_of(sim, "alpha");
	for (unsigned i = 0; i < SDVF_COUNTERS_MAX + 5; i++)
		sdvf_counter_add(a->got[i], i + 1);
	assert_int_equal(sdvf_sim_counters_refused(sim, "alpha"), 5);
	assert_int_equal(sdvf_sim_counter(sim, "alpha", "c0.packets", NULL), 1);
	/* the last one that fit keeps its own value */
	assert_int_equal(sdvf_sim_counter(sim, "alpha", "c383.packets", &found),
			 SDVF_COUNTERS_MAX);
	assert_true(found);
	sdvf_sim_counter(sim, "alpha", "c384.packets", &found);
	assert_false(found);
	/* the refused ones share one scratch slot nobody reads */
	assert_ptr_equal(a->got[SDVF_COUNTERS_MAX],
			 a->got[SDVF_COUNTERS_MAX + 4]);
	sdvf_sim_destroy(sim);
}

/* ---- the table itself: a restart reuses a name ------------------------ */

static void restarted_owner_gets_the_same_entry_and_value(void **unused)
{
	(void)unused;
	static struct sdvf_counter_table table;
	struct sdvf_counter_claims first = {0}, second = {0};
	memset(&table, 0, sizeof(table));
	int a = sdvf_counter_claim(&table, &first, "rx_frames");
	int b = sdvf_counter_claim(&table, &first, "tx_frames");
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	table.value[b] = 77;
	/* A new incarnation: fresh claims, the table kept. */
	assert_int_equal(sdvf_counter_claim(&table, &second, "tx_frames"), 1);
	assert_int_equal(table.value[1], 77);
	assert_int_equal(sdvf_counter_claim(&table, &second, "tx_frames"),
			 SDVF_COUNTER_DUPLICATE);
	assert_int_equal(sdvf_counter_claim(&table, &second, "new_one"), 2);
	assert_int_equal(table.count, 3);
}

static void scribbled_count_is_clamped(void **unused)
{
	(void)unused;
	static struct sdvf_counter_table table;
	struct sdvf_counter_claims claims = {0};
	memset(&table, 0xff, sizeof(table));
	assert_int_equal(sdvf_counter_count(&table), SDVF_COUNTERS_MAX);
	assert_int_equal(sdvf_counter_find(&table, "rx_frames"), -1);
	assert_int_equal(sdvf_counter_claim(&table, &claims, "rx_frames"),
			 SDVF_COUNTER_FULL);
}

int main(void)
{
	setenv("SDVF_SIM_QUIET", "1", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(registered_counter_starts_at_zero),
		cmocka_unit_test(counter_add_and_set_are_seen_by_the_reader),
		cmocka_unit_test(counters_are_per_pd),
		cmocka_unit_test(unregistered_name_is_not_found),
		cmocka_unit_test(
			duplicate_name_gets_scratch_not_the_first_counter),
		cmocka_unit_test(invalid_names_get_scratch_and_are_counted),
		cmocka_unit_test(longest_valid_name_is_31_bytes),
		cmocka_unit_test(
			full_table_overflows_to_scratch_with_exact_counts),
		cmocka_unit_test(restarted_owner_gets_the_same_entry_and_value),
		cmocka_unit_test(scribbled_count_is_clamped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
