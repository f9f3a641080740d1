/* vmm_pd: the `vmm` component, a Linux guest under KVM as a client PD of
 * the muxes (docs/vmm.md, "The VMM as a PD"; description grammar:
 * docs/system-description.md, "A VM client").
 *
 * A hosted PD with role VMM.  Its init() runs before the PD's confinement
 * (core/hosted/hosted_pd.c): it attaches net_client (copy mode: the
 * expander refuses remap for it), reads the guest's kernel and initrd,
 * creates the VM (vmm_kvm.h), the virtio-net device over net_client
 * (vmm_net.h, vmm_client.h) and the vCPU threads, which wait at a gate,
 * and hands the main loop's fds to the runtime (watch_fd).  Then the
 * runtime applies the VMM seccomp filter to every thread
 * (core/hosted/hosted_seccomp.c) and the first activation opens the gate.
 *
 *   rx channel      RX mux -> virtio_net_rx_poll -> guest RX buffers
 *   tx channel      TX mux gave buffers back: net_client_tx_reap, then
 *                   virtio_net_tx_poll if the guest's TX waited for room
 *   watched fds     ioeventfds (guest QueueNotify), the kick eventfd
 *                   (vmm_net.h); stopped_fd: the
 *                   guest powered off or reset -> the PD exits 0 (1 on a
 *                   VM error)
 *   timer           every VMM_PD_TICK_MS: counters published (vm.*),
 *                   the boot timeout checked (exit 124)
 * Every activation ends with one net_client_finish (publish once, signal
 * each mux at most once), under dev_lock like every device call.
 *
 * Trust: the guest is untrusted (virt/ validates, vmm_kvm counts stray
 * MMIO); the muxes are checked by net_client; the configuration was
 * checked against the parameter table before init.
 *
 * Only on aarch64 (vmm_pd_kvm.c).  Elsewhere the component exists, so a
 * system with a VM can be checked and dumped, but its init() refuses with
 * a message naming the PD (vmm_pd.c).
 */
#ifndef SDVF_VMM_PD_H
#define SDVF_VMM_PD_H

#include <stdbool.h>
#include <stdint.h>

#include "clients/net_client.h"
#include "core/pd.h"
#include "vmm/vmm_client.h"
#include "vmm/vmm_kvm.h"
#include "vmm/vmm_net.h"

#define VMM_PD_TICK_MS 100u
#define VMM_PD_WATCH_BASE 0x1000u /* channel ids of watched fds */
#define VMM_PD_WATCH_MAX 8u
#define VMM_PD_DEFAULT_BOOTARGS "console=ttyAMA0 earlycon rdinit=/init"

/* Counters the VMM publishes (besides net_client's), X(field, name,
 * meaning): copied from the device under dev_lock at each tick and at
 * the guest's stop. */
#define VMM_PD_COUNTERS(X)                                                     \
	X(running, "vm.running", "1 while the guest runs")                     \
	X(boot_ms, "vm.boot_ms",                                               \
	  "ms from the VMM's start to the guest's first console byte")         \
	X(rx_frames, "vm.rx_frames", "frames delivered to the guest")          \
	X(rx_bytes, "vm.rx_bytes", "bytes delivered to the guest")             \
	X(rx_dropped, "vm.rx_dropped",                                         \
	  "frames given back unseen (guest posted no buffer, or reset)")       \
	X(tx_frames, "vm.tx_frames", "frames the guest sent")                  \
	X(tx_bytes, "vm.tx_bytes", "bytes the guest sent")                     \
	X(tx_waits, "vm.tx_waits",                                             \
	  "guest TX polls that waited for a buffer (backpressure)")            \
	X(tx_send_failed, "vm.tx_send_failed", "frames net_client refused")    \
	X(violations, "vm.violations",                                         \
	  "guest virtio protocol violations (docs/virtio.md)")                 \
	X(bad_mmio, "vm.bad_mmio", "guest MMIO where no device is")            \
	X(uart_refused, "vm.uart_refused",                                     \
	  "guest UART accesses refused (read-only, bad offset or width)")      \
	X(irqs, "vm.irqs", "virtio interrupts raised")                         \
	X(exits, "vm.exits", "KVM_RUN returns to the VMM, all vCPUs")          \
	X(vcpu_ms, "vm.vcpu_ms",                                               \
	  "CPU time of the vCPU threads, ms (grows while the guest runs)")     \
	X(console_bytes, "vm.console_bytes",                                   \
	  "bytes the guest wrote to its UART")                                 \
	X(bad_handle, "vm.bad_handle",                                         \
	  "device returns net_client refused (never with an honest device)")

struct vmm_pd {
	struct net_client nc;
	struct vmm_client client;
	vmm_vm_t vm;
	vmm_net_t net;
	vmm_layout_t layout;
	struct sdvf_pd *pd;
	int watch_fd[VMM_PD_WATCH_MAX];
	unsigned nwatch;
	uint64_t start_ns, deadline_ns; /* deadline 0: no timeout */
	struct timespec t0;		/* CLOCK_MONOTONIC at init */
#define VMM_PD_FIELD(field, name, meaning) _Atomic uint64_t *field;
	VMM_PD_COUNTERS(VMM_PD_FIELD)
#undef VMM_PD_FIELD
};

/* vmm_pd_kvm.c on aarch64, a refusal elsewhere (vmm_pd.c). */
int vmm_pd_init(void *state, struct sdvf_pd *pd);
void vmm_pd_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch);
void vmm_pd_peer_restart(void *state, struct sdvf_pd *pd, sdvf_channel_t ch);

#endif
