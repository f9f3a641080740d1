/*
 * Generator / sink wire: a line-rate load source for the model without a
 * real network.
 *
 * Receive side (generator): frame n is due at start + n * 1e9 / rate ns, on
 * the wire's clock (cfg->clock_ns under the sim runtime or a test, so runs
 * are deterministic).  wire_recv returns the next frame once it is due (a
 * late caller catches up one frame per call, so the average rate holds) and
 * wire_next_deadline says when the next one will be.  Sizes cycle through
 * gen_sizes; the frame layout is in wire.h (WIRE_GEN_*).
 *
 * Send side (sink): frames the model transmits are accepted and counted by
 * wire_send (tx_frames / tx_bytes), then discarded.
 */
#include <stdlib.h>
#include <string.h>

#include "driver/enet/wire/wire_backend.h"

#define GEN_MAX_SIZES 16
#define GEN_DEFAULT_SIZES "60"

struct wire_gen {
	struct wire base;
	uint64_t rate_pps;
	uint64_t count_limit; /* 0: no limit */
	uint64_t start_ns;
	uint64_t next_seq; /* also the number of frames generated so far */
	uint8_t dst_mac[6];
	uint32_t sizes[GEN_MAX_SIZES];
	uint32_t num_sizes;
	uint8_t frame[WIRE_MAX_FRAME]; /* built here, then cut to the cap */
};

/* Split into whole seconds first so n * 1e9 cannot overflow. */
static uint64_t gen_due_ns(const struct wire_gen *gw, uint64_t n)
{
	uint64_t whole = n / gw->rate_pps, part = n % gw->rate_pps;

	return gw->start_ns + whole * 1000000000ull +
	       part * 1000000000ull / gw->rate_pps;
}

static bool gen_finished(const struct wire_gen *gw)
{
	return gw->count_limit != 0 && gw->next_seq >= gw->count_limit;
}

static void gen_build(const struct wire_gen *gw, uint64_t seq, uint8_t *frame,
		      size_t len)
{
	static const uint8_t src_mac[6] = WIRE_GEN_SRC_MAC;
	size_t i;

	memcpy(frame, gw->dst_mac, 6);
	memcpy(frame + 6, src_mac, 6);
	frame[12] = WIRE_GEN_ETHERTYPE >> 8;
	frame[13] = WIRE_GEN_ETHERTYPE & 0xff;
	for (i = 0; i < 8; i++)
		frame[14 + i] = (uint8_t)(seq >> (56 - 8 * i));
	for (i = WIRE_GEN_MIN_FRAME; i < len; i++)
		frame[i] = (uint8_t)(seq + i);
}

static long gen_recv(struct wire *w, uint8_t *buf, size_t cap)
{
	struct wire_gen *gw = (struct wire_gen *)w;
	uint64_t seq = gw->next_seq;
	size_t len;

	if (gen_finished(gw) || wire_clock(w) < gen_due_ns(gw, seq))
		return 0;
	len = gw->sizes[seq % gw->num_sizes];
	gen_build(gw, seq, gw->frame, len);
	memcpy(buf, gw->frame, len < cap ? len : cap);
	gw->next_seq++;
	return (long)len;
}

static int gen_send(struct wire *w, const uint8_t *frame, size_t len)
{
	(void)w, (void)frame, (void)len;
	return 0; /* the sink: wire_send counts the frame */
}

static uint64_t gen_deadline(const struct wire *w, uint64_t now_ns)
{
	const struct wire_gen *gw = (const struct wire_gen *)w;

	(void)now_ns;
	if (gen_finished(gw))
		return UINT64_MAX;
	return gen_due_ns(gw, gw->next_seq);
}

static void gen_close(struct wire *w)
{
	free(w);
}

static const struct wire_ops gen_ops = {
	.send = gen_send,
	.recv = gen_recv,
	.deadline = gen_deadline,
	.close = gen_close,
};

/* "64,594,1514" -> sizes; false on anything else. */
static bool gen_parse_sizes(struct wire_gen *gw, const char *text)
{
	const char *p = text;
	uint64_t value;

	gw->num_sizes = 0;
	for (;;) {
		if (*p < '0' || *p > '9' || gw->num_sizes == GEN_MAX_SIZES)
			return false;
		value = 0;
		while (*p >= '0' && *p <= '9' && value <= WIRE_MAX_FRAME)
			value = value * 10 + (uint64_t)(*p++ - '0');
		if (value < WIRE_GEN_MIN_FRAME || value > WIRE_MAX_FRAME)
			return false;
		gw->sizes[gw->num_sizes++] = (uint32_t)value;
		if (*p == '\0')
			return true;
		if (*p++ != ',')
			return false;
	}
}

static bool gen_check_config(const struct wire_config *cfg, char *why,
			     size_t cap)
{
	if (cfg->gen_rate_pps == 0) {
		wire_why(why, cap, "wire: generator needs gen_rate_pps > 0");
		return false;
	}
	if (cfg->gen_rate_pps > 1000000000ull) {
		wire_why(why, cap,
			 "wire: gen_rate_pps %llu is above 1000000000",
			 (unsigned long long)cfg->gen_rate_pps);
		return false;
	}
	if (cfg->gen_dst_mac == NULL) {
		wire_why(why, cap, "wire: generator needs gen_dst_mac");
		return false;
	}
	return true;
}

struct wire *wire_gen_open(const struct wire_config *cfg, char *why, size_t cap)
{
	const char *sizes = cfg->gen_sizes ? cfg->gen_sizes : GEN_DEFAULT_SIZES;
	struct wire_gen *gw;

	if (!gen_check_config(cfg, why, cap))
		return NULL;
	gw = calloc(1, sizeof(*gw));
	if (gw == NULL) {
		wire_why(why, cap, "wire: generator: out of memory");
		return NULL;
	}
	if (!gen_parse_sizes(gw, sizes)) {
		wire_why(why, cap,
			 "wire: gen_sizes \"%s\": expected up to %d "
			 "comma-separated lengths %d..%d",
			 sizes, GEN_MAX_SIZES, WIRE_GEN_MIN_FRAME,
			 WIRE_MAX_FRAME);
		free(gw);
		return NULL;
	}
	gw->rate_pps = cfg->gen_rate_pps;
	gw->count_limit = cfg->gen_count;
	memcpy(gw->dst_mac, cfg->gen_dst_mac, 6);
	gw->base.ops = &gen_ops;
	gw->base.fd = -1;
	gw->base.clock_ns = cfg->clock_ns;
	gw->base.clock_ctx = cfg->clock_ctx;
	/* Frame 0 is due at once; the schedule runs from here. */
	gw->start_ns = wire_clock(&gw->base);
	return &gw->base;
}
