/* The ENET model's register file (enet_model_fixture.h: the model alone
 * in the sim, a test host writing its registers): reset values and
 * writable bits, interrupts (EIR, EIMR, the irq line and its ack), MDIO
 * and the PHY behind it, and the posted-write ring the writes come
 * through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/enet_model_fixture.h"

/* ---- reset and registers ---------------------------------------------- */

static void model_registers_hold_reset_values_after_init(void **unused)
{
	(void)unused;
	assert_int_equal(rd(ENET_ECR), 0x70000000u);
	assert_int_equal(rd(ENET_RCR), 0x05ee0001u);
	assert_int_equal(rd(ENET_MIBC), ENET_MIBC_DIS | ENET_MIBC_IDLE);
	assert_int_equal(rd(ENET_PAUR), 0x8808u);
	assert_int_equal(rd(ENET_OPD), 0x10000u);
	assert_int_equal(rd(ENET_FTRL), 0x7ffu);
	assert_int_equal(rd(ENET_TIPG), 12);
	assert_int_equal(rd(ENET_EIR), 0);
	assert_int_equal(rd(ENET_EIMR), 0);
	assert_int_equal(rd(ENET_RDAR), 0);
	assert_int_equal(rd(ENET_TDAR), 0);
}

static void model_ecr_reset_restores_reset_values_and_self_clears(void **unused)
{
	(void)unused;
	wr(ENET_RCR, ENET_RCR_PROM);
	wr(ENET_PALR, 0x11223344u);
	wr(ENET_EIMR, ENET_INT_RXF);
	wr(ENET_ECR, ENET_ECR_ETHEREN);
	assert_int_equal(rd(ENET_ECR), 0x70000000u | ENET_ECR_ETHEREN);
	wr(ENET_ECR, ENET_ECR_RESET | ENET_ECR_ETHEREN);
	assert_int_equal(rd(ENET_ECR), 0x70000000u);
	assert_int_equal(rd(ENET_RCR), 0x05ee0001u);
	assert_int_equal(rd(ENET_PALR), 0);
	assert_int_equal(rd(ENET_EIMR), 0);
	assert_int_equal(model_counter("resets"), 1);
}

static void model_masks_register_writes_to_writable_bits(void **unused)
{
	(void)unused;
	wr(ENET_RDSR, 0xffffffffu);
	wr(ENET_MRBR, 0xffffffffu);
	wr(ENET_PAUR, 0xffffffffu);
	wr(ENET_ECR, 0xfffffffeu);
	wr(ENET_RCR, 0xffffffffu);
	assert_int_equal(rd(ENET_RDSR), 0xfffffff8u);
	assert_int_equal(rd(ENET_MRBR), 0x3ff0u);
	assert_int_equal(rd(ENET_PAUR), 0xffff8808u);
	assert_int_equal(rd(ENET_ECR), 0x7000017eu);
	assert_int_equal(rd(ENET_RCR), 0x7ffff37fu);
	assert_int_equal(model_counter("unsupported"), 1); /* EN1588 */
}

static void model_counts_unknown_and_unaligned_offsets(void **unused)
{
	(void)unused;
	wr(0x002, 1);
	wr(0x0fc, 1);
	wr(0x2000, 1);
	wr(0xfffffffcu, 1);
	assert_int_equal(model_counter("mmio_unknown"), 4);
	assert_int_equal(model_counter("mmio_writes"), 4);
}

static void model_ignores_writes_to_mib_counters(void **unused)
{
	(void)unused;
	wr(ENET_RMON_R_PACKETS, 1234);
	assert_int_equal(rd(ENET_RMON_R_PACKETS), 0);
	assert_int_equal(model_counter("mmio_readonly"), 1);
}

/* ---- interrupts ------------------------------------------------------- */

static void model_eir_is_write_one_to_clear(void **unused)
{
	(void)unused;
	wr(ENET_MSCR, 5u << ENET_MSCR_MII_SPEED_SHIFT);
	mdio_read(1, MII_BMSR);
	wr(ENET_TCR, ENET_TCR_GTS);
	assert_int_equal(rd(ENET_EIR), ENET_INT_MII | ENET_INT_GRA);
	wr(ENET_EIR, ENET_INT_MII | ENET_INT_RXF);
	assert_int_equal(rd(ENET_EIR), ENET_INT_GRA);
	wr(ENET_EIR, 0);
	assert_int_equal(rd(ENET_EIR), ENET_INT_GRA);
}

