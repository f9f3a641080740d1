/*
 * Wire backends, specification: bad configurations (exact reasons),
 * loopback, mem FIFOs, udp between two wires on 127.0.0.1 and against a
 * foreign sender.  Generator and pcap are in test_wire_gen_pcap.c.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "driver/enet/wire/wire.h"

#define WHY_CAP 256

static void fill_frame(uint8_t *frame, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		frame[i] = (uint8_t)(seed + i * 7);
}

/* Opening cfg must fail with exactly `expected`. */
static void expect_open_error(const struct wire_config *cfg,
			      const char *expected)
{
	char why[WHY_CAP] = "";

	assert_null(wire_open(cfg, why, sizeof(why)));
	assert_string_equal(why, expected);
}

static bool fd_readable(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

static struct wire *open_ok(const struct wire_config *cfg)
{
	char why[WHY_CAP] = "";
	struct wire *w = wire_open(cfg, why, sizeof(why));

	if (w == NULL)
		fail_msg("wire_open: %s", why);
	return w;
}

/* ---- configuration errors --------------------------------------------- */

static void open_rejects_null_config(void **state)
{
	(void)state;
	expect_open_error(NULL, "wire: no configuration");
}

static void open_rejects_missing_kind(void **state)
{
	struct wire_config cfg = {0};

	(void)state;
	expect_open_error(&cfg, "wire: missing kind (valid: tap, udp, "
				"loopback, mem, generator, pcap)");
}

static void open_rejects_unknown_kind(void **state)
{
	struct wire_config cfg = {.kind = "ethernet"};

	(void)state;
	expect_open_error(&cfg, "wire: unknown kind \"ethernet\" (valid: tap, "
				"udp, loopback, mem, generator, pcap)");
}

static void tap_rejects_missing_name(void **state)
{
	struct wire_config cfg = {.kind = "tap"};

	(void)state;
	expect_open_error(&cfg, "wire: tap needs tap_name");
}

static void tap_rejects_name_longer_than_ifnamsiz(void **state)
{
	struct wire_config cfg = {.kind = "tap",
				  .tap_name = "sdvf0123456789ab"};

	(void)state;
	expect_open_error(&cfg, "wire: tap_name \"sdvf0123456789ab\" is longer "
				"than 15 characters");
}

static void tap_rejects_name_with_slash(void **state)
{
	struct wire_config cfg = {.kind = "tap", .tap_name = "a/b"};

	(void)state;
	expect_open_error(
		&cfg, "wire: tap_name \"a/b\" contains '/', '%' or a space");
}

static void udp_rejects_missing_local(void **state)
{
	struct wire_config cfg = {.kind = "udp", .udp_remote = "127.0.0.1:9"};

	(void)state;
	expect_open_error(&cfg, "wire: udp needs udp_local (addr:port)");
}

static void udp_rejects_missing_remote(void **state)
{
	struct wire_config cfg = {.kind = "udp", .udp_local = "127.0.0.1:0"};

	(void)state;
	expect_open_error(&cfg, "wire: udp needs udp_remote (addr:port)");
}

static void udp_rejects_bad_addresses(void **state)
{
	static const char *const bad_local[] = {
		"localhost:4000", "127.0.0.1",	     "127.0.0.1:",
		":4000",	  "127.0.0.1:70000", "127.0.0.1:40x",
		"127.0.0.256:1",  "127.0.0.1:-1",
	};
	char expected[WHY_CAP];

	(void)state;
	for (size_t i = 0; i < sizeof(bad_local) / sizeof(bad_local[0]); i++) {
		struct wire_config cfg = {.kind = "udp",
					  .udp_local = bad_local[i],
					  .udp_remote = "127.0.0.1:9"};

		snprintf(expected, sizeof(expected),
			 "wire: udp_local \"%s\": expected IPv4 addr:port, "
			 "port 1..65535",
			 bad_local[i]);
		expect_open_error(&cfg, expected);
	}
}

static void udp_rejects_remote_port_zero(void **state)
{
	struct wire_config cfg = {.kind = "udp",
				  .udp_local = "127.0.0.1:0",
				  .udp_remote = "127.0.0.1:0"};

	(void)state;
	expect_open_error(&cfg, "wire: udp_remote \"127.0.0.1:0\": expected "
				"IPv4 addr:port, port 1..65535");
}

static void udp_reports_bind_failure(void **state)
{
	/* 192.0.2.1 (TEST-NET-1) is never a local address. */
	struct wire_config cfg = {.kind = "udp",
				  .udp_local = "192.0.2.1:4000",
				  .udp_remote = "127.0.0.1:9"};

	(void)state;
	expect_open_error(&cfg, "wire: udp_local \"192.0.2.1:4000\": cannot "
				"bind: Cannot assign requested address");
}

static void mem_rejects_depth_above_limit(void **state)
{
	struct wire_config cfg = {.kind = "mem", .mem_depth = 1025};

	(void)state;
	expect_open_error(&cfg, "wire: mem_depth 1025 is above the limit 1024");
}

static void open_error_fits_small_buffer_and_null(void **state)
{
	struct wire_config cfg = {.kind = "ethernet"};
	char why[8];

	(void)state;
	assert_null(wire_open(&cfg, why, sizeof(why)));
	assert_string_equal(why, "wire: u");
	assert_null(wire_open(&cfg, NULL, 0));
}

/* ---- send-side checks common to every backend ------------------------- */

static void send_rejects_empty_and_oversized_frames(void **state)
{
	struct wire_config cfg = {.kind = "loopback"};
	static uint8_t frame[WIRE_MAX_FRAME + 1];
	struct wire *w = open_ok(&cfg);
	const struct wire_stats *st = wire_stats(w);

	(void)state;
	assert_int_equal(wire_send(w, frame, 0), -1);
	assert_int_equal(wire_send(w, frame, WIRE_MAX_FRAME + 1), -1);
	assert_int_equal(st->tx_errors, 2);
	assert_int_equal(st->tx_frames, 0);
	assert_int_equal(wire_send(w, frame, WIRE_MAX_FRAME), 0);
	assert_int_equal(st->tx_frames, 1);
	assert_int_equal(st->tx_bytes, WIRE_MAX_FRAME);
	wire_close(w);
}

/* ---- loopback --------------------------------------------------------- */

static void loopback_receives_what_it_sends_byte_exact(void **state)
{
	struct wire_config cfg = {.kind = "loopback"};
	struct wire *w = open_ok(&cfg);
	uint8_t sent[1514], got[2048];

	(void)state;
	fill_frame(sent, sizeof(sent), 3);
	assert_int_equal(wire_send(w, sent, sizeof(sent)), 0);
	assert_int_equal(wire_recv(w, got, sizeof(got)), 1514);
	assert_memory_equal(got, sent, sizeof(sent));
	assert_int_equal(wire_stats(w)->rx_frames, 1);
	assert_int_equal(wire_stats(w)->rx_bytes, 1514);
	assert_int_equal(wire_stats(w)->tx_bytes, 1514);
	wire_close(w);
}

static void loopback_recv_returns_zero_when_empty(void **state)
{
	struct wire_config cfg = {.kind = "loopback"};
	struct wire *w = open_ok(&cfg);
	uint8_t got[64];

	(void)state;
	assert_int_equal(wire_recv(w, got, sizeof(got)), 0);
	assert_int_equal(wire_stats(w)->rx_frames, 0);
	assert_int_equal(wire_stats(w)->rx_errors, 0);
	wire_close(w);
}

static void loopback_fd_readable_exactly_while_frames_wait(void **state)
{
	struct wire_config cfg = {.kind = "loopback"};
	struct wire *w = open_ok(&cfg);
	uint8_t frame[60] = {0}, got[64];

	(void)state;
	assert_true(wire_fd(w) >= 0);
	assert_false(fd_readable(wire_fd(w)));
	wire_send(w, frame, sizeof(frame));
	wire_send(w, frame, sizeof(frame));
	assert_true(fd_readable(wire_fd(w)));
	wire_recv(w, got, sizeof(got));
	assert_true(fd_readable(wire_fd(w)));
	wire_recv(w, got, sizeof(got));
	assert_false(fd_readable(wire_fd(w)));
	wire_close(w);
}

static void loopback_deadline_is_now_while_frames_wait(void **state)
{
	struct wire_config cfg = {.kind = "loopback"};
	struct wire *w = open_ok(&cfg);
	uint8_t frame[60] = {0}, got[64];

	(void)state;
	assert_true(wire_next_deadline(w, 500) == UINT64_MAX);
	wire_send(w, frame, sizeof(frame));
	assert_int_equal(wire_next_deadline(w, 500), 500);
	wire_recv(w, got, sizeof(got));
	assert_true(wire_next_deadline(w, 600) == UINT64_MAX);
	wire_close(w);
}

static void loopback_full_fifo_drops_send_and_counts(void **state)
{
	struct wire_config cfg = {.kind = "loopback", .mem_depth = 2};
	struct wire *w = open_ok(&cfg);
	uint8_t frame[60], got[64];

	(void)state;
	for (int i = 0; i < 2; i++) {
		fill_frame(frame, sizeof(frame), (uint8_t)i);
		assert_int_equal(wire_send(w, frame, sizeof(frame)), 0);
	}
	assert_int_equal(wire_send(w, frame, sizeof(frame)), -1);
	assert_int_equal(wire_stats(w)->tx_errors, 1);
	assert_int_equal(wire_stats(w)->tx_frames, 2);
	fill_frame(frame, sizeof(frame), 0);
	assert_int_equal(wire_recv(w, got, sizeof(got)), 60);
	assert_memory_equal(got, frame, sizeof(frame));
	wire_close(w);
}

static void recv_reports_giant_with_full_length_and_cuts_it(void **state)
{
	struct wire_config cfg = {.kind = "loopback"};
	struct wire *w = open_ok(&cfg);
	uint8_t sent[200], got[128];

	(void)state;
	fill_frame(sent, sizeof(sent), 9);
	memset(got, 0xee, sizeof(got));
	wire_send(w, sent, sizeof(sent));
	assert_int_equal(wire_recv(w, got, 100), 200);
	assert_memory_equal(got, sent, 100);
	assert_int_equal(got[100], 0xee);
	assert_int_equal(wire_stats(w)->rx_giants, 1);
	assert_int_equal(wire_stats(w)->rx_frames, 1);
	assert_int_equal(wire_stats(w)->rx_bytes, 200);
	wire_close(w);
}

static void recv_reports_runt_and_counts_it(void **state)
{
	struct wire_config cfg = {.kind = "loopback"};
	struct wire *w = open_ok(&cfg);
	uint8_t sent[13], got[64];

	(void)state;
	fill_frame(sent, sizeof(sent), 1);
	wire_send(w, sent, sizeof(sent));
	assert_int_equal(wire_recv(w, got, sizeof(got)), 13);
	assert_memory_equal(got, sent, sizeof(sent));
	assert_int_equal(wire_stats(w)->rx_runts, 1);
	assert_int_equal(wire_stats(w)->rx_giants, 0);
	wire_close(w);
}

/* ---- mem -------------------------------------------------------------- */

static void mem_injected_frame_is_received_by_model(void **state)
{
	struct wire_config cfg = {.kind = "mem"};
	struct wire *w = open_ok(&cfg);
	uint8_t sent[98], got[2048];

	(void)state;
	fill_frame(sent, sizeof(sent), 4);
	assert_int_equal(wire_mem_inject(w, sent, sizeof(sent)), 0);
	assert_true(fd_readable(wire_fd(w)));
	assert_int_equal(wire_recv(w, got, sizeof(got)), 98);
	assert_memory_equal(got, sent, sizeof(sent));
	assert_false(fd_readable(wire_fd(w)));
	/* What the model receives never reaches the take side. */
	assert_int_equal(wire_mem_take(w, got, sizeof(got)), 0);
	wire_close(w);
}

static void mem_sent_frame_is_taken_by_test_side(void **state)
{
	struct wire_config cfg = {.kind = "mem"};
	struct wire *w = open_ok(&cfg);
	uint8_t sent[342], got[2048];

	(void)state;
	fill_frame(sent, sizeof(sent), 5);
	assert_int_equal(wire_send(w, sent, sizeof(sent)), 0);
	assert_int_equal(wire_recv(w, got, sizeof(got)), 0);
	assert_int_equal(wire_mem_take(w, got, sizeof(got)), 342);
	assert_memory_equal(got, sent, sizeof(sent));
	assert_int_equal(wire_mem_take(w, got, sizeof(got)), 0);
	wire_close(w);
}

static void mem_inject_into_full_fifo_drops_and_counts(void **state)
{
	struct wire_config cfg = {.kind = "mem", .mem_depth = 4};
	struct wire *w = open_ok(&cfg);
	uint8_t frame[60], got[64];

	(void)state;
	for (int i = 0; i < 4; i++) {
		fill_frame(frame, sizeof(frame), (uint8_t)(10 + i));
		assert_int_equal(wire_mem_inject(w, frame, sizeof(frame)), 0);
	}
	assert_int_equal(wire_mem_inject(w, frame, sizeof(frame)), -1);
	assert_int_equal(wire_stats(w)->rx_overflow, 1);
	assert_int_equal(wire_stats(w)->rx_errors, 1);
	for (int i = 0; i < 4; i++) {
		fill_frame(frame, sizeof(frame), (uint8_t)(10 + i));
		assert_int_equal(wire_recv(w, got, sizeof(got)), 60);
		assert_memory_equal(got, frame, sizeof(frame));
	}
	assert_int_equal(wire_recv(w, got, sizeof(got)), 0);
	wire_close(w);
}

static void mem_send_into_full_fifo_drops_and_counts(void **state)
{
	struct wire_config cfg = {.kind = "mem", .mem_depth = 1};
	struct wire *w = open_ok(&cfg);
	uint8_t frame[60] = {0};

	(void)state;
	assert_int_equal(wire_send(w, frame, sizeof(frame)), 0);
	assert_int_equal(wire_send(w, frame, sizeof(frame)), -1);
	assert_int_equal(wire_stats(w)->tx_errors, 1);
	assert_int_equal(wire_stats(w)->tx_frames, 1);
	wire_close(w);
}

static void mem_fifo_keeps_order_across_wraparound(void **state)
{
	struct wire_config cfg = {.kind = "mem", .mem_depth = 3};
	struct wire *w = open_ok(&cfg);
	uint8_t frame[70], got[70];

	(void)state;
	for (int i = 0; i < 20; i++) {
		fill_frame(frame, sizeof(frame), (uint8_t)i);
		assert_int_equal(wire_mem_inject(w, frame, 60 + i % 10), 0);
		if (i % 2 == 0)
			continue;
		for (int j = i - 1; j <= i; j++) {
			fill_frame(frame, sizeof(frame), (uint8_t)j);
			assert_int_equal(wire_recv(w, got, sizeof(got)),
					 60 + j % 10);
			assert_memory_equal(got, frame, 60 + j % 10);
		}
	}
	wire_close(w);
}

static void mem_inject_rejects_empty_and_oversized_frames(void **state)
{
	struct wire_config cfg = {.kind = "mem"};
	struct wire *w = open_ok(&cfg);
	static uint8_t frame[WIRE_MAX_FRAME + 1];

	(void)state;
	assert_int_equal(wire_mem_inject(w, frame, 0), -1);
	assert_int_equal(wire_mem_inject(w, frame, WIRE_MAX_FRAME + 1), -1);
	assert_int_equal(wire_stats(w)->rx_oversize, 1);
	assert_int_equal(wire_stats(w)->rx_errors, 2);
	assert_int_equal(wire_mem_inject(w, frame, 5), 0); /* a runt is fine */
	wire_close(w);
}

static void mem_calls_on_other_kinds_fail(void **state)
{
	struct wire_config cfg = {.kind = "loopback"};
	struct wire *w = open_ok(&cfg);
	uint8_t frame[60] = {0};

	(void)state;
	assert_int_equal(wire_mem_inject(w, frame, sizeof(frame)), -1);
	assert_int_equal(wire_mem_take(w, frame, sizeof(frame)), -1);
	assert_int_equal(wire_recv(w, frame, sizeof(frame)), 0);
	wire_close(w);
}

/* ---- udp -------------------------------------------------------------- */

/* A free UDP port on 127.0.0.1 (the kernel's pick, released again). */
static int free_udp_port(void)
{
	struct sockaddr_in addr = {.sin_family = AF_INET};
	socklen_t len = sizeof(addr);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
	close(fd);
	return ntohs(addr.sin_port);
}

struct udp_pair {
	char addr_a[32], addr_b[32];
	int port_a, port_b;
	struct wire *a, *b;
};

static int udp_pair_setup(void **state)
{
	static struct udp_pair pair;
	struct wire_config cfg = {.kind = "udp"};

	pair.port_a = free_udp_port();
	do
		pair.port_b = free_udp_port();
	while (pair.port_b == pair.port_a);
	snprintf(pair.addr_a, sizeof(pair.addr_a), "127.0.0.1:%d", pair.port_a);
	snprintf(pair.addr_b, sizeof(pair.addr_b), "127.0.0.1:%d", pair.port_b);
	cfg.udp_local = pair.addr_a;
	cfg.udp_remote = pair.addr_b;
	pair.a = open_ok(&cfg);
	cfg.udp_local = pair.addr_b;
	cfg.udp_remote = pair.addr_a;
	pair.b = open_ok(&cfg);
	*state = &pair;
	return 0;
}

static int udp_pair_teardown(void **state)
{
	struct udp_pair *pair = *state;

	wire_close(pair->a);
	wire_close(pair->b);
	return 0;
}

/* Loopback UDP is delivered synchronously, but allow the fd to say so. */
static long recv_waiting(struct wire *w, uint8_t *buf, size_t cap)
{
	struct pollfd pfd = {.fd = wire_fd(w), .events = POLLIN};

	poll(&pfd, 1, 1000);
	return wire_recv(w, buf, cap);
}

static void udp_frames_cross_between_two_wires_both_ways(void **state)
{
	struct udp_pair *pair = *state;
	uint8_t to_b[1514], to_a[60], got[2048];

	fill_frame(to_b, sizeof(to_b), 21);
	fill_frame(to_a, sizeof(to_a), 22);
	assert_int_equal(wire_send(pair->a, to_b, sizeof(to_b)), 0);
	assert_int_equal(recv_waiting(pair->b, got, sizeof(got)), 1514);
	assert_memory_equal(got, to_b, sizeof(to_b));
	assert_int_equal(wire_send(pair->b, to_a, sizeof(to_a)), 0);
	assert_int_equal(recv_waiting(pair->a, got, sizeof(got)), 60);
	assert_memory_equal(got, to_a, sizeof(to_a));
	assert_int_equal(wire_recv(pair->a, got, sizeof(got)), 0);
	assert_int_equal(wire_stats(pair->a)->rx_errors, 0);
}

/* A socket that sends to wire a, from `from_port` on 127.0.0.1. */
static void send_datagram_from(int from_port, int to_port, const void *data,
			       size_t len)
{
	struct sockaddr_in from = {.sin_family = AF_INET};
	struct sockaddr_in to = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int one = 1;

	from.sin_addr.s_addr = to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	from.sin_port = htons((uint16_t)from_port);
	to.sin_port = htons((uint16_t)to_port);
	/* The wire under test holds from_port too when it is the peer's. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(fd, (struct sockaddr *)&from, sizeof(from)), 0);
	assert_int_equal(
		sendto(fd, data, len, 0, (struct sockaddr *)&to, sizeof(to)),
		(ssize_t)len);
	close(fd);
}

static void udp_drops_and_counts_datagram_from_foreign_source(void **state)
{
	struct udp_pair *pair = *state;
	uint8_t foreign[100], good[80], got[2048];

	fill_frame(foreign, sizeof(foreign), 31);
	fill_frame(good, sizeof(good), 32);
	send_datagram_from(0, pair->port_a, foreign, sizeof(foreign));
	wire_send(pair->b, good, sizeof(good));
	assert_int_equal(recv_waiting(pair->a, got, sizeof(got)), 80);
	assert_memory_equal(got, good, sizeof(good));
	assert_int_equal(wire_stats(pair->a)->rx_foreign, 1);
	assert_int_equal(wire_stats(pair->a)->rx_errors, 1);
	assert_int_equal(wire_stats(pair->a)->rx_frames, 1);
}

static void udp_drops_and_counts_oversized_datagram(void **state)
{
	struct udp_pair *pair = *state;
	static uint8_t giant[WIRE_MAX_FRAME + 100];
	uint8_t got[2048];

	send_datagram_from(pair->port_b, pair->port_a, giant, sizeof(giant));
	assert_int_equal(recv_waiting(pair->a, got, sizeof(got)), 0);
	assert_int_equal(wire_stats(pair->a)->rx_oversize, 1);
	assert_int_equal(wire_stats(pair->a)->rx_errors, 1);
	assert_int_equal(wire_stats(pair->a)->rx_frames, 0);
}

static void udp_reports_giant_within_limit_cut_to_cap(void **state)
{
	struct udp_pair *pair = *state;
	uint8_t sent[3000], got[2048];

	fill_frame(sent, sizeof(sent), 33);
	wire_send(pair->b, sent, sizeof(sent));
	assert_int_equal(recv_waiting(pair->a, got, sizeof(got)), 3000);
	assert_memory_equal(got, sent, sizeof(got));
	assert_int_equal(wire_stats(pair->a)->rx_giants, 1);
}

static void udp_send_to_absent_peer_still_succeeds(void **state)
{
	/* A cable with nobody on the other end: the frame is simply lost. */
	struct wire_config cfg = {.kind = "udp", .udp_local = "127.0.0.1:0"};
	char remote[32];
	uint8_t frame[60] = {0};
	struct wire *w;

	(void)state;
	snprintf(remote, sizeof(remote), "127.0.0.1:%d", free_udp_port());
	cfg.udp_remote = remote;
	w = open_ok(&cfg);
	assert_int_equal(wire_send(w, frame, sizeof(frame)), 0);
	assert_int_equal(wire_send(w, frame, sizeof(frame)), 0);
	assert_int_equal(wire_stats(w)->tx_frames, 2);
	assert_int_equal(wire_stats(w)->tx_errors, 0);
	wire_close(w);
}

#define UDP_TEST(fn)                                                           \
	cmocka_unit_test_setup_teardown(fn, udp_pair_setup, udp_pair_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_rejects_null_config),
		cmocka_unit_test(open_rejects_missing_kind),
		cmocka_unit_test(open_rejects_unknown_kind),
		cmocka_unit_test(tap_rejects_missing_name),
		cmocka_unit_test(tap_rejects_name_longer_than_ifnamsiz),
		cmocka_unit_test(tap_rejects_name_with_slash),
		cmocka_unit_test(udp_rejects_missing_local),
		cmocka_unit_test(udp_rejects_missing_remote),
		cmocka_unit_test(udp_rejects_bad_addresses),
		cmocka_unit_test(udp_rejects_remote_port_zero),
		cmocka_unit_test(udp_reports_bind_failure),
		cmocka_unit_test(mem_rejects_depth_above_limit),
		cmocka_unit_test(open_error_fits_small_buffer_and_null),
		cmocka_unit_test(send_rejects_empty_and_oversized_frames),
		cmocka_unit_test(loopback_receives_what_it_sends_byte_exact),
		cmocka_unit_test(loopback_recv_returns_zero_when_empty),
		cmocka_unit_test(
			loopback_fd_readable_exactly_while_frames_wait),
		cmocka_unit_test(loopback_deadline_is_now_while_frames_wait),
		cmocka_unit_test(loopback_full_fifo_drops_send_and_counts),
		cmocka_unit_test(
			recv_reports_giant_with_full_length_and_cuts_it),
		cmocka_unit_test(recv_reports_runt_and_counts_it),
		cmocka_unit_test(mem_injected_frame_is_received_by_model),
		cmocka_unit_test(mem_sent_frame_is_taken_by_test_side),
		cmocka_unit_test(mem_inject_into_full_fifo_drops_and_counts),
		cmocka_unit_test(mem_send_into_full_fifo_drops_and_counts),
		cmocka_unit_test(mem_fifo_keeps_order_across_wraparound),
		cmocka_unit_test(mem_inject_rejects_empty_and_oversized_frames),
		cmocka_unit_test(mem_calls_on_other_kinds_fail),
		UDP_TEST(udp_frames_cross_between_two_wires_both_ways),
		UDP_TEST(udp_drops_and_counts_datagram_from_foreign_source),
		UDP_TEST(udp_drops_and_counts_oversized_datagram),
		UDP_TEST(udp_reports_giant_within_limit_cut_to_cap),
		cmocka_unit_test(udp_send_to_absent_peer_still_succeeds),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
