/* udp_echo: a tiny UDP echo server and round-trip clients for the VM
 * network tests (tests/vm/vmm_net.sh, vm_attack_guest.sh), run in L1 and in
 * the nested guest.
 *
 *   udp_echo serve PORT             echo every datagram until one reads
 *                                   "quit" (answered, then exit 0)
 *   udp_echo ping ADDR PORT COUNT [WAIT_S]
 *                                   COUNT round trips, one at a time, each
 *                                   waited for up to WAIT_S (2) s; prints
 *                                   replies, lost and the RTT median/min/max
 *                                   in us; exit 1 on any loss or a wrong
 *                                   reply
 *   udp_echo stream ADDR PORT PPS QUIET_S
 *                                   PPS 256-byte datagrams a second (a be64
 *                                   sequence from 0, then bytes seq + i)
 *                                   until no reply came for QUIET_S s while
 *                                   some were unanswered (the echoer was
 *                                   stopped: the end); then it says so
 *                                   ("udp_echo: quiet ...") and waits up to
 *                                   120 s for the rest.  Every reply must be
 *                                   the next in sequence and byte for byte
 *                                   what was sent; prints sent, answered,
 *                                   lost, altered, out of order and the RTT
 *                                   median/max; exit 1 unless every datagram
 *                                   came back whole and in order
 *   udp_echo quit ADDR PORT         ask the server to stop (retried)
 *
 * Trust: a test program; replies are checked (length and sequence) and a
 * stray datagram is ignored, not trusted.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr,
		"usage: udp_echo serve PORT | ping ADDR PORT COUNT [WAIT_S] | "
		"stream ADDR PORT PPS QUIET_S | quit ADDR PORT\n");
	return 2;
}

static int sock_or_die(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		perror("udp_echo: socket");
		exit(1);
	}
	return s;
}

static struct sockaddr_in addr_of(const char *ip, const char *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)atoi(port))};
	if (ip && inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
		fprintf(stderr, "udp_echo: bad address %s\n", ip);
		exit(2);
	}
	return a;
}

static int serve(const char *port)
{
	int s = sock_or_die();
	struct sockaddr_in a = addr_of(NULL, port);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("udp_echo: bind");
		return 1;
	}
	printf("udp_echo: serving on port %s\n", port);
	fflush(stdout);
	for (;;) {
		char buf[2048];
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(s, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &flen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("udp_echo: recvfrom");
			return 1;
		}
		sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&from, flen);
		if (n == 4 && memcmp(buf, "quit", 4) == 0)
			return 0;
	}
}

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Send msg, wait up to ms for a reply equal to it; 1 if it came. */
static int round_trip(int s, const struct sockaddr_in *to, const char *msg,
		      size_t len, int ms)
{
	sendto(s, msg, len, 0, (const struct sockaddr *)to, sizeof(*to));
	double deadline = now_us() + ms * 1000.0;
	for (;;) {
		int left = (int)((deadline - now_us()) / 1000.0);
		struct pollfd p = {.fd = s, .events = POLLIN};
		if (left <= 0 || poll(&p, 1, left) <= 0)
			return 0;
		char buf[2048];
		ssize_t n = recv(s, buf, sizeof(buf), 0);
		if (n == (ssize_t)len && memcmp(buf, msg, len) == 0)
			return 1;
		/* a late or stray reply: keep waiting for ours */
	}
}

static int ping(const char *ip, const char *port, int count, int wait_ms)
{
	int s = sock_or_die();
	struct sockaddr_in to = addr_of(ip, port);
	double *rtt = calloc((size_t)count, sizeof(double));
	int got = 0;
	for (int i = 0; i < count; i++) {
		char msg[64];
		int len = snprintf(msg, sizeof(msg), "sdvf-udp-echo %d", i);
		double t0 = now_us();
		if (round_trip(s, &to, msg, (size_t)len, wait_ms))
			rtt[got++] = now_us() - t0;
	}
	qsort(rtt, (size_t)got, sizeof(double), cmp_double);
	printf("udp_echo: %d/%d replies, lost %d", got, count, count - got);
	if (got > 0)
		printf(", rtt median %.0f us min %.0f us max %.0f us",
		       rtt[got / 2], rtt[0], rtt[got - 1]);
	printf("\n");
	free(rtt);
	return got == count ? 0 : 1;
}

#define STREAM_LEN 256
#define STREAM_RTTS 65536 /* RTTs kept for the median (the first ones) */

static void stream_fill(uint8_t *p, uint64_t seq)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(seq >> (56 - 8 * i));
	for (int i = 8; i < STREAM_LEN; i++)
		p[i] = (uint8_t)(seq + (uint64_t)i);
}

struct stream {
	uint64_t sent, answered, altered, out_of_order;
	uint64_t next_seq; /* one past the highest answered */
	double *sent_at;   /* by seq % STREAM_RTTS */
	double *rtt;
	size_t rtts;
	double last_reply;
};

