/*
 * Wire backends, specification: bad configurations (exact reasons),
 * loopback, mem FIFOs, udp between two wires on 127.0.0.1 and against
 * plain sockets playing the peer and foreign senders (127.0.0.2 is on the
 * loopback too), and the kernel's drops at a full socket buffer.  Generator and
 * pcap are in test_wire_gen_pcap.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Datagrams never come from these, so the peer check could pass none. */
static void udp_rejects_remote_that_is_not_one_host(void **state)
{
	static const char *const bad_remote[] = {
		"0.0.0.0:9",
		"255.255.255.255:9",
		"224.0.0.1:9",
		"239.255.255.250:1900",
	};
	char expected[WHY_CAP];

	(void)state;
	for (size_t i = 0; i < sizeof(bad_remote) / sizeof(bad_remote[0]);
	     i++) {
		struct wire_config cfg = {.kind = "udp",
					  .udp_local = "127.0.0.1:0",
					  .udp_remote = bad_remote[i]};

		snprintf(expected, sizeof(expected),
			 "wire: udp_remote \"%s\": not one host's address "
			 "(any, broadcast or multicast)",
			 bad_remote[i]);
		expect_open_error(&cfg, expected);
	}
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

static struct sockaddr_in ipv4(const char *ip, int port)
{
	struct sockaddr_in addr = {.sin_family = AF_INET};

	assert_int_equal(inet_pton(AF_INET, ip, &addr.sin_addr), 1);
	addr.sin_port = htons((uint16_t)port);
	return addr;
}

/* A UDP socket bound to ip:port (0: the kernel's pick), or -1 with errno
 * from bind; `reuse` is SO_REUSEADDR or SO_REUSEPORT to set first, or 0. */
static int udp_bound(const char *ip, int port, int reuse)
{
	struct sockaddr_in addr = ipv4(ip, port);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int one = 1, err;

	assert_true(fd >= 0);
	if (reuse != 0)
		assert_int_equal(
			setsockopt(fd, SOL_SOCKET, reuse, &one, sizeof(one)),
			0);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
		return fd;
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

static int bound_port(int fd)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
	return ntohs(addr.sin_port);
}

/* The wire under test, bound to 127.0.0.1:port_a, and a plain socket at
 * its udp_remote, 127.0.0.1:port_b. */
struct udp_rig {
	struct wire *a;
	int port_a;
	int peer, port_b;
	char remote[32];
};

static int udp_rig_setup(void **state)
{
	static struct udp_rig rig;
	struct wire_config cfg = {.kind = "udp", .udp_local = "127.0.0.1:0"};

	rig.peer = udp_bound("127.0.0.1", 0, 0);
	rig.port_b = bound_port(rig.peer);
	snprintf(rig.remote, sizeof(rig.remote), "127.0.0.1:%d", rig.port_b);
	cfg.udp_remote = rig.remote;
	rig.a = open_ok(&cfg);
	rig.port_a = bound_port(wire_fd(rig.a));
	*state = &rig;
	return 0;
}

static int udp_rig_teardown(void **state)
{
	struct udp_rig *rig = *state;

	wire_close(rig->a);
	close(rig->peer);
	return 0;
}

static void send_to_port(int fd, int port, const void *data, size_t len)
{
	struct sockaddr_in to = ipv4("127.0.0.1", port);

	assert_int_equal(
		sendto(fd, data, len, 0, (struct sockaddr *)&to, sizeof(to)),
		(ssize_t)len);
}

/* A datagram to the wire from a socket of its own at from_ip:from_port. */
static void send_from(const struct udp_rig *rig, const char *from_ip,
		      int from_port, const void *data, size_t len)
{
	int fd = udp_bound(from_ip, from_port, 0);

	if (fd < 0)
		fail_msg("bind %s:%d: %s", from_ip, from_port, strerror(errno));
	send_to_port(fd, rig->port_a, data, len);
	close(fd);
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
	struct wire_config cfg = {.kind = "udp"};
	char addr_a[32], addr_b[32];
	uint8_t to_b[1514], to_a[60], got[2048];
	int port_a = free_udp_port(), port_b;
	struct wire *a, *b;

	(void)state;
	do
		port_b = free_udp_port();
	while (port_b == port_a);
	snprintf(addr_a, sizeof(addr_a), "127.0.0.1:%d", port_a);
	snprintf(addr_b, sizeof(addr_b), "127.0.0.1:%d", port_b);
	cfg.udp_local = addr_a;
	cfg.udp_remote = addr_b;
	a = open_ok(&cfg);
	cfg.udp_local = addr_b;
	cfg.udp_remote = addr_a;
	b = open_ok(&cfg);
	fill_frame(to_b, sizeof(to_b), 21);
	fill_frame(to_a, sizeof(to_a), 22);
	assert_int_equal(wire_send(a, to_b, sizeof(to_b)), 0);
	assert_int_equal(recv_waiting(b, got, sizeof(got)), 1514);
	assert_memory_equal(got, to_b, sizeof(to_b));
	assert_int_equal(wire_send(b, to_a, sizeof(to_a)), 0);
	assert_int_equal(recv_waiting(a, got, sizeof(got)), 60);
	assert_memory_equal(got, to_a, sizeof(to_a));
	assert_int_equal(wire_recv(a, got, sizeof(got)), 0);
	assert_int_equal(wire_stats(a)->rx_errors, 0);
	wire_close(a);
	wire_close(b);
}

static void udp_sends_each_frame_as_one_datagram_to_remote(void **state)
{
	struct udp_rig *rig = *state;
	uint8_t frame[342], got[2048];

	fill_frame(frame, sizeof(frame), 23);
	assert_int_equal(wire_send(rig->a, frame, sizeof(frame)), 0);
	assert_int_equal(recv(rig->peer, got, sizeof(got), 0), 342);
	assert_memory_equal(got, frame, sizeof(frame));
}

/* The port is the wire's alone: no other socket may bind it, whatever
 * options it sets, so nobody else can receive the frames sent to it. */
static void udp_local_port_cannot_be_bound_by_another_socket(void **state)
{
	struct udp_rig *rig = *state;
	static const char *const addrs[] = {"127.0.0.1", "0.0.0.0"};
	static const int reuses[] = {0, SO_REUSEADDR, SO_REUSEPORT};

	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		for (size_t j = 0; j < sizeof(reuses) / sizeof(reuses[0]);
		     j++) {
			int fd = udp_bound(addrs[i], rig->port_a, reuses[j]);

			if (fd >= 0) {
				close(fd);
				fail_msg("%s:%d bound beside the wire (option "
					 "%d)",
					 addrs[i], rig->port_a, reuses[j]);
			}
			assert_int_equal(errno, EADDRINUSE);
		}
	}
}

