// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Program loader.  The image (image.h) is untrusted: every size is checked
 * against the buffer before it is used, every word must decode, every
 * relocation must fit the instruction it patches, every map must exist
 * with the declared shape, and every static branch must land in the image
 * or on a firmware routine.  A rejection leaves "image: ..." in err.
 *
 * The accepted image is relocated to BN_LOAD_BASE and pre-decoded into a
 * struct bn_dinsn per instruction, laid out as
 *   [0, len)            the image (code-store address BN_LOAD_BASE + i)
 *   len                 sentinel: running off the end of the image
 *   len + 1 + k         firmware stub word k (address BN_FW_REGION + k)
 *   len + 1 + 2 * NH    sentinel
 * so branch targets are array indices and the interpreter never decodes.
 */
#include <stdlib.h>
#include <string.h>
#include "nicsim_int.h"

#define MAX_LINES	(1u << 20)

struct ldr {
	struct bn_sim *sim;
	const u8 *img;
	size_t len;
	struct bn_image_hdr h;
	const u8 *code, *relocs, *maps;
	struct bn_ucode *u;
	u32 *patched;			/* relocation index + 1 per insn */
	struct bn_map **map;
	const u32 *map_ids;
	u32 nmap_ids;
	char *err;
	size_t errlen;
};

static const u8 lat_cycles[BN_LAT__COUNT] = BN_LAT_CYCLES_INIT;

/* ---- code-store addresses <-> decoded indices -------------------------------------- */

u32 bn_index_to_pc(const struct bn_prog *p, u32 idx)
{
	if (idx < p->len)
		return BN_LOAD_BASE + idx;
	if (idx > p->len && idx <= p->len + 2 * BN_NUM_HELPERS)
		return BN_FW_REGION + idx - p->len - 1;
	return BN_LOAD_BASE + p->len;	/* a sentinel: just past the image */
}

/* bn_pc_to_index(), the other way, is inline (nicsim_int.h): rtn runs it. */

/* ---- pre-decoding ------------------------------------------------------------------- */

static void opnd_a(u16 o, u8 *k, u16 *i)
{
	*k = BN_K_R;
	switch (bn_opnd_kind(o)) {
	case BN_OK_A:	*i = BN_RF_A + bn_opnd_val(o); break;
	case BN_OK_LM:	*k = BN_K_LM; *i = bn_opnd_val(o); break;
	default:	*i = BN_RF_ZERO; break;
	}
}

static void opnd_b(u16 o, u8 *k, u16 *i)
{
	*k = BN_K_R;
	switch (bn_opnd_kind(o)) {
	case BN_OK_B:	 *i = BN_RF_B + bn_opnd_val(o); break;
	case BN_OK_XFER: *k = BN_K_XIN; *i = BN_RF_XIN + bn_opnd_val(o); break;
	case BN_OK_IMM:	 *i = BN_RF_IMM + bn_opnd_val(o); break;
	default:	 *i = BN_RF_ZERO; break;
	}
}

static void opnd_d(u16 o, u8 *k, u16 *i)
{
	*k = BN_K_R;
	switch (bn_opnd_kind(o)) {
	case BN_OK_A:	 *i = BN_RF_A + bn_opnd_val(o); break;
	case BN_OK_B:	 *i = BN_RF_B + bn_opnd_val(o); break;
	case BN_OK_XFER: *i = BN_RF_XOUT + bn_opnd_val(o); break;
	case BN_OK_LM:	 *k = BN_K_LM; *i = bn_opnd_val(o); break;
	case BN_OK_BOTH: *k = BN_K_BOTH; *i = bn_opnd_val(o); break;
	default:	 *i = BN_RF_SINK; break;
	}
}

/* Reading a merge destination: BOTH reads its bank A copy. */
static void opnd_dread(u16 o, u8 *k, u16 *i)
{
	if (bn_opnd_kind(o) == BN_OK_BOTH) {
		*k = BN_K_R;
		*i = BN_RF_A + bn_opnd_val(o);
		return;
	}
	opnd_d(o, k, i);
	if (*k == BN_K_R && *i >= BN_RF_XOUT)
		*i = BN_RF_ZERO;	/* not readable; the encoder forbids it */
}

static u32 immed_value(const struct bn_ucode *u)
{
	u32 v = (u32)u->imm16 << (8 * u->bsh);

	if (u->op == BN_OP_immed_hi)
		return (u32)u->imm16 << 16;
	return u->inv ? ~v : v;
}

