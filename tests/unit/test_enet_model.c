/* The ENET model (driver/enet/model/enet_model.h) alone in the sim: a test
 * "host" PD plays the driver with raw register writes through the posted-MMIO
 * accessor, and the mem wire is the other end of the cable.  The model maps
 * two packet regions: `bufs` rw (dma0) and `ro_bufs` r (dma1, as a TX
 * region is mapped); the host maps both rw. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/enet_mmio.h"
#include "driver/enet/enet_regs.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"
#include "tests/unit/enet_personality.h"

/* ---- the host: registers, rings and buffers as a driver sees them ---- */

#define RINGS_IO 0x40000000u
#define RX_RING_IO RINGS_IO
#define TX_RING_IO (RINGS_IO + 0x100u)
#define BUFS_IO 0x10000000u
#define BUFS_SIZE 0x10000u
#define RO_BUFS_IO 0x10100000u /* the model may only read these */
#define BUF_SIZE 2048u

struct host {
	struct sdvf_pd *pd;
	struct enet_mmio mmio;
	struct enet_bd *rx_ring, *tx_ring;
	uint8_t *bufs, *ro_bufs;
	sdvf_channel_t ch_irq;
	uint64_t irqs;
	bool auto_ack;
};

static int host_init(void *state, struct sdvf_pd *pd)
{
	struct host *h = state;
	h->pd = pd;
	h->mmio = (struct enet_mmio){
		.regs = sdvf_region(pd, "enet_regs")->base,
		.posted = sdvf_region(pd, "enet_mmio")->base,
		.pd = pd,
		.doorbell = sdvf_channel(pd, "mmio"),
	};
	uint8_t *rings = sdvf_region(pd, "enet_rings")->base;
	h->rx_ring = (struct enet_bd *)rings;
	h->tx_ring = (struct enet_bd *)(rings + (TX_RING_IO - RINGS_IO));
	h->bufs = sdvf_region(pd, "bufs")->base;
	h->ro_bufs = sdvf_region(pd, "ro_bufs")->base;
	h->ch_irq = sdvf_channel(pd, "irq");
	return 0;
}

static void host_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct host *h = state;
	if (ch != h->ch_irq)
		return;
	h->irqs++;
	if (!h->auto_ack)
		return;
	/* As a driver does: clear the events, then unmask. */
	enet_writel(&h->mmio, ENET_EIR, 0xffffffffu);
	enet_mmio_flush(&h->mmio);
	sdvf_irq_ack(pd, ch);
}

static const struct sdvf_need host_needs[] = {
	{"enet_regs", SDVF_NEED_REGION, SDVF_R, false},
	{"enet_mmio", SDVF_NEED_REGION, SDVF_RW, false},
	{"enet_rings", SDVF_NEED_REGION, SDVF_RW, false},
	{"bufs", SDVF_NEED_REGION, SDVF_RW, false},
	{"ro_bufs", SDVF_NEED_REGION, SDVF_RW, false},
	{"irq", SDVF_NEED_CHANNEL, 0, false},
	{"mmio", SDVF_NEED_CHANNEL, 0, false},
	{0},
};
static const struct sdvf_param no_params[] = {{0}};

static const struct sdvf_component host_component = {
	.name = "test_host",
	.role = SDVF_ROLE_DRIVER,
	.state_size = sizeof(struct host),
	.needs = host_needs,
	.params = no_params,
	.init = host_init,
	.notified = host_notified,
};

static const struct sdvf_component *const table[] = {&enet_model_component,
						     &host_component, NULL};

static const char dts[] =
	"/dts-v1/;\n/ {\ncompatible = \"sdvf,system\";\npds {\n"
	"nic { component = \"enet_model\";\n"
	"  maps { enet_regs = \"regs\", \"rw\"; enet_mmio = \"posted\", "
	"\"rw\"; enet_rings = \"rings\", \"rw\"; dma0 = \"bufs\", \"rw\";\n"
	"    dma1 = \"ro_bufs\", \"r\"; };\n"
	"  channels { irq = \"irq\"; mmio = \"mmio\"; };\n"
	/* the register and DMA semantics without two silicon hazards
	 * (late TDAR clear, MII needs ETHEREN): test_enet_hazards has them */
	"  config { wire = \"mem\"; phy_addr = <1>;\n"
	"    hazard_err006358 = <0>; hazard_mdio_etheren = <0>; }; };\n"
	"host { component = \"test_host\";\n"
	"  maps { enet_regs = \"regs\", \"r\"; enet_mmio = \"posted\", "
	"\"rw\"; enet_rings = \"rings\", \"rw\"; bufs = \"bufs\", \"rw\";\n"
	"    ro_bufs = \"ro_bufs\", \"rw\"; };\n"
	"  channels { irq = \"irq\"; mmio = \"mmio\"; }; };\n"
	"};\nregions {\n"
	"regs { size = <0x1000>; }; posted { size = <0x1000>; };\n"
	"rings { size = <0x1000>; io-address = <0x40000000>; };\n"
	"bufs { size = <0x10000>; io-address = <0x10000000>; };\n"
	"ro_bufs { size = <0x10000>; io-address = <0x10100000>; };\n"
	"};\nchannels {\n"
	"irq { ends = \"nic\", \"host\"; }; mmio { ends = \"host\", \"nic\"; "
	"};\n};\n};\n";

