/*
 * enet_model_fixture.h: the ENET model (driver/enet/model/enet_model.h)
 * alone in the sim, as the test_enet_model_* programs stand on it: a test
 * "host" PD (enet_model_host.h) plays the driver with raw register writes
 * through the posted-MMIO accessor, and the mem wire is the other end of
 * the cable.
 * The model maps two packet regions: `bufs` rw (dma0) and `ro_bufs` r
 * (dma1, as a TX region is mapped); the host maps both rw.  Each test
 * boots the system afresh (boot, shutdown) as the personality its group
 * chose (enet_personality.h).
 *
 * Header-only, included once by each test after cmocka.h: its state is
 * the test file's own statics (sys, sim, host, nic, wire), named as the
 * tests use them.
 */
#ifndef SDVF_TESTS_ENET_MODEL_FIXTURE_H
#define SDVF_TESTS_ENET_MODEL_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/enet_mmio.h"
#include "driver/enet/enet_regs.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"
#include "tests/unit/enet_model_host.h"
#include "tests/unit/enet_personality.h"

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

static inline int boot(void **unused)
{
	(void)unused;
	memset(&sys, 0, sizeof(sys));
	char *text = enet_test_dts(dts, ""); /* enet_test_personality's */
	assert_int_equal(sdvf_system_load_dts(&sys, "test_enet_model", text,
					      model_and_host, stderr),
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

static inline int shutdown(void **unused)
{
	(void)unused;
	wire_close(wire);
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	return 0;
}

/* A model counter, as `sdvf stats` shows it; a name the model does not
 * publish fails the test. */
static inline uint64_t model_counter(const char *name)
{
	bool found = false;
	uint64_t value = sdvf_sim_counter(sim, "nic", name, &found);
	assert_true(found);
	return value;
}

/* A posted write, delivered: the doorbell rung and the model run. */
static inline void wr(uint32_t off, uint32_t value)
{
	enet_writel(&host->mmio, off, value);
	enet_mmio_flush(&host->mmio);
	sdvf_sim_run(sim, 10000);
}

static inline uint32_t rd(uint32_t off)
{
	return enet_readl(&host->mmio, off);
}

/* ---- frames ----------------------------------------------------------- */

static const uint8_t own_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t other_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x99};

static inline size_t make_frame(uint8_t *f, const uint8_t *dst, size_t len,
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

static inline void inject(const uint8_t *frame, size_t len)
{
	assert_int_equal(wire_mem_inject(wire, frame, len), 0);
	sdvf_sim_run(sim, 10000); /* the sim polls the wire's fd when idle */
}

static inline void inject_to(const uint8_t *dst, size_t len, uint8_t seed)
{
	uint8_t f[WIRE_MAX_FRAME];
	inject(f, make_frame(f, dst, len, seed));
}

/* Bitwise IEEE CRC-32, as a receiver checks the FCS. */
static inline uint32_t crc32_ieee(const uint8_t *p, size_t n)
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

static inline void rx_ring_give(int n)
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
static inline void mac_start_ecr(uint32_t rcr_extra, int rx_bds, uint32_t ecr)
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
static inline void mac_start(uint32_t rcr_extra, int rx_bds)
{
	mac_start_ecr(rcr_extra, rx_bds, ENET_ECR_ETHEREN | ENET_ECR_DBSWP);
}

static inline uint8_t *buf(int i)
{
	return host->bufs + (size_t)i * BUF_SIZE;
}

/* ---- helpers of more than one program ---------------------------- */

static inline void mdio_read(uint32_t phy, uint32_t reg)
{
	wr(ENET_MMFR, ENET_MMFR_ST | ENET_MMFR_OP_READ |
			      phy << ENET_MMFR_PA_SHIFT |
			      reg << ENET_MMFR_RA_SHIFT | ENET_MMFR_TA);
}

static inline void tx_bd_set(int i, int buf_index, uint16_t len, uint16_t stat)
{
	host->tx_ring[i].addr = BUFS_IO + (uint32_t)buf_index * BUF_SIZE;
	host->tx_ring[i].len = len;
	host->tx_ring[i].stat = stat;
}

static inline uint32_t mdio_read_value(uint32_t phy, uint32_t reg)
{
	wr(ENET_EIR, ENET_INT_MII);
	mdio_read(phy, reg);
	assert_int_equal(rd(ENET_EIR) & ENET_INT_MII, ENET_INT_MII);
	return rd(ENET_MMFR) & ENET_MMFR_DATA_MASK;
}

#endif
