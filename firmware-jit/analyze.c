// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * bpfnic analyzer: the userspace stand-in for the kernel verifier's
 * insn_hook.  It computes, for every eBPF instruction, the facts the JIT
 * chooses code by (struct bn_insn_meta) and rejects what the device cannot
 * run.
 *
 * Passes, in order:
 *   1. structure: LD_IMM64 halves, subprograms, opcode/field/helper/map
 *      checks in program order (an_check_*)
 *   2. CFG: basic blocks split at jump targets, after jumps, exits and
 *      bpf-to-bpf calls
 *   3. forward dataflow: a worklist over blocks joining abstract register
 *      and stack-slot states to a fixed point.  bpf-to-bpf calls use
 *      per-subprogram summaries (entry state, returned R0, slots written
 *      through pointers into caller frames); the worklist is rerun while a
 *      summary grows.
 *   4. checks on the fixed point, in program order (memory bases, stack
 *      offsets and depth, XDP exit codes), then call-chain limits
 *   5. backward upper-half liveness: BN_META_ZEXT / BN_META_HI_UNUSED
 *
 * Every lattice used has finite height (scalar bounds are widened to
 * 2^k - 1 at joins, stack lower bounds give up below the frame), so the
 * fixed point is reached for any program, bounded loops included.
 *
 * Programs reaching us passed the kernel verifier (or will be checked by
 * it), so reads of never-written registers are treated as impossible;
 * never-written stack bytes, which privileged programs may read, are not.
 */
#include "analyze.h"

#define AN_U32_MAX	0xffffffffULL
#define AN_U64_MAX	(~0ULL)
#define AN_S32_MAX	0x7fffffffULL
#define AN_S64_MAX	0x7fffffffffffffffULL
#define AN_STACK_MAX	512		/* bytes: per frame and in all */
#define AN_SLOTS	(AN_STACK_MAX / 8)
#define AN_LO_NONE	(-0x7fffffff - 1) /* no stack lower bound */
#define AN_MAX_FRAMES	8
#define AN_VAR_LIMIT	(1LL << 29)	/* bigger deltas: give up */
#define AN_NO_INSN	0xffffffffu

/* Internal register kinds beyond enum bn_reg_type (exported as UNKNOWN). */
enum {
	AN_T_NONE = BN_REG_UNKNOWN,	/* never written: lattice bottom */
	AN_T_GARBAGE = 0x40,		/* slot never written: any bytes */
	AN_T_MIXED = 0x80,		/* kinds differ between paths */
};

/* Which frame a stack pointer points into, as seen from its holder. */
enum {
	AN_FR_OWN,		/* the current frame: off is from our R10 */
	AN_FR_CALLER,		/* a caller's frame: off from its R10 */
	AN_FR_ANY,		/* either */
};

/* Per-instruction structural flags. */
#define AN_I_HALF	0x01	/* second half of LD_IMM64 */
#define AN_I_SUB	0x02	/* first instruction of a subprogram */
#define AN_I_JDST	0x04	/* target of JA or a conditional jump */
#define AN_I_LEADER	0x08	/* first instruction of a basic block */

/* Successor edges a block took in the final state. */
#define AN_S_FALL	0x01
#define AN_S_JUMP	0x02

#define AN_R(n)		((u16)(1u << (n)))
#define AN_R_ARGS	(AN_R(1) | AN_R(2) | AN_R(3) | AN_R(4) | AN_R(5))
#define AN_R_CLOBBER	(AN_R(0) | AN_R_ARGS)

/**
 * struct an_reg - abstract value of a register or 8-byte stack slot
 * @type: enum bn_reg_type or AN_T_*
 * @flags: BN_RI_CONST, BN_RI_HI_ZERO (scalars), BN_RI_OFF_CONST (pointers)
 * @frame: AN_FR_* for stack pointers
 * @vset: scalars: bit v set if the value may be v (< 8); 0 when the value
 *	is not known to be one of those small constants
 * @map_index: map pointers and values; BN_ANALYZE_MAP_ANY if it varies
 * @pad: zero
 * @id: map value or NULL: lookup insn + 1, shared by copies; 0 = unlinked
 * @off: pointers: offset, exact when BN_RI_OFF_CONST
 * @lo: stack pointers: lowest possible @off, AN_LO_NONE if unbounded
 * @value: scalars: the value when BN_RI_CONST
 * @umax: scalars: unsigned upper bound
 *
 * Fields that do not apply are zero, so that states compare field-wise.
 */
struct an_reg {
	u8 type;
	u8 flags;
	u8 frame;
	u8 vset;
	u16 map_index;
	u16 pad;
	u32 id;
	s32 off;
	s32 lo;
	u64 value;
	u64 umax;
};

struct an_state {
	struct an_reg regs[MAX_BPF_REG];
	struct an_reg slots[AN_SLOTS];	/* slot k covers R10 - 512 + 8k */
};

/**
 * struct an_sub - a subprogram and its call summaries
 * @start: first instruction
 * @end: one past the last instruction
 * @depth: bytes below its own R10 it touches
 * @anc_depth: bytes below some caller's R10 it (or a callee) touches
 * @chain: cost of the deepest call chain starting here
 * @ret_live: some caller reads the upper half of R0 after calling it
 * @ret: R0 at its exits, in the caller's terms
 * @wr: values it (or a callee) may store into caller frames, by slot
 * @anc: what it may read from caller frames, by slot (entry view + @wr)
 */
struct an_sub {
	u32 start, end;
	u32 depth, anc_depth, chain;
	bool ret_live;
	struct an_reg ret;
	struct an_reg wr[AN_SLOTS];
	struct an_reg anc[AN_SLOTS];
};

struct an_block {
	u32 start, end, sub;
	u8 reached, inq, succ;
	u16 live_in, live_out;
};

/* State before an instruction in the fixed point. */
struct an_rec {
	struct an_reg dst, src, a2, a3;
};

struct an_call {
	u32 insn, from, to;
};

struct an_ctx {
	const struct bpf_insn *insns;
	u32 len, prog_type, nmaps;
	const struct bn_image_map *maps;
	struct bn_insn_meta *meta;
	const struct bn_jit_env *env;
	u8 *iflags;
	u32 *blk_of;
	struct an_rec *rec;
	struct an_block *blks;
	struct an_state *bst;
	u32 nblks;
	struct an_sub *subs;
	u32 nsubs;
	struct an_call *calls;
	u32 ncalls;
	u32 *queue;
	u32 qhead, qlen;
	bool sum_changed, live_changed;
	struct an_state cur, edge;
};

struct an_helper {
	s32 id;
	u8 nargs;
	bool xdp_only;
};

static const struct an_helper an_helpers[] = {
	{ BPF_FUNC_map_lookup_elem,	2, false },
	{ BPF_FUNC_map_update_elem,	4, false },
	{ BPF_FUNC_map_delete_elem,	2, false },
	{ BPF_FUNC_ktime_get_ns,	0, false },
	{ BPF_FUNC_get_prandom_u32,	0, false },
	{ BPF_FUNC_xdp_adjust_head,	2, true },
	{ BPF_FUNC_xdp_adjust_tail,	2, true },
	{ BPF_FUNC_perf_event_output,	5, false },
};

enum { AN_CTX_DATA = 1, AN_CTX_END, AN_CTX_META };

static const struct {
	u32 prog_type;
	u32 off;
	u8 kind;
} an_ctx_fields[] = {
	{ BN_PROG_XDP, offsetof(struct xdp_md, data), AN_CTX_DATA },
	{ BN_PROG_XDP, offsetof(struct xdp_md, data_end), AN_CTX_END },
	{ BN_PROG_XDP, offsetof(struct xdp_md, data_meta), AN_CTX_META },
	{ BN_PROG_TC, offsetof(struct __sk_buff, data), AN_CTX_DATA },
	{ BN_PROG_TC, offsetof(struct __sk_buff, data_end), AN_CTX_END },
	{ BN_PROG_TC, offsetof(struct __sk_buff, data_meta), AN_CTX_META },
};

#ifndef __KERNEL__
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define le32_to_cpu(x)	__builtin_bswap32(x)
#else
#define le32_to_cpu(x)	((u32)(x))
#endif
#endif

/* ---- log ----------------------------------------------------------------- */

enum { AN_NUM_NONE, AN_NUM_DEC, AN_NUM_HEX };

struct an_msg {
	char buf[128];
	u32 len;
};

static void an_msg_str(struct an_msg *m, const char *s)
{
	while (*s && m->len < sizeof(m->buf) - 1)
		m->buf[m->len++] = *s++;
	m->buf[m->len] = '\0';
}

static void an_msg_num(struct an_msg *m, s64 v, int fmt)
{
	char tmp[24], one[2] = { 0, 0 };
	u64 u = v;
	int n = 0;

	if (fmt == AN_NUM_HEX) {
		an_msg_str(m, "0x");
		do {
			tmp[n++] = "0123456789abcdef"[u & 15];
			u >>= 4;
		} while (u || n < 2);
	} else {
		if (v < 0) {
			an_msg_str(m, "-");
			u = -(u64)v;
		}
		do {
			tmp[n++] = '0' + u % 10;
			u /= 10;
		} while (u);
	}
	while (n) {
		one[0] = tmp[--n];
		an_msg_str(m, one);
	}
}

/**
 * an_reject() - log "insn N: <pre><num><post>" and return @err
 * @c: analyzer
 * @insn: instruction index N
 * @err: negative errno to return
 * @pre: text after "insn N: "
 * @num: number printed after @pre unless @fmt is AN_NUM_NONE
 * @fmt: AN_NUM_NONE, AN_NUM_DEC or AN_NUM_HEX ("0x%02x")
 * @post: text after the number, or NULL
 */
static int an_reject(const struct an_ctx *c, u32 insn, int err,
		     const char *pre, s64 num, int fmt, const char *post)
{
	struct an_msg m;

	m.len = 0;
	an_msg_str(&m, "insn ");
	an_msg_num(&m, insn, AN_NUM_DEC);
	an_msg_str(&m, ": ");
	an_msg_str(&m, pre);
	if (fmt != AN_NUM_NONE)
		an_msg_num(&m, num, fmt);
	if (post)
		an_msg_str(&m, post);
	if (c->env->print)
		c->env->print(c->env->priv, m.buf);
	return err;
}

static int an_invalid(const struct an_ctx *c, u32 i)
{
	return an_reject(c, i, -EINVAL, "invalid instruction", 0,
			 AN_NUM_NONE, NULL);
}

static int an_unsupported(const struct an_ctx *c, u32 i)
{
	return an_reject(c, i, -EOPNOTSUPP, "unsupported opcode ",
			 c->insns[i].code, AN_NUM_HEX, NULL);
}

/* ---- abstract values ----------------------------------------------------- */

static u64 an_min(u64 a, u64 b)
{
	return a < b ? a : b;
}

static u64 an_max(u64 a, u64 b)
{
	return a > b ? a : b;
}

/* Smallest 2^k - 1 that is >= @v. */
static u64 an_smear(u64 v)
{
	v |= v >> 1;
	v |= v >> 2;
	v |= v >> 4;
	v |= v >> 8;
	v |= v >> 16;
	v |= v >> 32;
	return v;
}

static u32 an_round_up(u32 v, u32 align)
{
	return (v + align - 1) / align * align;
}

