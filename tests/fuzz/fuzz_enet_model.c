/*
 * Fuzz the ENET model (driver/enet/model/enet_model.h) as a hostile driver
 * would: random register writes at any offset, corrupt buffer descriptors,
 * forged posted-ring indices, frames of any length from the wire, acks at any
 * time.  Built with ASan + UBSan; a crash, an out-of-bounds access or a
 * broken invariant is a failure.  An input of odd length drives the model
 * as personality qemu-imx7, of even length as silicon (the default).
 *
 * Entry points (libFuzzer, and the replay of the corpus and of
 * pseudo-random inputs in `make test`): tests/fuzz/fuzz_replay.h.
 *
 * Invariants checked after every operation:
 *   - the register page the driver reads equals the model's register file
 *     word for word (the model keeps the page current; white box: the file
 *     is the model's private state, driver/enet/model/enet_model_state.h);
 *   - when the posted ring was left honest, the model has drained it;
 *   - RDAR and TDAR read either 0 or exactly their active bit.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/enet_mmio.h"
#include "driver/enet/enet_regs.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/model/enet_model_state.h"
#include "driver/enet/wire/wire.h"
#include "tests/unit/enet_model_host.h"

/* This binary links the model and what it needs (sim, loader, wire), not
 * the generated registry with every built-in, so the loader's expander
 * table is here: the description below uses none. */
const struct sdvf_expander *const sdvf_builtin_expanders[] = {NULL};

static const char dts[] =
	"/dts-v1/;\n/ {\ncompatible = \"sdvf,system\";\npds {\n"
	"nic { component = \"enet_model\";\n"
	"  maps { enet_regs = \"regs\", \"rw\"; enet_mmio = \"posted\", "
	"\"rw\"; enet_rings = \"rings\", \"rw\"; dma0 = \"bufs\", \"rw\"; };\n"
	"  channels { irq = \"irq\"; mmio = \"mmio\"; };\n"
	"  config { wire = \"mem\"; mem_depth = <16>; %s}; };\n"
	"host { component = \"test_host\";\n"
	"  maps { enet_regs = \"regs\", \"r\"; enet_mmio = \"posted\", "
	"\"rw\"; enet_rings = \"rings\", \"rw\"; };\n"
	"  channels { irq = \"irq\"; mmio = \"mmio\"; }; };\n"
	"};\nregions {\n"
	"regs { size = <0x1000>; }; posted { size = <0x1000>; };\n"
	"rings { size = <0x1000>; io-address = <0x40000000>; };\n"
	"bufs { size = <0x10000>; io-address = <0x10000000>; };\n"
	"};\nchannels {\n"
	"irq { ends = \"nic\", \"host\"; }; mmio { ends = \"host\", \"nic\"; "
	"};\n};\n};\n";

/* Offsets worth hitting often; the rest of the time any 32-bit value. */
static const uint32_t interesting[] = {
	ENET_EIR,  ENET_EIMR, ENET_RDAR, ENET_TDAR, ENET_ECR,  ENET_MMFR,
	ENET_MSCR, ENET_MIBC, ENET_RCR,	 ENET_TCR,  ENET_PALR, ENET_PAUR,
	ENET_RDSR, ENET_TDSR, ENET_MRBR, ENET_FTRL, ENET_RACC, ENET_GAUR,
};
#define NINTERESTING (sizeof(interesting) / sizeof(interesting[0]))

/* Values worth hitting often for the offsets above. */
static const uint32_t interesting_values[] = {
	0,
	ENET_ECR_ETHEREN | ENET_ECR_DBSWP,
	ENET_ECR_RESET,
	ENET_RDAR_ACTIVE,
	RINGS_IO,
	RINGS_IO + 0x800,
	0xffffffffu,
	2048,
	16,
	(1518u << ENET_RCR_MAX_FL_SHIFT) | ENET_RCR_MII_MODE | ENET_RCR_PROM,
	5u << ENET_MSCR_MII_SPEED_SHIFT,
	ENET_MMFR_ST | ENET_MMFR_OP_READ | ENET_MMFR_TA,
};
#define NVALUES (sizeof(interesting_values) / sizeof(interesting_values[0]))

