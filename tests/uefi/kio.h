/* SPDX-License-Identifier: MIT */
/*
 * The UEFI test image's output after ExitBootServices: COM1 polled, a tiny
 * printf, TAP lines and a hash. Freestanding, no firmware calls.
 */
#ifndef EM_UEFI_KIO_H
#define EM_UEFI_KIO_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void kio_init(void);
void kio_putc(char c);
void kio_puts(const char *s);
/* %s %c %d %u %x %lu %lx %llu %llx, an optional '-' / '0' and a width. */
void kio_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kio_vprintf(const char *fmt, va_list ap);

/* TAP: one numbered test line; returns @pass. */
bool tap(bool pass, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* TAP: "ok N - what # SKIP why". */
void tap_skip(const char *what, const char *why);
/* Lines starting with "# " (TAP diagnostics). */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
unsigned int tap_count(void);
unsigned int tap_failed(void);

/* FNV-1a 64 over @len bytes at @p. */
uint64_t hash64(const void *p, uint64_t len);

/* isa-debug-exit (port 0xf4): QEMU exits with (v << 1) | 1. */
_Noreturn void qemu_exit(uint8_t v);

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#endif
