/* vmm_fdt: the guest's device tree (vmm_fdt.h). libfdt's sequential-write
 * API, one helper per node, in the order Linux reads them: root, cpus,
 * psci, memory, interrupt controller, timer, clock, uart, chosen. */
#include "vmm/vmm_fdt.h"

#include <libfdt.h>
#include <stdio.h>

#define PHANDLE_GIC 1
#define PHANDLE_CLK 2
/* Interrupt specifier cells of arm,gic-v3: type, number, flags. */
#define GIC_SPI 0
#define GIC_PPI 1
#define IRQ_EDGE_RISING 1
#define IRQ_LEVEL_HIGH 4

/* Any libfdt error ends the build; `rc` carries the first one out. */
#define TRY(call)                                                              \
	do {                                                                   \
		int try_rc_ = (call);                                          \
		if (try_rc_ < 0)                                               \
			return try_rc_;                                        \
	} while (0)

static int prop_u64_pair(void *fdt, const char *name, uint64_t a, uint64_t b)
{
	fdt64_t cells[2] = {cpu_to_fdt64(a), cpu_to_fdt64(b)};
	return fdt_property(fdt, name, cells, sizeof(cells));
}

static int prop_cells(void *fdt, const char *name, const uint32_t *v, int n)
{
	fdt32_t cells[16];
	for (int i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(v[i]);
	return fdt_property(fdt, name, cells, n * (int)sizeof(fdt32_t));
}

static int add_cpus(void *fdt, unsigned cpus)
{
	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	for (unsigned i = 0; i < cpus; i++) {
		char name[16];
		snprintf(name, sizeof(name), "cpu@%u", i);
		TRY(fdt_begin_node(fdt, name));
		TRY(fdt_property_string(fdt, "device_type", "cpu"));
		TRY(fdt_property_string(fdt, "compatible", "arm,arm-v8"));
		TRY(fdt_property_string(fdt, "enable-method", "psci"));
		/* KVM gives vCPU i the MPIDR Aff0 = i (below 16). */
		TRY(fdt_property_u32(fdt, "reg", i));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int add_psci(void *fdt)
{
	static const char compat[] = "arm,psci-0.2\0arm,psci";
	TRY(fdt_begin_node(fdt, "psci"));
	TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	TRY(fdt_property_string(fdt, "method", "hvc"));
	return fdt_end_node(fdt);
}

static int add_memory(void *fdt, const vmm_fdt_config_t *cfg)
{
	char name[32];
	snprintf(name, sizeof(name), "memory@%llx",
		 (unsigned long long)cfg->ram_base);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(prop_u64_pair(fdt, "reg", cfg->ram_base, cfg->ram_size));
	return fdt_end_node(fdt);
}

static int add_gic(void *fdt, unsigned cpus)
{
	fdt64_t reg[4] = {cpu_to_fdt64(VMM_GICD_BASE),
			  cpu_to_fdt64(VMM_GICD_SIZE),
			  cpu_to_fdt64(VMM_GICR_BASE),
			  cpu_to_fdt64(VMM_GICR_SIZE_PER_CPU * cpus)};
	TRY(fdt_begin_node(fdt, "intc@8000000"));
	TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "#redistributor-regions", 1));
	TRY(fdt_property(fdt, "reg", reg, sizeof(reg)));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_GIC));
	return fdt_end_node(fdt);
}

