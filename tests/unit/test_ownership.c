/*
 * Specification of core/ownership.[ch]: the per-region buffer ownership map
 * a trusted PD uses to accept buffers back from an untrusted peer.
 *
 * Every refusal is checked three ways: sdvf_own_take returns false, exactly
 * one violation of the expected reason is counted, and the map (owners and
 * held counts) is byte-for-byte what it was before.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/ownership.h"

#define NBUFS 8u
#define BASE 0x100000ull /* region offset of slot 0 */
#define MIN_LEN 14u
#define MAX_LEN 1518u
#define CLIENT_A 1u
#define CLIENT_B 2u

struct ofix {
	struct sdvf_own_map map;
	uint8_t *storage;
	struct sdvf_violations viol;
	/* Snapshot taken before an operation that must change nothing. */
	uint8_t owner_before[NBUFS];
	uint32_t held_before[256];
};

static int ofix_setup(void **state)
{
	struct ofix *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	/* Exactly nbufs bytes, so a slot index past the end is a heap
	 * overflow under SAN=1. */
	f->storage = malloc(NBUFS);
	assert_non_null(f->storage);
	sdvf_own_init(&f->map, f->storage, NBUFS, BASE);
	*state = f;
	return 0;
}

static int ofix_teardown(void **state)
{
	struct ofix *f = *state;
	free(f->storage);
	free(f);
	return 0;
}

static uint64_t slot_addr(uint32_t slot)
{
	return BASE + (uint64_t)slot * SDVF_BUF_SIZE;
}

static struct sdvf_desc desc_at(uint64_t addr, uint16_t len)
{
	struct sdvf_desc d = {.io_or_offset = addr, .len = len};
	return d;
}

static void snapshot(struct ofix *f)
{
	memcpy(f->owner_before, f->storage, NBUFS);
	memcpy(f->held_before, f->map.held, sizeof(f->held_before));
}

static void assert_unchanged(const struct ofix *f)
{
	assert_memory_equal(f->owner_before, f->storage, NBUFS);
	assert_memory_equal(f->held_before, f->map.held,
			    sizeof(f->held_before));
}

/* Exactly one violation, of reason `why`, and none of any other. */
static void assert_one_violation(const struct ofix *f, enum sdvf_violation why)
{
	for (int r = 0; r < SDVF_VIOL_COUNT; r++)
		assert_int_equal(f->viol.by_reason[r], r == (int)why ? 1 : 0);
}

static void assert_no_violation(const struct ofix *f)
{
	for (int r = 0; r < SDVF_VIOL_COUNT; r++)
		assert_int_equal(f->viol.by_reason[r], 0);
}

/* Buffer conservation: every slot has exactly one owner. */
static void assert_conserved(const struct ofix *f)
{
	uint32_t total = 0;
	for (int o = 0; o < 256; o++)
		total += f->map.held[o];
	assert_int_equal(total, NBUFS);
}

static void give_to(struct ofix *f, uint32_t slot, uint8_t to)
{
	assert_true(
		sdvf_own_give(&f->map, slot_addr(slot), SDVF_OWNER_SELF, to));
}

/* Offer `d` from CLIENT_A back to SELF; it must be refused for `why`. */
static void assert_take_refused(struct ofix *f, struct sdvf_desc d,
				enum sdvf_violation why)
{
	snapshot(f);
	assert_false(sdvf_own_take(&f->map, &d, CLIENT_A, SDVF_OWNER_SELF,
				   MIN_LEN, MAX_LEN, &f->viol));
	assert_one_violation(f, why);
	assert_unchanged(f);
	assert_conserved(f);
}

/* ---- init, slot lookup ------------------------------------------------- */

static void init_gives_every_buffer_to_self(void **state)
{
	struct ofix *f = *state;
	for (uint32_t i = 0; i < NBUFS; i++)
		assert_int_equal(f->storage[i], SDVF_OWNER_SELF);
	assert_int_equal(sdvf_own_held(&f->map, SDVF_OWNER_SELF), NBUFS);
	assert_int_equal(sdvf_own_held(&f->map, CLIENT_A), 0);
	assert_int_equal(sdvf_own_held(&f->map, SDVF_OWNER_NONE), 0);
}

static void slot_maps_first_and_last_buffer(void **state)
{
	struct ofix *f = *state;
	enum sdvf_violation why = SDVF_VIOL_COUNT;
	assert_int_equal(sdvf_own_slot(&f->map, slot_addr(0), &why), 0);
	assert_int_equal(sdvf_own_slot(&f->map, slot_addr(NBUFS - 1), &why),
			 NBUFS - 1);
	assert_int_equal(why, SDVF_VIOL_COUNT);
}

