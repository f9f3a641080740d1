/* vmm_kvm: the KVM ioctl sequence for one arm64 VM, in the order KVM
 * requires it (Documentation/virt/kvm/api.rst, devices/arm-vgic-v3.rst):
 * VM, RAM, vGICv3 device and its addresses, vCPUs, vCPU registers, vGIC
 * init, then one KVM_RUN thread per vCPU. */
#define _GNU_SOURCE
#include "vmm/vmm_kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vmm/vmm_net.h"

static int fail(const char *what)
{
	fprintf(stderr, "sdvf-vmm: %s: %s\n", what, strerror(errno));
	return -1;
}

static void console_out(void *ctx, uint8_t byte)
{
	vmm_vm_t *vm = ctx;
	if (vm->uart.tx_bytes == 1) /* counted before this call: the first */
		clock_gettime(CLOCK_MONOTONIC, &vm->first_output);
	vm->line[vm->line_len++] = (char)byte;
	if (byte == '\n' || vm->line_len == sizeof(vm->line))
		vmm_vm_flush_console(vm);
}

void vmm_vm_flush_console(vmm_vm_t *vm)
{
	const char *p = vm->line;
	size_t left = vm->line_len;
	while (left > 0) {
		ssize_t n = write(vm->console_fd, p, left);
		if (n <= 0 && errno != EINTR)
			break; /* a closed console loses output, not the VM */
		if (n > 0) {
			p += n;
			left -= (size_t)n;
		}
	}
	vm->line_len = 0;
}

static int create_ram(vmm_vm_t *vm)
{
	int fd = memfd_create("sdvf-vmm-ram", MFD_CLOEXEC);
	if (fd < 0)
		return fail("memfd_create");
	if (ftruncate(fd, (off_t)vm->layout.ram_size) < 0)
		return fail("ftruncate guest RAM");
	vm->ram = mmap(NULL, vm->layout.ram_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, 0);
	close(fd); /* the mapping keeps the memory */
	if (vm->ram == MAP_FAILED)
		return fail("mmap guest RAM");
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = vm->layout.ram_base,
		.memory_size = vm->layout.ram_size,
		.userspace_addr = (uint64_t)(uintptr_t)vm->ram,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return fail("KVM_SET_USER_MEMORY_REGION");
	return 0;
}

static int gic_attr(vmm_vm_t *vm, uint32_t group, uint64_t attr, void *addr)
{
	struct kvm_device_attr a = {.group = group,
				    .attr = attr,
				    .addr = (uint64_t)(uintptr_t)addr};
	return ioctl(vm->gic_fd, KVM_SET_DEVICE_ATTR, &a);
}

static int create_gic(vmm_vm_t *vm)
{
	struct kvm_create_device dev = {.type = KVM_DEV_TYPE_ARM_VGIC_V3};
	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &dev) < 0)
		return fail("KVM_CREATE_DEVICE vGICv3");
	vm->gic_fd = (int)dev.fd;
	uint64_t dist = VMM_GICD_BASE, redist = VMM_GICR_BASE;
	if (gic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST,
		     &dist) < 0)
		return fail("vGICv3 distributor address");
	if (gic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR,
		     KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist) < 0)
		return fail("vGICv3 redistributor address");
	uint32_t nr_irqs =
		64; /* 32 private + 32 SPIs: UART now, virtio later */
	if (gic_attr(vm, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs) < 0)
		return fail("vGICv3 number of interrupts");
	return 0;
}

static int create_vcpu(vmm_vm_t *vm, unsigned index, int mmap_size)
{
	vmm_vcpu_t *c = &vm->vcpu[index];
	c->vm = vm;
	c->index = index;
	c->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, index);
	if (c->fd < 0)
		return fail("KVM_CREATE_VCPU");
	c->run = mmap(NULL, (size_t)mmap_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED, c->fd, 0);
	if (c->run == MAP_FAILED)
		return fail("mmap kvm_run");
	struct kvm_vcpu_init init;
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init) < 0)
		return fail("KVM_ARM_PREFERRED_TARGET");
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (index > 0) /* secondaries wait for PSCI CPU_ON */
		init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(c->fd, KVM_ARM_VCPU_INIT, &init) < 0)
		return fail("KVM_ARM_VCPU_INIT");
	return 0;
}

