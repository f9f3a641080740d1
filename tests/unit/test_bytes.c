/*
 * core/bytes.h: network-order and little-endian loads and stores, copy,
 * compare, string equality and the Internet checksum, each against exact
 * values worked out by hand (or taken from RFC 1071 and a captured IPv4
 * header).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/bytes.h"

/* ---- byte order ------------------------------------------------------- */

static void get_be16_reads_most_significant_byte_first(void **unused)
{
	(void)unused;
	static const uint8_t b[2] = {0x12, 0x34};
	assert_int_equal(sdvf_get_be16(b), 0x1234);
}

static void get_be16_keeps_a_high_bit_unsigned(void **unused)
{
	(void)unused;
	static const uint8_t b[2] = {0xff, 0xfe};
	assert_int_equal(sdvf_get_be16(b), 0xfffe);
}

static void get_be32_reads_most_significant_byte_first(void **unused)
{
	(void)unused;
	static const uint8_t b[4] = {0xde, 0xad, 0xbe, 0xef};
	assert_int_equal(sdvf_get_be32(b), 0xdeadbeefu);
}

static void put_be16_writes_most_significant_byte_first(void **unused)
{
	(void)unused;
	uint8_t b[3] = {0xaa, 0xaa, 0xaa};
	sdvf_put_be16(b, 0x0806);
	assert_int_equal(b[0], 0x08);
	assert_int_equal(b[1], 0x06);
	assert_int_equal(b[2], 0xaa); /* nothing past the two bytes */
}

static void put_be32_writes_most_significant_byte_first(void **unused)
{
	(void)unused;
	uint8_t b[5] = {0xaa, 0xaa, 0xaa, 0xaa, 0xaa};
	static const uint8_t want[5] = {0x0a, 0x63, 0x00, 0x02, 0xaa};
	sdvf_put_be32(b, 0x0a630002u);
	assert_memory_equal(b, want, sizeof(want));
}

static void get_le16_reads_least_significant_byte_first(void **unused)
{
	(void)unused;
	static const uint8_t b[2] = {0x34, 0x12};
	assert_int_equal(sdvf_get_le16(b), 0x1234);
}

static void get_le32_reads_least_significant_byte_first(void **unused)
{
	(void)unused;
	static const uint8_t b[4] = {0xef, 0xbe, 0xad, 0xde};
	assert_int_equal(sdvf_get_le32(b), 0xdeadbeefu);
}

static void be_loads_read_back_what_the_stores_wrote(void **unused)
{
	(void)unused;
	uint8_t b[4];
	sdvf_put_be16(b, 0x8001);
	assert_int_equal(sdvf_get_be16(b), 0x8001);
	sdvf_put_be32(b, 0x80000001u);
	assert_int_equal(sdvf_get_be32(b), 0x80000001u);
}

/* ---- copy and compare ------------------------------------------------- */

static void copy_moves_exactly_n_bytes(void **unused)
{
	(void)unused;
	static const uint8_t src[4] = {1, 2, 3, 4};
	uint8_t dst[5] = {9, 9, 9, 9, 9};
	static const uint8_t want[5] = {1, 2, 3, 9, 9};
	sdvf_copy(dst, src, 3);
	assert_memory_equal(dst, want, sizeof(want));
}

static void copy_of_zero_bytes_changes_nothing(void **unused)
{
	(void)unused;
	static const uint8_t src[1] = {1};
	uint8_t dst[1] = {9};
	sdvf_copy(dst, src, 0);
	assert_int_equal(dst[0], 9);
}

static void bytes_equal_is_true_for_identical_bytes(void **unused)
{
	(void)unused;
	static const uint8_t a[6] = {0x02, 0, 0, 0, 0xe7, 0x02};
	static const uint8_t b[6] = {0x02, 0, 0, 0, 0xe7, 0x02};
	assert_true(sdvf_bytes_equal(a, b, 6));
}

static void bytes_equal_is_false_when_the_last_byte_differs(void **unused)
{
	(void)unused;
	static const uint8_t a[6] = {0x02, 0, 0, 0, 0xe7, 0x02};
	static const uint8_t b[6] = {0x02, 0, 0, 0, 0xe7, 0x03};
	assert_false(sdvf_bytes_equal(a, b, 6));
	assert_true(sdvf_bytes_equal(a, b, 5)); /* only n bytes count */
}

