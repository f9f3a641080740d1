/*
 * hostile_net: a net client of the RX and TX muxes (the contract of
 * clients/net_client.h: the same queues, regions and channels the expander
 * gives any client) that attacks them, for tests/isolation/
 * test_attack_table.sh.  Test code (it may use libc; it uses only the PD
 * API and core/ helpers).
 *
 * It is quiet for delay_ms after its first start, attacks for attack_ms
 * (counter hostile.attacking is 1 meanwhile), then stops
 * (hostile.attack_done 1); a hoarder keeps what it hoarded.  `attack`
 * chooses one of issue 12's attacks:
 *   bad_desc      1: every tick, TX descriptors with misaligned, out-of-range,
 *                 huge and zero offsets and zero, runt and huge lengths,
 *                 and RX returns with such offsets
 *   bad_return    2: every frame it receives (it sends itself some) given
 *                 back twice; RX offsets it never held; each TX buffer
 *                 queued twice
 *   bad_index     3: its four queue indices rewritten every tick: at
 *                 random, more than capacity ahead, and backwards
 *   hoard         4: sends itself frames and never gives an RX buffer back
 *   tx_flood      5: sends to a MAC nobody has (02:de:ad:00:00:01), as fast
 *                 as TX buffers come back
 *   spoof         6: frames with the source MAC victim_mac, in the bench
 *                 format (a sequence no honest stream has: were one
 *                 delivered, the sink would count a gap), runts, giants
 *   rewrite       7: each frame (to itself) is rewritten to source
 *                 victim_mac after it is queued, a random 0..100 us later;
 *                 it counts frames that come back with a source not its own
 *                 (hostile.rx_foreign_src: must stay 0)
 *   touch         8: reads an address no PD maps (SIGSEGV)
 *   crash         9: holds RX buffers and TX frames in flight, queues half a
 *                 batch and crashes (a trap instruction) before the rest
 *   notify_storm 10: notifies both muxes in a loop for attack_ms
 *   wire_flood   12: sends to its own MAC as fast as buffers come back, so
 *                 the flood reaches it from the wire (a loop wire); its RX
 *                 rate limit (rx-rate) is what holds it
 *   wire_target  12: sends nothing: the flood comes from outside, on the
 *                 wire (test_attack_table.sh's wire_flood_ext row runs a
 *                 generator, tests/isolation/wire_blast.c, for attack_ms);
 *                 it takes every frame and gives it back, as any client
 * Restarted (8, 9: its PD restartable), it does not attack again: it sends
 * itself a frame every tick and counts what comes back (hostile.self_rx),
 * so a test sees the new instance work.
 *
 * Counters: hostile.* below, and net_client's.
 */
#include <stdbool.h>
#include <stdint.h>

#include "clients/net_client.h"
#include "core/bytes.h"
#include "core/net.h"
#include "core/pd.h"
#include "core/queue.h"
#include "tests/isolation/hostile.h"

#define MS 1000000ull
#define TICK_NS (1 * MS)
#define HOSTILE_ETHERTYPE 0x88b6u /* not the bench format */
#define BENCH_ETHERTYPE 0x88b5u

/* tx_flood's destination: no station of any test system has it. */
static const uint8_t nobody[SDVF_NET_MAC_LEN] = {0x02, 0xde, 0xad, 0, 0, 1};

enum attack {
	BAD_DESC,
	BAD_RETURN,
	BAD_INDEX,
	HOARD,
	TX_FLOOD,
	SPOOF,
	REWRITE,
	TOUCH,
	CRASH,
	NOTIFY_STORM,
	WIRE_FLOOD,
	WIRE_TARGET,
	ATTACKS
};

static const char *const attack_names[ATTACKS] = {
	"bad_desc", "bad_return",   "bad_index",  "hoard",
	"tx_flood", "spoof",	    "rewrite",	  "touch",
	"crash",    "notify_storm", "wire_flood", "wire_target",
};

