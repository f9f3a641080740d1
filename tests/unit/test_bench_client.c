/*
 * bench (clients/bench_client.c) behind the real RX and TX muxes, ENET
 * driver and model (wire "mem"), in the sim: tests/fixtures/bench-mux.dts,
 * built by the sdvf,net expander.  One test per behaviour of each mode
 * (reflect in copy and remap, sink, source unpaced and paced).  After
 * every test the buffers are counted: every RX buffer back with the RX
 * mux, every TX buffer idle with its client, the TX pool whole, nothing in
 * flight at either mux.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clients/net_client.h"
#include "core/bytes.h"
#include "core/net.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"

#define SYSTEM "tests/fixtures/bench-mux.dts"
#define TX_MUX "net_tx_mux" /* the sdvf,net expander's name */
#define RUN_STEPS 1000000u
#define NCLIENTS 5

static const char *const client[NCLIENTS] = {"refl", "refl_remap", "sink",
					     "src", "paced"};
static const uint8_t refl_mac[6] = {0x02, 0, 0, 0, 0xb0, 0x02};
static const uint8_t remap_mac[6] = {0x02, 0, 0, 0, 0xb0, 0x03};
static const uint8_t sink_mac[6] = {0x02, 0, 0, 0, 0xb0, 0x04};
static const uint8_t src_mac[6] = {0x02, 0, 0, 0, 0xb0, 0x05};
static const uint8_t paced_mac[6] = {0x02, 0, 0, 0, 0xb0, 0x06};
static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0xb0, 0x99};
static const uint8_t paced_dst[6] = {0x02, 0, 0, 0, 0xb0, 0x98};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t peer_ip[4] = {10, 0, 0, 1};
static const uint8_t refl_ip[4] = {10, 0, 0, 2};

static struct sdvf_system sys;
static struct sdvf_sim *sim;
static struct wire *wire;
static uint32_t tx_idle_at_start[NCLIENTS];
static uint64_t pool_at_start;

static uint64_t counter(const char *pd, const char *name)
{
	bool found = false;
	uint64_t v = sdvf_sim_counter(sim, pd, name, &found);
	assert_true(found);
	return v;
}

static const struct net_client *nc_of(int c)
{
	return sdvf_sim_state(sim, client[c]); /* first member */
}

static int setup(void **unused)
{
	(void)unused;
	memset(&sys, 0, sizeof(sys));
	if (sdvf_system_load(&sys, SYSTEM, sdvf_builtin_components, stderr))
		return -1;
	sim = sdvf_sim_create(&sys);
	if (!sim || sdvf_sim_init(sim) != 0)
		return -1;
	wire = enet_model_wire(sdvf_sim_state(sim, "net_nic"));
	sdvf_sim_run(sim, RUN_STEPS); /* link up */
	for (int c = 0; c < NCLIENTS; c++)
		tx_idle_at_start[c] = net_client_tx_idle(nc_of(c));
	pool_at_start = counter("net_tx_mux", "pool_idle");
	return wire ? 0 : -1;
}

/* Run until idle, then wake the TX mux and each client once and run
 * again: with buffers to spare neither is woken for completions
 * (clients/net_client.h tx_reap, mux/tx_mux.c want_completions), so
 * they take them back at their next activation. */
static void run_and_wake(void)
{
	sdvf_sim_run(sim, RUN_STEPS);
	sdvf_sim_inject(sim, "net_tx_mux", "drv");
	sdvf_sim_run(sim, RUN_STEPS);
	for (int c = 0; c < NCLIENTS; c++)
		sdvf_sim_inject(sim, client[c], "tx");
	sdvf_sim_run(sim, RUN_STEPS);
}

static void conservation(void)
{
	for (int c = 0; c < NCLIENTS; c++) {
		const struct net_client *nc = nc_of(c);
		assert_int_equal(net_client_rx_held(nc), 0);
		assert_int_equal(net_client_tx_idle(nc), tx_idle_at_start[c]);
		assert_int_equal(net_client_tx_at_mux(nc), 0);
		char name[16];
		snprintf(name, sizeof(name), "c%d.in_flight", c);
		assert_int_equal(counter("net_rx_mux", name), 0);
		assert_int_equal(counter("net_tx_mux", name), 0);
		assert_int_equal(counter(client[c], "net.rx_bad"), 0);
		assert_int_equal(counter(client[c], "net.tx_bad"), 0);
	}
	assert_int_equal(counter("net_tx_mux", "pool_idle"), pool_at_start);
}

