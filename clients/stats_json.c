/*
 * /stats.json from a stats file (contract and trust: clients/stats_json.h).
 * Data flows top to bottom: check the header, then the PDs, the client
 * table, the muxes; every value goes through the bounded writer below.
 */
#include "clients/stats_json.h"
#include "core/bytes.h"

/* ---- the bounded writer ------------------------------------------------ */

struct json_out {
	char *buf;
	size_t cap;
	size_t limit; /* cap - STATS_JSON_RESERVE: where values must stop */
	size_t len;
	bool full; /* a write did not fit: the element being written is lost */
};

static void put_raw(struct json_out *o, const char *s)
{
	for (; *s; s++) {
		if (o->len + 1 >= o->limit) {
			o->full = true;
			return;
		}
		o->buf[o->len++] = *s;
	}
}

/* The text between and after the sections: written even into the
 * reserve, which holds all of it (at most 44 bytes with the NUL). */
static void put_struct(struct json_out *o, const char *s)
{
	for (; *s && o->len + 1 < o->cap; s++)
		o->buf[o->len++] = *s;
}

static void put_u64(struct json_out *o, uint64_t v)
{
	char digits[21];
	int n = 0;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	char text[21];
	for (int i = 0; i < n; i++)
		text[i] = digits[n - 1 - i];
	text[n] = '\0';
	put_raw(o, text);
}

static void put_i64(struct json_out *o, int64_t v)
{
	if (v < 0) {
		put_raw(o, "-");
		put_u64(o, (uint64_t)0 - (uint64_t)v);
	} else {
		put_u64(o, (uint64_t)v);
	}
}

/* A JSON string of `s`: quote, backslash and control characters escaped
 * (safe names hold neither blanks nor controls, but '"' and '\' may
 * appear). */
static void put_str(struct json_out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	put_raw(o, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[7] = {'\\', (char)c, 0};
		if (c == '"' || c == '\\') {
			put_raw(o, esc);
		} else if (c < 0x20 || c >= 0x7f) {
			char u[7] = {'\\',	  'u',	       '0', '0',
				     hex[c >> 4], hex[c & 15], 0};
			put_raw(o, u);
		} else {
			char one[2] = {(char)c, 0};
			put_raw(o, one);
		}
	}
	put_raw(o, "\"");
}

static void put_key(struct json_out *o, const char *key)
{
	put_str(o, key);
	put_raw(o, ":");
}

static void put_field_u64(struct json_out *o, const char *key, uint64_t v)
{
	put_raw(o, ",");
	put_key(o, key);
	put_u64(o, v);
}

/* One element of an array: written whole or not at all.  element_end
 * returns false if it did not fit (it is taken back: stop adding). */
static size_t element_begin(struct json_out *o, bool first)
{
	size_t mark = o->len;
	if (!first)
		put_raw(o, ",");
	return mark;
}

static bool element_end(struct json_out *o, size_t mark)
{
	if (!o->full)
		return true;
	o->len = mark;
	return false;
}

/* ---- the file ---------------------------------------------------------- */

static const char *state_name(uint32_t state)
{
	switch (state) {
	case SDVF_PD_STARTING:
		return "starting";
	case SDVF_PD_RUNNING:
		return "running";
	case SDVF_PD_DOWN:
		return "down";
	case SDVF_PD_STOPPED:
		return "stopped";
	}
	return "?";
}

/* The component counters of one slot, as an object. */
static void put_counters(struct json_out *o, const struct sdvf_stats_slot *s,
			 uint32_t *unreadable)
{
	const struct sdvf_counter_table *t = &s->counters;
	uint32_t count = sdvf_counter_count(t);
	char name[SDVF_COUNTER_NAME_MAX];
	bool first = true;
	*unreadable = 0;
	put_raw(o, "{");
	for (uint32_t i = 0; i < count; i++) {
		if (!sdvf_counter_read_name(t, i, name)) {
			(*unreadable)++;
			continue;
		}
		if (!first)
			put_raw(o, ",");
		put_key(o, name);
		put_u64(o, SDVF_STATS_LOAD(t->value[i]));
		first = false;
	}
	put_raw(o, "}");
}

static void put_pd(struct json_out *o, const struct sdvf_stats_header *h,
		   uint32_t i)
{
	const struct sdvf_stats_pd *p = &h->pd[i];
	const struct sdvf_stats_slot *s = sdvf_stats_slot_at(h, i);
	char name[SDVF_STATS_NAME_BYTES];
	uint32_t unreadable;
	put_raw(o, "{");
	sdvf_stats_safe_name(name, p->name);
	put_key(o, "name");
	put_str(o, name);
	sdvf_stats_safe_name(name, p->component);
	put_raw(o, ",");
	put_key(o, "component");
	put_str(o, name);
	put_raw(o, ",");
	put_key(o, "state");
	put_str(o, state_name(SDVF_STATS_LOAD(p->state)));
	put_raw(o, ",");
	put_key(o, "pid");
	put_i64(o, SDVF_STATS_LOAD(p->pid));
	put_field_u64(o, "restarts", SDVF_STATS_LOAD(p->restarts));
	put_field_u64(o, "activations", SDVF_STATS_LOAD(s->activations));
	put_field_u64(o, "notifications", SDVF_STATS_LOAD(s->notifications));
	put_raw(o, ",");
	put_key(o, "counters");
	put_counters(o, s, &unreadable);
	put_field_u64(o, "counters_unreadable", unreadable);
	put_raw(o, "}");
}