struct input {
	const uint8_t *p;
	size_t left;
};

static uint32_t take(struct input *in, int bytes)
{
	uint32_t v = 0;
	for (int i = 0; i < bytes; i++) {
		v = v << 8;
		if (in->left) {
			v |= *in->p++;
			in->left--;
		}
	}
	return v;
}

struct fuzz_run {
	struct sdvf_system *sys;
	struct sdvf_sim *sim;
	struct host *host; /* enet_model_host.h, never acking */
	void *nic;
	struct wire *wire;
};

static void op_register_write(struct fuzz_run *r, struct input *in)
{
	uint32_t sel = take(in, 1);
	uint32_t off =
		(sel & 0x80) ? interesting[sel % NINTERESTING] : take(in, 2);
	uint32_t vsel = take(in, 1);
	uint32_t value = (vsel & 0x80) ? interesting_values[vsel % NVALUES]
				       : take(in, 4);
	enet_writel(&r->host->mmio, off, value);
	if (take(in, 1) & 1)
		enet_mmio_flush(&r->host->mmio);
}

static void op_corrupt_bd(struct fuzz_run *r, struct input *in)
{
	uint32_t slot = take(in, 1) % (4096 / 8);
	struct enet_bd bd = {
		.len = (uint16_t)take(in, 2),
		.stat = (uint16_t)take(in, 2),
		.addr = (take(in, 1) & 1) ? BUFS_IO + take(in, 2) : take(in, 4),
	};
	memcpy(r->host->rings + slot * 8, &bd, sizeof(bd));
}

static void op_inject_frame(struct fuzz_run *r, struct input *in)
{
	static uint8_t frame[WIRE_MAX_FRAME];
	size_t len = take(in, 2) % 3100;
	uint8_t seed = (uint8_t)take(in, 1);
	for (size_t i = 0; i < len; i++)
		frame[i] = (uint8_t)(seed * 31 + i);
	if (len)
		wire_mem_inject(r->wire, frame, len);
}

/* A forged tail; afterwards the host adopts it as an honest driver's
 * shadow would be, so register writes can go on. */
static void op_forge_posted_tail(struct fuzz_run *r, struct input *in)
{
	uint32_t tail = take(in, 4);
	if (take(in, 1) & 1)
		tail = r->host->mmio.tail + (take(in, 2) % 300);
	atomic_store(&r->host->mmio.posted->tail, tail);
	sdvf_sim_inject(r->sim, "nic", "mmio");
	sdvf_sim_run(r->sim, 1000);
	r->host->mmio.tail = r->host->mmio.flushed = tail;
}

#define RX_BDS 16
/* The TX ring 0x800 into enet_rings, not at the unit tests' TX_RING_IO
 * (host->tx_ring): the corpus was grown with this layout. */
#define TX_RING_OFF 0x800u

static void rx_bd_arm(struct fuzz_run *r, uint32_t slot)
{
	struct enet_bd bd = {
		.addr = BUFS_IO + slot * BUF_SIZE,
		.stat = (uint16_t)(ENET_RXBD_E |
				   (slot == RX_BDS - 1 ? ENET_RXBD_W : 0)),
	};
	memcpy(r->host->rings + slot * 8, &bd, sizeof(bd));
}

/* A well-formed TX frame in slot `slot` of a 16-BD TX ring, then TDAR. */
static void op_tx_frame(struct fuzz_run *r, struct input *in)
{
	uint32_t slot = take(in, 1) % 16;
	struct enet_bd bd = {
		.addr = BUFS_IO + (16 + slot) * BUF_SIZE,
		.len = (uint16_t)(take(in, 2) % BUF_SIZE),
		.stat = (uint16_t)(ENET_TXBD_R | ENET_TXBD_TC |
				   ((take(in, 1) & 3) ? ENET_TXBD_L : 0) |
				   (slot == 15 ? ENET_TXBD_W : 0)),
	};
	memcpy(r->host->rings + TX_RING_OFF + slot * 8, &bd, sizeof(bd));
	enet_writel(&r->host->mmio, ENET_TDAR, ENET_TDAR_ACTIVE);
	enet_mmio_flush(&r->host->mmio);
}

