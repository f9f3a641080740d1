# clients/: native client components.
PORTABLE_SRCS += clients/queue_source.c clients/queue_sink.c
PORTABLE_SRCS += clients/raw_responder.c clients/net_client.c
COMPONENTS += queue_source queue_sink raw_responder
PORTABLE_SRCS += clients/reflector.c
COMPONENTS += reflector
PORTABLE_SRCS += clients/stats_json.c
