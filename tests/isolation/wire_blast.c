/* wire_blast: a flood from outside the NIC, for the attack table's
 * wire_flood_ext row (tests/isolation/test_attack_table.sh, issue 12 attack
 * 12).  Run as root in the namespace that holds the ENET model's tap: each
 * frame written to the tap through an AF_PACKET socket is a frame the model
 * receives from the wire.
 *
 *   wire_blast IFNAME DST_MAC LEN PPS COUNT SECONDS
 *
 * Sends LEN-byte frames (14..1514) to DST_MAC from a locally administered
 * source no client has (02:b1:a5:70:00:01), ethertype 0x88b6 (not the bench
 * format), PPS a second in bursts of 16 (0: as fast as the socket takes
 * them), until COUNT frames or SECONDS have passed, whichever is first: the
 * flood is bounded both ways.  Prints one line:
 *   wire_blast: sent N of COUNT in S s (F refused by the socket)
 * A refused send (ENOBUFS, EAGAIN: the interface's queue is full) is
 * counted, not retried; the kernel's own drops on the tap are its
 * tx_dropped, which the caller reads.  Exit 0 if it could send at all.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BURST 16u
#define ETHERTYPE 0x88b6u

static const uint8_t source_mac[6] = {0x02, 0xb1, 0xa5, 0x70, 0x00, 0x01};

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char end;
	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5], &end) != 6)
		return -1;
	for (unsigned i = 0; i < 6; i++) {
		if (v[i] > 0xff)
			return -1;
		mac[i] = (uint8_t)v[i];
	}
	return 0;
}

static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void sleep_until(uint64_t ns)
{
	struct timespec t = {.tv_sec = (time_t)(ns / 1000000000u),
			     .tv_nsec = (long)(ns % 1000000000u)};
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) ==
	       EINTR)
		;
}

int main(int argc, char **argv)
{
	uint8_t dst[6];
	uint64_t len, pps, count, secs;
	if (argc != 7 || parse_mac(argv[2], dst) ||
	    parse_u64(argv[3], 14, 1514, &len) ||
	    parse_u64(argv[4], 0, 10000000, &pps) ||
	    parse_u64(argv[5], 1, 100000000, &count) ||
	    parse_u64(argv[6], 1, 3600, &secs)) {
		fprintf(stderr,
			"usage: wire_blast IFNAME DST_MAC LEN(14..1514) "
			"PPS(0..10000000, 0: unpaced) "
			"COUNT(1..100000000) SECONDS(1..3600)\n");
		return 2;
	}
	unsigned ifindex = if_nametoindex(argv[1]);
	if (!ifindex) {
		fprintf(stderr, "wire_blast: no interface '%s'\n", argv[1]);
		return 1;
	}
	int fd = socket(AF_PACKET, SOCK_RAW,
			0); /* sends only: receives nothing */
	if (fd < 0) {
		perror("wire_blast: socket(AF_PACKET)");
		return 1;
	}
	struct sockaddr_ll to = {.sll_family = AF_PACKET,
				 .sll_protocol = htons(ETHERTYPE),
				 .sll_ifindex = (int)ifindex,
				 .sll_halen = 6};
	memcpy(to.sll_addr, dst, 6);

	uint8_t frame[1514];
	memcpy(frame, dst, 6);
	memcpy(frame + 6, source_mac, 6);
	frame[12] = ETHERTYPE >> 8;
	frame[13] = ETHERTYPE & 0xff;
	for (unsigned i = 14; i < sizeof(frame); i++)
		frame[i] = (uint8_t)i;

	uint64_t start = now_ns(), end = start + secs * 1000000000u;
	uint64_t gap = pps ? (uint64_t)BURST * 1000000000u / pps : 0;
	uint64_t sent = 0, refused = 0, next = start;
	while (sent + refused < count && now_ns() < end) {
		for (unsigned k = 0; k < BURST && sent + refused < count; k++) {
			uint64_t seq = sent + refused;
			memcpy(frame + 14, &seq, sizeof(seq));
			if (sendto(fd, frame, (size_t)len, 0,
				   (struct sockaddr *)&to, sizeof(to)) < 0) {
				if (errno != ENOBUFS && errno != EAGAIN) {
					perror("wire_blast: sendto");
					return 1;
				}
				refused++;
			} else {
				sent++;
			}
		}
		if (gap) {
			next += gap;
			sleep_until(next);
		}
	}
	printf("wire_blast: sent %llu of %llu in %.2f s (%llu refused by the "
	       "socket)\n",
	       (unsigned long long)sent, (unsigned long long)count,
	       (double)(now_ns() - start) / 1e9, (unsigned long long)refused);
	close(fd);
	return sent ? 0 : 1;
}
