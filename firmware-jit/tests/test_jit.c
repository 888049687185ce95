// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Static JIT tests: small programs (BPF_* macros, metadata from the
 * analyzer or built by hand) checked for exact rejection texts, image
 * header fields, relocations, line table, that every word decodes, that
 * each pass moves instruction counts the expected way, the pass-name API,
 * option handling, determinism, and the JIT time of a generated
 * 4096-instruction program (reported, loosely bounded).
 */
#include <time.h>
#include "test_jit_common.h"

static const struct bn_image_map maps[2] = {
	{ .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 16, .max_entries = 4,
	  .name = "arr" },
	{ .type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 8, .max_entries = 8,
	  .name = "hash" },
};

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* data (r6) and data_end (r7), 64 bytes checked; drop otherwise. */
#define PKT_PROLOGUE(drop)					\
	LDX_MEM(BPF_W, 6, 1, 0),				\
	LDX_MEM(BPF_W, 7, 1, 4),				\
	MOV64_REG(2, 6),					\
	ALU64_IMM(BPF_ADD, 2, 64),				\
	JMP_REG(BPF_JGT, 2, 7, drop)

/* ---- image inspection ---------------------------------------------------------- */

static const struct bn_image_reloc *t_relocs(const struct t_prog *p)
{
	return (const struct bn_image_reloc *)(t_code(p) + t_hdr(p)->code_len);
}

static const __u32 *t_lines(const struct t_prog *p)
{
	const struct bn_image_map *m = (const void *)(t_relocs(p) + t_hdr(p)->nrelocs);

	return (const __u32 *)(m + t_hdr(p)->nmaps);
}

/* How many words of @p are instruction @op (optionally with a defer slot). */
static unsigned int count_op(const struct t_prog *p, __u8 op, int with_defer)
{
	unsigned int i, n = 0;
	struct bn_ucode u;
	const char *why;

	for (i = 0; p->img && i < t_hdr(p)->code_len; i++)
		if (!bn_decode(t_code(p)[i], &u, &why) && u.op == op &&
		    (!with_defer || u.defer))
			n++;
	return n;
}

static __u32 reloc_of(const struct t_prog *p, __u32 insn, __u32 *arg)
{
	__u32 k;

	for (k = 0; k < t_hdr(p)->nrelocs; k++) {
		if (t_relocs(p)[k].insn == insn) {
			*arg = t_relocs(p)[k].arg;
			return t_relocs(p)[k].type;
		}
	}
	return 0;
}

/* Every word decodes; every branch is relocated and in range. */
static void check_image(const char *name, const struct t_prog *p)
{
	const struct bn_image_hdr *h = t_hdr(p);
	size_t want = sizeof(*h) + 8ull * h->code_len +
		      sizeof(struct bn_image_reloc) * h->nrelocs +
		      sizeof(struct bn_image_map) * h->nmaps + 4ull * h->nlines;
	struct bn_ucode u;
	const char *why;
	__u32 i, type, arg;

	CHECK(h->magic == BN_IMAGE_MAGIC && h->version == BN_IMAGE_VERSION, "%s: magic", name);
	CHECK(p->len == want, "%s: image %zu bytes, sections add up to %zu", name, p->len, want);
	CHECK(!h->reserved[0] && !h->reserved[1], "%s: reserved header words", name);
	CHECK(h->code_len == p->st.ucode_insns, "%s: code_len %u stats %u", name, h->code_len,
	      p->st.ucode_insns);
	for (i = 0; i < h->code_len; i++) {
		int ok = !bn_decode(t_code(p)[i], &u, &why);

		CHECK(ok, "%s: word %u does not decode: %s", name, i, why);
		if (!ok || !(bn_isa[u.op].flags & BN_IF_BRANCH) || u.op == BN_OP_rtn)
			continue;
		type = reloc_of(p, i, &arg);
		CHECK(type == BN_RELOC_BR_REL || type == BN_RELOC_HELPER,
		      "%s: branch %u without a relocation", name, i);
		if (type == BN_RELOC_BR_REL)
			CHECK(u.target < h->code_len, "%s: branch %u to %u of %u", name, i,
			      u.target, h->code_len);
	}
	for (i = 0; i < h->nrelocs; i++)
		CHECK(!t_relocs(p)[i].reserved && !t_relocs(p)[i].reserved2,
		      "%s: reloc %u reserved fields", name, i);
}

/* ---- rejections -------------------------------------------------------------------- */

struct reject_case {
	const char *name;
	struct bpf_insn insns[16];
	__u32 type;
	int err;
	const char *msg;
	int len;		/* instructions (0: up to the first zero code) */
	__u8 base_type;		/* hand meta: type of the memory base in insn base_at */
	int base_at;
};

