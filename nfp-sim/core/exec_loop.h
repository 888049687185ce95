/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * The interpreter loop, included twice by exec.c: EXEC_FN is the function
 * name, EXEC_TRACE says whether the trace hook runs before each
 * instruction.  Dispatch is a computed goto over the pre-decoded opcode;
 * the label for each isa.def row runs that row's SEM_ fragment (sem.h).
 *
 * The thread runs until it sleeps (memory command, ctx_wait, helper
 * latency), ends its packet or faults.  Hot state (pc, watchdog budget,
 * defer-slot countdown, the FPC clock) lives in locals and is written back
 * on the way out.
 */

#if EXEC_TRACE
#define TRACE() do { f->now = now; trace_insn(f, t, p, pc); } while (0)
#else
#define TRACE() do { } while (0)
#endif

static int EXEC_FN(struct bn_fpc *f, struct bn_thr *t)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"	/* rows override the default */
	static const void *const ops[256] = {
		[0 ... 255] = &&l_oob,	/* undefined opcodes and the sentinels */
#define BN_INSN(name, opc, fmt, lat, flags, doc) [opc] = &&l_##name,
#include <bpfnic/isa.def>
#undef BN_INSN
	};
#pragma GCC diagnostic pop
	const struct bn_prog *p = f->prog;
	const struct bn_dinsn *const code = p->code;
	const struct bn_dinsn *in;
	u32 *const r = t->r;
	u8 *const lmw = f->lm + t->lm_base;
	const u32 win = f->sim->win;
	u32 pc = t->pc, budget = t->budget;
	u32 dl = t->defer_left, dpc = t->defer_pc, nxt;
	u64 now = f->now;
	int rc;

	DISPATCH();

#define BN_INSN(name, opc, fmt, lat, flags, doc)	\
l_##name:						\
	SEM_##name;					\
	ADVANCE();					\
	DISPATCH();
#include <bpfnic/isa.def>
#undef BN_INSN

l_oob:
	bn_thr_why(t, "pc %#x is outside the code", bn_index_to_pc(p, pc));
	goto fault;
watchdog:
	bn_thr_why(t, "watchdog: %u instructions without done", BN_WATCHDOG_INSNS);
	goto fault;
sleep_adv:
	ADVANCE();
sleep:
	rc = BN_RUN_SLEEP;
	goto out;
done:
	rc = BN_RUN_DONE;
	goto out;
fault:
	t->fault_pc = bn_index_to_pc(p, pc);
	rc = BN_RUN_FAULT;
out:
	f->now = now;
	t->pc = pc;
	t->budget = budget;
	t->defer_left = dl;
	t->defer_pc = dpc;
	return rc;
}

#undef TRACE
