/*
 * enet_fixture: both muxes, played by the test, on the ENET driver's four
 * queues.  The contract is in enet_fixture.h; the driver's side of the
 * queues in driver/enet/enet_driver.h.
 */
#include <stdio.h>
#include <string.h>

#include "core/pd_queue.h"
#include "tests/unit/enet_fixture.h"

/* ---- moving buffers -------------------------------------------------- */

/* Hand our buffer b to the driver on p->out, published later (once);
 * false, and the buffer stays ours, if the queue is full. */
static bool pool_give(struct enet_fixture_pool *p, uint32_t b, uint16_t len)
{
	struct sdvf_desc d = {.io_or_offset = p->io + b * SDVF_BUF_SIZE,
			      .len = len};
	if (!sdvf_queue_push(&p->out, &d))
		return false;
	sdvf_own_give(&p->own, d.io_or_offset, SDVF_OWNER_SELF,
		      ENET_FIXTURE_OWNER_DRIVER);
	p->pushed = true;
	return true;
}

/* Publish what was pushed; true if the driver asked to be signalled.
 * With nothing pushed, its request stands: it is not ours to use up. */
static bool pool_publish(struct enet_fixture_pool *p)
{
	if (!p->pushed)
		return false;
	p->pushed = false;
	return sdvf_queue_producer_finish(&p->out);
}

/* Log a returned descriptor; its index in p->got, or -1 once full. */
static int64_t pool_log(struct enet_fixture_pool *p, const struct sdvf_desc *d)
{
	if (p->ngot == ENET_FIXTURE_LOG)
		return -1;
	p->got[p->ngot] = *d;
	return p->ngot++;
}

/* Take the buffer d names back from the driver: its index, or -1 (counted
 * as foreign) if it is not the driver's to return. */
static int64_t pool_take_back(struct enet_fixture_pool *p,
			      const struct sdvf_desc *d)
{
	if (!sdvf_own_take(&p->own, d, ENET_FIXTURE_OWNER_DRIVER,
			   SDVF_OWNER_SELF, 0, UINT16_MAX, &p->foreign))
		return -1;
	p->returned++;
	p->flagged += d->flags != 0;
	return (int64_t)((d->io_or_offset - p->io) / SDVF_BUF_SIZE);
}

/* ---- the activation ---------------------------------------------------- */

static void rx_returned(struct enet_fixture *fx, const struct sdvf_desc *d)
{
	struct enet_fixture_pool *p = &fx->rx;
	int64_t logged = pool_log(p, d);
	int64_t b = pool_take_back(p, d);
	if (b < 0)
		return;
	const uint8_t *frame = p->data ? p->data + b * SDVF_BUF_SIZE : NULL;
	if (frame && logged >= 0)
		memcpy(fx->rx_bytes[logged], frame,
		       d->len < SDVF_BUF_SIZE ? d->len : SDVF_BUF_SIZE);
	if (fx->opt.on_rx)
		fx->opt.on_rx(fx->opt.ctx, d, frame);
	if (fx->opt.rx_recycle)
		pool_give(p, (uint32_t)b, 0);
}

static void tx_returned(struct enet_fixture *fx, const struct sdvf_desc *d)
{
	pool_log(&fx->tx, d);
	pool_take_back(&fx->tx, d);
}

/* Drain `back`, then hand back its slots and publish `out` (recycled
 * buffers), each once, with at most one signal: both queues of a pair
 * share the channel (core/pd_queue.h). */
static void pool_drain(struct enet_fixture *fx, struct enet_fixture_pool *p,
		       void (*returned)(struct enet_fixture *,
					const struct sdvf_desc *))
{
	struct sdvf_desc d;
	do {
		while (sdvf_queue_pop(&p->back, &d))
			returned(fx, &d);
	} while (sdvf_queue_consumer_request_signal(&p->back));
	bool wake = sdvf_queue_consumer_finish(&p->back);
	wake |= pool_publish(p);
	if (wake)
		sdvf_notify(fx->pd, p->ch);
}

