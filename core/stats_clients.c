/*
 * The muxes' per-client table of a stats file (contract:
 * core/stats_clients.h).  Portable.
 */
#include "core/stats_clients.h"
#include "core/bytes.h"
#include "core/pd_queue.h"

/* "cN" then `sep`: N (< SDVF_STATS_CLIENT_MAX, no leading zero) and what
 * follows the separator; false if `name` is not so. */
static bool client_prefix(const char *name, char sep, unsigned *n,
			  const char **rest)
{
	const char *p = name + 1;
	unsigned v = 0;
	if (name[0] != 'c' || *p < '0' || *p > '9' ||
	    (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v >= SDVF_STATS_CLIENT_MAX)
			return false;
	}
	if (*p != sep)
		return false;
	*n = v;
	*rest = sep ? p + 1 : p;
	return true;
}

bool sdvf_stats_client_counter(const char *name, unsigned *n, const char **rest,
			       bool *queue)
{
	*queue = false;
	if (client_prefix(name, '.', n, rest))
		return **rest != '\0';
	*queue = true;
	return client_prefix(name, '_', n, rest) && **rest != '\0';
}

bool sdvf_stats_own_counter(const struct sdvf_stats_slot *s, const char *name,
			    uint64_t *v)
{
	int i = sdvf_counter_find(&s->counters, name);
	if (i >= 0)
		*v = SDVF_STATS_LOAD(s->counters.value[i]);
	return i >= 0;
}

static uint32_t nlinks(const struct sdvf_stats_header *h)
{
	return h->nlinks < SDVF_STATS_LINKS_MAX ? h->nlinks
						: SDVF_STATS_LINKS_MAX;
}

/* The PD at the other end of mux's channel "cN", or -1. */
static int client_pd(const struct sdvf_stats_header *h, int mux, unsigned n)
{
	for (uint32_t i = 0; i < nlinks(h); i++) {
		const struct sdvf_stats_link *l = &h->link[i];
		char local[SDVF_STATS_NAME_BYTES];
		const char *rest;
		unsigned ln;
		sdvf_stats_safe_name(local, l->local);
		if (l->pd == mux && client_prefix(local, '\0', &ln, &rest) &&
		    ln == n && l->peer < h->npds && l->peer != mux)
			return l->peer;
	}
	return -1;
}

/* The row of mux's client n; NULL if there is no room for another
 * unnamed one. */
static struct sdvf_stats_row *row_of(struct sdvf_stats_clients *t,
				     struct sdvf_stats_mux *m, unsigned n)
{
	if (m->looked[n])
		return m->row[n];
	m->looked[n] = true;
	int pd = client_pd(t->h, m->pd, n);
	struct sdvf_stats_row *r = 0;
	if (pd >= 0)
		r = &t->by_pd[pd];
	else if (t->nunnamed < SDVF_STATS_UNNAMED_MAX)
		r = &t->unnamed[t->nunnamed++];
	if (r && !r->used) {
		r->used = true;
		r->pd = pd;
		r->mux = m->pd;
		r->client = n;
	}
	m->row[n] = r;
	return r;
}