static void model_raises_irq_only_for_unmasked_events(void **unused)
{
	(void)unused;
	wr(ENET_MSCR, 5u << ENET_MSCR_MII_SPEED_SHIFT);
	mdio_read(1, MII_BMSR);
	assert_int_equal(host->irqs, 0);
	wr(ENET_EIMR, ENET_INT_RXF);
	assert_int_equal(host->irqs, 0);
	wr(ENET_EIMR, ENET_INT_MII);
	assert_int_equal(host->irqs, 1);
	assert_int_equal(sdvf_sim_notifications(sim, "nic", "irq"), 1);
}

static void model_raises_irq_once_until_acked(void **unused)
{
	(void)unused;
	wr(ENET_MSCR, 5u << ENET_MSCR_MII_SPEED_SHIFT);
	wr(ENET_EIMR, ENET_INT_MII | ENET_INT_GRA);
	mdio_read(1, MII_BMSR);
	wr(ENET_TCR, ENET_TCR_GTS);
	assert_int_equal(host->irqs, 1);
	assert_int_equal(model_counter("irq_raised"), 1);
}

/* The ack as it reaches the model (what sdvf_irq_ack in a driver
 * activation turns into). */
static void ack_irq(void)
{
	sdvf_sim_inject(sim, "nic", "irq");
	sdvf_sim_run(sim, 10000);
}

static void model_reraises_irq_after_ack_while_event_pending(void **unused)
{
	(void)unused;
	wr(ENET_MSCR, 5u << ENET_MSCR_MII_SPEED_SHIFT);
	wr(ENET_EIMR, ENET_INT_MII);
	mdio_read(1, MII_BMSR);
	assert_int_equal(host->irqs, 1);
	ack_irq(); /* EIR.MII still set: the level is still asserted */
	assert_int_equal(host->irqs, 2);
	wr(ENET_EIR, ENET_INT_MII);
	ack_irq();
	assert_int_equal(host->irqs, 2);
	assert_int_equal(model_counter("irq_acks"), 2);
}

static void
model_takes_ack_from_driver_activation_without_reraise(void **unused)
{
	(void)unused;
	host->auto_ack = true; /* clears EIR and acks in its activation */
	wr(ENET_MSCR, 5u << ENET_MSCR_MII_SPEED_SHIFT);
	wr(ENET_EIMR, ENET_INT_MII);
	mdio_read(1, MII_BMSR);
	assert_int_equal(host->irqs, 1);
	assert_int_equal(model_counter("irq_raised"), 1);
	assert_int_equal(model_counter("irq_acks"), 1);
	assert_int_equal(rd(ENET_EIR), 0);
}

/* ---- MDIO and PHY ----------------------------------------------------- */

static void model_mdio_reads_phy_link_state_and_id(void **unused)
{
	(void)unused;
	wr(ENET_MSCR, 5u << ENET_MSCR_MII_SPEED_SHIFT);
	assert_int_equal(mdio_read_value(1, MII_BMSR) & BMSR_LSTATUS,
			 BMSR_LSTATUS);
	assert_int_equal(mdio_read_value(1, MII_PHYSID1), 0x004d);
	assert_int_equal(mdio_read_value(1, MII_PHYSID2), 0xd074);
	enet_model_set_link(nic, false);
	assert_int_equal(mdio_read_value(1, MII_BMSR) & BMSR_LSTATUS, 0);
	assert_int_equal(mdio_read_value(1, MII_LPA), 0);
	assert_int_equal(model_counter("mdio_reads"), 5);
}

static void model_phy_link_status_latches_low_until_read(void **unused)
{
	(void)unused;
	wr(ENET_MSCR, 5u << ENET_MSCR_MII_SPEED_SHIFT);
	enet_model_set_link(nic, false);
	enet_model_set_link(nic, true);
	assert_int_equal(mdio_read_value(1, MII_BMSR) & BMSR_LSTATUS, 0);
	assert_int_equal(mdio_read_value(1, MII_BMSR) & BMSR_LSTATUS,
			 BMSR_LSTATUS);
}

static void model_mdio_needs_mdc_clock(void **unused)
{
	(void)unused;
	mdio_read(1, MII_BMSR);
	assert_int_equal(rd(ENET_EIR), 0);
	assert_int_equal(model_counter("mdio_no_clock"), 1);
}

static void model_mdio_absent_phy_reads_all_ones(void **unused)
{
	(void)unused;
	wr(ENET_MSCR, 5u << ENET_MSCR_MII_SPEED_SHIFT);
	assert_int_equal(mdio_read_value(7, MII_BMSR), 0xffff);
	assert_int_equal(model_counter("mdio_absent_phy"), 1);
}

