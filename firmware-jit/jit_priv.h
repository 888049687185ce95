/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * firmware-jit internals: the JIT context, per-instruction state, typed
 * operands and the emitter layers.  Not part of any contract; see
 * bpfnic_jit.h for the API and ISA.md for the conventions the generated
 * code follows.
 *
 * Layers (each file reads top to bottom in this order):
 *   jit_emit.c   __emit_<format>() bit packing through bn_pack(),
 *                emit_<op>() port legalisation, wrp_<idiom>() sequences
 *   jit_insn.c   one callback per eBPF opcode, in a static const table
 *   jit_passes.c the named passes (BN_JIT_PASSES) and the analyses they use
 *   jit.c        pipeline, branch fix-ups, image writer, API entry points
 */
#ifndef BPFNIC_JIT_PRIV_H
#define BPFNIC_JIT_PRIV_H

#include "bpfnic_jit.h"
#include "ucode.h"

/* ---- register conventions (documented in ISA.md, "Firmware ABI") ---------- */
#define JIT_LO(r)	BN_ABI_GPR_LO(r)	/* eBPF Rr low word: GPR 2r   */
#define JIT_HI(r)	BN_ABI_GPR_HI(r)	/* eBPF Rr high word: GPR 2r+1 */
#define JIT_T_A		20	/* legaliser: value moved to the A port          */
#define JIT_T_B		21	/* legaliser: value moved to the B port          */
#define JIT_T_A2	22	/* legaliser, high half of a 64-bit pair op      */
#define JIT_T_B2	23	/* legaliser, high half of a 64-bit pair op      */
#define JIT_T0		24	/* callback temporaries (T0:T1 is a pair)        */
#define JIT_T1		25
#define JIT_T2		26
#define JIT_T3		27
#define JIT_LINK	BN_ABI_LINK	/* 28: return address of call/rtn        */
#define JIT_FP		29	/* LM_FP of the running function (bpf calls)     */
#define JIT_KC		30	/* 30, 31: wide constants reused in a block     */
#define JIT_NKC		2

#define JIT_REG_R10	BPF_REG_10
#define JIT_NREGS	11

/*
 * Transfer registers: $x0-$x1 single accesses, $x2-$x17 a packet window,
 * $x18-$x24 and $x25-$x31 two map-value windows.
 */
#define JIT_XFER_ONE	0
#define JIT_XFER_WIN	2
#define JIT_WIN_MAX	64	/* bytes one coalesced packet read may cover */
#define JIT_XFER_MAPWIN	18
#define JIT_MAPWIN_MAX	28	/* bytes one coalesced map-value read may cover */
#define JIT_WIN_PKT	0
#define JIT_WIN_MAP	1
#define JIT_WC_BYTES	64	/* packet stores combined into one write */
#define JIT_SIG_POSTED	7	/* signal of posted writes: never waited for */

#define JIT_LM_WINDOW	(BN_NUM_LM_WORDS * 4)	/* bytes lm[] reaches from LM_FP */

/* ---- typed operands ------------------------------------------------------ */
/* A port-encoded operand (BN_OPND_*): what goes into DST/SRCA/SRCB. */
typedef struct {
	u16 v;
} swreg;

static inline swreg __swreg(u16 v)
{
	swreg r = { v };

	return r;
}

#define reg_a(n)	__swreg(BN_OPND_A(n))
#define reg_b(n)	__swreg(BN_OPND_B(n))
#define reg_both(n)	__swreg(BN_OPND_BOTH(n))
#define reg_lm(w)	__swreg(BN_OPND_LM(w))
#define reg_xfer(n)	__swreg(BN_OPND_XFER(n))	/* xfer-in as a source, -out as DST */
#define reg_imm(v)	__swreg(BN_OPND_IMM(v))
#define reg_none()	__swreg(BN_OPND_NONE)

/*
 * A 32-bit value before legalisation: where it lives and, on the B port,
 * what the shifter does to it.  eBPF registers and scratch GPRs are kept in
 * both banks, so a JV_GPR can go to either port.
 */
enum jv_kind {
	JV_NONE,	/* reads as 0 */
	JV_GPR,		/* GPR idx, both banks */
	JV_LM,		/* lm[idx] (A port only) */
	JV_XIN,		/* xfer-in idx (B port only) */
	JV_IMM,		/* the constant imm */
};

struct jv {
	u8 kind;
	u8 idx;
	u8 shc;		/* enum bn_shc applied on the B port */
	u8 shamt;
	u32 imm;
};

