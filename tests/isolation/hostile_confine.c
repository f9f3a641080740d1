/*
 * Hostile components against the hosted runtime's confinement (uid drop,
 * per-role seccomp, region fds, log pipe, private configuration).  Test code:
 * it may use libc, which real components may not.  The role is fixed per
 * component, so an attack that must be tried from every role is one body
 * registered five times (ROLE_VARIANTS).
 *
 *   guard          mux; fills `victim` with 0xa5 and every 10 ms publishes
 *                  counters checks and victim_changed (bytes not 0xa5)
 *   attacker_ROLE  after delay_ms, from its first timer activation (after
 *                  confinement for every role), tries `attack`:
 *                    map_files    reopen its read-only `victim` read-write
 *                                 through /proc/self/map_files, overwrite it
 *                    launcher_fd  map every region memfd the launcher
 *                                 (launcher_pid) holds through
 *                                 /proc/PID/fd/N read-write, overwrite it
 *                    vm_readv     process_vm_readv 8 bytes from every pid
 *                                 launcher_pid+1..+64 (its siblings)
 *   prober_ROLE    after delay_ms calls the one system call `call` names
 *                  ("none": nothing, the control) and logs what it returned
 *   scanner        device; in init (before its confinement, so it may read
 *                  /proc/self/maps) scans all its readable memory for a
 *                  secret given reversed (so its own config does not match)
 *                  and for its own marker, and logs both counts
 *   keeper         client; holds `secret` in its configuration
 *   log_liar       client; writes forged, escaped, over-long and flooding
 *                  lines straight to fd 2 (not through sdvf_log), then dies
 *                  in the middle of a line
 *   device_crasher device; counts its starts in `scratch`, crashes until it
 *                  has started crash_times + 1 times (restart path)
 *   census         device; in init (before its confinement, as root when
 *                  the launcher is) logs the region memfds the launcher
 *                  (launcher_pid) holds: what component code can reach
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/pd.h"
#include "tests/isolation/hostile.h"

#define MS 1000000ull

/* Writing here is the crash: a read-only page, so SIGSEGV in every build
 * (a NULL store would be caught by UBSan first, whose report needs calls
 * the filters forbid). */
static const char read_only_byte = 1;
#define CRASH() (*(volatile char *)(uintptr_t)&read_only_byte = 0)

static const char *err_name(int err)
{
	const char *name = strerrorname_np(err);
	return name ? name : "?";
}

#define DELAY_PARAM                                                            \
	{                                                                      \
		.name = "delay_ms", .type = SDVF_PARAM_U64, .min = 0,          \
		.max = 60000, .default_u64 = 50,                               \
		.help = "wait before misbehaving"                              \
	}

static int timer_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	sdvf_timer_set(pd,
		       sdvf_now_ns(pd) + sdvf_config_u64(pd, "delay_ms") * MS);
	return 0;
}

/* ---- guard -------------------------------------------------------------- */

#define VICTIM_BYTE 0xa5

struct guard {
	_Atomic uint64_t *checks, *changed;
};

static const struct sdvf_need guard_needs[] = {
	SDVF_NEED_REGION_RW("victim"),
	{0},
};

static void guard_check(struct guard *g, struct sdvf_pd *pd)
{
	const struct sdvf_region *r = sdvf_region(pd, "victim");
	const volatile uint8_t *p = r->base;
	uint64_t changed = 0;
	for (uint64_t i = 0; i < r->size; i++)
		changed += p[i] != VICTIM_BYTE;
	sdvf_counter_set(g->changed, changed);
	sdvf_counter_add(g->checks, 1);
	sdvf_timer_set(pd, sdvf_now_ns(pd) + 10 * MS);
}

static int guard_init(void *state, struct sdvf_pd *pd)
{
	struct guard *g = state;
	const struct sdvf_region *r = sdvf_region(pd, "victim");
	memset(r->base, VICTIM_BYTE, r->size);
	g->checks = sdvf_counter(pd, "checks");
	g->changed = sdvf_counter(pd, "victim_changed");
	guard_check(g, pd);
	return 0;
}

