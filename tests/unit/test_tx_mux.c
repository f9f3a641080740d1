/*
 * tx_mux (mux/tx_mux.c) in the sim, as a specification.  The driver and
 * the clients are passive stub PDs (they only own the channels); the test
 * plays both sides on the queues directly through sdvf_sim_region: it
 * pushes client frames on cN_tx_active and notifies the mux on cN, takes
 * frames off drv_tx_active and completes them on drv_tx_free.  Every test
 * ends by draining everything and checking that each client buffer came
 * back exactly once (buffer conservation).
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
#include "mux/tx_mux.h"
#include "tests/unit/fixture_sim.h"
#include "tests/unit/fixture_stub.h"

extern const struct sdvf_component tx_mux_component;

/* ---- a passive peer: owns a channel, does nothing ---------------------- */

static const struct sdvf_need stub_needs[] = {SDVF_NEED_CHAN_OPTIONAL("tx"),
					      {0}};
static const struct sdvf_component stub_component = STUB_PD(
	"tx_stub", "test peer", SDVF_ROLE_CLIENT, stub_needs, STUB_NO_PARAMS);

static const struct sdvf_component *const table[] = {&tx_mux_component,
						     &stub_component, NULL};

/* ---- the system --------------------------------------------------------- */

#define NCLIENTS 3
#define DRV_CAP 16
#define CLIENT_CAP 16
#define CLIENT_BUFS 16 /* cN_data: 0x8000 */
#define POOL_IO 0x20000000ull
#define POOL_BUFS 32 /* tx_pool: 0x10000 */
#define DATA_IO(i) (0x30000000ull + (uint64_t)(i)*0x100000)

static const uint8_t client_mac[NCLIENTS][6] = {{0x02, 0, 0, 0, 0x7a, 0x00},
						{0x02, 0, 0, 0, 0x7a, 0x01},
						{0x02, 0, 0, 0, 0x7a, 0x02}};
static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0x7a, 0x99};

static struct sdvf_system sys;
static struct sdvf_sim *sim;
static struct sdvf_queue c_active[NCLIENTS], c_free[NCLIENTS];
static struct sdvf_queue d_active, d_free;
static uint8_t *c_data[NCLIENTS], *pool;
/* Per client buffer: 1 while the mux or the driver has it. */
static int lent[NCLIENTS][CLIENT_BUFS];
/* Bytes in each cN_data region: CLIENT_BUFS buffers unless a test says. */
static unsigned data_size = CLIENT_BUFS * SDVF_BUF_SIZE;

/* Load the system: `modes` one char per client ('c' copy, 'r' remap),
 * `mux_cfg` and `client_cfg` extra mux config text; the result of init,
 * or -2 if the loader refused the description (nothing to stop then). */
static int start(const char *modes, const char *mux_cfg)
{
	char dts[16384];
	int n = snprintf(
		dts, sizeof(dts),
		"/dts-v1/;\n/ {\ncompatible = \"sdvf,system\";\npds {\n"
		"mux { component = \"tx_mux\";\n maps { drv_tx_active = "
		"\"drv_txa\", \"rw\"; drv_tx_free = \"drv_txf\", \"rw\"; "
		"tx_pool = \"tx_pool\", \"rw\";\n");
	for (int i = 0; i < NCLIENTS; i++)
		n += snprintf(dts + n, sizeof(dts) - n,
			      "  c%d_tx_active = \"c%d_txa\", \"rw\"; "
			      "c%d_tx_free = \"c%d_txf\", \"rw\"; "
			      "c%d_tx_data = \"c%d_data\", \"r\";\n",
			      i, i, i, i, i, i);
	n += snprintf(dts + n, sizeof(dts) - n,
		      " };\n channels { drv = \"drv\"; c0 = \"c0\"; c1 = "
		      "\"c1\"; c2 = \"c2\"; };\n config { drv_capacity = <%d>; "
		      "client_capacity = <%d>; %s\n",
		      DRV_CAP, CLIENT_CAP, mux_cfg);
	for (int i = 0; i < NCLIENTS; i++)
		n += snprintf(dts + n, sizeof(dts) - n,
			      "  c%d_mac = [02 00 00 00 7a %02x]; c%d_mode = "
			      "\"%s\";\n",
			      i, i, i, modes[i] == 'r' ? "remap" : "copy");
	n += snprintf(dts + n, sizeof(dts) - n,
		      " }; };\n"
		      "drv { component = \"tx_stub\"; channels { tx = "
		      "\"drv\"; }; };\n");
	for (int i = 0; i < NCLIENTS; i++)
		n += snprintf(dts + n, sizeof(dts) - n,
			      "c%d { component = \"tx_stub\"; channels { tx = "
			      "\"c%d\"; }; };\n",
			      i, i);
	n += snprintf(dts + n, sizeof(dts) - n,
		      "};\nregions {\n drv_txa { size = <0x1000>; }; drv_txf "
		      "{ size = <0x1000>; };\n tx_pool { size = <0x10000>; "
		      "io-address = <0x%llx>; };\n",
		      (unsigned long long)POOL_IO);
	for (int i = 0; i < NCLIENTS; i++)
		n += snprintf(dts + n, sizeof(dts) - n,
			      " c%d_txa { size = <0x1000>; }; c%d_txf { size "
			      "= <0x1000>; };\n c%d_data { size = <0x%x>; "
			      "io-address = <0x%llx>; };\n",
			      i, i, i, data_size,
			      (unsigned long long)DATA_IO(i));
	n += snprintf(dts + n, sizeof(dts) - n,
		      "};\nchannels {\n drv { ends = \"mux\", \"drv\"; };\n");
	for (int i = 0; i < NCLIENTS; i++)
		n += snprintf(dts + n, sizeof(dts) - n,
			      " c%d { ends = \"mux\", \"c%d\"; };\n", i, i);
	snprintf(dts + n, sizeof(dts) - n, "};\n};\n");
	memset(&sys, 0, sizeof(sys));
	memset(lent, 0, sizeof(lent));
	if (sdvf_system_load_dts(&sys, "test_tx_mux", dts, table, stderr) != 0)
		return -2;
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	int rc = sdvf_sim_init(sim);
	if (rc != 0)
		return rc;
	sim_attach(sim, &d_active, "drv_txa", DRV_CAP);
	sim_attach(sim, &d_free, "drv_txf", DRV_CAP);
	for (int i = 0; i < NCLIENTS; i++) {
		char name[16];
		snprintf(name, sizeof(name), "c%d_txa", i);
		sim_attach(sim, &c_active[i], name, CLIENT_CAP);
		snprintf(name, sizeof(name), "c%d_txf", i);
		sim_attach(sim, &c_free[i], name, CLIENT_CAP);
		snprintf(name, sizeof(name), "c%d_data", i);
		c_data[i] = sdvf_sim_region(sim, name, NULL);
	}
	pool = sdvf_sim_region(sim, "tx_pool", NULL);
	sdvf_sim_run(sim, 100000);
	return 0;
}

