# vmm/: the KVM VMM for arm64 (docs/vmm.md).
#
# The image layout, DTB and PL011 model are portable host code (built and
# unit-tested everywhere: tests/unit/test_vmm.c); the KVM part and the
# sdvf-vmm program exist only when the compiler targets aarch64 (`make
# image-aarch64` builds them with the cross toolchain).
HOST_SRCS += vmm/vmm_image.c vmm/vmm_fdt.c vmm/vmm_uart.c vmm/vmm_tap.c

ifneq ($(filter aarch64-%,$(shell $(CC) -dumpmachine 2>/dev/null)),)
PROGRAMS += $(BUILD)/vmm/sdvf-vmm
# Only libfdt: HOST_LIBS has lwIP, which has no static library to link.
$(BUILD)/vmm/sdvf-vmm: $(BUILD)/vmm/sdvf_vmm.o $(BUILD)/vmm/vmm_kvm.o \
		$(BUILD)/vmm/vmm_net.o $(BUILD)/libsdvf.a
	$(CC) $(LDFLAGS) -pthread -o $@ $^ -lfdt
-include $(BUILD)/vmm/sdvf_vmm.d $(BUILD)/vmm/vmm_kvm.d $(BUILD)/vmm/vmm_net.d
endif