static int teardown(void **unused)
{
	(void)unused;
	sdvf_sim_run(sim, RUN_STEPS);
	uint8_t f[WIRE_MAX_FRAME];
	while (wire_mem_take(wire, f, sizeof(f)) > 0)
		;
	run_and_wake();
	conservation();
	wire_close(wire);
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	return 0;
}

static void inject(const uint8_t *f, size_t len)
{
	assert_int_equal(wire_mem_inject(wire, f, len), 0);
	run_and_wake();
}

static long take(uint8_t *f)
{
	return wire_mem_take(wire, f, WIRE_MAX_FRAME);
}

static void assert_nothing_sent(void)
{
	uint8_t f[WIRE_MAX_FRAME];
	assert_int_equal(take(f), 0);
}

/* ---- frames ------------------------------------------------------------ */

static size_t eth(uint8_t *f, const uint8_t *dst, const uint8_t *src,
		  uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	sdvf_put_be16(f + 12, type);
	return 14;
}

static void ipv4(uint8_t *ip, const uint8_t *src, const uint8_t *dst,
		 uint8_t proto, uint16_t payload)
{
	memset(ip, 0, 20);
	ip[0] = 0x45;
	sdvf_put_be16(ip + 2, (uint16_t)(20 + payload));
	sdvf_put_be16(ip + 4, 0x1234);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	sdvf_put_be16(ip + 10, sdvf_inet_csum(ip, 20, 0));
}

static uint32_t pseudo(const uint8_t *ip, uint16_t udp_len)
{
	uint32_t s = 0;
	for (int i = 12; i < 20; i += 2)
		s += sdvf_get_be16(ip + i);
	return s + 17 + udp_len;
}

/* A UDP datagram with `n` payload bytes, checksummed; returns its length. */
static size_t udp_frame(uint8_t *f, const uint8_t *dst_mac,
			const uint8_t *dst_ip, uint16_t sport, uint16_t dport,
			size_t n)
{
	size_t at = eth(f, dst_mac, peer_mac, 0x0800);
	uint16_t udp_len = (uint16_t)(8 + n);
	ipv4(f + at, peer_ip, dst_ip, 17, udp_len);
	uint8_t *u = f + at + 20;
	sdvf_put_be16(u, sport);
	sdvf_put_be16(u + 2, dport);
	sdvf_put_be16(u + 4, udp_len);
	sdvf_put_be16(u + 6, 0);
	for (size_t i = 0; i < n; i++)
		u[8 + i] = (uint8_t)(i * 7 + 3);
	sdvf_put_be16(u + 6,
		      sdvf_inet_csum(u, udp_len, pseudo(f + at, udp_len)));
	return at + 20 + udp_len;
}

/* ---- reflect ------------------------------------------------------------ */

/* A UDP datagram comes back byte for byte with its Ethernet and IPv4
 * addresses and its ports swapped, both checksums still right. */
static void udp_comes_back_swapped(const char *pd, const uint8_t *mac,
				   const uint8_t *ip, size_t n)
{
	uint8_t f[WIRE_MAX_FRAME], got[WIRE_MAX_FRAME];
	size_t len = udp_frame(f, mac, ip, 40000, 7777, n);
	inject(f, len);
	assert_int_equal(take(got), (long)len);
	assert_memory_equal(got, peer_mac, 6);
	assert_memory_equal(got + 6, mac, 6);
	assert_memory_equal(got + 12, f + 12, 14); /* type .. IP checksum */
	assert_memory_equal(got + 26, ip, 4);
	assert_memory_equal(got + 30, peer_ip, 4);
	assert_int_equal(sdvf_get_be16(got + 34), 7777);
	assert_int_equal(sdvf_get_be16(got + 36), 40000);
	assert_memory_equal(got + 38, f + 38, len - 38);
	assert_int_equal(sdvf_inet_csum(got + 14, 20, 0), 0);
	assert_int_equal(
		sdvf_inet_csum(got + 34, 8 + n, pseudo(got + 14, 8 + n)), 0);
	assert_nothing_sent();
	assert_int_equal(counter(pd, "bench.tx_frames"), 1);
	assert_int_equal(counter(pd, "bench.tx_bytes"), len);
	assert_int_equal(counter(pd, "bench.rx_bytes"), len);
}

