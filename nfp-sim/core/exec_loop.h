/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * The interpreter loop, included three times by exec.c: EXEC_FN is the
 * function name, EXEC_TRACE says whether the trace hook runs before each
 * instruction, EXEC_CHECKED whether the watchdog is checked per instruction
 * (general forms only) or per straight run (every form).  Dispatch is a computed goto over the pre-decoded handler
 * (bn_dinsn.x); the labels for each isa.def row run that row's SEM_
 * fragment (sem.h), in the general form and, in exec_fast, in the plain
 * and mixed forms too (nicsim_int.h).
 *
 * The thread runs until it sleeps (memory command, ctx_wait, helper
 * latency), ends its packet or faults.  Hot state (pc, watchdog budget,
 * defer-slot countdown, the FPC clock) lives in locals and is written back
 * on the way out.
 */

#if EXEC_TRACE
#define TRACE() do { f->now = now; trace_insn(f, t, p, in - code); } while (0)
#else
#define TRACE() do { } while (0)
#endif

#if EXEC_CHECKED
#define BUDGET() do {							\
	if (unlikely(!budget))						\
		goto watchdog;						\
	budget--;							\
} while (0)
#define RUNCHECK() do { } while (0)
#define LP(name)	l_##name	/* the trace shows every flag: general forms */
#define LX(name)	l_##name
#define LPS(name)	l_##name
#define LXS(name)	l_##name
#define LC(c)		l_br_cmp
#define LPK(name, k)	l_##name
#define LXK(name, k)	l_##name
#else
#define BUDGET() do { budget--; } while (0)
#define RUNCHECK() do {							\
	if (unlikely(budget < in->run))					\
		goto careful;						\
} while (0)
#define LP(name)	lp_##name
#define LX(name)	lx_##name
#define LPS(name)	lps_##name
#define LXS(name)	lxs_##name
#define LC(c)		lc_##c
#define LPK(name, k)	lpk_##k##_##name
#define LXK(name, k)	lxk_##k##_##name
#endif

static int EXEC_FN(struct bn_fpc *f, struct bn_thr *t)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"	/* rows override the default */
	/* handlers as offsets from l_oob: constants, no relocations */
	static const s32 ops[BN_X_NATIVE + 1] = {
		[0 ... BN_X_NATIVE] = 0,	/* l_oob: undefined opcodes, sentinels */
#if !EXEC_CHECKED
		[BN_X_NATIVE] = &&l_native - &&l_oob,
#endif
#define BN_INSN(name, opc, fmt, lat, flags, doc)	\
		[opc] = &&l_##name - &&l_oob, [(opc) | BN_X_PLAIN] = &&LP(name) - &&l_oob,	\
		[(opc) | BN_X_PLAINSH] = &&LPS(name) - &&l_oob, [(opc) | BN_X_MIXED] = &&LX(name) - &&l_oob, \
		[(opc) | BN_X_MIXEDSH] = &&LXS(name) - &&l_oob,
#include <bpfnic/isa.def>
#undef BN_INSN
#define BN_INSN(name, opc, fmt, lat, flags, doc)	\
		[(opc) | BN_X_PLAINSH_K(BN_SHC_LSL)] = &&LPK(name, LSL) - &&l_oob,	\
		[(opc) | BN_X_PLAINSH_K(BN_SHC_LSR)] = &&LPK(name, LSR) - &&l_oob,	\
		[(opc) | BN_X_PLAINSH_K(BN_SHC_ASR)] = &&LPK(name, ASR) - &&l_oob,	\
		[(opc) | BN_X_PLAINSH_K(BN_SHC_ROR)] = &&LPK(name, ROR) - &&l_oob,	\
		[(opc) | BN_X_MIXEDSH_K(BN_SHC_LSL)] = &&LXK(name, LSL) - &&l_oob,	\
		[(opc) | BN_X_MIXEDSH_K(BN_SHC_LSR)] = &&LXK(name, LSR) - &&l_oob,	\
		[(opc) | BN_X_MIXEDSH_K(BN_SHC_ASR)] = &&LXK(name, ASR) - &&l_oob,	\
		[(opc) | BN_X_MIXEDSH_K(BN_SHC_ROR)] = &&LXK(name, ROR) - &&l_oob,
#include <bpfnic/isa.def>
#undef BN_INSN
#define BN_CMP_COND(c)	[BN_X_COND | BN_COND_##c] = &&LC(c) - &&l_oob,
		BN_CMP_CONDS
#undef BN_CMP_COND
	};