static struct sdvf_system sys;
static struct sdvf_sim *sim;
static struct host *host;
static void *nic;
static struct wire *wire;

static int boot(void **unused)
{
	(void)unused;
	memset(&sys, 0, sizeof(sys));
	char *text = enet_test_dts(dts, ""); /* enet_test_personality's */
	assert_int_equal(sdvf_system_load_dts(&sys, "test_enet_model", text,
					      table, stderr),
			 0);
	free(text);
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	assert_int_equal(sdvf_sim_init(sim), 0);
	host = sdvf_sim_state(sim, "host");
	nic = sdvf_sim_state(sim, "nic");
	wire = enet_model_wire(nic);
	assert_non_null(wire);
	return 0;
}

static int shutdown(void **unused)
{
	(void)unused;
	wire_close(wire);
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	return 0;
}

/* A model counter, as `sdvf stats` shows it; a name the model does not
 * publish fails the test. */
static uint64_t model_counter(const char *name)
{
	bool found = false;
	uint64_t value = sdvf_sim_counter(sim, "nic", name, &found);
	assert_true(found);
	return value;
}

/* A posted write, delivered: the doorbell rung and the model run. */
static void wr(uint32_t off, uint32_t value)
{
	enet_writel(&host->mmio, off, value);
	enet_mmio_flush(&host->mmio);
	sdvf_sim_run(sim, 10000);
}

static uint32_t rd(uint32_t off)
{
	return enet_readl(&host->mmio, off);
}

/* ---- frames ----------------------------------------------------------- */

static const uint8_t own_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t other_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x99};

static size_t make_frame(uint8_t *f, const uint8_t *dst, size_t len,
			 uint8_t seed)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, other_mac, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	for (size_t i = 14; i < len; i++)
		f[i] = (uint8_t)(seed + i);
	return len;
}

static void inject(const uint8_t *frame, size_t len)
{
	assert_int_equal(wire_mem_inject(wire, frame, len), 0);
	sdvf_sim_run(sim, 10000); /* the sim polls the wire's fd when idle */
}

static void inject_to(const uint8_t *dst, size_t len, uint8_t seed)
{
	uint8_t f[WIRE_MAX_FRAME];
	inject(f, make_frame(f, dst, len, seed));
}

/* Bitwise IEEE CRC-32, as a receiver checks the FCS. */
static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

/* ---- bring-up as a driver would do it ---------------------------------- */

static void rx_ring_give(int n)
{
	for (int i = 0; i < n; i++) {
		host->rx_ring[i].addr = BUFS_IO + (uint32_t)i * BUF_SIZE;
		host->rx_ring[i].len = 0;
		host->rx_ring[i].stat =
			(uint16_t)(ENET_RXBD_E |
				   (i == n - 1 ? ENET_RXBD_W : 0));
	}
}

/* Bring the MAC up with `ecr` (ETHEREN and the BD byte order) as the last
 * write before RDAR. */
static void mac_start_ecr(uint32_t rcr_extra, int rx_bds, uint32_t ecr)
{
	wr(ENET_ECR, ENET_ECR_RESET);
	wr(ENET_MSCR, 5u << ENET_MSCR_MII_SPEED_SHIFT);
	wr(ENET_PALR, 0x02000000u);
	wr(ENET_PAUR, 0x00010000u);
	wr(ENET_RCR,
	   (1518u << ENET_RCR_MAX_FL_SHIFT) | ENET_RCR_MII_MODE | rcr_extra);
	wr(ENET_TCR, ENET_TCR_FDEN);
	wr(ENET_MRBR, BUF_SIZE);
	wr(ENET_RDSR, RX_RING_IO);
	wr(ENET_TDSR, TX_RING_IO);
	wr(ENET_MIBC, 0);
	rx_ring_give(rx_bds);
	wr(ENET_ECR, ecr);
	wr(ENET_RDAR, ENET_RDAR_ACTIVE);
}

/* As the driver does: little-endian BDs (ECR.DBSWP). */
static void mac_start(uint32_t rcr_extra, int rx_bds)
{
	mac_start_ecr(rcr_extra, rx_bds, ENET_ECR_ETHEREN | ENET_ECR_DBSWP);
}

static uint8_t *buf(int i)
{
	return host->bufs + (size_t)i * BUF_SIZE;
}

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

static void mdio_read(uint32_t phy, uint32_t reg)
{
	wr(ENET_MMFR, ENET_MMFR_ST | ENET_MMFR_OP_READ |
			      phy << ENET_MMFR_PA_SHIFT |
			      reg << ENET_MMFR_RA_SHIFT | ENET_MMFR_TA);
}

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

/* ---- receive ---------------------------------------------------------- */

