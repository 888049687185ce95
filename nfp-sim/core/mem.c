// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Memory tiers and the device address map.  LM, CLS, CTM and IMEM are flat
 * host buffers; EMEM (up to 2 GiB) is a table of 64 KiB chunks: a map's
 * storage is one host block entered into the table at creation, any other
 * chunk is allocated zeroed on first touch.  Every access is bounds
 * checked; a thread's LM accesses are confined to its own window.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nicsim_int.h"

static const char *const tgt_names[5] = { "lm", "cls", "ctm", "imem", "emem" };

int bn_mem_init(struct bn_sim *sim, char *err, size_t errlen)
{
	sim->emem_nchunks = (sim->p.emem_size + BN_EMEM_CHUNK - 1) >> BN_EMEM_CHUNK_SHIFT;
	sim->imem = calloc(1, sim->p.imem_size);
	sim->emem = calloc(sim->emem_nchunks, sizeof(*sim->emem));
	sim->emem_owned = calloc(sim->emem_nchunks, 1);
	if (!sim->imem || !sim->emem || !sim->emem_owned)
		return bn_errf(err, errlen, -ENOMEM, "out of memory for IMEM/EMEM");
	return 0;
}

void bn_mem_fini(struct bn_sim *sim)
{
	u32 i;

	for (i = 0; sim->emem && i < sim->emem_nchunks; i++)
		if (sim->emem_owned[i])
			free(sim->emem[i]);
	for (i = 0; i < sim->emem_nretired; i++)
		free(sim->emem_retired[i]);
	free(sim->emem_retired);
	free(sim->emem);
	free(sim->emem_owned);
	free(sim->imem);
}

/* ---- address decoding ----------------------------------------------------------- */

struct where {
	int tgt;
	u8 *base;		/* NULL for EMEM */
	u64 off;		/* offset in the target */
	u64 lo, hi;		/* accessible [lo, hi) in the target */
};

static void decode_lm(struct bn_fpc *f, struct bn_thr *t, struct where *w)
{
	w->base = f->lm;
	w->lo = t ? t->lm_base : 0;
	w->hi = t ? t->lm_base + f->sim->win : f->sim->p.lm_size;
}

static bool decode(struct bn_fpc *f, struct bn_thr *t, u32 addr, struct where *w)
{
	const struct bn_sim_params *p = &f->sim->p;

	w->lo = 0;
	if (addr >= BN_ADDR_EMEM) {
		*w = (struct where){ BN_TGT_EMEM, NULL, addr - BN_ADDR_EMEM, 0, p->emem_size };
	} else if (addr >= BN_ADDR_IMEM) {
		*w = (struct where){ BN_TGT_IMEM, f->sim->imem, addr - BN_ADDR_IMEM, 0, p->imem_size };
	} else if (addr >= BN_ADDR_CTM) {
		*w = (struct where){ BN_TGT_CTM, f->isl->ctm, addr - BN_ADDR_CTM, 0, p->ctm_size };
	} else if (addr >= BN_ADDR_CLS) {
		*w = (struct where){ BN_TGT_CLS, f->isl->cls, addr - BN_ADDR_CLS, 0, p->cls_size };
	} else if (addr >= BN_ADDR_LM) {
		w->tgt = BN_TGT_LM;
		w->off = addr - BN_ADDR_LM;
		decode_lm(f, t, w);
	} else {
		return false;
	}
	return true;
}