static u64 an_size_max(u32 bytes)
{
	return bytes >= 8 ? AN_U64_MAX : (1ULL << (bytes * 8)) - 1;
}

static u32 an_bytes(u8 code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B:
		return 1;
	case BPF_H:
		return 2;
	case BPF_W:
		return 4;
	default:
		return 8;
	}
}

static bool an_is_ptr(u8 type)
{
	return type >= BN_REG_CTX && type <= BN_REG_MAP_PTR;
}

static bool an_is_map_value(u8 type)
{
	return type == BN_REG_MAP_VALUE || type == BN_REG_MAP_VALUE_OR_NULL;
}

static bool an_is_null(const struct an_reg *r)
{
	return r->type == BN_REG_SCALAR && (r->flags & BN_RI_CONST) &&
	       !r->value;
}

static void an_reg_clear(struct an_reg *r, u8 type)
{
	struct an_reg z = { .type = type };

	*r = z;
}

/* Make a scalar canonical: derive const/umax/vset/HI_ZERO from each other. */
static void an_scalar_norm(struct an_reg *r)
{
	if (!(r->flags & BN_RI_CONST) && r->vset) {
		r->umax = an_min(r->umax, 63 - __builtin_clzll(r->vset));
		if (r->umax < 8)
			r->vset &= (2u << r->umax) - 1;
		if (r->vset && !(r->vset & (r->vset - 1))) {
			r->flags |= BN_RI_CONST;
			r->value = __builtin_ctz(r->vset);
		}
	}
	if (!(r->flags & BN_RI_CONST) && !r->umax) {
		r->flags |= BN_RI_CONST;
		r->value = 0;
	}
	if (r->flags & BN_RI_CONST) {
		r->umax = r->value;
		r->vset = r->value < 8 ? 1u << r->value : 0;
	} else {
		r->value = 0;
	}
	r->flags &= BN_RI_CONST;
	if (r->umax <= AN_U32_MAX)
		r->flags |= BN_RI_HI_ZERO;
}

static void an_mk_scalar(struct an_reg *r, u64 umax)
{
	an_reg_clear(r, BN_REG_SCALAR);
	r->umax = umax;
	an_scalar_norm(r);
}

static void an_mk_const(struct an_reg *r, u64 value)
{
	an_reg_clear(r, BN_REG_SCALAR);
	r->flags = BN_RI_CONST;
	r->value = value;
	an_scalar_norm(r);
}

static void an_mk_ptr(struct an_reg *r, u8 type, s32 off)
{
	an_reg_clear(r, type);
	r->flags = BN_RI_OFF_CONST;
	r->off = off;
	if (type == BN_REG_STACK)
		r->lo = off;
}

static bool an_reg_eq(const struct an_reg *a, const struct an_reg *b)
{
	return a->type == b->type && a->flags == b->flags &&
	       a->frame == b->frame && a->vset == b->vset &&
	       a->map_index == b->map_index && a->id == b->id &&
	       a->off == b->off && a->lo == b->lo &&
	       a->value == b->value && a->umax == b->umax;
}

static void an_join_scalar(struct an_reg *d, const struct an_reg *s)
{
	if (!(s->flags & BN_RI_CONST) || d->value != s->value)
		d->flags &= ~BN_RI_CONST;
	d->vset = d->vset && s->vset ? d->vset | s->vset : 0;
	/* widening: a growing bound jumps to the next 2^k - 1 */
	if (d->umax != s->umax)
		d->umax = an_smear(an_max(d->umax, s->umax));
	an_scalar_norm(d);
}

static void an_join_ptr(struct an_reg *d, const struct an_reg *s)
{
	if (!(s->flags & BN_RI_OFF_CONST) || d->off != s->off) {
		d->flags &= ~BN_RI_OFF_CONST;
		d->off = 0;
	}
	if (d->map_index != s->map_index)
		d->map_index = BN_ANALYZE_MAP_ANY;
	if (d->id != s->id)
		d->id = 0;
	if (d->type != BN_REG_STACK)
		return;
	if (d->frame != s->frame)
		d->frame = AN_FR_ANY;
	if (d->lo != s->lo) {
		d->lo = d->lo < s->lo ? d->lo : s->lo;
		if (d->lo < -AN_STACK_MAX)
			d->lo = AN_LO_NONE;
	}
}

/*
 * Join of two different kinds: a never-written slot adds nothing to a
 * pointer (reading it as one is impossible) but makes a scalar unknown; a
 * map value joined with NULL is a map value or NULL; the rest conflict.
 */
static void an_join_kinds(struct an_reg *d, const struct an_reg *s)
{
	const struct an_reg *g = d->type == AN_T_GARBAGE ? d : s;
	const struct an_reg *o = g == d ? s : d;
	struct an_reg t = *o;

	if (g->type == AN_T_GARBAGE && an_is_ptr(o->type)) {
		*d = t;
	} else if (g->type == AN_T_GARBAGE && o->type == BN_REG_SCALAR) {
		an_mk_scalar(d, AN_U64_MAX);
	} else if ((an_is_map_value(d->type) || an_is_null(d)) &&
		   (an_is_map_value(s->type) || an_is_null(s))) {
		t = an_is_map_value(d->type) ? *d : *s;
		if (an_is_map_value(d->type) && an_is_map_value(s->type))
			an_join_ptr(&t, s);
		t.type = BN_REG_MAP_VALUE_OR_NULL;
		t.id = 0;
		*d = t;
	} else {
		an_reg_clear(d, AN_T_MIXED);
	}
}

/* @d = @d joined with @s. */
static void an_join_reg(struct an_reg *d, const struct an_reg *s)
{
	if (s->type == AN_T_NONE)
		return;
	if (d->type == AN_T_NONE)
		*d = *s;
	else if (d->type != s->type)
		an_join_kinds(d, s);
	else if (d->type == BN_REG_SCALAR)
		an_join_scalar(d, s);
	else if (an_is_ptr(d->type))
		an_join_ptr(d, s);
}

static bool an_join_into(struct an_reg *d, const struct an_reg *s)
{
	struct an_reg t = *d;

	an_join_reg(&t, s);
	if (an_reg_eq(&t, d))
		return false;
	*d = t;
	return true;
}

static bool an_join_state(struct an_state *d, const struct an_state *s)
{
	bool changed = false;
	u32 i;

	for (i = 0; i < MAX_BPF_REG; i++)
		changed |= an_join_into(&d->regs[i], &s->regs[i]);
	for (i = 0; i < AN_SLOTS; i++)
		changed |= an_join_into(&d->slots[i], &s->slots[i]);
	return changed;
}

/* Caller's view of a value -> the callee's view. */
static void an_lift_in(struct an_reg *r)
{
	if (r->type == BN_REG_STACK)
		r->frame = AN_FR_CALLER;
	r->id = 0;
}

/* A value a callee stores into a caller frame, in the callee's terms. */
static void an_lift_store(struct an_reg *r)
{
	if (r->type == BN_REG_STACK && r->frame != AN_FR_CALLER)
		an_reg_clear(r, AN_T_MIXED);
	r->id = 0;
}

/* A value stored by a callee into caller frames, in the caller's terms. */
static void an_lift_out(struct an_reg *r)
{
	if (r->type == BN_REG_STACK)
		r->frame = AN_FR_ANY;
	r->id = 0;
}

/* R0 at a callee's exit, in the caller's terms. */
static void an_lift_ret(struct an_reg *r)
{
	if (r->type == BN_REG_STACK)
		an_reg_clear(r, AN_T_MIXED);
	else if (r->type == AN_T_NONE)
		an_mk_scalar(r, AN_U64_MAX);
	r->id = 0;
}

static void an_state_init(struct an_state *st)
{
	u32 i;

	for (i = 0; i < MAX_BPF_REG; i++)
		an_reg_clear(&st->regs[i], AN_T_NONE);
	for (i = 0; i < AN_SLOTS; i++)
		an_reg_clear(&st->slots[i], AN_T_GARBAGE);
	an_mk_ptr(&st->regs[BPF_REG_10], BN_REG_STACK, 0);
}

static void an_export(struct bn_reg_info *o, const struct an_reg *r)
{
	struct bn_reg_info z = { .umax = AN_U64_MAX };

	*o = z;
	if (r->type == BN_REG_SCALAR) {
		o->type = r->type;
		o->flags = r->flags & (BN_RI_CONST | BN_RI_HI_ZERO);
		o->value = r->value;
		o->umax = r->umax;
	} else if (an_is_ptr(r->type)) {
		o->type = r->type;
		if ((r->flags & BN_RI_OFF_CONST) &&
		    (r->type != BN_REG_STACK || r->frame == AN_FR_OWN)) {
			o->flags = BN_RI_OFF_CONST;
			o->off = r->off;
		}
		o->map_index = r->map_index;
	}
}

/* ---- structure ----------------------------------------------------------- */

static bool an_is_ldimm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static bool an_is_pcall(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) &&
	       insn->src_reg == BPF_PSEUDO_CALL;
}

static bool an_is_hcall(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) && !insn->src_reg;
}

static bool an_is_jmp_class(u8 code)
{
	return BPF_CLASS(code) == BPF_JMP || BPF_CLASS(code) == BPF_JMP32;
}

static bool an_is_cond_jmp(u8 code)
{
	u8 op = BPF_OP(code);

	return an_is_jmp_class(code) && op != BPF_JA && op != BPF_CALL &&
	       op != BPF_EXIT;
}

static const struct an_helper *an_helper(s32 id)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(an_helpers); i++)
		if (an_helpers[i].id == id)
			return &an_helpers[i];
	return NULL;
}

static bool an_target_ok(const struct an_ctx *c, s64 t)
{
	return t >= 0 && t < c->len && !(c->iflags[t] & AN_I_HALF);
}

static s64 an_call_target(u32 i, const struct bpf_insn *insn)
{
	return (s64)i + 1 + insn->imm;
}

static s64 an_jmp_target(u32 i, const struct bpf_insn *insn)
{
	return (s64)i + 1 + insn->off;
}

static void an_mark_halves(struct an_ctx *c)
{
	u32 i;

	for (i = 0; i + 1 < c->len; i++)
		if (an_is_ldimm64(&c->insns[i]))
			c->iflags[++i] |= AN_I_HALF;
}

/* Mark subprogram starts (valid pseudo-call targets); returns how many. */
static u32 an_mark_subprogs(struct an_ctx *c)
{
	u32 i, n = 0;
	s64 t;

	c->iflags[0] |= AN_I_SUB;
	for (i = 0; i < c->len; i++) {
		t = an_call_target(i, &c->insns[i]);
		if (!(c->iflags[i] & AN_I_HALF) &&
		    an_is_pcall(&c->insns[i]) && an_target_ok(c, t))
			c->iflags[t] |= AN_I_SUB;
	}
	for (i = 0; i < c->len; i++)
		n += !!(c->iflags[i] & AN_I_SUB);
	return n;
}

static void an_assign_subprogs(struct an_ctx *c)
{
	u32 i, s = 0;

	c->subs[0].start = 0;
	for (i = 0; i < c->len; i++) {
		if (i && (c->iflags[i] & AN_I_SUB)) {
			c->subs[s].end = i;
			c->subs[++s].start = i;
		}
		c->meta[i].subprog = s;
	}
	c->subs[s].end = c->len;
}

