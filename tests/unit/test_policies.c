/*
 * Specification of policies/: the registry, checked instantiation, and each
 * built-in policy against the numbers the muxes rely on.
 *
 * Most tests play a saturated TX mux (struct link below): every client
 * always has frames of given sizes queued (or a given number of them), the
 * link asks sdvf_policy_next, charges the frame to the scheduler and the
 * shaper, and advances virtual time by the frame's wire time (frame + 24
 * bytes of preamble, FCS and gap) at its line rate.  When the shaper holds
 * every ready client, time jumps to the wake time it reported, as the mux's
 * timer would.  Measured numbers are printed ("measured: ...") so a run
 * shows them; the asserts hold the bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/sysdesc/sysdesc.h"
#include "policies/policy.h"

#define GBIT 1000000000ull
#define MBIT 1000000ull
#define NS_PER_S 1000000000ull
#define WIRE_OVERHEAD 24u /* preamble + SFD 8, FCS 4, inter-frame gap 12 */
#define FOREVER UINT64_MAX
#define CLIENTS 8u

/* ---- parameters --------------------------------------------------------- */

struct setting {
	int client; /* -1: policy-wide */
	const char *key;
	uint64_t value;
};

/* What the description would say: the settings given, table defaults for
 * the rest (as the loader answers an absent optional parameter). */
struct params {
	const struct sdvf_policy *policy;
	struct setting set[2 * CLIENTS + 4];
	unsigned nset;
};

static void param_set(struct params *p, int client, const char *key,
		      uint64_t value)
{
	assert_true(p->nset < sizeof(p->set) / sizeof(p->set[0]));
	p->set[p->nset++] = (struct setting){client, key, value};
}

static uint64_t param_u64(void *ctx, int client, const char *key)
{
	struct params *p = ctx;
	for (unsigned i = 0; i < p->nset; i++) {
		if (p->set[i].client == client &&
		    strcmp(p->set[i].key, key) == 0)
			return p->set[i].value;
	}
	const struct sdvf_param *param =
		sdvf_policy_param(p->policy, client >= 0, key);
	assert_non_null(param); /* a policy reads only keys it declares */
	return param->default_u64;
}

/* A slot of `name` for n clients, or fail the test with the fault. */
static struct sdvf_policy_slot *slot_new(const char *name, unsigned n,
					 struct params *p)
{
	struct sdvf_policy_slot *slot = calloc(1, sizeof(*slot));
	assert_non_null(slot);
	p->policy = sdvf_policy_find(name);
	assert_non_null(p->policy);
	struct sdvf_policy_config cfg = {
		.nclients = n, .u64 = param_u64, .ctx = p};
	struct sdvf_policy_fault fault;
	if (sdvf_policy_init(slot, p->policy, &cfg, &fault) < 0)
		fail_msg("policy %s: client %d: %s = %llu: %s", name,
			 fault.client, fault.key ? fault.key : "-",
			 (unsigned long long)fault.value, fault.why);
	return slot;
}

static struct sdvf_policy_slot *slot_plain(const char *name, unsigned n)
{
	struct params p = {0};
	return slot_new(name, n, &p);
}

/* ---- the saturated link -------------------------------------------------- */

enum sizes { FIXED, UNIFORM, ALTERNATE };

struct client {
	enum sizes sizes;
	uint32_t size;	  /* FIXED; ALTERNATE: 64 and this */
	uint64_t rng;	  /* UNIFORM: 64..1514 */
	uint64_t backlog; /* frames queued; FOREVER: saturating */
	uint32_t head;	  /* length of the frame at the head */
	uint64_t frames, bytes;
};

struct send {
	uint64_t t_ns;
	unsigned client;
	uint32_t len;
};

struct link {
	struct sdvf_policy_slot *sched, *shaper;
	unsigned n;
	uint64_t line_bps;
	uint64_t now_ns;
	uint64_t wire_rem; /* remainder of the wire-time division */
	uint64_t sent_bytes;
	struct client c[CLIENTS];
	struct send *trace; /* every send, when not NULL */
	size_t ntrace, trace_cap;
};

static uint32_t next_size(struct client *c)
{
	switch (c->sizes) {
	case FIXED:
		return c->size;
	case ALTERNATE:
		return c->frames % 2 ? c->size : 64;
	case UNIFORM:
		c->rng = c->rng * 6364136223846793005ull +
			 1442695040888963407ull;
		return 64 + (uint32_t)((c->rng >> 33) % (1514 - 64 + 1));
	}
	return 0;
}

static void client_set(struct link *l, unsigned i, enum sizes sizes,
		       uint32_t size, uint64_t backlog)
{
	struct client *c = &l->c[i];
	*c = (struct client){.sizes = sizes,
			     .size = size,
			     .rng = 1 + i * 7919,
			     .backlog = backlog};
	c->head = next_size(c);
}

static void link_init(struct link *l, unsigned n, uint64_t line_bps,
		      struct sdvf_policy_slot *sched,
		      struct sdvf_policy_slot *shaper)
{
	*l = (struct link){
		.sched = sched, .shaper = shaper, .n = n, .line_bps = line_bps};
	for (unsigned i = 0; i < n; i++)
		client_set(l, i, FIXED, 1000, FOREVER);
}

static void link_trace(struct link *l, size_t cap)
{
	l->trace = calloc(cap, sizeof(*l->trace));
	assert_non_null(l->trace);
	l->trace_cap = cap;
}

static void link_free(struct link *l)
{
	free(l->sched);
	free(l->shaper);
	free(l->trace);
}

/* One decision and, if a client was picked, its frame on the wire.
 * Returns the client, or SDVF_POLICY_NONE with time moved to the wake time
 * (NONE and no wake time: nothing will ever be sent). */
static int link_step(struct link *l, uint64_t *wake_ns)
{
	uint64_t mask = 0;
	uint32_t head_len[SDVF_POLICY_CLIENTS_MAX];
	for (unsigned i = 0; i < l->n; i++) {
		head_len[i] = l->c[i].head;
		if (l->c[i].backlog)
			mask |= 1ull << i;
	}
	struct sdvf_policy_ready ready = {mask, head_len, l->now_ns};
	int who = sdvf_policy_next(l->sched, l->shaper, &ready, wake_ns);
	if (who == SDVF_POLICY_NONE) {
		if (*wake_ns) {
			assert_true(*wake_ns > l->now_ns);
			l->now_ns = *wake_ns;
		}
		return who;
	}
	assert_true(who >= 0 && (unsigned)who < l->n);
	struct client *c = &l->c[who];
	assert_true(c->backlog > 0);
	uint32_t len = c->head;
	sdvf_policy_charge(l->sched, (unsigned)who, len, l->now_ns);
	sdvf_policy_charge(l->shaper, (unsigned)who, len, l->now_ns);
	if (l->trace && l->ntrace < l->trace_cap)
		l->trace[l->ntrace++] =
			(struct send){l->now_ns, (unsigned)who, len};
	c->frames++;
	c->bytes += len;
	l->sent_bytes += len;
	if (c->backlog != FOREVER)
		c->backlog--;
	c->head = next_size(c);
	uint64_t bits =
		(uint64_t)(len + WIRE_OVERHEAD) * 8 * NS_PER_S + l->wire_rem;
	l->now_ns += bits / l->line_bps;
	l->wire_rem = bits % l->line_bps;
	return who;
}

