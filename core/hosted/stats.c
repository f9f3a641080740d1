/*
 * The stats file of a running hosted system (layout and the trust rules of
 * its directory: core/hosted/stats.h): the directory, and the file created,
 * published and removed by the launcher.  Reading it is
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

/* Numbered variants tried when a name is taken: "sdvf-S.PID.2.stats" ... */
#define PUBLISH_TRIES 100

/* ---- the directory -------------------------------------------------- */

bool sdvf_stats_dir(char path[SDVF_STATS_PATH_MAX])
{
	const char *env = getenv("SDVF_STATS_DIR");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n;
	if (env && *env)
		n = snprintf(path, SDVF_STATS_PATH_MAX, "%s", env);
	else if (geteuid() == 0) /* whatever XDG_RUNTIME_DIR sudo kept */
		n = snprintf(path, SDVF_STATS_PATH_MAX, "/run/sdvf");
	else if (xdg && xdg[0] == '/')
		n = snprintf(path, SDVF_STATS_PATH_MAX, "%s/sdvf", xdg);
	else
		n = snprintf(path, SDVF_STATS_PATH_MAX, "/tmp/sdvf-%u",
			     (unsigned)geteuid());
	return n > 0 && n < SDVF_STATS_PATH_MAX;
}

int sdvf_stats_dir_open(const char *path, bool create,
			char why[SDVF_STATS_WHY_MAX])
{
	struct stat st;
	if (create && mkdir(path, 0700) < 0 && errno != EEXIST) {
		snprintf(why, SDVF_STATS_WHY_MAX, "cannot create it: %s",
			 strerror(errno));
		return -1;
	}
	/* The checks are on the directory we hold, not on the path again. */
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		snprintf(why, SDVF_STATS_WHY_MAX, "%s",
			 e == ELOOP || e == ENOTDIR
				 ? "not a directory (a symbolic link or a file)"
				 : strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(fd, &st) < 0)
		snprintf(why, SDVF_STATS_WHY_MAX, "%s", strerror(errno));
	else if (st.st_uid != geteuid())
		snprintf(why, SDVF_STATS_WHY_MAX,
			 "owned by uid %u, not by you (uid %u)",
			 (unsigned)st.st_uid, (unsigned)geteuid());
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		snprintf(why, SDVF_STATS_WHY_MAX,
			 "writable by others (mode %04o; make it yours alone: "
			 "chmod 700)",
			 (unsigned)(st.st_mode & 07777));
	else
		return fd;
	close(fd);
	errno = EACCES;
	return -1;
}

