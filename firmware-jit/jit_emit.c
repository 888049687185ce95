// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * firmware-jit emitters, in three layers:
 *
 *   __emit_*()  build a struct bn_ucode and pack it with bn_pack(), the
 *               only place bits are packed; only the fields' widths are
 *               checked here, the rest by bn_jit_check_image() or the
 *               device's loader (bn_decode())
 *   emit_*()    legalise operands for the ports: bank A / LM on the A port,
 *               bank B / xfer-in / imm8 on the B port, swapping operands or
 *               moving them through the legaliser's scratch registers
 *   wrp_*()     idioms of several instructions: constants, copies, byte
 *               fields
 *
 * Errors are sticky: after the first one every emitter does nothing.
 */
#include "jit_priv.h"

/* ---- log ------------------------------------------------------------------ */

struct jit_buf {
	char *p;
	u32 len, n;
};

static void jb_putc(struct jit_buf *b, char c)
{
	if (b->n + 1 < b->len)
		b->p[b->n] = c;
	b->n++;
}

static void jb_num(struct jit_buf *b, u64 v, u32 base, u32 width, char pad)
{
	char tmp[24];
	u32 n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (width > n) {
		jb_putc(b, pad);
		width--;
	}
	while (n)
		jb_putc(b, tmp[--n]);
}

static const char *jb_conv(struct jit_buf *b, const char *f, __builtin_va_list *ap)
{
	u32 width = 0, lng = 0;
	char pad = ' ';
	const char *s;
	s64 v;

	if (*f == '0')
		pad = *f++;
	while (*f >= '0' && *f <= '9')
		width = width * 10 + (*f++ - '0');
	while (*f == 'l') {
		lng++;
		f++;
	}
	switch (*f) {
	case 'd':
		v = lng ? __builtin_va_arg(*ap, long long) : __builtin_va_arg(*ap, int);
		if (v < 0)
			jb_putc(b, '-');
		jb_num(b, v < 0 ? -(u64)v : (u64)v, 10, width, pad);
		break;
	case 'u':
	case 'x':
		v = lng ? __builtin_va_arg(*ap, unsigned long long) :
			  __builtin_va_arg(*ap, unsigned int);
		jb_num(b, (u64)v, *f == 'u' ? 10 : 16, width, pad);
		break;
	case 's':
		for (s = __builtin_va_arg(*ap, const char *); *s; s++)
			jb_putc(b, *s);
		break;
	default:
		jb_putc(b, *f);
		break;
	}
	return f + 1;
}

static int jit_vsnprintf(char *buf, u32 len, const char *fmt, __builtin_va_list ap)
{
	struct jit_buf b = { buf, len, 0 };
	__builtin_va_list aq;

	/* a va_list parameter may be an array that decayed: walk a copy */
	__builtin_va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%')
			jb_putc(&b, *fmt++);
		else
			fmt = jb_conv(&b, fmt + 1, &aq);
	}
	__builtin_va_end(aq);
	if (len)
		buf[b.n < len ? b.n : len - 1] = '\0';
	return b.n;
}

/**
 * jit_snprintf() - the JIT's own formatter (%d %u %x %s, 0-padding, l/ll)
 * @buf: output
 * @len: its size; the result is always NUL-terminated when @len > 0
 * @fmt: format
 *
 * Return: the length the full result would have.
 */
int jit_snprintf(char *buf, u32 len, const char *fmt, ...)
{
	__builtin_va_list ap;
	int n;

	__builtin_va_start(ap, fmt);
	n = jit_vsnprintf(buf, len, fmt, ap);
	__builtin_va_end(ap);
	return n;
}

/**
 * jit_fail() - record the first error and log "insn N: <message>"
 * @j: JIT
 * @err: negative errno
 * @fmt: message after "insn N: "
 *
 * Later calls do nothing: the first error is the one reported.
 */
void jit_fail(struct bn_jit *j, int err, const char *fmt, ...)
{
	__builtin_va_list ap;
	char msg[160];
	u32 n;

	if (j->error)
		return;
	j->error = err;
	j->err_insn = j->cur;
	n = jit_snprintf(msg, sizeof(msg), "insn %u: ", j->cur);
	__builtin_va_start(ap, fmt);
	jit_vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	__builtin_va_end(ap);
	if (j->env->print)
		j->env->print(j->env->priv, msg);
}