/* One reply: it must be the next unanswered datagram, unchanged. */
static void stream_reply(struct stream *st, const uint8_t *p, ssize_t n)
{
	uint8_t want[STREAM_LEN];
	uint64_t seq = 0;
	if (n != STREAM_LEN) {
		st->altered++;
		return;
	}
	for (int i = 0; i < 8; i++)
		seq = seq << 8 | p[i];
	if (seq >= st->sent) { /* never sent: a stray or an altered seq */
		st->altered++;
		return;
	}
	stream_fill(want, seq);
	if (memcmp(p, want, STREAM_LEN) != 0) {
		st->altered++;
		return;
	}
	if (seq != st->next_seq)
		st->out_of_order++; /* a gap, a repeat or a late one */
	st->next_seq = seq + 1 > st->next_seq ? seq + 1 : st->next_seq;
	st->answered++;
	st->last_reply = now_us();
	if (st->rtts < STREAM_RTTS)
		st->rtt[st->rtts++] =
			st->last_reply - st->sent_at[seq % STREAM_RTTS];
}

static int stream(const char *ip, const char *port, int pps, int quiet_s)
{
	if (pps <= 0 || pps > 10000 || quiet_s <= 0)
		return usage();
	int s = sock_or_die();
	/* At the end the echoer answers what waited for it at once: room for
	 * that burst (root may pass rmem_max; else what the kernel allows). */
	int rcvbuf = 4 << 20;
	if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	struct sockaddr_in to = addr_of(ip, port);
	struct stream st = {.sent_at = calloc(STREAM_RTTS, sizeof(double)),
			    .rtt = calloc(STREAM_RTTS, sizeof(double))};
	double period = 1e6 / pps, next = now_us(), quiet_at = 0;
	st.last_reply = next;
	printf("udp_echo: streaming %d-byte datagrams to %s:%s, %d a second\n",
	       STREAM_LEN, ip, port, pps);
	fflush(stdout);
	for (;;) {
		double t = now_us();
		if (!quiet_at && st.sent > st.answered &&
		    t - st.last_reply > quiet_s * 1e6) {
			quiet_at = t;
			printf("udp_echo: quiet for %d s after %llu sent, %llu "
			       "answered; waiting for the rest\n",
			       quiet_s, (unsigned long long)st.sent,
			       (unsigned long long)st.answered);
			fflush(stdout);
		}
		if (quiet_at &&
		    (st.answered == st.sent || t - quiet_at > 120e6))
			break;
		if (!quiet_at && t >= next) {
			uint8_t msg[STREAM_LEN];
			stream_fill(msg, st.sent);
			st.sent_at[st.sent % STREAM_RTTS] = t;
			if (sendto(s, msg, STREAM_LEN, 0,
				   (struct sockaddr *)&to,
				   sizeof(to)) == STREAM_LEN)
				st.sent++;
			/* Late by more than a second (the guest was not
			 * run): no burst to catch up. */
			next = next + period < t - 1e6 ? t : next + period;
			continue;
		}
		int wait_ms = quiet_at ? 100 : (int)((next - t) / 1000.0) + 1;
		struct pollfd p = {.fd = s, .events = POLLIN};
		if (poll(&p, 1, wait_ms) > 0) {
			uint8_t buf[2048];
			ssize_t n = recv(s, buf, sizeof(buf), 0);
			if (n >= 0)
				stream_reply(&st, buf, n);
		}
	}
	qsort(st.rtt, st.rtts, sizeof(double), cmp_double);
	uint64_t lost = st.sent > st.answered ? st.sent - st.answered : 0;
	printf("udp_echo: stream: sent %llu, answered %llu, lost %llu, altered "
	       "%llu, out of order %llu, rtt median %.0f us max %.0f us\n",
	       (unsigned long long)st.sent, (unsigned long long)st.answered,
	       (unsigned long long)lost, (unsigned long long)st.altered,
	       (unsigned long long)st.out_of_order,
	       st.rtts ? st.rtt[st.rtts / 2] : 0.0,
	       st.rtts ? st.rtt[st.rtts - 1] : 0.0);
	free(st.sent_at);
	free(st.rtt);
	return lost || st.altered || st.out_of_order ? 1 : 0;
}

static int quit(const char *ip, const char *port)
{
	int s = sock_or_die();
	struct sockaddr_in to = addr_of(ip, port);
	for (int i = 0; i < 5; i++)
		if (round_trip(s, &to, "quit", 4, 1000))
			return 0;
	fprintf(stderr, "udp_echo: quit not answered\n");
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2]);
	if ((argc == 5 || argc == 6) && strcmp(argv[1], "ping") == 0) {
		int wait_s = argc == 6 ? atoi(argv[5]) : 2;
		return ping(argv[2], argv[3], atoi(argv[4]),
			    (wait_s > 0 ? wait_s : 2) * 1000);
	}
	if (argc == 6 && strcmp(argv[1], "stream") == 0)
		return stream(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
	if (argc == 4 && strcmp(argv[1], "quit") == 0)
		return quit(argv[2], argv[3]);
	return usage();
}
