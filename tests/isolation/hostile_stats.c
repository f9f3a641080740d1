/*
 * sdvf-hostile's reader of the stats file (test code):
 *
 *   stats_reader  client; granted the stats file read-only (any local name
 *                 for region "sdvf.stats"; here `stats`), it checks the
 *                 header as every reader must (core/stats_file.h) and
 *                 renders it as /stats.json does (clients/stats_json.c),
 *                 every period_ms, and logs the first result and every
 *                 change of its shape:
 *                   "stats: ok, N PDs, json B bytes, valid|truncated"
 *                   "stats: refused: WHY"
 */
#include "clients/stats_json.h"
#include "core/bytes.h"
#include "core/pd.h"
#include "core/stats_file.h"
#include "tests/isolation/hostile.h"

#define MS 1000000ull

struct stats_reader {
	const struct sdvf_region *stats;
	uint64_t period_ns;
	uint32_t last_npds;
	bool said;
	struct stats_json sj;
	char json[1u << 16];
};

static const struct sdvf_need stats_reader_needs[] = {
	SDVF_NEED_REGION_RO("stats"),
	{0},
};

static const struct sdvf_param stats_reader_params[] = {
	SDVF_PARAM_U64_DEFAULT("period_ms", 1, 60000, 100, "how often to read"),
	{0},
};

static int stats_reader_init(void *state, struct sdvf_pd *pd)
{
	struct stats_reader *r = state;
	r->stats = sdvf_region(pd, "stats");
	r->period_ns = sdvf_config_u64(pd, "period_ms") * MS;
	sdvf_timer_set(pd, sdvf_now_ns(pd) + r->period_ns);
	return 0;
}

static void stats_reader_notified(void *state, struct sdvf_pd *pd,
				  sdvf_channel_t ch)
{
	struct stats_reader *r = state;
	if (ch != SDVF_CHANNEL_TIMER)
		return;
	sdvf_timer_set(pd, sdvf_now_ns(pd) + r->period_ns);
	const struct sdvf_stats_header *h = r->stats->base;
	const char *why = sdvf_stats_header_problem(h, r->stats->size);
	if (why) {
		if (!r->said)
			sdvf_log(pd, SDVF_LOG_INFO, "stats: refused: %s", why);
		r->said = true;
		return;
	}
	size_t len = stats_json_render(&r->sj, h, r->stats->size, r->json,
				       sizeof(r->json));
	bool cut = len >= 18 &&
		   sdvf_str_equal(r->json + len - 17, "\"truncated\":true}");
	if (r->said && h->npds == r->last_npds)
		return;
	sdvf_log(pd, SDVF_LOG_INFO, "stats: ok, %u PDs, json %zu bytes, %s",
		 h->npds, len, cut ? "truncated" : "complete");
	r->said = true;
	r->last_npds = h->npds;
}

static const struct sdvf_component stats_reader = {
	.name = "stats_reader",
	.summary = "test: reads the stats file through a read-only grant",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct stats_reader),
	.needs = stats_reader_needs,
	.params = stats_reader_params,
	.init = stats_reader_init,
	.notified = stats_reader_notified,
};

const struct sdvf_component *const hostile_stats_components[] = {
	&stats_reader,
	NULL,
};
