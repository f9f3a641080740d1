# driver/enet/model/: the ENET device model, the hardware of hosted and sim
# systems (host code: a device-role PD that drives a wire backend).
ENET_MODEL_SRCS := driver/enet/model/enet_model.c \
	driver/enet/model/enet_model_dma.c driver/enet/model/enet_model_phy.c \
	driver/enet/model/enet_model_fault.c driver/enet/model/enet_model_irq.c \
	driver/enet/model/enet_model_personality.c \
	driver/enet/model/enet_model_line.c \
	driver/enet/model/enet_model_hazard.c
HOST_SRCS += $(ENET_MODEL_SRCS)
COMPONENTS += enet_model
