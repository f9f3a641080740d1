/*
 * enet_fixture: the test component that stands where the RX and TX muxes
 * stand, on the ENET driver's four queues (core/net.h), in the sim runtime.
 * test_enet_driver_*.c, test_enet_system.c and bench_enet_ir.c build their
 * systems around it (tests/fixtures/enet-*.dts); test_enet_hazards,
 * test_enet_line and test_enet_coalesce through enet_fixture_system.h.
 *
 * It owns `buffers` RX and `buffers` TX buffers, each direction a pool kept
 * in a core/ownership.h map (owner: the fixture or the driver).  Buffer b
 * of a pool is named by io address `io + b * SDVF_BUF_SIZE`.  The tests
 * move buffers out explicitly; whatever comes back is taken in by the
 * fixture's activation (the shape of core/pd_queue.h) and recorded:
 *   rx_active  each descriptor is logged (with the frame's bytes when the
 *              RX buffers are mapped), passed to the on_rx hook, and, with
 *              rx_recycle, handed straight back on rx_free (a sink);
 *   tx_free    each descriptor is logged; its buffer is ours again.
 * A descriptor that names no buffer the driver holds is logged and counted
 * as foreign, never taken in.
 *
 * It checks nothing with cmocka (the bench links without it): tests assert
 * on what it recorded, and on enet_fixture_conservation_errors().
 *
 * The system description gives it:
 *   regions   rx_free rx_active tx_free tx_active (rw);
 *             optional rx_dma / tx_dma (rw, with an io-address): buffer b
 *             is slot b of the region, and the fixture sees frame bytes
 *   channels  rx, tx (to the driver)
 *   config    capacity  slots of each queue (the driver's rx_capacity and
 *                       tx_capacity)
 *             buffers   buffers per direction (1..ENET_FIXTURE_MAX_BUFFERS)
 *             rx_io, tx_io  io address of buffer 0 where no rx_dma /
 *                       tx_dma region is mapped (a fake ENET moves no data)
 */
#ifndef SDVF_TESTS_ENET_FIXTURE_H
#define SDVF_TESTS_ENET_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/net.h"
#include "core/ownership.h"
#include "core/pd.h"
#include "core/queue.h"

#define ENET_FIXTURE_MAX_BUFFERS 256u /* per direction */
#define ENET_FIXTURE_LOG 256u	      /* descriptors logged per direction */
#define ENET_FIXTURE_OWNER_DRIVER 1u  /* owner id of the driver in the maps */

/* One direction: the queue buffers go out on, the one they come back on,
 * and what came back. */
struct enet_fixture_pool {
	struct sdvf_queue out;	/* rx_free / tx_active: we produce */
	struct sdvf_queue back; /* rx_active / tx_free: we consume */
	sdvf_channel_t ch;	/* rx / tx */
	bool pushed;		/* on `out` since its last publish */
	uint8_t *data;		/* our mapping of buffer 0, or NULL */
	uint64_t io;		/* io address of buffer 0 */
	struct sdvf_own_map own;
	uint8_t owner[ENET_FIXTURE_MAX_BUFFERS];
	/* Every descriptor that came back, in order (the first LOG). */
	struct sdvf_desc got[ENET_FIXTURE_LOG];
	uint32_t ngot;
	uint64_t returned; /* our buffers back from the driver */
	uint64_t flagged;  /* of those, with flags set (REJECTED, TX_ERROR) */
	struct sdvf_violations foreign; /* came back, but not ours to take */
	uint64_t raw_pushed; /* descriptors from enet_fixture_push_raw */
};

struct enet_fixture_options {
	bool rx_recycle; /* return each received buffer at once on rx_free */
	/* Called for each of our RX buffers that comes back, before it is
	 * recycled; `frame` is NULL where the RX buffers are not mapped. */
	void (*on_rx)(void *ctx, const struct sdvf_desc *d,
		      const uint8_t *frame);
	void *ctx;
};

struct enet_fixture {
	struct sdvf_pd *pd;
	uint32_t capacity, buffers;
	struct enet_fixture_options opt; /* set by the test at any time */
	struct enet_fixture_pool rx, tx;
	/* Bytes of logged RX frame i (rx.got[i]), where RX is mapped. */
	uint8_t rx_bytes[ENET_FIXTURE_LOG][SDVF_BUF_SIZE];
};

extern const struct sdvf_component enet_fixture_component;

/* ---- the test's side: call between sdvf_sim_run()s ------------------- */

/* Hand RX buffers first, first+1, ... (modulo `buffers`) to the driver on
 * rx_free; publish and signal once.  Stops at a buffer the fixture does
 * not hold or a full queue; returns how many went. */
uint32_t enet_fixture_provide_rx(struct enet_fixture *fx, uint32_t first,
				 uint32_t n);

/* Where to write the frame of TX buffer b (NULL where TX is not mapped). */
uint8_t *enet_fixture_tx_frame(struct enet_fixture *fx, uint32_t b);

/* Queue TX buffers first, first+1, ... (modulo `buffers`), each holding a
 * frame of `len` bytes, on tx_active; publish and signal once.  Stops as
 * enet_fixture_provide_rx does; returns how many went. */
uint32_t enet_fixture_queue_tx(struct enet_fixture *fx, uint32_t first,
			       uint32_t n, uint16_t len);

/* Push descriptors that name no buffer the fixture has out (bad addresses,
 * or one it still holds) on the pool's `out` queue, to see the driver
 * reject them; they are expected back as foreign.  Returns how many went. */
uint32_t enet_fixture_push_raw(struct enet_fixture *fx,
			       struct enet_fixture_pool *p,
			       const struct sdvf_desc *d, uint32_t n);

/* Descriptors on the pool's `out` queue the driver has not yet taken. */
uint32_t enet_fixture_queued(const struct enet_fixture_pool *p);

/* Foreign returns of the pool, all reasons together. */
uint64_t enet_fixture_foreign(const struct enet_fixture_pool *p);

/* ---- buffer conservation and driver state ---------------------------- */

struct enet_driver;

/*
 * Buffer conservation: every buffer of both pools is held by exactly one
 * party (the fixture, one of the four queues, a driver FIFO or a BD ring),
 * and every raw descriptor came back as foreign, nothing else.  Prints one
 * line per fault to stderr; returns how many.  Call when the sim is idle.
 */
uint32_t enet_fixture_conservation_errors(const struct enet_fixture *fx,
					  const struct enet_driver *drv);

/*
 * What the tests read of the driver's private state (struct enet_driver,
 * driver/enet/enet_driver.h).  Its field names appear only in
 * enet_fixture_driver.c, so a change there is a change in one file.
 *
 * enet_driver_holds: times the driver holds the buffer at io, in its FIFO
 * towards rx_active (rx) or tx_free, or in the BD ring the MAC owns.
 */
uint32_t enet_driver_holds(const struct enet_driver *drv, bool rx, uint64_t io);

struct enet_driver_view {
	uint32_t rx_posted, tx_posted; /* BDs the driver has handed the MAC */
	uint64_t tdar_writes;	       /* TDAR kicks the driver has posted */
	uint64_t mmio_timeouts;	       /* posted-write waits that gave up */
	uint8_t mac[6];		       /* the station address it uses */
};
struct enet_driver_view enet_driver_view(const struct enet_driver *drv);

#endif
