/*
 * The ENET model, part 2: the descriptor engine.  DMA goes only through the
 * window (the model's io-addressed regions); each BD is read once into
 * private memory; a BD or buffer outside the window raises EBERR and stops
 * the MAC.  RX takes frames from the wire into a small FIFO, then into empty
 * BDs; TX gathers ready BDs into a frame and hands it to the wire.
 *
 * RX length rules (docs/enet.md has the table):
 *   < 14 bytes from the wire     runt: dropped, RMON_R_FRAG
 *   14..59 bytes                 padded with zeros to 60, as the sending
 *                                MAC would have
 *   + 4 (FCS) > RCR.MAX_FL       LG set, data kept
 *   + 4 (FCS) > FTRL             cut to FTRL bytes, TR set
 */
#include <stdatomic.h>
#include <string.h>

#include "core/bytes.h"
#include "core/net.h"
#include "driver/enet/model/enet_model_state.h"

#define ENET_TX_BDS_PER_KICK 4096u /* bound on one TDAR's work */

/* ---- the DMA window --------------------------------------------------- */

static uint8_t *dma_ptr(struct enet_model *m, uint64_t io, uint64_t len,
			bool write)
{
	for (int i = 0; i < m->nwin; i++) {
		const struct enet_dma_window *w = &m->win[i];
		if (io < w->io || len > w->size || io - w->io > w->size - len)
			continue;
		if (write && !w->writable)
			return NULL;
		return w->base + (io - w->io);
	}
	return NULL;
}

/* A bus error: the DMA engines stop and ETHEREN clears, as on hardware.
 * `what` says what was wrong with the access at io. */
static void eberr(struct enet_model *m, const char *what, uint64_t io)
{
	sdvf_counter_add(m->stats.eberr, 1);
	sdvf_log(m->pd, SDVF_LOG_WARN, "EBERR: %s at io 0x%llx: MAC stopped",
		 what, (unsigned long long)io);
	enet_raise(m, ENET_INT_EBERR);
	enet_reg_put(m, ENET_ECR,
		     enet_reg(m, ENET_ECR) & ~(uint32_t)ENET_ECR_ETHEREN);
	enet_reg_put(m, ENET_RDAR, 0);
	enet_reg_put(m, ENET_TDAR, 0);
	enet_hazard_tx_stop(m);
	enet_rx_fifo_flush(m);
}

/* ---- buffer descriptors ----------------------------------------------- */

/* ECR.DBSWP set: the little-endian layout of enet_regs.h.  Clear: the
 * MAC's native big-endian words, i.e. stat before len, bytes reversed. */
static bool bd_swapped(const struct enet_model *m)
{
	/* QEMU reads BDs in the host's (little-endian) order, DBSWP or not. */
	return enet_is_qemu(m) || (enet_reg(m, ENET_ECR) & ENET_ECR_DBSWP);
}

static bool bd_read(struct enet_model *m, uint32_t io, struct enet_bd_ref *ref)
{
	uint8_t *p = dma_ptr(m, io, sizeof(struct enet_bd), true);
	if (!p) {
		eberr(m, "buffer descriptor outside the DMA window", io);
		return false;
	}
	/* One read of each field, stat's first: the driver sets E/R after a
	 * release fence, so the acquire makes addr and len as new as stat.
	 * Three loads where the BD is aligned in our mapping (it always is
	 * in the ring: RDSR/TDSR keep 8-byte alignment), else byte by byte;
	 * the bytes land in v in memory order either way. */
	bool swapped = bd_swapped(m);
	int stat_at = swapped ? 2 : 0;
	uint8_t v[8];
	if (((uintptr_t)p & 7u) == 0) {
		volatile const uint16_t *h = (volatile const uint16_t *)p;
		uint16_t stat = h[stat_at / 2];
		atomic_thread_fence(memory_order_acquire);
		uint16_t other = h[1 - stat_at / 2];
		uint32_t addr = ((volatile const uint32_t *)p)[1];
		memcpy(v + stat_at, &stat, 2);
		memcpy(v + (2 - stat_at), &other, 2);
		memcpy(v + 4, &addr, 4);
	} else {
		volatile const uint8_t *b = p;
		v[stat_at] = b[stat_at];
		v[stat_at + 1] = b[stat_at + 1];
		atomic_thread_fence(memory_order_acquire);
		for (int i = 0; i < 8; i++) {
			if (i != stat_at && i != stat_at + 1)
				v[i] = b[i];
		}
	}
	ref->bd = p;
	ref->io = io;
	if (swapped) {
		ref->v.len = sdvf_get_le16(v);
		ref->v.stat = sdvf_get_le16(v + 2);
		ref->v.addr = sdvf_get_le32(v + 4);
	} else {
		ref->v.stat = sdvf_get_be16(v);
		ref->v.len = sdvf_get_be16(v + 2);
		ref->v.addr = sdvf_get_be32(v + 4);
	}
	return true;
}