uint64_t sdvf_process_start(int pid)
{
	char path[32], text[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	int fd = pid > 0 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	ssize_t n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	/* "PID (COMM) STATE ...": COMM may hold anything, ')' too; field 3
	 * (STATE) follows the last ')', field 22 is 19 fields further. */
	char *at = strrchr(text, ')');
	for (int field = 2; at && field < 22; field++)
		at = strchr(at + 1, ' ');
	return at ? strtoull(at + 1, NULL, 10) : 0;
}

/* ---- the file ------------------------------------------------------- */

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

/* Both ends of every channel, so a reader can name the PD a mux's "cN"
 * leads to.  Each PD end is found by its channel index in the PD's list. */
static void fill_links(struct sdvf_stats_header *h,
		       const struct sdvf_system *sys)
{
	h->nlinks = 0;
	for (int p = 0; p < sys->npds; p++) {
		const struct sdvf_sys_pd *d = &sys->pds[p];
		for (int c = 0; c < d->nchans; c++) {
			const struct sdvf_sys_channel *ch =
				&sys->channels[d->chans[c].channel];
			int peer = ch->pd[0] == p ? ch->pd[1] : ch->pd[0];
			/* cannot be full: two ends per channel at most */
			if (h->nlinks == SDVF_STATS_LINKS_MAX || peer < 0)
				continue;
			struct sdvf_stats_link *l = &h->link[h->nlinks];
			l->pd = (uint8_t)p;
			l->peer = (uint8_t)peer;
			copy_name(l->local, sizeof(l->local), d->chans[c].local,
				  strlen(d->chans[c].local));
			h->nlinks++;
		}
	}
}

static void fill_header(struct sdvf_stats_header *h,
			const struct sdvf_system *sys)
{
	h->magic = SDVF_STATS_MAGIC;
	h->version = SDVF_STATS_VERSION;
	h->header_bytes = SDVF_STATS_HEADER_BYTES;
	h->slot_bytes = SDVF_STATS_SLOT_BYTES;
	h->npds = (uint32_t)sys->npds;
	h->launcher_pid = (int32_t)getpid();
	h->launcher_start = sdvf_process_start(getpid());
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
	fill_links(h, sys);
}

/* The unnamed file in the stats directory; else, after a warning, a memfd
 * that only the PDs and this launcher will ever see. */
static int create_file(struct sdvf_stats_file *f, FILE *err)
{
	char dir[SDVF_STATS_PATH_MAX], why[SDVF_STATS_WHY_MAX];
	int fd = -1;
	if (!sdvf_stats_dir(dir)) {
		snprintf(why, sizeof(why), "path too long");
	} else {
		f->dir_fd = sdvf_stats_dir_open(dir, true, why);
		/* unnamed until complete: readers never see a partial header */
		if (f->dir_fd >= 0)
			fd = openat(f->dir_fd, ".",
				    O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (f->dir_fd >= 0 && fd < 0)
			snprintf(why, sizeof(why), "cannot create a file: %s",
				 strerror(errno));
	}
	if (fd >= 0)
		return fd;
	fprintf(err,
		"sdvf: stats directory %s: %s; `sdvf stats` will not see this "
		"system\n",
		dir, why);
	if (f->dir_fd >= 0)
		close(f->dir_fd);
	f->dir_fd = -1;
	snprintf(f->path, sizeof(f->path), "none");
	return memfd_create("sdvf-stats", MFD_CLOEXEC);
}

int sdvf_stats_create(struct sdvf_stats_file *f, const struct sdvf_system *sys,
		      FILE *err)
{
	size_t bytes = sdvf_stats_file_bytes((uint32_t)sys->npds);
	f->path[0] = f->name[0] = '\0';
	f->header = NULL;
	f->dir_fd = -1;
	f->fd = create_file(f, err);
	if (f->fd < 0 || ftruncate(f->fd, (off_t)bytes) < 0)
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
	sdvf_stats_destroy(f);
	return -1;
}

int sdvf_stats_publish(struct sdvf_stats_file *f, FILE *err)
{
	char proc[64], dir[SDVF_STATS_PATH_MAX];
	if (f->dir_fd < 0)
		return 0; /* create said why */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", f->fd);
	for (int n = 1; n <= PUBLISH_TRIES; n++) {
		char number[16] = "";
		if (n > 1)
			snprintf(number, sizeof(number), ".%d", n);
		snprintf(f->name, sizeof(f->name),
			 SDVF_STATS_PREFIX "%s.%d%s" SDVF_STATS_SUFFIX,
			 f->header->system, (int)f->header->launcher_pid,
			 number);
		if (linkat(AT_FDCWD, proc, f->dir_fd, f->name,
			   AT_SYMLINK_FOLLOW) == 0)
			break;
		f->name[0] = '\0';
		if (errno != EEXIST)
			break;
	}
	int e = errno;
	if (!sdvf_stats_dir(dir))
		dir[0] = '\0';
	if (f->name[0]) {
		snprintf(f->path, sizeof(f->path), "%s/%s", dir, f->name);
		return 0;
	}
	fprintf(err,
		"sdvf: publishing stats in %s: %s; `sdvf stats` will not see "
		"this system\n",
		dir, strerror(e));
	snprintf(f->path, sizeof(f->path), "none");
	return 0;
}

void sdvf_stats_destroy(struct sdvf_stats_file *f)
{
	if (f->name[0])
		unlinkat(f->dir_fd, f->name, 0);
	f->name[0] = '\0';
	if (f->header)
		munmap(f->header, sdvf_stats_file_bytes(f->header->npds));
	f->header = NULL;
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->dir_fd >= 0)
		close(f->dir_fd);
	f->dir_fd = -1;
}
