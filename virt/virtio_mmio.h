/*
 * virtio_mmio: the virtio-mmio version 2 transport, device side (virtio
 * 1.2, 4.2.2): one register file, its status state machine and the
 * virtqueues it configures, independent of the device type.
 *
 * Trust.  Every register access comes from the guest, which is not
 * trusted.  Control registers (below 0x100) take only aligned 32-bit
 * accesses; any other width, an unknown offset, a read of a write-only
 * register or a write to a read-only one reads 0 / is ignored, and is
 * counted.  The driver may only add status bits (clearing one is refused;
 * writing 0 resets the device); FEATURES_OK is refused unless
 * ACKNOWLEDGE and DRIVER are set, VERSION_1 was accepted and nothing
 * beyond the offered features was; DRIVER_OK needs FEATURES_OK.  Features
 * are fixed once FEATURES_OK is set (later DriverFeatures writes counted
 * and ignored).  Queue registers are writable only while that queue is
 * not ready; QueueReady=1 needs FEATURES_OK and a valid ring (virtq_setup).
 * A notification for an unknown or unready queue, or before DRIVER_OK, is
 * counted and dropped.  A broken queue (virt/virtq.h) sets
 * DEVICE_NEEDS_RESET with a configuration-change interrupt.
 *
 * Who calls what (all from the VMM's single thread):
 *     vCPU MMIO exit -> virtio_mmio_read / virtio_mmio_write
 *     the transport  -> ops->queue_notify / reset / driver_ok / config_*
 *     the device     -> virtio_mmio_queue_done (used published: maybe
 *                       interrupt), virtio_mmio_config_changed,
 *                       virtio_mmio_needs_reset
 *     the transport  -> raise_irq(irq_ctx) after setting InterruptStatus
 *
 * State: struct virtio_mmio is private to the VMM (one writer, no
 * ordering); the queues' rings are in guest memory (virt/virtq.h).
 *
 * Portable: freestanding C11.
 */
#ifndef SDVF_VIRTIO_MMIO_H
#define SDVF_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "virt/virtq.h"

/* Register offsets (virtio 1.2, table 4.1). */
#define VIRTIO_MMIO_MAGIC_VALUE 0x000u
#define VIRTIO_MMIO_VERSION 0x004u
#define VIRTIO_MMIO_DEVICE_ID 0x008u
#define VIRTIO_MMIO_VENDOR_ID 0x00cu
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010u
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014u
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020u
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024u
#define VIRTIO_MMIO_QUEUE_SEL 0x030u
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034u
#define VIRTIO_MMIO_QUEUE_NUM 0x038u
#define VIRTIO_MMIO_QUEUE_READY 0x044u
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050u
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060u
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064u
#define VIRTIO_MMIO_STATUS 0x070u
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080u
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084u
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090u
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094u
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0u
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4u
#define VIRTIO_MMIO_SHM_SEL 0x0acu
#define VIRTIO_MMIO_SHM_LEN_LOW 0x0b0u
#define VIRTIO_MMIO_SHM_LEN_HIGH 0x0b4u
#define VIRTIO_MMIO_SHM_BASE_LOW 0x0b8u
#define VIRTIO_MMIO_SHM_BASE_HIGH 0x0bcu
#define VIRTIO_MMIO_QUEUE_RESET 0x0c0u
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fcu
#define VIRTIO_MMIO_CONFIG 0x100u
/* The size of the register window (control registers + config space). */
#define VIRTIO_MMIO_WINDOW 0x200u

#define VIRTIO_MMIO_MAGIC 0x74726976u /* "virt" */

/* Device status bits (virtio 1.2, 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED 128u

/* InterruptStatus bits. */
#define VIRTIO_MMIO_INT_VRING 1u
#define VIRTIO_MMIO_INT_CONFIG 2u

/* Transport feature bits the virtqueues implement. */
#define VIRTIO_F_INDIRECT_DESC 28u
#define VIRTIO_F_RING_EVENT_IDX 29u
#define VIRTIO_F_VERSION_1 32u
#define VIRTIO_BIT(b) (1ull << (b))

/* The most queues a device may have. */
#define VIRTIO_MMIO_MAX_QUEUES 4u

