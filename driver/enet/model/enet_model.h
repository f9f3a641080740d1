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
#include "driver/enet/wire/wire.h"

extern const struct sdvf_component enet_model_component;

/*
 * Whose ENET the model plays (config key `personality`, docs/enet.md,
 * "Personalities"): real i.MX silicon as the reference manual describes it
 * (the default), or QEMU's emulated i.MX7 ENET (hw/net/imx_fec.c), which
 * masks RCR, always writes the FCS, has a LAN9118-like 10/100 PHY, no MIB
 * counters and no interrupt coalescing.  Chosen at init, never changed;
 * the model's state holds it as `struct enet_model.personality`
 * (enet_model_state.h), and hardware hazards that only silicon has are
 * gated on `m->personality == ENET_PERSONALITY_SILICON`.
 */
enum enet_personality {
	ENET_PERSONALITY_SILICON = 0,
	ENET_PERSONALITY_QEMU_IMX7 = 1,
};

/*
 * Everything the model counts, each a u64 since init, written by the model
 * only and published through the PD API (sdvf_counter) under these names:
 * `sdvf stats` shows them, tests read them with sdvf_sim_counter, and the
 * component's .counters (the meanings below) is generated from these lists.
 * Beside them the model publishes its wire's counts (WIRE_COUNTERS,
 * driver/enet/wire/wire.h) as "wire.<name>", refreshed at the end of every
 * activation (the wire is used only inside activations, so they are exact
 * between them).
 */
#define ENET_MODEL_REGISTER_COUNTERS(X)                                        \
	X(mmio_writes, "posted register writes applied")                       \
	X(mmio_unknown, "writes unaligned, past the page or to no register")   \
	X(mmio_readonly, "writes to read-only registers (MIB)")                \
	X(mmio_bad_index, "posted batches dropped: tail - head > ring")        \
	X(resets, "ECR.RESET writes")                                          \
	X(unsupported, "ECR.EN1588 set: enhanced BDs are not modelled")        \
	X(irq_raised, "notifications on irq")                                  \
	X(irq_acks, "acks received on irq")                                    \
	X(rdar_writes, "RDAR writes, any value, any state")                    \
	X(tdar_writes, "TDAR writes, any value, any state")                    \
	X(eberr, "DMA outside the window: EBERR raised, MAC stopped")          \
	X(driver_restarts, "restarts of the driver PD: IRQ line re-armed")     \
	X(mmio_dropped, "posted writes of a dead driver never rung for")       \
	X(eir_kept, "EIR bits a W1C left set: raised after it was posted")     \
	X(qemu_ignored, "qemu-imx7: writes QEMU's ENET ignores (TXIC/RXIC, "   \
			"hash filters)")

/* Interrupt coalescing (TXIC / RXIC, enet_model_irq.c). */
#define ENET_MODEL_COALESCE_COUNTERS(X)                                        \
	X(irq_coalesced, "TXF/RXF events held back by TXIC/RXIC")              \
	X(irq_coalesce_timer, "held events released by the ICTT timer")

#define ENET_MODEL_RX_COUNTERS(X)                                              \
	X(rx_frames, "frames written into RX BDs")                             \
	X(rx_bytes, "bytes written into RX BDs (lengths as in the BDs)")       \
	X(rx_runts, "wire frames under 14 bytes: dropped")                     \
	X(rx_padded, "wire frames of 14..59 bytes: padded to 60")              \
	X(rx_long, "frames over RCR.MAX_FL: LG set")                           \
	X(rx_truncated, "frames over FTRL or cut by the wire: TR set")         \
	X(rx_filtered, "frames the destination filter refused")                \
	X(rx_fifo_overflow, "frames dropped: RX FIFO full")                    \
	X(rx_link_down, "wire frames dropped: link down")                      \
	X(rx_disabled, "wire frames dropped: ETHEREN clear")                   \
	X(rx_no_buffer_size, "frames dropped: MRBR is 0")                      \
	X(rx_loopback, "TX frames sent back to RX by RCR.LOOP")                \
	X(rx_wire_errors, "wire_recv failures")

#define ENET_MODEL_TX_COUNTERS(X)                                              \
	X(tx_frames, "frames put on the wire")                                 \
	X(tx_bytes, "bytes put on the wire (no FCS)")                          \
	X(tx_padded, "TX frames under 60 bytes: padded")                       \
	X(tx_babbling, "TX frames too long or over too many BDs: BABT")        \
	X(tx_bad_crc, "TX frames with ABC set: not delivered")                 \
	X(tx_link_down, "TX frames lost: link down")                           \
	X(tx_wire_errors, "wire_send failures")

