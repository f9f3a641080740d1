/*
 * Specification of virt/virtq.h: guest ranges, ring setup, acquiring
 * chains (and refusing hostile ones), copying, used publication and both
 * directions of notification suppression, with and without EVENT_IDX.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/virtio_guest.h"
#include "virt/virtq.h"

struct fix {
	struct guest g;
	struct gvq v;
	struct virtq q;
	struct virtq_chain c;
};

static int fix_setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	guest_init(&f->g);
	gvq_init(&f->v, &f->g, 0, 8);
	gvq_to_virtq(&f->v, &f->q);
	*state = f;
	return 0;
}

static int fix_teardown(void **state)
{
	struct fix *f = *state;
	guest_fini(&f->g);
	free(f);
	return 0;
}

static struct fix *ready(void **state, bool event_idx)
{
	struct fix *f = *state;
	assert_true(virtq_setup(&f->q, &f->g.mem, event_idx, false));
	return f;
}

/* Ready with VIRTIO_F_INDIRECT_DESC negotiated. */
static struct fix *ready_indirect(void **state)
{
	struct fix *f = *state;
	assert_true(virtq_setup(&f->q, &f->g.mem, false, true));
	return f;
}

/* Write descriptor i of a table at gpa (an indirect table). */
static void table_desc(struct fix *f, uint64_t table, uint16_t i, uint64_t addr,
		       uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = guest_at(&f->g, table) + 16u * i;
	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

#define TABLE (GUEST_BUF_AREA + 0x8000u)

/* ---- guest ranges -------------------------------------------------------- */

static void guest_ptr_accepts_range_ending_at_ram_end(void **state)
{
	struct fix *f = *state;
	assert_non_null(
		virt_guest_ptr(&f->g.mem, GUEST_GPA + GUEST_SIZE - 4, 4));
	assert_non_null(virt_guest_ptr(&f->g.mem, GUEST_GPA + GUEST_SIZE, 0));
}

static void guest_ptr_refuses_range_straddling_ram_end(void **state)
{
	struct fix *f = *state;
	assert_null(virt_guest_ptr(&f->g.mem, GUEST_GPA + GUEST_SIZE - 4, 5));
	assert_null(virt_guest_ptr(&f->g.mem, GUEST_GPA + GUEST_SIZE, 1));
}

static void guest_ptr_refuses_below_base_and_wrapping_sums(void **state)
{
	struct fix *f = *state;
	assert_null(virt_guest_ptr(&f->g.mem, GUEST_GPA - 1, 2));
	assert_null(virt_guest_ptr(&f->g.mem, 0, 1));
	/* gpa + len wraps to a small value inside RAM. */
	assert_null(virt_guest_ptr(&f->g.mem, GUEST_GPA + 16, UINT64_MAX - 8));
	assert_null(virt_guest_ptr(&f->g.mem, UINT64_MAX, 2));
}

/* ---- setup --------------------------------------------------------------- */

static void setup_refuses_size_zero_too_big_or_not_power_of_two(void **state)
{
	struct fix *f = *state;
	uint16_t bad[] = {0, 3, 6, 2 * VIRTQ_NUM_MAX};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f->q.num = bad[i];
		assert_false(virtq_setup(&f->q, &f->g.mem, false, false));
		assert_false(f->q.ready);
	}
	assert_int_equal(f->q.count.bad_setup, 4);
}

static void setup_refuses_rings_outside_ram_or_misaligned(void **state)
{
	struct fix *f = *state;
	f->q.used_gpa = GUEST_GPA + GUEST_SIZE - 8; /* needs 6 + 8 * 8 */
	assert_false(virtq_setup(&f->q, &f->g.mem, false, false));
	gvq_to_virtq(&f->v, &f->q);
	f->q.desc_gpa += 8; /* descriptor table must be 16-aligned */
	assert_false(virtq_setup(&f->q, &f->g.mem, false, false));
	gvq_to_virtq(&f->v, &f->q);
	f->q.avail_gpa = 0x1000; /* below RAM */
	assert_false(virtq_setup(&f->q, &f->g.mem, false, false));
	assert_int_equal(f->q.count.bad_setup, 3);
}

