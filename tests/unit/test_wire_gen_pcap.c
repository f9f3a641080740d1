/*
 * Wire backends, specification, continued: the generator/sink under a test
 * clock, and pcap recording and replay (byte-exact round trip, file fields,
 * wall-clock timestamps, the size limit, tcpdump reads it, malformed
 * captures).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "driver/enet/wire/wire.h"

#define WHY_CAP 256

struct test_clock {
	uint64_t now_ns;
};

static uint64_t test_clock_read(void *ctx)
{
	return ((struct test_clock *)ctx)->now_ns;
}

static const uint8_t dst_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};

static struct wire *open_ok(const struct wire_config *cfg)
{
	char why[WHY_CAP] = "";
	struct wire *w = wire_open(cfg, why, sizeof(why));

	if (w == NULL)
		fail_msg("wire_open: %s", why);
	return w;
}

static void expect_open_error(const struct wire_config *cfg,
			      const char *expected)
{
	char why[WHY_CAP] = "";

	assert_null(wire_open(cfg, why, sizeof(why)));
	assert_string_equal(why, expected);
}

static void fill_frame(uint8_t *frame, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		frame[i] = (uint8_t)(seed + i * 7);
}

/* A unique temporary path, removed by the caller. */
static void temp_path(char *path, size_t cap, const char *tag)
{
	static int serial;

	snprintf(path, cap, "/tmp/sdvf-test-wire-%d-%d-%s.pcap", (int)getpid(),
		 serial++, tag);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *file = fopen(path, "wb");

	assert_non_null(file);
	assert_int_equal(fwrite(data, 1, len, file), len);
	fclose(file);
}

/* ---- generator -------------------------------------------------------- */

static struct wire_config gen_config(struct test_clock *clock, uint64_t pps)
{
	struct wire_config cfg = {
		.kind = "generator",
		.gen_rate_pps = pps,
		.gen_dst_mac = dst_mac,
		.clock_ns = test_clock_read,
		.clock_ctx = clock,
	};
	return cfg;
}

static void generator_paces_frames_at_rate_on_test_clock(void **state)
{
	struct test_clock clock = {.now_ns = 5000};
	struct wire_config cfg = gen_config(&clock, 1000);
	struct wire *w = open_ok(&cfg);
	uint8_t got[2048];

	(void)state;
	assert_int_equal(wire_recv(w, got, sizeof(got)), 60);
	assert_int_equal(wire_recv(w, got, sizeof(got)), 0);
	assert_int_equal(wire_next_deadline(w, clock.now_ns), 5000 + 1000000);
	clock.now_ns = 5000 + 999999;
	assert_int_equal(wire_recv(w, got, sizeof(got)), 0);
	clock.now_ns = 5000 + 1000000;
	assert_int_equal(wire_recv(w, got, sizeof(got)), 60);
	assert_int_equal(wire_next_deadline(w, clock.now_ns), 5000 + 2000000);
	assert_int_equal(wire_stats(w)->rx_frames, 2);
	wire_close(w);
}

static void generator_schedule_is_exact_for_uneven_periods(void **state)
{
	struct test_clock clock = {.now_ns = 0};
	struct wire_config cfg = gen_config(&clock, 3);
	struct wire *w = open_ok(&cfg);
	const uint64_t due[] = {333333333, 666666666, 1000000000, 1333333333};
	uint8_t got[64];

	(void)state;
	assert_int_equal(wire_recv(w, got, sizeof(got)), 60);
	for (size_t i = 0; i < sizeof(due) / sizeof(due[0]); i++) {
		assert_int_equal(wire_next_deadline(w, clock.now_ns), due[i]);
		clock.now_ns = due[i];
		assert_int_equal(wire_recv(w, got, sizeof(got)), 60);
	}
	wire_close(w);
}

