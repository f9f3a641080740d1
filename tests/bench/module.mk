# tests/bench/: benchmarks (`make bench`; not part of `make test`).
#
# bench-queue: the sdvf queue against DPDK's rte_ring (SPSC, same 16-byte
# descriptor), threads and processes, batch 1 and 32, then instructions per
# descriptor under callgrind.  SDVF_BENCH_ELEMS / _RUNS / _CAPACITY /
# _IR_ELEMS shorten it (see tests/bench/bench_queue.c).
BENCHES += bench-queue

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

$(BENCH_ENET_BASE_DIR)/%.c: FORCE
	@mkdir -p $(dir $@)
	git show $(BENCH_ENET_BASE):driver/enet/$*.c >$@.tmp && \
		(cmp -s $@.tmp $@ || mv $@.tmp $@); rm -f $@.tmp
$(BENCH_ENET_BASE_DIR)/%.o: $(BENCH_ENET_BASE_DIR)/%.c
	$(CC) $(CFLAGS) -c $< -o $@
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

# bench-echo: UDP echo over a TAP, side by side in one run (issue 9
# "Numbers"): (a) the Linux kernel answering over a veth pair, (b) one
# user-level process reflecting frames straight off a TAP, (c) sdvf with
# the lwIP `echo` client, (d) sdvf with the `bench` reflector (copy,
# remap, and copy with every PD on core 0); window 1 (round trip median
# and p99) and window 32 (packets a second), 64- and 1472-byte payloads,
# median of SDVF_BENCH_ECHO_RUNS (5) runs with min and max
# (tests/bench/bench_echo.sh; root).
# tests/bench/bench_echo_smoke.sh runs it once with tiny counts in `make
# test`: every path answered.
BENCHES += bench-echo
ECHO_PEER := $(BUILD)/tests/bench/echo_peer
PROGRAMS += $(ECHO_PEER)
TEST_SCRIPTS += tests/bench/bench_echo_smoke.sh
$(ECHO_PEER): $(BUILD)/tests/bench/echo_peer.o
	$(CC) $(LDFLAGS) -o $@ $^
-include $(BUILD)/tests/bench/echo_peer.d

.PHONY: bench-echo
bench-echo: $(ECHO_PEER) $(BUILD)/sdvf
	tests/bench/bench_echo.sh $(BUILD)
