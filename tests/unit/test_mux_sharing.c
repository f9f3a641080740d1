/*
 * The sharing numbers of issue 8, through the real muxes, the real ENET
 * driver and its model, in the sim runtime (deterministic).  The system is
 * tests/fixtures/mux_sharing.dts; each test includes it and adds a root
 * node with its policy and client parameters.
 *
 * TX: test sources (share_source) keep their tx_active full with their own
 * mix of frame sizes; what leaves is read off the model's "mem" wire, in
 * departure order, attributed by source MAC.  The wire of the model has no
 * line rate: in virtual time a frame leaves when the mux hands it over, so
 * "saturation" is every client always having a frame staged and the order
 * is all the policy decides; time moves only for a shaper (the mux's
 * timer), and the test advances exactly to each armed timer so every
 * departure carries its exact virtual time.
 * RX: frames are injected on the wire toward test sinks (share_sink), which
 * count what they get and return it, or keep it (hoard).
 *
 * Every test ends by checking buffer conservation: the sources stop, the
 * system drains, and every TX buffer came back to its source exactly once
 * (the pool whole, nothing in flight); every RX buffer a sink holds is
 * what rx_mux says it lent, and nothing else is out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/sim/sim.h"
#include "tests/unit/mux_sharing_fixture.h"

/* Jain's fairness index of x[0..n-1]: 1 when all are equal. */
static double jain(const double *x, int n)
{
	double sum = 0, sq = 0;
	for (int i = 0; i < n; i++) {
		sum += x[i];
		sq += x[i] * x[i];
	}
	return sq > 0 ? sum * sum / (n * sq) : 1.0;
}

/* Bytes and frames of each client among the first n departures. */
static void tally(uint32_t n, double bytes[NSOURCES], double frames[NSOURCES])
{
	for (int i = 0; i < NSOURCES; i++)
		bytes[i] = frames[i] = 0;
	for (uint32_t k = 0; k < n; k++) {
		bytes[dep[k].client] += dep[k].len;
		frames[dep[k].client] += 1;
	}
}

/* ---- TX: schedulers under saturation ------------------------------------ */

#define MIXED_SOURCES                                                          \
	"s0 { config { mix = <1>; }; }; s1 { config { mix = <2>; }; };\n"      \
	"s2 { config { mix = <3>; }; }; s3 { config { mix = <4>; }; };\n"

#define SATURATED_FRAMES 20000u

/* rr is frame-fair, not byte-fair: with four different size mixes every
 * prefix of the departures has each client's frame count within one of
 * every other's. */
static void mux_sharing_rr_gives_saturating_clients_equal_frames(void **u)
{
	(void)u;
	start("pds { txmux { config { policy = \"rr\"; }; };\n" MIXED_SOURCES
	      "};");
	collect(SATURATED_FRAMES);
	uint32_t count[NSOURCES] = {0};
	for (uint32_t k = 0; k < SATURATED_FRAMES; k++) {
		count[dep[k].client]++;
		uint32_t lo = count[0], hi = count[0];
		for (int i = 1; i < NSOURCES; i++) {
			lo = count[i] < lo ? count[i] : lo;
			hi = count[i] > hi ? count[i] : hi;
		}
		assert_true(hi - lo <= 1);
	}
	double bytes[NSOURCES], frames[NSOURCES];
	tally(SATURATED_FRAMES, bytes, frames);
	printf("rr: Jain over frames %.6f, over bytes %.4f\n",
	       jain(frames, NSOURCES), jain(bytes, NSOURCES));
	finish();
}

/* drr with equal weights is byte-fair under the same mixes. */
static void mux_sharing_drr_equal_weights_is_byte_fair(void **u)
{
	(void)u;
	start("pds { txmux { config { policy = \"drr\"; }; };\n" MIXED_SOURCES
	      "};");
	collect(SATURATED_FRAMES);
	double bytes[NSOURCES], frames[NSOURCES];
	tally(SATURATED_FRAMES, bytes, frames);
	double j = jain(bytes, NSOURCES);
	printf("drr: Jain over bytes %.6f, over frames %.4f\n", j,
	       jain(frames, NSOURCES));
	assert_true(j >= 0.99);
	finish();
}

/* drr weights 1:2:4 (s3 idle): each byte share within 3% of 1/7, 2/7,
 * 4/7; the weight-1 client sends the biggest frames, the weight-4 one the
 * smallest. */
static void mux_sharing_drr_weights_share_bytes_by_weight(void **u)
{
	(void)u;
	start("pds { txmux { config { policy = \"drr\"; c0_weight = <1>; "
	      "c1_weight = <2>; c2_weight = <4>; }; };\n"
	      "s0 { config { mix = <3>; }; }; s1 { config { mix = <4>; }; };\n"
	      "s2 { config { mix = <6>; }; }; };");
	collect(SATURATED_FRAMES);
	double bytes[NSOURCES], frames[NSOURCES];
	tally(SATURATED_FRAMES, bytes, frames);
	double total = bytes[0] + bytes[1] + bytes[2];
	const double want[3] = {1.0 / 7, 2.0 / 7, 4.0 / 7};
	for (int i = 0; i < 3; i++) {
		double share = bytes[i] / total;
		printf("drr 1:2:4: client %d byte share %.5f (want %.5f)\n", i,
		       share, want[i]);
		assert_true(share > want[i] * 0.97 && share < want[i] * 1.03);
	}
	assert_true(frames[3] == 0);
	finish();
}

