/*
 * The test pattern queue_source writes and queue_sink checks: the first 8
 * bytes of a buffer hold its sequence number (little-endian), every later
 * byte j holds (seq + j) mod 256.  So a buffer delivered twice, out of
 * order, truncated or altered after sending is detected.
 *
 * Portable: freestanding C11.
 */
#ifndef SDVF_QUEUE_PATTERN_H
#define SDVF_QUEUE_PATTERN_H

#include <stdbool.h>
#include <stdint.h>

#define QUEUE_PATTERN_MIN_LEN 8u

/* Buffer lengths of a stream, which queue_source writes and queue_sink
 * accepts: room for the sequence number at least, a whole buffer at most. */
#define QUEUE_STREAM_MIN_LEN 14u
_Static_assert(QUEUE_STREAM_MIN_LEN >= QUEUE_PATTERN_MIN_LEN,
	       "a stream buffer holds its sequence number");

static inline void queue_pattern_fill(uint8_t *buf, uint32_t len, uint64_t seq)
{
	for (uint32_t i = 0; i < 8; i++)
		buf[i] = (uint8_t)(seq >> (8 * i));
	for (uint32_t j = 8; j < len; j++)
		buf[j] = (uint8_t)(seq + j);
}

static inline uint64_t queue_pattern_seq(const volatile uint8_t *buf)
{
	uint64_t seq = 0;
	for (uint32_t i = 0; i < 8; i++)
		seq |= (uint64_t)buf[i] << (8 * i);
	return seq;
}

/* True if bytes 8..len-1 match the pattern of `seq`. */
static inline bool queue_pattern_body_ok(const volatile uint8_t *buf,
					 uint32_t len, uint64_t seq)
{
	for (uint32_t j = 8; j < len; j++) {
		if (buf[j] != (uint8_t)(seq + j))
			return false;
	}
	return true;
}

#endif
