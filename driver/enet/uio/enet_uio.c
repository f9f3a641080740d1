/*
 * enet_uio: the interrupt controller of a real ENET reached through Linux
 * UIO (uio_pdrv_genirq), in the place the ENET model takes on other hosted
 * systems (docs/enet.md, "Hardware validation: QEMU i.MX7").  The driver's
 * registers and DMA regions are UIO maps the hosted runtime maps into the
 * PDs themselves (core/hosted/hosted_uio.c); what is left is the line:
 *
 *   /dev/uioN readable (the kernel masked the line and counted it)
 *     -> read the count, notify "irq"             (the driver runs)
 *   the driver's sdvf_irq_ack on "irq" (the runtime sends it to this end)
 *     -> write 1 to /dev/uioN: the kernel unmasks the line
 *
 * The ENET's interrupt is level-triggered: unmasking only after the
 * driver has cleared EIR keeps one interrupt one activation.  Trusted:
 * the kernel's count.  The driver's acks are not counted against
 * interrupts: an ack with the line unmasked is harmless (the kernel's
 * irqcontrol only enables a disabled line).
 *
 * Host code, a device-role PD: init() opens the device as the hosted
 * runtime's devices do (before confinement); its filter then allows read
 * and write on that fd alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/pd.h"

/* watch_fd's channel for the UIO fd: not a described channel. */
#define ENET_UIO_CHANNEL (SDVF_CHANNEL_TIMER - 1)

struct enet_uio {
	struct sdvf_pd *pd;
	int fd;
	sdvf_channel_t ch_irq;
	uint32_t last_count; /* the kernel's interrupt count, last read */
	_Atomic uint64_t *interrupts; /* counted by the kernel, read here */
	_Atomic uint64_t *acks;	      /* unmask writes */
	_Atomic uint64_t *io_errors;  /* a read or write that failed */
};

static void take_interrupt(struct enet_uio *u)
{
	uint32_t count;
	if (read(u->fd, &count, sizeof(count)) != (ssize_t)sizeof(count)) {
		sdvf_counter_add(u->io_errors, 1);
		return;
	}
	/* u32 difference: the kernel's count wraps. */
	sdvf_counter_add(u->interrupts, (uint32_t)(count - u->last_count));
	u->last_count = count;
	sdvf_notify(u->pd, u->ch_irq);
}

static void unmask(struct enet_uio *u)
{
	uint32_t on = 1;
	if (write(u->fd, &on, sizeof(on)) != (ssize_t)sizeof(on)) {
		sdvf_counter_add(u->io_errors, 1);
		return;
	}
	sdvf_counter_add(u->acks, 1);
}

static void uio_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	(void)pd;
	struct enet_uio *u = state;
	if (ch == ENET_UIO_CHANNEL)
		take_interrupt(u);
	else if (ch == u->ch_irq)
		unmask(u);
}

static int uio_init(void *state, struct sdvf_pd *pd)
{
	struct enet_uio *u = state;
	u->pd = pd;
	u->ch_irq = sdvf_channel(pd, "irq");
	u->interrupts = sdvf_counter(pd, "interrupts");
	u->acks = sdvf_counter(pd, "acks");
	u->io_errors = sdvf_counter(pd, "io_errors");
	const char *dev = sdvf_config_str(pd, "uio_device");
	if (!dev) {
		sdvf_log(pd, SDVF_LOG_ERROR, "enet_uio: no uio_device");
		return -1;
	}
	char path[32];
	snprintf(path, sizeof(path), "/dev/%s", dev);
	u->fd = open(path, O_RDWR | O_CLOEXEC);
	if (u->fd < 0) {
		sdvf_log(pd, SDVF_LOG_ERROR, "enet_uio: open %s: %s", path,
			 strerror(errno));
		return -1;
	}
	if (!pd->ops->watch_fd ||
	    pd->ops->watch_fd(pd, u->fd, ENET_UIO_CHANNEL) < 0) {
		sdvf_log(pd, SDVF_LOG_ERROR, "enet_uio: cannot watch %s", path);
		return -1;
	}
	unmask(u); /* the line starts enabled; this makes it so after a
		      restart of this PD too */
	return 0;
}

static const struct sdvf_need uio_needs[] = {
	SDVF_NEED_CHAN("irq"),
	{0},
};

static const struct sdvf_param uio_params[] = {
	SDVF_PARAM_STRING("uio_device", 15,
			  "the UIO device of the ENET, \"uioN\" (/dev/uioN)"),
	{0},
};

static const struct sdvf_counter_doc uio_counters[] = {
	{.name = "interrupts", .meaning = "interrupts the kernel counted"},
	{.name = "acks", .meaning = "unmask writes after the driver's acks"},
	{.name = "io_errors",
	 .meaning = "reads or writes of /dev/uioN that "
		    "failed"},
	{0},
};

const struct sdvf_component enet_uio_component = {
	.name = "enet_uio",
	.summary = "the interrupt line of a real ENET through Linux UIO",
	.role = SDVF_ROLE_DEVICE,
	.state_size = sizeof(struct enet_uio),
	.needs = uio_needs,
	.params = uio_params,
	.counters = uio_counters,
	.init = uio_init,
	.notified = uio_notified,
};
