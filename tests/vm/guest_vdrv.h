/* guest_vdrv: the driver side of a virtio-net device on virtio-mmio, for
 * a guest program that drives it itself through /dev/mem (guest_hostile.c):
 * register accessors, rings and buffers in locked pages of its own (their
 * physical addresses from /proc/self/pagemap), a well-formed bring-up and a
 * well-formed transfer (an ARP request to L1 and its reply).  No virtio
 * driver may be bound to the device.  aarch64 only.
 */
#ifndef SDVF_TESTS_VM_GUEST_VDRV_H
#define SDVF_TESTS_VM_GUEST_VDRV_H

#include <stdbool.h>
#include <stdint.h>

#define MMIO_BASE 0x0a000000ul
#define NO_DEVICE (MMIO_BASE + 0x400u) /* device 2's window: none */
#define PAGE 4096u
#define NPAGES 48u

/* virtio-mmio registers and bits (virtio 1.2, 4.2.2). */
enum {
	MAGIC = 0x000,
	DEV_FEAT = 0x010,
	DEV_FEAT_SEL = 0x014,
	DRV_FEAT = 0x020,
	DRV_FEAT_SEL = 0x024,
	QUEUE_SEL = 0x030,
	QUEUE_NUM_MAX = 0x034,
	QUEUE_NUM = 0x038,
	QUEUE_READY = 0x044,
	QUEUE_NOTIFY = 0x050,
	INT_ACK = 0x064,
	STATUS = 0x070,
	QUEUE_DESC = 0x080,
	QUEUE_DRIVER = 0x090,
	QUEUE_DEVICE = 0x0a0,
	UNKNOWN_REG = 0x0f0,
	CONFIG = 0x100,
};
#define S_ACK 1u
#define S_DRIVER 2u
#define S_DRIVER_OK 4u
#define S_FEATURES_OK 8u
#define S_NEEDS_RESET 64u
#define F_MAC (1ull << 5)
#define F_MRG_RXBUF (1ull << 15)
#define F_INDIRECT (1ull << 28)
#define F_VERSION_1 (1ull << 32)
#define D_NEXT 1u
#define D_WRITE 2u
#define D_INDIRECT 4u
#define HDR 12u /* virtio_net_hdr with num_buffers */
#define RXQ 0u
#define TXQ 1u

struct page {
	uint8_t *va;
	uint64_t pa;
};

struct vq {
	unsigned index;
	uint16_t num, avail_idx, used_seen;
	struct page desc, avail, used;
};

/* The program's one driver instance (written by this process only). */
struct gdrv {
	volatile uint8_t *mmio;	 /* the device's register window */
	volatile uint8_t *nodev; /* a window where no device is */
	struct page page[NPAGES];
	unsigned next_page;
	struct vq rx, tx;
	struct page rxbuf[4], txbuf[4], spare[4];
	uint64_t ram_end; /* guest-physical end of RAM (/proc/iomem) */
	uint8_t mac[6], l1_mac[6];
	uint32_t ip, l1_ip; /* network order */
	uint16_t port;
};

extern struct gdrv g;

/* Registers: one aligned access each, of the width named (wr: `dsb st`
 * first, so ring writes are visible before the device hears of them). */
uint32_t rd(uint32_t off);
void wr(uint32_t off, uint32_t v);
void wr64(uint32_t off, uint32_t v); /* a low/high register pair */
uint8_t rd8(volatile uint8_t *p);
void wr8(uint32_t off, uint8_t v);
uint16_t rd16(uint32_t off);
void wr_64bit(uint32_t off, uint64_t v);
uint32_t rd_nodev(void);

/* Setup, each 0 or -1 with a reason on stderr. */
int map_mmio(void);
int map_pages(void); /* NPAGES locked pages with their addresses */
int find_ram_end(void);
struct page take_page(void);

/* Split virtqueues, the driver's side. */
void set_desc(struct vq *q, unsigned i, uint64_t addr, uint32_t len,
	      uint16_t flags, uint16_t next);
void set_avail_idx(struct vq *q, uint16_t idx); /* release-store */
void post(struct vq *q, uint16_t head);
uint16_t used_idx(const struct vq *q); /* load-acquire */
void used_entry(const struct vq *q, uint16_t k, uint32_t *id, uint32_t *len);
void notify(unsigned q);
void queue_setup(struct vq *q, uint16_t num);
void set_features(uint64_t f);
/* Reset, negotiate, rx_num / 8-entry queues, DRIVER_OK: true if live. */
bool dev_up(uint64_t features, uint16_t rx_num);

/* Frames: an ARP request (after a zero header) and its reply. */
void put16be(uint8_t *p, uint16_t v);
uint32_t arp_request(uint8_t *p);
bool is_arp_reply(const uint8_t *e, uint32_t len);
void send_arp(void); /* on TX descriptor 7, which attacks leave alone */
/* The well-formed transfer: true once L1's ARP reply came back (its MAC
 * in g.l1_mac). */
bool transfer(void);

void sleep_ms(unsigned ms);

#endif