static void bytes_equal_of_zero_bytes_is_true(void **unused)
{
	(void)unused;
	static const uint8_t a[1] = {1}, b[1] = {2};
	assert_true(sdvf_bytes_equal(a, b, 0));
}

/* ---- string equality -------------------------------------------------- */

static void str_equal_is_true_for_the_same_text(void **unused)
{
	(void)unused;
	char a[] = "rx_free", b[] = "rx_free"; /* distinct storage */
	assert_true(sdvf_str_equal(a, b));
}

static void str_equal_is_true_for_two_empty_strings(void **unused)
{
	(void)unused;
	assert_true(sdvf_str_equal("", ""));
}

static void str_equal_is_false_against_the_empty_string(void **unused)
{
	(void)unused;
	assert_false(sdvf_str_equal("rx", ""));
	assert_false(sdvf_str_equal("", "rx"));
}

static void str_equal_is_false_for_a_prefix_either_way(void **unused)
{
	(void)unused;
	assert_false(sdvf_str_equal("rx", "rx_free"));
	assert_false(sdvf_str_equal("rx_free", "rx"));
}

static void str_equal_is_false_for_a_difference_in_the_last_char(void **unused)
{
	(void)unused;
	assert_false(sdvf_str_equal("tx_free", "tx_freE"));
}

static void str_equal_is_case_sensitive(void **unused)
{
	(void)unused;
	assert_false(sdvf_str_equal("mac", "MAC"));
}

/* ---- Internet checksum ------------------------------------------------ */

static void csum_of_rfc1071_example_is_220d(void **unused)
{
	(void)unused;
	/* RFC 1071 section 3: the words sum to 0x2ddf0, which folds to
	 * 0xddf2; the checksum is its complement. */
	static const uint8_t b[8] = {0x00, 0x01, 0xf2, 0x03,
				     0xf4, 0xf5, 0xf6, 0xf7};
	assert_int_equal(sdvf_inet_csum(b, sizeof(b), 0), 0x220d);
}

/* A captured IPv4 header (192.168.0.1 -> 192.168.0.199, UDP, 115 bytes)
 * whose checksum field holds 0xb861. */
static const uint8_t ipv4_header[20] = {
	0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
};

static void csum_of_ipv4_header_with_zero_field_is_its_checksum(void **unused)
{
	(void)unused;
	uint8_t h[20];
	sdvf_copy(h, ipv4_header, sizeof(h));
	h[10] = h[11] = 0;
	assert_int_equal(sdvf_inet_csum(h, sizeof(h), 0), 0xb861);
}

static void csum_of_ipv4_header_with_its_checksum_is_zero(void **unused)
{
	(void)unused;
	assert_int_equal(sdvf_inet_csum(ipv4_header, sizeof(ipv4_header), 0),
			 0);
}

static void csum_pads_an_odd_last_byte_with_zero(void **unused)
{
	(void)unused;
	static const uint8_t one[1] = {0x01};
	static const uint8_t three[3] = {0x12, 0x34, 0x56};
	/* ~0x0100, and ~(0x1234 + 0x5600) */
	assert_int_equal(sdvf_inet_csum(one, 1, 0), 0xfeff);
	assert_int_equal(sdvf_inet_csum(three, 3, 0), 0x97cb);
}

static void csum_adds_the_pseudo_header_sum(void **unused)
{
	(void)unused;
	static const uint8_t b[2] = {0x12, 0x34};
	assert_int_equal(sdvf_inet_csum(b, 2, 0x0100), 0xeccb); /* ~0x1334 */
}

static void csum_folds_every_carry_back_in(void **unused)
{
	(void)unused;
	/* 0xffff + 0x0001 = 0x10000, folds to 0x0001. */
	static const uint8_t b[2] = {0x00, 0x01};
	assert_int_equal(sdvf_inet_csum(b, 2, 0xffff), 0xfffe);
	/* 0x1fffe folds to 0xffff, whose complement is 0. */
	static const uint8_t ff[4] = {0xff, 0xff, 0xff, 0xff};
	assert_int_equal(sdvf_inet_csum(ff, 4, 0), 0x0000);
}

