/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Instruction semantics: one fragment SEM_<name> per row of isa.def,
 * written in the operand vocabulary the interpreter (exec_loop.h) defines:
 *
 *   A          value of the A port (GPR A, LM word, NONE = 0)
 *   B          B port passed through the shifter (SHC, SHAMT)
 *   BRAW       B port, unshifted
 *   DOLD       the destination's current value (merge instructions;
 *              rN reads its bank A copy)
 *   WD(v)      write the destination (rN: both banks; NONE: discarded)
 *   PAIR_A, PAIR_B, WPAIR(v)   64-bit GPR pairs {n+1:n}
 *   IMM        the pre-decoded immediate (value, byte mask, CSR, mask...)
 *   SHAMT      instruction field
 *   FL         the packed flags Z N C V; FLAGS(z, n, c, v) sets them
 *   ZP, CF     previous Z, carry flag
 *   COND       the instruction's condition holds for FL
 *   FLAGS_DEAD, CMP_COND   a br_cmp whose flags no one reads (its handler
 *              is specialised for condition CMP_COND): compare directly
 *   BRANCH(taken)       branch to the static target after the defer slots
 *   JUMP(pc)            the same to a code-store address held in a register
 *   STEP(expr)          run a slow step (memory command, CSR, firmware):
 *                       it may put the thread to sleep or fault
 *   END(v)     end of packet with verdict v
 *
 * The interpreter expands "SEM_<name>" for every isa.def row, so a row
 * without a fragment here does not compile.  The same fragments build the
 * fast and the traced interpreter.
 */
#ifndef BPFNIC_SEM_H
#define BPFNIC_SEM_H

/* ---- building blocks -------------------------------------------------------- */
#define ADD_V(a, b, d)	((((a) ^ (d)) & ((b) ^ (d))) >> 31)	/* signed overflow */
#define SUB_V(a, b, d)	((((a) ^ (b)) & ((a) ^ (d))) >> 31)

#define MKFL(z, n, c, v) \
	((u8)((!!(z) << 3) | (!!(n) << 2) | (!!(c) << 1) | !!(v)))

/* Logic, moves, shifts, multiply, divide: Z and N from the result, C = V = 0. */
#define LOGIC(expr)	do { u32 d_ = (expr); WD(d_); FLAGS(!d_, d_ >> 31, 0, 0); } while (0)

static inline u32 bn_shift(u32 v, u8 shc, u8 n)
{
	switch (shc) {
	case BN_SHC_LSL: return v << n;
	case BN_SHC_LSR: return v >> n;
	case BN_SHC_ASR: return (u32)((s32)v >> n);
	case BN_SHC_ROR: return n ? v >> n | v << (32 - n) : v;
	default:	 return v;
	}
}

/* bn_shift() for a shifter in use: rotates (ld_field's byte lanes) first. */
static inline u32 bn_shift_sh(u32 v, u8 shc, u8 n)
{
	if (shc == BN_SHC_ROR)
		return v >> (n & 31) | v << ((32 - n) & 31);
	return bn_shift(v, shc, n);
}

/*
 * br_cmp / br_cmpc flags: A - B (- !C when chained), or A & B for the
 * SET/CLR conditions; a chained compare keeps Z only if it was set.
 */
static inline u8 bn_cmp_flags(u8 fl, u32 a, u32 b, u8 cond, bool chain)
{
	bool zp = !chain || (fl & BN_FL_Z);
	u32 nb = chain ? !(fl & BN_FL_C) : 0, d;

	if (cond == BN_COND_SET || cond == BN_COND_CLR) {
		d = a & b;
		return MKFL(zp && !d, d >> 31, 0, 0);
	}
	d = a - b - nb;
	return MKFL(zp && !d, d >> 31, (u64)a >= (u64)b + nb, SUB_V(a, b, d));
}

