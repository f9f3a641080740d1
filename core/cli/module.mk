# core/cli/: the sdvf command (sdvf.c: main) and its commands.
HOST_SRCS += core/cli/cli.c

PROGRAMS += $(BUILD)/sdvf
$(BUILD)/sdvf: $(BUILD)/core/cli/sdvf.o $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libsdvf.a $(HOST_LIBS)
-include $(BUILD)/core/cli/sdvf.d
