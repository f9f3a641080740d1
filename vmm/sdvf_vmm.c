/* sdvf-vmm: boot a Linux arm64 Image under KVM (docs/vmm.md).
 *
 *   sdvf-vmm --kernel Image [--initrd FILE] [--mem MiB] [--cpus N]
 *            [--append ARGS] [--console FILE] [--timeout SECONDS]
 *            [--dtb-out FILE] [--net tap:NAME] [--mac XX:XX:XX:XX:XX:XX]
 *            [--no-eventfds]
 *
 * --no-eventfds: the virtio-net device without ioeventfd and irqfd (the
 * fallbacks: notifications by MMIO exit, the interrupt by KVM_IRQ_LINE),
 * for tests and for kernels without them.
 *
 * Trust: the command line is the user's (checked, one-line errors naming
 * the option); the kernel and initrd files are checked by vmm_image; the
 * running guest is untrusted (vmm_kvm.h).
 *
 * Shape: the main thread is an event loop over file descriptors (signals
 * through a signalfd, the boot timeout through a timerfd, vCPU ends through
 * an eventfd), so the hosted runtime's PD loop and virtio's ioeventfds can
 * join it later; the only other threads are the vCPUs. Exit status: 0 when
 * the guest powered off (or reset), 1 on an error, 124 when the timeout
 * killed it, 143 on SIGTERM / SIGINT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "vmm/vmm_kvm.h"
#include "vmm/vmm_net.h"

#define DEFAULT_MEM_MIB 256
#define DEFAULT_TIMEOUT_S 120
#define DEFAULT_BOOTARGS "console=ttyAMA0 earlycon rdinit=/init"

typedef struct options {
	const char *kernel, *initrd, *append, *console, *dtb_out, *net;
	unsigned long mem_mib, cpus, timeout_s;
	uint8_t mac[6];
	bool no_eventfds;
} options_t;

static void usage(void)
{
	fprintf(stderr,
		"usage: sdvf-vmm --kernel Image [--initrd FILE] [--mem MiB] "
		"[--cpus N]\n"
		"                [--append ARGS] [--console FILE] "
		"[--timeout SECONDS] [--dtb-out FILE]\n"
		"                [--net tap:NAME] [--mac XX:XX:XX:XX:XX:XX] "
		"[--no-eventfds]\n");
	exit(2);
}

static unsigned long number(const char *opt, const char *s, unsigned long lo,
			    unsigned long hi)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "sdvf-vmm: --%s '%s': want %lu to %lu\n", opt,
			s, lo, hi);
		exit(2);
	}
	return v;
}

static void parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char end;
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6 ||
	    (b[0] & 1)) {
		fprintf(stderr,
			"sdvf-vmm: --mac '%s': want a unicast "
			"XX:XX:XX:XX:XX:XX\n",
			s);
		exit(2);
	}
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
}

static void parse(int argc, char **argv, options_t *o)
{
	static const struct option longs[] = {
		{"kernel", required_argument, NULL, 'k'},
		{"initrd", required_argument, NULL, 'i'},
		{"mem", required_argument, NULL, 'm'},
		{"cpus", required_argument, NULL, 'c'},
		{"append", required_argument, NULL, 'a'},
		{"console", required_argument, NULL, 'o'},
		{"timeout", required_argument, NULL, 't'},
		{"dtb-out", required_argument, NULL, 'd'},
		{"net", required_argument, NULL, 'n'},
		{"mac", required_argument, NULL, 'M'},
		{"no-eventfds", no_argument, NULL, 'E'},
		{NULL, 0, NULL, 0}};
	*o = (options_t){.append = DEFAULT_BOOTARGS,
			 .mem_mib = DEFAULT_MEM_MIB,
			 .cpus = 1,
			 .timeout_s = DEFAULT_TIMEOUT_S,
			 .mac = {0x02, 0x53, 0x44, 0x56, 0x00, 0x01}};
	int c;
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'k':
			o->kernel = optarg;
			break;
		case 'i':
			o->initrd = optarg;
			break;
		case 'a':
			o->append = optarg;
			break;
		case 'o':
			o->console = optarg;
			break;
		case 'd':
			o->dtb_out = optarg;
			break;
		case 'n':
			o->net = optarg;
			break;
		case 'M':
			parse_mac(optarg, o->mac);
			break;
		case 'E':
			o->no_eventfds = true;
			break;
		case 'm':
			o->mem_mib = number("mem", optarg, 16, 65536);
			break;
		case 'c':
			o->cpus = number("cpus", optarg, 1, VMM_MAX_CPUS);
			break;
		case 't':
			o->timeout_s = number("timeout", optarg, 0, 86400);
			break;
		default:
			usage();
		}
	}
	if (!o->kernel || optind != argc)
		usage();
}

/* The whole file, or exit naming it. */
static uint8_t *slurp(const char *opt, const char *path, uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "sdvf-vmm: --%s %s: %s\n", opt, path,
			fd < 0 ? strerror(errno) : "not a regular file");
		exit(1);
	}
	uint8_t *buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	size_t got = 0;
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n <= 0) {
			fprintf(stderr, "sdvf-vmm: --%s %s: short read\n", opt,
				path);
			exit(1);
		}
		got += (size_t)n;
	}
	if (!buf) {
		fprintf(stderr, "sdvf-vmm: --%s %s: out of memory\n", opt,
			path);
		exit(1);
	}
	close(fd);
	*size = got;
	return buf;
}