/* One 16-bit BD field into shared memory, either byte order, a byte at a
 * time through volatile (core/bytes.h stores big-endian only, and not
 * through volatile). */
static void put16(volatile uint8_t *p, uint16_t v, bool le)
{
	p[le ? 0 : 1] = (uint8_t)v;
	p[le ? 1 : 0] = (uint8_t)(v >> 8);
}

/* Hand a BD back: len first, then (release) stat without the ownership
 * bit, so the driver that sees the bit clear also sees the length. */
static void bd_give_back(struct enet_model *m, const struct enet_bd_ref *ref,
			 uint16_t len, uint16_t stat)
{
	bool le = bd_swapped(m);
	volatile uint8_t *p = ref->bd;
	put16(le ? p : p + 2, len, le);
	atomic_thread_fence(memory_order_release);
	put16(le ? p + 2 : p, stat, le);
}

static uint32_t bd_next(const struct enet_model *m, const struct enet_bd_ref *r,
			uint32_t ring_start_reg)
{
	if (r->v.stat & ENET_RXBD_W) /* W is bit 13 in both directions */
		return enet_reg(m, ring_start_reg);
	return r->io + (uint32_t)sizeof(struct enet_bd);
}

/* ---- CRC-32 (FCS and the hash filters) -------------------------------- */

/* Slicing by 8: crc_table[k][b] is the CRC register's change from byte b
 * followed by k zero bytes, so eight bytes cost eight independent table
 * loads instead of a chain of eight (the byte-at-a-time loop made the
 * FCS most of the model's RX cost at 1514 bytes: docs/benchmarks.md). */
void enet_crc_init(struct enet_model *m)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		m->crc_table[0][i] = c;
	}
	for (int k = 1; k < 8; k++) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = m->crc_table[k - 1][i];
			m->crc_table[k][i] =
				(c >> 8) ^ m->crc_table[0][c & 0xff];
		}
	}
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

uint32_t enet_crc_update(const struct enet_model *m, uint32_t c,
			 const uint8_t *p, size_t n)
{
	const uint32_t(*t)[256] = m->crc_table;
	for (; n >= 8; p += 8, n -= 8) {
		uint32_t lo = c ^ le32(p), hi = le32(p + 4);
		c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^
		    t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^ t[3][hi & 0xff] ^
		    t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^
		    t[0][hi >> 24];
	}
	for (; n > 0; p++, n--)
		c = t[0][(c ^ *p) & 0xff] ^ (c >> 8);
	return c;
}

/* Reflected CRC-32 from all ones, without the final inversion. */
static uint32_t crc32_raw(const struct enet_model *m, const uint8_t *p,
			  size_t n)
{
	return enet_crc_update(m, 0xffffffffu, p, n);
}

/* ---- MIB counters ----------------------------------------------------- */

static bool mib_counting(const struct enet_model *m)
{
	/* QEMU has no MIB: the counters read 0. */
	return !enet_is_qemu(m) &&
	       !(enet_reg(m, ENET_MIBC) & (ENET_MIBC_DIS | ENET_MIBC_CLEAR));
}

static void mib_bump(struct enet_model *m, uint32_t off, uint32_t n)
{
	enet_reg_put(m, off, enet_reg(m, off) + n);
}

static void mib_add(struct enet_model *m, uint32_t off, uint32_t n)
{
	if (mib_counting(m))
		mib_bump(m, off, n);
}

void enet_mib_clear(struct enet_model *m)
{
	for (uint32_t off = ENET_MIB_FIRST; off <= ENET_MIB_LAST; off += 4)
		enet_reg_put(m, off, 0);
}

