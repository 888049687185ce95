// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * The FPC interpreter: the operand vocabulary of sem.h, its slow paths
 * (LM words, pending transfer registers), and two instances of the loop in
 * exec_loop.h: exec_fast (every handler form, the watchdog checked per
 * straight run), exec_careful and exec_traced (general forms, the watchdog
 * checked per instruction; exec_traced calls the trace hook).  Faults and sleeps leave through labels of the loop, so the
 * fast path carries no error checks beyond the operand kind of the rarer
 * operands.
 */
#include <string.h>
#include "nicsim_int.h"
#include "sem.h"

/* Cycles per latency class: every instance of a row costs the same (loader.c). */
static const u8 bn_lat_cycles[BN_LAT__COUNT] = BN_LAT_CYCLES_INIT;

/* ---- slow operand paths ------------------------------------------------------- */

/* An lm[n] operand that leaves the thread's window: the fault's reason. */
static __attribute__((noinline, cold)) void lm_fault(struct bn_fpc *f, struct bn_thr *t, u32 n)
{
	bn_thr_why(t, "lm[%u] at lm_fp %#x leaves the thread's %u-byte lm window",
		   n, t->lm_fp, f->sim->win);
}

/*
 * Reading a transfer register whose memory read has not completed is a bug;
 * commands due by @now complete first.
 */
static __attribute__((noinline)) bool rd_xin(struct bn_thr *t, u32 i, u64 now, u32 *v)
{
	u32 bit = 1u << (i - BN_RF_XIN);

	bn_retire(t, now);
	if (t->xin_pending & bit) {
		bn_thr_why(t, "$x%u read before its memory read completed", i - BN_RF_XIN);
		return false;
	}
	*v = t->r[i];
	return true;
}

/*
 * The vocabulary of sem.h.  The interpreter keeps the FPC clock in the
 * local `now` and the thread's LM window in `lmw`: STEP() hands the clock
 * to the out-of-line routines and takes it back.  LM words are in bounds
 * when LM_FP + 4n + 4 is inside the window (the lm_fp CSR is checked when
 * written); a pending xfer-in word makes the read take the slow path.
 * FORM says which form of the row a handler is (nicsim_int.h): general,
 * plain (r[] operands, destination r[d] and r[d2]), mixed (operand at
 * ob[kind] + 4 * index, lm room checked on entry), each special form with
 * B raw or through the shifter, and br_cmp per condition; the special
 * forms skip FLAGS() and the defer-slot countdown.
 */
#define F_GEN		0
#define F_PLAIN		1
#define F_MIXED		2
#define F_COND		3	/* BN_X_COND: plain operands, CONDK its condition */
#define F_PLAINSH	4	/* plain, B through the shifter */
#define F_MIXEDSH	5	/* mixed, B through the shifter */
#define MIXED		(FORM == F_MIXED || FORM == F_MIXEDSH)
#define RFONLY		(FORM == F_PLAIN || FORM == F_COND || FORM == F_PLAINSH)
enum { CONDK = 0 };		/* the condition of an F_COND handler */
enum { SHK = 0 };		/* the shift kind of a shifted form's handler, if one */
#define FLAGS_DEAD	(FORM == F_COND)
#define CMP_COND	CONDK
#define LMP(n) ({							\
	u32 o_ = t->lm_fp + 4 * (n);					\
	if (unlikely(o_ + 4 > win)) {					\
		lm_fault(f, t, (n));					\
		goto fault;						\
	}								\
	lmw + o_; })
#define A ({								\
	u32 v_;								\
	if (RFONLY || (FORM == F_GEN && likely(in->ak == BN_K_R)))	\
		v_ = r[in->a];						\
	else if (MIXED)							\
		memcpy(&v_, ob[in->ak] + 4 * (size_t)in->a, 4);		\
	else								\
		memcpy(&v_, LMP(in->a), 4);				\
	v_; })
#define BRAW ({							\
	u32 v_ = r[in->b];						\
	if (FORM == F_GEN && unlikely(in->bk != BN_K_R) &&		\
	    unlikely(t->xin_pending & (1u << (in->b - BN_RF_XIN)))) {	\
		if (!rd_xin(t, in->b, now, &v_))			\
			goto fault;					\
		LMSYNC();	/* it retired commands */		\
	}								\
	v_; })
#define B ({								\
	u32 w_ = BRAW;							\
	FORM == F_PLAIN || FORM == F_MIXED ? w_ :			\
	FORM == F_PLAINSH || FORM == F_MIXEDSH ?			\
		bn_shift_sh(w_, SHK ? SHK : in->shc, in->shamt) :	\
	in->shc ? bn_shift(w_, in->shc, in->shamt) : w_; })
