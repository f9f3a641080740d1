# driver/enet/: ENET driver, its device model, and the model's wire backends.

# --- wire backends (host code: the ENET model's cable) ---
WIRE_SRCS := driver/enet/wire.c driver/enet/wire_tap.c driver/enet/wire_udp.c \
	driver/enet/wire_loop.c driver/enet/wire_gen.c driver/enet/wire_pcap.c
HOST_SRCS += $(WIRE_SRCS)
WIRE_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(WIRE_SRCS))

# The wire tests link the wire objects alone, not the whole library.
WIRE_TESTS := $(BUILD)/tests/unit/test_wire $(BUILD)/tests/unit/test_wire_gen_pcap
UNIT_TESTS += $(WIRE_TESTS)
$(WIRE_TESTS): $(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(WIRE_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS)
-include $(WIRE_TESTS:=.d)

# --- ENET driver (portable component) ---
PORTABLE_SRCS += driver/enet/enet_driver.c driver/enet/enet_driver_rings.c \
	driver/enet/enet_driver_phy.c

# The driver's tests run it against a test-local fake ENET in the sim.
UNIT_TESTS += $(BUILD)/tests/unit/test_enet_driver
$(BUILD)/tests/unit/test_enet_driver: $(BUILD)/tests/unit/test_enet_driver.o \
		$(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libsdvf.a $(HOST_LIBS) $(CMOCKA_LIBS)
-include $(BUILD)/tests/unit/test_enet_driver.d

# --- ENET model (host code: the hardware of hosted and sim systems) ---
HOST_SRCS += driver/enet/enet_model.c driver/enet/enet_model_dma.c \
	driver/enet/enet_model_phy.c
UNIT_TESTS += $(BUILD)/tests/unit/test_enet_model
$(BUILD)/tests/unit/test_enet_model: $(BUILD)/tests/unit/test_enet_model.o \
		$(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libsdvf.a $(HOST_LIBS) $(CMOCKA_LIBS)
-include $(BUILD)/tests/unit/test_enet_model.d

# ENET model fuzzing: a deterministic replay (ASan + UBSan, in `make test`)
# and a libFuzzer build (`make fuzz-enet-model`, clang).  Both link only the
# model and what it needs, compiled with the sanitizers.
FUZZ_ENET_SRCS := tests/fuzz/fuzz_enet_model.c driver/enet/enet_model.c \
	driver/enet/enet_model_dma.c driver/enet/enet_model_phy.c core/sim.c core/sim_inspect.c core/counters.c \
	$(wildcard core/sysdesc_*.c) $(WIRE_SRCS)
FUZZ_SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
UNIT_TESTS += $(BUILD)/tests/fuzz/fuzz_enet_model
$(BUILD)/tests/fuzz/fuzz_enet_model: $(FUZZ_ENET_SRCS) $(wildcard core/*.h driver/enet/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O1 $(FUZZ_SANFLAGS) $(FUZZ_ENET_SRCS) -o $@ -lfdt

.PHONY: fuzz-enet-model
fuzz-enet-model: $(BUILD)/tests/fuzz/fuzz_enet_model_libfuzzer
	$< -max_total_time=$${SDVF_FUZZ_SECONDS:-60} -max_len=4096
$(BUILD)/tests/fuzz/fuzz_enet_model_libfuzzer: $(FUZZ_ENET_SRCS) $(wildcard core/*.h driver/enet/*.h)
	@mkdir -p $(dir $@)
	clang $(CFLAGS_BASE) -O1 -DSDVF_LIBFUZZER -fsanitize=fuzzer,address,undefined \
		$(FUZZ_ENET_SRCS) -o $@ -lfdt
