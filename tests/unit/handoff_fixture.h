/*
 * Hand-offs per echo, counted in the sim: the system of
 * tests/fixtures/handoffs.dts (model on wire "mem", driver, both muxes, a
 * bench reflector) echoes UDP datagrams `window` at a time, and each PD's
 * activations (notified() calls) and signals (notifications plus irq acks,
 * as the hosted sdvf.notifications counts them) are divided by the
 * datagrams echoed.  The sim is deterministic: the numbers are exact and
 * the same on every run.  Used by tests/unit/test_handoffs.c (behaviour)
 * and tests/bench/bench_handoffs.c (the table of `make bench-handoffs`).
 * Test-only code: libc, no PD API.
 */
#ifndef SDVF_HANDOFF_FIXTURE_H
#define SDVF_HANDOFF_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/wire/wire.h"

#define HOFF_SYSTEM "tests/fixtures/handoffs.dts"
/* The PDs of one echo, in the order of the table. */
enum { HOFF_NIC, HOFF_DRIVER, HOFF_RX_MUX, HOFF_TX_MUX, HOFF_CLIENT, HOFF_NPD };
extern const char *const hoff_pd_label[HOFF_NPD];

struct hoff {
	struct sdvf_system sys;
	struct sdvf_sim *sim;
	struct wire *wire;
};

/* Per-PD counts over one run, and what they were divided by. */
struct hoff_row {
	uint64_t act[HOFF_NPD];
	uint64_t sig[HOFF_NPD];
	uint64_t echoes; /* datagrams that came back */
};

/* Load the system, start the sim and bring the link up; false on error
 * (printed). */
bool hoff_open(struct hoff *h);
void hoff_close(struct hoff *h);

/* Echo `count` datagrams of `payload` UDP bytes through client `client`
 * ("refl" or "refl_remap"), at most `window` outstanding: inject a window,
 * run the sim until idle, take what came back, repeat.  Counts from the
 * first injection to the last reply (the sim then idle).  Each reply must
 * be the reflected datagram; false (printed) if one is wrong or missing. */
bool hoff_echo(struct hoff *h, const char *client, uint32_t count,
	       uint32_t window, uint16_t payload, struct hoff_row *row);

/* Run the sim until idle, then 2 ms of rest (the driver's TX completion
 * timer fires); then the TX mux wakes (twice: the first may
 * make room in a full drv_free) and every client once, so that buffers
 * left for a lazy reclaim come home.  Tests call it before counting
 * buffers. */
void hoff_settle(struct hoff *h);

#endif
