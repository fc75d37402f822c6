// SPDX-License-Identifier: MIT
/* Output of the UEFI test image: see kio.h. */
#include "kio.h"

#define COM1 0x3f8
#define COM1_LSR (COM1 + 5)
#define LSR_THRE 0x20

static unsigned int tap_n, tap_bad;

void kio_init(void)
{
	/* OVMF leaves COM1 set up (115200 8N1); only make sure FIFOs are on. */
	outb(COM1 + 2, 0x07);
}

void kio_putc(char c)
{
	if (c == '\n')
		kio_putc('\r');
	for (unsigned int spin = 0; spin < 1000000u; spin++)
		if (inb(COM1_LSR) & LSR_THRE)
			break;
	outb(COM1, (uint8_t)c);
}

void kio_puts(const char *s)
{
	while (*s)
		kio_putc(*s++);
}

static void put_num(uint64_t v, unsigned int base, int width, char pad, bool left, bool neg)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		buf[n++] = '-';
	int len = n;

	if (!left)
		for (int i = len; i < width; i++)
			kio_putc(pad);
	while (n)
		kio_putc(buf[--n]);
	if (left)
		for (int i = len; i < width; i++)
			kio_putc(' ');
}

void kio_vprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		bool left = false;
		char pad = ' ';
		int width = 0, longs = 0;

		if (*fmt != '%') {
			kio_putc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '-') {
			left = true;
			fmt++;
		}
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			int n = 0;

			if (!s)
				s = "(null)";
			while (s[n])
				n++;
			if (!left)
				for (int i = n; i < width; i++)
					kio_putc(' ');
			kio_puts(s);
			if (left)
				for (int i = n; i < width; i++)
					kio_putc(' ');
			break;
		}
		case 'c':
			kio_putc((char)va_arg(ap, int));
			break;
		case 'd': {
			long long v = longs ? va_arg(ap, long long) : va_arg(ap, int);

			put_num(v < 0 ? (uint64_t) - (v + 1) + 1 : (uint64_t)v, 10, width, pad,
				left, v < 0);
			break;
		}
		case 'u':
		case 'x': {
			uint64_t v = longs ? va_arg(ap, unsigned long long) :
					     va_arg(ap, unsigned int);

			put_num(v, *fmt == 'u' ? 10 : 16, width, pad, left, false);
			break;
		}
		case '%':
			kio_putc('%');
			break;
		default:
			kio_putc('?');
			return;
		}
	}
}

void kio_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kio_vprintf(fmt, ap);
	va_end(ap);
}

bool tap(bool pass, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!pass)
		tap_bad++;
	kio_printf("%s %u - ", pass ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	kio_vprintf(fmt, ap);
	va_end(ap);
	kio_putc('\n');
	return pass;
}

void tap_skip(const char *what, const char *why)
{
	tap_n++;
	kio_printf("ok %u - %s # SKIP %s\n", tap_n, what, why);
}

void diag(const char *fmt, ...)
{
	va_list ap;

	kio_puts("# ");
	va_start(ap, fmt);
	kio_vprintf(fmt, ap);
	va_end(ap);
	kio_putc('\n');
}

unsigned int tap_count(void)
{
	return tap_n;
}

unsigned int tap_failed(void)
{
	return tap_bad;
}

uint64_t hash64(const void *p, uint64_t len)
{
	const volatile uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull;

	for (uint64_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

_Noreturn void qemu_exit(uint8_t v)
{
	outb(0xf4, v);
	/* Not under QEMU (or no isa-debug-exit): stop here. */
	for (;;)
		__asm__ volatile("cli; hlt");
}
