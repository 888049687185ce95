// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * The JIT's analyses and its named passes (BN_JIT_PASSES).
 *
 * Before translation, in order:
 *   structure      labels, LD_IMM64 halves, subprograms, opcode checks;
 *                  in the same sweep imm_fold: constant source registers
 *                  become immediates, identities are found
 *   frames         LM frame layout of each subprogram, stack_size
 *   liveness       which low and high words the generated code reads later
 *                  (always computed; dce also drops faint definitions);
 *                  dce marks each instruction once its liveness is final:
 *                  unreachable code, dead definitions, no-ops
 *   fuse_shift     mov/shift feeding an ALU op -> one three-operand alu_shf
 *   fuse_field     load + mask/shift/byte swap/merge -> ld_field picks
 *   pkt_coalesce   packet loads of an extended block -> one memory command
 * After translation (jit_pass_post): branch targets are resolved, then
 * defer_fill fills defer slots and dce drops branches to the next
 * instruction.
 *
 * Each pass only annotates struct jit_insn; the callbacks in jit_insn.c act
 * on the annotations.  A disabled pass leaves them at their conservative
 * defaults, which the callbacks translate correctly on their own.
 */
#include "jit_priv.h"

#define R(n)		((u16)(1u << (n)))
#define R_ARGS		(R(1) | R(2) | R(3) | R(4) | R(5))
#define R_CLOBBER	(R(0) | R_ARGS)
#define R_REAL		0x3ff		/* R0-R9; R10 is never a GPR */

#define JI_FAINT	0x80000000	/* liveness: pure, and nothing reads its result */

/*
 * Opcode classes the passes test on every instruction, one table lookup
 * each: OP_PROPS() of every opcode, built at compile time.
 */
#define OPP_ALU		0x01	/* BPF_ALU, BPF_ALU64 */
#define OPP_JMP		0x02	/* BPF_JMP, BPF_JMP32 */
#define OPP_CJMP	0x04	/* conditional jump */
#define OPP_MEMW	0x08	/* BPF_ST, BPF_STX */
#define OPP_WDST	0x10	/* writes dst: ALU, LDX, LD_IMM64 */

#define OPP_IS_ALU(c)	(BPF_CLASS(c) == BPF_ALU || BPF_CLASS(c) == BPF_ALU64)
#define OPP_IS_JMP(c)	(BPF_CLASS(c) == BPF_JMP || BPF_CLASS(c) == BPF_JMP32)
#define OP_PROPS(c)							\
	((OPP_IS_ALU(c) ? OPP_ALU : 0) |				\
	 (OPP_IS_JMP(c) ? OPP_JMP : 0) |				\
	 (OPP_IS_JMP(c) && BPF_OP(c) != BPF_JA && BPF_OP(c) != BPF_CALL &&	\
	  BPF_OP(c) != BPF_EXIT ? OPP_CJMP : 0) |			\
	 (BPF_CLASS(c) == BPF_STX || BPF_CLASS(c) == BPF_ST ? OPP_MEMW : 0) | \
	 (OPP_IS_ALU(c) || BPF_CLASS(c) == BPF_LDX ||			\
	  (c) == (BPF_LD | BPF_IMM | BPF_DW) ? OPP_WDST : 0))
#define OPP4(c)		OP_PROPS(c), OP_PROPS((c) + 1), OP_PROPS((c) + 2), OP_PROPS((c) + 3)
#define OPP16(c)	OPP4(c), OPP4((c) + 4), OPP4((c) + 8), OPP4((c) + 12)
#define OPP64(c)	OPP16(c), OPP16((c) + 16), OPP16((c) + 32), OPP16((c) + 48)

static const u8 op_props[256] = { OPP64(0), OPP64(64), OPP64(128), OPP64(192) };

static bool is_jmp_class(u8 code)
{
	return op_props[code] & OPP_JMP;
}

static bool is_cond_jmp(u8 code)
{
	return op_props[code] & OPP_CJMP;
}

static bool is_alu_class(u8 code)
{
	return op_props[code] & OPP_ALU;
}

static bool is_mem_write(u8 code)
{
	return op_props[code] & OPP_MEMW;
}

static s64 jmp_target(const struct bn_jit *j, u32 i)
{
	return (s64)i + 1 + jit_insn(j, i)->off;
}

/* ---- structure ------------------------------------------------------------------ */

static int check_subprogs(struct bn_jit *j)
{
	const struct bn_jit_in *in = j->in;
	u32 k;

	for (k = 0; k < in->nsubprogs; k++) {
		if ((!k && in->subprogs[0].start) || in->subprogs[k].start >= in->len ||
		    (k && in->subprogs[k].start <= in->subprogs[k - 1].start)) {
			j->cur = k ? in->subprogs[k].start : 0;
			jit_fail(j, -EINVAL, "subprogram table does not match the program");
			return j->error;
		}
	}
	return 0;
}

static bool writes_dst(u8 code)
{
	return op_props[code] & OPP_WDST;
}

/* A load's picks before fuse_field: byte k of the result is byte k read, then 0. */
#define Z	JI_BYTE_ZERO
static const s8 default_picks[4][8] = {		/* by BPF_SIZE() >> 3 */
	[BPF_W >> 3]	= { 0, 1, 2, 3, Z, Z, Z, Z },
	[BPF_H >> 3]	= { 0, 1, Z, Z, Z, Z, Z, Z },
	[BPF_B >> 3]	= { 0, Z, Z, Z, Z, Z, Z, Z },
	[BPF_DW >> 3]	= { 0, 1, 2, 3, 4, 5, 6, 7 },
};
#undef Z

static void default_bytes(struct jit_insn *ji, u8 code)
{
	__builtin_memcpy(ji->bytes, default_picks[BPF_SIZE(code) >> 3], sizeof(ji->bytes));
}

/* LD_IMM64: a second half, and a constant or a map index the image has. */
static void check_ldimm64(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);

	if (i + 1 >= j->in->len || insn[1].code || insn[1].dst_reg || insn[1].src_reg ||
	    insn[1].off) {
		jit_fail(j, -EINVAL, "invalid instruction");
		return;
	}
	j->ji[i + 1].flags |= JI_HALF;
	if (insn->src_reg == BPF_PSEUDO_MAP_IDX) {
		if ((u32)insn->imm >= j->in->nmaps || insn->imm > 0xffff || insn[1].imm)
			jit_fail(j, -EINVAL, "map index %u out of range", insn->imm);
	} else if (insn->src_reg) {
		jit_fail(j, -EOPNOTSUPP, "ld_imm64 with src_reg %u is not supported",
			 insn->src_reg);
	}
}

/*
 * BPF_END swaps or truncates to 16, 32 or 64 bits; any other width would
 * make the byte picks of endian()/fuse_field index past their 8 bytes.
 */
static bool end_width_ok(const struct bpf_insn *insn)
{
	return BPF_CLASS(insn->code) != BPF_ALU || BPF_OP(insn->code) != BPF_END ||
	       insn->imm == 16 || insn->imm == 32 || insn->imm == 64;
}

/*
 * The metadata the passes ask for again and again, as JI_* flags: dead,
 * upper half unused, known source value and (zext on) the upper halves
 * jit_hz() reads.
 */
static u32 meta_flags(const struct bpf_insn *insn, const struct bn_insn_meta *m, bool zext)
{
	u32 f = (m->flags & BN_META_DEAD ? JI_DEAD : 0) |
		(m->flags & BN_META_HI_UNUSED ? JI_HI_UNUSED : 0) |
		(m->src.type == BN_REG_SCALAR && (m->src.flags & BN_RI_CONST) ? JI_SRC_K : 0);

	if (zext)
		f |= (jit_hz_info(&m->dst, insn->dst_reg) ? JI_HZ_DST : 0) |
		     (jit_hz_info(&m->src, insn->src_reg) ? JI_HZ_SRC : 0);
	return f;
}

/* Registers, opcode, LD_IMM64 pairing of one instruction. */
static void check_insn(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);

	if (insn->dst_reg > JIT_REG_R10 || insn->src_reg > JIT_REG_R10 ||
	    (writes_dst(insn->code) && insn->dst_reg == JIT_REG_R10)) {
		jit_fail(j, -EINVAL, "invalid instruction");
	} else if (!jit_callback(insn->code)) {
		jit_fail(j, -EOPNOTSUPP, "unsupported opcode 0x%02x", insn->code);
	} else if (!end_width_ok(insn)) {
		jit_fail(j, -EINVAL, "byte swap width %d is not 16, 32 or 64", insn->imm);
	} else if (jit_is_ldimm64(insn)) {
		check_ldimm64(j, i);
	}
	if (BPF_CLASS(insn->code) == BPF_LDX)
		default_bytes(&j->ji[i], insn->code);
	if (insn->code == (BPF_JMP | BPF_CALL))
		j->ji[i].flags |= JI_CALLS;
}

static void check_jump(struct bn_jit *j, u32 i)
{
	s64 t = jmp_target(j, i);

	if (t < 0 || t >= j->in->len || (j->ji[t].flags & JI_HALF) ||
	    j->ji[t].sub != j->ji[i].sub)
		jit_fail(j, -EINVAL, "jump out of range");
	else
		j->ji[t].flags |= JI_LABEL;
}

static bool is_pcall(const struct bpf_insn *insn);
static s32 sub_of_call(const struct bn_jit *j, u32 i);
static inline void imm_fold_insn(struct bn_jit *j, u32 i);

/*
 * What later stages would otherwise each sweep the program for: the
 * registers a callee saves and whether it calls (frames), bpf-to-bpf calls
 * and backward ones (frames, liveness).  The structure pass also counts
 * loads, stores and jumps (pkt_coalesce).
 */
static void insn_facts(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	const struct jit_insn *ji = &j->ji[i];
	struct jit_frame *f = &j->frames[ji->sub];
	s32 callee;

	if (ji->sub && (ji->flags & JI_CALLS))
		f->save_link = true;
	if (ji->sub && writes_dst(insn->code) && insn->dst_reg >= 6 && insn->dst_reg <= 9)
		f->saved |= R(insn->dst_reg);
	if (is_pcall(insn)) {
		j->has_calls = true;
		callee = sub_of_call(j, i);
		if (callee > 0 && j->in->subprogs[callee].start <= i)
			j->back_edges = true;
	}
}

/*
 * BN_IMAGE_F_ORDER_FREE: from the metadata (which map every map value
 * access reaches), no map whose contents any packet changes is read by
 * another in a way the order could show: no helper that updates or deletes
 * entries or emits events, no plain store into a map value, and no map
 * that is both atomically added to and read.  Dead instructions do not
 * count; a map the metadata cannot name (paths disagree) rules it out.
 * Gathered instruction by instruction in the structure sweep.
 */