/* Run until `frames` frames were sent (by `only`, or by anyone if
 * only < 0), or nothing can ever be sent again. */
static void link_run(struct link *l, uint64_t frames, int only)
{
	uint64_t wake, done = 0;
	while (done < frames) {
		int who = link_step(l, &wake);
		if (who == SDVF_POLICY_NONE && !wake)
			return;
		if (who != SDVF_POLICY_NONE && (only < 0 || who == only))
			done++;
	}
}

/* Jain's fairness index of x[0..n-1]: 1 when all are equal, 1/n when one
 * has everything.  (Test code: floating point is fine here.) */
static double jain(const double *x, unsigned n)
{
	double sum = 0, sq = 0;
	for (unsigned i = 0; i < n; i++) {
		sum += x[i];
		sq += x[i] * x[i];
	}
	return sq ? sum * sum / (n * sq) : 1;
}

static double jain_bytes(const struct link *l)
{
	double x[CLIENTS];
	for (unsigned i = 0; i < l->n; i++)
		x[i] = (double)l->c[i].bytes;
	return jain(x, l->n);
}

static double jain_frames(const struct link *l)
{
	double x[CLIENTS];
	for (unsigned i = 0; i < l->n; i++)
		x[i] = (double)l->c[i].frames;
	return jain(x, l->n);
}

/* The three mixes of 4 clients the fairness tests run, 64..1514 bytes. */
enum mix { MIX_PER_CLIENT, MIX_MIXED, MIX_UNIFORM, MIXES };
static const char *const mix_name[] = {
	"64/576/1024/1514 per client",
	"64, uniform, alternating 64|1514, 1514",
	"each uniform 64..1514",
};

static void link_mix(struct link *l, enum mix mix)
{
	static const uint32_t per_client[] = {64, 576, 1024, 1514};
	for (unsigned i = 0; i < 4; i++) {
		if (mix == MIX_PER_CLIENT)
			client_set(l, i, FIXED, per_client[i], FOREVER);
		else if (mix == MIX_UNIFORM)
			client_set(l, i, UNIFORM, 0, FOREVER);
	}
	if (mix == MIX_MIXED) {
		client_set(l, 0, FIXED, 64, FOREVER);
		client_set(l, 1, UNIFORM, 0, FOREVER);
		client_set(l, 2, ALTERNATE, 1514, FOREVER);
		client_set(l, 3, FIXED, 1514, FOREVER);
	}
}

/* ---- registry and instantiation ------------------------------------------ */

static void builtins_are_found_by_name(void **state)
{
	(void)state;
	static const char *const names[] = {"rr", "drr", "prio", "token_bucket",
					    "least_served"};
	for (unsigned i = 0; i < 5; i++) {
		const struct sdvf_policy *p = sdvf_policy_find(names[i]);
		assert_non_null(p);
		assert_string_equal(p->name, names[i]);
		assert_true(p->state_size <= SDVF_POLICY_STATE_MAX);
		assert_int_equal(p->kind, i == 3 ? SDVF_POLICY_SHAPER
						 : SDVF_POLICY_SCHEDULER);
	}
	assert_null(sdvf_policy_find("wfq"));
	assert_null(sdvf_policy_find(""));
	assert_null(sdvf_policy_find("dr"));
	assert_null(sdvf_policy_find("drrr"));
}

/* Every table entry is a U64 whose default is valid, so an absent
 * parameter always means something allowed. */
static void every_parameter_is_u64_with_a_valid_default(void **state)
{
	(void)state;
	for (const struct sdvf_policy *const *p = sdvf_builtin_policies; *p;
	     p++) {
		const struct sdvf_param *tables[] = {(*p)->params,
						     (*p)->client_params};
		for (unsigned t = 0; t < 2; t++) {
			for (const struct sdvf_param *q = tables[t];
			     q && q->name; q++) {
				assert_int_equal(q->type, SDVF_PARAM_U64);
				assert_false(q->required);
				assert_true(q->default_u64 >= q->min);
				assert_true(q->default_u64 <= q->max);
				assert_non_null(q->help);
			}
		}
	}
}

/* The tables are the loader's own parameter form: a component declaring a
 * policy's per-client table gets `sdvf check`'s messages for free. */
static const char loader_dts[] = "/dts-v1/;\n"
				 "/ {\n"
				 "	compatible = \"sdvf,system\";\n"
				 "	pds { c0 {\n"
				 "		component = \"%s\";\n"
				 "		config { %s };\n"
				 "	}; };\n"
				 "};\n";

static char *loader_errors(const struct sdvf_component *comp,
			   const char *config)
{
	const struct sdvf_component *const table[] = {comp, NULL};
	char dts[1024], *errors = NULL;
	size_t len;
	snprintf(dts, sizeof(dts), loader_dts, comp->name, config);
	FILE *err = open_memstream(&errors, &len);
	assert_non_null(err);
	struct sdvf_system sys;
	int rc = sdvf_system_load_dts(&sys, "t.dts", dts, table, err);
	fclose(err);
	if (rc == 0)
		sdvf_system_free(&sys);
	return errors;
}

static void loader_checks_policy_parameters_by_name_and_range(void **state)
{
	(void)state;
	const struct sdvf_component drr_client = {
		.name = "drr_client",
		.role = SDVF_ROLE_CLIENT,
		.params = sdvf_policy_find("drr")->client_params,
	};
	const struct sdvf_component tb_client = {
		.name = "tb_client",
		.role = SDVF_ROLE_CLIENT,
		.params = sdvf_policy_find("token_bucket")->client_params,
	};
	char *e = loader_errors(&drr_client, "weight = <4>;");
	assert_string_equal(e, "");
	free(e);
	e = loader_errors(&drr_client, "weight = <0>;");
	assert_string_equal(e, "t.dts: /pds/c0/config: property 'weight': 0 "
			       "is out of range (1..1024)\n");
	free(e);
	e = loader_errors(&drr_client, "weight = <1025>;");
	assert_string_equal(e, "t.dts: /pds/c0/config: property 'weight': "
			       "1025 is out of range (1..1024)\n");
	free(e);
	e = loader_errors(&tb_client, "rate = <1000000>; burst = <1517>;");
	assert_string_equal(e, "t.dts: /pds/c0/config: property 'burst': "
			       "1517 is out of range (1518..268435456)\n");
	free(e);
	e = loader_errors(&tb_client, "rate = <1000000>; burst = <1518>;");
	assert_string_equal(e, "");
	free(e);
}

