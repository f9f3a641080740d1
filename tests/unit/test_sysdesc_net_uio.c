/*
 * Specification of the `sdvf,net` subsystem on a real ENET through Linux
 * UIO (nic `uio-device` and `uio-dma`; docs/system-description.md) and of
 * the explicit level's UIO regions (`uio-device`, `uio-map`): what the
 * expander makes of it, and what the loader and the expander refuse, each
 * with its exact message.  tests/vm/imx7_enet.sh runs such a system on
 * QEMU's i.MX7 ENET.
 */
#include <unistd.h>

#include "tests/unit/net_fixture.h"

static const char uio[] =
	"/dts-v1/;\n"
	"/ { compatible = \"sdvf,system\";\n"
	"  pds { app { component = \"net_stub\"; }; };\n"
	"  subsystems { net { compatible = \"sdvf,net\";\n"
	"    nic { uio-device = \"uio0\"; uio-dma = <0x9f000000 0x400000>;\n"
	"          mac = [02 00 00 00 00 01]; };\n"
	"    clients { app { mac = [02 00 00 00 00 0a]; }; };\n"
	"  }; };\n"
	"};\n";

static const struct sdvf_sys_region *region(const struct sdvf_system *sys,
					    const char *name)
{
	int r = region_index(sys, name);
	assert_true(r >= 0);
	return &sys->regions[r];
}

static void uio_nic_has_no_model_and_its_regions_are_uio_maps(void **state)
{
	(void)state;
	struct sdvf_system sys;
	expect_ok(&sys, uio);
	int nic = pd_index(&sys, "net_nic");
	assert_string_equal(sys.pds[nic].component->name, "enet_uio");
	assert_int_equal(sys.pds[nic].nmaps, 0);
	assert_true(region_index(&sys, "net_mmio") < 0);
	const struct sdvf_sys_region *regs = region(&sys, "net_regs");
	assert_string_equal(regs->uio_device, "uio0");
	assert_int_equal(regs->uio_map, 0);
	assert_false(regs->has_io);
	/* rings, RX buffers and the TX pool in map1's window, 1 MiB apart */
	const char *in_window[] = {"net_rings", "net_rx_dma", "net_tx_pool"};
	for (int i = 0; i < 3; i++) {
		const struct sdvf_sys_region *r = region(&sys, in_window[i]);
		assert_string_equal(r->uio_device, "uio0");
		assert_int_equal(r->uio_map, 1);
		assert_true(r->has_io);
		assert_int_equal(r->io_addr, 0x9f000000ull + 0x100000ull * i);
	}
	assert_string_equal(region(&sys, "net_rx_free")->uio_device, "");
	/* the driver does plain MMIO on the registers */
	int drv = pd_index(&sys, "net_driver");
	const struct sdvf_sys_pd *d = &sys.pds[drv];
	for (int m = 0; m < d->nmaps; m++) {
		assert_string_not_equal(d->maps[m].local, "enet_mmio");
		if (strcmp(d->maps[m].local, "enet_regs") == 0)
			assert_int_equal(d->maps[m].rights, SDVF_RW);
	}
	for (int c = 0; c < d->nchans; c++)
		assert_string_not_equal(d->chans[c].local, "mmio");
	assert_int_equal(cfg(&sys, "net_driver", "dma0_io"), 0x9f100000ull);
	sdvf_system_free(&sys);
}

static void uio_nic_refuses_bad_devices_and_windows(void **state)
{
	(void)state;
	expect_edit_errors(uio, "\"uio0\"", "\"../mem\"",
			   AT "/nic: property 'uio-device': must be \"uioN\" "
			      "(N: digits)\n");
	expect_edit_errors(uio, "uio-dma = <0x9f000000 0x400000>;", "",
			   AT "/nic: property 'uio-dma': must be <base size>, "
			      "the physical range of UIO map1, page-aligned, "
			      "below 4 GiB (with 'uio-device')\n");
	expect_edit_errors(uio, "<0x9f000000 0x400000>",
			   "<0x9f000800 0x400000>",
			   AT "/nic: property 'uio-dma': must be <base size>, "
			      "the physical range of UIO map1, page-aligned, "
			      "below 4 GiB (with 'uio-device')\n");
	expect_edit_errors(uio, "uio-device = \"uio0\";", "",
			   AT "/nic: missing property 'uio-device' (\"uioN\", "
			      "with 'uio-dma')\n");
	expect_edit_errors(uio, "<0x9f000000 0x400000>",
			   "<0x9f000000 0x200000>",
			   AT "/nic: property 'uio-dma': 0x200000 bytes, the "
			      "rings and buffers need 0x300000 (each on a 1 "
			      "MiB boundary): use fewer buffers or a larger "
			      "window\n");
}

