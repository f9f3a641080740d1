# core/: transport, ownership map, PD runtimes, system descriptions, CLI.
PORTABLE_SRCS += core/ownership.c
HOST_SRCS += core/components.c
HOST_SRCS += core/sim.c
