/*
 * virtq: the device side of a virtio split virtqueue (virtio 1.2, 2.7) over
 * a view of guest memory.
 *
 * Trust.  The guest (the driver) is not trusted.  Everything it wrote is
 * read once into private memory and checked before use: the avail index
 * (at most `num` ahead of the last one seen), each head and next index
 * (< num), each descriptor's address and length (inside guest RAM, no
 * overflow, nothing straddling its end), the chain's length (at most `num`
 * descriptors, so a loop ends), the order of its segments (device-readable
 * before device-writable), and INDIRECT tables (only if negotiated; not
 * nested, no NEXT beside it, 1..VIRTQ_NUM_MAX whole descriptors inside
 * guest RAM, walked from entry 0 with the same loop bound).  A
 * violation is counted and marks the queue broken: it serves nothing more
 * until reset (the transport then sets DEVICE_NEEDS_RESET).
 *
 * The rings live in guest memory and are shared with the guest's driver
 * (virtio 1.2, 2.7.6-2.7.8; all little-endian, as both hosts are):
 *     desc[num]   {addr, len, flags, next}   written by the driver; read
 *                                            once per use by the device
 *     avail       flags     (driver) NO_INTERRUPT hint
 *                 idx       (driver) release-stored after ring[];
 *                                    the device load-acquires it
 *                 ring[num] (driver) heads, valid below idx
 *                 used_event (driver, EVENT_IDX) interrupt me past this
 *     used        flags     (device) NO_NOTIFY hint
 *                 idx       (device) release-stored after ring[]
 *                 ring[num] (device) {id, len} of each finished chain
 *                 avail_event (device, EVENT_IDX) notify me past this
 *
 * Device side, one activation (the same drain / request-signal / re-check
 * shape as core/pd_queue.h):
 *     virtq_quiet(q);                     no notifications while we work
 *     while (virtq_pop(q, &c) == VIRTQ_CHAIN) { ... virtq_push(q, ...); }
 *     if (!virtq_idle(q)) loop again;     ask for a notification, re-check
 *     virtq_publish(q);                   one release-store of used idx
 *     if (virtq_need_interrupt(q)) raise the interrupt;
 *
 * State: struct virtq is private to the device (one writer, no ordering).
 *
 * Portable: freestanding C11.
 */
#ifndef SDVF_VIRTQ_H
#define SDVF_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "virtio rings are little-endian; this code reads them natively");

/* The largest queue a device offers (QueueNumMax). */
#define VIRTQ_NUM_MAX 256u

#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_DESC_F_INDIRECT 4u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
#define VIRTQ_USED_F_NO_NOTIFY 1u

/* Guest RAM as this process sees it: guest-physical [gpa, gpa + size) is at
 * host address base. */
struct virt_guest_mem {
	uint8_t *base;
	uint64_t gpa;
	uint64_t size;
};

/* Host address of guest-physical [gpa, gpa + len), or NULL unless the whole
 * range lies inside guest RAM (overflow-safe; len 0 is a valid point). */
void *virt_guest_ptr(const struct virt_guest_mem *mem, uint64_t gpa,
		     uint64_t len);

/* One descriptor of a chain, read once and validated. */
struct virtq_seg {
	uint8_t *host; /* guest memory: the guest may change it under us */
	uint32_t len;
	bool write; /* device-writable */
};

/* A chain acquired from the avail ring. */
struct virtq_chain {
	uint16_t head;
	uint16_t nseg;
	uint32_t readable; /* bytes in device-readable segments */
	uint32_t writable; /* bytes in device-writable segments */
	struct virtq_seg seg[VIRTQ_NUM_MAX];
};

/* Refusals, one counter each (the device or VMM publishes them). */
struct virtq_counters {
	uint64_t avail_jump;	 /* avail idx more than num ahead */
	uint64_t bad_head;	 /* head or next index >= num */
	uint64_t bad_addr;	 /* descriptor range outside guest RAM */
	uint64_t chain_too_long; /* more than num descriptors: a loop */
	uint64_t bad_order;	 /* readable descriptor after a writable one */
	uint64_t indirect;	 /* INDIRECT not negotiated, nested or bad */
	uint64_t bad_setup; /* QueueReady=1 with bad size or ring address */
};

struct virtq {
	/* Set up by the transport while the queue is not ready. */
	uint16_t num;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	bool ready;
	bool event_idx; /* VIRTIO_F_EVENT_IDX negotiated */
	bool indirect;	/* VIRTIO_F_INDIRECT_DESC negotiated */
	/* Device state, valid while ready. */
	bool broken;
	const struct virt_guest_mem *mem;
	const uint8_t *desc;
	uint8_t *avail, *used;
	uint16_t last_avail;	 /* next avail ring slot to read */
	uint16_t used_idx;	 /* next used ring slot to fill */
	uint16_t used_published; /* used idx the guest can see */
	uint16_t used_signalled; /* used idx at the last interrupt decision */
	struct virtq_counters count;
};

/* Back to the state after device reset (counters kept). */
void virtq_reset(struct virtq *q);

/* Map the rings: num a power of two <= VIRTQ_NUM_MAX, each ring aligned
 * and inside guest RAM.  False (counted bad_setup) leaves it not ready.
 * event_idx and indirect say which ring features were negotiated. */
bool virtq_setup(struct virtq *q, const struct virt_guest_mem *mem,
		 bool event_idx, bool indirect);

enum virtq_pop_result { VIRTQ_EMPTY, VIRTQ_CHAIN, VIRTQ_BROKEN };

/* Acquire the next chain.  VIRTQ_BROKEN after any violation (counted). */
enum virtq_pop_result virtq_pop(struct virtq *q, struct virtq_chain *c);

/* Give back the last n chains popped and not pushed: they are read again
 * (and checked again) by the next pop. */
void virtq_unpop(struct virtq *q, uint16_t n);

/* Chains the guest has made available past the ones popped (0 if broken). */
uint16_t virtq_pending(struct virtq *q);

/* Copy out of the readable segments from byte `off`; false (nothing
 * reliable copied) if the chain holds fewer than off + len such bytes. */
bool virtq_chain_read(const struct virtq_chain *c, uint32_t off, void *dst,
		      uint32_t len);

/* Copy into the writable segments at byte `off`; false as above. */
bool virtq_chain_write(const struct virtq_chain *c, uint32_t off,
		       const void *src, uint32_t len);

/* Fill the next used slot with {head, len}; the guest sees it only after
 * virtq_publish. */
void virtq_push(struct virtq *q, uint16_t head, uint32_t len);

/* Release-store used idx once for every push since the last publish. */
void virtq_publish(struct virtq *q);

/* Whether the guest asked for an interrupt for what was published since
 * the last call (used_event with EVENT_IDX, else NO_INTERRUPT). */
bool virtq_need_interrupt(struct virtq *q);

/* Ask the guest not to notify (NO_NOTIFY; with EVENT_IDX nothing: the
 * stale avail_event already says so). */
void virtq_quiet(struct virtq *q);

/* Ask for a notification at the next avail entry, then re-check: true if
 * the queue is still empty (or broken), false if a chain came meanwhile. */
bool virtq_idle(struct virtq *q);

/* Ask for a notification when the guest makes more chains available than
 * it has now (a merged RX frame waiting for more buffers), then re-check:
 * the chains pending now. */
uint16_t virtq_want_more(struct virtq *q);

/* vring_need_event: true if moving from old to new_idx passed event
 * (all mod 2^16). */
static inline bool virtq_need_event(uint16_t event, uint16_t new_idx,
				    uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

#endif
