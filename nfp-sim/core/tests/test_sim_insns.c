// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Instruction semantics: every isa.def row, table-driven, with flags and
 * carry chains, the shifter, operand kinds, branches and their conditions,
 * defer slots and cycle costs, call/rtn, and the execution faults.
 */
#include "simtest.h"

static struct bn_sim *sim;

/* ---- flag setups: an add whose result leaves known flags ---------------------------- */
enum { S_NONE = -1, S_ZC, S_C, S_Z, S_CLR };
static const u32 setups[][2] = {
	[S_ZC]	= { 0xffffffff, 1 },	/* 0, carry: Z C */
	[S_C]	= { 0xffffffff, 2 },	/* 1, carry: C */
	[S_Z]	= { 0, 0 },		/* Z */
	[S_CLR]	= { 1, 1 },		/* nothing */
};

static void emit_setup(struct tprog *p, int s)
{
	if (s == S_NONE)
		return;
	E_ld32(p, AR(2), setups[s][0]);
	E_ld32(p, BR(3), setups[s][1]);
	E(p, a_alu(BN_OP_add, N, AR(2), BR(3)));
}

struct alu_case {
	const char *name;
	u8 op;
	u32 a, b;
	u8 shc, shamt;
	int setup;
	u32 d;
	u8 fl;
};

#define Z 8
#define NF 4
#define C 2
#define V 1