static void generator_catches_up_one_frame_per_call_when_late(void **state)
{
	struct test_clock clock = {.now_ns = 0};
	struct wire_config cfg = gen_config(&clock, 1000);
	struct wire *w = open_ok(&cfg);
	uint8_t got[64];
	int frames = 0;

	(void)state;
	clock.now_ns = 10000000; /* 10 ms late: frames 0..10 are due */
	while (wire_recv(w, got, sizeof(got)) > 0)
		frames++;
	assert_int_equal(frames, 11);
	assert_int_equal(wire_next_deadline(w, clock.now_ns), 11000000);
	wire_close(w);
}

static void generator_cycles_the_size_mix(void **state)
{
	struct test_clock clock = {.now_ns = 0};
	struct wire_config cfg = gen_config(&clock, 1000000000);
	const long expected[] = {64, 594, 1514, 64, 594, 1514, 64};
	struct wire *w;
	uint8_t got[2048];

	(void)state;
	cfg.gen_sizes = "64,594,1514";
	w = open_ok(&cfg);
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		clock.now_ns = i;
		assert_int_equal(wire_recv(w, got, sizeof(got)), expected[i]);
	}
	assert_int_equal(wire_stats(w)->rx_bytes, 64 * 3 + 594 * 2 + 1514 * 2);
	wire_close(w);
}

static void generator_frames_carry_marker_and_sequence(void **state)
{
	struct test_clock clock = {.now_ns = 0};
	struct wire_config cfg = gen_config(&clock, 1000000000);
	const uint8_t src_mac[6] = WIRE_GEN_SRC_MAC;
	uint8_t got[2048];
	struct wire *w;

	(void)state;
	cfg.gen_sizes = "100";
	w = open_ok(&cfg);
	for (uint64_t seq = 0; seq < 300; seq++) {
		clock.now_ns = seq;
		assert_int_equal(wire_recv(w, got, sizeof(got)), 100);
		assert_memory_equal(got, dst_mac, 6);
		assert_memory_equal(got + 6, src_mac, 6);
		assert_int_equal(got[12], 0x88);
		assert_int_equal(got[13], 0xb5);
		for (int i = 0; i < 8; i++)
			assert_int_equal(got[14 + i],
					 (uint8_t)(seq >> (56 - 8 * i)));
		for (int i = 22; i < 100; i++)
			assert_int_equal(got[i], (uint8_t)(seq + i));
	}
	wire_close(w);
}

static void generator_stops_after_gen_count(void **state)
{
	struct test_clock clock = {.now_ns = 0};
	struct wire_config cfg = gen_config(&clock, 1000);
	struct wire *w;
	uint8_t got[64];

	(void)state;
	cfg.gen_count = 3;
	w = open_ok(&cfg);
	clock.now_ns = 1000000000;
	for (int i = 0; i < 3; i++)
		assert_int_equal(wire_recv(w, got, sizeof(got)), 60);
	assert_int_equal(wire_recv(w, got, sizeof(got)), 0);
	assert_true(wire_next_deadline(w, clock.now_ns) == UINT64_MAX);
	wire_close(w);
}

static void generator_has_no_fd(void **state)
{
	struct test_clock clock = {0};
	struct wire_config cfg = gen_config(&clock, 1);
	struct wire *w = open_ok(&cfg);

	(void)state;
	assert_int_equal(wire_fd(w), -1);
	wire_close(w);
}

static void sink_counts_frames_sent_into_it(void **state)
{
	struct test_clock clock = {0};
	struct wire_config cfg = gen_config(&clock, 1);
	struct wire *w = open_ok(&cfg);
	uint8_t frame[1514] = {0};

	(void)state;
	assert_int_equal(wire_send(w, frame, 1514), 0);
	assert_int_equal(wire_send(w, frame, 60), 0);
	assert_int_equal(wire_stats(w)->tx_frames, 2);
	assert_int_equal(wire_stats(w)->tx_bytes, 1574);
	wire_close(w);
}

static void generator_rejects_zero_rate(void **state)
{
	struct test_clock clock = {0};
	struct wire_config cfg = gen_config(&clock, 0);

	(void)state;
	expect_open_error(&cfg, "wire: generator needs gen_rate_pps > 0");
}