static void model_receives_frames_into_bds_and_wraps(void **unused)
{
	(void)unused;
	mac_start(0, 2);
	inject_to(own_mac, 100, 1);
	inject_to(own_mac, 200, 2);
	inject_to(own_mac, 300, 3);
	assert_int_equal(host->rx_ring[0].len, 104);
	assert_int_equal(host->rx_ring[0].stat, ENET_RXBD_L);
	assert_int_equal(host->rx_ring[1].len, 204);
	assert_int_equal(host->rx_ring[1].stat, ENET_RXBD_L | ENET_RXBD_W);
	assert_int_equal(rd(ENET_RDAR), 0); /* no empty BD left */
	assert_int_equal(buf(1)[14], (uint8_t)(2 + 14));
	/* The third frame waits in the FIFO until BD 0 is empty again. */
	host->rx_ring[0].stat = ENET_RXBD_E;
	wr(ENET_RDAR, ENET_RDAR_ACTIVE);
	assert_int_equal(host->rx_ring[0].len, 304);
	assert_int_equal(buf(0)[14], (uint8_t)(3 + 14));
	assert_int_equal(model_counter("rx_frames"), 3);
	assert_int_equal(rd(ENET_EIR) & ENET_INT_RXF, ENET_INT_RXF);
}

static void model_appends_a_valid_fcs(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	inject_to(own_mac, 100, 7);
	uint32_t fcs = crc32_ieee(buf(0), 100);
	uint8_t expect[4] = {(uint8_t)fcs, (uint8_t)(fcs >> 8),
			     (uint8_t)(fcs >> 16), (uint8_t)(fcs >> 24)};
	assert_memory_equal(buf(0) + 100, expect, 4);
}

static void model_strips_fcs_when_rcr_crcfwd(void **unused)
{
	(void)unused;
	mac_start(ENET_RCR_CRCFWD, 1);
	inject_to(own_mac, 100, 7);
	assert_int_equal(host->rx_ring[0].len, 100);
}

static void model_pads_short_frames_to_60(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	inject_to(own_mac, 42, 0);
	assert_int_equal(host->rx_ring[0].len, 64);
	for (int i = 42; i < 60; i++)
		assert_int_equal(buf(0)[i], 0);
	assert_int_equal(model_counter("rx_padded"), 1);
}

static void model_drops_runt_frames(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	uint8_t runt[10] = {0};
	inject(runt, sizeof(runt));
	assert_int_equal(host->rx_ring[0].stat, ENET_RXBD_E | ENET_RXBD_W);
	assert_int_equal(model_counter("rx_runts"), 1);
	assert_int_equal(rd(ENET_RMON_R_FRAG), 1);
}

static void model_flags_frame_longer_than_max_fl_with_lg(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	inject_to(own_mac, 1600, 0);
	assert_int_equal(host->rx_ring[0].len, 1604);
	assert_int_equal(host->rx_ring[0].stat,
			 ENET_RXBD_L | ENET_RXBD_W | ENET_RXBD_LG);
	assert_int_equal(buf(0)[1599], (uint8_t)1599);
	assert_int_equal(model_counter("rx_long"), 1);
}

static void model_truncates_frame_longer_than_ftrl_with_tr(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	wr(ENET_FTRL, 1000);
	inject_to(own_mac, 1200, 0);
	assert_int_equal(host->rx_ring[0].len, 1000);
	assert_int_equal(host->rx_ring[0].stat,
			 ENET_RXBD_L | ENET_RXBD_W | ENET_RXBD_TR);
	assert_int_equal(buf(0)[1000], 0); /* nothing past FTRL */
	assert_int_equal(model_counter("rx_truncated"), 1);
}

static void model_spreads_frame_over_bds_of_mrbr_bytes(void **unused)
{
	(void)unused;
	mac_start(0, 4);
	wr(ENET_MRBR, 256);
	inject_to(own_mac, 600, 5);
	assert_int_equal(host->rx_ring[0].len, 256);
	assert_int_equal(host->rx_ring[0].stat, 0);
	assert_int_equal(host->rx_ring[1].len, 256);
	assert_int_equal(host->rx_ring[2].len, 604); /* the frame length */
	assert_int_equal(host->rx_ring[2].stat, ENET_RXBD_L);
	assert_int_equal(buf(1)[0], (uint8_t)(5 + 256));
	assert_int_equal(rd(ENET_EIR), ENET_INT_RXB | ENET_INT_RXF);
}

static void model_filters_frames_for_other_macs(void **unused)
{
	(void)unused;
	mac_start(0, 4);
	inject_to(other_mac, 100, 0);
	assert_int_equal(model_counter("rx_filtered"), 1);
	assert_int_equal(host->rx_ring[0].stat, ENET_RXBD_E);
	const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	inject_to(bcast, 100, 0);
	assert_int_equal(host->rx_ring[0].stat, ENET_RXBD_L | ENET_RXBD_BC);
}

