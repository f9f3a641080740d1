/*
 * The ENET model, part 1: component glue, the posted-write ring, register
 * write dispatch and the interrupt line.  The descriptor engine is in
 * enet_model_dma.c, the PHY in enet_model_phy.c.  Contract and trust
 * statement: driver/enet/model/enet_model.h; behaviour: docs/enet.md.
 *
 * One activation: take the ack if it is one, apply every posted register
 * write in order (each may kick the RX/TX engines), receive from the wire,
 * then raise the IRQ if (EIR & EIMR) != 0 and it is not already raised.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "driver/enet/model/enet_model_state.h"

/* A channel id of our own for the wire fd (watch_fd lets the component
 * choose; it must not be one of its description channels). */
#define ENET_MODEL_WIRE_CHANNEL (SDVF_CHANNEL_TIMER - 1)

#define ENET_ECR_WRITABLE 0x17fu
#define ENET_RCR_RESET 0x05ee0001u /* MAX_FL 1518, MII_MODE, LOOP */
#define ENET_PAUR_TYPE 0x8808u
#define ENET_FTRL_RESET 0x7ffu

/* ---- register file ---------------------------------------------------- */

/* One event dated `date`: the bits on the page, then the count the driver
 * stamps its writes with (release: what the event reports, a BD or MMFR,
 * and the bits are seen by whoever sees the count). */
static void raise_dated(struct enet_model *m, uint32_t eir_bits, uint64_t date)
{
	m->events++;
	for (uint32_t b = eir_bits; b != 0; b &= b - 1) {
		unsigned bit = (unsigned)__builtin_ctz(b);
		if (m->eir_raised_at[bit] < date)
			m->eir_raised_at[bit] = date;
	}
	enet_reg_put(m, ENET_EIR, enet_reg(m, ENET_EIR) | eir_bits);
	atomic_store_explicit(&m->posted->events, (uint32_t)m->events,
			      memory_order_release);
}

void enet_raise(struct enet_model *m, uint32_t eir_bits)
{
	raise_dated(m, eir_bits, m->events + 1);
}

/* Older than any clear posted after the write: the bits keep their dates
 * (a later event the driver has not seen still keeps its bit set). */
void enet_raise_as_write_lands(struct enet_model *m, uint32_t eir_bits)
{
	raise_dated(m, eir_bits, 0);
}

/* W1C as of the driver's posting: `seen` is the low 32 bits of the events
 * count it had loaded, never ahead of ours; whatever it holds (a hostile
 * driver's value), the bits cleared are a subset of those written. */
static void write_eir(struct enet_model *m, uint32_t value, uint32_t seen)
{
	uint64_t as_of = m->events - (uint32_t)((uint32_t)m->events - seen);
	uint32_t clear = 0;
	for (uint32_t b = value & enet_reg(m, ENET_EIR); b != 0; b &= b - 1) {
		unsigned bit = (unsigned)__builtin_ctz(b);
		if (m->eir_raised_at[bit] <= as_of)
			clear |= 1u << bit;
		else
			sdvf_counter_add(m->stats.eir_kept, 1);
	}
	enet_reg_put(m, ENET_EIR, enet_reg(m, ENET_EIR) & ~clear);
}

/* ECR.RESET: every register to its reset value, except the MIB counters
 * (cleared only through MIBC) and the PHY (a separate chip). */
static void model_reset(struct enet_model *m)
{
	static const struct {
		uint32_t offset, value;
	} reset_values[] = {
		{ENET_ECR, ENET_MODEL_ECR_RESET},
		{ENET_MIBC, ENET_MIBC_DIS | ENET_MIBC_IDLE},
		{ENET_RCR, ENET_RCR_RESET},
		{ENET_PAUR, ENET_PAUR_TYPE},
		{ENET_OPD, ENET_OPD_OPCODE},
		{ENET_TIPG, ENET_TIPG_DEFAULT},
		{ENET_FTRL, ENET_FTRL_RESET},
		{ENET_RAEM, 4},
		{ENET_RAFL, 4},
		{ENET_TAEM, 4},
		{ENET_TAFL, 8},
	};
	for (uint32_t off = 0; off < ENET_REG_PAGE_BYTES; off += 4) {
		if (off < ENET_MIB_FIRST || off > ENET_MIB_LAST)
			enet_reg_put(m, off, 0);
	}
	for (size_t i = 0; i < sizeof(reset_values) / sizeof(reset_values[0]);
	     i++)
		enet_reg_put(m, reset_values[i].offset, reset_values[i].value);
	m->rx_bd = 0;
	m->tx_bd = 0;
	enet_rx_fifo_flush(m);
	enet_coalesce_reset(m);
	if (enet_is_qemu(m))
		enet_qemu_reset(m);
	enet_hazard_tx_stop(m); /* the DMA is reset too */
}

