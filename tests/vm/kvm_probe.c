/* kvm_probe: what the VMM needs from /dev/kvm, one line each.
 *
 * Run inside the aarch64 L1 image by tests/vm/image_boot.sh: opens /dev/kvm,
 * asks KVM_GET_API_VERSION (must be 12, the only stable API), checks the
 * capabilities the VMM relies on (irqfd, ioeventfd, PSCI 0.2 on arm64) and
 * creates a VM.  Prints "kvm_probe: ok api=12" and exits 0, or names the
 * first thing missing and exits 1.  Builds on any Linux; the arm64-only
 * capability is checked only there.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int check_cap(int kvm, int cap, const char *name)
{
	int r = ioctl(kvm, KVM_CHECK_EXTENSION, cap);
	if (r <= 0) {
		printf("kvm_probe: capability %s missing\n", name);
		return 0;
	}
	printf("kvm_probe: %s=%d\n", name, r);
	return 1;
}

int main(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		printf("kvm_probe: open /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	int api = ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		printf("kvm_probe: KVM_GET_API_VERSION %d, want %d\n", api,
		       KVM_API_VERSION);
		return 1;
	}
	int ok = check_cap(kvm, KVM_CAP_IRQFD, "irqfd");
	ok &= check_cap(kvm, KVM_CAP_IOEVENTFD, "ioeventfd");
#ifdef __aarch64__
	ok &= check_cap(kvm, KVM_CAP_ARM_PSCI_0_2, "psci_0_2");
#endif
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		printf("kvm_probe: KVM_CREATE_VM: %s\n", strerror(errno));
		return 1;
	}
	close(vm);
	close(kvm);
	if (!ok)
		return 1;
	printf("kvm_probe: ok api=%d\n", api);
	return 0;
}
