/* The `vmm` component on aarch64: init, the activation and the guest's
 * stop (vmm_pd.h has the shape and the trust).  Host code: it opens files
 * and /dev/kvm in init(), before the PD's confinement; afterwards only the
 * calls the VMM role's seccomp filter allows (docs/runtime-hosted.md). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vmm/vmm_pd.h"

/* The whole file (malloc'd, freed in init), or NULL after a log line. */
static uint8_t *slurp(struct sdvf_pd *pd, const char *key, const char *path,
		      uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		sdvf_log(pd, SDVF_LOG_ERROR, "config %s \"%s\": %s", key, path,
			 fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	uint8_t *buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	size_t got = 0;
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!buf || got != (size_t)st.st_size) {
		sdvf_log(pd, SDVF_LOG_ERROR, "config %s \"%s\": %s", key, path,
			 buf ? "short read" : "out of memory");
		free(buf);
		return NULL;
	}
	*size = got;
	return buf;
}

static int open_console(struct sdvf_pd *pd)
{
	const char *path = sdvf_config_str(pd, "console");
	if (!path)
		return STDERR_FILENO; /* the PD's log */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		sdvf_log(pd, SDVF_LOG_ERROR, "config console \"%s\": %s", path,
			 strerror(errno));
	return fd;
}

/* Kernel and initrd into guest RAM, the DTB at its place (vm created). */
static int load_guest(struct vmm_pd *s, struct sdvf_pd *pd, unsigned cpus,
		      uint64_t mem_mib, int console)
{
	uint64_t kernel_size, initrd_size = 0;
	const char *kpath = sdvf_config_str(pd, "kernel");
	const char *ipath = sdvf_config_str(pd, "initrd");
	uint8_t *kernel = slurp(pd, "kernel", kpath, &kernel_size);
	uint8_t *initrd =
		ipath ? slurp(pd, "initrd", ipath, &initrd_size) : NULL;
	char err[200];
	int rc = -1;
	if (!kernel || (ipath && !initrd))
		goto out;
	if (vmm_layout_image(kernel, kernel_size, kernel_size, initrd_size,
			     VMM_RAM_BASE, mem_mib << 20, &s->layout, err,
			     sizeof(err)) < 0) {
		sdvf_log(pd, SDVF_LOG_ERROR, "config kernel \"%s\": %s", kpath,
			 err);
		goto out;
	}
	if (vmm_vm_create(&s->vm, &s->layout, cpus, console) < 0)
		goto out;
	uint8_t *ram = s->vm.ram;
	const vmm_layout_t *l = &s->layout;
	vmm_net_init(&s->net, ram, l->ram_base, l->ram_size, s->nc.mac);
	s->vm.net = &s->net;
	memcpy(ram + (l->kernel_addr - l->ram_base), kernel, kernel_size);
	if (initrd)
		memcpy(ram + (l->initrd_addr - l->ram_base), initrd,
		       initrd_size);
	const char *bootargs = sdvf_config_str(pd, "bootargs");
	vmm_fdt_config_t fc = {.ram_base = l->ram_base,
			       .ram_size = l->ram_size,
			       .cpus = cpus,
			       .bootargs = bootargs ? bootargs
						    : VMM_PD_DEFAULT_BOOTARGS,
			       .initrd_addr = l->initrd_addr,
			       .initrd_size = l->initrd_size,
			       .virtio_devices = 1};
	if (vmm_fdt_build(&fc, ram + (l->dtb_addr - l->ram_base), VMM_DTB_MAX,
			  err, sizeof(err)) < 0) {
		sdvf_log(pd, SDVF_LOG_ERROR, "device tree: %s", err);
		goto out;
	}
	rc = 0;
out:
	free(kernel);
	free(initrd);
	return rc;
}

static int watch(struct vmm_pd *s, struct sdvf_pd *pd, int fd)
{
	if (s->nwatch == VMM_PD_WATCH_MAX || !pd->ops->watch_fd ||
	    pd->ops->watch_fd(pd, fd, VMM_PD_WATCH_BASE + s->nwatch) < 0) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "the runtime refused to watch fd %d", fd);
		return -1;
	}
	s->watch_fd[s->nwatch++] = fd;
	return 0;
}

