# tests/cross/: cross builds (`make cross`, docs/cross.md).
#
#   make deps-cross   the arm64 sysroot under build-cross/sysroot (adds the
#                     arm64 dpkg architecture and runs apt-get update once)
#   make cross        1. every PORTABLE_SRCS file + core/freestanding.c built
#                        freestanding for aarch64 and x86_64, `ld -r` into one
#                        object, no undefined symbol allowed;
#                     2. `sdvf` and the unit tests built for aarch64 into
#                        build-cross/aarch64-linux-gnu/.
# tests/cross/run.sh (in make test) runs both and then the aarch64 binaries
# under qemu-aarch64-static.
#
# The rules live in tests/cross/cross.mk, run as its own make so that it sees
# every module's PORTABLE_SRCS / UNIT_TESTS / PROGRAMS, whatever the order the
# fragments are read in.

TEST_SCRIPTS += tests/cross/run.sh

# Debian's arm64 builds of the libraries hosted code links against, unpacked
# (not installed) into the sysroot.  libfdt-dev is not Multi-Arch, so it
# cannot be installed beside the amd64 one; unpacking treats all alike.
CROSS_SYSROOT_PKGS := libfdt-dev libfdt1 libcmocka-dev libcmocka0 \
	libseccomp-dev libseccomp2 liblwip-dev liblwip0
CROSS_SYSROOT_STAMP := build-cross/sysroot/.stamp-$(shell echo \
	$(CROSS_SYSROOT_PKGS) | md5sum | cut -c1-12)

.PHONY: deps-cross
deps-cross: deps $(CROSS_SYSROOT_STAMP)
# After `deps` (order only): two apt-gets at once would fight over apt's locks.
$(CROSS_SYSROOT_STAMP): | deps
	tests/cross/make-sysroot.sh build-cross/sysroot arm64 \
		$(CROSS_SYSROOT_PKGS)
	@touch $@

cross: deps-cross
	$(MAKE) -f tests/cross/cross.mk cross-free cross-hosted

# core/freestanding.c tested on the host: built under other names
# (sdvf_fs_memcpy, ...) so the test calls it, not libc.
CROSS_FS_RENAME := -Dmemcpy=sdvf_fs_memcpy -Dmemset=sdvf_fs_memset \
	-Dmemmove=sdvf_fs_memmove -Dmemcmp=sdvf_fs_memcmp
CROSS_FS_TEST := $(BUILD)/tests/cross/test_freestanding
UNIT_TESTS += $(CROSS_FS_TEST)

$(BUILD)/tests/cross/freestanding_renamed.o: core/freestanding.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -ffreestanding -fno-tree-loop-distribute-patterns \
		$(CROSS_FS_RENAME) -MMD -MP -c $< -o $@

$(CROSS_FS_TEST): $(BUILD)/tests/cross/test_freestanding.o \
		$(BUILD)/tests/cross/freestanding_renamed.o
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS)

-include $(BUILD)/tests/cross/freestanding_renamed.d \
	$(BUILD)/tests/cross/test_freestanding.d