/* Bring the MAC up as a driver would, so inputs start from a working
 * state and perturb it. */
static void bring_up(struct fuzz_run *r)
{
	static const struct {
		uint32_t offset, value;
	} seq[] = {
		{ENET_ECR, ENET_ECR_RESET},
		{ENET_MSCR, 5u << ENET_MSCR_MII_SPEED_SHIFT},
		{ENET_RCR, (1518u << ENET_RCR_MAX_FL_SHIFT) |
				   ENET_RCR_MII_MODE | ENET_RCR_PROM},
		{ENET_MRBR, BUF_SIZE},
		{ENET_RDSR, RINGS_IO},
		{ENET_TDSR, RINGS_IO + TX_RING_OFF},
		{ENET_MIBC, 0},
		{ENET_EIMR, 0xffffffffu},
		{ENET_ECR, ENET_ECR_ETHEREN | ENET_ECR_DBSWP},
		{ENET_RDAR, ENET_RDAR_ACTIVE},
	};
	for (uint32_t i = 0; i < RX_BDS; i++)
		rx_bd_arm(r, i);
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
		enet_writel(&r->host->mmio, seq[i].offset, seq[i].value);
	enet_mmio_flush(&r->host->mmio);
	sdvf_sim_run(r->sim, 1000);
}

/* The first word where the page and the register file differ, or
 * ENET_MODEL_NREGS.  Both are in bounds by construction, so the sanitizer's
 * check of every load is skipped: this runs after every operation. */
__attribute__((no_sanitize_address)) static uint32_t
first_stale_word(const volatile uint32_t *page, const uint32_t *regs)
{
	uint32_t i = 0;
	while (i < ENET_MODEL_NREGS && page[i] == regs[i])
		i++;
	return i;
}

static void check_invariants(struct fuzz_run *r)
{
	const volatile uint32_t *page = r->host->mmio.regs;
	const struct enet_model *model = r->nic;
	uint32_t stale = first_stale_word(page, model->regs);
	if (stale < ENET_MODEL_NREGS) {
		fprintf(stderr,
			"fuzz: register page at %#x reads %#x, the model's "
			"register holds %#x\n",
			stale * 4, page[stale], model->regs[stale]);
		abort();
	}
	uint32_t rdar = page[ENET_RDAR / 4], tdar = page[ENET_TDAR / 4];
	if ((rdar != 0 && rdar != ENET_RDAR_ACTIVE) ||
	    (tdar != 0 && tdar != ENET_TDAR_ACTIVE)) {
		fprintf(stderr, "fuzz: RDAR %#x / TDAR %#x not 0 or active\n",
			rdar, tdar);
		abort();
	}
	if (atomic_load(&r->host->mmio.posted->head) != r->host->mmio.tail &&
	    r->host->mmio.flushed == r->host->mmio.tail) {
		fprintf(stderr, "fuzz: model left flushed writes undrained\n");
		abort();
	}
}

static void run_ops(struct fuzz_run *r, struct input *in)
{
	uint8_t drain[WIRE_MAX_FRAME];
	while (in->left) {
		switch (take(in, 1) % 11) {
		case 0:
		case 1:
		case 2:
			op_register_write(r, in);
			break;
		case 3:
			op_corrupt_bd(r, in);
			break;
		case 4:
			op_inject_frame(r, in);
			break;
		case 5:
			sdvf_sim_inject(r->sim, "nic", "irq"); /* an ack */
			break;
		case 6:
			enet_model_set_link(r->nic, take(in, 1) & 1);
			sdvf_sim_advance(r->sim, take(in, 2));
			break;
		case 7:
			if ((take(in, 1) & 0x1f) == 0)
				op_forge_posted_tail(r, in);
			else
				while (wire_mem_take(r->wire, drain,
						     sizeof(drain)) > 0)
					;
			break;
		case 8:
		case 9:
			op_tx_frame(r, in);
			break;
		case 10:
			rx_bd_arm(r, take(in, 1) % RX_BDS);
			enet_writel(&r->host->mmio, ENET_RDAR, 0);
			enet_mmio_flush(&r->host->mmio);
			break;
		}
		sdvf_sim_run(r->sim, 1000);
		check_invariants(r);
	}
}