static void copy_reflect_sends_udp_back_with_addresses_swapped(void **unused)
{
	(void)unused;
	udp_comes_back_swapped("refl", refl_mac, refl_ip, 1472);
	assert_int_equal(counter("refl", "bench.tx_done"), 1);
}

static void remap_reflect_sends_udp_back_with_addresses_swapped(void **unused)
{
	(void)unused;
	static const uint8_t remap_ip[4] = {10, 0, 0, 3};
	udp_comes_back_swapped("refl_remap", remap_mac, remap_ip, 64);
	assert_int_equal(counter("refl_remap", "bench.tx_done"), 1);
}

static size_t arp_request(uint8_t *f, const uint8_t *target_ip)
{
	size_t at = eth(f, bcast, peer_mac, 0x0806);
	uint8_t *a = f + at;
	sdvf_put_be16(a, 1);
	sdvf_put_be16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	sdvf_put_be16(a + 6, 1);
	memcpy(a + 8, peer_mac, 6);
	memcpy(a + 14, peer_ip, 4);
	memset(a + 18, 0, 6);
	memcpy(a + 24, target_ip, 4);
	memset(a + 28, 0, 60 - 42);
	return 60;
}

static void reflect_answers_arp_request_for_its_ip(void **unused)
{
	(void)unused;
	uint8_t f[WIRE_MAX_FRAME], got[WIRE_MAX_FRAME];
	inject(f, arp_request(f, refl_ip));
	assert_int_equal(take(got), 60); /* 42, padded by the NIC */
	assert_memory_equal(got, peer_mac, 6);
	assert_memory_equal(got + 6, refl_mac, 6);
	assert_int_equal(sdvf_get_be16(got + 12), 0x0806);
	assert_int_equal(sdvf_get_be16(got + 20), 2); /* reply */
	assert_memory_equal(got + 22, refl_mac, 6);
	assert_memory_equal(got + 28, refl_ip, 4);
	assert_memory_equal(got + 32, peer_mac, 6);
	assert_memory_equal(got + 38, peer_ip, 4);
	assert_nothing_sent();
	/* refl_remap heard the broadcast too: not its ip */
	assert_int_equal(counter("refl_remap", "bench.reflect.drop.arp"), 1);
	assert_int_equal(counter("sink", "bench.rx_frames"), 1);
}

static void reflect_ignores_arp_request_for_another_ip(void **unused)
{
	(void)unused;
	static const uint8_t other_ip[4] = {10, 0, 0, 9};
	uint8_t f[WIRE_MAX_FRAME];
	inject(f, arp_request(f, other_ip));
	assert_nothing_sent();
	assert_int_equal(counter("refl", "bench.reflect.drop.arp"), 1);
	assert_int_equal(counter("refl", "bench.tx_frames"), 0);
}

static void reflect_answers_ping(void **unused)
{
	(void)unused;
	uint8_t f[WIRE_MAX_FRAME], got[WIRE_MAX_FRAME];
	size_t at = eth(f, refl_mac, peer_mac, 0x0800);
	ipv4(f + at, peer_ip, refl_ip, 1, 8 + 32);
	uint8_t *icmp = f + at + 20;
	icmp[0] = 8;
	icmp[1] = 0;
	sdvf_put_be16(icmp + 2, 0);
	sdvf_put_be32(icmp + 4, 0x00420007); /* id 0x42, sequence 7 */
	for (int i = 0; i < 32; i++)
		icmp[8 + i] = (uint8_t)i;
	sdvf_put_be16(icmp + 2, sdvf_inet_csum(icmp, 40, 0));
	size_t len = at + 20 + 40;
	inject(f, len);
	assert_int_equal(take(got), (long)len);
	assert_memory_equal(got, peer_mac, 6);
	assert_memory_equal(got + 26, refl_ip, 4);
	assert_memory_equal(got + 30, peer_ip, 4);
	assert_int_equal(got[34], 0); /* echo reply */
	assert_int_equal(sdvf_inet_csum(got + 34, 40, 0), 0);
	assert_memory_equal(got + 38, icmp + 4, 36); /* id, sequence, data */
	assert_int_equal(sdvf_inet_csum(got + 14, 20, 0), 0);
}

