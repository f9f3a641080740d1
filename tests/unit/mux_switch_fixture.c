/*
 * The system of tests/unit/test_mux_switch.c (both muxes with local
 * switching on the real ENET driver and model, three clients played by the
 * test), the helpers that play the clients, and the buffer count after
 * every test.  What each helper does: tests/unit/mux_switch_fixture.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/net.h"
#include "core/pd.h"
#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/enet_driver.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"
#include "tests/unit/fixture_sim.h"
#include "tests/unit/fixture_stub.h"
#include "tests/unit/mux_switch_fixture.h"

extern const struct sdvf_component rx_mux_component;
extern const struct sdvf_component tx_mux_component;

/* ---- a passive client PD: owns its two channels, does nothing ---------- */

static const struct sdvf_need stub_needs[] = {
	SDVF_NEED_CHAN_OPTIONAL("rx"), SDVF_NEED_CHAN_OPTIONAL("tx"), {0}};
static const struct sdvf_component stub_component =
	STUB_PD("switch_stub", "test client played by the test",
		SDVF_ROLE_CLIENT, stub_needs, STUB_NO_PARAMS);

const struct sdvf_component *const table[] = {
	&enet_model_component, &enet_driver_component, &rx_mux_component,
	&tx_mux_component,     &stub_component,	       NULL};

/* ---- the system --------------------------------------------------------- */

const uint8_t mac[NCLIENTS][6] = {{0x02, 0, 0, 0, 0x5c, 0x00},
				  {0x02, 0, 0, 0, 0x5c, 0x01},
				  {0x02, 0, 0, 0, 0x5c, 0x02}};
const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0x5c, 0x99};
const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

struct sdvf_system sys;
struct sdvf_sim *sim;
struct wire *wire;
struct tclient cl[NCLIENTS];

void run(void)
{
	sdvf_sim_run(sim, 1000000);
}

/* The fixture's text, to load as it is or edited. */
void fixture_text(char *dts, size_t cap)
{
	FILE *f = fopen(FIXTURE, "r");
	assert_non_null(f);
	size_t n = fread(dts, 1, cap - 1, f);
	fclose(f);
	dts[n] = '\0';
}

/* Replace the first `old` after `node` in dts by `new`. */
void fixture_edit(char *dts, size_t cap, const char *node, const char *old,
		  const char *new)
{
	char *at = strstr(dts, node);
	assert_non_null(at);
	at = strstr(at, old);
	assert_non_null(at);
	size_t tail = strlen(at + strlen(old));
	assert_true(strlen(dts) - strlen(old) + strlen(new) < cap);
	memmove(at + strlen(new), at + strlen(old), tail + 1);
	memcpy(at, new, strlen(new));
}

/* Attach the test's ends of client i's queues, as fresh as a new
 * instance's, and forget what it held. */
void reattach(int i)
{
	struct tclient *c = &cl[i];
	char name[16];
	memset(c, 0, sizeof(*c));
#define ATTACH(q, fmt)                                                         \
	snprintf(name, sizeof(name), fmt, i);                                  \
	sim_attach(sim, &c->q, name, CAP)
	ATTACH(txa, "c%d_txa");
	ATTACH(txf, "c%d_txf");
	ATTACH(rxa, "c%d_rxa");
	ATTACH(rxf, "c%d_rxf");
#undef ATTACH
	snprintf(name, sizeof(name), "c%d_txd", i);
	c->txd = sdvf_sim_region(sim, name, NULL);
	snprintf(name, sizeof(name), "c%d_rxd", i);
	c->rxd = i == 1 ? sdvf_sim_region(sim, "rx_dma", NULL)
			: sdvf_sim_region(sim, name, NULL);
}

/* Start the system described by `dts` and attach the test's ends. */
void start(const char *dts)
{
	memset(&sys, 0, sizeof(sys));
	memset(cl, 0, sizeof(cl));
	assert_int_equal(
		sdvf_system_load_dts(&sys, FIXTURE, dts, table, stderr), 0);
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	assert_int_equal(sdvf_sim_init(sim), 0);
	run();
	wire = enet_model_wire(sdvf_sim_state(sim, "nic"));
	for (int i = 0; i < NCLIENTS; i++)
		reattach(i);
}

char dts_text[16384];

int setup(void **unused)
{
	(void)unused;
	fixture_text(dts_text, sizeof(dts_text));
	start(dts_text);
	return 0;
}

uint64_t counter(const char *pd, const char *name)
{
	bool found = false;
	uint64_t v = sdvf_sim_counter(sim, pd, name, &found);
	if (!found)
		fail_msg("%s publishes no counter %s", pd, name);
	return v;
}

/* ---- playing the clients ------------------------------------------------ */

/* Client ci's frame in its TX buffer `slot`: to `dst`, from its own MAC,
 * payload byte k = tag + k. */