/* The two halves of a 64-bit eBPF operand. */
struct jpair {
	struct jv lo, hi;
};

static inline struct jv jv_gpr(u8 n)
{
	struct jv v = { .kind = JV_GPR, .idx = n };

	return v;
}

static inline struct jv jv_lm(u8 w)
{
	struct jv v = { .kind = JV_LM, .idx = w };

	return v;
}

static inline struct jv jv_xin(u8 n)
{
	struct jv v = { .kind = JV_XIN, .idx = n };

	return v;
}

static inline struct jv jv_imm(u32 imm)
{
	struct jv v = { .kind = JV_IMM, .imm = imm };

	return v;
}

static inline struct jv jv_none(void)
{
	struct jv v = { .kind = JV_NONE };

	return v;
}

static inline struct jv jv_shf(struct jv v, u8 shc, u8 shamt)
{
	v.shc = shamt ? shc : BN_SHC_NONE;
	v.shamt = shamt;
	return v;
}

static inline bool jv_is_zero(const struct jv *v)
{
	return v->kind == JV_NONE || (v->kind == JV_IMM && !v->imm);
}

/* ---- per-instruction state ------------------------------------------------- */
#define JI_LABEL	0x00000001	/* a jump lands here / subprogram start  */
#define JI_HALF		0x00000002	/* second half of LD_IMM64               */
#define JI_SKIP		0x00000004	/* emit nothing (dead, fused, no-op)     */
#define JI_KSRC		0x00000008	/* imm_fold: X operand is the constant k */
#define JI_IDENT	0x00000010	/* imm_fold: result == dst (ALU32: zext only) */
#define JI_FX		0x00000020	/* fused: left operand is register xreg  */
#define JI_FY		0x00000040	/* fused: right operand is yreg << shift */
#define JI_REV		0x00000080	/* fused: x and y trade places (rsub)    */
#define JI_XHZ		0x00000100	/* fused: xreg's upper half reads as 0   */
#define JI_FIELD	0x00000200	/* load: result bytes from bytes[]       */
#define JI_WIN		0x00000400	/* load: bytes come from packet window win */
#define JI_WIN_LEAD	0x00000800	/* load: issue window win's read first   */
#define JI_SEXT32	0x00001000	/* fused <<32, s>>32 pair: sign-extend lo */
#define JI_ZEXT32	0x00002000	/* fused <<32, >>32 pair: clear hi        */
#define JI_LM_HI_DEAD	0x00004000	/* stack DW store: high word never read  */
#define JI_CALLS	0x00008000	/* helper or bpf-to-bpf call             */
#define JI_LOOP		0x00010000	/* a backward jump lands here            */
#define JI_WC		0x00020000	/* packet store staged in the LM buffer  */
#define JI_WC_FLUSH	0x00040000	/* ... and the buffer is written after it */
#define JI_HZ_DST	0x00080000	/* zext: dst's upper half reads as zero   */
#define JI_HZ_SRC	0x00100000	/* zext: src's upper half reads as zero   */
#define JI_WC_FWD	0x00200000	/* packet load served from the LM buffer  */
/* Metadata bits, copied in by the structure pass: the passes read them often. */
#define JI_DEAD		0x00400000	/* BN_META_DEAD                            */
#define JI_HI_UNUSED	0x00800000	/* BN_META_HI_UNUSED                       */
#define JI_SRC_K	0x01000000	/* src is a scalar of known value (src.value) */

#define JI_BYTE_ZERO	(-128)		/* bytes[]: this result byte is 0  */

/**
 * struct jit_insn - what the passes decided about one eBPF instruction
 * @flags: JI_*
 * @out: index of the last instruction fused into this one; its liveness
 *	governs which halves of the result are written
 * @sub: subprogram the instruction belongs to
 * @win: load: packet/map window it reads from (JI_WIN); packet store: its
 *	store group (JI_WC)
 * @live: eBPF registers whose low word is read after the instruction
 * @live_hi: eBPF registers whose high word is read after it
 * @live_in, @live_in_hi: the same before the instruction (liveness' own)
 * @xreg, @yreg: fused operand registers (JI_FX, JI_FY)
 * @yshc, @yshamt: shifter applied to @yreg (JI_FY)
 * @k: JI_KSRC (ALU, jumps, stores): value of the folded source operand
 * @bytes: loads: for each result byte, the source byte (offset from the
 *	load's address) or JI_BYTE_ZERO
 */