static void slot_reports_reason_for_bad_address(void **state)
{
	struct ofix *f = *state;
	enum sdvf_violation why = SDVF_VIOL_COUNT;
	assert_int_equal(sdvf_own_slot(&f->map, slot_addr(1) + 8, &why), -1);
	assert_int_equal(why, SDVF_VIOL_MISALIGNED);
	assert_int_equal(sdvf_own_slot(&f->map, slot_addr(NBUFS), &why), -1);
	assert_int_equal(why, SDVF_VIOL_OUT_OF_RANGE);
}

/* ---- give -------------------------------------------------------------- */

static void give_moves_buffer_and_held_counts(void **state)
{
	struct ofix *f = *state;
	give_to(f, 3, CLIENT_A);
	assert_int_equal(f->storage[3], CLIENT_A);
	assert_int_equal(sdvf_own_held(&f->map, SDVF_OWNER_SELF), NBUFS - 1);
	assert_int_equal(sdvf_own_held(&f->map, CLIENT_A), 1);
	assert_conserved(f);
}

static void give_refuses_buffer_the_giver_does_not_hold(void **state)
{
	struct ofix *f = *state;
	give_to(f, 3, CLIENT_A);
	snapshot(f);
	assert_false(sdvf_own_give(&f->map, slot_addr(3), SDVF_OWNER_SELF,
				   CLIENT_B));
	assert_unchanged(f);
}

static void give_refuses_bad_address(void **state)
{
	struct ofix *f = *state;
	snapshot(f);
	assert_false(sdvf_own_give(&f->map, slot_addr(2) + 1, SDVF_OWNER_SELF,
				   CLIENT_A));
	assert_false(sdvf_own_give(&f->map, slot_addr(NBUFS), SDVF_OWNER_SELF,
				   CLIENT_A));
	assert_unchanged(f);
}

/* ---- take: acceptance -------------------------------------------------- */

static void take_accepts_buffer_from_its_holder(void **state)
{
	struct ofix *f = *state;
	give_to(f, 5, CLIENT_A);
	struct sdvf_desc d = desc_at(slot_addr(5), 60);
	assert_true(sdvf_own_take(&f->map, &d, CLIENT_A, SDVF_OWNER_SELF,
				  MIN_LEN, MAX_LEN, &f->viol));
	assert_int_equal(f->storage[5], SDVF_OWNER_SELF);
	assert_int_equal(sdvf_own_held(&f->map, CLIENT_A), 0);
	assert_int_equal(sdvf_own_held(&f->map, SDVF_OWNER_SELF), NBUFS);
	assert_no_violation(f);
}

static void take_accepts_lengths_at_both_bounds(void **state)
{
	struct ofix *f = *state;
	give_to(f, 0, CLIENT_A);
	give_to(f, NBUFS - 1, CLIENT_A);
	struct sdvf_desc shortest = desc_at(slot_addr(0), MIN_LEN);
	struct sdvf_desc longest = desc_at(slot_addr(NBUFS - 1), MAX_LEN);
	assert_true(sdvf_own_take(&f->map, &shortest, CLIENT_A, SDVF_OWNER_SELF,
				  MIN_LEN, MAX_LEN, &f->viol));
	assert_true(sdvf_own_take(&f->map, &longest, CLIENT_A, SDVF_OWNER_SELF,
				  MIN_LEN, MAX_LEN, &f->viol));
	assert_int_equal(sdvf_own_held(&f->map, CLIENT_A), 0);
	assert_no_violation(f);
}

static void take_can_pass_buffer_on_to_another_owner(void **state)
{
	struct ofix *f = *state;
	give_to(f, 4, CLIENT_A);
	struct sdvf_desc d = desc_at(slot_addr(4), 100);
	assert_true(sdvf_own_take(&f->map, &d, CLIENT_A, CLIENT_B, MIN_LEN,
				  MAX_LEN, &f->viol));
	assert_int_equal(f->storage[4], CLIENT_B);
	assert_int_equal(sdvf_own_held(&f->map, CLIENT_A), 0);
	assert_int_equal(sdvf_own_held(&f->map, CLIENT_B), 1);
	assert_conserved(f);
}

/* ---- take: every refusal ------------------------------------------------ */

static void take_refuses_misaligned_offset(void **state)
{
	struct ofix *f = *state;
	give_to(f, 2, CLIENT_A);
	assert_take_refused(f, desc_at(slot_addr(2) + 64, 60),
			    SDVF_VIOL_MISALIGNED);
}

static void take_refuses_offset_one_past_last_buffer(void **state)
{
	struct ofix *f = *state;
	assert_take_refused(f, desc_at(slot_addr(NBUFS), 60),
			    SDVF_VIOL_OUT_OF_RANGE);
}

