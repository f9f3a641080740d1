# tests/fuzz/: ENET model fuzzing: a deterministic replay (ASan + UBSan, in
# `make test`) and a libFuzzer build (`make fuzz-enet-model`, clang).  Both
# link only the model and what it needs (sim, loader, counters, wire),
# compiled with the sanitizers; the replay defines the loader's registry.
FUZZ_ENET_SRCS := tests/fuzz/fuzz_enet_model.c $(ENET_MODEL_SRCS) \
	core/sim/sim.c core/sim/sim_inspect.c core/hosted/counters.c core/stats_file.c \
	$(wildcard core/sysdesc/sysdesc_*.c) core/sysdesc/registry.c \
	$(WIRE_SRCS)
FUZZ_ENET_HDRS = $(wildcard core/*.h core/*/*.h driver/enet/*.h driver/enet/*/*.h tests/fuzz/*.h) \
	tests/unit/enet_model_host.h
FUZZ_SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
UNIT_TESTS += $(BUILD)/tests/fuzz/fuzz_enet_model
$(BUILD)/tests/fuzz/fuzz_enet_model: $(FUZZ_ENET_SRCS) $(FUZZ_ENET_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O1 $(FUZZ_SANFLAGS) $(FUZZ_ENET_SRCS) -o $@ -lfdt

.PHONY: fuzz-enet-model
fuzz-enet-model: $(BUILD)/tests/fuzz/fuzz_enet_model_libfuzzer
	$< -max_total_time=$${SDVF_FUZZ_SECONDS:-60} -max_len=4096
$(BUILD)/tests/fuzz/fuzz_enet_model_libfuzzer: $(FUZZ_ENET_SRCS) $(FUZZ_ENET_HDRS)
	@mkdir -p $(dir $@)
	clang $(CFLAGS_BASE) -O1 -DSDVF_LIBFUZZER -fsanitize=fuzzer,address,undefined \
		$(FUZZ_ENET_SRCS) -o $@ -lfdt

# virt/ fuzzing (tests/fuzz/fuzz_virtio.c): the virtio-mmio register file
# and the virtqueue walker under virtio-net, as a hostile guest drives
# them.  The replay runs in `make test`; `make fuzz-virtio` is libFuzzer.
FUZZ_VIRTIO_SRCS := tests/fuzz/fuzz_virtio.c virt/virtq.c virt/virtio_mmio.c \
	virt/virtio_net.c
FUZZ_VIRTIO_HDRS = $(wildcard core/*.h virt/*.h tests/fuzz/*.h)
UNIT_TESTS += $(BUILD)/tests/fuzz/fuzz_virtio
$(BUILD)/tests/fuzz/fuzz_virtio: $(FUZZ_VIRTIO_SRCS) $(FUZZ_VIRTIO_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O1 $(FUZZ_SANFLAGS) $(FUZZ_VIRTIO_SRCS) -o $@

.PHONY: fuzz-virtio
fuzz-virtio: $(BUILD)/tests/fuzz/fuzz_virtio_libfuzzer
	$< -max_total_time=$${SDVF_FUZZ_SECONDS:-60} -max_len=4096
$(BUILD)/tests/fuzz/fuzz_virtio_libfuzzer: $(FUZZ_VIRTIO_SRCS) $(FUZZ_VIRTIO_HDRS)
	@mkdir -p $(dir $@)
	clang $(CFLAGS_BASE) -O1 -DSDVF_LIBFUZZER -fsanitize=fuzzer,address,undefined \
		$(FUZZ_VIRTIO_SRCS) -o $@

# Harnesses on libsdvf (the trust boundary): the queue helpers
# (fuzz_queue), the system-description loader (fuzz_sysdesc), the TX mux's
# descriptor intake (fuzz_tx_mux) and the RX mux's buffer returns
# (fuzz_rx_mux).  Their replay (the committed corpus, then pseudo-random
# inputs; tests/fuzz/fuzz_replay.h) is a test program like the unit tests:
# built in build/ and, under ASan + UBSan, in build-san/.
FUZZ_LIB_HARNESSES := fuzz_queue fuzz_sysdesc fuzz_tx_mux fuzz_rx_mux
FUZZ_LIB_BINS := $(addprefix $(BUILD)/tests/fuzz/,$(FUZZ_LIB_HARNESSES))
UNIT_TESTS += $(FUZZ_LIB_BINS)
$(FUZZ_LIB_BINS): $(BUILD)/tests/fuzz/%: $(BUILD)/tests/fuzz/%.o \
		$(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libsdvf.a $(HOST_LIBS)
-include $(FUZZ_LIB_BINS:=.d)

# libFuzzer builds of every harness, in build-fuzz/: libsdvf compiled by
# clang with coverage (fuzzer-no-link), ASan and UBSan, each harness linked
# with -fsanitize=fuzzer.  `make fuzz` runs each for SDVF_FUZZ_SECONDS
# (default 600 s each, so an hour in all); `make test` runs
# tests/fuzz/libfuzzer.sh, each for 35 s (3.5 minutes in all).  Both start
# from the committed corpus, tests/fuzz/corpus/NAME/ (read only), and keep
# what they find in a temporary directory; a crash is reported with the
# input's path, to be kept in the corpus as a regression input.
FUZZ_HARNESSES := fuzz_enet_model fuzz_virtio $(FUZZ_LIB_HARNESSES)
FUZZ_BUILD := build-fuzz
FUZZ_LIBFUZZER_BINS := $(addprefix $(FUZZ_BUILD)/tests/fuzz/, \
	$(addsuffix _libfuzzer,$(FUZZ_HARNESSES)))

.PHONY: fuzz fuzz-bins
# Built before `make test` runs anything, so that the timed script only
# fuzzes (it builds them itself when run alone).
test: fuzz-bins
fuzz-bins: deps
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang OPT=-O1 \
		EXTRA_CFLAGS=-Wno-missing-field-initializers \
		SANFLAGS="-fsanitize=fuzzer-no-link,address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer" \
		$(FUZZ_LIBFUZZER_BINS)
fuzz: fuzz-bins
	SDVF_FUZZ_SECONDS=$${SDVF_FUZZ_SECONDS:-600} tests/fuzz/libfuzzer.sh \
		$(FUZZ_HARNESSES)

# Only in the sub-make above (CC=clang, SANFLAGS with coverage).
$(BUILD)/tests/fuzz/%_libfuzzer: tests/fuzz/%.c tests/fuzz/fuzz_replay.h \
		$(BUILD)/libsdvf.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DSDVF_LIBFUZZER -fsanitize=fuzzer $< -o $@ \
		$(BUILD)/libsdvf.a $(HOST_LIBS)

TEST_SCRIPTS += tests/fuzz/libfuzzer.sh

.PHONY: clean-fuzz
clean: clean-fuzz
clean-fuzz:
	rm -rf $(FUZZ_BUILD)
