/* SPDX-License-Identifier: MIT */
#include "common.h"
#include "regcopy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char test_log[1 << 16];
static size_t test_log_len;

void test_log_reset(void)
{
	test_log_len = 0;
	test_log[0] = '\0';
}

void test_log_hook(void *ctx, const char *line)
{
	(void)ctx;
	size_t n = strlen(line);
	if (test_log_len + n + 1 > sizeof(test_log))
		n = sizeof(test_log) - 1 - test_log_len;
	memcpy(test_log + test_log_len, line, n);
	test_log_len += n;
	test_log[test_log_len] = '\0';
}

void sim_init(struct phys_sim *sim, uint64_t phys_base, uint64_t size)
{
	sim->phys_base = phys_base;
	sim->size = size;
	sim->buf = calloc(1, size);
	sim->translations = 0;
	assert_non_null(sim->buf);
}

void sim_fini(struct phys_sim *sim)
{
	free(sim->buf);
	sim->buf = NULL;
}

void *sim_phys_to_virt(void *ctx, uint64_t phys)
{
	struct phys_sim *sim = ctx;
	if (phys < sim->phys_base || phys - sim->phys_base >= sim->size)
		return NULL;
	sim->translations++;
	return sim->buf + (phys - sim->phys_base);
}

void setup_em(struct earlymem *em, struct phys_sim *sim)
{
	em_init(em);
	struct em_hooks h = {
		.phys_to_virt = sim ? sim_phys_to_virt : NULL,
		.log = test_log_hook,
		.ctx = sim,
	};
	em_set_hooks(em, &h);
	test_log_reset();
}

void add(struct earlymem *em, uint64_t base, uint64_t size, int node, uint32_t flags)
{
	assert_int_equal(em_add_node(em, base, size, node, flags), 0);
	assert_check(em);
}

void reserve(struct earlymem *em, uint64_t base, uint64_t size, const char *label)
{
	assert_int_equal(em_reserve_label(em, base, size, label), 0);
	assert_check(em);
}

int em_setup(void **state)
{
	struct earlymem *em = calloc(1, sizeof(*em));

	if (!em)
		return -1;
	setup_em(em, NULL);
	*state = em;
	return 0;
}

int em_teardown(void **state)
{
	free(*state);
	return 0;
}

void assert_check(const struct earlymem *em)
{
	struct em_check_failure why;
	int err = em_check(em, &why);
	if (err) {
		fprintf(stderr, "em_check: %s in %s[%u]\n", em_invariant_str(why.invariant),
			why.array, why.index);
		fprintf(stderr, "%s", test_log);
	}
	assert_int_equal(err, 0);
}

static bool label_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static void print_table(const struct em_array *a)
{
	fprintf(stderr, "%s: %u regions\n", a->name, a->cnt);
	for (uint32_t i = 0; i < a->cnt; i++) {
		const struct em_region *r = REGION(a, i);
		fprintf(stderr, "  [%u] 0x%llx +0x%llx flags 0x%x node %d label %s\n", i,
			(unsigned long long)r->base, (unsigned long long)r->size, r->flags, r->node,
			r->label ? r->label : "(null)");
	}
}

void assert_table(const struct em_array *a, const struct exp_region *exp, size_t n)
{
	uint64_t total = 0;
	bool ok = a->cnt == n;
	for (size_t i = 0; ok && i < n; i++) {
		const struct em_region *r = REGION(a, i);
		ok = r->base == exp[i].base && r->size == exp[i].size && r->flags == exp[i].flags &&
		     r->node == exp[i].node && label_eq(r->label, exp[i].label);
		total += exp[i].size;
	}
	if (!ok) {
		print_table(a);
		fprintf(stderr, "expected %zu regions\n", n);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "  [%zu] 0x%llx +0x%llx flags 0x%x node %d label %s\n", i,
				(unsigned long long)exp[i].base, (unsigned long long)exp[i].size,
				exp[i].flags, exp[i].node, exp[i].label ? exp[i].label : "(null)");
	}
	assert_true(ok);
	assert_int_equal(a->total_size, total);
}

void snap_take(struct em_snapshot *s, const struct earlymem *em)
{
	s->memory = em->memory;
	s->reserved = em->reserved;
	assert_true(em_copy_regions(em, &s->mem, &s->res));
	s->current_limit = em->current_limit;
	s->bottom_up = em->bottom_up;
	s->resize_allowed = em->resize_allowed;
	s->retired = em->retired;
	memcpy(s->distance, em->distance, sizeof(s->distance));
}

void snap_drop(struct em_snapshot *s)
{
	free(s->mem);
	free(s->res);
}

static void assert_array_same(const struct em_array *was, const struct em_region *regs,
			      const struct em_array *now)
{
	assert_ptr_equal(was->regions, now->regions);
	assert_int_equal(was->cnt, now->cnt);
	assert_int_equal(was->max, now->max);
	assert_int_equal(was->total_size, now->total_size);
	assert_int_equal(was->phys, now->phys);
	assert_int_equal(was->bytes, now->bytes);
	for (uint32_t i = 0; i < now->cnt; i++) {
		const struct em_region *a = &regs[i], *b = REGION(now, i);
		assert_int_equal(a->base, b->base);
		assert_int_equal(a->size, b->size);
		assert_int_equal(a->flags, b->flags);
		assert_int_equal(a->node, b->node);
		assert_ptr_equal(a->label, b->label);
	}
}

void snap_assert_same(struct em_snapshot *s, const struct earlymem *em)
{
	assert_array_same(&s->memory, s->mem, &em->memory);
	assert_array_same(&s->reserved, s->res, &em->reserved);
	assert_int_equal(s->current_limit, em->current_limit);
	assert_int_equal(s->bottom_up, em->bottom_up);
	assert_int_equal(s->resize_allowed, em->resize_allowed);
	assert_int_equal(s->retired, em->retired);
	assert_memory_equal(s->distance, em->distance, sizeof(s->distance));
	free(s->mem);
	free(s->res);
}

void fill_memory(struct earlymem *em, uint64_t base, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(em_add(em, base + (uint64_t)i * 8 * KiB, 4 * KiB), 0);
	}
}