/* Frame counters shared by both directions; `p64` is the P64 counter of
 * the direction and the size buckets follow it. */
static void mib_frame(struct enet_model *m, const uint8_t *dst, uint32_t mlen,
		      uint32_t packets, uint32_t bc, uint32_t mc, uint32_t p64,
		      uint32_t octets)
{
	static const uint32_t bucket_top[] = {64, 127, 255, 511, 1023, 2047};
	if (!mib_counting(m))
		return;
	uint32_t b = 0;
	while (b < 6 && mlen > bucket_top[b])
		b++;
	mib_bump(m, packets, 1);
	mib_bump(m, octets, mlen);
	mib_bump(m, p64 + 4 * b, 1);
	if (sdvf_mac_is_broadcast(dst))
		mib_bump(m, bc, 1);
	else if (sdvf_mac_is_group(dst))
		mib_bump(m, mc, 1);
}

/* ---- receive ---------------------------------------------------------- */

void enet_rx_fifo_flush(struct enet_model *m)
{
	m->rx_fifo_head = 0;
	m->rx_fifo_count = 0;
}

static bool hash_hit(const struct enet_model *m, const uint8_t *dst,
		     uint32_t upper_reg, uint32_t lower_reg)
{
	uint32_t upper = enet_reg(m, upper_reg), lower = enet_reg(m, lower_reg);
	if ((upper | lower) == 0)
		return false; /* an empty table: no address hits it */
	uint32_t hash = crc32_raw(m, dst, 6) >> 26;
	if (hash >= 32)
		return (upper >> (hash - 32)) & 1;
	return (lower >> hash) & 1;
}

/* The station address: bytes 0..3 in PALR, 4..5 in PAUR's upper half,
 * first byte in the high bits. */
static void station_mac(const struct enet_model *m, uint8_t mac[6])
{
	sdvf_put_be32(mac, enet_reg(m, ENET_PALR));
	sdvf_put_be16(mac + 4, (uint16_t)(enet_reg(m, ENET_PAUR) >> 16));
}

/* Destination filter: true to accept; sets BC / MC / M in *flags. */
static bool rx_accept(const struct enet_model *m, const uint8_t *dst,
		      uint16_t *flags)
{
	uint32_t rcr = enet_reg(m, ENET_RCR);
	uint8_t own[6];
	station_mac(m, own);
	bool hit;
	if (sdvf_mac_is_broadcast(dst)) {
		*flags |= ENET_RXBD_BC;
		hit = !(rcr & ENET_RCR_BC_REJ);
	} else if (sdvf_mac_is_group(dst)) {
		*flags |= ENET_RXBD_MC;
		hit = hash_hit(m, dst, ENET_GAUR, ENET_GALR);
	} else {
		hit = memcmp(dst, own, 6) == 0 ||
		      hash_hit(m, dst, ENET_IAUR, ENET_IALR);
	}
	if (hit)
		return true;
	if (rcr & ENET_RCR_PROM) {
		*flags |= ENET_RXBD_M; /* accepted only by promiscuity */
		return true;
	}
	return false;
}

/* Lay the frame out as the MAC writes it to buffers; returns the bytes to
 * write and sets LG/TR.  `mlen` is the length on the wire with FCS. */
