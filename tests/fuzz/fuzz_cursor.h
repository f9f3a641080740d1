/*
 * fuzz_cursor.h: a fuzz input read as a stream of little-endian numbers,
 * as the harnesses that decode operations from bytes read it (fuzz_queue,
 * fuzz_rx_mux, fuzz_tx_mux, fuzz_virtio).  Header-only.  Past the end of
 * the input every number reads as zero (the missing bytes), so a harness
 * needs no length check per field.
 */
#ifndef SDVF_FUZZ_CURSOR_H
#define SDVF_FUZZ_CURSOR_H

#include <stddef.h>
#include <stdint.h>

struct cursor {
	const uint8_t *p;
	size_t left;
};

/* The next `bytes` (1..4) bytes as a little-endian number. */
static inline uint32_t take(struct cursor *c, unsigned bytes)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < bytes && c->left; i++, c->left--)
		v |= (uint32_t)*c->p++ << (8 * i);
	return v;
}

#endif
