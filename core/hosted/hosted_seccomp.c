/*
 * The seccomp filter of every PD, one allow-list per role on top of the
 * event loop's own calls.  Anything else kills the whole process (SIGSYS),
 * which the monitor reports.  Calls on an fd are allowed on the PD's own fd
 * numbers only (the low 32 bits, which is what the kernel reads): a PD
 * cannot open or duplicate an fd once confined (a device may only close
 * one of its own host fds), so those numbers name the same files, or
 * none, for the rest of its life.  Why each role gets what
 * it gets: docs/runtime-hosted.md.
 */
#include <errno.h>
#include <linux/futex.h>
#ifndef __arm__ /* 32-bit Arm has had no KVM since Linux 5.7 */
#include <linux/kvm.h>
#endif
#include <seccomp.h>
#include <sys/mman.h>
#include <time.h>

#include "core/hosted/hosted_internal.h"

/* What a rule requires of the call's first argument. */
enum arg0 {
	ARG_ANY,     /* nothing: the call takes no fd */
	ON_EPOLL,    /* the PD's epoll fd */
	ON_TIMER,    /* its timerfd */
	ON_WAKE,     /* its timerfd, its control socket (the eventfds it
			waits on are edge-triggered, never read) */
	ON_SIGNAL,   /* its peers' eventfds, its log pipe, its control
			socket */
	ON_HOST,     /* an fd its init() opened (device, VMM) */
	ON_HOST_KVM, /* the same, with a command from kvm_ioctls */
	ANON_DATA,   /* mmap of private anonymous memory, never PROT_EXEC */
	/* The futex wake path (core/hosted/hosted_wake.h): */
	OP_FUTEX_WAKE, /* futex with op exactly FUTEX_WAKE (shared) */
	FUTEX_WAITV,   /* futex_waitv, flags 0, CLOCK_MONOTONIC: futex mode
			  only */
	FUTEX_PRIVATE, /* futex: FUTEX_WAIT_PRIVATE or FUTEX_WAKE_PRIVATE (the
			  VMM's vCPU threads) */
};

struct rule {
	const char *call;
	enum arg0 arg0;
};

/* Every role: the event loop and the runtime ops (core/hosted/hosted_pd.c,
 * hosted_ops.c, hosted_wake.c). */
static const struct rule loop_rules[] = {
	{"epoll_wait", ON_EPOLL},      /* the loop's wait (x86-64 glibc) */
	{"epoll_pwait", ON_EPOLL},     /* the same where there is no
					  epoll_wait (aarch64) */
	{"epoll_pwait2", ON_EPOLL},    /* newer glibc may use it */
	{"read", ON_WAKE},	       /* drain the timerfd count; a request of
					  the monitor */
	{"write", ON_SIGNAL},	       /* signal a peer; a log line; an answer
					  or a failure to the monitor */
	{"timerfd_settime", ON_TIMER}, /* sdvf_timer_set */
	{"clock_gettime", ARG_ANY},    /* sdvf_now_ns, the log limit (when the
					  vDSO cannot serve it) */
	{"clock_nanosleep", ARG_ANY},  /* sdvf_wait's short sleeps */
	{"nanosleep", ARG_ANY},	       /* the same with older libcs */
	{"sched_yield", ARG_ANY},      /* sdvf_wait's spin */
	{"restart_syscall", ARG_ANY},  /* resume a sleep a stop/continue
					  signal interrupted */
	{"exit_group", ARG_ANY},       /* leaving (_exit) */
	/* The futex wake path: any PD may ring a peer that sleeps on a futex
	 * (or claims to), so FUTEX_WAKE is every role's; futex_waitv only a
	 * PD in futex mode.  Waking or waiting needs no fd, and reaches only
	 * futexes in memory the PD maps. */
	{"futex", OP_FUTEX_WAKE},
	{"futex_waitv", FUTEX_WAITV},
	/* 32-bit Arm (the armhf i.MX7 image, docs/enet.md): glibc calls the
	 * 64-bit-time variants of the calls above; no such calls elsewhere. */
	{"clock_gettime64", ARG_ANY},
	{"clock_nanosleep_time64", ARG_ANY},
	{"timerfd_settime64", ON_TIMER},
	{"futex_time64", OP_FUTEX_WAKE},
	{NULL, ARG_ANY},
};

/* Mux, driver: nothing beyond their channels.  (A driver of real
 * hardware through UIO too: its registers and DMA window are regions, and
 * its interrupt's fd belongs to the enet_uio device PD.) */
static const struct rule no_rules[] = {{NULL, ARG_ANY}};

