/*
 * virtq: split virtqueue, device side (virt/virtq.h has the protocol).
 *
 * A chain flows top to bottom: the avail idx is load-acquired once, the
 * head read once, each descriptor copied once into private memory and
 * checked there (never re-read from the guest), then its data is copied by
 * the device through the checked host pointers, and finally {head, len}
 * goes to the used ring, published by one release-store of used idx.
 */
#include "virt/virtq.h"

#include <stddef.h>

#include "core/bytes.h"

#define DESC_SIZE 16u

/* Byte offsets inside the avail and used rings (virtio 1.2, 2.7.6, 2.7.8). */
#define AVAIL_FLAGS 0u
#define AVAIL_IDX 2u
#define AVAIL_RING(i) (4u + 2u * (uint32_t)(i))
#define USED_FLAGS 0u
#define USED_IDX 2u
#define USED_RING(i) (4u + 8u * (uint32_t)(i))

void *virt_guest_ptr(const struct virt_guest_mem *mem, uint64_t gpa,
		     uint64_t len)
{
	if (gpa < mem->gpa)
		return NULL;
	uint64_t off = gpa - mem->gpa;
	if (off > mem->size || len > mem->size - off)
		return NULL;
	return mem->base + off;
}

/* Guest-shared 16-bit fields, each access one load or store. */
static uint16_t load16(const uint8_t *p, int order)
{
	return __atomic_load_n((const uint16_t *)p, order);
}

static void store16(uint8_t *p, uint16_t v, int order)
{
	__atomic_store_n((uint16_t *)p, v, order);
}

void virtq_reset(struct virtq *q)
{
	struct virtq_counters count = q->count;
	*q = (struct virtq){.count = count};
}

bool virtq_setup(struct virtq *q, const struct virt_guest_mem *mem,
		 bool event_idx, bool indirect)
{
	uint32_t n = q->num;
	/* Alignments of virtio 1.2 2.7: desc 16, avail 2, used 4. */
	bool ok = n != 0 && n <= VIRTQ_NUM_MAX && (n & (n - 1)) == 0 &&
		  q->desc_gpa % 16 == 0 && q->avail_gpa % 2 == 0 &&
		  q->used_gpa % 4 == 0;
	const uint8_t *desc =
		ok ? virt_guest_ptr(mem, q->desc_gpa, DESC_SIZE * n) : NULL;
	uint8_t *avail =
		ok ? virt_guest_ptr(mem, q->avail_gpa, 6u + 2u * n) : NULL;
	uint8_t *used =
		ok ? virt_guest_ptr(mem, q->used_gpa, 6u + 8u * n) : NULL;
	/* Host alignment follows from the guest's only if base is aligned. */
	if (!desc || !avail || !used || (uintptr_t)desc % 16 != 0 ||
	    (uintptr_t)avail % 2 != 0 || (uintptr_t)used % 4 != 0) {
		q->count.bad_setup++;
		q->ready = false;
		return false;
	}
	q->mem = mem;
	q->desc = desc;
	q->avail = avail;
	q->used = used;
	q->event_idx = event_idx;
	q->indirect = indirect;
	q->broken = false;
	q->last_avail = q->used_idx = q->used_published = 0;
	q->used_signalled = 0;
	q->ready = true;
	return true;
}

static enum virtq_pop_result refuse(struct virtq *q, uint64_t *counter)
{
	(*counter)++;
	q->broken = true;
	return VIRTQ_BROKEN;
}

uint16_t virtq_pending(struct virtq *q)
{
	if (!q->ready || q->broken)
		return 0;
	/* Acquire: the ring entries below idx are visible after this load. */
	uint16_t avail_idx = load16(q->avail + AVAIL_IDX, __ATOMIC_ACQUIRE);
	uint16_t ahead = (uint16_t)(avail_idx - q->last_avail);
	if (ahead > q->num) {
		refuse(q, &q->count.avail_jump);
		return 0;
	}
	return ahead;
}