/* ---- register writes ------------------------------------------------- */

/* Configuration registers: stored masked to their writable bits; `fixed`
 * bits read as one whatever is written. */
static const struct plain_reg {
	uint32_t offset, writable, fixed;
} plain_regs[] = {
	{ENET_EIMR, 0x7fff8000u, 0},
	{ENET_MSCR, 0x7feu, 0},
	{ENET_RCR, 0x7ffff37fu, 0},
	{ENET_PALR, 0xffffffffu, 0},
	{ENET_PAUR, 0xffff0000u, ENET_PAUR_TYPE},
	{ENET_OPD, ENET_OPD_PAUSE_DUR_MASK, ENET_OPD_OPCODE},
	{ENET_IAUR, 0xffffffffu, 0},
	{ENET_IALR, 0xffffffffu, 0},
	{ENET_GAUR, 0xffffffffu, 0},
	{ENET_GALR, 0xffffffffu, 0},
	{ENET_TFWR, ENET_TFWR_STRFWD | ENET_TFWR_TFWR_MASK, 0},
	{ENET_RDSR, 0xfffffff8u, 0},
	{ENET_TDSR, 0xfffffff8u, 0},
	{ENET_MRBR, ENET_MRBR_MASK, 0},
	{ENET_RSFL, 0xffu, 0},
	{ENET_RSEM, 0xffu, 0},
	{ENET_RAEM, 0xffu, 0},
	{ENET_RAFL, 0xffu, 0},
	{ENET_TSEM, 0xffu, 0},
	{ENET_TAEM, 0xffu, 0},
	{ENET_TAFL, 0xffu, 0},
	{ENET_TIPG, 0x1fu, 0},
	{ENET_FTRL, ENET_FTRL_MASK, 0},
	{ENET_TACC, ENET_TACC_SHIFT16 | ENET_TACC_IPCHK | ENET_TACC_PROCHK, 0},
	{ENET_RACC,
	 ENET_RACC_PADREM | ENET_RACC_IPDIS | ENET_RACC_PRODIS |
		 ENET_RACC_LINEDIS | ENET_RACC_SHIFT16,
	 0},
	/* Rings 1 and 2 (AVB classes): stored only, never used here. */
	{ENET_TXIC1, ENET_IC_WRITABLE, 0},
	{ENET_TXIC2, ENET_IC_WRITABLE, 0},
	{ENET_RXIC1, ENET_IC_WRITABLE, 0},
	{ENET_RXIC2, ENET_IC_WRITABLE, 0},
	{ENET_RCMR1, ENET_RCMR_WRITABLE, 0},
	{ENET_RCMR2, ENET_RCMR_WRITABLE, 0},
	{ENET_DMA1CFG, ENET_DMACFG_WRITABLE, 0},
	{ENET_DMA2CFG, ENET_DMACFG_WRITABLE, 0},
};

static bool write_plain(struct enet_model *m, uint32_t off, uint32_t value)
{
	for (size_t i = 0; i < sizeof(plain_regs) / sizeof(plain_regs[0]);
	     i++) {
		const struct plain_reg *r = &plain_regs[i];
		if (r->offset == off) {
			enet_reg_put(m, off, (value & r->writable) | r->fixed);
			return true;
		}
	}
	return false;
}

