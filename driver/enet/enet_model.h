/*
 * The ENET model: an i.MX ENET MAC + PHY as a device PD, the hardware of
 * hosted and sim systems (docs/enet.md, "The ENET model").
 *
 * Component `enet_model` (role device).  Its needs, by local name:
 *   enet_regs   region, rw: the register page it keeps current after every
 *               change (the driver maps it read-only)
 *   enet_mmio   region, rw: the posted-write ring (driver/enet/enet_mmio.h)
 *   enet_rings  region, rw, with an io address: the BD rings
 *   dma0..dma7  regions, rw, optional, with io addresses: packet buffers
 *   mmio        channel: doorbell from the driver (drain the posted ring)
 *   irq         channel: the interrupt line to the driver; the driver's
 *               irq_ack arrives here as the unmask
 *
 * Trust: the model trusts nothing the driver writes.  Every register write
 * (any offset, any value) is masked to the register's writable bits or
 * counted as unknown; posted-ring indices are checked against the ring size;
 * every BD is read once into private memory, and every BD or buffer address
 * is checked against the DMA window (the io-addressed regions above) before
 * it is touched: outside it raises EBERR and stops the MAC, as hardware
 * does.  Frames from the wire are checked for length as the MAC would.
 *
 * Host code: the model uses the wire backends (driver/enet/wire.h).
 */
#ifndef SDVF_ENET_MODEL_H
#define SDVF_ENET_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/pd.h"

extern const struct sdvf_component enet_model_component;

/* Everything the model counts, for tests and `sdvf stats`.  Written by the
 * model only. */
struct enet_model_stats {
	/* register interface */
	uint64_t mmio_writes;	 /* posted writes applied */
	uint64_t mmio_unknown;	 /* offset unaligned, past the page, or
				    no register there */
	uint64_t mmio_readonly;	 /* writes to read-only registers (MIB) */
	uint64_t mmio_bad_index; /* batches dropped: tail - head > ring */
	uint64_t resets;	 /* ECR.RESET */
	uint64_t unsupported;	 /* EN1588 (enhanced BDs) requested */
	uint64_t irq_raised;	 /* notifications on `irq` */
	uint64_t irq_acks;	 /* acks received on `irq` */
	uint64_t rdar_writes;	 /* RDAR kicks (any value, any state) */
	uint64_t tdar_writes;	 /* TDAR kicks: batching is one per batch */
	uint64_t eberr;		 /* DMA outside the window: MAC stopped */
	/* receive */
	uint64_t rx_frames;	    /* frames written into RX BDs */
	uint64_t rx_bytes;	    /* their lengths as written into BDs */
	uint64_t rx_runts;	    /* < 14 bytes from the wire: dropped */
	uint64_t rx_padded;	    /* 14..59 bytes: padded to 60 */
	uint64_t rx_long;	    /* longer than RCR.MAX_FL: LG flagged */
	uint64_t rx_truncated;	    /* longer than FTRL: cut, TR flagged */
	uint64_t rx_filtered;	    /* destination not accepted: dropped */
	uint64_t rx_fifo_overflow;  /* RX FIFO full: dropped */
	uint64_t rx_link_down;	    /* arrived while the link was down */
	uint64_t rx_disabled;	    /* arrived while ETHEREN was clear */
	uint64_t rx_no_buffer_size; /* MRBR is 0: cannot place a frame */
	uint64_t rx_loopback;	    /* RCR.LOOP: transmitted frames received */
	uint64_t rx_wire_errors;    /* wire_recv failed */
	/* transmit */
	uint64_t tx_frames;	 /* frames handed to the wire */
	uint64_t tx_bytes;	 /* their lengths on the wire (no FCS) */
	uint64_t tx_padded;	 /* shorter than 60: padded */
	uint64_t tx_babbling;	 /* frame too long or too many BDs: BABT */
	uint64_t tx_bad_crc;	 /* ABC set: not delivered by the wire */
	uint64_t tx_link_down;	 /* sent while the link was down: lost */
	uint64_t tx_wire_errors; /* wire_send failed */
	/* MDIO */
	uint64_t mdio_reads, mdio_writes;
	uint64_t mdio_no_clock;	  /* MMFR written with MSCR.MII_SPEED 0 */
	uint64_t mdio_bad_frame;  /* not a clause-22 read/write frame */
	uint64_t mdio_absent_phy; /* address with no PHY: reads 0xffff */
};

/* Test access to a model PD's state (sdvf_sim_state gives the pointer). */
const struct enet_model_stats *enet_model_stats(const void *model);

/* Plug or unplug the cable: the PHY's link state (BMSR.LSTATUS, which
 * latches low until read, and the partner ability registers). */
void enet_model_set_link(void *model, bool up);

/* The model's wire (the mem backend's test side is wire_mem_inject/take). */
struct wire *enet_model_wire(void *model);

#endif