/* ---- acquiring chains ---------------------------------------------------- */

static void pop_is_empty_when_nothing_is_available(void **state)
{
	struct fix *f = ready(state, false);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_EMPTY);
}

static void pop_reads_a_single_descriptor_chain(void **state)
{
	struct fix *f = ready(state, false);
	uint16_t d = gvq_post1(&f->v, GUEST_BUF_AREA, 100, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_CHAIN);
	assert_int_equal(f->c.head, d);
	assert_int_equal(f->c.nseg, 1);
	assert_int_equal(f->c.readable, 100);
	assert_int_equal(f->c.writable, 0);
	assert_ptr_equal(f->c.seg[0].host, guest_at(&f->g, GUEST_BUF_AREA));
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_EMPTY);
}

static void pop_follows_next_with_readable_then_writable(void **state)
{
	struct fix *f = ready(state, false);
	gvq_set_desc(&f->v, 5, GUEST_BUF_AREA, 10, VIRTQ_DESC_F_NEXT, 2);
	gvq_set_desc(&f->v, 2, GUEST_BUF_AREA + 100, 20, VIRTQ_DESC_F_NEXT, 7);
	gvq_set_desc(&f->v, 7, GUEST_BUF_AREA + 200, 30, VIRTQ_DESC_F_WRITE, 0);
	gvq_avail_put(&f->v, 5);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_CHAIN);
	assert_int_equal(f->c.head, 5);
	assert_int_equal(f->c.nseg, 3);
	assert_int_equal(f->c.readable, 30);
	assert_int_equal(f->c.writable, 30);
	assert_true(f->c.seg[2].write);
}

static void pop_keeps_its_private_copy_when_the_guest_rewrites(void **state)
{
	struct fix *f = ready(state, false);
	uint16_t d = gvq_post1(&f->v, GUEST_BUF_AREA, 64, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_CHAIN);
	gvq_set_desc(&f->v, d, GUEST_GPA + GUEST_SIZE + 4096, 0xffffffffu, 0,
		     0);
	assert_int_equal(f->c.seg[0].len, 64);
	assert_ptr_equal(f->c.seg[0].host, guest_at(&f->g, GUEST_BUF_AREA));
}

static void pop_refuses_a_descriptor_loop(void **state)
{
	struct fix *f = ready(state, false);
	gvq_set_desc(&f->v, 0, GUEST_BUF_AREA, 8, VIRTQ_DESC_F_NEXT, 1);
	gvq_set_desc(&f->v, 1, GUEST_BUF_AREA, 8, VIRTQ_DESC_F_NEXT, 0);
	gvq_avail_put(&f->v, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_BROKEN);
	assert_int_equal(f->q.count.chain_too_long, 1);
	assert_true(f->q.broken);
}

static void pop_refuses_a_self_loop(void **state)
{
	struct fix *f = ready(state, false);
	gvq_set_desc(&f->v, 3, GUEST_BUF_AREA, 8, VIRTQ_DESC_F_NEXT, 3);
	gvq_avail_put(&f->v, 3);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_BROKEN);
	assert_int_equal(f->q.count.chain_too_long, 1);
}

static void pop_refuses_a_buffer_outside_ram(void **state)
{
	struct fix *f = ready(state, false);
	gvq_post1(&f->v, GUEST_GPA + GUEST_SIZE, 1, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_BROKEN);
	assert_int_equal(f->q.count.bad_addr, 1);
}

static void pop_refuses_a_buffer_straddling_ram_end(void **state)
{
	struct fix *f = ready(state, false);
	gvq_post1(&f->v, GUEST_GPA + GUEST_SIZE - 100, 101, VIRTQ_DESC_F_WRITE);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_BROKEN);
	assert_int_equal(f->q.count.bad_addr, 1);
}

static void pop_refuses_a_length_wrapping_the_address(void **state)
{
	struct fix *f = ready(state, false);
	gvq_post1(&f->v, UINT64_MAX - 10, 100, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_BROKEN);
	assert_int_equal(f->q.count.bad_addr, 1);
}

