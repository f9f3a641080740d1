/*
 * In-process wires: loopback (every frame sent is received back) and mem
 * (two FIFOs whose far ends a test or the sim runtime holds:
 * wire_mem_inject feeds what the model receives, wire_mem_take pulls what
 * the model sent).
 *
 * Both are bounded: a full FIFO drops the frame and counts it, as a cable
 * has no backpressure.  Each receive FIFO has an eventfd that is readable
 * exactly while the FIFO holds a frame, so hosted runtimes can watch it;
 * the deadline hook says the same for runtimes without host fds.
 * Single-threaded: the model and the test side run on one thread.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "driver/enet/wire/wire_backend.h"

#define WIRE_FIFO_DEFAULT_DEPTH 64u
#define WIRE_FIFO_MAX_DEPTH 1024u

struct wire_fifo_slot {
	size_t len;
	uint8_t frame[WIRE_MAX_FRAME];
};

struct wire_fifo {
	struct wire_fifo_slot *slots;
	uint32_t depth;
	uint32_t head; /* next slot to pop */
	uint32_t count;
	int ready_fd; /* eventfd, readable while count > 0; -1 if none */
};

struct wire_loop {
	struct wire base;
	bool is_mem;
	struct wire_fifo to_model;   /* received by the model (wire_recv) */
	struct wire_fifo from_model; /* mem: sent by the model (wire_send) */
};

static int fifo_init(struct wire_fifo *fifo, uint32_t depth, bool with_fd)
{
	fifo->slots = calloc(depth, sizeof(*fifo->slots));
	fifo->depth = depth;
	fifo->head = 0;
	fifo->count = 0;
	fifo->ready_fd = -1;
	if (fifo->slots == NULL)
		return -1;
	if (with_fd) {
		fifo->ready_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (fifo->ready_fd < 0)
			return -1;
	}
	return 0;
}

static void fifo_fini(struct wire_fifo *fifo)
{
	free(fifo->slots);
	if (fifo->ready_fd >= 0)
		close(fifo->ready_fd);
}

/* Level-triggered readiness: the eventfd counter is non-zero exactly while
 * the FIFO holds a frame.  Neither call can fail on a valid eventfd (the
 * counter only ever holds 0 or 1), so results are not checked. */
static void fifo_set_ready(struct wire_fifo *fifo, bool ready)
{
	uint64_t value = 1;
	ssize_t done;

	if (fifo->ready_fd < 0)
		return;
	if (ready)
		done = write(fifo->ready_fd, &value, sizeof(value));
	else
		done = read(fifo->ready_fd, &value, sizeof(value));
	(void)done;
}

static int fifo_push(struct wire_fifo *fifo, const uint8_t *frame, size_t len)
{
	struct wire_fifo_slot *slot;

	if (fifo->count == fifo->depth || len > WIRE_MAX_FRAME)
		return -1;
	slot = &fifo->slots[(fifo->head + fifo->count) % fifo->depth];
	slot->len = len;
	memcpy(slot->frame, frame, len);
	fifo->count++;
	if (fifo->count == 1)
		fifo_set_ready(fifo, true);
	return 0;
}

static long fifo_pop(struct wire_fifo *fifo, uint8_t *buf, size_t cap)
{
	struct wire_fifo_slot *slot;

	if (fifo->count == 0)
		return 0;
	slot = &fifo->slots[fifo->head];
	memcpy(buf, slot->frame, slot->len < cap ? slot->len : cap);
	fifo->head = (fifo->head + 1) % fifo->depth;
	fifo->count--;
	if (fifo->count == 0)
		fifo_set_ready(fifo, false);
	return (long)slot->len;
}

static int loop_send(struct wire *w, const uint8_t *frame, size_t len)
{
	struct wire_loop *lw = (struct wire_loop *)w;

	if (lw->is_mem)
		return fifo_push(&lw->from_model, frame, len);
	return fifo_push(&lw->to_model, frame, len);
}

static long loop_recv(struct wire *w, uint8_t *buf, size_t cap)
{
	return fifo_pop(&((struct wire_loop *)w)->to_model, buf, cap);
}

static uint64_t loop_deadline(const struct wire *w, uint64_t now_ns)
{
	const struct wire_loop *lw = (const struct wire_loop *)w;

	return lw->to_model.count > 0 ? now_ns : UINT64_MAX;
}

static void loop_close(struct wire *w)
{
	struct wire_loop *lw = (struct wire_loop *)w;

	fifo_fini(&lw->to_model);
	fifo_fini(&lw->from_model);
	free(lw);
}

static const struct wire_ops loop_ops = {
	.send = loop_send,
	.recv = loop_recv,
	.deadline = loop_deadline,
	.close = loop_close,
};

static struct wire *loop_open(const struct wire_config *cfg, bool is_mem,
			      char *why, size_t cap)
{
	uint32_t depth =
		cfg->mem_depth ? cfg->mem_depth : WIRE_FIFO_DEFAULT_DEPTH;
	struct wire_loop *lw;

	if (depth > WIRE_FIFO_MAX_DEPTH) {
		wire_why(why, cap, "wire: mem_depth %u is above the limit %u",
			 (unsigned)depth, WIRE_FIFO_MAX_DEPTH);
		return NULL;
	}
	lw = calloc(1, sizeof(*lw));
	if (lw == NULL) {
		wire_why(why, cap, "wire: %s: out of memory", cfg->kind);
		return NULL;
	}
	lw->is_mem = is_mem;
	/* So loop_close after a failed fifo_init never closes fd 0. */
	lw->to_model.ready_fd = lw->from_model.ready_fd = -1;
	if (fifo_init(&lw->to_model, depth, true) != 0 ||
	    (is_mem && fifo_init(&lw->from_model, depth, false) != 0)) {
		wire_why(why, cap, "wire: %s: cannot allocate %u-frame FIFOs",
			 cfg->kind, (unsigned)depth);
		loop_close(&lw->base);
		return NULL;
	}
	lw->base.ops = &loop_ops;
	lw->base.fd = lw->to_model.ready_fd;
	lw->base.clock_ns = cfg->clock_ns;
	lw->base.clock_ctx = cfg->clock_ctx;
	return &lw->base;
}

struct wire *wire_loopback_open(const struct wire_config *cfg, char *why,
				size_t cap)
{
	return loop_open(cfg, false, why, cap);
}

struct wire *wire_mem_open(const struct wire_config *cfg, char *why, size_t cap)
{
	return loop_open(cfg, true, why, cap);
}

bool wire_is_mem(const struct wire *w)
{
	return w != NULL && w->ops == &loop_ops &&
	       ((const struct wire_loop *)w)->is_mem;
}

int wire_mem_backend_inject(struct wire *w, const uint8_t *frame, size_t len)
{
	struct wire_loop *lw = (struct wire_loop *)w;

	if (len == 0) {
		w->stats.rx_errors++; /* a 0 from wire_recv means "none" */
		return -1;
	}
	if (len > WIRE_MAX_FRAME) {
		w->stats.rx_oversize++;
		w->stats.rx_errors++;
		return -1;
	}
	if (fifo_push(&lw->to_model, frame, len) != 0) {
		w->stats.rx_overflow++;
		w->stats.rx_errors++;
		return -1;
	}
	return 0;
}

long wire_mem_backend_take(struct wire *w, uint8_t *buf, size_t cap)
{
	return fifo_pop(&((struct wire_loop *)w)->from_model, buf, cap);
}