static u32 byte_mask(u8 mask)
{
	u32 m = 0;
	int i;

	for (i = 0; i < 4; i++)
		if (mask & (1 << i))
			m |= 0xffu << (8 * i);
	return m;
}

static void predecode_branch(const struct bn_prog *p, const struct bn_ucode *u,
			     struct bn_dinsn *d, u32 pc)
{
	u32 idx = 0;

	d->cond = u->cond;
	d->defer = u->defer;
	d->tcost = 1 + (u->defer < BN_BR_TAKEN_PENALTY ? BN_BR_TAKEN_PENALTY - u->defer : 0);
	if (bn_isa[u->op].fmt != BN_FMT_RTN)
		bn_pc_to_index(p, u->target, &idx);	/* validated by the loader */
	d->target = idx;
	if (u->op == BN_OP_call)
		d->imm = pc + 1 + u->defer;
}

/* The fields each format adds to the operands. */
static void predecode_fmt(const struct bn_prog *p, const struct bn_ucode *u,
			  struct bn_dinsn *d, u32 pc)
{
	switch (bn_isa[u->op].fmt) {
	case BN_FMT_IMMED:
		d->imm = immed_value(u);
		opnd_dread(u->dst, &d->ak, &d->a);
		break;
	case BN_FMT_LDF:
		d->imm = byte_mask(u->mask);
		d->zf = u->zf;
		opnd_dread(u->dst, &d->ak, &d->a);
		if (u->zf) {	/* the lanes it keeps read as zero: no DOLD */
			d->ak = BN_K_R;
			d->a = BN_RF_ZERO;
		}
		break;
	case BN_FMT_BR:
	case BN_FMT_BRCMP:
	case BN_FMT_CALL:
	case BN_FMT_RTN:
		predecode_branch(p, u, d, pc);
		break;
	case BN_FMT_MEM:
		d->tgt = u->tgt;
		d->xfer = u->xfer;
		d->len = u->len;
		d->sig = u->sig;
		d->swap = u->swap;
		break;
	case BN_FMT_WAIT:
		d->imm = u->sigmask;
		break;
	case BN_FMT_CSR:
		d->imm = u->csr;
		break;
	case BN_FMT_FW:
		d->imm = u->fwid;
		break;
	default:
		break;
	}
}

static void predecode(const struct bn_prog *p, const struct bn_ucode *u, struct bn_dinsn *d,
		      u32 pc)
{
	memset(d, 0, sizeof(*d));
	d->op = u->op;
	d->x = u->op;
	d->cost = lat_cycles[bn_isa[u->op].lat];
	opnd_a(u->srca, &d->ak, &d->a);
	opnd_b(u->srcb, &d->bk, &d->b);
	opnd_d(u->dst, &d->dk, &d->d);
	d->d2 = d->dk == BN_K_BOTH ? BN_RF_B + d->d : BN_RF_SINK;
	d->shc = u->shc;
	d->shamt = u->shamt;
	predecode_fmt(p, u, d, pc);
}

static void predecode_sentinel(struct bn_dinsn *d)
{
	memset(d, 0, sizeof(*d));
	d->op = BN_IOP_OOB;
	d->x = BN_IOP_OOB;
}

/* ---- special forms: operands and flags liveness --------------------------------------- */

_Static_assert(BN_RF_A == 0, "plain WD writes GPR n of bank A as r[n]");

/* Reads the flags an earlier instruction left: chained ops, br on a condition. */
static bool fl_reads(const struct bn_dinsn *d)
{
	return (bn_isa[d->op].flags & BN_IF_CHAINZ) ||
	       (bn_isa[d->op].fmt == BN_FMT_BR && d->cond != BN_COND_AL);
}

/* Writes all four flags with FLAGS() (the ones a plain form may skip). */
static bool fl_alu(const struct bn_dinsn *d)
{
	return (bn_isa[d->op].flags & (BN_IF_SETCC | BN_IF_BRANCH)) == BN_IF_SETCC;
}

static bool is_static_branch(const struct bn_dinsn *d)
{
	u8 fmt = bn_isa[d->op].fmt;

	return fmt == BN_FMT_BR || fmt == BN_FMT_BRCMP || fmt == BN_FMT_CALL;
}

