# tests/bench/: benchmarks.  The suite (tests/bench/bench_suite.sh):
#   make bench        every target in BENCHES, in turn, then one summary
#                     (tests/bench/bench_summary.py: goal, measured median,
#                     ratio, met or not), docs/benchmarks.md's tables
#                     between its bench markers and docs/bench/*.png;
#                     outputs in $(BUILD)/bench/.  Under 20 minutes;
#                     `make bench BENCH_VM=1` adds bench-vm (an L1 boot,
#                     10-25 minutes more).
#   make bench-quick  every target in BENCHES_QUICK with tiny counts and
#                     sanity checks, no speed threshold (under 3 minutes);
#                     tests/bench/bench_quick_smoke.sh runs it in make test.
# A new benchmark: a make target that prints its tables on standard output,
# `BENCHES += target` (and BENCHES_QUICK if it has a quick form: the
# suite's --quick sets each benchmark's environment knobs), and markers
# `<!-- bench:target:begin -->` / `end` in its docs/benchmarks.md section.
#
# bench-queue: the sdvf queue against DPDK's rte_ring (SPSC, same 16-byte
# descriptor), threads and processes, batch 1 and 32, then instructions per
# descriptor under callgrind.  SDVF_BENCH_ELEMS / _RUNS / _CAPACITY /
# _IR_ELEMS shorten it (see tests/bench/bench_queue.c).
BENCHES += bench-queue
BENCHES_QUICK += bench-queue

# Only rte_ring (and the EAL it links against) is needed: rte_ring_init on
# plain memory works without EAL initialisation.  The DPDK cflags (which
# include -march=corei7) apply to every bench object, so both rings are
# compiled with them.
BENCH_QUEUE_BIN := $(BUILD)/tests/bench/bench_queue
BENCH_QUEUE_SRCS := tests/bench/bench_queue.c tests/bench/bench_queue_ir.c \
	tests/bench/bench_queue_report.c
BENCH_QUEUE_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(BENCH_QUEUE_SRCS))
BENCH_QUEUE_CFLAGS := $(shell pkg-config --cflags libdpdk 2>/dev/null)
BENCH_QUEUE_LIBS := -lrte_ring -lrte_eal -lpthread

# Target-specific: these objects (and only these) see the DPDK flags.
$(BENCH_QUEUE_OBJS): CFLAGS += $(BENCH_QUEUE_CFLAGS)

$(BENCH_QUEUE_BIN): $(BENCH_QUEUE_OBJS)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BENCH_QUEUE_LIBS)

.PHONY: bench-queue
bench-queue: $(BENCH_QUEUE_BIN)
	$(BENCH_QUEUE_BIN)
	tests/bench/bench_queue_ir.sh $(BENCH_QUEUE_BIN)
-include $(BENCH_QUEUE_OBJS:.o=.d)

# bench-enet: the ENET driver + model path.  Instructions per frame under
# callgrind in the sim (RX and TX, batch 1 and 32, split by driver / model /
# client / runtime), then hosted throughput with a generator wire at a few
# rates and sizes, each for the driver as built and for the driver of
# BENCH_ENET_BASE (a git commit) side by side.  SDVF_BENCH_ENET_* shorten it
# (see tests/bench/bench_enet.sh).
BENCHES += bench-enet
BENCHES_QUICK += bench-enet

# The harness is the ENET fixture (tests/unit/enet_fixture.h; this file is
# read before tests/unit/module.mk, so its objects are named here) on
# tests/fixtures/enet-bench.dts, read from the repository root.
BENCH_ENET_FIXTURE_OBJS := $(BUILD)/tests/unit/enet_fixture.o \
	$(BUILD)/tests/unit/enet_fixture_driver.o
BENCH_ENET_IR := $(BUILD)/tests/bench/bench_enet_ir
$(BENCH_ENET_IR): $(BUILD)/tests/bench/bench_enet_ir.o \
		$(BENCH_ENET_FIXTURE_OBJS) $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BUILD)/libsdvf.a $(HOST_LIBS)
