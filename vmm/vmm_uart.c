/* vmm_uart: PL011 register file (vmm_uart.h). */
#include "vmm/vmm_uart.h"

/* PeriphID0-3 then PCellID0-3: an ARM PL011 r1p4, which Linux's amba bus
 * matches to amba-pl011 (id 0x00041011). */
static const uint8_t pl011_id[8] = {0x11, 0x10, 0x14, 0x00,
				    0x0d, 0xf0, 0x05, 0xb1};

void vmm_uart_init(vmm_uart_t *u, void (*out)(void *, uint8_t), void *ctx)
{
	*u = (vmm_uart_t){0};
	u->out = out;
	u->out_ctx = ctx;
	u->cr = 0x300; /* reset value: TXE and RXE set, UART disabled */
	u->ifls = 0x12;
}

static uint32_t raw_status(void)
{
	return PL011_INT_TX; /* FIFO always empty: room to transmit */
}

static void update_irq(vmm_uart_t *u)
{
	u->irq_level = (raw_status() & u->imsc) != 0;
}

static bool width_ok(vmm_uart_t *u, uint64_t offset, unsigned len)
{
	if ((len != 1 && len != 2 && len != 4) || (offset & (len - 1))) {
		u->bad_width++;
		return false;
	}
	return true;
}

uint32_t vmm_uart_read(vmm_uart_t *u, uint64_t offset, unsigned len)
{
	if (!width_ok(u, offset, len))
		return 0;
	uint64_t reg = offset & ~3ull;
	switch (reg) {
	case PL011_DR:
	case PL011_RSR:
		return 0; /* no input, no receive errors */
	case PL011_FR:
		return PL011_FR_TXFE | PL011_FR_RXFE;
	case PL011_ILPR:
		return u->ilpr;
	case PL011_IBRD:
		return u->ibrd;
	case PL011_FBRD:
		return u->fbrd;
	case PL011_LCR_H:
		return u->lcr_h;
	case PL011_CR:
		return u->cr;
	case PL011_IFLS:
		return u->ifls;
	case PL011_IMSC:
		return u->imsc;
	case PL011_RIS:
		return raw_status();
	case PL011_MIS:
		return raw_status() & u->imsc;
	case PL011_DMACR:
		return u->dmacr;
	case PL011_ICR:
		return 0; /* write-only; reads as 0 */
	}
	if (reg >= PL011_PERIPH_ID0 && reg < VMM_UART_WINDOW)
		return pl011_id[(reg - PL011_PERIPH_ID0) / 4];
	u->bad_offset++;
	return 0;
}

void vmm_uart_write(vmm_uart_t *u, uint64_t offset, unsigned len,
		    uint32_t value)
{
	if (!width_ok(u, offset, len))
		return;
	uint64_t reg = offset & ~3ull;
	switch (reg) {
	case PL011_DR:
		u->tx_bytes++;
		if (u->out)
			u->out(u->out_ctx, (uint8_t)value);
		break;
	case PL011_RSR:
		break; /* ECR: clears receive errors, of which there are none */
	case PL011_ILPR:
		u->ilpr = value & 0xff;
		break;
	case PL011_IBRD:
		u->ibrd = value & 0xffff;
		break;
	case PL011_FBRD:
		u->fbrd = value & 0x3f;
		break;
	case PL011_LCR_H:
		u->lcr_h = value & 0xff;
		break;
	case PL011_CR:
		u->cr = value & 0xffff;
		break;
	case PL011_IFLS:
		u->ifls = value & 0x3f;
		break;
	case PL011_IMSC:
		u->imsc = value & 0x7ff;
		break;
	case PL011_ICR:
		break; /* TX is raised again at once: the FIFO is empty */
	case PL011_DMACR:
		u->dmacr = value & 0x7;
		break;
	case PL011_FR:
	case PL011_RIS:
	case PL011_MIS:
		u->ro_write++;
		break;
	default:
		if (reg >= PL011_PERIPH_ID0 && reg < VMM_UART_WINDOW)
			u->ro_write++;
		else
			u->bad_offset++;
	}
	update_irq(u);
}