static void uio_nic_refuses_a_wire_and_remap_tx(void **state)
{
	(void)state;
	expect_edit_errors(uio, "uio-device", "wire = \"tap\"; uio-device",
			   AT
			   "/nic: a wire and its parameters are the model's: "
			   "not with 'uio-device' (the real ENET has its "
			   "own cable)\n");
	expect_edit_errors(uio, "mac = [02 00 00 00 00 0a];",
			   "mac = [02 00 00 00 00 0a]; tx-mode = \"remap\"; "
			   "trusted-source-mac;",
			   AT
			   ": client 'app': tx-mode remap is not available "
			   "with the nic's uio-device (its buffers would have "
			   "to be in the DMA window)\n");
}

/* The explicit level: a region's uio-device and uio-map. */
static const char explicit_uio[] =
	"/dts-v1/;\n"
	"/ { compatible = \"sdvf,system\";\n"
	"  pds { a { component = \"queue_source\";\n"
	"            maps { data = \"d\", \"rw\"; active = \"q\", \"rw\";\n"
	"                   free = \"f\", \"rw\"; };\n"
	"            channels { peer = \"c\"; };\n"
	"            config { buffers = <4>; capacity = <4>; }; };\n"
	"        b { component = \"queue_sink\";\n"
	"            config { buffers = <4>; capacity = <4>; };\n"
	"            maps { data = \"d\", \"r\"; active = \"q\", \"rw\";\n"
	"                   free = \"f\", \"rw\"; };\n"
	"            channels { peer = \"c\"; }; }; };\n"
	"  regions { d { size = <0x100000>; io-address = <0x9f000000>;\n"
	"                uio-device = \"uio3\"; uio-map = <1>; };\n"
	"            q { size = <0x1000>; }; f { size = <0x1000>; }; };\n"
	"  channels { c { ends = \"a\", \"b\"; }; };\n"
	"};\n";

static void region_uio_is_loaded_and_dumped(void **state)
{
	(void)state;
	struct sdvf_system sys;
	expect_ok(&sys, explicit_uio);
	assert_string_equal(region(&sys, "d")->uio_device, "uio3");
	assert_int_equal(region(&sys, "d")->uio_map, 1);
	char *text = dump_text(&sys);
	assert_non_null(strstr(text, "region d size=0x100000 io=0x9f000000 "
				     "uio=uio3:map1\n"));
	free(text);
	sdvf_system_free(&sys);
}

static void region_uio_refuses_other_paths_and_maps(void **state)
{
	(void)state;
	expect_edit_errors(explicit_uio, "\"uio3\"", "\"../../dev/mem\"",
			   "t.dts: /regions/d: property 'uio-device': must be "
			   "one string \"uioN\" (N: 0 to 999999999999)\n");
	expect_edit_errors(explicit_uio, "uio-map = <1>;", "uio-map = <5>;",
			   "t.dts: /regions/d: property 'uio-map': must be one "
			   "cell, 0 to 4 (with 'uio-device')\n");
	expect_edit_errors(explicit_uio, "uio-device = \"uio3\";", "",
			   "t.dts: /regions/d: property 'uio-device': must be "
			   "one string \"uioN\" (N: 0 to 999999999999)\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			uio_nic_has_no_model_and_its_regions_are_uio_maps),
		cmocka_unit_test(uio_nic_refuses_bad_devices_and_windows),
		cmocka_unit_test(uio_nic_refuses_a_wire_and_remap_tx),
		cmocka_unit_test(region_uio_is_loaded_and_dumped),
		cmocka_unit_test(region_uio_refuses_other_paths_and_maps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