static void order_facts(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	const struct bn_insn_meta *m = jit_meta(j, i);
	u8 cls = BPF_CLASS(insn->code), mode = BPF_MODE(insn->code);
	const struct bn_reg_info *base = NULL;

	if (m->flags & BN_META_DEAD)
		return;
	if (cls == BPF_JMP && BPF_OP(insn->code) == BPF_CALL && !insn->src_reg &&
	    (insn->imm == BPF_FUNC_map_update_elem ||
	     insn->imm == BPF_FUNC_map_delete_elem ||
	     insn->imm == BPF_FUNC_perf_event_output))
		j->of_not = true;
	if (cls == BPF_LDX && mode == BPF_MEM)
		base = &m->src;
	else if ((cls == BPF_STX || cls == BPF_ST) && (mode == BPF_MEM || mode == BPF_ATOMIC))
		base = &m->dst;
	if (!base || base->type != BN_REG_MAP_VALUE)
		return;
	if (base->map_index >= j->in->nmaps || base->map_index >= 64)
		j->of_not = true;
	else if (cls == BPF_LDX)
		j->of_rd |= 1ull << base->map_index;
	else if (cls == BPF_STX && mode == BPF_ATOMIC && insn->imm == BPF_ADD)
		j->of_add |= 1ull << base->map_index;
	else
		j->of_not = true;	/* a plain store, or an atomic that returns or replaces */
}

bool jit_order_free(const struct bn_jit *j)
{
	return j->in->nmaps <= 64 && !j->of_not && !(j->of_rd & j->of_add);
}

/* The last instruction of a subprogram must not fall through. */
static void check_end(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	u32 next = jit_next(j, i);

	if (next < j->in->len && j->ji[next].sub == j->ji[i].sub)
		return;
	if (insn->code != (BPF_JMP | BPF_EXIT) && insn->code != (BPF_JMP | BPF_JA))
		jit_fail(j, -EINVAL, "falls through the end of the program");
}

/**
 * jit_pass_structure() - labels, LD_IMM64 halves, subprograms, opcodes
 * @j: JIT
 *
 * Rejects what no later stage could translate, in program order.
 * Return: 0 or the error.
 */
int jit_pass_structure(struct bn_jit *j)
{
	const struct bn_jit_in *in = j->in;
	bool zext = jit_pass_on(j, BN_PASS_zext), fold = jit_pass_on(j, BN_PASS_imm_fold);
	u32 i, k = 0, next_sub, nldx = 0, nstores = 0, njumps = 0;
	u8 code;

	if (check_subprogs(j))
		return j->error;
	j->ji[0].flags |= JI_LABEL;	/* subprogram 0 starts at 0 */
	next_sub = in->nsubprogs > 1 ? in->subprogs[1].start : in->len;
	for (i = 0; i < in->len && !j->error; i++) {
		struct jit_insn *ji = &j->ji[i];

		j->cur = i;
		if (i == next_sub) {	/* subprogram k + 1 starts: a label */
			k++;
			next_sub = k + 1 < in->nsubprogs ? in->subprogs[k + 1].start : in->len;
			ji->flags |= JI_LABEL;
		}
		ji->sub = k;
		ji->out = i;
		if (ji->flags & JI_HALF)
			continue;
		check_insn(j, i);
		ji->flags |= meta_flags(&in->insns[i], jit_meta(j, i), zext);
		if (fold)
			imm_fold_insn(j, i);
		insn_facts(j, i);
		order_facts(j, i);
		code = in->insns[i].code;
		nldx += BPF_CLASS(code) == BPF_LDX;
		nstores += is_mem_write(code);
		njumps += is_cond_jmp(code) || code == (BPF_JMP | BPF_JA);
	}
	j->nldx = nldx;
	j->nstores = nstores;
	j->njumps = njumps;
	for (i = 0; i < in->len && !j->error; i++) {
		if (j->ji[i].flags & JI_HALF)
			continue;	/* code 0: neither a jump nor an end */
		j->cur = i;
		code = in->insns[i].code;
		if (is_cond_jmp(code) || code == (BPF_JMP | BPF_JA)) {
			check_jump(j, i);
			if (!j->error && jmp_target(j, i) <= i) {
				j->ji[jmp_target(j, i)].flags |= JI_LOOP;
				j->back_edges = true;
			}
		}
		if (!j->error)
			check_end(j, i);
	}
	return j->error;
}

/* ---- frames ------------------------------------------------------------------------ */

static bool is_pcall(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_CALL;
}

static s32 sub_of_call(const struct bn_jit *j, u32 i)
{
	u32 t = i + 1 + jit_insn(j, i)->imm, k;

	for (k = 1; k < j->in->nsubprogs; k++)
		if (j->in->subprogs[k].start == t)
			return k;
	return -1;
}

/* What each subprogram saves, and its frame size. */
static int frame_layout(struct bn_jit *j)
{
	struct jit_frame *f;
	u32 k;

	/* save_link, saved: found by the structure pass (insn_facts()) */
	for (k = 0; k < j->in->nsubprogs; k++) {
		f = &j->frames[k];
		f->depth = (j->in->subprogs[k].stack_depth + 3) & ~3u;
		f->size = f->depth + 4 * (f->save_link + 2 * jit_popcount(f->saved));
		if (f->size > JIT_LM_WINDOW) {
			j->cur = j->in->subprogs[k].start;
			jit_fail(j, -EOPNOTSUPP,
				 "stack frame of %u bytes does not fit the %u-byte local memory window",
				 f->size, JIT_LM_WINDOW);
			return j->error;
		}
	}
	return 0;
}

/* Deepest LM use of call chains starting in subprogram @k. */
static int frame_total(struct bn_jit *j, u32 k)
{
	struct jit_frame *f = &j->frames[k];
	u32 i, deepest = 0;
	s32 callee;

	if (f->total || f->visiting == 2)
		return 0;
	if (!j->has_calls) {
		f->total = f->size;
		return 0;
	}
	f->visiting = 1;
	for (i = j->in->subprogs[k].start; i < j->in->len && j->ji[i].sub == k; i++) {
		if ((j->ji[i].flags & JI_HALF) || !is_pcall(jit_insn(j, i)))
			continue;
		callee = sub_of_call(j, i);
		j->cur = i;
		if (callee < 0) {
			jit_fail(j, -EINVAL, "call target is not a subprogram");
			return j->error;
		}
		if (j->frames[callee].visiting == 1) {
			jit_fail(j, -EINVAL, "recursive bpf-to-bpf calls are not supported");
			return j->error;
		}
		if (frame_total(j, callee))
			return j->error;
		if (j->frames[callee].total > deepest)
			deepest = j->frames[callee].total;
	}
	f->visiting = 2;
	f->total = f->size + deepest;
	return 0;
}

static int frames_total(struct bn_jit *j);

/**
 * jit_pass_frames() - LM frames: depth, save area, total stack
 * @j: JIT
 *
 * A frame holds the eBPF stack (R10 + off is byte depth + off), then for a
 * callee the link register if it calls anything and the R6-R9 it writes.
 * Return: 0 or the error.
 */
int jit_pass_frames(struct bn_jit *j)
{
	if (frame_layout(j) || frames_total(j))
		return j->error;
	return 0;
}

/* Deepest LM use over every call chain (again, after frames grew). */
static int frames_total(struct bn_jit *j)
{
	u32 k;

	for (k = 0; k < j->in->nsubprogs; k++) {
		j->frames[k].total = 0;
		j->frames[k].visiting = 0;
	}
	if (frame_total(j, 0))
		return j->error;
	j->stack_size = j->frames[0].total;
	if (j->stack_size > 0xffff) {
		j->cur = 0;
		jit_fail(j, -EOPNOTSUPP, "stack of %u bytes is too large", j->stack_size);
	}
	return j->error;
}

/* ---- imm_fold ---------------------------------------------------------------------------- */

/* Is `dst OP k` the identity on dst (given the width)? */
static bool alu_is_ident(u8 op, u64 k, bool is64)
{
	if (!is64)
		k = (u32)k;
	switch (op) {
	case BPF_ADD: case BPF_SUB: case BPF_OR: case BPF_XOR:
		return !k;
	case BPF_LSH: case BPF_RSH: case BPF_ARSH:
		return !(k & (is64 ? 63 : 31));
	case BPF_AND:
		return k == (is64 ? ~0ull : 0xffffffffull);
	case BPF_MUL: case BPF_DIV:
		return k == 1;
	default:
		return false;
	}
}

/* X operands whose register is a known constant become immediates. */
static void fold_src(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	u8 cls = BPF_CLASS(insn->code);

	if (BPF_SRC(insn->code) != BPF_X || insn->src_reg == JIT_REG_R10 ||
	    !(j->ji[i].flags & JI_SRC_K))
		return;
	if (is_alu_class(insn->code) || is_cond_jmp(insn->code) ||
	    (cls == BPF_STX && BPF_MODE(insn->code) == BPF_MEM)) {
		j->ji[i].flags |= JI_KSRC;
		j->ji[i].k = jit_meta(j, i)->src.value;
	}
}

/*
 * imm_fold of instruction @i (not an LD_IMM64 half).  It needs nothing but
 * the instruction and its metadata, so the structure pass runs it in its
 * own sweep (after meta_flags()), when the pass is on.
 */
static inline void imm_fold_insn(struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	struct jit_insn *ji = &j->ji[i];
	bool is64 = BPF_CLASS(insn->code) == BPF_ALU64;
	u64 k;

	fold_src(j, i);
	if (!is_alu_class(insn->code) || BPF_OP(insn->code) == BPF_MOV ||
	    BPF_OP(insn->code) == BPF_END || BPF_OP(insn->code) == BPF_NEG)
		return;
	if (BPF_SRC(insn->code) == BPF_X && !(ji->flags & JI_KSRC))
		return;
	k = ji->flags & JI_KSRC ? ji->k : (u64)(s64)insn->imm;
	if (alu_is_ident(BPF_OP(insn->code), k, is64))
		ji->flags |= JI_IDENT;
}

/* ---- liveness --------------------------------------------------------------------------------- */

/**
 * struct jit_ud - the words one instruction reads and writes
 * @use: low words read
 * @use_hi: high words read
 * @use_hd: high words read only to compute the result's high word, i.e.
 *	only if @hd (the destination's high word) is live afterwards
 * @def: low words written
 * @def_hi: high words written
 * @hd: the destination register, as a mask (for @use_hd)
 * @pure: no effect besides the writes
 * @nsucc: liveness: how many successors @succ holds
 * @succ: liveness: the successor instructions
 * @callee: bpf-to-bpf call: first instruction of the callee, else -1
 */
struct jit_ud {
	u16 use, use_hi, use_hd;
	u16 def, def_hi;
	u16 hd;
	bool pure;
	u8 nsucc;
	u32 succ[2];
	s32 callee;
};

/* Reads of a register operand that is not folded away. */
static inline u16 x_use(const struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);

	if (BPF_SRC(insn->code) != BPF_X || (j->ji[i].flags & JI_KSRC) ||
	    insn->src_reg == JIT_REG_R10)
		return 0;
	return R(insn->src_reg);
}

