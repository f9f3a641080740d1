/*
 * The ENET driver's data path: the four mux queues and the two BD rings.
 *
 *   RX: rx_free --validate--> RX BD (E set) --MAC--> rx_to_mux --> rx_active
 *   TX: tx_active --validate--> TX BD (R set) --MAC--> tx_done_to_mux
 *                                                        --> tx_free
 *
 * rx_to_mux / tx_done_to_mux are private FIFOs of descriptors on their way
 * out; they absorb an outgoing queue that is momentarily full, so the
 * return loops never have to leave a buffer in limbo.  The provide loops
 * take a new descriptor only while the matching FIFO is empty, which bounds
 * each FIFO by its ring size plus one (a rejected descriptor).
 *
 * Each provide loop has the one activation shape (core/pd_queue.h): drain
 * the mux's queue, request a signal, re-check.  Nothing here publishes,
 * releases or notifies: activation_end (enet_driver.c) publishes each
 * queue once and signals each mux at most once, only for a queue this
 * activation moved (the finish helpers of core/pd_queue.h know which).
 *
 * Ownership of a BD is its E/R bit (driver/enet/enet_regs.h).  The driver
 * writes addr and len, then (release) stat; it reads len only after an
 * acquire fence that follows seeing E/R clear.  Its own copy of each BD's
 * address (rx_io/tx_io) is what it returns, never the BD's addr field.
 */
#include "driver/enet/enet_driver.h"

/* ---- private FIFOs: descriptors on their way to a mux ------------------ */

static uint32_t pending_count(const struct enet_pending *p)
{
	return p->tail - p->head;
}

static void pending_push(struct enet_pending *p, uint64_t io, uint16_t len,
			 uint16_t flags)
{
	struct sdvf_desc *d = &p->desc[p->tail % ENET_DRV_PENDING];
	d->io_or_offset = io;
	d->len = len;
	d->flags = flags;
	d->reserved = 0;
	p->tail++;
}

/*
 * Move what waits in `p` into the mux's queue `q`; true if nothing is left
 * waiting.  On a full queue, ask the mux to signal when it frees slots (the
 * producer half of core/queue.h).  Publishing and signalling the mux are
 * left to the end of the activation.
 */
static bool pending_flush(struct enet_pending *p, struct sdvf_queue *q)
{
	while (pending_count(p) != 0) {
		if (!sdvf_queue_push(q, &p->desc[p->head % ENET_DRV_PENDING])) {
			if (sdvf_queue_producer_request_signal(q))
				continue;
			return false;
		}
		p->head++;
	}
	return true;
}

/* The window holding all of [io, io + len), or NULL: the buffer must be
 * 16-byte aligned and wholly inside one window (windows lie below 4 GiB and
 * apart, so io then fits a BD and has one window's rights). */
static const struct enet_window *dma_window(const struct enet_driver *drv,
					    uint64_t io, uint32_t len)
{
	if (io % 16 != 0 || len == 0)
		return NULL;
	for (unsigned i = 0; i < ENET_DRV_DMA_WINDOWS; i++) {
		const struct enet_window *w = &drv->windows[i];
		if (w->size == 0 || io < w->io)
			continue;
		uint64_t off = io - w->io;
		if (off < w->size && len <= w->size - off)
			return w;
	}
	return NULL;
}

/* ---- RX -------------------------------------------------------------- */

static void rx_post(struct enet_driver *drv, uint32_t io)
{
	uint32_t slot = drv->rx_tail & (drv->rx_slots - 1);
	volatile struct enet_bd *bd = &drv->rx_bd[slot];
	drv->rx_io[slot] = io;
	bd->addr = io;
	bd->len = 0;
	/* Release: addr is in place before the MAC may own the BD (as the
	 * device sees it: enet_mmio.h). */
	enet_dma_wmb();
	bd->stat = (uint16_t)(ENET_RXBD_E |
			      (slot == drv->rx_slots - 1 ? ENET_RXBD_W : 0));
	drv->rx_tail++;
	drv->kick_rdar = true;
}