static const char *attack_choice(unsigned i)
{
	return i < ATTACKS ? attack_names[i] : (const char *)0;
}

#define HOSTILE_COUNTERS(X)                                                    \
	X(starts, "hostile.starts", "times init ran (kept across restarts)")   \
	X(attacking, "hostile.attacking", "1 while the attack runs")           \
	X(attack_done, "hostile.attack_done", "1 once the attack ended")       \
	X(actions, "hostile.actions",                                          \
	  "hostile acts: descriptors, returns, index writes, signals")         \
	X(self_sent, "hostile.self_sent", "frames sent to itself")             \
	X(self_rx, "hostile.self_rx", "frames received (any)")                 \
	X(rx_held, "hostile.rx_held", "RX buffers it holds now (hoard)")       \
	X(rx_foreign_src, "hostile.rx_foreign_src",                            \
	  "frames received whose source MAC is not ours")

struct hostile_net {
	struct net_client nc; /* first, as in every net client */
	struct sdvf_pd *pd;
	enum attack attack;
	bool restarted;
	uint64_t start_ns, end_ns;
	uint8_t victim[SDVF_NET_MAC_LEN];
	uint64_t rng;
	uint32_t rx_bufs, tx_bufs; /* buffers of rx_data, tx_data */
	uint64_t spoof_seq;
	uint64_t ticks; /* attack steps taken */
#define HOSTILE_FIELD(field, name, meaning) _Atomic uint64_t *field;
	HOSTILE_COUNTERS(HOSTILE_FIELD)
#undef HOSTILE_FIELD
};

static uint64_t next_random(struct hostile_net *h)
{
	/* xorshift64: enough to vary what we write */
	h->rng ^= h->rng << 13;
	h->rng ^= h->rng >> 7;
	h->rng ^= h->rng << 17;
	return h->rng;
}

static void act(struct hostile_net *h, uint64_t n)
{
	sdvf_counter_add(h->actions, n);
}

/* ---- frames ------------------------------------------------------------ */

static void fill(struct hostile_net *h, uint8_t *out, const uint8_t *dst,
		 const uint8_t *src, uint16_t len)
{
	sdvf_copy(out, dst, SDVF_NET_MAC_LEN);
	sdvf_copy(out + SDVF_NET_MAC_LEN, src, SDVF_NET_MAC_LEN);
	sdvf_put_be16(out + 12, HOSTILE_ETHERTYPE);
	for (uint32_t i = SDVF_NET_ETH_HLEN; i < len; i++)
		out[i] = (uint8_t)(i ^ h->rng);
}

/* One frame of len bytes to dst from our own MAC; false if no buffer. */
static bool send_to(struct hostile_net *h, const uint8_t *dst, uint16_t len)
{
	struct net_tx_buf b;
	if (!net_client_tx_alloc(&h->nc, &b))
		return false;
	fill(h, b.data, dst, h->nc.mac, len);
	if (!net_client_tx_send(&h->nc, b.offset, len))
		return false;
	if (sdvf_bytes_equal(dst, h->nc.mac, SDVF_NET_MAC_LEN))
		sdvf_counter_add(h->self_sent, 1);
	return true;
}

/* ---- the attacks, one step each ----------------------------------------- */

/* Offsets no client may name: misaligned, past the region, huge. */
static uint64_t bad_offset(struct hostile_net *h, uint32_t bufs, unsigned k)
{
	switch (k % 4) {
	case 0:
		return 1 + next_random(h) % (SDVF_BUF_SIZE - 1);
	case 1:
		return (uint64_t)bufs * SDVF_BUF_SIZE;
	case 2:
		return UINT64_MAX - (SDVF_BUF_SIZE - 1);
	default:
		return ((uint64_t)bufs + next_random(h) % 1000) * SDVF_BUF_SIZE;
	}
}

