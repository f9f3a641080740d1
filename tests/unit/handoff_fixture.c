/*
 * Hand-offs per echo in the sim (contract: tests/unit/handoff_fixture.h).
 */
#include "tests/unit/handoff_fixture.h"

#include <stdio.h>
#include <string.h>

#include "core/bytes.h"
#include "driver/enet/model/enet_model.h"

#define RUN_STEPS 10000000u

const char *const hoff_pd_label[HOFF_NPD] = {"nic", "driver", "rx_mux",
					     "tx_mux", "client"};
static const char *const pd_name[HOFF_NPD - 1] = {"net_nic", "net_driver",
						  "net_rx_mux", "net_tx_mux"};
static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0xea, 0x99};
static const uint8_t peer_ip[4] = {10, 216, 0, 1};

bool hoff_open(struct hoff *h)
{
	memset(h, 0, sizeof(*h));
	if (sdvf_system_load(&h->sys, HOFF_SYSTEM, sdvf_builtin_components,
			     stderr))
		return false;
	h->sim = sdvf_sim_create(&h->sys);
	if (!h->sim || sdvf_sim_init(h->sim) != 0) {
		fprintf(stderr, "handoffs: the sim did not start\n");
		return false;
	}
	h->wire = enet_model_wire(sdvf_sim_state(h->sim, "net_nic"));
	sdvf_sim_run(h->sim, RUN_STEPS); /* link up */
	return h->wire != NULL;
}

void hoff_close(struct hoff *h)
{
	if (h->wire)
		wire_close(h->wire);
	if (h->sim)
		sdvf_sim_destroy(h->sim);
	sdvf_system_free(&h->sys);
}

void hoff_settle(struct hoff *h)
{
	sdvf_sim_run(h->sim, RUN_STEPS);
	/* Rest: the driver's TX completion timer (TXIC, 1 ms) returns what
	 * it has not reaped yet. */
	sdvf_sim_advance(h->sim, 2000000u);
	for (int i = 0; i < 2; i++) { /* twice: a full drv_free */
		sdvf_sim_inject(h->sim, "net_tx_mux", "drv");
		sdvf_sim_run(h->sim, RUN_STEPS);
	}
	static const char *const clients[] = {"refl", "refl_remap"};
	for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
		sdvf_sim_inject(h->sim, clients[i], "tx");
		sdvf_sim_inject(h->sim, clients[i], "rx");
	}
	sdvf_sim_run(h->sim, RUN_STEPS);
}

/* A UDP datagram from the peer to the client, checksum 0 (none). */
static size_t udp_frame(uint8_t *f, const uint8_t *mac, const uint8_t *ip,
			uint16_t payload, uint32_t seq)
{
	memcpy(f, mac, 6);
	memcpy(f + 6, peer_mac, 6);
	sdvf_put_be16(f + 12, 0x0800);
	uint8_t *p = f + 14;
	uint16_t udp_len = (uint16_t)(8 + payload);
	memset(p, 0, 20);
	p[0] = 0x45;
	sdvf_put_be16(p + 2, (uint16_t)(20 + udp_len));
	p[8] = 64;
	p[9] = 17;
	memcpy(p + 12, peer_ip, 4);
	memcpy(p + 16, ip, 4);
	sdvf_put_be16(p + 10, sdvf_inet_csum(p, 20, 0));
	uint8_t *u = p + 20;
	sdvf_put_be16(u, 40000);
	sdvf_put_be16(u + 2, 7777);
	sdvf_put_be16(u + 4, udp_len);
	sdvf_put_be16(u + 6, 0);
	for (uint16_t i = 0; i < payload; i++)
		u[8 + i] = (uint8_t)(seq + i);
	return (size_t)(34 + udp_len);
}

static void snapshot(struct hoff *h, const char *client, uint64_t *act,
		     uint64_t *sig)
{
	for (int i = 0; i < HOFF_NPD; i++) {
		const char *pd = i == HOFF_CLIENT ? client : pd_name[i];
		act[i] = sdvf_sim_activations(h->sim, pd);
		sig[i] = sdvf_sim_signals(h->sim, pd);
	}
}

bool hoff_echo(struct hoff *h, const char *client, uint32_t count,
	       uint32_t window, uint16_t payload, struct hoff_row *row)
{
	const uint8_t *mac;
	const uint8_t *ip;
	static const uint8_t mac_copy[6] = {0x02, 0, 0, 0, 0xea, 0x03};
	static const uint8_t mac_remap[6] = {0x02, 0, 0, 0, 0xea, 0x04};
	static const uint8_t ip_copy[4] = {10, 216, 0, 3};
	static const uint8_t ip_remap[4] = {10, 216, 0, 4};
	bool remap = strcmp(client, "refl_remap") == 0;
	mac = remap ? mac_remap : mac_copy;
	ip = remap ? ip_remap : ip_copy;
	uint64_t act0[HOFF_NPD], sig0[HOFF_NPD];
	sdvf_sim_run(h->sim, RUN_STEPS);
	snapshot(h, client, act0, sig0);
	memset(row, 0, sizeof(*row));
	uint8_t f[WIRE_MAX_FRAME], got[WIRE_MAX_FRAME];
	for (uint32_t sent = 0; sent < count;) {
		uint32_t n = count - sent < window ? count - sent : window;
		for (uint32_t i = 0; i < n; i++) {
			size_t len = udp_frame(f, mac, ip, payload, sent + i);
			if (wire_mem_inject(h->wire, f, len) != 0) {
				fprintf(stderr, "handoffs: wire full\n");
				return false;
			}
		}
		sdvf_sim_run(h->sim, RUN_STEPS);
		for (uint32_t i = 0; i < n; i++) {
			long len = wire_mem_take(h->wire, got, sizeof(got));
			if (len != (long)(34 + 8 + payload) ||
			    memcmp(got, peer_mac, 6) != 0 ||
			    got[42] != (uint8_t)(sent + i)) {
				fprintf(stderr,
					"handoffs: %s: echo %u: reply "
					"missing or wrong (%ld bytes)\n",
					client, sent + i, len);
				return false;
			}
			row->echoes++;
		}
		sent += n;
	}
	snapshot(h, client, row->act, row->sig);
	for (int i = 0; i < HOFF_NPD; i++) {
		row->act[i] -= act0[i];
		row->sig[i] -= sig0[i];
	}
	return true;
}
