/*
 * The ENET model's private state and the calls between its three files:
 *   enet_model.c      component glue, posted-write ring, register dispatch,
 *                     interrupt line
 *   enet_model_dma.c  DMA window, buffer descriptors, RX and TX engines,
 *                     address filter, MIB counters
 *   enet_model_phy.c  MDIO management frames and the PHY
 *   enet_model_fault.c  wire faults injected on purpose (fault_* keys)
 *   enet_model_irq.c  interrupt coalescing (TXIC / RXIC)
 *   enet_model_personality.c  what QEMU's ENET does unlike silicon
 *                     (personality qemu-imx7)
 *   enet_model_hazard.c  silicon hazards (ERR006358, reset hang, ...)
 * Internal to the model; tests use driver/enet/model/enet_model.h.
 */
#ifndef SDVF_ENET_MODEL_STATE_H
#define SDVF_ENET_MODEL_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "driver/enet/enet_mmio.h"
#include "driver/enet/enet_regs.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"

#define ENET_MODEL_NREGS (ENET_REG_PAGE_BYTES / 4u)
#define ENET_MODEL_MAX_WINDOWS 9 /* dma0..dma7 + enet_rings */
#define ENET_MODEL_RX_FIFO 8	 /* frames the MAC holds while no BD is free */
#define ENET_MODEL_FRAME_MAX WIRE_MAX_FRAME
#define ENET_MODEL_MIN_FRAME 60 /* without FCS: 64 on the wire */
#define ENET_MODEL_FCS 4u
/* Frames pulled from the wire per activation. */
#define ENET_MODEL_WIRE_BURST 64
/* BDs one frame may span: RX at the smallest MRBR (16) for the largest
 * frame; a TX frame that needs more is babbling. */
#define ENET_MODEL_MAX_BDS                                                     \
	((ENET_MODEL_FRAME_MAX + 2 + ENET_MODEL_FCS + 15) / 16)
#define ENET_MODEL_ECR_RESET 0x70000000u /* bits 30:28 read as one */

/* A device-visible range: io addresses [io, io + size) at base. */
struct enet_dma_window {
	uint8_t *base;
	uint64_t io;
	uint64_t size;
	bool writable;
};

struct enet_phy {
	uint32_t addr; /* MDIO address 0..31 */
	bool link_up;
	bool link_latched_down; /* BMSR.LSTATUS latches low until read */
	uint16_t bmcr;
	uint16_t advertise;
	uint16_t ctrl1000;
	uint16_t int_mask; /* qemu-imx7: register 30, stored only */
};

/* One frame as it came off the wire (no FCS); `wire_len` may exceed the
 * bytes kept when the wire cut a giant. */
struct enet_rx_slot {
	uint32_t wire_len;
	bool fcs_bad; /* damaged on the cable (enet_model_fault.c) */
	uint8_t data[ENET_MODEL_FRAME_MAX];
};

/* Wire faults (enet_model_fault.c); all zero: none. */
struct enet_fault {
	uint32_t loss_ppm, corrupt_ppm;
	uint64_t flap_ns, flap_down_ns;
	uint64_t rng;	       /* xorshift64* state, never 0 */
	uint64_t next_flap_ns; /* next link change, 0: no flaps */
	bool flapped_down;     /* the link is down because of a flap */
};

/* Interrupt coalescing, per direction (enet_model_irq.c). */
enum enet_dir { ENET_DIR_RX, ENET_DIR_TX, ENET_NDIRS };
struct enet_coalesce {
	uint32_t held;	      /* frames completed, their event not yet set */
	uint64_t deadline_ns; /* ICTT expiry for them; UINT64_MAX: none */
};

/* The line rate (enet_model_line.c); bps 0: unpaced. */
struct enet_line {
	uint64_t bps;
	uint64_t free_ns; /* when the line has sent what it was given */
	bool waiting;	  /* the TX DMA stopped for it, TDAR still set */
};
/* Silicon hazards (enet_model_hazard.c), each on unless its key is 0. */
enum enet_hazard {
	ENET_HAZARD_ERR006358,	  /* a TDAR write lost to the late clear */
	ENET_HAZARD_RESET_HANG,	  /* ECR.RESET with DMA in flight hangs */
	ENET_HAZARD_MDIO_ETHEREN, /* no MII event while ETHEREN is clear */
	ENET_HAZARD_MSCR_MII,	  /* MSCR 0 -> non-zero raises MII */
	ENET_HAZARD_RX_ALIGN,	  /* RX buffers 64-byte aligned */
	ENET_HAZARD_ERR007885,	  /* a TDAR write as TDAR clears hangs TX */
	ENET_NHAZARDS,
};
#define ENET_MODEL_RX_ALIGN 64u
#define ENET_MODEL_TDAR_LATE_NS 1000u /* ERR006358's window */

