// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * One callback per eBPF opcode, dispatched through jit_instr_cb[], which also
 * answers bn_jit_supported_opcode().
 *
 * 64-bit eBPF registers live in GPR pairs (Rn = GPR 2n low, 2n+1 high, both
 * banks).  A callback reads the decisions the passes left in struct
 * jit_insn: which upper halves are known zero (jit_hz) or never read
 * (jit_hi_needed), constants folded into operands, fused operands and
 * byte fields.
 */
#include "jit_priv.h"

/* ---- operands ----------------------------------------------------------------- */

static struct jpair jp_reg(u8 r, bool hz)
{
	struct jpair p = { jv_gpr(JIT_LO(r)), jv_gpr(JIT_HI(r)) };

	if (hz)
		p.hi = jv_imm(0);
	return p;
}

static struct jpair jp_k(u64 k)
{
	struct jpair p = { jv_imm((u32)k), jv_imm(k >> 32) };

	return p;
}

static swreg d_lo(u8 r)
{
	return reg_both(JIT_LO(r));
}

static swreg d_hi(u8 r)
{
	return reg_both(JIT_HI(r));
}

static const struct jit_frame *cur_frame(const struct bn_jit *j, u32 i)
{
	return &j->frames[j->ji[i].sub];
}

/* R10 + @off as a device address in GPR @tmp: LM_FP_ADDR + depth + off. */
static struct jpair r10_value(struct bn_jit *j, u32 i, u8 tmp, s32 off)
{
	s32 disp = cur_frame(j, i)->depth + off;

	emit_csr_rd(j, reg_both(tmp), BN_CSR_LM_FP_ADDR);
	if (disp)
		emit_add_imm(j, reg_both(tmp), jv_gpr(tmp), disp);
	return jp_reg(tmp, true);
}

/* Left operand: dst, or the register a fused mov read. */
static struct jpair op_x(struct bn_jit *j, u32 i)
{
	const struct jit_insn *ji = &j->ji[i];
	u8 r = jit_insn(j, i)->dst_reg;

	if (!(ji->flags & JI_FX))
		return jp_reg(r, jit_hz(j, i, false));
	if (ji->xreg == JIT_REG_R10)
		return r10_value(j, i, JIT_T0, 0);
	return jp_reg(ji->xreg, (ji->flags & JI_XHZ) || jit_hz(j, i, false));
}

/* Right operand: src, the constant, or a fused (shifted) register. */
static struct jpair op_y(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	const struct jit_insn *ji = &j->ji[i];
	bool is64 = BPF_CLASS(insn->code) == BPF_ALU64 || BPF_CLASS(insn->code) == BPF_JMP;
	struct jpair p;

	if (ji->flags & JI_FY) {
		p = jp_reg(ji->yreg, jit_hz(j, i, true));
		p.lo = jv_shf(p.lo, ji->yshc, ji->yshamt);
		return p;
	}
	if (ji->flags & JI_KSRC)
		return jp_k(ji->k);
	if (BPF_SRC(insn->code) == BPF_K)
		return jp_k(is64 ? (u64)(s64)insn->imm : (u32)insn->imm);
	if (insn->src_reg == JIT_REG_R10)
		return r10_value(j, i, JIT_T1, 0);
	return jp_reg(insn->src_reg, jit_hz(j, i, true));
}

static bool jv_same(const struct jv *a, const struct jv *b)
{
	return a->kind == b->kind && a->idx == b->idx && a->shc == b->shc &&
	       a->shamt == b->shamt && a->imm == b->imm;
}

/* dst = v, unless dst already holds it. */
static void copy32(struct bn_jit *j, u8 gpr, struct jv v)
{
	struct jv d = jv_gpr(gpr);

	if (!jv_same(&d, &v))
		wrp_mov(j, reg_both(gpr), v);
}

/* ALU32 results are zero-extended: write the upper half if it is read. */
static void zext(struct bn_jit *j, u32 i)
{
	if (jit_hi_needed(j, i))
		wrp_imm(j, d_hi(jit_insn(j, i)->dst_reg), 0);
}

static bool is_alu64(const struct bpf_insn *insn)
{
	return BPF_CLASS(insn->code) == BPF_ALU64;
}

/* ---- ALU: add, sub, and, or, xor ---------------------------------------------- */

static const struct {
	u8 lo, hi;
} alu_ops[16] = {
	[BPF_ADD >> 4] = { BN_OP_add, BN_OP_addc },
	[BPF_SUB >> 4] = { BN_OP_sub, BN_OP_subc },
	[BPF_AND >> 4] = { BN_OP_and, BN_OP_and },
	[BPF_OR >> 4] = { BN_OP_or, BN_OP_or },
	[BPF_XOR >> 4] = { BN_OP_xor, BN_OP_xor },
};

/*
 * `and` with a constant too wide for imm8 whose bytes are all 0x00 or 0xff
 * (imm_fold): the 0xff bytes of x, zero-filled, in one ld_field.
 * Return: the byte mask, or 0 when that does not apply.
 */
static u8 and_byte_mask(const struct bn_jit *j, struct jv x, u32 c)
{
	u8 mask = 0, b, k, shc, amt;

	if (!jit_pass_on(j, BN_PASS_imm_fold) || x.kind == JV_IMM ||
	    jv_imm8(j, c, true, &b, &shc, &amt))
		return 0;
	for (k = 0; k < 4; k++) {
		b = c >> (8 * k);
		if (b != 0 && b != 0xff)
			return 0;
		mask |= b ? 1u << k : 0;
	}
	return mask == 0xf ? 0 : mask;
}

/*
 * One half of a bitwise operation, folding constant operands: and 0, or
 * and xor with 0, and with ~0 and or ~0 need no ALU work; xor ~0 is a not.
 */
static void bitwise32(struct bn_jit *j, u8 op, u8 gpr, struct jv x, struct jv y)
{
	u32 c = y.imm;
	u8 mask;

	if (y.kind != JV_IMM || y.shc)
		emit_alu(j, op, reg_both(gpr), x, y);
	else if (op == BN_OP_and && (mask = and_byte_mask(j, x, c)))
		emit_ldf(j, reg_both(gpr), x, mask, true);
	else if ((op == BN_OP_and && !c) || (op == BN_OP_or && c == ~0u))
		wrp_imm(j, reg_both(gpr), c);
	else if ((op == BN_OP_and && c == ~0u) || (op != BN_OP_and && !c))
		copy32(j, gpr, x);
	else if (op == BN_OP_xor && c == ~0u)
		emit_alu(j, BN_OP_not, reg_both(gpr), jv_none(), x);
	else
		emit_alu(j, op, reg_both(gpr), x, y);
}

/* x + k is x - (-k) when -k is the smaller constant (and vice versa). */
static bool neg_is_cheaper(const struct bn_jit *j, const struct jpair *y, bool is64)
{
	u64 k = (u64)y->lo.imm | ((u64)y->hi.imm << 32), nk = -k;
	u8 c, shc, amt;

	if (!jit_pass_on(j, BN_PASS_imm_fold) || y->lo.kind != JV_IMM || y->lo.shc)
		return false;
	if (!is64)
		return !jv_imm8(j, (u32)k, true, &c, &shc, &amt) &&
		       jv_imm8(j, (u32)-(u32)k, true, &c, &shc, &amt);
	if (y->hi.kind != JV_IMM || !(k >> 32) || (nk >> 32))
		return false;
	return jv_imm8(j, (u32)nk, true, &c, &shc, &amt);
}