/* Not IP: the reflector's answer, only the Ethernet addresses change. */
static void reflect_sends_raw_frame_back_with_macs_swapped(void **unused)
{
	(void)unused;
	uint8_t f[WIRE_MAX_FRAME], got[WIRE_MAX_FRAME];
	eth(f, refl_mac, peer_mac, 0x88b5);
	for (int i = 14; i < 1514; i++)
		f[i] = (uint8_t)i;
	inject(f, 1514);
	assert_int_equal(take(got), 1514);
	assert_memory_equal(got, peer_mac, 6);
	assert_memory_equal(got + 6, refl_mac, 6);
	assert_memory_equal(got + 12, f + 12, 1514 - 12);
}

static void reflect_refuses_what_it_must_not_answer(void **unused)
{
	(void)unused;
	uint8_t f[WIRE_MAX_FRAME];
	/* from a server port, and port to itself: a loop with another echo */
	inject(f, udp_frame(f, refl_mac, refl_ip, 53, 7777, 16));
	inject(f, udp_frame(f, refl_mac, refl_ip, 7777, 7777, 16));
	assert_int_equal(counter("refl", "bench.reflect.drop.udp_port"), 2);
	/* a broadcast IPv4 datagram */
	size_t len = udp_frame(f, bcast, refl_ip, 40000, 7777, 16);
	inject(f, len);
	assert_int_equal(counter("refl", "bench.reflect.drop.group_dest"), 1);
	/* unicast to us, but to the subnet's broadcast address */
	static const uint8_t subnet_bcast[4] = {10, 0, 0, 255};
	inject(f, udp_frame(f, refl_mac, subnet_bcast, 40000, 7777, 16));
	assert_int_equal(counter("refl", "bench.reflect.drop.group_dest"), 2);
	/* a group source */
	len = udp_frame(f, refl_mac, refl_ip, 40000, 7777, 16);
	f[6] |= 1;
	inject(f, len);
	assert_int_equal(counter("refl", "bench.reflect.drop.group_source"), 1);
	/* a broken IPv4 checksum */
	len = udp_frame(f, refl_mac, refl_ip, 40000, 7777, 16);
	f[24] ^= 0xff;
	inject(f, len);
	assert_int_equal(counter("refl", "bench.reflect.drop.bad_ip"), 1);
	/* from a source that names no host */
	len = udp_frame(f, refl_mac, refl_ip, 40000, 7777, 16);
	f[26] = 127;
	sdvf_put_be16(f + 24, 0);
	sdvf_put_be16(f + 24, sdvf_inet_csum(f + 14, 20, 0));
	inject(f, len);
	assert_int_equal(counter("refl", "bench.reflect.drop.src_not_host"), 1);
	assert_nothing_sent();
	assert_int_equal(counter("refl", "bench.tx_frames"), 0);
	assert_int_equal(counter("refl", "bench.rx_frames"), 7);
}

/* More frames in one activation than refl_remap has TX buffers (8): the
 * rest wait in its RX queue for buffers to come back, every frame is
 * answered and none dropped; the next frame finds a buffer at once. */
static void reflect_waits_for_a_tx_buffer_instead_of_dropping(void **unused)
{
	(void)unused;
	uint8_t f[WIRE_MAX_FRAME];
	eth(f, remap_mac, peer_mac, 0x88b5);
	memset(f + 14, 0x5a, 46);
	for (int i = 0; i < 40; i++)
		assert_int_equal(wire_mem_inject(wire, f, 60), 0);
	sdvf_sim_run(sim, RUN_STEPS);
	assert_int_equal(counter("refl_remap", "bench.tx_frames"), 40);
	assert_int_equal(counter("refl_remap", "bench.reflect.drop.no_tx_buf"),
			 0);
	assert_true(counter("refl_remap", "bench.reflect.waits") >= 1);
	uint8_t got[WIRE_MAX_FRAME];
	uint64_t out = 0;
	while (take(got) > 0)
		out++;
	assert_int_equal(out, 40);
	inject(f, 60);
	assert_int_equal(counter("refl_remap", "bench.tx_frames"), 41);
}

/* The TX mux restarts while reflected frames wait for TX buffers: the
 * restart gives every buffer back, and the waiting frames are answered
 * then, not at the next frame that happens to arrive. */
