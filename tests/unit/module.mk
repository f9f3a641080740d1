# tests/unit/: cmocka unit tests, one program per file.
#
# A test that needs only libsdvf.a and cmocka: add its name (without .c) to
# UNIT_CMOCKA below.  A test that needs more (lwIP, ...) writes its own link
# rule beside the others and adds itself to UNIT_TESTS.
#
# Note: this fragment is read before the top Makefile defines $(LIB), so
# prerequisites name the library by its path.

UNIT_CMOCKA := \
	test_queue \
	test_queue_peer \
	test_pd_queue \
	test_bytes \
	test_queue_clients \
	test_sim \
	test_sim_restart \
	test_queue_restart \
	test_counters \
	test_hosted_wake \
	test_hosted_futex \
	test_hosted_timer \
	test_ownership \
	test_sysdesc \
	test_sysdesc_expand \
	test_sysdesc_cli \
	test_sysdesc_refusals \
	test_sysdesc_net \
	test_sysdesc_net_refusals \
	test_sysdesc_net_switch \
	test_sysdesc_reach \
	test_sysdesc_blob \
	test_sysdesc_group \
	test_raw_responder \
	test_net_client \
	test_rx_mux \
	test_queue_litmus \
	test_policies \
	test_tx_mux \
	test_reflector \
	test_virtq \
	test_virtio_mmio \
	test_virtio_net \
	test_virtio_net_tx \
	test_bench_client \
	test_stats_json \
	test_lwip_dhcp \
	test_lwip_sim \
	test_lwip_chksum \
	test_vmm \
	test_vmm_client \
	stress_queue
# Device-side bugs found by the hostile guest (tests/vm/guest_hostile.c).
UNIT_CMOCKA += test_virtio_hostile

# A real ENET through UIO in descriptions (mux/net_expand*.c, the loader).
UNIT_CMOCKA += test_sysdesc_net_uio
UNIT_CMOCKA_BINS := $(addprefix $(BUILD)/tests/unit/,$(UNIT_CMOCKA))
UNIT_TESTS += $(UNIT_CMOCKA_BINS)

