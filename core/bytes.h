/*
 * Byte helpers for portable code: network-order loads and stores, copy,
 * compare, string equality, the Internet checksum.  One copy here instead
 * of one per component.  Copy and compare go through the compiler
 * builtins, which a freestanding image resolves to core/freestanding.c.
 *
 * Portable: freestanding C11.
 */
#ifndef SDVF_BYTES_H
#define SDVF_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline uint16_t sdvf_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t sdvf_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline void sdvf_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void sdvf_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint16_t sdvf_get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t sdvf_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void sdvf_copy(void *dst, const void *src, size_t n)
{
	__builtin_memcpy(dst, src, n);
}

static inline bool sdvf_bytes_equal(const void *a, const void *b, size_t n)
{
	return __builtin_memcmp(a, b, n) == 0;
}

static inline bool sdvf_str_equal(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* RFC 1071 one's-complement sum of n bytes (big-endian 16-bit words, an odd
 * last byte padded with zero), folded and complemented; `sum` carries a
 * pseudo-header's partial sum (0 for none).  A region that holds its own
 * correct checksum sums to 0.  n <= 65535 and sum < 2^31 keep the 32-bit
 * accumulator from overflowing. */
static inline uint16_t sdvf_inet_csum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += sdvf_get_be16(p + i);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}

#endif
