/*
 * The start of a PD process: from a fork of the launcher to a fresh exec
 * of the same binary that holds only what this PD was given.
 *
 * A forked child shares the launcher's whole memory (copy-on-write): the
 * parsed system description with every PD's configuration, and whatever the
 * loader left in freed heap.  So the child does no more than write its
 * image (struct hosted_pd_image: its own description, its regions' sizes
 * and fds, its channels' eventfds, and a device tree holding its own config
 * node and nothing else) into a memfd, keep exactly the fds the image names
 * and exec the binary the launcher runs (opened once at start, so a binary
 * replaced on disk meanwhile cannot be picked up).  The new process enters
 * through hosted_pd_entry, before main(), and never returns to it.
 *
 * The component is found again by its offset from an anchor in this file:
 * the same binary puts both at the same distance, whatever the load
 * address.  The name stored beside it is checked after the relocation.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "core/hosted/hosted_internal.h"

static const char image_anchor[] = "sdvf pd image anchor";

/* ---- in the forked child ------------------------------------------------ */

/* A tree with one node, /config, holding exactly PD `pd`'s config
 * properties.  Returns its offset in `tree` or -1 if the PD has none;
 * exits on error. */
static int own_config_tree(const struct sdvf_system *sys, int pd, void *tree,
			   int size)
{
	int src = sys->pds[pd].config_node;
	if (fdt_create_empty_tree(tree, size) != 0)
		hosted_setup_fail("image: config tree", ENOMEM);
	if (src < 0)
		return -1;
	int dst = fdt_add_subnode(tree, 0, "config");
	int prop;
	fdt_for_each_property_offset(prop, sys->fdt, src)
	{
		const char *name;
		int len;
		const void *v =
			fdt_getprop_by_offset(sys->fdt, prop, &name, &len);
		if (dst < 0 || !v || fdt_setprop(tree, dst, name, v, len) != 0)
			hosted_setup_fail("image: config tree", ENOSPC);
	}
	fdt_pack(tree);
	return fdt_path_offset(tree, "/config");
}

/* Where PD `pd`'s channel `c` leads inside its group (member and the
 * peer's local channel), or member -1. */
static void local_peer(const struct sdvf_system *sys, int pd, int c,
		       const int *pds, int n, int *member, int *chan)
{
	const struct sdvf_sys_channel *ch = &sys->channels[c];
	int peer = ch->pd[0] == pd ? ch->pd[1] : ch->pd[0];
	*member = -1;
	*chan = -1;
	for (int k = 0; k < n; k++) {
		if (pds[k] != peer)
			continue;
		for (int i = 0; i < sys->pds[peer].nchans; i++) {
			if (sys->pds[peer].chans[i].channel == c) {
				*member = k;
				*chan = i;
			}
		}
	}
}

/* The image of member k of the n PDs `pds` (one PD: n 1), malloc'd,
 * own_fdt appended. */
static struct hosted_pd_image *build_image(const struct hosted_launch *l,
					   const int *pds, int n, int k,
					   int ctl_fd, int log_fd)
{
	const struct sdvf_system *sys = l->sys;
	int pd = pds[k];
	const struct sdvf_sys_pd *d = &sys->pds[pd];
	/* The whole tree holds at least the PD's config: an upper bound. */
	size_t tree_max = fdt_totalsize(sys->fdt) + 1024;
	size_t fdt_offset = (sizeof(struct hosted_pd_image) + 7) & ~(size_t)7;
	struct hosted_pd_image *img = calloc(1, fdt_offset + tree_max);
	if (!img)
		hosted_setup_fail("image", ENOMEM);
	void *tree = (char *)img + fdt_offset;
	*img = (struct hosted_pd_image){
		.magic = HOSTED_IMAGE_MAGIC,
		.component_offset = (int64_t)((uintptr_t)d->component -
					      (uintptr_t)image_anchor),
		.index = pd,
		.launcher_pid = l->launcher_pid,
		.own_uid = l->own_uids,
		/* a group is one process: its first member's uid */
		.uid = l->uid_base + (uint32_t)pds[0],
		.start_fd = l->start_fd,
		.stats_fd = l->stats.fd,
		.ctl_fd = ctl_fd,
		.log_fd = log_fd,
		.group_index = k,
		.group_size = n,
		/* a group's loop neither spins nor sleeps on futexes
		 * (hosted_group.c) */
		.poll_ns = n > 1 ? 0 : l->poll_ns,
		.wake_futex = n > 1 ? false : l->wake_futex,
		.pd = *d,
		.fdt_offset = fdt_offset,
	};
	snprintf(img->component, sizeof(img->component), "%s",
		 d->component->name);
	img->pd.component = NULL; /* an address of this process only */
	img->pd.node = 0;
	img->pd.config_node = own_config_tree(sys, pd, tree, (int)tree_max);
	img->fdt_bytes = fdt_totalsize(tree);
	img->bytes = fdt_offset + img->fdt_bytes;
	for (int i = 0; i < d->nmaps; i++) {
		int r = d->maps[i].region;
		bool writable = (d->maps[i].rights & SDVF_W) != 0;
		img->pd.maps[i].region = i;
		img->regions[i] = sys->regions[r];
		/* A read-only grant gets the O_RDONLY fd, so the kernel
		 * refuses any later mprotect(PROT_WRITE) with EACCES. */
		img->region_fd[i] =
			writable ? l->region_rw_fd[r] : l->region_ro_fd[r];
	}
	for (int i = 0; i < d->nchans; i++) {
		int c = d->chans[i].channel;
		int end = sys->channels[c].pd[0] == pd ? 0 : 1;
		img->pd.chans[i].channel = i;
		img->wake_fd[i] = l->chan_wake_fd[c][end];
		img->signal_fd[i] = l->chan_wake_fd[c][1 - end];
		img->bell_fd[i] = l->chan_bell_fd[c];
		img->bell_end[i] = end;
		local_peer(sys, pd, c, pds, n, &img->local_member[i],
			   &img->local_chan[i]);
	}
	return img;
}

