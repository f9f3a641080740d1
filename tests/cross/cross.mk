# Cross builds, run by `make cross` as `make -f tests/cross/cross.mk ...`.
#
# This file includes the top-level Makefile first, so PORTABLE_SRCS,
# UNIT_TESTS and PROGRAMS are complete (every module.mk has been read) before
# any rule below expands them: new components and tests are picked up with no
# change here.  docs/cross.md explains what each step proves.
include Makefile

CROSS_BUILD := build-cross
CROSS_PREFIX := aarch64-linux-gnu-
CROSS_TRIPLET := aarch64-linux-gnu

# ---- 1. freestanding components ------------------------------------------
# Every portable source plus core/freestanding.c (the mem* functions gcc may
# call on its own), compiled with no OS, linked with `ld -r` into one object
# that must have no undefined symbol.
#   -fno-stack-protector     no __stack_chk_guard/__stack_chk_fail from libc
#   -mno-outline-atomics     atomics inline; the outline helpers live in
#                            libgcc and pick LSE with getauxval (an OS call)
#   -fno-tree-loop-distribute-patterns  (freestanding.c only) keeps its loops
#                            from being turned back into mem* calls
CROSS_FREE_SRCS = $(sort $(PORTABLE_SRCS)) core/freestanding.c
CROSS_FREE_CFLAGS := -std=c11 -ffreestanding -nostdlib -Wall -Wextra -Werror \
	-O2 -I. -fno-stack-protector
CROSS_FREE_ARCHS := aarch64 x86_64

# -nostdinc with only the compiler's own headers on the path: the
# freestanding ones (stdint.h, stddef.h, stdatomic.h, ...) exist, libc's
# (string.h, stdio.h, ...) do not, so a component cannot even include them.
cross_nostdinc = -nostdinc -isystem $(shell $(1) -print-file-name=include)

cross_free_cc_aarch64 := $(CROSS_PREFIX)gcc -mno-outline-atomics \
	$(call cross_nostdinc,$(CROSS_PREFIX)gcc)
cross_free_ld_aarch64 := $(CROSS_PREFIX)ld
cross_free_nm_aarch64 := $(CROSS_PREFIX)nm
cross_free_cc_x86_64 := gcc -m64 $(call cross_nostdinc,gcc)
cross_free_ld_x86_64 := ld
cross_free_nm_x86_64 := nm

define cross_free_rules
# Objects depend on this file too: it holds their flags.
$(CROSS_BUILD)/free-$(1)/%.o: %.c tests/cross/cross.mk
	@mkdir -p $$(dir $$@)
	$$(cross_free_cc_$(1)) $$(CROSS_FREE_CFLAGS) \
		$$(if $$(filter core/freestanding.c,$$<),-fno-tree-loop-distribute-patterns) \
		-MMD -MP -c $$< -o $$@

cross_free_objs_$(1) := $$(patsubst %.c,$(CROSS_BUILD)/free-$(1)/%.o,$$(CROSS_FREE_SRCS))

$(CROSS_BUILD)/free-$(1)/components.o: $$(cross_free_objs_$(1))
	$$(cross_free_ld_$(1)) -r -o $$@.tmp $$^
	tests/cross/check-undefined.sh $$(cross_free_nm_$(1)) $$@.tmp
	mv $$@.tmp $$@

-include $$(cross_free_objs_$(1):.o=.d)
endef
$(foreach a,$(CROSS_FREE_ARCHS),$(eval $(call cross_free_rules,$(a))))

.PHONY: cross-free cross-hosted cross-manifest cross-only
cross-free: $(foreach a,$(CROSS_FREE_ARCHS),$(CROSS_BUILD)/free-$(a)/components.o)
	@echo "cross: $(words $(CROSS_FREE_SRCS)) freestanding sources link with" \
		"no undefined symbol for $(CROSS_FREE_ARCHS)"