static const struct reject_case rejects[] = {
	{ "LD_ABS", { MOV64_REG(6, 1), INSN(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 12), EXIT() },
	  BN_PROG_XDP, -EOPNOTSUPP, "insn 1: unsupported opcode 0x30" },
	{ "tail call", { MOV64_IMM(3, 0), CALL_HELPER(BPF_FUNC_tail_call), MOV64_IMM(0, 2),
			 EXIT() },
	  BN_PROG_XDP, -EOPNOTSUPP, "insn 1: tail calls are not supported by the device" },
	{ "redirect", { MOV64_IMM(1, 1), MOV64_IMM(2, 0), CALL_HELPER(BPF_FUNC_redirect),
			EXIT() },
	  BN_PROG_XDP, -EOPNOTSUPP, "insn 2: helper 23 is not supported by the device" },
	{ "adjust_head in tc", { MOV64_IMM(2, 4), CALL_HELPER(BPF_FUNC_xdp_adjust_head),
				 EXIT() },
	  BN_PROG_TC, -EOPNOTSUPP, "insn 1: helper 44 is not supported by the device" },
	{ "fetch_add", { MOV64_IMM(1, 1), STX_MEM(BPF_DW, 10, 1, -8),
			 INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 10, 1, -8, BPF_ADD | BPF_FETCH),
			 MOV64_IMM(0, 2), EXIT() },
	  BN_PROG_XDP, -EOPNOTSUPP, "insn 2: atomic operation 0x1 is not supported" },
	{ "atomic add to the packet", { LDX_MEM(BPF_W, 6, 1, 0), MOV64_IMM(1, 1),
					ATOMIC_ADD(BPF_W, 6, 1, 0), MOV64_IMM(0, 2), EXIT() },
	  BN_PROG_XDP, -EOPNOTSUPP, "insn 2: atomic add to a packet pointer is not supported", 0,
	  BN_REG_PACKET, 2 },
	{ "load through a scalar", { MOV64_IMM(1, 64), LDX_MEM(BPF_W, 0, 1, 0), EXIT() },
	  BN_PROG_XDP, -EOPNOTSUPP, "insn 1: memory access through a scalar is not supported", 0,
	  BN_REG_SCALAR, 1 },
	{ "ctx store of 8 bytes", { MOV64_IMM(2, 1), STX_MEM(BPF_DW, 1, 2, 8),
				    MOV64_IMM(0, 2), EXIT() },
	  BN_PROG_TC, -EOPNOTSUPP, "insn 1: context store of size 8 is not supported", 0,
	  BN_REG_CTX, 1 },
	{ "ctx offset", { LDX_MEM(BPF_W, 0, 1, 256), EXIT() },
	  BN_PROG_XDP, -EOPNOTSUPP, "insn 0: context offset 256 is not supported", 0,
	  BN_REG_CTX, 0 },
	{ "bad register", { MOV64_IMM(11, 1), MOV64_IMM(0, 2), EXIT() },
	  BN_PROG_XDP, -EINVAL, "insn 0: invalid instruction" },
	{ "write to r10", { MOV64_IMM(10, 1), MOV64_IMM(0, 2), EXIT() },
	  BN_PROG_XDP, -EINVAL, "insn 0: invalid instruction" },
	{ "truncated ld_imm64", { MOV64_IMM(0, 2), INSN(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 1) },
	  BN_PROG_XDP, -EINVAL, "insn 1: invalid instruction", 2 },
	{ "falls off the end", { MOV64_IMM(0, 2), EXIT(), MOV64_IMM(0, 1) },
	  BN_PROG_XDP, -EINVAL, "insn 2: falls through the end of the program", 0 },
	{ "jump out of range", { MOV64_IMM(0, 2), JA(5), EXIT() },
	  BN_PROG_XDP, -EINVAL, "insn 1: jump out of range" },
	{ "map fd ld_imm64", { LD_IMM64_RAW(1, BPF_PSEUDO_MAP_FD, 3), MOV64_IMM(0, 2), EXIT() },
	  BN_PROG_XDP, -EOPNOTSUPP, "insn 0: ld_imm64 with src_reg 1 is not supported" },
	{ "map index", { LD_MAP(1, 5), MOV64_IMM(0, 2), EXIT() },
	  BN_PROG_XDP, -EINVAL, "insn 0: map index 5 out of range" },
	{ "byte swap width 24", { MOV64_IMM(2, 1), ENDIAN(BPF_TO_BE, 2, 24), MOV64_IMM(0, 2),
				  EXIT() },
	  BN_PROG_XDP, -EINVAL, "insn 1: byte swap width 24 is not 16, 32 or 64" },
	{ "byte swap width 128", { MOV64_IMM(2, 1), MOV64_IMM(3, 1),
				   ENDIAN(BPF_TO_BE, 2, 128), MOV64_IMM(0, 2), EXIT() },
	  BN_PROG_XDP, -EINVAL, "insn 2: byte swap width 128 is not 16, 32 or 64" },
	{ "byte order width -8", { MOV64_IMM(2, 1), ENDIAN(BPF_TO_LE, 2, -8), MOV64_IMM(0, 2),
				   EXIT() },
	  BN_PROG_XDP, -EINVAL, "insn 1: byte swap width -8 is not 16, 32 or 64" },
	{ "stack out of the frame", { MOV64_IMM(1, 1), STX_MEM(BPF_DW, 10, 1, 8),
				      MOV64_IMM(0, 2), EXIT() },
	  BN_PROG_XDP, -EINVAL, "insn 1: stack access at offset 8 is outside the frame" },
};

