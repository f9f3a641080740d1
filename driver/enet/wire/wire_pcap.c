/*
 * Classic pcap files (the libpcap format tcpdump and Wireshark read):
 *   recording  every frame a wire sends or receives, LINKTYPE_ETHERNET,
 *              microsecond timestamps (the wall clock at open plus the
 *              wire's clock since), until the file would pass
 *              pcap_record_max bytes; later frames are only counted;
 *   replay     the "pcap" wire kind: a capture played back as received
 *              frames, one per wire_recv, as fast as the model asks.
 *
 * A capture is untrusted input: the global header is checked at open (magic,
 * link type) with a one-line reason; records are checked one by one (a
 * record longer than WIRE_MAX_FRAME is skipped and counted, a record cut by
 * the end of the file ends the replay and is counted).
 *
 * File layout (all fields in the writer's byte order, told by the magic):
 *   global header  u32 magic a1b2c3d4 (us) or a1b23c4d (ns); u16 major 2;
 *                  u16 minor 4; i32 thiszone; u32 sigfigs; u32 snaplen;
 *                  u32 linktype (1 = Ethernet)
 *   each record    u32 ts_sec; u32 ts_usec (or ns); u32 caplen; u32 origlen;
 *                  caplen bytes of frame
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "driver/enet/wire/wire_backend.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAP_LINKTYPE_ETHERNET 1u
#define PCAP_SNAPLEN 65535u
#define PCAP_GLOBAL_LEN 24
#define PCAP_RECORD_LEN 16

/* ---- recording -------------------------------------------------------- */

struct pcap_global_header {
	uint32_t magic;
	uint16_t version_major, version_minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};