static const struct alu_case alu_cases[] = {
	{ "add", BN_OP_add, 1, 2, 0, 0, S_NONE, 3, 0 },
	{ "add carry", BN_OP_add, 0xffffffff, 1, 0, 0, S_NONE, 0, Z | C },
	{ "add ovf", BN_OP_add, 0x7fffffff, 1, 0, 0, S_NONE, 0x80000000, NF | V },
	{ "add ovf carry", BN_OP_add, 0x80000000, 0x80000000, 0, 0, S_NONE, 0, Z | C | V },
	{ "add lsl", BN_OP_add, 1, 3, BN_SHC_LSL, 4, S_NONE, 49, 0 },
	{ "addc c", BN_OP_addc, 5, 6, 0, 0, S_ZC, 12, 0 },
	{ "addc chain z", BN_OP_addc, 0xffffffff, 0, 0, 0, S_ZC, 0, Z | C },
	{ "addc z broken", BN_OP_addc, 0xffffffff, 0, 0, 0, S_C, 0, C },
	{ "addc nc", BN_OP_addc, 0, 0, 0, 0, S_Z, 0, Z },
	{ "addc ovf", BN_OP_addc, 0x7fffffff, 0, 0, 0, S_C, 0x80000000, NF | V },
	{ "sub", BN_OP_sub, 5, 3, 0, 0, S_NONE, 2, C },
	{ "sub borrow", BN_OP_sub, 3, 5, 0, 0, S_NONE, 0xfffffffe, NF },
	{ "sub zero", BN_OP_sub, 5, 5, 0, 0, S_NONE, 0, Z | C },
	{ "sub ovf", BN_OP_sub, 0x80000000, 1, 0, 0, S_NONE, 0x7fffffff, C | V },
	{ "sub lsr", BN_OP_sub, 100, 0x400, BN_SHC_LSR, 8, S_NONE, 96, C },
	{ "subc borrow in", BN_OP_subc, 5, 3, 0, 0, S_Z, 1, C },
	{ "subc chain z", BN_OP_subc, 5, 5, 0, 0, S_ZC, 0, Z | C },
	{ "subc z broken", BN_OP_subc, 5, 5, 0, 0, S_C, 0, C },
	{ "subc underflow", BN_OP_subc, 0, 0, 0, 0, S_Z, 0xffffffff, NF },
	{ "rsub", BN_OP_rsub, 3, 5, 0, 0, S_NONE, 2, C },
	{ "rsub borrow", BN_OP_rsub, 5, 3, 0, 0, S_NONE, 0xfffffffe, NF },
	{ "rsubc", BN_OP_rsubc, 3, 5, 0, 0, S_Z, 1, C },
	{ "rsubc chain", BN_OP_rsubc, 5, 5, 0, 0, S_ZC, 0, Z | C },
	{ "and", BN_OP_and, 0xf0f0, 0xff00, 0, 0, S_ZC, 0xf000, 0 },
	{ "and zero", BN_OP_and, 0xf0, 0x0f, 0, 0, S_C, 0, Z },
	{ "andn", BN_OP_andn, 0xff, 0x0f, 0, 0, S_NONE, 0xf0, 0 },
	{ "or", BN_OP_or, 0x80000000, 1, 0, 0, S_ZC, 0x80000001, NF },
	{ "xor", BN_OP_xor, 0xffff, 0xffff, 0, 0, S_NONE, 0, Z },
	{ "mov", BN_OP_mov, 0, 0x12345678, 0, 0, S_ZC, 0x12345678, 0 },
	{ "mov lsl", BN_OP_mov, 0, 0x0f, BN_SHC_LSL, 4, S_NONE, 0xf0, 0 },
	{ "mov lsl31", BN_OP_mov, 0, 1, BN_SHC_LSL, 31, S_NONE, 0x80000000, NF },
	{ "mov lsr", BN_OP_mov, 0, 0xf0, BN_SHC_LSR, 4, S_NONE, 0x0f, 0 },
	{ "mov asr", BN_OP_mov, 0, 0x80000000, BN_SHC_ASR, 4, S_NONE, 0xf8000000, NF },
	{ "mov asr pos", BN_OP_mov, 0, 0x40000000, BN_SHC_ASR, 4, S_NONE, 0x04000000, 0 },
	{ "mov ror", BN_OP_mov, 0, 0x12345678, BN_SHC_ROR, 8, S_NONE, 0x78123456, 0 },
	{ "mov ror0", BN_OP_mov, 0, 0x12345678, BN_SHC_ROR, 0, S_NONE, 0x12345678, 0 },
	{ "not", BN_OP_not, 0, 0, 0, 0, S_NONE, 0xffffffff, NF },
	{ "not ror", BN_OP_not, 0, 0xff, BN_SHC_ROR, 4, S_NONE, 0x0ffffff0, 0 },
	{ "lsl", BN_OP_lsl, 1, 31, 0, 0, S_NONE, 0x80000000, NF },
	{ "lsl mod32", BN_OP_lsl, 1, 33, 0, 0, S_ZC, 2, 0 },
	{ "lsr", BN_OP_lsr, 0x80000000, 31, 0, 0, S_NONE, 1, 0 },
	{ "asr", BN_OP_asr, 0x80000000, 4, 0, 0, S_NONE, 0xf8000000, NF },
	{ "dshf", BN_OP_dshf, 0x12345678, 0x9abcdef0, 0, 8, S_NONE, 0x789abcde, 0 },
	{ "dshf 0", BN_OP_dshf, 0x12345678, 0x9abcdef0, 0, 0, S_NONE, 0x9abcdef0, NF },
	{ "mul", BN_OP_mul, 7, 6, 0, 0, S_NONE, 42, 0 },
	{ "mul wrap", BN_OP_mul, 0x10000, 0x10000, 0, 0, S_C, 0, Z },
	{ "mul lsl", BN_OP_mul, 3, 1, BN_SHC_LSL, 2, S_NONE, 12, 0 },
	{ "mulh", BN_OP_mulh, 0x80000000, 4, 0, 0, S_NONE, 2, 0 },
	{ "mulh max", BN_OP_mulh, 0xffffffff, 0xffffffff, 0, 0, S_NONE, 0xfffffffe, NF },
	{ "udiv", BN_OP_udiv, 100, 7, 0, 0, S_NONE, 14, 0 },
	{ "udiv by 0", BN_OP_udiv, 100, 0, 0, 0, S_C, 0, Z },
	{ "umod", BN_OP_umod, 100, 7, 0, 0, S_NONE, 2, 0 },
	{ "umod by 0", BN_OP_umod, 100, 0, 0, 0, S_NONE, 100, 0 },
	{ "umod big", BN_OP_umod, 0xffffffff, 0x10, 0, 0, S_NONE, 15, 0 },
};

static void test_alu(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(alu_cases); i++) {
		const struct alu_case *c = &alu_cases[i];
		bool no_a = c->op == BN_OP_mov || c->op == BN_OP_not;
		struct bn_sim_result r;
		struct tprog p;

		tp_init(&p, BN_PROG_XDP);
		E_ld32(&p, AR(0), c->a);
		E_ld32(&p, BR(1), c->b);
		emit_setup(&p, c->setup);
		E(&p, a_alu_sh(c->op, AR(4), no_a ? N : AR(0), BR(1), c->shc, c->shamt));
		E(&p, a_done(AR(4)));
		r = t_exec(sim, &p);
		CHECK(!r.fault && r.retval == c->d && t_tr.last.flags == c->fl,
		      "%s: %#x, %#x -> %#x flags %#x (want %#x flags %#x) %s", c->name, c->a, c->b,
		      r.retval, t_tr.last.flags, c->d, c->fl, r.fault_msg);
	}
}

