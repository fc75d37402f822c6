// SPDX-License-Identifier: MIT
/*
 * Recognizes the memory map lines of a kernel log (see
 * tests/fixtures/maps/README.md for every format) and collects them.
 *
 * A line is recognized by its marker anywhere in the line, so timestamps,
 * syslog prefixes, "> " quoting and line numbers in front do not matter.
 * A recognized line that does not parse (a number over 64 bits, an end
 * before its start, a truncated line, an unknown type name) is reported on
 * stderr as FILE:LINE and skipped. Every other line is ignored.
 */
#include <stdlib.h>
#include <string.h>

#include <earlymem.h>
#include <earlymem/e820.h>
#include <earlymem/efi.h>

#include "emmap.h"

/* ------------------------------------------------------------------------ */
/* Lists                                                                    */

static void *grow(void *v, size_t *cap, size_t elem)
{
	size_t ncap = *cap ? *cap * 2 : 64;
	void *nv = realloc(v, ncap * elem);

	if (!nv) {
		fputs("emmap: out of memory\n", stderr);
		exit(1);
	}
	*cap = ncap;
	return nv;
}

static void push_fw(struct fw_list *l, const struct fw_ent *e)
{
	if (l->n == l->cap)
		l->v = grow(l->v, &l->cap, sizeof(*l->v));
	l->v[l->n++] = *e;
}

static void push_srat(struct srat_list *l, const struct srat_ent *e)
{
	if (l->n == l->cap)
		l->v = grow(l->v, &l->cap, sizeof(*l->v));
	l->v[l->n++] = *e;
}

void parsed_free(struct parsed *p)
{
	free(p->e820.v);
	free(p->user.v);
	free(p->efi.v);
	free(p->srat.v);
	memset(p, 0, sizeof(*p));
}

/* ------------------------------------------------------------------------ */
/* Scanning                                                                 */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static void skip_ws(const char **p)
{
	while (**p && is_space(**p))
		(*p)++;
}

/* Consumes @s if the text starts with it. */
static bool lit(const char **p, const char *s)
{
	size_t n = strlen(s);

	if (strncmp(*p, s, n) != 0)
		return false;
	*p += n;
	return true;
}

/*
 * A hexadecimal number; the "0x" prefix is required when @prefix, else
 * optional. Returns NULL or why it failed; all digits are consumed even
 * when the number does not fit.
 */
static const char *hex(const char **p, bool prefix, uint64_t *v)
{
	const char *s = *p;
	bool big = false;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	else if (prefix)
		return "expected a 0x number";
	if (hex_digit(*s) < 0)
		return "expected a hexadecimal number";
	*v = 0;
	for (; (d = hex_digit(*s)) >= 0; s++) {
		if (*v > UINT64_MAX >> 4)
			big = true;
		*v = (*v << 4) | (uint64_t)d;
	}
	*p = s;
	return big ? "number over 64 bits" : NULL;
}

static const char *dec(const char **p, uint64_t *v)
{
	const char *s = *p;
	bool big = false;

	if (*s < '0' || *s > '9')
		return "expected a decimal number";
	*v = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (*v > (UINT64_MAX - d) / 10)
			big = true;
		*v = *v * 10 + d;
	}
	*p = s;
	return big ? "number over 64 bits" : NULL;
}

/* [@s, @e] (inclusive end) as base and size. */
static const char *incl(uint64_t s, uint64_t e, struct fw_ent *f)
{
	if (e < s)
		return "end before start";
	f->base = s;
	/* [0, 2^64) does not fit: give the most, the loader cuts at EM_ADDR_END. */
	f->size = (s == 0 && e == UINT64_MAX) ? UINT64_MAX : e - s + 1;
	return NULL;
}

/* [@s, @e) (exclusive end) as base and size. */
static const char *excl(uint64_t s, uint64_t e, struct fw_ent *f)
{
	if (e < s)
		return "end before start";
	f->base = s;
	f->size = e - s;
	return NULL;
}

/* The text of @s without leading and trailing white space, as [*b, *e). */
static void trim(const char *s, const char **b, const char **e)
{
	while (*s && is_space(*s))
		s++;
	*b = s;
	*e = s + strlen(s);
	while (*e > *b && is_space((*e)[-1]))
		(*e)--;
}

