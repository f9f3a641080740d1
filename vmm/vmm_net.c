/* vmm_net: KVM glue for the guest's virtio-net device (vmm_net.h). Facts
 * from Documentation/virt/kvm/api.rst (KVM_IOEVENTFD, KVM_IRQFD) and the
 * virtio-mmio binding; no code taken from elsewhere. */
#define _GNU_SOURCE
#include "vmm/vmm_net.h"

#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmm/vmm_fdt.h"

static void reset_fds(vmm_net_t *n)
{
	memset(n, 0, sizeof(*n));
	n->vm_fd = n->irq_fd = n->kick_fd = -1;
	n->backend_fd = -1;
	for (unsigned q = 0; q < VMM_NET_QUEUES; q++)
		n->notify_fd[q] = -1;
}

static int open_kick(vmm_net_t *n)
{
	n->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (n->kick_fd < 0) {
		perror("sdvf-vmm: eventfd");
		return -1;
	}
	return 0;
}

int vmm_net_open(vmm_net_t *n, const char *spec)
{
	reset_fds(n);
	if (strncmp(spec, "tap:", 4) != 0) {
		fprintf(stderr, "sdvf-vmm: --net %s: want tap:NAME\n", spec);
		return -1;
	}
	if (vmm_tap_open(&n->tap, spec + 4) < 0)
		return -1;
	n->be = vmm_tap_backend(&n->tap);
	n->hold = VMM_TAP_HOLD;
	n->backend_fd = n->tap.fd;
	snprintf(n->backend_name, sizeof(n->backend_name), "tap %s",
		 n->tap.name);
	return open_kick(n);
}

int vmm_net_open_backend(vmm_net_t *n, const struct virtio_net_backend *be,
			 uint32_t hold, const char *name, bool *touched)
{
	reset_fds(n);
	n->be = *be;
	n->hold = hold;
	n->be_touched = touched;
	snprintf(n->backend_name, sizeof(n->backend_name), "%s", name);
	return open_kick(n);
}

