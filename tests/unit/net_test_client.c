/* net_test_client: see net_test_client.h. */
#include "tests/unit/net_test_client.h"

#include <string.h>

const uint8_t net_test_peer_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x99};

size_t net_test_frame(uint8_t *f, size_t len, uint8_t seed, const uint8_t *dst,
		      const uint8_t *src)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	for (size_t i = 14; i < len; i++)
		f[i] = (uint8_t)(seed * 7u + i);
	return len;
}

static void tcl_send(struct net_test_client *c)
{
	for (uint32_t i = 0; i < c->nsend; i++) {
		struct net_tx_buf b;
		if (!net_client_tx_alloc(&c->nc, &b))
			break;
		net_test_frame(b.data, c->send_len[i], c->send_seed[i],
			       net_test_peer_mac, c->nc.mac);
		if (!net_client_tx_send(&c->nc, b.offset, c->send_len[i]))
			break;
		c->sent[c->nsent++ % NET_TEST_LOG] = b.offset;
	}
	c->nsend = 0;
	for (uint32_t i = 0; i < c->nraw; i++)
		sdvf_queue_push(&c->nc.tx_active, &c->raw[i]);
	c->nraw = 0;
}

static void tcl_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct net_test_client *c = state;
	(void)pd;
	(void)ch;
	struct net_tx_done done;
	while (net_client_tx_reap(&c->nc, &done))
		c->done[c->ndone++ % NET_TEST_LOG] = done;
	struct net_rx_frame f;
	while (net_client_rx_take(&c->nc, &f)) {
		uint32_t i = c->nrx++ % NET_TEST_LOG;
		c->rx[i] = f;
		memcpy(c->rx_bytes[i], f.data, f.len);
		net_client_rx_return(&c->nc, f.offset);
	}
	tcl_send(c);
	net_client_finish(&c->nc);
}

static int tcl_init(void *state, struct sdvf_pd *pd)
{
	struct net_test_client *c = state;
	return net_client_attach(&c->nc, pd) ? 0 : -1;
}

static const struct sdvf_need tcl_needs[] = {NET_CLIENT_NEEDS, {0}};
static const struct sdvf_param tcl_params[] = {NET_CLIENT_PARAMS, {0}};

const struct sdvf_component net_test_client_component = {
	.name = "test_net_client",
	.summary = "logs frames, sends on the test's word",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct net_test_client),
	.needs = tcl_needs,
	.params = tcl_params,
	.init = tcl_init,
	.notified = tcl_notified,
};