/* What a device type supplies.  `dev` is its state. */
struct virtio_mmio_ops {
	uint32_t device_id;
	uint32_t vendor_id;
	uint64_t features; /* device-specific bits; the transport adds
			      VERSION_1, INDIRECT_DESC, RING_EVENT_IDX */
	uint16_t num_queues;
	uint16_t queue_num_max; /* <= VIRTQ_NUM_MAX, a power of two */
	uint32_t config_size;	/* bytes of config space */
	/* Config space byte `off` (< config_size). */
	uint8_t (*config_byte)(void *dev, uint32_t off);
	/* A config write the device accepts, or NULL (writes counted and
	 * ignored).  off + width <= config_size. */
	void (*config_write)(void *dev, uint32_t off, uint32_t width,
			     uint32_t val);
	/* The guest notified ready queue q (after DRIVER_OK). */
	void (*queue_notify)(void *dev, uint16_t q);
	/* Device reset: give back everything held for the guest. */
	void (*reset)(void *dev);
	/* DRIVER_OK was just set, or NULL: buffers the driver may have posted
	 * before it (without a notification the device could act on). */
	void (*driver_ok)(void *dev);
};

struct virtio_mmio_counters {
	uint64_t bad_width;	   /* control access not aligned 32-bit */
	uint64_t bad_offset;	   /* unknown offset, wrong direction */
	uint64_t bad_config;	   /* config access outside or unwritable */
	uint64_t bad_status;	   /* status write clearing bits or early */
	uint64_t features_refused; /* FEATURES_OK not granted */
	uint64_t late_features;	   /* DriverFeatures after FEATURES_OK */
	uint64_t bad_queue_write;  /* queue register: bad sel or ready */
	uint64_t bad_notify;	   /* unknown or unready queue, or early */
	uint64_t needs_reset;	   /* DEVICE_NEEDS_RESET raised */
	uint64_t resets;	   /* device resets by the driver */
};

struct virtio_mmio {
	const struct virtio_mmio_ops *ops;
	void *dev;
	const struct virt_guest_mem *mem;
	void (*raise_irq)(void *irq_ctx);
	void *irq_ctx;
	/* The register file. */
	uint32_t status;
	uint32_t device_features_sel, driver_features_sel;
	uint64_t driver_features; /* as written by the driver */
	uint64_t features;	  /* negotiated: valid with FEATURES_OK */
	uint32_t queue_sel;
	uint32_t interrupt_status;
	uint32_t config_generation;
	uint32_t shm_sel;
	struct virtq queue[VIRTIO_MMIO_MAX_QUEUES];
	struct virtio_mmio_counters count;
};

/* Set up the transport for one device, in the reset state. */
void virtio_mmio_init(struct virtio_mmio *t, const struct virtio_mmio_ops *ops,
		      void *dev, const struct virt_guest_mem *mem,
		      void (*raise_irq)(void *irq_ctx), void *irq_ctx);

/* A guest access at `off` in the window, of `width` bytes (1, 2, 4, 8). */
uint32_t virtio_mmio_read(struct virtio_mmio *t, uint32_t off, uint32_t width);
void virtio_mmio_write(struct virtio_mmio *t, uint32_t off, uint32_t width,
		       uint32_t val);

/* Offered features: the device's plus the transport's. */
uint64_t virtio_mmio_offered(const struct virtio_mmio *t);

/* Whether the device may run: DRIVER_OK set and NEEDS_RESET not. */
bool virtio_mmio_live(const struct virtio_mmio *t);

/* Queue q if it exists and is ready, else NULL. */
struct virtq *virtio_mmio_queue(struct virtio_mmio *t, uint16_t q);

/* The device published used entries on queue q: interrupt the guest if
 * the queue asks for it; a broken queue raises NEEDS_RESET instead. */
void virtio_mmio_queue_done(struct virtio_mmio *t, uint16_t q);

/* The device changed its config space: new generation, interrupt. */
void virtio_mmio_config_changed(struct virtio_mmio *t);

/* A protocol violation: DEVICE_NEEDS_RESET and, after DRIVER_OK, a
 * configuration-change interrupt (virtio 1.2, 2.1.2). */
void virtio_mmio_needs_reset(struct virtio_mmio *t);

#endif
