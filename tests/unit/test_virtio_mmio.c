/*
 * Specification of virt/virtio_mmio.h: the version 2 register file, the
 * status state machine and feature negotiation, queue setup, notification
 * dispatch, interrupts, config space, and a hostile driver's accesses
 * (wrong widths, unknown offsets, renegotiation, writes to live queues).
 * The device is a fake with two queues and an 8-byte config space.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/virtio_driver.h"
#include "tests/unit/virtio_guest.h"
#include "virt/virtio_mmio.h"

#define FAKE_ID 42u
#define FAKE_FEATURE VIRTIO_BIT(5)

struct fake_dev {
	uint8_t config[8];
	unsigned notified[4];
	unsigned resets;
	unsigned driver_oks;
	uint32_t last_write_off, last_write_val;
	struct virtio_mmio *t;
	uint32_t status_at_irq; /* InterruptStatus when the irq was raised */
	unsigned irqs;
};

static uint8_t fake_config_byte(void *dev, uint32_t off)
{
	return ((struct fake_dev *)dev)->config[off];
}

static void fake_config_write(void *dev, uint32_t off, uint32_t width,
			      uint32_t val)
{
	(void)width;
	struct fake_dev *d = dev;
	d->last_write_off = off;
	d->last_write_val = val;
}

static void fake_notify(void *dev, uint16_t q)
{
	((struct fake_dev *)dev)->notified[q]++;
}

static void fake_reset(void *dev)
{
	((struct fake_dev *)dev)->resets++;
}

static void fake_driver_ok(void *dev)
{
	((struct fake_dev *)dev)->driver_oks++;
}

static void fake_irq(void *ctx)
{
	struct fake_dev *d = ctx;
	d->irqs++;
	d->status_at_irq = d->t->interrupt_status;
}

static const struct virtio_mmio_ops fake_ops = {
	.device_id = FAKE_ID,
	.vendor_id = 0x1af4,
	.features = FAKE_FEATURE,
	.num_queues = 2,
	.queue_num_max = 16,
	.config_size = 8,
	.config_byte = fake_config_byte,
	.config_write = NULL,
	.queue_notify = fake_notify,
	.reset = fake_reset,
	.driver_ok = fake_driver_ok,
};

struct fix {
	struct guest g;
	struct gvq v[2];
	struct fake_dev d;
	struct virtio_mmio t;
	struct virtio_mmio_ops ops;
};

static int fix_setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	guest_init(&f->g);
	gvq_init(&f->v[0], &f->g, 0, 8);
	gvq_init(&f->v[1], &f->g, 1, 16);
	f->ops = fake_ops;
	memcpy(f->d.config, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	f->d.t = &f->t;
	virtio_mmio_init(&f->t, &f->ops, &f->d, &f->g.mem, fake_irq, &f->d);
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

static const uint64_t ALL = VIRTIO_BIT(VIRTIO_F_VERSION_1) |
			    VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
			    VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX) | FAKE_FEATURE;

/* Linux's bring-up, to DRIVER_OK with both queues ready. */
static struct fix *up(void **state, uint64_t want)
{
	struct fix *f = *state;
	assert_true(drv_negotiate(&f->t, FAKE_ID, want));
	assert_true(drv_setup_queue(&f->t, 0, &f->v[0]));
	assert_true(drv_setup_queue(&f->t, 1, &f->v[1]));
	assert_true(drv_driver_ok(&f->t));
	return f;
}

/* ---- probe and negotiation ----------------------------------------------- */

static void probe_reads_magic_version_and_ids(void **state)
{
	struct fix *f = *state;
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_DEVICE_ID), FAKE_ID);
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_VENDOR_ID), 0x1af4);
}

static void features_are_offered_by_selector(void **state)
{
	struct fix *f = *state;
	assert_true(drv_device_features(&f->t) == ALL);
	drv_wr(&f->t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_DEVICE_FEATURES), 0);
}

static void linux_bring_up_reaches_driver_ok(void **state)
{
	struct fix *f = up(state, ALL);
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_STATUS),
			 VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				 VIRTIO_STATUS_FEATURES_OK |
				 VIRTIO_STATUS_DRIVER_OK);
	assert_true(f->t.features == ALL);
	assert_true(virtio_mmio_live(&f->t));
	assert_int_equal(f->d.driver_oks, 1); /* told once */
	drv_add_status(&f->t, VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(f->d.driver_oks, 1);
	assert_non_null(virtio_mmio_queue(&f->t, 0));
	assert_true(f->t.queue[1].event_idx);
	assert_true(f->t.queue[1].indirect);
	assert_int_equal(f->t.queue[1].num, 16);
}