/* MIB counters are read-only; 0x278..0x280 and 0x2a4 are holes. */
static bool is_mib_counter(uint32_t off)
{
	return (off >= ENET_MIB_FIRST && off <= ENET_IEEE_T_OCTETS_OK) ||
	       (off >= ENET_RMON_R_PACKETS && off <= ENET_RMON_R_JAB) ||
	       (off >= ENET_RMON_R_P64 && off <= ENET_MIB_LAST);
}

static void write_ecr(struct enet_model *m, uint32_t value)
{
	if (value & ENET_ECR_RESET) {
		sdvf_counter_add(m->stats.resets, 1);
		if (enet_hazard_reset_hangs(m))
			return;
		model_reset(m); /* RESET self-clears: it reads back as 0 */
		return;
	}
	uint32_t old = enet_reg(m, ENET_ECR);
	uint32_t ecr = (value & ENET_ECR_WRITABLE) | ENET_MODEL_ECR_RESET;
	if (enet_is_qemu(m))
		ecr = value; /* imx_eth_write: stored as written */
	if ((ecr & ENET_ECR_EN1588) && !(old & ENET_ECR_EN1588)) {
		sdvf_counter_add(m->stats.unsupported, 1);
		sdvf_log(m->pd, SDVF_LOG_WARN,
			 "ECR.EN1588: enhanced BDs are not modelled; the "
			 "rings stay legacy 8-byte BDs");
	}
	enet_reg_put(m, ENET_ECR, ecr);
	if (!(old & ENET_ECR_ETHEREN) && (ecr & ENET_ECR_ETHEREN)) {
		/* Enabling restarts both DMA engines at the ring starts. */
		m->rx_bd = enet_reg(m, ENET_RDSR);
		m->tx_bd = enet_reg(m, ENET_TDSR);
	} else if ((old & ENET_ECR_ETHEREN) && !(ecr & ENET_ECR_ETHEREN)) {
		enet_reg_put(m, ENET_RDAR, 0);
		enet_reg_put(m, ENET_TDAR, 0);
		sdvf_counter_add(m->stats.ecr_stops, 1);
		enet_hazard_tx_stop(m); /* DMA reset with ETHEREN */
		enet_rx_fifo_flush(m);
	}
}

static void write_mibc(struct enet_model *m, uint32_t value)
{
	uint32_t mibc = value & (ENET_MIBC_DIS | ENET_MIBC_CLEAR);
	if (mibc & ENET_MIBC_DIS)
		mibc |= ENET_MIBC_IDLE; /* counters not updating */
	enet_reg_put(m, ENET_MIBC, mibc);
	if (mibc & ENET_MIBC_CLEAR)
		enet_mib_clear(m);
}

static void write_tcr(struct enet_model *m, uint32_t value)
{
	uint32_t old = enet_reg(m, ENET_TCR);
	uint32_t tcr = value & 0x3fdu;
	enet_reg_put(m, ENET_TCR, tcr);
	/* Transmission is synchronous here, so a graceful stop completes as
	 * soon as it is asked for. */
	if ((tcr & ENET_TCR_GTS) && !(old & ENET_TCR_GTS))
		enet_raise(m, ENET_INT_GRA);
	if (!(tcr & ENET_TCR_GTS) && (old & ENET_TCR_GTS) &&
	    (enet_reg(m, ENET_TDAR) & ENET_TDAR_ACTIVE))
		enet_tx_kick(m);
}

