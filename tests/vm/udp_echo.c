/* udp_echo: a tiny UDP echo server and round-trip client for the VM
 * network tests (tests/vm/vmm_net.sh), run in L1 and in the nested guest.
 *
 *   udp_echo serve PORT             echo every datagram until one reads
 *                                   "quit" (answered, then exit 0)
 *   udp_echo ping ADDR PORT COUNT [WAIT_S]
 *                                   COUNT round trips, one at a time, each
 *                                   waited for up to WAIT_S (2) s; prints
 * replies, lost and the RTT median/min/max in us; exit 1 on any loss or a wrong
 * reply udp_echo quit ADDR PORT         ask the server to stop (retried)
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
		"quit ADDR PORT\n");
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
	if (argc == 4 && strcmp(argv[1], "quit") == 0)
		return quit(argv[2], argv[3]);
	return usage();
}
