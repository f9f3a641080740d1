# virt/: the portable virtio layer (docs/virtio.md): split virtqueues, the
# virtio-mmio transport and the virtio-net device.  Freestanding: the VMM
# (vmm/) connects it to guest memory, the vCPU's MMIO exits and net_client.
PORTABLE_SRCS += virt/virtq.c virt/virtio_mmio.c virt/virtio_net.c