static void model_mdio_write_resets_phy_control(void **unused)
{
	(void)unused;
	wr(ENET_MSCR, 5u << ENET_MSCR_MII_SPEED_SHIFT);
	wr(ENET_MMFR, ENET_MMFR_ST | ENET_MMFR_OP_WRITE |
			      1u << ENET_MMFR_PA_SHIFT |
			      MII_BMCR << ENET_MMFR_RA_SHIFT | ENET_MMFR_TA |
			      BMCR_SPEED100);
	assert_int_equal(mdio_read_value(1, MII_BMCR), BMCR_SPEED100);
	wr(ENET_MMFR,
	   ENET_MMFR_ST | ENET_MMFR_OP_WRITE | 1u << ENET_MMFR_PA_SHIFT |
		   MII_BMCR << ENET_MMFR_RA_SHIFT | ENET_MMFR_TA | BMCR_RESET);
	assert_int_equal(mdio_read_value(1, MII_BMCR),
			 BMCR_ANENABLE | BMCR_FULLDPLX | BMCR_SPEED1000);
}

/* ---- the posted-write ring -------------------------------------------- */

static void model_drops_batch_with_impossible_posted_tail(void **unused)
{
	(void)unused;
	struct enet_mmio_ring *ring = host->mmio.posted;
	uint32_t head = atomic_load(&ring->head);
	ring->ring[head % ENET_MMIO_RING] =
		(struct enet_mmio_write){ENET_PALR, 0x12345678u, 0};
	atomic_store(&ring->tail, head + ENET_MMIO_RING + 1);
	sdvf_sim_inject(sim, "nic", "mmio");
	sdvf_sim_run(sim, 100);
	assert_int_equal(model_counter("mmio_bad_index"), 1);
	assert_int_equal(model_counter("mmio_writes"), 0);
	assert_int_equal(atomic_load(&ring->head), head + ENET_MMIO_RING + 1);
	/* Resynchronised: the driver's next writes apply. */
	host->mmio.tail = head + ENET_MMIO_RING + 1;
	wr(ENET_PALR, 0x0a0b0c0du);
	assert_int_equal(rd(ENET_PALR), 0x0a0b0c0du);
}

static void model_applies_a_full_ring_of_writes_in_order(void **unused)
{
	(void)unused;
	for (uint32_t i = 0; i < ENET_MMIO_RING; i++)
		enet_writel(&host->mmio, ENET_PALR, i);
	enet_mmio_flush(&host->mmio);
	sdvf_sim_run(sim, 100);
	assert_int_equal(rd(ENET_PALR), ENET_MMIO_RING - 1);
	assert_int_equal(model_counter("mmio_writes"), ENET_MMIO_RING);
	assert_int_equal(host->mmio.timeouts, 0);
}

/* An EIR write posted with the events stamp given, not the current one
 * enet_writel would load, and delivered. */
static void post_eir_stamped(uint32_t value, uint32_t stamp)
{
	struct enet_mmio_ring *ring = host->mmio.posted;
	ring->ring[host->mmio.tail % ENET_MMIO_RING] =
		(struct enet_mmio_write){ENET_EIR, value, stamp};
	host->mmio.tail++;
	atomic_store(&ring->tail, host->mmio.tail);
	enet_mmio_flush(&host->mmio);
	sdvf_sim_run(sim, 10000);
}

/* A W1C takes effect as of when the driver posted it (enet_mmio.h): an
 * event raised after that, here a second frame, keeps its bit set (and the
 * interrupt owed for it), even though the write is applied after it. */
static void
model_eir_clear_keeps_events_raised_after_it_was_posted(void **unused)
{
	(void)unused;
	struct enet_mmio_ring *ring = host->mmio.posted;
	mac_start(0, 2);
	wr(ENET_EIMR, ENET_INT_RXF);
	inject_to(own_mac, 100, 1);
	uint32_t seen = atomic_load(&ring->events);
	inject_to(own_mac, 100, 2);
	assert_true(atomic_load(&ring->events) != seen);
	/* Posted when the driver had seen only the first frame's event. */
	post_eir_stamped(ENET_INT_RXF, seen);
	assert_int_equal(rd(ENET_EIR) & ENET_INT_RXF, ENET_INT_RXF);
	assert_int_equal(model_counter("eir_kept"), 1);
	/* Posted after both: clears. */
	wr(ENET_EIR, ENET_INT_RXF);
	assert_int_equal(rd(ENET_EIR) & ENET_INT_RXF, 0);
	assert_int_equal(model_counter("eir_kept"), 1);
}