#define DOLD	A	/* merge instructions decode their destination into the A port */
#define WD(val) do {							\
	u32 w_ = (val);							\
	if (RFONLY) {							\
		r[in->d] = w_;						\
		r[in->d2] = w_;						\
	} else if (MIXED) {						\
		memcpy(ob[in->dk] + 4 * (size_t)in->d, &w_, 4);		\
		r[in->d2] = w_;						\
	} else if (likely(in->dk == BN_K_BOTH)) {			\
		r[BN_RF_A + in->d] = w_;				\
		r[BN_RF_B + in->d] = w_;				\
	} else if (likely(in->dk == BN_K_R)) {				\
		r[in->d] = w_;						\
	} else {							\
		memcpy(LMP(in->d), &w_, 4);				\
	}								\
} while (0)
#define PAIR(i)		(r[i] | (u64)r[(i) + 1] << 32)
#define PAIR_A		PAIR(in->a)
#define PAIR_B		PAIR(in->b)
#define WPAIR(val) do {							\
	u64 w_ = (val);							\
	r[in->d] = (u32)w_;						\
	r[in->d + 1] = w_ >> 32;					\
	if (in->dk == BN_K_BOTH) {					\
		r[BN_RF_B + in->d] = (u32)w_;				\
		r[BN_RF_B + in->d + 1] = w_ >> 32;			\
	}								\
} while (0)
#define IMM		(in->imm)
#define SHAMT		(in->shamt)
#define FL		(t->fl)
#define FLAGS(z, n, c, v)	do { if (FORM == F_GEN) t->fl = MKFL(z, n, c, v); } while (0)
#define ZP		((t->fl >> 3) & 1)
#define CF		((t->fl >> 1) & 1)
#define COND		((bn_cond_tab[t->fl] >> in->cond) & 1)

/*
 * Run the instruction at `in`.  Every handler ends in its own copy of this
 * (threaded dispatch: one indirect jump per handler predicts far better
 * than a shared one); the watchdog counts every instruction (BUDGET), and
 * exec_fast checks it only where control enters a straight run (RUNCHECK:
 * with fewer instructions left than the run has, exec_careful takes over
 * and checks each one).
 */
/* exec_fast reads its handler from the instruction: one load, the jump resolves early */
#define HANDLER()	(&&l_oob + (EXEC_SWITCH_TABLE ? in->hoff : ops[in->x]))
#define DISPATCH() do {							\
	BUDGET();							\
	TRACE();							\
	goto *HANDLER();						\
} while (0)

/*
 * Fall through to the next instruction, or to the branch after its defer
 * slots.  COST is the row's latency (bn_dinsn.cost of every instance); a
 * special form is never in a defer slot (the loader checks), so dl is 0.
 */
#define ADVANCE() do {							\
	now += COST;							\
	in++;								\
	if (FORM == F_GEN && unlikely(dl) && !--dl) {			\
		in = dpc;						\
		RUNCHECK();						\
	}								\
} while (0)

#define BRANCH_TO(taken, target) do {					\
	const struct bn_dinsn *n_;					\
	if (FORM == F_GEN && unlikely(dl)) {	/* special: never in a slot */ \
		bn_thr_why(t, "%s in a defer slot", bn_isa[in->op].name); \
		goto fault;						\
	}								\
	if (taken) {							\
		now += in->tcost;					\
		n_ = code + (target);					\
	} else {							\
		now += COST;						\
		n_ = in + 1 + in->defer;				\
	}								\
	if (in->defer) {						\
		dl = in->defer;						\
		dpc = n_;						\
		in++;							\
	} else {							\
		in = n_;						\
	}								\
	RUNCHECK();							\
	DISPATCH();							\
} while (0)
#define BRANCH(taken)	BRANCH_TO(taken, in->target)
#define JUMP(addr) do {							\
	u32 i_ = 0;							\
	if (!bn_pc_to_index(p, (addr), &i_) && !dl) {			\
		bn_thr_why(t, "rtn to %#x, outside the code", (addr));	\
		goto fault;						\
	}								\
	BRANCH_TO(1, i_);						\
} while (0)
/*
 * lm_fp may have moved (csr_wr), reads may be pending: the mixed form's lm
 * base, and how many lm words from lm_fp it may touch (none while any
 * xfer-in read is pending: every mixed form needs at least one).
 */