static int an_check_map(const struct an_ctx *c, u32 i)
{
	u32 idx = c->insns[i].imm, type;

	if (idx >= c->nmaps || c->insns[i + 1].imm)
		return an_invalid(c, i);
	type = le32_to_cpu(c->maps[idx].type);
	/* a PERF_EVENT_ARRAY stays in the host: only perf_event_output names it */
	if (type != BPF_MAP_TYPE_ARRAY && type != BPF_MAP_TYPE_HASH &&
	    type != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		return an_reject(c, i, -EOPNOTSUPP, "map type ", type,
				 AN_NUM_DEC, " is not supported by the device");
	return 0;
}

static int an_check_ld(const struct an_ctx *c, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];

	if (!an_is_ldimm64(insn))
		return an_unsupported(c, i);
	if (i + 1 >= c->len || insn->off || insn->dst_reg == BPF_REG_10 ||
	    insn[1].code || insn[1].dst_reg || insn[1].src_reg || insn[1].off)
		return an_invalid(c, i);
	switch (insn->src_reg) {
	case 0:
		return 0;
	case BPF_PSEUDO_MAP_IDX:
		return an_check_map(c, i);
	case BPF_PSEUDO_MAP_VALUE:
	case BPF_PSEUDO_MAP_IDX_VALUE:
		return an_reject(c, i, -EOPNOTSUPP,
				 "direct map value access (global data: .data, .rodata, .bss) is not supported by the device",
				 0, AN_NUM_NONE, NULL);
	case BPF_PSEUDO_BTF_ID:
		return an_reject(c, i, -EOPNOTSUPP,
				 "kernel variable (ksym) addresses are not supported by the device",
				 0, AN_NUM_NONE, NULL);
	case BPF_PSEUDO_FUNC:
		return an_reject(c, i, -EOPNOTSUPP,
				 "function pointers (callbacks) are not supported by the device",
				 0, AN_NUM_NONE, NULL);
	case BPF_PSEUDO_MAP_FD:	/* the loader passes map indices, never fds */
		return an_unsupported(c, i);
	default:
		return an_invalid(c, i);
	}
}

static int an_check_mem(const struct an_ctx *c, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];
	u8 cls = BPF_CLASS(insn->code), mode = BPF_MODE(insn->code);

	if (cls == BPF_STX && mode == BPF_ATOMIC) {
		if (insn->imm != BPF_ADD ||
		    (BPF_SIZE(insn->code) != BPF_W &&
		     BPF_SIZE(insn->code) != BPF_DW))
			return an_unsupported(c, i);
		return 0;
	}
	if (mode != BPF_MEM)
		return an_unsupported(c, i);
	if (cls == BPF_LDX && (insn->dst_reg == BPF_REG_10 || insn->imm))
		return an_invalid(c, i);
	if ((cls == BPF_ST && insn->src_reg) || (cls == BPF_STX && insn->imm))
		return an_invalid(c, i);
	return 0;
}

static bool an_is_shift(u8 op)
{
	return op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH;
}

static int an_check_alu(const struct an_ctx *c, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];
	u8 op = BPF_OP(insn->code);
	bool x = BPF_SRC(insn->code) == BPF_X;
	u32 bits = BPF_CLASS(insn->code) == BPF_ALU64 ? 64 : 32;

	/* off != 0 selects the cpu v4 forms (sdiv, smod, movsx) */
	if (op > BPF_END || (op == BPF_END && bits == 64) || insn->off)
		return an_unsupported(c, i);
	if (insn->dst_reg == BPF_REG_10)
		return an_invalid(c, i);
	if (op == BPF_END && insn->src_reg)
		return an_invalid(c, i);
	if (op == BPF_END)
		return insn->imm != 16 && insn->imm != 32 && insn->imm != 64 ?
		       an_reject(c, i, -EINVAL, "byte swap width ", insn->imm, AN_NUM_DEC,
				 " is not 16, 32 or 64") : 0;
	if (op == BPF_NEG)
		return x || insn->src_reg || insn->imm ? an_invalid(c, i) : 0;
	if (x ? insn->imm != 0 : insn->src_reg != 0)
		return an_invalid(c, i);
	if (!x && (op == BPF_DIV || op == BPF_MOD) && !insn->imm)
		return an_invalid(c, i);
	if (!x && an_is_shift(op) && (u32)insn->imm >= bits)
		return an_invalid(c, i);
	return 0;
}

static int an_check_helper(const struct an_ctx *c, u32 i)
{
	s32 id = c->insns[i].imm;
	const struct an_helper *h = an_helper(id);

	if (id == BPF_FUNC_tail_call)
		return an_reject(c, i, -EOPNOTSUPP,
				 "tail calls are not supported by the device",
				 0, AN_NUM_NONE, NULL);
	if (!h || (h->xdp_only && c->prog_type != BN_PROG_XDP))
		return an_reject(c, i, -EOPNOTSUPP, "helper ", id, AN_NUM_DEC,
				 " is not supported by the device");
	return 0;
}

static int an_check_call(const struct an_ctx *c, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];

	if (BPF_SRC(insn->code) != BPF_K ||
	    (insn->src_reg && insn->src_reg != BPF_PSEUDO_CALL))
		return an_unsupported(c, i);
	if (insn->dst_reg || insn->off)
		return an_invalid(c, i);
	if (insn->src_reg == BPF_PSEUDO_CALL)
		return an_target_ok(c, an_call_target(i, insn)) ? 0 :
		       an_invalid(c, i);
	return an_check_helper(c, i);
}

static int an_check_jmp(const struct an_ctx *c, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];
	const struct an_sub *s = &c->subs[c->meta[i].subprog];
	u8 op = BPF_OP(insn->code);
	bool x = BPF_SRC(insn->code) == BPF_X;
	s64 t = an_jmp_target(i, insn);

	if (op > BPF_JSLE || (BPF_CLASS(insn->code) == BPF_JMP32 &&
			      !an_is_cond_jmp(insn->code)))
		return an_unsupported(c, i);
	if (op == BPF_CALL)
		return an_check_call(c, i);
	if ((op == BPF_JA || op == BPF_EXIT) && x)
		return an_unsupported(c, i);
	if (op == BPF_EXIT)
		return insn->dst_reg || insn->src_reg || insn->off ||
		       insn->imm ? an_invalid(c, i) : 0;
	if (op == BPF_JA && (insn->dst_reg || insn->src_reg || insn->imm))
		return an_invalid(c, i);
	if (x ? insn->imm != 0 : insn->src_reg != 0)
		return an_invalid(c, i);
	if (t < s->start || t >= s->end || !an_target_ok(c, t))
		return an_invalid(c, i);
	return 0;
}

static int an_check_insn(const struct an_ctx *c, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];

	if (insn->dst_reg >= MAX_BPF_REG || insn->src_reg >= MAX_BPF_REG)
		return an_invalid(c, i);
	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		return an_check_alu(c, i);
	case BPF_JMP:
	case BPF_JMP32:
		return an_check_jmp(c, i);
	case BPF_LD:
		return an_check_ld(c, i);
	default:
		return an_check_mem(c, i);
	}
}

/* The last instruction of a subprogram must not fall through. */
static int an_check_end(const struct an_ctx *c, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];
	u32 next = i + (an_is_ldimm64(insn) ? 2 : 1);

	if (next != c->subs[c->meta[i].subprog].end)
		return 0;
	if (insn->code == (BPF_JMP | BPF_EXIT) ||
	    insn->code == (BPF_JMP | BPF_JA))
		return 0;
	return an_invalid(c, i);
}

/**
 * an_check_structure() - per-instruction checks, in program order
 * @c: analyzer, subprograms assigned
 *
 * Return: 0, or the errno of the first rejected instruction.
 */
static int an_check_structure(const struct an_ctx *c)
{
	u32 i;
	int err;

	for (i = 0; i < c->len; i++) {
		if (c->iflags[i] & AN_I_HALF)
			continue;
		err = an_check_insn(c, i);
		if (!err)
			err = an_check_end(c, i);
		if (err)
			return err;
	}
	return 0;
}

/* ---- control flow -------------------------------------------------------- */

static void an_mark_leaders(struct an_ctx *c)
{
	const struct bpf_insn *insn;
	u32 i;
	u8 op;

	for (i = 0; i < c->len; i++) {
		insn = &c->insns[i];
		op = BPF_OP(insn->code);
		if (c->iflags[i] & AN_I_HALF)
			continue;
		if (c->iflags[i] & AN_I_SUB)
			c->iflags[i] |= AN_I_LEADER;
		if (!an_is_jmp_class(insn->code) || an_is_hcall(insn))
			continue;
		if (op != BPF_CALL && op != BPF_EXIT)
			c->iflags[an_jmp_target(i, insn)] |=
				AN_I_JDST | AN_I_LEADER;
		if (i + 1 < c->len)
			c->iflags[i + 1] |= AN_I_LEADER;
	}
}

static int an_build_blocks(struct an_ctx *c)
{
	const struct bn_jit_env *env = c->env;
	u32 i, b = 0;

	an_mark_leaders(c);
	for (i = 0; i < c->len; i++)
		c->nblks += !!(c->iflags[i] & AN_I_LEADER);
	c->blks = env->alloc(env->priv, c->nblks * sizeof(*c->blks));
	c->bst = env->alloc(env->priv, c->nblks * sizeof(*c->bst));
	c->queue = env->alloc(env->priv, c->nblks * sizeof(*c->queue));
	if (!c->blks || !c->bst || !c->queue)
		return -ENOMEM;
	for (i = 0; i < c->len; i++) {
		if (c->iflags[i] & AN_I_LEADER) {
			if (i)
				c->blks[b++].end = i;
			c->blks[b].start = i;
			c->blks[b].sub = c->meta[i].subprog;
		}
		c->blk_of[i] = b;
	}
	c->blks[b].end = c->len;
	return 0;
}

/* Last real instruction of block @b (not an LD_IMM64 second half). */
static u32 an_last_insn(const struct an_ctx *c, u32 b)
{
	u32 i = c->blks[b].end - 1;

	return c->iflags[i] & AN_I_HALF ? i - 1 : i;
}

/* ---- forward transfer: ALU ----------------------------------------------- */

static u64 an_fold(u8 op, u64 a, u64 b, bool alu32)
{
	u32 sh = b & (alu32 ? 31 : 63);

	switch (op) {
	case BPF_ADD:
		return a + b;
	case BPF_SUB:
		return a - b;
	case BPF_MUL:
		return a * b;
	case BPF_DIV:
		return b ? a / b : 0;
	case BPF_MOD:
		return b ? a % b : a;
	case BPF_OR:
		return a | b;
	case BPF_AND:
		return a & b;
	case BPF_XOR:
		return a ^ b;
	case BPF_LSH:
		return a << sh;
	case BPF_RSH:
		return a >> sh;
	case BPF_ARSH:
		return alu32 ? (u32)((s32)a >> sh) : (u64)((s64)a >> sh);
	default:	/* BPF_NEG */
		return -a;
	}
}

/**
 * an_bound() - unsigned upper bound of a non-constant ALU result
 * @op: BPF_OP
 * @am: bound of the destination operand, at most @lim
 * @bm: bound of the source operand, at most @lim
 * @bc: the source is the constant @bv
 * @bv: source value when @bc
 * @lim: U32_MAX for ALU32, U64_MAX for ALU64
 */