static void reg_write(struct enet_model *m, uint32_t off, uint32_t value,
		      uint32_t seen)
{
	sdvf_counter_add(m->stats.mmio_writes, 1);
	if (off % 4 != 0 || off >= ENET_REG_PAGE_BYTES) {
		sdvf_counter_add(m->stats.mmio_unknown, 1);
		return;
	}
	if (enet_hazard_bus_hung(m))
		return;
	if (enet_is_qemu(m) && enet_qemu_write(m, off, value))
		return;
	switch (off) {
	case ENET_EIR:
		write_eir(m, value, seen);
		return;
	case ENET_RDAR:
		sdvf_counter_add(m->stats.rdar_writes, 1);
		enet_rx_kick(m); /* any value: "descriptors are ready" */
		return;
	case ENET_TDAR:
		sdvf_counter_add(m->stats.tdar_writes, 1);
		if (!enet_hazard_tdar_ignored(m))
			enet_tx_kick(m);
		return;
	case ENET_ECR:
		write_ecr(m, value);
		return;
	case ENET_MMFR:
		enet_hazard_mdio_start(m, value);
		return;
	case ENET_MSCR:
		enet_hazard_mscr(m, value); /* then stored as configuration */
		break;
	case ENET_MIBC:
		write_mibc(m, value);
		return;
	case ENET_TCR:
		write_tcr(m, value);
		return;
	case ENET_TXIC:
	case ENET_RXIC:
		enet_coalesce_write(m, off, value);
		return;
	}
	if (write_plain(m, off, value))
		return;
	if (is_mib_counter(off))
		sdvf_counter_add(m->stats.mmio_readonly, 1);
	else
		sdvf_counter_add(m->stats.mmio_unknown, 1);
}

/* ---- the posted-write ring ------------------------------------------- */

static void drain_posted(struct enet_model *m)
{
	struct enet_mmio_ring *ring = m->posted;
	uint32_t tail = atomic_load_explicit(&ring->tail, memory_order_acquire);
	enet_hazard_drain_start(m);
	if (tail - m->posted_head > ENET_MMIO_RING) {
		/* Impossible for an honest driver: drop the batch and
		 * resynchronise to its tail. */
		sdvf_counter_add(m->stats.mmio_bad_index, 1);
		sdvf_log(m->pd, SDVF_LOG_WARN,
			 "posted ring: tail %u is %u past head %u (ring %u): "
			 "batch dropped",
			 tail, tail - m->posted_head, m->posted_head,
			 ENET_MMIO_RING);
		m->posted_head = tail;
	}
	while (m->posted_head != tail) {
		/* Read each field once: the driver can rewrite the slot. */
		const volatile struct enet_mmio_write *w =
			&ring->ring[m->posted_head % ENET_MMIO_RING];
		uint32_t off = w->offset, value = w->value, seen = w->events;
		m->posted_head++;
		reg_write(m, off, value, seen);
	}
	enet_hazard_drained(m);
	/* Release: the register page shows every applied write first. */
	atomic_store_explicit(&ring->head, m->posted_head,
			      memory_order_release);
}

/* ---- interrupt line and wire timing ---------------------------------- */

static void irq_update(struct enet_model *m)
{
	if (m->irq_outstanding ||
	    !(enet_reg(m, ENET_EIR) & enet_reg(m, ENET_EIMR)))
		return;
	m->irq_outstanding = true; /* until the driver's ack arrives */
	sdvf_counter_add(m->stats.irq_raised, 1);
	sdvf_notify(m->pd, m->ch_irq);
}

/* The PD timer: the wire's next deadline or a coalescing timer's, the
 * earlier. */
static void wire_timer(struct enet_model *m)
{
	uint64_t deadline = enet_coalesce_deadline(m);
	if (m->wire) {
		uint64_t w = wire_next_deadline(m->wire, sdvf_now_ns(m->pd));
		if (w < deadline)
			deadline = w;
	}
	uint64_t line = enet_line_deadline(m);
	if (line < deadline)
		deadline = line;
	uint64_t flap = enet_fault_tick(m);
	if (flap && flap < deadline)
		deadline = flap;
	if (deadline == UINT64_MAX)
		deadline = 0; /* cancel */
	else if (deadline == 0)
		deadline = 1; /* 0 would cancel */
	sdvf_timer_set(m->pd, deadline);
}

/* A wire that failed for good is an unplugged cable: link down at the PHY
 * (the driver sees it at its next poll), said once.  The wire has closed
 * its fd, so the event loop no longer wakes us for it; nothing re-opens it
 * (a re-open needs privileges the PD may have dropped; docs/enet.md). */
static void wire_check(struct enet_model *m)
{
	const char *why = m->wire ? wire_failure(m->wire) : NULL;
	if (!why || m->wire_failed)
		return;
	m->wire_failed = true;
	enet_model_set_link(m, false);
	sdvf_log(m->pd, SDVF_LOG_ERROR,
		 "wire failed: %s; link down until the PD restarts", why);
}