static void
reflect_answers_waiting_frames_when_the_tx_mux_restarts(void **unused)
{
	(void)unused;
	uint8_t f[WIRE_MAX_FRAME];
	eth(f, remap_mac, peer_mac, 0x88b5);
	memset(f + 14, 0x5a, 46);
	sdvf_sim_hold(sim, TX_MUX, true);
	for (int i = 0; i < 40; i++)
		assert_int_equal(wire_mem_inject(wire, f, 60), 0);
	sdvf_sim_run(sim, RUN_STEPS);
	uint64_t sent = counter("refl_remap", "bench.tx_frames");
	assert_int_equal(sent, tx_idle_at_start[1]);
	assert_true(counter("refl_remap", "bench.reflect.waits") >= 1);
	sdvf_sim_hold(sim, TX_MUX, false);
	assert_int_equal(sdvf_sim_restart(sim, TX_MUX), 0);
	sdvf_sim_run(sim, RUN_STEPS);
	assert_int_equal(counter("refl_remap", "bench.tx_frames"), 40);
	assert_int_equal(counter("refl_remap", "bench.reflect.drop.no_tx_buf"),
			 0);
	uint8_t got[WIRE_MAX_FRAME];
	uint64_t out = 0;
	while (take(got) > 0)
		out++;
	assert_int_equal(out, 40 - sent); /* the old TX mux's never left */
}

/* ---- sink --------------------------------------------------------------- */

static size_t bench_frame(uint8_t *f, const uint8_t *dst, uint64_t seq,
			  size_t len)
{
	eth(f, dst, peer_mac, 0x88b5);
	sdvf_put_be32(f + 14, (uint32_t)(seq >> 32));
	sdvf_put_be32(f + 18, (uint32_t)seq);
	sdvf_put_be16(f + 22, 0);
	for (size_t i = 24; i < len; i++)
		f[i] = (uint8_t)(seq + i);
	sdvf_put_be16(f + 22, sdvf_inet_csum(f + 14, len - 14, 0));
	return len;
}

static void sink_counts_frames_and_checks_source_payloads(void **unused)
{
	(void)unused;
	uint8_t f[WIRE_MAX_FRAME];
	for (uint64_t seq = 0; seq < 5; seq++)
		inject(f, bench_frame(f, sink_mac, seq, 200));
	inject(f, bench_frame(f, sink_mac, 9, 200)); /* 5..8 lost */
	bench_frame(f, sink_mac, 10, 200);
	f[100] ^= 1;
	inject(f, 200);
	eth(f, sink_mac, peer_mac, 0x0800); /* not the source's format */
	inject(f, 60);
	assert_int_equal(counter("sink", "bench.rx_frames"), 8);
	assert_int_equal(counter("sink", "bench.rx_bytes"), 7 * 200 + 60);
	assert_int_equal(counter("sink", "bench.sink.seq_gaps"), 1);
	assert_int_equal(counter("sink", "bench.sink.bad_payload"), 1);
	assert_int_equal(counter("sink", "bench.tx_frames"), 0);
	assert_nothing_sent();
}

/* ---- source ------------------------------------------------------------- */

/* Takes every frame on the wire; those from `mac` must be source frames
 * to `dst` of `len` bytes numbered from *next on.  Returns how many. */
static uint64_t take_source_frames(const uint8_t *mac, const uint8_t *dst,
				   long len, uint64_t *next)
{
	uint8_t got[WIRE_MAX_FRAME], want[WIRE_MAX_FRAME];
	uint64_t n = 0;
	long got_len;
	while ((got_len = take(got)) > 0) {
		if (memcmp(got + 6, mac, 6) != 0)
			continue;
		assert_int_equal(got_len, len);
		bench_frame(want, dst, *next, (size_t)len);
		memcpy(want + 6, mac, 6);
		assert_memory_equal(got, want, (size_t)len);
		(*next)++;
		n++;
	}
	return n;
}

/* 200 frames through 16 TX buffers: the source waits for buffers to come
 * back and loses none; every frame in order with a right checksum. */
static void source_sends_its_count_in_order_waiting_for_buffers(void **unused)
{
	(void)unused;
	uint64_t next = 0;
	for (int round = 0; round < 1000 && next < 200; round++) {
		sdvf_sim_advance(sim, 1000);
		take_source_frames(src_mac, peer_mac, 100, &next);
	}
	assert_int_equal(next, 200);
	assert_int_equal(counter("src", "bench.tx_frames"), 200);
	assert_int_equal(counter("src", "bench.tx_bytes"), 200 * 100);
	assert_true(counter("src", "bench.source.waits") > 0);
	sdvf_sim_advance(sim, 1000000);
	uint64_t more = 0;
	take_source_frames(src_mac, peer_mac, 100, &more);
	assert_int_equal(more, 0);
	run_and_wake();
	assert_int_equal(counter("src", "bench.tx_done"), 200);
}

