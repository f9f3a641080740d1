/*
 * wire_probe: the host half of tests/integration/wire_tap.sh.
 *
 *   wire_probe TAP OWN_IP PEER_IP UDP_PORT UDP_PAYLOAD
 *   wire_probe unplug TAP
 *   wire_probe other-sysfs TAP
 *
 * Runs inside the test's network namespace.  Opens TAP through wire_open
 * (which creates it and brings it up), checks that a second open of the same
 * name, and an open by an unprivileged process, are refused with the exact
 * reasons, prints "ready" and waits for a line
 * on stdin (the script gives PEER_IP to the namespace side meanwhile).  Then
 * it proves frames cross the tap both ways:
 *   1. an ARP request for PEER_IP is answered by the namespace's stack;
 *   2. an ICMP echo request to PEER_IP gets the matching echo reply;
 *   3. after printing "udp-wait", a UDP datagram the script sends from the
 *      namespace to OWN_IP:UDP_PORT arrives intact (the probe answers the
 *      namespace's ARP requests for OWN_IP);
 *   4. after printing "stall" it reads nothing until a line comes (the
 *      script floods the tap meanwhile, so the kernel drops what the tap's
 *      queue cannot hold), then drains the tap and prints "drops N", the
 *      wire's rx_kernel_drops, for the script to compare with the kernel's
 *      own tx_dropped of the tap.
 * Each step is bounded in time.  Exit 0 and "ok ..." on success; 1 with the
 * failing step on stderr otherwise.
 *
 * `unplug` opens TAP, prints "unplug-wait" and waits for a line (the script
 * deletes the tap from the namespace meanwhile), then checks that the wire
 * fails once and for good: one wire_recv error with the exact reason, its
 * fd closed (wire_fd -1), failures 1, and afterwards no frames, no more
 * errors and sends refused.  Prints "ok unplug" on success.
 *
 * `other-sysfs` runs where /sys shows another network namespace, which has
 * an interface named TAP of its own (the script arranges it): the wire must
 * not read that interface's counters as its tap's, and says so
 * (wire_warning).  Prints "ok other-sysfs: <warning>" on success.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "driver/enet/wire/wire.h"

#define STEP_TIMEOUT_MS 5000
#define RESEND_MS 500
#define ETH_ARP 0x0806
#define ETH_IPV4 0x0800

static const uint8_t own_mac[6] = {0x02, 0x5d, 0x76, 0x66, 0x00, 0x01};
static const uint8_t broadcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

struct probe {
	struct wire *wire;
	uint32_t own_ip, peer_ip; /* network byte order */
	uint8_t peer_mac[6];
	uint16_t udp_port;
	const char *udp_payload;
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t inet_checksum(const uint8_t *data, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += get16(data + i);
	if (len & 1)
		sum += (uint32_t)data[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void eth_header(uint8_t *frame, const uint8_t *dst, uint16_t type)
{
	memcpy(frame, dst, 6);
	memcpy(frame + 6, own_mac, 6);
	put16(frame + 12, type);
}

/* ARP request (op 1) or reply (op 2) from us. */
static int send_arp(struct probe *p, uint16_t op, const uint8_t *dst_mac,
		    uint32_t target_ip)
{
	uint8_t frame[60] = {0};
	uint8_t *arp = frame + 14;

	eth_header(frame, op == 1 ? broadcast_mac : dst_mac, ETH_ARP);
	put16(arp, 1);		/* Ethernet */
	put16(arp + 2, 0x0800); /* IPv4 */
	arp[4] = 6;
	arp[5] = 4;
	put16(arp + 6, op);
	memcpy(arp + 8, own_mac, 6);
	memcpy(arp + 14, &p->own_ip, 4);
	memcpy(arp + 18, op == 1 ? (const uint8_t[6]){0} : dst_mac, 6);
	memcpy(arp + 24, &target_ip, 4);
	return wire_send(p->wire, frame, sizeof(frame));
}

/* Answers "who has OWN_IP"; true if the frame was such a request. */
static bool answer_arp(struct probe *p, const uint8_t *frame, long len)
{
	const uint8_t *arp = frame + 14;
	uint32_t target, sender;

	if (len < 42 || get16(frame + 12) != ETH_ARP || get16(arp + 6) != 1)
		return false;
	memcpy(&target, arp + 24, 4);
	if (target != p->own_ip)
		return false;
	memcpy(&sender, arp + 14, 4);
	send_arp(p, 2, arp + 8, sender);
	return true;
}

/* Next frame within the step's deadline, or -1 on timeout. */
static long wait_frame(struct probe *p, uint8_t *buf, size_t cap,
		       uint64_t deadline_ms)
{
	struct pollfd pfd = {.fd = wire_fd(p->wire), .events = POLLIN};
	long len;

	for (;;) {
		len = wire_recv(p->wire, buf, cap);
		if (len > 0)
			return len;
		if (now_ms() >= deadline_ms)
			return -1;
		poll(&pfd, 1, (int)(deadline_ms - now_ms()));
	}
}

static bool is_arp_reply_from_peer(struct probe *p, const uint8_t *f, long len)
{
	const uint8_t *arp = f + 14;
	uint32_t sender, target;

	if (len < 42 || get16(f + 12) != ETH_ARP || get16(arp + 6) != 2)
		return false;
	memcpy(&sender, arp + 14, 4);
	memcpy(&target, arp + 24, 4);
	return sender == p->peer_ip && target == p->own_ip &&
	       memcmp(f, own_mac, 6) == 0 && memcmp(arp + 18, own_mac, 6) == 0;
}

static bool step_arp(struct probe *p)
{
	uint64_t deadline = now_ms() + STEP_TIMEOUT_MS, resend = 0;
	uint8_t buf[2048];
	long len;

	while (now_ms() < deadline) {
		if (now_ms() >= resend) {
			send_arp(p, 1, NULL, p->peer_ip);
			resend = now_ms() + RESEND_MS;
		}
		len = wait_frame(p, buf, sizeof(buf), resend);
		if (len > 0 && is_arp_reply_from_peer(p, buf, len)) {
			memcpy(p->peer_mac, buf + 14 + 8, 6);
			return true;
		}
		if (len > 0)
			answer_arp(p, buf, len);
	}
	return false;
}

#define ICMP_ID 0x5dfe
#define ICMP_SEQ 1
#define ICMP_DATA 32

static size_t build_ipv4(struct probe *p, uint8_t *frame, uint8_t proto,
			 size_t payload_len)
{
	uint8_t *ip = frame + 14;

	eth_header(frame, p->peer_mac, ETH_IPV4);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + payload_len));
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, &p->own_ip, 4);
	memcpy(ip + 16, &p->peer_ip, 4);
	put16(ip + 10, inet_checksum(ip, 20));
	return 14 + 20 + payload_len;
}