/* Metadata a verifier would give, for the few fields the rejections need. */
static void hand_meta(const struct reject_case *c, struct bn_insn_meta *m, __u32 n)
{
	__u32 i;

	memset(m, 0, n * sizeof(*m));
	for (i = 0; i < n; i++)		/* loads through R1 at the start read the context */
		if (BPF_CLASS(c->insns[i].code) == BPF_LDX && c->insns[i].src_reg == 1)
			m[i].src.type = BN_REG_CTX;
	if (c->base_type) {
		m[c->base_at].src.type = c->base_type;
		m[c->base_at].dst.type = c->base_type;
	}
}

static void test_rejects(void)
{
	struct bn_jit_subprog sub = { 0, 64 };
	struct bn_insn_meta meta[16];
	unsigned int k;

	for (k = 0; k < N(rejects); k++) {
		const struct reject_case *c = &rejects[k];
		struct t_env e = { .quiet = 1 };
		struct bn_jit_env env = t_jit_env(&e);
		struct bn_jit_in in = { .insns = c->insns, .prog_type = c->type, .meta = meta,
					.subprogs = &sub, .nsubprogs = 1, .maps = maps, .nmaps = 2 };
		void *img = (void *)1;
		size_t len = 1;
		int err;

		in.len = c->len;
		while (!c->len && in.len < 16 && (c->insns[in.len].code || (in.len &&
		       c->insns[in.len - 1].code == (BPF_LD | BPF_IMM | BPF_DW))))
			in.len++;
		hand_meta(c, meta, in.len);
		err = bn_jit_compile(&in, NULL, &env, &img, &len, NULL);
		CHECK(err == c->err, "%s: err %d, want %d", c->name, err, c->err);
		CHECK(!strcmp(e.last, c->msg), "%s: message '%s', want '%s'", c->name, e.last,
		      c->msg);
		CHECK(!img && !len, "%s: no image on failure", c->name);
		CHECK(e.nmsgs == 1, "%s: %u messages, want 1", c->name, e.nmsgs);
	}
}

/* Rejections that need a subprogram table or options. */
static void test_reject_structure(void)
{
	struct bpf_insn calls[] = {
		MOV64_IMM(1, 1), CALL_SUB(1), EXIT(),
		MOV64_IMM(0, 1), CALL_SUB(-2), EXIT(),
	};
	struct {
		struct bn_jit_opts o;
		__u64 newer_field;
	} big_opts = { { .sz = sizeof(big_opts) }, 1 };
	struct bpf_insn small[] = { MOV64_IMM(0, 1), ALU64_IMM(BPF_ADD, 0, 1),
				    ALU64_IMM(BPF_XOR, 0, 3), EXIT() };
	struct bn_jit_subprog subs[2] = { { 0, 0 }, { 3, 0 } }, bad[2] = { { 0, 0 }, { 9, 0 } };
	struct bn_jit_subprog big[2] = { { 0, 0 }, { 3, 512 } };
	struct bn_insn_meta meta[8] = { 0 };
	struct t_env e = { .quiet = 1 };
	struct bn_jit_env env = t_jit_env(&e);
	struct bn_jit_in in = { .insns = calls, .len = 6, .prog_type = BN_PROG_XDP, .meta = meta,
				.subprogs = subs, .nsubprogs = 2 };
	struct bn_jit_opts opts = { .sz = sizeof(opts), .code_store = 3 };
	void *img = NULL;
	size_t len;

	CHECK(bn_jit_compile(&in, NULL, &env, &img, &len, NULL) == -EINVAL &&
	      !strcmp(e.last, "insn 4: recursive bpf-to-bpf calls are not supported"),
	      "recursion: '%s'", e.last);
	in.subprogs = bad;
	CHECK(bn_jit_compile(&in, NULL, &env, &img, &len, NULL) == -EINVAL &&
	      !strcmp(e.last, "insn 9: subprogram table does not match the program"),
	      "subprogram table: '%s'", e.last);
	in.subprogs = big;
	calls[4] = CALL_HELPER(BPF_FUNC_ktime_get_ns);
	CHECK(bn_jit_compile(&in, NULL, &env, &img, &len, NULL) == -EOPNOTSUPP &&
	      !strcmp(e.last, "insn 3: stack frame of 516 bytes does not fit the 512-byte "
			      "local memory window"), "frame: '%s'", e.last);
	in.insns = small;
	in.len = 4;
	in.subprogs = subs;
	in.nsubprogs = 1;
	CHECK(bn_jit_compile(&in, &opts, &env, &img, &len, NULL) == -ENOSPC &&
	      !strcmp(e.last, "insn 3: program needs more than 3 microcode instructions"),
	      "code store: '%s'", e.last);
	in.meta = NULL;
	CHECK(bn_jit_compile(&in, NULL, &env, &img, &len, NULL) == -EINVAL &&
	      !strcmp(e.last, "insn 0: malformed program description"),
	      "no meta: '%s'", e.last);
	in.meta = meta;
	CHECK(bn_jit_compile(&in, &big_opts.o, &env, &img, &len, NULL) == -EINVAL,
	      "opts larger than known with a non-zero tail are refused");
	big_opts.newer_field = 0;
	CHECK(!bn_jit_compile(&in, &big_opts.o, &env, &img, &len, NULL),
	      "opts larger than known with a zero tail are fine");
	free(img);
}