static uint64_t wall_clock_now(const struct wire_config *cfg)
{
	struct timespec ts;

	if (cfg->wall_clock_ns != NULL)
		return cfg->wall_clock_ns(cfg->clock_ctx);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int wire_pcap_record_open(struct wire_record *rec,
			  const struct wire_config *cfg, char *why, size_t cap)
{
	const struct pcap_global_header header = {
		.magic = PCAP_MAGIC_US,
		.version_major = 2,
		.version_minor = 4,
		.snaplen = PCAP_SNAPLEN,
		.linktype = PCAP_LINKTYPE_ETHERNET,
	};
	const char *path = cfg->pcap_record;

	rec->max = cfg->pcap_record_max ? cfg->pcap_record_max
					: WIRE_PCAP_RECORD_MAX_DEFAULT;
	if (rec->max < PCAP_GLOBAL_LEN) {
		wire_why(why, cap,
			 "wire: pcap_record_max %llu is below %d (the pcap "
			 "header)",
			 (unsigned long long)rec->max, PCAP_GLOBAL_LEN);
		return -1;
	}
	rec->file = fopen(path, "wb");
	if (rec->file == NULL) {
		wire_why(why, cap, "wire: pcap_record \"%s\": %s", path,
			 strerror(errno));
		return -1;
	}
	if (fwrite(&header, sizeof(header), 1, rec->file) != 1 ||
	    fflush(rec->file)) {
		wire_why(why, cap, "wire: pcap_record \"%s\": %s", path,
			 strerror(errno));
		fclose(rec->file);
		rec->file = NULL;
		remove(path);
		return -1;
	}
	rec->bytes = PCAP_GLOBAL_LEN;
	rec->wall0_ns = wall_clock_now(cfg);
	return 0;
}

/* The date now: the wall clock at open plus the wire's clock since, so
 * records are as far apart as the wire's clock says (virtual time in the
 * sim) and a wall clock step while recording does not reorder them. */
static uint64_t record_time_ns(const struct wire *w)
{
	uint64_t now = wire_clock(w);

	return w->record.wall0_ns +
	       (now > w->record.clock0_ns ? now - w->record.clock0_ns : 0);
}

/* Flushed per frame so a capture is complete even if the PD is killed. */
void wire_pcap_record_frame(struct wire *w, const uint8_t *frame, size_t caplen,
			    size_t len)
{
	struct wire_record *rec = &w->record;
	uint64_t now_ns, size = PCAP_RECORD_LEN + (uint64_t)caplen;
	uint32_t record[4];

	if (rec->full || rec->bytes + size > rec->max) {
		rec->full = true;
		w->stats.record_dropped++;
		return;
	}
	now_ns = record_time_ns(w);
	record[0] = (uint32_t)(now_ns / 1000000000ull);
	record[1] = (uint32_t)(now_ns % 1000000000ull / 1000ull);
	record[2] = (uint32_t)caplen;
	record[3] = (uint32_t)len;
	/* Counted as written even if the write fails: the file can only be
	 * shorter than rec->bytes, never longer than rec->max. */
	rec->bytes += size;
	if (fwrite(record, sizeof(record), 1, rec->file) != 1 ||
	    fwrite(frame, 1, caplen, rec->file) != caplen || fflush(rec->file))
		w->stats.record_errors++;
}

/* ---- replay ----------------------------------------------------------- */

struct wire_pcap_replay {
	struct wire base;
	FILE *file;
	bool swapped; /* file written on a host of the other byte order */
	bool done;    /* end of file, or a record cut by it */
	uint8_t frame[WIRE_MAX_FRAME];
};

static uint32_t pcap_u32(const struct wire_pcap_replay *pw, uint32_t value)
{
	return pw->swapped ? __builtin_bswap32(value) : value;
}

/* Reads the next record header; false at the end of the capture. */
static bool replay_next_header(struct wire_pcap_replay *pw, uint32_t *caplen,
			       uint32_t *origlen)
{
	uint32_t record[4];
	size_t got = fread(record, 1, sizeof(record), pw->file);

	if (got != sizeof(record)) {
		if (got != 0) {
			pw->base.stats.rx_truncated++;
			pw->base.stats.rx_errors++;
		}
		pw->done = true;
		return false;
	}
	*caplen = pcap_u32(pw, record[2]);
	*origlen = pcap_u32(pw, record[3]);
	return true;
}

static long replay_recv(struct wire *w, uint8_t *buf, size_t cap)
{
	struct wire_pcap_replay *pw = (struct wire_pcap_replay *)w;
	uint32_t caplen, origlen;

	while (!pw->done && replay_next_header(pw, &caplen, &origlen)) {
		if (caplen == 0 || caplen > WIRE_MAX_FRAME) {
			if (caplen > WIRE_MAX_FRAME)
				w->stats.rx_oversize++;
			w->stats.rx_errors++;
			if (fseek(pw->file, caplen, SEEK_CUR) != 0)
				pw->done = true;
			continue;
		}
		if (fread(pw->frame, 1, caplen, pw->file) != caplen) {
			w->stats.rx_truncated++;
			w->stats.rx_errors++;
			pw->done = true;
			return 0;
		}
		/* A record cut by the capture's snaplen replays as captured. */
		(void)origlen;
		memcpy(buf, pw->frame, caplen < cap ? caplen : cap);
		return (long)caplen;
	}
	return 0;
}

static int replay_send(struct wire *w, const uint8_t *frame, size_t len)
{
	(void)w, (void)frame, (void)len;
	return 0; /* a sink: wire_send counts what the model sent */
}

static uint64_t replay_deadline(const struct wire *w, uint64_t now_ns)
{
	return ((const struct wire_pcap_replay *)w)->done ? UINT64_MAX : now_ns;
}

static void replay_close(struct wire *w)
{
	struct wire_pcap_replay *pw = (struct wire_pcap_replay *)w;

	if (pw->file != NULL)
		fclose(pw->file);
	free(pw);
}

static const struct wire_ops replay_ops = {
	.send = replay_send,
	.recv = replay_recv,
	.deadline = replay_deadline,
	.close = replay_close,
};

static bool replay_check_header(struct wire_pcap_replay *pw, const char *path,
				char *why, size_t cap)
{
	struct pcap_global_header header;
	uint32_t magic, linktype;

	if (fread(&header, 1, sizeof(header), pw->file) != sizeof(header)) {
		wire_why(why, cap,
			 "wire: pcap_replay \"%s\": shorter than a pcap header "
			 "(24 bytes)",
			 path);
		return false;
	}
	magic = header.magic;
	pw->swapped = magic == __builtin_bswap32(PCAP_MAGIC_US) ||
		      magic == __builtin_bswap32(PCAP_MAGIC_NS);
	magic = pcap_u32(pw, magic);
	if (magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS) {
		wire_why(why, cap,
			 "wire: pcap_replay \"%s\": not a pcap file (magic "
			 "0x%08x; pcapng is not supported)",
			 path, (unsigned)header.magic);
		return false;
	}
	/* The upper 16 bits carry FCS-length flags, not the link type. */
	linktype = pcap_u32(pw, header.linktype) & 0xffffu;
	if (linktype != PCAP_LINKTYPE_ETHERNET) {
		wire_why(why, cap,
			 "wire: pcap_replay \"%s\": link type %u is not "
			 "Ethernet (1)",
			 path, (unsigned)linktype);
		return false;
	}
	return true;
}

struct wire *wire_pcap_replay_open(const struct wire_config *cfg, char *why,
				   size_t cap)
{
	struct wire_pcap_replay *pw;

	if (cfg->pcap_replay == NULL) {
		wire_why(why, cap, "wire: kind \"pcap\" needs pcap_replay");
		return NULL;
	}
	pw = calloc(1, sizeof(*pw));
	if (pw == NULL) {
		wire_why(why, cap, "wire: pcap: out of memory");
		return NULL;
	}
	pw->file = fopen(cfg->pcap_replay, "rb");
	if (pw->file == NULL) {
		wire_why(why, cap, "wire: pcap_replay \"%s\": %s",
			 cfg->pcap_replay, strerror(errno));
		replay_close(&pw->base);
		return NULL;
	}
	if (!replay_check_header(pw, cfg->pcap_replay, why, cap)) {
		replay_close(&pw->base);
		return NULL;
	}
	pw->base.ops = &replay_ops;
	pw->base.fd = -1;
	pw->base.clock_ns = cfg->clock_ns;
	pw->base.clock_ctx = cfg->clock_ctx;
	return &pw->base;
}