static void take_refuses_offset_far_beyond_region(void **state)
{
	struct ofix *f = *state;
	/* Aligned and huge: the slot number must not be truncated into
	 * range. */
	assert_take_refused(f, desc_at(BASE + (1ull << 43), 60),
			    SDVF_VIOL_OUT_OF_RANGE);
}

static void take_refuses_aligned_offset_below_base(void **state)
{
	struct ofix *f = *state;
	assert_take_refused(f, desc_at(BASE - SDVF_BUF_SIZE, 60),
			    SDVF_VIOL_OUT_OF_RANGE);
}

static void take_refuses_unaligned_offset_below_base(void **state)
{
	struct ofix *f = *state;
	assert_take_refused(f, desc_at(BASE - 1, 60), SDVF_VIOL_MISALIGNED);
}

static void take_refuses_length_one_below_minimum(void **state)
{
	struct ofix *f = *state;
	give_to(f, 1, CLIENT_A);
	assert_take_refused(f, desc_at(slot_addr(1), MIN_LEN - 1),
			    SDVF_VIOL_BAD_LENGTH);
}

static void take_refuses_length_one_above_maximum(void **state)
{
	struct ofix *f = *state;
	give_to(f, 1, CLIENT_A);
	assert_take_refused(f, desc_at(slot_addr(1), MAX_LEN + 1),
			    SDVF_VIOL_BAD_LENGTH);
}

static void take_refuses_duplicate_return(void **state)
{
	struct ofix *f = *state;
	give_to(f, 6, CLIENT_A);
	struct sdvf_desc d = desc_at(slot_addr(6), 60);
	assert_true(sdvf_own_take(&f->map, &d, CLIENT_A, SDVF_OWNER_SELF,
				  MIN_LEN, MAX_LEN, &f->viol));
	assert_take_refused(f, d, SDVF_VIOL_NOT_OWNER);
	assert_int_equal(sdvf_own_held(&f->map, SDVF_OWNER_SELF), NBUFS);
}

static void take_refuses_buffer_held_by_another_client(void **state)
{
	struct ofix *f = *state;
	give_to(f, 2, CLIENT_B);
	assert_take_refused(f, desc_at(slot_addr(2), 60), SDVF_VIOL_NOT_OWNER);
	/* CLIENT_B does not lose its buffer to A's forgery. */
	assert_int_equal(f->storage[2], CLIENT_B);
	assert_int_equal(sdvf_own_held(&f->map, CLIENT_B), 1);
}

static void take_refuses_buffer_never_given_out(void **state)
{
	struct ofix *f = *state;
	assert_take_refused(f, desc_at(slot_addr(0), 60), SDVF_VIOL_NOT_OWNER);
}

static void take_checks_range_before_length(void **state)
{
	struct ofix *f = *state;
	assert_take_refused(f, desc_at(slot_addr(NBUFS), 0),
			    SDVF_VIOL_OUT_OF_RANGE);
}

static void take_checks_length_before_ownership(void **state)
{
	struct ofix *f = *state;
	give_to(f, 3, CLIENT_B);
	assert_take_refused(f, desc_at(slot_addr(3), 0), SDVF_VIOL_BAD_LENGTH);
}

static void take_refuses_without_violation_counters(void **state)
{
	struct ofix *f = *state;
	struct sdvf_desc d = desc_at(slot_addr(1) + 1, 60);
	snapshot(f);
	assert_false(sdvf_own_take(&f->map, &d, CLIENT_A, SDVF_OWNER_SELF,
				   MIN_LEN, MAX_LEN, NULL));
	assert_unchanged(f);
}

static void take_counts_each_refusal_once(void **state)
{
	struct ofix *f = *state;
	struct sdvf_desc forged = desc_at(slot_addr(0), 60);
	for (int i = 0; i < 5; i++)
		assert_false(sdvf_own_take(&f->map, &forged, CLIENT_A,
					   SDVF_OWNER_SELF, MIN_LEN, MAX_LEN,
					   &f->viol));
	assert_int_equal(f->viol.by_reason[SDVF_VIOL_NOT_OWNER], 5);
	assert_int_equal(f->viol.by_reason[SDVF_VIOL_MISALIGNED], 0);
}

/* ---- reclaim ------------------------------------------------------------ */

