# mux/: the RX and TX muxes between the driver and the clients.
PORTABLE_SRCS += mux/rx_mux.c
COMPONENTS += rx_mux