static int init_fault(const char *name, unsigned n, struct params *p,
		      struct sdvf_policy_fault *fault)
{
	struct sdvf_policy_slot *slot = calloc(1, sizeof(*slot));
	assert_non_null(slot);
	p->policy = sdvf_policy_find(name);
	struct sdvf_policy_config cfg = {
		.nclients = n, .u64 = param_u64, .ctx = p};
	int rc = sdvf_policy_init(slot, p->policy, &cfg, fault);
	if (rc < 0)
		assert_null(slot->policy);
	free(slot);
	return rc;
}

static void
init_refuses_a_weight_out_of_range_naming_client_and_key(void **state)
{
	(void)state;
	struct params p = {0};
	struct sdvf_policy_fault fault;
	param_set(&p, 2, "weight", 1025);
	assert_int_equal(init_fault("drr", 4, &p, &fault), -1);
	assert_int_equal(fault.client, 2);
	assert_string_equal(fault.key, "weight");
	assert_int_equal(fault.value, 1025);
	assert_string_equal(fault.why, "out of range");
	p.set[0].value = 0;
	assert_int_equal(init_fault("drr", 4, &p, &fault), -1);
	p.set[0].value = 1024;
	assert_int_equal(init_fault("drr", 4, &p, &fault), 0);
}

static void init_refuses_a_quantum_below_one_largest_frame(void **state)
{
	(void)state;
	struct params p = {0};
	struct sdvf_policy_fault fault;
	param_set(&p, -1, "quantum", SDVF_NET_FRAME_MAX - 1);
	assert_int_equal(init_fault("drr", 2, &p, &fault), -1);
	assert_int_equal(fault.client, -1);
	assert_string_equal(fault.key, "quantum");
}

static void init_refuses_min_shares_summing_over_1000(void **state)
{
	(void)state;
	struct params p = {0};
	struct sdvf_policy_fault fault;
	param_set(&p, 0, "min_share", 600);
	param_set(&p, 1, "min_share", 401);
	assert_int_equal(init_fault("prio", 3, &p, &fault), -1);
	assert_int_equal(fault.client, -1);
	assert_string_equal(fault.key, "min_share");
	assert_int_equal(fault.value, 1001);
	p.set[1].value = 400;
	assert_int_equal(init_fault("prio", 3, &p, &fault), 0);
}

static void init_refuses_zero_and_65_clients(void **state)
{
	(void)state;
	struct params p = {0};
	struct sdvf_policy_fault fault;
	assert_int_equal(init_fault("rr", 0, &p, &fault), -1);
	assert_int_equal(fault.value, 0);
	assert_int_equal(init_fault("rr", 65, &p, &fault), -1);
	assert_int_equal(fault.value, 65);
	assert_int_equal(init_fault("rr", 64, &p, &fault), 0);
}

/* ---- every scheduler ---------------------------------------------------- */

static const char *const schedulers[] = {"rr", "drr", "prio", "least_served"};
#define NSCHED 4u

static void every_scheduler_picks_none_with_nobody_ready(void **state)
{
	(void)state;
	uint32_t head_len[4] = {100, 100, 100, 100};
	for (unsigned s = 0; s < NSCHED; s++) {
		struct sdvf_policy_slot *slot = slot_plain(schedulers[s], 4);
		struct sdvf_policy_ready ready = {0, head_len, 0};
		uint64_t wake = 1;
		assert_int_equal(sdvf_policy_next(slot, NULL, &ready, &wake),
				 SDVF_POLICY_NONE);
		assert_int_equal(wake, 0);
		free(slot);
	}
}

static void every_scheduler_gives_a_single_client_every_frame(void **state)
{
	(void)state;
	for (unsigned s = 0; s < NSCHED; s++) {
		struct link l;
		link_init(&l, 1, GBIT, slot_plain(schedulers[s], 1), NULL);
		client_set(&l, 0, UNIFORM, 0, FOREVER);
		link_run(&l, 10000, -1);
		assert_int_equal(l.c[0].frames, 10000);
		link_free(&l);
	}
}

/* A client that is ready only from frame 100 on, and one that goes idle
 * after 3 frames, are never picked while they have nothing queued (the
 * link asserts it on every step). */
static void every_scheduler_picks_only_clients_with_work(void **state)
{
	(void)state;
	for (unsigned s = 0; s < NSCHED; s++) {
		struct link l;
		link_init(&l, 3, GBIT, slot_plain(schedulers[s], 3), NULL);
		client_set(&l, 1, FIXED, 700, 0);
		client_set(&l, 2, FIXED, 64, 3);
		link_run(&l, 100, -1);
		assert_int_equal(l.c[1].frames, 0);
		l.c[1].backlog = FOREVER;
		link_run(&l, 1000, -1);
		assert_true(l.c[1].frames > 0);
		assert_true(l.c[2].frames <= 3);
		link_free(&l);
	}
}

/* A pick is not charged when the mux drops the frame (a bad descriptor):
 * the policy must neither stall nor hand out a client that is not ready. */
static void every_scheduler_survives_picks_without_charge(void **state)
{
	(void)state;
	uint32_t head_len[3] = {1514, 64, 700};
	for (unsigned s = 0; s < NSCHED; s++) {
		struct sdvf_policy_slot *slot = slot_plain(schedulers[s], 3);
		struct sdvf_policy_ready ready = {0x5, head_len, 0};
		uint64_t wake;
		for (unsigned k = 0; k < 1000; k++) {
			int who = sdvf_policy_next(slot, NULL, &ready, &wake);
			assert_true(who == 0 || who == 2);
		}
		free(slot);
	}
}

/* ---- rr --------------------------------------------------------------------
 */

static void rr_takes_turns_in_index_order(void **state)
{
	(void)state;
	struct link l;
	link_init(&l, 4, GBIT, slot_plain("rr", 4), NULL);
	client_set(&l, 2, FIXED, 64, 0);
	link_trace(&l, 9);
	link_run(&l, 9, -1);
	static const unsigned expect[] = {0, 1, 3, 0, 1, 3, 0, 1, 3};
	for (unsigned k = 0; k < 9; k++)
		assert_int_equal(l.trace[k].client, expect[k]);
	link_free(&l);
}

/* RR is frame-fair: equal frame counts whatever the sizes, so its byte
 * fairness is whatever the size mix makes it. */
static void rr_is_frame_fair_and_not_byte_fair(void **state)
{
	(void)state;
	for (unsigned mix = 0; mix < MIXES; mix++) {
		struct link l;
		link_init(&l, 4, GBIT, slot_plain("rr", 4), NULL);
		link_mix(&l, mix);
		link_run(&l, 100000, -1);
		for (unsigned i = 0; i < 4; i++)
			assert_int_equal(l.c[i].frames, 25000);
		printf("measured: rr, %s: Jain over frames %.4f, over bytes "
		       "%.4f\n",
		       mix_name[mix], jain_frames(&l), jain_bytes(&l));
		assert_true(jain_frames(&l) > 0.9999);
		if (mix == MIX_PER_CLIENT)
			assert_true(jain_bytes(&l) < 0.7);
		link_free(&l);
	}
}