static void why(struct bn_thr *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why(struct bn_thr *t, const char *fmt, ...)
{
	va_list ap;

	if (!t)
		return;
	va_start(ap, fmt);
	vsnprintf(t->why, sizeof(t->why), fmt, ap);
	va_end(ap);
}

/*
 * Resolve [addr, addr + len) for an access by @t (NULL: the host) that
 * must target @tgt (-1: any).  Fills @w; on failure explains in t->why.
 */
static bool resolve(struct bn_fpc *f, struct bn_thr *t, int tgt, u32 addr, u32 len,
		    const char *what, struct where *w)
{
	if (!decode(f, t, addr, w)) {
		why(t, "%s: address %#x is not device memory", what, addr);
		return false;
	}
	if (tgt >= 0 && w->tgt != tgt) {
		why(t, "%s: address %#x is not in %s", what, addr, tgt_names[tgt]);
		return false;
	}
	if (w->off < w->lo || w->off + len > w->hi) {
		if (w->tgt == BN_TGT_LM && t)
			why(t, "%s: %u bytes at %#x leave the thread's lm window %#llx..%#llx",
			    what, len, addr, (unsigned long long)(BN_ADDR_LM + w->lo),
			    (unsigned long long)(BN_ADDR_LM + w->hi - 1));
		else
			why(t, "%s: %u bytes at %#x overrun %s (%#llx bytes)", what, len, addr,
			    tgt_names[w->tgt], (unsigned long long)w->hi);
		return false;
	}
	return true;
}

/* ---- EMEM chunks ----------------------------------------------------------------- */

static u8 *emem_chunk(struct bn_sim *sim, u32 i)
{
	u8 *c = __atomic_load_n(&sim->emem[i], __ATOMIC_ACQUIRE);
	u8 *expect = NULL;

	if (likely(c))
		return c;
	c = calloc(1, BN_EMEM_CHUNK);
	if (!c)
		return NULL;
	if (__atomic_compare_exchange_n(&sim->emem[i], &expect, c, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		sim->emem_owned[i] = 1;
		return c;
	}
	free(c);		/* another host thread got there first */
	return expect;
}

static bool emem_copy(struct bn_sim *sim, struct bn_thr *t, u64 off, u8 *buf, u32 len,
		      bool write)
{
	while (len) {
		u32 in = off & (BN_EMEM_CHUNK - 1);
		u32 n = BN_EMEM_CHUNK - in < len ? BN_EMEM_CHUNK - in : len;
		u8 *c = emem_chunk(sim, off >> BN_EMEM_CHUNK_SHIFT);

		if (!c) {
			why(t, "emem: out of host memory");
			return false;
		}
		if (write)
			memcpy(c + in, buf, n);
		else
			memcpy(buf, c + in, n);
		off += n;
		buf += n;
		len -= n;
	}
	return true;
}

static void emem_retire(struct bn_sim *sim, u8 *chunk)
{
	u8 **r = realloc(sim->emem_retired, (sim->emem_nretired + 1) * sizeof(*r));

	if (!r)
		return;		/* leak it rather than free memory in use */
	r[sim->emem_nretired++] = chunk;
	sim->emem_retired = r;
}

/* ---- accesses ----------------------------------------------------------------------- */

int bn_mem_copy(struct bn_fpc *f, struct bn_thr *t, int tgt, u32 addr, void *buf,
		u32 len, bool write, const char *what)
{
	u8 *p = bn_mem_fast(f, t, tgt, addr, len);
	struct where w;

	if (likely(p)) {
		if (write)
			memcpy(p, buf, len);
		else
			memcpy(buf, p, len);
		return 0;
	}
	if (!resolve(f, t, tgt, addr, len, what, &w))
		return -EFAULT;
	if (!w.base)
		return emem_copy(f->sim, t, w.off, buf, len, write) ? 0 : -EFAULT;
	if (write)
		memcpy(w.base + w.off, buf, len);
	else
		memcpy(buf, w.base + w.off, len);
	return 0;
}

/* A host pointer to [addr, addr + len) if the range is contiguous there. */
u8 *bn_mem_ptr(struct bn_fpc *f, struct bn_thr *t, int tgt, u32 addr, u32 len,
	       const char *what)
{
	struct where w;
	u8 *c = bn_mem_fast(f, t, tgt, addr, len);

	if (likely(c))
		return c;
	if (!resolve(f, t, tgt, addr, len, what, &w))
		return NULL;
	if (w.base)
		return w.base + w.off;
	if ((w.off & (BN_EMEM_CHUNK - 1)) + len > BN_EMEM_CHUNK) {
		why(t, "%s: %u bytes at %#x cross a 64 KiB emem boundary", what, len, addr);
		return NULL;
	}
	c = emem_chunk(f->sim, w.off >> BN_EMEM_CHUNK_SHIFT);
	if (!c)
		why(t, "emem: out of host memory");
	return c ? c + (w.off & (BN_EMEM_CHUNK - 1)) : NULL;
}

/* ---- EMEM space for maps ---------------------------------------------------------------- */

static bool overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/* The end of the last chunk in [off, off + len) a program touched, or 0. */
static u64 touched_end(const struct bn_sim *sim, u64 off, u64 len)
{
	u64 i = (off + len) >> BN_EMEM_CHUNK_SHIFT;

	while (i-- > off >> BN_EMEM_CHUNK_SHIFT)
		if (sim->emem_owned[i])
			return (i + 1) << BN_EMEM_CHUNK_SHIFT;
	return 0;
}

/*
 * First fit for @len bytes (a multiple of the chunk size) among the maps'
 * ranges and the chunks programs touched outside any map (they may still
 * be in use).  Caller holds sim->lock.
 */
int bn_emem_alloc(struct bn_sim *sim, u64 len, u64 *off)
{
	u64 cand = 0, end;
	u32 i;

restart:
	if (cand + len > sim->p.emem_size)
		return -ENOSPC;
	for (i = 1; i <= BN_SIM_MAX_MAPS; i++) {
		struct bn_map *m = sim->maps[i];

		if (m && overlaps(cand, len, m->emem_off, m->emem_len)) {
			cand = m->emem_off + m->emem_len;
			goto restart;
		}
	}
	end = touched_end(sim, cand, len);
	if (end) {
		cand = end;
		goto restart;
	}
	*off = cand;
	return 0;
}

/*
 * Back [off, off + len) with a map's storage.  A chunk a program allocated
 * there since bn_emem_alloc() is not freed (it may be in use): it is kept
 * until the NIC is destroyed.
 */
void bn_emem_map(struct bn_sim *sim, u64 off, u64 len, u8 *host)
{
	u32 first = off >> BN_EMEM_CHUNK_SHIFT, n = len >> BN_EMEM_CHUNK_SHIFT, i;
	u8 *old;

	for (i = 0; i < n; i++) {
		old = __atomic_exchange_n(&sim->emem[first + i],
					  host + ((u64)i << BN_EMEM_CHUNK_SHIFT), __ATOMIC_ACQ_REL);
		if (sim->emem_owned[first + i])
			emem_retire(sim, old);
		sim->emem_owned[first + i] = 0;
	}
}

void bn_emem_unmap(struct bn_sim *sim, u64 off, u64 len)
{
	u32 first = off >> BN_EMEM_CHUNK_SHIFT, n = len >> BN_EMEM_CHUNK_SHIFT, i;

	for (i = 0; i < n; i++)
		__atomic_store_n(&sim->emem[first + i], NULL, __ATOMIC_RELEASE);
}