/* Room to take one more buffer from rx_free: nothing left waiting for
 * rx_active (which bounds rx_to_mux) and a free BD. */
static bool rx_can_take(struct enet_driver *drv)
{
	return pending_flush(&drv->rx_to_mux, &drv->rx_active) &&
	       drv->rx_tail - drv->rx_head < drv->rx_slots;
}

/* Validate one buffer from rx_free; false if it was rejected (counted). */
static bool rx_buffer_ok(struct enet_driver *drv, const struct sdvf_desc *d)
{
	const struct enet_window *w =
		dma_window(drv, d->io_or_offset, ENET_DRV_RX_BUF_BYTES);
	if (!w) {
		sdvf_counter_add(drv->stats.rx_bad_buffer, 1);
		return false;
	}
	/* The MAC writes frames here: in a window it may only read, every
	 * frame would be a bus error and a reset, the buffer re-posted each
	 * time. */
	if (!(w->rights & SDVF_W)) {
		sdvf_counter_add(drv->stats.rx_bad_window, 1);
		return false;
	}
	/* The MAC writes 64-byte bursts: a buffer off that grid is refused,
	 * not handed to a MAC that would stop with a bus error on it. */
	if (d->io_or_offset % ENET_DRV_RX_BUF_ALIGN != 0) {
		sdvf_counter_add(drv->stats.rx_misaligned, 1);
		return false;
	}
	return true;
}

static void rx_provide_one(struct enet_driver *drv, const struct sdvf_desc *d)
{
	if (!rx_buffer_ok(drv, d)) {
		pending_push(&drv->rx_to_mux, d->io_or_offset, 0,
			     SDVF_NET_REJECTED);
		return;
	}
	rx_post(drv, (uint32_t)d->io_or_offset);
}

/* rx_free -> RX BDs.  Stopped by a full ring, the next RX interrupt
 * resumes us; by a full rx_active, the mux's signal on `rx` does: neither
 * needs a signal request on rx_free. */
void enet_rx_provide(struct enet_driver *drv)
{
	struct sdvf_desc d;
	do {
		while (rx_can_take(drv) && sdvf_queue_pop(&drv->rx_free, &d)) {
			rx_provide_one(drv, &d);
		}
	} while (rx_can_take(drv) &&
		 sdvf_queue_consumer_request_signal(&drv->rx_free));
}

/* Counts every reason a frame is bad; true if it can be delivered. */
static bool rx_frame_ok(struct enet_driver *drv, uint16_t stat, uint16_t len)
{
	struct enet_driver_counters *s = &drv->stats;
	bool ok = true;
	if (stat & ENET_RXBD_ERRORS) {
		sdvf_counter_add(s->rx_err_lg, (stat & ENET_RXBD_LG) != 0);
		sdvf_counter_add(s->rx_err_no, (stat & ENET_RXBD_NO) != 0);
		sdvf_counter_add(s->rx_err_cr, (stat & ENET_RXBD_CR) != 0);
		sdvf_counter_add(s->rx_err_ov, (stat & ENET_RXBD_OV) != 0);
		sdvf_counter_add(s->rx_err_tr, (stat & ENET_RXBD_TR) != 0);
		ok = false;
	}
	if (!(stat & ENET_RXBD_L)) {
		/* MRBR holds MAX_FL, so only a giant spans BDs: each part
		 * is recycled, and its last BD carries LG. */
		sdvf_counter_add(s->rx_err_not_last, 1);
		ok = false;
	}
	if (ok && (len == 0 || len > ENET_DRV_RX_BUF_BYTES)) {
		sdvf_counter_add(s->rx_err_len, 1);
		ok = false;
	} else if (ok && len < SDVF_NET_FRAME_MIN + drv->rx_fcs) {
		/* QEMU passes on any length: no header, never delivered. */
		sdvf_counter_add(s->rx_err_short, 1);
		ok = false;
	}
	return ok;
}

