/* udp_flood: a saturating UDP sender and a checking sink for the VM share
 * test (tests/vm/vm_pair_drr.sh), run in the nested guests (send) and in
 * L1's peer namespace (sink).
 *
 *   udp_flood send ADDR PORT LEN CTRL_PORT MAX_S
 *       sends LEN-byte datagrams (16..1472) to ADDR:PORT as fast as the
 *       socket takes them until a datagram "quit" arrives on CTRL_PORT
 *       (answered "quit") or MAX_S seconds pass.  Payload: "SDVF", a be32
 *       sender id (its port), a be64 sequence from 0, then bytes
 *       (seq + i) & 0xff.  Prints "udp_flood: sending" when it starts and
 *       one line of totals at the end; exit 0 if it was stopped by quit.
 *   udp_flood sink PORT [IFNAME]
 *       receives on PORT until "quit" (answered), checking every datagram
 *       against the pattern above; with IFNAME it also reads, on a packet
 *       socket there, the frames of sdvf's bench source (ethertype 0x88b5,
 *       clients/bench_client.c: be64 sequence at 14, checksum at 22, then
 *       bytes (seq + i)) and checks each byte of them.  Prints, per
 *       source, datagrams (frames), bytes and how many were altered; exit 0
 *       if nothing was altered.
 *
 * Trust: a test program; everything received is checked, nothing of it is
 * used but to count.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define HDR 16		  /* "SDVF", be32 id, be64 seq */
#define BENCH_TYPE 0x88b5 /* clients/bench_client.c */
#define BENCH_DATA 24	  /* after its sequence and checksum */
#define SOURCES 16

static int usage(void)
{
	fprintf(stderr, "usage: udp_flood send ADDR PORT LEN CTRL_PORT MAX_S | "
			"sink PORT [IFNAME]\n");
	return 2;
}

static int udp_socket(uint16_t bind_port)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons(bind_port)};
	if (s < 0 || (bind_port && bind(s, (struct sockaddr *)&a, sizeof(a)))) {
		perror("udp_flood: socket");
		exit(1);
	}
	return s;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* "quit" on s: answered; 1 if it came. */
static int got_quit(int s)
{
	char buf[64];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	ssize_t n = recvfrom(s, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &flen);
	if (n != 4 || memcmp(buf, "quit", 4) != 0)
		return 0;
	sendto(s, buf, 4, 0, (struct sockaddr *)&from, flen);
	return 1;
}

static int flood(const char *ip, int port, int len, int ctrl_port, int max_s)
{
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port)};
	if (inet_pton(AF_INET, ip, &to.sin_addr) != 1 || len < HDR ||
	    len > 1472 || ctrl_port <= 0 || ctrl_port > 65535 || max_s <= 0)
		return usage();
	int s = udp_socket(0), ctrl = udp_socket((uint16_t)ctrl_port);
	/* pattern[j] = j: the bytes of datagram seq start at seq & 0xff, so
	 * each is sent from here without a loop of its own (the guest runs
	 * nested under TCG: every instruction counts). */
	static uint8_t pattern[256 + 1472];
	uint8_t head[HDR];
	uint64_t seq = 0, refused = 0;
	double end = now_s() + max_s;
	int quit = 0;
	for (size_t j = 0; j < sizeof(pattern); j++)
		pattern[j] = (uint8_t)j;
	memcpy(head, "SDVF", 4);
	put_be(head + 4, (uint64_t)port, 4);
	printf("udp_flood: sending %d-byte datagrams to %s:%d\n", len, ip,
	       port);
	fflush(stdout);
	while (!(quit = got_quit(ctrl)) && now_s() < end) {
		/* A batch between looks at the clock and the control port. */
		for (int k = 0; k < 64; k++) {
			struct iovec iov[2] = {{head, HDR},
					       {pattern + (seq & 0xff) + HDR,
						(size_t)(len - HDR)}};
			struct msghdr msg = {.msg_name = &to,
					     .msg_namelen = sizeof(to),
					     .msg_iov = iov,
					     .msg_iovlen = 2};
			put_be(head + 8, seq, 8);
			if (sendmsg(s, &msg, 0) == len)
				seq++;
			else if (errno == ENOBUFS || errno == EAGAIN)
				refused++; /* the queue towards the NIC is full
					    */
			else {
				perror("udp_flood: sendto");
				return 1;
			}
		}
	}
	printf("udp_flood: sent %llu datagrams (%llu bytes), %llu refused "
	       "by a full queue, stopped by %s\n",
	       (unsigned long long)seq, (unsigned long long)seq * len,
	       (unsigned long long)refused, quit ? "quit" : "timeout");
	return quit ? 0 : 1;
}