struct enet_model {
	struct sdvf_pd *pd;
	/* Set once at init from config `personality`; read everywhere. */
	enum enet_personality personality;
	volatile uint32_t *page;       /* enet_regs: what the driver reads */
	struct enet_mmio_ring *posted; /* enet_mmio */
	uint32_t posted_head;	       /* private shadow of posted->head */
	/* Events raised (enet_raise), and the latest that set each EIR bit:
	 * a posted W1C clears a bit only if that event is one the driver
	 * had seen when it posted the write (enet_mmio.h). */
	uint64_t events;
	uint64_t eir_raised_at[32];
	sdvf_channel_t ch_mmio, ch_irq, ch_wire;
	uint32_t regs[ENET_MODEL_NREGS]; /* the register file (truth) */
	struct enet_dma_window win[ENET_MODEL_MAX_WINDOWS];
	int nwin;
	uint32_t rx_bd, tx_bd; /* io address of the next BD */
	bool irq_outstanding;  /* raised and not yet acknowledged */
	bool warned_en1588;
	struct enet_phy phy;
	struct wire *wire;
	/* Its fd is watched: the wire is read from the activation that says
	 * the fd is readable until a read finds nothing (wire_ready), and
	 * at the timer if its deadline has passed, not at every
	 * activation (a read that finds nothing is a system call).
	 * Unwatched (no fd, or a runtime without watch_fd): read at every
	 * activation. */
	bool wire_watched;
	bool wire_ready;
	bool wire_failed; /* seen wire_failure: link held down, logged once */
	struct enet_rx_slot rx_fifo[ENET_MODEL_RX_FIFO];
	uint32_t rx_fifo_head, rx_fifo_count;
	/* Scratch: the bytes of one RX frame as written to buffers, one TX
	 * frame as gathered from buffers, and the BDs of the frame in hand
	 * (each read once and validated before any is written). */
	uint8_t rx_frame[ENET_MODEL_FRAME_MAX + 2 + ENET_MODEL_FCS];
	uint8_t tx_frame[ENET_MODEL_FRAME_MAX];
	struct enet_bd_ref {
		uint8_t *bd;  /* where the BD lives */
		uint32_t io;  /* its io address */
		uint8_t *buf; /* RX: its buffer, checked by rx_claim_bds */
		struct enet_bd v;
	} bds[ENET_MODEL_MAX_BDS];
	uint32_t crc_table[8][256]; /* enet_crc_init: slicing by 8 */
	struct enet_coalesce coalesce[ENET_NDIRS];
	uint64_t ref_clk_hz; /* the system clock TXIC/RXIC.ICCS selects */
	struct enet_model_counters stats;
	struct enet_model_wire_counters wire_stats;
	struct enet_fault fault;
	struct enet_line line;
	/* Silicon hazards (enet_model_hazard.c). */
	bool hazard_off[ENET_NHAZARDS]; /* hazard_<name> = <0> */
	bool tdar_late_clear;		/* ERR006358: TDAR set, DMA idle */
	uint64_t tdar_late_drain;	/* ... since this posted batch */
	uint64_t tdar_late_ns;		/* ... and cleared by this time */
	uint64_t drains;		/* posted batches applied */
	bool bus_hung;			/* ECR.RESET hung the bus: dead */
	bool tx_hung; /* ERR007885: TX DMA hung until ETHEREN clears */
};

/* enet_model.c */
/* The register file; inline, as every frame reads a few dozen. */
static inline uint32_t enet_reg(const struct enet_model *m, uint32_t offset)
{
	return m->regs[offset / 4];
}

/* Every change goes to the page too, so a driver read sees it at once. */
static inline void enet_reg_put(struct enet_model *m, uint32_t offset,
				uint32_t value)
{
	m->regs[offset / 4] = value;
	m->page[offset / 4] = value;
}
void enet_raise(struct enet_model *m, uint32_t eir_bits);
/* An event a posted write raises as it lands (an MSCR write's spurious MII):
 * on silicon it comes before any clear written after that write, so any
 * such clear (applied after it, in ring order) clears it. */
void enet_raise_as_write_lands(struct enet_model *m, uint32_t eir_bits);