# ---- 2. hosted binaries for aarch64 --------------------------------------
# The project's own rules, re-run by a sub-make with BUILD and CC pointing at
# the cross toolchain and the sysroot of arm64 libraries (deps-cross).
# Paths below are relative to a build directory, e.g. tests/unit/test_queue.
# CROSS_SKIP lists targets that cannot be cross-built (a module appends to it
# with the reason in a comment).
CROSS_SKIP ?=
# CROSS_QEMU_SKIP lists unit tests that are built but not run under
# qemu-user (e.g. one that installs a seccomp filter: qemu-user refuses
# PR_SET_SECCOMP).
CROSS_QEMU_SKIP ?=
CROSS_HOSTED := $(CROSS_BUILD)/$(CROSS_TRIPLET)
CROSS_UNIT_TESTS := $(filter-out $(CROSS_SKIP),$(patsubst $(BUILD)/%,%,$(UNIT_TESTS)))
CROSS_PROGRAMS := $(filter-out $(CROSS_SKIP),$(patsubst $(BUILD)/%,%,$(PROGRAMS)))
CROSS_TARGETS := $(addprefix $(CROSS_HOSTED)/,$(CROSS_PROGRAMS) $(CROSS_UNIT_TESTS))

CROSS_SYSROOT := $(abspath $(CROSS_BUILD)/sysroot)
CROSS_LIBDIR := $(CROSS_SYSROOT)/usr/lib/$(CROSS_TRIPLET)
# static/ holds only the .a files Debian ships, searched first, so libfdt
# and libseccomp link statically even when a program must be dynamic.
CROSS_CC := $(CROSS_PREFIX)gcc -isystem $(CROSS_SYSROOT)/usr/include \
	-L$(CROSS_SYSROOT)/static -L$(CROSS_LIBDIR) -Wl,-rpath,$(CROSS_LIBDIR)
CROSS_SUBMAKE := PKG_CONFIG_LIBDIR=$(CROSS_LIBDIR)/pkgconfig \
	PKG_CONFIG_SYSROOT_DIR=$(CROSS_SYSROOT) \
	$(MAKE) -f Makefile SAN=0 BUILD=$(CROSS_HOSTED)

# Pass 1 links every target fully static; those whose libraries Debian ships
# only as shared objects (cmocka, lwip) fail to link there, and pass 2 links
# them dynamically.  A real error shows in pass 2.
cross-hosted:
	@mkdir -p $(CROSS_HOSTED)
ifneq ($(strip $(CROSS_TARGETS)),)
	@echo "cross: static pass (log: $(CROSS_HOSTED)/static-pass.log)"
	@$(CROSS_SUBMAKE) -k CC="$(CROSS_CC) -static" $(CROSS_TARGETS) \
		>$(CROSS_HOSTED)/static-pass.log 2>&1 || \
		echo "cross: not all link statically: dynamic pass"
	$(CROSS_SUBMAKE) CC="$(CROSS_CC)" $(CROSS_TARGETS)
endif
	@$(MAKE) -f tests/cross/cross.mk --no-print-directory cross-manifest

# Only CROSS_ONLY (paths below the build directory), linked static where
# their libraries allow, else dynamic (sdvf: Debian's arm64 liblwip is a
# shared object only; scripts/image-aarch64.sh packs the libraries): what
# `make image-aarch64` packs (tests/vm/module.mk).  Targets that exist only
# for aarch64 (vmm/sdvf-vmm) are not in PROGRAMS of the native build, so
# they are named here rather than found in CROSS_TARGETS.
cross-only:
	@mkdir -p $(CROSS_HOSTED)
	@$(CROSS_SUBMAKE) -k CC="$(CROSS_CC) -static" \
		$(addprefix $(CROSS_HOSTED)/,$(CROSS_ONLY)) \
		>$(CROSS_HOSTED)/static-only.log 2>&1 || \
		echo "cross: not all link statically (lwIP): dynamic pass"
	$(CROSS_SUBMAKE) CC="$(CROSS_CC)" \
		$(addprefix $(CROSS_HOSTED)/,$(CROSS_ONLY))

# What run.sh runs: one path per line.
cross-manifest:
	@printf '%s\n' $(addprefix $(CROSS_HOSTED)/,$(filter-out \
		$(CROSS_QEMU_SKIP),$(CROSS_UNIT_TESTS))) \
		>$(CROSS_HOSTED)/unit-tests.list
	@printf '%s\n' $(addprefix $(CROSS_HOSTED)/,$(CROSS_PROGRAMS)) \
		>$(CROSS_HOSTED)/programs.list
	@for t in $(CROSS_TARGETS); do \
		if $(CROSS_PREFIX)readelf -l $$t | grep -q INTERP; then \
			echo "cross: dynamic  $$t"; \
		else echo "cross: static   $$t"; fi; \
	done