/* ---- drr -------------------------------------------------------------------
 */

static struct sdvf_policy_slot *drr_weights(unsigned n, const uint64_t *w,
					    uint64_t quantum)
{
	struct params p = {0};
	if (quantum)
		param_set(&p, -1, "quantum", quantum);
	for (unsigned i = 0; i < n; i++)
		param_set(&p, (int)i, "weight", w[i]);
	return slot_new("drr", n, &p);
}

static void drr_equal_weights_is_byte_fair_under_mixed_sizes(void **state)
{
	(void)state;
	for (unsigned mix = 0; mix < MIXES; mix++) {
		struct link l;
		link_init(&l, 4, GBIT, slot_plain("drr", 4), NULL);
		link_mix(&l, mix);
		link_run(&l, 100000, -1);
		printf("measured: drr, %s: Jain over bytes %.7f, over frames "
		       "%.4f\n",
		       mix_name[mix], jain_bytes(&l), jain_frames(&l));
		assert_true(jain_bytes(&l) >= 0.99);
		link_free(&l);
	}
}

/* Byte shares within 3% (relative) of weight shares 1/7, 2/7, 4/7, with
 * the smallest weight on the largest frames and the largest on the
 * smallest. */
static void drr_weights_1_2_4_give_byte_shares_within_3_percent(void **state)
{
	(void)state;
	static const uint64_t w[] = {1, 2, 4};
	struct link l;
	link_init(&l, 3, GBIT, drr_weights(3, w, 0), NULL);
	client_set(&l, 0, FIXED, 1514, FOREVER);
	client_set(&l, 1, UNIFORM, 0, FOREVER);
	client_set(&l, 2, FIXED, 64, FOREVER);
	link_run(&l, 300000, -1);
	for (unsigned i = 0; i < 3; i++) {
		double share = (double)l.c[i].bytes / (double)l.sent_bytes;
		double want = (double)w[i] / 7;
		printf("measured: drr 1:2:4, client %u: byte share %.5f, "
		       "weight share %.5f, off by %+.3f%%\n",
		       i, share, want, 100 * (share - want) / want);
		assert_true(share > want * 0.97 && share < want * 1.03);
	}
	link_free(&l);
}

/* The bytes of client `who`'s first turn at or after trace index `from`. */
static uint64_t first_turn_bytes(const struct link *l, size_t from,
				 unsigned who)
{
	size_t k = from;
	while (k < l->ntrace && l->trace[k].client != who)
		k++;
	uint64_t bytes = 0;
	for (; k < l->ntrace && l->trace[k].client == who; k++)
		bytes += l->trace[k].len;
	return bytes;
}

/* Client 1 (weight 4) sends its 2 queued frames early in a turn worth
 * 6072 bytes and goes idle with 4072 unspent.  Back much later, its first
 * turn is worth one quantum again: 6 frames, not 10. */
static void drr_client_back_from_idle_has_no_stale_deficit(void **state)
{
	(void)state;
	static const uint64_t w[] = {1, 4, 1};
	struct link l;
	link_init(&l, 3, GBIT, drr_weights(3, w, 0), NULL);
	client_set(&l, 1, FIXED, 1000, 2);
	link_trace(&l, 20000);
	link_run(&l, 5000, -1);
	assert_int_equal(l.c[1].frames, 2);
	size_t back = l.ntrace;
	l.c[1].backlog = FOREVER;
	link_run(&l, 100, -1);
	assert_int_equal(first_turn_bytes(&l, back, 1), 6 * 1000);
	link_free(&l);
}

/* A client that is ready only from frame 1000 on starts with one turn's
 * credit: no deficit accrues while it has nothing queued. */
static void drr_late_client_starts_with_one_turn_of_credit(void **state)
{
	(void)state;
	struct link l;
	link_init(&l, 4, GBIT, slot_plain("drr", 4), NULL);
	link_mix(&l, MIX_MIXED);
	l.c[0].backlog = 0;
	link_trace(&l, 3000);
	link_run(&l, 1000, -1);
	size_t back = l.ntrace;
	l.c[0].backlog = FOREVER;
	link_run(&l, 1000, -1);
	/* 23 frames of 64 fit 1518 bytes of credit. */
	assert_int_equal(first_turn_bytes(&l, back, 0), 23 * 64);
	link_free(&l);
}

/* Weights 1 and 1024 with the largest quantum: a turn of 67108864 bytes
 * neither overflows nor loses a byte of credit. */
static void drr_weights_and_quantum_at_their_bounds(void **state)
{
	(void)state;
	static const uint64_t w[] = {1024, 1};
	struct link l;
	link_init(&l, 2, 10 * GBIT, drr_weights(2, w, 65536), NULL);
	client_set(&l, 0, FIXED, 1514, FOREVER);
	client_set(&l, 1, FIXED, 1514, FOREVER);
	link_run(&l, 44325, -1);
	assert_int_equal(l.c[0].frames, 44325); /* 67108864 / 1514 */
	link_run(&l, 43, -1);
	assert_int_equal(l.c[1].frames, 43); /* 65536 / 1514 */
	assert_int_equal(l.c[0].frames, 44325);
	/* The next turn adds the 814 bytes left over: 67109678 / 1514. */
	link_run(&l, 44326, -1);
	assert_int_equal(l.c[0].frames, 44325 + 44326);
	link_run(&l, 1, -1);
	assert_int_equal(l.c[1].frames, 44);
	link_free(&l);

	static const uint64_t w_small[] = {1024, 1};
	link_init(&l, 2, GBIT, drr_weights(2, w_small, 0), NULL);
	link_mix(&l, MIX_UNIFORM);
	link_run(&l, 400000, -1);
	double share = (double)l.c[1].bytes / (double)l.sent_bytes;
	printf("measured: drr 1024:1, weight-1 byte share %.6f (weight share "
	       "%.6f)\n",
	       share, 1.0 / 1025);
	assert_true(share > 0.97 / 1025 && share < 1.03 / 1025);
	link_free(&l);
}

/* ---- prio ------------------------------------------------------------------
 */

static struct sdvf_policy_slot *prio_with(unsigned n, const uint64_t *prio,
					  const uint64_t *min_share)
{
	struct params p = {0};
	for (unsigned i = 0; i < n; i++) {
		param_set(&p, (int)i, "priority", prio[i]);
		param_set(&p, (int)i, "min_share", min_share[i]);
	}
	return slot_new("prio", n, &p);
}