/* An IPv4 frame to us with a valid header checksum; its payload or NULL. */
static const uint8_t *ipv4_to_us(struct probe *p, const uint8_t *f, long len,
				 uint8_t proto, size_t *payload_len)
{
	const uint8_t *ip = f + 14;
	size_t ihl, total;
	uint32_t dst;

	if (len < 34 || get16(f + 12) != ETH_IPV4 || (ip[0] >> 4) != 4)
		return NULL;
	ihl = (size_t)(ip[0] & 0xf) * 4;
	total = get16(ip + 2);
	memcpy(&dst, ip + 16, 4);
	if (ihl < 20 || total < ihl || 14 + total > (size_t)len ||
	    ip[9] != proto || dst != p->own_ip || inet_checksum(ip, ihl) != 0)
		return NULL;
	*payload_len = total - ihl;
	return ip + ihl;
}

static bool is_echo_reply(struct probe *p, const uint8_t *f, long len)
{
	size_t icmp_len;
	const uint8_t *icmp = ipv4_to_us(p, f, len, 1, &icmp_len);

	if (icmp == NULL || icmp_len != 8 + ICMP_DATA || icmp[0] != 0 ||
	    inet_checksum(icmp, icmp_len) != 0 || get16(icmp + 4) != ICMP_ID ||
	    get16(icmp + 6) != ICMP_SEQ)
		return false;
	for (int i = 0; i < ICMP_DATA; i++) {
		if (icmp[8 + i] != (uint8_t)(0xa0 + i))
			return false;
	}
	return true;
}

static bool step_icmp(struct probe *p)
{
	uint64_t deadline = now_ms() + STEP_TIMEOUT_MS;
	uint8_t frame[128] = {0}, buf[2048];
	uint8_t *icmp = frame + 34;
	size_t len = build_ipv4(p, frame, 1, 8 + ICMP_DATA);
	long got;

	icmp[0] = 8; /* echo request */
	put16(icmp + 4, ICMP_ID);
	put16(icmp + 6, ICMP_SEQ);
	for (int i = 0; i < ICMP_DATA; i++)
		icmp[8 + i] = (uint8_t)(0xa0 + i);
	put16(icmp + 2, inet_checksum(icmp, 8 + ICMP_DATA));
	if (wire_send(p->wire, frame, len) != 0)
		return false;
	while ((got = wait_frame(p, buf, sizeof(buf), deadline)) > 0) {
		if (is_echo_reply(p, buf, got))
			return true;
		answer_arp(p, buf, got);
	}
	return false;
}

