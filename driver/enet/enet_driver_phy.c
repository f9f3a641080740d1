/*
 * The ENET driver's link: a clause-22 PHY polled over MDIO, and the MIB.
 *
 * Every poll period (link_poll_ms, one PD timer) the driver reads BMSR and,
 * when the link is up, BMCR, ADVERTISE, LPA (and CTRL1000/STAT1000 if the
 * PHY has gigabit status).  Until a PHY has answered it reads PHYSID1/2
 * first: an ID of all ones (nobody drives MDIO: no PHY at phy_addr, or a
 * board whose PHY hangs off the other ENET's MDIO bus, as ENET2's on the
 * i.MX7D SabreSD) or all zeros is "no PHY, link down", counted in
 * phy_absent and logged once, never a link (all-ones BMSR, BMCR, LPA and
 * STAT1000 would read as 1000 Mb/s full duplex).  A BMSR of all ones later
 * means the PHY went away: the same, and the ID is read again.  Each read is
 * one MMFR write; its completion is the MII event in EIR, handled in the
 * interrupt activation, so the driver never spins on MDIO.  The poll timer
 * doubles as the MDIO timeout: a poll still in flight when the next one is due
 * is counted and abandoned.
 *
 * Link down holds TX frames in tx_active (enet_tx_provide checks link_up);
 * link up releases them.  A new speed or duplex is applied with a
 * controller restart (ECR/RCR/TCR change only with the MAC reset), which
 * keeps every buffer accounted for (enet_hw_restart).
 */
#include "driver/enet/enet_driver.h"

static void mdio_read(struct enet_driver *drv, uint32_t reg,
		      enum enet_phy_step step)
{
	uint32_t mmfr = ENET_MMFR_ST | ENET_MMFR_OP_READ | ENET_MMFR_TA |
			(drv->phy.addr << ENET_MMFR_PA_SHIFT) |
			(reg << ENET_MMFR_RA_SHIFT);
	drv->phy.step = step;
	enet_writel(&drv->mmio, ENET_MMFR, mmfr);
}

void enet_phy_start_poll(struct enet_driver *drv)
{
	if (drv->phy.found)
		mdio_read(drv, MII_BMSR, ENET_PHY_BMSR);
	else
		mdio_read(drv, MII_PHYSID1, ENET_PHY_ID1);
	sdvf_timer_set(drv->pd, sdvf_now_ns(drv->pd) + drv->phy.poll_ns);
}

void enet_phy_timer(struct enet_driver *drv)
{
	if (drv->phy.step != ENET_PHY_IDLE) {
		sdvf_counter_add(drv->stats.mdio_timeouts, 1);
		drv->phy.step = ENET_PHY_IDLE;
	}
	enet_mib_read(drv);
	enet_phy_start_poll(drv);
}

/* What the PHY negotiated (or was forced to), capped by the interface. */
static struct enet_mac_mode phy_mode(const struct enet_driver *drv)
{
	const struct enet_phy *p = &drv->phy;
	struct enet_mac_mode m = {10, false};
	if (p->bmcr & BMCR_ANENABLE) {
		uint16_t common = p->advertise & p->lpa;
		bool gig = (p->bmsr & BMSR_ESTATEN) &&
			   (p->ctrl1000 & CTRL1000_ADV_1000FULL) &&
			   (p->stat1000 & STAT1000_LP_1000FULL);
		if (gig)
			m = (struct enet_mac_mode){1000, true};
		else if (common & LPA_100FULL)
			m = (struct enet_mac_mode){100, true};
		else if (common & LPA_100HALF)
			m = (struct enet_mac_mode){100, false};
		else if (common & LPA_10FULL)
			m = (struct enet_mac_mode){10, true};
	} else {
		m.speed_mbps = (p->bmcr & BMCR_SPEED1000)  ? 1000
			       : (p->bmcr & BMCR_SPEED100) ? 100
							   : 10;
		m.full_duplex = (p->bmcr & BMCR_FULLDPLX) != 0;
	}
	if (drv->interface != ENET_IF_RGMII && m.speed_mbps == 1000)
		m.speed_mbps = 100;
	return m;
}

static void link_evaluate(struct enet_driver *drv)
{
	bool up = (drv->phy.bmsr & BMSR_LSTATUS) != 0;
	drv->phy.step = ENET_PHY_IDLE;
	if (up != drv->link_up) {
		sdvf_counter_add(drv->stats.link_changes, 1);
		sdvf_log(drv->pd, SDVF_LOG_INFO, "enet: link %s",
			 up ? "up" : "down");
	}
	if (up) {
		struct enet_mac_mode m = phy_mode(drv);
		if (m.speed_mbps != drv->mode.speed_mbps ||
		    m.full_duplex != drv->mode.full_duplex) {
			drv->mode = m;
			/* A halted MAC takes the new mode when it retries. */
			if (!drv->halted) {
				sdvf_counter_add(drv->stats.link_restarts, 1);
				enet_hw_restart(drv);
			}
		}
	}
	drv->link_up = up;
	sdvf_counter_set(drv->stats.link_up, up);
	sdvf_counter_set(drv->stats.speed_mbps, up ? drv->mode.speed_mbps : 0);
	sdvf_counter_set(drv->stats.full_duplex, up && drv->mode.full_duplex);
	if (up)
		enet_tx_provide(drv); /* release frames held while down */
}

/* Linux's get_phy_c22_id rule ("mostly Fs": the 29 ID bits all ones),
 * plus an ID of zero, which no PHY has. */
static bool phy_id_absent(uint16_t id1, uint16_t id2)
{
	uint32_t id = (uint32_t)id1 << 16 | id2;
	return (id & 0x1fffffffu) == 0x1fffffffu || id == 0;
}

