/*
 * Wire dispatch: pick a backend by kind, count what crosses the cable, and
 * record it to a pcap file when asked.  See wire.h for the contract and
 * wire_backend.h for what the backends leave to this file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "driver/enet/wire/wire_backend.h"

#define ETH_HEADER_LEN 14

void wire_why(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || cap == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
}

uint64_t wire_clock(const struct wire *w)
{
	struct timespec ts;

	if (w->clock_ns != NULL)
		return w->clock_ns(w->clock_ctx);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const struct {
	const char *kind;
	struct wire *(*open)(const struct wire_config *cfg, char *why,
			     size_t cap);
} wire_kinds[] = {
	{"tap", wire_tap_open},		  {"udp", wire_udp_open},
	{"loopback", wire_loopback_open}, {"mem", wire_mem_open},
	{"generator", wire_gen_open},	  {"pcap", wire_pcap_replay_open},
};

#define WIRE_KINDS_VALID "tap, udp, loopback, mem, generator, pcap"

static struct wire *wire_open_kind(const struct wire_config *cfg, char *why,
				   size_t cap)
{
	size_t i;

	if (cfg->kind == NULL) {
		wire_why(why, cap, "wire: missing kind (valid: %s)",
			 WIRE_KINDS_VALID);
		return NULL;
	}
	for (i = 0; i < sizeof(wire_kinds) / sizeof(wire_kinds[0]); i++) {
		if (strcmp(cfg->kind, wire_kinds[i].kind) == 0)
			return wire_kinds[i].open(cfg, why, cap);
	}
	wire_why(why, cap, "wire: unknown kind \"%s\" (valid: %s)", cfg->kind,
		 WIRE_KINDS_VALID);
	return NULL;
}

struct wire *wire_open(const struct wire_config *cfg, char *why, size_t cap)
{
	struct wire_record record = {0};
	struct wire *w;

	if (cfg == NULL) {
		wire_why(why, cap, "wire: no configuration");
		return NULL;
	}
	/* Open the capture first: a bad path must not leave a tap behind. */
	if (cfg->pcap_record != NULL &&
	    wire_pcap_record_open(&record, cfg, why, cap) != 0)
		return NULL;
	w = wire_open_kind(cfg, why, cap);
	if (w == NULL) {
		if (record.file != NULL) {
			fclose(record.file);
			remove(cfg->pcap_record);
		}
		return NULL;
	}
	w->record = record;
	w->record.clock0_ns = wire_clock(w);
	return w;
}

void wire_close(struct wire *w)
{
	if (w == NULL)
		return;
	if (w->record.file != NULL)
		fclose(w->record.file);
	w->ops->close(w);
}

int wire_send(struct wire *w, const uint8_t *frame, size_t len)
{
	if (len == 0 || len > WIRE_MAX_FRAME || wire_failure(w) != NULL) {
		w->stats.tx_errors++;
		return -1;
	}
	if (w->ops->send(w, frame, len) != 0) {
		w->stats.tx_errors++;
		return -1;
	}
	w->stats.tx_frames++;
	w->stats.tx_bytes += len;
	if (w->record.file != NULL)
		wire_pcap_record_frame(w, frame, len, len);
	return 0;
}

long wire_recv(struct wire *w, uint8_t *buf, size_t cap)
{
	long len;
	size_t got;

	if (wire_failure(w) != NULL)
		return 0; /* an unplugged cable carries nothing */
	len = w->ops->recv(w, buf, cap);
	if (len < 0) {
		w->stats.rx_errors++;
		return -1;
	}
	if (len == 0)
		return 0;
	got = (size_t)len < cap ? (size_t)len : cap;
	w->stats.rx_frames++;
	w->stats.rx_bytes += (uint64_t)len;
	if (len < ETH_HEADER_LEN)
		w->stats.rx_runts++;
	if ((size_t)len > cap)
		w->stats.rx_giants++;
	if (w->record.file != NULL)
		wire_pcap_record_frame(w, buf, got, (size_t)len);
	return len;
}

int wire_fd(const struct wire *w)
{
	return w->fd;
}

uint64_t wire_next_deadline(const struct wire *w, uint64_t now_ns)
{
	if (w->ops->deadline == NULL)
		return UINT64_MAX;
	return w->ops->deadline(w, now_ns);
}

const struct wire_stats *wire_stats(const struct wire *w)
{
	return &w->stats;
}

void wire_fail(struct wire *w, const char *fmt, ...)
{
	va_list ap;

	if (w->failure[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(w->failure, sizeof(w->failure), fmt, ap);
	va_end(ap);
	w->stats.failures = 1;
}

const char *wire_failure(const struct wire *w)
{
	return w->failure[0] != '\0' ? w->failure : NULL;
}

void wire_warn(struct wire *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->warning, sizeof(w->warning), fmt, ap);
	va_end(ap);
}

const char *wire_warning(const struct wire *w)
{
	return w->warning[0] != '\0' ? w->warning : NULL;
}

int wire_mem_inject(struct wire *w, const uint8_t *frame, size_t len)
{
	if (!wire_is_mem(w))
		return -1;
	return wire_mem_backend_inject(w, frame, len);
}

long wire_mem_take(struct wire *w, uint8_t *buf, size_t cap)
{
	if (!wire_is_mem(w))
		return -1;
	return wire_mem_backend_take(w, buf, cap);
}