/* A stamp from the future or from long ago (a hostile driver's) clears
 * no more than the bits written: RXF, not written, stays set. */
static void
model_eir_clear_with_any_stamp_clears_only_bits_written(void **unused)
{
	(void)unused;
	struct enet_mmio_ring *ring = host->mmio.posted;
	static const uint32_t stamps[] = {0x80000000u, 0xffffffffu, 1u};
	mac_start(0, 2);
	wr(ENET_EIMR, 0);
	inject_to(own_mac, 100, 1);
	wr(ENET_MMFR, ENET_MMFR_ST | ENET_MMFR_OP_READ |
			      1u << ENET_MMFR_PA_SHIFT |
			      MII_BMSR << ENET_MMFR_RA_SHIFT | ENET_MMFR_TA);
	assert_int_equal(rd(ENET_EIR), ENET_INT_RXF | ENET_INT_MII);
	for (unsigned i = 0; i < 3; i++) {
		post_eir_stamped(ENET_INT_MII,
				 atomic_load(&ring->events) + stamps[i]);
		assert_int_equal(rd(ENET_EIR) & ENET_INT_RXF, ENET_INT_RXF);
	}
}

/* An event a posted write raises as it lands is older than any clear
 * posted after that write: MSCR 0 -> non-zero with MMFR set (the silicon
 * quirk) and the driver's clear of the MII event it raises, posted
 * together and applied in one drain, leave MII clear, as on silicon. */
static void model_eir_clear_posted_after_mscr_clears_its_mii_event(void **u)
{
	(void)u;
	mac_start(0, 1);
	wr(ENET_EIMR, 0);
	wr(ENET_MMFR, ENET_MMFR_ST | ENET_MMFR_OP_READ |
			      1u << ENET_MMFR_PA_SHIFT |
			      MII_BMSR << ENET_MMFR_RA_SHIFT | ENET_MMFR_TA);
	wr(ENET_MSCR, 0);
	wr(ENET_EIR, ENET_INT_MII);
	assert_int_equal(rd(ENET_EIR) & ENET_INT_MII, 0);
	enet_writel(&host->mmio, ENET_MSCR, 5u << ENET_MSCR_MII_SPEED_SHIFT);
	enet_writel(&host->mmio, ENET_EIR, ENET_INT_MII);
	enet_mmio_flush(&host->mmio);
	sdvf_sim_run(sim, 10000);
	assert_int_equal(model_counter("mii_spurious"), 1);
	assert_int_equal(rd(ENET_EIR) & ENET_INT_MII, 0);
	assert_int_equal(model_counter("eir_kept"), 0);
	/* A clear posted before the MSCR write cannot clear it. */
	wr(ENET_MSCR, 0);
	enet_writel(&host->mmio, ENET_EIR, ENET_INT_MII);
	enet_writel(&host->mmio, ENET_MSCR, 5u << ENET_MSCR_MII_SPEED_SHIFT);
	enet_mmio_flush(&host->mmio);
	sdvf_sim_run(sim, 10000);
	assert_int_equal(model_counter("mii_spurious"), 2);
	assert_int_equal(rd(ENET_EIR) & ENET_INT_MII, ENET_INT_MII);
}

#define T(f) cmocka_unit_test_setup_teardown(f, boot, shutdown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(model_registers_hold_reset_values_after_init),
		T(model_ecr_reset_restores_reset_values_and_self_clears),
		T(model_masks_register_writes_to_writable_bits),
		T(model_counts_unknown_and_unaligned_offsets),
		T(model_ignores_writes_to_mib_counters),
		T(model_eir_is_write_one_to_clear),
		T(model_raises_irq_only_for_unmasked_events),
		T(model_raises_irq_once_until_acked),
		T(model_reraises_irq_after_ack_while_event_pending),
		T(model_takes_ack_from_driver_activation_without_reraise),
		T(model_mdio_reads_phy_link_state_and_id),
		T(model_phy_link_status_latches_low_until_read),
		T(model_mdio_needs_mdc_clock),
		T(model_mdio_absent_phy_reads_all_ones),
		T(model_mdio_write_resets_phy_control),
		T(model_drops_batch_with_impossible_posted_tail),
		T(model_applies_a_full_ring_of_writes_in_order),
		T(model_eir_clear_keeps_events_raised_after_it_was_posted),
		T(model_eir_clear_with_any_stamp_clears_only_bits_written),
		T(model_eir_clear_posted_after_mscr_clears_its_mii_event),
	};
	return cmocka_run_group_tests_name("silicon", tests, enet_as_silicon,
					   NULL);
}