static int load(vmm_vm_t *vm, const options_t *o, vmm_layout_t *layout,
		vmm_net_t *net)
{
	uint64_t kernel_size, initrd_size = 0;
	uint8_t *kernel = slurp("kernel", o->kernel, &kernel_size);
	uint8_t *initrd =
		o->initrd ? slurp("initrd", o->initrd, &initrd_size) : NULL;
	char err[200];
	if (vmm_layout_image(kernel, kernel_size, kernel_size, initrd_size,
			     VMM_RAM_BASE, (uint64_t)o->mem_mib << 20, layout,
			     err, sizeof(err)) < 0) {
		fprintf(stderr, "sdvf-vmm: %s (%s)\n", err, o->kernel);
		return -1;
	}
	int console = STDOUT_FILENO;
	if (o->console) {
		console = open(o->console,
			       O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (console < 0) {
			fprintf(stderr, "sdvf-vmm: --console %s: %s\n",
				o->console, strerror(errno));
			return -1;
		}
	}
	if (o->net && vmm_net_open(net, o->net) < 0)
		return -1;
	if (vmm_vm_create(vm, layout, (unsigned)o->cpus, console) < 0)
		return -1;
	uint8_t *ram = vm->ram;
	if (o->net) {
		vmm_net_init(net, ram, layout->ram_base, layout->ram_size,
			     o->mac);
		net->no_eventfds = o->no_eventfds;
		vm->net = net;
	}
	memcpy(ram + (layout->kernel_addr - layout->ram_base), kernel,
	       kernel_size);
	if (initrd)
		memcpy(ram + (layout->initrd_addr - layout->ram_base), initrd,
		       initrd_size);
	free(kernel);
	free(initrd);
	vmm_fdt_config_t fc = {.ram_base = layout->ram_base,
			       .ram_size = layout->ram_size,
			       .cpus = (unsigned)o->cpus,
			       .bootargs = o->append,
			       .initrd_addr = layout->initrd_addr,
			       .initrd_size = layout->initrd_size,
			       .virtio_devices = o->net ? 1 : 0};
	uint8_t *dtb = ram + (layout->dtb_addr - layout->ram_base);
	int dtb_size = vmm_fdt_build(&fc, dtb, VMM_DTB_MAX, err, sizeof(err));
	if (dtb_size < 0) {
		fprintf(stderr, "sdvf-vmm: %s\n", err);
		return -1;
	}
	if (o->dtb_out) {
		FILE *f = fopen(o->dtb_out, "wb");
		if (!f ||
		    fwrite(dtb, 1, (size_t)dtb_size, f) != (size_t)dtb_size ||
		    fclose(f) != 0) {
			fprintf(stderr,
				"sdvf-vmm: --dtb-out %s: cannot write\n",
				o->dtb_out);
			return -1;
		}
	}
	return 0;
}

static double seconds_between(const struct timespec *t0,
			      const struct timespec *t)
{
	return (double)(t->tv_sec - t0->tv_sec) +
	       (double)(t->tv_nsec - t0->tv_nsec) / 1e9;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return seconds_between(t0, &t);
}

static int add_fd(int ep, int fd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* The event loop: returns the exit status. */
static int run(vmm_vm_t *vm, int sig_fd, int timer_fd, unsigned long limit,
	       const struct timespec *t0)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || add_fd(ep, sig_fd) < 0 ||
	    add_fd(ep, vm->stopped_fd) < 0 ||
	    (timer_fd >= 0 && add_fd(ep, timer_fd) < 0)) {
		perror("sdvf-vmm: epoll");
		return 1;
	}
	int net_fds[8];
	unsigned nnet = vm->net ? vmm_net_fds(vm->net, net_fds, 8) : 0;
	for (unsigned i = 0; i < nnet; i++)
		if (add_fd(ep, net_fds[i]) < 0) {
			perror("sdvf-vmm: epoll virtio-net");
			return 1;
		}
	for (;;) {
		struct epoll_event ev;
		int n = epoll_wait(ep, &ev, 1, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("sdvf-vmm: epoll_wait");
			return 1;
		}
		if (ev.data.fd == sig_fd) {
			struct signalfd_siginfo si;
			if (read(sig_fd, &si, sizeof(si)) != sizeof(si))
				continue;
			fprintf(stderr,
				"sdvf-vmm: stopped by signal %u after %.2fs\n",
				si.ssi_signo, seconds_since(t0));
			return 143;
		}
		if (ev.data.fd == timer_fd) {
			fprintf(stderr,
				"sdvf-vmm: guest did not power off within "
				"%lus (--timeout): killed\n",
				limit);
			return 124;
		}
		if (ev.data.fd != vm->stopped_fd) {
			/* A tap deleted under us reports an error for ever:
			 * stop waiting on it (the guest's link stays up, its
			 * frames are lost like on a cut wire). */
			if (ev.events & (EPOLLERR | EPOLLHUP)) {
				fprintf(stderr,
					"sdvf-vmm: virtio-net fd %d: error or "
					"hangup, no longer polled\n",
					ev.data.fd);
				epoll_ctl(ep, EPOLL_CTL_DEL, ev.data.fd, NULL);
				continue;
			}
			vmm_net_event(vm->net, ev.data.fd);
			continue;
		}
		pthread_mutex_lock(&vm->dev_lock);
		enum vmm_stop stop = vm->stop;
		pthread_mutex_unlock(&vm->dev_lock);
		fprintf(stderr, "sdvf-vmm: guest %s after %.2fs\n",
			stop == VMM_STOP_POWEROFF ? "powered off"
			: stop == VMM_STOP_RESET  ? "reset (treated as a stop)"
						  : "stopped on an error",
			seconds_since(t0));
		return stop == VMM_STOP_ERROR ? 1 : 0;
	}
}