/* `rX = r10; rX += k` (fuse_shift): one address computation. */
static void r10_plus(struct bn_jit *j, u32 i, s32 k)
{
	u8 d = jit_insn(j, i)->dst_reg;

	r10_value(j, i, JIT_LO(d), k);
	if (jit_hi_needed(j, i))
		wrp_imm(j, d_hi(d), 0);
}

static void addsub(struct bn_jit *j, u32 i, u8 bop)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	struct jpair x, y = op_y(j, i);
	bool is64 = is_alu64(insn), rev = j->ji[i].flags & JI_REV;
	u8 lo = alu_ops[bop].lo, hi = alu_ops[bop].hi, d = insn->dst_reg;

	if ((j->ji[i].flags & JI_FX) && j->ji[i].xreg == JIT_REG_R10) {
		r10_plus(j, i, lo == BN_OP_add ? (s32)y.lo.imm : -(s32)y.lo.imm);
		return;
	}
	x = op_x(j, i);
	if (neg_is_cheaper(j, &y, is64 && jit_hi_needed(j, i))) {
		u64 k = -((u64)y.lo.imm | ((u64)y.hi.imm << 32));

		y = jp_k(is64 ? k : (u32)k);
		lo = lo == BN_OP_add ? BN_OP_sub : BN_OP_add;
		hi = hi == BN_OP_addc ? BN_OP_subc : BN_OP_addc;
	}
	if (rev && lo == BN_OP_sub) {
		lo = BN_OP_rsub;
		hi = BN_OP_rsubc;
	}
	if (!is64 || !jit_hi_needed(j, i)) {
		emit_alu(j, lo, d_lo(d), x.lo, y.lo);
		if (!is64)
			zext(j, i);
		return;
	}
	emit_alu_pair(j, lo, hi, d_lo(d), d_hi(d), x, y);
}

static void bitwise(struct bn_jit *j, u32 i, u8 op, struct jpair x, struct jpair y)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	u8 d = insn->dst_reg;

	bitwise32(j, op, JIT_LO(d), x.lo, y.lo);
	if (!is_alu64(insn))
		zext(j, i);
	else if (jit_hi_needed(j, i))
		bitwise32(j, op, JIT_HI(d), x.hi, y.hi);
}

/* An identity (r &= -1, w1 += 0): ALU32 still zero-extends. */
static bool alu_ident(struct bn_jit *j, u32 i)
{
	if (!(j->ji[i].flags & JI_IDENT))
		return false;
	if (!is_alu64(jit_insn(j, i)))
		zext(j, i);
	return true;
}

static void alu_simple(struct bn_jit *j, u32 i)
{
	u8 bop = BPF_OP(jit_insn(j, i)->code) >> 4;

	if (alu_ident(j, i))
		return;
	if (bop == BPF_ADD >> 4 || bop == BPF_SUB >> 4)
		addsub(j, i, bop);
	else
		bitwise(j, i, alu_ops[bop].lo, op_x(j, i), op_y(j, i));
}

/* ---- ALU: mov, neg, mul, div, mod ---------------------------------------------- */

static void mov_reg(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	struct jpair y;
	u8 d = insn->dst_reg;

	if (alu_ident(j, i))
		return;
	if (insn->src_reg == JIT_REG_R10 && !(j->ji[i].flags & JI_KSRC)) {
		y = r10_value(j, i, JIT_LO(d), 0);
		if (jit_hi_needed(j, i))
			wrp_imm(j, d_hi(d), 0);
		return;
	}
	y = op_y(j, i);
	copy32(j, JIT_LO(d), y.lo);
	if (!is_alu64(insn))
		zext(j, i);
	else if (jit_hi_needed(j, i))
		copy32(j, JIT_HI(d), y.hi);
}

static void mov_imm(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	u8 d = insn->dst_reg;

	if (alu_ident(j, i))
		return;
	wrp_imm(j, d_lo(d), insn->imm);
	if (!is_alu64(insn))
		zext(j, i);
	else if (jit_hi_needed(j, i))
		wrp_imm(j, d_hi(d), insn->imm < 0 ? ~0u : 0);
}

static void neg(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	struct jpair x = op_x(j, i);
	u8 d = insn->dst_reg;

	if (is_alu64(insn) && jit_hi_needed(j, i)) {
		emit_alu_pair(j, BN_OP_rsub, BN_OP_rsubc, d_lo(d), d_hi(d), x, jp_k(0));
		return;
	}
	emit_alu(j, BN_OP_rsub, d_lo(d), x.lo, jv_imm(0));
	if (!is_alu64(insn))
		zext(j, i);
}

/* log2 of a power-of-two constant operand, or -1. */
static int y_pow2(const struct bn_jit *j, const struct jpair *y, bool is64)
{
	u64 k = (u64)y->lo.imm | (is64 ? (u64)y->hi.imm << 32 : 0);

	if (!jit_pass_on(j, BN_PASS_imm_fold) || y->lo.kind != JV_IMM || y->lo.shc ||
	    (is64 && y->hi.kind != JV_IMM) || !k || (k & (k - 1)))
		return -1;
	return __builtin_ctzll(k);
}

static void shift_imm64(struct bn_jit *j, u32 i, u8 bop, u32 n, struct jpair x);
static void shift32(struct bn_jit *j, u8 gpr, struct jv v, u8 shc, u32 n);

/* A constant B operand in a register, once, if one operand cannot carry it. */
static struct jv const_ready(struct bn_jit *j, struct jv v, u8 tmp)
{
	u8 c, shc, amt;

	if (v.kind != JV_IMM || jv_imm8(j, v.imm, true, &c, &shc, &amt))
		return v;
	wrp_imm(j, reg_both(tmp), v.imm);
	return jv_gpr(tmp);
}

/*
 * acc = sum + a * b (low 32 bits): a shifted add when b is a power of two,
 * else a multiply through T1.
 */
static void mul_acc(struct bn_jit *j, swreg acc, struct jv sum, struct jv a, struct jv b)
{
	u32 k = b.imm;

	if (b.kind == JV_IMM && k && !(k & (k - 1)) && !a.shc) {
		a = jv_shf(a, BN_SHC_LSL, __builtin_ctz(k));
	} else {
		emit_alu(j, BN_OP_mul, reg_both(JIT_T1), a, b);
		a = jv_gpr(JIT_T1);
	}
	emit_alu(j, BN_OP_add, acc, sum, a);
}

/*
 * 64-bit product: hi = mulh(xlo, ylo) + xhi * ylo + xlo * yhi, accumulated
 * in T0 with the last term added straight into the destination; the low
 * word, which may overwrite x, comes last.
 */
static void mul64(struct bn_jit *j, u8 d, struct jpair x, struct jpair y)
{
	bool tx = !jv_is_zero(&x.hi), ty = !jv_is_zero(&y.hi);
	swreg acc = tx || ty ? reg_both(JIT_T0) : d_hi(d);

	y.lo = const_ready(j, y.lo, JIT_T2);
	emit_alu(j, BN_OP_mulh, acc, x.lo, y.lo);
	if (tx)
		mul_acc(j, ty ? acc : d_hi(d), jv_gpr(JIT_T0), x.hi, y.lo);
	if (ty)
		mul_acc(j, d_hi(d), jv_gpr(JIT_T0), x.lo, y.hi);
	emit_alu(j, BN_OP_mul, d_lo(d), x.lo, y.lo);
}

