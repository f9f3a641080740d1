/*
 * raw_responder (clients/raw_responder.c) as client c0 of the real RX and
 * TX muxes, on the real driver and model in the sim: frames injected on
 * the `mem` wire, replies taken off it.  Each
 * reply is compared byte for byte with one the test builds itself, and
 * every malformed frame is dropped and counted under its reason.  After
 * each test every buffer is back home (expect_buffers_home).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "clients/raw_responder.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/enet_driver.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"

static const uint8_t resp_mac[6] = {0x02, 0x00, 0x00, 0x00, 0xe7, 0x02};
static const uint8_t peer_mac[6] = {0x02, 0x00, 0x00, 0x00, 0xe7, 0x99};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t resp_ip[4] = {10, 213, 7, 2};
static const uint8_t peer_ip[4] = {10, 213, 7, 1};
static const uint8_t other_ip[4] = {10, 213, 7, 3};
static const uint8_t zero_ip[4] = {0, 0, 0, 0};
static const uint8_t all_ones_ip[4] = {255, 255, 255, 255};
static const uint8_t subnet_bcast_ip[4] = {10, 213, 7, 255};
static const uint8_t group_ip[4] = {224, 0, 0, 1};
static const uint8_t group_mac[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
static const uint8_t this_net_ip[4] = {0, 1, 2, 3};
static const uint8_t loopback_ip[4] = {127, 0, 0, 1};
static const uint8_t class_e_ip[4] = {240, 0, 0, 1};

extern const struct sdvf_component rx_mux_component;
extern const struct sdvf_component tx_mux_component;

static const struct sdvf_component *const table[] = {
	&enet_model_component, &enet_driver_component,	 &rx_mux_component,
	&tx_mux_component,     &raw_responder_component, NULL};

/* model + driver + rx_mux + tx_mux + the responder as the muxes' client
 * c0, copy in both directions, taking multicast (so that its own refusal
 * of it is tested).  Formats: the TX pair's capacity (mux and
 * responder), the TX mux's c0_mac, the responder's extra config. */
static const char dts_fmt[] =
	"/dts-v1/;\n/ {\ncompatible = \"sdvf,system\";\npds {\n"
	"nic { component = \"enet_model\";\n"
	"  maps { enet_regs = \"enet_regs\", \"rw\"; enet_mmio = "
	"\"enet_mmio\", \"rw\"; enet_rings = \"enet_rings\", \"rw\";\n"
	"    dma0 = \"rx_dma\", \"rw\"; dma1 = \"tx_pool\", \"r\"; };\n"
	"  channels { irq = \"irq\"; mmio = \"mmio\"; };\n"
	"  config { wire = \"mem\"; }; };\n"
	"drv { component = \"enet_driver\";\n"
	"  maps { enet_regs = \"enet_regs\", \"r\"; enet_mmio = "
	"\"enet_mmio\", \"rw\"; enet_rings = \"enet_rings\", \"rw\";\n"
	"    rx_free = \"rx_free\", \"rw\"; rx_active = \"rx_active\", "
	"\"rw\"; tx_free = \"drv_txf\", \"rw\"; tx_active = \"drv_txa\", "
	"\"rw\"; };\n"
	"  channels { irq = \"irq\"; mmio = \"mmio\"; rx = \"rx\"; tx = "
	"\"drv\"; };\n"
	"  config { mac = [02 00 00 00 e7 01]; rx_ring = <8>; tx_ring = <8>; "
	"rx_capacity = <16>; tx_capacity = <16>;\n"
	"    dma0_io = <0x10000000>; dma0_size = <0x8000>; dma0_rights = "
	"\"rw\";\n"
	"    dma1_io = <0x10100000>; dma1_size = <0x8000>; dma1_rights = "
	"\"r\"; }; };\n"
	"rxm { component = \"rx_mux\";\n"
	"  maps { rx_dma = \"rx_dma\", \"rw\"; rx_free = \"rx_free\", \"rw\"; "
	"rx_active = \"rx_active\", \"rw\";\n"
	"    c0_rx_active = \"c0_rxa\", \"rw\"; c0_rx_free = \"c0_rxf\", "
	"\"rw\"; c0_rx_data = \"c0_rxd\", \"rw\"; };\n"
	"  channels { rx = \"rx\"; c0 = \"c0_rx\"; };\n"
	"  config { rx_capacity = <16>; client_capacity = <16>; "
	"c0_mac = [02 00 00 00 e7 02]; c0_multicast = <1>; }; };\n"
	"txm { component = \"tx_mux\";\n"
	"  maps { drv_tx_active = \"drv_txa\", \"rw\"; drv_tx_free = "
	"\"drv_txf\", \"rw\"; tx_pool = \"tx_pool\", \"rw\";\n"
	"    c0_tx_active = \"c0_txa\", \"rw\"; c0_tx_free = \"c0_txf\", "
	"\"rw\"; c0_tx_data = \"c0_txd\", \"r\"; };\n"
	"  channels { drv = \"drv\"; c0 = \"c0_tx\"; };\n"
	"  config { drv_capacity = <16>; client_capacity = <%u>; "
	"c0_mac = [%s]; }; };\n"
	"resp { component = \"raw_responder\";\n"
	"  maps { rx_active = \"c0_rxa\", \"rw\"; rx_free = \"c0_rxf\", "
	"\"rw\"; rx_data = \"c0_rxd\", \"r\";\n"
	"    tx_active = \"c0_txa\", \"rw\"; tx_free = \"c0_txf\", \"rw\"; "
	"tx_data = \"c0_txd\", \"rw\"; };\n"
	"  channels { rx = \"c0_rx\"; tx = \"c0_tx\"; };\n"
	"  config { mac = [02 00 00 00 e7 02]; rx_capacity = <16>; "
	"tx_capacity = <%u>; %s}; };\n"
	"};\nregions {\n"
	"enet_regs { size = <0x1000>; }; enet_mmio { size = <0x1000>; };\n"
	"enet_rings { size = <0x1000>; io-address = <0x40000000>; };\n"
	"rx_dma { size = <0x8000>; io-address = <0x10000000>; };\n"
	"tx_pool { size = <0x8000>; io-address = <0x10100000>; };\n"
	"rx_free { size = <0x1000>; }; rx_active { size = <0x1000>; };\n"
	"drv_txf { size = <0x1000>; }; drv_txa { size = <0x1000>; };\n"
	"c0_rxa { size = <0x1000>; }; c0_rxf { size = <0x1000>; };\n"
	"c0_rxd { size = <0x8000>; };\n"
	"c0_txa { size = <0x1000>; }; c0_txf { size = <0x1000>; };\n"
	"c0_txd { size = <0x8000>; };\n"
	"};\nchannels {\n"
	"irq { ends = \"nic\", \"drv\"; }; mmio { ends = \"drv\", \"nic\"; "
	"};\n"
	"rx { ends = \"drv\", \"rxm\"; }; drv { ends = \"txm\", \"drv\"; };\n"
	"c0_rx { ends = \"rxm\", \"resp\"; }; c0_tx { ends = \"txm\", "
	"\"resp\"; };\n"
	"};\n};\n";

#define RESP_MAC_TEXT "02 00 00 00 e7 02"