/* RX BDs the MAC has filled -> rx_active (bad frames: straight back into
 * the ring). */
void enet_rx_return(struct enet_driver *drv)
{
	uint32_t mask = drv->rx_slots - 1;
	while (drv->rx_head != drv->rx_tail &&
	       pending_count(&drv->rx_to_mux) < ENET_DRV_PENDING) {
		uint32_t slot = drv->rx_head & mask;
		volatile struct enet_bd *bd = &drv->rx_bd[slot];
		uint16_t stat = bd->stat;
		if (stat & ENET_RXBD_E)
			break;
		/* Acquire: the MAC wrote len before it cleared E. */
		atomic_thread_fence(memory_order_acquire);
		uint16_t len = bd->len;
		uint32_t io = drv->rx_io[slot];
		drv->rx_head++;
		if (!rx_frame_ok(drv, stat, len)) {
			rx_post(drv, io); /* recycle: never delivered */
			continue;
		}
		len = (uint16_t)(len - drv->rx_fcs); /* the FCS, if kept */
		sdvf_counter_add(drv->stats.rx_frames, 1);
		sdvf_counter_add(drv->stats.rx_bytes, len);
		pending_push(&drv->rx_to_mux, io, len, 0);
	}
	(void)pending_flush(&drv->rx_to_mux, &drv->rx_active);
}

/* ---- TX -------------------------------------------------------------- */

static void tx_post(struct enet_driver *drv, uint32_t io, uint16_t len)
{
	uint32_t slot = drv->tx_tail & (drv->tx_slots - 1);
	volatile struct enet_bd *bd = &drv->tx_bd[slot];
	drv->tx_io[slot] = io;
	drv->tx_len[slot] = len;
	bd->addr = io;
	bd->len = len;
	/* Release: addr and len are in place before the MAC owns the BD (as
	 * the device sees it: enet_mmio.h). */
	enet_dma_wmb();
	bd->stat = (uint16_t)(ENET_TXBD_R | ENET_TXBD_L | ENET_TXBD_TC |
			      (slot == drv->tx_slots - 1 ? ENET_TXBD_W : 0));
	drv->tx_tail++;
	drv->kick_tdar = true;
}

/* Room to take one more frame from tx_active: nothing left waiting for
 * tx_free (which bounds tx_done_to_mux) and a free BD. */
static bool tx_can_take(struct enet_driver *drv)
{
	return pending_flush(&drv->tx_done_to_mux, &drv->tx_free) &&
	       drv->tx_tail - drv->tx_head < drv->tx_slots;
}

/* Validate one frame from tx_active; false if it was rejected. */
static bool tx_frame_ok(struct enet_driver *drv, const struct sdvf_desc *d)
{
	if (d->len < SDVF_NET_FRAME_MIN || d->len > SDVF_NET_FRAME_MAX) {
		sdvf_counter_add(drv->stats.tx_bad_len, 1);
		return false;
	}
	const struct enet_window *w = dma_window(drv, d->io_or_offset, d->len);
	if (!w) {
		sdvf_counter_add(drv->stats.tx_bad_buffer, 1);
		return false;
	}
	if (!(w->rights & SDVF_R)) { /* the MAC reads the frame from here */
		sdvf_counter_add(drv->stats.tx_bad_window, 1);
		return false;
	}
	return true;
}

static void tx_provide_one(struct enet_driver *drv, const struct sdvf_desc *d)
{
	if (!tx_frame_ok(drv, d)) {
		pending_push(&drv->tx_done_to_mux, d->io_or_offset, d->len,
			     SDVF_NET_REJECTED);
		return;
	}
	tx_post(drv, (uint32_t)d->io_or_offset, d->len);
}

/* tx_active -> TX BDs.  Stopped by a full ring, TX interrupts resume us;
 * by a full tx_free, the mux's signal on `tx` does. */
