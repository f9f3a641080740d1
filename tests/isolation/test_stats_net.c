/*
 * `sdvf stats` for a network system (core/hosted/stats_net.c): one row per
 * client PD of the muxes, named after the PD at the other end of the mux's
 * channel "cN" (recorded by the launcher in the stats file), a line per
 * mux, a --client detail view, and --interval blocks (in place on a
 * terminal, timestamped otherwise).  The kv form is what it was.  Nothing
 * a client writes in its own slot, and no broken link entry, changes
 * another PD's row or crashes the reader.
 *
 * The system is built by hand (no loader), its stats file published in a
 * private directory, and the counters set in the slots as the runtimes
 * would: the names rx_mux and tx_mux publish (mux/rx_mux.c, mux/tx_mux.h).
 */
#define _GNU_SOURCE
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/cli/cli.h"
#include "core/hosted/stats.h"
#include "core/sysdesc/sysdesc.h"

extern const struct sdvf_component rx_mux_component;
extern const struct sdvf_component tx_mux_component;
extern const struct sdvf_component queue_source_component;

enum { RXM, TXM, ECHO, FLOOD, IDLE, NPDS };

static char dir[] = "/tmp/sdvf-stats-net.XXXXXX";

struct net_fixture {
	struct sdvf_system sys;
	struct sdvf_stats_file file;
	struct sdvf_counter_claims claims[NPDS];
};

static void add_pd(struct sdvf_system *sys, const char *name,
		   const struct sdvf_component *c)
{
	struct sdvf_sys_pd *pd = &sys->pds[sys->npds++];
	strcpy(pd->name, name);
	pd->component = c;
	pd->core = -1;
}

/* A channel between a (which calls it a_local) and b (b_local). */
static void connect(struct sdvf_system *sys, int a, const char *a_local, int b,
		    const char *b_local)
{
	int ch = sys->nchannels++;
	char name[SDVF_NAME_MAX];
	snprintf(name, sizeof(name), "%s_%s", sys->pds[a].name, a_local);
	strcpy(sys->channels[ch].name, name);
	sys->channels[ch].pd[0] = a;
	sys->channels[ch].pd[1] = b;
	struct sdvf_sys_pd *ends[2] = {&sys->pds[a], &sys->pds[b]};
	const char *locals[2] = {a_local, b_local};
	for (int e = 0; e < 2; e++) {
		struct sdvf_sys_pd_chan *c = &ends[e]->chans[ends[e]->nchans++];
		strcpy(c->local, locals[e]);
		c->channel = ch;
	}
}

/* rx_mux and tx_mux; echo is rx_mux's c0 and tx_mux's c1, flood the other
 * way round; idle is tx_mux's c3 and has no counters yet; rx_mux counts a
 * client c2 that no channel leads to. */
static void net_system(struct sdvf_system *sys)
{
	memset(sys, 0, sizeof(*sys));
	sys->path = "examples/net.dts";
	add_pd(sys, "rx_mux", &rx_mux_component);
	add_pd(sys, "tx_mux", &tx_mux_component);
	add_pd(sys, "echo", &queue_source_component);
	add_pd(sys, "flood", &queue_source_component);
	add_pd(sys, "idle", &queue_source_component);
	connect(sys, RXM, "c0", ECHO, "rx");
	connect(sys, RXM, "c1", FLOOD, "rx");
	connect(sys, TXM, "c0", FLOOD, "tx");
	connect(sys, TXM, "c1", ECHO, "tx");
	connect(sys, TXM, "c3", IDLE, "tx");
}

static void publish(struct net_fixture *f, int pd, const char *name,
		    uint64_t value)
{
	struct sdvf_stats_slot *s = sdvf_stats_slot_of(f->file.header, pd);
	int i = sdvf_counter_claim(&s->counters, &f->claims[pd], name);
	assert_true(i >= 0);
	s->counters.value[i] = value;
}

static void runtime(struct net_fixture *f, int pd, uint64_t activations,
		    uint64_t notifications)
{
	struct sdvf_stats_slot *s = sdvf_stats_slot_of(f->file.header, pd);
	s->activations = activations;
	s->notifications = notifications;
}