/* ---- __emit: bit packing ---------------------------------------------------- */

/* Registers the image uses, for the header: GPRs (any bank) and xfers. */
static inline void jit_track(struct bn_jit *j, u16 o, u32 span)
{
	u32 n;

	if (o < BN_OPND_XFER_BASE) {
		n = (o & (BN_NUM_GPR - 1)) + span;
		j->gprs = n > j->gprs ? n : j->gprs;
	} else if (o < BN_OPND_XFER_BASE + BN_NUM_XFER) {
		n = o - BN_OPND_XFER_BASE + span;
		j->xfers = n > j->xfers ? n : j->xfers;
	} else if (o >= BN_OPND_BOTH_BASE && o < BN_OPND_BOTH_BASE + BN_NUM_GPR) {
		n = o - BN_OPND_BOTH_BASE + span;
		j->gprs = n > j->gprs ? n : j->gprs;
	}
}

/**
 * jit_grow() - make room for more code, up to the code store
 * @j: JIT
 *
 * Return: 0, or the error recorded: -ENOSPC when the code store is full.
 */
int jit_grow(struct bn_jit *j)
{
	const struct bn_jit_env *env = j->env;
	u32 cap = j->cap * 2 < j->max_code ? j->cap * 2 : j->max_code;
	u64 *code;
	u32 *tgt;
	u8 *tag;

	if (j->cap >= j->max_code) {
		jit_fail(j, -ENOSPC, "program needs more than %u microcode instructions",
			 j->max_code);
		return j->error;
	}
	code = env->alloc(env->priv, cap * sizeof(*code));
	tag = env->alloc(env->priv, cap);
	tgt = env->alloc(env->priv, cap * sizeof(*tgt));
	if (!code || !tag || !tgt) {
		env->free(env->priv, code);
		env->free(env->priv, tag);
		env->free(env->priv, tgt);
		jit_fail(j, -ENOMEM, "out of memory");
		return j->error;
	}
	__builtin_memcpy(code, j->code, j->ncode * sizeof(*code));
	__builtin_memcpy(tag, j->tag, j->ncode);
	__builtin_memcpy(tgt, j->tgt, j->ncode * sizeof(*tgt));
	env->free(env->priv, j->code);
	env->free(env->priv, j->tag);
	env->free(env->priv, j->tgt);
	j->code = code;
	j->tag = tag;
	j->tgt = tgt;
	j->cap = cap;
	return 0;
}

/* Every instruction goes through here: encode, count, append. */
static void __emit(struct bn_jit *j, struct bn_ucode *u, u8 tag, u32 tgt)
{
	u32 span = bn_isa[u->op].flags & BN_IF_PAIR ? 2 : 1;
	const char *why;

	if (j->error)
		return;
	if (j->ncode >= j->cap && jit_grow(j))
		return;
	if (bn_pack(u, &j->code[j->ncode], &why)) {
		jit_internal(j, why);
		return;
	}
	jit_track(j, u->dst, span);
	jit_track(j, u->srca, span);
	jit_track(j, u->srcb, span);
	j->tag[j->ncode] = tag;
	j->tgt[j->ncode] = tgt;
	j->ncode++;
}

static void bn_ucode_init(struct bn_ucode *u, u8 op)
{
	__builtin_memset(u, 0, sizeof(*u));
	u->op = op;
	u->dst = BN_OPND_NONE;
	u->srca = BN_OPND_NONE;
	u->srcb = BN_OPND_NONE;
}

static void __emit_alu(struct bn_jit *j, u8 op, swreg dst, swreg a, swreg b,
		       u8 shc, u8 shamt)
{
	struct bn_ucode u;

	bn_ucode_init(&u, op);
	u.dst = dst.v;
	u.srca = a.v;
	u.srcb = b.v;
	u.shc = shc;
	u.shamt = shamt;
	__emit(j, &u, 0, 0);
}

static void __emit_ldf(struct bn_jit *j, swreg dst, swreg b, u8 shc, u8 shamt,
		       u8 mask, bool zf)
{
	struct bn_ucode u;

	bn_ucode_init(&u, BN_OP_ld_field);
	u.dst = dst.v;
	u.srcb = b.v;
	u.shc = shc;
	u.shamt = shamt;
	u.mask = mask;
	u.zf = zf;
	__emit(j, &u, 0, 0);
}

