# tests/fuzz/: ENET model fuzzing: a deterministic replay (ASan + UBSan, in
# `make test`) and a libFuzzer build (`make fuzz-enet-model`, clang).  Both
# link only the model and what it needs (sim, loader, counters, wire),
# compiled with the sanitizers; the replay defines the loader's registry.
FUZZ_ENET_SRCS := tests/fuzz/fuzz_enet_model.c $(ENET_MODEL_SRCS) \
	core/sim/sim.c core/sim/sim_inspect.c core/hosted/counters.c core/stats_file.c \
	$(wildcard core/sysdesc/sysdesc_*.c) core/sysdesc/registry.c \
	$(WIRE_SRCS)
FUZZ_ENET_HDRS = $(wildcard core/*.h core/*/*.h driver/enet/*.h driver/enet/*/*.h tests/fuzz/*.h)
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