/* Client: the heap of libc's malloc, for the lwIP clients (liblwip is built
 * with MEM_LIBC_MALLOC; clients/lwip_netif.c turns malloc's mmap off, so
 * brk is all it needs).  brk only moves the end of the PD's own data
 * segment: no file, no shared mapping, no executable page. */
static const struct rule client_rules[] = {
	{"brk", ARG_ANY},
#if defined(__SANITIZE_ADDRESS__)
	/* The ASan build only: its allocator maps its chunks and shadow on
	 * demand.  Private anonymous memory, readable and writable, never
	 * executable: no file, no region, nothing shared (no fd to map).
	 * munmap: only this process's own view of what it maps. */
	{"mmap", ANON_DATA},
	{"munmap", ARG_ANY},
#endif
	{NULL, ARG_ANY},
};

/* Device (hardware model): the host I/O of its wire backend. */
static const struct rule device_rules[] = {
	{"read", ON_HOST},	 /* tap frames, pcap replay, loopback eventfd */
	{"write", ON_HOST},	 /* tap frames, pcap record, loopback eventfd */
	{"recvfrom", ON_HOST},	 /* udp wire: a datagram and its sender */
	{"recvmsg", ON_HOST},	 /* udp wire: the same with the kernel's
				    drop count (SO_RXQ_OVFL) */
	{"pread64", ON_HOST},	 /* tap wire: the interface's tx_dropped */
	{"close", ON_HOST},	 /* a wire that failed drops its own fd; no
				    call can open a new one in its place */
	{"sendto", ON_HOST},	 /* udp wire: a datagram to the peer */
	{"lseek", ON_HOST},	 /* pcap replay skips a record it refuses */
	{"epoll_ctl", ON_EPOLL}, /* watch_fd: a wire fd into its own loop */
	{NULL, ARG_ANY},
};

/* VMM (vmm/vmm_pd_kvm.c): the KVM calls of a running guest on the fds its
 * init() opened (vCPU fds, the VM fd; /dev/kvm and the vGIC fd are closed
 * by then), its eventfds (ioeventfds, irqfd, kick,
 * stopped) and its console file.  Its vCPU threads, started in init(),
 * get the same filter (TSYNC, hosted_seccomp_load).  futex: the device
 * lock the vCPU threads and the main thread share (a pthread mutex, and
 * stdio's lock on stderr), private wait and wake only: a private futex
 * names a word of this process's own memory. */
static const struct rule vmm_rules[] = {
	{"ioctl", ON_HOST_KVM},	  /* the commands in kvm_ioctls */
	{"read", ON_HOST},	  /* an eventfd's count */
	{"write", ON_HOST},	  /* an irqfd's or eventfd's signal; the
				     guest's console */
	{"futex", FUTEX_PRIVATE}, /* the device lock */
	{NULL, ARG_ANY},
};

static const unsigned long kvm_ioctls[] = {
#ifdef __arm__
	0, /* no KVM: allow_kvm allows nothing (the vmm refuses to start) */
#else
	KVM_RUN,	     /* run a vCPU until its next exit */
	KVM_IRQ_LINE,	     /* the UART's line; virtio's without irqfd */
	KVM_SET_VCPU_EVENTS, /* an external abort for an access KVM cannot
				decode (vmm_kvm.c handle_nisv) */
#endif
};

static const struct rule *const role_rules[] = {
	[SDVF_ROLE_CLIENT] = client_rules, [SDVF_ROLE_MUX] = no_rules,
	[SDVF_ROLE_DRIVER] = no_rules,	   [SDVF_ROLE_DEVICE] = device_rules,
	[SDVF_ROLE_VMM] = vmm_rules,
};

static int allow_on(scmp_filter_ctx ctx, int nr, int fd)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
				SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)fd));
}

static int allow_on_fds(scmp_filter_ctx ctx, int nr, const int *fds, int n)
{
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++)
		rc = allow_on(ctx, nr, fds[i]);
	return rc;
}

static int allow_kvm(scmp_filter_ctx ctx, int nr, const struct hosted_pd_fds *f)
{
	int rc = 0;
#ifdef __arm__
	return rc;
#endif
	for (int i = 0; i < f->nhost && rc == 0; i++) {
		for (size_t k = 0;
		     k < sizeof(kvm_ioctls) / sizeof(*kvm_ioctls) && rc == 0;
		     k++)
			rc = seccomp_rule_add(
				ctx, SCMP_ACT_ALLOW, nr, 2,
				SCMP_A0_32(SCMP_CMP_EQ,
					   (uint32_t)f->host_fd[i]),
				SCMP_A1_32(SCMP_CMP_EQ,
					   (uint32_t)kvm_ioctls[k]));
	}
	return rc;
}

