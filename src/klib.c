// SPDX-License-Identifier: MIT
/*
 * The few libc-like helpers the library needs. Freestanding code may not
 * call memmove or memset, so it carries its own; region arrays are moved
 * a word at a time because inserting into a large array moves most of it.
 */
#include "internal.h"

/* A word that may alias anything: regions hold pointers, copied here as words. */
typedef uint64_t __attribute__((__may_alias__)) em_word;

void em__memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return;
	if ((((uintptr_t)d | (uintptr_t)s | n) & 7) == 0) {
		em_word *dw = dst;
		const em_word *sw = src;
		size_t words = n / 8;

		if (dw < sw) {
			for (size_t i = 0; i < words; i++)
				dw[i] = sw[i];
		} else {
			while (words--)
				dw[words] = sw[words];
		}
		return;
	}
	if (d < s) {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	} else {
		while (n--)
			d[n] = s[n];
	}
}

void em__memzero(void *dst, size_t n)
{
	/* volatile keeps the compiler from turning the loop into memset(). */
	volatile unsigned char *d = dst;

	while (n--)
		*d++ = 0;
}

bool em__str_equal(const char *a, const char *b)
{
	if (a == b)
		return true;
	if (!a || !b)
		return false;
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}
