// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Maps: --map NAME:KEYHEX=VALHEX presets, creating a program's maps in the
 * sim, and reading map contents (sim or kernel) as sorted entry lists.
 * Hex strings are the bytes in memory order (a little-endian u32 key 1 is
 * 01000000), the same form the tool prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "cli.h"

static int preset_hex(const char *arg, const char *what, const char *s, uint8_t **out,
		      uint32_t *len)
{
	size_t cap = strlen(s) / 2 + 1;
	int n;

	*out = xzalloc(cap);
	n = parse_hex(s, *out, cap);
	if (n <= 0) {
		p_err("--map '%s': %s '%s' is not hex bytes (an even number of hex digits)",
		      arg, what, s);
		return -1;
	}
	*len = n;
	return 0;
}

int preset_parse(const char *arg, struct map_preset *mp)
{
	const char *colon = strchr(arg, ':');
	const char *eq = colon ? strchr(colon, '=') : NULL;
	char *key;
	int err;

	mp->arg = arg;
	if (!colon || !eq || colon == arg) {
		p_err("--map '%s': expected NAME:KEYHEX=VALHEX", arg);
		return -1;
	}
	mp->name = strndup(arg, colon - arg);
	key = strndup(colon + 1, eq - colon - 1);
	err = preset_hex(arg, "key", key, &mp->key, &mp->key_len);
	err = err ? : preset_hex(arg, "value", eq + 1, &mp->val, &mp->val_len);
	free(key);
	return err;
}

static uint32_t le32_key(const uint8_t *k)
{
	return k[0] | k[1] << 8 | k[2] << 16 | (uint32_t)k[3] << 24;
}

static void map_name_list(const struct prog_maps *pm, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (uint32_t i = 0; i < pm->n; i++)
		n += snprintf(buf + n, n < len ? len - n : 0, "%s%s", i ? ", " : "",
			      pm->names[i]);
}

int preset_resolve(const struct map_preset *mp, const struct prog_maps *pm)
{
	const struct bn_image_map *d;
	char list[512];
	uint32_t i;

	for (i = 0; i < pm->n; i++)
		if (!strcmp(pm->names[i], mp->name))
			break;
	if (i == pm->n) {
		map_name_list(pm, list, sizeof(list));
		p_err("--map '%s': the program uses no map named '%s' (its maps: %s)", mp->arg,
		      mp->name, pm->n ? list : "none");
		return -1;
	}
	d = &pm->defs[i];
	if (mp->key_len != d->key_size || mp->val_len != d->value_size) {
		p_err("--map '%s': %u-byte key and %u-byte value, map %s has %u-byte keys and %u-byte values",
		      mp->arg, mp->key_len, mp->val_len, pm->names[i], d->key_size, d->value_size);
		return -1;
	}
	if (map_in_host(d)) {
		p_err("--map '%s': %s is a PERF_EVENT_ARRAY: it stays in the host, nothing to preset",
		      mp->arg, pm->names[i]);
		return -1;
	}
	if (d->type == BPF_MAP_TYPE_ARRAY && d->key_size == 4 &&
	    le32_key(mp->key) >= d->max_entries) {
		p_err("--map '%s': index %u is beyond array %s (%u entries)", mp->arg,
		      le32_key(mp->key), pm->names[i], d->max_entries);
		return -1;
	}
	return i;
}

static int sim_map_init(struct bn_sim *sim, const struct prog_maps *pm, uint32_t i, uint32_t id)
{
	uint32_t zero = 0;
	int err;

	if (!pm->init || !pm->init[i])
		return 0;
	if (pm->init_sz[i] != pm->defs[i].value_size || pm->defs[i].key_size != 4) {
		p_err("map %s: initial data of %zu bytes does not fit the map", pm->names[i],
		      pm->init_sz[i]);
		return EXIT_FAIL;
	}
	err = bn_sim_map_update(sim, id, &zero, pm->init[i], BN_SIM_ANY);
	if (err)
		p_err("map %s: sim rejected its initial data: %s", pm->names[i], strerror(-err));
	return err ? EXIT_FAIL : 0;
}

bool map_in_host(const struct bn_image_map *d)
{
	return d->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY;
}