const uint8_t *write_frame(int ci, uint32_t slot, const uint8_t *dst,
			   uint16_t len, uint8_t tag)
{
	uint8_t *f = cl[ci].txd + (uint64_t)slot * SDVF_BUF_SIZE;
	memcpy(f, dst, 6);
	memcpy(f + 6, mac[ci], 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	for (uint16_t k = 14; k < len; k++)
		f[k] = (uint8_t)(tag + k);
	return f;
}

/* Queue client ci's frame in `slot` on its tx_active; no step runs. */
void enqueue(int ci, uint32_t slot, uint16_t len)
{
	struct sdvf_desc d = {.io_or_offset = (uint64_t)slot * SDVF_BUF_SIZE,
			      .len = len};
	assert_int_equal(cl[ci].tx_lent[slot], 0);
	assert_true(sdvf_queue_push(&cl[ci].txa, &d));
	sdvf_queue_publish(&cl[ci].txa);
	cl[ci].tx_lent[slot] = 1;
}

void kick_tx(int ci)
{
	char ch[16];
	snprintf(ch, sizeof(ch), "c%d", ci);
	sdvf_sim_inject(sim, "txm", ch);
	run();
}

/* Client ci sends one frame from buffer `slot` and the system runs. */
const uint8_t *send_frame(int ci, uint32_t slot, const uint8_t *dst,
			  uint16_t len, uint8_t tag)
{
	const uint8_t *f = write_frame(ci, slot, dst, len, tag);
	enqueue(ci, slot, len);
	kick_tx(ci);
	return f;
}

/* One TX buffer back on client ci's tx_free; false if none. */
bool reap_tx(int ci, struct sdvf_desc *d)
{
	struct tclient *c = &cl[ci];
	if (!sdvf_queue_pop(&c->txf, d))
		return false;
	sdvf_queue_release(&c->txf);
	uint64_t slot = d->io_or_offset / SDVF_BUF_SIZE;
	assert_int_equal(d->io_or_offset % SDVF_BUF_SIZE, 0);
	assert_true(slot < TX_BUFS);
	assert_int_equal(c->tx_lent[slot], 1);
	c->tx_lent[slot] = 0;
	return true;
}

/* One frame off client ci's rx_active, kept (held) until give_back;
 * returns its bytes, or NULL if none arrived. */
const uint8_t *take_rx(int ci, uint16_t *len)
{
	struct tclient *c = &cl[ci];
	struct sdvf_desc d;
	if (!sdvf_queue_pop(&c->rxa, &d))
		return NULL;
	sdvf_queue_release(&c->rxa);
	assert_true(c->nrx_held < MAX_HELD);
	c->rx_held[c->nrx_held++] = d.io_or_offset;
	*len = d.len;
	return c->rxd + d.io_or_offset;
}

/* Client ci gives every RX buffer it holds back, and the system runs. */
void give_back_all(int ci)
{
	struct tclient *c = &cl[ci];
	for (uint32_t k = 0; k < c->nrx_held; k++) {
		struct sdvf_desc d = {.io_or_offset = c->rx_held[k]};
		assert_true(sdvf_queue_push(&c->rxf, &d));
	}
	c->nrx_held = 0;
	sdvf_queue_publish(&c->rxf);
	char ch[16];
	snprintf(ch, sizeof(ch), "c%d", ci);
	sdvf_sim_inject(sim, "rxm", ch);
	run();
}

/* Frames client ci has waiting on rx_active (taken and held). */
int rx_count(int ci)
{
	uint16_t len;
	int n = 0;
	while (take_rx(ci, &len))
		n++;
	return n;
}

/* The frames on the wire, counted and dropped. */
int wire_count(void)
{
	uint8_t got[SDVF_BUF_SIZE];
	int n = 0;
	while (wire_mem_take(wire, got, sizeof(got)) > 0)
		n++;
	return n;
}

/* A frame for client ci arrives from the wire, and the system runs. */
void from_wire(int ci, uint8_t tag)
{
	uint8_t f[64];
	memset(f, tag, sizeof(f));
	memcpy(f, mac[ci], 6);
	memcpy(f + 6, peer_mac, 6);
	assert_int_equal(wire_mem_inject(wire, f, sizeof(f)), 0);
	run();
}

/* ---- buffer conservation after every test ------------------------------- */

int conserved(void **unused)
{
	(void)unused;
	/* Rest: the driver's TX completion timer (TXIC, 1 ms) returns what
	 * it has not reaped yet. */
	sdvf_sim_advance(sim, 2000000);
	run();
	struct sdvf_desc d;
	for (int i = 0; i < NCLIENTS; i++) {
		rx_count(i);
		give_back_all(i);
		while (reap_tx(i, &d))
			;
	}
	wire_count();
	/* tx_mux takes sw_pool buffers back on its next activation (it never
	 * waits for them): give it one */
	sdvf_sim_inject(sim, "txm", "sw");
	run();
	for (int i = 0; i < NCLIENTS; i++) {
		for (int b = 0; b < TX_BUFS; b++)
			if (cl[i].tx_lent[b])
				fail_msg("c%d TX buffer %d never came back", i,
					 b);
		char name[32];
		snprintf(name, sizeof(name), "c%d.in_flight", i);
		assert_int_equal(counter("rxm", name), 0);
		assert_int_equal(counter("txm", name), 0);
	}
	assert_int_equal(counter("txm", "pool_idle"), POOL_BUFS);
	assert_int_equal(counter("txm", "sw_pool_idle"), SW_BUFS);
	assert_int_equal(counter("txm", "sw_bad_return"), 0);
	assert_int_equal(counter("rxm", "sw_reserve"), RESERVE);
	assert_int_equal(counter("rxm", "dma_driver"), RX_DMA_BUFS - RESERVE);
	assert_int_equal(counter("rxm", "bad_desc"), 0);
	assert_int_equal(counter("rxm", "sw_bad_desc"), 0);
	assert_int_equal(counter("rxm", "sw_bad_sender"), 0);
	wire_close(wire);
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	return 0;
}