static void stop(void)
{
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	sim = NULL;
}

static uint64_t counter(const char *name)
{
	bool found = false;
	uint64_t v = sdvf_sim_counter(sim, "mux", name, &found);
	assert_true(found);
	return v;
}

static void kick(const char *channel)
{
	sdvf_sim_inject(sim, "mux", channel);
	sdvf_sim_run(sim, 100000);
}

/* Write a frame from `src` of len bytes into client ci's buffer `slot`:
 * payload bytes are `fill`. */
static void write_frame(int ci, uint32_t slot, uint16_t len, const uint8_t *src,
			uint8_t fill)
{
	uint8_t *f = c_data[ci] + slot * SDVF_BUF_SIZE;
	memset(f, fill, SDVF_BUF_SIZE);
	memcpy(f, peer_mac, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	(void)len;
}

/* Queue a descriptor on client ci's tx_active without kicking. */
static void enqueue(int ci, uint64_t offset, uint16_t len)
{
	struct sdvf_desc d = {.io_or_offset = offset, .len = len};
	assert_true(sdvf_queue_push(&c_active[ci], &d));
	sdvf_queue_publish(&c_active[ci]);
	if (offset % SDVF_BUF_SIZE == 0 && offset / SDVF_BUF_SIZE < CLIENT_BUFS)
		lent[ci][offset / SDVF_BUF_SIZE]++;
}

/* A valid frame from client ci's own MAC in `slot`, queued. */
static void enqueue_frame(int ci, uint32_t slot, uint16_t len, uint8_t fill)
{
	write_frame(ci, slot, len, client_mac[ci], fill);
	enqueue(ci, (uint64_t)slot * SDVF_BUF_SIZE, len);
}

static void send_frame(int ci, uint32_t slot, uint16_t len, uint8_t fill)
{
	char ch[4];
	enqueue_frame(ci, slot, len, fill);
	snprintf(ch, sizeof(ch), "c%d", ci);
	kick(ch);
}

/* Take one frame off the driver's tx_active. */
static bool drv_take(struct sdvf_desc *d)
{
	bool got = sdvf_queue_pop(&d_active, d);
	sdvf_queue_release(&d_active);
	return got;
}

static const uint8_t *drv_frame(const struct sdvf_desc *d, int remap_ci)
{
	if (remap_ci >= 0)
		return c_data[remap_ci] + (d->io_or_offset - DATA_IO(remap_ci));
	return pool + (d->io_or_offset - POOL_IO);
}

static void drv_complete(const struct sdvf_desc *d, uint16_t flags)
{
	struct sdvf_desc c = *d;
	c.flags = flags;
	assert_true(sdvf_queue_push(&d_free, &c));
	sdvf_queue_publish(&d_free);
}

/* The driver completes d and the mux runs. */
static void drv_complete_and_run(const struct sdvf_desc *d, uint16_t flags)
{
	drv_complete(d, flags);
	kick("drv");
}

/* Take one return off client ci's tx_free. */
static bool client_reap(int ci, struct sdvf_desc *d)
{
	bool got = sdvf_queue_pop(&c_free[ci], d);
	sdvf_queue_release(&c_free[ci]);
	if (got && d->io_or_offset % SDVF_BUF_SIZE == 0 &&
	    d->io_or_offset / SDVF_BUF_SIZE < CLIENT_BUFS)
		lent[ci][d->io_or_offset / SDVF_BUF_SIZE]--;
	return got;
}

/* Drain everything: every frame at the driver completes, every return is
 * reaped; then each buffer a client lent came back exactly once. */
static void assert_conserved(void)
{
	struct sdvf_desc d;
	for (int round = 0; round < 64; round++) {
		bool any = false;
		while (drv_take(&d)) {
			drv_complete(&d, 0);
			any = true;
		}
		if (any)
			kick("drv");
		for (int i = 0; i < NCLIENTS; i++) {
			char ch[4];
			bool reaped = false;
			while (client_reap(i, &d))
				reaped = true;
			snprintf(ch, sizeof(ch), "c%d", i);
			if (reaped)
				kick(ch);
		}
		if (!any)
			break;
	}
	assert_int_equal(counter("pool_idle"), POOL_BUFS);
	assert_int_equal(counter("pool_bufs"), POOL_BUFS);
	assert_int_equal(counter("pool_driver"), 0);
	for (int i = 0; i < NCLIENTS; i++) {
		char name[32];
		snprintf(name, sizeof(name), "c%d.in_flight", i);
		assert_int_equal(counter(name), 0);
		for (int b = 0; b < CLIENT_BUFS; b++)
			assert_int_equal(lent[i][b], 0);
	}
}

static void finish(void)
{
	assert_conserved();
	stop();
}

/* ---- tests -------------------------------------------------------------- */

/* A client's tx_data holding more buffers than the mux tracks per client
 * (TXM_CLIENT_BUFS) is refused at start (init fails, logging why), not
 * capped: the client would send from the buffers past the cap and have
 * every frame in them rejected.  Exactly the cap is fine. */
static void tx_mux_refuses_a_client_region_past_what_it_tracks(void **unused)
{
	(void)unused;
	/* regions are whole pages: two buffers past the cap */
	data_size = (TXM_CLIENT_BUFS + 2) * SDVF_BUF_SIZE;
	int rc = start("ccc", "");
	data_size = CLIENT_BUFS * SDVF_BUF_SIZE;
	assert_int_not_equal(rc, 0);
	assert_int_not_equal(rc, -2); /* the loader took it: init refused */
	stop();
	data_size = TXM_CLIENT_BUFS * SDVF_BUF_SIZE;
	rc = start("ccc", "");
	data_size = CLIENT_BUFS * SDVF_BUF_SIZE;
	assert_int_equal(rc, 0);
	stop();
}

static void tx_mux_copy_sends_frame_bytes_to_driver(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	send_frame(0, 3, 100, 0xab);
	struct sdvf_desc d;
	assert_true(drv_take(&d));
	assert_int_equal(d.len, 100);
	assert_true(d.io_or_offset >= POOL_IO &&
		    d.io_or_offset < POOL_IO + 0x10000);
	const uint8_t *f = drv_frame(&d, -1);
	assert_memory_equal(f + 6, client_mac[0], 6);
	assert_int_equal(f[99], 0xab);
	assert_int_equal(counter("c0.tx_frames"), 1);
	assert_int_equal(counter("c0.tx_bytes"), 100);
	assert_int_equal(counter("c0.in_flight"), 1);
	/* copy: the client's buffer is back at once, unflagged */
	struct sdvf_desc back;
	assert_true(client_reap(0, &back));
	assert_int_equal(back.io_or_offset, 3 * SDVF_BUF_SIZE);
	assert_int_equal(back.flags, 0);
	drv_complete_and_run(&d, 0);
	assert_int_equal(counter("c0.in_flight"), 0);
	finish();
}

static void tx_mux_remap_sends_client_io_address(void **unused)
{
	(void)unused;
	assert_int_equal(start("rcc", ""), 0);
	send_frame(0, 5, 60, 0x11);
	struct sdvf_desc d, back;
	assert_true(drv_take(&d));
	assert_int_equal(d.io_or_offset, DATA_IO(0) + 5 * SDVF_BUF_SIZE);
	assert_int_equal(d.len, 60);
	assert_false(client_reap(0, &back)); /* still at the driver */
	drv_complete_and_run(&d, 0);
	assert_true(client_reap(0, &back));
	assert_int_equal(back.io_or_offset, 5 * SDVF_BUF_SIZE);
	assert_int_equal(back.flags, 0);
	finish();
}

/* With its pool to spare (more than an eighth idle) and no remap client's
 * buffer at the driver, the mux asks the driver for no completion signal:
 * a completion does not wake it, its next activation takes it. */
static void tx_mux_with_pool_to_spare_asks_no_completion_signal(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	send_frame(0, 3, 100, 0xab);
	struct sdvf_desc d;
	assert_true(drv_take(&d));
	drv_complete(&d, 0);
	assert_false(sdvf_queue_producer_should_signal(&d_free));
	assert_int_equal(counter("c0.in_flight"), 1);
	kick("c1"); /* any activation takes it */
	assert_int_equal(counter("c0.in_flight"), 0);
	assert_int_equal(counter("pool_idle"), POOL_BUFS);
	finish();
}

/* A completion left unasked is swept up by the mux's timer 1 ms after its
 * last activation: at rest every buffer comes home without a wake-up. */
static void tx_mux_sweeps_unasked_completions_at_rest(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	send_frame(0, 3, 100, 0xab);
	struct sdvf_desc d;
	assert_true(drv_take(&d));
	drv_complete(&d, 0);
	assert_false(sdvf_queue_producer_should_signal(&d_free));
	sdvf_sim_advance(sim, 999999);
	assert_int_equal(counter("c0.in_flight"), 1);
	sdvf_sim_advance(sim, 1);
	assert_int_equal(counter("c0.in_flight"), 0);
	assert_int_equal(counter("pool_idle"), POOL_BUFS);
	finish();
}

/* A client that asks for no signal on its tx_free (as net_client does
 * with buffers to spare) and leaves its returns there is signalled once
 * the mux has had no activation for TXM_SWEEP_NS (1 ms), not before, and
 * once: at rest its books settle without a wake-up per completion. */
static void tx_mux_signals_a_client_its_returns_at_rest(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	sdvf_queue_consumer_cancel_signal(&c_free[0]); /* spare buffers */
	/* copy: c0's buffers come back at once; the first send answers
	 * the harness's pending tx_active request, the second is quiet */
	send_frame(0, 3, 100, 0xab);
	send_frame(0, 4, 100, 0xac);
	struct sdvf_desc d;
	while (drv_take(&d))
		drv_complete(&d, 0);
	assert_false(sdvf_queue_producer_should_signal(&d_free));
	uint64_t signals = counter("notify_clients");
	sdvf_sim_advance(sim, 999999);
	assert_int_equal(counter("notify_clients"), signals);
	sdvf_sim_advance(sim, 1);
	assert_int_equal(counter("notify_clients"), signals + 1);
	sdvf_sim_advance(sim, 10000000);
	assert_int_equal(counter("notify_clients"), signals + 1);
	finish();
}

/* A pool run short (an eighth or less idle) makes the mux ask: the driver
 * must wake it with the completion that refills it. */
static void tx_mux_short_of_pool_is_woken_by_a_completion(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	struct sdvf_desc d[POOL_BUFS], back;
	uint32_t n = 0;
	for (int ci = 0; ci < 2; ci++) {
		for (uint32_t slot = 0; slot < 14; slot++)
			enqueue_frame(ci, slot, 60, (uint8_t)slot);
		kick(ci ? "c1" : "c0");
		while (client_reap(ci, &back))
			;
		while (drv_take(&d[n]))
			n++;
		kick(ci ? "c1" : "c0"); /* room at the driver again */
		while (drv_take(&d[n]))
			n++;
	}
	assert_int_equal(n, 28);
	assert_int_equal(counter("pool_idle"), POOL_BUFS - 28);
	drv_complete(&d[0], 0);
	assert_true(sdvf_queue_producer_should_signal(&d_free));
	kick("drv");
	for (uint32_t i = 1; i < n; i++) {
		drv_complete(&d[i], 0);
		if (i % DRV_CAP == 0)
			kick("drv");
	}
	kick("drv");
	finish();
}

/* A remap client's buffer at the driver is its own: the mux asks to be
 * woken for its completion whatever the pool holds. */
static void tx_mux_asks_for_remap_completions(void **unused)
{
	(void)unused;
	assert_int_equal(start("rcc", ""), 0);
	send_frame(0, 5, 60, 0x11);
	struct sdvf_desc d, back;
	assert_true(drv_take(&d));
	drv_complete(&d, 0);
	assert_true(sdvf_queue_producer_should_signal(&d_free));
	kick("drv");
	assert_true(client_reap(0, &back));
	finish();
}

/* One rejected descriptor of client 0: counted under `counter_name` and
 * returned to it with REJECTED; nothing reaches the driver. */
static void expect_rejected(uint64_t offset, uint16_t len, const char *name)
{
	enqueue(0, offset, len);
	kick("c0");
	struct sdvf_desc d, back;
	assert_false(drv_take(&d));
	assert_true(client_reap(0, &back));
	assert_int_equal(back.io_or_offset, offset);
	assert_int_equal(back.flags, SDVF_NET_REJECTED);
	assert_int_equal(counter(name), 1);
	assert_int_equal(counter("c0.tx_frames"), 0);
}

static void tx_mux_rejects_misaligned_offset(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	write_frame(0, 1, 60, client_mac[0], 0);
	expect_rejected(SDVF_BUF_SIZE + 8, 60, "c0.rej_misaligned");
	finish();
}

static void tx_mux_rejects_offset_out_of_range(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	expect_rejected((uint64_t)CLIENT_BUFS * SDVF_BUF_SIZE, 60,
			"c0.rej_out_of_range");
	finish();
}

static void tx_mux_rejects_buffer_sent_twice(void **unused)
{
	(void)unused;
	assert_int_equal(start("rcc", ""), 0);
	send_frame(0, 2, 60, 0);
	struct sdvf_desc d;
	assert_true(drv_take(&d));
	/* the same buffer again while the driver has it */
	enqueue(0, 2 * SDVF_BUF_SIZE, 60);
	kick("c0");
	struct sdvf_desc extra, back;
	assert_false(drv_take(&extra));
	assert_true(client_reap(0, &back));
	assert_int_equal(back.io_or_offset, 2 * SDVF_BUF_SIZE);
	assert_int_equal(back.flags, SDVF_NET_REJECTED);
	assert_int_equal(counter("c0.rej_not_owner"), 1);
	drv_complete_and_run(&d, 0);
	finish();
}

static void tx_mux_rejects_frame_too_short(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	write_frame(0, 0, 13, client_mac[0], 0);
	expect_rejected(0, 13, "c0.rej_too_short");
	finish();
}

static void tx_mux_rejects_frame_too_long(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	write_frame(0, 0, 1519, client_mac[0], 0);
	expect_rejected(0, 1519, "c0.rej_too_long");
	finish();
}

static void tx_mux_rejects_wrong_source_mac(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	write_frame(0, 4, 60, client_mac[1], 0);
	expect_rejected(4 * SDVF_BUF_SIZE, 60, "c0.rej_src_mac");
	finish();
}

static void tx_mux_sends_spoofed_mac_when_allowed(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", "c0_spoof_ok = <1>;"), 0);
	write_frame(0, 4, 60, client_mac[1], 0);
	enqueue(0, 4 * SDVF_BUF_SIZE, 60);
	kick("c0");
	struct sdvf_desc d;
	assert_true(drv_take(&d));
	assert_memory_equal(drv_frame(&d, -1) + 6, client_mac[1], 6);
	assert_int_equal(counter("c0.rej_src_mac"), 0);
	drv_complete_and_run(&d, 0);
	finish();
}

/* The client rewrites its buffer after the mux's activation and before
 * the driver reads the frame: the driver still sends what was checked. */
static void tx_mux_copy_sends_validated_bytes_after_rewrite(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	send_frame(0, 0, 80, 0x55);
	write_frame(0, 0, 80, client_mac[2], 0x66); /* forged source */
	struct sdvf_desc d;
	assert_true(drv_take(&d));
	const uint8_t *f = drv_frame(&d, -1);
	assert_memory_equal(f + 6, client_mac[0], 6);
	assert_int_equal(f[79], 0x55);
	drv_complete_and_run(&d, 0);
	finish();
}

static void tx_mux_returns_tx_error_to_remap_owner(void **unused)
{
	(void)unused;
	assert_int_equal(start("crc", ""), 0);
	send_frame(1, 7, 64, 0);
	struct sdvf_desc d, back;
	assert_true(drv_take(&d));
	drv_complete_and_run(&d, SDVF_NET_TX_ERROR);
	assert_true(client_reap(1, &back));
	assert_int_equal(back.io_or_offset, 7 * SDVF_BUF_SIZE);
	assert_int_equal(back.flags, SDVF_NET_TX_ERROR);
	assert_int_equal(counter("c1.tx_errors"), 1);
	assert_int_equal(counter("c1.in_flight"), 0);
	finish();
}

static void tx_mux_counts_tx_error_of_copy_frame(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	send_frame(2, 0, 64, 0);
	struct sdvf_desc d;
	assert_true(drv_take(&d));
	drv_complete_and_run(&d, SDVF_NET_TX_ERROR);
	assert_int_equal(counter("c2.tx_errors"), 1);
	assert_int_equal(counter("c2.in_flight"), 0);
	finish();
}

static void tx_mux_ignores_completion_driver_never_had(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	struct sdvf_desc forged = {.io_or_offset = POOL_IO, .len = 60};
	drv_complete_and_run(&forged, 0);
	assert_int_equal(counter("bad_completion"), 1);
	finish();
}

/* The driver refuses a frame (REJECTED): counted for its owner, and a
 * remap buffer goes back to the client with the flag. */
static void tx_mux_counts_frames_the_driver_rejected(void **unused)
{
	(void)unused;
	assert_int_equal(start("crc", ""), 0);
	send_frame(0, 0, 64, 0);
	send_frame(1, 4, 64, 0);
	struct sdvf_desc d, back;
	for (int k = 0; k < 2; k++) {
		assert_true(drv_take(&d));
		drv_complete(&d, SDVF_NET_REJECTED);
	}
	kick("drv");
	assert_int_equal(counter("c0.drv_rejected"), 1);
	assert_int_equal(counter("c1.drv_rejected"), 1);
	assert_int_equal(counter("c0.in_flight") + counter("c1.in_flight"), 0);
	assert_true(client_reap(0, &back)); /* copy: back when staged */
	assert_int_equal(back.flags, 0);
	assert_true(client_reap(1, &back));
	assert_int_equal(back.io_or_offset, 4 * SDVF_BUF_SIZE);
	assert_int_equal(back.flags, SDVF_NET_REJECTED);
	finish();
}

/* Client 0 publishes a tail more than a queue ahead of the mux: counted as
 * c0_tx_active.bad_index, nothing of it is taken, client 1 still sends;
 * once its tail is sane again its next frame goes. */
static void tx_mux_refuses_impossible_client_tail(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	uint32_t sane = atomic_load(&c_active[0].shared->tail);
	atomic_store(&c_active[0].shared->tail, sane + CLIENT_CAP + 1);
	enqueue_frame(1, 0, 60, 0);
	kick("c0");
	kick("c1");
	struct sdvf_desc d;
	assert_true(counter("c0_tx_active.bad_index") >= 1);
	assert_true(drv_take(&d));
	assert_int_equal(drv_frame(&d, -1)[11], 1);
	drv_complete(&d, 0);
	assert_false(drv_take(&d));
	assert_int_equal(counter("c0.tx_frames"), 0);
	assert_int_equal(counter("c0.rej_misaligned") +
				 counter("c0.rej_out_of_range") +
				 counter("c0.rej_not_owner"),
			 0);
	atomic_store(&c_active[0].shared->tail, sane);
	send_frame(0, 2, 60, 0);
	assert_true(drv_take(&d));
	assert_int_equal(drv_frame(&d, -1)[11], 0);
	drv_complete_and_run(&d, 0);
	finish();
}

/* Client 0's tx_free is full of rejects; it then publishes a head past
 * what the mux produced: counted as c0_tx_free.bad_index, the mux keeps
 * its own view (still full) and takes nothing more of client 0, and client
 * 1 is untouched.  Once client 0 really reaps, its frame goes. */
static void tx_mux_refuses_impossible_client_free_head(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	for (int k = 0; k < CLIENT_CAP; k++)
		enqueue(0, 1, 60);
	kick("c0");
	assert_int_equal(counter("c0.rej_misaligned"), CLIENT_CAP);
	atomic_store(&c_free[0].shared->head, CLIENT_CAP + 5);
	enqueue_frame(0, 2, 60, 0);
	kick("c0");
	send_frame(1, 1, 60, 0);
	assert_true(counter("c0_tx_free.bad_index") >= 1);
	assert_int_equal(counter("c1_tx_free.bad_index"), 0);
	struct sdvf_desc d, back;
	assert_true(drv_take(&d));
	assert_int_equal(drv_frame(&d, -1)[11], 1);
	drv_complete(&d, 0);
	assert_false(drv_take(&d));
	atomic_store(&c_free[0].shared->head, 0);
	for (int k = 0; k < CLIENT_CAP; k++)
		assert_true(client_reap(0, &back));
	kick("c0");
	assert_true(drv_take(&d));
	assert_int_equal(drv_frame(&d, -1)[11], 0);
	drv_complete_and_run(&d, 0);
	finish();
}

/* Even the trusted driver's indices are checked: a drv_tx_free tail more
 * than a queue ahead is counted and nothing is taken as completed. */
static void tx_mux_refuses_impossible_driver_tail(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	send_frame(0, 0, 60, 0);
	uint32_t sane = atomic_load(&d_free.shared->tail);
	atomic_store(&d_free.shared->tail, sane + DRV_CAP + 1);
	kick("drv");
	assert_true(counter("drv_tx_free.bad_index") >= 1);
	assert_int_equal(counter("c0.in_flight"), 1);
	assert_int_equal(counter("bad_completion"), 0);
	atomic_store(&d_free.shared->tail, sane);
	finish();
}

static void tx_mux_prio_sends_high_before_low(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", "policy = \"prio\"; c1_priority = <0>; "
				      "c0_priority = <1>; c2_priority = <2>;"),
			 0);
	for (uint32_t s = 0; s < 3; s++) {
		enqueue_frame(0, s, 60, 0);
		enqueue_frame(1, s, 60, 0);
		enqueue_frame(2, s, 60, 0);
	}
	kick("c0");
	/* c1 (0) first, then c0 (1), then c2 (2) */
	const int order[9] = {1, 1, 1, 0, 0, 0, 2, 2, 2};
	for (int k = 0; k < 9; k++) {
		struct sdvf_desc d;
		assert_true(drv_take(&d));
		assert_int_equal(drv_frame(&d, -1)[11], order[k]);
		drv_complete(&d, 0);
	}
	kick("drv");
	finish();
}

