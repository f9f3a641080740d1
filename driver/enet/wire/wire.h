/*
 * Wire backends: what is on the other end of the ENET model's cable.
 *
 * The ENET model (driver/enet/model/enet_model.c) is the hardware of hosted and
 * sim systems; it sends every frame it transmits to its wire and asks the wire
 * for received frames when the wire's fd is readable (or its deadline
 * passes, for paced backends).  Frames cross this interface without FCS.
 *
 * Backends (one file each, driver/enet/wire/wire_*.c):
 *   tap        a Linux TAP interface (e.g. moved into a peer netns)
 *   udp        one frame per UDP datagram, QEMU -netdev dgram compatible
 *   loopback   every sent frame is received back
 *   mem        in-process FIFOs a test or the sim runtime pushes and pulls
 *   generator  paced frames at a configured rate and size mix; sink counts
 *   pcap       decorator: records every frame both ways (pcap-record), or
 *              replays a capture as received frames (pcap-replay)
 *
 * Host code, not portable: backends use the OS.  Only the model calls them.
 */
#ifndef SDVF_WIRE_H
#define SDVF_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_MAX_FRAME 16384

/* Generator frames: dst gen_dst_mac, src WIRE_GEN_SRC_MAC, this EtherType
 * (IEEE 802 local experimental), then a big-endian u64 sequence number from
 * 0, then filler bytes (uint8_t)(seq + i).  Sizes are without FCS. */
#define WIRE_GEN_ETHERTYPE 0x88b5
#define WIRE_GEN_SRC_MAC                                                       \
	{                                                                      \
		0x02, 0x73, 0x64, 0x76, 0x66, 0x00                             \
	}
#define WIRE_GEN_MIN_FRAME 22

/* pcap_record's size limit when none is given: 16 MiB. */
#define WIRE_PCAP_RECORD_MAX_DEFAULT (16ull << 20)

/* Parameters, from the model PD's configuration (see docs/enet.md). */
struct wire_config {
	/* "tap" | "udp" | "loopback" | "mem" | "generator" | "pcap" (replay) */
	const char *kind;
	const char *tap_name;	 /* tap: interface name to create/attach */
	const char *udp_local;	 /* udp: "addr:port" to bind */
	const char *udp_remote;	 /* udp: "addr:port" to send to */
	const char *pcap_record; /* any kind: record both directions here */
	/* pcap_record: the file's size limit in bytes, header included (>= 24;
	 * 0 = WIRE_PCAP_RECORD_MAX_DEFAULT).  The first frame that does not
	 * fit ends the capture: it and every later frame are only counted
	 * (record_dropped), so the file is the traffic's first frames. */
	uint64_t pcap_record_max;
	const char *pcap_replay; /* replay this capture as received frames */
	uint64_t gen_rate_pps;	 /* generator: frames per second */
	/* generator: stop after this many frames (0 = no limit) */
	uint64_t gen_count;
	const char *gen_sizes;	    /* generator: e.g. "64,594,1514" (cycled) */
	const uint8_t *gen_dst_mac; /* generator: destination MAC (6 bytes) */
	/* mem, loopback: frames per FIFO (0 = 64) */
	uint32_t mem_depth;
	/* The wire's clock: generator pacing, deadlines, and the time between
	 * capture records.  NULL: CLOCK_MONOTONIC.  The model passes the
	 * runtime's (virtual in the sim, so runs are deterministic). */
	uint64_t (*clock_ns)(void *clock_ctx);
	/* The date of capture records: read once at open; a record is
	 * stamped with it plus the wire's clock since open.  NULL:
	 * CLOCK_REALTIME (tests pass a fixed one). */
	uint64_t (*wall_clock_ns)(void *clock_ctx);
	void *clock_ctx;
};

/*
 * What a wire counts, each a u64 since wire_open, with its meaning: struct
 * wire_stats is generated from this list, and the ENET model publishes it
 * as "wire.<name>" counters.  Malformed frames are passed to the caller
 * (and counted in rx_frames too), so the model can count and flag them as
 * the MAC would; frames a backend drops before the caller sees them are in
 * rx_errors and in one reason counter.  rx_kernel_drops is the kernel's
 * count of frames it dropped before the backend could read them (tap:
 * the interface's tx_dropped; udp: SO_RXQ_OVFL), not part of rx_errors.
 */