/* ---- images ----------------------------------------------------------------------- */

/*
 * bn_jit_check_image() on @t's image: it passes; a word the device would
 * refuse (an A operand in the B port, an undefined opcode), or an image cut
 * short, is found, and the word named.
 */
static void check_image_check(struct t_prog *t)
{
	__u64 *code = (__u64 *)t_code(t), keep;
	__u32 n = t_hdr(t)->code_len, at = n - 1, bad = 99;	/* the last word */
	const char *why = NULL;
	struct bn_ucode u = { .op = BN_OP_add, .dst = BN_OPND_BOTH(1), .srca = BN_OPND_A(2),
			      .srcb = BN_OPND_A(3) };

	CHECK(!bn_jit_check_image(t->img, t->len, &bad, &why), "check_image: the JIT's image");
	keep = code[at];
	CHECK(!bn_pack(&u, &code[at], &why), "bn_pack packs what only decode refuses");
	CHECK(bn_jit_check_image(t->img, t->len, &bad, &why) == -EINVAL && bad == at &&
	      strstr(why, "B operand"), "check_image: word %u: %u %s", at, bad, why);
	code[at] = 0xffull << 56;
	CHECK(bn_jit_check_image(t->img, t->len, &bad, &why) == -EINVAL && bad == at,
	      "check_image: word %u with opcode 0xff: %u %s", at, bad, why);
	code[at] = keep;
	CHECK(bn_jit_check_image(t->img, sizeof(struct bn_image_hdr) + 8ull * n - 1, &bad,
				 &why) == -EINVAL && strstr(why, "past"),
	      "check_image: cut short: %s", why);
	CHECK(bn_jit_check_image(t->img, 3, &bad, &why) == -EINVAL, "check_image: 3 bytes");
	u.shamt = 32;
	u.srcb = BN_OPND_B(3);
	u.shc = BN_SHC_LSL;
	CHECK(bn_pack(&u, &keep, &why) == -ERANGE && strstr(why, "0..31"),
	      "bn_pack: shift amount 32: %s", why);
}