/* drr weights 1:2:4, every client always backlogged, the driver taking 8
 * frames per round: byte shares within 3% of 1/7, 2/7, 4/7. */
static void tx_mux_drr_shares_bytes_by_weight(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", "policy = \"drr\"; c0_weight = <1>; "
				      "c1_weight = <2>; c2_weight = <4>;"),
			 0);
	uint64_t bytes[NCLIENTS] = {0};
	uint32_t next_slot[NCLIENTS] = {0};
	const uint16_t len[NCLIENTS] = {1000, 1400, 700};
	for (int round = 0; round < 400; round++) {
		for (int i = 0; i < NCLIENTS; i++) {
			struct sdvf_desc back;
			while (client_reap(i, &back))
				;
			while (sdvf_queue_free_slots(&c_active[i]) > 0 &&
			       lent[i][next_slot[i]] == 0) {
				enqueue_frame(i, next_slot[i], len[i], 0);
				next_slot[i] = (next_slot[i] + 1) % CLIENT_BUFS;
			}
		}
		kick("c0");
		struct sdvf_desc d;
		for (int k = 0; k < 8 && drv_take(&d); k++) {
			int who = drv_frame(&d, -1)[11];
			if (round >= 20) /* past the start-up fill */
				bytes[who] += d.len;
			drv_complete(&d, 0);
		}
		kick("drv");
	}
	double total = (double)(bytes[0] + bytes[1] + bytes[2]);
	const double want[NCLIENTS] = {1.0 / 7, 2.0 / 7, 4.0 / 7};
	for (int i = 0; i < NCLIENTS; i++) {
		double share = (double)bytes[i] / total;
		printf("drr client %d: share %.4f (want %.4f)\n", i, share,
		       want[i]);
		assert_true(share > want[i] * 0.97 && share < want[i] * 1.03);
	}
	finish();
}