struct jit_insn {
	u32 flags;
	u32 out;
	u16 sub;
	u16 win;
	u16 live;
	u16 live_hi;
	u8 xreg, yreg;
	u8 yshc, yshamt;
	u16 live_in, live_in_hi;
	union {
		u64 k;
		s8 bytes[8];
	};
};

/* Load bytes[] widened for arithmetic (window-relative offsets exceed s8). */
static inline void ji_bytes_get(const struct jit_insn *ji, s16 *b)
{
	u32 k;

	for (k = 0; k < 8; k++)
		b[k] = ji->bytes[k];
}

static inline void ji_bytes_put(struct jit_insn *ji, const s16 *b)
{
	u32 k;

	for (k = 0; k < 8; k++)
		ji->bytes[k] = b[k];
}

/**
 * struct jit_win - one coalesced read (packet or map value)
 * @start: offset (from data, or into the map value) of the first byte read
 * @len: bytes read
 * @lead: instruction that issues the read
 * @disp: @start relative to the lead's base register
 * @xfer: first transfer register
 * @tgt: memory target
 */
struct jit_win {
	s32 start;
	u32 len;
	u32 lead;
	s32 disp;
	u8 xfer, tgt;
};

/**
 * struct jit_wc - packet stores written together (pkt_coalesce)
 * @lo: packet offset (from data) of staging byte 0
 * @cov: staging bytes some store writes (bit n: byte @lo + n)
 * @last: the store after which the buffer is written
 */
struct jit_wc {
	s32 lo;
	u64 cov;
	u32 last;
};

/**
 * struct jit_frame - the LM frame of one subprogram
 * @depth: eBPF stack bytes (rounded up to a word); R10 + off is byte
 *	@depth + off from LM_FP
 * @size: frame bytes: @depth, then the save area
 * @save_link: the link register is saved at lm[@depth / 4]
 * @saved: eBPF registers R6-R9 (bit n) saved after the link slot
 * @wc: byte offset of the packet-store staging buffer (0: none)
 * @entry: first microcode instruction (the prologue)
 * @total: deepest LM use of a call chain starting here, in bytes
 */
struct jit_frame {
	u32 depth;
	u32 size;
	u32 wc;
	bool save_link;
	u16 saved;
	u32 entry;
	u32 total;
	u8 visiting;
};

/* Branch target kinds kept in bn_jit.tgt[] until the fix-up. */
#define JIT_TGT_INSN	0x80000000u	/* | eBPF instruction index  */
#define JIT_TGT_SUB	0x40000000u	/* | subprogram index        */
#define JIT_TGT_MASK	0x3fffffffu	/* otherwise a ucode index   */

/**
 * struct bn_jit - the JIT context of one compilation
 * @in: the program
 * @insns, @meta: @in->insns and @in->meta, one load closer
 * @env: allocator and log
 * @passes: enabled passes, bit (1 << BN_PASS_x)
 * @ji: per eBPF instruction decisions
 * @off: first ucode instruction of each eBPF instruction (@in->len + 1)
 * @code, @tag, @tgt: the microcode, its relocation type (enum
 *	bn_reloc_type or 0) and, for branches, the target (JIT_TGT_*), for
 *	helpers/maps the relocation argument
 * @ncode, @cap, @max_code: instructions emitted, allocated room, code store
 * @nrelocs: instructions with a relocation, counted by the final fix-up
 * @error, @err_insn: the first error and where it happened (sticky)
 * @cur: eBPF instruction being translated
 * @gprs, @xfers: registers used (image header)
 * @img_flags: BN_IMAGE_F_*
 * @frames: one per subprogram
 * @wins, @nwins: coalesced reads
 * @wcs, @nwcs: combined packet writes
 * @stack_size: deepest LM use of the program
 * @has_calls: the program makes bpf-to-bpf calls (JIT_FP is set up)
 * @back_edges: some jump or bpf-to-bpf call goes backwards (or to itself)
 * @nldx, @nstores, @njumps: loads, stores, conditional jumps and JAs
 * @of_rd, @of_add, @of_not: maps read and atomically added to, and
 *	whether something else rules BN_IMAGE_F_ORDER_FREE out (jit_order_free())
 * @kc, @kc_ok, @kc_next: constants held in GPRs JIT_KC.. (imm_fold), which
 *	are valid, the one to replace next
 */