/*
 * One backward pass of flags liveness over the decoded code; true if
 * some live-in changed.  Successors of i: i + 1 (every instruction but
 * done and the sentinels: a conservative superset), a static branch's
 * target after its last defer slot, and anything at all after rtn (and
 * its last defer slot): the flags count as live there.
 */
static bool fl_pass(const struct bn_prog *p, u8 *in, u8 *out)
{
	u32 i, k, n = p->ncode;
	bool changed = false;

	for (i = 0; i < n; i++) {
		const struct bn_dinsn *d = &p->code[i];
		bool term = d->op == BN_IOP_OOB || (bn_isa[d->op].flags & BN_IF_END);

		out[i] = !term && i + 1 < n && in[i + 1];
	}
	for (i = 0; i < n; i++) {
		const struct bn_dinsn *d = &p->code[i];

		if (!(bn_isa[d->op].flags & BN_IF_BRANCH))
			continue;
		k = i + d->defer < n ? i + d->defer : n - 1;
		if (is_static_branch(d))
			out[k] |= in[d->target];
		else
			out[i] = out[k] = 1;
	}
	for (i = n; i-- > 0;) {
		const struct bn_dinsn *d = &p->code[i];
		u8 live = fl_reads(d) || (!(bn_isa[d->op].flags & BN_IF_SETCC) && out[i]);

		changed |= live != in[i];
		in[i] = live;
	}
	return changed;
}

static bool plain_opnds(const struct bn_dinsn *d)
{
	return d->ak == BN_K_R && d->bk == BN_K_R && (d->dk == BN_K_R || d->dk == BN_K_BOTH);
}

static bool shc_known(u8 shc)
{
	return shc >= BN_SHC_LSL && shc <= BN_SHC_ROR;
}

/*
 * The lm words from lm_fp @d's operands need: the highest lm word + 1, and
 * at least 1 with an xfer-in operand, so that a pending read (no room)
 * stops it; 0 with register-file operands only.  Every mixed form has one
 * of those operands; the mixed handlers and translated blocks check it.
 */
static u8 lm_need(const struct bn_dinsn *d)
{
	u32 n = 0;

	if (d->ak == BN_K_LM)
		n = (u32)d->a + 1;
	if (d->dk == BN_K_LM && (u32)d->d + 1 > n)
		n = (u32)d->d + 1;
	if (!n && d->bk == BN_K_XIN)
		n = 1;
	return n;
}

/* The special form of @d (general: its opcode), and the lm words it needs. */
static void predecode_form(struct bn_dinsn *d, bool flags_live, bool slot)
{
	d->lmn = lm_need(d);
	if (d->op == BN_IOP_OOB || (bn_isa[d->op].flags & BN_IF_PAIR) || slot ||
	    (fl_alu(d) && flags_live))
		return;
	if (plain_opnds(d)) {
		d->x = d->op | (!d->shc ? BN_X_PLAIN : shc_known(d->shc) ?
				BN_X_PLAINSH_K(d->shc) : BN_X_PLAINSH);
		if (d->op == BN_OP_br_cmp && !flags_live && d->cond <= BN_COND_AL)
			d->x = BN_X_COND | d->cond;
		return;
	}
	d->x = d->op | (!d->shc ? BN_X_MIXED : shc_known(d->shc) ?
			BN_X_MIXEDSH_K(d->shc) : BN_X_MIXEDSH);
}

/*
 * Straight runs: from each instruction, how many run in sequence before
 * control may leave the sequence (a branch, done, a sentinel).  exec_fast
 * checks the watchdog once per run entered (exec.c).
 */
static void predecode_runs(struct bn_prog *p)
{
	u32 i = p->ncode;

	while (i--) {
		struct bn_dinsn *d = &p->code[i];
		bool end = d->op == BN_IOP_OOB || i + 1 == p->ncode ||
			   (bn_isa[d->op].flags & (BN_IF_BRANCH | BN_IF_END));

		d->run = end ? 1 : d[1].run + 1;
	}
}

/* Mark the instructions that may run in a branch's defer slots. */
static void mark_slots(const struct bn_prog *p, u8 *slot)
{
	u32 i, k;

	for (i = 0; i < p->ncode; i++)
		if (bn_isa[p->code[i].op].flags & BN_IF_BRANCH)
			for (k = 1; k <= p->code[i].defer && i + k < p->ncode; k++)
				slot[i + k] = 1;
}