/* remap: client 0's tx_free has CLIENT_CAP slots; with all of them taken
 * the completion waits in the mux, which asks to be woken, and it arrives
 * once the client makes room. */
static void tx_mux_full_client_free_queue_waits_for_room(void **unused)
{
	(void)unused;
	assert_int_equal(start("rcc", ""), 0);
	/* fill c0_tx_free with rejects of CLIENT_CAP - 1 forged offsets, then
	 * send one real frame */
	for (int k = 0; k < CLIENT_CAP; k++)
		enqueue(0, 1, 60);
	kick("c0");
	assert_int_equal(counter("c0.rej_misaligned"), CLIENT_CAP);
	send_frame(0, 9, 60, 0);
	struct sdvf_desc d, back;
	/* the free queue is full: the frame is not even taken */
	assert_false(drv_take(&d));
	/* the mux asked to be woken for room ... */
	assert_int_equal(atomic_load(&c_free[0].shared->producer_signalled), 0);
	assert_true(client_reap(0, &back)); /* one slot of room */
	/* ... so the client, freeing a slot, is told to notify it */
	assert_true(sdvf_queue_consumer_should_signal(&c_free[0]));
	kick("c0");
	assert_true(drv_take(&d));
	drv_complete_and_run(&d, 0);
	for (int k = 0; k < CLIENT_CAP - 1; k++)
		assert_true(client_reap(0, &back));
	assert_true(client_reap(0, &back));
	assert_int_equal(back.io_or_offset, 9 * SDVF_BUF_SIZE);
	finish();
}

