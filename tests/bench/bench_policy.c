/*
 * Policies over time (issue 10, "Side by side"): per-client TX throughput
 * in bins as clients start and stop, under rr, drr 1:2:4, strict priority
 * and token bucket, and the latency of a sparse high-priority client while
 * the others saturate.  Sim runtime on tests/fixtures/mux_sharing.dts
 * (the fixture of test_mux_sharing): deterministic, same numbers on every
 * machine.
 *
 * Time: the model's "mem" wire has no line rate (a frame leaves when the
 * mux hands it over), so the wire is modelled after the fact as a
 * 1 Gbit/s line: each departure occupies (len + 24) * 8 ns (preamble, FCS,
 * gap) starting when the line is free and not before the sim's time of
 * departure (a shaper moves the sim's clock).  Sources are saturating, so
 * the departure order the muxes decide is what a line of that rate would
 * carry.
 *
 * Clients (1514-byte frames): c0 from 0 to 3 phases, c1 from 1 to 4, c2
 * from 2 to 4 (a phase is SDVF_BENCH_POLICY_PHASE_MS of wire time, default
 * 1000; bins of a tenth of a phase).  c3 is the probe: 64-byte frames, at
 * most two outstanding (a closed loop: the next frame is queued when one
 * comes back), from 0 to 4 phases; under prio the probe has priority 0,
 * c2 1, c0 and c1 2 (c2 starves them from phase 2);
 * its latency is queue-to-wire-end, wire time, over the phase when c0, c1
 * and c2 all saturate.  Its enqueue time is the line's time when the sim
 * step that queued it ran: exact to one departure (12.3 us at 1514 bytes).
 * Token bucket: c0..c2 at 200, 300 and 400 Mbit/s, the probe at 20 (the
 * sim's clock moves only while every PD is idle, so an unshaped saturating
 * client would stop it; the probe sends about 6).
 *
 *   usage: bench_policy OUTDIR
 * writes OUTDIR/policy_<name>.dat (bin start in s, then Mbit/s of c0..c3)
 * and prints, per policy, each phase's mean Mbit/s per client and the
 * probe's latency.  Every run ends with test_mux_sharing's buffer
 * conservation check (finish()).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/sim/sim.h"
#include "tests/unit/mux_sharing_fixture.h"

#define LINE_BPS 1000000000ull
#define WIRE_EXTRA 24u /* preamble 8, FCS 4, inter-frame gap 12 */
#define PHASES 4
#define BINS_PER_PHASE 10
#define NBINS (PHASES * BINS_PER_PHASE)
#define PROBE 3
#define PROBE_BUFS 2
#define MAX_PROBE 200000u
#define BULK_MIX 3  /* 1514 bytes */
#define PROBE_MIX 6 /* 64 bytes */

struct policy {
	const char *name, *overlay;
};

static const struct policy policies[] = {
	{"rr", "pds { txmux { config { policy = \"rr\"; }; }; };"},
	{"drr", "pds { txmux { config { policy = \"drr\"; c0_weight = <1>; "
		"c1_weight = <2>; c2_weight = <4>; c3_weight = <1>; }; }; };"},
	{"prio", "pds { txmux { config { policy = \"prio\"; c0_priority = "
		 "<2>; c1_priority = <2>; c2_priority = <1>; c3_priority = "
		 "<0>; }; }; };"},
	{"tb", "pds { txmux { config { shaper = \"token_bucket\"; c0_rate = "
	       "<0 200000000>; c1_rate = <0 300000000>; c2_rate = <0 "
	       "400000000>; c3_rate = <0 20000000>; }; }; };"},
};
#define NPOLICIES (sizeof(policies) / sizeof(policies[0]))

/* Per run: bytes per client per bin, the probe's enqueue times (line ns,
 * by its sequence number) and latencies in the all-busy phase. */
static double bin_bytes[NBINS][NSOURCES];
static uint64_t probe_enq[MAX_PROBE];
static double lat[MAX_PROBE];
static uint32_t nlat;
static uint64_t line_ns, phase_ns, t0;

/* The line's clock: its last departure's end, or the sim's time if later
 * (the line idle while a shaper holds every client). */