-include $(BUILD)/tests/bench/bench_enet_ir.d

# BENCH_ENET_BASE=COMMIT adds a "base" variant: the three driver sources of
# that commit, compiled with today's headers and linked ahead of libsdvf.a
# (so the archive's driver objects are not pulled in) into a second
# bench_enet_ir and sdvf.  Headers must not have changed in between.
BENCH_ENET_DRV := enet_driver enet_driver_rings enet_driver_phy
BENCH_ENET_BASE_DIR := $(BUILD)/bench-enet-base
BENCH_ENET_BASE_OBJS := $(BENCH_ENET_DRV:%=$(BENCH_ENET_BASE_DIR)/%.o)
BENCH_ENET_VARIANTS := now:$(BENCH_ENET_IR):$(BUILD)/sdvf
ifneq ($(BENCH_ENET_BASE),)
BENCH_ENET_VARIANTS += base:$(BENCH_ENET_BASE_DIR)/bench_enet_ir:$(BENCH_ENET_BASE_DIR)/sdvf
endif

$(BENCH_ENET_DRV:%=$(BENCH_ENET_BASE_DIR)/%.c): $(BENCH_ENET_BASE_DIR)/%.c: FORCE
	@mkdir -p $(dir $@)
	git show $(BENCH_ENET_BASE):driver/enet/$*.c >$@.tmp && \
		(cmp -s $@.tmp $@ || mv $@.tmp $@); rm -f $@.tmp
# With their header dependencies: an object built against an older header
# would be linked against today's layout of its structs.
$(BENCH_ENET_BASE_DIR)/%.o: $(BENCH_ENET_BASE_DIR)/%.c
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@
-include $(BENCH_ENET_BASE_OBJS:.o=.d)
$(BENCH_ENET_BASE_DIR)/bench_enet_ir: $(BUILD)/tests/bench/bench_enet_ir.o \
		$(BENCH_ENET_FIXTURE_OBJS) $(BENCH_ENET_BASE_OBJS) \
		$(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BUILD)/libsdvf.a $(HOST_LIBS)
$(BENCH_ENET_BASE_DIR)/sdvf: $(BUILD)/core/cli/sdvf.o $(BENCH_ENET_BASE_OBJS) \
		$(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BUILD)/libsdvf.a $(HOST_LIBS)

.PHONY: bench-enet FORCE
FORCE:
.PRECIOUS: $(BENCH_ENET_BASE_DIR)/%.c
bench-enet: $(BENCH_ENET_IR) $(BUILD)/sdvf \
		$(if $(BENCH_ENET_BASE),$(BENCH_ENET_BASE_DIR)/bench_enet_ir $(BENCH_ENET_BASE_DIR)/sdvf)
	tests/bench/bench_enet.sh $(BENCH_ENET_VARIANTS)

# bench-mux: the RX and TX muxes.  Instructions per frame under callgrind in
# the sim (each mux's share, its payload copy apart, copy and remap, batch 1
# and 32, 60 and 1514 bytes) beside the driver's, then hosted throughput of
# generator -> driver -> rx_mux -> reflector -> tx_mux -> driver beside the
# driver + raw_responder pipeline of commit BENCH_MUX_BASE.  SDVF_BENCH_MUX_* shorten it (see
# tests/bench/bench_mux.sh).  bench_mux_ir is built by `make` and
# tests/bench/bench_mux_smoke.sh runs it briefly in `make test` (every
# mode, direction, batch and size moves every frame and loses no buffer).
BENCHES += bench-mux
BENCH_MUX_IR := $(BUILD)/tests/bench/bench_mux_ir
PROGRAMS += $(BENCH_MUX_IR)
TEST_SCRIPTS += tests/bench/bench_mux_smoke.sh
$(BENCH_MUX_IR): $(BUILD)/tests/bench/bench_mux_ir.o $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BUILD)/libsdvf.a $(HOST_LIBS)
-include $(BUILD)/tests/bench/bench_mux_ir.d

