# driver/enet/uio/: a real ENET through Linux UIO (host code, a
# device-role PD: its interrupt line; docs/enet.md, "Hardware validation:
# QEMU i.MX7").
HOST_SRCS += driver/enet/uio/enet_uio.c
COMPONENTS += enet_uio