/* Copy the wire's counts into the published counters (end of activation). */
static void wire_stats_publish(struct enet_model *m)
{
	if (!m->wire)
		return;
	const struct wire_stats *w = wire_stats(m->wire);
#define ENET_MODEL_WIRE_COUNTER_SET(name, meaning)                             \
	sdvf_counter_set(m->wire_stats.name, w->name);
	WIRE_COUNTERS(ENET_MODEL_WIRE_COUNTER_SET)
#undef ENET_MODEL_WIRE_COUNTER_SET
}

/* A paced wire's next frame is due (a TAP or a socket has no deadline). */
static bool wire_due(struct enet_model *m)
{
	uint64_t now = sdvf_now_ns(m->pd);
	return m->wire && wire_next_deadline(m->wire, now) <= now;
}

static void model_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct enet_model *m = state;
	(void)pd;
	if (ch == m->ch_irq) {
		sdvf_counter_add(m->stats.irq_acks, 1);
		m->irq_outstanding = false;
	}
	drain_posted(m);
	enet_line_poll(m);
	if (ch == m->ch_wire)
		m->wire_ready = true;
	if (!m->wire_watched || m->wire_ready ||
	    (ch == SDVF_CHANNEL_TIMER && wire_due(m)))
		enet_rx_from_wire(m);
	wire_check(m);
	enet_coalesce_poll(m);
	irq_update(m);
	wire_timer(m);
	wire_stats_publish(m);
}

/*
 * The driver's PD died and a new instance is about to start (the hosted
 * monitor and sdvf_sim_restart call this once per channel we share with
 * it).  The MAC keeps what hardware keeps: registers, BDs, the RX FIFO and
 * its DMA go on until the new driver resets the controller.  Two things
 * belonged to the dead CPU and go with it: the interrupt it never
 * acknowledged (the line is re-armed, so the new handler is told of what
 * is pending) and posted writes it never rang the doorbell for (a write
 * buffer that died with its CPU; applying a stale TDAR would make the MAC
 * read buffers the muxes are taking back).
 */
static void model_peer_restart(void *state, struct sdvf_pd *pd,
			       sdvf_channel_t ch)
{
	struct enet_model *m = state;
	(void)pd;
	if (ch != m->ch_irq)
		return; /* once per restart: mmio comes with irq */
	sdvf_counter_add(m->stats.driver_restarts, 1);
	m->irq_outstanding = false;
	uint32_t tail =
		atomic_load_explicit(&m->posted->tail, memory_order_acquire);
	if (tail - m->posted_head > ENET_MMIO_RING)
		sdvf_counter_add(m->stats.mmio_bad_index, 1);
	else
		sdvf_counter_add(m->stats.mmio_dropped, tail - m->posted_head);
	m->posted_head = tail;
	atomic_store_explicit(&m->posted->head, tail, memory_order_release);
	irq_update(m);
}

/* ---- init: regions, channels, configuration, wire -------------------- */

static uint64_t model_clock(void *ctx)
{
	return sdvf_now_ns((struct sdvf_pd *)ctx);
}