static void test_image(void)
{
	struct bpf_insn p[] = {
		PKT_PROLOGUE(14),
		MOV64_REG(9, 1),
		ST_MEM(BPF_W, 10, -4, 1),
		LD_MAP(1, 1),
		MOV64_REG(2, 10),
		ALU64_IMM(BPF_ADD, 2, -4),
		CALL_HELPER(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JEQ, 0, 0, 4),
		CALL_HELPER(BPF_FUNC_get_prandom_u32),
		MOV64_REG(1, 9),
		MOV64_IMM(2, -4),
		CALL_HELPER(BPF_FUNC_xdp_adjust_head),
		MOV64_IMM(0, 2),
		EXIT(),
		MOV64_IMM(0, 1),
		EXIT(),
	};
	struct t_env e = { .quiet = 0 };
	struct t_prog t = t_build(p, N(p), BN_PROG_XDP, maps, 2, 0, 1, &e);
	const struct bn_image_hdr *h;
	__u32 k, helpers = 0, mapids = 0, type, arg;

	CHECK(!t.aerr && !t.err, "image program compiles (%d %d)", t.aerr, t.err);
	if (!t.img)
		return;
	h = t_hdr(&t);
	check_image("image", &t);
	CHECK(h->prog_type == BN_PROG_XDP && h->nmaps == 2 && h->nlines == N(p),
	      "header type %u maps %u lines %u", h->prog_type, h->nmaps, h->nlines);
	CHECK(h->stack_size >= 4 && h->stack_size <= 8, "stack_size %u", h->stack_size);
	CHECK(h->flags == (BN_IMAGE_F_NEEDS_PRNG | BN_IMAGE_F_ADJ_HEAD | BN_IMAGE_F_ORDER_FREE),
	      "flags %#x", h->flags);
	CHECK(h->gprs >= 29 && h->gprs <= 32, "gprs %u (the link register is 28)", h->gprs);
	CHECK(h->xfers <= BN_NUM_XFER, "xfers %u", h->xfers);
	for (k = 0; k < h->code_len; k++) {
		type = reloc_of(&t, k, &arg);
		helpers += type == BN_RELOC_HELPER;
		mapids += type == BN_RELOC_MAP_ID && arg == 1;
		if (type == BN_RELOC_HELPER)
			CHECK(arg == 1 || arg == 7 || arg == 44, "helper reloc arg %u", arg);
	}
	CHECK(helpers == 3 && mapids == 1, "%u helper and %u map relocations", helpers, mapids);
	CHECK(!memcmp((const char *)(t_relocs(&t) + h->nrelocs), maps, sizeof(maps)),
	      "map table is the input's");
	for (k = 0; k < N(p); k++)
		CHECK(t_lines(&t)[k] <= h->code_len && (!k || t_lines(&t)[k] >= t_lines(&t)[k - 1]),
		      "line %u: %u", k, t_lines(&t)[k]);
	check_image_check(&t);
	free(t.img);
	t = t_build(p, N(p), BN_PROG_XDP, maps, 2, 0, 0, &e);
	CHECK(t.img && !t_hdr(&t)->nlines, "no line table unless asked");
	free(t.img);
}

/* Same input, same bytes; the metadata the JIT was given is not needed twice. */
static void test_determinism(void)
{
	struct bpf_insn p[] = {
		PKT_PROLOGUE(5),
		LDX_MEM(BPF_H, 3, 6, 12),
		LDX_MEM(BPF_B, 4, 6, 23),
		ALU64_REG(BPF_ADD, 3, 4),
		MOV64_REG(0, 3),
		EXIT(),
		MOV64_IMM(0, 1),
		EXIT(),
	};
	struct t_env e = { .quiet = 1 };
	struct t_prog a = t_build(p, N(p), BN_PROG_XDP, NULL, 0, 0, 1, &e);
	struct t_prog b = t_build(p, N(p), BN_PROG_XDP, NULL, 0, 0, 1, &e);

	CHECK(a.img && b.img && a.len == b.len && !memcmp(a.img, b.img, a.len),
	      "two compiles give the same image");
	free(a.img);
	free(b.img);
}

/* ---- passes ------------------------------------------------------------------------ */

struct pass_case {
	const char *name;
	enum bn_jit_pass pass;
	struct bpf_insn insns[24];
	__u8 op;		/* count this microcode op (0: count all words) */
	int defer;		/* ... only those with defer slots */
};

