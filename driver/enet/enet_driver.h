/*
 * The i.MX ENET driver component (`enet_driver`, role driver): its
 * counters, the meaning of descriptor flags on its four queues, and its
 * instance state (visible to tests; nothing else may touch it).
 *
 * What it trusts and what it checks.  The driver faces the RX and TX muxes,
 * which are trusted, and the ENET (hardware or model).  It trusts its
 * configuration to name the DMA windows (dma0_io/_size/_rights ..
 * dma7_*) with the rights the device really has in each.  It still
 * validates every descriptor a mux gives it: the io address must be
 * 16-byte aligned (an RX buffer 64-byte aligned, the MAC's burst) and lie, with
 * the whole buffer (RX: MRBR bytes; TX: the frame length), inside one window,
 * below 4 GiB (the ENET is a 32-bit DMA master); that window must let the
 * device write (RX) or read (TX) it, or every frame through the buffer would be
 * a bus error; a TX length must be 14..SDVF_NET_FRAME_MAX.  A descriptor that
 * fails is counted by reason and handed back untouched through the pair it came
 * from with SDVF_NET_REJECTED set, never posted, so no buffer is ever lost.  At
 * init it refuses windows without valid rights, past 4 GiB, overlapping each
 * other or over its BD rings.  The driver never maps packet data: it
 * moves io addresses and lengths only.
 *
 * Queues (core/queue.h, all carrying io addresses):
 *   rx_free    mux -> driver  empty RX buffers
 *   rx_active  driver -> mux  received frames (io, len); rejected buffers
 *                             come back here with len 0 and REJECTED
 *   tx_active  mux -> driver  frames to send (io, len)
 *   tx_free    driver -> mux  sent frames; rejected ones (REJECTED) and
 *                             ones lost to a controller reset (TX_ERROR)
 * The driver never resets these queues' shared headers: they start zeroed
 * (indices 0, "consumer asks for a signal") and the muxes own any reset,
 * which they must do before their first notification.
 */
#ifndef SDVF_ENET_DRIVER_H
#define SDVF_ENET_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/net.h"
#include "core/pd.h"
#include "core/queue.h"
#include "driver/enet/enet_mmio.h"
#include "driver/enet/enet_regs.h"

#define ENET_DRV_MAX_RING 512u /* BDs per ring, upper bound */
/* RCR.MAX_FL: the longest frame plus its FCS. */
#define ENET_DRV_MAX_FL (SDVF_NET_FRAME_MAX + 4u)
#define ENET_DRV_RX_BUF_BYTES 1536u /* MRBR: MAX_FL rounded up to 16 */
/* The FCS at the end of an RX frame: the driver asks the MAC to strip it
 * (RCR.CRCFWD); where that bit does not stick (QEMU) the MAC leaves it in
 * the buffer, counted in the BD length, and the driver takes it off. */
#define ENET_DRV_FCS 4u
#define ENET_DRV_DMA_WINDOWS 8u
#define ENET_DRV_RESET_POLLS 1000u /* ECR.RESET reads before giving up */
#define ENET_DRV_TDAR_READS 4u	   /* ERR007885: reads before a TDAR write */
/* RX buffers: the MAC writes whole 64-byte bursts (enet_mmio.h). */
#define ENET_DRV_RX_BUF_ALIGN 64u
/* Registers ECR = 0 does not reset, written at every start with their
 * reset values (enet_driver_reset.c): FTRL, FIFO thresholds. */
#define ENET_DRV_FTRL 0x7ffu
#define ENET_DRV_RAEM 4u
#define ENET_DRV_RAFL 4u
#define ENET_DRV_TAEM 4u
#define ENET_DRV_TAFL 8u
#define ENET_DRV_IRQ_LOOPS 16u /* EIR rounds per activation */
/* TXIC defaults (docs/benchmarks.md, "Coalescing and completion"). */
#define ENET_DRV_TX_COALESCE_FRAMES 128u
#define ENET_DRV_TX_COALESCE_US 1000u
/* Bus-error storm guard: more than BURST resets within WINDOW halt the MAC;
 * retries back off from HALT_MIN to HALT_MAX, and start again from HALT_MIN
 * once the MAC has stayed up for HALT_CALM after a retry. */
#define ENET_DRV_EBERR_BURST 8u
#define ENET_DRV_EBERR_WINDOW_NS 1000000000ull
#define ENET_DRV_HALT_MIN_NS 1000000000ull
#define ENET_DRV_HALT_MAX_NS 64000000000ull
#define ENET_DRV_HALT_CALM_NS 60000000000ull