/*
 * Give every instruction that qualifies its plain or mixed form (nicsim_int.h):
 * flags it writes dead, never in a defer slot (these forms do not count
 * defer slots down), no register pair.
 */
static int predecode_forms(struct bn_prog *p)
{
	u8 *in = calloc(p->ncode, 1), *out = calloc(p->ncode, 1);
	u32 i;

	if (!in || !out) {
		free(in);
		free(out);
		return -ENOMEM;
	}
	predecode_runs(p);
	while (fl_pass(p, in, out))
		;
	memset(in, 0, p->ncode);
	mark_slots(p, in);
	for (i = 0; i < p->ncode; i++) {
		predecode_form(&p->code[i], out[i], in[i]);
		p->code[i].slot = in[i];
		p->code[i].hoff = bn_exec_handler(p->code[i].x);
	}
	free(in);
	free(out);
	return 0;
}

/* ---- firmware stubs ---------------------------------------------------------------- */

static int stub_word(u8 op, u32 fwid, u64 *w, char *err, size_t errlen)
{
	struct bn_ucode u = {
		.op = op, .dst = BN_OPND_NONE, .srca = BN_OPND_NONE, .srcb = BN_OPND_NONE,
	};
	const char *why = "";

	if (op == BN_OP_fw_call)
		u.fwid = fwid;
	else
		u.srca = BN_OPND_A(BN_ABI_LINK);
	if (bn_encode(&u, w, &why))
		return bn_errf(err, errlen, -EINVAL, "firmware stub for helper %u: %s", fwid, why);
	return 0;
}

u32 bn_helper_id(u32 slot);

int bn_stubs_build(struct bn_sim *sim, char *err, size_t errlen)
{
	u32 k;

	if (bn_isa[BN_IOP_OOB].name)
		return bn_errf(err, errlen, -EINVAL, "opcode %#x is needed as a sentinel",
			       BN_IOP_OOB);
	for (k = 0; k < BN_NUM_HELPERS; k++) {
		if (stub_word(BN_OP_fw_call, bn_helper_id(k), &sim->stub_words[2 * k], err, errlen) ||
		    stub_word(BN_OP_rtn, bn_helper_id(k), &sim->stub_words[2 * k + 1], err, errlen))
			return -EINVAL;
	}
	return 0;
}

/* ---- header and sizes ------------------------------------------------------------- */

#define REJECT(l, ...)	bn_errf((l)->err, (l)->errlen, -EINVAL, __VA_ARGS__)

static int ldr_header(struct ldr *l)
{
	struct bn_image_hdr *h = &l->h;

	if (l->len < sizeof(*h))
		return REJECT(l, "image: %zu bytes is shorter than its %zu-byte header",
			      l->len, sizeof(*h));
	memcpy(h, l->img, sizeof(*h));
	if (h->magic != BN_IMAGE_MAGIC)
		return REJECT(l, "image: bad magic %#x (want %#x, \"BNIC\")", h->magic,
			      BN_IMAGE_MAGIC);
	if (h->version != BN_IMAGE_VERSION)
		return REJECT(l, "image: version %u not supported (this device loads %u)",
			      h->version, BN_IMAGE_VERSION);
	if (h->prog_type != BN_PROG_XDP && h->prog_type != BN_PROG_TC)
		return REJECT(l, "image: program type %u is neither XDP (1) nor tc (2)",
			      h->prog_type);
	if (h->reserved[0] || h->reserved[1])
		return REJECT(l, "image: reserved header fields are not zero");
	if (h->flags & ~(BN_IMAGE_F_NEEDS_PRNG | BN_IMAGE_F_ADJ_HEAD | BN_IMAGE_F_ADJ_TAIL |
			 BN_IMAGE_F_ORDER_FREE))
		return REJECT(l, "image: unknown flags %#x", h->flags);
	return 0;
}

