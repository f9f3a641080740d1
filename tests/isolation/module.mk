# tests/isolation/: hostile components and the scripts that prove the hosted
# runtime contains them.  sdvf-hostile is `sdvf` with the hostile components
# added to the component table (tests/isolation/hostile.c and, for the
# confinement tests, hostile_confine.c; for the queue peers that lie about
# their indices, hostile_queue.c; for the reader of the stats file granted
# read-only, hostile_stats.c; for the net client that attacks the muxes,
# hostile_net.c).
HOSTILE := $(BUILD)/tests/isolation/sdvf-hostile
HOSTILE_OBJS := $(BUILD)/tests/isolation/hostile.o \
	$(BUILD)/tests/isolation/hostile_confine.o \
	$(BUILD)/tests/isolation/hostile_queue.o \
	$(BUILD)/tests/isolation/hostile_stats.o \
	$(BUILD)/tests/isolation/hostile_net.o
PROGRAMS += $(HOSTILE)

$(HOSTILE): $(HOSTILE_OBJS) $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $(HOSTILE_OBJS) $(BUILD)/libsdvf.a $(HOST_LIBS)

-include $(HOSTILE_OBJS:.o=.d)

TEST_SCRIPTS += $(sort $(wildcard tests/isolation/test_*.sh))

# The stats file (core/hosted/stats.c), as a cmocka specification.
STATS_FILE_TEST := $(BUILD)/tests/isolation/test_stats_file
UNIT_TESTS += $(STATS_FILE_TEST)

$(STATS_FILE_TEST): $(BUILD)/tests/isolation/test_stats_file.o \
		$(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libsdvf.a $(HOST_LIBS) $(CMOCKA_LIBS)

-include $(BUILD)/tests/isolation/test_stats_file.d

# sdvf-counter-probe: `sdvf` plus a component that registers counters and
# crashes on its first start (tests/isolation/test_counters_hosted.sh).
COUNTER_PROBE := $(BUILD)/tests/isolation/sdvf-counter-probe
PROGRAMS += $(COUNTER_PROBE)

$(COUNTER_PROBE): $(BUILD)/tests/isolation/counter_probe.o $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libsdvf.a $(HOST_LIBS)

-include $(BUILD)/tests/isolation/counter_probe.d

# The client table of `sdvf stats` (core/hosted/stats_net.c) and its
# --client and --interval views, as a cmocka specification.
STATS_NET_TEST := $(BUILD)/tests/isolation/test_stats_net
UNIT_TESTS += $(STATS_NET_TEST)

$(STATS_NET_TEST): $(BUILD)/tests/isolation/test_stats_net.o \
		$(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libsdvf.a $(HOST_LIBS) $(CMOCKA_LIBS)

-include $(BUILD)/tests/isolation/test_stats_net.d

# wire_blast: a bounded flood from outside the NIC, sent into the ENET
# model's tap (test_attack_table.sh, row wire_flood_ext).
WIRE_BLAST := $(BUILD)/tests/isolation/wire_blast
PROGRAMS += $(WIRE_BLAST)

$(WIRE_BLAST): $(BUILD)/tests/isolation/wire_blast.o
	$(CC) $(LDFLAGS) -o $@ $^

-include $(BUILD)/tests/isolation/wire_blast.d

# make isolation: the hostile-client table (tests/isolation/
# test_attack_table.sh, also in make test), written into docs/isolation.md
# between its markers, with the hostile guest's row (attack 11) made first
# in an L1 boot (tests/vm/vm_attack_guest.sh, also in make test).
ISOLATION_VM_ROW := $(BUILD)/tests/isolation/hostile_guest.row
.PHONY: isolation
isolation: $(HOSTILE) $(WIRE_BLAST)
	rm -f $(ISOLATION_VM_ROW)
	ATTACK_ROW_OUT=$(abspath $(ISOLATION_VM_ROW)) tests/vm/vm_attack_guest.sh
	BUILD=$(BUILD) ISOLATION_DOC=docs/isolation.md \
		ATTACK_ROWS_EXTRA=$(ISOLATION_VM_ROW) \
		tests/isolation/test_attack_table.sh
