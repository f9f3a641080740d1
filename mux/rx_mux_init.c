/*
 * rx_mux: configuration, policy start-up and the component's declaration
 * (the data path and what the mux trusts: mux/rx_mux.c).
 *
 * Configuration.  Client N (0..7) exists when cN_mac is given (the
 * loader refuses one MAC given twice in a PD's configuration); then
 * cN_rx_active, cN_rx_free and channel cN are required, and cN_rx_data
 * in copy mode.  At most RXM_MAX_BUFS (512) buffers per region are used.
 * Per-client keys: cN_mac, cN_mode ("copy", the default, or "remap"), cN_rx_cap
 * (buffers in flight; 0: copy: as many as its queue and region hold; remap: an
 * equal share of the DMA buffers with one share kept for the driver; remap caps
 * must sum below the DMA buffers less sw_reserve, so no remap client can empty
 * the driver's pool), cN_rate (bits/s, 0: unshaped), cN_burst (bytes),
 * cN_broadcast (default 1), cN_multicast (default 0). Shared: rx_capacity (the
 * driver pair), client_capacity (every client pair).  Local names: rx_dma,
 * rx_free, rx_active, channel rx.
 *
 * Local switching (all optional; without sw_pool the mux behaves as
 * without switching): region sw_pool (mapped r), queues sw_active and
 * sw_free, channel sw, shared with tx_mux; sw_capacity (slots of both
 * queues, and the most sw_pool buffers used: tx_mux must be given the
 * same); cN_switch_to (bitmask of the client indices client N's frames
 * may be switched to; its own bit and absent clients are ignored; the
 * same value as tx_mux's); sw_reserve (DMA buffers kept back for switched
 * frames to remap clients; none without a remap client).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bytes.h"
#include "core/net.h"
#include "core/ownership.h"
#include "core/pd.h"
#include "core/pd_queue.h"
#include "core/queue.h"
#include "mux/rx_mux.h"
#include "policies/policy.h"

/* ---- init ------------------------------------------------------------ */

#define KEY(i, suffix) ((const char *const[]){RXM_EACH(suffix)})[i]
#define RXM_EACH(suffix)                                                       \
	"c0_" suffix, "c1_" suffix, "c2_" suffix, "c3_" suffix, "c4_" suffix,  \
		"c5_" suffix, "c6_" suffix, "c7_" suffix

static const char *const chan_name[RXM_CLIENTS] = {"c0", "c1", "c2", "c3",
						   "c4", "c5", "c6", "c7"};

/* Policy parameters of client i, by the token bucket's key. */
static uint64_t shaper_param(void *ctx, int i, const char *key)
{
	struct rx_mux *m = ctx;
	if (i < 0 || !m->client[i].present)
		return sdvf_str_equal(key, "burst") ? 32768 : 0;
	return sdvf_config_u64(m->pd, sdvf_str_equal(key, "rate")
					      ? KEY(i, "rate")
					      : KEY(i, "burst"));
}

static void client_counters(struct rx_mux *m, unsigned i)
{
	struct rxm_client *c = &m->client[i];
	char prefix[8] = {'c', (char)('0' + i), '.', 0};
	char name[SDVF_COUNTER_NAME_BYTES], viol[SDVF_COUNTER_NAME_BYTES];
#define RXM_CLIENT_REGISTER(n, field, cname, meaning)                          \
	sdvf_counter_name_join(name, prefix, cname);                           \
	c->field = sdvf_counter(m->pd, name);
	RX_MUX_CLIENT_COUNTERS(RXM_CLIENT_REGISTER, -)
#undef RXM_CLIENT_REGISTER
	/* bad_index is the queue's own counter, cN_rx_free.bad_index; a
	 * return's length is never checked (it means nothing on RX), so no
	 * viol.bad_length that could only ever read 0. */
	for (unsigned v = SDVF_VIOL_BAD_INDEX + 1; v < SDVF_VIOL_COUNT; v++) {
		if (v == SDVF_VIOL_BAD_LENGTH)
			continue;
		sdvf_counter_name_join(viol, prefix, "viol.");
		sdvf_counter_name_join(name, viol, sdvf_violation_name(v));
		c->viol_ctr[v] = sdvf_counter(m->pd, name);
	}
}

