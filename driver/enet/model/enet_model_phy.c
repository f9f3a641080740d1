/*
 * The ENET model, part 3: MDIO and the PHY.  A write to MMFR shifts out one
 * clause-22 management frame (if MSCR gives MDC a clock) and sets EIR.MII
 * when it is done; a read puts the PHY register in MMFR's low 16 bits.
 * One PHY answers, at config `phy_addr`; any other address reads all-ones.
 * Its link state the configuration and tests control.  Which PHY depends
 * on the personality:
 *   silicon    a gigabit copper PHY (Atheros AR8031 identifiers, as on
 *              i.MX8M boards); BMSR.LSTATUS latches low until read
 *   qemu-imx7  QEMU's LAN9118-like 10/100 PHY (SMSC identifiers
 *              0x0007/0xc0d1; QEMU 7.2 imx_phy_read/imx_phy_write, since
 *              9.2 hw/net/lan9118_phy.c): BMSR 0x7809 | 0x0024 while up,
 *              not latched; partner ability a constant 0x0f71; no gigabit
 *              registers (they read 0); MDIO needs no MDC clock and frames
 *              are not checked (imx_eth_write, MMFR: bit 29 alone makes a
 *              read); ECR.RESET resets it (QEMU 7.2 imx_eth_reset).
 */
#include "driver/enet/model/enet_model_state.h"

#define PHY_ID1 0x004du
#define PHY_ID2 0xd074u
#define MII_ESTATUS 0x0fu
/* 10/100 half and full, extended status, preamble suppression,
 * autonegotiation ability, extended register capability. */
#define PHY_BMSR_ABILITIES 0x7949u
#define PHY_LPA_UP 0xc5e1u	/* partner: ack, pause, 10/100 HD/FD */
#define PHY_STAT1000_UP 0x3800u /* local/remote rx ok, partner 1000 FD */
#define PHY_ESTATUS 0x3000u	/* 1000BASE-T full and half duplex */

/* QEMU's PHY (personality qemu-imx7). */
#define QEMU_PHY_ID1 0x0007u
#define QEMU_PHY_ID2 0xc0d1u
#define QEMU_PHY_BMSR 0x7809u	   /* 10/100 HD/FD, AN ability, ext. cap. */
#define QEMU_PHY_BMSR_UP 0x0024u   /* link and AN complete */
#define QEMU_PHY_LPA 0x0f71u	   /* constant, link up or down */
#define QEMU_PHY_BMCR_MASK 0x7980u /* what a BMCR write keeps */
#define QEMU_PHY_ADV_MASK 0x2d7fu  /* ... an ADVERTISE write; 0x80 stays */
#define QEMU_PHY_ANER 6u	   /* AN expansion: reads 1 */
#define QEMU_PHY_INT_SRC 29u
#define QEMU_PHY_INT_MASK 30u

void enet_phy_reset(struct enet_model *m)
{
	struct enet_phy *phy = &m->phy;
	if (enet_is_qemu(m)) {
		phy->bmcr = BMCR_ANENABLE | BMCR_SPEED100;
		phy->advertise = 0x01e1u;
		phy->ctrl1000 = 0;
		phy->int_mask = 0;
		return;
	}
	phy->bmcr = BMCR_ANENABLE | BMCR_FULLDPLX | BMCR_SPEED1000;
	phy->advertise = 0x01e1u; /* 10/100 HD/FD, selector 802.3 */
	phy->ctrl1000 = CTRL1000_ADV_1000FULL;
}

static uint16_t qemu_phy_read(struct enet_phy *phy, uint32_t reg)
{
	switch (reg) {
	case MII_BMCR:
		return phy->bmcr;
	case MII_BMSR:
		return (uint16_t)(QEMU_PHY_BMSR |
				  (phy->link_up ? QEMU_PHY_BMSR_UP : 0));
	case MII_PHYSID1:
		return QEMU_PHY_ID1;
	case MII_PHYSID2:
		return QEMU_PHY_ID2;
	case MII_ADVERTISE:
		return phy->advertise;
	case MII_LPA:
		return QEMU_PHY_LPA;
	case QEMU_PHY_ANER:
		return 1;
	case QEMU_PHY_INT_MASK:
		return phy->int_mask;
	}
	return 0; /* QEMU_PHY_INT_SRC too: the model raises no PHY events */
}

static void qemu_phy_write(struct enet_model *m, uint32_t reg, uint16_t value)
{
	struct enet_phy *phy = &m->phy;
	if (reg == MII_BMCR && (value & BMCR_RESET))
		enet_phy_reset(m);
	else if (reg == MII_BMCR)
		phy->bmcr = value & QEMU_PHY_BMCR_MASK;
	else if (reg == MII_ADVERTISE)
		phy->advertise = (value & QEMU_PHY_ADV_MASK) | 0x80u;
	else if (reg == QEMU_PHY_INT_MASK)
		phy->int_mask = value & 0xffu;
}