#define LMSYNC() do {							\
	ob[BN_K_LM] = lmw + t->lm_fp;					\
	lmroom = t->xin_pending ? 0 : (win - t->lm_fp) / 4;		\
} while (0)
#define STEP(expr) do {							\
	int s_;								\
	f->now = now;							\
	s_ = (expr);							\
	now = f->now;							\
	switch (s_) {							\
	case BN_STEP_OK:						\
		LMSYNC();	/* the thread runs on: csr_wr, mem_rd */ \
		break;							\
	case BN_STEP_SLEEP:						\
		goto sleep_adv;						\
	case BN_STEP_STALL:						\
		budget++;	/* it will issue again */		\
		goto sleep;						\
	default:							\
		goto fault;						\
	}								\
} while (0)
#define END(val) do {							\
	t->verdict = (val);						\
	now += COST;							\
	goto done;							\
} while (0)

/* The conditions of br_cmp, one F_COND handler each. */
#define BN_CMP_CONDS							\
	BN_CMP_COND(EQ) BN_CMP_COND(NE) BN_CMP_COND(HS) BN_CMP_COND(LO)	\
	BN_CMP_COND(HI) BN_CMP_COND(LS) BN_CMP_COND(GE) BN_CMP_COND(LT)	\
	BN_CMP_COND(GT) BN_CMP_COND(LE) BN_CMP_COND(MI) BN_CMP_COND(PL)	\
	BN_CMP_COND(SET) BN_CMP_COND(CLR) BN_CMP_COND(AL)

/* ---- trace hook ------------------------------------------------------------------- */

static void trace_insn(struct bn_fpc *f, struct bn_thr *t, const struct bn_prog *p, u32 pc)
{
	struct bn_sim_trace_insn ti = {
		.island = f->island, .fpc = f->idx, .thread = t->idx,
		.pc = bn_index_to_pc(p, pc), .word = p->words[pc], .cycle = f->now,
		.gpr_a = &t->r[BN_RF_A], .gpr_b = &t->r[p->one_bank ? BN_RF_A : BN_RF_B],
		.xfer_in = &t->r[BN_RF_XIN], .xfer_out = &t->r[BN_RF_XOUT],
		.flags = t->fl, .signals = t->sigs,
	};

	f->sim->trace(f->sim->trace_opaque, &ti);
}

/* ---- the two interpreters ------------------------------------------------------------ */

/*
 * Cross-jumping would merge the handlers' identical DISPATCH() tails back
 * into one shared indirect jump, which the host predicts far worse.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-crossjumping")
#endif

/* exec_fast left a run it could not finish within the watchdog budget. */
#define BN_RUN_CAREFUL	(BN_RUN_FAULT + 1)

/* exec_fast's handler offsets, by bn_dinsn.x (bn_exec_handler). */
static const s32 *bn_fast_ops;

#define EXEC_FN		exec_fast
#define EXEC_TRACE	0
#define EXEC_CHECKED	0
#define EXEC_SWITCH_TABLE	1
#include "exec_loop.h"
#undef EXEC_FN
#undef EXEC_TRACE
#undef EXEC_CHECKED
#undef EXEC_SWITCH_TABLE
#define EXEC_SWITCH_TABLE	0

#define EXEC_FN		exec_careful
#define EXEC_TRACE	0
#define EXEC_CHECKED	1
#include "exec_loop.h"
#undef EXEC_FN
#undef EXEC_TRACE
#undef EXEC_CHECKED

#define EXEC_FN		exec_traced
#define EXEC_TRACE	1
#define EXEC_CHECKED	1
#include "exec_loop.h"
#undef EXEC_FN
#undef EXEC_TRACE
#undef EXEC_CHECKED

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

/*
 * exec_fast's handler for pre-decoded handler number @x, as an offset from
 * its l_oob (bn_dinsn.hoff): exec_fast dispatches on it directly.
 */
s32 bn_exec_handler(u16 x)
{
	if (!__atomic_load_n(&bn_fast_ops, __ATOMIC_ACQUIRE))
		exec_fast(NULL, NULL);	/* publishes its table */
	return x <= BN_X_NATIVE ? bn_fast_ops[x] : 0;
}

int bn_exec(struct bn_fpc *f, struct bn_thr *t)
{
	int rc;

	if (unlikely(f->sim->trace))
		return exec_traced(f, t);
	rc = exec_fast(f, t);
	if (unlikely(rc == BN_RUN_CAREFUL))
		rc = exec_careful(f, t);
	return rc;
}