static void mul(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	struct jpair x = op_x(j, i), y = op_y(j, i);
	bool is64 = is_alu64(insn), hi = is64 && jit_hi_needed(j, i);
	int sh = y_pow2(j, &y, is64);
	u8 d = insn->dst_reg;

	if (alu_ident(j, i))
		return;
	if (sh > 0 && is64) {
		shift_imm64(j, i, BPF_LSH >> 4, sh, x);
		return;
	}
	if (sh > 0) {
		emit_alu(j, BN_OP_mov, d_lo(d), jv_none(), jv_shf(x.lo, BN_SHC_LSL, sh));
		zext(j, i);
		return;
	}
	if (hi) {
		mul64(j, d, x, y);
		return;
	}
	emit_alu(j, BN_OP_mul, d_lo(d), x.lo, y.lo);
	if (!is64)
		zext(j, i);
}

/* A 64-bit operand as a GPR pair: its own registers, or a copy in @tmp:@tmp+1. */
static u8 as_pair(struct bn_jit *j, struct jpair p, u8 tmp)
{
	if (p.lo.kind == JV_GPR && p.hi.kind == JV_GPR && p.hi.idx == p.lo.idx + 1 &&
	    !p.lo.shc)
		return p.lo.idx;
	wrp_mov(j, reg_both(tmp), p.lo);
	wrp_mov(j, reg_both(tmp + 1), p.hi);
	return tmp;
}

/* 64-bit division: udiv64/umod64 on GPR pairs; x/0 = 0 and x%0 = x. */
static void divmod64(struct bn_jit *j, u32 i, u8 op, struct jpair x, struct jpair y)
{
	u8 d = jit_insn(j, i)->dst_reg, a, b;

	if (jv_is_zero(&x.hi) && jv_is_zero(&y.hi)) {
		emit_alu(j, op == BN_OP_udiv64 ? BN_OP_udiv : BN_OP_umod, d_lo(d),
			 x.lo, y.lo);
		zext(j, i);
		return;
	}
	a = as_pair(j, x, JIT_T0);
	b = as_pair(j, y, JIT_T2);
	emit_alu(j, op, reg_both(JIT_LO(d)), jv_gpr(a), jv_gpr(b));
}

static void divmod(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	struct jpair x = op_x(j, i), y = op_y(j, i);
	bool is64 = is_alu64(insn), div = BPF_OP(insn->code) == BPF_DIV;
	int sh = y_pow2(j, &y, is64);
	u64 k = (u64)y.lo.imm | ((u64)y.hi.imm << 32);

	if (alu_ident(j, i))
		return;
	if (sh >= 0 && div && is64) {
		shift_imm64(j, i, BPF_RSH >> 4, sh, x);
	} else if (sh >= 0 && div) {
		shift32(j, JIT_LO(insn->dst_reg), x.lo, BN_SHC_LSR, sh);
		zext(j, i);
	} else if (sh >= 0) {
		bitwise(j, i, BN_OP_and, x, jp_k(is64 ? k - 1 : (u32)k - 1));
	} else if (is64) {
		divmod64(j, i, div ? BN_OP_udiv64 : BN_OP_umod64, x, y);
	} else {
		emit_alu(j, div ? BN_OP_udiv : BN_OP_umod, d_lo(insn->dst_reg), x.lo, y.lo);
		zext(j, i);
	}
}
/* ---- ALU: shifts ------------------------------------------------------------------ */

static const u8 shift_shc[16] = {
	[BPF_LSH >> 4] = BN_SHC_LSL,
	[BPF_RSH >> 4] = BN_SHC_LSR,
	[BPF_ARSH >> 4] = BN_SHC_ASR,
};

static const u8 shift_op[16] = {
	[BPF_LSH >> 4] = BN_OP_lsl,
	[BPF_RSH >> 4] = BN_OP_lsr,
	[BPF_ARSH >> 4] = BN_OP_asr,
};

/* gpr = v shifted by the constant @n (0..31). */
static void shift32(struct bn_jit *j, u8 gpr, struct jv v, u8 shc, u32 n)
{
	if (!n)
		copy32(j, gpr, v);
	else
		emit_alu(j, BN_OP_mov, reg_both(gpr), jv_none(), jv_shf(v, shc, n));
}

static void lsh_imm64(struct bn_jit *j, u32 i, u32 n, struct jpair x)
{
	u8 d = jit_insn(j, i)->dst_reg;
	bool hi = jit_hi_needed(j, i);

	if (n >= 32) {
		if (hi)
			shift32(j, JIT_HI(d), x.lo, BN_SHC_LSL, n - 32);
		wrp_imm(j, d_lo(d), 0);
		return;
	}
	if (hi && jv_is_zero(&x.hi))
		shift32(j, JIT_HI(d), x.lo, BN_SHC_LSR, 32 - n);
	else if (hi)
		emit_dshf(j, d_hi(d), x.hi, x.lo, 32 - n);
	shift32(j, JIT_LO(d), x.lo, BN_SHC_LSL, n);
}

/* Right shifts; ARSH fills with the sign of the upper half. */
static void rsh_imm64(struct bn_jit *j, u32 i, u32 n, struct jpair x, bool arith)
{
	u8 d = jit_insn(j, i)->dst_reg, shc = arith ? BN_SHC_ASR : BN_SHC_LSR;
	bool hi = jit_hi_needed(j, i);

	if (jv_is_zero(&x.hi)) {
		if (n >= 32)
			wrp_imm(j, d_lo(d), 0);
		else
			shift32(j, JIT_LO(d), x.lo, BN_SHC_LSR, n);
		if (hi)
			wrp_imm(j, d_hi(d), 0);
		return;
	}
	if (n >= 32)
		shift32(j, JIT_LO(d), x.hi, shc, n - 32);
	else
		emit_dshf(j, d_lo(d), x.hi, x.lo, n);
	if (hi && !arith && n >= 32)
		wrp_imm(j, d_hi(d), 0);
	else if (hi)
		shift32(j, JIT_HI(d), x.hi, shc, n >= 32 ? 31 : n);
}

static void shift_imm64(struct bn_jit *j, u32 i, u8 bop, u32 n, struct jpair x)
{
	u8 d = jit_insn(j, i)->dst_reg;

	if (!n) {
		copy32(j, JIT_LO(d), x.lo);
		if (jit_hi_needed(j, i))
			copy32(j, JIT_HI(d), x.hi);
	} else if (bop == BPF_LSH >> 4) {
		lsh_imm64(j, i, n, x);
	} else {
		rsh_imm64(j, i, n, x, bop == BPF_ARSH >> 4);
	}
}

/*
 * 64-bit shift by a register: amounts 32..63 move one half into the other;
 * 0..31 combine both halves, the bits crossing over shifted in two steps so
 * that an amount of 0 moves nothing across.
 */
static void shift_reg64_small(struct bn_jit *j, u32 i, u8 bop, struct jpair x,
			      struct jv n)
{
	u8 d = jit_insn(j, i)->dst_reg, op = shift_op[bop];
	bool lsh = bop == BPF_LSH >> 4, hi = jit_hi_needed(j, i);