static void bad_desc_step(struct hostile_net *h)
{
	static const uint16_t lens[] = {0, 1, 13, 1519, 4096, UINT16_MAX};
	for (unsigned k = 0; k < 8; k++) {
		struct sdvf_desc d = {.io_or_offset =
					      bad_offset(h, h->tx_bufs, k),
				      .len = 60};
		if (sdvf_queue_push(&h->nc.tx_active, &d))
			act(h, 1);
	}
	/* Buffers we hold, with lengths outside 14..1518 (zero offset and
	 * length first). */
	for (unsigned k = 0; k < sizeof(lens) / sizeof(*lens); k++) {
		struct net_tx_buf b;
		if (!net_client_tx_alloc(&h->nc, &b))
			break;
		fill(h, b.data, h->victim, h->nc.mac, 60);
		if (net_client_tx_send(&h->nc, b.offset, lens[k]))
			act(h, 1);
	}
	for (unsigned k = 0; k < 8; k++) {
		struct sdvf_desc d = {
			.io_or_offset =
				k == 4 ? 0 : bad_offset(h, h->rx_bufs, k),
			.len = (uint16_t)next_random(h)};
		if (sdvf_queue_push(&h->nc.rx_free, &d))
			act(h, 1);
	}
}

static void bad_return_rx(struct hostile_net *h, uint64_t offset)
{
	net_client_rx_return(&h->nc, offset);
	struct sdvf_desc twice = {.io_or_offset = offset, .len = 60};
	/* never ours: a buffer of the region we were not lent */
	struct sdvf_desc foreign = {
		.io_or_offset = (offset / SDVF_BUF_SIZE + 1 +
				 next_random(h) % (h->rx_bufs - 1)) %
				h->rx_bufs * SDVF_BUF_SIZE,
		.len = 60};
	if (sdvf_queue_push(&h->nc.rx_free, &twice))
		act(h, 1);
	if (h->rx_bufs > 1 && sdvf_queue_push(&h->nc.rx_free, &foreign))
		act(h, 1);
}

static void bad_return_step(struct hostile_net *h)
{
	struct net_tx_buf b;
	if (!net_client_tx_alloc(&h->nc, &b))
		return;
	fill(h, b.data, h->nc.mac, h->nc.mac, 60);
	if (!net_client_tx_send(&h->nc, b.offset, 60))
		return;
	sdvf_counter_add(h->self_sent, 1);
	struct sdvf_desc again = {.io_or_offset = b.offset, .len = 60};
	if (sdvf_queue_push(&h->nc.tx_active, &again))
		act(h, 1);
}

/* One of three lies about an index we own, in turn. */
static uint32_t lie(struct hostile_net *h, uint32_t peer, uint32_t own,
		    uint32_t capacity)
{
	switch (next_random(h) % 3) {
	case 0:
		return (uint32_t)next_random(h);
	case 1:
		return peer + capacity + 1 + (uint32_t)(next_random(h) % 1000);
	default:
		return own - 1 - (uint32_t)(next_random(h) % 64);
	}
}

static void bad_index_step(struct hostile_net *h)
{
	struct sdvf_queue *produced[] = {&h->nc.tx_active, &h->nc.rx_free};
	struct sdvf_queue *consumed[] = {&h->nc.rx_active, &h->nc.tx_free};
	for (unsigned i = 0; i < 2; i++) {
		struct sdvf_queue_shared *s = produced[i]->shared;
		uint32_t head = atomic_load(&s->head);
		atomic_store(&s->tail, lie(h, head, produced[i]->own,
					   produced[i]->capacity));
		s = consumed[i]->shared;
		uint32_t tail = atomic_load(&s->tail);
		atomic_store(&s->head, lie(h, tail, consumed[i]->own,
					   consumed[i]->capacity));
		act(h, 2);
	}
	sdvf_notify(h->pd, h->nc.ch_rx);
	sdvf_notify(h->pd, h->nc.ch_tx);
}

static void flood_step(struct hostile_net *h, const uint8_t *dst)
{
	while (send_to(h, dst, 1514))
		act(h, 1);
}

