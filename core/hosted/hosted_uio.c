/*
 * The UIO backend of the hosted runtime: a region that is device memory
 * behind Linux UIO (`uio-device`, `uio-map` in the description) is mapped
 * from /dev/uioN instead of the launcher's memfd, by each PD that maps it,
 * in its setup (as root, before it is confined: the fd is closed again
 * here, so no PD keeps it).  How QEMU's i.MX7 ENET is reached this way
 * (map0 its registers, map1 a reserved DMA window): docs/enet.md,
 * "Hardware validation: QEMU i.MX7".
 *
 * What is trusted: the kernel's UIO attributes.  What is checked: the
 * region lies inside the map (its io-address range inside the map's
 * physical range, or, without an io-address, its size within the map's).
 * UIO maps a map whole, from its start (the mmap offset only selects the
 * map), so a PD mapping a region carved from a map can reach the whole
 * map: the regions of one map share its protection (docs/enet.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/hosted/hosted_internal.h"

/* /sys/class/uio/uioN/maps/mapM/<attr>, a hex number; false if missing. */
static bool uio_attr(const struct sdvf_sys_region *r, const char *attr,
		     uint64_t *out)
{
	char path[96];
	snprintf(path, sizeof(path), "/sys/class/uio/%s/maps/map%" PRIu32 "/%s",
		 r->uio_device, r->uio_map, attr);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	unsigned long long v;
	bool ok = fscanf(f, "%llx", &v) == 1;
	fclose(f);
	*out = v;
	return ok;
}

static _Noreturn void uio_fail(const struct sdvf_sys_region *r,
			       const char *what, int err)
{
	char line[160];
	snprintf(line, sizeof(line), "region '%s': %s map%" PRIu32 ": %s",
		 r->name, r->uio_device, r->uio_map, what);
	hosted_setup_fail(line, err);
}

void *hosted_uio_map(const struct sdvf_sys_region *r, int prot)
{
	uint64_t phys, size;
	if (!uio_attr(r, "addr", &phys) || !uio_attr(r, "size", &size))
		uio_fail(r, "no such UIO map (is uio_pdrv_genirq loaded?)",
			 ENOENT);
	uint64_t offset = 0;
	if (r->has_io) {
		if (r->io_addr < phys || r->io_addr - phys > size ||
		    r->size > size - (r->io_addr - phys))
			uio_fail(r, "io-address range outside the map", ERANGE);
		offset = r->io_addr - phys;
	} else if (r->size > size) {
		uio_fail(r, "region larger than the map", ERANGE);
	}
	char path[32];
	snprintf(path, sizeof(path), "/dev/%s", r->uio_device);
	int fd = open(path,
		      ((prot & PROT_WRITE) ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		uio_fail(r, "open", errno);
	long page = sysconf(_SC_PAGESIZE);
	uint64_t span = (size + (uint64_t)page - 1) & ~((uint64_t)page - 1);
	/* The offset selects map uio_map: UIO's mmap convention. */
	void *base = mmap(NULL, (size_t)span, prot, MAP_SHARED, fd,
			  (off_t)r->uio_map * page);
	int err = errno;
	close(fd);
	if (base == MAP_FAILED)
		uio_fail(r, "mmap", err);
	return (uint8_t *)base + offset;
}