	if (!hi && lsh) {
		emit_alu(j, BN_OP_lsl, d_lo(d), x.lo, n);
		return;
	}
	emit_alu(j, BN_OP_rsub, reg_both(JIT_T0), n, jv_imm(31));
	emit_alu(j, BN_OP_mov, reg_both(JIT_T1), jv_none(),
		 jv_shf(lsh ? x.lo : x.hi, lsh ? BN_SHC_LSR : BN_SHC_LSL, 1));
	emit_alu(j, lsh ? BN_OP_lsr : BN_OP_lsl, reg_both(JIT_T1), jv_gpr(JIT_T1),
		 jv_gpr(JIT_T0));
	emit_alu(j, lsh ? BN_OP_lsl : BN_OP_lsr, reg_both(JIT_T2), lsh ? x.hi : x.lo, n);
	if (lsh) {
		emit_alu(j, BN_OP_or, d_hi(d), jv_gpr(JIT_T2), jv_gpr(JIT_T1));
		emit_alu(j, BN_OP_lsl, d_lo(d), x.lo, n);
		return;
	}
	if (hi)
		emit_alu(j, op, d_hi(d), x.hi, n);
	emit_alu(j, BN_OP_or, d_lo(d), jv_gpr(JIT_T2), jv_gpr(JIT_T1));
}

static void shift_reg64_big(struct bn_jit *j, u32 i, u8 bop, struct jpair x,
			    struct jv n)
{
	u8 d = jit_insn(j, i)->dst_reg;
	bool hi = jit_hi_needed(j, i);

	if (bop == BPF_LSH >> 4) {
		if (hi)
			emit_alu(j, BN_OP_lsl, d_hi(d), x.lo, n);
		wrp_imm(j, d_lo(d), 0);
		return;
	}
	emit_alu(j, shift_op[bop], d_lo(d), x.hi, n);
	if (hi && bop == BPF_ARSH >> 4)
		emit_alu(j, BN_OP_asr, d_hi(d), x.hi, jv_imm(31));
	else if (hi)
		wrp_imm(j, d_hi(d), 0);
}

static void shift_reg64(struct bn_jit *j, u32 i, u8 bop, struct jpair x, struct jpair y)
{
	const struct bn_insn_meta *m = jit_meta(j, i);
	bool small = m->src.type == BN_REG_SCALAR && m->src.umax < 32;
	u32 br_big, br_end;

	if (small) {
		shift_reg64_small(j, i, bop, x, y.lo);
		return;
	}
	emit_brcmp(j, BN_OP_br_cmp, BN_COND_SET, y.lo, jv_imm(32), 0);
	br_big = emit_here(j) - 1;
	shift_reg64_small(j, i, bop, x, y.lo);
	br_end = emit_here(j);
	emit_br(j, BN_COND_AL, 0);
	jit_patch_target(j, br_big, emit_here(j));
	shift_reg64_big(j, i, bop, x, y.lo);
	jit_patch_target(j, br_end, emit_here(j));
}

/* A fused `<<= 32; >>= 32` (zero-extend) or `<<= 32; s>>= 32` (sign-extend). */
static void shift_pair32(struct bn_jit *j, u32 i, struct jpair x)
{
	u8 d = jit_insn(j, i)->dst_reg;

	copy32(j, JIT_LO(d), x.lo);
	if (!jit_hi_needed(j, i))
		return;
	if (j->ji[i].flags & JI_ZEXT32)
		wrp_imm(j, d_hi(d), 0);
	else
		shift32(j, JIT_HI(d), x.lo, BN_SHC_ASR, 31);
}

static void shift(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	struct jpair x = op_x(j, i), y = op_y(j, i);
	u8 bop = BPF_OP(insn->code) >> 4, d = insn->dst_reg;

	if (alu_ident(j, i))
		return;
	if (j->ji[i].flags & (JI_ZEXT32 | JI_SEXT32)) {
		shift_pair32(j, i, x);
		return;
	}
	if (y.lo.kind == JV_IMM && is_alu64(insn)) {
		shift_imm64(j, i, bop, y.lo.imm & 63, x);
	} else if (is_alu64(insn)) {
		shift_reg64(j, i, bop, x, y);
	} else {
		if (y.lo.kind == JV_IMM)
			shift32(j, JIT_LO(d), x.lo, shift_shc[bop], y.lo.imm & 31);
		else
			emit_alu(j, shift_op[bop], d_lo(d), x.lo, y.lo);
		zext(j, i);
	}
}

/* ---- ALU: byte order ----------------------------------------------------------------- */

/* gpr = the low @n bytes of v in reverse order, zero above. */
static void bswap32(struct bn_jit *j, u8 gpr, struct jv v, u32 n)
{
	s16 bytes[4] = { JI_BYTE_ZERO, JI_BYTE_ZERO, JI_BYTE_ZERO, JI_BYTE_ZERO };
	u32 k;

	for (k = 0; k < n; k++)
		bytes[k] = n - 1 - k;
	if (v.kind == JV_GPR && v.idx == gpr) {
		wrp_field(j, reg_both(JIT_T0), &v, 1, bytes);
		wrp_mov(j, reg_both(gpr), jv_gpr(JIT_T0));
		return;
	}
	wrp_field(j, reg_both(gpr), &v, 1, bytes);
}

static void endian(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	struct jpair x = op_x(j, i);
	bool hi = jit_hi_needed(j, i);
	u8 d = insn->dst_reg;

	if (BPF_SRC(insn->code) == BPF_TO_LE) {
		if (insn->imm == 16)
			emit_ldf(j, d_lo(d), x.lo, 0x3, true);
		if (insn->imm != 64)
			zext(j, i);
		return;
	}
	if (insn->imm != 64) {
		bswap32(j, JIT_LO(d), x.lo, insn->imm / 8);
		zext(j, i);
		return;
	}
	if (!hi) {
		bswap32(j, JIT_LO(d), x.hi, 4);
		return;
	}
	bswap32(j, JIT_T1, x.hi, 4);
	bswap32(j, JIT_HI(d), x.lo, 4);
	wrp_mov(j, d_lo(d), jv_gpr(JIT_T1));
}

/* ---- LD_IMM64 --------------------------------------------------------------------------- */

static void ld_imm64(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	u8 d = insn->dst_reg;

	/* map indices and src_reg were checked by jit_pass_structure() */
	if (insn->src_reg == BPF_PSEUDO_MAP_IDX) {
		emit_immed(j, d_lo(d), insn->imm, 0, false, BN_RELOC_MAP_ID, insn->imm);
		if (jit_hi_needed(j, i))
			wrp_imm(j, d_hi(d), 0);
		return;
	}
	wrp_imm(j, d_lo(d), insn->imm);
	if (jit_hi_needed(j, i))
		wrp_imm(j, d_hi(d), insn[1].imm);
}

/* ---- memory ---------------------------------------------------------------------------- */

static const char *const reg_type_name[] = {
	[BN_REG_UNKNOWN] = "an unknown value",
	[BN_REG_SCALAR] = "a scalar",
	[BN_REG_CTX] = "the context",
	[BN_REG_PACKET] = "a packet pointer",
	[BN_REG_PACKET_END] = "data_end",
	[BN_REG_STACK] = "a stack pointer",
	[BN_REG_MAP_VALUE] = "a map value",
	[BN_REG_MAP_VALUE_OR_NULL] = "a map value that may be NULL",
	[BN_REG_MAP_PTR] = "a map pointer",
};

static bool mem_reject(struct bn_jit *j, u32 i, enum jit_base b)
{
	const struct bn_reg_info *ri = jit_base_info(j, i);

	if (b != JB_BAD)
		return false;
	if (j->ji[i].flags & JI_DEAD)
		return true;	/* never runs: nothing to translate */
	jit_fail(j, -EOPNOTSUPP, "memory access through %s is not supported",
		 ri->type < ARRAY_SIZE(reg_type_name) ? reg_type_name[ri->type] :
							 reg_type_name[0]);
	return true;
}

