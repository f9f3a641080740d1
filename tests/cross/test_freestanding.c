/*
 * core/freestanding.c: the mem* functions of the freestanding build.  The
 * file is compiled here under the names sdvf_fs_* (tests/cross/module.mk)
 * so these tests call it and not the C library.  Buffers carry guard bytes
 * around the area under test to catch writes one past either end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

void *sdvf_fs_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *sdvf_fs_memset(void *dst, int c, size_t n);
void *sdvf_fs_memmove(void *dst, const void *src, size_t n);
int sdvf_fs_memcmp(const void *a, const void *b, size_t n);

#define GUARD 0xeeu
#define AREA 64

/* Word aligned, so offsets into it choose the alignment under test. */
static _Alignas(16) unsigned char buf[AREA + 32];
static _Alignas(16) unsigned char src[AREA + 32];

static void fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + 7 * i);
}

static void fill_guard(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = GUARD;
}

/* Copies `n` bytes at `dst_off`/`src_off` and checks every byte of buf. */
static void check_memcpy(size_t dst_off, size_t src_off, size_t n)
{
	fill_guard(buf, sizeof(buf));
	fill_pattern(src, sizeof(src), 1);
	void *ret = sdvf_fs_memcpy(buf + dst_off, src + src_off, n);
	assert_ptr_equal(ret, buf + dst_off);
	for (size_t i = 0; i < sizeof(buf); i++) {
		if (i >= dst_off && i < dst_off + n)
			assert_int_equal(buf[i], src[src_off + i - dst_off]);
		else
			assert_int_equal(buf[i], GUARD);
	}
}

static void memcpy_copies_aligned_words_and_tail(void **state)
{
	(void)state;
	check_memcpy(8, 16, 8 * 5 + 3);
}

static void memcpy_copies_between_differently_aligned_buffers(void **state)
{
	(void)state;
	check_memcpy(3, 1, 37);
}

static void memcpy_copies_short_runs_at_every_alignment(void **state)
{
	(void)state;
	for (size_t off = 0; off < 8; off++) {
		for (size_t n = 0; n <= 17; n++)
			check_memcpy(off + 1, off + 1, n);
	}
}

static void memcpy_of_zero_bytes_writes_nothing(void **state)
{
	(void)state;
	check_memcpy(4, 4, 0);
}

static void memset_fills_exactly_n_bytes(void **state)
{
	(void)state;
	for (size_t off = 0; off < 8; off++) {
		fill_guard(buf, sizeof(buf));
		void *ret = sdvf_fs_memset(buf + off, 0x5a, 41);
		assert_ptr_equal(ret, buf + off);
		for (size_t i = 0; i < sizeof(buf); i++) {
			bool inside = i >= off && i < off + 41;
			assert_int_equal(buf[i], inside ? 0x5a : GUARD);
		}
	}
}

static void memset_stores_only_the_low_byte_of_c(void **state)
{
	(void)state;
	fill_guard(buf, sizeof(buf));
	sdvf_fs_memset(buf, 0x1ab, 16);
	for (size_t i = 0; i < 16; i++)
		assert_int_equal(buf[i], 0xab);
	assert_int_equal(buf[16], GUARD);
}

static void memset_with_zero_clears_words(void **state)
{
	(void)state;
	fill_guard(buf, sizeof(buf));
	sdvf_fs_memset(buf, 0, 32);
	for (size_t i = 0; i < 32; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(buf[32], GUARD);
}

/* Moves buf[from..from+n) to buf[to..] and checks it against a reference
 * computed from a private copy. */
static void check_memmove(size_t to, size_t from, size_t n)
{
	unsigned char before[sizeof(buf)];
	fill_pattern(buf, sizeof(buf), 3);
	for (size_t i = 0; i < sizeof(buf); i++)
		before[i] = buf[i];
	void *ret = sdvf_fs_memmove(buf + to, buf + from, n);
	assert_ptr_equal(ret, buf + to);
	for (size_t i = 0; i < sizeof(buf); i++) {
		if (i >= to && i < to + n)
			assert_int_equal(buf[i], before[from + i - to]);
		else
			assert_int_equal(buf[i], before[i]);
	}
}

static void memmove_handles_destination_overlapping_after_source(void **state)
{
	(void)state;
	check_memmove(5, 2, 40);
}

static void memmove_handles_destination_overlapping_before_source(void **state)
{
	(void)state;
	check_memmove(2, 5, 40);
}

static void memmove_handles_disjoint_buffers(void **state)
{
	(void)state;
	check_memmove(48, 0, 16);
	check_memmove(0, 48, 16);
}

static void memmove_onto_itself_changes_nothing(void **state)
{
	(void)state;
	check_memmove(9, 9, 30);
}

static void memcmp_returns_zero_for_equal_bytes(void **state)
{
	(void)state;
	fill_pattern(buf, AREA, 9);
	fill_pattern(src, AREA, 9);
	assert_int_equal(sdvf_fs_memcmp(buf, src, AREA), 0);
}

static void memcmp_sign_follows_first_differing_byte(void **state)
{
	(void)state;
	fill_pattern(buf, AREA, 9);
	fill_pattern(src, AREA, 9);
	buf[10] = 0x10;
	src[10] = 0x20;
	buf[20] = 0xff; /* later difference the other way: must not count */
	src[20] = 0x00;
	assert_int_equal(sdvf_fs_memcmp(buf, src, AREA), -1);
	assert_int_equal(sdvf_fs_memcmp(src, buf, AREA), 1);
}

static void memcmp_compares_bytes_as_unsigned(void **state)
{
	(void)state;
	unsigned char high = 0x80, low = 0x7f;
	assert_int_equal(sdvf_fs_memcmp(&high, &low, 1), 1);
	assert_int_equal(sdvf_fs_memcmp(&low, &high, 1), -1);
}

static void memcmp_ignores_bytes_past_n(void **state)
{
	(void)state;
	fill_pattern(buf, AREA, 9);
	fill_pattern(src, AREA, 9);
	src[12] ^= 1;
	assert_int_equal(sdvf_fs_memcmp(buf, src, 12), 0);
	assert_int_equal(sdvf_fs_memcmp(buf, src, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memcpy_copies_aligned_words_and_tail),
		cmocka_unit_test(
			memcpy_copies_between_differently_aligned_buffers),
		cmocka_unit_test(memcpy_copies_short_runs_at_every_alignment),
		cmocka_unit_test(memcpy_of_zero_bytes_writes_nothing),
		cmocka_unit_test(memset_fills_exactly_n_bytes),
		cmocka_unit_test(memset_stores_only_the_low_byte_of_c),
		cmocka_unit_test(memset_with_zero_clears_words),
		cmocka_unit_test(
			memmove_handles_destination_overlapping_after_source),
		cmocka_unit_test(
			memmove_handles_destination_overlapping_before_source),
		cmocka_unit_test(memmove_handles_disjoint_buffers),
		cmocka_unit_test(memmove_onto_itself_changes_nothing),
		cmocka_unit_test(memcmp_returns_zero_for_equal_bytes),
		cmocka_unit_test(memcmp_sign_follows_first_differing_byte),
		cmocka_unit_test(memcmp_compares_bytes_as_unsigned),
		cmocka_unit_test(memcmp_ignores_bytes_past_n),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
