/* guest_vdrv: the driver side of the device (guest_vdrv.h). */
#define _GNU_SOURCE
#include "tests/vm/guest_vdrv.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

struct gdrv g;

/* ---- registers -------------------------------------------------------- */

/* Each access one plain load or store (no writeback addressing), so KVM
 * gets a syndrome it can emulate; `dsb st` first, as Linux's writel: ring
 * writes reach memory before the device hears of them. */
uint32_t rd(uint32_t off)
{
	uint32_t v;
	__asm__ volatile("ldr %w0, [%1]"
			 : "=r"(v)
			 : "r"(g.mmio + off)
			 : "memory");
	return v;
}

void wr(uint32_t off, uint32_t v)
{
	__asm__ volatile("dsb st\n\tstr %w0, [%1]"
			 :
			 : "r"(v), "r"(g.mmio + off)
			 : "memory");
}

uint8_t rd8(volatile uint8_t *p)
{
	uint32_t v;
	__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(p) : "memory");
	return (uint8_t)v;
}

void wr8(uint32_t off, uint8_t v)
{
	__asm__ volatile("strb %w0, [%1]"
			 :
			 : "r"((uint32_t)v), "r"(g.mmio + off)
			 : "memory");
}

uint16_t rd16(uint32_t off)
{
	uint32_t v;
	__asm__ volatile("ldrh %w0, [%1]"
			 : "=r"(v)
			 : "r"(g.mmio + off)
			 : "memory");
	return (uint16_t)v;
}

void wr_64bit(uint32_t off, uint64_t v)
{
	__asm__ volatile("str %x0, [%1]"
			 :
			 : "r"(v), "r"(g.mmio + off)
			 : "memory");
}

uint32_t rd_nodev(void)
{
	uint32_t v;
	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(g.nodev) : "memory");
	return v;
}

void wr64(uint32_t off, uint32_t v)
{
	wr(off, v);
	wr(off + 4, 0);
}

/* ---- memory the guest owns ------------------------------------------- */

int map_pages(void)
{
	int fd = open("/proc/sys/vm/compact_unevictable_allowed", O_WRONLY);
	if (fd >= 0) { /* locked pages stay where pagemap saw them */
		if (write(fd, "0", 1) < 0)
			perror("guest_hostile: compact_unevictable_allowed");
		close(fd);
	}
	uint8_t *va = mmap(
		NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED, -1, 0);
	int pm = open("/proc/self/pagemap", O_RDONLY);
	if (va == MAP_FAILED || pm < 0) {
		perror("guest_hostile: pages");
		return -1;
	}
	for (unsigned i = 0; i < NPAGES; i++) {
		uint64_t e = 0;
		uintptr_t vpn = (uintptr_t)(va + i * PAGE) / PAGE;
		if (pread(pm, &e, 8, (off_t)(vpn * 8)) != 8 || !(e >> 63) ||
		    (e & ((1ull << 55) - 1)) == 0) {
			fprintf(stderr, "guest_hostile: no pfn for page %u\n",
				i);
			return -1;
		}
		g.page[i] = (struct page){va + i * PAGE,
					  (e & ((1ull << 55) - 1)) * PAGE};
	}
	close(pm);
	return 0;
}

struct page take_page(void)
{
	return g.page[g.next_page++];
}

int find_ram_end(void)
{
	FILE *f = fopen("/proc/iomem", "r");
	char line[256];
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long lo, hi;
		if (line[0] != ' ' && strstr(line, "System RAM") &&
		    sscanf(line, "%llx-%llx", &lo, &hi) == 2 &&
		    hi + 1 > g.ram_end)
			g.ram_end = hi + 1;
	}
	if (f)
		fclose(f);
	return g.ram_end ? 0 : -1;
}

int map_mmio(void)
{
	int fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		perror("guest_hostile: /dev/mem");
		return -1;
	}
	g.mmio = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		      MMIO_BASE);
	if (g.mmio == MAP_FAILED) {
		perror("guest_hostile: mmap virtio-mmio");
		return -1;
	}
	g.nodev = g.mmio + (NO_DEVICE - MMIO_BASE);
	return 0;
}

/* ---- the driver's side of a split virtqueue ---------------------------- */

