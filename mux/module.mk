# mux/: the RX and TX muxes.
PORTABLE_SRCS += mux/tx_mux.c
COMPONENTS += tx_mux