/* No PHY answers at phy.addr: link down, counted, said once. */
static void phy_absent(struct enet_driver *drv, const char *what)
{
	struct enet_phy *p = &drv->phy;
	sdvf_counter_add(drv->stats.phy_absent, 1);
	if (!p->absent_logged)
		sdvf_log(drv->pd, SDVF_LOG_ERROR,
			 "enet: no PHY at MDIO address %u (%s): link down",
			 p->addr, what);
	p->absent_logged = true;
	p->found = false;
	p->bmsr = 0;
	link_evaluate(drv);
}

static void phy_id_done(struct enet_driver *drv)
{
	struct enet_phy *p = &drv->phy;
	if (phy_id_absent(p->id1, p->id2)) {
		phy_absent(drv, p->id1 == 0 ? "ID reads all zeros"
					    : "ID reads all ones");
		return;
	}
	p->found = true;
	p->absent_logged = false;
	sdvf_log(drv->pd, SDVF_LOG_INFO, "enet: PHY %04x:%04x at address %u",
		 p->id1, p->id2, p->addr);
	mdio_read(drv, MII_BMSR, ENET_PHY_BMSR);
}

void enet_phy_mdio_done(struct enet_driver *drv)
{
	struct enet_phy *p = &drv->phy;
	if (p->step == ENET_PHY_IDLE)
		return; /* no transfer of ours outstanding */
	uint16_t data = (uint16_t)(enet_readl(&drv->mmio, ENET_MMFR) &
				   ENET_MMFR_DATA_MASK);
	switch (p->step) {
	case ENET_PHY_ID1:
		p->id1 = data;
		mdio_read(drv, MII_PHYSID2, ENET_PHY_ID2);
		break;
	case ENET_PHY_ID2:
		p->id2 = data;
		phy_id_done(drv);
		break;
	case ENET_PHY_BMSR:
		p->bmsr = data;
		if (data == 0xffffu)
			phy_absent(drv, "BMSR reads all ones");
		else if (!(data & BMSR_LSTATUS))
			link_evaluate(drv);
		else
			mdio_read(drv, MII_BMCR, ENET_PHY_BMCR);
		break;
	case ENET_PHY_BMCR:
		p->bmcr = data;
		mdio_read(drv, MII_ADVERTISE, ENET_PHY_ADVERTISE);
		break;
	case ENET_PHY_ADVERTISE:
		p->advertise = data;
		mdio_read(drv, MII_LPA, ENET_PHY_LPA);
		break;
	case ENET_PHY_LPA:
		p->lpa = data;
		if (p->bmsr & BMSR_ESTATEN)
			mdio_read(drv, MII_CTRL1000, ENET_PHY_CTRL1000);
		else
			link_evaluate(drv);
		break;
	case ENET_PHY_CTRL1000:
		p->ctrl1000 = data;
		mdio_read(drv, MII_STAT1000, ENET_PHY_STAT1000);
		break;
	case ENET_PHY_STAT1000:
		p->stat1000 = data;
		link_evaluate(drv);
		break;
	case ENET_PHY_IDLE:
		break;
	}
}

void enet_mib_read(struct enet_driver *drv)
{
	struct enet_driver_counters *s = &drv->stats;
	struct enet_mmio *m = &drv->mmio;
	sdvf_counter_set(s->mib_t_packets, enet_readl(m, ENET_RMON_T_PACKETS));
	sdvf_counter_set(s->mib_t_octets, enet_readl(m, ENET_RMON_T_OCTETS));
	sdvf_counter_set(s->mib_t_drop, enet_readl(m, ENET_IEEE_T_DROP));
	sdvf_counter_set(s->mib_t_frame_ok,
			 enet_readl(m, ENET_IEEE_T_FRAME_OK));
	sdvf_counter_set(s->mib_r_packets, enet_readl(m, ENET_RMON_R_PACKETS));
	sdvf_counter_set(s->mib_r_octets, enet_readl(m, ENET_RMON_R_OCTETS));
	sdvf_counter_set(s->mib_r_drop, enet_readl(m, ENET_IEEE_R_DROP));
	sdvf_counter_set(s->mib_r_frame_ok,
			 enet_readl(m, ENET_IEEE_R_FRAME_OK));
	sdvf_counter_set(s->mib_r_crc, enet_readl(m, ENET_IEEE_R_CRC));
	sdvf_counter_set(s->mib_r_align, enet_readl(m, ENET_IEEE_R_ALIGN));
	sdvf_counter_set(s->mib_r_oversize,
			 enet_readl(m, ENET_RMON_R_OVERSIZE));
	sdvf_counter_set(s->mib_r_undersize,
			 enet_readl(m, ENET_RMON_R_UNDERSIZE));
}

/* After a controller stop: the read in flight may have lost its MII event
 * (EIR was cleared; some ENETs raise none while ETHEREN is clear), so it
 * is issued again.  The PHY answers a repeated read the same. */
void enet_phy_resume(struct enet_driver *drv)
{
	static const uint32_t step_reg[] = {
		[ENET_PHY_BMSR] = MII_BMSR,
		[ENET_PHY_BMCR] = MII_BMCR,
		[ENET_PHY_ADVERTISE] = MII_ADVERTISE,
		[ENET_PHY_LPA] = MII_LPA,
		[ENET_PHY_CTRL1000] = MII_CTRL1000,
		[ENET_PHY_STAT1000] = MII_STAT1000,
	};
	if (drv->phy.step != ENET_PHY_IDLE)
		mdio_read(drv, step_reg[drv->phy.step], drv->phy.step);
}
