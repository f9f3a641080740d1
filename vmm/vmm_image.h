/* vmm_image: where a Linux arm64 Image, its initrd and the DTB go in guest
 * RAM (Documentation/arch/arm64/booting.rst).
 *
 * Trust: the Image file is input from the user (any bytes). Its 64-byte
 * header is checked here, before anything is copied: the "ARM\x64" magic,
 * little-endian (flags bit 0 clear), text_offset and image_size inside RAM
 * with no overflow, image_size not smaller than the file. A header that
 * fails any check is refused with a one-line reason; nothing is guessed.
 * Portable: no KVM, unit-tested on any host (tests/unit/test_vmm.c).
 */
#ifndef SDVF_VMM_IMAGE_H
#define SDVF_VMM_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define VMM_IMAGE_HEADER_SIZE 64
#define VMM_IMAGE_MAGIC 0x644d5241u /* "ARM\x64", little-endian at 56 */
#define VMM_IMAGE_ALIGN 0x200000ull /* 2 MiB: the kernel's base alignment */
/* Pre-3.17 kernels leave image_size 0; booting.rst says text_offset is
 * then 0x80000. We still need a size: the file's, plus this much for bss. */
#define VMM_IMAGE_OLD_BSS_SLACK 0x1000000ull
#define VMM_DTB_MAX 0x200000ull /* booting.rst: a DTB is at most 2 MiB */

/* Guest-physical placement of everything the boot CPU needs. */
typedef struct vmm_layout {
	uint64_t ram_base, ram_size;
	uint64_t kernel_addr;  /* where the Image's first byte is copied */
	uint64_t kernel_entry; /* == kernel_addr: the boot PC */
	uint64_t kernel_span;  /* image_size: file + bss the kernel owns */
	uint64_t initrd_addr, initrd_size; /* size 0: no initrd */
	uint64_t dtb_addr; /* VMM_DTB_MAX reserved there, 8-aligned */
} vmm_layout_t;

/* Lay out an Image of `file_size` bytes whose first bytes are `header`
 * (header_len of them; fewer than VMM_IMAGE_HEADER_SIZE is refused), an
 * initrd of initrd_size bytes (0: none), in RAM [ram_base, ram_base +
 * ram_size). The kernel goes at the first 2 MiB boundary of RAM plus
 * text_offset; the DTB at the top of RAM and the initrd just below it, so
 * the kernel's bss and early allocations stay clear of both.
 * Returns 0, or -1 with a one-line reason in err (naming what was wrong
 * and what would be valid). */
int vmm_layout_image(const uint8_t *header, size_t header_len,
		     uint64_t file_size, uint64_t initrd_size,
		     uint64_t ram_base, uint64_t ram_size, vmm_layout_t *out,
		     char *err, size_t err_len);

#endif