static bool client_init(struct rx_mux *m, unsigned i, uint64_t capacity)
{
	struct rxm_client *c = &m->client[i];
	struct sdvf_pd *pd = m->pd;
	size_t len;
	sdvf_copy(c->mac, sdvf_config_bytes(pd, KEY(i, "mac"), &len),
		  SDVF_NET_MAC_LEN);
	const char *mode = sdvf_config_str(pd, KEY(i, "mode"));
	c->remap = mode && sdvf_str_equal(mode, "remap");
	if (mode && !c->remap && !sdvf_str_equal(mode, "copy")) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "rx_mux: %s = \"%s\": use \"copy\" or \"remap\"",
			 KEY(i, "mode"), mode);
		return false;
	}
	c->switch_to =
		(uint32_t)sdvf_config_u64(pd, KEY(i, "switch_to")) & ~(1u << i);
	c->bcast = sdvf_config_u64(pd, KEY(i, "broadcast"));
	c->mcast = sdvf_config_u64(pd, KEY(i, "multicast"));
	c->ch = sdvf_channel(pd, chan_name[i]);
	if (c->ch == SDVF_CHANNEL_NONE ||
	    !sdvf_queue_attach_region(pd, &c->rx_active, KEY(i, "rx_active"),
				      capacity) ||
	    !sdvf_queue_attach_region(pd, &c->rx_free, KEY(i, "rx_free"),
				      capacity)) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "rx_mux: client %u needs channel %s and queues "
			 "%s, %s",
			 i, chan_name[i], KEY(i, "rx_active"),
			 KEY(i, "rx_free"));
		return false;
	}
	uint64_t nbufs = m->nbufs;
	if (!c->remap) {
		const struct sdvf_region *r =
			sdvf_region(pd, KEY(i, "rx_data"));
		if (!r || r->size < SDVF_BUF_SIZE) {
			sdvf_log(pd, SDVF_LOG_ERROR,
				 "rx_mux: copy client %u needs region %s of "
				 "at least one 2 KiB buffer",
				 i, KEY(i, "rx_data"));
			return false;
		}
		c->data = r->base;
		nbufs = r->size / SDVF_BUF_SIZE;
		if (nbufs > RXM_MAX_BUFS)
			nbufs = RXM_MAX_BUFS;
		for (uint32_t s = 0; s < nbufs; s++)
			c->idle[c->nidle++] = (uint32_t)nbufs - 1 - s;
	}
	sdvf_own_init(&c->own, c->owner, (uint32_t)nbufs, 0);
	/* 0 (the default) is settled by remap_caps for a remap client. */
	uint64_t cap = sdvf_config_u64(pd, KEY(i, "rx_cap"));
	uint64_t most = nbufs < capacity ? nbufs : capacity;
	c->cap = (uint32_t)(cap > most || (cap == 0 && !c->remap) ? most : cap);
	client_counters(m, i);
	c->present = true;
	m->present |= 1u << i;
	m->bcast |= (uint32_t)c->bcast << i;
	m->mcast |= (uint32_t)c->mcast << i;
	return true;
}

/* Lent buffers are the driver's pool, so remap clients together must leave
 * it at least one, or one hoarding client would starve every other.  A
 * remap client without cN_rx_cap gets an equal share of the pool with one
 * share kept back for the driver. */
static bool remap_caps(struct rx_mux *m)
{
	uint32_t nremap = 0, sum = 0;
	uint32_t pool = m->nbufs - m->sw.reserve_target;
	for (unsigned i = 0; i < m->nclients; i++)
		nremap += m->client[i].present && m->client[i].remap;
	for (unsigned i = 0; i < m->nclients; i++) {
		struct rxm_client *c = &m->client[i];
		if (!c->present || !c->remap)
			continue;
		if (c->cap == 0) {
			uint32_t share = pool / (nremap + 1);
			c->cap = share == 0 ? 1 : share;
			if (c->cap > c->rx_active.capacity)
				c->cap = c->rx_active.capacity;
		}
		sum += c->cap;
	}
	if (nremap && sum >= pool) {
		sdvf_log(m->pd, SDVF_LOG_ERROR,
			 "rx_mux: the remap clients' cN_rx_cap sum to %u of "
			 "%u RX DMA buffers (sw_reserve kept apart): make the "
			 "sum smaller, or one hoarding client could leave the "
			 "driver none",
			 sum, pool);
		return false;
	}
	return true;
}