/* prio: 3000 frames of the high client (priority 0) and 1000 of the low
 * one (priority 1), all queued from the start: every high frame leaves
 * before the first low one. */
static void mux_sharing_prio_sends_every_high_frame_first(void **u)
{
	(void)u;
	start("pds { txmux { config { policy = \"prio\"; c0_priority = <1>; "
	      "c1_priority = <0>; }; };\n"
	      "s0 { config { mix = <4>; frames = <0 1000>; }; };\n"
	      "s1 { config { mix = <2>; frames = <0 3000>; }; }; };");
	collect(4000);
	for (uint32_t k = 0; k < 4000; k++)
		assert_int_equal(dep[k].client, k < 3000 ? 1 : 0);
	finish();
}

/* prio with a starvation bound: under a saturating high client the low
 * one (min_share 100 per mille) has, after every departure, at least
 * 10% of all bytes less (1000 + 100) * 1518 / 1000 bytes. */
static void mux_sharing_prio_min_share_bounds_starvation(void **u)
{
	(void)u;
	start("pds { txmux { config { policy = \"prio\"; c0_priority = <0>; "
	      "c1_priority = <1>; c1_min_share = <100>; }; };\n"
	      "s0 { config { mix = <4>; }; }; s1 { config { mix = <2>; }; };\n"
	      "};");
	collect(SATURATED_FRAMES);
	uint64_t total = 0, low = 0;
	for (uint32_t k = 0; k < SATURATED_FRAMES; k++) {
		total += dep[k].len;
		if (dep[k].client == 1)
			low += dep[k].len;
		assert_true(low * 1000 + 1100 * 1518 >= total * 100);
	}
	printf("prio min_share 100: low byte share %.5f\n",
	       (double)low / (double)total);
	finish();
}

/* ---- TX: the shaper -------------------------------------------------- */

#define TB_FRAMES 10000u

/* token_bucket on c0 (100 Mbit/s, mixed sizes) and c1 (30 Mbit/s, 64 and
 * 1514), both saturating, the default 32768-byte burst: over c0's first
 * 10,000 frames each rate is within 2% of its own, and no prefix of either
 * client's departures exceeds burst + rate * t (t from the mux's start,
 * when the buckets were full). */
static void mux_sharing_token_bucket_holds_rate_and_burst(void **u)
{
	(void)u;
	const uint64_t rate[2] = {100000000, 30000000}, burst = 32768;
	start("pds { txmux { config { shaper = \"token_bucket\"; "
	      "c0_rate = <0 100000000>; c1_rate = <0 30000000>; }; };\n"
	      "s0 { config { mix = <4>; }; }; s1 { config { mix = <1>; }; };\n"
	      "};");
	uint64_t t0 = sdvf_sim_now(sim);
	while (wire_frames[0] < TB_FRAMES) {
		/* everyone held: the system goes idle until the next timer */
		assert_true(sdvf_sim_run(sim, 20000) < 20000);
		drain_wire();
		uint64_t next = sdvf_sim_next_timer(sim);
		uint64_t now = sdvf_sim_now(sim);
		assert_true(next != UINT64_MAX);
		sdvf_sim_advance(sim, next > now ? next - now : 0);
		drain_wire();
	}
	uint64_t bytes[2] = {0}, last[2] = {0};
	uint32_t frames[2] = {0};
	for (uint32_t k = 0; k < ndep; k++) {
		unsigned c = dep[k].client;
		assert_true(c < 2);
		if (c == 0 && frames[0] == TB_FRAMES)
			continue;
		bytes[c] += dep[k].len;
		frames[c]++;
		last[c] = dep[k].t_ns - t0;
		/* bytes * 8e9 <= burst * 8e9 + rate * t, exactly in integers */
		assert_true(bytes[c] * 8000000000ull <=
			    burst * 8000000000ull + rate[c] * last[c]);
	}
	for (int c = 0; c < 2; c++) {
		double measured = (double)bytes[c] * 8e9 / (double)last[c];
		printf("token_bucket: client %d, %u frames: %.3f Mbit/s "
		       "(rate %.0f)\n",
		       c, frames[c], measured / 1e6, (double)rate[c] / 1e6);
		assert_true(measured >= rate[c] * 0.98 &&
			    measured <= rate[c] * 1.02);
	}
	assert_int_equal(frames[0], TB_FRAMES);
	finish();
}

/* ---- RX ----------------------------------------------------------------- */