/* Upper half of the right operand is zero: K >= 0, folded, or known. */
static bool y_hi_zero(const struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);

	if (j->ji[i].flags & JI_KSRC)
		return !(j->ji[i].k >> 32);
	if (BPF_SRC(insn->code) == BPF_K)
		return insn->imm >= 0;
	return jit_hz(j, i, true);
}

/* Byte order: le32 only clears the upper half, le64 does nothing. */
static void ud_end(const struct bpf_insn *insn, u16 dh, struct jit_ud *ud)
{
	u8 d = insn->dst_reg;

	if (BPF_SRC(insn->code) == BPF_TO_LE && insn->imm != 16) {
		ud->def = 0;
		ud->def_hi = insn->imm == 32 ? R(d) : 0;
		return;
	}
	ud->use = R(d);
	ud->use_hi = BPF_SRC(insn->code) == BPF_TO_BE && insn->imm == 64 ? dh : 0;
}

static inline s32 shift_amount(const struct bn_jit *j, u32 i);

static void ud_alu(const struct bn_jit *j, u32 i, struct jit_ud *ud)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	bool is64 = BPF_CLASS(insn->code) == BPF_ALU64;
	u8 op = BPF_OP(insn->code), d = insn->dst_reg;
	u16 xs = x_use(j, i), dh = jit_hz(j, i, false) ? 0 : R(d);
	u16 sh = jit_hz(j, i, true) ? 0 : xs;

	ud->pure = true;
	ud->def = ud->def_hi = ud->hd = R(d);
	if (j->ji[i].flags & JI_IDENT) {
		ud->def = 0;
		ud->def_hi = is64 ? 0 : R(d);
		return;
	}
	switch (op) {
	case BPF_MOV:
		ud->use = xs;
		ud->use_hd = is64 ? sh : 0;
		break;
	case BPF_NEG:
		ud->use = R(d);
		ud->use_hd = is64 ? dh : 0;
		break;
	case BPF_END:
		ud_end(insn, dh, ud);
		break;
	case BPF_LSH:
		/* the low word of a left shift needs only low words; by 32 or
		 * more the high word comes from the low word alone */
		ud->use = R(d) | xs;
		ud->use_hd = is64 && (xs || shift_amount(j, i) < 32) ? dh : 0;
		break;
	case BPF_DIV: case BPF_MOD: case BPF_RSH: case BPF_ARSH:
		ud->use = R(d) | xs;
		ud->use_hi = is64 ? dh | sh : 0;
		break;
	default:
		ud->use = R(d) | xs;
		ud->use_hd = is64 ? dh | sh : 0;
		break;
	}
	if (!jit_pass_on(j, BN_PASS_zext)) {
		ud->use_hi |= ud->use_hd;	/* every high word is computed */
		ud->use_hd = 0;
	}
}

static u16 base_use(const struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	u8 r = BPF_CLASS(insn->code) == BPF_LDX ? insn->src_reg : insn->dst_reg;
	s32 off;

	switch (jit_mem_base(j, i, &off)) {
	case JB_CTX:
	case JB_LM:
		return 0;
	default:
		return r == JIT_REG_R10 ? 0 : R(r);
	}
}

static void ud_mem(const struct bn_jit *j, u32 i, struct jit_ud *ud)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	u16 xs = BPF_CLASS(insn->code) == BPF_STX ? x_use(j, i) : 0;

	if (BPF_CLASS(insn->code) == BPF_STX && !(j->ji[i].flags & JI_KSRC) &&
	    insn->src_reg != JIT_REG_R10)
		xs = R(insn->src_reg);
	ud->use = base_use(j, i);
	if (BPF_CLASS(insn->code) == BPF_LDX || jit_is_ldimm64(insn)) {
		ud->pure = true;
		ud->def = ud->def_hi = R(insn->dst_reg);
		if (jit_is_ldimm64(insn))
			ud->use = 0;
		return;
	}
	ud->use |= xs;
	if (jit_size(insn->code) == 8 && !jit_hz(j, i, true))
		ud->use_hi = xs;
}

/* Argument words each helper reads; the rest of R1-R5 is dead at the call. */
static void ud_helper(s32 id, struct jit_ud *ud)
{
	switch (id) {
	case BPF_FUNC_map_lookup_elem:
	case BPF_FUNC_map_delete_elem:
	case BPF_FUNC_xdp_adjust_head:
	case BPF_FUNC_xdp_adjust_tail:
		ud->use = R(1) | R(2);
		break;
	case BPF_FUNC_map_update_elem:
		ud->use = R(1) | R(2) | R(3) | R(4);
		ud->use_hi = R(4);
		break;
	case BPF_FUNC_ktime_get_ns:
	case BPF_FUNC_get_prandom_u32:
		break;
	default:
		ud->use = ud->use_hi = R_ARGS;
		break;
	}
}

static void ud_jmp(const struct bn_jit *j, u32 i, struct jit_ud *ud)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	u16 xs = x_use(j, i);
	bool wide;

	switch (BPF_OP(insn->code)) {
	case BPF_JA:
		return;
	case BPF_EXIT:
		ud->use = R(0);
		ud->use_hi = j->ji[i].sub ? R(0) : 0;
		return;
	case BPF_CALL:
		ud->def = ud->def_hi = R_CLOBBER;
		if (insn->src_reg == BPF_PSEUDO_CALL)
			ud->use = ud->use_hi = R_ARGS;
		else
			ud_helper(insn->imm, ud);
		return;
	}
	wide = BPF_CLASS(insn->code) == BPF_JMP &&
	       !(jit_hz(j, i, false) && y_hi_zero(j, i));
	ud->use = (insn->dst_reg == JIT_REG_R10 ? 0 : R(insn->dst_reg)) | xs;
	if (wide)
		ud->use_hi = (jit_hz(j, i, false) ? 0 : R(insn->dst_reg)) |
			     (jit_hz(j, i, true) ? 0 : xs);
}

/**
 * jit_use_def() - words instruction @i reads and writes in generated code
 * @j: JIT
 * @i: instruction
 * @ud: out
 */
static void jit_use_def(const struct bn_jit *j, u32 i, struct jit_ud *ud)
{
	u8 code = jit_insn(j, i)->code;

	__builtin_memset(ud, 0, sizeof(*ud));
	if (is_alu_class(code))
		ud_alu(j, i, ud);
	else if (is_jmp_class(code))
		ud_jmp(j, i, ud);
	else
		ud_mem(j, i, ud);
	ud->use &= R_REAL;
	ud->use_hi &= R_REAL;
	ud->use_hd &= R_REAL;
}

/* Successors of @i: returns how many (0..2) are in @s. */
static u32 succs(const struct bn_jit *j, u32 i, u32 *s)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	u32 next = jit_next(j, i), n = 0;

	if (insn->code == (BPF_JMP | BPF_EXIT))
		return 0;
	if (insn->code != (BPF_JMP | BPF_JA) && next < j->in->len)
		s[n++] = next;
	if (is_cond_jmp(insn->code) || insn->code == (BPF_JMP | BPF_JA))
		s[n++] = jmp_target(j, i);
	return n;
}

/* One backward step; returns true if the live-in sets of @i changed. */
static __always_inline bool live_step(struct bn_jit *j, u32 i, struct jit_ud *ud,
				      bool faint)
{
	struct jit_insn *ji = &j->ji[i];
	u16 lo = 0, hi = 0, nlo, nhi;
	u32 k;

	for (k = 0; k < ud->nsucc; k++) {
		lo |= j->ji[ud->succ[k]].live_in;
		hi |= j->ji[ud->succ[k]].live_in_hi;
	}
	if (ud->callee >= 0) {
		/* a bpf-to-bpf call reads the arguments its callee reads */
		ud->use = j->ji[ud->callee].live_in & R_ARGS;
		ud->use_hi = j->ji[ud->callee].live_in_hi & R_ARGS;
	}
	ji->live = lo;
	ji->live_hi = hi;
	ji->flags &= ~JI_FAINT;
	if (faint && ud->pure && !(ud->def & lo) && !(ud->def_hi & hi)) {
		ji->flags |= JI_FAINT;
		nlo = lo;
		nhi = hi;
	} else {
		nlo = (lo & ~ud->def) | ud->use;
		nhi = (hi & ~ud->def_hi) | ud->use_hi | (hi & ud->hd ? ud->use_hd : 0);
	}
	if (nlo == ji->live_in && nhi == ji->live_in_hi)
		return false;
	ji->live_in = nlo;
	ji->live_in_hi = nhi;
	return true;
}

/* What live_step() needs of @i: its reads and writes, successors, callee. */
static inline void ud_fill(const struct bn_jit *j, u32 i, struct jit_ud *ud)
{
	s32 callee;

	jit_use_def(j, i, ud);
	ud->nsucc = succs(j, i, ud->succ);
	ud->callee = -1;
	if (is_pcall(jit_insn(j, i))) {
		callee = sub_of_call(j, i);
		if (callee > 0)
			ud->callee = j->in->subprogs[callee].start;
	}
}

static inline void dce_insn(struct bn_jit *j, u32 i);

/**
 * pass_liveness() - backward liveness of low and high words
 * @j: JIT
 *
 * Fills jit_insn.live/live_hi (words read after each instruction).  Reads
 * are those of the generated code: a 64-bit compare of two values whose
 * upper halves are known zero reads no upper half, a helper reads only its
 * arguments.  With dce, a pure instruction whose results are never read is
 * faint: it reads nothing either, so chains of dead code die together.
 * Without backward edges (the structure pass finds them) one backward
 * sweep reaches the fixed point, and each instruction's reads and writes
 * are needed only once.
 */
static void pass_liveness(struct bn_jit *j)
{
	const struct bn_jit_env *env = j->env;
	bool faint = jit_pass_on(j, BN_PASS_dce), changed = true;
	bool back = j->back_edges;
	struct jit_ud *ud = NULL, one;
	u32 i, rounds = 0;

	if (back)
		ud = env->alloc(env->priv, j->in->len * sizeof(*ud));
	if (back && !ud) {
		jit_fail(j, -ENOMEM, "out of memory");
		goto out;
	}
	if (!back) {
		rounds = 1;
		for (i = j->in->len; i-- > 0;) {
			if (j->ji[i].flags & JI_HALF)
				continue;
			ud_fill(j, i, &one);
			live_step(j, i, &one, faint);
			if (faint)	/* i's liveness is final: dce it now */
				dce_insn(j, i);
		}
		goto out;
	}
	for (i = 0; i < j->in->len; i++)
		if (!(j->ji[i].flags & JI_HALF))
			ud_fill(j, i, &ud[i]);
	while (changed && rounds++ <= j->in->len) {
		changed = false;
		for (i = j->in->len; i-- > 0;)
			if (!(j->ji[i].flags & JI_HALF))
				changed |= live_step(j, i, &ud[i], faint);
	}
	for (i = 0; faint && i < j->in->len; i++)
		if (!(j->ji[i].flags & JI_HALF))
			dce_insn(j, i);
out:
#ifdef JIT_PROFILE
	{
		char m[48];

		jit_snprintf(m, sizeof(m), "prof live_rounds %u", rounds);
		env->print(env->priv, m);
	}
#endif
	env->free(env->priv, ud);
}

