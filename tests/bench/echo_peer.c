/*
 * echo_peer: the Linux side of `make bench-echo` (tests/bench/
 * bench_echo.sh), one small host program with three roles:
 *
 *   echo_peer serve PORT
 *       a UDP echo server: every datagram back to its sender (path (a):
 *       the kernel's stack over a veth pair);
 *   echo_peer tap-reflect TAP
 *       creates TAP and sends every IPv4 UDP frame read from it straight
 *       back, Ethernet and IPv4 addresses and ports swapped (checksums
 *       stay right: a swap keeps the sum); anything else is ignored (path
 *       (b): one user-level process off a TAP, no stack; the peer gets a
 *       static neighbour entry instead of ARP);
 *   echo_peer tap-reflect-split TAP
 *       the same reflection split over two processes: one reads and
 *       writes the TAP, the other swaps the addresses, the frames passing
 *       between them through shared memory (one SPSC ring each way, a
 *       frame read from the TAP straight into its slot) with an eventfd
 *       written only to a peer that said it would sleep.  The floor of
 *       any design whose client is a process of its own on a TAP wire
 *       (docs/benchmarks.md, "Wake path"); a full ring drops the frame,
 *       which the load generator counts as lost;
 *   echo_peer load IP PORT SIZE WINDOW COUNT
 *       the load generator: COUNT datagrams of SIZE bytes (>= 16) to
 *       IP:PORT with at most WINDOW outstanding; each carries its sequence
 *       number and a pattern, and must come back from IP:PORT, whole.
 *       Prints one line:
 *         sent N received N lost N bad N seconds S pps P rtt_median_us M
 *         rtt_p99_us Q
 *       A datagram not back within 200 ms of the last answer counts as
 *       lost.  Exit 0 unless a socket call fails.
 *
 * Not a component: a test tool, plain C with libc.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tests/bench/split_ring.h"

#define MAX_DGRAM 65536
#define LOST_AFTER_MS 200

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int die(const char *what)
{
	fprintf(stderr, "echo_peer: %s: %s\n", what, strerror(errno));
	return 1;
}

/* ---- serve ------------------------------------------------------------- */

static int serve(const char *port)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)atoi(port))};
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0)
		return die("bind");
	static uint8_t buf[MAX_DGRAM];
	for (;;) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(s, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &flen);
		if (n < 0)
			return die("recvfrom");
		sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&from, flen);
	}
}

/* ---- tap-reflect --------------------------------------------------------- */

static void swap(uint8_t *a, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t t = a[i];
		a[i] = b[i];
		b[i] = t;
	}
}

static int tap_open(const char *name)
{
	int fd = open("/dev/net/tun", O_RDWR);
	if (fd < 0)
		return -1;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* IPv4 (no options), UDP, whole header present. */
static bool is_udp4(const uint8_t *f, ssize_t n)
{
	return n >= 42 && f[12] == 0x08 && f[13] == 0x00 && f[14] == 0x45 &&
	       f[23] == 17;
}

/* A frame is_udp4 accepts: addresses and ports swapped in place (the
 * checksums stay right); false, untouched, for anything else. */
static bool reflect(uint8_t *f, ssize_t n)
{
	if (!is_udp4(f, n))
		return false;
	swap(f, f + 6, 6);
	swap(f + 26, f + 30, 4);
	swap(f + 34, f + 36, 2);
	return true;
}

static int tap_reflect(const char *name)
{
	int fd = tap_open(name);
	if (fd < 0)
		return die("tap");
	static uint8_t f[MAX_DGRAM];
	for (;;) {
		ssize_t n = read(fd, f, sizeof(f));
		if (n < 0)
			return die("read");
		if (reflect(f, n) && write(fd, f, (size_t)n) != n)
			return die("write");
	}
}

/* ---- tap-reflect-split --------------------------------------------------- */

/* The other process's work on a frame (anything but IPv4 UDP was never
 * passed on). */
static void split_turn(uint8_t *frame, uint16_t len)
{
	(void)reflect(frame, len);
}

static int tap_reflect_split(const char *name)
{
	int fd = tap_open(name);
	struct split_ring *down =
		mmap(NULL, 2 * sizeof(*down), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || down == MAP_FAILED)
		return die("tap");
	struct split_ring *up = down + 1;
	down->wake = eventfd(0, EFD_NONBLOCK);
	up->wake = eventfd(0, EFD_NONBLOCK);
	if (down->wake < 0 || up->wake < 0 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) != 0)
		return die("eventfd");
	/* the reflecting half dies with this one, which the benchmark kills */
	if (split_start_reflector(down, up, split_turn, NULL) < 0)
		return die("fork");
	for (;;) {
		bool busy = false;
		/* TAP -> the other process, read straight into the slots */
		uint32_t h =
			atomic_load_explicit(&down->head, memory_order_relaxed);
		while (h - atomic_load_explicit(&down->tail,
						memory_order_acquire) <
		       SPLIT_SLOTS) {
			uint32_t s = h % SPLIT_SLOTS;
			ssize_t n = read(fd, down->frame[s], SPLIT_FRAME);
			if (n < 0 && errno == EAGAIN)
				break;
			if (n < 0)
				return die("read");
			busy = true;
			if (!is_udp4(down->frame[s], n))
				continue; /* ignored, as tap-reflect does */
			down->len[s] = (uint16_t)n;
			h++;
		}
		if (h !=
		    atomic_load_explicit(&down->head, memory_order_relaxed)) {
			atomic_store(&down->head, h);
			ring_kick(down);
		}
		/* the other process -> TAP */
		uint32_t n = ring_ready(up);
		uint32_t t =
			atomic_load_explicit(&up->tail, memory_order_relaxed);
		for (uint32_t i = 0; i < n; i++, t++) {
			uint32_t s = t % SPLIT_SLOTS;
			if (write(fd, up->frame[s], up->len[s]) != up->len[s])
				return die("write");
		}
		atomic_store_explicit(&up->tail, t, memory_order_release);
		if (!busy && n == 0 && ring_wait(up, fd) != 0)
			return die("poll");
	}
}