/* br_cmp's condition without the flags: what bn_cmp_flags() + COND decide. */
static inline bool bn_cmp_cond(u32 a, u32 b, u8 cond)
{
	switch (cond) {
	case BN_COND_EQ:  return a == b;
	case BN_COND_NE:  return a != b;
	case BN_COND_HS:  return a >= b;
	case BN_COND_LO:  return a < b;
	case BN_COND_HI:  return a > b;
	case BN_COND_LS:  return a <= b;
	case BN_COND_GE:  return (s32)a >= (s32)b;
	case BN_COND_LT:  return (s32)a < (s32)b;
	case BN_COND_GT:  return (s32)a > (s32)b;
	case BN_COND_LE:  return (s32)a <= (s32)b;
	case BN_COND_MI:  return (s32)(a - b) < 0;
	case BN_COND_PL:  return (s32)(a - b) >= 0;
	case BN_COND_SET: return (a & b) != 0;
	case BN_COND_CLR: return (a & b) == 0;
	case BN_COND_AL:  return true;
	default:	  return false;
	}
}

/* For each flags value, the set of conditions (enum bn_cond) that hold. */
#define F_Z(f)	(((f) >> 3) & 1)
#define F_N(f)	(((f) >> 2) & 1)
#define F_C(f)	(((f) >> 1) & 1)
#define F_V(f)	((f) & 1)
#define CONDS(f) (u16)(						\
	F_Z(f) << BN_COND_EQ | !F_Z(f) << BN_COND_NE |			\
	F_C(f) << BN_COND_HS | !F_C(f) << BN_COND_LO |			\
	(F_C(f) && !F_Z(f)) << BN_COND_HI |				\
	(!F_C(f) || F_Z(f)) << BN_COND_LS |				\
	(F_N(f) == F_V(f)) << BN_COND_GE |				\
	(F_N(f) != F_V(f)) << BN_COND_LT |				\
	(!F_Z(f) && F_N(f) == F_V(f)) << BN_COND_GT |			\
	(F_Z(f) || F_N(f) != F_V(f)) << BN_COND_LE |			\
	F_N(f) << BN_COND_MI | !F_N(f) << BN_COND_PL |			\
	!F_Z(f) << BN_COND_SET | F_Z(f) << BN_COND_CLR |		\
	1 << BN_COND_AL)

static const u16 bn_cond_tab[16] = {
	CONDS(0), CONDS(1), CONDS(2), CONDS(3), CONDS(4), CONDS(5), CONDS(6), CONDS(7),
	CONDS(8), CONDS(9), CONDS(10), CONDS(11), CONDS(12), CONDS(13), CONDS(14), CONDS(15),
};

/* ---- one fragment per isa.def row ------------------------------------------------ */

#define SEM_nop		do { } while (0)

#define SEM_add		do { u32 a_ = A, b_ = B, d_ = a_ + b_;			\
			WD(d_); FLAGS(!d_, d_ >> 31, d_ < a_, ADD_V(a_, b_, d_)); } while (0)
#define SEM_addc	do { u32 a_ = A, b_ = B; u64 s_ = (u64)a_ + b_ + CF; u32 d_ = s_;	\
			WD(d_); FLAGS(ZP && !d_, d_ >> 31, s_ >> 32, ADD_V(a_, b_, d_)); } while (0)
#define SEM_sub		do { u32 a_ = A, b_ = B, d_ = a_ - b_;			\
			WD(d_); FLAGS(!d_, d_ >> 31, a_ >= b_, SUB_V(a_, b_, d_)); } while (0)
#define SEM_subc	do { u32 a_ = A, b_ = B, nb_ = !CF, d_ = a_ - b_ - nb_;	\
			WD(d_); FLAGS(ZP && !d_, d_ >> 31, (u64)a_ >= (u64)b_ + nb_,	\
				      SUB_V(a_, b_, d_)); } while (0)
#define SEM_rsub	do { u32 a_ = A, b_ = B, d_ = b_ - a_;			\
			WD(d_); FLAGS(!d_, d_ >> 31, b_ >= a_, SUB_V(b_, a_, d_)); } while (0)
