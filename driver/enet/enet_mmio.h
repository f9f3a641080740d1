/*
 * Register access for the ENET driver: enet_readl / enet_writel.
 *
 * The driver touches registers only through these accessors, so the same
 * driver code runs on three kinds of hardware:
 *   - real MMIO (bare metal, Microkit, or QEMU's i.MX7 ENET through Linux
 *     UIO): `regs` points at the device's register block, `posted` is NULL;
 *   - the ENET model on hosted and sim systems ("posted" mode): reads load
 *     from a register page the model keeps current (region "enet_regs",
 *     model rw, driver r); writes are appended, in order, to a posted-write
 *     ring (region "enet_mmio", driver rw, model rw) that the model drains
 *     when the driver rings the doorbell channel ("mmio").
 *
 * Ordering rule, as with posted writes on a real bus: a read flushes.  If
 * any write is still queued when the driver reads a register, the accessor
 * rings the doorbell and waits (sdvf_wait) until the model has applied every
 * queued write, so a read after a side-effecting write (ECR reset, an MDIO
 * start) sees its effect.  A wait that gives up (the model not run for
 * ENET_WAIT_NS) leaves the read stale: a decision that must not be made on
 * a stale value checks enet_mmio_answered() (the TDAR read before a kick,
 * ERR007885).  Writes alone never wait unless the ring is full; the
 * doorbell for them is rung once per activation (enet_mmio_flush, called by
 * the driver before it returns), which batches the RDAR/TDAR kicks of one
 * activation into one notification; an activation that acks the interrupt
 * lets the ack ring it (enet_mmio_told_by_ack).
 *
 * A write takes effect as of when it was posted, not when the model gets
 * to it, where that matters: the write-1-to-clear of EIR.  The model counts
 * the events it raises (`events`, one per enet_raise, published after the
 * EIR bits and what they report: a BD, MMFR); each posted EIR write carries
 * the count the driver had seen when it posted it, and clears a bit only
 * if the bit's latest event is among those.  An event raised after the
 * driver posted the clear stays set and raises the interrupt again after
 * the ack, as on silicon, where the clear lands before any later event.
 * So the interrupt handler needs no read-back (no wait) on posted MMIO: its
 * reap, after the clear was posted, sees the BD of every event it cleared
 * (enet_read_eir, and the handler in enet_driver.c).
 *
 * Owner tags, netmap-style, on every shared field below: (D) the driver
 * writes it, (M) the model writes it; the other side only reads, and the
 * tag says the ordering.  The register page is all (M): the model stores
 * every change there, the driver maps it read-only.  The model never
 * trusts tail - head beyond ENET_MMIO_RING (it drops the batch and counts
 * it); the driver keeps a private shadow of tail, read from the ring only
 * at init (a restarted driver carries on where its predecessor stopped).
 *
 * On hardware (real MMIO: UIO, bare metal, Microkit) two more rules hold,
 * which the model cannot check because it shares the CPU's coherent view:
 *   - The BD rings (region enet_rings) must be mapped uncached: device or
 *     normal non-cacheable memory, never cacheable, since the ENET's DMA
 *     does not snoop the CPU's caches on i.MX6/7/8M.  Packet buffers are
 *     the muxes' business (cache maintenance or a coherent mapping).
 *   - Each hand-off of a BD (addr/len before stat) needs a barrier as
 *     strong as Linux's dma_wmb(), and the barrier before the RDAR/TDAR
 *     kick one as strong as Linux's wmb() before its MMIO write: a plain
 *     C11 fence orders only the inner-shareable domain on Arm.  The driver
 *     uses enet_dma_wmb() and enet_wmb() below for both.
 * The driver checks what it can at init: the rings 64-byte aligned below
 * 4 GiB, every window the device writes (RX buffers) 64-byte aligned, and
 * each RX buffer 64-byte aligned as it arrives (the MAC writes 64-byte
 * bursts; counted in rx_misaligned).  The mapping type it cannot see.
 */
#ifndef SDVF_ENET_MMIO_H
#define SDVF_ENET_MMIO_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/pd.h"
#include "driver/enet/enet_regs.h"

#define ENET_MMIO_RING 256u /* entries, power of two */
#define ENET_WAIT_NS 1000000000ull