/* Client 0 (priority 1) and client 1 (priority 0, 5000 frames queued)
 * saturate from the start: all 5000 high frames leave first. */
static void prio_high_frames_all_leave_before_any_low_frame(void **state)
{
	(void)state;
	static const uint64_t prio[] = {1, 0}, none[] = {0, 0};
	struct link l;
	link_init(&l, 2, GBIT, prio_with(2, prio, none), NULL);
	client_set(&l, 0, UNIFORM, 0, FOREVER);
	client_set(&l, 1, UNIFORM, 0, 5000);
	link_trace(&l, 6000);
	link_run(&l, 6000, -1);
	for (unsigned k = 0; k < 6000; k++)
		assert_int_equal(l.trace[k].client, k < 5000 ? 1 : 0);
	/* High frames that arrive later still overtake the queued low ones. */
	l.c[1].backlog = 3;
	l.ntrace = 0;
	link_run(&l, 4, -1);
	assert_int_equal(l.trace[0].client, 1);
	assert_int_equal(l.trace[1].client, 1);
	assert_int_equal(l.trace[2].client, 1);
	assert_int_equal(l.trace[3].client, 0);
	link_free(&l);
}

static void prio_equal_priorities_take_turns(void **state)
{
	(void)state;
	static const uint64_t prio[] = {3, 1, 1, 1}, none[] = {0, 0, 0, 0};
	struct link l;
	link_init(&l, 4, GBIT, prio_with(4, prio, none), NULL);
	link_trace(&l, 6);
	link_run(&l, 6, -1);
	static const unsigned expect[] = {1, 2, 3, 1, 2, 3};
	for (unsigned k = 0; k < 6; k++)
		assert_int_equal(l.trace[k].client, expect[k]);
	link_free(&l);
}

/* min_share 100 per mille, equal frames: the low client sends exactly
 * every tenth frame, the first after ten high ones. */
static void prio_min_share_is_exact_with_equal_frames(void **state)
{
	(void)state;
	static const uint64_t prio[] = {0, 7}, share[] = {0, 100};
	struct link l;
	link_init(&l, 2, GBIT, prio_with(2, prio, share), NULL);
	link_trace(&l, 100000);
	link_run(&l, 100000, -1);
	for (unsigned k = 0; k < 100000; k++)
		assert_int_equal(l.trace[k].client,
				 (k + 1) % 10 == 1 && k >= 10 ? 1 : 0);
	assert_int_equal(l.c[1].frames, 9999);
	link_free(&l);
}

/* Mixed sizes: after every frame, the low client has at least min_share of
 * all bytes, less the bound's (1000 + min_share) * 1518 / 1000. */
static void prio_min_share_bound_holds_after_every_frame(void **state)
{
	(void)state;
	static const uint64_t shares[] = {50, 100, 333};
	for (unsigned s = 0; s < 3; s++) {
		uint64_t prio[] = {0, 5}, share[] = {0, shares[s]};
		struct link l;
		link_init(&l, 2, GBIT, prio_with(2, prio, share), NULL);
		client_set(&l, 0, UNIFORM, 0, FOREVER);
		client_set(&l, 1, UNIFORM, 0, FOREVER);
		l.c[1].rng = 12345;
		uint64_t wake;
		for (unsigned k = 0; k < 200000; k++) {
			link_step(&l, &wake);
			assert_true(1000 * l.c[1].bytes +
					    (1000 + share[1]) *
						    SDVF_NET_FRAME_MAX >=
				    share[1] * l.sent_bytes);
		}
		printf("measured: prio, min_share %llu per mille: low byte "
		       "share %.5f\n",
		       (unsigned long long)share[1],
		       (double)l.c[1].bytes / (double)l.sent_bytes);
		link_free(&l);
	}
}

/* Without a share a saturating high client starves the low one entirely. */
static void prio_without_min_share_starves_low(void **state)
{
	(void)state;
	static const uint64_t prio[] = {0, 1}, none[] = {0, 0};
	struct link l;
	link_init(&l, 2, GBIT, prio_with(2, prio, none), NULL);
	link_run(&l, 50000, -1);
	assert_int_equal(l.c[1].frames, 0);
	link_free(&l);
}

/* Credit earned while ready is dropped when the client is seen idle: it
 * comes back owed nothing and waits its ten frames again. */
static void prio_min_share_is_not_saved_up_while_idle(void **state)
{
	(void)state;
	static const uint64_t prio[] = {0, 1}, share[] = {0, 100};
	struct link l;
	link_init(&l, 2, GBIT, prio_with(2, prio, share), NULL);
	l.c[1].backlog = 0;
	link_run(&l, 1000, -1);
	link_trace(&l, 20);
	l.c[1].backlog = FOREVER;
	link_run(&l, 11, -1);
	for (unsigned k = 0; k < 11; k++)
		assert_int_equal(l.trace[k].client, k == 10 ? 1 : 0);
	link_free(&l);
}

/* ---- token_bucket ---------------------------------------------------------
 */

static struct sdvf_policy_slot *tb_with(unsigned n, const uint64_t *rate,
					const uint64_t *burst)
{
	struct params p = {0};
	for (unsigned i = 0; i < n; i++) {
		param_set(&p, (int)i, "rate", rate[i]);
		if (burst[i])
			param_set(&p, (int)i, "burst", burst[i]);
	}
	return slot_new("token_bucket", n, &p);
}

/* In every window between two of `who`'s sends, its bytes <= burst +
 * rate * window.  O(sends): with C the bytes before a send at t, the bound
 * over all windows is max over j of (8e9 C_j+1 - rate t_j) - min over i <=
 * j of (8e9 C_i - rate t_i) <= 8e9 burst. */
static void assert_burst_kept(const struct link *l, unsigned who, uint64_t rate,
			      uint64_t burst)
{
	__int128 cum = 0, lowest = 0, worst = 0;
	bool first = true;
	for (size_t k = 0; k < l->ntrace; k++) {
		if (l->trace[k].client != who)
			continue;
		__int128 before =
			cum * 8000000000 - (__int128)rate * l->trace[k].t_ns;
		if (first || before < lowest)
			lowest = before;
		first = false;
		cum += l->trace[k].len;
		__int128 after =
			cum * 8000000000 - (__int128)rate * l->trace[k].t_ns;
		if (after - lowest > worst)
			worst = after - lowest;
	}
	assert_true(worst <= (__int128)burst * 8000000000);
}

/* `who`'s rate from its first send (at 0) to its last: the bytes of every
 * frame but the last over that time. */
static double rate_of(const struct link *l, unsigned who)
{
	uint64_t last = 0, bytes = 0, last_len = 0;
	for (size_t k = 0; k < l->ntrace; k++) {
		if (l->trace[k].client == who) {
			last = l->trace[k].t_ns;
			bytes += l->trace[k].len;
			last_len = l->trace[k].len;
		}
	}
	assert_int_not_equal(last, 0);
	return (double)(bytes - last_len) * 8e9 / (double)last;
}

