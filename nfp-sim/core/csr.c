// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Control and status registers (isa.h).  The context words CSR 0x40..0x7f
 * hold the program's xdp_md / __sk_buff, filled by the packet engine; a
 * write is allowed only where the kernel lets the program type write
 * (tc_cls_act_is_valid_access in 6.1, without tstamp), with the kernel's
 * store widths: tc_index and tc_classid are 16-bit fields, and a
 * queue_mapping of 0xffff or more is ignored (NO_QUEUE_MAPPING).
 * Undefined CSRs, read-only CSRs and forbidden context words fault.
 */
#include "nicsim_int.h"

/* struct __sk_buff word offsets the tc program may write. */
#define SKB_MARK		(8 / 4)
#define SKB_QUEUE_MAPPING	(12 / 4)
#define SKB_PRIORITY		(32 / 4)
#define SKB_TC_INDEX		(44 / 4)
#define SKB_CB0			(48 / 4)
#define SKB_CB4			(64 / 4)
#define SKB_TC_CLASSID		(72 / 4)

u64 bn_clock_ns(struct bn_fpc *f)
{
	struct bn_sim *sim = f->sim;

	if (sim->ops.clock_ns)
		return sim->ops.clock_ns(sim->ops.opaque);
	return (sim->cycle_base + f->now) * 1000 / sim->p.mhz;
}

int bn_csr_read(struct bn_fpc *f, struct bn_thr *t, u32 csr, u32 *v)
{
	u64 ns;

	switch (csr) {
	case BN_CSR_THREAD:	*v = t->idx; break;
	case BN_CSR_FPC:	*v = f->idx; break;
	case BN_CSR_ISLAND:	*v = f->island; break;
	case BN_CSR_LM_FP:	*v = t->lm_fp; break;
	case BN_CSR_LM_FP_ADDR:	*v = BN_ADDR_LM + t->lm_base + t->lm_fp; break;
	case BN_CSR_TS_LO:
		ns = bn_clock_ns(f);
		t->ts_hi = ns >> 32;
		*v = (u32)ns;
		break;
	case BN_CSR_TS_HI:	*v = t->ts_hi; break;
	case BN_CSR_PRNG:	*v = bn_rng_next(&f->prng) >> 32; break;
	default:
		if (csr < BN_CSR_CTX_BASE || csr >= BN_CSR_CTX_BASE + BN_CSR_CTX_WORDS) {
			bn_thr_why(t, "csr_rd: no csr %#x", csr);
			return BN_STEP_FAULT;
		}
		*v = t->ctx[csr - BN_CSR_CTX_BASE];
		break;
	}
	return BN_STEP_OK;
}

static int ctx_write(struct bn_fpc *f, struct bn_thr *t, u32 w, u32 v)
{
	bool tc = f->prog->type == BN_PROG_TC;

	if (tc && (w == SKB_MARK || w == SKB_PRIORITY || (w >= SKB_CB0 && w <= SKB_CB4))) {
		t->ctx[w] = v;
	} else if (tc && (w == SKB_TC_INDEX || w == SKB_TC_CLASSID)) {
		t->ctx[w] = v & 0xffff;
	} else if (tc && w == SKB_QUEUE_MAPPING) {
		if (v < 0xffff)
			t->ctx[w] = v;
	} else {
		bn_thr_why(t, "csr_wr: %s programs may not write ctx word at offset %u",
			   tc ? "tc" : "XDP", 4 * w);
		return BN_STEP_FAULT;
	}
	return BN_STEP_OK;
}

int bn_csr_write(struct bn_fpc *f, struct bn_thr *t, u32 csr, u32 v)
{
	if (csr >= BN_CSR_CTX_BASE && csr < BN_CSR_CTX_BASE + BN_CSR_CTX_WORDS)
		return ctx_write(f, t, csr - BN_CSR_CTX_BASE, v);
	if (csr == BN_CSR_LM_FP) {
		/* the window bound is checked where lm[n] is used */
		if ((v & 3) || v > f->sim->win) {
			bn_thr_why(t, "csr_wr: lm_fp %#x is not a word offset inside the %u-byte window",
				   v, f->sim->win);
			return BN_STEP_FAULT;
		}
		t->lm_fp = v;
		return BN_STEP_OK;
	}
	if (csr <= BN_CSR_PRNG)
		bn_thr_why(t, "csr_wr: csr %#x is read-only", csr);
	else
		bn_thr_why(t, "csr_wr: no csr %#x", csr);
	return BN_STEP_FAULT;
}