static int open_wire(struct enet_model *m)
{
	struct sdvf_pd *pd = m->pd;
	size_t mac_len = 0;
	struct wire_config cfg = {
		.kind = sdvf_config_str(pd, "wire"),
		.tap_name = sdvf_config_str(pd, "tap_name"),
		.udp_local = sdvf_config_str(pd, "udp_local"),
		.udp_remote = sdvf_config_str(pd, "udp_remote"),
		.pcap_record = sdvf_config_str(pd, "pcap_record"),
		.pcap_record_max = sdvf_config_u64(pd, "pcap_record_max"),
		.pcap_replay = sdvf_config_str(pd, "pcap_replay"),
		.gen_rate_pps = sdvf_config_u64(pd, "gen_rate_pps"),
		.gen_count = sdvf_config_u64(pd, "gen_count"),
		.gen_sizes = sdvf_config_str(pd, "gen_sizes"),
		.gen_dst_mac = sdvf_config_bytes(pd, "gen_dst_mac", &mac_len),
		.mem_depth = (uint32_t)sdvf_config_u64(pd, "mem_depth"),
		.clock_ns = model_clock,
		.clock_ctx = pd,
	};
	if (!cfg.kind)
		cfg.kind = "loopback";
	char why[160];
	m->wire = wire_open(&cfg, why, sizeof(why));
	if (!m->wire) {
		sdvf_log(pd, SDVF_LOG_ERROR, "%s", why);
		return -1;
	}
	if (wire_warning(m->wire))
		sdvf_log(pd, SDVF_LOG_WARN, "%s", wire_warning(m->wire));
	int fd = wire_fd(m->wire);
	if (fd < 0 || !pd->ops->watch_fd)
		return 0; /* unwatched: read at every activation */
	if (pd->ops->watch_fd(pd, fd, m->ch_wire) < 0) {
		sdvf_log(pd, SDVF_LOG_ERROR, "cannot watch the wire's fd");
		return -1;
	}
	m->wire_watched = true;
	return 0;
}

static void add_window(struct enet_model *m, const struct sdvf_region *r)
{
	if (!r || !r->has_io || m->nwin == ENET_MODEL_MAX_WINDOWS)
		return;
	m->win[m->nwin++] = (struct enet_dma_window){
		.base = r->base,
		.io = r->io_addr,
		.size = r->size,
		.writable = (r->rights & SDVF_W) != 0,
	};
}

static int map_regions(struct enet_model *m)
{
	const struct sdvf_region *regs = sdvf_region(m->pd, "enet_regs");
	const struct sdvf_region *mmio = sdvf_region(m->pd, "enet_mmio");
	const struct sdvf_region *rings = sdvf_region(m->pd, "enet_rings");
	if (!regs || regs->size < ENET_REG_PAGE_BYTES || !mmio ||
	    mmio->size < sizeof(struct enet_mmio_ring) || !rings ||
	    !rings->has_io || !(rings->rights & SDVF_W)) {
		sdvf_log(m->pd, SDVF_LOG_ERROR,
			 "needs enet_regs (>= 4 KiB), enet_mmio (>= %zu "
			 "bytes) and enet_rings rw with an io address",
			 sizeof(struct enet_mmio_ring));
		return -1;
	}
	m->page = regs->base;
	m->posted = mmio->base;
	/* A restarted model counts on from its predecessor's events, so a
	 * write stamped before the restart still compares. */
	m->events =
		atomic_load_explicit(&m->posted->events, memory_order_relaxed);
	/* No late TDAR clear of a predecessor's is pending for us. */
	atomic_store_explicit(&m->posted->tdar_clear_ns, 0,
			      memory_order_release);
	add_window(m, rings);
	for (int i = 0; i < 8; i++) {
		char name[] = {'d', 'm', 'a', (char)('0' + i), 0};
		add_window(m, sdvf_region(m->pd, name));
	}
	return 0;
}