struct bn_jit {
	const struct bn_jit_in *in;
	const struct bpf_insn *insns;
	const struct bn_insn_meta *meta;
	const struct bn_jit_env *env;
	u32 passes;
	struct jit_insn *ji;
	u32 *off;
	u64 *code;
	u8 *tag;
	u32 *tgt;
	u32 ncode, cap, max_code;
	u32 nrelocs;
	int error;
	u32 err_insn;
	u32 cur;
	u32 gprs, xfers;
	u16 img_flags;
	struct jit_frame *frames;
	struct jit_win *wins;
	u32 nwins;
	struct jit_wc *wcs;
	u32 nwcs;
	u32 stack_size;
	bool has_calls;
	bool back_edges;
	u32 nldx, nstores, njumps;
	u64 of_rd, of_add;
	bool of_not;
	u32 kc[JIT_NKC];
	u8 kc_ok, kc_next;
};

static inline bool jit_pass_on(const struct bn_jit *j, enum bn_jit_pass p)
{
	return !!(j->passes & (1u << p));
}

static inline const struct bpf_insn *jit_insn(const struct bn_jit *j, u32 i)
{
	return &j->insns[i];
}

static inline const struct bn_insn_meta *jit_meta(const struct bn_jit *j, u32 i)
{
	return &j->meta[i];
}

static inline u32 jit_size(u8 code)
{
	static const u8 sizes[4] = { 4, 2, 1, 8 };	/* BPF_W, H, B, DW */

	return sizes[BPF_SIZE(code) >> 3];
}

static inline bool jit_is_ldimm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

/* Bits set in @v (no libgcc in the kernel: no __builtin_popcount). */
static inline u32 jit_popcount(u32 v)
{
	u32 n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

static inline u32 jit_next(const struct bn_jit *j, u32 i)
{
	return i + (jit_is_ldimm64(jit_insn(j, i)) ? 2 : 1);
}

#ifdef JIT_PROFILE
/* Development aid: cycles spent in each phase (x86 userspace builds only). */
#define JIT_PHASE(j, name, stmt)					\
	do {								\
		char m_[64];						\
		u64 t_ = __builtin_ia32_rdtsc();			\
		stmt;							\
		jit_snprintf(m_, sizeof(m_), "prof %s %llu", name,	\
			     (unsigned long long)(__builtin_ia32_rdtsc() - t_)); \
		(j)->env->print((j)->env->priv, m_);			\
	} while (0)
#else
#define JIT_PHASE(j, name, stmt)	stmt
#endif

/* ---- log and errors (jit_emit.c) ----------------------------------------- */
#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif
__printf(3, 4) void jit_fail(struct bn_jit *j, int err, const char *fmt, ...);
#define jit_internal(j, why)	jit_fail(j, -EFAULT, "internal error: %s", why)
__printf(3, 4) int jit_snprintf(char *buf, u32 len, const char *fmt, ...);

/* ---- emitters (jit_emit.c) ------------------------------------------------- */
void emit_alu(struct bn_jit *j, u8 op, swreg dst, struct jv x, struct jv y);
void emit_alu_pair(struct bn_jit *j, u8 op_lo, u8 op_hi, swreg dlo, swreg dhi,
		   struct jpair x, struct jpair y);
void emit_add_imm(struct bn_jit *j, swreg dst, struct jv x, s32 v);
void emit_dshf(struct bn_jit *j, swreg dst, struct jv x, struct jv y, u8 amt);
void emit_ldf(struct bn_jit *j, swreg dst, struct jv y, u8 mask, bool zf);
void jit_kc_forget(struct bn_jit *j);
void emit_immed(struct bn_jit *j, swreg dst, u16 imm16, u8 bsh, bool inv, u8 tag,
		u32 arg);
void emit_br(struct bn_jit *j, u8 cond, u32 tgt);
void emit_brcmp(struct bn_jit *j, u8 op, u8 cond, struct jv x, struct jv y, u32 tgt);
void emit_call(struct bn_jit *j, u8 tag, u32 tgt);
void emit_rtn(struct bn_jit *j, swreg a);
void emit_done(struct bn_jit *j, swreg a);
void emit_mem(struct bn_jit *j, u8 op, u8 tgt, u8 xfer, struct jv base, s32 off,
	      u32 len);
void emit_csr_rd(struct bn_jit *j, swreg dst, u8 csr);
void emit_csr_wr(struct bn_jit *j, u8 csr, struct jv v);
u32 emit_here(const struct bn_jit *j);
int jit_grow(struct bn_jit *j);
void jit_patch_target(struct bn_jit *j, u32 at, u32 tgt);

void wrp_imm(struct bn_jit *j, swreg dst, u32 v);
void wrp_mov(struct bn_jit *j, swreg dst, struct jv v);
void wrp_field(struct bn_jit *j, swreg dst, const struct jv *words, u32 nwords,
	       const s16 *bytes);
bool jv_imm8(const struct bn_jit *j, u32 v, bool shifter, u8 *c, u8 *shc, u8 *amt);

/* ---- translation (jit_insn.c) ---------------------------------------------- */
/* What a load or store reaches. */
enum jit_base {
	JB_BAD,
	JB_CTX,		/* context words: CSRs */
	JB_PKT,		/* packet: CTM */
	JB_MAP,		/* map value: EMEM */
	JB_LM,		/* own frame at a constant offset: lm[] operands */
	JB_LMPTR,	/* stack through an address: LM memory commands */
};

/* Memory operand of a load (src) or store (dst): inline, the passes ask often. */
static inline const struct bn_reg_info *jit_base_info(const struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);

	return BPF_CLASS(insn->code) == BPF_LDX ? &jit_meta(j, i)->src :
						   &jit_meta(j, i)->dst;
}

