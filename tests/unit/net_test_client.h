/*
 * net_test_client: a test component on clients/net_client, for system
 * tests in the sim (tests/unit/test_enet_system.c).  The test reads and
 * sets its state between sdvf_sim_run()s (sdvf_sim_state) and wakes it
 * with sdvf_sim_inject on "tx" or "rx".  Each activation, in the shape of
 * clients/net_client.h:
 *   - reaps every TX completion into done[];
 *   - takes every RX frame, copies its bytes into rx_bytes[] and gives it
 *     back at once;
 *   - sends the frames the test asked for (nsend, send_len[],
 *     send_seed[]): each is net_test_frame(len, seed) from its own MAC to
 *     net_test_peer_mac, its offset logged in sent[];
 *   - pushes the raw descriptors the test left in raw[] straight on
 *     tx_active, bypassing net_client (a client that lies);
 *   - finishes once.
 * Its needs and params are net_client's (NET_CLIENT_NEEDS/PARAMS).
 */
#ifndef SDVF_TESTS_NET_TEST_CLIENT_H
#define SDVF_TESTS_NET_TEST_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "clients/net_client.h"
#include "core/pd.h"
#include "core/queue.h"

#define NET_TEST_LOG 64u /* frames and completions logged */

struct net_test_client {
	struct net_client nc;
	/* every frame received, in order (the first NET_TEST_LOG) */
	uint32_t nrx;
	struct net_rx_frame rx[NET_TEST_LOG];
	uint8_t rx_bytes[NET_TEST_LOG][SDVF_BUF_SIZE];
	/* every completion, in order */
	uint32_t ndone;
	struct net_tx_done done[NET_TEST_LOG];
	/* frames to send at the next activation: len, seed (test writes) */
	uint32_t nsend;
	uint16_t send_len[NET_TEST_LOG];
	uint8_t send_seed[NET_TEST_LOG];
	/* offset of each frame sent, in order */
	uint32_t nsent;
	uint64_t sent[NET_TEST_LOG];
	/* raw descriptors to push on tx_active (test writes) */
	uint32_t nraw;
	struct sdvf_desc raw[4];
};

/* Where every frame the client sends goes. */
extern const uint8_t net_test_peer_mac[6];

/* Fill f with a frame of len bytes, dst, src, ethertype 0x88b5, payload
 * made from seed; returns len. */
size_t net_test_frame(uint8_t *f, size_t len, uint8_t seed, const uint8_t *dst,
		      const uint8_t *src);

extern const struct sdvf_component net_test_client_component;

#endif