/* The completion arrives while the client's tx_free is full: the mux keeps
 * it, sets producer_signalled = 0, and returns it when the client frees a
 * slot and notifies. */
static void tx_mux_completion_to_full_queue_is_delivered_later(void **unused)
{
	(void)unused;
	assert_int_equal(start("rcc", ""), 0);
	send_frame(0, 9, 60, 0);
	struct sdvf_desc d, back;
	assert_true(drv_take(&d));
	for (int k = 0; k < CLIENT_CAP; k++)
		enqueue(0, 1, 60); /* rejects fill tx_free */
	kick("c0");
	drv_complete_and_run(&d, 0);
	assert_int_equal(atomic_load(&c_free[0].shared->producer_signalled), 0);
	for (int k = 0; k < CLIENT_CAP; k++)
		assert_true(client_reap(0, &back));
	assert_false(client_reap(0, &back));
	kick("c0"); /* the client's "room" notification */
	assert_true(client_reap(0, &back));
	assert_int_equal(back.io_or_offset, 9 * SDVF_BUF_SIZE);
	assert_int_equal(back.flags, 0);
	finish();
}

/* budget = 4: one activation takes at most 4 descriptors; the rest go in
 * the next activation, when the mux's timer fires. */
static void tx_mux_bounds_work_per_activation(void **unused)
{
	(void)unused;
	assert_int_equal(start("rrr", "budget = <4>;"), 0);
	for (uint32_t s = 0; s < 10; s++)
		enqueue_frame(0, s, 60, 0);
	kick("c0");
	uint32_t avail = sdvf_queue_available(&d_active);
	assert_int_equal(avail, 4);
	assert_int_equal(counter("budget_hit"), 1);
	sdvf_sim_advance(sim, 1);
	assert_int_equal(sdvf_queue_available(&d_active), 8);
	sdvf_sim_advance(sim, 1);
	assert_int_equal(sdvf_queue_available(&d_active), 10);
	finish();
}

