/*
 * tx_mux: configuration, policy start-up and the component's declaration
 * (the data path and what the mux trusts: mux/tx_mux.c).
 *
 * Configuration (parameter table at the bottom), at most TXM_CLIENTS clients,
 * client N present if its cN_tx_active region is granted:
 *   policy, shaper       scheduler name (default rr), optional shaper name
 *   drv_capacity         slots of drv_tx_active and drv_tx_free
 *   client_capacity      slots of every cN_tx_active and cN_tx_free
 *   budget               descriptors taken from clients per activation
 *   cN_mac               client N's source MAC (required if present)
 *   cN_mode              "copy" (default) or "remap"
 *   cN_spoof_ok          1: any source MAC
 *   cN_weight, cN_priority, cN_min_share, cN_rate, cN_burst: the
 *                        policies' per-client keys (docs/policies.md)
 *   cN_switch_to         bitmask of the client indices client N's frames
 *                        may be switched to (its own bit and absent
 *                        clients ignored; rx_mux is given the same)
 *   sw_capacity          slots of sw_active and sw_free, and the most
 *                        sw_pool buffers used (rx_mux: the same)
 * Local switching is on when region sw_pool is granted; then queues
 * sw_active, sw_free and channel sw are required.
 *
 * Why this scheme: today's loader has one flat parameter table per
 * component and no per-client lists, so the table has one block of keys per
 * client index, made by one macro (TXM_CLIENT_PARAMS), and the policies'
 * per-client keys map onto cN_<key> in policy_u64.
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
#include "mux/tx_mux.h"
#include "policies/policy.h"

/* ---- configuration ---------------------------------------------------- */

static const char *const client_key_fmt[TXM_CLIENTS] = {
	"c0_", "c1_", "c2_", "c3_", "c4_", "c5_", "c6_", "c7_"};

/* "cN_" + key, or false if it does not fit. */
static bool client_key(char out[SDVF_COUNTER_NAME_BYTES], unsigned i,
		       const char *key)
{
	return sdvf_counter_name_join(out, client_key_fmt[i], key);
}

/* The policies' per-client keys this mux declares as cN_<key>. */
static const char *const policy_client_keys[] = {
	"weight", "priority", "min_share", "rate", "burst", NULL};

static uint64_t policy_u64(void *ctx, int client, const char *key)
{
	struct tx_mux *m = ctx;
	const struct sdvf_policy *p[2] = {m->sched_policy, m->shaper_policy};
	if (client >= 0) {
		for (const char *const *k = policy_client_keys; *k; k++) {
			char name[SDVF_COUNTER_NAME_BYTES];
			if (sdvf_str_equal(*k, key) &&
			    client_key(name, (unsigned)client, key))
				return sdvf_config_u64(m->pd, name);
		}
	}
	/* A key this mux does not declare: the policy's default. */
	for (int i = 0; i < 2; i++) {
		const struct sdvf_param *e =
			p[i] ? sdvf_policy_param(p[i], client >= 0, key) : NULL;
		if (e)
			return e->default_u64;
	}
	return 0;
}

/* ---- init ------------------------------------------------------------- */

static const char *const client_counter_names[] = {
#define TXM_NAME(n, id, name, meaning) "." #name,
	TXM_CLIENT_COUNTERS(TXM_NAME, 0)
#undef TXM_NAME
};
static const char *const mux_counter_names[] = {
#define TXM_NAME(id, name, meaning) #name,
	TXM_MUX_COUNTERS(TXM_NAME)
#undef TXM_NAME
};