/* Totals over every input, to show how deep the inputs reach. */
#define FUZZ_TOTALS(X)                                                         \
	X(mmio_writes)                                                         \
	X(mmio_unknown)                                                        \
	X(mmio_bad_index)                                                      \
	X(eberr)                                                               \
	X(rx_frames)                                                           \
	X(tx_frames)                                                           \
	X(tx_babbling)                                                         \
	X(mdio_reads)                                                          \
	X(irq_raised)
static struct {
#define FUZZ_TOTAL_FIELD(name) uint64_t name;
	FUZZ_TOTALS(FUZZ_TOTAL_FIELD)
#undef FUZZ_TOTAL_FIELD
} totals;

/* The model's published counters (sdvf_sim_counter). */
static void add_totals(struct sdvf_sim *sim)
{
#define FUZZ_TOTAL_ADD(name)                                                   \
	totals.name += sdvf_sim_counter(sim, "nic", #name, NULL);
	FUZZ_TOTALS(FUZZ_TOTAL_ADD)
#undef FUZZ_TOTAL_ADD
}

static void fuzz_one(const uint8_t *data, size_t size)
{
	static struct fuzz_run r;
	static struct sdvf_system sys[2]; /* silicon, qemu-imx7: loaded once */
	static bool loaded;
	static const char *const personality[2] = {
		"", "personality = \"qemu-imx7\"; "};
	for (int p = 0; !loaded && p < 2; p++) {
		char text[sizeof(dts) + 64];
		snprintf(text, sizeof(text), dts, personality[p]);
		if (sdvf_system_load_dts(&sys[p], "fuzz_enet_model", text,
					 model_and_host, stderr) != 0)
			abort();
	}
	loaded = true;
	r.sys = &sys[size % 2];
	r.sim = sdvf_sim_create(r.sys);
	if (!r.sim || sdvf_sim_init(r.sim) != 0)
		abort();
	r.host = sdvf_sim_state(r.sim, "host");
	r.nic = sdvf_sim_state(r.sim, "nic");
	r.wire = enet_model_wire(r.nic);
	bring_up(&r);
	struct input in = {data, size};
	run_ops(&r, &in);
	add_totals(r.sim);
	wire_close(r.wire);
	sdvf_sim_destroy(r.sim);
}

#define FUZZ_NAME "fuzz_enet_model"

static void fuzz_setup(void)
{
	setenv("SDVF_SIM_QUIET", "1", 0); /* EBERR & co. would flood stderr */
}

/* Each replayed input as it is. */
static size_t fuzz_shape(uint8_t *input, size_t len, uint64_t i)
{
	(void)input;
	(void)i;
	return len;
}

static void fuzz_summary(void)
{
	printf("fuzz_enet_model: reached: %llu writes (%llu unknown), %llu "
	       "bad ring indices, %llu EBERR, %llu RX and %llu TX frames, "
	       "%llu babbling, %llu MDIO reads, %llu IRQs\n",
	       (unsigned long long)totals.mmio_writes,
	       (unsigned long long)totals.mmio_unknown,
	       (unsigned long long)totals.mmio_bad_index,
	       (unsigned long long)totals.eberr,
	       (unsigned long long)totals.rx_frames,
	       (unsigned long long)totals.tx_frames,
	       (unsigned long long)totals.tx_babbling,
	       (unsigned long long)totals.mdio_reads,
	       (unsigned long long)totals.irq_raised);
}

#include "tests/fuzz/fuzz_replay.h"
