/*
 * enet_model_host.h: the "host" PD that plays the driver in front of the
 * ENET model (driver/enet/model/enet_model.h) in the sim, for the
 * test_enet_model_* programs (through enet_model_fixture.h) and for the
 * fuzz harness tests/fuzz/fuzz_enet_model.c.  It writes registers through
 * the posted-MMIO accessor and reaches the rings and packet buffers as a
 * driver sees them; it counts the model's interrupts and acks them only
 * when auto_ack is set (the fuzz harness never sets it: its input acks).
 *
 * The description names the component "test_host" and grants it
 * enet_regs (r), enet_mmio, enet_rings and the channels irq and mmio;
 * bufs and ro_bufs (rw) are optional, NULL when not granted (the fuzz
 * harness grants neither).  The addresses below are the unit tests'
 * layout; rx_ring and tx_ring point into enet_rings by it.
 *
 * Header-only and without cmocka, so the fuzz harness (no test framework,
 * built by clang for libFuzzer too) includes it as the fixture does.
 */
#ifndef SDVF_TESTS_ENET_MODEL_HOST_H
#define SDVF_TESTS_ENET_MODEL_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/pd.h"
#include "driver/enet/enet_mmio.h"
#include "driver/enet/enet_regs.h"
#include "driver/enet/model/enet_model.h"

#define RINGS_IO 0x40000000u
#define RX_RING_IO RINGS_IO
#define TX_RING_IO (RINGS_IO + 0x100u)
#define BUFS_IO 0x10000000u
#define BUFS_SIZE 0x10000u
#define RO_BUFS_IO 0x10100000u /* the model may only read these */
#define BUF_SIZE 2048u

struct host {
	struct sdvf_pd *pd;
	struct enet_mmio mmio;
	uint8_t *rings; /* the whole enet_rings region */
	struct enet_bd *rx_ring, *tx_ring;
	uint8_t *bufs, *ro_bufs; /* NULL when not granted */
	sdvf_channel_t ch_irq;
	uint64_t irqs;
	bool auto_ack;
};

static inline uint8_t *host_region_or_null(struct sdvf_pd *pd, const char *name)
{
	const struct sdvf_region *r = sdvf_region(pd, name);
	return r ? r->base : NULL;
}

static inline int host_init(void *state, struct sdvf_pd *pd)
{
	struct host *h = state;
	h->pd = pd;
	h->mmio = (struct enet_mmio){
		.regs = sdvf_region(pd, "enet_regs")->base,
		.posted = sdvf_region(pd, "enet_mmio")->base,
		.pd = pd,
		.doorbell = sdvf_channel(pd, "mmio"),
	};
	h->rings = sdvf_region(pd, "enet_rings")->base;
	h->rx_ring = (struct enet_bd *)(h->rings + (RX_RING_IO - RINGS_IO));
	h->tx_ring = (struct enet_bd *)(h->rings + (TX_RING_IO - RINGS_IO));
	h->bufs = host_region_or_null(pd, "bufs");
	h->ro_bufs = host_region_or_null(pd, "ro_bufs");
	h->ch_irq = sdvf_channel(pd, "irq");
	return 0;
}

static inline void host_notified(void *state, struct sdvf_pd *pd,
				 sdvf_channel_t ch)
{
	struct host *h = state;
	if (ch != h->ch_irq)
		return;
	h->irqs++;
	if (!h->auto_ack)
		return;
	/* As a driver does: clear the events, then unmask. */
	enet_writel(&h->mmio, ENET_EIR, 0xffffffffu);
	enet_mmio_flush(&h->mmio);
	sdvf_irq_ack(pd, ch);
}

static const struct sdvf_need host_needs[] = {
	{"enet_regs", SDVF_NEED_REGION, SDVF_R, false},
	{"enet_mmio", SDVF_NEED_REGION, SDVF_RW, false},
	{"enet_rings", SDVF_NEED_REGION, SDVF_RW, false},
	{"bufs", SDVF_NEED_REGION, SDVF_RW, true},
	{"ro_bufs", SDVF_NEED_REGION, SDVF_RW, true},
	{"irq", SDVF_NEED_CHANNEL, 0, false},
	{"mmio", SDVF_NEED_CHANNEL, 0, false},
	{0},
};
static const struct sdvf_param no_params[] = {{0}};

static const struct sdvf_component host_component = {
	.name = "test_host",
	.role = SDVF_ROLE_DRIVER,
	.state_size = sizeof(struct host),
	.needs = host_needs,
	.params = no_params,
	.init = host_init,
	.notified = host_notified,
};

/* The component table of a description of the model and the host. */
static const struct sdvf_component *const model_and_host[] = {
	&enet_model_component, &host_component, NULL};

#endif