static int write_image(const struct hosted_pd_image *img)
{
	int fd = memfd_create("sdvf-pd-image", MFD_ALLOW_SEALING);
	if (fd < 0)
		hosted_setup_fail("image: memfd_create", errno);
	for (size_t done = 0; done < img->bytes;) {
		ssize_t n =
			write(fd, (const char *)img + done, img->bytes - done);
		if (n < 0 && errno != EINTR)
			hosted_setup_fail("image: write", errno);
		done += n > 0 ? (size_t)n : 0;
	}
	if (fcntl(fd, F_ADD_SEALS,
		  F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		hosted_setup_fail("image: seal", errno);
	return fd;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Keep exactly `keep` (made inheritable, except exe_fd, which execveat
 * needs open until it runs), close everything else. */
static void keep_only(int *keep, int n, int exe_fd)
{
	qsort(keep, (size_t)n, sizeof(*keep), cmp_int);
	unsigned next = 0; /* lowest fd not yet dealt with */
	for (int i = 0; i < n; i++) {
		if (keep[i] < 0 || (unsigned)keep[i] < next)
			continue;
		if ((unsigned)keep[i] > next &&
		    close_range(next, (unsigned)keep[i] - 1, 0) < 0)
			hosted_setup_fail("close_range", errno);
		if (keep[i] != exe_fd && fcntl(keep[i], F_SETFD, 0) < 0)
			hosted_setup_fail("fcntl FD_CLOEXEC", errno);
		next = (unsigned)keep[i] + 1;
	}
	if (close_range(next, ~0u, 0) < 0)
		hosted_setup_fail("close_range", errno);
}

/* The sanitizers' settings, and nothing else of the launcher's
 * environment. */
static void pd_environment(char **envp, size_t max)
{
	static const char *const passed[] = {
		"ASAN_OPTIONS=", "UBSAN_OPTIONS=", "LSAN_OPTIONS="};
	size_t n = 0;
	for (char **e = environ; e && *e && n + 1 < max; e++) {
		for (size_t i = 0; i < sizeof(passed) / sizeof(*passed); i++) {
			if (strncmp(*e, passed[i], strlen(passed[i])) == 0)
				envp[n++] = *e;
		}
	}
	envp[n] = NULL;
}

/* The fds member image `img` names, and the image's own: into keep. */
static int keep_of(const struct hosted_pd_image *img, int img_fd, int *keep)
{
	int n = 0;
	keep[n++] = img->log_fd;
	keep[n++] = img_fd;
	keep[n++] = img->stats_fd;
	keep[n++] = img->start_fd;
	keep[n++] = img->ctl_fd;
	for (int i = 0; i < img->pd.nmaps; i++)
		keep[n++] = img->region_fd[i];
	for (int i = 0; i < img->pd.nchans; i++) {
		keep[n++] = img->wake_fd[i];
		keep[n++] = img->signal_fd[i];
		keep[n++] = img->bell_fd[i];
	}
	return n;
}

#define KEEP_PER_PD (5 + SDVF_MAX_MAPS + 3 * SDVF_MAX_PD_CHANS)

_Noreturn void hosted_pd_exec(const struct hosted_launch *l, int pd, int log_fd,
			      int ctl_fd)
{
	hosted_group_exec(l, &pd, 1, &log_fd, &ctl_fd);
}

_Noreturn void hosted_group_exec(const struct hosted_launch *l, const int *pds,
				 int npds, const int *log_fds,
				 const int *ctl_fds)
{
	/* Die with the launcher; kept across the exec. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	int log_fd[SDVF_MAX_GROUP] = {-1};
	if (npds < 1 || npds > SDVF_MAX_GROUP)
		_exit(HOSTED_EXIT_SETUP);
	for (int k = 0; k < npds; k++) {
		log_fd[k] = log_fds[k];
		/* Out of the way of fd 2, which the first member's takes. */
		if (k > 0 && log_fd[k] <= 2 &&
		    (log_fd[k] = fcntl(log_fds[k], F_DUPFD_CLOEXEC, 3)) < 0)
			_exit(HOSTED_EXIT_SETUP);
	}
	if (log_fd[0] != 2 && dup2(log_fd[0], 2) < 0)
		_exit(HOSTED_EXIT_SETUP);
	log_fd[0] = 2;
	static int keep[1 + SDVF_MAX_GROUP * KEEP_PER_PD];
	int n = 0;
	char fd_text[SDVF_MAX_GROUP * 12] = "";
	size_t text = 0;
	keep[n++] = l->exe_fd;
	for (int k = 0; k < npds; k++) {
		struct hosted_pd_image *img =
			build_image(l, pds, npds, k, ctl_fds[k], log_fd[k]);
		int img_fd = write_image(img);
		n += keep_of(img, img_fd, keep + n);
		free(img);
		text += (size_t)snprintf(fd_text + text, sizeof(fd_text) - text,
					 "%s%d", k ? "," : "", img_fd);
	}
	keep_only(keep, n, l->exe_fd);

	char *envp[8];
	const struct sdvf_sys_pd *lead = &l->sys->pds[pds[0]];
	char *argv[] = {HOSTED_PD_ARGV0, fd_text,
			(char *)(npds > 1 ? lead->group : lead->name), NULL};
	pd_environment(envp, sizeof(envp) / sizeof(*envp));
	execveat(l->exe_fd, "", argv, envp, AT_EMPTY_PATH);
	hosted_setup_fail("exec", errno);
}

/* ---- after the exec ----------------------------------------------------- */

static bool image_ok(const struct hosted_pd_image *img, size_t size)
{
	const struct sdvf_sys_pd *d = &img->pd;
	return img->magic == HOSTED_IMAGE_MAGIC && img->bytes == size &&
	       img->fdt_offset >= sizeof(*img) && img->fdt_offset <= size &&
	       img->fdt_bytes <= size - img->fdt_offset &&
	       img->fdt_bytes >= sizeof(struct fdt_header) &&
	       fdt_check_header((const char *)img + img->fdt_offset) == 0 &&
	       fdt_totalsize((const char *)img + img->fdt_offset) <=
		       img->fdt_bytes &&
	       d->nmaps >= 0 && d->nmaps <= SDVF_MAX_MAPS && d->nchans >= 0 &&
	       d->nchans <= SDVF_MAX_PD_CHANS && img->group_size >= 1 &&
	       img->group_size <= SDVF_MAX_GROUP && img->group_index >= 0 &&
	       img->group_index < img->group_size &&
	       memchr(img->component, '\0', sizeof(img->component)) &&
	       memchr(d->name, '\0', sizeof(d->name));
}

const struct hosted_pd_image *hosted_image_load(const char *fd_text,
						struct sdvf_system *own)
{
	char *end;
	long fd = strtol(fd_text, &end, 10);
	if (*fd_text == '\0' || *end != '\0' || fd < 0 || fd > 1 << 20)
		hosted_setup_fail("image: bad fd argument", EINVAL);
	off_t size = lseek((int)fd, 0, SEEK_END);
	if (size < (off_t)sizeof(struct hosted_pd_image))
		hosted_setup_fail("image: size", size < 0 ? errno : EINVAL);
	const struct hosted_pd_image *img =
		mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, (int)fd, 0);
	if (img == MAP_FAILED)
		hosted_setup_fail("image: mmap", errno);
	close((int)fd);
	if (!image_ok(img, (size_t)size))
		hosted_setup_fail("image: not a valid PD image", EINVAL);
	const struct sdvf_component *comp =
		(const void *)((uintptr_t)image_anchor +
			       (uintptr_t)img->component_offset);
	if (strcmp(comp->name, img->component) != 0)
		hosted_setup_fail("image: component not in this binary",
				  EINVAL);

	memset(own, 0, sizeof(*own));
	own->path = img->pd.name;
	own->fdt = (void *)((uintptr_t)img +
			    (uintptr_t)img->fdt_offset); /* read only */
	own->pds[0] = img->pd;
	own->pds[0].component = comp;
	own->npds = 1;
	for (int i = 0; i < img->pd.nmaps; i++)
		own->regions[i] = img->regions[i];
	own->nregions = img->pd.nmaps;
	return img;
}

/* Entered before main() in every process of a binary linking the hosted
 * runtime; only a PD process (argv[0] HOSTED_PD_ARGV0, as hosted_pd_exec
 * sets it) is taken over.  glibc passes argc and argv to constructors. */
__attribute__((constructor)) static void hosted_pd_entry(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[0], HOSTED_PD_ARGV0) == 0)
		hosted_pd_main(argv[1]);
}