/* ---- dce ---------------------------------------------------------------------------------------- */

static bool is_noop(const struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);

	if (insn->code == (BPF_JMP | BPF_JA))
		return !insn->off;
	if (insn->code == (BPF_ALU64 | BPF_MOV | BPF_X))
		return insn->src_reg == insn->dst_reg && !(j->ji[i].flags & JI_KSRC);
	return BPF_CLASS(insn->code) == BPF_ALU64 && (j->ji[i].flags & JI_IDENT);
}

/* dce of instruction @i (not an LD_IMM64 half), once its liveness is final. */
static inline void dce_insn(struct bn_jit *j, u32 i)
{
	struct jit_insn *ji = &j->ji[i];

	if ((ji->flags & (JI_DEAD | JI_FAINT)) || is_noop(j, i))
		ji->flags |= JI_SKIP;
}

/* ---- fuse_shift ------------------------------------------------------------------------------------ */

/* The instruction after @i if it may be fused with @i, else 0. */
static inline u32 fusible_next(const struct bn_jit *j, u32 i)
{
	u32 n = jit_next(j, i);

	if (n >= j->in->len || (j->ji[n].flags & (JI_LABEL | JI_SKIP)) ||
	    (j->ji[i].flags & JI_SKIP))
		return 0;
	return n;
}

static bool is_op(const struct bpf_insn *insn, u8 op)
{
	return is_alu_class(insn->code) && BPF_OP(insn->code) == op;
}

/* Constant shift amount of @i, or -1. */
static inline s32 shift_amount(const struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	u8 op = BPF_OP(insn->code);
	u64 k;

	if (!is_alu_class(insn->code) || (op != BPF_LSH && op != BPF_RSH &&
					  op != BPF_ARSH) || (j->ji[i].flags & JI_IDENT))
		return -1;
	if (BPF_SRC(insn->code) == BPF_X && !(j->ji[i].flags & JI_KSRC))
		return -1;
	k = BPF_SRC(insn->code) == BPF_X ? j->ji[i].k : (u32)insn->imm;
	return k & (BPF_CLASS(insn->code) == BPF_ALU64 ? 63 : 31);
}

/* `r <<= 32; r >>= 32` / `s>>= 32`: zero- or sign-extend the low word. */
static bool fuse_ext_pair(struct bn_jit *j, u32 i, u32 n)
{
	const struct bpf_insn *a = jit_insn(j, i), *b = jit_insn(j, n);

	if (a->code != (BPF_ALU64 | BPF_LSH | BPF_K) || a->imm != 32 ||
	    (b->code != (BPF_ALU64 | BPF_RSH | BPF_K) &&
	     b->code != (BPF_ALU64 | BPF_ARSH | BPF_K)) ||
	    b->imm != 32 || a->dst_reg != b->dst_reg)
		return false;
	j->ji[n].flags |= BPF_OP(b->code) == BPF_RSH ? JI_ZEXT32 : JI_SEXT32;
	j->ji[n].flags |= j->ji[i].flags & (JI_FX | JI_XHZ);
	j->ji[n].xreg = j->ji[i].xreg;
	j->ji[i].flags |= JI_SKIP;
	return true;
}

/* `d = s; d OP= y` -> d = s OP y (three operands). */
static bool fuse_mov(struct bn_jit *j, u32 i, u32 n)
{
	const struct bpf_insn *a = jit_insn(j, i), *b = jit_insn(j, n);
	bool a64 = BPF_CLASS(a->code) == BPF_ALU64, b64 = BPF_CLASS(b->code) == BPF_ALU64;
	u8 op = BPF_OP(b->code);

	if (!is_op(a, BPF_MOV) || BPF_SRC(a->code) != BPF_X ||
	    (j->ji[i].flags & (JI_KSRC | JI_FX)) || a->src_reg == a->dst_reg ||
	    !is_alu_class(b->code) || b->dst_reg != a->dst_reg || op == BPF_MOV ||
	    op == BPF_END || (j->ji[n].flags & (JI_IDENT | JI_FX | JI_FY)))
		return false;
	if (a->src_reg == JIT_REG_R10 &&
	    (!a64 || !b64 || (op != BPF_ADD && op != BPF_SUB) ||
	     (BPF_SRC(b->code) == BPF_X && !(j->ji[n].flags & JI_KSRC))))
		return false;
	if (BPF_SRC(b->code) == BPF_X && !(j->ji[n].flags & JI_KSRC) &&
	    b->src_reg == a->dst_reg) {
		if (a64 != b64 && b64)
			return false;
		j->ji[n].flags |= JI_FY;
		j->ji[n].yreg = a->src_reg;
		j->ji[n].yshc = j->ji[n].yshamt = 0;
	}
	j->ji[n].flags |= JI_FX | (!a64 && b64 ? JI_XHZ : 0);
	j->ji[n].xreg = a->src_reg;
	j->ji[i].flags |= JI_SKIP;
	return true;
}

static bool is_shf_op(const struct bpf_insn *insn)
{
	u8 op = BPF_OP(insn->code);

	return is_alu_class(insn->code) && BPF_SRC(insn->code) == BPF_X &&
	       (op == BPF_ADD || op == BPF_SUB || op == BPF_AND || op == BPF_OR ||
		op == BPF_XOR);
}

/* The B-port shift equivalent to shift @i on the low word, or false. */
static bool shift_as_shc(const struct bn_jit *j, u32 i, s32 amt, u8 *shc)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	u8 op = BPF_OP(insn->code);

	if (amt <= 0 || amt >= 32)
		return false;
	if (op == BPF_LSH)
		*shc = BN_SHC_LSL;
	else if (BPF_CLASS(insn->code) == BPF_ALU)
		*shc = op == BPF_RSH ? BN_SHC_LSR : BN_SHC_ASR;
	else if (jit_hz(j, i, false))
		*shc = BN_SHC_LSR;
	else
		return false;
	return true;
}

/*
 * `e <<= k; e OP= f` -> e = f OP (e << k), or `e <<= k; d OP= e` with e dead
 * after -> d = d OP (e << k): one ALU instruction with a shifted B operand.
 * Only where the low word alone is computed.
 */
static bool fuse_shift_op(struct bn_jit *j, u32 i, u32 n)
{
	const struct bpf_insn *a = jit_insn(j, i), *b = jit_insn(j, n);
	struct jit_insn *jn = &j->ji[n];
	s32 amt = shift_amount(j, i);
	u8 e = a->dst_reg, src = j->ji[i].flags & JI_FX ? j->ji[i].xreg : e, shc;
	bool s1 = b->dst_reg == e && b->src_reg != e;
	bool s2 = b->src_reg == e && b->dst_reg != e &&
		  !((jn->live | jn->live_hi) & R(e));

	if (!is_shf_op(b) || (jn->flags & (JI_KSRC | JI_IDENT | JI_FX | JI_FY)) ||
	    src == JIT_REG_R10 || b->src_reg == JIT_REG_R10 || !(s1 || s2) ||
	    !shift_as_shc(j, i, amt, &shc) ||
	    (BPF_CLASS(b->code) == BPF_ALU64 && jit_hi_needed(j, n)))
		return false;
	if (s1) {
		jn->flags |= JI_FX | (BPF_OP(b->code) == BPF_SUB ? JI_REV : 0);
		jn->xreg = b->src_reg;
	}
	jn->flags |= JI_FY;
	jn->yreg = src;
	jn->yshc = shc;
	jn->yshamt = amt;
	j->ji[i].flags |= JI_SKIP;
	return true;
}

/*
 * Every fusion here joins two ALU instructions (a mov or shift, then the
 * op): other pairs are not even looked at.
 */
static void pass_fuse_shift(struct bn_jit *j)
{
	u32 i, n;

	for (i = 0; i < j->in->len; i = jit_next(j, i)) {
		if (!is_alu_class(jit_insn(j, i)->code))
			continue;
		n = fusible_next(j, i);
		if (!n || !is_alu_class(jit_insn(j, n)->code))
			continue;
		if (!fuse_ext_pair(j, i, n) && !fuse_mov(j, i, n))
			fuse_shift_op(j, i, n);
	}
}

/* ---- fuse_field ---------------------------------------------------------------------------------- */

static void bytes_zero(s16 *b, u32 from)
{
	for (; from < 8; from++)
		b[from] = JI_BYTE_ZERO;
}

/* b = b shifted by @by bytes (positive: towards byte 0, i.e. right). */
static void bytes_shift(s16 *b, s32 by, u32 width)
{
	s16 t[8];
	s32 k;

	for (k = 0; k < 8; k++)
		t[k] = k < (s32)width && k + by >= 0 && k + by < (s32)width ?
		       b[k + by] : JI_BYTE_ZERO;
	__builtin_memcpy(b, t, sizeof(t));
}

static bool bytes_and(s16 *b, u64 mask)
{
	u32 k;

	for (k = 0; k < 8; k++) {
		u8 m = mask >> (8 * k);

		if (m == 0)
			b[k] = JI_BYTE_ZERO;
		else if (m != 0xff)
			return false;
	}
	return true;
}

static void bytes_swap(s16 *b, u32 n)
{
	s16 t[8];
	u32 k;

	for (k = 0; k < 8; k++)
		t[k] = k < n ? b[n - 1 - k] : JI_BYTE_ZERO;
	__builtin_memcpy(b, t, sizeof(t));
}

/* Apply ALU instruction @n to the byte picks @b of a load; false if not a pick. */
static bool field_apply(const struct bn_jit *j, u32 n, s16 *b)
{
	const struct bpf_insn *insn = jit_insn(j, n);
	bool is64 = BPF_CLASS(insn->code) == BPF_ALU64;
	u32 w = is64 ? 8 : 4;
	u64 k = j->ji[n].flags & JI_KSRC ? j->ji[n].k : (u64)(s64)insn->imm;

	if (j->ji[n].flags & JI_IDENT) {
		bytes_zero(b, w);
		return true;
	}
	if (BPF_OP(insn->code) == BPF_END) {
		if (BPF_SRC(insn->code) == BPF_TO_BE)
			bytes_swap(b, insn->imm / 8);
		else
			bytes_zero(b, insn->imm / 8);
		return true;
	}
	if (BPF_SRC(insn->code) == BPF_X && !(j->ji[n].flags & JI_KSRC) &&
	    BPF_OP(insn->code) != BPF_MOV)
		return false;
	bytes_zero(b, w);
	switch (BPF_OP(insn->code)) {
	case BPF_AND:
		return bytes_and(b, is64 ? k : (u32)k);
	case BPF_RSH:
	case BPF_LSH:
		k &= 8 * w - 1;
		if (k % 8)
			return false;
		bytes_shift(b, BPF_OP(insn->code) == BPF_RSH ? (s32)(k / 8) : -(s32)(k / 8), w);
		return true;
	case BPF_MOV:
		return !is64 && BPF_SRC(insn->code) == BPF_X && insn->src_reg == insn->dst_reg;
	default:
		return false;
	}
}