static void pop_refuses_head_or_next_out_of_range(void **state)
{
	struct fix *f = ready(state, false);
	gvq_avail_put(&f->v, 8);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_BROKEN);
	assert_int_equal(f->q.count.bad_head, 1);

	virtq_reset(&f->q);
	gvq_init(&f->v, &f->g, 0, 8);
	gvq_to_virtq(&f->v, &f->q);
	assert_true(virtq_setup(&f->q, &f->g.mem, false, false));
	gvq_set_desc(&f->v, 0, GUEST_BUF_AREA, 8, VIRTQ_DESC_F_NEXT, 0xffff);
	gvq_avail_put(&f->v, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_BROKEN);
	assert_int_equal(f->q.count.bad_head, 2);
}

static void pop_refuses_readable_after_writable(void **state)
{
	struct fix *f = ready(state, false);
	gvq_set_desc(&f->v, 0, GUEST_BUF_AREA, 8,
		     VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	gvq_set_desc(&f->v, 1, GUEST_BUF_AREA, 8, 0, 0);
	gvq_avail_put(&f->v, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_BROKEN);
	assert_int_equal(f->q.count.bad_order, 1);
}

static void pop_refuses_indirect_when_not_negotiated(void **state)
{
	struct fix *f = ready(state, false);
	table_desc(f, TABLE, 0, GUEST_BUF_AREA, 8, 0, 0);
	gvq_post1(&f->v, TABLE, 16, VIRTQ_DESC_F_INDIRECT);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_BROKEN);
	assert_int_equal(f->q.count.indirect, 1);
}

/* ---- indirect tables ----------------------------------------------------- */

static void indirect_table_is_walked_from_its_first_entry(void **state)
{
	struct fix *f = ready_indirect(state);
	/* Linux's layout: entries 0..n-1 linked in order. */
	table_desc(f, TABLE, 0, GUEST_BUF_AREA, 12, VIRTQ_DESC_F_NEXT, 1);
	table_desc(f, TABLE, 1, GUEST_BUF_AREA + 100, 50, VIRTQ_DESC_F_NEXT, 2);
	table_desc(f, TABLE, 2, GUEST_BUF_AREA + 200, 64, VIRTQ_DESC_F_WRITE,
		   0);
	uint16_t d = gvq_post1(&f->v, TABLE, 3 * 16, VIRTQ_DESC_F_INDIRECT);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_CHAIN);
	assert_int_equal(f->c.head, d);
	assert_int_equal(f->c.nseg, 3);
	assert_int_equal(f->c.readable, 62);
	assert_int_equal(f->c.writable, 64);
	assert_ptr_equal(f->c.seg[1].host,
			 guest_at(&f->g, GUEST_BUF_AREA + 100));
}

static void indirect_may_end_a_chain_of_direct_descriptors(void **state)
{
	struct fix *f = ready_indirect(state);
	table_desc(f, TABLE, 0, GUEST_BUF_AREA + 100, 20, VIRTQ_DESC_F_WRITE,
		   0);
	gvq_set_desc(&f->v, 0, GUEST_BUF_AREA, 10, VIRTQ_DESC_F_NEXT, 1);
	gvq_set_desc(&f->v, 1, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	gvq_avail_put(&f->v, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_CHAIN);
	assert_int_equal(f->c.readable, 10);
	assert_int_equal(f->c.writable, 20);
}

static void nested_indirect_is_refused(void **state)
{
	struct fix *f = ready_indirect(state);
	table_desc(f, TABLE, 0, TABLE + 256, 16, VIRTQ_DESC_F_INDIRECT, 0);
	table_desc(f, TABLE + 256, 0, GUEST_BUF_AREA, 8, 0, 0);
	gvq_post1(&f->v, TABLE, 16, VIRTQ_DESC_F_INDIRECT);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_BROKEN);
	assert_int_equal(f->q.count.indirect, 1);
}