static int client_init(struct tx_mux *m, unsigned i, uint64_t capacity)
{
	struct sdvf_pd *pd = m->pd;
	struct txm_client *c = &m->client[i];
	char key[SDVF_COUNTER_NAME_BYTES];
	client_key(key, i, "tx_active");
	if (!sdvf_region(pd, key))
		return 0; /* not present */
	c->present = true;
	m->nclients = i + 1;
	if (!sdvf_queue_attach_region(pd, &c->active, key, capacity))
		return -1;
	client_key(key, i, "tx_free");
	if (!sdvf_queue_attach_region(pd, &c->free, key, capacity))
		return -1;
	client_key(key, i, "mode");
	const char *mode = sdvf_config_str(pd, key);
	c->remap = mode && sdvf_str_equal(mode, "remap");
	if (mode && !c->remap && !sdvf_str_equal(mode, "copy")) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "tx_mux: %s = \"%s\": must be copy or remap", key,
			 mode);
		return -1;
	}
	client_key(key, i, "switch_to");
	c->switch_to = (uint32_t)sdvf_config_u64(pd, key) & ~(1u << i);
	client_key(key, i, "spoof_ok");
	c->spoof_ok = sdvf_config_u64(pd, key) != 0;
	client_key(key, i, "mac");
	size_t len = 0;
	const uint8_t *mac = sdvf_config_bytes(pd, key, &len);
	if (!mac || len != SDVF_NET_MAC_LEN) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "tx_mux: client %u: %s is required", i, key);
		return -1;
	}
	sdvf_copy(c->mac, mac, SDVF_NET_MAC_LEN);
	client_key(key, i, "tx_data");
	c->data = sdvf_region(pd, key);
	if (!c->data || c->data->size / SDVF_BUF_SIZE == 0 ||
	    (c->remap && !c->data->has_io)) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "tx_mux: client %u: region %s missing, smaller than "
			 "one buffer, or (remap) without an io address",
			 i, key);
		return -1;
	}
	/* Refused, not capped: the client sends from every buffer of its
	 * region, and those past the cap would all be rejected. */
	uint64_t nbufs = c->data->size / SDVF_BUF_SIZE;
	if (nbufs > TXM_CLIENT_BUFS) {
		sdvf_log(
			pd, SDVF_LOG_ERROR,
			"tx_mux: client %u: region %s holds %llu buffers, more "
			"than the %u a client may have",
			i, key, (unsigned long long)nbufs, TXM_CLIENT_BUFS);
		return -1;
	}
	sdvf_own_init(&c->own, c->owner, (uint32_t)nbufs, 0);
	for (uint32_t b = 0; b < nbufs; b++)
		sdvf_own_give(&c->own, (uint64_t)b * SDVF_BUF_SIZE,
			      SDVF_OWNER_SELF, OWNER_CLIENT);
	key[2] = '\0'; /* "cN" */
	c->ch = sdvf_channel(pd, key);
	for (unsigned k = 0; k < TXM_C_COUNT; k++) {
		char name[SDVF_COUNTER_NAME_BYTES];
		sdvf_counter_name_join(name, key, client_counter_names[k]);
		c->ctr[k] = sdvf_counter(pd, name);
	}
	sdvf_counter_set(c->ctr[TXM_C_IN_FLIGHT], 0);
	return 0;
}

static int pool_init(struct tx_mux *m)
{
	bool copy = false;
	for (unsigned i = 0; i < m->nclients; i++)
		copy |= m->client[i].present && !m->client[i].remap;
	const struct sdvf_region *r = sdvf_region(m->pd, "tx_pool");
	if (!copy && !r)
		return 0;
	if (!r || !r->has_io || r->size / SDVF_BUF_SIZE == 0) {
		sdvf_log(m->pd, SDVF_LOG_ERROR,
			 "tx_mux: copy clients need region tx_pool with an io "
			 "address and at least one buffer");
		return -1;
	}
	struct txm_pool *p = &m->pool;
	p->base = r->base;
	p->io = r->io_addr;
	uint64_t n = r->size / SDVF_BUF_SIZE;
	p->nbufs = (uint32_t)(n > TXM_POOL_MAX ? TXM_POOL_MAX : n);
	sdvf_own_init(&p->own, p->owner, p->nbufs, p->io);
	for (uint32_t b = 0; b < p->nbufs; b++) {
		p->client[b] = TXM_NOBODY;
		p->idle[p->nidle++] = p->nbufs - 1 - b;
	}
	return 0;
}

/* Local switching, if sw_pool is granted: the queues to and from rx_mux
 * and every sw_pool buffer idle here. */