# The hosted baseline is the driver + raw_responder pipeline as it was
# before raw_responder moved behind the muxes: the tree of commit
# BENCH_MUX_BASE (git archive), built in its own directory; bench_mux.sh
# runs its sdvf on its examples/enet-tap.dts.  Two levels below $(BUILD),
# so that the top Makefile's module.mk wildcard (three levels) never reads
# the old tree's fragments.
BENCH_MUX_BASE ?= 3df1562
BENCH_MUX_BASE_DIR := $(BUILD)/bench-mux-base/$(BENCH_MUX_BASE)
$(BENCH_MUX_BASE_DIR)/build/sdvf:
	rm -rf $(BENCH_MUX_BASE_DIR) && mkdir -p $(BENCH_MUX_BASE_DIR)
	git archive $(BENCH_MUX_BASE) | tar -x -C $(BENCH_MUX_BASE_DIR)
	$(MAKE) -C $(BENCH_MUX_BASE_DIR) BUILD=build SAN=0 build/sdvf

.PHONY: bench-mux
bench-mux: $(BENCH_MUX_IR) $(BUILD)/sdvf $(BENCH_MUX_BASE_DIR)/build/sdvf
	tests/bench/bench_mux.sh $(BENCH_MUX_IR) $(BUILD)/sdvf \
		$(BENCH_MUX_BASE_DIR)

# The suite's quick form of bench-mux: the callgrind part only (the hosted
# part needs the old tree of BENCH_MUX_BASE built).
BENCHES_QUICK += bench-mux-ir
.PHONY: bench-mux-ir
bench-mux-ir: $(BENCH_MUX_IR) $(BUILD)/sdvf
	SDVF_BENCH_MUX_SKIP=hosted tests/bench/bench_mux.sh $(BENCH_MUX_IR) \
		$(BUILD)/sdvf

# bench-echo: UDP echo over a TAP, side by side in one run (issue 9
# "Numbers"): (a) the Linux kernel answering over a veth pair, (b) one
# user-level process reflecting frames straight off a TAP, (c) sdvf with
# the lwIP `echo` client, (d) sdvf with the `bench` reflector (copy,
# remap, and copy with every PD on core 0); window 1 (round trip median
# and p99) and window 32 (packets a second), 64- and 1472-byte payloads,
# median of SDVF_BENCH_ECHO_RUNS (5) runs with min and max
# (tests/bench/bench_echo.sh; root).
# make bench-quick runs it once with tiny counts (every path answered at
# both sizes and windows: bench_summary.py --check).
BENCHES += bench-echo
BENCHES_QUICK += bench-echo
ECHO_PEER := $(BUILD)/tests/bench/echo_peer
PROGRAMS += $(ECHO_PEER)
$(ECHO_PEER): $(BUILD)/tests/bench/echo_peer.o
	$(CC) $(LDFLAGS) -o $@ $^
-include $(BUILD)/tests/bench/echo_peer.d

.PHONY: bench-echo
bench-echo: $(ECHO_PEER) $(BUILD)/sdvf
	tests/bench/bench_echo.sh $(BUILD)

# bench-handoffs: activations and signals per echoed datagram, per PD, in
# the sim (tests/bench/bench_handoffs.c on tests/unit/handoff_fixture.h):
# deterministic, so it measures a change to the components exactly.
# Built by `make`; tests/unit/test_handoffs asserts the behaviours.
BENCHES += bench-handoffs
BENCH_HANDOFFS := $(BUILD)/tests/bench/bench_handoffs
PROGRAMS += $(BENCH_HANDOFFS)
$(BENCH_HANDOFFS): $(BUILD)/tests/bench/bench_handoffs.o \
		$(BUILD)/tests/unit/handoff_fixture.o $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BUILD)/libsdvf.a $(HOST_LIBS)
-include $(BUILD)/tests/bench/bench_handoffs.d

.PHONY: bench-handoffs
bench-handoffs: $(BENCH_HANDOFFS)
	$(BENCH_HANDOFFS)