static void features_the_driver_did_not_accept_are_not_used(void **state)
{
	struct fix *f = up(state, VIRTIO_BIT(VIRTIO_F_VERSION_1));
	assert_true(f->t.features == VIRTIO_BIT(VIRTIO_F_VERSION_1));
	assert_false(f->t.queue[0].event_idx);
	assert_false(f->t.queue[0].indirect);
}

static void features_ok_is_refused_without_version_1(void **state)
{
	struct fix *f = *state;
	assert_false(drv_negotiate(&f->t, FAKE_ID, FAKE_FEATURE));
	assert_int_equal(f->t.count.features_refused, 1);
	assert_false(drv_driver_ok(&f->t));
}

static void features_ok_is_refused_for_a_feature_not_offered(void **state)
{
	struct fix *f = *state;
	drv_wr(&f->t, VIRTIO_MMIO_STATUS, 0);
	drv_add_status(&f->t, VIRTIO_STATUS_ACKNOWLEDGE);
	drv_add_status(&f->t, VIRTIO_STATUS_DRIVER);
	drv_write_features(&f->t, ALL | VIRTIO_BIT(7));
	drv_add_status(&f->t, VIRTIO_STATUS_FEATURES_OK);
	assert_false(drv_rd(&f->t, VIRTIO_MMIO_STATUS) &
		     VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(f->t.count.features_refused, 1);
}

static void features_ok_is_refused_before_acknowledge_and_driver(void **st)
{
	struct fix *f = *st;
	drv_write_features(&f->t, ALL);
	drv_wr(&f->t, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(f->t.count.features_refused, 1);
}

static void renegotiation_after_features_ok_is_ignored(void **state)
{
	struct fix *f = *state;
	assert_true(drv_negotiate(&f->t, FAKE_ID, VIRTIO_BIT(32)));
	drv_write_features(&f->t, ALL);
	assert_int_equal(f->t.count.late_features, 2);
	assert_true(f->t.features == VIRTIO_BIT(VIRTIO_F_VERSION_1));
	/* Setting FEATURES_OK again changes nothing either. */
	drv_add_status(&f->t, VIRTIO_STATUS_FEATURES_OK);
	assert_true(f->t.features == VIRTIO_BIT(VIRTIO_F_VERSION_1));
}

static void driver_ok_is_refused_without_features_ok(void **state)
{
	struct fix *f = *state;
	drv_add_status(&f->t, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	assert_false(drv_driver_ok(&f->t));
	assert_int_equal(f->t.count.bad_status, 1);
	assert_false(virtio_mmio_live(&f->t));
}

static void status_bits_cannot_be_cleared_except_by_reset(void **state)
{
	struct fix *f = up(state, ALL);
	drv_wr(&f->t, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	assert_int_equal(f->t.count.bad_status, 1);
	assert_true(virtio_mmio_live(&f->t));
}

/* ---- reset --------------------------------------------------------------- */

static void reset_clears_every_queue_and_tells_the_device(void **state)
{
	struct fix *f = up(state, ALL);
	gvq_post1(&f->v[0], GUEST_BUF_AREA, 64, VIRTQ_DESC_F_WRITE);
	struct virtq_chain c;
	assert_int_equal(virtq_pop(&f->t.queue[0], &c), VIRTQ_CHAIN);
	unsigned resets = f->d.resets; /* the probe reset once already */
	drv_wr(&f->t, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(f->d.resets, resets + 1);
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_STATUS), 0);
	for (unsigned q = 0; q < 2; q++) {
		drv_wr(&f->t, VIRTIO_MMIO_QUEUE_SEL, q);
		assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_QUEUE_READY), 0);
		assert_int_equal(f->t.queue[q].num, 0);
		assert_int_equal(f->t.queue[q].last_avail, 0);
		assert_true(f->t.queue[q].desc_gpa == 0);
	}
	assert_true(f->t.features == 0);
	assert_null(virtio_mmio_queue(&f->t, 0));
	/* And it comes up again from scratch. */
	gvq_init(&f->v[0], &f->g, 0, 8);
	gvq_init(&f->v[1], &f->g, 1, 16);
	up(state, ALL);
}

/* ---- queues -------------------------------------------------------------- */

static void queue_registers_are_ignored_while_the_queue_is_ready(void **st)
{
	struct fix *f = up(st, ALL);
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_SEL, 0);
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_NUM, 4);
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_DESC_LOW, 0);
	assert_int_equal(f->t.count.bad_queue_write, 2);
	assert_int_equal(f->t.queue[0].num, 8);
	assert_true(f->t.queue[0].desc_gpa == f->v[0].desc);
	/* Linux's vm_del_vq: QueueReady 0, then the registers are free. */
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_READY, 0);
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_QUEUE_READY), 0);
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_NUM, 4);
	assert_int_equal(f->t.queue[0].num, 4);
}

