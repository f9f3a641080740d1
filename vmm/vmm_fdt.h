/* vmm_fdt: the guest's device tree, generated with libfdt.
 *
 * Trust: every input comes from the VMM's own command line and layout
 * (vmm_image.h), already checked; this file only refuses what libfdt
 * refuses (a buffer too small) and a CPU count out of range. It describes
 * the machine vmm_kvm.c builds: the map below is the contract between the
 * two. Portable: unit-tested on any host (tests/unit/test_vmm.c).
 *
 * Guest-physical map (the same shape as QEMU's and kvmtool's virt boards):
 *   0x08000000  GICv3 distributor, 64 KiB
 *   0x080a0000  GICv3 redistributors, 128 KiB per vCPU
 *   0x09000000  PL011 UART, 4 KiB, SPI 1 (INTID 33), level high
 *   0x0a000000  virtio-mmio device n at + 512 * n, SPI 16 + n (INTID 48 + n),
 *               edge rising, dma-coherent (virt/; the vGIC has 32 SPIs)
 *   0x40000000  RAM
 */
#ifndef SDVF_VMM_FDT_H
#define SDVF_VMM_FDT_H

#include <stddef.h>
#include <stdint.h>

#define VMM_GICD_BASE 0x08000000ull
#define VMM_GICD_SIZE 0x10000ull
#define VMM_GICR_BASE 0x080a0000ull
#define VMM_GICR_SIZE_PER_CPU 0x20000ull
#define VMM_UART_BASE 0x09000000ull
#define VMM_UART_SIZE 0x1000ull
#define VMM_UART_SPI 1u /* INTID 32 + 1 */
#define VMM_RAM_BASE 0x40000000ull
#define VMM_MAX_CPUS 8 /* redistributors must end below the UART */
#define VMM_UART_CLOCK_HZ 24000000u
#define VMM_VIRTIO_BASE 0x0a000000ull
#define VMM_VIRTIO_STRIDE 0x200ull /* VIRTIO_MMIO_WINDOW */
#define VMM_VIRTIO_SPI 16u	   /* device n: SPI 16 + n */
#define VMM_VIRTIO_MAX 16u	   /* SPIs 16..31 of the vGIC's 32 */

typedef struct vmm_fdt_config {
	uint64_t ram_base, ram_size;
	unsigned cpus;
	const char *bootargs;		   /* NULL: none */
	uint64_t initrd_addr, initrd_size; /* size 0: no initrd */
	unsigned virtio_devices; /* virtio-mmio nodes 0..n-1 (map above) */
} vmm_fdt_config_t;

/* Write the DTB into buf (buf_len bytes, at most VMM_DTB_MAX is ever
 * needed). Returns its size, or -1 with a one-line reason in err. */
int vmm_fdt_build(const vmm_fdt_config_t *cfg, void *buf, size_t buf_len,
		  char *err, size_t err_len);

#endif