static void indirect_with_next_is_refused(void **state)
{
	struct fix *f = ready_indirect(state);
	table_desc(f, TABLE, 0, GUEST_BUF_AREA, 8, 0, 0);
	gvq_set_desc(&f->v, 0, TABLE, 16,
		     VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	gvq_set_desc(&f->v, 1, GUEST_BUF_AREA, 8, 0, 0);
	gvq_avail_put(&f->v, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_BROKEN);
	assert_int_equal(f->q.count.indirect, 1);
}

static void indirect_table_of_bad_size_is_refused(void **state)
{
	uint32_t bad[] = {0, 15, 17, 16u * (VIRTQ_NUM_MAX + 1)};
	for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct fix *f = *state;
		virtq_reset(&f->q);
		gvq_init(&f->v, &f->g, 0, 8);
		gvq_to_virtq(&f->v, &f->q);
		ready_indirect(state);
		gvq_post1(&f->v, TABLE, bad[k], VIRTQ_DESC_F_INDIRECT);
		assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_BROKEN);
		assert_int_equal(f->q.count.indirect, k + 1);
	}
}

static void indirect_table_straddling_ram_end_is_refused(void **state)
{
	struct fix *f = ready_indirect(state);
	gvq_post1(&f->v, GUEST_GPA + GUEST_SIZE - 32, 48,
		  VIRTQ_DESC_F_INDIRECT);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_BROKEN);
	assert_int_equal(f->q.count.bad_addr, 1);
}

static void indirect_table_loop_and_bad_next_are_refused(void **state)
{
	struct fix *f = ready_indirect(state);
	table_desc(f, TABLE, 0, GUEST_BUF_AREA, 8, VIRTQ_DESC_F_NEXT, 1);
	table_desc(f, TABLE, 1, GUEST_BUF_AREA, 8, VIRTQ_DESC_F_NEXT, 0);
	gvq_post1(&f->v, TABLE, 2 * 16, VIRTQ_DESC_F_INDIRECT);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_BROKEN);
	assert_int_equal(f->q.count.chain_too_long, 1);

	virtq_reset(&f->q);
	gvq_init(&f->v, &f->g, 0, 8);
	gvq_to_virtq(&f->v, &f->q);
	ready_indirect(state);
	table_desc(f, TABLE, 1, GUEST_BUF_AREA, 8, VIRTQ_DESC_F_NEXT, 2);
	gvq_post1(&f->v, TABLE, 2 * 16, VIRTQ_DESC_F_INDIRECT);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_BROKEN);
	assert_int_equal(f->q.count.bad_head, 1); /* next 2 of a 2-table */
}

static void avail_idx_more_than_num_ahead_breaks_until_reset(void **state)
{
	struct fix *f = ready(state, false);
	gvq_set_avail_idx(&f->v, 9);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_BROKEN);
	assert_int_equal(f->q.count.avail_jump, 1);
	/* Honest again, still broken: only a reset clears it. */
	gvq_set_avail_idx(&f->v, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_BROKEN);
	assert_int_equal(virtq_pending(&f->q), 0);

	virtq_reset(&f->q);
	gvq_to_virtq(&f->v, &f->q);
	assert_true(virtq_setup(&f->q, &f->g.mem, false, false));
	gvq_post1(&f->v, GUEST_BUF_AREA, 4, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_CHAIN);
	assert_int_equal(f->q.count.avail_jump, 1);
}

static void avail_idx_exactly_num_ahead_is_a_full_ring(void **state)
{
	struct fix *f = ready(state, false);
	for (unsigned i = 0; i < 8; i++)
		gvq_post1(&f->v, GUEST_BUF_AREA + 64 * i, 64, 0);
	assert_int_equal(virtq_pending(&f->q), 8);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_CHAIN);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_EMPTY);
}

static void avail_idx_wraps_at_65536(void **state)
{
	struct fix *f = ready(state, false);
	f->q.last_avail = 0xfffe;
	gvq_set_avail_idx(&f->v, 0xfffe);
	gvq_post1(&f->v, GUEST_BUF_AREA, 4, 0);
	gvq_post1(&f->v, GUEST_BUF_AREA, 4, 0);
	gvq_post1(&f->v, GUEST_BUF_AREA, 4, 0);
	assert_int_equal(f->v.avail_idx, 1);
	assert_int_equal(virtq_pending(&f->q), 3);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_CHAIN);
	assert_int_equal(f->q.last_avail, 1);
}