static const struct pass_case pass_cases[] = {
	{ "zext: ALU32 results whose upper half nothing reads", BN_PASS_zext, {
		PKT_PROLOGUE(5), LDX_MEM(BPF_W, 3, 6, 0), ALU32_IMM(BPF_ADD, 3, 5),
		ALU32_IMM(BPF_XOR, 3, 9), MOV32_REG(0, 3), EXIT(), MOV64_IMM(0, 1), EXIT() } },
	{ "imm_fold: constant source register", BN_PASS_imm_fold, {
		PKT_PROLOGUE(5), LDX_MEM(BPF_W, 3, 6, 0), MOV64_IMM(4, 0x0f0), ALU64_REG(BPF_AND, 3, 4),
		MOV64_REG(0, 3), EXIT(), MOV64_IMM(0, 1), EXIT() } },
	{ "imm_fold: and with a byte mask is one ld_field", BN_PASS_imm_fold, {
		PKT_PROLOGUE(5), LDX_MEM(BPF_W, 3, 6, 0), ALU32_IMM(BPF_MUL, 3, 3),
		ALU32_IMM(BPF_AND, 3, 0xff00ff00), MOV64_REG(0, 3), EXIT(), MOV64_IMM(0, 1),
		EXIT() } },
	{ "imm_fold: a wide constant built once per block", BN_PASS_imm_fold, {
		PKT_PROLOGUE(6), LDX_MEM(BPF_W, 3, 6, 0), ALU32_IMM(BPF_ADD, 3, 0x12345678),
		ALU32_IMM(BPF_XOR, 3, 0x12345678), ALU32_IMM(BPF_SUB, 3, 0x12345678),
		MOV64_REG(0, 3), EXIT(), MOV64_IMM(0, 1), EXIT() }, BN_OP_immed_hi },
	{ "fuse_shift: mov, shift and add", BN_PASS_fuse_shift, {
		PKT_PROLOGUE(7), LDX_MEM(BPF_W, 3, 6, 0), LDX_MEM(BPF_W, 4, 6, 4), MOV32_REG(5, 3),
		ALU32_IMM(BPF_LSH, 5, 3), ALU32_REG(BPF_ADD, 4, 5), MOV32_REG(0, 4), EXIT(),
		MOV64_IMM(0, 1), EXIT() } },
	{ "fuse_field: load and mask", BN_PASS_fuse_field, {
		PKT_PROLOGUE(4), LDX_MEM(BPF_W, 3, 6, 12), ALU64_IMM(BPF_RSH, 3, 16),
		MOV64_REG(0, 3), EXIT(), MOV64_IMM(0, 1), EXIT() } },
	{ "fuse_cmp: compare and branch", BN_PASS_fuse_cmp, {
		PKT_PROLOGUE(5), LDX_MEM(BPF_B, 3, 6, 12), MOV64_IMM(0, 1), JMP_IMM(BPF_JEQ, 3, 8, 1),
		MOV64_IMM(0, 2), EXIT(), MOV64_IMM(0, 1), EXIT() } },
	{ "pkt_coalesce: header loads share one read", BN_PASS_pkt_coalesce, {
		PKT_PROLOGUE(7), LDX_MEM(BPF_H, 3, 6, 12), LDX_MEM(BPF_B, 4, 6, 23),
		LDX_MEM(BPF_W, 5, 6, 26), ALU64_REG(BPF_ADD, 3, 4), ALU64_REG(BPF_ADD, 3, 5),
		MOV64_REG(0, 3), EXIT(), MOV64_IMM(0, 1), EXIT() }, BN_OP_mem_rd },
	{ "dce: dead definitions", BN_PASS_dce, {
		PKT_PROLOGUE(5), LDX_MEM(BPF_W, 3, 6, 0), ALU64_IMM(BPF_MUL, 3, 77),
		MOV64_IMM(3, 1), MOV64_REG(0, 3), EXIT(), MOV64_IMM(0, 1), EXIT() } },
	{ "defer_fill: independent work into the slot", BN_PASS_defer_fill, {
		PKT_PROLOGUE(5), LDX_MEM(BPF_B, 3, 6, 12), MOV64_IMM(0, 3), JMP_IMM(BPF_JEQ, 3, 8, 1),
		MOV64_IMM(0, 2), EXIT(), MOV64_IMM(0, 1), EXIT() }, BN_OP_br_cmp, 1 },
};

static __u32 hand_len16(const struct bpf_insn *p, __u32 max)
{
	__u32 n = 0;

	while (n < max && (p[n].code || (n && p[n - 1].code == (BPF_LD | BPF_IMM | BPF_DW))))
		n++;
	return n;
}

static void test_passes(void)
{
	unsigned int k;

	for (k = 0; k < N(pass_cases); k++) {
		const struct pass_case *c = &pass_cases[k];
		__u32 n = hand_len16(c->insns, 24);
		struct t_env e = { .quiet = 1 };
		struct t_prog on = t_build(c->insns, n, BN_PROG_XDP, NULL, 0, 0, 0, &e);
		struct t_prog off = t_build(c->insns, n, BN_PROG_XDP, NULL, 0, 1u << c->pass, 0, &e);
		unsigned int a, b;

		if (!on.img || !off.img) {
			CHECK(0, "%s: does not compile: %s", c->name, e.last);
			continue;
		}
		check_image(c->name, &on);
		check_image(c->name, &off);
		a = c->op ? count_op(&on, c->op, c->defer) : t_hdr(&on)->code_len;
		b = c->op ? count_op(&off, c->op, c->defer) : t_hdr(&off)->code_len;
		if (c->defer)
			CHECK(a > b, "%s: %u words with defer slots on, %u off", c->name, a, b);
		else
			CHECK(a < b, "%s: %u on, %u off", c->name, a, b);
		free(on.img);
		free(off.img);
	}
}