int sim_maps_create(struct bn_sim *sim, const struct prog_maps *pm, uint32_t *ids)
{
	char err[256] = "";
	int ret;

	for (uint32_t i = 0; i < pm->n; i++) {
		if (map_in_host(&pm->defs[i])) {	/* image.h: no device map */
			ids[i] = 0;
			continue;
		}
		ret = bn_sim_map_create(sim, &pm->defs[i], &ids[i], err, sizeof(err));
		if (ret) {
			p_err("map %s: sim cannot create it: %s", pm->names[i],
			      err[0] ? err : strerror(-ret));
			return EXIT_FAIL;
		}
		ret = sim_map_init(sim, pm, i, ids[i]);
		if (ret)
			return ret;
	}
	return 0;
}

int sim_maps_preset(struct bn_sim *sim, const struct prog_maps *pm, const uint32_t *ids,
		    const struct map_preset *ps, uint32_t nps)
{
	for (uint32_t i = 0; i < nps; i++) {
		int m = preset_resolve(&ps[i], pm), err;

		if (m < 0)
			return EXIT_USAGE;
		err = bn_sim_map_update(sim, ids[m], ps[i].key, ps[i].val, BN_SIM_ANY);
		if (err) {
			p_err("--map '%s': sim rejected the update: %s", ps[i].arg, strerror(-err));
			return EXIT_USAGE;
		}
	}
	return 0;
}

/* ---- reading contents ---------------------------------------------------- */
struct map_iter {
	int (*next)(void *ctx, const void *key, void *next);
	int (*lookup)(void *ctx, const void *key, void *val);
	void *ctx;
};

static size_t sort_key_size;

static int key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sort_key_size);
}

/* Sorts keys and values together: entries are packed key|value, then split. */
static void entries_sort(struct map_entries *e, uint8_t *packed)
{
	size_t ks = e->key_size, vs = e->value_size;

	sort_key_size = ks;
	qsort(packed, e->n, ks + vs, key_cmp);
	for (uint32_t i = 0; i < e->n; i++) {
		memcpy(e->keys + i * ks, packed + i * (ks + vs), ks);
		memcpy(e->vals + i * vs, packed + i * (ks + vs) + ks, vs);
	}
}

/* Room for entry @n in the packed key|value array. */
static uint8_t *entries_slot(uint8_t **packed, size_t *cap, uint32_t n, size_t esz)
{
	if (n == *cap) {
		*cap *= 2;
		*packed = realloc(*packed, *cap * esz);
		if (!*packed) {
			p_err("out of memory");
			exit(EXIT_FAIL);
		}
	}
	return *packed + n * esz;
}

static int collect(const struct map_iter *it, const struct bn_image_map *def,
		   struct map_entries *e)
{
	size_t ks = def->key_size, vs = def->value_size, cap = 64;
	uint8_t *packed = xcalloc(cap, ks + vs), *cursor = xzalloc(ks), *cur;
	bool first = true;
	int err;

	memset(e, 0, sizeof(*e));
	e->key_size = ks;
	e->value_size = vs;
	for (;;) {
		cur = entries_slot(&packed, &cap, e->n, ks + vs);
		err = it->next(it->ctx, first ? NULL : cursor, cur);
		if (err)
			break;
		if (e->n == def->max_entries) {
			err = -E2BIG;	/* more keys than max_entries: iteration broken */
			break;
		}
		memcpy(cursor, cur, ks);
		first = false;
		err = it->lookup(it->ctx, cur, cur + ks);
		if (err && err != -ENOENT)
			break;
		e->n += !err;	/* -ENOENT: deleted meanwhile, skip it */
	}
	e->keys = xcalloc(e->n, ks);
	e->vals = xcalloc(e->n, vs);
	entries_sort(e, packed);
	free(packed);
	free(cursor);
	return err == -ENOENT ? 0 : err;
}

struct sim_iter_ctx {
	struct bn_sim *sim;
	uint32_t id;
};

static int sim_next(void *ctx, const void *key, void *next)
{
	struct sim_iter_ctx *c = ctx;

	return bn_sim_map_get_next_key(c->sim, c->id, key, next);
}

static int sim_lookup(void *ctx, const void *key, void *val)
{
	struct sim_iter_ctx *c = ctx;

	return bn_sim_map_lookup(c->sim, c->id, key, val);
}