static void fixture_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct enet_fixture *fx = state;
	(void)pd;
	if (ch == fx->rx.ch)
		pool_drain(fx, &fx->rx, rx_returned);
	else if (ch == fx->tx.ch)
		pool_drain(fx, &fx->tx, tx_returned);
}

/* ---- the test's side ------------------------------------------------- */

static uint32_t pool_send(struct enet_fixture *fx, struct enet_fixture_pool *p,
			  uint32_t first, uint32_t n, uint16_t len)
{
	uint32_t sent = 0;
	while (sent < n) {
		uint32_t b = (first + sent) % fx->buffers;
		if (p->owner[b] != SDVF_OWNER_SELF || !pool_give(p, b, len))
			break;
		sent++;
	}
	if (pool_publish(p))
		sdvf_notify(fx->pd, p->ch);
	return sent;
}

uint32_t enet_fixture_provide_rx(struct enet_fixture *fx, uint32_t first,
				 uint32_t n)
{
	return pool_send(fx, &fx->rx, first, n, 0);
}

uint8_t *enet_fixture_tx_frame(struct enet_fixture *fx, uint32_t b)
{
	if (!fx->tx.data || b >= fx->buffers)
		return NULL;
	return fx->tx.data + b * SDVF_BUF_SIZE;
}

uint32_t enet_fixture_queue_tx(struct enet_fixture *fx, uint32_t first,
			       uint32_t n, uint16_t len)
{
	return pool_send(fx, &fx->tx, first, n, len);
}

uint32_t enet_fixture_push_raw(struct enet_fixture *fx,
			       struct enet_fixture_pool *p,
			       const struct sdvf_desc *d, uint32_t n)
{
	uint32_t pushed = 0;
	while (pushed < n && sdvf_queue_push(&p->out, &d[pushed]))
		pushed++;
	p->raw_pushed += pushed;
	p->pushed |= pushed > 0;
	if (pool_publish(p))
		sdvf_notify(fx->pd, p->ch);
	return pushed;
}

/* Shared indices: the consumer's head is published once per activation,
 * so between activations they show exactly what is in the queue. */
static uint32_t queue_head(const struct sdvf_queue *q)
{
	return atomic_load_explicit(&q->shared->head, memory_order_acquire);
}

static uint32_t queue_tail(const struct sdvf_queue *q)
{
	return atomic_load_explicit(&q->shared->tail, memory_order_acquire);
}

uint32_t enet_fixture_queued(const struct enet_fixture_pool *p)
{
	return queue_tail(&p->out) - queue_head(&p->out);
}

uint64_t enet_fixture_foreign(const struct enet_fixture_pool *p)
{
	uint64_t n = 0;
	for (int why = 0; why < SDVF_VIOL_COUNT; why++)
		n += p->foreign.by_reason[why];
	return n;
}

/* ---- buffer conservation --------------------------------------------- */

/* Times io is in q (at most a ringful: the indices are shared memory). */
static uint32_t in_queue(const struct sdvf_queue *q, uint64_t io)
{
	uint32_t head = queue_head(q), tail = queue_tail(q), n = 0;
	for (uint32_t i = head; i != tail && i - head < q->capacity; i++)
		n += q->shared->ring[i & q->mask].io_or_offset == io;
	return n;
}

static uint32_t pool_conservation_errors(const struct enet_fixture *fx,
					 const struct enet_fixture_pool *p,
					 const struct enet_driver *drv,
					 const char *dir)
{
	uint32_t errors = 0;
	for (uint32_t b = 0; b < fx->buffers; b++) {
		uint64_t io = p->io + b * SDVF_BUF_SIZE;
		uint32_t mine = p->owner[b] == SDVF_OWNER_SELF;
		uint32_t out = in_queue(&p->out, io);
		uint32_t back = in_queue(&p->back, io);
		uint32_t driver = enet_driver_holds(drv, p == &fx->rx, io);
		if (mine + out + back + driver == 1)
			continue;
		fprintf(stderr,
			"enet_fixture: %s buffer %u (io 0x%llx) held %u times: "
			"fixture %u, out queue %u, back queue %u, driver %u\n",
			dir, b, (unsigned long long)io,
			mine + out + back + driver, mine, out, back, driver);
		errors++;
	}
	uint64_t foreign = enet_fixture_foreign(p);
	if (foreign != p->raw_pushed) {
		fprintf(stderr,
			"enet_fixture: %s: %llu foreign returns for %llu raw "
			"descriptors pushed\n",
			dir, (unsigned long long)foreign,
			(unsigned long long)p->raw_pushed);
		errors++;
	}
	return errors;
}

