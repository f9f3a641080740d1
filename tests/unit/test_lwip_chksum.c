/*
 * lwIP's checksum routine as sdvf replaces it (clients/lwip_netif.c): the
 * same sum as RFC 1071's, computed here a byte pair at a time, at every
 * length and alignment; and the one liblwip's own checksums call.
 */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lwip/inet_chksum.h"

#include "clients/lwip_netif.h"

#define MAX_LEN 2000
#define MAX_SHIFT 8

/* RFC 1071, one pair of bytes at a time: each pair is a 16-bit word in
 * network order (first byte high), an odd last byte padded with zero;
 * the carries folded back in.  Network order, while lwIP's routine
 * answers in memory order: the caller compares the two through a load. */
static uint16_t rfc1071_sum(const uint8_t *p, int len)
{
	uint32_t sum = 0;
	for (int i = 0; i < len; i += 2) {
		uint32_t word = (uint32_t)p[i] << 8;
		if (i + 1 < len)
			word |= p[i + 1];
		sum += word;
		sum = (sum & 0xffffu) + (sum >> 16);
	}
	return (uint16_t)sum;
}

/* A network-order value as lwIP keeps it: its two bytes in memory. */
static uint16_t as_stored(uint16_t network_order)
{
	const uint8_t bytes[2] = {(uint8_t)(network_order >> 8),
				  (uint8_t)network_order};
	uint16_t v;
	memcpy(&v, bytes, sizeof(v));
	return v;
}

static void check_every_length_and_shift(const uint8_t *buf)
{
	for (int shift = 0; shift < MAX_SHIFT; shift++)
		for (int len = 0; len <= MAX_LEN; len++) {
			uint16_t want =
				as_stored(rfc1071_sum(buf + shift, len));
			uint16_t got = lwip_standard_chksum(buf + shift, len);
			if (got != want)
				fail_msg("shift %d, length %d: 0x%04x, want "
					 "0x%04x",
					 shift, len, got, want);
		}
}

static void checksum_is_rfc1071s_at_every_length_and_alignment(void **state)
{
	(void)state;
	static uint8_t buf[MAX_LEN + MAX_SHIFT];
	srand(1071);
	for (int round = 0; round < 4; round++) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)rand();
		check_every_length_and_shift(buf);
	}
}

/* All ones: every word 0xffff, so each partial sum carries out; the
 * folds must still end at 0xffff, not 0. */
static void checksum_of_all_ones_carries_to_0xffff(void **state)
{
	(void)state;
	static uint8_t buf[MAX_LEN + MAX_SHIFT];
	memset(buf, 0xff, sizeof(buf));
	check_every_length_and_shift(buf);
	assert_int_equal(lwip_standard_chksum(buf, 1480), 0xffff);
	assert_int_equal(lwip_standard_chksum(buf, 0), 0);
}

/* liblwip calls lwip_standard_chksum through its PLT: the definition the
 * dynamic linker finds first is the one it calls, and that is ours. */
static void liblwip_resolves_the_checksum_to_ours(void **state)
{
	(void)state;
	void *found = dlsym(RTLD_DEFAULT, "lwip_standard_chksum");
	assert_ptr_equal(found, (void *)lwip_standard_chksum);
	/* and the library's inet_chksum, built on it, agrees with RFC 1071 */
	static const uint8_t ip_header[20] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	assert_int_equal(inet_chksum(ip_header, sizeof(ip_header)),
			 as_stored((uint16_t)~rfc1071_sum(ip_header, 20)));
	assert_int_equal(inet_chksum(ip_header, sizeof(ip_header)),
			 as_stored(0xb861));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			checksum_is_rfc1071s_at_every_length_and_alignment),
		cmocka_unit_test(checksum_of_all_ones_carries_to_0xffff),
		cmocka_unit_test(liblwip_resolves_the_checksum_to_ours),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
