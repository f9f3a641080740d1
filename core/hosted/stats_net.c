/*
 * The client table of `sdvf stats` (text format): for a system with muxes,
 * one row per client PD, then one line per mux.
 *
 *   CLIENT  RX-FRAMES RX-BYTES TX-FRAMES TX-BYTES DROPS TOP-DROP VIOL
 *           RX-HELD TX-HELD
 *   MUX     ACTIVATIONS NOTIFIES FRAMES BATCH-MEAN BATCH-MAX
 *
 * Which PDs are muxes: those whose component, as the launcher-written
 * header names it, has role SDVF_ROLE_MUX in this program's component
 * table; nothing a PD writes in its slot makes it one.  Which PD is a
 * mux's client N: the PD at the other end of the mux's channel "cN" (the
 * header's links); with none known the row is "MUX:cN".  What a mux counts
 * for client N is read by name, the convention of mux/rx_mux.c and
 * mux/tx_mux.h: "cN.<name>" and its queue counters "cN_<queue>.bad_index".
 *   rx_frames rx_bytes tx_frames tx_bytes  summed over the muxes
 *   drop.<reason> sw_drop* tx_errors       DROPS; TOP-DROP the largest
 *   drv_rejected
 *   viol.<kind> rej_<kind> *.bad_index     VIOL (kinds: --client NAME)
 *   in_flight                              RX-HELD at a mux counting
 *                                          rx_frames, else TX-HELD at one
 *                                          counting tx_frames
 * A mux line: its runtime activations and notifications; FRAMES, its own
 * "rx_frames" if it has one, else its clients' frames; BATCH-MEAN, FRAMES
 * per "batches" if it counts them, else per activation; BATCH-MAX, its
 * "batch_max".  A value no counter gave prints "-".
 *
 * Trust: only a private copy of the file is read (stats_print.c).  Names
 * come through the checked reader of core/hosted/counters.c, client
 * indices parsed from them are bounded, link entries are checked against
 * npds, and sums saturate: a mux's slot can at worst misstate its own
 * clients' rows.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/hosted/stats_reader.h"
#include "core/pd_queue.h"

#define LOAD(x) atomic_load_explicit(&(x), memory_order_relaxed)

#define NET_CLIENT_MAX 64u  /* client indices taken from names: c0..c63 */
#define NET_UNNAMED_MAX 32u /* rows of clients whose PD is not known */

enum net_col {
	RX_FRAMES,
	RX_BYTES,
	TX_FRAMES,
	TX_BYTES,
	DROPS,
	VIOL,
	RX_HELD,
	TX_HELD,
	NET_COLS
};

struct net_row {
	int pd;		 /* the client PD, or -1: not known */
	int mux;	 /* pd -1: the mux ... */
	unsigned client; /* ... and its index for this client */
	bool used;
	bool has[NET_COLS]; /* a counter gave the column a value */
	uint64_t v[NET_COLS];
	char top_drop[SDVF_COUNTER_NAME_MAX];
	uint64_t top_drop_value;
};

struct net_table {
	const struct sdvf_stats_header *h;
	struct net_row by_pd[SDVF_MAX_PDS];
	struct net_row unnamed[NET_UNNAMED_MAX];
	unsigned nunnamed;
	int width; /* of the name column */
};

/* One mux while its counters are read. */
struct net_mux {
	int pd;
	bool rx, tx;	 /* counts rx_frames / tx_frames for a client */
	uint64_t frames; /* its clients' rx_frames and tx_frames */
	bool looked[NET_CLIENT_MAX];
	struct net_row *row[NET_CLIENT_MAX];
};

static const struct sdvf_stats_slot *slot_of(const struct sdvf_stats_header *h,
					     int pd)
{
	return sdvf_stats_slot_of((struct sdvf_stats_header *)h, pd);
}

static const struct sdvf_component *
component_of(const struct sdvf_stats_header *h,
	     const struct sdvf_component *const *table, int pd)
{
	char comp[SDVF_NAME_MAX];
	sdvf_stats_safe_name(comp, h->pd[pd].component);
	return table ? sdvf_component_find(table, comp) : NULL;
}

