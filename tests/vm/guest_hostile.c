/* guest_hostile: a hostile virtio-net driver, run as root in the nested
 * guest (guest.cpio, /bin/guest_hostile; no virtio driver bound: the guest
 * boots without sdvf.net, so virtio_mmio is not loaded).  It drives the
 * virtio-mmio device at 0x0a000000 itself through /dev/mem (iomem=relaxed)
 * and places its rings and buffers in pages of its own, locked, whose
 * physical addresses it reads from /proc/self/pagemap.  Then, one attack
 * at a time (docs/vmm.md, "Hostile guests"):
 *
 *   reset, bring the device up, attack, print
 *     HOSTILE <name>: <what it saw> status=0x..
 *   reset, bring it up again, exchange an ARP request/reply with L1
 *   (a well-formed transfer both ways), print
 *     HOSTILE <name>: transfer ok
 *   and at the end HOSTILE-DONE attacks=N transfers=M seconds=S.
 *
 *   guest_hostile [GUEST_IP [L1_IP [UDP_PORT]]]   (10.0.3.2 10.0.3.1 7777)
 *
 * The merge_overflow attack needs L1 to echo UDP on UDP_PORT at L1_IP and
 * to know the guest's MAC (a static neighbour entry).  Independent of the
 * VMM's backend: any sdvf virtio-net device at 0x0a000000 will do.
 * aarch64 only.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/vm/guest_vdrv.h"

static unsigned attacks, transfers;

/* ---- one attack ------------------------------------------------------- */

static void report(const char *name, const char *saw)
{
	attacks++;
	printf("HOSTILE %s: %s status=0x%x\n", name, saw, rd(STATUS));
	fflush(stdout);
}

static void recover(const char *name, uint64_t features)
{
	bool ok = dev_up(features, 8) && transfer();
	transfers += ok;
	printf("HOSTILE %s: transfer %s\n", name, ok ? "ok" : "FAILED");
	fflush(stdout);
}

#define BASE_F (F_VERSION_1 | F_MAC)

/* Wait up to ms for the device to act on what was posted on q: it asked
 * for a reset, or it used every chain up to used_n.  Notifications reach
 * the VMM's main thread by ioeventfd: it acts after the write returned. */
static void settle(const struct vq *q, uint16_t used_n, unsigned ms)
{
	for (unsigned t = 0; t < ms; t++) {
		if ((rd(STATUS) & S_NEEDS_RESET) || used_idx(q) == used_n)
			return;
		sleep_ms(1);
	}
}

/* A TX chain the device must refuse: post head, notify, wait for the
 * device to see it.  Desc 7 stays free for send_arp. */
static void tx_attack(const char *name)
{
	post(&g.tx, 0);
	notify(TXQ);
	settle(&g.tx, g.tx.avail_idx, 5000);
	report(name, rd(STATUS) & S_NEEDS_RESET ? "needs_reset" : "served");
	recover(name, BASE_F);
}

/* An RX chain the device must refuse when a frame comes: post it, make L1
 * answer an ARP request, wait. */
static void rx_attack(const char *name)
{
	post(&g.rx, 0);
	notify(RXQ);
	send_arp(); /* the reply comes to the hostile chain */
	settle(&g.rx, 1, 3000);
	report(name, rd(STATUS) & S_NEEDS_RESET ? "needs_reset" : "served");
	recover(name, BASE_F);
}

static void attack_registers(void)
{
	wr(STATUS, 0);
	wr(MAGIC, 0x12345678);	/* bad_offset */
	(void)rd(QUEUE_NOTIFY); /* bad_offset */
	(void)rd(UNKNOWN_REG);	/* bad_offset */
	wr8(STATUS, 1);		/* bad_width */
	(void)rd16(2);		/* bad_width */
	wr_64bit(QUEUE_SEL, 0); /* bad_width */
	wr(CONFIG, 0xffffffff); /* bad_config */
	(void)rd(CONFIG + 12);	/* bad_config */
	wr(QUEUE_SEL, 7);
	wr(QUEUE_NUM, 8); /* bad_queue_write: no queue 7 */
	wr(QUEUE_SEL, 0);
	wr(QUEUE_NUM, 3);   /* bad_queue_write: not a power of two */
	wr(QUEUE_NUM, 512); /* bad_queue_write: above QueueNumMax */
	wr(DRV_FEAT_SEL, 2);
	wr(DRV_FEAT, 1); /* features_refused: no such feature word */
	wr(INT_ACK, 0xffffffff);
	(void)rd_nodev(); /* no device: the VMM's bad_mmio */
	char saw[64];
	snprintf(saw, sizeof(saw), "magic=0x%x", rd(MAGIC));
	report("registers", saw);
	recover("registers", BASE_F);
}

