// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Encoder, decoder and disassembler for bpfnic microcode, all driven by
 * include/bpfnic/isa.def.  Written by hand: no existing library knows our
 * ISA.  Freestanding (compat.h), shared by bpfnic.ko, the JIT, the simulator
 * and the CLI.
 */
#include "ucode.h"

#ifdef __KERNEL__
#include <linux/kernel.h>	/* vsnprintf */
#else
#include <stdarg.h>
int vsnprintf(char *str, size_t size, const char *fmt, va_list ap);
#endif

const struct bn_isa_info bn_isa[256] = {
#define BN_INSN(n, opc, f, l, fl, d) \
	[opc] = { .name = #n, .opcode = opc, .fmt = f, .lat = l, .flags = fl, .doc = d },
#include <bpfnic/isa.def>
#undef BN_INSN
};

const struct bn_isa_info bn_isa_rows[] = {
#define BN_INSN(n, opc, f, l, fl, d) \
	{ .name = #n, .opcode = opc, .fmt = f, .lat = l, .flags = fl, .doc = d },
#include <bpfnic/isa.def>
#undef BN_INSN
};
const unsigned int bn_isa_nrows = ARRAY_SIZE(bn_isa_rows);

/* ---- operands ------------------------------------------------------------- */

enum bn_opnd_kind bn_opnd_kind(u16 o)
{
	if (o == BN_OPND_NONE)
		return BN_OK_NONE;
	if (o < BN_OPND_B_BASE)
		return BN_OK_A;
	if (o < BN_OPND_XFER_BASE)
		return BN_OK_B;
	if (o < BN_OPND_XFER_BASE + BN_NUM_XFER)
		return BN_OK_XFER;
	if (o >= BN_OPND_LM_BASE && o < BN_OPND_LM_BASE + BN_NUM_LM_WORDS)
		return BN_OK_LM;
	if (o >= BN_OPND_IMM_BASE && o <= BN_OPND_IMM_BASE + BN_IMM8_MAX)
		return BN_OK_IMM;
	if (o >= BN_OPND_BOTH_BASE && o < BN_OPND_BOTH_BASE + BN_NUM_GPR)
		return BN_OK_BOTH;
	return BN_OK_INVALID;
}

static bool opnd_ok_srca(u16 o)
{
	enum bn_opnd_kind k = bn_opnd_kind(o);

	return k == BN_OK_A || k == BN_OK_LM || k == BN_OK_NONE;
}

static bool opnd_ok_srcb(u16 o)
{
	enum bn_opnd_kind k = bn_opnd_kind(o);

	return k == BN_OK_B || k == BN_OK_XFER || k == BN_OK_IMM || k == BN_OK_NONE;
}

static bool opnd_ok_dst(u16 o)
{
	enum bn_opnd_kind k = bn_opnd_kind(o);

	return k != BN_OK_IMM && k != BN_OK_INVALID;
}

/* A GPR that starts a register pair (pair operations). */
static bool opnd_is_pair(u16 o, bool dst)
{
	enum bn_opnd_kind k = bn_opnd_kind(o);

	if (k != BN_OK_A && k != BN_OK_B && !(dst && k == BN_OK_BOTH))
		return false;
	return bn_opnd_val(o) + 1 < BN_NUM_GPR;
}

/* A destination that can also be read (merge instructions). */
static bool opnd_readable_dst(u16 o)
{
	enum bn_opnd_kind k = bn_opnd_kind(o);

	return k == BN_OK_A || k == BN_OK_B || k == BN_OK_BOTH || k == BN_OK_LM;
}

/* ---- which fields each format uses ------------------------------------------- */

#define U_DST	0x0001
#define U_SRCA	0x0002
#define U_SRCB	0x0004
#define U_SHF	0x0008	/* shc, shamt */
#define U_LDF	0x0010	/* mask, zf */
#define U_IMM	0x0020	/* imm16, bsh, inv */
#define U_COND	0x0040
#define U_DEFER	0x0080
#define U_TGTPC	0x0100	/* target */
#define U_MEM	0x0200	/* tgt, xfer, len, sig, swap */
#define U_CSR	0x0400
#define U_SIGM	0x0800
#define U_FWID	0x1000

/* Fields each format uses: a constant expression, for op_uses[]. */
#define FMT_USES(f)						\
	((f) == BN_FMT_ALU ? U_DST | U_SRCA | U_SRCB | U_SHF :		\
	 (f) == BN_FMT_IMMED ? U_DST | U_IMM :				\
	 (f) == BN_FMT_LDF ? U_DST | U_SRCB | U_SHF | U_LDF :		\
	 (f) == BN_FMT_BR ? U_COND | U_DEFER | U_TGTPC :		\
	 (f) == BN_FMT_BRCMP ? U_SRCA | U_SRCB | U_COND | U_DEFER | U_TGTPC : \
	 (f) == BN_FMT_CALL ? U_DST | U_DEFER | U_TGTPC :		\
	 (f) == BN_FMT_RTN ? U_SRCA | U_DEFER :			\
	 (f) == BN_FMT_DONE ? U_SRCA :					\
	 (f) == BN_FMT_MEM ? U_SRCA | U_SRCB | U_MEM :			\
	 (f) == BN_FMT_WAIT ? U_SIGM :					\
	 (f) == BN_FMT_CSR ? U_CSR :					\
	 (f) == BN_FMT_FW ? U_FWID : 0)

/* Fields an opcode uses: its format's, and CSR moves' DST or SRCB. */
#define OP_USES(opc, f)							\
	(FMT_USES(f) | ((opc) == BN_OP_csr_rd ? U_DST : 0) |		\
	 ((opc) == BN_OP_csr_wr ? U_SRCB : 0))

static const u16 op_uses[256] = {
#define BN_INSN(n, opc, f, l, fl, d)	[opc] = OP_USES(opc, f),
#include <bpfnic/isa.def>
#undef BN_INSN
};

/*
 * For each opcode, the bytes of struct bn_ucode that hold value fields it
 * does not use (0xff): they must read as zero.  Operand fields, the opcode
 * and padding are 0 here; operands are checked against BN_OPND_NONE.
 */
#define ZB(fld, grp, uses)						\
	[offsetof(struct bn_ucode, fld) ...				\
	 offsetof(struct bn_ucode, fld) + sizeof(((struct bn_ucode *)0)->fld) - 1] = \
		(uses) & (grp) ? 0 : 0xff
#define ZMASK(uses) {							\
	ZB(shc, U_SHF, uses), ZB(shamt, U_SHF, uses),			\
	ZB(mask, U_LDF, uses), ZB(zf, U_LDF, uses),			\
	ZB(imm16, U_IMM, uses), ZB(bsh, U_IMM, uses), ZB(inv, U_IMM, uses), \
	ZB(cond, U_COND, uses), ZB(defer, U_DEFER, uses),		\
	ZB(target, U_TGTPC, uses),					\
	ZB(tgt, U_MEM, uses), ZB(xfer, U_MEM, uses), ZB(len, U_MEM, uses), \
	ZB(sig, U_MEM, uses), ZB(swap, U_MEM, uses),			\
	ZB(csr, U_CSR, uses), ZB(sigmask, U_SIGM, uses), ZB(fwid, U_FWID, uses) }

static const u8 op_unused[256][sizeof(struct bn_ucode)] = {
#define BN_INSN(n, opc, f, l, fl, d)	[opc] = ZMASK(OP_USES(opc, f)),
#include <bpfnic/isa.def>
#undef BN_INSN
};

/* (the kernel's FIELD_MAX() is no constant expression) */
#define OPND_FIELD_MAX(f)	((f) >> __builtin_ctzll(f))
_Static_assert(OPND_FIELD_MAX(BN_F_DST) == BN_OPND_NONE &&
	       OPND_FIELD_MAX(BN_F_SRCA) == BN_OPND_NONE &&
	       OPND_FIELD_MAX(BN_F_SRCB) == BN_OPND_NONE,
	       "every operand of a valid kind fits its field");

/* Unused operand fields hold NONE; unused value fields hold 0. */
static u16 opnd_default(u16 uses, u16 bit, u16 val)
{
	return (uses & bit) ? val : BN_OPND_NONE;
}

/* ---- per-instruction constraints beyond the format ---------------------------- */

static const char *check_alu(const struct bn_ucode *u)
{
	bool shifts_b = u->op != BN_OP_lsl && u->op != BN_OP_lsr &&
			u->op != BN_OP_asr && u->op != BN_OP_dshf &&
			u->op != BN_OP_udiv64 && u->op != BN_OP_umod64;

	if (u->shc > BN_SHC_ROR)
		return "unknown shift kind";
	if (!shifts_b && u->shc)
		return "this instruction takes no shifted operand";
	if (u->op != BN_OP_dshf && !u->shc && u->shamt)
		return "shift amount without a shift kind";
	if ((u->op == BN_OP_mov || u->op == BN_OP_not) && u->srca != BN_OPND_NONE)
		return "mov/not take no A operand";
	if (bn_isa[u->op].flags & BN_IF_PAIR) {
		if (!opnd_is_pair(u->dst, true) || !opnd_is_pair(u->srca, false) ||
		    !opnd_is_pair(u->srcb, false))
			return "pair operation needs GPR pairs";
	}
	return NULL;
}

static const char *check_mem(const struct bn_ucode *u)
{
	u32 words = (u->len + 1 + 3) / 4;

	if (u->tgt > BN_TGT_EMEM)
		return "unknown memory target";
	if (u->xfer + words > BN_NUM_XFER)
		return "transfer registers out of range";
	if (u->op == BN_OP_mem_add && u->len + 1 != 4 && u->len + 1 != 8)
		return "atomic add is 4 or 8 bytes";
	return NULL;
}

static const char *check_insn(const struct bn_ucode *u)
{
	const struct bn_isa_info *in = &bn_isa[u->op];

	switch (in->fmt) {
	case BN_FMT_ALU:
		return check_alu(u);
	case BN_FMT_LDF:
		if (u->shc > BN_SHC_ROR || (!u->shc && u->shamt))
			return "bad shift";
		if (!u->zf && !opnd_readable_dst(u->dst))
			return "merge destination must be readable";
		return NULL;
	case BN_FMT_IMMED:
		if (u->op == BN_OP_immed_hi &&
		    (u->bsh || u->inv || !opnd_readable_dst(u->dst)))
			return "immed_hi: no shift/invert, readable destination";
		if (u->bsh > 2)
			return "byte shift is 0..2";
		return NULL;
	case BN_FMT_BR:
	case BN_FMT_BRCMP:
		return u->cond > BN_COND_AL ? "unknown condition" : NULL;
	case BN_FMT_MEM:
		return check_mem(u);
	default:
		return NULL;
	}
}

/* ---- encode / decode ------------------------------------------------------------ */

/* Value fields: bytes [VAL_START, sizeof) of struct bn_ucode, read as 8 + 8 + 4. */
#define VAL_START	offsetof(struct bn_ucode, shc)
_Static_assert(sizeof(struct bn_ucode) - VAL_START == 20,
	       "unused_set() reads the value fields as two u64 and a u32");

/* Does @u hold a nonzero value in a field its opcode does not use? */
static bool unused_set(const struct bn_ucode *u)
{
	const u8 *m = op_unused[u->op] + VAL_START, *b = (const u8 *)u + VAL_START;
	u64 x0, x1, m0, m1;
	u32 x2, m2;

	__builtin_memcpy(&x0, b, 8);
	__builtin_memcpy(&x1, b + 8, 8);
	__builtin_memcpy(&x2, b + 16, 4);
	__builtin_memcpy(&m0, m, 8);
	__builtin_memcpy(&m1, m + 8, 8);
	__builtin_memcpy(&m2, m + 16, 4);
	return (x0 & m0) | (x1 & m1) | (x2 & m2);
}

static int check_unused(const struct bn_ucode *u, u16 uses, const char **why)
{
	if ((!(uses & U_DST) && u->dst != BN_OPND_NONE) ||
	    (!(uses & U_SRCA) && u->srca != BN_OPND_NONE) ||
	    (!(uses & U_SRCB) && u->srcb != BN_OPND_NONE))
		*why = "operand not used by this format";
	else if (unused_set(u))
		*why = "field not used by this format";
	else
		return 0;
	return -EINVAL;
}

static int check_ports(const struct bn_ucode *u, u16 uses, const char **why)
{
	if ((uses & U_DST) && !opnd_ok_dst(u->dst))
		*why = "destination operand not writable";
	else if ((uses & U_SRCA) && !opnd_ok_srca(u->srca))
		*why = "A operand must be a bank A register, an LM word or none";
	else if ((uses & U_SRCB) && !opnd_ok_srcb(u->srcb))
		*why = "B operand must be a bank B register, xfer, imm8 or none";
	else if (u->defer > BN_MAX_DEFER)
		*why = "at most 2 defer slots";
	else
		return 0;
	return -EINVAL;
}

/* Unused operand fields stay 0, so an all-zero word is a nop. */
int bn_pack(const struct bn_ucode *u, u64 *word, const char **why)
{
	u16 uses = op_uses[u->op];
	u64 w = FIELD_PREP(BN_F_OPC, u->op);

#define PUT(mask, v, msg)					\
	do {							\
		if (!FIELD_FIT(mask, v)) {			\
			*why = msg;				\
			return -ERANGE;				\
		}						\
		w |= FIELD_PREP(mask, v);			\
	} while (0)
	if (uses & U_DST)
		PUT(BN_F_DST, u->dst, "destination operand does not fit");
	if (uses & U_SRCA)
		PUT(BN_F_SRCA, u->srca, "A operand does not fit");
	if (uses & U_SRCB)
		PUT(BN_F_SRCB, u->srcb, "B operand does not fit");
	switch (bn_isa[u->op].fmt) {
	case BN_FMT_ALU:
	case BN_FMT_LDF:
		PUT(BN_F_SHC, u->shc, "shift kind does not fit");
		PUT(BN_F_SHAMT, u->shamt, "shift amount is 0..31");
		PUT(BN_F_MASK, u->mask, "byte mask is 4 bits");
		PUT(BN_F_ZF, u->zf, "zf is one bit");
		break;
	case BN_FMT_IMMED:
		PUT(BN_F_IMM16, u->imm16, "imm16");
		PUT(BN_F_BSH, u->bsh, "byte shift is 0..2");
		PUT(BN_F_INV, u->inv, "inv is one bit");
		break;
	case BN_FMT_BR:
	case BN_FMT_BRCMP:
	case BN_FMT_CALL:
	case BN_FMT_RTN:
		PUT(BN_F_COND, u->cond, "condition");
		PUT(BN_F_DEFER, u->defer, "defer is 0..2");
		PUT(BN_F_TARGET, u->target, "branch target does not fit 14 bits");
		break;
	case BN_FMT_MEM:
		PUT(BN_F_TGT, u->tgt, "memory target");
		PUT(BN_F_XFER, u->xfer, "xfer register is 0..31");
		PUT(BN_F_LEN, u->len, "length is 1..128 bytes");
		PUT(BN_F_SIG, u->sig, "signal is 0..7");
		PUT(BN_F_SWAP, u->swap, "swap is one bit");
		break;
	case BN_FMT_CSR:
		PUT(BN_F_CSR, u->csr, "csr");
		break;
	case BN_FMT_WAIT:
		PUT(BN_F_SIGMASK, u->sigmask, "sigmask");
		break;
	case BN_FMT_FW:
		PUT(BN_F_FWID, u->fwid, "fwid");
		break;
	default:
		break;
	}
#undef PUT
	*word = w;
	return 0;
}

int bn_encode(const struct bn_ucode *u, u64 *word, const char **why)
{
	const char *msg;
	u16 uses;
	int err;

	if (!bn_isa[u->op].name) {
		*why = "undefined opcode";
		return -EINVAL;
	}
	uses = op_uses[u->op];
	err = check_unused(u, uses, why);
	if (!err)
		err = check_ports(u, uses, why);
	if (err)
		return err;
	msg = check_insn(u);
	if (msg) {
		*why = msg;
		return -EINVAL;
	}
	return bn_pack(u, word, why) ? -EINVAL : 0;
}

/* The fields @u->op's format uses, from @w; the others stay as they are. */
static void unpack(u64 w, struct bn_ucode *u)
{
	u16 uses = op_uses[u->op];

	u->dst = opnd_default(uses, U_DST, FIELD_GET(BN_F_DST, w));
	u->srca = opnd_default(uses, U_SRCA, FIELD_GET(BN_F_SRCA, w));
	u->srcb = opnd_default(uses, U_SRCB, FIELD_GET(BN_F_SRCB, w));
	if (uses & U_SHF) {
		u->shc = FIELD_GET(BN_F_SHC, w);
		u->shamt = FIELD_GET(BN_F_SHAMT, w);
	}
	if (uses & U_LDF) {
		u->mask = FIELD_GET(BN_F_MASK, w);
		u->zf = FIELD_GET(BN_F_ZF, w);
	}
	if (uses & U_IMM) {
		u->imm16 = FIELD_GET(BN_F_IMM16, w);
		u->bsh = FIELD_GET(BN_F_BSH, w);
		u->inv = FIELD_GET(BN_F_INV, w);
	}
	if (uses & U_COND)
		u->cond = FIELD_GET(BN_F_COND, w);
	if (uses & U_DEFER)
		u->defer = FIELD_GET(BN_F_DEFER, w);
	if (uses & U_TGTPC)
		u->target = FIELD_GET(BN_F_TARGET, w);
	if (uses & U_MEM) {
		u->tgt = FIELD_GET(BN_F_TGT, w);
		u->xfer = FIELD_GET(BN_F_XFER, w);
		u->len = FIELD_GET(BN_F_LEN, w);
		u->sig = FIELD_GET(BN_F_SIG, w);
		u->swap = FIELD_GET(BN_F_SWAP, w);
	}
	if (uses & U_CSR)
		u->csr = FIELD_GET(BN_F_CSR, w);
	if (uses & U_SIGM)
		u->sigmask = FIELD_GET(BN_F_SIGMASK, w);
	if (uses & U_FWID)
		u->fwid = FIELD_GET(BN_F_FWID, w);
}

void bn_unpack(u64 w, struct bn_ucode *u)
{
	__builtin_memset(u, 0, sizeof(*u));
	u->op = FIELD_GET(BN_F_OPC, w);
	unpack(w, u);
}

int bn_decode(u64 w, struct bn_ucode *u, const char **why)
{
	u64 rebuilt;

	__builtin_memset(u, 0, sizeof(*u));
	u->op = FIELD_GET(BN_F_OPC, w);
	if (!bn_isa[u->op].name) {
		*why = "undefined opcode";
		return -EINVAL;
	}
	unpack(w, u);
	/* Canonical words only: stray bits are a corrupt image. */
	if (bn_encode(u, &rebuilt, why))
		return -EINVAL;
	if (rebuilt != w) {
		*why = "bits set outside the format's fields";
		return -EINVAL;
	}
	return 0;
}

/* ---- disassembler ------------------------------------------------------------------ */

static const char *const cond_names[16] = {
	"eq", "ne", "hs", "lo", "hi", "ls", "ge", "lt", "gt", "le",
	"mi", "pl", "set", "clr", "al", "?15",
};
static const char *const tgt_names[8] = {
	"lm", "cls", "ctm", "imem", "emem", "?5", "?6", "?7",
};
static const char *const shc_names[8] = {
	"", " << ", " >> ", " >>> ", " ror ", " ?5 ", " ?6 ", " ?7 ",
};

static const char *csr_name(u8 csr)
{
	static const char *const names[] = {
		[BN_CSR_THREAD] = "thread", [BN_CSR_FPC] = "fpc",
		[BN_CSR_ISLAND] = "island", [BN_CSR_LM_FP] = "lm_fp",
		[BN_CSR_LM_FP_ADDR] = "lm_fp_addr", [BN_CSR_TS_LO] = "ts_lo",
		[BN_CSR_TS_HI] = "ts_hi", [BN_CSR_PRNG] = "prng",
	};

	return csr < ARRAY_SIZE(names) ? names[csr] : NULL;
}

/* Buffer cursor: appends like snprintf, never overruns. */
struct dbuf {
	char *p;
	size_t len;
	int n;
};

static __attribute__((format(printf, 2, 3)))
void DPUT(struct dbuf *d, const char *fmt, ...)
{
	size_t at = (size_t)d->n < d->len ? (size_t)d->n : d->len;
	va_list ap;

	va_start(ap, fmt);
	d->n += vsnprintf(d->p + at, d->len - at, fmt, ap);
	va_end(ap);
}

static void put_opnd(struct dbuf *d, u16 o)
{
	u16 v = bn_opnd_val(o);

	switch (bn_opnd_kind(o)) {
	case BN_OK_A:		DPUT(d, "a%u", v); break;
	case BN_OK_B:		DPUT(d, "b%u", v); break;
	case BN_OK_XFER:	DPUT(d, "$x%u", v); break;
	case BN_OK_LM:		DPUT(d, "lm[%u]", v); break;
	case BN_OK_IMM:		DPUT(d, "#%u", v); break;
	case BN_OK_BOTH:	DPUT(d, "r%u", v); break;
	case BN_OK_NONE:	DPUT(d, "--"); break;
	default:		DPUT(d, "?%#x", o); break;
	}
}

static void put_shifted(struct dbuf *d, u16 o, u8 shc, u8 shamt)
{
	put_opnd(d, o);
	if (shc)
		DPUT(d, "%s%u", shc_names[shc & 7], shamt);
}

static void dis_alu(struct dbuf *d, const struct bn_ucode *u)
{
	put_opnd(d, u->dst);
	if (u->srca != BN_OPND_NONE || (u->op != BN_OP_mov && u->op != BN_OP_not)) {
		DPUT(d, ", ");
		put_opnd(d, u->srca);
	}
	DPUT(d, ", ");
	put_shifted(d, u->srcb, u->shc, u->shamt);
	if (u->op == BN_OP_dshf)
		DPUT(d, ", %u", u->shamt);
}

static void dis_branch(struct dbuf *d, const struct bn_ucode *u, u32 pc)
{
	const struct bn_isa_info *in = &bn_isa[u->op];

	if (in->fmt == BN_FMT_BRCMP) {
		put_opnd(d, u->srca);
		DPUT(d, ", ");
		put_opnd(d, u->srcb);
		DPUT(d, ", ");
	} else if (in->fmt == BN_FMT_CALL) {
		put_opnd(d, u->dst);
		DPUT(d, ", ");
	}
	DPUT(d, "%#x", u->target);
	if (u->defer)
		DPUT(d, " [defer %u]", u->defer);
}

static void dis_mem(struct dbuf *d, const struct bn_ucode *u)
{
	DPUT(d, "$x%u, ", u->xfer);
	put_opnd(d, u->srca);
	DPUT(d, ", ");
	put_opnd(d, u->srcb);
	DPUT(d, ", %u", u->len + 1);
	if (u->swap)
		DPUT(d, " [swap]");
	else
		DPUT(d, " [sig %u]", u->sig);
}

static void dis_operands(struct dbuf *d, const struct bn_ucode *u, u32 pc)
{
	const char *cn;

	switch (bn_isa[u->op].fmt) {
	case BN_FMT_ALU:
		dis_alu(d, u);
		break;
	case BN_FMT_IMMED:
		put_opnd(d, u->dst);
		if (u->inv)
			DPUT(d, ", ~(%#x << %u)", u->imm16, 8 * u->bsh);
		else
			DPUT(d, ", %#x << %u", u->imm16, 8 * u->bsh);
		break;
	case BN_FMT_LDF:
		put_opnd(d, u->dst);
		DPUT(d, ", 0b%u%u%u%u, ", !!(u->mask & 8), !!(u->mask & 4),
		     !!(u->mask & 2), !!(u->mask & 1));
		put_shifted(d, u->srcb, u->shc, u->shamt);
		if (u->zf)
			DPUT(d, " [zf]");
		break;
	case BN_FMT_BR:
	case BN_FMT_BRCMP:
	case BN_FMT_CALL:
		dis_branch(d, u, pc);
		break;
	case BN_FMT_RTN:
	case BN_FMT_DONE:
		put_opnd(d, u->srca);
		if (u->defer)
			DPUT(d, " [defer %u]", u->defer);
		break;
	case BN_FMT_MEM:
		dis_mem(d, u);
		break;
	case BN_FMT_WAIT:
		DPUT(d, "%#x", u->sigmask);
		break;
	case BN_FMT_CSR:
		if (u->op == BN_OP_csr_rd) {
			put_opnd(d, u->dst);
			DPUT(d, ", ");
		}
		cn = csr_name(u->csr);
		if (cn)
			DPUT(d, "%s", cn);
		else if (u->csr >= BN_CSR_CTX_BASE)
			DPUT(d, "ctx[%u]", (u->csr - BN_CSR_CTX_BASE) * 4);
		else
			DPUT(d, "csr%#x", u->csr);
		if (u->op == BN_OP_csr_wr) {
			DPUT(d, ", ");
			put_opnd(d, u->srcb);
		}
		break;
	case BN_FMT_FW:
		DPUT(d, "%u", u->fwid);
		break;
	default:
		break;
	}
}

int bn_disasm(u64 word, u32 pc, char *buf, size_t len)
{
	struct dbuf d = { .p = buf, .len = len, .n = 0 };
	struct bn_ucode u;
	const char *why;

	if (len)
		buf[0] = '\0';
	if (bn_decode(word, &u, &why)) {
		DPUT(&d, ".word %#018llx  ; %s", (unsigned long long)word, why);
		return d.n;
	}
	DPUT(&d, "%s", bn_isa[u.op].name);
	if (bn_isa[u.op].fmt == BN_FMT_BR || bn_isa[u.op].fmt == BN_FMT_BRCMP)
		DPUT(&d, ".%s", cond_names[u.cond & 15]);
	else if (bn_isa[u.op].fmt == BN_FMT_MEM)
		DPUT(&d, ".%s", tgt_names[u.tgt & 7]);
	if (bn_isa[u.op].fmt != BN_FMT_NONE)
		DPUT(&d, " ");
	dis_operands(&d, &u, pc);
	return d.n;
}