static void queue_num_over_max_or_not_power_of_two_is_refused(void **state)
{
	struct fix *f = *state;
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_SEL, 0);
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_NUM, 32);
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_NUM, 12);
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_NUM, 0);
	assert_int_equal(f->t.count.bad_queue_write, 3);
	assert_int_equal(f->t.queue[0].num, 0);
}

static void queue_ready_is_refused_before_features_ok(void **state)
{
	struct fix *f = *state;
	drv_add_status(&f->t, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	assert_false(drv_setup_queue(&f->t, 0, &f->v[0]));
	assert_int_equal(f->t.count.bad_queue_write, 1);
}

static void queue_ready_is_refused_for_rings_outside_ram(void **state)
{
	struct fix *f = *state;
	assert_true(drv_negotiate(&f->t, FAKE_ID, ALL));
	f->v[0].used = GUEST_GPA + GUEST_SIZE - 16;
	assert_false(drv_setup_queue(&f->t, 0, &f->v[0]));
	assert_int_equal(f->t.queue[0].count.bad_setup, 1);
}

static void unknown_queue_has_num_max_zero_and_refuses_writes(void **state)
{
	struct fix *f = *state;
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_SEL, 2);
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_QUEUE_READY), 0);
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_NUM, 8);
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(f->t.count.bad_queue_write, 2);
}

/* ---- notifications and interrupts ---------------------------------------- */

static void notify_is_dispatched_by_the_written_index(void **state)
{
	struct fix *f = up(state, ALL);
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_SEL, 0); /* selection is irrelevant */
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(f->d.notified[0], 1);
	assert_int_equal(f->d.notified[1], 2);
}

static void notify_of_unknown_or_unready_queue_is_counted(void **state)
{
	struct fix *f = up(state, ALL);
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_NOTIFY, 2);
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_NOTIFY, 0xffffffffu);
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_SEL, 1);
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_READY, 0);
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(f->t.count.bad_notify, 3);
	assert_int_equal(f->d.notified[0] + f->d.notified[1], 0);
}