void enet_tx_provide(struct enet_driver *drv)
{
	if (!drv->link_up || drv->halted) {
		/* Held, not dropped: link up or the halt retry calls us
		 * again. */
		if (sdvf_queue_available(&drv->tx_active) != 0)
			sdvf_counter_add(drv->halted
						 ? drv->stats.tx_held_halted
						 : drv->stats.tx_held_link_down,
					 1);
		return;
	}
	struct sdvf_desc d;
	do {
		while (tx_can_take(drv) &&
		       sdvf_queue_pop(&drv->tx_active, &d)) {
			tx_provide_one(drv, &d);
		}
	} while (tx_can_take(drv) &&
		 sdvf_queue_consumer_request_signal(&drv->tx_active));
}

/* TX BDs the MAC has sent -> tx_free, in submit order. */
void enet_tx_return(struct enet_driver *drv)
{
	uint32_t mask = drv->tx_slots - 1;
	while (drv->tx_head != drv->tx_tail &&
	       pending_count(&drv->tx_done_to_mux) < ENET_DRV_PENDING) {
		uint32_t slot = drv->tx_head & mask;
		if (drv->tx_bd[slot].stat & ENET_TXBD_R)
			break;
		/* Acquire: nothing of the BD is reused before the MAC let
		 * go of it. */
		atomic_thread_fence(memory_order_acquire);
		sdvf_counter_add(drv->stats.tx_frames, 1);
		sdvf_counter_add(drv->stats.tx_bytes, drv->tx_len[slot]);
		pending_push(&drv->tx_done_to_mux, drv->tx_io[slot],
			     drv->tx_len[slot], 0);
		drv->tx_head++;
	}
	(void)pending_flush(&drv->tx_done_to_mux, &drv->tx_free);
}

/* ---- ring (re)initialisation ----------------------------------------- */

/*
 * After a controller reset the MAC starts again at RDSR/TDSR.  With
 * keep_buffers, RX buffers that were in BDs are re-posted from slot 0 in
 * their old order, and TX frames the MAC had not finished go back to the
 * TX side flagged SDVF_NET_TX_ERROR (we cannot know whether they left, so
 * we do not resend them: a duplicate is worse than a loss upper layers
 * already handle).
 */
void enet_rings_init(struct enet_driver *drv, bool keep_buffers)
{
	uint32_t rx_held[ENET_DRV_MAX_RING];
	uint32_t held = keep_buffers ? drv->rx_tail - drv->rx_head : 0;
	for (uint32_t i = 0; i < held; i++)
		rx_held[i] =
			drv->rx_io[(drv->rx_head + i) & (drv->rx_slots - 1)];
	if (keep_buffers) {
		for (uint32_t i = drv->tx_head; i != drv->tx_tail; i++) {
			uint32_t slot = i & (drv->tx_slots - 1);
			pending_push(&drv->tx_done_to_mux, drv->tx_io[slot],
				     drv->tx_len[slot], SDVF_NET_TX_ERROR);
			sdvf_counter_add(drv->stats.tx_reset_errors, 1);
		}
	}
	for (uint32_t i = 0; i < drv->rx_slots; i++) {
		drv->rx_bd[i].addr = 0;
		drv->rx_bd[i].len = 0;
		drv->rx_bd[i].stat = i == drv->rx_slots - 1 ? ENET_RXBD_W : 0;
	}
	for (uint32_t i = 0; i < drv->tx_slots; i++) {
		drv->tx_bd[i].addr = 0;
		drv->tx_bd[i].len = 0;
		drv->tx_bd[i].stat = i == drv->tx_slots - 1 ? ENET_TXBD_W : 0;
	}
	drv->rx_head = drv->rx_tail = 0;
	drv->tx_head = drv->tx_tail = 0;
	drv->kick_tdar = false;
	for (uint32_t i = 0; i < held; i++)
		rx_post(drv, rx_held[i]);
	(void)pending_flush(&drv->tx_done_to_mux, &drv->tx_free);
}