#define ENET_MODEL_MDIO_COUNTERS(X)                                            \
	X(mdio_reads, "clause-22 reads answered by the PHY")                   \
	X(mdio_writes, "clause-22 writes to the PHY")                          \
	X(mdio_no_clock, "MMFR writes with MSCR.MII_SPEED 0: nothing sent")    \
	X(mdio_bad_frame, "MDIO frames that are not clause 22")                \
	X(mdio_absent_phy, "MDIO frames to no PHY (reads give 0xffff)")

/* Wire faults injected on purpose (fault_* keys; enet_model_fault.c). */
#define ENET_MODEL_FAULT_COUNTERS(X)                                           \
	X(fault_rx_lost, "injected: received frames lost on the cable")        \
	X(fault_rx_corrupt, "injected: bad-FCS frames written to BDs (CR)")    \
	X(fault_tx_lost, "injected: sent frames lost on the cable")            \
	X(fault_tx_corrupt, "injected: sent frames damaged, not delivered")    \
	X(fault_flaps, "injected: link drops (fault_flap_ms)")

/* Silicon hazards (hazard_* keys; enet_model_hazard.c). */
#define ENET_MODEL_HAZARD_COUNTERS(X)                                          \
	X(tdar_late_kicks, "TDAR writes lost in ERR006358's late TDAR clear")  \
	X(tdar_busy_writes, "TDAR writes while TDAR read set (ERR007885)")     \
	X(tx_dma_hangs,                                                        \
	  "TDAR writes as TDAR cleared: TX DMA hung (ERR007885)")              \
	X(tx_hung, "state: 1 while the TX DMA is hung (until ETHEREN clears)") \
	X(bus_hangs, "ECR.RESET with DMA in flight: the bus hung")             \
	X(bus_hung, "state: 1 once the bus hung; the MAC is dead")             \
	X(hung_writes, "register writes ignored on the hung bus")              \
	X(mdio_no_event, "MDIO transfers with ETHEREN clear: no MII event")    \
	X(mii_spurious, "MII events raised by an MSCR write (MMFR != 0)")      \
	X(rx_misaligned, "RX BDs with a buffer not 64-byte aligned: EBERR")    \
	X(ecr_stops, "ECR writes clearing ETHEREN: DMA stopped, no reset")

#define ENET_MODEL_COUNTERS(X)                                                 \
	ENET_MODEL_REGISTER_COUNTERS(X)                                        \
	ENET_MODEL_HAZARD_COUNTERS(X)                                          \
	ENET_MODEL_COALESCE_COUNTERS(X)                                        \
	ENET_MODEL_RX_COUNTERS(X)                                              \
	ENET_MODEL_TX_COUNTERS(X)                                              \
	ENET_MODEL_MDIO_COUNTERS(X)                                            \
	ENET_MODEL_FAULT_COUNTERS(X)

struct enet_model_wire_counters {
#define ENET_MODEL_COUNTER_FIELD(name, meaning) _Atomic uint64_t *name;
	WIRE_COUNTERS(ENET_MODEL_COUNTER_FIELD)
#undef ENET_MODEL_COUNTER_FIELD
};

/* Where each counter lives (set at init by sdvf_counter). */
struct enet_model_counters {
#define ENET_MODEL_COUNTER_FIELD(name, meaning) _Atomic uint64_t *name;
	ENET_MODEL_COUNTERS(ENET_MODEL_COUNTER_FIELD)
#undef ENET_MODEL_COUNTER_FIELD
};

/* Plug or unplug the cable: the PHY's link state (BMSR.LSTATUS, which
 * latches low until read, and the partner ability registers). */
void enet_model_set_link(void *model, bool up);

/* Wire faults (docs/enet.md, "Wire faults"): what the fault_* keys set
 * at init; tests change them between steps.  Setting them restarts the
 * generator from `seed` and the flap period from now. */
struct enet_model_faults {
	uint32_t loss_ppm, corrupt_ppm; /* per million frames, 0..1000000 */
	uint64_t flap_ms, flap_down_ms; /* link drop period and length */
	uint64_t seed;
};
void enet_model_set_faults(void *model, const struct enet_model_faults *f);

/* The model's wire (the mem backend's test side is wire_mem_inject/take). */
struct wire *enet_model_wire(void *model);

#endif