static int model_init(void *state, struct sdvf_pd *pd)
{
	struct enet_model *m = state;
	m->pd = pd;
#define ENET_MODEL_COUNTER_REGISTER(name, meaning)                             \
	m->stats.name = sdvf_counter(pd, #name);
	ENET_MODEL_COUNTERS(ENET_MODEL_COUNTER_REGISTER)
#undef ENET_MODEL_COUNTER_REGISTER
#define ENET_MODEL_WIRE_COUNTER_REGISTER(name, meaning)                        \
	m->wire_stats.name = sdvf_counter(pd, "wire." #name);
	WIRE_COUNTERS(ENET_MODEL_WIRE_COUNTER_REGISTER)
#undef ENET_MODEL_WIRE_COUNTER_REGISTER
	m->ch_mmio = sdvf_channel(pd, "mmio");
	m->ch_irq = sdvf_channel(pd, "irq");
	m->ch_wire = ENET_MODEL_WIRE_CHANNEL;
	if (m->ch_mmio == SDVF_CHANNEL_NONE || m->ch_irq == SDVF_CHANNEL_NONE) {
		sdvf_log(pd, SDVF_LOG_ERROR, "needs channels mmio and irq");
		return -1;
	}
	if (map_regions(m) < 0)
		return -1;
	enet_crc_init(m);
	if (!enet_personality_setup(m))
		return -1;
	m->phy.addr = (uint32_t)sdvf_config_u64(pd, "phy_addr");
	m->phy.link_up = sdvf_config_u64(pd, "link_up") != 0;
	m->ref_clk_hz = sdvf_config_u64(pd, "ref_clk_hz");
	enet_hazard_init(m);
	enet_phy_reset(m);
	model_reset(m);
	enet_fault_init(m);
	enet_line_init(m, sdvf_config_u64(pd, "line_rate"));
	/* The driver may have posted writes before we started. */
	m->posted_head =
		atomic_load_explicit(&m->posted->head, memory_order_relaxed);
	if (open_wire(m) < 0)
		return -1;
	wire_timer(m);
	wire_stats_publish(m);
	return 0;
}

/* ---- test access ----------------------------------------------------- */

void enet_model_set_link(void *model, bool up)
{
	struct enet_model *m = model;
	if (m->wire_failed)
		up = false; /* a dead wire stays unplugged */
	if (m->phy.link_up && !up)
		m->phy.link_latched_down = true;
	m->phy.link_up = up;
}

struct wire *enet_model_wire(void *model)
{
	return ((struct enet_model *)model)->wire;
}

/* ---- the component: what it needs, takes and publishes -------------- */

static const struct sdvf_need model_needs[] = {
	SDVF_NEED_REGION_RW("enet_regs"),
	SDVF_NEED_REGION_RW("enet_mmio"),
	SDVF_NEED_REGION_RW("enet_rings"),
	SDVF_NEED_REGION_RW_OPTIONAL("dma0"),
	SDVF_NEED_REGION_RW_OPTIONAL("dma1"),
	SDVF_NEED_REGION_RW_OPTIONAL("dma2"),
	SDVF_NEED_REGION_RW_OPTIONAL("dma3"),
	SDVF_NEED_REGION_RW_OPTIONAL("dma4"),
	SDVF_NEED_REGION_RW_OPTIONAL("dma5"),
	SDVF_NEED_REGION_RW_OPTIONAL("dma6"),
	SDVF_NEED_REGION_RW_OPTIONAL("dma7"),
	SDVF_NEED_CHAN("mmio"),
	SDVF_NEED_CHAN("irq"),
	{0},
};

static const struct sdvf_param model_params[] = {
	SDVF_PARAM_STRING("wire", 16,
			  "tap | udp | loopback | mem | generator | pcap "
			  "(default loopback)"),
	SDVF_PARAM_STRING("tap_name", 15, "tap: interface name"),
	SDVF_PARAM_STRING("udp_local", 64, "udp: addr:port to bind"),
	SDVF_PARAM_STRING("udp_remote", 64, "udp: addr:port to send to"),
	SDVF_PARAM_STRING("pcap_record", 255,
			  "record both directions to this pcap file (default: "
			  "none)"),
	SDVF_PARAM_U64_DEFAULT("pcap_record_max", 24, 1ull << 40,
			       WIRE_PCAP_RECORD_MAX_DEFAULT,
			       "pcap_record: size limit in bytes, header "
			       "included; later frames are only counted"),
	SDVF_PARAM_STRING("pcap_replay", 255,
			  "pcap: replay this capture as received frames"),
	SDVF_PARAM_U64_DEFAULT("gen_rate_pps", 1, 100000000, 1000,
			       "generator: frames per second"),
	SDVF_PARAM_U64_DEFAULT("gen_count", 0, UINT64_MAX, 0,
			       "generator: frames to send (0 = no limit)"),
	SDVF_PARAM_STRING("gen_sizes", 128,
			  "generator: frame sizes without FCS, cycled, e.g. "
			  "\"64,1514\""),
	{.name = "gen_dst_mac",
	 .type = SDVF_PARAM_MAC,
	 .min = 6,
	 .max = 6,
	 .names_peer = true, /* a client's MAC, typically */
	 .help = "generator: destination MAC"},
	SDVF_PARAM_U64_DEFAULT("mem_depth", 0, 65536, 0,
			       "mem, loopback: frames per FIFO (0 = 64)"),
	SDVF_PARAM_U64_DEFAULT(
		"link_up", 0, 1, 1,
		"PHY link state at start (1 = cable plugged in)"),
	SDVF_PARAM_U64_DEFAULT("phy_addr", 0, 31, 0, "PHY address on MDIO"),
	/* wire faults, injected on purpose (enet_model_fault.c) */
	SDVF_PARAM_U64_DEFAULT("fault_loss_ppm", 0, 1000000, 0,
			       "frames lost on the cable, per million"),
	SDVF_PARAM_U64_DEFAULT("fault_corrupt_ppm", 0, 1000000, 0,
			       "frames damaged on the cable (bad FCS), per "
			       "million"),
	SDVF_PARAM_U64_DEFAULT("fault_flap_ms", 0, 3600000, 0,
			       "link drops every this many ms (0 = never)"),
	SDVF_PARAM_U64_DEFAULT("fault_flap_down_ms", 0, 3600000, 100,
			       "how long each link drop lasts"),
	SDVF_PARAM_U64_DEFAULT("fault_seed", 0, UINT64_MAX, 1,
			       "seed of the fault generator"),
	SDVF_PARAM_U64_DEFAULT("ref_clk_hz", 1000000, 1000000000, 66000000,
			       "ENET system clock: the TXIC/RXIC timer's with "
			       "ICCS set"),
	SDVF_PARAM_CHOICE("personality", 15, enet_personality_choice,
			  "whose ENET the model plays: silicon (default) or "
			  "qemu-imx7 (QEMU's hw/net/imx_fec.c)"),
	SDVF_PARAM_U64_DEFAULT("line_rate", 0, 10000000000ull, 0,
			       "TX line rate in bit/s, frame overheads "
			       "included (0 = as fast as the host runs)"),
	/* silicon hazards (enet_model_hazard.c), 0 turns one off */
	SDVF_PARAM_U64_DEFAULT("hazard_err006358", 0, 1, 1,
			       "a TDAR write can be lost (ERR006358)"),
	SDVF_PARAM_U64_DEFAULT("hazard_reset_hang", 0, 1, 1,
			       "ECR.RESET with DMA in flight hangs the bus"),
	SDVF_PARAM_U64_DEFAULT("hazard_mdio_etheren", 0, 1, 1,
			       "no MII event while ETHEREN is clear"),
	SDVF_PARAM_U64_DEFAULT("hazard_mscr_mii", 0, 1, 1,
			       "MSCR 0 -> non-zero with MMFR set raises MII"),
	SDVF_PARAM_U64_DEFAULT("hazard_rx_align", 0, 1, 1,
			       "RX buffers not 64-byte aligned raise EBERR"),
	SDVF_PARAM_U64_DEFAULT("hazard_err007885", 0, 1, 1,
			       "a TDAR write as TDAR clears hangs the TX DMA "
			       "(ERR007885)"),
	{0},
};

/* Meanings for `sdvf stats` and docs, from the lists that also declare and
 * register the counters. */
static const struct sdvf_counter_doc model_counters[] = {
#define MODEL_DOC(counter, text) {.name = #counter, .meaning = (text)},
	ENET_MODEL_COUNTERS(MODEL_DOC) /* one entry per counter */
#undef MODEL_DOC
#define WIRE_DOC(counter, text) {.name = "wire." #counter, .meaning = (text)},
	WIRE_COUNTERS(WIRE_DOC) /* one entry per counter */
#undef WIRE_DOC
	{0},
};

const struct sdvf_component enet_model_component = {
	.name = "enet_model",
	.summary = "i.MX ENET MAC + PHY model: the hardware of hosted and sim "
		   "systems",
	.role = SDVF_ROLE_DEVICE,
	.state_size = sizeof(struct enet_model),
	.needs = model_needs,
	.params = model_params,
	.counters = model_counters,
	.init = model_init,
	.notified = model_notified,
	.peer_restart = model_peer_restart,
};