static void mux_counters(struct net_fixture *f)
{
	static const struct {
		int pd;
		const char *name;
		uint64_t value;
	} counters[] = {
		{RXM, "rx_frames", 120},
		{RXM, "drop.unknown_unicast", 5},
		{RXM, "c0.rx_frames", 40},
		{RXM, "c0.rx_bytes", 4000},
		{RXM, "c0.drop.cap", 3},
		{RXM, "c0.drop.rate_limit", 7},
		{RXM, "c0.drop.queue_full", 0},
		{RXM, "c0.returned", 38},
		{RXM, "c0.in_flight", 2},
		{RXM, "c0.viol.misaligned", 0},
		{RXM, "c0.viol.not_owner", 1},
		{RXM, "c0_rx_free.bad_index", 2},
		{RXM, "c1.rx_frames", 50},
		{RXM, "c1.rx_bytes", 6400},
		{RXM, "c1.drop.cap", 0},
		{RXM, "c1.in_flight", 0},
		{RXM, "c2.rx_frames", 9},
		{RXM, "c2.rx_bytes", 900},
		{TXM, "activations", 39},
		{TXM, "batches", 10},
		{TXM, "batch_max", 6},
		{TXM, "c0.tx_frames", 30},
		{TXM, "c0.tx_bytes", 3000},
		{TXM, "c0.tx_errors", 1},
		{TXM, "c0.drv_rejected", 0},
		{TXM, "c0.in_flight", 4},
		{TXM, "c0.rej_src_mac", 5},
		{TXM, "c1.tx_frames", 20},
		{TXM, "c1.tx_bytes", 2000},
		{TXM, "c1.in_flight", 1},
		{ECHO, "sent", 20},
	};
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
		publish(f, counters[i].pd, counters[i].name, counters[i].value);
	runtime(f, RXM, 80, 90);
	runtime(f, TXM, 40, 25);
}

static int start_net(void **state)
{
	static struct net_fixture f;
	memset(&f, 0, sizeof(f));
	net_system(&f.sys);
	assert_int_equal(sdvf_stats_create(&f.file, &f.sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f.file, stderr), 0);
	mux_counters(&f);
	*state = &f;
	return 0;
}

static int stop_net(void **state)
{
	struct net_fixture *f = *state;
	sdvf_stats_destroy(&f->file);
	return 0;
}

/* What sdvf_stats_print (or, w set, sdvf_stats_watch) prints. */
static char *print_query(const struct sdvf_stats_query *q,
			 const struct sdvf_stats_watch *w, int *shown)
{
	FILE *out = tmpfile();
	assert_non_null(out);
	*shown = w ? sdvf_stats_watch(out, q, w) : sdvf_stats_print(out, q);
	long len = ftell(out);
	assert_true(len >= 0);
	char *text = malloc((size_t)len + 1);
	assert_non_null(text);
	rewind(out);
	assert_int_equal(fread(text, 1, (size_t)len, out), (size_t)len);
	text[len] = '\0';
	fclose(out);
	return text;
}

static char *text(const char *client, const char *pd, int *shown)
{
	struct sdvf_stats_query q = {.format = SDVF_STATS_TEXT,
				     .components = sdvf_builtin_components,
				     .client = client,
				     .pd = pd};
	return print_query(&q, NULL, shown);
}

#define CLIENT_HEADER                                                          \
	"  CLIENT            RX-FRAMES     RX-BYTES  TX-FRAMES     TX-BYTES"   \
	"     DROPS TOP-DROP              VIOL RX-HELD TX-HELD\n"
#define ECHO_ROW                                                               \
	"  echo                     40         4000         20         2000"   \
	"        10 rate_limit               3       2       1\n"
#define FLOOD_ROW                                                              \
	"  flood                    50         6400         30         3000"   \
	"         1 tx_errors                5       0       4\n"
#define IDLE_ROW                                                               \
	"  idle                      -            -          -            -"   \
	"         - -                        -       -       -\n"
#define UNNAMED_ROW                                                            \
	"  rx_mux:c2                 9          900          -            -"   \
	"         - -                        -       -       -\n"