static u64 an_bound(u8 op, u64 am, u64 bm, bool bc, u64 bv, u64 lim)
{
	u32 sh = bv & (lim == AN_U32_MAX ? 31 : 63);

	switch (op) {
	case BPF_ADD:
		return am > lim - bm ? lim : am + bm;
	case BPF_SUB:
		return bc && !bv ? am : lim;
	case BPF_MUL:
		return bm && am > lim / bm ? lim : am * bm;
	case BPF_DIV:
		return bc && bv ? am / bv : am;
	case BPF_MOD:
		return bc && bv ? an_min(am, bv - 1) : am;
	case BPF_OR:
	case BPF_XOR:
		return an_smear(am | bm);
	case BPF_AND:
		return an_min(am, bm);
	case BPF_LSH:
		return bc && am <= lim >> sh ? am << sh : lim;
	case BPF_RSH:
		return bc ? am >> sh : am;
	case BPF_ARSH:
		return am > lim >> 1 ? lim : bc ? am >> sh : am;
	default:
		return lim;
	}
}

/* @d = @a op @b on scalars; 32-bit ops use low halves and zero-extend. */
static void an_scalar_alu(struct an_reg *d, const struct an_reg *a,
			  const struct an_reg *b, u8 op, bool alu32)
{
	u64 lim = alu32 ? AN_U32_MAX : AN_U64_MAX;
	bool ac = a->flags & BN_RI_CONST, bc = b->flags & BN_RI_CONST;
	u64 av = a->value & lim, bv = b->value & lim;
	u64 am = an_min(a->umax, lim), bm = an_min(b->umax, lim);

	if (ac && bc)
		an_mk_const(d, an_fold(op, av, bv, alu32) & lim);
	else
		an_mk_scalar(d, an_min(an_bound(op, am, bm, bc, bv, lim), lim));
}

static u64 an_bswap(u64 v, u32 bits)
{
	u64 r = 0;
	u32 i;

	for (i = 0; i < bits; i += 8)
		r = (r << 8) | ((v >> i) & 0xff);
	return r;
}

static void an_endian(struct an_reg *dst, const struct bpf_insn *insn)
{
	u32 bits = insn->imm;
	bool be = BPF_SRC(insn->code) == BPF_TO_BE;
	u64 mask = an_size_max(bits / 8);

	if (dst->type != BN_REG_SCALAR)
		an_mk_scalar(dst, mask);
	else if (dst->flags & BN_RI_CONST)
		an_mk_const(dst, be ? an_bswap(dst->value, bits) :
				      dst->value & mask);
	else
		an_mk_scalar(dst, be ? mask : an_min(dst->umax, mask));
}

static bool an_ptr_arith_ok(u8 type)
{
	return type == BN_REG_CTX || type == BN_REG_PACKET ||
	       type == BN_REG_STACK || type == BN_REG_MAP_VALUE;
}

/* Stack lower bound after adding (@sign > 0) or subtracting a variable @s. */
static void an_stack_var(struct an_reg *p, const struct an_reg *s, int sign)
{
	if (p->type != BN_REG_STACK || p->lo == AN_LO_NONE)
		return;
	if (sign > 0 && s->umax <= AN_VAR_LIMIT)
		return;
	if (sign < 0 && s->umax <= AN_STACK_MAX && p->lo >= -AN_VAR_LIMIT)
		p->lo -= (s32)s->umax;
	else
		p->lo = AN_LO_NONE;
}

/* @p loses its exact offset (and its stack bound if @s is unbounded). */
static void an_ptr_var(struct an_reg *p, const struct an_reg *s, int sign)
{
	p->flags &= ~BN_RI_OFF_CONST;
	p->off = 0;
	if (s)
		an_stack_var(p, s, sign);
	else if (p->type == BN_REG_STACK)
		p->lo = AN_LO_NONE;
}

/* Pointer @p plus (@sign > 0) or minus the scalar @s. */
static void an_ptr_add(struct an_reg *p, const struct an_reg *s, int sign)
{
	bool cst = s->type == BN_REG_SCALAR && (s->flags & BN_RI_CONST);
	s64 d = (s64)s->value;

	if (p->type == AN_T_MIXED)
		return;
	if (!an_ptr_arith_ok(p->type)) {
		an_reg_clear(p, AN_T_MIXED);
		return;
	}
	p->id = 0;
	if (!cst) {
		an_ptr_var(p, s->type == BN_REG_SCALAR ? s : NULL, sign);
		return;
	}
	if (d < -AN_VAR_LIMIT || d > AN_VAR_LIMIT) {
		an_ptr_var(p, NULL, sign);
		return;
	}
	d *= sign;
	if ((p->flags & BN_RI_OFF_CONST) &&
	    (p->off + d < -AN_VAR_LIMIT || p->off + d > AN_VAR_LIMIT))
		an_ptr_var(p, NULL, sign);
	if (p->flags & BN_RI_OFF_CONST)
		p->off += d;
	if (p->type == BN_REG_STACK && p->lo != AN_LO_NONE)
		p->lo = p->lo + d < -AN_VAR_LIMIT ? AN_LO_NONE : p->lo + d;
}

/* ADD/SUB with a pointer operand; false if both operands are scalars. */
static bool an_ptr_arith(struct an_reg *dst, const struct an_reg *src, u8 op)
{
	bool dp = an_is_ptr(dst->type) || dst->type == AN_T_MIXED;
	bool sp = an_is_ptr(src->type) || src->type == AN_T_MIXED;
	struct an_reg s;

	if (!dp && !sp)
		return false;
	if (dp && sp) {
		if (op == BPF_SUB && dst->type == src->type &&
		    dst->type != AN_T_MIXED)
			an_mk_scalar(dst, AN_U64_MAX);
		else
			an_reg_clear(dst, AN_T_MIXED);
	} else if (sp && op == BPF_SUB) {
		an_mk_scalar(dst, AN_U64_MAX);
	} else if (sp) {
		s = *dst;
		*dst = *src;
		an_ptr_add(dst, &s, 1);
	} else {
		an_ptr_add(dst, src, op == BPF_ADD ? 1 : -1);
	}
	return true;
}

static void an_alu64(struct an_reg *dst, const struct an_reg *src, u8 op)
{
	if (op == BPF_MOV)
		*dst = *src;
	else if ((op == BPF_ADD || op == BPF_SUB) && an_ptr_arith(dst, src, op))
		return;
	else if (dst->type == BN_REG_SCALAR && src->type == BN_REG_SCALAR)
		an_scalar_alu(dst, dst, src, op, false);
	else
		an_mk_scalar(dst, AN_U64_MAX);
}

static void an_alu32(struct an_reg *dst, const struct an_reg *src, u8 op)
{
	if (op == BPF_MOV && src->type == BN_REG_SCALAR) {
		*dst = *src;
		dst->value &= AN_U32_MAX;
		dst->umax = an_min(dst->umax, AN_U32_MAX);
		an_scalar_norm(dst);
	} else if (op != BPF_MOV && dst->type == BN_REG_SCALAR &&
		   src->type == BN_REG_SCALAR) {
		an_scalar_alu(dst, dst, src, op, true);
	} else {
		an_mk_scalar(dst, AN_U32_MAX);
	}
}

static void an_alu(struct an_state *st, const struct bpf_insn *insn)
{
	bool is64 = BPF_CLASS(insn->code) == BPF_ALU64;
	struct an_reg *dst = &st->regs[insn->dst_reg];
	u8 op = BPF_OP(insn->code);
	struct an_reg src;

	if (op == BPF_END) {
		an_endian(dst, insn);
		return;
	}
	if (BPF_SRC(insn->code) == BPF_X)
		src = st->regs[insn->src_reg];
	else
		an_mk_const(&src, is64 ? (u64)(s64)insn->imm : (u32)insn->imm);
	if (is64)
		an_alu64(dst, &src, op);
	else
		an_alu32(dst, &src, op);
}

static void an_ld_imm64(struct an_state *st, const struct bpf_insn *insn)
{
	struct an_reg *dst = &st->regs[insn->dst_reg];

	if (insn->src_reg == BPF_PSEUDO_MAP_IDX) {
		an_mk_ptr(dst, BN_REG_MAP_PTR, 0);
		dst->map_index = insn->imm;
		return;
	}
	an_mk_const(dst, (u32)insn[0].imm | ((u64)(u32)insn[1].imm << 32));
}

/* ---- forward transfer: memory -------------------------------------------- */

static u8 an_ctx_field(u32 prog_type, s64 off)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(an_ctx_fields); i++)
		if (an_ctx_fields[i].prog_type == prog_type &&
		    an_ctx_fields[i].off == off)
			return an_ctx_fields[i].kind;
	return 0;
}

/* A load from the context: packet pointers for data/data_end/data_meta. */
static void an_ctx_load(const struct an_ctx *c, struct an_reg *v,
			const struct an_reg *base, s16 off, u32 sz)
{
	u8 kind = 0;

	if (base->flags & BN_RI_OFF_CONST)
		kind = an_ctx_field(c->prog_type, (s64)base->off + off);
	switch (kind) {
	case AN_CTX_DATA:
		an_mk_ptr(v, BN_REG_PACKET, 0);
		break;
	case AN_CTX_END:
		an_mk_ptr(v, BN_REG_PACKET_END, 0);
		break;
	case AN_CTX_META:	/* before data by an unknown amount */
		an_mk_ptr(v, BN_REG_PACKET, 0);
		an_ptr_var(v, NULL, 1);
		break;
	default:
		an_mk_scalar(v, an_size_max(sz));
	}
}

static bool an_in_frame(s64 abs, u32 sz)
{
	return abs >= -AN_STACK_MAX && abs + sz <= 0;
}

static u32 an_slot(s64 abs)
{
	return (abs + AN_STACK_MAX) / 8;
}

/* A load of @sz bytes at R10 + @abs of the current frame. */
static void an_slot_load(struct an_reg *v, const struct an_reg *slots,
			 s64 abs, u32 sz)
{
	const struct an_reg *s;
	u32 shift;

	an_mk_scalar(v, an_size_max(sz));
	if (!an_in_frame(abs, sz))
		return;
	s = &slots[an_slot(abs)];
	shift = (abs + AN_STACK_MAX) % 8;
	if (sz == 8 && !shift) {
		*v = *s;
		if (v->type == AN_T_GARBAGE || v->type == AN_T_NONE)
			an_mk_scalar(v, AN_U64_MAX);
	} else if (shift + sz <= 8 && s->type == BN_REG_SCALAR) {
		if (s->flags & BN_RI_CONST)
			an_mk_const(v, (s->value >> (shift * 8)) &
				       an_size_max(sz));
		else if (!shift)
			an_mk_scalar(v, an_min(s->umax, an_size_max(sz)));
	}
}

/* A store of @v (@sz bytes) at R10 + @abs of the current frame. */
static void an_slot_store(struct an_reg *slots, s64 abs, u32 sz,
			  const struct an_reg *v)
{
	u32 k;

	if (!an_in_frame(abs, sz))
		return;
	k = an_slot(abs);
	if (sz == 8 && !(abs % 8)) {
		slots[k] = *v;
		if (v->type == AN_T_NONE || v->type == AN_T_GARBAGE)
			an_mk_scalar(&slots[k], AN_U64_MAX);
		return;
	}
	for (; k <= an_slot(abs + sz - 1); k++)
		an_mk_scalar(&slots[k], AN_U64_MAX);
}