/* A bench-format frame from victim_mac (sequence far from any honest
 * stream's), a runt and a giant. */
static void spoof_step(struct hostile_net *h)
{
	struct net_tx_buf b;
	if (net_client_tx_alloc(&h->nc, &b)) {
		fill(h, b.data, h->victim, h->victim, 100);
		sdvf_put_be16(b.data + 12, BENCH_ETHERTYPE);
		uint64_t seq = (1ull << 62) + h->spoof_seq++;
		sdvf_put_be32(b.data + 14, (uint32_t)(seq >> 32));
		sdvf_put_be32(b.data + 18, (uint32_t)seq);
		sdvf_put_be16(b.data + 22, 0);
		sdvf_put_be16(b.data + 22, sdvf_inet_csum(b.data + 14, 86, 0));
		if (net_client_tx_send(&h->nc, b.offset, 100))
			act(h, 1);
	}
	static const uint16_t lens[] = {1, 13, 1519, 2048};
	for (unsigned k = 0; k < 4; k++) {
		if (!net_client_tx_alloc(&h->nc, &b))
			break;
		fill(h, b.data, h->nc.mac, h->nc.mac, 60);
		if (net_client_tx_send(&h->nc, b.offset, lens[k]))
			act(h, 1);
	}
}

static void rewrite_step(struct hostile_net *h)
{
	struct net_tx_buf b;
	if (!net_client_tx_alloc(&h->nc, &b))
		return;
	fill(h, b.data, h->nc.mac, h->nc.mac, 200);
	if (!net_client_tx_send(&h->nc, b.offset, 200))
		return;
	sdvf_counter_add(h->self_sent, 1);
	net_client_finish(&h->nc); /* queued and signalled: now rewrite */
	uint64_t until = sdvf_now_ns(h->pd) + next_random(h) % 100000;
	while (sdvf_now_ns(h->pd) < until)
		;
	sdvf_copy(b.data + SDVF_NET_MAC_LEN, h->victim, SDVF_NET_MAC_LEN);
	act(h, 1);
}

/* Never mapped in any process (below mmap_min_addr). */
static void touch(struct hostile_net *h)
{
	sdvf_log(h->pd, SDVF_LOG_INFO, "touching address 0x1000");
	volatile const uint8_t *nowhere = (const uint8_t *)(uintptr_t)0x1000;
	act(h, *nowhere);
	sdvf_log(h->pd, SDVF_LOG_ERROR, "read address 0x1000 and lived");
}

/* Hold every frame; after 50 ms with some held, queue half a batch of TX
 * frames, publish it, push the rest unpublished and die. */
static void crash_step(struct hostile_net *h)
{
	send_to(h, h->nc.mac, 60);
	if (sdvf_now_ns(h->pd) < h->start_ns + 50 * MS ||
	    net_client_rx_held(&h->nc) == 0)
		return;
	for (unsigned k = 0; k < 4; k++)
		send_to(h, h->nc.mac, 60);
	net_client_finish(&h->nc);
	for (unsigned k = 0; k < 4; k++)
		send_to(h, h->nc.mac, 60);
	sdvf_log(h->pd, SDVF_LOG_INFO,
		 "crashing holding %u RX buffers, %u TX at the mux",
		 net_client_rx_held(&h->nc), net_client_tx_at_mux(&h->nc));
	__builtin_trap();
}

static void notify_storm(struct hostile_net *h)
{
	uint64_t n = 0;
	while (sdvf_now_ns(h->pd) < h->end_ns) {
		for (unsigned k = 0; k < 256; k++) {
			sdvf_notify(h->pd, h->nc.ch_rx);
			sdvf_notify(h->pd, h->nc.ch_tx);
		}
		n += 512;
	}
	act(h, n);
}

/* One step a tick (floods: also on every completion).  Attacks that send
 * themselves frames do so every 4th tick (250 a second): the honest flows
 * need the RX path's slack more than the attack needs the load. */
