/* vmm_net: the guest's virtio-net device in sdvf-vmm (aarch64 only): the
 * glue between KVM and virt/virtio_net over a backend: the tap of
 * vmm_tap.h (`sdvf-vmm --net tap:NAME`) or the muxes' net_client
 * (vmm_client.h, the `vmm` component of vmm_pd.c), the same five calls.
 *
 * Device n (only n = 0 so far) is the virtio-mmio window at
 * VMM_VIRTIO_BASE + 512 n, SPI VMM_VIRTIO_SPI + n (vmm_fdt.h).
 *
 *   guest register access  MMIO exit on a vCPU thread -> vmm_net_mmio
 *                          (dev_lock held) -> virtio_mmio_read/write
 *   QueueNotify            KVM_IOEVENTFD, one eventfd per queue (datamatch
 *                          on the queue index), read by the main loop ->
 *                          the transport's notify dispatch; without
 *                          ioeventfd the write exits like any register
 *   backend RX ready       the tap fd in the main loop -> rx_poll (with
 *                          net_client: the RX channel, vmm_pd.c)
 *   rx_more / tx_more      the kick eventfd: the main loop polls again
 *   interrupt              edge-triggered SPI: raise_irq writes a plain
 *                          KVM_IRQFD, one edge per InterruptStatus bit
 *                          set (an edge during the guest's handler leaves
 *                          the SPI pending again: nothing is lost); the
 *                          guest's InterruptACK and EOI need nothing from
 *                          the VMM.  Without irqfd, a KVM_IRQ_LINE pulse
 *
 * Trust: the guest is untrusted; all its input goes through virt/ (which
 * validates and counts). A notification value no ioeventfd matches exits
 * to vmm_net_mmio and is counted by the transport (bad_notify).
 *
 * State: struct vmm_net (device, backend, transport) is touched only under
 * the VM's dev_lock, by the main loop or a vCPU thread.
 */
#ifndef SDVF_VMM_NET_H
#define SDVF_VMM_NET_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "virt/virtio_net.h"
#include "vmm/vmm_tap.h"

#define VMM_NET_QUEUES 2u

typedef struct vmm_net {
	struct virtio_net dev;
	vmm_tap_t tap; /* the tap backend, if backend_fd is its fd */
	struct virtio_net_backend be; /* tap or net_client */
	uint32_t hold;		      /* virtio_net's hold_max */
	int backend_fd;		      /* readable: RX ready; -1: none */
	char backend_name[40];	      /* for the start line */
	bool *be_touched;	      /* net_client moved a queue (or NULL) */
	struct virt_guest_mem mem;
	uint64_t base; /* guest-physical window */
	unsigned spi;
	int vm_fd;
	pthread_mutex_t *lock;	       /* the VM's dev_lock */
	int notify_fd[VMM_NET_QUEUES]; /* ioeventfds, or -1 */
	int irq_fd;		       /* irqfd, or -1: KVM_IRQ_LINE */
	int kick_fd;		       /* eventfd: poll again */
	bool no_eventfds;	       /* --no-eventfds: force both fallbacks */
	uint64_t irqs, notifies_fd, mmio_exits; /* counters */
} vmm_net_t;

/* Parse SPEC ("tap:NAME") and open the backend. 0, or -1 with a reason. */
int vmm_net_open(vmm_net_t *n, const char *spec);
/* Or a backend of the caller's (net_client): frames held at most `hold`;
 * *touched is set by its calls (then a vCPU thread's register write kicks
 * the main loop, which publishes). 0, or -1 with a reason. */
int vmm_net_open_backend(vmm_net_t *n, const struct virtio_net_backend *be,
			 uint32_t hold, const char *name, bool *touched);
/* The device over guest RAM, with this MAC, in its reset state. */
void vmm_net_init(vmm_net_t *n, uint8_t *ram, uint64_t ram_base,
		  uint64_t ram_size, const uint8_t mac[6]);
/* ioeventfds and irqfd (after the vGIC's CTRL_INIT). 0, or -1. */
int vmm_net_attach(vmm_net_t *n, int vm_fd, pthread_mutex_t *lock);
/* The fds the main loop waits on (readable): returns how many. */
unsigned vmm_net_fds(const vmm_net_t *n, int *fds, unsigned max);
/* The backend has frames (rx) or TX room (tx): poll the device (main
 * thread, lock held; a budgeted poll kicks the loop). */
void vmm_net_backend_ready(vmm_net_t *n, bool rx, bool tx);
/* One of them is readable (main thread; takes the lock). */
void vmm_net_event(vmm_net_t *n, int fd);
/* A vCPU's MMIO exit at addr, lock held: false if not in the window. */
bool vmm_net_mmio(vmm_net_t *n, uint64_t addr, unsigned len, bool is_write,
		  uint8_t data[8]);
/* Protocol violations counted so far (device, transport, queues). */
uint64_t vmm_net_violations(const vmm_net_t *n);
/* The counters, one line each for device, transport, queues, backend;
 * returns the number of protocol violations counted. */
uint64_t vmm_net_print(const vmm_net_t *n, FILE *f);

#endif