/* Fold the ALU instructions that follow load @i and only reshape its bytes. */
static void field_chain(struct bn_jit *j, u32 i)
{
	u8 d = jit_insn(j, i)->dst_reg;
	struct jit_insn *ji = &j->ji[i];
	u32 n = ji->out;
	s16 b[8];

	while ((n = fusible_next(j, n)) && is_alu_class(jit_insn(j, n)->code) &&
	       jit_insn(j, n)->dst_reg == d && !(j->ji[n].flags & (JI_FX | JI_FY))) {
		ji_bytes_get(ji, b);
		if (!field_apply(j, n, b))
			break;
		ji_bytes_put(ji, b);
		j->ji[n].flags |= JI_SKIP;
		ji->flags |= JI_FIELD;
		ji->out = n;
	}
}

/* Packet loads whose address is a constant offset from data. */
static bool is_pkt_load(const struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	const struct bn_reg_info *src = &jit_meta(j, i)->src;

	return BPF_CLASS(insn->code) == BPF_LDX && insn->src_reg != JIT_REG_R10 &&
	       src->type == BN_REG_PACKET && (src->flags & BN_RI_OFF_CONST) &&
	       !(j->ji[i].flags & (JI_SKIP | JI_HALF));
}

static s32 pkt_rel(const struct bn_jit *j, u32 i)
{
	return jit_meta(j, i)->src.off + jit_insn(j, i)->off;
}

/* Does @k read register @r (conservatively)? */
static bool reads_reg(const struct bn_jit *j, u32 k, u8 r)
{
	const struct bpf_insn *insn = jit_insn(j, k);
	struct jit_ud ud;

	if (j->ji[k].flags & JI_SKIP)
		return false;
	jit_use_def(j, k, &ud);
	return (ud.use | ud.use_hi | ud.use_hd) & R(r) || (j->ji[k].flags & (JI_FX | JI_FY) &&
					       (j->ji[k].xreg == r || j->ji[k].yreg == r)) ||
	       (insn->code == (BPF_JMP | BPF_CALL));
}

/* The last instruction before @c in its extended block that writes @r. */
static s32 last_def(const struct bn_jit *j, u32 c, u8 r)
{
	s32 k;

	for (k = c - 1; k >= 0; k--) {
		const struct bpf_insn *insn = jit_insn(j, k);

		if (j->ji[k].flags & JI_HALF)
			continue;
		if (!(j->ji[k].flags & JI_SKIP) && writes_dst(insn->code) &&
		    insn->dst_reg == r)
			return k;
		if ((j->ji[k].flags & JI_LABEL) || insn->code == (BPF_JMP | BPF_CALL) ||
		    is_mem_write(insn->code))
			return -1;
	}
	return -1;
}

static bool unread_between(const struct bn_jit *j, u32 from, u32 to, u8 r)
{
	u32 k;

	for (k = from + 1; k < to; k++)
		if (!(j->ji[k].flags & JI_HALF) && reads_reg(j, k, r))
			return false;
	return true;
}

/* Merge the picks of load @a (register y) into load @b; false if they clash. */
static bool field_merge(struct bn_jit *j, u32 a, u32 b, bool is64)
{
	s32 by = pkt_rel(j, a) - pkt_rel(j, b), lo = 0x7fff, hi = -0x8000;
	s16 m[8];
	u32 k;

	for (k = 0; k < 8; k++) {
		s16 x = j->ji[b].bytes[k], y = j->ji[a].bytes[k];

		if (x != JI_BYTE_ZERO && y != JI_BYTE_ZERO)
			return false;
		m[k] = x != JI_BYTE_ZERO ? x : y == JI_BYTE_ZERO ? y : y + by;
		if (m[k] != JI_BYTE_ZERO && m[k] < lo)
			lo = m[k];
		if (m[k] != JI_BYTE_ZERO && m[k] > hi)
			hi = m[k];
	}
	if (hi - lo >= 8)
		return false;
	if (!is64)
		bytes_zero(m, 4);
	ji_bytes_put(&j->ji[b], m);
	return true;
}

/*
 * `x |= y` where x and y were both loaded from the packet (with disjoint
 * byte picks) and y dies here: x's load picks y's bytes too; y's load and
 * the or vanish.  This is how a packed 16-bit field read as two bytes
 * becomes one load.
 */
static void field_or(struct bn_jit *j, u32 c)
{
	const struct bpf_insn *insn = jit_insn(j, c);
	u8 x = insn->dst_reg, y = insn->src_reg;
	s32 a, b;

	if (insn->code != (BPF_ALU64 | BPF_OR | BPF_X) &&
	    insn->code != (BPF_ALU | BPF_OR | BPF_X))
		return;
	if ((j->ji[c].flags & (JI_SKIP | JI_LABEL | JI_KSRC | JI_FX | JI_FY)) || x == y ||
	    ((j->ji[c].live | j->ji[c].live_hi) & R(y)))
		return;
	a = last_def(j, c, y);
	b = last_def(j, c, x);
	if (a < 0 || b < 0 || !is_pkt_load(j, a) || !is_pkt_load(j, b) ||
	    !unread_between(j, a, c, y) || !unread_between(j, b, c, x) ||
	    (a > b && !unread_between(j, b, a, x)))
		return;
	if (!field_merge(j, a, b, BPF_CLASS(insn->code) == BPF_ALU64))
		return;
	j->ji[a].flags |= JI_SKIP;
	j->ji[c].flags |= JI_SKIP;
	j->ji[b].flags |= JI_FIELD;
	j->ji[b].out = c;
}

static void pass_fuse_field(struct bn_jit *j)
{
	u32 i;
	s32 off;

	for (i = 0; i < j->in->len; i = jit_next(j, i)) {
		enum jit_base base;

		if ((j->ji[i].flags & JI_SKIP) || BPF_CLASS(jit_insn(j, i)->code) != BPF_LDX)
			continue;
		base = jit_mem_base(j, i, &off);
		if (base == JB_PKT || base == JB_MAP || base == JB_CTX || base == JB_LMPTR)
			field_chain(j, i);
	}
	for (i = 0; i < j->in->len; i = jit_next(j, i))
		field_or(j, i);
	for (i = 0; i < j->in->len; i = jit_next(j, i))
		if (BPF_CLASS(jit_insn(j, i)->code) == BPF_LDX && !(j->ji[i].flags & JI_SKIP) &&
		    j->ji[i].flags & JI_FIELD)
			field_chain(j, i);
}

/* ---- pkt_coalesce ------------------------------------------------------------------------------ */

/* Map-value loads at a constant offset (the base register picks the value). */
static bool is_map_load(const struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	const struct bn_reg_info *src = &jit_meta(j, i)->src;

	return BPF_CLASS(insn->code) == BPF_LDX && insn->src_reg != JIT_REG_R10 &&
	       src->type == BN_REG_MAP_VALUE && (src->flags & BN_RI_OFF_CONST) &&
	       !(j->ji[i].flags & (JI_SKIP | JI_HALF));
}

/* Bytes [*lo, *hi] a load reads, relative to data or to the map value. */
static bool load_range(const struct bn_jit *j, u32 i, s32 *lo, s32 *hi)
{
	u32 k;

	*lo = 0x7fffffff;
	*hi = -0x7fffffff;
	for (k = 0; k < 8; k++) {
		s32 b = j->ji[i].bytes[k];

		if (b == JI_BYTE_ZERO)
			continue;
		if (pkt_rel(j, i) + b < *lo)
			*lo = pkt_rel(j, i) + b;
		if (pkt_rel(j, i) + b > *hi)
			*hi = pkt_rel(j, i) + b;
	}
	return *hi >= *lo;
}

/* The windows that can be open at once: one packet, two map values. */
#define JIT_NGROUPS	3
#define JIT_NO_GROUP	0xffff

static const struct {
	u8 kind, xfer, tgt;
	u32 max;
} win_areas[JIT_NGROUPS] = {
	{ JIT_WIN_PKT, JIT_XFER_WIN, BN_TGT_CTM, JIT_WIN_MAX },
	{ JIT_WIN_MAP, JIT_XFER_MAPWIN, BN_TGT_EMEM, JIT_MAPWIN_MAX },
	{ JIT_WIN_MAP, JIT_XFER_MAPWIN + JIT_MAPWIN_MAX / 4, BN_TGT_EMEM, JIT_MAPWIN_MAX },
};

/**
 * struct jit_group - loads one read can serve
 * @first: the lead (first member in program order; it dominates the rest)
 * @last: the last member in program order
 * @n: members
 * @lo: first byte they need, from data or into the map value
 * @hi: last byte they need
 * @cost: words the members touch if the window starts at residue k mod 4
 * @area: index into win_areas[]
 * @base: map groups: the base register
 */
struct jit_group {
	u32 first, last, n;
	s32 lo, hi;
	u32 cost[4];
	u8 area, base;
};

#define JIT_NSLOTS	4	/* spilled window bases tracked at once */

/**
 * struct jit_wstate - the windows at one program point
 * @g: the group each area holds (JIT_NO_GROUP: none)
 * @names: map areas: the eBPF registers holding the window's base pointer
 * @slot: stack slots (offset from R10, 0: unused) a base was spilled to
 * @sg: the group whose base each @slot holds
 */
struct jit_wstate {
	u16 g[JIT_NGROUPS];
	u16 names[JIT_NGROUPS];
	s16 slot[JIT_NSLOTS];
	u16 sg[JIT_NSLOTS];
};

struct jit_coalesce {
	struct jit_group *groups;
	u32 ngroups;
	s32 wc;			/* open store group, or -1 */
	u32 wc_n;		/* its stores */
	u32 wc_fwd;		/* loads it forwards to */
	s32 wc_hi;
	struct jit_wstate cur;
	struct jit_wstate *in;	/* per jump target: meet of the forward jumps into it */
	u32 *slot;		/* per instruction: 1 + its in[] entry, 0: no jump yet */
	u32 nslots;		/* in[] entries used */
};

static void ws_clear(struct jit_wstate *w)
{
	u32 k;

	__builtin_memset(w, 0, sizeof(*w));
	for (k = 0; k < JIT_NGROUPS; k++)
		w->g[k] = JIT_NO_GROUP;
}

static bool ws_has_slot(const struct jit_wstate *w, s16 slot, u16 g)
{
	u32 k;

	for (k = 0; k < JIT_NSLOTS; k++)
		if (w->slot[k] == slot && w->sg[k] == g)
			return true;
	return false;
}