static void guard_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	if (ch == SDVF_CHANNEL_TIMER)
		guard_check(state, pd);
}

static const struct sdvf_component guard = {
	.name = "guard",
	.summary = "test: fills a region and counts bytes changed under it",
	.role = SDVF_ROLE_MUX,
	.state_size = sizeof(struct guard),
	.needs = guard_needs,
	.params = (const struct sdvf_param[]){{0}},
	.init = guard_init,
	.notified = guard_notified,
};

/* ---- attacker_ROLE ------------------------------------------------------ */

static const struct sdvf_need attacker_needs[] = {
	{.name = "victim",
	 .kind = SDVF_NEED_REGION,
	 .rights = SDVF_R,
	 .optional = true},
	{0},
};

static const struct sdvf_param attacker_params[] = {
	{.name = "attack",
	 .type = SDVF_PARAM_STR,
	 .max = 16,
	 .required = true,
	 .help = "map_files | launcher_fd | vm_readv"},
	{.name = "launcher_pid",
	 .type = SDVF_PARAM_U64,
	 .min = 0,
	 .max = 4194304,
	 .help = "the launcher's pid (launcher_fd, vm_readv)"},
	DELAY_PARAM,
	{0},
};

/* Map fd read-write and overwrite all of it; the mapped size, or -errno. */
static long overwrite_fd(int fd, uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	memset(p, 0x5a, size);
	munmap(p, size);
	return (long)size;
}

static void attack_map_files(struct sdvf_pd *pd)
{
	const struct sdvf_region *r = sdvf_region(pd, "victim");
	char path[96];
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
		 (unsigned long)r->base,
		 (unsigned long)((char *)r->base + r->size));
	sdvf_log(pd, SDVF_LOG_INFO, "attack map_files: open %s rw", path);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		sdvf_log(pd, SDVF_LOG_INFO, "attack map_files: open: %s",
			 err_name(errno));
		return;
	}
	long done = overwrite_fd(fd, r->size);
	close(fd);
	if (done < 0)
		sdvf_log(pd, SDVF_LOG_INFO, "attack map_files: mmap: %s",
			 err_name((int)-done));
	else
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "attack map_files: overwrote 'victim' (%ld bytes)",
			 done);
}

static void attack_launcher_fd(struct sdvf_pd *pd, int launcher)
{
	sdvf_log(pd, SDVF_LOG_INFO, "attack launcher_fd: /proc/%d/fd",
		 launcher);
	int overwritten = 0, first_err = 0;
	for (int n = 0; n < 128; n++) {
		char path[64], target[128];
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", launcher, n);
		ssize_t len = readlink(path, target, sizeof(target) - 1);
		if (len < 0) {
			if (errno != ENOENT && !first_err)
				first_err = errno;
			continue;
		}
		target[len] = '\0';
		if (strncmp(target, "/memfd:", 7) != 0)
			continue; /* the stats file, eventfds, pipes */
		int fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			if (!first_err)
				first_err = errno;
			continue;
		}
		off_t size = lseek(fd, 0, SEEK_END);
		if (size > 0 && overwrite_fd(fd, (uint64_t)size) > 0) {
			overwritten++;
			sdvf_log(pd, SDVF_LOG_ERROR,
				 "attack launcher_fd: overwrote %s", target);
		}
		close(fd);
	}
	sdvf_log(pd, SDVF_LOG_INFO,
		 "attack launcher_fd: %d regions overwritten, first error %s",
		 overwritten, first_err ? err_name(first_err) : "none");
}

static const uint64_t vm_readv_target = 0x5d5d5d5d5d5d5d5dull;

