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
 * Host code: the model uses the wire backends (driver/enet/wire/wire.h).
 */
#ifndef SDVF_ENET_MODEL_H
#define SDVF_ENET_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/pd.h"

extern const struct sdvf_component enet_model_component;

/*
 * Everything the model counts, published through the PD API (sdvf_counter)
 * under these names: `sdvf stats` shows them, tests read them with
 * sdvf_sim_counter.  Written by the model only; u64 counts since init.
 *   register interface
 *     mmio_writes (posted writes applied), mmio_unknown (offset unaligned,
 *     past the page, or no register there), mmio_readonly (writes to
 *     read-only registers: MIB), mmio_bad_index (batches dropped: tail -
 *     head > ring), resets (ECR.RESET), unsupported (EN1588 requested),
 *     irq_raised (notifications on `irq`), irq_acks (acks received),
 *     rdar_writes, tdar_writes (kicks, any value, any state: batching is
 *     one per batch), eberr (DMA outside the window: MAC stopped)
 *   receive
 *     rx_frames, rx_bytes (written into RX BDs, lengths as in the BDs),
 *     rx_runts (< 14 bytes: dropped), rx_padded (14..59: padded to 60),
 *     rx_long (> RCR.MAX_FL: LG), rx_truncated (> FTRL: cut, TR),
 *     rx_filtered (destination not accepted), rx_fifo_overflow,
 *     rx_link_down, rx_disabled (ETHEREN clear), rx_no_buffer_size (MRBR
 *     0), rx_loopback (RCR.LOOP), rx_wire_errors (wire_recv failed)
 *   transmit
 *     tx_frames, tx_bytes (on the wire, no FCS), tx_padded (< 60),
 *     tx_babbling (too long or too many BDs: BABT), tx_bad_crc (ABC set:
 *     not delivered), tx_link_down (lost), tx_wire_errors
 *   MDIO
 *     mdio_reads, mdio_writes, mdio_no_clock (MSCR.MII_SPEED 0),
 *     mdio_bad_frame (not clause 22), mdio_absent_phy (reads 0xffff)
 */
#define ENET_MODEL_COUNTERS(X)                                                 \
	X(mmio_writes)                                                         \
	X(mmio_unknown)                                                        \
	X(mmio_readonly)                                                       \
	X(mmio_bad_index)                                                      \
	X(resets)                                                              \
	X(unsupported)                                                         \
	X(irq_raised)                                                          \
	X(irq_acks)                                                            \
	X(rdar_writes)                                                         \
	X(tdar_writes)                                                         \
	X(eberr)                                                               \
	X(rx_frames)                                                           \
	X(rx_bytes)                                                            \
	X(rx_runts)                                                            \
	X(rx_padded)                                                           \
	X(rx_long)                                                             \
	X(rx_truncated)                                                        \
	X(rx_filtered)                                                         \
	X(rx_fifo_overflow)                                                    \
	X(rx_link_down)                                                        \
	X(rx_disabled)                                                         \
	X(rx_no_buffer_size)                                                   \
	X(rx_loopback)                                                         \
	X(rx_wire_errors)                                                      \
	X(tx_frames)                                                           \
	X(tx_bytes)                                                            \
	X(tx_padded)                                                           \
	X(tx_babbling)                                                         \
	X(tx_bad_crc)                                                          \
	X(tx_link_down)                                                        \
	X(tx_wire_errors)                                                      \
	X(mdio_reads)                                                          \
	X(mdio_writes)                                                         \
	X(mdio_no_clock)                                                       \
	X(mdio_bad_frame)                                                      \
	X(mdio_absent_phy)

/*
 * The wire's own counts (driver/enet/wire/wire.h struct wire_stats), published
 * as "wire.<field>" and refreshed at the end of every model activation (the
 * wire is only used inside activations, so they are exact between them):
 * frames and bytes each way, backend errors, and the frames the backend
 * dropped itself (wire.rx_foreign: udp datagrams not from udp_remote;
 * wire.rx_oversize, wire.rx_overflow, wire.rx_truncated, wire.record_errors).
 */
#define ENET_MODEL_WIRE_COUNTERS(X)                                            \
	X(tx_frames)                                                           \
	X(tx_bytes)                                                            \
	X(tx_errors)                                                           \
	X(rx_frames)                                                           \
	X(rx_bytes)                                                            \
	X(rx_errors)                                                           \
	X(rx_runts)                                                            \
	X(rx_giants)                                                           \
	X(rx_foreign)                                                          \
	X(rx_oversize)                                                         \
	X(rx_overflow)                                                         \
	X(rx_truncated)                                                        \
	X(record_errors)

struct enet_model_wire_counters {
#define ENET_MODEL_COUNTER_FIELD(name) _Atomic uint64_t *name;
	ENET_MODEL_WIRE_COUNTERS(ENET_MODEL_COUNTER_FIELD)
#undef ENET_MODEL_COUNTER_FIELD
};

/* Where each counter lives (set at init by sdvf_counter). */
struct enet_model_counters {
#define ENET_MODEL_COUNTER_FIELD(name) _Atomic uint64_t *name;
	ENET_MODEL_COUNTERS(ENET_MODEL_COUNTER_FIELD)
#undef ENET_MODEL_COUNTER_FIELD
};

/* Plug or unplug the cable: the PHY's link state (BMSR.LSTATUS, which
 * latches low until read, and the partner ability registers). */
void enet_model_set_link(void *model, bool up);

/* The model's wire (the mem backend's test side is wire_mem_inject/take). */
struct wire *enet_model_wire(void *model);

#endif