/* What holds on every incoming edge. */
static void ws_meet(struct jit_wstate *d, const struct jit_wstate *s)
{
	u32 k;

	for (k = 0; k < JIT_NGROUPS; k++) {
		if (d->g[k] != s->g[k])
			d->g[k] = JIT_NO_GROUP;
		d->names[k] = d->g[k] == JIT_NO_GROUP ? 0 : d->names[k] & s->names[k];
	}
	for (k = 0; k < JIT_NSLOTS; k++)
		if (d->slot[k] && !ws_has_slot(s, d->slot[k], d->sg[k]))
			d->slot[k] = 0;
}

static void ws_clear_slots(struct jit_wstate *w)
{
	__builtin_memset(w->slot, 0, sizeof(w->slot));
}

/* Forget spilled bases that bytes [off, off + size) of the stack overwrite. */
static void ws_stack_write(struct jit_wstate *w, s32 off, u32 size)
{
	u32 k;

	for (k = 0; k < JIT_NSLOTS; k++)
		if (w->slot[k] && off < w->slot[k] + 8 && off + (s32)size > w->slot[k])
			w->slot[k] = 0;
}

/* Stores that may change what a window of @kind holds. */
static bool clobbers(const struct bn_jit *j, u32 i, u8 kind)
{
	s32 off;

	if (!is_mem_write(jit_insn(j, i)->code))
		return false;
	switch (jit_mem_base(j, i, &off)) {
	case JB_PKT:
		return kind == JIT_WIN_PKT;
	case JB_MAP:
	case JB_LMPTR:
		return kind == JIT_WIN_MAP;
	case JB_BAD:
		return true;
	default:
		return false;
	}
}

/*
 * Firmware routines preserve transfer registers (ISA.md, firmware ABI), so
 * a window survives a helper that leaves its memory alone: packet data
 * moves only with adjust_head/tail, map values change only through
 * update/delete.  A bpf-to-bpf callee may use the transfer registers itself.
 */
static bool call_clobbers(const struct bpf_insn *insn, u8 kind)
{
	if (insn->code != (BPF_JMP | BPF_CALL))
		return false;
	if (insn->src_reg)
		return true;
	switch (insn->imm) {
	case BPF_FUNC_map_lookup_elem:
	case BPF_FUNC_ktime_get_ns:
	case BPF_FUNC_get_prandom_u32:
		return false;
	case BPF_FUNC_xdp_adjust_head:
	case BPF_FUNC_xdp_adjust_tail:
		return kind == JIT_WIN_PKT;
	case BPF_FUNC_map_update_elem:
	case BPF_FUNC_map_delete_elem:
		return kind == JIT_WIN_MAP;
	default:
		return true;
	}
}

/*
 * Drop the windows instruction @i invalidates: calls and stores (@defs
 * false, before its own load), or writes of a map window's base (after).
 */
static void ws_kill(const struct bn_jit *j, struct jit_coalesce *c, u32 i, bool defs)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	u16 written = 0;
	u32 k;

	if (defs && writes_dst(insn->code))
		written = R(insn->dst_reg);
	if (defs && insn->code == (BPF_JMP | BPF_CALL))
		written = R_CLOBBER;
	if (defs ? !written : !is_mem_write(insn->code) && insn->code != (BPF_JMP | BPF_CALL))
		return;	/* renames nothing, clobbers nothing */
	for (k = 0; k < JIT_NGROUPS; k++) {
		c->cur.names[k] &= ~written;
		if (!defs && c->cur.g[k] != JIT_NO_GROUP &&
		    (call_clobbers(insn, win_areas[k].kind) ||
		     clobbers(j, i, win_areas[k].kind))) {
			c->cur.g[k] = JIT_NO_GROUP;
			c->cur.names[k] = 0;
		}
	}
	if (!defs && insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg)
		ws_clear_slots(&c->cur);	/* a callee may write the caller's stack */
}

/*
 * A map window's base pointer moves: copied between registers, spilled to
 * an 8-byte stack slot and reloaded from it.  Loads through any register
 * that holds it can use the window.
 */
static void ws_track(const struct bn_jit *j, struct jit_coalesce *c, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	u8 cls = BPF_CLASS(insn->code);
	s32 off;
	u32 k, n;

	if (insn->code == (BPF_ALU64 | BPF_MOV | BPF_X) && insn->src_reg != JIT_REG_R10) {
		for (k = 1; k < JIT_NGROUPS; k++)
			if (c->cur.names[k] & R(insn->src_reg))
				c->cur.names[k] |= R(insn->dst_reg);
		return;
	}
	if ((cls != BPF_LDX && !is_mem_write(insn->code)) || jit_mem_base(j, i, &off) != JB_LM) {
		if (is_mem_write(insn->code) && jit_mem_base(j, i, &off) == JB_LMPTR)
			ws_clear_slots(&c->cur);
		return;
	}
	off += insn->off;
	if (cls != BPF_LDX) {
		ws_stack_write(&c->cur, off, jit_size(insn->code));
		if (insn->code != (BPF_STX | BPF_MEM | BPF_DW) || insn->src_reg == JIT_REG_R10)
			return;
		for (k = 1; k < JIT_NGROUPS; k++) {
			for (n = 0; n < JIT_NSLOTS && c->cur.slot[n]; n++)
				;
			if ((c->cur.names[k] & R(insn->src_reg)) && n < JIT_NSLOTS && off) {
				c->cur.slot[n] = off;
				c->cur.sg[n] = c->cur.g[k];
			}
		}
		return;
	}
	for (k = 1; k < JIT_NGROUPS && insn->code == (BPF_LDX | BPF_MEM | BPF_DW); k++)
		if (c->cur.g[k] != JIT_NO_GROUP && ws_has_slot(&c->cur, off, c->cur.g[k]))
			c->cur.names[k] |= R(insn->dst_reg);
}

/* Words a load of bytes [lo, hi] touches if the window starts at residue @r mod 4. */
static u32 words_touched(s32 lo, s32 hi, u32 r)
{
	return ((hi - (s32)r) >> 2) - ((lo - (s32)r) >> 2) + 1;
}

/* The start (at most 3 bytes early) that leaves the fewest words to pick from. */
static s32 group_start(const struct jit_group *gr)
{
	u32 s, c, best = 0xffffffff;
	s32 start = gr->lo;

	for (s = 0; s < 4; s++) {
		if (gr->hi + 1 - (gr->lo - (s32)s) > (s32)win_areas[gr->area].max)
			break;
		c = gr->cost[(gr->lo - s) & 3];
		if (c < best) {
			best = c;
			start = gr->lo - s;
		}
	}
	return start;
}

/* Add load @i to the group area @k holds, or start one there. */
static void group_join(struct bn_jit *j, struct jit_coalesce *c, u32 k, u32 i)
{
	u16 g = c->cur.g[k];
	struct jit_group *gr = g == JIT_NO_GROUP ? NULL : &c->groups[g];
	s32 lo, hi;
	u32 r;

	if (!load_range(j, i, &lo, &hi))
		return;
	if (gr && (hi > gr->hi ? hi : gr->hi) - (lo < gr->lo ? lo : gr->lo) >=
		  (s32)win_areas[k].max)
		gr = NULL;
	if (gr && win_areas[k].kind == JIT_WIN_MAP &&
	    !(c->cur.names[k] & R(jit_insn(j, i)->src_reg)))
		gr = NULL;	/* the area is being taken over by another value */
	if (!gr) {
		g = c->ngroups++;
		gr = &c->groups[g];
		__builtin_memset(gr, 0, sizeof(*gr));
		gr->first = i;
		gr->lo = lo;
		gr->hi = hi;
		gr->area = k;
		gr->base = jit_insn(j, i)->src_reg;
		c->cur.g[k] = g;
		c->cur.names[k] = R(gr->base);
	}
	gr->lo = lo < gr->lo ? lo : gr->lo;
	gr->hi = hi > gr->hi ? hi : gr->hi;
	for (r = 0; r < 4; r++)
		gr->cost[r] += words_touched(lo, hi, r);
	gr->last = i;
	gr->n++;
	j->ji[i].flags |= JI_WIN;
	j->ji[i].win = g;
}

/* Area for a map load through @r: the one holding @r's window, else the older. */
static u32 map_area(const struct jit_coalesce *c, u8 r)
{
	u32 k, pick = 1;

	for (k = 1; k < JIT_NGROUPS; k++) {
		u16 g = c->cur.g[k];

		if (g != JIT_NO_GROUP && (c->cur.names[k] & R(r)))
			return k;
		if (g == JIT_NO_GROUP)
			pick = k;
	}
	if (c->cur.g[pick] != JIT_NO_GROUP && c->cur.g[1] != JIT_NO_GROUP &&
	    c->cur.g[2] != JIT_NO_GROUP)
		pick = c->groups[c->cur.g[1]].first < c->groups[c->cur.g[2]].first ? 1 : 2;
	return pick;
}

/* State at instruction @i: the fallthrough edge met with the jumps into it. */
static void ws_enter(const struct bn_jit *j, struct jit_coalesce *c, u32 i, bool fall)
{
	if (!(j->ji[i].flags & JI_LABEL))
		return;
	if (j->ji[i].flags & JI_LOOP) {
		ws_clear(&c->cur);
	} else if (c->slot[i]) {
		if (fall)
			ws_meet(&c->cur, &c->in[c->slot[i] - 1]);
		else
			c->cur = c->in[c->slot[i] - 1];
	} else if (!fall) {
		ws_clear(&c->cur);
	}
}

static void ws_jump(const struct bn_jit *j, struct jit_coalesce *c, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	u32 t = jmp_target(j, i);

	if (!is_cond_jmp(insn->code) && insn->code != (BPF_JMP | BPF_JA))
		return;
	if (c->slot[t]) {
		ws_meet(&c->in[c->slot[t] - 1], &c->cur);
	} else {
		c->in[c->nslots] = c->cur;
		c->slot[t] = ++c->nslots;
	}
}

/* Groups of two or more loads become windows; the rest read on their own. */
static void groups_finish(struct bn_jit *j, struct jit_coalesce *c)
{
	u32 g, i;

	for (i = 0; i < j->in->len; i++) {
		struct jit_insn *ji = &j->ji[i];
		struct jit_group *gr = &c->groups[ji->win];

		if (!(ji->flags & JI_WIN))
			continue;
		if (gr->n < 2)
			ji->flags &= ~JI_WIN;
		else if (gr->first == i)
			ji->flags |= JI_WIN_LEAD;
	}
	for (g = 0; g < c->ngroups; g++) {
		struct jit_group *gr = &c->groups[g];
		struct jit_win *w = &j->wins[g];

		if (gr->n < 2)
			continue;
		w->start = group_start(gr);
		w->len = gr->hi + 1 - w->start;
		w->lead = gr->first;
		w->disp = w->start - jit_meta(j, gr->first)->src.off;
		w->xfer = win_areas[gr->area].xfer;
		w->tgt = win_areas[gr->area].tgt;
	}
	j->nwins = c->ngroups;
}