static void put_col(struct json_out *o, const char *key,
		    const struct sdvf_stats_row *r, enum sdvf_stats_col col)
{
	put_raw(o, ",");
	put_key(o, key);
	if (r->has[col])
		put_u64(o, r->v[col]);
	else
		put_raw(o, "null");
}

static void put_row(struct json_out *o, const struct sdvf_stats_header *h,
		    const struct sdvf_stats_row *r)
{
	char name[SDVF_STATS_NAME_BYTES];
	sdvf_stats_safe_name(name, h->pd[r->pd >= 0 ? r->pd : r->mux].name);
	put_raw(o, "{");
	put_key(o, "name");
	put_str(o, name);
	if (r->pd < 0) { /* the mux's name and the client's index */
		put_field_u64(o, "mux_client", r->client);
	}
	put_col(o, "rx_frames", r, SDVF_COL_RX_FRAMES);
	put_col(o, "rx_bytes", r, SDVF_COL_RX_BYTES);
	put_col(o, "tx_frames", r, SDVF_COL_TX_FRAMES);
	put_col(o, "tx_bytes", r, SDVF_COL_TX_BYTES);
	put_col(o, "drops", r, SDVF_COL_DROPS);
	put_raw(o, ",");
	put_key(o, "top_drop");
	if (r->top_drop[0])
		put_str(o, r->top_drop);
	else
		put_raw(o, "null");
	put_col(o, "violations", r, SDVF_COL_VIOL);
	put_col(o, "rx_held", r, SDVF_COL_RX_HELD);
	put_col(o, "tx_held", r, SDVF_COL_TX_HELD);
	put_raw(o, "}");
}

static void put_mux(struct json_out *o, const struct sdvf_stats_header *h,
		    const struct sdvf_stats_mux *m)
{
	const struct sdvf_stats_slot *s =
		sdvf_stats_slot_at(h, (uint32_t)m->pd);
	char name[SDVF_STATS_NAME_BYTES];
	uint64_t frames;
	if (!sdvf_stats_own_counter(s, "rx_frames", &frames))
		frames = m->frames;
	sdvf_stats_safe_name(name, h->pd[m->pd].name);
	put_raw(o, "{");
	put_key(o, "name");
	put_str(o, name);
	put_field_u64(o, "activations", SDVF_STATS_LOAD(s->activations));
	put_field_u64(o, "notifications", SDVF_STATS_LOAD(s->notifications));
	put_field_u64(o, "frames", frames);
	put_raw(o, "}");
}

static bool is_mux(const char *component, const void *arg)
{
	(void)arg;
	return sdvf_str_equal(component, "rx_mux") ||
	       sdvf_str_equal(component, "tx_mux");
}

/* The elements of "pds"; false if some PD was left out. */
static bool put_pds(struct json_out *o, const struct sdvf_stats_header *h)
{
	for (uint32_t i = 0; i < h->npds; i++) {
		size_t mark = element_begin(o, i == 0);
		put_pd(o, h, i);
		if (!element_end(o, mark))
			return false;
	}
	return true;
}

static bool put_clients(struct json_out *o, struct sdvf_stats_clients *t)
{
	const struct sdvf_stats_header *h = t->h;
	bool first = true;
	for (uint32_t pd = 0; pd < h->npds + t->nunnamed; pd++) {
		const struct sdvf_stats_row *r =
			pd < h->npds ? &t->by_pd[pd]
				     : &t->unnamed[pd - h->npds];
		if (!r->used)
			continue;
		size_t mark = element_begin(o, first);
		put_row(o, h, r);
		if (!element_end(o, mark))
			return false;
		first = false;
	}
	return true;
}

static bool put_muxes(struct json_out *o, const struct sdvf_stats_clients *t)
{
	for (int i = 0; i < t->nmux; i++) {
		size_t mark = element_begin(o, i == 0);
		put_mux(o, t->h, &t->mux[i]);
		if (!element_end(o, mark))
			return false;
	}
	return true;
}

static size_t finish(struct json_out *o, const char *closing)
{
	put_struct(o, closing);
	o->buf[o->len] = '\0';
	return o->len;
}

size_t stats_json_render(struct stats_json *sj, const void *file,
			 uint64_t bytes, char *out, size_t cap)
{
	struct json_out o = {.buf = out, .cap = cap};
	const struct sdvf_stats_header *h = file;
	char name[SDVF_STATS_NAME_BYTES];
	if (cap < STATS_JSON_MIN)
		return 0;
	o.limit = cap - STATS_JSON_RESERVE;
	const char *problem = "no stats file granted";
	if (file && bytes <= SIZE_MAX)
		problem = sdvf_stats_header_problem(h, (size_t)bytes);
	if (problem) {
		put_raw(&o, "{");
		put_key(&o, "error");
		put_str(&o, problem);
		return finish(&o, "}");
	}
	sdvf_stats_safe_name(name, h->system);
	put_raw(&o, "{");
	put_key(&o, "system");
	put_str(&o, name);
	put_raw(&o, ",");
	put_key(&o, "launcher_pid");
	put_i64(&o, h->launcher_pid);
	/* The first PD always fits a buffer big enough to be useful; the
	 * sections close whatever was left out (put_struct). */
	put_struct(&o, ",\"pds\":[");
	bool whole = put_pds(&o, h);
	o.full = false;
	sdvf_stats_clients_read(&sj->table, h, is_mux, 0);
	put_struct(&o, "],\"clients\":[");
	whole = put_clients(&o, &sj->table) && whole;
	o.full = false;
	put_struct(&o, "],\"muxes\":[");
	whole = put_muxes(&o, &sj->table) && whole;
	return finish(&o, whole ? "],\"truncated\":false}"
				: "],\"truncated\":true}");
}
