/*
 * imx7_peer: the host side of tests/vm/imx7_enet.sh.  Speaks Ethernet
 * frames, one per UDP datagram (QEMU's -netdev dgram), with the ENET of
 * the emulated i.MX7, behind which the guest runs the ENET driver, the
 * muxes and raw_responder clients.
 *
 *   imx7_peer LOCAL_PORT QEMU_PORT ECHOES IP:MAC...
 *
 * For each client IP:MAC (e.g. 10.215.7.2:02:00:00:00:17:02): ARP until
 * it answers (every 250 ms, at most 120 s: the guest boots meanwhile),
 * checking the reply field by field and its length (42 bytes: no FCS, no
 * padding; each request is 60 bytes).  Then ECHOES UDP echoes to port 1235,
 * round robin over the clients, one at a time, sizes cycling from the 60-byte
 * minimum frame to 1514: each answer must be the exact frame expected
 * (addresses and ports swapped, the same payload, the same length).  Prints the
 * totals the guest's driver must match ("echo_frames=N echo_bytes=N ...",
 * "sent_frames=N ... recv_bytes=N"), and exits 0 only if every answer was
 * exact.
 */
#include <arpa/inet.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 4
#define ECHO_PORT 1235
#define HOST_PORT 40000
#define ANSWER_MS 3000

static const uint8_t host_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x17, 0xfe};
static const uint8_t host_ip[4] = {10, 215, 7, 1};

struct client {
	uint8_t ip[4], mac[6];
};

struct peer {
	int fd;
	struct sockaddr_in qemu;
	uint64_t sent_frames, sent_bytes, recv_frames, recv_bytes;
	uint64_t bad_length, bad_content, lost, foreign;
};

static uint64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint16_t ip_checksum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += get16(h + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void send_frame(struct peer *p, const uint8_t *f, size_t len)
{
	if (sendto(p->fd, f, len, 0, (const struct sockaddr *)&p->qemu,
		   sizeof(p->qemu)) != (ssize_t)len) {
		perror("imx7_peer: sendto");
		exit(2);
	}
	p->sent_frames++;
	p->sent_bytes += len;
}

/* The next frame within ms, its length, or -1. */
static long recv_frame(struct peer *p, uint8_t *buf, size_t cap, int ms)
{
	struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
	if (poll(&pfd, 1, ms) <= 0)
		return -1;
	long len = recv(p->fd, buf, cap, 0);
	if (len >= 0) {
		p->recv_frames++;
		p->recv_bytes += (uint64_t)len;
	}
	return len;
}

static void eth_header(uint8_t *f, const uint8_t *dst, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, host_mac, 6);
	put16(f + 12, type);
}

/* ARP request for c, padded to the 60-byte minimum (QEMU's socket
 * backend passes frames as they are). */
static void send_arp(struct peer *p, const struct client *c)
{
	static const uint8_t all[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	uint8_t f[60] = {0};
	eth_header(f, all, 0x0806);
	uint8_t *a = f + 14;
	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 1);
	memcpy(a + 8, host_mac, 6);
	memcpy(a + 14, host_ip, 4);
	memcpy(a + 24, c->ip, 4);
	send_frame(p, f, sizeof(f));
}

static bool arp_reply_ok(const uint8_t *f, long len, const struct client *c)
{
	const uint8_t *a = f + 14;
	return len == 42 && memcmp(f, host_mac, 6) == 0 &&
	       memcmp(f + 6, c->mac, 6) == 0 && get16(f + 12) == 0x0806 &&
	       get16(a) == 1 && get16(a + 2) == 0x0800 && a[4] == 6 &&
	       a[5] == 4 && get16(a + 6) == 2 &&
	       memcmp(a + 8, c->mac, 6) == 0 && memcmp(a + 14, c->ip, 4) == 0 &&
	       memcmp(a + 18, host_mac, 6) == 0 &&
	       memcmp(a + 24, host_ip, 4) == 0;
}