#define WIRE_COUNTERS(X)                                                       \
	X(tx_frames, "frames sent")                                            \
	X(tx_bytes, "bytes of the frames sent")                                \
	X(tx_errors, "frames refused or dropped on send")                      \
	X(rx_frames, "frames received and passed to the model")                \
	X(rx_bytes, "full lengths of the frames received")                     \
	X(rx_errors, "receive errors, and frames a backend dropped")           \
	X(rx_kernel_drops,                                                     \
	  "frames the kernel dropped before the wire read them")               \
	X(rx_runts, "received frames shorter than 14 bytes")                   \
	X(rx_giants, "received frames longer than the model's buffer: cut")    \
	X(rx_foreign_addr, "udp: datagrams from another address, dropped")     \
	X(rx_foreign_port,                                                     \
	  "udp: from udp_remote's address, other port: dropped")               \
	X(rx_empty, "udp: empty datagrams (no frame at all), dropped")         \
	X(rx_oversize, "frames longer than WIRE_MAX_FRAME, dropped")           \
	X(rx_overflow, "mem: wire_mem_inject into a full FIFO, dropped")       \
	X(rx_truncated, "pcap replay: record cut by the end of file, dropped") \
	X(record_errors, "pcap record: writes that failed")                    \
	X(record_dropped, "pcap record: frames not recorded, capture full")    \
	X(failures, "1 once the backend failed for good: fd closed")

struct wire_stats {
#define WIRE_STATS_FIELD(name, meaning) uint64_t name;
	WIRE_COUNTERS(WIRE_STATS_FIELD)
#undef WIRE_STATS_FIELD
};

struct wire;

/* Open a backend; NULL with a one-line reason in `why` (cap bytes) on error. */
struct wire *wire_open(const struct wire_config *cfg, char *why, size_t cap);
void wire_close(struct wire *w);

/* Send one frame (no FCS).  Returns 0, or -1 if the backend dropped it
 * (counted in tx_errors; the wire, like a real cable, does not block). */
int wire_send(struct wire *w, const uint8_t *frame, size_t len);

/* Receive one frame into buf; returns its length, 0 if none is waiting now,
 * or -1 on a backend error (counted).  Frames longer than cap are cut and
 * reported with their full length so the model can flag them. */
long wire_recv(struct wire *w, uint8_t *buf, size_t cap);

/* fd that becomes readable when wire_recv may return a frame; -1 if the
 * backend is polled by deadline instead. */
int wire_fd(const struct wire *w);

/* Absolute time (ns, CLOCK_MONOTONIC, or cfg->clock_ns's time base) by which
 * wire_recv should be called again for paced backends (generator, pcap
 * replay; mem and loopback return now_ns while a frame waits, for runtimes
 * without host fds); UINT64_MAX if none. */
uint64_t wire_next_deadline(const struct wire *w, uint64_t now_ns);

const struct wire_stats *wire_stats(const struct wire *w);

/* NULL while the wire works.  Once its backend has failed for good (the tap
 * was deleted by its peer, ...), a one-line reason, e.g. `tap "sdvf0": read:
 * File descriptor in bad state`: the wire has closed its fd (wire_fd is -1,
 * so an event loop stops watching it), counted failures 1, and from then on
 * receives nothing and refuses every send, like an unplugged cable.  The
 * wire does not re-open itself: see docs/enet.md, "Failures". */
const char *wire_failure(const struct wire *w);

/* NULL, or one line about something the wire cannot do here although it
 * opened, e.g. `tap "sdvf0": kernel drops not counted: ...`: the model logs
 * it once at init. */
const char *wire_warning(const struct wire *w);

/* mem backend only: the test side of the cable. */
int wire_mem_inject(struct wire *w, const uint8_t *frame, size_t len);
long wire_mem_take(struct wire *w, uint8_t *buf, size_t cap);

#endif
