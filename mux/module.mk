# mux/: the RX and TX muxes between the driver and the clients.
PORTABLE_SRCS += mux/rx_mux.c mux/rx_mux_init.c
PORTABLE_SRCS += mux/tx_mux.c mux/tx_mux_init.c mux/tx_mux_switch.c \
	mux/tx_mux_restart.c
COMPONENTS += rx_mux tx_mux
# The `sdvf,net` subsystem expander (host side: the loader runs it).
HOST_SRCS += mux/net_expand.c mux/net_expand_clients.c \
	mux/net_expand_write.c mux/net_expand_plan.c
EXPANDERS += net
