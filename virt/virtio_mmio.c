/*
 * virtio_mmio: the register file (virt/virtio_mmio.h has the rules).
 *
 * An access flows: width and offset checked (read_reg / write_reg), then
 * one register's effect: feature words by selector, the status state
 * machine (status_write), the selected queue's registers (queue_write),
 * a notification dispatched by the written index, or config space.
 */
#include "virt/virtio_mmio.h"

#include <stddef.h>

void virtio_mmio_init(struct virtio_mmio *t, const struct virtio_mmio_ops *ops,
		      void *dev, const struct virt_guest_mem *mem,
		      void (*raise_irq)(void *irq_ctx), void *irq_ctx)
{
	*t = (struct virtio_mmio){.ops = ops,
				  .dev = dev,
				  .mem = mem,
				  .raise_irq = raise_irq,
				  .irq_ctx = irq_ctx};
}

uint64_t virtio_mmio_offered(const struct virtio_mmio *t)
{
	return t->ops->features | VIRTIO_BIT(VIRTIO_F_VERSION_1) |
	       VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
	       VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX);
}

bool virtio_mmio_live(const struct virtio_mmio *t)
{
	return (t->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(t->status & VIRTIO_STATUS_NEEDS_RESET);
}

struct virtq *virtio_mmio_queue(struct virtio_mmio *t, uint16_t q)
{
	if (q >= t->ops->num_queues || !t->queue[q].ready)
		return NULL;
	return &t->queue[q];
}

static void interrupt(struct virtio_mmio *t, uint32_t bit)
{
	bool news = (t->interrupt_status & bit) == 0;
	/* Set before the interrupt: the guest's handler reads it first. */
	t->interrupt_status |= bit;
	/* Once per bit until the driver ACKs it: a driver reads the status,
	 * ACKs it and then looks at every ring (Linux's
	 * vm_interrupt), so used entries published while the bit is still
	 * set are found without another interrupt, which the VMM's
	 * edge-triggered SPI would turn into a handler run of two exits. */
	if (news)
		t->raise_irq(t->irq_ctx);
}

void virtio_mmio_needs_reset(struct virtio_mmio *t)
{
	if (t->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	t->count.needs_reset++;
	t->status |= VIRTIO_STATUS_NEEDS_RESET;
	if (t->status & VIRTIO_STATUS_DRIVER_OK)
		interrupt(t, VIRTIO_MMIO_INT_CONFIG);
}

void virtio_mmio_queue_done(struct virtio_mmio *t, uint16_t q)
{
	if (q >= t->ops->num_queues)
		return;
	struct virtq *vq = &t->queue[q];
	if (vq->broken) {
		virtio_mmio_needs_reset(t);
		return;
	}
	if (virtq_need_interrupt(vq))
		interrupt(t, VIRTIO_MMIO_INT_VRING);
}

void virtio_mmio_config_changed(struct virtio_mmio *t)
{
	t->config_generation++;
	if (t->status & VIRTIO_STATUS_DRIVER_OK)
		interrupt(t, VIRTIO_MMIO_INT_CONFIG);
}

static void device_reset(struct virtio_mmio *t)
{
	t->count.resets++;
	/* The device gives back what it holds before its queues vanish. */
	t->ops->reset(t->dev);
	for (unsigned q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++)
		virtq_reset(&t->queue[q]);
	t->status = 0;
	t->device_features_sel = t->driver_features_sel = 0;
	t->driver_features = t->features = 0;
	t->queue_sel = 0;
	t->interrupt_status = 0;
	t->shm_sel = 0;
}

static bool features_acceptable(const struct virtio_mmio *t)
{
	uint64_t asked = t->driver_features;
	return (asked & ~virtio_mmio_offered(t)) == 0 &&
	       (asked & VIRTIO_BIT(VIRTIO_F_VERSION_1)) != 0;
}

static void status_write(struct virtio_mmio *t, uint32_t val)
{
	if (val == 0) {
		device_reset(t);
		return;
	}
	/* NEEDS_RESET is the device's bit: the driver neither sets nor
	 * clears it; every other bit it may only add. */
	uint32_t mine = t->status & ~VIRTIO_STATUS_NEEDS_RESET;
	uint32_t want = val & ~VIRTIO_STATUS_NEEDS_RESET;
	if (mine & ~want) {
		t->count.bad_status++;
		return;
	}
	uint32_t added = want & ~mine;
	uint32_t need = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
	if (added & VIRTIO_STATUS_FEATURES_OK) {
		if (((mine | added) & need) != need ||
		    !features_acceptable(t)) {
			t->count.features_refused++;
			added &= ~VIRTIO_STATUS_FEATURES_OK;
		} else {
			t->features = t->driver_features;
		}
	}
	if ((added & VIRTIO_STATUS_DRIVER_OK) &&
	    !((mine | added) & VIRTIO_STATUS_FEATURES_OK)) {
		t->count.bad_status++;
		added &= ~VIRTIO_STATUS_DRIVER_OK;
	}
	t->status |= added;
	if ((added & VIRTIO_STATUS_DRIVER_OK) && t->ops->driver_ok)
		t->ops->driver_ok(t->dev);
}

static void set_low(uint64_t *v, uint32_t low)
{
	*v = (*v & 0xffffffff00000000ull) | low;
}

static void set_high(uint64_t *v, uint32_t high)
{
	*v = (*v & 0xffffffffull) | (uint64_t)high << 32;
}

/* The selected queue's registers: only while it exists and is not ready
 * (virtio 1.2, 4.2.2.3: the device must not see them change under it). */
static void queue_write(struct virtio_mmio *t, uint32_t off, uint32_t val)
{
	if (t->queue_sel >= t->ops->num_queues) {
		t->count.bad_queue_write++;
		return;
	}
	struct virtq *q = &t->queue[t->queue_sel];
	if (off == VIRTIO_MMIO_QUEUE_READY) {
		if (val == 0) {
			q->ready = false;
		} else if (!q->ready) {
			if (!(t->status & VIRTIO_STATUS_FEATURES_OK)) {
				t->count.bad_queue_write++;
				return;
			}
			uint64_t f = t->features;
			virtq_setup(q, t->mem, /* counts a refusal */
				    f & VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX),
				    f & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC));
		}
		return;
	}
	if (q->ready) {
		t->count.bad_queue_write++;
		return;
	}
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		if (val == 0 || val > t->ops->queue_num_max ||
		    (val & (val - 1)) != 0) {
			t->count.bad_queue_write++;
			return;
		}
		q->num = (uint16_t)val;
		return;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		set_low(&q->desc_gpa, val);
		return;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_high(&q->desc_gpa, val);
		return;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
		set_low(&q->avail_gpa, val);
		return;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		set_high(&q->avail_gpa, val);
		return;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
		set_low(&q->used_gpa, val);
		return;
	default: /* VIRTIO_MMIO_QUEUE_DEVICE_HIGH */
		set_high(&q->used_gpa, val);
		return;
	}
}