/* Client 0 shaped below its drr share (a quarter of the line), three
 * unshaped clients saturating beside it: over 10,000 of client 0's
 * frames, its rate within 2%, no window over burst + rate * t, and the
 * other clients fill the rest of the line. */
static void tb_rate_within_2_percent_and_burst_kept_beside_drr(void **state)
{
	(void)state;
	static const uint64_t rates[] = {100 * MBIT, 10 * MBIT, 200 * MBIT};
	for (unsigned r = 0; r < 3; r++) {
		uint64_t rate[] = {rates[r], 0, 0, 0}, burst[] = {0, 0, 0, 0};
		struct link l;
		link_init(&l, 4, GBIT, slot_plain("drr", 4),
			  tb_with(4, rate, burst));
		link_mix(&l, MIX_UNIFORM);
		link_trace(&l, 1500000);
		link_run(&l, 10000, 0);
		assert_true(l.ntrace < l.trace_cap);
		assert_int_equal(l.c[0].frames, 10000);
		double measured = rate_of(&l, 0);
		printf("measured: token_bucket %llu Mbit/s beside 3 drr "
		       "clients: %.4f Mbit/s (%+.3f%%), line used %.4f\n",
		       (unsigned long long)(rates[r] / MBIT), measured / 1e6,
		       100 * (measured - (double)rates[r]) / (double)rates[r],
		       (double)(l.sent_bytes + WIRE_OVERHEAD * l.ntrace) * 8e9 /
			       (double)l.now_ns / (double)GBIT);
		assert_true(measured > 0.98 * (double)rates[r] &&
			    measured < 1.02 * (double)rates[r]);
		assert_burst_kept(&l, 0, rates[r], 32768);
		link_free(&l);
	}
}

/* A rate above the client's scheduler share is a ceiling, not a
 * guarantee: shaped at 500 Mbit/s beside three others, it gets its drr
 * quarter of the line like them. */
static void tb_rate_above_the_fair_share_is_only_a_ceiling(void **state)
{
	(void)state;
	uint64_t rate[] = {500 * MBIT, 0, 0, 0}, burst[] = {0, 0, 0, 0};
	struct link l;
	link_init(&l, 4, GBIT, slot_plain("drr", 4), tb_with(4, rate, burst));
	link_mix(&l, MIX_UNIFORM);
	link_run(&l, 100000, -1);
	printf("measured: token_bucket 500 Mbit/s beside 3 drr clients: "
	       "byte share %.4f, Jain over bytes %.6f\n",
	       (double)l.c[0].bytes / (double)l.sent_bytes, jain_bytes(&l));
	assert_true(jain_bytes(&l) >= 0.99);
	link_free(&l);
}

/* Shaped alone on the line: the link idles between frames and jumps to the
 * wake times the shaper reports. */
static void tb_paces_a_lone_client_with_exact_wake_times(void **state)
{
	(void)state;
	uint64_t rate[] = {100 * MBIT}, burst[] = {8000};
	struct link l;
	link_init(&l, 1, GBIT, slot_plain("rr", 1), tb_with(1, rate, burst));
	client_set(&l, 0, FIXED, 1000, FOREVER);
	link_trace(&l, 10000);
	link_run(&l, 10000, 0);
	double measured = rate_of(&l, 0);
	printf("measured: token_bucket 100 Mbit/s alone: %.4f Mbit/s\n",
	       measured / 1e6);
	assert_true(measured > 0.98e8 && measured < 1.02e8);
	assert_burst_kept(&l, 0, rate[0], burst[0]);
	/* Once the burst is spent, one frame each 80 us exactly. */
	for (size_t k = 20; k < l.ntrace; k++)
		assert_int_equal(l.trace[k].t_ns - l.trace[k - 1].t_ns, 80000);
	link_free(&l);
}

static void tb_wake_time_is_the_first_eligible_ns(void **state)
{
	(void)state;
	uint64_t rate[] = {3 * MBIT}, burst[] = {2000};
	struct sdvf_policy_slot *tb = tb_with(1, rate, burst);
	struct sdvf_policy_slot *rr = slot_plain("rr", 1);
	uint64_t wake;
	sdvf_policy_charge(tb, 0, 2000, 0); /* empty */
	assert_false(sdvf_policy_admit_one(tb, 0, 1001, 0, &wake));
	/* 8008 bits at 3 Mbit/s: 2669333.3 ns, rounded up. */
	assert_int_equal(wake, 2669334);
	uint32_t head_len[1] = {1001};
	struct sdvf_policy_ready ready = {1, head_len, wake - 1};
	assert_int_equal(sdvf_policy_next(rr, tb, &ready, &wake),
			 SDVF_POLICY_NONE);
	assert_int_equal(wake, 2669334);
	ready.now_ns = wake;
	assert_int_equal(sdvf_policy_next(rr, tb, &ready, &wake), 0);
	assert_int_equal(wake, 0);
	free(tb);
	free(rr);
}

static void tb_rate_zero_is_unshaped(void **state)
{
	(void)state;
	uint64_t rate[] = {0, 0}, burst[] = {0, 0};
	struct link l;
	link_init(&l, 2, GBIT, slot_plain("drr", 2), tb_with(2, rate, burst));
	link_mix(&l, MIX_UNIFORM);
	link_run(&l, 10000, -1);
	/* Never held: the line is busy from the first ns to the last. */
	uint64_t bits = (l.sent_bytes + WIRE_OVERHEAD * 10000ull) * 8;
	assert_int_equal(l.now_ns, bits); /* 1 ns per bit at 1 Gbit/s */
	uint64_t wake;
	assert_true(sdvf_policy_admit_one(l.shaper, 0, 1518, 0, &wake));
	assert_int_equal(wake, 0);
	link_free(&l);
}

/* A bucket of exactly one largest frame: one frame at a time, never two
 * closer than that frame's time at the rate. */
static void tb_burst_of_exactly_one_frame(void **state)
{
	(void)state;
	uint64_t rate[] = {50 * MBIT, 0}, burst[] = {SDVF_NET_FRAME_MAX, 0};
	struct link l;
	link_init(&l, 2, GBIT, slot_plain("rr", 2), tb_with(2, rate, burst));
	client_set(&l, 0, FIXED, SDVF_NET_FRAME_MAX, FOREVER);
	client_set(&l, 1, FIXED, 64, FOREVER);
	link_trace(&l, 2000000);
	link_run(&l, 2000, 0);
	uint64_t gap = SDVF_NET_FRAME_MAX * 8000000000ull / rate[0];
	uint64_t prev = 0;
	bool first = true;
	for (size_t k = 0; k < l.ntrace; k++) {
		if (l.trace[k].client != 0)
			continue;
		assert_true(first || l.trace[k].t_ns - prev >= gap);
		prev = l.trace[k].t_ns;
		first = false;
	}
	assert_burst_kept(&l, 0, rate[0], burst[0]);
	double measured = rate_of(&l, 0);
	printf("measured: token_bucket 50 Mbit/s, burst one 1518-byte frame, "
	       "beside a 64-byte client: %.4f Mbit/s\n",
	       measured / 1e6);
	/* A frame waits up to one 64-byte frame for the line, and a full
	 * bucket cannot bank that time: a little under the rate. */
	assert_true(measured > 0.98 * 50e6 && measured <= 50e6);
	link_free(&l);
}

