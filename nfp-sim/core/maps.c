// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Map engine: BPF_MAP_TYPE_ARRAY and BPF_MAP_TYPE_HASH in EMEM, with the
 * kernel's (6.1) element-operation semantics and return codes.
 *
 * Storage is a run of fixed-size slots in EMEM, so a value has a stable
 * device address a program can reach with mem_rd/mem_wr/mem_add.  Arrays:
 * slot i = element i, value at offset 0, slots round_up(value_size, 8).
 * Hash maps are preallocated like the kernel's default hash map: slots of
 * round_up(key, 8) + round_up(value, 8) bytes, a free list of max_entries
 * slots plus one spare; chains hang off roundup_pow_of_two(max_entries)
 * buckets (the chain links live host-side, keys and values in EMEM).
 * Updating an existing key writes a fresh copy into the spare slot, links
 * it at the head of the bucket and makes the old slot the spare, exactly
 * as htab_map_update_elem does with its per-CPU extra element: a value
 * pointer a program already holds keeps reading the old value.
 *
 * Hash maps take a per-map spin lock (host threads run islands in parallel,
 * the control path updates maps while packets run; no hold sleeps or
 * allocates, and an uncontended mutex cost more than the lookup);
 * array element access is lock-free, like the kernel's.
 */
#include <stdlib.h>
#include <string.h>
#include "nicsim_int.h"

#define HASH_FLAGS	(BPF_F_NO_PREALLOC | BPF_F_NUMA_NODE | BPF_F_ZERO_SEED | \
			 BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)
#define ARRAY_FLAGS	(BPF_F_NUMA_NODE | BPF_F_MMAPABLE | BPF_F_RDONLY | BPF_F_WRONLY | \
			 BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG | BPF_F_INNER_MAP)

static u32 round8(u32 x)
{
	return (x + 7) & ~7u;
}

static u32 pow2_ceil(u32 x)
{
	return x <= 1 ? 1 : 1u << (32 - __builtin_clz(x - 1));
}

static u8 *slot_key(const struct bn_map *m, u32 s)
{
	return m->mem + (u64)s * m->elem_size;
}

static u8 *slot_val(const struct bn_map *m, u32 s)
{
	return slot_key(m, s) + m->voff;
}

/* Word-at-a-time multiplicative hash; any stable function will do. */
static u32 key_hash(const u8 *k, u32 n)
{
	u32 h = 0x9e3779b9 ^ n, w;

	for (; n >= 4; n -= 4, k += 4) {
		memcpy(&w, k, 4);
		h = (h ^ w) * 0x85ebca6b;
		h ^= h >> 13;
	}
	while (n--)
		h = (h ^ *k++) * 0xc2b2ae35;
	return h ^ (h >> 16);
}

/* ---- creation ------------------------------------------------------------------ */

static int check_def(const struct bn_image_map *d, char *err, size_t errlen)
{
	bool hash = d->type == BPF_MAP_TYPE_HASH;

	if (d->type != BPF_MAP_TYPE_HASH && d->type != BPF_MAP_TYPE_ARRAY)
		return bn_errf(err, errlen, -EINVAL,
			       "map: type %u not supported (only array and hash)", d->type);
	if (!d->max_entries || !d->key_size || !d->value_size)
		return bn_errf(err, errlen, -EINVAL, "map: zero key size, value size or max_entries");
	if (!hash && d->key_size != 4)
		return bn_errf(err, errlen, -EINVAL, "map: array key size must be 4, not %u",
			       d->key_size);
	if (d->flags & ~(hash ? HASH_FLAGS : ARRAY_FLAGS))
		return bn_errf(err, errlen, -EINVAL, "map: flags %#x not supported", d->flags);
	if (d->key_size > BN_MAP_MAX_KEY || d->value_size > BN_MAP_MAX_VALUE)
		return bn_errf(err, errlen, -E2BIG,
			       "map: key %u / value %u bytes exceed the device's %u / %u",
			       d->key_size, d->value_size, BN_MAP_MAX_KEY, BN_MAP_MAX_VALUE);
	return 0;
}

static void map_layout(struct bn_map *m)
{
	if (m->type == BPF_MAP_TYPE_HASH) {
		m->voff = round8(m->key_size);
		m->elem_size = m->voff + round8(m->value_size);
		m->nslots = m->max_entries + 1;
	} else {
		m->voff = 0;
		m->elem_size = round8(m->value_size);
		m->nslots = m->max_entries;
	}
}