static void __emit_immed(struct bn_jit *j, u8 op, swreg dst, u16 imm16, u8 bsh,
			 bool inv, u8 tag, u32 arg)
{
	struct bn_ucode u;

	bn_ucode_init(&u, op);
	u.dst = dst.v;
	u.imm16 = imm16;
	u.bsh = bsh;
	u.inv = inv;
	__emit(j, &u, tag, arg);
}

static void __emit_branch(struct bn_jit *j, u8 op, u8 cond, swreg a, swreg b,
			  swreg dst, u8 tag, u32 tgt)
{
	struct bn_ucode u;

	bn_ucode_init(&u, op);
	u.cond = cond;
	u.srca = a.v;
	u.srcb = b.v;
	u.dst = dst.v;
	__emit(j, &u, tag, tgt);
}

static void __emit_mem(struct bn_jit *j, u8 op, u8 tgt, u8 xfer, swreg a, swreg b,
		       u32 len)
{
	struct bn_ucode u;

	bn_ucode_init(&u, op);
	u.tgt = tgt;
	u.xfer = xfer;
	u.srca = a.v;
	u.srcb = b.v;
	u.len = len - 1;
	/*
	 * Reads sleep until their data is in; writes and atomic adds take
	 * xfer-out when they issue, so they are posted: their completion
	 * signal is never waited for (the thread drains them at `done`).
	 */
	u.swap = op == BN_OP_mem_rd;
	u.sig = u.swap ? 0 : JIT_SIG_POSTED;
	if (xfer + (len + 3) / 4 > j->xfers)
		j->xfers = xfer + (len + 3) / 4;
	__emit(j, &u, 0, 0);
}

static void __emit_csr(struct bn_jit *j, u8 op, swreg dst, swreg b, u8 csr)
{
	struct bn_ucode u;

	bn_ucode_init(&u, op);
	u.dst = dst.v;
	u.srcb = b.v;
	u.csr = csr;
	__emit(j, &u, 0, 0);
}

/* ---- emit: operand legalisation ------------------------------------------------ */

static u32 jit_ror32(u32 v, u32 n)
{
	n &= 31;
	return n ? (v >> n) | (v << (32 - n)) : v;
}

/* The value a constant has after the B port's shifter. */
static u32 jv_value(const struct jv *v)
{
	switch (v->shc) {
	case BN_SHC_LSL:
		return v->imm << v->shamt;
	case BN_SHC_LSR:
		return v->imm >> v->shamt;
	case BN_SHC_ASR:
		return (u32)((s32)v->imm >> v->shamt);
	case BN_SHC_ROR:
		return jit_ror32(v->imm, v->shamt);
	default:
		return v->imm;
	}
}

/**
 * jv_imm8() - encode @v as a B-port immediate
 * @j: JIT (imm_fold enables the rotated forms)
 * @v: the value
 * @shifter: the instruction passes B through the shifter
 * @c: out: the 8-bit immediate
 * @shc: out: the shift kind giving @v from @c (none or rotate)
 * @amt: out: the rotation
 *
 * Return: true if one operand can carry @v.
 */
bool jv_imm8(const struct bn_jit *j, u32 v, bool shifter, u8 *c, u8 *shc, u8 *amt)
{
	u32 n, t;

	*shc = BN_SHC_NONE;
	*amt = 0;
	if (v <= BN_IMM8_MAX) {
		*c = v;
		return true;
	}
	if (!shifter || !jit_pass_on(j, BN_PASS_imm_fold) || jit_popcount(v) > 8)
		return false;
	/* the 8-bit window starts at one of the (at most 8) set bits */
	for (t = v; t; t &= t - 1) {
		n = __builtin_ctz(t);
		if (jit_ror32(v, n) <= BN_IMM8_MAX) {
			*c = jit_ror32(v, n);
			*shc = BN_SHC_ROR;
			*amt = 32 - n;	/* ror(c, 32 - n) == v */
			return true;
		}
	}
	return false;
}

static bool port_a(const struct jv *v, swreg *r)
{
	if (v->shc)
		return false;
	switch (v->kind) {
	case JV_GPR:
		*r = reg_a(v->idx);
		return true;
	case JV_LM:
		*r = reg_lm(v->idx);
		return true;
	case JV_NONE:
		*r = reg_none();
		return true;
	case JV_IMM:
		*r = reg_none();
		return !v->imm;
	default:
		return false;
	}
}