int vmm_pd_init(void *state, struct sdvf_pd *pd)
{
	struct vmm_pd *s = state;
	s->pd = pd;
	clock_gettime(CLOCK_MONOTONIC, &s->t0);
	s->start_ns = sdvf_now_ns(pd);
#define VMM_PD_REGISTER(field, name, meaning) s->field = sdvf_counter(pd, name);
	VMM_PD_COUNTERS(VMM_PD_REGISTER)
#undef VMM_PD_REGISTER
	if (!net_client_attach(&s->nc, pd))
		return -1;
	uint64_t rx_cap = sdvf_config_u64(pd, "rx_capacity");
	uint32_t hold = rx_cap < VIRTIO_NET_HOLD_MAX ? (uint32_t)rx_cap
						     : VIRTIO_NET_HOLD_MAX;
	struct virtio_net_backend be = vmm_client_backend(&s->client, &s->nc);
	if (vmm_net_open_backend(&s->net, &be, hold, "the muxes (net_client)",
				 &s->client.touched) < 0)
		return -1;
	int console = open_console(pd);
	unsigned cpus = (unsigned)sdvf_config_u64(pd, "cpus");
	if (console < 0 ||
	    load_guest(s, pd, cpus, sdvf_config_u64(pd, "mem"), console) < 0)
		return -1;
	/* vCPU threads now, before the filter: it reaches them (TSYNC) once
	 * they wait at the gate, their start-up calls made. */
	s->vm.gated = s->vm.park = true;
	if (vmm_vm_start(&s->vm) < 0)
		return -1;
	vmm_vm_wait_gate(&s->vm);
	/* Needed no more: fewer fds for the filter to allow. */
	close(s->vm.kvm_fd);
	close(s->vm.gic_fd);
	s->vm.kvm_fd = s->vm.gic_fd = -1;
	int fds[8];
	unsigned n = vmm_net_fds(&s->net, fds, 8);
	if (watch(s, pd, s->vm.stopped_fd) < 0)
		return -1;
	for (unsigned i = 0; i < n; i++)
		if (watch(s, pd, fds[i]) < 0)
			return -1;
	uint64_t timeout = sdvf_config_u64(pd, "timeout");
	s->deadline_ns = timeout ? s->start_ns + timeout * 1000000000ull : 0;
	sdvf_counter_set(s->running, 1);
	/* The first activation, once confined, opens the gate. */
	sdvf_timer_set(pd, sdvf_now_ns(pd));
	sdvf_log(pd, SDVF_LOG_INFO,
		 "guest: %s, %llu MiB, %u vCPU(s), virtio-net %02x:%02x:%02x:"
		 "%02x:%02x:%02x",
		 sdvf_config_str(pd, "kernel"),
		 (unsigned long long)sdvf_config_u64(pd, "mem"), cpus,
		 s->nc.mac[0], s->nc.mac[1], s->nc.mac[2], s->nc.mac[3],
		 s->nc.mac[4], s->nc.mac[5]);
	return 0;
}

/* The CPU time the vCPU threads have used, in ms: a guest that runs
 * (boots, idles on its timer) adds to it, one that never started or is
 * stuck outside KVM_RUN does not (tests/vm/lib_payload.sh, until_guest). */
static uint64_t vcpu_cpu_ms(const vmm_vm_t *vm)
{
	uint64_t ms = 0;
	for (unsigned i = 0; i < vm->cpus; i++) {
		clockid_t clock;
		struct timespec t;
		if (pthread_getcpuclockid(vm->vcpu[i].thread, &clock) == 0 &&
		    clock_gettime(clock, &t) == 0)
			ms += (uint64_t)t.tv_sec * 1000 +
			      (uint64_t)t.tv_nsec / 1000000;
	}
	return ms;
}

/* dev_lock held. */
static void publish(struct vmm_pd *s)
{
	const struct virtio_net_counters *d = &s->net.dev.count;
	const vmm_uart_t *u = &s->vm.uart;
	sdvf_counter_set(s->rx_frames, d->rx_frames);
	sdvf_counter_set(s->rx_bytes, d->rx_bytes);
	sdvf_counter_set(s->rx_dropped, d->rx_dropped);
	sdvf_counter_set(s->tx_frames, d->tx_frames);
	sdvf_counter_set(s->tx_bytes, d->tx_bytes);
	sdvf_counter_set(s->tx_waits, d->tx_waits);
	sdvf_counter_set(s->tx_send_failed, d->tx_send_failed);
	sdvf_counter_set(s->violations, vmm_net_violations(&s->net));
	sdvf_counter_set(s->bad_mmio, s->vm.bad_mmio);
	sdvf_counter_set(s->uart_refused,
			 u->ro_write + u->bad_offset + u->bad_width);
	sdvf_counter_set(s->irqs, s->net.irqs);
	sdvf_counter_set(s->exits, atomic_load_explicit(&s->vm.exits,
							memory_order_relaxed));
	sdvf_counter_set(s->console_bytes, u->tx_bytes);
	sdvf_counter_set(s->vcpu_ms, vcpu_cpu_ms(&s->vm));
	sdvf_counter_set(s->bad_handle, s->client.bad_handle);
	if (u->tx_bytes > 0 && sdvf_counter_get(s->boot_ms) == 0) {
		const struct timespec *t = &s->vm.first_output;
		int64_t ms = (int64_t)(t->tv_sec - s->t0.tv_sec) * 1000 +
			     (t->tv_nsec - s->t0.tv_nsec) / 1000000;
		sdvf_counter_set(s->boot_ms, ms > 0 ? (uint64_t)ms : 1);
	}
}

