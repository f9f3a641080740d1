/*
 * What the ENET tests read of the driver's private state: the one file that
 * names fields of struct enet_driver (driver/enet/enet_driver.h), so that a
 * change to them is a change here.  Declared in enet_fixture.h.
 */
#include <string.h>

#include "driver/enet/enet_driver.h"
#include "tests/unit/enet_fixture.h"

static uint32_t in_pending(const struct enet_pending *fifo, uint64_t io)
{
	uint32_t n = 0;
	for (uint32_t i = fifo->head; i != fifo->tail; i++)
		n += fifo->desc[i % ENET_DRV_PENDING].io_or_offset == io;
	return n;
}

/* The MAC owns [head, tail) of a ring; rx_io/tx_io are the driver's own
 * copies of each BD's address. */
static uint32_t in_ring(const uint32_t *ios, uint32_t head, uint32_t tail,
			uint32_t slots, uint64_t io)
{
	uint32_t n = 0;
	for (uint32_t i = head; i != tail; i++)
		n += ios[i & (slots - 1)] == io;
	return n;
}

uint32_t enet_driver_holds(const struct enet_driver *drv, bool rx, uint64_t io)
{
	if (rx)
		return in_pending(&drv->rx_to_mux, io) +
		       in_ring(drv->rx_io, drv->rx_head, drv->rx_tail,
			       drv->rx_slots, io);
	return in_pending(&drv->tx_done_to_mux, io) +
	       in_ring(drv->tx_io, drv->tx_head, drv->tx_tail, drv->tx_slots,
		       io);
}

struct enet_driver_view enet_driver_view(const struct enet_driver *drv)
{
	struct enet_driver_view v = {
		.rx_posted = drv->rx_tail - drv->rx_head,
		.tx_posted = drv->tx_tail - drv->tx_head,
		.tdar_writes = drv->tdar_writes,
		.mmio_timeouts = drv->mmio.timeouts,
	};
	memcpy(v.mac, drv->mac, sizeof(v.mac));
	return v;
}
