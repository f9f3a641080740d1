/*
 * Shared between the parts of the hosted runtime: the launcher and monitor
 * (hosted_launch.c), the log pipes it reads (hosted_log.c), the control
 * sockets it talks to PDs through (hosted_control.c), the start of a
 * PD process (hosted_image.c), the PD itself (hosted_pd.c, hosted_ops.c,
 * hosted_wake.c) and its
 * confinement (hosted_confine.c, hosted_seccomp.c).  Not a contract for
 * anyone else: see core/hosted/hosted.h and docs/runtime-hosted.md.
 *
 * A PD starts as a fork of the launcher that at once execs the launcher's
 * own binary again (hosted_pd_exec), so it holds nothing of the launcher's
 * memory.  What it needs crosses the exec in its image (struct
 * hosted_pd_image, in a memfd) and in the fds the image names; nothing else
 * does.
 */
#ifndef SDVF_HOSTED_INTERNAL_H
#define SDVF_HOSTED_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "core/hosted/stats.h"
#include "core/sysdesc/system.h"

/* The launcher's state the start of a PD reads.  The launcher fills it
 * before the first fork; afterwards it only closes region fds no
 * restartable PD needs (-1 from then on) and the start barrier. */
struct hosted_launch {
	const struct sdvf_system *sys;
	pid_t launcher_pid;
	int exe_fd; /* our binary, O_RDONLY: PDs exec it */
	int region_rw_fd[SDVF_MAX_REGIONS]; /* the memfd itself */
	int region_ro_fd[SDVF_MAX_REGIONS]; /* reopened O_RDONLY via /proc */
	/* chan_wake_fd[c][e]: the eventfd the PD at end e of channel c waits
	 * on; its peer writes it.  So a PD never wakes on its own signal. */
	int chan_wake_fd[SDVF_MAX_CHANNELS][2];
	/* chan_bell_fd[c]: channel c's bell page (core/hosted/hosted_wake.h),
	 * a sealed memfd both ends map read-write. */
	int chan_bell_fd[SDVF_MAX_CHANNELS];
	/* How long a PD may spin on its bells before it sleeps, from
	 * $SDVF_POLL_US (0: never). */
	uint64_t poll_ns;
	/* $SDVF_WAKE=futex: PDs without host fds sleep in futex_waitv on
	 * their bells (core/hosted/hosted_wake.h) instead of epoll. */
	bool wake_futex;
	/* Read end of the start barrier: a PD reads it until EOF before any
	 * component code runs; the launcher closes the write end once it has
	 * closed every fd it no longer needs.  -1 after that (restarts). */
	int start_fd;
	bool own_uids;	   /* root: PD i runs as uid = gid = uid_base + i */
	uint32_t uid_base; /* SDVF_UID_BASE */
	struct sdvf_stats_file stats;
};

/* Exit statuses of a PD process (the monitor names them). */
enum hosted_exit {
	HOSTED_EXIT_SETUP = 70, /* image, mapping, fds, pinning, confinement */
	HOSTED_EXIT_INIT = 71,	/* the component's init() refused to start */
	HOSTED_EXIT_LOOP = 72,	/* the event loop hit an unexpected error */
};

/* ---- a PD's image (hosted_image.c) ---------------------------------------
 *
 * Everything a PD process gets from the launcher, built in the forked child
 * from the launcher's system and read back after the exec.  Fixed-size
 * fields, no pointers: `pd`'s maps and channels are renumbered so that map
 * i is regions[i] and channel i is local channel i, and its config node
 * lives in a tree of its own (own_fdt) that holds this PD's config and
 * nothing else.
 */
#define HOSTED_IMAGE_MAGIC 0x31474d4946564453ull /* "SDVFIMG1" */
#define HOSTED_PD_ARGV0 "sdvf-pd"		 /* argv[0] of a PD process */