static void attack_vm_readv(struct sdvf_pd *pd, int launcher)
{
	sdvf_log(pd, SDVF_LOG_INFO, "attack vm_readv: pids %d..%d",
		 launcher + 1, launcher + 64);
	int read_ok = 0, first_err = 0;
	for (int pid = launcher + 1; pid <= launcher + 64; pid++) {
		uint64_t got = 0;
		/* Forked siblings share our layout, so the address is theirs
		 * too; an exec'd sibling fails with EFAULT at worst. */
		struct iovec local = {&got, sizeof(got)};
		struct iovec remote = {(void *)&vm_readv_target,
				       sizeof(vm_readv_target)};
		ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
		if (n == (ssize_t)sizeof(got))
			read_ok++;
		else if (n < 0 && errno != ESRCH && !first_err)
			first_err = errno;
	}
	if (read_ok)
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "attack vm_readv: read the memory of %d processes",
			 read_ok);
	sdvf_log(pd, SDVF_LOG_INFO, "attack vm_readv: first error %s",
		 first_err ? err_name(first_err) : "none");
}

static void attacker_notified(void *state, struct sdvf_pd *pd,
			      sdvf_channel_t ch)
{
	(void)state;
	if (ch != SDVF_CHANNEL_TIMER)
		return;
	const char *attack = sdvf_config_str(pd, "attack");
	int launcher = (int)sdvf_config_u64(pd, "launcher_pid");
	if (strcmp(attack, "map_files") == 0)
		attack_map_files(pd);
	else if (strcmp(attack, "launcher_fd") == 0)
		attack_launcher_fd(pd, launcher);
	else if (strcmp(attack, "vm_readv") == 0)
		attack_vm_readv(pd, launcher);
	else
		sdvf_log(pd, SDVF_LOG_ERROR, "unknown attack '%s'", attack);
}

/* ---- prober_ROLE -------------------------------------------------------- */

static const struct sdvf_param prober_params[] = {
	{.name = "call",
	 .type = SDVF_PARAM_STR,
	 .max = 24,
	 .required = true,
	 .help = "the system call to try, or none"},
	DELAY_PARAM,
	{0},
};

/* One forbidden call each, with harmless arguments: if the filter let it
 * through, nothing outside the PD would change. */
static long probe_call(const char *call, void *state)
{
	static const char *const no_args[] = {"true", NULL};
	static uint32_t futex_word;
	char byte = 0;
	struct termios tio;
	struct iovec iov = {&byte, 1};
	if (strcmp(call, "openat") == 0)
		return syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY);
	/* Executable or shared memory: no build allows either (the ASan
	 * build lets a client map private, non-executable memory). */
	if (strcmp(call, "mmap") == 0)
		return (long)mmap(NULL, 4096, PROT_READ | PROT_EXEC,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (strcmp(call, "mmap_shared") == 0)
		return (long)mmap(NULL, 4096, PROT_READ,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (strcmp(call, "mprotect") == 0) /* state is page-aligned */
		return syscall(SYS_mprotect, state, 4096,
			       PROT_READ | PROT_WRITE | PROT_EXEC);
	if (strcmp(call, "execve") == 0)
		return syscall(SYS_execve, "/bin/true", no_args, no_args + 1);
	if (strcmp(call, "ptrace") == 0)
		return syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
	if (strcmp(call, "socket") == 0)
		return syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0);
	if (strcmp(call, "kill") == 0)
		return syscall(SYS_kill, 1, 0);
	if (strcmp(call, "process_vm_readv") == 0)
		return syscall(SYS_process_vm_readv, 1, &iov, 1, &iov, 1, 0);
	if (strcmp(call, "ioctl") == 0)
		return syscall(SYS_ioctl, 2, TCGETS, &tio);
	if (strcmp(call, "fork") == 0) {
		long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
		if (pid == 0)
			_exit(0);
		return pid;
	}
	/* FUTEX_WAKE (shared) is every role's, for the futex wake path;
	 * any other op is not, nor futex_waitv outside futex mode. */
	if (strcmp(call, "futex") == 0)
		return syscall(SYS_futex, &futex_word, FUTEX_WAIT, 1, NULL,
			       NULL, 0);
	if (strcmp(call, "futex_waitv") == 0)
		return syscall(SYS_futex_waitv, NULL, 0, 0, NULL,
			       CLOCK_MONOTONIC);
	if (strcmp(call, "epoll_ctl") == 0)
		return syscall(SYS_epoll_ctl, 1000, EPOLL_CTL_DEL, 1001, NULL);
	if (strcmp(call, "prctl") == 0)
		return syscall(SYS_prctl, PR_SET_DUMPABLE, 1, 0, 0, 0);
	if (strcmp(call, "setuid") == 0)
		return syscall(SYS_setuid, 0);
	if (strcmp(call, "read_fd2") == 0) /* the terminal, once */
		return syscall(SYS_read, 2, &byte, 1);
	if (strcmp(call, "write_fd100") == 0)
		return syscall(SYS_write, 100, "x", 1);
	errno = EINVAL;
	return -1;
}