static int switch_init(struct tx_mux *m)
{
	struct sdvf_pd *pd = m->pd;
	struct txm_switch *s = &m->sw;
	uint32_t present = 0, wanted = 0;
	for (unsigned i = 0; i < m->nclients; i++) {
		present |= (uint32_t)m->client[i].present << i;
		wanted |= m->client[i].switch_to;
	}
	const struct sdvf_region *pool = sdvf_region(pd, "sw_pool");
	uint64_t cap = sdvf_config_u64(pd, "sw_capacity");
	s->ch = sdvf_channel(pd, "sw");
	if (!pool) {
		if (!wanted)
			return 0;
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "tx_mux: a cN_switch_to is set: region sw_pool, "
			 "queues sw_active, sw_free and channel sw are needed");
		return -1;
	}
	if (s->ch == SDVF_CHANNEL_NONE || pool->size < SDVF_BUF_SIZE ||
	    !sdvf_queue_attach_region(pd, &s->active, "sw_active", cap) ||
	    !sdvf_queue_attach_region(pd, &s->free, "sw_free", cap)) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "tx_mux: switching needs channel sw, queues "
			 "sw_active, sw_free and a region sw_pool of at least "
			 "one 2 KiB buffer");
		return -1;
	}
	for (unsigned i = 0; i < m->nclients; i++)
		m->client[i].switch_to &= present;
	/* sw_active has a slot for every buffer: it looks full only if
	 * rx_mux's head lies. */
	uint64_t n = pool->size / SDVF_BUF_SIZE;
	n = n < cap ? n : cap;
	n = n < TXM_SW_MAX ? n : TXM_SW_MAX;
	s->base = pool->base;
	sdvf_own_init(&s->own, s->owner, (uint32_t)n, 0);
	for (uint32_t b = 0; b < n; b++)
		s->idle[s->nidle++] = (uint32_t)n - 1 - b;
	s->present = true;
	return 0;
}

/* Log the valid names of `kind`, as the one line for an unknown name. */
static int policy_unknown(struct sdvf_pd *pd, const char *key, const char *name,
			  enum sdvf_policy_kind kind)
{
	char valid[128];
	size_t n = 0;
	for (const struct sdvf_policy *const *p = sdvf_builtin_policies; *p;
	     p++) {
		if ((*p)->kind != kind)
			continue;
		for (const char *s = (*p)->name; *s && n + 2 < sizeof(valid);)
			valid[n++] = *s++;
		if (n + 2 < sizeof(valid))
			valid[n++] = ' ';
	}
	valid[n ? n - 1 : 0] = '\0';
	sdvf_log(pd, SDVF_LOG_ERROR, "tx_mux: %s = \"%s\": unknown; valid: %s",
		 key, name, valid);
	return -1;
}

static int policy_start(struct tx_mux *m, struct sdvf_policy_slot *slot,
			const char *key, const char *name,
			enum sdvf_policy_kind kind)
{
	const struct sdvf_policy *p = sdvf_policy_find(name);
	if (!p || p->kind != kind)
		return policy_unknown(m->pd, key, name, kind);
	if (kind == SDVF_POLICY_SCHEDULER)
		m->sched_policy = p;
	else
		m->shaper_policy = p;
	struct sdvf_policy_config cfg = {.nclients = m->nclients,
					 .now_ns = sdvf_now_ns(m->pd),
					 .u64 = policy_u64,
					 .ctx = m};
	struct sdvf_policy_fault f = {0};
	if (sdvf_policy_init(slot, p, &cfg, &f) == 0)
		return 0;
	sdvf_log(m->pd, SDVF_LOG_ERROR,
		 "tx_mux: policy %s: client %d: %s = %llu: %s", name, f.client,
		 f.key ? f.key : "-", (unsigned long long)f.value, f.why);
	return -1;
}

