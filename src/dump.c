// SPDX-License-Identifier: MIT
/*
 * em_dump(): both arrays, one line per region, through the log hook. The
 * library formats its own numbers; it has no printf.
 *
 *   earlymem: memory: 2 regions, 0x7ff9f000 bytes, max 254, static
 *   earlymem:   [0] [0x0000000000001000-0x00000000000a0000) 0x000000000009f000 node 0 HOTPLUG
 *   earlymem: reserved: 1 regions, 0x1000 bytes, max 508, at 0x000000007fffb000
 *   earlymem:   [0] [0x0000000000100000-0x0000000000101000) 0x0000000000001000 node - "kernel"
 */
#include "internal.h"

struct line {
	char buf[192];
	size_t len;
};

static void put_str(struct line *l, const char *s)
{
	while (*s && l->len < sizeof(l->buf) - 2)
		l->buf[l->len++] = *s++;
}

static void put_hex(struct line *l, uint64_t v, int width)
{
	char digits[16];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	while (n < width)
		digits[n++] = '0';
	put_str(l, "0x");
	while (n && l->len < sizeof(l->buf) - 2)
		l->buf[l->len++] = digits[--n];
}

static void put_dec(struct line *l, uint64_t v)
{
	char digits[20];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n && l->len < sizeof(l->buf) - 2)
		l->buf[l->len++] = digits[--n];
}

static void emit(const struct earlymem *em, struct line *l)
{
	l->buf[l->len++] = '\n';
	l->buf[l->len] = '\0';
	em->hooks.log(em->hooks.ctx, l->buf);
	l->len = 0;
}

static const char *const flag_names[] = { "HOTPLUG", "MIRROR", "NOMAP", "UNACCEPTED" };

static void put_region(struct line *l, uint32_t i, const struct em_region *r)
{
	put_str(l, "earlymem:   [");
	put_dec(l, i);
	put_str(l, "] [");
	put_hex(l, r->base, 16);
	put_str(l, "-");
	put_hex(l, em__end(r), 16);
	put_str(l, ") ");
	put_hex(l, r->size, 16);
	put_str(l, " node ");
	if (r->node < 0)
		put_str(l, "-");
	else
		put_dec(l, (uint64_t)r->node);
	for (unsigned b = 0; b < 32; b++) {
		if (!(r->flags & (1u << b)))
			continue;
		put_str(l, (r->flags & ((1u << b) - 1)) ? "|" : " ");
		if (b < sizeof(flag_names) / sizeof(flag_names[0])) {
			put_str(l, flag_names[b]);
		} else {
			put_str(l, "BIT");
			put_dec(l, b);
		}
	}
	if (r->label) {
		put_str(l, " \"");
		put_str(l, r->label);
		put_str(l, "\"");
	}
}

static void dump_array(const struct earlymem *em, const struct em_array *a)
{
	struct line l;

	l.len = 0; /* no initializer: zeroing the buffer would call memset */

	put_str(&l, "earlymem: ");
	put_str(&l, a->name);
	put_str(&l, ": ");
	put_dec(&l, a->cnt);
	put_str(&l, " regions, ");
	put_hex(&l, a->total_size, 0);
	put_str(&l, " bytes, max ");
	put_dec(&l, a->max);
	if (a->bytes) {
		put_str(&l, ", at ");
		put_hex(&l, a->phys, 16);
	} else {
		put_str(&l, ", static");
	}
	emit(em, &l);
	for (uint32_t i = 0; i < a->cnt; i++) {
		put_region(&l, i, em__ra_at(a, i));
		emit(em, &l);
	}
}

void em_dump(const struct earlymem *em)
{
	if (!em->hooks.log)
		return;
	dump_array(em, &em->memory);
	dump_array(em, &em->reserved);
}

void em__log_check_failure(const struct earlymem *em, const struct em_check_failure *why)
{
	struct line l;

	l.len = 0; /* no initializer: zeroing the buffer would call memset */

	if (!em->hooks.log)
		return;
	put_str(&l, "earlymem: check failed: ");
	put_str(&l, em_invariant_str(why->invariant));
	put_str(&l, " in ");
	put_str(&l, why->array);
	put_str(&l, "[");
	put_dec(&l, why->index);
	put_str(&l, "]");
	emit(em, &l);
}