static void generator_rejects_rate_above_1e9(void **state)
{
	struct test_clock clock = {0};
	struct wire_config cfg = gen_config(&clock, 1000000001);

	(void)state;
	expect_open_error(&cfg,
			  "wire: gen_rate_pps 1000000001 is above 1000000000");
}

static void generator_rejects_missing_dst_mac(void **state)
{
	struct test_clock clock = {0};
	struct wire_config cfg = gen_config(&clock, 10);

	(void)state;
	cfg.gen_dst_mac = NULL;
	expect_open_error(&cfg, "wire: generator needs gen_dst_mac");
}

static void generator_rejects_bad_size_lists(void **state)
{
	static const char *const bad[] = {
		"",
		"64,",
		",64",
		"64,,64",
		"21",
		"16385",
		"64;60",
		"abc",
		"64, 594",
		"99999999999999999999",
		"60,60,60,60,60,60,60,60,60,60,60,60,60,60,60,60,60",
	};
	struct test_clock clock = {0};
	char expected[WHY_CAP];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct wire_config cfg = gen_config(&clock, 10);

		cfg.gen_sizes = bad[i];
		snprintf(expected, sizeof(expected),
			 "wire: gen_sizes \"%s\": expected up to 16 "
			 "comma-separated lengths 22..16384",
			 bad[i]);
		expect_open_error(&cfg, expected);
	}
}

/* ---- pcap record ------------------------------------------------------ */

/* A mem wire recording to `path`; the test clock is both the wire's clock
 * and the wall clock, so a record's timestamp is the test clock's time. */
static struct wire *open_recording(const char *path, struct test_clock *clock)
{
	struct wire_config cfg = {
		.kind = "mem",
		.pcap_record = path,
		.clock_ns = test_clock_read,
		.wall_clock_ns = test_clock_read,
		.clock_ctx = clock,
	};
	return open_ok(&cfg);
}

static long file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (long)st.st_size;
}

/* What the hosted runtime's sdvf_now_ns is: time since boot, not a date. */
static uint64_t monotonic_ns(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void pcap_record_writes_classic_header_and_records(void **state)
{
	struct test_clock clock = {.now_ns = 1500000000ull + 250999};
	uint8_t frame[60], file[24 + 16 + 60 + 8];
	char path[128];
	uint32_t u32;
	uint16_t u16;
	struct wire *w;
	FILE *in;

	(void)state;
	temp_path(path, sizeof(path), "hdr");
	w = open_recording(path, &clock);
	fill_frame(frame, sizeof(frame), 40);
	wire_send(w, frame, sizeof(frame));
	wire_close(w);
	in = fopen(path, "rb");
	assert_non_null(in);
	assert_int_equal(fread(file, 1, sizeof(file), in), 24 + 16 + 60);
	fclose(in);
	remove(path);
	memcpy(&u32, file, 4);
	assert_int_equal(u32, 0xa1b2c3d4);
	memcpy(&u16, file + 4, 2);
	assert_int_equal(u16, 2);
	memcpy(&u16, file + 6, 2);
	assert_int_equal(u16, 4);
	memcpy(&u32, file + 16, 4);
	assert_int_equal(u32, 65535); /* snaplen */
	memcpy(&u32, file + 20, 4);
	assert_int_equal(u32, 1); /* LINKTYPE_ETHERNET */
	memcpy(&u32, file + 24, 4);
	assert_int_equal(u32, 1); /* ts_sec */
	memcpy(&u32, file + 28, 4);
	assert_int_equal(u32, 500250); /* ts_usec */
	memcpy(&u32, file + 32, 4);
	assert_int_equal(u32, 60);
	memcpy(&u32, file + 36, 4);
	assert_int_equal(u32, 60);
	assert_memory_equal(file + 40, frame, 60);
}

static void pcap_record_then_replay_is_byte_exact_both_ways(void **state)
{
	struct test_clock clock = {.now_ns = 1000};
	const size_t lens[5] = {60, 1514, 13, 594, 9000};
	static uint8_t frames[5][9000], got[WIRE_MAX_FRAME];
	struct wire_config replay = {.kind = "pcap"};
	char path[128];
	struct wire *w;

	(void)state;
	temp_path(path, sizeof(path), "trip");
	w = open_recording(path, &clock);
	for (int i = 0; i < 5; i++) {
		fill_frame(frames[i], lens[i], (uint8_t)(50 + i));
		clock.now_ns += 1000;
		if (i % 2 == 0) { /* received by the model */
			wire_mem_inject(w, frames[i], lens[i]);
			assert_int_equal(wire_recv(w, got, sizeof(got)),
					 lens[i]);
		} else { /* sent by the model */
			assert_int_equal(wire_send(w, frames[i], lens[i]), 0);
		}
	}
	wire_close(w);
	replay.pcap_replay = path;
	w = open_ok(&replay);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(wire_next_deadline(w, 77), 77);
		assert_int_equal(wire_recv(w, got, sizeof(got)), lens[i]);
		assert_memory_equal(got, frames[i], lens[i]);
	}
	assert_int_equal(wire_recv(w, got, sizeof(got)), 0);
	assert_true(wire_next_deadline(w, 77) == UINT64_MAX);
	assert_int_equal(wire_stats(w)->rx_errors, 0);
	wire_close(w);
	remove(path);
}