/* ---- load ---------------------------------------------------------------- */

static uint8_t pattern(uint64_t seq, size_t i)
{
	return (uint8_t)(seq * 131 + i * 7);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

struct load {
	int s;
	size_t size;
	uint64_t count, window;
	uint64_t sent, received, lost, bad, outstanding;
	uint64_t *sent_at; /* per sequence; 0 once answered or lost */
	uint64_t *rtt;	   /* per answer */
	uint8_t buf[MAX_DGRAM];
};

static int load_send(struct load *l)
{
	uint64_t seq = l->sent;
	memcpy(l->buf, &seq, 8);
	for (size_t i = 8; i < l->size; i++)
		l->buf[i] = pattern(seq, i);
	l->sent_at[seq] = now_ns();
	if (send(l->s, l->buf, l->size, 0) != (ssize_t)l->size)
		return -1;
	l->sent++;
	l->outstanding++;
	return 0;
}

static void load_take(struct load *l, ssize_t n)
{
	uint64_t t = now_ns(), seq;
	memcpy(&seq, l->buf, 8);
	if ((size_t)n != l->size || seq >= l->sent || l->sent_at[seq] == 0) {
		l->bad++;
		return;
	}
	for (size_t i = 8; i < l->size; i++)
		if (l->buf[i] != pattern(seq, i)) {
			l->bad++;
			return;
		}
	l->rtt[l->received++] = t - l->sent_at[seq];
	l->sent_at[seq] = 0;
	l->outstanding--;
}

/* Nothing came back for LOST_AFTER_MS: every outstanding datagram is
 * lost (a late one then counts as bad). */
static void load_give_up(struct load *l)
{
	for (uint64_t seq = 0; seq < l->sent; seq++)
		if (l->sent_at[seq]) {
			l->sent_at[seq] = 0;
			l->lost++;
		}
	l->outstanding = 0;
}

static int load(char **argv)
{
	struct load *l = calloc(1, sizeof(*l));
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)atoi(argv[1]))};
	if (!l || inet_pton(AF_INET, argv[0], &a.sin_addr) != 1) {
		fprintf(stderr, "echo_peer: load: bad address %s\n", argv[0]);
		return 2;
	}
	l->size = (size_t)atol(argv[2]);
	l->window = (uint64_t)atoll(argv[3]);
	l->count = (uint64_t)atoll(argv[4]);
	if (l->size < 16 || l->size > 1472 || l->window < 1 || l->count < 1) {
		fprintf(stderr, "echo_peer: load: SIZE 16..1472, WINDOW and "
				"COUNT at least 1\n");
		return 2;
	}
	l->sent_at = calloc(l->count, sizeof(uint64_t));
	l->rtt = calloc(l->count, sizeof(uint64_t));
	l->s = socket(AF_INET, SOCK_DGRAM, 0);
	int rcvbuf = 4 << 20;
	setsockopt(l->s, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (!l->sent_at || !l->rtt || l->s < 0 ||
	    connect(l->s, (struct sockaddr *)&a, sizeof(a)) != 0)
		return die("connect");
	uint64_t start = now_ns();
	while (l->received + l->lost < l->count) {
		while (l->outstanding < l->window && l->sent < l->count)
			if (load_send(l) != 0)
				return die("send");
		struct pollfd p = {.fd = l->s, .events = POLLIN};
		int r = poll(&p, 1, LOST_AFTER_MS);
		if (r < 0)
			return die("poll");
		if (r == 0) {
			load_give_up(l);
			continue;
		}
		ssize_t n;
		while ((n = recv(l->s, l->buf, sizeof(l->buf), MSG_DONTWAIT)) >
		       0)
			load_take(l, n);
	}
	double secs = (double)(now_ns() - start) / 1e9;
	qsort(l->rtt, l->received, sizeof(uint64_t), cmp_u64);
	double median = l->received ? l->rtt[l->received / 2] / 1e3 : 0;
	double p99 = l->received ? l->rtt[l->received * 99 / 100] / 1e3 : 0;
	printf("sent %llu received %llu lost %llu bad %llu seconds %.3f pps "
	       "%.0f rtt_median_us %.1f rtt_p99_us %.1f\n",
	       (unsigned long long)l->sent, (unsigned long long)l->received,
	       (unsigned long long)l->lost, (unsigned long long)l->bad, secs,
	       l->received / secs, median, p99);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2]);
	if (argc == 3 && strcmp(argv[1], "tap-reflect") == 0)
		return tap_reflect(argv[2]);
	if (argc == 3 && strcmp(argv[1], "tap-reflect-split") == 0)
		return tap_reflect_split(argv[2]);
	if (argc == 7 && strcmp(argv[1], "load") == 0)
		return load(argv + 2);
	fprintf(stderr, "usage: echo_peer serve PORT\n"
			"       echo_peer tap-reflect TAP\n"
			"       echo_peer tap-reflect-split TAP\n"
			"       echo_peer load IP PORT SIZE WINDOW COUNT\n");
	return 2;
}