struct bport {
	swreg r;
	u8 shc, amt;
};

static bool port_b(const struct bn_jit *j, const struct jv *v, bool shifter,
		   struct bport *p)
{
	u8 c;

	p->shc = v->shc;
	p->amt = v->shamt;
	if (v->shc && !shifter && v->kind != JV_IMM)
		return false;
	switch (v->kind) {
	case JV_GPR:
		p->r = reg_b(v->idx);
		return true;
	case JV_XIN:
		p->r = reg_xfer(v->idx);
		return true;
	case JV_NONE:
		p->r = reg_none();
		p->shc = p->amt = 0;
		return true;
	case JV_IMM:
		if (!jv_imm8(j, jv_value(v), shifter, &c, &p->shc, &p->amt))
			return false;
		p->r = reg_imm(c);
		return true;
	default:
		return false;
	}
}

static bool alu_shifts_b(u8 op)
{
	return op != BN_OP_lsl && op != BN_OP_lsr && op != BN_OP_asr &&
	       op != BN_OP_dshf && op != BN_OP_udiv64 && op != BN_OP_umod64;
}

/* The operation with its operands exchanged, or 0 if there is none. */
static u8 alu_swapped(u8 op)
{
	switch (op) {
	case BN_OP_add: case BN_OP_and: case BN_OP_or: case BN_OP_xor:
	case BN_OP_mul: case BN_OP_mulh: case BN_OP_addc:
		return op;
	case BN_OP_sub:		return BN_OP_rsub;
	case BN_OP_rsub:	return BN_OP_sub;
	case BN_OP_subc:	return BN_OP_rsubc;
	case BN_OP_rsubc:	return BN_OP_subc;
	default:		return 0;
	}
}

/*
 * Constant cache (imm_fold): a constant that takes two instructions to build
 * for the B port goes to GPR JIT_KC + k, where later instructions of the
 * same straight-line stretch find it.  Every label and call forgets them.
 */
void jit_kc_forget(struct bn_jit *j)
{
	j->kc_ok = 0;
}

static s32 kc_find(const struct bn_jit *j, u32 v)
{
	u32 k;

	for (k = 0; k < JIT_NKC; k++)
		if ((j->kc_ok & (1u << k)) && j->kc[k] == v)
			return k;
	return -1;
}

static bool imm_wide(u32 v)
{
	u32 bsh;

	for (bsh = 0; bsh <= 2; bsh++)
		if (!(v & ~(0xffffu << (8 * bsh))) || !(~v & ~(0xffffu << (8 * bsh))))
			return false;
	return true;
}

/* The GPR that holds wide constant @v, built there if need be. */
static struct jv kc_get(struct bn_jit *j, u32 v)
{
	s32 k = kc_find(j, v);

	if (k < 0) {
		k = j->kc_next;
		j->kc_next = (j->kc_next + 1) % JIT_NKC;
		j->kc_ok &= ~(1u << k);
		wrp_imm(j, reg_both(JIT_KC + k), v);
		j->kc[k] = v;
		j->kc_ok |= 1u << k;
	} else {
		j->kc_next = (k + 1) % JIT_NKC;	/* keep the one just used */
	}
	return jv_gpr(JIT_KC + k);
}

static struct jv jv_via(struct bn_jit *j, u8 tmp, struct jv v)
{
	if (tmp == JIT_T_B && v.kind == JV_IMM && jit_pass_on(j, BN_PASS_imm_fold) &&
	    imm_wide(jv_value(&v)))
		return kc_get(j, jv_value(&v));
	wrp_mov(j, reg_both(tmp), v);
	return jv_gpr(tmp);
}

struct alu_ports {
	u8 op;
	swreg a;
	struct bport b;
};

/*
 * Pick ports for x OP y: exchange the operands if that makes them fit,
 * otherwise copy through scratch GPRs @ta / @tb.
 */