/* ---- pairs ------------------------------------------------------------------------- */

struct pair_case {
	u8 op;
	u64 a, b, d;
};

static void test_pairs(void)
{
	static const struct pair_case cases[] = {
		{ BN_OP_udiv64, 0x500000000ull, 0x10, 0x50000000 },
		{ BN_OP_udiv64, 0xffffffffffffffffull, 0x100000000ull, 0xffffffff },
		{ BN_OP_udiv64, 1234, 0, 0 },
		{ BN_OP_umod64, 0x500000007ull, 0x100000000ull, 7 },
		{ BN_OP_umod64, 0x500000007ull, 0, 0x500000007ull },
		{ BN_OP_umod64, 0xfedcba9876543210ull, 0x123456789ull, 0xfedcba9876543210ull % 0x123456789ull },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct pair_case *c = &cases[i];
		struct bn_sim_result r;
		struct tprog p;
		u64 got, gotb;

		tp_init(&p, BN_PROG_XDP);
		E_ld32(&p, AR(0), (u32)c->a);
		E_ld32(&p, AR(1), c->a >> 32);
		E_ld32(&p, BR(2), (u32)c->b);
		E_ld32(&p, BR(3), c->b >> 32);
		E(&p, a_alu(c->op, RR(4), AR(0), BR(2)));
		E(&p, a_done(AR(4)));
		r = t_exec(sim, &p);
		got = t_tr.last.a[4] | (u64)t_tr.last.a[5] << 32;
		gotb = t_tr.last.b[4] | (u64)t_tr.last.b[5] << 32;
		CHECK(!r.fault && got == c->d && gotb == c->d &&
		      t_tr.last.flags == ((c->d ? 0 : Z) | (c->d >> 63 ? NF : 0)),
		      "%s %#llx, %#llx -> %#llx/%#llx flags %#x", bn_isa[c->op].name,
		      (unsigned long long)c->a, (unsigned long long)c->b,
		      (unsigned long long)got, (unsigned long long)gotb, t_tr.last.flags);
	}
}

/* ---- immediates, ld_field, operand kinds ------------------------------------------------ */

static void test_immed(void)
{
	struct bn_sim_result r;
	struct tprog p;

	tp_init(&p, BN_PROG_XDP);
	E(&p, a_immed(AR(4), 0x1234, 1, 0));
	E(&p, a_immed(AR(5), 0x1234, 2, 0));
	E(&p, a_immed(AR(6), 0x1234, 0, 1));
	E(&p, a_immed(AR(7), 0x5678, 0, 0));
	E(&p, a_immed_hi(AR(7), 0x1234));
	E(&p, a_immed(BR(8), 0xffff, 0, 0));
	E(&p, a_immed_hi(BR(8), 0x8000));
	emit_setup(&p, S_ZC);
	E(&p, a_immed(AR(9), 0, 0, 0));
	E(&p, a_done(AR(7)));
	r = t_exec(sim, &p);
	CHECK(t_tr.last.a[4] == 0x123400, "immed bsh 1: %#x", t_tr.last.a[4]);
	CHECK(t_tr.last.a[5] == 0x12340000, "immed bsh 2: %#x", t_tr.last.a[5]);
	CHECK(t_tr.last.a[6] == 0xffffedcb, "immed inv: %#x", t_tr.last.a[6]);
	CHECK(r.retval == 0x12345678, "immed + immed_hi: %#x", r.retval);
	CHECK(t_tr.last.b[8] == 0x8000ffff, "immed_hi on bank B: %#x", t_tr.last.b[8]);
	CHECK(t_tr.last.flags == (Z | C), "immed leaves the flags: %#x", t_tr.last.flags);
}