/* A descriptor as read once from a table: private from here on. */
struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static struct desc read_desc(const uint8_t *table, uint16_t i)
{
	uint8_t raw[DESC_SIZE];
	sdvf_copy(raw, table + (uint32_t)i * DESC_SIZE, DESC_SIZE);
	struct desc d;
	sdvf_copy(&d.addr, raw, 8);
	sdvf_copy(&d.len, raw + 8, 4);
	sdvf_copy(&d.flags, raw + 12, 2);
	sdvf_copy(&d.next, raw + 14, 2);
	return d;
}

/* An INDIRECT descriptor's table (virtio 1.2, 2.7.5.3): negotiated, not
 * itself inside an indirect table, without NEXT, a whole number of
 * descriptors (1..VIRTQ_NUM_MAX), inside guest RAM.  NULL if refused. */
static const uint8_t *indirect_table(struct virtq *q, const struct desc *d,
				     bool nested, uint32_t *n)
{
	if (!q->indirect || nested || (d->flags & VIRTQ_DESC_F_NEXT) ||
	    d->len == 0 || d->len % DESC_SIZE != 0 ||
	    d->len / DESC_SIZE > VIRTQ_NUM_MAX) {
		refuse(q, &q->count.indirect);
		return NULL;
	}
	const uint8_t *table = virt_guest_ptr(q->mem, d->addr, d->len);
	if (!table)
		refuse(q, &q->count.bad_addr);
	*n = d->len / DESC_SIZE;
	return table;
}

/* One checked segment onto the chain. */
static bool add_seg(struct virtq *q, struct virtq_chain *c,
		    const struct desc *d)
{
	struct virtq_seg *seg = &c->seg[c->nseg];
	seg->host = virt_guest_ptr(q->mem, d->addr, d->len);
	if (!seg->host) {
		refuse(q, &q->count.bad_addr);
		return false;
	}
	seg->len = d->len;
	seg->write = (d->flags & VIRTQ_DESC_F_WRITE) != 0;
	if (!seg->write && c->writable != 0) {
		refuse(q, &q->count.bad_order);
		return false;
	}
	/* Saturate: no device needs more than 4 GiB of a chain, and the
	 * sums of up to VIRTQ_NUM_MAX lengths would overflow 32 bits. */
	uint32_t *sum = seg->write ? &c->writable : &c->readable;
	*sum = seg->len > UINT32_MAX - *sum ? UINT32_MAX : *sum + seg->len;
	c->nseg++;
	return true;
}

enum virtq_pop_result virtq_pop(struct virtq *q, struct virtq_chain *c)
{
	if (!q->ready)
		return VIRTQ_EMPTY;
	if (q->broken)
		return VIRTQ_BROKEN;
	if (virtq_pending(q) == 0)
		return q->broken ? VIRTQ_BROKEN : VIRTQ_EMPTY;
	uint16_t slot = q->last_avail & (uint16_t)(q->num - 1);
	uint16_t head = load16(q->avail + AVAIL_RING(slot), __ATOMIC_RELAXED);
	if (head >= q->num)
		return refuse(q, &q->count.bad_head);
	*c = (struct virtq_chain){.head = head};
	const uint8_t *table = q->desc;
	uint32_t table_n = q->num, steps = 0;
	bool nested = false;
	uint16_t i = head;
	for (;;) {
		/* A walk visits each descriptor of its table at most once,
		 * so more steps than the table has means a loop. */
		if (steps == table_n || c->nseg == VIRTQ_NUM_MAX)
			return refuse(q, &q->count.chain_too_long);
		steps++;
		struct desc d = read_desc(table, i);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			table = indirect_table(q, &d, nested, &table_n);
			if (!table)
				return VIRTQ_BROKEN;
			nested = true;
			steps = 0;
			i = 0;
			continue;
		}
		if (!add_seg(q, c, &d))
			return VIRTQ_BROKEN;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		if (d.next >= table_n)
			return refuse(q, &q->count.bad_head);
		i = d.next;
	}
	q->last_avail++;
	return VIRTQ_CHAIN;
}