static void pcap_record_keeps_original_length_of_cut_giant(void **state)
{
	struct test_clock clock = {0};
	uint8_t frame[300], got[128];
	struct wire_config replay = {.kind = "pcap"};
	char path[128];
	struct wire *w;

	(void)state;
	temp_path(path, sizeof(path), "giant");
	w = open_recording(path, &clock);
	fill_frame(frame, sizeof(frame), 60);
	wire_mem_inject(w, frame, sizeof(frame));
	assert_int_equal(wire_recv(w, got, 100), 300);
	wire_close(w);
	replay.pcap_replay = path;
	w = open_ok(&replay);
	/* Only the 100 bytes the model saw were captured. */
	assert_int_equal(wire_recv(w, got, sizeof(got)), 100);
	assert_memory_equal(got, frame, 100);
	wire_close(w);
	remove(path);
}

static void pcap_record_is_readable_by_tcpdump(void **state)
{
	struct test_clock clock = {.now_ns = 3000000000ull};
	struct test_clock gen_clock = {.now_ns = 0};
	struct wire_config gen = gen_config(&gen_clock, 1000000000);
	char path[128], cmd[256], line[512];
	uint8_t got[2048];
	struct wire *w, *source;
	int lines = 0, marked = 0;
	FILE *out;

	(void)state;
	if (access("/usr/bin/tcpdump", X_OK) != 0)
		fail_msg("/usr/bin/tcpdump missing: `make deps` installs it");
	temp_path(path, sizeof(path), "tcpdump");
	w = open_recording(path, &clock);
	source = open_ok(&gen);
	for (int i = 0; i < 4; i++) {
		gen_clock.now_ns = (uint64_t)i;
		assert_int_equal(wire_recv(source, got, sizeof(got)), 60);
		wire_send(w, got, 60);
	}
	wire_close(source);
	wire_close(w);
	snprintf(cmd, sizeof(cmd), "tcpdump -tt -nn -e -r %s 2>/dev/null",
		 path);
	out = popen(cmd, "r");
	assert_non_null(out);
	while (fgets(line, sizeof(line), out) != NULL) {
		if (line[0] == '\t')
			continue; /* hex dump of an unknown EtherType */
		lines++;
		if (strncmp(line, "3.000000 ", 9) == 0 &&
		    strstr(line, "02:73:64:76:66:00 > 02:00:00:00:00:0a") &&
		    strstr(line, "ethertype Unknown (0x88b5), length 60"))
			marked++;
	}
	assert_int_equal(pclose(out), 0);
	remove(path);
	assert_int_equal(lines, 4);
	assert_int_equal(marked, 4);
}