static void
udp_drops_and_counts_datagram_from_remote_address_other_port(void **state)
{
	struct udp_rig *rig = *state;
	uint8_t foreign[100], good[80], got[2048];
	const struct wire_stats *st = wire_stats(rig->a);

	fill_frame(foreign, sizeof(foreign), 31);
	fill_frame(good, sizeof(good), 32);
	send_from(rig, "127.0.0.1", 0, foreign, sizeof(foreign));
	send_to_port(rig->peer, rig->port_a, good, sizeof(good));
	assert_int_equal(recv_waiting(rig->a, got, sizeof(got)), 80);
	assert_memory_equal(got, good, sizeof(good));
	assert_int_equal(st->rx_foreign_port, 1);
	assert_int_equal(st->rx_foreign_addr, 0);
	assert_int_equal(st->rx_errors, 1);
	assert_int_equal(st->rx_frames, 1);
}

/* 127.0.0.2 is on the loopback too: the right port from another address. */
static void
udp_drops_and_counts_datagram_from_other_address_remote_port(void **state)
{
	struct udp_rig *rig = *state;
	uint8_t foreign[100], got[2048];
	const struct wire_stats *st = wire_stats(rig->a);

	fill_frame(foreign, sizeof(foreign), 33);
	send_from(rig, "127.0.0.2", rig->port_b, foreign, sizeof(foreign));
	assert_int_equal(recv_waiting(rig->a, got, sizeof(got)), 0);
	assert_int_equal(st->rx_foreign_addr, 1);
	assert_int_equal(st->rx_foreign_port, 0);
	assert_int_equal(st->rx_errors, 1);
	assert_int_equal(st->rx_frames, 0);
}

static void udp_drops_and_counts_empty_datagram(void **state)
{
	struct udp_rig *rig = *state;
	uint8_t got[2048];
	const struct wire_stats *st = wire_stats(rig->a);

	send_to_port(rig->peer, rig->port_a, "", 0);
	assert_int_equal(recv_waiting(rig->a, got, sizeof(got)), 0);
	assert_int_equal(st->rx_empty, 1);
	assert_int_equal(st->rx_errors, 1);
	assert_int_equal(st->rx_foreign_addr + st->rx_foreign_port, 0);
	assert_int_equal(st->rx_frames, 0);
}

