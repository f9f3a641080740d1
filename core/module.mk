# core/: transport, ownership map, PD runtimes, system descriptions, CLI.
PORTABLE_SRCS += core/ownership.c
HOST_SRCS += core/components.c
HOST_SRCS += core/sysdesc_load.c core/sysdesc_expand.c core/sysdesc_queue_pair.c \
	core/sysdesc_build.c core/sysdesc_check.c core/sysdesc_config.c \
	core/sysdesc_dump.c core/cli.c
HOST_SRCS += core/sim.c core/sim_inspect.c
HOST_SRCS += core/hosted_launch.c core/hosted_pd.c core/hosted_seccomp.c
HOST_SRCS += core/stats.c core/stats_print.c core/counters.c

# The sdvf command (core/sdvf.c -> core/cli.c).
PROGRAMS += $(BUILD)/sdvf
$(BUILD)/sdvf: $(BUILD)/core/sdvf.o $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libsdvf.a $(HOST_LIBS)
-include $(BUILD)/core/sdvf.d
