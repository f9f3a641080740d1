/* vmm_uart: a PL011 register file, enough for Linux's amba-pl011 driver
 * and its earlycon, transmit only.
 *
 * Trust: every access comes from the guest (offset, width, value all its
 * choice). Accesses the model does not define are counted, never fatal:
 * a write to a read-only register (FR, RIS, MIS, the ID registers), an
 * offset past the last register, a width other than 1, 2 or 4 bytes. Reads
 * of undefined offsets return 0. Output bytes go to the `out` callback.
 * The interrupt line is level: (RIS & IMSC) != 0; TXIS is always raised
 * because the FIFO drains at once, so the guest's TX interrupt handler
 * runs until it masks TXIM. The caller reads `irq_level` after each access
 * and drives the GIC line when it changed.
 * Portable: no KVM, unit-tested on any host (tests/unit/test_vmm.c).
 */
#ifndef SDVF_VMM_UART_H
#define SDVF_VMM_UART_H

#include <stdbool.h>
#include <stdint.h>

/* Register offsets (ARM DDI 0183). */
enum {
	PL011_DR = 0x000,
	PL011_RSR = 0x004,
	PL011_FR = 0x018,
	PL011_ILPR = 0x020,
	PL011_IBRD = 0x024,
	PL011_FBRD = 0x028,
	PL011_LCR_H = 0x02c,
	PL011_CR = 0x030,
	PL011_IFLS = 0x034,
	PL011_IMSC = 0x038,
	PL011_RIS = 0x03c,
	PL011_MIS = 0x040,
	PL011_ICR = 0x044,
	PL011_DMACR = 0x048,
	PL011_PERIPH_ID0 = 0xfe0, /* ... 0xffc: PeriphID0-3, PCellID0-3 */
};

#define PL011_FR_TXFE 0x80u /* transmit FIFO empty */
#define PL011_FR_RXFE 0x10u /* receive FIFO empty */
#define PL011_INT_TX 0x20u
#define VMM_UART_WINDOW 0x1000u

typedef struct vmm_uart {
	/* Written only by vmm_uart_read/write (one vCPU at a time: the
	 * caller serialises). */
	uint32_t ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, dmacr;
	bool irq_level;
	/* Counters of bad guest input, read by the VMM's summary. */
	uint64_t bad_width, bad_offset, ro_write, tx_bytes;
	void (*out)(void *ctx, uint8_t byte);
	void *out_ctx;
} vmm_uart_t;

void vmm_uart_init(vmm_uart_t *u, void (*out)(void *, uint8_t), void *ctx);
/* Access `len` bytes at `offset` into the 4 KiB window. */
uint32_t vmm_uart_read(vmm_uart_t *u, uint64_t offset, unsigned len);
void vmm_uart_write(vmm_uart_t *u, uint64_t offset, unsigned len,
		    uint32_t value);

#endif
