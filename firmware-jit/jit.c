// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * firmware-jit: eBPF -> bpfnic microcode.  The pipeline:
 *
 *   structure, frames        jit_passes.c: what the program is made of
 *   named passes             jit_passes.c: annotate struct jit_insn
 *   translation              jit_insn.c: one callback per eBPF opcode
 *   fix-ups                  targets resolved, post passes, targets patched
 *   image                    header, code, relocations, maps, line table
 *
 * See jit_priv.h for the layering and ISA.md for the register and frame
 * conventions of the generated code.
 */
#include "jit_priv.h"
#ifdef __KERNEL__
#include <asm/byteorder.h>
#define jit_le16(x)	cpu_to_le16(x)
#define jit_le32(x)	cpu_to_le32(x)
#define jit_le64(x)	cpu_to_le64(x)
#define jit_from_le32(x)	le32_to_cpu(x)
#define jit_from_le64(x)	le64_to_cpu(x)
#elif __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define jit_le16(x)	((__le16)(x))
#define jit_le32(x)	((__le32)(x))
#define jit_le64(x)	((__le64)(x))
#define jit_from_le32(x)	((u32)(x))
#define jit_from_le64(x)	((u64)(x))
#else
#define jit_le16(x)	((__le16)__builtin_bswap16(x))
#define jit_le32(x)	((__le32)__builtin_bswap32(x))
#define jit_le64(x)	((__le64)__builtin_bswap64(x))
#define jit_from_le32(x)	__builtin_bswap32((u32)(x))
#define jit_from_le64(x)	__builtin_bswap64((u64)(x))
#endif

/* In enum bn_jit_pass order: both come from BN_JIT_PASSES. */
static const char *const pass_names[BN_PASS__COUNT] = {
#define BN_PASS_NAME(name, doc) #name,
	BN_JIT_PASSES(BN_PASS_NAME)
#undef BN_PASS_NAME
};

const char *bn_jit_pass_name(enum bn_jit_pass p)
{
	return (unsigned int)p < BN_PASS__COUNT ? pass_names[p] : NULL;
}

int bn_jit_pass_by_name(const char *name)
{
	u32 p, k;

	for (p = 0; name && p < BN_PASS__COUNT; p++) {
		for (k = 0; name[k] && name[k] == pass_names[p][k]; k++)
			;
		if (!name[k] && !pass_names[p][k])
			return p;
	}
	return -1;
}

/* ---- setup ------------------------------------------------------------------- */

static void *jit_zalloc(struct bn_jit *j, size_t n, size_t size)
{
	size_t bytes = n * size;
	void *p = j->env->alloc(j->env->priv, bytes ? bytes : 1);

	if (!p)
		jit_fail(j, -ENOMEM, "out of memory");
	return p;
}

static void jit_destroy(struct bn_jit *j)
{
	const struct bn_jit_env *env = j->env;

	env->free(env->priv, j->ji);
	env->free(env->priv, j->off);
	env->free(env->priv, j->code);
	env->free(env->priv, j->tag);
	env->free(env->priv, j->tgt);
	env->free(env->priv, j->frames);
	env->free(env->priv, j->wins);
	env->free(env->priv, j->wcs);
	env->free(env->priv, j);
}

/* Options, as libbpf does it: fields past opts->sz read as 0. */
static u32 opt_field(const struct bn_jit_opts *opts, size_t off)
{
	if (!opts || opts->sz < off + sizeof(u32))
		return 0;
	return *(const u32 *)((const char *)opts + off);
}

static bool input_ok(const struct bn_jit_in *in, const struct bn_jit_opts *opts)
{
	const unsigned char *tail;
	size_t k;

	if (!in || !in->insns || !in->meta || !in->len || !in->subprogs ||
	    !in->nsubprogs || in->nsubprogs > in->len || (in->nmaps && !in->maps) ||
	    (in->prog_type != BN_PROG_XDP && in->prog_type != BN_PROG_TC))
		return false;
	if (!opts)
		return true;
	if (opts->sz < sizeof(opts->sz))
		return false;
	tail = (const unsigned char *)opts;
	for (k = sizeof(*opts); k < opts->sz; k++)
		if (tail[k])
			return false;
	return true;
}

static int jit_init(struct bn_jit *j, const struct bn_jit_in *in,
		    const struct bn_jit_opts *opts)
{
	u32 store = opt_field(opts, offsetof(struct bn_jit_opts, code_store));

	j->in = in;
	j->insns = in->insns;
	j->meta = in->meta;
	j->passes = ((1u << BN_PASS__COUNT) - 1) &
		    ~opt_field(opts, offsetof(struct bn_jit_opts, disabled_passes));
	j->max_code = store ? store : BN_CODE_STORE_DEFAULT - BN_LOAD_BASE;
	j->ji = jit_zalloc(j, in->len, sizeof(*j->ji));
	j->off = jit_zalloc(j, in->len + 1, sizeof(*j->off));
	j->cap = 2 * in->len + 64 < j->max_code ? 2 * in->len + 64 : j->max_code;
	j->code = jit_zalloc(j, j->cap, sizeof(*j->code));
	j->tag = jit_zalloc(j, j->cap, sizeof(*j->tag));
	j->tgt = jit_zalloc(j, j->cap, sizeof(*j->tgt));
	j->frames = jit_zalloc(j, in->nsubprogs, sizeof(*j->frames));
	return j->error;
}