static void prober_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	if (ch != SDVF_CHANNEL_TIMER)
		return;
	const char *call = sdvf_config_str(pd, "call");
	if (strcmp(call, "none") == 0) {
		sdvf_log(pd, SDVF_LOG_INFO, "control: calling nothing");
		return;
	}
	sdvf_log(pd, SDVF_LOG_INFO, "calling %s", call);
	long rc = probe_call(call, state);
	sdvf_log(pd, SDVF_LOG_ERROR, "%s returned %ld (%s)", call, rc,
		 rc < 0 ? err_name(errno) : "ok");
}

/* ---- the per-role variants ---------------------------------------------- */

#define ROLE_VARIANT(kind, role_name, role_value, init_fn, notified_fn,        \
		     needs_v, params_v)                                        \
	static const struct sdvf_component kind##_##role_name = {              \
		.name = #kind "_" #role_name,                                  \
		.summary = "test: " #kind " in the " #role_name " role",       \
		.role = role_value,                                            \
		.state_size = 4096,                                            \
		.needs = needs_v,                                              \
		.params = params_v,                                            \
		.init = init_fn,                                               \
		.notified = notified_fn,                                       \
	};
#define ROLE_VARIANTS(kind, init_fn, notified_fn, needs_v, params_v)           \
	ROLE_VARIANT(kind, client, SDVF_ROLE_CLIENT, init_fn, notified_fn,     \
		     needs_v, params_v)                                        \
	ROLE_VARIANT(kind, mux, SDVF_ROLE_MUX, init_fn, notified_fn, needs_v,  \
		     params_v)                                                 \
	ROLE_VARIANT(kind, driver, SDVF_ROLE_DRIVER, init_fn, notified_fn,     \
		     needs_v, params_v)                                        \
	ROLE_VARIANT(kind, device, SDVF_ROLE_DEVICE, init_fn, notified_fn,     \
		     needs_v, params_v)                                        \
	ROLE_VARIANT(kind, vmm, SDVF_ROLE_VMM, init_fn, notified_fn, needs_v,  \
		     params_v)

ROLE_VARIANTS(attacker, timer_init, attacker_notified, attacker_needs,
	      attacker_params)
ROLE_VARIANTS(prober, timer_init, prober_notified, attacker_needs,
	      prober_params)

/* ---- scanner and keeper ------------------------------------------------- */

struct scan {
	const char *reversed; /* the needle, last byte first */
	size_t len;
	uint64_t hits, bytes;
};

/* Reads every byte, redzones of a sanitizer build included. */
__attribute__((no_sanitize_address)) static void
scan_range(struct scan *s, const uint8_t *p, size_t n)
{
	s->bytes += n;
	for (size_t i = 0; i + s->len <= n; i++) {
		size_t k = 0;
		while (k < s->len &&
		       p[i + k] == (uint8_t)s->reversed[s->len - 1 - k])
			k++;
		s->hits += k == s->len;
	}
}

/* Every readable mapping of this process but the kernel's own pages and
 * the huge reservations of a sanitizer build (shadow memory), which hold
 * nothing the program put there. */
static int scan_self(struct scan *s)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	if (!maps)
		return -1;
	char line[512];
	while (fgets(line, sizeof(line), maps)) {
		unsigned long start, end;
		char perms[8], path[256] = "";
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255[^\n]", &start,
			   &end, perms, path) < 3 ||
		    perms[0] != 'r' || strstr(path, "[vvar") ||
		    strstr(path, "[vsyscall]") || end - start > (64ul << 20))
			continue;
		scan_range(s, (const uint8_t *)start, end - start);
	}
	fclose(maps);
	return 0;
}