static void attack_step(struct hostile_net *h)
{
	h->ticks++;
	switch (h->attack) {
	case BAD_DESC:
		bad_desc_step(h);
		break;
	case BAD_RETURN:
		if (h->ticks % 4 == 0)
			bad_return_step(h);
		break;
	case BAD_INDEX:
		bad_index_step(h);
		break;
	case HOARD:
		if (h->ticks % 4 == 0)
			send_to(h, h->nc.mac, 60);
		break;
	case TX_FLOOD:
		flood_step(h, nobody);
		break;
	case SPOOF:
		spoof_step(h);
		break;
	case REWRITE:
		if (h->ticks % 4 == 0)
			rewrite_step(h);
		break;
	case TOUCH:
		touch(h);
		break;
	case CRASH:
		crash_step(h);
		break;
	case NOTIFY_STORM:
		notify_storm(h);
		break;
	case WIRE_FLOOD:
		flood_step(h, h->nc.mac);
		break;
	case WIRE_TARGET: /* the flood is the wire's */
	case ATTACKS:
		break;
	}
}

/* ---- activation -------------------------------------------------------- */

static bool keeps_rx(const struct hostile_net *h)
{
	return !h->restarted && (h->attack == HOARD || h->attack == CRASH);
}

static void take_rx(struct hostile_net *h, bool attacking)
{
	struct net_rx_frame f;
	while (net_client_rx_take(&h->nc, &f)) {
		sdvf_counter_add(h->self_rx, 1);
		if (f.len >= 2 * SDVF_NET_MAC_LEN &&
		    !sdvf_bytes_equal(f.data + SDVF_NET_MAC_LEN, h->nc.mac,
				      SDVF_NET_MAC_LEN))
			sdvf_counter_add(h->rx_foreign_src, 1);
		if (keeps_rx(h))
			continue;
		if (attacking && h->attack == BAD_RETURN)
			bad_return_rx(h, f.offset);
		else
			net_client_rx_return(&h->nc, f.offset);
	}
	sdvf_counter_set(h->rx_held, net_client_rx_held(&h->nc));
}

/* Completions; echoes of descriptors net_client never sent (bad_desc,
 * bad_return) it counts as net.tx_bad and skips. */
static void take_tx(struct hostile_net *h)
{
	struct net_tx_done done;
	while (net_client_tx_reap(&h->nc, &done))
		;
}

static void hostile_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct hostile_net *h = state;
	uint64_t now = sdvf_now_ns(pd);
	bool attacking = !h->restarted && now >= h->start_ns && now < h->end_ns;
	take_tx(h);
	take_rx(h, attacking);
	if (h->restarted) {
		if (ch == SDVF_CHANNEL_TIMER) {
			send_to(h, h->nc.mac, 60);
			sdvf_timer_set(pd, now + 10 * MS);
		}
	} else if (attacking) {
		if (!sdvf_counter_get(h->attacking))
			sdvf_log(pd, SDVF_LOG_INFO, "attack %s: start",
				 attack_names[h->attack]);
		sdvf_counter_set(h->attacking, 1);
		/* floods also go on as completions come back */
		if (ch == SDVF_CHANNEL_TIMER || h->attack == TX_FLOOD ||
		    h->attack == WIRE_FLOOD)
			attack_step(h);
		if (ch == SDVF_CHANNEL_TIMER)
			sdvf_timer_set(pd, now + TICK_NS);
	} else if (now < h->start_ns) {
		if (ch == SDVF_CHANNEL_TIMER)
			sdvf_timer_set(pd, h->start_ns);
	} else if (!sdvf_counter_get(h->attack_done)) {
		sdvf_counter_set(h->attacking, 0);
		sdvf_counter_set(h->attack_done, 1);
		sdvf_log(pd, SDVF_LOG_INFO, "attack %s: done, %llu acts",
			 attack_names[h->attack],
			 (unsigned long long)sdvf_counter_get(h->actions));
	}
	net_client_finish(&h->nc);
}