static void notify(struct virtio_mmio *t, uint32_t index)
{
	if (!virtio_mmio_live(t) || index >= t->ops->num_queues ||
	    !t->queue[index].ready) {
		t->count.bad_notify++;
		return;
	}
	t->ops->queue_notify(t->dev, (uint16_t)index);
	if (t->queue[index].broken)
		virtio_mmio_needs_reset(t);
}

static uint32_t read_reg(struct virtio_mmio *t, uint32_t off)
{
	const struct virtio_mmio_ops *ops = t->ops;
	bool queue_ok = t->queue_sel < ops->num_queues;
	uint64_t offered = virtio_mmio_offered(t);
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return 2;
	case VIRTIO_MMIO_DEVICE_ID:
		return ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return ops->vendor_id;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (t->device_features_sel > 1)
			return 0;
		return (uint32_t)(offered >> (32 * t->device_features_sel));
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return queue_ok ? ops->queue_num_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return queue_ok && t->queue[t->queue_sel].ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return t->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return t->status;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		return 0xffffffffu; /* no shared memory region: -1 */
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return t->config_generation;
	default: /* write-only or unknown */
		t->count.bad_offset++;
		return 0;
	}
}

static void write_reg(struct virtio_mmio *t, uint32_t off, uint32_t val)
{
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		t->device_features_sel = val;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (t->status & VIRTIO_STATUS_FEATURES_OK) {
			t->count.late_features++;
			return;
		}
		if (t->driver_features_sel == 0)
			set_low(&t->driver_features, val);
		else if (t->driver_features_sel == 1)
			set_high(&t->driver_features, val);
		else if (val != 0)
			t->count.features_refused++; /* no such feature */
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		t->driver_features_sel = val;
		return;
	case VIRTIO_MMIO_QUEUE_SEL:
		t->queue_sel = val;
		return;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_READY:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		queue_write(t, off, val);
		return;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		notify(t, val);
		return;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		t->interrupt_status &= ~val;
		return;
	case VIRTIO_MMIO_STATUS:
		status_write(t, val);
		return;
	case VIRTIO_MMIO_SHM_SEL:
		t->shm_sel = val;
		return;
	default: /* read-only or unknown */
		t->count.bad_offset++;
		return;
	}
}

/* Config space: widths 1, 2 and 4, aligned, inside config_size. */
static bool config_ok(struct virtio_mmio *t, uint32_t off, uint32_t width)
{
	bool ok = (width == 1 || width == 2 || width == 4) &&
		  off % width == 0 && off <= t->ops->config_size &&
		  width <= t->ops->config_size - off;
	if (!ok)
		t->count.bad_config++;
	return ok;
}

uint32_t virtio_mmio_read(struct virtio_mmio *t, uint32_t off, uint32_t width)
{
	if (off >= VIRTIO_MMIO_CONFIG) {
		off -= VIRTIO_MMIO_CONFIG;
		if (!config_ok(t, off, width))
			return 0;
		uint32_t val = 0; /* little-endian, as the spec lays it out */
		for (uint32_t i = 0; i < width; i++)
			val |= (uint32_t)t->ops->config_byte(t->dev, off + i)
			       << (8 * i);
		return val;
	}
	if (width != 4 || off % 4 != 0) {
		t->count.bad_width++;
		return 0;
	}
	return read_reg(t, off);
}

void virtio_mmio_write(struct virtio_mmio *t, uint32_t off, uint32_t width,
		       uint32_t val)
{
	if (off >= VIRTIO_MMIO_CONFIG) {
		off -= VIRTIO_MMIO_CONFIG;
		if (!config_ok(t, off, width))
			return;
		if (!t->ops->config_write) {
			t->count.bad_config++;
			return;
		}
		t->ops->config_write(t->dev, off, width, val);
		return;
	}
	if (width != 4 || off % 4 != 0) {
		t->count.bad_width++;
		return;
	}
	write_reg(t, off, val);
}