static const struct sdvf_param scanner_params[] = {
	{.name = "needle_reversed",
	 .type = SDVF_PARAM_STR,
	 .max = 64,
	 .required = true,
	 .help = "another PD's secret, reversed"},
	{.name = "marker_reversed",
	 .type = SDVF_PARAM_STR,
	 .max = 64,
	 .required = true,
	 .help = "`marker`, reversed: the scan must find our own"},
	{.name = "marker",
	 .type = SDVF_PARAM_STR,
	 .max = 64,
	 .required = true,
	 .help = "a string of our own configuration"},
	{0},
};

static int scanner_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	struct scan secret = {.reversed =
				      sdvf_config_str(pd, "needle_reversed")};
	struct scan marker = {.reversed =
				      sdvf_config_str(pd, "marker_reversed")};
	secret.len = strlen(secret.reversed);
	marker.len = strlen(marker.reversed);
	if (scan_self(&secret) < 0 || scan_self(&marker) < 0)
		return -1;
	sdvf_log(pd, SDVF_LOG_INFO, "own marker: found %llu times",
		 (unsigned long long)marker.hits);
	sdvf_log(pd, SDVF_LOG_INFO, "secret: found %llu times in %llu bytes",
		 (unsigned long long)secret.hits,
		 (unsigned long long)secret.bytes);
	return 0;
}

static void idle_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	(void)state;
	(void)pd;
	(void)ch;
}

static const struct sdvf_component scanner = {
	.name = "scanner",
	.summary = "test: scans its own memory for another PD's config",
	.role = SDVF_ROLE_DEVICE,
	.state_size = 8,
	.needs = (const struct sdvf_need[]){{0}},
	.params = scanner_params,
	.init = scanner_init,
	.notified = idle_notified,
};

static int keeper_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	sdvf_log(pd, SDVF_LOG_INFO, "keeping a secret of %zu bytes",
		 strlen(sdvf_config_str(pd, "secret")));
	return 0;
}

static const struct sdvf_component keeper = {
	.name = "keeper",
	.summary = "test: a client with a secret in its configuration",
	.role = SDVF_ROLE_CLIENT,
	.state_size = 8,
	.needs = (const struct sdvf_need[]){{0}},
	.params = (const struct sdvf_param[]){{.name = "secret",
					       .type = SDVF_PARAM_STR,
					       .max = 64,
					       .required = true,
					       .help = "a secret"},
					      {0}},
	.init = keeper_init,
	.notified = idle_notified,
};

/* ---- log_liar ----------------------------------------------------------- */

#define LIAR_FLOOD 200

static void raw(const char *text, size_t len)
{
	(void)!write(2, text, len);
}

static int log_liar_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	static const char forged[] =
		"sdvf: pd 'keeper' (pid 1) killed by SIGSEGV\n"
		"[keeper] forged line\n"
		"\x1b[2J\x1b]0;owned\x07\rESC-CR-BEL\n"
		"\xc2\x9b"
		"31mC1\n";
	raw(forged, sizeof(forged) - 1);
	static char long_line[3001];
	memset(long_line, 'L', 3000);
	long_line[3000] = '\n';
	raw(long_line, sizeof(long_line));
	for (int i = 1; i <= LIAR_FLOOD; i++) {
		char line[32];
		int n = snprintf(line, sizeof(line), "raw line %d\n", i);
		raw(line, (size_t)n);
	}
	sdvf_timer_set(pd, sdvf_now_ns(pd) + 600 * MS);
	return 0;
}

static void log_liar_notified(void *state, struct sdvf_pd *pd,
			      sdvf_channel_t ch)
{
	(void)state;
	if (ch != SDVF_CHANNEL_TIMER)
		return;
	sdvf_log(pd, SDVF_LOG_INFO, "after the raw flood");
	static const char last[] = "last words without a newline";
	raw(last, sizeof(last) - 1);
	CRASH(); /* die mid-line */
}