$(UNIT_CMOCKA_BINS): $(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o \
		$(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libsdvf.a $(HOST_LIBS) \
		$(CMOCKA_LIBS)

-include $(UNIT_CMOCKA_BINS:=.d)
# test_lwip_chksum calls liblwip's inet_chksum, so sees lwIP's headers.
$(BUILD)/tests/unit/test_lwip_chksum.o: CFLAGS += $(LWIP_CFLAGS)

# --- wire backends: the wire tests link the wire objects alone ---
WIRE_TESTS := $(BUILD)/tests/unit/test_wire $(BUILD)/tests/unit/test_wire_gen_pcap
UNIT_TESTS += $(WIRE_TESTS)
$(WIRE_TESTS): $(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(WIRE_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS)
-include $(WIRE_TESTS:=.d)

# --- ENET driver and model ---
# test_enet_driver_* (against a test-local fake ENET,
# enet_fake_nic_fixture.h) and test_enet_system (against the ENET model)
# stand the ENET fixture on the driver's queues; tests/bench/bench_enet_ir
# links it too.  Their systems are .dts files in tests/fixtures/, read from
# the repository root (as tests/run.sh runs).  test_enet_model_* run the
# model alone (enet_model_fixture.h).
ENET_FIXTURE_OBJS := $(BUILD)/tests/unit/enet_fixture.o \
	$(BUILD)/tests/unit/enet_fixture_driver.o
ENET_FIXTURE_TESTS := $(BUILD)/tests/unit/test_enet_system \
	$(addprefix $(BUILD)/tests/unit/test_enet_driver_,init rx tx eberr)
ENET_TESTS := $(ENET_FIXTURE_TESTS) \
	$(addprefix $(BUILD)/tests/unit/test_enet_model_,regs rx tx qemu)
UNIT_TESTS += $(ENET_TESTS)
$(ENET_TESTS): $(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o \
		$(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BUILD)/libsdvf.a \
		$(HOST_LIBS) $(CMOCKA_LIBS)
$(ENET_FIXTURE_TESTS): $(ENET_FIXTURE_OBJS)
# test_enet_system's clients of the muxes (tests/unit/net_test_client.h).
$(BUILD)/tests/unit/test_enet_system: $(BUILD)/tests/unit/net_test_client.o
-include $(ENET_TESTS:=.d) $(ENET_FIXTURE_OBJS:.o=.d) \
	$(BUILD)/tests/unit/net_test_client.d

# --- faults on the ENET data path (test_enet_faults): test_enet_system's
# system under wire faults the model injects and a restart of the driver ---
ENET_FAULTS_TEST := $(BUILD)/tests/unit/test_enet_faults
UNIT_TESTS += $(ENET_FAULTS_TEST)
$(ENET_FAULTS_TEST): $(BUILD)/tests/unit/test_enet_faults.o \
		$(ENET_FIXTURE_OBJS) $(BUILD)/tests/unit/net_test_client.o \
		$(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BUILD)/libsdvf.a \
		$(HOST_LIBS) $(CMOCKA_LIBS)
-include $(ENET_FAULTS_TEST:=.d)

# --- interrupt coalescing (test_enet_coalesce): driver + model + the
# ENET fixture; its system is written by the test ---
ENET_COALESCE_TEST := $(BUILD)/tests/unit/test_enet_coalesce
UNIT_TESTS += $(ENET_COALESCE_TEST)
$(ENET_COALESCE_TEST): $(BUILD)/tests/unit/test_enet_coalesce.o \
		$(ENET_FIXTURE_OBJS) $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BUILD)/libsdvf.a \
		$(HOST_LIBS) $(CMOCKA_LIBS)
-include $(ENET_COALESCE_TEST:=.d)

# --- the model's line rate (test_enet_line): driver + model + the ENET
# fixture; its system is written by the test ---
ENET_LINE_TEST := $(BUILD)/tests/unit/test_enet_line
UNIT_TESTS += $(ENET_LINE_TEST)
$(ENET_LINE_TEST): $(BUILD)/tests/unit/test_enet_line.o \
		$(ENET_FIXTURE_OBJS) $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BUILD)/libsdvf.a \
		$(HOST_LIBS) $(CMOCKA_LIBS)
-include $(ENET_LINE_TEST:=.d)

# --- hand-offs per echo (test_handoffs): the bench-echo system in the
# sim, counted by tests/unit/handoff_fixture.c (tests/bench/bench_handoffs
# links it too); its system is tests/fixtures/handoffs.dts ---
HANDOFFS_TEST := $(BUILD)/tests/unit/test_handoffs
HANDOFFS_OBJS := $(BUILD)/tests/unit/test_handoffs.o \
	$(BUILD)/tests/unit/handoff_fixture.o
UNIT_TESTS += $(HANDOFFS_TEST)
$(HANDOFFS_TEST): $(HANDOFFS_OBJS) $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $(HANDOFFS_OBJS) $(BUILD)/libsdvf.a \
		$(HOST_LIBS) $(CMOCKA_LIBS)
-include $(HANDOFFS_OBJS:.o=.d)

# --- the TX policy decides while the copy pool waits at the driver
# (test_mux_pool_share): test_mux_sharing's system, fixture and model
# line rate (docs/policies.md, "When the TX pool waits at the driver") ---
MUX_POOL_SHARE_TEST := $(BUILD)/tests/unit/test_mux_pool_share
MUX_POOL_SHARE_OBJS := $(BUILD)/tests/unit/test_mux_pool_share.o \
	$(BUILD)/tests/unit/mux_sharing_fixture.o
UNIT_TESTS += $(MUX_POOL_SHARE_TEST)
$(MUX_POOL_SHARE_TEST): $(MUX_POOL_SHARE_OBJS) $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $(MUX_POOL_SHARE_OBJS) $(BUILD)/libsdvf.a \
		$(HOST_LIBS) $(CMOCKA_LIBS)
-include $(MUX_POOL_SHARE_OBJS:.o=.d)

# --- both muxes shared under policy (test_mux_sharing) ---
# Its test PDs and system live in mux_sharing_fixture.c; the system is
# tests/fixtures/mux_sharing.dts, read from the repository root.
MUX_SHARING_TEST := $(BUILD)/tests/unit/test_mux_sharing
MUX_SHARING_OBJS := $(BUILD)/tests/unit/test_mux_sharing.o \
	$(BUILD)/tests/unit/mux_sharing_fixture.o
UNIT_TESTS += $(MUX_SHARING_TEST)
$(MUX_SHARING_TEST): $(MUX_SHARING_OBJS) $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $(MUX_SHARING_OBJS) $(BUILD)/libsdvf.a \
		$(HOST_LIBS) $(CMOCKA_LIBS)
-include $(MUX_SHARING_OBJS:.o=.d)

# --- local switching: both muxes on the ENET driver and model, three
# clients played through their queues by mux_switch_fixture ---
MUX_SWITCH_TEST := $(BUILD)/tests/unit/test_mux_switch
MUX_SWITCH_OBJS := $(BUILD)/tests/unit/test_mux_switch.o \
	$(BUILD)/tests/unit/mux_switch_fixture.o
UNIT_TESTS += $(MUX_SWITCH_TEST)
$(MUX_SWITCH_TEST): $(MUX_SWITCH_OBJS) $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $(MUX_SWITCH_OBJS) $(BUILD)/libsdvf.a \
		$(HOST_LIBS) $(CMOCKA_LIBS)
-include $(MUX_SWITCH_OBJS:.o=.d)

# --- docs/clients.md's example client and its description, extracted from
# the page and built, so the page cannot rot: test_clients_doc links the
# client and loads the description with it ---
DOC_HELLO := $(BUILD)/tests/unit/doc_hello_udp
CLIENTS_DOC_TEST := $(BUILD)/tests/unit/test_clients_doc
UNIT_TESTS += $(CLIENTS_DOC_TEST)
$(DOC_HELLO).c $(DOC_HELLO).dts: $(DOC_HELLO).%: docs/clients.md \
		tests/unit/doc_extract.awk
	@mkdir -p $(dir $@)
	awk -v name=hello_udp.$* -f tests/unit/doc_extract.awk $< >$@.tmp
	mv $@.tmp $@
$(DOC_HELLO).o: $(DOC_HELLO).c
	$(CC) $(CFLAGS) $(LWIP_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/tests/unit/test_clients_doc.o: CFLAGS += \
	-DDOC_HELLO_DTS='"$(DOC_HELLO).dts"'
$(CLIENTS_DOC_TEST): $(BUILD)/tests/unit/test_clients_doc.o $(DOC_HELLO).o \
		$(DOC_HELLO).dts $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BUILD)/libsdvf.a \
		$(HOST_LIBS) $(CMOCKA_LIBS)
-include $(CLIENTS_DOC_TEST).d $(DOC_HELLO).d

# --- the transport stress test under ThreadSanitizer (stress_queue_tsan):
# tests/unit/stress_queue.c with the producer as a second thread
# (-DSTRESS_THREADS), so TSan sees both sides of the queue.  Always built
# with -fsanitize=thread (in build-san/ too: TSan cannot share a program
# with ASan); gcc's -Wtsan note on atomic_thread_fence is silenced: the
# fences order only the signal handshake, which TSan does not check ---
STRESS_TSAN := $(BUILD)/tests/unit/stress_queue_tsan
UNIT_TESTS += $(STRESS_TSAN)
$(STRESS_TSAN): tests/unit/stress_queue.c core/queue.h
	$(CC) $(CFLAGS_BASE) -O1 -fsanitize=thread -Wno-tsan -DSTRESS_THREADS \
		-MMD -MP -MF $@.d $< -o $@ $(CMOCKA_LIBS) -lpthread
-include $(STRESS_TSAN).d
# Cross-built, not run under qemu-user: TSan re-executes itself with ASLR
# off, which qemu-user refuses ("execve failed").
CROSS_QEMU_SKIP += tests/unit/stress_queue_tsan

# --- silicon hazards of the ENET model and the driver's fixes
# (test_enet_hazards): driver + model + the ENET fixture, its system
# written by the test ---
ENET_HAZARDS_TEST := $(BUILD)/tests/unit/test_enet_hazards
UNIT_TESTS += $(ENET_HAZARDS_TEST)
$(ENET_HAZARDS_TEST): $(BUILD)/tests/unit/test_enet_hazards.o \
		$(ENET_FIXTURE_OBJS) $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BUILD)/libsdvf.a \
		$(HOST_LIBS) $(CMOCKA_LIBS)
-include $(ENET_HAZARDS_TEST:=.d)