static void tx_mux_restart_reclaims_client_buffers(void **unused)
{
	(void)unused;
	assert_int_equal(start("crc", ""), 0);
	send_frame(0, 0, 60, 0);
	send_frame(1, 0, 60, 0);
	struct sdvf_desc d0, d1;
	assert_true(drv_take(&d0));
	assert_true(drv_take(&d1));
	assert_int_equal(sdvf_sim_restart(sim, "c0"), 0);
	assert_int_equal(sdvf_sim_restart(sim, "c1"), 0);
	assert_int_equal(counter("c0.in_flight"), 0);
	assert_int_equal(counter("c1.in_flight"), 0);
	/* fresh queues: the test's handles start again at 0 */
	for (int i = 0; i < 2; i++) {
		sim_attach(sim, &c_active[i], i ? "c1_txa" : "c0_txa",
			   CLIENT_CAP);
		sim_attach(sim, &c_free[i], i ? "c1_txf" : "c0_txf",
			   CLIENT_CAP);
		memset(lent[i], 0, sizeof(lent[i]));
	}
	drv_complete(&d0, 0);
	drv_complete_and_run(&d1, 0);
	struct sdvf_desc back;
	assert_false(client_reap(0, &back)); /* nothing for the new one */
	assert_false(client_reap(1, &back));
	assert_int_equal(counter("bad_completion"), 0);
	/* the new instances send again, the remap one its same buffer */
	send_frame(0, 0, 60, 0);
	send_frame(1, 0, 60, 0);
	assert_true(drv_take(&d0));
	assert_true(drv_take(&d1));
	drv_complete(&d0, 0);
	drv_complete_and_run(&d1, 0);
	finish();
}

/* A copy client restarts with one frame staged (checked, its buffer held,
 * not yet copied: the driver's queue was full) and DRV_CAP frames at the
 * driver: the staged buffer is the new instance's again (it sends from it
 * at once), no pool buffer was taken for it, the others return to the pool
 * when they complete, and nothing of the old instance reaches the new one. */
static void tx_mux_restart_returns_pool_buffers_to_pool(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	struct sdvf_desc d, back;
	for (uint32_t s = 0; s < DRV_CAP; s++) {
		send_frame(0, s, 60, 0);
		assert_true(client_reap(0, &back)); /* copied: back at once */
	}
	send_frame(0, 0, 60, 0);
	assert_false(client_reap(0, &back)); /* staged: held, not copied */
	assert_int_equal(counter("pool_idle"), POOL_BUFS - DRV_CAP);
	assert_int_equal(counter("pool_driver"), DRV_CAP);
	assert_int_equal(counter("c0.in_flight"), DRV_CAP);
	assert_int_equal(sdvf_sim_restart(sim, "c0"), 0);
	assert_int_equal(counter("pool_idle"), POOL_BUFS - DRV_CAP);
	assert_int_equal(counter("pool_driver"), DRV_CAP);
	sim_attach(sim, &c_active[0], "c0_txa", CLIENT_CAP);
	sim_attach(sim, &c_free[0], "c0_txf", CLIENT_CAP);
	memset(lent[0], 0, sizeof(lent[0]));
	for (int k = 0; k < DRV_CAP; k++) {
		assert_true(drv_take(&d));
		drv_complete(&d, 0);
	}
	assert_false(drv_take(&d)); /* the staged frame was never sent */
	kick("drv");
	assert_int_equal(counter("pool_idle"), POOL_BUFS);
	assert_false(client_reap(0, &back));
	assert_int_equal(counter("c0.in_flight"), 0);
	send_frame(0, 0, 60, 0x5c); /* the held buffer is the client's */
	assert_int_equal(counter("c0.rej_not_owner"), 0);
	assert_true(drv_take(&d));
	assert_int_equal(drv_frame(&d, -1)[14], 0x5c);
	drv_complete_and_run(&d, 0);
	finish();
}

/* The driver restarts holding 3 copy frames and 2 remap frames, one of
 * which it completed before it died: that one is taken as sent, every
 * other buffer comes back flagged TX_ERROR (pool buffers to the pool, the
 * remap client's to its tx_free), none is resent, and the new driver gets
 * fresh queues on which frames flow again. */