static uint32_t rx_build(struct enet_model *m, const struct enet_rx_slot *s,
			 uint16_t *flags, uint32_t *mlen)
{
	uint32_t rcr = enet_reg(m, ENET_RCR);
	uint32_t kept = s->wire_len < ENET_MODEL_FRAME_MAX
				? s->wire_len
				: ENET_MODEL_FRAME_MAX;
	uint32_t shift = (enet_reg(m, ENET_RACC) & ENET_RACC_SHIFT16) ? 2 : 0;
	uint32_t padded =
		kept < ENET_MODEL_MIN_FRAME ? ENET_MODEL_MIN_FRAME : kept;
	uint8_t *f = m->rx_frame + shift;
	memset(m->rx_frame, 0, shift);
	memcpy(f, s->data, kept);
	memset(f + kept, 0, padded - kept);
	/* The FCS is computed only to be written: a frame's check is its
	 * fcs_bad (the wire carries no FCS, so the model makes a good one
	 * unless a fault damaged the frame). */
	uint32_t total = padded;
	if (!(rcr & ENET_RCR_CRCFWD)) {
		uint32_t fcs = ~crc32_raw(m, f, padded);
		for (int i = 0; i < 4; i++)
			f[padded + i] = (uint8_t)(fcs >> (8 * i));
		total += ENET_MODEL_FCS;
	}
	*mlen = (s->wire_len > padded ? s->wire_len : padded) + ENET_MODEL_FCS;
	uint32_t max_fl = (rcr & ENET_RCR_MAX_FL_MASK) >> ENET_RCR_MAX_FL_SHIFT;
	uint32_t ftrl = enet_reg(m, ENET_FTRL);
	if (*mlen > max_fl) {
		*flags |= ENET_RXBD_LG;
		sdvf_counter_add(m->stats.rx_long, 1);
		mib_add(m, ENET_RMON_R_OVERSIZE, 1);
	}
	if (*mlen > ftrl || s->wire_len > ENET_MODEL_FRAME_MAX) {
		*flags |= ENET_RXBD_TR;
		sdvf_counter_add(m->stats.rx_truncated, 1);
		if (total > ftrl)
			total = ftrl;
	}
	return total + shift;
}

/* Read and check the BDs for `total` bytes; 0 if not enough are empty,
 * -1 after EBERR, else the number of BDs. */
static int rx_claim_bds(struct enet_model *m, uint32_t total, uint32_t mrbr)
{
	uint32_t io = m->rx_bd;
	uint32_t n = (total + mrbr - 1) / mrbr;
	if (n == 0)
		n = 1; /* a zero-length write still completes one BD */
	for (uint32_t i = 0; i < n; i++) {
		struct enet_bd_ref *r = &m->bds[i];
		if (!bd_read(m, io, r))
			return -1;
		if (!(r->v.stat & ENET_RXBD_E))
			return 0;
		uint32_t chunk = i + 1 < n ? mrbr : total - i * mrbr;
		if (!(r->buf = dma_ptr(m, r->v.addr, chunk, true))) {
			eberr(m, "RX buffer outside the DMA window", r->v.addr);
			return -1;
		}
		if (!enet_hazard_rx_buffer_ok(m, r->v.addr)) {
			eberr(m, "RX buffer not 64-byte aligned", r->v.addr);
			return -1;
		}
		io = bd_next(m, r, ENET_RDSR);
	}
	return (int)n;
}

static void rx_write(struct enet_model *m, int nbds, uint32_t total,
		     uint32_t mrbr, uint16_t flags)
{
	const uint16_t keep = ENET_RXBD_W | ENET_RXBD_RO1 | ENET_RXBD_RO2;
	for (int i = 0; i < nbds; i++) {
		struct enet_bd_ref *r = &m->bds[i];
		bool last = i + 1 == nbds;
		uint32_t chunk = last ? total - (uint32_t)i * mrbr : mrbr;
		memcpy(r->buf, m->rx_frame + (uint32_t)i * mrbr, chunk);
		/* The last BD carries the frame length, the others MRBR. */
		uint16_t stat = (uint16_t)(r->v.stat & keep);
		if (last)
			stat |= (uint16_t)(ENET_RXBD_L | flags);
		bd_give_back(m, r, (uint16_t)(last ? total : mrbr), stat);
		if (last)
			enet_frame_done(m, ENET_DIR_RX);
		else
			enet_raise(m, ENET_INT_RXB);
		m->rx_bd = bd_next(m, r, ENET_RDSR);
	}
}

enum rx_result { RX_DONE, RX_WAIT, RX_STOPPED };