/* Whether [b, e) equals @s, ignoring case. */
static bool eq_ci(const char *b, const char *e, const char *s)
{
	for (; b < e && *s; b++, s++)
		if (lower(*b) != lower(*s))
			return false;
	return b == e && !*s;
}

/* Whether [b, e) starts with @s, ignoring case. */
static bool starts_ci(const char *b, const char *e, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(e - b) >= n && eq_ci(b, b + n, s);
}

/* A decimal type number filling [b, e) exactly. */
static const char *type_number(const char *b, const char *e, uint32_t *type)
{
	const char *q = b, *err;
	uint64_t v;

	if ((err = dec(&q, &v)))
		return err;
	if (q != e)
		return "text after the type number";
	if (v > UINT32_MAX)
		return "type number over 32 bits";
	*type = (uint32_t)v;
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* e820                                                                     */

/*
 * An e820 type as Linux (any version), Xen or the legacy format prints it:
 * "usable", "(usable)", "System RAM", "device reserved", "type 20",
 * "persistent (type 12)", ...
 */
static const char *e820_type(const char *text, uint32_t *type)
{
	static const struct {
		const char *name;
		uint32_t type;
	} names[] = {
		{ "usable", EM_E820_RAM },	  { "System RAM", EM_E820_RAM },
		{ "reserved", EM_E820_RESERVED }, { "device reserved", EM_E820_RESERVED },
		{ "ACPI data", EM_E820_ACPI },	  { "ACPI NVS", EM_E820_NVS },
		{ "unusable", EM_E820_UNUSABLE }, { "soft reserved", EM_E820_SOFT_RESERVED },
	};
	const char *b, *e;

	trim(text, &b, &e);
	if (b == e)
		return "no type (truncated line?)";
	/* Legacy and Xen print "(usable)". */
	if (*b == '(' && e[-1] == ')') {
		for (b++, e--; b < e && is_space(*b); b++)
			;
		for (; e > b && is_space(e[-1]); e--)
			;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (eq_ci(b, e, names[i].name)) {
			*type = names[i].type;
			return NULL;
		}
	}
	if (starts_ci(b, e, "type "))
		return type_number(b + 5, e, type);
	/* "persistent (type 12)"; 2025+ kernels may say "persistent RAM (type 12)". */
	if (starts_ci(b, e, "persistent")) {
		for (const char *q = b; q < e; q++)
			if (starts_ci(q, e, "(type ") && e[-1] == ')')
				return type_number(q + 6, e - 1, type);
		*type = EM_E820_PMEM;
		return NULL;
	}
	return "unknown e820 type (truncated line?)";
}

/* "[mem 0xS-0xE] TYPE" (end inclusive), after a BIOS-e820:, Xen: or user: marker. */
static const char *e820_bracketed(const char *s, struct fw_ent *f)
{
	uint64_t a, b;
	const char *err;

	if (!lit(&s, "[mem"))
		return "expected [mem";
	skip_ws(&s);
	if ((err = hex(&s, true, &a)))
		return err;
	if (!lit(&s, "-"))
		return "expected '-' (truncated line?)";
	if ((err = hex(&s, true, &b)))
		return err;
	if (!lit(&s, "]"))
		return "expected ']' (truncated line?)";
	if ((err = incl(a, b, f)))
		return err;
	return e820_type(s, &f->type);
}

/* Legacy 2.6: "0000000000000000 - 000000000009f800 (usable)" (end exclusive). */
static const char *e820_legacy(const char *s, struct fw_ent *f)
{
	uint64_t a, b;
	const char *err;

	if ((err = hex(&s, false, &a)))
		return err;
	skip_ws(&s);
	if (!lit(&s, "-"))
		return "expected '-' (truncated line?)";
	skip_ws(&s);
	if ((err = hex(&s, false, &b)))
		return err;
	if ((err = excl(a, b, f)))
		return err;
	return e820_type(s, &f->type);
}

/* Xen: "[0000000000000000, 00000000000963ff] (usable)" (end inclusive). */
static const char *e820_xen(const char *s, struct fw_ent *f)
{
	uint64_t a, b;
	const char *err;

	if (!lit(&s, "["))
		return "expected '['";
	if ((err = hex(&s, false, &a)))
		return err;
	if (!lit(&s, ","))
		return "expected ','";
	skip_ws(&s);
	if ((err = hex(&s, false, &b)))
		return err;
	if (!lit(&s, "]"))
		return "expected ']' (truncated line?)";
	if ((err = incl(a, b, f)))
		return err;
	return e820_type(s, &f->type);
}

/* ------------------------------------------------------------------------ */
/* UEFI                                                                     */

/* Type names of every kernel version, spaces removed, lower case. */
static const struct {
	const char *name;
	uint32_t type;
} efi_names[] = {
	{ "reserved", EM_EFI_RESERVED_TYPE },
	{ "reservedmemorytype", EM_EFI_RESERVED_TYPE },
	{ "loadercode", EM_EFI_LOADER_CODE },
	{ "loaderdata", EM_EFI_LOADER_DATA },
	{ "bootcode", EM_EFI_BOOT_SERVICES_CODE },
	{ "bootservicescode", EM_EFI_BOOT_SERVICES_CODE },
	{ "bootdata", EM_EFI_BOOT_SERVICES_DATA },
	{ "bootservicesdata", EM_EFI_BOOT_SERVICES_DATA },
	{ "runtimecode", EM_EFI_RUNTIME_SERVICES_CODE },
	{ "runtimeservicescode", EM_EFI_RUNTIME_SERVICES_CODE },
	{ "runtimedata", EM_EFI_RUNTIME_SERVICES_DATA },
	{ "runtimeservicesdata", EM_EFI_RUNTIME_SERVICES_DATA },
	{ "conventional", EM_EFI_CONVENTIONAL },
	{ "conventionalmemory", EM_EFI_CONVENTIONAL },
	{ "unusable", EM_EFI_UNUSABLE },
	{ "unusablememory", EM_EFI_UNUSABLE },
	{ "acpireclaim", EM_EFI_ACPI_RECLAIM },
	{ "acpireclaimmemory", EM_EFI_ACPI_RECLAIM },
	{ "acpimemnvs", EM_EFI_ACPI_NVS },
	{ "acpimemorynvs", EM_EFI_ACPI_NVS },
	{ "acpinvs", EM_EFI_ACPI_NVS },
	{ "mmio", EM_EFI_MMIO },
	{ "memorymappedi/o", EM_EFI_MMIO },
	{ "memorymappedio", EM_EFI_MMIO },
	{ "mmioport", EM_EFI_MMIO_PORT_SPACE },
	{ "mmioportspace", EM_EFI_MMIO_PORT_SPACE },
	{ "memorymappedi/oportspace", EM_EFI_MMIO_PORT_SPACE },
	{ "palcode", EM_EFI_PAL_CODE },
	{ "persistent", EM_EFI_PERSISTENT },
	{ "persistentmemory", EM_EFI_PERSISTENT },
	{ "unaccepted", EM_EFI_UNACCEPTED },
	{ "unacceptedmemory", EM_EFI_UNACCEPTED },
};

/* Attribute column labels of efi_md_typeattr_format(), every version. */
static const struct {
	const char *label;
	uint64_t bit;
} efi_attrs[] = {
	{ "UC", 0x1 },
	{ "WC", 0x2 },
	{ "WT", 0x4 },
	{ "WB", 0x8 },
	{ "UCE", 0x10 },
	{ "WP", 0x1000 },
	{ "RP", 0x2000 },
	{ "XP", 0x4000 },
	{ "NV", 0x8000 },
	{ "MR", EM_EFI_MEMORY_MORE_RELIABLE },
	{ "RO", 0x20000 },
	{ "SP", EM_EFI_MEMORY_SP },
	{ "CC", 0x80000 },
	{ "CR", 0x80000 },
	{ "HP", EM_EFI_MEMORY_HOT_PLUGGABLE },
	{ "RUN", EM_EFI_MEMORY_RUNTIME },
};

static const char *efi_type_name(const char *b, const char *e, uint32_t *type)
{
	char norm[40];
	size_t n = 0;

	if (starts_ci(b, e, "type=")) /* unknown types: "[type=N" */
		return type_number(b + 5, e, type);
	for (; b < e; b++) {
		if (is_space(*b))
			continue;
		if (n + 1 >= sizeof(norm))
			return "unknown EFI memory type";
		norm[n++] = lower(*b);
	}
	norm[n] = '\0';
	if (n > 3 && strncmp(norm, "efi", 3) == 0)
		memmove(norm, norm + 3, n - 2); /* the spec's names: EfiConventionalMemory */
	for (size_t i = 0; i < sizeof(efi_names) / sizeof(efi_names[0]); i++) {
		if (strcmp(norm, efi_names[i].name) == 0) {
			*type = efi_names[i].type;
			return NULL;
		}
	}
	return n ? "unknown EFI memory type" : "no EFI memory type";
}

/*
 * "[Conventional Memory|   |  |SP|...|WB|WT|WC|UC]": the type and the
 * attribute labels (by name, not position), or "|attr=0x...]".
 */
static const char *efi_columns(const char **p, struct fw_ent *f)
{
	const char *s = *p, *end, *b, *e, *err;
	bool first = true;

	if (!lit(&s, "["))
		return "expected '['";
	end = strchr(s, ']');
	if (!end)
		return "expected ']' (truncated line?)";
	f->attr = 0;
	while (s <= end) {
		const char *bar = memchr(s, '|', (size_t)(end - s));
		const char *stop = bar ? bar : end;

		for (b = s; b < stop && is_space(*b); b++)
			;
		for (e = stop; e > b && is_space(e[-1]); e--)
			;
		if (first) {
			if ((err = efi_type_name(b, e, &f->type)))
				return err;
			first = false;
		} else if (starts_ci(b, e, "attr=")) {
			const char *q = b + 5;

			if ((err = hex(&q, true, &f->attr)))
				return err;
		} else if (b < e) {
			for (size_t i = 0; i < sizeof(efi_attrs) / sizeof(efi_attrs[0]); i++)
				if (eq_ci(b, e, efi_attrs[i].label))
					f->attr |= efi_attrs[i].bit;
		}
		s = stop + 1;
	}
	*p = end + 1;
	return NULL;
}

/* Base and size of an EFI range must be whole pages. */
static const char *efi_pages(const struct fw_ent *f)
{
	if (f->base % EM_EFI_PAGE_SIZE)
		return "EFI range does not start on a page boundary";
	if (f->size % EM_EFI_PAGE_SIZE)
		return "EFI range is not a whole number of pages";
	return NULL;
}

/* "range=[0xS-0xE]" (inclusive) or "range=[0xS-0xE)" (exclusive, 3.x and 4.x). */
static const char *efi_range(const char *s, struct fw_ent *f)
{
	uint64_t a, b;
	const char *err;

	if (!lit(&s, "range=["))
		return "expected range=[ (truncated line?)";
	if ((err = hex(&s, true, &a)))
		return err;
	if (!lit(&s, "-"))
		return "expected '-' (truncated line?)";
	if ((err = hex(&s, true, &b)))
		return err;
	if (*s == ']')
		err = incl(a, b, f);
	else if (*s == ')')
		err = excl(a, b, f);
	else
		return "expected ']' or ')' (truncated line?)";
	return err ? err : efi_pages(f);
}

/* x86: "memNN: [Type|attrs] range=[...]" or 3.x "memNN: type=T, attr=0xA, range=[...)". */
static const char *efi_x86(const char *s, struct fw_ent *f)
{
	const char *err;
	uint64_t v;

	if (lit(&s, "type=")) {
		if ((err = dec(&s, &v)))
			return err;
		if (v > UINT32_MAX)
			return "type number over 32 bits";
		f->type = (uint32_t)v;
		if (!lit(&s, ","))
			return "expected ',' (truncated line?)";
		skip_ws(&s);
		if (!lit(&s, "attr="))
			return "expected attr= (truncated line?)";
		if ((err = hex(&s, true, &f->attr)))
			return err;
		if (!lit(&s, ","))
			return "expected ',' (truncated line?)";
		skip_ws(&s);
		return efi_range(s, f);
	}
	if ((err = efi_columns(&s, f)))
		return err;
	skip_ws(&s);
	return efi_range(s, f);
}

/* arm64: "0x00005fff0000-0x00005fffefff [Conventional|...]" (end inclusive). */
static const char *efi_arm64(const char *s, struct fw_ent *f)
{
	uint64_t a, b;
	const char *err;

	if ((err = hex(&s, true, &a)))
		return err;
	if (!lit(&s, "-"))
		return "expected '-' (truncated line?)";
	if ((err = hex(&s, true, &b)))
		return err;
	if ((err = incl(a, b, f)))
		return err;
	skip_ws(&s);
	if ((err = efi_columns(&s, f)))
		return err;
	return efi_pages(f);
}

/* Xen: "0000000000000-0000000007fff type=3 attr=000000000000000f" (end inclusive). */
static const char *efi_xen(const char *s, struct fw_ent *f)
{
	uint64_t a, b, v;
	const char *err;

	if ((err = hex(&s, false, &a)))
		return err;
	if (!lit(&s, "-"))
		return "expected '-'";
	if ((err = hex(&s, false, &b)))
		return err;
	if ((err = incl(a, b, f)))
		return err;
	skip_ws(&s);
	if (!lit(&s, "type="))
		return "expected type=";
	if ((err = dec(&s, &v)))
		return err;
	if (v > UINT32_MAX)
		return "type number over 32 bits";
	f->type = (uint32_t)v;
	skip_ws(&s);
	if (!lit(&s, "attr="))
		return "expected attr= (truncated line?)";
	if ((err = hex(&s, false, &f->attr)))
		return err;
	return efi_pages(f);
}

/* ------------------------------------------------------------------------ */
/* SRAT                                                                     */

/*
 * After "SRAT: Node ": "N PXM P [mem 0xS-0xE]" with optional " hotplug" /
 * " non-volatile" (Linux, end inclusive); Xen prints "N PXM P S-E" (end
 * exclusive) or "N PXM P [S, E]" (end inclusive).
 */
static const char *srat(const char *s, struct srat_ent *r)
{
	uint64_t node, pxm, a, b;
	struct fw_ent f;
	const char *err;

	if ((err = dec(&s, &node)))
		return err;
	skip_ws(&s);
	if (!lit(&s, "PXM"))
		return "expected PXM";
	skip_ws(&s);
	if ((err = dec(&s, &pxm)))
		return err;
	skip_ws(&s);
	if (lit(&s, "[mem")) {
		skip_ws(&s);
		if ((err = hex(&s, true, &a)))
			return err;
		if (!lit(&s, "-"))
			return "expected '-' (truncated line?)";
		if ((err = hex(&s, true, &b)))
			return err;
		if (!lit(&s, "]"))
			return "expected ']' (truncated line?)";
		err = incl(a, b, &f);
	} else if (lit(&s, "[")) {
		if ((err = hex(&s, false, &a)))
			return err;
		if (!lit(&s, ","))
			return "expected ','";
		skip_ws(&s);
		if ((err = hex(&s, false, &b)))
			return err;
		if (!lit(&s, "]"))
			return "expected ']' (truncated line?)";
		err = incl(a, b, &f);
	} else {
		if ((err = hex(&s, false, &a)))
			return err;
		if (!lit(&s, "-"))
			return "expected '-' (truncated line?)";
		if ((err = hex(&s, false, &b)))
			return err;
		err = excl(a, b, &f);
	}
	if (err)
		return err;
	if (node >= EM_MAX_NODES)
		return "node number too large for earlymem (EM_MAX_NODES)";
	r->node = (int)node;
	r->base = f.base;
	r->size = f.size;
	r->hotplug = strstr(s, "hotplug") != NULL;
	r->nonvolatile = strstr(s, "non-volatile") != NULL;
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* Lines                                                                    */

static void report(struct parsed *p, const char *file, unsigned long lineno, const char *what,
		   const char *why)
{
	fprintf(stderr, "emmap: %s:%lu: %s line skipped: %s\n", file, lineno, what, why);
	p->bad++;
}

static bool starts_hex_dash(const char *s, bool prefix)
{
	if (prefix && !(s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
		return false;
	if (prefix)
		s += 2;
	if (hex_digit(*s) < 0)
		return false;
	while (hex_digit(*s) >= 0)
		s++;
	return *s == '-';
}

/* After "(XEN)": an optional "[timestamp]", then an e820 or EFI map line, or anything else. */
static void xen_line(struct parsed *p, const char *s, const char *file, unsigned long lineno)
{
	struct fw_ent f = { 0 };
	const char *err, *q;

	skip_ws(&s);
	q = s;
	if (lit(&q, "[") && hex_digit(*q) >= 0) {
		while (hex_digit(*q) >= 0)
			q++;
		if (*q == ']') /* a timestamp */
			s = q + 1;
	}
	skip_ws(&s);
	q = s;
	if (lit(&q, "[") && hex_digit(*q) >= 0) {
		while (hex_digit(*q) >= 0)
			q++;
		if (*q != ',')
			return;
		if ((err = e820_xen(s, &f)))
			report(p, file, lineno, "Xen e820", err);
		else
			push_fw(&p->e820, &f);
		return;
	}
	if (starts_hex_dash(s, false) && strstr(s, "type=")) {
		if ((err = efi_xen(s, &f)))
			report(p, file, lineno, "Xen EFI", err);
		else
			push_fw(&p->efi, &f);
	}
}

static void efi_line(struct parsed *p, const char *s, const char *file, unsigned long lineno)
{
	struct fw_ent f = { 0 };
	const char *err, *q;

	skip_ws(&s);
	q = s;
	if (lit(&q, "mem") && *q >= '0' && *q <= '9') {
		while (*q >= '0' && *q <= '9')
			q++;
		if (!lit(&q, ":"))
			return;
		skip_ws(&q);
		if ((err = efi_x86(q, &f)))
			report(p, file, lineno, "EFI", err);
		else
			push_fw(&p->efi, &f);
		return;
	}
	if (starts_hex_dash(s, true)) {
		if ((err = efi_arm64(s, &f)))
			report(p, file, lineno, "EFI", err);
		else
			push_fw(&p->efi, &f);
	}
}

void parse_line(struct parsed *p, const char *line, const char *file, unsigned long lineno)
{
	struct fw_ent f = { 0 };
	struct srat_ent r = { 0 };
	const char *s, *err;

	if ((s = strstr(line, "BIOS-e820:"))) {
		s += strlen("BIOS-e820:");
		skip_ws(&s);
		if (strncmp(s, "[gap", 4) == 0)
			return; /* 2025+ kernels print the holes too */
		if (*s == '[')
			err = e820_bracketed(s, &f);
		else if (hex_digit(*s) >= 0)
			err = e820_legacy(s, &f);
		else
			err = *s ? "not an e820 entry" : "no entry (truncated line?)";
		if (err)
			report(p, file, lineno, "e820", err);
		else
			push_fw(&p->e820, &f);
		return;
	}
	if ((s = strstr(line, "Xen: [mem"))) {
		if ((err = e820_bracketed(s + strlen("Xen: "), &f)))
			report(p, file, lineno, "Xen e820", err);
		else
			push_fw(&p->e820, &f);
		return;
	}
	if ((s = strstr(line, "user: [mem"))) {
		if ((err = e820_bracketed(s + strlen("user: "), &f)))
			report(p, file, lineno, "user e820", err);
		else
			push_fw(&p->user, &f);
		return;
	}
	if ((s = strstr(line, "SRAT: Node "))) {
		if ((err = srat(s + strlen("SRAT: Node "), &r)))
			report(p, file, lineno, "SRAT", err);
		else
			push_srat(&p->srat, &r);
		return;
	}
	if ((s = strstr(line, "(XEN)"))) {
		xen_line(p, s + strlen("(XEN)"), file, lineno);
		return;
	}
	if ((s = strstr(line, "efi:"))) {
		efi_line(p, s + strlen("efi:"), file, lineno);
		return;
	}
}