static bool is_expected_udp(struct probe *p, const uint8_t *f, long len)
{
	size_t udp_len, want = strlen(p->udp_payload);
	const uint8_t *udp = ipv4_to_us(p, f, len, 17, &udp_len);

	return udp != NULL && udp_len == 8 + want &&
	       get16(udp + 2) == p->udp_port && get16(udp + 4) == 8 + want &&
	       memcmp(udp + 8, p->udp_payload, want) == 0;
}

static bool step_udp(struct probe *p)
{
	uint64_t deadline = now_ms() + STEP_TIMEOUT_MS;
	uint8_t buf[2048];
	long got;

	printf("udp-wait\n");
	fflush(stdout);
	while ((got = wait_frame(p, buf, sizeof(buf), deadline)) > 0) {
		if (is_expected_udp(p, buf, got))
			return true;
		answer_arp(p, buf, got);
	}
	return false;
}

/* Drain up to this many frames after the stall (the flood was 2000). */
#define DRAIN_MAX 100000
/* Longer than the wire's interval between reads of the kernel's count. */
#define REFRESH_WAIT_US 50000

static bool step_kernel_drops(struct probe *p)
{
	uint8_t buf[2048];
	char line[64];
	int i;

	if (wire_warning(p->wire) != NULL) {
		fprintf(stderr, "wire_probe: %s\n", wire_warning(p->wire));
		return false;
	}
	printf("stall\n");
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return false;
	for (i = 0; i < DRAIN_MAX && wire_recv(p->wire, buf, sizeof(buf)) > 0;
	     i++)
		;
	usleep(REFRESH_WAIT_US);
	wire_recv(p->wire, buf, sizeof(buf));
	printf("drops %llu\n",
	       (unsigned long long)wire_stats(p->wire)->rx_kernel_drops);
	fflush(stdout);
	return true;
}

static bool check_second_open_refused(const char *tap)
{
	struct wire_config cfg = {.kind = "tap", .tap_name = tap};
	char why[256] = "", expected[256];
	struct wire *again = wire_open(&cfg, why, sizeof(why));

	snprintf(expected, sizeof(expected),
		 "wire: tap \"%s\" exists and is in use by another process",
		 tap);
	if (again != NULL) {
		wire_close(again);
		return false;
	}
	if (strcmp(why, expected) != 0) {
		fprintf(stderr, "wire_probe: second open said: %s\n", why);
		return false;
	}
	return true;
}