/* Local switching, if sw_pool is granted: the queues from and to tx_mux,
 * the sw_pool map (every buffer tx_mux's) and the reserve's size. */
static bool switch_init(struct rx_mux *m)
{
	struct sdvf_pd *pd = m->pd;
	struct rxm_switch *s = &m->sw;
	uint32_t present = 0, wanted = 0;
	bool remap = false;
	for (unsigned i = 0; i < m->nclients; i++) {
		present |= (uint32_t)m->client[i].present << i;
		wanted |= m->client[i].switch_to;
		remap |= m->client[i].present && m->client[i].remap;
	}
	const struct sdvf_region *pool = sdvf_region(pd, "sw_pool");
	uint64_t cap = sdvf_config_u64(pd, "sw_capacity");
	s->ch = sdvf_channel(pd, "sw");
	if (!pool) {
		if (!wanted)
			return true;
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "rx_mux: a cN_switch_to is set: region sw_pool, "
			 "queues sw_active, sw_free and channel sw are needed");
		return false;
	}
	if (s->ch == SDVF_CHANNEL_NONE || pool->size < SDVF_BUF_SIZE ||
	    !sdvf_queue_attach_region(pd, &s->active, "sw_active", cap) ||
	    !sdvf_queue_attach_region(pd, &s->free, "sw_free", cap)) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "rx_mux: switching needs channel sw, queues "
			 "sw_active, sw_free and a region sw_pool of at least "
			 "one 2 KiB buffer");
		return false;
	}
	for (unsigned i = 0; i < m->nclients; i++)
		m->client[i].switch_to &= present;
	/* sw_free has a slot for every buffer: sw_frame never finds it
	 * full. */
	uint64_t n = pool->size / SDVF_BUF_SIZE;
	n = n < cap ? n : cap;
	n = n < RXM_SW_MAX ? n : RXM_SW_MAX;
	s->base = pool->base;
	sdvf_own_init(&s->own, s->owner, (uint32_t)n, 0);
	for (uint32_t b = 0; b < n; b++)
		sdvf_own_give(&s->own, (uint64_t)b * SDVF_BUF_SIZE,
			      SDVF_OWNER_SELF, OWNER_TX_MUX);
	s->reserve_target =
		remap ? (uint32_t)sdvf_config_u64(pd, "sw_reserve") : 0;
	if (s->reserve_target >= m->nbufs) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "rx_mux: sw_reserve = %u of %u RX DMA buffers: "
			 "leave the driver some",
			 s->reserve_target, m->nbufs);
		return false;
	}
	s->present = true;
	return true;
}