# bench-policy: policies over time (sim, deterministic): per-client TX
# throughput in bins as clients start and stop under rr, drr 1:2:4, strict
# priority and token bucket, on a modelled 1 Gbit/s line, and a sparse
# high-priority probe's latency while the others saturate
# (tests/bench/bench_policy.c; the fixture of test_mux_sharing, read from
# the repository root).  SDVF_BENCH_POLICY_PHASE_MS shortens it; its
# series (policy_*.dat) go to SDVF_BENCH_OUT (the suite's output
# directory), else $(BUILD)/bench.
BENCHES += bench-policy
BENCHES_QUICK += bench-policy
BENCH_POLICY := $(BUILD)/tests/bench/bench_policy
PROGRAMS += $(BENCH_POLICY)
BENCH_POLICY_OBJS := $(BUILD)/tests/bench/bench_policy.o \
	$(BUILD)/tests/unit/mux_sharing_fixture.o
$(BENCH_POLICY): $(BENCH_POLICY_OBJS) $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $(BENCH_POLICY_OBJS) $(BUILD)/libsdvf.a \
		$(HOST_LIBS) $(CMOCKA_LIBS)
-include $(BUILD)/tests/bench/bench_policy.d

.PHONY: bench-policy
bench-policy: $(BENCH_POLICY)
	@mkdir -p $${SDVF_BENCH_OUT:-$(BUILD)/bench}
	$(BENCH_POLICY) $${SDVF_BENCH_OUT:-$(BUILD)/bench}

# bench-machine: what this machine charges for what the hosted runtime is
# built from (a VM exit, timerfd_settime near and far, an eventfd round
# trip on one core and across two), so that the hosted numbers below can
# be read against it (tests/bench/bench_machine.c; a few seconds).
BENCHES += bench-machine
BENCHES_QUICK += bench-machine
BENCH_MACHINE := $(BUILD)/tests/bench/bench_machine
PROGRAMS += $(BENCH_MACHINE)
$(BENCH_MACHINE): $(BUILD)/tests/bench/bench_machine.o
	$(CC) $(LDFLAGS) -o $@ $^
-include $(BUILD)/tests/bench/bench_machine.d

.PHONY: bench-machine
bench-machine: $(BENCH_MACHINE)
	$(BENCH_MACHINE) $${SDVF_BENCH_MACHINE_CALLS:-20000}

# bench-capacity: internal capacity, hosted: 64-byte frames from the
# generator wire through driver -> RX mux -> reflector -> TX mux -> driver
# at 0.1..1.5 Mpps offered, copy and remap reflectors side by side, and
# copy with the model, driver and muxes in one process: delivered, lost,
# dropped for lack of a buffer or FIFO space, where loss and drops start,
# and the ENET model's share of the CPU (tests/bench/bench_capacity.sh;
# SDVF_BENCH_CAP_* shorten it).
# Mode "floor" is tests/bench/cap_floor.c: a paced source and a reflector
# in two processes with a 256-slot ring each way, no sdvf code.
BENCHES += bench-capacity
BENCHES_QUICK += bench-capacity
CAP_FLOOR := $(BUILD)/tests/bench/cap_floor
PROGRAMS += $(CAP_FLOOR)
$(CAP_FLOOR): $(BUILD)/tests/bench/cap_floor.o
	$(CC) $(LDFLAGS) -o $@ $^
-include $(BUILD)/tests/bench/cap_floor.d

.PHONY: bench-capacity
bench-capacity: $(BUILD)/sdvf $(CAP_FLOOR)
	tests/bench/bench_capacity.sh $(BUILD)/sdvf

# ---- the suite ----
# gnuplot draws docs/bench/*.png; only `make bench` needs it (without it
# the summary skips the plots and says so).
BENCH_DEPS_PKGS := gnuplot-nox
.PHONY: bench-deps bench-quick
bench-deps:
	@if dpkg-query -W -f='$${Status}\n' $(BENCH_DEPS_PKGS) 2>/dev/null | \
	   grep -q '^install ok installed$$'; then echo "bench-deps: all installed"; \
	else echo "bench-deps: installing $(BENCH_DEPS_PKGS)"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends $(BENCH_DEPS_PKGS); fi