#define SEM_rsubc	do { u32 a_ = A, b_ = B, nb_ = !CF, d_ = b_ - a_ - nb_;	\
			WD(d_); FLAGS(ZP && !d_, d_ >> 31, (u64)b_ >= (u64)a_ + nb_,	\
				      SUB_V(b_, a_, d_)); } while (0)

#define SEM_and		LOGIC(A & B)
#define SEM_andn	LOGIC(A & ~B)
#define SEM_or		LOGIC(A | B)
#define SEM_xor		LOGIC(A ^ B)
#define SEM_mov		LOGIC(B)
#define SEM_not		LOGIC(~B)
#define SEM_lsl		do { u32 a_ = A; LOGIC(a_ << (BRAW & 31)); } while (0)
#define SEM_lsr		do { u32 a_ = A; LOGIC(a_ >> (BRAW & 31)); } while (0)
#define SEM_asr		do { u32 a_ = A; LOGIC((u32)((s32)a_ >> (BRAW & 31))); } while (0)
#define SEM_dshf	do { u64 a_ = A; LOGIC((u32)((a_ << 32 | BRAW) >> SHAMT)); } while (0)
#define SEM_mul		do { u32 a_ = A; LOGIC(a_ * B); } while (0)
#define SEM_mulh	do { u64 a_ = A; LOGIC((u32)((a_ * B) >> 32)); } while (0)
#define SEM_udiv	do { u32 a_ = A, b_ = B; LOGIC(b_ ? a_ / b_ : 0); } while (0)
#define SEM_umod	do { u32 a_ = A, b_ = B; LOGIC(b_ ? a_ % b_ : a_); } while (0)

/* Pair results: Z and N describe the whole 64-bit value. */
#define SEM_udiv64	do { u64 a_ = PAIR_A, b_ = PAIR_B, d_ = b_ ? a_ / b_ : 0;	\
			WPAIR(d_); FLAGS(!d_, d_ >> 63, 0, 0); } while (0)
#define SEM_umod64	do { u64 a_ = PAIR_A, b_ = PAIR_B, d_ = b_ ? a_ % b_ : a_;	\
			WPAIR(d_); FLAGS(!d_, d_ >> 63, 0, 0); } while (0)

#define SEM_immed	WD(IMM)
#define SEM_immed_hi	WD((DOLD & 0xffff) | IMM)
/* With ZF the loader points DOLD at the zero word: the other lanes clear. */
#define SEM_ld_field	do { u32 b_ = B; WD((b_ & IMM) | (DOLD & ~IMM)); } while (0)

#define SEM_br		BRANCH(COND)
#define SEM_br_cmp	do { u32 a_ = A, b_ = BRAW;					\
			if (FLAGS_DEAD)							\
				BRANCH(bn_cmp_cond(a_, b_, CMP_COND));			\
			FL = bn_cmp_flags(FL, a_, b_, in->cond, false); BRANCH(COND); } while (0)
#define SEM_br_cmpc	do { u32 a_ = A, b_ = BRAW;					\
			FL = bn_cmp_flags(FL, a_, b_, in->cond, true); BRANCH(COND); } while (0)
#define SEM_call	do { WD(IMM); BRANCH(1); } while (0)
#define SEM_rtn		do { u32 a_ = A; JUMP(a_); } while (0)
#define SEM_done	END(A)

#define SEM_mem_rd	do { u32 a_ = A, b_ = BRAW; STEP(bn_mem_cmd(f, t, in, a_, b_)); } while (0)
#define SEM_mem_wr	SEM_mem_rd
#define SEM_mem_add	SEM_mem_rd
#define SEM_ctx_wait	STEP(bn_ctx_wait(f, t, IMM))

#define SEM_csr_rd	do { u32 v_ = 0;							\
			if (!bn_csr_read_fast(t, IMM, &v_))				\
				STEP(bn_csr_read(f, t, IMM, &v_));			\
			WD(v_); } while (0)
#define SEM_csr_wr	do { u32 b_ = BRAW; STEP(bn_csr_write(f, t, IMM, b_)); } while (0)

#define SEM_fw_call	STEP(bn_fw_call(f, t, IMM))

#endif /* BPFNIC_SEM_H */