static void reclaim_returns_every_buffer_of_a_crashed_client(void **state)
{
	struct ofix *f = *state;
	give_to(f, 0, CLIENT_A);
	give_to(f, 3, CLIENT_A);
	give_to(f, 7, CLIENT_A);
	give_to(f, 1, CLIENT_B);
	give_to(f, 2, CLIENT_B);
	assert_int_equal(sdvf_own_reclaim(&f->map, CLIENT_A, SDVF_OWNER_SELF),
			 3);
	assert_int_equal(sdvf_own_held(&f->map, CLIENT_A), 0);
	assert_int_equal(sdvf_own_held(&f->map, SDVF_OWNER_SELF), NBUFS - 2);
	assert_int_equal(f->storage[0], SDVF_OWNER_SELF);
	assert_int_equal(f->storage[3], SDVF_OWNER_SELF);
	assert_int_equal(f->storage[7], SDVF_OWNER_SELF);
	/* The other client keeps what it holds. */
	assert_int_equal(sdvf_own_held(&f->map, CLIENT_B), 2);
	assert_int_equal(f->storage[1], CLIENT_B);
	assert_int_equal(f->storage[2], CLIENT_B);
	assert_conserved(f);
}

static void reclaim_from_owner_holding_nothing_moves_nothing(void **state)
{
	struct ofix *f = *state;
	give_to(f, 1, CLIENT_B);
	snapshot(f);
	assert_int_equal(sdvf_own_reclaim(&f->map, CLIENT_A, SDVF_OWNER_SELF),
			 0);
	assert_unchanged(f);
}

static void reclaim_to_the_same_owner_moves_nothing(void **state)
{
	struct ofix *f = *state;
	give_to(f, 1, CLIENT_A);
	snapshot(f);
	assert_int_equal(sdvf_own_reclaim(&f->map, CLIENT_A, CLIENT_A), 0);
	assert_unchanged(f);
}

static void reclaimed_buffer_cannot_be_returned_by_old_owner(void **state)
{
	struct ofix *f = *state;
	give_to(f, 4, CLIENT_A);
	assert_int_equal(sdvf_own_reclaim(&f->map, CLIENT_A, SDVF_OWNER_SELF),
			 1);
	assert_take_refused(f, desc_at(slot_addr(4), 60), SDVF_VIOL_NOT_OWNER);
}

/* ---- names -------------------------------------------------------------- */

static void violation_names_are_stable(void **state)
{
	(void)state;
	assert_string_equal(sdvf_violation_name(SDVF_VIOL_BAD_INDEX),
			    "bad_index");
	assert_string_equal(sdvf_violation_name(SDVF_VIOL_MISALIGNED),
			    "misaligned");
	assert_string_equal(sdvf_violation_name(SDVF_VIOL_OUT_OF_RANGE),
			    "out_of_range");
	assert_string_equal(sdvf_violation_name(SDVF_VIOL_BAD_LENGTH),
			    "bad_length");
	assert_string_equal(sdvf_violation_name(SDVF_VIOL_NOT_OWNER),
			    "not_owner");
}

static void violation_name_of_unknown_reason_is_unknown(void **state)
{
	(void)state;
	assert_string_equal(sdvf_violation_name(SDVF_VIOL_COUNT), "unknown");
	assert_string_equal(sdvf_violation_name((enum sdvf_violation) - 1),
			    "unknown");
}

#define T(name) cmocka_unit_test_setup_teardown(name, ofix_setup, ofix_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(init_gives_every_buffer_to_self),
		T(slot_maps_first_and_last_buffer),
		T(slot_reports_reason_for_bad_address),
		T(give_moves_buffer_and_held_counts),
		T(give_refuses_buffer_the_giver_does_not_hold),
		T(give_refuses_bad_address),
		T(take_accepts_buffer_from_its_holder),
		T(take_accepts_lengths_at_both_bounds),
		T(take_can_pass_buffer_on_to_another_owner),
		T(take_refuses_misaligned_offset),
		T(take_refuses_offset_one_past_last_buffer),
		T(take_refuses_offset_far_beyond_region),
		T(take_refuses_aligned_offset_below_base),
		T(take_refuses_unaligned_offset_below_base),
		T(take_refuses_length_one_below_minimum),
		T(take_refuses_length_one_above_maximum),
		T(take_refuses_duplicate_return),
		T(take_refuses_buffer_held_by_another_client),
		T(take_refuses_buffer_never_given_out),
		T(take_checks_range_before_length),
		T(take_checks_length_before_ownership),
		T(take_refuses_without_violation_counters),
		T(take_counts_each_refusal_once),
		T(reclaim_returns_every_buffer_of_a_crashed_client),
		T(reclaim_from_owner_holding_nothing_moves_nothing),
		T(reclaim_to_the_same_owner_moves_nothing),
		T(reclaimed_buffer_cannot_be_returned_by_old_owner),
		T(violation_names_are_stable),
		T(violation_name_of_unknown_reason_is_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
