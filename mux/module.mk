# mux/: the RX and TX muxes.
PORTABLE_SRCS += mux/tx_mux.c mux/tx_mux_init.c
COMPONENTS += tx_mux