/* rx_mux limits k0 to 100 Mbit/s (burst 8000 bytes) while the wire
 * carries 800 Mbit/s of 1000-byte frames toward it for 0.1 s; k1's frames,
 * one every 100 us in between, all arrive. */
static void mux_sharing_rx_rate_limit_cuts_a_flood_only(void **u)
{
	(void)u;
	start("pds { rxmux { config { c0_rate = <0 100000000>; "
	      "c0_burst = <8000>; }; }; };");
	const uint32_t flood = 10000;
	uint32_t to_k1 = 0;
	for (uint32_t k = 1; k <= flood; k++) {
		sdvf_sim_advance(sim, 10000); /* 1000 bytes at 800 Mbit/s */
		inject_to(0, 1000);
		if (k % 10 == 0) {
			inject_to(1, 200);
			to_k1++;
		}
		sdvf_sim_run(sim, 100000);
	}
	double seconds = (double)flood * 10000 / 1e9;
	double measured = (double)sink[0]->bytes * 8 / seconds;
	printf("rx rate limit 100 Mbit/s under an 800 Mbit/s flood: "
	       "%.3f Mbit/s delivered\n",
	       measured / 1e6);
	assert_true(measured >= 100e6 * 0.98 && measured <= 100e6 * 1.02);
	assert_int_equal(sink[0]->frames +
				 client_counter("rxmux", 0, "drop.rate_limit"),
			 flood);
	assert_int_equal(sink[1]->frames, to_k1);
	assert_int_equal(client_counter("rxmux", 1, "drop.rate_limit") +
				 client_counter("rxmux", 1, "drop.cap") +
				 client_counter("rxmux", 1, "drop.queue_full"),
			 0);
	finish();
}

/* Steps the sim takes from a frame toward sink `to` entering the wire to
 * the sink seeing it; then the system runs dry. */
static uint64_t steps_to_deliver(int to)
{
	uint64_t before = sink[to]->frames, steps = 0;
	inject_to(to, 300);
	while (sink[to]->frames == before) {
		uint64_t n = sdvf_sim_run(sim, 1);
		assert_int_equal(n, 1); /* the frame is on its way */
		steps += n;
	}
	sdvf_sim_run(sim, 100000);
	return steps;
}

#define HOARD_ROUNDS 100

/* Two frames toward k0, then one toward k1 and one toward k2, each on its
 * own: the steps to k1 and to k2, round by round. */
static void hoard_run(int hoard, uint64_t steps[2][HOARD_ROUNDS])
{
	char overlay[128];
	snprintf(overlay, sizeof(overlay),
		 "pds { k0 { config { hoard = <%d>; }; }; };", hoard);
	start(overlay);
	for (int r = 0; r < HOARD_ROUNDS; r++) {
		inject_to(0, 1514);
		inject_to(0, 64);
		sdvf_sim_run(sim, 100000);
		steps[0][r] = steps_to_deliver(1);
		steps[1][r] = steps_to_deliver(2);
	}
}

/* k0 stops returning buffers: once it holds its 32 it loses every further
 * frame, counted as its drop.cap; k1 and k2 lose none, and each of their
 * frames takes exactly as many scheduler steps from the wire to the sink
 * as in the same run with k0 returning everything. */
static void mux_sharing_rx_hoarder_costs_others_nothing(void **u)
{
	(void)u;
	static uint64_t fair[2][HOARD_ROUNDS], hoarded[2][HOARD_ROUNDS];
	hoard_run(0, fair);
	assert_int_equal(client_counter("rxmux", 0, "drop.cap"), 0);
	finish();
	hoard_run(1, hoarded);
	assert_int_equal(sink[0]->held, 32);
	assert_int_equal(client_counter("rxmux", 0, "drop.cap"),
			 2 * HOARD_ROUNDS - 32);
	for (int i = 1; i < NSINKS; i++) {
		assert_int_equal(sink[i]->frames, HOARD_ROUNDS);
		assert_int_equal(client_counter("rxmux", i, "drop.cap"), 0);
	}
	assert_memory_equal(fair, hoarded, sizeof(fair));
	printf("rx hoarder: %llu steps from the wire to k1 with and without\n",
	       (unsigned long long)hoarded[0][HOARD_ROUNDS - 1]);
	finish();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			mux_sharing_rr_gives_saturating_clients_equal_frames),
		cmocka_unit_test(mux_sharing_drr_equal_weights_is_byte_fair),
		cmocka_unit_test(mux_sharing_drr_weights_share_bytes_by_weight),
		cmocka_unit_test(mux_sharing_prio_sends_every_high_frame_first),
		cmocka_unit_test(mux_sharing_prio_min_share_bounds_starvation),
		cmocka_unit_test(mux_sharing_token_bucket_holds_rate_and_burst),
		cmocka_unit_test(mux_sharing_rx_rate_limit_cuts_a_flood_only),
		cmocka_unit_test(mux_sharing_rx_hoarder_costs_others_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