static int ldr_sizes(struct ldr *l)
{
	const struct bn_image_hdr *h = &l->h;
	u32 room = l->sim->p.code_store - BN_LOAD_BASE;
	u64 total;

	if (!h->code_len)
		return REJECT(l, "image: no code");
	if (h->code_len > room)
		return REJECT(l, "image: %u instructions do not fit the code store (%u from base %#x)",
			      h->code_len, room, BN_LOAD_BASE);
	if (h->nrelocs > h->code_len)
		return REJECT(l, "image: %u relocations for %u instructions", h->nrelocs,
			      h->code_len);
	if (h->nmaps > BN_SIM_MAX_MAPS)
		return REJECT(l, "image: %u maps (the device has %u)", h->nmaps, BN_SIM_MAX_MAPS);
	if (h->nlines > MAX_LINES)
		return REJECT(l, "image: %u line-table entries (at most %u)", h->nlines, MAX_LINES);
	/* every count is bounded above: no overflow in 64 bits */
	total = sizeof(*h) + 8ull * h->code_len + (u64)sizeof(struct bn_image_reloc) * h->nrelocs +
		(u64)sizeof(struct bn_image_map) * h->nmaps + 4ull * h->nlines;
	if (l->len != total && l->len != ((total + 7) & ~7ull))
		return REJECT(l, "image: header sizes add up to %llu bytes, the image has %zu",
			      (unsigned long long)total, l->len);
	l->code = l->img + sizeof(*h);
	l->relocs = l->code + 8ull * h->code_len;
	l->maps = l->relocs + sizeof(struct bn_image_reloc) * h->nrelocs;
	return 0;
}

static int ldr_resources(struct ldr *l)
{
	const struct bn_sim_params *p = &l->sim->p;
	const struct bn_image_hdr *h = &l->h;

	if (h->stack_size > l->sim->win)
		return REJECT(l, "image: %u bytes of stack exceed the %u-byte LM window per thread (%u threads)",
			      h->stack_size, l->sim->win, p->threads);
	if (h->gprs > BN_NUM_GPR || p->threads * h->gprs > 128)
		return REJECT(l, "image: %u GPRs per bank per thread do not fit %u threads (128 per bank)",
			      h->gprs, p->threads);
	if (h->xfers > BN_NUM_XFER || p->threads * h->xfers > 128)
		return REJECT(l, "image: %u transfer registers per thread do not fit %u threads (128)",
			      h->xfers, p->threads);
	return 0;
}

/* ---- instructions ------------------------------------------------------------------ */

static int check_gpr(struct ldr *l, u32 i, u16 o, bool pair)
{
	enum bn_opnd_kind k = bn_opnd_kind(o);
	u32 last = bn_opnd_val(o) + pair;

	if (k == BN_OK_A || k == BN_OK_B || k == BN_OK_BOTH) {
		if (last >= l->h.gprs)
			return REJECT(l, "image: insn %u uses GPR %u but the header declares %u GPRs",
				      i, last, l->h.gprs);
	} else if (k == BN_OK_XFER && bn_opnd_val(o) >= l->h.xfers) {
		return REJECT(l, "image: insn %u uses $x%u but the header declares %u transfer registers",
			      i, bn_opnd_val(o), l->h.xfers);
	}
	return 0;
}

static int check_regs(struct ldr *l, u32 i, const struct bn_ucode *u)
{
	bool pair = bn_isa[u->op].flags & BN_IF_PAIR;
	u32 words = (u->len + 1 + 3) / 4;

	if (check_gpr(l, i, u->dst, pair) || check_gpr(l, i, u->srca, pair) ||
	    check_gpr(l, i, u->srcb, pair))
		return -EINVAL;
	if (bn_isa[u->op].fmt == BN_FMT_MEM && u->xfer + words > l->h.xfers)
		return REJECT(l, "image: insn %u moves $x%u..$x%u but the header declares %u transfer registers",
			      i, u->xfer, u->xfer + words - 1, l->h.xfers);
	return 0;
}

static int ldr_decode(struct ldr *l)
{
	const char *why = "";
	u32 i;
	u64 w;

	for (i = 0; i < l->h.code_len; i++) {
		memcpy(&w, l->code + 8ull * i, 8);
		if (bn_decode(w, &l->u[i], &why))
			return REJECT(l, "image: insn %u (%#018llx) does not decode: %s", i,
				      (unsigned long long)w, why);
		if (bn_isa[l->u[i].op].flags & BN_IF_FWONLY)
			return REJECT(l, "image: insn %u: %s is only valid in the firmware region",
				      i, bn_isa[l->u[i].op].name);
		if (check_regs(l, i, &l->u[i]))
			return -EINVAL;
	}
	return 0;
}

/* ---- maps --------------------------------------------------------------------------- */

static const char *map_type_name(u32 type)
{
	return type == BPF_MAP_TYPE_HASH ? "a hash" : type == BPF_MAP_TYPE_ARRAY ? "an array" : "an unknown";
}