int sim_map_collect(struct bn_sim *sim, uint32_t id, const struct bn_image_map *def,
		    struct map_entries *e)
{
	struct sim_iter_ctx c = { sim, id };
	struct map_iter it = { sim_next, sim_lookup, &c };

	return collect(&it, def, e);
}

static int kernel_next(void *ctx, const void *key, void *next)
{
	return bpf_map_get_next_key(*(int *)ctx, key, next) ? -errno : 0;
}

static int kernel_lookup(void *ctx, const void *key, void *val)
{
	return bpf_map_lookup_elem(*(int *)ctx, key, val) ? -errno : 0;
}

int kernel_map_collect(int fd, const struct bn_image_map *def, struct map_entries *e)
{
	struct map_iter it = { kernel_next, kernel_lookup, &fd };

	return collect(&it, def, e);
}

void map_entries_free(struct map_entries *e)
{
	free(e->keys);
	free(e->vals);
	memset(e, 0, sizeof(*e));
}

/* ---- printing ------------------------------------------------------------ */
static bool entry_shown(const struct bn_image_map *d, const struct map_entries *e, uint32_t i)
{
	return d->type != BPF_MAP_TYPE_ARRAY || !all_zero(e->vals + i * e->value_size,
							  e->value_size);
}

static void map_print_json(const char *name, const struct bn_image_map *d,
			   const struct map_entries *e)
{
	jw_name(&json_wtr, name);
	jw_start_array(&json_wtr);
	for (uint32_t i = 0; i < e->n; i++) {
		if (!entry_shown(d, e, i))
			continue;
		jw_start_object(&json_wtr);
		jw_hex_field(&json_wtr, "key", e->keys + i * e->key_size, e->key_size);
		jw_hex_field(&json_wtr, "value", e->vals + i * e->value_size, e->value_size);
		jw_end_object(&json_wtr);
	}
	jw_end_array(&json_wtr);
}

static void map_print_text(const char *name, const struct bn_image_map *d,
			   const struct map_entries *e)
{
	char *k = xzalloc(2 * e->key_size + 1), *v = xzalloc(2 * e->value_size + 1);
	uint32_t shown = 0;

	for (uint32_t i = 0; i < e->n; i++)
		shown += entry_shown(d, e, i);
	printf("  %s (%s, max %u): %u %s\n", name, d->type == BPF_MAP_TYPE_ARRAY ? "array" :
	       "hash", d->max_entries, shown, d->type == BPF_MAP_TYPE_ARRAY ?
	       "non-zero entries" : "entries");
	for (uint32_t i = 0; i < e->n; i++) {
		if (!entry_shown(d, e, i))
			continue;
		hex_str(e->keys + i * e->key_size, e->key_size, k);
		hex_str(e->vals + i * e->value_size, e->value_size, v);
		printf("    key %s value %s\n", k, v);
	}
	free(k);
	free(v);
}

void maps_print(struct bn_sim *sim, const struct prog_maps *pm, const uint32_t *ids)
{
	struct map_entries e;

	if (json_output) {
		jw_name(&json_wtr, "maps");
		jw_start_object(&json_wtr);
	} else if (pm->n) {
		printf("maps:\n");
	}
	for (uint32_t i = 0; i < pm->n; i++) {
		int err;

		if (map_in_host(&pm->defs[i]))
			continue;
		err = sim_map_collect(sim, ids[i], &pm->defs[i], &e);

		if (err)
			p_warn("map %s: reading it back from the sim: %s", pm->names[i],
			       strerror(-err));
		if (json_output)
			map_print_json(pm->names[i], &pm->defs[i], &e);
		else
			map_print_text(pm->names[i], &pm->defs[i], &e);
		map_entries_free(&e);
	}
	if (json_output)
		jw_end_object(&json_wtr);
}

void prog_maps_from_obj(struct prog_maps *pm, const struct bn_obj_prog *p)
{
	pm->defs = p->maps;
	pm->names = p->map_names;
	pm->init = p->map_init;
	pm->init_sz = p->map_init_sz;
	pm->n = p->nmaps;
}

int presets_check(const struct map_preset *ps, uint32_t n, const struct prog_maps *pm)
{
	for (uint32_t i = 0; i < n; i++)
		if (preset_resolve(&ps[i], pm) < 0)
			return EXIT_USAGE;
	return 0;
}