static void model_accepts_others_with_miss_bit_when_promiscuous(void **unused)
{
	(void)unused;
	mac_start(ENET_RCR_PROM, 2);
	inject_to(other_mac, 100, 0);
	inject_to(own_mac, 100, 0);
	assert_int_equal(host->rx_ring[0].stat, ENET_RXBD_L | ENET_RXBD_M);
	assert_int_equal(host->rx_ring[1].stat, ENET_RXBD_L | ENET_RXBD_W);
}

static void model_drops_frames_beyond_fifo_when_no_bd_is_free(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	for (int i = 0; i < 12; i++)
		inject_to(own_mac, 100, (uint8_t)i);
	/* 1 in the BD, 8 in the FIFO, the rest dropped. */
	assert_int_equal(model_counter("rx_frames"), 1);
	assert_int_equal(model_counter("rx_fifo_overflow"), 3);
	assert_int_equal(rd(ENET_IEEE_R_MACERR), 3);
}

/* ECR.DBSWP clear: the MAC's native big-endian BD, stat in bytes 0-1, len
 * in 2-3, addr in 4-7, each most significant byte first. */
static void model_rx_uses_big_endian_bds_when_dbswp_clear(void **unused)
{
	(void)unused;
	mac_start_ecr(0, 0, ENET_ECR_ETHEREN);
	/* E | W, len 0, addr BUFS_IO + 3 * 2048 = 0x10001800 */
	static const uint8_t empty[8] = {0xa0, 0x00, 0x00, 0x00,
					 0x10, 0x00, 0x18, 0x00};
	memcpy(host->rx_ring, empty, sizeof(empty));
	wr(ENET_RDAR, ENET_RDAR_ACTIVE);
	inject_to(own_mac, 100, 5);
	/* L | W, len 104 (the frame and its FCS), addr untouched */
	static const uint8_t filled[8] = {0x28, 0x00, 0x00, 0x68,
					  0x10, 0x00, 0x18, 0x00};
	assert_memory_equal(host->rx_ring, filled, sizeof(filled));
	uint8_t want[WIRE_MAX_FRAME];
	make_frame(want, own_mac, 100, 5);
	assert_memory_equal(buf(3), want, 100);
	assert_int_equal(rd(ENET_EIR), ENET_INT_RXF);
	assert_int_equal(model_counter("rx_frames"), 1);
	assert_int_equal(model_counter("eberr"), 0);
}

static void model_ignores_rdar_while_disabled(void **unused)
{
	(void)unused;
	wr(ENET_RDAR, ENET_RDAR_ACTIVE);
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	assert_int_equal(rd(ENET_RDAR), 0);
	assert_int_equal(rd(ENET_TDAR), 0);
	inject_to(own_mac, 100, 0);
	assert_int_equal(model_counter("rx_disabled"), 1);
}

/* ---- transmit --------------------------------------------------------- */

static void tx_bd_set(int i, int buf_index, uint16_t len, uint16_t stat)
{
	host->tx_ring[i].addr = BUFS_IO + (uint32_t)buf_index * BUF_SIZE;
	host->tx_ring[i].len = len;
	host->tx_ring[i].stat = stat;
}

static void
model_transmits_ready_bds_in_order_and_hands_them_back(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	make_frame(buf(4), other_mac, 100, 1);
	make_frame(buf(5), other_mac, 200, 2);
	const uint16_t ready = ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_TC;
	tx_bd_set(0, 4, 100, ready);
	tx_bd_set(1, 5, 200, ready | ENET_TXBD_W);
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 100);
	assert_memory_equal(got, buf(4), 100);
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 200);
	assert_memory_equal(got, buf(5), 200);
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 0);
	assert_int_equal(host->tx_ring[0].stat, ENET_TXBD_L | ENET_TXBD_TC);
	assert_int_equal(host->tx_ring[1].stat,
			 ENET_TXBD_L | ENET_TXBD_TC | ENET_TXBD_W);
	assert_int_equal(rd(ENET_TDAR), 0);
	assert_int_equal(rd(ENET_EIR), ENET_INT_TXF | ENET_INT_TXB);
	assert_int_equal(model_counter("tx_frames"), 2);
}

static void model_tx_uses_big_endian_bds_when_dbswp_clear(void **unused)
{
	(void)unused;
	mac_start_ecr(0, 0, ENET_ECR_ETHEREN);
	make_frame(buf(4), other_mac, 100, 7);
	/* R | W | L | TC, len 100, addr BUFS_IO + 4 * 2048 = 0x10002000 */
	static const uint8_t ready[8] = {0xac, 0x00, 0x00, 0x64,
					 0x10, 0x00, 0x20, 0x00};
	memcpy(host->tx_ring, ready, sizeof(ready));
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 100);
	assert_memory_equal(got, buf(4), 100);
	/* Handed back: R clear, everything else as the host wrote it. */
	static const uint8_t sent[8] = {0x2c, 0x00, 0x00, 0x64,
					0x10, 0x00, 0x20, 0x00};
	assert_memory_equal(host->tx_ring, sent, sizeof(sent));
	assert_int_equal(rd(ENET_EIR), ENET_INT_TXF | ENET_INT_TXB);
	assert_int_equal(model_counter("tx_frames"), 1);
}