static int rx_mux_init(void *state, struct sdvf_pd *pd)
{
	struct rx_mux *m = state;
	m->pd = pd;
#define RXM_REGISTER(field, name, meaning) m->field = sdvf_counter(pd, name);
	RX_MUX_COUNTERS(RXM_REGISTER)
#undef RXM_REGISTER
	m->ch_drv = sdvf_channel(pd, "rx");
	uint64_t rx_cap = sdvf_config_u64(pd, "rx_capacity");
	const struct sdvf_region *dma = sdvf_region(pd, "rx_dma");
	if (!dma || !dma->has_io || dma->size < SDVF_BUF_SIZE) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "rx_mux: region 'rx_dma' needs an io address and at "
			 "least one 2 KiB buffer");
		return -1;
	}
	if (!sdvf_queue_attach_region(pd, &m->drv_rx_free, "rx_free", rx_cap) ||
	    !sdvf_queue_attach_region(pd, &m->drv_rx_active, "rx_active",
				      rx_cap))
		return -1;
	uint64_t n = dma->size / SDVF_BUF_SIZE;
	/* rx_free has a slot for every buffer: drv_provide never fails. */
	n = n < rx_cap ? n : rx_cap;
	m->nbufs = (uint32_t)(n < RXM_MAX_BUFS ? n : RXM_MAX_BUFS);
	m->dma = dma->base;
	m->dma_io = dma->io_addr;
	sdvf_own_init(&m->dma_own, m->dma_owner, m->nbufs, m->dma_io);
	sdvf_counter_set(m->dma_bufs, m->nbufs);
	uint64_t client_cap = sdvf_config_u64(pd, "client_capacity");
	size_t len;
	for (unsigned i = 0; i < RXM_CLIENTS; i++) {
		if (!sdvf_config_bytes(pd, KEY(i, "mac"), &len))
			continue;
		if (!client_init(m, i, client_cap))
			return -1;
		m->nclients = i + 1;
	}
	if (!switch_init(m) || !remap_caps(m))
		return -1;
	bool shaped = false;
	for (unsigned i = 0; i < m->nclients; i++) {
		struct rxm_client *c = &m->client[i];
		c->shaped =
			c->present && sdvf_config_u64(pd, KEY(i, "rate")) != 0;
		shaped |= c->shaped;
	}
	if (shaped) {
		struct sdvf_policy_config cfg = {
			.nclients = m->nclients,
			.now_ns = sdvf_now_ns(pd),
			.u64 = shaper_param,
			.ctx = m,
		};
		struct sdvf_policy_fault fault = {0};
		if (sdvf_policy_init(&m->shaper,
				     sdvf_policy_find("token_bucket"), &cfg,
				     &fault) < 0) {
			sdvf_log(pd, SDVF_LOG_ERROR,
				 "rx_mux: token_bucket: client %d: %s = "
				 "%llu: %s",
				 fault.client, fault.key ? fault.key : "-",
				 (unsigned long long)fault.value, fault.why);
			return -1;
		}
	}
	rx_mux_start(m);
	return 0;
}

/* ---- what it declares ------------------------------------------------ */

