# vmm/: the KVM VMM for arm64 (docs/vmm.md).
#
# The image layout, DTB and PL011 model are portable host code (built and
# unit-tested everywhere: tests/unit/test_vmm.c); the KVM part and the
# sdvf-vmm program exist only when the compiler targets aarch64 (`make
# image-aarch64` builds them with the cross toolchain).
HOST_SRCS += vmm/vmm_image.c vmm/vmm_fdt.c vmm/vmm_uart.c vmm/vmm_tap.c
# The `vmm` component (vmm_pd.h): declared everywhere, so a system with a VM
# is checked and dumped on any host; it runs a guest only on aarch64
# (vmm_pd_kvm.c), elsewhere its init refuses.  vmm_client: the virtio-net
# backend over net_client, portable.
PORTABLE_SRCS += vmm/vmm_client.c
HOST_SRCS += vmm/vmm_pd.c
COMPONENTS += vmm

ifneq ($(filter aarch64-%,$(shell $(CC) -dumpmachine 2>/dev/null)),)
HOST_SRCS += vmm/vmm_pd_kvm.c vmm/vmm_kvm.c vmm/vmm_net.c
HOST_LIBS += -pthread
PROGRAMS += $(BUILD)/vmm/sdvf-vmm
# Only libfdt: HOST_LIBS has lwIP, which has no static library to link.
$(BUILD)/vmm/sdvf-vmm: $(BUILD)/vmm/sdvf_vmm.o $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -pthread -o $@ $^ -lfdt
-include $(BUILD)/vmm/sdvf_vmm.d
endif