void set_desc(struct vq *q, unsigned i, uint64_t addr, uint32_t len,
	      uint16_t flags, uint16_t next)
{
	uint8_t *d = q->desc.va + 16u * i;
	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

void set_avail_idx(struct vq *q, uint16_t idx)
{
	q->avail_idx = idx;
	/* Release: the ring entries before the index the device acquires. */
	__atomic_store_n((uint16_t *)(q->avail.va + 2), idx, __ATOMIC_RELEASE);
}

void post(struct vq *q, uint16_t head)
{
	memcpy(q->avail.va + 4 + 2u * (q->avail_idx % q->num), &head, 2);
	set_avail_idx(q, (uint16_t)(q->avail_idx + 1));
}

uint16_t used_idx(const struct vq *q)
{
	return __atomic_load_n((uint16_t *)(q->used.va + 2), __ATOMIC_ACQUIRE);
}

void used_entry(const struct vq *q, uint16_t k, uint32_t *id, uint32_t *len)
{
	const uint8_t *e = q->used.va + 4 + 8u * (k % q->num);
	memcpy(id, e, 4);
	memcpy(len, e + 4, 4);
}

void notify(unsigned q)
{
	wr(QUEUE_NOTIFY, q);
}

void sleep_ms(unsigned ms)
{
	struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

void queue_setup(struct vq *q, uint16_t num)
{
	memset(q->desc.va, 0, PAGE);
	memset(q->avail.va, 0, PAGE);
	memset(q->used.va, 0, PAGE);
	q->num = num;
	q->avail_idx = q->used_seen = 0;
	wr(QUEUE_SEL, q->index);
	wr(QUEUE_NUM, num);
	wr64(QUEUE_DESC, (uint32_t)q->desc.pa);
	wr(QUEUE_DESC + 4, (uint32_t)(q->desc.pa >> 32));
	wr64(QUEUE_DRIVER, (uint32_t)q->avail.pa);
	wr(QUEUE_DRIVER + 4, (uint32_t)(q->avail.pa >> 32));
	wr64(QUEUE_DEVICE, (uint32_t)q->used.pa);
	wr(QUEUE_DEVICE + 4, (uint32_t)(q->used.pa >> 32));
	wr(QUEUE_READY, 1);
}

void set_features(uint64_t f)
{
	wr(DRV_FEAT_SEL, 0);
	wr(DRV_FEAT, (uint32_t)f);
	wr(DRV_FEAT_SEL, 1);
	wr(DRV_FEAT, (uint32_t)(f >> 32));
}

/* Reset, negotiate `features`, both queues of `rx_num` / 8 entries,
 * DRIVER_OK.  The well-formed bring-up: no register access is refused. */
bool dev_up(uint64_t features, uint16_t rx_num)
{
	wr(STATUS, 0);
	wr(STATUS, S_ACK);
	wr(STATUS, S_ACK | S_DRIVER);
	set_features(features);
	wr(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	if (!(rd(STATUS) & S_FEATURES_OK))
		return false;
	queue_setup(&g.rx, rx_num);
	queue_setup(&g.tx, 8);
	wr(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	return rd(STATUS) == (S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

/* ---- frames ----------------------------------------------------------- */

void put16be(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An ARP who-has L1_IP from us, after a zero virtio-net header: the
 * bytes (header + 60) at p. */
uint32_t arp_request(uint8_t *p)
{
	memset(p, 0, HDR + 60);
	uint8_t *e = p + HDR;
	memset(e, 0xff, 6);
	memcpy(e + 6, g.mac, 6);
	put16be(e + 12, 0x0806);
	put16be(e + 14, 1);	 /* Ethernet */
	put16be(e + 16, 0x0800); /* IPv4 */
	e[18] = 6;
	e[19] = 4;
	put16be(e + 20, 1); /* request */
	memcpy(e + 22, g.mac, 6);
	memcpy(e + 28, &g.ip, 4);
	memcpy(e + 38, &g.l1_ip, 4);
	return HDR + 60;
}

bool is_arp_reply(const uint8_t *e, uint32_t len)
{
	return len >= 42 && e[12] == 0x08 && e[13] == 0x06 && e[20] == 0 &&
	       e[21] == 2 && memcmp(e + 28, &g.l1_ip, 4) == 0;
}

/* TX descriptor 7 is the well-formed one the attacks keep free. */
void send_arp(void)
{
	uint32_t len = arp_request(g.txbuf[3].va);
	set_desc(&g.tx, 7, g.txbuf[3].pa, len, 0, 0);
	post(&g.tx, 7);
	notify(TXQ);
}

/* The well-formed transfer: 4 RX buffers, an ARP request, its reply. */
bool transfer(void)
{
	for (unsigned k = 0; k < 4; k++) {
		set_desc(&g.rx, k, g.rxbuf[k].pa, 2048, D_WRITE, 0);
		post(&g.rx, (uint16_t)k);
	}
	notify(RXQ);
	for (unsigned attempt = 0; attempt < 5; attempt++) {
		send_arp();
		for (unsigned t = 0; t < 1000; t++) {
			while (g.rx.used_seen != used_idx(&g.rx)) {
				uint32_t id, len;
				used_entry(&g.rx, g.rx.used_seen++, &id, &len);
				if (id < 4 && len > HDR &&
				    is_arp_reply(g.rxbuf[id].va + HDR,
						 len - HDR)) {
					memcpy(g.l1_mac,
					       g.rxbuf[id].va + HDR + 22, 6);
					return true;
				}
				if (id < 4) { /* something else: re-post */
					post(&g.rx, (uint16_t)id);
					notify(RXQ);
				}
			}
			sleep_ms(1);
		}
	}
	return false;
}