static uint64_t line_clock(void)
{
	uint64_t at = sdvf_sim_now(sim) - t0;
	return at > line_ns ? at : line_ns;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Start source i, never started before (all its buffers idle). */
static void start_source(int i, unsigned mix, uint32_t nbufs)
{
	char name[8];
	snprintf(name, sizeof(name), "s%d", i);
	if (src[i]->queued != 0) {
		fprintf(stderr, "bench_policy: s%d started twice\n", i);
		exit(1);
	}
	if (nbufs && nbufs < src[i]->nbufs)
		src[i]->nbufs = nbufs;
	src[i]->mix = mix;
	src[i]->started = false;
	sdvf_sim_inject(sim, name, "tx");
}

/* Place the departures drained so far on the line and bin them. */
static void account(void)
{
	for (uint32_t k = 0; k < ndep; k++) {
		uint64_t at = dep[k].t_ns - t0;
		if (at > line_ns)
			line_ns = at;
		line_ns += (uint64_t)(dep[k].len + WIRE_EXTRA) * 8u *
			   1000000000ull / LINE_BPS;
		uint64_t bin = line_ns * BINS_PER_PHASE / phase_ns;
		if (bin < NBINS)
			bin_bytes[bin][dep[k].client] += dep[k].len;
		if (dep[k].client == PROBE && dep[k].seq < MAX_PROBE &&
		    line_ns / phase_ns == 2 && nlat < MAX_PROBE)
			lat[nlat++] = (double)(line_ns - probe_enq[dep[k].seq]);
	}
	ndep = 0;
}

static void run_policy(const struct policy *p, const char *outdir)
{
	memset(bin_bytes, 0, sizeof(bin_bytes));
	nlat = 0;
	line_ns = 0;
	start(p->overlay);
	t0 = sdvf_sim_now(sim);
	start_source(PROBE, PROBE_MIX, PROBE_BUFS);
	start_source(0, BULK_MIX, 0);
	int phase = 0;
	uint64_t probe_seen = 0;
	while (line_clock() < PHASES * phase_ns) {
		int now_phase = (int)(line_clock() / phase_ns);
		for (; phase < now_phase; phase++) {
			if (phase == 0)
				start_source(1, BULK_MIX, 0);
			else if (phase == 1)
				start_source(2, BULK_MIX, 0);
			else if (phase == 2)
				src[0]->mix = 0; /* c0 stops */
		}
		uint64_t steps = sdvf_sim_run(sim, 1);
		/* frames the probe queued in this step: queued now */
		for (; probe_seen < src[PROBE]->queued; probe_seen++)
			if (probe_seen < MAX_PROBE)
				probe_enq[probe_seen] = line_clock();
		drain_wire();
		account();
		if (steps == 0) { /* idle: only a shaper's timer moves on */
			uint64_t next = sdvf_sim_next_timer(sim);
			uint64_t now = sdvf_sim_now(sim);
			if (next == UINT64_MAX) {
				fprintf(stderr, "bench_policy: %s stalled\n",
					p->name);
				exit(1);
			}
			sdvf_sim_advance(sim, next > now ? next - now : 0);
			/* the line is idle until the sim's time */
			drain_wire();
			account();
		}
	}
	finish(); /* buffer conservation, as test_mux_sharing */

	char path[512];
	snprintf(path, sizeof(path), "%s/policy_%s.dat", outdir, p->name);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	double bin_s = (double)phase_ns / BINS_PER_PHASE / 1e9;
	fprintf(f, "# %s: bin start (s), Mbit/s of c0 c1 c2 c3\n", p->name);
	for (int b = 0; b < NBINS; b++) {
		fprintf(f, "%.3f", b * bin_s);
		for (int c = 0; c < NSOURCES; c++)
			fprintf(f, " %.1f", bin_bytes[b][c] * 8 / bin_s / 1e6);
		fprintf(f, "\n");
	}
	fclose(f);

	double phase_s = (double)phase_ns / 1e9;
	for (int ph = 0; ph < PHASES; ph++) {
		double sum[NSOURCES] = {0};
		for (int b = ph * BINS_PER_PHASE; b < (ph + 1) * BINS_PER_PHASE;
		     b++)
			for (int c = 0; c < NSOURCES; c++)
				sum[c] += bin_bytes[b][c];
		printf("%-5s %5d", p->name, ph);
		for (int c = 0; c < NSOURCES; c++)
			printf(" %7.1f", sum[c] * 8 / phase_s / 1e6);
		if (ph == 2 && nlat > 0) {
			qsort(lat, nlat, sizeof(lat[0]), cmp_double);
			printf(" %8.1f %8.1f %8.1f %6u", lat[nlat / 2] / 1e3,
			       lat[(uint32_t)(nlat * 0.99)] / 1e3,
			       lat[nlat - 1] / 1e3, nlat);
		} else if (ph == 2) {
			printf(" %8s %8s %8s %6u", "-", "-", "-", 0u);
		}
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: bench_policy OUTDIR\n");
		return 2;
	}
	const char *ms = getenv("SDVF_BENCH_POLICY_PHASE_MS");
	long phase_ms = ms ? strtol(ms, NULL, 10) : 1000;
	if (phase_ms < 10 || phase_ms > 10000) {
		fprintf(stderr, "bench_policy: SDVF_BENCH_POLICY_PHASE_MS "
				"must be 10..10000\n");
		return 2;
	}
	phase_ns = (uint64_t)phase_ms * 1000000u;
	printf("policies over time: sim, 1 Gbit/s line modelled, phases of "
	       "%ld ms: c0 in 0-2, c1 in 1-3, c2 in 2-3 (1514 B, "
	       "saturating),\n"
	       "c3 the probe (64 B, 2 outstanding; prio: c3 0, c2 1, c0 c1 2) "
	       "throughout; mean Mbit/s per phase,\n"
	       "probe latency (queue to wire, us) in phase 2 (c0, c1, c2 "
	       "all saturating)\n",
	       phase_ms);
	printf("%-5s %5s %7s %7s %7s %7s %8s %8s %8s %6s\n", "policy", "phase",
	       "c0", "c1", "c2", "c3", "lat_p50", "lat_p99", "lat_max", "n");
	for (size_t i = 0; i < NPOLICIES; i++)
		run_policy(&policies[i], argv[1]);
	return 0;
}