struct source {
	char name[32];
	uint64_t frames, bytes, altered;
};

static struct source *source_of(struct source *src, int *n, const char *name)
{
	for (int i = 0; i < *n; i++)
		if (strcmp(src[i].name, name) == 0)
			return &src[i];
	if (*n == SOURCES)
		return &src[SOURCES]; /* the overflow row */
	snprintf(src[*n].name, sizeof(src[*n].name), "%s", name);
	return &src[(*n)++];
}

static int udp_altered(const uint8_t *p, ssize_t n)
{
	if (n < HDR || memcmp(p, "SDVF", 4) != 0)
		return 1;
	uint64_t seq = get_be(p + 8, 8);
	for (ssize_t i = HDR; i < n; i++)
		if (p[i] != (uint8_t)(seq + (uint64_t)i))
			return 1;
	return 0;
}

static int bench_altered(const uint8_t *f, ssize_t n)
{
	if (n < BENCH_DATA)
		return 1;
	uint64_t seq = get_be(f + 14, 8);
	for (ssize_t i = BENCH_DATA; i < n; i++)
		if (f[i] != (uint8_t)(seq + (uint64_t)i))
			return 1;
	return 0;
}

static int packet_socket(const char *ifname)
{
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(BENCH_TYPE));
	struct sockaddr_ll a = {.sll_family = AF_PACKET,
				.sll_protocol = htons(BENCH_TYPE),
				.sll_ifindex = (int)if_nametoindex(ifname)};
	if (s < 0 || !a.sll_ifindex ||
	    bind(s, (struct sockaddr *)&a, sizeof(a))) {
		perror("udp_flood: packet socket");
		exit(1);
	}
	return s;
}

static int sink(int port, const char *ifname)
{
	if (port <= 0 || port > 65535)
		return usage();
	struct source src[SOURCES + 1] = {{.name = "others"}};
	int nsrc = 0, quit = 0;
	struct pollfd p[2] = {
		{.fd = udp_socket((uint16_t)port), .events = POLLIN},
		{.fd = ifname ? packet_socket(ifname) : -1, .events = POLLIN}};
	printf("udp_flood: sink on port %d%s%s\n", port,
	       ifname ? ", bench frames on " : "", ifname ? ifname : "");
	fflush(stdout);
	while (!quit) {
		uint8_t buf[2048];
		char name[32];
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return 1;
		if (p[0].revents & POLLIN) {
			struct sockaddr_in from;
			socklen_t flen = sizeof(from);
			ssize_t n = recvfrom(p[0].fd, buf, sizeof(buf), 0,
					     (struct sockaddr *)&from, &flen);
			if (n == 4 && memcmp(buf, "quit", 4) == 0) {
				sendto(p[0].fd, buf, 4, 0,
				       (struct sockaddr *)&from, flen);
				quit = 1;
			} else if (n >= 0) {
				inet_ntop(AF_INET, &from.sin_addr, name,
					  sizeof(name));
				struct source *s = source_of(src, &nsrc, name);
				s->frames++;
				s->bytes += (uint64_t)n;
				s->altered += (uint64_t)udp_altered(buf, n);
			}
		}
		if (p[1].fd >= 0 && (p[1].revents & POLLIN)) {
			ssize_t n = recv(p[1].fd, buf, sizeof(buf), 0);
			if (n >= 12) {
				snprintf(name, sizeof(name),
					 "%02x:%02x:%02x:%02x:%02x:%02x",
					 buf[6], buf[7], buf[8], buf[9],
					 buf[10], buf[11]);
				struct source *s = source_of(src, &nsrc, name);
				s->frames++;
				s->bytes += (uint64_t)n;
				s->altered += (uint64_t)bench_altered(buf, n);
			}
		}
	}
	uint64_t altered = 0;
	for (int i = 0; i <= nsrc; i++) {
		struct source *s = i < nsrc ? &src[i] : &src[SOURCES];
		if (i == nsrc && !s->frames)
			break;
		printf("udp_flood: from %s: %llu frames, %llu bytes, %llu "
		       "altered\n",
		       s->name, (unsigned long long)s->frames,
		       (unsigned long long)s->bytes,
		       (unsigned long long)s->altered);
		altered += s->altered;
	}
	printf("udp_flood: altered %llu\n", (unsigned long long)altered);
	return altered ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 7 && strcmp(argv[1], "send") == 0)
		return flood(argv[2], atoi(argv[3]), atoi(argv[4]),
			     atoi(argv[5]), atoi(argv[6]));
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "sink") == 0)
		return sink(atoi(argv[2]), argc == 4 ? argv[3] : NULL);
	return usage();
}
