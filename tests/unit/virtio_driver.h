/*
 * A driver-side harness for the virt/ tests: brings a device up through
 * its virtio-mmio registers in the order Linux's virtio_mmio.c and
 * virtio.c do (probe: magic, version, device id; reset; ACKNOWLEDGE;
 * DRIVER; features read by selector; driver features written by selector;
 * FEATURES_OK read back; per queue: select, QueueReady must read 0,
 * QueueNumMax, QueueNum, ring addresses, QueueReady 1; DRIVER_OK).
 * Header-only, beside tests/unit/virtio_guest.h.
 */
#ifndef SDVF_TESTS_VIRTIO_DRIVER_H
#define SDVF_TESTS_VIRTIO_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/unit/virtio_guest.h"
#include "virt/virtio_mmio.h"

static inline uint32_t drv_rd(struct virtio_mmio *t, uint32_t off)
{
	return virtio_mmio_read(t, off, 4);
}

static inline void drv_wr(struct virtio_mmio *t, uint32_t off, uint32_t v)
{
	virtio_mmio_write(t, off, 4, v);
}

static inline uint64_t drv_device_features(struct virtio_mmio *t)
{
	drv_wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	uint64_t f = (uint64_t)drv_rd(t, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	drv_wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return f | drv_rd(t, VIRTIO_MMIO_DEVICE_FEATURES);
}

static inline void drv_write_features(struct virtio_mmio *t, uint64_t f)
{
	drv_wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	drv_wr(t, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
	drv_wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	drv_wr(t, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
}

static inline void drv_add_status(struct virtio_mmio *t, uint32_t bits)
{
	drv_wr(t, VIRTIO_MMIO_STATUS, drv_rd(t, VIRTIO_MMIO_STATUS) | bits);
}

/* Probe, reset, negotiate `want` (masked by what is offered, as Linux
 * does); true if FEATURES_OK reads back set. */
static inline bool drv_negotiate(struct virtio_mmio *t, uint32_t device_id,
				 uint64_t want)
{
	if (drv_rd(t, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC ||
	    drv_rd(t, VIRTIO_MMIO_VERSION) != 2 ||
	    drv_rd(t, VIRTIO_MMIO_DEVICE_ID) != device_id)
		return false;
	drv_wr(t, VIRTIO_MMIO_STATUS, 0);
	drv_add_status(t, VIRTIO_STATUS_ACKNOWLEDGE);
	drv_add_status(t, VIRTIO_STATUS_DRIVER);
	drv_write_features(t, drv_device_features(t) & want);
	drv_add_status(t, VIRTIO_STATUS_FEATURES_OK);
	return (drv_rd(t, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK) != 0;
}

/* Set up queue qi over the driver queue v (num <= QueueNumMax). */
static inline bool drv_setup_queue(struct virtio_mmio *t, unsigned qi,
				   struct gvq *v)
{
	drv_wr(t, VIRTIO_MMIO_QUEUE_SEL, qi);
	if (drv_rd(t, VIRTIO_MMIO_QUEUE_READY) != 0)
		return false;
	uint32_t max = drv_rd(t, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (max == 0 || max < v->num)
		return false;
	drv_wr(t, VIRTIO_MMIO_QUEUE_NUM, v->num);
	drv_wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)v->desc);
	drv_wr(t, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(v->desc >> 32));
	drv_wr(t, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)v->avail);
	drv_wr(t, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(v->avail >> 32));
	drv_wr(t, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)v->used);
	drv_wr(t, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(v->used >> 32));
	drv_wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
	return drv_rd(t, VIRTIO_MMIO_QUEUE_READY) == 1;
}

static inline bool drv_driver_ok(struct virtio_mmio *t)
{
	drv_add_status(t, VIRTIO_STATUS_DRIVER_OK);
	return (drv_rd(t, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DRIVER_OK) != 0;
}

/* The interrupt handler's first step: read and acknowledge. */
static inline uint32_t drv_take_interrupt(struct virtio_mmio *t)
{
	uint32_t st = drv_rd(t, VIRTIO_MMIO_INTERRUPT_STATUS);
	drv_wr(t, VIRTIO_MMIO_INTERRUPT_ACK, st);
	return st;
}

#endif