static void udp_drops_and_counts_oversized_datagram(void **state)
{
	struct udp_rig *rig = *state;
	static uint8_t giant[WIRE_MAX_FRAME + 100];
	uint8_t got[2048];

	send_to_port(rig->peer, rig->port_a, giant, sizeof(giant));
	assert_int_equal(recv_waiting(rig->a, got, sizeof(got)), 0);
	assert_int_equal(wire_stats(rig->a)->rx_oversize, 1);
	assert_int_equal(wire_stats(rig->a)->rx_errors, 1);
	assert_int_equal(wire_stats(rig->a)->rx_frames, 0);
}

static void udp_reports_giant_within_limit_cut_to_cap(void **state)
{
	struct udp_rig *rig = *state;
	uint8_t sent[3000], got[2048];

	fill_frame(sent, sizeof(sent), 34);
	send_to_port(rig->peer, rig->port_a, sent, sizeof(sent));
	assert_int_equal(recv_waiting(rig->a, got, sizeof(got)), 3000);
	assert_memory_equal(got, sent, sizeof(got));
	assert_int_equal(wire_stats(rig->a)->rx_giants, 1);
}

/* What the kernel says it dropped at the socket: the cumulative count. */
static uint32_t socket_drops(int fd)
{
	uint32_t meminfo[SK_MEMINFO_VARS];
	socklen_t len = sizeof(meminfo);

	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_MEMINFO, meminfo, &len),
			 0);
	return meminfo[SK_MEMINFO_DROPS];
}

/* A burst into a small socket buffer while the wire does not read: the
 * kernel drops most of it.  SO_RXQ_OVFL tells the wire, with each
 * datagram, how many the kernel had dropped when it was queued, so the
 * count is exact once a datagram queued after the drops has been read. */
static void
udp_counts_datagrams_the_kernel_dropped_as_the_kernel_does(void **state)
{
	struct udp_rig *rig = *state;
	int rcvbuf = 4096, received = 0;
	uint8_t frame[1000], got[2048];
	uint32_t dropped;

	/* qemu-user refuses SO_RXQ_OVFL (tests/cross/run.sh says where it
	 * runs us); a real kernel must give it. */
	if (wire_warning(rig->a) && getenv("SDVF_UNDER_QEMU_USER"))
		skip();
	assert_null(wire_warning(rig->a));
	assert_int_equal(setsockopt(wire_fd(rig->a), SOL_SOCKET, SO_RCVBUF,
				    &rcvbuf, sizeof(rcvbuf)),
			 0);
	fill_frame(frame, sizeof(frame), 35);
	for (int i = 0; i < 200; i++)
		send_to_port(rig->peer, rig->port_a, frame, sizeof(frame));
	while (wire_recv(rig->a, got, sizeof(got)) > 0)
		received++;
	send_to_port(rig->peer, rig->port_a, frame, sizeof(frame));
	assert_int_equal(recv_waiting(rig->a, got, sizeof(got)), 1000);
	received++;
	dropped = socket_drops(wire_fd(rig->a));
	assert_true(dropped > 0);
	assert_int_equal(received + dropped, 201);
	assert_int_equal(wire_stats(rig->a)->rx_kernel_drops, dropped);
	assert_int_equal(wire_stats(rig->a)->rx_frames, received);
	assert_int_equal(wire_stats(rig->a)->rx_errors, 0);
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
	cmocka_unit_test_setup_teardown(fn, udp_rig_setup, udp_rig_teardown)

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
		cmocka_unit_test(udp_rejects_remote_that_is_not_one_host),
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
		cmocka_unit_test(udp_frames_cross_between_two_wires_both_ways),
		UDP_TEST(udp_sends_each_frame_as_one_datagram_to_remote),
		UDP_TEST(udp_local_port_cannot_be_bound_by_another_socket),
		UDP_TEST(
			udp_drops_and_counts_datagram_from_remote_address_other_port),
		UDP_TEST(
			udp_drops_and_counts_datagram_from_other_address_remote_port),
		UDP_TEST(udp_drops_and_counts_empty_datagram),
		UDP_TEST(udp_drops_and_counts_oversized_datagram),
		UDP_TEST(udp_reports_giant_within_limit_cut_to_cap),
		UDP_TEST(
			udp_counts_datagrams_the_kernel_dropped_as_the_kernel_does),
		cmocka_unit_test(udp_send_to_absent_peer_still_succeeds),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
