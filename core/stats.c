/*
 * The stats file of a running hosted system (layout: core/stats.h) and the
 * `sdvf stats [SYSTEM]` command that reads every live one.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/hosted.h"
#include "core/stats.h"

#define STATS_PREFIX "sdvf-"
#define STATS_SUFFIX ".stats"

static const char *stats_dir(void)
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

void sdvf_system_name(const struct sdvf_system *sys, char *out, size_t len)
{
	int plen = 0;
	const char *prop =
		sys->fdt ? fdt_getprop(sys->fdt, 0, "name", &plen) : NULL;
	if (prop && plen > 1) {
		copy_name(out, len, prop, strnlen(prop, (size_t)plen));
		return;
	}
	const char *path = sys->path ? sys->path : "system";
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strchr(base, '.');
	copy_name(out, len, base, dot ? (size_t)(dot - base) : strlen(base));
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
	h->slot_bytes = SDVF_STATS_PAGE;
	h->npds = (uint32_t)sys->npds;
	h->launcher_pid = (int32_t)getpid();
	h->started_unix_ns = realtime_ns();
	sdvf_system_name(sys, h->system, sizeof(h->system));
	for (int i = 0; i < sys->npds; i++) {
		struct sdvf_stats_pd *p = &h->pd[i];
		const struct sdvf_sys_pd *d = &sys->pds[i];
		copy_name(p->name, sizeof(p->name), d->name, strlen(d->name));
		copy_name(p->component, sizeof(p->component),
			  d->component->name, strlen(d->component->name));
		p->core = d->core;
	}
}

int sdvf_stats_create(struct sdvf_stats_file *f, const struct sdvf_system *sys,
		      FILE *err)
{
	size_t bytes = SDVF_STATS_PAGE * (size_t)(1 + sys->npds);
	f->path[0] = '\0';
	f->header = NULL;
	/* Unnamed until complete: readers never see a partial header. */
	f->fd = open(stats_dir(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
	if (f->fd < 0) {
		fprintf(err, "sdvf: stats directory %s: %s\n", stats_dir(),
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
		 "%s/" STATS_PREFIX "%s.%d" STATS_SUFFIX, stats_dir(),
		 f->header->system, (int)f->header->launcher_pid);
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
		munmap(f->header,
		       SDVF_STATS_PAGE * (size_t)(1 + f->header->npds));
	f->header = NULL;
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* ---- sdvf stats ---------------------------------------------------------- */

static const char *state_name(uint32_t state)
{
	switch (state) {
	case SDVF_PD_STARTING:
		return "starting";
	case SDVF_PD_RUNNING:
		return "running";
	case SDVF_PD_DOWN:
		return "down";
	case SDVF_PD_STOPPED:
		return "stopped";
	}
	return "?";
}

#define LOAD(x) atomic_load_explicit(&(x), memory_order_relaxed)

static void print_system(const struct sdvf_stats_header *h, FILE *out)
{
	double up = (double)(realtime_ns() - h->started_unix_ns) / 1e9;
	fprintf(out, "system '%s' (launcher pid %d, up %.1f s)\n", h->system,
		(int)h->launcher_pid, up);
	fprintf(out, "  %-16s %-16s %7s %-8s %8s %12s %12s %9s %9s\n", "PD",
		"COMPONENT", "PID", "STATE", "RESTARTS", "ACTIVATIONS",
		"NOTIFIES", "DEFERRED", "LOG-DROP");
	for (uint32_t i = 0; i < h->npds; i++) {
		const struct sdvf_stats_pd *p = &h->pd[i];
		const struct sdvf_stats_slot *s = sdvf_stats_slot_of(
			(struct sdvf_stats_header *)h, (int)i);
		fprintf(out,
			"  %-16s %-16s %7d %-8s %8u %12llu %12llu %9llu "
			"%9llu\n",
			p->name, p->component, (int)LOAD(p->pid),
			state_name(LOAD(p->state)), LOAD(p->restarts),
			(unsigned long long)LOAD(s->activations),
			(unsigned long long)LOAD(s->notifications),
			(unsigned long long)LOAD(s->deferred),
			(unsigned long long)LOAD(s->log_suppressed));
	}
}

static bool launcher_alive(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

/* Map one stats file read-only and check it; NULL if it is not a live,
 * well-formed stats file.  *bytes is what to munmap. */
static const struct sdvf_stats_header *open_stats(const char *path,
						  size_t *bytes)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	const struct sdvf_stats_header *h = MAP_FAILED;
	if (fstat(fd, &st) == 0 && st.st_size >= SDVF_STATS_PAGE) {
		*bytes = (size_t)st.st_size;
		h = mmap(NULL, *bytes, PROT_READ, MAP_SHARED, fd, 0);
	}
	close(fd);
	if (h == MAP_FAILED)
		return NULL;
	if (h->magic != SDVF_STATS_MAGIC || h->version != SDVF_STATS_VERSION ||
	    h->npds > SDVF_MAX_PDS || h->header_bytes != SDVF_STATS_PAGE ||
	    h->slot_bytes != SDVF_STATS_PAGE ||
	    *bytes < SDVF_STATS_PAGE * (size_t)(1 + h->npds) ||
	    !launcher_alive(h->launcher_pid)) {
		munmap((void *)h, *bytes);
		return NULL;
	}
	return h;
}

static bool is_stats_name(const char *name)
{
	size_t len = strlen(name), suffix = strlen(STATS_SUFFIX);
	return strncmp(name, STATS_PREFIX, strlen(STATS_PREFIX)) == 0 &&
	       len > suffix && strcmp(name + len - suffix, STATS_SUFFIX) == 0;
}

static int print_matching(const char *only, FILE *out)
{
	DIR *dir = opendir(stats_dir());
	if (!dir)
		return 0;
	int shown = 0;
	struct dirent *de;
	while ((de = readdir(dir)) != NULL) {
		if (!is_stats_name(de->d_name))
			continue;
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", stats_dir(), de->d_name);
		size_t bytes = 0;
		const struct sdvf_stats_header *h = open_stats(path, &bytes);
		if (!h)
			continue;
		if (!only || strcmp(only, h->system) == 0) {
			if (shown++)
				fputc('\n', out);
			print_system(h, out);
		}
		munmap((void *)h, bytes);
	}
	closedir(dir);
	return shown;
}

int sdvf_stats_main(int argc, char **argv)
{
	const char *only = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			printf("usage: sdvf stats [SYSTEM]\n"
			       "Print the live per-PD counters of every "
			       "running "
			       "system (or only SYSTEM).\n"
			       "Stats files are read from $SDVF_STATS_DIR "
			       "(default /dev/shm).\n");
			return 0;
		}
		if (argv[i][0] == '-' || only) {
			fprintf(stderr,
				"sdvf stats: unexpected argument '%s' "
				"(usage: sdvf stats [SYSTEM])\n",
				argv[i]);
			return 2;
		}
		only = argv[i];
	}
	if (print_matching(only, stdout) > 0)
		return 0;
	if (only)
		fprintf(stderr, "sdvf stats: no running system named '%s'\n",
			only);
	else
		fprintf(stderr, "sdvf stats: no running system\n");
	return 1;
}