/* ---- translation --------------------------------------------------------------- */

static void jit_translate(struct bn_jit *j)
{
	const struct bn_jit_in *in = j->in;
	u32 i;

	for (i = 0; i < in->len && !j->error; i++) {
		struct jit_insn *ji = &j->ji[i];

		j->cur = i;
		if (ji->flags & JI_LABEL)	/* subprogram starts are labels too */
			jit_kc_forget(j);
		if ((ji->flags & JI_LABEL) && in->subprogs[ji->sub].start == i) {
			jit_kc_forget(j);
			j->frames[ji->sub].entry = j->ncode;
			jit_prologue(j, ji->sub);
		}
		j->off[i] = ji->flags & JI_HALF ? j->off[i - 1] : j->ncode;
		if (!(ji->flags & (JI_HALF | JI_SKIP)))
			jit_callback(in->insns[i].code)(j, i);
	}
	j->off[in->len] = j->ncode;
}

/* ---- fix-ups ------------------------------------------------------------------------- */

/* Symbolic targets (eBPF instruction, subprogram) -> ucode indices. */
static void jit_resolve(struct bn_jit *j)
{
	u32 u, t;

	for (u = 0; u < j->ncode; u++) {
		if (j->tag[u] != BN_RELOC_BR_REL)
			continue;
		t = j->tgt[u];
		if (t & JIT_TGT_INSN)
			t = j->off[t & JIT_TGT_MASK];
		else if (t & JIT_TGT_SUB)
			t = j->frames[t & JIT_TGT_MASK].entry;
		j->tgt[u] = t;
	}
}

/* Formats with a target field: BR_REL relocates only these. */
static bool has_target(u64 word)
{
	u8 fmt = bn_isa[FIELD_GET(BN_F_OPC, word)].fmt;

	return fmt == BN_FMT_BR || fmt == BN_FMT_BRCMP || fmt == BN_FMT_CALL;
}

/*
 * Write every branch target into its word (image-relative; BR_REL adds the
 * base).  The word was packed (bn_pack()) with every other field; only
 * the target field changes, checked to fit first.  Counts the relocations.
 */
static void jit_patch(struct bn_jit *j)
{
	u32 u;

	j->nrelocs = 0;
	for (u = 0; u < j->ncode && !j->error; u++) {
		j->nrelocs += !!j->tag[u];
		if (j->tag[u] != BN_RELOC_BR_REL)
			continue;
		if (j->tgt[u] + BN_LOAD_BASE > FIELD_MAX(BN_F_TARGET)) {
			jit_internal(j, "branch target does not fit");
			return;
		}
		if (!has_target(j->code[u])) {
			jit_internal(j, "branch relocation on an instruction without a target");
			return;
		}
		j->code[u] = (j->code[u] & ~BN_F_TARGET) | FIELD_PREP(BN_F_TARGET, j->tgt[u]);
	}
}

/* ---- image --------------------------------------------------------------------------------- */

static void write_hdr(const struct bn_jit *j, struct bn_image_hdr *h, u32 nrelocs,
		      u32 nlines)
{
	h->magic = jit_le32(BN_IMAGE_MAGIC);
	h->version = jit_le16(BN_IMAGE_VERSION);
	h->prog_type = jit_le16(j->in->prog_type);
	h->code_len = jit_le32(j->ncode);
	h->nrelocs = jit_le32(nrelocs);
	h->nmaps = jit_le32(j->in->nmaps);
	h->nlines = jit_le32(nlines);
	h->stack_size = jit_le16(j->stack_size);
	h->gprs = jit_le16(j->gprs);
	h->xfers = jit_le16(j->xfers);
	h->flags = jit_le16(j->img_flags | (jit_order_free(j) ? BN_IMAGE_F_ORDER_FREE : 0));
}

/* The code words, and after them a relocation for each tagged one. */
static void write_code(const struct bn_jit *j, __le64 *code, struct bn_image_reloc *r)
{
	u32 u;

	for (u = 0; u < j->ncode; u++) {
		code[u] = jit_le64(j->code[u]);
		if (!j->tag[u])
			continue;
		r->insn = jit_le32(u);
		r->type = jit_le16(j->tag[u]);
		r->arg = jit_le32(j->tag[u] == BN_RELOC_BR_REL ? 0 : j->tgt[u]);
		r++;
	}
}

/**
 * jit_write_image() - lay the image out in one allocation
 * @j: JIT (translated and fixed up)
 * @img: out: the image, allocated with env->alloc (zeroed)
 * @img_len: out: its size; the sections add up to it exactly
 * @lines: emit the line table
 */