/* A wire whose clock is monotonic (the model's, in the hosted runtime)
 * still stamps frames with the date: the wall clock at open plus the
 * wire's clock since. */
static void pcap_record_stamps_frames_with_wall_clock_time(void **state)
{
	struct wire_config cfg = {
		.kind = "loopback",
		.clock_ns = monotonic_ns,
	};
	uint8_t frame[60] = {0}, file[24 + 16];
	time_t before = time(NULL), after;
	uint32_t ts_sec;
	char path[128];
	struct wire *w;
	FILE *in;

	(void)state;
	temp_path(path, sizeof(path), "wall");
	cfg.pcap_record = path;
	w = open_ok(&cfg);
	wire_send(w, frame, sizeof(frame));
	wire_close(w);
	after = time(NULL);
	in = fopen(path, "rb");
	assert_non_null(in);
	assert_int_equal(fread(file, 1, sizeof(file), in), sizeof(file));
	fclose(in);
	remove(path);
	memcpy(&ts_sec, file + 24, 4);
	if ((time_t)ts_sec < before - 1 || (time_t)ts_sec > after + 1)
		fail_msg("ts_sec %u, wall clock %ld..%ld", ts_sec, (long)before,
			 (long)after);
}

/* The capture is the traffic's first frames up to pcap_record_max bytes,
 * header included; every frame after is counted, none recorded, even one
 * small enough to fit in what is left. */
static void
pcap_record_stops_at_its_size_limit_and_counts_the_rest(void **state)
{
	struct test_clock clock = {.now_ns = 1000};
	struct wire_config replay = {.kind = "pcap"};
	struct wire_config cfg = {
		.kind = "loopback",
		.pcap_record_max = 24 + 3 * (16 + 60) + 40,
		.clock_ns = test_clock_read,
		.wall_clock_ns = test_clock_read,
		.clock_ctx = &clock,
	};
	uint8_t frames[4][60], got[64];
	char path[128];
	struct wire *w;

	(void)state;
	temp_path(path, sizeof(path), "limit");
	cfg.pcap_record = path;
	w = open_ok(&cfg);
	for (int i = 0; i < 4; i++) {
		fill_frame(frames[i], sizeof(frames[i]), (uint8_t)(70 + i));
		assert_int_equal(wire_send(w, frames[i], 60), 0);
		assert_int_equal(wire_recv(w, got, sizeof(got)), 60);
	}
	assert_int_equal(wire_send(w, frames[0], 14), 0); /* 30 bytes: fits */
	assert_int_equal(wire_stats(w)->tx_frames, 5);
	assert_int_equal(wire_stats(w)->rx_frames, 4);
	assert_int_equal(wire_stats(w)->record_dropped, 9 - 3);
	assert_int_equal(wire_stats(w)->record_errors, 0);
	wire_close(w);
	assert_int_equal(file_size(path), 24 + 3 * (16 + 60));
	replay.pcap_replay = path;
	w = open_ok(&replay);
	/* sent 0, received 0, sent 1 */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(wire_recv(w, got, sizeof(got)), 60);
		assert_memory_equal(got, frames[i / 2], 60);
	}
	assert_int_equal(wire_recv(w, got, sizeof(got)), 0);
	wire_close(w);
	remove(path);
}

/* Without pcap_record_max a capture stops at 16 MiB. */
static void pcap_record_limit_defaults_to_16_mib(void **state)
{
	struct wire_config cfg = {.kind = "mem", .mem_depth = 1024};
	static uint8_t frame[WIRE_MAX_FRAME];
	const long limit = 16l << 20;
	char path[128];
	struct wire *w;
	int sent = 0;

	(void)state;
	temp_path(path, sizeof(path), "default");
	cfg.pcap_record = path;
	w = open_ok(&cfg);
	while (wire_stats(w)->record_dropped == 0 && sent < 2000) {
		wire_mem_inject(w, frame, sizeof(frame));
		wire_recv(w, frame, sizeof(frame));
		sent++;
	}
	wire_close(w);
	/* (limit - 24) / (16 + 16384) records fit: 1022. */
	assert_int_equal(sent, 1023);
	assert_int_equal(file_size(path), 24 + 1022 * (16 + WIRE_MAX_FRAME));
	assert_true(file_size(path) <= limit);
	remove(path);
}