#pragma GCC diagnostic pop
#if EXEC_SWITCH_TABLE
	if (unlikely(!f)) {	/* bn_exec_handler() asks for the handler offsets */
		__atomic_store_n(&bn_fast_ops, ops, __ATOMIC_RELEASE);
		return 0;
	}
#endif
	const struct bn_prog *p = f->prog;
	const struct bn_dinsn *const code = p->code;
	const struct bn_dinsn *in = code + t->pc;
	const struct bn_dinsn *dpc = t->defer_left ? code + t->defer_pc : code;
	u32 *const r = t->r;
	u8 *const lmw = f->lm + t->lm_base;
	const u32 win = f->sim->win;
	u32 budget = t->budget, dl = t->defer_left, lmroom;
	u8 *ob[4] = { (u8 *)r, (u8 *)r, NULL, (u8 *)r };	/* by enum bn_kind */
	u64 now = f->now;
	int rc;

	LMSYNC();
	(void)lmroom;		/* the checked loops have no mixed forms */

	RUNCHECK();
	DISPATCH();

#define BN_INSN(name, opc, fmt, lat, flags, doc)	\
l_##name: {						\
	enum { FORM = F_GEN };				\
	const u32 COST = bn_lat_cycles[lat];		\
	SEM_##name;					\
	ADVANCE();					\
	DISPATCH();					\
}
#include <bpfnic/isa.def>
#undef BN_INSN

#if !EXEC_CHECKED
#define BN_INSN(name, opc, fmt, lat, flags, doc)	\
lp_##name: {						\
	enum { FORM = F_PLAIN };			\
	const u32 COST = bn_lat_cycles[lat];		\
	SEM_##name;					\
	ADVANCE();					\
	DISPATCH();					\
}
#include <bpfnic/isa.def>
#undef BN_INSN

#define BN_INSN(name, opc, fmt, lat, flags, doc)	\
lps_##name: {						\
	enum { FORM = F_PLAINSH };			\
	const u32 COST = bn_lat_cycles[lat];		\
	SEM_##name;					\
	ADVANCE();					\
	DISPATCH();					\
}
#include <bpfnic/isa.def>
#undef BN_INSN

#define BN_INSN(name, opc, fmt, lat, flags, doc)	\
lx_##name: {						\
	enum { FORM = F_MIXED };			\
	const u32 COST = bn_lat_cycles[lat];		\
	if (unlikely(in->lmn > lmroom))			\
		goto *(&&l_oob + ops[in->op]);	/* general form */	\
	SEM_##name;					\
	ADVANCE();					\
	DISPATCH();					\
}							\
lxs_##name: {						\
	enum { FORM = F_MIXEDSH };			\
	const u32 COST = bn_lat_cycles[lat];		\
	if (unlikely(in->lmn > lmroom))			\
		goto *(&&l_oob + ops[in->op]);			\
	SEM_##name;					\
	ADVANCE();					\
	DISPATCH();					\
}
#include <bpfnic/isa.def>
#undef BN_INSN