static const u8 mem_tgt[] = {
	[JB_PKT] = BN_TGT_CTM,
	[JB_MAP] = BN_TGT_EMEM,
	[JB_LMPTR] = BN_TGT_LM,
};

/* Byte of the frame (from LM_FP) that R10 + @off is; -1 if outside the stack. */
static s32 lm_byte(struct bn_jit *j, u32 i, s32 off, u32 size)
{
	s32 k = cur_frame(j, i)->depth + off;

	if (k < 0 || k + size > cur_frame(j, i)->depth) {
		jit_fail(j, -EINVAL, "stack access at offset %d is outside the frame", off);
		return -1;
	}
	return k;
}

/* ---- loads ------------------------------------------------------------------------------------ */

static void load_result(struct bn_jit *j, u32 i, const struct jv *words, u32 n,
			const s16 *bytes)
{
	u8 d = jit_insn(j, i)->dst_reg;

	wrp_field(j, d_lo(d), words, n, bytes);
	if (jit_hi_needed(j, i))
		wrp_field(j, d_hi(d), words, n, bytes + 4);
}

/* The span of source bytes a load needs: [*lo, *hi]; false if none. */
static bool load_span(const s16 *bytes, s32 *lo, s32 *hi)
{
	u32 k;

	*lo = 0x7fff;
	*hi = -0x8000;
	for (k = 0; k < 8; k++) {
		if (bytes[k] == JI_BYTE_ZERO)
			continue;
		if (bytes[k] < *lo)
			*lo = bytes[k];
		if (bytes[k] > *hi)
			*hi = bytes[k];
	}
	return *hi >= *lo;
}

static void rebase_bytes(s16 *out, const s16 *bytes, s32 by)
{
	u32 k;

	for (k = 0; k < 8; k++)
		out[k] = bytes[k] == JI_BYTE_ZERO ? JI_BYTE_ZERO : bytes[k] - by;
}

static void xfer_words(struct jv *w, u8 first, u32 n)
{
	u32 k;

	for (k = 0; k < n; k++)
		w[k] = jv_xin(first + k);
}

/* A load from a coalesced window (pkt_coalesce). */
static void load_win(struct bn_jit *j, u32 i)
{
	const struct jit_insn *ji = &j->ji[i];
	const struct jit_win *win = &j->wins[ji->win];
	struct jv words[JIT_WIN_MAX / 4];
	s16 bytes[8], b[8];
	s32 rel = jit_meta(j, i)->src.off + jit_insn(j, i)->off;

	if (ji->flags & JI_WIN_LEAD)
		emit_mem(j, BN_OP_mem_rd, win->tgt, win->xfer,
			 jv_gpr(JIT_LO(jit_insn(j, i)->src_reg)), win->disp, win->len);
	xfer_words(words, win->xfer, (win->len + 3) / 4);
	ji_bytes_get(ji, b);
	rebase_bytes(bytes, b, win->start - rel);
	load_result(j, i, words, (win->len + 3) / 4, bytes);
}

/*
 * A packet load whose bytes the open store group wrote (pkt_coalesce):
 * from the LM staging buffer, through T0-T2 (ld_field reads the B port).
 */
static void load_wc(struct bn_jit *j, u32 i)
{
	const struct jit_wc *w = &j->wcs[j->ji[i].win];
	s32 at = jit_meta(j, i)->src.off + jit_insn(j, i)->off - w->lo, lo, hi, k;
	u32 buf = cur_frame(j, i)->wc;
	struct jv words[3];
	s16 bytes[8], b[8];

	ji_bytes_get(&j->ji[i], b);
	if (!load_span(b, &lo, &hi)) {
		load_result(j, i, NULL, 0, b);	/* every byte zero: no word read */
		return;
	}
	for (k = 0; 4 * k <= (at + hi) / 4 * 4 - (at + lo) / 4 * 4; k++) {
		wrp_mov(j, reg_both(JIT_T0 + k), jv_lm((buf + at + lo) / 4 + k));
		words[k] = jv_gpr(JIT_T0 + k);
	}
	rebase_bytes(bytes, b, (at + lo) / 4 * 4 - at);
	load_result(j, i, words, k, bytes);
}

/* Packet, map value or stack through an address: mem_rd into $x0.. */
static void load_mem(struct bn_jit *j, u32 i, u8 tgt)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	struct jv words[3];
	s16 bytes[8], b[8];
	s32 lo, hi;

	if (j->ji[i].flags & JI_WIN) {
		load_win(j, i);
		return;
	}
	if (j->ji[i].flags & JI_WC_FWD) {
		load_wc(j, i);
		return;
	}
	ji_bytes_get(&j->ji[i], b);
	if (!load_span(b, &lo, &hi)) {
		load_result(j, i, NULL, 0, b);	/* every byte zero: no word read */
		return;
	}
	emit_mem(j, BN_OP_mem_rd, tgt, JIT_XFER_ONE, jv_gpr(JIT_LO(insn->src_reg)),
		 insn->off + lo, hi - lo + 1);
	xfer_words(words, JIT_XFER_ONE, (hi - lo + 4) / 4);
	rebase_bytes(bytes, b, lo);
	load_result(j, i, words, (hi - lo + 4) / 4, bytes);
}

/* Context words are CSRs: csr_rd each word the load's bytes touch. */
static void load_ctx(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	s32 off = insn->off + jit_meta(j, i)->src.off, lo, hi, first, k;
	struct jv words[3];
	s16 bytes[8], b[8];

	ji_bytes_get(&j->ji[i], b);

	if (!load_span(b, &lo, &hi)) {
		load_result(j, i, NULL, 0, b);	/* every byte zero: no word read */
		return;
	}
	if (off + lo < 0 || off + hi >= BN_CSR_CTX_WORDS * 4) {
		jit_fail(j, -EOPNOTSUPP, "context offset %d is not supported", off);
		return;
	}
	first = (off + lo) & ~3;
	rebase_bytes(bytes, b, first - off);
	if (b[0] == 0 && b[1] == 1 && b[2] == 2 && b[3] == 3 && !(off & 3)) {
		emit_csr_rd(j, d_lo(insn->dst_reg), BN_CSR_CTX(off));
		if (jit_hi_needed(j, i))
			wrp_field(j, d_hi(insn->dst_reg), NULL, 0, bytes + 4);
		return;
	}
	for (k = 0; first + 4 * k <= off + hi; k++) {
		emit_csr_rd(j, reg_both(JIT_T0 + k), BN_CSR_CTX(first + 4 * k));
		words[k] = jv_gpr(JIT_T0 + k);
	}
	load_result(j, i, words, k, bytes);
}

/* dst = 32 bits at frame byte @k, any alignment. */
static void lm_word(struct bn_jit *j, u8 gpr, u32 k)
{
	if (!(k % 4)) {
		wrp_mov(j, reg_both(gpr), jv_lm(k / 4));
		return;
	}
	wrp_mov(j, reg_both(JIT_T_B), jv_lm(k / 4));
	emit_dshf(j, reg_both(gpr), jv_lm(k / 4 + 1), jv_gpr(JIT_T_B), 8 * (k % 4));
}