static int add_timer(void *fdt)
{
	/* Secure, non-secure, virtual, hypervisor physical timer PPIs. */
	const uint32_t irqs[12] = {
		GIC_PPI, 13, IRQ_LEVEL_HIGH, GIC_PPI, 14, IRQ_LEVEL_HIGH,
		GIC_PPI, 11, IRQ_LEVEL_HIGH, GIC_PPI, 10, IRQ_LEVEL_HIGH};
	TRY(fdt_begin_node(fdt, "timer"));
	TRY(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	TRY(prop_cells(fdt, "interrupts", irqs, 12));
	TRY(fdt_property(fdt, "always-on", NULL, 0));
	return fdt_end_node(fdt);
}

static int add_uart(void *fdt)
{
	static const char compat[] = "arm,pl011\0arm,primecell";
	static const char clock_names[] = "uartclk\0apb_pclk";
	const uint32_t irq[3] = {GIC_SPI, VMM_UART_SPI, IRQ_LEVEL_HIGH};
	const uint32_t clocks[2] = {PHANDLE_CLK, PHANDLE_CLK};

	TRY(fdt_begin_node(fdt, "apb-pclk"));
	TRY(fdt_property_string(fdt, "compatible", "fixed-clock"));
	TRY(fdt_property_u32(fdt, "#clock-cells", 0));
	TRY(fdt_property_u32(fdt, "clock-frequency", VMM_UART_CLOCK_HZ));
	TRY(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_CLK));
	TRY(fdt_end_node(fdt));

	TRY(fdt_begin_node(fdt, "pl011@9000000"));
	TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	TRY(prop_u64_pair(fdt, "reg", VMM_UART_BASE, VMM_UART_SIZE));
	TRY(prop_cells(fdt, "interrupts", irq, 3));
	TRY(prop_cells(fdt, "clocks", clocks, 2));
	TRY(fdt_property(fdt, "clock-names", clock_names, sizeof(clock_names)));
	return fdt_end_node(fdt);
}

/* One virtio-mmio node per device (Linux's virtio_mmio binding:
 * Documentation/devicetree/bindings/virtio/mmio.yaml).  Its interrupt is
 * edge-triggered: the VMM signals each InterruptStatus change with one
 * irqfd write and needs no word from the guest's ACK or EOI (vmm_net.h). */
static int add_virtio(void *fdt, unsigned index)
{
	uint64_t base = VMM_VIRTIO_BASE + VMM_VIRTIO_STRIDE * index;
	const uint32_t irq[3] = {GIC_SPI, VMM_VIRTIO_SPI + index,
				 IRQ_EDGE_RISING};
	char name[32];
	snprintf(name, sizeof(name), "virtio_mmio@%llx",
		 (unsigned long long)base);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "compatible", "virtio,mmio"));
	TRY(prop_u64_pair(fdt, "reg", base, VMM_VIRTIO_STRIDE));
	TRY(prop_cells(fdt, "interrupts", irq, 3));
	TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
	return fdt_end_node(fdt);
}

static int add_chosen(void *fdt, const vmm_fdt_config_t *cfg)
{
	TRY(fdt_begin_node(fdt, "chosen"));
	if (cfg->bootargs)
		TRY(fdt_property_string(fdt, "bootargs", cfg->bootargs));
	TRY(fdt_property_string(fdt, "stdout-path", "/pl011@9000000"));
	if (cfg->initrd_size) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start",
				     cfg->initrd_addr));
		TRY(fdt_property_u64(fdt, "linux,initrd-end",
				     cfg->initrd_addr + cfg->initrd_size));
	}
	return fdt_end_node(fdt);
}

static int build(const vmm_fdt_config_t *cfg, void *fdt, int len)
{
	TRY(fdt_create(fdt, len));
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC));
	TRY(add_cpus(fdt, cfg->cpus));
	TRY(add_psci(fdt));
	TRY(add_memory(fdt, cfg));
	TRY(add_gic(fdt, cfg->cpus));
	TRY(add_timer(fdt));
	TRY(add_uart(fdt));
	for (unsigned i = 0; i < cfg->virtio_devices; i++)
		TRY(add_virtio(fdt, i));
	TRY(add_chosen(fdt, cfg));
	TRY(fdt_end_node(fdt));
	TRY(fdt_finish(fdt));
	return (int)fdt_totalsize(fdt);
}

int vmm_fdt_build(const vmm_fdt_config_t *cfg, void *buf, size_t buf_len,
		  char *err, size_t err_len)
{
	if (cfg->cpus < 1 || cfg->cpus > VMM_MAX_CPUS) {
		snprintf(err, err_len, "cpus: %u, want 1 to %d", cfg->cpus,
			 VMM_MAX_CPUS);
		return -1;
	}
	if (cfg->virtio_devices > VMM_VIRTIO_MAX) {
		snprintf(err, err_len, "virtio devices: %u, want at most %u",
			 cfg->virtio_devices, VMM_VIRTIO_MAX);
		return -1;
	}
	int len = buf_len > 0x7fffffff ? 0x7fffffff : (int)buf_len;
	int rc = build(cfg, buf, len);
	if (rc < 0) {
		snprintf(err, err_len, "dtb: %s", fdt_strerror(rc));
		return -1;
	}
	return rc;
}