/* Slots [*k0, *k1] an access through a caller-frame pointer may touch. */
static bool an_anc_slots(const struct an_reg *base, s16 off, u32 sz,
			 u32 *k0, u32 *k1)
{
	s64 lo = -AN_STACK_MAX, hi = -1;

	if (base->flags & BN_RI_OFF_CONST) {
		lo = (s64)base->off + off;
		hi = lo + sz - 1;
	} else if (base->lo != AN_LO_NONE) {
		lo = (s64)base->lo + off;
	}
	lo = lo < -AN_STACK_MAX ? -AN_STACK_MAX : lo;
	hi = hi > -1 ? -1 : hi;
	if (lo > hi)
		return false;
	*k0 = an_slot(lo);
	*k1 = an_slot(hi);
	return true;
}

/* The access is exactly one aligned slot. */
static bool an_anc_exact(const struct an_reg *base, s16 off, u32 sz)
{
	s64 abs = (s64)base->off + off;

	return (base->flags & BN_RI_OFF_CONST) && sz == 8 &&
	       an_in_frame(abs, sz) && !(abs % 8);
}

/* A load through a pointer into a caller's frame (subprogram summary). */
static void an_anc_load(const struct an_ctx *c, u32 sub, struct an_reg *v,
			const struct an_reg *base, s16 off, u32 sz)
{
	const struct an_reg *anc = c->subs[sub].anc;
	u32 k0, k1;

	an_reg_clear(v, AN_T_NONE);
	if (sz == 8 && an_anc_slots(base, off, sz, &k0, &k1))
		for (; k0 <= k1; k0++)
			an_join_reg(v, &anc[k0]);
	if (v->type == AN_T_NONE || v->type == AN_T_GARBAGE ||
	    (v->type == BN_REG_SCALAR && !an_anc_exact(base, off, sz)))
		an_mk_scalar(v, an_size_max(sz));
}

/* A store through a pointer into a caller's frame: a weak update. */
static void an_anc_store(struct an_ctx *c, u32 sub, const struct an_reg *base,
			 s16 off, u32 sz, const struct an_reg *val)
{
	struct an_sub *s = &c->subs[sub];
	struct an_reg v = *val;
	u32 k0, k1;

	if (!an_anc_slots(base, off, sz, &k0, &k1))
		return;
	if (an_anc_exact(base, off, sz))
		an_lift_store(&v);
	else if (sz == 8 && v.type != BN_REG_SCALAR)
		an_reg_clear(&v, AN_T_MIXED);
	else
		an_mk_scalar(&v, AN_U64_MAX);
	for (; k0 <= k1; k0++) {
		c->sum_changed |= an_join_into(&s->wr[k0], &v);
		c->sum_changed |= an_join_into(&s->anc[k0], &v);
	}
}

static void an_ldx(struct an_ctx *c, struct an_state *st, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];
	const struct an_reg *base = &st->regs[insn->src_reg];
	u32 sz = an_bytes(insn->code);
	struct an_reg v;

	if (base->type == BN_REG_CTX)
		an_ctx_load(c, &v, base, insn->off, sz);
	else if (base->type != BN_REG_STACK)
		an_mk_scalar(&v, an_size_max(sz));
	else if (base->frame == AN_FR_CALLER)
		an_anc_load(c, c->meta[i].subprog, &v, base, insn->off, sz);
	else if (base->flags & BN_RI_OFF_CONST && base->frame == AN_FR_OWN)
		an_slot_load(&v, st->slots, (s64)base->off + insn->off, sz);
	else	/* rejected by an_check_stack() */
		an_reg_clear(&v, AN_T_MIXED);
	st->regs[insn->dst_reg] = v;
}

static void an_store(struct an_ctx *c, struct an_state *st, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];
	const struct an_reg *base = &st->regs[insn->dst_reg];
	u32 sz = an_bytes(insn->code);
	struct an_reg v;

	if (BPF_CLASS(insn->code) == BPF_ST)
		an_mk_const(&v, (u64)(s64)insn->imm);
	else if (BPF_MODE(insn->code) == BPF_ATOMIC)
		an_mk_scalar(&v, AN_U64_MAX);
	else
		v = st->regs[insn->src_reg];
	if (base->type != BN_REG_STACK)
		return;
	if (base->frame == AN_FR_CALLER)
		an_anc_store(c, c->meta[i].subprog, base, insn->off, sz, &v);
	else if (base->frame == AN_FR_OWN && (base->flags & BN_RI_OFF_CONST))
		an_slot_store(st->slots, (s64)base->off + insn->off, sz, &v);
	/* other stack stores are rejected by an_check_stack() */
}

/* ---- forward transfer: calls --------------------------------------------- */

static void an_each_reg(struct an_state *st,
			void (*fn)(struct an_reg *r, u32 arg), u32 arg)
{
	u32 i;

	for (i = 0; i < MAX_BPF_REG; i++)
		fn(&st->regs[i], arg);
	for (i = 0; i < AN_SLOTS; i++)
		fn(&st->slots[i], arg);
}

/* A new lookup result from insn @id - 1: older copies are not its copies. */
static void an_unlink(struct an_reg *r, u32 id)
{
	if (r->type == BN_REG_MAP_VALUE_OR_NULL && r->id == id)
		r->id = 0;
}

/* Helpers that move packet data invalidate packet pointers. */
static void an_forget_packet(struct an_reg *r, u32 unused)
{
	if (r->type == BN_REG_PACKET || r->type == BN_REG_PACKET_END)
		an_mk_scalar(r, AN_U64_MAX);
}

static void an_helper_call(struct an_state *st, u32 i, s32 id)
{
	const struct an_reg *map = &st->regs[BPF_REG_1];
	struct an_reg r0;
	u32 r;

	an_mk_scalar(&r0, AN_U64_MAX);
	if (id == BPF_FUNC_map_lookup_elem) {
		an_mk_ptr(&r0, BN_REG_MAP_VALUE_OR_NULL, 0);
		r0.map_index = map->type == BN_REG_MAP_PTR ? map->map_index :
			       BN_ANALYZE_MAP_ANY;
		r0.id = i + 1;
		an_each_reg(st, an_unlink, r0.id);
	}
	if (id == BPF_FUNC_xdp_adjust_head || id == BPF_FUNC_xdp_adjust_tail)
		an_each_reg(st, an_forget_packet, 0);
	st->regs[BPF_REG_0] = r0;
	for (r = BPF_REG_1; r <= BPF_REG_5; r++)
		an_reg_clear(&st->regs[r], AN_T_NONE);
}

/* ---- forward transfer: conditional jumps --------------------------------- */

/* One comparison operand as the jump sees it (low half for JMP32). */
struct an_view {
	bool cst;
	u64 val, umax;
	u8 vset;
};

static bool an_view_reg(struct an_view *v, const struct an_reg *r, bool j32)
{
	if (r->type != BN_REG_SCALAR)
		return false;
	v->cst = r->flags & BN_RI_CONST;
	v->val = j32 ? (u32)r->value : r->value;
	v->umax = j32 ? an_min(r->umax, AN_U32_MAX) : r->umax;
	v->vset = r->vset;
	return true;
}

static bool an_view_src(struct an_view *v, const struct an_state *st,
			const struct bpf_insn *insn, bool j32)
{
	if (BPF_SRC(insn->code) == BPF_X)
		return an_view_reg(v, &st->regs[insn->src_reg], j32);
	v->cst = true;
	v->val = j32 ? (u32)insn->imm : (u64)(s64)insn->imm;
	v->umax = v->val;
	v->vset = v->val < 8 ? 1u << v->val : 0;
	return true;
}

/* a op b == b swap(op) a */
static u8 an_swap(u8 op)
{
	switch (op) {
	case BPF_JGT: return BPF_JLT;
	case BPF_JLT: return BPF_JGT;
	case BPF_JGE: return BPF_JLE;
	case BPF_JLE: return BPF_JGE;
	case BPF_JSGT: return BPF_JSLT;
	case BPF_JSLT: return BPF_JSGT;
	case BPF_JSGE: return BPF_JSLE;
	case BPF_JSLE: return BPF_JSGE;
	default: return op;
	}
}

/* !(a op b) == a negate(op) b; 0 when not expressible (JSET) */
static u8 an_negate(u8 op)
{
	switch (op) {
	case BPF_JEQ: return BPF_JNE;
	case BPF_JNE: return BPF_JEQ;
	case BPF_JGT: return BPF_JLE;
	case BPF_JLE: return BPF_JGT;
	case BPF_JGE: return BPF_JLT;
	case BPF_JLT: return BPF_JGE;
	case BPF_JSGT: return BPF_JSLE;
	case BPF_JSLE: return BPF_JSGT;
	case BPF_JSGE: return BPF_JSLT;
	case BPF_JSLT: return BPF_JSGE;
	default: return 0;
	}
}

/* Signed compares of two values known non-negative are unsigned ones. */
static u8 an_unsign(u8 op, u64 a_umax, u64 b_umax, bool j32)
{
	u64 smax = j32 ? AN_S32_MAX : AN_S64_MAX;

	if (a_umax > smax || b_umax > smax)
		return op;
	switch (op) {
	case BPF_JSGT: return BPF_JGT;
	case BPF_JSGE: return BPF_JGE;
	case BPF_JSLT: return BPF_JLT;
	case BPF_JSLE: return BPF_JLE;
	default: return op;
	}
}

static int an_cmp_const(u8 op, u64 a, u64 b, bool j32)
{
	s64 sa = j32 ? (s32)a : (s64)a, sb = j32 ? (s32)b : (s64)b;

	switch (op) {
	case BPF_JEQ: return a == b;
	case BPF_JNE: return a != b;
	case BPF_JGT: return a > b;
	case BPF_JGE: return a >= b;
	case BPF_JLT: return a < b;
	case BPF_JLE: return a <= b;
	case BPF_JSGT: return sa > sb;
	case BPF_JSGE: return sa >= sb;
	case BPF_JSLT: return sa < sb;
	case BPF_JSLE: return sa <= sb;
	case BPF_JSET: return !!(a & b);
	default: return -1;
	}
}

/* Outcome of (a op k) for a variable a: 1 always, 0 never, -1 unknown. */
static int an_cmp_range(u8 op, const struct an_view *a, u64 k)
{
	bool ne = k > a->umax ||
		  (a->vset && (k >= 8 || !(a->vset & (1u << k))));

	switch (op) {
	case BPF_JEQ:
		return ne ? 0 : -1;
	case BPF_JNE:
		return ne ? 1 : -1;
	case BPF_JGT:
		return a->umax <= k ? 0 : -1;
	case BPF_JGE:
		return !k ? 1 : a->umax < k ? 0 : -1;
	case BPF_JLT:
		return !k ? 0 : a->umax < k ? 1 : -1;
	case BPF_JLE:
		return a->umax <= k ? 1 : -1;
	case BPF_JSET:
		return an_smear(a->umax) & k ? -1 : 0;
	default:
		return -1;
	}
}

static bool an_non_null(u8 type)
{
	return an_is_ptr(type) && type != BN_REG_MAP_VALUE_OR_NULL;
}