static void notify_before_driver_ok_is_counted(void **state)
{
	struct fix *f = *state;
	assert_true(drv_negotiate(&f->t, FAKE_ID, ALL));
	assert_true(drv_setup_queue(&f->t, 0, &f->v[0]));
	drv_wr(&f->t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(f->t.count.bad_notify, 1);
	assert_int_equal(f->d.notified[0], 0);
}

static void interrupt_status_is_set_before_the_irq_and_acked(void **state)
{
	struct fix *f = up(state, VIRTIO_BIT(VIRTIO_F_VERSION_1));
	virtq_push(&f->t.queue[0], 0, 0);
	virtq_publish(&f->t.queue[0]);
	virtio_mmio_queue_done(&f->t, 0);
	assert_int_equal(f->d.irqs, 1);
	assert_int_equal(f->d.status_at_irq, VIRTIO_MMIO_INT_VRING);
	assert_int_equal(drv_take_interrupt(&f->t), VIRTIO_MMIO_INT_VRING);
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
}

static void interrupt_raised_once_until_acked(void **state)
{
	struct fix *f = up(state, VIRTIO_BIT(VIRTIO_F_VERSION_1));
	for (uint16_t head = 0; head < 2; head++) {
		virtq_push(&f->t.queue[0], head, 0);
		virtq_publish(&f->t.queue[0]);
		virtio_mmio_queue_done(&f->t, 0);
	}
	assert_int_equal(f->d.irqs, 1);
	assert_int_equal(drv_take_interrupt(&f->t), VIRTIO_MMIO_INT_VRING);
	virtq_push(&f->t.queue[0], 2, 0);
	virtq_publish(&f->t.queue[0]);
	virtio_mmio_queue_done(&f->t, 0);
	assert_int_equal(f->d.irqs, 2);
	/* A new kind of bit is news even while VRING waits. */
	virtio_mmio_config_changed(&f->t);
	assert_int_equal(f->d.irqs, 3);
	assert_int_equal(f->d.status_at_irq,
			 VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG);
}

static void suppressed_queue_raises_no_interrupt(void **state)
{
	struct fix *f = up(state, VIRTIO_BIT(VIRTIO_F_VERSION_1));
	gvq_set_avail_flags(&f->v[0], VIRTQ_AVAIL_F_NO_INTERRUPT);
	virtq_push(&f->t.queue[0], 0, 0);
	virtq_publish(&f->t.queue[0]);
	virtio_mmio_queue_done(&f->t, 0);
	assert_int_equal(f->d.irqs, 0);
}

static void broken_queue_sets_needs_reset_with_config_interrupt(void **st)
{
	struct fix *f = up(st, ALL);
	gvq_set_avail_idx(&f->v[0], 100);
	struct virtq_chain c;
	assert_int_equal(virtq_pop(&f->t.queue[0], &c), VIRTQ_BROKEN);
	virtio_mmio_queue_done(&f->t, 0);
	assert_true(drv_rd(&f->t, VIRTIO_MMIO_STATUS) &
		    VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(f->d.status_at_irq, VIRTIO_MMIO_INT_CONFIG);
	assert_false(virtio_mmio_live(&f->t));
	/* Once: a second violation raises nothing more. */
	virtio_mmio_queue_done(&f->t, 0);
	assert_int_equal(f->t.count.needs_reset, 1);
	assert_int_equal(f->d.irqs, 1);
	/* The driver cannot clear it but by reset. */
	drv_wr(&f->t, VIRTIO_MMIO_STATUS,
	       drv_rd(&f->t, VIRTIO_MMIO_STATUS) & ~VIRTIO_STATUS_NEEDS_RESET);
	assert_true(f->t.status & VIRTIO_STATUS_NEEDS_RESET);
	drv_wr(&f->t, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(f->t.status, 0);
	assert_false(f->t.queue[0].broken);
}

/* ---- hostile accesses ---------------------------------------------------- */

static void control_access_of_wrong_width_reads_zero_and_is_ignored(void **st)
{
	struct fix *f = *st;
	assert_int_equal(virtio_mmio_read(&f->t, VIRTIO_MMIO_MAGIC_VALUE, 2),
			 0);
	assert_int_equal(virtio_mmio_read(&f->t, VIRTIO_MMIO_MAGIC_VALUE, 1),
			 0);
	assert_int_equal(virtio_mmio_read(&f->t, VIRTIO_MMIO_VERSION + 2, 4),
			 0);
	virtio_mmio_write(&f->t, VIRTIO_MMIO_STATUS, 1,
			  VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_mmio_write(&f->t, VIRTIO_MMIO_STATUS, 8,
			  VIRTIO_STATUS_ACKNOWLEDGE);
	assert_int_equal(f->t.status, 0);
	assert_int_equal(f->t.count.bad_width, 5);
}

static void unknown_offsets_and_wrong_directions_are_counted(void **state)
{
	struct fix *f = *state;
	assert_int_equal(drv_rd(&f->t, 0x018), 0); /* reserved */
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_QUEUE_NOTIFY), 0);
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_QUEUE_RESET), 0);
	drv_wr(&f->t, VIRTIO_MMIO_MAGIC_VALUE, 0);
	drv_wr(&f->t, VIRTIO_MMIO_INTERRUPT_STATUS, 1);
	drv_wr(&f->t, 0x0f8, 1);
	assert_int_equal(f->t.count.bad_offset, 6);
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_MAGIC_VALUE),
			 VIRTIO_MMIO_MAGIC);
}

static void shared_memory_regions_read_as_absent(void **state)
{
	struct fix *f = *state;
	drv_wr(&f->t, VIRTIO_MMIO_SHM_SEL, 0);
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffffu);
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_SHM_LEN_HIGH), 0xffffffffu);
	assert_int_equal(f->t.count.bad_offset, 0);
}

