// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * The NIC object: islands x FPCs x threads built from the parameters, the
 * firmware routine table, logging, program references and the debugging
 * entry points of nicsim_trace.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nicsim_int.h"

/* ---- messages ---------------------------------------------------------------- */

int bn_errf(char *err, size_t len, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return ret;
}

void bn_thr_why(struct bn_thr *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->why, sizeof(t->why), fmt, ap);
	va_end(ap);
}

void bn_log(struct bn_sim *sim, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!sim->ops.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sim->ops_locked)
		pthread_mutex_lock(&sim->ops_lock);
	sim->ops.log(sim->ops.opaque, msg);
	if (sim->ops_locked)
		pthread_mutex_unlock(&sim->ops_lock);
}

/* ---- firmware routines ---------------------------------------------------------- */

static const struct {
	u32 id;
	const char *name;
} helpers[BN_NUM_HELPERS] = {
	{ BN_FW_MAP_LOOKUP,	"map_lookup_elem" },
	{ BN_FW_MAP_UPDATE,	"map_update_elem" },
	{ BN_FW_MAP_DELETE,	"map_delete_elem" },
	{ BN_FW_KTIME,		"ktime_get_ns" },
	{ BN_FW_PRANDOM,	"get_prandom_u32" },
	{ BN_FW_ADJUST_HEAD,	"xdp_adjust_head" },
	{ BN_FW_ADJUST_TAIL,	"xdp_adjust_tail" },
	{ BN_FW_PERF_OUTPUT,	"perf_event_output" },
};

int bn_helper_slot(u32 fwid)
{
	int i;

	for (i = 0; i < BN_NUM_HELPERS; i++)
		if (helpers[i].id == fwid)
			return i;
	return -1;
}

const char *bn_helper_name(u32 fwid)
{
	int i = bn_helper_slot(fwid);

	return i < 0 ? "unknown" : helpers[i].name;
}

/* Each helper's stub is two instructions: fw_call ID; rtn a28. */
u32 bn_stub_addr(u32 fwid)
{
	return BN_FW_REGION + 2 * bn_helper_slot(fwid);
}

u32 bn_helper_id(u32 slot)
{
	return helpers[slot].id;
}

uint32_t bn_sim_helpers(uint32_t *ids, uint32_t *addrs, uint32_t max)
{
	u32 i;

	for (i = 0; i < BN_NUM_HELPERS && i < max; i++) {
		ids[i] = helpers[i].id;
		addrs[i] = bn_stub_addr(helpers[i].id);
	}
	return BN_NUM_HELPERS;
}

/* ---- construction ------------------------------------------------------------------ */

void bn_rng_seed(struct bn_rng *r, u64 seed, u64 stream)
{
	u64 z = seed + 0x9e3779b97f4a7c15ull * (stream + 1);

	/* splitmix64 finaliser: distinct streams from one seed */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	r->s = z ? z : 0x2545f4914f6cdd1dull;
}

static void thr_init(struct bn_sim *sim, struct bn_fpc *f, struct bn_thr *t, u32 i)
{
	u32 v;

	t->idx = i;
	t->lm_base = i * sim->win;
	t->frame = (f->idx * sim->p.threads + i) * sim->frame;
	for (v = 0; v <= BN_IMM8_MAX; v++)
		t->r[BN_RF_IMM + v] = v;
}

static int fpc_init(struct bn_sim *sim, struct bn_island *isl, u32 island, u32 i)
{
	struct bn_fpc *f = &isl->fpc[i];
	u32 k;

	f->sim = sim;
	f->isl = isl;
	f->island = island;
	f->idx = i;
	f->gidx = island * sim->p.fpcs + i;
	f->nthr = sim->p.threads;
	f->lm = calloc(1, sim->p.lm_size);
	f->thr = calloc(f->nthr, sizeof(*f->thr));
	if (!f->lm || !f->thr)
		return -ENOMEM;
	bn_rng_seed(&f->lat_rng, sim->p.seed, 2 * f->gidx);
	bn_rng_seed(&f->prng, sim->p.seed, 2 * f->gidx + 1);
	for (k = 0; k < f->nthr; k++)
		thr_init(sim, f, &f->thr[k], k);
	return 0;
}

static int islands_init(struct bn_sim *sim)
{
	u32 i, k;

	sim->isl = calloc(sim->p.islands, sizeof(*sim->isl));
	if (!sim->isl)
		return -ENOMEM;
	for (i = 0; i < sim->p.islands; i++) {
		struct bn_island *isl = &sim->isl[i];

		isl->cls = calloc(1, sim->p.cls_size);
		isl->ctm = calloc(1, sim->p.ctm_size);
		isl->fpc = calloc(sim->p.fpcs, sizeof(*isl->fpc));
		if (!isl->cls || !isl->ctm || !isl->fpc)
			return -ENOMEM;
		for (k = 0; k < sim->p.fpcs; k++)
			if (fpc_init(sim, isl, i, k))
				return -ENOMEM;
	}
	return 0;
}