/* The shifted forms again, one handler per shift kind. */
#define SH_PLAIN(name, lat, k)				\
lpk_##k##_##name: {					\
	enum { FORM = F_PLAINSH, SHK = BN_SHC_##k };	\
	const u32 COST = bn_lat_cycles[lat];		\
	SEM_##name;					\
	ADVANCE();					\
	DISPATCH();					\
}
#define SH_MIXED(name, lat, k)				\
lxk_##k##_##name: {					\
	enum { FORM = F_MIXEDSH, SHK = BN_SHC_##k };	\
	const u32 COST = bn_lat_cycles[lat];		\
	if (unlikely(in->lmn > lmroom))			\
		goto *(&&l_oob + ops[in->op]);			\
	SEM_##name;					\
	ADVANCE();					\
	DISPATCH();					\
}
#define BN_INSN(name, opc, fmt, lat, flags, doc)	\
	SH_PLAIN(name, lat, LSL) SH_PLAIN(name, lat, LSR)	\
	SH_PLAIN(name, lat, ASR) SH_PLAIN(name, lat, ROR)	\
	SH_MIXED(name, lat, LSL) SH_MIXED(name, lat, LSR)	\
	SH_MIXED(name, lat, ASR) SH_MIXED(name, lat, ROR)
#include <bpfnic/isa.def>
#undef BN_INSN
#undef SH_PLAIN
#undef SH_MIXED

/*
 * A translated block (native.c) from here: the lm room its operands need
 * and the watchdog budget for all its instructions (it may run a branch's
 * defer slots, past the straight run) checked once; short of either, this
 * instruction's own handler runs.  The host code runs the block (and the
 * blocks it chains into) and says where to go on, what it cost, and why it
 * stopped if it did: the thread sleeps, stalls, faults or is done, or the
 * instruction there is the interpreter's to run (bn_native_run()).
 */
l_native: {
	u64 c_, rv_;

	if (unlikely(in->nlmn > lmroom || budget + 1 < in->nf))
		goto *(&&l_oob + ops[in->x]);
	budget++;		/* DISPATCH() counted this one: the block counts it */
	f->now = now;		/* memory commands and helpers read the clock there */
	rv_ = bn_native_run(p->nat + in->nat, f, t, ob[BN_K_LM], &lmroom, &c_, &budget);
	now = f->now + c_;
	in = code + (u32)rv_;
	if (unlikely(rv_ >> 32)) {
		if (rv_ >> 32 == BN_NATIVE_INTERP) {
			budget--;	/* as DISPATCH() counts it */
			goto *(&&l_oob + ops[in->x]);
		}
		if (rv_ >> 32 == BN_NATIVE_DONE)
			goto done;
		if (rv_ >> 32 == BN_STEP_FAULT)
			goto fault;
		if (rv_ >> 32 == BN_STEP_STALL)
			budget++;	/* it will issue again */
		goto sleep;	/* asleep (it goes on at `in`) or stalled at `in` */
	}
	RUNCHECK();
	DISPATCH();
}

#define BN_CMP_COND(c)					\
lc_##c: {						\
	enum { FORM = F_COND, CONDK = BN_COND_##c };	\
	const u32 COST = bn_lat_cycles[BN_LAT_BR];	\
	SEM_br_cmp;					\
}
	BN_CMP_CONDS
#undef BN_CMP_COND
#endif

l_oob:
	bn_thr_why(t, "pc %#x is outside the code", bn_index_to_pc(p, in - code));
	goto fault;
#if EXEC_CHECKED
watchdog:
	bn_thr_why(t, "watchdog: %u instructions without done", BN_WATCHDOG_INSNS);
	goto fault;
#else
careful:
	rc = BN_RUN_CAREFUL;	/* `in` not run yet: exec_careful goes on from it */
	goto out;
#endif
sleep_adv:
	now += in->cost;
	in++;
	if (unlikely(dl) && !--dl)
		in = dpc;
sleep:
	rc = BN_RUN_SLEEP;
	goto out;
done:
	rc = BN_RUN_DONE;
	goto out;
fault:
	t->fault_pc = bn_index_to_pc(p, in - code);
	rc = BN_RUN_FAULT;
out:
	f->now = now;
	t->pc = in - code;
	t->budget = budget;
	t->defer_left = dl;
	if (dl)			/* defer_pc means nothing without slots to run */
		t->defer_pc = dpc - code;
	return rc;
}

#undef TRACE
#undef BUDGET
#undef RUNCHECK
#undef LP
#undef LX
#undef LPS
#undef LXS
#undef LC
#undef LPK
#undef LXK