#define MUX_LINES                                                              \
	"  MUX               ACTIVATIONS   NOTIFIES     FRAMES BATCH-MEAN "    \
	"BATCH-MAX\n"                                                          \
	"  rx_mux                     80         90        120        1.5 "    \
	"        -\n"                                                          \
	"  tx_mux                     40         25         50        5.0 "    \
	"        6\n"

static int count_substr(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* The text output after its first line (the title, which has the time). */
static const char *after_title(const char *out)
{
	const char *nl = strchr(out, '\n');
	assert_non_null(nl);
	return nl + 1;
}

static void table_has_a_row_per_client_pd_named_by_its_channel(void **state)
{
	(void)state;
	int shown;
	char *out = text(NULL, NULL, &shown);
	assert_int_equal(shown, NPDS);
	assert_memory_equal(
		after_title(out),
		CLIENT_HEADER ECHO_ROW FLOOD_ROW IDLE_ROW UNNAMED_ROW MUX_LINES
		"\n",
		strlen(CLIENT_HEADER ECHO_ROW FLOOD_ROW IDLE_ROW UNNAMED_ROW
			       MUX_LINES "\n"));
	free(out);
}

static void table_comes_before_the_runtime_table_and_counters(void **state)
{
	(void)state;
	int shown;
	char *out = text(NULL, NULL, &shown);
	char *mux = strstr(out, "  MUX ");
	char *runtime = strstr(out, "\n  PD ");
	char *counters = strstr(out, "  counters of 'rx_mux' (rx_mux):\n");
	assert_non_null(mux);
	assert_non_null(runtime);
	assert_non_null(counters);
	assert_true(mux < runtime && runtime < counters);
	assert_non_null(strstr(counters, "    c0.drop.rate_limit "));
	free(out);
}

static void pd_option_leaves_out_the_client_table(void **state)
{
	(void)state;
	int shown;
	char *out = text(NULL, "echo", &shown);
	assert_int_equal(shown, 1);
	assert_null(strstr(out, "CLIENT"));
	assert_null(strstr(out, "  MUX "));
	assert_non_null(strstr(out, "\n  echo "));
	free(out);
}

static void client_view_lists_each_counter_the_muxes_keep(void **state)
{
	(void)state;
	int shown;
	char *out = text("flood", NULL, &shown);
	assert_int_equal(shown, 1);
	const char *rest = after_title(out);
	assert_memory_equal(rest, CLIENT_HEADER FLOOD_ROW,
			    strlen(CLIENT_HEADER FLOOD_ROW));
	rest += strlen(CLIENT_HEADER FLOOD_ROW);
	char *rx = strstr(rest, "  counters of 'rx_mux' for its client c1:\n");
	char *tx = strstr(rest, "  counters of 'tx_mux' for its client c0:\n");
	assert_non_null(rx);
	assert_non_null(tx);
	assert_true(rx < tx);
	assert_non_null(strstr(tx, "    c0.rej_src_mac                  = 5 "
				   "           source MAC not the client's\n"));
	assert_non_null(strstr(rx, "    c1.rx_bytes                     = "
				   "6400         bytes of those frames\n"));
	/* nothing of other clients, nor the runtime table */
	assert_null(strstr(rest, "c0.rx_frames"));
	assert_null(strstr(rest, "c1.tx_frames"));
	assert_null(strstr(rest, "  PD "));
	free(out);
	/* a system without that client is not even named */
	out = text("nobody", NULL, &shown);
	assert_int_equal(shown, 0);
	assert_string_equal(out, "");
	free(out);
}

/* echo writes mux-like names into its own slot: it is not a mux (its
 * component's role says so), and its row stays what the muxes count. */
static void client_slot_cannot_pose_as_a_mux(void **state)
{
	struct net_fixture *f = *state;
	int shown;
	publish(f, ECHO, "c0.rx_frames", 999999);
	publish(f, ECHO, "c0.drop.cap", 999999);
	publish(f, ECHO, "rx_frames", 999999);
	char *out = text(NULL, NULL, &shown);
	assert_memory_equal(
		after_title(out),
		CLIENT_HEADER ECHO_ROW FLOOD_ROW IDLE_ROW UNNAMED_ROW MUX_LINES,
		strlen(CLIENT_HEADER ECHO_ROW FLOOD_ROW IDLE_ROW UNNAMED_ROW
			       MUX_LINES));
	free(out);
}

/* A link naming no PD of the system, or a PD at the far end of nothing,
 * leaves that client unnamed; an unterminated local name matches nothing. */
static void broken_links_leave_clients_unnamed(void **state)
{
	struct net_fixture *f = *state;
	struct sdvf_stats_header *h = f->file.header;
	int shown;
	for (uint32_t i = 0; i < h->nlinks; i++) {
		struct sdvf_stats_link *l = &h->link[i];
		if (l->pd == RXM && strcmp(l->local, "c0") == 0)
			l->peer = 200; /* past npds */
		if (l->pd == RXM && strcmp(l->local, "c1") == 0)
			l->peer = RXM; /* itself */
		if (l->pd == TXM && strcmp(l->local, "c3") == 0)
			memset(l->local, 'c', sizeof(l->local));
	}
	char *out = text(NULL, NULL, &shown);
	char *rows = (char *)after_title(out),
	     *runtime = strstr(out, "\n  PD ");
	assert_non_null(runtime);
	*runtime = '\0'; /* the client table only */
	assert_non_null(strstr(rows, "\n  echo                      -      "));
	assert_non_null(strstr(rows, "\n  rx_mux:c0                40 "));
	assert_non_null(strstr(rows, "\n  rx_mux:c1                50 "));
	assert_null(strstr(rows, "\n  idle "));
	assert_null(strstr(rows, "c3"));
	free(out);
}

/* Local switching's drops (mux/ on the switching branch: sw_drop.reserve
 * at rx_mux, sw_drop_self and sw_drop_full at tx_mux) are drops too. */
static void switching_drops_count_as_drops(void **state)
{
	struct net_fixture *f = *state;
	int shown;
	publish(f, RXM, "c0.sw_drop.reserve", 20);
	publish(f, TXM, "c1.sw_drop_self", 1);
	publish(f, TXM, "c1.sw_out", 9);
	char *out = text(NULL, NULL, &shown);
	assert_non_null(strstr(
		out,
		"\n"
		"  echo                     40         4000         20         "
		"2000"
		"        31 sw_drop.reserve          3       2       1\n"));
	free(out);
}

/* A slot with too many clients' names (c0..c63 and beyond) prints bounded
 * rows; an index past c63 or with a leading zero is no client. */
static void odd_client_names_are_bounded(void **state)
{
	struct net_fixture *f = *state;
	int shown;
	char name[SDVF_COUNTER_NAME_MAX];
	for (int n = 2; n < 64; n++) {
		snprintf(name, sizeof(name), "c%d.tx_frames", n);
		publish(f, TXM, name, 1);
	}
	publish(f, TXM, "c64.tx_frames", 1);
	publish(f, TXM, "c007.tx_frames", 1);
	publish(f, TXM, "c18446744073709551617.tx", 1);
	char *out = text(NULL, NULL, &shown);
	char *runtime = strstr(out, "\n  PD ");
	assert_non_null(runtime);
	*runtime = '\0'; /* the client table only */
	assert_non_null(strstr(out, "\n  tx_mux:c2 "));
	assert_null(strstr(out, "c64"));
	assert_null(strstr(out, "c007"));
	/* not counted again as c7 */
	assert_non_null(strstr(
		out,
		"\n  tx_mux:c7                 -            -          1 "));
	assert_null(strstr(out, "c1844"));
	/* 32 unnamed rows at most: rx_mux:c2, tx_mux:c2 and c4..c33 (c3 is
	 * idle) */
	assert_non_null(strstr(out, "\n  tx_mux:c33 "));
	assert_null(strstr(out, "\n  tx_mux:c34 "));
	assert_int_equal(count_substr(out, "\n  tx_mux:c"), 31);
	free(out);
}

/* The line of `out` that starts with "  " `first` (a row's name). */
static const char *line_of(const char *out, const char *first)
{
	char key[SDVF_NAME_MAX + 4];
	snprintf(key, sizeof(key), "\n  %s ", first);
	const char *at = strstr(out, key);
	assert_non_null(at);
	return at + 1;
}

/* Where the column that ends in `word` ends on `line`. */
static long column_end(const char *line, const char *word)
{
	const char *at = strstr(line, word);
	assert_non_null(at);
	assert_true(at < strchr(line, '\n'));
	return (long)(at - line) + (long)strlen(word);
}

static void long_names_widen_the_name_column(void **state)
{
	struct net_fixture *f = *state;
	int shown;
	/* 20 characters: wider than the 16 a short name gets */
	strcpy(f->file.header->pd[ECHO].name, "responder_tx_remap_x");
	char *out = text(NULL, NULL, &shown);
	const char *header = line_of(out, "CLIENT"),
		   *row = line_of(out, "responder_tx_remap_x");
	assert_int_equal(column_end(header, "RX-FRAMES"),
			 column_end(row, "40"));
	/* the last column ends each line */
	assert_int_equal(strchr(header, '\n') - header,
			 strchr(row, '\n') - row);
	const char *mux = line_of(out, "MUX"), *rx = line_of(out, "rx_mux");
	assert_int_equal(column_end(mux, "ACTIVATIONS"), column_end(rx, "80"));
	const char *pd = line_of(out, "PD"),
		   *echo = line_of(out, "responder_tx_remap_x");
	echo = line_of(echo, "responder_tx_remap_x"); /* the runtime table's */
	assert_int_equal(column_end(pd, "COMPONENT") -
				 (long)strlen("COMPONENT"),
			 column_end(echo, "queue_source") -
				 (long)strlen("queue_source"));
	free(out);
}

static void system_without_muxes_has_no_client_table(void **state)
{
	(void)state;
	struct sdvf_system sys;
	struct sdvf_stats_file file;
	int shown;
	memset(&sys, 0, sizeof(sys));
	sys.path = "plain.dts";
	add_pd(&sys, "source", &queue_source_component);
	add_pd(&sys, "sink", &queue_source_component);
	connect(&sys, 0, "c0", 1, "c1");
	assert_int_equal(sdvf_stats_create(&file, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&file, stderr), 0);
	struct sdvf_stats_query q = {.format = SDVF_STATS_TEXT,
				     .system = "plain",
				     .components = sdvf_builtin_components};
	char *out = print_query(&q, NULL, &shown);
	assert_int_equal(shown, 2);
	assert_null(strstr(out, "CLIENT"));
	assert_memory_equal(after_title(out), "  PD ", 5);
	free(out);
	sdvf_stats_destroy(&file);
}

/* ---- kv and --interval ------------------------------------------------ */

/* The kv form of a two-PD system, as `sdvf stats --format=kv` printed it
 * before the client table existed: runtime counters, then the component's
 * in registration order. */
static void kv_is_unchanged(void **state)
{
	(void)state;
	struct sdvf_system sys;
	struct net_fixture f;
	int shown;
	memset(&f, 0, sizeof(f));
	memset(&sys, 0, sizeof(sys));
	sys.path = "kv.dts";
	add_pd(&sys, "rx_mux", &rx_mux_component);
	add_pd(&sys, "echo", &queue_source_component);
	connect(&sys, 0, "c0", 1, "rx");
	assert_int_equal(sdvf_stats_create(&f.file, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f.file, stderr), 0);
	publish(&f, 0, "c0.rx_frames", 7);
	publish(&f, 0, "c0.drop.cap", 1);
	runtime(&f, 0, 3, 4);
	struct sdvf_stats_query q = {.format = SDVF_STATS_KV,
				     .components = sdvf_builtin_components};
	char *out = print_query(&q, NULL, &shown);
	assert_int_equal(shown, 2);
	assert_string_equal(out, "kv rx_mux sdvf.state starting\n"
				 "kv rx_mux sdvf.pid 0\n"
				 "kv rx_mux sdvf.restarts 0\n"
				 "kv rx_mux sdvf.activations 3\n"
				 "kv rx_mux sdvf.notifications 4\n"
				 "kv rx_mux sdvf.deferred 0\n"
				 "kv rx_mux sdvf.irq_acks 0\n"
				 "kv rx_mux sdvf.timer_fires 0\n"
				 "kv rx_mux sdvf.log_lines 0\n"
				 "kv rx_mux sdvf.log_suppressed 0\n"
				 "kv rx_mux sdvf.bad_calls 0\n"
				 "kv rx_mux sdvf.starts 0\n"
				 "kv rx_mux sdvf.counters_refused 0\n"
				 "kv rx_mux sdvf.counters_unreadable 0\n"
				 "kv rx_mux c0.rx_frames 7\n"
				 "kv rx_mux c0.drop.cap 1\n"
				 "kv echo sdvf.state starting\n"
				 "kv echo sdvf.pid 0\n"
				 "kv echo sdvf.restarts 0\n"
				 "kv echo sdvf.activations 0\n"
				 "kv echo sdvf.notifications 0\n"
				 "kv echo sdvf.deferred 0\n"
				 "kv echo sdvf.irq_acks 0\n"
				 "kv echo sdvf.timer_fires 0\n"
				 "kv echo sdvf.log_lines 0\n"
				 "kv echo sdvf.log_suppressed 0\n"
				 "kv echo sdvf.bad_calls 0\n"
				 "kv echo sdvf.starts 0\n"
				 "kv echo sdvf.counters_refused 0\n"
				 "kv echo sdvf.counters_unreadable 0\n");
	free(out);
	sdvf_stats_destroy(&f.file);
}

static const struct sdvf_stats_query text_query = {
	.format = SDVF_STATS_TEXT,
	.system = "net",
	.components = sdvf_builtin_components,
};

/* Not a terminal: each block opens with its UTC time, blank line between. */
static void interval_off_a_terminal_prints_timestamped_blocks(void **state)
{
	(void)state;
	struct sdvf_stats_watch w = {.interval_ns = 1000000, .count = 3};
	int shown;
	char *out = print_query(&text_query, &w, &shown);
	regex_t stamp;
	assert_int_equal(regcomp(&stamp,
				 "^--- [0-9]{4}-[0-9]{2}-[0-9]{2} "
				 "[0-9]{2}:[0-9]{2}:[0-9]{2} UTC ---$",
				 REG_EXTENDED | REG_NOSUB | REG_NEWLINE),
			 0);
	assert_int_equal(shown, NPDS);
	assert_null(strchr(out, '\033'));
	assert_int_equal(count_substr(out, CLIENT_HEADER), 3);
	assert_int_equal(count_substr(out, "\n\n--- "), 2);
	assert_memory_equal(out, "--- ", 4);
	int stamps = 0;
	for (char *line = out; line; line = strchr(line, '\n')) {
		line += *line == '\n';
		char *end = strchr(line, '\n');
		char one[128];
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len >= sizeof(one) || strncmp(line, "--- ", 4) != 0)
			continue;
		memcpy(one, line, len);
		one[len] = '\0';
		assert_int_equal(regexec(&stamp, one, 0, NULL, 0), 0);
		stamps++;
	}
	assert_int_equal(stamps, 3);
	regfree(&stamp);
	free(out);
}