static void islands_fini(struct bn_sim *sim)
{
	u32 i, k;

	if (!sim->isl)
		return;
	for (i = 0; i < sim->p.islands; i++) {
		struct bn_island *isl = &sim->isl[i];

		for (k = 0; isl->fpc && k < sim->p.fpcs; k++) {
			free(isl->fpc[k].lm);
			free(isl->fpc[k].thr);
		}
		free(isl->fpc);
		free(isl->cls);
		free(isl->ctm);
	}
	free(sim->isl);
}

struct bn_sim *bn_sim_create(const struct bn_sim_params *p, const struct bn_sim_ops *ops,
			     char *err, size_t errlen)
{
	struct bn_sim *sim;

	if (bn_sim_params_check(p, err, errlen))
		return NULL;
	sim = calloc(1, sizeof(*sim));
	if (!sim) {
		bn_errf(err, errlen, 0, "out of memory");
		return NULL;
	}
	sim->p = *p;
	if (ops)
		sim->ops = *ops;
	sim->win = p->lm_size / p->threads;
	sim->frame = bn_frame_size(p);
	pthread_mutex_init(&sim->lock, NULL);
	pthread_mutex_init(&sim->run_lock, NULL);
	pthread_mutex_init(&sim->ops_lock, NULL);
	pthread_mutex_init(&sim->atomic_lock, NULL);
	if (bn_mem_init(sim, err, errlen))
		goto fail;
	if (islands_init(sim)) {
		bn_errf(err, errlen, 0, "out of memory for %u islands", p->islands);
		goto fail;
	}
	if (bn_stubs_build(sim, err, errlen))
		goto fail;
	return sim;
fail:
	bn_sim_destroy(sim);
	return NULL;
}

void bn_sim_destroy(struct bn_sim *sim)
{
	if (!sim)
		return;
	bn_pool_destroy(sim->pool);
	bn_sim_prog_unload(sim);
	bn_maps_fini(sim);
	islands_fini(sim);
	bn_mem_fini(sim);
	pthread_mutex_destroy(&sim->lock);
	pthread_mutex_destroy(&sim->run_lock);
	pthread_mutex_destroy(&sim->ops_lock);
	pthread_mutex_destroy(&sim->atomic_lock);
	free(sim);
}

/* ---- program references ------------------------------------------------------------ */

struct bn_prog *bn_prog_get(struct bn_sim *sim)
{
	struct bn_prog *p;

	pthread_mutex_lock(&sim->lock);
	p = sim->prog;
	if (p)
		p->refs++;
	pthread_mutex_unlock(&sim->lock);
	return p;
}

static void prog_free(struct bn_prog *p)
{
	u32 i;

	for (i = 0; i < p->nmaps; i++)
		if (p->maps[i])		/* NULL: a host PERF_EVENT_ARRAY */
			p->maps[i]->prog_refs--;
	free(p->maps);
	bn_native_free(p);
	free(p->code);
	free(p->words);
	free(p);
}

void bn_prog_put(struct bn_sim *sim, struct bn_prog *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&sim->lock);
	if (--p->refs == 0)
		prog_free(p);
	pthread_mutex_unlock(&sim->lock);
}

void bn_sim_prog_unload(struct bn_sim *sim)
{
	struct bn_prog *old;

	pthread_mutex_lock(&sim->lock);
	old = sim->prog;
	sim->prog = NULL;
	pthread_mutex_unlock(&sim->lock);
	bn_prog_put(sim, old);
}

/* ---- debugging entry points ---------------------------------------------------------- */

void bn_sim_set_trace(struct bn_sim *sim, bn_sim_trace_fn fn, void *opaque)
{
	sim->trace = fn;
	sim->trace_opaque = opaque;
}

static struct bn_fpc *dev_fpc(struct bn_sim *sim, u32 island, u32 fpc)
{
	if (island >= sim->p.islands || fpc >= sim->p.fpcs)
		return NULL;
	return &sim->isl[island].fpc[fpc];
}

int bn_sim_dev_read(struct bn_sim *sim, uint32_t island, uint32_t fpc, uint32_t addr,
		    void *buf, uint32_t len)
{
	struct bn_fpc *f = dev_fpc(sim, island, fpc);

	if (!f)
		return -EFAULT;
	return bn_mem_copy(f, NULL, -1, addr, buf, len, false, "dev_read");
}

int bn_sim_dev_write(struct bn_sim *sim, uint32_t island, uint32_t fpc, uint32_t addr,
		     const void *buf, uint32_t len)
{
	struct bn_fpc *f = dev_fpc(sim, island, fpc);

	if (!f)
		return -EFAULT;
	return bn_mem_copy(f, NULL, -1, addr, (void *)buf, len, true, "dev_write");
}