/* The guest stopped (or the timeout struck): counters out, then the PD
 * ends; the vCPU threads end with the process. */
static _Noreturn void guest_stopped(struct vmm_pd *s, struct sdvf_pd *pd,
				    bool timed_out)
{
	pthread_mutex_lock(&s->vm.dev_lock);
	enum vmm_stop stop = s->vm.stop;
	vmm_vm_flush_console(&s->vm);
	publish(s);
	sdvf_counter_set(s->running, 0);
	vmm_client_finish(&s->client);
	double secs = (double)(sdvf_now_ns(pd) - s->start_ns) / 1e9;
	int status = 0;
	if (timed_out) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "guest did not power off within %llus (config "
			 "timeout): killed",
			 (unsigned long long)sdvf_config_u64(pd, "timeout"));
		status = 124;
	} else {
		sdvf_log(pd, SDVF_LOG_INFO, "guest %s after %.2fs",
			 stop == VMM_STOP_POWEROFF ? "powered off"
			 : stop == VMM_STOP_RESET  ? "reset (treated as a stop)"
						   : "stopped on an error",
			 secs);
		status = stop == VMM_STOP_ERROR ? 1 : 0;
	}
	vmm_net_print(&s->net, stderr);
	if (s->vm.uart.tx_bytes > 0)
		fprintf(stderr, "sdvf-vmm: boot: first console byte at %.2fs\n",
			(double)sdvf_counter_get(s->boot_ms) / 1e3);
	fflush(stderr);
	_exit(status);
}

static void tick(struct vmm_pd *s, struct sdvf_pd *pd)
{
	uint64_t now = sdvf_now_ns(pd);
	atomic_store(&s->vm.gate_open, true);
	if (s->deadline_ns && now >= s->deadline_ns)
		guest_stopped(s, pd, true);
	pthread_mutex_lock(&s->vm.dev_lock);
	publish(s);
	pthread_mutex_unlock(&s->vm.dev_lock);
	sdvf_timer_set(pd, now + VMM_PD_TICK_MS * 1000000ull);
}

void vmm_pd_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct vmm_pd *s = state;
	if (ch == SDVF_CHANNEL_TIMER) {
		tick(s, pd);
		return;
	}
	if (ch >= VMM_PD_WATCH_BASE && ch - VMM_PD_WATCH_BASE < s->nwatch) {
		int fd = s->watch_fd[ch - VMM_PD_WATCH_BASE];
		if (fd == s->vm.stopped_fd)
			guest_stopped(s, pd, false);
		vmm_net_event(&s->net, fd); /* takes the lock */
	}
	pthread_mutex_lock(&s->vm.dev_lock);
	if (ch == s->nc.ch_rx) {
		vmm_net_backend_ready(&s->net, true, false);
	} else if (ch == s->nc.ch_tx) {
		struct net_tx_done done;
		bool reaped = false;
		while (net_client_tx_reap(&s->nc, &done))
			reaped = true;
		s->client.touched = true;
		if (reaped || s->net.dev.tx_waiting)
			vmm_net_backend_ready(&s->net, false, true);
	}
	vmm_client_finish(&s->client);
	pthread_mutex_unlock(&s->vm.dev_lock);
}

void vmm_pd_peer_restart(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct vmm_pd *s = state;
	(void)pd;
	pthread_mutex_lock(&s->vm.dev_lock);
	if (net_client_peer_restart(&s->nc, ch))
		s->client.touched = true;
	vmm_client_finish(&s->client);
	pthread_mutex_unlock(&s->vm.dev_lock);
}
