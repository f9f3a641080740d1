/*
 * Device-side bugs a hostile guest found (tests/vm/guest_hostile.c,
 * docs/vmm.md "Hostile guests"): each test fails without its fix.
 * Fixture: tests/unit/virtio_net_fixture.h (16-entry queues).
 */
#include "tests/unit/virtio_net_fixture.h"

/* A merged RX frame must never take more chains than the queue holds: the
 * used ring has num slots, and the device's scratch (rx_heads, rx_lens)
 * VIRTQ_NUM_MAX.  The guest cannot post more than num chains at once, but
 * it can point a buffer at its own avail idx: the frame's bytes the device
 * copies there advance the idx, so pending stays in range while the device
 * pops on.  Here chain 0 holds the header and every other chain is the
 * two bytes of avail idx; the frame is written so that after pop m avail
 * idx reads m + 16 (15 ahead).  Without the bound the device popped ~580
 * chains for one 1514-byte frame, wrote past rx_heads and rx_lens, and
 * pushed ~580 used entries into a 16-entry ring. */
static void rx_merged_frame_never_takes_more_chains_than_the_queue(void **st)
{
	struct fix *f = up(st, BASE | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF));
	uint64_t avail_idx_gpa = f->rx.avail + 2;
	gvq_set_desc(&f->rx, 0, RX_AREA, VIRTIO_NET_HDR_LEN, VIRTQ_DESC_F_WRITE,
		     0);
	gvq_set_desc(&f->rx, 1, avail_idx_gpa, 2, VIRTQ_DESC_F_WRITE, 0);
	for (unsigned slot = 0; slot < 16; slot++)
		gvq_avail_put(&f->rx, slot == 0 ? 0 : 1);

	enum { FRAME = 1514, TOTAL = VIRTIO_NET_HDR_LEN + FRAME };
	be_queue_frame(&f->be, FRAME, 0);
	uint8_t *frame = f->be.rx_buf[0];
	uint32_t at = 0; /* offset in header ++ frame */
	for (unsigned m = 0; at < TOTAL; m++) {
		bool header_chain = m % 16 == 0;
		if (!header_chain && at + 1 < TOTAL) {
			frame[at - VIRTIO_NET_HDR_LEN] = (uint8_t)(m + 16);
			frame[at + 1 - VIRTIO_NET_HDR_LEN] =
				(uint8_t)((m + 16) >> 8);
		}
		at += header_chain ? VIRTIO_NET_HDR_LEN : 2;
	}

	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->n.count.rx_frames, 0);
	assert_int_equal(f->n.count.rx_too_small, 1);
	assert_int_equal(gvq_used_idx(&f->rx), 0);
	assert_int_equal(f->n.nheld, 0);
	assert_int_equal(be_rx_lent(&f->be), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(rx_merged_frame_never_takes_more_chains_than_the_queue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