static int hash_init(struct bn_map *m)
{
	u32 i;

	m->nbuckets = pow2_ceil(m->max_entries);
	m->buckets = calloc(m->nbuckets, sizeof(u32));
	m->next = calloc(m->nslots, sizeof(u32));
	m->hash = calloc(m->nslots, sizeof(u32));
	if (!m->buckets || !m->next || !m->hash)
		return -ENOMEM;
	for (i = 0; i + 1 < m->max_entries; i++)
		m->next[i] = i + 2;
	m->free_head = 1;
	m->extra = m->max_entries;
	return 0;
}

static void map_destroy(struct bn_map *m)
{
	if (!m)
		return;
	pthread_spin_destroy(&m->lock);
	free(m->buckets);
	free(m->next);
	free(m->hash);
	free(m->mem);
	free(m);
}

static struct bn_map *map_alloc(const struct bn_image_map *d)
{
	struct bn_map *m = calloc(1, sizeof(*m));
	u64 bytes;

	if (!m)
		return NULL;
	m->type = d->type;
	m->key_size = d->key_size;
	m->value_size = d->value_size;
	m->max_entries = d->max_entries;
	m->flags = d->flags;
	memcpy(m->name, d->name, sizeof(m->name));
	pthread_spin_init(&m->lock, PTHREAD_PROCESS_PRIVATE);
	map_layout(m);
	bytes = (u64)m->nslots * m->elem_size;
	m->emem_len = (bytes + BN_EMEM_CHUNK - 1) & ~(u64)(BN_EMEM_CHUNK - 1);
	return m;
}

/* Give @m an id, EMEM space and backing; under sim->lock. */
static int map_install(struct bn_sim *sim, struct bn_map *m, char *err, size_t errlen)
{
	u32 id;

	for (id = 1; id <= BN_SIM_MAX_MAPS && sim->maps[id]; id++)
		;
	if (id > BN_SIM_MAX_MAPS)
		return bn_errf(err, errlen, -ENOSPC, "map: all %u map ids in use", BN_SIM_MAX_MAPS);
	if (m->emem_len > sim->p.emem_size || bn_emem_alloc(sim, m->emem_len, &m->emem_off))
		return bn_errf(err, errlen, -ENOMEM, "map: no room for %llu bytes in emem",
			       (unsigned long long)m->emem_len);
	m->mem = calloc(1, m->emem_len);
	if (!m->mem || (m->type == BPF_MAP_TYPE_HASH && hash_init(m)))
		return bn_errf(err, errlen, -ENOMEM, "map: out of host memory");
	m->id = id;
	bn_emem_map(sim, m->emem_off, m->emem_len, m->mem);
	sim->maps[id] = m;
	return 0;
}

uint32_t bn_sim_max_maps(void)
{
	return BN_SIM_MAX_MAPS;
}

uint32_t bn_sim_max_key(void)
{
	return BN_MAP_MAX_KEY;
}

uint32_t bn_sim_max_value(void)
{
	return BN_MAP_MAX_VALUE;
}

int bn_sim_map_create(struct bn_sim *sim, const struct bn_image_map *def, uint32_t *id,
		      char *err, size_t errlen)
{
	struct bn_map *m;
	int ret;

	ret = check_def(def, err, errlen);
	if (ret)
		return ret;
	m = map_alloc(def);
	if (!m)
		return bn_errf(err, errlen, -ENOMEM, "map: out of host memory");
	pthread_mutex_lock(&sim->lock);
	ret = map_install(sim, m, err, errlen);
	pthread_mutex_unlock(&sim->lock);
	if (ret) {
		map_destroy(m);
		return ret;
	}
	*id = m->id;
	return 0;
}

int bn_sim_map_free(struct bn_sim *sim, uint32_t id)
{
	struct bn_map *m;
	int ret = 0;

	pthread_mutex_lock(&sim->lock);
	m = id && id <= BN_SIM_MAX_MAPS ? sim->maps[id] : NULL;
	if (!m)
		ret = -EBADF;
	else if (m->prog_refs)
		ret = -EBUSY;	/* a loaded program still references it */
	if (!ret) {
		bn_emem_unmap(sim, m->emem_off, m->emem_len);
		sim->maps[id] = NULL;
	}
	pthread_mutex_unlock(&sim->lock);
	if (!ret)
		map_destroy(m);
	return ret;
}