static void alu_legalise(struct bn_jit *j, u8 op, struct jv x, struct jv y,
			 u8 ta, u8 tb, struct alu_ports *p)
{
	bool shf = alu_shifts_b(op), unary = op == BN_OP_mov || op == BN_OP_not;
	u8 sw = alu_swapped(op);
	struct bport tmp;
	bool okx, oky;
	swreg r;

	if (unary)
		x = jv_none();
	p->op = op;
	okx = port_a(&x, &p->a);
	oky = port_b(j, &y, shf, &p->b);
	if (okx && oky)
		return;
	if (sw && !y.shc && port_a(&y, &r) && port_b(j, &x, shf, &tmp)) {
		p->op = sw;
		p->a = r;
		p->b = tmp;
		return;
	}
	if (!okx) {
		x = jv_via(j, ta, x);
		port_a(&x, &p->a);
	}
	if (!oky) {
		y = jv_via(j, tb, y);
		port_b(j, &y, shf, &p->b);
	}
}

/**
 * emit_alu() - dst = x OP sh(y), with operands legalised
 * @j: JIT
 * @op: BN_OP_* of an ALU instruction
 * @dst: destination operand
 * @x: A-side value (ignored by mov/not)
 * @y: B-side value, with its shifter setting
 */
void emit_alu(struct bn_jit *j, u8 op, swreg dst, struct jv x, struct jv y)
{
	struct alu_ports p;

	alu_legalise(j, op, x, y, JIT_T_A, JIT_T_B, &p);
	__emit_alu(j, p.op, dst, p.a, p.b.r, p.b.shc, p.b.amt);
}

/**
 * emit_alu_pair() - a 64-bit operation as two instructions back to back
 * @j: JIT
 * @op_lo: operation on the low words, e.g. add
 * @op_hi: operation on the high words, e.g. addc (it may consume the flags)
 * @dlo: low destination
 * @dhi: high destination
 * @x: left operand
 * @y: right operand
 *
 * All four operands are legalised before either instruction is emitted so
 * that nothing touches the flags between the two.
 */
void emit_alu_pair(struct bn_jit *j, u8 op_lo, u8 op_hi, swreg dlo, swreg dhi,
		   struct jpair x, struct jpair y)
{
	struct alu_ports lo, hi;

	alu_legalise(j, op_hi, x.hi, y.hi, JIT_T_A2, JIT_T_B2, &hi);
	alu_legalise(j, op_lo, x.lo, y.lo, JIT_T_A, JIT_T_B, &lo);
	__emit_alu(j, lo.op, dlo, lo.a, lo.b.r, lo.b.shc, lo.b.amt);
	__emit_alu(j, hi.op, dhi, hi.a, hi.b.r, hi.b.shc, hi.b.amt);
}

/* dst = x + @v, as a subtraction when that keeps the constant small. */
void emit_add_imm(struct bn_jit *j, swreg dst, struct jv x, s32 v)
{
	if (v < 0 && v != (s32)0x80000000)
		emit_alu(j, BN_OP_sub, dst, x, jv_imm(-v));
	else
		emit_alu(j, BN_OP_add, dst, x, jv_imm(v));
}

/* dshf: dst = low32({x:y} >> @amt), x the high word (A port), y the low (B). */
void emit_dshf(struct bn_jit *j, swreg dst, struct jv x, struct jv y, u8 amt)
{
	struct alu_ports p;

	alu_legalise(j, BN_OP_dshf, x, y, JIT_T_A, JIT_T_B, &p);
	__emit_alu(j, BN_OP_dshf, dst, p.a, p.b.r, 0, amt);
}

/**
 * emit_ldf() - ld_field: the @mask bytes of dst from sh(y); others kept or 0
 * @j: JIT
 * @dst: destination (readable unless @zf)
 * @y: source and its shift (B port)
 * @mask: byte enables
 * @zf: zero the bytes @mask leaves out
 */
void emit_ldf(struct bn_jit *j, swreg dst, struct jv y, u8 mask, bool zf)
{
	struct bport p;

	if (!port_b(j, &y, true, &p)) {
		y = jv_via(j, JIT_T_B, y);
		port_b(j, &y, true, &p);
	}
	__emit_ldf(j, dst, p.r, p.shc, p.amt, mask, zf);
}

void emit_immed(struct bn_jit *j, swreg dst, u16 imm16, u8 bsh, bool inv, u8 tag,
		u32 arg)
{
	__emit_immed(j, BN_OP_immed, dst, imm16, bsh, inv, tag, arg);
}