/* Whether the jump at @insn is taken in @st: 1 always, 0 never, -1 either. */
static int an_eval(const struct an_state *st, const struct bpf_insn *insn)
{
	const struct an_reg *dst = &st->regs[insn->dst_reg];
	bool j32 = BPF_CLASS(insn->code) == BPF_JMP32;
	u8 op = BPF_OP(insn->code);
	struct an_view a, b;

	if (!j32 && BPF_SRC(insn->code) == BPF_K && !insn->imm &&
	    (op == BPF_JEQ || op == BPF_JNE) && an_non_null(dst->type))
		return op == BPF_JNE;
	if (!an_view_reg(&a, dst, j32) || !an_view_src(&b, st, insn, j32))
		return -1;
	op = an_unsign(op, a.umax, b.umax, j32);
	if (a.cst && b.cst)
		return an_cmp_const(op, a.val, b.val, j32);
	if (b.cst)
		return an_cmp_range(op, &a, b.val);
	if (a.cst)
		return an_cmp_range(an_swap(op), &b, a.val);
	return -1;
}

/* Narrow scalar @r knowing (r op b) holds. */
static void an_refine_reg(struct an_reg *r, u8 op, const struct an_view *b,
			  bool j32)
{
	if (r->type != BN_REG_SCALAR || (r->flags & BN_RI_CONST) ||
	    (j32 && r->umax > AN_U32_MAX))
		return;
	switch (an_unsign(op, r->umax, b->umax, j32)) {
	case BPF_JEQ:
		if (b->cst)
			an_mk_const(r, b->val);
		return;
	case BPF_JNE:
		if (b->cst && b->val < 8 && (r->vset & ~(1u << b->val)))
			r->vset &= ~(1u << b->val);
		if (b->cst && r->umax == b->val)
			r->umax--;
		break;
	case BPF_JLT:
		if (b->umax)
			r->umax = an_min(r->umax, b->umax - 1);
		break;
	case BPF_JLE:
		r->umax = an_min(r->umax, b->umax);
		break;
	default:
		return;
	}
	an_scalar_norm(r);
}

static void an_set_null(struct an_reg *r, bool null)
{
	if (null) {
		an_mk_const(r, 0);
	} else {
		r->type = BN_REG_MAP_VALUE;
		r->id = 0;
	}
}

/* After (dst == 0) / (dst != 0) on a map value or NULL: it and its copies. */
static bool an_null_check(struct an_state *st, const struct bpf_insn *insn,
			  u8 op)
{
	struct an_reg *r = &st->regs[insn->dst_reg];
	u32 id = r->id, i;

	if (BPF_CLASS(insn->code) != BPF_JMP ||
	    BPF_SRC(insn->code) != BPF_K || insn->imm ||
	    (op != BPF_JEQ && op != BPF_JNE) ||
	    r->type != BN_REG_MAP_VALUE_OR_NULL)
		return false;
	an_set_null(r, op == BPF_JEQ);
	if (!id)
		return true;
	for (i = 0; i < MAX_BPF_REG; i++)
		if (st->regs[i].type == BN_REG_MAP_VALUE_OR_NULL &&
		    st->regs[i].id == id)
			an_set_null(&st->regs[i], op == BPF_JEQ);
	for (i = 0; i < AN_SLOTS; i++)
		if (st->slots[i].type == BN_REG_MAP_VALUE_OR_NULL &&
		    st->slots[i].id == id)
			an_set_null(&st->slots[i], op == BPF_JEQ);
	return true;
}

/* Refine @st for the edge of @insn where (dst op src) holds. */
static void an_refine(struct an_state *st, const struct bpf_insn *insn, u8 op)
{
	bool j32 = BPF_CLASS(insn->code) == BPF_JMP32;
	struct an_reg *dst = &st->regs[insn->dst_reg];
	struct an_view a, b;
	bool va, vb;

	if (!op || an_null_check(st, insn, op))
		return;
	va = an_view_reg(&a, dst, j32);
	vb = an_view_src(&b, st, insn, j32);
	if (vb)
		an_refine_reg(dst, op, &b, j32);
	if (va && BPF_SRC(insn->code) == BPF_X &&
	    insn->src_reg != insn->dst_reg)
		an_refine_reg(&st->regs[insn->src_reg], an_swap(op), &a, j32);
}

/* ---- fixed point --------------------------------------------------------- */

static void an_push(struct an_ctx *c, u32 b)
{
	if (c->blks[b].inq)
		return;
	c->blks[b].inq = 1;
	c->queue[(c->qhead + c->qlen++) % c->nblks] = b;
}

static bool an_pop(struct an_ctx *c, u32 *b)
{
	if (!c->qlen)
		return false;
	*b = c->queue[c->qhead];
	c->qhead = (c->qhead + 1) % c->nblks;
	c->qlen--;
	c->blks[*b].inq = 0;
	return true;
}

/* Join @st into the entry state of the block starting at insn @t. */
static void an_enter(struct an_ctx *c, u32 t, const struct an_state *st)
{
	u32 tb = c->blk_of[t];

	if (!an_join_state(&c->bst[tb], st) && c->blks[tb].reached)
		return;
	c->blks[tb].reached = 1;
	an_push(c, tb);
}

static void an_propagate(struct an_ctx *c, u32 b, u32 t,
			 const struct an_state *st, u8 succ)
{
	c->blks[b].succ |= succ;
	an_enter(c, t, st);
}

static void an_record(struct an_ctx *c, u32 i, const struct an_state *st)
{
	const struct bpf_insn *insn = &c->insns[i];
	struct an_rec *r = &c->rec[i];

	r->dst = st->regs[insn->dst_reg];
	r->src = st->regs[insn->src_reg];
	r->a2 = st->regs[BPF_REG_2];
	r->a3 = st->regs[BPF_REG_3];
}

static void an_step(struct an_ctx *c, struct an_state *st, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];

	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		an_alu(st, insn);
		break;
	case BPF_LD:
		an_ld_imm64(st, insn);
		break;
	case BPF_LDX:
		an_ldx(c, st, i);
		break;
	case BPF_ST:
	case BPF_STX:
		an_store(c, st, i);
		break;
	default:	/* helper call: the other jumps end blocks */
		an_helper_call(st, i, insn->imm);
	}
}

static void an_cond_jmp(struct an_ctx *c, u32 b, u32 i,
			const struct an_state *st)
{
	const struct bpf_insn *insn = &c->insns[i];
	int taken = an_eval(st, insn);
	u8 op = BPF_OP(insn->code);

	if (taken != 1) {
		c->edge = *st;
		an_refine(&c->edge, insn, an_negate(op));
		an_propagate(c, b, i + 1, &c->edge, AN_S_FALL);
	}
	if (taken != 0) {
		c->edge = *st;
		an_refine(&c->edge, insn, op);
		an_propagate(c, b, an_jmp_target(i, insn), &c->edge, AN_S_JUMP);
	}
}

static void an_exit(struct an_ctx *c, u32 b, const struct an_state *st)
{
	struct an_reg r0 = st->regs[BPF_REG_0];
	u32 s = c->blks[b].sub;

	if (!s)
		return;
	an_lift_ret(&r0);
	c->sum_changed |= an_join_into(&c->subs[s].ret, &r0);
}

/* Callee entry: arguments flow in; its view of caller frames grows. */
static void an_call_entry(struct an_ctx *c, const struct an_state *st,
			  u32 caller, u32 callee)
{
	struct an_sub *s = &c->subs[callee], *p = &c->subs[caller];
	struct an_state *e = &c->edge;
	struct an_reg v;
	u32 r, k;

	an_state_init(e);
	for (r = BPF_REG_1; r <= BPF_REG_5; r++) {
		e->regs[r] = st->regs[r];
		an_lift_in(&e->regs[r]);
	}
	an_enter(c, s->start, e);
	for (k = 0; k < AN_SLOTS; k++) {
		v = st->slots[k];
		an_lift_in(&v);
		c->sum_changed |= an_join_into(&s->anc[k], &v);
		v = p->anc[k];
		an_lift_in(&v);
		c->sum_changed |= an_join_into(&s->anc[k], &v);
	}
}

/* Back in the caller: R0 from the callee, slots it may have written. */
static void an_call_return(struct an_ctx *c, struct an_state *st,
			   u32 caller, u32 callee)
{
	struct an_sub *s = &c->subs[callee], *p = &c->subs[caller];
	struct an_reg v;
	u32 r, k;

	st->regs[BPF_REG_0] = s->ret;
	for (r = BPF_REG_1; r <= BPF_REG_5; r++)
		an_reg_clear(&st->regs[r], AN_T_NONE);
	for (k = 0; k < AN_SLOTS; k++) {
		if (s->wr[k].type == AN_T_NONE)
			continue;
		v = s->wr[k];
		an_lift_out(&v);
		an_join_reg(&st->slots[k], &v);
		if (!caller)
			continue;
		c->sum_changed |= an_join_into(&p->wr[k], &v);
		c->sum_changed |= an_join_into(&p->anc[k], &v);
	}
}

static void an_pcall(struct an_ctx *c, u32 b, u32 i, struct an_state *st)
{
	u32 callee = c->meta[an_call_target(i, &c->insns[i])].subprog;
	u32 caller = c->blks[b].sub;

	an_call_entry(c, st, caller, callee);
	if (c->subs[callee].ret.type == AN_T_NONE)
		return;		/* no return reached yet */
	an_call_return(c, st, caller, callee);
	an_propagate(c, b, i + 1, st, AN_S_FALL);
}

/* The block's last instruction: hand the state to its successors. */
static void an_finish(struct an_ctx *c, u32 b, u32 i, struct an_state *st)
{
	const struct bpf_insn *insn = &c->insns[i];

	if (insn->code == (BPF_JMP | BPF_EXIT)) {
		an_exit(c, b, st);
	} else if (an_is_pcall(insn)) {
		an_pcall(c, b, i, st);
	} else if (insn->code == (BPF_JMP | BPF_JA)) {
		an_propagate(c, b, an_jmp_target(i, insn), st, AN_S_JUMP);
	} else if (an_is_cond_jmp(insn->code)) {
		an_cond_jmp(c, b, i, st);
	} else {
		an_step(c, st, i);
		an_propagate(c, b, c->blks[b].end, st, AN_S_FALL);
	}
}

static void an_process(struct an_ctx *c, u32 b)
{
	struct an_state *st = &c->cur;
	u32 i, last = an_last_insn(c, b);

	*st = c->bst[b];
	c->blks[b].succ = 0;
	for (i = c->blks[b].start; i < last; i++) {
		if (c->iflags[i] & AN_I_HALF)
			continue;
		an_record(c, i, st);
		an_step(c, st, i);
	}
	an_record(c, last, st);
	an_finish(c, b, last, st);
}

/**
 * an_fixpoint() - forward dataflow to a fixed point
 * @c: analyzer with blocks built
 *
 * Block entry states only grow (each is joined with what flows in), and
 * so do the subprogram summaries; both live in finite-height lattices.
 * When a summary grew during a round, every reached block is processed
 * again, so that in the last round every block saw the final summaries
 * and the per-instruction records are those of the fixed point.
 */
static void an_fixpoint(struct an_ctx *c)
{
	u32 b;

	an_state_init(&c->edge);
	an_mk_ptr(&c->edge.regs[BPF_REG_1], BN_REG_CTX, 0);
	an_enter(c, 0, &c->edge);
	for (;;) {
		c->sum_changed = false;
		while (an_pop(c, &b))
			an_process(c, b);
		if (!c->sum_changed)
			break;
		for (b = 0; b < c->nblks; b++)
			if (c->blks[b].reached)
				an_push(c, b);
	}
}