static int ldr_map(struct ldr *l, u32 i)
{
	struct bn_image_map d;
	struct bn_map *m;

	memcpy(&d, l->maps + sizeof(d) * i, sizeof(d));
	if (d.type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		return 0;	/* stays in the host (image.h): l->map[i] NULL */
	m = bn_map_get(l->sim, l->map_ids[i]);
	if (!m)
		return REJECT(l, "image: map %u (%.16s): no device map with id %u", i, d.name,
			      l->map_ids[i]);
	if (m->type != d.type || m->key_size != d.key_size || m->value_size != d.value_size)
		return REJECT(l, "image: map %u (%.16s) is %s with key %u value %u, device map %u is %s with key %u value %u",
			      i, d.name, map_type_name(d.type), d.key_size, d.value_size,
			      m->id, map_type_name(m->type), m->key_size, m->value_size);
	l->map[i] = m;
	return 0;
}

static int ldr_maps(struct ldr *l)
{
	u32 i;

	if (l->nmap_ids < l->h.nmaps)
		return REJECT(l, "image: %u maps but %u device map ids", l->h.nmaps, l->nmap_ids);
	for (i = 0; i < l->h.nmaps; i++)
		if (ldr_map(l, i))
			return -EINVAL;
	return 0;
}

/* ---- relocations -------------------------------------------------------------------- */

static bool is_branch(const struct bn_ucode *u)
{
	u8 fmt = bn_isa[u->op].fmt;

	return fmt == BN_FMT_BR || fmt == BN_FMT_BRCMP || fmt == BN_FMT_CALL;
}

static int reloc_immed(struct ldr *l, u32 k, const struct bn_image_reloc *r,
		       struct bn_ucode *u)
{
	if (u->op != BN_OP_immed || u->bsh || u->inv)
		return REJECT(l, "image: relocation %u (%s) patches insn %u, which is not a plain immed",
			      k, r->type == BN_RELOC_MAP_ID ? "map id" : "immed_rel", r->insn);
	if (r->type == BN_RELOC_MAP_ID) {
		if (r->arg >= l->h.nmaps)
			return REJECT(l, "image: relocation %u names map %u of %u", k, r->arg,
				      l->h.nmaps);
		u->imm16 = l->map[r->arg] ? l->map[r->arg]->id : BN_MAP_ID_EVENT | r->arg;
		return 0;
	}
	if (u->imm16 >= l->h.code_len)
		return REJECT(l, "image: relocation %u: return address %u is beyond code_len %u",
			      k, u->imm16, l->h.code_len);
	u->imm16 += BN_LOAD_BASE;
	return 0;
}

static int reloc_branch(struct ldr *l, u32 k, const struct bn_image_reloc *r,
			struct bn_ucode *u)
{
	if (!is_branch(u))
		return REJECT(l, "image: relocation %u (%s) patches insn %u, which is a %s, not a branch",
			      k, r->type == BN_RELOC_HELPER ? "helper" : "br_rel", r->insn,
			      bn_isa[u->op].name);
	if (r->type == BN_RELOC_BR_REL) {
		if (u->target >= l->h.code_len)
			return REJECT(l, "image: relocation %u: branch target %u is beyond code_len %u",
				      k, u->target, l->h.code_len);
		u->target += BN_LOAD_BASE;
		return 0;
	}
	if (bn_helper_slot(r->arg) < 0)
		return REJECT(l, "image: relocation %u: helper %u is not a firmware routine of this device",
			      k, r->arg);
	if (l->h.prog_type != BN_PROG_XDP &&
	    (r->arg == BN_FW_ADJUST_HEAD || r->arg == BN_FW_ADJUST_TAIL))
		return REJECT(l, "image: relocation %u: helper %u (%s) is XDP-only", k, r->arg,
			      bn_helper_name(r->arg));
	u->target = bn_stub_addr(r->arg);
	return 0;
}

static int ldr_reloc(struct ldr *l, u32 k)
{
	struct bn_image_reloc r;

	memcpy(&r, l->relocs + sizeof(r) * k, sizeof(r));
	if (r.insn >= l->h.code_len)
		return REJECT(l, "image: relocation %u patches insn %u beyond code_len %u", k,
			      r.insn, l->h.code_len);
	if (r.reserved || r.reserved2)
		return REJECT(l, "image: relocation %u: reserved fields are not zero", k);
	if (l->patched[r.insn])
		return REJECT(l, "image: relocation %u patches insn %u again (relocation %u did)",
			      k, r.insn, l->patched[r.insn] - 1);
	l->patched[r.insn] = k + 1;
	switch (r.type) {
	case BN_RELOC_BR_REL:
	case BN_RELOC_HELPER:
		return reloc_branch(l, k, &r, &l->u[r.insn]);
	case BN_RELOC_IMMED_REL:
	case BN_RELOC_MAP_ID:
		return reloc_immed(l, k, &r, &l->u[r.insn]);
	default:
		return REJECT(l, "image: relocation %u has unknown type %u", k, r.type);
	}
}

static int ldr_relocs(struct ldr *l)
{
	u32 k;

	for (k = 0; k < l->h.nrelocs; k++)
		if (ldr_reloc(l, k))
			return -EINVAL;
	return 0;
}

/* After relocation every static target is in the image or a routine's entry. */
static int ldr_targets(struct ldr *l)
{
	u32 i, t;

	for (i = 0; i < l->h.code_len; i++) {
		if (!is_branch(&l->u[i]))
			continue;
		t = l->u[i].target;
		if (t >= BN_LOAD_BASE && t - BN_LOAD_BASE < l->h.code_len)
			continue;
		if (t >= BN_FW_REGION && t - BN_FW_REGION < 2 * BN_NUM_HELPERS &&
		    !((t - BN_FW_REGION) & 1))
			continue;
		return REJECT(l, "image: insn %u branches to %#x, outside the image and not a firmware routine",
			      i, t);
	}
	return 0;
}

/* ---- building the program ----------------------------------------------------------- */

static bool calls_helper(const struct ldr *l, u32 fwid)
{
	u32 i;

	for (i = 0; i < l->h.code_len; i++)
		if (is_branch(&l->u[i]) && l->u[i].target == bn_stub_addr(fwid))
			return true;
	return false;
}

/*
 * One copy of the GPRs.  An instruction writes a GPR in bank A alone, in
 * bank B alone, or in both (BOTH).  If no instruction of the program or
 * of the stubs writes one bank alone, bank B equals bank A at every step:
 * the simulator's own writes (a packet's start, a helper's R0, the host
 * code's array lookup) write both banks.  Such a program reads bank B from
 * bank A and writes each GPR once: half the stores of the host code, and
 * a bank B read finds what the block stored in bank A in its register
 * cache.  The JIT writes every GPR through BOTH, so every program it
 * makes qualifies; the results are the same to the bit either way.
 */
static bool one_bank(const struct bn_dinsn *d)
{
	return d->op == BN_IOP_OOB || d->dk != BN_K_R || d->d >= BN_RF_B + BN_NUM_GPR;
}

static void unify_banks(struct bn_prog *p)
{
	u32 i;

	for (i = 0; i < p->ncode; i++)
		if (!one_bank(&p->code[i]))
			return;
	p->one_bank = true;
	for (i = 0; i < p->ncode; i++) {
		struct bn_dinsn *d = &p->code[i];

		if (d->bk == BN_K_R && d->b >= BN_RF_B && d->b < BN_RF_B + BN_NUM_GPR)
			d->b -= BN_RF_B - BN_RF_A;
		if (d->dk == BN_K_BOTH) {	/* d is GPR n's bank A index */
			d->dk = BN_K_R;
			d->d2 = BN_RF_SINK;
		}
	}
}

static int prog_code(struct ldr *l, struct bn_prog *p)
{
	struct bn_ucode su;
	const char *why;
	u32 i, k;

	for (i = 0; i < p->len; i++) {
		predecode(p, &l->u[i], &p->code[i], BN_LOAD_BASE + i);
		if (bn_encode(&l->u[i], &p->words[i], &why))
			return REJECT(l, "image: insn %u does not re-encode after relocation: %s",
				      i, why);
	}
	predecode_sentinel(&p->code[p->len]);
	for (k = 0; k < 2 * BN_NUM_HELPERS; k++) {
		if (bn_decode(l->sim->stub_words[k], &su, &why))
			return REJECT(l, "firmware stub %u: %s", k, why);
		predecode(p, &su, &p->code[p->len + 1 + k], BN_FW_REGION + k);
		p->words[p->len + 1 + k] = l->sim->stub_words[k];
	}
	predecode_sentinel(&p->code[p->ncode - 1]);
	unify_banks(p);
	if (predecode_forms(p))
		return bn_errf(l->err, l->errlen, -ENOMEM, "image: out of memory");
	/* no host code (no memory for it, W^X refused): the interpreter runs it all */
	if (!l->sim->p.interpret && bn_native_build(p))
		bn_log(l->sim, "program runs interpreted: no host code for it");
	return 0;
}

static struct bn_prog *prog_build(struct ldr *l)
{
	struct bn_prog *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->refs = 1;
	p->type = l->h.prog_type;
	p->len = l->h.code_len;
	p->ncode = p->len + 2 + 2 * BN_NUM_HELPERS;
	p->stack_size = l->h.stack_size;
	p->gprs = l->h.gprs;
	p->xfers = l->h.xfers;
	p->flags = l->h.flags;
	p->zero_headroom = calls_helper(l, BN_FW_ADJUST_HEAD);
	p->code = calloc(p->ncode, sizeof(*p->code));
	p->words = calloc(p->ncode, sizeof(*p->words));
	p->nmaps = l->h.nmaps;
	p->maps = calloc(p->nmaps + 1, sizeof(*p->maps));
	if (p->maps)	/* before prog_code(): the host code looks at array maps */
		memcpy(p->maps, l->map, p->nmaps * sizeof(*p->maps));
	if (!p->code || !p->words || !p->maps || prog_code(l, p)) {
		free(p->code);
		free(p->words);
		free(p->maps);
		free(p);
		return NULL;
	}
	return p;
}

/* Swap in @p; its maps must still be the ones validated. */
static int prog_install(struct ldr *l, struct bn_prog *p)
{
	struct bn_sim *sim = l->sim;
	struct bn_prog *old;
	u32 i;

	pthread_mutex_lock(&sim->lock);
	for (i = 0; i < p->nmaps; i++) {
		if (p->maps[i] && bn_map_get(sim, l->map_ids[i]) != p->maps[i]) {
			pthread_mutex_unlock(&sim->lock);
			p->nmaps = 0;	/* it holds no references yet */
			return bn_errf(l->err, l->errlen, -EAGAIN,
				       "image: map id %u was freed while loading", l->map_ids[i]);
		}
	}
	for (i = 0; i < p->nmaps; i++)
		if (p->maps[i])
			p->maps[i]->prog_refs++;
	old = sim->prog;
	sim->prog = p;
	pthread_mutex_unlock(&sim->lock);
	bn_prog_put(sim, old);
	return 0;
}

static int ldr_run(struct ldr *l)
{
	int ret;

	ret = ldr_header(l);
	if (!ret)
		ret = ldr_sizes(l);
	if (!ret)
		ret = ldr_resources(l);
	if (ret)
		return ret;
	l->u = calloc(l->h.code_len, sizeof(*l->u));
	l->patched = calloc(l->h.code_len, sizeof(*l->patched));
	l->map = calloc(l->h.nmaps + 1, sizeof(*l->map));
	if (!l->u || !l->patched || !l->map)
		return bn_errf(l->err, l->errlen, -ENOMEM, "image: out of memory");
	ret = ldr_decode(l);
	if (!ret)
		ret = ldr_maps(l);
	if (!ret)
		ret = ldr_relocs(l);
	if (!ret)
		ret = ldr_targets(l);
	return ret;
}

int bn_sim_prog_load(struct bn_sim *sim, const void *img, size_t len,
		     const uint32_t *map_ids, uint32_t nmap_ids, char *err, size_t errlen)
{
	struct ldr l = {
		.sim = sim, .img = img, .len = len, .map_ids = map_ids,
		.nmap_ids = map_ids ? nmap_ids : 0, .err = err, .errlen = errlen,
	};
	struct bn_prog *p = NULL;
	int ret;

	if (!img)
		return bn_errf(err, errlen, -EINVAL, "image: no image");
	ret = ldr_run(&l);
	if (!ret) {
		p = prog_build(&l);
		if (!p)
			ret = bn_errf(err, errlen, -ENOMEM, "image: out of memory");
	}
	if (!ret) {
		ret = prog_install(&l, p);
		if (ret)
			bn_prog_put(sim, p);
	}
	free(l.u);
	free(l.patched);
	free(l.map);
	return ret;
}