/* 1000 frames a second in bursts of at most 4: a burst is due every 4 ms
 * of virtual time and never late; between bursts the source may be woken
 * (the TX mux signals returns a client has left 1 ms: mux/tx_mux.c) and
 * then sends what is due, never more than one frame per elapsed ms. */
static void paced_source_sends_its_bursts_at_its_rate(void **unused)
{
	(void)unused;
	uint64_t next = 0;
	for (uint64_t ms = 1; ms <= 10; ms++) {
		sdvf_sim_advance(sim, 1000000);
		take_source_frames(paced_mac, paced_dst, 60, &next);
		assert_true(next >= 4 * (ms / 4));
		assert_true(next <= ms);
	}
	sdvf_sim_advance(sim, 90000000); /* to 100 ms */
	take_source_frames(paced_mac, paced_dst, 60, &next);
	assert_int_equal(next, 100);
	assert_int_equal(counter("paced", "bench.tx_frames"), 100);
	assert_int_equal(counter("paced", "bench.source.waits"), 0);
}

/* ---- configuration ---------------------------------------------------- */

/* The fixture's text with `find` replaced by `repl`, loaded; errors in
 * *errors (malloc'd).  Returns the loader's result. */
static int load_edited(struct sdvf_system *edited, const char *find,
		       const char *repl, char **errors)
{
	FILE *f = fopen(SYSTEM, "r");
	assert_non_null(f);
	static char text[16384], out[16384];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	char *at = strstr(text, find);
	assert_non_null(at);
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(at - text), text, repl,
		 at + strlen(find));
	size_t len;
	FILE *err = open_memstream(errors, &len);
	int rc = sdvf_system_load_dts(edited, SYSTEM, out,
				      sdvf_builtin_components, err);
	fclose(err);
	return rc;
}

static void bench_mode_other_than_the_three_is_refused(void **unused)
{
	(void)unused;
	struct sdvf_system edited;
	char *errors;
	assert_int_equal(load_edited(&edited, "bench_mode = \"sink\"",
				     "bench_mode = \"mirror\"", &errors),
			 -1);
	assert_non_null(strstr(errors, "/pds/sink/config: property "
				       "'bench_mode': \"mirror\" is not one "
				       "of: sink, source, reflect"));
	free(errors);
}

static void source_without_destination_refuses_to_start(void **unused)
{
	(void)unused;
	struct sdvf_system edited;
	char *errors;
	assert_int_equal(load_edited(&edited,
				     "src_dst_mac = [02 00 00 00 b0 99];", "",
				     &errors),
			 0);
	free(errors);
	struct sdvf_sim *s = sdvf_sim_create(&edited);
	assert_non_null(s);
	assert_int_not_equal(sdvf_sim_init(s), 0);
	/* The model started before the source refused: its wire is ours to
	 * close, as in teardown. */
	struct wire *w = enet_model_wire(sdvf_sim_state(s, "net_nic"));
	if (w)
		wire_close(w);
	sdvf_sim_destroy(s);
	sdvf_system_free(&edited);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(copy_reflect_sends_udp_back_with_addresses_swapped),
		T(remap_reflect_sends_udp_back_with_addresses_swapped),
		T(reflect_answers_arp_request_for_its_ip),
		T(reflect_ignores_arp_request_for_another_ip),
		T(reflect_answers_ping),
		T(reflect_sends_raw_frame_back_with_macs_swapped),
		T(reflect_refuses_what_it_must_not_answer),
		T(reflect_waits_for_a_tx_buffer_instead_of_dropping),
		T(reflect_answers_waiting_frames_when_the_tx_mux_restarts),
		T(sink_counts_frames_and_checks_source_payloads),
		T(source_sends_its_count_in_order_waiting_for_buffers),
		T(paced_source_sends_its_bursts_at_its_rate),
		cmocka_unit_test(bench_mode_other_than_the_three_is_refused),
		cmocka_unit_test(source_without_destination_refuses_to_start),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
