/* vmm_kvm: one arm64 KVM virtual machine (aarch64 hosts only).
 *
 * Trust: the guest is untrusted. Its only ways out are MMIO exits and
 * PSCI system events, both handled in vCPU threads by vmm_kvm.c, and the
 * virtio-net device's ioeventfds (vmm_net.h): an MMIO access to the UART
 * goes to vmm_uart (which counts what it refuses), one in the virtio-mmio
 * window to vmm_net (virt/ validates and counts); any
 * other MMIO address is counted in bad_mmio, logged (rate-limited) and
 * answered with zeros; an access KVM cannot decode (KVM_EXIT_ARM_NISV) is
 * counted there too and answered with an external data abort. Nothing the guest
 * does ends the VMM except SYSTEM_OFF / SYSTEM_RESET (a clean stop) or a KVM
 * failure.
 *
 * Threads: the main thread owns the event loop (sdvf_vmm.c) and never
 * touches a vCPU; each vCPU thread runs KVM_RUN and reports its end by
 * writing the eventfd `stopped_fd`. Device state is shared by the vCPU
 * threads under dev_lock.
 *
 * As a hosted PD (vmm_pd.c) the vCPU threads exist before the PD's seccomp
 * filter, which is then applied to every thread at once: `gated` makes
 * each thread wait (after its start-up system calls) until `gate_open`,
 * so no guest input is handled before the filter, and `park` makes a
 * stopped thread sleep instead of returning (a thread's exit makes calls
 * the filter forbids; the main thread ends the process).
 */
#ifndef SDVF_VMM_KVM_H
#define SDVF_VMM_KVM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "vmm/vmm_fdt.h"
#include "vmm/vmm_image.h"
#include "vmm/vmm_uart.h"

/* Why the guest stopped: written once by the vCPU thread that saw it,
 * before it writes stopped_fd; read by the main thread after. */
enum vmm_stop {
	VMM_RUNNING = 0,
	VMM_STOP_POWEROFF, /* PSCI SYSTEM_OFF */
	VMM_STOP_RESET,	   /* PSCI SYSTEM_RESET: treated as a stop */
	VMM_STOP_ERROR,	   /* KVM failure or an exit we cannot handle */
};

struct vmm_vm;
struct vmm_net;

typedef struct vmm_vcpu {
	struct vmm_vm *vm;
	unsigned index;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
} vmm_vcpu_t;

typedef struct vmm_vm {
	int kvm_fd, vm_fd, gic_fd;
	uint8_t *ram; /* host mapping of guest RAM (a memfd) */
	vmm_layout_t layout;
	unsigned cpus;
	vmm_vcpu_t vcpu[VMM_MAX_CPUS];
	int stopped_fd;	   /* eventfd: a vCPU thread ended */
	bool nisv_to_user; /* KVM_CAP_ARM_NISV_TO_USER is on */
	enum vmm_stop stop;
	/* The virtio-net device or NULL, set before vmm_vm_start (which
	 * attaches its ioeventfds and irqfd); its state is under dev_lock. */
	struct vmm_net *net;
	pthread_mutex_t dev_lock;
	bool gated, park;      /* set before vmm_vm_start (vmm_pd.c) */
	atomic_bool gate_open; /* main thread: the vCPUs may run */
	atomic_uint at_gate;   /* vCPU threads past their start-up */
	/* vCPU threads add, the main thread reads (relaxed): KVM_RUN returns,
	 * so a guest that prints nothing can be told running from stuck. */
	atomic_uint_fast64_t exits;
	/* Under dev_lock: */
	vmm_uart_t uart;
	int console_fd;
	char line[256];
	unsigned line_len;
	uint64_t bad_mmio;
	struct timespec first_output; /* the guest's first console byte */
} vmm_vm_t;

/* Create the VM: RAM of layout->ram_size at layout->ram_base, the vGICv3,
 * `cpus` vCPUs with PSCI 0.2 (all but vCPU 0 powered off). Returns 0, or
 * -1 with a one-line reason on stderr. */
int vmm_vm_create(vmm_vm_t *vm, const vmm_layout_t *layout, unsigned cpus,
		  int console_fd);
/* Point vCPU 0 at the kernel (PC) with the DTB address in x0, finish the
 * vGIC, start one thread per vCPU. */
int vmm_vm_start(vmm_vm_t *vm);
/* gated: wait until every vCPU thread has reached the gate. */
void vmm_vm_wait_gate(vmm_vm_t *vm);
/* Write out any console bytes still buffered (call after the stop). */
void vmm_vm_flush_console(vmm_vm_t *vm);

#endif