#define RXM_CLIENT_NEEDS(n)                                                    \
	SDVF_NEED_REGION_RW_OPTIONAL("c" #n "_rx_active"),                     \
		SDVF_NEED_REGION_RW_OPTIONAL("c" #n "_rx_free"),               \
		SDVF_NEED_REGION_RW_OPTIONAL("c" #n "_rx_data"),               \
		SDVF_NEED_CHAN_OPTIONAL("c" #n)

static const struct sdvf_need rx_mux_needs[] = {
	SDVF_NEED_REGION_RW("rx_dma"),
	SDVF_NEED_QUEUE("rx_free"),
	SDVF_NEED_QUEUE("rx_active"),
	SDVF_NEED_CHAN("rx"),
	{.name = "sw_pool",
	 .kind = SDVF_NEED_REGION,
	 .rights = SDVF_R,
	 .optional = true},
	SDVF_NEED_REGION_RW_OPTIONAL("sw_active"),
	SDVF_NEED_REGION_RW_OPTIONAL("sw_free"),
	SDVF_NEED_CHAN_OPTIONAL("sw"),
	RXM_CLIENT_NEEDS(0),
	RXM_CLIENT_NEEDS(1),
	RXM_CLIENT_NEEDS(2),
	RXM_CLIENT_NEEDS(3),
	RXM_CLIENT_NEEDS(4),
	RXM_CLIENT_NEEDS(5),
	RXM_CLIENT_NEEDS(6),
	RXM_CLIENT_NEEDS(7),
	{0},
};

#define RXM_CLIENT_PARAMS(n)                                                   \
	{.name = "c" #n "_mac",                                                \
	 .type = SDVF_PARAM_MAC,                                               \
	 .help = "client " #n "'s station address (absent: no client " #n      \
		 ")"},                                                         \
		SDVF_PARAM_CHOICE("c" #n "_mode", 5, sdvf_net_mode_choice,     \
				  "\"copy\" (default) or \"remap\""),          \
		SDVF_PARAM_U64_DEFAULT(                                        \
			"c" #n "_rx_cap", 0, RXM_MAX_BUFS, 0,                  \
			"RX buffers it may hold (0: copy: what "               \
			"its queue and region hold; remap: a "                 \
			"share of the DMA pool)"),                             \
		SDVF_PARAM_U64_DEFAULT("c" #n "_rate", 0, 100000000000ull, 0,  \
				       "bits per second delivered (0: no "     \
				       "limit)"),                              \
		SDVF_PARAM_U64_DEFAULT("c" #n "_burst", SDVF_NET_FRAME_MAX,    \
				       1ull << 30, 32768,                      \
				       "bytes it may take at once"),           \
		SDVF_PARAM_U64_DEFAULT("c" #n "_broadcast", 0, 1, 1,           \
				       "1: it receives broadcast"),            \
		SDVF_PARAM_U64_DEFAULT("c" #n "_multicast", 0, 1, 0,           \
				       "1: it receives multicast"),            \
		SDVF_PARAM_U64_DEFAULT("c" #n "_switch_to", 0, 255, 0,         \
				       "clients its frames may be switched "   \
				       "to, a bitmask of indices")

static const struct sdvf_param rx_mux_params[] = {
	SDVF_PARAM_POW2_DEFAULT("rx_capacity", 1, 65536, 512,
				"slots of the driver's rx_free and rx_active"),
	SDVF_PARAM_POW2_DEFAULT("client_capacity", 1, 65536, 512,
				"slots of each client's rx_active and rx_free"),
	SDVF_PARAM_POW2_DEFAULT("sw_capacity", 1, RXM_SW_MAX, 64,
				"slots of sw_active and sw_free (switching)"),
	SDVF_PARAM_U64_DEFAULT("sw_reserve", 0, RXM_MAX_BUFS - 1, 4,
			       "DMA buffers kept for switched frames to "
			       "remap clients"),
	RXM_CLIENT_PARAMS(0),
	RXM_CLIENT_PARAMS(1),
	RXM_CLIENT_PARAMS(2),
	RXM_CLIENT_PARAMS(3),
	RXM_CLIENT_PARAMS(4),
	RXM_CLIENT_PARAMS(5),
	RXM_CLIENT_PARAMS(6),
	RXM_CLIENT_PARAMS(7),
	{0},
};

/* Every counter with its meaning, from the same lists: the mux's own, then
 * a block per client index. */
#define RXM_DOC(field, name, meaning) {name, meaning},
#define RXM_OWN_DOCS                                                           \
	RX_MUX_COUNTERS(RXM_DOC)                                               \
	SDVF_QUEUE_COUNTER_DOC("rx_free"),                                     \
		SDVF_QUEUE_COUNTER_DOC("rx_active"),                           \
		SDVF_QUEUE_COUNTER_DOC("sw_active"),                           \
		SDVF_QUEUE_COUNTER_DOC("sw_free")
#define RXM_CLIENT_DOC(n, field, name, meaning) {"c" #n "." name, meaning},
#define RXM_CLIENT_DOCS(n)                                                     \
	RX_MUX_CLIENT_COUNTERS(RXM_CLIENT_DOC, n){                             \
		"c" #n ".viol.*",                                              \
		"returns refused, by reason (core/ownership.h)"},              \
		SDVF_QUEUE_COUNTER_DOC("c" #n "_rx_active"),                   \
		SDVF_QUEUE_COUNTER_DOC("c" #n "_rx_free")
static const struct sdvf_counter_doc rx_mux_counters[] = {
	RXM_OWN_DOCS,	    RXM_CLIENT_DOCS(0),
	RXM_CLIENT_DOCS(1), RXM_CLIENT_DOCS(2),
	RXM_CLIENT_DOCS(3), RXM_CLIENT_DOCS(4),
	RXM_CLIENT_DOCS(5), RXM_CLIENT_DOCS(6),
	RXM_CLIENT_DOCS(7), {0},
};

const struct sdvf_component rx_mux_component = {
	.name = "rx_mux",
	.summary = "shares the driver's RX queues among clients by MAC",
	.role = SDVF_ROLE_MUX,
	.state_size = sizeof(struct rx_mux),
	.needs = rx_mux_needs,
	.params = rx_mux_params,
	.counters = rx_mux_counters,
	.init = rx_mux_init,
	.notified = rx_mux_notified,
	.peer_restart = rx_mux_peer_restart,
};