uint32_t enet_fixture_conservation_errors(const struct enet_fixture *fx,
					  const struct enet_driver *drv)
{
	return pool_conservation_errors(fx, &fx->rx, drv, "RX") +
	       pool_conservation_errors(fx, &fx->tx, drv, "TX");
}

/* ---- the component ---------------------------------------------------- */

static bool pool_init(struct enet_fixture *fx, struct enet_fixture_pool *p,
		      const char *out, const char *back, const char *ch,
		      const char *data, const char *io_key)
{
	struct sdvf_pd *pd = fx->pd;
	if (!sdvf_queue_attach_region(pd, &p->out, out, fx->capacity) ||
	    !sdvf_queue_attach_region(pd, &p->back, back, fx->capacity))
		return false;
	p->ch = sdvf_channel(pd, ch);
	const struct sdvf_region *r = sdvf_region(pd, data);
	p->io = sdvf_config_u64(pd, io_key);
	if (r) {
		if (!r->has_io || r->size < fx->buffers * SDVF_BUF_SIZE) {
			sdvf_log(pd, SDVF_LOG_ERROR,
				 "enet_fixture: region '%s' needs an io "
				 "address and room for %u buffers",
				 data, fx->buffers);
			return false;
		}
		p->data = r->base;
		p->io = r->io_addr;
	}
	sdvf_own_init(&p->own, p->owner, fx->buffers, p->io);
	return true;
}

static int fixture_init(void *state, struct sdvf_pd *pd)
{
	struct enet_fixture *fx = state;
	fx->pd = pd;
	fx->capacity = (uint32_t)sdvf_config_u64(pd, "capacity");
	fx->buffers = (uint32_t)sdvf_config_u64(pd, "buffers");
	if (!pool_init(fx, &fx->rx, "rx_free", "rx_active", "rx", "rx_dma",
		       "rx_io") ||
	    !pool_init(fx, &fx->tx, "tx_active", "tx_free", "tx", "tx_dma",
		       "tx_io"))
		return -1;
	return 0;
}

static const struct sdvf_need fixture_needs[] = {
	SDVF_NEED_QUEUE("rx_free"),
	SDVF_NEED_QUEUE("rx_active"),
	SDVF_NEED_QUEUE("tx_free"),
	SDVF_NEED_QUEUE("tx_active"),
	SDVF_NEED_REGION_RW_OPTIONAL("rx_dma"),
	SDVF_NEED_REGION_RW_OPTIONAL("tx_dma"),
	SDVF_NEED_CHAN("rx"),
	SDVF_NEED_CHAN("tx"),
	{0},
};

static const struct sdvf_param fixture_params[] = {
	SDVF_PARAM_CAPACITY("capacity", 65536,
			    "slots of each queue, as the driver's"),
	SDVF_PARAM_U64_DEFAULT("buffers", 1, ENET_FIXTURE_MAX_BUFFERS, 32,
			       "buffers the fixture owns per direction"),
	SDVF_PARAM_U64_DEFAULT("rx_io", 0, UINT32_MAX, 0,
			       "io address of RX buffer 0 without rx_dma"),
	SDVF_PARAM_U64_DEFAULT("tx_io", 0, UINT32_MAX, 0,
			       "io address of TX buffer 0 without tx_dma"),
	{0},
};

const struct sdvf_component enet_fixture_component = {
	.name = "enet_fixture",
	.summary = "test double of both muxes on the ENET driver's queues",
	.role = SDVF_ROLE_MUX,
	.state_size = sizeof(struct enet_fixture),
	.needs = fixture_needs,
	.params = fixture_params,
	.init = fixture_init,
	.notified = fixture_notified,
};