/* Place one frame (or drop it); RX_WAIT if it needs more empty BDs. */
static enum rx_result rx_place(struct enet_model *m,
			       const struct enet_rx_slot *s)
{
	uint16_t flags = 0;
	/* QEMU has no destination filter: every frame is taken, unflagged. */
	if (!enet_is_qemu(m) && !rx_accept(m, s->data, &flags)) {
		sdvf_counter_add(m->stats.rx_filtered, 1);
		return RX_DONE;
	}
	uint32_t mrbr = enet_reg(m, ENET_MRBR);
	if (mrbr == 0) {
		sdvf_counter_add(m->stats.rx_no_buffer_size, 1);
		return RX_DONE;
	}
	uint32_t mlen = 0;
	uint32_t total = enet_is_qemu(m) ? enet_qemu_rx_build(m, s, &flags)
					 : rx_build(m, s, &flags, &mlen);
	int nbds = rx_claim_bds(m, total, mrbr);
	if (nbds <= 0)
		return nbds < 0 ? RX_STOPPED : RX_WAIT;
	if (s->fcs_bad) {
		/* Damaged on the cable: the bytes no longer match the FCS
		 * their sender computed, which the MAC checks. */
		if (enet_is_qemu(m)) /* no FCS on its wire: hit the bytes */
			enet_fault_flip(m, m->rx_frame, total - ENET_MODEL_FCS);
		else
			enet_fault_flip(m, m->rx_frame, total);
		if (!enet_is_qemu(m)) /* QEMU checks no FCS */
			flags |= ENET_RXBD_CR;
		mib_add(m, ENET_IEEE_R_CRC, 1);
	}
	rx_write(m, nbds, total, mrbr, flags);
	sdvf_counter_add(m->stats.rx_frames, 1);
	sdvf_counter_add(m->stats.rx_bytes, total);
	mib_frame(m, s->data, mlen, ENET_RMON_R_PACKETS, ENET_RMON_R_BC_PKT,
		  ENET_RMON_R_MC_PKT, ENET_RMON_R_P64, ENET_RMON_R_OCTETS);
	if (!(flags & (ENET_RXBD_LG | ENET_RXBD_TR | ENET_RXBD_CR))) {
		mib_add(m, ENET_IEEE_R_FRAME_OK, 1);
		mib_add(m, ENET_IEEE_R_OCTETS_OK, mlen);
	}
	return RX_DONE;
}

static bool rx_running(const struct enet_model *m)
{
	return (enet_reg(m, ENET_ECR) & ENET_ECR_ETHEREN) &&
	       (enet_reg(m, ENET_RDAR) & ENET_RDAR_ACTIVE);
}

/* Move frames from the FIFO into BDs while there are empty ones.  RDAR
 * stays set while the next BD is empty. */
static void rx_drain_fifo(struct enet_model *m)
{
	while (m->rx_fifo_count > 0 && rx_running(m)) {
		enum rx_result res = rx_place(m, &m->rx_fifo[m->rx_fifo_head]);
		if (res == RX_STOPPED)
			return; /* EBERR emptied the FIFO */
		if (res == RX_WAIT) {
			enet_reg_put(m, ENET_RDAR, 0);
			return;
		}
		m->rx_fifo_head = (m->rx_fifo_head + 1) % ENET_MODEL_RX_FIFO;
		m->rx_fifo_count--;
	}
	struct enet_bd_ref next;
	if (rx_running(m) && bd_read(m, m->rx_bd, &next) &&
	    !(next.v.stat & ENET_RXBD_E))
		enet_reg_put(m, ENET_RDAR, 0);
}

void enet_rx_kick(struct enet_model *m)
{
	if (!(enet_reg(m, ENET_ECR) & ENET_ECR_ETHEREN))
		return; /* RDAR is ignored while the MAC is disabled */
	enet_reg_put(m, ENET_RDAR, ENET_RDAR_ACTIVE);
	rx_drain_fifo(m);
}

static struct enet_rx_slot *fifo_tail(struct enet_model *m)
{
	if (m->rx_fifo_count == ENET_MODEL_RX_FIFO)
		return NULL;
	return &m->rx_fifo[(m->rx_fifo_head + m->rx_fifo_count) %
			   ENET_MODEL_RX_FIFO];
}

/* Why a frame from the wire does not enter the FIFO, or NULL. */
static _Atomic uint64_t *rx_drop_reason(struct enet_model *m, long len)
{
	if (!m->phy.link_up)
		return m->stats.rx_link_down;
	if (!(enet_reg(m, ENET_ECR) & ENET_ECR_ETHEREN))
		return m->stats.rx_disabled;
	if (len < 14 && !enet_is_qemu(m)) { /* QEMU takes any length */
		mib_add(m, ENET_RMON_R_FRAG, 1);
		return m->stats.rx_runts;
	}
	return NULL;
}