/* Packet stores at a constant offset from data, up to 8 bytes. */
static bool is_pkt_store(const struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	const struct bn_reg_info *dst = &jit_meta(j, i)->dst;

	return (BPF_CLASS(insn->code) == BPF_ST ||
		(BPF_CLASS(insn->code) == BPF_STX && BPF_MODE(insn->code) == BPF_MEM)) &&
	       insn->dst_reg != JIT_REG_R10 && dst->type == BN_REG_PACKET &&
	       (dst->flags & BN_RI_OFF_CONST) && !(j->ji[i].flags & (JI_SKIP | JI_HALF));
}

static s32 store_rel(const struct bn_jit *j, u32 i)
{
	return jit_meta(j, i)->dst.off + jit_insn(j, i)->off;
}

/* Close the open store group: one store alone is written the plain way. */
static void wc_close(struct bn_jit *j, struct jit_coalesce *c)
{
	struct jit_wc *w = &j->wcs[c->wc];

	if (c->wc < 0)
		return;
	if (c->wc_n < 2 && !c->wc_fwd)
		j->ji[w->last].flags &= ~JI_WC;
	else
		j->ji[w->last].flags |= JI_WC_FLUSH;
	c->wc = -1;
}

/* Stage store @i in the open group, or open one. */
static void wc_add(struct bn_jit *j, struct jit_coalesce *c, u32 i)
{
	s32 lo = store_rel(j, i), hi = lo + jit_size(jit_insn(j, i)->code) - 1;
	struct jit_wc *w;
	u32 b;

	if (c->wc >= 0 && (hi > c->wc_hi ? hi : c->wc_hi) -
			  (lo < j->wcs[c->wc].lo ? lo : j->wcs[c->wc].lo) >= JIT_WC_BYTES)
		wc_close(j, c);
	if (c->wc < 0) {
		c->wc = j->nwcs++;
		j->wcs[c->wc].lo = lo;
		j->wcs[c->wc].cov = 0;
		c->wc_hi = hi;
		c->wc_n = 0;
		c->wc_fwd = 0;
	}
	w = &j->wcs[c->wc];
	if (lo < w->lo) {
		w->cov <<= w->lo - lo;
		w->lo = lo;
	}
	c->wc_hi = hi > c->wc_hi ? hi : c->wc_hi;
	for (b = lo - w->lo; b <= (u32)(hi - w->lo); b++)
		w->cov |= 1ull << b;
	w->last = i;
	c->wc_n++;
	j->ji[i].flags |= JI_WC;
	j->ji[i].win = c->wc;
}

/* What the coalescing scan needs to know of an instruction, found once. */
enum {
	JC_OTHER,
	JC_PKT_LOAD,	/* is_pkt_load() */
	JC_MAP_LOAD,	/* is_map_load() */
	JC_PKT_STORE,	/* is_pkt_store() */
	JC_PKT_OTHER,	/* any other access that may reach the packet */
};

static u8 coalesce_class(const struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);
	enum jit_base b;
	s32 off;

	if (BPF_CLASS(insn->code) != BPF_LDX && !is_mem_write(insn->code))
		return JC_OTHER;	/* neither a load nor a store */
	if (is_pkt_load(j, i))
		return JC_PKT_LOAD;
	if (is_map_load(j, i))
		return JC_MAP_LOAD;
	if (is_pkt_store(j, i))
		return JC_PKT_STORE;
	b = jit_mem_base(j, i, &off);
	return b == JB_PKT || b == JB_BAD ? JC_PKT_OTHER : JC_OTHER;
}

/* Does the open store group hold every byte packet load @i reads? */
static bool wc_covers(const struct bn_jit *j, const struct jit_coalesce *c, u32 i)
{
	const struct jit_wc *w;
	s32 lo, hi, b;

	if (c->wc < 0 || !load_range(j, i, &lo, &hi))
		return false;
	w = &j->wcs[c->wc];
	for (b = lo; b <= hi; b++)
		if (b < w->lo || b - w->lo >= JIT_WC_BYTES || !(w->cov >> (b - w->lo) & 1))
			return false;
	return true;
}

/* Anything but another packet store at a constant offset ends a store group. */
static bool wc_ends(const struct bn_jit *j, u32 i, u8 cls)
{
	if (j->ji[i].flags & JI_LABEL)
		return true;
	if (j->ji[i].flags & JI_SKIP)
		return false;
	return is_jmp_class(jit_insn(j, i)->code) || cls == JC_PKT_LOAD ||
	       cls == JC_PKT_OTHER;
}

/*
 * The scan step of an ALU instruction that is no jump target: it only
 * renames map window bases (ws_kill() + ws_track() without the rest).
 */
static void ws_alu(struct jit_coalesce *c, const struct bpf_insn *insn)
{
	u32 k;

	for (k = 1; k < JIT_NGROUPS; k++) {
		c->cur.names[k] &= ~R(insn->dst_reg);
		if (insn->code == (BPF_ALU64 | BPF_MOV | BPF_X) &&
		    insn->src_reg != JIT_REG_R10 && (c->cur.names[k] & R(insn->src_reg)))
			c->cur.names[k] |= R(insn->dst_reg);
	}
	c->cur.names[0] &= ~R(insn->dst_reg);
}

static void coalesce_scan(struct bn_jit *j, struct jit_coalesce *c)
{
	bool fall = false;
	u32 i;

	ws_clear(&c->cur);
	c->wc = -1;
	for (i = 0; i < j->in->len; i = jit_next(j, i)) {
		const struct bpf_insn *insn = jit_insn(j, i);
		u8 cls;

		if (is_alu_class(insn->code) && !(j->ji[i].flags & JI_LABEL)) {
			ws_alu(c, insn);
			fall = true;
			continue;
		}
		cls = coalesce_class(j, i);

		if (cls == JC_PKT_LOAD && !(j->ji[i].flags & JI_LABEL) && wc_covers(j, c, i)) {
			/* store-to-load forwarding from the staging buffer */
			j->ji[i].flags |= JI_WC_FWD;
			j->ji[i].win = c->wc;
			c->wc_fwd++;
			cls = JC_OTHER;
		}
		if (wc_ends(j, i, cls))
			wc_close(j, c);
		if (cls == JC_PKT_STORE)
			wc_add(j, c, i);
		ws_enter(j, c, i, fall);
		if (!(j->ji[i].flags & JI_SKIP))
			ws_kill(j, c, i, false);
		if (cls == JC_PKT_LOAD)
			group_join(j, c, 0, i);
		else if (cls == JC_MAP_LOAD)
			group_join(j, c, map_area(c, insn->src_reg), i);
		ws_kill(j, c, i, true);
		ws_track(j, c, i);
		if (!(j->ji[i].flags & JI_SKIP) || is_cond_jmp(insn->code))
			ws_jump(j, c, i);
		fall = insn->code != (BPF_JMP | BPF_JA) && insn->code != (BPF_JMP | BPF_EXIT);
		if (j->ji[i].flags & JI_SKIP && insn->code == (BPF_JMP | BPF_JA))
			fall = true;
	}
	wc_close(j, c);
}

/**
 * pass_pkt_coalesce() - one memory read for loads that can share it
 * @j: JIT
 *
 * Packet loads at constant offsets from data share one mem_rd of at most
 * JIT_WIN_MAX bytes into $x2..; map-value loads through one unchanged base
 * register share one EMEM read into one of two areas at $x18.. .  A
 * window is read by its first load and serves later loads as long as every
 * path to them comes from it without a call, a store that may change the
 * memory, a write of the base register, another window in its area or a
 * loop header; the state flows forward through labels (all incoming edges
 * must agree).  A packet window may cover bytes a later bounds check has
 * not yet proven present: it only reads, within the packet's CTM frame,
 * and those bytes are used only on paths where the check passed.
 */
static void pass_pkt_coalesce(struct bn_jit *j)
{
	const struct bn_jit_env *env = j->env;
	struct jit_coalesce c = { 0 };
	u32 nld = j->nldx, nst = j->nstores, njmp = j->njumps;

	c.groups = env->alloc(env->priv, (nld + 1) * sizeof(*c.groups));
	c.in = env->alloc(env->priv, (njmp + 1) * sizeof(*c.in));
	c.slot = env->alloc(env->priv, j->in->len * sizeof(*c.slot));
	j->wins = env->alloc(env->priv, (nld + 1) * sizeof(*j->wins));
	j->wcs = env->alloc(env->priv, (nst + 1) * sizeof(*j->wcs));
	if (!c.groups || !c.in || !c.slot || !j->wins || !j->wcs) {
		jit_fail(j, -ENOMEM, "out of memory");
	} else {
		coalesce_scan(j, &c);
		groups_finish(j, &c);
	}
	env->free(env->priv, c.groups);
	env->free(env->priv, c.in);
	env->free(env->priv, c.slot);
}

/*
 * Give each function with combined packet stores a staging buffer at the
 * end of its frame; where that does not fit lm[], its stores go one by one.
 */
static void frames_add_wc(struct bn_jit *j)
{
	struct jit_frame *f;
	u32 i;

	if (!j->nwcs)
		return;	/* no store group: no JI_WC* flag, frames unchanged */
	for (i = 0; i < j->in->len; i++) {
		f = &j->frames[j->ji[i].sub];
		if (!(j->ji[i].flags & JI_WC) || f->wc)
			continue;
		if (f->size + JIT_WC_BYTES <= JIT_LM_WINDOW) {
			f->wc = f->size;
			f->size += JIT_WC_BYTES;
		}
	}
	for (i = 0; i < j->in->len; i++)
		if (!j->frames[j->ji[i].sub].wc)
			j->ji[i].flags &= ~(JI_WC | JI_WC_FLUSH | JI_WC_FWD);
	frames_total(j);
}

/**
 * jit_run_passes() - the analyses and enabled passes, before translation
 * @j: JIT (structure and frames done)
 */
void jit_run_passes(struct bn_jit *j)
{
	/* imm_fold ran in the structure sweep; dce runs inside liveness */
	JIT_PHASE(j, "liveness", pass_liveness(j));
	if (jit_pass_on(j, BN_PASS_fuse_field))
		JIT_PHASE(j, "fuse_field", pass_fuse_field(j));
	if (jit_pass_on(j, BN_PASS_fuse_shift))
		JIT_PHASE(j, "fuse_shift", pass_fuse_shift(j));
	if (jit_pass_on(j, BN_PASS_pkt_coalesce) && !j->error) {
		JIT_PHASE(j, "coalesce", pass_pkt_coalesce(j));
		frames_add_wc(j);
	}
}

/* ---- after translation: defer_fill, dce of branches to the next insn ---------------------- */

/* The code is kept encoded only: the post passes read it back. */
static const struct bn_isa_info *uc_info(const struct bn_jit *j, u32 u, struct bn_ucode *uc)
{
	bn_unpack(j->code[u], uc);
	return &bn_isa[uc->op];
}

