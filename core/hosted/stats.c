/*
 * The stats file of a running hosted system (layout: core/hosted/stats.h):
 * created, published and removed by the launcher.  Reading it is
 * core/hosted/stats_print.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/hosted/hosted.h"
#include "core/hosted/stats.h"
#include "core/sysdesc/sysdesc.h"

const char *sdvf_stats_dir(void)
{
	const char *dir = getenv("SDVF_STATS_DIR");
	return dir && *dir ? dir : "/dev/shm";
}

static void copy_name(char *out, size_t len, const char *in, size_t in_len)
{
	if (in_len >= len)
		in_len = len - 1;
	memcpy(out, in, in_len);
	out[in_len] = '\0';
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void fill_header(struct sdvf_stats_header *h,
			const struct sdvf_system *sys)
{
	h->magic = SDVF_STATS_MAGIC;
	h->version = SDVF_STATS_VERSION;
	h->header_bytes = SDVF_STATS_PAGE;
	h->slot_bytes = SDVF_STATS_SLOT_BYTES;
	h->npds = (uint32_t)sys->npds;
	h->launcher_pid = (int32_t)getpid();
	h->started_unix_ns = realtime_ns();
	sdvf_system_name(sys, h->system);
	for (int i = 0; i < sys->npds; i++) {
		struct sdvf_stats_pd *p = &h->pd[i];
		const struct sdvf_sys_pd *d = &sys->pds[i];
		copy_name(p->name, sizeof(p->name), d->name, strlen(d->name));
		copy_name(p->component, sizeof(p->component),
			  d->component->name, strlen(d->component->name));
		p->core = d->core;
	}
}

size_t sdvf_stats_file_bytes(uint32_t npds)
{
	return SDVF_STATS_PAGE + (size_t)SDVF_STATS_SLOT_BYTES * npds;
}

int sdvf_stats_create(struct sdvf_stats_file *f, const struct sdvf_system *sys,
		      FILE *err)
{
	size_t bytes = sdvf_stats_file_bytes((uint32_t)sys->npds);
	f->path[0] = '\0';
	f->header = NULL;
	/* Unnamed until complete: readers never see a partial header. */
	f->fd = open(sdvf_stats_dir(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
	if (f->fd < 0) {
		fprintf(err, "sdvf: stats directory %s: %s\n", sdvf_stats_dir(),
			strerror(errno));
		return -1;
	}
	if (ftruncate(f->fd, (off_t)bytes) < 0)
		goto fail;
	f->header =
		mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, f->fd, 0);
	if (f->header == MAP_FAILED) {
		f->header = NULL;
		goto fail;
	}
	fill_header(f->header, sys);
	return 0;
fail:
	fprintf(err, "sdvf: stats file: %s\n", strerror(errno));
	close(f->fd);
	f->fd = -1;
	return -1;
}

int sdvf_stats_publish(struct sdvf_stats_file *f, FILE *err)
{
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", f->fd);
	snprintf(f->path, sizeof(f->path),
		 "%s/" SDVF_STATS_PREFIX "%s.%d" SDVF_STATS_SUFFIX,
		 sdvf_stats_dir(), f->header->system,
		 (int)f->header->launcher_pid);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, f->path, AT_SYMLINK_FOLLOW) < 0) {
		fprintf(err, "sdvf: publishing stats as %s: %s\n", f->path,
			strerror(errno));
		f->path[0] = '\0';
		return -1;
	}
	return 0;
}

void sdvf_stats_destroy(struct sdvf_stats_file *f)
{
	if (f->path[0])
		unlink(f->path);
	f->path[0] = '\0';
	if (f->header)
		munmap(f->header, sdvf_stats_file_bytes(f->header->npds));
	f->header = NULL;
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}
