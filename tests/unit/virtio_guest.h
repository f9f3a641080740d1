/*
 * A synthetic guest for the virt/ tests: RAM (malloc'ed, at guest-physical
 * GUEST_GPA) and a driver-side split virtqueue, written the way Linux's
 * virtio_ring.c lays it out (descriptor table, avail ring, used ring, one
 * page each) so a test can post chains, forge entries and read used.
 * Header-only: each test program includes it once.
 */
#ifndef SDVF_TESTS_VIRTIO_GUEST_H
#define SDVF_TESTS_VIRTIO_GUEST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "virt/virtq.h"

#define GUEST_GPA 0x40000000ull
#define GUEST_SIZE (1024u * 1024u)
/* Rings of queue q at GUEST_GPA + q * 3 pages; buffers from BUF_AREA. */
#define GUEST_RING_GPA(q) (GUEST_GPA + (uint64_t)(q)*3u * 4096u)
#define GUEST_BUF_AREA (GUEST_GPA + 64u * 1024u)

struct guest {
	struct virt_guest_mem mem;
};

static inline void guest_init(struct guest *g)
{
	/* 4 KiB aligned as guest RAM is, so ring alignment carries over. */
	g->mem.base = aligned_alloc(4096, GUEST_SIZE);
	memset(g->mem.base, 0, GUEST_SIZE);
	g->mem.gpa = GUEST_GPA;
	g->mem.size = GUEST_SIZE;
}

static inline void guest_fini(struct guest *g)
{
	free(g->mem.base);
}

static inline uint8_t *guest_at(struct guest *g, uint64_t gpa)
{
	return g->mem.base + (gpa - GUEST_GPA);
}

/* The driver's side of one queue. */
struct gvq {
	struct guest *g;
	uint16_t num;
	uint64_t desc, avail, used;
	uint16_t avail_idx; /* next avail idx the driver publishes */
	uint16_t used_seen; /* used entries consumed */
	uint16_t next_desc; /* descriptors handed out round-robin */
};

static inline void gvq_init(struct gvq *v, struct guest *g, unsigned qi,
			    uint16_t num)
{
	*v = (struct gvq){.g = g, .num = num};
	v->desc = GUEST_RING_GPA(qi);
	v->avail = v->desc + 4096u;
	v->used = v->avail + 4096u;
	memset(guest_at(g, v->desc), 0, 3u * 4096u);
}

static inline void gvq_set_desc(struct gvq *v, uint16_t i, uint64_t addr,
				uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = guest_at(v->g, v->desc) + 16u * i;
	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

static inline void gvq_avail_put(struct gvq *v, uint16_t head)
{
	uint8_t *a = guest_at(v->g, v->avail);
	uint16_t slot = v->avail_idx & (v->num - 1);
	memcpy(a + 4 + 2u * slot, &head, 2);
	v->avail_idx++;
	__atomic_store_n((uint16_t *)(a + 2), v->avail_idx, __ATOMIC_RELEASE);
}

static inline void gvq_set_avail_idx(struct gvq *v, uint16_t idx)
{
	v->avail_idx = idx;
	memcpy(guest_at(v->g, v->avail) + 2, &idx, 2);
}

static inline void gvq_set_avail_flags(struct gvq *v, uint16_t flags)
{
	memcpy(guest_at(v->g, v->avail), &flags, 2);
}

static inline void gvq_set_used_event(struct gvq *v, uint16_t ev)
{
	memcpy(guest_at(v->g, v->avail) + 4 + 2u * v->num, &ev, 2);
}

static inline uint16_t gvq_used_flags(struct gvq *v)
{
	uint16_t f;
	memcpy(&f, guest_at(v->g, v->used), 2);
	return f;
}

static inline uint16_t gvq_used_idx(struct gvq *v)
{
	uint16_t i;
	memcpy(&i, guest_at(v->g, v->used) + 2, 2);
	return i;
}

static inline uint16_t gvq_avail_event(struct gvq *v)
{
	uint16_t e;
	memcpy(&e, guest_at(v->g, v->used) + 4 + 8u * v->num, 2);
	return e;
}

/* The next used entry, if any: {id, len}. */
static inline int gvq_get_used(struct gvq *v, uint32_t *id, uint32_t *len)
{
	if (v->used_seen == gvq_used_idx(v))
		return 0;
	uint8_t *e = guest_at(v->g, v->used) + 4 +
		     8u * (v->used_seen & (v->num - 1));
	memcpy(id, e, 4);
	memcpy(len, e + 4, 4);
	v->used_seen++;
	return 1;
}

/* Post a one-descriptor buffer at gpa; returns its descriptor index. */
static inline uint16_t gvq_post1(struct gvq *v, uint64_t gpa, uint32_t len,
				 uint16_t flags)
{
	uint16_t d = v->next_desc++ & (v->num - 1);
	gvq_set_desc(v, d, gpa, len, flags, 0);
	gvq_avail_put(v, d);
	return d;
}

/* Point a virtq at this driver queue, as the transport would. */
static inline void gvq_to_virtq(const struct gvq *v, struct virtq *q)
{
	q->num = v->num;
	q->desc_gpa = v->desc;
	q->avail_gpa = v->avail;
	q->used_gpa = v->used;
}

#endif