/* A TX region is mapped read-only into the model: reading is all TX does. */
static void model_transmits_from_a_region_it_may_only_read(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	make_frame(host->ro_bufs, other_mac, 300, 4);
	tx_bd_set(0, 0, 300, ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W);
	host->tx_ring[0].addr = RO_BUFS_IO;
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 300);
	assert_memory_equal(got, host->ro_bufs, 300);
	assert_int_equal(host->tx_ring[0].stat, ENET_TXBD_L | ENET_TXBD_W);
	assert_int_equal(model_counter("eberr"), 0);
}

static void model_joins_a_frame_spanning_two_bds(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	make_frame(buf(4), other_mac, 100, 1);
	memset(buf(5), 0xab, 50);
	tx_bd_set(0, 4, 100, ENET_TXBD_R);
	tx_bd_set(1, 5, 50, ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W);
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 150);
	assert_memory_equal(got, buf(4), 100);
	assert_int_equal(got[149], 0xab);
	assert_int_equal(model_counter("tx_frames"), 1);
}

static void model_waits_for_the_rest_of_an_incomplete_frame(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	tx_bd_set(0, 4, 100, ENET_TXBD_R);
	tx_bd_set(1, 5, 50, ENET_TXBD_W); /* not ready yet */
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	assert_int_equal(host->tx_ring[0].stat, ENET_TXBD_R);
	assert_int_equal(rd(ENET_TDAR), ENET_TDAR_ACTIVE);
	host->tx_ring[1].stat = ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W;
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	assert_int_equal(model_counter("tx_frames"), 1);
	assert_int_equal(rd(ENET_TDAR), 0);
}

static void model_pads_short_tx_frames_to_60(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	make_frame(buf(4), other_mac, 42, 1);
	tx_bd_set(0, 4, 42, ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W);
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 60);
	assert_int_equal(model_counter("tx_padded"), 1);
}

static void model_loops_transmitted_frames_back_when_rcr_loop(void **unused)
{
	(void)unused;
	mac_start(ENET_RCR_LOOP, 1);
	make_frame(buf(4), own_mac, 100, 9);
	tx_bd_set(0, 4, 100, ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W);
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 0);
	assert_int_equal(host->rx_ring[0].len, 104);
	assert_memory_equal(buf(0), buf(4), 100);
	assert_int_equal(model_counter("rx_loopback"), 1);
}

static void model_loses_frames_while_link_is_down(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	enet_model_set_link(nic, false);
	tx_bd_set(0, 4, 100, ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W);
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	inject_to(own_mac, 100, 0);
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 0);
	assert_int_equal(host->tx_ring[0].stat, ENET_TXBD_L | ENET_TXBD_W);
	assert_int_equal(model_counter("tx_link_down"), 1);
	assert_int_equal(model_counter("rx_link_down"), 1);
}

/* ---- bus errors ------------------------------------------------------- */

static void assert_stopped_by_eberr(void)
{
	assert_int_equal(rd(ENET_EIR) & ENET_INT_EBERR, ENET_INT_EBERR);
	assert_int_equal(rd(ENET_ECR) & ENET_ECR_ETHEREN, 0);
	assert_int_equal(rd(ENET_RDAR), 0);
	assert_int_equal(rd(ENET_TDAR), 0);
	assert_int_equal(model_counter("eberr"), 1);
}

static void model_raises_eberr_for_rx_buffer_outside_window(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	host->rx_ring[0].addr = 0x20000000u;
	inject_to(own_mac, 100, 0);
	assert_stopped_by_eberr();
	assert_int_equal(host->rx_ring[0].stat, ENET_RXBD_E | ENET_RXBD_W);
}

static void model_raises_eberr_for_buffer_crossing_window_end(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	tx_bd_set(0, 0, 100, ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W);
	host->tx_ring[0].addr = BUFS_IO + BUFS_SIZE - 10;
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	assert_stopped_by_eberr();
	assert_int_equal(host->tx_ring[0].stat,
			 ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W);
}

/* An RX buffer in a region the device may only read (a TX region): the
 * write is a bus error, and nothing at all is written, BD or buffer. */
static void model_raises_eberr_for_rx_into_read_only_region(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	memset(host->ro_bufs, 0x5a, BUF_SIZE);
	host->rx_ring[0].addr = RO_BUFS_IO;
	inject_to(own_mac, 100, 0);
	assert_int_equal(rd(ENET_EIR), ENET_INT_EBERR);
	assert_stopped_by_eberr();
	assert_int_equal(host->rx_ring[0].stat, ENET_RXBD_E | ENET_RXBD_W);
	assert_int_equal(host->rx_ring[0].len, 0);
	assert_int_equal(host->rx_ring[0].addr, RO_BUFS_IO);
	for (uint32_t i = 0; i < BUF_SIZE; i++)
		assert_int_equal(host->ro_bufs[i], 0x5a);
	assert_int_equal(model_counter("rx_frames"), 0);
}