/* One posted write: (D) fills the slot before tail covers it; (M) reads
 * each field once, after loading tail, and may find any value there. */
struct enet_mmio_write {
	uint32_t offset; /* (D) register offset */
	uint32_t value;	 /* (D) value to write */
	uint32_t events; /* (D) EIR: ring->events as the driver saw it */
};

/* The posted-write ring, region "enet_mmio" (driver rw, model rw). */
struct enet_mmio_ring {
	/* (D) entries queued; release-stored after the entries.  (M)
	 * acquire-loads it once per drain. */
	_Alignas(64) _Atomic uint32_t tail;
	/* (M) entries applied; release-stored after their effects are on
	 * the register page.  (D) acquire-loads it to wait for a drain or for
	 * room. */
	_Alignas(64) _Atomic uint32_t head;
	/* (M) events raised since the model's first start, wrapping: EIR bits
	 * set (enet_raise), one count per call; release-stored after the bits
	 * and what they report.  (D) acquire-loads it into each EIR write it
	 * posts, before anything it reads after that write. */
	_Alignas(64) _Atomic uint32_t events;
	/* (M) ERR006358's late TDAR clear (enet_model_hazard.c): 0, or the
	 * time (the PDs' clock, sdvf_now_ns) from which TDAR reads 0 although
	 * the page still holds it set, as a register the device clears by
	 * itself; the model lands the clear on the page at its next batch of
	 * posted writes, so no timer has to wake it.  Release-stored when
	 * the DMA goes idle (TDAR set on the page); back to 0 after the
	 * page's TDAR is cleared and, with a release fence, before the page's
	 * TDAR is set again.  (D) enet_posted_tdar reads it before and after
	 * the page's TDAR and uses the pair only if both reads agree. */
	_Alignas(64) _Atomic uint64_t tdar_clear_ns;
	/* (D) slot i % ENET_MMIO_RING, written before tail passes i; (M)
	 * reads it between loading tail and storing head past it. */
	_Alignas(64) struct enet_mmio_write ring[ENET_MMIO_RING];
};

/* The driver's private handle: nothing here is shared. */
struct enet_mmio {
	const volatile uint32_t *regs; /* register block or model's page */
	volatile uint32_t *regs_rw;    /* real MMIO only: writable mapping */
	struct enet_mmio_ring *posted; /* NULL on real MMIO */
	struct sdvf_pd *pd;
	sdvf_channel_t doorbell;
	uint32_t tail;	     /* private shadow of posted->tail */
	uint32_t flushed;    /* tail value the model was last told about */
	uint32_t clear_tail; /* tail just past the last EIR or ECR write */
	uint64_t doorbells;  /* notifications sent (tests count batching) */
	uint64_t waits;	     /* reads that waited for the model to drain */
	uint64_t timeouts;   /* waits that gave up: the model is not draining */
};

/* Before a BD's ownership bit: its other fields reach memory first, as
 * the device sees it (Linux's dma_wmb()). */
static inline void enet_dma_wmb(void)
{
#if defined(__aarch64__) || defined(__arm__)
	__asm__ volatile("dmb oshst" ::: "memory");
#else
	atomic_thread_fence(memory_order_release);
#endif
}

/* Before the RDAR/TDAR kick: every BD write is complete before the MMIO
 * write reaches the device (Linux's wmb()). */
static inline void enet_wmb(void)
{
#if defined(__aarch64__) || defined(__arm__)
	__asm__ volatile("dsb st" ::: "memory");
#else
	atomic_thread_fence(memory_order_seq_cst);
#endif
}

static inline bool enet_mmio_drained(void *arg)
{
	struct enet_mmio *m = (struct enet_mmio *)arg;
	return atomic_load_explicit(&m->posted->head, memory_order_acquire) ==
	       m->tail;
}

/* Tell the model about every queued write (once per activation). */
static inline void enet_mmio_flush(struct enet_mmio *m)
{
	if (!m->posted || m->flushed == m->tail)
		return;
	m->flushed = m->tail;
	m->doorbells++;
	sdvf_notify(m->pd, m->doorbell);
}

/* The interrupt ack this activation ends with reaches the model as a
 * notification too (core/pd.h, sdvf_irq_ack), and the model applies the
 * posted writes at every activation, whatever woke it: the writes queued
 * so far need no doorbell of their own.  Call it in place of
 * enet_mmio_flush, after the last write, when the activation acks. */
