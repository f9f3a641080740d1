/*
 * The four memory functions a C compiler may call on its own, for the
 * freestanding build only (`make cross`, docs/cross.md).
 *
 * Even with -ffreestanding, gcc emits calls to memcpy, memset, memmove and
 * memcmp for struct copies, large initialisers and recognised loops, so a
 * component image with no libc must carry its own.  Hosted builds use libc's
 * and never compile this file (it is not in PORTABLE_SRCS).
 *
 * Build this file with -fno-tree-loop-distribute-patterns: otherwise gcc may
 * recognise the loops below as memcpy/memset and turn them into calls to
 * themselves.
 *
 * Copies go a machine word at a time when both pointers share an alignment,
 * byte by byte otherwise; the word accesses use a may_alias type so they are
 * valid on any object type.
 */
#include <stddef.h>
#include <stdint.h>

typedef uintptr_t __attribute__((may_alias)) word_alias;

#define WORD sizeof(word_alias)

static int both_word_aligned(const void *a, const void *b)
{
	return (((uintptr_t)a | (uintptr_t)b) & (WORD - 1)) == 0;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (both_word_aligned(d, s)) {
		for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
			*(word_alias *)(void *)d = *(const word_alias *)s;
	}
	for (; n > 0; n--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	unsigned char byte = (unsigned char)c;

	if (both_word_aligned(d, d) && n >= WORD) {
		/* Every byte of the word is `byte`: multiply by 0x0101...01. */
		word_alias pattern = (word_alias)byte * (~(word_alias)0 / 0xff);
		for (; n >= WORD; n -= WORD, d += WORD)
			*(word_alias *)(void *)d = pattern;
	}
	for (; n > 0; n--)
		*d++ = byte;
	return dst;
}

/* Overlap is decided by comparing addresses as integers: the only portable
 * way, since relational comparison of unrelated pointers is undefined. */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((uintptr_t)d - (uintptr_t)s >= n) {
		/* dst is before src, or past its end: a forward copy never
		 * overwrites a source byte it has yet to read. */
		for (; n > 0; n--)
			*d++ = *s++;
		return dst;
	}
	/* dst starts inside [src, src + n): copy from the end backwards. */
	while (n > 0) {
		n--;
		d[n] = s[n];
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *pa = a;
	const unsigned char *pb = b;

	for (; n > 0; n--, pa++, pb++) {
		if (*pa != *pb)
			return *pa < *pb ? -1 : 1;
	}
	return 0;
}