/* A process without CAP_NET_ADMIN (uid nobody) may not create a tap. */
static bool check_unprivileged_open_refused(const char *tap)
{
	char name[IFNAMSIZ], why[256] = "", expected[256];
	struct wire_config cfg = {.kind = "tap", .tap_name = name};
	int status;
	pid_t child;

	snprintf(name, sizeof(name), "%.13sx", tap);
	snprintf(expected, sizeof(expected),
		 "wire: tap \"%s\": not permitted (needs CAP_NET_ADMIN)", name);
	child = fork();
	if (child == 0) {
		struct wire *w;

		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		w = wire_open(&cfg, why, sizeof(why));
		if (w == NULL && strcmp(why, expected) == 0)
			_exit(0);
		fprintf(stderr, "wire_probe: unprivileged open said: %s\n",
			w ? "(opened)" : why);
		_exit(1);
	}
	return child > 0 && waitpid(child, &status, 0) == child &&
	       WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int run(struct probe *p, const char *tap)
{
	char line[64];

	if (!check_second_open_refused(tap)) {
		fprintf(stderr, "wire_probe: second open not refused\n");
		return 1;
	}
	if (!check_unprivileged_open_refused(tap)) {
		fprintf(stderr, "wire_probe: unprivileged open not refused\n");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 1;
	if (!step_arp(p)) {
		fprintf(stderr, "wire_probe: no ARP reply from the peer\n");
		return 1;
	}
	if (!step_icmp(p)) {
		fprintf(stderr, "wire_probe: no ICMP echo reply\n");
		return 1;
	}
	if (!step_udp(p)) {
		fprintf(stderr, "wire_probe: UDP datagram did not arrive\n");
		return 1;
	}
	if (!step_kernel_drops(p))
		return 1;
	printf("ok arp icmp udp (tx %llu frames, rx %llu frames)\n",
	       (unsigned long long)wire_stats(p->wire)->tx_frames,
	       (unsigned long long)wire_stats(p->wire)->rx_frames);
	return wire_stats(p->wire)->tx_errors == 0 ? 0 : 1;
}

/* The tap was deleted under an open wire: a dead cable, not a busy one. */
static int run_unplug(const char *tap)
{
	struct wire_config cfg = {.kind = "tap", .tap_name = tap};
	char why[256], expected[256], line[64];
	uint8_t buf[2048] = {0};
	struct pollfd pfd;
	struct wire *w = wire_open(&cfg, why, sizeof(why));
	const struct wire_stats *st;
	int rc = 1;

	if (w == NULL) {
		fprintf(stderr, "wire_probe: %s\n", why);
		return 1;
	}
	st = wire_stats(w);
	printf("unplug-wait\n");
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		goto out;
	/* A dead tap fd reports an error at once: never wait for a frame. */
	pfd = (struct pollfd){.fd = wire_fd(w), .events = POLLIN};
	if (poll(&pfd, 1, STEP_TIMEOUT_MS) != 1) {
		fprintf(stderr, "wire_probe: the dead tap's fd stayed quiet\n");
		goto out;
	}
	snprintf(expected, sizeof(expected),
		 "tap \"%s\": read: File descriptor in bad state", tap);
	if (wire_failure(w) != NULL || wire_recv(w, buf, sizeof(buf)) != -1 ||
	    wire_failure(w) == NULL || strcmp(wire_failure(w), expected) != 0) {
		fprintf(stderr,
			"wire_probe: failure is \"%s\", expected \"%s\"\n",
			wire_failure(w) ? wire_failure(w) : "(none)", expected);
		goto out;
	}
	if (wire_fd(w) != -1 || st->failures != 1 || st->rx_errors != 1) {
		fprintf(stderr,
			"wire_probe: after the failure fd %d, failures %llu, "
			"rx_errors %llu (expected -1, 1, 1)\n",
			wire_fd(w), (unsigned long long)st->failures,
			(unsigned long long)st->rx_errors);
		goto out;
	}
	for (int i = 0; i < 1000; i++) {
		if (wire_recv(w, buf, sizeof(buf)) != 0) {
			fprintf(stderr, "wire_probe: a dead wire received\n");
			goto out;
		}
	}
	if (wire_send(w, buf, 60) != -1 || st->rx_errors != 1 ||
	    st->tx_errors != 1 || st->failures != 1) {
		fprintf(stderr, "wire_probe: a dead wire sent, or counted "
				"again\n");
		goto out;
	}
	printf("ok unplug: %s\n", wire_failure(w));
	rc = 0;
out:
	wire_close(w);
	return rc;
}

/* /sys shows another namespace, whose TAP is another interface. */
static int run_other_sysfs(const char *tap)
{
	struct wire_config cfg = {.kind = "tap", .tap_name = tap};
	char why[256], expected[256];
	struct wire *w = wire_open(&cfg, why, sizeof(why));
	int rc = 1;

	if (w == NULL) {
		fprintf(stderr, "wire_probe: %s\n", why);
		return 1;
	}
	snprintf(expected, sizeof(expected),
		 "tap \"%s\": kernel drops not counted: /sys/class/net/%s is "
		 "not this tap (sysfs of another network namespace?)",
		 tap, tap);
	if (wire_warning(w) == NULL || strcmp(wire_warning(w), expected) != 0)
		fprintf(stderr, "wire_probe: warning \"%s\", expected \"%s\"\n",
			wire_warning(w) ? wire_warning(w) : "(none)", expected);
	else if (wire_stats(w)->rx_kernel_drops != 0)
		fprintf(stderr, "wire_probe: counted another's drops\n");
	else
		rc = 0;
	if (rc == 0)
		printf("ok other-sysfs: %s\n", wire_warning(w));
	wire_close(w);
	return rc;
}

int main(int argc, char **argv)
{
	struct wire_config cfg = {.kind = "tap"};
	struct probe p = {0};
	char why[256];
	int rc;

	if (argc == 3 && strcmp(argv[1], "unplug") == 0)
		return run_unplug(argv[2]);
	if (argc == 3 && strcmp(argv[1], "other-sysfs") == 0)
		return run_other_sysfs(argv[2]);
	if (argc != 6 || inet_pton(AF_INET, argv[2], &p.own_ip) != 1 ||
	    inet_pton(AF_INET, argv[3], &p.peer_ip) != 1 ||
	    atoi(argv[4]) <= 0 || atoi(argv[4]) > 65535) {
		fprintf(stderr, "usage: wire_probe TAP OWN_IP PEER_IP "
				"UDP_PORT UDP_PAYLOAD\n"
				"       wire_probe unplug TAP\n"
				"       wire_probe other-sysfs TAP\n");
		return 2;
	}
	p.udp_port = (uint16_t)atoi(argv[4]);
	p.udp_payload = argv[5];
	cfg.tap_name = argv[1];
	p.wire = wire_open(&cfg, why, sizeof(why));
	if (p.wire == NULL) {
		fprintf(stderr, "wire_probe: %s\n", why);
		return 1;
	}
	rc = run(&p, argv[1]);
	wire_close(p.wire);
	return rc;
}