/* ---- config space -------------------------------------------------------- */

static void config_reads_by_width_are_little_endian(void **state)
{
	struct fix *f = *state;
	assert_int_equal(virtio_mmio_read(&f->t, VIRTIO_MMIO_CONFIG + 1, 1), 2);
	assert_int_equal(virtio_mmio_read(&f->t, VIRTIO_MMIO_CONFIG + 2, 2),
			 0x0403);
	assert_int_equal(virtio_mmio_read(&f->t, VIRTIO_MMIO_CONFIG + 4, 4),
			 0x08070605);
}

static void config_access_outside_or_misaligned_is_counted(void **state)
{
	struct fix *f = *state;
	assert_int_equal(virtio_mmio_read(&f->t, VIRTIO_MMIO_CONFIG + 8, 1), 0);
	assert_int_equal(virtio_mmio_read(&f->t, VIRTIO_MMIO_CONFIG + 6, 4), 0);
	assert_int_equal(virtio_mmio_read(&f->t, VIRTIO_MMIO_CONFIG + 1, 2), 0);
	assert_int_equal(virtio_mmio_read(&f->t, VIRTIO_MMIO_CONFIG, 8), 0);
	assert_int_equal(virtio_mmio_read(&f->t, 0xffffffffu, 4), 0);
	virtio_mmio_write(&f->t, VIRTIO_MMIO_CONFIG, 1, 0xff);
	assert_int_equal(f->t.count.bad_config, 6);
	assert_int_equal(f->d.config[0], 1);
}

static void config_writes_reach_a_device_that_takes_them(void **state)
{
	struct fix *f = *state;
	f->ops.config_write = fake_config_write;
	virtio_mmio_write(&f->t, VIRTIO_MMIO_CONFIG + 4, 2, 0xbeef);
	assert_int_equal(f->d.last_write_off, 4);
	assert_int_equal(f->d.last_write_val, 0xbeef);
	assert_int_equal(f->t.count.bad_config, 0);
}

static void config_change_bumps_generation_and_interrupts(void **state)
{
	struct fix *f = *state;
	virtio_mmio_config_changed(&f->t); /* before DRIVER_OK: no irq */
	assert_int_equal(f->d.irqs, 0);
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_CONFIG_GENERATION), 1);
	up(state, ALL);
	virtio_mmio_config_changed(&f->t);
	assert_int_equal(drv_rd(&f->t, VIRTIO_MMIO_CONFIG_GENERATION), 2);
	assert_int_equal(drv_take_interrupt(&f->t), VIRTIO_MMIO_INT_CONFIG);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(probe_reads_magic_version_and_ids),
		T(features_are_offered_by_selector),
		T(linux_bring_up_reaches_driver_ok),
		T(features_the_driver_did_not_accept_are_not_used),
		T(features_ok_is_refused_without_version_1),
		T(features_ok_is_refused_for_a_feature_not_offered),
		T(features_ok_is_refused_before_acknowledge_and_driver),
		T(renegotiation_after_features_ok_is_ignored),
		T(driver_ok_is_refused_without_features_ok),
		T(status_bits_cannot_be_cleared_except_by_reset),
		T(reset_clears_every_queue_and_tells_the_device),
		T(queue_registers_are_ignored_while_the_queue_is_ready),
		T(queue_num_over_max_or_not_power_of_two_is_refused),
		T(queue_ready_is_refused_before_features_ok),
		T(queue_ready_is_refused_for_rings_outside_ram),
		T(unknown_queue_has_num_max_zero_and_refuses_writes),
		T(notify_is_dispatched_by_the_written_index),
		T(notify_of_unknown_or_unready_queue_is_counted),
		T(notify_before_driver_ok_is_counted),
		T(interrupt_status_is_set_before_the_irq_and_acked),
		T(interrupt_raised_once_until_acked),
		T(suppressed_queue_raises_no_interrupt),
		T(broken_queue_sets_needs_reset_with_config_interrupt),
		T(control_access_of_wrong_width_reads_zero_and_is_ignored),
		T(unknown_offsets_and_wrong_directions_are_counted),
		T(shared_memory_regions_read_as_absent),
		T(config_reads_by_width_are_little_endian),
		T(config_access_outside_or_misaligned_is_counted),
		T(config_writes_reach_a_device_that_takes_them),
		T(config_change_bumps_generation_and_interrupts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