void virtq_unpop(struct virtq *q, uint16_t n)
{
	q->last_avail = (uint16_t)(q->last_avail - n);
}

/* Copy between buf and the segments of one direction, piece by piece. */
static bool chain_copy(const struct virtq_chain *c, bool write, uint32_t off,
		       uint8_t *buf, uint32_t len)
{
	for (uint16_t s = 0; s < c->nseg && len != 0; s++) {
		const struct virtq_seg *seg = &c->seg[s];
		if (seg->write != write)
			continue;
		if (off >= seg->len) {
			off -= seg->len;
			continue;
		}
		uint32_t piece = seg->len - off < len ? seg->len - off : len;
		if (write)
			sdvf_copy(seg->host + off, buf, piece);
		else
			sdvf_copy(buf, seg->host + off, piece);
		buf += piece;
		len -= piece;
		off = 0;
	}
	return len == 0;
}

bool virtq_chain_read(const struct virtq_chain *c, uint32_t off, void *dst,
		      uint32_t len)
{
	return chain_copy(c, false, off, dst, len);
}

bool virtq_chain_write(const struct virtq_chain *c, uint32_t off,
		       const void *src, uint32_t len)
{
	return chain_copy(c, true, off, (uint8_t *)src, len);
}

void virtq_push(struct virtq *q, uint16_t head, uint32_t len)
{
	uint16_t slot = q->used_idx & (uint16_t)(q->num - 1);
	uint8_t *e = q->used + USED_RING(slot);
	/* Invisible to the guest until the release-store of used idx. */
	sdvf_copy(e, &(uint32_t){head}, 4);
	sdvf_copy(e + 4, &len, 4);
	q->used_idx++;
}

void virtq_publish(struct virtq *q)
{
	if (!q->ready || q->used_published == q->used_idx)
		return;
	store16(q->used + USED_IDX, q->used_idx, __ATOMIC_RELEASE);
	q->used_published = q->used_idx;
}

bool virtq_need_interrupt(struct virtq *q)
{
	if (!q->ready)
		return false;
	uint16_t old = q->used_signalled, now = q->used_published;
	if (old == now)
		return false;
	q->used_signalled = now;
	/* Our used idx store must be visible before we read the guest's
	 * suppression fields, or both sides may skip the interrupt. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (q->event_idx) {
		uint16_t used_event =
			load16(q->avail + AVAIL_RING(q->num), __ATOMIC_RELAXED);
		return virtq_need_event(used_event, now, old);
	}
	return !(load16(q->avail + AVAIL_FLAGS, __ATOMIC_RELAXED) &
		 VIRTQ_AVAIL_F_NO_INTERRUPT);
}

void virtq_quiet(struct virtq *q)
{
	if (q->ready && !q->event_idx)
		store16(q->used + USED_FLAGS, VIRTQ_USED_F_NO_NOTIFY,
			__ATOMIC_RELAXED);
}

bool virtq_idle(struct virtq *q)
{
	if (!q->ready || q->broken)
		return true;
	if (q->event_idx)
		store16(q->used + USED_RING(q->num), q->last_avail,
			__ATOMIC_RELAXED);
	else
		store16(q->used + USED_FLAGS, 0, __ATOMIC_RELAXED);
	/* The request must be visible before we re-read avail idx, or a
	 * chain made available meanwhile is neither seen nor notified. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return virtq_pending(q) == 0;
}

uint16_t virtq_want_more(struct virtq *q)
{
	uint16_t pending = virtq_pending(q);
	if (!q->ready || q->broken)
		return 0;
	if (q->event_idx)
		store16(q->used + USED_RING(q->num),
			(uint16_t)(q->last_avail + pending), __ATOMIC_RELAXED);
	else
		store16(q->used + USED_FLAGS, 0, __ATOMIC_RELAXED);
	/* As in virtq_idle: the request before the re-read. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return virtq_pending(q);
}