bench-quick: all
	MAKE="$(MAKE)" tests/bench/bench_suite.sh --quick $(BUILD) $(BENCHES_QUICK)
TEST_SCRIPTS += tests/bench/bench_quick_smoke.sh

# bench-hops: a window-1 UDP echo hop by hop in the hosted runtime (issue
# 10): per PD the wake latency (rt.wake_ns.* histogram), activations,
# eventfd writes, epoll_wait calls and sleeps per echo, for the
# default runtime, busy-poll (SDVF_POLL_US) and placements, side by side,
# and each system's idle CPU time (tests/bench/bench_hops.sh; root).
# tests/bench/bench_hops_smoke.sh runs it once with tiny counts in `make
# test`: every configuration answered and its counters moved.
BENCHES += bench-hops
TEST_SCRIPTS += tests/bench/bench_hops_smoke.sh

.PHONY: bench-hops
bench-hops: $(ECHO_PEER) $(BUILD)/sdvf
	tests/bench/bench_hops.sh $(BUILD)

# bench-wake: the hosted wake path, eventfd + epoll against futex
# (SDVF_WAKE), with and without the adaptive busy-poll (SDVF_POLL_US), per
# placement, side by side: UDP echo at 64 and 1472 bytes, windows 1 and
# 32, with system calls and context switches per echo and idle CPU
# (tests/bench/bench_wake.sh; root).  tests/bench/bench_wake_smoke.sh runs
# it once with tiny counts in `make test`.
BENCHES += bench-wake
TEST_SCRIPTS += tests/bench/bench_wake_smoke.sh

.PHONY: bench-wake
bench-wake: $(ECHO_PEER) $(BUILD)/sdvf
	tests/bench/bench_wake.sh $(BUILD)

# bench-vm: the same nested guest under sdvf-vmm (--net tap) and under
# Debian's QEMU (-accel kvm, virtio-net-device, vhost=on), both over a tap
# on one Linux bridge in one L1 boot: guest boot to userspace, UDP echo
# RTT at window 1 and rate at window 32, 64 and 1472 bytes, KVM exits per
# echo; SDVF_BENCH_VM_RUNS (5) guest boots each, interleaved
# (tests/bench/bench_vm.sh, docs/benchmarks.md "VM echo").  The image
# variant with QEMU: `make image-aarch64-qemu` (build-aarch64-qemu/,
# SDVF_IMAGE_QEMU=1 in scripts/image-aarch64.sh; the default image is
# unchanged), sharing build-aarch64/debs.  No quick form: one L1 boot is
# minutes under TCG.  Not in `make bench` unless asked (BENCH_VM=1): its
# 10-25 minutes alone would take the suite past its 20; without it the
# summary's VM rows say "skipped" and how to run it.
BENCH_VM ?= 0
ifeq ($(BENCH_VM),1)
BENCHES += bench-vm
endif
AARCH64_QEMU_IMAGE_DIR := build-aarch64-qemu
.PHONY: image-aarch64-qemu bench-vm
image-aarch64-qemu: deps-aarch64 deps-cross
	$(MAKE) -f tests/cross/cross.mk cross-only \
		CROSS_ONLY="$(sort $(patsubst guest:%,%,$(AARCH64_IMAGE_PROGRAMS)) tests/bench/echo_peer)"
	SDVF_IMAGE_QEMU=1 SDVF_IMAGE_DEBS=$(AARCH64_IMAGE_DIR)/debs \
		scripts/image-aarch64.sh $(AARCH64_QEMU_IMAGE_DIR) \
		build-cross/aarch64-linux-gnu $(AARCH64_IMAGE_PROGRAMS) \
		tests/bench/echo_peer
bench-vm:
	tests/bench/bench_vm.sh
# Its report and summary row from a made-up console log, in `make test`.
TEST_SCRIPTS += tests/bench/bench_vm_report_smoke.sh
