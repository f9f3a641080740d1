/* vmm_image: Image header checks and guest RAM layout (vmm_image.h). */
#include "vmm/vmm_image.h"

#include <stdarg.h>
#include <stdio.h>

static int refuse(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
	return -1;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

int vmm_layout_image(const uint8_t *header, size_t header_len,
		     uint64_t file_size, uint64_t initrd_size,
		     uint64_t ram_base, uint64_t ram_size, vmm_layout_t *out,
		     char *err, size_t err_len)
{
	if (header_len < VMM_IMAGE_HEADER_SIZE ||
	    file_size < VMM_IMAGE_HEADER_SIZE)
		return refuse(err, err_len,
			      "kernel: %llu bytes, an arm64 Image has at "
			      "least a %d-byte header",
			      (unsigned long long)file_size,
			      VMM_IMAGE_HEADER_SIZE);
	if (le32(header + 56) != VMM_IMAGE_MAGIC)
		return refuse(err, err_len,
			      "kernel: no ARM\\x64 magic at offset 56: not a "
			      "raw arm64 Image (a compressed vmlinuz or an ELF "
			      "vmlinux will not do)");
	uint64_t text_offset = le64(header + 8);
	uint64_t image_size = le64(header + 16);
	uint64_t flags = le64(header + 24);
	if (flags & 1)
		return refuse(err, err_len,
			      "kernel: big-endian Image (flags bit 0), this "
			      "VMM boots little-endian kernels only");
	if (image_size == 0) {
		text_offset = 0x80000;
		image_size = file_size + VMM_IMAGE_OLD_BSS_SLACK;
	}
	if (image_size < file_size)
		return refuse(err, err_len,
			      "kernel: header image_size %llu is smaller than "
			      "the file (%llu bytes)",
			      (unsigned long long)image_size,
			      (unsigned long long)file_size);
	if (text_offset >= VMM_IMAGE_ALIGN || (text_offset & 7))
		return refuse(err, err_len,
			      "kernel: text_offset 0x%llx, want 8-aligned and "
			      "below 2 MiB",
			      (unsigned long long)text_offset);
	if ((ram_base & (VMM_IMAGE_ALIGN - 1)) || ram_size == 0 ||
	    ram_base + ram_size < ram_base)
		return refuse(err, err_len,
			      "ram: base 0x%llx size 0x%llx, want a 2 MiB "
			      "aligned base and a size that does not wrap",
			      (unsigned long long)ram_base,
			      (unsigned long long)ram_size);

	uint64_t ram_end = ram_base + ram_size;
	uint64_t kernel_addr = ram_base + text_offset;
	/* Each term was bounded above, so these sums cannot wrap before the
	 * comparison with ram_size (all below 2^63 once checked). */
	if (image_size > ram_size || text_offset > ram_size - image_size)
		return refuse(err, err_len,
			      "kernel: needs 0x%llx bytes at offset 0x%llx, "
			      "RAM is 0x%llx bytes",
			      (unsigned long long)image_size,
			      (unsigned long long)text_offset,
			      (unsigned long long)ram_size);
	uint64_t kernel_end = align_up(kernel_addr + image_size, 8);
	if (ram_end - kernel_end < VMM_DTB_MAX)
		return refuse(err, err_len,
			      "ram: 0x%llx bytes leaves no room for the DTB "
			      "after the kernel",
			      (unsigned long long)ram_size);
	uint64_t dtb_addr = (ram_end - VMM_DTB_MAX) & ~7ull;
	uint64_t initrd_addr = dtb_addr;
	if (initrd_size > 0) {
		if (initrd_size > dtb_addr - kernel_end)
			return refuse(
				err, err_len,
				"initrd: %llu bytes do not fit between "
				"the kernel and the DTB (%llu free)",
				(unsigned long long)initrd_size,
				(unsigned long long)(dtb_addr - kernel_end));
		/* Page-aligned start: the kernel frees initrd pages whole. */
		initrd_addr = (dtb_addr - initrd_size) & ~0xfffull;
		if (initrd_addr < kernel_end)
			return refuse(err, err_len,
				      "initrd: %llu bytes do not fit between "
				      "the kernel and the DTB",
				      (unsigned long long)initrd_size);
	}
	out->ram_base = ram_base;
	out->ram_size = ram_size;
	out->kernel_addr = kernel_addr;
	out->kernel_entry = kernel_addr;
	out->kernel_span = image_size;
	out->initrd_addr = initrd_size ? initrd_addr : 0;
	out->initrd_size = initrd_size;
	out->dtb_addr = dtb_addr;
	return 0;
}
