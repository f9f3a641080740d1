# core/cli/: the sdvf command (sdvf.c: main), its dispatcher (cli.c) and
# one file per command.
HOST_SRCS += core/cli/cli.c core/cli/cli_run.c core/cli/cli_check.c \
	core/cli/cli_dump.c core/cli/cli_stats.c

PROGRAMS += $(BUILD)/sdvf
$(BUILD)/sdvf: $(BUILD)/core/cli/sdvf.o $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libsdvf.a $(HOST_LIBS)
-include $(BUILD)/core/cli/sdvf.d
