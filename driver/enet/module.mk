# driver/enet/: the portable i.MX ENET driver (a component: PD API only).
# The hardware model is in model/, its wire backends in wire/.
PORTABLE_SRCS += driver/enet/enet_driver.c driver/enet/enet_driver_rings.c \
	driver/enet/enet_driver_phy.c driver/enet/enet_driver_coalesce.c \
	driver/enet/enet_driver_reset.c
COMPONENTS += enet_driver