static void test_api(void)
{
	unsigned int p;

	for (p = 0; p < BN_PASS__COUNT; p++)
		CHECK(bn_jit_pass_by_name(bn_jit_pass_name(p)) == (int)p, "pass %u name", p);
	CHECK(!bn_jit_pass_name(BN_PASS__COUNT), "no name past the last pass");
	CHECK(bn_jit_pass_by_name("zex") == -1 && bn_jit_pass_by_name("zext2") == -1 &&
	      bn_jit_pass_by_name(NULL) == -1, "unknown pass names");
	CHECK(!strcmp(bn_jit_pass_name(BN_PASS_pkt_coalesce), "pkt_coalesce"), "a pass name");
	CHECK(bn_jit_supported_opcode(BPF_ALU64 | BPF_MOD | BPF_X) &&
	      bn_jit_supported_opcode(BPF_ALU | BPF_END | BPF_TO_LE) &&
	      bn_jit_supported_opcode(BPF_STX | BPF_ATOMIC | BPF_DW) &&
	      bn_jit_supported_opcode(BPF_JMP32 | BPF_JSET | BPF_X), "supported opcodes");
	CHECK(!bn_jit_supported_opcode(BPF_LD | BPF_ABS | BPF_W) &&
	      !bn_jit_supported_opcode(BPF_STX | BPF_ATOMIC | BPF_B) &&
	      !bn_jit_supported_opcode(BPF_JMP32 | BPF_JA) && !bn_jit_supported_opcode(0xff),
	      "unsupported opcodes");
}

/* ---- conventions of the generated code --------------------------------------------- */

/* A callee saves the link register and the R6-R9 it writes; frames stack up. */
static void test_calls(void)
{
	struct bpf_insn p[] = {
		MOV64_IMM(1, 7),
		ST_MEM(BPF_DW, 10, -8, 1),
		CALL_SUB(3),
		LDX_MEM(BPF_DW, 1, 10, -8),
		ALU64_REG(BPF_ADD, 0, 1),
		EXIT(),
		MOV64_REG(6, 1),
		ST_MEM(BPF_DW, 10, -16, 2),
		CALL_HELPER(BPF_FUNC_ktime_get_ns),
		ALU64_REG(BPF_ADD, 0, 6),
		EXIT(),
	};
	struct t_env e = { .quiet = 0 };
	struct t_prog t = t_build(p, N(p), BN_PROG_XDP, NULL, 0, 0, 1, &e);

	CHECK(!t.aerr && !t.err, "calls compile");
	if (!t.img)
		return;
	check_image("calls", &t);
	/* main 8 bytes; callee 16 + link + R6 (2 words) = 28 */
	CHECK(t_hdr(&t)->stack_size == 8 + 28, "stack_size %u", t_hdr(&t)->stack_size);
	CHECK(count_op(&t, BN_OP_rtn, 0) == 1 && count_op(&t, BN_OP_call, 0) == 2,
	      "one rtn, two calls");
	CHECK(count_op(&t, BN_OP_csr_wr, 0) == 2, "LM_FP moved up and back");
	free(t.img);
}

/* ---- speed -------------------------------------------------------------------------- */

/* A long straight-line program of the kinds of work the corpus has. */
static __u32 gen_big(struct bpf_insn *p, __u32 want)
{
	__u32 n = 0, k = 0;

	p[n++] = LDX_MEM(BPF_W, 6, 1, 0);
	p[n++] = LDX_MEM(BPF_W, 7, 1, 4);
	p[n++] = MOV64_REG(2, 6);
	p[n++] = ALU64_IMM(BPF_ADD, 2, 128);
	p[n++] = JMP_REG(BPF_JGT, 2, 7, 0);
	p[n++] = MOV64_IMM(8, 0);
	while (n + 12 < want) {
		p[n++] = LDX_MEM(BPF_W, 3, 6, (k * 4) % 120);
		p[n++] = ALU32_IMM(BPF_XOR, 3, 0x9e37 + k);
		p[n++] = ALU32_IMM(BPF_MUL, 3, 0x01000193);
		p[n++] = MOV64_REG(4, 3);
		p[n++] = ALU64_IMM(BPF_RSH, 4, 13);
		p[n++] = ALU64_REG(BPF_XOR, 8, 4);
		p[n++] = LDX_MEM(BPF_B, 5, 6, (k * 7) % 127);
		p[n++] = ALU64_REG(BPF_ADD, 8, 5);
		p[n++] = STX_MEM(BPF_DW, 10, 8, -8 - 8 * (k % 16));
		p[n++] = JMP_IMM(BPF_JSET, 8, 1 << (k % 12), 1);
		p[n++] = ALU64_IMM(BPF_SUB, 8, 3);
		k++;
	}
	p[4].off = n + 2 - 5;
	p[n++] = MOV64_REG(0, 8);
	p[n++] = EXIT();
	p[n++] = MOV64_IMM(0, 1);
	p[n++] = EXIT();
	return n;
}