static void attack_status(void)
{
	wr(STATUS, 0);
	wr(STATUS, S_ACK | S_DRIVER);
	wr(STATUS, S_ACK | S_DRIVER | S_DRIVER_OK); /* bad_status */
	set_features(F_MAC);
	wr(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK); /* no VERSION_1 */
	set_features(BASE_F | (1ull << 40));
	wr(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK); /* not offered */
	wr(QUEUE_SEL, 0);
	wr(QUEUE_READY, 1);   /* bad_queue_write: before FEATURES_OK */
	wr(STATUS, S_DRIVER); /* bad_status: clears ACKNOWLEDGE */
	report("status",
	       rd(STATUS) & S_FEATURES_OK ? "features_ok" : "features_refused");
	recover("status", BASE_F);
}

static void attack_renegotiate(void)
{
	dev_up(BASE_F, 8);
	set_features(F_VERSION_1 | F_MAC | F_MRG_RXBUF); /* late x2 */
	wr(STATUS, S_ACK | S_DRIVER | S_DRIVER_OK);	 /* bad_status */
	wr(QUEUE_SEL, RXQ);
	wr(QUEUE_NUM, 4);	    /* bad_queue_write: ready */
	wr(QUEUE_DESC, 0x40000000); /* bad_queue_write: ready */
	bool ok = transfer();	    /* still works, unreset */
	transfers += ok;
	report("renegotiate",
	       ok ? "transfer_ok_without_reset" : "transfer_failed");
	recover("renegotiate", BASE_F);
}

