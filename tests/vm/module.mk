# tests/vm/: the aarch64 system image and the VMM under it (docs/vmm.md).
#
#   make deps-aarch64   qemu-system-aarch64, the arm64 dpkg architecture
#   make image-aarch64  build-aarch64/{Image,guest.cpio,l1.cpio}: Debian's
#                       arm64 kernel and busybox-static (pinned, cached in
#                       build-aarch64/debs) and our static aarch64 programs
# The tests boot it with scripts/run-aarch64.sh and build the image first.

AARCH64_IMAGE_DIR := build-aarch64
# Programs for L1's /sdvf/bin; guest: ones go to the guest's /bin.  Each
# links static where its libraries allow; `sdvf` links Debian's arm64
# liblwip, a shared object only, so it is dynamic and the image carries its
# loader and libraries (scripts/image-aarch64.sh, with_libs).
AARCH64_IMAGE_PROGRAMS := sdvf vmm/sdvf-vmm tests/vm/kvm_probe tests/vm/udp_echo \
	guest:tests/vm/guest_poke guest:tests/vm/udp_echo
# The hostile guest driver (vm_attack_guest.sh).
AARCH64_IMAGE_PROGRAMS += guest:tests/vm/guest_hostile
# A saturating UDP sender (guests) and its checking sink (L1's peer):
# vm_pair_drr.sh.
AARCH64_IMAGE_PROGRAMS += tests/vm/udp_flood guest:tests/vm/udp_flood

.PHONY: deps-aarch64 image-aarch64
deps-aarch64: deps
	scripts/deps-aarch64.sh
image-aarch64: deps-aarch64 deps-cross
	$(MAKE) -f tests/cross/cross.mk cross-only \
		CROSS_ONLY="$(sort $(patsubst guest:%,%,$(AARCH64_IMAGE_PROGRAMS)))"
	scripts/image-aarch64.sh $(AARCH64_IMAGE_DIR) \
		build-cross/aarch64-linux-gnu $(AARCH64_IMAGE_PROGRAMS)

# Opens /dev/kvm and checks what the VMM needs (runs inside L1).
PROGRAMS += $(BUILD)/tests/vm/kvm_probe
$(BUILD)/tests/vm/kvm_probe: $(BUILD)/tests/vm/kvm_probe.o
	$(CC) $(LDFLAGS) -o $@ $^
-include $(BUILD)/tests/vm/kvm_probe.d

# UDP echo server and round-trip client (L1 and guest; vmm_net.sh).
PROGRAMS += $(BUILD)/tests/vm/udp_echo
$(BUILD)/tests/vm/udp_echo: $(BUILD)/tests/vm/udp_echo.o
	$(CC) $(LDFLAGS) -o $@ $^
-include $(BUILD)/tests/vm/udp_echo.d

# Saturating UDP sender and checking sink (vm_pair_drr.sh).
PROGRAMS += $(BUILD)/tests/vm/udp_flood
$(BUILD)/tests/vm/udp_flood: $(BUILD)/tests/vm/udp_flood.o
	$(CC) $(LDFLAGS) -o $@ $^
-include $(BUILD)/tests/vm/udp_flood.d

TEST_SCRIPTS += tests/vm/image_boot.sh tests/vm/vmm_boot.sh \
	tests/vm/vmm_net.sh
# A guest attacking its virtio-net device as a client of the muxes beside
# honest native flows: attack 11 of docs/isolation.md's table.
TEST_SCRIPTS += tests/vm/vm_attack_guest.sh

# The VMM as a PD of the hosted runtime (vmm/vmm_pd.h): a VM system checked
# and dumped on any host (vm_describe.sh), and run inside L1 beside a native
# client on the ENET model (vm_system.sh).
TEST_SCRIPTS += tests/vm/vm_describe.sh tests/vm/vm_system.sh
# Two guests and a native source saturating the NIC under drr 1:1:2: the
# byte shares follow the weights (vm_pair_drr.sh, one L1 boot).
# `make vm-pair-drr` runs it alone.
TEST_SCRIPTS += tests/vm/vm_pair_drr.sh
.PHONY: vm-pair-drr
vm-pair-drr: deps all
	tests/run.sh --only tests/vm/vm_pair_drr.sh