/* dst = @size (1 or 2) bytes at frame byte @k, zero-extended. */
static void lm_small(struct bn_jit *j, u8 gpr, u32 k, u32 size)
{
	u32 b = k % 4;

	if (b + size > 4) {
		lm_word(j, gpr, k);
		emit_ldf(j, reg_both(gpr), jv_gpr(gpr), (1 << size) - 1, true);
	} else if (b + size == 4) {
		emit_alu(j, BN_OP_lsr, reg_both(gpr), jv_lm(k / 4), jv_imm(8 * b));
	} else if (!b && size == 1) {
		emit_alu(j, BN_OP_and, reg_both(gpr), jv_lm(k / 4), jv_imm(0xff));
	} else {
		if (b)
			emit_alu(j, BN_OP_lsr, reg_both(gpr), jv_lm(k / 4), jv_imm(8 * b));
		else
			wrp_mov(j, reg_both(gpr), jv_lm(k / 4));
		emit_ldf(j, reg_both(gpr), jv_gpr(gpr), (1 << size) - 1, true);
	}
}

static void load_lm(struct bn_jit *j, u32 i, s32 ptr_off)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	u32 size = jit_size(insn->code);
	s32 k = lm_byte(j, i, ptr_off + insn->off, size);
	u8 d = insn->dst_reg;
	bool hi = jit_hi_needed(j, i);

	if (k < 0)
		return;
	if (size < 4)
		lm_small(j, JIT_LO(d), k, size);
	else
		lm_word(j, JIT_LO(d), k);
	if (hi && size == 8)
		lm_word(j, JIT_HI(d), k + 4);
	else if (hi)
		wrp_imm(j, d_hi(d), 0);
}

static void mem_ldx(struct bn_jit *j, u32 i)
{
	s32 off;
	enum jit_base b = jit_mem_base(j, i, &off);

	if (mem_reject(j, i, b))
		return;
	if (b == JB_CTX)
		load_ctx(j, i);
	else if (b == JB_LM)
		load_lm(j, i, off);
	else
		load_mem(j, i, mem_tgt[b]);
}

/* ---- stores -------------------------------------------------------------------------------------- */

/* The value a store writes: STX src (upper half 0 if known), ST imm. */
static struct jpair store_value(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);

	if (BPF_CLASS(insn->code) == BPF_ST)
		return jp_k((s64)insn->imm);
	if (j->ji[i].flags & JI_KSRC)
		return jp_k(j->ji[i].k);
	if (insn->src_reg == JIT_REG_R10)
		return r10_value(j, i, JIT_T1, 0);
	return jp_reg(insn->src_reg, jit_hz(j, i, true));
}

/*
 * Store bytes [k, k + size) of the frame from v: for each word and value
 * half, one ld_field merge (or a plain move for a whole aligned word).
 */
static void store_lm_word(struct bn_jit *j, u32 w, u32 k, u32 size, struct jpair v)
{
	u32 rot = (4 - k % 4) & 3, h, b;
	u8 mask;

	for (h = 0; h < 2; h++) {
		mask = 0;
		for (b = 0; b < 4; b++) {
			s32 vb = (s32)(4 * w + b) - (s32)k;

			if (vb >= 0 && vb < (s32)size && vb / 4 == (s32)h)
				mask |= 1 << b;
		}
		if (!mask)
			continue;
		if (mask == 0xf && !rot)
			wrp_mov(j, reg_lm(w), h ? v.hi : v.lo);
		else
			emit_ldf(j, reg_lm(w), jv_shf(h ? v.hi : v.lo, BN_SHC_ROR, 8 * rot),
				 mask, false);
	}
}

static void store_lm(struct bn_jit *j, u32 i, s32 ptr_off, struct jpair v)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	u32 size = jit_size(insn->code), w, last;
	s32 k = lm_byte(j, i, ptr_off + insn->off, size);

	if (k < 0)
		return;
	last = (k + size - 1) / 4;
	if ((j->ji[i].flags & JI_LM_HI_DEAD) && !(k % 4))
		last--;
	for (w = k / 4; w <= last; w++)
		store_lm_word(j, w, k, size, v);
}

/* xfer-out word @n = 32 bits of the staging buffer from frame byte @k. */
static void wc_word(struct bn_jit *j, u32 n, u32 k, u32 end)
{
	u32 q = k / 4, sh = 8 * (k % 4);

	if (!sh) {
		wrp_mov(j, reg_xfer(JIT_XFER_WIN + n), jv_lm(q));
	} else if (k + 4 > (q + 1) * 4 && end > (q + 1) * 4) {
		wrp_mov(j, reg_both(JIT_T_B), jv_lm(q));
		emit_dshf(j, reg_xfer(JIT_XFER_WIN + n), jv_lm(q + 1), jv_gpr(JIT_T_B), sh);
	} else {
		emit_alu(j, BN_OP_lsr, reg_xfer(JIT_XFER_WIN + n), jv_lm(q), jv_imm(sh));
	}
}

/*
 * Write the staging buffer of store group @w out: one mem_wr per run of
 * bytes the group's stores cover, from the base register of store @i.
 */
static void wc_flush(struct bn_jit *j, u32 i, const struct jit_wc *w)
{
	u32 buf = cur_frame(j, i)->wc, a = 0, b, n;
	s32 base_off = jit_meta(j, i)->dst.off;

	while (a < 64) {
		if (!(w->cov >> a & 1)) {
			a++;
			continue;
		}
		for (b = a; b + 1 < 64 && (w->cov >> (b + 1) & 1); b++)
			;
		for (n = 0; 4 * n <= b - a; n++)
			wc_word(j, n, buf + a + 4 * n, buf + b + 1);
		emit_mem(j, BN_OP_mem_wr, BN_TGT_CTM, JIT_XFER_WIN,
			 jv_gpr(JIT_LO(jit_insn(j, i)->dst_reg)), w->lo + a - base_off, b - a + 1);
		a = b + 1;
	}
}

/* A store combined with its neighbours (pkt_coalesce): into the LM buffer. */
static void store_wc(struct bn_jit *j, u32 i, struct jpair v)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	const struct jit_wc *w = &j->wcs[j->ji[i].win];
	u32 size = jit_size(insn->code);
	u32 k = cur_frame(j, i)->wc + jit_meta(j, i)->dst.off + insn->off - w->lo, n;

	for (n = k / 4; n <= (k + size - 1) / 4; n++)
		store_lm_word(j, n, k, size, v);
	if (j->ji[i].flags & JI_WC_FLUSH)
		wc_flush(j, i, w);
}

static void store_mem(struct bn_jit *j, u32 i, u8 tgt, struct jpair v)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	u32 size = jit_size(insn->code);

	wrp_mov(j, reg_xfer(JIT_XFER_ONE), v.lo);
	if (size == 8)
		wrp_mov(j, reg_xfer(JIT_XFER_ONE + 1), v.hi);
	emit_mem(j, BN_OP_mem_wr, tgt, JIT_XFER_ONE, jv_gpr(JIT_LO(insn->dst_reg)),
		 insn->off, size);
}

static void store_ctx(struct bn_jit *j, u32 i, struct jpair v)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	s32 off = insn->off + jit_meta(j, i)->dst.off;

	if (jit_size(insn->code) != 4) {
		jit_fail(j, -EOPNOTSUPP, "context store of size %u is not supported",
			 jit_size(insn->code));
		return;
	}
	if (off < 0 || off >= BN_CSR_CTX_WORDS * 4 || (off & 3)) {
		jit_fail(j, -EOPNOTSUPP, "context offset %d is not supported", off);
		return;
	}
	emit_csr_wr(j, BN_CSR_CTX(off), v.lo);
}