static void set_line(vmm_net_t *n, uint32_t level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) |
		       (32 + n->spi),
		.level = level,
	};
	if (ioctl(n->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		perror("sdvf-vmm: KVM_IRQ_LINE virtio");
}

/* Without irqfd: one edge by hand, as KVM makes one per irqfd write. */
static void pulse_line(vmm_net_t *n)
{
	if (n->vm_fd < 0)
		return;
	set_line(n, 1);
	set_line(n, 0);
}

static void signal_fd(int fd)
{
	uint64_t one = 1;
	if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		perror("sdvf-vmm: eventfd write");
}

static void drain_fd(int fd)
{
	uint64_t v;
	if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		perror("sdvf-vmm: eventfd read");
}

/* The transport set a bit of InterruptStatus (lock held): one edge. An
 * edge while the guest's handler runs leaves the SPI pending again, so a
 * bit set after the handler read InterruptStatus is not lost; the ACK and
 * the EOI need nothing from us. */
static void raise_irq(void *ctx)
{
	vmm_net_t *n = ctx;
	n->irqs++;
	if (n->irq_fd >= 0)
		signal_fd(n->irq_fd);
	else
		pulse_line(n);
}

void vmm_net_init(vmm_net_t *n, uint8_t *ram, uint64_t ram_base,
		  uint64_t ram_size, const uint8_t mac[6])
{
	n->mem = (struct virt_guest_mem){
		.base = ram, .gpa = ram_base, .size = ram_size};
	n->base = VMM_VIRTIO_BASE; /* device 0 */
	n->spi = VMM_VIRTIO_SPI;
	virtio_net_init(&n->dev, &n->mem, mac, n->hold, &n->be, raise_irq, n);
}

int vmm_net_attach(vmm_net_t *n, int vm_fd, pthread_mutex_t *lock)
{
	n->vm_fd = vm_fd;
	n->lock = lock;
	for (unsigned q = 0; q < VMM_NET_QUEUES && !n->no_eventfds; q++) {
		int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		struct kvm_ioeventfd io = {
			.datamatch = q,
			.addr = n->base + VIRTIO_MMIO_QUEUE_NOTIFY,
			.len = 4,
			.fd = fd,
			.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
		};
		if (fd < 0 || ioctl(vm_fd, KVM_IOEVENTFD, &io) < 0) {
			fprintf(stderr,
				"sdvf-vmm: KVM_IOEVENTFD queue %u: %s: "
				"notifications take the MMIO exit path\n",
				q, strerror(errno));
			if (fd >= 0)
				close(fd);
			continue;
		}
		n->notify_fd[q] = fd;
	}
	/* A plain irqfd (no resample): the SPI is edge-triggered (vmm_fdt.c),
	 * so the guest's EOI costs no maintenance exit and wakes nobody. */
	int irq = n->no_eventfds ? -1 : eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	struct kvm_irqfd f = {.fd = (uint32_t)irq,
			      .gsi = n->spi /* default routing: SPI number */};
	if (irq >= 0 && ioctl(vm_fd, KVM_IRQFD, &f) == 0) {
		n->irq_fd = irq;
	} else if (!n->no_eventfds) {
		fprintf(stderr,
			"sdvf-vmm: KVM_IRQFD: %s: interrupts by "
			"KVM_IRQ_LINE\n",
			strerror(errno));
		if (irq >= 0)
			close(irq);
	}
	fprintf(stderr,
		"sdvf-vmm: virtio-net at 0x%llx SPI %u on %s: notify by "
		"%s, interrupt by %s\n",
		(unsigned long long)n->base, n->spi, n->backend_name,
		n->notify_fd[0] >= 0 ? "ioeventfd" : "MMIO exit",
		n->irq_fd >= 0 ? "irqfd (edge)" : "KVM_IRQ_LINE (edge)");
	return 0;
}

unsigned vmm_net_fds(const vmm_net_t *n, int *fds, unsigned max)
{
	int all[] = {n->backend_fd, n->kick_fd, n->notify_fd[0],
		     n->notify_fd[1]};
	unsigned k = 0;
	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (all[i] >= 0 && k < max)
			fds[k++] = all[i];
	return k;
}

/* More work left by a budgeted poll: come back through the loop, so other
 * fds (and the vCPUs' register accesses) interleave.  With net_client, a
 * queue moved on a vCPU thread: the main thread publishes and signals. */
static void maybe_kick(vmm_net_t *n)
{
	if (n->dev.rx_more || n->dev.tx_more)
		signal_fd(n->kick_fd);
}

static void kick_if_touched(vmm_net_t *n)
{
	if (n->be_touched && *n->be_touched)
		signal_fd(n->kick_fd);
}

void vmm_net_backend_ready(vmm_net_t *n, bool rx, bool tx)
{
	if (rx)
		virtio_net_rx_poll(&n->dev);
	if (tx)
		virtio_net_tx_poll(&n->dev);
	maybe_kick(n);
}

void vmm_net_event(vmm_net_t *n, int fd)
{
	pthread_mutex_lock(n->lock);
	if (fd == n->backend_fd) {
		virtio_net_rx_poll(&n->dev);
	} else if (fd == n->kick_fd) {
		drain_fd(fd);
		if (n->dev.rx_more)
			virtio_net_rx_poll(&n->dev);
		if (n->dev.tx_more || n->dev.tx_waiting)
			virtio_net_tx_poll(&n->dev);
	} else {
		for (unsigned q = 0; q < VMM_NET_QUEUES; q++)
			if (fd == n->notify_fd[q]) {
				drain_fd(fd);
				n->notifies_fd++;
				virtio_mmio_write(&n->dev.mmio,
						  VIRTIO_MMIO_QUEUE_NOTIFY, 4,
						  q);
			}
	}
	maybe_kick(n);
	pthread_mutex_unlock(n->lock);
}

bool vmm_net_mmio(vmm_net_t *n, uint64_t addr, unsigned len, bool is_write,
		  uint8_t data[8])
{
	if (addr < n->base || addr - n->base >= VIRTIO_MMIO_WINDOW)
		return false;
	uint32_t off = (uint32_t)(addr - n->base);
	unsigned copy = len < 4 ? len : 4;
	n->mmio_exits++;
	uint32_t v = 0;
	if (is_write) {
		memcpy(&v, data, copy);
		virtio_mmio_write(&n->dev.mmio, off, len, v);
		maybe_kick(n);
		kick_if_touched(n);
	} else {
		v = virtio_mmio_read(&n->dev.mmio, off, len);
		memset(data, 0, 8);
		memcpy(data, &v, copy);
	}
	return true;
}

static uint64_t queue_violations(const struct virtq_counters *c)
{
	return c->avail_jump + c->bad_head + c->bad_addr + c->chain_too_long +
	       c->bad_order + c->indirect + c->bad_setup;
}

/* The virtqueue refusals by kind, both queues summed. */
static void print_queue_counters(const vmm_net_t *n, FILE *f)
{
	struct virtq_counters s = {0};
	for (unsigned q = 0; q < VMM_NET_QUEUES; q++) {
		const struct virtq_counters *c = &n->dev.mmio.queue[q].count;
		s.avail_jump += c->avail_jump;
		s.bad_head += c->bad_head;
		s.bad_addr += c->bad_addr;
		s.chain_too_long += c->chain_too_long;
		s.bad_order += c->bad_order;
		s.indirect += c->indirect;
		s.bad_setup += c->bad_setup;
	}
	fprintf(f,
		"sdvf-vmm: virtq: avail_jump=%llu bad_head=%llu bad_addr=%llu "
		"chain_too_long=%llu bad_order=%llu indirect=%llu "
		"bad_setup=%llu\n",
		(unsigned long long)s.avail_jump,
		(unsigned long long)s.bad_head, (unsigned long long)s.bad_addr,
		(unsigned long long)s.chain_too_long,
		(unsigned long long)s.bad_order, (unsigned long long)s.indirect,
		(unsigned long long)s.bad_setup);
}

/* Buffer conservation at exit: every tap RX buffer is free or held for
 * the guest, and the TX buffer is not left allocated.  Tap backend only
 * (a tap has a name); another backend accounts for its own buffers. */
static void print_buffers(const vmm_net_t *n, FILE *f)
{
	if (n->tap.name[0] == '\0')
		return;
	uint32_t total = VMM_TAP_RX_BUFS, free = n->tap.nfree,
		 held = n->dev.nheld;
	long leaked = (long)total - (long)free - (long)held + n->tap.tx_busy;
	fprintf(f,
		"sdvf-vmm: buffers: rx_total=%u rx_free=%u rx_held=%u "
		"tx_busy=%d leaked=%ld\n",
		total, free, held, n->tap.tx_busy, leaked);
}

uint64_t vmm_net_violations(const vmm_net_t *n)
{
	const struct virtio_net_counters *d = &n->dev.count;
	const struct virtio_mmio_counters *m = &n->dev.mmio.count;
	uint64_t vq = 0;
	for (unsigned q = 0; q < VMM_NET_QUEUES; q++)
		vq += queue_violations(&n->dev.mmio.queue[q].count);
	return m->bad_width + m->bad_offset + m->bad_config + m->bad_status +
	       m->late_features + m->bad_queue_write + m->bad_notify + vq +
	       d->tx_bad_chain + d->tx_bad_len;
}

uint64_t vmm_net_print(const vmm_net_t *n, FILE *f)
{
	const struct virtio_net_counters *d = &n->dev.count;
	const struct virtio_mmio_counters *m = &n->dev.mmio.count;
	fprintf(f,
		"sdvf-vmm: virtio-net: rx_frames=%llu rx_bytes=%llu "
		"rx_dropped=%llu rx_too_small=%llu rx_bad_len=%llu "
		"tx_frames=%llu tx_bytes=%llu tx_bad_chain=%llu "
		"tx_bad_len=%llu tx_send_failed=%llu tx_waits=%llu\n",
		(unsigned long long)d->rx_frames,
		(unsigned long long)d->rx_bytes,
		(unsigned long long)d->rx_dropped,
		(unsigned long long)d->rx_too_small,
		(unsigned long long)d->rx_bad_len,
		(unsigned long long)d->tx_frames,
		(unsigned long long)d->tx_bytes,
		(unsigned long long)d->tx_bad_chain,
		(unsigned long long)d->tx_bad_len,
		(unsigned long long)d->tx_send_failed,
		(unsigned long long)d->tx_waits);
	fprintf(f,
		"sdvf-vmm: virtio-mmio: bad_width=%llu bad_offset=%llu "
		"bad_config=%llu bad_status=%llu features_refused=%llu "
		"late_features=%llu bad_queue_write=%llu bad_notify=%llu "
		"needs_reset=%llu resets=%llu\n",
		(unsigned long long)m->bad_width,
		(unsigned long long)m->bad_offset,
		(unsigned long long)m->bad_config,
		(unsigned long long)m->bad_status,
		(unsigned long long)m->features_refused,
		(unsigned long long)m->late_features,
		(unsigned long long)m->bad_queue_write,
		(unsigned long long)m->bad_notify,
		(unsigned long long)m->needs_reset,
		(unsigned long long)m->resets);
	uint64_t vq = 0;
	for (unsigned q = 0; q < VMM_NET_QUEUES; q++)
		vq += queue_violations(&n->dev.mmio.queue[q].count);
	print_queue_counters(n, f);
	print_buffers(n, f);
	uint64_t violations = vmm_net_violations(n);
	fprintf(f,
		"sdvf-vmm: virtio: queue_violations=%llu irqs=%llu "
		"notify_ioeventfd=%llu mmio_exits=%llu tap_rx=%llu "
		"tap_tx=%llu tap_tx_errors=%llu violations=%llu\n",
		(unsigned long long)vq, (unsigned long long)n->irqs,
		(unsigned long long)n->notifies_fd,
		(unsigned long long)n->mmio_exits,
		(unsigned long long)n->tap.rx_frames,
		(unsigned long long)n->tap.tx_frames,
		(unsigned long long)n->tap.tx_errors,
		(unsigned long long)violations);
	return violations;
}
