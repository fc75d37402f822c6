// SPDX-License-Identifier: MIT
/* Setting up an instance: init, hooks, direction, limit, node distances. */
#include "internal.h"

static void init_array(struct em_array *a, struct em_region *storage, uint32_t *head,
		       const char *name)
{
	em__ra_init(a, storage, head, EM_STATIC_REGIONS);
	a->name = name;
}

void em_init(struct earlymem *em)
{
	em__memzero(em, sizeof(*em));
	init_array(&em->memory, em->memory_static, em->memory_static_heads, "memory");
	init_array(&em->reserved, em->reserved_static, em->reserved_static_heads, "reserved");
	em->current_limit = EM_ALLOC_ANYWHERE;
	for (int i = 0; i < EM_MAX_NODES; i++)
		for (int j = 0; j < EM_MAX_NODES; j++)
			em->distance[i][j] = i == j ? EM_DISTANCE_LOCAL : EM_DISTANCE_REMOTE;
}

void em_set_hooks(struct earlymem *em, const struct em_hooks *hooks)
{
	if (hooks)
		em->hooks = *hooks;
	else
		em__memzero(&em->hooks, sizeof(em->hooks));
}

int em_allow_resize(struct earlymem *em)
{
	if (em->retired)
		return EM_ERETIRED;
	if (!em->hooks.phys_to_virt)
		return EM_EINVAL;
	em->resize_allowed = true;
	return 0;
}

void em_set_bottom_up(struct earlymem *em, bool bottom_up)
{
	em->bottom_up = bottom_up;
}

bool em_bottom_up(const struct earlymem *em)
{
	return em->bottom_up;
}

void em_set_current_limit(struct earlymem *em, uint64_t limit)
{
	em->current_limit = limit;
}

uint64_t em_get_current_limit(const struct earlymem *em)
{
	return em->current_limit;
}

static bool real_node(int node)
{
	return node >= 0 && node < EM_MAX_NODES;
}

int em_set_distance(struct earlymem *em, int from, int to, uint8_t distance)
{
	if (!real_node(from) || !real_node(to))
		return EM_EINVAL;
	em->distance[from][to] = distance;
	return 0;
}

int em_distance(const struct earlymem *em, int from, int to)
{
	if (!real_node(from) || !real_node(to))
		return -1;
	return em->distance[from][to];
}

const char *em_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case EM_EINVAL:
		return "invalid argument";
	case EM_ERANGE:
		return "range passes the end of the address space";
	case EM_ENOSPC:
		return "region array full and resizing not allowed";
	case EM_ENOMEM:
		return "no free memory fits the request";
	case EM_EBUSY:
		return "range is reserved or holds earlymem's own arrays";
	case EM_ENOENT:
		return "range is not (entirely) present";
	case EM_ERETIRED:
		return "instance retired by handoff";
	case EM_EACCEPT:
		return "accepting memory failed";
	case EM_EFAULT:
		return "phys_to_virt hook gave no mapping";
	case EM_ECORRUPT:
		return "instance invariant broken";
	default:
		return "unknown error";
	}
}
