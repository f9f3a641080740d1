/*
 * enet_fixture_system.h: the real ENET model on wire `mem`, the real
 * driver, and the ENET fixture (tests/unit/enet_fixture.h) standing where
 * the muxes stand, in the sim: the system test_enet_hazards,
 * test_enet_line and test_enet_coalesce stand on.  Its description is
 * written by the test from one template; the parts that differ between
 * the tests are its parameters:
 *   model_keys   more of the model's config, after `wire = "mem";`
 *   dma0_io      the io address the driver is told its RX window has
 *                (the region's is 0x10000000)
 *   driver_keys  more of the driver's config (coalescing, reset_mode...)
 * ("" where a test adds nothing).  Fixed: the driver's MAC
 * 02:00:00:00:e7:01, 16-BD rings, 32-slot queues; the fixture's 32
 * buffers per direction in rx_dma (0x10000000) and tx_dma (0x10100000).
 *
 * Header-only, included once by each test after cmocka.h: its state is
 * the test file's own statics (sys, sim, fx, drv, wire), named as the
 * tests use them.
 */
#ifndef SDVF_TESTS_ENET_FIXTURE_SYSTEM_H
#define SDVF_TESTS_ENET_FIXTURE_SYSTEM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/enet_driver.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"
#include "tests/unit/enet_fixture.h"

#define ENET_SYSTEM_RUN_STEPS 1000000u

static const struct sdvf_component *const table[] = {
	&enet_model_component, &enet_driver_component, &enet_fixture_component,
	NULL};

/* In order: model_keys, dma0_io, driver_keys. */
static const char enet_system_template[] =
	"/dts-v1/;\n/ {\ncompatible = \"sdvf,system\";\npds {\n"
	"nic { component = \"enet_model\";\n"
	"  maps { enet_regs = \"regs\", \"rw\"; enet_mmio = \"posted\", "
	"\"rw\"; enet_rings = \"rings\", \"rw\"; dma0 = \"rx_dma\", \"rw\";\n"
	"    dma1 = \"tx_dma\", \"r\"; };\n"
	"  channels { irq = \"irq\"; mmio = \"mmio\"; };\n"
	"  config { wire = \"mem\"; %s }; };\n"
	"drv { component = \"enet_driver\";\n"
	"  maps { enet_regs = \"regs\", \"r\"; enet_mmio = \"posted\", "
	"\"rw\";\n"
	"    enet_rings = \"rings\", \"rw\"; rx_free = \"rx_free\", \"rw\";\n"
	"    rx_active = \"rx_active\", \"rw\"; tx_free = \"tx_free\", "
	"\"rw\";\n"
	"    tx_active = \"tx_active\", \"rw\"; };\n"
	"  channels { irq = \"irq\"; mmio = \"mmio\"; rx = \"rx\"; tx = "
	"\"tx\"; };\n"
	"  config { mac = [02 00 00 00 e7 01]; rx_ring = <16>; tx_ring = "
	"<16>;\n"
	"    rx_capacity = <32>; tx_capacity = <32>;\n"
	"    dma0_io = <%s>; dma0_size = <0x10000>; dma0_rights = "
	"\"rw\";\n"
	"    dma1_io = <0x10100000>; dma1_size = <0x10000>; dma1_rights = "
	"\"r\";\n"
	"    %s }; };\n"
	"mux { component = \"enet_fixture\";\n"
	"  maps { rx_dma = \"rx_dma\", \"rw\"; tx_dma = \"tx_dma\", \"rw\";\n"
	"    rx_free = \"rx_free\", \"rw\"; rx_active = \"rx_active\", "
	"\"rw\";\n"
	"    tx_free = \"tx_free\", \"rw\"; tx_active = \"tx_active\", "
	"\"rw\"; };\n"
	"  channels { rx = \"rx\"; tx = \"tx\"; };\n"
	"  config { capacity = <32>; buffers = <32>; }; };\n"
	"};\nregions {\n"
	"regs { size = <0x1000>; }; posted { size = <0x1000>; };\n"
	"rings { size = <0x1000>; io-address = <0x40000000>; };\n"
	"rx_dma { size = <0x10000>; io-address = <0x10000000>; };\n"
	"tx_dma { size = <0x10000>; io-address = <0x10100000>; };\n"
	"rx_free { size = <0x1000>; }; rx_active { size = <0x1000>; };\n"
	"tx_free { size = <0x1000>; }; tx_active { size = <0x1000>; };\n"
	"};\nchannels {\n"
	"irq { ends = \"nic\", \"drv\"; }; mmio { ends = \"drv\", \"nic\"; };\n"
	"rx { ends = \"drv\", \"mux\"; }; tx { ends = \"drv\", \"mux\"; };\n"
	"};\n};\n";

static struct sdvf_system sys;
static struct sdvf_sim *sim;
static struct enet_fixture *fx;
static struct enet_driver *drv;
static struct wire *wire;

/* The description with these parameters, in a buffer the next call
 * overwrites; keys that do not fit fail the test. */
static inline const char *enet_system_dts(const char *model_keys,
					  const char *dma0_io,
					  const char *driver_keys)
{
	static char dts[sizeof(enet_system_template) + 512];
	int n = snprintf(dts, sizeof(dts), enet_system_template, model_keys,
			 dma0_io, driver_keys);
	assert_true(n > 0 && (size_t)n < sizeof(dts));
	return dts;
}

/* Load `dts` as system `name` and init every PD, then run to idle; 0 if
 * every PD started.  On -1, sim may stand half-initialised: unload it. */
static inline int enet_system_load(const char *name, const char *dts)
{
	memset(&sys, 0, sizeof(sys));
	sim = NULL;
	if (sdvf_system_load_dts(&sys, name, dts, table, stderr) != 0)
		return -1;
	sim = sdvf_sim_create(&sys);
	if (!sim || sdvf_sim_init(sim) != 0)
		return -1;
	fx = sdvf_sim_state(sim, "mux");
	drv = sdvf_sim_state(sim, "drv");
	wire = enet_model_wire(sdvf_sim_state(sim, "nic"));
	sdvf_sim_run(sim, ENET_SYSTEM_RUN_STEPS);
	return 0;
}

/* Whatever was loaded, loaded or not: the model's wire, the sim, the
 * system. */
static inline void enet_system_unload(void)
{
	if (sim) {
		/* the model may have started before another PD refused */
		struct wire *w = enet_model_wire(sdvf_sim_state(sim, "nic"));
		if (w)
			wire_close(w);
		sdvf_sim_destroy(sim);
	}
	sim = NULL;
	sdvf_system_free(&sys);
}

/* Teardown: let every timer run out and every return reach the fixture,
 * check buffer conservation, unload. */
static inline int enet_system_shutdown(void **unused)
{
	(void)unused;
	sdvf_sim_advance(sim, 1000000000ull);
	sdvf_sim_inject(sim, "mux", "tx");
	sdvf_sim_inject(sim, "mux", "rx");
	sdvf_sim_run(sim, ENET_SYSTEM_RUN_STEPS);
	assert_int_equal(enet_fixture_conservation_errors(fx, drv), 0);
	enet_system_unload();
	return 0;
}

/* A PD's counter; a name the PD does not publish fails the test. */
static inline uint64_t counter(const char *pd, const char *name)
{
	bool found = false;
	uint64_t value = sdvf_sim_counter(sim, pd, name, &found);
	assert_true(found);
	return value;
}

#endif