static int tx_mux_init(void *state, struct sdvf_pd *pd)
{
	struct tx_mux *m = state;
	m->pd = pd;
	m->budget = (uint32_t)sdvf_config_u64(pd, "budget");
	m->drv_ch = sdvf_channel(pd, "drv");
	uint64_t drv_cap = sdvf_config_u64(pd, "drv_capacity");
	if (!sdvf_queue_attach_region(pd, &m->drv_active, "drv_tx_active",
				      drv_cap) ||
	    !sdvf_queue_attach_region(pd, &m->drv_free, "drv_tx_free", drv_cap))
		return -1;
	uint64_t cap = sdvf_config_u64(pd, "client_capacity");
	for (unsigned i = 0; i < TXM_CLIENTS; i++)
		if (client_init(m, i, cap) < 0)
			return -1;
	if (m->nclients == 0) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "tx_mux: no client (region c0_tx_active .. "
			 "c7_tx_active granted)");
		return -1;
	}
	if (pool_init(m) < 0 || switch_init(m) < 0)
		return -1;
	for (unsigned k = 0; k < TXM_M_COUNT; k++)
		m->ctr[k] = sdvf_counter(pd, mux_counter_names[k]);
	sdvf_counter_set(m->ctr[POOL_IDLE], m->pool.nidle);
	sdvf_counter_set(m->ctr[SW_POOL_IDLE], m->sw.nidle);
	sdvf_counter_set(m->ctr[POOL_BUFS], m->pool.nbufs);
	const char *sched = sdvf_config_str(pd, "policy");
	if (policy_start(m, &m->sched, "policy", sched ? sched : "rr",
			 SDVF_POLICY_SCHEDULER) < 0)
		return -1;
	const char *shaper = sdvf_config_str(pd, "shaper");
	m->has_shaper = shaper != NULL;
	if (shaper && policy_start(m, &m->shaper, "shaper", shaper,
				   SDVF_POLICY_SHAPER) < 0)
		return -1;
	return 0;
}

/* ---- declaration ------------------------------------------------------ */