/* An hour idle at the largest rate and burst: the bucket is full, not
 * wrapped: exactly burst bytes go at once, then nothing. */
static void tb_hour_idle_gap_fills_without_overflow(void **state)
{
	(void)state;
	uint64_t rate[] = {1000000000000ull, 1}, burst[] = {1ull << 28, 1518};
	struct sdvf_policy_slot *tb = tb_with(2, rate, burst);
	uint64_t wake, now = 5;
	sdvf_policy_charge(tb, 0, 1 << 20, now); /* nearly empty */
	sdvf_policy_charge(tb, 1, 1518, now);
	now += 3600 * NS_PER_S;
	uint64_t sent = 0;
	while (sdvf_policy_admit_one(tb, 0, 1500, now, &wake)) {
		sdvf_policy_charge(tb, 0, 1500, now);
		sent += 1500;
	}
	assert_int_equal(sent, (1ull << 28) / 1500 * 1500);
	/* 1456 bytes are left; the other 44 take 0.352 ns, rounded up. */
	assert_int_equal(wake, now + 1);
	/* 1 bit/s for an hour: 450 bytes, not yet a 1000-byte frame. */
	assert_false(sdvf_policy_admit_one(tb, 1, 1000, now, &wake));
	assert_int_equal(wake, now + (8000 - 3600) * NS_PER_S);
	/* A jump to the end of time neither wraps nor wakes in the past. */
	assert_true(sdvf_policy_admit_one(tb, 1, 1000, UINT64_MAX - 1, &wake));
	sdvf_policy_charge(tb, 1, 1000, UINT64_MAX - 1);
	assert_false(sdvf_policy_admit_one(tb, 1, 1000, UINT64_MAX - 1, &wake));
	assert_int_equal(wake, UINT64_MAX);
	free(tb);
}

/* A clock that steps back is no time passing: no tokens, no loss. */
static void tb_clock_step_back_adds_nothing(void **state)
{
	(void)state;
	uint64_t rate[] = {8 * MBIT}, burst[] = {2000};
	struct sdvf_policy_slot *tb = tb_with(1, rate, burst);
	uint64_t wake;
	sdvf_policy_charge(tb, 0, 2000, 1000000); /* empty at 1 ms */
	assert_false(sdvf_policy_admit_one(tb, 0, 1000, 0, &wake));
	assert_int_equal(wake, 2000000); /* from 1 ms, not from 0 */
	/* 1000 bytes at 1 byte/us: 1 ms after it was emptied. */
	assert_false(sdvf_policy_admit_one(tb, 0, 1000, 1999999, &wake));
	assert_int_equal(wake, 2000000);
	assert_true(sdvf_policy_admit_one(tb, 0, 1000, 2000000, &wake));
	free(tb);
}

/* RX: a flood at line rate towards client 0, limited to 100 Mbit/s, while
 * client 1 receives its own 200 Mbit/s unshaped.  The RX mux asks
 * admit_one per frame and charges what it delivers. */
static void rx_shaper_keeps_a_flood_to_one_client_at_its_rate(void **state)
{
	(void)state;
	uint64_t rate[] = {100 * MBIT, 0}, burst[] = {16384, 0};
	struct sdvf_policy_slot *tb = tb_with(2, rate, burst);
	uint64_t now = 0, wake, delivered[2] = {0, 0}, offered[2] = {0, 0};
	uint64_t window_start = 0, window_bytes = 0;
	/* Arrivals: 1000-byte frames back to back at 1 Gbit/s (8.192 us
	 * with overhead), every fifth to client 1. */
	for (unsigned k = 0; k < 200000; k++) {
		unsigned to = k % 5 == 4;
		offered[to] += 1000;
		if (sdvf_policy_admit_one(tb, to, 1000, now, &wake)) {
			sdvf_policy_charge(tb, to, 1000, now);
			delivered[to] += 1000;
			if (to == 0) {
				window_bytes += 1000;
				/* burst + rate * t over the whole run. */
				assert_true(
					window_bytes * 8000000000ull <=
					16384 * 8000000000ull +
						rate[0] * (now - window_start));
			}
		}
		now += (1000 + WIRE_OVERHEAD) * 8;
	}
	double measured = (double)delivered[0] * 8e9 / (double)now;
	printf("measured: rx token_bucket 100 Mbit/s under an 800 Mbit/s "
	       "flood: %.4f Mbit/s delivered\n",
	       measured / 1e6);
	assert_true(measured > 0.98e8 && measured < 1.02e8);
	assert_int_equal(delivered[1], offered[1]);
	free(tb);
}

/* ---- least_served ---------------------------------------------------------
 */

static void least_served_is_byte_fair_within_one_frame(void **state)
{
	(void)state;
	for (unsigned mix = 0; mix < MIXES; mix++) {
		struct link l;
		link_init(&l, 4, GBIT, slot_plain("least_served", 4), NULL);
		link_mix(&l, mix);
		uint64_t wake;
		for (unsigned k = 0; k < 100000; k++) {
			link_step(&l, &wake);
			uint64_t lo = UINT64_MAX, hi = 0;
			for (unsigned i = 0; i < 4; i++) {
				lo = l.c[i].bytes < lo ? l.c[i].bytes : lo;
				hi = l.c[i].bytes > hi ? l.c[i].bytes : hi;
			}
			assert_true(hi - lo <= SDVF_NET_FRAME_MAX);
		}
		printf("measured: least_served, %s: Jain over bytes %.7f\n",
		       mix_name[mix], jain_bytes(&l));
		assert_true(jain_bytes(&l) >= 0.99);
		link_free(&l);
	}
}

/* A client back from idling starts level with the others (idle_credit 0):
 * it does not get the whole difference it fell behind by. */
static void least_served_client_back_from_idle_gets_no_burst(void **state)
{
	(void)state;
	struct link l;
	link_init(&l, 3, GBIT, slot_plain("least_served", 3), NULL);
	l.c[2].backlog = 0;
	link_trace(&l, 3000);
	link_run(&l, 2000, -1);
	size_t back = l.ntrace;
	l.c[2].backlog = FOREVER;
	link_run(&l, 30, -1);
	/* Round robin from here on: 1000-byte frames, never two in a row. */
	for (size_t k = back + 1; k < l.ntrace; k++)
		assert_int_not_equal(l.trace[k].client, l.trace[k - 1].client);
	link_free(&l);
}

