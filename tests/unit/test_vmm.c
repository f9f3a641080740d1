/* vmm/'s portable parts on any host: the arm64 Image header checks and RAM
 * layout (hostile headers refused with a reason), the generated DTB read
 * back with libfdt, and the PL011 register file (bad guest accesses
 * counted, never acted on). The KVM part runs in tests/vm/vmm_boot.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "vmm/vmm_fdt.h"
#include "vmm/vmm_image.h"
#include "vmm/vmm_uart.h"

#define MIB (1024ull * 1024)
#define RAM_SIZE (256 * MIB)

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A valid little-endian header: text_offset, image_size, flags. */
static void header(uint8_t h[64], uint64_t text_offset, uint64_t image_size,
		   uint64_t flags)
{
	memset(h, 0, 64);
	put64(h + 8, text_offset);
	put64(h + 16, image_size);
	put64(h + 24, flags);
	memcpy(h + 56, "ARM\x64", 4);
}

static vmm_layout_t layout;
static char err[200];

static int place(const uint8_t *h, uint64_t file, uint64_t initrd)
{
	err[0] = '\0';
	memset(&layout, 0xa5, sizeof(layout));
	return vmm_layout_image(h, 64, file, initrd, VMM_RAM_BASE, RAM_SIZE,
				&layout, err, sizeof(err));
}

static void image_kernel_at_ram_base_plus_text_offset(void **state)
{
	(void)state;
	uint8_t h[64];
	header(h, 0x80000, 40 * MIB, 0xa);
	assert_int_equal(place(h, 33 * MIB, 0), 0);
	assert_int_equal(layout.kernel_addr, VMM_RAM_BASE + 0x80000);
	assert_int_equal(layout.kernel_entry, layout.kernel_addr);
	assert_int_equal(layout.kernel_span, 40 * MIB);
	assert_int_equal(layout.initrd_size, 0);
	assert_int_equal(layout.initrd_addr, 0);
	assert_int_equal(layout.dtb_addr,
			 VMM_RAM_BASE + RAM_SIZE - VMM_DTB_MAX);
}

static void image_initrd_page_aligned_below_dtb_clear_of_kernel(void **st)
{
	(void)st;
	uint8_t h[64];
	header(h, 0, 40 * MIB, 0);
	assert_int_equal(place(h, 33 * MIB, 1234567), 0);
	assert_int_equal(layout.initrd_size, 1234567);
	assert_int_equal(layout.initrd_addr & 0xfff, 0);
	assert_true(layout.initrd_addr + layout.initrd_size <= layout.dtb_addr);
	assert_true(layout.initrd_addr >= layout.kernel_addr + 40 * MIB);
}

static void image_zero_image_size_is_old_kernel_at_0x80000(void **state)
{
	(void)state;
	uint8_t h[64];
	header(h, 0x12345, 0, 0); /* text_offset ignored when size is 0 */
	assert_int_equal(place(h, 10 * MIB, 0), 0);
	assert_int_equal(layout.kernel_addr, VMM_RAM_BASE + 0x80000);
	assert_true(layout.kernel_span > 10 * MIB);
}

static void image_refuses_header_shorter_than_64_bytes(void **state)
{
	(void)state;
	uint8_t h[64];
	header(h, 0, 1 * MIB, 0);
	assert_int_equal(vmm_layout_image(h, 63, 1 * MIB, 0, VMM_RAM_BASE,
					  RAM_SIZE, &layout, err, sizeof(err)),
			 -1);
	assert_int_equal(place(h, 63, 0), -1);
	assert_non_null(strstr(err, "64-byte header"));
}

static void image_refuses_missing_magic(void **state)
{
	(void)state;
	uint8_t h[64];
	header(h, 0, 1 * MIB, 0);
	h[59] = 0x65;
	assert_int_equal(place(h, 1 * MIB, 0), -1);
	assert_non_null(strstr(err, "magic"));
}

static void image_refuses_big_endian(void **state)
{
	(void)state;
	uint8_t h[64];
	header(h, 0, 1 * MIB, 1);
	assert_int_equal(place(h, 1 * MIB, 0), -1);
	assert_non_null(strstr(err, "big-endian"));
}