void bn_maps_fini(struct bn_sim *sim)
{
	u32 i;

	for (i = 1; i <= BN_SIM_MAX_MAPS; i++) {
		map_destroy(sim->maps[i]);
		sim->maps[i] = NULL;
	}
}

uint32_t bn_sim_map_addr(struct bn_sim *sim, uint32_t id)
{
	struct bn_map *m = bn_map_get(sim, id);

	return m ? BN_ADDR_EMEM + (u32)m->emem_off : 0;
}

/* ---- hash chains (caller holds m->lock) ------------------------------------------ */

/*
 * Keys of 4..16 bytes (most keys) compared as two words that may overlap,
 * without memcmp()'s call; the others with it.
 */
bool bn_key_eq(const u8 *a, const u8 *b, u32 n)
{
	u64 x0, x1, y0, y1;
	u32 u0, u1, v0, v1;

	if (n >= 8 && n <= 16) {
		memcpy(&x0, a, 8);
		memcpy(&y0, b, 8);
		memcpy(&x1, a + n - 8, 8);
		memcpy(&y1, b + n - 8, 8);
		return !((x0 ^ y0) | (x1 ^ y1));
	}
	if (n >= 4 && n < 8) {
		memcpy(&u0, a, 4);
		memcpy(&v0, b, 4);
		memcpy(&u1, a + n - 4, 4);
		memcpy(&v1, b + n - 4, 4);
		return !((u0 ^ v0) | (u1 ^ v1));
	}
	return !memcmp(a, b, n);
}

static int hash_find(const struct bn_map *m, const void *key, u32 h)
{
	u32 s;

	for (s = m->buckets[h & (m->nbuckets - 1)]; s; s = m->next[s - 1])
		if (m->hash[s - 1] == h && bn_key_eq(slot_key(m, s - 1), key, m->key_size))
			return s - 1;
	return -1;
}

static void hash_unlink(struct bn_map *m, u32 slot)
{
	u32 *link = &m->buckets[m->hash[slot] & (m->nbuckets - 1)];

	while (*link != slot + 1)
		link = &m->next[*link - 1];
	*link = m->next[slot];
}

static void hash_link_head(struct bn_map *m, u32 slot, u32 h)
{
	u32 *head = &m->buckets[h & (m->nbuckets - 1)];

	m->hash[slot] = h;
	m->next[slot] = *head;
	*head = slot + 1;
}

static int hash_update(struct bn_map *m, const void *key, const void *value, u64 flags)
{
	u32 h = key_hash(key, m->key_size), slot;
	int old = hash_find(m, key, h);

	if (old >= 0 && flags == BPF_NOEXIST)
		return -EEXIST;
	if (old < 0 && flags == BPF_EXIST)
		return -ENOENT;
	if (old >= 0) {
		slot = m->extra;
		m->extra = old;
	} else {
		if (!m->free_head)
			return -E2BIG;
		slot = m->free_head - 1;
		m->free_head = m->next[slot];
		m->count++;
	}
	memcpy(slot_key(m, slot), key, m->key_size);
	memcpy(slot_val(m, slot), value, m->value_size);
	hash_link_head(m, slot, h);
	if (old >= 0)
		hash_unlink(m, old);
	return 0;
}

static int hash_delete(struct bn_map *m, const void *key)
{
	int slot = hash_find(m, key, key_hash(key, m->key_size));

	if (slot < 0)
		return -ENOENT;
	hash_unlink(m, slot);
	m->next[slot] = m->free_head;
	m->free_head = slot + 1;
	m->count--;
	return 0;
}