static void unpop_rereads_the_same_chains(void **state)
{
	struct fix *f = ready(state, false);
	uint16_t a = gvq_post1(&f->v, GUEST_BUF_AREA, 4, 0);
	uint16_t b = gvq_post1(&f->v, GUEST_BUF_AREA, 4, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_CHAIN);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_CHAIN);
	virtq_unpop(&f->q, 2);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_CHAIN);
	assert_int_equal(f->c.head, a);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_CHAIN);
	assert_int_equal(f->c.head, b);
}

/* ---- copying ------------------------------------------------------------- */

static void chain_read_and_write_span_segments_of_their_direction(void **state)
{
	struct fix *f = ready(state, false);
	uint8_t *ram = guest_at(&f->g, GUEST_BUF_AREA);
	memcpy(ram, "abc", 3);
	memcpy(ram + 100, "defgh", 5);
	gvq_set_desc(&f->v, 0, GUEST_BUF_AREA, 3, VIRTQ_DESC_F_NEXT, 1);
	gvq_set_desc(&f->v, 1, GUEST_BUF_AREA + 100, 5, VIRTQ_DESC_F_NEXT, 2);
	gvq_set_desc(&f->v, 2, GUEST_BUF_AREA + 200, 2,
		     VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3);
	gvq_set_desc(&f->v, 3, GUEST_BUF_AREA + 300, 4, VIRTQ_DESC_F_WRITE, 0);
	gvq_avail_put(&f->v, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_CHAIN);
	char out[8] = {0};
	assert_true(virtq_chain_read(&f->c, 1, out, 6));
	assert_memory_equal(out, "bcdefg", 6);
	assert_true(virtq_chain_write(&f->c, 1, "XYZ", 3));
	assert_memory_equal(ram + 201, "X", 1);
	assert_memory_equal(ram + 300, "YZ", 2);
}

static void chain_copy_refuses_past_the_buffers(void **state)
{
	struct fix *f = ready(state, false);
	gvq_set_desc(&f->v, 0, GUEST_BUF_AREA, 10, VIRTQ_DESC_F_NEXT, 1);
	gvq_set_desc(&f->v, 1, GUEST_BUF_AREA + 100, 10, VIRTQ_DESC_F_WRITE, 0);
	gvq_avail_put(&f->v, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_CHAIN);
	uint8_t buf[32];
	assert_false(virtq_chain_read(&f->c, 0, buf, 11));
	assert_false(virtq_chain_read(&f->c, 5, buf, 6));
	assert_false(virtq_chain_write(&f->c, 0, buf, 11));
	assert_true(virtq_chain_write(&f->c, 0, buf, 10));
}

/* ---- used ring ----------------------------------------------------------- */

static void pushes_are_invisible_until_one_publish(void **state)
{
	struct fix *f = ready(state, false);
	virtq_push(&f->q, 3, 42);
	virtq_push(&f->q, 5, 7);
	assert_int_equal(gvq_used_idx(&f->v), 0);
	virtq_publish(&f->q);
	assert_int_equal(gvq_used_idx(&f->v), 2);
	uint32_t id, len;
	assert_true(gvq_get_used(&f->v, &id, &len));
	assert_int_equal(id, 3);
	assert_int_equal(len, 42);
	assert_true(gvq_get_used(&f->v, &id, &len));
	assert_int_equal(id, 5);
	assert_int_equal(len, 7);
}

/* ---- suppression --------------------------------------------------------- */

static void need_event_handles_wraparound(void **state)
{
	(void)state;
	assert_true(virtq_need_event(0, 1, 0));
	assert_false(virtq_need_event(1, 1, 0));
	assert_true(virtq_need_event(5, 10, 3));
	assert_false(virtq_need_event(10, 10, 3));
	assert_true(virtq_need_event(0xffff, 2, 0xfffe));
	assert_false(virtq_need_event(3, 2, 0xfffe));
	assert_true(virtq_need_event(0xfffe, 0xffff, 0xfffe));
}

static void interrupt_honours_no_interrupt_without_event_idx(void **state)
{
	struct fix *f = ready(state, false);
	virtq_push(&f->q, 0, 1);
	virtq_publish(&f->q);
	assert_true(virtq_need_interrupt(&f->q));
	assert_false(virtq_need_interrupt(&f->q)); /* nothing new */
	gvq_set_avail_flags(&f->v, VIRTQ_AVAIL_F_NO_INTERRUPT);
	virtq_push(&f->q, 1, 1);
	virtq_publish(&f->q);
	assert_false(virtq_need_interrupt(&f->q));
}