static void image_refuses_image_size_smaller_than_file(void **state)
{
	(void)state;
	uint8_t h[64];
	header(h, 0, 1 * MIB, 0);
	assert_int_equal(place(h, 2 * MIB, 0), -1);
	assert_non_null(strstr(err, "smaller than the file"));
}

static void image_refuses_text_offset_past_2mib_or_unaligned(void **state)
{
	(void)state;
	uint8_t h[64];
	header(h, 2 * MIB, 4 * MIB, 0);
	assert_int_equal(place(h, 1 * MIB, 0), -1);
	assert_non_null(strstr(err, "text_offset"));
	header(h, 0x80004, 4 * MIB, 0);
	assert_int_equal(place(h, 1 * MIB, 0), -1);
	assert_non_null(strstr(err, "text_offset"));
	header(h, UINT64_MAX - 7, 4 * MIB, 0);
	assert_int_equal(place(h, 1 * MIB, 0), -1);
}

static void image_refuses_image_size_past_ram_without_wrapping(void **st)
{
	(void)st;
	uint8_t h[64];
	header(h, 0x80000, RAM_SIZE, 0);
	assert_int_equal(place(h, 1 * MIB, 0), -1);
	assert_non_null(strstr(err, "RAM is"));
	header(h, 0x80000, UINT64_MAX, 0);
	assert_int_equal(place(h, 1 * MIB, 0), -1);
	header(h, 0, RAM_SIZE - 1 * MIB, 0); /* fits, but no room for DTB */
	assert_int_equal(place(h, 1 * MIB, 0), -1);
	assert_non_null(strstr(err, "DTB"));
}

static void image_refuses_initrd_that_does_not_fit(void **state)
{
	(void)state;
	uint8_t h[64];
	header(h, 0, 40 * MIB, 0);
	assert_int_equal(place(h, 33 * MIB, RAM_SIZE), -1);
	assert_non_null(strstr(err, "initrd"));
	assert_int_equal(place(h, 33 * MIB, UINT64_MAX), -1);
	assert_int_equal(place(h, 33 * MIB, UINT64_MAX - 4095), -1);
}

static void image_refuses_unaligned_or_wrapping_ram(void **state)
{
	(void)state;
	uint8_t h[64];
	header(h, 0, 1 * MIB, 0);
	assert_int_equal(vmm_layout_image(h, 64, 1 * MIB, 0,
					  VMM_RAM_BASE + 4096, RAM_SIZE,
					  &layout, err, sizeof(err)),
			 -1);
	assert_int_equal(vmm_layout_image(h, 64, 1 * MIB, 0,
					  UINT64_MAX - 2 * MIB + 1, RAM_SIZE,
					  &layout, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "ram:"));
}

/* ---- DTB ----------------------------------------------------------------- */

static uint8_t dtb[64 * 1024];

static const void *prop(const char *path, const char *name, int *len)
{
	int node = fdt_path_offset(dtb, path);
	assert_true(node >= 0);
	const void *p = fdt_getprop(dtb, node, name, len);
	assert_non_null(p);
	return p;
}

/* Property values are only 4-byte aligned: copy, do not cast. */
static uint64_t cell64(const void *p, int index)
{
	fdt64_t v;
	memcpy(&v, (const uint8_t *)p + 8 * index, sizeof(v));
	return fdt64_to_cpu(v);
}

static uint32_t cell32(const void *p, int index)
{
	fdt32_t v;
	memcpy(&v, (const uint8_t *)p + 4 * index, sizeof(v));
	return fdt32_to_cpu(v);
}

static void build_dtb(unsigned cpus, uint64_t initrd_size)
{
	vmm_fdt_config_t c = {.ram_base = VMM_RAM_BASE,
			      .ram_size = RAM_SIZE,
			      .cpus = cpus,
			      .bootargs = "console=ttyAMA0 rdinit=/init",
			      .initrd_addr = 0x4f000000,
			      .initrd_size = initrd_size};
	int n = vmm_fdt_build(&c, dtb, sizeof(dtb), err, sizeof(err));
	assert_true(n > 0);
	assert_int_equal(fdt_check_header(dtb), 0);
	assert_int_equal(fdt_totalsize(dtb), (uint32_t)n);
}