static void pcap_record_rejects_limit_below_header(void **state)
{
	char path[128];
	struct wire_config cfg = {.kind = "loopback", .pcap_record_max = 23};

	(void)state;
	temp_path(path, sizeof(path), "tiny");
	cfg.pcap_record = path;
	expect_open_error(&cfg, "wire: pcap_record_max 23 is below 24 (the "
				"pcap header)");
	assert_int_not_equal(access(path, F_OK), 0);
}

static void pcap_record_rejects_unwritable_path(void **state)
{
	struct wire_config cfg = {
		.kind = "loopback",
		.pcap_record = "/nonexistent-sdvf-dir/x.pcap",
	};

	(void)state;
	expect_open_error(&cfg, "wire: pcap_record "
				"\"/nonexistent-sdvf-dir/x.pcap\": No such "
				"file or directory");
}

static void pcap_record_with_bad_kind_leaves_no_file(void **state)
{
	char path[128];
	struct wire_config cfg = {.kind = "bogus"};

	(void)state;
	temp_path(path, sizeof(path), "bogus");
	cfg.pcap_record = path;
	expect_open_error(&cfg, "wire: unknown kind \"bogus\" (valid: tap, "
				"udp, loopback, mem, generator, pcap)");
	assert_int_not_equal(access(path, F_OK), 0);
}

/* ---- pcap replay of malformed captures -------------------------------- */

static const uint8_t pcap_header_le[24] = {
	0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
	0,    0,    0,	  0,	0, 0, 1, 0, 1, 0, 0, 0,
};

/* Header + records given as (caplen, bytes) into buf; returns its size. */
static size_t build_capture(uint8_t *buf, const uint32_t *caplens, int n,
			    size_t cut)
{
	size_t at = sizeof(pcap_header_le);

	memcpy(buf, pcap_header_le, at);
	for (int i = 0; i < n; i++) {
		uint32_t record[4] = {1, 0, caplens[i], caplens[i]};

		memcpy(buf + at, record, sizeof(record));
		at += sizeof(record);
		fill_frame(buf + at, caplens[i] > 2000 ? 0 : caplens[i],
			   (uint8_t)i);
		at += caplens[i];
	}
	return at - cut;
}

static void expect_replay_open_error(const void *data, size_t len,
				     const char *reason)
{
	struct wire_config cfg = {.kind = "pcap"};
	char path[128], expected[WHY_CAP];

	temp_path(path, sizeof(path), "bad");
	write_file(path, data, len);
	cfg.pcap_replay = path;
	snprintf(expected, sizeof(expected), "wire: pcap_replay \"%s\": %s",
		 path, reason);
	expect_open_error(&cfg, expected);
	remove(path);
}

static void pcap_replay_rejects_file_shorter_than_header(void **state)
{
	(void)state;
	expect_replay_open_error(pcap_header_le, 23,
				 "shorter than a pcap header (24 bytes)");
}

static void pcap_replay_rejects_bad_magic(void **state)
{
	uint8_t header[24];

	(void)state;
	memcpy(header, pcap_header_le, sizeof(header));
	header[0] = 0x0a; /* pcapng's section header block starts 0a0d0d0a */
	expect_replay_open_error(header, sizeof(header),
				 "not a pcap file (magic 0xa1b2c30a; pcapng "
				 "is not supported)");
}

static void pcap_replay_rejects_non_ethernet_link_type(void **state)
{
	uint8_t header[24];

	(void)state;
	memcpy(header, pcap_header_le, sizeof(header));
	header[20] = 113; /* LINKTYPE_LINUX_SLL */
	expect_replay_open_error(header, sizeof(header),
				 "link type 113 is not Ethernet (1)");
}