/* enet_model_dma.c */
void enet_rx_kick(struct enet_model *m);
void enet_tx_kick(struct enet_model *m);
void enet_rx_from_wire(struct enet_model *m);
void enet_rx_fifo_flush(struct enet_model *m);
void enet_mib_clear(struct enet_model *m);
void enet_crc_init(struct enet_model *m);
/* The reflected CRC-32 register c (Ethernet's polynomial) after the n
 * bytes at p; no inversion on either side. */
uint32_t enet_crc_update(const struct enet_model *m, uint32_t c,
			 const uint8_t *p, size_t n);

/* enet_model_irq.c: enet_frame_done instead of raising TXF/RXF */
void enet_frame_done(struct enet_model *m, enum enet_dir dir);
void enet_coalesce_write(struct enet_model *m, uint32_t off, uint32_t value);
void enet_coalesce_reset(struct enet_model *m);
void enet_coalesce_poll(struct enet_model *m);
uint64_t enet_coalesce_deadline(const struct enet_model *m);

/* enet_model_personality.c: qemu-imx7, QEMU's i.MX7 ENET */
const char *enet_personality_choice(unsigned i);
bool enet_personality_setup(struct enet_model *m);
static inline bool enet_is_qemu(const struct enet_model *m)
{
	return m->personality == ENET_PERSONALITY_QEMU_IMX7;
}
/* A register write QEMU handles its own way: true if done here. */
bool enet_qemu_write(struct enet_model *m, uint32_t off, uint32_t value);
/* ECR.RESET: QEMU's reset values where they differ, and the PHY. */
void enet_qemu_reset(struct enet_model *m);
/* An RX frame laid out as QEMU writes it (always the FCS, QEMU's CRC, no
 * padding, no SHIFT16); returns the bytes to write, sets LG/TR. */
uint32_t enet_qemu_rx_build(struct enet_model *m, const struct enet_rx_slot *s,
			    uint16_t *flags);

/* enet_model_phy.c */
void enet_phy_reset(struct enet_model *m);
void enet_mdio_start(struct enet_model *m, uint32_t mmfr);

/* enet_model_hazard.c: each call site asks the hazard what happens */
bool enet_model_hazard_on(const struct enet_model *m, enum enet_hazard h);
void enet_hazard_init(struct enet_model *m);
/* The TX DMA found no ready BD after sending `frames_sent` frames: true if
 * TDAR stays set (cleared late), false to clear it now. */
bool enet_hazard_tx_idle(struct enet_model *m, uint32_t frames_sent);
bool enet_hazard_tdar_ignored(struct enet_model *m);  /* true: ignore it */
bool enet_hazard_tx_hung(const struct enet_model *m); /* true: no TX DMA */
void enet_hazard_tx_stop(struct enet_model *m);	    /* TX DMA stopped, reset */
void enet_hazard_drain_start(struct enet_model *m); /* before each batch */
void enet_hazard_drained(struct enet_model *m);	    /* after each batch */
bool enet_hazard_reset_hangs(struct enet_model *m); /* true: no reset */
bool enet_hazard_bus_hung(struct enet_model *m);    /* true: ignore write */
void enet_hazard_mdio_start(struct enet_model *m, uint32_t mmfr);
void enet_hazard_mscr(struct enet_model *m, uint32_t value); /* before it */
bool enet_hazard_rx_buffer_ok(struct enet_model *m, uint32_t addr);

/* enet_model_fault.c */
enum enet_fault_verdict {
	ENET_FAULT_NONE,
	ENET_FAULT_LOSE,
	ENET_FAULT_CORRUPT,
};
void enet_fault_init(struct enet_model *m);
/* One frame off the wire / onto it: what the cable does to it (counted). */
enum enet_fault_verdict enet_fault_rx(struct enet_model *m);
enum enet_fault_verdict enet_fault_tx(struct enet_model *m);
/* Flip one bit of a received frame's bytes (after its FCS was made). */
void enet_fault_flip(struct enet_model *m, uint8_t *frame, uint32_t len);
/* Apply a link flap that is due; the next one's time, or 0 for none. */
uint64_t enet_fault_tick(struct enet_model *m);

/* enet_model_line.c: the line rate */
void enet_line_init(struct enet_model *m, uint64_t bits_per_s);
/* The line still carries the last frame (the TX DMA must wait). */
bool enet_line_busy(struct enet_model *m);
/* A frame of len bytes (FCS excluded) went onto the line. */
void enet_line_charge(struct enet_model *m, uint32_t len);
/* When a waiting TX DMA may go on; UINT64_MAX: none waits. */
uint64_t enet_line_deadline(const struct enet_model *m);
/* Resume a TX DMA whose wait is over. */
void enet_line_poll(struct enet_model *m);

#endif
