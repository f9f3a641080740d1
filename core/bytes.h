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

/* Each 32-bit half of v, added: under 2^33, so a 64-bit accumulator takes
 * 2^31 of them before it could overflow. */
static inline uint64_t sdvf_sum_halves(uint64_t v)
{
	return (v & 0xffffffffu) + (v >> 32);
}

/* A 16-bit network-order value as its two bytes load from memory on this
 * machine (a byte swap on a little-endian one), and back: the same swap. */
static inline uint16_t sdvf_net16_memory_order(uint16_t v)
{
	uint8_t b[2];
	sdvf_put_be16(b, v);
	uint16_t m;
	__builtin_memcpy(&m, b, sizeof(m));
	return m;
}

/* RFC 1071 one's-complement sum of n bytes (big-endian 16-bit words, an odd
 * last byte padded with zero) plus `sum` (a pseudo-header's partial sum, 0
 * for none), folded to 16 bits, not complemented, in network order.  Eight
 * bytes a step in four independent chains of plain loads: a one's
 * complement sum is a sum mod 0xffff, and 2^16 = 1 mod 0xffff, so wider
 * words and folding later give the same value; words summed in memory order
 * give the network-order sum byte-swapped, swapped back at the end. */
static inline uint16_t sdvf_inet_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	uint64_t chain[4] = {0, 0, 0, 0};
	for (; n >= 32; n -= 32, p += 32) {
		uint64_t w[4];
		__builtin_memcpy(w, p, sizeof(w));
		for (int i = 0; i < 4; i++)
			chain[i] += sdvf_sum_halves(w[i]);
	}
	uint64_t acc = chain[0] + chain[1] + chain[2] + chain[3];
	for (; n >= 8; n -= 8, p += 8) {
		uint64_t w;
		__builtin_memcpy(&w, p, sizeof(w));
		acc += sdvf_sum_halves(w);
	}
	for (; n >= 2; n -= 2, p += 2) {
		uint16_t w;
		__builtin_memcpy(&w, p, sizeof(w));
		acc += w;
	}
	if (n > 0) {
		const uint8_t last[2] = {p[0], 0};
		uint16_t w;
		__builtin_memcpy(&w, last, sizeof(w));
		acc += w;
	}
	sum = (sum & 0xffffu) + (sum >> 16);
	sum = (sum & 0xffffu) + (sum >> 16);
	acc += sdvf_net16_memory_order((uint16_t)sum);
	acc = sdvf_sum_halves(acc);
	acc = sdvf_sum_halves(acc);
	acc = (acc & 0xffffu) + (acc >> 16);
	acc = (acc & 0xffffu) + (acc >> 16);
	return sdvf_net16_memory_order((uint16_t)acc);
}

/* The Internet checksum: sdvf_inet_sum complemented.  A region that holds
 * its own correct checksum sums to 0. */
static inline uint16_t sdvf_inet_csum(const uint8_t *p, size_t n, uint32_t sum)
{
	return (uint16_t)~sdvf_inet_sum(p, n, sum);
}

#endif