void enet_rx_from_wire(struct enet_model *m)
{
	for (int i = 0; m->wire && i < ENET_MODEL_WIRE_BURST; i++) {
		struct enet_rx_slot *s = fifo_tail(m);
		/* A full FIFO still takes the frame off the cable: dropped. */
		uint8_t *buf = s ? s->data : m->rx_frame;
		long len = wire_recv(m->wire, buf, ENET_MODEL_FRAME_MAX);
		if (len == 0) {
			m->wire_ready = false; /* until its fd says otherwise */
			break;
		}
		if (len < 0) {
			sdvf_counter_add(m->stats.rx_wire_errors, 1);
			break;
		}
		enum enet_fault_verdict fault = enet_fault_rx(m);
		if (fault == ENET_FAULT_LOSE)
			continue; /* never reached the MAC */
		_Atomic uint64_t *drop = rx_drop_reason(m, len);
		if (!drop && !s) {
			drop = m->stats.rx_fifo_overflow;
			mib_add(m, ENET_IEEE_R_MACERR, 1);
		}
		if (drop) {
			sdvf_counter_add(drop, 1);
			continue;
		}
		if (len < ENET_MODEL_MIN_FRAME && !enet_is_qemu(m))
			sdvf_counter_add(m->stats.rx_padded, 1);
		s->wire_len = (uint32_t)len;
		s->fcs_bad = fault == ENET_FAULT_CORRUPT;
		m->rx_fifo_count++;
		/* The DMA empties the FIFO while frames arrive: it holds only
		 * what found no empty BD, never a whole burst. */
		rx_drain_fifo(m);
	}
	rx_drain_fifo(m);
}

/* ---- transmit --------------------------------------------------------- */

enum tx_result { TX_SENT, TX_EMPTY, TX_INCOMPLETE, TX_STOPPED, TX_PACED };

/* Gather the next frame's BDs and bytes; sets *nbds and *len. */
static enum tx_result tx_gather(struct enet_model *m, int *nbds, uint32_t *len,
				bool *babble)
{
	uint32_t io = m->tx_bd;
	*nbds = 0;
	*len = 0;
	*babble = false;
	for (;;) {
		struct enet_bd_ref *r = &m->bds[*nbds];
		if (!bd_read(m, io, r))
			return TX_STOPPED;
		if (!(r->v.stat & ENET_TXBD_R))
			return *nbds == 0 ? TX_EMPTY : TX_INCOMPLETE;
		const uint8_t *src = dma_ptr(m, r->v.addr, r->v.len, false);
		if (!src) {
			eberr(m, "TX buffer outside the DMA window", r->v.addr);
			return TX_STOPPED;
		}
		if (*len + r->v.len > ENET_MODEL_FRAME_MAX)
			*babble = true;
		else
			memcpy(m->tx_frame + *len, src, r->v.len);
		*len += r->v.len;
		(*nbds)++;
		io = bd_next(m, r, ENET_TDSR);
		if (r->v.stat & ENET_TXBD_L)
			return TX_SENT;
		if (*nbds == ENET_MODEL_MAX_BDS) {
			*babble = true; /* no L in sight: cut it here */
			return TX_SENT;
		}
	}
}