/* Every BD of a frame is checked before any is written: a second BD in the
 * read-only region leaves the first one's buffer and BD untouched too. */
static void model_raises_eberr_before_writing_any_bd_of_a_frame_into_read_only(
	void **unused)
{
	(void)unused;
	mac_start(0, 2);
	wr(ENET_MRBR, 64); /* 104 bytes with FCS: two BDs */
	memset(buf(0), 0x5a, BUF_SIZE);
	memset(host->ro_bufs, 0x5a, BUF_SIZE);
	host->rx_ring[1].addr = RO_BUFS_IO;
	inject_to(own_mac, 100, 0);
	assert_int_equal(rd(ENET_EIR), ENET_INT_EBERR);
	assert_stopped_by_eberr();
	assert_int_equal(host->rx_ring[0].stat, ENET_RXBD_E);
	assert_int_equal(host->rx_ring[0].len, 0);
	assert_int_equal(host->rx_ring[1].stat, ENET_RXBD_E | ENET_RXBD_W);
	for (uint32_t i = 0; i < BUF_SIZE; i++) {
		assert_int_equal(buf(0)[i], 0x5a);
		assert_int_equal(host->ro_bufs[i], 0x5a);
	}
}

static void model_raises_eberr_for_tx_ring_outside_window(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	wr(ENET_ECR, ENET_ECR_DBSWP);
	wr(ENET_TDSR, 0x50000000u);
	wr(ENET_ECR, ENET_ECR_ETHEREN | ENET_ECR_DBSWP);
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	assert_stopped_by_eberr();
}

/* The MAC writes back every BD it completes: BD rings it may only read
 * would make each of them a bus error, so the model refuses them at init
 * (the description itself is valid: a need's rights are a maximum). */
static void model_refuses_bd_rings_it_may_only_read(void **unused)
{
	(void)unused;
	char variant[sizeof(dts)];
	memcpy(variant, dts, sizeof(dts));
	char *rings = strstr(variant, "enet_rings = \"rings\", \"rw\"");
	assert_non_null(rings); /* the nic's map comes first */
	memcpy(strstr(rings, "\"rw\""), "\"r\" ", 4);
	struct sdvf_system s;
	assert_int_equal(sdvf_system_load_dts(&s, "test_enet_model", variant,
					      table, stderr),
			 0);
	struct sdvf_sim *refused = sdvf_sim_create(&s);
	assert_non_null(refused);
	assert_int_equal(sdvf_sim_init(refused), -1);
	sdvf_sim_destroy(refused);
	sdvf_system_free(&s);
}

/* ---- MDIO and PHY ----------------------------------------------------- */

static uint32_t mdio_read_value(uint32_t phy, uint32_t reg)
{
	wr(ENET_EIR, ENET_INT_MII);
	mdio_read(phy, reg);
	assert_int_equal(rd(ENET_EIR) & ENET_INT_MII, ENET_INT_MII);
	return rd(ENET_MMFR) & ENET_MMFR_DATA_MASK;
}

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

/* ---- MIB -------------------------------------------------------------- */

static void model_counts_mib_frames_and_clears_them(void **unused)
{
	(void)unused;
	mac_start(0, 2);
	inject_to(own_mac, 60, 0);
	inject_to(own_mac, 1000, 0);
	tx_bd_set(0, 4, 100, ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W);
	make_frame(buf(4), other_mac, 100, 0);
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	assert_int_equal(rd(ENET_RMON_R_PACKETS), 2);
	assert_int_equal(rd(ENET_RMON_R_P64), 1);
	assert_int_equal(rd(ENET_RMON_R_P512TO1023), 1);
	assert_int_equal(rd(ENET_RMON_R_OCTETS), 64 + 1004);
	assert_int_equal(rd(ENET_IEEE_R_FRAME_OK), 2);
	assert_int_equal(rd(ENET_RMON_T_PACKETS), 1);
	assert_int_equal(rd(ENET_RMON_T_P65TO127), 1);
	assert_int_equal(rd(ENET_IEEE_T_OCTETS_OK), 104);
	wr(ENET_MIBC, ENET_MIBC_CLEAR);
	wr(ENET_MIBC, 0);
	assert_int_equal(rd(ENET_RMON_R_PACKETS), 0);
	assert_int_equal(rd(ENET_RMON_T_PACKETS), 0);
}

static void model_mib_counts_nothing_while_disabled(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	wr(ENET_MIBC, ENET_MIBC_DIS);
	assert_int_equal(rd(ENET_MIBC), ENET_MIBC_DIS | ENET_MIBC_IDLE);
	inject_to(own_mac, 100, 0);
	assert_int_equal(model_counter("rx_frames"), 1);
	assert_int_equal(rd(ENET_RMON_R_PACKETS), 0);
}

/* ---- the posted-write ring -------------------------------------------- */