/* With idle_credit, a returning client keeps exactly that head start. */
static void least_served_idle_credit_is_the_head_start(void **state)
{
	(void)state;
	struct params p = {0};
	param_set(&p, -1, "idle_credit", 5000);
	struct link l;
	link_init(&l, 3, GBIT, slot_new("least_served", 3, &p), NULL);
	l.c[2].backlog = 0;
	link_trace(&l, 3000);
	link_run(&l, 2000, -1);
	size_t back = l.ntrace;
	l.c[2].backlog = FOREVER;
	link_run(&l, 30, -1);
	/* 5000 bytes behind the floor: 5 frames, then the one that brings
	 * it level (ties go on round robin). */
	assert_int_equal(first_turn_bytes(&l, back, 2), 6 * 1000);
	link_free(&l);
}

/* ---- the framework's own checks -------------------------------------------
 */

static int bad_init(void *state, const struct sdvf_policy_config *cfg,
		    struct sdvf_policy_fault *fault)
{
	(void)state, (void)cfg, (void)fault;
	return 0;
}

static int bad_pick(void *state, const struct sdvf_policy_ready *ready)
{
	(void)state;
	return ready->mask ? 3 : 1; /* never in the mask below */
}

static void next_refuses_a_pick_outside_the_ready_set(void **state)
{
	(void)state;
	static const struct sdvf_policy bad = {
		.name = "bad",
		.kind = SDVF_POLICY_SCHEDULER,
		.init = bad_init,
		.pick = bad_pick,
	};
	struct sdvf_policy_slot *slot = calloc(1, sizeof(*slot));
	struct params p = {.policy = &bad};
	struct sdvf_policy_config cfg = {
		.nclients = 2, .u64 = param_u64, .ctx = &p};
	struct sdvf_policy_fault fault;
	assert_int_equal(sdvf_policy_init(slot, &bad, &cfg, &fault), 0);
	uint32_t head_len[2] = {64, 64};
	struct sdvf_policy_ready ready = {0x1, head_len, 0};
	uint64_t wake;
	/* 3 is beyond nclients; 1 is not ready. */
	assert_int_equal(sdvf_policy_next(slot, NULL, &ready, &wake),
			 SDVF_POLICY_NONE);
	ready.mask = 0;
	assert_int_equal(sdvf_policy_next(slot, NULL, &ready, &wake),
			 SDVF_POLICY_NONE);
	free(slot);
}

static void a_failed_or_missing_slot_sends_nothing_and_admits_all(void **state)
{
	(void)state;
	struct sdvf_policy_slot *slot = calloc(1, sizeof(*slot));
	uint32_t head_len[1] = {64};
	struct sdvf_policy_ready ready = {1, head_len, 0};
	uint64_t wake;
	assert_int_equal(sdvf_policy_next(slot, NULL, &ready, &wake),
			 SDVF_POLICY_NONE);
	assert_true(sdvf_policy_admit_one(NULL, 0, 64, 0, &wake));
	sdvf_policy_charge(NULL, 0, 64, 0);
	sdvf_policy_charge(slot, 0, 64, 0);
	/* A client beyond nclients is not charged (it would be written
	 * outside the state: ASan would say). */
	struct sdvf_policy_slot *ls = slot_plain("least_served", 1);
	sdvf_policy_charge(ls, 1000, 64, 0);
	sdvf_policy_charge(ls, 1, 64, 0);
	free(ls);
	/* A shaper where a scheduler belongs picks nothing. */
	struct sdvf_policy_slot *tb = slot_plain("token_bucket", 1);
	assert_int_equal(sdvf_policy_next(tb, NULL, &ready, &wake),
			 SDVF_POLICY_NONE);
	free(tb);
	free(slot);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtins_are_found_by_name),
		cmocka_unit_test(every_parameter_is_u64_with_a_valid_default),
		cmocka_unit_test(
			loader_checks_policy_parameters_by_name_and_range),
		cmocka_unit_test(
			init_refuses_a_weight_out_of_range_naming_client_and_key),
		cmocka_unit_test(
			init_refuses_a_quantum_below_one_largest_frame),
		cmocka_unit_test(init_refuses_min_shares_summing_over_1000),
		cmocka_unit_test(init_refuses_zero_and_65_clients),
		cmocka_unit_test(every_scheduler_picks_none_with_nobody_ready),
		cmocka_unit_test(
			every_scheduler_gives_a_single_client_every_frame),
		cmocka_unit_test(every_scheduler_picks_only_clients_with_work),
		cmocka_unit_test(every_scheduler_survives_picks_without_charge),
		cmocka_unit_test(rr_takes_turns_in_index_order),
		cmocka_unit_test(rr_is_frame_fair_and_not_byte_fair),
		cmocka_unit_test(
			drr_equal_weights_is_byte_fair_under_mixed_sizes),
		cmocka_unit_test(
			drr_weights_1_2_4_give_byte_shares_within_3_percent),
		cmocka_unit_test(
			drr_client_back_from_idle_has_no_stale_deficit),
		cmocka_unit_test(
			drr_late_client_starts_with_one_turn_of_credit),
		cmocka_unit_test(drr_weights_and_quantum_at_their_bounds),
		cmocka_unit_test(
			prio_high_frames_all_leave_before_any_low_frame),
		cmocka_unit_test(prio_equal_priorities_take_turns),
		cmocka_unit_test(prio_min_share_is_exact_with_equal_frames),
		cmocka_unit_test(prio_min_share_bound_holds_after_every_frame),
		cmocka_unit_test(prio_without_min_share_starves_low),
		cmocka_unit_test(prio_min_share_is_not_saved_up_while_idle),
		cmocka_unit_test(
			tb_rate_within_2_percent_and_burst_kept_beside_drr),
		cmocka_unit_test(
			tb_rate_above_the_fair_share_is_only_a_ceiling),
		cmocka_unit_test(tb_paces_a_lone_client_with_exact_wake_times),
		cmocka_unit_test(tb_wake_time_is_the_first_eligible_ns),
		cmocka_unit_test(tb_rate_zero_is_unshaped),
		cmocka_unit_test(tb_burst_of_exactly_one_frame),
		cmocka_unit_test(tb_hour_idle_gap_fills_without_overflow),
		cmocka_unit_test(tb_clock_step_back_adds_nothing),
		cmocka_unit_test(
			rx_shaper_keeps_a_flood_to_one_client_at_its_rate),
		cmocka_unit_test(least_served_is_byte_fair_within_one_frame),
		cmocka_unit_test(
			least_served_client_back_from_idle_gets_no_burst),
		cmocka_unit_test(least_served_idle_credit_is_the_head_start),
		cmocka_unit_test(next_refuses_a_pick_outside_the_ready_set),
		cmocka_unit_test(
			a_failed_or_missing_slot_sends_nothing_and_admits_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