static void test_ld_field(void)
{
	struct bn_sim_result r;
	struct tprog p;

	tp_init(&p, BN_PROG_XDP);
	E_ld32(&p, BR(1), 0xaabbccdd);
	E_ld32(&p, AR(4), 0x11223344);
	E_ld32(&p, AR(5), 0x11223344);
	E_ld32(&p, AR(6), 0x11223344);
	E_ld32(&p, AR(7), 0x11223344);
	emit_setup(&p, S_C);
	E(&p, a_ldf(AR(4), BR(1), 0x3, 0, 0, 0));
	E(&p, a_ldf(AR(5), BR(1), 0x3, 0, 0, 1));
	E(&p, a_ldf(AR(6), BR(1), 0x1, BN_SHC_LSR, 8, 0));
	E(&p, a_ldf(AR(7), BR(1), 0xc, BN_SHC_ROR, 16, 1));
	E(&p, a_done(AR(4)));
	r = t_exec(sim, &p);
	CHECK(r.retval == 0x1122ccdd, "ld_field merge: %#x", r.retval);
	CHECK(t_tr.last.a[5] == 0x0000ccdd, "ld_field zf: %#x", t_tr.last.a[5]);
	CHECK(t_tr.last.a[6] == 0x112233cc, "ld_field shifted byte: %#x", t_tr.last.a[6]);
	CHECK(t_tr.last.a[7] == 0xccdd0000, "ld_field ror + zf: %#x", t_tr.last.a[7]);
	CHECK(t_tr.last.flags == C, "ld_field leaves the flags: %#x", t_tr.last.flags);
}

static void test_operands(void)
{
	struct bn_sim_result r;
	struct tprog p;

	tp_init(&p, BN_PROG_XDP);
	E_ld32(&p, AR(0), 1000);
	E_ld32(&p, BR(1), 77);
	E(&p, a_alu(BN_OP_add, AR(4), N, BR(1)));		/* NONE reads 0 */
	E(&p, a_alu(BN_OP_add, AR(5), AR(0), IM(200)));	/* imm8 */
	E(&p, a_alu(BN_OP_add, RR(6), AR(0), BR(1)));		/* both banks */
	E(&p, a_alu(BN_OP_mov, N, N, BR(1)));			/* discarded */
	E(&p, a_immed(AR(7), 0x1111, 0, 0));
	E(&p, a_immed(BR(7), 0x2222, 0, 0));
	E(&p, a_immed_hi(RR(7), 0xabcd));			/* reads the A copy */
	E(&p, a_alu(BN_OP_mov, LMW(3), N, BR(1)));		/* LM word */
	E(&p, a_alu(BN_OP_add, AR(8), LMW(3), IM(1)));
	E(&p, a_alu(BN_OP_add, XR(2), AR(0), IM(5)));		/* xfer-out */
	E(&p, a_csr_wr(BN_CSR_LM_FP, IM(8)));
	E(&p, a_alu(BN_OP_add, AR(9), LMW(1), IM(2)));		/* same word via LM_FP */
	E(&p, a_done(AR(4)));
	r = t_exec(sim, &p);
	CHECK(r.retval == 77, "NONE as A reads 0: %u", r.retval);
	CHECK(t_tr.last.a[5] == 1200, "imm8 operand: %u", t_tr.last.a[5]);
	CHECK(t_tr.last.a[6] == 1077 && t_tr.last.b[6] == 1077, "rN writes both banks: %u %u",
	      t_tr.last.a[6], t_tr.last.b[6]);
	CHECK(t_tr.last.a[7] == 0xabcd1111 && t_tr.last.b[7] == 0xabcd1111,
	      "immed_hi rN merges the A copy: %#x %#x", t_tr.last.a[7], t_tr.last.b[7]);
	CHECK(t_tr.last.a[8] == 78, "LM word round trip: %u", t_tr.last.a[8]);
	CHECK(t_tr.last.xout[2] == 1005, "xfer-out destination: %u", t_tr.last.xout[2]);
	CHECK(t_tr.last.a[9] == 79, "lm[1] at LM_FP 8 is lm[3] at 0: %u", t_tr.last.a[9]);
}

static void test_lm_window(void)
{
	struct bn_sim_result r;
	struct tprog p;

	tp_init(&p, BN_PROG_XDP);
	E_ld32(&p, BR(1), 1020);
	E(&p, a_csr_wr(BN_CSR_LM_FP, BR(1)));
	E(&p, a_alu(BN_OP_mov, LMW(0), N, IM(9)));
	E(&p, a_alu(BN_OP_mov, LMW(1), N, IM(9)));
	E(&p, a_done(N));
	r = t_exec(sim, &p);
	CHECK(r.fault && r.action == BN_ACT_ABORTED && strstr(r.fault_msg, "lm[1]") &&
	      strstr(r.fault_msg, "window") && strstr(r.fault_msg, "pc 0x43"),
	      "lm[1] past the window faults: %s", r.fault_msg);

	tp_init(&p, BN_PROG_XDP);
	E_ld32(&p, BR(1), 1026);
	E(&p, a_csr_wr(BN_CSR_LM_FP, BR(1)));
	E(&p, a_done(N));
	r = t_exec(sim, &p);
	CHECK(r.fault && strstr(r.fault_msg, "lm_fp"), "unaligned LM_FP faults: %s", r.fault_msg);
}