int vmm_vm_create(vmm_vm_t *vm, const vmm_layout_t *layout, unsigned cpus,
		  int console_fd)
{
	vm->layout = *layout;
	vm->cpus = cpus;
	vm->console_fd = console_fd;
	pthread_mutex_init(&vm->dev_lock, NULL);
	vmm_uart_init(&vm->uart, console_out, vm);
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return fail("open /dev/kvm");
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return fail("KVM_CREATE_VM");
	/* A guest access KVM cannot decode (no valid syndrome, e.g. ldp to
	 * an MMIO address) comes to us as KVM_EXIT_ARM_NISV instead of
	 * failing KVM_RUN: bad input to count, not a reason to stop. */
	struct kvm_enable_cap nisv = {.cap = KVM_CAP_ARM_NISV_TO_USER};
	vm->nisv_to_user = ioctl(vm->vm_fd, KVM_ENABLE_CAP, &nisv) == 0;
	if (!vm->nisv_to_user)
		fprintf(stderr,
			"sdvf-vmm: KVM_CAP_ARM_NISV_TO_USER unavailable: "
			"an undecodable guest access will stop the VM\n");
	vm->stopped_fd = eventfd(0, EFD_CLOEXEC);
	if (vm->stopped_fd < 0)
		return fail("eventfd");
	if (create_ram(vm) < 0 || create_gic(vm) < 0)
		return -1;
	int mmap_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (int)sizeof(struct kvm_run))
		return fail("KVM_GET_VCPU_MMAP_SIZE");
	for (unsigned i = 0; i < cpus; i++)
		if (create_vcpu(vm, i, mmap_size) < 0)
			return -1;
	return 0;
}

static int set_core_reg(int vcpu_fd, uint64_t offset, uint64_t value)
{
	struct kvm_one_reg reg = {
		.id = KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |
		      (offset / sizeof(uint32_t)),
		.addr = (uint64_t)(uintptr_t)&value,
	};
	return ioctl(vcpu_fd, KVM_SET_ONE_REG, &reg);
}

/* ---- vCPU threads ------------------------------------------------------ */

static void uart_irq(vmm_vm_t *vm, int level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) |
		       (32 + VMM_UART_SPI),
		.level = (uint32_t)level,
	};
	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		fail("KVM_IRQ_LINE uart");
}

/* Rate limit for bad-input logs: the first 8, then one in each power of
 * two of the running count. */
static bool log_this(uint64_t n)
{
	return n <= 8 || (n & (n - 1)) == 0;
}

static uint64_t uart_refused(const vmm_uart_t *u)
{
	return u->ro_write + u->bad_offset + u->bad_width;
}

static void uart_access(vmm_vm_t *vm, struct kvm_run *run, uint64_t offset,
			unsigned len)
{
	unsigned copy = len < 4 ? len : 4; /* KVM: len is 1, 2, 4 or 8 */
	uint64_t refused = uart_refused(&vm->uart);
	bool was = vm->uart.irq_level;
	uint32_t v = 0;
	if (run->mmio.is_write) {
		memcpy(&v, run->mmio.data, copy);
		vmm_uart_write(&vm->uart, offset, len, v);
	} else {
		v = vmm_uart_read(&vm->uart, offset, len);
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
		memcpy(run->mmio.data, &v, copy);
	}
	if (vm->uart.irq_level != was)
		uart_irq(vm, vm->uart.irq_level);
	uint64_t n = uart_refused(&vm->uart);
	if (n != refused && log_this(n))
		fprintf(stderr,
			"sdvf-vmm: guest UART %s of %u bytes at offset 0x%llx "
			"refused (read-only register, bad offset or width; so "
			"far: %llu)\n",
			run->mmio.is_write ? "write" : "read", len,
			(unsigned long long)offset, (unsigned long long)n);
}

static void bad_mmio(vmm_vm_t *vm, uint64_t addr, unsigned len, int write)
{
	uint64_t n = ++vm->bad_mmio;
	if (log_this(n))
		fprintf(stderr,
			"sdvf-vmm: guest MMIO %s of %u bytes at 0x%llx: no "
			"device there (bad accesses so far: %llu)\n",
			write ? "write" : "read", len, (unsigned long long)addr,
			(unsigned long long)n);
}

static void handle_mmio(vmm_vm_t *vm, struct kvm_run *run)
{
	uint64_t addr = run->mmio.phys_addr;
	unsigned len = run->mmio.len;
	pthread_mutex_lock(&vm->dev_lock);
	if (addr >= VMM_UART_BASE && addr - VMM_UART_BASE < VMM_UART_SIZE) {
		uart_access(vm, run, addr - VMM_UART_BASE, len);
	} else if (vm->net &&
		   vmm_net_mmio(vm->net, addr, len, run->mmio.is_write,
				run->mmio.data)) {
		/* the virtio-mmio window: virt/ counts what it refuses */
	} else {
		bad_mmio(vm, addr, len, run->mmio.is_write);
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0, sizeof(run->mmio.data));
	}
	pthread_mutex_unlock(&vm->dev_lock);
}

/* The guest touched an address with an instruction KVM cannot emulate:
 * count it like any stray access and answer with an external data abort,
 * what real hardware gives for a bus error (the guest's kernel decides
 * what that costs the guest: SIGBUS for a user program). */
