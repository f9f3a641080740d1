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