/* ---- branches -------------------------------------------------------------------------- */

static bool ref_cond(u8 fl, int c)
{
	bool z = fl & Z, n = fl & NF, cy = fl & C, v = fl & V;

	switch (c) {
	case BN_COND_EQ: return z;
	case BN_COND_NE: return !z;
	case BN_COND_HS: return cy;
	case BN_COND_LO: return !cy;
	case BN_COND_HI: return cy && !z;
	case BN_COND_LS: return !cy || z;
	case BN_COND_GE: return n == v;
	case BN_COND_LT: return n != v;
	case BN_COND_GT: return !z && n == v;
	case BN_COND_LE: return z || n != v;
	case BN_COND_MI: return n;
	case BN_COND_PL: return !n;
	case BN_COND_SET: return !z;
	case BN_COND_CLR: return z;
	default: return true;
	}
}

/* Flags of a + b, computed independently of the simulator. */
static u8 ref_add_flags(u32 a, u32 b)
{
	u64 wide = (u64)a + b;
	s64 swide = (s64)(s32)a + (s32)b;
	u32 d = (u32)wide;

	return (d == 0 ? Z : 0) | ((s32)d < 0 ? NF : 0) | (wide >> 32 ? C : 0) |
	       (swide != (s32)d ? V : 0);
}

/* Program: [flags] br.cond T; done 0; T: done 1. */
static int run_br(u32 x, u32 y, int cond)
{
	struct bn_sim_result r;
	struct tprog p;

	tp_init(&p, BN_PROG_XDP);
	E_ld32(&p, AR(2), x);
	E_ld32(&p, BR(3), y);
	E(&p, a_immed(AR(5), 1, 0, 0));
	E(&p, a_alu(BN_OP_add, N, AR(2), BR(3)));
	E_br(&p, a_br(cond, 0, p.n + 2));
	E(&p, a_done(N));
	E(&p, a_done(AR(5)));
	r = t_exec(sim, &p);
	return r.fault ? -1 : (int)r.retval;
}

static void test_conds(void)
{
	static const u32 xy[][2] = {
		{ 1, 1 }, { 0xffffffff, 1 }, { 0x7fffffff, 1 }, { 0x80000000, 0x80000000 },
		{ 0xffffffff, 0xffffffff }, { 0, 0 }, { 0x80000000, 0 }, { 0xfffffff0, 0x20 },
	};
	unsigned int i, bad = 0, n = 0;
	int c;

	for (i = 0; i < ARRAY_SIZE(xy); i++) {
		u8 fl = ref_add_flags(xy[i][0], xy[i][1]);

		for (c = BN_COND_EQ; c <= BN_COND_AL; c++, n++) {
			int got = run_br(xy[i][0], xy[i][1], c);

			if (got != ref_cond(fl, c)) {
				bad++;
				printf("  br cond %d after %#x + %#x (flags %#x): %d\n", c,
				       xy[i][0], xy[i][1], fl, got);
			}
		}
		CHECK(!bad, "conditions after %#x + %#x", xy[i][0], xy[i][1]);
	}
	CHECK(n == 8 * 15, "%u condition cases", n);
}

/* br_cmp / br_cmpc: taken or not, and the flags they leave. */
struct cmp_case {
	u32 alo, ahi, blo, bhi;
	bool chain;
	u8 cond;
	int taken;
};

static int run_cmp(const struct cmp_case *c)
{
	struct bn_sim_result r;
	struct tprog p;

	tp_init(&p, BN_PROG_XDP);
	E_ld32(&p, AR(0), c->alo);
	E_ld32(&p, AR(1), c->ahi);
	E_ld32(&p, BR(2), c->blo);
	E_ld32(&p, BR(3), c->bhi);
	E(&p, a_immed(AR(5), 1, 0, 0));
	if (c->chain) {
		bool test = c->cond == BN_COND_SET || c->cond == BN_COND_CLR;

		E(&p, a_alu(test ? BN_OP_and : BN_OP_sub, N, AR(0), BR(2)));
		E_br(&p, a_brcmp(BN_OP_br_cmpc, AR(1), BR(3), c->cond, 0, p.n + 2));
	} else {
		E_br(&p, a_brcmp(BN_OP_br_cmp, AR(0), BR(2), c->cond, 0, p.n + 2));
	}
	E(&p, a_done(N));
	E(&p, a_done(AR(5)));
	r = t_exec(sim, &p);
	return r.fault ? -1 : (int)r.retval;
}