static inline void enet_mmio_told_by_ack(struct enet_mmio *m)
{
	if (m->posted)
		m->flushed = m->tail;
}

static inline void enet_mmio_sync(struct enet_mmio *m)
{
	if (!m->posted || enet_mmio_drained(m))
		return;
	enet_mmio_flush(m);
	m->waits++;
	if (!sdvf_wait(m->pd, enet_mmio_drained, m, ENET_WAIT_NS))
		m->timeouts++;
}

static inline bool enet_mmio_is_posted(const struct enet_mmio *m)
{
	return m->posted != NULL;
}

/* Did the last read see every write posted before it?  Always on real
 * MMIO; with the model, false when the read's wait gave up (the model's
 * process did not run in ENET_WAIT_NS) and the page was read stale. */
static inline bool enet_mmio_answered(struct enet_mmio *m)
{
	return !m->posted || enet_mmio_drained(m);
}

/* TDAR on the model's page, with the late clear the model published
 * (tdar_clear_ns above) applied.  A pair of reads that disagree means the
 * model moved meanwhile: read again, a few times, then take TDAR as set
 * (a kick skipped is not lost: enet_tx_keep_going kicks a frame that
 * still waits). */
static inline uint32_t enet_posted_tdar(struct enet_mmio *m)
{
	_Atomic uint64_t *clear = &m->posted->tdar_clear_ns;
	for (int tries = 0; tries < 4; tries++) {
		uint64_t at = atomic_load_explicit(clear, memory_order_acquire);
		uint32_t value = m->regs[ENET_TDAR / 4];
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(clear, memory_order_relaxed) != at)
			continue;
		if (at != 0 && sdvf_now_ns(m->pd) >= at)
			value &= ~ENET_TDAR_ACTIVE;
		return value;
	}
	return m->regs[ENET_TDAR / 4] | ENET_TDAR_ACTIVE;
}

static inline uint32_t enet_readl(struct enet_mmio *m, uint32_t offset)
{
	enet_mmio_sync(m);
	if (m->posted && offset == ENET_TDAR)
		return enet_posted_tdar(m);
	return m->regs[offset / 4];
}

/* EIR for the interrupt handler.  On posted MMIO it waits for the model
 * only while a write that can clear EIR (an EIR W1C, an ECR reset) is
 * still queued: other queued writes (RDAR, TDAR kicks) raise their events
 * later, through a new interrupt, and cannot make the page's EIR stale.
 * (Every EIR write moves clear_tail up to tail, so the signed difference
 * below cannot wrap while interrupts come; 2^31 writes without one would
 * cost a single wait.) */
static inline uint32_t enet_read_eir(struct enet_mmio *m)
{
	if (m->posted && (int32_t)(atomic_load_explicit(&m->posted->head,
							memory_order_acquire) -
				   m->clear_tail) >= 0)
		return m->regs[ENET_EIR / 4];
	return enet_readl(m, ENET_EIR);
}

static inline void enet_writel(struct enet_mmio *m, uint32_t offset,
			       uint32_t value)
{
	if (!m->posted) {
		m->regs_rw[offset / 4] = value;
		return;
	}
	uint32_t head =
		atomic_load_explicit(&m->posted->head, memory_order_acquire);
	if ((uint32_t)(m->tail - head) >= ENET_MMIO_RING)
		enet_mmio_sync(m); /* full: let the model catch up */
	/* Only an EIR clear is applied as of its stamp; other writes skip
	 * the load of a line the model writes at every event.  Acquire: what
	 * the driver reads after posting the clear (the BDs its reap looks
	 * at) is at least as new as the events counted. */
	uint32_t events = offset == ENET_EIR
				  ? atomic_load_explicit(&m->posted->events,
							 memory_order_acquire)
				  : 0;
	m->posted->ring[m->tail % ENET_MMIO_RING] =
		(struct enet_mmio_write){offset, value, events};
	m->tail++;
	if (offset == ENET_EIR || offset == ENET_ECR)
		m->clear_tail = m->tail;
	/* Release: the entry is written before the model can see tail. */
	atomic_store_explicit(&m->posted->tail, m->tail, memory_order_release);
}

#endif
