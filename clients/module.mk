# clients/: native client components.
PORTABLE_SRCS += clients/queue_source.c clients/queue_sink.c
PORTABLE_SRCS += clients/raw_responder.c clients/net_client.c
COMPONENTS += queue_source queue_sink raw_responder
PORTABLE_SRCS += clients/reflector.c
COMPONENTS += reflector
PORTABLE_SRCS += clients/stats_json.c
# The DHCP client's protocol (portable; lwip_netif is its glue).
PORTABLE_SRCS += clients/lwip_dhcp.c

# lwIP clients: host code (lwIP allocates with libc malloc), built against
# Debian's liblwip-dev with its own lwipopts.h (docs/clients.md).  A file
# that includes clients/lwip_netif.h adds its object to LWIP_OBJS.
LWIP_CFLAGS := $(shell pkg-config --cflags lwip)
HOST_LIBS += $(shell pkg-config --libs lwip)
HOST_SRCS += clients/lwip_netif.c clients/echo_client.c
COMPONENTS += echo
LWIP_OBJS += $(BUILD)/clients/lwip_netif.o $(BUILD)/clients/echo_client.o
# http_stats: /stats.json and / on port 80, from the stats grant.
HOST_SRCS += clients/http_stats.c
COMPONENTS += http_stats
LWIP_OBJS += $(BUILD)/clients/http_stats.o
$(LWIP_OBJS): CFLAGS += $(LWIP_CFLAGS)
# bench: the raw bench client (sink, source, reflect), no lwIP.
PORTABLE_SRCS += clients/bench_client.c
COMPONENTS += bench
