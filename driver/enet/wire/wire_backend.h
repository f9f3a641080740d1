/*
 * Wire backends, the inside: what wire.c (open, dispatch, common counting,
 * pcap recording) shares with the backend files wire_*.c.  Not a contract
 * for anything outside driver/enet/wire*.c.
 *
 * A backend embeds struct wire as its first member and fills in ops.  The
 * dispatch layer does the accounting every backend would repeat:
 *   wire_send  rejects empty and > WIRE_MAX_FRAME frames, counts tx_frames /
 *              tx_bytes or tx_errors, records sent frames;
 *   wire_recv  counts rx_frames / rx_bytes, runts and giants, records what
 *              the caller received.
 * Backends count only what they alone can see: drops before the caller
 * (foreign or oversized datagrams, full FIFOs, truncated capture records),
 * which they add to rx_errors together with their own counter.
 *
 * A backend whose fd is dead for good (not a transient error) closes the fd,
 * sets fd to -1 and calls wire_fail with the reason; the dispatch layer then
 * never calls its send or recv again (wire.h, wire_failure).
 */
#ifndef SDVF_WIRE_BACKEND_H
#define SDVF_WIRE_BACKEND_H

#include <stdbool.h>
#include <stdio.h>

#include "driver/enet/wire/wire.h"

struct wire_ops {
	/* 0 if the frame left, -1 if the backend dropped it. */
	int (*send)(struct wire *w, const uint8_t *frame, size_t len);
	/* Full length of the next frame (min(len, cap) bytes copied), 0 if
	 * none is waiting, -1 on a backend error. */
	long (*recv)(struct wire *w, uint8_t *buf, size_t cap);
	/* NULL: UINT64_MAX (the backend is driven by its fd). */
	uint64_t (*deadline)(const struct wire *w, uint64_t now_ns);
	void (*close)(struct wire *w);
};

/* pcap recording (wire_pcap.c); file is NULL when not recording. */
struct wire_record {
	FILE *file;
	uint64_t bytes; /* written so far, header included */
	uint64_t max;	/* pcap_record_max */
	bool full;	/* a frame did not fit: nothing more is recorded */
	uint64_t wall0_ns, clock0_ns; /* wall clock and wire clock at open */
};

struct wire {
	const struct wire_ops *ops;
	struct wire_stats stats;
	int fd; /* readable when recv may return a frame; -1: none */
	uint64_t (*clock_ns)(void *clock_ctx);
	void *clock_ctx;
	struct wire_record record;
	char failure[128]; /* empty while the backend works (wire_fail) */
	char warning[128]; /* empty unless open had one (wire_warn) */
};

/* Backend constructors: a wire with base.ops set, or NULL and `why`. */
struct wire *wire_tap_open(const struct wire_config *cfg, char *why,
			   size_t cap);
struct wire *wire_udp_open(const struct wire_config *cfg, char *why,
			   size_t cap);
struct wire *wire_loopback_open(const struct wire_config *cfg, char *why,
				size_t cap);
struct wire *wire_mem_open(const struct wire_config *cfg, char *why,
			   size_t cap);
struct wire *wire_gen_open(const struct wire_config *cfg, char *why,
			   size_t cap);
struct wire *wire_pcap_replay_open(const struct wire_config *cfg, char *why,
				   size_t cap);

/* mem backend entry points behind wire_mem_inject / wire_mem_take. */
bool wire_is_mem(const struct wire *w);
int wire_mem_backend_inject(struct wire *w, const uint8_t *frame, size_t len);
long wire_mem_backend_take(struct wire *w, uint8_t *buf, size_t cap);

/* pcap recording (wire_pcap.c), used by the dispatch layer: open checks
 * cfg's limit, creates the file, writes the header and reads the wall
 * clock; the caller sets clock0_ns once the wire has its clock. */
int wire_pcap_record_open(struct wire_record *rec,
			  const struct wire_config *cfg, char *why, size_t cap);
void wire_pcap_record_frame(struct wire *w, const uint8_t *frame, size_t caplen,
			    size_t len);

/* The wire's clock: cfg->clock_ns if given, else CLOCK_MONOTONIC. */
uint64_t wire_clock(const struct wire *w);

/* The backend failed for good: keep the first reason, count it once. */
void wire_fail(struct wire *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The backend works, but with a limit the user should hear of once. */
void wire_warn(struct wire *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Format a one-line reason into why (may be NULL). */
void wire_why(char *why, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
