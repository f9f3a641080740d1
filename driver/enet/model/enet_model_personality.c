/*
 * The ENET model, part 6: personalities (config key `personality`;
 * docs/enet.md, "Personalities: silicon, QEMU, and our model").
 *
 *   silicon    (default) the i.MX ENET as its reference manual describes
 *              it: what the rest of the model does.
 *   qemu-imx7  QEMU's emulated i.MX7 ENET (hw/net/imx_fec.c, checked
 *              against QEMU 7.2 as Debian 12 ships it and against
 *              master): the differences a driver can trip on live here,
 *              each named after the QEMU function that shows it.  The PHY
 *              is enet_model_phy.c's; small hooks elsewhere skip what
 *              QEMU does not do (destination filter, padding, runt drop,
 *              MIB, TX padding/ADDINS/ABC/LOOP, the DBSWP byte order).
 *
 * Trust: the personality is configuration, checked here at init (the
 * loader checks it against enet_personality_choice first); nothing the
 * driver writes changes it.
 */
#include <string.h>

#include "core/bytes.h"
#include "driver/enet/model/enet_model_state.h"

/* imx_fec.h ENET_MAX_FRAME_SIZE: longer frames are cut, TR | LG. */
#define QEMU_MAX_FRAME 2032u

static const char *const personality_names[] = {"silicon", "qemu-imx7"};

const char *enet_personality_choice(unsigned i)
{
	return i < 2 ? personality_names[i] : NULL;
}

bool enet_personality_setup(struct enet_model *m)
{
	const char *p = sdvf_config_str(m->pd, "personality");
	m->personality = ENET_PERSONALITY_SILICON;
	if (!p || sdvf_str_equal(p, personality_names[0]))
		return true;
	if (sdvf_str_equal(p, personality_names[1])) {
		m->personality = ENET_PERSONALITY_QEMU_IMX7;
		return true;
	}
	sdvf_log(m->pd, SDVF_LOG_ERROR,
		 "personality \"%s\": must be \"silicon\" or \"qemu-imx7\"", p);
	return false;
}

/* imx_eth_reset: QEMU's reset values where they differ from silicon's,
 * and (QEMU 7.2) the PHY with the MAC. */
void enet_qemu_reset(struct enet_model *m)
{
	enet_reg_put(m, ENET_ECR, 0xf0000000u);
	enet_reg_put(m, ENET_RAEM, 4);
	enet_reg_put(m, ENET_RAFL, 4);
	enet_reg_put(m, ENET_TAEM, 4);
	enet_reg_put(m, ENET_TAFL, 8);
	enet_phy_reset(m);
}

/* imx_eth_write / imx_enet_write, where QEMU differs. */
bool enet_qemu_write(struct enet_model *m, uint32_t off, uint32_t value)
{
	switch (off) {
	case ENET_RCR:
		/* Only MAX_FL and the low six bits stick: CRCFWD, PADEN,
		 * RGMII_EN, RMII_MODE and RMII_10T read back clear. */
		enet_reg_put(m, off, value & 0x07ff003fu);
		return true;
	case ENET_MSCR:
		enet_reg_put(m, off, value & 0xfeu); /* no HOLDTIME */
		return true;
	case ENET_MIBC:
		/* "TODO: Implement MIB": DIS reads back with IDLE, CLEAR is
		 * dropped, and the counters read 0 whatever happens. */
		enet_reg_put(m, off, (value & ENET_MIBC_DIS) ? 0xc0000000u : 0);
		return true;
	case ENET_TDAR:
		/* Sent before the write returns; TDAR always reads 0. */
		sdvf_counter_add(m->stats.tdar_writes, 1);
		enet_tx_kick(m);
		enet_reg_put(m, ENET_TDAR, 0);
		return true;
	case ENET_RSFL:
	case ENET_RSEM:
	case ENET_RAEM:
	case ENET_RAFL:
	case ENET_TSEM:
	case ENET_TAEM:
	case ENET_TAFL:
		enet_reg_put(m, off, value & 0x1ffu);
		return true;
	case ENET_TXIC:
	case ENET_RXIC:
	case ENET_IAUR:
	case ENET_IALR:
	case ENET_GAUR:
	case ENET_GALR:
		/* No coalescing (imx_enet_write: a bad address, reads 0),
		 * no hash filters ("TODO: implement MAC hash filtering"). */
		sdvf_counter_add(m->stats.qemu_ignored, 1);
		return true;
	}
	return false;
}

/* zlib's crc32(~0, frame): the register starts at zero, not all-ones, so
 * this is not the Ethernet FCS; QEMU stores it big-endian. */
static uint32_t qemu_crc(const struct enet_model *m, const uint8_t *p,
			 uint32_t n)
{
	return ~enet_crc_update(m, 0, p, n);
}

/*
 * imx_fec_receive (legacy BDs, ECR.EN1588 clear): every frame as it came,
 * no padding, plus 4 FCS bytes counted in the length whatever RCR says;
 * over 2032 bytes with them it is cut (the last 4 of what is kept are the
 * FCS) and flagged TR | LG; over RCR.MAX_FL, LG.  FTRL and RACC.SHIFT16
 * are not looked at on this path.
 */
uint32_t enet_qemu_rx_build(struct enet_model *m, const struct enet_rx_slot *s,
			    uint16_t *flags)
{
	uint32_t kept = s->wire_len < ENET_MODEL_FRAME_MAX
				? s->wire_len
				: ENET_MODEL_FRAME_MAX;
	uint32_t size = s->wire_len + ENET_MODEL_FCS;
	if (size > QEMU_MAX_FRAME) {
		size = QEMU_MAX_FRAME;
		*flags |= ENET_RXBD_TR | ENET_RXBD_LG;
		sdvf_counter_add(m->stats.rx_truncated, 1);
	}
	uint32_t max_fl = (enet_reg(m, ENET_RCR) & ENET_RCR_MAX_FL_MASK) >>
			  ENET_RCR_MAX_FL_SHIFT;
	if (size > max_fl) {
		*flags |= ENET_RXBD_LG;
		sdvf_counter_add(m->stats.rx_long, 1);
	}
	uint32_t data = size - ENET_MODEL_FCS;
	memcpy(m->rx_frame, s->data, data);
	sdvf_put_be32(m->rx_frame + data, qemu_crc(m, s->data, kept));
	return size;
}