/* A terminal: every block starts by homing the cursor and clearing. */
static void interval_on_a_terminal_redraws_in_place(void **state)
{
	(void)state;
	struct sdvf_stats_watch w = {
		.interval_ns = 1000000, .count = 2, .terminal = true};
	int shown;
	char *out = print_query(&text_query, &w, &shown);
	assert_int_equal(count_substr(out, "\033[H\033[2J"), 2);
	assert_memory_equal(out, "\033[H\033[2J--- ", 11);
	char *second = strstr(out + 1, "\033[H\033[2J--- ");
	assert_non_null(second);
	assert_int_equal(second[-1], '\n'); /* no blank line: it replaces */
	assert_int_equal(second[-2] != '\n', 1);
	assert_int_equal(count_substr(out, CLIENT_HEADER), 2);
	free(out);
}

/* kv blocks are the one-shot kv output, unchanged, a blank line between. */
static void interval_kv_blocks_are_plain_kv(void **state)
{
	(void)state;
	struct sdvf_stats_query q = {.format = SDVF_STATS_KV,
				     .components = sdvf_builtin_components};
	struct sdvf_stats_watch w = {
		.interval_ns = 1000000, .count = 2, .terminal = true};
	int shown;
	char *once = print_query(&q, NULL, &shown);
	char *twice = print_query(&q, &w, &shown);
	char *expected = NULL;
	assert_true(asprintf(&expected, "%s\n%s", once, once) > 0);
	assert_string_equal(twice, expected);
	free(expected);
	free(once);
	free(twice);
}