#define TXM_CLIENT_NEEDS(n)                                                    \
	SDVF_NEED_REGION_RW_OPTIONAL("c" #n "_tx_active"),                     \
		SDVF_NEED_REGION_RW_OPTIONAL("c" #n "_tx_free"),               \
		{.name = "c" #n "_tx_data",                                    \
		 .kind = SDVF_NEED_REGION,                                     \
		 .rights = SDVF_R,                                             \
		 .optional = true},                                            \
		SDVF_NEED_CHAN_OPTIONAL("c" #n)

static const struct sdvf_need tx_mux_needs[] = {
	SDVF_NEED_QUEUE("drv_tx_active"),
	SDVF_NEED_QUEUE("drv_tx_free"),
	SDVF_NEED_CHAN("drv"),
	SDVF_NEED_REGION_RW_OPTIONAL("tx_pool"),
	SDVF_NEED_REGION_RW_OPTIONAL("sw_pool"),
	SDVF_NEED_REGION_RW_OPTIONAL("sw_active"),
	SDVF_NEED_REGION_RW_OPTIONAL("sw_free"),
	SDVF_NEED_CHAN_OPTIONAL("sw"),
	TXM_CLIENT_NEEDS(0),
	TXM_CLIENT_NEEDS(1),
	TXM_CLIENT_NEEDS(2),
	TXM_CLIENT_NEEDS(3),
	TXM_CLIENT_NEEDS(4),
	TXM_CLIENT_NEEDS(5),
	TXM_CLIENT_NEEDS(6),
	TXM_CLIENT_NEEDS(7),
	{0}};

#define TXM_CLIENT_PARAMS(n)                                                   \
	{.name = "c" #n "_mac",                                                \
	 .type = SDVF_PARAM_MAC,                                               \
	 .help = "client " #n "'s source MAC (required if present)"},          \
		SDVF_PARAM_CHOICE("c" #n "_mode", 5, sdvf_net_mode_choice,     \
				  "copy (default) or remap"),                  \
		SDVF_PARAM_U64_DEFAULT("c" #n "_spoof_ok", 0, 1, 0,            \
				       "1: any source MAC"),                   \
		SDVF_PARAM_U64_DEFAULT("c" #n "_weight", 1, 1024, 1,           \
				       "drr weight"),                          \
		SDVF_PARAM_U64_DEFAULT("c" #n "_priority", 0, 255, 0,          \
				       "prio level, 0 first"),                 \
		SDVF_PARAM_U64_DEFAULT("c" #n "_min_share", 0, 1000, 0,        \
				       "prio share per mille"),                \
		SDVF_PARAM_U64_DEFAULT("c" #n "_rate", 0, 1000000000000ull, 0, \
				       "token_bucket bit/s (0: none)"),        \
		SDVF_PARAM_U64_DEFAULT("c" #n "_burst", SDVF_NET_FRAME_MAX,    \
				       1ull << 28, 32768,                      \
				       "token_bucket bytes"),                  \
		SDVF_PARAM_U64_DEFAULT("c" #n "_switch_to", 0, 255, 0,         \
				       "clients its frames may be switched "   \
				       "to, a bitmask of indices")

static const struct sdvf_param tx_mux_params[] = {
	SDVF_PARAM_CHOICE("policy", 31, sdvf_policy_scheduler_name,
			  "scheduler (default rr)"),
	SDVF_PARAM_CHOICE("shaper", 31, sdvf_policy_shaper_name,
			  "shaper (default none)"),
	SDVF_PARAM_CAPACITY("drv_capacity", 4096, "driver TX queue slots"),
	SDVF_PARAM_POW2_DEFAULT("client_capacity", 1, 4096, 64,
				"slots of each client TX queue"),
	SDVF_PARAM_U64_DEFAULT("budget", 1, 4096, 64,
			       "client descriptors per activation"),
	SDVF_PARAM_POW2_DEFAULT("sw_capacity", 1, TXM_SW_MAX, 64,
				"slots of sw_active and sw_free (switching)"),
	TXM_CLIENT_PARAMS(0),
	TXM_CLIENT_PARAMS(1),
	TXM_CLIENT_PARAMS(2),
	TXM_CLIENT_PARAMS(3),
	TXM_CLIENT_PARAMS(4),
	TXM_CLIENT_PARAMS(5),
	TXM_CLIENT_PARAMS(6),
	TXM_CLIENT_PARAMS(7),
	{0}};

/* Each client's counters under its own names, so `sdvf stats --explain`
 * finds every one. */
#define TXM_CLIENT_DOC(n, id, name, meaning) {"c" #n "." #name, meaning},
#define TXM_CLIENT_DOCS(n)                                                     \
	TXM_CLIENT_COUNTERS(TXM_CLIENT_DOC, n)                                 \
	SDVF_QUEUE_COUNTER_DOC("c" #n "_tx_active"),                           \
		SDVF_QUEUE_COUNTER_DOC("c" #n "_tx_free"),

static const struct sdvf_counter_doc tx_mux_counters[] = {
#define TXM_DOC(id, name, meaning) {#name, meaning},
	TXM_MUX_COUNTERS(TXM_DOC)
#undef TXM_DOC
		SDVF_QUEUE_COUNTER_DOC("drv_tx_active"),
	SDVF_QUEUE_COUNTER_DOC("drv_tx_free"),
	SDVF_QUEUE_COUNTER_DOC("sw_active"), SDVF_QUEUE_COUNTER_DOC("sw_free"),
	TXM_CLIENT_DOCS(0) TXM_CLIENT_DOCS(1) TXM_CLIENT_DOCS(2)
		TXM_CLIENT_DOCS(3) TXM_CLIENT_DOCS(4) TXM_CLIENT_DOCS(5)
			TXM_CLIENT_DOCS(6) TXM_CLIENT_DOCS(7){0}};

const struct sdvf_component tx_mux_component = {
	.name = "tx_mux",
	.summary = "TX mux: validates, copies or remaps, and schedules client "
		   "frames onto the driver",
	.role = SDVF_ROLE_MUX,
	.state_size = sizeof(struct tx_mux),
	.needs = tx_mux_needs,
	.params = tx_mux_params,
	.counters = tx_mux_counters,
	.init = tx_mux_init,
	.notified = tx_mux_notified,
	.peer_restart = tx_mux_peer_restart,
};
