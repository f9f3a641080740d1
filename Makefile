# sdvf top-level build.  GNU make, C11, gcc.
#
#   make            build everything native into $(BUILD)/
#   make deps       install every Debian package the project needs (idempotent)
#   make demo       deps + sdvf, then the default system end to end (root;
#                   scripts/demo.sh: examples/demo.dts from a namespace),
#                   then its VM stage in the aarch64 image (DEMO_VM=0: not)
#   make test       deps + build + every test (unit, model, integration, cross)
#   make cross      aarch64 builds: freestanding components, hosted binaries
#   make bench      benchmarks, summary, docs tables and plots (long; not
#                   part of make test; under 20 minutes; BENCH_VM=1 adds
#                   bench-vm, an L1 boot of 10-25 minutes)
#   make bench-quick  the benchmarks with tiny counts and sanity checks
#                   (in make test)
#   make soak       the demo system under load (SOAK_SECONDS, default 600;
#                   tests/integration/module.mk)
#   make isolation  hostile clients beside honest ones: docs/isolation.md's
#                   table (tests/isolation/module.mk)
#   make format     apply .clang-format to all C
#   make SAN=1 ...  build with ASan + UBSan (into build-san/ by default)
#
# Each directory adds its sources and tests in a module.mk fragment:
#   PORTABLE_SRCS  component code: freestanding, PD API only (also built for
#                  aarch64 with -ffreestanding by `make cross`)
#   HOST_SRCS      host code linked into libsdvf.a (runtimes, loader, models)
#   UNIT_TESTS     test programs `make test` runs (cmocka)
#   TEST_SCRIPTS   shell tests `make test` runs (integration, isolation, ...)
#   BENCHES        targets `make bench` runs (BENCHES_QUICK: `make
#                  bench-quick`; tests/bench/module.mk)
#   COMPONENTS     components the folder defines (NAME: `NAME_component`)
#   EXPANDERS      subsystem expanders it defines (NAME: `NAME_expander`)
# The registry of built-ins is generated from COMPONENTS and EXPANDERS
# (core/sysdesc/module.mk), so a new folder edits nothing outside itself.
# Source folders are read first, then tests/, so test rules can name any
# folder's variables.

SAN ?= 0
ifeq ($(SAN),1)
BUILD ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
else
BUILD ?= build
SANFLAGS :=
endif