static inline u8 jit_base_reg(const struct bn_jit *j, u32 i)
{
	const struct bpf_insn *insn = jit_insn(j, i);

	return BPF_CLASS(insn->code) == BPF_LDX ? insn->src_reg : insn->dst_reg;
}

/* What memory insn @i reaches; *off: the pointer's offset for JB_LM. */
static inline enum jit_base jit_mem_base(const struct bn_jit *j, u32 i, s32 *off)
{
	const struct bn_reg_info *ri = jit_base_info(j, i);

	*off = 0;
	if (jit_base_reg(j, i) == JIT_REG_R10)
		return JB_LM;
	switch (ri->type) {
	case BN_REG_CTX:
		return JB_CTX;
	case BN_REG_PACKET:
		return JB_PKT;
	case BN_REG_MAP_VALUE:
		return JB_MAP;
	case BN_REG_STACK:
		*off = ri->off;
		return ri->flags & BN_RI_OFF_CONST ? JB_LM : JB_LMPTR;
	default:
		return JB_BAD;
	}
}

typedef void (*jit_cb_t)(struct bn_jit *j, u32 i);
extern const jit_cb_t jit_instr_cb[256];

/* The translation callback of an opcode, NULL if the JIT does not support it. */
static inline jit_cb_t jit_callback(u8 code)
{
	return jit_instr_cb[code];
}
void jit_prologue(struct bn_jit *j, u32 sub);

/*
 * Upper halves, inline: the passes and the callbacks ask for every
 * instruction, several times.
 */
static inline bool jit_is_ptr(u8 type)
{
	return type >= BN_REG_CTX && type <= BN_REG_MAP_PTR;
}

/**
 * jit_hz() - is the upper half of dst (or src) known to be zero before insn @i
 * @j: JIT
 * @i: instruction
 * @src: the source register rather than the destination
 *
 * Pointers are 32-bit device addresses; scalars carry BN_RI_HI_ZERO or a
 * constant.  Only with the zext pass: without it every upper half is
 * computed and read.
 */
static inline bool jit_hz(const struct bn_jit *j, u32 i, bool src)
{
	return j->ji[i].flags & (src ? JI_HZ_SRC : JI_HZ_DST);
}

/* jit_hz() of register @r described by @ri, from the metadata (zext on): once per insn. */
static inline bool jit_hz_info(const struct bn_reg_info *ri, u8 r)
{
	if (r == JIT_REG_R10 || jit_is_ptr(ri->type))
		return true;
	if (ri->type != BN_REG_SCALAR)
		return false;
	if (ri->flags & BN_RI_HI_ZERO)
		return true;
	return (ri->flags & BN_RI_CONST) && !(ri->value >> 32);
}

/* Must the result of insn @i write its upper half? */
static inline bool jit_hi_needed(const struct bn_jit *j, u32 i)
{
	const struct jit_insn *ji = &j->ji[i];
	u8 d = jit_insn(j, i)->dst_reg;

	if (!jit_pass_on(j, BN_PASS_zext))
		return true;
	if (j->ji[ji->out].flags & JI_HI_UNUSED)
		return false;
	return j->ji[ji->out].live_hi & (1u << d);
}

/* ---- passes (jit_passes.c) --------------------------------------------------- */
int jit_pass_structure(struct bn_jit *j);
/* BN_IMAGE_F_ORDER_FREE, from what the structure sweep gathered */
bool jit_order_free(const struct bn_jit *j);
int jit_pass_frames(struct bn_jit *j);
void jit_run_passes(struct bn_jit *j);
void jit_pass_post(struct bn_jit *j);

#endif /* BPFNIC_JIT_PRIV_H */
