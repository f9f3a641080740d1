/*
 * fixture_stub.h: a passive PD for sim tests and fuzz harnesses that play
 * a peer's queues themselves (a mux, a driver, a client): it has the needs
 * and params its description gives it, and its init and notified do
 * nothing.  Header-only; no cmocka, so the fuzz harnesses use it too.
 *
 *   static const struct sdvf_component peer =
 *           STUB_PD("tx_stub", "test peer", SDVF_ROLE_CLIENT, peer_needs,
 *                   STUB_NO_PARAMS);
 */
#ifndef SDVF_TESTS_FIXTURE_STUB_H
#define SDVF_TESTS_FIXTURE_STUB_H

#include "core/pd.h"

static inline int stub_pd_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	(void)pd;
	return 0;
}

static inline void stub_pd_notified(void *state, struct sdvf_pd *pd,
				    sdvf_channel_t ch)
{
	(void)state;
	(void)pd;
	(void)ch;
}

/* A component that takes no configuration. */
#define STUB_NO_PARAMS ((const struct sdvf_param[]){{0}})

/* A passive mux's one param: its client 0's station (c0_mac), as the
 * muxes' own; a list for STUB_PD's params. */
#define STUB_C0_MAC_PARAMS                                                     \
	((const struct sdvf_param[]){{.name = "c0_mac",                        \
				      .type = SDVF_PARAM_MAC,                  \
				      .help = "client 0"},                     \
				     {0}})

/* The initializer of a passive component. */
#define STUB_PD(name_, summary_, role_, needs_, params_)                       \
	{                                                                      \
		.name = (name_), .summary = (summary_), .role = (role_),       \
		.state_size = 8, .needs = (needs_), .params = (params_),       \
		.init = stub_pd_init, .notified = stub_pd_notified,            \
	}

#endif