CC ?= gcc
OPT ?= -O2
CFLAGS_BASE := -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -I. -g
CFLAGS := $(CFLAGS_BASE) $(OPT) $(SANFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := $(SANFLAGS)
HOST_LIBS := -lfdt -lseccomp
CMOCKA_LIBS := -lcmocka

PORTABLE_SRCS :=
HOST_SRCS :=
UNIT_TESTS :=
TEST_SCRIPTS :=
BENCHES :=
PROGRAMS :=
COMPONENTS :=
EXPANDERS :=
GEN_OBJS :=

.PHONY: all deps test check-format format cross bench clean example demo
all:

MODULES := $(sort $(wildcard */module.mk */*/module.mk */*/*/module.mk))
include $(filter-out tests/%,$(MODULES)) $(filter tests/%,$(MODULES))

LIB := $(BUILD)/libsdvf.a
LIB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(PORTABLE_SRCS) $(HOST_SRCS)) \
	$(GEN_OBJS)

all: $(LIB) $(PROGRAMS) $(UNIT_TESTS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

-include $(LIB_OBJS:.o=.d)

# ---- dependencies ----------------------------------------------------------
# Native packages, by name.  The arm64 sysroot packages are
# CROSS_SYSROOT_PKGS in tests/cross/module.mk.
DEPS_PKGS := build-essential pkg-config device-tree-compiler libfdt-dev \
	libcmocka-dev libseccomp-dev liblwip-dev libdpdk-dev spin \
	clang-format iproute2 qemu-user-static gcc-aarch64-linux-gnu \
	libc6-dev-arm64-cross valgrind clang iputils-ping python3 tcpdump \
	chromium curl dnsmasq-base
DEPS_STAMP := /var/tmp/sdvf-deps-$(shell echo $(DEPS_PKGS) | md5sum | cut -c1-12)

deps: $(DEPS_STAMP)
$(DEPS_STAMP):
	@if dpkg-query -W -f='$${Status}\n' $(DEPS_PKGS) 2>/dev/null | \
	   grep -vq '^install ok installed$$' || \
	   [ $$(dpkg-query -W -f='$${Status}\n' $(DEPS_PKGS) 2>/dev/null | wc -l) -ne $(words $(DEPS_PKGS)) ]; then \
		echo "deps: installing $(DEPS_PKGS)"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends $(DEPS_PKGS); \
	else echo "deps: all installed"; fi
	@touch $@

# ---- tests -----------------------------------------------------------------
C_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build*')

check-format:
	@bad=$$(for f in $(C_FILES); do clang-format --dry-run -Werror $$f >/dev/null 2>&1 || echo $$f; done); \
	if [ -n "$$bad" ]; then echo "check-format: not clang-format clean:" $$bad; \
		echo "check-format: run 'make format'"; exit 1; fi; \
	echo "check-format: ok"

format:
	clang-format -i $(C_FILES)

# The unit tests run twice: as built, and built with ASan + UBSan (SAN=1,
# into build-san/), in one run with one summary.  tests/run.sh fails unless
# it is given exactly the tests tests/manifest lists, in both builds.
SAN_UNIT_TESTS = $(patsubst $(BUILD)/%,build-san/%,$(UNIT_TESTS))

test: deps
	$(MAKE) all
	$(MAKE) SAN=1 BUILD=build-san all
	$(MAKE) check-format
	BUILD=$(BUILD) tests/run.sh --builds "$(BUILD) build-san" \
		$(UNIT_TESTS) $(SAN_UNIT_TESTS) $(TEST_SCRIPTS)

# The suite (tests/bench/module.mk): every benchmark in turn, then the
# summary, docs/benchmarks.md's tables and docs/bench/*.png.
bench: deps bench-deps all
	MAKE="$(MAKE)" tests/bench/bench_suite.sh $(BUILD) $(BENCHES)

# The main job: the default system, examples/demo.dts (three native clients
# sharing one NIC under weighted DRR), exercised from a network namespace
# with real tools, a live view, a summary and PASS/FAIL per check
# (scripts/demo.sh; root).  Then the VM stage (scripts/demo-vm.sh): a Linux
# guest beside two native clients, inside the aarch64 image under QEMU;
# DEMO_VM=0 skips it (and says so).  Both stages run; either failing fails.
# Root is checked first, before apt-get would fail less clearly.
demo:
	@[ "$$(id -u)" = 0 ] || { echo "make demo: needs root (a TAP" \
		"interface and a network namespace): run 'sudo make demo'" >&2; \
		exit 1; }
	$(MAKE) deps
	$(MAKE) $(BUILD)/sdvf
	@rc=0; SDVF=$(BUILD)/sdvf scripts/demo.sh || rc=1; \
		scripts/demo-vm.sh || rc=1; exit $$rc

# The shared NIC alone (scripts/example-net.sh: examples/enet-tap.dts on a
# TAP in a private network namespace, four raw clients of the muxes pinged
# and UDP-echoed, the per-client table of `sdvf stats`).  EXAMPLE=FILE runs
# that description instead, for EXAMPLE_SECONDS, and prints its summary.
EXAMPLE ?=
EXAMPLE_SECONDS ?= 5
example: deps
	$(MAKE) $(BUILD)/sdvf
ifeq ($(EXAMPLE),)
	SDVF=$(BUILD)/sdvf scripts/example-net.sh
else
	$(BUILD)/sdvf run $(EXAMPLE) --duration $(EXAMPLE_SECONDS)
endif

clean:
	rm -rf build build-san build-cross build-aarch64 build-imx7

# One variable's value, for scripts: `make -s print-PORTABLE_SRCS`.
print-%:
	@echo $($*)
