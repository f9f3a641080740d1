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
 * table.  The rows, and which counters go into which column, are
 * core/stats_clients.[ch] (shared with clients/stats_json.c).
 * A mux line: its runtime activations and notifications; FRAMES, its own
 * "rx_frames" if it has one, else its clients' frames; BATCH-MEAN, FRAMES
 * per "batches" if it counts them, else per activation; BATCH-MAX, its
 * "batch_max".  A value no counter gave prints "-".
 *
 * Trust: only a private copy of the file is read (stats_print.c), through
 * the checked readers of core/stats_file.h and core/stats_clients.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hosted/stats_reader.h"
#include "core/pd_queue.h"

#include "core/stats_clients.h"

#define LOAD(x) SDVF_STATS_LOAD(x)

static const struct sdvf_stats_slot *slot_of(const struct sdvf_stats_header *h,
					     int pd)
{
	return sdvf_stats_slot_at(h, (uint32_t)pd);
}

static const struct sdvf_component *
component_of(const struct sdvf_stats_header *h,
	     const struct sdvf_component *const *table, int pd)
{
	char comp[SDVF_NAME_MAX];
	sdvf_stats_safe_name(comp, h->pd[pd].component);
	return table ? sdvf_component_find(table, comp) : NULL;
}

static bool is_mux(const char *component, const void *arg)
{
	const struct sdvf_component *const *table = arg;
	const struct sdvf_component *c =
		table ? sdvf_component_find(table, component) : NULL;
	return c && c->role == SDVF_ROLE_MUX;
}

/* The table and the width of its name column. */
struct net_table {
	struct sdvf_stats_clients rows;
	const struct sdvf_stats_header *h;
	int width;
};

/* ---- printing --------------------------------------------------------- */

static const char *num(char buf[24], bool has, uint64_t v)
{
	if (has)
		snprintf(buf, 24, "%llu", (unsigned long long)v);
	else
		snprintf(buf, 24, "-");
	return buf;
}

static void row_name(const struct net_table *t, const struct sdvf_stats_row *r,
		     char *out, size_t size)
{
	char name[SDVF_NAME_MAX];
	sdvf_stats_safe_name(name, t->h->pd[r->pd >= 0 ? r->pd : r->mux].name);
	if (r->pd >= 0)
		snprintf(out, size, "%s", name);
	else
		snprintf(out, size, "%s:c%u", name, r->client);
}

static void print_row(const struct net_table *t, const struct sdvf_stats_row *r,
		      FILE *out)
{
	char name[SDVF_NAME_MAX + 8], b[SDVF_COLS][24];
	row_name(t, r, name, sizeof(name));
	for (int c = 0; c < SDVF_COLS; c++)
		num(b[c], r->has[c], r->v[c]);
	fprintf(out, "  %-*s %10s %12s %10s %12s %9s %-16s %9s %7s %7s\n",
		t->width, name, b[SDVF_COL_RX_FRAMES], b[SDVF_COL_RX_BYTES],
		b[SDVF_COL_TX_FRAMES], b[SDVF_COL_TX_BYTES], b[SDVF_COL_DROPS],
		r->top_drop[0] ? r->top_drop : "-", b[SDVF_COL_VIOL],
		b[SDVF_COL_RX_HELD], b[SDVF_COL_TX_HELD]);
}

static void print_mux(const struct net_table *t, const struct sdvf_stats_mux *m,
		      FILE *out)
{
	const struct sdvf_stats_slot *s = slot_of(t->h, m->pd);
	uint64_t activations = LOAD(s->activations), frames = 0, batches,
		 batch_max = 0;
	char name[SDVF_NAME_MAX], b[4][24], mean[24] = "-";
	if (!sdvf_stats_own_counter(s, "rx_frames", &frames))
		frames = m->frames;
	if (!sdvf_stats_own_counter(s, "batches", &batches))
		batches = activations;
	bool has_max = sdvf_stats_own_counter(s, "batch_max", &batch_max);
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
				  const struct sdvf_stats_mux *m, unsigned n,
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
		    !sdvf_stats_client_counter(name, &cn, &rest, &queue) ||
		    cn != n)
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
static int print_client(const struct net_table *t,
			const struct sdvf_stats_mux *mux, int nmux,
			const struct sdvf_stats_query *q, FILE *out)
{
	char name[SDVF_NAME_MAX];
	for (uint32_t pd = 0; pd < t->h->npds; pd++) {
		const struct sdvf_stats_row *r = &t->rows.by_pd[pd];
		sdvf_stats_safe_name(name, t->h->pd[pd].name);
		if (!r->used || strcmp(name, q->client) != 0)
			continue;
		print_header(t, out);
		print_row(t, r, out);
		for (int i = 0; i < nmux; i++) {
			for (unsigned n = 0; n < SDVF_STATS_CLIENT_MAX; n++) {
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
	struct net_table *t = calloc(1, sizeof(*t));
	int rows = 0;
	if (!t)
		return 0;
	t->h = h;
	t->width = sdvf_stats_name_width(h, 4);
	int nmux = sdvf_stats_clients_read(&t->rows, h, is_mux, q->components);
	const struct sdvf_stats_mux *mux = t->rows.mux;
	if (nmux > 0 && q->client) {
		rows = print_client(t, mux, nmux, q, out);
	} else if (nmux > 0) {
		print_header(t, out);
		for (uint32_t pd = 0; pd < h->npds; pd++) {
			if (t->rows.by_pd[pd].used) {
				print_row(t, &t->rows.by_pd[pd], out);
				rows++;
			}
		}
		for (unsigned i = 0; i < t->rows.nunnamed; i++, rows++)
			print_row(t, &t->rows.unnamed[i], out);
		fprintf(out, "  %-*s %12s %10s %10s %10s %9s\n", t->width,
			"MUX", "ACTIVATIONS", "NOTIFIES", "FRAMES",
			"BATCH-MEAN", "BATCH-MAX");
		for (int i = 0; i < nmux; i++)
			print_mux(t, &mux[i], out);
	}
	free(t);
	return rows;
}