/* RFC 1071 a byte pair at a time, each pair a big-endian word, the seed
 * folded in first: what sdvf_inet_sum's wide loads must equal. */
static uint16_t pair_at_a_time_sum(const uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t sum = (seed & 0xffffu) + (seed >> 16);
	for (size_t i = 0; i < n; i += 2) {
		sum += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0u);
		sum = (sum & 0xffffu) + (sum >> 16);
	}
	sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)sum;
}

/* Every length to 2000 bytes at 8 alignments, random bytes and all ones
 * (every partial sum carries), seeds up to UINT32_MAX. */
static void sum_is_pairwise_rfc1071_at_every_length_and_alignment(void **unused)
{
	(void)unused;
	static uint8_t buf[2008];
	static const uint32_t seeds[] = {0, 0x1234, 0xffff, 0x7fffffff,
					 0xffffffff};
	srand(1071);
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = round == 2 ? 0xff : (uint8_t)rand();
		for (size_t s = 0; s < sizeof(seeds) / sizeof(seeds[0]); s++)
			for (size_t shift = 0; shift < 8; shift++)
				for (size_t n = 0; n <= 2000; n++) {
					uint16_t want = pair_at_a_time_sum(
						buf + shift, n, seeds[s]);
					uint16_t got = sdvf_inet_sum(
						buf + shift, n, seeds[s]);
					if (got != want)
						fail_msg(
							"seed 0x%x, shift %zu, "
							"length %zu: 0x%04x, "
							"want 0x%04x",
							seeds[s], shift, n, got,
							want);
				}
	}
}

static void csum_of_nothing_is_ffff(void **unused)
{
	(void)unused;
	static const uint8_t b[1] = {0x55};
	assert_int_equal(sdvf_inet_csum(b, 0, 0), 0xffff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(get_be16_reads_most_significant_byte_first),
		cmocka_unit_test(get_be16_keeps_a_high_bit_unsigned),
		cmocka_unit_test(get_be32_reads_most_significant_byte_first),
		cmocka_unit_test(put_be16_writes_most_significant_byte_first),
		cmocka_unit_test(put_be32_writes_most_significant_byte_first),
		cmocka_unit_test(get_le16_reads_least_significant_byte_first),
		cmocka_unit_test(get_le32_reads_least_significant_byte_first),
		cmocka_unit_test(be_loads_read_back_what_the_stores_wrote),
		cmocka_unit_test(copy_moves_exactly_n_bytes),
		cmocka_unit_test(copy_of_zero_bytes_changes_nothing),
		cmocka_unit_test(bytes_equal_is_true_for_identical_bytes),
		cmocka_unit_test(
			bytes_equal_is_false_when_the_last_byte_differs),
		cmocka_unit_test(bytes_equal_of_zero_bytes_is_true),
		cmocka_unit_test(str_equal_is_true_for_the_same_text),
		cmocka_unit_test(str_equal_is_true_for_two_empty_strings),
		cmocka_unit_test(str_equal_is_false_against_the_empty_string),
		cmocka_unit_test(str_equal_is_false_for_a_prefix_either_way),
		cmocka_unit_test(
			str_equal_is_false_for_a_difference_in_the_last_char),
		cmocka_unit_test(str_equal_is_case_sensitive),
		cmocka_unit_test(csum_of_rfc1071_example_is_220d),
		cmocka_unit_test(
			csum_of_ipv4_header_with_zero_field_is_its_checksum),
		cmocka_unit_test(csum_of_ipv4_header_with_its_checksum_is_zero),
		cmocka_unit_test(csum_pads_an_odd_last_byte_with_zero),
		cmocka_unit_test(csum_adds_the_pseudo_header_sum),
		cmocka_unit_test(csum_folds_every_carry_back_in),
		cmocka_unit_test(csum_of_nothing_is_ffff),
		cmocka_unit_test(
			sum_is_pairwise_rfc1071_at_every_length_and_alignment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
