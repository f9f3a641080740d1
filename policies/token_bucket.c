/*
 * token_bucket: a shaper.  Each client with a rate gets a bucket of `burst`
 * bytes that fills at `rate` bits per second; a client is eligible only
 * while its bucket holds its whole head frame, and a frame sent empties the
 * bucket by its length.  The bucket never goes below zero, so in every
 * window of t ns a client sends at most burst + rate * t / 8e9 bytes, and
 * under saturation it sends at rate.  Clients with rate 0 (the default) are
 * not shaped.  Buckets start full.
 *
 * Tokens are counted in nanobits (a byte is 8e9 of them), so a bucket
 * fills by exactly `rate` per ns: no division and no rounding while
 * filling.  A bucket is filled lazily, when its client is asked about or
 * charged, from the time since it was last filled; a gap long enough to
 * fill it (fill_ns) fills it without multiplying, so hours of idling cannot
 * overflow.  Bounds: burst <= 2^28 bytes gives at most 2^28 * 8e9 < 2^61
 * nanobits, and rate * dt stays below that for dt < fill_ns.
 *
 * "Bytes" are what the mux charges: frame lengths without preamble,
 * inter-frame gap or FCS.  O(shaped ready clients) per admit, with one
 * division for each one held (its wake time).
 */
#include "policies/policy.h"

#define TB_NANOBITS_PER_BYTE 8000000000ull
#define TB_BURST_MAX (1ull << 28)
#define TB_RATE_MAX 1000000000000ull /* 1 Tbit/s */

struct tb_client {
	uint64_t rate;	 /* bits per second = nanobits per ns; 0: unshaped */
	uint64_t burst;	 /* bytes */
	uint64_t cap;	 /* burst in nanobits */
	uint64_t tokens; /* nanobits, 0..cap */
	uint64_t filled_ns;
	uint64_t fill_ns; /* an empty bucket is full after this long */
};

struct token_bucket {
	uint64_t shaped; /* clients with a rate */
	struct tb_client client[SDVF_POLICY_CLIENTS_MAX];
};

_Static_assert(sizeof(struct token_bucket) <= SDVF_POLICY_STATE_MAX,
	       "token_bucket fits a slot");

static const struct sdvf_param tb_client_params[] = {
	SDVF_PARAM_U64_DEFAULT("rate", 0, TB_RATE_MAX, 0,
			       "bits per second of frame bytes (0: not "
			       "shaped)"),
	SDVF_PARAM_U64_DEFAULT("burst", SDVF_NET_FRAME_MAX, TB_BURST_MAX, 32768,
			       "bytes the client may send at once after "
			       "idling (at least one largest frame)"),
	{0},
};

static int tb_init(void *state, const struct sdvf_policy_config *cfg,
		   struct sdvf_policy_fault *fault)
{
	struct token_bucket *tb = state;
	(void)fault;
	for (unsigned i = 0; i < cfg->nclients; i++) {
		struct tb_client *c = &tb->client[i];
		c->rate = cfg->u64(cfg->ctx, (int)i, "rate");
		if (!c->rate)
			continue;
		tb->shaped |= 1ull << i;
		c->burst = cfg->u64(cfg->ctx, (int)i, "burst");
		c->cap = c->burst * TB_NANOBITS_PER_BYTE;
		c->tokens = c->cap;
		c->filled_ns = cfg->now_ns;
		c->fill_ns = c->cap / c->rate + 1;
	}
	return 0;
}

static void tb_fill(struct tb_client *c, uint64_t now_ns)
{
	if (now_ns <= c->filled_ns) /* no time, or the clock stepped back */
		return;
	uint64_t dt = now_ns - c->filled_ns;
	c->filled_ns = now_ns;
	if (dt >= c->fill_ns) {
		c->tokens = c->cap;
		return;
	}
	c->tokens += c->rate * dt; /* rate * dt <= cap: see fill_ns */
	if (c->tokens > c->cap)
		c->tokens = c->cap;
}

/* Nanobits a frame of `bytes` costs.  A frame longer than the bucket (the
 * burst parameter's minimum rules it out) costs a full bucket, so it waits
 * for one instead of forever. */
static uint64_t tb_cost(const struct tb_client *c, uint32_t bytes)
{
	return bytes >= c->burst ? c->cap : bytes * TB_NANOBITS_PER_BYTE;
}

static uint64_t tb_admit(void *state, const struct sdvf_policy_ready *ready,
			 uint64_t *wake_ns)
{
	struct token_bucket *tb = state;
	uint64_t eligible = ready->mask & ~tb->shaped;
	*wake_ns = 0;
	for (uint64_t m = ready->mask & tb->shaped; m; m &= m - 1) {
		unsigned i = sdvf_policy_lowest(m);
		struct tb_client *c = &tb->client[i];
		tb_fill(c, ready->now_ns);
		uint64_t cost = tb_cost(c, ready->head_len[i]);
		if (c->tokens >= cost) {
			eligible |= 1ull << i;
			continue;
		}
		/* The bucket holds cost this many ns after it was last filled
		 * (now, unless the clock stepped back), exactly. */
		uint64_t wait = (cost - c->tokens + c->rate - 1) / c->rate;
		uint64_t at = c->filled_ns > UINT64_MAX - wait
				      ? UINT64_MAX
				      : c->filled_ns + wait;
		if (!*wake_ns || at < *wake_ns)
			*wake_ns = at;
	}
	return eligible;
}

static void tb_charge(void *state, unsigned client, uint32_t bytes,
		      uint64_t now_ns)
{
	struct token_bucket *tb = state;
	struct tb_client *c = &tb->client[client];
	if (!(tb->shaped >> client & 1))
		return;
	tb_fill(c, now_ns);
	uint64_t cost = tb_cost(c, bytes);
	c->tokens = c->tokens > cost ? c->tokens - cost : 0;
}

const struct sdvf_policy token_bucket_policy = {
	.name = "token_bucket",
	.summary = "per-client rate and burst limit (a shaper)",
	.kind = SDVF_POLICY_SHAPER,
	.state_size = sizeof(struct token_bucket),
	.client_params = tb_client_params,
	.init = tb_init,
	.admit = tb_admit,
	.charge = tb_charge,
};
