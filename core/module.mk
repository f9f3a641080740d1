# core/: what a component may include, all portable: the PD API (pd.h), the
# transport (queue.h, pd_queue.h), the ownership map and the driver <-> mux
# <-> client contract (net.h).  The host side lives in the folders beneath:
# sysdesc/ (loader and registry), sim/, hosted/, cli/.
PORTABLE_SRCS += core/ownership.c core/stats_file.c core/stats_clients.c
