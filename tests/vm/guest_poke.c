/* guest_poke: runs inside the nested guest (guest.cpio, /bin/guest_poke)
 * and does what a hostile guest program may: an `ldp` (a load pair, which
 * gives KVM no syndrome to emulate) from 0x0c000000, where the VMM has no
 * device. The VMM must count it and answer with an external data abort,
 * which the guest's kernel turns into SIGBUS here; the VMM keeps running.
 * Needs /dev/mem (the guest boots with iomem=relaxed). aarch64 only.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#define NO_DEVICE 0x0c000000

int main(void)
{
	int fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		perror("guest_poke: /dev/mem");
		return 1;
	}
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       NO_DEVICE);
	if (p == MAP_FAILED) {
		perror("guest_poke: mmap");
		return 1;
	}
	printf("guest_poke: ldp from 0x%x\n", NO_DEVICE);
	fflush(stdout);
	uint64_t a, b;
	__asm__ volatile("ldp %0, %1, [%2]"
			 : "=r"(a), "=r"(b)
			 : "r"(p)
			 : "memory");
	printf("guest_poke: ldp returned 0x%llx 0x%llx (no abort)\n",
	       (unsigned long long)a, (unsigned long long)b);
	return 0;
}
