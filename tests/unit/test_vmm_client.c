/*
 * vmm/vmm_client as a specification: the guest's virtio-net device
 * (virt/virtio_net) over net_client, the VMM PD's backend.  One sim PD
 * `vm` runs a test component with the VMM's activation (vmm/vmm_pd_kvm.c:
 * rx channel -> rx poll; tx channel -> reap, then tx poll if buffers came
 * back or the guest's TX waited; one finish), its device over a synthetic
 * guest (tests/unit/virtio_guest.h) brought up as Linux does.  The muxes
 * are passive; the test plays them on the queues.  Queues of 4 slots, 8
 * buffers per data region: the VM owns 4 TX buffers.  Every test ends with
 * buffer conservation: each TX buffer idle or at the mux, every RX buffer
 * lent either back on rx_free or held by the device for the guest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clients/net_client.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "tests/unit/fixture_sim.h"
#include "tests/unit/fixture_stub.h"
#include "tests/unit/virtio_net_fixture.h"
#include "vmm/vmm_client.h"

#define CAP 4u

struct vmc {
	struct net_client nc;
	struct vmm_client cl;
	struct virtio_net_backend be;
	struct virtio_net *dev; /* set by the test once the guest is up */
};

static void vmc_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct vmc *v = state;
	(void)pd;
	if (v->dev && ch == v->nc.ch_rx)
		virtio_net_rx_poll(v->dev);
	if (v->dev && ch == v->nc.ch_tx) {
		struct net_tx_done done;
		bool reaped = false;
		while (net_client_tx_reap(&v->nc, &done))
			reaped = true;
		v->cl.touched = true;
		if (reaped || v->dev->tx_waiting)
			virtio_net_tx_poll(v->dev);
	}
	vmm_client_finish(&v->cl);
}

static int vmc_init(void *state, struct sdvf_pd *pd)
{
	struct vmc *v = state;
	if (!net_client_attach(&v->nc, pd))
		return -1;
	v->be = vmm_client_backend(&v->cl, &v->nc);
	return 0;
}

static const struct sdvf_need vmc_needs[] = {NET_CLIENT_NEEDS, {0}};
static const struct sdvf_param vmc_params[] = {NET_CLIENT_PARAMS, {0}};
static const struct sdvf_component vmc_component = {
	.name = "vmc_test",
	.summary = "virtio-net over vmm_client",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct vmc),
	.needs = vmc_needs,
	.params = vmc_params,
	.init = vmc_init,
	.notified = vmc_notified,
};

static const struct sdvf_need stub_needs[] = {SDVF_NEED_CHAN("c"), {0}};
static const struct sdvf_component stub_component =
	STUB_PD("vmc_stub", "passive mux", SDVF_ROLE_MUX, stub_needs,
		STUB_C0_MAC_PARAMS);

static const struct sdvf_component *const table[] = {&vmc_component,
						     &stub_component, NULL};

static const char dts[] =
	"/dts-v1/;\n/ {\ncompatible = \"sdvf,system\";\npds {\n"
	"vm { component = \"vmc_test\";\n"
	" maps { rx_active = \"rxa\", \"rw\"; rx_free = \"rxf\", \"rw\"; "
	"rx_data = \"rxd\", \"r\";\n"
	"  tx_active = \"txa\", \"rw\"; tx_free = \"txf\", \"rw\"; "
	"tx_data = \"txd\", \"rw\"; };\n"
	" channels { rx = \"rx\"; tx = \"tx\"; };\n"
	" config { mac = [52 54 00 12 34 56]; rx_capacity = <4>; "
	"tx_capacity = <4>; }; };\n"
	"rxm { component = \"vmc_stub\"; channels { c = \"rx\"; };\n"
	" config { c0_mac = [52 54 00 12 34 56]; }; };\n"
	"txm { component = \"vmc_stub\"; channels { c = \"tx\"; };\n"
	" config { c0_mac = [52 54 00 12 34 56]; }; };\n"
	"};\nregions {\n rxa { size = <0x1000>; }; rxf { size = <0x1000>; "
	"};\n"
	" txa { size = <0x1000>; }; txf { size = <0x1000>; };\n"
	" rxd { size = <0x4000>; }; txd { size = <0x4000>; };\n};\n"
	"channels { rx { ends = \"vm\", \"rxm\"; }; tx { ends = \"vm\", "
	"\"txm\"; }; };\n};\n";