static void tx_mux_takes_back_every_buffer_from_a_restarted_driver(void **u)
{
	(void)u;
	assert_int_equal(start("crc", ""), 0);
	struct sdvf_desc d, back;
	for (uint32_t s = 0; s < 3; s++) {
		send_frame(0, s, 60, 0);
		assert_true(client_reap(0, &back)); /* copied: back at once */
	}
	send_frame(1, 0, 60, 0);
	send_frame(1, 1, 60, 0);
	assert_int_equal(counter("pool_driver"), 3);
	assert_true(drv_take(&d)); /* the driver took one and sent it */
	drv_complete(&d, 0);
	assert_int_equal(sdvf_sim_restart(sim, "drv"), 0);
	assert_int_equal(sdvf_sim_peer_restarts(sim, "mux"), 1);
	sdvf_sim_run(sim, 100000);
	assert_int_equal(counter("drv_restarts"), 1);
	assert_int_equal(counter("drv_reclaimed"), 4);
	assert_int_equal(counter("pool_driver"), 0);
	assert_int_equal(counter("pool_idle"), POOL_BUFS);
	assert_int_equal(counter("c0.in_flight"), 0);
	assert_int_equal(counter("c1.in_flight"), 0);
	assert_int_equal(counter("c0.tx_errors"), 2);
	assert_int_equal(counter("c1.tx_errors"), 2);
	for (uint32_t k = 0; k < 2; k++) {
		assert_true(client_reap(1, &back));
		assert_int_equal(back.flags, SDVF_NET_TX_ERROR);
	}
	assert_false(client_reap(1, &back));
	assert_int_equal(counter("bad_completion"), 0);
	/* fresh driver queues: the test's handles start again at 0 */
	sim_attach(sim, &d_active, "drv_txa", DRV_CAP);
	sim_attach(sim, &d_free, "drv_txf", DRV_CAP);
	assert_false(drv_take(&d)); /* nothing of before is resent */
	send_frame(0, 5, 60, 0x5a);
	send_frame(1, 2, 60, 0x5b);
	for (int k = 0; k < 2; k++) {
		assert_true(drv_take(&d));
		drv_complete(&d, 0);
	}
	assert_false(drv_take(&d));
	kick("drv");
	finish();
}

/* token_bucket at 1518 bytes per ms with a 1518-byte burst: the second
 * full frame waits exactly 1 ms, on the mux's timer. */
static void tx_mux_shaper_holds_client_until_wake(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", "shaper = \"token_bucket\"; "
				      "c0_rate = <0 12144000>; "
				      "c0_burst = <1518>;"),
			 0);
	enqueue_frame(0, 0, 1518, 0);
	enqueue_frame(0, 1, 1518, 0);
	kick("c0");
	assert_int_equal(sdvf_queue_available(&d_active), 1);
	sdvf_sim_advance(sim, 999999);
	assert_int_equal(sdvf_queue_available(&d_active), 1);
	sdvf_sim_advance(sim, 1);
	assert_int_equal(sdvf_queue_available(&d_active), 2);
	finish();
}

/* Ten frames in one notification: one batch, one publish, one notify. */
static void tx_mux_sends_batch_with_one_driver_notification(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	uint64_t before = sdvf_sim_notifications(sim, "mux", "drv");
	for (uint32_t s = 0; s < 10; s++)
		enqueue_frame(0, s, 60, 0);
	kick("c0");
	assert_int_equal(sdvf_queue_available(&d_active), 10);
	assert_int_equal(sdvf_sim_notifications(sim, "mux", "drv") - before, 1);
	assert_int_equal(counter("notify_drv"), 1);
	assert_int_equal(counter("batch_max"), 10);
	assert_int_equal(counter("batches"), 1);
	finish();
}

/* Client 0's garbage costs client 1 nothing: its frame goes out, in the
 * same activation, and only client 0's counters move. */
static void tx_mux_rejects_of_one_client_spare_another(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	for (int k = 0; k < 8; k++)
		enqueue(0, 3, 60);
	enqueue_frame(1, 0, 60, 0);
	kick("c0");
	struct sdvf_desc d;
	assert_true(drv_take(&d));
	assert_int_equal(drv_frame(&d, -1)[11], 1);
	drv_complete_and_run(&d, 0);
	assert_int_equal(counter("c0.rej_misaligned"), 8);
	assert_int_equal(counter("c1.tx_frames"), 1);
	assert_int_equal(counter("c1.rej_misaligned"), 0);
	struct sdvf_desc back;
	for (int k = 0; k < 8; k++)
		assert_true(client_reap(0, &back));
	finish();
}

/* The real driver and model (tests/fixtures/tx_mux-enet.dts): a copy
 * frame of c0 and a remap frame of c1 leave on the wire byte for byte, and
 * every buffer comes home. */
static void tx_mux_frames_leave_on_the_wire_through_enet(void **unused)
{
	(void)unused;
	static const struct sdvf_component *const enet_table[] = {
		&enet_model_component, &enet_driver_component,
		&tx_mux_component, &stub_component, NULL};
	memset(&sys, 0, sizeof(sys));
	memset(lent, 0, sizeof(lent));
	assert_int_equal(sdvf_system_load(&sys,
					  "tests/fixtures/tx_mux-enet.dts",
					  enet_table, stderr),
			 0);
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	assert_int_equal(sdvf_sim_init(sim), 0);
	sdvf_sim_run(sim, 100000);
	struct wire *wire = enet_model_wire(sdvf_sim_state(sim, "nic"));
	for (int i = 0; i < 2; i++) {
		char name[16];
		snprintf(name, sizeof(name), "c%d_txa", i);
		sim_attach(sim, &c_active[i], name, CLIENT_CAP);
		snprintf(name, sizeof(name), "c%d_txf", i);
		sim_attach(sim, &c_free[i], name, CLIENT_CAP);
		snprintf(name, sizeof(name), "c%d_data", i);
		c_data[i] = sdvf_sim_region(sim, name, NULL);
	}
	send_frame(0, 1, 100, 0xc0);
	send_frame(1, 2, 200, 0xc1);
	sdvf_sim_run(sim, 100000);
	uint8_t got[SDVF_BUF_SIZE];
	for (int i = 0; i < 2; i++) {
		long n = wire_mem_take(wire, got, sizeof(got));
		int who = got[11];
		assert_int_equal(n, who ? 200 : 100);
		assert_memory_equal(got,
				    c_data[who] + (who ? 2 : 1) * SDVF_BUF_SIZE,
				    (size_t)n);
	}
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 0);
	struct sdvf_desc back;
	assert_true(client_reap(0, &back));
	assert_int_equal(back.io_or_offset, 1 * SDVF_BUF_SIZE);
	assert_true(client_reap(1, &back));
	assert_int_equal(back.io_or_offset, 2 * SDVF_BUF_SIZE);
	assert_int_equal(back.flags, 0);
	assert_int_equal(counter("c0.in_flight"), 0);
	assert_int_equal(counter("c1.in_flight"), 0);
	assert_int_equal(counter("pool_idle"), POOL_BUFS);
	wire_close(wire);
	stop();
}