int main(int argc, char **argv)
{
	options_t o;
	parse(argc, argv, &o);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);

	/* Blocked before any vCPU thread exists, so they inherit the mask
	 * and only the signalfd sees these. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	int sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC);
	int timer_fd = -1;
	if (o.timeout_s > 0) {
		timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
		struct itimerspec its = {.it_value.tv_sec =
						 (time_t)o.timeout_s};
		if (timer_fd < 0 ||
		    timerfd_settime(timer_fd, 0, &its, NULL) < 0) {
			perror("sdvf-vmm: timerfd");
			return 1;
		}
	}
	if (sig_fd < 0) {
		perror("sdvf-vmm: signalfd");
		return 1;
	}

	static vmm_vm_t vm;
	static vmm_net_t net;
	vmm_layout_t layout;
	if (load(&vm, &o, &layout, &net) < 0 || vmm_vm_start(&vm) < 0)
		return 1;
	double started = seconds_since(&t0);
	int status = run(&vm, sig_fd, timer_fd, o.timeout_s, &t0);

	/* vCPU threads may still be in KVM_RUN: exit() ends them with the
	 * process; only the console and the counters are written first. */
	pthread_mutex_lock(&vm.dev_lock);
	vmm_vm_flush_console(&vm);
	fprintf(stderr,
		"sdvf-vmm: counters: uart_tx_bytes=%llu bad_mmio=%llu "
		"uart_ro_write=%llu uart_bad_offset=%llu uart_bad_width=%llu\n",
		(unsigned long long)vm.uart.tx_bytes,
		(unsigned long long)vm.bad_mmio,
		(unsigned long long)vm.uart.ro_write,
		(unsigned long long)vm.uart.bad_offset,
		(unsigned long long)vm.uart.bad_width);
	if (vm.net)
		vmm_net_print(vm.net, stderr);
	if (vm.uart.tx_bytes > 0)
		fprintf(stderr,
			"sdvf-vmm: boot: vCPUs started at %.2fs, first console "
			"byte at %.2fs\n",
			started, seconds_between(&t0, &vm.first_output));
	fflush(stderr);
	_exit(status);
}
