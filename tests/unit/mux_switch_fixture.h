/*
 * tests/unit/test_mux_switch.c's fixture (tests/unit/mux_switch_fixture.c)
 * on tests/fixtures/mux-switch-enet.dts:
 *   c0  copy RX and TX     may switch to c1 and c2
 *   c1  remap RX and TX    may switch to c0
 *   c2  copy RX and TX     may switch to nobody; the only one taking
 *                          multicast
 * The clients' PDs are stubs; the test plays them on their queues.  Test
 * code only: one writer (the test), no sharing rules.
 */
#ifndef SDVF_TEST_MUX_SWITCH_FIXTURE_H
#define SDVF_TEST_MUX_SWITCH_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"

#define FIXTURE "tests/fixtures/mux-switch-enet.dts"
#define NCLIENTS 3
#define CAP 16	       /* every client queue */
#define TX_BUFS 16     /* cN_txd: 0x8000 */
#define RX_DMA_BUFS 16 /* rx_dma: 0x8000 */
#define RESERVE 2      /* sw_reserve */
#define SW_BUFS 4      /* sw_pool: 0x2000 */
#define POOL_BUFS 32   /* tx_pool: 0x10000 */
#define MAX_HELD 64

struct tclient {
	struct sdvf_queue txa, txf, rxa, rxf;
	uint8_t *txd;	    /* its cN_tx_data */
	const uint8_t *rxd; /* copy: its cN_rx_data; remap: rx_dma */
	int tx_lent[TX_BUFS];
	uint64_t rx_held[MAX_HELD];
	uint32_t nrx_held;
};

extern const uint8_t mac[NCLIENTS][6];
extern const uint8_t peer_mac[6];
extern const uint8_t bcast[6];
extern const struct sdvf_component *const table[];

extern struct sdvf_system sys;
extern struct sdvf_sim *sim;
extern struct wire *wire;
extern struct tclient cl[NCLIENTS];
extern char dts_text[16384];

/* Run the system until idle. */
void run(void);
/* The fixture's text into dts; replace the first `old` after `node` by
 * `new`. */
void fixture_text(char *dts, size_t cap);
void fixture_edit(char *dts, size_t cap, const char *node, const char *old,
		  const char *new);
/* Start the system described by `dts` and attach the test's ends; setup
 * starts the fixture as it is (a cmocka setup). */
void start(const char *dts);
int setup(void **unused);
/* Attach the test's ends of client i afresh (after its restart). */
void reattach(int i);
/* A counter of PD `pd`; fails the test if it is not published. */
uint64_t counter(const char *pd, const char *name);

/* Client ci's frame in its TX buffer `slot`: to `dst`, from its own MAC,
 * payload byte k = tag + k.  Returns the frame. */
const uint8_t *write_frame(int ci, uint32_t slot, const uint8_t *dst,
			   uint16_t len, uint8_t tag);
/* Queue client ci's frame in `slot` on its tx_active, no step run; kick
 * tx_mux on client ci's channel and run. */
void enqueue(int ci, uint32_t slot, uint16_t len);
void kick_tx(int ci);
/* write_frame, enqueue and kick_tx in one. */
const uint8_t *send_frame(int ci, uint32_t slot, const uint8_t *dst,
			  uint16_t len, uint8_t tag);
/* One TX buffer back on client ci's tx_free (checked: it was lent); false
 * if none. */
bool reap_tx(int ci, struct sdvf_desc *d);
/* One frame off client ci's rx_active, held until give_back_all; its
 * bytes, or NULL. */
const uint8_t *take_rx(int ci, uint16_t *len);
void give_back_all(int ci);
/* Frames waiting for client ci (taken and held); frames on the wire
 * (taken and dropped). */
int rx_count(int ci);
int wire_count(void);
/* A 64-byte frame for client ci arrives from the wire; the system runs. */
void from_wire(int ci, uint8_t tag);
/* cmocka teardown: every buffer accounted for, then the system stopped. */
int conserved(void **unused);

#endif