static int jit_write_image(struct bn_jit *j, void **img, size_t *img_len, bool lines)
{
	u32 nrelocs = j->nrelocs, nlines = lines ? j->in->len : 0, k;
	size_t len = sizeof(struct bn_image_hdr) + j->ncode * 8 +
		     nrelocs * sizeof(struct bn_image_reloc) +
		     j->in->nmaps * sizeof(struct bn_image_map) + nlines * 4;
	u8 *p = j->env->alloc(j->env->priv, len);
	__le64 *code;
	__le32 *line;

	if (!p)
		return -ENOMEM;
	write_hdr(j, (struct bn_image_hdr *)p, nrelocs, nlines);
	code = (__le64 *)(p + sizeof(struct bn_image_hdr));
	write_code(j, code, (struct bn_image_reloc *)(code + j->ncode));
	if (j->in->nmaps)
		__builtin_memcpy(code + j->ncode + 2 * nrelocs, j->in->maps,
				 j->in->nmaps * sizeof(struct bn_image_map));
	line = (__le32 *)((u8 *)(code + j->ncode + 2 * nrelocs) +
			  j->in->nmaps * sizeof(struct bn_image_map));
	for (k = 0; k < nlines; k++)
		line[k] = jit_le32(j->off[k]);
	*img = p;
	*img_len = len;
	return 0;
}

int bn_jit_check_image(const void *img, size_t img_len, u32 *bad, const char **why)
{
	const struct bn_image_hdr *h = img;
	const __le64 *code = (const __le64 *)(h + 1);
	struct bn_ucode uc;
	u32 n, u;

	*bad = 0;
	if (img_len < sizeof(*h)) {
		*why = "image shorter than its header";
		return -EINVAL;
	}
	n = jit_from_le32(h->code_len);
	if ((img_len - sizeof(*h)) / 8 < n) {
		*why = "code runs past the image";
		return -EINVAL;
	}
	for (u = 0; u < n; u++) {
		if (bn_decode(jit_from_le64(code[u]), &uc, why)) {
			*bad = u;
			return -EINVAL;
		}
	}
	return 0;
}

#ifdef JIT_DEBUG
/* Development aid: the pass decisions, one line per instruction. */
static void jit_dump_passes(struct bn_jit *j)
{
	char msg[160];
	u32 i;

	for (i = 0; i < j->in->len; i++) {
		const struct jit_insn *ji = &j->ji[i];

		jit_snprintf(msg, sizeof(msg),
			     "dbg %u: code %02x flags %x live %x/%x out %u x %u y %u sh %u/%u k %llx win %u",
			     i, j->in->insns[i].code, ji->flags, ji->live, ji->live_hi, ji->out,
			     ji->xreg, ji->yreg, ji->yshc, ji->yshamt, (unsigned long long)ji->k, ji->win);
		j->env->print(j->env->priv, msg);
	}
}

static void jit_dump_code(struct bn_jit *j, const char *what)
{
	char msg[160], dis[96];
	u32 u;

	for (u = 0; u < j->ncode; u++) {
		bn_disasm(j->code[u], u, dis, sizeof(dis));
		jit_snprintf(msg, sizeof(msg), "dbg %s %04x: %s tag %u tgt %x", what, u, dis,
			     j->tag[u], j->tgt[u]);
		j->env->print(j->env->priv, msg);
	}
}
#else
static void jit_dump_passes(struct bn_jit *j)
{
}

static void jit_dump_code(struct bn_jit *j, const char *what)
{
}
#endif


static int jit_compile_prog(struct bn_jit *j)
{
	JIT_PHASE(j, "structure", jit_pass_structure(j));
	if (j->error)
		return j->error;
	JIT_PHASE(j, "frames", jit_pass_frames(j));
	if (j->error)
		return j->error;
	JIT_PHASE(j, "passes", jit_run_passes(j));
	jit_dump_passes(j);
	if (!j->error)
		JIT_PHASE(j, "translate", jit_translate(j));
	if (!j->error)
		jit_resolve(j);
	jit_dump_code(j, "pre");
	if (!j->error)
		JIT_PHASE(j, "post", jit_pass_post(j));
	jit_dump_code(j, "post");
	if (!j->error)
		JIT_PHASE(j, "patch", jit_patch(j));
	return j->error;
}

int bn_jit_compile(const struct bn_jit_in *in, const struct bn_jit_opts *opts,
		   const struct bn_jit_env *env, void **img, size_t *img_len,
		   struct bn_jit_stats *stats)
{
	struct bn_jit *j;
	int err;

	if (!env || !env->alloc || !env->free || !img || !img_len)
		return -EINVAL;
	*img = NULL;
	*img_len = 0;
	j = env->alloc(env->priv, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->env = env;
	if (!input_ok(in, opts)) {
		jit_fail(j, -EINVAL, "malformed program description");
		env->free(env->priv, j);
		return -EINVAL;
	}
	err = jit_init(j, in, opts);
	if (!err)
		err = jit_compile_prog(j);
	if (!err)
		err = jit_write_image(j, img, img_len,
				      opt_field(opts, offsetof(struct bn_jit_opts, line_table)));
	if (stats) {
		stats->ebpf_insns = in->len;
		stats->ucode_insns = err ? 0 : j->ncode;
		stats->error_insn = err ? j->err_insn : 0;
	}
	jit_destroy(j);
	return err;
}