static struct sdvf_system sys;
static struct sdvf_sim *sim;
static void *nic, *resp;
static struct wire *wire;

/* Run until idle, then wake the TX mux and the responder once and run
 * again: with buffers to spare neither is woken for completions
 * (clients/net_client.h tx_reap, mux/tx_mux.c want_completions), so
 * they take them back at their next activation. */
static void run(void)
{
	sdvf_sim_run(sim, 100000);
	sdvf_sim_inject(sim, "txm", "drv");
	sdvf_sim_run(sim, 100000);
	sdvf_sim_inject(sim, "resp", "tx");
	sdvf_sim_run(sim, 100000);
}

/* Load the system with TX pairs of `tx_cap` slots (the responder's TX
 * buffers), `txm_mac` as the TX mux's c0_mac and `extra_config` in the
 * responder's config, and run every init: the result of sdvf_sim_init. */
static int init_system(unsigned tx_cap, const char *txm_mac,
		       const char *extra_config)
{
	char dts[8192];
	snprintf(dts, sizeof(dts), dts_fmt, tx_cap, txm_mac, tx_cap,
		 extra_config);
	memset(&sys, 0, sizeof(sys));
	assert_int_equal(sdvf_system_load_dts(&sys, "test_raw_responder", dts,
					      table, stderr),
			 0);
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	int rc = sdvf_sim_init(sim);
	nic = sdvf_sim_state(sim, "nic");
	resp = sdvf_sim_state(sim, "resp");
	wire = enet_model_wire(nic);
	return rc;
}

static int init_with(const char *extra_config)
{
	return init_system(16, RESP_MAC_TEXT, extra_config);
}

static void boot(const char *extra_config)
{
	assert_int_equal(init_with(extra_config), 0);
	run();
}

/* The responder's address, 10.213.7.2, on its /24. */
#define RESP_IP_CONFIG "ip = [0a d5 07 02]; prefix_len = <24>; "

static int boot_default(void **unused)
{
	(void)unused;
	boot(RESP_IP_CONFIG);
	return 0;
}

/* TX pairs of two slots: the responder owns two TX buffers. */
static int boot_two_tx_buffers(void **unused)
{
	(void)unused;
	assert_int_equal(init_system(2, RESP_MAC_TEXT, RESP_IP_CONFIG), 0);
	run();
	return 0;
}

/* The TX mux expects another source MAC for c0: it rejects every reply. */
static int boot_with_the_tx_mux_expecting_another_mac(void **unused)
{
	(void)unused;
	assert_int_equal(init_system(16, "02 00 00 00 e7 03", RESP_IP_CONFIG),
			 0);
	run();
	return 0;
}

/* No subnet configured: prefix_len left at its default. */
static int boot_without_prefix_len(void **unused)
{
	(void)unused;
	boot("ip = [0a d5 07 02]; ");
	return 0;
}

static int boot_on_a_31_bit_subnet(void **unused)
{
	(void)unused;
	boot("ip = [0a d5 07 02]; prefix_len = <31>; ");
	return 0;
}

static uint64_t pd_counter(const char *pd, const char *name)
{
	bool found = false;
	uint64_t value = sdvf_sim_counter(sim, pd, name, &found);
	assert_true(found);
	return value;
}

/* Buffer conservation once the system is quiet: every reply's buffer came
 * back to the responder, the RX mux lent none it did not get back, the
 * TX mux holds none of the responder's and its pool is whole. */
static void expect_buffers_home(void)
{
	uint8_t frame[WIRE_MAX_FRAME];
	/* Rest: the driver's TX completion timer (TXIC, 1 ms) returns what
	 * it has not reaped yet. */
	sdvf_sim_advance(sim, 2000000);
	while (wire_mem_take(wire, frame, sizeof(frame)) > 0)
		run();
	run();
	uint64_t replies = pd_counter("resp", "arp_replies") +
			   pd_counter("resp", "icmp_replies") +
			   pd_counter("resp", "udp_replies");
	assert_int_equal(pd_counter("resp", "tx_done") +
				 pd_counter("resp", "tx_errors"),
			 replies);
	assert_int_equal(pd_counter("rxm", "c0.in_flight"), 0);
	assert_int_equal(pd_counter("txm", "c0.in_flight"), 0);
	assert_int_equal(pd_counter("txm", "pool_idle"), 16);
}

static int shutdown(void **unused)
{
	if (unused)
		expect_buffers_home();
	wire_close(wire);
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	return 0;
}

/* A responder counter, as `sdvf stats` shows it; a name the responder
 * does not publish fails the test. */
static uint64_t resp_counter(const char *name)
{
	bool found = false;
	uint64_t value = sdvf_sim_counter(sim, "resp", name, &found);
	assert_true(found);
	return value;
}

/* ---- frame builders (the test's own, independent of the responder) -- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t checksum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i < n; i++)
		sum += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static size_t eth(uint8_t *f, const uint8_t *dst, const uint8_t *src,
		  uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, type);
	return 14;
}

static size_t arp(uint8_t *f, const uint8_t *dst, uint16_t op,
		  const uint8_t *sha, const uint8_t *spa, const uint8_t *tha,
		  const uint8_t *tpa)
{
	size_t n = eth(f, dst, sha, 0x0806);
	uint8_t *a = f + n;
	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, sha, 6);
	memcpy(a + 14, spa, 4);
	memcpy(a + 18, tha, 6);
	memcpy(a + 24, tpa, 4);
	return n + 28;
}

/* Ethernet + a 20-byte IPv4 header (id 0x1234, DF, TTL 64) + payload. */
static size_t ipv4(uint8_t *f, const uint8_t *dst_mac, const uint8_t *src_mac,
		   const uint8_t *src, const uint8_t *dst, uint8_t proto,
		   const uint8_t *payload, size_t n)
{
	size_t off = eth(f, dst_mac, src_mac, 0x0800);
	uint8_t *ip = f + off;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + n));
	put16(ip + 4, 0x1234);
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	put16(ip + 10, checksum(ip, 20, 0));
	memcpy(ip + 20, payload, n);
	return off + 20 + n;
}

static size_t icmp_echo(uint8_t *p, uint8_t type, size_t data_len)
{
	p[0] = type;
	p[1] = 0;
	put16(p + 2, 0);
	put16(p + 4, 0x4242);
	put16(p + 6, 7);
	for (size_t i = 0; i < data_len; i++)
		p[8 + i] = (uint8_t)(i * 3 + 1);
	put16(p + 2, checksum(p, 8 + data_len, 0));
	return 8 + data_len;
}

static size_t udp(uint8_t *p, const uint8_t *src, const uint8_t *dst,
		  uint16_t sport, uint16_t dport, size_t data_len)
{
	uint16_t len = (uint16_t)(8 + data_len);
	put16(p, sport);
	put16(p + 2, dport);
	put16(p + 4, len);
	put16(p + 6, 0);
	for (size_t i = 0; i < data_len; i++)
		p[8 + i] = (uint8_t)(i * 5 + 2);
	uint32_t pseudo = (uint32_t)(src[0] << 8 | src[1]) +
			  (uint32_t)(src[2] << 8 | src[3]) +
			  (uint32_t)(dst[0] << 8 | dst[1]) +
			  (uint32_t)(dst[2] << 8 | dst[3]) + 17u + len;
	uint16_t c = checksum(p, len, pseudo);
	put16(p + 6, c == 0 ? 0xffff : c);
	return len;
}