struct hosted_pd_image {
	uint64_t magic;
	uint64_t bytes; /* the whole image, own_fdt included */
	char component[SDVF_NAME_MAX];
	int64_t component_offset; /* from hosted_image.c's anchor: the same
				     binary, so the same offset after exec */
	int index;		  /* in the system: stats slot, uid */
	pid_t launcher_pid;
	bool own_uid;
	uint32_t uid; /* = gid, when own_uid */
	int start_fd; /* barrier to read until EOF, or -1 */
	int stats_fd; /* the stats file, to map our slot */
	int ctl_fd;   /* its end of its control socket */
	int log_fd;   /* its log pipe: 2, or in a group another fd */
	/* Co-location (core/hosted/hosted_group.c): this PD is member
	 * group_index of group_size PDs in one process (1: alone).  A
	 * channel whose peer is a member too names it: local_member[i]
	 * (else -1) and the peer's local channel local_chan[i]. */
	int group_index, group_size;
	int local_member[SDVF_MAX_PD_CHANS];
	int local_chan[SDVF_MAX_PD_CHANS];
	struct sdvf_sys_pd pd;
	struct sdvf_sys_region regions[SDVF_MAX_MAPS];
	int region_fd[SDVF_MAX_MAPS]; /* per map: rw or ro fd as granted */
	int wake_fd[SDVF_MAX_PD_CHANS];
	int signal_fd[SDVF_MAX_PD_CHANS];
	int bell_fd[SDVF_MAX_PD_CHANS];	 /* the channel's bell page */
	int bell_end[SDVF_MAX_PD_CHANS]; /* our end: 0 or 1 */
	uint64_t poll_ns;		 /* struct hosted_launch's */
	bool wake_futex;		 /* struct hosted_launch's */
	uint64_t fdt_offset, fdt_bytes;	 /* own_fdt, within the image */
};

/* In the forked child: give the child log_fd as fd 2, write PD `pd`'s
 * image (ctl_fd: its end of its control socket), keep exactly the fds it
 * names and exec HOSTED_PD_ARGV0.  Never returns. */
_Noreturn void hosted_pd_exec(const struct hosted_launch *l, int pd, int log_fd,
			      int ctl_fd);
/* The same for the n PDs of one group (n >= 1, in the description's
 * order), one process: an image each, the first member's log pipe as fd
 * 2, every other's at its own fd; argv[1] lists the image fds, comma
 * separated. */
_Noreturn void hosted_group_exec(const struct hosted_launch *l, const int *pds,
				 int n, const int *log_fds, const int *ctl_fds);

/* After the exec: map the image in fd `fd_text` (argv[1]) and build `own`,
 * the system of this one PD.  Exits with HOSTED_EXIT_SETUP on error. */
const struct hosted_pd_image *hosted_image_load(const char *fd_text,
						struct sdvf_system *own);

/* The PD process proper (hosted_pd.c), run from hosted_image.c's entry
 * point before main(); a group's (hosted_group.c) when argv[1] lists more
 * than one image. */
_Noreturn void hosted_pd_main(const char *image_fd_text);
_Noreturn void hosted_group_main(const char *image_fds_text);

/* A setup failure before the event loop: "error: WHAT: WHY" on fd 2 (the
 * launcher adds the PD's name), then exit HOSTED_EXIT_SETUP. */
_Noreturn void hosted_setup_fail(const char *what, int err);

/* A region behind Linux UIO (r->uio_device set), mapped with prot: its
 * first byte (core/hosted/hosted_uio.c); fails the setup if it cannot. */
void *hosted_uio_map(const struct sdvf_sys_region *r, int prot);

/* ---- confinement (hosted_confine.c, hosted_seccomp.c) -------------------- */

#define HOSTED_MAX_HOST_FDS 32

/* The fds a PD's filter lets it use, each only as its role needs. */
struct hosted_pd_fds {
	int epoll_fd, timer_fd, log_fd, ctl_fd;
	const int *wake_fd, *signal_fd; /* per channel */
	int nchans;
	int host_fd[HOSTED_MAX_HOST_FDS]; /* device, VMM: opened by init() */
	int nhost;
	bool futex_wait; /* it sleeps in futex_waitv (hosted_wake.h) */
};

struct hosted_confinement {
	enum sdvf_role role;
	bool own_uid;
	uint32_t uid; /* = gid */
	pid_t launcher_pid;
	struct hosted_pd_fds fds;
	/* A group (hosted_group.c): the other members' roles and fds; its
	 * filter allows the union of every member's. */
	const enum sdvf_role *more_roles;
	const struct hosted_pd_fds *more_fds;
	int nmore;
};

/* Lose every privilege (own uid/gid if root, no groups, no capabilities,
 * no_new_privs, not dumpable), re-arm the parent-death signal, then load
 * the role's seccomp filter.  Exits with HOSTED_EXIT_SETUP on any error. */
void hosted_confine(const struct hosted_confinement *c);

/* Roles whose init() does privileged host set-up (a TAP, /dev/kvm) and so
 * runs before hosted_confine; the others are confined before init(). */
static inline bool hosted_role_sets_up_host(enum sdvf_role role)
{
	return role == SDVF_ROLE_DEVICE || role == SDVF_ROLE_VMM;
}

/* Install the role's filter (default: kill the process).  Returns 0 or a
 * negative errno. */
int hosted_seccomp_load(enum sdvf_role role, const struct hosted_pd_fds *fds);
/* The filter of a group's process: the loop's rules on every member's fds
 * and the rules of every member's role (roles[i] with fds[i]). */