/* Without sw_pool there is no local switching: a frame to another
 * client's MAC leaves through the driver like any other. */
static void tx_mux_without_switching_sends_client_to_client(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", ""), 0);
	write_frame(0, 2, 80, client_mac[0], 0x21);
	memcpy(c_data[0] + 2 * SDVF_BUF_SIZE, client_mac[1], 6);
	enqueue(0, 2 * SDVF_BUF_SIZE, 80);
	kick("c0");
	struct sdvf_desc d;
	assert_true(drv_take(&d));
	assert_memory_equal(drv_frame(&d, -1), client_mac[1], 6);
	assert_int_equal(counter("c0.sw_out"), 0);
	drv_complete_and_run(&d, 0);
	finish();
}

static void tx_mux_refuses_switch_to_without_sw_pool(void **unused)
{
	(void)unused;
	assert_int_not_equal(start("ccc", "c0_switch_to = <2>;"), 0);
	stop();
}

/* Refused before init: the policy parameter lists its choices. */
static void tx_mux_refuses_unknown_policy(void **unused)
{
	(void)unused;
	assert_int_equal(start("ccc", "policy = \"fastest\";"), -2);
	assert_int_equal(start("ccc", "shaper = \"drr\";"), -2);
}

/* The choices a parameter of `c` lists, joined by spaces. */
static void choices_of(const struct sdvf_component *c, const char *key,
		       char *out, size_t size)
{
	const struct sdvf_param *p = c->params;
	while (p->name && strcmp(p->name, key) != 0)
		p++;
	assert_non_null(p->name);
	assert_non_null(p->choice);
	out[0] = '\0';
	for (unsigned i = 0; p->choice(i); i++)
		snprintf(out + strlen(out), size - strlen(out), "%s%s",
			 i ? " " : "", p->choice(i));
}

/* sdvf check refuses what init would: an unknown policy or shaper, a
 * scheduler as shaper, a mode that is neither copy nor remap. */
static void tx_mux_policy_and_mode_keys_list_their_choices(void **state)
{
	(void)state;
	extern const struct sdvf_component rx_mux_component;
	char text[256];
	choices_of(&tx_mux_component, "policy", text, sizeof(text));
	assert_string_equal(text, "rr drr prio least_served");
	choices_of(&tx_mux_component, "shaper", text, sizeof(text));
	assert_string_equal(text, "token_bucket");
	choices_of(&tx_mux_component, "c7_mode", text, sizeof(text));
	assert_string_equal(text, "copy remap");
	choices_of(&rx_mux_component, "c0_mode", text, sizeof(text));
	assert_string_equal(text, "copy remap");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tx_mux_copy_sends_frame_bytes_to_driver),
		cmocka_unit_test(
			tx_mux_policy_and_mode_keys_list_their_choices),
		cmocka_unit_test(tx_mux_remap_sends_client_io_address),
		cmocka_unit_test(
			tx_mux_with_pool_to_spare_asks_no_completion_signal),
		cmocka_unit_test(tx_mux_short_of_pool_is_woken_by_a_completion),
		cmocka_unit_test(tx_mux_sweeps_unasked_completions_at_rest),
		cmocka_unit_test(
			tx_mux_refuses_a_client_region_past_what_it_tracks),
		cmocka_unit_test(tx_mux_signals_a_client_its_returns_at_rest),
		cmocka_unit_test(tx_mux_asks_for_remap_completions),
		cmocka_unit_test(tx_mux_rejects_misaligned_offset),
		cmocka_unit_test(tx_mux_rejects_offset_out_of_range),
		cmocka_unit_test(tx_mux_rejects_buffer_sent_twice),
		cmocka_unit_test(tx_mux_rejects_frame_too_short),
		cmocka_unit_test(tx_mux_rejects_frame_too_long),
		cmocka_unit_test(tx_mux_rejects_wrong_source_mac),
		cmocka_unit_test(tx_mux_sends_spoofed_mac_when_allowed),
		cmocka_unit_test(
			tx_mux_copy_sends_validated_bytes_after_rewrite),
		cmocka_unit_test(tx_mux_returns_tx_error_to_remap_owner),
		cmocka_unit_test(tx_mux_counts_tx_error_of_copy_frame),
		cmocka_unit_test(tx_mux_ignores_completion_driver_never_had),
		cmocka_unit_test(tx_mux_counts_frames_the_driver_rejected),
		cmocka_unit_test(tx_mux_refuses_impossible_client_tail),
		cmocka_unit_test(tx_mux_refuses_impossible_client_free_head),
		cmocka_unit_test(tx_mux_refuses_impossible_driver_tail),
		cmocka_unit_test(tx_mux_prio_sends_high_before_low),
		cmocka_unit_test(tx_mux_drr_shares_bytes_by_weight),
		cmocka_unit_test(tx_mux_full_client_free_queue_waits_for_room),
		cmocka_unit_test(
			tx_mux_completion_to_full_queue_is_delivered_later),
		cmocka_unit_test(tx_mux_bounds_work_per_activation),
		cmocka_unit_test(tx_mux_restart_reclaims_client_buffers),
		cmocka_unit_test(tx_mux_restart_returns_pool_buffers_to_pool),
		cmocka_unit_test(
			tx_mux_takes_back_every_buffer_from_a_restarted_driver),
		cmocka_unit_test(tx_mux_shaper_holds_client_until_wake),
		cmocka_unit_test(
			tx_mux_sends_batch_with_one_driver_notification),
		cmocka_unit_test(tx_mux_rejects_of_one_client_spare_another),
		cmocka_unit_test(tx_mux_frames_leave_on_the_wire_through_enet),
		cmocka_unit_test(
			tx_mux_without_switching_sends_client_to_client),
		cmocka_unit_test(tx_mux_refuses_switch_to_without_sw_pool),
		cmocka_unit_test(tx_mux_refuses_unknown_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
