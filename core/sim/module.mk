# core/sim/: the sim runtime (every PD in one process, deterministic).
HOST_SRCS += core/sim/sim.c core/sim/sim_inspect.c