static void test_cmp(void)
{
	static const struct cmp_case cases[] = {
		{ 5, 0, 3, 0, false, BN_COND_HI, 1 },
		{ 3, 0, 5, 0, false, BN_COND_HI, 0 },
		{ 3, 0, 5, 0, false, BN_COND_LO, 1 },
		{ 5, 0, 5, 0, false, BN_COND_EQ, 1 },
		{ 5, 0, 5, 0, false, BN_COND_LS, 1 },
		{ 0xffffffff, 0, 1, 0, false, BN_COND_LT, 1 },	/* -1 < 1 signed */
		{ 0xffffffff, 0, 1, 0, false, BN_COND_HI, 1 },	/* but not unsigned */
		{ 0x80000000, 0, 1, 0, false, BN_COND_GE, 0 },	/* INT_MIN < 1 (V set) */
		{ 0xf0, 0, 0x1f, 0, false, BN_COND_SET, 1 },
		{ 0xf0, 0, 0x0f, 0, false, BN_COND_SET, 0 },
		{ 0xf0, 0, 0x0f, 0, false, BN_COND_CLR, 1 },
		/* 64-bit: {hi:lo} */
		{ 0, 1, 0xffffffff, 0, true, BN_COND_HI, 1 },
		{ 0, 1, 0xffffffff, 0, true, BN_COND_LO, 0 },
		{ 7, 5, 7, 5, true, BN_COND_EQ, 1 },
		{ 8, 5, 7, 5, true, BN_COND_EQ, 0 },
		{ 8, 5, 7, 5, true, BN_COND_NE, 1 },
		{ 8, 5, 7, 5, true, BN_COND_HI, 1 },
		{ 6, 5, 7, 5, true, BN_COND_LO, 1 },
		{ 0, 0xffffffff, 0, 0, true, BN_COND_LT, 1 },	/* -2^32 < 0 */
		{ 0, 0, 5, 0xffffffff, true, BN_COND_GT, 1 },
		{ 0x10, 0, 0x01, 0, true, BN_COND_SET, 0 },	/* both halves clear */
		{ 0x10, 1, 0x01, 1, true, BN_COND_SET, 1 },	/* high half overlaps */
		{ 0x11, 0, 0x01, 0, true, BN_COND_SET, 1 },	/* low half overlaps */
		{ 0x11, 0, 0x01, 0, true, BN_COND_CLR, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct cmp_case *c = &cases[i];
		int got = run_cmp(c);

		CHECK(got == c->taken, "%s {%#x:%#x} vs {%#x:%#x} cond %u: %d, want %d",
		      c->chain ? "br_cmpc" : "br_cmp", c->ahi, c->alo, c->bhi, c->blo, c->cond,
		      got, c->taken);
	}
}

/* Cycles between the branch and the next instruction it leads to. */
static void test_defer(void)
{
	static const struct { u8 defer; bool taken; u64 cycles; } cases[] = {
		{ 0, true, 3 }, { 1, true, 3 }, { 2, true, 3 },
		{ 0, false, 1 }, { 1, false, 2 }, { 2, false, 3 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct bn_sim_result r;
		struct tprog p;
		u32 k, slot_sum, want;

		tp_init(&p, BN_PROG_XDP);
		E(&p, a_immed(AR(4), 0, 0, 0));
		E_br(&p, a_br(cases[i].taken ? BN_COND_AL : BN_COND_EQ, cases[i].defer, 4));
		for (k = 0; k < 2; k++)
			E(&p, a_alu(BN_OP_add, AR(4), AR(4), IM(1 << k)));	/* slots or skipped */
		E(&p, a_alu(BN_OP_add, AR(4), AR(4), IM(16)));		/* target */
		E(&p, a_done(AR(4)));
		r = t_exec(sim, &p);
		slot_sum = cases[i].taken ? (cases[i].defer ? (1u << cases[i].defer) - 1 : 0) : 3;
		want = slot_sum + 16;
		/* trace index 1 is the branch, index 2 + defer the next instruction */
		CHECK(r.retval == want && t_tr.pc[2 + cases[i].defer] ==
		      (u32)(cases[i].taken ? BN_LOAD_BASE + 4 : BN_LOAD_BASE + 2 + cases[i].defer) &&
		      t_tr.cycle[2 + cases[i].defer] - t_tr.cycle[1] == cases[i].cycles,
		      "defer %u %s: result %u (want %u), %llu cycles (want %llu)", cases[i].defer,
		      cases[i].taken ? "taken" : "not taken", r.retval, want,
		      (unsigned long long)(t_tr.cycle[2 + cases[i].defer] - t_tr.cycle[1]),
		      (unsigned long long)cases[i].cycles);
	}
}

static void test_costs(void)
{
	static const struct { u8 op; u64 cycles; } cases[] = {
		{ BN_OP_add, 1 }, { BN_OP_mul, 3 }, { BN_OP_mulh, 3 }, { BN_OP_udiv, 20 },
		{ BN_OP_umod, 20 }, { BN_OP_udiv64, 40 }, { BN_OP_umod64, 40 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tprog p;

		tp_init(&p, BN_PROG_XDP);
		E(&p, a_alu(cases[i].op, AR(4), AR(0), BR(2)));
		E(&p, a_done(AR(4)));
		t_exec(sim, &p);
		CHECK(t_tr.cycle[1] - t_tr.cycle[0] == cases[i].cycles, "%s costs %llu cycles",
		      bn_isa[cases[i].op].name, (unsigned long long)(t_tr.cycle[1] - t_tr.cycle[0]));
	}
}

static void test_call_rtn(void)
{
	struct bn_sim_result r;
	struct tprog p;

	tp_init(&p, BN_PROG_XDP);
	E(&p, a_immed(AR(4), 0, 0, 0));			/* 0 */
	E_br(&p, a_call(RR(28), 0, 5));			/* 1: links 0x42 */
	E_br(&p, a_call(RR(27), 1, 7));			/* 2: links 0x44 */
	E(&p, a_alu(BN_OP_add, AR(4), AR(4), IM(100)));	/* 3: its defer slot */
	E(&p, a_done(AR(4)));				/* 4 */
	E(&p, a_alu(BN_OP_add, AR(4), AR(4), IM(1)));	/* 5 */
	E(&p, a_rtn(AR(28), 0));			/* 6 */
	E(&p, a_alu(BN_OP_add, AR(4), AR(4), IM(10)));	/* 7 */
	E(&p, a_rtn(AR(27), 0));			/* 8 */
	r = t_exec(sim, &p);
	CHECK(!r.fault && r.retval == 111, "call/rtn with a defer slot: %u %s", r.retval,
	      r.fault_msg);
	CHECK(t_tr.last.a[28] == BN_LOAD_BASE + 2 && t_tr.last.b[28] == BN_LOAD_BASE + 2,
	      "call links pc + 1: %#x", t_tr.last.a[28]);
	CHECK(t_tr.last.a[27] == BN_LOAD_BASE + 4 && t_tr.last.b[27] == BN_LOAD_BASE + 4,
	      "call with DEFER 1 links pc + 2: %#x", t_tr.last.a[27]);
	CHECK(t_tr.n == 9, "executed %u instructions", t_tr.n);

	tp_init(&p, BN_PROG_XDP);
	E(&p, a_immed(AR(4), 0x1000, 0, 0));
	E(&p, a_rtn(AR(4), 0));
	r = t_exec(sim, &p);
	CHECK(r.fault && strstr(r.fault_msg, "rtn to 0x1000") && strstr(r.fault_msg, "pc 0x41"),
	      "rtn outside the code faults: %s", r.fault_msg);
}

static void test_faults(void)
{
	struct bn_sim_result r;
	struct tprog p;
	int i;

	tp_init(&p, BN_PROG_XDP);
	E_br(&p, a_br(BN_COND_AL, 1, 3));
	E_br(&p, a_br(BN_COND_AL, 0, 3));
	E(&p, a_nop());
	E(&p, a_done(N));
	r = t_exec(sim, &p);
	CHECK(r.fault && !strcmp(r.fault_msg, "br in a defer slot at pc 0x41"),
	      "branch in a defer slot: %s", r.fault_msg);

	tp_init(&p, BN_PROG_XDP);
	E(&p, a_nop());
	E(&p, a_nop());
	r = t_exec(sim, &p);
	CHECK(r.fault && strstr(r.fault_msg, "pc 0x42 is outside the code"),
	      "running off the end: %s", r.fault_msg);

	tp_init(&p, BN_PROG_XDP);
	E_br(&p, a_br(BN_COND_AL, 1, 1));
	E_br(&p, a_br(BN_COND_NE, 0, 0));
	r = t_exec(sim, &p);
	CHECK(r.fault && strstr(r.fault_msg, "defer slot"), "not-taken branch still checks its slot: %s",
	      r.fault_msg);

	tp_init(&p, BN_PROG_XDP);
	E_br(&p, a_br(BN_COND_AL, 0, 0));
	bn_sim_set_trace(sim, NULL, NULL);
	tp_load(sim, &p, NULL, 0);
	r = t_run(sim, 64);
	CHECK(r.fault && strstr(r.fault_msg, "watchdog") && r.insns == 1000000 &&
	      r.action == BN_ACT_ABORTED && r.retval == 0,
	      "watchdog: %s after %llu insns", r.fault_msg, (unsigned long long)r.insns);
	CHECK(strstr(t_log.last, "fault: watchdog"), "faults are logged: %s", t_log.last);

	/*
	 * Longer loops (the fast interpreter checks the watchdog once per
	 * straight run): 7 instructions a turn, the 1000001st is insn 1; 101 a
	 * turn, the 1000001st is the branch's defer slot, insn 100.
	 */
	tp_init(&p, BN_PROG_XDP);
	for (i = 0; i < 5; i++)
		E(&p, a_nop());
	E_br(&p, a_br(BN_COND_AL, 1, 0));
	E(&p, a_nop());
	tp_load(sim, &p, NULL, 0);
	r = t_run(sim, 64);
	CHECK(r.fault && strstr(r.fault_msg, "watchdog") && strstr(r.fault_msg, "at pc 0x41") &&
	      r.insns == 1000000, "watchdog in a 7-insn loop: %s after %llu insns", r.fault_msg,
	      (unsigned long long)r.insns);
	tp_init(&p, BN_PROG_XDP);
	for (i = 0; i < 99; i++)
		E(&p, a_nop());
	E_br(&p, a_br(BN_COND_AL, 1, 0));
	E(&p, a_nop());
	tp_load(sim, &p, NULL, 0);
	r = t_run(sim, 64);
	CHECK(r.fault && strstr(r.fault_msg, "watchdog") && strstr(r.fault_msg, "at pc 0xa4") &&
	      r.insns == 1000000, "watchdog in a defer slot: %s after %llu insns", r.fault_msg,
	      (unsigned long long)r.insns);
}

/*
 * The rest of the rows (memory, signals, CSRs, firmware), then the
 * self-check: every isa.def row has been executed by this test.
 */
static void test_coverage(void)
{
	struct bn_sim_result r;
	struct tprog p;
	unsigned int i, missing = 0;

	tp_init(&p, BN_PROG_XDP);
	E(&p, a_csr_rd(RR(2), BN_CSR_LM_FP_ADDR));
	E(&p, a_csr_wr(BN_CSR_LM_FP, IM(8)));
	E(&p, a_immed(XR(0), 5, 0, 0));
	E(&p, a_mem(BN_OP_mem_wr, BN_TGT_LM, AR(2), IM(0), 0, 4, 0, 1));
	E(&p, a_mem(BN_OP_mem_add, BN_TGT_LM, AR(2), IM(0), 0, 4, 0, 1));
	E(&p, a_mem(BN_OP_mem_rd, BN_TGT_LM, AR(2), IM(0), 0, 4, 2, 0));
	E(&p, a_wait(0x4));
	E_helper(&p, BN_FW_PRANDOM);
	E(&p, a_alu(BN_OP_mov, RR(4), N, XR(0)));
	E(&p, a_done(AR(4)));
	r = t_exec(sim, &p);
	CHECK(!r.fault && r.retval == 10, "memory round trip through LM: %u %s", r.retval,
	      r.fault_msg);
	for (i = 0; i < bn_isa_nrows; i++) {
		if (!t_tr.ops_seen[bn_isa_rows[i].opcode]) {
			missing++;
			printf("  %s never executed\n", bn_isa_rows[i].name);
		}
	}
	CHECK(!missing, "every isa.def row executed (%u missing of %u)", missing, bn_isa_nrows);
}

int main(void)
{
	sim = t_sim(NULL);
	test_alu();
	test_pairs();
	test_immed();
	test_ld_field();
	test_operands();
	test_lm_window();
	test_conds();
	test_cmp();
	test_defer();
	test_costs();
	test_call_rtn();
	test_faults();
	test_coverage();
	bn_sim_destroy(sim);
	return t_done();
}