static void mem_st(struct bn_jit *j, u32 i)
{
	s32 off;
	enum jit_base b = jit_mem_base(j, i, &off);
	struct jpair v;

	if (mem_reject(j, i, b))
		return;
	v = store_value(j, i);
	if (b == JB_CTX)
		store_ctx(j, i, v);
	else if (b == JB_LM)
		store_lm(j, i, off, v);
	else if (j->ji[i].flags & JI_WC)
		store_wc(j, i, v);
	else
		store_mem(j, i, mem_tgt[b], v);
}

/* Atomic add without fetch: mem_add on map values, ALU on the own frame. */
static void mem_atomic(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	u32 size = jit_size(insn->code);
	enum jit_base b;
	struct jpair v;
	s32 off, k;

	if (insn->imm != BPF_ADD) {
		jit_fail(j, -EOPNOTSUPP, "atomic operation 0x%x is not supported", insn->imm);
		return;
	}
	b = jit_mem_base(j, i, &off);
	if (mem_reject(j, i, b))
		return;
	v = store_value(j, i);
	if (b == JB_MAP || b == JB_LMPTR) {
		wrp_mov(j, reg_xfer(JIT_XFER_ONE), v.lo);
		if (size == 8)
			wrp_mov(j, reg_xfer(JIT_XFER_ONE + 1), v.hi);
		emit_mem(j, BN_OP_mem_add, mem_tgt[b], JIT_XFER_ONE,
			 jv_gpr(JIT_LO(insn->dst_reg)), insn->off, size);
		return;
	}
	k = b == JB_LM ? lm_byte(j, i, off + insn->off, size) : -1;
	if (b != JB_LM || (k >= 0 && k % 4)) {
		jit_fail(j, -EOPNOTSUPP, "atomic add to %s is not supported",
			 b == JB_LM ? "a misaligned stack slot" :
				      reg_type_name[jit_base_info(j, i)->type]);
		return;
	}
	if (k < 0)
		return;
	if (size == 4)
		emit_alu(j, BN_OP_add, reg_lm(k / 4), jv_lm(k / 4), v.lo);
	else
		emit_alu_pair(j, BN_OP_add, BN_OP_addc, reg_lm(k / 4), reg_lm(k / 4 + 1),
			      (struct jpair){ jv_lm(k / 4), jv_lm(k / 4 + 1) }, v);
}

/* ---- jumps ------------------------------------------------------------------------------------------ */

static const u8 jmp_cond[16] = {
	[BPF_JEQ >> 4] = BN_COND_EQ,	[BPF_JNE >> 4] = BN_COND_NE,
	[BPF_JGT >> 4] = BN_COND_HI,	[BPF_JGE >> 4] = BN_COND_HS,
	[BPF_JLT >> 4] = BN_COND_LO,	[BPF_JLE >> 4] = BN_COND_LS,
	[BPF_JSGT >> 4] = BN_COND_GT,	[BPF_JSGE >> 4] = BN_COND_GE,
	[BPF_JSLT >> 4] = BN_COND_LT,	[BPF_JSLE >> 4] = BN_COND_LE,
	[BPF_JSET >> 4] = BN_COND_SET,
};

/* Signed conditions when both values are known to lie in 0..2^32-1. */
static u8 cond_unsigned(u8 cond)
{
	switch (cond) {
	case BN_COND_GT:	return BN_COND_HI;
	case BN_COND_GE:	return BN_COND_HS;
	case BN_COND_LT:	return BN_COND_LO;
	case BN_COND_LE:	return BN_COND_LS;
	default:		return cond;
	}
}

/* A value the B port of br_cmpc can take without an ALU copy. */
static struct jv cmp_b_ready(struct bn_jit *j, struct jv v, u8 tmp)
{
	if (v.kind != JV_IMM || v.imm <= BN_IMM8_MAX)
		return v;
	wrp_imm(j, reg_both(tmp), v.imm);
	return jv_gpr(tmp);
}

static void jset(struct bn_jit *j, bool wide, struct jpair x, struct jpair y, u32 tgt)
{
	bool fused = jit_pass_on(j, BN_PASS_fuse_cmp);

	if (fused) {
		emit_brcmp(j, BN_OP_br_cmp, BN_COND_SET, x.lo, y.lo, tgt);
		if (wide)
			emit_brcmp(j, BN_OP_br_cmp, BN_COND_SET, x.hi, y.hi, tgt);
		return;
	}
	emit_alu(j, BN_OP_and, reg_none(), x.lo, y.lo);
	emit_br(j, BN_COND_NE, tgt);
	if (wide) {
		emit_alu(j, BN_OP_and, reg_none(), x.hi, y.hi);
		emit_br(j, BN_COND_NE, tgt);
	}
}

static void cond_jmp(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	struct jpair x = op_x(j, i), y = op_y(j, i);
	bool is64 = BPF_CLASS(insn->code) == BPF_JMP;
	bool wide = is64 && !(jv_is_zero(&x.hi) && jv_is_zero(&y.hi));
	u8 cond = jmp_cond[BPF_OP(insn->code) >> 4];
	u32 tgt = JIT_TGT_INSN | (i + 1 + insn->off);

	if (insn->dst_reg == JIT_REG_R10)
		x = r10_value(j, i, JIT_T0, 0);
	if (is64 && !wide)
		cond = cond_unsigned(cond);
	if (BPF_OP(insn->code) == BPF_JSET) {
		jset(j, is64 && !jv_is_zero(&x.hi) && !jv_is_zero(&y.hi), x, y, tgt);
	} else if (!jit_pass_on(j, BN_PASS_fuse_cmp)) {
		if (wide)
			emit_alu_pair(j, BN_OP_sub, BN_OP_subc, reg_none(), reg_none(), x, y);
		else
			emit_alu(j, BN_OP_sub, reg_none(), x.lo, y.lo);
		emit_br(j, cond, tgt);
	} else if (wide) {
		y.hi = cmp_b_ready(j, y.hi, JIT_T_B2);
		emit_alu(j, BN_OP_sub, reg_none(), x.lo, y.lo);
		emit_brcmp(j, BN_OP_br_cmpc, cond, x.hi, y.hi, tgt);
	} else {
		emit_brcmp(j, BN_OP_br_cmp, cond, x.lo, y.lo, tgt);
	}
}

static void ja(struct bn_jit *j, u32 i)
{
	emit_br(j, BN_COND_AL, JIT_TGT_INSN | (i + 1 + jit_insn(j, i)->off));
}

/* ---- calls and exits ------------------------------------------------------------------------------ */

static const struct {
	s32 id;
	u16 img_flag;
	bool xdp_only;
} helpers[] = {
	{ BPF_FUNC_map_lookup_elem,	0,			false },
	{ BPF_FUNC_map_update_elem,	0,			false },
	{ BPF_FUNC_map_delete_elem,	0,			false },
	{ BPF_FUNC_ktime_get_ns,	0,			false },
	{ BPF_FUNC_get_prandom_u32,	BN_IMAGE_F_NEEDS_PRNG,	false },
	{ BPF_FUNC_xdp_adjust_head,	BN_IMAGE_F_ADJ_HEAD,	true },
	{ BPF_FUNC_xdp_adjust_tail,	BN_IMAGE_F_ADJ_TAIL,	true },
	{ BPF_FUNC_perf_event_output,	0,			false },
};

static void call_helper(struct bn_jit *j, u32 i)
{
	s32 id = jit_insn(j, i)->imm;
	u32 k;

	for (k = 0; k < ARRAY_SIZE(helpers); k++) {
		if (helpers[k].id != id)
			continue;
		if (helpers[k].xdp_only && j->in->prog_type != BN_PROG_XDP)
			break;
		j->img_flags |= helpers[k].img_flag;
		emit_call(j, BN_RELOC_HELPER, id);
		return;
	}
	if (id == BPF_FUNC_tail_call)
		jit_fail(j, -EOPNOTSUPP, "tail calls are not supported by the device");
	else
		jit_fail(j, -EOPNOTSUPP, "helper %d is not supported by the device", id);
}