static void test_speed(void)
{
	static struct bpf_insn p[4200];
	static struct bn_insn_meta meta[4200], m2[4200];
	struct bn_jit_subprog subs[4];
	struct t_env e = { .quiet = 1 };
	struct bn_jit_env env = t_jit_env(&e);
	struct bn_jit_in in = { .insns = p, .prog_type = BN_PROG_XDP, .meta = m2, .subprogs = subs };
	double best = 1e9;
	struct timespec t0, t1;
	__u32 k;

	in.len = gen_big(p, 4096);
	CHECK(!bn_analyze(p, in.len, BN_PROG_XDP, NULL, 0, meta, subs, 4, &in.nsubprogs, &env),
	      "generated program analyzes: %s", e.last);
	for (k = 0; k < 30; k++) {
		struct bn_jit_stats st;
		void *img = NULL;
		size_t len;
		double us;
		int err;

		memcpy(m2, meta, in.len * sizeof(*meta));
		clock_gettime(CLOCK_MONOTONIC, &t0);
		err = bn_jit_compile(&in, NULL, &env, &img, &len, &st);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		free(img);
		us = (t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3;
		best = us < best ? us : best;
		if (!k) {
			CHECK(!err, "big program compiles: %s", e.last);
			printf("jit speed: %u eBPF -> %u microcode instructions\n", in.len,
			       st.ucode_insns);
		}
	}
	printf("jit speed: %.0f us best of 30 compiles (target < 1000)\n", best);
	CHECK(best < 20000, "JIT of a 4096-instruction program took %.0f us", best);
}

/* ---- BN_IMAGE_F_ORDER_FREE -------------------------------------------------------- */

#define MAX_BODY	4

/* What a program does with the value of map @map it looked up. */
struct of_case {
	const char *name;
	u32 map;
	struct bpf_insn body[MAX_BODY];
	u32 nbody;
	int free;
};

static void test_order_free(void)
{
	static const struct of_case cases[] = {
		{ "lookup only", 0, { MOV64_IMM(3, 0) }, 1, 1 },
		{ "read", 1, { LDX_MEM(BPF_DW, 3, 0, 0) }, 1, 1 },
		{ "atomic add", 0, { MOV64_IMM(3, 1), ATOMIC_ADD(BPF_DW, 0, 3, 0) }, 2, 1 },
		{ "atomic add and read", 0,
		  { MOV64_IMM(3, 1), ATOMIC_ADD(BPF_DW, 0, 3, 0), LDX_MEM(BPF_DW, 4, 0, 8) }, 3, 0 },
		{ "plain store", 1, { ST_MEM(BPF_DW, 0, 0, 5) }, 1, 0 },
		{ "store of a register", 0, { MOV64_IMM(3, 1), STX_MEM(BPF_W, 0, 3, 4) }, 2, 0 },
	};
	static const struct bpf_insn update[] = {
		ST_MEM(BPF_W, 10, -4, 0),
		ST_MEM(BPF_DW, 10, -16, 1),
		LD_MAP(1, 1),
		MOV64_REG(2, 10),
		ALU64_IMM(BPF_ADD, 2, -4),
		MOV64_REG(3, 10),
		ALU64_IMM(BPF_ADD, 3, -16),
		MOV64_IMM(4, 0),
		CALL_HELPER(BPF_FUNC_map_update_elem),
		MOV64_IMM(0, 2),
		EXIT(),
	};
	struct t_env e = { .quiet = 1 };
	struct t_prog t;
	u32 k;

	for (k = 0; k < N(cases); k++) {
		const struct of_case *c = &cases[k];
		struct bpf_insn p[16] = {
			ST_MEM(BPF_W, 10, -4, 0),
			LD_MAP(1, c->map),
			MOV64_REG(2, 10),
			ALU64_IMM(BPF_ADD, 2, -4),
			CALL_HELPER(BPF_FUNC_map_lookup_elem),
			JMP_IMM(BPF_JEQ, 0, 0, c->nbody),
		};
		u32 n = 7;

		memcpy(&p[n], c->body, c->nbody * sizeof(p[0]));
		n += c->nbody;
		p[n++] = MOV64_IMM(0, 2);
		p[n++] = EXIT();
		t = t_build(p, n, BN_PROG_XDP, maps, 2, 0, 0, &e);
		CHECK(t.img && !!(t_hdr(&t)->flags & BN_IMAGE_F_ORDER_FREE) == c->free,
		      "order-free, %s: %s (want %s)", c->name,
		      !t.img ? "no image" : t_hdr(&t)->flags & BN_IMAGE_F_ORDER_FREE ? "yes" : "no",
		      c->free ? "yes" : "no");
		free(t.img);
	}
	t = t_build(update, N(update), BN_PROG_XDP, maps, 2, 0, 0, &e);
	CHECK(t.img && !(t_hdr(&t)->flags & BN_IMAGE_F_ORDER_FREE),
	      "order-free: not with map_update_elem");
	free(t.img);
}

int main(void)
{
	test_rejects();
	test_reject_structure();
	test_image();
	test_order_free();
	test_determinism();
	test_passes();
	test_api();
	test_calls();
	test_speed();
	return t_done();
}