static bool is_mux(const struct sdvf_stats_header *h,
		   const struct sdvf_component *const *table, int pd)
{
	const struct sdvf_component *c = component_of(h, table, pd);
	return c && c->role == SDVF_ROLE_MUX;
}

/* "cN" then `sep`: N (< NET_CLIENT_MAX, no leading zero) and what follows
 * the separator; false if `name` is not so. */
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
		if (v >= NET_CLIENT_MAX)
			return false;
	}
	if (*p != sep)
		return false;
	*n = v;
	*rest = sep ? p + 1 : p;
	return true;
}

/* The PD at the other end of mux's channel "cN", or -1. */
static int client_pd(const struct sdvf_stats_header *h, int mux, unsigned n)
{
	uint32_t nlinks = h->nlinks < SDVF_STATS_LINKS_MAX
				  ? h->nlinks
				  : SDVF_STATS_LINKS_MAX;
	for (uint32_t i = 0; i < nlinks; i++) {
		const struct sdvf_stats_link *l = &h->link[i];
		char local[SDVF_NAME_MAX];
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
static struct net_row *row_of(struct net_table *t, struct net_mux *m,
			      unsigned n)
{
	if (m->looked[n])
		return m->row[n];
	m->looked[n] = true;
	int pd = client_pd(t->h, m->pd, n);
	struct net_row *r = NULL;
	if (pd >= 0)
		r = &t->by_pd[pd];
	else if (t->nunnamed < NET_UNNAMED_MAX)
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

static void add(struct net_row *r, enum net_col col, uint64_t v)
{
	r->has[col] = true;
	r->v[col] = sum(r->v[col], v);
}

static void add_drop(struct net_row *r, const char *reason, uint64_t v)
{
	add(r, DROPS, v);
	if (v > r->top_drop_value) {
		r->top_drop_value = v;
		snprintf(r->top_drop, sizeof(r->top_drop), "%s", reason);
	}
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t len = strlen(s), slen = strlen(suffix);
	return len >= slen && strcmp(s + len - slen, suffix) == 0;
}

/* Whether per-client counter `rest` counts dropped frames, and the reason
 * TOP-DROP names: what follows "drop.", or the whole name of a local
 * switching drop ("sw_drop...") or a frame the driver did not send. */
static bool is_drop(const char *rest, const char **reason)
{
	*reason = rest;
	if (starts_with(rest, "drop.") && rest[5]) {
		*reason = rest + 5;
		return true;
	}
	return starts_with(rest, "sw_drop") || strcmp(rest, "tx_errors") == 0 ||
	       strcmp(rest, "drv_rejected") == 0;
}

/* Counter `rest` of client "cN." (queue: of "cN_"), value v, into r. */
static void count_into(struct net_row *r, const struct net_mux *m,
		       const char *rest, bool queue, uint64_t v)
{
	static const struct {
		const char *name;
		enum net_col col;
	} traffic[] = {{"rx_frames", RX_FRAMES},
		       {"rx_bytes", RX_BYTES},
		       {"tx_frames", TX_FRAMES},
		       {"tx_bytes", TX_BYTES}};
	if (queue) {
		if (ends_with(rest, SDVF_QUEUE_BAD_INDEX_SUFFIX))
			add(r, VIOL, v);
		return;
	}
	for (size_t i = 0; i < sizeof(traffic) / sizeof(traffic[0]); i++) {
		if (strcmp(rest, traffic[i].name) == 0)
			add(r, traffic[i].col, v);
	}
	const char *reason;
	if (strcmp(rest, "in_flight") == 0 && (m->rx || m->tx))
		add(r, m->rx ? RX_HELD : TX_HELD, v);
	else if (is_drop(rest, &reason))
		add_drop(r, reason, v);
	else if (starts_with(rest, "viol.") || starts_with(rest, "rej_"))
		add(r, VIOL, v);
}

/* Client index and the rest of counter `name`: "cN.rest" or, queue set,
 * "cN_rest". */
static bool client_counter(const char *name, unsigned *n, const char **rest,
			   bool *queue)
{
	*queue = false;
	if (client_prefix(name, '.', n, rest))
		return **rest != '\0';
	*queue = true;
	return client_prefix(name, '_', n, rest) && **rest != '\0';
}

static void read_mux(struct net_table *t, struct net_mux *m)
{
	const struct sdvf_counter_table *ct = &slot_of(t->h, m->pd)->counters;
	uint32_t count = sdvf_counter_count(ct);
	char name[SDVF_COUNTER_NAME_MAX];
	const char *rest;
	unsigned n;
	bool queue;
	for (uint32_t i = 0; i < count; i++) {
		if (!sdvf_counter_read_name(ct, i, name) ||
		    !client_counter(name, &n, &rest, &queue) || queue)
			continue;
		m->rx |= strcmp(rest, "rx_frames") == 0;
		m->tx |= strcmp(rest, "tx_frames") == 0;
	}
	for (uint32_t i = 0; i < count; i++) {
		struct net_row *r;
		if (!sdvf_counter_read_name(ct, i, name) ||
		    !client_counter(name, &n, &rest, &queue) ||
		    !(r = row_of(t, m, n)))
			continue;
		uint64_t v = LOAD(ct->value[i]);
		count_into(r, m, rest, queue, v);
		if (!queue && (strcmp(rest, "rx_frames") == 0 ||
			       strcmp(rest, "tx_frames") == 0))
			m->frames = sum(m->frames, v);
	}
	/* a client on a channel "cN" that no counter names yet */
	uint32_t nlinks = t->h->nlinks < SDVF_STATS_LINKS_MAX
				  ? t->h->nlinks
				  : SDVF_STATS_LINKS_MAX;
	for (uint32_t i = 0; i < nlinks; i++) {
		char local[SDVF_NAME_MAX];
		sdvf_stats_safe_name(local, t->h->link[i].local);
		if (t->h->link[i].pd == m->pd &&
		    client_prefix(local, '\0', &n, &rest))
			row_of(t, m, n);
	}
}

/* ---- printing --------------------------------------------------------- */

static const char *num(char buf[24], bool has, uint64_t v)
{
	if (has)
		snprintf(buf, 24, "%llu", (unsigned long long)v);
	else
		snprintf(buf, 24, "-");
	return buf;
}

static void row_name(const struct net_table *t, const struct net_row *r,
		     char *out, size_t size)
{
	char name[SDVF_NAME_MAX];
	sdvf_stats_safe_name(name, t->h->pd[r->pd >= 0 ? r->pd : r->mux].name);
	if (r->pd >= 0)
		snprintf(out, size, "%s", name);
	else
		snprintf(out, size, "%s:c%u", name, r->client);
}

static void print_row(const struct net_table *t, const struct net_row *r,
		      FILE *out)
{
	char name[SDVF_NAME_MAX + 8], b[NET_COLS][24];
	row_name(t, r, name, sizeof(name));
	for (int c = 0; c < NET_COLS; c++)
		num(b[c], r->has[c], r->v[c]);
	fprintf(out, "  %-*s %10s %12s %10s %12s %9s %-16s %9s %7s %7s\n",
		t->width, name, b[RX_FRAMES], b[RX_BYTES], b[TX_FRAMES],
		b[TX_BYTES], b[DROPS], r->top_drop[0] ? r->top_drop : "-",
		b[VIOL], b[RX_HELD], b[TX_HELD]);
}

/* A counter of mux's own (no client prefix), if it publishes it. */
static bool mux_counter(const struct sdvf_stats_slot *s, const char *name,
			uint64_t *v)
{
	int i = sdvf_counter_find(&s->counters, name);
	if (i >= 0)
		*v = LOAD(s->counters.value[i]);
	return i >= 0;
}

static void print_mux(const struct net_table *t, const struct net_mux *m,
		      FILE *out)
{
	const struct sdvf_stats_slot *s = slot_of(t->h, m->pd);
	uint64_t activations = LOAD(s->activations), frames = 0, batches,
		 batch_max = 0;
	char name[SDVF_NAME_MAX], b[4][24], mean[24] = "-";
	if (!mux_counter(s, "rx_frames", &frames))
		frames = m->frames;
	if (!mux_counter(s, "batches", &batches))
		batches = activations;
	bool has_max = mux_counter(s, "batch_max", &batch_max);
	if (batches)
		snprintf(mean, sizeof(mean), "%.1f",
			 (double)frames / (double)batches);
	sdvf_stats_safe_name(name, t->h->pd[m->pd].name);
	fprintf(out, "  %-*s %12s %10s %10s %10s %9s\n", t->width, name,
		num(b[0], true, activations),
		num(b[1], true, LOAD(s->notifications)),
		num(b[2], true, frames), mean, num(b[3], has_max, batch_max));
}

/* Every counter mux m keeps for client n, with its meaning. */
static void print_client_counters(const struct net_table *t,
				  const struct net_mux *m, unsigned n,
				  const struct sdvf_component *doc, FILE *out)
{
	const struct sdvf_counter_table *ct = &slot_of(t->h, m->pd)->counters;
	uint32_t count = sdvf_counter_count(ct);
	char name[SDVF_COUNTER_NAME_MAX], mux[SDVF_NAME_MAX];
	const char *rest;
	unsigned cn;
	bool queue;
	sdvf_stats_safe_name(mux, t->h->pd[m->pd].name);
	fprintf(out, "  counters of '%s' for its client c%u:\n", mux, n);
	for (uint32_t i = 0; i < count; i++) {
		if (!sdvf_counter_read_name(ct, i, name) ||
		    !client_counter(name, &cn, &rest, &queue) || cn != n)
			continue;
		const char *meaning = sdvf_stats_counter_meaning(doc, name);
		fprintf(out, "    %-31s = %-12llu %s\n", name,
			(unsigned long long)LOAD(ct->value[i]),
			meaning ? meaning : "");
	}
}

static void print_header(const struct net_table *t, FILE *out)
{
	fprintf(out, "  %-*s %10s %12s %10s %12s %9s %-16s %9s %7s %7s\n",
		t->width, "CLIENT", "RX-FRAMES", "RX-BYTES", "TX-FRAMES",
		"TX-BYTES", "DROPS", "TOP-DROP", "VIOL", "RX-HELD", "TX-HELD");
}

/* q->client: its row, then its counters at each mux. */
static int print_client(const struct net_table *t, const struct net_mux *mux,
			int nmux, const struct sdvf_stats_query *q, FILE *out)
{
	char name[SDVF_NAME_MAX];
	for (uint32_t pd = 0; pd < t->h->npds; pd++) {
		const struct net_row *r = &t->by_pd[pd];
		sdvf_stats_safe_name(name, t->h->pd[pd].name);
		if (!r->used || strcmp(name, q->client) != 0)
			continue;
		print_header(t, out);
		print_row(t, r, out);
		for (int i = 0; i < nmux; i++) {
			for (unsigned n = 0; n < NET_CLIENT_MAX; n++) {
				if (mux[i].row[n] == r)
					print_client_counters(
						t, &mux[i], n,
						component_of(t->h,
							     q->components,
							     mux[i].pd),
						out);
			}
		}
		return 1;
	}
	return 0;
}

int sdvf_stats_print_net(FILE *out, const struct sdvf_stats_header *h,
			 const struct sdvf_stats_query *q)
{
	/* an unnamed client's row is "MUX:cNN" */
	struct net_table t = {.h = h, .width = sdvf_stats_name_width(h, 4)};
	struct net_mux mux[SDVF_MAX_PDS];
	int nmux = 0, rows = 0;
	for (uint32_t pd = 0; pd < h->npds; pd++) {
		if (!is_mux(h, q->components, (int)pd))
			continue;
		mux[nmux] = (struct net_mux){.pd = (int)pd};
		read_mux(&t, &mux[nmux++]);
	}
	if (nmux == 0)
		return 0;
	if (q->client)
		return print_client(&t, mux, nmux, q, out);
	print_header(&t, out);
	for (uint32_t pd = 0; pd < h->npds; pd++) {
		if (t.by_pd[pd].used) {
			print_row(&t, &t.by_pd[pd], out);
			rows++;
		}
	}
	for (unsigned i = 0; i < t.nunnamed; i++, rows++)
		print_row(&t, &t.unnamed[i], out);
	fprintf(out, "  %-*s %12s %10s %10s %10s %9s\n", t.width, "MUX",
		"ACTIVATIONS", "NOTIFIES", "FRAMES", "BATCH-MEAN", "BATCH-MAX");
	for (int i = 0; i < nmux; i++)
		print_mux(&t, &mux[i], out);
	return rows;
}