static int add_rule(scmp_filter_ctx ctx, const struct rule *r,
		    const struct hosted_pd_fds *f)
{
	int nr = seccomp_syscall_resolve_name(r->call);
	if (nr == __NR_SCMP_ERROR || nr < 0)
		return 0; /* not a system call on this architecture */
	switch (r->arg0) {
	case ARG_ANY:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	case ON_EPOLL:
		return allow_on(ctx, nr, f->epoll_fd);
	case ON_TIMER:
		return allow_on(ctx, nr, f->timer_fd);
	case ON_WAKE: {
		int rc = allow_on(ctx, nr, f->timer_fd);
		return rc ? rc : allow_on(ctx, nr, f->ctl_fd);
	}
	case ON_SIGNAL: {
		int rc = allow_on(ctx, nr, f->log_fd);
		rc = rc ? rc : allow_on(ctx, nr, f->ctl_fd);
		return rc ? rc : allow_on_fds(ctx, nr, f->signal_fd, f->nchans);
	}
	case ON_HOST:
		return allow_on_fds(ctx, nr, f->host_fd, f->nhost);
	case ON_HOST_KVM:
		return allow_kvm(ctx, nr, f);
	case OP_FUTEX_WAKE:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					SCMP_A1_32(SCMP_CMP_EQ, FUTEX_WAKE));
	case FUTEX_WAITV:
		if (!f->futex_wait)
			return 0;
		return seccomp_rule_add(
			ctx, SCMP_ACT_ALLOW, nr, 2, SCMP_A2_32(SCMP_CMP_EQ, 0),
			SCMP_A4_32(SCMP_CMP_EQ, CLOCK_MONOTONIC));
	case FUTEX_PRIVATE: {
		int rc = seccomp_rule_add(
			ctx, SCMP_ACT_ALLOW, nr, 1,
			SCMP_A1_32(SCMP_CMP_EQ,
				   FUTEX_WAIT | FUTEX_PRIVATE_FLAG));
		return rc ? rc
			  : seccomp_rule_add(
				    ctx, SCMP_ACT_ALLOW, nr, 1,
				    SCMP_A1_32(SCMP_CMP_EQ,
					       FUTEX_WAKE |
						       FUTEX_PRIVATE_FLAG));
	}
	case ANON_DATA:
		return seccomp_rule_add(
			ctx, SCMP_ACT_ALLOW, nr, 2,
			SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0),
			SCMP_A3(SCMP_CMP_MASKED_EQ, MAP_TYPE | MAP_ANONYMOUS,
				MAP_PRIVATE | MAP_ANONYMOUS));
	}
	return -EINVAL;
}

/* A rule whose argument is an fd of the member's own (ON_EPOLL aside: a
 * group's members share their epoll fd). */
static bool per_member(const struct rule *r)
{
	return r->arg0 == ON_TIMER || r->arg0 == ON_WAKE ||
	       r->arg0 == ON_SIGNAL || r->arg0 == ON_HOST ||
	       r->arg0 == ON_HOST_KVM;
}

static bool role_seen(const enum sdvf_role *roles, int k)
{
	for (int i = 0; i < k; i++) {
		if (roles[i] == roles[k])
			return true;
	}
	return false;
}

/* Member k's part of the union: its fds in every fd rule; the rules
 * without an fd once (the first member, or the first of its role). */
static int add_member(scmp_filter_ctx ctx, const enum sdvf_role *roles,
		      const struct hosted_pd_fds *fds, int k)
{
	int rc = 0;
	for (const struct rule *r = loop_rules; r->call && rc == 0; r++) {
		if (k == 0 || per_member(r))
			rc = add_rule(ctx, r, &fds[k]);
	}
	bool seen = role_seen(roles, k);
	for (const struct rule *r = role_rules[roles[k]]; r->call && rc == 0;
	     r++) {
		if (!seen || per_member(r))
			rc = add_rule(ctx, r, &fds[k]);
	}
	return rc;
}

int hosted_seccomp_load_group(const enum sdvf_role *roles,
			      const struct hosted_pd_fds *fds, int n)
{
	bool vmm = false;
	for (int k = 0; k < n; k++) {
		if ((unsigned)roles[k] >=
			    sizeof(role_rules) / sizeof(*role_rules) ||
		    !role_rules[roles[k]])
			return -EINVAL;
		vmm |= roles[k] == SDVF_ROLE_VMM;
	}
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -ENOMEM;
	int rc = 0;
	/* The VMM's vCPU threads exist already: the filter covers every
	 * thread of the process, or loading it fails. */
	if (vmm)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	for (int k = 0; k < n && rc == 0; k++)
		rc = add_member(ctx, roles, fds, k);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}

int hosted_seccomp_load(enum sdvf_role role, const struct hosted_pd_fds *fds)
{
	return hosted_seccomp_load_group(&role, fds, 1);
}