static uint16_t phy_read(struct enet_phy *phy, uint32_t reg)
{
	switch (reg) {
	case MII_BMCR:
		return phy->bmcr;
	case MII_BMSR: {
		uint16_t v = PHY_BMSR_ABILITIES;
		if (phy->link_up)
			v |= BMSR_ANEGCOMPLETE;
		if (phy->link_up && !phy->link_latched_down)
			v |= BMSR_LSTATUS;
		phy->link_latched_down = false; /* reading releases the latch */
		return v;
	}
	case MII_PHYSID1:
		return PHY_ID1;
	case MII_PHYSID2:
		return PHY_ID2;
	case MII_ADVERTISE:
		return phy->advertise;
	case MII_LPA:
		return phy->link_up ? PHY_LPA_UP : 0;
	case MII_CTRL1000:
		return phy->ctrl1000;
	case MII_STAT1000:
		return phy->link_up ? PHY_STAT1000_UP : 0;
	case MII_ESTATUS:
		return PHY_ESTATUS;
	}
	return 0;
}

static void phy_write(struct enet_model *m, uint32_t reg, uint16_t value)
{
	struct enet_phy *phy = &m->phy;
	if (enet_is_qemu(m)) {
		qemu_phy_write(m, reg, value);
		return;
	}
	switch (reg) {
	case MII_BMCR:
		if (value & BMCR_RESET) {
			/* Completes at once: RESET self-clears. */
			enet_phy_reset(m);
			return;
		}
		phy->bmcr = (uint16_t)(value & ~(BMCR_RESET | BMCR_ANRESTART));
		return;
	case MII_ADVERTISE:
		phy->advertise = value;
		return;
	case MII_CTRL1000:
		phy->ctrl1000 = value;
		return;
	}
}

/* QEMU: no clock needed, no frame checked; bit 29 (OP's high bit) makes
 * a read, anything else a write. */
static void qemu_mdio(struct enet_model *m, uint32_t mmfr)
{
	uint32_t pa = (mmfr >> ENET_MMFR_PA_SHIFT) & 31u;
	uint32_t ra = (mmfr >> ENET_MMFR_RA_SHIFT) & 31u;
	bool read = (mmfr >> 29) & 1u;
	if (pa != m->phy.addr) {
		sdvf_counter_add(m->stats.mdio_absent_phy, 1);
		if (read)
			enet_reg_put(m, ENET_MMFR, mmfr | ENET_MMFR_DATA_MASK);
	} else if (read) {
		sdvf_counter_add(m->stats.mdio_reads, 1);
		enet_reg_put(m, ENET_MMFR,
			     (mmfr & ~ENET_MMFR_DATA_MASK) |
				     qemu_phy_read(&m->phy, ra));
	} else {
		sdvf_counter_add(m->stats.mdio_writes, 1);
		phy_write(m, ra, (uint16_t)(mmfr & ENET_MMFR_DATA_MASK));
	}
	enet_raise(m, ENET_INT_MII);
}

void enet_mdio_start(struct enet_model *m, uint32_t mmfr)
{
	enet_reg_put(m, ENET_MMFR, mmfr);
	if (enet_is_qemu(m)) {
		qemu_mdio(m, mmfr);
		return;
	}
	if (!(enet_reg(m, ENET_MSCR) & ENET_MSCR_MII_SPEED_MASK)) {
		/* MDC off: nothing is shifted out. */
		sdvf_counter_add(m->stats.mdio_no_clock, 1);
		return;
	}
	uint32_t st = mmfr >> 30, op = (mmfr >> 28) & 3u;
	uint32_t pa = (mmfr >> ENET_MMFR_PA_SHIFT) & 31u;
	uint32_t ra = (mmfr >> ENET_MMFR_RA_SHIFT) & 31u;
	uint32_t ta = (mmfr >> 16) & 3u;
	bool read = op == (ENET_MMFR_OP_READ >> 28);
	bool write = op == (ENET_MMFR_OP_WRITE >> 28);
	if (st != 1 || ta != 2 || (!read && !write)) {
		/* The frame still goes out; no PHY answers it. */
		sdvf_counter_add(m->stats.mdio_bad_frame, 1);
	} else if (pa != m->phy.addr) {
		sdvf_counter_add(m->stats.mdio_absent_phy, 1);
		if (read) /* nobody drives MDIO: the pull-up reads as ones */
			enet_reg_put(m, ENET_MMFR, mmfr | ENET_MMFR_DATA_MASK);
	} else if (read) {
		sdvf_counter_add(m->stats.mdio_reads, 1);
		enet_reg_put(m, ENET_MMFR,
			     (mmfr & ~ENET_MMFR_DATA_MASK) |
				     phy_read(&m->phy, ra));
	} else {
		sdvf_counter_add(m->stats.mdio_writes, 1);
		phy_write(m, ra, (uint16_t)(mmfr & ENET_MMFR_DATA_MASK));
	}
	enet_raise(m, ENET_INT_MII);
}