static struct sdvf_system sys;
static struct sdvf_sim *sim;
static struct sdvf_queue m_rx_active, m_rx_free, m_tx_active, m_tx_free;
static uint8_t *rx_data, *tx_data;
static struct fix *fx;
static unsigned lent; /* RX buffers lent, not yet back on rx_free */

static struct vmc *vm(void)
{
	return sdvf_sim_state(sim, "vm");
}

static int setup(void **state)
{
	(void)state;
	lent = 0;
	sim = sim_boot(&sys, "test_vmm_client", dts, table);
	sim_attach(sim, &m_rx_active, "rxa", CAP);
	sim_attach(sim, &m_rx_free, "rxf", CAP);
	sim_attach(sim, &m_tx_active, "txa", CAP);
	sim_attach(sim, &m_tx_free, "txf", CAP);
	rx_data = sdvf_sim_region(sim, "rxd", NULL);
	tx_data = sdvf_sim_region(sim, "txd", NULL);
	/* The guest and its device, the device on vm's backend. */
	fx = calloc(1, sizeof(*fx));
	guest_init(&fx->g);
	gvq_init(&fx->rx, &fx->g, 0, 16);
	gvq_init(&fx->tx, &fx->g, 1, 16);
	virtio_net_init(&fx->n, &fx->g.mem, MAC, CAP, &vm()->be, count_irq, fx);
	void *s = fx;
	up(&s, BASE);
	vm()->dev = &fx->n;
	sdvf_sim_run(sim, 10000);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	const struct net_client *nc = &vm()->nc;
	assert_int_equal(net_client_tx_idle(nc) + net_client_tx_at_mux(nc),
			 CAP);
	assert_int_equal(vm()->cl.bad_handle, 0);
	assert_int_equal(net_client_rx_held(nc), fx->n.nheld);
	assert_int_equal(lent, fx->n.nheld);
	guest_fini(&fx->g);
	free(fx);
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	return 0;
}

static void kick(const char *channel)
{
	sdvf_sim_inject(sim, "vm", channel);
	sdvf_sim_run(sim, 10000);
}

/* RX mux: lend rx_data slot `slot` holding a frame of len from seed. */
static void lend(uint32_t slot, uint16_t len, uint8_t seed)
{
	for (unsigned i = 0; i < len; i++)
		rx_data[slot * SDVF_BUF_SIZE + i] = (uint8_t)(seed + i);
	struct sdvf_desc d = {.io_or_offset = slot * SDVF_BUF_SIZE, .len = len};
	assert_true(sdvf_queue_push(&m_rx_active, &d));
	sdvf_queue_publish(&m_rx_active);
	lent++;
}

static uint32_t take_returns(void)
{
	struct sdvf_desc d;
	uint32_t n = 0;
	while (sdvf_queue_pop(&m_rx_free, &d))
		n++;
	sdvf_queue_release(&m_rx_free);
	lent -= n;
	return n;
}

static uint32_t take_frames(struct sdvf_desc *out)
{
	struct sdvf_desc d;
	uint32_t n = 0;
	while (sdvf_queue_pop(&m_tx_active, &d))
		out[n++] = d;
	sdvf_queue_release(&m_tx_active);
	return n;
}

static void complete(uint64_t offset)
{
	struct sdvf_desc d = {.io_or_offset = offset};
	assert_true(sdvf_queue_push(&m_tx_free, &d));
	sdvf_queue_publish(&m_tx_free);
}

/* The guest posts TX frame k; the ioeventfd's notification, then the end
 * of the VMM's activation. */