static uint64_t sum(uint64_t a, uint64_t b)
{
	return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

static void add(struct sdvf_stats_row *r, enum sdvf_stats_col col, uint64_t v)
{
	r->has[col] = true;
	r->v[col] = sum(r->v[col], v);
}

static void add_drop(struct sdvf_stats_row *r, const char *reason, uint64_t v)
{
	add(r, SDVF_COL_DROPS, v);
	if (v > r->top_drop_value) {
		size_t i = 0;
		r->top_drop_value = v;
		for (; i < SDVF_COUNTER_NAME_MAX - 1 && reason[i]; i++)
			r->top_drop[i] = reason[i];
		r->top_drop[i] = '\0';
	}
}

static bool starts_with(const char *s, const char *prefix)
{
	while (*prefix && *s == *prefix) {
		s++;
		prefix++;
	}
	return *prefix == '\0';
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t len = 0, slen = 0;
	while (s[len])
		len++;
	while (suffix[slen])
		slen++;
	return len >= slen && sdvf_str_equal(s + len - slen, suffix);
}

/* Whether per-client counter `rest` counts dropped frames, and the reason
 * top_drop names: what follows "drop.", or the whole name of a local
 * switching drop ("sw_drop...") or a frame the driver did not send. */
static bool is_drop(const char *rest, const char **reason)
{
	*reason = rest;
	if (starts_with(rest, "drop.") && rest[5]) {
		*reason = rest + 5;
		return true;
	}
	return starts_with(rest, "sw_drop") ||
	       sdvf_str_equal(rest, "tx_errors") ||
	       sdvf_str_equal(rest, "drv_rejected");
}

/* Counter `rest` of client "cN." (queue: of "cN_"), value v, into r. */
static void count_into(struct sdvf_stats_row *r, const struct sdvf_stats_mux *m,
		       const char *rest, bool queue, uint64_t v)
{
	static const struct {
		const char *name;
		enum sdvf_stats_col col;
	} traffic[] = {{"rx_frames", SDVF_COL_RX_FRAMES},
		       {"rx_bytes", SDVF_COL_RX_BYTES},
		       {"tx_frames", SDVF_COL_TX_FRAMES},
		       {"tx_bytes", SDVF_COL_TX_BYTES}};
	if (queue) {
		if (ends_with(rest, SDVF_QUEUE_BAD_INDEX_SUFFIX))
			add(r, SDVF_COL_VIOL, v);
		return;
	}
	for (size_t i = 0; i < sizeof(traffic) / sizeof(traffic[0]); i++) {
		if (sdvf_str_equal(rest, traffic[i].name))
			add(r, traffic[i].col, v);
	}
	const char *reason;
	if (sdvf_str_equal(rest, "in_flight") && (m->rx || m->tx))
		add(r, m->rx ? SDVF_COL_RX_HELD : SDVF_COL_TX_HELD, v);
	else if (is_drop(rest, &reason))
		add_drop(r, reason, v);
	else if (starts_with(rest, "viol.") || starts_with(rest, "rej_"))
		add(r, SDVF_COL_VIOL, v);
}

static void read_mux(struct sdvf_stats_clients *t, struct sdvf_stats_mux *m)
{
	const struct sdvf_counter_table *ct =
		&sdvf_stats_slot_at(t->h, (uint32_t)m->pd)->counters;
	uint32_t count = sdvf_counter_count(ct);
	char name[SDVF_COUNTER_NAME_MAX];
	const char *rest;
	unsigned n;
	bool queue;
	for (uint32_t i = 0; i < count; i++) {
		if (!sdvf_counter_read_name(ct, i, name) ||
		    !sdvf_stats_client_counter(name, &n, &rest, &queue) ||
		    queue)
			continue;
		m->rx |= sdvf_str_equal(rest, "rx_frames");
		m->tx |= sdvf_str_equal(rest, "tx_frames");
	}
	for (uint32_t i = 0; i < count; i++) {
		struct sdvf_stats_row *r;
		if (!sdvf_counter_read_name(ct, i, name) ||
		    !sdvf_stats_client_counter(name, &n, &rest, &queue) ||
		    !(r = row_of(t, m, n)))
			continue;
		uint64_t v = SDVF_STATS_LOAD(ct->value[i]);
		count_into(r, m, rest, queue, v);
		if (!queue && (sdvf_str_equal(rest, "rx_frames") ||
			       sdvf_str_equal(rest, "tx_frames")))
			m->frames = sum(m->frames, v);
	}
	/* a client on a channel "cN" that no counter names yet */
	for (uint32_t i = 0; i < nlinks(t->h); i++) {
		char local[SDVF_STATS_NAME_BYTES];
		sdvf_stats_safe_name(local, t->h->link[i].local);
		if (t->h->link[i].pd == m->pd &&
		    client_prefix(local, '\0', &n, &rest))
			row_of(t, m, n);
	}
}

int sdvf_stats_clients_read(struct sdvf_stats_clients *t,
			    const struct sdvf_stats_header *h,
			    sdvf_stats_is_mux is_mux, const void *arg)
{
	char comp[SDVF_STATS_NAME_BYTES];
	*t = (struct sdvf_stats_clients){.h = h};
	for (uint32_t pd = 0; pd < h->npds; pd++) {
		sdvf_stats_safe_name(comp, h->pd[pd].component);
		if (!is_mux(comp, arg))
			continue;
		struct sdvf_stats_mux *m = &t->mux[t->nmux++];
		m->pd = (int)pd;
		read_mux(t, m);
	}
	return t->nmux;
}