static void attack_notify(void)
{
	/* Queues 0 and 1 are notified through ioeventfds: the VMM counts
	 * them when its main thread gets to them, so give it time before the
	 * state changes (two pending ones would also coalesce into one). */
	wr(STATUS, 0);
	notify(RXQ); /* bad_notify: not live */
	sleep_ms(200);
	wr(STATUS, S_ACK);
	wr(STATUS, S_ACK | S_DRIVER);
	set_features(BASE_F);
	wr(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	queue_setup(&g.rx, 8);
	queue_setup(&g.tx, 8);
	notify(TXQ); /* bad_notify: before DRIVER_OK */
	sleep_ms(200);
	wr(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	wr(QUEUE_SEL, RXQ);
	wr(QUEUE_READY, 0);
	notify(RXQ); /* bad_notify: stopped queue */
	sleep_ms(200);
	notify(5);	/* bad_notify: no such queue */
	notify(0xffff); /* bad_notify */
	for (unsigned i = 0; i < 2000; i++)
		notify(TXQ); /* a storm on an empty queue: not a violation */
	report("notify", "5_refused_2000_stormed");
	recover("notify", BASE_F);
}

static void attack_bad_setup(void)
{
	wr(STATUS, 0);
	wr(STATUS, S_ACK);
	wr(STATUS, S_ACK | S_DRIVER);
	set_features(BASE_F);
	wr(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	struct page desc = g.tx.desc;
	g.tx.desc.pa = g.ram_end + 0x100000; /* bad_setup: outside RAM */
	queue_setup(&g.tx, 8);
	g.tx.desc.pa = desc.pa + 8; /* bad_setup: misaligned */
	queue_setup(&g.tx, 8);
	g.tx.desc.pa = g.ram_end - 64; /* bad_setup: straddles RAM's end */
	queue_setup(&g.tx, 8);
	g.tx.desc = desc;
	wr(QUEUE_SEL, TXQ);
	report("bad_setup", rd(QUEUE_READY) ? "ready" : "not_ready");
	recover("bad_setup", BASE_F);
}

/* TX chains, each refused (queue broken, NEEDS_RESET) or bounced. */
static void attack_tx_chains(void)
{
	struct page b = g.txbuf[0];
	uint32_t frame = arp_request(b.va);

	dev_up(BASE_F, 8); /* loop: 0 -> 1 -> 0 */
	set_desc(&g.tx, 0, b.pa, 16, D_NEXT, 1);
	set_desc(&g.tx, 1, b.pa + 16, 16, D_NEXT, 0);
	tx_attack("loop");

	dev_up(BASE_F, 8); /* all of 0..6 then back to 0: longer than num */
	for (unsigned i = 0; i < 7; i++)
		set_desc(&g.tx, i, b.pa + 8 * i, 8, D_NEXT,
			 (uint16_t)((i + 1) % 7));
	tx_attack("long_chain");

	dev_up(BASE_F, 8);
	set_desc(&g.tx, 0, b.pa, HDR, D_NEXT, 200); /* next >= num */
	tx_attack("bad_next");

	dev_up(BASE_F, 8); /* head >= num */
	memcpy(g.tx.avail.va + 4, &(uint16_t){300}, 2);
	set_avail_idx(&g.tx, 1);
	notify(TXQ);
	settle(&g.tx, 1, 5000);
	report("bad_head", rd(STATUS) & S_NEEDS_RESET ? "needs_reset" : "ok");
	recover("bad_head", BASE_F);

	const struct {
		const char *name;
		uint64_t addr;
		uint32_t len;
	} addr[] = {
		{"below_ram", 0x1000, frame},
		{"past_ram", g.ram_end + 0x1000, frame},
		{"straddle_ram_end", g.ram_end - 32, frame},
		{"wrapping_addr", 0xfffffffffffffff0ull, 64},
		{"huge_len", b.pa, 0xfffffff0u},
	};
	for (unsigned i = 0; i < sizeof(addr) / sizeof(addr[0]); i++) {
		dev_up(BASE_F, 8);
		set_desc(&g.tx, 0, addr[i].addr, addr[i].len, 0, 0);
		tx_attack(addr[i].name);
	}

	dev_up(BASE_F, 8); /* bounced, not broken: tx_bad_len x3 */
	set_desc(&g.tx, 0, b.pa, 0, 0, 0);
	set_desc(&g.tx, 1, b.pa, HDR + 10, 0, 0);
	set_desc(&g.tx, 2, b.pa, HDR + 1600, 0, 0);
	post(&g.tx, 1);
	post(&g.tx, 2);
	tx_attack("tx_bad_lengths");

	dev_up(BASE_F, 8); /* device-writable TX: tx_bad_chain */
	set_desc(&g.tx, 0, b.pa, frame, D_WRITE, 0);
	tx_attack("tx_write_flag");

	dev_up(BASE_F, 8); /* avail idx 100 ahead of an 8-entry ring */
	set_desc(&g.tx, 0, b.pa, frame, 0, 0);
	set_avail_idx(&g.tx, 100);
	notify(TXQ);
	settle(&g.tx, 100, 5000);
	report("avail_jump", rd(STATUS) & S_NEEDS_RESET ? "needs_reset" : "ok");
	recover("avail_jump", BASE_F);
}

static void attack_indirect(void)
{
	struct page b = g.txbuf[0], table = g.spare[0];
	uint32_t frame = arp_request(b.va);

	dev_up(BASE_F, 8); /* INDIRECT not negotiated */
	memset(table.va, 0, PAGE);
	memcpy(table.va, &b.pa, 8);
	memcpy(table.va + 8, &frame, 4);
	set_desc(&g.tx, 0, table.pa, 16, D_INDIRECT, 0);
	tx_attack("indirect_refused");

	uint64_t f = BASE_F | F_INDIRECT;
	dev_up(f, 8); /* an indirect table inside an indirect table */
	memcpy(table.va + 12, &(uint16_t){D_INDIRECT}, 2);
	set_desc(&g.tx, 0, table.pa, 16, D_INDIRECT, 0);
	tx_attack("indirect_nested");

	dev_up(f, 8); /* INDIRECT beside NEXT */
	memset(table.va + 12, 0, 2);
	set_desc(&g.tx, 0, table.pa, 16, D_INDIRECT | D_NEXT, 1);
	set_desc(&g.tx, 1, b.pa, frame, 0, 0);
	tx_attack("indirect_next");

	dev_up(f, 8); /* 257 entries */
	set_desc(&g.tx, 0, table.pa, 257 * 16, D_INDIRECT, 0);
	tx_attack("indirect_huge");

	dev_up(f, 8); /* a loop inside the table: 0 -> 1 -> 2 -> 0 */
	memset(table.va, 0, PAGE);
	for (unsigned i = 0; i < 3; i++) {
		uint8_t *d = table.va + 16 * i;
		uint64_t a = b.pa + 16 * i;
		uint32_t l = 16;
		uint16_t fl = D_NEXT, nx = (uint16_t)((i + 1) % 3);
		memcpy(d, &a, 8);
		memcpy(d + 8, &l, 4);
		memcpy(d + 12, &fl, 2);
		memcpy(d + 14, &nx, 2);
	}
	set_desc(&g.tx, 0, table.pa, 4 * 16, D_INDIRECT, 0);
	tx_attack("indirect_loop");
}

/* RX chains: refused or useless when a frame comes. */
static void attack_rx_chains(void)
{
	struct page b = g.rxbuf[0];

	dev_up(BASE_F, 8);
	set_desc(&g.rx, 0, b.pa, 2048, 0, 0); /* device-readable RX */
	rx_attack("rx_readable");

	dev_up(BASE_F, 8);
	set_desc(&g.rx, 0, b.pa, 0, D_WRITE, 0); /* zero length */
	rx_attack("rx_zero_len");

	dev_up(BASE_F, 8); /* writable then readable */
	set_desc(&g.rx, 0, b.pa, 1024, D_WRITE | D_NEXT, 1);
	set_desc(&g.rx, 1, b.pa + 1024, 1024, 0, 0);
	rx_attack("rx_bad_order");

	dev_up(BASE_F, 8);
	set_desc(&g.rx, 0, g.ram_end - 1024, 2048, D_WRITE, 0);
	rx_attack("rx_straddle_ram_end");
}

/* Reset while the device holds frames for us and has TX chains posted. */
static void attack_reset_mid_transfer(void)
{
	dev_up(BASE_F, 8);
	uint32_t frame = arp_request(g.txbuf[0].va);
	for (unsigned i = 0; i < 4; i++) {
		set_desc(&g.tx, i, g.txbuf[0].pa, frame, 0, 0);
		post(&g.tx, (uint16_t)i);
	}
	notify(TXQ); /* four ARP requests, no RX buffer: replies held */
	sleep_ms(300);
	wr(STATUS, 0);
	report("reset_mid_transfer", "reset");
	recover("reset_mid_transfer", BASE_F);
}

/* The bug this program found (tests/unit/test_virtio_hostile.c): with
 * MRG_RXBUF, RX buffers on our own avail idx make the device's writes of
 * an echoed UDP payload post more buffers while it fills them.  Chain 0
 * takes the header (12), chain 1 the Ethernet/IPv4/UDP headers (42), chains
 * 2..63 the two bytes of avail idx; the payload is laid out so that after
 * pop m avail idx reads m + 64.  A sound device stops at 64 chains and
 * drops the frame: nothing used. */
static void attack_merge_overflow(void)
{
	enum { NUM = 64, PAYLOAD = 1472, TOTAL = HDR + 42 + PAYLOAD };
	uint64_t f = BASE_F | F_MRG_RXBUF;
	if (!dev_up(f, 8) || !transfer()) { /* learn L1's MAC */
		report("merge_overflow", "no_l1_mac");
		recover("merge_overflow", BASE_F);
		return;
	}
	/* Quiet first: a late reply to a retried ARP request would land in
	 * the rings below (held by the reset device, then dropped). */
	wr(STATUS, 0);
	sleep_ms(2000);
	dev_up(f, NUM);
	set_desc(&g.rx, 0, g.rxbuf[0].pa, HDR, D_WRITE, 0);
	set_desc(&g.rx, 1, g.rxbuf[1].pa, 42, D_WRITE, 0);
	set_desc(&g.rx, 2, g.rx.avail.pa + 2, 2, D_WRITE, 0);
	for (unsigned s = 0; s < NUM; s++)
		memcpy(g.rx.avail.va + 4 + 2 * s, &(uint16_t){s < 2 ? s : 2},
		       2);
	set_avail_idx(&g.rx, NUM);
	notify(RXQ);

	uint8_t *p = g.txbuf[0].va, *e = p + HDR, *ip = e + 14, *udp = ip + 20,
		*payload = udp + 8;
	memset(p, 0, HDR + 42 + PAYLOAD);
	uint32_t at = 0;
	for (unsigned m = 0; at < TOTAL; m++) {
		unsigned slot = m % NUM;
		uint32_t len = slot == 0 ? HDR : slot == 1 ? 42 : 2;
		if (slot >= 2 && at + 1 < TOTAL) {
			payload[at - HDR - 42] = (uint8_t)(m + NUM);
			payload[at - HDR - 42 + 1] = (uint8_t)((m + NUM) >> 8);
		}
		at += len;
	}
	memcpy(e, g.l1_mac, 6);
	memcpy(e + 6, g.mac, 6);
	put16be(e + 12, 0x0800);
	ip[0] = 0x45;
	put16be(ip + 2, 20 + 8 + PAYLOAD);
	put16be(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &g.ip, 4);
	memcpy(ip + 16, &g.l1_ip, 4);
	uint32_t sum = 0;
	for (unsigned i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16be(ip + 10, (uint16_t)~sum);
	put16be(udp, 40000);
	put16be(udp + 2, g.port);
	put16be(udp + 4, 8 + PAYLOAD); /* checksum 0: none */
	set_desc(&g.tx, 0, g.txbuf[0].pa, HDR + 42 + PAYLOAD, 0, 0);
	post(&g.tx, 0);
	notify(TXQ);
	/* The device writes our avail idx while it fills the chains, all in
	 * one go: wait for the echo to start that, then for the writes to
	 * stop, and reset at once (with idx 127 and the device back at 0,
	 * another frame would find the ring jumped). */
	uint16_t last = NUM;
	for (unsigned t = 0, still = 0; t < 5000 && still < 50; t++) {
		uint16_t now = __atomic_load_n((uint16_t *)(g.rx.avail.va + 2),
					       __ATOMIC_RELAXED);
		still = now != NUM && now == last ? still + 1 : 0;
		last = now;
		sleep_ms(1);
	}
	wr(STATUS, 0);
	char saw[96];
	snprintf(saw, sizeof(saw), "tx_used=%u rx_used=%u avail_idx=%u",
		 used_idx(&g.tx), used_idx(&g.rx),
		 __atomic_load_n((uint16_t *)(g.rx.avail.va + 2),
				 __ATOMIC_RELAXED));
	report("merge_overflow", saw);
	recover("merge_overflow", BASE_F);
}

int main(int argc, char **argv)
{
	const char *ip = argc > 1 ? argv[1] : "10.0.3.2";
	const char *l1 = argc > 2 ? argv[2] : "10.0.3.1";
	g.port = (uint16_t)(argc > 3 ? atoi(argv[3]) : 7777);
	if (inet_pton(AF_INET, ip, &g.ip) != 1 ||
	    inet_pton(AF_INET, l1, &g.l1_ip) != 1) {
		fprintf(stderr, "usage: guest_hostile [GUEST_IP [L1_IP "
				"[UDP_PORT]]]\n");
		return 2;
	}
	if (map_mmio() < 0 || map_pages() < 0 || find_ram_end() < 0)
		return 1;
	g.rx = (struct vq){.index = RXQ};
	g.tx = (struct vq){.index = TXQ};
	g.rx.desc = take_page();
	g.rx.avail = take_page();
	g.rx.used = take_page();
	g.tx.desc = take_page();
	g.tx.avail = take_page();
	g.tx.used = take_page();
	for (unsigned k = 0; k < 4; k++) {
		g.rxbuf[k] = take_page();
		g.txbuf[k] = take_page();
		g.spare[k] = take_page();
	}
	if (rd(MAGIC) != 0x74726976 || rd(0x008) != 1) {
		fprintf(stderr, "guest_hostile: no virtio-net at 0x%lx\n",
			MMIO_BASE);
		return 1;
	}
	for (unsigned i = 0; i < 6; i++)
		g.mac[i] = rd8(g.mmio + CONFIG + i);
	printf("HOSTILE start: mac %02x:%02x:%02x:%02x:%02x:%02x ram_end "
	       "0x%llx\n",
	       g.mac[0], g.mac[1], g.mac[2], g.mac[3], g.mac[4], g.mac[5],
	       (unsigned long long)g.ram_end);
	struct timespec start, end;
	clock_gettime(CLOCK_MONOTONIC, &start);
	recover("baseline", BASE_F);
	attack_registers();
	attack_status();
	attack_renegotiate();
	attack_notify();
	attack_bad_setup();
	attack_tx_chains();
	attack_indirect();
	attack_rx_chains();
	attack_reset_mid_transfer();
	attack_merge_overflow();
	wr(STATUS, 0);
	clock_gettime(CLOCK_MONOTONIC, &end);
	printf("HOSTILE-DONE attacks=%u transfers=%u seconds=%.1f\n", attacks,
	       transfers,
	       (double)(end.tv_sec - start.tv_sec) +
		       (double)(end.tv_nsec - start.tv_nsec) / 1e9);
	return transfers == attacks + 2 ? 0 : 1;
}