static void guest_sends(unsigned k, uint16_t len, uint8_t seed)
{
	post_tx(fx, k, len, seed, false);
	notify(fx, VIRTIO_NET_TXQ);
	vmm_client_finish(&vm()->cl);
	sdvf_sim_run(sim, 10000);
}

static void rx_frame_lent_by_the_mux_reaches_the_guest_and_goes_back(void **s)
{
	(void)s;
	post_rx(fx, 0, 2048);
	notify(fx, VIRTIO_NET_RXQ);
	lend(5, 60, 0x30);
	kick("rx");
	uint32_t id, len;
	assert_int_equal(gvq_get_used(&fx->rx, &id, &len), 1);
	assert_int_equal(len, VIRTIO_NET_HDR_LEN + 60);
	assert_frame(guest_at(&fx->g, RX_AREA) + VIRTIO_NET_HDR_LEN, 60, 0x30);
	assert_int_equal(take_returns(), 1);
	assert_int_equal(sdvf_sim_notifications(sim, "vm", "rx"), 1);
}

static void rx_frames_without_guest_buffers_are_held_not_returned(void **s)
{
	(void)s;
	lend(0, 64, 1);
	lend(1, 64, 2);
	kick("rx");
	assert_int_equal(fx->n.nheld, 2);
	assert_int_equal(take_returns(), 0);
	assert_int_equal(net_client_rx_held(&vm()->nc), 2);
}

static void guest_reset_gives_held_frames_back_to_the_mux(void **s)
{
	(void)s;
	lend(2, 64, 1);
	kick("rx");
	assert_int_equal(fx->n.nheld, 1);
	drv_wr(&fx->n.mmio, VIRTIO_MMIO_STATUS, 0); /* on a vCPU thread */
	assert_true(vm()->cl.touched);		    /* the main loop must */
	vmm_client_finish(&vm()->cl);		    /* publish */
	assert_int_equal(take_returns(), 1);
	assert_int_equal(fx->n.count.rx_dropped, 1);
}

static void guest_tx_goes_onto_tx_active_with_its_bytes(void **s)
{
	(void)s;
	guest_sends(0, 100, 0x50);
	struct sdvf_desc d[CAP];
	assert_int_equal(take_frames(d), 1);
	assert_int_equal(d[0].len, 100);
	assert_frame(tx_data + d[0].io_or_offset, 100, 0x50);
	assert_int_equal(sdvf_sim_notifications(sim, "vm", "tx"), 1);
	complete(d[0].io_or_offset);
	kick("tx");
	assert_int_equal(net_client_tx_at_mux(&vm()->nc), 0);
}

static void guest_tx_waits_for_buffers_then_goes_when_the_mux_returns(void **s)
{
	(void)s;
	for (unsigned k = 0; k < CAP + 2; k++)
		post_tx(fx, k, 80, (uint8_t)k, false);
	notify(fx, VIRTIO_NET_TXQ);
	vmm_client_finish(&vm()->cl);
	struct sdvf_desc d[CAP];
	assert_int_equal(take_frames(d), CAP);
	assert_true(fx->n.tx_waiting); /* two chains left in the ring */
	complete(d[0].io_or_offset);
	complete(d[1].io_or_offset);
	kick("tx");
	struct sdvf_desc more[CAP];
	assert_int_equal(take_frames(more), 2);
	assert_frame(tx_data + more[1].io_or_offset, 80, CAP + 1);
	assert_false(fx->n.tx_waiting);
	for (unsigned i = 2; i < CAP; i++)
		complete(d[i].io_or_offset);
	complete(more[0].io_or_offset);
	complete(more[1].io_or_offset);
	kick("tx");
	assert_int_equal(fx->n.count.tx_frames, CAP + 2);
}

#define TV(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TV(rx_frame_lent_by_the_mux_reaches_the_guest_and_goes_back),
		TV(rx_frames_without_guest_buffers_are_held_not_returned),
		TV(guest_reset_gives_held_frames_back_to_the_mux),
		TV(guest_tx_goes_onto_tx_active_with_its_bytes),
		TV(guest_tx_waits_for_buffers_then_goes_when_the_mux_returns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
