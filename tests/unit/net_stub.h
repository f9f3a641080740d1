/*
 * net_stub: a test-only net client with the client contract's needs and
 * params (docs/system-description.md, "sdvf,net") and no code, so tests
 * of sdvf,net systems depend on no real client.  Used by the cmocka tests
 * (tests/unit/net_fixture.h) and registered by sdvf-hostile
 * (tests/isolation/hostile.c) for least_privilege.sh.
 */
#ifndef SDVF_TEST_NET_STUB_H
#define SDVF_TEST_NET_STUB_H

#include "core/pd.h"
#include "tests/unit/fixture_stub.h"

static const struct sdvf_need net_stub_needs[] = {
	SDVF_NEED_REGION_RW("rx_active"),
	SDVF_NEED_REGION_RW("rx_free"),
	SDVF_NEED_REGION_RO("rx_data"),
	SDVF_NEED_REGION_RW("tx_active"),
	SDVF_NEED_REGION_RW("tx_free"),
	SDVF_NEED_REGION_RW("tx_data"),
	SDVF_NEED_CHAN("rx"),
	SDVF_NEED_CHAN("tx"),
	{0},
};

static const struct sdvf_param net_stub_params[] = {
	{.name = "mac", .type = SDVF_PARAM_MAC, .required = true},
	{.name = "ip", .type = SDVF_PARAM_BYTES, .min = 4, .max = 4},
	SDVF_PARAM_POW2_DEFAULT("rx_capacity", 1, 65536, 256, "RX slots"),
	SDVF_PARAM_POW2_DEFAULT("tx_capacity", 1, 65536, 256, "TX slots"),
	{0},
};

/* It takes no frame: the tests drive its queues, if at all, from outside. */
static const struct sdvf_component net_stub =
	STUB_PD("net_stub", "test net client: the contract's needs, no code",
		SDVF_ROLE_CLIENT, net_stub_needs, net_stub_params);

#endif
