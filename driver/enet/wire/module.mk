# driver/enet/wire/: wire backends, the ENET model's cable (host code).
WIRE_SRCS := driver/enet/wire/wire.c driver/enet/wire/wire_tap.c \
	driver/enet/wire/wire_udp.c driver/enet/wire/wire_loop.c \
	driver/enet/wire/wire_gen.c driver/enet/wire/wire_pcap.c
HOST_SRCS += $(WIRE_SRCS)
WIRE_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(WIRE_SRCS))