static const struct sdvf_component log_liar = {
	.name = "log_liar",
	.summary = "test: writes raw forged and escaped lines to fd 2",
	.role = SDVF_ROLE_CLIENT,
	.state_size = 8,
	.needs = (const struct sdvf_need[]){{0}},
	.params = (const struct sdvf_param[]){{0}},
	.init = log_liar_init,
	.notified = log_liar_notified,
};

/* ---- device_crasher ----------------------------------------------------- */

static const struct sdvf_need device_crasher_needs[] = {
	SDVF_NEED_REGION_RW("scratch"),
	{0},
};

static int device_crasher_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	volatile uint32_t *starts = sdvf_region(pd, "scratch")->base;
	uint32_t start = ++*starts;
	bool crash = start <= sdvf_config_u64(pd, "crash_times");
	sdvf_log(pd, SDVF_LOG_INFO, "start %u: %s", start,
		 crash ? "will crash" : "staying up");
	if (crash)
		sdvf_timer_set(pd, sdvf_now_ns(pd) + 50 * MS);
	return 0;
}

static void device_crasher_notified(void *state, struct sdvf_pd *pd,
				    sdvf_channel_t ch)
{
	(void)state;
	(void)pd;
	if (ch == SDVF_CHANNEL_TIMER)
		CRASH();
}

static const struct sdvf_component device_crasher = {
	.name = "device_crasher",
	.summary = "test: a device PD that crashes on its first starts",
	.role = SDVF_ROLE_DEVICE,
	.state_size = 8,
	.needs = device_crasher_needs,
	.params = (const struct sdvf_param[]){{.name = "crash_times",
					       .type = SDVF_PARAM_U64,
					       .min = 0,
					       .max = 100,
					       .default_u64 = 1,
					       .help = "how many starts crash"},
					      {0}},
	.init = device_crasher_init,
	.notified = device_crasher_notified,
};

/* ---- census ------------------------------------------------------------- */

static int census_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	int launcher = (int)sdvf_config_u64(pd, "launcher_pid");
	char line[1024] = "launcher memfds:";
	for (int n = 0; n < 1024; n++) {
		char path[64], target[128], info[256];
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", launcher, n);
		ssize_t len = readlink(path, target, sizeof(target) - 1);
		if (len < 7 || strncmp(target, "/memfd:", 7) != 0)
			continue;
		target[len] = '\0';
		*strchrnul(target, ' ') = '\0'; /* " (deleted)" */
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", launcher, n);
		FILE *f = fopen(path, "r");
		unsigned flags = 0;
		while (f && fgets(info, sizeof(info), f))
			sscanf(info, "flags: %o", &flags);
		if (f)
			fclose(f);
		size_t used = strlen(line);
		snprintf(line + used, sizeof(line) - used, " %s:%s", target + 7,
			 (flags & O_ACCMODE) == O_RDONLY ? "r" : "rw");
	}
	sdvf_log(pd, SDVF_LOG_INFO, "%s", line);
	return 0;
}

static const struct sdvf_component census = {
	.name = "census",
	.summary = "test: lists the launcher's region fds from a device init",
	.role = SDVF_ROLE_DEVICE,
	.state_size = 8,
	.needs = (const struct sdvf_need[]){{0}},
	.params = (const struct sdvf_param[]){{.name = "launcher_pid",
					       .type = SDVF_PARAM_U64,
					       .min = 1,
					       .max = 4194304,
					       .required = true,
					       .help = "the launcher's pid"},
					      {0}},
	.init = census_init,
	.notified = idle_notified,
};

const struct sdvf_component *const hostile_confine_components[] = {
	&guard,
	&attacker_client,
	&attacker_mux,
	&attacker_driver,
	&attacker_device,
	&attacker_vmm,
	&prober_client,
	&prober_mux,
	&prober_driver,
	&prober_device,
	&prober_vmm,
	&scanner,
	&keeper,
	&log_liar,
	&device_crasher,
	&census,
	NULL,
};