static int handle_nisv(vmm_vcpu_t *c, struct kvm_run *run)
{
	pthread_mutex_lock(&c->vm->dev_lock);
	uint64_t n = ++c->vm->bad_mmio;
	if (log_this(n))
		fprintf(stderr,
			"sdvf-vmm: guest access at 0x%llx that KVM cannot "
			"decode (ESR ISS 0x%llx): external abort injected (bad "
			"accesses so far: %llu)\n",
			(unsigned long long)run->arm_nisv.fault_ipa,
			(unsigned long long)run->arm_nisv.esr_iss,
			(unsigned long long)n);
	pthread_mutex_unlock(&c->vm->dev_lock);
	struct kvm_vcpu_events ev;
	memset(&ev, 0, sizeof(ev));
	ev.exception.ext_dabt_pending = 1;
	if (ioctl(c->fd, KVM_SET_VCPU_EVENTS, &ev) < 0)
		return fail("KVM_SET_VCPU_EVENTS external abort");
	return 0;
}

static void vcpu_stop(vmm_vcpu_t *c, enum vmm_stop why)
{
	uint64_t one = 1;
	pthread_mutex_lock(&c->vm->dev_lock);
	if (c->vm->stop == VMM_RUNNING)
		c->vm->stop = why;
	pthread_mutex_unlock(&c->vm->dev_lock);
	if (write(c->vm->stopped_fd, &one, sizeof(one)) < 0)
		fail("eventfd write");
}

/* A stopped vCPU thread: parked for good (vmm_kvm.h), or it ends. */
static void *vcpu_end(vmm_vcpu_t *c)
{
	while (c->vm->park)
		sleep(3600); /* clock_nanosleep: allowed to every PD */
	return NULL;
}

static void wait_gate(vmm_vm_t *vm)
{
	atomic_fetch_add(&vm->at_gate, 1);
	struct timespec ms = {.tv_nsec = 1000000};
	while (vm->gated && !atomic_load(&vm->gate_open))
		nanosleep(&ms, NULL);
}

void vmm_vm_wait_gate(vmm_vm_t *vm)
{
	struct timespec ms = {.tv_nsec = 1000000};
	while (vm->gated && atomic_load(&vm->at_gate) < vm->cpus)
		nanosleep(&ms, NULL);
}

static void *vcpu_thread(void *arg)
{
	vmm_vcpu_t *c = arg;
	struct kvm_run *run = c->run;
	wait_gate(c->vm);
	for (;;) {
		int rc = ioctl(c->fd, KVM_RUN, 0);
		atomic_fetch_add_explicit(&c->vm->exits, 1,
					  memory_order_relaxed);
		if (rc < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fail("KVM_RUN");
			vcpu_stop(c, VMM_STOP_ERROR);
			return vcpu_end(c);
		}
		switch (run->exit_reason) {
		case KVM_EXIT_MMIO:
			handle_mmio(c->vm, run);
			break;
		case KVM_EXIT_ARM_NISV:
			if (handle_nisv(c, run) < 0) {
				vcpu_stop(c, VMM_STOP_ERROR);
				return vcpu_end(c);
			}
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			if (run->system_event.type ==
			    KVM_SYSTEM_EVENT_SHUTDOWN) {
				vcpu_stop(c, VMM_STOP_POWEROFF);
			} else if (run->system_event.type ==
				   KVM_SYSTEM_EVENT_RESET) {
				vcpu_stop(c, VMM_STOP_RESET);
			} else {
				fprintf(stderr,
					"sdvf-vmm: vCPU %u: system event "
					"%u\n",
					c->index, run->system_event.type);
				vcpu_stop(c, VMM_STOP_ERROR);
			}
			return vcpu_end(c);
		default:
			fprintf(stderr,
				"sdvf-vmm: vCPU %u: unhandled KVM exit %u\n",
				c->index, run->exit_reason);
			vcpu_stop(c, VMM_STOP_ERROR);
			return vcpu_end(c);
		}
	}
}

int vmm_vm_start(vmm_vm_t *vm)
{
	int boot = vm->vcpu[0].fd;
	if (set_core_reg(boot, offsetof(struct kvm_regs, regs.pc),
			 vm->layout.kernel_entry) < 0 ||
	    set_core_reg(boot, offsetof(struct kvm_regs, regs.regs[0]),
			 vm->layout.dtb_addr) < 0)
		return fail("KVM_SET_ONE_REG boot vCPU");
	if (gic_attr(vm, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT,
		     NULL) < 0)
		return fail("vGICv3 init");
	if (vm->net && vmm_net_attach(vm->net, vm->vm_fd, &vm->dev_lock) < 0)
		return -1;
	for (unsigned i = 0; i < vm->cpus; i++) {
		int rc = pthread_create(&vm->vcpu[i].thread, NULL, vcpu_thread,
					&vm->vcpu[i]);
		if (rc != 0) {
			errno = rc;
			return fail("pthread_create vCPU");
		}
	}
	return 0;
}