/* htab_map_get_next_key(): next in the chain, else first of a later bucket. */
static int hash_next(struct bn_map *m, const void *key, void *next)
{
	u32 i = 0, h, s;
	int cur = -1;

	if (key) {
		h = key_hash(key, m->key_size);
		cur = hash_find(m, key, h);
		if (cur >= 0 && m->next[cur]) {
			memcpy(next, slot_key(m, m->next[cur] - 1), m->key_size);
			return 0;
		}
		if (cur >= 0)
			i = (h & (m->nbuckets - 1)) + 1;
	}
	for (; i < m->nbuckets; i++) {
		s = m->buckets[i];
		if (s) {
			memcpy(next, slot_key(m, s - 1), m->key_size);
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- element operations: shared by helpers and the map API ----------------------- */

int bn_map_lookup_ptr(struct bn_map *m, const void *key, void **value)
{
	u32 idx;
	int s;

	if (m->type == BPF_MAP_TYPE_ARRAY) {
		memcpy(&idx, key, 4);
		if (idx >= m->max_entries)
			return -ENOENT;
		*value = slot_val(m, idx);
		return 0;
	}
	pthread_spin_lock(&m->lock);
	s = hash_find(m, key, key_hash(key, m->key_size));
	pthread_spin_unlock(&m->lock);
	if (s < 0)
		return -ENOENT;
	*value = slot_val(m, s);
	return 0;
}

/* array_map_update_elem(): the checks in the kernel's order. */
static int array_update(struct bn_map *m, const void *key, const void *value, u64 flags)
{
	u32 idx;

	if ((flags & ~(u64)BPF_F_LOCK) > BPF_EXIST)
		return -EINVAL;
	memcpy(&idx, key, 4);
	if (idx >= m->max_entries)
		return -E2BIG;
	if (flags & BPF_NOEXIST)
		return -EEXIST;
	if (flags & BPF_F_LOCK)
		return -EINVAL;	/* no bpf_spin_lock in our values */
	memcpy(slot_val(m, idx), value, m->value_size);
	return 0;
}

int bn_map_update_elem(struct bn_map *m, const void *key, const void *value, u64 flags)
{
	int ret;

	if (m->type == BPF_MAP_TYPE_ARRAY)
		return array_update(m, key, value, flags);
	if ((flags & ~(u64)BPF_F_LOCK) > BPF_EXIST || (flags & BPF_F_LOCK))
		return -EINVAL;
	pthread_spin_lock(&m->lock);
	ret = hash_update(m, key, value, flags);
	pthread_spin_unlock(&m->lock);
	return ret;
}

int bn_map_delete_elem(struct bn_map *m, const void *key)
{
	int ret;

	if (m->type == BPF_MAP_TYPE_ARRAY)
		return -EINVAL;
	pthread_spin_lock(&m->lock);
	ret = hash_delete(m, key);
	pthread_spin_unlock(&m->lock);
	return ret;
}

/* ---- the bpf()-like API ---------------------------------------------------------------- */

int bn_sim_map_lookup(struct bn_sim *sim, uint32_t id, const void *key, void *value)
{
	struct bn_map *m = bn_map_get(sim, id);
	void *v;
	int ret;

	if (!m)
		return -EBADF;
	if (m->type == BPF_MAP_TYPE_ARRAY) {
		ret = bn_map_lookup_ptr(m, key, &v);
		if (!ret)
			memcpy(value, v, m->value_size);
		return ret;
	}
	/* copy under the lock: a concurrent update may recycle the slot */
	pthread_spin_lock(&m->lock);
	ret = hash_find(m, key, key_hash(key, m->key_size));
	if (ret >= 0)
		memcpy(value, slot_val(m, ret), m->value_size);
	pthread_spin_unlock(&m->lock);
	return ret < 0 ? -ENOENT : 0;
}

int bn_sim_map_update(struct bn_sim *sim, uint32_t id, const void *key, const void *value,
		      uint64_t flags)
{
	struct bn_map *m = bn_map_get(sim, id);

	return m ? bn_map_update_elem(m, key, value, flags) : -EBADF;
}

int bn_sim_map_delete(struct bn_sim *sim, uint32_t id, const void *key)
{
	struct bn_map *m = bn_map_get(sim, id);

	return m ? bn_map_delete_elem(m, key) : -EBADF;
}

/* array_map_get_next_key(): by index; an out-of-range key restarts at 0. */
static int array_next(const struct bn_map *m, const void *key, void *next)
{
	u32 idx = UINT32_MAX, n;

	if (key)
		memcpy(&idx, key, 4);
	if (idx >= m->max_entries) {
		n = 0;
	} else {
		if (idx == m->max_entries - 1)
			return -ENOENT;
		n = idx + 1;
	}
	memcpy(next, &n, 4);
	return 0;
}

int bn_sim_map_get_next_key(struct bn_sim *sim, uint32_t id, const void *key, void *next)
{
	struct bn_map *m = bn_map_get(sim, id);
	int ret;

	if (!m)
		return -EBADF;
	if (m->type == BPF_MAP_TYPE_ARRAY)
		return array_next(m, key, next);
	pthread_spin_lock(&m->lock);
	ret = hash_next(m, key, next);
	pthread_spin_unlock(&m->lock);
	return ret;
}