# make demo's VM stage (scripts/demo-vm.sh): skipped on request, and in
# full in one L1 boot.
TEST_SCRIPTS += tests/vm/demo_vm.sh

# A hostile guest program (an ldp KVM cannot decode): aarch64 only, run in
# the nested guest by vmm_boot.sh.
ifneq ($(filter aarch64-%,$(shell $(CC) -dumpmachine 2>/dev/null)),)
PROGRAMS += $(BUILD)/tests/vm/guest_poke
$(BUILD)/tests/vm/guest_poke: $(BUILD)/tests/vm/guest_poke.o
	$(CC) $(LDFLAGS) -o $@ $^
-include $(BUILD)/tests/vm/guest_poke.d
# A hostile virtio-net driver (its own rings via /dev/mem): vm_attack_guest.sh.
PROGRAMS += $(BUILD)/tests/vm/guest_hostile
$(BUILD)/tests/vm/guest_hostile: $(BUILD)/tests/vm/guest_hostile.o \
		$(BUILD)/tests/vm/guest_vdrv.o
	$(CC) $(LDFLAGS) -o $@ $^
-include $(BUILD)/tests/vm/guest_hostile.d $(BUILD)/tests/vm/guest_vdrv.d
endif

# ---- the armhf i.MX7 image and the ENET driver on QEMU's i.MX7 ENET ----
# (docs/enet.md, "Hardware validation: QEMU i.MX7")
#   make deps-imx7    gcc-arm-linux-gnueabihf, qemu-system-arm
#   make image-imx7   build-imx7/{zImage,imx7d-sdb-uio.dtb,imx7.cpio}:
#                     Debian's armhf kernel and busybox-static (pinned,
#                     cached in build-imx7/debs), uio_pdrv_genirq built out
#                     of tree, our armhf sdvf (dynamic: Debian's liblwip)
IMX7_IMAGE_DIR := build-imx7
IMX7_CROSS := CROSS_BUILD=$(IMX7_IMAGE_DIR) CROSS_PREFIX=arm-linux-gnueabihf- \
	CROSS_TRIPLET=arm-linux-gnueabihf
.PHONY: deps-imx7 image-imx7
deps-imx7: deps
	@command -v arm-linux-gnueabihf-gcc >/dev/null && \
		command -v qemu-system-arm >/dev/null || \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends gcc-arm-linux-gnueabihf \
		libc6-dev-armhf-cross qemu-system-arm
$(IMX7_IMAGE_DIR)/sysroot/.stamp: scripts/image-armhf-imx7.sh | deps-imx7
	scripts/image-armhf-imx7.sh sysroot $(IMX7_IMAGE_DIR)
	@touch $@
image-imx7: deps-imx7 $(IMX7_IMAGE_DIR)/sysroot/.stamp
	$(MAKE) -f tests/cross/cross.mk cross-only $(IMX7_CROSS) CROSS_ONLY=sdvf
	scripts/image-armhf-imx7.sh image $(IMX7_IMAGE_DIR) \
		$(IMX7_IMAGE_DIR)/arm-linux-gnueabihf sdvf

# The host side of imx7_enet.sh: Ethernet frames in UDP datagrams.
PROGRAMS += $(BUILD)/tests/vm/imx7_peer
$(BUILD)/tests/vm/imx7_peer: $(BUILD)/tests/vm/imx7_peer.o
	$(CC) $(LDFLAGS) -o $@ $^
-include $(BUILD)/tests/vm/imx7_peer.d
TEST_SCRIPTS += tests/vm/imx7_enet.sh