/* The callee's frame starts where the caller's ends (JIT_FP mirrors LM_FP). */
static void move_frame(struct bn_jit *j, u32 i, bool up)
{
	u32 size = cur_frame(j, i)->size;

	if (!size)
		return;
	emit_alu(j, up ? BN_OP_add : BN_OP_sub, reg_both(JIT_FP), jv_gpr(JIT_FP),
		 jv_imm(size));
	emit_csr_wr(j, BN_CSR_LM_FP, jv_gpr(JIT_FP));
}

static void call_sub(struct bn_jit *j, u32 i)
{
	u32 t = i + 1 + jit_insn(j, i)->imm, k;

	for (k = 0; k < j->in->nsubprogs; k++)
		if (j->in->subprogs[k].start == t)
			break;
	if (k == j->in->nsubprogs || !k) {
		jit_fail(j, -EINVAL, "call target is not a subprogram");
		return;
	}
	move_frame(j, i, true);
	emit_call(j, BN_RELOC_BR_REL, JIT_TGT_SUB | k);
	move_frame(j, i, false);
}

static void call(struct bn_jit *j, u32 i)
{
	if (jit_insn(j, i)->src_reg == BPF_PSEUDO_CALL)
		call_sub(j, i);
	else if (!jit_insn(j, i)->src_reg)
		call_helper(j, i);
	else
		jit_fail(j, -EINVAL, "invalid instruction");
}

/* Save-area word of eBPF register @r (6..9) in frame @f. */
static u32 save_slot(const struct jit_frame *f, u32 r)
{
	u32 w = f->depth / 4 + f->save_link, n;

	for (n = 6; n < r; n++)
		w += (f->saved >> n & 1) * 2;
	return w;
}

/**
 * jit_prologue() - entry of subprogram @sub
 * @j: JIT
 * @sub: subprogram index
 *
 * The main program sets up JIT_FP if it makes bpf-to-bpf calls; a callee
 * saves the link register (if it calls anything) and the R6-R9 it writes.
 */
void jit_prologue(struct bn_jit *j, u32 sub)
{
	const struct jit_frame *f = &j->frames[sub];
	u32 r;

	if (!sub) {
		if (j->has_calls)
			emit_csr_rd(j, reg_both(JIT_FP), BN_CSR_LM_FP);
		return;
	}
	if (f->save_link)
		wrp_mov(j, reg_lm(f->depth / 4), jv_gpr(JIT_LINK));
	for (r = 6; r <= 9; r++) {
		if (!(f->saved >> r & 1))
			continue;
		wrp_mov(j, reg_lm(save_slot(f, r)), jv_gpr(JIT_LO(r)));
		wrp_mov(j, reg_lm(save_slot(f, r) + 1), jv_gpr(JIT_HI(r)));
	}
}

static void exit_insn(struct bn_jit *j, u32 i)
{
	const struct jit_frame *f = cur_frame(j, i);
	u32 r;

	if (!j->ji[i].sub) {
		emit_done(j, reg_a(JIT_LO(BPF_REG_0)));
		return;
	}
	if (f->save_link)
		wrp_mov(j, reg_both(JIT_LINK), jv_lm(f->depth / 4));
	for (r = 6; r <= 9; r++) {
		if (!(f->saved >> r & 1))
			continue;
		wrp_mov(j, d_lo(r), jv_lm(save_slot(f, r)));
		wrp_mov(j, d_hi(r), jv_lm(save_slot(f, r) + 1));
	}
	emit_rtn(j, reg_a(JIT_LINK));
}

/* ---- the table ------------------------------------------------------------------------------------ */

#define ALU_BOTH(op, cb)					\
	[BPF_ALU64 | (op) | BPF_K] = cb,			\
	[BPF_ALU64 | (op) | BPF_X] = cb,			\
	[BPF_ALU | (op) | BPF_K] = cb,				\
	[BPF_ALU | (op) | BPF_X] = cb

#define JMP_BOTH(op)						\
	[BPF_JMP | (op) | BPF_K] = cond_jmp,			\
	[BPF_JMP | (op) | BPF_X] = cond_jmp,			\
	[BPF_JMP32 | (op) | BPF_K] = cond_jmp,			\
	[BPF_JMP32 | (op) | BPF_X] = cond_jmp

#define MEM_SIZES(cls, mode, cb)				\
	[(cls) | (mode) | BPF_B] = cb,				\
	[(cls) | (mode) | BPF_H] = cb,				\
	[(cls) | (mode) | BPF_W] = cb,				\
	[(cls) | (mode) | BPF_DW] = cb

const jit_cb_t jit_instr_cb[256] = {
	ALU_BOTH(BPF_ADD, alu_simple),
	ALU_BOTH(BPF_SUB, alu_simple),
	ALU_BOTH(BPF_AND, alu_simple),
	ALU_BOTH(BPF_OR, alu_simple),
	ALU_BOTH(BPF_XOR, alu_simple),
	ALU_BOTH(BPF_MUL, mul),
	ALU_BOTH(BPF_DIV, divmod),
	ALU_BOTH(BPF_MOD, divmod),
	ALU_BOTH(BPF_LSH, shift),
	ALU_BOTH(BPF_RSH, shift),
	ALU_BOTH(BPF_ARSH, shift),
	[BPF_ALU64 | BPF_MOV | BPF_K] = mov_imm,
	[BPF_ALU64 | BPF_MOV | BPF_X] = mov_reg,
	[BPF_ALU | BPF_MOV | BPF_K] = mov_imm,
	[BPF_ALU | BPF_MOV | BPF_X] = mov_reg,
	[BPF_ALU64 | BPF_NEG] = neg,
	[BPF_ALU | BPF_NEG] = neg,
	[BPF_ALU | BPF_END | BPF_TO_LE] = endian,
	[BPF_ALU | BPF_END | BPF_TO_BE] = endian,
	[BPF_LD | BPF_IMM | BPF_DW] = ld_imm64,
	MEM_SIZES(BPF_LDX, BPF_MEM, mem_ldx),
	MEM_SIZES(BPF_STX, BPF_MEM, mem_st),
	MEM_SIZES(BPF_ST, BPF_MEM, mem_st),
	[BPF_STX | BPF_ATOMIC | BPF_W] = mem_atomic,
	[BPF_STX | BPF_ATOMIC | BPF_DW] = mem_atomic,
	JMP_BOTH(BPF_JEQ),
	JMP_BOTH(BPF_JNE),
	JMP_BOTH(BPF_JGT),
	JMP_BOTH(BPF_JGE),
	JMP_BOTH(BPF_JLT),
	JMP_BOTH(BPF_JLE),
	JMP_BOTH(BPF_JSGT),
	JMP_BOTH(BPF_JSGE),
	JMP_BOTH(BPF_JSLT),
	JMP_BOTH(BPF_JSLE),
	JMP_BOTH(BPF_JSET),
	[BPF_JMP | BPF_JA] = ja,
	[BPF_JMP | BPF_CALL] = call,
	[BPF_JMP | BPF_EXIT] = exit_insn,
};

bool bn_jit_supported_opcode(__u8 code)
{
	return !!jit_instr_cb[code];
}