/* Where a complete, well-formed frame goes: loopback, wire, or nowhere. */
static void tx_deliver(struct enet_model *m, uint32_t len, uint16_t last_stat)
{
	/* imx_fec_do_tx sends the bytes as they are: no ADDINS, padding,
	 * ABC or RCR.LOOP ("TODO: Implement LOOP mode"). */
	bool qemu = enet_is_qemu(m);
	if (qemu)
		last_stat &= (uint16_t)~ENET_TXBD_ABC;
	if ((enet_reg(m, ENET_TCR) & ENET_TCR_ADDINS) && len >= 12 && !qemu)
		station_mac(m, m->tx_frame + 6);
	if (len < ENET_MODEL_MIN_FRAME && !qemu) {
		memset(m->tx_frame + len, 0, ENET_MODEL_MIN_FRAME - len);
		len = ENET_MODEL_MIN_FRAME;
		sdvf_counter_add(m->stats.tx_padded, 1);
	}
	mib_frame(m, m->tx_frame, len + ENET_MODEL_FCS, ENET_RMON_T_PACKETS,
		  ENET_RMON_T_BC_PKT, ENET_RMON_T_MC_PKT, ENET_RMON_T_P64,
		  ENET_RMON_T_OCTETS);
	if (last_stat & ENET_TXBD_ABC) {
		/* Sent with a bad FCS: the receiver discards it. */
		sdvf_counter_add(m->stats.tx_bad_crc, 1);
		mib_add(m, ENET_RMON_T_CRC_ALIGN, 1);
		return;
	}
	mib_add(m, ENET_IEEE_T_FRAME_OK, 1);
	mib_add(m, ENET_IEEE_T_OCTETS_OK, len + ENET_MODEL_FCS);
	struct enet_rx_slot *s;
	if ((enet_reg(m, ENET_RCR) & ENET_RCR_LOOP) && !qemu) {
		sdvf_counter_add(m->stats.rx_loopback, 1);
		if ((s = fifo_tail(m)) != NULL) {
			memcpy(s->data, m->tx_frame, len);
			s->wire_len = len;
			s->fcs_bad = false;
			m->rx_fifo_count++;
		} else {
			sdvf_counter_add(m->stats.rx_fifo_overflow, 1);
		}
	} else if (!m->phy.link_up) {
		sdvf_counter_add(m->stats.tx_link_down, 1);
	} else if (enet_fault_tx(m) != ENET_FAULT_NONE) {
		return; /* lost or damaged on the cable: counted there */
	} else if (wire_send(m->wire, m->tx_frame, len) < 0) {
		sdvf_counter_add(m->stats.tx_wire_errors, 1);
	} else {
		sdvf_counter_add(m->stats.tx_frames, 1);
		sdvf_counter_add(m->stats.tx_bytes, len);
	}
}

static enum tx_result tx_one(struct enet_model *m)
{
	int nbds;
	uint32_t len;
	bool babble;
	enum tx_result res = tx_gather(m, &nbds, &len, &babble);
	if (res != TX_SENT)
		return res;
	if (babble) {
		sdvf_counter_add(m->stats.tx_babbling, 1);
		enet_raise(m, ENET_INT_BABT);
		mib_add(m, ENET_RMON_T_OVERSIZE, 1);
	} else {
		tx_deliver(m, len, m->bds[nbds - 1].v.stat);
		enet_line_charge(m, len);
	}
	/* Completion in ring order: every BD of the frame goes back. */
	for (int i = 0; i < nbds; i++) {
		const struct enet_bd_ref *r = &m->bds[i];
		bd_give_back(m, r, r->v.len,
			     (uint16_t)(r->v.stat & ~ENET_TXBD_R));
		enet_raise(m, ENET_INT_TXB);
		m->tx_bd = bd_next(m, r, ENET_TDSR);
	}
	enet_frame_done(m, ENET_DIR_TX);
	return TX_SENT;
}

void enet_tx_kick(struct enet_model *m)
{
	if (!(enet_reg(m, ENET_ECR) & ENET_ECR_ETHEREN))
		return; /* TDAR is ignored while the MAC is disabled */
	if (enet_hazard_tx_hung(m))
		return; /* ERR007885: nothing moves until ETHEREN clears */
	enet_reg_put(m, ENET_TDAR, ENET_TDAR_ACTIVE);
	if (enet_reg(m, ENET_TCR) & ENET_TCR_GTS)
		return; /* resumes when GTS clears */
	uint32_t sent_bds = 0;
	enum tx_result res = TX_SENT;
	while (res == TX_SENT && sent_bds < ENET_TX_BDS_PER_KICK) {
		if (enet_line_busy(m)) {
			res = TX_PACED; /* TDAR stays set: enet_line_poll */
			break;
		}
		res = tx_one(m);
		sent_bds++;
	}
	/* TDAR clears once the ring is drained (or late, ERR006358: the
	 * frames sent are those before the TX_EMPTY); an incomplete frame (no
	 * L yet) keeps it set, waiting for the next kick. */
	if (res == TX_EMPTY && !enet_hazard_tx_idle(m, sent_bds - 1))
		enet_reg_put(m, ENET_TDAR, 0);
	if (m->rx_fifo_count > 0)
		rx_drain_fifo(m); /* RCR.LOOP frames */
}