static void fdt_describes_memory_cpus_psci_and_chosen(void **state)
{
	(void)state;
	int len;
	build_dtb(2, 4096);
	const void *mem = prop("/memory@40000000", "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(cell64(mem, 0), VMM_RAM_BASE);
	assert_int_equal(cell64(mem, 1), RAM_SIZE);
	assert_true(fdt_path_offset(dtb, "/cpus/cpu@1") >= 0);
	assert_true(fdt_path_offset(dtb, "/cpus/cpu@2") < 0);
	assert_string_equal(prop("/cpus/cpu@1", "enable-method", &len), "psci");
	assert_string_equal(prop("/psci", "compatible", &len), "arm,psci-0.2");
	assert_string_equal(prop("/psci", "method", &len), "hvc");
	assert_string_equal(prop("/chosen", "bootargs", &len),
			    "console=ttyAMA0 rdinit=/init");
	assert_int_equal(cell64(prop("/chosen", "linux,initrd-start", &len), 0),
			 0x4f000000);
	assert_int_equal(cell64(prop("/chosen", "linux,initrd-end", &len), 0),
			 0x4f001000);
}

static void fdt_describes_gicv3_timer_and_uart(void **state)
{
	(void)state;
	int len;
	build_dtb(3, 0);
	const void *gic = prop("/intc@8000000", "reg", &len);
	assert_int_equal(len, 32);
	assert_int_equal(cell64(gic, 0), VMM_GICD_BASE);
	assert_int_equal(cell64(gic, 2), VMM_GICR_BASE);
	assert_int_equal(cell64(gic, 3), 3 * VMM_GICR_SIZE_PER_CPU);
	assert_string_equal(prop("/intc@8000000", "compatible", &len),
			    "arm,gic-v3");
	uint32_t gic_phandle =
		cell32(prop("/intc@8000000", "phandle", &len), 0);
	assert_int_equal(cell32(prop("/", "interrupt-parent", &len), 0),
			 gic_phandle);
	prop("/timer", "interrupts", &len);
	assert_int_equal(len, 12 * 4);
	const void *uart = prop("/pl011@9000000", "reg", &len);
	assert_int_equal(cell64(uart, 0), VMM_UART_BASE);
	const void *irq = prop("/pl011@9000000", "interrupts", &len);
	assert_int_equal(cell32(irq, 0), 0); /* SPI */
	assert_int_equal(cell32(irq, 1), VMM_UART_SPI);
	assert_string_equal(prop("/chosen", "stdout-path", &len),
			    "/pl011@9000000");
}

static void fdt_without_initrd_has_no_initrd_properties(void **state)
{
	(void)state;
	build_dtb(1, 0);
	int chosen = fdt_path_offset(dtb, "/chosen");
	assert_null(fdt_getprop(dtb, chosen, "linux,initrd-start", NULL));
	assert_null(fdt_getprop(dtb, chosen, "linux,initrd-end", NULL));
}

static void fdt_describes_virtio_mmio_nodes(void **state)
{
	(void)state;
	vmm_fdt_config_t c = {.ram_base = VMM_RAM_BASE,
			      .ram_size = RAM_SIZE,
			      .cpus = 1,
			      .virtio_devices = 2};
	assert_true(vmm_fdt_build(&c, dtb, sizeof(dtb), err, sizeof(err)) > 0);
	static const char *const node[2] = {"/virtio_mmio@a000000",
					    "/virtio_mmio@a000200"};
	for (unsigned i = 0; i < 2; i++) {
		int len;
		assert_string_equal(prop(node[i], "compatible", &len),
				    "virtio,mmio");
		const void *reg = prop(node[i], "reg", &len);
		assert_int_equal(len, 16);
		assert_int_equal(cell64(reg, 0),
				 VMM_VIRTIO_BASE + i * VMM_VIRTIO_STRIDE);
		assert_int_equal(cell64(reg, 1), 0x200);
		const void *irq = prop(node[i], "interrupts", &len);
		assert_int_equal(len, 12);
		assert_int_equal(cell32(irq, 0), 0); /* SPI */
		assert_int_equal(cell32(irq, 1), VMM_VIRTIO_SPI + i);
		/* Edge rising: each irqfd write is one edge (vmm_net.h). */
		assert_int_equal(cell32(irq, 2), 1);
		prop(node[i], "dma-coherent", &len);
		assert_int_equal(len, 0);
	}
	assert_true(fdt_path_offset(dtb, "/virtio_mmio@a000400") < 0);
	/* None by default; more than the SPIs reserved for them: refused. */
	build_dtb(1, 0);
	assert_true(fdt_path_offset(dtb, "/virtio_mmio@a000000") < 0);
	c.virtio_devices = VMM_VIRTIO_MAX + 1;
	assert_int_equal(vmm_fdt_build(&c, dtb, sizeof(dtb), err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "virtio"));
}

static void fdt_refuses_cpu_count_out_of_range(void **state)
{
	(void)state;
	vmm_fdt_config_t c = {.ram_base = VMM_RAM_BASE, .ram_size = RAM_SIZE};
	c.cpus = 0;
	assert_int_equal(vmm_fdt_build(&c, dtb, sizeof(dtb), err, sizeof(err)),
			 -1);
	c.cpus = VMM_MAX_CPUS + 1;
	assert_int_equal(vmm_fdt_build(&c, dtb, sizeof(dtb), err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "cpus"));
}

static void fdt_refuses_buffer_too_small(void **state)
{
	(void)state;
	vmm_fdt_config_t c = {
		.ram_base = VMM_RAM_BASE, .ram_size = RAM_SIZE, .cpus = 1};
	assert_int_equal(vmm_fdt_build(&c, dtb, 256, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "dtb:"));
}

/* ---- PL011 --------------------------------------------------------------- */

static uint8_t out_bytes[16];
static unsigned out_len;

static void collect(void *ctx, uint8_t byte)
{
	(void)ctx;
	if (out_len < sizeof(out_bytes))
		out_bytes[out_len++] = byte;
}

static vmm_uart_t uart;

static int uart_setup(void **state)
{
	(void)state;
	out_len = 0;
	vmm_uart_init(&uart, collect, NULL);
	return 0;
}

static uint32_t id_word(uint64_t first)
{
	uint32_t v = 0;
	for (int i = 3; i >= 0; i--)
		v = (v << 8) | vmm_uart_read(&uart, first + 4 * (unsigned)i, 4);
	return v;
}

static void uart_id_registers_identify_a_pl011(void **state)
{
	(void)state;
	/* Linux's amba bus: periphid & 0x000fffff == 0x00041011 for pl011,
	 * cellid 0xb105f00d for any primecell. */
	assert_int_equal(id_word(0xfe0) & 0x000fffff, 0x00041011);
	assert_int_equal(id_word(0xff0), 0xb105f00d);
}

static void uart_flags_say_tx_empty_and_no_input(void **state)
{
	(void)state;
	uint32_t fr = vmm_uart_read(&uart, PL011_FR, 4);
	assert_int_equal(fr, PL011_FR_TXFE | PL011_FR_RXFE);
	assert_int_equal(vmm_uart_read(&uart, PL011_FR, 2), fr);
}

static void uart_data_register_write_outputs_the_byte(void **state)
{
	(void)state;
	vmm_uart_write(&uart, PL011_DR, 4, 0x141);
	vmm_uart_write(&uart, PL011_DR, 1, 'k');
	assert_int_equal(out_len, 2);
	assert_int_equal(out_bytes[0], 'A');
	assert_int_equal(out_bytes[1], 'k');
	assert_int_equal(uart.tx_bytes, 2);
}

static void uart_write_to_read_only_registers_counted_not_applied(void **s)
{
	(void)s;
	vmm_uart_write(&uart, PL011_FR, 4, 0);
	vmm_uart_write(&uart, PL011_RIS, 4, 0xffff);
	vmm_uart_write(&uart, PL011_MIS, 4, 0xffff);
	vmm_uart_write(&uart, 0xfe0, 4, 0);
	vmm_uart_write(&uart, 0xffc, 4, 0);
	assert_int_equal(uart.ro_write, 5);
	assert_int_equal(vmm_uart_read(&uart, PL011_FR, 4),
			 PL011_FR_TXFE | PL011_FR_RXFE);
	assert_int_equal(id_word(0xff0), 0xb105f00d);
	assert_false(uart.irq_level);
	assert_int_equal(out_len, 0);
}

static void uart_bad_width_and_offset_counted(void **state)
{
	(void)state;
	assert_int_equal(vmm_uart_read(&uart, PL011_FR, 8), 0);
	vmm_uart_write(&uart, PL011_DR, 3, 'x');
	vmm_uart_write(&uart, PL011_DR + 2, 4, 'x'); /* misaligned */
	assert_int_equal(uart.bad_width, 3);
	assert_int_equal(vmm_uart_read(&uart, 0x800, 4), 0);
	vmm_uart_write(&uart, 0x800, 4, 1);
	vmm_uart_write(&uart, 0x4c, 4, 1);
	assert_int_equal(uart.bad_offset, 3);
	assert_int_equal(out_len, 0);
}

static void uart_irq_level_follows_tx_mask(void **state)
{
	(void)state;
	assert_false(uart.irq_level);
	vmm_uart_write(&uart, PL011_IMSC, 4, PL011_INT_TX);
	assert_true(uart.irq_level);
	assert_int_equal(vmm_uart_read(&uart, PL011_MIS, 4), PL011_INT_TX);
	vmm_uart_write(&uart, PL011_ICR, 4, PL011_INT_TX);
	assert_true(uart.irq_level); /* the FIFO is still empty */
	vmm_uart_write(&uart, PL011_IMSC, 4, 0x10); /* RX only: never raised */
	assert_false(uart.irq_level);
	assert_int_equal(vmm_uart_read(&uart, PL011_MIS, 4), 0);
}

static void uart_control_registers_read_back(void **state)
{
	(void)state;
	vmm_uart_write(&uart, PL011_IBRD, 4, 13);
	vmm_uart_write(&uart, PL011_FBRD, 4, 0x1);
	vmm_uart_write(&uart, PL011_LCR_H, 4, 0x70);
	vmm_uart_write(&uart, PL011_CR, 4, 0x301);
	assert_int_equal(vmm_uart_read(&uart, PL011_IBRD, 4), 13);
	assert_int_equal(vmm_uart_read(&uart, PL011_FBRD, 4), 1);
	assert_int_equal(vmm_uart_read(&uart, PL011_LCR_H, 4), 0x70);
	assert_int_equal(vmm_uart_read(&uart, PL011_CR, 4), 0x301);
	assert_int_equal(uart.ro_write + uart.bad_offset + uart.bad_width, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(image_kernel_at_ram_base_plus_text_offset),
		cmocka_unit_test(
			image_initrd_page_aligned_below_dtb_clear_of_kernel),
		cmocka_unit_test(
			image_zero_image_size_is_old_kernel_at_0x80000),
		cmocka_unit_test(image_refuses_header_shorter_than_64_bytes),
		cmocka_unit_test(image_refuses_missing_magic),
		cmocka_unit_test(image_refuses_big_endian),
		cmocka_unit_test(image_refuses_image_size_smaller_than_file),
		cmocka_unit_test(
			image_refuses_text_offset_past_2mib_or_unaligned),
		cmocka_unit_test(
			image_refuses_image_size_past_ram_without_wrapping),
		cmocka_unit_test(image_refuses_initrd_that_does_not_fit),
		cmocka_unit_test(image_refuses_unaligned_or_wrapping_ram),
		cmocka_unit_test(fdt_describes_memory_cpus_psci_and_chosen),
		cmocka_unit_test(fdt_describes_gicv3_timer_and_uart),
		cmocka_unit_test(fdt_without_initrd_has_no_initrd_properties),
		cmocka_unit_test(fdt_describes_virtio_mmio_nodes),
		cmocka_unit_test(fdt_refuses_cpu_count_out_of_range),
		cmocka_unit_test(fdt_refuses_buffer_too_small),
		cmocka_unit_test_setup(uart_id_registers_identify_a_pl011,
				       uart_setup),
		cmocka_unit_test_setup(uart_flags_say_tx_empty_and_no_input,
				       uart_setup),
		cmocka_unit_test_setup(
			uart_data_register_write_outputs_the_byte, uart_setup),
		cmocka_unit_test_setup(
			uart_write_to_read_only_registers_counted_not_applied,
			uart_setup),
		cmocka_unit_test_setup(uart_bad_width_and_offset_counted,
				       uart_setup),
		cmocka_unit_test_setup(uart_irq_level_follows_tx_mask,
				       uart_setup),
		cmocka_unit_test_setup(uart_control_registers_read_back,
				       uart_setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
