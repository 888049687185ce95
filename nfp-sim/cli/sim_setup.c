// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * What prog run and prog diff share: a program ready for the sim (JITted
 * from an ELF object, or an image file validated first) and a sim with the
 * program's maps created, initialised, preset and the image loaded.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

const char *action_str(unsigned int act)
{
	static const char *const names[BN_ACT__COUNT] = {
		[BN_ACT_ABORTED] = "ABORTED", [BN_ACT_DROP] = "DROP",
		[BN_ACT_PASS] = "PASS", [BN_ACT_TX] = "TX",
	};

	return act < BN_ACT__COUNT ? names[act] : "?";
}

/* An image file's map table as prog_maps (names from the image). */
static void image_maps(struct run_prog *rp)
{
	uint32_t n = rp->v.nmaps;

	rp->img_defs = xcalloc(n, sizeof(*rp->img_defs));
	rp->img_names = xcalloc(n, sizeof(char *));
	for (uint32_t i = 0; i < n; i++) {
		const struct bn_image_map *m = &rp->v.maps[i];
		struct bn_image_map *d = &rp->img_defs[i];

		*d = *m;
		d->type = le32toh(m->type);
		d->key_size = le32toh(m->key_size);
		d->value_size = le32toh(m->value_size);
		d->max_entries = le32toh(m->max_entries);
		d->flags = le32toh(m->flags);
		rp->img_names[i] = xzalloc(BN_MAP_NAME_LEN + 1);
		img_map_name(m, rp->img_names[i]);
	}
	rp->pm.defs = rp->img_defs;
	rp->pm.names = rp->img_names;
	rp->pm.n = n;
}

static int load_image_file(const struct prog_args *a, struct run_prog *rp)
{
	char err[256];

	if (img_parse(rp->img, rp->img_len, &rp->v, err, sizeof(err))) {
		p_err("%s: invalid image: %s", a->file, err);
		return EXIT_USAGE;
	}
	rp->name = a->file;
	image_maps(rp);
	return 0;
}

static int load_elf(const struct prog_args *a, struct run_prog *rp)
{
	char err[256];
	int ret;

	ret = jit_object(a, &rp->p, false, &rp->img, &rp->img_len);
	if (ret)
		return ret;
	if (img_parse(rp->img, rp->img_len, &rp->v, err, sizeof(err))) {
		p_err("%s: prog %s: the JIT produced an invalid image: %s", a->file, rp->p.name,
		      err);
		return EXIT_FAIL;
	}
	rp->name = rp->p.name;
	prog_maps_from_obj(&rp->pm, &rp->p);
	return 0;
}

int run_prog_load(const struct prog_args *a, struct run_prog *rp, bool allow_image)
{
	void *buf;
	size_t len;

	memset(rp, 0, sizeof(*rp));
	if (read_file(a->file, &buf, &len))
		return EXIT_USAGE;
	if (allow_image && file_is_image(buf, len)) {
		rp->img = buf;
		rp->img_len = len;
		return load_image_file(a, rp);
	}
	if (!file_is_elf(buf, len)) {
		if (file_is_image(buf, len))
			p_err("%s: a bpfnic image; prog %s needs the ELF object", a->file, a->verb);
		else
			p_err("%s: neither a BPF ELF object nor a bpfnic image", a->file);
		free(buf);
		return EXIT_USAGE;
	}
	free(buf);
	return load_elf(a, rp);
}

void run_prog_free(struct run_prog *rp)
{
	for (uint32_t i = 0; rp->img_names && i < rp->pm.n; i++)
		free(rp->img_names[i]);
	free(rp->img_names);
	free(rp->img_defs);
	free(rp->img);
	elf_free_prog(&rp->p);
	memset(rp, 0, sizeof(*rp));
}

static int sim_create(const struct prog_args *a, const struct bn_sim_ops *ops,
		      struct bn_sim **sim)
{
	char err[256] = "";
	int ret;

	ret = bn_sim_params_check(&a->params, err, sizeof(err));
	if (ret) {
		p_err("invalid simulator parameters: %s", err[0] ? err : strerror(-ret));
		return EXIT_USAGE;
	}
	*sim = bn_sim_create(&a->params, ops, err, sizeof(err));
	if (!*sim) {
		p_err("cannot create the simulator: %s", err[0] ? err : "unknown error");
		return EXIT_FAIL;
	}
	return 0;
}

int sim_setup(const struct prog_args *a, const struct run_prog *rp,
	      const struct bn_sim_ops *ops, struct bn_sim **sim, uint32_t *ids)
{
	char err[256] = "";
	int ret;

	*sim = NULL;
	ret = presets_check(a->presets, a->npresets, &rp->pm);
	ret = ret ? : sim_create(a, ops, sim);
	ret = ret ? : sim_maps_create(*sim, &rp->pm, ids);
	ret = ret ? : sim_maps_preset(*sim, &rp->pm, ids, a->presets, a->npresets);
	if (ret)
		return ret;
	ret = bn_sim_prog_load(*sim, rp->img, rp->img_len, ids, rp->pm.n, err, sizeof(err));
	if (ret) {
		p_err("%s: the simulator rejected the image: %s", rp->name,
		      err[0] ? err : strerror(-ret));
		return EXIT_FAIL;
	}
	return 0;
}