/* ---- checks on the fixed point ------------------------------------------- */

/**
 * an_check_stack() - a stack access through @base + @off, @sz bytes
 * @c: analyzer
 * @i: instruction
 * @base: base pointer state (type STACK)
 * @off: instruction offset
 * @sz: access size in bytes
 *
 * Own-frame accesses need a constant offset; accesses through a pointer
 * into a caller's frame need a lower bound, which counts towards the depth
 * of every caller (we do not know which frame it points into).
 */
static int an_check_stack(struct an_ctx *c, u32 i, const struct an_reg *base,
			  s16 off, u32 sz)
{
	struct an_sub *s = &c->subs[c->meta[i].subprog];
	bool own = base->frame == AN_FR_OWN;
	s64 lo;

	if (base->frame == AN_FR_ANY ||
	    (own && !(base->flags & BN_RI_OFF_CONST)) ||
	    (!own && base->lo == AN_LO_NONE))
		return an_reject(c, i, -EOPNOTSUPP,
				 "variable stack offset is not supported",
				 0, AN_NUM_NONE, NULL);
	lo = (s64)(own ? base->off : base->lo) + off;
	if (lo < -AN_STACK_MAX)
		return an_reject(c, i, -EOPNOTSUPP, "stack depth ",
				 an_round_up(lo < -AN_VAR_LIMIT ? AN_VAR_LIMIT :
					     -lo, 8),
				 AN_NUM_DEC, " exceeds 512 bytes");
	if (own && lo + sz > 0)
		return an_reject(c, i, -EINVAL,
				 "invalid stack access at offset ", lo,
				 AN_NUM_DEC, NULL);
	if (own)
		s->depth = an_max(s->depth, -lo);
	else
		s->anc_depth = an_max(s->anc_depth, -lo);
	return 0;
}

static int an_check_access(struct an_ctx *c, u32 i, u8 regno,
			   const struct an_reg *base)
{
	const struct bpf_insn *insn = &c->insns[i];

	switch (base->type) {
	case BN_REG_CTX:
	case BN_REG_PACKET:
	case BN_REG_MAP_VALUE:
		return 0;
	case BN_REG_STACK:
		return an_check_stack(c, i, base, insn->off,
				      an_bytes(insn->code));
	case AN_T_MIXED:
		return an_reject(c, i, -EOPNOTSUPP, "register r", regno,
				 AN_NUM_DEC,
				 " used with different pointer types");
	default:
		return an_reject(c, i, -EOPNOTSUPP,
				 "unsupported pointer type in r", regno,
				 AN_NUM_DEC, NULL);
	}
}

/*
 * bpf_perf_event_output(ctx, map, flags, data, size): the device sends the
 * event to the host, whose driver writes it into the perf ring of the CPU
 * that receives it; so the map must be a PERF_EVENT_ARRAY and flags the
 * constant BPF_F_CURRENT_CPU, with packet bytes to append in its upper half
 * (BPF_F_CTXLEN_MASK) as the kernel allows.
 */
static int an_check_perf_output(const struct an_ctx *c, u32 i)
{
	const struct an_rec *r = &c->rec[i];
	u64 flags = r->a3.value;

	if (r->a2.type != BN_REG_MAP_PTR || r->a2.map_index >= c->nmaps ||
	    le32_to_cpu(c->maps[r->a2.map_index].type) != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		return an_reject(c, i, -EOPNOTSUPP,
				 "perf_event_output: R2 must be one PERF_EVENT_ARRAY map",
				 0, AN_NUM_NONE, NULL);
	if (r->a3.type != BN_REG_SCALAR || !(r->a3.flags & BN_RI_CONST) ||
	    (flags & BPF_F_INDEX_MASK) != BPF_F_CURRENT_CPU ||
	    (flags & ~(BPF_F_INDEX_MASK | BPF_F_CTXLEN_MASK)))
		return an_reject(c, i, -EOPNOTSUPP,
				 "perf_event_output: flags must be the constant BPF_F_CURRENT_CPU (and packet bytes << 32)",
				 0, AN_NUM_NONE, NULL);
	return 0;
}

/* Map helpers read the key (R2) and the value (R3, update) from memory. */
static int an_check_helper_args(struct an_ctx *c, u32 i)
{
	const struct an_rec *r = &c->rec[i];
	s32 id = c->insns[i].imm;
	int err = 0;

	if (id == BPF_FUNC_perf_event_output)
		return an_check_perf_output(c, i);
	if (id != BPF_FUNC_map_lookup_elem && id != BPF_FUNC_map_update_elem &&
	    id != BPF_FUNC_map_delete_elem)
		return 0;
	if (r->a2.type == BN_REG_STACK)
		err = an_check_stack(c, i, &r->a2, 0, 1);
	if (!err && id == BPF_FUNC_map_update_elem &&
	    r->a3.type == BN_REG_STACK)
		err = an_check_stack(c, i, &r->a3, 0, 1);
	return err;
}

static int an_check_exit(const struct an_ctx *c, u32 i)
{
	const struct an_reg *r0 = &c->rec[i].dst;

	if (c->prog_type != BN_PROG_XDP || c->meta[i].subprog ||
	    r0->type != BN_REG_SCALAR || !(r0->vset & (1u << XDP_REDIRECT)))
		return 0;
	return an_reject(c, i, -EOPNOTSUPP,
			 "XDP_REDIRECT is not supported by the device",
			 0, AN_NUM_NONE, NULL);
}

static int an_check_one(struct an_ctx *c, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];
	const struct an_rec *r = &c->rec[i];

	switch (BPF_CLASS(insn->code)) {
	case BPF_LDX:
		return an_check_access(c, i, insn->src_reg, &r->src);
	case BPF_ST:
	case BPF_STX:
		return an_check_access(c, i, insn->dst_reg, &r->dst);
	case BPF_JMP:
		if (an_is_hcall(insn))
			return an_check_helper_args(c, i);
		if (insn->code == (BPF_JMP | BPF_EXIT))
			return an_check_exit(c, i);
		return 0;
	default:
		return 0;
	}
}

static bool an_reached(const struct an_ctx *c, u32 i)
{
	return c->blks[c->blk_of[i]].reached;
}

/* Checks that need the fixed point, in program order; computes depths. */
static int an_check_states(struct an_ctx *c)
{
	u32 i;
	int err;

	for (i = 0; i < c->len; i++) {
		if ((c->iflags[i] & AN_I_HALF) || !an_reached(c, i))
			continue;
		err = an_check_one(c, i);
		if (err)
			return err;
	}
	return 0;
}

/* ---- call graph ---------------------------------------------------------- */

static int an_collect_calls(struct an_ctx *c)
{
	const struct bn_jit_env *env = c->env;
	u32 i, n = 0;

	for (i = 0; i < c->len; i++)
		n += !(c->iflags[i] & AN_I_HALF) && an_is_pcall(&c->insns[i]);
	c->calls = env->alloc(env->priv, (n ? n : 1) * sizeof(*c->calls));
	if (!c->calls)
		return -ENOMEM;
	for (i = 0; i < c->len; i++) {
		if ((c->iflags[i] & AN_I_HALF) || !an_is_pcall(&c->insns[i]))
			continue;
		c->calls[c->ncalls].insn = i;
		c->calls[c->ncalls].from = c->meta[i].subprog;
		c->calls[c->ncalls++].to =
			c->meta[an_call_target(i, &c->insns[i])].subprog;
	}
	return 0;
}

static u32 an_frame_cost(const struct an_ctx *c, u32 s, bool bytes)
{
	u32 d = c->subs[s].depth;

	/* the kernel's rule: frames rounded to 32 bytes, at least 32 */
	return bytes ? an_round_up(d ? d : 1, 32) : 1;
}

/*
 * subs[s].chain = cost of the deepest call chain from s.  Longest paths
 * settle within nsubs rounds; a call still relaxing after that is on a
 * cycle: returns its instruction, else AN_NO_INSN.
 */
static u32 an_relax_chains(struct an_ctx *c, bool bytes)
{
	const struct an_call *e;
	u32 s, round, last = AN_NO_INSN, v;

	for (s = 0; s < c->nsubs; s++)
		c->subs[s].chain = an_frame_cost(c, s, bytes);
	for (round = 0; round <= c->nsubs; round++) {
		last = AN_NO_INSN;
		for (e = c->calls; e < c->calls + c->ncalls; e++) {
			v = an_frame_cost(c, e->from, bytes) +
			    c->subs[e->to].chain;
			if (v > c->subs[e->from].chain) {
				c->subs[e->from].chain = v;
				last = e->insn;
			}
		}
		if (last == AN_NO_INSN)
			break;
	}
	return last;
}

/* The call from the main program through which the chain exceeds @limit. */
static u32 an_chain_over(const struct an_ctx *c, bool bytes, u32 limit,
			 u32 *total)
{
	const struct an_call *e;

	for (e = c->calls; e < c->calls + c->ncalls; e++) {
		*total = an_frame_cost(c, 0, bytes) + c->subs[e->to].chain;
		if (!e->from && *total > limit)
			return e->insn;
	}
	return AN_NO_INSN;
}

static int an_check_calls(struct an_ctx *c)
{
	u32 i, n;

	i = an_relax_chains(c, false);
	if (i != AN_NO_INSN)
		return an_reject(c, i, -EOPNOTSUPP,
				 "recursive calls are not supported", 0,
				 AN_NUM_NONE, NULL);
	i = an_chain_over(c, false, AN_MAX_FRAMES, &n);
	if (i != AN_NO_INSN)
		return an_reject(c, i, -EOPNOTSUPP, "call stack of ", n,
				 AN_NUM_DEC, " frames is too deep");
	return 0;
}

/* Caller-frame accesses count towards every caller's depth. */
static void an_propagate_depth(struct an_ctx *c)
{
	const struct an_call *e;
	struct an_sub *from, *to;
	u32 round;

	for (round = 0; round < c->nsubs; round++) {
		for (e = c->calls; e < c->calls + c->ncalls; e++) {
			from = &c->subs[e->from];
			to = &c->subs[e->to];
			from->depth = an_max(from->depth, to->anc_depth);
			from->anc_depth = an_max(from->anc_depth,
						 to->anc_depth);
		}
	}
}

static int an_check_depth(struct an_ctx *c)
{
	u32 i, total;

	an_propagate_depth(c);
	an_relax_chains(c, true);
	i = an_chain_over(c, true, AN_STACK_MAX, &total);
	if (i != AN_NO_INSN)
		return an_reject(c, i, -EOPNOTSUPP, "stack depth ", total,
				 AN_NUM_DEC, " exceeds 512 bytes");
	return 0;
}

/* ---- upper-half liveness ------------------------------------------------- */

/*
 * Width of the register instruction @i defines: 32, 64 or 0 (none).  As in
 * the kernel, a context load that yields a packet pointer is not a 32-bit
 * subregister definition: the pointer is always produced whole.
 */
