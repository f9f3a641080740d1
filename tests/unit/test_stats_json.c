/*
 * /stats.json from hand-built stats files (clients/stats_json.[ch]): the PDs
 * and the muxes' client table as `sdvf stats` shows them, refusals of files
 * that are not stats files, hostile slot contents, and the bound on the
 * output.  Every output is checked to be one complete JSON value by the
 * small validator below (RFC 8259 grammar, no extensions).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clients/stats_json.h"
#include "core/stats_file.h"

/* ---- a strict JSON validator ------------------------------------------- */

static bool json_value(const char **p, int depth);

static void json_ws(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static bool json_string(const char **p)
{
	if (**p != '"')
		return false;
	for ((*p)++; **p != '"'; (*p)++) {
		unsigned char c = (unsigned char)**p;
		if (c < 0x20)
			return false;
		if (c != '\\')
			continue;
		(*p)++;
		if (**p == 'u') {
			for (int i = 0; i < 4; i++) {
				(*p)++;
				if (!strchr("0123456789abcdefABCDEF", **p) ||
				    !**p)
					return false;
			}
		} else if (!**p || !strchr("\"\\/bfnrt", **p)) {
			return false;
		}
	}
	(*p)++;
	return true;
}

static bool json_number(const char **p)
{
	const char *start = *p;
	if (**p == '-')
		(*p)++;
	if (**p == '0')
		(*p)++;
	else if (**p >= '1' && **p <= '9')
		while (**p >= '0' && **p <= '9')
			(*p)++;
	else
		return false;
	return *p > start;
}

static bool json_members(const char **p, int depth, char open, char close)
{
	(*p)++;
	json_ws(p);
	if (**p == close) {
		(*p)++;
		return true;
	}
	for (;;) {
		json_ws(p);
		if (open == '{') {
			if (!json_string(p))
				return false;
			json_ws(p);
			if (*(*p)++ != ':')
				return false;
		}
		if (!json_value(p, depth + 1))
			return false;
		json_ws(p);
		if (**p == close) {
			(*p)++;
			return true;
		}
		if (*(*p)++ != ',')
			return false;
	}
}

static bool json_value(const char **p, int depth)
{
	json_ws(p);
	if (depth > 32)
		return false;
	switch (**p) {
	case '{':
		return json_members(p, depth, '{', '}');
	case '[':
		return json_members(p, depth, '[', ']');
	case '"':
		return json_string(p);
	case 't':
		return strncmp(*p, "true", 4) == 0 && (*p += 4);
	case 'f':
		return strncmp(*p, "false", 5) == 0 && (*p += 5);
	case 'n':
		return strncmp(*p, "null", 4) == 0 && (*p += 4);
	default:
		return json_number(p);
	}
}

static bool json_valid(const char *text)
{
	const char *p = text;
	if (!json_value(&p, 0))
		return false;
	json_ws(&p);
	return *p == '\0';
}

/* ---- hand-built stats files -------------------------------------------- */

enum { RXM, TXM, WEB, DB, NPDS };

struct file {
	struct sdvf_stats_header *h;
	size_t bytes;
};

static struct sdvf_stats_slot *slot(struct file *f, int pd)
{
	return (struct sdvf_stats_slot *)sdvf_stats_slot_at(f->h, (uint32_t)pd);
}

static void counter(struct file *f, int pd, const char *name, uint64_t v)
{
	struct sdvf_counter_table *t = &slot(f, pd)->counters;
	uint32_t i = atomic_load(&t->count);
	snprintf(t->name[i], SDVF_COUNTER_NAME_MAX, "%s", name);
	atomic_store(&t->value[i], v);
	atomic_store(&t->count, i + 1);
}

static void pd(struct file *f, int i, const char *name, const char *comp)
{
	snprintf(f->h->pd[i].name, SDVF_STATS_NAME_BYTES, "%s", name);
	snprintf(f->h->pd[i].component, SDVF_STATS_NAME_BYTES, "%s", comp);
	atomic_store(&f->h->pd[i].state, SDVF_PD_RUNNING);
	atomic_store(&f->h->pd[i].pid, 100 + i);
}

static void link_end(struct file *f, int from, int to, const char *local)
{
	struct sdvf_stats_link *l = &f->h->link[f->h->nlinks++];
	l->pd = (uint8_t)from;
	l->peer = (uint8_t)to;
	snprintf(l->local, SDVF_STATS_NAME_BYTES, "%s", local);
}

/* Two muxes and two clients: web is c0 of both, db c1 of the RX mux. */
static struct file build(void)
{
	struct file f = {.bytes = sdvf_stats_file_bytes(NPDS)};
	f.h = aligned_alloc(4096, f.bytes);
	assert_non_null(f.h);
	memset(f.h, 0, f.bytes);
	f.h->magic = SDVF_STATS_MAGIC;
	f.h->version = SDVF_STATS_VERSION;
	f.h->header_bytes = SDVF_STATS_HEADER_BYTES;
	f.h->slot_bytes = SDVF_STATS_SLOT_BYTES;
	f.h->npds = NPDS;
	f.h->launcher_pid = 42;
	snprintf(f.h->system, SDVF_STATS_NAME_BYTES, "demo");
	pd(&f, RXM, "net_rx_mux", "rx_mux");
	pd(&f, TXM, "net_tx_mux", "tx_mux");
	pd(&f, WEB, "web", "raw_responder");
	pd(&f, DB, "db", "raw_responder");
	atomic_store(&f.h->pd[DB].restarts, 3);
	link_end(&f, RXM, WEB, "c0");
	link_end(&f, WEB, RXM, "rx");
	link_end(&f, RXM, DB, "c1");
	link_end(&f, TXM, WEB, "c0");
	counter(&f, RXM, "c0.rx_frames", 5);
	counter(&f, RXM, "c0.rx_bytes", 300);
	counter(&f, RXM, "c0.drop.cap", 2);
	counter(&f, RXM, "c0.in_flight", 1);
	counter(&f, RXM, "c1.rx_frames", 9);
	counter(&f, TXM, "c0.tx_frames", 7);
	counter(&f, TXM, "c0.tx_bytes", 700);
	counter(&f, TXM, "c0.viol.not_owner", 1);
	counter(&f, WEB, "arp_replies", 4);
	atomic_store(&slot(&f, WEB)->activations, 11);
	return f;
}

static char out[1 << 20];

static const char *render(struct file *f, size_t cap)
{
	static struct stats_json sj;
	size_t len = stats_json_render(&sj, f->h, f->bytes, out, cap);
	assert_true(len > 0 && len < cap);
	assert_int_equal(strlen(out), len);
	if (!json_valid(out))
		fail_msg("not valid JSON (%zu bytes): %s", len, out);
	return out;
}

static void has(const char *json, const char *part)
{
	if (!strstr(json, part))
		fail_msg("missing %s in %s", part, json);
}

/* ---- tests ------------------------------------------------------------- */

static void
renders_each_pd_with_its_runtime_and_component_counters(void **unused)
{
	(void)unused;
	struct file f = build();
	const char *j = render(&f, sizeof(out));
	has(j, "{\"system\":\"demo\",\"launcher_pid\":42,\"pds\":[");
	has(j, "{\"name\":\"web\",\"component\":\"raw_responder\","
	       "\"state\":\"running\",\"pid\":102,\"restarts\":0,"
	       "\"activations\":11,\"notifications\":0,"
	       "\"counters\":{\"arp_replies\":4},\"counters_unreadable\":0}");
	has(j, "\"name\":\"db\",\"component\":\"raw_responder\","
	       "\"state\":\"running\",\"pid\":103,\"restarts\":3");
	has(j, "\"truncated\":false}");
	free(f.h);
}

static void client_table_sums_both_muxes_per_client_pd(void **unused)
{
	(void)unused;
	struct file f = build();
	const char *j = render(&f, sizeof(out));
	has(j, "\"clients\":[{\"name\":\"web\",\"rx_frames\":5,"
	       "\"rx_bytes\":300,\"tx_frames\":7,\"tx_bytes\":700,"
	       "\"drops\":2,\"top_drop\":\"cap\",\"violations\":1,"
	       "\"rx_held\":1,\"tx_held\":null}");
	has(j, "{\"name\":\"db\",\"rx_frames\":9,\"rx_bytes\":null,"
	       "\"tx_frames\":null");
	has(j, "\"muxes\":[{\"name\":\"net_rx_mux\",\"activations\":0,"
	       "\"notifications\":0,\"frames\":14},{\"name\":\"net_tx_mux\"");
	free(f.h);
}

static void a_client_no_link_names_is_its_mux_and_index(void **unused)
{
	(void)unused;
	struct file f = build();
	counter(&f, RXM, "c7.rx_frames", 1);
	const char *j = render(&f, sizeof(out));
	has(j, "{\"name\":\"net_rx_mux\",\"mux_client\":7,\"rx_frames\":1");
	free(f.h);
}

static void a_file_of_another_version_or_size_is_an_error_object(void **unused)
{
	(void)unused;
	static struct stats_json sj;
	struct file f = build();
	stats_json_render(&sj, f.h, f.bytes - 4096, out, sizeof(out));
	assert_string_equal(out,
			    "{\"error\":\"not the size its header says\"}");
	f.h->npds = SDVF_STATS_PDS_MAX + 1;
	stats_json_render(&sj, f.h, f.bytes, out, sizeof(out));
	assert_string_equal(
		out,
		"{\"error\":\"not a stats file of this version of sdvf\"}");
	f.h->npds = NPDS;
	f.h->version++;
	stats_json_render(&sj, f.h, f.bytes, out, sizeof(out));
	assert_string_equal(
		out,
		"{\"error\":\"not a stats file of this version of sdvf\"}");
	stats_json_render(&sj, NULL, 0, out, sizeof(out));
	assert_string_equal(out, "{\"error\":\"no stats file granted\"}");
	stats_json_render(&sj, f.h, 100, out, sizeof(out));
	assert_string_equal(out, "{\"error\":\"too short for a stats file\"}");
	assert_int_equal(
		stats_json_render(&sj, f.h, f.bytes, out, STATS_JSON_MIN - 1),
		0);
	free(f.h);
}

static void names_are_escaped_and_made_safe(void **unused)
{
	(void)unused;
	struct file f = build();
	snprintf(f.h->system, SDVF_STATS_NAME_BYTES, "a\"b\\c\n\x7f");
	memset(f.h->pd[WEB].name, 'x', SDVF_STATS_NAME_BYTES); /* no NUL */
	const char *j = render(&f, sizeof(out));
	has(j, "{\"system\":\"a\\\"b\\\\c??\"");
	has(j, "\"name\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",");
	free(f.h);
}

static void a_scribbled_slot_spoils_only_its_own_counters(void **unused)
{
	(void)unused;
	struct file f = build();
	struct sdvf_stats_slot *s = slot(&f, DB);
	memset(s, '"', sizeof(*s)); /* every name unterminated quotes */
	atomic_store(&s->counters.count, UINT32_MAX);
	const char *j = render(&f, sizeof(out));
	has(j, "\"counters\":{},\"counters_unreadable\":384}");
	has(j, "\"counters\":{\"arp_replies\":4},\"counters_unreadable\":0}");
	has(j, "{\"name\":\"web\",\"rx_frames\":5,");
	free(f.h);
}

static void a_hostile_mux_slot_cannot_break_the_json(void **unused)
{
	(void)unused;
	unsigned seed = 1;
	for (int round = 0; round < 300; round++) {
		struct file f = build();
		struct sdvf_stats_slot *s = slot(&f, round % 2 ? RXM : TXM);
		uint8_t *b = (uint8_t *)&s->counters;
		for (size_t i = 0; i < sizeof(s->counters); i++) {
			seed = seed * 1103515245u + 12345u;
			/* mostly plausible names: c0..c99, dots, digits */
			b[i] = (uint8_t) "c0123456789._\"\\rx_frames\0drop.\xff"
				[(seed >> 16) % 32];
		}
		atomic_store(&s->counters.count, (seed >> 8) % 500);
		render(&f, sizeof(out));
		free(f.h);
	}
}

static void output_never_passes_the_buffer_and_says_truncated(void **unused)
{
	(void)unused;
	struct file f = build();
	char name[SDVF_COUNTER_NAME_MAX];
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "counter_%d", i);
		counter(&f, DB, name, UINT64_MAX);
	}
	const char *whole = render(&f, sizeof(out));
	size_t full = strlen(whole);
	has(whole, "\"truncated\":false}");
	static char cut[1 << 16];
	static struct stats_json sj;
	for (size_t cap = STATS_JSON_MIN; cap < full + 64; cap += 97) {
		memset(cut, 0x55, sizeof(cut));
		size_t len = stats_json_render(&sj, f.h, f.bytes, cut, cap);
		assert_true(len < cap);
		assert_int_equal(cut[cap], 0x55); /* nothing past cap */
		if (!json_valid(cut))
			fail_msg("cap %zu: not valid JSON: %s", cap, cut);
		if (len + 64 < full)
			assert_non_null(strstr(cut, "\"truncated\":true}"));
	}
	free(f.h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			renders_each_pd_with_its_runtime_and_component_counters),
		cmocka_unit_test(client_table_sums_both_muxes_per_client_pd),
		cmocka_unit_test(a_client_no_link_names_is_its_mux_and_index),
		cmocka_unit_test(
			a_file_of_another_version_or_size_is_an_error_object),
		cmocka_unit_test(names_are_escaped_and_made_safe),
		cmocka_unit_test(a_scribbled_slot_spoils_only_its_own_counters),
		cmocka_unit_test(a_hostile_mux_slot_cannot_break_the_json),
		cmocka_unit_test(
			output_never_passes_the_buffer_and_says_truncated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