static void inject(const uint8_t *f, size_t n)
{
	assert_int_equal(wire_mem_inject(wire, f, n), 0);
	run();
}

/* The next frame on the wire is `want` (padded to 60 by the MAC). */
static void expect_reply(const uint8_t *want, size_t n)
{
	uint8_t got[WIRE_MAX_FRAME], padded[WIRE_MAX_FRAME] = {0};
	memcpy(padded, want, n);
	size_t len = n < 60 ? 60 : n;
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), len);
	assert_memory_equal(got, padded, len);
}

static void expect_no_reply(void)
{
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 0);
}

/* The one frame taken so far was dropped for `why` alone: every other
 * drop counter 0, no reply built, nothing sent. */
static void expect_dropped(enum resp_drop why)
{
	expect_no_reply();
	for (int i = 0; i < RESP_DROP_REASONS; i++)
		assert_int_equal(resp_counter(resp_drop_counter[i]),
				 i == (int)why ? 1 : 0);
	assert_int_equal(resp_counter("rx_frames"), 1);
	assert_int_equal(resp_counter("arp_replies"), 0);
	assert_int_equal(resp_counter("icmp_replies"), 0);
	assert_int_equal(resp_counter("udp_replies"), 0);
	assert_int_equal(sdvf_sim_counter(sim, "nic", "tx_frames", NULL), 0);
	assert_int_equal(resp_counter("net.rx_bad"), 0);
	assert_int_equal(resp_counter("net.tx_bad"), 0);
}

/* ---- ARP ------------------------------------------------------------- */

static void arp_request_for_our_ip_is_answered_from_our_mac(void **unused)
{
	(void)unused;
	uint8_t req[64], want[64];
	static const uint8_t zero[6] = {0};
	inject(req, arp(req, bcast, 1, peer_mac, peer_ip, zero, resp_ip));
	expect_reply(want, arp(want, peer_mac, 2, resp_mac, resp_ip, peer_mac,
			       peer_ip));
	assert_int_equal(resp_counter("arp_replies"), 1);
	run(); /* the completion comes back */
	assert_int_equal(resp_counter("tx_done"), 1);
}

/* RFC 1122 2.3.2.1: a host may refresh its cache with a request unicast
 * to the MAC it holds. */
static void arp_request_unicast_to_our_mac_is_answered(void **unused)
{
	(void)unused;
	uint8_t req[64], want[64];
	inject(req,
	       arp(req, resp_mac, 1, peer_mac, peer_ip, resp_mac, resp_ip));
	expect_reply(want, arp(want, peer_mac, 2, resp_mac, resp_ip, peer_mac,
			       peer_ip));
	assert_int_equal(resp_counter("arp_replies"), 1);
}

static void arp_request_for_another_ip_is_not_answered(void **unused)
{
	(void)unused;
	uint8_t req[64];
	static const uint8_t zero[6] = {0};
	inject(req, arp(req, bcast, 1, peer_mac, peer_ip, zero, other_ip));
	expect_dropped(RESP_DROP_NOT_FOR_US);
}

static void arp_with_wrong_address_sizes_is_counted_bad(void **unused)
{
	(void)unused;
	uint8_t req[64];
	static const uint8_t zero[6] = {0};
	size_t n = arp(req, bcast, 1, peer_mac, peer_ip, zero, resp_ip);
	req[14 + 4] = 8; /* hlen */
	inject(req, n);
	expect_dropped(RESP_DROP_BAD_ARP);
}

static void arp_reply_is_not_answered(void **unused)
{
	(void)unused;
	uint8_t f[64];
	inject(f, arp(f, resp_mac, 2, peer_mac, peer_ip, resp_mac, resp_ip));
	expect_dropped(RESP_DROP_NOT_FOR_US);
}

/* RFC 5227: a probe (sender IP 0.0.0.0) for our address is answered, to
 * the prober's MAC: that reply is how the prober learns the address is
 * taken. */
static void arp_probe_for_our_ip_is_answered(void **unused)
{
	(void)unused;
	uint8_t req[64], want[64];
	static const uint8_t zero[6] = {0};
	inject(req, arp(req, bcast, 1, peer_mac, zero_ip, zero, resp_ip));
	expect_reply(want, arp(want, peer_mac, 2, resp_mac, resp_ip, peer_mac,
			       zero_ip));
	assert_int_equal(resp_counter("arp_replies"), 1);
}

/* A request for our IP from (sha, spa), broadcast as ARP requests are. */
static void inject_arp_request(const uint8_t *sha, const uint8_t *spa)
{
	uint8_t f[64];
	static const uint8_t zero[6] = {0};
	inject(f, arp(f, bcast, 1, sha, spa, zero, resp_ip));
}

static void
arp_request_when_source_mac_is_broadcast_is_not_answered(void **unused)
{
	(void)unused;
	inject_arp_request(bcast, peer_ip);
	expect_dropped(RESP_DROP_SRC_MAC);
}

static void
arp_request_when_source_mac_is_multicast_is_not_answered(void **unused)
{
	(void)unused;
	static const uint8_t ipv6_group_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
	inject_arp_request(ipv6_group_mac, peer_ip);
	expect_dropped(RESP_DROP_SRC_MAC);
}

/* The Ethernet source is a station; the ARP sender hardware address, to
 * which the reply points the asker's cache, is not. */
static void
arp_request_whose_sender_mac_is_multicast_is_not_answered(void **unused)
{
	(void)unused;
	uint8_t f[64];
	static const uint8_t zero[6] = {0};
	size_t n = arp(f, bcast, 1, group_mac, peer_ip, zero, resp_ip);
	memcpy(f + 6, peer_mac, 6);
	inject(f, n);
	expect_dropped(RESP_DROP_SRC_MAC);
}

static void arp_request_from_our_own_mac_is_not_answered(void **unused)
{
	(void)unused;
	inject_arp_request(resp_mac, peer_ip);
	expect_dropped(RESP_DROP_SRC_MAC);
}

