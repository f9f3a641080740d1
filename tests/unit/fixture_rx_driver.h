/*
 * fixture_rx_driver.h: the fake driver under the RX mux in its unit test
 * (tests/unit/test_rx_mux.c) and its fuzz harness (tests/fuzz/
 * fuzz_rx_mux.c).  It holds the RX DMA buffers the mux gives it on
 * rx_free, counting as bogus (and not taking) one it already holds or one
 * that names no buffer of rx_dma; it puts frames on rx_active only when the
 * test does (through `rx_active`, `holds`, `held`, `dma`).  Header-only; no
 * cmocka.
 *
 * Its description: component "fake_rx_driver"; maps rx_dma (rw, NBUFS
 * buffers at io address DMA_IO), rx_free and rx_active (queues of
 * RX_DRIVER_CAP slots); channel rx (to the mux).
 */
#ifndef SDVF_TESTS_FIXTURE_RX_DRIVER_H
#define SDVF_TESTS_FIXTURE_RX_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/net.h"
#include "core/pd.h"
#include "core/pd_queue.h"
#include "core/queue.h"
#include "tests/unit/fixture_stub.h"

#define NBUFS 16u
#define DMA_IO 0x10000000ull
#define RX_DRIVER_CAP 16u

struct fake_driver {
	struct sdvf_pd *pd;
	struct sdvf_queue rx_free, rx_active;
	sdvf_channel_t ch;
	uint8_t *dma;
	bool holds[NBUFS];
	uint32_t held;
	uint32_t bogus; /* buffers given that were not the mux's to give */
};

static inline void fdrv_notified(void *state, struct sdvf_pd *pd,
				 sdvf_channel_t ch)
{
	struct fake_driver *f = state;
	struct sdvf_desc d;
	(void)ch;
	do {
		while (sdvf_queue_pop(&f->rx_free, &d)) {
			uint64_t idx =
				(d.io_or_offset - DMA_IO) / SDVF_BUF_SIZE;
			if (d.io_or_offset < DMA_IO || idx >= NBUFS ||
			    d.io_or_offset % SDVF_BUF_SIZE || f->holds[idx]) {
				f->bogus++;
				continue;
			}
			f->holds[idx] = true;
			f->held++;
		}
	} while (sdvf_queue_consumer_request_signal(&f->rx_free));
	if (sdvf_queue_consumer_finish(&f->rx_free))
		sdvf_notify(pd, f->ch);
}

static inline int fdrv_init(void *state, struct sdvf_pd *pd)
{
	struct fake_driver *f = state;
	f->pd = pd;
	f->ch = sdvf_channel(pd, "rx");
	f->dma = sdvf_region(pd, "rx_dma")->base;
	return sdvf_queue_attach_region(pd, &f->rx_free, "rx_free",
					RX_DRIVER_CAP) &&
			       sdvf_queue_attach_region(pd, &f->rx_active,
							"rx_active",
							RX_DRIVER_CAP)
		       ? 0
		       : -1;
}

static const struct sdvf_need fdrv_needs[] = {SDVF_NEED_REGION_RW("rx_dma"),
					      SDVF_NEED_QUEUE("rx_free"),
					      SDVF_NEED_QUEUE("rx_active"),
					      SDVF_NEED_CHAN("rx"),
					      {0}};

static const struct sdvf_component fake_driver_component = {
	.name = "fake_rx_driver",
	.summary = "fake driver under the RX mux",
	.role = SDVF_ROLE_DRIVER,
	.state_size = sizeof(struct fake_driver),
	.needs = fdrv_needs,
	.params = STUB_NO_PARAMS,
	.init = fdrv_init,
	.notified = fdrv_notified,
};

#endif