static void pcap_replay_rejects_missing_file(void **state)
{
	struct wire_config cfg = {.kind = "pcap",
				  .pcap_replay = "/nonexistent-sdvf.pcap"};

	(void)state;
	expect_open_error(&cfg, "wire: pcap_replay \"/nonexistent-sdvf.pcap\": "
				"No such file or directory");
}

static void pcap_kind_requires_pcap_replay(void **state)
{
	struct wire_config cfg = {.kind = "pcap"};

	(void)state;
	expect_open_error(&cfg, "wire: kind \"pcap\" needs pcap_replay");
}

/* Replays the capture in buf[0..len) and returns the wire (still open). */
static struct wire *replay_buffer(const uint8_t *buf, size_t len, char *path,
				  size_t path_cap)
{
	struct wire_config cfg = {.kind = "pcap"};

	temp_path(path, path_cap, "replay");
	write_file(path, buf, len);
	cfg.pcap_replay = path;
	return open_ok(&cfg);
}

static void pcap_replay_counts_record_cut_by_end_of_file(void **state)
{
	static uint8_t buf[4096];
	const uint32_t caplens[2] = {60, 100};
	uint8_t got[2048], expected[60];
	char path[128];
	struct wire *w;

	(void)state;
	w = replay_buffer(buf, build_capture(buf, caplens, 2, 40), path,
			  sizeof(path));
	fill_frame(expected, sizeof(expected), 0);
	assert_int_equal(wire_recv(w, got, sizeof(got)), 60);
	assert_memory_equal(got, expected, 60);
	assert_int_equal(wire_recv(w, got, sizeof(got)), 0);
	assert_int_equal(wire_recv(w, got, sizeof(got)), 0);
	assert_int_equal(wire_stats(w)->rx_truncated, 1);
	assert_int_equal(wire_stats(w)->rx_errors, 1);
	assert_int_equal(wire_stats(w)->rx_frames, 1);
	wire_close(w);
	remove(path);
}

static void pcap_replay_counts_record_header_cut_by_end_of_file(void **state)
{
	static uint8_t buf[4096];
	const uint32_t caplens[2] = {60, 100};
	uint8_t got[2048];
	char path[128];
	struct wire *w;

	(void)state;
	/* Cut inside the second record's 16-byte header. */
	w = replay_buffer(buf, build_capture(buf, caplens, 2, 100 + 6), path,
			  sizeof(path));
	assert_int_equal(wire_recv(w, got, sizeof(got)), 60);
	assert_int_equal(wire_recv(w, got, sizeof(got)), 0);
	assert_int_equal(wire_stats(w)->rx_truncated, 1);
	assert_int_equal(wire_stats(w)->rx_errors, 1);
	wire_close(w);
	remove(path);
}

static void pcap_replay_skips_and_counts_oversized_record(void **state)
{
	static uint8_t buf[40000];
	const uint32_t caplens[3] = {20000, 0, 70};
	uint8_t got[2048], expected[70];
	char path[128];
	struct wire *w;

	(void)state;
	w = replay_buffer(buf, build_capture(buf, caplens, 3, 0), path,
			  sizeof(path));
	fill_frame(expected, sizeof(expected), 2);
	assert_int_equal(wire_recv(w, got, sizeof(got)), 70);
	assert_memory_equal(got, expected, 70);
	assert_int_equal(wire_stats(w)->rx_oversize, 1);
	assert_int_equal(wire_stats(w)->rx_errors, 2); /* + the empty one */
	assert_int_equal(wire_recv(w, got, sizeof(got)), 0);
	wire_close(w);
	remove(path);
}