/* ---- the command line --------------------------------------------------- */

static int stats(int argc, char **argv)
{
	fflush(stdout);
	int saved = dup(1);
	FILE *sink = tmpfile();
	dup2(fileno(sink), 1);
	int rc = sdvf_stats_main(argc, argv, sdvf_builtin_components);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	fclose(sink);
	return rc;
}

#define STATS(...)                                                             \
	stats((int)(sizeof((char *[]){"stats", __VA_ARGS__}) /                 \
		    sizeof(char *)),                                           \
	      (char *[]){"stats", __VA_ARGS__})

static void stats_command_takes_client_interval_and_count(void **state)
{
	(void)state;
	assert_int_equal(STATS("--client", "echo"), 0);
	assert_int_equal(STATS("--client=flood", "net"), 0);
	assert_int_equal(STATS("--client", "nobody"), 1);
	assert_int_equal(STATS("--interval", "0.001", "--count", "2"), 0);
	assert_int_equal(STATS("-i", "0.001", "--count=2", "--format=kv"), 0);
	assert_int_equal(STATS("--interval=0.001", "--count", "1", "net"), 0);
	assert_int_equal(STATS("--interval=1e-3", "--count", "1", "net"), 0);
}

static void stats_command_refuses_bad_watch_and_client_options(void **state)
{
	(void)state;
	assert_int_equal(STATS("--interval", "0"), 2);
	assert_int_equal(STATS("--interval", "-1"), 2);
	assert_int_equal(STATS("--interval", "1x"), 2);
	assert_int_equal(STATS("--interval", "nan"), 2);
	assert_int_equal(STATS("--interval", "86401"), 2);
	assert_int_equal(STATS("--interval", "0.0001"), 2);
	assert_int_equal(STATS("--interval", "0x1"), 2);
	assert_int_equal(STATS("--interval", " 1"), 2);
	assert_int_equal(STATS("--interval", "+1"), 2);
	assert_int_equal(STATS("--count", "+3"), 2);
	assert_int_equal(STATS("--count", "99999999999999999999999"), 2);
	assert_int_equal(STATS("--interval"), 2);
	assert_int_equal(STATS("--count", "0"), 2);
	assert_int_equal(STATS("--count", "-3"), 2);
	assert_int_equal(STATS("--count"), 2);
	assert_int_equal(STATS("--client"), 2);
	assert_int_equal(STATS("--client", "a b"), 2);
	assert_int_equal(STATS("--client", "echo", "--format=kv"), 2);
	assert_int_equal(STATS("--client", "echo", "--pd", "echo"), 2);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	setenv("SDVF_STATS_DIR", dir, 1);
#define NET_TEST(t) cmocka_unit_test_setup_teardown(t, start_net, stop_net)
	const struct CMUnitTest tests[] = {
		NET_TEST(table_has_a_row_per_client_pd_named_by_its_channel),
		NET_TEST(table_comes_before_the_runtime_table_and_counters),
		NET_TEST(pd_option_leaves_out_the_client_table),
		NET_TEST(client_view_lists_each_counter_the_muxes_keep),
		NET_TEST(client_slot_cannot_pose_as_a_mux),
		NET_TEST(broken_links_leave_clients_unnamed),
		NET_TEST(switching_drops_count_as_drops),
		NET_TEST(odd_client_names_are_bounded),
		NET_TEST(long_names_widen_the_name_column),
		cmocka_unit_test(system_without_muxes_has_no_client_table),
		cmocka_unit_test(kv_is_unchanged),
		NET_TEST(interval_off_a_terminal_prints_timestamped_blocks),
		NET_TEST(interval_on_a_terminal_redraws_in_place),
		NET_TEST(interval_kv_blocks_are_plain_kv),
		NET_TEST(stats_command_takes_client_interval_and_count),
		NET_TEST(stats_command_refuses_bad_watch_and_client_options),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return failed;
}