/*
 * Counters, published through the PD API (sdvf_counter, core/pd.h) under
 * these names and shown by `sdvf stats`; the driver keeps no other copy,
 * and the component's .counters (the meanings below) is generated from the
 * same lists.  Written by the driver only.  Each is a u64 count since the
 * first init, except those whose meaning starts "state:": those are set,
 * not added to (link state is reset at every init, so a restarted driver
 * never shows its predecessor's link).  The MIB group is a snapshot of the
 * MAC's own counters: raw 32-bit values that wrap, read every link poll.
 */
#define ENET_DRIVER_LINK_COUNTERS(X)                                           \
	X(link_up, "state: 1 while the PHY reports link, else 0")              \
	X(speed_mbps, "state: link speed 10/100/1000 (0 while down)")          \
	X(full_duplex, "state: 1 at full duplex, 0 at half or down")           \
	X(link_changes, "times the link went up or down")                      \
	X(mdio_timeouts, "MDIO transfers that never completed")                \
	X(phy_absent, "PHY polls finding no PHY at phy_addr (ID or BMSR all "  \
		      "ones, or ID all zeros): link down")

#define ENET_DRIVER_DATA_COUNTERS(X)                                           \
	X(rx_frames, "frames handed to the RX mux")                            \
	X(rx_bytes, "bytes of the frames handed to the RX mux")                \
	X(tx_frames, "frames the MAC sent, returned to the TX mux")            \
	X(tx_bytes, "bytes of the frames the MAC sent")                        \
	X(tx_held_link_down, "TX activations that held frames: link down")     \
	X(tx_held_halted, "TX activations that held frames: MAC halted")

/* RX frames the MAC flagged: counted, buffer re-posted, never delivered. */
#define ENET_DRIVER_RX_ERROR_COUNTERS(X)                                       \
	X(rx_err_lg, "RX frames longer than MAX_FL (LG)")                      \
	X(rx_err_no, "RX frames not octet-aligned (NO)")                       \
	X(rx_err_cr, "RX frames with a CRC error (CR)")                        \
	X(rx_err_ov, "RX frames hit by a FIFO overrun (OV)")                   \
	X(rx_err_tr, "RX frames truncated (TR)")                               \
	X(rx_err_not_last, "leading BDs of a giant (its last BD counts LG)")   \
	X(rx_err_len, "RX BDs of length 0 or longer than the buffer")          \
	X(rx_err_short, "RX frames under 14 bytes + 4 FCS: no header")

/* Descriptors from the muxes returned unused, flagged SDVF_NET_REJECTED. */
#define ENET_DRIVER_REJECT_COUNTERS(X)                                         \
	X(rx_bad_buffer, "rx_free buffers misaligned or not in one window")    \
	X(rx_bad_window, "rx_free buffers in a window the MAC cannot write")   \
	X(tx_bad_buffer, "tx_active frames misaligned or not in one window")   \
	X(tx_bad_window, "tx_active frames in a window the MAC cannot read")   \
	X(tx_bad_len, "tx_active frames shorter than 14 or over 1518 bytes")   \
	X(rx_misaligned, "rx_free buffers not 64-byte aligned (the MAC's "     \
			 "rule)")

#define ENET_DRIVER_CONTROLLER_COUNTERS(X)                                     \
	X(eberr_resets, "bus errors answered with a controller reset")         \
	X(eberr_halts, "bus-error storms that left the MAC stopped")           \
	X(halted, "state: 1 while a storm keeps the MAC stopped")              \
	X(halt_retries, "restarts of a halted MAC after its back-off")         \
	X(link_restarts, "controller restarts for a new speed or duplex")      \
	X(reset_timeouts, "ECR.RESET writes that never cleared")               \
	X(tx_reset_errors, "TX frames a reset returned with TX_ERROR")         \
	X(tx_timeouts, "TX watchdog restarts: a frame the MAC's too long")     \
	X(eir_other, "EIR rounds with BABR, BABT, LC, RL or UN set")           \
	X(irq_activations, "activations on the ENET interrupt")                \
	X(tdar_rekicks, "TDAR rewritten: a frame waited, TDAR read 0")         \
	X(tdar_skips, "TDAR writes skipped: TDAR read set 4 times "            \
		      "(ERR007885)")                                           \
	X(tdar_unanswered, "TDAR writes skipped: the model did not apply "     \
			   "the posted writes before the TDAR read")           \
	X(mmio_waits, "register reads that waited for the model to apply "     \
		      "posted writes (posted MMIO only)")