/* Branch to @tgt (JIT_TGT_* or a ucode index) on the flags. */
void emit_br(struct bn_jit *j, u8 cond, u32 tgt)
{
	__emit_branch(j, BN_OP_br, cond, reg_none(), reg_none(), reg_none(),
		      BN_RELOC_BR_REL, tgt);
}

/*
 * br_cmp / br_cmpc: the B port has no shifter.  Operands that do not fit are
 * copied first; br_cmpc callers legalise beforehand because a copy through
 * an ALU instruction would clobber the carry it consumes.
 */
void emit_brcmp(struct bn_jit *j, u8 op, u8 cond, struct jv x, struct jv y, u32 tgt)
{
	struct bport b;
	swreg a;

	if (!port_a(&x, &a)) {
		x = jv_via(j, JIT_T_A, x);
		port_a(&x, &a);
	}
	if (!port_b(j, &y, false, &b)) {
		y = jv_via(j, JIT_T_B, y);
		port_b(j, &y, false, &b);
	}
	__emit_branch(j, op, cond, a, b.r, reg_none(), BN_RELOC_BR_REL, tgt);
}

/* call: @tag BN_RELOC_HELPER (@tgt = helper id) or BR_REL (a subprogram). */
void emit_call(struct bn_jit *j, u8 tag, u32 tgt)
{
	__emit_branch(j, BN_OP_call, 0, reg_none(), reg_none(), reg_both(JIT_LINK),
		      tag, tgt);
	jit_kc_forget(j);
}

void emit_rtn(struct bn_jit *j, swreg a)
{
	__emit_branch(j, BN_OP_rtn, 0, a, reg_none(), reg_none(), 0, 0);
}

void emit_done(struct bn_jit *j, swreg a)
{
	__emit_branch(j, BN_OP_done, 0, a, reg_none(), reg_none(), 0, 0);
}

/**
 * emit_mem() - memory command at @base + @off, @len bytes from/to $x@xfer
 * @j: JIT
 * @op: mem_rd, mem_wr or mem_add
 * @tgt: enum bn_tgt
 * @xfer: first transfer register
 * @base: the address register
 * @off: byte offset added to it
 * @len: bytes, 1..BN_MEM_MAX_LEN
 */
void emit_mem(struct bn_jit *j, u8 op, u8 tgt, u8 xfer, struct jv base, s32 off,
	      u32 len)
{
	struct jv disp = jv_imm(off);
	swreg a;

	if (off < 0 || off > BN_IMM8_MAX) {
		emit_add_imm(j, reg_both(JIT_T_A), base, off);
		base = jv_gpr(JIT_T_A);
		disp = jv_none();
	}
	if (!port_a(&base, &a)) {
		base = jv_via(j, JIT_T_A, base);
		port_a(&base, &a);
	}
	__emit_mem(j, op, tgt, xfer, a, disp.kind == JV_IMM ? reg_imm(off) : reg_none(),
		   len);
}

void emit_csr_rd(struct bn_jit *j, swreg dst, u8 csr)
{
	__emit_csr(j, BN_OP_csr_rd, dst, reg_none(), csr);
}

void emit_csr_wr(struct bn_jit *j, u8 csr, struct jv v)
{
	struct bport b;

	if (!port_b(j, &v, false, &b)) {
		v = jv_via(j, JIT_T_B, v);
		port_b(j, &v, false, &b);
	}
	__emit_csr(j, BN_OP_csr_wr, reg_none(), b.r, csr);
}

u32 emit_here(const struct bn_jit *j)
{
	return j->ncode;
}

/* Point the branch at ucode @at to ucode @tgt (a local label). */
void jit_patch_target(struct bn_jit *j, u32 at, u32 tgt)
{
	if (!j->error && at < j->ncode)
		j->tgt[at] = tgt;
	jit_kc_forget(j);	/* @tgt is a label */
}

/* ---- wrp: idioms ------------------------------------------------------------------ */

static bool swreg_readable(swreg r)
{
	enum bn_opnd_kind k = bn_opnd_kind(r.v);

	return k == BN_OK_A || k == BN_OK_B || k == BN_OK_BOTH || k == BN_OK_LM;
}