static void hostile_peer_restart(void *state, struct sdvf_pd *pd,
				 sdvf_channel_t ch)
{
	struct hostile_net *h = state;
	(void)pd;
	net_client_peer_restart(&h->nc, ch);
}

static int hostile_init(void *state, struct sdvf_pd *pd)
{
	struct hostile_net *h = state;
	h->pd = pd;
#define HOSTILE_REGISTER(field, name, meaning)                                 \
	h->field = sdvf_counter(pd, name);
	HOSTILE_COUNTERS(HOSTILE_REGISTER)
#undef HOSTILE_REGISTER
	sdvf_counter_add(h->starts, 1);
	h->restarted = sdvf_counter_get(h->starts) > 1;
	if (!net_client_attach(&h->nc, pd))
		return -1;
	const char *name = sdvf_config_str(pd, "attack");
	h->attack = ATTACKS;
	for (unsigned i = 0; name && i < ATTACKS; i++)
		if (sdvf_str_equal(name, attack_names[i]))
			h->attack = (enum attack)i;
	if (h->attack == ATTACKS) {
		sdvf_log(pd, SDVF_LOG_ERROR, "hostile_net: attack is required");
		return -1;
	}
	size_t len = 0;
	const uint8_t *victim = sdvf_config_bytes(pd, "victim_mac", &len);
	if (victim && len == SDVF_NET_MAC_LEN)
		sdvf_copy(h->victim, victim, SDVF_NET_MAC_LEN);
	h->rx_bufs =
		(uint32_t)(sdvf_region(pd, "rx_data")->size / SDVF_BUF_SIZE);
	h->tx_bufs =
		(uint32_t)(sdvf_region(pd, "tx_data")->size / SDVF_BUF_SIZE);
	uint64_t now = sdvf_now_ns(pd);
	h->rng = now | 1;
	h->start_ns = now + sdvf_config_u64(pd, "delay_ms") * MS;
	h->end_ns = h->start_ns + sdvf_config_u64(pd, "attack_ms") * MS;
	sdvf_counter_set(h->attacking, 0);
	if (h->restarted)
		sdvf_log(pd, SDVF_LOG_INFO,
			 "restarted: sending to itself, no attack");
	sdvf_timer_set(pd, h->restarted ? now + 10 * MS : h->start_ns);
	net_client_finish(&h->nc);
	return 0;
}

static const struct sdvf_need hostile_needs[] = {NET_CLIENT_NEEDS, {0}};

static const struct sdvf_param hostile_params[] = {
	NET_CLIENT_PARAMS,
	SDVF_PARAM_CHOICE("attack", 12, attack_choice,
			  "which attack (tests/isolation/hostile_net.c)"),
	{.name = "victim_mac",
	 .type = SDVF_PARAM_MAC,
	 .names_peer = true,
	 .help = "spoof, rewrite: the source MAC to forge (an honest "
		 "client's)"},
	SDVF_PARAM_U64_DEFAULT("delay_ms", 0, 600000, 4000,
			       "quiet time before the attack"),
	SDVF_PARAM_U64_DEFAULT("attack_ms", 1, 600000, 2500,
			       "how long the attack lasts"),
	{0},
};

static const struct sdvf_counter_doc hostile_counters[] = {
#define HOSTILE_DOC(field, name, meaning) {name, meaning},
	HOSTILE_COUNTERS(HOSTILE_DOC)
#undef HOSTILE_DOC
		NET_CLIENT_COUNTER_DOCS{0},
};

static const struct sdvf_component hostile_net = {
	.name = "hostile_net",
	.summary = "test: a net client that attacks the muxes (attack=...)",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct hostile_net),
	.needs = hostile_needs,
	.params = hostile_params,
	.counters = hostile_counters,
	.init = hostile_init,
	.notified = hostile_notified,
	.peer_restart = hostile_peer_restart,
};

const struct sdvf_component *const hostile_net_components[] = {
	&hostile_net,
	NULL,
};