#define ENET_DRIVER_MIB_COUNTERS(X)                                            \
	X(mib_t_packets, "state: MIB RMON_T_PACKETS, frames sent")             \
	X(mib_t_octets, "state: MIB RMON_T_OCTETS, octets sent")               \
	X(mib_t_drop, "state: MIB IEEE_T_DROP")                                \
	X(mib_r_packets, "state: MIB RMON_R_PACKETS, frames received")         \
	X(mib_r_octets, "state: MIB RMON_R_OCTETS, octets received")           \
	X(mib_r_drop, "state: MIB IEEE_R_DROP")                                \
	X(mib_r_crc, "state: MIB IEEE_R_CRC, frames with a CRC error")         \
	X(mib_r_align, "state: MIB IEEE_R_ALIGN, frames with an align error")  \
	X(mib_r_oversize, "state: MIB RMON_R_OVERSIZE, frames over MAX_FL")    \
	X(mib_r_undersize, "state: MIB RMON_R_UNDERSIZE, frames under 64")     \
	X(mib_r_frame_ok, "state: MIB IEEE_R_FRAME_OK, good frames received")  \
	X(mib_t_frame_ok, "state: MIB IEEE_T_FRAME_OK, good frames sent")

#define ENET_DRIVER_COUNTERS(X)                                                \
	ENET_DRIVER_LINK_COUNTERS(X)                                           \
	ENET_DRIVER_DATA_COUNTERS(X)                                           \
	ENET_DRIVER_RX_ERROR_COUNTERS(X)                                       \
	ENET_DRIVER_REJECT_COUNTERS(X)                                         \
	ENET_DRIVER_CONTROLLER_COUNTERS(X)                                     \
	ENET_DRIVER_MIB_COUNTERS(X)

/* Where each counter lives (set at init by sdvf_counter). */
struct enet_driver_counters {
#define ENET_COUNTER_FIELD(name, meaning) _Atomic uint64_t *name;
	ENET_DRIVER_COUNTERS(ENET_COUNTER_FIELD)
#undef ENET_COUNTER_FIELD
};

/* A private FIFO of descriptors waiting for room in an outgoing queue. */
#define ENET_DRV_PENDING (2u * ENET_DRV_MAX_RING)
struct enet_pending {
	struct sdvf_desc desc[ENET_DRV_PENDING];
	uint32_t head, tail; /* free-running */
};

/* A DMA window: io range [io, io + size) and what the device may do
 * there (SDVF_R: read, TX buffers; SDVF_W: write, RX buffers). */
struct enet_window {
	uint64_t io, size;
	unsigned rights;
};

/* PHY polling state (driver/enet/enet_driver_phy.c). */
enum enet_phy_step {
	ENET_PHY_IDLE,
	ENET_PHY_ID1,
	ENET_PHY_ID2,
	ENET_PHY_BMSR,
	ENET_PHY_BMCR,
	ENET_PHY_ADVERTISE,
	ENET_PHY_LPA,
	ENET_PHY_CTRL1000,
	ENET_PHY_STAT1000,
};

struct enet_phy {
	enum enet_phy_step step;
	uint32_t addr;
	uint16_t id1, id2; /* PHYSID1/2 of the PHY found, read until found */
	bool found;	   /* a PHY answered at addr: poll BMSR only */
	bool absent_logged;
	uint16_t bmsr, bmcr, advertise, lpa, ctrl1000, stat1000;
	uint64_t poll_ns;
};

/* MAC settings that depend on the negotiated link. */
struct enet_mac_mode {
	uint32_t speed_mbps;
	bool full_duplex;
};

struct enet_driver {
	struct sdvf_pd *pd;
	struct enet_mmio mmio;
	sdvf_channel_t ch_irq, ch_rx, ch_tx;
	struct sdvf_queue rx_free, rx_active, tx_active, tx_free;
	struct enet_driver_counters stats;

	struct enet_window windows[ENET_DRV_DMA_WINDOWS];
	uint8_t mac[6];
	uint32_t interface; /* ENET_IF_* */
	uint32_t mscr;
	bool ecr_reset; /* reset_mode "ecr-reset"; else ECR = 0 */
	bool err007885; /* ecr-zero: an AXI part, TDAR read before written */

	/* BD rings in region enet_rings; the MAC owns [head, tail). */
	volatile struct enet_bd *rx_bd, *tx_bd;
	uint64_t rx_ring_io, tx_ring_io;
	uint32_t rx_slots, tx_slots; /* powers of two */
	/* FCS bytes the MAC leaves at the end of each RX frame: 0 if RCR read
	 * back with CRCFWD set, else ENET_DRV_FCS (program_controller). */
	uint32_t rx_fcs;
	uint32_t rx_head, rx_tail, tx_head, tx_tail;
	uint32_t rx_io[ENET_DRV_MAX_RING]; /* private copy of each BD's addr */
	uint32_t tx_io[ENET_DRV_MAX_RING];
	uint16_t tx_len[ENET_DRV_MAX_RING];