static bool arp_until_answered(struct peer *p, const struct client *c,
			       uint64_t deadline)
{
	uint8_t buf[2048];
	while (now_ms() < deadline) {
		send_arp(p, c);
		uint64_t until = now_ms() + 250;
		long len;
		while (now_ms() < until &&
		       (len = recv_frame(p, buf, sizeof(buf),
					 (int)(until - now_ms()))) >= 0) {
			if (len >= 14 && get16(buf + 12) == 0x0806 &&
			    memcmp(buf + 6, c->mac, 6) == 0) {
				if (arp_reply_ok(buf, len, c))
					return true;
				fprintf(stderr,
					"imx7_peer: ARP reply of %ld bytes "
					"not as expected\n",
					len);
				p->bad_length += len != 42;
				p->bad_content += len == 42;
				return false;
			}
			p->foreign++;
		}
	}
	return false;
}

/* UDP datagram to c's echo port: frame length `len`, payload from seq. */
static size_t build_udp(uint8_t *f, size_t len, const struct client *c,
			uint32_t seq)
{
	eth_header(f, c->mac, 0x0800);
	uint8_t *ip = f + 14, *udp = ip + 20;
	size_t payload = len - 42;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(28 + payload));
	put16(ip + 4, (uint16_t)seq);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, host_ip, 4);
	memcpy(ip + 16, c->ip, 4);
	put16(ip + 10, ip_checksum(ip, 20));
	put16(udp, HOST_PORT);
	put16(udp + 2, ECHO_PORT);
	put16(udp + 4, (uint16_t)(8 + payload));
	put16(udp + 6, 0); /* no checksum (RFC 768) */
	for (size_t i = 0; i < payload; i++)
		udp[8 + i] = (uint8_t)(seq * 7 + i * 13 + (i >> 8));
	return len;
}

/* The answer must be the request with MACs, IPs and ports swapped and
 * the same payload; the IP header is the responder's own (its id, TTL
 * and checksum), so only its addresses, length, protocol and checksum
 * are compared. */
static bool echo_ok(const uint8_t *req, size_t len, const uint8_t *ans,
		    long alen)
{
	const uint8_t *rip = req + 14, *aip = ans + 14;
	if (alen != (long)len)
		return false;
	return memcmp(ans, req + 6, 6) == 0 && memcmp(ans + 6, req, 6) == 0 &&
	       get16(ans + 12) == 0x0800 && aip[0] == 0x45 &&
	       get16(aip + 2) == get16(rip + 2) && aip[9] == 17 &&
	       ip_checksum(aip, 20) == 0 &&
	       memcmp(aip + 12, rip + 16, 4) == 0 &&
	       memcmp(aip + 16, rip + 12, 4) == 0 &&
	       get16(aip + 20) == ECHO_PORT && get16(aip + 22) == HOST_PORT &&
	       get16(aip + 24) == get16(rip + 24) &&
	       memcmp(aip + 28, rip + 28, len - 42) == 0;
}

static void echo(struct peer *p, const struct client *c, uint32_t seq)
{
	uint8_t req[1514], ans[2048];
	size_t len = 60 + (seq * 97) % (1514 - 60 + 1);
	build_udp(req, len, c, seq);
	send_frame(p, req, len);
	uint64_t deadline = now_ms() + ANSWER_MS;
	while (now_ms() < deadline) {
		long alen = recv_frame(p, ans, sizeof(ans),
				       (int)(deadline - now_ms()));
		if (alen < 0)
			break;
		if (alen < 42 || get16(ans + 12) != 0x0800 ||
		    get16(ans + 14 + 4) != (uint16_t)seq) {
			p->foreign++; /* not this answer (a late one) */
			continue;
		}
		if (alen != (long)len) {
			p->bad_length++;
			fprintf(stderr,
				"imx7_peer: echo %u: %ld bytes back for %zu\n",
				seq, alen, len);
		} else if (!echo_ok(req, len, ans, alen)) {
			p->bad_content++;
			fprintf(stderr, "imx7_peer: echo %u: content differs\n",
				seq);
		}
		return;
	}
	p->lost++;
}

static bool parse_client(const char *s, struct client *c)
{
	unsigned ip[4], mac[6];
	if (sscanf(s, "%u.%u.%u.%u:%x:%x:%x:%x:%x:%x", &ip[0], &ip[1], &ip[2],
		   &ip[3], &mac[0], &mac[1], &mac[2], &mac[3], &mac[4],
		   &mac[5]) != 10)
		return false;
	for (int i = 0; i < 4; i++)
		c->ip[i] = (uint8_t)ip[i];
	for (int i = 0; i < 6; i++)
		c->mac[i] = (uint8_t)mac[i];
	return true;
}