static void model_drops_batch_with_impossible_posted_tail(void **unused)
{
	(void)unused;
	struct enet_mmio_ring *ring = host->mmio.posted;
	uint32_t head = atomic_load(&ring->head);
	ring->ring[head % ENET_MMIO_RING] =
		(struct enet_mmio_write){ENET_PALR, 0x12345678u};
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

/* ---- personality qemu-imx7 (hw/net/imx_fec.c) --------------------------- */

/* imx_eth_write: RCR keeps MAX_FL and its low six bits. */
static void qemu_masks_rcr_so_crcfwd_never_sticks(void **unused)
{
	(void)unused;
	assert_int_equal(rd(ENET_ECR), 0xf0000000u); /* imx_eth_reset */
	wr(ENET_RCR, 0xffffffffu);
	assert_int_equal(rd(ENET_RCR), 0x07ff003fu);
	wr(ENET_RCR, ENET_RCR_CRCFWD | ENET_RCR_MII_MODE);
	assert_int_equal(rd(ENET_RCR), ENET_RCR_MII_MODE);
	wr(ENET_ECR, ENET_ECR_ETHEREN | ENET_ECR_DBSWP);
	assert_int_equal(rd(ENET_ECR), ENET_ECR_ETHEREN | ENET_ECR_DBSWP);
}

/* zlib's crc32(~0, ...): the register starts at zero. */
static uint32_t qemu_crc(const uint8_t *p, size_t n)
{
	uint32_t c = 0;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

/* imx_fec_receive: the FCS is written and counted whatever CRCFWD says;
 * QEMU's value, big-endian; nothing padded. */
static void qemu_writes_its_fcs_into_every_frame_unpadded(void **unused)
{
	(void)unused;
	mac_start(ENET_RCR_CRCFWD, 2);
	uint8_t f[WIRE_MAX_FRAME];
	size_t n = make_frame(f, own_mac, 20, 3);
	inject(f, n);
	assert_int_equal(host->rx_ring[0].len, 24);
	assert_memory_equal(buf(0), f, 20);
	uint32_t crc = qemu_crc(f, 20);
	uint8_t want[4] = {(uint8_t)(crc >> 24), (uint8_t)(crc >> 16),
			   (uint8_t)(crc >> 8), (uint8_t)crc};
	assert_memory_equal(buf(0) + 20, want, 4);
	assert_int_not_equal(crc, crc32_ieee(f, 20)); /* not Ethernet's */
	assert_int_equal(model_counter("rx_padded"), 0);
}

/* No destination filter, no runt drop: QEMU takes what the wire brings. */
static void qemu_takes_runts_and_frames_for_any_mac(void **unused)
{
	(void)unused;
	mac_start(0, 2);
	inject_to(other_mac, 10, 1);
	inject_to(other_mac, 100, 2);
	assert_int_equal(host->rx_ring[0].len, 14);
	assert_int_equal(host->rx_ring[0].stat & ENET_RXBD_M, 0);
	assert_int_equal(host->rx_ring[1].len, 104);
	assert_int_equal(model_counter("rx_runts"), 0);
	assert_int_equal(model_counter("rx_filtered"), 0);
	assert_int_equal(model_counter("rx_frames"), 2);
}

/* imx_phy_read (QEMU 7.2; lan9118_phy_read since 9.2): SMSC IDs, a 10/100
 * BMSR that does not latch, a constant partner; other addresses all ones;
 * MDIO works with MSCR 0. */
static void qemu_phy_is_lan9118_like_and_needs_no_mdc(void **unused)
{
	(void)unused;
	assert_int_equal(rd(ENET_MSCR), 0);
	assert_int_equal(mdio_read_value(1, MII_PHYSID1), 0x0007);
	assert_int_equal(mdio_read_value(1, MII_PHYSID2), 0xc0d1);
	assert_int_equal(mdio_read_value(1, MII_BMSR), 0x782d);
	assert_int_equal(mdio_read_value(1, MII_BMCR), 0x3000);
	assert_int_equal(mdio_read_value(1, MII_LPA), 0x0f71);
	assert_int_equal(mdio_read_value(1, MII_STAT1000), 0);
	assert_int_equal(mdio_read_value(0, MII_PHYSID1), 0xffff);
	enet_model_set_link(nic, false);
	enet_model_set_link(nic, true);
	assert_int_equal(mdio_read_value(1, MII_BMSR), 0x782d); /* no latch */
	enet_model_set_link(nic, false);
	assert_int_equal(mdio_read_value(1, MII_BMSR), 0x7809);
	assert_int_equal(model_counter("mdio_no_clock"), 0);
}

/* imx_eth_write, TDAR: sent before the write returns, TDAR reads 0; a
 * short frame leaves as it is. */
static void qemu_sends_on_tdar_write_unpadded_and_tdar_reads_0(void **unused)
{
	(void)unused;
	mac_start(0, 1);
	make_frame(buf(4), other_mac, 42, 1);
	tx_bd_set(0, 4, 42, ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_W);
	wr(ENET_TDAR, ENET_TDAR_ACTIVE);
	assert_int_equal(rd(ENET_TDAR), 0);
	assert_int_equal(host->tx_ring[0].stat, ENET_TXBD_L | ENET_TXBD_W);
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 42);
	assert_int_equal(model_counter("tx_padded"), 0);
}

/* "TODO: Implement MIB": counters read 0; TXIC/RXIC are not registers. */
static void qemu_has_no_mib_counters_and_no_coalescing(void **unused)
{
	(void)unused;
	mac_start(0, 2);
	wr(ENET_TXIC, ENET_IC_EN | 0x04000100u);
	assert_int_equal(rd(ENET_TXIC), 0);
	assert_int_equal(model_counter("qemu_ignored"), 1);
	wr(ENET_EIMR, ENET_INT_RXF);
	inject_to(own_mac, 100, 1);
	assert_int_equal(rd(ENET_EIR) & ENET_INT_RXF, ENET_INT_RXF);
	assert_int_equal(rd(ENET_RMON_R_PACKETS), 0);
	wr(ENET_MIBC, ENET_MIBC_DIS | ENET_MIBC_CLEAR);
	assert_int_equal(rd(ENET_MIBC), 0xc0000000u);
}

/* The loader (and the model's init) takes only the two names. */
static void personality_other_than_the_two_is_refused(void **unused)
{
	(void)unused;
	enet_test_personality = "qemu";
	char *text = enet_test_dts(dts, "");
	enet_test_personality = "qemu-imx7";
	FILE *err = tmpfile();
	assert_int_equal(sdvf_system_load_dts(&sys, "t.dts", text, table, err),
			 -1);
	free(text);
	char line[256] = "";
	rewind(err);
	assert_non_null(fgets(line, sizeof(line), err));
	fclose(err);
	assert_string_equal(line, "t.dts: /pds/nic/config: property "
				  "'personality': \"qemu\" is not one of: "
				  "silicon, qemu-imx7\n");
	sdvf_system_free(&sys);
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
		T(model_receives_frames_into_bds_and_wraps),
		T(model_appends_a_valid_fcs),
		T(model_strips_fcs_when_rcr_crcfwd),
		T(model_pads_short_frames_to_60),
		T(model_drops_runt_frames),
		T(model_flags_frame_longer_than_max_fl_with_lg),
		T(model_truncates_frame_longer_than_ftrl_with_tr),
		T(model_spreads_frame_over_bds_of_mrbr_bytes),
		T(model_filters_frames_for_other_macs),
		T(model_accepts_others_with_miss_bit_when_promiscuous),
		T(model_drops_frames_beyond_fifo_when_no_bd_is_free),
		T(model_rx_uses_big_endian_bds_when_dbswp_clear),
		T(model_ignores_rdar_while_disabled),
		T(model_transmits_ready_bds_in_order_and_hands_them_back),
		T(model_tx_uses_big_endian_bds_when_dbswp_clear),
		T(model_transmits_from_a_region_it_may_only_read),
		T(model_joins_a_frame_spanning_two_bds),
		T(model_waits_for_the_rest_of_an_incomplete_frame),
		T(model_pads_short_tx_frames_to_60),
		T(model_loops_transmitted_frames_back_when_rcr_loop),
		T(model_loses_frames_while_link_is_down),
		T(model_raises_eberr_for_rx_buffer_outside_window),
		T(model_raises_eberr_for_buffer_crossing_window_end),
		T(model_raises_eberr_for_rx_into_read_only_region),
		T(model_raises_eberr_before_writing_any_bd_of_a_frame_into_read_only),
		T(model_raises_eberr_for_tx_ring_outside_window),
		cmocka_unit_test(model_refuses_bd_rings_it_may_only_read),
		T(model_mdio_reads_phy_link_state_and_id),
		T(model_phy_link_status_latches_low_until_read),
		T(model_mdio_needs_mdc_clock),
		T(model_mdio_absent_phy_reads_all_ones),
		T(model_mdio_write_resets_phy_control),
		T(model_counts_mib_frames_and_clears_them),
		T(model_mib_counts_nothing_while_disabled),
		T(model_drops_batch_with_impossible_posted_tail),
		T(model_applies_a_full_ring_of_writes_in_order),
	};
	const struct CMUnitTest qemu_tests[] = {
		T(qemu_masks_rcr_so_crcfwd_never_sticks),
		T(qemu_writes_its_fcs_into_every_frame_unpadded),
		T(qemu_takes_runts_and_frames_for_any_mac),
		T(qemu_phy_is_lan9118_like_and_needs_no_mdc),
		T(qemu_sends_on_tdar_write_unpadded_and_tdar_reads_0),
		T(qemu_has_no_mib_counters_and_no_coalescing),
		cmocka_unit_test(personality_other_than_the_two_is_refused),
	};
	return cmocka_run_group_tests_name("silicon", tests, enet_as_silicon,
					   NULL) +
	       cmocka_run_group_tests_name("qemu-imx7", qemu_tests,
					   enet_as_qemu, NULL);
}