	/* Descriptors on their way to a mux, waiting for room in its queue. */
	struct enet_pending rx_to_mux;	    /* for rx_active */
	struct enet_pending tx_done_to_mux; /* for tx_free */

	struct enet_phy phy;
	struct enet_mac_mode mode; /* programmed into ECR/RCR/TCR */
	bool link_up;

	/* bus-error storm guard (enet_driver_reset.c: enet_bus_error) */
	uint64_t eberr_window_start;
	uint32_t eberr_in_window;
	bool halted;		  /* MAC stopped after a storm, TX held */
	uint64_t halt_until_ns;	  /* first retry not before this */
	uint64_t halt_backoff_ns; /* wait before the next halt's retry */
	uint64_t resumed_ns;	  /* when the last retry restarted the MAC */

	/* TX watchdog (enet_driver_reset.c: enet_tx_watchdog) */
	uint64_t tx_timeout_ns; /* tx_timeout_ms; 0 = off */
	uint32_t tx_watch_head; /* tx_head when last seen moving */
	uint64_t tx_watch_ns;	/* and when */

	/* Interrupt coalescing (enet_driver_coalesce.c): RXIC and TXIC as
	 * configured (0 = off), and TXIC as last written. */
	uint32_t rxic, txic, txic_now;
	uint64_t txic_writes; /* tests count the switches */
	/* This activation saw a coalesced TXF: what it returns is signalled
	 * to the TX mux, asked or not (the mux's rest sweep may have run). */
	bool tx_coalesced_irq;

	/* Per activation, settled once by activation_end: the MAC kicks and
	 * the irq ack. */
	bool kick_rdar, kick_tdar, ack_irq;
	uint64_t rdar_writes, tdar_writes; /* tests count batching */
};

enum { ENET_IF_RGMII, ENET_IF_RMII, ENET_IF_MII };

extern const struct sdvf_component enet_driver_component;

/* ---- internal: shared by the driver's files, not an API ------------- */
/* enet_driver_rings.c */
void enet_rings_init(struct enet_driver *drv, bool keep_buffers);
/* Named as in sDDF, for the direction of the work: provide = the mux's
 * buffers into the MAC's BDs; return = the MAC's finished BDs back to the
 * mux. */
void enet_rx_provide(struct enet_driver *drv);
void enet_rx_return(struct enet_driver *drv);
void enet_tx_provide(struct enet_driver *drv);
void enet_tx_return(struct enet_driver *drv);
/* enet_driver_phy.c */
void enet_phy_start_poll(struct enet_driver *drv);
void enet_phy_mdio_done(struct enet_driver *drv);
void enet_phy_timer(struct enet_driver *drv);
void enet_mib_read(struct enet_driver *drv);
/* enet_driver_coalesce.c: setup at init, program after every reset,
 * adapt at the end of every activation (before its kicks). */
bool enet_coalesce_setup(struct enet_driver *drv);
void enet_coalesce_program(struct enet_driver *drv);
void enet_coalesce_adapt(struct enet_driver *drv);
/* enet_driver_reset.c: reset_mode, stop, the registers ECR = 0 keeps,
 * ERR006358's re-kick, ERR007885's read before a TDAR write, a halted
 * MAC's MDIO */
bool enet_reset_mode_setup(struct enet_driver *drv);
bool enet_controller_stop(struct enet_driver *drv);
void enet_program_fixed(struct enet_driver *drv);
void enet_tx_keep_going(struct enet_driver *drv);
bool enet_tdar_write_safe(struct enet_driver *drv);
void enet_halt_keep_mdio(struct enet_driver *drv);
bool enet_window_aligned(struct enet_driver *drv, uint64_t io, unsigned rights,
			 const char *key);
/* enet_driver_phy.c: issue again a PHY read a reset may have lost */
void enet_phy_resume(struct enet_driver *drv);
/* enet_driver.c */
bool enet_hw_restart(struct enet_driver *drv);
/* enet_driver_reset.c: a bus error (EBERR) restarts the MAC, a storm of
 * them halts it; restart a halted MAC once its back-off has passed
 * (called from the link timer). */
void enet_bus_error(struct enet_driver *drv);
void enet_halt_retry(struct enet_driver *drv);
/* enet_driver_reset.c: restart a MAC whose TX DMA stopped (link timer). */
void enet_tx_watchdog(struct enet_driver *drv);

#endif