int hosted_seccomp_load_group(const enum sdvf_role *roles,
			      const struct hosted_pd_fds *fds, int n);

/* ---- logs (hosted_log.c) -------------------------------------------------
 *
 * Each PD's fd 2 is the write end of a pipe the launcher reads.  The
 * launcher prefixes each line with "[pd] " itself, replaces every byte that
 * is not printable ASCII, cuts lines at HOSTED_LOG_LINE_MAX and enforces a
 * rate limit of its own (twice the PD runtime's, so it never trims a PD
 * whose runtime limits it).
 */
#define HOSTED_LOG_LINE_MAX 512
#define HOSTED_LOG_BURST 20   /* the PD runtime's limit: lines at once */
#define HOSTED_LOG_PER_SEC 10 /* then lines per second */

/* Token bucket; zero-initialised means full on first use. */
struct hosted_log_bucket {
	double tokens;
	uint64_t refill_ns; /* 0: never used */
};

/* Take one line's token; false if the line is over the limit. */
bool hosted_log_take(struct hosted_log_bucket *b, uint64_t now_ns,
		     unsigned burst, unsigned per_sec);

/* The launcher's end of one PD's log. */
struct hosted_log_stream {
	int fd; /* read end, non-blocking; -1 when closed */
	char line[HOSTED_LOG_LINE_MAX];
	size_t len;
	bool cut;			 /* the current line passed the bound */
	struct hosted_log_bucket bucket; /* kept across restarts */
	uint64_t dropped; /* by the launcher, since the last line out */
};

void hosted_log_init(struct hosted_log_stream *s);
/* Finish any previous pipe of `s`, make a new one; returns the write end
 * (O_NONBLOCK, close-on-exec) for the child, or -1. */
int hosted_log_open(struct hosted_log_stream *s, const char *name, FILE *out);
/* Pass on what is waiting now (bounded).  At EOF it flushes a half line and
 * closes the pipe. */
void hosted_log_pump(struct hosted_log_stream *s, const char *name, FILE *out);
/* The PD is gone: pass on everything left, then close. */
void hosted_log_finish(struct hosted_log_stream *s, const char *name,
		       FILE *out);

/* ---- control sockets (hosted_control.c) ----------------------------------
 *
 * One SOCK_SEQPACKET socketpair per PD process, made when the monitor starts
 * it: the monitor asks a running PD to run peer_restart (core/pd.h) before
 * it restarts the PD at the other end of one of its channels, and the PD
 * answers once it has; a PD tells the monitor it called sdvf_fail.  One
 * struct hosted_ctl_msg per message.  The monitor trusts nothing a PD
 * sends: a message of the wrong size or kind, or an answer to a question
 * never asked, is counted and ignored, and it reads a bounded number per
 * wake-up.
 */
enum hosted_ctl_kind {
	HOSTED_CTL_PEER_RESTART = 1,  /* monitor -> PD: run peer_restart */
	HOSTED_CTL_PEER_RESTART_DONE, /* PD -> monitor: it has returned */
	HOSTED_CTL_FAILED,	      /* PD -> monitor: sdvf_fail */
};

struct hosted_ctl_msg {
	uint32_t kind;	  /* enum hosted_ctl_kind */
	uint32_t channel; /* PEER_RESTART(_DONE): the PD's local channel */
	uint64_t seq;	  /* PEER_RESTART: the monitor's number; echoed */
};

/* How long the monitor waits for every peer's PEER_RESTART_DONE before it
 * restarts a PD anyway (and counts each one missing as a failure). */
#define HOSTED_PEER_RESTART_TIMEOUT_MS 1000

/* The monitor's end of one PD's control socket. */
struct hosted_ctl {
	int fd;		   /* -1 while no process of the PD runs */
	uint64_t asked;	   /* seq of the last PEER_RESTART sent */
	uint64_t answered; /* seq of the last valid PEER_RESTART_DONE */
	uint64_t failures; /* FAILED messages, over every incarnation */
	uint64_t invalid;  /* messages refused */
};

void hosted_ctl_init(struct hosted_ctl *c);
/* A new socket for a new process (the old one, if any, is closed).
 * Returns the PD's end (non-blocking, close-on-exec) or -1. */
int hosted_ctl_open(struct hosted_ctl *c);
void hosted_ctl_close(struct hosted_ctl *c);
/* Send PEER_RESTART for the PD's local channel; false if it could not be
 * sent (the PD is gone). */
bool hosted_ctl_ask_peer_restart(struct hosted_ctl *c, uint32_t channel);
/* Read what is waiting (bounded).  At EOF (the PD is gone) it closes the
 * socket. */
void hosted_ctl_pump(struct hosted_ctl *c);

#endif