static u8 uc_op(const struct bn_jit *j, u32 u)
{
	return FIELD_GET(BN_F_OPC, j->code[u]);
}

static bool uc_branch(const struct bn_jit *j, u32 u)
{
	return bn_isa[uc_op(j, u)].flags & BN_IF_BRANCH;
}

static u32 uc_defer(const struct bn_jit *j, u32 u)
{
	struct bn_ucode uc;

	if (!uc_branch(j, u))
		return 0;
	uc_info(j, u, &uc);
	return uc.defer;
}

/* Resource number of an operand: GPR n (either bank) -> n, lm[w] -> 64 + w. */
static s32 uc_res(u16 o)
{
	switch (bn_opnd_kind(o)) {
	case BN_OK_A: case BN_OK_B: case BN_OK_BOTH:
		return bn_opnd_val(o);
	case BN_OK_LM:
		return 64 + bn_opnd_val(o);
	default:
		return -1;
	}
}

static bool uc_reads_flags(u8 op)
{
	return op == BN_OP_addc || op == BN_OP_subc || op == BN_OP_rsubc ||
	       op == BN_OP_br || op == BN_OP_br_cmpc;
}

/* May @x (the instruction before branch @b) run in @b's defer slot instead? */
static bool slot_ok(const struct bn_ucode *x, const struct bn_ucode *b)
{
	const struct bn_isa_info *xi = &bn_isa[x->op];
	s32 w = uc_res(x->dst), link = JIT_LINK;

	if (xi->flags & (BN_IF_BRANCH | BN_IF_MEM | BN_IF_END | BN_IF_FWONLY) ||
	    x->op == BN_OP_ctx_wait)
		return false;
	if (uc_reads_flags(b->op) && (xi->flags & BN_IF_SETCC))
		return false;
	if ((bn_isa[b->op].flags & BN_IF_SETCC) && uc_reads_flags(x->op))
		return false;
	if (w >= 0 && (w == uc_res(b->srca) || w == uc_res(b->srcb)))
		return false;
	if (b->op == BN_OP_call && (w == link || uc_res(x->srca) == link ||
				    uc_res(x->srcb) == link))
		return false;
	return true;
}

/* Is ucode @u inside the defer slots of an earlier branch? */
static bool in_slot(const struct bn_jit *j, u32 u)
{
	u32 d;

	for (d = 1; d <= BN_MAX_DEFER && d <= u; d++)
		if (uc_defer(j, u - d) >= d)
			return true;
	return false;
}

static void uc_rotate(struct bn_jit *j, u32 from, u32 to)
{
	u64 c = j->code[to];
	u8 t = j->tag[to];
	u32 g = j->tgt[to], k;

	for (k = to; k > from; k--) {
		j->code[k] = j->code[k - 1];
		j->tag[k] = j->tag[k - 1];
		j->tgt[k] = j->tgt[k - 1];
	}
	j->code[from] = c;
	j->tag[from] = t;
	j->tgt[from] = g;
}

static void uc_set(struct bn_jit *j, u32 u, const struct bn_ucode *uc)
{
	const char *why;

	if (bn_pack(uc, &j->code[u], &why))
		jit_internal(j, why);
}

/* Move up to two independent instructions from before branch @b into its slots. */
static void fill_before(struct bn_jit *j, u32 b, const u8 *is_tgt)
{
	struct bn_ucode br, x;
	u32 n = 0, c;

	uc_info(j, b, &br);
	for (c = b; c > 0 && n < BN_MAX_DEFER; c--) {
		if (uc_branch(j, c - 1) || !uc_info(j, c - 1, &x) || !slot_ok(&x, &br) ||
		    in_slot(j, c - 1))
			break;
		n++;
		if (is_tgt[c - 1])
			break;
	}
	if (!n)
		return;
	br.defer = n;
	uc_set(j, b, &br);
	uc_rotate(j, b - n, b);
}

static void pass_defer_before(struct bn_jit *j)
{
	u8 *is_tgt;
	u32 u;

	is_tgt = j->env->alloc(j->env->priv, j->ncode + 1);
	if (!is_tgt) {
		jit_fail(j, -ENOMEM, "out of memory");
		return;
	}
	for (u = 0; u < j->ncode; u++)
		if (j->tag[u] == BN_RELOC_BR_REL)
			is_tgt[j->tgt[u]] = 1;
	for (u = 0; u < j->ncode && !j->error; u++)
		if (uc_branch(j, u) && !uc_defer(j, u) && !is_tgt[u] && !in_slot(j, u))
			fill_before(j, u, is_tgt);
	j->env->free(j->env->priv, is_tgt);
}

/* The rewritten code: words, relocation types, targets (no decoded copy). */
struct uc_out {
	u64 *code;
	u8 *tag;
	u32 *tgt;
	u32 n, cap;
};

static void out_put(struct bn_jit *j, struct uc_out *o, u32 u)
{
	o->code[o->n] = j->code[u];
	o->tag[o->n] = j->tag[u];
	o->tgt[o->n] = j->tgt[u];
	o->n++;
}

/* Copy instructions [@u, @u + @n), none of them a branch to rewrite, to @o. */
static void out_run(struct bn_jit *j, struct uc_out *o, u32 *map, u32 u, u32 n)
{
	u32 k;

	for (k = 0; k < n; k++)
		map[u + k] = o->n + k;
	__builtin_memcpy(o->code + o->n, j->code + u, n * sizeof(*o->code));
	__builtin_memcpy(o->tag + o->n, j->tag + u, n * sizeof(*o->tag));
	__builtin_memcpy(o->tgt + o->n, j->tgt + u, n * sizeof(*o->tgt));
	o->n += n;
}

/* Instructions that may be copied into an unconditional branch's slots. */
static u32 fill_from_target(const struct bn_jit *j, u32 t)
{
	struct bn_ucode x, any = { .op = BN_OP_br, .srca = BN_OPND_NONE,
				   .srcb = BN_OPND_NONE, .dst = BN_OPND_NONE };
	u32 k;

	for (k = 0; k < BN_MAX_DEFER && t + k + 1 < j->ncode; k++)
		if (uc_branch(j, t + k) || !uc_info(j, t + k, &x) || !slot_ok(&x, &any) ||
		    in_slot(j, t + k))
			break;
	return k;
}

/* Rewrite one branch at @u into @o; false to copy it unchanged. */
static bool post_branch(struct bn_jit *j, struct uc_out *o, u32 u)
{
	struct bn_ucode uc, t;
	u32 k, n;

	if (j->tag[u] != BN_RELOC_BR_REL || uc_op(j, u) == BN_OP_call || !uc_info(j, u, &uc))
		return false;
	if (jit_pass_on(j, BN_PASS_dce) && j->tgt[u] == u + 1 + uc.defer)
		return true;	/* to the next instruction: drop */
	if (!jit_pass_on(j, BN_PASS_defer_fill) || uc.op != BN_OP_br ||
	    uc.cond != BN_COND_AL || uc.defer || o->n + 3 > o->cap)
		return false;
	if (uc_op(j, j->tgt[u]) == BN_OP_done && uc_info(j, j->tgt[u], &t)) {
		out_put(j, o, j->tgt[u]);
		return true;
	}
	n = fill_from_target(j, j->tgt[u]);
	if (!n)
		return false;
	uc.defer = n;
	uc_set(j, u, &uc);
	k = j->tgt[u];
	j->tgt[u] = k + n;
	out_put(j, o, u);
	for (k = 0; k < n; k++)
		out_put(j, o, j->tgt[u] - n + k);
	return true;
}

static void remap(struct bn_jit *j, const u32 *map)
{
	u32 u, k;

	for (u = 0; u < j->ncode; u++)
		if (j->tag[u] == BN_RELOC_BR_REL)
			j->tgt[u] = map[j->tgt[u]];
	for (k = 0; k <= j->in->len; k++)
		j->off[k] = map[j->off[k]];
	for (k = 0; k < j->in->nsubprogs; k++)
		j->frames[k].entry = map[j->frames[k].entry];
}

/* The rewritten code becomes the JIT's; the old arrays go with @o. */
static void swap_code(struct bn_jit *j, struct uc_out *o)
{
	u64 *code = j->code;
	u8 *tag = j->tag;
	u32 *tgt = j->tgt, cap = j->cap;

	j->cap = o->cap;
	o->cap = cap;
	j->code = o->code;
	j->tag = o->tag;
	j->tgt = o->tgt;
	o->code = code;
	o->tag = tag;
	o->tgt = tgt;
}

/* Second sweep: drop branches to the next instruction, fill br.al slots. */
static void pass_branch_rewrite(struct bn_jit *j)
{
	const struct bn_jit_env *env = j->env;
	struct uc_out o = { 0 };
	u32 *map, u, e, nbr = 0;

	for (u = 0; u < j->ncode; u++)
		nbr += uc_op(j, u) == BN_OP_br;

	o.cap = j->ncode + 2 * nbr;
	o.cap = o.cap < j->max_code ? o.cap : j->max_code;
	map = env->alloc(env->priv, (j->ncode + 1) * sizeof(*map));
	o.code = env->alloc(env->priv, o.cap * sizeof(*o.code));
	o.tag = env->alloc(env->priv, o.cap);
	o.tgt = env->alloc(env->priv, o.cap * sizeof(*o.tgt));
	if (!map || !o.code || !o.tag || !o.tgt) {
		jit_fail(j, -ENOMEM, "out of memory");
		goto out;
	}
	for (u = 0; u < j->ncode; u++) {
		if (j->tag[u] != BN_RELOC_BR_REL) {	/* a run post_branch() leaves */
			for (e = u + 1; e < j->ncode && j->tag[e] != BN_RELOC_BR_REL; e++)
				;
			out_run(j, &o, map, u, e - u);
			u = e - 1;
			continue;
		}
		map[u] = o.n;
		if (!post_branch(j, &o, u))
			out_put(j, &o, u);
	}
	map[j->ncode] = o.n;
	swap_code(j, &o);
	j->ncode = o.n;
	remap(j, map);
out:
	env->free(env->priv, map);
	env->free(env->priv, o.code);
	env->free(env->priv, o.tag);
	env->free(env->priv, o.tgt);
}

/**
 * jit_pass_post() - passes over the translated code (targets resolved)
 * @j: JIT
 *
 * defer_fill moves up to two independent instructions from before a
 * branch into its defer slots (not a label in between, nothing the branch
 * reads, no flag the branch consumes), copies a jump's target
 * instructions into the slots of an unconditional branch, and replaces a
 * jump to `done` with the `done`.  dce drops branches to the next
 * instruction.
 */
void jit_pass_post(struct bn_jit *j)
{
	if (jit_pass_on(j, BN_PASS_defer_fill))
		pass_defer_before(j);
	if (!j->error && (jit_pass_on(j, BN_PASS_defer_fill) || jit_pass_on(j, BN_PASS_dce)))
		pass_branch_rewrite(j);
}