static void arp_request_from_broadcast_sender_ip_is_not_answered(void **unused)
{
	(void)unused;
	inject_arp_request(peer_mac, all_ones_ip);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

static void arp_request_from_multicast_sender_ip_is_not_answered(void **unused)
{
	(void)unused;
	inject_arp_request(peer_mac, group_ip);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

static void arp_request_from_loopback_sender_ip_is_not_answered(void **unused)
{
	(void)unused;
	inject_arp_request(peer_mac, loopback_ip);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

static void arp_request_from_class_e_sender_ip_is_not_answered(void **unused)
{
	(void)unused;
	inject_arp_request(peer_mac, class_e_ip);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

/* 0.1.2.3, unlike a probe's 0.0.0.0, is no sender at all. */
static void
arp_request_from_this_network_sender_ip_is_not_answered(void **unused)
{
	(void)unused;
	inject_arp_request(peer_mac, this_net_ip);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

static void
arp_request_from_subnet_broadcast_sender_ip_is_not_answered(void **unused)
{
	(void)unused;
	inject_arp_request(peer_mac, subnet_bcast_ip);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

/* Another station claims our address (an RFC 5227 announcement or a
 * conflict): counted, not answered. */
static void arp_request_from_our_own_ip_is_not_answered(void **unused)
{
	(void)unused;
	inject_arp_request(peer_mac, resp_ip);
	expect_dropped(RESP_DROP_SRC_IS_US);
}

/* ---- ICMP ------------------------------------------------------------ */

static void icmp_echo_request_gets_reply_with_checksums(void **unused)
{
	(void)unused;
	uint8_t payload[128], f[256], want[256];
	size_t n = icmp_echo(payload, 8, 56);
	inject(f, ipv4(f, resp_mac, peer_mac, peer_ip, resp_ip, 1, payload, n));
	n = icmp_echo(payload, 0, 56);
	expect_reply(want, ipv4(want, peer_mac, resp_mac, resp_ip, peer_ip, 1,
				payload, n));
	assert_int_equal(resp_counter("icmp_replies"), 1);
}

static void icmp_with_bad_checksum_is_dropped(void **unused)
{
	(void)unused;
	uint8_t payload[128], f[256];
	size_t n = icmp_echo(payload, 8, 16);
	payload[9] ^= 1;
	inject(f, ipv4(f, resp_mac, peer_mac, peer_ip, resp_ip, 1, payload, n));
	expect_dropped(RESP_DROP_BAD_ICMP);
}

static void icmp_shorter_than_its_header_is_dropped(void **unused)
{
	(void)unused;
	uint8_t payload[8] = {8, 0, 0xf7, 0xff}, f[128];
	inject(f, ipv4(f, resp_mac, peer_mac, peer_ip, resp_ip, 1, payload, 4));
	expect_dropped(RESP_DROP_BAD_ICMP);
}

/* Only an echo request (type 8 code 0) is answered: another responder's
 * echo reply, answered, would loop. */
static void icmp_echo_reply_is_not_answered(void **unused)
{
	(void)unused;
	uint8_t payload[128], f[256];
	size_t n = icmp_echo(payload, 0, 16);
	inject(f, ipv4(f, resp_mac, peer_mac, peer_ip, resp_ip, 1, payload, n));
	expect_dropped(RESP_DROP_ICMP_TYPE);
}

static void icmp_echo_request_with_code_1_is_not_answered(void **unused)
{
	(void)unused;
	uint8_t payload[128], f[256];
	size_t n = icmp_echo(payload, 8, 16);
	payload[1] = 1;
	put16(payload + 2, 0);
	put16(payload + 2, checksum(payload, n, 0));
	inject(f, ipv4(f, resp_mac, peer_mac, peer_ip, resp_ip, 1, payload, n));
	expect_dropped(RESP_DROP_ICMP_TYPE);
}

/* An error asks for no answer (RFC 1122 3.2.2 forbids even an error about
 * it). */
static void icmp_error_is_not_answered(void **unused)
{
	(void)unused;
	uint8_t payload[128], f[256], quoted[128];
	/* port unreachable, quoting our own echo reply's IP header and 8 bytes
	 */
	size_t q = udp(payload, resp_ip, peer_ip, 1235, 40000, 0);
	q = ipv4(quoted, peer_mac, resp_mac, resp_ip, peer_ip, 17, payload, q);
	memset(payload, 0, 8);
	payload[0] = 3;
	payload[1] = 3;
	memcpy(payload + 8, quoted + 14, q - 14);
	size_t n = 8 + q - 14;
	put16(payload + 2, checksum(payload, n, 0));
	inject(f, ipv4(f, resp_mac, peer_mac, peer_ip, resp_ip, 1, payload, n));
	expect_dropped(RESP_DROP_ICMP_TYPE);
}

/* ---- IPv4 ------------------------------------------------------------ */

static size_t echo_frame(uint8_t *f)
{
	uint8_t payload[64];
	size_t n = icmp_echo(payload, 8, 16);
	return ipv4(f, resp_mac, peer_mac, peer_ip, resp_ip, 1, payload, n);
}

/* Rewrite an IPv4 header field and fix the header checksum. */
static void ip_patch(uint8_t *f, size_t at, uint8_t value)
{
	f[14 + at] = value;
	put16(f + 24, 0);
	put16(f + 24, checksum(f + 14, 20, 0));
}

static void ip_header_checksum_error_is_dropped(void **unused)
{
	(void)unused;
	uint8_t f[128];
	size_t n = echo_frame(f);
	f[24] ^= 0x10;
	inject(f, n);
	expect_dropped(RESP_DROP_IP_CHECKSUM);
}

static void ip_fragment_is_dropped(void **unused)
{
	(void)unused;
	uint8_t f[128];
	size_t n = echo_frame(f);
	ip_patch(f, 6, 0x20); /* MF */
	inject(f, n);
	expect_dropped(RESP_DROP_FRAGMENT);
}

static void ip_version_6_header_is_dropped(void **unused)
{
	(void)unused;
	uint8_t f[128];
	size_t n = echo_frame(f);
	ip_patch(f, 0, 0x65);
	inject(f, n);
	expect_dropped(RESP_DROP_BAD_IP);
}

static void ip_total_length_beyond_frame_is_dropped(void **unused)
{
	(void)unused;
	uint8_t f[128];
	size_t n = echo_frame(f);
	ip_patch(f, 2, 0x05); /* total 1280 + ... in a 58-byte frame */
	inject(f, n);
	expect_dropped(RESP_DROP_BAD_IP);
}

static void ip_header_length_below_20_is_dropped(void **unused)
{
	(void)unused;
	uint8_t f[128];
	size_t n = echo_frame(f);
	ip_patch(f, 0, 0x44);
	inject(f, n);
	expect_dropped(RESP_DROP_BAD_IP);
}

static void ip_to_another_address_is_not_answered(void **unused)
{
	(void)unused;
	uint8_t payload[64], f[128];
	size_t n = icmp_echo(payload, 8, 16);
	inject(f,
	       ipv4(f, resp_mac, peer_mac, peer_ip, other_ip, 1, payload, n));
	expect_dropped(RESP_DROP_NOT_FOR_US);
}

static void ip_protocol_other_than_icmp_udp_is_dropped(void **unused)
{
	(void)unused;
	uint8_t payload[40] = {0}, f[128];
	inject(f, ipv4(f, resp_mac, peer_mac, peer_ip, resp_ip, 6, payload,
		       sizeof(payload)));
	expect_dropped(RESP_DROP_PROTOCOL);
}

static void ip_last_fragment_is_dropped(void **unused)
{
	(void)unused;
	uint8_t f[128];
	size_t n = echo_frame(f);
	ip_patch(f, 6, 0x00); /* no MF, offset 16 * 8 */
	ip_patch(f, 7, 0x10);
	inject(f, n);
	expect_dropped(RESP_DROP_FRAGMENT);
}

static void ip_total_length_below_its_header_is_dropped(void **unused)
{
	(void)unused;
	uint8_t f[128];
	size_t n = echo_frame(f);
	ip_patch(f, 2, 0);
	ip_patch(f, 3, 19);
	inject(f, n);
	expect_dropped(RESP_DROP_BAD_IP);
}

/* `ping -R`: a Record Route option with room for one address.  Options
 * are not implemented (RFC 1122 3.2.2.6 wants this one echoed, filled
 * in), so the request is not answered at all. */
static void ip_with_options_is_dropped(void **unused)
{
	(void)unused;
	uint8_t payload[64], f[160];
	size_t n = icmp_echo(payload, 8, 16);
	size_t off = eth(f, resp_mac, peer_mac, 0x0800);
	uint8_t *ip = f + off;
	memset(ip, 0, 28);
	ip[0] = 0x47;
	put16(ip + 2, (uint16_t)(28 + n));
	put16(ip + 4, 0x1234);
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 1;
	memcpy(ip + 12, peer_ip, 4);
	memcpy(ip + 16, resp_ip, 4);
	ip[20] = 7; /* record route, 7 bytes, pointer 4, one empty slot */
	ip[21] = 7;
	ip[22] = 4;
	put16(ip + 10, checksum(ip, 28, 0));
	memcpy(ip + 28, payload, n);
	inject(f, off + 28 + n);
	expect_dropped(RESP_DROP_IP_OPTIONS);
}

/* RFC 1122 3.2.1.7: a host must not discard a datagram for a TTL below 2;
 * the reply carries its own TTL. */
static void ip_with_ttl_0_is_answered(void **unused)
{
	(void)unused;
	uint8_t payload[64], f[128], want[128];
	size_t n = echo_frame(f);
	ip_patch(f, 8, 0);
	inject(f, n);
	n = icmp_echo(payload, 0, 16);
	expect_reply(want, ipv4(want, peer_mac, resp_mac, resp_ip, peer_ip, 1,
				payload, n));
}

/* ---- IPv4 destinations: only our unicast address, in a frame to our MAC */

static void icmp_to_limited_broadcast_is_not_answered(void **unused)
{
	(void)unused;
	uint8_t payload[64], f[128];
	size_t n = icmp_echo(payload, 8, 16);
	inject(f, ipv4(f, resp_mac, peer_mac, peer_ip, all_ones_ip, 1, payload,
		       n));
	expect_dropped(RESP_DROP_NOT_FOR_US);
}

static void icmp_to_subnet_broadcast_is_not_answered(void **unused)
{
	(void)unused;
	uint8_t payload[64], f[128];
	size_t n = icmp_echo(payload, 8, 16);
	inject(f, ipv4(f, resp_mac, peer_mac, peer_ip, subnet_bcast_ip, 1,
		       payload, n));
	expect_dropped(RESP_DROP_NOT_FOR_US);
}

static void icmp_to_multicast_is_not_answered(void **unused)
{
	(void)unused;
	uint8_t payload[64], f[128];
	size_t n = icmp_echo(payload, 8, 16);
	inject(f,
	       ipv4(f, resp_mac, peer_mac, peer_ip, group_ip, 1, payload, n));
	expect_dropped(RESP_DROP_NOT_FOR_US);
}

static void udp_to_limited_broadcast_is_not_answered(void **unused)
{
	(void)unused;
	uint8_t payload[64], f[128];
	size_t n = udp(payload, peer_ip, all_ones_ip, 40000, 1235, 10);
	inject(f, ipv4(f, resp_mac, peer_mac, peer_ip, all_ones_ip, 17, payload,
		       n));
	expect_dropped(RESP_DROP_NOT_FOR_US);
}

/* RFC 1122 3.3.6: a datagram to our address in a link-layer broadcast or
 * multicast frame is not answered. */
static void ip_in_a_link_broadcast_frame_is_not_answered(void **unused)
{
	(void)unused;
	uint8_t payload[64], f[128];
	size_t n = icmp_echo(payload, 8, 16);
	inject(f, ipv4(f, bcast, peer_mac, peer_ip, resp_ip, 1, payload, n));
	expect_dropped(RESP_DROP_NOT_FOR_US);
}

static void ip_in_a_link_multicast_frame_is_not_answered(void **unused)
{
	(void)unused;
	uint8_t payload[64], f[128];
	size_t n = icmp_echo(payload, 8, 16);
	inject(f,
	       ipv4(f, group_mac, peer_mac, peer_ip, resp_ip, 1, payload, n));
	expect_dropped(RESP_DROP_NOT_FOR_US);
}

/* ---- IPv4 sources: a reply goes to exactly one other host ------------ */

/* An echo request to the responder from (src_mac, src). */
static void inject_icmp_request(const uint8_t *src_mac, const uint8_t *src)
{
	uint8_t payload[64], f[128];
	size_t n = icmp_echo(payload, 8, 16);
	inject(f, ipv4(f, resp_mac, src_mac, src, resp_ip, 1, payload, n));
}

/* A datagram to the responder's port 1235 from (src_mac, src, sport). */
static void inject_udp_request(const uint8_t *src_mac, const uint8_t *src,
			       uint16_t sport)
{
	uint8_t payload[64], f[128];
	size_t n = udp(payload, src, resp_ip, sport, 1235, 10);
	inject(f, ipv4(f, resp_mac, src_mac, src, resp_ip, 17, payload, n));
}

static void icmp_from_zero_source_is_dropped(void **unused)
{
	(void)unused;
	inject_icmp_request(peer_mac, zero_ip);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

static void udp_from_zero_source_is_dropped(void **unused)
{
	(void)unused;
	inject_udp_request(peer_mac, zero_ip, 40000);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

/* 0.1.2.3: "this host on this network" (RFC 1122 3.2.1.3 (b)). */
static void icmp_from_this_network_source_is_dropped(void **unused)
{
	(void)unused;
	inject_icmp_request(peer_mac, this_net_ip);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

static void icmp_from_loopback_source_is_dropped(void **unused)
{
	(void)unused;
	inject_icmp_request(peer_mac, loopback_ip);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

static void udp_from_loopback_source_is_dropped(void **unused)
{
	(void)unused;
	static const uint8_t src[4] = {127, 1, 2, 3};
	inject_udp_request(peer_mac, src, 40000);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

static void icmp_from_broadcast_source_is_dropped(void **unused)
{
	(void)unused;
	inject_icmp_request(peer_mac, all_ones_ip);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

static void udp_from_broadcast_source_is_dropped(void **unused)
{
	(void)unused;
	inject_udp_request(peer_mac, all_ones_ip, 40000);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

static void icmp_from_multicast_source_is_dropped(void **unused)
{
	(void)unused;
	inject_icmp_request(peer_mac, group_ip);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

static void udp_from_multicast_source_is_dropped(void **unused)
{
	(void)unused;
	static const uint8_t src[4] = {239, 255, 255, 250};
	inject_udp_request(peer_mac, src, 40000);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

static void icmp_from_class_e_source_is_dropped(void **unused)
{
	(void)unused;
	inject_icmp_request(peer_mac, class_e_ip);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

static void udp_from_class_e_source_is_dropped(void **unused)
{
	(void)unused;
	static const uint8_t src[4] = {254, 255, 255, 255};
	inject_udp_request(peer_mac, src, 40000);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

static void icmp_from_its_own_address_is_dropped(void **unused)
{
	(void)unused;
	inject_icmp_request(peer_mac, resp_ip);
	expect_dropped(RESP_DROP_SRC_IS_US);
}

static void udp_from_its_own_address_is_dropped(void **unused)
{
	(void)unused;
	inject_udp_request(peer_mac, resp_ip, 40000);
	expect_dropped(RESP_DROP_SRC_IS_US);
}

/* 223.255.255.254, the last unicast address, off our subnet: a host. */
static void icmp_from_a_host_on_another_network_is_answered(void **unused)
{
	(void)unused;
	static const uint8_t src[4] = {223, 255, 255, 254};
	uint8_t payload[64], want[128];
	inject_icmp_request(peer_mac, src);
	size_t n = icmp_echo(payload, 0, 16);
	expect_reply(want, ipv4(want, peer_mac, resp_mac, resp_ip, src, 1,
				payload, n));
}

/* 10.213.7.255 and 10.213.7.0: the broadcast of our /24 (RFC 1122
 * 3.2.1.3 (d)) and its old all-zeros form (3.3.6). */
static void icmp_from_subnet_broadcast_source_is_dropped(void **unused)
{
	(void)unused;
	inject_icmp_request(peer_mac, subnet_bcast_ip);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

static void udp_from_subnet_broadcast_source_is_dropped(void **unused)
{
	(void)unused;
	inject_udp_request(peer_mac, subnet_bcast_ip, 40000);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

static void icmp_from_subnet_zero_address_is_dropped(void **unused)
{
	(void)unused;
	static const uint8_t src[4] = {10, 213, 7, 0};
	inject_icmp_request(peer_mac, src);
	expect_dropped(RESP_DROP_SRC_NOT_HOST);
}

/* Without prefix_len no subnet is known: 10.213.7.255 may be a host of a
 * wider one. */
static void icmp_from_x_255_is_answered_when_no_subnet_is_known(void **unused)
{
	(void)unused;
	uint8_t payload[64], want[128];
	inject_icmp_request(peer_mac, subnet_bcast_ip);
	size_t n = icmp_echo(payload, 0, 16);
	expect_reply(want, ipv4(want, peer_mac, resp_mac, resp_ip,
				subnet_bcast_ip, 1, payload, n));
}

/* RFC 3021: a /31 has no broadcast; 10.213.7.3 is the other end. */
static void
icmp_from_the_other_end_of_a_31_bit_subnet_is_answered(void **unused)
{
	(void)unused;
	static const uint8_t src[4] = {10, 213, 7, 3};
	uint8_t payload[64], want[128];
	inject_icmp_request(peer_mac, src);
	size_t n = icmp_echo(payload, 0, 16);
	expect_reply(want, ipv4(want, peer_mac, resp_mac, resp_ip, src, 1,
				payload, n));
}

/* ---- Ethernet sources: a reply goes to exactly one other station ----- */

static void icmp_when_source_mac_is_broadcast_is_dropped(void **unused)
{
	(void)unused;
	inject_icmp_request(bcast, peer_ip);
	expect_dropped(RESP_DROP_SRC_MAC);
}

static void icmp_when_source_mac_is_multicast_is_dropped(void **unused)
{
	(void)unused;
	inject_icmp_request(group_mac, peer_ip);
	expect_dropped(RESP_DROP_SRC_MAC);
}

static void udp_when_source_mac_is_broadcast_is_dropped(void **unused)
{
	(void)unused;
	inject_udp_request(bcast, peer_ip, 40000);
	expect_dropped(RESP_DROP_SRC_MAC);
}

static void udp_when_source_mac_is_multicast_is_dropped(void **unused)
{
	(void)unused;
	inject_udp_request(group_mac, peer_ip, 40000);
	expect_dropped(RESP_DROP_SRC_MAC);
}

static void icmp_when_source_mac_is_zero_is_dropped(void **unused)
{
	(void)unused;
	static const uint8_t zero[6] = {0};
	inject_icmp_request(zero, peer_ip);
	expect_dropped(RESP_DROP_SRC_MAC);
}

static void icmp_when_source_mac_is_ours_is_dropped(void **unused)
{
	(void)unused;
	inject_icmp_request(resp_mac, peer_ip);
	expect_dropped(RESP_DROP_SRC_MAC);
}

/* ---- Ethernet -------------------------------------------------------- */

static void frame_to_another_mac_is_not_answered(void **unused)
{
	(void)unused;
	uint8_t f[128];
	size_t n = echo_frame(f);
	f[5] = 0x77;
	inject(f, n);
	/* The RX mux has no client with that MAC: it never reaches us. */
	expect_no_reply();
	assert_int_equal(
		sdvf_sim_counter(sim, "rxm", "drop.unknown_unicast", NULL), 1);
	assert_int_equal(resp_counter("rx_frames"), 0);
}

static void unknown_ethertype_is_dropped(void **unused)
{
	(void)unused;
	uint8_t f[64] = {0};
	eth(f, resp_mac, peer_mac, 0x86dd);
	inject(f, 60);
	expect_dropped(RESP_DROP_ETHERTYPE);
}

/* ---- UDP ------------------------------------------------------------- */

static void udp_to_port_1235_is_echoed_byte_identical(void **unused)
{
	(void)unused;
	uint8_t payload[1500], f[1600], want[1600];
	size_t n = udp(payload, peer_ip, resp_ip, 40000, 1235, 1472);
	inject(f,
	       ipv4(f, resp_mac, peer_mac, peer_ip, resp_ip, 17, payload, n));
	n = udp(payload, resp_ip, peer_ip, 1235, 40000, 1472);
	expect_reply(want, ipv4(want, peer_mac, resp_mac, resp_ip, peer_ip, 17,
				payload, n));
	assert_int_equal(resp_counter("udp_replies"), 1);
}

static void udp_to_another_port_is_dropped(void **unused)
{
	(void)unused;
	uint8_t payload[64], f[128];
	size_t n = udp(payload, peer_ip, resp_ip, 40000, 1236, 10);
	inject(f,
	       ipv4(f, resp_mac, peer_mac, peer_ip, resp_ip, 17, payload, n));
	expect_dropped(RESP_DROP_UDP_PORT);
}

static void udp_with_bad_checksum_is_dropped(void **unused)
{
	(void)unused;
	uint8_t payload[64], f[128];
	size_t n = udp(payload, peer_ip, resp_ip, 40000, 1235, 10);
	payload[9] ^= 0x40;
	inject(f,
	       ipv4(f, resp_mac, peer_mac, peer_ip, resp_ip, 17, payload, n));
	expect_dropped(RESP_DROP_BAD_UDP);
}

static void udp_length_beyond_ip_payload_is_dropped(void **unused)
{
	(void)unused;
	uint8_t payload[64], f[128];
	size_t n = udp(payload, peer_ip, resp_ip, 40000, 1235, 10);
	put16(payload + 4, 40);
	inject(f,
	       ipv4(f, resp_mac, peer_mac, peer_ip, resp_ip, 17, payload, n));
	expect_dropped(RESP_DROP_BAD_UDP);
}

static void udp_length_below_its_header_is_dropped(void **unused)
{
	(void)unused;
	uint8_t payload[64], f[128];
	size_t n = udp(payload, peer_ip, resp_ip, 40000, 1235, 10);
	put16(payload + 4, 7);
	inject(f,
	       ipv4(f, resp_mac, peer_mac, peer_ip, resp_ip, 17, payload, n));
	expect_dropped(RESP_DROP_BAD_UDP);
}

/* Bytes after the UDP length, inside the IP payload, are not echoed. */
static void udp_shorter_than_its_ip_payload_is_echoed_alone(void **unused)
{
	(void)unused;
	uint8_t payload[64], f[128], want[128];
	size_t n = udp(payload, peer_ip, resp_ip, 40000, 1235, 10);
	memset(payload + n, 0xee, 8);
	inject(f, ipv4(f, resp_mac, peer_mac, peer_ip, resp_ip, 17, payload,
		       n + 8));
	n = udp(payload, resp_ip, peer_ip, 1235, 40000, 10);
	expect_reply(want, ipv4(want, peer_mac, resp_mac, resp_ip, peer_ip, 17,
				payload, n));
}

/* RFC 768: checksum 0 means "none sent"; the echo carries one anyway
 * (RFC 1122 4.1.3.4: checksumming on by default). */
static void udp_without_checksum_is_echoed_with_one(void **unused)
{
	(void)unused;
	uint8_t payload[64], f[128], want[128];
	size_t n = udp(payload, peer_ip, resp_ip, 40000, 1235, 10);
	put16(payload + 6, 0);
	inject(f,
	       ipv4(f, resp_mac, peer_mac, peer_ip, resp_ip, 17, payload, n));
	n = udp(payload, resp_ip, peer_ip, 1235, 40000, 10);
	expect_reply(want, ipv4(want, peer_mac, resp_mac, resp_ip, peer_ip, 17,
				payload, n));
}

/* ---- UDP source ports: echo only to a client's port ------------------ */

/* Another echo server (a second responder) would echo the echo: one
 * forged datagram would bounce between them forever. */
static void udp_echo_from_its_own_port_is_dropped(void **unused)
{
	(void)unused;
	inject_udp_request(peer_mac, peer_ip, 1235);
	expect_dropped(RESP_DROP_UDP_SRC_PORT);
}

static void udp_echo_from_the_echo_service_port_is_dropped(void **unused)
{
	(void)unused;
	inject_udp_request(peer_mac, peer_ip, 7);
	expect_dropped(RESP_DROP_UDP_SRC_PORT);
}

/* RFC 768: source port 0 means no reply is expected. */
static void udp_echo_from_port_0_is_dropped(void **unused)
{
	(void)unused;
	inject_udp_request(peer_mac, peer_ip, 0);
	expect_dropped(RESP_DROP_UDP_SRC_PORT);
}

static void udp_echo_from_port_1023_is_dropped(void **unused)
{
	(void)unused;
	inject_udp_request(peer_mac, peer_ip, 1023);
	expect_dropped(RESP_DROP_UDP_SRC_PORT);
}

static void udp_echo_from_port_1024_is_answered(void **unused)
{
	(void)unused;
	uint8_t payload[64], want[128];
	inject_udp_request(peer_mac, peer_ip, 1024);
	size_t n = udp(payload, resp_ip, peer_ip, 1235, 1024, 10);
	expect_reply(want, ipv4(want, peer_mac, resp_mac, resp_ip, peer_ip, 17,
				payload, n));
}

/* ---- buffers --------------------------------------------------------- */

static void reply_without_a_tx_buffer_is_counted_not_sent(void **unused)
{
	(void)unused;
	uint8_t f[3][128];
	size_t n = 0;
	for (int i = 0; i < 3; i++)
		n = echo_frame(f[i]);
	/* Three requests in one burst, two TX buffers: one reply short. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(wire_mem_inject(wire, f[i], n), 0);
	run();
	assert_int_equal(resp_counter("rx_frames"), 3);
	assert_int_equal(resp_counter("icmp_replies"), 2);
	assert_int_equal(
		resp_counter(resp_drop_counter[RESP_DROP_NO_TX_BUFFER]), 1);
	assert_int_equal(sdvf_sim_counter(sim, "nic", "tx_frames", NULL), 2);
	/* Both buffers came back: the next request is answered. */
	inject(f[0], n);
	assert_int_equal(resp_counter("icmp_replies"), 3);
	assert_int_equal(resp_counter("tx_done"), 3);
}

/* ---- a misbehaving mux ---------------------------------------------- */

/* Publish a forged descriptor on a mux->responder queue, as a buggy mux
 * would, and notify the responder. */
static void forge(const char *queue, const char *channel, uint64_t offset,
		  uint16_t len, uint16_t flags)
{
	struct sdvf_queue_shared *q = sdvf_sim_region(sim, queue, NULL);
	uint32_t tail = q->tail;
	q->ring[tail & 15u] = (struct sdvf_desc){offset, len, flags, 0};
	q->tail = tail + 1;
	sdvf_sim_inject(sim, "resp", channel);
	run();
}

static void offset_that_is_not_ours_is_counted_and_ignored(void **unused)
{
	(void)unused;
	forge("c0_rxa", "rx", 0x8000u, 60, 0); /* past rx_data */
	forge("c0_rxa", "rx", 100, 60, 0);     /* unaligned */
	forge("c0_txf", "tx", 0, 60, 0);       /* ours, not at the mux */
	assert_int_equal(resp_counter("net.rx_bad"), 2);
	assert_int_equal(resp_counter("net.tx_bad"), 1);
	assert_int_equal(resp_counter("rx_frames"), 0);
	assert_int_equal(resp_counter("tx_done"), 0);
	expect_no_reply();
}

static void received_length_below_a_header_is_refused(void **unused)
{
	(void)unused;
	forge("c0_rxa", "rx", 0, 13, 0);
	assert_int_equal(resp_counter("net.rx_bad"), 1);
	assert_int_equal(resp_counter("rx_frames"), 0);
	expect_no_reply();
}

/* The TX mux refuses a reply (here: a source MAC it does not expect):
 * the buffer comes back flagged, counted, and serves the next reply. */
static void reply_rejected_by_the_tx_mux_is_counted_as_a_tx_error(void **unused)
{
	(void)unused;
	uint8_t f[128];
	size_t n = echo_frame(f);
	inject(f, n);
	assert_int_equal(resp_counter("icmp_replies"), 1);
	expect_no_reply();
	assert_int_equal(resp_counter("tx_errors"), 1);
	assert_int_equal(resp_counter("net.tx_rejected"), 1);
	assert_int_equal(resp_counter("tx_done"), 0);
	assert_int_equal(sdvf_sim_counter(sim, "txm", "c0.rej_src_mac", NULL),
			 1);
	inject(f, n);
	assert_int_equal(resp_counter("icmp_replies"), 2);
	assert_int_equal(resp_counter("tx_errors"), 2);
}

/* ---- configuration ------------------------------------------------------ */

/* Our own address must name one host: otherwise every reply would carry
 * a source that a host must discard. */
static void init_refuses_a_loopback_ip(void **unused)
{
	(void)unused;
	assert_int_equal(init_with("ip = [7f 00 00 01]; "), -1);
	shutdown(NULL);
}

static void init_refuses_the_broadcast_of_its_own_subnet(void **unused)
{
	(void)unused;
	assert_int_equal(init_with("ip = [0a d5 07 ff]; prefix_len = <24>; "),
			 -1);
	shutdown(NULL);
}

/* ---- counters ----------------------------------------------------------- */

static void every_documented_counter_is_published(void **unused)
{
	(void)unused;
	const struct sdvf_counter_doc *doc = raw_responder_component.counters;
	assert_non_null(doc);
	int n = 0;
	for (; doc[n].name; n++) {
		assert_non_null(doc[n].meaning);
		assert_true(strlen(doc[n].meaning) > 0);
		resp_counter(doc[n].name);
	}
	/* Seven counters, one per drop reason, net_client's six and one
	 * bad_index per queue. */
	assert_int_equal(n, 7 + RESP_DROP_REASONS + 6 + 4);
}

static void drop_counters_keep_their_names(void **unused)
{
	(void)unused;
	static const char *const want[RESP_DROP_REASONS] = {
		"drop.not_for_us",   "drop.ethertype", "drop.src_mac",
		"drop.bad_arp",	     "drop.bad_ip",    "drop.ip_csum",
		"drop.src_not_host", "drop.src_is_us", "drop.fragment",
		"drop.ip_options",   "drop.protocol",  "drop.bad_icmp",
		"drop.icmp_type",    "drop.bad_udp",   "drop.udp_port",
		"drop.udp_src_port", "drop.no_tx_buf",
	};
	for (int i = 0; i < RESP_DROP_REASONS; i++)
		assert_string_equal(resp_drop_counter[i], want[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, boot_default, shutdown)
		T(arp_request_for_our_ip_is_answered_from_our_mac),
		T(arp_request_unicast_to_our_mac_is_answered),
		T(arp_request_for_another_ip_is_not_answered),
		T(arp_with_wrong_address_sizes_is_counted_bad),
		T(arp_reply_is_not_answered),
		T(arp_probe_for_our_ip_is_answered),
		T(arp_request_when_source_mac_is_broadcast_is_not_answered),
		T(arp_request_when_source_mac_is_multicast_is_not_answered),
		T(arp_request_whose_sender_mac_is_multicast_is_not_answered),
		T(arp_request_from_our_own_mac_is_not_answered),
		T(arp_request_from_broadcast_sender_ip_is_not_answered),
		T(arp_request_from_multicast_sender_ip_is_not_answered),
		T(arp_request_from_loopback_sender_ip_is_not_answered),
		T(arp_request_from_class_e_sender_ip_is_not_answered),
		T(arp_request_from_this_network_sender_ip_is_not_answered),
		T(arp_request_from_our_own_ip_is_not_answered),
		T(arp_request_from_subnet_broadcast_sender_ip_is_not_answered),
		T(icmp_echo_request_gets_reply_with_checksums),
		T(icmp_with_bad_checksum_is_dropped),
		T(icmp_shorter_than_its_header_is_dropped),
		T(icmp_echo_reply_is_not_answered),
		T(icmp_echo_request_with_code_1_is_not_answered),
		T(icmp_error_is_not_answered),
		T(ip_header_checksum_error_is_dropped),
		T(ip_fragment_is_dropped),
		T(ip_version_6_header_is_dropped),
		T(ip_total_length_beyond_frame_is_dropped),
		T(ip_header_length_below_20_is_dropped),
		T(ip_to_another_address_is_not_answered),
		T(ip_protocol_other_than_icmp_udp_is_dropped),
		T(ip_last_fragment_is_dropped),
		T(ip_total_length_below_its_header_is_dropped),
		T(ip_with_options_is_dropped),
		T(ip_with_ttl_0_is_answered),
		T(icmp_to_limited_broadcast_is_not_answered),
		T(icmp_to_subnet_broadcast_is_not_answered),
		T(icmp_to_multicast_is_not_answered),
		T(udp_to_limited_broadcast_is_not_answered),
		T(ip_in_a_link_broadcast_frame_is_not_answered),
		T(ip_in_a_link_multicast_frame_is_not_answered),
		T(icmp_from_zero_source_is_dropped),
		T(udp_from_zero_source_is_dropped),
		T(icmp_from_this_network_source_is_dropped),
		T(icmp_from_loopback_source_is_dropped),
		T(udp_from_loopback_source_is_dropped),
		T(icmp_from_broadcast_source_is_dropped),
		T(udp_from_broadcast_source_is_dropped),
		T(icmp_from_multicast_source_is_dropped),
		T(udp_from_multicast_source_is_dropped),
		T(icmp_from_class_e_source_is_dropped),
		T(udp_from_class_e_source_is_dropped),
		T(icmp_from_its_own_address_is_dropped),
		T(udp_from_its_own_address_is_dropped),
		T(icmp_from_a_host_on_another_network_is_answered),
		T(icmp_from_subnet_broadcast_source_is_dropped),
		T(udp_from_subnet_broadcast_source_is_dropped),
		T(icmp_from_subnet_zero_address_is_dropped),
		T(icmp_when_source_mac_is_broadcast_is_dropped),
		T(icmp_when_source_mac_is_multicast_is_dropped),
		T(udp_when_source_mac_is_broadcast_is_dropped),
		T(udp_when_source_mac_is_multicast_is_dropped),
		T(icmp_when_source_mac_is_zero_is_dropped),
		T(icmp_when_source_mac_is_ours_is_dropped),
		T(frame_to_another_mac_is_not_answered),
		T(unknown_ethertype_is_dropped),
		T(udp_to_port_1235_is_echoed_byte_identical),
		T(udp_to_another_port_is_dropped),
		T(udp_with_bad_checksum_is_dropped),
		T(udp_length_beyond_ip_payload_is_dropped),
		T(udp_length_below_its_header_is_dropped),
		T(udp_shorter_than_its_ip_payload_is_echoed_alone),
		T(udp_without_checksum_is_echoed_with_one),
		T(udp_echo_from_its_own_port_is_dropped),
		T(udp_echo_from_the_echo_service_port_is_dropped),
		T(udp_echo_from_port_0_is_dropped),
		T(udp_echo_from_port_1023_is_dropped),
		T(udp_echo_from_port_1024_is_answered),
		T(offset_that_is_not_ours_is_counted_and_ignored),
		T(received_length_below_a_header_is_refused),
		T(every_documented_counter_is_published),
		T(drop_counters_keep_their_names),
#undef T
		cmocka_unit_test_setup_teardown(
			icmp_from_x_255_is_answered_when_no_subnet_is_known,
			boot_without_prefix_len, shutdown),
		cmocka_unit_test_setup_teardown(
			icmp_from_the_other_end_of_a_31_bit_subnet_is_answered,
			boot_on_a_31_bit_subnet, shutdown),
		cmocka_unit_test(init_refuses_a_loopback_ip),
		cmocka_unit_test(init_refuses_the_broadcast_of_its_own_subnet),
		cmocka_unit_test_setup_teardown(
			reply_without_a_tx_buffer_is_counted_not_sent,
			boot_two_tx_buffers, shutdown),
		cmocka_unit_test_setup_teardown(
			reply_rejected_by_the_tx_mux_is_counted_as_a_tx_error,
			boot_with_the_tx_mux_expecting_another_mac, shutdown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
