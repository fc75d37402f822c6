// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the kernel log parser of emmap (tools/emmap/parse.c),
 * and the loaders on what it parsed, as emmap uses them.
 *
 * Input: a kernel log, any bytes; split into lines at '\n', a NUL byte
 * read as a space (as emmap's reader does).
 *
 * Checks: every line parses the same with a timestamp in front (markers
 * are found anywhere in a line); every entry parsed prints back as a
 * canonical line (e820 "[mem S-E] type N", EFI "type=T, attr=A,
 * range=[S-E)", SRAT "Node N PXM 0 [mem S-E]") that parses to the same
 * entry; EFI entries are whole pages, nodes below EM_MAX_NODES; the e820
 * and UEFI tables rebuilt from the entries load (or fail cleanly with
 * EM_ENOSPC) into a fresh instance with em_check() clean, and the SRAT
 * ranges apply on top.
 */
#include "fuzz.h"

#include <earlymem/e820.h>
#include <earlymem/efi.h>

#include "emmap.h"

#define LINE_MAX_BYTES 4096

static bool fw_eq(const struct fw_ent *a, const struct fw_ent *b)
{
	return a->base == b->base && a->size == b->size && a->type == b->type && a->attr == b->attr;
}

static bool srat_eq(const struct srat_ent *a, const struct srat_ent *b)
{
	return a->base == b->base && a->size == b->size && a->node == b->node &&
	       a->hotplug == b->hotplug && a->nonvolatile == b->nonvolatile;
}

static bool lists_eq(const struct fw_list *a, const struct fw_list *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!fw_eq(&a->v[i], &b->v[i]))
			return false;
	return true;
}

static bool parsed_eq(const struct parsed *a, const struct parsed *b)
{
	if (!lists_eq(&a->e820, &b->e820) || !lists_eq(&a->user, &b->user) ||
	    !lists_eq(&a->efi, &b->efi) || a->srat.n != b->srat.n || a->bad != b->bad)
		return false;
	for (size_t i = 0; i < a->srat.n; i++)
		if (!srat_eq(&a->srat.v[i], &b->srat.v[i]))
			return false;
	return true;
}

/* @line parses to exactly one entry of @list equal to @want. */
static void reparse_fw(const char *line, const struct fw_ent *want, bool efi)
{
	struct parsed p = { 0 };

	parse_line(&p, line, "canonical", 1);
	const struct fw_list *l = efi ? &p.efi : &p.e820;

	if (p.bad || l->n != 1 || !fw_eq(&l->v[0], want))
		FUZZ_FAIL("'%s' does not parse back to [0x%llx +0x%llx) type %u attr 0x%llx", line,
			  (unsigned long long)want->base, (unsigned long long)want->size,
			  want->type, (unsigned long long)want->attr);
	parsed_free(&p);
}

static void round_trip(const struct parsed *p)
{
	char line[256];

	for (size_t i = 0; i < p->e820.n; i++) {
		const struct fw_ent *f = &p->e820.v[i];

		FUZZ_ASSERT(f->attr == 0);
		if (!f->size || f->size - 1 > UINT64_MAX - f->base)
			continue;
		snprintf(line, sizeof(line), "BIOS-e820: [mem 0x%llx-0x%llx] type %u",
			 (unsigned long long)f->base, (unsigned long long)(f->base + f->size - 1),
			 f->type);
		reparse_fw(line, f, false);
	}
	for (size_t i = 0; i < p->efi.n; i++) {
		const struct fw_ent *f = &p->efi.v[i];

		FUZZ_ASSERT(f->base % EM_EFI_PAGE_SIZE == 0 && f->size % EM_EFI_PAGE_SIZE == 0);
		if (f->size > UINT64_MAX - f->base)
			continue;
		snprintf(line, sizeof(line),
			 "efi: mem07: type=%u, attr=0x%llx, range=[0x%llx-0x%llx)", f->type,
			 (unsigned long long)f->attr, (unsigned long long)f->base,
			 (unsigned long long)(f->base + f->size));
		reparse_fw(line, f, true);
	}
	for (size_t i = 0; i < p->srat.n; i++) {
		const struct srat_ent *r = &p->srat.v[i];
		struct parsed q = { 0 };

		FUZZ_ASSERT(r->node >= 0 && r->node < EM_MAX_NODES);
		if (!r->size || r->size - 1 > UINT64_MAX - r->base)
			continue;
		snprintf(line, sizeof(line), "ACPI: SRAT: Node %d PXM 0 [mem 0x%llx-0x%llx]%s%s",
			 r->node, (unsigned long long)r->base,
			 (unsigned long long)(r->base + r->size - 1), r->hotplug ? " hotplug" : "",
			 r->nonvolatile ? " non-volatile" : "");
		parse_line(&q, line, "canonical", 1);
		if (q.bad || q.srat.n != 1 || !srat_eq(&q.srat.v[0], r))
			FUZZ_FAIL("'%s' does not parse back", line);
		parsed_free(&q);
	}
}

/* The tables as emmap rebuilds them, loaded into a fresh instance. */
static void load(const struct parsed *p)
{
	static struct earlymem em;
	const struct fw_list *l = p->efi.n ? &p->efi : &p->e820;
	size_t n = l->n, wb;
	uint8_t *raw = calloc(n ? n : 1, 48);
	void *work;
	int err;

	FUZZ_ASSERT(raw);
	em_init(&em);
	wb = em_fw_work_bytes(&em, n);
	work = malloc(wb);
	FUZZ_ASSERT(work);
	for (size_t i = 0; i < n; i++) {
		const struct fw_ent *e = &l->v[i];

		if (p->efi.n) {
			fuzz_put_le(raw + i * 48, e->type, 4);
			fuzz_put_le(raw + i * 48 + 8, e->base, 8);
			fuzz_put_le(raw + i * 48 + 24, e->size / EM_EFI_PAGE_SIZE, 8);
			fuzz_put_le(raw + i * 48 + 32, e->attr, 8);
		} else {
			fuzz_put_le(raw + i * 20, e->base, 8);
			fuzz_put_le(raw + i * 20 + 8, e->size, 8);
			fuzz_put_le(raw + i * 20 + 16, e->type, 4);
		}
	}
	if (p->efi.n)
		err = em_efi_load_map(&em, raw, n * 48, 48, 1, EM_EFI_DEFAULT, work, wb, NULL);
	else
		err = em_e820_load_raw(&em, raw, n, work, wb, NULL);
	FUZZ_SAY("%zu %s entries, %zu SRAT, %lu bad: load %d\n", n, p->efi.n ? "EFI" : "e820",
		 p->srat.n, p->bad, err);
	if (err && err != EM_ENOSPC)
		FUZZ_FAIL("loading %zu parsed entries gave %d", n, err);
	fuzz_check(&em);
	for (size_t i = 0; !err && i < p->srat.n; i++) {
		const struct srat_ent *r = &p->srat.v[i];
		uint64_t size = r->size > EM_ADDR_END - r->base ? EM_ADDR_END - r->base : r->size;
		int e = em_set_node(&em, r->base, size, r->node);

		if (!e && r->hotplug)
			e = em_mark(&em, r->base, size, EM_HOTPLUG);
		FUZZ_ASSERT(e == 0 || e == EM_ENOSPC);
		fuzz_check(&em);
	}
	free(work);
	free(raw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char stamp[] = "[    1.234567] ";
	static char line[sizeof(stamp) + LINE_MAX_BYTES];
	struct parsed a = { 0 }, b = { 0 };
	unsigned long lineno = 0;

	for (size_t i = 0; i < size;) {
		size_t n = 0;

		while (i < size && data[i] != '\n') {
			if (n < LINE_MAX_BYTES)
				line[sizeof(stamp) - 1 + n++] = data[i] ? (char)data[i] : ' ';
			i++;
		}
		i++; /* the '\n' */
		line[sizeof(stamp) - 1 + n] = '\0';
		memcpy(line, stamp, sizeof(stamp) - 1);
		lineno++;
		parse_line(&a, line + sizeof(stamp) - 1, "fuzz", lineno);
		parse_line(&b, line, "fuzz", lineno);
		if (!parsed_eq(&a, &b))
			FUZZ_FAIL("line %lu parses differently behind a timestamp", lineno);
	}
	round_trip(&a);
	load(&a);
	parsed_free(&a);
	parsed_free(&b);
	return 0;
}