static void interrupt_honours_used_event_with_event_idx(void **state)
{
	struct fix *f = ready(state, true);
	gvq_set_avail_flags(&f->v, VIRTQ_AVAIL_F_NO_INTERRUPT); /* ignored */
	gvq_set_used_event(&f->v, 2); /* wake me when entry 2 is used */
	virtq_push(&f->q, 0, 1);
	virtq_publish(&f->q);
	assert_false(virtq_need_interrupt(&f->q));
	virtq_push(&f->q, 1, 1);
	virtq_push(&f->q, 2, 1);
	virtq_publish(&f->q);
	assert_true(virtq_need_interrupt(&f->q));
	virtq_push(&f->q, 3, 1);
	virtq_publish(&f->q);
	assert_false(virtq_need_interrupt(&f->q));
}

static void quiet_and_idle_use_no_notify_without_event_idx(void **state)
{
	struct fix *f = ready(state, false);
	virtq_quiet(&f->q);
	assert_int_equal(gvq_used_flags(&f->v), VIRTQ_USED_F_NO_NOTIFY);
	assert_true(virtq_idle(&f->q));
	assert_int_equal(gvq_used_flags(&f->v), 0);
}

static void idle_sets_avail_event_and_rechecks(void **state)
{
	struct fix *f = ready(state, true);
	gvq_post1(&f->v, GUEST_BUF_AREA, 4, 0);
	assert_false(virtq_idle(&f->q)); /* a chain is waiting */
	assert_int_equal(gvq_avail_event(&f->v), 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), VIRTQ_CHAIN);
	virtq_quiet(&f->q);
	assert_int_equal(gvq_used_flags(&f->v), 0); /* EVENT_IDX: no flag */
	assert_true(virtq_idle(&f->q));
	assert_int_equal(gvq_avail_event(&f->v), 1);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(guest_ptr_accepts_range_ending_at_ram_end),
		T(guest_ptr_refuses_range_straddling_ram_end),
		T(guest_ptr_refuses_below_base_and_wrapping_sums),
		T(setup_refuses_size_zero_too_big_or_not_power_of_two),
		T(setup_refuses_rings_outside_ram_or_misaligned),
		T(pop_is_empty_when_nothing_is_available),
		T(pop_reads_a_single_descriptor_chain),
		T(pop_follows_next_with_readable_then_writable),
		T(pop_keeps_its_private_copy_when_the_guest_rewrites),
		T(pop_refuses_a_descriptor_loop),
		T(pop_refuses_a_self_loop),
		T(pop_refuses_a_buffer_outside_ram),
		T(pop_refuses_a_buffer_straddling_ram_end),
		T(pop_refuses_a_length_wrapping_the_address),
		T(pop_refuses_head_or_next_out_of_range),
		T(pop_refuses_readable_after_writable),
		T(pop_refuses_indirect_when_not_negotiated),
		T(indirect_table_is_walked_from_its_first_entry),
		T(indirect_may_end_a_chain_of_direct_descriptors),
		T(nested_indirect_is_refused),
		T(indirect_with_next_is_refused),
		T(indirect_table_of_bad_size_is_refused),
		T(indirect_table_straddling_ram_end_is_refused),
		T(indirect_table_loop_and_bad_next_are_refused),
		T(avail_idx_more_than_num_ahead_breaks_until_reset),
		T(avail_idx_exactly_num_ahead_is_a_full_ring),
		T(avail_idx_wraps_at_65536),
		T(unpop_rereads_the_same_chains),
		T(chain_read_and_write_span_segments_of_their_direction),
		T(chain_copy_refuses_past_the_buffers),
		T(pushes_are_invisible_until_one_publish),
		T(need_event_handles_wraparound),
		T(interrupt_honours_no_interrupt_without_event_idx),
		T(interrupt_honours_used_event_with_event_idx),
		T(quiet_and_idle_use_no_notify_without_event_idx),
		T(idle_sets_avail_event_and_rechecks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