static void pcap_replay_reads_byte_swapped_capture(void **state)
{
	static const uint8_t capture[] = {
		0xa1, 0xb2, 0xc3, 0xd4, 0,   2,	  0,   4,    0, 0, 0, 0,
		0,    0,    0,	  0,	0,   0,	  1,   0,    0, 0, 0, 1,
		0,    0,    0,	  1,	0,   0,	  0,   0,    0, 0, 0, 0x10,
		0,    0,    0,	  0x10, 1,   2,	  3,   4,    5, 6, 7, 8,
		9,    0xa,  0xb,  0xc,	0xd, 0xe, 0xf, 0x10,
	};
	uint8_t got[64];
	char path[128];
	struct wire *w;

	(void)state;
	w = replay_buffer(capture, sizeof(capture), path, sizeof(path));
	assert_int_equal(wire_recv(w, got, sizeof(got)), 16);
	assert_memory_equal(got, capture + sizeof(capture) - 16, 16);
	wire_close(w);
	remove(path);
}

static void pcap_replay_sends_are_counted_and_discarded(void **state)
{
	static uint8_t buf[1024];
	uint8_t frame[60] = {0};
	char path[128];
	struct wire *w;

	(void)state;
	w = replay_buffer(buf, build_capture(buf, NULL, 0, 0), path,
			  sizeof(path));
	assert_int_equal(wire_send(w, frame, sizeof(frame)), 0);
	assert_int_equal(wire_stats(w)->tx_frames, 1);
	assert_int_equal(wire_fd(w), -1);
	wire_close(w);
	remove(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(generator_paces_frames_at_rate_on_test_clock),
		cmocka_unit_test(
			generator_schedule_is_exact_for_uneven_periods),
		cmocka_unit_test(
			generator_catches_up_one_frame_per_call_when_late),
		cmocka_unit_test(generator_cycles_the_size_mix),
		cmocka_unit_test(generator_frames_carry_marker_and_sequence),
		cmocka_unit_test(generator_stops_after_gen_count),
		cmocka_unit_test(generator_has_no_fd),
		cmocka_unit_test(sink_counts_frames_sent_into_it),
		cmocka_unit_test(generator_rejects_zero_rate),
		cmocka_unit_test(generator_rejects_rate_above_1e9),
		cmocka_unit_test(generator_rejects_missing_dst_mac),
		cmocka_unit_test(generator_rejects_bad_size_lists),
		cmocka_unit_test(pcap_record_writes_classic_header_and_records),
		cmocka_unit_test(
			pcap_record_then_replay_is_byte_exact_both_ways),
		cmocka_unit_test(
			pcap_record_keeps_original_length_of_cut_giant),
		cmocka_unit_test(pcap_record_is_readable_by_tcpdump),
		cmocka_unit_test(
			pcap_record_stamps_frames_with_wall_clock_time),
		cmocka_unit_test(
			pcap_record_stops_at_its_size_limit_and_counts_the_rest),
		cmocka_unit_test(pcap_record_limit_defaults_to_16_mib),
		cmocka_unit_test(pcap_record_rejects_limit_below_header),
		cmocka_unit_test(pcap_record_rejects_unwritable_path),
		cmocka_unit_test(pcap_record_with_bad_kind_leaves_no_file),
		cmocka_unit_test(pcap_replay_rejects_file_shorter_than_header),
		cmocka_unit_test(pcap_replay_rejects_bad_magic),
		cmocka_unit_test(pcap_replay_rejects_non_ethernet_link_type),
		cmocka_unit_test(pcap_replay_rejects_missing_file),
		cmocka_unit_test(pcap_kind_requires_pcap_replay),
		cmocka_unit_test(pcap_replay_counts_record_cut_by_end_of_file),
		cmocka_unit_test(
			pcap_replay_counts_record_header_cut_by_end_of_file),
		cmocka_unit_test(pcap_replay_skips_and_counts_oversized_record),
		cmocka_unit_test(pcap_replay_reads_byte_swapped_capture),
		cmocka_unit_test(pcap_replay_sends_are_counted_and_discarded),
	};

	return cmocka_run_group_tests_name("wire_gen_pcap", tests, NULL, NULL);
}