static u32 an_def_width(const struct an_ctx *c, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];
	const struct an_reg *base = &c->rec[i].src;

	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
		return BPF_OP(insn->code) == BPF_END && insn->imm == 64 ?
		       64 : 32;
	case BPF_ALU64:
	case BPF_LD:
		return 64;
	case BPF_LDX:
		if (base->type == BN_REG_CTX &&
		    (base->flags & BN_RI_OFF_CONST) &&
		    an_ctx_field(c->prog_type, (s64)base->off + insn->off))
			return 0;
		return BPF_SIZE(insn->code) == BPF_DW ? 64 : 32;
	default:
		return 0;
	}
}

static u16 an_defs(const struct bpf_insn *insn)
{
	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
	case BPF_LD:
	case BPF_LDX:
		return AN_R(insn->dst_reg);
	default:
		return insn->code == (BPF_JMP | BPF_CALL) ? AN_R_CLOBBER : 0;
	}
}

static u16 an_call_uses(const struct an_ctx *c, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];
	const struct an_helper *h;
	u32 start;

	if (an_is_pcall(insn)) {
		start = c->subs[c->meta[an_call_target(i, insn)].subprog].start;
		return c->blks[c->blk_of[start]].live_in & AN_R_ARGS;
	}
	h = an_helper(insn->imm);
	return h ? (AN_R(h->nargs + 1) - 2) & AN_R_ARGS : AN_R_ARGS;
}

static u16 an_jmp_uses(const struct an_ctx *c, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];
	u8 op = BPF_OP(insn->code);
	u16 sub = c->meta[i].subprog;

	if (op == BPF_CALL)
		return an_call_uses(c, i);
	if (op == BPF_EXIT)	/* a callee's R0 is read by its callers */
		return !sub || c->subs[sub].ret_live ? AN_R(BPF_REG_0) : 0;
	if (op == BPF_JA || BPF_CLASS(insn->code) == BPF_JMP32)
		return 0;
	return AN_R(insn->dst_reg) |
	       (BPF_SRC(insn->code) == BPF_X ? AN_R(insn->src_reg) : 0);
}

/* Registers whose upper halves instruction @i reads. */
static u16 an_uses(const struct an_ctx *c, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];
	u16 src = AN_R(insn->src_reg), dst = AN_R(insn->dst_reg);
	bool x = BPF_SRC(insn->code) == BPF_X;
	u8 op = BPF_OP(insn->code);

	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU64:
		if (op == BPF_MOV)
			return x ? src : 0;
		return dst | (x && op != BPF_NEG ? src : 0);
	case BPF_ALU:
		return an_def_width(c, i) == 64 ? dst : 0;
	case BPF_JMP:
	case BPF_JMP32:
		return an_jmp_uses(c, i);
	case BPF_LDX:
		return src;
	case BPF_ST:
		return dst;
	case BPF_STX:	/* a pointer value is stored whole */
		return dst | (BPF_SIZE(insn->code) == BPF_DW ||
			      c->rec[i].src.type != BN_REG_SCALAR ? src : 0);
	default:
		return 0;
	}
}

/* A caller reading R0 after a call makes R0 live at the callee's exits. */
static void an_mark_ret_live(struct an_ctx *c, u32 i, u16 live_after)
{
	const struct bpf_insn *insn = &c->insns[i];
	struct an_sub *s;

	if (!an_is_pcall(insn) || !(live_after & AN_R(BPF_REG_0)))
		return;
	s = &c->subs[c->meta[an_call_target(i, insn)].subprog];
	c->live_changed |= !s->ret_live;
	s->ret_live = true;
}

static void an_mark_width(struct an_ctx *c, u32 i, u16 live_after)
{
	const struct bpf_insn *insn = &c->insns[i];
	bool live = live_after & AN_R(insn->dst_reg);

	switch (an_def_width(c, i)) {
	case 32:
		if (live)
			c->meta[i].flags |= BN_META_ZEXT;
		break;
	case 64:
		if (!live)
			c->meta[i].flags |= BN_META_HI_UNUSED;
		break;
	}
}

static u16 an_live_block(struct an_ctx *c, u32 b, bool mark)
{
	const struct an_block *blk = &c->blks[b];
	u16 live = blk->live_out;
	u32 i;

	for (i = blk->end; i-- > blk->start;) {
		if (c->iflags[i] & AN_I_HALF)
			continue;
		if (mark)
			an_mark_width(c, i, live);
		else
			an_mark_ret_live(c, i, live);
		live = (live & ~an_defs(&c->insns[i])) | an_uses(c, i);
	}
	return live;
}

static u16 an_live_out(const struct an_ctx *c, u32 b)
{
	const struct an_block *blk = &c->blks[b];
	u32 last = an_last_insn(c, b);
	u16 out = 0;

	if (blk->succ & AN_S_FALL)
		out |= c->blks[c->blk_of[blk->end]].live_in;
	if (blk->succ & AN_S_JUMP)
		out |= c->blks[c->blk_of[an_jmp_target(last, &c->insns[last])]]
			.live_in;
	return out;
}

/**
 * an_liveness() - which upper halves are read: ZEXT and HI_UNUSED flags
 * @c: analyzer after the forward pass
 *
 * Backward over the edges the forward pass found feasible, to a fixed
 * point (sets only grow).  The rules are those of the 6.1 verifier's
 * is_reg64(): 64-bit ALU and JMP operands, pointers, 8-byte stores,
 * helper arguments of the helper's prototype, R0 at the main program's
 * exit.  A bpf-to-bpf call reads the arguments its callee's entry needs;
 * a callee's exit reads R0 if some caller reads R0 after the call.
 */
static void an_liveness(struct an_ctx *c)
{
	bool changed;
	u16 in;
	u32 b;

	do {
		changed = false;
		c->live_changed = false;
		for (b = c->nblks; b-- > 0;) {
			if (!c->blks[b].reached)
				continue;
			c->blks[b].live_out = an_live_out(c, b);
			in = an_live_block(c, b, false);
			changed |= in != c->blks[b].live_in;
			c->blks[b].live_in = in;
		}
	} while (changed || c->live_changed);
	for (b = 0; b < c->nblks; b++)
		if (c->blks[b].reached)
			an_live_block(c, b, true);
}

/* ---- output -------------------------------------------------------------- */

static void an_fill_meta(struct an_ctx *c)
{
	const struct bpf_insn *insn;
	struct bn_insn_meta *m;
	u32 i;

	for (i = 0; i < c->len; i++) {
		insn = &c->insns[i];
		m = &c->meta[i];
		if (c->iflags[i] & AN_I_JDST)
			m->flags |= BN_META_JMP_DST;
		if (i && (c->iflags[i] & AN_I_SUB))
			m->flags |= BN_META_SUBPROG;
		if (!an_reached(c, i))
			m->flags |= BN_META_DEAD;
		if (c->iflags[i] & AN_I_HALF)
			continue;
		if (an_is_ldimm64(insn) && insn->src_reg == BPF_PSEUDO_MAP_IDX)
			m->map_index = insn->imm;
		if (!an_reached(c, i))
			continue;
		an_export(&m->dst, &c->rec[i].dst);
		an_export(&m->src, &c->rec[i].src);
		if (insn->code == (BPF_JMP | BPF_CALL))
			an_export(&m->arg2, &c->rec[i].a2);
	}
}

static void an_fill_subprogs(const struct an_ctx *c,
			     struct bn_jit_subprog *subprogs, u32 *nsubprogs)
{
	u32 s;

	for (s = 0; s < c->nsubs; s++) {
		subprogs[s].start = c->subs[s].start;
		subprogs[s].stack_depth = an_round_up(c->subs[s].depth, 8);
	}
	*nsubprogs = c->nsubs;
}

/* ---- entry point --------------------------------------------------------- */

static void an_free(struct an_ctx *c)
{
	const struct bn_jit_env *env = c->env;
	void *p[] = { c->iflags, c->blk_of, c->rec, c->blks, c->bst,
		      c->subs, c->calls, c->queue };
	u32 i;

	for (i = 0; i < ARRAY_SIZE(p); i++)
		if (p[i])
			env->free(env->priv, p[i]);
	env->free(env->priv, c);
}

static int an_alloc_insns(struct an_ctx *c)
{
	const struct bn_jit_env *env = c->env;

	c->iflags = env->alloc(env->priv, c->len * sizeof(*c->iflags));
	c->blk_of = env->alloc(env->priv, c->len * sizeof(*c->blk_of));
	c->rec = env->alloc(env->priv, c->len * sizeof(*c->rec));
	return c->iflags && c->blk_of && c->rec ? 0 : -ENOMEM;
}

/* Find the subprograms; rejects more than @max. */
static int an_setup_subprogs(struct an_ctx *c, u32 max)
{
	const struct bn_jit_env *env = c->env;
	u32 i, n = 0;

	an_mark_halves(c);
	c->nsubs = an_mark_subprogs(c);
	max = max < 0xffff ? max : 0xffff;	/* meta.subprog is a u16 */
	if (c->nsubs > max) {
		for (i = 0; n <= max; i++)
			n += !!(c->iflags[i] & AN_I_SUB);
		return an_reject(c, i - 1, -E2BIG, "too many subprograms", 0,
				 AN_NUM_NONE, NULL);
	}
	c->subs = env->alloc(env->priv, c->nsubs * sizeof(*c->subs));
	if (!c->subs)
		return -ENOMEM;
	an_assign_subprogs(c);
	return 0;
}

static int an_run(struct an_ctx *c, u32 max_subprogs,
		  struct bn_jit_subprog *subprogs, u32 *nsubprogs)
{
	int err;

	if (c->prog_type != BN_PROG_XDP && c->prog_type != BN_PROG_TC)
		return an_reject(c, 0, -EOPNOTSUPP, "program type ",
				 c->prog_type, AN_NUM_DEC,
				 " is not supported by the device");
	err = an_alloc_insns(c);
	if (!err)
		err = an_setup_subprogs(c, max_subprogs);
	if (!err)
		err = an_check_structure(c);
	if (!err)
		err = an_collect_calls(c);
	if (!err)
		err = an_check_calls(c);
	if (!err)
		err = an_build_blocks(c);
	if (err)
		return err;
	an_fixpoint(c);
	err = an_check_states(c);
	if (!err)
		err = an_check_depth(c);
	if (err)
		return err;
	an_liveness(c);
	an_fill_meta(c);
	an_fill_subprogs(c, subprogs, nsubprogs);
	return 0;
}

int bn_analyze(const struct bpf_insn *insns, u32 len, u32 prog_type,
	       const struct bn_image_map *maps, u32 nmaps,
	       struct bn_insn_meta *meta, struct bn_jit_subprog *subprogs,
	       u32 max_subprogs, u32 *nsubprogs, const struct bn_jit_env *env)
{
	struct an_ctx *c;
	int err;

	if (!insns || !len || !meta || !subprogs || !nsubprogs || !env ||
	    !env->alloc || !env->free || (nmaps && !maps))
		return -EINVAL;
	c = env->alloc(env->priv, sizeof(*c));
	if (!c) {
		if (env->print)
			env->print(env->priv, "insn 0: out of memory");
		return -ENOMEM;
	}
	c->insns = insns;
	c->len = len;
	c->prog_type = prog_type;
	c->maps = maps;
	c->nmaps = nmaps;
	c->meta = meta;
	c->env = env;
	err = an_run(c, max_subprogs, subprogs, nsubprogs);
	if (err == -ENOMEM)
		an_reject(c, 0, err, "out of memory", 0, AN_NUM_NONE, NULL);
	an_free(c);
	return err;
}