/* One immed if @v is 16 bits at a byte shift of 0..2, possibly inverted. */
static bool wrp_imm_one(struct bn_jit *j, swreg dst, u32 v)
{
	u32 bsh;

	for (bsh = 0; bsh <= 2; bsh++) {
		if (!(v & ~(0xffffu << (8 * bsh)))) {
			emit_immed(j, dst, v >> (8 * bsh), bsh, false, 0, 0);
			return true;
		}
		if (!(~v & ~(0xffffu << (8 * bsh)))) {
			emit_immed(j, dst, ~v >> (8 * bsh), bsh, true, 0, 0);
			return true;
		}
	}
	return false;
}

/**
 * wrp_imm() - dst = @v in the fewest instructions, without touching flags
 * @j: JIT
 * @dst: destination
 * @v: 32-bit constant
 */
void wrp_imm(struct bn_jit *j, swreg dst, u32 v)
{
	s32 k;

	if (wrp_imm_one(j, dst, v))
		return;
	k = kc_find(j, v);
	if (k >= 0 && dst.v != reg_both(JIT_KC + k).v) {
		emit_ldf(j, dst, jv_gpr(JIT_KC + k), 0xf, true);
		return;
	}
	if (!swreg_readable(dst)) {
		wrp_imm(j, reg_both(JIT_T_B), v);
		__emit_alu(j, BN_OP_mov, dst, reg_none(), reg_b(JIT_T_B), 0, 0);
		return;
	}
	emit_immed(j, dst, v & 0xffff, 0, false, 0, 0);
	__emit_immed(j, BN_OP_immed_hi, dst, v >> 16, 0, false, 0, 0);
}

/**
 * wrp_mov() - dst = v (with v's shift applied)
 * @j: JIT
 * @dst: destination
 * @v: any value
 */
void wrp_mov(struct bn_jit *j, swreg dst, struct jv v)
{
	struct jv plain = v;

	switch (v.kind) {
	case JV_IMM:
		wrp_imm(j, dst, jv_value(&v));
		return;
	case JV_NONE:
		wrp_imm(j, dst, 0);
		return;
	case JV_LM:
		plain.shc = plain.shamt = 0;
		if (!v.shc) {
			__emit_alu(j, BN_OP_or, dst, reg_lm(v.idx), reg_none(), 0, 0);
			return;
		}
		__emit_alu(j, BN_OP_or, reg_both(JIT_T_B), reg_lm(v.idx), reg_none(), 0, 0);
		v = jv_shf(jv_gpr(JIT_T_B), v.shc, v.shamt);
		break;
	default:
		break;
	}
	emit_alu(j, BN_OP_mov, dst, jv_none(), v);
}

/*
 * One ld_field for the result bytes that come from source word @w rotated
 * right by @rot bytes; returns the byte mask it covers.
 */
static u8 ldf_mask(const s16 *bytes, u32 w, u32 rot)
{
	u8 mask = 0;
	u32 i;

	for (i = 0; i < 4; i++) {
		if (bytes[i] == JI_BYTE_ZERO)
			continue;
		if ((u32)bytes[i] / 4 == w && (((u32)bytes[i] % 4 - i) & 3) == rot)
			mask |= 1 << i;
	}
	return mask;
}

/**
 * wrp_field() - dst = bytes picked from a row of source words
 * @j: JIT
 * @dst: destination GPR
 * @words: B-port values (xfer-in or GPRs), 4 bytes each, little-endian
 * @nwords: how many
 * @bytes: for result bytes 0..3, the source byte (word * 4 + byte), or
 *	JI_BYTE_ZERO
 *
 * Bytes that share a source word and a rotation come in with one ld_field;
 * the first one zero-fills.
 */
void wrp_field(struct bn_jit *j, swreg dst, const struct jv *words, u32 nwords,
	       const s16 *bytes)
{
	u8 done = 0, mask;
	bool first = true;
	u32 i, w, rot;

	for (i = 0; i < 4; i++) {
		if (bytes[i] == JI_BYTE_ZERO || (done & (1 << i)))
			continue;
		w = bytes[i] / 4;
		rot = (bytes[i] % 4 - i) & 3;
		if (w >= nwords) {
			jit_internal(j, "field byte outside its source");
			return;
		}
		mask = ldf_mask(bytes, w, rot);
		if (first && mask == 0xf && !rot)
			wrp_mov(j, dst, words[w]);
		else
			emit_ldf(j, dst, jv_shf(words[w], BN_SHC_ROR, rot * 8), mask,
				 first);
		done |= mask;
		first = false;
	}
	if (first)
		wrp_imm(j, dst, 0);
}