int main(int argc, char **argv)
{
	struct client clients[MAX_CLIENTS];
	int n = argc - 4;
	if (n < 1 || n > MAX_CLIENTS) {
		fprintf(stderr, "usage: imx7_peer LOCAL_PORT QEMU_PORT ECHOES "
				"IP:MAC...\n");
		return 2;
	}
	for (int i = 0; i < n; i++) {
		if (!parse_client(argv[4 + i], &clients[i])) {
			fprintf(stderr, "imx7_peer: bad client '%s'\n",
				argv[4 + i]);
			return 2;
		}
	}
	struct peer p = {.fd = socket(AF_INET, SOCK_DGRAM, 0)};
	struct sockaddr_in local = {.sin_family = AF_INET,
				    .sin_port = htons((uint16_t)atoi(argv[1])),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	p.qemu = local;
	p.qemu.sin_port = htons((uint16_t)atoi(argv[2]));
	if (p.fd < 0 ||
	    bind(p.fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
		perror("imx7_peer: bind");
		return 2;
	}
	uint64_t start = now_ms();
	for (int i = 0; i < n; i++) {
		if (!arp_until_answered(&p, &clients[i], start + 120000)) {
			fprintf(stderr, "imx7_peer: no ARP answer from %s\n",
				argv[4 + i]);
			return 1;
		}
		printf("imx7_peer: arp %s answered after %.1f s\n", argv[4 + i],
		       (double)(now_ms() - start) / 1000);
	}
	long echoes = atol(argv[3]);
	uint64_t t0 = now_ms();
	uint64_t arp_frames = p.sent_frames, arp_bytes = p.sent_bytes;
	int lost_in_a_row = 0;
	/* Ten unanswered in a row: the guest is gone; stop rather than wait
	 * ANSWER_MS for each of the rest. */
	for (long s = 0; s < echoes; s++) {
		uint64_t lost = p.lost;
		echo(&p, &clients[s % n], (uint32_t)s);
		lost_in_a_row = p.lost > lost ? lost_in_a_row + 1 : 0;
		if (lost_in_a_row == 10) {
			fprintf(stderr,
				"imx7_peer: 10 echoes unanswered in a row, "
				"stopping at %ld\n",
				s + 1);
			p.lost += (uint64_t)(echoes - s - 1);
			break;
		}
	}
	uint64_t ms = now_ms() - t0;
	printf("imx7_peer: echoes=%ld exact=%llu bad_length=%llu "
	       "bad_content=%llu lost=%llu foreign=%llu in %.1f s (%.2f ms "
	       "each)\n",
	       echoes,
	       (unsigned long long)(echoes - (long)(p.bad_length +
						    p.bad_content + p.lost)),
	       (unsigned long long)p.bad_length,
	       (unsigned long long)p.bad_content, (unsigned long long)p.lost,
	       (unsigned long long)p.foreign, (double)ms / 1000,
	       echoes ? (double)ms / (double)echoes : 0.0);
	/* Every echo request was answered, so the guest received each; of
	 * the ARP requests (60 bytes each) those sent before its driver was
	 * up were not. */
	printf("imx7_peer: echo_frames=%llu echo_bytes=%llu arp_frames=%llu "
	       "arp_bytes=%llu\n",
	       (unsigned long long)(p.sent_frames - arp_frames),
	       (unsigned long long)(p.sent_bytes - arp_bytes),
	       (unsigned long long)arp_frames, (unsigned long long)arp_bytes);
	printf("imx7_peer: sent_frames=%llu sent_bytes=%llu recv_frames=%llu "
	       "recv_bytes=%llu\n",
	       (unsigned long long)p.sent_frames,
	       (unsigned long long)p.sent_bytes,
	       (unsigned long long)p.recv_frames,
	       (unsigned long long)p.recv_bytes);
	return p.bad_length || p.bad_content || p.lost ? 1 : 0;
}
